/* SPDX-License-Identifier: MIT */
/*
 * Go function signatures given by the user (--sig), for binaries without
 * DWARF: "func(x, y string) (string, string)". Builtin types, strings,
 * slices, arrays, pointers, maps, channels, funcs, error, any and
 * interfaces; named types must be spelled as their underlying type.
 */
#pragma once

#include <stddef.h>

#include "gotype.h"
#include "model.h"

struct gosig;

/*
 * Parse sig for a ptr_size-byte architecture. NULL with errno EINVAL and a
 * message in err (errlen bytes) when it is not a signature we understand.
 */
struct gosig *gosig__parse(const char *sig, int ptr_size, char *err, size_t errlen);
void gosig__free(struct gosig *s);

/* Parameters in order (arguments, then results named ~r0, ~r1 when unnamed); owned by s. */
const struct goparam *gosig__params(const struct gosig *s, size_t *n);

/* Lay the signature out for a function's ABI (abi_assign); caller frees with ga_params_free(). */
int gosig__assign(const struct gosig *s, enum ga_arch arch, enum ga_abi abi, struct ga_param **out,
		  size_t *n);

/*
 * Whether params (a signature laid out by gosig__assign for f) can be
 * f's arguments, by what the DB knows of them: the arg-info words
 * (f->args_only: each argument's count of words and bytes, the last one
 * possibly cut short) or typed params (DWARF, type data: each argument's
 * size). 0 when they fit or nothing is known (no params, a generic
 * function whose dictionary the arg-info leaves out); -EINVAL with a
 * sentence in msg saying what f takes and what params give.
 */
int gosig__check(const struct ga_func *f, const struct ga_param *params, size_t n, int ptr_size,
		 char *msg, size_t len);
