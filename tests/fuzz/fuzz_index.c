// SPDX-License-Identifier: MIT
/*
 * The whole indexer (analyzer/index.c) as `goanalyze index` runs it:
 * indexer__open (ELF, build ids, hash), indexer__run (build info,
 * pclntab, the disassembly of every function for its RETs and tail JMPs,
 * params from DWARF, runtime types or arg info, the type graph, runtime.g's
 * offsets), written through a real DB writer into a fresh SQLite file in
 * /dev/shm (removed after each input) and committed. Input: base (1
 * byte), region (1 byte: .text, .gopclntab, .rodata, .noptrdata,
 * .go.buildinfo, the ELF and program headers (file bytes 0..0x1000); a
 * region the base lacks is its .text), patch records (fuzzlib.h).
 * Indexing an esbuild base takes about 2 s, more than an input should:
 * the first byte picks among the six samples/kinds bases only (0.1-0.5 s
 * each), by index into quick_bases[] (not fuzzlib's base numbering).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "fuzzlib.h"
#include "index.h"

static const char *const regions[] = { ".text", ".gopclntab", ".rodata", ".noptrdata", ".go.buildinfo",
				       "headers" };
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

/* the bases indexed well under a second each (see above) */
static const unsigned int quick_bases[] = {
	FZ_GO119_AMD64, FZ_GO119_386, FZ_GO119_ARM64, FZ_GO126_AMD64, FZ_GO127_AMD64, FZ_GO119_STRIPPED,
};
#define NQUICK (sizeof(quick_bases) / sizeof(quick_bases[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct index_result res;
	struct gadb_writer *w;
	struct indexer *ix;
	struct fz_file *f;
	char db[64], tmp[96];
	uint64_t off, len;
	unsigned int base;
	const char *region;
	size_t nfuncs = 0;
	int err;

	if (size < 2)
		return 0;
	base = quick_bases[data[0] % NQUICK];
	f = fz_base(base);
	if (!f)
		return 0;
	region = regions[data[1] % NREGIONS];
	if (!strcmp(region, "headers")) {
		fz_data(f, &len);
		off = 0;
		len = len < 0x1000 ? len : 0x1000;
	} else if (fz_section(f, region, &off, &len) && fz_section(f, ".text", &off, &len)) {
		return 0;
	}
	fz_patch(f, off, len, data + 2, size - 2);
	snprintf(db, sizeof(db), "/dev/shm/fuzz_index.%d.db", (int)getpid());
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", db, (int)getpid());
	unlink(db);
	ix = indexer__open(fz_path(f));
	fz_check(ix, "indexer__open failed");
	if (!ix)
		goto out;
	w = gadb_writer__open(db, indexer__sha256(ix));
	fz_check(w, "gadb_writer__open failed");
	if (!w) {
		indexer__free(ix);
		goto out;
	}
	err = indexer__run(ix, w, NULL, &res);
	indexer__free(ix);
	if (!err) {
		nfuncs = res.nfuncs;
		err = gadb_writer__commit(w);
		index_result_clear(&res);
	}
	gadb_writer__free(w);
	fz_check(!err && nfuncs > 1000, "the undamaged base did not index");
	/* an error leaves no DB behind */
	if (err && !access(db, F_OK)) {
		fprintf(stderr, "fuzz_index: '%s' left after an error\n", db);
		abort();
	}
out:
	unlink(db);
	unlink(tmp);
	fz_restore(f);
	return 0;
}

int fz_seeds(const char *dir)
{
	uint8_t head[2];
	char name[64];
	int err;

	for (unsigned int b = 0; b < NQUICK; b++) {
		for (unsigned int r = 0; r < NREGIONS; r++) {
			head[0] = b;
			head[1] = r;
			snprintf(name, sizeof(name), "%s-%s", fz_base_name(quick_bases[b]), regions[r] + (regions[r][0] == '.'));
			/* undamaged once per base, damaged in every region */
			err = r ? 0 : fz_write_patch_seed(dir, name, head, 2, 0, 0);
			if (!err)
				err = fz_write_patch_seed(dir, name, head, 2, b * 16 + r, 4);
			if (err)
				return err;
		}
	}
	return 0;
}
