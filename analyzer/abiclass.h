/* SPDX-License-Identifier: MIT */
/* How each function is called: ABI, assembly, wrappers, full names (see abiclass.c). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "elfimg.h"
#include "model.h"
#include "pclntab.h"

/* Assembly (the table's flag, Go 1.19+) and the ABI that follows, from the build's default. */
void abiclass_init(const struct ga_build *b, const char *pclntab_format, const struct pcln_func *pf,
		   struct ga_func *f);

/* Go code entered through ABI0 (cgo stubs, ABI wrappers) loads g from TLS first: it is ABI0. */
void abiclass_entry_code(enum ga_arch arch, const uint8_t *code, size_t size, struct ga_func *f);

/*
 * Go 1.17 and 1.18 tables have no assembly flag; their .symtab, when kept,
 * names the ABI0 half of each pair "name.abi0". funcs in entry order.
 */
int abiclass_mark_abi0_symbols(const struct elfimg *bin, struct ga_func *funcs, size_t n);

/*
 * The function table elides type arguments ("main.Max[...]"); .symtab
 * keeps them ("main.Max[go.shape.int_0]"): take the full names.
 */
int abiclass_expand_shape_names(const struct elfimg *bin, struct ga_func *funcs, size_t n);

/*
 * Of two functions under one name (an assembly function and the wrapper
 * Go callers reach, or a Go function and the ABI0 wrapper assembly callers
 * reach), mark the wrapper, which forwards to its namesake, and give it
 * the other ABI.
 */
int abiclass_mark_wrappers(const struct elfimg *bin, enum ga_arch arch, struct ga_func *funcs,
			   size_t n);
