// SPDX-License-Identifier: MIT
/* Go calling conventions: where each word of each argument and result lives (see abi.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "util.h"

/* More words than this in one value are not worth fetching. */
#define ABI_MAX_PIECES 64
/*
 * Types from a DB or a --sig can be deep or lie (an array of 2^40
 * zero-size elements, a struct that holds itself): flatten() follows at
 * most ABI_MAX_DEPTH levels and visits at most ABI_MAX_STEPS types per
 * value; past that the value is truncated (shown as far as it got).
 */
#define ABI_MAX_DEPTH 32
#define ABI_MAX_STEPS 4096

/* Register sequences, as DWARF numbers (abi-internal.md, "Architecture specifics"). */
static const int amd64_int_regs[] = { 0, 3, 2, 5, 4, 8, 9, 10, 11 };	/* RAX RBX RCX RDI RSI R8-R11 */
static const int amd64_fp_regs[] = { 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
static const int arm64_int_regs[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const int arm64_fp_regs[] = { 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79 };

static uint64_t align_of(enum ga_arch arch, const struct gotype *t, int depth)
{
	uint64_t a = 1, fa;
	size_t i;

	if (depth > ABI_MAX_DEPTH)
		return ga_ptr_size(arch);
	switch (t->kind) {
	case GA_KIND_BOOL:
	case GA_KIND_INT:
	case GA_KIND_UINT:
	case GA_KIND_FLOAT:
		a = t->size ? t->size : 1;
		break;
	case GA_KIND_COMPLEX:
		a = t->size / 2 ? t->size / 2 : 1;
		break;
	case GA_KIND_ARRAY:
		return t->elem ? align_of(arch, t->elem, depth + 1) : 1;
	case GA_KIND_STRUCT:
		for (i = 0; i < t->nfields && i < ABI_MAX_STEPS; i++) {
			if (!t->fields[i].type)
				continue;
			fa = align_of(arch, t->fields[i].type, depth + 1);
			if (fa > a)
				a = fa;
		}
		return a;
	default:
		a = ga_ptr_size(arch);
		break;
	}
	/* 64-bit values are only 4-aligned on 32-bit platforms. */
	if (a > (uint64_t)ga_ptr_size(arch))
		a = ga_ptr_size(arch);
	return a;
}

uint64_t abi_align(enum ga_arch arch, const struct gotype *t)
{
	return align_of(arch, t, 0);
}

struct flat_piece {
	char *path;
	enum ga_piece_kind kind;
	uint8_t size;
	uint64_t off;		/* byte offset within the value */
	bool is_float;
};

struct flat {
	struct flat_piece p[ABI_MAX_PIECES];
	size_t n;
	bool truncated;
	unsigned int steps;	/* types visited (ABI_MAX_STEPS) */
};

static void flat_clear(struct flat *fl)
{
	size_t i;

	for (i = 0; i < fl->n; i++)
		free(fl->p[i].path);
	fl->n = 0;
	fl->truncated = false;
	fl->steps = 0;
}

static int flat_add(struct flat *fl, const char *path, enum ga_piece_kind kind, uint64_t size,
		    uint64_t off)
{
	struct flat_piece *p;

	if (fl->n == ABI_MAX_PIECES) {
		fl->truncated = true;
		return 0;
	}
	p = &fl->p[fl->n];
	p->path = strdup(path);
	if (!p->path)
		return -ENOMEM;
	p->kind = kind;
	p->size = size;
	p->off = off;
	p->is_float = kind == GA_PIECE_FLOAT;
	fl->n++;
	return 0;
}

/*
 * Break a value into machine words. for_regs: fail (-E2BIG) on what the
 * register ABI never assigns to registers (arrays longer than one).
 */
static int flatten(enum ga_arch arch, const struct gotype *t, const char *path, uint64_t off,
		   bool for_regs, struct flat *fl, int depth)
{
	int ps = ga_ptr_size(arch), err = 0;
	char sub[512];
	size_t i;

	if (depth > ABI_MAX_DEPTH || ++fl->steps > ABI_MAX_STEPS) {
		fl->truncated = true;
		return 0;
	}
	switch (t->kind) {
	case GA_KIND_BOOL:
		return flat_add(fl, path, GA_PIECE_BOOL, t->size, off);
	case GA_KIND_INT:
	case GA_KIND_UINT:
		if (t->size > (uint64_t)ps) {
			/* int64 on 386: two words, low half first. */
			snprintf(sub, sizeof(sub), "%s.lo", path);
			err = flat_add(fl, sub, GA_PIECE_UINT, ps, off);
			snprintf(sub, sizeof(sub), "%s.hi", path);
			return err ?: flat_add(fl, sub, t->kind == GA_KIND_INT ? GA_PIECE_INT : GA_PIECE_UINT,
					       ps, off + ps);
		}
		return flat_add(fl, path, t->kind == GA_KIND_INT ? GA_PIECE_INT : GA_PIECE_UINT, t->size,
				off);
	case GA_KIND_FLOAT:
		return flat_add(fl, path, GA_PIECE_FLOAT, t->size, off);
	case GA_KIND_COMPLEX:
		snprintf(sub, sizeof(sub), "%s.real", path);
		err = flat_add(fl, sub, GA_PIECE_FLOAT, t->size / 2, off);
		snprintf(sub, sizeof(sub), "%s.imag", path);
		return err ?: flat_add(fl, sub, GA_PIECE_FLOAT, t->size / 2, off + t->size / 2);
	case GA_KIND_PTR:
		return flat_add(fl, path, GA_PIECE_PTR, ps, off);
	case GA_KIND_STRING:
		return flat_add(fl, path, GA_PIECE_STR_DATA, ps, off) ?:
		       flat_add(fl, path, GA_PIECE_STR_LEN, ps, off + ps);
	case GA_KIND_SLICE:
		return flat_add(fl, path, GA_PIECE_SLICE_DATA, ps, off) ?:
		       flat_add(fl, path, GA_PIECE_SLICE_LEN, ps, off + ps) ?:
		       flat_add(fl, path, GA_PIECE_SLICE_CAP, ps, off + 2 * ps);
	case GA_KIND_IFACE:
	case GA_KIND_EFACE:
		return flat_add(fl, path, GA_PIECE_IFACE_TAB, ps, off) ?:
		       flat_add(fl, path, GA_PIECE_IFACE_DATA, ps, off + ps);
	case GA_KIND_STRUCT:
		for (i = 0; i < t->nfields && !err && !fl->truncated; i++) {
			if (!t->fields[i].type)
				continue;
			snprintf(sub, sizeof(sub), "%s.%s", path, t->fields[i].name ? t->fields[i].name : "_");
			err = flatten(arch, t->fields[i].type, sub, off + t->fields[i].offset, for_regs, fl,
				      depth + 1);
		}
		if (i < t->nfields)
			fl->truncated = true;
		return err;
	case GA_KIND_ARRAY:
		/* zero-size elements have no words: [1<<20][1<<20][0]int is nothing to walk */
		if (t->count == 0 || !t->elem || !t->elem->size)
			return 0;
		if (for_regs && t->count > 1)
			return -E2BIG;
		for (i = 0; i < t->count && !err && !fl->truncated && fl->n < ABI_MAX_PIECES; i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			err = flatten(arch, t->elem, sub, off + i * t->elem->size, for_regs, fl, depth + 1);
		}
		if (i < t->count)
			fl->truncated = true;
		return err;
	default:
		if (for_regs)
			return -E2BIG;
		/* Unknown layout: raw words, so the value is at least visible. */
		for (i = 0; i * ps < t->size && !err && fl->n < ABI_MAX_PIECES; i++) {
			snprintf(sub, sizeof(sub), "%s.w%zu", path, i);
			err = flat_add(fl, sub, GA_PIECE_UINT, ps, off + i * ps);
		}
		if (i * ps < t->size)
			fl->truncated = true;
		return err;
	}
}

struct abi_state {
	enum ga_arch arch;
	const int *int_regs, *fp_regs;
	size_t nint, nfp;
	size_t next_int, next_fp;
	uint64_t stack;		/* running offset in the stack sequence */
	uint64_t sp_base;	/* offset of the first stack slot from SP at entry */
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

static int fill_pieces(struct ga_param *out, struct flat *fl)
{
	size_t i;

	out->pieces = calloc(fl->n ? fl->n : 1, sizeof(*out->pieces));
	if (!out->pieces)
		return -ENOMEM;
	for (i = 0; i < fl->n; i++) {
		out->pieces[i].path = fl->p[i].path;
		fl->p[i].path = NULL;
		out->pieces[i].kind = fl->p[i].kind;
		out->pieces[i].size = fl->p[i].size;
	}
	out->npieces = fl->n;
	return 0;
}

static int assign_one(struct abi_state *st, bool regabi, const struct goparam *gp,
		      struct ga_param *out, struct flat *fl)
{
	const struct gotype *t = gp->type;
	size_t ni = 0, nf = 0, i;
	uint64_t off;
	int err;

	flat_clear(fl);
	if (regabi && t->size > 0) {
		err = flatten(st->arch, t, gp->name, 0, true, fl, 0);
		if (err && err != -E2BIG)
			return err;
		if (!err && !fl->truncated) {
			for (i = 0; i < fl->n; i++)
				fl->p[i].is_float ? nf++ : ni++;
			if (st->next_int + ni <= st->nint && st->next_fp + nf <= st->nfp) {
				err = fill_pieces(out, fl);
				if (err)
					return err;
				for (i = 0; i < out->npieces; i++) {
					out->pieces[i].loc = GA_LOC_REG;
					out->pieces[i].reg = fl->p[i].is_float ? st->fp_regs[st->next_fp++] :
										 st->int_regs[st->next_int++];
				}
				return 0;
			}
		}
		flat_clear(fl);
	}
	/* On the stack as a whole, aligned to its type. */
	off = align_up(st->stack, abi_align(st->arch, t));
	st->stack = off + t->size;
	out->on_stack = true;
	if (t->size == 0)
		return 0;
	err = flatten(st->arch, t, gp->name, 0, false, fl, 0);
	if (err)
		return err;
	err = fill_pieces(out, fl);
	if (err)
		return err;
	for (i = 0; i < out->npieces; i++) {
		out->pieces[i].loc = GA_LOC_STACK;
		out->pieces[i].stack_off = st->sp_base + off + fl->p[i].off;
	}
	return 0;
}

int abi_deref_pieces(enum ga_arch arch, const struct gotype *pointee, const char *name,
		     struct ga_piece **out, size_t *n)
{
	struct flat *fl = calloc(1, sizeof(*fl));
	size_t i;
	int err;

	*out = NULL;
	*n = 0;
	if (!fl)
		return -ENOMEM;
	err = flatten(arch, pointee, name, 0, false, fl, 0);
	for (i = 0; !err && i < fl->n && *n < ABI_MAX_DEREFS; i++) {
		const struct flat_piece *fp = &fl->p[i];
		struct ga_piece *pc;

		if (fp->kind != GA_PIECE_INT && fp->kind != GA_PIECE_UINT && fp->kind != GA_PIECE_BOOL &&
		    fp->kind != GA_PIECE_FLOAT && fp->kind != GA_PIECE_PTR)
			continue;
		if (!*out) {
			*out = calloc(ABI_MAX_DEREFS, sizeof(**out));
			if (!*out) {
				err = -ENOMEM;
				break;
			}
		}
		pc = &(*out)[(*n)++];
		pc->path = strdup(fp->path);
		if (!pc->path) {
			err = -ENOMEM;
			break;
		}
		pc->kind = fp->kind;
		pc->size = fp->size;
		pc->loc = GA_LOC_DEREF;
		pc->stack_off = fp->off;
	}
	flat_clear(fl);
	free(fl);
	if (err) {
		for (i = 0; i < *n; i++)
			free((*out)[i].path);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

int abi_mem_pieces(enum ga_arch arch, const struct gotype *t, const char *name, size_t max,
		   struct ga_piece **out, size_t *n, bool *truncated)
{
	struct flat *fl = calloc(1, sizeof(*fl));
	size_t i;
	int err;

	*out = NULL;
	*n = 0;
	*truncated = false;
	if (!fl)
		return -ENOMEM;
	err = flatten(arch, t, name, 0, false, fl, 0);
	*truncated = fl->truncated || fl->n > max;
	if (!err && fl->n)
		*out = calloc(fl->n < max ? fl->n : max, sizeof(**out));
	if (!err && fl->n && !*out)
		err = -ENOMEM;
	for (i = 0; !err && i < fl->n && i < max; i++) {
		struct ga_piece *pc = &(*out)[(*n)++];

		pc->path = fl->p[i].path;
		fl->p[i].path = NULL;
		pc->kind = fl->p[i].kind;
		pc->size = fl->p[i].size;
		pc->loc = GA_LOC_DEREF;
		pc->stack_off = fl->p[i].off;
	}
	flat_clear(fl);
	free(fl);
	if (err) {
		for (i = 0; i < *n; i++)
			free((*out)[i].path);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

int abi_assign(enum ga_arch arch, enum ga_abi abi, const struct goparam *params, size_t n,
	       struct ga_param **out)
{
	struct abi_state st = { .arch = arch };
	struct ga_param *res;
	struct flat *fl;
	bool regabi = abi == GA_ABI_INTERNAL;
	bool results_started = false;
	size_t i;
	int err = 0;

	switch (arch) {
	case GA_ARCH_AMD64:
		st.int_regs = amd64_int_regs;
		st.nint = ARRAY_SIZE(amd64_int_regs);
		st.fp_regs = amd64_fp_regs;
		st.nfp = ARRAY_SIZE(amd64_fp_regs);
		break;
	case GA_ARCH_ARM64:
		st.int_regs = arm64_int_regs;
		st.nint = ARRAY_SIZE(arm64_int_regs);
		st.fp_regs = arm64_fp_regs;
		st.nfp = ARRAY_SIZE(arm64_fp_regs);
		break;
	default:
		regabi = false;	/* 386 has no register ABI */
		break;
	}
	/* At entry 0(SP) holds the return address (amd64, 386) or the saved LR slot (arm64). */
	st.sp_base = ga_ptr_size(arch);

	res = calloc(n ? n : 1, sizeof(*res));
	fl = calloc(1, sizeof(*fl));
	if (!res || !fl) {
		free(res);
		free(fl);
		return -ENOMEM;
	}
	for (i = 0; i < n && !err; i++) {
		const struct goparam *gp = &params[i];

		if (gp->is_result && !results_started) {
			/* Results: pointer-align the stack sequence, registers start over. */
			results_started = true;
			st.stack = align_up(st.stack, ga_ptr_size(arch));
			st.next_int = st.next_fp = 0;
		}
		res[i].name = strdup(gp->name);
		res[i].type_name = strdup(gp->type->name ? gp->type->name : "?");
		res[i].kind = gp->type->kind;
		res[i].size = gp->type->size;
		res[i].is_result = gp->is_result;
		if (!res[i].name || !res[i].type_name)
			err = -ENOMEM;
		else
			err = assign_one(&st, regabi, gp, &res[i], fl);
	}
	flat_clear(fl);
	free(fl);
	if (err) {
		ga_params_free(res, n);
		return err;
	}
	*out = res;
	return 0;
}
