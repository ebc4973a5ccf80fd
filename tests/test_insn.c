// SPDX-License-Identifier: MIT
/*
 * The one instruction classifier (common/insn.c), seen from both sides:
 * what goanalyze's disassembly records as an exit, goattach's byte checks
 * accept, prefixes and all; and what is not an exit is refused. The
 * function bytes are written here by hand, so the truth is the encoding
 * (Intel SDM vol. 2, Arm ARM C4.1), not our own output.
 */
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "insn.h"
#include "pclntab.h"
#include "test.h"
#include "verify.h"

#define FUNC_FILE_OFF 0x40
#define FUNC_ENTRY 0x401000

/* Index code with the analyzer, then check every exit it found with goattach's verifier. */
static bool both_sides(enum ga_arch arch, const uint8_t *code, size_t size, struct ga_func *f,
		       uint8_t *file, size_t file_size)
{
	struct pclntab tab = {};	/* no functions: no morestack, no tail-call names */
	struct verify_img img = { .path = "test_insn", .arch = arch, .data = file, .size = file_size };
	struct disasm *d = disasm__new(arch);
	uint64_t off;
	size_t i;
	bool ok = true;

	memset(f, 0, sizeof(*f));
	f->name = strdup("main.prefixed");
	f->entry = FUNC_ENTRY;
	f->file_off = FUNC_FILE_OFF;
	f->size = size;
	memcpy(file + FUNC_FILE_OFF, code, size);
	if (!ASSERT_TRUE(d != NULL, "disasm__new"))
		return false;
	ok = ASSERT_OK(disasm__func(d, code, size, &tab, f), "disasm__func") &&
	     ASSERT_EQ(f->decode_status, GA_DECODE_OK, "capstone decodes every prefixed form");
	for (i = 0; ok && i < f->nexits; i++)
		ok = ASSERT_OK(verify_exit(&img, f, i, &off), "the verifier accepts what the analyzer indexed") &&
		     ASSERT_EQ(off, FUNC_FILE_OFF + f->exits[i].offset, "file offset");
	disasm__free(d);
	return ok;
}

TEST(prefixed_ret_both_sides)
{
	/* mov rbx, rax; then RET under every legacy prefix, REX, and plain; then a tail call */
	static const uint8_t code[] = {
		0x48, 0x89, 0xc3,
		0xf3, 0xc3,		/* rep ret */
		0xf2, 0xc3,		/* bnd ret */
		0x2e, 0xc3, 0x3e, 0xc3, 0x26, 0xc3, 0x36, 0xc3,	/* segment overrides */
		0x64, 0xc3, 0x65, 0xc3,	/* fs, gs */
		0x66, 0xc3,		/* operand size */
		0x67, 0xc3,		/* address size */
		0x41, 0xc3,		/* REX.B */
		0xc2, 0x08, 0x00,	/* ret 8 */
		0xc3,
		0x3e, 0xe9, 0x00, 0x10, 0x00, 0x00,	/* ds jmp rel32: a tail call out */
	};
	static const uint32_t want_ret[] = { 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 28 };
	uint8_t file[512] = {};
	struct ga_func f;
	size_t i;

	if (!both_sides(GA_ARCH_AMD64, code, sizeof(code), &f, file, sizeof(file)))
		goto out;
	if (!ASSERT_EQ(f.nexits, sizeof(want_ret) / sizeof(want_ret[0]) + 1, "every RET and the JMP"))
		goto out;
	for (i = 0; i < sizeof(want_ret) / sizeof(want_ret[0]); i++) {
		ASSERT_EQ(f.exits[i].offset, want_ret[i], "RET offset");
		ASSERT_EQ(f.exits[i].kind, GA_EXIT_RET, "RET kind");
	}
	ASSERT_EQ(f.exits[i].offset, 29, "tail call offset");
	ASSERT_EQ(f.exits[i].kind, GA_EXIT_TAILCALL, "tail call kind");
	ASSERT_EQ(f.exits[i].target, FUNC_ENTRY + 35 + 0x1000, "tail call target");
out:
	ga_func_clear(&f);
}

/* On 386, 0x48 is DEC EAX, not a REX prefix: the RET is the next byte, on both sides. */
TEST(386_no_rex)
{
	static const uint8_t code[] = { 0x48, 0xc3, 0x40, 0xc3 };
	uint8_t file[256] = {};
	struct verify_img img = { .path = "test_insn", .arch = GA_ARCH_386, .data = file,
				  .size = sizeof(file) };
	struct ga_func f;
	uint64_t off;

	if (!both_sides(GA_ARCH_386, code, sizeof(code), &f, file, sizeof(file)))
		goto out;
	if (!ASSERT_EQ(f.nexits, 2, "two RETs") || !ASSERT_EQ(f.exits[0].offset, 1, "after DEC EAX") ||
	    !ASSERT_EQ(f.exits[1].offset, 3, "after INC EAX"))
		goto out;
	/* a DB that claims the DEC is a RET: its bytes are "48 c3", refused as not a RET */
	f.exits[0].offset = 0;
	f.exits[0].insn[0] = 0x48;
	f.exits[0].insn[1] = 0xc3;
	f.exits[0].insn_len = 2;
	ASSERT_NEQ(verify_exit(&img, &f, 0, &off), 0, "48 c3 is no RET on 386");
	ASSERT_TRUE(insn_is_probe_class(GA_ARCH_AMD64, code, 2, INSN_PROBE_RET, GA_JCC_NONE),
		    "48 c3 is REX.W RET on amd64");
out:
	ga_func_clear(&f);
}

/* A64: RET, B out of the function; B.cond inside is no exit; the verifier agrees. */
TEST(a64_exits_both_sides)
{
	static const uint8_t code[] = {
		0x1f, 0x20, 0x03, 0xd5,	/* nop */
		0x40, 0x00, 0x00, 0x54,	/* b.eq +8 (inside) */
		0xc0, 0x03, 0x5f, 0xd6,	/* ret */
		0x00, 0x04, 0x00, 0x14,	/* b +0x1000 (outside: a tail call) */
	};
	uint8_t file[256] = {};
	struct ga_func f;

	if (!both_sides(GA_ARCH_ARM64, code, sizeof(code), &f, file, sizeof(file)))
		goto out;
	if (!ASSERT_EQ(f.nexits, 2, "RET and B"))
		goto out;
	ASSERT_EQ(f.exits[0].offset, 8, "RET offset");
	ASSERT_EQ(f.exits[0].kind, GA_EXIT_RET, "RET");
	ASSERT_EQ(f.exits[1].offset, 12, "B offset");
	ASSERT_EQ(f.exits[1].kind, GA_EXIT_TAILCALL, "B");
out:
	ga_func_clear(&f);
}

/* The prologue's stack-check branches, and what is not one. */
TEST(stack_check_conditions)
{
	static const uint8_t jbe8[] = { 0x76, 0x10 }, jbe32[] = { 0x0f, 0x86, 0x10, 0, 0, 0 };
	static const uint8_t jb8[] = { 0x72, 0x10 }, jz8[] = { 0x74, 0x10 };
	static const uint8_t bls[] = { 0x09, 0x01, 0x00, 0x54 }, blo[] = { 0x03, 0x01, 0x00, 0x54 };
	struct insn_branch br;

	ASSERT_TRUE(insn_is_probe_class(GA_ARCH_AMD64, jbe8, 2, INSN_PROBE_ENTRY, GA_JCC_BE), "jbe rel8");
	ASSERT_TRUE(insn_is_probe_class(GA_ARCH_AMD64, jbe32, 6, INSN_PROBE_ENTRY, GA_JCC_BE), "jbe rel32");
	ASSERT_TRUE(insn_is_probe_class(GA_ARCH_386, jb8, 2, INSN_PROBE_ENTRY, GA_JCC_B), "jb rel8");
	ASSERT_FALSE(insn_is_probe_class(GA_ARCH_AMD64, jz8, 2, INSN_PROBE_ENTRY, GA_JCC_BE), "jz is not jbe");
	ASSERT_FALSE(insn_is_probe_class(GA_ARCH_AMD64, jb8, 2, INSN_PROBE_ENTRY, GA_JCC_BE), "jb is not jbe");
	ASSERT_TRUE(insn_is_probe_class(GA_ARCH_ARM64, bls, 4, INSN_PROBE_ENTRY, GA_JCC_LS), "b.ls");
	ASSERT_TRUE(insn_is_probe_class(GA_ARCH_ARM64, blo, 4, INSN_PROBE_ENTRY, GA_JCC_LO), "b.lo");
	ASSERT_FALSE(insn_is_probe_class(GA_ARCH_ARM64, blo, 4, INSN_PROBE_ENTRY, GA_JCC_LS), "b.lo is not b.ls");
	insn_classify(GA_ARCH_AMD64, jbe32, 6, 0x1000, &br);
	ASSERT_EQ(br.cls, INSN_JCC, "jbe32 class");
	ASSERT_EQ(br.target, 0x1000 + 6 + 0x10, "jbe32 target");
	insn_classify(GA_ARCH_ARM64, bls, 4, 0x1000, &br);
	ASSERT_EQ(br.target, 0x1000 + 8 * 4, "b.ls target (imm19 = 8)");
}
