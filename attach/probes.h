/* SPDX-License-Identifier: MIT */
/* From the DB to a verified list of probes: which file offsets, which specs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "goattach.h"
#include "model.h"

/* Where a piece of a parameter went in the fetched words. */
#define SLOT_NONE (-1)		/* not fetched: out of words */
#define SLOT_UNREADABLE (-2)	/* lives where a uprobe cannot read (XMM registers) */

struct func_layout {
	/* per piece, flattened over params in order: word index or SLOT_* */
	int *word;
	/* per piece: string slot for GA_PIECE_STR_DATA pieces, else SLOT_NONE */
	int *str;
	size_t npieces;
	/* --deref: per pointee field (flattened over params), word index or SLOT_* */
	int *dword;
};

#define GA_FUNC_NONE 0xffffffffu	/* a probe of the runtime's, not a traced function */

struct planned_probe {
	uint64_t file_off;
	size_t func_idx;
	struct ga_probe_spec spec;
};

#define PLAN_MAX_LOADS 16

struct probe_plan {
	struct ga_build build;
	/* the binary stays mapped: runtime type names are read from it */
	const uint8_t *bin_data;
	size_t bin_size;
	size_t nloads;
	struct { uint64_t vaddr, filesz, offset; } loads[PLAN_MAX_LOADS];
	char *binary_path;	/* the file the uprobes go on */
	struct ga_func *funcs;
	size_t nfuncs;
	struct func_layout *layouts;	/* per function */
	struct planned_probe *probes;	/* index == attach cookie */
	size_t nprobes;
	int tls_g_off;	/* 386: g's offset from the TLS block at 0(GS) */
	struct plan_sym { uint64_t addr; char *name; } *syms;	/* generic dictionaries */
	size_t nsyms;
	bool deref;	/* --deref: fetch the basic fields of what pointers point at */
	size_t nmarks;	/* probes on runtime.gopanic / runtime.Goexit (func_idx GA_FUNC_NONE) */
};

/*
 * Identify binary_path, find its build in db (refusing, with both ids,
 * when absent), load the functions matching patterns, check the bytes at
 * every probe address against the binary, and build the probe specs.
 * sig (optional, Go syntax) gives the parameters of the one function
 * selected, for binaries without DWARF.
 * Returns 0 or a negative errno after an error line.
 */
int probes_plan(struct gadb *db, const char *db_path, const char *binary_path,
		const char *const *patterns, size_t npat, const char *sig, bool deref,
		struct probe_plan *plan);

/* Index of param's first pointee field in func_layout.dword. */
size_t layout_deref_base(const struct ga_func *f, size_t param);
void probe_plan_clear(struct probe_plan *plan);

/*
 * The Go name of the runtime type at type_addr (an eface's type word), or
 * of the dynamic type of an itab (an iface's first word) when is_itab.
 * NULL when the address is not in the binary (types made at run time).
 */
/* The name of the dictionary symbol at addr, or NULL. */
const char *plan_symbol(const struct probe_plan *plan, uint64_t addr);

const char *plan_type_name(const struct probe_plan *plan, uint64_t addr, bool is_itab, char *buf,
			   size_t len);

/* Index of the first piece of param p in a layout's flat arrays. */
size_t layout_piece_base(const struct ga_func *f, size_t param);

/*
 * For a slice type name "[]T" with T a basic type: T's size in bytes and
 * its decoding kind; 0 when the elements are not shown (strings, structs).
 */
int slice_elem(const char *type_name, enum ga_piece_kind *kind);
