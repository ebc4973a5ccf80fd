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

/* The analyzer's decode status of code, or -1 if it could not run. */
static int decode_status(enum ga_arch arch, const uint8_t *code, size_t size)
{
	struct pclntab tab = {};
	struct disasm *d = disasm__new(arch);
	struct ga_func f = { .name = strdup("main.f"), .entry = FUNC_ENTRY, .size = size };
	int status = -1;

	if (ASSERT_TRUE(d != NULL, "disasm__new") &&
	    ASSERT_OK(disasm__func(d, code, size, &tab, &f), "disasm__func"))
		status = f.decode_status;
	disasm__free(d);
	ga_func_clear(&f);
	return status;
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

/*
 * jmp +1 into "mov $0xc3,%eax": its immediate is a RET to the CPU, which
 * a linear sweep never sees. A branch into an instruction: undecodable.
 */
TEST(branch_into_insn_stays_bad)
{
	static const uint8_t code[] = { 0xeb, 0x01, 0xb8, 0xc3, 0x00, 0x00, 0x00 };
	static const uint8_t aligned[] = { 0xeb, 0x00, 0xb8, 0xc3, 0x00, 0x00, 0x00 };

	ASSERT_EQ(decode_status(GA_ARCH_AMD64, code, sizeof(code)), GA_DECODE_BAD, "jmp into the mov");
	ASSERT_EQ(decode_status(GA_ARCH_AMD64, aligned, sizeof(aligned)), GA_DECODE_OK, "jmp to the mov");
}

struct len_case {
	const char *what;	/* what objdump -d prints for the bytes */
	uint8_t b[16];
	size_t len;		/* objdump's length */
};

/*
 * Lengths of VEX and EVEX instructions, the bytes and lengths from GNU as
 * and objdump 2.40 (x86-64): every instruction capstone 4 lacks in Go
 * 1.26's runtime (internal/runtime/gc/scan, runtime.asyncPreempt), then
 * the ModRM forms, immediates, maps and prefixes.
 */
static const struct len_case x86_64_lens[] = {
	{ "vpermb %zmm4,%zmm0,%zmm0", { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0xc4 }, 6 },
	{ "vgf2p8affineqb $0x0,%zmm1,%zmm0,%zmm0", { 0x62, 0xf3, 0xfd, 0x48, 0xce, 0xc1, 0x00 }, 7 },
	{ "vpermi2b %zmm4,%zmm0,%zmm1", { 0x62, 0xf2, 0x7d, 0x48, 0x75, 0xcc }, 6 },
	{ "kmovq %rax,%k1", { 0xc4, 0xe1, 0xfb, 0x92, 0xc8 }, 5 },
	{ "kmovq %k0,0x800(%rax)", { 0xc4, 0xe1, 0xf8, 0x91, 0x80, 0x00, 0x08, 0x00, 0x00 }, 9 },
	{ "kmovq 0x800(%rax),%k0", { 0xc4, 0xe1, 0xf8, 0x90, 0x80, 0x00, 0x08, 0x00, 0x00 }, 9 },
	{ "vpopcntb %zmm1,%zmm3", { 0x62, 0xf2, 0x7d, 0x48, 0x54, 0xd9 }, 6 },
	/* capstone 4 lacks these too (chacha20poly1305, hash/crc32 in esbuild) */
	{ "vbroadcasti128 0x10(%r8),%ymm14", { 0xc4, 0x42, 0x7d, 0x5a, 0x70, 0x10 }, 6 },
	{ "vpclmulhqhqdq %zmm0,%zmm1,%zmm5", { 0x62, 0xf3, 0x75, 0x48, 0x44, 0xe8, 0x11 }, 7 },
	/* ModRM, SIB, displacement */
	{ "vpermb 0x40(%rax),%zmm0,%zmm0 (disp8*N)", { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x40, 0x01 }, 7 },
	{ "vpermb 0x1000(%rax,%rbx,8),%zmm0,%zmm0 (SIB, disp8*N)",
	  { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x44, 0xd8, 0x40 }, 8 },
	{ "vpermb 0x12345678(%rip),%zmm0,%zmm0", { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x05, 0x78, 0x56, 0x34, 0x12 }, 10 },
	{ "vpermb (%rsp),%zmm0,%zmm0", { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x04, 0x24 }, 7 },
	{ "vpermb 0x0(%rbp),%zmm0,%zmm0", { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x45, 0x00 }, 7 },
	{ "vpermb 0x0(,%rbx,4),%zmm0,%zmm0 (SIB, no base: disp32)",
	  { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x04, 0x9d, 0x00, 0x00, 0x00, 0x00 }, 11 },
	{ "vpermb (%r12),%zmm0,%zmm0", { 0x62, 0xd2, 0x7d, 0x48, 0x8d, 0x04, 0x24 }, 7 },
	{ "vpermb 0x40(%r13),%zmm0,%zmm0", { 0x62, 0xd2, 0x7d, 0x48, 0x8d, 0x45, 0x01 }, 7 },
	{ "vpermb 0x10000(%rsp),%zmm0,%zmm0 (SIB, disp32)",
	  { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x84, 0x24, 0x00, 0x00, 0x01, 0x00 }, 11 },
	{ "vpermb %zmm4,%zmm0,%zmm0{%k1}{z}", { 0x62, 0xf2, 0x7d, 0xc9, 0x8d, 0xc4 }, 6 },
	{ "vpermd 0x40(%rax){1to16},%zmm0,%zmm0", { 0x62, 0xf2, 0x7d, 0x58, 0x36, 0x40, 0x10 }, 7 },
	{ "vpgatherdd 0x10(%rax,%zmm1,4),%zmm2{%k1} (VSIB)", { 0x62, 0xf2, 0x7d, 0x49, 0x90, 0x54, 0x88, 0x04 }, 8 },
	{ "kmovq 0x8(%rsp),%k3", { 0xc4, 0xe1, 0xf8, 0x90, 0x5c, 0x24, 0x08 }, 7 },
	{ "kmovq 0x800(%rax,%rcx,8),%k0", { 0xc4, 0xe1, 0xf8, 0x90, 0x84, 0xc8, 0x00, 0x08, 0x00, 0x00 }, 10 },
	{ "kmovq %k0,0x3b(%rip)", { 0xc4, 0xe1, 0xf8, 0x91, 0x05, 0x3b, 0x00, 0x00, 0x00 }, 9 },
	/* immediates: map 0F3A always, map 0F for 70-73, C2, C4, C5, C6, map 0F38 never */
	{ "vgf2p8affineqb $0x11,0x40(%rsp),%zmm0,%zmm0", { 0x62, 0xf3, 0xfd, 0x48, 0xce, 0x44, 0x24, 0x01, 0x11 }, 9 },
	{ "vgf2p8affineqb $0x11,0x7c(%rip),%zmm0,%zmm0",
	  { 0x62, 0xf3, 0xfd, 0x48, 0xce, 0x05, 0x7c, 0x00, 0x00, 0x00, 0x11 }, 11 },
	{ "vextracti32x4 $0x1,%zmm1,0x30(%rsp)", { 0x62, 0xf3, 0x7d, 0x48, 0x39, 0x4c, 0x24, 0x03, 0x01 }, 9 },
	{ "rorx $0x5,(%rax),%rcx", { 0xc4, 0xe3, 0xfb, 0xf0, 0x08, 0x05 }, 6 },
	{ "vpshufd $0x1b,%ymm1,%ymm2", { 0xc5, 0xfd, 0x70, 0xd1, 0x1b }, 5 },
	{ "vpshufd $0x1b,%ymm8,%ymm9", { 0xc4, 0x41, 0x7d, 0x70, 0xc8, 0x1b }, 6 },
	{ "vpsrlq $0x3,%ymm1,%ymm2", { 0xc5, 0xed, 0x73, 0xd1, 0x03 }, 5 },
	{ "vpsrlq $0x3,0x100(%rax),%zmm2", { 0x62, 0xf1, 0xed, 0x48, 0x73, 0x50, 0x04, 0x03 }, 8 },
	{ "{evex} vpsrlq $0x3,0x10(%r12),%ymm2",
	  { 0x62, 0xd1, 0xed, 0x28, 0x73, 0x94, 0x24, 0x10, 0x00, 0x00, 0x00, 0x03 }, 12 },
	{ "vpshufd $0x1b,0x7f(%rax),%zmm2",
	  { 0x62, 0xf1, 0x7d, 0x48, 0x70, 0x90, 0x7f, 0x00, 0x00, 0x00, 0x1b }, 11 },
	{ "vcmpltps (%rax),%ymm1,%ymm2", { 0xc5, 0xf4, 0xc2, 0x10, 0x01 }, 5 },
	{ "vcmpltps 0x200(%rip),%zmm1,%k2", { 0x62, 0xf1, 0x74, 0x48, 0xc2, 0x15, 0x00, 0x02, 0x00, 0x00, 0x01 }, 11 },
	{ "vpinsrw $0x2,(%rax,%rcx,1),%xmm1,%xmm2", { 0xc5, 0xf1, 0xc4, 0x14, 0x08, 0x02 }, 6 },
	{ "vpextrw $0x3,%xmm1,%eax", { 0xc5, 0xf9, 0xc5, 0xc1, 0x03 }, 5 },
	{ "vpextrw $0x3,%xmm17,%eax", { 0x62, 0xb1, 0x7d, 0x08, 0xc5, 0xc1, 0x03 }, 7 },
	{ "vshufps $0x4,0x10(%rax),%ymm1,%ymm2", { 0xc5, 0xf4, 0xc6, 0x50, 0x10, 0x04 }, 6 },
	{ "vshufps $0x4,0x40(%rax,%rcx,4),%zmm1,%zmm2", { 0x62, 0xf1, 0x74, 0x48, 0xc6, 0x54, 0x88, 0x01, 0x04 }, 9 },
	{ "vpshufb (%rax),%ymm1,%ymm2", { 0xc4, 0xe2, 0x75, 0x00, 0x10 }, 5 },
	{ "andn %rax,%rbx,%rcx", { 0xc4, 0xe2, 0xe0, 0xf2, 0xc8 }, 5 },
	{ "vzeroupper (no ModRM)", { 0xc5, 0xf8, 0x77 }, 3 },
	/* AVX512-FP16: EVEX maps 5 and 6 */
	{ "vmovsh 0x20(%rax),%xmm1", { 0x62, 0xf5, 0x7e, 0x08, 0x10, 0x48, 0x10 }, 7 },
	{ "vfmadd132ph %zmm1,%zmm2,%zmm3", { 0x62, 0xf6, 0x6d, 0x48, 0x98, 0xd9 }, 6 },
	/* segment override and address size before the escape */
	{ "vpermb %fs:(%rax),%zmm0,%zmm0", { 0x64, 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x00 }, 7 },
	{ "vpermb (%eax),%zmm0,%zmm0", { 0x67, 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x00 }, 7 },
	{ "kmovq %gs:0x10(%eax,%ebx,1),%k3", { 0x65, 0x67, 0xc4, 0xe1, 0xf8, 0x90, 0x5c, 0x18, 0x10 }, 9 },
};

/* The same from as --32 and objdump: C4, C5 and 62 with ModRM.mod 11 next; 16-bit addressing. */
static const struct len_case x86_32_lens[] = {
	{ "vpermb %zmm4,%zmm0,%zmm0", { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0xc4 }, 6 },
	{ "vpermb 0x40(%eax),%zmm0,%zmm0", { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x40, 0x01 }, 7 },
	{ "vpermb 0x1000(%eax,%ebx,8),%zmm0,%zmm0", { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x44, 0xd8, 0x40 }, 8 },
	{ "vpermb 0x12345678,%zmm0,%zmm0 (disp32, no base)",
	  { 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x05, 0x78, 0x56, 0x34, 0x12 }, 10 },
	{ "kmovq %k1,%k2", { 0xc4, 0xe1, 0xf8, 0x90, 0xd1 }, 5 },
	{ "kmovd %eax,%k1", { 0xc5, 0xfb, 0x92, 0xc8 }, 4 },
	{ "kmovq 0x800(%eax),%k0", { 0xc4, 0xe1, 0xf8, 0x90, 0x80, 0x00, 0x08, 0x00, 0x00 }, 9 },
	{ "kmovd %k1,0x10(%ebp)", { 0xc4, 0xe1, 0xf9, 0x91, 0x4d, 0x10 }, 6 },
	{ "vgf2p8affineqb $0x0,0x10(%esp),%zmm0,%zmm0",
	  { 0x62, 0xf3, 0xfd, 0x48, 0xce, 0x84, 0x24, 0x10, 0x00, 0x00, 0x00, 0x00 }, 12 },
	{ "vpshufd $0x1b,(%esp),%ymm2", { 0xc5, 0xfd, 0x70, 0x14, 0x24, 0x1b }, 6 },
	{ "vpaddd %ymm1,%ymm2,%ymm3", { 0xc5, 0xed, 0xfe, 0xd9 }, 4 },
	{ "vpaddd (%eax),%ymm2,%ymm3", { 0xc5, 0xed, 0xfe, 0x18 }, 4 },
	{ "vpermb %ds:0x40(%eax),%zmm0,%zmm0", { 0x3e, 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x40, 0x01 }, 8 },
	{ "vpaddd (%bx,%si),%ymm2,%ymm3", { 0x67, 0xc5, 0xed, 0xfe, 0x18 }, 5 },
	{ "vpaddd 0x1234(%bx,%si),%ymm2,%ymm3", { 0x67, 0xc5, 0xed, 0xfe, 0x98, 0x34, 0x12 }, 7 },
	{ "vpaddd 0x1234,%ymm2,%ymm3 (disp16, no base)", { 0x67, 0xc5, 0xed, 0xfe, 0x1e, 0x34, 0x12 }, 7 },
	{ "vpaddd 0x12(%bp),%ymm2,%ymm3", { 0x67, 0xc5, 0xed, 0xfe, 0x5e, 0x12 }, 6 },
	{ "vpermb 0x40(%bx),%zmm0,%zmm0", { 0x67, 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x47, 0x01 }, 8 },
};

/* Each case has its length, and each shorter cut of it none: no length is read past the bytes. */
static void check_lens(enum ga_arch arch, const struct len_case *c, size_t n)
{
	size_t i, cut;

	for (i = 0; i < n; i++) {
		if (!ASSERT_EQ(insn_len_no_branch(arch, c[i].b, c[i].len), c[i].len, c[i].what))
			continue;
		/* trailing bytes of the next instruction change nothing */
		ASSERT_EQ(insn_len_no_branch(arch, c[i].b, sizeof(c[i].b)), c[i].len, c[i].what);
		for (cut = 0; cut < c[i].len; cut++)
			if (!ASSERT_EQ(insn_len_no_branch(arch, c[i].b, cut), 0, c[i].what))
				break;
	}
}

TEST(vex_evex_lengths_as_objdump)
{
	check_lens(GA_ARCH_AMD64, x86_64_lens, sizeof(x86_64_lens) / sizeof(x86_64_lens[0]));
	check_lens(GA_ARCH_386, x86_32_lens, sizeof(x86_32_lens) / sizeof(x86_32_lens[0]));
}

/* What the length decoder refuses: not VEX or EVEX, or breaking a rule of their encoding. */
TEST(vex_evex_refused)
{
	static const struct len_case amd64_no[] = {
		{ "ret", { 0xc3 } },
		{ "jmp rel32", { 0xe9, 0x00, 0x10, 0x00, 0x00 } },
		{ "syscall", { 0x0f, 0x05 } },
		{ "66 before VEX (#UD)", { 0x66, 0xc5, 0xed, 0xfe, 0xd9 } },
		{ "f2 before VEX (#UD)", { 0xf2, 0xc5, 0xed, 0xfe, 0xd9 } },
		{ "f3 before EVEX (#UD)", { 0xf3, 0x62, 0xf2, 0x7d, 0x48, 0x8d, 0xc4 } },
		{ "lock before VEX (#UD)", { 0xf0, 0xc4, 0xe1, 0xfb, 0x92, 0xc8 } },
		{ "REX before VEX (#UD)", { 0x48, 0xc5, 0xed, 0xfe, 0xd9 } },
		{ "VEX map 0 (#UD)", { 0xc4, 0xe0, 0xfb, 0x92, 0xc8 } },
		{ "VEX map 4 (#UD)", { 0xc4, 0xe4, 0xfb, 0x92, 0xc8 } },
		{ "EVEX map 0", { 0x62, 0xf0, 0x7d, 0x48, 0x8d, 0xc4 } },
		{ "EVEX map 4 (APX)", { 0x62, 0xf4, 0x7d, 0x48, 0x8d, 0xc4 } },
		{ "EVEX map 7", { 0x62, 0xf7, 0x7d, 0x48, 0x8d, 0xc4 } },
		{ "EVEX P0 bit 3 set", { 0x62, 0xfa, 0x7d, 0x48, 0x8d, 0xc4 } },
		{ "EVEX P1 bit 2 clear", { 0x62, 0xf2, 0x79, 0x48, 0x8d, 0xc4 } },
		{ "EVEX 0F 77 (no such instruction)", { 0x62, 0xf1, 0x7c, 0x48, 0x77, 0xc0 } },
	};
	/* cs x12 vpaddd %ymm1,%ymm2,%ymm3: 16 bytes, #GP (objdump: (bad)); one cs fewer is 15 */
	static const uint8_t too_long[16] = { 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
					      0x2e, 0x2e, 0x2e, 0x2e, 0xc5, 0xed, 0xfe, 0xd9 };
	/* outside 64-bit mode: LES, LDS, BOUND (objdump --32: c4 40 10, c5 0b, 62 03) */
	static const struct len_case i386_no[] = {
		{ "les 0x10(%eax),%eax", { 0xc4, 0x40, 0x10 } },
		{ "lds (%ebx),%ecx", { 0xc5, 0x0b } },
		{ "bound %eax,(%ebx)", { 0x62, 0x03 } },
		{ "les with mod 10", { 0xc4, 0xbf, 0x00, 0x00, 0x00, 0x00 } },
	};
	size_t i;

	for (i = 0; i < sizeof(amd64_no) / sizeof(amd64_no[0]); i++)
		ASSERT_EQ(insn_len_no_branch(GA_ARCH_AMD64, amd64_no[i].b, sizeof(amd64_no[i].b)), 0,
			  amd64_no[i].what);
	for (i = 0; i < sizeof(i386_no) / sizeof(i386_no[0]); i++)
		ASSERT_EQ(insn_len_no_branch(GA_ARCH_386, i386_no[i].b, sizeof(i386_no[i].b)), 0,
			  i386_no[i].what);
	ASSERT_EQ(insn_len_no_branch(GA_ARCH_AMD64, too_long, sizeof(too_long)), 0, "16 bytes");
	ASSERT_EQ(insn_len_no_branch(GA_ARCH_AMD64, too_long + 1, 15), 15, "15 bytes, the most there may be");
}

/* A64 words the sweep may step over when capstone does not know them, and those it may not. */
TEST(a64_steppable_words)
{
	/* aarch64-linux-gnu-as 2.40 (-march armv8.7-a+tme+lse) and its objdump */
	static const struct { const char *what; uint32_t w; bool step; } words[] = {
		{ "msr dit, #0x1", 0xd503415f, true },
		{ "dmb ish", 0xd5033bbf, true },
		{ "isb", 0xd5033fdf, true },
		{ "mrs x0, tpidr_el0", 0xd53bd040, true },
		{ "msr tpidr_el0, x1", 0xd51bd041, true },
		{ "ic ivau, x0 (SYS)", 0xd50b7520, true },
		{ "bti c (HINT)", 0xd503245f, true },
		{ "paciasp", 0xd503233f, true },
		{ "autiasp", 0xd50323bf, true },
		{ "tstart x0", 0xd5233060, true },
		{ "tcommit", 0xd503307f, true },
		{ "casal x0, x1, [x2]", 0xc8e0fc41, true },
		{ "ldaddal x1, x2, [x0]", 0xf8e10002, true },
		{ "svc #0x0", 0xd4000001, false },
		{ "brk #0x0", 0xd4200000, false },
		{ "hlt #0x0", 0xd4400000, false },
		{ "tcancel #0", 0xd4600000, false },
		{ "ret", 0xd65f03c0, false },
		{ "br x1", 0xd61f0020, false },
		{ "blr x1", 0xd63f0020, false },
		{ "eret", 0xd69f03e0, false },
		{ "b", 0x14000000, false },
		{ "bl", 0x94000000, false },
		{ "b.eq", 0x54000000, false },
		{ "cbz x0", 0xb4000000, false },
		{ "tbz w0, #3", 0x36180000, false },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		uint8_t b[4] = { words[i].w, words[i].w >> 8, words[i].w >> 16, words[i].w >> 24 };

		ASSERT_EQ(insn_len_no_branch(GA_ARCH_ARM64, b, 4), words[i].step ? 4 : 0, words[i].what);
		ASSERT_EQ(insn_len_no_branch(GA_ARCH_ARM64, b, 3), 0, "three bytes are no word");
	}
}

/*
 * A function of instructions capstone 4 does not know decodes whole: a
 * RET byte inside one (disp8 0xc3) is no exit, the branch over the KMOVQ
 * lands where it starts, the RET and the tail call after them are found,
 * and the verifier accepts them.
 */
TEST(capstone_gaps_amd64_both_sides)
{
	static const uint8_t code[] = {
		0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x40, 0xc3,	/* vpermb -0xf40(%rax),%zmm0,%zmm0 */
		0x62, 0xf3, 0xfd, 0x48, 0xce, 0xc1, 0x00,	/* vgf2p8affineqb $0x0,%zmm1,%zmm0,%zmm0 */
		0x74, 0x09,					/* je +0x19 */
		0xc4, 0xe1, 0xf8, 0x91, 0x80, 0x00, 0x08, 0x00, 0x00,	/* kmovq %k0,0x800(%rax) */
		0x62, 0xf2, 0x7d, 0x48, 0x54, 0xd9,		/* +0x19 vpopcntb %zmm1,%zmm3 */
		0xc3,						/* +0x1f ret */
		0xe9, 0x00, 0x10, 0x00, 0x00,			/* +0x20 jmp: a tail call out */
	};
	uint8_t file[512] = {};
	struct ga_func f;

	if (!both_sides(GA_ARCH_AMD64, code, sizeof(code), &f, file, sizeof(file)))
		goto out;
	if (!ASSERT_EQ(f.nexits, 2, "the RET and the JMP, no RET inside the vpermb"))
		goto out;
	ASSERT_EQ(f.exits[0].offset, 0x1f, "RET offset (objdump)");
	ASSERT_EQ(f.exits[0].kind, GA_EXIT_RET, "RET kind");
	ASSERT_EQ(f.exits[1].offset, 0x20, "tail call offset (objdump)");
	ASSERT_EQ(f.exits[1].target, FUNC_ENTRY + 0x25 + 0x1000, "tail call target");
	ASSERT_EQ(f.entry_insn_len, 7, "the raw entry's instruction, capstone or not");
out:
	ga_func_clear(&f);
}

TEST(capstone_gaps_386_both_sides)
{
	static const uint8_t code[] = {
		0xc5, 0xfb, 0x92, 0xc8,				/* kmovd %eax,%k1 */
		0x62, 0xf2, 0x7d, 0x48, 0x8d, 0x40, 0xc3,	/* vpermb -0xf40(%eax),%zmm0,%zmm0 */
		0xc3,						/* +0xb ret */
	};
	uint8_t file[256] = {};
	struct ga_func f;

	if (!both_sides(GA_ARCH_386, code, sizeof(code), &f, file, sizeof(file)))
		goto out;
	if (ASSERT_EQ(f.nexits, 1, "one RET"))
		ASSERT_EQ(f.exits[0].offset, 0xb, "RET offset (objdump --32)");
out:
	ga_func_clear(&f);
}

/* internal/runtime/sys.EnableDIT of Go 1.24+: msr dit, #1 is stepped over; the RET found. */
TEST(capstone_gaps_a64_both_sides)
{
	static const uint8_t code[] = {
		0x5f, 0x41, 0x03, 0xd5,	/* msr dit, #0x1 */
		0x41, 0xfc, 0xe0, 0xc8,	/* casal x0, x1, [x2] */
		0xc0, 0x03, 0x5f, 0xd6,	/* ret */
	};
	uint8_t file[256] = {};
	struct ga_func f;

	if (!both_sides(GA_ARCH_ARM64, code, sizeof(code), &f, file, sizeof(file)))
		goto out;
	if (ASSERT_EQ(f.nexits, 1, "one RET"))
		ASSERT_EQ(f.exits[0].offset, 8, "RET offset");
out:
	ga_func_clear(&f);
}

/* What cannot be stepped over stays undecodable: an unknown exception-generating word. */
TEST(a64_tcancel_stays_bad)
{
	static const uint8_t code[] = {
		0x00, 0x00, 0x60, 0xd4,	/* tcancel #0: may resume in a caller */
		0xc0, 0x03, 0x5f, 0xd6,	/* ret */
	};

	ASSERT_EQ(decode_status(GA_ARCH_ARM64, code, sizeof(code)), GA_DECODE_BAD, "tcancel: undecodable");
}

/*
 * crypto/internal/boring/sig.StandardCrypto (sig_amd64.s): a JMP over 29
 * bytes of data to its RET. Read as code, the data holds c5 9c f9 11, a
 * VEX form no CPU defines, and the sweep stepping over it swallows the
 * RET into "8e 80 da f1 2f c3". The JMP landing inside that instruction
 * shows the sweep is out of step: undecodable, not a function without exits.
 */
TEST(data_in_text_stays_bad)
{
	static const uint8_t code[] = {
		0xeb, 0x1d, 0xf4, 0x48, 0xf4, 0x4b, 0xf4,
		0xba, 0xee, 0x4d, 0xfa, 0x98, 0x51, 0xca, 0x56, 0xa9, 0x11, 0x45, 0xe8, 0x3e, 0x99,
		0xc5, 0x9c, 0xf9, 0x11, 0xcb, 0x8e, 0x80, 0xda, 0xf1, 0x2f,
		0xc3,
	};

	ASSERT_EQ(insn_len_no_branch(GA_ARCH_AMD64, code + 0x15, sizeof(code) - 0x15), 4,
		  "c5 9c f9 11 has a length");
	ASSERT_EQ(decode_status(GA_ARCH_AMD64, code, sizeof(code)), GA_DECODE_BAD,
		  "a branch into an instruction: undecodable");
}

/*
 * The A64 morestack block's spills (objdump: stp x0, x1, [sp, #8]; str
 * x2, [sp, #24]; stp d0, d1, [sp, #32]; str w3, [sp, #48]; then bl): each
 * register to its argument slot, from SP at entry, with DWARF numbers.
 */
TEST(a64_morestack_spills)
{
	static const uint32_t words[] = {
		0xf9400b90, 0xeb3063ff, 0x54000089, 0xd65f03c0, 0xd503201f, 0xd503201f,
		0xa90087e0, 0xf9000fe2, 0x6d0207e0, 0xb90033e3, 0xaa1e03e3, 0x97fffff6, 0x17fffff5,
	};
	static const struct ga_spill want[] = {
		{ .reg = 0, .off = 8, .size = 8 }, { .reg = 1, .off = 16, .size = 8 },
		{ .reg = 2, .off = 24, .size = 8 }, { .reg = 64, .off = 32, .size = 8 },
		{ .reg = 65, .off = 40, .size = 8 }, { .reg = 3, .off = 48, .size = 4 },
	};
	struct ga_spill got[8];
	struct disasm *d = disasm__new(GA_ARCH_ARM64);
	uint8_t code[sizeof(words)];
	size_t i, n = 0;

	if (!ASSERT_TRUE(d != NULL, "disasm__new"))
		return;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		code[4 * i] = words[i];
		code[4 * i + 1] = words[i] >> 8;
		code[4 * i + 2] = words[i] >> 16;
		code[4 * i + 3] = words[i] >> 24;
	}
	if (ASSERT_OK(disasm__spills(d, code, sizeof(code), 0x10000, 8, got, 8, &n), "spills") &&
	    ASSERT_EQ(n, sizeof(want) / sizeof(want[0]), "six registers")) {
		for (i = 0; i < n; i++) {
			ASSERT_EQ(got[i].reg, want[i].reg, "register");
			ASSERT_EQ(got[i].off, want[i].off, "slot");
			ASSERT_EQ(got[i].size, want[i].size, "size");
		}
	}
	/* a prologue branch that is not B.cond: not a morestack block */
	ASSERT_NEQ(disasm__spills(d, code, sizeof(code), 0x10000, 4, got, 8, &n), 0, "cmp is no branch");
	disasm__free(d);
}
