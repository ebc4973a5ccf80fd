// SPDX-License-Identifier: MIT
/*
 * Method signatures from runtime type data (see rtypes.h), read with the
 * descriptor reader of rtype.c. What differs between Go releases, each
 * checked in that release's sources (runtime/type.go up to 1.20,
 * internal/abi/type.go from 1.21, whose abi.Type has the same layout as
 * runtime._type):
 *
 * - name: a flags byte, then the length as a varint since Go 1.17, two
 *   bytes big-endian before (go_rtype_layout's name_varint).
 * - nameOff and typeOff are offsets from moduledata.types, textOff from
 *   moduledata.text (runtime resolveNameOff, resolveTypeOff,
 *   (*moduledata).textAddr, the same in 1.19 and 1.27). Several text
 *   sections (textsectmap) exist only on arm, ppc64 and darwin/arm64 with
 *   external linking (cmd/link splitTextSections): never on the amd64,
 *   arm64 and 386 Linux builds we read, so text + off is the address.
 * - StructField.Offset is offset<<1 | embedded before Go 1.19
 *   (offsetAnon), the plain offset from 1.19 (rtype_reader's embed,
 *   checked on runtime.g's own fields).
 * - UncommonType {PkgPath, Mcount, Xcount, Moff, _} and Method {Name,
 *   Mtyp, Ifn, Tfn} are the same from 1.9 to 1.27; the UncommonType sits
 *   after the kind's type struct, whose size changed for maps only
 *   (go_rtype_layout's map_type_size).
 * - FuncType: InCount, OutCount uint16 (OutCount's top bit: variadic; the
 *   last argument is then already the slice), the in and out *Type after
 *   the struct and the UncommonType.
 * - Kind: the same numbers in every release, in the low 5 bits (flags
 *   above them up to 1.25); tflag bits Uncommon 1, ExtraStar 2.
 * - Type descriptors lie in [types, etypes) in every release, from 1.27
 *   end to end in [types+ptrsize, types+typedesclen).
 *
 * The descriptors are found by trying every word-aligned address of that
 * range: a type is taken only when it reads as a descriptor whose methods
 * each run a function of the function table, at its entry, named as the
 * method of that type ("pkg.T.M" or "pkg.(*T).M"): no lookup list holds
 * every named type (typelinks keeps only unnamed composite types).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "rtype.h"
#include "rtypes.h"
#include "typemap.h"
#include "util.h"

/* Types nest this deep at most; deeper means a cycle or a hostile file. */
#define RT_MAX_DEPTH 32
#define RT_MAX_PARAMS 64	/* arguments (and results) of one method we type */
#define RT_MAX_FIELDS 4096
#define RT_MAX_METHODS 4096
#define RT_NAME_MAX 512		/* longer type and method names are not matched */
/*
 * Totals over one binary, against a hostile file whose descriptors all
 * share one method table or one field list: real binaries have 10^3-10^5
 * of each (esbuild: 5600 methods, 4100 fields).
 */
#define RT_MAX_ENTRIES (1 << 22)	/* method entries: 96 MiB at most; past it an error */
#define RT_MAX_TOTAL_FIELDS (1 << 22)	/* struct fields of the types read: 128 MiB; past it unread */

/* One function entry a method runs, with its receiver and func type. */
struct rt_entry {
	uint64_t entry;
	uint64_t recv;		/* the receiver's descriptor; | 1: a pointer to it */
	uint64_t mtyp;		/* its FuncType descriptor, 0: ambiguous (dropped) */
};

struct rtype_methods {
	struct rtype_reader r;
	const struct pclntab *tab;
	uint64_t text;
	struct rt_entry *ents;
	size_t nents, ents_cap;
	struct typemap types;	/* by descriptor address (| 1: the pointer to it) */
	size_t nfields_total;	/* struct fields of every type read, up to RT_MAX_TOTAL_FIELDS */
	bool fields_cut;	/* the warning of that bound said */
	struct rtype_methods_stats st;
	char arg_names[RT_MAX_PARAMS][8];
	char res_names[RT_MAX_PARAMS][8];
};

/*
 * The cache's mark of a descriptor that did not read, or is being read:
 * each address is read once, and a struct that holds itself (a hostile
 * file: Go needs a pointer for that) ends at once.
 */
static const struct gotype rt_unreadable;
#define RT_UNREADABLE ((struct gotype *)&rt_unreadable)

/* A cached type, not the cache's marks */
static void type_free(struct gotype *t)
{
	if (!(t == RT_UNREADABLE))
		gotype_free(t);
}

void rtype_methods__free(struct rtype_methods *m)
{
	if (!m)
		return;
	typemap_clear(&m->types, type_free);
	free(m->ents);
	free(m);
}

void rtype_methods__stats(const struct rtype_methods *m, struct rtype_methods_stats *st)
{
	*st = m->st;
}

/* --- type cache --- */

static struct gotype *cache_get(const struct rtype_methods *m, uint64_t key)
{
	return typemap_get(&m->types, key);
}

/* Cache t (or RT_UNREADABLE) for key, replacing what it had. */
static int cache_put(struct rtype_methods *m, uint64_t key, struct gotype *t)
{
	return typemap_put(&m->types, key, t);
}

/* --- descriptors to gotype trees --- */

static struct gotype *rt_type(struct rtype_methods *m, uint64_t addr, int depth);

/* A word of the descriptor h (avail bytes from its start) at off, false when short. */
static bool rt_word(const struct rtype_reader *r, const uint8_t *h, uint64_t avail, uint64_t off,
		    uint64_t *v)
{
	if (off + r->ps > avail)
		return false;
	*v = ga_read_le(h + off, r->ps);
	return true;
}

/*
 * Is the StructField at f embedded? Up to Go 1.18 the low bit of its
 * Offset (offsetAnon); from 1.19 bit 3 of its name's flags byte
 * (src-1.19/runtime/type.go name.isEmbedded, internal/abi Name.IsEmbedded).
 */
static bool rt_field_embedded(const struct rtype_reader *r, const uint8_t *f)
{
	const uint8_t *name;

	if (r->embed)
		return ga_read_le(f + 2 * r->ps, r->ps) & 1;
	name = rtype_desc(r, ga_read_le(f, r->ps), 1);
	return name && (name[0] & GO_NAME_EMBEDDED);
}

static int rt_struct_fields(struct rtype_methods *m, uint64_t addr, struct gotype *t, int depth)
{
	const struct rtype_reader *r = &m->r;
	const uint8_t *fields;
	uint64_t n, size, i;

	if (!rtype_fields(r, addr, &fields, &n, &size) || n > RT_MAX_FIELDS)
		return -EINVAL;
	if (n > RT_MAX_TOTAL_FIELDS - m->nfields_total) {
		if (!m->fields_cut)
			pr_warn("rtypes: the types of '%s' hold more than %d struct fields: the rest "
				"are not read", elfimg__path(r->bin), RT_MAX_TOTAL_FIELDS);
		m->fields_cut = true;
		return -EINVAL;
	}
	m->nfields_total += n;
	t->fields = calloc(n ? n : 1, sizeof(*t->fields));
	if (!t->fields)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const uint8_t *f = fields + i * 3 * r->ps;
		uint64_t off = rtype_field_off(r, f, r->embed);
		struct gotype *ft = rt_type(m, ga_read_le(f + r->ps, r->ps), depth + 1);
		const char *name;
		size_t len;

		if (!ft || off > size || ft->size > size - off)
			return -EINVAL;
		name = rtype_name_at(r, ga_read_le(f, r->ps), &len);
		t->fields[i] = (struct gofield){
			.name = name ? strndup(name, len) : strdup("_"), .offset = off, .type = ft,
			.embedded = rt_field_embedded(r, f),
		};
		t->nfields = i + 1;
		if (!t->fields[i].name)
			return -ENOMEM;
	}
	return 0;
}

/*
 * The kind of the descriptor h (avail bytes) as goattach decodes it,
 * with what it points at or holds; -EINVAL when its size does not fit
 * the kind.
 */
static int rt_kind_of(struct rtype_methods *m, uint64_t addr, const uint8_t *h, uint64_t avail,
		      struct gotype *t, int depth)
{
	const struct rtype_reader *r = &m->r;
	uint64_t ps = r->ps, hdr = r->l.size, w, len;
	int kind = rtype_kind(r, h);

	switch (kind) {
	case GO_KIND_BOOL:
		t->kind = GA_KIND_BOOL;
		return t->size == 1 ? 0 : -EINVAL;
	case GO_KIND_INT ... GO_KIND_INT64:
	case GO_KIND_UINT ... GO_KIND_UINTPTR:
		t->kind = kind <= GO_KIND_INT64 ? GA_KIND_INT : GA_KIND_UINT;
		t->is_signed = kind <= GO_KIND_INT64;
		return t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8 ? 0 : -EINVAL;
	case GO_KIND_FLOAT32:
	case GO_KIND_FLOAT64:
		t->kind = GA_KIND_FLOAT;
		return t->size == (kind == GO_KIND_FLOAT32 ? 4u : 8u) ? 0 : -EINVAL;
	case GO_KIND_COMPLEX64:
	case GO_KIND_COMPLEX128:
		t->kind = GA_KIND_COMPLEX;
		return t->size == (kind == GO_KIND_COMPLEX64 ? 8u : 16u) ? 0 : -EINVAL;
	case GO_KIND_ARRAY:	/* Elem, Slice, Len */
		if (!rt_word(r, h, avail, hdr, &w) || !rt_word(r, h, avail, hdr + 2 * ps, &len))
			return -EINVAL;
		t->kind = GA_KIND_ARRAY;
		t->count = len;
		t->elem = rt_type(m, w, depth + 1);
		if (!t->elem || (t->elem->size && len > t->size / t->elem->size) ||
		    t->elem->size * len != t->size)
			return -EINVAL;
		return 0;
	/*
	 * PtrType, ChanType and SliceType {Type; Elem}, MapType {Type; Key;
	 * Elem; ...}: the same first words in 1.9-1.27. Resolved only when
	 * asked (cycles).
	 */
	case GO_KIND_PTR:
		if (!rt_word(r, h, avail, hdr, &w))
			return -EINVAL;
		t->pointee_off = w;
		t->ptr_kind = GO_PTR_PLAIN;
		t->kind = GA_KIND_PTR;
		return t->size == ps ? 0 : -EINVAL;
	case GO_KIND_CHAN:
		if (!rt_word(r, h, avail, hdr, &w))
			return -EINVAL;
		t->elem_ref = w;
		t->ptr_kind = GO_PTR_CHAN;
		t->kind = GA_KIND_PTR;
		return t->size == ps ? 0 : -EINVAL;
	case GO_KIND_MAP:
		if (!rt_word(r, h, avail, hdr, &t->key_ref) ||
		    !rt_word(r, h, avail, hdr + ps, &t->elem_ref))
			return -EINVAL;
		t->ptr_kind = GO_PTR_MAP;
		t->kind = GA_KIND_PTR;
		return t->size == ps ? 0 : -EINVAL;
	case GO_KIND_FUNC:
	case GO_KIND_UNSAFE_PTR:
		t->ptr_kind = kind == GO_KIND_FUNC ? GO_PTR_FUNC : GO_PTR_UNSAFE;
		t->kind = GA_KIND_PTR;
		return t->size == ps ? 0 : -EINVAL;
	case GO_KIND_INTERFACE:	/* PkgPath, Methods []Imethod: none is the empty interface */
		if (!rt_word(r, h, avail, hdr + 2 * ps, &len))
			return -EINVAL;
		t->kind = len ? GA_KIND_IFACE : GA_KIND_EFACE;
		return t->size == 2 * ps ? 0 : -EINVAL;
	case GO_KIND_SLICE:
		if (!rt_word(r, h, avail, hdr, &t->elem_ref))
			return -EINVAL;
		t->kind = GA_KIND_SLICE;
		return t->size == 3 * ps ? 0 : -EINVAL;
	case GO_KIND_STRING:
		t->kind = GA_KIND_STRING;
		return t->size == 2 * ps ? 0 : -EINVAL;
	case GO_KIND_STRUCT:
		t->kind = GA_KIND_STRUCT;
		return rt_struct_fields(m, addr, t, depth);
	default:
		return -EINVAL;
	}
}

/*
 * The name of the type at addr as Go's DWARF spells it: a defined type
 * with its package path ("internal/reflectlite.rtype", where the type
 * string has the package name), pointers, slices and arrays of them
 * spelled around it; other types by their type string. Only names are
 * followed, never fields: a pointer to a struct holding it ends at the
 * struct's name.
 */
static void rt_name(const struct rtype_reader *r, uint64_t addr, char *buf, size_t len, int depth)
{
	const uint8_t *h = rtype_desc(r, addr, r->l.size);
	uint64_t avail = addr < r->etypes ? r->etypes - addr : 0, uoff, elem, n;
	const char *str, *pkg = NULL, *dot;
	size_t slen, plen = 0;
	char sub[RT_NAME_MAX];
	int kind;

	str = h ? rtype_str(r, h, &slen) : NULL;
	if (!str || depth > RT_MAX_DEPTH) {
		snprintf(buf, len, "?");
		return;
	}
	kind = rtype_kind(r, h);
	h = rtype_desc(r, addr, avail);
	if ((h[r->l.tflag_off] & GO_TFLAG_NAMED) && (h[r->l.tflag_off] & GO_TFLAG_UNCOMMON) &&
	    !go_rtype_uncommon_off(&r->l, r->ps, h, avail, &uoff)) {
		int32_t off = ga_read_le(h + uoff, 4);	/* UncommonType.PkgPath */

		if (off > 0 && (uint64_t)off < r->etypes - r->types)
			pkg = rtype_name_at(r, r->types + off, &plen);
	}
	dot = memchr(str, '.', slen);
	if (pkg && plen && dot && !memchr(str, '[', dot - str)) {
		snprintf(buf, len, "%.*s.%.*s", (int)plen, pkg, (int)(slen - (dot + 1 - str)), dot + 1);
		return;
	}
	if (!(h[r->l.tflag_off] & GO_TFLAG_NAMED) &&
	    (kind == GO_KIND_PTR || kind == GO_KIND_SLICE || kind == GO_KIND_ARRAY) &&
	    (uint64_t)r->l.size + 3 * r->ps <= avail) {
		elem = ga_read_le(h + r->l.size, r->ps);
		n = ga_read_le(h + r->l.size + 2 * r->ps, r->ps);	/* ArrayType.Len */
		rt_name(r, elem, sub, sizeof(sub), depth + 1);
		if (kind == GO_KIND_ARRAY)
			snprintf(buf, len, "[%llu]%.*s", (unsigned long long)n, RT_NAME_MAX - 24, sub);
		else
			snprintf(buf, len, "%s%.*s", kind == GO_KIND_PTR ? "*" : "[]", RT_NAME_MAX - 3,
				 sub);
		return;
	}
	snprintf(buf, len, "%.*s", (int)slen, str);
}

static struct gotype *rt_type(struct rtype_methods *m, uint64_t addr, int depth)
{
	const struct rtype_reader *r = &m->r;
	struct gotype *t = cache_get(m, addr);
	char name[RT_NAME_MAX];
	const uint8_t *h;
	uint64_t avail;

	if (t)
		return t == RT_UNREADABLE ? NULL : t;
	if (depth > RT_MAX_DEPTH || addr % r->ps || !(h = rtype_desc(r, addr, r->l.size)) ||
	    cache_put(m, addr, RT_UNREADABLE))
		return NULL;
	avail = r->etypes - addr;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->size = ga_read_le(h, r->ps);
	rt_name(r, addr, name, sizeof(name), 0);
	t->name = strdup(name);
	h = rtype_desc(r, addr, avail);
	if (!t->name || !h || rt_kind_of(m, addr, h, avail, t, depth) || cache_put(m, addr, t)) {
		type_free(t);
		return NULL;
	}
	return t;
}

/* *T for the descriptor of T at addr, the receiver of T's methods called through an interface. */
static struct gotype *rt_ptr_to(struct rtype_methods *m, uint64_t addr)
{
	struct gotype *t = cache_get(m, addr | 1), *elem;

	if (t)
		return t == RT_UNREADABLE ? NULL : t;
	elem = rt_type(m, addr, 0);
	t = elem ? calloc(1, sizeof(*t)) : NULL;
	if (!t)
		return NULL;
	*t = (struct gotype){
		.kind = GA_KIND_PTR, .size = m->r.ps, .pointee_off = addr, .ptr_kind = GO_PTR_PLAIN,
	};
	t->name = malloc(strlen(elem->name) + 2);
	if (t->name)
		sprintf(t->name, "*%s", elem->name);
	if (!t->name || cache_put(m, addr | 1, t)) {
		type_free(t);
		return NULL;
	}
	return t;
}

const struct gotype *rtype_methods__type_at(struct rtype_methods *m, uint64_t addr)
{
	return addr ? rt_type(m, addr, 0) : NULL;
}

/* --- the methods of every descriptor --- */

/*
 * Does the function named fname run method mname of the type whose string
 * is tstr? 1: as "pkg.T.M" (receiver T), 2: as "pkg.(*T).M" (receiver *T,
 * or T itself when T is the pointer), 0: neither. Type arguments are
 * compared as "[...]": the function table may elide them.
 */
static int method_form(const char *fname, const char *tstr, size_t tlen, const char *mname,
		       size_t mlen)
{
	char local[RT_NAME_MAX], want[2 * RT_NAME_MAX], fn[2 * RT_NAME_MAX];
	const char *dot;
	bool star = tlen && tstr[0] == '*';
	size_t flen, wlen;
	int form;

	if (star) {
		tstr++;
		tlen--;
	}
	dot = memchr(tstr, '.', tlen);
	if (!dot || tlen >= RT_NAME_MAX || mlen >= RT_NAME_MAX)
		return 0;
	snprintf(want, sizeof(want), "%.*s", (int)(tlen - (dot + 1 - tstr)), dot + 1);
	ga_elide_type_args(want, local, sizeof(local));
	ga_elide_type_args(fname, fn, sizeof(fn));
	flen = strlen(fn);
	for (form = 2; form >= 1; form--) {
		if (form == 1 && star)
			break;
		snprintf(want, sizeof(want), form == 1 ? ".%s.%.*s" : ".(*%s).%.*s", local, (int)mlen,
			 mname);
		wlen = strlen(want);
		if (flen > wlen && !strcmp(fn + flen - wlen, want))
			return form;
	}
	return 0;
}

static int add_entry(struct rtype_methods *m, uint64_t entry, uint64_t recv, uint64_t mtyp)
{
	if (m->nents >= RT_MAX_ENTRIES) {
		pr_warn("rtypes: the type data of '%s' lists more than %d methods: no Go binary's",
			elfimg__path(m->r.bin), RT_MAX_ENTRIES);
		return -E2BIG;
	}
	if (ga_ensure_mem((void **)&m->ents, &m->ents_cap, m->nents + 1, sizeof(*m->ents)))
		return -ENOMEM;
	m->ents[m->nents++] = (struct rt_entry){ .entry = entry, .recv = recv, .mtyp = mtyp };
	return 0;
}

/* The function of the table whose entry is text + off, NULL for none (-1: dropped). */
static const struct pcln_func *rt_text_func(const struct rtype_methods *m, int32_t off)
{
	const struct pcln_func *f;
	uint64_t addr = m->text + (uint32_t)off;

	if (off == -1 || !m->text)
		return NULL;
	f = pclntab__func_at(m->tab, addr);
	return f && f->entry == addr ? f : NULL;
}

/*
 * The methods of the candidate descriptor t: each whose code is a
 * function named as the method, with its func type, an entry. A method
 * whose code is no such function means t is no descriptor (or its
 * methods were dropped): none of it is taken.
 */
static int scan_methods(struct rtype_methods *m, uint64_t t)
{
	const struct rtype_reader *r = &m->r;
	const uint8_t *h = rtype_desc(r, t, r->l.size), *u, *ms;
	uint64_t avail = r->etypes - t, uoff, maddr, mcount, i, mark = m->nents, found = 0;
	const char *tstr;
	size_t tlen;
	int err;

	if (!h || !(h[r->l.tflag_off] & GO_TFLAG_UNCOMMON))
		return 0;
	h = rtype_desc(r, t, avail);
	if (!h || go_rtype_uncommon_off(&r->l, r->ps, h, avail, &uoff))
		return 0;
	u = h + uoff;
	mcount = ga_read_le(u + GO_UNCOMMON_MCOUNT_OFF, 2);
	maddr = t + uoff + ga_read_le(u + GO_UNCOMMON_MOFF_OFF, 4);
	if (!mcount || mcount > RT_MAX_METHODS ||
	    !(ms = rtype_desc(r, maddr, mcount * GO_METHOD_SIZE)) ||
	    !(tstr = rtype_str(r, h, &tlen)))
		return 0;
	for (i = 0; i < mcount; i++) {
		const uint8_t *me = ms + i * GO_METHOD_SIZE;
		int32_t name_off = ga_read_le(me, 4), mtyp = ga_read_le(me + 4, 4);
		int32_t fns[2] = { ga_read_le(me + 12, 4), ga_read_le(me + 8, 4) };	/* tfn, ifn */
		const char *mname;
		size_t mlen;
		int k;

		if (name_off <= 0 || (uint64_t)name_off >= r->etypes - r->types ||
		    !(mname = rtype_name_at(r, r->types + name_off, &mlen)) || !mlen)
			goto not_a_type;
		for (k = 0; k < 2; k++) {
			const struct pcln_func *f = rt_text_func(m, fns[k]);
			int form;

			if (fns[k] == -1)
				continue;
			form = f ? method_form(f->name, tstr, tlen, mname, mlen) : 0;
			if (!form)
				goto not_a_type;
			found++;
			if (mtyp <= 0 || (uint64_t)mtyp >= r->etypes - r->types)
				continue;
			/* "pkg.(*T).M" of a T that is no pointer takes *T */
			err = add_entry(m, f->entry, t | (form == 2 && tstr[0] != '*'),
					r->types + mtyp);
			if (err)
				return err;
		}
	}
	if (!found)
		return 0;
	m->st.types++;
	m->st.methods += mcount;
	for (i = 0; i < mcount; i++) {
		int32_t mtyp = ga_read_le(ms + i * GO_METHOD_SIZE + 4, 4);

		m->st.no_mtyp += mtyp <= 0;
	}
	return 0;

not_a_type:
	m->nents = mark;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct rt_entry *x = a, *y = b;

	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Is recv (T | 1: *T) the descriptor ptr of *T? */
static bool is_ptr_to(const struct rtype_methods *m, uint64_t recv, uint64_t ptr)
{
	const uint8_t *h = rtype_desc(&m->r, ptr, m->r.l.size + m->r.ps);

	return (recv & 1) && !(ptr & 1) && h && rtype_kind(&m->r, h) == GO_KIND_PTR &&
	       ga_read_le(h + m->r.l.size, m->r.ps) == (recv & ~1ull);
}

/*
 * Sorted by entry, one per entry: (*T).M is both T's ifn and *T's tfn
 * (kept with *T's own descriptor); an entry two methods claim with other
 * types is dropped.
 */
static void entries_dedup(struct rtype_methods *m)
{
	size_t i, n = 0;

	if (!m->nents)
		return;		/* ents is NULL: no qsort */
	qsort(m->ents, m->nents, sizeof(*m->ents), cmp_entry);
	for (i = 0; i < m->nents; i++) {
		struct rt_entry *e = &m->ents[i], *prev = n ? &m->ents[n - 1] : NULL;

		if (prev && prev->entry == e->entry) {
			if (is_ptr_to(m, prev->recv, e->recv))
				prev->recv = e->recv;
			else if (prev->recv != e->recv && !is_ptr_to(m, e->recv, prev->recv))
				prev->mtyp = 0;
			if (prev->mtyp != e->mtyp)
				prev->mtyp = 0;
			continue;
		}
		m->ents[n++] = *e;
	}
	m->nents = n;
	for (i = 0; i < n; i++)
		m->st.funcs += m->ents[i].mtyp != 0;
}

struct rtype_methods *rtype_methods__new(const struct pclntab *tab, const char *go_version)
{
	struct rtype_methods *m = calloc(1, sizeof(*m));
	uint64_t lo, hi, t;
	int i, err = 0;

	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->tab = tab;
	m->text = tab->text ? tab->text : tab->text_start;
	if (rtype_reader_init(&m->r, tab->bin, tab, go_version)) {
		rtype_methods__free(m);
		errno = ENOENT;
		return NULL;
	}
	for (i = 0; i < RT_MAX_PARAMS; i++) {
		snprintf(m->arg_names[i], sizeof(m->arg_names[i]), "arg%d", i);
		snprintf(m->res_names[i], sizeof(m->res_names[i]), "~r%d", i);
	}
	/* 1.27's [types+ptrsize, types+typedesclen) holds the typelinked ones only: not all */
	lo = m->r.types;
	hi = m->r.etypes;
	for (t = (lo + m->r.ps - 1) / m->r.ps * m->r.ps; !err && t + m->r.l.size <= hi; t += m->r.ps)
		err = scan_methods(m, t);
	if (err) {
		rtype_methods__free(m);
		errno = -err;
		return NULL;
	}
	entries_dedup(m);
	pr_debug("rtypes: '%s': %zu types with methods, %zu methods (%zu without a func type), "
		 "%zu functions typed", elfimg__path(tab->bin), m->st.types, m->st.methods,
		 m->st.no_mtyp, m->st.funcs);
	return m;
}

int rtype_methods__func_params(struct rtype_methods *m, uint64_t entry, struct goparam **params,
			       size_t *n)
{
	const struct rtype_reader *r = &m->r;
	size_t lo = 0, hi = m->nents, i;
	const struct rt_entry *e = NULL;
	const uint8_t *h;
	uint64_t avail, base, nin, nout;
	struct goparam *gps;
	const struct gotype *recv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->ents[mid].entry < entry)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->nents && m->ents[lo].entry == entry)
		e = &m->ents[lo];
	if (!e || !e->mtyp)
		return -ENOENT;
	avail = e->mtyp < r->etypes ? r->etypes - e->mtyp : 0;
	h = rtype_desc(r, e->mtyp, avail);
	if (!h || e->mtyp % r->ps || avail < (uint64_t)r->l.size + r->ps ||
	    rtype_kind(r, h) != GO_KIND_FUNC)
		return -ENOENT;
	nin = ga_read_le(h + r->l.size, 2);
	nout = ga_read_le(h + r->l.size + 2, 2) & GO_FUNC_OUTCOUNT_MASK;
	base = r->l.size + r->ps + (h[r->l.tflag_off] & GO_TFLAG_UNCOMMON ? GO_UNCOMMON_SIZE : 0);
	if (nin > RT_MAX_PARAMS || nout > RT_MAX_PARAMS || base + (nin + nout) * r->ps > avail)
		return -ENOENT;
	recv = e->recv & 1 ? rt_ptr_to(m, e->recv & ~1ull) : rt_type(m, e->recv, 0);
	if (!recv)
		return -ENOENT;
	gps = calloc(1 + nin + nout, sizeof(*gps));
	if (!gps)
		return -ENOMEM;
	gps[0] = (struct goparam){ .name = "recv", .type = recv };
	for (i = 0; i < nin + nout; i++) {
		const struct gotype *t = rt_type(m, ga_read_le(h + base + i * r->ps, r->ps), 0);

		if (!t) {
			free(gps);
			return -ENOENT;
		}
		gps[1 + i] = (struct goparam){
			.name = i < nin ? m->arg_names[i] : m->res_names[i - nin], .type = t,
			.is_result = i >= nin,
		};
	}
	*params = gps;
	*n = 1 + nin + nout;
	return 0;
}
