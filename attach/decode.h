/* SPDX-License-Identifier: MIT */
/* A parameter's fetched words, decoded once into calls on a value printer. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "goattach.h"
#include "printer.h"
#include "probes.h"

/*
 * The one read of a fetched word, for every decoder: the size bytes at
 * byte shift of word w of v, checked against the event (a word it has,
 * bytes inside that word) and against the type (size 1, 2, 4 or 8, at
 * most type_size when that is known, not 0). Returns 0, -ENOENT when w
 * was not fetched (SLOT_NONE), -EOPNOTSUPP when it could not be
 * (SLOT_UNREADABLE), -EINVAL when the layout does not fit.
 */
int ev_word(const struct ga_vals *v, int w, unsigned int shift, unsigned int size,
	    uint64_t type_size, uint64_t *out);
/* The bytes copied into string slot of v, at most GA_STR_LEN; false when there is no such slot. */
bool ev_bytes(const struct ga_vals *v, int slot, const char **s, size_t *n);

/*
 * Tell p the value of parameter param of f (one leaf, or arrays and
 * structs of leaves by field path) from the words and strings in v,
 * placed by lay.
 */
void decode_param(struct vprinter *p, const struct probe_plan *plan, const struct ga_func *f,
		  const struct func_layout *lay, size_t param, const struct ga_vals *v);

/* Whether f returned a non-nil error (a result of type error), from its results in v. */
bool decode_error_result(const struct ga_func *f, const struct func_layout *lay,
			 const struct ga_vals *v);
