// SPDX-License-Identifier: MIT
/*
 * Reading a DB: builds with their build info and runtime facts, the
 * functions a list of patterns selects with their exits, inlined calls and
 * params, inline sites and names (suggestions, shell completion).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "db_internal.h"
#include "log.h"
#include "select.h"
#include "util.h"

/*
 * Bounds of what a DB may say, checked as rows are read (a DB is input:
 * another host's, a damaged file, a hand edit). Text longer than this is
 * refused (build info text is a few KB; names a few hundred bytes).
 */
#define DB_MAX_TEXT (1 << 20)
/* rows one function (or param) may own: far above any real one (a 100k-function build has < 200 params per function) */
#define DB_MAX_ROWS_PER_OWNER 4096
/* a function's size (bytes up to the next one): Go's largest are < 1 MB */
#define DB_MAX_FUNC_SIZE (64LL << 20)
/* offsets into a frame or a struct: stack words, struct fields */
#define DB_MAX_FRAME (1 << 20)
/* a function's inline tree: indexes below this (as the stack reader's bound) */
#define DB_MAX_INLINES (1 << 20)

/*
 * A row being read, for the one message naming the DB, the table and the
 * row when a column is not what the schema says: "'app.db': params row
 * 17: kind 'regz' is not a value kind". The first problem is kept in err
 * (later ones are not said).
 */
struct dbrow {
	struct gadb *db;
	sqlite3_stmt *st;
	const char *table;
	int64_t id;		/* the row's id (rowid), or its owner's */
	const char *owner;	/* NULL: "row <id>"; else "row of <owner> <id>" */
	int err;
};

static struct dbrow dbrow(struct gadb *db, sqlite3_stmt *st, const char *table, int64_t id,
			  const char *owner)
{
	return (struct dbrow){ .db = db, .st = st, .table = table, .id = id, .owner = owner };
}

/* A value quoted for a message: printable ASCII, the rest \xNN, cut at 40 bytes. */
static void quote_value(const unsigned char *s, int n, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	for (i = 0; i < n && o + 8 < len; i++) {
		if (i == 40) {
			o += snprintf(buf + o, len - o, "...");
			break;
		}
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\'' && s[i] != '\\')
			buf[o++] = s[i];
		else
			o += snprintf(buf + o, len - o, "\\x%02x", s[i]);
	}
	buf[o] = '\0';
}

__attribute__((format(printf, 2, 3)))
static void dbrow_bad(struct dbrow *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (r->err)
		return;
	r->err = -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->owner)
		pr_warn("db: '%s': %s row of %s %lld: %s", r->db->path, r->table, r->owner,
			(long long)r->id, msg);
	else
		pr_warn("db: '%s': %s row %lld: %s", r->db->path, r->table, (long long)r->id, msg);
}

static const char *sql_type_name(int t)
{
	switch (t) {
	case SQLITE_INTEGER: return "an integer";
	case SQLITE_FLOAT: return "a real";
	case SQLITE_TEXT: return "text";
	case SQLITE_BLOB: return "a blob";
	default: return "NULL";
	}
}

/* The column's text, borrowed until the next step; NULL when NULL (and nullable) or bad. */
static const char *dbrow_text_ref(struct dbrow *r, int col, const char *name, bool nullable)
{
	int t = sqlite3_column_type(r->st, col);
	const char *s;
	int n;

	if (t == SQLITE_NULL && nullable)
		return NULL;
	if (t != SQLITE_TEXT) {
		dbrow_bad(r, "%s is %s, not text", name, sql_type_name(t));
		return NULL;
	}
	s = (const char *)sqlite3_column_text(r->st, col);
	n = sqlite3_column_bytes(r->st, col);
	if (!s) {
		r->err = r->err ?: -ENOMEM;
		return NULL;
	}
	if (n > DB_MAX_TEXT) {
		dbrow_bad(r, "%s is %d bytes long (at most %d)", name, n, DB_MAX_TEXT);
		return NULL;
	}
	if ((int)strlen(s) != n) {
		dbrow_bad(r, "%s holds a NUL byte", name);
		return NULL;
	}
	return s;
}

/* A copy of the column's text (the caller frees); NULL when NULL (and nullable) or bad. */
static char *dbrow_text(struct dbrow *r, int col, const char *name, bool nullable)
{
	const char *s = dbrow_text_ref(r, col, name, nullable);
	char *copy;

	if (!s)
		return NULL;
	copy = strdup(s);
	if (!copy)
		r->err = r->err ?: -ENOMEM;
	return copy;
}

/* The column as an integer in [lo, hi]; lo when it is not. */
static int64_t dbrow_int(struct dbrow *r, int col, const char *name, int64_t lo, int64_t hi)
{
	int t = sqlite3_column_type(r->st, col);
	int64_t v;

	if (t != SQLITE_INTEGER) {
		dbrow_bad(r, "%s is %s, not an integer", name, sql_type_name(t));
		return lo;
	}
	v = sqlite3_column_int64(r->st, col);
	if (v < lo || v > hi) {
		dbrow_bad(r, "%s %lld is out of range [%lld, %lld]", name, (long long)v, (long long)lo,
			  (long long)hi);
		return lo;
	}
	return v;
}

static bool dbrow_null(struct dbrow *r, int col)
{
	return sqlite3_column_type(r->st, col) == SQLITE_NULL;
}

static bool dbrow_bool(struct dbrow *r, int col, const char *name)
{
	return dbrow_int(r, col, name, 0, 1);
}

/* The column's text as a value of an enum, parse() >= 0; -1 when not (said). */
static int dbrow_enum(struct dbrow *r, int col, const char *name, int (*parse)(const char *),
		      const char *what)
{
	const char *s = dbrow_text_ref(r, col, name, false);
	char q[200];
	int v;

	if (!s)
		return -1;
	v = parse(s);
	if (v < 0) {
		quote_value((const unsigned char *)s, strlen(s), q, sizeof(q));
		dbrow_bad(r, "%s '%s' is not %s", name, q, what);
	}
	return v;
}

/* The column's blob into dst: min to max bytes. */
static void dbrow_blob(struct dbrow *r, int col, const char *name, uint8_t *dst, uint8_t *len,
		       int min, int max)
{
	int t = sqlite3_column_type(r->st, col);
	const void *p;
	int n;

	*len = 0;
	if (t != SQLITE_BLOB) {
		dbrow_bad(r, "%s is %s, not a blob", name, sql_type_name(t));
		return;
	}
	p = sqlite3_column_blob(r->st, col);
	n = sqlite3_column_bytes(r->st, col);
	if ((!p && n) || n < min || n > max) {
		dbrow_bad(r, "%s is %d bytes (%d to %d)", name, n, min, max);
		return;
	}
	if (n)
		memcpy(dst, p, n);
	*len = n;
}

static int parse_arch(const char *s)
{
	enum ga_arch a = ga_arch_from_name(s);

	return a == GA_ARCH_UNKNOWN ? -1 : (int)a;
}

static int parse_pclntab_format(const char *s)
{
	static const char *const names[] = { "1.2", "1.16", "1.18", "1.20" };

	return ga_enum_parse(names, ARRAY_SIZE(names), s);
}

static int parse_debuginfo(const char *s)
{
	static const char *const names[] = { "embedded", "build-id", "debuglink", "debuginfod" };

	return ga_enum_parse(names, ARRAY_SIZE(names), s);
}

static int parse_module_kind(const char *s)
{
	static const char *const names[] = { "mod", "dep", "=>" };

	return ga_enum_parse(names, ARRAY_SIZE(names), s);
}

static int parse_loc(const char *s)
{
	static const char *const names[] = {
		[GA_LOC_REG] = "reg", [GA_LOC_STACK] = "stack", [GA_LOC_DEREF] = "deref",
	};

	return ga_enum_parse(names, ARRAY_SIZE(names), s);
}

static int parse_dwarf_check(const char *s)
{
	static const char *const names[] = {
		[GA_DWARF_AGREES] = "agrees", [GA_DWARF_DIFFERS] = "differs",
	};

	return ga_enum_parse(names, ARRAY_SIZE(names), s);
}

static bool is_sha256_hex(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == SHA256_HEX_LEN - 1;
}

static char *col_strdup(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? strdup((const char *)s) : NULL;
}

static const char build_cols[] =
	"id, sha256, size, path, go_build_id, gnu_build_id, go_version, goarch, default_abi, "
	"pclntab_format, text_start, stripped, has_dwarf, cgo, pie, module_path, mod_info, "
	"trimpath, race, debuginfo, debuginfo_path";

/* A builds row; 0, or -EINVAL after the message naming the row. */
static int build_from_row(struct gadb *db, sqlite3_stmt *st, struct ga_build *b)
{
	struct dbrow r = dbrow(db, st, "builds", sqlite3_column_int64(st, 0), NULL);
	const char *s;
	int v;

	memset(b, 0, sizeof(*b));
	b->goid_offset = -1;
	b->db_id = dbrow_int(&r, 0, "id", 1, INT64_MAX);
	s = dbrow_text_ref(&r, 1, "sha256", false);
	if (s && !is_sha256_hex(s))
		dbrow_bad(&r, "sha256 is not 64 lowercase hex digits");
	snprintf(b->sha256, sizeof(b->sha256), "%s", s && !r.err ? s : "");
	b->size = dbrow_int(&r, 2, "size", 1, INT64_MAX);
	b->path = dbrow_text(&r, 3, "path", false);
	b->go_build_id = dbrow_text(&r, 4, "go_build_id", true);
	b->gnu_build_id = dbrow_text(&r, 5, "gnu_build_id", true);
	b->go_version = dbrow_text(&r, 6, "go_version", true);
	v = dbrow_enum(&r, 7, "goarch", parse_arch, "an arch goattach knows (amd64, arm64, 386)");
	b->arch = v < 0 ? GA_ARCH_UNKNOWN : v;
	v = dbrow_enum(&r, 8, "default_abi", ga_abi_parse, "an ABI (ABIInternal, ABI0)");
	b->default_abi = v == GA_ABI_INTERNAL ? GA_ABI_INTERNAL : GA_ABI0;
	v = dbrow_enum(&r, 9, "pclntab_format", parse_pclntab_format,
		       "a pclntab format (1.2, 1.16, 1.18, 1.20)");
	snprintf(b->pclntab_format, sizeof(b->pclntab_format), "%s",
		 v >= 0 ? (const char *)sqlite3_column_text(st, 9) : "");
	b->text_start = dbrow_int(&r, 10, "text_start", 0, INT64_MAX);
	b->stripped = dbrow_bool(&r, 11, "stripped");
	b->has_dwarf = dbrow_bool(&r, 12, "has_dwarf");
	b->cgo = dbrow_bool(&r, 13, "cgo");
	b->pie = dbrow_bool(&r, 14, "pie");
	b->module_path = dbrow_text(&r, 15, "module_path", true);
	b->mod_info = dbrow_text(&r, 16, "mod_info", true);
	b->trimpath = dbrow_bool(&r, 17, "trimpath");
	b->race = dbrow_bool(&r, 18, "race");
	if (!dbrow_null(&r, 19))
		dbrow_enum(&r, 19, "debuginfo", parse_debuginfo,
			   "where debug info comes from (embedded, build-id, debuglink, debuginfod)");
	b->debuginfo = dbrow_text(&r, 19, "debuginfo", true);
	b->debuginfo_path = dbrow_text(&r, 20, "debuginfo_path", true);
	return r.err;
}

/* The main module and the dependencies, in build info's order. */
static int load_modules(struct gadb *db, struct ga_build *b)
{
	struct ga_module *m;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc = SQLITE_DONE, err = 0;

	if (sqlite3_prepare_v2(db->sql,
			       "SELECT kind, path, version, sum FROM modules WHERE build_id = ? ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "reading modules");
	sqlite3_bind_int64(st, 1, b->db_id);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dbrow r = dbrow(db, st, "modules", b->db_id, "build");

		dbrow_enum(&r, 0, "kind", parse_module_kind, "a module kind (mod, dep, =>)");
		err = r.err ?: ga_ensure_mem((void **)&b->modules, &cap, b->nmodules + 1, sizeof(*m));
		if (err)
			break;
		m = &b->modules[b->nmodules++];
		*m = (struct ga_module){
			.kind = dbrow_text(&r, 0, "kind", false), .path = dbrow_text(&r, 1, "path", false),
			.version = dbrow_text(&r, 2, "version", false),
			.sum = dbrow_text(&r, 3, "sum", true),
		};
		err = r.err;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_sql_err(db->sql, db->path, "reading modules");
	sqlite3_finalize(st);
	return err;
}

static int load_settings(struct gadb *db, struct ga_build *b)
{
	struct ga_setting *set;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc = SQLITE_DONE, err = 0;

	if (sqlite3_prepare_v2(db->sql,
			       "SELECT key, value FROM build_settings WHERE build_id = ? ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "reading build settings");
	sqlite3_bind_int64(st, 1, b->db_id);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dbrow r = dbrow(db, st, "build_settings", b->db_id, "build");

		err = ga_ensure_mem((void **)&b->settings, &cap, b->nsettings + 1, sizeof(*set));
		if (err)
			break;
		set = &b->settings[b->nsettings++];
		*set = (struct ga_setting){
			.key = dbrow_text(&r, 0, "key", false), .value = dbrow_text(&r, 1, "value", false),
		};
		err = r.err;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_sql_err(db->sql, db->path, "reading build settings");
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

/* runtime.g is a few hundred bytes: its fields' offsets are below this */
#define DB_MAX_G_OFFSET 4096

static int load_runtime_facts(struct gadb *db, struct ga_build *b)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, err = 0;
	int *dst;

	if (sqlite3_prepare_v2(db->sql,
			       "SELECT name, value, source FROM runtime_facts WHERE build_id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "reading runtime facts");
	sqlite3_bind_int64(st, 1, b->db_id);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dbrow r = dbrow(db, st, "runtime_facts", b->db_id, "build");
		const char *name = dbrow_text_ref(&r, 0, "name", false);

		if (name && !strcmp(name, "g.goid")) {
			b->goid_offset = dbrow_int(&r, 1, "g.goid", 1, DB_MAX_G_OFFSET);
			free(b->goid_offset_source);
			b->goid_offset_source = dbrow_text(&r, 2, "source", false);
		} else if (name && (dst = g_fact_field(b, name))) {
			*dst = dbrow_int(&r, 1, name, 1, DB_MAX_G_OFFSET);
			free(b->g_offsets_source);
			b->g_offsets_source = dbrow_text(&r, 2, "source", false);
		} else if (name && !strcmp(name, "moduledata.types")) {
			b->types_base = dbrow_int(&r, 1, "moduledata.types", 0, INT64_MAX);
		}
		err = r.err;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_sql_err(db->sql, db->path, "reading runtime facts");
	sqlite3_finalize(st);
	return err;
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
		err = build_from_row(db, st, out);
		if (!err)
			err = load_build_details(db, out);
		if (err)
			ga_build_clear(out);
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

	*builds = NULL;
	*n = 0;
	snprintf(q, sizeof(q), "SELECT %s FROM builds ORDER BY id", build_cols);
	if (sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) != SQLITE_OK)
		return db_sql_err(db->sql, db->path, "listing builds");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = ga_ensure_mem((void **)&arr, &cap, cnt + 1, sizeof(*arr));
		if (err)
			goto out_free;
		err = build_from_row(db, st, &arr[cnt++]);
		if (err)
			goto out_free;
	}
	if (rc != SQLITE_DONE) {
		err = db_sql_err(db->sql, db->path, "listing builds");
		goto out_free;
	}
	sqlite3_finalize(st);
	st = NULL;
	for (i = 0; i < cnt && !err; i++)
		err = load_build_details(db, &arr[i]);
	if (err)
		goto out_free;
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

static const char func_cols[] =
	"id, name, entry, file_offset, size, abi, is_asm, is_wrapper, args_size, decode_status, "
	"entry_probe_offset, entry_probe_kind, entry_jcc, entry_insn, params_known, params_source";

/* A row of func_cols; 0, -ENOMEM, or -EINVAL after the message naming the row. */
static int func_from_row(struct gadb *db, sqlite3_stmt *st, struct ga_func *f)
{
	struct dbrow r = dbrow(db, st, "functions", sqlite3_column_int64(st, 0), NULL);
	int v;

	memset(f, 0, sizeof(*f));
	f->db_id = sqlite3_column_int64(st, 0);
	f->name = dbrow_text(&r, 1, "name", false);
	f->entry = dbrow_int(&r, 2, "entry", 0, INT64_MAX);
	f->file_off = dbrow_int(&r, 3, "file_offset", 0, INT64_MAX);
	f->size = dbrow_int(&r, 4, "size", 1, DB_MAX_FUNC_SIZE);
	v = dbrow_enum(&r, 5, "abi", ga_abi_parse, "an ABI (ABIInternal, ABI0)");
	f->abi = v == GA_ABI_INTERNAL ? GA_ABI_INTERNAL : GA_ABI0;
	f->is_asm = dbrow_bool(&r, 6, "is_asm");
	f->is_wrapper = dbrow_bool(&r, 7, "is_wrapper");
	f->args_size = dbrow_null(&r, 8) ? -1 : dbrow_int(&r, 8, "args_size", 0, DB_MAX_FRAME);
	v = dbrow_enum(&r, 9, "decode_status", ga_decode_status_parse,
		       "a decode status (ok, bad, indirect-jump)");
	f->decode_status = v < 0 ? GA_DECODE_BAD : v;
	/* the entry probe lies inside the function: verify.c checks its bytes there */
	f->entry_probe_offset = dbrow_int(&r, 10, "entry_probe_offset", 0, f->size - 1);
	v = dbrow_enum(&r, 11, "entry_probe_kind", ga_entry_kind_parse,
		       "an entry probe kind (entry, jcc-prologue)");
	f->entry_kind = v < 0 ? GA_ENTRY_RAW : v;
	v = dbrow_enum(&r, 12, "entry_jcc", ga_jcc_parse, "a branch condition (none, be, b, ls, lo)");
	f->entry_jcc = v < 0 ? GA_JCC_NONE : v;
	/*
	 * Empty for a function of no instruction (Go 1.27's arm64 markers such
	 * as go:textfipsend) or whose bytes did not decode: verify.c then
	 * has no entry to check, and an exit's insn is never empty.
	 */
	dbrow_blob(&r, 13, "entry_insn", f->entry_insn, &f->entry_insn_len, 0, GA_MAX_INSN_LEN);
	v = dbrow_int(&r, 14, "params_known", 0, 2);
	f->params_known = v != 0;
	f->args_only = v == 2;
	v = dbrow_null(&r, 15) ? 0 :
	    dbrow_enum(&r, 15, "params_source", ga_params_source_parse,
		       "a params source (dwarf, types, sig, arginfo)");
	f->params_source = v < 0 ? GA_PSRC_NONE : v;
	return r.err;
}

/* offset, kind, target, target_name, insn (from column c on), of function f */
static int exit_from_row(struct gadb *db, sqlite3_stmt *st, int c, const struct ga_func *f,
			 struct ga_exit *e)
{
	struct dbrow r = dbrow(db, st, "exits", f->db_id, "function");
	int v;

	memset(e, 0, sizeof(*e));
	e->offset = dbrow_int(&r, c, "offset", 0, f->size - 1);
	v = dbrow_enum(&r, c + 1, "kind", ga_exit_kind_parse, "an exit kind (ret, tailcall)");
	e->kind = v == GA_EXIT_TAILCALL ? GA_EXIT_TAILCALL : GA_EXIT_RET;
	e->target = dbrow_null(&r, c + 2) ? 0 : dbrow_int(&r, c + 2, "target", 0, INT64_MAX);
	e->target_name = dbrow_text(&r, c + 3, "target_name", true);
	dbrow_blob(&r, c + 4, "insn", e->insn, &e->insn_len, 1, GA_MAX_INSN_LEN);
	return r.err;
}

/* name, type_name, kind, size, is_result, on_stack, dwarf_check, dwarf_loc, type_id (from column c on) */
static int param_from_row(struct gadb *db, sqlite3_stmt *st, int c, int64_t id, struct ga_param *p)
{
	struct dbrow r = dbrow(db, st, "params", id, NULL);
	int v;

	memset(p, 0, sizeof(*p));
	p->name = dbrow_text(&r, c, "name", false);
	p->type_name = dbrow_text(&r, c + 1, "type_name", false);
	v = dbrow_enum(&r, c + 2, "kind", ga_kind_parse, "a value kind");
	p->kind = v < 0 ? GA_KIND_UNKNOWN : v;
	p->size = dbrow_int(&r, c + 3, "size", 0, INT32_MAX);
	p->is_result = dbrow_bool(&r, c + 4, "is_result");
	p->on_stack = dbrow_bool(&r, c + 5, "on_stack");
	if (!dbrow_null(&r, c + 6)) {
		v = dbrow_enum(&r, c + 6, "dwarf_check", parse_dwarf_check, "a check result (agrees, differs)");
		p->dwarf_check = v < 0 ? GA_DWARF_UNCHECKED : v;
	}
	p->dwarf_loc = dbrow_text(&r, c + 7, "dwarf_loc", true);
	p->type_ref = dbrow_null(&r, c + 8) ? 0 : dbrow_int(&r, c + 8, "type_id", 0, INT64_MAX);
	return r.err;
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
 * path, kind, size, loc, reg, stack_off (from column c on), of param id:
 * appended to p's pieces, or to its derefs (the pointee's fields, loc
 * 'deref'), each filled by its run. 0, -ENOMEM, or -EINVAL after the
 * message naming the row: a piece is a machine word or part of one (1,
 * 2, 4 or 8 bytes) in a register or at an offset within the frame (or
 * the pointee).
 */
static int piece_from_row(struct gadb *db, sqlite3_stmt *st, int c, int64_t id, struct ga_param *p,
			  struct row_run *pieces, struct row_run *derefs)
{
	struct dbrow r = dbrow(db, st, "param_pieces", id, "param");
	struct ga_piece *pc;
	int loc, kind, size;

	loc = dbrow_enum(&r, c + 3, "loc", parse_loc, "a location kind (reg, stack, deref)");
	if (r.err)
		return r.err;
	if ((loc == GA_LOC_DEREF ? p->nderefs : p->npieces) >= DB_MAX_ROWS_PER_OWNER) {
		dbrow_bad(&r, "more than %d pieces", DB_MAX_ROWS_PER_OWNER);
		return r.err;
	}
	pc = loc == GA_LOC_DEREF ? row_run__add(derefs, (void **)&p->derefs, &p->nderefs, sizeof(*pc)) :
				   row_run__add(pieces, (void **)&p->pieces, &p->npieces, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	memset(pc, 0, sizeof(*pc));
	pc->loc = loc;
	pc->path = dbrow_text(&r, c, "path", false);
	kind = dbrow_enum(&r, c + 1, "kind", ga_piece_kind_parse, "a piece kind");
	pc->kind = kind < 0 ? GA_PIECE_UINT : kind;
	size = dbrow_int(&r, c + 2, "size", 1, 8);
	if (!r.err && size != 1 && size != 2 && size != 4 && size != 8)
		dbrow_bad(&r, "size %d is not 1, 2, 4 or 8 bytes", size);
	pc->size = size;
	if (loc == GA_LOC_REG) {
		/* DWARF register numbers: 0-16 (and the XMMs 17-32) on amd64, 0-31 (and V0-V31) on arm64 */
		pc->reg = dbrow_int(&r, c + 4, "reg", 0, 127);
	} else {
		pc->stack_off = dbrow_int(&r, c + 5, "stack_off", 0, DB_MAX_FRAME - 8);
	}
	return r.err;
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

		/* a name that is no text is refused by func_from_row */
		if (sqlite3_column_type(st, 1) == SQLITE_TEXT && !ga_selection__match(sel, name))
			continue;
		err = ga_ensure_mem((void **)&l->funcs, &l->funcs_cap, l->nfuncs + 1, sizeof(*l->funcs));
		if (!err)
			err = func_from_row(db, st, &l->funcs[l->nfuncs++]);
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

/* More rows of table than a function may own (DB_MAX_ROWS_PER_OWNER): -E2BIG after a message. */
static int too_many_rows(struct func_loader *l, const char *table, const struct ga_func *f)
{
	pr_warn("db: '%s': %s of function %lld (%s): more than %d rows", l->db->path, table,
		(long long)f->db_id, f->name, DB_MAX_ROWS_PER_OWNER);
	return -E2BIG;
}

/* callee, offset, parent (from column c on), of function f */
static int inline_from_row(struct gadb *db, sqlite3_stmt *st, int c, const struct ga_func *f,
			   struct ga_inline *in)
{
	struct dbrow r = dbrow(db, st, "inlines", f->db_id, "function");

	*in = (struct ga_inline){
		.callee = dbrow_text(&r, c, "callee", false),
		.offset = dbrow_int(&r, c + 1, "offset", 0, f->size),
		.parent = dbrow_int(&r, c + 2, "parent", -1, DB_MAX_INLINES - 1),
	};
	return r.err;
}

static int add_exit(struct func_loader *l, sqlite3_stmt *st)
{
	struct ga_func *f = row_func(l, st, NULL);
	struct ga_exit *e;

	if (!f)
		return 0;
	if (f->nexits >= DB_MAX_ROWS_PER_OWNER)
		return too_many_rows(l, "exits", f);
	e = row_run__add(&l->runs[0], (void **)&f->exits, &f->nexits, sizeof(*e));
	if (!e)
		return -ENOMEM;
	return exit_from_row(l->db, st, 1, f, e);
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
	if (f->ninlines >= DB_MAX_INLINES)
		return too_many_rows(l, "inlines", f);
	in = row_run__add(&l->runs[0], (void **)&f->inlines, &f->ninlines, sizeof(*in));
	if (!in)
		return -ENOMEM;
	return inline_from_row(l->db, st, 1, f, in);
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
	if (f->nparams >= DB_MAX_ROWS_PER_OWNER)
		return too_many_rows(l, "params", f);
	if (ga_ensure_mem((void **)&l->param_refs, &l->param_refs_cap, l->nparam_refs + 1,
			  sizeof(*l->param_refs)))
		return -ENOMEM;
	p = row_run__add(&l->runs[0], (void **)&f->params, &f->nparams, sizeof(*p));
	if (!p)
		return -ENOMEM;
	l->param_refs[l->nparam_refs++] = (struct id_ref){
		.id = sqlite3_column_int64(st, 1), .f = fi, .p = f->nparams - 1,
	};
	return param_from_row(l->db, st, 2, sqlite3_column_int64(st, 1), p);
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
	return piece_from_row(l->db, st, 1, ref->id, &l->funcs[ref->f].params[ref->p], &l->runs[0],
			      &l->runs[1]);
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

/*
 * The words a value of kind is made of, when its kind fixes them (the
 * decoder reads a string as its data and length words): NULL otherwise.
 */
static const enum ga_piece_kind *kind_shape(enum ga_kind kind, size_t *n)
{
	static const enum ga_piece_kind str[] = { GA_PIECE_STR_DATA, GA_PIECE_STR_LEN };
	static const enum ga_piece_kind slice[] = {
		GA_PIECE_SLICE_DATA, GA_PIECE_SLICE_LEN, GA_PIECE_SLICE_CAP,
	};
	static const enum ga_piece_kind iface[] = { GA_PIECE_IFACE_TAB, GA_PIECE_IFACE_DATA };

	switch (kind) {
	case GA_KIND_STRING: *n = 2; return str;
	case GA_KIND_SLICE: *n = 3; return slice;
	case GA_KIND_IFACE:
	case GA_KIND_EFACE: *n = 2; return iface;
	default: return NULL;
	}
}

/*
 * A param's layout as it comes out of the DB, against what it describes:
 * no piece larger than the value, and the words its kind is made of.
 * 0 or -EINVAL after a message naming the param's row.
 */
static int check_param_layout(struct gadb *db, const struct ga_param *p, int64_t id)
{
	const enum ga_piece_kind *shape;
	size_t n = 0, k;

	for (k = 0; k < p->npieces; k++) {
		if (p->pieces[k].size > p->size) {
			pr_warn("db: '%s': params row %lld: piece %zu of %s is %u bytes, the value only %u",
				db->path, (long long)id, k, p->name, p->pieces[k].size, p->size);
			return -EINVAL;
		}
	}
	shape = kind_shape(p->kind, &n);
	if (!shape)
		return 0;
	for (k = 0; k < n && p->npieces == n; k++)
		if (p->pieces[k].kind != shape[k])
			break;
	if (p->npieces != n || k < n) {
		pr_warn("db: '%s': params row %lld: %s is a %s, but its pieces are not the %zu words of one",
			db->path, (long long)id, p->name, ga_kind_name(p->kind), n);
		return -EINVAL;
	}
	return 0;
}

static int func_loader__check_layouts(struct func_loader *l)
{
	size_t i;
	int err;

	for (i = 0; i < l->nparam_refs; i++) {
		const struct id_ref *ref = &l->param_refs[i];

		err = check_param_layout(l->db, &l->funcs[ref->f].params[ref->p], ref->id);
		if (err)
			return err;
	}
	return 0;
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
	if (!err)
		err = func_loader__check_layouts(&l);
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
	int rc = SQLITE_DONE, err = 0;

	*sites = NULL;
	*n = 0;
	arr = calloc(max ? max : 1, sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	if (sqlite3_prepare_v2(db->sql,
			       "SELECT f.name, f.entry, i.offset, f.id FROM inlines i JOIN functions f ON "
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
	while (!err && cnt < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dbrow r = dbrow(db, st, "inlines", sqlite3_column_int64(st, 3), "function");

		arr[cnt].caller = dbrow_text(&r, 0, "name", false);
		arr[cnt].caller_entry = dbrow_int(&r, 1, "entry", 0, INT64_MAX);
		arr[cnt].offset = dbrow_int(&r, 2, "offset", 0, UINT32_MAX);
		cnt++;
		err = r.err;
	}
	if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = db_sql_err(db->sql, db->path, "reading inlined calls");
	sqlite3_finalize(st);
	if (err) {
		while (cnt)
			free(arr[--cnt].caller);
		free(arr);
		return err;
	}
	*sites = arr;
	*n = cnt;
	return 0;
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
		struct dbrow r = dbrow(db, st, "functions", sqlite3_column_int64(st, 3), NULL);
		uint64_t entry = dbrow_int(&r, 0, "entry", 0, INT64_MAX);
		uint64_t size = dbrow_int(&r, 1, "size", 1, DB_MAX_FUNC_SIZE);

		if (r.err) {
			err = r.err;
			break;
		}
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
			.entry = entry, .size = size, .name = dbrow_text(&r, 2, "name", false),
			.id = sqlite3_column_int64(st, 3),
		};
		if (r.err) {
			free(arr[cnt].name);
			err = r.err;
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
		{
			struct dbrow r = dbrow(db, st, "inlines", s->id, "function");

			s->inlines[idx] = (struct ga_inline){
				.callee = dbrow_text(&r, 2, "callee", false),
				.parent = dbrow_int(&r, 3, "parent", -1, DB_MAX_INLINES - 1),
			};
			if (r.err)
				return r.err;
		}
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
	while (cnt < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* suggestions only: a name that is no text is not one */
		if (sqlite3_column_type(st, 0) != SQLITE_TEXT)
			continue;
		arr[cnt] = col_strdup(st, 0);
		if (!arr[cnt])
			break;
		cnt++;
	}
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
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dbrow r = dbrow(db, st, "functions", build_id, "build");
		const char *name = dbrow_text_ref(&r, 0, "name", false);

		err = r.err ?: fn(ctx, name);
	}
	if (!err && rc != SQLITE_DONE)
		err = db_sql_err(db->sql, db->path, "looking up names");
	sqlite3_finalize(st);
	free(hi);
	return err < 0 ? err : 0;
}
