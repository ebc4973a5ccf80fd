// SPDX-License-Identifier: MIT
/*
 * The pclntab reader (analyzer/pclntab.c) on damaged tables of every
 * format: 1.2 (Go 1.14), 1.16, 1.18 (1.19) and 1.20 (1.26, 1.27), and
 * the moduledata that points at them. Input: base (1 byte), region
 * (1 byte: .gopclntab or .noptrdata), patch records (fuzzlib.h).
 */
#include <stdio.h>
#include <string.h>

#include "elfimg.h"
#include "fuzzlib.h"
#include "pclntab.h"

static const char *const regions[] = { ".gopclntab", ".gopclntab", ".gopclntab", ".noptrdata" };
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

static const char *const versions[FZ_NBASES] = {
	"go1.19", "go1.19", "go1.19", "go1.26.0", "go1.27.0", "go1.19", "go1.14.2", "go1.16", "go1.26.5",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_file *f;
	struct elfimg *bin;
	struct pclntab *tab;
	uint64_t off, len;
	unsigned int base;

	if (size < 2)
		return 0;
	base = data[0] % FZ_NBASES;
	f = fz_base(base);
	if (!f || fz_section(f, regions[data[1] % NREGIONS], &off, &len))
		return 0;
	fz_patch(f, off, len, data + 2, size - 2);
	bin = elfimg__open(fz_path(f));
	fz_check(bin, "elfimg__open failed");
	if (bin) {
		tab = pclntab__open(bin, versions[base]);
		fz_check(tab && tab->nfunc > 100, "pclntab__open found no table");
		if (tab) {
			for (size_t i = 0; i < tab->nfunc; i += 1 + tab->nfunc / 64)
				pclntab__func_at(tab, tab->funcs[i].entry + 1);
			pclntab__free(tab);
		}
		elfimg__free(bin);
	}
	fz_restore(f);
	return 0;
}

int fz_seeds(const char *dir)
{
	uint8_t buf[512];
	char name[64];
	int err;

	for (unsigned int b = 0; b < FZ_NBASES; b++) {
		for (unsigned int r = 0; r < NREGIONS; r += 3) {
			size_t n;

			buf[0] = b;
			buf[1] = r;
			snprintf(name, sizeof(name), "%s-%s", fz_base_name(b), regions[r] + 1);
			err = fz_write_seed(dir, name, buf, 2);
			if (err)
				return err;
			n = fz_make_patches(buf + 2, sizeof(buf) - 2, b * 16 + r, 8);
			snprintf(name, sizeof(name), "%s-%s-8", fz_base_name(b), regions[r] + 1);
			err = fz_write_seed(dir, name, buf, 2 + n);
			if (err)
				return err;
		}
	}
	return 0;
}
