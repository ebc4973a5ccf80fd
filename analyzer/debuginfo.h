/* SPDX-License-Identifier: MIT */
/*
 * Separate debug info: the DWARF of a binary that has none of its own,
 * found where gdb, perf and systemd look for it (GNU build id under the
 * debug directories, .gnu_debuglink, debuginfod).
 */
#pragma once

#include <stddef.h>

struct elfimg;
struct gdwarf;

/* Where distributions install debug files; gdb's default debug-file-directory. */
#define DEBUGINFO_DEFAULT_DIR "/usr/lib/debug"

struct debuginfo_query {
	const char *path;		/* the binary, absolute (debuglink names are next to it) */
	const struct elfimg *bin;	/* its image: the .gnu_debuglink section */
	const char *gnu_build_id;	/* lowercase hex; NULL or "" when it has none */
	const char *const *dirs;	/* debug directories; none: DEBUGINFO_DEFAULT_DIR */
	size_t ndirs;
};

struct debuginfo_found {
	const char *source;	/* "build-id", "debuglink" or "debuginfod" (static) */
	char *path;		/* the file DWARF is read from (debuginfod: its cache file); owned */
};

/*
 * The DWARF of q->bin from its separate debug file, best first: the build
 * id's DIR/.build-id/xx/yyyy.debug (same build id note), the debuglink's
 * file next to the binary, in its .debug/ and under each DIR (same CRC32),
 * then debuginfod by build id when DEBUGINFOD_URLS is set. One info line
 * says what was tried and why each candidate was taken or refused; a
 * damaged file is one warning naming it, and the next candidate is tried.
 * NULL with errno ENOENT when none is usable (not an error), ENOMEM.
 * On success found is filled; free its path with debuginfo_found_clear().
 */
struct gdwarf *debuginfo_open(const struct debuginfo_query *q, struct debuginfo_found *found);
void debuginfo_found_clear(struct debuginfo_found *found);
