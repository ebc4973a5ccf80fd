// SPDX-License-Identifier: MIT
/*
 * goattach --stack end to end: the call stack BPF takes at a call's entry
 * (frame pointers walked, return addresses named from the DB) equals the
 * one the traced Go program gets from runtime.Callers for that same call,
 * on the main goroutine and on another, in a PIE too; the calls the
 * compiler inlined shown as runtime.CallersFrames shows them (Go 1.19 and
 * 1.26 builds); the depth bound cuts it; a bad depth is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attachlib.h"
#include "goattach.h"

TEST_SETUP(attach_setup);

#define MAX_FRAMES 64

/*
 * The words the program printed for call n after what: "stack(N):
 * main.leaf main.handle ...", split in place into names (borrowed from a
 * copy the caller frees, *copy). Returns how many, or -1 when the line is
 * missing.
 */
static int program_line(const char *out, const char *what, int n, char **names, char **copy)
{
	char tag[32], *line, *eol, *tok, *save;
	int k = 0;

	*copy = NULL;
	snprintf(tag, sizeof(tag), "%s(%d):", what, n);
	line = out ? strstr(out, tag) : NULL;
	if (!line)
		return -1;
	*copy = strdup(line + strlen(tag));
	if (!*copy)
		return -1;
	eol = strchr(*copy, '\n');
	if (eol)
		*eol = '\0';
	for (tok = strtok_r(*copy, " ", &save); tok && k < MAX_FRAMES; tok = strtok_r(NULL, " ", &save))
		names[k++] = tok;
	return k;
}

/* The function names the program printed for call n ("stack(N): ..."), as program_line. */
static int program_stack(const char *out, int n, char **names, char **copy)
{
	return program_line(out, "stack", n, names, copy);
}

/* The call of func with argument n among calls; NULL if none. */
static cJSON *call_with_n(cJSON **calls, int ncalls, int n)
{
	int i;

	for (i = 0; i < ncalls; i++)
		if (num(calls[i], "args", "n") == n)
			return calls[i];
	return NULL;
}

/*
 * call's "stack" equals want[skip..] up to depth frames: the same names,
 * in order, as many as the program has (cut at depth). Asserts.
 */
static void check_stack(cJSON *call, char **want, int nwant, int skip, int depth, const char *what)
{
	cJSON *st = cJSON_GetObjectItem(call, "stack");
	int i, expect = nwant - skip < depth ? nwant - skip : depth;
	char msg[128];

	snprintf(msg, sizeof(msg), "%s: a stack array", what);
	if (!ASSERT_TRUE(cJSON_IsArray(st), msg))
		return;
	snprintf(msg, sizeof(msg), "%s: frames", what);
	ASSERT_EQ(cJSON_GetArraySize(st), expect, msg);
	for (i = 0; i < expect && i < cJSON_GetArraySize(st); i++) {
		snprintf(msg, sizeof(msg), "%s: frame %d", what, i);
		ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetArrayItem(st, i)), want[skip + i], msg);
	}
}

/*
 * main.leaf and its caller main.handle traced with --stack (default 8)
 * and --stack=3: each frame is the function runtime.Callers names, for a
 * chain on the main goroutine (down to runtime.goexit) and one on a
 * goroutine of its own (main.main.func4).
 */
TEST(stack_matches_runtime_callers)
{
	struct bg_proc ga = {}, ga3 = {};
	struct cmd_result r = {};
	cJSON *leafs[4], *handles[4], *leafs3[4];
	int nl = 0, nh = 0, nl3 = 0, k, i;
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "--stack", "main.leaf",
			 "main.handle", NULL };
	char *args3[] = { "--db", (char *)sample_db("funcs"), "--json", "--stack=3", "main.leaf", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "stack", "5", NULL };
	char *names[MAX_FRAMES], *copy = NULL;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start --stack") ||
	    !ASSERT_TRUE(start_goattach(&ga3, args3), "start --stack=3"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_EQ(r.status, 0, "program exit status");
	stop_goattach(&ga);
	stop_goattach(&ga3);
	nl = json_calls(ga.out, "main.leaf", leafs, 4);
	nh = json_calls(ga.out, "main.handle", handles, 4);
	nl3 = json_calls(ga3.out, "main.leaf", leafs3, 4);
	if (!ASSERT_EQ(nl, 2, "two calls of main.leaf") || !ASSERT_EQ(nh, 2, "two of main.handle") ||
	    !ASSERT_EQ(nl3, 2, "two of main.leaf with --stack=3"))
		goto out;
	for (i = 5; i <= 6; i++) {
		const char *where = i == 5 ? "main goroutine" : "own goroutine";
		char what[64];

		free(copy);
		k = program_stack(r.out, i, names, &copy);
		if (!ASSERT_GE(k, 4, "the program's stack line"))
			goto out;
		printf("  %s, the program: %s %s %s %s ... (%d frames)\n", where, names[0], names[1],
		       names[2], names[3], k);
		ASSERT_STREQ(names[0], "main.leaf", "the program's frame 0 is leaf itself");
		snprintf(what, sizeof(what), "main.leaf on the %s", where);
		check_stack(call_with_n(leafs, nl, i), names, k, 0, GA_DEF_STACK, what);
		snprintf(what, sizeof(what), "main.handle on the %s", where);
		check_stack(call_with_n(handles, nh, i), names, k, 1, GA_DEF_STACK, what);
		snprintf(what, sizeof(what), "--stack=3 on the %s", where);
		check_stack(call_with_n(leafs3, nl3, i), names, k, 0, 3, what);
	}
out:
	free(copy);
	free_calls(leafs, nl);
	free_calls(handles, nh);
	free_calls(leafs3, nl3);
	cmd_result_free(&r);
	bg_free(&ga);
	bg_free(&ga3);
}

/* Text output: the frames after the latency, " stack: f ← caller ← ..."; no field without --stack. */
TEST(stack_text_and_off)
{
	struct bg_proc ga = {}, off = {};
	struct cmd_result r = {};
	cJSON *calls[4];
	int n = 0;
	char *args[] = { "--db", (char *)sample_db("funcs"), "--stack=4", "main.leaf", NULL };
	char *noargs[] = { "--db", (char *)sample_db("funcs"), "--json", "main.leaf", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "stack", "7", NULL };
	char *names[MAX_FRAMES], *copy = NULL, want[512];
	int i, k;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start --stack=4") ||
	    !ASSERT_TRUE(start_goattach(&off, noargs), "start without --stack"))
		goto out;
	cmd_run(run, 60, &r);
	stop_goattach(&ga);
	stop_goattach(&off);
	ASSERT_CONTAINS(ga.out, "main.leaf(n=7) = (8) ", "the call line");
	for (i = 7; i <= 8; i++) {
		/* the program's first 4 frames, as goattach writes them at the end of the line */
		k = program_stack(r.out, i, names, &copy);
		if (!ASSERT_GE(k, 4, "the program's stack line"))
			goto out;
		snprintf(want, sizeof(want), " stack: %s ← %s ← %s ← %s\n", names[0], names[1],
			 names[2], names[3]);
		ASSERT_CONTAINS(ga.out, want, i == 7 ? "main goroutine, 4 frames" : "own goroutine, 4 frames");
		free(copy);
		copy = NULL;
	}
	n = json_calls(off.out, "main.leaf", calls, 4);
	if (!ASSERT_EQ(n, 2, "two calls without --stack"))
		goto out;
	ASSERT_TRUE(!cJSON_GetObjectItem(calls[0], "stack"), "no stack field without --stack");
out:
	free(copy);
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
	bg_free(&off);
}

/*
 * A PIE, loaded elsewhere than the addresses the DB holds: the entry
 * probe's own PC gives the offset. main.main calls main.stacker on the
 * main goroutine (samples/stacker/main.go), which runtime.main runs, the
 * goroutine started at runtime.goexit.
 */
TEST(stack_pie)
{
	static const char *const want[] = { "main.stacker", "main.main", "runtime.main", "runtime.goexit" };
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON *calls[4], *st;
	int n = 0, i;
	char *args[] = { "--db", (char *)sample_db("stacker-pie"), "--json", "--stack", "main.stacker", NULL };
	char *run[] = { (char *)sample_bin("stacker-pie"), "1000", NULL };
	char what[64];

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "hello: 999000\n", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.stacker", calls, 4);
	if (!ASSERT_EQ(n, 1, "one call"))
		goto out;
	st = cJSON_GetObjectItem(calls[0], "stack");
	if (!ASSERT_EQ(cJSON_GetArraySize(st), 4, "four frames"))
		goto out;
	for (i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "frame %d", i);
		ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetArrayItem(st, i)), want[i], what);
	}
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/*
 * Calls inlined into their callers (samples/inlined, built with inlining:
 * main.wrap into main.handle, both into main.serve; main.direct into
 * main.main): goattach's frames for main.leaf are the ones
 * runtime.CallersFrames gives the program for the same call, innermost
 * first, and a frame is inlined exactly where the program's Frame.Func is
 * nil ("inlined(N): 0 1 1 0 ..."): in JSON ("stack", "stack_inlined"), in
 * text (" (inlined)"), and --stack=2 counts the inlined frames. By Go 1.19
 * (an inline tree with parents) and 1.26 (parentPc only).
 */
static void check_inlined_bin(const char *rel)
{
	char path[1024], cmd[4096], what[128], want[1024];
	char *names[MAX_FRAMES], *inl[MAX_FRAMES], *ncopy = NULL, *icopy = NULL;
	struct cmd_result js = {}, txt = {};
	cJSON *calls[4];
	int ncalls = 0, n, k, ki, i;

	snprintf(path, sizeof(path), "%s/%s", build_dir(), rel);
	if (!ASSERT_EQ(access(path, X_OK), 0, "the sample is built (make build-tests)"))
		return;
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --json --stack -c '%s 5' main.leaf",
		 build_path("goattach"), bin_db(path), path);
	sh_run(cmd, 60, &js);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --stack -c '%s 5' main.leaf; "
		 "'%s' --db '%s' --stack=2 -c '%s 5' main.leaf", build_path("goattach"), bin_db(path),
		 path, build_path("goattach"), bin_db(path), path);
	sh_run(cmd, 60, &txt);
	snprintf(what, sizeof(what), "%s: goattach --json status", rel);
	ASSERT_EQ(js.status, 0, what);
	snprintf(what, sizeof(what), "%s: goattach text status", rel);
	ASSERT_EQ(txt.status, 0, what);
	ncalls = json_calls(js.out, "main.leaf", calls, 4);
	snprintf(what, sizeof(what), "%s: three calls of main.leaf", rel);
	if (!ASSERT_EQ(ncalls, 3, what))
		goto out;
	for (n = 5; n <= 7; n++) {
		cJSON *call = call_with_n(calls, ncalls, n), *flags;

		free(ncopy);
		free(icopy);
		k = program_line(js.out, "stack", n, names, &ncopy);
		ki = program_line(js.out, "inlined", n, inl, &icopy);
		snprintf(what, sizeof(what), "%s: the program's lines for %d", rel, n);
		if (!ASSERT_GE(k, 3, what) || !ASSERT_EQ(ki, k, what) || !ASSERT_TRUE(call, what))
			goto out;
		/* the sample does what it is for: its caller frame is inlined */
		snprintf(what, sizeof(what), "%s: %s inlined into its caller (-gcflags=-m)", rel, names[1]);
		ASSERT_STREQ(inl[1], "1", what);
		printf("  %s, call %d, the program: %s %s(inlined) %s ... (%d frames)\n", rel, n, names[0],
		       names[1], names[2], k);
		snprintf(what, sizeof(what), "%s: call %d", rel, n);
		check_stack(call, names, k, 0, GA_DEF_STACK, what);
		flags = cJSON_GetObjectItem(call, "stack_inlined");
		snprintf(what, sizeof(what), "%s: call %d: stack_inlined as long", rel, n);
		if (!ASSERT_EQ(cJSON_GetArraySize(flags), k < GA_DEF_STACK ? k : GA_DEF_STACK, what))
			goto out;
		for (i = 0; i < cJSON_GetArraySize(flags); i++) {
			snprintf(what, sizeof(what), "%s: call %d: frame %d (%s) inlined", rel, n, i, names[i]);
			ASSERT_EQ(cJSON_IsTrue(cJSON_GetArrayItem(flags, i)), !strcmp(inl[i], "1"), what);
		}
		/* text: " stack: main.leaf ← main.wrap (inlined) ← ...", the line's end */
		snprintf(want, sizeof(want), " stack:");
		for (i = 0; i < k && i < GA_DEF_STACK; i++)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s %s%s", i ? " ←" : "",
				 names[i], strcmp(inl[i], "1") ? "" : " (inlined)");
		strcat(want, "\n");
		snprintf(what, sizeof(what), "%s: call %d as text", rel, n);
		ASSERT_CONTAINS(txt.out, want, what);
		/* --stack=2: the function and the call inlined into its caller */
		snprintf(want, sizeof(want), "(n=%d) = (%d) ", n, n + 1);
		snprintf(what, sizeof(what), "%s: call %d with --stack=2", rel, n);
		ASSERT_CONTAINS(txt.out, want, what);
		snprintf(want, sizeof(want), " stack: %s ← %s (inlined)\n", names[0], names[1]);
		ASSERT_CONTAINS(txt.out, want, what);
	}
out:
	free(ncopy);
	free(icopy);
	free_calls(calls, ncalls);
	cmd_result_free(&js);
	cmd_result_free(&txt);
}

TEST(stack_inlined_frames)
{
	REQUIRE_BPF();
	check_inlined_bin("samples/inlined");
	check_inlined_bin("gomatrix/1.26/inlined");
}

/*
 * arm64 under qemu (scripts/vmtrace.sh, goattach cross-built by make
 * goattach-arm64): the frame record chain through X29, LR for the first
 * return address. main.main calls main.ints (samples/kinds/main.go),
 * runtime.main calls main.main. Go 1.19 does not fix arm64 frame pointers
 * when it copies a stack, and main.main's grew: the walk ends there,
 * before runtime.goexit.
 */
TEST(stack_arm64_vm)
{
	struct cmd_result r = {};
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "scripts/vmtrace.sh arm64 build-arm64/goattach '%s' '%s' --stack main.ints",
		 sample_db("kinds-arm64"), sample_bin("kinds-arm64"));
	sh_run(cmd, 900, &r);
	if (r.status == 2) {
		TEST_SKIP("no arm64 VM: %s", r.err ? r.err : "");
		goto out;
	}
	ASSERT_CONTAINS(r.out, "app exit 0", "the program ran to its end");
	ASSERT_CONTAINS(r.out, " stack: main.ints ← main.main ← runtime.main", "the frames up to the copy");
	ASSERT_CONTAINS(r.out, "0 events lost", "goattach's summary");
out:
	cmd_result_free(&r);
}

/* A depth of 0, above GA_MAX_STACK, or no number: refused before anything is attached. */
TEST(stack_depth_refused)
{
	static const char *const bad[] = { "0", "999", "33", "-1", "x", "" };
	struct cmd_result r = {};
	char cmd[4096], what[64];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --stack='%s' main.leaf", build_path("goattach"),
			 sample_db("funcs"), bad[i]);
		sh_run(cmd, 30, &r);
		snprintf(what, sizeof(what), "--stack=%s refused", bad[i]);
		ASSERT_EQ(r.status, 1, what);
		snprintf(what, sizeof(what), "--stack=%s: the message", bad[i]);
		ASSERT_CONTAINS(r.err, "invalid --stack", what);
		ASSERT_CONTAINS(r.err, "1 to 32", what);
		ASSERT_FALSE(r.err && strstr(r.err, "Tracing"), "nothing attached");
		cmd_result_free(&r);
	}
}
