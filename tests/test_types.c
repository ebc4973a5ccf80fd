// SPDX-License-Identifier: MIT
/*
 * Methods of stripped binaries typed from their own runtime type data
 * (goanalyze index without DWARF), against the DWARF of the same program:
 * each sample built by Debian's Go 1.19 with -ldflags='-s -w' next to
 * the suite's build of it (the same flags otherwise, so the same code),
 * every typed method laid out as DWARF lays it out. The toolchain matrix
 * (tests/matrix) does the same for every Go release.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attachlib.h"
#include "checks.h"
#include "log.h"
#include "test.h"

static void log_as_suite(void)
{
	ga_log_set_prog("test_types");
	attach_setup();
}
TEST_SETUP(log_as_suite);

/* The samples built by the Makefile with DWARF (build_dir()/samples/NAME). */
static const char *const samples[] = {
	"kinds", "funcs", "types", "swapper", "stacker", "blocker", "budget",
};

/* Build samples/name with -s -w (as the Makefile builds it otherwise) into out. */
static bool build_stripped(const char *name, const char *out)
{
	struct cmd_result r = {};
	char cmd[2048];
	bool ok;

	snprintf(cmd, sizeof(cmd), "cd samples/%s && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 "
		 "${GO:-go} build -gcflags=-l -ldflags='-s -w' -o '%s' .", name, out);
	sh_run(cmd, 300, &r);
	ok = ASSERT_EQ(r.status, 0, "go build -ldflags='-s -w'");
	if (!ok)
		printf("  %s: %s\n", name, r.err ? r.err : "");
	cmd_result_free(&r);
	return ok;
}

TEST(types_match_dwarf)
{
	long long typed = 0, agree = 0, raw = 0;
	size_t i;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		struct types_figures f;
		char twin[512], sw[512], label[64];

		snprintf(twin, sizeof(twin), "%s/samples/%s", build_dir(), samples[i]);
		snprintf(sw, sizeof(sw), "%s/%s-sw", tmp_dir(), samples[i]);
		snprintf(label, sizeof(label), "1.19 %s-sw", samples[i]);
		if (!ASSERT_EQ(access(twin, X_OK), 0, "the sample is built") ||
		    !build_stripped(samples[i], sw))
			continue;
		types_vs_dwarf(label, sw, twin, 50, &f);
		typed += f.typed;
		agree += f.agree;
		raw += f.raw;
	}
	printf("  all samples, Go 1.19: %lld typed, %lld agree with DWARF, %lld raw\n", typed, agree, raw);
}

/*
 * A stripped build's report shows a method reached through an interface
 * (fmt.Stringer's String of samples/kinds' named) with its receiver and
 * result typed, as DWARF spells them.
 */
TEST(report_shows_typed_method)
{
	char sw[512], db[512], cmd[2048];
	struct cmd_result r = {};

	snprintf(sw, sizeof(sw), "%s/kinds-sw", tmp_dir());
	snprintf(db, sizeof(db), "%s/kinds-sw-report.db", tmp_dir());
	if (!build_stripped("kinds", sw) || !ASSERT_EQ(index_bin(sw, db), 0, "index"))
		return;
	snprintf(cmd, sizeof(cmd), "'%s' report --db '%s' main.named.String os.\\(\\*File\\).Write",
		 build_path("goanalyze"), db);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 0, "report");
	ASSERT_CONTAINS(r.out, "params: from types", "typed from the type data");
	ASSERT_CONTAINS(r.out, "arg    recv main.named  [rax,rbx]", "the receiver, a named string");
	ASSERT_CONTAINS(r.out, "result ~r0 string  [rax,rbx]", "its result");
	ASSERT_CONTAINS(r.out, "arg    arg0 []uint8  [rbx,rcx,rdi]", "os.(*File).Write's slice");
	ASSERT_CONTAINS(r.out, "result ~r1 error  [rbx,rcx]", "and its error");
	cmd_result_free(&r);
}

/*
 * goattach on a stripped build: a value-receiver method reached through
 * an interface (main.Point.Sum, printed through fmt) and os.(*File).Write
 * traced with typed values and results, as the program prints them.
 */
TEST(stripped_method_traced)
{
	char sw[512], db[512];
	char *args[] = { "--db", db, "main.Point.Sum", "os.(*File).Write", NULL };
	char *run[] = { sw, NULL };
	struct cmd_result prog = {};
	struct bg_proc ga = {};

	REQUIRE_BPF();
	snprintf(sw, sizeof(sw), "%s/kinds-sw-trace", tmp_dir());
	snprintf(db, sizeof(db), "%s/kinds-sw-trace.db", tmp_dir());
	if (!build_stripped("kinds", sw) || !ASSERT_EQ(index_bin(sw, db), 0, "index"))
		return;
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &prog);
	usleep(300 * 1000);
	stop_goattach(&ga);
	if (!ASSERT_EQ(prog.status, 0, "sample ran") ||
	    !ASSERT_CONTAINS(prog.out, "main.Point.Sum(p={X:4 Y:5}) = (9)\n", "the program's line"))
		goto out;
	ASSERT_CONTAINS(ga.out, " main.Point.Sum(recv={X:4 Y:5}) = (9) ", "the struct receiver and result");
	ASSERT_CONTAINS(ga.out, "os.(*File).Write(recv=0x", "the receiver");
	ASSERT_CONTAINS(ga.out, ", arg0=\"main.Point.Sum(p={X:4 Y:5}) = (9)\\n\") = (34, nil) ",
			"the []byte written, its length and a nil error");
out:
	cmd_result_free(&prog);
	bg_free(&ga);
}

/*
 * Bad type data never crashes the reader: a stripped build with 64
 * words of .rodata (where the type descriptors and names are) replaced by
 * seeded random ones, 20 times over, is indexed or refused with a
 * message, with no sanitizer report.
 */
TEST(corrupt_type_data)
{
	char sw[512], cmd[4096];
	int seed;

	snprintf(sw, sizeof(sw), "%s/types-sw-fuzz", tmp_dir());
	if (!build_stripped("types", sw))
		return;
	for (seed = 1; seed <= 20; seed++) {
		struct cmd_result r = {};
		char bad[600], db[600];

		snprintf(bad, sizeof(bad), "%s.%d", sw, seed);
		snprintf(db, sizeof(db), "%s.%d.db", sw, seed);
		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/python3 -c 'import random, subprocess, sys\n"
			 "src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
			 "sec = [l.split() for l in subprocess.run([\"readelf\", \"-SW\", src], "
			 "capture_output=True, text=True).stdout.replace(\"[ \", \"[\").splitlines() "
			 "if \" .rodata \" in l][0]\n"
			 "off, size = int(sec[4], 16), int(sec[5], 16)\n"
			 "data = bytearray(open(src, \"rb\").read())\n"
			 "rng = random.Random(seed)\n"
			 "for _ in range(64):\n"
			 "    at = off + rng.randrange(size // 8) * 8\n"
			 "    data[at:at + 8] = rng.randbytes(8)\n"
			 "open(dst, \"wb\").write(data)' '%s' '%s' %d && chmod +x '%s' && "
			 "'%s' index '%s' --db '%s'", sw, bad, seed, bad, build_path("goanalyze"), bad, db);
		sh_run(cmd, 120, &r);
		ASSERT_TRUE(r.status == 0 || r.status == 1, "indexed or refused");
		ASSERT_FALSE(r.err && (strstr(r.err, "Sanitizer") || strstr(r.err, "runtime error")),
			     "no sanitizer report");
		if (r.status != 0 && r.status != 1)
			printf("  seed %d: status %d: %.300s\n", seed, r.status, r.err ? r.err : "");
		cmd_result_free(&r);
		unlink(bad);
		unlink(db);
	}
}
