// SPDX-License-Identifier: MIT
/* -c CMD: split, resolved via PATH, forked and held before exec (see command.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wordexp.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "command.h"
#include "log.h"

static bool is_executable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/* name via PATH as execvp(3) searches it (an empty entry is the current directory). */
static int resolve_path(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *end;

	if (strchr(name, '/')) {
		if (!is_executable(name)) {
			pr_warn("command: cannot run '%s': %s", name,
				access(name, F_OK) ? strerror(errno) : "not an executable file");
			return -ENOENT;
		}
		snprintf(out, len, "%s", name);
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = end + 1) {
		end = strchrnul(p, ':');
		if ((size_t)snprintf(out, len, "%.*s%s%s", (int)(end - p), p, end > p ? "/" : "",
				     name) < len && is_executable(out))
			return 0;
		if (!*end)
			break;
	}
	pr_warn("command: '%s' not found in PATH", name);
	return -ENOENT;
}

static int split_words(const char *cmd, wordexp_t *we)
{
	int err = wordexp(cmd, we, WRDE_NOCMD);

	if (!err && we->we_wordc)
		return 0;
	if (!err || err == WRDE_NOSPACE)
		wordfree(we);	/* no words, or the ones split before memory ran out */
	pr_warn("command: cannot split -c '%s' into words: %s", cmd,
		err == WRDE_BADCHAR ? "it has one of | & ; < > ( ) { } or a newline unquoted (no "
				      "shell runs it: use a script)" :
		err == WRDE_CMDSUB ? "no command substitution (no shell runs it: use a script)" :
		err == WRDE_SYNTAX ? "unbalanced quotes" :
		err == WRDE_NOSPACE ? "out of memory" : "it is empty");
	return -EINVAL;
}

/* The release byte: exec the path, or the file opened at start (see command__release). */
#define RELEASE_EXEC_PATH 1
#define RELEASE_EXEC_FD 2

/* The child: wait for the release byte, then become CMD; EOF means goattach gave up. */
static void __attribute__((noreturn)) child_run(int wait_fd, int exe_fd, const char *path,
						char **argv)
{
	char byte;
	ssize_t n;

	do
		n = read(wait_fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127);
	if (byte == RELEASE_EXEC_FD)
		fexecve(exe_fd, argv, environ);
	else
		execv(path, argv);
	/* stderr is goattach's: say it the way goattach would */
	dprintf(STDERR_FILENO, "goattach: command: cannot exec '%s': %s\n", path, strerror(errno));
	_exit(127);
}

int command__start(struct command *c, const char *cmd)
{
	wordexp_t we;
	int fds[2], err;

	c->pid = 0;
	c->release_fd = -1;
	c->exe_fd = -1;
	c->exited = false;
	err = split_words(cmd, &we);
	if (err)
		return err;
	err = resolve_path(we.we_wordv[0], c->path, sizeof(c->path));
	if (err)
		goto out_free_words;
	/*
	 * Before the fork: the child inherits it, to exec the very file
	 * goattach verifies. An executable it cannot read (mode 0111) is
	 * no binary to trace, but may be CMD when --binary names another.
	 */
	c->exe_fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (c->exe_fd < 0)
		pr_debug("command: cannot open '%s': %s", c->path, strerror(errno));
	/* a socket pair, not a pipe: a child already gone is EPIPE to send(), never SIGPIPE */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)) {
		err = -errno;
		pr_warn("command: cannot make a socket pair: %s", strerror(errno));
		goto out_close_exe;
	}
	fflush(NULL);	/* nothing buffered is written twice */
	c->pid = fork();
	if (c->pid < 0) {
		err = -errno;
		c->pid = 0;
		pr_warn("command: cannot fork: %s", strerror(-err));
		close(fds[0]);
		close(fds[1]);
		goto out_close_exe;
	}
	if (!c->pid) {
		close(fds[1]);
		child_run(fds[0], c->exe_fd, c->path, we.we_wordv);
	}
	close(fds[0]);
	c->release_fd = fds[1];
	pr_info("command: '%s' is pid %d, held until the probes are attached", c->path, c->pid);
	goto out_free_words;
out_close_exe:
	if (c->exe_fd >= 0)
		close(c->exe_fd);
	c->exe_fd = -1;
out_free_words:
	wordfree(&we);
	return err;
}

int command__release(struct command *c, bool exec_fd)
{
	char byte = exec_fd ? RELEASE_EXEC_FD : RELEASE_EXEC_PATH;
	int err = 0;

	if (c->release_fd < 0)
		return -EINVAL;
	if (send(c->release_fd, &byte, 1, MSG_NOSIGNAL) != 1) {
		err = -errno;
		pr_warn("command: cannot start pid %d: %s", c->pid, strerror(errno));
	}
	close(c->release_fd);
	c->release_fd = -1;
	return err;
}

bool command__exited(struct command *c)
{
	if (!c->exited && c->pid > 0 && waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->exited = true;
	return c->exited;
}

int command__wait(struct command *c)
{
	while (!c->exited && c->pid > 0) {
		if (waitpid(c->pid, &c->status, 0) == c->pid)
			c->exited = true;
		else if (errno != EINTR)
			return 1;
	}
	if (!c->exited)
		return 1;
	return WIFSIGNALED(c->status) ? 128 + WTERMSIG(c->status) : WEXITSTATUS(c->status);
}

/* The child's pid for the signal handler (set once, before it is installed). */
static volatile sig_atomic_t forward_pid;
static volatile sig_atomic_t forwarded;

static void forward_signal(int sig)
{
	if (forward_pid > 0)
		kill(forward_pid, forwarded++ ? SIGKILL : sig);
}

void command__forward_signals(const struct command *c)
{
	struct sigaction sa = { .sa_handler = forward_signal };

	forward_pid = c->pid;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void command__free(struct command *c)
{
	if (c->exe_fd >= 0) {
		close(c->exe_fd);
		c->exe_fd = -1;
	}
	if (c->pid > 0 && c->release_fd >= 0) {
		/* never released: EOF, and the child exits without exec */
		close(c->release_fd);
		c->release_fd = -1;
		command__wait(c);
	}
}
