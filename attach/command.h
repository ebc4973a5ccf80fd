/* SPDX-License-Identifier: MIT */
/*
 * -c CMD: the command goattach starts and traces from its first
 * instruction. It is forked before anything is attached and held before
 * exec until the probes are in place (its pid is the --pid filter, the
 * same before and after exec); goattach exits with its status.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct command {
	pid_t pid;		/* 0: none started */
	int release_fd;		/* our end of the socket pair the child waits on; -1 once released */
	int exe_fd;		/* path, opened before the fork (close-on-exec); -1 when unreadable */
	bool exited;		/* reaped: status is valid */
	int status;		/* as waitpid() gives it */
	char path[4096];	/* the executable CMD runs, resolved via PATH */
};

/*
 * Split cmd into words as a shell does (quotes, backslashes, $VAR, ~ and
 * globs; no pipes, redirections or command substitution), resolve the
 * first via PATH, and fork a child that waits for command__release()
 * before it execs them. 0, or -errno after one line saying why (nothing
 * is started then).
 */
int command__start(struct command *c, const char *cmd);
/*
 * Let the child exec CMD: with exec_fd (exe_fd >= 0), the file exe_fd opened at start
 * (fexecve: what goattach verified through it, even if path was replaced
 * since), else path as it is now (--binary: CMD may be a script).
 */
int command__release(struct command *c, bool exec_fd);
/* CMD has exited (reaps it, without waiting). */
bool command__exited(struct command *c);
/* Wait until CMD exits; its exit status, 128+N when killed by signal N. */
int command__wait(struct command *c);
/*
 * Pass SIGINT, SIGTERM and SIGHUP on to CMD (the first of them as it is,
 * any later one as SIGKILL), instead of stopping goattach: it stops when
 * CMD exits.
 */
void command__forward_signals(const struct command *c);
/* A child never released exits without running CMD; it is reaped. */
void command__free(struct command *c);
