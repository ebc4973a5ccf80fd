// SPDX-License-Identifier: MIT
/* objdump's view of a Go binary's functions: the tests' independent disassembler. */
#include <stdlib.h>

#include "model.h"
#include "objdump.h"
#include "test.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool is_branch(const char *m)
{
	return m[0] == 'j' || m[0] == 'b' || !strncmp(m, "call", 4) || !strncmp(m, "cb", 2) ||
	       !strncmp(m, "tb", 2);
}

/* Parse one "  4810a0:\tjbe    4810fb <main.main+0x9b>" line. */
static bool parse_insn(const char *line, struct od_insn *in)
{
	char rest[512];
	int n = 0;

	memset(in, 0, sizeof(*in));
	if (sscanf(line, " %" SCNx64 ":%n", &in->addr, &n) != 1 || !n)
		return false;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	if (sscanf(line, "%15s %511[^\n]", in->mnem, rest) >= 1) {
		char name[128];
		uint64_t t;

		if (sscanf(rest, "%" SCNx64 " <%127[^>]>", &t, name) == 2) {
			in->target = t;
			snprintf(in->target_name, sizeof(in->target_name), "%s", name);
		} else if (sscanf(rest, "0x%" SCNx64, &t) == 1 && is_branch(in->mnem)) {
			/* no symbols: "call 0x4015c0" */
			in->target = t;
		}
	}
	return in->mnem[0] != '\0';
}

static bool is_ret(const char *m)
{
	return !strcmp(m, "ret") || !strcmp(m, "retq") || !strcmp(m, "retl");
}

/* x86 jmp, arm64 b */
static bool is_jmp(const char *m)
{
	return !strcmp(m, "jmp") || !strcmp(m, "jmpq") || !strcmp(m, "jmpl") || !strcmp(m, "b");
}

static bool is_call(const char *m)
{
	return !strncmp(m, "call", 4) || !strcmp(m, "bl");
}

/* Branches Go's stack checks use: x86 jbe/jb, arm64 b.ls/b.lo (objdump: b.cc). */
static bool is_stack_check_jcc(const char *m)
{
	return !strcmp(m, "jbe") || !strcmp(m, "jb") || !strcmp(m, "b.ls") || !strcmp(m, "b.cc") ||
	       !strcmp(m, "b.lo");
}

/*
 * From objdump's instructions of one function: its RETs, its JMPs out of
 * [start, end), and the prologue branch (jbe/jb within the first 8
 * instructions) whose target block's first call is runtime.morestack*.
 */
static void od_analyze(struct od_func *f, struct od_insn *insns, size_t n)
{
	size_t i, j;

	f->entry_probe = -1;
	for (i = 0; i < n; i++) {
		struct od_insn *in = &insns[i];

		if (in->bad)
			f->undecodable = true;
		if (is_ret(in->mnem) && f->nrets < 64)
			f->rets[f->nrets++] = in->addr - f->start;
		if (is_jmp(in->mnem) && in->target && (in->target < f->start || in->target >= f->end) &&
		    f->ntails < 64)
			f->tails[f->ntails++] = in->addr - f->start;
	}
	for (i = 0; i < n && i < 8; i++) {
		struct od_insn *in = &insns[i];

		if (!is_stack_check_jcc(in->mnem) || !in->target)
			continue;
		for (j = 0; j < n; j++) {
			if (insns[j].addr < in->target || !is_call(insns[j].mnem))
				continue;
			if (!strncmp(insns[j].target_name, "runtime.morestack", 17))
				f->entry_probe = in->addr - f->start;
			break;
		}
	}
	qsort(f->rets, f->nrets, sizeof(uint32_t), cmp_u32);
	qsort(f->tails, f->ntails, sizeof(uint32_t), cmp_u32);
}

/* The element of a sorted array whose uint64_t start (the first member) is addr. */
static const void *find_start(const void *base, size_t n, size_t stride, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (*(const uint64_t *)((const char *)base + mid * stride) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && *(const uint64_t *)((const char *)base + lo * stride) == addr)
		return (const char *)base + lo * stride;
	return NULL;
}

static const struct od_bound *bound_at(const struct od_bound *b, size_t n, uint64_t addr)
{
	return find_start(b, n, sizeof(*b), addr);
}

/* All functions objdump shows, with their instructions analyzed. */
struct od_func *objdump_funcs(const char *objdump, const char *bin, const struct od_bound *bounds,
			      size_t nbounds, size_t *nfuncs)
{
	char *argv[] = { (char *)objdump, "-d", "--no-show-raw-insn", (char *)bin, NULL };
	struct od_func *funcs = NULL;
	struct od_insn *insns = NULL;
	size_t nf = 0, ni = 0, capi = 0, capf = 0, k, lo;
	struct cmd_result r;
	char *line, *save = NULL;

	if (cmd_run(argv, 120, &r) || r.status != 0) {
		cmd_result_free(&r);
		return NULL;
	}
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		uint64_t addr;
		char name[256];
		struct od_insn in;

		if (!bounds && sscanf(line, "%" SCNx64 " <%255[^>]>:", &addr, name) == 2) {
			if (nf == capf) {
				capf = capf ? capf * 2 : 1024;
				funcs = realloc(funcs, capf * sizeof(*funcs));
			}
			memset(&funcs[nf], 0, sizeof(funcs[nf]));
			funcs[nf].start = addr;
			snprintf(funcs[nf].name, sizeof(funcs[nf].name), "%s", name);
			nf++;
			continue;
		}
		if ((nf || bounds) && parse_insn(line, &in)) {
			/* ".byte" as the mnemonic, not in a symbol name such as <time.byteString> */
			in.bad = strstr(line, "(bad)") || !strcmp(in.mnem, ".byte");
			if (bounds && in.target) {
				const struct od_bound *t = bound_at(bounds, nbounds, in.target);

				snprintf(in.target_name, sizeof(in.target_name), "%s", t ? t->name : "");
			}
			if (ni == capi) {
				capi = capi ? capi * 2 : 65536;
				insns = realloc(insns, capi * sizeof(*insns));
			}
			insns[ni++] = in;
		}
	}
	if (bounds) {
		/* No symbols: the caller says where functions are. */
		funcs = calloc(nbounds ? nbounds : 1, sizeof(*funcs));
		for (k = 0; k < nbounds; k++) {
			funcs[k].start = bounds[k].start;
			funcs[k].end = bounds[k].end;
			snprintf(funcs[k].name, sizeof(funcs[k].name), "%s", bounds[k].name);
		}
		nf = nbounds;
	} else {
		/* A function ends where objdump's next label starts. */
		for (k = 0; k < nf; k++)
			funcs[k].end = k + 1 < nf ? funcs[k + 1].start : UINT64_MAX;
	}
	/* Instructions and functions are both in address order. */
	for (k = 0, lo = 0; k < nf; k++) {
		size_t hi;

		while (lo < ni && insns[lo].addr < funcs[k].start)
			lo++;
		hi = lo;
		while (hi < ni && insns[hi].addr < funcs[k].end)
			hi++;
		/* objdump's linear sweep may run out of step after data in the text */
		funcs[k].misaligned = lo >= ni || insns[lo].addr != funcs[k].start;
		od_analyze(&funcs[k], insns + lo, hi - lo);
		lo = hi;
	}
	free(insns);
	cmd_result_free(&r);
	*nfuncs = nf;
	return funcs;
}

const struct od_func *od_find(const struct od_func *funcs, size_t n, uint64_t addr)
{
	return find_start(funcs, n, sizeof(*funcs), addr);
}


bool od_matches(const struct od_func *o, const struct ga_func *f, char *why, size_t len)
{
	uint32_t rets[64], tails[64];
	size_t nr = 0, nt = 0, k;
	bool ok;

	for (k = 0; k < f->nexits && k < 64; k++) {
		if (f->exits[k].kind == GA_EXIT_RET)
			rets[nr++] = f->exits[k].offset;
		else
			tails[nt++] = f->exits[k].offset;
	}
	ok = nr == o->nrets && nt == o->ntails && !memcmp(rets, o->rets, nr * sizeof(*rets)) &&
	     !memcmp(tails, o->tails, nt * sizeof(*tails));
	if (o->entry_probe >= 0)
		ok = ok && f->entry_kind == GA_ENTRY_JCC && f->entry_probe_offset == (uint32_t)o->entry_probe;
	else
		ok = ok && f->entry_kind == GA_ENTRY_RAW && f->entry_probe_offset == 0;
	if (!ok)
		snprintf(why, len, "rets %zu/%zu tails %zu/%zu entry +%u/%lld", nr, o->nrets, nt, o->ntails,
			 f->entry_probe_offset, (long long)o->entry_probe);
	return ok;
}
