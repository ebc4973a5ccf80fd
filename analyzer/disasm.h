/* SPDX-License-Identifier: MIT */
/* Disassembly (capstone): exits and the entry probe point of each function. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "pclntab.h"

struct disasm;

/* NULL + errno if capstone cannot handle arch. */
struct disasm *disasm__new(enum ga_arch arch);
void disasm__free(struct disasm *d);

/* True if code (at entry) calls or jumps to target directly. */
bool disasm__reaches(struct disasm *d, const uint8_t *code, size_t size, uint64_t entry,
		     uint64_t target);

/*
 * Decode code[0..size) at virtual address f->entry and fill f->exits,
 * f->nexits, the entry probe (offset, kind, condition, bytes) and
 * f->decode_status. tab names tail-call targets and finds morestack.
 * Returns 0 (also for a function that does not decode: its status says so)
 * or a negative errno on allocation failure.
 */
int disasm__func(struct disasm *d, const uint8_t *code, size_t size, const struct pclntab *tab,
		 struct ga_func *f);

/* A register argument stored to its spill slot before runtime.morestack. */
struct ga_spill {
	int reg;	/* DWARF register number (amd64: 17+ = XMM; arm64: 64+ = V) */
	int off;	/* from SP at entry */
	int size;
};

/*
 * The spills of the morestack block the prologue's branch at jcc_off goes
 * to (amd64, arm64): which register holds which argument slot, ints and
 * floats alike. -ENOTSUP for 386, -EINVAL if the block is not that.
 */
int disasm__spills(struct disasm *d, const uint8_t *code, size_t size, uint64_t entry,
		   uint32_t jcc_off, struct ga_spill *out, size_t max, size_t *n);
