// SPDX-License-Identifier: MIT
/* Messages of both programs: "prog: message", or {"error": ...} with --json (cJSON quotes it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

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
		cJSON *str = cJSON_CreateString(msg);
		char *quoted = str ? cJSON_PrintUnformatted(str) : NULL;

		cJSON_Delete(str);
		if (quoted) {
			fprintf(stderr, "{\"error\": %s}\n", quoted);
			free(quoted);
			return;
		}
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
