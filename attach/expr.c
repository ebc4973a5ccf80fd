// SPDX-License-Identifier: MIT
/*
 * The expression language of --expr and --filter: a small part of Go's
 * expression syntax, parsed by recursive descent. Placement (what each
 * value costs in fetched words) is in exprplace.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

/* Nesting beyond this is refused: the parser recurses, and BPF loops are bounded anyway. */
#define EXPR_MAX_DEPTH 32
#define EXPR_MAX_STR 4096
/*
 * Also bounded, each an error naming it: an expression's text (4096
 * bytes), the selectors and indexes after one value (r.a.b[0]...: 32;
 * placement recurses along them), the operands of one && or || chain (64).
 */
#define EXPR_MAX_TEXT 4096
#define EXPR_MAX_TERMS 64

struct parser {
	const char *src;
	const char *p;
	char *msg;
	size_t msglen;
	int depth;
	bool failed;
};

static void fail(struct parser *ps, const char *at, const char *fmt, const char *what)
{
	char buf[256];

	if (ps->failed)
		return;
	ps->failed = true;
	snprintf(buf, sizeof(buf), fmt, what);
	snprintf(ps->msg, ps->msglen, "at %d: %s", (int)(at - ps->src) + 1, buf);
	/* one line: the text quoted in it may hold newlines */
	for (char *c = ps->msg; ps->msglen && *c; c++)
		if ((unsigned char)*c < ' ')
			*c = ' ';
}

static void skip_space(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

/* Consume tok (after spaces) when it is next. */
static bool accept(struct parser *ps, const char *tok)
{
	size_t n = strlen(tok);

	skip_space(ps);
	if (strncmp(ps->p, tok, n))
		return false;
	/* "=" is not "==", "&" not "&&": tokens here are whole */
	ps->p += n;
	return true;
}

static bool expect(struct parser *ps, const char *tok)
{
	if (accept(ps, tok))
		return true;
	fail(ps, ps->p, *ps->p ? "expected '%s'" : "expected '%s' at the end", tok);
	return false;
}

static struct expr *node(struct parser *ps, enum expr_kind kind, const char *at)
{
	struct expr *e = calloc(1, sizeof(*e));

	if (!e) {
		fail(ps, at, "%s", "out of memory");
		return NULL;
	}
	e->kind = kind;
	e->pos = at - ps->src;
	e->loc.word = e->loc.len_word = e->loc.cap_word = e->loc.data_word = -1;
	e->loc.str = e->loc.guard = -1;
	return e;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	expr_free(e->x);
	expr_free(e->y);
	free(e->name);
	free(e->str);
	free(e);
}

static bool is_ident_start(char c)
{
	return c == '_' || c == '~' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (unsigned char)c >= 0x80;
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* An identifier: Go's letters and digits, and the "~r0" and ".dict" of Go's own names. */
static char *ident(struct parser *ps)
{
	const char *start;
	char *s;

	skip_space(ps);
	start = ps->p;
	if (!is_ident_start(*ps->p)) {
		fail(ps, ps->p, *ps->p ? "expected a name, not '%.1s'" : "expected a name%s",
		     *ps->p ? ps->p : "");
		return NULL;
	}
	ps->p++;
	while (is_ident_char(*ps->p))
		ps->p++;
	s = strndup(start, ps->p - start);
	if (!s)
		fail(ps, start, "%s", "out of memory");
	return s;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* UTF-8 of code point cp into out; its length. */
static size_t utf8_put(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | cp >> 12;
		out[1] = 0x80 | ((cp >> 6) & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | cp >> 18;
	out[1] = 0x80 | ((cp >> 12) & 0x3f);
	out[2] = 0x80 | ((cp >> 6) & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* One escape after '\' in an interpreted string literal, as Go's spec has them. */
static bool escape(struct parser *ps, char *out, size_t *n)
{
	static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''";
	const char *at = ps->p - 1, *s;
	unsigned long cp = 0;
	int i, digits = 0, d;
	char c = *ps->p;

	/* "...\" at the end: the parser must stay on the NUL, never step past it */
	if (!c) {
		fail(ps, at, "%s", "string literal not terminated");
		return false;
	}
	ps->p++;

	for (s = simple; *s; s += 2) {
		if (c == s[0]) {
			out[(*n)++] = s[1];
			return true;
		}
	}
	if (c >= '0' && c <= '7') {
		cp = c - '0';
		for (i = 0; i < 2; i++) {
			if (*ps->p < '0' || *ps->p > '7') {
				fail(ps, at, "%s", "an octal escape takes three digits");
				return false;
			}
			cp = cp * 8 + (*ps->p++ - '0');
		}
		if (cp > 255) {
			fail(ps, at, "%s", "octal escape above 255");
			return false;
		}
		out[(*n)++] = cp;
		return true;
	}
	digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
	if (!digits) {
		fail(ps, at, "unknown escape '\\%.1s'", ps->p - 1);
		return false;
	}
	for (i = 0; i < digits; i++) {
		d = hexval(*ps->p);
		if (d < 0) {
			fail(ps, at, "escape '\\%.1s' needs hex digits", &c);
			return false;
		}
		cp = cp * 16 + d;
		ps->p++;
	}
	if (c == 'x') {
		out[(*n)++] = cp;
		return true;
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
		fail(ps, at, "%s", "escape is not a valid Unicode code point");
		return false;
	}
	*n += utf8_put(out + *n, cp);
	return true;
}

static struct expr *string_lit(struct parser *ps)
{
	const char *at = ps->p;
	char quote = *ps->p++, *buf = malloc(EXPR_MAX_STR + 8);
	struct expr *e;
	size_t n = 0;

	if (!buf) {
		fail(ps, at, "%s", "out of memory");
		return NULL;
	}
	while (*ps->p != quote) {
		if (!*ps->p || (quote == '"' && *ps->p == '\n')) {
			fail(ps, at, "%s", "string literal not terminated");
			goto err;
		}
		if (n >= EXPR_MAX_STR) {
			fail(ps, at, "a string literal of more than %s bytes", "4096");
			goto err;
		}
		if (quote == '"' && *ps->p == '\\') {
			ps->p++;
			if (!escape(ps, buf, &n))
				goto err;
			continue;
		}
		buf[n++] = *ps->p++;
	}
	ps->p++;
	e = node(ps, EXPR_STRING, at);
	if (!e)
		goto err;
	buf[n] = 0;
	e->str = buf;
	e->len = n;
	return e;
err:
	free(buf);
	return NULL;
}

/* A duration unit after a number: its nanoseconds, 0 when none follows. */
static double duration_unit(struct parser *ps)
{
	static const struct { const char *name; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 }, { "ms", 1e6 },
		{ "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
	};
	size_t i, n;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		n = strlen(units[i].name);
		if (!strncmp(ps->p, units[i].name, n) && !is_ident_char(ps->p[n])) {
			ps->p += n;
			return units[i].ns;
		}
	}
	return 0;
}

static struct expr *number(struct parser *ps, bool negative)
{
	const char *at = ps->p;
	struct expr *e;
	char *end;
	double f, unit;
	unsigned long long u;
	bool is_float;

	errno = 0;
	if (ps->p[0] == '0' && (ps->p[1] == 'x' || ps->p[1] == 'X')) {
		u = strtoull(ps->p, &end, 16);
		is_float = false;
	} else {
		u = strtoull(ps->p, &end, 10);
		is_float = *end == '.' || *end == 'e' || *end == 'E';
	}
	if (errno == ERANGE || (!is_float && u > (negative ? 1ULL << 63 : (unsigned long long)INT64_MAX))) {
		fail(ps, at, "%s", "integer literal out of range (int64)");
		return NULL;
	}
	if (is_float) {
		f = strtod(ps->p, &end);
	} else {
		f = (double)u;
	}
	if (end == ps->p) {
		fail(ps, at, "%s", "expected a number");
		return NULL;
	}
	ps->p = end;
	unit = duration_unit(ps);
	if (is_ident_char(*ps->p)) {
		fail(ps, ps->p, "unexpected '%.1s' after a number (durations: ns, us, ms, s, m, h)",
		     ps->p);
		return NULL;
	}
	if (unit) {
		f *= unit;
		if (!isfinite(f) || f >= 9.2e18) {
			fail(ps, at, "%s", "duration out of range");
			return NULL;
		}
		e = node(ps, EXPR_DURATION, at);
		if (e)
			e->num = (int64_t)(negative ? -f : f);
		return e;
	}
	e = node(ps, is_float ? EXPR_FLOAT : EXPR_INT, at);
	if (!e)
		return NULL;
	if (is_float)
		e->fnum = negative ? -f : f;
	else
		e->num = negative ? (int64_t)(0 - u) : (int64_t)u;
	return e;
}

static struct expr *parse_or(struct parser *ps);
static struct expr *parse_unary(struct parser *ps);

/* A call of one of the functions the language knows: len, cap, strings.HasPrefix. */
static struct expr *call(struct parser *ps, const char *name, const char *at)
{
	enum expr_kind kind;
	struct expr *e;

	if (!strcmp(name, "len"))
		kind = EXPR_LEN;
	else if (!strcmp(name, "cap"))
		kind = EXPR_CAP;
	else if (!strcmp(name, "strings.HasPrefix"))
		kind = EXPR_HASPREFIX;
	else {
		fail(ps, at, "unknown function '%s' (known: len, cap, strings.HasPrefix)", name);
		return NULL;
	}
	e = node(ps, kind, at);
	if (!e)
		return NULL;
	e->x = parse_or(ps);
	if (e->x && kind == EXPR_HASPREFIX && expect(ps, ","))
		e->y = parse_or(ps);
	if (ps->failed || !expect(ps, ")")) {
		expr_free(e);
		return NULL;
	}
	if (kind == EXPR_HASPREFIX && e->y->kind != EXPR_STRING) {
		fail(ps, ps->src + e->y->pos, "%s", "strings.HasPrefix takes a string literal prefix");
		expr_free(e);
		return NULL;
	}
	return e;
}

static struct expr *primary(struct parser *ps)
{
	const char *at;
	struct expr *e;
	char *name;

	skip_space(ps);
	at = ps->p;
	if (*ps->p == '"' || *ps->p == '`')
		return string_lit(ps);
	if ((*ps->p >= '0' && *ps->p <= '9') || (*ps->p == '-' && ps->p[1] >= '0' && ps->p[1] <= '9')) {
		bool neg = *ps->p == '-';

		ps->p += neg;
		return number(ps, neg);
	}
	if (accept(ps, "(")) {
		e = parse_or(ps);
		if (e && !expect(ps, ")")) {
			expr_free(e);
			return NULL;
		}
		return e;
	}
	name = ident(ps);
	if (!name)
		return NULL;
	/* strings.HasPrefix is the one qualified name */
	if (!strcmp(name, "strings") && !strncmp(ps->p, ".HasPrefix", 10)) {
		ps->p += 10;
		free(name);
		name = strdup("strings.HasPrefix");
		skip_space(ps);
		if (!name || *ps->p != '(') {
			fail(ps, ps->p, "%s", "expected '(' after strings.HasPrefix");
			free(name);
			return NULL;
		}
	}
	if (accept(ps, "(")) {
		e = call(ps, name, at);
		free(name);
		return e;
	}
	if (!strcmp(name, "true") || !strcmp(name, "false")) {
		e = node(ps, EXPR_BOOL, at);
		if (e)
			e->num = name[0] == 't';
		free(name);
		return e;
	}
	e = node(ps, !strcmp(name, "nil") ? EXPR_NIL :
		     !strcmp(name, "latency") ? EXPR_LATENCY : EXPR_IDENT, at);
	if (!e || e->kind != EXPR_IDENT)
		free(name);
	else
		e->name = name;
	return e;
}

/* Selectors and constant indexes after a primary: r.URL.Path, xs[3], m["k"]. */
static struct expr *postfix(struct parser *ps)
{
	struct expr *e = primary(ps), *n;
	const char *at;
	int chain = 0;

	while (e && !ps->failed) {
		skip_space(ps);
		at = ps->p;
		if ((*ps->p == '.' || *ps->p == '[') && ++chain > EXPR_MAX_DEPTH) {
			fail(ps, at, "more than %s selectors and indexes in a row", "32");
			break;
		}
		if (*ps->p == '.' && is_ident_start(ps->p[1])) {
			ps->p++;
			n = node(ps, EXPR_FIELD, at);
			if (!n)
				break;
			n->x = e;
			e = n;
			n->name = ident(ps);
			continue;
		}
		if (*ps->p != '[')
			break;
		ps->p++;
		n = node(ps, EXPR_INDEX, at);
		if (!n)
			break;
		n->x = e;
		e = n;
		n->y = primary(ps);
		if (!n->y)
			break;
		if (n->y->kind == EXPR_STRING)
			n->kind = EXPR_MAPKEY;
		else if (n->y->kind == EXPR_INT || n->y->kind == EXPR_BOOL)
			n->num = n->y->num;
		else {
			fail(ps, ps->src + n->y->pos, "%s",
			     "an index or map key must be a constant (an integer or a string literal)");
			break;
		}
		expect(ps, "]");
	}
	if (ps->failed) {
		expr_free(e);
		return NULL;
	}
	return e;
}

static struct expr *parse_unary(struct parser *ps)
{
	const char *at;
	enum expr_kind kind;
	struct expr *e;

	if (++ps->depth > EXPR_MAX_DEPTH) {
		fail(ps, ps->p, "nested deeper than %s levels", "32");
		return NULL;
	}
	skip_space(ps);
	at = ps->p;
	if (*ps->p == '!' && ps->p[1] != '=')
		kind = EXPR_NOT;
	else if (*ps->p == '*')
		kind = EXPR_DEREF;
	else {
		e = postfix(ps);
		ps->depth--;
		return e;
	}
	ps->p++;
	e = node(ps, kind, at);
	if (e) {
		e->x = parse_unary(ps);
		if (!e->x) {
			expr_free(e);
			e = NULL;
		}
	}
	ps->depth--;
	return e;
}

static struct expr *parse_cmp(struct parser *ps)
{
	static const struct { const char *tok; enum expr_cmp cmp; } ops[] = {
		{ "==", EXPR_EQ }, { "!=", EXPR_NE }, { "<=", EXPR_LE }, { ">=", EXPR_GE },
		{ "<", EXPR_LT }, { ">", EXPR_GT },
	};
	struct expr *e = parse_unary(ps), *n;
	const char *at;
	size_t i;

	if (!e)
		return NULL;
	skip_space(ps);
	at = ps->p;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!accept(ps, ops[i].tok))
			continue;
		n = node(ps, EXPR_CMP, at);
		if (!n) {
			expr_free(e);
			return NULL;
		}
		n->cmp = ops[i].cmp;
		n->x = e;
		n->y = parse_unary(ps);
		if (!n->y) {
			expr_free(n);
			return NULL;
		}
		return n;
	}
	return e;
}

static struct expr *binary(struct parser *ps, const char *tok, enum expr_kind kind,
			   struct expr *(*sub)(struct parser *))
{
	struct expr *e = sub(ps), *n;
	const char *at;
	int terms = 1;

	while (e) {
		skip_space(ps);
		at = ps->p;
		if (!accept(ps, tok))
			break;
		if (++terms > EXPR_MAX_TERMS) {
			fail(ps, at, "more than 64 operands of '%s'", tok);
			expr_free(e);
			return NULL;
		}
		n = node(ps, kind, at);
		if (!n) {
			expr_free(e);
			return NULL;
		}
		n->x = e;
		n->y = sub(ps);
		e = n;
		if (!n->y) {
			expr_free(e);
			return NULL;
		}
	}
	return e;
}

static struct expr *parse_and(struct parser *ps)
{
	return binary(ps, "&&", EXPR_AND, parse_cmp);
}

static struct expr *parse_or(struct parser *ps)
{
	struct expr *e;

	if (++ps->depth > EXPR_MAX_DEPTH) {
		fail(ps, ps->p, "nested deeper than %s levels", "32");
		return NULL;
	}
	e = binary(ps, "||", EXPR_OR, parse_and);
	ps->depth--;
	return e;
}

struct expr *expr_parse(const char *src, char *msg, size_t msglen)
{
	struct parser ps = { .src = src, .p = src, .msg = msg, .msglen = msglen };
	struct expr *e;

	if (msglen)
		msg[0] = 0;
	skip_space(&ps);
	if (!*ps.p) {
		snprintf(msg, msglen, "empty expression");
		return NULL;
	}
	if (strlen(src) > EXPR_MAX_TEXT) {
		snprintf(msg, msglen, "an expression of %zu bytes: longer than %d", strlen(src),
			 EXPR_MAX_TEXT);
		return NULL;
	}
	e = parse_or(&ps);
	skip_space(&ps);
	if (e && *ps.p) {
		fail(&ps, ps.p, "unexpected '%s'", ps.p);
		expr_free(e);
		return NULL;
	}
	if (!e && !ps.failed)
		snprintf(msg, msglen, "cannot parse");
	return e;
}

/* --- formatting --- */

struct fmt {
	char *buf;
	size_t len, n;
};

static void put(struct fmt *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, f->n++)
		if (f->n + 1 < f->len)
			f->buf[f->n] = s[i];
	if (f->len)
		f->buf[f->n + 1 < f->len ? f->n : f->len - 1] = 0;
}

static void puts_(struct fmt *f, const char *s)
{
	put(f, s, strlen(s));
}

static void put_string_lit(struct fmt *f, const char *s, size_t n)
{
	char esc[8];
	size_t i;

	put(f, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = c;
			put(f, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			puts_(f, esc);
		} else {
			put(f, (const char *)&s[i], 1);
		}
	}
	put(f, "\"", 1);
}

static int prec(const struct expr *e)
{
	switch (e->kind) {
	case EXPR_OR: return 1;
	case EXPR_AND: return 2;
	case EXPR_CMP: return 3;
	case EXPR_NOT: case EXPR_DEREF: return 4;
	default: return 5;
	}
}

static void fmt_expr(struct fmt *f, const struct expr *e, int min_prec)
{
	static const char *const cmps[] = { "==", "!=", "<", "<=", ">", ">=" };
	char num[64];
	bool paren = prec(e) < min_prec;

	if (paren)
		puts_(f, "(");
	switch (e->kind) {
	case EXPR_IDENT:
		puts_(f, e->name);
		break;
	case EXPR_LATENCY:
		puts_(f, "latency");
		break;
	case EXPR_FIELD:
		fmt_expr(f, e->x, 5);
		puts_(f, ".");
		puts_(f, e->name);
		break;
	case EXPR_INDEX:
	case EXPR_MAPKEY:
		fmt_expr(f, e->x, 5);
		puts_(f, "[");
		fmt_expr(f, e->y, 0);
		puts_(f, "]");
		break;
	case EXPR_DEREF:
		puts_(f, "*");
		fmt_expr(f, e->x, 4);
		break;
	case EXPR_NOT:
		puts_(f, "!");
		fmt_expr(f, e->x, 4);
		break;
	case EXPR_LEN:
	case EXPR_CAP:
		puts_(f, e->kind == EXPR_LEN ? "len(" : "cap(");
		fmt_expr(f, e->x, 0);
		puts_(f, ")");
		break;
	case EXPR_HASPREFIX:
		puts_(f, "strings.HasPrefix(");
		fmt_expr(f, e->x, 0);
		puts_(f, ", ");
		fmt_expr(f, e->y, 0);
		puts_(f, ")");
		break;
	case EXPR_INT:
		snprintf(num, sizeof(num), "%lld", (long long)e->num);
		puts_(f, num);
		break;
	case EXPR_FLOAT:
		snprintf(num, sizeof(num), "%.17g", e->fnum);
		puts_(f, num);
		break;
	case EXPR_DURATION:
		snprintf(num, sizeof(num), "%lldns", (long long)e->num);
		puts_(f, num);
		break;
	case EXPR_STRING:
		put_string_lit(f, e->str, e->len);
		break;
	case EXPR_BOOL:
		puts_(f, e->num ? "true" : "false");
		break;
	case EXPR_NIL:
		puts_(f, "nil");
		break;
	case EXPR_CMP:
		fmt_expr(f, e->x, 4);
		puts_(f, " ");
		puts_(f, cmps[e->cmp]);
		puts_(f, " ");
		fmt_expr(f, e->y, 4);
		break;
	case EXPR_AND:
	case EXPR_OR:
		fmt_expr(f, e->x, prec(e));
		puts_(f, e->kind == EXPR_AND ? " && " : " || ");
		fmt_expr(f, e->y, prec(e) + 1);
		break;
	}
	if (paren)
		puts_(f, ")");
}

int expr_format(const struct expr *e, char *buf, size_t len)
{
	struct fmt f = { .buf = buf, .len = len };

	if (len)
		buf[0] = 0;
	fmt_expr(&f, e, 0);
	return f.n < len ? 0 : -E2BIG;
}
