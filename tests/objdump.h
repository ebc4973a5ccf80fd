/* SPDX-License-Identifier: MIT */
/* What objdump says about each function of a binary. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct od_insn {
	uint64_t addr;
	char mnem[16];
	uint64_t target;	/* direct branch target, 0 if none */
	char target_name[128];
	bool bad;		/* objdump could not decode it */
};

struct od_func {
	uint64_t start, end;	/* start first: searched by it */
	char name[256];
	uint32_t rets[64], tails[64];	/* offsets from start, sorted */
	size_t nrets, ntails;
	int64_t entry_probe;	/* offset of the stack-check branch, -1 if none */
	bool undecodable;	/* objdump printed (bad) or .byte inside */
	bool misaligned;	/* objdump has no instruction starting at start */
};

/* A function the caller knows of, for binaries without symbols. */
struct od_bound {
	uint64_t start, end;
	const char *name;
};

/*
 * Run objdump -d on bin. Functions are objdump's labels, or, when bounds
 * is given (a binary without symbols), the [start, end) ranges it lists,
 * whose names also name call targets (objdump has none to print).
 * NULL if objdump failed. Sorted by start; free() the result.
 */
struct od_func *objdump_funcs(const char *objdump, const char *bin, const struct od_bound *bounds,
			      size_t nbounds, size_t *nfuncs);
const struct od_func *od_find(const struct od_func *funcs, size_t n, uint64_t addr);

struct ga_func;

/*
 * Do goanalyze's exits and entry probe for f equal objdump's view o?
 * On a difference, why says what differs.
 */
bool od_matches(const struct od_func *o, const struct ga_func *f, char *why, size_t len);
