/* SPDX-License-Identifier: MIT */
/* A parameter's fetched words, decoded once into calls on a value printer. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "goattach.h"
#include "printer.h"
#include "probes.h"

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
