// SPDX-License-Identifier: MIT
/*
 * --filter before expr_place: the identifiers that name a top-level
 * parameter or result of a basic kind, placed in the words and string
 * slots build_layout (probes.c) gave them. Small on purpose: expr_place
 * replaces it, with fields through pointers, indexes and the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "gotype.h"

/* The types a placed identifier gets: only kind, size and sign are read (filter.c). */
static const struct gotype basic_types[] = {
	{ .kind = GA_KIND_BOOL, .size = 1 },
	{ .kind = GA_KIND_INT, .size = 8, .is_signed = true },
	{ .kind = GA_KIND_UINT, .size = 8 },
	{ .kind = GA_KIND_FLOAT, .size = 8 },
	{ .kind = GA_KIND_PTR, .size = 8 },
	{ .kind = GA_KIND_STRING, .size = 16 },
	{ .kind = GA_KIND_SLICE, .size = 24 },
	{ .kind = GA_KIND_IFACE, .size = 16 },
	{ .kind = GA_KIND_EFACE, .size = 16 },
};

static const struct gotype *basic_type(enum ga_kind kind)
{
	size_t i;

	for (i = 0; i < sizeof(basic_types) / sizeof(basic_types[0]); i++)
		if (basic_types[i].kind == kind)
			return &basic_types[i];
	return NULL;
}

static int place_ident(struct expr *e, const struct ga_func *f, const struct func_layout *lay,
		       char *msg, size_t len)
{
	const struct ga_param *prm = NULL;
	size_t p, base;
	int w;

	for (p = 0; p < f->nparams && !prm; p++)
		if (f->params[p].name && !strcmp(f->params[p].name, e->name))
			prm = &f->params[p];
	if (!prm) {
		snprintf(msg, len, "at %d: %s has no parameter or result '%s'", e->pos + 1, f->name,
			 e->name);
		return -EINVAL;
	}
	base = layout_piece_base(f, prm - f->params);
	e->type = basic_type(prm->kind);
	w = prm->npieces ? lay->word[base] : SLOT_NONE;
	if (!e->type || !prm->npieces) {
		snprintf(msg, len, "at %d: '%s' is a %s: not compared in BPF", e->pos + 1, e->name,
			 prm->type_name ? prm->type_name : ga_kind_name(prm->kind));
		return -EINVAL;
	}
	e->at_exit = prm->is_result;
	e->loc = (struct expr_loc){
		.placed = w >= 0, .part = prm->is_result ? GA_EV_RESULTS : GA_EV_ARGS,
		.word = w, .len_word = -1, .cap_word = -1, .data_word = -1, .str = -1, .guard = -1,
		.size = prm->pieces[0].size, .shift = w >= 0 ? lay->shift[base] : 0,
		.is_signed = prm->kind == GA_KIND_INT, .is_float = prm->kind == GA_KIND_FLOAT,
	};
	if (prm->kind == GA_KIND_STRING || prm->kind == GA_KIND_SLICE) {
		e->loc.size = 8;
		e->loc.len_word = prm->npieces > 1 ? lay->word[base + 1] : -1;
		e->loc.str = lay->str[base] >= 0 ? lay->str[base] : -1;
		if (prm->kind == GA_KIND_SLICE)
			e->loc.cap_word = prm->npieces > 2 ? lay->word[base + 2] : -1;
	}
	if (prm->kind == GA_KIND_IFACE || prm->kind == GA_KIND_EFACE) {
		e->loc.size = 8;
		e->loc.data_word = prm->npieces > 1 ? lay->word[base + 1] : -1;
	}
	if (!e->loc.placed) {
		snprintf(msg, len, "at %d: '%s' is not fetched (%s)", e->pos + 1, e->name,
			 w == SLOT_UNREADABLE ? "in a vector register" : "beyond the fetch budget");
		return -EINVAL;
	}
	return 0;
}

int filter_place_params(struct expr *e, const struct ga_func *f, const struct func_layout *lay,
			char *msg, size_t len)
{
	int err = 0;

	if (!e)
		return 0;
	switch (e->kind) {
	case EXPR_IDENT:
		return place_ident(e, f, lay, msg, len);
	case EXPR_FIELD:
	case EXPR_INDEX:
	case EXPR_DEREF:
		snprintf(msg, len, "at %d: fields, indexes and dereferences are not placed yet; "
			 "name a parameter or result", e->pos + 1);
		return -EINVAL;
	case EXPR_MAPKEY:
		return 0;	/* refused by filter_compile, with why */
	case EXPR_LATENCY:
		e->at_exit = true;
		return 0;
	default:
		break;
	}
	err = filter_place_params(e->x, f, lay, msg, len);
	if (!err && e->kind != EXPR_HASPREFIX)
		err = filter_place_params(e->y, f, lay, msg, len);
	return err;
}
