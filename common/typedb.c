// SPDX-License-Identifier: MIT
/*
 * Reading a build's types back (see typedb.h): one row at a time, by id,
 * through two statements prepared on the first lookup, into a cache of
 * struct gotype keyed by id. Opening costs nothing: goattach opens a
 * typedb per DB and most runs look up no type. The rows are untrusted
 * input: a value out of range, a kind that does not parse or a type
 * that names a missing one makes that type (and any that hold it) read
 * as NULL, said once.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db_internal.h"
#include "log.h"
#include "typedb.h"
#include "typemap.h"
#include "util.h"

/*
 * Fields and array elements are resolved when their type is: they nest
 * only as deep as Go's types do (a cycle needs a pointer, which stays a
 * ref). Deeper than this is a damaged DB.
 */
#define TYPEDB_MAX_DEPTH 64
/* Fields of one struct at most (Go's own limit is far above any real type). */
#define TYPEDB_MAX_FIELDS 65536

struct typedb {
	struct gadb *db;
	int64_t build_id;
	sqlite3_stmt *type_st;
	sqlite3_stmt *fields_st;
	struct typemap slots;	/* by id: a type, or TD_BAD: damaged (said), TD_MISSING: no row, TD_LOADING */
	bool damaged;		/* a row was damaged (said): the DB is */
};

static struct gotype td_bad, td_missing, td_loading;
#define TD_BAD (&td_bad)
#define TD_MISSING (&td_missing)
#define TD_LOADING (&td_loading)

struct typedb *typedb__open(struct gadb *db, int64_t build_id)
{
	struct typedb *td;

	if (!db) {
		errno = EINVAL;
		return NULL;
	}
	td = calloc(1, sizeof(*td));
	if (!td) {
		pr_warn("typedb: out of memory opening the types of '%s'", db->path);
		errno = ENOMEM;
		return NULL;
	}
	td->db = db;
	td->build_id = build_id;
	return td;
}

/* A cached type, not the cache's marks */
static void type_free(struct gotype *t)
{
	if (!(t == TD_BAD || t == TD_MISSING || t == TD_LOADING))
		gotype_free(t);
}

void typedb__free(struct typedb *td)
{
	if (!td)
		return;
	typemap_clear(&td->slots, type_free);
	sqlite3_finalize(td->type_st);
	sqlite3_finalize(td->fields_st);
	free(td);
}

/* --- the cache --- */

static struct gotype *cache_get(const struct typedb *td, uint64_t id)
{
	return typemap_get(&td->slots, id);
}

/* Cache t for id, replacing what it had. */
static int cache_put(struct typedb *td, uint64_t id, struct gotype *t)
{
	return typemap_put(&td->slots, id, t);
}

/* --- rows to types --- */

/* One line naming the DB and what is wrong with type id; returns -EINVAL. */
__attribute__((format(printf, 3, 4)))
static int damaged(struct typedb *td, uint64_t id, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	td->damaged = true;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pr_warn("typedb: type %llu of build %lld in '%s' is damaged: %s", (unsigned long long)id,
		(long long)td->build_id, td->db->path, why);
	return -EINVAL;
}

static int prepare(struct typedb *td)
{
	sqlite3 *sql = td->db->sql;

	if (td->type_st)
		return 0;
	if (sqlite3_prepare_v2(sql,
			       "SELECT name, kind, size, signed, count, elem, key, ptr_kind FROM types "
			       "WHERE build_id = ? AND id = ?", -1, &td->type_st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "SELECT name, offset, type, embedded FROM type_fields "
			       "WHERE build_id = ? AND type_id = ? ORDER BY idx", -1, &td->fields_st,
			       NULL) != SQLITE_OK) {
		sqlite3_finalize(td->type_st);
		td->type_st = NULL;
		return db_sql_err(sql, td->db->path, "reading types");
	}
	return 0;
}

static struct gotype *load(struct typedb *td, uint64_t id, int depth, int *err);

/* A column that must be an integer >= 0 (NULL gives 0 when nullable). */
static bool col_count(sqlite3_stmt *st, int c, bool nullable, uint64_t *v)
{
	int type = sqlite3_column_type(st, c);

	if (type == SQLITE_NULL && nullable) {
		*v = 0;
		return true;
	}
	if (type != SQLITE_INTEGER || sqlite3_column_int64(st, c) < 0)
		return false;
	*v = sqlite3_column_int64(st, c);
	return true;
}

/* The row of type id into t: 0, -ENOENT when the build has none, -EINVAL (said), -EIO. */
static int read_row(struct typedb *td, uint64_t id, struct gotype *t, uint64_t *elem,
		    uint64_t *key)
{
	sqlite3_stmt *st = td->type_st;
	const char *name, *kind_s, *pk_s;
	uint64_t is_signed;
	int rc, kind, pk = -1, err = 0;

	sqlite3_bind_int64(st, 1, td->build_id);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? -ENOENT : db_sql_err(td->db->sql, td->db->path,
							       "reading a type");
		goto out_reset;
	}
	name = (const char *)sqlite3_column_text(st, 0);
	kind_s = (const char *)sqlite3_column_text(st, 1);
	pk_s = (const char *)sqlite3_column_text(st, 7);
	kind = kind_s ? ga_kind_parse(kind_s) : -1;
	if (kind < 0) {
		err = damaged(td, id, "kind '%s' is no kind", kind_s ? kind_s : "NULL");
		goto out_reset;
	}
	t->kind = kind;
	if (!col_count(st, 2, false, &t->size) || !col_count(st, 3, false, &is_signed) ||
	    is_signed > 1 || !col_count(st, 4, false, &t->count) || !col_count(st, 5, true, elem) ||
	    !col_count(st, 6, true, key)) {
		err = damaged(td, id, "a size, count or type id that is not a number >= 0");
		goto out_reset;
	}
	t->is_signed = is_signed;
	if (t->kind == GA_KIND_PTR && (pk = go_ptr_kind_parse(pk_s)) < 0) {
		err = damaged(td, id, "pointer kind '%s' is none", pk_s ? pk_s : "NULL");
		goto out_reset;
	}
	t->ptr_kind = pk < 0 ? GO_PTR_PLAIN : pk;
	t->name = strdup(name ? name : "?");
	if (!t->name)
		err = -ENOMEM;
out_reset:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

struct field_row {
	char *name;
	uint64_t offset;
	uint64_t type;
	bool embedded;
};

/* The rows of id's fields, read whole before any is resolved (that reuses the statement). */
static int read_fields(struct typedb *td, uint64_t id, struct field_row **rows, size_t *n)
{
	sqlite3_stmt *st = td->fields_st;
	size_t cap = 0;
	uint64_t emb;
	int rc, err = 0;

	*rows = NULL;
	*n = 0;
	sqlite3_bind_int64(st, 1, td->build_id);
	sqlite3_bind_int64(st, 2, id);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		struct field_row *r;

		if (*n >= TYPEDB_MAX_FIELDS) {
			err = damaged(td, id, "more than %d fields", TYPEDB_MAX_FIELDS);
			break;
		}
		if (ga_ensure_mem((void **)rows, &cap, *n + 1, sizeof(**rows))) {
			err = -ENOMEM;
			break;
		}
		r = &(*rows)[*n];
		if (!col_count(st, 1, false, &r->offset) || !col_count(st, 2, false, &r->type) ||
		    !r->type || !col_count(st, 3, false, &emb) || emb > 1) {
			err = damaged(td, id, "field %zu has an offset, type or embedded flag out of range",
				      *n);
			break;
		}
		r->embedded = emb;
		r->name = strdup(name ? name : "_");
		if (!r->name) {
			err = -ENOMEM;
			break;
		}
		(*n)++;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_sql_err(td->db->sql, td->db->path, "reading type fields");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

/* A type a field or an array names: resolved now, and it must be there. */
static struct gotype *load_part(struct typedb *td, uint64_t id, uint64_t part, const char *what,
				int depth, int *err)
{
	struct gotype *t = load(td, part, depth + 1, err);

	if (!t && *err == -ENOENT)
		*err = damaged(td, id, "its %s names type %llu, which the build lacks", what,
			       (unsigned long long)part);
	else if (!t && *err == -ELOOP)
		*err = damaged(td, id, "its %s holds the type itself", what);
	return t;
}

static int resolve_fields(struct typedb *td, uint64_t id, struct gotype *t, int depth)
{
	struct field_row *rows;
	size_t n, i;
	int err;

	err = read_fields(td, id, &rows, &n);
	if (!err && n) {
		t->fields = calloc(n, sizeof(*t->fields));
		if (!t->fields)
			err = -ENOMEM;
	}
	for (i = 0; !err && i < n; i++) {
		struct gotype *ft = load_part(td, id, rows[i].type, "field", depth, &err);

		if (!ft)
			break;
		if (rows[i].offset > t->size || ft->size > t->size - rows[i].offset) {
			err = damaged(td, id, "field '%s' (%llu bytes at %llu) is beyond its %llu bytes",
				      rows[i].name, (unsigned long long)ft->size,
				      (unsigned long long)rows[i].offset, (unsigned long long)t->size);
			break;
		}
		t->fields[i] = (struct gofield){
			.name = rows[i].name, .offset = rows[i].offset, .type = ft,
			.embedded = rows[i].embedded,
		};
		rows[i].name = NULL;
		t->nfields = i + 1;
	}
	for (i = 0; i < n; i++)
		free(rows[i].name);
	free(rows);
	return err;
}

/* The parts of t its kind says it has, from the row's elem and key. */
static int resolve_parts(struct typedb *td, uint64_t id, struct gotype *t, uint64_t elem,
			 uint64_t key, int depth)
{
	int err = 0;

	switch (t->kind) {
	case GA_KIND_STRUCT:
	case GA_KIND_STRING:
	case GA_KIND_SLICE:
	case GA_KIND_IFACE:
	case GA_KIND_EFACE:
		/* DWARF describes strings, slices and interfaces as structs */
		err = resolve_fields(td, id, t, depth);
		if (!err && t->kind == GA_KIND_SLICE)
			t->elem_ref = elem;
		break;
	case GA_KIND_ARRAY:
		t->elem = load_part(td, id, elem, "element", depth, &err);
		if (t->elem && t->elem->size && t->count > t->size / t->elem->size)
			err = damaged(td, id, "%llu elements do not fit in %llu bytes",
				      (unsigned long long)t->count, (unsigned long long)t->size);
		break;
	case GA_KIND_PTR:
		if (t->ptr_kind == GO_PTR_PLAIN) {
			t->pointee_off = elem;
		} else if (t->ptr_kind == GO_PTR_MAP || t->ptr_kind == GO_PTR_CHAN) {
			t->elem_ref = elem;
			t->key_ref = t->ptr_kind == GO_PTR_MAP ? key : 0;
		}
		break;
	default:
		break;
	}
	return err;
}

/*
 * Type id, read and cached; NULL with *err: -ENOENT (no such row, not
 * said: the caller knows who named it), -ELOOP (id is being read: it
 * holds itself), -EINVAL (damaged, said), -ENOMEM, -EIO.
 */
static struct gotype *load(struct typedb *td, uint64_t id, int depth, int *err)
{
	struct gotype *t = cache_get(td, id);
	uint64_t elem = 0, key = 0;

	*err = 0;
	if (t == TD_LOADING) {
		*err = -ELOOP;
		return NULL;
	}
	if (t == TD_BAD || t == TD_MISSING) {
		*err = t == TD_BAD ? -EINVAL : -ENOENT;
		return NULL;
	}
	if (t)
		return t;
	if (depth > TYPEDB_MAX_DEPTH) {
		*err = damaged(td, id, "types nest deeper than %d", TYPEDB_MAX_DEPTH);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t || cache_put(td, id, TD_LOADING)) {
		free(t);
		*err = -ENOMEM;
		return NULL;
	}
	*err = read_row(td, id, t, &elem, &key);
	if (!*err)
		*err = resolve_parts(td, id, t, elem, key, depth);
	if (*err) {
		type_free(t);
		/* the slot exists: no allocation */
		cache_put(td, id, *err == -ENOENT ? TD_MISSING : TD_BAD);
		return NULL;
	}
	cache_put(td, id, t);	/* the slot exists: no allocation */
	return t;
}

const struct gotype *typedb__get(struct typedb *td, uint64_t ref)
{
	const struct gotype *t;
	int err;

	if (!td || !ref)
		return NULL;
	if (ref > INT64_MAX || prepare(td))
		return NULL;
	t = load(td, ref, 0, &err);
	if (!t && err == -ENOMEM)
		pr_warn("typedb: out of memory reading type %llu of '%s'", (unsigned long long)ref,
			td->db->path);
	return t;
}

bool typedb__damaged(const struct typedb *td)
{
	return td && td->damaged;
}
