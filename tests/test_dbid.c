// SPDX-License-Identifier: MIT
/*
 * DBs and binaries found by identity: a DB holding two builds traces each,
 * by --binary, by -c and with no binary named; a DB indexed at one path (CI)
 * traces a copy at another (-c, --pid, a running process); --db-dir and
 * GOATTACH_DB_PATH find the DB of a binary among several by its sha256; and
 * every failure is one line naming what to do. Real binaries, SQLite, BPF.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attachlib.h"

TEST_SETUP(attach_setup);

/* The files of one run, in the suite's temp dir. */
static char dir[512];

/*
 * D/bin: copies of swapper, funcs, stacker, blocker; D/dbs: one DB each of
 * the first three; D/two.db: swapper and funcs; D/ci.db: funcs indexed at
 * D/ci/funcs, then moved to D/prod/funcs (the path in the DB is gone).
 */
static bool make_files(void)
{
	struct cmd_result r = {};
	char cmd[4096];
	bool ok;

	if (dir[0])
		return true;
	snprintf(dir, sizeof(dir), "%s/dbid", tmp_dir());
	snprintf(cmd, sizeof(cmd),
		 "set -e; D='%s'; S='%s/samples'; G='%s'; rm -rf \"$D\"; "
		 "mkdir -p \"$D/bin\" \"$D/dbs\" \"$D/ci\" \"$D/prod\" \"$D/empty\"; "
		 "for s in swapper funcs stacker blocker; do cp \"$S/$s\" \"$D/bin/\"; done; "
		 "for s in swapper funcs stacker; do \"$G\" index \"$D/bin/$s\" --db \"$D/dbs/$s.db\" "
		 ">/dev/null; done; "
		 "for s in swapper funcs; do \"$G\" index \"$D/bin/$s\" --db \"$D/two.db\" >/dev/null; done; "
		 "cp \"$S/funcs\" \"$D/ci/funcs\"; \"$G\" index \"$D/ci/funcs\" --db \"$D/ci.db\" >/dev/null; "
		 "mv \"$D/ci/funcs\" \"$D/prod/funcs\"",
		 dir, build_dir(), build_path("goanalyze"));
	sh_run(cmd, 300, &r);
	ok = ASSERT_EQ(r.status, 0, "binaries copied and indexed");
	if (!ok)
		printf("  %s", r.err ? r.err : "");
	cmd_result_free(&r);
	if (!ok)
		dir[0] = '\0';
	return ok;
}

/* "is build <12 hex>" of the file at path, as goattach's build line says it. */
static void build_line_of(const char *path, char *out, size_t len)
{
	struct cmd_result r = {};
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "sha256sum '%s' | cut -c1-12", path);
	sh_run(cmd, 30, &r);
	snprintf(out, len, "is build %.12s", r.out ? r.out : "");
	cmd_result_free(&r);
}

/* Run goattach (shell words in args) to completion. */
static void run_goattach(const char *args, struct cmd_result *r)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "G=\"$(realpath '%s')\"; cd '%s' && \"$G\" %s",
		 build_path("goattach"), dir, args);
	sh_run(cmd, 60, r);
}

/*
 * One DB, swapper and funcs: --binary and -c pick each one's build and
 * say which; with no binary named, the newest build whose indexed path is
 * still there, saying there were two; with neither there, one line naming
 * both builds and the options.
 */
TEST(two_builds_picked_by_identity)
{
	struct cmd_result r = {};
	char want[2][64], path[2][600];
	int i;

	REQUIRE_BPF();
	if (!make_files())
		return;
	snprintf(path[0], sizeof(path[0]), "%s/bin/swapper", dir);
	snprintf(path[1], sizeof(path[1]), "%s/bin/funcs", dir);
	for (i = 0; i < 2; i++)
		build_line_of(path[i], want[i], sizeof(want[i]));

	run_goattach("--db two.db --binary bin/swapper -c 'bin/swapper a b' main.swap", &r);
	ASSERT_EQ(r.status, 0, "--binary swapper");
	ASSERT_CONTAINS(r.err, want[0], "swapper's build");
	ASSERT_CONTAINS(r.out, "main.swap(x=\"a\", y=\"b\") = (\"b\", \"a\")", "traced");
	cmd_result_free(&r);
	run_goattach("--db two.db -c 'bin/funcs classify 1' main.classify", &r);
	ASSERT_EQ(r.status, 0, "-c funcs");
	ASSERT_CONTAINS(r.err, want[1], "funcs' build");
	ASSERT_CONTAINS(r.out, "main.classify(n=1) = (\"small\")", "traced");
	cmd_result_free(&r);
	run_goattach("--db two.db -c 'bin/swapper c d' main.swap", &r);
	ASSERT_EQ(r.status, 0, "-c swapper");
	ASSERT_CONTAINS(r.err, want[0], "swapper's build");
	ASSERT_CONTAINS(r.out, "main.swap(x=\"c\", y=\"d\") = (\"d\", \"c\")", "traced");
	cmd_result_free(&r);
	/* a function of the other build: named, in the build picked */
	run_goattach("--db two.db -c 'bin/swapper c d' main.classify", &r);
	ASSERT_EQ(r.status, 1, "main.classify is not in swapper");
	ASSERT_CONTAINS(r.err, "no function matches 'main.classify' in 'two.db' (build ",
			"saying so");
	ASSERT_CONTAINS(r.err, want[0] + strlen("is build "), "naming the build searched");
	ASSERT_CONTAINS(r.err, "'main.classify' is in build ", "and the build that has it");
	ASSERT_CONTAINS(r.err, want[1] + strlen("is build "), "funcs'");
	cmd_result_free(&r);

	/* no binary named: both indexed paths are there, the newest (funcs) is traced */
	run_goattach("--db two.db --duration 500ms main.classify", &r);
	ASSERT_EQ(r.status, 0, "no binary named");
	ASSERT_CONTAINS(r.err, "2 builds of 'two.db' are at their indexed paths", "says there were two");
	ASSERT_CONTAINS(r.err, want[1], "and which it took");
	cmd_result_free(&r);

	/* neither there, nor running: one line naming both builds and the options */
	{
		char cmd[2048];
		struct cmd_result mv = {};

		snprintf(cmd, sizeof(cmd), "G=\"$(realpath '%s')\"; cd '%s' && "
			 "mv bin/swapper bin/swapper.away && mv bin/funcs bin/funcs.away && "
			 "\"$G\" --db two.db main.classify; s=$?; "
			 "mv bin/swapper.away bin/swapper; mv bin/funcs.away bin/funcs; exit $s",
			 build_path("goattach"), dir);
		sh_run(cmd, 60, &mv);
		ASSERT_EQ(mv.status, 1, "no binary found");
		ASSERT_EQ(count_lines_with(mv.err, ""), 1, "one line");
		ASSERT_CONTAINS(mv.err, "no binary to trace for 'two.db': it holds 2 builds",
				"naming the DB");
		ASSERT_CONTAINS(mv.err, "/bin/swapper' (not on this host)", "each build's path");
		ASSERT_CONTAINS(mv.err, "/bin/funcs' (not on this host)", "both");
		ASSERT_CONTAINS(mv.err, "Go build id ", "their ids");
		ASSERT_CONTAINS(mv.err, "--binary PATH, --pid PID or -c CMD", "and what to do");
		cmd_result_free(&mv);
	}
}

/*
 * A DB made in CI: indexed at ci/funcs, which is gone; the same file at
 * prod/funcs is traced by -c, by --pid and, running, with no flag at all.
 */
TEST(ci_db_traces_a_copy_elsewhere)
{
	struct cmd_result r = {};
	struct bg_proc target = {}, ga = {};
	char want[64], prod[600];
	char *hang[] = { prod, "hang", "3000", NULL };

	REQUIRE_BPF();
	if (!make_files())
		return;
	snprintf(prod, sizeof(prod), "%s/prod/funcs", dir);
	build_line_of(prod, want, sizeof(want));

	run_goattach("--db ci.db -c 'prod/funcs classify 1 2' main.classify", &r);
	ASSERT_EQ(r.status, 0, "-c");
	ASSERT_CONTAINS(r.err, want, "the build line");
	ASSERT_EQ(count_lines_with(r.out, "main.classify("), 2, "its two calls");
	cmd_result_free(&r);

	/* --pid: the process's file, through /proc/PID/exe */
	if (ASSERT_OK(bg_start(&target, hang), "start the target") &&
	    ASSERT_TRUE(bg_wait_stdout(&target, "waiting", 30), "target running")) {
		char pid[16], db[600];
		char *args[] = { "--db", db, "--pid", pid, "main.waiter", NULL };

		snprintf(pid, sizeof(pid), "%d", target.pid);
		snprintf(db, sizeof(db), "%s/ci.db", dir);
		if (ASSERT_TRUE(start_goattach(&ga, args), "--pid: attached")) {
			ASSERT_OK(bg_stop(&target, 0, 30), "the target ends on its own");
			ASSERT_OK(bg_stop(&ga, 0, 30), "goattach exits when its process does");
			ASSERT_EQ(ga.status, 0, "exit status");
			ASSERT_CONTAINS(ga.err, want, "the build line");
			ASSERT_CONTAINS(ga.out, "main.waiter(", "the target's call");
		}
	}
	bg_stop(&target, SIGKILL, 10);
	bg_free(&target);
	bg_free(&ga);
	memset(&ga, 0, sizeof(ga));

	/* --pid of a process whose file was deleted: /proc/PID/exe still opens it */
	{
		char del[600], pid[16], db[600];
		char *delhang[] = { del, "hang", "3000", NULL };
		char *args[] = { "--db", db, "--pid", pid, "main.waiter", NULL };

		snprintf(del, sizeof(del), "%s/prod/funcs-deleted", dir);
		snprintf(db, sizeof(db), "%s/ci.db", dir);
		memset(&target, 0, sizeof(target));
		if (ASSERT_OK(link(prod, del), "a second name") &&
		    ASSERT_OK(bg_start(&target, delhang), "start it") &&
		    ASSERT_TRUE(bg_wait_stdout(&target, "waiting", 30), "running") &&
		    ASSERT_OK(unlink(del), "its file deleted")) {
			snprintf(pid, sizeof(pid), "%d", target.pid);
			if (ASSERT_TRUE(start_goattach(&ga, args), "--pid of a deleted file: attached")) {
				ASSERT_OK(bg_stop(&target, 0, 30), "the target ends on its own");
				ASSERT_OK(bg_stop(&ga, 0, 30), "goattach exits with it");
				ASSERT_CONTAINS(ga.err, want, "the build line");
				ASSERT_CONTAINS(ga.out, "main.waiter(", "the target's call");
			}
		}
		bg_stop(&target, SIGKILL, 10);
		bg_free(&target);
		bg_free(&ga);
		memset(&ga, 0, sizeof(ga));
	}

	/* no flag: the running process is a build of ci.db */
	memset(&target, 0, sizeof(target));
	if (ASSERT_OK(bg_start(&target, hang), "start the target again") &&
	    ASSERT_TRUE(bg_wait_stdout(&target, "waiting", 30), "target running")) {
		char *args[] = { "--db", NULL, "main.waiter", NULL };
		char db[600];

		snprintf(db, sizeof(db), "%s/ci.db", dir);
		args[1] = db;
		if (ASSERT_TRUE(start_goattach(&ga, args), "no flag: attached")) {
			bg_stop(&target, 0, 30);
			stop_goattach(&ga);
			ASSERT_CONTAINS(ga.err, "/prod/funcs' (indexed at '", "says where it found it");
			ASSERT_CONTAINS(ga.err, want, "the build line");
			ASSERT_CONTAINS(ga.out, "main.waiter(", "the process's call");
		}
	}
	bg_stop(&target, SIGKILL, 10);
	bg_free(&target);
	bg_free(&ga);
}

/*
 * --db-dir with three DBs finds the one holding the binary (by -c,
 * --binary, --pid), GOATTACH_DB_PATH likewise after an empty dir; a
 * binary none holds, an empty dir, no binary named and --db with --db-dir
 * are one line each.
 */
TEST(db_dir_finds_by_identity)
{
	struct cmd_result r = {};

	REQUIRE_BPF();
	if (!make_files())
		return;
	run_goattach("--db-dir dbs -c 'bin/funcs classify 5' main.classify", &r);
	ASSERT_EQ(r.status, 0, "--db-dir with -c");
	ASSERT_CONTAINS(r.err, "of 'dbs/funcs.db'", "the DB found, in the build line");
	ASSERT_CONTAINS(r.out, "main.classify(n=5)", "traced");
	cmd_result_free(&r);
	run_goattach("--db-dir empty:dbs --binary bin/swapper -c 'bin/swapper a b' main.swap", &r);
	ASSERT_EQ(r.status, 0, "--db-dir DIR:DIR with --binary");
	ASSERT_CONTAINS(r.err, "of 'dbs/swapper.db'", "the DB found");
	ASSERT_CONTAINS(r.out, "main.swap(x=\"a\", y=\"b\")", "traced");
	cmd_result_free(&r);
	run_goattach("-c 'bin/swapper e f' main.swap", &r);
	ASSERT_EQ(r.status, 1, "without GOATTACH_DB_PATH: no DB");
	ASSERT_CONTAINS(r.err, "--db FILE is required (or --db-dir DIR, or GOATTACH_DB_PATH)",
			"saying what to give");
	cmd_result_free(&r);
	{
		char cmd[2048];

		snprintf(cmd, sizeof(cmd), "G=\"$(realpath '%s')\"; cd '%s' && "
			 "GOATTACH_DB_PATH=\"$PWD/empty:$PWD/dbs\" \"$G\" -c 'bin/swapper e f' main.swap",
			 build_path("goattach"), dir);
		sh_run(cmd, 60, &r);
		ASSERT_EQ(r.status, 0, "GOATTACH_DB_PATH");
		ASSERT_CONTAINS(r.err, "/dbs/swapper.db'", "the DB found");
		ASSERT_CONTAINS(r.out, "main.swap(x=\"e\", y=\"f\")", "traced");
		cmd_result_free(&r);
	}

	/* a binary no DB holds: its ids, the dirs, the command that makes one */
	run_goattach("--db-dir dbs -c 'bin/blocker 1 1' main.work", &r);
	ASSERT_EQ(r.status, 1, "no DB holds blocker");
	ASSERT_EQ(count_lines_with(r.err, ""), 1, "one line");
	ASSERT_CONTAINS(r.err, "no DB in 'dbs' (3 *.db files read) holds 'bin/blocker' (Go build id ",
			"naming the binary and dirs");
	ASSERT_CONTAINS(r.err, "sha256 ", "its sha256");
	ASSERT_CONTAINS(r.err, "goanalyze index 'bin/blocker' --db 'dbs/blocker.db'", "how to make one");
	cmd_result_free(&r);
	/* strip(1) keeps the Go build id note, not the bytes: that DB is named, not used */
	{
		char cmd[2048];

		snprintf(cmd, sizeof(cmd), "G=\"$(realpath '%s')\"; cd '%s' && "
			 "strip -o bin/funcs-strip bin/funcs && \"$G\" --db-dir dbs "
			 "--binary bin/funcs-strip main.classify; s=$?; rm -f bin/funcs-strip; exit $s",
			 build_path("goattach"), dir);
		sh_run(cmd, 60, &r);
		ASSERT_EQ(r.status, 1, "a stripped copy");
		ASSERT_CONTAINS(r.err, "'dbs/funcs.db' holds a build with its Go build id",
				"the DB of its Go build id named");
		ASSERT_CONTAINS(r.err, "goanalyze index 'bin/funcs-strip' --db 'dbs/funcs-strip.db'",
				"and how to index this file");
		cmd_result_free(&r);
	}
	run_goattach("--db-dir empty --binary bin/funcs main.classify", &r);
	ASSERT_EQ(r.status, 1, "an empty dir");
	ASSERT_CONTAINS(r.err, "no DB in 'empty' (0 *.db files read)", "saying so");
	cmd_result_free(&r);
	run_goattach("--db-dir dbs main.classify", &r);
	ASSERT_EQ(r.status, 1, "no binary named");
	ASSERT_CONTAINS(r.err, "name the binary: --binary PATH, --pid PID or -c CMD", "what to do");
	cmd_result_free(&r);
	run_goattach("--db two.db --db-dir dbs --binary bin/funcs main.classify", &r);
	ASSERT_EQ(r.status, 1, "--db with --db-dir");
	ASSERT_CONTAINS(r.err, "exclude each other", "refused");
	cmd_result_free(&r);
	/* a binary goattach cannot open: the usual line */
	run_goattach("--db-dir dbs --binary bin/nothing main.classify", &r);
	ASSERT_EQ(r.status, 1, "binary not found");
	ASSERT_CONTAINS(r.err, "bin/nothing", "named");
	cmd_result_free(&r);
}
