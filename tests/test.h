/* SPDX-License-Identifier: MIT */
/*
 * A tiny test harness in the style of the kernel's BPF selftests:
 * ASSERT_*() print the expression and both values on failure and return
 * false, so a test can 'goto out'. Each suite ends with one line
 * "N passed, N failed" (", N skipped" when any).
 *
 * A suite lists its tests by defining them: TEST(name) { ... } registers
 * test_name, and testlib.c's main() runs the suite's TEST_SETUP()
 * functions, then every test in the order of the file. A suite that
 * writes its own main() with RUN_TEST() still works.
 */
#pragma once

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

struct test_state {
	int passed, failed, skipped;
	bool cur_failed;
	bool cur_skipped;
	const char *cur_name;
};

extern struct test_state test_state;

#define TEST_FAIL_MSG(fmt, ...) do { \
	fprintf(stdout, "  %s:%d: %s: " fmt "\n", __FILE__, __LINE__, test_state.cur_name, \
		##__VA_ARGS__); \
	test_state.cur_failed = true; } while (0)

#define ASSERT_TRUE(cond, what) ({ \
	bool ___ok = (cond); \
	if (!___ok) TEST_FAIL_MSG("%s: unexpected false: %s", (what), #cond); \
	___ok; })

#define ASSERT_FALSE(cond, what) ASSERT_TRUE(!(cond), what)

#define ASSERT_EQ(got, want, what) ({ \
	long long ___g = (long long)(got), ___w = (long long)(want); \
	bool ___ok = ___g == ___w; \
	if (!___ok) TEST_FAIL_MSG("%s: %s = %lld, want %lld", (what), #got, ___g, ___w); \
	___ok; })

#define ASSERT_NEQ(got, notwant, what) ({ \
	long long ___g = (long long)(got), ___w = (long long)(notwant); \
	bool ___ok = ___g != ___w; \
	if (!___ok) TEST_FAIL_MSG("%s: %s = %lld, want anything else", (what), #got, ___g); \
	___ok; })

#define ASSERT_GE(got, min, what) ({ \
	long long ___g = (long long)(got), ___m = (long long)(min); \
	bool ___ok = ___g >= ___m; \
	if (!___ok) TEST_FAIL_MSG("%s: %s = %lld, want >= %lld", (what), #got, ___g, ___m); \
	___ok; })

#define ASSERT_STREQ(got, want, what) ({ \
	const char *___g = (got), *___w = (want); \
	bool ___ok = ___g && ___w && !strcmp(___g, ___w); \
	if (!___ok) TEST_FAIL_MSG("%s: %s = \"%s\", want \"%s\"", (what), #got, \
				  ___g ? ___g : "(null)", ___w ? ___w : "(null)"); \
	___ok; })

#define ASSERT_CONTAINS(hay, needle, what) ({ \
	const char *___h = (hay), *___n = (needle); \
	bool ___ok = ___h && ___n && strstr(___h, ___n); \
	if (!___ok) TEST_FAIL_MSG("%s: \"%s\" not found in: %.2000s", (what), ___n ? ___n : "", \
				  ___h ? ___h : "(null)"); \
	___ok; })

#define ASSERT_OK(err, what) ({ \
	long long ___e = (long long)(err); \
	bool ___ok = ___e == 0; \
	if (!___ok) TEST_FAIL_MSG("%s: %s = %lld, want 0", (what), #err, ___e); \
	___ok; })

#define TEST_SKIP(fmt, ...) do { \
	fprintf(stdout, "  SKIP %s: " fmt "\n", test_state.cur_name, ##__VA_ARGS__); \
	test_state.cur_skipped = true; } while (0)

#define RUN_TEST(fn) test_run(#fn, fn)

void test_run(const char *name, void (*fn)(void));

enum test_result { TEST_NOT_RUN, TEST_PASSED, TEST_FAILED, TEST_SKIPPED };

/*
 * Run fn(arg) as the test called name (TEST_ONLY applies): tests made at
 * run time, one per toolchain of the matrix.
 */
enum test_result test_run_arg(const char *name, void (*fn)(void *arg), void *arg);
/* Prints the closing line; returns the exit status for main(). */
int test_summary(void);

/* A test or a setup function, registered before main() by TEST() or TEST_SETUP(). */
struct test_def {
	const char *name;
	void (*fn)(void);
	const char *file;
	int line;		/* constructors run in no set order: tests run sorted by line */
	struct test_def *next;
};

void test_register(struct test_def *def);
void test_register_setup(struct test_def *def);

/*
 * TEST(stacker) { ... } defines the test test_stacker and registers it;
 * TEST_ONLY=stacker runs only the tests whose names contain "stacker".
 */
#define TEST(tname) \
	static void test_##tname(void); \
	static struct test_def ___test_def_##tname = { \
		.name = "test_" #tname, .fn = test_##tname, .file = __FILE__, .line = __LINE__ }; \
	__attribute__((constructor)) static void ___test_register_##tname(void) \
	{ \
		test_register(&___test_def_##tname); \
	} \
	static void test_##tname(void)

/* TEST_SETUP(fn): run fn once before the suite's tests (all of them, whatever TEST_ONLY says). */
#define TEST_SETUP(setup_fn) \
	static struct test_def ___test_setup_##setup_fn; \
	__attribute__((constructor)) static void ___test_register_setup_##setup_fn(void) \
	{ \
		test_register_setup(&___test_setup_##setup_fn); \
	} \
	static struct test_def ___test_setup_##setup_fn = { \
		.name = #setup_fn, .fn = setup_fn, .file = __FILE__, .line = __LINE__ }

/* Every setup function, then every registered test (honouring TEST_ONLY). */
void test_run_all(void);
/* test_run_all(), then the closing line; the default main() of a suite. */
int test_main(void);

/* --- helpers for end-to-end tests --- */

struct cmd_result {
	int status;		/* exit status, or 128 + signal */
	char *out;		/* captured stdout, NUL-terminated */
	char *err;		/* captured stderr */
};

/* Run argv (NULL-terminated) to completion, capturing output; timeout in seconds. */
int cmd_run(char *const argv[], int timeout_sec, struct cmd_result *res);
/* Like cmd_run with "sh -c CMD". */
int sh_run(const char *cmd, int timeout_sec, struct cmd_result *res);
void cmd_result_free(struct cmd_result *res);

/* A process running in the background with its output captured. */
struct bg_proc {
	pid_t pid;
	int out_fd, err_fd;
	char *out, *err;
	size_t out_len, err_len;
	int status;
	char *cmd;		/* argv joined by spaces, for the JSON capture (testlib.c) */
};

int bg_start(struct bg_proc *p, char *const argv[]);
/* Read output until stderr contains needle (true) or timeout/exit (false). */
bool bg_wait_stderr(struct bg_proc *p, const char *needle, int timeout_sec);
bool bg_wait_stdout(struct bg_proc *p, const char *needle, int timeout_sec);
/* Send sig (if still running), wait up to timeout_sec, collect all output. */
int bg_stop(struct bg_proc *p, int sig, int timeout_sec);
void bg_free(struct bg_proc *p);

/* Directories: $O (build dir), a fresh temp dir per suite. */
const char *build_dir(void);
const char *tmp_dir(void);
bool tmp_dir_made(void);
/* Path in the build dir / temp dir (static buffer rotation: use soon). */
const char *build_path(const char *rel);
const char *tmp_path(const char *rel);

struct gadb;
struct ga_build;
struct ga_func;
/* Open a DB holding one build, and load the build and all its functions (asserts). */
bool load_db(const char *db, struct gadb **gdb, struct ga_build *b, struct ga_func **funcs,
	     size_t *nf);

/* Count lines of s containing needle. */
int count_lines_with(const char *s, const char *needle);
/* Why BPF tests cannot run here, or NULL if they can. */
const char *bpf_unavailable_reason(void);
