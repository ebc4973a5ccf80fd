// SPDX-License-Identifier: MIT
/*
 * goattach --filter end to end: real BPF on samples/filtered, which
 * prints every call it makes. Each filter must keep exactly the calls
 * the program says it made with values for which the condition holds
 * (integers of several sizes and signs, bools, string equality and
 * prefix, an error result at the exit, latency, ! || &&), the summary
 * must count the others, and a filter that cannot run in BPF is refused
 * before anything is attached. The compiler is also checked alone, on
 * hand-placed expressions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attachlib.h"
#include "filter.h"

TEST_SETUP(attach_setup);

/* goattach --json --filter COND [extra] -c 'filtered ARGS' FUNC, to completion. */
static void run_filter(const char *args, const char *func, const char *cond, const char *extra,
		       struct cmd_result *r)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --json %s --filter '%s' -c '%s %s' %s",
		 build_path("goattach"), sample_db("filtered"), extra ? extra : "", cond,
		 sample_bin("filtered"), args, func);
	sh_run(cmd, 60, r);
}

/* The summary's "N calls filtered out", or -1. */
static long filtered_out(const char *err)
{
	const char *p = err ? strstr(err, " calls filtered out") : NULL;

	while (p && p > err && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return p ? atol(p) : -1;
}

/* The lines of out starting with prefix, each handed to keep(); how many it kept. */
static int count_kept(const char *out, const char *prefix, bool (*keep)(const char *line),
		      int *total)
{
	const char *line = out;
	int n = 0;

	*total = 0;
	while (line && *line) {
		if (!strncmp(line, prefix, strlen(prefix))) {
			(*total)++;
			n += keep(line);
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return n;
}

struct pick_call {
	int n, small, u;
	bool ok;
};

static bool parse_pick(const char *line, struct pick_call *c)
{
	char ok[8] = "";

	if (sscanf(line, "pick(%d, %d, %d, %7[a-z])", &c->n, &c->small, &c->u, ok) != 4)
		return false;
	c->ok = !strcmp(ok, "true");
	return true;
}

static bool pick_n7(const char *line)
{
	struct pick_call c;

	return parse_pick(line, &c) && c.n == 7;
}

/* small < 0 && u >= 5000 || !ok */
static bool pick_combo(const char *line)
{
	struct pick_call c;

	return parse_pick(line, &c) && ((c.small < 0 && c.u >= 5000) || !c.ok);
}

/* Every JSON call of main.pick satisfies want, and there are n of them. */
static void check_pick_calls(const char *out, int n, bool (*want)(const struct pick_call *))
{
	cJSON *calls[64];
	int got = json_calls(out, "main.pick", calls, 64), i, bad = 0;

	ASSERT_EQ(got, n, "goattach reported the calls the program made that pass");
	for (i = 0; i < got; i++) {
		struct pick_call c = {
			.n = num(calls[i], "args", "n"), .small = num(calls[i], "args", "small"),
			.u = num(calls[i], "args", "u"),
			.ok = cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(calls[i], "args"), "ok")),
		};

		bad += !want(&c);
	}
	ASSERT_EQ(bad, 0, "every reported call passes the filter");
	free_calls(calls, got);
}

static bool want_n7(const struct pick_call *c)
{
	return c->n == 7;
}

static bool want_combo(const struct pick_call *c)
{
	return (c->small < 0 && c->u >= 5000) || !c->ok;
}

/* An int argument: exactly the calls made with n == 7, the others counted as filtered out. */
TEST(int_argument)
{
	struct cmd_result r = {};
	int total, kept;

	REQUIRE_BPF();
	run_filter("pick 50", "main.pick", "n == 7", NULL, &r);
	ASSERT_EQ(r.status, 0, "status");
	kept = count_kept(r.out, "pick(", pick_n7, &total);
	printf("  n == 7: the program made %d calls, %d with n == 7\n", total, kept);
	ASSERT_EQ(total, 50, "the program's calls");
	ASSERT_EQ(kept, 5, "calls with n == 7");
	check_pick_calls(r.out, kept, want_n7);
	ASSERT_EQ(filtered_out(r.err), total - kept, "summary: the rest filtered out");
	ASSERT_CONTAINS(r.err, "goattach: 5 calls,", "summary: the calls reported");
	ASSERT_CONTAINS(r.err, " 0 exits without entry,", "rejected calls are no orphan exits");
	cmd_result_free(&r);
}

/* int8 (signed, sign-extended), uint16, bool; && binds tighter than ||; ! */
TEST(sizes_signs_and_logic)
{
	struct cmd_result r = {};
	int total, kept;

	REQUIRE_BPF();
	run_filter("pick 40", "main.pick", "small < 0 && u >= 5000 || !ok", NULL, &r);
	ASSERT_EQ(r.status, 0, "status");
	kept = count_kept(r.out, "pick(", pick_combo, &total);
	printf("  small < 0 && u >= 5000 || !ok: %d of %d calls\n", kept, total);
	ASSERT_GE(kept, 1, "some calls pass");
	check_pick_calls(r.out, kept, want_combo);
	ASSERT_EQ(filtered_out(r.err), total - kept, "summary: the rest filtered out");
	cmd_result_free(&r);
}

/* route("M", "P") = N: the two strings (no escapes in the sample's) into m and p. */
static bool parse_route(const char *line, char *m, char *p, size_t len)
{
	const char *a = strchr(line, '"'), *b = a ? strchr(a + 1, '"') : NULL;
	const char *c = b ? strchr(b + 1, '"') : NULL, *d = c ? strchr(c + 1, '"') : NULL;

	if (!d || (size_t)(b - a) > len || (size_t)(d - c) > len)
		return false;
	snprintf(m, b - a, "%s", a + 1);
	snprintf(p, d - c, "%s", c + 1);
	return true;
}

static bool route_post(const char *line)
{
	char m[128], p[128];

	return parse_route(line, m, p, sizeof(m)) && !strcmp(m, "POST");
}

static bool route_api_not_get(const char *line)
{
	char m[128], p[128];

	return parse_route(line, m, p, sizeof(m)) && !strncmp(p, "/api", 4) && strcmp(m, "GET");
}

static bool route_empty_or_long(const char *line)
{
	char m[128], p[128];

	return parse_route(line, m, p, sizeof(m)) && (!*p || !strncmp(p, "/api/users/7/", 13));
}

static void check_routes(const char *cond, bool (*keep)(const char *line))
{
	struct cmd_result r = {};
	cJSON *calls[16];
	char line[512];
	int total, kept, n, i, bad = 0;

	run_filter("route", "main.route", cond, NULL, &r);
	ASSERT_EQ(r.status, 0, "status");
	kept = count_kept(r.out, "route(", keep, &total);
	printf("  %s: %d of %d calls\n", cond, kept, total);
	n = json_calls(r.out, "main.route", calls, 16);
	ASSERT_EQ(n, kept, "the calls that pass, no other");
	for (i = 0; i < n; i++) {
		cJSON *args = cJSON_GetObjectItem(calls[i], "args");

		/* a path over 64 bytes is cut in the JSON ({value, truncated, len}): compare what was copied */
		snprintf(line, sizeof(line), "route(\"%s\", \"%s\")", str(args, "method", NULL),
			 str(args, "path", NULL) ?: str(args, "path", "value"));
		bad += !keep(line);
	}
	ASSERT_EQ(bad, 0, "every reported call passes");
	ASSERT_EQ(filtered_out(r.err), total - kept, "summary: the rest filtered out");
	free_calls(calls, n);
	cmd_result_free(&r);
}

/* Strings: equality (the whole length), prefix, the empty string, one longer than the bytes copied. */
TEST(strings)
{
	REQUIRE_BPF();
	check_routes("method == \"POST\"", route_post);
	check_routes("strings.HasPrefix(path, \"/api\") && method != \"GET\"", route_api_not_get);
	/* "/ap" is shorter than "/api", "" is empty; the long path is compared on its first 64 bytes */
	check_routes("path == \"\" || strings.HasPrefix(path, \"/api/users/7/\")", route_empty_or_long);
}

/* err != nil is known only at the exit: evaluated there, on the result words. */
TEST(error_result_at_exit)
{
	struct cmd_result r = {}, r2 = {};
	cJSON *calls[16];
	int n, i, bad = 0;

	REQUIRE_BPF();
	run_filter("open 12", "main.open", "err != nil", NULL, &r);
	ASSERT_EQ(r.status, 0, "status");
	ASSERT_EQ(count_lines_with(r.out, ") = 0 not a multiple of 3"), 8, "the program's failed calls");
	n = json_calls(r.out, "main.open", calls, 16);
	ASSERT_EQ(n, 8, "goattach reported the failed calls");
	for (i = 0; i < n; i++)
		bad += (int)num(calls[i], "args", "n") % 3 == 0 ||
		       !cJSON_IsObject(cJSON_GetObjectItem(cJSON_GetObjectItem(calls[i], "results"), "err"));
	ASSERT_EQ(bad, 0, "each with a non-nil error");
	ASSERT_EQ(filtered_out(r.err), 4, "summary: the 4 that succeeded");
	free_calls(calls, n);

	/* arguments and results in one condition, and --stats counting only the calls kept */
	run_filter("open 12", "main.open", "err == nil && n > 2", "--stats", &r2);
	ASSERT_EQ(r2.status, 0, "status");
	/* n = 3, 6, 9 */
	n = json_calls(r2.out, "main.open", calls, 16);
	free_calls(calls, n);
	ASSERT_CONTAINS(r2.out, "\"stats\":\"main.open\",\"calls\":3,\"errors\":0", "--stats: 3 calls");
	ASSERT_EQ(filtered_out(r2.err), 9, "summary: 9 filtered out");
	cmd_result_free(&r);
	cmd_result_free(&r2);
}

/* latency > 15ms: the calls the program slept 20 ms in (n a multiple of 4), alone and with --min-latency. */
TEST(latency)
{
	struct cmd_result r = {}, r2 = {};
	cJSON *calls[16];
	int n, i, bad = 0;

	REQUIRE_BPF();
	run_filter("slow 12", "main.slow", "latency > 15ms", NULL, &r);
	ASSERT_EQ(r.status, 0, "status");
	n = json_calls(r.out, "main.slow", calls, 16);
	ASSERT_EQ(n, 3, "the three slow calls");
	for (i = 0; i < n; i++)
		bad += (int)num(calls[i], "args", "n") % 4 != 0 || num(calls[i], "latency_ns", NULL) < 15e6;
	ASSERT_EQ(bad, 0, "n a multiple of 4, slower than 15 ms");
	ASSERT_EQ(filtered_out(r.err), 9, "summary: the 9 fast ones");
	free_calls(calls, n);

	/* --min-latency stays a filter of its own: both hold for n = 0 and 8 */
	run_filter("slow 12", "main.slow", "n != 4", "--min-latency 15ms", &r2);
	n = json_calls(r2.out, "main.slow", calls, 16);
	ASSERT_EQ(n, 2, "slow and n != 4");
	ASSERT_CONTAINS(r2.err, "9 faster than --min-latency", "the fast ones, by --min-latency");
	ASSERT_EQ(filtered_out(r2.err), 1, "n == 4 by --filter");
	free_calls(calls, n);
	cmd_result_free(&r);
	cmd_result_free(&r2);
}

/*
 * The issue's own examples, through a pointer (placed by expr_place,
 * read with GA_SRC_DEREF words): r.Method, len(r.Body), r.URL.Path where
 * r.URL is nil for one call. A comparison behind that nil pointer is
 * false, so its negation holds: goattach's documented semantics (Go
 * would panic).
 */
TEST(fields_through_pointers)
{
	static const struct { const char *cond; int kept; } cases[] = {
		{ "r.Method == \"POST\" && len(r.Body) > 0", 2 },	/* requests 1 and 4 */
		{ "strings.HasPrefix(r.URL.Path, \"/api\")", 3 },	/* 1, 2, 3; 4 has a nil URL */
		{ "!strings.HasPrefix(r.URL.Path, \"/api\")", 3 },	/* 4 (nil: false, negated), 5, 6 */
		{ "r.URL == nil", 1 },
		{ "r.URL != nil && r.URL.Path == \"/ap\"", 1 },
	};
	struct cmd_result r = {};
	cJSON *calls[8];
	size_t i;
	int n, k, bad;

	REQUIRE_BPF();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_filter("handle", "main.handle", cases[i].cond, "--expr r.Method --expr 'len(r.Body)'",
			   &r);
		ASSERT_EQ(r.status, 0, cases[i].cond);
		ASSERT_EQ(count_lines_with(r.out, " body="), 6,
			  "the program's six calls");
		n = json_calls(r.out, "main.handle", calls, 8);
		ASSERT_EQ(n, cases[i].kept, cases[i].cond);
		ASSERT_EQ(filtered_out(r.err), 6 - cases[i].kept, "summary: the rest filtered out");
		for (k = 0, bad = 0; i == 0 && k < n; k++)
			bad += !str(calls[k], "exprs", "r.Method") ||
			       strcmp(str(calls[k], "exprs", "r.Method"), "POST") ||
			       num(calls[k], "exprs", "len(r.Body)") <= 0;
		ASSERT_EQ(bad, 0, "each a POST with a body, as --expr shows it");
		free_calls(calls, n);
		cmd_result_free(&r);
	}
}

/*
 * Refused before anything is attached or run: exit 1, one line saying
 * what (type errors from expr_place_cond, what BPF cannot run from
 * filter_compile).
 */
TEST(bad_filters_refused)
{
	static const struct { const char *cond, *why; } bad[] = {
		{ "n ==", "filter: bad --filter" },
		{ "nope == 1", "has no parameter or result 'nope'" },
		{ "method == path", "cannot compare string with string" },
		{ "n == \"x\"", "cannot compare int with a string" },
		{ "ok == 1", "cannot compare bool (bool) with a number" },
		{ "u < -1", "uint16 is unsigned" },
		{ "n", "not a bool" },
		{ "latency > n", "latency is compared with a duration" },
		{ "path == \"0123456789012345678901234567890123456789012345678901234567890123456789\"",
		  "longer than 64 bytes" },
		{ "n == 1 || n == 2 || n == 3 || n == 4 || n == 5 || n == 6 || n == 7 || n == 8 || "
		  "n == 9 || n == 10 || n == 11 || n == 12 || n == 13 || n == 14 || n == 15 || n == 16 || "
		  "n == 17", "more than 32 operations" },
	};
	struct cmd_result r = {};
	size_t i;

	REQUIRE_BPF();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *func = strstr(bad[i].cond, "method") || strstr(bad[i].cond, "path") ?
					   "main.route" : "main.pick";

		run_filter(strcmp(func, "main.route") ? "pick 3" : "route", func, bad[i].cond, NULL, &r);
		ASSERT_EQ(r.status, 1, bad[i].cond);
		ASSERT_CONTAINS(r.err, bad[i].why, bad[i].cond);
		ASSERT_EQ(count_lines_with(r.err, ""), 1, "one line");
		ASSERT_FALSE(r.err && strstr(r.err, "Tracing"), "nothing attached");
		ASSERT_FALSE(r.out && strstr(r.out, "pick("), "the command never ran");
		cmd_result_free(&r);
	}
}

/* The compiler alone, on hand-placed ASTs: the program BPF gets. */
TEST(compile_placed)
{
	static const struct gotype t_int = { .kind = GA_KIND_INT, .size = 8, .is_signed = true };
	static const struct gotype t_str = { .kind = GA_KIND_STRING, .size = 16 };
	static const struct gotype t_ptr = { .kind = GA_KIND_PTR, .size = 8 };
	char msg[256];
	struct ga_filter f;
	struct expr *e = expr_parse("!(r.n >= -2) && strings.HasPrefix(r.s, \"/a\") || p == nil",
				    msg, sizeof(msg));
	struct expr *rn, *rs, *p;

	if (!ASSERT_TRUE(e, msg))
		return;
	/* the tree: OR(AND(NOT(CMP(r.n, -2)), HASPREFIX(r.s, "/a")), CMP(p, nil)) */
	rn = e->x->x->x->x;
	rs = e->x->y->x;
	p = e->y->x;
	rn->type = &t_int;
	rn->loc = (struct expr_loc){ .placed = true, .part = GA_EV_ARGS, .word = 5, .len_word = -1,
				     .str = -1, .guard = 2, .size = 4, .shift = 4, .is_signed = true };
	rs->type = &t_str;
	rs->loc = (struct expr_loc){ .placed = true, .part = GA_EV_RESULTS, .word = 6, .len_word = 7,
				     .str = 3, .guard = 2 };
	p->type = &t_ptr;
	p->loc = (struct expr_loc){ .placed = true, .part = GA_EV_ARGS, .word = 2, .len_word = -1,
				    .str = -1, .guard = -1, .size = 8 };
	if (!ASSERT_OK(filter_compile(e, &f, msg, sizeof(msg)), msg))
		goto out;
	ASSERT_EQ(f.nops, 6, "ops");
	ASSERT_EQ(f.ops[0].op, GA_FOP_CMP_IMM, "r.n >= -2");
	ASSERT_EQ(f.ops[0].cmp, GA_FCMP_GE, "cmp");
	ASSERT_EQ(f.ops[0].word, 5, "word");
	ASSERT_EQ(f.ops[0].shift, 4, "shift");
	ASSERT_EQ(f.ops[0].size, 4, "size");
	ASSERT_EQ(f.ops[0].guard, 2, "guard");
	ASSERT_EQ(f.ops[0].flags, GA_FF_SIGNED, "signed, arguments");
	ASSERT_EQ((int64_t)f.ops[0].imm, -2, "imm");
	ASSERT_EQ(f.ops[1].op, GA_FOP_NOT, "!");
	ASSERT_EQ(f.ops[2].op, GA_FOP_STR_PREFIX, "HasPrefix");
	ASSERT_EQ(f.ops[2].word, 7, "length word");
	ASSERT_EQ(f.ops[2].str, 3, "slot");
	ASSERT_EQ(f.ops[2].flags, GA_FF_A_RESULTS, "in the results");
	ASSERT_EQ(f.str_len[f.ops[2].imm], 2, "prefix length");
	ASSERT_EQ(f.str_mask[f.ops[2].imm][0], 0xffff, "prefix mask");
	ASSERT_EQ(f.ops[3].op, GA_FOP_AND, "&&");
	ASSERT_EQ(f.ops[4].op, GA_FOP_CMP_IMM, "p == nil");
	ASSERT_EQ(f.ops[4].cmp, GA_FCMP_EQ, "==");
	ASSERT_EQ(f.ops[4].guard, GA_FILTER_NONE, "no guard");
	ASSERT_EQ(f.ops[5].op, GA_FOP_OR, "||");
	ASSERT_EQ(filter_when(&f), GA_FILTER_EXIT, "reads a result: at the exit");
	/* without the result, at the entry */
	rs->loc.part = GA_EV_ARGS;
	ASSERT_OK(filter_compile(e, &f, msg, sizeof(msg)), msg);
	ASSERT_EQ(filter_when(&f), GA_FILTER_ENTRY, "arguments only: at the entry");
	/* a float refused */
	rn->loc.is_float = true;
	ASSERT_EQ(filter_compile(e, &f, msg, sizeof(msg)), -EINVAL, "float refused");
	ASSERT_CONTAINS(msg, "floating-point", "says why");
out:
	expr_free(e);
}
