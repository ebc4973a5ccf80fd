/* SPDX-License-Identifier: MIT */
/*
 * Finding by identity what the command line leaves out: the binary a DB
 * describes (when neither --binary, --pid nor -c names one), and the DB
 * that describes a binary (--db-dir, GOATTACH_DB_PATH). Identity is the
 * file's sha256, as goattach checks it before attaching; paths recorded
 * in a DB are where it was indexed, often another host (CI).
 */
#pragma once

#include <stddef.h>

#include "db.h"

/*
 * The binary to trace for db: of its builds, those whose recorded path is
 * still that build (same size and sha256), the newest if several; else
 * the executable of a running process that is one of its builds
 * (/proc/N/exe: its path when it is still there, else the /proc link).
 * 0 and the path in out (after a line saying which when it was not the
 * only build's own path), or -ENOENT after one line naming the DB's
 * builds and the options that name a binary.
 */
int dbfind_binary(struct gadb *db, const char *db_path, char *out, size_t len);

/*
 * The *.db file in dirs (colon-separated; names sorted in each, dirs in
 * order) holding the build that binary is, by sha256. 0 and its path in
 * out, or -ENOENT after one line naming the binary's ids, the dirs read,
 * a DB holding its Go build id with another sha256 if one does, and the
 * goanalyze command that makes its DB.
 */
int dbfind_db(const char *dirs, const char *binary, char *out, size_t len);
