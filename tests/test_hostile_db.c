// SPDX-License-Identifier: MIT
/*
 * Damaged DBs end to end: the real goattach and goanalyze on a DB indexed
 * from a base binary, then damaged by SQL (a value of a kind no enum has,
 * a column of the wrong type, a piece size that is no word, a probe
 * offset outside its function, the schema version, a dropped table) or
 * by its bytes (not SQLite, truncated). Each must be one error line
 * naming the DB, exit 1, and nothing else: goattach plans nothing (so
 * attaches nothing: the plan comes before BPF), goanalyze prints no
 * partial report or manifest and leaves no -o file.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "test.h"

static char pristine[1024], binary[1024];

static void hostile_setup(void)
{
	struct cmd_result r = {};

	snprintf(binary, sizeof(binary), "%s", build_path("fuzzbase/go1.19-amd64"));
	snprintf(pristine, sizeof(pristine), "%s", tmp_path("pristine.db"));
	cmd_run((char *const[]){ (char *)build_path("goanalyze"), "index", binary, "--db", pristine, NULL },
		120, &r);
	if (r.status)
		printf("  index '%s': %s", binary, r.err ? r.err : "");
	cmd_result_free(&r);
}

TEST_SETUP(hostile_setup);

/* A copy of the pristine DB as name, damaged by sql (CHECKs ignored: a hostile DB has none). */
static const char *damaged(const char *name, const char *sql)
{
	static char path[1024];
	char cmd[3000];
	struct cmd_result r = {};
	sqlite3 *db;
	char *msg = NULL;

	snprintf(path, sizeof(path), "%s", tmp_path(name));
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", pristine, path);
	sh_run(cmd, 30, &r);
	cmd_result_free(&r);
	if (!sql)
		return path;
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA ignore_check_constraints = ON", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		printf("  damaging '%s' by '%s': %s\n", path, sql, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
	}
	sqlite3_close(db);
	return path;
}

/* exit 1, stdout empty, stderr one line naming the DB and containing want */
static void assert_refused(const struct cmd_result *r, const char *db, const char *want,
			   const char *what)
{
	ASSERT_EQ(r->status, 1, what);
	ASSERT_EQ(r->out ? strlen(r->out) : 0, 0, what);
	if (!ASSERT_EQ(count_lines_with(r->err, ""), 1, what))
		printf("  stderr: %s", r->err ? r->err : "");
	ASSERT_CONTAINS(r->err, db, what);
	ASSERT_CONTAINS(r->err, want, what);
}

struct damage {
	const char *name;
	const char *sql;
	const char *want;	/* in the error line */
};

#define FUNC_OF(f) "(SELECT id FROM functions WHERE name = '" f "')"
#define PARAM_OF(f) "(SELECT id FROM params WHERE function_id = " FUNC_OF(f) " AND idx = 0)"

static const struct damage damages[] = {
	{ "loc.db", "UPDATE param_pieces SET loc = 'regz' WHERE param_id = " PARAM_OF("main.ints"),
	  "location kind" },
	{ "piece-size.db", "UPDATE param_pieces SET size = 3 WHERE param_id = " PARAM_OF("main.ints"),
	  "size 3 is not 1, 2, 4 or 8" },
	{ "param-name.db", "UPDATE params SET name = X'ff00' WHERE id = " PARAM_OF("main.ints"),
	  "name is a blob, not text" },
	{ "exit-insn.db", "UPDATE exits SET insn = X'' WHERE function_id = " FUNC_OF("main.ints"),
	  "insn is 0 bytes" },
	{ "module-kind.db", "UPDATE modules SET kind = 'dep\xff' WHERE idx = 0", "kind 'dep" },
	{ "param-kind.db", "UPDATE params SET kind = 'bogus' WHERE id = " PARAM_OF("main.ints"),
	  "kind 'bogus' is not a value kind" },
	{ "goarch.db", "UPDATE builds SET goarch = 'amd65'", "goarch 'amd65'" },
	{ "abi.db", "UPDATE functions SET abi = 'ABI1' WHERE name = 'main.ints'", "abi 'ABI1'" },
	{ "probe-offset.db", "UPDATE functions SET entry_probe_offset = size + 100 WHERE name = 'main.ints'",
	  "entry_probe_offset" },
	{ "exit-offset.db", "UPDATE exits SET offset = 1000000 WHERE function_id = " FUNC_OF("main.ints"),
	  "offset 1000000 is out of range" },
	{ "version.db", "PRAGMA user_version = 6", "schema version 6" },
	{ "no-params.db", "DROP TABLE param_pieces", "no such table: param_pieces" },
};

/* goattach: it plans before it loads BPF, so no root is needed to see the refusal. */
TEST(goattach_damaged_db)
{
	struct cmd_result r = {};
	size_t i;

	for (i = 0; i < sizeof(damages) / sizeof(damages[0]); i++) {
		const char *db = damaged(damages[i].name, damages[i].sql);

		cmd_run((char *const[]){ (char *)build_path("goattach"), "--db", (char *)db, "--binary",
					 binary, "--duration", "1s", "main.ints", NULL }, 60, &r);
		assert_refused(&r, db, damages[i].want, damages[i].name);
		cmd_result_free(&r);
	}
}

/*
 * A DB that is well-formed but says what the binary does not hold: a
 * function moved out of the code, a probe on bytes that are not the DB's.
 * Only goattach has the binary to tell.
 */
static const struct damage lies[] = {
	{ "moved.db", "UPDATE functions SET entry = entry + 0x10000000, file_offset = file_offset + "
		      "0x10000000 WHERE name = 'main.ints'", "which is not code of" },
	{ "entry-off.db", "UPDATE functions SET file_offset = file_offset + 1 WHERE name = 'main.ints'",
	  "which is not code of" },
	{ "exit-bytes.db", "UPDATE exits SET offset = offset - 1 WHERE function_id = " FUNC_OF("main.ints"),
	  "differ from the DB" },
};

TEST(goattach_db_lies)
{
	struct cmd_result r = {};
	size_t i;

	for (i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		const char *db = damaged(lies[i].name, lies[i].sql);

		cmd_run((char *const[]){ (char *)build_path("goattach"), "--db", (char *)db, "--binary",
					 binary, "--duration", "1s", "main.ints", NULL }, 60, &r);
		assert_refused(&r, binary, lies[i].want, lies[i].name);
		cmd_result_free(&r);
	}
}

/* report and manifest: one line, no partial JSON, no -o file left */
TEST(goanalyze_damaged_db)
{
	struct cmd_result r = {};
	char out[1100];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(damages) / sizeof(damages[0]); i++) {
		const char *db = damaged(damages[i].name, damages[i].sql);
		char dbp[1024];

		snprintf(dbp, sizeof(dbp), "%s", db);
		cmd_run((char *const[]){ (char *)build_path("goanalyze"), "report", "--db", dbp, "--json",
					 "main.ints", NULL }, 60, &r);
		assert_refused(&r, dbp, damages[i].want, damages[i].name);
		cmd_result_free(&r);
		snprintf(out, sizeof(out), "%s.manifest.json", dbp);
		cmd_run((char *const[]){ (char *)build_path("goanalyze"), "manifest", "--db", dbp, "-o", out,
					 NULL }, 60, &r);
		/* the whole build is read: the damage is met whatever function it is in */
		assert_refused(&r, dbp, damages[i].want, damages[i].name);
		ASSERT_TRUE(stat(out, &st) != 0, "no manifest file left");
		cmd_result_free(&r);
	}
}

/* Not a DB, a truncated one: refused at open or at the first read, one line. */
TEST(not_sqlite_or_truncated)
{
	struct cmd_result r = {};
	char cmd[5000], junk[1024], cut[1024];

	snprintf(junk, sizeof(junk), "%s", tmp_path("junk.db"));
	snprintf(cut, sizeof(cut), "%s", tmp_path("cut.db"));
	snprintf(cmd, sizeof(cmd), "head -c 5000 '%s' > '%s' && head -c 12288 '%s' > '%s'", binary, junk,
		 pristine, cut);
	sh_run(cmd, 30, &r);
	cmd_result_free(&r);

	cmd_run((char *const[]){ (char *)build_path("goattach"), "--db", junk, "--binary", binary,
				 "--duration", "1s", "main.ints", NULL }, 60, &r);
	assert_refused(&r, junk, "not a goattach database", "goattach: not SQLite");
	cmd_result_free(&r);
	cmd_run((char *const[]){ (char *)build_path("goanalyze"), "report", "--db", junk, NULL }, 60, &r);
	assert_refused(&r, junk, "not a goattach database", "report: not SQLite");
	cmd_result_free(&r);

	cmd_run((char *const[]){ (char *)build_path("goattach"), "--db", cut, "--binary", binary,
				 "--duration", "1s", "main.ints", NULL }, 60, &r);
	assert_refused(&r, cut, "", "goattach: truncated");
	cmd_result_free(&r);
	cmd_run((char *const[]){ (char *)build_path("goanalyze"), "manifest", "--db", cut, NULL }, 60, &r);
	assert_refused(&r, cut, "", "manifest: truncated");
	cmd_result_free(&r);
}

/* The undamaged copy works: the refusals above are the damage's. */
TEST(pristine_db_reads)
{
	struct cmd_result r = {};
	const char *db = damaged("ok.db", NULL);

	cmd_run((char *const[]){ (char *)build_path("goanalyze"), "report", "--db", (char *)db, "--json",
				 "main.ints", NULL }, 60, &r);
	ASSERT_EQ(r.status, 0, "report of the pristine DB");
	ASSERT_CONTAINS(r.out, "main.ints", "report of the pristine DB");
	cmd_result_free(&r);
}

/* A type row no kind names, read for a map parameter's key and value: the plan is refused. */
TEST(goattach_damaged_type)
{
	struct cmd_result r = {};
	const char *db = damaged("type-kind.db",
				 "UPDATE types SET kind = 'bogus' WHERE id = (SELECT type_id FROM params "
				 "WHERE function_id = " FUNC_OF("main.refs") " AND idx = 0)");

	cmd_run((char *const[]){ (char *)build_path("goattach"), "--db", (char *)db, "--binary", binary,
				 "--duration", "1s", "main.refs", NULL }, 60, &r);
	assert_refused(&r, db, "kind 'bogus' is no kind", "a damaged type");
	cmd_result_free(&r);
}
