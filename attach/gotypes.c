// SPDX-License-Identifier: MIT
/* Type and dictionary names from the traced binary (see gotypes.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goname.h"
#include "gotypes.h"
#include "util.h"

static int cmp_sym(const void *a, const void *b)
{
	const struct gotypes_sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct dict_walk {
	struct gotypes *gt;
	size_t cap;
	int err;
};

/* The dictionaries of generic instantiations: "main..dict.Max[int]". */
static int take_dict(const char *name, uint64_t addr, void *ctx)
{
	struct dict_walk *w = ctx;
	struct gotypes *gt = w->gt;
	char *copy;

	if (!go_is_dict_symbol(name))
		return 0;
	w->err = ga_ensure_mem((void **)&gt->dicts, &w->cap, gt->ndicts + 1, sizeof(*gt->dicts));
	copy = w->err ? NULL : strdup(name);
	if (!copy) {
		w->err = -ENOMEM;
		return 1;
	}
	gt->dicts[gt->ndicts++] = (struct gotypes_sym){ .addr = addr, .name = copy };
	return 0;
}

int gotypes__init(struct gotypes *gt, const struct elfimg *img, const struct ga_build *b,
		  bool want_dicts)
{
	struct dict_walk w = { .gt = gt };

	memset(gt, 0, sizeof(*gt));
	gt->img = img;
	gt->types_base = b->types_base;
	gt->ptr_size = ga_ptr_size(b->arch);
	go_rtype_layout(b->go_version, gt->ptr_size, &gt->rtype);
	if (!want_dicts)
		return 0;
	/* .symtab, when the binary kept it: the names say the type arguments */
	elfimg__for_each_symbol(img, take_dict, &w);
	if (w.err)
		return w.err;
	if (gt->ndicts)
		qsort(gt->dicts, gt->ndicts, sizeof(*gt->dicts), cmp_sym);
	return 0;
}

void gotypes__clear(struct gotypes *gt)
{
	size_t i;

	for (i = 0; i < gt->ndicts; i++)
		free(gt->dicts[i].name);
	free(gt->dicts);
	memset(gt, 0, sizeof(*gt));
}

const char *gotypes__dict_name(const struct gotypes *gt, uint64_t addr)
{
	struct gotypes_sym key = { .addr = addr }, *s;

	if (!gt->ndicts)
		return NULL;
	s = bsearch(&key, gt->dicts, gt->ndicts, sizeof(*gt->dicts), cmp_sym);
	return s ? s->name : NULL;
}

const char *gotypes__type_name(const struct gotypes *gt, uint64_t addr, bool is_itab, char *buf,
			       size_t len)
{
	const struct go_rtype_layout *rt = &gt->rtype;
	const uint8_t *t, *name;
	uint64_t type_addr = addr, nlen, avail;
	int32_t str_off;
	size_t hdr;
	uint8_t tflag;

	if (!gt->types_base || !addr)
		return NULL;
	if (is_itab) {
		const uint8_t *itab = elfimg__vaddr_ptr(gt->img, addr, rt->itab_type_off + gt->ptr_size);

		if (!itab)
			return NULL;	/* made at run time */
		type_addr = ga_read_le(itab + rt->itab_type_off, gt->ptr_size);
	}
	t = elfimg__vaddr_ptr(gt->img, type_addr, rt->min_size);
	if (!t)
		return NULL;
	tflag = t[rt->tflag_off];
	memcpy(&str_off, t + rt->str_off, 4);
	if (str_off < 0)
		return NULL;
	name = elfimg__vaddr_ptr_avail(gt->img, gt->types_base + str_off, &avail);
	if (!name || go_name_header(name, avail, rt->name_varint, &hdr, &nlen) ||
	    !nlen || nlen > avail - hdr)
		return NULL;
	if (tflag & GO_TFLAG_EXTRA_STAR && name[hdr] == '*') {
		hdr++;
		nlen--;
	}
	snprintf(buf, len, "%.*s", (int)nlen, name + hdr);
	return buf;
}

int slice_elem(const char *type_name, enum ga_piece_kind *kind)
{
	static const struct {
		const char *name;
		int size;
		enum ga_piece_kind kind;
	} elems[] = {
		{ "uint8", 1, GA_PIECE_UINT }, { "byte", 1, GA_PIECE_UINT },
		{ "int8", 1, GA_PIECE_INT }, { "bool", 1, GA_PIECE_BOOL },
		{ "int16", 2, GA_PIECE_INT }, { "uint16", 2, GA_PIECE_UINT },
		{ "int32", 4, GA_PIECE_INT }, { "rune", 4, GA_PIECE_INT },
		{ "uint32", 4, GA_PIECE_UINT }, { "float32", 4, GA_PIECE_FLOAT },
		{ "int", 8, GA_PIECE_INT }, { "int64", 8, GA_PIECE_INT },
		{ "uint", 8, GA_PIECE_UINT }, { "uint64", 8, GA_PIECE_UINT },
		{ "uintptr", 8, GA_PIECE_UINT }, { "float64", 8, GA_PIECE_FLOAT },
	};
	size_t i;

	/* a named []byte Go prints by its own String(): its bytes are fetched too */
	if (type_name && !strcmp(type_name, "net.IP")) {
		*kind = GA_PIECE_UINT;
		return 1;
	}
	if (!type_name || strncmp(type_name, "[]", 2))
		return 0;
	for (i = 0; i < ARRAY_SIZE(elems); i++) {
		if (!strcmp(type_name + 2, elems[i].name)) {
			*kind = elems[i].kind;
			return elems[i].size;
		}
	}
	return 0;
}
