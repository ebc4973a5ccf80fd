/* SPDX-License-Identifier: MIT */
/*
 * What db.c, db_read.c and db_write.c share and nobody else sees: the
 * connection of a reader, the checked open and the error message.
 */
#pragma once

#include <sqlite3.h>

/* Generated from schema/schema.sql by the Makefile. */
extern const char ga_schema_sql[];
extern const int ga_schema_version;

struct gadb {
	sqlite3 *sql;
	char *path;
};

/* Print that what failed on path, with SQLite's reason; returns -EIO. */
int db_sql_err(sqlite3 *sql, const char *path, const char *what);

/*
 * Open path with the SQLITE_OPEN_* flags and check its schema version.
 * Returns 0, or a negative errno after printing why.
 */
int db_open_checked(const char *path, int flags, sqlite3 **out);
