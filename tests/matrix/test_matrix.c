// SPDX-License-Identifier: MIT
/*
 * The Go toolchain matrix: the suites' checks (checks.c) on samples/kinds
 * and samples/funcs built by every Go release, each against that
 * release's own tools. make test-go builds them into $GOMATRIX/VERSION/
 * (default build_dir()/gomatrix): kinds and kinds-sw (-ldflags='-s -w')
 * and funcs for amd64, kinds-386[-sw] and kinds-arm64[-sw] for the
 * versions in $GOMATRIX_CROSS, tests/gosym as gosym and the release's go
 * command as go (types_match_dwarf builds the other samples with it, with
 * and without -s -w, into the suite's temp dir). Each check of each build is its own test,
 * matrix_VERSION[_ARCH]_CHECK, so TEST_ONLY=1.27 runs one release. After
 * a release's tests a "figures" line says what goanalyze found in its
 * kinds build; a table of them all comes before the closing line.
 */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "attachlib.h"
#include "checks.h"
#include "log.h"
#include "test.h"
#include "util.h"

#define DEFAULT_VERSIONS "1.19 1.21 1.22 1.23 1.24 1.26 1.27"
#define DEFAULT_CROSS "1.27"

/* What one build's checks found, for the figures line: -1 = not measured. */
struct figures {
	long long funcs, undecodable;		/* kinds, from the objdump check */
	long long dwarf_checked, dwarf_differ;	/* kinds: every argument goanalyze compared with DWARF */
	long long arginfo_funcs, arginfo_placed, arginfo_same;	/* kinds -s -w against kinds */
	int goid, twin_goid;			/* kinds -s -w, and kinds from DWARF */
	char goid_source[64];
	int kinds_same;				/* of KINDS_NCALLS calls */
	long long types_typed, types_agree, types_raw;	/* every sample -s -w against its DWARF twin */
};

/* One release for one GOARCH: its binaries in dir, named with suffix ("", "-386", "-arm64"). */
struct toolchain {
	char ver[16];
	const char *arch;
	const char *suffix;
	char dir[512];
	struct figures fig;
	char failed[1024];	/* the checks that failed, space-separated */
};

/* dir/name+suffix+variant ("kinds", "-sw"): static buffer rotation, use soon. */
static const char *tc_bin(const struct toolchain *tc, const char *name, const char *variant)
{
	static char bufs[8][640];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s%s%s", tc->dir, name, tc->suffix, variant);
	return b;
}

/* "1.27 kinds-386-sw" for messages (static buffer rotation) */
static const char *tc_label(const struct toolchain *tc, const char *name, const char *variant)
{
	static char bufs[8][128];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s-%s%s%s", tc->ver, name, tc->suffix, variant);
	return b;
}

/* Every file a check needs must be there: make test-go builds them. */
static bool built(const char *path)
{
	if (access(path, X_OK) == 0)
		return true;
	TEST_FAIL_MSG("%s is missing: make test-go builds it", path);
	return false;
}

static const char *objdump_of(const struct toolchain *tc)
{
	return strcmp(tc->arch, "arm64") ? "objdump" : "aarch64-linux-gnu-objdump";
}

static bool is_amd64(const struct toolchain *tc)
{
	return !strcmp(tc->arch, "amd64");
}

static void exits_match_objdump(void *arg)
{
	struct toolchain *tc = arg;
	struct exits_figures f;

	if (!built(tc_bin(tc, "kinds", "")))
		return;
	check_exits_vs_objdump(tc_label(tc, "kinds", ""), tc_bin(tc, "kinds", ""), objdump_of(tc), &f);
	tc->fig.funcs = f.funcs;
	tc->fig.undecodable = f.undecodable;
	if (is_amd64(tc) && built(tc_bin(tc, "funcs", "")))
		check_exits_vs_objdump(tc_label(tc, "funcs", ""), tc_bin(tc, "funcs", ""), "objdump", NULL);
}

static void funcs_match_gosym(void *arg)
{
	struct toolchain *tc = arg;
	char gosym[600];

	snprintf(gosym, sizeof(gosym), "%s/gosym", tc->dir);
	if (!built(gosym) || !built(tc_bin(tc, "kinds", "")))
		return;
	check_funcs_vs_gosym(tc_label(tc, "kinds", ""), tc_bin(tc, "kinds", ""), gosym);
	if (is_amd64(tc) && built(tc_bin(tc, "funcs", "")))
		check_funcs_vs_gosym(tc_label(tc, "funcs", ""), tc_bin(tc, "funcs", ""), gosym);
}

static void funcs_match_symtab(void *arg)
{
	struct toolchain *tc = arg;

	if (built(tc_bin(tc, "kinds", "")))
		check_funcs_vs_symtab(tc_label(tc, "kinds", ""), tc_bin(tc, "kinds", ""));
}

static void buildinfo_matches_go_version(void *arg)
{
	struct toolchain *tc = arg;
	char go[600];

	snprintf(go, sizeof(go), "%s/go", tc->dir);
	if (!built(go) || !built(tc_bin(tc, "kinds", "")) || !built(tc_bin(tc, "kinds", "-sw")))
		return;
	check_buildinfo(go, tc_label(tc, "kinds", ""), tc_bin(tc, "kinds", ""));
	check_buildinfo(go, tc_label(tc, "kinds", "-sw"), tc_bin(tc, "kinds", "-sw"));
}

static void inlines_match_dwarf(void *arg)
{
	struct toolchain *tc = arg;
	char gosym[600];

	snprintf(gosym, sizeof(gosym), "%s/gosym", tc->dir);
	if (built(gosym) && built(tc_bin(tc, "kinds", ""))) {
		check_inlines_vs_dwarf(tc_label(tc, "kinds", ""), tc_bin(tc, "kinds", ""), gosym);
		/* and where each inlined body is, nested as DWARF nests it */
		check_inline_chains_vs_dwarf(tc_label(tc, "kinds", ""), tc_bin(tc, "kinds", ""), gosym);
	}
}

/* gdb reads the host's architecture only (no gdb-multiarch here): amd64. */
static void goid_offset_matches_gdb(void *arg)
{
	struct toolchain *tc = arg;

	if (built(tc_bin(tc, "kinds", "")))
		check_goid_vs_gdb(tc_label(tc, "kinds", ""), tc_bin(tc, "kinds", ""));
}

/*
 * The argument locations against DWARF: of at least 1000 arguments
 * compared in the whole binary, 99% agree; the sample's own all agree.
 */
static void locations_match_dwarf(void *arg)
{
	struct toolchain *tc = arg;
	struct dwarf_figures f;

	if (!built(tc_bin(tc, "kinds", "")))
		return;
	/* the shape is "go.shape.int_0" up to Go 1.19, "go.shape.int" after */
	check_kinds_locations(tc_label(tc, "kinds", ""), tc_bin(tc, "kinds", ""),
			      "main.(*List[go.shape.int%]).Push", &f);
	if (f.agree < 0)
		return;
	tc->fig.dwarf_checked = f.agree + f.differ;
	tc->fig.dwarf_differ = f.differ;
	printf("  %s: %lld arguments compared with DWARF, %lld differ\n", tc_label(tc, "kinds", ""),
	       f.agree + f.differ, f.differ);
	ASSERT_GE(f.agree + f.differ, 1000, "arguments compared with DWARF");
	ASSERT_GE(f.agree * 100, (f.agree + f.differ) * 99, "99% agree with DWARF");
}

static void stripped_same_as_unstripped(void *arg)
{
	struct toolchain *tc = arg;
	struct stripped_figures f;

	if (!built(tc_bin(tc, "kinds", "-sw")) || !built(tc_bin(tc, "kinds", "")))
		return;
	check_stripped_twin(tc_bin(tc, "kinds", "-sw"), tc_bin(tc, "kinds", ""), NULL, &f);
	tc->fig.goid = f.goid;
	tc->fig.twin_goid = f.twin_goid;
	snprintf(tc->fig.goid_source, sizeof(tc->fig.goid_source), "%s", f.goid_source);
	printf("  %s: goid at %d (%s), DWARF of %s: %d\n", tc_label(tc, "kinds", "-sw"), f.goid,
	       f.goid_source, tc_label(tc, "kinds", ""), f.twin_goid);
}

static void arginfo_matches_dwarf(void *arg)
{
	struct toolchain *tc = arg;
	struct arginfo_figures f;
	char cmd[1024];

	if (!built(tc_bin(tc, "kinds", "-sw")) || !built(tc_bin(tc, "kinds", "")))
		return;
	snprintf(cmd, sizeof(cmd), "F='%s'", tc_bin(tc, "kinds", "-sw"));
	arginfo_vs_dwarf(tc_label(tc, "kinds", ""), cmd, tc_bin(tc, "kinds", ""), 500, 1000, &f);
	tc->fig.arginfo_funcs = f.funcs;
	tc->fig.arginfo_placed = f.placed;
	tc->fig.arginfo_same = f.same;
}

/* The samples whose -s -w build types_match_dwarf checks (kinds for every GOARCH, all on amd64). */
static const char *const type_samples[] = {
	"kinds", "funcs", "types", "swapper", "stacker", "blocker", "budget",
};

/* samples/name built by tc's go into out, as the Makefile's GMBUILD does, -s -w when sw. */
static bool build_sample(const struct toolchain *tc, const char *name, const char *out, bool sw)
{
	struct cmd_result r = {};
	char cmd[PATH_MAX + 2048], dir[PATH_MAX];
	bool ok;

	if (!ASSERT_TRUE(realpath(tc->dir, dir) != NULL, "the release's directory"))
		return false;
	snprintf(cmd, sizeof(cmd), "cd samples/%s && GOFLAGS=-mod=mod CGO_ENABLED=0 '%s/go' build "
		 "-gcflags=-l %s -o '%s' .", name, dir, sw ? "-ldflags='-s -w'" : "", out);
	sh_run(cmd, 600, &r);
	ok = ASSERT_EQ(r.status, 0, "go build");
	if (!ok)
		printf("  %s %s: %s\n", tc->ver, name, r.err ? r.err : "");
	cmd_result_free(&r);
	return ok;
}

/*
 * Methods of each sample's -s -w build typed from its runtime type data
 * against the DWARF of its twin: all agree, at least 50 per sample.
 * kinds and kinds-sw are the matrix's own builds; the other samples (on
 * amd64) are built here by the release's go, both ways.
 */
static void types_match_dwarf(void *arg)
{
	struct toolchain *tc = arg;
	size_t i;

	tc->fig.types_typed = tc->fig.types_agree = tc->fig.types_raw = 0;
	for (i = 0; i < ARRAY_SIZE(type_samples); i++) {
		const char *name = type_samples[i];
		char twin[640], sw[640];
		struct types_figures f;

		if (!strcmp(name, "kinds")) {
			if (!built(tc_bin(tc, "kinds", "")) || !built(tc_bin(tc, "kinds", "-sw")))
				continue;
			snprintf(twin, sizeof(twin), "%s", tc_bin(tc, "kinds", ""));
			snprintf(sw, sizeof(sw), "%s", tc_bin(tc, "kinds", "-sw"));
		} else if (is_amd64(tc)) {
			snprintf(twin, sizeof(twin), "%s/%s-%s", tmp_dir(), name, tc->ver);
			snprintf(sw, sizeof(sw), "%s/%s-%s-sw", tmp_dir(), name, tc->ver);
			if (!build_sample(tc, name, twin, false) || !build_sample(tc, name, sw, true))
				continue;
		} else {
			continue;
		}
		types_vs_dwarf(tc_label(tc, name, "-sw"), sw, twin, 50, &f);
		tc->fig.types_typed += f.typed;
		tc->fig.types_agree += f.agree;
		tc->fig.types_raw += f.raw;
	}
}

static void kinds_end_to_end_test(void *arg)
{
	struct toolchain *tc = arg;
	const char *bin = tc_bin(tc, "kinds", "");

	if (built(bin))
		tc->fig.kinds_same = kinds_end_to_end(tc_label(tc, "kinds", ""), bin, bin_db(bin),
						      strcmp(tc->arch, "386") != 0);
}

static void recursion(void *arg)
{
	const char *bin = tc_bin(arg, "funcs", "");

	if (built(bin))
		check_recursion(bin, bin_db(bin));
}

static void recursion_depth_50(void *arg)
{
	const char *bin = tc_bin(arg, "funcs", "");

	if (built(bin))
		check_recursion_depth_50(bin, bin_db(bin));
}

static void stack_growth_counts_once(void *arg)
{
	const char *bin = tc_bin(arg, "funcs", "");

	if (built(bin))
		check_stack_growth_counts_once(bin, bin_db(bin));
}

/*
 * Go 1.23+ range-over-func: the loop body (main.sum-range1) and the
 * iterator (main.count.func1) traced like any function: every body call
 * with its value, as the program saw them, and the function around them.
 */
static void rangefunc_end_to_end(void *arg)
{
	const char *bin = tc_bin(arg, "rangefunc", "");
	char *args[] = { "--db", (char *)bin_db(bin), "main.sum", "main.sum-range1", "main.count.func1",
			 NULL };
	char *run[] = { (char *)bin, NULL };
	struct cmd_result prog = {};
	struct bg_proc ga = {};
	char *line, *save = NULL;
	int lines = 0;

	if (!built(bin))
		return;
	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &prog);
	usleep(300 * 1000);
	stop_goattach(&ga);
	if (!ASSERT_EQ(prog.status, 0, "sample ran"))
		goto out;
	for (line = strtok_r(prog.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char want[256];

		snprintf(want, sizeof(want), " %s ", line);
		ASSERT_CONTAINS(ga.out, want, "a call as the program saw it");
		lines++;
	}
	ASSERT_EQ(lines, 6, "five body calls and sum");
	ASSERT_EQ(count_lines_with(ga.out, "main.sum-range1(v="), 5, "each body call once");
	ASSERT_EQ(count_lines_with(ga.out, "main.count.func1(yield=0x"), 1, "the iterator once");
out:
	cmd_result_free(&prog);
	bg_free(&ga);
}

static const struct {
	const char *name;
	void (*fn)(void *tc);
	bool amd64_only;	/* gdb, or samples/funcs: built for amd64 only */
	int min_minor;		/* the Go release a check needs (range-over-func: 1.23) */
} checks[] = {
	{ "exits_match_objdump", exits_match_objdump },
	{ "funcs_match_gosym", funcs_match_gosym },
	{ "funcs_match_symtab", funcs_match_symtab },
	{ "buildinfo_matches_go_version", buildinfo_matches_go_version },
	{ "inlines_match_dwarf", inlines_match_dwarf },
	{ "goid_offset_matches_gdb", goid_offset_matches_gdb, true },
	{ "locations_match_dwarf", locations_match_dwarf },
	{ "stripped_same_as_unstripped", stripped_same_as_unstripped },
	{ "arginfo_matches_dwarf", arginfo_matches_dwarf },
	{ "types_match_dwarf", types_match_dwarf },
	{ "kinds_end_to_end", kinds_end_to_end_test },
	{ "recursion", recursion, true },
	{ "recursion_depth_50", recursion_depth_50, true },
	{ "stack_growth_counts_once", stack_growth_counts_once, true },
	{ "rangefunc_end_to_end", rangefunc_end_to_end, true, 23 },
};
#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

/* A number, or "-" when it was not measured. */
static const char *n_or_dash(long long v, char *buf, size_t len)
{
	if (v < 0)
		return "-";
	snprintf(buf, len, "%lld", v);
	return buf;
}

static void print_figures(const struct toolchain *tc)
{
	const struct figures *f = &tc->fig;
	char a[24], b[24], c[24], d[24], e[24], g[24], h[24], i[24], j[24], k[24], l[24], m[24], n[24];

	printf("figures go%s %s: %s functions, %s undecodable; DWARF: %s arguments checked, %s differ; "
	       "-s -w: %s functions with arg-info words, %s of %s placed arguments as DWARF has them; "
	       "types: %s functions typed, %s agree with DWARF, %s raw; "
	       "goid -s -w %s (%s), DWARF %s; kinds %s of %d calls equal\n",
	       tc->ver, tc->arch, n_or_dash(f->funcs, a, 24), n_or_dash(f->undecodable, b, 24),
	       n_or_dash(f->dwarf_checked, c, 24), n_or_dash(f->dwarf_differ, d, 24),
	       n_or_dash(f->arginfo_funcs, e, 24), n_or_dash(f->arginfo_same, g, 24),
	       n_or_dash(f->arginfo_placed, h, 24), n_or_dash(f->types_typed, l, 24),
	       n_or_dash(f->types_agree, m, 24), n_or_dash(f->types_raw, n, 24),
	       n_or_dash(f->goid, i, 24),
	       f->goid_source[0] ? f->goid_source : "-", n_or_dash(f->twin_goid, j, 24),
	       n_or_dash(f->kinds_same, k, 24), KINDS_NCALLS);
	fflush(stdout);
}

static void print_table(const struct toolchain *tcs, size_t n)
{
	size_t t;

	printf("\n| Go | arch | functions | undecodable | DWARF checked / differ | arg-info funcs | "
	       "placed = DWARF / placed | typed / agree / raw | goid -s -w (source) / DWARF | kinds | "
	       "failed checks |\n"
	       "|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (t = 0; t < n; t++) {
		const struct figures *f = &tcs[t].fig;
		char a[24], b[24], c[24], d[24], e[24], g[24], h[24], i[24], j[24], k[24], l[24], m[24];
		char n[24];

		printf("| %s | %s | %s | %s | %s / %s | %s | %s / %s | %s / %s / %s | %s (%s) / %s | %s/%d | "
		       "%s |\n",
		       tcs[t].ver, tcs[t].arch, n_or_dash(f->funcs, a, 24), n_or_dash(f->undecodable, b, 24),
		       n_or_dash(f->dwarf_checked, c, 24), n_or_dash(f->dwarf_differ, d, 24),
		       n_or_dash(f->arginfo_funcs, e, 24), n_or_dash(f->arginfo_same, g, 24),
		       n_or_dash(f->arginfo_placed, h, 24), n_or_dash(f->types_typed, l, 24),
		       n_or_dash(f->types_agree, m, 24), n_or_dash(f->types_raw, n, 24),
		       n_or_dash(f->goid, i, 24),
		       f->goid_source[0] ? f->goid_source : "-", n_or_dash(f->twin_goid, j, 24),
		       n_or_dash(f->kinds_same, k, 24), KINDS_NCALLS,
		       tcs[t].failed[0] ? tcs[t].failed : "none");
	}
	printf("\n");
}

/* Is word one of the space-separated words of list? */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static void add_toolchain(struct toolchain *tc, const char *dir, const char *ver, const char *arch)
{
	memset(tc, 0, sizeof(*tc));
	tc->fig = (struct figures){ .funcs = -1, .undecodable = -1, .dwarf_checked = -1, .dwarf_differ = -1,
				    .arginfo_funcs = -1, .arginfo_placed = -1, .arginfo_same = -1,
				    .goid = -1, .twin_goid = -1, .kinds_same = -1, .types_typed = -1,
				    .types_agree = -1, .types_raw = -1 };
	snprintf(tc->ver, sizeof(tc->ver), "%s", ver);
	tc->arch = arch;
	tc->suffix = !strcmp(arch, "amd64") ? "" : !strcmp(arch, "386") ? "-386" : "-arm64";
	snprintf(tc->dir, sizeof(tc->dir), "%s/%s", dir, ver);
}

int main(void)
{
	const char *versions = getenv("GOMATRIX_VERSIONS"), *cross = getenv("GOMATRIX_CROSS");
	const char *dir = getenv("GOMATRIX");
	struct toolchain tcs[32];
	char list[256], *ver, *save = NULL;
	size_t n = 0, t, c;

	ga_log_set_prog("test_matrix");
	attach_setup();
	versions = versions && *versions ? versions : DEFAULT_VERSIONS;
	cross = cross ? cross : DEFAULT_CROSS;
	dir = dir && *dir ? dir : build_path("gomatrix");
	snprintf(list, sizeof(list), "%s", versions);
	for (ver = strtok_r(list, " ", &save); ver && n + 3 <= 32; ver = strtok_r(NULL, " ", &save)) {
		add_toolchain(&tcs[n++], dir, ver, "amd64");
		if (in_list(cross, ver)) {
			add_toolchain(&tcs[n++], dir, ver, "386");
			add_toolchain(&tcs[n++], dir, ver, "arm64");
		}
	}
	printf("the samples built by Go %s (386 and arm64 too: %s), in %s\n", versions,
	       *cross ? cross : "none", dir);
	for (t = 0; t < n; t++) {
		struct toolchain *tc = &tcs[t];
		bool ran = false;

		for (c = 0; c < NCHECKS; c++) {
			char name[128];
			enum test_result res;

			if ((checks[c].amd64_only && !is_amd64(tc)) ||
			    (checks[c].min_minor && atoi(strchr(tc->ver, '.') ? strchr(tc->ver, '.') + 1 : "0") <
						     checks[c].min_minor))
				continue;
			snprintf(name, sizeof(name), "matrix_%s%s%s_%s", tc->ver, is_amd64(tc) ? "" : "_",
				 is_amd64(tc) ? "" : tc->arch, checks[c].name);
			res = test_run_arg(name, checks[c].fn, tc);
			ran |= res != TEST_NOT_RUN;
			if (res == TEST_FAILED && strlen(tc->failed) + strlen(checks[c].name) + 2 <
			    sizeof(tc->failed))
				snprintf(tc->failed + strlen(tc->failed), sizeof(tc->failed) - strlen(tc->failed),
					 "%s%s", tc->failed[0] ? " " : "", checks[c].name);
		}
		if (ran)
			print_figures(tc);
	}
	print_table(tcs, n);
	return test_summary();
}
