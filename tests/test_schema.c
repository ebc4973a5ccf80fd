// SPDX-License-Identifier: MIT
/*
 * The JSON goattach writes, as every parser takes it: a non-UTF-8
 * argument and a string cut inside a character give strict UTF-8 (Python
 * decodes it), a cut string says so and how long it was, a uint64 beyond
 * 2^53 stays exact; --stats and --hist lines have their form. Then, run
 * last (the Makefile puts this suite at the end), every JSON record every
 * suite of the run captured (testlib.c, $GOATTACH_TEST_JSON_DIR set by
 * scripts/run-tests.sh) is validated against its schema in schema/ by
 * tests/check_json.py with Debian's python3-jsonschema.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attachlib.h"

TEST_SETUP(attach_setup);

/* 63 'a' and "é": 65 bytes, the 64th (the last one fetched) the first of "é" */
#define CUT_IN_CHAR "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9"

/* Run a Python snippet on the file at path (sys.argv[1]); its exit status, its output printed. */
static int python_on(const char *path, const char *code)
{
	char cmd[8192];
	struct cmd_result r = {};
	int status;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c '%s' '%s'", code, path);
	sh_run(cmd, 60, &r);
	status = r.status;
	if (status)
		printf("  python: %s%s", r.out ? r.out : "", r.err ? r.err : "");
	cmd_result_free(&r);
	return status;
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	fputs(s ? s : "", f);
	fclose(f);
}

/*
 * samples/swapper with a non-UTF-8 argument ("\xff\x01") and one cut
 * inside a character: the JSON decodes as strict UTF-8, the bad byte as
 * the text \xff (Go's %q), the cut string as {value, truncated, len}
 * with no half character; the text line says the cut too.
 */
TEST(json_non_utf8_and_cut)
{
	struct bg_proc gj = {}, gt = {};
	struct cmd_result r = {};
	char *jargs[] = { "--db", (char *)sample_db("swapper"), "--json", "main.swap", NULL };
	char *targs[] = { "--db", (char *)sample_db("swapper"), "main.swap", NULL };
	char *run[] = { (char *)sample_bin("swapper"), "\xff\x01", CUT_IN_CHAR, NULL };
	const char *out = tmp_path("swap.jsonl");

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&gj, jargs), "start --json") ||
	    !ASSERT_TRUE(start_goattach(&gt, targs), "start text"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_EQ(r.status, 0, "swapper exit status");
	stop_goattach(&gj);
	stop_goattach(&gt);
	write_file(out, gj.out);
	ASSERT_EQ(python_on(out,
		"import json, sys\n"
		"lines = open(sys.argv[1], \"rb\").read().decode(\"utf-8\", \"strict\").splitlines()\n"
		"calls = [json.loads(l) for l in lines if l.startswith(\"{\")]\n"
		"assert len(calls) == 1, calls\n"
		"a, res = calls[0][\"args\"], calls[0][\"results\"]\n"
		"assert a[\"x\"] == \"\\\\xff\\x01\", a\n"
		"cut = {\"value\": \"a\" * 63, \"truncated\": True, \"len\": 65}\n"
		"assert a[\"y\"] == cut, a\n"
		"assert res == {\"~r0\": cut, \"~r1\": \"\\\\xff\\x01\"}, res\n"),
		0, "strict UTF-8; \\xff as Go's %q; the cut marked and whole characters only");
	ASSERT_CONTAINS(gt.out, "main.swap(", "a text line");
	ASSERT_CONTAINS(gt.out, "...(65 bytes)", "the text says the cut and the length");
out:
	cmd_result_free(&r);
	bg_free(&gj);
	bg_free(&gt);
}

/* An error about a non-UTF-8 name, with --json: one {"error": ...} line of strict UTF-8. */
TEST(json_error_non_utf8)
{
	struct cmd_result r = {};
	char *argv[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("swapper"), "--json",
			 "main.\xff\xc3", NULL };
	const char *err = tmp_path("error.jsonl");

	cmd_run(argv, 60, &r);
	ASSERT_NEQ(r.status, 0, "no such function: an error");
	write_file(err, r.err);
	ASSERT_EQ(python_on(err,
		"import json, sys\n"
		"lines = open(sys.argv[1], \"rb\").read().decode(\"utf-8\", \"strict\").splitlines()\n"
		"errs = [json.loads(l)[\"error\"] for l in lines]\n"
		"assert errs and all(set(json.loads(l)) == {\"error\"} for l in lines), lines\n"
		"assert any(\"main.\\\\xff\\\\xc3\" in e for e in errs), errs\n"),
		0, "the name's bytes as \\xff\\xc3 in valid UTF-8");
	cmd_result_free(&r);
}

/* samples/kinds' main.ints: h = 1<<63 + 5 exact, as a string; the small ones numbers. */
TEST(json_uint64_beyond_2_53)
{
	struct bg_proc gj = {};
	struct cmd_result r = {};
	char *jargs[] = { "--db", (char *)sample_db("kinds"), "--json", "main.ints", NULL };
	char *run[] = { (char *)sample_bin("kinds"), NULL };
	const char *out = tmp_path("ints.jsonl");

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&gj, jargs), "start --json"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_EQ(r.status, 0, "kinds exit status");
	ASSERT_CONTAINS(r.out, "h=9223372036854775813,", "the program's own value of h");
	stop_goattach(&gj);
	write_file(out, gj.out);
	ASSERT_EQ(python_on(out,
		"import json, sys\n"
		"lines = open(sys.argv[1], \"rb\").read().decode(\"utf-8\", \"strict\").splitlines()\n"
		"calls = [json.loads(l) for l in lines if l.startswith(\"{\")]\n"
		"a = calls[0][\"args\"]\n"
		"assert a[\"h\"] == \"9223372036854775813\", a\n"
		"assert a[\"d\"] == -64000000000 and a[\"g\"] == 4000000000 and a[\"a\"] == -8, a\n"
		"assert int(a[\"h\"]) == (1 << 63) + 5\n"),
		0, "uint64 beyond 2^53 as its exact digits, smaller integers as numbers");
out:
	cmd_result_free(&r);
	bg_free(&gj);
}

/* --stats --json and --hist --json: one line per function each, counts that agree. */
TEST(json_stats_and_hist)
{
	struct bg_proc gs = {}, gh = {};
	struct cmd_result r = {};
	char *sargs[] = { "--db", (char *)sample_db("funcs"), "--stats", "--json", "main.mixed", NULL };
	char *hargs[] = { "--db", (char *)sample_db("funcs"), "--hist", "--json", "main.mixed", NULL };
	char *mixed[] = { (char *)sample_bin("funcs"), "mixed", "1", "2", "3", "4", "5", NULL };
	const char *so = tmp_path("stats.jsonl"), *ho = tmp_path("hist.jsonl");

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&gs, sargs), "start --stats --json") ||
	    !ASSERT_TRUE(start_goattach(&gh, hargs), "start --hist --json"))
		goto out;
	cmd_run(mixed, 60, &r);
	stop_goattach(&gs);
	stop_goattach(&gh);
	write_file(so, gs.out);
	write_file(ho, gh.out);
	ASSERT_EQ(python_on(so,
		"import json, sys\n"
		"recs = [json.loads(l) for l in open(sys.argv[1], \"rb\").read().decode(\"utf-8\", \"strict\").splitlines()]\n"
		"assert len(recs) == 1 and recs[0][\"stats\"] == \"main.mixed\", recs\n"
		"s = recs[0]\n"
		"assert s[\"calls\"] == 5 and s[\"errors\"] == 3, s\n"
		"assert 0 < s[\"p50_ns\"] <= s[\"p90_ns\"] <= s[\"p99_ns\"] <= s[\"max_ns\"], s\n"),
		0, "--stats --json: five calls, three errors, ordered percentiles");
	ASSERT_EQ(python_on(ho,
		"import json, sys\n"
		"recs = [json.loads(l) for l in open(sys.argv[1], \"rb\").read().decode(\"utf-8\", \"strict\").splitlines()]\n"
		"assert len(recs) == 1 and recs[0][\"hist\"] == \"main.mixed\", recs\n"
		"b = recs[0][\"buckets\"]\n"
		"assert sum(x[\"count\"] for x in b) == 5, b\n"
		"assert b[0][\"count\"] and b[-1][\"count\"], b\n"
		"for x, y in zip(b, b[1:]): assert y[\"from_ns\"] == x[\"to_ns\"] + 1, b\n"
		"for x in b: assert x[\"to_ns\"] == 2 * x[\"from_ns\"] - 1 if x[\"from_ns\"] else x[\"to_ns\"] == 0, x\n"),
		0, "--hist --json: five calls in contiguous log2 buckets");
out:
	cmd_result_free(&r);
	bg_free(&gs);
	bg_free(&gh);
}

/*
 * Last: every JSON record of the run (this suite's too) against its
 * schema, and as strict UTF-8. Without the capture dir (a suite run by
 * hand) there is nothing to check: skipped, saying how to run it.
 */
TEST(every_json_line_valid)
{
	const char *dir = getenv("GOATTACH_TEST_JSON_DIR");
	char cmd[4096];
	struct cmd_result r = {};

	if (!dir || !*dir) {
		TEST_SKIP("GOATTACH_TEST_JSON_DIR not set: run the suites with scripts/run-tests.sh "
			  "(make test), or set it for the suites run before this one");
		return;
	}
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tests/check_json.py schema '%s'", dir);
	sh_run(cmd, 600, &r);
	printf("%s", r.out ? r.out : "");
	if (r.err && *r.err)
		printf("  %s", r.err);
	ASSERT_EQ(r.status, 0, "every captured JSON record valid against its schema, strict UTF-8");
	cmd_result_free(&r);
}
