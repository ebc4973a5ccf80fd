// SPDX-License-Identifier: MIT
/*
 * Capstone does the instruction lengths and validity; branch kinds and
 * targets are read from the opcode bytes, which is exact for the direct
 * forms Go emits and avoids capstone's slow detail mode.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "disasm.h"
#include "log.h"

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
};

struct disasm *disasm__new(enum ga_arch arch)
{
	struct disasm *d;
	cs_mode mode;

	if (arch != GA_ARCH_AMD64 && arch != GA_ARCH_386) {
		pr_warn("disasm: %s is not supported yet", ga_arch_name(arch));
		errno = ENOTSUP;
		return NULL;
	}
	mode = arch == GA_ARCH_AMD64 ? CS_MODE_64 : CS_MODE_32;
	d = calloc(1, sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->arch = arch;
	if (cs_open(CS_ARCH_X86, mode, &d->cs) != CS_ERR_OK) {
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

enum x86_branch {
	X86_OTHER = 0,
	X86_RET,
	X86_JMP,	/* direct, target known */
	X86_JMP_INDIRECT,
	X86_JCC,	/* direct conditional, target known */
	X86_CALL,	/* direct, target known */
};

struct x86_info {
	enum x86_branch kind;
	uint64_t target;
	enum ga_jcc_cond cond;
};

/* Classify one decoded instruction by its bytes. */
static void x86_classify(const uint8_t *b, size_t len, uint64_t addr, bool is64,
			 struct x86_info *xi)
{
	size_t i = 0;
	int64_t rel;
	uint8_t op;

	memset(xi, 0, sizeof(*xi));
	while (i < len && (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
			   b[i] == 0x64 || b[i] == 0x65 || b[i] == 0x66 || b[i] == 0x67 ||
			   b[i] == 0xf0 || b[i] == 0xf2 || b[i] == 0xf3 ||
			   (is64 && (b[i] & 0xf0) == 0x40)))
		i++;
	if (i >= len)
		return;
	op = b[i];
	if (op == 0xc3 || op == 0xc2) {
		xi->kind = X86_RET;
		return;
	}
	if (op == 0xff && i + 1 < len) {
		int reg = (b[i + 1] >> 3) & 7;

		if (reg == 4 || reg == 5)
			xi->kind = X86_JMP_INDIRECT;
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
	xi->target = addr + len + rel;
	if (!is64)
		xi->target &= 0xffffffffu;
	if (op == 0xeb || op == 0xe9) {
		xi->kind = X86_JMP;
	} else if (op == 0xe8) {
		xi->kind = X86_CALL;
	} else {
		uint8_t cc = op == 0x0f ? b[i + 1] & 0x0f : op & 0x0f;

		xi->kind = X86_JCC;
		if (op >= 0xe0 && op <= 0xe3)
			xi->cond = GA_JCC_NONE;	/* loop/jcxz: not a stack check */
		else if (cc == 0x6)
			xi->cond = GA_JCC_BE;
		else if (cc == 0x2)
			xi->cond = GA_JCC_B;
	}
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

struct prologue_jcc {
	uint32_t offset;
	uint8_t len;
	enum ga_jcc_cond cond;
	uint64_t target;
};

int disasm__func(struct disasm *d, const uint8_t *code, size_t size, const struct pclntab *tab,
		 struct ga_func *f)
{
	struct prologue_jcc jccs[PROLOGUE_MAX_INSNS];
	const uint8_t *p = code;
	size_t left = size, nexits = 0, ncalls = 0, njcc = 0, ninsn = 0, i, j;
	uint64_t addr = f->entry, end = f->entry + size;
	bool is64 = d->arch == GA_ARCH_AMD64, indirect = false;
	int err;

	f->decode_status = GA_DECODE_OK;
	while (left) {
		struct x86_info xi;
		const uint8_t *insn_bytes = p;
		uint64_t insn_addr = addr;
		size_t len;

		if (!cs_disasm_iter(d->cs, &p, &left, &addr, d->insn)) {
			f->decode_status = GA_DECODE_BAD;
			pr_debug("disasm: %s: undecodable bytes at +0x%llx", f->name,
				 (unsigned long long)(insn_addr - f->entry));
			break;
		}
		len = d->insn->size;
		x86_classify(insn_bytes, len, insn_addr, is64, &xi);
		ninsn++;
		switch (xi.kind) {
		case X86_RET:
		case X86_JMP:
			if (xi.kind == X86_JMP && xi.target >= f->entry && xi.target < end)
				break;	/* a jump inside the function */
			err = grow((void **)&d->exits, &d->exits_cap, nexits + 1, sizeof(*d->exits));
			if (err)
				return err;
			d->exits[nexits] = (struct ga_exit){
				.offset = insn_addr - f->entry,
				.kind = xi.kind == X86_RET ? GA_EXIT_RET : GA_EXIT_TAILCALL,
				.target = xi.kind == X86_RET ? 0 : xi.target,
				.insn_len = len,
			};
			memcpy(d->exits[nexits].insn, insn_bytes, len);
			nexits++;
			break;
		case X86_JMP_INDIRECT:
			indirect = true;
			break;
		case X86_CALL:
			err = grow((void **)&d->calls, &d->calls_cap, ncalls + 1, sizeof(*d->calls));
			if (err)
				return err;
			d->calls[ncalls++] = (struct call_site){ .addr = insn_addr, .target = xi.target };
			break;
		case X86_JCC:
			if (ninsn <= PROLOGUE_MAX_INSNS && xi.cond != GA_JCC_NONE && njcc < PROLOGUE_MAX_INSNS)
				jccs[njcc++] = (struct prologue_jcc){
					.offset = insn_addr - f->entry, .len = len,
					.cond = xi.cond, .target = xi.target,
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
		uint64_t first_call = 0;
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
