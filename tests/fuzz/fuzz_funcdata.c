// SPDX-License-Identifier: MIT
/*
 * The per-function readers of analyzer/pclntab.c on damaged tables:
 * pclntab__funcdata (every slot), pclntab__arginfo (FUNCDATA_ArgInfo),
 * pclntab__inlines with and without ranges (the PCDATA_InlTreeIndex
 * pc-value table walked by pcvalue_step, the FUNCDATA_InlTree tree and
 * its parent links). Formats 1.16, 1.18, 1.20 (the 1.2 base answers
 * -ENOTSUP and must not crash either).
 *
 * Input: base (1 byte), region (1 byte, below), function (2 bytes LE:
 * the first function is that fraction of nfunc), stride (1 byte), then
 * patch records (fuzzlib.h) applied inside the region. Regions are
 * aimed at that first function of the pristine table (fz_pcln.h): its
 * _func record with pcdata/funcdata, its inline pc-value table, its
 * inline tree, its arg-info bytes; or the whole .gopclntab, or
 * .noptrdata (moduledata: gofunc). At most FZF_FUNCS functions are read
 * each run (first, first + stride, ...) so one run stays fast.
 */
#include "fz_pcln.h"

#define FZF_FUNCS 16
#define FZF_HDR 5

enum { R_RECORD, R_INL_PC, R_TREE, R_ARGINFO, R_PCLNTAB, R_NOPTRDATA, NREGIONS };
static const char *const region_names[NREGIONS] = {
	"record", "inlpc", "tree", "arginfo", "gopclntab", "noptrdata",
};

/* The file range of region r for function idx of the pristine table; false when none. */
static bool region_of(struct fz_file *f, const struct fzp_pristine *p, int r, size_t idx,
		      uint64_t *off, uint64_t *len)
{
	struct fzp_func ff;
	bool v120 = !strcmp(p->tab->format, "1.20");

	fzp_func(p, idx, &ff);
	switch (r) {
	case R_RECORD:
		*off = ff.rec_off;
		*len = ff.rec_len;
		return true;
	case R_INL_PC:
		*off = ff.inl_pc_off;
		*len = 64;
		return ff.inl_pc_off;
	case R_TREE:
		*off = ff.tree_off;
		*len = (v120 ? 16 : 20) * 16;
		return ff.tree_off;
	case R_ARGINFO:
		*off = ff.arginfo_off;
		*len = 64;
		return ff.arginfo_off;
	case R_PCLNTAB:
		return !fz_section(f, ".gopclntab", off, len);
	default:
		return !fz_section(f, ".noptrdata", off, len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fzp_pristine *p;
	struct fz_file *f;
	struct elfimg *bin;
	struct pclntab *tab;
	uint64_t off, len;
	unsigned int base, stride;
	size_t first;
	int r;

	if (size < FZF_HDR)
		return 0;
	base = data[0] % FZ_NBASES;
	r = data[1] % NREGIONS;
	f = fz_base(base);
	p = fzp_get(base);
	if (!f || !p)
		return 0;
	first = (size_t)(data[2] | data[3] << 8) * p->tab->nfunc >> 16;
	stride = 1 + data[4];
	if (!region_of(f, p, r, first, &off, &len))
		return 0;
	fz_patch(f, off, len, data + FZF_HDR, size - FZF_HDR);
	bin = elfimg__open(fz_path(f));
	fz_check(bin, "elfimg__open failed");
	if (bin) {
		tab = pclntab__open(bin, fzp_versions[base]);
		fz_check(tab, "pclntab__open failed");
		if (tab) {
			size_t n = 0, i;

			fzp_check_table(tab);
			for (i = first; i < tab->nfunc && n < FZF_FUNCS; i += stride, n++)
				fzp_exercise_func(tab, i);
			if (fz_pristine() && fz_replaying && strcmp(tab->format, "1.2")) {
				/* the seeds reach the readers: some function has an inline tree */
				size_t with_tree = 0, in_n, k;
				struct pcln_inline *in;

				for (k = 0; k < tab->nfunc && !with_tree; k++)
					if (!pclntab__inlines(tab, k, &in, &in_n, NULL, NULL)) {
						with_tree += in_n > 0;
						free(in);
					}
				fz_check(with_tree, "no function with an inline tree");
			}
			pclntab__free(tab);
		}
		elfimg__free(bin);
	}
	fz_restore(f);
	return 0;
}

/* Seeds: per base a function that has an inline tree (1.16+), per region. */
int fz_seeds(const char *dir)
{
	uint8_t buf[256];
	char name[96];
	int err;

	for (unsigned int b = 0; b < FZ_NBASES; b++) {
		struct fzp_pristine *p = fz_base(b) ? fzp_get(b) : NULL;
		size_t fi = 0, k;

		if (!p)
			continue;
		/* the first function past a third of the table with an inline tree */
		for (k = p->tab->nfunc / 3; k < p->tab->nfunc; k++) {
			struct pcln_inline *in;
			size_t n;

			if (!pclntab__inlines(p->tab, k, &in, &n, NULL, NULL)) {
				free(in);
				if (n > 1) {
					fi = k;
					break;
				}
			}
		}
		for (int r = 0; r < NREGIONS; r++) {
			/* the function index as a fraction of 2^16, rounded up to land on it */
			uint32_t frac = p->tab->nfunc ?
				(uint32_t)((((uint64_t)fi << 16) + p->tab->nfunc - 1) / p->tab->nfunc) : 0;
			size_t n;

			if (frac > 0xffff)
				frac = 0xffff;
			buf[0] = b;
			buf[1] = r;
			buf[2] = frac & 0xff;
			buf[3] = frac >> 8;
			buf[4] = 3;
			snprintf(name, sizeof(name), "%s-%s", fz_base_name(b), region_names[r]);
			err = fz_write_seed(dir, name, buf, FZF_HDR);
			if (err)
				return err;
			n = fz_make_patches(buf + FZF_HDR, sizeof(buf) - FZF_HDR, b * 16 + r, 6);
			snprintf(name, sizeof(name), "%s-%s-6", fz_base_name(b), region_names[r]);
			err = fz_write_seed(dir, name, buf, FZF_HDR + n);
			if (err)
				return err;
		}
	}
	return 0;
}
