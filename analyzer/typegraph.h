/* SPDX-License-Identifier: MIT */
/*
 * The types of a build as the DB stores them (tables types and
 * type_fields): every param's type and all it reaches, each distinct
 * gotype numbered once and written through the DB writer as it is first
 * met. Pointer targets, slice and chan elements and map keys and values
 * are refs, resolved by the module that made the types (DWARF or the
 * runtime type data).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "gotype.h"

/* Types a build stores at most: past it, refs to new types are cut (NULL in the DB). */
#define TYPEGRAPH_MAX_TYPES 1000000
/* Refs followed from a param at most: a chain of distinct types that long is no program's. */
#define TYPEGRAPH_MAX_DEPTH 256

/* What a ref names: the type it resolves to in ctx, NULL when it does not read. */
typedef const struct gotype *(*typegraph_resolve_fn)(void *ctx, uint64_t ref);

struct typegraph;

struct typegraph_stats {
	size_t types;		/* types written */
	size_t fields;		/* struct fields written */
	size_t cut;		/* refs not followed: the bounds, or a ref that does not resolve */
	bool full;		/* TYPEGRAPH_MAX_TYPES was reached */
};

/*
 * A registry for the build w is writing, whose refs resolve(ctx, ref)
 * reads; max_types 0 means TYPEGRAPH_MAX_TYPES. NULL with errno ENOMEM.
 * Used by one thread.
 */
struct typegraph *typegraph__new(struct gadb_writer *w, typegraph_resolve_fn resolve, void *ctx,
				 size_t max_types);
void typegraph__free(struct typegraph *tg);

/*
 * The id of t (a type owned by the resolver's module, alive until the
 * build is written) in *id, writing it and what it reaches first when
 * new; *id 0 when the registry is full. 0 or a negative errno.
 */
int typegraph__id(struct typegraph *tg, const struct gotype *t, uint64_t *id);

void typegraph__stats(const struct typegraph *tg, struct typegraph_stats *st);
