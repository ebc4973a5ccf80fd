// SPDX-License-Identifier: MIT
/*
 * Reading a DB: builds with their build info and runtime facts, the
 * functions a list of patterns selects with their exits, inlined calls and
 * params, inline sites and names (suggestions, shell completion).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "db_internal.h"
#include "select.h"
#include "util.h"

static char *col_strdup(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? strdup((const char *)s) : NULL;
}

static const char build_cols[] =
	"id, sha256, size, path, go_build_id, gnu_build_id, go_version, goarch, default_abi, "
	"pclntab_format, text_start, stripped, has_dwarf, cgo, pie, module_path, mod_info, "
	"trimpath, race, debuginfo, debuginfo_path";

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
	b->debuginfo = col_strdup(st, 19);
	b->debuginfo_path = col_strdup(st, 20);
	b->goid_offset = -1;
}

/* The main module and the dependencies, in build info's order. */
static int load_modules(struct gadb *db, struct ga_build *b)
{
	struct ga_module *m;
	sqlite3_stmt *st;
	size_t cap = 0;
	int err = 0;

	if (sqlite3_prepare_v2(db->sql,
			       "SELECT kind, path, version, sum FROM modules WHERE build_id = ? ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "reading modules");
	sqlite3_bind_int64(st, 1, b->db_id);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		err = ga_ensure_mem((void **)&b->modules, &cap, b->nmodules + 1, sizeof(*m));
		if (err)
			break;
		m = &b->modules[b->nmodules++];
		*m = (struct ga_module){
			.kind = col_strdup(st, 0), .path = col_strdup(st, 1),
			.version = col_strdup(st, 2), .sum = col_strdup(st, 3),
		};
	}
	sqlite3_finalize(st);
	return err;
}

static int load_settings(struct gadb *db, struct ga_build *b)
{
	struct ga_setting *set;
	sqlite3_stmt *st;
	size_t cap = 0;
	int err = 0;

	if (sqlite3_prepare_v2(db->sql,
			       "SELECT key, value FROM build_settings WHERE build_id = ? ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "reading build settings");
	sqlite3_bind_int64(st, 1, b->db_id);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		err = ga_ensure_mem((void **)&b->settings, &cap, b->nsettings + 1, sizeof(*set));
		if (err)
			break;
		set = &b->settings[b->nsettings++];
		*set = (struct ga_setting){ .key = col_strdup(st, 0), .value = col_strdup(st, 1) };
	}
	sqlite3_finalize(st);
	return err;
}

/* The field of b a runtime_facts row of runtime.g (other than g.goid) fills, or NULL. */
static int *g_fact_field(struct ga_build *b, const char *name)
{
	if (!strcmp(name, "g.stack.hi"))
		return &b->g_stack_hi_offset;
	if (!strcmp(name, "g.sched.sp"))
		return &b->g_sched_sp_offset;
	if (!strcmp(name, "g.atomicstatus"))
		return &b->g_status_offset;
	return NULL;
}

static int load_runtime_facts(struct gadb *db, struct ga_build *b)
{
	sqlite3_stmt *st;
	int *dst;

	if (sqlite3_prepare_v2(db->sql,
			       "SELECT name, value, source FROM runtime_facts WHERE build_id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "reading runtime facts");
	sqlite3_bind_int64(st, 1, b->db_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (!name)
			continue;
		if (!strcmp(name, "g.goid")) {
			b->goid_offset = sqlite3_column_int(st, 1);
			free(b->goid_offset_source);
			b->goid_offset_source = col_strdup(st, 2);
		} else if ((dst = g_fact_field(b, name))) {
			*dst = sqlite3_column_int(st, 1);
			free(b->g_offsets_source);
			b->g_offsets_source = col_strdup(st, 2);
		} else if (!strcmp(name, "moduledata.types")) {
			b->types_base = sqlite3_column_int64(st, 1);
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* What a builds row leaves out: build info and runtime facts. */
static int load_build_details(struct gadb *db, struct ga_build *b)
{
	int err;

	err = load_modules(db, b);
	if (!err)
		err = load_settings(db, b);
	if (!err)
		err = load_runtime_facts(db, b);
	return err;
}

int gadb__find_build(struct gadb *db, const char *sha256, struct ga_build *out)
{
	char q[512];
	sqlite3_stmt *st;
	int rc, err;

	snprintf(q, sizeof(q), "SELECT %s FROM builds WHERE sha256 = ?", build_cols);
	if (sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "looking up the build");
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		build_from_row(st, out);
		err = load_build_details(db, out);
	} else {
		err = rc == SQLITE_DONE ? -ENOENT : db_sql_err(db->sql, db->path, "looking up the build");
	}
	sqlite3_finalize(st);
	return err;
}

int gadb__list_builds(struct gadb *db, struct ga_build **builds, size_t *n)
{
	struct ga_build *arr = NULL;
	size_t cnt = 0, cap = 0, i;
	sqlite3_stmt *st;
	char q[512];
	int rc, err = 0;

	snprintf(q, sizeof(q), "SELECT %s FROM builds ORDER BY id", build_cols);
	if (sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "listing builds");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = ga_ensure_mem((void **)&arr, &cap, cnt + 1, sizeof(*arr));
		if (err)
			goto out_free;
		build_from_row(st, &arr[cnt++]);
	}
	if (rc != SQLITE_DONE) {
		err = db_sql_err(db->sql, db->path, "listing builds");
		goto out_free;
	}
	for (i = 0; i < cnt; i++)
		load_build_details(db, &arr[i]);
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

static const char func_cols[] =
	"id, name, entry, file_offset, size, abi, is_asm, is_wrapper, args_size, decode_status, "
	"entry_probe_offset, entry_probe_kind, entry_jcc, entry_insn, params_known, params_source";

/* A row of func_cols; 0 or -ENOMEM. */
static int func_from_row(sqlite3_stmt *st, struct ga_func *f)
{
	int v;

	memset(f, 0, sizeof(*f));
	f->db_id = sqlite3_column_int64(st, 0);
	f->name = col_strdup(st, 1);
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
	v = ga_params_source_parse((const char *)sqlite3_column_text(st, 15));
	f->params_source = v < 0 ? GA_PSRC_NONE : v;
	return f->name ? 0 : -ENOMEM;
}

/* offset, kind, target, target_name, insn (from column c on) */
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

/* name, type_name, kind, size, is_result, on_stack, dwarf_check, dwarf_loc, type_id */
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
	p->type_ref = sqlite3_column_int64(st, c + 8) > 0 ? sqlite3_column_int64(st, c + 8) : 0;
}

/*
 * The array a pass is filling. Rows come grouped by owner, so only the
 * current owner's array has room to grow; it is cut to its length when
 * the next owner's rows start (100k functions each with 16-slot arrays
 * would hold hundreds of MB).
 */
struct row_run {
	void **arr;	/* the current owner's array, of *n elements */
	size_t *n;
	size_t cap;
	size_t elem_size;
};

/* Cut the current owner's array to its length (if the allocator can). */
static void row_run__end(struct row_run *run)
{
	void *tmp;

	if (run->arr && *run->n && run->cap > *run->n) {
		tmp = realloc(*run->arr, *run->n * run->elem_size);
		if (tmp)
			*run->arr = tmp;
	}
	run->arr = NULL;
}

/* Room for one more element of *arr (*n long, elements of elem_size), or NULL. */
static void *row_run__add(struct row_run *run, void **arr, size_t *n, size_t elem_size)
{
	if (run->arr != arr) {
		row_run__end(run);
		*run = (struct row_run){ .arr = arr, .n = n, .cap = *n, .elem_size = elem_size };
	}
	if (ga_ensure_mem(arr, &run->cap, *n + 1, elem_size))
		return NULL;
	return (char *)*arr + (*n)++ * elem_size;
}

/*
 * path, kind, size, loc, reg, stack_off (from column c on): appended to
 * p's pieces, or to its derefs (the pointee's fields, loc 'deref'), each
 * filled by its run. 0 or -ENOMEM.
 */
static int piece_from_row(sqlite3_stmt *st, int c, struct ga_param *p, struct row_run *pieces,
			  struct row_run *derefs)
{
	const char *loc = (const char *)sqlite3_column_text(st, c + 3);
	bool deref = loc && !strcmp(loc, "deref");
	struct ga_piece *pc;
	int kind;

	pc = deref ? row_run__add(derefs, (void **)&p->derefs, &p->nderefs, sizeof(*pc)) :
		     row_run__add(pieces, (void **)&p->pieces, &p->npieces, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
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

/* Who owns a pass's row, found by id: function f of the result (and its param p). */
struct id_ref {
	int64_t id;	/* functions.id, or params.id */
	size_t f, p;
};

static int cmp_id_ref(const void *a, const void *b)
{
	int64_t x = ((const struct id_ref *)a)->id, y = ((const struct id_ref *)b)->id;

	return x < y ? -1 : x > y;
}

/* The ref with this id; *last, the one found before, is tried first. */
static struct id_ref *id_ref_find(struct id_ref *refs, size_t n, int64_t id, struct id_ref **last)
{
	struct id_ref key = { .id = id };

	/* rows come grouped by owner: most belong to the one before */
	if (!*last || (*last)->id != id)
		*last = n ? bsearch(&key, refs, n, sizeof(*refs), cmp_id_ref) : NULL;
	return *last;
}

/*
 * The functions being loaded. First their rows, chosen in C by a
 * ga_selection; then their ids go into a temp table, and their exits,
 * inlined calls, params and pieces come in four passes, one query each over
 * the table joined with it (a diff reads 200k functions and 600k params:
 * no query per function).
 */
struct func_loader {
	struct gadb *db;
	int64_t build_id;
	struct ga_func *funcs;
	size_t nfuncs, funcs_cap;
	bool names_table, ids_table;	/* temp tables made, to drop */
	struct id_ref *func_refs;	/* sorted by id */
	struct id_ref *param_refs;	/* sorted by id for the pieces pass */
	struct id_ref *last_ref;	/* the owner of the pass's last row */
	size_t nparam_refs, param_refs_cap;
	struct row_run runs[2];		/* the arrays the current pass fills */
};

/* ga_name_exists_fn over the build's name index; ctx is the loader. */
static int name_exists(void *ctx, const char *name)
{
	const struct func_loader *l = ctx;
	struct gadb *db = l->db;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db->sql, "SELECT 1 FROM functions WHERE build_id = ? AND name = ? LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "looking up a function");
	sqlite3_bind_int64(st, 1, l->build_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return db_sql_err(db->sql, db->path, "looking up a function");
}

typedef void (*bind_row_fn)(sqlite3_stmt *st, const void *rows, size_t i);

static void bind_pattern(sqlite3_stmt *st, const void *rows, size_t i)
{
	sqlite3_bind_text(st, 1, ((const char *const *)rows)[i], -1, SQLITE_STATIC);
}

static void bind_ref_id(sqlite3_stmt *st, const void *rows, size_t i)
{
	sqlite3_bind_int64(st, 1, ((const struct id_ref *)rows)[i].id);
}

/*
 * Make a temp table (private to the connection, and allowed on a read-only
 * one) and insert n rows, bind(st, rows, i) filling row i: all in one
 * transaction, so that on failure no table is left behind.
 */
static int temp_table_fill(struct gadb *db, const char *create, const char *insert,
			   bind_row_fn bind, const void *rows, size_t n)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = SQLITE_DONE, err;

	if (sqlite3_exec(db->sql, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "selecting functions");
	if (sqlite3_exec(db->sql, create, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->sql, insert, -1, &st, NULL) != SQLITE_OK)
		rc = SQLITE_ERROR;
	for (i = 0; rc == SQLITE_DONE && i < n; i++) {
		bind(st, rows, i);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	err = db_sql_err(db->sql, db->path, "selecting functions");
	sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

/*
 * The rows of the build's functions that sel selects, by entry address.
 * by_name: sel only names functions, looked up by the name index instead
 * of reading every function (a manifest of 50 names from a 100k-function
 * build).
 */
static int func_loader__read_funcs(struct func_loader *l, const char *const *patterns,
				   size_t npat, struct ga_selection *sel)
{
	bool by_name = ga_selection__names_only(sel);
	struct gadb *db = l->db;
	sqlite3_stmt *st;
	char q[512];
	int rc, err = 0;

	if (by_name) {
		err = temp_table_fill(db, "CREATE TEMP TABLE ga_names (name TEXT)",
				      "INSERT INTO temp.ga_names VALUES (?)", bind_pattern, patterns, npat);
		if (err)
			return err;
		l->names_table = true;
	}
	snprintf(q, sizeof(q), "SELECT %s FROM functions WHERE build_id = ?%s ORDER BY entry, id",
		 func_cols, by_name ? " AND name IN temp.ga_names" : "");
	if (sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "reading functions");
	sqlite3_bind_int64(st, 1, l->build_id);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);

		if (!name || !ga_selection__match(sel, name))
			continue;
		err = ga_ensure_mem((void **)&l->funcs, &l->funcs_cap, l->nfuncs + 1, sizeof(*l->funcs));
		if (!err)
			err = func_from_row(st, &l->funcs[l->nfuncs++]);
	}
	if (!err && rc != SQLITE_DONE)
		err = db_sql_err(db->sql, db->path, "reading functions");
	sqlite3_finalize(st);
	return err;
}

/*
 * The loaded functions by id, for the passes' rows to find, and in the
 * temp table the passes join with. Every function of a build (a diff) goes
 * there too: 100k ids inserted in order cost less than sorting each pass's
 * rows of a join with the build's functions, and it is one way to read.
 */
static int func_loader__select(struct func_loader *l)
{
	size_t i;
	int err;

	l->func_refs = calloc(l->nfuncs + 1, sizeof(*l->func_refs));
	if (!l->func_refs)
		return -ENOMEM;
	for (i = 0; i < l->nfuncs; i++)
		l->func_refs[i] = (struct id_ref){ .id = l->funcs[i].db_id, .f = i };
	qsort(l->func_refs, l->nfuncs, sizeof(*l->func_refs), cmp_id_ref);
	err = temp_table_fill(l->db, "CREATE TEMP TABLE ga_selected (id INTEGER PRIMARY KEY)",
			      "INSERT INTO temp.ga_selected VALUES (?)", bind_ref_id, l->func_refs,
			      l->nfuncs);
	if (err)
		return err;
	l->ids_table = true;
	return 0;
}

typedef int (*pass_row_fn)(struct func_loader *l, sqlite3_stmt *st);

/*
 * One pass: query run once, each row handed to row. The selected ids
 * (temp.ga_selected s) come first in the join (CROSS JOIN keeps SQLite to
 * that order) and order the rows: 50 functions are 50 index look-ups,
 * neither a scan of the table nor a sort.
 */
static int func_loader__pass(struct func_loader *l, const char *query, pass_row_fn row,
			     const char *what)
{
	struct gadb *db = l->db;
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_DONE, err = 0;

	if (sqlite3_prepare_v2(db->sql, query, -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, what);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = row(l, st);
	if (!err && rc != SQLITE_DONE)
		err = db_sql_err(db->sql, db->path, what);
	sqlite3_finalize(st);
	for (i = 0; i < ARRAY_SIZE(l->runs); i++)
		row_run__end(&l->runs[i]);
	l->last_ref = NULL;
	return err;
}

/* The loaded function that owns a pass's row (its column 0), or NULL. */
static struct ga_func *row_func(struct func_loader *l, sqlite3_stmt *st, size_t *f)
{
	struct id_ref *ref = id_ref_find(l->func_refs, l->nfuncs, sqlite3_column_int64(st, 0),
					   &l->last_ref);

	if (ref && f)
		*f = ref->f;
	return ref ? &l->funcs[ref->f] : NULL;
}

static int add_exit(struct func_loader *l, sqlite3_stmt *st)
{
	struct ga_func *f = row_func(l, st, NULL);
	struct ga_exit *e;

	if (!f)
		return 0;
	e = row_run__add(&l->runs[0], (void **)&f->exits, &f->nexits, sizeof(*e));
	if (!e)
		return -ENOMEM;
	exit_from_row(st, 1, e);
	return 0;
}

static int func_loader__read_exits(struct func_loader *l)
{
	return func_loader__pass(l,
		"SELECT e.function_id, e.offset, e.kind, e.target, e.target_name, e.insn "
		"FROM temp.ga_selected s CROSS JOIN exits e ON e.function_id = s.id "
		"ORDER BY s.id, e.offset",
		add_exit, "reading exits");
}

static int add_inline(struct func_loader *l, sqlite3_stmt *st)
{
	struct ga_func *f = row_func(l, st, NULL);
	struct ga_inline *in;

	if (!f)
		return 0;
	in = row_run__add(&l->runs[0], (void **)&f->inlines, &f->ninlines, sizeof(*in));
	if (!in)
		return -ENOMEM;
	*in = (struct ga_inline){
		.callee = col_strdup(st, 1), .offset = sqlite3_column_int64(st, 2),
		.parent = sqlite3_column_int(st, 3),
	};
	return 0;
}

static int func_loader__read_inlines(struct func_loader *l)
{
	return func_loader__pass(l,
		"SELECT i.function_id, i.callee, i.offset, i.parent "
		"FROM temp.ga_selected s CROSS JOIN inlines i ON i.function_id = s.id "
		"ORDER BY s.id, i.idx",
		add_inline, "reading inlined calls");
}

/* Also remembers the param by its id, for the pieces pass. */
static int add_param(struct func_loader *l, sqlite3_stmt *st)
{
	struct ga_param *p;
	struct ga_func *f;
	size_t fi;

	f = row_func(l, st, &fi);
	if (!f)
		return 0;
	if (ga_ensure_mem((void **)&l->param_refs, &l->param_refs_cap, l->nparam_refs + 1,
			  sizeof(*l->param_refs)))
		return -ENOMEM;
	p = row_run__add(&l->runs[0], (void **)&f->params, &f->nparams, sizeof(*p));
	if (!p)
		return -ENOMEM;
	l->param_refs[l->nparam_refs++] = (struct id_ref){
		.id = sqlite3_column_int64(st, 1), .f = fi, .p = f->nparams - 1,
	};
	param_from_row(st, 2, p);
	return 0;
}

static int func_loader__read_params(struct func_loader *l)
{
	return func_loader__pass(l,
		"SELECT p.function_id, p.id, p.name, p.type_name, p.kind, p.size, p.is_result, "
		"p.on_stack, p.dwarf_check, p.dwarf_loc, p.type_id "
		"FROM temp.ga_selected s CROSS JOIN params p ON p.function_id = s.id "
		"ORDER BY s.id, p.idx",
		add_param, "reading params");
}

static int add_piece(struct func_loader *l, sqlite3_stmt *st)
{
	struct id_ref *ref = id_ref_find(l->param_refs, l->nparam_refs,
					   sqlite3_column_int64(st, 0), &l->last_ref);

	if (!ref)
		return 0;
	return piece_from_row(st, 1, &l->funcs[ref->f].params[ref->p], &l->runs[0], &l->runs[1]);
}

/* After the params pass: pieces find their param by id. */
static int func_loader__read_pieces(struct func_loader *l)
{
	if (l->nparam_refs)
		qsort(l->param_refs, l->nparam_refs, sizeof(*l->param_refs), cmp_id_ref);
	return func_loader__pass(l,
		"SELECT pp.param_id, pp.path, pp.kind, pp.size, pp.loc, pp.reg, pp.stack_off "
		"FROM temp.ga_selected s CROSS JOIN params p ON p.function_id = s.id "
		"CROSS JOIN param_pieces pp ON pp.param_id = p.id ORDER BY s.id, p.idx, pp.idx",
		add_piece, "reading param pieces");
}

/* Drops the temp tables; frees what the result does not keep. */
static void func_loader__clear(struct func_loader *l)
{
	if (l->names_table)
		sqlite3_exec(l->db->sql, "DROP TABLE temp.ga_names", NULL, NULL, NULL);
	if (l->ids_table)
		sqlite3_exec(l->db->sql, "DROP TABLE temp.ga_selected", NULL, NULL, NULL);
	ga_funcs_free(l->funcs, l->nfuncs);
	free(l->func_refs);
	free(l->param_refs);
}

int gadb__load_funcs(struct gadb *db, int64_t build_id, const char *const *patterns,
		     size_t npat, struct ga_func **funcs, size_t *nfuncs, int *unmatched)
{
	struct func_loader l = { .db = db, .build_id = build_id };
	struct ga_selection *sel;
	int err;

	if (unmatched)
		*unmatched = -1;
	sel = ga_selection__new(patterns, npat, name_exists, &l);
	if (!sel)
		return -errno;
	err = func_loader__read_funcs(&l, patterns, npat, sel);
	if (!err)
		err = func_loader__select(&l);
	if (!err)
		err = func_loader__read_exits(&l);
	if (!err)
		err = func_loader__read_inlines(&l);
	if (!err)
		err = func_loader__read_params(&l);
	if (!err)
		err = func_loader__read_pieces(&l);
	if (err)
		goto out;
	if (unmatched)
		*unmatched = ga_selection__first_unmatched(sel);
	*funcs = l.funcs;
	*nfuncs = l.nfuncs;
	l.funcs = NULL;
	l.nfuncs = 0;
out:
	func_loader__clear(&l);
	ga_selection__free(sel);
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
		return db_sql_err(db->sql, db->path, "looking up inlined calls");
	}
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_text(st, 2, pattern, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ga_pattern_is_glob(pattern) ? pattern : "", -1, SQLITE_STATIC);
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
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_sql_err(db->sql, db->path, "reading inlined calls");
}

int gadb__load_syms(struct gadb *db, int64_t build_id, struct ga_sym **syms, size_t *n)
{
	struct ga_sym *arr = NULL, *grown;
	size_t cnt = 0, cap = 0;
	sqlite3_stmt *st;
	int rc, err = 0;

	*syms = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db->sql,
			       "SELECT entry, size, name, id FROM functions WHERE build_id = ? ORDER BY entry",
			       -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "looking up the function table");
	sqlite3_bind_int64(st, 1, build_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t entry = sqlite3_column_int64(st, 0);

		/* an ABI wrapper and its target never share an address, but be sure */
		if (cnt && arr[cnt - 1].entry == entry)
			continue;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 1024;
			grown = realloc(arr, cap * sizeof(*arr));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			arr = grown;
		}
		arr[cnt] = (struct ga_sym){
			.entry = entry, .size = sqlite3_column_int64(st, 1), .name = col_strdup(st, 2),
			.id = sqlite3_column_int64(st, 3),
		};
		if (!arr[cnt].name) {
			err = -ENOMEM;
			break;
		}
		cnt++;
	}
	sqlite3_finalize(st);
	if (!err && rc != SQLITE_DONE)
		err = db_sql_err(db->sql, db->path, "reading the function table");
	if (err) {
		ga_syms_free(arr, cnt);
		return err;
	}
	*syms = arr;
	*n = cnt;
	return 0;
}

void ga_syms_free(struct ga_sym *syms, size_t n)
{
	size_t i, k;

	for (i = 0; syms && i < n; i++) {
		free(syms[i].name);
		for (k = 0; k < syms[i].ninlines; k++)
			free(syms[i].inlines[k].callee);
		free(syms[i].inlines);
		free(syms[i].ranges);
	}
	free(syms);
}

/* syms by functions.id, for rows keyed by function */
struct sym_by_id {
	int64_t id;
	struct ga_sym *sym;
};

static int sym_by_id_cmp(const void *a, const void *b)
{
	const struct sym_by_id *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static struct ga_sym *sym_of_id(const struct sym_by_id *ids, size_t n, int64_t id)
{
	struct sym_by_id key = { .id = id };
	const struct sym_by_id *hit = bsearch(&key, ids, n, sizeof(*ids), sym_by_id_cmp);

	return hit ? hit->sym : NULL;
}

/* inlines rows into their functions' inlines[idx]; 0 or a negative errno */
static int read_sym_calls(struct gadb *db, sqlite3_stmt *st, const struct sym_by_id *ids, size_t n)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ga_sym *s = sym_of_id(ids, n, sqlite3_column_int64(st, 0));
		int64_t idx = sqlite3_column_int64(st, 1);
		struct ga_inline *grown;

		if (!s || idx < 0 || idx >= 1 << 20)
			continue;
		if ((size_t)idx >= s->ninlines) {
			grown = realloc(s->inlines, (idx + 1) * sizeof(*grown));
			if (!grown)
				return -ENOMEM;
			memset(grown + s->ninlines, 0, (idx + 1 - s->ninlines) * sizeof(*grown));
			s->inlines = grown;
			s->ninlines = idx + 1;
		}
		free(s->inlines[idx].callee);
		s->inlines[idx] = (struct ga_inline){
			.callee = col_strdup(st, 2), .parent = sqlite3_column_int(st, 3),
		};
		if (!s->inlines[idx].callee)
			return -ENOMEM;
	}
	return rc == SQLITE_DONE ? 0 : db_sql_err(db->sql, db->path, "reading inlined calls");
}

/* inline_ranges rows (by function, start) into their functions; 0 or a negative errno */
static int read_sym_ranges(struct gadb *db, sqlite3_stmt *st, const struct sym_by_id *ids, size_t n)
{
	struct ga_sym *s = NULL;
	size_t cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t start = sqlite3_column_int64(st, 1), end = sqlite3_column_int64(st, 2);
		int idx = sqlite3_column_int(st, 3);

		if (!s || s->id != id) {
			s = sym_of_id(ids, n, id);
			cap = s ? s->nranges : 0;
		}
		/* a range of a call the DB does not name cannot be shown */
		if (!s || idx < 0 || (size_t)idx >= s->ninlines || !s->inlines[idx].callee ||
		    start < 0 || end <= start || (uint64_t)end > s->size)
			continue;
		if (ga_ensure_mem((void **)&s->ranges, &cap, s->nranges + 1, sizeof(*s->ranges)))
			return -ENOMEM;
		s->ranges[s->nranges++] = (struct ga_inl_range){
			.start = start, .end = end, .idx = idx,
		};
	}
	return rc == SQLITE_DONE ? 0 : db_sql_err(db->sql, db->path, "reading inlined code ranges");
}

int gadb__load_sym_inlines(struct gadb *db, int64_t build_id, struct ga_sym *syms, size_t n)
{
	struct sym_by_id *ids = calloc(n ? n : 1, sizeof(*ids));
	sqlite3_stmt *calls = NULL, *ranges = NULL;
	size_t i;
	int err;

	if (!ids)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		ids[i] = (struct sym_by_id){ .id = syms[i].id, .sym = &syms[i] };
	qsort(ids, n, sizeof(*ids), sym_by_id_cmp);
	/* the calls first: a range is kept only when its call is known */
	if (sqlite3_prepare_v2(db->sql,
			       "SELECT i.function_id, i.idx, i.callee, i.parent FROM functions f "
			       "JOIN inlines i ON i.function_id = f.id WHERE f.build_id = ?",
			       -1, &calls, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->sql,
			       "SELECT r.function_id, r.start, r.end, r.inline_idx FROM functions f "
			       "JOIN inline_ranges r ON r.function_id = f.id WHERE f.build_id = ? "
			       "ORDER BY r.function_id, r.start",
			       -1, &ranges, NULL) != SQLITE_OK) {
		err = db_sql_err(db->sql, db->path, "looking up inlined calls");
		goto out_free;
	}
	sqlite3_bind_int64(calls, 1, build_id);
	sqlite3_bind_int64(ranges, 1, build_id);
	err = read_sym_calls(db, calls, ids, n);
	err = err ?: read_sym_ranges(db, ranges, ids, n);
out_free:
	sqlite3_finalize(calls);
	sqlite3_finalize(ranges);
	free(ids);
	return err;
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
		return db_sql_err(db->sql, db->path, "looking up names");
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

int gadb__for_each_name(struct gadb *db, int64_t build_id, const char *prefix,
			int (*fn)(void *ctx, const char *name), void *ctx)
{
	size_t len = strlen(prefix);
	sqlite3_stmt *st;
	char *hi;
	int err = 0, rc;

	hi = malloc(len + 2);
	if (!hi)
		return -ENOMEM;
	/* [prefix, prefix + 0xff): a range on the name index */
	memcpy(hi, prefix, len);
	hi[len] = (char)0xff;
	hi[len + 1] = '\0';
	if (sqlite3_prepare_v2(db->sql,
			       "SELECT DISTINCT name FROM functions WHERE build_id = ? AND name >= ? AND "
			       "name < ? ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK) {
		free(hi);
		return db_sql_err(db->sql, db->path, "looking up names");
	}
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = fn(ctx, (const char *)sqlite3_column_text(st, 0));
	if (!err && rc != SQLITE_DONE)
		err = db_sql_err(db->sql, db->path, "looking up names");
	sqlite3_finalize(st);
	free(hi);
	return err < 0 ? err : 0;
}
