/* SPDX-License-Identifier: MIT */
/* goanalyze bpftrace: a bpftrace script doing what goattach does, for chosen functions. */
#pragma once

#include <stdio.h>

#include "model.h"

/* Write the script; -ENOTSUP for builds other than amd64. */
int bpftrace_script(FILE *out, const struct ga_build *b, const char *db_path, const char *generator,
		    const struct ga_func *funcs, size_t n);
