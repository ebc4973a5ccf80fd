// SPDX-License-Identifier: MIT
/*
 * Capstone does instruction lengths and validity; branch kinds and targets
 * are read from the instruction bytes, which is exact for the direct forms
 * Go emits and avoids capstone's slow detail mode.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "disasm.h"
#include "log.h"

/* How many instructions from the entry may belong to the stack-check prologue. */
#define PROLOGUE_MAX_INSNS 8

enum branch_kind {
	BR_OTHER = 0,
	BR_RET,
	BR_JMP,		/* direct, target known */
	BR_JMP_INDIRECT,
	BR_JCC,		/* direct conditional, target known */
	BR_CALL,	/* direct, target known */
};

struct branch {
	enum branch_kind kind;
	uint64_t target;
	enum ga_jcc_cond cond;	/* for BR_JCC: a stack-check condition, or NONE */
};

typedef void (*classify_fn)(const uint8_t *b, size_t len, uint64_t addr, struct branch *br);

struct call_site {
	uint64_t addr;
	uint64_t target;
};

struct disasm {
	csh cs;
	cs_insn *insn;
	enum ga_arch arch;
	classify_fn classify;
	/* scratch, reused across functions */
	struct ga_exit *exits;
	size_t exits_cap;
	struct call_site *calls;
	size_t calls_cap;
};

static size_t x86_skip_prefixes(const uint8_t *b, size_t len, bool is64)
{
	size_t i = 0;

	while (i < len && (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
			   b[i] == 0x64 || b[i] == 0x65 || b[i] == 0x66 || b[i] == 0x67 ||
			   b[i] == 0xf0 || b[i] == 0xf2 || b[i] == 0xf3 ||
			   (is64 && (b[i] & 0xf0) == 0x40)))
		i++;
	return i;
}

static void x86_classify(const uint8_t *b, size_t len, uint64_t addr, bool is64, struct branch *br)
{
	size_t i = x86_skip_prefixes(b, len, is64);
	int64_t rel;
	uint8_t op;

	memset(br, 0, sizeof(*br));
	if (i >= len)
		return;
	op = b[i];
	if (op == 0xc3 || op == 0xc2) {
		br->kind = BR_RET;
		return;
	}
	if (op == 0xff && i + 1 < len) {
		int reg = (b[i + 1] >> 3) & 7;

		if (reg == 4 || reg == 5)
			br->kind = BR_JMP_INDIRECT;
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
		rel = (int32_t)read_uint(b + len - 4, 4);
	} else {
		return;
	}
	br->target = addr + len + rel;
	if (!is64)
		br->target &= 0xffffffffu;
	if (op == 0xeb || op == 0xe9) {
		br->kind = BR_JMP;
	} else if (op == 0xe8) {
		br->kind = BR_CALL;
	} else {
		uint8_t cc = op == 0x0f ? b[i + 1] & 0x0f : op & 0x0f;

		br->kind = BR_JCC;
		if (op >= 0xe0 && op <= 0xe3)
			br->cond = GA_JCC_NONE;	/* loop/jcxz: never a stack check */
		else if (cc == 0x6)
			br->cond = GA_JCC_BE;
		else if (cc == 0x2)
			br->cond = GA_JCC_B;
	}
}

static void amd64_classify(const uint8_t *b, size_t len, uint64_t addr, struct branch *br)
{
	x86_classify(b, len, addr, true, br);
}

static void i386_classify(const uint8_t *b, size_t len, uint64_t addr, struct branch *br)
{
	x86_classify(b, len, addr, false, br);
}

static int64_t sext(uint64_t v, int bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* A64 encodings from the Arm ARM, C4.1 (branches, exception generating and system). */
static void arm64_classify(const uint8_t *b, size_t len, uint64_t addr, struct branch *br)
{
	uint32_t w;

	memset(br, 0, sizeof(*br));
	if (len != 4)
		return;
	w = (uint32_t)read_uint(b, 4);
	if ((w & 0xfffffc1f) == 0xd65f0000) {			/* RET Xn */
		br->kind = BR_RET;
	} else if ((w & 0xfffffc1f) == 0xd61f0000) {		/* BR Xn */
		br->kind = BR_JMP_INDIRECT;
	} else if ((w & 0xfc000000) == 0x14000000) {		/* B imm26 */
		br->kind = BR_JMP;
		br->target = addr + sext(w & 0x3ffffff, 26) * 4;
	} else if ((w & 0xfc000000) == 0x94000000) {		/* BL imm26 */
		br->kind = BR_CALL;
		br->target = addr + sext(w & 0x3ffffff, 26) * 4;
	} else if ((w & 0xff000010) == 0x54000000) {		/* B.cond imm19 */
		br->kind = BR_JCC;
		br->target = addr + sext((w >> 5) & 0x7ffff, 19) * 4;
		if ((w & 0xf) == 0x9)
			br->cond = GA_JCC_LS;
		else if ((w & 0xf) == 0x3)
			br->cond = GA_JCC_LO;
	} else if ((w & 0x7e000000) == 0x34000000) {		/* CBZ/CBNZ imm19 */
		br->kind = BR_JCC;
		br->target = addr + sext((w >> 5) & 0x7ffff, 19) * 4;
	} else if ((w & 0x7e000000) == 0x36000000) {		/* TBZ/TBNZ imm14 */
		br->kind = BR_JCC;
		br->target = addr + sext((w >> 5) & 0x3fff, 14) * 4;
	}
}

struct disasm *disasm__new(enum ga_arch arch)
{
	struct disasm *d;
	cs_arch cs_arch;
	cs_mode mode;

	d = calloc(1, sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->arch = arch;
	switch (arch) {
	case GA_ARCH_AMD64:
		cs_arch = CS_ARCH_X86;
		mode = CS_MODE_64;
		d->classify = amd64_classify;
		break;
	case GA_ARCH_386:
		cs_arch = CS_ARCH_X86;
		mode = CS_MODE_32;
		d->classify = i386_classify;
		break;
	case GA_ARCH_ARM64:
		cs_arch = CS_ARCH_ARM64;
		mode = CS_MODE_ARM;
		d->classify = arm64_classify;
		break;
	default:
		pr_warn("disasm: %s is not supported", ga_arch_name(arch));
		free(d);
		errno = ENOTSUP;
		return NULL;
	}
	if (cs_open(cs_arch, mode, &d->cs) != CS_ERR_OK) {
		pr_warn("disasm: capstone cannot open %s", ga_arch_name(arch));
		free(d);
		errno = ENOTSUP;
		return NULL;
	}
	cs_option(d->cs, CS_OPT_DETAIL, CS_OPT_OFF);
	d->insn = cs_malloc(d->cs);
	if (!d->insn) {
		cs_close(&d->cs);
		free(d);
		errno = ENOMEM;
		return NULL;
	}
	return d;
}

void disasm__free(struct disasm *d)
{
	if (!d)
		return;
	if (d->insn)
		cs_free(d->insn, 1);
	cs_close(&d->cs);
	free(d->exits);
	free(d->calls);
	free(d);
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	void *tmp;
	size_t n;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	tmp = realloc(*arr, n * elem);
	if (!tmp)
		return -ENOMEM;
	*arr = tmp;
	*cap = n;
	return 0;
}

static bool is_morestack(const struct pclntab *tab, uint64_t addr)
{
	const struct pcln_func *fn = pclntab__func_at(tab, addr);

	return fn && fn->entry == addr && !strncmp(fn->name, "runtime.morestack", 17);
}

/* Alignment padding the linker put after the code: INT3 on x86, zero words on arm64. */
static bool is_padding(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0 && p[i] != 0xcc)
			return false;
	return true;
}

bool disasm__reaches(struct disasm *d, const uint8_t *code, size_t size, uint64_t entry,
		     uint64_t target)
{
	const uint8_t *p = code;
	size_t left = size;
	uint64_t addr = entry;

	while (left) {
		const uint8_t *insn_bytes = p;
		uint64_t insn_addr = addr;
		struct branch br;

		if (!cs_disasm_iter(d->cs, &p, &left, &addr, d->insn))
			return false;
		d->classify(insn_bytes, d->insn->size, insn_addr, &br);
		if ((br.kind == BR_CALL || br.kind == BR_JMP) && br.target == target)
			return true;
	}
	return false;
}

/* x86-64 hardware register number -> DWARF register number */
static const int8_t x86_dwarf_reg[16] = { 0, 2, 1, 3, 7, 6, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15 };

/*
 * One store of a register to [RSP+disp] (disp8 or disp32, no index): MOV
 * r/m,r (8/16/32/64 bits), MOVSD/MOVSS xmm. Returns false for anything else.
 */
static bool x86_spill(const uint8_t *b, size_t len, struct ga_spill *sp)
{
	bool o16 = false, sse_d = false, sse_s = false;
	uint8_t rex = 0, op, modrm, mod;
	size_t i = 0;
	int reg, size;

	for (; i < len; i++) {
		if (b[i] == 0x66)
			o16 = true;
		else if (b[i] == 0xf2)
			sse_d = true;
		else if (b[i] == 0xf3)
			sse_s = true;
		else
			break;
	}
	if (i < len && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (i + 3 > len)
		return false;
	op = b[i++];
	if (op == 0x0f) {
		if (b[i++] != 0x11 || !(sse_d || sse_s) || i + 2 > len)
			return false;
		size = sse_d ? 8 : 4;
	} else if (op == 0x89 && !sse_d && !sse_s) {
		size = rex & 8 ? 8 : o16 ? 2 : 4;
	} else if (op == 0x88 && !sse_d && !sse_s) {
		size = 1;
	} else {
		return false;
	}
	modrm = b[i++];
	mod = modrm >> 6;
	if ((modrm & 7) != 4 || (mod != 1 && mod != 2) || i >= len || b[i++] != 0x24)
		return false;
	if (mod == 1) {
		if (i + 1 > len)
			return false;
		sp->off = (int8_t)b[i];
	} else {
		int32_t d;

		if (i + 4 > len)
			return false;
		memcpy(&d, b + i, 4);
		sp->off = d;
	}
	reg = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
	sp->reg = op == 0x0f ? 17 + reg : x86_dwarf_reg[reg];
	sp->size = size;
	return true;
}

int disasm__spills(struct disasm *d, const uint8_t *code, size_t size, uint64_t entry,
		   uint32_t jcc_off, struct ga_spill *out, size_t max, size_t *n)
{
	const uint8_t *p;
	size_t left, ninsn = 0;
	uint64_t addr;
	struct branch br;

	*n = 0;
	if (d->arch != GA_ARCH_AMD64)
		return -ENOTSUP;
	p = code + jcc_off;
	left = size - jcc_off;
	addr = entry + jcc_off;
	if (jcc_off >= size || !cs_disasm_iter(d->cs, &p, &left, &addr, d->insn))
		return -EINVAL;
	d->classify(code + jcc_off, d->insn->size, entry + jcc_off, &br);
	if (br.kind != BR_JCC || br.target < entry || br.target >= entry + size)
		return -EINVAL;
	/* the morestack block: spills, then the call */
	p = code + (br.target - entry);
	left = size - (br.target - entry);
	addr = br.target;
	while (left && ninsn++ < 64) {
		const uint8_t *ib = p;
		uint64_t ia = addr;
		struct ga_spill sp;

		if (!cs_disasm_iter(d->cs, &p, &left, &addr, d->insn))
			return -EINVAL;
		d->classify(ib, d->insn->size, ia, &br);
		if (br.kind == BR_CALL)
			return 0;
		if (x86_spill(ib, d->insn->size, &sp) && *n < max)
			out[(*n)++] = sp;
	}
	return -EINVAL;
}

struct prologue_jcc {
	uint32_t offset;
	enum ga_jcc_cond cond;
	uint64_t target;
};

int disasm__func(struct disasm *d, const uint8_t *code, size_t size, const struct pclntab *tab,
		 struct ga_func *f)
{
	struct prologue_jcc jccs[PROLOGUE_MAX_INSNS];
	const uint8_t *p = code;
	size_t left = size, nexits = 0, ncalls = 0, njcc = 0, ninsn = 0, i, j, pad = 0;
	uint64_t addr = f->entry, end = f->entry + size;
	bool indirect = false;
	int err;

	/*
	 * x86 functions end in INT3 padding up to the next alignment: about a
	 * tenth of all instructions. Stop decoding before it; if the last real
	 * instruction happens to end in 0xcc bytes, decoding fails short of
	 * the cut and resumes with the padding given back.
	 */
	if (d->arch != GA_ARCH_ARM64) {
		while (pad < size && code[size - 1 - pad] == 0xcc)
			pad++;
		left = size - pad;
	}
	f->decode_status = GA_DECODE_OK;
	while (left) {
		const uint8_t *insn_bytes = p;
		uint64_t insn_addr = addr;
		struct branch br;
		size_t len;

		if (!cs_disasm_iter(d->cs, &p, &left, &addr, d->insn)) {
			if (pad) {
				left += pad;
				pad = 0;
				continue;
			}
			if (is_padding(p, left))
				break;
			/*
			 * Capstone 4 lacks newer A64 instructions (LSE atomics such
			 * as CASAL, SWPAL). A64 words are fixed-size, and a word
			 * outside the branch encoding group cannot leave the
			 * function: step over it.
			 */
			if (d->arch == GA_ARCH_ARM64 && left >= 4 &&
			    (read_uint(p, 4) & 0x1c000000) != 0x14000000) {
				p += 4;
				left -= 4;
				addr += 4;
				ninsn++;
				continue;
			}
			f->decode_status = GA_DECODE_BAD;
			pr_debug("disasm: %s: undecodable bytes at +0x%llx", f->name,
				 (unsigned long long)(insn_addr - f->entry));
			break;
		}
		len = d->insn->size;
		d->classify(insn_bytes, len, insn_addr, &br);
		ninsn++;
		switch (br.kind) {
		case BR_RET:
		case BR_JMP:
			if (br.kind == BR_JMP && br.target >= f->entry && br.target < end)
				break;	/* a jump inside the function */
			err = grow((void **)&d->exits, &d->exits_cap, nexits + 1, sizeof(*d->exits));
			if (err)
				return err;
			d->exits[nexits] = (struct ga_exit){
				.offset = insn_addr - f->entry,
				.kind = br.kind == BR_RET ? GA_EXIT_RET : GA_EXIT_TAILCALL,
				.target = br.kind == BR_RET ? 0 : br.target,
				.insn_len = len,
			};
			memcpy(d->exits[nexits].insn, insn_bytes, len);
			nexits++;
			break;
		case BR_JMP_INDIRECT:
			indirect = true;
			break;
		case BR_CALL:
			err = grow((void **)&d->calls, &d->calls_cap, ncalls + 1, sizeof(*d->calls));
			if (err)
				return err;
			d->calls[ncalls++] = (struct call_site){ .addr = insn_addr, .target = br.target };
			break;
		case BR_JCC:
			if (ninsn <= PROLOGUE_MAX_INSNS && br.cond != GA_JCC_NONE)
				jccs[njcc++] = (struct prologue_jcc){
					.offset = insn_addr - f->entry, .cond = br.cond, .target = br.target,
				};
			break;
		default:
			break;
		}
	}
	if (indirect && f->decode_status == GA_DECODE_OK)
		f->decode_status = GA_DECODE_INDIRECT;

	/*
	 * The stack check: a branch near the entry to a block whose first call
	 * is runtime.morestack*, which then jumps back to the entry. A probe on
	 * the last such branch is passed exactly once per call without being
	 * taken, and the kernel emulates it instead of single-stepping.
	 */
	f->entry_probe_offset = 0;
	f->entry_kind = GA_ENTRY_RAW;
	f->entry_jcc = GA_JCC_NONE;
	for (i = njcc; i-- > 0;) {
		size_t first_call = 0;
		bool found = false;

		if (jccs[i].target < f->entry || jccs[i].target >= end)
			continue;
		for (j = 0; j < ncalls; j++) {
			if (d->calls[j].addr >= jccs[i].target &&
			    (!found || d->calls[j].addr < d->calls[first_call].addr)) {
				first_call = j;
				found = true;
			}
		}
		if (found && is_morestack(tab, d->calls[first_call].target)) {
			f->entry_probe_offset = jccs[i].offset;
			f->entry_kind = GA_ENTRY_JCC;
			f->entry_jcc = jccs[i].cond;
			break;
		}
	}
	if (f->entry_probe_offset < size) {
		const uint8_t *e = code + f->entry_probe_offset;
		size_t n = size - f->entry_probe_offset;
		uint64_t a = f->entry + f->entry_probe_offset;

		if (cs_disasm_iter(d->cs, &e, &n, &a, d->insn)) {
			f->entry_insn_len = d->insn->size;
			memcpy(f->entry_insn, d->insn->bytes, d->insn->size);
		}
	}

	f->exits = calloc(nexits ? nexits : 1, sizeof(*f->exits));
	if (!f->exits)
		return -ENOMEM;
	for (i = 0; i < nexits; i++) {
		f->exits[i] = d->exits[i];
		if (f->exits[i].kind == GA_EXIT_TAILCALL) {
			const struct pcln_func *t = pclntab__func_at(tab, f->exits[i].target);

			if (t && t->entry == f->exits[i].target)
				f->exits[i].target_name = strdup(t->name);
		}
	}
	f->nexits = nexits;
	return 0;
}
