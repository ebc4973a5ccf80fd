// SPDX-License-Identifier: MIT
/*
 * goattach and a binary swapped under it (renamed over between the hash
 * and the attach): the uprobes go on the file hashed and byte-checked
 * (through its descriptor, "/proc/self/fd/N"), never on the new file at
 * the old offsets. goattach says so in one line, and goes on only when
 * the traced process runs the file verified. The swap is made at a fixed
 * point by the test hook GOATTACH_DEBUG_STOP (goattach stops itself
 * there; the test renames, then sends SIGCONT).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include "attachlib.h"

TEST_SETUP(attach_setup);

/* Wait until process pid (our child) stops itself; false when it exits or 60 s pass. */
static bool wait_stopped(pid_t pid)
{
	int i, st;

	for (i = 0; i < 1200; i++) {
		pid_t got = waitpid(pid, &st, WNOHANG | WUNTRACED);

		if (got == pid && WIFSTOPPED(st))
			return true;
		if (got == pid || (got < 0 && errno != EINTR))
			return false;
		usleep(50 * 1000);
	}
	return false;
}

static unsigned long long inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (unsigned long long)st.st_ino;
}

/* A private copy of sample name at tmp_path(as) (static buffer rotation). */
static const char *copy_sample(const char *name, const char *as)
{
	char cmd[2048];
	struct cmd_result r = {};
	const char *dst = tmp_path(as);

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", sample_bin(name), dst);
	sh_run(cmd, 30, &r);
	ASSERT_EQ(r.status, 0, "copy the sample");
	cmd_result_free(&r);
	return dst;
}

/*
 * Start goattach (argv after the program) with GOATTACH_DEBUG_STOP=at and
 * wait for it to stop itself there.
 */
static bool start_stopped(struct bg_proc *ga, const char *at, char **args)
{
	char *argv[32] = { (char *)build_path("goattach") };
	bool stopped;
	int i, err;

	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	setenv("GOATTACH_DEBUG_STOP", at, 1);
	err = bg_start(ga, argv);
	unsetenv("GOATTACH_DEBUG_STOP");
	if (!ASSERT_OK(err, "start goattach"))
		return false;
	stopped = wait_stopped(ga->pid);
	if (!stopped) {
		bg_stop(ga, 0, 10);
		printf("  goattach did not stop at %s: %s\n", at, ga->err);
	}
	return ASSERT_TRUE(stopped, "goattach stopped itself");
}

/* Rename src over dst, as a deploy does, and let goattach go on. */
static void swap_and_continue(struct bg_proc *ga, const char *src, const char *dst)
{
	ASSERT_OK(rename(src, dst) ? -errno : 0, "rename the new binary over the old");
	kill(ga->pid, SIGCONT);
}

/* The program's own output, run from path: the new file, undisturbed. */
static void new_file_runs(const char *path)
{
	char *argv[] = { (char *)path, "left", "right", NULL };
	struct cmd_result r = {};

	cmd_run(argv, 30, &r);
	ASSERT_EQ(r.status, 0, "the new binary exits 0");
	ASSERT_STREQ(r.out, "right left\n", "and prints what it should (swapper)");
	cmd_result_free(&r);
}

/*
 * No swap: the uprobes go through /proc/self/fd/N, with one multi-uprobe
 * link and with a perf-event link per probe; the kernel resolved it to
 * the binary, and the calls are traced with their values.
 */
TEST(attach_through_fd)
{
	const char *bin = sample_bin("stacker");
	char *args[] = { "-v", "--db", (char *)sample_db("stacker"), "--binary", (char *)bin,
			 "main.stacker", NULL };
	char *run[] = { (char *)bin, "1000", NULL };
	char real[4096];
	int multi;

	REQUIRE_BPF();
	for (multi = 1; multi >= 0; multi--) {
		struct bg_proc ga = {};
		struct held_uprobes h = {};
		struct cmd_result r = {};
		bool started;

		if (!multi)
			setenv("GOATTACH_NO_MULTI", "1", 1);
		started = start_goattach(&ga, args);
		unsetenv("GOATTACH_NO_MULTI");
		if (!ASSERT_TRUE(started, multi ? "start (multi link)" : "start (perf links)"))
			goto next;
		ASSERT_CONTAINS(ga.err, "the uprobes go on '/proc/self/fd/", "-v: through the fd");
		ASSERT_CONTAINS(ga.err, multi ? "one multi-uprobe link" : "one perf-event uprobe link",
				"the links asked for");
		if (multi && ASSERT_OK(held_uprobes_read(ga.pid, &h), "read goattach's links") &&
		    realpath(bin, real))
			ASSERT_STREQ(h.path, real, "the kernel resolved the fd to the binary");
		cmd_run(run, 60, &r);
		ASSERT_EQ(r.status, 0, "stacker runs");
		stop_goattach(&ga);
		ASSERT_CONTAINS(ga.out, "main.stacker(count=1000) = (\"hello: 999000\")",
				"the call, its values");
next:
		cmd_result_free(&r);
		held_uprobes_free(&h);
		bg_free(&ga);
	}
}

/*
 * Replaced after the hash, before anything is attached: one line naming
 * both inodes, exit 1, nothing attached; the new file runs as it should.
 */
TEST(swap_after_verify_refused)
{
	const char *app = copy_sample("stacker", "app-refused");
	char appbuf[1024], newbuf[1024], want[160];
	char *args[] = { "--db", (char *)sample_db("stacker"), "--binary", appbuf, "main.stacker",
			 NULL };
	struct bg_proc ga = {};

	REQUIRE_BPF();
	snprintf(appbuf, sizeof(appbuf), "%s", app);
	snprintf(newbuf, sizeof(newbuf), "%s", copy_sample("swapper", "new-refused"));
	snprintf(want, sizeof(want), "(inode %llu, now %llu); nothing attached", inode_of(appbuf),
		 inode_of(newbuf));
	if (!start_stopped(&ga, "after-verify", args))
		goto out;
	swap_and_continue(&ga, newbuf, appbuf);
	ASSERT_OK(bg_stop(&ga, 0, 60), "goattach exits");
	ASSERT_EQ(ga.status, 1, "exit 1");
	ASSERT_CONTAINS(ga.err, "was replaced after it was verified", "says what happened");
	ASSERT_CONTAINS(ga.err, want, "naming both inodes");
	ASSERT_EQ(count_lines_with(ga.err, "replaced"), 1, "in one line");
	ASSERT_FALSE(strstr(ga.err, "Tracing"), "nothing attached");
	new_file_runs(appbuf);
out:
	bg_free(&ga);
}

/*
 * Replaced between the check and the attach: the probes went on the file
 * verified (its inode named), which nothing started from the path runs:
 * one line, detached, exit 1; the new file runs as it should.
 */
TEST(swap_while_attaching_detaches)
{
	const char *app = copy_sample("stacker", "app-detach");
	char appbuf[1024], newbuf[1024], want[160];
	char *args[] = { "--db", (char *)sample_db("stacker"), "--binary", appbuf, "main.stacker",
			 NULL };
	struct bg_proc ga = {};

	REQUIRE_BPF();
	snprintf(appbuf, sizeof(appbuf), "%s", app);
	snprintf(newbuf, sizeof(newbuf), "%s", copy_sample("swapper", "new-detach"));
	snprintf(want, sizeof(want), "(inode %llu, now %llu); the probes are on the file that was "
		 "verified", inode_of(appbuf), inode_of(newbuf));
	if (!start_stopped(&ga, "before-attach", args))
		goto out;
	swap_and_continue(&ga, newbuf, appbuf);
	ASSERT_OK(bg_stop(&ga, 0, 60), "goattach exits");
	ASSERT_EQ(ga.status, 1, "exit 1");
	ASSERT_CONTAINS(ga.err, "was replaced while attaching", "says what happened");
	ASSERT_CONTAINS(ga.err, want, "naming both inodes, the probes on the verified one");
	ASSERT_EQ(count_lines_with(ga.err, "replaced"), 1, "in one line");
	ASSERT_CONTAINS(ga.err, "goattach: detaching", "detached");
	ASSERT_FALSE(strstr(ga.err, "Tracing"), "not traced");
	new_file_runs(appbuf);
out:
	bg_free(&ga);
}

/*
 * -c: CMD execs the file goattach verified (through its descriptor), so
 * a swap while attaching leaves it traced, values right; the new file,
 * run from the path meanwhile, is not disturbed.
 */
TEST(swap_c_traces_verified)
{
	const char *app = copy_sample("stacker", "app-c");
	char appbuf[1024], newbuf[1024], cmd[1100];
	char *args[] = { "--db", (char *)sample_db("stacker"), "-c", cmd, "main.stacker", NULL };
	struct bg_proc ga = {};

	REQUIRE_BPF();
	snprintf(appbuf, sizeof(appbuf), "%s", app);
	snprintf(newbuf, sizeof(newbuf), "%s", copy_sample("swapper", "new-c"));
	snprintf(cmd, sizeof(cmd), "'%s' 1000", appbuf);
	if (!start_stopped(&ga, "before-attach", args))
		goto out;
	swap_and_continue(&ga, newbuf, appbuf);
	ASSERT_OK(bg_stop(&ga, 0, 60), "goattach exits with CMD");
	ASSERT_EQ(ga.status, 0, "CMD's exit status");
	ASSERT_CONTAINS(ga.err, "was replaced while attaching", "says what happened");
	ASSERT_CONTAINS(ga.err, "which -c's pid", "and that CMD runs the file verified");
	ASSERT_EQ(count_lines_with(ga.err, "replaced"), 1, "in one line");
	ASSERT_CONTAINS(ga.out, "hello: 999000\n", "CMD ran the file verified (stacker)");
	ASSERT_CONTAINS(ga.out, "main.stacker(count=1000) = (\"hello: 999000\")",
			"traced, its values right");
	new_file_runs(appbuf);
out:
	bg_free(&ga);
}

/*
 * --pid of a process running the file verified: traced on; the kernel's
 * link is on that file (unlinked now: "(deleted)"), not on the new one,
 * which runs as it should while the probes are attached. (The values of
 * a traced call are -c's test: here the call would race the attach.)
 */
TEST(swap_pid_traces_verified)
{
	const char *app = copy_sample("funcs", "app-pid");
	char appbuf[1024], newbuf[1024], pid[16], want[64];
	char *hang[] = { appbuf, "hang", "30000", NULL };
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "--pid", pid, "--binary", appbuf,
			 "main.waiter", NULL };
	struct bg_proc target = {}, ga = {};
	struct held_uprobes h = {};

	REQUIRE_BPF();
	snprintf(appbuf, sizeof(appbuf), "%s", app);
	snprintf(newbuf, sizeof(newbuf), "%s", copy_sample("swapper", "new-pid"));
	if (!ASSERT_OK(bg_start(&target, hang), "start the target") ||
	    !ASSERT_TRUE(bg_wait_stdout(&target, "waiting", 30), "target running"))
		goto out;
	snprintf(pid, sizeof(pid), "%d", target.pid);
	snprintf(want, sizeof(want), "which pid %d runs: tracing it", target.pid);
	if (!start_stopped(&ga, "before-attach", args))
		goto out;
	swap_and_continue(&ga, newbuf, appbuf);
	if (!ASSERT_TRUE(bg_wait_stderr(&ga, "Ctrl-C to stop.", 60), "goattach traces on"))
		goto out;
	ASSERT_CONTAINS(ga.err, "was replaced while attaching", "says what happened");
	ASSERT_CONTAINS(ga.err, want, "and that the process runs the file verified");
	if (ASSERT_OK(held_uprobes_read(ga.pid, &h), "read goattach's links")) {
		ASSERT_EQ(h.nlinks, 1, "one multi-uprobe link");
		ASSERT_CONTAINS(h.path, " (deleted)", "on the file renamed over, not the new one");
	}
	new_file_runs(appbuf);
	ASSERT_OK(bg_stop(&target, SIGTERM, 30), "the target stops");
	ASSERT_OK(bg_stop(&ga, 0, 30), "goattach exits when its process does");
	ASSERT_EQ(ga.status, 0, "exit status");
out:
	if (target.pid > 0)
		bg_stop(&target, SIGKILL, 10);
	if (ga.pid > 0)
		bg_stop(&ga, SIGKILL, 10);
	held_uprobes_free(&h);
	bg_free(&target);
	bg_free(&ga);
}
