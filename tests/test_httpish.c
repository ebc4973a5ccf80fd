// SPDX-License-Identifier: MIT
/*
 * goattach end to end on samples/httpish, a handler shaped like net/http's
 * (issue 14): main.handle(w ResponseWriter, r *Request) (*Response, error),
 * the program printing each call's values (its "call seq=N ..." lines) and,
 * in its "stack" mode, handle's runtime.Callers frames. Checked against
 * that printout: --stack, --json of the arguments and results, --deref of
 * r, the stripped build (with --sig), the Go 1.26 build (Swiss maps).
 *
 * Then --expr and --filter against the same printout.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attachlib.h"

TEST_SETUP(attach_setup);

#define MAX_CALLS 32
#define MAX_FRAMES 64
#define MIX_CALLS 12		/* one round of samples/httpish's mix */
#define VAL_LEN 512
/* The Go with Swiss-table maps the Makefile builds httpish with (HTTPISH_SWISS_GO). */
#define SWISS_BIN "gomatrix/1.26/httpish"

/* --- the program's printout --- */

/* The program's "call ..." lines, in order, split in place in buf. */
struct prog {
	char *buf;
	char *lines[MAX_CALLS];
	int n;
};

static void prog_free(struct prog *p)
{
	free(p->buf);
	p->buf = NULL;
	p->n = 0;
}

/* Collects out's "call " lines; returns how many. */
static int prog_parse(const char *out, struct prog *p)
{
	char *line, *save;

	p->n = 0;
	p->buf = strdup(out ? out : "");
	if (!p->buf)
		return 0;
	for (line = strtok_r(p->buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, "call ", 5) && p->n < MAX_CALLS)
			p->lines[p->n++] = line;
	return p->n;
}

/*
 * The end of the value starting at s: the first space outside a Go-quoted
 * string and outside brackets, so "a b", ["a" "b"] and
 * map["K":["v"]](len=1) are each one value; or the bracket closing a
 * list s is in (the end of "a" in ["a" "b"]).
 */
static const char *value_end(const char *s)
{
	bool quoted = false;
	int depth = 0;

	for (; *s && *s != '\n'; s++) {
		if (quoted) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				quoted = false;
		} else if (*s == '"') {
			quoted = true;
		} else if (strchr("[({", *s)) {
			depth++;
		} else if (strchr("])}", *s)) {
			if (depth == 0)	/* the end of the list the value is in */
				break;
			depth--;
		} else if (*s == ' ' && depth <= 0) {
			break;
		}
	}
	return s;
}

static bool copy_value(const char *v, char *val, size_t size)
{
	size_t len = value_end(v) - v;

	if (len >= size)
		return false;
	memcpy(val, v, len);
	val[len] = '\0';
	return true;
}

/* The value of key in a program line, as printed (strings still quoted); false if none. */
static bool field(const char *line, const char *key, char *val, size_t size)
{
	const char *s = line + strlen("call ");
	size_t klen = strlen(key);

	while (*s) {
		const char *eq = strchr(s, '=');

		if (!eq)
			return false;
		if ((size_t)(eq - s) == klen && !strncmp(s, key, klen))
			return copy_value(eq + 1, val, size);
		s = value_end(eq + 1);
		while (*s == ' ')
			s++;
	}
	return false;
}

/* field() as a number; -1 when it is none. */
static long long field_num(const char *line, const char *key)
{
	char v[VAL_LEN];

	return field(line, key, v, sizeof(v)) && (isdigit((unsigned char)v[0]) || v[0] == '-') ?
		strtoll(v, NULL, 10) : -1;
}

/* Whether program line l's field key is printed as want. */
static bool field_is(const char *l, const char *key, const char *want)
{
	char v[VAL_LEN];

	return field(l, key, v, sizeof(v)) && !strcmp(v, want);
}

/* The program line of request seq; NULL if none. */
static const char *prog_call(const struct prog *p, long long seq)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (field_num(p->lines[i], "seq") == seq)
			return p->lines[i];
	return NULL;
}

/* A Go-quoted string's text (the escapes strconv.Quote writes for ASCII); false if q is none. */
static bool go_unquote(const char *q, char *out, size_t size)
{
	size_t n = 0;

	if (*q++ != '"')
		return false;
	for (; *q && *q != '"'; q++) {
		char c = *q;

		if (c == '\\') {
			switch (*++q) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'x':
				if (!isxdigit((unsigned char)q[1]) || !isxdigit((unsigned char)q[2]))
					return false;
				c = (char)strtol((char[]){ q[1], q[2], 0 }, NULL, 16);
				q += 2;
				break;
			case '\0': return false;
			default: c = *q; break;	/* \" and \\ */
			}
		}
		if (n + 1 >= size)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return *q == '"';
}

/*
 * The names the program printed for request seq: "stack(SEQ): main.handle
 * main.serve ...", split in place into names (borrowed from *copy, which
 * the caller frees). Returns how many, or -1 when the line is missing.
 */
static int program_stack(const char *out, long long seq, char **names, char **copy)
{
	char tag[40], *line, *eol, *tok, *save;
	int k = 0;

	*copy = NULL;
	snprintf(tag, sizeof(tag), "stack(%lld):", seq);
	line = out ? strstr(out, tag) : NULL;
	if (!line)
		return -1;
	*copy = strdup(line + strlen(tag));
	if (!*copy)
		return -1;
	eol = strchr(*copy, '\n');
	if (eol)
		*eol = '\0';
	for (tok = strtok_r(*copy, " ", &save); tok && k < MAX_FRAMES; tok = strtok_r(NULL, " ", &save))
		names[k++] = tok;
	return k;
}

/* --- goattach runs --- */

/* The goattach lines of main.handle, split in place in *copy (the caller frees it). */
static int handle_lines(const char *out, char **lines, int max, char **copy)
{
	char *line, *save;
	int n = 0;

	*copy = strdup(out ? out : "");
	if (!*copy)
		return 0;
	for (line = strtok_r(*copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, " main.handle(") && n < max)
			lines[n++] = line;
	return n;
}

/*
 * goattach with args traces bin (DB db) while bin runs mode, started
 * before it (so the two outputs stay apart): *ga holds goattach's output,
 * *run the program's. Asserts; false when goattach did not start.
 */
static bool trace_run(const char *db, const char *bin, const char *mode, char **extra,
		      struct bg_proc *ga, struct cmd_result *run)
{
	char *args[32] = { "--db", (char *)db };
	char *argv[] = { (char *)bin, (char *)mode, NULL };
	int n = 2, i;

	for (i = 0; extra[i] && n < 30; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	if (!ASSERT_TRUE(start_goattach(ga, args), "goattach starts"))
		return false;
	cmd_run(argv, 60, run);
	ASSERT_EQ(run->status, 0, "the program's exit status");
	stop_goattach(ga);
	return true;
}

/* The JSON call whose r (with --deref) has Seq seq; NULL if none. */
static cJSON *call_with_seq(cJSON **calls, int n, long long seq)
{
	int i;

	for (i = 0; i < n; i++) {
		cJSON *r = cJSON_GetObjectItem(cJSON_GetObjectItem(calls[i], "args"), "r");

		if (num(r, "value", "Seq") == seq)
			return calls[i];
	}
	return NULL;
}

static bool is_hex_ptr(const char *s)
{
	return s && !strncmp(s, "0x", 2) && strtoull(s, NULL, 16) != 0;
}

/*
 * The JSON of each call (with --deref) as the program printed it: w the
 * *main.recorder handle wrote to, r a pointer whose Seq, ContentLength and
 * URL (nil or not) are the program's, ~r0 nil or the *Response with the
 * program's Code and Size, ~r1 nil or the error with its message.
 */
static void check_json_calls(cJSON **calls, int n, const struct prog *p, const char *what)
{
	char v[VAL_LEN], msg[VAL_LEN], m[160];
	int i;

	for (i = 0; i < p->n; i++) {
		const char *line = p->lines[i];
		long long seq = field_num(line, "seq");
		cJSON *c = call_with_seq(calls, n, seq), *args, *res, *r, *r0, *r1;

		snprintf(m, sizeof(m), "%s: a JSON call for seq=%lld", what, seq);
		if (!ASSERT_TRUE(c != NULL, m))
			continue;
		args = cJSON_GetObjectItem(c, "args");
		res = cJSON_GetObjectItem(c, "results");
		r = cJSON_GetObjectItem(args, "r");
		snprintf(m, sizeof(m), "%s seq=%lld: w's dynamic type", what, seq);
		ASSERT_STREQ(str(args, "w", "type"), "*main.recorder", m);
		snprintf(m, sizeof(m), "%s seq=%lld: w's data pointer", what, seq);
		ASSERT_TRUE(is_hex_ptr(str(args, "w", "data")), m);
		snprintf(m, sizeof(m), "%s seq=%lld: r's address", what, seq);
		ASSERT_TRUE(is_hex_ptr(str(r, "addr", NULL)), m);
		snprintf(m, sizeof(m), "%s seq=%lld: r.ContentLength", what, seq);
		ASSERT_EQ(num(r, "value", "ContentLength"), field_num(line, "cl"), m);
		field(line, "path", v, sizeof(v));
		snprintf(m, sizeof(m), "%s seq=%lld: r.URL nil as the program's", what, seq);
		ASSERT_EQ(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "value"), "URL")),
			  !strcmp(v, "<nil>"), m);

		r0 = cJSON_GetObjectItem(res, "~r0");
		field(line, "code", v, sizeof(v));
		snprintf(m, sizeof(m), "%s seq=%lld: ~r0 nil as the program's", what, seq);
		if (ASSERT_EQ(cJSON_IsNull(r0), !strcmp(v, "<nil>"), m) && !cJSON_IsNull(r0)) {
			snprintf(m, sizeof(m), "%s seq=%lld: ~r0.Code", what, seq);
			ASSERT_EQ(num(r0, "value", "Code"), field_num(line, "code"), m);
			snprintf(m, sizeof(m), "%s seq=%lld: ~r0.Size", what, seq);
			ASSERT_EQ(num(r0, "value", "Size"), field_num(line, "size"), m);
		}
		r1 = cJSON_GetObjectItem(res, "~r1");
		field(line, "err", v, sizeof(v));
		snprintf(m, sizeof(m), "%s seq=%lld: ~r1 nil as the program's", what, seq);
		if (ASSERT_EQ(cJSON_IsNull(r1), !strcmp(v, "<nil>"), m) && !cJSON_IsNull(r1) &&
		    go_unquote(v, msg, sizeof(msg))) {
			snprintf(m, sizeof(m), "%s seq=%lld: the error's message", what, seq);
			ASSERT_STREQ(str(r1, "message", NULL), msg, m);
		}
	}
}

/*
 * --json --deref on one round of the mix: twelve calls, each as the
 * program printed it (paired by r.Seq).
 */
static void json_as_program(const char *db, const char *bin, const char *what)
{
	struct bg_proc ga = {};
	struct cmd_result run = {};
	struct prog p = {};
	cJSON *calls[MAX_CALLS];
	int n = 0;
	char *extra[] = { "--json", "--deref", "main.handle", NULL };

	if (!trace_run(db, bin, "mix", extra, &ga, &run))
		goto out;
	ASSERT_EQ(prog_parse(run.out, &p), MIX_CALLS, "the program's call lines");
	n = json_calls(ga.out, "main.handle", calls, MAX_CALLS);
	if (!ASSERT_EQ(n, MIX_CALLS, "a JSON line per call"))
		goto out;
	check_json_calls(calls, n, &p, what);
	printf("  %s: %d JSON calls checked against the program's lines\n", what, n);
out:
	free_calls(calls, n);
	prog_free(&p);
	cmd_result_free(&run);
	bg_free(&ga);
}

/* --- what goattach does today --- */

TEST(httpish_json_as_program)
{
	REQUIRE_BPF();
	json_as_program(sample_db("httpish"), sample_bin("httpish"), "go1.19");
}

/* The same on the Go 1.26 build: its map, Swiss-table, is in r.Header. */
TEST(httpish_json_swiss)
{
	REQUIRE_BPF();
	json_as_program(bin_db(build_path(SWISS_BIN)), build_path(SWISS_BIN), "go1.26");
}

/* The number after tag ("Seq:") in line, -1 when there is none. */
static long long num_after(const char *line, const char *tag)
{
	const char *at = strstr(line, tag);

	return at ? strtoll(at + strlen(tag), NULL, 10) : -1;
}

/*
 * Text --deref: what r points at after its address, its ContentLength the
 * program's for the request of that Seq (other fields may come between:
 * the strings, when the DB has r's type), URL nil in the one without one.
 */
TEST(httpish_deref_text)
{
	struct bg_proc ga = {};
	struct cmd_result run = {};
	struct prog p = {};
	char *extra[] = { "--deref", "main.handle", NULL };
	char *lines[MAX_CALLS], *copy = NULL, m[128];
	int n = 0, i;

	REQUIRE_BPF();
	if (!trace_run(sample_db("httpish"), sample_bin("httpish"), "mix", extra, &ga, &run))
		goto out;
	if (!ASSERT_EQ(prog_parse(run.out, &p), MIX_CALLS, "the program's call lines"))
		goto out;
	n = handle_lines(ga.out, lines, MAX_CALLS, &copy);
	if (!ASSERT_EQ(n, MIX_CALLS, "a line per call"))
		goto out;
	for (i = 0; i < n; i++) {
		long long seq = num_after(lines[i], " Seq:");
		const char *pl = prog_call(&p, seq);

		snprintf(m, sizeof(m), "call %d: w's dynamic type, r's pointee", i);
		ASSERT_TRUE(strstr(lines[i], "main.handle(w=<*main.recorder 0x") &&
			    strstr(lines[i], ", r=0x") && strstr(lines[i], " &{"), m);
		snprintf(m, sizeof(m), "call %d: the program's line for Seq:%lld", i, seq);
		if (!ASSERT_TRUE(pl != NULL, m))
			continue;
		snprintf(m, sizeof(m), "seq=%lld: r.ContentLength", seq);
		ASSERT_EQ(num_after(lines[i], " ContentLength:"), field_num(pl, "cl"), m);
		snprintf(m, sizeof(m), "seq=%lld: r.URL nil as the program's", seq);
		ASSERT_EQ(strstr(lines[i], "URL:nil ") || strstr(lines[i], "URL:<nil> "),
			  field_is(pl, "path", "<nil>"), m);
	}
out:
	free(copy);
	prog_free(&p);
	cmd_result_free(&run);
	bg_free(&ga);
}

/*
 * call's "stack" equals the program's runtime.Callers names for the same
 * call, all of them (the chain is shorter than the default depth).
 */
static void check_stack(cJSON *call, char **want, int nwant, const char *what)
{
	cJSON *st = cJSON_GetObjectItem(call, "stack");
	char msg[192];
	int i;

	snprintf(msg, sizeof(msg), "%s: a stack array", what);
	if (!ASSERT_TRUE(cJSON_IsArray(st), msg))
		return;
	snprintf(msg, sizeof(msg), "%s: frames", what);
	ASSERT_EQ(cJSON_GetArraySize(st), nwant, msg);
	for (i = 0; i < nwant && i < cJSON_GetArraySize(st); i++) {
		snprintf(msg, sizeof(msg), "%s: frame %d", what, i);
		ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetArrayItem(st, i)), want[i], msg);
	}
}

/*
 * --stack on main.handle, "stack" mode: twelve calls on the main
 * goroutine (main.handle ← main.serve ← main.dispatch ← main.main ←
 * runtime.main ← runtime.goexit) and one on a goroutine of its own
 * (main.main.func1): each call's frames are the program's for it. With
 * deref the calls pair by Seq; without (stripped, --sig) by order, as
 * the program makes them one after the other.
 */
static void stack_as_program(const char *db, const char *bin, char **extra, bool by_seq,
			     const char *what)
{
	struct bg_proc ga = {};
	struct cmd_result run = {};
	struct prog p = {};
	cJSON *calls[MAX_CALLS];
	char *names[MAX_FRAMES], *copy = NULL, m[128];
	int n = 0, i, k;

	if (!trace_run(db, bin, "stack", extra, &ga, &run))
		goto out;
	ASSERT_EQ(prog_parse(run.out, &p), MIX_CALLS + 1, "the program's call lines");
	n = json_calls(ga.out, "main.handle", calls, MAX_CALLS);
	if (!ASSERT_EQ(n, p.n, "a JSON line per call"))
		goto out;
	for (i = 0; i < p.n; i++) {
		long long seq = field_num(p.lines[i], "seq");
		cJSON *c = by_seq ? call_with_seq(calls, n, seq) : calls[i];

		free(copy);
		k = program_stack(run.out, seq, names, &copy);
		snprintf(m, sizeof(m), "%s: the program's stack(%lld)", what, seq);
		if (!ASSERT_GE(k, 4, m))
			goto out;
		ASSERT_STREQ(names[0], "main.handle", "the program's frame 0 is handle itself");
		snprintf(m, sizeof(m), "%s: the call seq=%lld", what, seq);
		if (ASSERT_TRUE(c != NULL, m))
			check_stack(c, names, k, m);
	}
	printf("  %s: %d stacks as runtime.Callers printed them\n", what, n);
out:
	free(copy);
	free_calls(calls, n);
	prog_free(&p);
	cmd_result_free(&run);
	bg_free(&ga);
}

TEST(httpish_stack_as_runtime_callers)
{
	char *extra[] = { "--json", "--deref", "--stack", "main.handle", NULL };

	REQUIRE_BPF();
	stack_as_program(sample_db("httpish"), sample_bin("httpish"), extra, true, "go1.19");
}

TEST(httpish_stack_swiss)
{
	char *extra[] = { "--json", "--deref", "--stack", "main.handle", NULL };

	REQUIRE_BPF();
	stack_as_program(bin_db(build_path(SWISS_BIN)), build_path(SWISS_BIN), extra, true, "go1.26");
}

/*
 * handle's signature without DWARF: Request and Response spelled as their
 * structs (a --sig takes no named type).
 */
#define HANDLE_SIG "func(w interface{ WriteHeader(int); Write([]byte) (int, error) }, " \
	"r *struct{ Method string; URL *struct{ Scheme string; Host string; Path string; RawQuery string }; " \
	"Header map[string][]string; Body []byte; Proto string; ContentLength int64; RemoteAddr string; " \
	"Seq int64 }) (*struct{ Code int; Size int64 }, error)"

/*
 * The stripped build (-ldflags='-s -w': no DWARF, no symbol table): the
 * stacks still as runtime.Callers (names from pclntab), and with --sig the
 * arguments and results decoded: w's dynamic type, r and ~r0 pointers,
 * ~r0 nil and the error messages where the program had them.
 */
TEST(httpish_stripped)
{
	struct bg_proc ga = {};
	struct cmd_result run = {};
	struct prog p = {};
	cJSON *calls[MAX_CALLS];
	char *stack_extra[] = { "--json", "--stack", "--sig", HANDLE_SIG, "main.handle", NULL };
	char *extra[] = { "--json", "--sig", HANDLE_SIG, "main.handle", NULL };
	char v[VAL_LEN], msg[VAL_LEN], m[128];
	int n = 0, i;

	REQUIRE_BPF();
	stack_as_program(sample_db("httpish-stripped"), sample_bin("httpish-stripped"), stack_extra,
			 false, "stripped");
	if (!trace_run(sample_db("httpish-stripped"), sample_bin("httpish-stripped"), "mix", extra,
		       &ga, &run))
		goto out;
	ASSERT_EQ(prog_parse(run.out, &p), MIX_CALLS, "the program's call lines");
	n = json_calls(ga.out, "main.handle", calls, MAX_CALLS);
	if (!ASSERT_EQ(n, p.n, "a JSON line per call"))
		goto out;
	for (i = 0; i < n; i++) {
		cJSON *args = cJSON_GetObjectItem(calls[i], "args");
		cJSON *res = cJSON_GetObjectItem(calls[i], "results");
		cJSON *r0 = cJSON_GetObjectItem(res, "~r0"), *r1 = cJSON_GetObjectItem(res, "~r1");

		snprintf(m, sizeof(m), "stripped call %d: w's dynamic type", i);
		ASSERT_STREQ(str(args, "w", "type"), "*main.recorder", m);
		snprintf(m, sizeof(m), "stripped call %d: r", i);
		ASSERT_TRUE(is_hex_ptr(str(args, "r", NULL)), m);
		field(p.lines[i], "code", v, sizeof(v));
		snprintf(m, sizeof(m), "stripped call %d: ~r0 nil as the program's", i);
		if (ASSERT_EQ(cJSON_IsNull(r0), !strcmp(v, "<nil>"), m) && !cJSON_IsNull(r0)) {
			snprintf(m, sizeof(m), "stripped call %d: ~r0", i);
			ASSERT_TRUE(is_hex_ptr(cJSON_GetStringValue(r0)), m);
		}
		field(p.lines[i], "err", v, sizeof(v));
		snprintf(m, sizeof(m), "stripped call %d: ~r1 nil as the program's", i);
		if (ASSERT_EQ(cJSON_IsNull(r1), !strcmp(v, "<nil>"), m) && !cJSON_IsNull(r1) &&
		    go_unquote(v, msg, sizeof(msg))) {
			snprintf(m, sizeof(m), "stripped call %d: the error's message", i);
			ASSERT_STREQ(str(r1, "message", NULL), msg, m);
		}
	}
out:
	free_calls(calls, n);
	prog_free(&p);
	cmd_result_free(&run);
	bg_free(&ga);
}

/*
 * --- --expr and --filter ---
 *
 * The CLI contract: --expr EXPR (repeatable) appends " EXPR=VALUE" to a
 * call's text line, in JSON "exprs": {"EXPR": VALUE}; a nil pointer on the
 * way prints <nil> (JSON null). --filter COND shows only the calls it
 * holds for, and the summary says "N calls filtered out". A bad
 * expression is refused before anything is attached: exit 1, one line.
 */


/*
 * Each expression and the field of the program's line that holds its
 * value: strings Go-quoted in both, <nil> for a nil pointer on the way.
 * r.Body only where it is not empty, r.Header["X-Id"] and its [0] only
 * where the request has the header (Go's nil slice and index panic are
 * no part of the contract).
 */
static const struct expr_field {
	const char *expr, *key;
	bool is_num;
} expr_fields[] = {
	{ "r.Seq", "seq", true },
	{ "r.Method", "method", false },
	{ "r.URL.Path", "path", false },
	{ "r.URL.Host", "host", false },
	{ "len(r.Body)", "len", true },
	{ "r.Body", "body", false },
	{ "r.ContentLength", "cl", true },
	{ "r.Header[\"X-Id\"]", "xid", false },
	{ "r.Header[\"X-Id\"][0]", "xid", false },
	{ "~r0.Code", "code", true },
	{ "len(r.Header)", "nhdr", true },
};
#define N_EXPRS (sizeof(expr_fields) / sizeof(expr_fields[0]))

/*
 * What the program printed for expression e on line, as goattach's text
 * would show it (into want); false when e is not compared for this call.
 */
static bool expr_want(const struct expr_field *e, const char *line, char *want, size_t size)
{
	char v[VAL_LEN];

	if (!field(line, e->key, v, sizeof(v)))
		return false;
	if (!strcmp(e->expr, "r.Body") && field_num(line, "len") == 0)
		return false;
	if (!strcmp(e->key, "xid")) {
		if (!strcmp(v, "[]"))
			return false;
		if (strstr(e->expr, "[0]"))	/* the first of ["a" "b"] */
			return copy_value(v + 1, want, size);
	}
	snprintf(want, size, "%s", v);
	return true;
}

/* The value goattach's text line shows for expr (" EXPR=VALUE"), into val; false if none. */
static bool line_expr(const char *line, const char *expr, char *val, size_t size)
{
	char tag[128];
	const char *at;

	snprintf(tag, sizeof(tag), " %s=", expr);
	at = strstr(line, tag);
	return at && copy_value(at + strlen(tag), val, size);
}

/* goattach's args for every expression of expr_fields, then extra's, then main.handle. */
static void expr_args(char **args, const char *extra)
{
	size_t i, n = 0;

	if (extra)
		args[n++] = (char *)extra;
	for (i = 0; i < N_EXPRS; i++) {
		args[n++] = "--expr";
		args[n++] = (char *)expr_fields[i].expr;
	}
	args[n++] = "main.handle";
	args[n] = NULL;
}

/*
 * Text --expr: every call of the mix shows each expression, with the
 * value the program printed for that call (paired by r.Seq).
 */
TEST(httpish_expr_text)
{
	struct bg_proc ga = {};
	struct cmd_result run = {};
	struct prog p = {};
	char *extra[2 * N_EXPRS + 4], *lines[MAX_CALLS], *copy = NULL;
	char got[VAL_LEN], want[VAL_LEN], seq[32], m[192];
	int n = 0, i, compared = 0;
	size_t k;

	REQUIRE_BPF();
	expr_args(extra, NULL);
	if (!trace_run(sample_db("httpish"), sample_bin("httpish"), "mix", extra, &ga, &run))
		goto out;
	ASSERT_EQ(prog_parse(run.out, &p), MIX_CALLS, "the program's call lines");
	n = handle_lines(ga.out, lines, MAX_CALLS, &copy);
	if (!ASSERT_EQ(n, MIX_CALLS, "a line per call"))
		goto out;
	for (i = 0; i < n; i++) {
		const char *pl;

		if (!ASSERT_TRUE(line_expr(lines[i], "r.Seq", seq, sizeof(seq)), "r.Seq shown"))
			continue;
		pl = prog_call(&p, strtoll(seq, NULL, 10));
		snprintf(m, sizeof(m), "the program's line for r.Seq=%s", seq);
		if (!ASSERT_TRUE(pl != NULL, m))
			continue;
		for (k = 0; k < N_EXPRS; k++) {
			if (!expr_want(&expr_fields[k], pl, want, sizeof(want)))
				continue;
			snprintf(m, sizeof(m), "seq=%s: %s shown", seq, expr_fields[k].expr);
			if (!ASSERT_TRUE(line_expr(lines[i], expr_fields[k].expr, got, sizeof(got)), m))
				continue;
			snprintf(m, sizeof(m), "seq=%s: %s as the program's", seq, expr_fields[k].expr);
			ASSERT_STREQ(got, want, m);
			compared++;
		}
	}
	printf("  %d values of %zu expressions compared with the program's\n", compared, N_EXPRS);
out:
	free(copy);
	prog_free(&p);
	cmd_result_free(&run);
	bg_free(&ga);
}

/*
 * The Go-quoted strings of a printed list, ["a" "b"], as JSON x has them:
 * an array of those strings, or goattach's slice object {len, cap} (its
 * "elems" too when it has them).
 */
static bool json_strings_equal(cJSON *x, const char *list)
{
	char one[VAL_LEN], text[VAL_LEN];
	cJSON *arr = cJSON_IsObject(x) ? cJSON_GetObjectItem(x, "elems") : x;
	const char *s = list + 1;
	int i = 0;

	if (arr && !cJSON_IsArray(arr))
		return false;
	while (*s == '"') {
		if (!copy_value(s, one, sizeof(one)) || !go_unquote(one, text, sizeof(text)))
			return false;
		if (arr && strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(arr, i)) ?: "\x01", text))
			return false;
		i++;
		s += strlen(one);
		while (*s == ' ')
			s++;
	}
	if (cJSON_IsObject(x) && num(x, "len", NULL) != i)
		return false;
	return !arr || i == cJSON_GetArraySize(arr);
}

/* JSON's value x of expression e is what the program printed, want (text form). */
static void check_json_expr(const struct expr_field *e, cJSON *x, const char *want, const char *seq)
{
	char text[VAL_LEN], m[192];

	snprintf(m, sizeof(m), "seq=%s: \"exprs\" has %s", seq, e->expr);
	if (!ASSERT_TRUE(x != NULL, m))
		return;
	snprintf(m, sizeof(m), "seq=%s: %s as the program's %.64s", seq, e->expr, want);
	if (!strcmp(want, "<nil>"))
		ASSERT_TRUE(cJSON_IsNull(x), m);
	else if (e->is_num)
		ASSERT_TRUE(cJSON_IsNumber(x) && x->valuedouble == strtod(want, NULL), m);
	else if (want[0] == '[')
		ASSERT_TRUE(json_strings_equal(x, want), m);
	else if (cJSON_IsObject(x))	/* a []byte as goattach's JSON has it: {"len":,"cap":,"bytes":} */
		ASSERT_TRUE(go_unquote(want, text, sizeof(text)) && str(x, "bytes", NULL) &&
			    !strcmp(str(x, "bytes", NULL), text) && num(x, "len", NULL) == strlen(text), m);
	else
		ASSERT_TRUE(go_unquote(want, text, sizeof(text)) && cJSON_IsString(x) &&
			    !strcmp(x->valuestring, text), m);
}

/*
 * JSON --expr: "exprs" maps each expression to its value: strings as
 * JSON strings, numbers as numbers, the []string as an array, r.Body a
 * string or the {"len", "cap", "bytes"} object of goattach's []byte, null
 * behind a nil pointer; each the program's for the call (paired by r.Seq).
 */
TEST(httpish_expr_json)
{
	struct bg_proc ga = {};
	struct cmd_result run = {};
	struct prog p = {};
	cJSON *calls[MAX_CALLS];
	char *extra[2 * N_EXPRS + 4], want[VAL_LEN], seq[32];
	int n = 0, i;
	size_t k;

	REQUIRE_BPF();
	expr_args(extra, "--json");
	if (!trace_run(sample_db("httpish"), sample_bin("httpish"), "mix", extra, &ga, &run))
		goto out;
	ASSERT_EQ(prog_parse(run.out, &p), MIX_CALLS, "the program's call lines");
	n = json_calls(ga.out, "main.handle", calls, MAX_CALLS);
	if (!ASSERT_EQ(n, MIX_CALLS, "a JSON line per call"))
		goto out;
	for (i = 0; i < n; i++) {
		cJSON *exprs = cJSON_GetObjectItem(calls[i], "exprs");
		double s = num(calls[i], "exprs", "r.Seq");
		const char *pl = prog_call(&p, (long long)s);

		snprintf(seq, sizeof(seq), "%.0f", s);
		if (!ASSERT_TRUE(cJSON_IsObject(exprs), "an \"exprs\" object") ||
		    !ASSERT_TRUE(pl != NULL, "the program's line for exprs[\"r.Seq\"]"))
			continue;
		for (k = 0; k < N_EXPRS; k++)
			if (expr_want(&expr_fields[k], pl, want, sizeof(want)))
				check_json_expr(&expr_fields[k], cJSON_GetObjectItem(exprs, expr_fields[k].expr),
						want, seq);
	}
out:
	free_calls(calls, n);
	prog_free(&p);
	cmd_result_free(&run);
	bg_free(&ga);
}

/* A filter's truth for a program line: 1 holds, 0 does not, -1 either is right. */
static int holds_post(const char *l)
{
	return field_is(l, "method", "\"POST\"");
}

static int holds_api(const char *l)
{
	char v[VAL_LEN];

	return field(l, "path", v, sizeof(v)) && !strncmp(v, "\"/api", 5);
}

static int holds_post_body(const char *l)
{
	return holds_post(l) && field_num(l, "len") > 0;
}

/* Go would panic on r.URL.Path with a nil URL: the contract says nothing of !(...) there. */
static int holds_not_root(const char *l)
{
	return field_is(l, "path", "<nil>") ? -1 : !field_is(l, "path", "\"/\"");
}

static int holds_err(const char *l)
{
	return !field_is(l, "err", "<nil>");
}

/* handle sleeps 5ms on /static/, the others take microseconds. */
static int holds_slow(const char *l)
{
	return field_num(l, "slept") >= 2;
}

static const struct filter_case {
	const char *cond;
	int (*holds)(const char *line);
} filter_cases[] = {
	{ "r.Method == \"POST\"", holds_post },
	{ "strings.HasPrefix(r.URL.Path, \"/api\")", holds_api },
	{ "r.Method == \"POST\" && len(r.Body) > 0", holds_post_body },
	{ "!(r.URL.Path == \"/\")", holds_not_root },
	{ "~r1 != nil", holds_err },
	{ "latency > 2ms", holds_slow },
};

/*
 * --filter: the calls shown (their r.Seq, by --deref) are exactly those of
 * the program's lines that satisfy the condition, and the summary counts
 * the others as filtered out.
 */
TEST(httpish_filter)
{
	size_t f;

	REQUIRE_BPF();
	for (f = 0; f < sizeof(filter_cases) / sizeof(filter_cases[0]); f++) {
		const struct filter_case *fc = &filter_cases[f];
		struct bg_proc ga = {};
		struct cmd_result run = {};
		struct prog p = {};
		cJSON *calls[MAX_CALLS];
		char *extra[] = { "--json", "--deref", "--filter", (char *)fc->cond, "main.handle", NULL };
		char m[192], summary[64];
		int n = 0, i, shown = 0, out_min = 0, out_max = 0;

		if (!trace_run(sample_db("httpish"), sample_bin("httpish"), "mix", extra, &ga, &run))
			goto next;
		ASSERT_EQ(prog_parse(run.out, &p), MIX_CALLS, "the program's call lines");
		n = json_calls(ga.out, "main.handle", calls, MAX_CALLS);
		for (i = 0; i < p.n; i++) {
			long long seq = field_num(p.lines[i], "seq");
			int want = fc->holds(p.lines[i]);
			bool got = call_with_seq(calls, n, seq) != NULL;

			shown += got;
			out_min += want == 0;
			out_max += want != 1;
			if (want < 0)
				continue;
			snprintf(m, sizeof(m), "%s: seq=%lld %s", fc->cond, seq, want ? "shown" : "filtered out");
			ASSERT_EQ(got, want, m);
		}
		snprintf(m, sizeof(m), "%s: no call shown twice or unknown", fc->cond);
		ASSERT_EQ(n, shown, m);
		for (i = out_min; i <= out_max; i++) {
			snprintf(summary, sizeof(summary), " %d calls filtered out", i);
			if (ga.err && strstr(ga.err, summary))
				break;
		}
		snprintf(m, sizeof(m), "%s: the summary's count, %d to %d filtered out", fc->cond, out_min,
			 out_max);
		if (!ASSERT_TRUE(i <= out_max, m))
			printf("  goattach's stderr: %s\n", ga.err ? ga.err : "");
		printf("  --filter '%s': %d of %d calls shown\n", fc->cond, n, p.n);
next:
		free_calls(calls, n);
		prog_free(&p);
		cmd_result_free(&run);
		bg_free(&ga);
	}
}

/*
 * Bad expressions and filters: refused before anything is attached, exit
 * 1, one line naming the problem (for a wrong field, the fields there are).
 */
TEST(httpish_expr_refused)
{
	static const struct {
		const char *opt, *text, *needle;
	} bad[] = {
		{ "--expr", "r.URL.Paht", "Path" },	/* the fields URL has */
		{ "--expr", "r.Nope", "Method" },	/* the fields Request has */
		{ "--expr", "r.Nope", "Nope" },
		{ "--expr", "len(r.ContentLength)", "len" },
		{ "--filter", "r.Method ==", "r.Method ==" },
		{ "--filter", "r.URL.Paht == \"/\"", "Path" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("httpish"),
				 (char *)bad[i].opt, (char *)bad[i].text, "main.handle", NULL };
		struct cmd_result r = {};
		char what[192];

		cmd_run(argv, 30, &r);
		snprintf(what, sizeof(what), "%s '%s' refused", bad[i].opt, bad[i].text);
		ASSERT_EQ(r.status, 1, what);
		ASSERT_EQ(count_lines_with(r.err, ""), 1, what);
		ASSERT_CONTAINS(r.err, bad[i].needle, what);
		ASSERT_FALSE(r.err && strstr(r.err, "Tracing"), "nothing attached");
		cmd_result_free(&r);
	}
}

/*
 * --expr r.Header: map[...](len=N), N the program's len(r.Header), every
 * key and value the program printed in it; by Go 1.19 (buckets) and by
 * Go 1.26 (Swiss tables).
 */
static void map_expr_as_program(const char *db, const char *bin, const char *what)
{
	struct bg_proc ga = {};
	struct cmd_result run = {};
	struct prog p = {};
	char *extra[] = { "--expr", "r.Seq", "--expr", "r.Header", "main.handle", NULL };
	char *lines[MAX_CALLS], *copy = NULL;
	char got[VAL_LEN], hdr[VAL_LEN], one[VAL_LEN], seq[32], want[64], m[192];
	int n = 0, i;

	if (!trace_run(db, bin, "mix", extra, &ga, &run))
		goto out;
	ASSERT_EQ(prog_parse(run.out, &p), MIX_CALLS, "the program's call lines");
	n = handle_lines(ga.out, lines, MAX_CALLS, &copy);
	if (!ASSERT_EQ(n, MIX_CALLS, "a line per call"))
		goto out;
	for (i = 0; i < n; i++) {
		const char *pl, *s;

		if (!ASSERT_TRUE(line_expr(lines[i], "r.Seq", seq, sizeof(seq)), "r.Seq shown"))
			continue;
		pl = prog_call(&p, strtoll(seq, NULL, 10));
		snprintf(m, sizeof(m), "%s seq=%s: r.Header shown", what, seq);
		if (!ASSERT_TRUE(pl != NULL, "the program's line") ||
		    !ASSERT_TRUE(line_expr(lines[i], "r.Header", got, sizeof(got)), m) ||
		    !ASSERT_TRUE(field(pl, "hdr", hdr, sizeof(hdr)), "the program's hdr"))
			continue;
		snprintf(m, sizeof(m), "%s seq=%s: a map", what, seq);
		ASSERT_TRUE(!strncmp(got, "map[", 4), m);
		/*
		 * At most 4 entries, each []string by its first element: with
		 * one value a header, the whole map is Go's own %v of it.
		 */
		if (field_num(pl, "nhdr") <= 4 && !strstr(hdr, "\" \"")) {
			snprintf(m, sizeof(m), "%s seq=%s: r.Header as the program printed it", what, seq);
			ASSERT_STREQ(got, hdr, m);
			continue;
		}
		if (field_num(pl, "nhdr") > 4) {
			snprintf(want, sizeof(want), "](len=%lld)", field_num(pl, "nhdr"));
			snprintf(m, sizeof(m), "%s seq=%s: the program's len(r.Header)", what, seq);
			ASSERT_CONTAINS(got, want, m);
		}
		/* every key of map["K":["v" ...]], and a cut list of values says its length */
		for (s = strchr(hdr, '"'); s; s = strchr(s + strlen(one), '"')) {
			if (!copy_value(s, one, sizeof(one)))
				break;
			one[strcspn(one, ":]")] = '\0';
			if (s[strlen(one)] != ':')
				continue;
			snprintf(m, sizeof(m), "%s seq=%s: the program's key %.64s in r.Header", what, seq,
				 one);
			ASSERT_CONTAINS(got, one, m);
		}
		snprintf(m, sizeof(m), "%s seq=%s: a list cut says its length", what, seq);
		ASSERT_CONTAINS(got, " ...](len=", m);
	}
out:
	free(copy);
	prog_free(&p);
	cmd_result_free(&run);
	bg_free(&ga);
}

TEST(httpish_map_expr)
{
	REQUIRE_BPF();
	map_expr_as_program(sample_db("httpish"), sample_bin("httpish"), "go1.19");
}

TEST(httpish_map_expr_swiss)
{
	REQUIRE_BPF();
	map_expr_as_program(bin_db(build_path(SWISS_BIN)), build_path(SWISS_BIN), "go1.26");
}
