// SPDX-License-Identifier: MIT
/*
 * Go's DWARF (cmd/link/internal/ld/dwarf.go): every type DIE carries
 * DW_AT_go_kind (reflect.Kind); strings, slices and interfaces are
 * structures with known member names; results are formal parameters with
 * DW_AT_variable_parameter set. Go's own attributes (cmd/internal/dwarf
 * dwarf.go, the same numbers in 1.19 and 1.26, and in libdwarf's dwarf.h)
 * name what the layout hides: DW_AT_go_elem (0x2902) a slice's or chan's
 * element and a map's value, DW_AT_go_key (0x2901) a map's key, and
 * DW_AT_go_embedded_field (0x2903) an embedded struct field. A map or a
 * chan is a typedef of a pointer to the runtime's internal struct
 * (synthesizemaptypes, synthesizechantypes).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>
#include <zlib.h>

#include "dwarf.h"
#include "log.h"
#include "typemap.h"
#include "util.h"

/* reflect.Kind values, as in src/reflect/type.go. */
enum go_kind {
	GOK_BOOL = 1, GOK_INT = 2, GOK_INT64 = 6, GOK_UINT = 7, GOK_UINTPTR = 12,
	GOK_FLOAT32 = 13, GOK_FLOAT64 = 14, GOK_COMPLEX64 = 15, GOK_COMPLEX128 = 16,
	GOK_ARRAY = 17, GOK_CHAN = 18, GOK_FUNC = 19, GOK_INTERFACE = 20, GOK_MAP = 21,
	GOK_PTR = 22, GOK_SLICE = 23, GOK_STRING = 24, GOK_STRUCT = 25, GOK_UNSAFEPTR = 26,
};

/* Types nest this deep at most; deeper means a cycle or a hostile file. */
#define TYPE_MAX_DEPTH 32
/*
 * Bounds on what a damaged .debug_info can make us walk: children of one
 * DIE (Go's largest CU, runtime, has some 10^4), compile units (one per
 * package), and formal parameters of one function.
 */
#define DW_MAX_SIBLINGS (1 << 22)
#define DW_MAX_CUS (1 << 20)
#define DW_MAX_PARAMS 4096
/* A compressed section inflates to this at most (Go's largest DWARF sections are tens of MB). */
#define DW_MAX_SECTION (1ULL << 30)

struct subprog {
	uint64_t lowpc;
	Dwarf_Off off;
};

struct gdwarf {
	int fd;
	Dwarf_Debug dbg;
	int goid_offset;
	Dwarf_Off g_off;	/* the DIE of struct runtime.g, 0 if none seen */
	struct subprog *subs;
	size_t nsubs, subs_cap;
	struct typemap types;	/* by DIE offset */
	struct typemap bad;	/* offsets that did not resolve (each holds &bad_type) */
	Dwarf_Off resolving[TYPE_MAX_DEPTH + 1];	/* the chain resolve_type is in: cycles */
};

/* The mark of a type that did not resolve; never changed. */
static struct gotype bad_type;

/*
 * Every libdwarf call gets an error pointer: without one, libdwarf
 * 20210528 abort()s ("No error argument or handler available") where
 * it has no handler yet (dwarf_init_b reading section headers), and
 * some of its paths dereference it (_dwarf_extract_address_from_debug_addr).
 * dw_rc frees the error record at once: the caller only needs the code.
 */
static int dw_rc(Dwarf_Debug dbg, int rc, Dwarf_Error *err)
{
	if (rc == DW_DLV_ERROR && *err)
		dwarf_dealloc_error(dbg, *err);
	*err = NULL;
	return rc;
}

#define DW_OK(dbg, call) (dw_rc((dbg), (call), &dwe) == DW_DLV_OK)

/* Kept as a safety net: with an error pointer everywhere libdwarf does not call it. */
static void dwarf_err_ignore(Dwarf_Error err, Dwarf_Ptr arg)
{
	(void)err;
	(void)arg;
}

static bool die_attr_udata(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at, Dwarf_Unsigned *v)
{
	Dwarf_Error dwe = NULL;
	Dwarf_Attribute attr;
	bool ok;

	if (!DW_OK(dbg, dwarf_attr(die, at, &attr, &dwe)))
		return false;
	ok = DW_OK(dbg, dwarf_formudata(attr, v, &dwe));
	dwarf_dealloc_attribute(attr);
	return ok;
}

static bool die_attr_flag(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at)
{
	Dwarf_Error dwe = NULL;
	Dwarf_Attribute attr;
	Dwarf_Bool v = 0;

	if (!DW_OK(dbg, dwarf_attr(die, at, &attr, &dwe)))
		return false;
	if (!DW_OK(dbg, dwarf_formflag(attr, &v, &dwe)))
		v = 0;
	dwarf_dealloc_attribute(attr);
	return v;
}

static bool die_attr_ref(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at, Dwarf_Off *off)
{
	Dwarf_Error dwe = NULL;
	Dwarf_Attribute attr;
	bool ok;

	if (!DW_OK(dbg, dwarf_attr(die, at, &attr, &dwe)))
		return false;
	ok = DW_OK(dbg, dwarf_global_formref(attr, off, &dwe));
	dwarf_dealloc_attribute(attr);
	return ok;
}

static const char *die_name(Dwarf_Debug dbg, Dwarf_Die die)
{
	Dwarf_Error dwe = NULL;
	char *name = NULL;

	if (!DW_OK(dbg, dwarf_diename(die, &name, &dwe)))
		return NULL;
	return name;	/* points into .debug_info or .debug_str: no need to free */
}

static Dwarf_Half die_tag(Dwarf_Debug dbg, Dwarf_Die die)
{
	Dwarf_Error dwe = NULL;
	Dwarf_Half tag = 0;

	if (!DW_OK(dbg, dwarf_tag(die, &tag, &dwe)))
		return 0;
	return tag;
}

static Dwarf_Die die_child(Dwarf_Debug dbg, Dwarf_Die die)
{
	Dwarf_Error dwe = NULL;
	Dwarf_Die child = NULL;

	if (!DW_OK(dbg, dwarf_child(die, &child, &dwe)))
		return NULL;
	return child;
}

/*
 * The sibling after die, and die freed; NULL at the end, on an error,
 * or past DW_MAX_SIBLINGS (*n counts them).
 */
static Dwarf_Die die_next(Dwarf_Debug dbg, Dwarf_Die die, size_t *n)
{
	Dwarf_Error dwe = NULL;
	Dwarf_Die next = NULL;

	if (++*n >= DW_MAX_SIBLINGS || !DW_OK(dbg, dwarf_siblingof_b(dbg, die, true, &next, &dwe)))
		next = NULL;
	dwarf_dealloc_die(die);
	return next;
}

static int add_subprog(struct gdwarf *dw, uint64_t lowpc, Dwarf_Off off)
{
	if (ga_ensure_mem((void **)&dw->subs, &dw->subs_cap, dw->nsubs + 1, sizeof(*dw->subs)))
		return -ENOMEM;
	dw->subs[dw->nsubs++] = (struct subprog){ .lowpc = lowpc, .off = off };
	return 0;
}

static void scan_goid(struct gdwarf *dw, Dwarf_Die g_die)
{
	Dwarf_Die child = die_child(dw->dbg, g_die);
	size_t n = 0;

	while (child) {
		const char *name = die_name(dw->dbg, child);
		Dwarf_Unsigned off;

		if (name && !strcmp(name, "goid") &&
		    die_attr_udata(dw->dbg, child, DW_AT_data_member_location, &off) &&
		    off <= INT32_MAX)
			dw->goid_offset = off;
		child = die_next(dw->dbg, child, &n);
	}
}

static int cmp_subprog(const void *a, const void *b)
{
	const struct subprog *x = a, *y = b;

	return x->lowpc < y->lowpc ? -1 : x->lowpc > y->lowpc;
}

static int scan_cus(struct gdwarf *dw)
{
	Dwarf_Debug dbg = dw->dbg;
	Dwarf_Unsigned next_cu = 0;
	Dwarf_Error dwe = NULL;
	size_t ncus = 0;
	int rc, err;

	for (;;) {
		Dwarf_Die cu = NULL, child;
		size_t n = 0;

		rc = dw_rc(dbg, dwarf_next_cu_header_d(dbg, true, NULL, NULL, NULL, NULL, NULL, NULL,
						       NULL, NULL, &next_cu, NULL, &dwe), &dwe);
		if (rc == DW_DLV_NO_ENTRY)
			break;
		if (rc != DW_DLV_OK || ++ncus > DW_MAX_CUS)
			return -EINVAL;
		if (!DW_OK(dbg, dwarf_siblingof_b(dbg, NULL, true, &cu, &dwe)))
			return -EINVAL;
		child = die_child(dbg, cu);
		while (child) {
			Dwarf_Half tag = die_tag(dbg, child);

			if (tag == DW_TAG_subprogram) {
				Dwarf_Addr lowpc;
				Dwarf_Off off;

				if (DW_OK(dbg, dwarf_lowpc(child, &lowpc, &dwe)) &&
				    DW_OK(dbg, dwarf_dieoffset(child, &off, &dwe))) {
					err = add_subprog(dw, lowpc, off);
					if (err) {
						dwarf_dealloc_die(child);
						dwarf_dealloc_die(cu);
						return err;
					}
				}
			} else if (tag == DW_TAG_structure_type && !dw->g_off) {
				const char *name = die_name(dbg, child);

				if (name && !strcmp(name, "runtime.g") &&
				    DW_OK(dbg, dwarf_dieoffset(child, &dw->g_off, &dwe)))
					scan_goid(dw, child);
			}
			child = die_next(dbg, child, &n);
		}
		dwarf_dealloc_die(cu);
	}
	/* DWARF with no subprogram at all: nothing to sort (qsort takes no NULL) */
	if (dw->nsubs)
		qsort(dw->subs, dw->nsubs, sizeof(*dw->subs), cmp_subprog);
	return 0;
}

/*
 * --- the DWARF 5 unit headers libdwarf 20210528 trusts ---
 *
 * libdwarf reads every .debug_rnglists and .debug_loclists unit header
 * when it first loads .debug_info (_dwarf_load_debug_info ->
 * dwarf_load_rnglists, dwarf_load_loclists), before we see a DIE. Its
 * rnglists loop (internal_load_rnglists_contexts, dwarf_rnglists.c) has
 * no return after a header it refuses (address size not 2/4/8, version
 * not 5, a unit longer than the section, a header cut short): it frees
 * the context and the chain, then links the freed context into the
 * freed chain and frees both again at the next unit or the end: a
 * double free inside the library, from one damaged byte. So each
 * unit header of these sections (and of .debug_addr, whose entries it
 * indexes by the CU's address size) is checked here first, by DWARF 5
 * 7.28/7.29/7.27: unit_length within the section, version 5,
 * address_size the ELF's pointer size, segment selector size 0, and the
 * offsets array within the unit. A file that fails is not handed to
 * libdwarf at all.
 */

/* A section's bytes as libdwarf will see them: inflated when compressed. */
struct sec_bytes {
	const uint8_t *data;
	uint64_t size;
	uint8_t *owned;		/* the inflated copy, or NULL */
};

static uint64_t rd_uint(const uint8_t *p, int n, bool big)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

static int inflate_to(const uint8_t *in, uint64_t in_len, uint64_t out_len, struct sec_bytes *out,
		      char *why, size_t why_sz)
{
	z_stream zs = {};
	uint8_t *buf;
	int zrc;

	if (!out_len || out_len > DW_MAX_SECTION || in_len > UINT32_MAX || out_len > UINT32_MAX) {
		snprintf(why, why_sz, "compressed to a size of %llu bytes (at most %llu)",
			 (unsigned long long)out_len, (unsigned long long)DW_MAX_SECTION);
		return -EINVAL;
	}
	buf = malloc(out_len);
	if (!buf)
		return -ENOMEM;
	if (inflateInit(&zs) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = in_len;
	zs.next_out = buf;
	zs.avail_out = out_len;
	zrc = inflate(&zs, Z_FINISH);
	inflateEnd(&zs);
	if (zrc != Z_STREAM_END || zs.total_out != out_len) {
		free(buf);
		snprintf(why, why_sz, "its zlib data does not inflate to the %llu bytes it says",
			 (unsigned long long)out_len);
		return -EINVAL;
	}
	out->data = out->owned = buf;
	out->size = out_len;
	return 0;
}

/* SHF_COMPRESSED (an Elf32/64_Chdr, zlib) or .zdebug_ ("ZLIB", 8-byte big-endian size). */
static int sec_bytes_get(const uint8_t *data, uint64_t size, uint64_t flags, bool zdebug, bool is64,
			 bool big, struct sec_bytes *out, char *why, size_t why_sz)
{
	memset(out, 0, sizeof(*out));
	if (flags & SHF_COMPRESSED) {
		size_t hdr = is64 ? 24 : 12;

		if (size < hdr || rd_uint(data, 4, big) != ELFCOMPRESS_ZLIB) {
			snprintf(why, why_sz, "unknown compression");
			return -EINVAL;
		}
		return inflate_to(data + hdr, size - hdr, rd_uint(data + (is64 ? 8 : 4), is64 ? 8 : 4, big),
				  out, why, why_sz);
	}
	if (zdebug && size >= 12 && !memcmp(data, "ZLIB", 4))
		return inflate_to(data + 12, size - 12, rd_uint(data + 4, 8, true), out, why, why_sz);
	out->data = data;
	out->size = size;
	return 0;
}

enum unit_kind { UNIT_RNGLISTS, UNIT_LOCLISTS, UNIT_ADDR };

/* Every unit header of one section; 0, or -EINVAL with why filled. */
static int check_units(const uint8_t *p, uint64_t size, enum unit_kind kind, int ptr_size, bool big,
		       char *why, size_t why_sz)
{
	uint64_t off = 0;

	while (off < size) {
		uint64_t left = size - off, len, hdr_len = 4, count;
		const uint8_t *u = p + off;
		unsigned int version, asz, ssz;
		int offset_size = 4;

		if (left < 4)
			goto short_hdr;
		len = rd_uint(u, 4, big);
		if (len == 0xffffffff) {
			if (left < 12)
				goto short_hdr;
			len = rd_uint(u + 4, 8, big);
			hdr_len = 12;
			offset_size = 8;
		} else if (len >= 0xfffffff0) {
			snprintf(why, why_sz, "unit at 0x%llx: reserved unit length 0x%llx",
				 (unsigned long long)off, (unsigned long long)len);
			return -EINVAL;
		}
		if (len > left - hdr_len) {
			snprintf(why, why_sz, "unit at 0x%llx: length 0x%llx past the section (0x%llx bytes)",
				 (unsigned long long)off, (unsigned long long)len, (unsigned long long)size);
			return -EINVAL;
		}
		if (len < (kind == UNIT_ADDR ? 4u : 8u))
			goto short_hdr;
		u += hdr_len;
		version = rd_uint(u, 2, big);
		asz = u[2];
		ssz = u[3];
		if (version != 5) {
			snprintf(why, why_sz, "unit at 0x%llx: version %u, not 5", (unsigned long long)off,
				 version);
			return -EINVAL;
		}
		if ((int)asz != ptr_size) {
			snprintf(why, why_sz, "unit at 0x%llx: address size %u, the ELF's is %d",
				 (unsigned long long)off, asz, ptr_size);
			return -EINVAL;
		}
		if (ssz) {
			snprintf(why, why_sz, "unit at 0x%llx: segment selector size %u, not 0",
				 (unsigned long long)off, ssz);
			return -EINVAL;
		}
		if (kind != UNIT_ADDR) {
			count = rd_uint(u + 4, 4, big);
			if (count > (len - 8) / offset_size) {
				snprintf(why, why_sz, "unit at 0x%llx: %llu offsets past its end",
					 (unsigned long long)off, (unsigned long long)count);
				return -EINVAL;
			}
		}
		off += hdr_len + len;
	}
	return 0;

short_hdr:
	snprintf(why, why_sz, "unit at 0x%llx: header cut short (0x%llx bytes)",
		 (unsigned long long)off, (unsigned long long)size);
	return -EINVAL;
}

/* The unit kind of a section libdwarf reads as .debug_rnglists etc. (.zdebug_, .dwo too), or -1. */
static int unit_kind_of(const char *name, bool *zdebug)
{
	static const char *const names[] = { "rnglists", "loclists", "addr" };
	size_t len;

	*zdebug = !strncmp(name, ".zdebug_", 8);
	if (*zdebug)
		name += 8;
	else if (!strncmp(name, ".debug_", 7))
		name += 7;
	else
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		len = strlen(names[i]);
		if (!strncmp(name, names[i], len) && (!name[len] || !strcmp(name + len, ".dwo")))
			return i;
	}
	return -1;
}

/*
 * Check every section of the file (by its own section headers, as
 * libdwarf reads them) that libdwarf takes for one with unit headers.
 * 0; -EINVAL with what in why (the section's name first); -ENOMEM.
 */
static int check_unit_headers(int fd, char *why, size_t why_sz)
{
	uint64_t shoff, shnum, shentsize, shstrndx, stroff = 0, strsize = 0;
	const uint8_t *d;
	struct stat st;
	size_t fsize;
	bool is64, big;
	int ptr_size, err = 0;
	void *map;

	/* the file as libdwarf reads it (its own ELF reader, not elfimg's checks) */
	if (fstat(fd, &st) || st.st_size < EI_NIDENT)
		return 0;	/* libdwarf finds no DWARF in it either */
	fsize = st.st_size;
	map = mmap(NULL, fsize, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return 0;
	d = map;
	if (memcmp(d, ELFMAG, SELFMAG) || (d[EI_CLASS] != ELFCLASS32 && d[EI_CLASS] != ELFCLASS64))
		goto out;
	is64 = d[EI_CLASS] == ELFCLASS64;
	ptr_size = is64 ? 8 : 4;
	big = d[EI_DATA] == ELFDATA2MSB;
	if (fsize < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		goto out;
	shoff = is64 ? rd_uint(d + 0x28, 8, big) : rd_uint(d + 0x20, 4, big);
	shentsize = rd_uint(d + (is64 ? 0x3a : 0x2e), 2, big);
	shnum = rd_uint(d + (is64 ? 0x3c : 0x30), 2, big);
	shstrndx = rd_uint(d + (is64 ? 0x3e : 0x32), 2, big);
	if (!shnum || shentsize < (is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)) ||
	    shoff > fsize || shnum > (fsize - shoff) / shentsize || shstrndx >= shnum)
		goto out;	/* no usable section headers: libdwarf finds no DWARF either */
	for (int pass = 0; pass < 2 && !err; pass++) {
		for (uint64_t i = 0; i < shnum && !err; i++) {
			const uint8_t *sh = d + shoff + i * shentsize;
			uint64_t name = rd_uint(sh, 4, big), type = rd_uint(sh + 4, 4, big);
			uint64_t flags = is64 ? rd_uint(sh + 8, 8, big) : rd_uint(sh + 8, 4, big);
			uint64_t off = is64 ? rd_uint(sh + 0x18, 8, big) : rd_uint(sh + 0x10, 4, big);
			uint64_t size = is64 ? rd_uint(sh + 0x20, 8, big) : rd_uint(sh + 0x14, 4, big);
			struct sec_bytes sb;
			const char *sname;
			bool zdebug;
			int kind;

			if (pass == 0) {
				/* the string table first */
				if (i == shstrndx && off <= fsize && size <= fsize - off) {
					stroff = off;
					strsize = size;
				}
				continue;
			}
			if (name >= strsize || !memchr(d + stroff + name, '\0', strsize - name))
				continue;
			sname = (const char *)d + stroff + name;
			kind = unit_kind_of(sname, &zdebug);
			if (kind < 0 || type == SHT_NOBITS || !size)
				continue;
			if (off > fsize || size > fsize - off) {
				snprintf(why, why_sz, "%s: 0x%llx bytes at 0x%llx, past the end of the file",
					 sname, (unsigned long long)size, (unsigned long long)off);
				err = -EINVAL;
				break;
			}
			{
				char inner[160] = "";

				err = sec_bytes_get(d + off, size, flags, zdebug, is64, big, &sb, inner,
						    sizeof(inner));
				if (!err)
					err = check_units(sb.data, sb.size, kind, ptr_size, big, inner,
							  sizeof(inner));
				free(sb.owned);
				if (err)
					snprintf(why, why_sz, "%s: %s", sname, inner);
			}
		}
	}
out:
	munmap(map, fsize);
	return err;
}

struct gdwarf *gdwarf__open(const char *path)
{
	Dwarf_Error dwe = NULL;
	struct gdwarf *dw;
	char why[256] = "";
	int rc, err;

	dw = calloc(1, sizeof(*dw));
	if (!dw) {
		errno = ENOMEM;
		return NULL;
	}
	dw->goid_offset = -1;
	dw->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (dw->fd < 0) {
		err = -errno;
		pr_warn("dwarf: cannot open '%s': %s", path, strerror(errno));
		goto out_free;
	}
	/* before libdwarf reads them (see check_units) */
	err = check_unit_headers(dw->fd, why, sizeof(why));
	if (err) {
		if (err == -ENOMEM)
			pr_warn("dwarf: out of memory reading '%s'", path);
		else
			pr_warn("dwarf: '%s': %s; continuing without types", path, why);
		goto out_free;
	}
	rc = dwarf_init_b(dw->fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, dwarf_err_ignore, NULL, &dw->dbg,
			  &dwe);
	if (rc == DW_DLV_ERROR && dwe) {
		snprintf(why, sizeof(why), "%s", dwarf_errmsg(dwe));
		dwarf_dealloc_error(dw->dbg, dwe);
	}
	if (rc == DW_DLV_NO_ENTRY) {
		err = -ENOENT;
		goto out_free;
	}
	if (rc != DW_DLV_OK) {
		dw->dbg = NULL;
		pr_warn("dwarf: cannot read the DWARF of '%s' (%s); continuing without types", path,
			why[0] ? why : "?");
		err = -EINVAL;
		goto out_free;
	}
	err = scan_cus(dw);
	if (err) {
		pr_warn("dwarf: corrupt .debug_info in '%s'; continuing without types", path);
		goto out_free;
	}
	return dw;

out_free:
	gdwarf__free(dw);
	errno = -err;
	return NULL;
}

/* Field types are cached types, freed on their own. */

static void free_none(struct gotype *t)
{
	(void)t;
}

void gdwarf__free(struct gdwarf *dw)
{
	Dwarf_Error dwe = NULL;

	if (!dw)
		return;
	typemap_clear(&dw->types, gotype_free);
	typemap_clear(&dw->bad, free_none);
	free(dw->subs);
	if (dw->dbg)
		dwarf_finish(dw->dbg, &dwe);	/* nothing to free after it, whatever it says */
	if (dw->fd >= 0)
		close(dw->fd);
	free(dw);
}

void gdwarf__params_free(struct gdwarf *dw, const struct goparam *params)
{
	(void)dw;
	free((void *)params);
}

int gdwarf__goid_offset(const struct gdwarf *dw)
{
	return dw->goid_offset;
}

/* --- type cache --- */

static int cache_put(struct gdwarf *dw, Dwarf_Off off, struct gotype *t)
{
	return typemap_put(&dw->types, off, t);
}

static struct gotype *cache_get(const struct gdwarf *dw, Dwarf_Off off)
{
	return typemap_get(&dw->types, off);
}

static struct gotype *resolve_type(struct gdwarf *dw, Dwarf_Off off, int depth);

static int read_struct_fields(struct gdwarf *dw, Dwarf_Die die, struct gotype *t, int depth)
{
	Dwarf_Die child = die_child(dw->dbg, die);
	size_t cap = 0, n = 0;

	while (child) {
		Dwarf_Unsigned moff = 0;
		Dwarf_Off toff;

		if (die_tag(dw->dbg, child) == DW_TAG_member &&
		    die_attr_ref(dw->dbg, child, DW_AT_type, &toff)) {
			struct gotype *ft = resolve_type(dw, toff, depth + 1);
			const char *name = die_name(dw->dbg, child);
			char *fname;

			if (!ft) {
				dwarf_dealloc_die(child);
				return -EINVAL;
			}
			die_attr_udata(dw->dbg, child, DW_AT_data_member_location, &moff);
			fname = strdup(name ? name : "_");
			if (!fname || ga_ensure_mem((void **)&t->fields, &cap, t->nfields + 1,
						    sizeof(*t->fields))) {
				free(fname);
				dwarf_dealloc_die(child);
				return -ENOMEM;
			}
			t->fields[t->nfields++] = (struct gofield){
				.name = fname, .offset = moff, .type = ft,
				.embedded = die_attr_flag(dw->dbg, child, DW_AT_go_embedded_field),
			};
		}
		child = die_next(dw->dbg, child, &n);
	}
	return 0;
}

static uint64_t array_count(struct gdwarf *dw, Dwarf_Die die)
{
	Dwarf_Die child = die_child(dw->dbg, die);
	Dwarf_Unsigned v = 0;
	uint64_t count = 0;
	size_t n = 0;

	while (child) {
		if (die_tag(dw->dbg, child) == DW_TAG_subrange_type) {
			if (die_attr_udata(dw->dbg, child, DW_AT_count, &v))
				count = v;
			else if (die_attr_udata(dw->dbg, child, DW_AT_upper_bound, &v))
				count = v + 1;
		}
		child = die_next(dw->dbg, child, &n);
	}
	return count;
}

static enum ga_kind kind_from_go(Dwarf_Unsigned gk, bool *is_signed)
{
	*is_signed = false;
	if (gk == GOK_BOOL)
		return GA_KIND_BOOL;
	if (gk >= GOK_INT && gk <= GOK_INT64) {
		*is_signed = true;
		return GA_KIND_INT;
	}
	if (gk >= GOK_UINT && gk <= GOK_UINTPTR)
		return GA_KIND_UINT;
	if (gk == GOK_FLOAT32 || gk == GOK_FLOAT64)
		return GA_KIND_FLOAT;
	if (gk == GOK_COMPLEX64 || gk == GOK_COMPLEX128)
		return GA_KIND_COMPLEX;
	switch (gk) {
	case GOK_ARRAY: return GA_KIND_ARRAY;
	case GOK_CHAN: case GOK_FUNC: case GOK_MAP: case GOK_PTR: case GOK_UNSAFEPTR:
		return GA_KIND_PTR;
	case GOK_INTERFACE: return GA_KIND_IFACE;
	case GOK_SLICE: return GA_KIND_SLICE;
	case GOK_STRING: return GA_KIND_STRING;
	case GOK_STRUCT: return GA_KIND_STRUCT;
	default: return GA_KIND_UNKNOWN;
	}
}

static enum ga_kind kind_from_base(Dwarf_Debug dbg, Dwarf_Die die, bool *is_signed)
{
	Dwarf_Unsigned enc = 0;

	*is_signed = false;
	die_attr_udata(dbg, die, DW_AT_encoding, &enc);
	switch (enc) {
	case DW_ATE_boolean: return GA_KIND_BOOL;
	case DW_ATE_signed: case DW_ATE_signed_char:
		*is_signed = true;
		return GA_KIND_INT;
	case DW_ATE_unsigned: case DW_ATE_unsigned_char: return GA_KIND_UINT;
	case DW_ATE_float: return GA_KIND_FLOAT;
	case DW_ATE_complex_float: return GA_KIND_COMPLEX;
	default: return GA_KIND_UNKNOWN;
	}
}

static struct gotype *resolve_type(struct gdwarf *dw, Dwarf_Off off, int depth)
{
	struct gotype *t, *target = NULL;
	Dwarf_Unsigned gk = 0, size = 0;
	Dwarf_Error dwe = NULL;
	Dwarf_Half tag = 0;
	Dwarf_Off toff;
	Dwarf_Die die;
	const char *name;
	bool has_gk;
	int err = 0;

	t = cache_get(dw, off);
	if (t)
		return t;
	/*
	 * A type that failed once fails again: without this mark a damaged
	 * type reached by many paths is read again by each (exponential in
	 * TYPE_MAX_DEPTH). A type that contains itself (by value: a typedef
	 * or a struct in its own chain; Go's own cycles go through pointers,
	 * read lazily) is damage.
	 */
	if (depth > TYPE_MAX_DEPTH || typemap_get(&dw->bad, off))
		return NULL;
	for (int i = 0; i < depth; i++)
		if (dw->resolving[i] == off)
			return NULL;
	dw->resolving[depth] = off;
	if (!DW_OK(dw->dbg, dwarf_offdie_b(dw->dbg, off, true, &die, &dwe))) {
		typemap_put(&dw->bad, off, &bad_type);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		goto out_die;
	tag = die_tag(dw->dbg, die);
	name = die_name(dw->dbg, die);
	t->name = strdup(name ? name : "?");
	if (!t->name) {
		err = -ENOMEM;
		goto out_die;
	}
	has_gk = die_attr_udata(dw->dbg, die, DW_AT_go_kind, &gk);
	if (DW_OK(dw->dbg, dwarf_bytesize(die, &size, &dwe)))
		t->size = size;

	if (tag == DW_TAG_typedef) {
		/* Named types and interfaces: take the layout of the target. */
		if (die_attr_ref(dw->dbg, die, DW_AT_type, &toff))
			target = resolve_type(dw, toff, depth + 1);
		if (!target) {
			err = -EINVAL;
			goto out_die;
		}
		/* a type parameter (".param0") is shown as the shape it stands for */
		if (!strncmp(t->name, ".param", 6)) {
			char *tn = strdup(target->name);

			if (tn) {
				free((char *)t->name);
				t->name = tn;
			}
		}
		t->kind = target->kind;
		t->size = target->size;
		t->is_signed = target->is_signed;
		t->count = target->count;
		t->elem = target->elem;
		t->pointee_off = target->pointee_off;
		t->ptr_kind = target->ptr_kind;
		t->elem_ref = target->elem_ref;
		t->key_ref = target->key_ref;
		t->fields = target->fields;
		t->nfields = target->nfields;
		t->shares_fields = true;
		if (has_gk && gk == GOK_INTERFACE)
			t->kind = !strcmp(target->name, "runtime.eface") ? GA_KIND_EFACE : GA_KIND_IFACE;
		else if (has_gk && (gk == GOK_MAP || gk == GOK_CHAN || gk == GOK_FUNC))
			t->kind = GA_KIND_PTR;
		/*
		 * A map or chan: the typedef's target is the runtime's struct
		 * (*map<K,V>, *hchan<T>), not what Go's type holds. pointee_off
		 * stays that struct (--deref shows its header words).
		 */
		if (has_gk && gk == GOK_MAP) {
			t->ptr_kind = GO_PTR_MAP;
			t->elem_ref = die_attr_ref(dw->dbg, die, DW_AT_go_elem, &toff) ? toff : 0;
			t->key_ref = die_attr_ref(dw->dbg, die, DW_AT_go_key, &toff) ? toff : 0;
		} else if (has_gk && gk == GOK_CHAN) {
			t->ptr_kind = GO_PTR_CHAN;
			t->elem_ref = die_attr_ref(dw->dbg, die, DW_AT_go_elem, &toff) ? toff : 0;
			t->key_ref = 0;
		} else if (has_gk && gk == GOK_FUNC) {
			t->ptr_kind = GO_PTR_FUNC;
		}
	} else {
		bool is_signed = false;

		t->kind = has_gk ? kind_from_go(gk, &is_signed) : GA_KIND_UNKNOWN;
		if (t->kind == GA_KIND_UNKNOWN) {
			switch (tag) {
			case DW_TAG_base_type:
				t->kind = kind_from_base(dw->dbg, die, &is_signed);
				break;
			case DW_TAG_pointer_type:
			case DW_TAG_subroutine_type:
				t->kind = GA_KIND_PTR;
				break;
			case DW_TAG_structure_type:
				t->kind = GA_KIND_STRUCT;
				break;
			case DW_TAG_array_type:
				t->kind = GA_KIND_ARRAY;
				break;
			default:
				break;
			}
		}
		t->is_signed = is_signed;
		if (t->kind == GA_KIND_PTR && !t->size) {
			/* Go omits DW_AT_byte_size on pointer types. */
			Dwarf_Half asz = 8;

			if (!DW_OK(dw->dbg, dwarf_get_die_address_size(die, &asz, &dwe)))
				asz = 8;
			t->size = asz;
		}
		if (t->kind == GA_KIND_INT && !is_signed)
			t->kind = GA_KIND_UINT;
		/* a plain pointer: remember its target, resolved only when asked (cycles) */
		if (t->kind == GA_KIND_PTR && tag == DW_TAG_pointer_type &&
		    (!has_gk || gk == GOK_PTR) && die_attr_ref(dw->dbg, die, DW_AT_type, &toff))
			t->pointee_off = toff;
		/* unsafe.Pointer is a bare DW_TAG_pointer_type: no DW_AT_go_kind, no target */
		if (t->kind == GA_KIND_PTR)
			t->ptr_kind = (has_gk && gk == GOK_UNSAFEPTR) ||
				      (tag == DW_TAG_pointer_type && !t->pointee_off &&
				       !strcmp(t->name, "unsafe.Pointer")) ? GO_PTR_UNSAFE :
				      has_gk && gk == GOK_MAP ? GO_PTR_MAP :
				      has_gk && gk == GOK_CHAN ? GO_PTR_CHAN :
				      tag == DW_TAG_subroutine_type || (has_gk && gk == GOK_FUNC) ?
				      GO_PTR_FUNC : GO_PTR_PLAIN;
		/* a slice's element: its array field is only a pointer to it */
		if (t->kind == GA_KIND_SLICE && die_attr_ref(dw->dbg, die, DW_AT_go_elem, &toff))
			t->elem_ref = toff;
		if (t->kind == GA_KIND_STRUCT) {
			/* Fields first: a cycle through a struct needs a pointer, which stops here. */
			err = read_struct_fields(dw, die, t, depth);
		} else if (t->kind == GA_KIND_ARRAY) {
			t->count = array_count(dw, die);
			if (die_attr_ref(dw->dbg, die, DW_AT_type, &toff))
				t->elem = resolve_type(dw, toff, depth + 1);
			if (!t->elem)
				err = -EINVAL;
		}
	}
out_die:
	dwarf_dealloc_die(die);
	if (!t)
		return NULL;
	if (err || cache_put(dw, off, t)) {
		gotype_free(t);
		if (err != -ENOMEM)
			typemap_put(&dw->bad, off, &bad_type);
		return NULL;
	}
	return t;
}

/*
 * One location expression of a parameter: Go 1.17+ emits DW_OP_regN /
 * DW_OP_regx with DW_OP_piece for register arguments, and frame-relative
 * expressions for stack ones.
 */
static void read_location_expr(Dwarf_Debug dbg, Dwarf_Locdesc_c desc, Dwarf_Unsigned nops,
			       struct goparam *gp)
{
	Dwarf_Error dwe = NULL;
	int pending = -1;	/* register named since the last piece, -1 none */
	bool any = false;
	Dwarf_Unsigned j;

	gp->loc = GOPARAM_LOC_REGS;
	gp->nloc_regs = 0;
	gp->loc_piece_bytes = 0;
	gp->cfa_known = false;
	gp->cfa_off = 0;
	for (j = 0; j < nops; j++) {
		Dwarf_Small atom = 0;
		Dwarf_Unsigned op1 = 0, op2, op3, branch;

		if (!DW_OK(dbg, dwarf_get_location_op_value_c(desc, j, &atom, &op1, &op2, &op3,
							       &branch, &dwe)))
			break;
		if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
			pending = atom - DW_OP_reg0;
		} else if (atom == DW_OP_regx) {
			pending = op1;
		} else if (atom == DW_OP_piece) {
			/* a piece with no location before it: that part is gone (-1) */
			if (gp->nloc_regs < GOPARAM_MAX_LOC)
				gp->loc_regs[gp->nloc_regs++] = pending;
			gp->loc_piece_bytes += op1;
			any |= pending >= 0;
			pending = -1;
		} else if ((atom == DW_OP_call_frame_cfa || atom == DW_OP_fbreg) && j == 0) {
			/* Go's frame base is the CFA: SP at entry + the return address */
			gp->loc = GOPARAM_LOC_STACK;
			gp->cfa_off = atom == DW_OP_fbreg ? (int64_t)op1 : 0;
			gp->cfa_known = nops == 1 || (nops == 2 && j == 0 &&
				DW_OK(dbg, dwarf_get_location_op_value_c(desc, 1, &atom, &op1, &op2,
									 &op3, &branch, &dwe)) &&
				atom == DW_OP_piece);
			if (nops == 2 && gp->cfa_known)
				gp->loc_piece_bytes = op1;
			break;
		} else if (atom == DW_OP_call_frame_cfa || atom == DW_OP_fbreg ||
			   (atom >= DW_OP_breg0 && atom <= DW_OP_breg31)) {
			gp->loc = GOPARAM_LOC_STACK;
			break;
		} else {
			gp->loc = GOPARAM_LOC_UNKNOWN;	/* something we do not compare */
			gp->nloc_regs = 0;
			break;
		}
	}
	/* a lone register without pieces: the whole value */
	if (gp->loc == GOPARAM_LOC_REGS && pending >= 0 && !gp->nloc_regs) {
		gp->loc_regs[gp->nloc_regs++] = pending;
		any = true;
	}
	if (gp->loc == GOPARAM_LOC_REGS && !any)
		gp->nloc_regs = 0;
	if (gp->loc == GOPARAM_LOC_REGS && !gp->nloc_regs)
		gp->loc = GOPARAM_LOC_UNKNOWN;
}

/*
 * The location of a parameter at entry. A single expression holds
 * everywhere. A list (DWARF 4 .debug_loc; DWARF 5 .debug_loclists, which
 * Go writes from 1.25 as DW_LLE_base_addressx into .debug_addr, then
 * DW_LLE_offset_pair entries) is read through libdwarf's cooked
 * addresses, which apply the base address (and .debug_addr) entries
 * themselves: those, and the end of the list, locate nothing. A
 * DW_LLE_default_location holds where no other entry does.
 */
static void read_entry_location(Dwarf_Debug dbg, Dwarf_Die die, uint64_t entry, struct goparam *gp)
{
	Dwarf_Error dwe = NULL;
	Dwarf_Loc_Head_c head = NULL;
	Dwarf_Unsigned count = 0, i;
	Dwarf_Attribute attr;
	unsigned int kind = DW_LKIND_unknown;
	Dwarf_Locdesc_c dflt = NULL;
	Dwarf_Unsigned dflt_nops = 0;

	if (!DW_OK(dbg, dwarf_attr(die, DW_AT_location, &attr, &dwe)))
		return;
	if (!DW_OK(dbg, dwarf_get_loclist_c(attr, &head, &count, &dwe))) {
		dwarf_dealloc_attribute(attr);
		return;
	}
	if (!DW_OK(dbg, dwarf_get_loclist_head_kind(head, &kind, &dwe)) ||
	    (kind != DW_LKIND_expression && kind != DW_LKIND_loclist && kind != DW_LKIND_loclists))
		count = 0;	/* GNU .dwo lists: Go writes none */
	for (i = 0; i < count; i++) {
		Dwarf_Small lle = 0, source = 0;
		Dwarf_Unsigned raw_lo = 0, raw_hi = 0, nops = 0, expr_off, desc_off;
		Dwarf_Addr lo = 0, hi = 0;
		Dwarf_Bool no_addr = false;
		Dwarf_Locdesc_c desc;

		if (!DW_OK(dbg, dwarf_get_locdesc_entry_d(head, i, &lle, &raw_lo, &raw_hi, &no_addr,
							  &lo, &hi, &nops, &desc, &source,
							  &expr_off, &desc_off, &dwe)))
			break;
		if (kind == DW_LKIND_expression) {
			gp->loc_single = true;
			read_location_expr(dbg, desc, nops, gp);
			break;
		}
		if (lle == DW_LLE_end_of_list || lle == DW_LLE_base_addressx ||
		    lle == DW_LLE_base_address || no_addr)
			continue;
		if (lle == DW_LLE_default_location) {
			dflt = desc;
			dflt_nops = nops;
			continue;
		}
		if (entry < lo || entry >= hi)
			continue;
		/* an entry that says nothing we compare leaves it to the next one covering entry */
		read_location_expr(dbg, desc, nops, gp);
		if (gp->loc != GOPARAM_LOC_UNKNOWN)
			break;
	}
	if (gp->loc == GOPARAM_LOC_UNKNOWN && dflt)
		read_location_expr(dbg, dflt, dflt_nops, gp);
	dwarf_loc_head_c_dealloc(head);
	dwarf_dealloc_attribute(attr);
}

int gdwarf__func_params(struct gdwarf *dw, uint64_t entry, const struct goparam **params,
			size_t *n)
{
	struct goparam *arr = NULL, *sorted;
	size_t lo = 0, hi = dw->nsubs, cnt = 0, cap = 0, i, k;
	struct subprog *sp = NULL;
	Dwarf_Error dwe = NULL;
	Dwarf_Die die, child;
	size_t nsib = 0;
	int err = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dw->subs[mid].lowpc < entry)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < dw->nsubs && dw->subs[lo].lowpc == entry)
		sp = &dw->subs[lo];
	if (!sp)
		return -ENOENT;
	if (!DW_OK(dw->dbg, dwarf_offdie_b(dw->dbg, sp->off, true, &die, &dwe)))
		return -EINVAL;
	child = die_child(dw->dbg, die);
	while (child) {
		Dwarf_Off toff;

		if (die_tag(dw->dbg, child) == DW_TAG_formal_parameter) {
			struct gotype *t = die_attr_ref(dw->dbg, child, DW_AT_type, &toff) ?
						   resolve_type(dw, toff, 0) : NULL;
			const char *name = die_name(dw->dbg, child);

			if (!t || cnt >= DW_MAX_PARAMS) {
				err = -EINVAL;
			} else if (ga_ensure_mem((void **)&arr, &cap, cnt + 1, sizeof(*arr))) {
				err = -ENOMEM;
			}
			/*
			 * Go 1.19 lists the results of some functions with a defer
			 * twice (internal/poll.(*FD).Write: ~r0 ~r0 ~r1 ~r1): a
			 * named parameter seen already is the same one ("_" repeats).
			 */
			for (i = 0; !err && name && strcmp(name, "_") && i < cnt; i++)
				if (!strcmp(arr[i].name, name) &&
				    arr[i].is_result == die_attr_flag(dw->dbg, child, DW_AT_variable_parameter))
					break;
			if (!err && name && strcmp(name, "_") && i < cnt)
				goto next_child;
			if (!err) {
				arr[cnt] = (struct goparam){
					/* names point into .debug_str and live as long as dbg */
					.name = name ? name : "_",
					.type = t,
					.is_result = die_attr_flag(dw->dbg, child, DW_AT_variable_parameter),
				};
				if (!arr[cnt].is_result)
					read_entry_location(dw->dbg, child, entry, &arr[cnt]);
				cnt++;
			}
		}
next_child:
		if (err) {
			dwarf_dealloc_die(child);
			break;
		}
		child = die_next(dw->dbg, child, &nsib);
	}
	dwarf_dealloc_die(die);
	if (err)
		goto out_free;

	/* Arguments before results, each in declaration order. */
	sorted = calloc(cnt ? cnt : 1, sizeof(*sorted));
	if (!sorted) {
		err = -ENOMEM;
		goto out_free;
	}
	for (i = 0, k = 0; i < cnt; i++)
		if (!arr[i].is_result)
			sorted[k++] = arr[i];
	for (i = 0; i < cnt; i++)
		if (arr[i].is_result)
			sorted[k++] = arr[i];
	free(arr);
	*params = sorted;
	*n = cnt;
	return 0;

out_free:
	free(arr);
	return err;
}

const struct gotype *gdwarf__type_at(struct gdwarf *dw, uint64_t off)
{
	return off ? resolve_type(dw, off, 0) : NULL;
}

/*
 * The top-level struct type DIE named name in any CU. Every CU header is
 * read, found or not: libdwarf restarts at the first CU only after the
 * last one.
 */
static bool find_struct_die(struct gdwarf *dw, const char *name, Dwarf_Off *out)
{
	Dwarf_Debug dbg = dw->dbg;
	Dwarf_Unsigned next_cu = 0;
	Dwarf_Error dwe = NULL;
	bool found = false;
	size_t ncus = 0;

	/* the one goanalyze asks for, seen by scan_cus: no second walk of every CU */
	if (dw->g_off && !strcmp(name, "runtime.g")) {
		*out = dw->g_off;
		return true;
	}
	while (ncus++ < DW_MAX_CUS &&
	       DW_OK(dbg, dwarf_next_cu_header_d(dbg, true, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
						 NULL, &next_cu, NULL, &dwe))) {
		Dwarf_Die cu = NULL, child;
		size_t n = 0;

		if (found || !DW_OK(dbg, dwarf_siblingof_b(dbg, NULL, true, &cu, &dwe)))
			continue;
		child = die_child(dbg, cu);
		while (child) {
			const char *cn = die_tag(dbg, child) == DW_TAG_structure_type ?
					 die_name(dbg, child) : NULL;

			if (cn && !strcmp(cn, name) && DW_OK(dbg, dwarf_dieoffset(child, out, &dwe))) {
				found = true;
				dwarf_dealloc_die(child);
				break;
			}
			child = die_next(dbg, child, &n);
		}
		dwarf_dealloc_die(cu);
	}
	return found;
}

int gdwarf__member_offsets(struct gdwarf *dw, const char *struct_name, const char *const *paths,
			   size_t n, int *offs)
{
	const struct gotype *st;
	Dwarf_Off off;
	size_t i, k;

	for (i = 0; i < n; i++)
		offs[i] = -1;
	if (!find_struct_die(dw, struct_name, &off) || !(st = resolve_type(dw, off, 0)))
		return -ENOENT;
	for (i = 0; i < n; i++) {
		const struct gotype *t = st;
		const char *p = paths[i];
		uint64_t sum = 0;

		while (t && *p) {
			size_t len = strcspn(p, ".");

			for (k = 0; k < t->nfields; k++)
				if (strlen(t->fields[k].name) == len && !strncmp(t->fields[k].name, p, len))
					break;
			if (k == t->nfields) {
				t = NULL;
				break;
			}
			sum += t->fields[k].offset;
			t = t->fields[k].type;
			p += len + (p[len] == '.');
		}
		if (t && sum <= INT32_MAX)
			offs[i] = sum;
	}
	return 0;
}
