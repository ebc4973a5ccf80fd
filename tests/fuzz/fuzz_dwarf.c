// SPDX-License-Identifier: MIT
/*
 * The DWARF reader (analyzer/dwarf.c, through libdwarf) on damaged
 * .debug_* sections of the bases with DWARF: Go 1.19 amd64/386/arm64
 * (DWARF 4: .debug_loc, .debug_ranges), Go 1.26 and 1.27 (DWARF 5:
 * .debug_loclists, .debug_rnglists, .debug_addr), and esbuild 0.5.26
 * (Go 1.14, compressed .zdebug_*: damage lands mostly in zlib streams).
 * Also the section header string table: a flipped bit in a section name
 * is what once made libdwarf abort().
 *
 * Input: base (1 byte, fuzzlib.h), region (1 byte, regions[] below: for
 * a base without that section its .zdebug_ twin, else the input is
 * skipped), two bytes choosing which functions' params are read (a start
 * and a stride over the pristine pclntab's entries), then patch records
 * (fuzzlib.h) applied inside the region.
 *
 * What it calls: what goanalyze index does with the DWARF of a binary:
 * gdwarf__open, gdwarf__goid_offset, gdwarf__member_offsets of runtime.g,
 * gdwarf__func_params of FUNCS_PER_INPUT functions, gdwarf__type_at of
 * what their pointer, slice, map and chan params refer to, gdwarf__free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf.h"
#include "elfimg.h"
#include "fuzzlib.h"
#include "goruntime.h"
#include "pclntab.h"

static const char *const regions[] = {
	".debug_info", ".debug_abbrev", ".debug_str", ".debug_line", ".debug_rnglists",
	".debug_ranges", ".debug_loclists", ".debug_loc", ".debug_addr", ".debug_frame",
	".shstrtab", ".debug_info", ".debug_info", ".debug_loclists", ".debug_rnglists",
	".debug_loc",
};
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

static const char *const versions[FZ_NBASES] = {
	"go1.19", "go1.19", "go1.19", "go1.26.0", "go1.27.0", "go1.19", "go1.14.2", "go1.16", "go1.26.5",
};

/* Functions whose params one input reads: enough to reach types and lists, few enough to be fast. */
#define FUNCS_PER_INPUT 24

/* The pristine pclntab's entries of each base (a cache of pristine data; never freed). */
struct base_funcs {
	bool read;
	uint64_t *entries;
	size_t n;
};
static struct base_funcs funcs[FZ_NBASES];

static const struct base_funcs *entries_of(unsigned int base, struct fz_file *f)
{
	struct base_funcs *bf = &funcs[base];
	struct elfimg *bin;
	struct pclntab *tab;

	if (bf->read)
		return bf;
	bf->read = true;
	bin = elfimg__open(fz_path(f));
	if (!bin)
		return bf;
	tab = pclntab__open(bin, versions[base]);
	if (tab && tab->nfunc) {
		bf->entries = calloc(tab->nfunc, sizeof(*bf->entries));
		if (bf->entries) {
			for (size_t i = 0; i < tab->nfunc; i++)
				bf->entries[i] = tab->funcs[i].entry;
			bf->n = tab->nfunc;
		}
	}
	pclntab__free(tab);
	elfimg__free(bin);
	return bf;
}

static int region_of(struct fz_file *f, unsigned int r, uint64_t *off, uint64_t *len)
{
	char z[64];

	if (!fz_section(f, regions[r], off, len))
		return 0;
	if (strncmp(regions[r], ".debug_", 7))
		return -1;
	snprintf(z, sizeof(z), ".z%s", regions[r] + 1);
	return fz_section(f, z, off, len);
}

/* What index.c and params.c do with one function's params; true when DWARF describes it. */
static bool read_params(struct gdwarf *dw, uint64_t entry)
{
	const struct goparam *ps;
	size_t n;

	if (gdwarf__func_params(dw, entry, &ps, &n))
		return false;
	for (size_t k = 0; k < n; k++) {
		const struct gotype *t = ps[k].type;

		if (t->pointee_off)
			gdwarf__type_at(dw, t->pointee_off);
		if (t->elem_ref)
			gdwarf__type_at(dw, t->elem_ref);
		if (t->key_ref)
			gdwarf__type_at(dw, t->key_ref);
	}
	gdwarf__params_free(dw, ps);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const g_paths[] = { GO_G_STACK_HI, GO_G_SCHED_SP, GO_G_GOID, GO_G_STATUS };
	const struct base_funcs *bf;
	struct fz_file *f;
	struct gdwarf *dw;
	uint64_t off, len;
	unsigned int base;
	int offs[4], nparams = 0;
	bool has_dwarf;

	if (size < 4)
		return 0;
	base = data[0] % FZ_NBASES;
	f = fz_base(base);
	if (!f || region_of(f, data[1] % NREGIONS, &off, &len))
		return 0;
	bf = entries_of(base, f);
	has_dwarf = !fz_section(f, ".debug_info", &off, &len) ||
		    !fz_section(f, ".zdebug_info", &off, &len);
	region_of(f, data[1] % NREGIONS, &off, &len);
	fz_patch(f, off, len, data + 4, size - 4);

	dw = gdwarf__open(fz_path(f));
	fz_check(dw || !has_dwarf, "gdwarf__open failed");
	if (dw) {
		int goid = gdwarf__goid_offset(dw);
		int rc = gdwarf__member_offsets(dw, "runtime.g", g_paths, 4, offs);

		fz_check(goid > 0 && rc == 0 && offs[2] == goid, "runtime.g.goid not found");
		/* a struct no CU has: every CU walked (slow, so only for some inputs) */
		if (data[2] & 1)
			gdwarf__member_offsets(dw, "runtime.no such struct", g_paths, 1, offs);
		if (bf->n) {
			size_t start = (data[2] | (size_t)data[3] << 8) % bf->n;
			size_t stride = 1 + data[3] * 7;

			for (size_t k = 0; k < FUNCS_PER_INPUT; k++)
				nparams += read_params(dw, bf->entries[(start + k * stride) % bf->n]);
		}
		fz_check(!bf->n || nparams > 0, "no function's params read");
		gdwarf__type_at(dw, 1);
		gdwarf__free(dw);
	}
	fz_restore(f);
	return 0;
}

int fz_seeds(const char *dir)
{
	uint8_t buf[512];
	char name[96];
	int err;

	for (unsigned int b = 0; b < FZ_NBASES; b++) {
		struct fz_file *f = fz_base(b);

		if (!f)
			continue;
		for (unsigned int r = 0; r < 11; r++) {
			uint64_t off, len;
			size_t n;

			if (region_of(f, r, &off, &len))
				continue;
			buf[0] = b;
			buf[1] = r;
			buf[2] = (uint8_t)(r * 37);
			buf[3] = (uint8_t)b;
			snprintf(name, sizeof(name), "%s-%s", fz_base_name(b), regions[r] + 1);
			err = fz_write_seed(dir, name, buf, 4);
			if (err)
				return err;
			n = fz_make_patches(buf + 4, sizeof(buf) - 4, b * 16 + r, 8);
			snprintf(name, sizeof(name), "%s-%s-8", fz_base_name(b), regions[r] + 1);
			err = fz_write_seed(dir, name, buf, 4 + n);
			if (err)
				return err;
		}
	}
	return 0;
}
