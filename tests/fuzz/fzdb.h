/* SPDX-License-Identifier: MIT */
/*
 * What the DB targets (fuzz_db_attach, fuzz_db_analyze) share: seed DBs
 * made by the real indexer from the base binaries, and the row records
 * that damage a copy of one.
 *
 * Seed DB: at first use per base, analyzer/index.c indexes the base into
 * $TMPDIR (or /dev/shm) with the real DB writer; the functions are cut to
 * main.* and the runtime's panic and Goexit (with everything they own)
 * so that a record's row is likely one the readers read; NOT NULL is
 * dropped from the schema text (a hostile DB has any schema it likes:
 * NULL reaches every column) and CHECKs are ignored when the records
 * apply. The bytes are kept; each input rewrites a per-process file with
 * them, applies its records with SQLite and hands the path to the
 * programs' open functions (which open read-only, by path).
 *
 * Input: base (1 byte: FZDB_BASES index, mod), target flags (1 byte),
 * then up to 64 records of 6 bytes and a value:
 *   op     op % 8: 0-3 UPDATE table SET col = value WHERE (the row-th row);
 *          4 DELETE the row; 5 INSERT a copy of the row (its INTEGER
 *          PRIMARY KEY fresh; OR IGNORE: a copy clashing with a UNIQUE
 *          key is dropped); 6 schema damage: row even DROP TABLE, odd
 *          ALTER TABLE RENAME the column; 7 PRAGMA user_version = value
 *   table  mod the number of tables (sqlite_master, by name)
 *   row    2 bytes little-endian, mod the table's row count (by rowid, or
 *          by primary key for WITHOUT ROWID tables)
 *   col    mod the table's columns (pragma table_info order)
 *   kind   the value, kind % 10: 0 NULL; 1 int64 (8 bytes LE); 2 a
 *          boundary integer (1 byte: 0, -1, INT64_MIN/MAX, 2^31, 2^32,
 *          ...); 3 text (1-byte length, bytes: invalid UTF-8 too); 4 blob
 *          (1-byte length, bytes); 5 real (8 bytes); 6 a string of a
 *          dictionary (1 byte: enum names valid and not, ".dict", ...);
 *          7 col + a signed byte; 8 the column of another row (2 bytes);
 *          9 empty text
 * A short record ends the list. Statements that fail (a constraint, a
 * dropped table) are skipped.
 */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "fuzzlib.h"
#include "index.h"
#include "log.h"

static const unsigned int fzdb_bases[] = {
	FZ_GO119_AMD64, FZ_GO119_386, FZ_GO119_STRIPPED, FZ_GO126_AMD64,
};
#define FZDB_NBASES (sizeof(fzdb_bases) / sizeof(fzdb_bases[0]))
#define FZDB_MAX_RECORDS 64
#define FZDB_MAX_TABLES 32
#define FZDB_MAX_COLS 32

struct fzdb_table {
	char name[64];
	int ncols;
	char cols[FZDB_MAX_COLS][64];
	bool ipk[FZDB_MAX_COLS];	/* the INTEGER PRIMARY KEY (the rowid) */
	char key[256];			/* "rowid", or the primary key's columns */
	long long nrows;
};

struct fzdb_seed {
	bool tried, ok;
	uint8_t *bytes;
	size_t size;
	int ntables;
	struct fzdb_table tables[FZDB_MAX_TABLES];
};

static struct fzdb_seed fzdb_seeds[FZDB_NBASES];
static char fzdb_work[512];	/* this process's DB file, rewritten per input */

static const char *fzdb_dir(void)
{
	const char *d = getenv("TMPDIR");

	if (d && *d)
		return d;
	return access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
}

static int fzdb_exec(sqlite3 *sql, const char *q)
{
	return sqlite3_exec(sql, q, NULL, NULL, NULL) == SQLITE_OK ? 0 : -EIO;
}

static int fzdb_read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc(n)) || fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*data = buf;
	*size = n;
	return 0;
}

static int fzdb_write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t done = 0;

	if (fd < 0)
		return -errno;
	while (done < size) {
		ssize_t w = write(fd, data + done, size - done);

		if (w <= 0) {
			close(fd);
			return -EIO;
		}
		done += w;
	}
	close(fd);
	return 0;
}

/* Cut to main.* and the runtime's marks; every column nullable. */
static int fzdb_trim(const char *path)
{
	sqlite3 *sql;
	int err;

	if (sqlite3_open(path, &sql) != SQLITE_OK) {
		sqlite3_close(sql);
		return -EIO;
	}
	err = fzdb_exec(sql, "PRAGMA foreign_keys = ON; "
			"DELETE FROM functions WHERE name NOT GLOB 'main.*' AND name NOT IN "
			"('runtime.gopanic', 'runtime.Goexit', 'fmt.Sprintf', 'strconv.FormatFloat'); "
			"PRAGMA writable_schema = ON; "
			"UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE type = 'table'; "
			"PRAGMA writable_schema = OFF;");
	sqlite3_close(sql);
	if (err)
		return err;
	if (sqlite3_open(path, &sql) != SQLITE_OK) {
		sqlite3_close(sql);
		return -EIO;
	}
	err = fzdb_exec(sql, "VACUUM");
	sqlite3_close(sql);
	return err;
}

/* The tables and their columns, for records to name. */
static int fzdb_schema(const char *path, struct fzdb_seed *s)
{
	sqlite3_stmt *st, *ti;
	sqlite3 *sql;
	char q[256];

	if (sqlite3_open_v2(path, &sql, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(sql);
		return -EIO;
	}
	if (sqlite3_prepare_v2(sql, "SELECT name, sql LIKE '%WITHOUT ROWID%' FROM sqlite_master "
			       "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK) {
		sqlite3_close(sql);
		return -EIO;
	}
	while (sqlite3_step(st) == SQLITE_ROW && s->ntables < FZDB_MAX_TABLES) {
		struct fzdb_table *t = &s->tables[s->ntables++];
		bool norowid = sqlite3_column_int(st, 1);
		size_t klen = 0;

		snprintf(t->name, sizeof(t->name), "%s", sqlite3_column_text(st, 0));
		snprintf(q, sizeof(q), "SELECT name, type, pk FROM pragma_table_info('%s') ORDER BY cid",
			 t->name);
		if (sqlite3_prepare_v2(sql, q, -1, &ti, NULL) != SQLITE_OK)
			continue;
		while (sqlite3_step(ti) == SQLITE_ROW && t->ncols < FZDB_MAX_COLS) {
			int c = t->ncols++;
			int pk = sqlite3_column_int(ti, 2);

			snprintf(t->cols[c], sizeof(t->cols[c]), "%s", sqlite3_column_text(ti, 0));
			t->ipk[c] = !norowid && pk == 1 &&
				    !strcmp((const char *)sqlite3_column_text(ti, 1), "INTEGER");
			if (norowid && pk && klen < sizeof(t->key) - 70) {
				char col[64];	/* a copy: -Wrestrict sees t->key and t->cols in one object */

				memcpy(col, t->cols[c], sizeof(col));
				klen += snprintf(t->key + klen, sizeof(t->key) - klen, "%s\"%s\"",
						 klen ? ", " : "", col);
			}
		}
		sqlite3_finalize(ti);
		if (!norowid)
			snprintf(t->key, sizeof(t->key), "rowid");
		snprintf(q, sizeof(q), "SELECT count(*) FROM \"%s\"", t->name);
		if (sqlite3_prepare_v2(sql, q, -1, &ti, NULL) == SQLITE_OK) {
			if (sqlite3_step(ti) == SQLITE_ROW)
				t->nrows = sqlite3_column_int64(ti, 0);
			sqlite3_finalize(ti);
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(sql);
	return s->ntables ? 0 : -ENOENT;
}

/* The seed DB of base i (FZDB_BASES), made at its first use; NULL when it cannot be. */
static struct fzdb_seed *fzdb_seed(unsigned int i)
{
	struct fzdb_seed *s = &fzdb_seeds[i % FZDB_NBASES];
	unsigned int base = fzdb_bases[i % FZDB_NBASES];
	enum ga_log_level lvl = ga_log_get_level();
	char path[600];
	struct fz_file *f;
	int err;

	if (s->tried)
		return s->ok ? s : NULL;
	s->tried = true;
	f = fz_base(base);
	if (!f)
		return NULL;
	snprintf(path, sizeof(path), "%s/fzdb-%d-%s.db", fzdb_dir(), (int)getpid(), fz_base_name(base));
	unlink(path);
	ga_log_set_level(GA_LOG_QUIET);
	err = fz_index(fz_path(f), path);
	ga_log_set_level(lvl);
	if (!err)
		err = fzdb_trim(path);
	if (!err)
		err = fzdb_schema(path, s);
	if (!err)
		err = fzdb_read_file(path, &s->bytes, &s->size);
	unlink(path);
	if (err) {
		fprintf(stderr, "fuzz: seed DB of '%s': %s\n", fz_base_name(base), strerror(-err));
		if (fz_replaying)
			exit(2);
		return NULL;
	}
	s->ok = true;
	return s;
}

/*
 * Under libFuzzer, every seed DB is made before the first input: the
 * indexer under ASan takes seconds, which libFuzzer would count against
 * that input's timeout. Replaying, each is made at its first use.
 */
int fz_init(void)
{
	if (!fz_replaying)
		for (unsigned int i = 0; i < FZDB_NBASES; i++)
			fzdb_seed(i);
	return 0;
}

static const char *const fzdb_words[] = {
	"", "regz", "reg", "stack", "deref", "ABI0", "ABIInternal", "ABI1", "amd64", "arm64", "386",
	"amd65", "ret", "tailcall", "jmp", "ok", "bad", "indirect-jump", "entry", "jcc-prologue",
	"none", "be", "b", "ls", "lo", "zz", "int", "string", "struct", "ptr", "map", "slice", "iface",
	"eface", "array", "unknown", "bogus", "str.data", "str.len", "slice.data", "slice.len",
	"iface.tab", "iface.data", "float", "raw", "dwarf", "types", "sig", "arginfo", "agrees",
	"differs", "1.2", "1.16", "1.18", "1.20", "9.9", ".dict", "main.ints", "error", "\xff\xfe\x80",
	"mod", "dep", "=>", "g.goid", "g.stack.hi", "g.sched.sp", "g.atomicstatus", "moduledata.types",
	"embedded", "debuginfod", "net/netip.Addr", "map[string]int", "[]string", "*main.Point",
	"main.texts", "main.*", "%s%n", "a\nb",
};

static const int64_t fzdb_bounds[] = {
	0, -1, INT64_MIN, INT64_MAX, 1LL << 31, 1LL << 32, (1LL << 31) - 1, (1LL << 32) - 1, 1, 2, 3,
	4, 8, 16, 255, 256, 65536, -2, -(1LL << 31), 1LL << 63 >> 1, 15, 16, 17, 7,
};

static uint64_t fzdb_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * Bind the value of kind at in[*pos..n) to parameter 1 of st; the
 * statement text (q) for kind 7 and 8 differs, made by the caller from
 * *how. False when the input ends first.
 */
static bool fzdb_value(const uint8_t *in, size_t n, size_t *pos, uint8_t kind, sqlite3_stmt *st)
{
	size_t p = *pos, len;

	switch (kind % 10) {
	case 0:
		sqlite3_bind_null(st, 1);
		break;
	case 1:
		if (p + 8 > n)
			return false;
		sqlite3_bind_int64(st, 1, (int64_t)fzdb_le(in + p, 8));
		p += 8;
		break;
	case 2:
		if (p + 1 > n)
			return false;
		sqlite3_bind_int64(st, 1, fzdb_bounds[in[p++] % (sizeof(fzdb_bounds) / sizeof(fzdb_bounds[0]))]);
		break;
	case 3:
	case 4:
		if (p + 1 > n)
			return false;
		len = in[p++];
		if (len > n - p)
			len = n - p;
		if (kind % 10 == 3)
			sqlite3_bind_text(st, 1, (const char *)in + p, len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_blob(st, 1, in + p, len, SQLITE_TRANSIENT);
		p += len;
		break;
	case 5: {
		uint64_t bits;
		double d;

		if (p + 8 > n)
			return false;
		bits = fzdb_le(in + p, 8);
		memcpy(&d, &bits, sizeof(d));
		sqlite3_bind_double(st, 1, d);
		p += 8;
		break;
	}
	case 6:
		if (p + 1 > n)
			return false;
		sqlite3_bind_text(st, 1, fzdb_words[in[p++] % (sizeof(fzdb_words) / sizeof(fzdb_words[0]))],
				  -1, SQLITE_STATIC);
		break;
	case 7:
		if (p + 1 > n)
			return false;
		sqlite3_bind_int64(st, 1, (int8_t)in[p++]);
		break;
	case 8:
		if (p + 2 > n)
			return false;
		sqlite3_bind_int64(st, 1, fzdb_le(in + p, 2));
		p += 2;
		break;
	default:
		sqlite3_bind_text(st, 1, "", 0, SQLITE_STATIC);
		break;
	}
	*pos = p;
	return true;
}

/* Run q with the value at in[*pos..) bound to ?1 and the row offset to ?2. */
static int fzdb_run(sqlite3 *sql, const char *q, const uint8_t *in, size_t n, size_t *pos,
		    uint8_t kind, bool value, long long row)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(sql, q, -1, &st, NULL) != SQLITE_OK) {
		/* still consume the value */
		if (value && sqlite3_prepare_v2(sql, "SELECT ?1", -1, &st, NULL) == SQLITE_OK) {
			bool more = fzdb_value(in, n, pos, kind, st);

			sqlite3_finalize(st);
			return more ? 0 : -ENODATA;
		}
		return 0;
	}
	if (value && !fzdb_value(in, n, pos, kind, st)) {
		sqlite3_finalize(st);
		return -ENODATA;
	}
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, row);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	(void)rc;
	return 0;
}

static void fzdb_unlink_work(void)
{
	unlink(fzdb_work);
}

/*
 * libFuzzer ends a run (a crash, a timeout, -max_total_time) by _Exit:
 * no atexit. The work files of processes gone are removed here instead.
 */
static void fzdb_remove_stale(void)
{
	char path[600];
	struct dirent *de;
	DIR *d = opendir(fzdb_dir());
	int pid;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char tail[16];

		if (sscanf(de->d_name, "fzdb-%d-%15s", &pid, tail) != 2 || strcmp(tail, "work.db") ||
		    pid == getpid() || !kill(pid, 0) || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", fzdb_dir(), de->d_name);
		unlink(path);
	}
	closedir(d);
}

/*
 * A fresh copy of seed s in this process's work file, damaged by the
 * records in[0..n). Its path, or NULL; *changed: whether anything changed.
 */
static const char *fzdb_make(const struct fzdb_seed *s, const uint8_t *in, size_t n, bool *changed)
{
	sqlite3 *sql;
	size_t pos = 0;
	int rec;

	*changed = false;
	if (!fzdb_work[0]) {
		snprintf(fzdb_work, sizeof(fzdb_work), "%s/fzdb-%d-work.db", fzdb_dir(), (int)getpid());
		fzdb_remove_stale();
		atexit(fzdb_unlink_work);
	}
	if (fzdb_write_file(fzdb_work, s->bytes, s->size))
		return NULL;
	if (!n)
		return fzdb_work;
	if (sqlite3_open(fzdb_work, &sql) != SQLITE_OK) {
		sqlite3_close(sql);
		return NULL;
	}
	fzdb_exec(sql, "PRAGMA journal_mode = OFF; PRAGMA ignore_check_constraints = ON; BEGIN");
	for (rec = 0; rec < FZDB_MAX_RECORDS && pos + 6 <= n; rec++) {
		uint8_t op = in[pos] % 8, kind = in[pos + 5];
		const struct fzdb_table *t = &s->tables[in[pos + 1] % s->ntables];
		long long row = t->nrows ? (long long)(fzdb_le(in + pos + 2, 2) % t->nrows) : 0;
		int c = t->ncols ? in[pos + 4] % t->ncols : 0;
		char q[8192], where[1024], cols[2048];
		size_t cl = 0;

		pos += 6;
		snprintf(where, sizeof(where), "(%s) IN (SELECT %s FROM \"%s\" ORDER BY %s LIMIT 1 OFFSET ?2)",
			 t->key, t->key, t->name, t->key);
		switch (op) {
		case 4:
			snprintf(q, sizeof(q), "DELETE FROM \"%s\" WHERE %s", t->name, where);
			fzdb_run(sql, q, in, n, &pos, 0, false, row);
			break;
		case 5:
			for (int k = 0; k < t->ncols && cl < sizeof(cols) - 70; k++)
				if (!t->ipk[k])
					cl += snprintf(cols + cl, sizeof(cols) - cl, "%s\"%s\"", cl ? ", " : "",
						       t->cols[k]);
			snprintf(q, sizeof(q), "INSERT OR IGNORE INTO \"%s\" (%s) SELECT %s FROM \"%s\" WHERE %s",
				 t->name, cols, cols, t->name, where);
			fzdb_run(sql, q, in, n, &pos, 0, false, row);
			break;
		case 6:
			if (row % 2 == 0)
				snprintf(q, sizeof(q), "DROP TABLE \"%s\"", t->name);
			else
				snprintf(q, sizeof(q), "ALTER TABLE \"%s\" RENAME COLUMN \"%s\" TO \"gone_%s\"",
					 t->name, t->cols[c], t->cols[c]);
			if (!fzdb_exec(sql, q))
				*changed = true;
			break;
		case 7:
			/* a pragma takes no parameter: the value is read, then written as text */
		{
			sqlite3_stmt *st;
			long long v = 0;

			if (sqlite3_prepare_v2(sql, "SELECT CAST(?1 AS INTEGER)", -1, &st, NULL) != SQLITE_OK)
				break;
			if (!fzdb_value(in, n, &pos, kind, st)) {
				sqlite3_finalize(st);
				pos = n;
				break;
			}
			if (sqlite3_step(st) == SQLITE_ROW)
				v = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
			snprintf(q, sizeof(q), "PRAGMA user_version = %lld", (long long)(int32_t)v);
			if (!fzdb_exec(sql, q))
				*changed = true;
			break;
		}
		default:
			if (kind % 10 == 7)
				snprintf(q, sizeof(q), "UPDATE \"%s\" SET \"%s\" = \"%s\" + ?1 WHERE %s", t->name,
					 t->cols[c], t->cols[c], where);
			else if (kind % 10 == 8)
				snprintf(q, sizeof(q), "UPDATE \"%s\" SET \"%s\" = (SELECT \"%s\" FROM \"%s\" "
					 "ORDER BY %s LIMIT 1 OFFSET ?1 %% %lld) WHERE %s", t->name, t->cols[c],
					 t->cols[c], t->name, t->key, t->nrows ? t->nrows : 1, where);
			else
				snprintf(q, sizeof(q), "UPDATE \"%s\" SET \"%s\" = ?1 WHERE %s", t->name,
					 t->cols[c], where);
			if (fzdb_run(sql, q, in, n, &pos, kind, true, row))
				pos = n;
			break;
		}
	}
	fzdb_exec(sql, "COMMIT");
	if (sqlite3_total_changes(sql))
		*changed = true;
	sqlite3_close(sql);
	return fzdb_work;
}

/* Seeds: each base undamaged, and with a few records of each op. */
static int fzdb_write_seeds(const char *dir, const uint8_t *flags, size_t nflags)
{
	uint8_t buf[256];
	char name[96];
	int err;

	for (unsigned int b = 0; b < FZDB_NBASES; b++) {
		for (size_t fl = 0; fl < nflags; fl++) {
			uint32_t x = b * 977 + fl * 131 + 7;
			size_t len = 2;

			buf[0] = b;
			buf[1] = flags[fl];
			snprintf(name, sizeof(name), "%s-%02x", fz_base_name(fzdb_bases[b]), flags[fl]);
			err = fz_write_seed(dir, name, buf, len);
			if (err)
				return err;
			for (int r = 0; r < 6; r++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				buf[len++] = r == 5 ? 4 : r;		/* updates, one delete */
				buf[len++] = x >> 8;			/* table */
				buf[len++] = x >> 16;			/* row */
				buf[len++] = x >> 24;
				buf[len++] = x;				/* column */
				buf[len++] = r % 3 == 0 ? 6 : r % 3 == 1 ? 2 : 0;	/* word, bound, NULL */
				if (r % 3 != 2)
					buf[len++] = x >> 4;
			}
			snprintf(name, sizeof(name), "%s-%02x-6", fz_base_name(fzdb_bases[b]), flags[fl]);
			err = fz_write_seed(dir, name, buf, len);
			if (err)
				return err;
		}
	}
	return 0;
}
