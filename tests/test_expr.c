// SPDX-License-Identifier: MIT
/*
 * The expressions of --expr and --filter: the parser against Go's
 * syntax rules (what parses, how it prints back, where a bad one is
 * refused), then type-checking against real DBs and values read from
 * real processes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attachlib.h"
#include "expr.h"
#include "test.h"

/* The expression language: what parses, how it prints back, and where a bad one is refused. */
TEST(expr_parse_and_format)
{
	static const struct { const char *src, *want; } ok[] = {
		{ "r.URL.Path", "r.URL.Path" },
		{ " len( r.Body )>0&&r.Method==\"POST\"", "len(r.Body) > 0 && r.Method == \"POST\"" },
		{ "strings.HasPrefix(r.URL.Path, `/api`)", "strings.HasPrefix(r.URL.Path, \"/api\")" },
		{ "r.Header[\"X-Id\"][0]", "r.Header[\"X-Id\"][0]" },
		{ "!(a == 1 || b != -2) && c", "!(a == 1 || b != -2) && c" },
		{ "a || b && c", "a || b && c" },
		{ "(a || b) && c", "(a || b) && c" },
		{ "latency > 2ms", "latency > 2000000ns" },
		{ "latency >= 1.5s", "latency >= 1500000000ns" },
		{ "~r0.Code >= 500", "~r0.Code >= 500" },
		{ "err != nil", "err != nil" },
		{ "*p == 0x10", "*p == 16" },
		{ "s == \"a\\tb\\u00e9\\x01\"", "s == \"a\\x09b\xc3\xa9\\x01\"" },
		{ "x < 9223372036854775807", "x < 9223372036854775807" },
		{ "x > -9223372036854775808", "x > -9223372036854775808" },
		{ "f > 0.5", "f > 0.5" },
		{ "ok == true", "ok == true" },
	};
	static const struct { const char *src, *msg; } bad[] = {
		{ "", "empty expression" },
		{ "r.Method ==", "at 12: expected a name" },
		{ "len(r.Body", "expected ')' at the end" },
		{ "r.URL.", "at 6: unexpected '.'" },
		{ "xs[i]", "must be a constant" },
		{ "x > 99999999999999999999", "out of range" },
		{ "x > 2parsecs", "unexpected 'p' after a number" },
		{ "s == \"abc", "not terminated" },
		{ "s == \"\\q\"", "unknown escape" },
		{ "foo(x)", "unknown function 'foo'" },
		{ "strings.HasPrefix(a, b)", "a string literal prefix" },
		{ "a = 1", "unexpected '= 1'" },
		{ "((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))", "nested deeper" },
	};
	char msg[256], out[512];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct expr *e = expr_parse(ok[i].src, msg, sizeof(msg));

		if (!ASSERT_TRUE(e != NULL, ok[i].src)) {
			fprintf(stderr, "    %s\n", msg);
			continue;
		}
		ASSERT_OK(expr_format(e, out, sizeof(out)), "format");
		ASSERT_STREQ(out, ok[i].want, ok[i].src);
		expr_free(e);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct expr *e = expr_parse(bad[i].src, msg, sizeof(msg));

		ASSERT_TRUE(e == NULL, bad[i].src);
		ASSERT_CONTAINS(msg, bad[i].msg, bad[i].src);
		expr_free(e);
	}
}

/* --- against real processes --- */

TEST_SETUP(attach_setup);

/*
 * goattach -c 'BIN ARGS' FUNC EXTRA on the sample name's DB: its output
 * (stdout, stderr) and exit status in r.
 */
static void run_c(const char *name, const char *args, const char *extra, const char *func,
		  struct cmd_result *r)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' -c '%s %s' %s '%s'", build_path("goattach"),
		 sample_db(name), sample_bin(name), args, extra, func);
	sh_run(cmd, 60, r);
}

/* Lines of out that contain every one of the NULL-ended needles. */
static int lines_with(const char *out, ...)
{
	char *copy = strdup(out), *line, *save = NULL;
	int n = 0;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *needle;
		bool all = true;
		va_list ap;

		va_start(ap, out);
		while ((needle = va_arg(ap, const char *)))
			all &= strstr(line, needle) != NULL;
		va_end(ap);
		n += all;
	}
	free(copy);
	return n;
}

/*
 * Values of arguments and results (main.mixed(n) returns n*3, n%2 == 0,
 * n/4, "n=N" and an error for odd n, as the program prints), the length
 * of a result string, in text and JSON.
 */
TEST(expr_args_and_results)
{
	struct cmd_result r = {}, rj = {};
	cJSON *c[4] = {};
	int n;

	REQUIRE_BPF();
	run_c("funcs", "mixed 3 4 11", "--expr n --expr '~r0' --expr 'len(~r3)' --expr '~r3' --expr '~r4'",
	      "main.mixed", &r);
	ASSERT_EQ(r.status, 0, "status");
	ASSERT_EQ(lines_with(r.out, "mixed(3) = 9 false", NULL), 1, "the program's call 3");
	ASSERT_EQ(lines_with(r.out, "main.mixed(n=3)", " n=3 ~r0=9 len(~r3)=3 ~r3=\"n=3\" ~r4=<*errors.errorString \"odd\">", NULL),
		  1, "n=3: the values after the call");
	ASSERT_EQ(lines_with(r.out, "main.mixed(n=4)", " n=4 ~r0=12 len(~r3)=3 ~r3=\"n=4\" ~r4=nil", NULL),
		  1, "n=4");
	ASSERT_EQ(lines_with(r.out, "main.mixed(n=11)", " n=11 ~r0=33 len(~r3)=4 ~r3=\"n=11\"", NULL),
		  1, "n=11: a longer string");
	run_c("funcs", "mixed 3 4", "--json --expr 'len(~r3)' --expr n", "main.mixed", &rj);
	n = json_calls(rj.out, "main.mixed", c, 4);
	if (ASSERT_EQ(n, 2, "two JSON calls")) {
		ASSERT_EQ(num(c[0], "exprs", "len(~r3)"), 3, "exprs.len(~r3)");
		ASSERT_EQ(num(c[1], "exprs", "n"), 4, "exprs.n");
	}
	free_calls(c, n);
	cmd_result_free(&r);
	cmd_result_free(&rj);
}

/* What does not type-check is refused before anything is attached: exit 1, one line, no call run. */
TEST(expr_refused_before_attach)
{
	static const struct { const char *expr, *func, *msg; } bad[] = {
		{ "n.X", "main.mixed", "n.X: int (int) is not a struct" },
		{ "nope", "main.mixed", "has no parameter or result 'nope' (it has: n, ~r0" },
		{ "len(n)", "main.mixed", "len of int" },
		{ "n[2]", "main.mixed", "only arrays, slices and maps take an index" },
		{ "n > 2", "main.mixed", "is a condition, not a value" },
		{ "\"x\"", "main.mixed", "is a constant" },
		{ "c.nope", "main.(*Counter).Add", "has no field nope (its fields: total, name)" },
		{ "(c.total", "main.(*Counter).Add", "bad --expr '(c.total': at 9: expected ')' at the end" },
	};
	struct cmd_result r = {};
	size_t i;

	REQUIRE_BPF();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char extra[256];

		snprintf(extra, sizeof(extra), "--expr '%s'", bad[i].expr);
		run_c("funcs", "mixed 3", extra, bad[i].func, &r);
		ASSERT_EQ(r.status, 1, bad[i].expr);
		ASSERT_CONTAINS(r.err, bad[i].msg, bad[i].expr);
		ASSERT_TRUE(!strstr(r.err, "Tracing"), "nothing attached");
		ASSERT_TRUE(!strstr(r.out, "mixed(3)"), "the command was not run");
		cmd_result_free(&r);
	}
}

/*
 * Fields through a pointer receiver, from the DB's types: c.total and
 * c.name of *Counter as the program's own Add prints them, --deref with
 * the string field.
 */
TEST(expr_fields_through_pointer)
{
	struct cmd_result r = {};

	REQUIRE_BPF();
	run_c("funcs", "add 3 4", "--expr c.total --expr c.name --expr 'len(c.name)'",
	      "main.(*Counter).Add", &r);
	ASSERT_EQ(r.status, 0, "status");
	ASSERT_EQ(lines_with(r.out, "Add(c=0x", "n=3) = (3)", " c.total=0 c.name=\"c\" len(c.name)=1", NULL),
		  1, "first call: total 0 at the entry");
	ASSERT_EQ(lines_with(r.out, "n=4) = (7)", " c.total=3 c.name=\"c\"", NULL), 1,
		  "second call: total 3");
	cmd_result_free(&r);
	run_c("funcs", "add 3 4", "--deref", "main.(*Counter).Add", &r);
	ASSERT_EQ(lines_with(r.out, "&{total:0 name:\"c\"}, n=3) = (3)", NULL), 1,
		  "--deref shows the string field");
	ASSERT_EQ(lines_with(r.out, "&{total:3 name:\"c\"}, n=4) = (7)", NULL), 1, "and again");
	cmd_result_free(&r);
}

/* Calls of func goattach printed (lines naming it with its arguments). */
static int calls_shown(const char *out, const char *func)
{
	char needle[128];

	snprintf(needle, sizeof(needle), " %s(", func);
	return lines_with(out, needle, NULL);
}

/*
 * --filter through a map lookup and a slice index: an index beyond the
 * slice's length makes the comparison false (BPF checks len first), not
 * a read past the end; a key the map lacks, too. samples/httpish sends
 * 12 requests, one (seq 9) with two X-Id values; samples/gomaps passes
 * one map with "x": 10.
 */
TEST(filter_index_and_map_key)
{
	struct cmd_result r = {};

	REQUIRE_BPF();
	run_c("httpish", "mix", "--expr r.Seq --filter 'r.Header[\"X-Id\"][1] == \"b\"'", "main.handle",
	      &r);
	ASSERT_EQ(r.status, 0, "status");
	ASSERT_EQ(calls_shown(r.out, "main.handle"), 1, "one request has a second X-Id, \"b\"");
	ASSERT_EQ(lines_with(r.out, " r.Seq=9", NULL), 1, "request 9");
	ASSERT_CONTAINS(r.err, ", 11 calls filtered out", "the others counted");
	cmd_result_free(&r);
	run_c("httpish", "mix", "--filter '!(r.Header[\"X-Id\"][1] == \"zzz\")'", "main.handle", &r);
	ASSERT_EQ(calls_shown(r.out, "main.handle"), 12, "no second value, or not zzz: all 12");
	cmd_result_free(&r);
	run_c("httpish", "mix", "--expr r.Seq --filter 'len(r.Body) > 0 && r.Body[0] == 123'",
	      "main.handle", &r);
	ASSERT_EQ(calls_shown(r.out, "main.handle"), 1, "one body starts with '{'");
	ASSERT_EQ(lines_with(r.out, " r.Seq=2", NULL), 1, "request 2, the JSON body");
	cmd_result_free(&r);
	run_c("gomaps", "", "--filter 'm[\"x\"] == 10'", "main.small", &r);
	ASSERT_EQ(calls_shown(r.out, "main.small"), 1, "one map has x = 10");
	ASSERT_EQ(lines_with(r.out, " main.small(m=map[\"w\":-4 \"x\":10 \"y\":20 \"z\":30]) = (4)", NULL), 1,
		  "that one");
	cmd_result_free(&r);
}

/* Map lookups in --expr: present keys, a missing one, an int key, len(m). */
TEST(expr_map_lookups)
{
	struct cmd_result r = {};

	REQUIRE_BPF();
	run_c("httpish", "mix", "--expr r.Seq --expr 'r.Header[\"X-Id\"][0]' --expr 'r.Header[\"Nope\"]' --expr 'len(r.Header)'",
	      "main.handle", &r);
	ASSERT_EQ(r.status, 0, "status");
	ASSERT_EQ(lines_with(r.out, " r.Seq=1 r.Header[\"X-Id\"][0]=\"abc\" r.Header[\"Nope\"]=<no such key> len(r.Header)=2", NULL),
		  1, "request 1");
	ASSERT_EQ(lines_with(r.out, " r.Seq=4 r.Header[\"X-Id\"][0]=<no such key> r.Header[\"Nope\"]=<no such key> len(r.Header)=1", NULL),
		  1, "request 4 has no X-Id");
	ASSERT_EQ(lines_with(r.out, " r.Seq=8 r.Header[\"X-Id\"][0]=<no such key> r.Header[\"Nope\"]=<no such key> len(r.Header)=0", NULL),
		  1, "request 8's header is nil: len 0, no key");
	cmd_result_free(&r);
}
