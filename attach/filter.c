// SPDX-License-Identifier: MIT
/*
 * --filter: from a placed expression to the postfix program of struct
 * ga_filter that BPF runs at a call's entry or exit (bpf/goattach.bpf.c
 * filter_pass). Only what BPF can decide from the fetched words and
 * strings is accepted; anything else is refused with why, before
 * anything is attached.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "gotype.h"

struct fcomp {
	struct ga_filter *f;
	char *msg;
	size_t len;
	int nstrs;	/* string constants in f */
	int err;
};

/* A value read from the call: which word (and string slot), how wide, behind what. */
struct fleaf {
	enum ga_kind kind;
	int part;
	int word;
	int len_word;
	int str;
	int guard;
	int size;
	int shift;
	bool is_signed;
};

static int fail(struct fcomp *c, const struct expr *e, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (c->err)
		return c->err;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (e)
		snprintf(c->msg, c->len, "at %d: %s", e->pos + 1, buf);
	else
		snprintf(c->msg, c->len, "%s", buf);
	c->err = -EINVAL;
	return c->err;
}

static int emit(struct fcomp *c, const struct expr *e, struct ga_fop op)
{
	if (c->err)
		return c->err;
	if (c->f->nops >= GA_FILTER_OPS)
		return fail(c, e, "more than %d operations: too long to run in BPF", GA_FILTER_OPS);
	c->f->ops[c->f->nops++] = op;
	return 0;
}

static bool is_literal(const struct expr *e)
{
	return e->kind == EXPR_INT || e->kind == EXPR_FLOAT || e->kind == EXPR_STRING ||
	       e->kind == EXPR_DURATION || e->kind == EXPR_BOOL || e->kind == EXPR_NIL;
}

static bool word_ok(int w)
{
	return w >= 0 && w < GA_MAX_WORDS;
}

/* len(x), cap(x): an int in x's length or capacity word, unless placed as a word of its own. */
static int count_leaf(struct fcomp *c, const struct expr *e, struct fleaf *out)
{
	const struct expr *x = e->x;
	int w = -1;

	if (e->loc.placed && word_ok(e->loc.word)) {
		w = e->loc.word;
		out->part = e->loc.part;
		out->guard = e->loc.guard;
	} else if (x && x->loc.placed) {
		w = e->kind == EXPR_LEN ? x->loc.len_word : x->loc.cap_word;
		out->part = x->loc.part;
		out->guard = x->loc.guard;
	}
	if (!word_ok(w))
		return fail(c, e, "%s() of this value is not fetched", e->kind == EXPR_LEN ? "len" : "cap");
	out->kind = GA_KIND_INT;
	out->word = w;
	out->size = 8;
	out->is_signed = true;
	return 0;
}

/* e, a value of the call, as a leaf; refused when BPF cannot read it. */
static int leaf(struct fcomp *c, const struct expr *e, struct fleaf *out)
{
	*out = (struct fleaf){ .word = -1, .len_word = -1, .str = -1, .guard = -1 };
	if (e->kind == EXPR_LEN || e->kind == EXPR_CAP)
		return count_leaf(c, e, out);
	if (!e->loc.placed || !e->type)
		return fail(c, e, "this value is not fetched");
	out->kind = e->type->kind;
	out->part = e->loc.part;
	out->word = e->loc.word;
	out->len_word = e->loc.len_word;
	out->str = e->loc.str;
	out->guard = e->loc.guard;
	out->size = e->loc.size ? e->loc.size : 8;
	out->shift = e->loc.shift;
	out->is_signed = e->loc.is_signed;
	if (out->kind == GA_KIND_FLOAT || e->loc.is_float)
		return fail(c, e, "floating-point values are not compared in BPF");
	if (!word_ok(out->word))
		return fail(c, e, "this value is not fetched (beyond %d words, or in a vector register)",
			    GA_MAX_WORDS);
	if (out->guard >= GA_MAX_WORDS || out->size > 8 || out->shift + out->size > 8)
		return fail(c, e, "this value's placement is out of range");
	return 0;
}

static unsigned char guard_of(int g)
{
	return g >= 0 ? g : GA_FILTER_NONE;
}

static unsigned char part_flag(int part, unsigned char flag)
{
	return part == GA_EV_RESULTS ? flag : 0;
}

static enum ga_fcmp fcmp_of(enum expr_cmp cmp)
{
	static const enum ga_fcmp map[] = {
		[EXPR_EQ] = GA_FCMP_EQ, [EXPR_NE] = GA_FCMP_NE, [EXPR_LT] = GA_FCMP_LT,
		[EXPR_LE] = GA_FCMP_LE, [EXPR_GT] = GA_FCMP_GT, [EXPR_GE] = GA_FCMP_GE,
	};

	return map[cmp];
}

/* x cmp y read as y cmp' x */
static enum expr_cmp mirror(enum expr_cmp cmp)
{
	switch (cmp) {
	case EXPR_LT: return EXPR_GT;
	case EXPR_LE: return EXPR_GE;
	case EXPR_GT: return EXPR_LT;
	case EXPR_GE: return EXPR_LE;
	default: return cmp;
	}
}

static bool is_int_kind(enum ga_kind k)
{
	return k == GA_KIND_INT || k == GA_KIND_UINT || k == GA_KIND_BOOL;
}

/* Kinds whose zero value is nil, read as one word (an interface: its type word). */
static bool is_nilable(enum ga_kind k)
{
	return k == GA_KIND_PTR || k == GA_KIND_SLICE || k == GA_KIND_IFACE || k == GA_KIND_EFACE;
}

/* A constant string into the program's table; its index. */
static int add_string(struct fcomp *c, const struct expr *lit)
{
	if (lit->len > GA_STR_LEN)
		return fail(c, lit, "string constants longer than %d bytes are not compared in BPF "
			    "(%d bytes of each string are fetched)", GA_STR_LEN, GA_STR_LEN);
	if (c->nstrs == GA_FILTER_STRS)
		return fail(c, lit, "more than %d string constants", GA_FILTER_STRS);
	memcpy(c->f->strs[c->nstrs], lit->str, lit->len);
	memset(c->f->str_mask[c->nstrs], 0xff, lit->len);
	c->f->str_len[c->nstrs] = lit->len;
	return c->nstrs++;
}

static int str_op(struct fcomp *c, const struct expr *e, const struct fleaf *s,
		  const struct expr *lit, bool prefix)
{
	struct ga_fop op = {
		.op = prefix ? GA_FOP_STR_PREFIX : GA_FOP_STR_EQ,
		.flags = part_flag(s->part, GA_FF_A_RESULTS), .word = s->len_word, .str = s->str,
		.guard = guard_of(s->guard), .word_b = GA_FILTER_NONE, .guard_b = GA_FILTER_NONE,
	};
	int k;

	if (s->kind != GA_KIND_STRING && s->kind != GA_KIND_SLICE)
		return fail(c, e, "not a string");
	if (!word_ok(s->len_word) || s->str < 0 || s->str >= GA_MAX_STRS)
		return fail(c, e, "this string's bytes are not fetched");
	k = add_string(c, lit);
	if (k < 0)
		return k;
	op.imm = k;
	return emit(c, e, op);
}

static int cmp_latency(struct fcomp *c, const struct expr *e, enum expr_cmp cmp,
		       const struct expr *lit)
{
	if (lit->kind != EXPR_DURATION && lit->kind != EXPR_INT)
		return fail(c, lit, "latency is compared with a duration (2ms, 1.5s) or a number of ns");
	if (lit->num < 0)
		return fail(c, lit, "a latency is never negative");
	return emit(c, e, (struct ga_fop){
		.op = GA_FOP_LATENCY, .cmp = fcmp_of(cmp), .imm = lit->num,
		.guard = GA_FILTER_NONE, .word_b = GA_FILTER_NONE, .guard_b = GA_FILTER_NONE,
	});
}

/* A value of the call cmp a literal. */
static int cmp_imm(struct fcomp *c, const struct expr *e, enum expr_cmp cmp,
		   const struct fleaf *a, const struct expr *lit)
{
	struct ga_fop op = {
		.op = GA_FOP_CMP_IMM, .cmp = fcmp_of(cmp), .word = a->word, .shift = a->shift,
		.size = a->size, .guard = guard_of(a->guard), .word_b = GA_FILTER_NONE,
		.guard_b = GA_FILTER_NONE, .flags = part_flag(a->part, GA_FF_A_RESULTS),
	};
	int err;

	if (lit->kind == EXPR_FLOAT)
		return fail(c, lit, "floating-point values are not compared in BPF");
	if (lit->kind == EXPR_STRING) {
		if (cmp != EXPR_EQ && cmp != EXPR_NE)
			return fail(c, e, "strings are compared only with == and != in BPF");
		err = str_op(c, e, a, lit, false);
		if (!err && cmp == EXPR_NE)
			err = emit(c, e, (struct ga_fop){ .op = GA_FOP_NOT });
		return err;
	}
	if (lit->kind == EXPR_NIL) {
		if (!is_nilable(a->kind))
			return fail(c, e, "only pointers, slices, maps, chans, funcs and interfaces are nil");
		if (cmp != EXPR_EQ && cmp != EXPR_NE)
			return fail(c, e, "nil is compared only with == and !=");
		op.size = 8;
		op.shift = 0;
		return emit(c, e, op);
	}
	if (!is_int_kind(a->kind))
		return fail(c, e, "a %s is not compared with a number", ga_kind_name(a->kind));
	if (a->kind == GA_KIND_BOOL && lit->kind != EXPR_BOOL)
		return fail(c, lit, "a bool is compared with true or false");
	if (a->kind != GA_KIND_BOOL && lit->kind == EXPR_BOOL)
		return fail(c, lit, "a number is not compared with a bool");
	if (a->kind == GA_KIND_UINT && lit->num < 0)
		return fail(c, lit, "constant %lld is negative, the value unsigned", (long long)lit->num);
	if (a->is_signed)
		op.flags |= GA_FF_SIGNED;
	op.imm = (uint64_t)lit->num;
	return emit(c, e, op);
}

static int bool_expr(struct fcomp *c, const struct expr *e);

static int cmp_expr(struct fcomp *c, const struct expr *e)
{
	const struct expr *x = e->x, *y = e->y;
	enum expr_cmp cmp = e->cmp;
	struct fleaf a, b;
	int err;

	if (is_literal(x) && !is_literal(y)) {
		x = e->y;
		y = e->x;
		cmp = mirror(cmp);
	}
	if (is_literal(x))
		return fail(c, e, "compares two constants");
	if (x->kind == EXPR_LATENCY)
		return cmp_latency(c, e, cmp, y);
	if (y->kind == EXPR_LATENCY)
		return fail(c, e, "latency is compared with a constant");
	err = leaf(c, x, &a);
	if (err)
		return err;
	if (is_literal(y))
		return cmp_imm(c, e, cmp, &a, y);
	err = leaf(c, y, &b);
	if (err)
		return err;
	if (a.kind == GA_KIND_STRING || b.kind == GA_KIND_STRING)
		return fail(c, e, "two strings of the call are not compared in BPF; compare one with "
			    "a constant");
	if (!is_int_kind(a.kind) || !is_int_kind(b.kind) || a.kind != b.kind || a.size != b.size ||
	    a.is_signed != b.is_signed)
		return fail(c, e, "compares values of different types (%s of %d bytes and %s of %d)",
			    ga_kind_name(a.kind), a.size, ga_kind_name(b.kind), b.size);
	return emit(c, e, (struct ga_fop){
		.op = GA_FOP_CMP_WORD, .cmp = fcmp_of(cmp), .size = a.size,
		.flags = part_flag(a.part, GA_FF_A_RESULTS) | part_flag(b.part, GA_FF_B_RESULTS) |
			 (a.is_signed ? GA_FF_SIGNED : 0),
		.word = a.word, .shift = a.shift, .guard = guard_of(a.guard),
		.word_b = b.word, .shift_b = b.shift, .guard_b = guard_of(b.guard),
	});
}

static int bool_expr(struct fcomp *c, const struct expr *e)
{
	struct fleaf a;
	int err;

	switch (e->kind) {
	case EXPR_AND:
	case EXPR_OR:
		err = bool_expr(c, e->x);
		if (!err)
			err = bool_expr(c, e->y);
		if (!err)
			err = emit(c, e, (struct ga_fop){ .op = e->kind == EXPR_AND ? GA_FOP_AND : GA_FOP_OR });
		return err;
	case EXPR_NOT:
		err = bool_expr(c, e->x);
		return err ? err : emit(c, e, (struct ga_fop){ .op = GA_FOP_NOT });
	case EXPR_BOOL:
		return emit(c, e, (struct ga_fop){ .op = GA_FOP_CONST, .imm = e->num != 0 });
	case EXPR_CMP:
		return cmp_expr(c, e);
	case EXPR_HASPREFIX:
		if (!e->y || e->y->kind != EXPR_STRING)
			return fail(c, e, "strings.HasPrefix takes a string literal prefix");
		if (e->x->kind == EXPR_STRING)
			return fail(c, e, "strings.HasPrefix of two constants");
		err = leaf(c, e->x, &a);
		return err ? err : str_op(c, e->x, &a, e->y, true);
	case EXPR_LATENCY:
	case EXPR_INT:
	case EXPR_FLOAT:
	case EXPR_STRING:
	case EXPR_DURATION:
	case EXPR_NIL:
	case EXPR_LEN:
	case EXPR_CAP:
		return fail(c, e, "not a condition (a bool is needed: compare it)");
	default:
		break;
	}
	/* a bool of the call */
	err = leaf(c, e, &a);
	if (err)
		return err;
	if (a.kind != GA_KIND_BOOL)
		return fail(c, e, "not a condition: a %s, not a bool (compare it)", ga_kind_name(a.kind));
	return emit(c, e, (struct ga_fop){
		.op = GA_FOP_CMP_IMM, .cmp = GA_FCMP_NE, .size = a.size, .word = a.word,
		.shift = a.shift, .guard = guard_of(a.guard), .word_b = GA_FILTER_NONE,
		.guard_b = GA_FILTER_NONE, .flags = part_flag(a.part, GA_FF_A_RESULTS),
	});
}

int filter_compile(const struct expr *cond, struct ga_filter *out, char *msg, size_t len)
{
	struct fcomp c = { .f = out, .msg = msg, .len = len };

	memset(out, 0, sizeof(*out));
	if (len)
		msg[0] = 0;
	if (!cond)
		return fail(&c, NULL, "no condition");
	return bool_expr(&c, cond);
}

enum ga_filter_at filter_when(const struct ga_filter *f)
{
	unsigned int i;

	if (!f->nops)
		return GA_FILTER_OFF;
	for (i = 0; i < f->nops && i < GA_FILTER_OPS; i++)
		if (f->ops[i].op == GA_FOP_LATENCY ||
		    (f->ops[i].flags & (GA_FF_A_RESULTS | GA_FF_B_RESULTS)))
			return GA_FILTER_EXIT;
	return GA_FILTER_ENTRY;
}
