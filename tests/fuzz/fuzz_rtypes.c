// SPDX-License-Identifier: MIT
/*
 * The runtime type reader of stripped binaries (analyzer/rtype.c,
 * rtypes.c) as the indexer uses it: runtime.g's field offsets from its
 * type descriptor (rtype_g_layout), every method a named type lists
 * (rtype_methods__new), the params of every function that runs one
 * (rtype_methods__func_params), and every type those reach through
 * rtype_methods__type_at, walked breadth first with a bound of our own
 * (a damaged type graph can have cycles, huge lengths, deep nesting: the
 * reader must survive each; the walk here only touches what it returns).
 * Input: base (1 byte), region (1 byte: .rodata, .typelink, .itablink,
 * .noptrdata (moduledata), .data.rel.ro: what holds the descriptors in a
 * PIE; a region the base lacks is its .rodata), patch records (fuzzlib.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfimg.h"
#include "fuzzlib.h"
#include "goruntime.h"
#include "pclntab.h"
#include "rtype.h"
#include "rtypes.h"

static const char *const regions[] = { ".rodata", ".typelink", ".itablink", ".noptrdata", ".data.rel.ro" };
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

static const char *const versions[FZ_NBASES] = {
	"go1.19", "go1.19", "go1.19", "go1.26.0", "go1.27.0", "go1.19", "go1.14.2", "go1.16", "go1.26.5",
};

/* Types one input's walk visits at most, and funcs whose params it asks for. */
#define WALK_MAX 4096
#define FUNCS_MAX 20000

#define WALK_SLOTS (2 * WALK_MAX)	/* a power of two */

struct walk {
	const struct gotype *seen[WALK_MAX];	/* in the order met */
	const struct gotype *slots[WALK_SLOTS];	/* open addressing on the address */
	size_t n;
	size_t bytes;		/* name bytes touched: ASan sees a bad pointer */
};

static void walk_add(struct walk *w, const struct gotype *t)
{
	size_t i;

	if (!t || w->n >= WALK_MAX)
		return;
	i = ((uintptr_t)t * 0x9e3779b97f4a7c15ull >> 20) & (WALK_SLOTS - 1);
	while (w->slots[i] && w->slots[i] != t)
		i = (i + 1) & (WALK_SLOTS - 1);
	if (w->slots[i])
		return;
	w->slots[i] = t;
	w->seen[w->n++] = t;
}

static void walk_ref(struct walk *w, struct rtype_methods *rm, uint64_t ref)
{
	if (ref)
		walk_add(w, rtype_methods__type_at(rm, ref));
}

/* Every type reachable from what seen[] holds, up to WALK_MAX. */
static void walk_all(struct walk *w, struct rtype_methods *rm)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct gotype *t = w->seen[i];

		w->bytes += t->name ? strlen(t->name) : 0;
		for (size_t j = 0; j < t->nfields; j++) {
			w->bytes += t->fields[j].name ? strlen(t->fields[j].name) : 0;
			walk_add(w, t->fields[j].type);
		}
		walk_add(w, t->elem);
		walk_ref(w, rm, t->pointee_off);
		walk_ref(w, rm, t->elem_ref);
		walk_ref(w, rm, t->key_ref);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtype_methods_stats st = {};
	struct go_g_layout gl = { -1, -1, -1, -1 };
	struct rtype_methods *rm = NULL;
	struct walk *w = NULL;
	struct fz_file *f;
	struct elfimg *bin;
	struct pclntab *tab;
	uint64_t off, len;
	unsigned int base;
	size_t typed = 0;
	int err;

	if (size < 2)
		return 0;
	base = data[0] % FZ_NBASES;
	f = fz_base(base);
	if (!f)
		return 0;
	if (fz_section(f, regions[data[1] % NREGIONS], &off, &len) &&
	    fz_section(f, ".rodata", &off, &len))
		return 0;
	fz_patch(f, off, len, data + 2, size - 2);
	bin = elfimg__open(fz_path(f));
	fz_check(bin, "elfimg__open failed");
	if (!bin)
		goto out;
	tab = pclntab__open(bin, versions[base]);
	fz_check(tab, "pclntab__open failed");
	if (!tab)
		goto out_bin;
	err = rtype_g_layout(bin, tab, versions[base], &gl);
	fz_check(!err && gl.goid_off > 0 && gl.stack_hi_off >= 0, "no runtime.g layout from the types");
	rm = rtype_methods__new(tab, versions[base]);
	fz_check(rm, "rtype_methods__new found no type data");
	if (!rm)
		goto out_tab;
	rtype_methods__stats(rm, &st);
	/* Go 1.14's descriptors (esbuild 0.5.26) hold no method the reader types */
	fz_check(base == FZ_ESBUILD_GO114 || (st.types > 10 && st.methods > 10),
		 "no methods in the type data");
	w = calloc(1, sizeof(*w));
	if (!w)
		goto out_rm;
	for (size_t i = 0; i < tab->nfunc && i < FUNCS_MAX; i++) {
		struct goparam *params = NULL;
		size_t n = 0;

		if (rtype_methods__func_params(rm, tab->funcs[i].entry, &params, &n))
			continue;
		typed++;
		for (size_t j = 0; j < n; j++) {
			w->bytes += params[j].name ? strlen(params[j].name) : 0;
			walk_add(w, params[j].type);
		}
		free(params);
	}
	walk_all(w, rm);
	fz_check(base == FZ_ESBUILD_GO114 || (typed > 10 && w->n > 10),
		 "no method typed from the type data");
out_rm:
	free(w);
	rtype_methods__free(rm);
out_tab:
	pclntab__free(tab);
out_bin:
	elfimg__free(bin);
out:
	fz_restore(f);
	return 0;
}

int fz_seeds(const char *dir)
{
	uint8_t head[2];
	char name[64];
	int err;

	for (unsigned int b = 0; b < FZ_NBASES; b++) {
		for (unsigned int r = 0; r < NREGIONS; r++) {
			head[0] = b;
			head[1] = r;
			snprintf(name, sizeof(name), "%s-%s", fz_base_name(b), regions[r] + 1);
			/* undamaged once per base, damaged in every region */
			err = r ? 0 : fz_write_patch_seed(dir, name, head, 2, 0, 0);
			if (!err)
				err = fz_write_patch_seed(dir, name, head, 2, b * 16 + r, 8);
			if (err)
				return err;
		}
	}
	return 0;
}
