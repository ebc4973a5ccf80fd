/* SPDX-License-Identifier: MIT */
/* Identity of a binary: size, content hash, Go and GNU build ids. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

#define GA_BUILD_ID_MAX 256

struct ga_binid {
	uint64_t size;
	char sha256[SHA256_HEX_LEN];
	char go_build_id[GA_BUILD_ID_MAX];	/* "" when absent */
	char gnu_build_id[GA_BUILD_ID_MAX];	/* hex, "" when absent */
};

/* Identify an in-memory ELF image (notes read with libelf). */
int binid_from_mem(const void *data, size_t size, struct ga_binid *id);
/*
 * Identify a file already mapped at data, hashing it through read() so the
 * hash does not fault the whole mapping in (peak RSS stays what the
 * analysis touches). -EAGAIN if the file's size changed meanwhile.
 */
int binid_from_mapped(const char *path, const void *data, size_t size, struct ga_binid *id);
/* The sha256 of the file at path, which must be expect_size bytes long. */
int binid_hash_file(const char *path, uint64_t expect_size, char sha256[SHA256_HEX_LEN]);
/* Read and identify the file at path. Prints why on failure. */
int binid_from_file(const char *path, struct ga_binid *id);
/*
 * Only the size and the build id notes of the file at path (no hash): a
 * separate debug file's identity. Prints why on failure.
 */
int binid_notes_from_file(const char *path, struct ga_binid *id);

/*
 * Map a whole file read-only. Returns 0 and sets *data and *size, or a negative
 * errno after printing why. Unmap with file_unmap().
 */
int file_map(const char *path, const void **data, size_t *size);
/* The same for the file open at fd (path names it in messages); fd stays open. */
int file_map_fd(int fd, const char *path, const void **data, size_t *size);
void file_unmap(const void *data, size_t size);
