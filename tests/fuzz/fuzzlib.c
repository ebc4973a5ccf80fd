// SPDX-License-Identifier: MIT
/* The base binaries and the patch records of the binary fuzz targets (fuzzlib.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "elfimg.h"
#include "fuzzlib.h"
#include "index.h"
#include "log.h"

#ifndef FZ_BASE_DIR
#define FZ_BASE_DIR "fuzzbase"
#endif

bool fz_replaying;
static bool last_pristine = true;

static const char *const base_names[FZ_NBASES] = {
	[FZ_GO119_AMD64] = "go1.19-amd64",
	[FZ_GO119_386] = "go1.19-386",
	[FZ_GO119_ARM64] = "go1.19-arm64",
	[FZ_GO126_AMD64] = "go1.26-amd64",
	[FZ_GO127_AMD64] = "go1.27-amd64",
	[FZ_GO119_STRIPPED] = "go1.19-amd64-stripped",
	[FZ_ESBUILD_GO114] = "esbuild-linux-64-0.5.26",
	[FZ_ESBUILD_GO116] = "esbuild-linux-64-0.8.57",
	[FZ_ESBUILD_GO126] = "esbuild-linux-x64-0.28.2",
};

#define FZ_MAX_RECORDS 64
#define FZ_MAX_UNDO 64

struct fz_range {
	uint64_t off, len;
};

struct fz_file {
	int fd;
	char path[32];
	uint8_t *data;		/* the pristine bytes */
	size_t size;
	struct elfimg *img;	/* of the pristine file: section lookups */
	struct fz_range undo[FZ_MAX_UNDO];
	int nundo;
};

static struct fz_file *bases[FZ_NBASES];
static bool base_missing[FZ_NBASES];

const char *fz_base_name(unsigned int idx)
{
	return idx < FZ_NBASES ? base_names[idx] : NULL;
}

static int read_whole(const char *path, uint8_t **data, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return -EINVAL;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, st.st_size - got);
		if (n <= 0) {
			free(buf);
			close(fd);
			return n < 0 ? -errno : -EIO;
		}
		got += n;
	}
	close(fd);
	*data = buf;
	*size = got;
	return 0;
}

static int pwrite_all(int fd, const uint8_t *p, size_t n, uint64_t off)
{
	ssize_t w;

	while (n) {
		w = pwrite(fd, p, n, off);
		if (w <= 0)
			return -errno;
		p += w;
		n -= w;
		off += w;
	}
	return 0;
}

struct fz_file *fz_base(unsigned int idx)
{
	char path[4096];
	const char *dir;
	struct fz_file *f;
	enum ga_log_level lvl;
	int err;

	idx %= FZ_NBASES;
	if (bases[idx])
		return bases[idx];
	if (base_missing[idx])
		return NULL;
	dir = getenv("FZ_BASE_DIR");
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : FZ_BASE_DIR, base_names[idx]);
	f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	err = read_whole(path, &f->data, &f->size);
	if (err) {
		free(f);
		base_missing[idx] = true;
		if (fz_replaying) {
			fprintf(stderr, "fuzz: base binary '%s': %s\n", path, strerror(-err));
			exit(2);
		}
		return NULL;
	}
	f->fd = memfd_create(base_names[idx], MFD_CLOEXEC);
	if (f->fd < 0 || pwrite_all(f->fd, f->data, f->size, 0)) {
		fprintf(stderr, "fuzz: memfd for '%s': %s\n", path, strerror(errno));
		abort();
	}
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
	lvl = ga_log_get_level();
	f->img = elfimg__open(f->path);
	ga_log_set_level(lvl);
	if (!f->img) {
		fprintf(stderr, "fuzz: base binary '%s' is no ELF file this project reads\n", path);
		abort();
	}
	bases[idx] = f;
	return f;
}

const char *fz_path(const struct fz_file *f)
{
	return f->path;
}

const uint8_t *fz_data(const struct fz_file *f, size_t *size)
{
	*size = f->size;
	return f->data;
}

int fz_section(const struct fz_file *f, const char *name, uint64_t *off, uint64_t *size)
{
	struct elfimg_section sec;

	if (elfimg__section(f->img, name, &sec) || !sec.data)
		return -ENOENT;
	*off = sec.offset;
	*size = sec.size;
	return 0;
}

static void put_range(struct fz_file *f, uint64_t off, uint64_t len)
{
	if (f->nundo == FZ_MAX_UNDO) {
		/* merge everything into one range covering all */
		uint64_t lo = off, hi = off + len;
		for (int i = 0; i < f->nundo; i++) {
			if (f->undo[i].off < lo)
				lo = f->undo[i].off;
			if (f->undo[i].off + f->undo[i].len > hi)
				hi = f->undo[i].off + f->undo[i].len;
		}
		f->nundo = 1;
		f->undo[0] = (struct fz_range){ lo, hi - lo };
		return;
	}
	f->undo[f->nundo++] = (struct fz_range){ off, len };
}

static void write_at(struct fz_file *f, uint64_t off, const uint8_t *p, uint64_t len)
{
	if (off >= f->size || !len)
		return;
	if (len > f->size - off)
		len = f->size - off;
	if (memcmp(f->data + off, p, len))
		last_pristine = false;
	put_range(f, off, len);
	if (pwrite_all(f->fd, p, len, off))
		abort();
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t fz_patch(struct fz_file *f, uint64_t off, uint64_t size, const uint8_t *in, size_t n)
{
	size_t pos = 0;
	uint8_t buf[256 * 16];
	int rec;

	last_pristine = true;
	if (!size || off >= f->size)
		return n;
	if (size > f->size - off)
		size = f->size - off;
	for (rec = 0; rec < FZ_MAX_RECORDS && pos + 5 <= n; rec++) {
		uint8_t op = in[pos];
		uint64_t at = off + le32(in + pos + 1) % size;
		uint64_t end = off + size;

		pos += 5;
		switch (op % 4) {
		case 0: {	/* bytes */
			size_t len;

			if (pos >= n)
				return n;
			len = in[pos++];
			if (len > n - pos)
				len = n - pos;
			if (len > end - at)
				len = end - at;
			write_at(f, at, in + pos, len);
			pos += len;
			break;
		}
		case 1: {	/* a run of one byte: a truncation inside the section */
			size_t len;

			if (pos + 2 > n)
				return n;
			len = (size_t)(in[pos + 1] + 1) * 16;
			if (len > end - at)
				len = end - at;
			memset(buf, in[pos], len);
			write_at(f, at, buf, len);
			pos += 2;
			break;
		}
		case 2: {	/* a flipped bit or few */
			uint8_t b;

			if (pos >= n)
				return n;
			b = f->data[at] ^ (in[pos] ? in[pos] : 1);
			write_at(f, at, &b, 1);
			pos++;
			break;
		}
		case 3: {	/* a boundary word */
			static const uint64_t vals[] = {
				0, ~0ULL, 1ULL << 31, (1ULL << 31) - 1, 1ULL << 63, (1ULL << 32) - 1,
				1, 0x10000, 0x7fff,
			};
			uint64_t v;
			size_t wlen;

			if (pos >= n)
				return n;
			v = in[pos] % 16 < 9 ? vals[in[pos] % 16] : in[pos] % 16 == 9 ? size :
			    in[pos] % 16 == 10 ? size + 1 : in[pos] % 16 == 11 ? size - 1 :
			    in[pos] % 16 == 12 ? f->size : (uint64_t)in[pos] << 24;
			wlen = in[pos] & 0x80 ? 8 : 4;
			if (wlen > end - at)
				wlen = end - at;
			memcpy(buf, &v, 8);
			write_at(f, at, buf, wlen);
			pos++;
			break;
		}
		}
	}
	return pos;
}

void fz_restore(struct fz_file *f)
{
	for (int i = 0; i < f->nundo; i++)
		if (pwrite_all(f->fd, f->data + f->undo[i].off, f->undo[i].len, f->undo[i].off))
			abort();
	f->nundo = 0;
}

bool fz_pristine(void)
{
	return last_pristine;
}

void fz_check(bool cond, const char *what)
{
	if (fz_replaying && last_pristine && !cond) {
		fprintf(stderr, "fuzz: on an undamaged input: %s\n", what);
		exit(3);
	}
}

size_t fz_make_patches(uint8_t *out, size_t room, unsigned int seed, int n)
{
	size_t pos = 0;
	uint32_t x = seed * 2654435761u + 1;

	for (int i = 0; i < n && pos + 8 <= room; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[pos++] = (uint8_t)(2 + (x & 1));	/* bit flips and boundary words */
		memcpy(out + pos, &x, 4);
		pos += 4;
		out[pos++] = (uint8_t)(x >> 8);
	}
	return pos;
}

int fz_index(const char *bin, const char *db_path)
{
	struct index_result res = {};
	struct gadb_writer *w;
	struct indexer *ix;
	int err;

	unlink(db_path);
	ix = indexer__open(bin);
	if (!ix)
		return -errno;
	w = gadb_writer__open(db_path, indexer__sha256(ix));
	if (!w) {
		err = -errno;
		indexer__free(ix);
		return err;
	}
	err = indexer__run(ix, w, NULL, &res);
	indexer__free(ix);
	if (!err)
		err = gadb_writer__commit(w);
	gadb_writer__free(w);
	index_result_clear(&res);
	return err;
}

int fz_write_seed(const char *dir, const char *name, const void *data, size_t n)
{
	char path[4096];
	FILE *f;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	if (n && fwrite(data, 1, n, f) != n) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

int fz_write_patch_seed(const char *dir, const char *name, const uint8_t *head, size_t nhead,
			unsigned int seed, int npatches)
{
	uint8_t buf[1024];
	char path[256];
	size_t n;

	if (nhead > 64)
		return -EINVAL;
	memcpy(buf, head, nhead);
	if (!npatches)
		return fz_write_seed(dir, name, buf, nhead);
	n = fz_make_patches(buf + nhead, sizeof(buf) - nhead, seed, npatches);
	snprintf(path, sizeof(path), "%s-%d", name, npatches);
	return fz_write_seed(dir, path, buf, nhead + n);
}

__attribute__((weak)) int fz_init(void)
{
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ga_log_set_level(GA_LOG_QUIET);
	return fz_init();
}
