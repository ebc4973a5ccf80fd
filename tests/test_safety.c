// SPDX-License-Identifier: MIT
/*
 * goattach end to end, what it refuses and what it leaves: a binary the DB
 * does not describe, a DB edited to point elsewhere, a function with no
 * code, a user without capabilities; the kernel sees plain uprobes only,
 * on the DB's offsets (checked in the multi-uprobe link's info, and with
 * bpftool for the per-probe fallback).
 */
#include <stdlib.h>
#include <unistd.h>

#include "attachlib.h"

TEST_SETUP(attach_setup);

/* goattach refuses a binary the DB does not describe, naming both ids. */
TEST(refuses_other_build)
{
	char *args[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("swapper"),
			 "--binary", (char *)sample_bin("stacker"), "main.stacker", NULL };
	char cmd[1024], want_db[256] = "", want_bin[256] = "";
	struct cmd_result r = {}, id = {};

	snprintf(cmd, sizeof(cmd), "go tool buildid '%s'", sample_bin("swapper"));
	sh_run(cmd, 30, &id);
	snprintf(want_db, sizeof(want_db), "%.*s", (int)strcspn(id.out, "\n"), id.out);
	cmd_result_free(&id);
	snprintf(cmd, sizeof(cmd), "go tool buildid '%s'", sample_bin("stacker"));
	sh_run(cmd, 30, &id);
	snprintf(want_bin, sizeof(want_bin), "%.*s", (int)strcspn(id.out, "\n"), id.out);
	cmd_result_free(&id);

	cmd_run(args, 60, &r);
	ASSERT_EQ(r.status, 1, "exit");
	ASSERT_EQ(count_lines_with(r.err, ""), 1, "one line");
	ASSERT_CONTAINS(r.err, want_bin, "names the binary's build id");
	ASSERT_CONTAINS(r.err, want_db, "names the DB's build id");
	ASSERT_FALSE(strstr(r.err, "Tracing"), "nothing attached");
	cmd_result_free(&r);
}

/*
 * A DB edited so that a return offset points at another instruction is
 * refused: once with the stored bytes left as they were, once with them
 * forged to match the new place (the opcode check catches that).
 */
TEST(refuses_edited_offset)
{
	const char *orig = sample_db("stacker");
	char db[512], cmd[4096];
	struct cmd_result r = {};
	int round;

	for (round = 0; round < 2; round++) {
		snprintf(db, sizeof(db), "%s/edited-%d.db", tmp_dir(), round);
		snprintf(cmd, sizeof(cmd),
			 "set -e; cp '%s' '%s'; "
			 "q=\"SELECT f.file_offset + e.offset + 1 FROM exits e JOIN functions f ON f.id = e.function_id "
			 "WHERE f.name = 'main.stacker' AND e.kind = 'ret' LIMIT 1\"; "
			 "off=$(sqlite3 '%s' \"$q\"); "
			 "bytes=$(dd if='%s' bs=1 skip=$off count=1 2>/dev/null | od -An -tx1 | tr -d ' \\n'); "
			 "ins=%s; "
			 "sqlite3 '%s' \"UPDATE exits SET offset = offset + 1, insn = $ins WHERE kind = 'ret' AND "
			 "function_id = (SELECT id FROM functions WHERE name = 'main.stacker')\"",
			 orig, db, db, sample_bin("stacker"), round ? "X\\'$bytes\\'" : "insn", db);
		sh_run(cmd, 30, &r);
		if (!ASSERT_EQ(r.status, 0, "edit the DB")) {
			printf("  %s\n", r.err);
			cmd_result_free(&r);
			continue;
		}
		cmd_result_free(&r);
		{
			char *args[] = { (char *)build_path("goattach"), "--db", db, "main.stacker", NULL };

			cmd_run(args, 60, &r);
		}
		ASSERT_EQ(r.status, 1, "exit");
		ASSERT_EQ(count_lines_with(r.err, ""), 1, "one line");
		ASSERT_CONTAINS(r.err, "refusing to attach", "refused");
		ASSERT_CONTAINS(r.err, "main.stacker", "names the function");
		ASSERT_FALSE(strstr(r.err, "Tracing"), "nothing attached");
		cmd_result_free(&r);
	}
}

TEST(unknown_function)
{
	char *args[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("stacker"),
			 "stacker", NULL };
	struct cmd_result r = {};

	char *inl[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("stacker"),
			"strconv.Itoa", NULL };

	cmd_run(args, 60, &r);
	ASSERT_EQ(r.status, 1, "exit");
	ASSERT_CONTAINS(r.err, "no function matches 'stacker'", "says what");
	ASSERT_CONTAINS(r.err, "main.stacker", "suggests the near name");
	cmd_result_free(&r);
	/* a function the compiler only inlined has no code to probe */
	cmd_run(inl, 60, &r);
	ASSERT_EQ(r.status, 1, "exit");
	ASSERT_CONTAINS(r.err, "strconv.Itoa exists only inlined", "says it is only inlined");
	cmd_result_free(&r);
}

/* Not root, no capabilities: one clear line naming what is missing. */
TEST(no_capabilities)
{
	struct cmd_result r = {};
	char cmd[8192], db[512];

	REQUIRE_BPF();
	/* copies nobody can read, whatever the checkout's permissions */
	snprintf(db, sizeof(db), "%s/caps", tmp_dir());
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s' '%s/app.db' && cp '%s' '%s/stacker' && "
		 "cp '%s' '%s/goattach' && chmod 755 '%s' '%s' && chmod -R a+rX '%s' && "
		 "setpriv --reuid=65534 --regid=65534 --clear-groups '%s/goattach' --db '%s/app.db' "
		 "--binary '%s/stacker' main.stacker",
		 db, sample_db("stacker"), db, sample_bin("stacker"), db, build_path("goattach"), db,
		 tmp_dir(), db, db, db, db, db);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 1, "refused");
	ASSERT_CONTAINS(r.err, "CAP_BPF", "names the capability");
	ASSERT_EQ(count_lines_with(r.err, "goattach:"), 1, "one line");
	cmd_result_free(&r);
}

/* How many file offsets the query on the funcs DB returns appear in bpftool's list. */
static int offsets_probed(const char *perf_list, const char *query)
{
	struct cmd_result q = {};
	char cmd[1024], *line, *save = NULL;
	int found = 0;

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", sample_db("funcs"), query);
	sh_run(cmd, 30, &q);
	for (line = strtok_r(q.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char want[64];

		snprintf(want, sizeof(want), "offset %s\n", line);
		found += strstr(perf_list, want) != NULL;
	}
	cmd_result_free(&q);
	return found;
}

#define RET_OFFSETS "SELECT f.file_offset + e.offset FROM exits e JOIN functions f " \
	"ON f.id = e.function_id WHERE f.name = 'main.classify'"
#define RUNTIME_OFFSETS "SELECT file_offset + entry_probe_offset FROM functions WHERE " \
	"name IN ('runtime.gopanic', 'runtime.Goexit') AND abi = 'ABIInternal'"
#define ALL_OFFSETS "SELECT file_offset + entry_probe_offset FROM functions WHERE " \
	"name IN ('main.classify', 'main.mixed') UNION SELECT f.file_offset + e.offset FROM exits e " \
	"JOIN functions f ON f.id = e.function_id WHERE f.name IN ('main.classify', 'main.mixed') " \
	"UNION " RUNTIME_OFFSETS

/*
 * The kernel's view of the attached probes (the link info of the
 * multi-uprobe link goattach holds): plain uprobes only, on exactly the
 * DB's entry and exit offsets.
 */
TEST(kernel_sees_plain_uprobes_only)
{
	struct bg_proc ga = {};
	struct held_uprobes h = {};
	const char *db = sample_db("funcs");
	char *args[] = { "--db", (char *)db, "main.classify", "main.mixed", NULL };
	char bin[4096];

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	if (!ASSERT_OK(held_uprobes_read(ga.pid, &h), "read goattach's links"))
		goto out_stop;
	ASSERT_EQ(h.nlinks, 1, "one multi-uprobe link");
	ASSERT_EQ(h.noffsets, 9, "1+4 probes of classify, 1+1 of mixed, runtime.gopanic and Goexit");
	ASSERT_FALSE(h.any_return, "no uretprobe");
	ASSERT_EQ(offsets_in(h.offsets, h.noffsets, db, ALL_OFFSETS), 9,
		  "each on an entry probe or exit offset of the DB");
	ASSERT_EQ(offsets_in(h.offsets, h.noffsets, db, RET_OFFSETS), 4,
		  "a uprobe on each RET offset of the DB");
	ASSERT_EQ(offsets_in(h.offsets, h.noffsets, db, RUNTIME_OFFSETS), 2,
		  "runtime.gopanic and runtime.Goexit, at their entry probes");
	if (realpath(sample_bin("funcs"), bin))
		ASSERT_STREQ(h.path, bin, "on the binary");
out_stop:
	stop_goattach(&ga);
out:
	held_uprobes_free(&h);
	bg_free(&ga);
}

/*
 * The fallback, one perf-event link per probe (forced by the test hook
 * GOATTACH_NO_MULTI=1): -v says why, and bpftool sees plain uprobes only,
 * on the DB's offsets.
 */
TEST(fallback_perf_links_plain_uprobes_only)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	char *args[] = { "-v", "--db", (char *)sample_db("funcs"), "main.classify", "main.mixed", NULL };
	char pidstr[32];
	bool started;

	REQUIRE_BPF();
	setenv("GOATTACH_NO_MULTI", "1", 1);
	started = start_goattach(&ga, args);
	unsetenv("GOATTACH_NO_MULTI");
	if (!ASSERT_TRUE(started, "start"))
		goto out;
	ASSERT_CONTAINS(ga.err, "one perf-event uprobe link per probe", "-v says which links");
	ASSERT_CONTAINS(ga.err, "GOATTACH_NO_MULTI is set", "and why");
	snprintf(pidstr, sizeof(pidstr), "pid %d ", ga.pid);
	sh_run("bpftool perf list", 30, &r);
	ASSERT_EQ(count_lines_with(r.out, pidstr), 9,
		  "1+4 probes of classify, 1+1 of mixed, runtime.gopanic and Goexit");
	ASSERT_EQ(count_lines_with(r.out, "uretprobe"), 0, "no uretprobe anywhere");
	ASSERT_EQ(offsets_probed(r.out, RET_OFFSETS), 4, "a uprobe on each RET offset of the DB");
	ASSERT_EQ(offsets_probed(r.out, RUNTIME_OFFSETS), 2,
		  "runtime.gopanic and runtime.Goexit, at their entry probes");
	stop_goattach(&ga);
	ASSERT_CONTAINS(ga.err, "goattach: detaching 7 probes...", "says it detaches");
out:
	cmd_result_free(&r);
	bg_free(&ga);
}
