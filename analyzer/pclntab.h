/* SPDX-License-Identifier: MIT */
/* The Go function table (.gopclntab): every function, also in stripped binaries. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "goelf.h"

struct pcln_func {
	uint64_t entry;		/* virtual address */
	uint64_t end;		/* next function's entry */
	const char *name;	/* borrowed from the mapped file; lives as long as the gbin */
	int32_t args;		/* in/out argument bytes */
	uint8_t func_id;	/* runtime funcID; 0 = normal */
	uint8_t flag;		/* runtime funcFlag (1.19+: 1 = TOPFRAME, 2 = SPWRITE, 4 = ASM) */
};

struct pclntab {
	char format[8];		/* "1.2", "1.16", "1.18", "1.20" */
	int ptr_size;
	int min_lc;
	uint64_t text_start;	/* base for 1.18+ entry offsets */
	size_t nfunc;
	struct pcln_func *funcs;	/* sorted by entry */
};

/* Find and parse the table. NULL + errno on failure, after one error line. */
struct pclntab *pclntab__open(const struct gbin *bin);
void pclntab__free(struct pclntab *tab);

/* The function whose [entry, end) contains addr, or NULL. */
const struct pcln_func *pclntab__func_at(const struct pclntab *tab, uint64_t addr);
