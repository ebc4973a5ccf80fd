// SPDX-License-Identifier: MIT
/*
 * Opening a DB: the schema-version check both programs do, the reader's
 * connection and its close. Reading is in db_read.c, writing in db_write.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "db_internal.h"
#include "log.h"

int gadb_schema_version(void)
{
	return ga_schema_version;
}

int db_sql_err(sqlite3 *sql, const char *path, const char *what)
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

int db_open_checked(const char *path, int flags, sqlite3 **out)
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
		err = db_sql_err(sql, path, "looking up the build");
		sqlite3_close(sql);
		return err;
	}
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	sqlite3_close(sql);
	return rc == SQLITE_ROW ? 1 : 0;
}
