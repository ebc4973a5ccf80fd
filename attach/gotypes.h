/* SPDX-License-Identifier: MIT */
/*
 * Names of what a traced value refers to, read from the binary itself:
 * the dynamic type of an interface (runtime type descriptors and their
 * names) and the dictionary of a shape-compiled generic (its .symtab
 * symbol names the type arguments).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elfimg.h"
#include "goruntime.h"
#include "model.h"

struct gotypes {
	const struct elfimg *img;	/* borrowed: the traced binary, mapped */
	uint64_t types_base;		/* moduledata.types, 0 unknown */
	int ptr_size;
	struct go_rtype_layout rtype;
	struct gotypes_sym { uint64_t addr; char *name; } *dicts;	/* by address */
	size_t ndicts;
};

/*
 * Read what b (the build img is) needs for names; with want_dicts, the
 * dictionary symbols of .symtab too. 0 or -ENOMEM.
 */
int gotypes__init(struct gotypes *gt, const struct elfimg *img, const struct ga_build *b,
		  bool want_dicts);
void gotypes__clear(struct gotypes *gt);

/*
 * The Go name of the runtime type at addr (an eface's type word), or of
 * the dynamic type of an itab (an iface's first word) when is_itab, in
 * buf. NULL when the address is not in the binary (types made at run time).
 */
const char *gotypes__type_name(const struct gotypes *gt, uint64_t addr, bool is_itab, char *buf,
			       size_t len);

/* The name of the dictionary symbol at addr (borrowed), or NULL. */
const char *gotypes__dict_name(const struct gotypes *gt, uint64_t addr);

/*
 * For a slice type name "[]T" with T a basic type (or net.IP, a []byte):
 * T's size in bytes and its decoding kind; 0 when the elements are not
 * shown (strings, structs).
 */
int slice_elem(const char *type_name, enum ga_piece_kind *kind);
