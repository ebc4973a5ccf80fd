// SPDX-License-Identifier: MIT
/*
 * Disassembly of each function: its exits, calls and the stack-check
 * prologue that gets the entry probe. Capstone gives instruction lengths
 * and validity; what an instruction does (branch kinds, targets) comes
 * from common/insn.c, the classifier goattach's byte checks use too, which
 * is exact for the direct forms Go emits and avoids capstone's slow detail
 * mode. Where capstone 4 does not know an instruction (AVX-512 VBMI, GFNI,
 * BITALG, VEX KMOV; A64 LSE atomics, MSR DIT), common/insn.c gives its
 * length when the encoding shows it cannot branch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "disasm.h"
#include "insn.h"
#include "log.h"
#include "util.h"

/* How many instructions from the entry may belong to the stack-check prologue. */
#define PROLOGUE_MAX_INSNS 8

struct call_site {
	uint64_t addr;
	uint64_t target;
};

struct disasm {
	csh cs;
	cs_insn *insn;
	enum ga_arch arch;
	/* scratch, reused across functions */
	struct ga_exit *exits;
	size_t exits_cap;
	struct call_site *calls;
	size_t calls_cap;
	uint32_t *targets;	/* offsets of direct branch targets inside the function */
	size_t targets_cap;
	uint8_t *starts;	/* bitmap: offsets where an instruction starts */
	size_t starts_cap;
};

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
		break;
	case GA_ARCH_386:
		cs_arch = CS_ARCH_X86;
		mode = CS_MODE_32;
		break;
	case GA_ARCH_ARM64:
		cs_arch = CS_ARCH_ARM64;
		mode = CS_MODE_ARM;
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
	free(d->targets);
	free(d->starts);
	free(d);
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

/* Capstone's length of the instruction at p, 0 if it does not know it. */
static size_t cs_insn_len(struct disasm *d, const uint8_t *p, size_t left, uint64_t addr)
{
	return cs_disasm_iter(d->cs, &p, &left, &addr, d->insn) ? d->insn->size : 0;
}

/* The length of the instruction at p: capstone's, else one that cannot branch; 0 if neither. */
static size_t insn_len(struct disasm *d, const uint8_t *p, size_t left, uint64_t addr)
{
	size_t n = cs_insn_len(d, p, left, addr);

	return n ? n : insn_len_no_branch(d->arch, p, left);
}

bool disasm__reaches(struct disasm *d, const uint8_t *code, size_t size, uint64_t entry,
		     uint64_t target)
{
	size_t off, n;

	for (off = 0; off < size; off += n) {
		struct insn_branch br;

		n = insn_len(d, code + off, size - off, entry + off);
		if (!n)
			return false;
		insn_classify(d->arch, code + off, n, entry + off, &br);
		if ((br.cls == INSN_CALL || br.cls == INSN_JMP) && br.target == target)
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

/*
 * The A64 stores Go's morestack blocks spill argument registers with, to
 * [SP + imm] (Arm ARM C4.1.4 "Loads and Stores"): STP of two X, W, D or S
 * registers (signed offset, imm7 scaled), and STR of one X, W, H, B, D or
 * S register (unsigned offset, imm12 scaled). Up to two spills in sp[];
 * how many, 0 for anything else. DWARF numbers: X0-X30 0-30, V0-V31 64-95.
 */
static int a64_spill(uint32_t w, struct ga_spill sp[2])
{
	static const struct {
		uint32_t mask, match;
		int size;	/* bytes per register, also the scale */
		bool pair, fp;
	} forms[] = {
		{ 0xffc00000, 0xa9000000, 8, true, false },	/* STP Xt, Xt2, [SP, #imm] */
		{ 0xffc00000, 0x29000000, 4, true, false },	/* STP Wt, Wt2 */
		{ 0xffc00000, 0x6d000000, 8, true, true },	/* STP Dt, Dt2 */
		{ 0xffc00000, 0x2d000000, 4, true, true },	/* STP St, St2 */
		{ 0xffc00000, 0xf9000000, 8, false, false },	/* STR Xt, [SP, #imm] */
		{ 0xffc00000, 0xb9000000, 4, false, false },	/* STR Wt */
		{ 0xffc00000, 0x79000000, 2, false, false },	/* STRH Wt */
		{ 0xffc00000, 0x39000000, 1, false, false },	/* STRB Wt */
		{ 0xffc00000, 0xfd000000, 8, false, true },	/* STR Dt */
		{ 0xffc00000, 0xbd000000, 4, false, true },	/* STR St */
	};
	size_t i;

	if (((w >> 5) & 31) != 31)	/* the base must be SP */
		return 0;
	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		int base = forms[i].fp ? 64 : 0, off;

		if ((w & forms[i].mask) != forms[i].match)
			continue;
		if (forms[i].pair) {
			off = (int)(((int32_t)(w << 10)) >> 25) * forms[i].size;	/* imm7 at 21:15 */
			sp[0] = (struct ga_spill){ .reg = base + (w & 31), .off = off, .size = forms[i].size };
			sp[1] = (struct ga_spill){ .reg = base + ((w >> 10) & 31),
						   .off = off + forms[i].size, .size = forms[i].size };
			return 2;
		}
		off = (int)((w >> 10) & 0xfff) * forms[i].size;
		sp[0] = (struct ga_spill){ .reg = base + (w & 31), .off = off, .size = forms[i].size };
		return 1;
	}
	return 0;
}

/* The spills of an A64 morestack block at code[off], up to its BL. */
static int a64_spills(const uint8_t *code, size_t size, size_t off, struct ga_spill *out,
		      size_t max, size_t *n)
{
	size_t ninsn;

	for (ninsn = 0; off + 4 <= size && ninsn < 64; off += 4, ninsn++) {
		uint32_t w = (uint32_t)ga_read_le(code + off, 4);
		struct ga_spill sp[2];
		int k, got;

		if ((w & 0xfc000000) == 0x94000000)	/* BL: the call to morestack */
			return 0;
		got = a64_spill(w, sp);
		for (k = 0; k < got && *n < max; k++)
			out[(*n)++] = sp[k];
	}
	return -EINVAL;
}

int disasm__spills(struct disasm *d, const uint8_t *code, size_t size, uint64_t entry,
		   uint32_t jcc_off, struct ga_spill *out, size_t max, size_t *n)
{
	size_t off, len, ninsn = 0;
	struct insn_branch br;

	*n = 0;
	if (d->arch != GA_ARCH_AMD64 && d->arch != GA_ARCH_ARM64)
		return -ENOTSUP;
	if (jcc_off >= size || !(len = insn_len(d, code + jcc_off, size - jcc_off, entry + jcc_off)))
		return -EINVAL;
	insn_classify(d->arch, code + jcc_off, len, entry + jcc_off, &br);
	if (br.cls != INSN_JCC || br.target < entry || br.target >= entry + size)
		return -EINVAL;
	if (d->arch == GA_ARCH_ARM64)
		return a64_spills(code, size, br.target - entry, out, max, n);
	/* the morestack block: spills, then the call */
	for (off = br.target - entry; off < size && ninsn++ < 64; off += len) {
		struct ga_spill sp;

		len = insn_len(d, code + off, size - off, entry + off);
		if (!len)
			return -EINVAL;
		insn_classify(d->arch, code + off, len, entry + off, &br);
		if (br.cls == INSN_CALL)
			return 0;
		if (x86_spill(code + off, len, &sp) && *n < max)
			out[(*n)++] = sp;
	}
	return -EINVAL;
}

struct prologue_jcc {
	uint32_t offset;
	enum ga_jcc_cond cond;
	uint64_t target;
};

/* What one pass over a function's code found. */
struct func_scan {
	size_t nexits, ncalls, njcc, ninsn, ntargets;
	struct prologue_jcc jccs[PROLOGUE_MAX_INSNS];
	bool indirect;
};

/* Record what a branch means for f: an exit, a call, a candidate stack check. */
static int note_branch(struct disasm *d, const struct ga_func *f, uint64_t end,
		       const uint8_t *bytes, size_t len, uint64_t addr,
		       const struct insn_branch *br, struct func_scan *sc)
{
	int err;

	/* every direct branch inside the function must land where an instruction starts */
	if ((br->cls == INSN_JMP || br->cls == INSN_JCC || br->cls == INSN_CALL) &&
	    br->target >= f->entry && br->target < end) {
		err = ga_ensure_mem((void **)&d->targets, &d->targets_cap, sc->ntargets + 1,
				    sizeof(*d->targets));
		if (err)
			return err;
		d->targets[sc->ntargets++] = br->target - f->entry;
	}
	switch (br->cls) {
	case INSN_RET:
	case INSN_JMP:
		if (br->cls == INSN_JMP && br->target >= f->entry && br->target < end)
			return 0;	/* a jump inside the function */
		err = ga_ensure_mem((void **)&d->exits, &d->exits_cap, sc->nexits + 1, sizeof(*d->exits));
		if (err)
			return err;
		d->exits[sc->nexits] = (struct ga_exit){
			.offset = addr - f->entry,
			.kind = br->cls == INSN_RET ? GA_EXIT_RET : GA_EXIT_TAILCALL,
			.target = br->cls == INSN_RET ? 0 : br->target,
			.insn_len = len,
		};
		memcpy(d->exits[sc->nexits].insn, bytes, len);
		sc->nexits++;
		return 0;
	case INSN_JMP_INDIRECT:
		sc->indirect = true;
		return 0;
	case INSN_CALL:
		err = ga_ensure_mem((void **)&d->calls, &d->calls_cap, sc->ncalls + 1, sizeof(*d->calls));
		if (err)
			return err;
		d->calls[sc->ncalls++] = (struct call_site){ .addr = addr, .target = br->target };
		return 0;
	case INSN_JCC:
		if (sc->ninsn <= PROLOGUE_MAX_INSNS && br->cond != GA_JCC_NONE)
			sc->jccs[sc->njcc++] = (struct prologue_jcc){
				.offset = addr - f->entry, .cond = br->cond, .target = br->target,
			};
		return 0;
	default:
		return 0;
	}
}

/*
 * A direct branch of f into the middle of an instruction proves the sweep
 * out of step: data in the text (crypto/internal/boring/sig's markers,
 * jumped over) read as instructions. Its exits cannot be told.
 */
static void check_targets(const struct disasm *d, const struct func_scan *sc, struct ga_func *f)
{
	size_t i;

	for (i = 0; i < sc->ntargets; i++) {
		uint32_t t = d->targets[i];

		if (!(d->starts[t / 8] & (1u << (t % 8)))) {
			f->decode_status = GA_DECODE_BAD;
			pr_debug("disasm: %s: a branch lands inside an instruction at +0x%x", f->name, t);
			return;
		}
	}
}

/* Decode every instruction of f once; f->decode_status says how far it got. */
static int scan_code(struct disasm *d, const uint8_t *code, size_t size, struct ga_func *f,
		     struct func_scan *sc)
{
	size_t off = 0, left = size, pad = 0, len;
	uint64_t end = f->entry + size;
	int err;

	err = ga_ensure_mem((void **)&d->starts, &d->starts_cap, size / 8 + 1, 1);
	if (err)
		return err;
	memset(d->starts, 0, size / 8 + 1);

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
		uint64_t addr = f->entry + off;
		struct insn_branch br;

		len = cs_insn_len(d, code + off, left, addr);
		if (!len && pad) {
			left += pad;
			pad = 0;
			continue;
		}
		if (!len && is_padding(code + off, left))
			break;
		/*
		 * Capstone 4 lacks newer instructions. One whose encoding shows
		 * it cannot branch (VEX, EVEX; A64 words outside the branch
		 * group, system instructions) has no exit to miss: step over it.
		 */
		if (!len)
			len = insn_len_no_branch(d->arch, code + off, left);
		if (!len) {
			f->decode_status = GA_DECODE_BAD;
			pr_debug("disasm: %s: undecodable bytes at +0x%zx", f->name, off);
			break;
		}
		d->starts[off / 8] |= 1u << (off % 8);
		insn_classify(d->arch, code + off, len, addr, &br);
		sc->ninsn++;
		err = note_branch(d, f, end, code + off, len, addr, &br, sc);
		if (err)
			return err;
		off += len;
		left -= len;
	}
	if (f->decode_status == GA_DECODE_OK)
		check_targets(d, sc, f);
	if (sc->indirect && f->decode_status == GA_DECODE_OK)
		f->decode_status = GA_DECODE_INDIRECT;
	return 0;
}

/*
 * The stack check: a branch near the entry to a block whose first call
 * is runtime.morestack*, which then jumps back to the entry. A probe on
 * the last such branch is passed exactly once per call without being
 * taken, and the kernel emulates it instead of single-stepping.
 */
static void choose_entry_probe(struct disasm *d, const uint8_t *code, size_t size,
			       const struct pclntab *tab, const struct func_scan *sc,
			       struct ga_func *f)
{
	uint64_t end = f->entry + size;
	size_t i, j;

	f->entry_probe_offset = 0;
	f->entry_kind = GA_ENTRY_RAW;
	f->entry_jcc = GA_JCC_NONE;
	for (i = sc->njcc; i-- > 0;) {
		const struct prologue_jcc *jcc = &sc->jccs[i];
		size_t first_call = 0;
		bool found = false;

		if (jcc->target < f->entry || jcc->target >= end)
			continue;
		for (j = 0; j < sc->ncalls; j++) {
			if (d->calls[j].addr >= jcc->target &&
			    (!found || d->calls[j].addr < d->calls[first_call].addr)) {
				first_call = j;
				found = true;
			}
		}
		if (found && is_morestack(tab, d->calls[first_call].target)) {
			f->entry_probe_offset = jcc->offset;
			f->entry_kind = GA_ENTRY_JCC;
			f->entry_jcc = jcc->cond;
			break;
		}
	}
	if (f->entry_probe_offset < size) {
		size_t n = insn_len(d, code + f->entry_probe_offset, size - f->entry_probe_offset,
				    f->entry + f->entry_probe_offset);

		if (n) {
			f->entry_insn_len = n;
			memcpy(f->entry_insn, code + f->entry_probe_offset, n);
		}
	}
}

int disasm__func(struct disasm *d, const uint8_t *code, size_t size, const struct pclntab *tab,
		 struct ga_func *f)
{
	struct func_scan sc = {};
	size_t i;
	int err;

	err = scan_code(d, code, size, f, &sc);
	if (err)
		return err;
	choose_entry_probe(d, code, size, tab, &sc, f);
	f->exits = calloc(sc.nexits ? sc.nexits : 1, sizeof(*f->exits));
	if (!f->exits)
		return -ENOMEM;
	for (i = 0; i < sc.nexits; i++) {
		f->exits[i] = d->exits[i];
		if (f->exits[i].kind == GA_EXIT_TAILCALL) {
			const struct pcln_func *t = pclntab__func_at(tab, f->exits[i].target);

			if (t && t->entry == f->exits[i].target)
				f->exits[i].target_name = strdup(t->name);
		}
	}
	f->nexits = sc.nexits;
	return 0;
}
