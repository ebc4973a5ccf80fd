// SPDX-License-Identifier: MIT
/*
 * goanalyze on Go binaries nobody here built: esbuild releases from npm,
 * Go 1.14 to 1.26, amd64, arm64 and 386, every pclntab format, with and
 * without symbols, build info and DWARF. scripts/fetch-corpus.sh brings
 * them into a cache, pinned by sha256. Each is checked against sources
 * computed here: 'go version', 'file', the ELF entry point, Go's own
 * debug/gosym (formats Go 1.19 reads) and objdump's disassembly.
 */
#include <stdlib.h>
#include <unistd.h>

#include "checks.h"
#include "db.h"
#include "objdump.h"
#include "test.h"

#define MAX_CORPUS 32

static struct corpus_bin {
	char name[128];
	char path[512];
	char skip[256];
} corpus[MAX_CORPUS];
static size_t ncorpus;
static char fetch_failure[512];

static void fetch_corpus(void)
{
	char cmd[512], *line, *save = NULL;
	struct cmd_result r = {};

	snprintf(cmd, sizeof(cmd), "scripts/fetch-corpus.sh");
	sh_run(cmd, 900, &r);
	if (r.status) {
		snprintf(fetch_failure, sizeof(fetch_failure), "scripts/fetch-corpus.sh failed (%d): %s",
			 r.status, r.err ? r.err : "");
	}
	for (line = strtok_r(r.out, "\n", &save); line && ncorpus < MAX_CORPUS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct corpus_bin *c = &corpus[ncorpus];

		if (!strncmp(line, "SKIP ", 5)) {
			sscanf(line + 5, "%127[^:]", c->name);
			snprintf(c->skip, sizeof(c->skip), "%s", line + 5);
			ncorpus++;
		} else if (sscanf(line, "%127s %511s", c->name, c->path) == 2) {
			ncorpus++;
		}
	}
	cmd_result_free(&r);
}
TEST_SETUP(fetch_corpus);

static bool index_and_load(const char *bin, const char *db, struct gadb **gdb, struct ga_build *b,
			   struct ga_func **funcs, size_t *nf)
{
	char cmd[1400];
	struct cmd_result r = {};
	bool ok;

	unlink(db);
	snprintf(cmd, sizeof(cmd), "'%s' index '%s' --db '%s'", build_path("goanalyze"), bin, db);
	sh_run(cmd, 300, &r);
	ok = ASSERT_EQ(r.status, 0, bin);
	if (!ok)
		printf("  %s", r.err);
	cmd_result_free(&r);
	return ok && load_db(db, gdb, b, funcs, nf);
}

static char *first_line(char *s)
{
	if (s)
		s[strcspn(s, "\n")] = '\0';
	return s ? s : "";
}

/* The Go version: 'go version', or the binary's own runtime string when Go cannot tell. */
static void expected_version(const char *bin, char *out, size_t len)
{
	char cmd[1024];
	struct cmd_result r = {};

	snprintf(cmd, sizeof(cmd), "go version '%s' 2>/dev/null | sed -n 's/^.*: //p'", bin);
	sh_run(cmd, 60, &r);
	snprintf(out, len, "%s", first_line(r.out));
	cmd_result_free(&r);
	if (out[0])
		return;
	snprintf(cmd, sizeof(cmd), "strings -n 6 '%s' | grep -xE 'go1\\.[0-9]+(\\.[0-9]+)?' | sort -u",
		 bin);
	sh_run(cmd, 60, &r);
	snprintf(out, len, "%s", first_line(r.out));
	cmd_result_free(&r);
}

static const char *expected_arch(const char *bin)
{
	static char arch[16];
	char cmd[1024];
	struct cmd_result r = {};

	snprintf(cmd, sizeof(cmd), "file -b '%s'", bin);
	sh_run(cmd, 30, &r);
	snprintf(arch, sizeof(arch), "%s",
		 !r.out ? "?" : strstr(r.out, "x86-64") ? "amd64" : strstr(r.out, "aarch64") ? "arm64" :
		 strstr(r.out, "80386") ? "386" : "?");
	cmd_result_free(&r);
	return arch;
}

static uint64_t elf_entry(const char *bin)
{
	char cmd[1024];
	struct cmd_result r = {};
	uint64_t v = 0;

	snprintf(cmd, sizeof(cmd), "readelf -h '%s' | sed -n 's/.*Entry point address: *//p'", bin);
	sh_run(cmd, 30, &r);
	if (r.out)
		v = strtoull(r.out, NULL, 16);
	cmd_result_free(&r);
	return v;
}

static __attribute__((unused)) void corpus_funcs_vs_gosym(const struct corpus_bin *c, struct ga_func *funcs, size_t nf)
{
	char cmd[1024], *line, *save = NULL;
	struct cmd_result r = {};
	size_t i = 0, lines = 0, bad = 0;

	snprintf(cmd, sizeof(cmd), "'%s' '%s'", build_path("tests/gosym"), c->path);
	sh_run(cmd, 60, &r);
	if (r.status) {
		/* Go 1.19's debug/gosym does not read the Go 1.20+ table. */
		printf("  %s: debug/gosym cannot read it (%s): not compared\n", c->name, first_line(r.err));
		cmd_result_free(&r);
		return;
	}
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lines++, i++) {
		uint64_t entry, end;
		char name[8192];

		if (sscanf(line, "%" SCNx64 " %" SCNx64 " %8191[^\n]", &entry, &end, name) != 3 || i >= nf ||
		    funcs[i].entry != entry || funcs[i].entry + funcs[i].size != end ||
		    strcmp(funcs[i].name, name)) {
			if (bad++ < 3)
				printf("  %s: debug/gosym says %s\n", c->name, line);
		}
	}
	printf("  %s: %zu functions, debug/gosym %zu\n", c->name, nf, lines);
	ASSERT_EQ(lines, nf, c->name);
	ASSERT_EQ(bad, 0, c->name);
	cmd_result_free(&r);
}

static __attribute__((unused)) void corpus_exits_vs_objdump(const struct corpus_bin *c, const struct ga_build *b,
				   struct ga_func *funcs, size_t nf)
{
	const char *objdump = b->arch == GA_ARCH_ARM64 ? "aarch64-linux-gnu-objdump" : "objdump";
	struct od_bound *bounds = calloc(nf ? nf : 1, sizeof(*bounds));
	size_t nod = 0, i, compared = 0, skipped = 0, ours_bad = 0, mism = 0;
	struct od_func *od;

	for (i = 0; i < nf; i++) {
		bounds[i].start = funcs[i].entry;
		bounds[i].end = funcs[i].entry + funcs[i].size;
		bounds[i].name = funcs[i].name;
	}
	/* Most release binaries have no symbols: cut objdump's sweep at our entries. */
	od = objdump_funcs(objdump, c->path, bounds, nf, &nod);
	free(bounds);
	if (!ASSERT_TRUE(od && nod == nf, "objdump -d"))
		goto out;
	for (i = 0; i < nf; i++) {
		const struct ga_func *f = &funcs[i];
		const struct od_func *o = &od[i];
		char why[128];

		/* Data in text, instructions neither tool knows: we refuse those functions anyway. */
		if (f->decode_status == GA_DECODE_BAD || o->undecodable || o->misaligned) {
			skipped++;
			ours_bad += f->decode_status == GA_DECODE_BAD;
			continue;
		}
		compared++;
		if (!od_matches(o, f, why, sizeof(why)) && mism++ < 5)
			printf("  %s: %s differs from %s (%s)\n", c->name, f->name, objdump, why);
	}
	printf("  %s: %zu functions compared with %s, %zu differ; %zu not comparable, %zu of them "
	       "marked bad by goanalyze\n", c->name, compared, objdump, mism, skipped, ours_bad);
	/* objdump never decodes what we refuse to guess at, and never fails where we succeed */
	ASSERT_EQ(skipped, ours_bad, "only functions we mark bad are left out");
	ASSERT_EQ(mism, 0, c->name);
	ASSERT_GE(compared * 100, nf * 98, "nearly all functions compared");
out:
	free(od);
}

TEST(corpus)
{
	size_t i, j, tested = 0;

	if (fetch_failure[0])
		ASSERT_TRUE(false, fetch_failure);
	for (i = 0; i < ncorpus; i++) {
		const struct corpus_bin *c = &corpus[i];
		char want_ver[64], db[700];
		struct ga_func *funcs = NULL;
		struct ga_build b = {};
		struct gadb *gdb = NULL;
		size_t nf = 0;
		uint64_t entry;
		bool found_rt0 = false;

		if (c->skip[0]) {
			printf("\n  *** SKIP %s ***\n\n", c->skip);
			continue;
		}
		tested++;
		snprintf(db, sizeof(db), "%.400s/%.127s.db", tmp_dir(), c->name);
		if (!index_and_load(c->path, db, &gdb, &b, &funcs, &nf))
			goto next;
		expected_version(c->path, want_ver, sizeof(want_ver));
		ASSERT_STREQ(b.go_version, want_ver, c->name);
		ASSERT_STREQ(ga_arch_name(b.arch), expected_arch(c->path), c->name);
		ASSERT_GE(nf, 4000, "functions listed");
		/* The ELF entry point is the runtime's _rt0_<arch>_linux: the text start is right. */
		entry = elf_entry(c->path);
		for (j = 0; j < nf; j++) {
			char rt0[64];

			snprintf(rt0, sizeof(rt0), "_rt0_%s_linux", ga_arch_name(b.arch));
			if (!strcmp(funcs[j].name, rt0)) {
				found_rt0 = true;
				ASSERT_EQ(funcs[j].entry, entry, "ELF entry is _rt0_<arch>_linux");
			}
		}
		ASSERT_TRUE(found_rt0, "_rt0_<arch>_linux listed");
		/* 'go version -m' reads build info of both layouts, where there is some */
		check_buildinfo("go", c->name, c->path);
		printf("  %s: %s %s, pclntab %s, %zu functions%s%s\n", c->name, b.go_version,
		       ga_arch_name(b.arch), b.pclntab_format, nf, b.stripped ? ", no .symtab" : "",
		       b.has_dwarf ? ", DWARF" : "");
#ifdef GA_SANITIZED
		/*
		 * Parsing objdump's millions of lines under ASan takes minutes; the
		 * plain build of this suite, run by the same 'make test', does it.
		 * Here the sanitized goanalyze indexes every binary.
		 */
		if (i == 0)
			printf("  (sanitizer build: debug/gosym and objdump comparisons run in the plain build)\n");
#else
		corpus_funcs_vs_gosym(c, funcs, nf);
		corpus_exits_vs_objdump(c, &b, funcs, nf);
#endif
next:
		ga_funcs_free(funcs, nf);
		ga_build_clear(&b);
		gadb__free(gdb);
	}
	if (!tested)
		TEST_SKIP("no corpus binary could be fetched (offline?)");
}

/* Every pclntab format appears among the binaries indexed. */
TEST(corpus_covers_every_format)
{
	static const char *const formats[] = { "1.2", "1.16", "1.18", "1.20" };
	size_t i, k, have = 0;

	for (k = 0; k < 4; k++) {
		bool seen = false;

		for (i = 0; i < ncorpus && !seen; i++) {
			char db[700], cmd[1000];
			struct cmd_result r = {};

			if (corpus[i].skip[0])
				continue;
			snprintf(db, sizeof(db), "%.400s/%.127s.db", tmp_dir(), corpus[i].name);
			snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'SELECT pclntab_format FROM builds'", db);
			sh_run(cmd, 30, &r);
			seen = r.out && !strcmp(first_line(r.out), formats[k]);
			cmd_result_free(&r);
		}
		if (seen)
			have++;
		else
			printf("  no binary with a Go %s table\n", formats[k]);
	}
	if (ncorpus && corpus[0].skip[0])
		TEST_SKIP("corpus not fetched");
	else
		ASSERT_EQ(have, 4, "formats covered");
}
