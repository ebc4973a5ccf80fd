// SPDX-License-Identifier: MIT
/*
 * Hostile strings a user types: goattach with a --sig, --expr or
 * --filter built to hang, overflow or exhaust it (what fuzz_sig and
 * fuzz_expr found) must refuse it with one error line naming the
 * problem, exit 1, promptly (under 2 s), and attach nothing. No BPF
 * needed: all of it is refused while the probes are planned.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attachlib.h"

TEST_SETUP(attach_setup);

/* main.texts of samples/kinds: strings and slices to index */
#define TEXTS_SIG "func(s string, b []byte, xs []int32, ss []string, empty string, none []int) " \
		  "(string, int)"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* goattach --db kinds OPT TEXT [--sig TEXTS_SIG] main.texts: refused as said, at once. */
static void refused(const char *opt, const char *text, const char *why)
{
	char *argv[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("kinds"),
			 (char *)opt, (char *)text, "main.texts", "--duration", "1s", NULL };
	char what[128];
	struct cmd_result r = {};
	double t0, dt;

	snprintf(what, sizeof(what), "%s %.40s%s", opt, text, strlen(text) > 40 ? "..." : "");
	t0 = now_s();
	cmd_run(argv, 30, &r);
	dt = now_s() - t0;
	ASSERT_EQ(r.status, 1, what);
	ASSERT_EQ(count_lines(r.err), 1, what);
	ASSERT_CONTAINS(r.err, why, what);
	ASSERT_FALSE(r.err && strstr(r.err, "Tracing"), "nothing attached");
	ASSERT_TRUE(dt < 2.0, "promptly");
	if (dt >= 2.0)
		fprintf(stderr, "    %s: %.1f s\n", what, dt);
	cmd_result_free(&r);
}

static char *repeat(const char *head, const char *unit, int n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * n + tl + 1), *p = s;

	if (!s)
		abort();
	memcpy(p, head, hl);
	p += hl;
	for (int i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

TEST(hostile_sig)
{
	char *deep = repeat("func(p ", "*", 40, "int)");
	char *longsig = repeat("func(s ", " ", 5000, "string)");
	char *params = repeat("func(", "a int, ", 65, "z int)");
	char *fields = repeat("func(s struct{ ", "a int; ", 33, "})");
	char *name = repeat("func(", "n", 200, " int)");

	refused("--sig", "func(a [1048576][1048576][1048576][1048576]int)",
		"bad --sig 'func(a [1048576][1048576][1048576][1048576]int)': array too large for an "
		"argument at byte 35: [1048576]int is over 1048576 bytes");
	/* 2^40 zero-size elements: nothing to walk (it looped 2^40 times), then the check refuses it */
	refused("--sig", "func(s struct{ a [1048576][1048576][0]int; b int })",
		"--sig refused: main.texts takes");
	refused("--sig", "func(s struct{ a int; b Foo })", "unknown type 'Foo' at byte 25");
	refused("--sig", "func(s struct{ a [100000]int64; b [100000]int64 })",
		"struct too large for an argument");
	refused("--sig", deep, "nests deeper than 16 levels");
	refused("--sig", longsig, "...': signature of 5014 bytes: longer than 4096");
	refused("--sig", params, "too many parameters at byte");
	refused("--sig", fields, "has more than 32 fields");
	refused("--sig", name, "longer than 63 bytes");
	refused("--sig", "func(a [-1]int)", "bad array length at byte 9");
	free(deep);
	free(longsig);
	free(params);
	free(fields);
	free(name);
}

TEST(hostile_expr_and_filter)
{
	char *chain = repeat("xs", "[0]", 40, "");
	char *huge = repeat("s", ".a", 20000, "");
	char *ors = repeat("", "len(s) == 1 || ", 70, "len(s) == 2");
	char *parens = repeat("", "(", 40, "s");

	refused("--expr", chain, "more than 32 selectors and indexes in a row");
	refused("--expr", huge, "an expression of 40001 bytes: longer than 4096");
	refused("--expr", "xs[9223372036854775807]", "past what a fetch reaches");
	refused("--filter", "xs[9223372036854775807] == 1", "past what a fetch reaches");
	refused("--filter", "ss[2147483647] == \"a\"", "past what a fetch reaches");
	refused("--filter", ors, "more than 64 operands of '||'");
	refused("--filter", parens, "nested deeper than 32 levels");
	refused("--filter", huge, "longer than 4096");
	/* it stepped past the NUL after the backslash */
	refused("--filter", "s == \"abc\\", "at 10: string literal not terminated");
	refused("--expr", "m[\"abc\\", "string literal not terminated");
	free(chain);
	free(huge);
	free(ors);
	free(parens);
}
