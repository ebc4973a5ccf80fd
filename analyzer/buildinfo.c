// SPDX-License-Identifier: MIT
/*
 * Layout from src/debug/buildinfo/buildinfo.go (Go 1.18+): a 32-byte
 * header "\xff Go buildinf:" + ptr size + flags + two pointers. With
 * flags & 2, varint-prefixed version and module-info strings follow the
 * header; before Go 1.18 the two pointers point at Go string headers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildinfo.h"
#include "log.h"

#define BUILDINFO_MAGIC "\xff Go buildinf:"
#define BUILDINFO_MAGIC_LEN 14
#define BUILDINFO_HDR_LEN 32
#define BUILDINFO_FLAG_INLINE 0x2

static char *dup_bytes(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Uvarint as in encoding/binary; returns bytes used or 0 on overflow/truncation. */
static size_t read_uvarint(const uint8_t *p, size_t avail, uint64_t *v)
{
	uint64_t x = 0;
	unsigned int shift = 0;
	size_t i;

	for (i = 0; i < avail && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << shift;
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
		shift += 7;
	}
	return 0;
}

static char *read_varint_string(const uint8_t **p, const uint8_t *end)
{
	uint64_t len;
	size_t n = read_uvarint(*p, end - *p, &len);
	char *s;

	if (!n || len > (uint64_t)(end - *p - n))
		return NULL;
	s = dup_bytes(*p + n, len);
	*p += n + len;
	return s;
}

/* A Go string header {data, len} at vaddr. */
static char *read_go_string(const struct gbin *bin, uint64_t hdr_vaddr)
{
	int ps = gbin__ptr_size(bin);
	const uint8_t *hdr = gbin__vaddr_ptr(bin, hdr_vaddr, 2 * ps), *str;
	uint64_t data, len;

	if (!hdr)
		return NULL;
	data = read_uint(hdr, ps);
	len = read_uint(hdr + ps, ps);
	if (len > 1 << 20)
		return NULL;
	str = gbin__vaddr_ptr(bin, data, len);
	return str ? dup_bytes(str, len) : NULL;
}

/* Module info is framed by 16-byte sentinels (cmd/go/internal/modload). */
static void unframe_mod_info(char *mod)
{
	size_t n = mod ? strlen(mod) : 0;

	if (n >= 33 && mod[n - 17] == '\n') {
		memmove(mod, mod + 16, n - 32);
		mod[n - 32] = '\0';
	} else if (mod) {
		mod[0] = '\0';
	}
}

static void parse_mod_info(struct ga_build *b)
{
	const char *line = b->mod_info;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);

		if (!strncmp(line, "mod\t", 4) && !b->module_path) {
			const char *tab = memchr(line + 4, '\t', len - 4);

			b->module_path = dup_bytes((const uint8_t *)line + 4,
						   (tab ? (size_t)(tab - line) : len) - 4);
		} else if (len == strlen("build\tCGO_ENABLED=1") &&
			   !strncmp(line, "build\tCGO_ENABLED=1", len)) {
			b->cgo = true;
		}
		line = eol ? eol + 1 : NULL;
	}
}

/*
 * Without section headers: the linker puts the blob first in the writable
 * data, 16-byte aligned; debug/buildinfo searches the first 64 KiB there.
 */
static bool scan_for_blob(const struct gbin *bin, const uint8_t **start, const uint8_t **end)
{
	size_t i, nseg = gbin__nsegments(bin);

	for (i = 0; i < nseg; i++) {
		struct gbin_segment seg;
		uint64_t off, lim;

		gbin__segment(bin, i, &seg);
		if (!seg.write)
			continue;
		lim = seg.filesz < 65536 ? seg.filesz : 65536;
		for (off = 0; off + BUILDINFO_HDR_LEN <= lim; off += 16) {
			if (!memcmp(seg.data + off, BUILDINFO_MAGIC, BUILDINFO_MAGIC_LEN)) {
				*start = seg.data + off;
				*end = seg.data + seg.filesz;
				return true;
			}
		}
	}
	return false;
}

int buildinfo_read(const struct gbin *bin, struct ga_build *b)
{
	struct gbin_section sec;
	const uint8_t *p = NULL, *end = NULL;
	uint64_t addr, size;
	int ps;

	if (!gbin__section(bin, ".go.buildinfo", &sec) && sec.data &&
	    sec.size >= BUILDINFO_HDR_LEN && !memcmp(sec.data, BUILDINFO_MAGIC, BUILDINFO_MAGIC_LEN)) {
		p = sec.data;
		end = sec.data + sec.size;
	} else if (!gbin__has_sections(bin)) {
		scan_for_blob(bin, &p, &end);
	}
	if (p) {
		ps = p[14];
		if (p[15] & BUILDINFO_FLAG_INLINE) {
			const uint8_t *q = p + BUILDINFO_HDR_LEN;

			b->go_version = read_varint_string(&q, end);
			b->mod_info = read_varint_string(&q, end);
		} else if (ps == 4 || ps == 8) {
			b->go_version = read_go_string(bin, read_uint(p + 16, ps));
			b->mod_info = read_go_string(bin, read_uint(p + 16 + ps, ps));
		}
		unframe_mod_info(b->mod_info);
		parse_mod_info(b);
	}
	/* Release binaries may lack build info; the runtime keeps its version. */
	if ((!b->go_version || !b->go_version[0]) &&
	    !gbin__symbol(bin, "runtime.buildVersion", &addr, &size)) {
		free(b->go_version);
		b->go_version = read_go_string(bin, addr);
	}
	if (!b->go_version || !b->go_version[0]) {
		free(b->go_version);
		b->go_version = NULL;
		return -ENOENT;
	}
	return 0;
}

int go_version_parse(const char *v, int *major, int *minor)
{
	const char *p = v ? strstr(v, "go1.") : NULL;

	if (!p)
		return -EINVAL;
	*major = 1;
	*minor = atoi(p + 4);
	return 0;
}
