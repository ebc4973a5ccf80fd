// SPDX-License-Identifier: MIT
/*
 * Writing a DB: a new build into a private copy renamed over the DB at
 * commit (gadb_writer__*, gadb_store_build), and a user's signature in
 * place (gadb_annotate).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "db_internal.h"
#include "log.h"
#include "util.h"

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
	sqlite3_stmt *inl_range;
	sqlite3_stmt *type;
	sqlite3_stmt *field;
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
		if (p->type_ref)
			sqlite3_bind_int64(st, 11, p->type_ref);
		else
			sqlite3_bind_null(st, 11);
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
	bind_text_or_null(st, 17, f->params_known ? ga_params_source_name(f->params_source) : NULL);
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
	for (i = 0; i < f->ninl_ranges; i++) {
		st = ss->inl_range;
		sqlite3_bind_int64(st, 1, func_id);
		sqlite3_bind_int64(st, 2, f->inl_ranges[i].start);
		sqlite3_bind_int64(st, 3, f->inl_ranges[i].end);
		sqlite3_bind_int(st, 4, f->inl_ranges[i].idx);
		if (step_done(st))
			return -EIO;
	}
	return 0;
}

/* The builds row; its id in *build_id. */
static int store_build_info(sqlite3 *sql, const struct ga_build *b, const char *analyzer_version,
			    int64_t *build_id)
{
	sqlite3_stmt *st;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	int err;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (sqlite3_prepare_v2(sql,
			       "INSERT INTO builds (sha256, size, path, go_build_id, gnu_build_id, go_version, "
			       "goarch, default_abi, pclntab_format, text_start, stripped, has_dwarf, cgo, pie, "
			       "module_path, mod_info, analyzer_version, indexed_at, trimpath, race, "
			       "debuginfo, debuginfo_path) "
			       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
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
	bind_text_or_null(st, 21, b->debuginfo);
	bind_text_or_null(st, 22, b->debuginfo_path);
	err = step_done(st);
	*build_id = sqlite3_last_insert_rowid(sql);
	sqlite3_finalize(st);
	return err;
}

/* The main module and the dependencies, in build info's order. */
static int store_modules(sqlite3 *sql, int64_t build_id, const struct ga_build *b)
{
	sqlite3_stmt *st;
	size_t i;
	int err = 0;

	if (sqlite3_prepare_v2(sql,
			       "INSERT INTO modules (build_id, idx, kind, path, version, sum) "
			       "VALUES (?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	for (i = 0; !err && i < b->nmodules; i++) {
		sqlite3_bind_int64(st, 1, build_id);
		sqlite3_bind_int64(st, 2, i);
		sqlite3_bind_text(st, 3, b->modules[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, b->modules[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, b->modules[i].version, -1, SQLITE_STATIC);
		bind_text_or_null(st, 6, b->modules[i].sum);
		err = step_done(st);
	}
	sqlite3_finalize(st);
	return err;
}

static int store_settings(sqlite3 *sql, int64_t build_id, const struct ga_build *b)
{
	sqlite3_stmt *st;
	size_t i;
	int err = 0;

	if (sqlite3_prepare_v2(sql,
			       "INSERT INTO build_settings (build_id, idx, key, value) VALUES (?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	for (i = 0; !err && i < b->nsettings; i++) {
		sqlite3_bind_int64(st, 1, build_id);
		sqlite3_bind_int64(st, 2, i);
		sqlite3_bind_text(st, 3, b->settings[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, b->settings[i].value, -1, SQLITE_STATIC);
		err = step_done(st);
	}
	sqlite3_finalize(st);
	return err;
}

static int store_fact(sqlite3_stmt *st, int64_t build_id, const char *name, int64_t value,
		      const char *source)
{
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, value);
	sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
	return step_done(st);
}

/* The offsets of runtime.g's fields and the types base, when known. */
static int store_runtime_facts(sqlite3 *sql, int64_t build_id, const struct ga_build *b)
{
	const char *g_source = b->g_offsets_source ? b->g_offsets_source : "unknown";
	const struct {
		const char *name;
		int value;
	} g_facts[] = {
		{ "g.stack.hi", b->g_stack_hi_offset },
		{ "g.sched.sp", b->g_sched_sp_offset },
		{ "g.atomicstatus", b->g_status_offset },
	};
	sqlite3_stmt *st;
	size_t i;
	int err = 0;

	if (sqlite3_prepare_v2(sql, "INSERT INTO runtime_facts (build_id, name, value, source) "
			       "VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	if (b->goid_offset >= 0)
		err = store_fact(st, build_id, "g.goid", b->goid_offset,
				 b->goid_offset_source ? b->goid_offset_source : "unknown");
	for (i = 0; !err && i < ARRAY_SIZE(g_facts); i++)
		if (g_facts[i].value > 0)
			err = store_fact(st, build_id, g_facts[i].name, g_facts[i].value, g_source);
	if (!err && b->types_base)
		err = store_fact(st, build_id, "moduledata.types", b->types_base, "moduledata");
	sqlite3_finalize(st);
	return err;
}

/* The build row, its modules, settings and runtime facts. */
static int store_build_row(sqlite3 *sql, const char *path, const struct ga_build *b,
			   const char *analyzer_version, int64_t *out_build_id)
{
	int64_t build_id;

	if (store_build_info(sql, b, analyzer_version, &build_id) ||
	    store_modules(sql, build_id, b) || store_settings(sql, build_id, b) ||
	    store_runtime_facts(sql, build_id, b))
		return db_sql_err(sql, path, "storing the build");
	*out_build_id = build_id;
	return 0;
}

static void store_stmts_free(struct store_stmts *ss)
{
	sqlite3_finalize(ss->func);
	sqlite3_finalize(ss->exit);
	sqlite3_finalize(ss->param);
	sqlite3_finalize(ss->piece);
	sqlite3_finalize(ss->inl);
	sqlite3_finalize(ss->inl_range);
	sqlite3_finalize(ss->type);
	sqlite3_finalize(ss->field);
	memset(ss, 0, sizeof(*ss));
}

static int store_stmts_prepare(sqlite3 *sql, struct store_stmts *ss)
{
	if (sqlite3_prepare_v2(sql,
			       "INSERT INTO functions (build_id, name, entry, file_offset, size, abi, is_asm, "
			       "is_wrapper, args_size, decode_status, entry_probe_offset, entry_probe_kind, "
			       "entry_jcc, entry_insn, params_known, id, params_source) "
			       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &ss->func, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO exits (function_id, offset, kind, target, target_name, insn) "
			       "VALUES (?,?,?,?,?,?)",
			       -1, &ss->exit, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO params (function_id, idx, name, type_name, kind, size, is_result, "
			       "on_stack, dwarf_check, dwarf_loc, type_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &ss->param, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO param_pieces (param_id, idx, path, kind, size, loc, reg, stack_off) "
			       "VALUES (?,?,?,?,?,?,?,?)",
			       -1, &ss->piece, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO inlines (function_id, idx, callee, offset, parent) VALUES (?,?,?,?,?)",
			       -1, &ss->inl, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO inline_ranges (function_id, start, end, inline_idx) VALUES (?,?,?,?)",
			       -1, &ss->inl_range, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO types (build_id, id, name, kind, size, signed, count, elem, key, "
			       "ptr_kind) VALUES (?,?,?,?,?,?,?,?,?,?)",
			       -1, &ss->type, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sql,
			       "INSERT INTO type_fields (build_id, type_id, idx, name, offset, type, embedded) "
			       "VALUES (?,?,?,?,?,?,?)",
			       -1, &ss->field, NULL) != SQLITE_OK) {
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
		err = db_sql_err(dst, src_path, "copying the existing DB");
		goto out_close;
	}
	if (sqlite3_backup_step(bk, -1) != SQLITE_DONE)
		err = db_sql_err(dst, src_path, "copying the existing DB");
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
		err = db_sql_err(w->sql, w->tmp_path, "preparing statements");
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
		return db_sql_err(w->sql, w->tmp_path, "numbering functions");
	if (sqlite3_step(st) == SQLITE_ROW)
		w->func_id_base = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return w->func_id_base ? 0 : db_sql_err(w->sql, w->tmp_path, "numbering functions");
}

int gadb_writer__add_func_code(struct gadb_writer *w, size_t idx, const struct ga_func *f)
{
	if (store_func_code(&w->ss, w->func_id_base + idx, f))
		return db_sql_err(w->sql, w->tmp_path, "storing exits");
	return 0;
}

int gadb_writer__add_func(struct gadb_writer *w, size_t idx, const struct ga_func *f)
{
	if (store_func_row(&w->ss, w->build_id, w->func_id_base + idx, f))
		return db_sql_err(w->sql, w->tmp_path, "storing a function");
	return 0;
}

static void bind_id_or_null(sqlite3_stmt *st, int idx, uint64_t id)
{
	if (id)
		sqlite3_bind_int64(st, idx, id);
	else
		sqlite3_bind_null(st, idx);
}

static int store_type(struct store_stmts *ss, int64_t build_id, const struct ga_type_row *row)
{
	const struct gotype *t = row->type;
	sqlite3_stmt *st = ss->type;
	size_t i;

	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_int64(st, 2, row->id);
	sqlite3_bind_text(st, 3, t->name ? t->name : "?", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ga_kind_name(t->kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, t->size);
	sqlite3_bind_int(st, 6, t->is_signed);
	sqlite3_bind_int64(st, 7, t->kind == GA_KIND_ARRAY ? t->count : 0);
	bind_id_or_null(st, 8, row->elem);
	bind_id_or_null(st, 9, row->key);
	bind_text_or_null(st, 10, t->kind == GA_KIND_PTR ? go_ptr_kind_name(t->ptr_kind) : NULL);
	if (step_done(st))
		return -EIO;
	for (i = 0; i < t->nfields; i++) {
		st = ss->field;
		sqlite3_bind_int64(st, 1, build_id);
		sqlite3_bind_int64(st, 2, row->id);
		sqlite3_bind_int64(st, 3, i);
		sqlite3_bind_text(st, 4, t->fields[i].name ? t->fields[i].name : "_", -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, t->fields[i].offset);
		sqlite3_bind_int64(st, 6, row->field_types[i]);
		sqlite3_bind_int(st, 7, t->fields[i].embedded);
		if (step_done(st))
			return -EIO;
	}
	return 0;
}

int gadb_writer__add_type(struct gadb_writer *w, const struct ga_type_row *row)
{
	if (store_type(&w->ss, w->build_id, row))
		return db_sql_err(w->sql, w->tmp_path, "storing a type");
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
		return db_sql_err(w->sql, w->tmp_path, "closing");
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
		err = db_sql_err(sql, path, "annotating");
		goto out_rollback;
	}
	sqlite3_bind_int64(st, 1, func_id);
	if (step_done(st) || store_params(&ss, func_id, params, n)) {
		err = db_sql_err(sql, path, "annotating");
		goto out_rollback;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(sql, "UPDATE functions SET params_known = 1, params_source = 'sig' WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK) {
		err = db_sql_err(sql, path, "annotating");
		goto out_rollback;
	}
	sqlite3_bind_int64(st, 1, func_id);
	if (step_done(st) || sqlite3_changes(sql) != 1) {
		err = db_sql_err(sql, path, "annotating");
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
