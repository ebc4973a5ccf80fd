/* SPDX-License-Identifier: MIT */
/*
 * Expressions placed in one traced function: type-checked against the
 * DB's types (typedb.h), their values turned into more fetched words and
 * strings of the function's entry spec (values of the arguments) or RET
 * spec (values of the results), read by the same BPF fetch program.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "goattach.h"
#include "model.h"
#include "probes.h"

/*
 * The --expr values of one function, as parameters of a function of
 * their own (xf: one param per expression placed, named by its text) so
 * that the parameter decoder shows them; each param's words index the
 * ga_vals of its side (is_result: the results').
 */
struct expr_show {
	struct ga_func xf;
	struct func_layout lay;
	int *which;		/* per --expr: its index in xf.params, -1 when it does not apply */
	int *guard;		/* per xf param: a word that is 0 when the value is behind nil, or -1 */
	int *bound;		/* per xf param: a length word the index must be below, or -1 */
	int64_t *index;		/* ... and that index */
	size_t nexprs;
};

/* Types made for parameters the DB has no type of, owned by the plan. */
struct expr_types {
	struct gotype **types;
	size_t n;
};

void expr_types_free(struct expr_types *o);

/* What placement needs from the plan being built. */
struct expr_ctx {
	const struct probe_plan *plan;
	const struct ga_func *f;
	const struct func_layout *lay;	/* f's own words */
	struct ga_probe_spec *spec[2];	/* by enum ga_ev_part: the entry's and the RET's fetch lists */
	struct expr_types *owned;	/* where types made for untyped params go (NULL: none made) */
	char *msg;
	size_t msglen;
};

/*
 * Place the --expr values exprs[0..n) for ctx->f into show. An expression
 * that does not type-check for f leaves which[i] = -1 and its reason in
 * ctx->msg (the caller decides whether that is an error). Returns 0,
 * -E2BIG when the fetch budget ran out (ctx->msg says which), -ENOMEM.
 */
int expr_show_place(struct expr_ctx *ctx, struct expr *const *exprs, size_t n,
		    struct expr_show *show);
void expr_show_clear(struct expr_show *show);

/*
 * --deref=depth: each pointer parameter of ctx->f whose pointee type the
 * DB knows, shown with what it points at (strings too), and the pointers
 * in there followed, depth levels in all; show->which[param] is its
 * index in show->xf, -1 for the other params. What the fetch budget
 * leaves out is shown as "...", never an error. 0 or -ENOMEM.
 */
#define DEREF_MAX_DEPTH 4
int deref_show_place(struct expr_ctx *ctx, int depth, struct expr_show *show);

/*
 * Type-check the condition cond for ctx->f and place every value it
 * reads (expr.loc, type, at_exit filled in cond's nodes); a bare boolean
 * value becomes "value != false". 0, or -EINVAL with the reason in
 * ctx->msg, -E2BIG, -ENOMEM.
 */
int expr_place_cond(struct expr_ctx *ctx, struct expr *cond);
