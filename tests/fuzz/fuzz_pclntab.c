// SPDX-License-Identifier: MIT
/*
 * The pclntab reader (analyzer/pclntab.c) on damaged tables of every
 * format: 1.2 (Go 1.14), 1.16, 1.18 (1.19) and 1.20 (1.26, 1.27), and
 * the moduledata that points at them.
 *
 * Input: base (1 byte), region (1 byte: low 7 bits pick the region
 * below, bit 7 opens without the Go version, so the moduledata layout is
 * told by validation alone), patch records (fuzzlib.h) applied inside
 * the region. Regions: .gopclntab (three of the seven values: most
 * damage lands in the table), .noptrdata, the moduledata itself (found
 * by runtime.firstmoduledata in the pristine base; .noptrdata without
 * symbols), the pcHeader, the start of the functab.
 *
 * Every table pclntab__open returns is checked (fz_pcln.h), every
 * per-function reader runs on a spread of 12 functions, and
 * pclntab__func_at on every function's bounds.
 */
#include "fz_pcln.h"

enum { R_PCLN0, R_PCLN1, R_PCLN2, R_NOPTRDATA, R_MODULEDATA, R_HEADER, R_FUNCTAB, NREGIONS };
static const char *const region_names[NREGIONS] = {
	"gopclntab", "gopclntab1", "gopclntab2", "noptrdata", "moduledata", "header", "functab",
};

#define FZP_SPREAD 12

static bool region_of(struct fz_file *f, const struct fzp_pristine *p, int r, uint64_t *off,
		      uint64_t *len)
{
	const struct pclntab *t = p->tab;
	uint64_t addr, size;

	switch (r) {
	case R_NOPTRDATA:
		return !fz_section(f, ".noptrdata", off, len);
	case R_MODULEDATA:
		if (!elfimg__symbol(p->bin, "runtime.firstmoduledata", &addr, &size) &&
		    !elfimg__vaddr_to_off(p->bin, addr, off)) {
			*len = 48 * t->ptr_size;
			return true;
		}
		return !fz_section(f, ".noptrdata", off, len);
	case R_HEADER:
		*off = fzp_off(p, t->base);
		*len = 8 + 8 * t->ptr_size;
		return true;
	case R_FUNCTAB:
		/* 1.2: after the header; 1.16+: at pcln_off */
		*off = fzp_off(p, t->base) + (strcmp(t->format, "1.2") ? t->pcln_off : (uint64_t)(8 + t->ptr_size));
		*len = 256;
		return true;
	default:
		return !fz_section(f, ".gopclntab", off, len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fzp_pristine *p;
	struct fz_file *f;
	struct elfimg *bin;
	struct pclntab *tab;
	uint64_t off, len;
	unsigned int base;
	bool no_version;

	if (size < 2)
		return 0;
	base = data[0] % FZ_NBASES;
	no_version = data[1] & 0x80;
	f = fz_base(base);
	p = fzp_get(base);
	if (!f || !p || !region_of(f, p, (data[1] & 0x7f) % NREGIONS, &off, &len))
		return 0;
	fz_patch(f, off, len, data + 2, size - 2);
	bin = elfimg__open(fz_path(f));
	fz_check(bin, "elfimg__open failed");
	if (bin) {
		tab = pclntab__open(bin, no_version ? NULL : fzp_versions[base]);
		fz_check(tab && tab->nfunc > 100, "pclntab__open found no table");
		if (tab) {
			fzp_check_table(tab);
			for (size_t i = 0; i < tab->nfunc; i += 1 + tab->nfunc / 64) {
				const struct pcln_func *fn = pclntab__func_at(tab, tab->funcs[i].entry);

				FZP_CHECK(!fn || (fn->entry <= tab->funcs[i].entry &&
						  tab->funcs[i].entry < fn->end));
				pclntab__func_at(tab, tab->funcs[i].end);
				pclntab__func_at(tab, tab->funcs[i].entry - 1);
			}
			for (size_t i = 0; i < tab->nfunc; i += 1 + tab->nfunc / FZP_SPREAD)
				fzp_exercise_func(tab, i);
			/* undamaged: the moduledata words read (type base, and gofunc on 1.18+) */
			if (fz_pristine())
				fz_check(tab->types && (tab->gofunc || !strcmp(tab->format, "1.2") ||
							!strcmp(tab->format, "1.16")),
					 "no moduledata words on an undamaged base");
			pclntab__free(tab);
		}
		elfimg__free(bin);
	}
	fz_restore(f);
	return 0;
}

int fz_seeds(const char *dir)
{
	uint8_t head[2];
	char name[64];
	int err;

	for (unsigned int b = 0; b < FZ_NBASES; b++) {
		for (unsigned int r = 0; r < NREGIONS + 1; r++) {
			/* regions 1 and 2 are .gopclntab again; NREGIONS: without the version */
			if (r == R_PCLN1 || r == R_PCLN2)
				continue;
			head[0] = b;
			head[1] = r == NREGIONS ? 0x80 : r;
			snprintf(name, sizeof(name), "%s-%s%s", fz_base_name(b),
				 region_names[r % NREGIONS], r == NREGIONS ? "-nover" : "");
			err = fz_write_patch_seed(dir, name, head, 2, 0, 0);
			if (!err)
				err = fz_write_patch_seed(dir, name, head, 2, b * 16 + r, 8);
			if (err)
				return err;
		}
	}
	return 0;
}
