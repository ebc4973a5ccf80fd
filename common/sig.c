// SPDX-License-Identifier: MIT
/* A small recursive-descent parser for the Go signature grammar we need. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "util.h"
#include "sig.h"

/*
 * Caps on what a user's string can ask for (each an error naming it):
 * 64 params and results, 512 types, 32 fields a struct, types nested 16
 * deep, 4096 bytes of text, identifiers of 127 bytes, and values of at
 * most SIG_MAX_BYTES (1 MiB: 131072 words on amd64): no argument is that
 * large, and every size and offset then fits in 32 bits.
 */
#define SIG_MAX_PARAMS 64
#define SIG_MAX_TYPES 512
#define SIG_MAX_FIELDS 32
#define SIG_MAX_DEPTH 16
#define SIG_MAX_TEXT 4096
#define SIG_MAX_BYTES (1ull << 20)

struct gosig {
	struct goparam params[SIG_MAX_PARAMS];
	size_t nparams;
	char *names[SIG_MAX_PARAMS];
	struct gotype *types[SIG_MAX_TYPES];	/* every type made, freed together */
	size_t ntypes;
};

struct parser {
	const char *start;	/* the text, for positions in messages ... */
	long base;		/* ... at this byte of the signature */
	const char *p;
	int ps;
	struct gosig *s;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
	/* one line: the text quoted in it may hold newlines */
	for (char *c = ps->err; ps->errlen && *c; c++)
		if ((unsigned char)*c < ' ')
			*c = ' ';
}

/* Where the parser is, for messages: byte 1 is the first (as --expr's "at 7"). */
static long at(const struct parser *ps)
{
	return ps->base + (long)(ps->p - ps->start) + 1;
}

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static bool accept(struct parser *ps, const char *tok)
{
	size_t n = strlen(tok);

	skip_ws(ps);
	if (strncmp(ps->p, tok, n))
		return false;
	/* a keyword must not run into an identifier */
	if (isalpha((unsigned char)tok[n - 1]) && (isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_'))
		return false;
	ps->p += n;
	return true;
}

static void expect(struct parser *ps, const char *tok)
{
	if (!accept(ps, tok))
		fail(ps, "expected '%s' at byte %ld ('%.20s')", tok, at(ps), ps->p);
}

static bool ident(struct parser *ps, char *out, size_t len)
{
	size_t n = 0;

	skip_ws(ps);
	if (!isalpha((unsigned char)*ps->p) && *ps->p != '_')
		return false;
	while (isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_' || ps->p[n] == '.')
		n++;
	if (n + 1 > len) {
		fail(ps, "name at byte %ld longer than %zu bytes", at(ps), len - 1);
		return false;
	}
	memcpy(out, ps->p, n);
	out[n] = '\0';
	ps->p += n;
	return true;
}

static struct gotype *new_type(struct parser *ps, enum ga_kind kind, const char *name, uint64_t size)
{
	struct gotype *t;

	if (ps->s->ntypes == SIG_MAX_TYPES) {
		fail(ps, "signature too large");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t || !(t->name = strdup(name))) {
		free(t);
		fail(ps, "out of memory");
		return NULL;
	}
	t->kind = kind;
	t->size = size;
	ps->s->types[ps->s->ntypes++] = t;
	return t;
}

static const struct {
	const char *name;
	enum ga_kind kind;
	int size;		/* 0: pointer size */
	bool is_signed;
} builtins[] = {
	{ "bool", GA_KIND_BOOL, 1, false },
	{ "int", GA_KIND_INT, 0, true }, { "int8", GA_KIND_INT, 1, true },
	{ "int16", GA_KIND_INT, 2, true }, { "int32", GA_KIND_INT, 4, true },
	{ "rune", GA_KIND_INT, 4, true }, { "int64", GA_KIND_INT, 8, true },
	{ "uint", GA_KIND_UINT, 0, false }, { "uint8", GA_KIND_UINT, 1, false },
	{ "byte", GA_KIND_UINT, 1, false }, { "uint16", GA_KIND_UINT, 2, false },
	{ "uint32", GA_KIND_UINT, 4, false }, { "uint64", GA_KIND_UINT, 8, false },
	{ "uintptr", GA_KIND_UINT, 0, false },
	{ "float32", GA_KIND_FLOAT, 4, false }, { "float64", GA_KIND_FLOAT, 8, false },
	{ "complex64", GA_KIND_COMPLEX, 8, false }, { "complex128", GA_KIND_COMPLEX, 16, false },
	{ "unsafe.Pointer", GA_KIND_PTR, 0, false },
};

static struct gotype *parse_type(struct parser *ps, int depth);

/* Skip a balanced (...) or {...} we do not need to look inside. */
static void skip_group(struct parser *ps, char open, char close)
{
	int level = 0;

	skip_ws(ps);
	if (*ps->p != open) {
		fail(ps, "expected '%c' at '%.20s'", open, ps->p);
		return;
	}
	do {
		if (!*ps->p) {
			fail(ps, "unbalanced '%c'", open);
			return;
		}
		level += *ps->p == open;
		level -= *ps->p == close;
		ps->p++;
	} while (level);
}

static struct gotype *parse_type(struct parser *ps, int depth)
{
	char name[128], full[160];
	struct gotype *t, *elem;
	size_t i;
	long pos;

	if (depth > SIG_MAX_DEPTH) {
		fail(ps, "type at byte %ld nests deeper than %d levels", at(ps), SIG_MAX_DEPTH);
		return NULL;
	}
	skip_ws(ps);
	if (accept(ps, "*")) {
		elem = parse_type(ps, depth + 1);
		snprintf(full, sizeof(full), "*%s", elem ? elem->name : "?");
		return elem ? new_type(ps, GA_KIND_PTR, full, ps->ps) : NULL;
	}
	if (accept(ps, "[")) {
		long n, pos = at(ps) - 1;	/* the '[' */
		char *end;

		skip_ws(ps);
		if (accept(ps, "]")) {
			elem = parse_type(ps, depth + 1);
			snprintf(full, sizeof(full), "[]%s", elem ? elem->name : "?");
			t = elem ? new_type(ps, GA_KIND_SLICE, full, 3 * ps->ps) : NULL;
			if (t)
				t->elem = elem;
			return t;
		}
		n = strtol(ps->p, &end, 10);
		if (end == ps->p || !isdigit((unsigned char)*ps->p) || n < 0 ||
		    (uint64_t)n > SIG_MAX_BYTES) {
			fail(ps, "bad array length at byte %ld ('%.20s')", at(ps), ps->p);
			return NULL;
		}
		ps->p = end;
		expect(ps, "]");
		elem = parse_type(ps, depth + 1);
		if (!elem)
			return NULL;
		if (elem->size && (uint64_t)n > SIG_MAX_BYTES / elem->size) {
			fail(ps, "array too large for an argument at byte %ld: [%ld]%.40s is over %llu bytes",
			     pos, n, elem->name, SIG_MAX_BYTES);
			return NULL;
		}
		snprintf(full, sizeof(full), "[%ld]%s", n, elem->name);
		t = new_type(ps, GA_KIND_ARRAY, full, n * elem->size);
		if (t) {
			t->count = n;
			t->elem = elem;
		}
		return t;
	}
	if (accept(ps, "map")) {
		skip_group(ps, '[', ']');
		if (!parse_type(ps, depth + 1))
			return NULL;
		return new_type(ps, GA_KIND_PTR, "map", ps->ps);
	}
	if (accept(ps, "chan") || accept(ps, "<-")) {
		accept(ps, "chan");
		accept(ps, "<-");
		if (!parse_type(ps, depth + 1))
			return NULL;
		return new_type(ps, GA_KIND_PTR, "chan", ps->ps);
	}
	if (accept(ps, "func")) {
		skip_group(ps, '(', ')');
		skip_ws(ps);
		/* results of a func-typed value do not matter: skip what follows up to , or ) */
		if (*ps->p == '(')
			skip_group(ps, '(', ')');
		else if (*ps->p && *ps->p != ',' && *ps->p != ')')
			parse_type(ps, depth + 1);
		return new_type(ps, GA_KIND_PTR, "func", ps->ps);
	}
	if (accept(ps, "interface")) {
		const char *start;

		skip_ws(ps);
		start = ps->p;
		skip_group(ps, '{', '}');
		/* interface{} has no methods: an eface; any other is an iface */
		for (; start < ps->p && (*start == '{' || isspace((unsigned char)*start)); start++)
			;
		return new_type(ps, *start == '}' ? GA_KIND_EFACE : GA_KIND_IFACE,
				*start == '}' ? "interface {}" : "interface", 2 * ps->ps);
	}
	if (accept(ps, "struct")) {
		struct gofield fields[SIG_MAX_FIELDS];
		size_t nf = 0;
		uint64_t off = 0, align = 1;

		expect(ps, "{");
		while (!ps->failed && !accept(ps, "}")) {
			char fname[64];
			uint64_t a;

			if (nf == SIG_MAX_FIELDS) {
				fail(ps, "struct at byte %ld has more than %d fields", at(ps), SIG_MAX_FIELDS);
				break;
			}
			if (!ident(ps, fname, sizeof(fname))) {
				fail(ps, "bad struct field at byte %ld ('%.20s')", at(ps), ps->p);
				break;
			}
			elem = parse_type(ps, depth + 1);
			if (!elem)
				break;
			a = abi_align(ps->ps == 4 ? GA_ARCH_386 : GA_ARCH_AMD64, elem);
			off = (off + a - 1) / a * a;
			if (off + elem->size > SIG_MAX_BYTES) {
				fail(ps, "struct too large for an argument at byte %ld: over %llu bytes",
				     at(ps), SIG_MAX_BYTES);
				break;
			}
			fields[nf] = (struct gofield){ .name = strdup(fname), .offset = off, .type = elem };
			if (!fields[nf].name) {
				fail(ps, "out of memory");
				break;
			}
			off += elem->size;
			if (a > align)
				align = a;
			nf++;
			accept(ps, ";");
		}
		off = (off + align - 1) / align * align;
		t = ps->failed ? NULL : new_type(ps, GA_KIND_STRUCT, "struct", off);
		if (t) {
			t->fields = calloc(nf ? nf : 1, sizeof(*t->fields));
			if (!t->fields)
				fail(ps, "out of memory");
		}
		if (!t || !t->fields) {
			/* the field names are the struct's once it has them: free them here */
			for (i = 0; i < nf; i++)
				free(fields[i].name);
			return NULL;
		}
		memcpy(t->fields, fields, nf * sizeof(*fields));
		t->nfields = nf;
		return t;
	}
	pos = at(ps);
	if (!ident(ps, name, sizeof(name))) {
		fail(ps, "expected a type at byte %ld ('%.20s')", pos, ps->p);
		return NULL;
	}
	if (!strcmp(name, "string"))
		return new_type(ps, GA_KIND_STRING, "string", 2 * ps->ps);
	if (!strcmp(name, "error"))
		return new_type(ps, GA_KIND_IFACE, "error", 2 * ps->ps);
	if (!strcmp(name, "any"))
		return new_type(ps, GA_KIND_EFACE, "any", 2 * ps->ps);
	for (i = 0; i < ARRAY_SIZE(builtins); i++) {
		if (strcmp(name, builtins[i].name))
			continue;
		t = new_type(ps, builtins[i].kind, name, builtins[i].size ? builtins[i].size : ps->ps);
		if (t)
			t->is_signed = builtins[i].is_signed;
		return t;
	}
	fail(ps, "unknown type '%s' at byte %ld: spell a named type as its underlying type", name, pos);
	return NULL;
}

/* The words that start a type: never a parameter's name. */
static bool is_keyword(const char *name)
{
	static const char *const kw[] = { "struct", "map", "chan", "func", "interface" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kw); i++)
		if (!strcmp(name, kw[i]))
			return true;
	return false;
}

/* One parenthesized list of "a, b T, c U" or "T, U"; unnamed get prefix + index. */
static void parse_list(struct parser *ps, bool results, const char *prefix)
{
	struct {
		char name[64];
		struct gotype *type;
		long pos;
	} items[SIG_MAX_PARAMS];
	size_t n = 0, i, first = ps->s->nparams;
	bool named = false;

	expect(ps, "(");
	while (!ps->failed && !accept(ps, ")")) {
		const char *save;

		if (n == SIG_MAX_PARAMS || ps->s->nparams + n >= SIG_MAX_PARAMS) {
			fail(ps, "too many parameters at byte %ld: more than %d", at(ps), SIG_MAX_PARAMS);
			return;
		}
		/* "name Type" or "Type" or a lone "name" sharing the next type */
		save = ps->p;
		skip_ws(ps);
		items[n].pos = at(ps);
		items[n].name[0] = '\0';
		items[n].type = NULL;
		if (ident(ps, items[n].name, sizeof(items[n].name)) && is_keyword(items[n].name)) {
			/* "func(map[string]int)", "(struct{...}, int)": a type, not a name */
			items[n].name[0] = '\0';
		} else if (items[n].name[0]) {
			skip_ws(ps);
			if (*ps->p == ',' || *ps->p == ')') {
				/* a lone identifier: a name (if others are named) or a type */
			} else {
				items[n].type = parse_type(ps, 0);
				named = true;
			}
		}
		if (!items[n].name[0]) {
			ps->p = save;
			items[n].type = parse_type(ps, 0);
		}
		n++;
		if (!accept(ps, ",")) {
			expect(ps, ")");
			break;
		}
	}
	if (ps->failed)
		return;
	if (named) {
		/* "x, y string": names without a type take the next one's */
		for (i = n; i-- > 0;) {
			if (!items[i].type) {
				if (i + 1 == n) {
					fail(ps, "parameter '%s' has no type", items[i].name);
					return;
				}
				items[i].type = items[i + 1].type;
			}
		}
	} else {
		/* all unnamed: lone identifiers were types */
		for (i = 0; i < n; i++) {
			if (!items[i].type) {
				struct parser sub = *ps;

				sub.p = sub.start = items[i].name;
				sub.base = items[i].pos;
				items[i].type = parse_type(&sub, 0);
				if (sub.failed) {
					ps->failed = true;
					return;
				}
				items[i].name[0] = '\0';
			}
		}
	}
	for (i = 0; i < n; i++) {
		struct goparam *gp = &ps->s->params[first + i];
		char buf[80];

		if (items[i].name[0])
			snprintf(buf, sizeof(buf), "%.63s", items[i].name);
		else
			snprintf(buf, sizeof(buf), "%.8s%zu", prefix, i);
		ps->s->names[first + i] = strdup(buf);
		if (!ps->s->names[first + i]) {
			/* the names made so far are freed with the params they count */
			ps->s->nparams += i;
			fail(ps, "out of memory");
			return;
		}
		*gp = (struct goparam){
			.name = ps->s->names[first + i], .type = items[i].type, .is_result = results,
		};
	}
	ps->s->nparams += n;
}

struct gosig *gosig__parse(const char *sig, int ptr_size, char *err, size_t errlen)
{
	struct gosig *s = calloc(1, sizeof(*s));
	struct parser ps = { .start = sig, .p = sig, .ps = ptr_size, .s = s, .err = err,
			     .errlen = errlen };

	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	if (strlen(sig) > SIG_MAX_TEXT) {
		snprintf(err, errlen, "signature of %zu bytes: longer than %d", strlen(sig),
			 SIG_MAX_TEXT);
		free(s);
		errno = EINVAL;
		return NULL;
	}
	accept(&ps, "func");
	parse_list(&ps, false, "p");
	skip_ws(&ps);
	if (!ps.failed && *ps.p == '(') {
		parse_list(&ps, true, "~r");
	} else if (!ps.failed && *ps.p) {
		struct gotype *t = parse_type(&ps, 0);

		if (t && s->nparams == SIG_MAX_PARAMS)
			fail(&ps, "too many parameters: more than %d", SIG_MAX_PARAMS);
		else if (t && !(s->names[s->nparams] = strdup("~r0")))
			fail(&ps, "out of memory");
		else if (t) {
			s->params[s->nparams] = (struct goparam){
				.name = s->names[s->nparams], .type = t, .is_result = true,
			};
			s->nparams++;
		}
	}
	skip_ws(&ps);
	if (!ps.failed && *ps.p)
		fail(&ps, "unexpected '%.20s' after the signature", ps.p);
	if (ps.failed) {
		gosig__free(s);
		errno = EINVAL;
		return NULL;
	}
	return s;
}

void gosig__free(struct gosig *s)
{
	size_t i, j;

	if (!s)
		return;
	for (i = 0; i < s->nparams; i++)
		free(s->names[i]);
	for (i = 0; i < s->ntypes; i++) {
		for (j = 0; j < s->types[i]->nfields; j++)
			free(s->types[i]->fields[j].name);
		free(s->types[i]->fields);
		free(s->types[i]->name);
		free(s->types[i]);
	}
	free(s);
}

const struct goparam *gosig__params(const struct gosig *s, size_t *n)
{
	*n = s->nparams;
	return s->params;
}

int gosig__assign(const struct gosig *s, enum ga_arch arch, enum ga_abi abi, struct ga_param **out,
		  size_t *n)
{
	int err = abi_assign(arch, abi, s->params, s->nparams, out);

	if (!err)
		*n = s->nparams;
	return err;
}

/* One argument as the check sees it: its bytes, and its words (basic values) when known. */
struct arg_shape {
	uint64_t bytes;
	size_t words;
};

/* The signature's arguments, zero-sized ones left out (the arg-info has none for them). */
static size_t sig_shapes(const struct ga_param *params, size_t n, struct arg_shape *out, size_t max)
{
	size_t i, k, m = 0;

	for (i = 0; i < n && m < max; i++) {
		struct arg_shape a = {};

		if (params[i].is_result)
			continue;
		for (k = 0; k < params[i].npieces; k++) {
			a.bytes += params[i].pieces[k].size;
			a.words += params[i].pieces[k].size > 0;
		}
		if (!params[i].size)
			continue;
		if (!params[i].npieces)
			a.bytes = params[i].size;	/* not placeable (e.g. too large): its size */
		out[m++] = a;
	}
	return m;
}

/* What the DB holds: arg-info arguments (leaf bytes) or typed ones (their size). */
static size_t db_shapes(const struct ga_func *f, int ps, struct arg_shape *out, size_t max,
			bool *cut)
{
	size_t i, m = 0;

	*cut = false;
	for (i = 0; i < f->nparams && m < max; i++) {
		const struct ga_param *p = &f->params[i];

		if (p->is_result || (!f->args_only && !p->size))
			continue;
		out[m].bytes = p->size;
		out[m].words = p->npieces ? p->npieces : (p->size + ps - 1) / ps;
		if (f->args_only && p->type_name && !strncmp(p->type_name, "? (first", 8))
			*cut = true;	/* the arg-info stops within this one */
		m++;
	}
	return m;
}

static size_t shape_words(const struct arg_shape *a, size_t n)
{
	size_t w = 0, i;

	for (i = 0; i < n; i++)
		w += a[i].words;
	return w;
}

/* "8, 16 and 24 bytes" */
static void shape_list(const struct arg_shape *a, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%llu", !i ? "" : i + 1 == n ? " and " : ", ",
				 (unsigned long long)a[i].bytes);

		if (w < 0)
			break;
		used += w;
	}
	if (used < len)
		snprintf(buf + used, len - used, "%s", n ? " bytes" : "none");
}

/* A method's name: pkg.T.M or pkg.(*T).M (two dots after the import path's last '/'). */
static bool is_method(const char *name)
{
	const char *base = strrchr(name, '/'), *dot;

	base = base ? base + 1 : name;
	dot = strchr(base, '.');
	return dot && strchr(dot + 1, '.');
}

#define CHECK_MAX_ARGS 64

int gosig__check(const struct ga_func *f, const struct ga_param *params, size_t n, int ptr_size,
		 char *msg, size_t len)
{
	struct arg_shape want[CHECK_MAX_ARGS], got[CHECK_MAX_ARGS];
	size_t nw, ng, i, last;
	char wl[160], gl[160];
	bool cut, ok;

	if (!f->params_known || strchr(f->name, '['))
		return 0;
	nw = db_shapes(f, ptr_size, want, CHECK_MAX_ARGS, &cut);
	ng = sig_shapes(params, n, got, CHECK_MAX_ARGS);
	/* the same arguments, of the same bytes; a cut last one only needs to be no bigger */
	ok = cut ? ng >= nw : ng == nw;
	for (i = 0; ok && i < nw; i++) {
		last = cut && i + 1 == nw;
		ok = last ? got[i].bytes >= want[i].bytes : got[i].bytes == want[i].bytes;
	}
	if (ok)
		return 0;
	shape_list(want, nw, wl, sizeof(wl));
	shape_list(got, ng, gl, sizeof(gl));
	snprintf(msg, len, "%s takes %zu argument word%s (%zu argument%s: %s, by its %s)%s; this "
		 "signature gives %zu (%zu argument%s: %s)%s", f->name, shape_words(want, nw),
		 shape_words(want, nw) == 1 ? "" : "s", nw, nw == 1 ? "" : "s", wl,
		 f->args_only ? "arg-info" : f->params_source == GA_PSRC_TYPES ? "type data" : "DWARF",
		 cut ? " or more" : "", shape_words(got, ng), ng, ng == 1 ? "" : "s", gl,
		 ng + 1 == nw && is_method(f->name) ? ": is the receiver missing? A method's signature "
						       "starts with its receiver" : "");
	return -EINVAL;
}
