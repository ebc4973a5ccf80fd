/* SPDX-License-Identifier: MIT */
/* Indexing: from a binary on disk to a build and its functions. */
#pragma once

#include <stddef.h>

#include "model.h"
#include "params.h"

struct index_result {
	struct ga_build build;
	struct ga_func *funcs;
	size_t nfuncs;
	size_t n_jcc_entry;	/* functions with an entry probe on the stack-check branch */
	size_t n_bad;		/* functions whose bytes did not decode */
	struct params_stats params;
	struct typegraph_stats types;	/* the type graph written (with a writer) */
};

struct indexer;

/*
 * Map and identify the binary at path (hashing it once): enough to tell
 * whether a DB already holds it. NULL + errno after one error line.
 */
struct indexer *indexer__open(const char *path);
void indexer__free(struct indexer *ix);
/* The content hash of the mapped file (lowercase hex). */
const char *indexer__sha256(const struct indexer *ix);

struct gadb_writer;

struct index_opts {
	/* where separate debug files are looked for (debuginfo.h); none: /usr/lib/debug */
	const char *const *debug_dirs;
	size_t ndebug_dirs;
};

/*
 * Analyze the mapped binary (opts may be NULL: the defaults); without
 * DWARF of its own, the DWARF of its separate debug file when one is
 * found. With a writer, the build and its functions are written to it as
 * they are analyzed (the caller commits), and each function's exits and
 * inlined calls are dropped from res once written.
 * Returns 0, or a negative errno after one error line naming the file.
 * The caller frees with index_result_clear().
 */
int indexer__run(struct indexer *ix, struct gadb_writer *writer, const struct index_opts *opts,
		 struct index_result *res);
void index_result_clear(struct index_result *res);
