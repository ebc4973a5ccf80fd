/* SPDX-License-Identifier: MIT */
/* Go types as the DWARF module reads them and the ABI module lays them out. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct gotype;

struct gofield {
	char *name;
	uint64_t offset;
	struct gotype *type;
	bool embedded;		/* an embedded field: its fields and methods are promoted */
};

/* What a GA_KIND_PTR type is in Go: every one of these is one pointer word. */
enum go_ptr_kind {
	GO_PTR_PLAIN = 0,	/* *T (pointee_off names T) */
	GO_PTR_MAP,		/* map[K]V: key_ref K, elem_ref V */
	GO_PTR_CHAN,		/* chan T: elem_ref T */
	GO_PTR_FUNC,
	GO_PTR_UNSAFE,		/* unsafe.Pointer */
};

/* "ptr", "map", "chan", "func", "unsafe" (the DB's types.ptr_kind), NULL out of range. */
const char *go_ptr_kind_name(enum go_ptr_kind kind);
/* The name back, -1 for an unknown one. */
int go_ptr_kind_parse(const char *s);

struct gotype {
	enum ga_kind kind;
	char *name;
	uint64_t size;
	bool is_signed;		/* ints */
	uint64_t count;		/* arrays: element count */
	struct gotype *elem;	/* arrays: element type */
	uint64_t pointee_off;	/* pointers: a ref to what they point at (0: none) */
	/*
	 * A ref names a type without resolving it (types refer to each other
	 * in cycles): a DWARF offset in the analyzer's DWARF reader, a type
	 * descriptor address in its runtime type reader, a types.id in
	 * goattach's typedb. Resolved by the module that made the type.
	 */
	enum go_ptr_kind ptr_kind;	/* GA_KIND_PTR: which kind of pointer */
	uint64_t elem_ref;	/* slices, maps (the value type), chans: element type ref, 0 none */
	uint64_t key_ref;	/* maps: key type ref, 0 none */
	size_t nfields;		/* structs */
	struct gofield *fields;
	bool shares_fields;	/* fields belong to the type this one names */
};

#define GOPARAM_MAX_LOC 16

/* What DWARF's location list says about a parameter at the function's entry. */
enum goparam_loc {
	GOPARAM_LOC_UNKNOWN = 0,	/* no location list, or none covering the entry */
	GOPARAM_LOC_REGS,		/* in registers: loc_regs */
	GOPARAM_LOC_STACK,		/* in memory relative to the frame */
};

/* A parameter or result before layout: borrowed name and type. */
struct goparam {
	const char *name;
	const struct gotype *type;
	bool is_result;
	enum goparam_loc loc;
	/*
	 * DW_AT_location is one expression for the whole function, not a
	 * location list: Go writes that for a variable with a single home
	 * (cmd/compile/internal/dwarfgen createSimpleVar).
	 */
	bool loc_single;
	bool cfa_known;		/* GOPARAM_LOC_STACK at cfa_off from the CFA */
	int64_t cfa_off;
	uint64_t loc_piece_bytes;	/* the DW_OP_piece sizes added up, 0 without pieces */
	int nloc_regs;
	int loc_regs[GOPARAM_MAX_LOC];	/* DWARF register numbers, in piece order */
};
