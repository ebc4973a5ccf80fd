/* SPDX-License-Identifier: MIT */
/* Logging shared by goanalyze and goattach (libbpf-style pr_* macros). */
#pragma once

#include <stdbool.h>
#include <stdarg.h>

enum ga_log_level {
	GA_LOG_QUIET = -1,	/* nothing printed; warnings still formatted (the fuzz targets) */
	GA_LOG_WARN = 0,
	GA_LOG_INFO = 1,
	GA_LOG_DEBUG = 2,
};

/* Level set by -v (one -v: info, two: debug). Warnings always print. */
void ga_log_set_level(enum ga_log_level level);
enum ga_log_level ga_log_get_level(void);
/* With --json, errors go to stderr as {"error": "..."} instead of plain text. */
void ga_log_set_json(bool json);
/* Program name used as the message prefix ("goanalyze: ..."). */
void ga_log_set_prog(const char *prog);

void ga_log(enum ga_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ga_vlog(enum ga_log_level level, const char *fmt, va_list ap);

#define pr_warn(fmt, ...) ga_log(GA_LOG_WARN, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) ga_log(GA_LOG_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) ga_log(GA_LOG_DEBUG, fmt, ##__VA_ARGS__)

/* True when stderr is a terminal: progress output is shown only then. */
bool ga_log_stderr_is_tty(void);
