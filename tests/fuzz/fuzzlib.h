/* SPDX-License-Identifier: MIT */
/*
 * What every fuzz target shares (tests/fuzz/README.md).
 *
 * A target defines LLVMFuzzerTestOneInput() and fz_seeds(). It is linked
 * two ways: with libFuzzer's main (make fuzz: clang, ASan+UBSan,
 * coverage) and with replay.c's main (every build: the normal test run
 * replays the seeds and tests/fuzz/regress/<target>/ through it).
 *
 * Binary inputs are the base binaries below, built by the build from the
 * samples with -trimpath (so byte-identical on every machine with the
 * same Go) or fetched pinned (esbuild), damaged by patch records that
 * the fuzzer mutates: the damage lands inside the sections a target
 * reads, which whole-file byte flips of a 2 MB file almost never do.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The base binaries, by index: an input's first byte picks one (mod FZ_NBASES). */
enum {
	FZ_GO119_AMD64,		/* samples/kinds, Go 1.19: pclntab 1.18, DWARF uncompressed */
	FZ_GO119_386,		/* GOARCH=386: 4-byte words, the stack ABI */
	FZ_GO119_ARM64,
	FZ_GO126_AMD64,		/* pclntab 1.20, Swiss maps */
	FZ_GO127_AMD64,		/* the 1.27 moduledata and type layout */
	FZ_GO119_STRIPPED,	/* -ldflags='-s -w': runtime types only */
	FZ_ESBUILD_GO114,	/* esbuild 0.5.26: pclntab 1.2 (.zdebug DWARF) */
	FZ_ESBUILD_GO116,	/* esbuild 0.8.57: pclntab 1.16 */
	FZ_ESBUILD_GO126,	/* esbuild 0.28.2: stripped, textStart 0 */
	FZ_NBASES
};

const char *fz_base_name(unsigned int idx);

/* Set by replay.c: a missing base is then an error, not a skipped input. */
extern bool fz_replaying;

struct fz_file;

/*
 * The base binary idx as a file (a memfd holding its pristine bytes),
 * opened once and kept; NULL when it is absent (fuzzing: the input is
 * ignored; replaying: the replay fails).
 */
struct fz_file *fz_base(unsigned int idx);
/* "/proc/self/fd/N": what the programs' open functions take. */
const char *fz_path(const struct fz_file *f);
const uint8_t *fz_data(const struct fz_file *f, size_t *size);
/* The file range of section name; -ENOENT when it has none. */
int fz_section(const struct fz_file *f, const char *name, uint64_t *off, uint64_t *size);

/*
 * Damage [off, off + size) of f's file by the patch records in
 * in[0..n): each is op (1 byte), at (4 bytes, little-endian, taken mod
 * size), then by op % 4: 0: len (1 byte) and len bytes written there;
 * 1: a fill byte and a 1-byte count of 16-byte blocks (a truncation
 * inside the section reads as zeros or 0xff); 2: one byte XORed with a
 * mask; 3: a 4- or 8-byte word set to a boundary value (0, -1, 1<<31,
 * 1<<31 - 1, the section size...). At most 64 records; a short record
 * ends the list. Returns the bytes of in consumed. fz_restore() undoes.
 */
size_t fz_patch(struct fz_file *f, uint64_t off, uint64_t size, const uint8_t *in, size_t n);
void fz_restore(struct fz_file *f);

/*
 * On an undamaged input (fz_patch applied nothing) when replaying, cond
 * must hold: the seeds prove that a target reaches what it fuzzes (a
 * target whose parser refuses the pristine base would fuzz nothing).
 * Exits 3 naming what when it does not.
 */
void fz_check(bool cond, const char *what);
/* Whether the last fz_patch() changed nothing. */
bool fz_pristine(void);

/* Patch records for a seed: n records, deterministic from seed. */
size_t fz_make_patches(uint8_t *out, size_t room, unsigned int seed, int n);

/*
 * The real indexer and DB writer on the binary at bin: a committed DB
 * at db_path (what goanalyze index writes; the DB targets' seeds).
 * 0 or -errno.
 */
int fz_index(const char *bin, const char *db_path);

/*
 * A seed of a patch target: head[0..nhead) (base, region, ...) alone
 * when npatches is 0, as dir/name; else followed by npatches records
 * made from seed (fz_make_patches), as dir/name-NPATCHES. 0 or -errno.
 */
int fz_write_patch_seed(const char *dir, const char *name, const uint8_t *head, size_t nhead,
			unsigned int seed, int npatches);

/* Write data as dir/name (the dir made first). 0 or -errno. */
int fz_write_seed(const char *dir, const char *name, const void *data, size_t n);

/* Every target's own: write its seed corpus into dir. 0 or -errno. */
int fz_seeds(const char *dir);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
