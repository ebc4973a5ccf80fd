// SPDX-License-Identifier: MIT
/*
 * Separate debug info, looked for as gdb does (its "Separate Debug Files"
 * manual section): DIR/.build-id/xx/yyyy.debug for each debug directory,
 * then the .gnu_debuglink name in the binary's directory, its .debug/
 * and DIR/dirname(binary)/, then debuginfod (libdebuginfod, by build id,
 * when DEBUGINFOD_URLS is set; it reads its other DEBUGINFOD_* variables
 * itself). A candidate is taken only when it is the binary's (same build
 * id note, or the CRC32 the debuglink gives) and its DWARF opens.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elfutils/debuginfod.h>
#include <zlib.h>

#include "binid.h"
#include "debuginfo.h"
#include "dwarf.h"
#include "elfimg.h"
#include "log.h"
#include "util.h"

/* What one lookup tried, for its one info line. */
struct lookup {
	const struct debuginfo_query *q;
	struct stat bin_st;	/* the binary itself is never its own debug file */
	bool have_bin_st;
	FILE *tried;		/* "candidate: why taken or refused; ..." */
	char *tried_buf;
	size_t tried_len;
	size_t ntried;
};

static void tried_add(struct lookup *lk, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tried_add(struct lookup *lk, const char *fmt, ...)
{
	va_list ap;

	if (!lk->tried)
		return;
	if (lk->ntried++)
		fputs("; ", lk->tried);
	va_start(ap, fmt);
	vfprintf(lk->tried, fmt, ap);
	va_end(ap);
}

/* What a candidate must be, besides a file whose DWARF opens. */
struct want {
	const char *how;	/* "build-id", "debuglink", "debuginfod" */
	bool need_build_id;	/* build-id and debuginfod: the same build id note */
	bool check_crc;		/* debuglink: the CRC32 it gives */
	uint32_t crc;
};

/* zlib's crc32 of the whole file: the CRC gdb's gnu_debuglink_crc32 computes. */
static int file_crc32(const char *path, uint32_t *crc)
{
	size_t bufsz = 1 << 20;
	uLong c = crc32(0L, Z_NULL, 0);
	unsigned char *buf;
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(bufsz);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while ((n = read(fd, buf, bufsz)) > 0)
		c = crc32(c, buf, (uInt)n);
	if (n < 0)
		err = -errno;
	free(buf);
	close(fd);
	*crc = (uint32_t)c;
	return err;
}

/* True when the candidate is the binary's by its identity (build id, CRC); says why not. */
static bool candidate_is_ours(struct lookup *lk, const char *path, const struct want *w)
{
	const char *bid = lk->q->gnu_build_id;
	struct ga_binid id;
	uint32_t crc = 0;
	int err;

	err = binid_notes_from_file(path, &id);
	if (err) {
		tried_add(lk, "%s (%s): unreadable (%s)", path, w->how, strerror(-err));
		return false;
	}
	if (w->need_build_id && !id.gnu_build_id[0]) {
		tried_add(lk, "%s (%s): refused, no build id note", path, w->how);
		return false;
	}
	/* a debuglink target with another build id is another build's, whatever its CRC */
	if (bid && bid[0] && id.gnu_build_id[0] && strcmp(id.gnu_build_id, bid)) {
		tried_add(lk, "%s (%s): refused, build id %s", path, w->how, id.gnu_build_id);
		return false;
	}
	if (!w->check_crc)
		return true;
	err = file_crc32(path, &crc);
	if (err) {
		tried_add(lk, "%s (%s): unreadable (%s)", path, w->how, strerror(-err));
		return false;
	}
	if (crc != w->crc) {
		tried_add(lk, "%s (%s): refused, CRC 0x%08x, the debuglink says 0x%08x", path, w->how,
			  crc, w->crc);
		return false;
	}
	return true;
}

/* The DWARF of one candidate, or NULL after saying why not (ENOMEM in errno: give up). */
static struct gdwarf *try_candidate(struct lookup *lk, const char *path, const struct want *w)
{
	struct gdwarf *dw;
	struct stat st;

	if (stat(path, &st)) {
		tried_add(lk, "%s (%s): %s", path, w->how, errno == ENOENT ? "absent" : strerror(errno));
		errno = ENOENT;
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		tried_add(lk, "%s (%s): not a regular file", path, w->how);
		errno = ENOENT;
		return NULL;
	}
	if (lk->have_bin_st && st.st_dev == lk->bin_st.st_dev && st.st_ino == lk->bin_st.st_ino) {
		tried_add(lk, "%s (%s): the binary itself", path, w->how);
		errno = ENOENT;
		return NULL;
	}
	if (!candidate_is_ours(lk, path, w)) {
		errno = ENOENT;
		return NULL;
	}
	/* gdwarf__open names the file in its warning when the DWARF is damaged */
	dw = gdwarf__open(path);
	if (!dw) {
		int err = errno;

		tried_add(lk, "%s (%s): %s", path, w->how,
			  err == ENOENT ? "refused, no DWARF" : "refused, damaged DWARF");
		errno = err == ENOMEM ? ENOMEM : ENOENT;
		return NULL;
	}
	tried_add(lk, "%s (%s): taken", path, w->how);
	return dw;
}

/* A malloc'ed "a/b/c" of the parts (NULL parts skipped); NULL on ENOMEM. */
static char *path_join(const char *a, const char *b, const char *c)
{
	char *p = NULL;

	if (asprintf(&p, "%s%s%s%s%s", a, b ? "/" : "", b ? b : "", c ? "/" : "", c ? c : "") < 0)
		return NULL;
	return p;
}

static const char *const default_dirs[] = { DEBUGINFO_DEFAULT_DIR };

static const char *const *lookup_dirs(const struct debuginfo_query *q, size_t *n)
{
	if (q->ndirs) {
		*n = q->ndirs;
		return q->dirs;
	}
	*n = ARRAY_SIZE(default_dirs);
	return default_dirs;
}

/* DIR/.build-id/xx/yyyy.debug: the first two hex digits name the directory. */
static struct gdwarf *by_build_id(struct lookup *lk, struct debuginfo_found *found)
{
	const struct want w = { .how = "build-id", .need_build_id = true };
	const char *bid = lk->q->gnu_build_id;
	const char *const *dirs;
	size_t ndirs, i;

	if (!bid || strlen(bid) < 4) {
		tried_add(lk, "build-id: %s", bid && bid[0] ? "too short" : "no build id note");
		errno = ENOENT;
		return NULL;
	}
	dirs = lookup_dirs(lk->q, &ndirs);
	for (i = 0; i < ndirs; i++) {
		struct gdwarf *dw;
		char *path = NULL;

		if (asprintf(&path, "%s/.build-id/%.2s/%s.debug", dirs[i], bid, bid + 2) < 0) {
			errno = ENOMEM;
			return NULL;
		}
		dw = try_candidate(lk, path, &w);
		if (dw) {
			found->source = "build-id";
			found->path = path;
			return dw;
		}
		free(path);
		if (errno == ENOMEM)
			return NULL;
	}
	errno = ENOENT;
	return NULL;
}

/*
 * The .gnu_debuglink section: a file name, NUL, padding to 4 bytes, then
 * the file's CRC32 in the binary's byte order (little-endian: every
 * architecture goanalyze reads). 0, or -ENOENT when absent or malformed.
 */
static int debuglink_read(struct lookup *lk, char *name, size_t name_sz, uint32_t *crc)
{
	struct elfimg_section sec;
	size_t len, crc_off;

	if (elfimg__section(lk->q->bin, ".gnu_debuglink", &sec) || !sec.data) {
		tried_add(lk, "debuglink: no .gnu_debuglink section");
		return -ENOENT;
	}
	len = strnlen((const char *)sec.data, sec.size);
	crc_off = (len + 1 + 3) & ~(size_t)3;
	if (!len || len == sec.size || crc_off + 4 > sec.size || len >= name_sz ||
	    memchr(sec.data, '/', len)) {
		tried_add(lk, "debuglink: malformed .gnu_debuglink section (%llu bytes)",
			  (unsigned long long)sec.size);
		return -ENOENT;
	}
	memcpy(name, sec.data, len);
	name[len] = '\0';
	*crc = (uint32_t)ga_read_le(sec.data + crc_off, 4);
	return 0;
}

/* dirname(binary)/NAME, dirname(binary)/.debug/NAME, DIR/dirname(binary)/NAME for each DIR. */
static struct gdwarf *by_debuglink(struct lookup *lk, struct debuginfo_found *found)
{
	struct want w = { .how = "debuglink", .check_crc = true };
	char name[256], *dir, *slash, *path;
	const char *const *dirs;
	size_t ndirs, i, ncand;
	struct gdwarf *dw = NULL;
	int err = 0;

	if (debuglink_read(lk, name, sizeof(name), &w.crc)) {
		errno = ENOENT;
		return NULL;
	}
	dir = strdup(lk->q->path);
	if (!dir) {
		errno = ENOMEM;
		return NULL;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	dirs = lookup_dirs(lk->q, &ndirs);
	ncand = 2 + ndirs;
	for (i = 0; !dw && !err && i < ncand; i++) {
		if (i == 0)
			path = path_join(dir, name, NULL);
		else if (i == 1)
			path = path_join(dir, ".debug", name);
		else if (dir[0] == '/')
			path = path_join(dirs[i - 2], dir + 1, name);
		else
			continue;	/* a relative binary path names no place under DIR */
		if (!path) {
			err = ENOMEM;
			break;
		}
		dw = try_candidate(lk, path, &w);
		if (dw) {
			found->source = "debuglink";
			found->path = path;
			break;
		}
		free(path);
		if (errno == ENOMEM)
			err = ENOMEM;
	}
	free(dir);
	if (!dw)
		errno = err ?: ENOENT;
	return dw;
}

/* libdebuginfod by build id, into its cache (DEBUGINFOD_CACHE_PATH); only when asked for. */
static struct gdwarf *by_debuginfod(struct lookup *lk, struct debuginfo_found *found)
{
	const struct want w = { .how = "debuginfod", .need_build_id = true };
	const char *urls = getenv("DEBUGINFOD_URLS"), *bid = lk->q->gnu_build_id;
	debuginfod_client *client;
	struct gdwarf *dw;
	char *path = NULL;
	int fd;

	if (!urls || !urls[0]) {
		tried_add(lk, "debuginfod: DEBUGINFOD_URLS not set");
		errno = ENOENT;
		return NULL;
	}
	if (!bid || !bid[0]) {
		tried_add(lk, "debuginfod: no build id note to ask for");
		errno = ENOENT;
		return NULL;
	}
	client = debuginfod_begin();
	if (!client) {
		tried_add(lk, "debuginfod: no client (%s)", strerror(errno));
		errno = ENOENT;
		return NULL;
	}
	/* length 0: the id is a lowercase hex string */
	fd = debuginfod_find_debuginfo(client, (const unsigned char *)bid, 0, &path);
	debuginfod_end(client);
	if (fd < 0) {
		tried_add(lk, "debuginfod (%s): %s", urls, strerror(-fd));
		errno = ENOENT;
		return NULL;
	}
	close(fd);
	tried_add(lk, "debuginfod (%s): found", urls);
	dw = try_candidate(lk, path, &w);
	if (!dw) {
		free(path);
		return NULL;
	}
	found->source = "debuginfod";
	found->path = path;
	return dw;
}

struct gdwarf *debuginfo_open(const struct debuginfo_query *q, struct debuginfo_found *found)
{
	static struct gdwarf *(*const methods[])(struct lookup *, struct debuginfo_found *) = {
		by_build_id, by_debuglink, by_debuginfod,
	};
	struct lookup lk = { .q = q };
	struct gdwarf *dw = NULL;
	char *abs_path;
	size_t i;
	int err = ENOENT;

	memset(found, 0, sizeof(*found));
	lk.have_bin_st = !stat(q->path, &lk.bin_st);
	lk.tried = open_memstream(&lk.tried_buf, &lk.tried_len);
	for (i = 0; i < ARRAY_SIZE(methods); i++) {
		dw = methods[i](&lk, found);
		if (dw || errno == ENOMEM) {
			err = dw ? 0 : ENOMEM;
			break;
		}
	}
	if (lk.tried)
		fclose(lk.tried);
	pr_info("debuginfo: '%s' has no DWARF of its own; tried %s%s", q->path,
		lk.tried_buf ? lk.tried_buf : "?", dw ? "" : ": none found, going on without DWARF");
	free(lk.tried_buf);
	if (!dw) {
		errno = err;
		return NULL;
	}
	/* absolute, as the binary's own path is kept */
	abs_path = realpath(found->path, NULL);
	if (abs_path) {
		free(found->path);
		found->path = abs_path;
	}
	return dw;
}

void debuginfo_found_clear(struct debuginfo_found *found)
{
	if (!found)
		return;
	free(found->path);
	memset(found, 0, sizeof(*found));
}
