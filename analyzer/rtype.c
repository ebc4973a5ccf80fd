// SPDX-License-Identifier: MIT
/*
 * Runtime type descriptors (internal/abi/type.go; runtime/type.go before
 * Go 1.21), read from the file: the reader shared by runtime.g's field
 * offsets here and the method types of rtypes.c. The linker keeps
 * runtime.g's descriptor in every binary, stripped or not, with its
 * fields' names and offsets. Layouts are in goruntime.h. Every address is
 * checked against the file's segments and [moduledata.types, etypes)
 * before it is read.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "log.h"
#include "rtype.h"

const uint8_t *rtype_desc(const struct rtype_reader *r, uint64_t t, uint64_t len)
{
	if (t < r->types || t >= r->etypes || len > r->etypes - t)
		return NULL;
	return elfimg__vaddr_ptr(r->bin, t, len);
}

int rtype_kind(const struct rtype_reader *r, const uint8_t *h)
{
	return h[r->l.kind_off] & GO_KIND_MASK;
}

const char *rtype_name_at(const struct rtype_reader *r, uint64_t addr, size_t *len)
{
	uint64_t avail, n;
	const uint8_t *p = elfimg__vaddr_ptr_avail(r->bin, addr, &avail);
	size_t hdr;

	if (!p || go_name_header(p, avail, r->l.name_varint, &hdr, &n) || n > avail - hdr)
		return NULL;
	*len = n;
	return (const char *)p + hdr;
}

const char *rtype_str(const struct rtype_reader *r, const uint8_t *h, size_t *len)
{
	int32_t str = (int32_t)ga_read_le(h + r->l.str_off, 4);
	const char *name;

	if (str <= 0 || (uint64_t)str >= r->etypes - r->types)
		return NULL;
	name = rtype_name_at(r, r->types + str, len);
	if (name && (h[r->l.tflag_off] & GO_TFLAG_EXTRA_STAR) && *len && name[0] == '*') {
		name++;
		(*len)--;
	}
	return name;
}

/* Is the type string of the descriptor h (min_size bytes) want? */
static bool rt_named(const struct rtype_reader *r, const uint8_t *h, const char *want)
{
	size_t len;
	const char *name = rtype_str(r, h, &len);

	return name && len == strlen(want) && !memcmp(name, want, len);
}

/* A pointer type named want at t? */
static bool rt_is_ptr_named(const struct rtype_reader *r, uint64_t t, const char *want)
{
	const uint8_t *h = rtype_desc(r, t, r->l.size + r->ps);

	return h && rtype_kind(r, h) == GO_KIND_PTR && rt_named(r, h, want);
}

/* Go 1.9-1.26: moduledata.typelinks, int32 offsets from types. */
static uint64_t find_in_typelinks(const struct rtype_reader *r, const struct pclntab *tab,
				  const char *want)
{
	const uint8_t *p = elfimg__vaddr_ptr(r->bin, tab->typelinks, tab->ntypelinks * 4);
	uint64_t i;

	for (i = 0; p && i < tab->ntypelinks; i++) {
		uint64_t t = r->types + (uint32_t)ga_read_le(p + 4 * i, 4);

		if (rt_is_ptr_named(r, t, want))
			return t;
	}
	return 0;
}

/*
 * Go 1.27+: the former typelinks are the descriptors laid end to end in
 * [types+ptrsize, types+typedesclen), each word-aligned; the runtime
 * walks them by DescriptorSize (src-1.27/runtime/type.go:508-545). When
 * the walk breaks (a kind this reader does not size), every aligned word
 * of the range is tried instead.
 */
static uint64_t find_in_typedescs(const struct rtype_reader *r, const struct pclntab *tab,
				  const char *want, const char *path)
{
	uint64_t end = r->types + tab->typedesclen, td = r->types + r->ps, size, avail;
	int ps = r->ps;

	while (td < end) {
		const uint8_t *h;

		td = (td + ps - 1) / ps * ps;
		h = elfimg__vaddr_ptr_avail(r->bin, td, &avail);
		if (!h || td >= r->etypes)
			break;
		if (avail > r->etypes - td)
			avail = r->etypes - td;
		if (go_rtype_descriptor_size(&r->l, ps, h, avail, &size))
			break;
		if (rt_is_ptr_named(r, td, want))
			return td;
		td += size;
	}
	if (td >= end)
		return 0;
	pr_info("rtype: the type descriptors of '%s' do not walk past 0x%llx; looking for %s at "
		"every word", path, (unsigned long long)td, want);
	for (td = (r->types + ps + ps - 1) / ps * ps; td + r->l.size <= end; td += ps)
		if (rt_is_ptr_named(r, td, want))
			return td;
	return 0;
}

/* The descriptor of *runtime.g among the typelinked types, 0 if not found. */
static uint64_t find_g_ptr(const struct rtype_reader *r, const struct pclntab *tab, const char *path)
{
	if (tab->typelinks)
		return find_in_typelinks(r, tab, "*runtime.g");
	if (tab->typedesclen)
		return find_in_typedescs(r, tab, "*runtime.g", path);
	return 0;
}

bool rtype_fields(const struct rtype_reader *r, uint64_t st, const uint8_t **fields, uint64_t *n,
		      uint64_t *size)
{
	const uint8_t *h = rtype_desc(r, st, r->l.size + 4 * r->ps);

	if (!h || rtype_kind(r, h) != GO_KIND_STRUCT)
		return false;
	*size = ga_read_le(h, r->ps);
	*n = ga_read_le(h + r->l.size + 2 * r->ps, r->ps);
	if (*n > 4096)
		return false;
	*fields = elfimg__vaddr_ptr(r->bin, ga_read_le(h + r->l.size + r->ps, r->ps), *n * 3 * r->ps);
	return *fields || !*n;
}

uint64_t rtype_field_off(const struct rtype_reader *r, const uint8_t *f, int embed)
{
	uint64_t raw = ga_read_le(f + 2 * r->ps, r->ps);

	return embed ? raw >> 1 : raw;
}

/*
 * Do the fields of st, read with offsets as embed says, lie in order
 * inside it without overlapping? Doubled offsets run past its end, halved
 * ones overlap.
 */
static bool rt_fields_fit(const struct rtype_reader *r, uint64_t st, int embed)
{
	uint64_t n, size, i, end = 0;
	const uint8_t *fields;

	if (!rtype_fields(r, st, &fields, &n, &size) || !n)
		return false;
	for (i = 0; i < n; i++) {
		const uint8_t *f = fields + i * 3 * r->ps;
		const uint8_t *ft = rtype_desc(r, ga_read_le(f + r->ps, r->ps), r->l.min_size);
		uint64_t off = rtype_field_off(r, f, embed), fsize = ft ? ga_read_le(ft, r->ps) : 0;

		if (!ft || off < end || off > size || fsize > size - off)
			return false;
		end = off + fsize;
	}
	return true;
}

/* The offset and leaf type of a member path ("stack.hi") of struct st; false if absent. */
static bool rt_member(const struct rtype_reader *r, uint64_t st, const char *path, uint64_t *off,
		      uint64_t *leaf)
{
	*off = 0;
	while (*path) {
		size_t want = strcspn(path, "."), len;
		uint64_t n, size, i;
		const uint8_t *fields;

		if (!rtype_fields(r, st, &fields, &n, &size))
			return false;
		for (i = 0; i < n; i++) {
			const uint8_t *f = fields + i * 3 * r->ps;
			const char *name = rtype_name_at(r, ga_read_le(f, r->ps), &len);

			if (name && len == want && !memcmp(name, path, len)) {
				*off += rtype_field_off(r, f, r->embed);
				st = ga_read_le(f + r->ps, r->ps);
				break;
			}
		}
		if (i == n)
			return false;
		path += want + (path[want] == '.');
	}
	*leaf = st;
	return true;
}

/*
 * Which offset encoding the fields of g hold together with: the
 * version's, else the other (Go 1.18 and unknown versions).
 */
static int pick_embed(struct rtype_reader *r, uint64_t g, const char *path)
{
	int first = r->l.field_offset_embed > 0;

	if (rt_fields_fit(r, g, first))
		return first;
	if (rt_fields_fit(r, g, !first)) {
		if (r->l.field_offset_embed >= 0)
			pr_info("rtype: runtime.g's field offsets in '%s' are %s, unlike its Go version's",
				path, first ? "plain" : "offset<<1 | embedded");
		return !first;
	}
	return -1;
}

int rtype_reader_init(struct rtype_reader *r, const struct elfimg *bin, const struct pclntab *tab,
		      const char *go_version)
{
	const char *path = elfimg__path(bin);
	uint64_t ptr, avail;
	const uint8_t *h;

	*r = (struct rtype_reader){
		.bin = bin, .ps = tab->ptr_size, .types = tab->types, .etypes = tab->etypes,
	};
	go_rtype_layout(go_version, r->ps, &r->l);
	r->embed = r->l.field_offset_embed > 0;
	if (!r->types || !r->etypes) {
		pr_info("rtype: no moduledata.types in '%s': no type descriptors", path);
		return -ENOENT;
	}
	/* every scan of [types, etypes) is then bounded by the file's size */
	if (r->etypes <= r->types || !elfimg__vaddr_ptr_avail(bin, r->types, &avail) ||
	    r->etypes - r->types > avail) {
		pr_info("rtype: moduledata.types [0x%" PRIx64 ", 0x%" PRIx64 ") of '%s' is not in the "
			"file: no type descriptors", r->types, r->etypes, path);
		return -ENOENT;
	}
	ptr = find_g_ptr(r, tab, path);
	if (!ptr && !go_version) {
		/* no version to tell the name encoding: try the other (2-byte lengths before 1.17) */
		r->l.name_varint = !r->l.name_varint;
		ptr = find_g_ptr(r, tab, path);
		if (!ptr)
			r->l.name_varint = !r->l.name_varint;
	}
	h = ptr ? rtype_desc(r, ptr, r->l.size + r->ps) : NULL;
	r->g = h ? ga_read_le(h + r->l.size, r->ps) : 0;	/* PtrType.Elem */
	h = r->g ? rtype_desc(r, r->g, r->l.size + 4 * r->ps) : NULL;
	if (!h || rtype_kind(r, h) != GO_KIND_STRUCT || !rt_named(r, h, "runtime.g")) {
		r->g = 0;
		return 0;
	}
	r->embed = pick_embed(r, r->g, path);
	if (r->embed < 0) {
		pr_info("rtype: the fields of runtime.g in '%s' do not fit in it", path);
		r->embed = r->l.field_offset_embed > 0;
		r->g = 0;
	}
	return 0;
}

int rtype_g_layout(const struct elfimg *bin, const struct pclntab *tab, const char *go_version,
		   struct go_g_layout *out)
{
	struct rtype_reader r;
	const char *path = elfimg__path(bin);
	const struct {
		const char *member;
		int *dst;
		int size;	/* of its type */
	} want[] = {
		{ GO_G_STACK_HI, &out->stack_hi_off, tab->ptr_size },
		{ GO_G_SCHED_SP, &out->sched_sp_off, tab->ptr_size },
		{ GO_G_GOID, &out->goid_off, 8 },
		{ GO_G_STATUS, &out->status_off, 4 },
	};
	size_t i;

	*out = (struct go_g_layout){ -1, -1, -1, -1 };
	if (rtype_reader_init(&r, bin, tab, go_version))
		return -ENOENT;
	if (!r.g) {
		pr_info("rtype: no type descriptor of runtime.g in '%s'", path);
		return -ENOENT;
	}
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const uint8_t *lt;
		uint64_t off, leaf;

		if (!rt_member(&r, r.g, want[i].member, &off, &leaf) ||
		    !(lt = rtype_desc(&r, leaf, r.l.min_size)) ||
		    ga_read_le(lt, r.ps) != (uint64_t)want[i].size || off > INT32_MAX) {
			pr_info("rtype: no runtime.g.%s of %d bytes in the type data of '%s'",
				want[i].member, want[i].size, path);
			continue;
		}
		*want[i].dst = off;
	}
	pr_debug("rtype: runtime.g at 0x%llx in '%s': stack.hi %d sched.sp %d goid %d atomicstatus %d",
		 (unsigned long long)r.g, path, out->stack_hi_off, out->sched_sp_off, out->goid_off,
		 out->status_off);
	return 0;
}
