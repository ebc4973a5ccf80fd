// SPDX-License-Identifier: MIT
/* Messages of both programs: "prog: message", or {"error": ...} with --json (cJSON quotes it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "log.h"
#include "utf8.h"

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

/*
 * msg with each byte that is not valid UTF-8 as the text \xNN (Go's %q),
 * so that the JSON line is UTF-8 (cJSON copies bytes from 0x80 on as
 * they are); out has room for 4 bytes per byte of msg.
 */
static void utf8_or_hex(const char *msg, char *out, size_t room)
{
	size_t n = strlen(msg), i = 0, o = 0, len;

	while (i < n && o + 5 <= room) {
		len = utf8_seq_len(msg + i, n - i, NULL);
		if (len) {
			memcpy(out + o, msg + i, len);
			o += len;
			i += len;
		} else {
			o += snprintf(out + o, room - o, "\\x%02x", (unsigned char)msg[i++]);
		}
	}
	out[o] = '\0';
}

void ga_vlog(enum ga_log_level level, const char *fmt, va_list ap)
{
	char msg[4096];
	size_t len;

	if (level > log_level && !(log_level == GA_LOG_QUIET && level == GA_LOG_WARN))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_level == GA_LOG_QUIET)
		return;
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	if (log_json && level == GA_LOG_WARN) {
		char *text = malloc(4 * len + 5);
		cJSON *str = NULL;
		char *quoted;

		if (text) {
			utf8_or_hex(msg, text, 4 * len + 5);
			str = cJSON_CreateString(text);
			free(text);
		}
		quoted = str ? cJSON_PrintUnformatted(str) : NULL;
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
