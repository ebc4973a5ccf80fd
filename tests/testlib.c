// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "test.h"

struct test_state test_state;

/* The one runner: fn_arg(arg) when given, else fn(). */
static enum test_result run_one(const char *name, void (*fn)(void), void (*fn_arg)(void *), void *arg)
{
	const char *only = getenv("TEST_ONLY");	/* a developer's filter: a substring of names */
	enum test_result res;

	if (only && *only && !strstr(name, only))
		return TEST_NOT_RUN;
	test_state.cur_name = name;
	test_state.cur_failed = false;
	test_state.cur_skipped = false;
	if (fn_arg)
		fn_arg(arg);
	else
		fn();
	if (test_state.cur_failed) {
		test_state.failed++;
		printf("FAIL %s\n", name);
		res = TEST_FAILED;
	} else if (test_state.cur_skipped) {
		test_state.skipped++;
		printf("SKIP %s\n", name);
		res = TEST_SKIPPED;
	} else {
		test_state.passed++;
		printf("ok   %s\n", name);
		res = TEST_PASSED;
	}
	fflush(stdout);
	return res;
}

void test_run(const char *name, void (*fn)(void))
{
	run_one(name, fn, NULL, NULL);
}

enum test_result test_run_arg(const char *name, void (*fn)(void *arg), void *arg)
{
	return run_one(name, NULL, fn, arg);
}

int test_summary(void)
{
	char cmd[512];
	struct cmd_result r;

	/* KEEP_TMP=1 keeps the suite's files for a look after a failure. */
	if (tmp_dir_made() && !getenv("KEEP_TMP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir());
		sh_run(cmd, 60, &r);
		cmd_result_free(&r);
	}
	fflush(stderr);
	if (test_state.skipped)
		printf("%d passed, %d failed, %d skipped\n", test_state.passed, test_state.failed,
		       test_state.skipped);
	else
		printf("%d passed, %d failed\n", test_state.passed, test_state.failed);
	fflush(stdout);
	return test_state.failed ? 1 : 0;
}

/* Filled by the constructors of TEST() and TEST_SETUP(), before main(). */
static struct test_def *registered_tests, *registered_setups;

void test_register(struct test_def *def)
{
	def->next = registered_tests;
	registered_tests = def;
}

void test_register_setup(struct test_def *def)
{
	def->next = registered_setups;
	registered_setups = def;
}

static int def_cmp(const void *a, const void *b)
{
	const struct test_def *x = *(const struct test_def *const *)a;
	const struct test_def *y = *(const struct test_def *const *)b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line - y->line;
}

/* The list's definitions in file order; NULL (and *n = 0) for none. */
static struct test_def **sorted_defs(struct test_def *list, size_t *n)
{
	struct test_def **defs, *d;
	size_t i = 0;

	*n = 0;
	for (d = list; d; d = d->next)
		(*n)++;
	if (!*n)
		return NULL;
	defs = calloc(*n, sizeof(*defs));
	if (!defs) {
		perror("calloc");
		exit(2);
	}
	for (d = list; d; d = d->next)
		defs[i++] = d;
	qsort(defs, *n, sizeof(*defs), def_cmp);
	return defs;
}

void test_run_all(void)
{
	struct test_def **defs;
	size_t n, i;

	defs = sorted_defs(registered_setups, &n);
	for (i = 0; i < n; i++) {
		/* a setup is no test: it is counted only when it fails */
		test_state.cur_name = defs[i]->name;
		test_state.cur_failed = false;
		defs[i]->fn();
		if (test_state.cur_failed) {
			test_state.failed++;
			printf("FAIL setup %s\n", defs[i]->name);
		}
	}
	free(defs);
	defs = sorted_defs(registered_tests, &n);
	for (i = 0; i < n; i++)
		test_run(defs[i]->name, defs[i]->fn);
	free(defs);
}

/*
 * No suite may reach a real debuginfod server: Debian's login shells set
 * DEBUGINFOD_URLS, and goanalyze would ask it for every stripped binary
 * with a build id (test_debuginfo sets its own, to its loopback server).
 */
__attribute__((constructor)) static void test_env(void)
{
	unsetenv("DEBUGINFOD_URLS");
	/*
	 * Suites started in the background by a shell without job control
	 * (nohup make test &) inherit SIGHUP, SIGINT and SIGQUIT ignored,
	 * and so would every program they start: a test that sends a
	 * program a signal would then test the shell, not the program.
	 */
	signal(SIGHUP, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
}

int test_main(void)
{
	test_run_all();
	return test_summary();
}

/* A suite that has no main() of its own (one with RUN_TEST() lists does) runs its TEST()s. */
__attribute__((weak)) int main(void)
{
	return test_main();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void append(char **buf, size_t *len, const char *data, size_t n)
{
	char *tmp = realloc(*buf, *len + n + 1);

	if (!tmp)
		return;
	memcpy(tmp + *len, data, n);
	*len += n;
	tmp[*len] = '\0';
	*buf = tmp;
}

/* Read what is available from the two pipes; returns false when both are closed. */
static bool pump(struct bg_proc *p, int timeout_ms)
{
	struct pollfd fds[2] = {
		{ .fd = p->out_fd, .events = POLLIN },
		{ .fd = p->err_fd, .events = POLLIN },
	};
	char buf[65536];
	int i;

	if (p->out_fd < 0 && p->err_fd < 0)
		return false;
	if (poll(fds, 2, timeout_ms) <= 0)
		return true;
	for (i = 0; i < 2; i++) {
		ssize_t n;

		if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fds[i].fd, buf, sizeof(buf));
		if (n <= 0) {
			close(fds[i].fd);
			if (i == 0)
				p->out_fd = -1;
			else
				p->err_fd = -1;
			continue;
		}
		if (i == 0)
			append(&p->out, &p->out_len, buf, n);
		else
			append(&p->err, &p->err_len, buf, n);
	}
	return true;
}

/*
 * The JSON capture: with $GOATTACH_TEST_JSON_DIR set (scripts/run-tests.sh
 * sets it for a run), the output of every command of goattach or
 * goanalyze that holds JSON (a line starting with '{' or '[') is kept
 * there, for test_schema to validate every line against schema/: NAME.cmd
 * (suite, test and command, one a line), NAME.out and NAME.err.
 */
static bool has_json_line(const char *s)
{
	/* not "[    0.123] ...": a kernel's console line, in a VM's output */
	for (; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (*s == '{' || (*s == '[' && s[1] != ' '))
			return true;
	return false;
}

static void write_capture(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
}

static void capture_json(const struct bg_proc *p)
{
	const char *dir = getenv("GOATTACH_TEST_JSON_DIR");
	static unsigned int seq;
	char base[4096], path[4200];
	FILE *f;

	if (!dir || !*dir || !p->cmd || (!strstr(p->cmd, "goattach") && !strstr(p->cmd, "goanalyze")))
		return;
	if (!has_json_line(p->out) && !has_json_line(p->err))
		return;
	snprintf(base, sizeof(base), "%s/%s.%d.%u", dir, program_invocation_short_name, (int)getpid(),
		 seq++);
	snprintf(path, sizeof(path), "%s.cmd", base);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "%s\n%s\n%s\n", program_invocation_short_name,
		test_state.cur_name ? test_state.cur_name : "?", p->cmd);
	fclose(f);
	snprintf(path, sizeof(path), "%s.out", base);
	write_capture(path, p->out ? p->out : "", p->out_len);
	snprintf(path, sizeof(path), "%s.err", base);
	write_capture(path, p->err ? p->err : "", p->err_len);
}

/* argv joined by spaces, or NULL when out of memory. */
static char *join_argv(char *const argv[])
{
	size_t len = 1, i;
	char *s;

	for (i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	for (i = 0; s && argv[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int bg_start(struct bg_proc *p, char *const argv[])
{
	int out[2], err[2];

	memset(p, 0, sizeof(*p));
	p->status = -1;
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return -errno;
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (p->pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		setpgid(0, 0);
		/*
		 * A path: execv, which never falls back to running the file
		 * as a shell script when the kernel refuses it (ENOEXEC: a
		 * 386 or arm64 program here), as execvp does.
		 */
		if (strchr(argv[0], '/'))
			execv(argv[0], argv);
		else
			execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	p->cmd = join_argv(argv);
	p->out_fd = out[0];
	p->err_fd = err[0];
	p->out = calloc(1, 1);
	p->err = calloc(1, 1);
	return 0;
}

bool bg_wait_stderr(struct bg_proc *p, const char *needle, int timeout_sec)
{
	double deadline = now() + timeout_sec;

	while (now() < deadline) {
		if (p->err && strstr(p->err, needle))
			return true;
		if (!pump(p, 100))
			break;
	}
	return p->err && strstr(p->err, needle);
}

bool bg_wait_stdout(struct bg_proc *p, const char *needle, int timeout_sec)
{
	double deadline = now() + timeout_sec;

	while (now() < deadline) {
		if (p->out && strstr(p->out, needle))
			return true;
		if (!pump(p, 100))
			break;
	}
	return p->out && strstr(p->out, needle);
}

static int reap(pid_t pid, int *status, double deadline)
{
	int st;

	while (now() < deadline) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid) {
			*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			return 0;
		}
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int bg_stop(struct bg_proc *p, int sig, int timeout_sec)
{
	double deadline = now() + timeout_sec;
	int st;

	if (p->pid <= 0)
		return 0;
	if (sig && waitpid(p->pid, &st, WNOHANG) == 0)
		kill(p->pid, sig);
	else if (sig == 0) {
		/* just wait */
	}
	while (pump(p, 50) && now() < deadline) {
		if (p->out_fd < 0 && p->err_fd < 0)
			break;
	}
	if (reap(p->pid, &p->status, deadline)) {
		kill(p->pid, SIGKILL);
		reap(p->pid, &p->status, now() + 5);
		p->pid = 0;
		return -ETIMEDOUT;
	}
	while (pump(p, 0))
		;
	p->pid = 0;
	capture_json(p);
	return 0;
}

void bg_free(struct bg_proc *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	free(p->out);
	free(p->err);
	free(p->cmd);
	memset(p, 0, sizeof(*p));
	p->out_fd = p->err_fd = -1;
}

int cmd_run(char *const argv[], int timeout_sec, struct cmd_result *res)
{
	struct bg_proc p;
	int err;

	memset(res, 0, sizeof(*res));
	err = bg_start(&p, argv);
	if (err)
		return err;
	err = bg_stop(&p, 0, timeout_sec);
	res->status = err ? -1 : p.status;
	res->out = p.out;
	res->err = p.err;
	p.out = p.err = NULL;
	bg_free(&p);
	return err;
}

int sh_run(const char *cmd, int timeout_sec, struct cmd_result *res)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };

	return cmd_run(argv, timeout_sec, res);
}

void cmd_result_free(struct cmd_result *res)
{
	free(res->out);
	free(res->err);
	memset(res, 0, sizeof(*res));
}

const char *build_dir(void)
{
	const char *o = getenv("O");

	return o && *o ? o : "build";
}

static char tmp_dir_buf[256];

bool tmp_dir_made(void)
{
	return tmp_dir_buf[0] != '\0';
}

const char *tmp_dir(void)
{
	char *dir = tmp_dir_buf;

	if (!dir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(dir, sizeof(tmp_dir_buf), "%s/goattach-test.XXXXXX",
			 base && *base ? base : "/tmp");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			exit(2);
		}
	}
	return dir;
}

static const char *rotate(const char *a, const char *b)
{
	static char bufs[8][1024];
	static int next;
	char *s = bufs[next++ % 8];

	snprintf(s, sizeof(bufs[0]), "%s/%s", a, b);
	return s;
}

const char *build_path(const char *rel)
{
	return rotate(build_dir(), rel);
}

const char *tmp_path(const char *rel)
{
	return rotate(tmp_dir(), rel);
}

int count_lines_with(const char *s, const char *needle)
{
	int n = 0;

	while (s && *s) {
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);

		if (memmem(s, len, needle, strlen(needle)))
			n++;
		s = eol ? eol + 1 : NULL;
	}
	return n;
}

const char *bpf_unavailable_reason(void)
{
	if (geteuid() != 0)
		return "not root: BPF and uprobes need root (or CAP_BPF + CAP_PERFMON)";
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return "kernel without BTF (/sys/kernel/btf/vmlinux missing)";
	if (access("/sys/bus/event_source/devices/uprobe/type", R_OK))
		return "kernel without uprobes (no uprobe PMU in /sys/bus/event_source/devices)";
	return NULL;
}

/* Load the one build of a DB and its functions. */
bool load_db(const char *db, struct gadb **gdb, struct ga_build *b, struct ga_func **funcs,
		    size_t *nf)
{
	struct ga_build *bs = NULL;
	size_t nb = 0, i;
	bool ok;

	*gdb = gadb__open(db);
	if (!ASSERT_TRUE(*gdb != NULL, "open db"))
		return false;
	ok = ASSERT_OK(gadb__list_builds(*gdb, &bs, &nb), "builds") && ASSERT_EQ(nb, 1, "one build");
	if (ok) {
		*b = bs[0];
		memset(&bs[0], 0, sizeof(bs[0]));
	}
	for (i = 0; i < nb; i++)
		ga_build_clear(&bs[i]);
	free(bs);
	return ok && ASSERT_OK(gadb__load_funcs(*gdb, b->db_id, NULL, 0, funcs, nf, NULL), "load");
}
