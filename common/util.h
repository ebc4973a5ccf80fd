/* SPDX-License-Identifier: MIT */
/* Small helpers every module uses: array sizes, growing arrays, word sizes. */
#pragma once

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "model.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Make *arr (elements of elem_size bytes, *cap of them allocated) hold at
 * least need elements, doubling its capacity (16 at first). Returns 0, or
 * -ENOMEM with *arr and *cap untouched.
 */
static inline int ga_ensure_mem(void **arr, size_t *cap, size_t need, size_t elem_size)
{
	size_t ncap;
	void *tmp;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	tmp = realloc(*arr, ncap * elem_size);
	if (!tmp)
		return -ENOMEM;
	*arr = tmp;
	*cap = ncap;
	return 0;
}

/* The machine word (and pointer) size of arch: 4 on 386, else 8. */
static inline int ga_ptr_size(enum ga_arch arch)
{
	return arch == GA_ARCH_386 ? 4 : 8;
}

/* A little-endian unsigned value of n bytes (1..8) at p. */
static inline uint64_t ga_read_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}
