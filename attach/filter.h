/* SPDX-License-Identifier: MIT */
/*
 * --filter: a placed expression (expr.h) compiled into the postfix
 * program BPF runs per call (struct ga_filter, bpf/goattach.h).
 */
#pragma once

#include <stddef.h>

#include "expr.h"
#include "goattach.h"

/*
 * cond (placed for one function by expr_place) into out. -EINVAL with msg
 * saying what cannot be evaluated in BPF (a float, two strings of the
 * call compared, a map value, a program longer than GA_FILTER_OPS).
 */
int filter_compile(const struct expr *cond, struct ga_filter *out, char *msg, size_t len);

/* When BPF must run f: at the entry when it reads only arguments, else at the exit. */
enum ga_filter_at filter_when(const struct ga_filter *f);
