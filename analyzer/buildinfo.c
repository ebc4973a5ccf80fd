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

static char *read_varint_string(const uint8_t **p, const uint8_t *end, size_t *out_len)
{
	uint64_t len;
	size_t n = read_uvarint(*p, end - *p, &len);
	char *s;

	if (!n || len > (uint64_t)(end - *p - n))
		return NULL;
	s = dup_bytes(*p + n, len);
	*p += n + len;
	if (out_len)
		*out_len = len;
	return s;
}

/* A Go string header {data, len} at vaddr. */
static char *read_go_string(const struct elfimg *bin, uint64_t hdr_vaddr, size_t *out_len)
{
	int ps = elfimg__ptr_size(bin);
	const uint8_t *hdr = elfimg__vaddr_ptr(bin, hdr_vaddr, 2 * ps), *str;
	uint64_t data, len;

	if (!hdr)
		return NULL;
	data = ga_read_le(hdr, ps);
	len = ga_read_le(hdr + ps, ps);
	if (len > 1 << 20)
		return NULL;
	str = elfimg__vaddr_ptr(bin, data, len);
	if (out_len)
		*out_len = len;
	return str ? dup_bytes(str, len) : NULL;
}

/*
 * Module info is framed by 16-byte binary sentinels (cmd/go/internal/
 * modload), which may hold NUL bytes: n is the length read, not strlen.
 */
static void unframe_mod_info(char *mod, size_t n)
{
	if (n >= 33 && mod[n - 17] == '\n') {
		memmove(mod, mod + 16, n - 32);
		mod[n - 32] = '\0';
	} else if (mod) {
		mod[0] = '\0';
	}
}

/* Split a line at tabs into at most max fields (copies). */
static size_t split_tabs(const char *line, size_t len, char **fields, size_t max)
{
	size_t n = 0, start = 0, i;

	for (i = 0; i <= len && n < max; i++) {
		if (i == len || line[i] == '\t') {
			fields[n++] = dup_bytes((const uint8_t *)line + start, i - start);
			start = i + 1;
		}
	}
	return n;
}

static int add_module(struct ga_build *b, char **f, size_t nf)
{
	struct ga_module *tmp = realloc(b->modules, (b->nmodules + 1) * sizeof(*tmp));

	if (!tmp)
		return -ENOMEM;
	b->modules = tmp;
	b->modules[b->nmodules++] = (struct ga_module){
		.kind = f[0], .path = nf > 1 ? f[1] : strdup(""),
		.version = nf > 2 ? f[2] : strdup(""), .sum = nf > 3 && f[3][0] ? f[3] : NULL,
	};
	if (nf > 3 && !f[3][0])
		free(f[3]);
	return 0;
}

static int add_setting(struct ga_build *b, const char *kv)
{
	const char *eq = strchr(kv, '=');
	struct ga_setting *tmp;

	if (!eq)
		return 0;
	tmp = realloc(b->settings, (b->nsettings + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	b->settings = tmp;
	b->settings[b->nsettings++] = (struct ga_setting){
		.key = dup_bytes((const uint8_t *)kv, eq - kv), .value = strdup(eq + 1),
	};
	if (!strcmp(b->settings[b->nsettings - 1].key, "CGO_ENABLED"))
		b->cgo = !strcmp(eq + 1, "1");
	else if (!strcmp(b->settings[b->nsettings - 1].key, "-trimpath"))
		b->trimpath = !strcmp(eq + 1, "true");
	else if (!strcmp(b->settings[b->nsettings - 1].key, "-race"))
		b->race = !strcmp(eq + 1, "true");
	return 0;
}

/* Lines of "path\t...", "mod\tPATH\tVERSION\tSUM", "dep\t...", "=>\t...", "build\tK=V". */
static void parse_mod_info(struct ga_build *b)
{
	const char *line = b->mod_info;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line), nf, i;
		char *f[4] = {};

		nf = split_tabs(line, len, f, 4);
		if (nf >= 2 && (!strcmp(f[0], "mod") || !strcmp(f[0], "dep") || !strcmp(f[0], "=>"))) {
			if (!strcmp(f[0], "mod") && !b->module_path)
				b->module_path = strdup(f[1]);
			if (!add_module(b, f, nf))
				nf = 0;	/* owned by the module now */
		} else if (nf >= 2 && !strcmp(f[0], "build")) {
			/* a setting's value may hold tabs: take the rest of the line */
			char *kv = dup_bytes((const uint8_t *)line + 6, len > 6 ? len - 6 : 0);

			if (kv)
				add_setting(b, kv);
			free(kv);
		}
		for (i = 0; i < nf; i++)
			free(f[i]);
		line = eol ? eol + 1 : NULL;
	}
}

/*
 * Without section headers: the linker puts the blob first in the writable
 * data, 16-byte aligned; debug/buildinfo searches the first 64 KiB there.
 */
static bool scan_for_blob(const struct elfimg *bin, const uint8_t **start, const uint8_t **end)
{
	size_t i, nseg = elfimg__nsegments(bin);

	for (i = 0; i < nseg; i++) {
		struct elfimg_segment seg;
		uint64_t off, lim;

		elfimg__segment(bin, i, &seg);
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

/* "go1.26.5", "go1.21rc2", "devel go1.23-abcdef ...", "go1.22.0 X:boringcrypto" */
static bool looks_like_go_version(const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (n >= 6 && !memcmp(p, "devel ", 6))
		i = 6;
	if (n - i < 5 || memcmp(p + i, "go1.", 4) || p[i + 4] < '0' || p[i + 4] > '9')
		return false;
	for (; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

/*
 * No build info and no symbols: runtime.buildVersion is still a Go string
 * header {ptr, len} in the writable data, pointing at the version text.
 */
static char *scan_for_version_string(const struct elfimg *bin)
{
	size_t i, nseg = elfimg__nsegments(bin);
	int ps = elfimg__ptr_size(bin);

	for (i = 0; i < nseg; i++) {
		struct elfimg_segment seg;
		uint64_t off;

		elfimg__segment(bin, i, &seg);
		if (!seg.write)
			continue;
		for (off = 0; off + 2 * ps <= seg.filesz; off += ps) {
			uint64_t ptr = ga_read_le(seg.data + off, ps), len = ga_read_le(seg.data + off + ps, ps);
			const uint8_t *str;

			if (len < 5 || len > 64 || ptr < 4096)
				continue;
			str = elfimg__vaddr_ptr(bin, ptr, len);
			if (str && looks_like_go_version(str, len))
				return dup_bytes(str, len);
		}
	}
	return NULL;
}

int buildinfo_read(const struct elfimg *bin, struct ga_build *b)
{
	struct elfimg_section sec;
	const uint8_t *p = NULL, *end = NULL;
	uint64_t addr, size;
	size_t mod_len = 0;
	int ps;

	if (!elfimg__section(bin, ".go.buildinfo", &sec) && sec.data &&
	    sec.size >= BUILDINFO_HDR_LEN && !memcmp(sec.data, BUILDINFO_MAGIC, BUILDINFO_MAGIC_LEN)) {
		p = sec.data;
		end = sec.data + sec.size;
	} else if (!elfimg__has_sections(bin)) {
		scan_for_blob(bin, &p, &end);
	}
	if (p) {
		ps = p[14];
		if (p[15] & BUILDINFO_FLAG_INLINE) {
			const uint8_t *q = p + BUILDINFO_HDR_LEN;

			b->go_version = read_varint_string(&q, end, NULL);
			b->mod_info = read_varint_string(&q, end, &mod_len);
		} else if (ps == 4 || ps == 8) {
			b->go_version = read_go_string(bin, ga_read_le(p + 16, ps), NULL);
			b->mod_info = read_go_string(bin, ga_read_le(p + 16 + ps, ps), &mod_len);
		}
		unframe_mod_info(b->mod_info, b->mod_info ? mod_len : 0);
		parse_mod_info(b);
	}
	/* Release binaries may lack build info; the runtime keeps its version. */
	if ((!b->go_version || !b->go_version[0]) &&
	    !elfimg__symbol(bin, "runtime.buildVersion", &addr, &size)) {
		free(b->go_version);
		b->go_version = read_go_string(bin, addr, NULL);
	}
	if (!b->go_version || !b->go_version[0]) {
		free(b->go_version);
		b->go_version = scan_for_version_string(bin);
		if (b->go_version)
			pr_info("buildinfo: no build info in '%s'; Go version %s from runtime.buildVersion",
				elfimg__path(bin), b->go_version);
	}
	return b->go_version ? 0 : -ENOENT;
}
