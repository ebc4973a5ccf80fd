// SPDX-License-Identifier: MIT
/*
 * Instruction classes from the bytes (see insn.h): x86 opcodes from the
 * Intel SDM volume 2 (one-byte opcode map), A64 encodings from the Arm ARM
 * C4.1 (branches, exception generating and system instructions). And the
 * lengths of instructions that cannot branch, read from their encoding
 * (VEX and EVEX, chapter 2 of the SDM volume 2A; A64 words).
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

/*
 * Outside 64-bit mode C4, C5 and 62 are LES, LDS and BOUND unless the next
 * byte would be a ModRM with mod 11, which those forbid (SDM vol. 2
 * 2.3.5, 2.7.1): only then do they begin VEX or EVEX.
 */
static bool x86_vex_escape(const uint8_t *b, size_t len, bool is64)
{
	return (b[0] == 0xc4 || b[0] == 0xc5 || b[0] == 0x62) && len >= 2 &&
	       (is64 || (b[1] & 0xc0) == 0xc0);
}

/* Map 0F opcodes with an imm8 that VEX or EVEX can encode (SDM vol. 2 appendix A.3, table A-3). */
static bool x86_map0f_has_imm8(uint8_t op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xc2 || op == 0xc4 || op == 0xc5 || op == 0xc6;
}

/* ModRM, SIB and displacement from b[0] = ModRM (SDM vol. 2 2.1.5, tables 2-1 to 2-3). */
static size_t x86_modrm_len(const uint8_t *b, size_t len, bool addr16)
{
	uint8_t mod, rm;
	size_t n = 1;

	if (!len)
		return 0;
	mod = b[0] >> 6;
	rm = b[0] & 7;
	if (mod == 3)
		return 1;
	if (addr16)
		return n + (mod == 1 ? 1 : mod == 2 || (mod == 0 && rm == 6) ? 2 : 0);
	if (rm == 4) {
		if (len < 2)
			return 0;
		/* SIB with base 101 and mod 00: disp32, no base */
		if (mod == 0 && (b[1] & 7) == 5)
			n += 4;
		n++;
	}
	if (mod == 1)
		n += 1;		/* EVEX scales it by N: still one byte (2.7.5) */
	else if (mod == 2 || (mod == 0 && rm == 5))
		n += 4;		/* disp32; mod 00 rm 101 is RIP-relative in 64-bit mode */
	return n;
}

/*
 * The length of a VEX (SDM vol. 2 2.3) or EVEX (2.7) instruction at b,
 * after any segment overrides and address-size prefix; 0 if b is not one,
 * is cut short, or breaks a rule the encoding fixes. 66, F2, F3, LOCK or
 * REX before VEX or EVEX raise #UD (2.3.2), as do C4 maps other than 0F,
 * 0F38, 0F3A (2.3.6.1). EVEX takes maps 0F, 0F38, 0F3A and 5, 6 (FP16),
 * with P0 bit 3 clear and P1 bit 2 set (2.7.1, table 2-30); map 4 and
 * those bits are APX's, which capstone and Go both predate. No VEX or
 * EVEX instruction transfers control, so the sweep stepping over one
 * misses no exit.
 */
static size_t x86_vex_len(const uint8_t *b, size_t len, bool is64)
{
	bool addr16 = false, evex;
	size_t i = 0, prefix_len, m;
	unsigned map;
	uint8_t op;

	for (; i < len; i++) {
		if (b[i] == 0x67)
			addr16 = !is64;	/* 32-bit addressing in 64-bit mode: the same layout */
		else if (b[i] != 0x26 && b[i] != 0x2e && b[i] != 0x36 && b[i] != 0x3e &&
			 b[i] != 0x64 && b[i] != 0x65)
			break;
	}
	if (i >= len || !x86_vex_escape(b + i, len - i, is64))
		return 0;
	evex = b[i] == 0x62;
	if (b[i] == 0xc5) {
		map = 1;
		prefix_len = 2;
	} else {
		map = b[i + 1] & (evex ? 0x07 : 0x1f);
		prefix_len = evex ? 4 : 3;
		if (!evex && (map < 1 || map > 3))
			return 0;
		if (evex && ((b[i + 1] & 0x08) || map == 0 || map == 4 || map == 7))
			return 0;
		if (evex && (i + 2 >= len || !(b[i + 2] & 0x04)))
			return 0;
	}
	i += prefix_len;
	if (i >= len)
		return 0;
	op = b[i++];
	if (map == 1 && op == 0x77) {
		if (evex)
			return 0;
		/* VZEROUPPER, VZEROALL: the one VEX instruction without a ModRM */
		return i;
	}
	m = x86_modrm_len(b + i, len - i, addr16);
	if (!m)
		return 0;
	i += m;
	/* every map 0F3A instruction takes an imm8, no map 0F38 or FP16 one does */
	if (map == 3 || (map == 1 && x86_map0f_has_imm8(op)))
		i++;
	/* no longer than 15 bytes (2.3.11), and all of it there */
	return i <= len && i <= 15 ? i : 0;
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

/*
 * A64 words (Arm ARM C4.1) in the group "branches, exception generating
 * and system instructions", op0 = x101 in bits 28:26, are the only ones
 * that can move the PC other than to the next word. Of that group the
 * system instructions, bits 31:24 = 11010101 (op0 110, op1 01xxxxxxxxxxxx:
 * hints, barriers, PSTATE, SYS/SYSL, MSR/MRS and their 128-bit pairs),
 * cannot: their PC moves on by 4 or they raise an exception. Exception
 * generating ones (bits 31:24 = 11010100) are left to the disassembler:
 * SVC, BRK, HLT and the rest leave the instruction stream, and FEAT_TME's
 * TCANCEL resumes after a TSTART that may be in a caller, an exit there is
 * no place to probe.
 */
static bool a64_no_branch(uint32_t w)
{
	return (w & 0x1c000000) != 0x14000000 || (w & 0xff000000) == 0xd5000000;
}

size_t insn_len_no_branch(enum ga_arch arch, const uint8_t *b, size_t len)
{
	switch (arch) {
	case GA_ARCH_AMD64:
	case GA_ARCH_386:
		return x86_vex_len(b, len, arch == GA_ARCH_AMD64);
	case GA_ARCH_ARM64:
		return len >= 4 && a64_no_branch((uint32_t)ga_read_le(b, 4)) ? 4 : 0;
	default:
		return 0;
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
