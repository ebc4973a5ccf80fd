/* SPDX-License-Identifier: MIT */
/*
 * Go calling conventions: where each word of each argument and result
 * lives. The register ABI follows src/cmd/compile/abi-internal.md;
 * ABI0 lays everything out on the stack.
 */
#pragma once

#include "gotype.h"
#include "model.h"

/*
 * Lay out params (receiver and arguments first, then results, in
 * declaration order) and return them as ga_params with pieces in *out
 * (caller frees with ga_params_free). Stack offsets are from SP at entry.
 */
int abi_assign(enum ga_arch arch, enum ga_abi abi, const struct goparam *params, size_t n,
	       struct ga_param **out);

/*
 * The basic fields (integers, bools, floats, pointers; at most
 * ABI_MAX_DEREFS) of a value of type pointee, named under name, with
 * loc GA_LOC_DEREF and stack_off their offset in it. *out is NULL when
 * none.
 */
#define ABI_MAX_DEREFS 8
int abi_deref_pieces(enum ga_arch arch, const struct gotype *pointee, const char *name,
		     struct ga_piece **out, size_t *n);

/*
 * Every piece of a value of type t in memory (strings, slices and
 * interfaces as their words too), named under name, loc GA_LOC_DEREF
 * and stack_off their offset in it, at most max pieces (*truncated
 * then set). *out is NULL when there are none (a zero-size type).
 */
int abi_mem_pieces(enum ga_arch arch, const struct gotype *t, const char *name, size_t max,
		   struct ga_piece **out, size_t *n, bool *truncated);

/* Go's alignment of t on arch (int64 is 4-aligned on 386). */
uint64_t abi_align(enum ga_arch arch, const struct gotype *t);
