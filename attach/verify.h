/* SPDX-License-Identifier: MIT */
/*
 * Before anything is attached: the bytes at every probe are exactly what
 * the analyzer saw, inside the function, and of the class the probe needs
 * (the classifier of common/insn.c, the one the analyzer used).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* The binary being traced, as mapped by goattach. */
struct verify_img {
	const char *path;
	enum ga_arch arch;
	const uint8_t *data;
	size_t size;
};

/* The entry probe of f; *off gets its file offset. 0 or -EINVAL after a message. */
int verify_entry(const struct verify_img *img, const struct ga_func *f, uint64_t *off);

/* Exit i of f (a RET or a tail-call JMP); *off gets its file offset. 0 or -EINVAL after a message. */
int verify_exit(const struct verify_img *img, const struct ga_func *f, size_t i, uint64_t *off);
