// SPDX-License-Identifier: MIT
/*
 * The Go build info reader (analyzer/buildinfo.c, buildinfo_read()) on
 * damaged build info of every base: the .go.buildinfo header and its
 * inline varint strings (Go 1.18+), or (before 1.18) the Go string
 * headers its two pointers point at and the bytes those point at; the
 * data holding runtime.buildVersion (the fallbacks); the ELF header
 * (e_shnum/e_shoff: no sections, so the blob is searched for in the
 * writable segments).
 *
 * Input: base (1 byte), region (1 byte, below), patch records
 * (fuzzlib.h) applied inside the region. Regions are file ranges of the
 * pristine base (a region a base lacks falls back to .go.buildinfo).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buildinfo.h"
#include "elfimg.h"
#include "fuzzlib.h"
#include "log.h"

enum { R_SECTION, R_VERSION_HDR, R_MOD_HDR, R_VERSION, R_MOD, R_BUILDVERSION, R_EHDR, NREGIONS };
static const char *const region_names[NREGIONS] = {
	"section", "version-hdr", "mod-hdr", "version", "mod", "buildversion", "ehdr",
};

/* A pristine image of each base, to find the regions (its own memfd: never patched). */
static struct elfimg *pristine(unsigned int idx)
{
	static struct elfimg *cache[FZ_NBASES];
	static bool tried[FZ_NBASES];
	struct fz_file *f = fz_base(idx);
	enum ga_log_level lvl;
	const uint8_t *bytes;
	char path[32];
	size_t n;
	int fd;

	if (!f || tried[idx])
		return f ? cache[idx] : NULL;
	tried[idx] = true;
	bytes = fz_data(f, &n);
	fd = memfd_create("fzb-pristine", MFD_CLOEXEC);
	if (fd < 0 || write(fd, bytes, n) != (ssize_t)n)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	lvl = ga_log_get_level();
	ga_log_set_level(GA_LOG_QUIET);
	cache[idx] = elfimg__open(path);
	ga_log_set_level(lvl);
	if (!cache[idx])
		abort();
	return cache[idx];
}

/* File range of the Go string header at vaddr (hdr) or of its bytes. */
static bool go_string_range(struct elfimg *bin, uint64_t vaddr, bool bytes, uint64_t *off,
			    uint64_t *len)
{
	int ps = elfimg__ptr_size(bin);
	const uint8_t *h = elfimg__vaddr_ptr(bin, vaddr, 2 * ps);

	if (!h)
		return false;
	if (!bytes) {
		*len = 2 * ps;
		return !elfimg__vaddr_to_off(bin, vaddr, off);
	}
	*len = ga_read_le(h + ps, ps);
	return *len && !elfimg__vaddr_to_off(bin, ga_read_le(h, ps), off);
}

static bool region_of(struct elfimg *bin, int r, uint64_t *off, uint64_t *len)
{
	struct elfimg_section sec;
	int ps = elfimg__ptr_size(bin);
	uint64_t addr;

	if (elfimg__section(bin, ".go.buildinfo", &sec) || !sec.data || sec.size < 32)
		return false;
	*off = sec.offset;
	*len = sec.size;
	switch (r) {
	case R_VERSION_HDR:
	case R_MOD_HDR:
	case R_VERSION:
	case R_MOD:
		if (sec.data[15] & 2)
			return true;	/* inline strings: all in the section */
		go_string_range(bin, ga_read_le(sec.data + 16 + (r == R_MOD_HDR || r == R_MOD) * ps, ps),
				r >= R_VERSION, off, len);
		return true;
	case R_BUILDVERSION:
		if (!elfimg__symbol(bin, "runtime.buildVersion", &addr, NULL))
			go_string_range(bin, addr, false, off, len);
		return true;
	case R_EHDR:
		*off = 0;
		*len = 64;
		return true;
	default:
		return true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elfimg *pbin, *bin;
	struct fz_file *f;
	uint64_t off, len;
	unsigned int base;

	if (size < 2)
		return 0;
	base = data[0] % FZ_NBASES;
	f = fz_base(base);
	pbin = pristine(base);
	if (!f || !pbin || !region_of(pbin, data[1] % NREGIONS, &off, &len))
		return 0;
	fz_patch(f, off, len, data + 2, size - 2);
	bin = elfimg__open(fz_path(f));
	fz_check(bin, "elfimg__open failed");
	if (bin) {
		struct ga_build b = {};
		int err = buildinfo_read(bin, &b);

		fz_check(!err && b.go_version && !strncmp(b.go_version, "go1.", 4),
			 "buildinfo_read found no Go version");
		if (!err && !b.go_version)
			abort();	/* 0 promises a version */
		/* the module list parses the same way the indexer stores it */
		for (size_t i = 0; i < b.nmodules; i++)
			if (!b.modules[i].kind || !b.modules[i].path || !b.modules[i].version)
				abort();
		for (size_t i = 0; i < b.nsettings; i++)
			if (!b.settings[i].key || !b.settings[i].value)
				abort();
		ga_build_clear(&b);
		elfimg__free(bin);
	}
	fz_restore(f);
	return 0;
}

int fz_seeds(const char *dir)
{
	uint8_t head[2];
	char name[96];
	int err;

	for (unsigned int b = 0; b < FZ_NBASES; b++) {
		for (int r = 0; r < NREGIONS; r++) {
			head[0] = b;
			head[1] = r;
			snprintf(name, sizeof(name), "%s-%s", fz_base_name(b), region_names[r]);
			err = fz_write_patch_seed(dir, name, head, 2, 0, 0);
			if (!err)
				err = fz_write_patch_seed(dir, name, head, 2, b * 16 + r, 4);
			if (err)
				return err;
		}
	}
	return 0;
}
