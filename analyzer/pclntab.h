/* SPDX-License-Identifier: MIT */
/* The Go function table (.gopclntab): every function, also in stripped binaries. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elfimg.h"

struct pcln_func {
	uint64_t entry;		/* virtual address */
	uint64_t end;		/* next function's entry */
	const char *name;	/* borrowed from the mapped file; lives as long as the elfimg */
	int32_t args;		/* in/out argument bytes */
	uint8_t func_id;	/* runtime funcID; 0 = normal */
	uint8_t flag;		/* runtime funcFlag (1.19+: 1 = TOPFRAME, 2 = SPWRITE, 4 = ASM) */
	uint64_t func_off;	/* offset of its _func record in the table */
};

/* A call inlined into a function: the pclntab inline tree. */
struct pcln_inline {
	const char *callee;	/* borrowed from the mapped file */
	uint32_t offset;	/* first code byte of the inlined body, from the caller's entry */
	int parent;		/* index of the enclosing inlined call, -1 if the caller itself */
};

/* Code of a function that is the body of an inlined call (PCDATA_InlTreeIndex >= 0). */
struct pcln_inl_range {
	uint32_t start, end;	/* [start, end) bytes from the function's entry */
	int32_t idx;		/* the innermost inlined call there: its inline-tree index */
};

struct pclntab {
	char format[8];		/* "1.2", "1.16", "1.18", "1.20" */
	int ptr_size;
	int min_lc;
	uint64_t text_start;	/* base for 1.18+ entry offsets */
	size_t nfunc;
	struct pcln_func *funcs;	/* sorted by entry */
	/* where the tables are, for pclntab__inlines() */
	const struct elfimg *bin;
	const uint8_t *base;
	uint64_t size;
	uint64_t addr;
	uint64_t nameoff_base;
	uint64_t pctab_off;
	uint64_t pcln_off;	/* base of _func offsets */
	uint64_t gofunc;	/* 1.18+: base of funcdata offsets (moduledata.gofunc), 0 unknown */
	/* moduledata words (the layout that validated, see pclntab.c), 0 unknown */
	char md_layout[8];	/* the release that introduced it: "1.2", ..., "1.26", "1.27" */
	uint64_t types;		/* moduledata.types, base of type name offsets */
	uint64_t etypes;
	uint64_t typelinks;	/* up to 1.26: [ntypelinks]int32 offsets from types */
	uint64_t ntypelinks;
	uint64_t typedesclen;	/* 1.27+: [types+ptrsize, types+typedesclen) holds those types */
	uint64_t text;		/* 1.16+: moduledata.text, base of textOff (method code), 0 unknown */
};

/*
 * Find and parse the table of bin, built by Go go_version (NULL if
 * unknown: the moduledata layout is then told by validation alone).
 * NULL + errno on failure, after one error line.
 */
struct pclntab *pclntab__open(const struct elfimg *bin, const char *go_version);
void pclntab__free(struct pclntab *tab);

/*
 * The calls inlined into tab->funcs[idx] (Go 1.16+ tables), in inline-tree
 * order, and the ranges of its code each inlined call's body covers, by
 * start (*ranges may be NULL when the caller does not want them). Returns 0
 * with *n = 0 when it has none; -ENOTSUP for older tables or when the
 * funcdata base is unknown. Caller frees *out and *ranges.
 */
int pclntab__inlines(const struct pclntab *tab, size_t idx, struct pcln_inline **out, size_t *n,
		     struct pcln_inl_range **ranges, size_t *nranges);

/* The function whose [entry, end) contains addr, or NULL. */
const struct pcln_func *pclntab__func_at(const struct pclntab *tab, uint64_t addr);

/* runtime/symtab.go: the funcdata slot of the argument layout tracebacks print (Go 1.17+). */
#define FUNCDATA_ARGINFO 5

/* The address of funcdata slot `which` of function idx; -ENOENT if it has none. */
int pclntab__funcdata(const struct pclntab *tab, size_t idx, unsigned int which, uint64_t *addr);

#define PCLN_ARGINFO_MAX_ARGS 10	/* the runtime describes at most 10 words */
#define PCLN_ARGINFO_MAX_WORDS 16

/* One argument of the arg-info funcdata: its words, from the start of the argument area. */
struct pcln_arg {
	int n;			/* words; -1: at an offset too large to describe ("?") */
	int off[PCLN_ARGINFO_MAX_WORDS];
	int size[PCLN_ARGINFO_MAX_WORDS];
};

struct pcln_arginfo {
	int nargs;
	bool truncated;		/* "...": more words follow that are not described */
	struct pcln_arg args[PCLN_ARGINFO_MAX_ARGS];
};

/*
 * Decode function idx's FUNCDATA_ArgInfo (Go 1.17+, see goruntime.h):
 * 0 and *out, -ENOENT when it has none.
 */
int pclntab__arginfo(const struct pclntab *tab, size_t idx, struct pcln_arginfo *out);
