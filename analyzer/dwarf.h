/* SPDX-License-Identifier: MIT */
/* DWARF (libdwarf): parameter types of Go functions, runtime.g layout. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "gotype.h"

struct gdwarf;

/*
 * Open the DWARF of path (plain or compressed sections). NULL with
 * errno ENOENT when the binary has no DWARF (not an error), other errno
 * values after a message.
 */
struct gdwarf *gdwarf__open(const char *path);
void gdwarf__free(struct gdwarf *dw);

/* Offset of runtime.g.goid, or -1 if DWARF does not describe it. */
int gdwarf__goid_offset(const struct gdwarf *dw);

/*
 * The offsets of the members paths[i] ("goid", "stack.hi": a member of a
 * member) of the struct type named struct_name, into offs[i] (-1 for a
 * path DWARF does not describe). 0, or -ENOENT when there is no such type.
 */
int gdwarf__member_offsets(struct gdwarf *dw, const char *struct_name, const char *const *paths,
			   size_t n, int *offs);

/*
 * Parameters (receiver, arguments, results in declaration order) of the
 * function whose DWARF low_pc is entry. -ENOENT if DWARF has no such
 * function. Free the array with gdwarf__params_free(); the types and
 * names it points to are owned by dw and live until gdwarf__free().
 */
int gdwarf__func_params(struct gdwarf *dw, uint64_t entry, const struct goparam **params,
			size_t *n);
void gdwarf__params_free(struct gdwarf *dw, const struct goparam *params);

/* The type at a DWARF offset (a pointer's pointee_off), owned by dw; NULL if unreadable. */
const struct gotype *gdwarf__type_at(struct gdwarf *dw, uint64_t off);
