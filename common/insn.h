/* SPDX-License-Identifier: MIT */
/*
 * The one instruction classifier: which instructions can leave a Go
 * function (RET, direct and indirect JMP), which are calls, and which
 * conditional branch a prologue's stack check is. Read from the bytes
 * themselves, exact for the direct forms Go emits. goanalyze's disassembly
 * (which gets lengths from capstone, and from here what capstone does not
 * know) and goattach's byte checks both use it, so what one side indexes
 * the other accepts.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum insn_class {
	INSN_OTHER = 0,
	INSN_RET,
	INSN_JMP,		/* direct, target known */
	INSN_JMP_INDIRECT,
	INSN_JCC,		/* direct conditional, target known */
	INSN_CALL,		/* direct, target known */
};

struct insn_branch {
	enum insn_class cls;
	uint64_t target;
	enum ga_jcc_cond cond;	/* INSN_JCC: a stack-check condition, or GA_JCC_NONE */
};

/*
 * Legacy prefixes (segment overrides, operand and address size, LOCK,
 * REP/REPNE/BND) and, on amd64, a REX byte before the opcode of b: how
 * many bytes to skip.
 */
size_t insn_x86_prefixes(const uint8_t *b, size_t len, bool is64);

/*
 * The length of the instruction at b (len bytes available) when its
 * encoding alone shows it cannot transfer control: on x86 a VEX or EVEX
 * instruction (after segment and address-size prefixes), on arm64 a word
 * outside the branch group, or a system instruction (MSR, MRS, SYS, HINT,
 * barriers). 0 for anything else, or when b is cut short. For stepping
 * over what the disassembler does not know without missing an exit.
 */
size_t insn_len_no_branch(enum ga_arch arch, const uint8_t *b, size_t len);

/*
 * Classify the instruction of len bytes at b (its whole encoding: rel
 * displacements are read from its end), at virtual address addr, for
 * arch (amd64, 386 or arm64).
 */
void insn_classify(enum ga_arch arch, const uint8_t *b, size_t len, uint64_t addr,
		   struct insn_branch *br);

/* The class a probe of this kind needs (RET, JMP, or the prologue's JCC with cond). */
enum insn_probe {
	INSN_PROBE_ENTRY,	/* cond GA_JCC_NONE: any instruction (the raw entry) */
	INSN_PROBE_RET,
	INSN_PROBE_TAILCALL,
};

/* Is the instruction of len bytes at b what a probe of this kind (and cond) needs? */
bool insn_is_probe_class(enum ga_arch arch, const uint8_t *b, size_t len, enum insn_probe kind,
			 enum ga_jcc_cond cond);
