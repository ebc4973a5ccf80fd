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
#include "log.h"
#include "select.h"

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
		return db_sql_err(db->sql, db->path, "reading modules");
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
		return db_sql_err(db->sql, db->path, "reading build settings");
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
		return db_sql_err(db->sql, db->path, "reading runtime facts");
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
		return db_sql_err(db->sql, db->path, "looking up the build");
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		build_from_row(st, out);
		err = load_runtime_facts(db, out);
	} else {
		err = rc == SQLITE_DONE ? -ENOENT : db_sql_err(db->sql, db->path, "looking up the build");
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
		return db_sql_err(db->sql, db->path, "listing builds");
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
		err = db_sql_err(db->sql, db->path, "listing builds");
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
			err = db_sql_err(db->sql, db->path, "reading functions");
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
			err = db_sql_err(db->sql, db->path, "reading functions");
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
		return db_sql_err(db->sql, db->path, "reading exits");

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
		return db_sql_err(db->sql, db->path, "reading inlined calls");

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
			return db_sql_err(db->sql, db->path, "reading param pieces");
	}
	if (rc != SQLITE_DONE)
		return db_sql_err(db->sql, db->path, "reading params");
	return 0;
}

/* ga_name_exists_fn over a build's names: ctx is a struct name_lookup. */
struct name_lookup {
	struct gadb *db;
	int64_t build_id;
};

static int name_exists(void *ctx, const char *name)
{
	const struct name_lookup *nl = ctx;
	struct gadb *db = nl->db;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db->sql, "SELECT 1 FROM functions WHERE build_id = ? AND name = ? LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "looking up a function");
	sqlite3_bind_int64(st, 1, nl->build_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return db_sql_err(db->sql, db->path, "looking up a function");
}

int gadb__load_funcs(struct gadb *db, int64_t build_id, const char *const *patterns,
		     size_t npat, struct ga_func **funcs, size_t *nfuncs, int *unmatched)
{
	struct name_lookup nl = { .db = db, .build_id = build_id };
	struct load_stmts ls = {};
	struct ga_func *arr = NULL;
	size_t cnt = 0, cap = 0, i;
	struct ga_selection *sel;
	sqlite3_stmt *st = NULL;
	bool all_exact;
	int rc, err = 0;

	if (unmatched)
		*unmatched = -1;
	sel = ga_selection__new(patterns, npat, name_exists, &nl);
	if (!sel)
		return -errno;

	/*
	 * Only exact names: look them up by the name index instead of
	 * reading every function (a manifest of 50 names from a 100k-function
	 * build).
	 */
	all_exact = npat <= 500 && ga_selection__names_only(sel);
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
			err = db_sql_err(db->sql, db->path, "reading functions");
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
		err = db_sql_err(db->sql, db->path, "reading functions");
		goto out;
	}
	sqlite3_bind_int64(st, 1, build_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		struct ga_func *f;
		int v;

		if (!name || !ga_selection__match(sel, name))
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
		err = db_sql_err(db->sql, db->path, "reading functions");
		goto out;
	}
	if (!npat) {
		err = load_details_bulk(db, build_id, arr, cnt);
		if (err)
			goto out;
	}
	if (unmatched)
		*unmatched = ga_selection__first_unmatched(sel);
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
		return db_sql_err(db->sql, db->path, "looking up names");
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
