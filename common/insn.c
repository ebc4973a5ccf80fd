// SPDX-License-Identifier: MIT
/*
 * Instruction classes from the bytes (see insn.h): x86 opcodes from the
 * Intel SDM volume 2 (one-byte opcode map), A64 encodings from the Arm ARM
 * C4.1 (branches, exception generating and system instructions).
 */
#include <string.h>

#include "insn.h"
#include "util.h"

size_t insn_x86_prefixes(const uint8_t *b, size_t len, bool is64)
{
	size_t i = 0;

	/* ES CS SS DS FS GS, operand/address size, LOCK, REPNE/BND, REP; REX on amd64 */
	while (i < len && (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
			   b[i] == 0x64 || b[i] == 0x65 || b[i] == 0x66 || b[i] == 0x67 ||
			   b[i] == 0xf0 || b[i] == 0xf2 || b[i] == 0xf3 ||
			   (is64 && (b[i] & 0xf0) == 0x40)))
		i++;
	return i;
}

static void x86_jcc_cond(const uint8_t *b, size_t i, struct insn_branch *br)
{
	uint8_t op = b[i], cc = op == 0x0f ? b[i + 1] & 0x0f : op & 0x0f;

	br->cls = INSN_JCC;
	if (op >= 0xe0 && op <= 0xe3)
		br->cond = GA_JCC_NONE;	/* loop/jcxz: never a stack check */
	else if (cc == 0x6)
		br->cond = GA_JCC_BE;
	else if (cc == 0x2)
		br->cond = GA_JCC_B;
}

static void x86_classify(const uint8_t *b, size_t len, uint64_t addr, bool is64,
			 struct insn_branch *br)
{
	size_t i = insn_x86_prefixes(b, len, is64);
	int64_t rel;
	uint8_t op;

	if (i >= len)
		return;
	op = b[i];
	if (op == 0xc3 || op == 0xc2) {
		br->cls = INSN_RET;
		return;
	}
	if (op == 0xff && i + 1 < len) {
		int reg = (b[i + 1] >> 3) & 7;

		if (reg == 4 || reg == 5)
			br->cls = INSN_JMP_INDIRECT;
		return;
	}
	if (op == 0xeb || (op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3)) {
		if (len < 2)
			return;
		rel = (int8_t)b[len - 1];
	} else if (op == 0xe9 || op == 0xe8 ||
		   (op == 0x0f && i + 1 < len && b[i + 1] >= 0x80 && b[i + 1] <= 0x8f)) {
		if (len < 5)
			return;
		rel = (int32_t)ga_read_le(b + len - 4, 4);
	} else {
		return;
	}
	br->target = addr + len + rel;
	if (!is64)
		br->target &= 0xffffffffu;
	if (op == 0xeb || op == 0xe9)
		br->cls = INSN_JMP;
	else if (op == 0xe8)
		br->cls = INSN_CALL;
	else
		x86_jcc_cond(b, i, br);
}

static int64_t sext(uint64_t v, int bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static void a64_classify(const uint8_t *b, size_t len, uint64_t addr, struct insn_branch *br)
{
	uint32_t w;

	if (len != 4)
		return;
	w = (uint32_t)ga_read_le(b, 4);
	if ((w & 0xfffffc1f) == 0xd65f0000) {			/* RET Xn */
		br->cls = INSN_RET;
	} else if ((w & 0xfffffc1f) == 0xd61f0000) {		/* BR Xn */
		br->cls = INSN_JMP_INDIRECT;
	} else if ((w & 0xfc000000) == 0x14000000) {		/* B imm26 */
		br->cls = INSN_JMP;
		br->target = addr + sext(w & 0x3ffffff, 26) * 4;
	} else if ((w & 0xfc000000) == 0x94000000) {		/* BL imm26 */
		br->cls = INSN_CALL;
		br->target = addr + sext(w & 0x3ffffff, 26) * 4;
	} else if ((w & 0xff000010) == 0x54000000) {		/* B.cond imm19 */
		br->cls = INSN_JCC;
		br->target = addr + sext((w >> 5) & 0x7ffff, 19) * 4;
		if ((w & 0xf) == 0x9)
			br->cond = GA_JCC_LS;
		else if ((w & 0xf) == 0x3)
			br->cond = GA_JCC_LO;
	} else if ((w & 0x7e000000) == 0x34000000) {		/* CBZ/CBNZ imm19 */
		br->cls = INSN_JCC;
		br->target = addr + sext((w >> 5) & 0x7ffff, 19) * 4;
	} else if ((w & 0x7e000000) == 0x36000000) {		/* TBZ/TBNZ imm14 */
		br->cls = INSN_JCC;
		br->target = addr + sext((w >> 5) & 0x3fff, 14) * 4;
	}
}

void insn_classify(enum ga_arch arch, const uint8_t *b, size_t len, uint64_t addr,
		   struct insn_branch *br)
{
	memset(br, 0, sizeof(*br));
	if (arch == GA_ARCH_ARM64)
		a64_classify(b, len, addr, br);
	else if (arch == GA_ARCH_AMD64 || arch == GA_ARCH_386)
		x86_classify(b, len, addr, arch == GA_ARCH_AMD64, br);
}

bool insn_is_probe_class(enum ga_arch arch, const uint8_t *b, size_t len, enum insn_probe kind,
			 enum ga_jcc_cond cond)
{
	struct insn_branch br;

	insn_classify(arch, b, len, 0, &br);
	switch (kind) {
	case INSN_PROBE_RET:
		return br.cls == INSN_RET;
	case INSN_PROBE_TAILCALL:
		return br.cls == INSN_JMP;
	case INSN_PROBE_ENTRY:
		return cond == GA_JCC_NONE || (br.cls == INSN_JCC && br.cond == cond);
	}
	return false;
}
