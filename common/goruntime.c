// SPDX-License-Identifier: MIT
/* Go runtime layout facts and version gates (see goruntime.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "goruntime.h"
#include "log.h"
#include "util.h"

int go_version_parse(const char *v, int *major, int *minor)
{
	const char *p = v ? strstr(v, "go1.") : NULL;

	if (!p)
		return -EINVAL;
	*major = 1;
	*minor = atoi(p + 4);
	return 0;
}

int go_minor_of(const char *go_version, const char *pclntab_format)
{
	int major, minor;

	if (!go_version_parse(go_version, &major, &minor))
		return minor;
	if (!pclntab_format)
		return 0;
	/* No version: the table format still dates the toolchain. */
	return !strcmp(pclntab_format, "1.20") ? 20 : !strcmp(pclntab_format, "1.18") ? 18 :
	       !strcmp(pclntab_format, "1.16") ? 16 : 0;
}

enum ga_abi go_default_abi(enum ga_arch arch, const char *go_version, const char *pclntab_format)
{
	int minor = go_minor_of(go_version, pclntab_format);

	if (arch == GA_ARCH_AMD64 && minor >= 17)
		return GA_ABI_INTERNAL;
	if (arch == GA_ARCH_ARM64 && minor >= 18)
		return GA_ABI_INTERNAL;
	return GA_ABI0;
}

bool go_has_asm_flag(const char *go_version, const char *pclntab_format)
{
	int major, minor;

	if (!strcmp(pclntab_format, "1.20"))
		return true;
	return !strcmp(pclntab_format, "1.18") && !go_version_parse(go_version, &major, &minor) &&
	       minor >= 19;
}

bool go_has_arginfo(const char *go_version, const char *pclntab_format)
{
	int major, minor;

	/* a 1.18+ table says so by itself */
	return !strcmp(pclntab_format, "1.18") || !strcmp(pclntab_format, "1.20") ||
	       (!go_version_parse(go_version, &major, &minor) && minor >= 17);
}

int go_fixed_frame_size(enum ga_arch arch)
{
	return arch == GA_ARCH_ARM64 ? 8 : 0;
}

/* Is experiment in the comma-separated GOEXPERIMENT list (its "no" form: -1, absent: 0)? */
static int goexperiment_has(const char *list, const char *experiment)
{
	size_t len = strlen(experiment);
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && !strncmp(p, experiment, len))
			return 1;
		if (n == len + 2 && !strncmp(p, "no", 2) && !strncmp(p + 2, experiment, len))
			return -1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

bool go_generic_method_dict_after_receiver(const char *go_version, const char *pclntab_format,
					   const char *goexperiment)
{
	int minor = go_minor_of(go_version, pclntab_format);
	int unified = goexperiment_has(goexperiment, "unified");

	if (minor >= 21)
		return true;
	if (unified)
		return unified > 0;
	return minor >= 20;
}

bool go_amd64_loads_g_from_tls(const uint8_t *code, size_t size)
{
	static const uint8_t mov_tls_r14[] = { 0x64, 0x4c, 0x8b, 0x34, 0x25, 0xf8, 0xff, 0xff, 0xff };

	return size >= sizeof(mov_tls_r14) && !memcmp(code, mov_tls_r14, sizeof(mov_tls_r14));
}

int go_386_tls_g_off(const uint8_t *data, size_t size, int *off)
{
	size_t i;
	int seen = 0;

	for (i = 0; i + 13 <= size && seen < 16; i++) {
		const uint8_t *p = data + i;
		int reg, d;

		/* 65 8b /r with mod 00 rm 101: MOVL GS:disp32(0), r; then 8b /r off(r) */
		if (p[0] != 0x65 || p[1] != 0x8b || (p[2] & 0xc7) != 0x05 ||
		    p[3] || p[4] || p[5] || p[6] || p[7] != 0x8b)
			continue;
		reg = (p[2] >> 3) & 7;
		if ((p[8] & 7) != reg || reg == 4)
			continue;
		if ((p[8] >> 6) == 1)
			d = (int8_t)p[9];
		else if ((p[8] >> 6) == 2)
			memcpy(&d, p + 9, sizeof(d));
		else
			continue;
		if (seen && d != *off) {
			pr_warn("attach: 386 code reads g at both %d and %d from its TLS block; "
				"refusing to guess", *off, d);
			return -EINVAL;
		}
		*off = d;
		seen++;
	}
	return seen ? 0 : -ENOENT;
}

void go_g_layout(const struct ga_build *b, struct go_g_layout *out)
{
	int ps = ga_ptr_size(b->arch), goid = b->goid_offset;

	out->goid_off = goid > 0 ? goid : -1;
	/* stack{lo, hi}, stackguard0, stackguard1, _panic, _defer, m, sched{sp, ...} */
	out->stack_hi_off = b->g_stack_hi_offset > 0 ? b->g_stack_hi_offset : ps;
	out->sched_sp_off = b->g_sched_sp_offset > 0 ? b->g_sched_sp_offset : 7 * ps;
	/* atomicstatus uint32, stackLock uint32, goid: status is 8 bytes before goid */
	out->status_off = b->g_status_offset > 0 ? b->g_status_offset : goid > 8 ? goid - 8 : -1;
}

/*
 * Only rows checked against the DWARF of a binary of that version and
 * GOARCH: the samples and hello-world builds of each toolchain (Debian's
 * go 1.19.8, 1.21.13, 1.22.12, 1.23.5, 1.24.4, 1.26.10, 1.27.3). goid
 * moved with syscallbp (+1 word in 1.23, src-1.23/runtime/runtime2.go:440)
 * and gobuf.ret (-1 word in 1.25, src-1.25/runtime/runtime2.go:297).
 * 1.20 and 1.25 have no row: no binary of theirs was checked.
 */
static const struct {
	int minor;
	enum ga_arch arch;
	int offset;
	const char *source;
} goid_table[] = {
	{ 14, GA_ARCH_AMD64, 152, "table:go1.14 amd64 (DWARF of esbuild 0.5.26)" },
	{ 19, GA_ARCH_AMD64, 152, "table:go1.19 amd64 (DWARF of samples/stacker)" },
	{ 19, GA_ARCH_ARM64, 152, "table:go1.19 arm64 (DWARF of samples/stacker)" },
	{ 19, GA_ARCH_386, 80, "table:go1.19 386 (DWARF of samples/stacker)" },
	{ 21, GA_ARCH_AMD64, 152, "table:go1.21 amd64 (DWARF of go1.21.13 builds)" },
	{ 21, GA_ARCH_ARM64, 152, "table:go1.21 arm64 (DWARF of a go1.21.13 build)" },
	{ 21, GA_ARCH_386, 80, "table:go1.21 386 (DWARF of a go1.21.13 build)" },
	{ 22, GA_ARCH_AMD64, 152, "table:go1.22 amd64 (DWARF of go1.22.12 builds)" },
	{ 22, GA_ARCH_ARM64, 152, "table:go1.22 arm64 (DWARF of a go1.22.12 build)" },
	{ 22, GA_ARCH_386, 80, "table:go1.22 386 (DWARF of a go1.22.12 build)" },
	{ 23, GA_ARCH_AMD64, 160, "table:go1.23 amd64 (DWARF of go1.23.5 builds)" },
	{ 23, GA_ARCH_ARM64, 160, "table:go1.23 arm64 (DWARF of a go1.23.5 build)" },
	{ 23, GA_ARCH_386, 84, "table:go1.23 386 (DWARF of a go1.23.5 build)" },
	{ 24, GA_ARCH_AMD64, 160, "table:go1.24 amd64 (DWARF of go1.24.4 builds)" },
	{ 24, GA_ARCH_ARM64, 160, "table:go1.24 arm64 (DWARF of a go1.24.4 build)" },
	{ 24, GA_ARCH_386, 84, "table:go1.24 386 (DWARF of a go1.24.4 build)" },
	{ 26, GA_ARCH_AMD64, 152, "table:go1.26 amd64 (DWARF of go1.26.10 builds)" },
	{ 26, GA_ARCH_ARM64, 152, "table:go1.26 arm64 (DWARF of a go1.26.10 build)" },
	{ 26, GA_ARCH_386, 80, "table:go1.26 386 (DWARF of a go1.26.10 build)" },
	{ 27, GA_ARCH_AMD64, 152, "table:go1.27 amd64 (DWARF of go1.27.3 builds)" },
	{ 27, GA_ARCH_ARM64, 152, "table:go1.27 arm64 (DWARF of go1.27.3 builds)" },
	{ 27, GA_ARCH_386, 80, "table:go1.27 386 (DWARF of go1.27.3 builds)" },
};

int go_goid_offset_table(const char *go_version, enum ga_arch arch, int *off, const char **source)
{
	int major, minor;
	size_t i;

	if (go_version_parse(go_version, &major, &minor))
		return -ENOENT;
	for (i = 0; i < ARRAY_SIZE(goid_table); i++) {
		if (goid_table[i].minor == minor && goid_table[i].arch == arch) {
			*off = goid_table[i].offset;
			*source = goid_table[i].source;
			return 0;
		}
	}
	return -ENOENT;
}

void go_rtype_layout(const char *go_version, int ptr_size, struct go_rtype_layout *out)
{
	int major = 0, minor = 0;
	bool known = !go_version_parse(go_version, &major, &minor);

	out->tflag_off = 2 * ptr_size + 4;
	out->kind_off = 2 * ptr_size + 7;
	out->str_off = 4 * ptr_size + 8;
	out->min_size = out->str_off + 4;
	out->size = 4 * ptr_size + 16;
	out->itab_type_off = ptr_size;
	/* Go 1.17+ names: flags, varint length, bytes; before: flags, 2-byte big-endian length */
	out->name_varint = !known || minor >= 17;
	out->field_offset_embed = !known ? -1 : minor >= 9 && minor <= 18;
	if (known && minor <= 23)
		out->map_type_size = 4 * ptr_size + 8;
	else if (known && minor <= 26)
		out->map_type_size = 8 * ptr_size;
	else
		out->map_type_size = 11 * ptr_size;
}

/* The kind-specific part of t: its type struct's size in *base, trailing data in *add. */
static int rtype_kind_part(const struct go_rtype_layout *l, int ps, const uint8_t *t, uint64_t avail,
			   uint64_t *base, uint64_t *add)
{
	uint64_t n;
	int hdr = l->size;
	uint8_t kind;

	*add = 0;
	if (avail < (uint64_t)hdr + 4 * ps)
		return -EINVAL;
	kind = t[l->kind_off] & GO_KIND_MASK;
	switch (kind) {
	case GO_KIND_ARRAY:	/* Elem, Slice, Len */
		*base = hdr + 3 * ps;
		break;
	case GO_KIND_CHAN:	/* Elem, Dir */
		*base = hdr + 2 * ps;
		break;
	case GO_KIND_FUNC:	/* InCount, OutCount (top bit: variadic) uint16, padded; [in+out]*Type */
		*base = hdr + ps;
		n = ga_read_le(t + hdr, 2) + (ga_read_le(t + hdr + 2, 2) & GO_FUNC_OUTCOUNT_MASK);
		*add = n * ps;
		break;
	case GO_KIND_INTERFACE:	/* PkgPath, Methods []Imethod{Name, Typ int32} */
		*base = hdr + 4 * ps;
		*add = ga_read_le(t + hdr + 2 * ps, ps) * 8;
		break;
	case GO_KIND_MAP:
		*base = hdr + l->map_type_size;
		break;
	case GO_KIND_PTR:	/* Elem */
	case GO_KIND_SLICE:	/* Elem */
		*base = hdr + ps;
		break;
	case GO_KIND_STRUCT:	/* PkgPath, Fields []StructField{Name, Typ, Offset} */
		*base = hdr + 4 * ps;
		*add = ga_read_le(t + hdr + 2 * ps, ps) * 3 * ps;
		break;
	default:
		if (kind < 1 || kind > GO_KIND_UNSAFE_PTR)
			return -EINVAL;
		*base = hdr;	/* bool, numbers, string, unsafe.Pointer */
		break;
	}
	return 0;
}

int go_rtype_uncommon_off(const struct go_rtype_layout *l, int ptr_size, const uint8_t *t,
			  uint64_t avail, uint64_t *off)
{
	uint64_t add;
	int err = rtype_kind_part(l, ptr_size, t, avail, off, &add);

	return err ?: *off + GO_UNCOMMON_SIZE <= avail ? 0 : -EINVAL;
}

int go_rtype_descriptor_size(const struct go_rtype_layout *l, int ptr_size, const uint8_t *t,
			     uint64_t avail, uint64_t *size)
{
	uint64_t base, add;
	int err = rtype_kind_part(l, ptr_size, t, avail, &base, &add);

	if (err)
		return err;
	*size = base + add;
	if (t[l->tflag_off] & GO_TFLAG_UNCOMMON) {
		/* UncommonType: PkgPath int32, Mcount, Xcount uint16, Moff, _ uint32; Method: 4 int32 */
		if (avail < base + GO_UNCOMMON_SIZE)
			return -EINVAL;
		*size += GO_UNCOMMON_SIZE +
			 ga_read_le(t + base + GO_UNCOMMON_MCOUNT_OFF, 2) * GO_METHOD_SIZE;
	}
	return *size <= avail ? 0 : -EINVAL;
}

int go_name_header(const uint8_t *p, size_t avail, bool varint, size_t *hdr, uint64_t *len)
{
	unsigned int shift = 0;
	size_t i;

	*len = 0;
	if (!varint) {
		if (avail < 3)
			return -EINVAL;
		*len = (uint64_t)p[1] << 8 | p[2];
		*hdr = 3;
		return 0;
	}
	for (i = 1; i < 11 && i < avail; i++) {
		*len |= (uint64_t)(p[i] & 0x7f) << shift;
		shift += 7;
		if (!(p[i] & 0x80)) {
			*hdr = i + 1;
			return 0;
		}
	}
	return -EINVAL;
}

int go_map_layout(const char *go_version, const char *goexperiment, int ptr_size,
		  struct go_map_layout *out, const char **why)
{
	int major = 0, minor = 0, noswiss = goexperiment_has(goexperiment, "swissmap") < 0;

	memset(out, 0, sizeof(*out));
	if (!go_version || go_version_parse(go_version, &major, &minor) || major != 1 || minor < 12) {
		*why = "its Go version is unknown or older than 1.12";
		return -ENOTSUP;
	}
	out->slots = 8;
	out->max_inline = 128;
	out->ctrl_size = 8;
	if (minor <= 23 || (minor <= 25 && noswiss)) {
		out->kind = GO_MAP_BUCKETS;
		out->len_off = 0;
		out->len_size = ptr_size;
		out->flags_off = ptr_size;
		out->b_off = ptr_size + 1;
		/* noverflow uint16 at +2, hash0 uint32 at +4: the pointers at ptr_size + 8 */
		out->tab_off = ptr_size + 8;
		out->tab2_off = ptr_size + 8 + ptr_size;
		out->same_size_flag = 8;
		out->min_full = 5;
		out->evacuated_min = 2;
		return 0;
	}
	if (noswiss) {
		*why = "GOEXPERIMENT=noswissmap exists only in Go 1.24 and 1.25";
		return -ENOTSUP;
	}
	out->kind = goexperiment_has(goexperiment, "mapsplitgroup") > 0 ? GO_MAP_SWISS_SPLIT :
									   GO_MAP_SWISS;
	out->len_off = 0;
	out->len_size = 8;
	/* used uint64 (4-aligned on 386), seed uintptr: dirPtr at 8 + ptr_size */
	out->tab_off = 8 + ptr_size;
	out->tab2_off = 8 + 2 * ptr_size;
	/* used, capacity, growthLeft uint16, localDepth uint8, index int: groups at 2 * ptr_size */
	out->groups_off = ptr_size == 4 ? 12 : 16;
	out->mask_off = out->groups_off + ptr_size;
	return 0;
}
