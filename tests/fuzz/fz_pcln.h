/* SPDX-License-Identifier: MIT */
/*
 * What the pclntab targets (fuzz_pclntab, fuzz_funcdata) share: a pristine
 * parse of each base, kept (a cache of pristine data: its own memfd, never
 * patched), to aim patch records at the bytes of one function, and the
 * checks every result of the pclntab API must pass however damaged the
 * table is (a failed check aborts: a finding).
 */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elfimg.h"
#include "fuzzlib.h"
#include "log.h"
#include "pclntab.h"

/* The Go release of each base (as buildinfo_read reports it). */
static const char *const fzp_versions[FZ_NBASES] = {
	"go1.19", "go1.19", "go1.19", "go1.26.0", "go1.27.0", "go1.19", "go1.14.2", "go1.16", "go1.26.5",
};

struct fzp_pristine {
	struct elfimg *bin;
	struct pclntab *tab;
	const uint8_t *data;	/* the image's file bytes */
	size_t size;
};

/* The pristine parse of base idx, NULL when the base is absent. */
static inline struct fzp_pristine *fzp_get(unsigned int idx)
{
	static struct fzp_pristine *cache[FZ_NBASES];
	static bool tried[FZ_NBASES];
	struct fz_file *f = fz_base(idx);
	struct fzp_pristine *p;
	enum ga_log_level lvl;
	const uint8_t *bytes;
	size_t n;
	char path[32];
	int fd;

	if (!f)
		return NULL;
	if (tried[idx])
		return cache[idx];
	tried[idx] = true;
	bytes = fz_data(f, &n);
	fd = memfd_create("fzp-pristine", MFD_CLOEXEC);
	if (fd < 0 || write(fd, bytes, n) != (ssize_t)n)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	lvl = ga_log_get_level();
	ga_log_set_level(GA_LOG_QUIET);
	p->bin = elfimg__open(path);
	if (p->bin)
		p->tab = pclntab__open(p->bin, fzp_versions[idx]);
	ga_log_set_level(lvl);
	if (!p->bin || !p->tab) {
		fprintf(stderr, "fuzz: no pristine pclntab in base %s\n", fz_base_name(idx));
		abort();
	}
	p->data = elfimg__data(p->bin, &p->size);
	cache[idx] = p;
	return p;	/* the fd stays open: the image maps it */
}

/* File offset of a pointer into p's image. */
static inline uint64_t fzp_off(const struct fzp_pristine *p, const void *ptr)
{
	return (const uint8_t *)ptr - p->data;
}

/* Where function idx's pc-value tables and funcdata are: layout of pclntab.c's func_tables. */
struct fzp_func {
	uint64_t rec_off, rec_len;	/* _func record with pcdata and funcdata (file offsets) */
	uint64_t inl_pc_off;		/* its PCDATA_InlTreeIndex table, 0 none */
	uint64_t tree_off;		/* its FUNCDATA_InlTree, 0 none */
	uint64_t arginfo_off;		/* its FUNCDATA_ArgInfo, 0 none */
};

static inline void fzp_func(const struct fzp_pristine *p, size_t idx, struct fzp_func *out)
{
	const struct pclntab *t = p->tab;
	const uint8_t *fn = t->base + t->funcs[idx].func_off;
	bool v116 = !strcmp(t->format, "1.16"), v120 = !strcmp(t->format, "1.20");
	int ps = t->ptr_size, hdr = v116 ? ps + 36 : v120 ? 44 : 40;
	uint32_t npcdata = 0, nfuncdata = 0, pcdata;
	uint64_t addr, off;

	memset(out, 0, sizeof(*out));
	out->rec_off = fzp_off(p, fn);
	out->rec_len = hdr;
	if (!strcmp(t->format, "1.2") || t->funcs[idx].func_off + hdr > t->size)
		return;
	npcdata = (uint32_t)ga_read_le(fn + (v116 ? ps + 24 : 28), 4);
	nfuncdata = fn[hdr - 1];
	if (npcdata > 64)
		npcdata = 64;
	out->rec_len = hdr + 4 * npcdata + (uint64_t)nfuncdata * (v116 ? ps : 4) + (v116 ? ps : 0);
	if (t->funcs[idx].func_off + out->rec_len > t->size)
		out->rec_len = t->size - t->funcs[idx].func_off;
	if (npcdata > 2 && t->funcs[idx].func_off + hdr + 12 <= t->size) {
		pcdata = (uint32_t)ga_read_le(fn + hdr + 8, 4);
		if (pcdata && t->pctab_off + pcdata < t->size)
			out->inl_pc_off = fzp_off(p, t->base + t->pctab_off + pcdata);
	}
	if (!pclntab__funcdata(t, idx, 3, &addr) && !elfimg__vaddr_to_off(p->bin, addr, &off))
		out->tree_off = off;
	if (!pclntab__funcdata(t, idx, FUNCDATA_ARGINFO, &addr) &&
	    !elfimg__vaddr_to_off(p->bin, addr, &off))
		out->arginfo_off = off;
}

#define FZP_CHECK(cond)                                                                        \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "fuzz: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                        \
			abort();                                                               \
		}                                                                              \
	} while (0)

/* What pclntab__open promises of any table it returns. */
static inline void fzp_check_table(const struct pclntab *tab)
{
	for (size_t i = 0; i < tab->nfunc; i++) {
		FZP_CHECK(tab->funcs[i].name);
		FZP_CHECK(tab->funcs[i].entry <= tab->funcs[i].end);
		FZP_CHECK(tab->funcs[i].func_off < tab->size);
		FZP_CHECK(!i || tab->funcs[i - 1].entry <= tab->funcs[i].entry);
	}
}

/*
 * Every per-function reader on function idx, and what their results
 * promise: inline parents form no cycle and index the tree, ranges lie in
 * the function, sorted, each naming a call of the tree.
 */
static inline void fzp_exercise_func(const struct pclntab *tab, size_t idx)
{
	const struct pcln_func *f = &tab->funcs[idx];
	struct pcln_inline *in = NULL;
	struct pcln_inl_range *rs = NULL;
	struct pcln_arginfo ai;
	size_t n = 0, nrs = 0, k;
	uint64_t addr;

	for (unsigned int which = 0; which < 8; which++)
		pclntab__funcdata(tab, idx, which, &addr);
	if (!pclntab__arginfo(tab, idx, &ai)) {
		FZP_CHECK(ai.nargs >= 0 && ai.nargs <= PCLN_ARGINFO_MAX_ARGS);
		for (int a = 0; a < ai.nargs; a++)
			FZP_CHECK(ai.args[a].n >= -1 && ai.args[a].n <= PCLN_ARGINFO_MAX_WORDS);
	}
	if (!pclntab__inlines(tab, idx, &in, &n, &rs, &nrs)) {
		for (k = 0; k < n; k++) {
			size_t depth = 0;
			int j = (int)k;

			FZP_CHECK(in[k].callee);
			FZP_CHECK(in[k].parent >= -1 && in[k].parent < (int)n);
			while (j >= 0) {
				FZP_CHECK(depth++ <= n);	/* a cycle of parents */
				j = in[j].parent;
			}
		}
		for (k = 0; k < nrs; k++) {
			FZP_CHECK(rs[k].start < rs[k].end);
			FZP_CHECK(rs[k].end <= f->end - f->entry);
			FZP_CHECK(rs[k].idx >= 0 && (size_t)rs[k].idx < n);
			FZP_CHECK(!k || rs[k - 1].end <= rs[k].start);
		}
		free(in);
		free(rs);
	}
	/* without ranges too: the same tree, nothing leaked */
	if (!pclntab__inlines(tab, idx, &in, &n, NULL, NULL))
		free(in);
}
