/* SPDX-License-Identifier: MIT */
/*
 * The types of a build as the DB stores them (tables types and
 * type_fields, schema v7), read back as struct gotype: what goattach's
 * expressions (--expr, --filter) type-check against and lay out.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "gotype.h"

struct typedb;

/*
 * The types of build build_id in db, loaded on demand. NULL with errno
 * set (after a message naming the DB) when they cannot be read.
 */
struct typedb *typedb__open(struct gadb *db, int64_t build_id);
void typedb__free(struct typedb *td);

/*
 * The type ref names (a params.type_id, or a gotype's pointee_off,
 * elem_ref or key_ref from this typedb), with its fields and array
 * element resolved; pointer targets, slice elements and map keys and
 * values stay refs, resolved by further calls. NULL when ref is 0, not
 * in the build, or its rows are damaged (said once on stderr).
 * Borrowed: valid until typedb__free().
 */
const struct gotype *typedb__get(struct typedb *td, uint64_t ref);

/*
 * Whether a row read so far was damaged (said, once, by typedb__get): a
 * plan made while reading them is refused, the DB named in that line.
 */
bool typedb__damaged(const struct typedb *td);
