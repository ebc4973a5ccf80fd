/* SPDX-License-Identifier: MIT */
/*
 * The only module that talks to SQLite: db.c opens and checks, db_read.c
 * reads, db_write.c writes, typedb.c reads a build's types (typedb.h). The layout comes from schema/schema.sql,
 * embedded at build time; both programs refuse a DB whose user_version is
 * not GA_SCHEMA_VERSION.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotype.h"
#include "model.h"

struct gadb;

/* The schema version this build of the tools reads and writes. */
int gadb_schema_version(void);

/*
 * Open an existing DB read-only and check its schema version.
 * Returns NULL and sets errno on failure, after printing why.
 */
struct gadb *gadb__open(const char *path);
void gadb__free(struct gadb *db);

/* Fill *out with the build whose sha256 is sha; -ENOENT if none. */
int gadb__find_build(struct gadb *db, const char *sha256, struct ga_build *out);
/* All builds, oldest first; the caller frees each with ga_build_clear() and the array with free(). */
int gadb__list_builds(struct gadb *db, struct ga_build **builds, size_t *n);

/*
 * Load the functions of a build that match the patterns, with their exits
 * and params. A pattern naming a function exactly selects it (Go names
 * contain '*' and '['); otherwise it is a shell-style glob (the rules are
 * in select.h). npat == 0 selects all. Results are ordered by entry
 * address, without duplicates. *unmatched (optional) receives the index of
 * the first pattern that matched nothing, or -1. Caller frees with
 * ga_funcs_free().
 */
int gadb__load_funcs(struct gadb *db, int64_t build_id, const char *const *patterns,
		     size_t npat, struct ga_func **funcs, size_t *nfuncs, int *unmatched);

/* Where a function that exists only inlined was inlined. */
struct ga_inline_site {
	char *caller;
	uint64_t caller_entry;
	uint32_t offset;
};

/*
 * Call sites where functions matching pattern (a name or glob) were
 * inlined, up to max. Caller frees each caller string and the array.
 */
int gadb__inline_sites(struct gadb *db, int64_t build_id, const char *pattern, size_t max,
		       struct ga_inline_site **sites, size_t *n);

/* A function's address range and name, for turning PCs into names (goattach --stack). */
struct ga_sym {
	uint64_t entry;
	uint64_t size;
	char *name;
	int64_t id;		/* functions.id */
	/* its inlined calls (callee, parent; offset unused) and their code, by start */
	size_t ninlines, nranges;
	struct ga_inline *inlines;
	struct ga_inl_range *ranges;
};

/*
 * Every function of a build, ordered by entry (duplicates of an address
 * dropped), without inlined calls. Caller frees with ga_syms_free().
 */
int gadb__load_syms(struct gadb *db, int64_t build_id, struct ga_sym **syms, size_t *n);
/*
 * The inlined calls and inline_ranges of every function of syms (from
 * gadb__load_syms of the same build). A range naming a call the DB lacks is
 * dropped. 0 or a negative errno.
 */
int gadb__load_sym_inlines(struct gadb *db, int64_t build_id, struct ga_sym *syms, size_t n);
void ga_syms_free(struct ga_sym *syms, size_t n);

/*
 * fn(ctx, name) for each distinct function name starting with prefix, in
 * order (name borrowed for the call); fn returns 0 to go on, > 0 to stop
 * (then 0 is returned) or a negative errno (returned). 0 or a negative errno.
 */
int gadb__for_each_name(struct gadb *db, int64_t build_id, const char *prefix,
			int (*fn)(void *ctx, const char *name), void *ctx);
/* Up to max names close to name (same suffix or substring), caller frees each and the array. */
int gadb__similar_names(struct gadb *db, int64_t build_id, const char *name, size_t max,
			char ***names, size_t *n);

/*
 * 1 if the DB at path exists and already holds the build with this sha256,
 * 0 if not (or no DB yet), negative errno if the DB cannot be read.
 */
int gadb_has_build(const char *path, const char *sha256);

/*
 * Add a build and its functions to the DB at path, creating it if needed.
 * All is written in one transaction to a temporary file next to path that
 * is renamed over path at the end: readers never see a half-made DB, and
 * on failure path is left as it was. Returns 0, -EEXIST if the build is
 * already there, or another negative errno.
 */
int gadb_store_build(const char *path, const struct ga_build *b, const struct ga_func *funcs,
		     size_t nfuncs, const char *analyzer_version);

/*
 * Replace the params of function func_id (a user-given signature), in one
 * transaction, in place. Returns 0 or a negative errno after a message.
 */
int gadb_annotate(const char *path, int64_t func_id, const struct ga_param *params, size_t n);

/*
 * The same as gadb_store_build, a piece at a time, so a large build is written while it is
 * analyzed: open (NULL with errno EEXIST when the build is already there),
 * begin_build, then for function idx its code (exits, inlined calls) and
 * its row (with params) in any order and from one thread at a time, then
 * commit. Freeing an uncommitted writer leaves path as it was.
 */
struct gadb_writer;

struct gadb_writer *gadb_writer__open(const char *path, const char *sha256);
int gadb_writer__begin_build(struct gadb_writer *w, const struct ga_build *b,
			     const char *analyzer_version);
int gadb_writer__add_func_code(struct gadb_writer *w, size_t idx, const struct ga_func *f);
int gadb_writer__add_func(struct gadb_writer *w, size_t idx, const struct ga_func *f);

/*
 * One type of the build (tables types and type_fields): its id (1, 2,
 * ... as the caller numbers the build's types), and the ids of the types
 * it names, which may be written before or after it (0: none). elem is
 * an array's, slice's or chan's element, a map's value or a plain
 * pointer's target; field_types has type->nfields ids. Written once per
 * id, within the writer's transaction.
 */
struct ga_type_row {
	uint64_t id;
	const struct gotype *type;
	uint64_t elem;
	uint64_t key;
	const uint64_t *field_types;
};

int gadb_writer__add_type(struct gadb_writer *w, const struct ga_type_row *row);
int gadb_writer__commit(struct gadb_writer *w);
void gadb_writer__free(struct gadb_writer *w);
