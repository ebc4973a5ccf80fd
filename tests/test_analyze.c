// SPDX-License-Identifier: MIT
/*
 * goanalyze end to end on real Go binaries built from samples/: the
 * results are compared with objdump's disassembly, the Go toolchain's own
 * tools and sha256sum, never with values copied from goanalyze.
 */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "checks.h"
#include "db.h"
#include "goruntime.h"
#include "log.h"
#include "test.h"

/* goanalyze's messages, from the code linked in here, name the suite */
static void log_as_suite(void)
{
	ga_log_set_prog("test_analyze");
}
TEST_SETUP(log_as_suite);

/* Every sample build, with the objdump that reads its architecture. */
static const struct {
	const char *name;
	const char *objdump;
} builds[] = {
	{ "swapper", "objdump" },
	{ "stacker", "objdump" },
	{ "funcs", "objdump" },
	{ "blocker", "objdump" },
	{ "stacker-386", "objdump" },
	{ "stacker-arm64", "aarch64-linux-gnu-objdump" },
	{ "stacker-pie", "objdump" },
	{ "cgocall", "objdump" },
};
#define NBUILDS (sizeof(builds) / sizeof(builds[0]))

static int index_sample(const char *name, const char *db)
{
	char bin[512];

	snprintf(bin, sizeof(bin), "%s/samples/%s", build_dir(), name);
	return index_bin(bin, db);
}

/* build_dir()/samples/name (static buffer rotation: use soon) */
static const char *sample_path(const char *name)
{
	static char paths[4][512];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/samples/%s", build_dir(), name);
	return p;
}

/*
 * Every function's RETs and tail calls and its entry probe equal objdump's,
 * on every build: amd64, 386, arm64, PIE, cgo.
 */
TEST(exits_match_objdump)
{
	size_t s;

	for (s = 0; s < NBUILDS; s++)
		check_exits_vs_objdump(builds[s].name, sample_path(builds[s].name), builds[s].objdump, NULL);
}

/* The function list equals Go's own debug/gosym reading of the same table. */
TEST(funcs_match_gosym)
{
	size_t s;

	for (s = 0; s < NBUILDS; s++)
		check_funcs_vs_gosym(builds[s].name, sample_path(builds[s].name), build_path("tests/gosym"));
}

/* Every function has its .symtab symbol (name, or name.abi0) at its entry. */
TEST(funcs_match_symtab)
{
	size_t s;

	for (s = 0; s < NBUILDS; s++)
		check_funcs_vs_symtab(builds[s].name, sample_path(builds[s].name));
}

/* -ldflags='-s -w': no symbols, no DWARF, the same functions and exits. */
TEST(stripped_same_as_unstripped)
{
	/* no DWARF: the goid offset comes from the binary's own type descriptor of runtime.g, and equals DWARF's */
	check_stripped_twin(sample_path("stacker-stripped"), sample_path("stacker"), "type:runtime.g", NULL);
}

/* Index a patched copy of a sample and compare its functions with the original's. */
static void compare_patched(const char *sample, const char *what, const char *patch)
{
	char bin[512], db_p[600], db_o[600], cmd[2048];
	struct ga_func *fp = NULL, *fo = NULL;
	struct ga_build bp = {}, bo = {};
	struct gadb *gp = NULL, *go = NULL;
	struct cmd_result r = {};
	size_t np = 0, no = 0, i, k, diff = 0;

	snprintf(bin, sizeof(bin), "%s/%s-%s", tmp_dir(), sample, what);
	snprintf(db_p, sizeof(db_p), "%s.db", bin);
	snprintf(db_o, sizeof(db_o), "%s/%s-orig.db", tmp_dir(), sample);
	unlink(db_p);
	unlink(db_o);
	snprintf(cmd, sizeof(cmd), "F='%s'; cp '%s/samples/%s' \"$F\" && %s && '%s' index \"$F\" --db '%s'",
		 bin, build_dir(), sample, patch, build_path("goanalyze"), db_p);
	sh_run(cmd, 60, &r);
	if (!ASSERT_EQ(r.status, 0, what)) {
		printf("  %s%s", r.out, r.err);
		goto out;
	}
	if (!ASSERT_EQ(index_sample(sample, db_o), 0, "index original") ||
	    !load_db(db_p, &gp, &bp, &fp, &np) || !load_db(db_o, &go, &bo, &fo, &no))
		goto out;
	ASSERT_STREQ(bp.go_version, bo.go_version, "Go version");
	ASSERT_STREQ(bp.go_build_id, bo.go_build_id, "Go build id");
	if (!ASSERT_EQ(np, no, "same number of functions"))
		goto out;
	for (i = 0; i < np; i++) {
		char on[1024];
		bool same;

		/* without section headers there is no .symtab: "[...]" as the table has it */
		ga_elide_type_args(fo[i].name, on, sizeof(on));
		same = !strcmp(fp[i].name, on) && fp[i].entry == fo[i].entry &&
			    fp[i].size == fo[i].size && fp[i].nexits == fo[i].nexits &&
			    fp[i].entry_probe_offset == fo[i].entry_probe_offset;

		for (k = 0; same && k < fp[i].nexits; k++)
			same = fp[i].exits[k].offset == fo[i].exits[k].offset;
		if (!same && diff++ < 3)
			printf("  %s: %s differs\n", what, fp[i].name);
	}
	ASSERT_EQ(diff, 0, what);
out:
	cmd_result_free(&r);
	ga_funcs_free(fp, np);
	ga_funcs_free(fo, no);
	ga_build_clear(&bp);
	ga_build_clear(&bo);
	gadb__free(gp);
	gadb__free(go);
}

/*
 * Section headers removed (e_shoff = e_shnum = e_shstrndx = 0): the table
 * is found by its magic, build info by its own, the build id in PT_NOTE.
 */
TEST(no_section_headers)
{
	compare_patched("stacker", "noshdr",
			"printf '\\0\\0\\0\\0\\0\\0\\0\\0' | dd of=\"$F\" bs=1 seek=40 conv=notrunc 2>/dev/null && "
			"printf '\\0\\0\\0\\0' | dd of=\"$F\" bs=1 seek=60 conv=notrunc 2>/dev/null");
}

/*
 * pcHeader.textStart = 0, as Go 1.26 writes it, in a cgo binary without
 * symbols: C code comes first in .text, so only moduledata gives the start.
 */
TEST(text_start_zero)
{
	compare_patched("cgocall", "textstart0",
			"objcopy --strip-all \"$F\" && off=$(readelf -SW \"$F\" | awk '{for (i = 1; i < NF; i++) "
			"if ($i == \".gopclntab\") print $(i + 3)}') && "
			"printf '\\0\\0\\0\\0\\0\\0\\0\\0' | dd of=\"$F\" bs=1 seek=$((0x$off + 24)) "
			"conv=notrunc 2>/dev/null");
}

TEST(buildinfo_matches_go_version)
{
	size_t s;

	for (s = 0; s < NBUILDS; s++)
		check_buildinfo("go", builds[s].name, sample_path(builds[s].name));
}

/*
 * The pclntab inline tree agrees with DWARF's inlined subroutines (read by
 * Go's debug/dwarf): the same (caller, callee) pairs, but for the few that
 * DWARF attributes to another level of nesting.
 */
TEST(inlines_match_dwarf)
{
	check_inlines_vs_dwarf(NULL, sample_path("stacker"), build_path("tests/gosym"));
}

/*
 * Where each inlined body is (inline_ranges) and what encloses it (the
 * parents): the chain at the first byte of each innermost body DWARF
 * nests, in samples/inlined (built with inlining: calls inlined two deep)
 * by Go 1.19 and 1.26, and in a 386 build by 1.27.
 */
TEST(inline_chains_match_dwarf)
{
	char bin[1024], gosym[1024];

	check_inline_chains_vs_dwarf("go1.19", sample_path("inlined"), build_path("tests/gosym"));
	/* a 1.20+ tree (parents from parentPc alone), and 386 code by 1.27 */
	snprintf(bin, sizeof(bin), "%s/gomatrix/1.26/inlined", build_dir());
	snprintf(gosym, sizeof(gosym), "%s/gomatrix/1.26/gosym", build_dir());
	check_inline_chains_vs_dwarf("go1.26", bin, gosym);
	snprintf(bin, sizeof(bin), "%s/gomatrix/1.27/gomaps-386", build_dir());
	snprintf(gosym, sizeof(gosym), "%s/gomatrix/1.27/gosym", build_dir());
	check_inline_chains_vs_dwarf("go1.27 386", bin, gosym);
}

/* A function that exists only inlined: the report says where, exit 0. */
TEST(report_inlined_only)
{
	const char *db = tmp_path("inl2.db");
	char cmd[1024];
	struct cmd_result r = {}, dw = {};

	unlink(db);
	if (!ASSERT_EQ(index_sample("stacker", db), 0, "index"))
		return;
	snprintf(cmd, sizeof(cmd), "'%s' report --db '%s' strconv.Itoa", build_path("goanalyze"), db);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 0, "exit");
	ASSERT_CONTAINS(r.out, "strconv.Itoa: no function of its own; inlined into:", "says so");
	/* DWARF has no subprogram of that name with code, and inlines it into reflect.Kind.String... */
	snprintf(cmd, sizeof(cmd), "'%s' -inlines '%s/samples/stacker' | grep -P '\tstrconv.Itoa$' | "
		 "grep -c ^reflect", build_path("tests/gosym"), build_dir());
	sh_run(cmd, 60, &dw);
	ASSERT_GE(atoi(dw.out ? dw.out : "0"), 1, "DWARF inlines it into reflect");
	ASSERT_CONTAINS(r.out, "  reflect.", "a reflect caller listed");
	cmd_result_free(&r);
	cmd_result_free(&dw);
}

/*
 * The computed argument locations against DWARF's location lists: every
 * argument of the samples' own functions agrees; across the runtime and
 * the standard library, the few where Go's DWARF lists odd pieces are kept
 * as warnings in the report.
 */
TEST(locations_match_dwarf)
{
	char db[512], cmd[1024];
	struct cmd_result r = {};
	long long agree, differ, main_agree, main_differ;

	snprintf(db, sizeof(db), "%s", tmp_path("loc.db"));	/* tmp_path's buffers rotate */
	unlink(db);
	if (!ASSERT_EQ(index_sample("funcs", db), 0, "index"))
		return;
	agree = db_count(db, "SELECT count(*) FROM params WHERE dwarf_check = 'agrees'");
	differ = db_count(db, "SELECT count(*) FROM params WHERE dwarf_check = 'differs'");
	main_agree = db_count(db, "SELECT count(*) FROM params p JOIN functions f ON f.id = p.function_id "
			      "WHERE f.name LIKE 'main.%' AND p.dwarf_check = 'agrees'");
	main_differ = db_count(db, "SELECT count(*) FROM params p JOIN functions f ON f.id = "
			       "p.function_id WHERE f.name LIKE 'main.%' AND p.dwarf_check = 'differs'");
	printf("  funcs: %lld arguments agree with DWARF, %lld differ; main.*: %lld agree, %lld differ\n",
	       agree, differ, main_agree, main_differ);
	ASSERT_GE(main_agree, 7, "the samples' arguments were checked");
	/* generic shapes: the hidden dictionary comes first, then what DWARF lists */
	{
		const char *tdb = tmp_path("loc-types.db");
		long long gen_agree, gen_differ;

		unlink(tdb);
		if (ASSERT_EQ(index_sample("types", tdb), 0, "index types")) {
			gen_agree = db_count(tdb, "SELECT count(*) FROM params p JOIN functions f ON "
					     "f.id = p.function_id WHERE f.name LIKE 'main.Max[%' AND "
					     "p.dwarf_check = 'agrees'");
			gen_differ = db_count(tdb, "SELECT count(*) FROM params p JOIN functions f ON "
					      "f.id = p.function_id WHERE f.name LIKE 'main.Max[%' AND "
					      "p.dwarf_check = 'differs'");
			ASSERT_EQ(gen_agree, 4, "a and b of both shapes agree with DWARF");
			ASSERT_EQ(gen_differ, 0, "no generic argument differs");
		}
	}
	/*
	 * samples/kinds, for amd64 (registers) and 386 (stack offsets from the
	 * CFA): every kind of argument, generic methods with their dictionary.
	 */
	check_kinds_locations("kinds", sample_path("kinds"), "main.(*List[go.shape.int_0]).Push", NULL);
	check_kinds_locations("kinds-386", sample_path("kinds-386"), "main.(*List[go.shape.int_0]).Push", NULL);
	ASSERT_EQ(main_differ, 0, "the samples' arguments agree");
	ASSERT_GE(agree * 100, (agree + differ) * 97, "97% agree overall");
	if (differ > 0) {
		snprintf(cmd, sizeof(cmd), "'%s' report --db '%s' | grep -c 'warning: .*: DWARF puts'",
			 build_path("goanalyze"), db);
		sh_run(cmd, 60, &r);
		ASSERT_EQ(atoll(r.out ? r.out : "0"), differ, "each disagreement is a warning in the report");
		cmd_result_free(&r);
	}
}

/*
 * DWARF in each form a Go binary may carry it: SHF_COMPRESSED sections
 * (what Go 1.19 writes), plain sections (-ldflags=-compressdwarf=false),
 * and .zdebug_* (what Go before 1.16 wrote, e.g. esbuild 0.5.26). The same
 * types and locations come out of all three.
 */
TEST(dwarf_compression_forms)
{
	static const char *const forms[] = { "gabi", "plain", "zdebug" };
	char cmd[8192], dump[3][600];
	struct cmd_result r = {};
	size_t i;

	snprintf(cmd, sizeof(cmd),
		 "set -e; cp '%s/samples/kinds' '%s/kinds-gabi'; cd '%s'; "
		 "objcopy --decompress-debug-sections kinds-gabi kinds-plain; "
		 "objcopy --compress-debug-sections=zlib-gnu kinds-plain kinds-zdebug; "
		 "readelf -SW kinds-gabi | grep ' .debug_info' | grep -q ' C '; "
		 "readelf -SW kinds-plain | grep ' .debug_info' | grep -vq ' C '; "
		 "readelf -SW kinds-zdebug | grep -q ' .zdebug_info'",
		 build_dir(), tmp_dir(), tmp_dir());
	sh_run(cmd, 60, &r);
	if (!ASSERT_EQ(r.status, 0, "make the three forms"))
		printf("  %s", r.err ? r.err : "");
	cmd_result_free(&r);
	for (i = 0; i < 3; i++) {
		char bin[512], db[600];

		snprintf(bin, sizeof(bin), "%s/kinds-%s", tmp_dir(), forms[i]);
		snprintf(db, sizeof(db), "%s.db", bin);
		snprintf(dump[i], sizeof(dump[i]), "%s.txt", bin);
		unlink(db);
		snprintf(cmd, sizeof(cmd),
			 "'%s' index '%s' --db '%s' >/dev/null && sqlite3 '%s' \"SELECT f.name, p.idx, "
			 "p.name, p.type_name, p.kind, pp.path, pp.kind, pp.loc, pp.reg, pp.stack_off, "
			 "p.dwarf_check FROM functions f JOIN params p ON p.function_id = f.id "
			 "JOIN param_pieces pp ON pp.param_id = p.id ORDER BY f.entry, p.idx, pp.idx\" > '%s'",
			 build_path("goanalyze"), bin, db, db, dump[i]);
		sh_run(cmd, 120, &r);
		ASSERT_EQ(r.status, 0, forms[i]);
		cmd_result_free(&r);
	}
	snprintf(cmd, sizeof(cmd), "wc -l < '%s' && cmp '%s' '%s' && cmp '%s' '%s'", dump[0], dump[0],
		 dump[1], dump[0], dump[2]);
	sh_run(cmd, 30, &r);
	printf("  %lld argument pieces, identical from SHF_COMPRESSED, plain and .zdebug DWARF\n",
	       atoll(r.out ? r.out : "0"));
	ASSERT_EQ(r.status, 0, "the same params from every form");
	ASSERT_GE(atoll(r.out ? r.out : "0"), 2000, "pieces compared");
	cmd_result_free(&r);
}

/* Stripped: the arg-info words, placed, against the unstripped twin's DWARF layout. */
TEST(arginfo_matches_dwarf)
{
	char cmd[1024];

	/* amd64, register ABI: -s -w, placed through the morestack spills */
	snprintf(cmd, sizeof(cmd), "F='%s/samples/stacker-stripped'", build_dir());
	arginfo_vs_dwarf("stacker", cmd, sample_path("stacker"), 500, 1000, NULL);
	/* 386, stack ABI: DWARF removed, offsets straight from the funcdata */
	snprintf(cmd, sizeof(cmd), "F='%s/kinds-386-nodwarf'; objcopy --strip-debug '%s/samples/kinds-386' \"$F\"",
		 tmp_dir(), build_dir());
	arginfo_vs_dwarf("kinds-386", cmd, sample_path("kinds-386"), 500, 1000, NULL);
}

static char *trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

/* Validate a JSON file against one of schema/ with Debian's python3-jsonschema. */
static int validate_json(const char *file, const char *schema)
{
	struct cmd_result r = {};
	char cmd[2048];
	int st;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c 'import json, sys, jsonschema; "
		 "jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "
		 "'%s' 'schema/%s'", file, schema);
	sh_run(cmd, 60, &r);
	st = r.status;
	if (st)
		printf("  %s against %s: %s\n", file, schema, r.err ? r.err : "");
	cmd_result_free(&r);
	return st;
}

/* Run a shell command (printf with dir and goanalyze) in dir, then validate dir/file. */
static int validate_json_text_cmd(const char *dir, const char *ga, const char *fmt, const char *file)
{
	struct cmd_result r = {};
	char cmd[4096], path[1024];
	int st;

	snprintf(cmd, sizeof(cmd), fmt, dir, ga);
	sh_run(cmd, 60, &r);
	st = r.status;
	cmd_result_free(&r);
	if (st)
		return st;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return validate_json(path, "diff.schema.json");
}

/*
 * goanalyze manifest: valid against schema/manifest.schema.json, the same
 * bytes twice, every matching function, written atomically; a stripped
 * build's too. The report JSON is checked against its schema as well.
 */
TEST(manifest)
{
	char db[512], sdb[512], m1[600], m2[600], ms[600], rep[600], cmd[8192];
	struct cmd_result r = {};
	cJSON *doc = NULL;
	long long want;

	snprintf(db, sizeof(db), "%s", tmp_path("manifest.db"));
	snprintf(sdb, sizeof(sdb), "%s", tmp_path("manifest-stripped.db"));
	snprintf(m1, sizeof(m1), "%s.1.json", db);
	snprintf(m2, sizeof(m2), "%s.2.json", db);
	snprintf(ms, sizeof(ms), "%s.json", sdb);
	snprintf(rep, sizeof(rep), "%s.report.json", db);
	unlink(db);
	unlink(sdb);
	if (!ASSERT_EQ(index_sample("funcs", db), 0, "index") ||
	    !ASSERT_EQ(index_sample("stacker-stripped", sdb), 0, "index stripped"))
		return;
	snprintf(cmd, sizeof(cmd),
		 "G='%s'; set -e; $G manifest --db '%s' 'main.*' -o '%s'; $G manifest --db '%s' 'main.*' -o '%s'; "
		 "$G manifest --db '%s' -o '%s'; $G report --db '%s' --json 'main.*' > '%s'; "
		 "cmp '%s' '%s'; ls '%s'.tmp.* 2>/dev/null | wc -l",
		 build_path("goanalyze"), db, m1, db, m2, sdb, ms, db, rep, m1, m2, m1);
	sh_run(cmd, 120, &r);
	ASSERT_EQ(r.status, 0, "two manifests, byte for byte the same");
	ASSERT_STREQ(trim(r.out), "0", "no temporary file left");
	cmd_result_free(&r);
	ASSERT_EQ(validate_json(m1, "manifest.schema.json"), 0, "manifest valid against its schema");
	ASSERT_EQ(validate_json(ms, "manifest.schema.json"), 0, "a stripped build's manifest too");
	ASSERT_EQ(validate_json(rep, "report.schema.json"), 0, "report JSON valid against its schema");
	snprintf(cmd, sizeof(cmd), "cat '%s'", m1);
	sh_run(cmd, 30, &r);
	doc = cJSON_Parse(r.out);
	want = db_count(db, "SELECT count(*) FROM functions WHERE name GLOB 'main.*'");
	if (ASSERT_TRUE(doc != NULL, "manifest is JSON")) {
		cJSON *b = cJSON_GetObjectItem(doc, "build");

		ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "functions")), want,
			  "every main.* function");
		ASSERT_EQ(strlen(cJSON_GetStringValue(cJSON_GetObjectItem(b, "sha256")) ?: ""), 64,
			  "identity: sha256");
		ASSERT_TRUE(cJSON_GetStringValue(cJSON_GetObjectItem(b, "build_id")) != NULL,
			    "identity: Go build id");
	}
	cJSON_Delete(doc);
	cmd_result_free(&r);
	/* every function read in bulk (no pattern) equals the same read one by one ('*') */
	snprintf(cmd, sizeof(cmd), "G='%s'; $G manifest --db '%s' > '%s.all' && $G manifest --db '%s' '*' > '%s.glob' && "
		 "cmp '%s.all' '%s.glob' && grep -c entry_probe_offset '%s.all'",
		 build_path("goanalyze"), db, db, db, db, db, db, db);
	sh_run(cmd, 120, &r);
	ASSERT_EQ(r.status, 0, "bulk and per-function loading agree");
	ASSERT_GE(atoll(r.out ? r.out : "0"), 1000, "on every function of the build");
	cmd_result_free(&r);
	/* a pattern that matches nothing: an error, and no manifest */
	snprintf(cmd, sizeof(cmd), "'%s' manifest --db '%s' 'nope.*' -o '%s.none'; echo $?; ls '%s.none' 2>&1",
		 build_path("goanalyze"), db, db, db);
	sh_run(cmd, 30, &r);
	ASSERT_CONTAINS(r.out, "1\n", "exit 1");
	ASSERT_CONTAINS(r.out, "No such file", "no output written");
	cmd_result_free(&r);
}

/*
 * goanalyze diff on two builds of samples/swapper in one DB: one with
 * swap given a second return path (exactly that function changes: size
 * and returns), one with an argument added in front (its arguments move:
 * flagged). Two DB files work too; text, --json and --markdown agree.
 */
TEST(diff)
{
	char dir[512], cmd[8192], *ga = realpath(build_path("goanalyze"), NULL);
	struct cmd_result r = {};
	cJSON *d = NULL, *ch, *e;
	int found = 0;

	if (!ASSERT_TRUE(ga != NULL, "goanalyze built"))
		return;

	snprintf(dir, sizeof(dir), "%s/diff", tmp_dir());
	snprintf(cmd, sizeof(cmd),
		 "set -e; D='%s'; G='%s'; rm -rf \"$D\"; mkdir -p \"$D/v1\" \"$D/v2\" \"$D/v3\"; "
		 "for v in v1 v2 v3; do cp samples/swapper/main.go samples/swapper/go.mod \"$D/$v/\"; done; "
		 "sed -i 's/^\treturn y, x$/\tif x == \"\" {\\n\t\treturn x, y\\n\t}\\n\treturn y, x/' \"$D/v2/main.go\"; "
		 "sed -i 's/^func swap(x, y string)/func swap(n int, x, y string)/; s/swap(os.Args/swap(1, os.Args/' \"$D/v3/main.go\"; "
		 "for v in v1 v2 v3; do (cd \"$D/$v\" && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 "
		 "go build -gcflags=-l -o swapper .); done; "
		 "grep -q 'if x == \"\"' \"$D/v2/main.go\"; grep -q 'n int' \"$D/v3/main.go\"; "
		 "$G index \"$D/v1/swapper\" --db \"$D/two.db\" >/dev/null; "
		 "$G index \"$D/v2/swapper\" --db \"$D/two.db\" >/dev/null; "
		 "$G index \"$D/v3/swapper\" --db \"$D/v3.db\" >/dev/null; "
		 "$G index \"$D/v1/swapper\" --db \"$D/v1.db\" >/dev/null",
		 dir, ga);
	sh_run(cmd, 300, &r);
	if (!ASSERT_EQ(r.status, 0, "build and index three variants")) {
		printf("  %s", r.err ? r.err : "");
		goto out;
	}
	cmd_result_free(&r);
	ASSERT_EQ(db_count(tmp_path("diff/two.db"), "SELECT count(*) FROM builds"), 2, "two builds in one DB");

	/* v1 -> v2: exactly main.swap, its size and returns; nothing moved */
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' diff --db two.db --json 1 2", dir, ga);
	sh_run(cmd, 60, &r);
	d = cJSON_Parse(r.out ? r.out : "");
	if (ASSERT_TRUE(d != NULL, "diff --json")) {
		ch = cJSON_GetObjectItem(d, "changed");
		ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(d, "added")), 0, "nothing added");
		ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(d, "removed")), 0, "nothing removed");
		if (ASSERT_EQ(cJSON_GetArraySize(ch), 1, "exactly one function changed")) {
			e = cJSON_GetArrayItem(ch, 0);
			ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(e, "name")), "main.swap", "main.swap");
			ASSERT_TRUE(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "changes"), "returns") != NULL,
				    "its returns changed");
			ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(e, "locations_changed")),
				    "its arguments did not move");
		}
	}
	cJSON_Delete(d);
	d = NULL;
	cmd_result_free(&r);
	ASSERT_EQ(validate_json_text_cmd(dir, ga, "cd '%s' && '%s' diff --db two.db --json 1 2 > d12.json",
					 "d12.json"), 0, "diff JSON valid against its schema");

	/* v1.db -> v3.db (two DB files): swap's arguments moved, flagged in text and Markdown */
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' diff --json v1.db v3.db", dir, ga);
	sh_run(cmd, 60, &r);
	d = cJSON_Parse(r.out ? r.out : "");
	if (ASSERT_TRUE(d != NULL, "diff of two DB files")) {
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(d, "changed")) {
			cJSON *l;

			if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "name")) ?: "", "main.swap"))
				continue;
			ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(e, "locations_changed")), "flagged");
			cJSON_ArrayForEach(l, cJSON_GetObjectItem(cJSON_GetObjectItem(e, "changes"), "locations"))
				found += !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(l, "param")) ?: "", "x") &&
					 !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(l, "old")) ?: "", "rax,rbx") &&
					 !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(l, "new")) ?: "", "rbx,rcx");
		}
		ASSERT_EQ(found, 1, "x moved from rax,rbx to rbx,rcx");
	}
	cmd_result_free(&r);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' diff v1.db v3.db && '%s' diff --markdown v1.db v3.db", dir,
		 ga, ga);
	sh_run(cmd, 60, &r);
	ASSERT_CONTAINS(r.out, "! ARGUMENT LOCATIONS CHANGED: main.swap", "text flags it");
	ASSERT_CONTAINS(r.out, "arg x: [rax,rbx] -> [rbx,rcx]", "text says where");
	ASSERT_CONTAINS(r.out, "#### ⚠️ Argument locations changed", "markdown flags it first");
	ASSERT_CONTAINS(r.out, "| `main.swap` | **arg `x`** | `rax,rbx` | `rbx,rcx` |", "markdown row");
out:
	cJSON_Delete(d);
	cmd_result_free(&r);
	free(ga);
}

/*
 * make install: both programs, man pages, schemas, bash completion whose
 * function names come from a DB; --version names the DB schema version.
 */
TEST(install_and_completion)
{
	char dest[512], cmd[4096], db[600];
	struct cmd_result r = {};

	snprintf(dest, sizeof(dest), "%s/inst", tmp_dir());
	snprintf(db, sizeof(db), "%s/compl.db", tmp_dir());
	unlink(db);
	if (!ASSERT_EQ(index_sample("types", db), 0, "index"))
		return;
	snprintf(cmd, sizeof(cmd),
		 "set -e; make -s install O='%s' PREFIX=/usr DESTDIR='%s' >/dev/null; cd '%s/usr'; "
		 "ls bin/goanalyze bin/goattach share/man/man1/goanalyze.1 share/man/man8/goattach.8 "
		 "share/goattach/schema.sql share/goattach/manifest.schema.json "
		 "share/bash-completion/completions/goattach share/bash-completion/completions/goanalyze >/dev/null; "
		 "bin/goanalyze --version; bin/goattach --version; "
		 "PATH=\"$PWD/bin:$PATH\" bash -c 'source share/bash-completion/completions/goattach; "
		 "COMP_WORDS=(goattach --db %s main.Ma); COMP_CWORD=3; _goattach; echo \"attach: ${COMPREPLY[*]}\"; "
		 "COMP_WORDS=(goanalyze report -d %s main.Po); COMP_CWORD=4; _goanalyze; echo \"report: ${COMPREPLY[*]}\"; "
		 "COMP_WORDS=(goanalyze ma); COMP_CWORD=1; _goanalyze; echo \"cmd: ${COMPREPLY[*]}\"'",
		 build_dir(), dest, dest, db, db);
	sh_run(cmd, 120, &r);
	if (!ASSERT_EQ(r.status, 0, "installed files and completion"))
		printf("  %s%s", r.out ? r.out : "", r.err ? r.err : "");
	ASSERT_CONTAINS(r.out, "goanalyze 0.1.0 (DB schema version 7)", "goanalyze --version");
	ASSERT_CONTAINS(r.out, "goattach 0.1.0 (DB schema version 7)", "goattach --version");
	/* quoted for the shell: bash would read [ ] as a glob */
	ASSERT_CONTAINS(r.out, "attach: main.Max\\[go.shape.int_0\\] main.Max\\[go.shape.string_0\\]",
			"goattach completes function names from the DB");
	ASSERT_CONTAINS(r.out, "report: main.Point.Sum", "goanalyze report completes them too");
	ASSERT_CONTAINS(r.out, "cmd: manifest", "commands complete");
	cmd_result_free(&r);
}

/*
 * Without DWARF, every offset of runtime.g goattach reads comes from the
 * binary's own type descriptor and equals DWARF's; and the checked
 * fallback table's row for the build's version and arch equals it too.
 */
TEST(goid_table_rows)
{
	static const struct {
		const char *sample, *objcopy;
	} rows[] = {
		{ "stacker", "objcopy" },
		{ "stacker-386", "objcopy" },
		{ "stacker-arm64", "aarch64-linux-gnu-objcopy" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char bin[512], db_s[600], db_d[600], cmd[8192];
		struct cmd_result r = {};

		snprintf(bin, sizeof(bin), "%s/%s-nodwarf", tmp_dir(), rows[i].sample);
		snprintf(db_s, sizeof(db_s), "%s.db", bin);
		snprintf(db_d, sizeof(db_d), "%s/%s-dwarf.db", tmp_dir(), rows[i].sample);
		unlink(db_s);
		unlink(db_d);
		snprintf(cmd, sizeof(cmd), "cp '%s/samples/%s' '%s' && %s --strip-debug '%s' && "
			 "'%s' index '%s' --db '%s' >/dev/null && '%s' index '%s/samples/%s' --db '%s' >/dev/null",
			 build_dir(), rows[i].sample, bin, rows[i].objcopy, bin, build_path("goanalyze"), bin,
			 db_s, build_path("goanalyze"), build_dir(), rows[i].sample, db_d);
		sh_run(cmd, 120, &r);
		if (ASSERT_EQ(r.status, 0, rows[i].sample)) {
			static const char *const facts[] = { "g.goid", "g.stack.hi", "g.sched.sp", "g.atomicstatus" };
			struct gadb *gdb = NULL;
			struct ga_build b = {};
			struct ga_func *funcs = NULL;
			const char *source = NULL;
			size_t nf = 0, k;
			int row = -1;

			for (k = 0; k < sizeof(facts) / sizeof(facts[0]); k++) {
				char q[256];
				long long typed, dwarf;

				snprintf(q, sizeof(q), "SELECT value FROM runtime_facts WHERE name = '%s' "
					 "AND source = 'type:runtime.g'", facts[k]);
				typed = db_count(db_s, q);
				snprintf(q, sizeof(q), "SELECT value FROM runtime_facts WHERE name = '%s' "
					 "AND source = 'dwarf'", facts[k]);
				dwarf = db_count(db_d, q);
				printf("  %s: %s at %lld by its type descriptor, %lld by DWARF\n", rows[i].sample,
				       facts[k], typed, dwarf);
				ASSERT_GE(dwarf, 1, "DWARF has it");
				ASSERT_EQ(typed, dwarf, facts[k]);
			}
			if (load_db(db_d, &gdb, &b, &funcs, &nf)) {
				ASSERT_OK(go_goid_offset_table(b.go_version, b.arch, &row, &source),
					  "the table has a row for this release and arch");
				ASSERT_EQ(row, b.goid_offset, "the table's row = DWARF's goid");
			}
			ga_funcs_free(funcs, nf);
			ga_build_clear(&b);
			gadb__free(gdb);
		} else {
			printf("  %s", r.err);
		}
		cmd_result_free(&r);
	}
}


/* The JSON report's identity comes from independent tools. */
TEST(report_json)
{
	const char *db = tmp_path("report.db");
	char cmd[1024], bin[512], want_sha[65] = "", want_ver[64] = "", want_bid[256] = "";
	struct cmd_result r = {};
	cJSON *doc = NULL, *b, *fns, *fn, *rets, *params;

	unlink(db);
	snprintf(bin, sizeof(bin), "%s/samples/swapper", build_dir());
	if (!ASSERT_EQ(index_sample("swapper", db), 0, "index"))
		return;
	snprintf(cmd, sizeof(cmd), "sha256sum '%s' | cut -d' ' -f1", bin);
	sh_run(cmd, 30, &r);
	snprintf(want_sha, sizeof(want_sha), "%s", trim(r.out));
	cmd_result_free(&r);
	snprintf(cmd, sizeof(cmd), "go version '%s' | sed 's/.*: //'", bin);
	sh_run(cmd, 30, &r);
	snprintf(want_ver, sizeof(want_ver), "%s", trim(r.out));
	cmd_result_free(&r);
	snprintf(cmd, sizeof(cmd), "go tool buildid '%s'", bin);
	sh_run(cmd, 30, &r);
	snprintf(want_bid, sizeof(want_bid), "%s", trim(r.out));
	cmd_result_free(&r);

	snprintf(cmd, sizeof(cmd), "'%s' report --db '%s' --json main.swap", build_path("goanalyze"), db);
	sh_run(cmd, 60, &r);
	if (!ASSERT_EQ(r.status, 0, "report exit"))
		goto out;
	doc = cJSON_Parse(r.out);
	if (!ASSERT_TRUE(doc != NULL, "report is JSON"))
		goto out;
	b = cJSON_GetObjectItem(doc, "binary");
	ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(b, "sha256")), want_sha, "sha256");
	ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(b, "go_version")), want_ver, "go version");
	ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(b, "build_id")), want_bid, "build id");
	ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(b, "goarch")), "amd64", "goarch");
	{
		char *abs = realpath(bin, NULL);

		ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(b, "path")), abs, "absolute path");
		free(abs);
	}
	fns = cJSON_GetObjectItem(doc, "functions");
	if (!ASSERT_EQ(cJSON_GetArraySize(fns), 1, "one function"))
		goto out;
	fn = cJSON_GetArrayItem(fns, 0);
	ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(fn, "name")), "main.swap", "name");
	ASSERT_TRUE(cJSON_IsNumber(cJSON_GetObjectItem(fn, "entry")), "entry is a number");
	ASSERT_TRUE(cJSON_IsNumber(cJSON_GetObjectItem(fn, "file_offset")), "file_offset is a number");
	ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(fn, "abi")), "ABIInternal", "abi");
	rets = cJSON_GetObjectItem(fn, "returns");
	ASSERT_GE(cJSON_GetArraySize(rets), 1, "returns");
	ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(rets, 0), "kind")),
		     "ret", "return kind");
	params = cJSON_GetObjectItem(fn, "params");
	if (ASSERT_EQ(cJSON_GetArraySize(params), 4, "x, y and two results")) {
		static const char *const names[] = { "x", "y", "~r0", "~r1" };
		/* abi-internal.md: strings take two integer registers, results restart at RAX */
		static const char *const locs[] = { "rax,rbx", "rcx,rdi", "rax,rbx", "rcx,rdi" };
		int i;

		for (i = 0; i < 4; i++) {
			cJSON *p = cJSON_GetArrayItem(params, i);

			ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(p, "name")), names[i], "param");
			ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(p, "type")), "string", "type");
			ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(p, "location")), locs[i], "loc");
			ASSERT_EQ(cJSON_IsTrue(cJSON_GetObjectItem(p, "result")), i >= 2, "result flag");
		}
	}
out:
	cJSON_Delete(doc);
	cmd_result_free(&r);
}

/* The goid offset agrees with gdb's view of runtime.g from the same DWARF. */
TEST(goid_offset_matches_gdb)
{
	check_goid_vs_gdb(NULL, sample_path("stacker"));
}

static bool file_exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static int count_tmp_leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		if (strstr(de->d_name, ".tmp."))
			n++;
	if (d)
		closedir(d);
	return n;
}

/* Indexing the same build again changes nothing and says so. */
TEST(reindex_is_noop)
{
	const char *db = tmp_path("again.db");
	char cmd[1024], sum1[128] = "", sum2[128] = "";
	struct cmd_result r = {};

	unlink(db);
	if (!ASSERT_EQ(index_sample("swapper", db), 0, "first index"))
		return;
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", db);
	sh_run(cmd, 30, &r);
	snprintf(sum1, sizeof(sum1), "%s", r.out);
	cmd_result_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' index '%s/samples/swapper' --db '%s'", build_path("goanalyze"),
		 build_dir(), db);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 0, "second index exit");
	ASSERT_CONTAINS(r.out, "nothing to do", "says so");
	cmd_result_free(&r);
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", db);
	sh_run(cmd, 30, &r);
	snprintf(sum2, sizeof(sum2), "%s", r.out);
	cmd_result_free(&r);
	ASSERT_STREQ(sum2, sum1, "DB unchanged");
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'PRAGMA integrity_check; PRAGMA user_version;'", db);
	sh_run(cmd, 30, &r);
	{
		char want[32];

		snprintf(want, sizeof(want), "ok\n%d\n", gadb_schema_version());
		ASSERT_STREQ(r.out, want, "integrity and schema version (sqlite3 CLI)");
	}
	cmd_result_free(&r);
}

/* Bad input: one error line naming the file, exit 1, no DB left behind. */
TEST(corrupt_inputs)
{
	static const struct {
		const char *name;
		const char *make;	/* shell command creating $F */
	} cases[] = {
		{ "truncated-elf", "head -c 4096 \"$S\" > \"$F\"" },
		{ "truncated-half", "head -c $(( $(stat -c %s \"$S\") / 2 )) \"$S\" > \"$F\"" },
		{ "random-bytes", "head -c 65536 /dev/urandom > \"$F\"" },
		{ "empty", ": > \"$F\"" },
		{ "c-binary", "printf 'int main(void){return 0;}' > \"$F.c\" && cc -o \"$F\" \"$F.c\"" },
		{ "pclntab-zeroed",
		  "cp \"$S\" \"$F\" && off=$(readelf -SW \"$F\" | "
		  "awk '{for (i = 1; i < NF; i++) if ($i == \".gopclntab\") print $(i + 3)}') && "
		  "printf '\\0\\0\\0\\0\\0\\0\\0\\0' | dd of=\"$F\" bs=1 seek=$((0x$off)) conv=notrunc 2>/dev/null" },
		{ "directory", "mkdir -p \"$F\"" },
		{ "missing", "rm -rf \"$F\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char input[512], db[512], cmd[2048];
		struct cmd_result r = {};

		snprintf(input, sizeof(input), "%s/bad-%s", tmp_dir(), cases[i].name);
		snprintf(db, sizeof(db), "%s/bad-%s.db", tmp_dir(), cases[i].name);
		snprintf(cmd, sizeof(cmd), "S='%s/samples/stacker' F='%s'; %s", build_dir(), input,
			 cases[i].make);
		sh_run(cmd, 60, &r);
		if (!ASSERT_EQ(r.status, 0, cases[i].name)) {
			printf("  setup: %s\n", r.err);
			cmd_result_free(&r);
			continue;
		}
		cmd_result_free(&r);
		snprintf(cmd, sizeof(cmd), "'%s' index '%s' --db '%s'", build_path("goanalyze"), input, db);
		sh_run(cmd, 60, &r);
		ASSERT_EQ(r.status, 1, cases[i].name);
		ASSERT_EQ(count_lines_with(r.err, ""), 1, cases[i].name);
		ASSERT_CONTAINS(r.err, input, cases[i].name);
		ASSERT_FALSE(file_exists(db), cases[i].name);
		cmd_result_free(&r);
	}
	ASSERT_EQ(count_tmp_leftovers(tmp_dir()), 0, "no temporary DB files left");
}

/* A DB whose schema version differs is refused with both versions named. */
TEST(schema_version_refused)
{
	const char *db = tmp_path("schema.db");
	char cmd[1024], want[64];
	struct cmd_result r = {};

	unlink(db);
	if (!ASSERT_EQ(index_sample("swapper", db), 0, "index"))
		return;
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'PRAGMA user_version = 99' && '%s' report --db '%s'",
		 db, build_path("goanalyze"), db);
	sh_run(cmd, 30, &r);
	ASSERT_EQ(r.status, 1, "exit");
	ASSERT_CONTAINS(r.err, "schema version 99", "names the DB's version");
	snprintf(want, sizeof(want), "expects %d", gadb_schema_version());
	ASSERT_CONTAINS(r.err, want, "names the expected version");
	cmd_result_free(&r);
}

/* A failure to write leaves no DB and no temp file (directory not writable). */
TEST(unwritable_db_dir)
{
	char dir[512], db[600], cmd[1400];
	struct cmd_result r = {};

	snprintf(dir, sizeof(dir), "%s/nodir/sub", tmp_dir());
	snprintf(db, sizeof(db), "%s/app.db", dir);
	snprintf(cmd, sizeof(cmd), "'%s' index '%s/samples/swapper' --db '%s'", build_path("goanalyze"),
		 build_dir(), db);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 1, "exit");
	ASSERT_EQ(count_lines_with(r.err, ""), 1, "one line");
	ASSERT_CONTAINS(r.err, db, "names the DB");
	ASSERT_FALSE(file_exists(db), "no DB");
	cmd_result_free(&r);
}
