// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "log.h"

/* Generated from schema/schema.sql by the Makefile. */
extern const char ga_schema_sql[];
extern const int ga_schema_version;

struct gadb {
	sqlite3 *sql;
	char *path;
};

int gadb_schema_version(void)
{
	return ga_schema_version;
}

static int sql_err(sqlite3 *sql, const char *path, const char *what)
{
	pr_warn("db: %s failed in '%s': %s", what, path, sqlite3_errmsg(sql));
	return -EIO;
}

static int db_user_version(sqlite3 *sql, int *version)
{
	sqlite3_stmt *st;
	int err = -EIO;

	if (sqlite3_prepare_v2(sql, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		err = 0;
	}
	sqlite3_finalize(st);
	return err;
}

/* Opens and checks the schema version; prints why on failure. */
static int db_open_checked(const char *path, int flags, sqlite3 **out)
{
	sqlite3 *sql = NULL;
	int version = -1, err;

	/*
	 * Each connection is used by one thread; and no memory statistics:
	 * SQLite's global statistics mutex serialises two threads reading
	 * two builds (goanalyze diff) on every allocation.
	 */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);	/* SQLITE_MISUSE once initialised: fine */
	if (sqlite3_open_v2(path, &sql, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		pr_warn("db: cannot open '%s': %s", path, sql ? sqlite3_errmsg(sql) : "out of memory");
		err = -EIO;
		goto out_close;
	}
	sqlite3_busy_timeout(sql, 5000);
	if (db_user_version(sql, &version)) {
		pr_warn("db: '%s' is not a goattach database (%s)", path, sqlite3_errmsg(sql));
		err = -EINVAL;
		goto out_close;
	}
	if (version != ga_schema_version) {
		pr_warn("db: '%s' has schema version %d, this goattach expects %d%s", path, version,
			ga_schema_version,
			version == 0 ? " (not a goattach database?)" :
			version > ga_schema_version ? " (made by a newer goanalyze)" :
						      " (re-index with this goanalyze)");
		err = -EPROTO;
		goto out_close;
	}
	*out = sql;
	return 0;

out_close:
	sqlite3_close(sql);
	return err;
}

struct gadb *gadb__open(const char *path)
{
	struct gadb *db;
	struct stat stbuf;
	int err;

	if (stat(path, &stbuf)) {
		err = -errno;
		pr_warn("db: cannot open '%s': %s", path, strerror(errno));
		errno = -err;
		return NULL;
	}
	db = calloc(1, sizeof(*db));
	if (!db) {
		errno = ENOMEM;
		return NULL;
	}
	err = db_open_checked(path, SQLITE_OPEN_READONLY, &db->sql);
	if (err)
		goto out_free;
	db->path = strdup(path);
	return db;

out_free:
	free(db);
	errno = -err;
	return NULL;
}

void gadb__free(struct gadb *db)
{
	if (!db)
		return;
	sqlite3_close(db->sql);
	free(db->path);
	free(db);
}

static char *col_strdup(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? strdup((const char *)s) : NULL;
}

static const char build_cols[] =
	"id, sha256, size, path, go_build_id, gnu_build_id, go_version, goarch, default_abi, "
	"pclntab_format, text_start, stripped, has_dwarf, cgo, pie, module_path, mod_info, "
	"trimpath, race";

static void build_from_row(sqlite3_stmt *st, struct ga_build *b)
{
	const char *s;

	memset(b, 0, sizeof(*b));
	b->db_id = sqlite3_column_int64(st, 0);
	s = (const char *)sqlite3_column_text(st, 1);
	snprintf(b->sha256, sizeof(b->sha256), "%s", s ? s : "");
	b->size = sqlite3_column_int64(st, 2);
	b->path = col_strdup(st, 3);
	b->go_build_id = col_strdup(st, 4);
	b->gnu_build_id = col_strdup(st, 5);
	b->go_version = col_strdup(st, 6);
	b->arch = ga_arch_from_name((const char *)sqlite3_column_text(st, 7));
	b->default_abi = ga_abi_parse((const char *)sqlite3_column_text(st, 8)) == GA_ABI_INTERNAL ?
				 GA_ABI_INTERNAL : GA_ABI0;
	s = (const char *)sqlite3_column_text(st, 9);
	snprintf(b->pclntab_format, sizeof(b->pclntab_format), "%s", s ? s : "");
	b->text_start = sqlite3_column_int64(st, 10);
	b->stripped = sqlite3_column_int(st, 11);
	b->has_dwarf = sqlite3_column_int(st, 12);
	b->cgo = sqlite3_column_int(st, 13);
	b->pie = sqlite3_column_int(st, 14);
	b->module_path = col_strdup(st, 15);
	b->mod_info = col_strdup(st, 16);
	b->trimpath = sqlite3_column_int(st, 17);
	b->race = sqlite3_column_int(st, 18);
	b->goid_offset = -1;
}

static int load_build_info(struct gadb *db, struct ga_build *b)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (sqlite3_prepare_v2(db->sql,
			       "SELECT kind, path, version, sum FROM modules WHERE build_id = ? ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_err(db->sql, db->path, "reading modules");
	sqlite3_bind_int64(st, 1, b->db_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (b->nmodules == cap) {
			void *tmp;

			cap = cap ? cap * 2 : 8;
			tmp = realloc(b->modules, cap * sizeof(*b->modules));
			if (!tmp) {
				sqlite3_finalize(st);
				return -ENOMEM;
			}
			b->modules = tmp;
		}
		b->modules[b->nmodules++] = (struct ga_module){
			.kind = col_strdup(st, 0), .path = col_strdup(st, 1),
			.version = col_strdup(st, 2), .sum = col_strdup(st, 3),
		};
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db->sql,
			       "SELECT key, value FROM build_settings WHERE build_id = ? ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_err(db->sql, db->path, "reading build settings");
	sqlite3_bind_int64(st, 1, b->db_id);
	cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (b->nsettings == cap) {
			void *tmp;

			cap = cap ? cap * 2 : 8;
			tmp = realloc(b->settings, cap * sizeof(*b->settings));
			if (!tmp) {
				sqlite3_finalize(st);
				return -ENOMEM;
			}
			b->settings = tmp;
		}
		b->settings[b->nsettings++] = (struct ga_setting){
			.key = col_strdup(st, 0), .value = col_strdup(st, 1),
		};
	}
	sqlite3_finalize(st);
	return 0;
}

static int load_runtime_facts(struct gadb *db, struct ga_build *b)
{
	sqlite3_stmt *st;
	int rc;

	rc = load_build_info(db, b);
	if (rc)
		return rc;

	if (sqlite3_prepare_v2(db->sql,
			       "SELECT name, value, source FROM runtime_facts WHERE build_id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_err(db->sql, db->path, "reading runtime facts");
	sqlite3_bind_int64(st, 1, b->db_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (!name)
			continue;
		if (!strcmp(name, "g.goid")) {
			b->goid_offset = sqlite3_column_int(st, 1);
			free(b->goid_offset_source);
			b->goid_offset_source = col_strdup(st, 2);
		} else if (!strcmp(name, "moduledata.types")) {
			b->types_base = sqlite3_column_int64(st, 1);
		}
	}
	sqlite3_finalize(st);
	return 0;
}

int gadb__find_build(struct gadb *db, const char *sha256, struct ga_build *out)
{
	char q[512];
	sqlite3_stmt *st;
	int rc, err;

	snprintf(q, sizeof(q), "SELECT %s FROM builds WHERE sha256 = ?", build_cols);
	if (sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) != SQLITE_OK)
		return sql_err(db->sql, db->path, "looking up the build");
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		build_from_row(st, out);
		err = load_runtime_facts(db, out);
	} else {
		err = rc == SQLITE_DONE ? -ENOENT : sql_err(db->sql, db->path, "looking up the build");
	}
	sqlite3_finalize(st);
	return err;
}

int gadb__list_builds(struct gadb *db, struct ga_build **builds, size_t *n)
{
	struct ga_build *arr = NULL, *tmp;
	size_t cnt = 0, cap = 0, i;
	sqlite3_stmt *st;
	char q[512];
	int rc, err = 0;

	snprintf(q, sizeof(q), "SELECT %s FROM builds ORDER BY id", build_cols);
	if (sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) != SQLITE_OK)
		return sql_err(db->sql, db->path, "listing builds");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 4;
			tmp = realloc(arr, cap * sizeof(*arr));
			if (!tmp) {
				err = -ENOMEM;
				goto out_free;
			}
			arr = tmp;
		}
		build_from_row(st, &arr[cnt++]);
	}
	if (rc != SQLITE_DONE) {
		err = sql_err(db->sql, db->path, "listing builds");
		goto out_free;
	}
	for (i = 0; i < cnt; i++)
		load_runtime_facts(db, &arr[i]);
	sqlite3_finalize(st);
	*builds = arr;
	*n = cnt;
	return 0;

out_free:
	sqlite3_finalize(st);
	for (i = 0; i < cnt; i++)
		ga_build_clear(&arr[i]);
	free(arr);
	return err;
}

static void blob_copy(sqlite3_stmt *st, int col, uint8_t *dst, uint8_t *len)
{
	int n = sqlite3_column_bytes(st, col);
	const void *p = sqlite3_column_blob(st, col);

	if (n > GA_MAX_INSN_LEN)
		n = GA_MAX_INSN_LEN;
	if (p && n > 0)
		memcpy(dst, p, n);
	*len = p ? n : 0;
}

struct load_stmts {
	sqlite3_stmt *exits;
	sqlite3_stmt *params;
	sqlite3_stmt *pieces;
	sqlite3_stmt *inl;
};

/*
 * Rows of exits, params and param_pieces, from column c on: the same
 * decoding whether a function is read alone or a whole build at once.
 */
static void exit_from_row(sqlite3_stmt *st, int c, struct ga_exit *e)
{
	memset(e, 0, sizeof(*e));
	e->offset = sqlite3_column_int64(st, c);
	e->kind = ga_exit_kind_parse((const char *)sqlite3_column_text(st, c + 1)) == GA_EXIT_TAILCALL ?
			  GA_EXIT_TAILCALL : GA_EXIT_RET;
	e->target = sqlite3_column_int64(st, c + 2);
	e->target_name = col_strdup(st, c + 3);
	blob_copy(st, c + 4, e->insn, &e->insn_len);
}

/* name, type_name, kind, size, is_result, on_stack, dwarf_check, dwarf_loc */
static void param_from_row(sqlite3_stmt *st, int c, struct ga_param *p)
{
	int kind;

	memset(p, 0, sizeof(*p));
	p->name = col_strdup(st, c);
	p->type_name = col_strdup(st, c + 1);
	kind = ga_kind_parse((const char *)sqlite3_column_text(st, c + 2));
	p->kind = kind < 0 ? GA_KIND_UNKNOWN : kind;
	p->size = sqlite3_column_int64(st, c + 3);
	p->is_result = sqlite3_column_int(st, c + 4);
	p->on_stack = sqlite3_column_int(st, c + 5);
	if (sqlite3_column_type(st, c + 6) != SQLITE_NULL)
		p->dwarf_check = strcmp((const char *)sqlite3_column_text(st, c + 6), "agrees") ?
					 GA_DWARF_DIFFERS : GA_DWARF_AGREES;
	p->dwarf_loc = col_strdup(st, c + 7);
}

/*
 * path, kind, size, loc, reg, stack_off: appended to p's pieces, or to its
 * derefs (the pointee's fields, loc 'deref'). 0 or -ENOMEM.
 */
static int piece_from_row(sqlite3_stmt *st, int c, struct ga_param *p)
{
	const char *loc = (const char *)sqlite3_column_text(st, c + 3);
	bool deref = loc && !strcmp(loc, "deref");
	size_t *n = deref ? &p->nderefs : &p->npieces;
	struct ga_piece **list = deref ? &p->derefs : &p->pieces, *pc;
	void *tmp = realloc(*list, (*n + 1) * sizeof(**list));
	int kind;

	if (!tmp)
		return -ENOMEM;
	*list = tmp;
	pc = &(*list)[(*n)++];
	memset(pc, 0, sizeof(*pc));
	pc->path = col_strdup(st, c);
	kind = ga_piece_kind_parse((const char *)sqlite3_column_text(st, c + 1));
	pc->kind = kind < 0 ? GA_PIECE_UINT : kind;
	pc->size = sqlite3_column_int(st, c + 2);
	pc->loc = !loc || !strcmp(loc, "reg") ? GA_LOC_REG :
		  !strcmp(loc, "stack") ? GA_LOC_STACK : GA_LOC_DEREF;
	pc->reg = sqlite3_column_int(st, c + 4);
	pc->stack_off = sqlite3_column_int(st, c + 5);
	return 0;
}

/* Grow *arr (elements of size sz) to hold one more than *n, doubling *cap. */
static void *grow(void *arr, size_t sz, size_t n, size_t *cap)
{
	void *tmp;

	if (n < *cap)
		return arr;
	tmp = realloc(arr, (*cap ? *cap * 2 : 4) * sz);
	if (tmp)
		*cap = *cap ? *cap * 2 : 4;
	return tmp;	/* NULL: arr is untouched */
}

struct id_idx {
	int64_t id;
	size_t f, p;	/* function index; param index (params only) */
};

static int cmp_id_idx(const void *a, const void *b)
{
	int64_t x = ((const struct id_idx *)a)->id, y = ((const struct id_idx *)b)->id;

	return x < y ? -1 : x > y;
}

static struct id_idx *find_id(struct id_idx *m, size_t n, int64_t id)
{
	struct id_idx key = { .id = id };

	return n ? bsearch(&key, m, n, sizeof(*m), cmp_id_idx) : NULL;
}

/*
 * Every function of a build with its exits, inlined calls, params and
 * pieces: four ordered passes over the tables instead of queries per
 * function (a diff reads 200k functions and 600k params).
 */
static int load_details_bulk(struct gadb *db, int64_t build_id, struct ga_func *arr, size_t cnt)
{
	static const char *const q[] = {
		"SELECT e.function_id, e.offset, e.kind, e.target, e.target_name, e.insn FROM exits e "
		"JOIN functions f ON f.id = e.function_id WHERE f.build_id = ? ORDER BY e.function_id, e.offset",
		"SELECT i.function_id, i.callee, i.offset, i.parent FROM inlines i "
		"JOIN functions f ON f.id = i.function_id WHERE f.build_id = ? ORDER BY i.function_id, i.idx",
		"SELECT p.function_id, p.id, p.name, p.type_name, p.kind, p.size, p.is_result, p.on_stack, "
		"p.dwarf_check, p.dwarf_loc FROM params p JOIN functions f ON f.id = p.function_id "
		"WHERE f.build_id = ? ORDER BY p.function_id, p.idx",
		"SELECT pp.param_id, pp.path, pp.kind, pp.size, pp.loc, pp.reg, pp.stack_off FROM param_pieces pp "
		"JOIN params p ON p.id = pp.param_id JOIN functions f ON f.id = p.function_id "
		"WHERE f.build_id = ? ORDER BY pp.param_id, pp.idx",
	};
	struct id_idx *fm = calloc(cnt ? cnt : 1, sizeof(*fm)), *pm = NULL, *hit;
	size_t i, npm = 0, pmcap = 0, *ecap = calloc(cnt ? cnt : 1, sizeof(*ecap) * 3);
	int pass, rc = SQLITE_DONE, err = 0;
	sqlite3_stmt *st = NULL;

	if (!fm || !ecap) {
		free(fm);
		free(ecap);
		return -ENOMEM;
	}
	for (i = 0; i < cnt; i++)
		fm[i] = (struct id_idx){ .id = arr[i].db_id, .f = i };
	qsort(fm, cnt, sizeof(*fm), cmp_id_idx);
	for (pass = 0; pass < 4 && !err; pass++) {
		if (sqlite3_prepare_v2(db->sql, q[pass], -1, &st, NULL) != SQLITE_OK) {
			err = sql_err(db->sql, db->path, "reading functions");
			break;
		}
		sqlite3_bind_int64(st, 1, build_id);
		if (pass == 3 && npm)
			qsort(pm, npm, sizeof(*pm), cmp_id_idx);
		while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct ga_func *f;
			void *tmp;

			hit = pass == 3 ? find_id(pm, npm, sqlite3_column_int64(st, 0)) :
					  find_id(fm, cnt, sqlite3_column_int64(st, 0));
			if (!hit)
				continue;
			f = &arr[hit->f];
			if (pass == 0) {
				tmp = grow(f->exits, sizeof(*f->exits), f->nexits, &ecap[hit->f * 3]);
				if (!tmp) {
					err = -ENOMEM;
					break;
				}
				f->exits = tmp;
				exit_from_row(st, 1, &f->exits[f->nexits++]);
			} else if (pass == 1) {
				tmp = grow(f->inlines, sizeof(*f->inlines), f->ninlines, &ecap[hit->f * 3 + 1]);
				if (!tmp) {
					err = -ENOMEM;
					break;
				}
				f->inlines = tmp;
				f->inlines[f->ninlines++] = (struct ga_inline){
					.callee = col_strdup(st, 1), .offset = sqlite3_column_int64(st, 2),
					.parent = sqlite3_column_int(st, 3),
				};
			} else if (pass == 2) {
				tmp = grow(f->params, sizeof(*f->params), f->nparams, &ecap[hit->f * 3 + 2]);
				if (tmp)
					f->params = tmp;
				tmp = tmp ? grow(pm, sizeof(*pm), npm, &pmcap) : NULL;
				if (!tmp) {
					err = -ENOMEM;
					break;
				}
				pm = tmp;
				pm[npm++] = (struct id_idx){ .id = sqlite3_column_int64(st, 1), .f = hit->f,
							     .p = f->nparams };
				param_from_row(st, 2, &f->params[f->nparams++]);
			} else {
				err = piece_from_row(st, 1, &f->params[hit->p]);
			}
		}
		if (!err && rc != SQLITE_DONE)
			err = sql_err(db->sql, db->path, "reading functions");
		sqlite3_finalize(st);
		st = NULL;
	}
	free(fm);
	free(pm);
	free(ecap);
	return err;
}

static int load_func_details(struct gadb *db, struct load_stmts *ls, struct ga_func *f)
{
	sqlite3_stmt *st, *ps = ls->pieces;
	size_t ecap = 0, icap = 0, pcap = 0;
	void *tmp;
	int rc, err;

	st = ls->exits;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, f->db_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		tmp = grow(f->exits, sizeof(*f->exits), f->nexits, &ecap);
		if (!tmp)
			return -ENOMEM;
		f->exits = tmp;
		exit_from_row(st, 0, &f->exits[f->nexits++]);
	}
	if (rc != SQLITE_DONE)
		return sql_err(db->sql, db->path, "reading exits");

	st = ls->inl;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, f->db_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		tmp = grow(f->inlines, sizeof(*f->inlines), f->ninlines, &icap);
		if (!tmp)
			return -ENOMEM;
		f->inlines = tmp;
		f->inlines[f->ninlines++] = (struct ga_inline){
			.callee = col_strdup(st, 0), .offset = sqlite3_column_int64(st, 1),
			.parent = sqlite3_column_int(st, 2),
		};
	}
	if (rc != SQLITE_DONE)
		return sql_err(db->sql, db->path, "reading inlined calls");

	st = ls->params;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, f->db_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ga_param *p;
		int prc;

		tmp = grow(f->params, sizeof(*f->params), f->nparams, &pcap);
		if (!tmp)
			return -ENOMEM;
		f->params = tmp;
		p = &f->params[f->nparams++];
		param_from_row(st, 1, p);
		sqlite3_reset(ps);
		sqlite3_bind_int64(ps, 1, sqlite3_column_int64(st, 0));
		while ((prc = sqlite3_step(ps)) == SQLITE_ROW) {
			err = piece_from_row(ps, 0, p);
			if (err)
				return err;
		}
		if (prc != SQLITE_DONE)
			return sql_err(db->sql, db->path, "reading param pieces");
	}
	if (rc != SQLITE_DONE)
		return sql_err(db->sql, db->path, "reading params");
	return 0;
}

static bool has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool func_selected(const char *name, const char *const *patterns, const bool *exact,
			  size_t npat, bool *matched)
{
	bool sel = npat == 0;
	size_t i;

	for (i = 0; i < npat; i++) {
		bool m;

		if (exact[i]) {
			m = !strcmp(name, patterns[i]);
		} else if (strstr(patterns[i], "[...]")) {
			/* Go's traceback form names every instantiation */
			char el[1024];

			ga_elide_type_args(name, el, sizeof(el));
			m = !strcmp(el, patterns[i]);
		} else {
			m = fnmatch(patterns[i], name, 0) == 0;
		}
		if (m) {
			matched[i] = true;
			sel = true;
		}
	}
	return sel;
}

static int name_exists(struct gadb *db, int64_t build_id, const char *name, bool *exists)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db->sql, "SELECT 1 FROM functions WHERE build_id = ? AND name = ? LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_err(db->sql, db->path, "looking up a function");
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*exists = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_err(db->sql, db->path, "looking up a function");
}

int gadb__load_funcs(struct gadb *db, int64_t build_id, const char *const *patterns,
		     size_t npat, struct ga_func **funcs, size_t *nfuncs, int *unmatched)
{
	struct load_stmts ls = {};
	struct ga_func *arr = NULL;
	size_t cnt = 0, cap = 0, i;
	bool *exact = NULL, *matched = NULL, all_exact;
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (unmatched)
		*unmatched = -1;
	exact = calloc(npat + 1, sizeof(*exact));
	matched = calloc(npat + 1, sizeof(*matched));
	if (!exact || !matched) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < npat; i++) {
		exact[i] = !has_glob_chars(patterns[i]);
		if (!exact[i]) {
			/* "main.(*T).M" is both a name and a glob: a name wins. */
			err = name_exists(db, build_id, patterns[i], &exact[i]);
			if (err)
				goto out;
		}
	}

	/*
	 * Only exact names: look them up by the name index instead of
	 * reading every function (a manifest of 50 names from a 100k-function
	 * build).
	 */
	all_exact = npat > 0 && npat <= 500;
	for (i = 0; i < npat && all_exact; i++)
		all_exact = exact[i];
	{
		char *sql = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&sql, &len);

		if (!m) {
			err = -ENOMEM;
			goto out;
		}
		fputs("SELECT id, name, entry, file_offset, size, abi, is_asm, is_wrapper, args_size, "
		      "decode_status, entry_probe_offset, entry_probe_kind, entry_jcc, entry_insn, "
		      "params_known FROM functions WHERE build_id = ?", m);
		if (all_exact) {
			fputs(" AND name IN (", m);
			for (i = 0; i < npat; i++)
				fputs(i ? ",?" : "?", m);
			fputs(")", m);
		}
		fputs(" ORDER BY entry, id", m);
		fclose(m);
		rc = sql ? sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) : SQLITE_NOMEM;
		free(sql);
		if (rc != SQLITE_OK) {
			err = sql_err(db->sql, db->path, "reading functions");
			goto out;
		}
		for (i = 0; all_exact && i < npat; i++)
			sqlite3_bind_text(st, i + 2, patterns[i], -1, SQLITE_STATIC);
	}
	if (
	    sqlite3_prepare_v2(db->sql,
			       "SELECT offset, kind, target, target_name, insn FROM exits "
			       "WHERE function_id = ? ORDER BY offset",
			       -1, &ls.exits, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->sql,
			       "SELECT id, name, type_name, kind, size, is_result, on_stack, dwarf_check, "
			       "dwarf_loc FROM params WHERE function_id = ? ORDER BY idx",
			       -1, &ls.params, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->sql,
			       "SELECT path, kind, size, loc, reg, stack_off FROM param_pieces "
			       "WHERE param_id = ? ORDER BY idx",
			       -1, &ls.pieces, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->sql,
			       "SELECT callee, offset, parent FROM inlines WHERE function_id = ? ORDER BY idx",
			       -1, &ls.inl, NULL) != SQLITE_OK) {
		err = sql_err(db->sql, db->path, "reading functions");
		goto out;
	}
	sqlite3_bind_int64(st, 1, build_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		struct ga_func *f;
		int v;

		if (!name || !func_selected(name, patterns, exact, npat, matched))
			continue;
		if (cnt == cap) {
			void *tmp;

			cap = cap ? cap * 2 : 16;
			tmp = realloc(arr, cap * sizeof(*arr));
			if (!tmp) {
				err = -ENOMEM;
				goto out;
			}
			arr = tmp;
		}
		f = &arr[cnt++];
		memset(f, 0, sizeof(*f));
		f->db_id = sqlite3_column_int64(st, 0);
		f->name = strdup(name);
		f->entry = sqlite3_column_int64(st, 2);
		f->file_off = sqlite3_column_int64(st, 3);
		f->size = sqlite3_column_int64(st, 4);
		f->abi = ga_abi_parse((const char *)sqlite3_column_text(st, 5)) == GA_ABI_INTERNAL ?
				 GA_ABI_INTERNAL : GA_ABI0;
		f->is_asm = sqlite3_column_int(st, 6);
		f->is_wrapper = sqlite3_column_int(st, 7);
		f->args_size = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 8);
		v = ga_decode_status_parse((const char *)sqlite3_column_text(st, 9));
		f->decode_status = v < 0 ? GA_DECODE_BAD : v;
		f->entry_probe_offset = sqlite3_column_int64(st, 10);
		v = ga_entry_kind_parse((const char *)sqlite3_column_text(st, 11));
		f->entry_kind = v < 0 ? GA_ENTRY_RAW : v;
		v = ga_jcc_parse((const char *)sqlite3_column_text(st, 12));
		f->entry_jcc = v < 0 ? GA_JCC_NONE : v;
		blob_copy(st, 13, f->entry_insn, &f->entry_insn_len);
		f->params_known = sqlite3_column_int(st, 14) != 0;
		f->args_only = sqlite3_column_int(st, 14) == 2;
		if (!f->name) {
			err = -ENOMEM;
			goto out;
		}
		if (npat) {
			err = load_func_details(db, &ls, f);
			if (err)
				goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		err = sql_err(db->sql, db->path, "reading functions");
		goto out;
	}
	if (!npat) {
		err = load_details_bulk(db, build_id, arr, cnt);
		if (err)
			goto out;
	}
	if (unmatched) {
		for (i = 0; i < npat; i++) {
			if (!matched[i]) {
				*unmatched = i;
				break;
			}
		}
	}
	*funcs = arr;
	*nfuncs = cnt;
	arr = NULL;
	cnt = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(ls.exits);
	sqlite3_finalize(ls.params);
	sqlite3_finalize(ls.pieces);
	sqlite3_finalize(ls.inl);
	ga_funcs_free(arr, cnt);
	free(exact);
	free(matched);
	return err;
}

int gadb__inline_sites(struct gadb *db, int64_t build_id, const char *pattern, size_t max,
		       struct ga_inline_site **sites, size_t *n)
{
	struct ga_inline_site *arr;
	sqlite3_stmt *st;
	size_t cnt = 0;
	int rc;

	*sites = NULL;
	*n = 0;
	arr = calloc(max ? max : 1, sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	if (sqlite3_prepare_v2(db->sql,
			       "SELECT f.name, f.entry, i.offset FROM inlines i JOIN functions f ON "
			       "f.id = i.function_id WHERE f.build_id = ? AND (i.callee = ? OR i.callee GLOB ?) "
			       "ORDER BY f.entry, i.offset LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK) {
		free(arr);
		return sql_err(db->sql, db->path, "looking up inlined calls");
	}
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_text(st, 2, pattern, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, has_glob_chars(pattern) ? pattern : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && cnt < max) {
		arr[cnt].caller = col_strdup(st, 0);
		arr[cnt].caller_entry = sqlite3_column_int64(st, 1);
		arr[cnt].offset = sqlite3_column_int64(st, 2);
		cnt++;
	}
	sqlite3_finalize(st);
	*sites = arr;
	*n = cnt;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_err(db->sql, db->path, "reading inlined calls");
}

int gadb__similar_names(struct gadb *db, int64_t build_id, const char *name, size_t max,
			char ***names, size_t *n)
{
	const char *dot = strrchr(name, '.');
	char **arr;
	size_t cnt = 0;
	sqlite3_stmt *st;
	char *like;
	int rc;

	*names = NULL;
	*n = 0;
	arr = calloc(max ? max : 1, sizeof(*arr));
	/* Match on the last name component: "stacker" finds "main.stacker". */
	if (asprintf(&like, "%%%s%%", dot && dot[1] ? dot + 1 : name) < 0 || !arr) {
		free(arr);
		return -ENOMEM;
	}
	if (sqlite3_prepare_v2(db->sql,
			       "SELECT DISTINCT name FROM functions WHERE build_id = ? AND name LIKE ? "
			       "ORDER BY length(name), name LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK) {
		free(like);
		free(arr);
		return sql_err(db->sql, db->path, "looking up names");
	}
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_text(st, 2, like, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && cnt < max)
		arr[cnt++] = col_strdup(st, 0);
	sqlite3_finalize(st);
	free(like);
	*names = arr;
	*n = cnt;
	return 0;
}

int gadb__names_with_prefix(struct gadb *db, int64_t build_id, const char *prefix, size_t max,
			    char ***names, size_t *n)
{
	char **arr = calloc(max ? max : 1, sizeof(*arr));
	size_t cnt = 0, len = strlen(prefix);
	sqlite3_stmt *st;
	char *hi;

	*names = NULL;
	*n = 0;
	hi = malloc(len + 2);
	if (!arr || !hi) {
		free(arr);
		free(hi);
		return -ENOMEM;
	}
	/* [prefix, prefix + 0xff): a range on the name index */
	memcpy(hi, prefix, len);
	hi[len] = (char)0xff;
	hi[len + 1] = '\0';
	if (sqlite3_prepare_v2(db->sql,
			       "SELECT DISTINCT name FROM functions WHERE build_id = ? AND name >= ? AND "
			       "name < ? ORDER BY name LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK) {
		free(hi);
		free(arr);
		return sql_err(db->sql, db->path, "looking up names");
	}
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, max);
	while (sqlite3_step(st) == SQLITE_ROW && cnt < max)
		arr[cnt++] = col_strdup(st, 0);
	sqlite3_finalize(st);
	free(hi);
	*names = arr;
	*n = cnt;
	return 0;
}

int gadb_has_build(const char *path, const char *sha256)
{
	sqlite3 *sql;
	sqlite3_stmt *st;
	int rc, err;

	if (access(path, F_OK))
		return 0;
	err = db_open_checked(path, SQLITE_OPEN_READONLY, &sql);
	if (err)
		return err;
	if (sqlite3_prepare_v2(sql, "SELECT 1 FROM builds WHERE sha256 = ?", -1, &st, NULL) != SQLITE_OK) {
		err = sql_err(sql, path, "looking up the build");
		sqlite3_close(sql);
		return err;
	}
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	sqlite3_close(sql);
	return rc == SQLITE_ROW ? 1 : 0;
}

/* --- writing --- */

static int exec_sql(sqlite3 *sql, const char *path, const char *q)
{
	char *msg = NULL;

	if (sqlite3_exec(sql, q, NULL, NULL, &msg) != SQLITE_OK) {
		pr_warn("db: writing '%s' failed: %s", path, msg ? msg : "unknown error");
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static void bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, idx);
}

struct store_stmts {
	sqlite3_stmt *func;
	sqlite3_stmt *exit;
	sqlite3_stmt *param;
	sqlite3_stmt *piece;
	sqlite3_stmt *inl;
};

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

/* A function's params and their pieces. */
static int store_params(struct store_stmts *ss, int64_t func_id, const struct ga_param *params,
			size_t nparams)
{
	sqlite3_stmt *st;
	size_t i, j;

	for (i = 0; i < nparams; i++) {
		const struct ga_param *p = &params[i];
		int64_t param_id;

		st = ss->param;
		sqlite3_bind_int64(st, 1, func_id);
		sqlite3_bind_int64(st, 2, i);
		sqlite3_bind_text(st, 3, p->name ? p->name : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, p->type_name ? p->type_name : "?", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, ga_kind_name(p->kind), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, p->size);
		sqlite3_bind_int(st, 7, p->is_result);
		sqlite3_bind_int(st, 8, p->on_stack);
		bind_text_or_null(st, 9, p->dwarf_check == GA_DWARF_AGREES ? "agrees" :
					 p->dwarf_check == GA_DWARF_DIFFERS ? "differs" : NULL);
		bind_text_or_null(st, 10, p->dwarf_loc);
		if (step_done(st))
			return -EIO;
		param_id = sqlite3_last_insert_rowid(sqlite3_db_handle(st));
		for (j = 0; j < p->npieces + p->nderefs; j++) {
			const struct ga_piece *pc = j < p->npieces ? &p->pieces[j] :
								     &p->derefs[j - p->npieces];

			st = ss->piece;
			sqlite3_bind_int64(st, 1, param_id);
			sqlite3_bind_int64(st, 2, j);
			sqlite3_bind_text(st, 3, pc->path ? pc->path : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, ga_piece_kind_name(pc->kind), -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 5, pc->size);
			sqlite3_bind_text(st, 6, pc->loc == GA_LOC_REG ? "reg" :
						 pc->loc == GA_LOC_STACK ? "stack" : "deref", -1, SQLITE_STATIC);
			if (pc->loc == GA_LOC_REG) {
				sqlite3_bind_int(st, 7, pc->reg);
				sqlite3_bind_null(st, 8);
			} else {
				sqlite3_bind_null(st, 7);
				sqlite3_bind_int(st, 8, pc->stack_off);
			}
			if (step_done(st))
				return -EIO;
		}
	}
	return 0;
}

/* The function row (with its id chosen by the writer) and its params. */
static int store_func_row(struct store_stmts *ss, int64_t build_id, int64_t func_id,
			  const struct ga_func *f)
{
	sqlite3_stmt *st = ss->func;

	sqlite3_bind_int64(st, 16, func_id);
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, f->entry);
	sqlite3_bind_int64(st, 4, f->file_off);
	sqlite3_bind_int64(st, 5, f->size);
	sqlite3_bind_text(st, 6, ga_abi_name(f->abi), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, f->is_asm);
	sqlite3_bind_int(st, 8, f->is_wrapper);
	if (f->args_size >= 0)
		sqlite3_bind_int(st, 9, f->args_size);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_text(st, 10, ga_decode_status_name(f->decode_status), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, f->entry_probe_offset);
	sqlite3_bind_text(st, 12, ga_entry_kind_name(f->entry_kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, ga_jcc_name(f->entry_jcc), -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 14, f->entry_insn, f->entry_insn_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 15, f->params_known ? (f->args_only ? 2 : 1) : 0);
	if (step_done(st))
		return -EIO;

	return store_params(ss, func_id, f->params, f->nparams);
}


/* What the code says: exits and inlined calls, final once disassembled. */
static int store_func_code(struct store_stmts *ss, int64_t func_id, const struct ga_func *f)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < f->nexits; i++) {
		const struct ga_exit *e = &f->exits[i];

		st = ss->exit;
		sqlite3_bind_int64(st, 1, func_id);
		sqlite3_bind_int64(st, 2, e->offset);
		sqlite3_bind_text(st, 3, ga_exit_kind_name(e->kind), -1, SQLITE_STATIC);
		if (e->kind == GA_EXIT_TAILCALL)
			sqlite3_bind_int64(st, 4, e->target);
		else
			sqlite3_bind_null(st, 4);
		bind_text_or_null(st, 5, e->target_name);
		sqlite3_bind_blob(st, 6, e->insn, e->insn_len, SQLITE_STATIC);
		if (step_done(st))
			return -EIO;
	}
	for (i = 0; i < f->ninlines; i++) {
		st = ss->inl;
		sqlite3_bind_int64(st, 1, func_id);
		sqlite3_bind_int64(st, 2, i);
		sqlite3_bind_text(st, 3, f->inlines[i].callee, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, f->inlines[i].offset);
		sqlite3_bind_int(st, 5, f->inlines[i].parent);
		if (step_done(st))
			return -EIO;
	}
	return 0;
}

/* The build row, its modules, settings and runtime facts. */
static int store_build_row(sqlite3 *sql, const char *path, const struct ga_build *b,
			   const char *analyzer_version, int64_t *out_build_id)
{
	sqlite3_stmt *st = NULL;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	int64_t build_id;
	size_t i;
	int err = -EIO;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (sqlite3_prepare_v2(sql,
			       "INSERT INTO builds (sha256, size, path, go_build_id, gnu_build_id, go_version, "
			       "goarch, default_abi, pclntab_format, text_start, stripped, has_dwarf, cgo, pie, "
			       "module_path, mod_info, analyzer_version, indexed_at, trimpath, race) "
			       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_err;
	sqlite3_bind_text(st, 1, b->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, b->size);
	sqlite3_bind_text(st, 3, b->path, -1, SQLITE_STATIC);
	bind_text_or_null(st, 4, b->go_build_id);
	bind_text_or_null(st, 5, b->gnu_build_id);
	bind_text_or_null(st, 6, b->go_version);
	sqlite3_bind_text(st, 7, ga_arch_name(b->arch), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, ga_abi_name(b->default_abi), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, b->pclntab_format, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, b->text_start);
	sqlite3_bind_int(st, 11, b->stripped);
	sqlite3_bind_int(st, 12, b->has_dwarf);
	sqlite3_bind_int(st, 13, b->cgo);
	sqlite3_bind_int(st, 14, b->pie);
	bind_text_or_null(st, 15, b->module_path);
	bind_text_or_null(st, 16, b->mod_info);
	sqlite3_bind_text(st, 17, analyzer_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 18, when, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 19, b->trimpath);
	sqlite3_bind_int(st, 20, b->race);
	if (step_done(st))
		goto out_err;
	build_id = sqlite3_last_insert_rowid(sql);
	sqlite3_finalize(st);
	st = NULL;

	if (sqlite3_prepare_v2(sql,
			       "INSERT INTO modules (build_id, idx, kind, path, version, sum) "
			       "VALUES (?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		goto out_err;
	for (i = 0; i < b->nmodules; i++) {
		sqlite3_bind_int64(st, 1, build_id);
		sqlite3_bind_int64(st, 2, i);
		sqlite3_bind_text(st, 3, b->modules[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, b->modules[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, b->modules[i].version, -1, SQLITE_STATIC);
		bind_text_or_null(st, 6, b->modules[i].sum);
		if (step_done(st))
			goto out_err;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(sql,
			       "INSERT INTO build_settings (build_id, idx, key, value) VALUES (?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_err;
	for (i = 0; i < b->nsettings; i++) {
		sqlite3_bind_int64(st, 1, build_id);
		sqlite3_bind_int64(st, 2, i);
		sqlite3_bind_text(st, 3, b->settings[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, b->settings[i].value, -1, SQLITE_STATIC);
		if (step_done(st))
			goto out_err;
	}
	sqlite3_finalize(st);
	st = NULL;

	if (sqlite3_prepare_v2(sql, "INSERT INTO runtime_facts (build_id, name, value, source) "
			       "VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		goto out_err;
	if (b->goid_offset >= 0) {
		sqlite3_bind_int64(st, 1, build_id);
		sqlite3_bind_text(st, 2, "g.goid", -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, b->goid_offset);
		sqlite3_bind_text(st, 4, b->goid_offset_source ? b->goid_offset_source : "unknown",
				  -1, SQLITE_STATIC);
		if (step_done(st))
			goto out_err;
	}
	if (b->types_base) {
		sqlite3_bind_int64(st, 1, build_id);
		sqlite3_bind_text(st, 2, "moduledata.types", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, b->types_base);
		sqlite3_bind_text(st, 4, "moduledata", -1, SQLITE_STATIC);
		if (step_done(st))
			goto out_err;
	}
	sqlite3_finalize(st);
	st = NULL;

	*out_build_id = build_id;
	err = 0;
	goto out;

out_err:
	sql_err(sql, path, "storing the build");
out:
	sqlite3_finalize(st);
	return err;
}

static void store_stmts_free(struct store_stmts *ss)
{
	sqlite3_finalize(ss->func);
	sqlite3_finalize(ss->exit);
	sqlite3_finalize(ss->param);
	sqlite3_finalize(ss->piece);
	sqlite3_finalize(ss->inl);
	memset(ss, 0, sizeof(*ss));
}

static int store_stmts_prepare(sqlite3 *sql, struct store_stmts *ss)
{
	if (sqlite3_prepare_v2(sql,
			       "INSERT INTO functions (build_id, name, entry, file_offset, size, abi, is_asm, "
			       "is_wrapper, args_size, decode_status, entry_probe_offset, entry_probe_kind, "
			       "entry_jcc, entry_insn, params_known, id) "
			       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &ss->func, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO exits (function_id, offset, kind, target, target_name, insn) "
			       "VALUES (?,?,?,?,?,?)",
			       -1, &ss->exit, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO params (function_id, idx, name, type_name, kind, size, is_result, "
			       "on_stack, dwarf_check, dwarf_loc) VALUES (?,?,?,?,?,?,?,?,?,?)",
			       -1, &ss->param, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO param_pieces (param_id, idx, path, kind, size, loc, reg, stack_off) "
			       "VALUES (?,?,?,?,?,?,?,?)",
			       -1, &ss->piece, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO inlines (function_id, idx, callee, offset, parent) VALUES (?,?,?,?,?)",
			       -1, &ss->inl, NULL) != SQLITE_OK) {
		store_stmts_free(ss);
		return -EIO;
	}
	return 0;
}

/* Copy the existing DB into the temporary file so new builds add to it. */
static int copy_db(sqlite3 *dst, const char *src_path)
{
	sqlite3_backup *bk;
	sqlite3 *src;
	int err;

	err = db_open_checked(src_path, SQLITE_OPEN_READONLY, &src);
	if (err)
		return err;
	bk = sqlite3_backup_init(dst, "main", src, "main");
	if (!bk) {
		err = sql_err(dst, src_path, "copying the existing DB");
		goto out_close;
	}
	if (sqlite3_backup_step(bk, -1) != SQLITE_DONE)
		err = sql_err(dst, src_path, "copying the existing DB");
	sqlite3_backup_finish(bk);
out_close:
	sqlite3_close(src);
	return err;
}

struct gadb_writer {
	sqlite3 *sql;
	char *path;
	char *tmp_path;
	bool exists;
	struct store_stmts ss;
	int64_t build_id;
	int64_t func_id_base;
	bool committed;
};

void gadb_writer__free(struct gadb_writer *w)
{
	if (!w)
		return;
	store_stmts_free(&w->ss);
	sqlite3_close(w->sql);
	if (!w->committed && w->tmp_path)
		unlink(w->tmp_path);
	free(w->tmp_path);
	free(w->path);
	free(w);
}

struct gadb_writer *gadb_writer__open(const char *path, const char *sha256)
{
	struct gadb_writer *w;
	int err;

	w = calloc(1, sizeof(*w));
	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	w->exists = access(path, F_OK) == 0;
	if (w->exists) {
		err = gadb_has_build(path, sha256);
		if (err)
			goto out_free;	/* 1: already there */
	}
	w->path = strdup(path);
	if (!w->path || asprintf(&w->tmp_path, "%s.tmp.%d", path, (int)getpid()) < 0) {
		w->tmp_path = NULL;
		err = -ENOMEM;
		goto out_free;
	}
	unlink(w->tmp_path);
	/* One thread at a time writes this private file: no need for SQLite's mutexes. */
	if (sqlite3_open_v2(w->tmp_path, &w->sql,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		pr_warn("db: cannot create '%s': %s", w->tmp_path,
			w->sql ? sqlite3_errmsg(w->sql) : "out of memory");
		err = -EIO;
		goto out_free;
	}
	/*
	 * The file is private until the rename; a crash leaves only the temp
	 * file. Rows go in mostly in key order: a 1 MiB page cache is enough.
	 */
	err = exec_sql(w->sql, w->tmp_path, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
		       "PRAGMA cache_size = -1024;");
	if (!err)
		err = w->exists ? copy_db(w->sql, path) : exec_sql(w->sql, w->tmp_path, ga_schema_sql);
	/* Rows of other tables may come before their function's row: check at commit. */
	if (!err)
		err = exec_sql(w->sql, w->tmp_path,
			       "PRAGMA foreign_keys = ON; BEGIN; PRAGMA defer_foreign_keys = ON;");
	if (!err && store_stmts_prepare(w->sql, &w->ss))
		err = sql_err(w->sql, w->tmp_path, "preparing statements");
	if (err)
		goto out_free;
	return w;

out_free:
	gadb_writer__free(w);
	errno = err == 1 ? EEXIST : -err;
	return NULL;
}

int gadb_writer__begin_build(struct gadb_writer *w, const struct ga_build *b,
			     const char *analyzer_version)
{
	sqlite3_stmt *st;
	int err;

	err = store_build_row(w->sql, w->tmp_path, b, analyzer_version, &w->build_id);
	if (err)
		return err;
	/* Function ids are ours to give: rows that name them can come first. */
	if (sqlite3_prepare_v2(w->sql, "SELECT COALESCE(MAX(id), 0) + 1 FROM functions", -1, &st,
			       NULL) != SQLITE_OK)
		return sql_err(w->sql, w->tmp_path, "numbering functions");
	if (sqlite3_step(st) == SQLITE_ROW)
		w->func_id_base = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return w->func_id_base ? 0 : sql_err(w->sql, w->tmp_path, "numbering functions");
}

int gadb_writer__add_func_code(struct gadb_writer *w, size_t idx, const struct ga_func *f)
{
	if (store_func_code(&w->ss, w->func_id_base + idx, f))
		return sql_err(w->sql, w->tmp_path, "storing exits");
	return 0;
}

int gadb_writer__add_func(struct gadb_writer *w, size_t idx, const struct ga_func *f)
{
	if (store_func_row(&w->ss, w->build_id, w->func_id_base + idx, f))
		return sql_err(w->sql, w->tmp_path, "storing a function");
	return 0;
}

int gadb_writer__commit(struct gadb_writer *w)
{
	int err, fd;

	store_stmts_free(&w->ss);
	err = exec_sql(w->sql, w->tmp_path, "COMMIT");
	if (err)
		return err;
	if (sqlite3_close(w->sql) != SQLITE_OK)
		return sql_err(w->sql, w->tmp_path, "closing");
	w->sql = NULL;
	fd = open(w->tmp_path, O_RDONLY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	if (rename(w->tmp_path, w->path)) {
		err = -errno;
		pr_warn("db: cannot rename '%s' to '%s': %s", w->tmp_path, w->path, strerror(errno));
		return err;
	}
	w->committed = true;
	return 0;
}

int gadb_store_build(const char *path, const struct ga_build *b, const struct ga_func *funcs,
		     size_t nfuncs, const char *analyzer_version)
{
	struct gadb_writer *w = gadb_writer__open(path, b->sha256);
	size_t i;
	int err;

	if (!w)
		return -errno;
	err = gadb_writer__begin_build(w, b, analyzer_version);
	for (i = 0; !err && i < nfuncs; i++) {
		err = gadb_writer__add_func_code(w, i, &funcs[i]);
		if (!err)
			err = gadb_writer__add_func(w, i, &funcs[i]);
	}
	if (!err)
		err = gadb_writer__commit(w);
	gadb_writer__free(w);
	return err;
}

int gadb_annotate(const char *path, int64_t func_id, const struct ga_param *params, size_t n)
{
	struct store_stmts ss = {};
	sqlite3_stmt *st = NULL;
	sqlite3 *sql;
	int err;

	/* In place, in one transaction: SQLite's journal keeps it whole. */
	err = db_open_checked(path, SQLITE_OPEN_READWRITE, &sql);
	if (err)
		return err;
	err = exec_sql(sql, path, "PRAGMA foreign_keys = ON; BEGIN IMMEDIATE");
	if (err)
		goto out_close;
	if (store_stmts_prepare(sql, &ss) ||
	    sqlite3_prepare_v2(sql, "DELETE FROM params WHERE function_id = ?1; ", -1, &st, NULL)) {
		err = sql_err(sql, path, "annotating");
		goto out_rollback;
	}
	sqlite3_bind_int64(st, 1, func_id);
	if (step_done(st) || store_params(&ss, func_id, params, n)) {
		err = sql_err(sql, path, "annotating");
		goto out_rollback;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(sql, "UPDATE functions SET params_known = 1 WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK) {
		err = sql_err(sql, path, "annotating");
		goto out_rollback;
	}
	sqlite3_bind_int64(st, 1, func_id);
	if (step_done(st) || sqlite3_changes(sql) != 1) {
		err = sql_err(sql, path, "annotating");
		goto out_rollback;
	}
	sqlite3_finalize(st);
	st = NULL;
	store_stmts_free(&ss);
	err = exec_sql(sql, path, "COMMIT");
	goto out_close;

out_rollback:
	sqlite3_finalize(st);
	store_stmts_free(&ss);
	exec_sql(sql, path, "ROLLBACK");
out_close:
	sqlite3_close(sql);
	return err;
}
