// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static enum ga_log_level log_level = GA_LOG_WARN;
static bool log_json;
static const char *log_prog = "goattach";

void ga_log_set_level(enum ga_log_level level)
{
	log_level = level;
}

enum ga_log_level ga_log_get_level(void)
{
	return log_level;
}

void ga_log_set_json(bool json)
{
	log_json = json;
}

void ga_log_set_prog(const char *prog)
{
	log_prog = prog;
}

bool ga_log_stderr_is_tty(void)
{
	return isatty(STDERR_FILENO);
}

static void print_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void ga_vlog(enum ga_log_level level, const char *fmt, va_list ap)
{
	char msg[4096];
	size_t len;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	if (log_json && level == GA_LOG_WARN) {
		fputs("{\"error\": ", stderr);
		print_json_string(stderr, msg);
		fputs("}\n", stderr);
		return;
	}
	fprintf(stderr, "%s: %s\n", log_prog, msg);
}

void ga_log(enum ga_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ga_vlog(level, fmt, ap);
	va_end(ap);
}
