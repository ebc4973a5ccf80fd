// SPDX-License-Identifier: MIT
/*
 * Formats, from src/runtime/symtab.go and src/debug/gosym/pclntab.go:
 *   0xfffffffb  Go 1.2-1.15   header, nfunc, (entry, funcoff) pairs of uintptr
 *   0xfffffffa  Go 1.16-1.17  pcHeader with offsets; functab of uintptr pairs
 *   0xfffffff0  Go 1.18-1.19  pcHeader with textStart; functab of uint32 pairs
 *   0xfffffff1  Go 1.20+      as 1.18, _func gains startLine
 * Every offset read from the file is checked against the table's bounds.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goruntime.h"
#include "log.h"
#include "pclntab.h"

#define PCLN_MAGIC_12 0xfffffffbu
#define PCLN_MAGIC_116 0xfffffffau
#define PCLN_MAGIC_118 0xfffffff0u
#define PCLN_MAGIC_120 0xfffffff1u

/* Sanity bound: the largest binaries seen have a few hundred thousand functions. */
#define PCLN_MAX_FUNCS (16u << 20)

#define PCLN_WHY_LEN 160

struct pcln_reader {
	const struct elfimg *bin;
	char *why;		/* PCLN_WHY_LEN bytes: what is wrong with the table, NULL: do not say */
	const uint8_t *base;
	uint64_t size;
	uint64_t addr;		/* virtual address of base, 0 if unknown */
	int go_minor;		/* release that built it (go_minor_of), 0 unknown */
};

/* Say what is wrong with the table (the one error line pclntab__open prints); -EINVAL. */
__attribute__((format(printf, 2, 3)))
static int pcln_bad(const struct pcln_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->why) {
		va_start(ap, fmt);
		vsnprintf(r->why, PCLN_WHY_LEN, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool pcln_has(const struct pcln_reader *r, uint64_t off, uint64_t len)
{
	return off <= r->size && len <= r->size - off;
}

static const char *pcln_cstr(const struct pcln_reader *r, uint64_t off)
{
	if (off >= r->size || !memchr(r->base + off, '\0', r->size - off))
		return NULL;
	return (const char *)r->base + off;
}

static const char *pcln_cstr_at(const struct pclntab *tab, uint64_t off)
{
	if (off >= tab->size || !memchr(tab->base + off, '\0', tab->size - off))
		return NULL;
	return (const char *)tab->base + off;
}

static bool magic_ok(const uint8_t *p, uint64_t avail)
{
	uint32_t magic;

	if (avail < 16)
		return false;
	magic = (uint32_t)ga_read_le(p, 4);
	if (magic != PCLN_MAGIC_12 && magic != PCLN_MAGIC_116 && magic != PCLN_MAGIC_118 &&
	    magic != PCLN_MAGIC_120)
		return false;
	return p[4] == 0 && p[5] == 0 && (p[6] == 1 || p[6] == 2 || p[6] == 4) &&
	       (p[7] == 4 || p[7] == 8);
}

static int find_table(const struct elfimg *bin, struct pcln_reader *r)
{
	static const char *const names[] = { ".gopclntab", ".data.rel.ro.gopclntab" };
	struct elfimg_section sec;
	uint64_t addr, size;
	size_t i;

	r->bin = bin;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!elfimg__section(bin, names[i], &sec) && sec.data && magic_ok(sec.data, sec.size)) {
			r->base = sec.data;
			r->size = sec.size;
			r->addr = sec.addr;
			return 0;
		}
	}
	/* PIE and externally linked binaries: the linker's symbols still say where. */
	if (!elfimg__symbol(bin, "runtime.pclntab", &addr, &size) ||
	    !elfimg__symbol(bin, "runtime.pcheader", &addr, &size)) {
		struct elfimg_section s;

		if (!elfimg__section_at(bin, addr, &s) && s.data) {
			uint64_t avail = s.size - (addr - s.addr);

			if (size == 0 || size > avail)
				size = avail;
			if (magic_ok(s.data + (addr - s.addr), size)) {
				r->base = s.data + (addr - s.addr);
				r->size = size;
				r->addr = addr;
				return 0;
			}
		}
	}
	return -ENOENT;
}

static int parse_table(struct pclntab *tab, const struct pcln_reader *r);

/*
 * Headers tried by scan_for_table: each that parses costs a scan of the
 * data for its moduledata, so a file of many fake headers would take
 * quadratic time. The real table is the first candidate in every Go
 * binary seen.
 */
#define PCLN_SCAN_MAX_CANDIDATES 64

/*
 * No section and no symbol says where the table is (section headers
 * stripped, or a re-linked binary): look for the header by its magic in the
 * read-only data and keep the first candidate that parses.
 */
static struct pclntab *scan_for_table(const struct elfimg *bin, int go_minor,
				      struct pcln_reader *out)
{
	size_t i, nseg = elfimg__nsegments(bin), ncand = 0;

	for (i = 0; i < nseg; i++) {
		struct elfimg_segment seg;
		uint64_t off;

		elfimg__segment(bin, i, &seg);
		if (seg.exec && nseg > 1)
			continue;	/* Go keeps the table in a data segment */
		for (off = 0; off + 16 <= seg.filesz; off += 4) {
			struct pcln_reader r = {
				.bin = bin, .base = seg.data + off, .size = seg.filesz - off,
				.addr = seg.vaddr + off, .go_minor = go_minor,
			};
			struct pclntab *tab;

			if (!magic_ok(r.base, r.size) || r.base[7] != elfimg__ptr_size(bin))
				continue;
			if (++ncand > PCLN_SCAN_MAX_CANDIDATES) {
				pr_info("pclntab: '%s': no table among the first %d headers found by magic",
					elfimg__path(bin), PCLN_SCAN_MAX_CANDIDATES);
				return NULL;
			}
			tab = calloc(1, sizeof(*tab));
			if (!tab)
				return NULL;
			if (!parse_table(tab, &r) && tab->nfunc > 0) {
				*out = r;
				return tab;
			}
			pclntab__free(tab);
		}
	}
	return NULL;
}

/*
 * moduledata (runtime/symtab.go) begins with a pointer to the pcHeader,
 * then the funcnametab, cutab, filetab, pctab, pclntable and ftab slices,
 * findfunctab, minpc, maxpc, text, etext, ...: the same up to text from
 * Go 1.16 to 1.27 (the words after it: md_layouts below). Find it by its
 * pointer to the pcHeader and check the funcnametab slice before trusting
 * any other field.
 */
#define MD_WORD_MINPC 20
#define MD_WORD_TEXT 22
#define MD_WORDS_MAX 48

static const uint8_t *moduledata_find_at(const struct elfimg *bin, uint64_t pchdr_addr, int ps,
					 int word, uint64_t want)
{
	size_t i, nseg = elfimg__nsegments(bin);

	if (!pchdr_addr)
		return NULL;
	for (i = 0; i < nseg; i++) {
		struct elfimg_segment seg;
		uint64_t off;

		elfimg__segment(bin, i, &seg);
		if (seg.exec)
			continue;
		for (off = 0; off + MD_WORDS_MAX * ps <= seg.filesz; off += ps) {
			const uint8_t *md = seg.data + off;

			if (ga_read_le(md, ps) == pchdr_addr && ga_read_le(md + word * ps, ps) == want)
				return md;
		}
	}
	return NULL;
}

/* Go 1.16+: pcHeader pointer, then funcnametab's data pointer. */
static const uint8_t *moduledata_find(const struct elfimg *bin, uint64_t pchdr_addr, int ps,
				      uint64_t nameoff_base)
{
	return moduledata_find_at(bin, pchdr_addr, ps, 1, pchdr_addr + nameoff_base);
}

static int moduledata_text(const struct pcln_reader *r, int ps, uint64_t nameoff_base,
			   uint64_t first_entryoff, uint64_t *text)
{
	const uint8_t *md = moduledata_find(r->bin, r->addr, ps, nameoff_base);
	uint64_t minpc, t;

	if (!md)
		return -ENOENT;
	minpc = ga_read_le(md + MD_WORD_MINPC * ps, ps);
	t = ga_read_le(md + MD_WORD_TEXT * ps, ps);
	if (!t || t + first_entryoff != minpc || !elfimg__vaddr_is_exec(r->bin, t))
		return -ENOENT;
	*text = t;
	return 0;
}

static int add_func(struct pclntab *tab, size_t i, uint64_t entry, uint64_t end,
		    const char *name, const uint8_t *fn, uint64_t fn_avail, int args_off,
		    int id_off)
{
	struct pcln_func *f = &tab->funcs[i];

	f->entry = entry;
	f->end = end;
	f->name = name;
	f->func_off = fn - tab->base;
	f->args = (int32_t)ga_read_le(fn + args_off, 4);
	if ((uint64_t)id_off + 2 <= fn_avail) {
		f->func_id = fn[id_off];
		f->flag = fn[id_off + 1];
	}
	return 0;
}

static int parse_118(struct pclntab *tab, const struct pcln_reader *r, bool v120)
{
	int ps = tab->ptr_size;
	uint64_t nfunc, nameoff_base, pcln_off, hdr_len = 8 + 8 * ps;
	/* _func: entryoff, nameoff, args, deferreturn, pcsp, pcfile, pcln, npcdata,
	 * cuOffset, [startLine (1.20+)], funcID, flag, pad, nfuncdata */
	int id_off = v120 ? 40 : 36;
	size_t i;

	if (!pcln_has(r, 0, hdr_len))
		return pcln_bad(r, "header cut short (%#llx bytes)", (unsigned long long)r->size);
	nfunc = ga_read_le(r->base + 8, ps);
	tab->text_start = ga_read_le(r->base + 8 + 2 * ps, ps);
	nameoff_base = ga_read_le(r->base + 8 + 3 * ps, ps);
	pcln_off = ga_read_le(r->base + 8 + 7 * ps, ps);
	tab->nameoff_base = nameoff_base;
	tab->pctab_off = ga_read_le(r->base + 8 + 6 * ps, ps);
	tab->pcln_off = pcln_off;
	if (nfunc > PCLN_MAX_FUNCS)
		return pcln_bad(r, "%llu functions (at most %u)", (unsigned long long)nfunc,
				PCLN_MAX_FUNCS);
	if (!pcln_has(r, pcln_off, (nfunc + 1) * 8))
		return pcln_bad(r, "function table of %llu entries at %#llx past the table (%#llx bytes)",
				(unsigned long long)nfunc, (unsigned long long)pcln_off,
				(unsigned long long)r->size);
	if (nameoff_base >= r->size)
		return pcln_bad(r, "name table at %#llx past the table (%#llx bytes)",
				(unsigned long long)nameoff_base, (unsigned long long)r->size);
	if (!tab->text_start) {
		uint64_t addr;
		struct elfimg_section text;

		/*
		 * Go 1.26 writes textStart = 0: moduledata.text is the truth,
		 * then the runtime.text symbol, then .text (wrong under cgo).
		 */
		if (!moduledata_text(r, ps, nameoff_base,
				     nfunc ? ga_read_le(r->base + pcln_off, 4) : 0, &addr)) {
			tab->text_start = addr;
			pr_info("pclntab: textStart is 0 in '%s'; text starts at 0x%llx per moduledata",
				elfimg__path(r->bin), (unsigned long long)addr);
		} else if (!elfimg__symbol(r->bin, "runtime.text", &addr, NULL))
			tab->text_start = addr;
		else if (!elfimg__section(r->bin, ".text", &text))
			tab->text_start = text.addr;
		else
			return pcln_bad(r, "textStart is 0 and nothing says where the code starts");
	}
	tab->funcs = calloc(nfunc ? nfunc : 1, sizeof(*tab->funcs));
	if (!tab->funcs)
		return -ENOMEM;
	for (i = 0; i < nfunc; i++) {
		const uint8_t *ft = r->base + pcln_off + i * 8;
		uint32_t entryoff = ga_read_le(ft, 4), funcoff = ga_read_le(ft + 4, 4);
		uint32_t next_entryoff = ga_read_le(ft + 8, 4);
		uint64_t fo = pcln_off + funcoff;
		const char *name;
		int32_t nameoff;

		if (!pcln_has(r, fo, id_off + 4))
			return pcln_bad(r, "function %zu of %llu: record at %#llx past the table (%#llx bytes)",
					i, (unsigned long long)nfunc, (unsigned long long)fo,
					(unsigned long long)r->size);
		if (next_entryoff < entryoff)
			return pcln_bad(r, "function %zu of %llu: entry %#x after the next one's (%#x)",
					i, (unsigned long long)nfunc, entryoff, next_entryoff);
		if (tab->text_start > UINT64_MAX - next_entryoff)
			return pcln_bad(r, "function %zu of %llu: textStart %#llx + %#x wraps",
					i, (unsigned long long)nfunc,
					(unsigned long long)tab->text_start, next_entryoff);
		nameoff = (int32_t)ga_read_le(r->base + fo + 4, 4);
		name = nameoff < 0 ? NULL : pcln_cstr(r, nameoff_base + nameoff);
		if (!name)
			return pcln_bad(r, "function %zu of %llu: name offset %#x past the table (%#llx bytes)",
					i, (unsigned long long)nfunc, (uint32_t)nameoff,
					(unsigned long long)r->size);
		add_func(tab, i, tab->text_start + entryoff, tab->text_start + next_entryoff, name,
			 r->base + fo, r->size - fo, 8, id_off);
	}
	tab->nfunc = nfunc;
	return 0;
}

static int parse_116(struct pclntab *tab, const struct pcln_reader *r)
{
	int ps = tab->ptr_size;
	uint64_t nfunc, nameoff_base, pcln_off, hdr_len = 8 + 7 * ps;
	size_t i;

	if (!pcln_has(r, 0, hdr_len))
		return pcln_bad(r, "header cut short (%#llx bytes)", (unsigned long long)r->size);
	nfunc = ga_read_le(r->base + 8, ps);
	nameoff_base = ga_read_le(r->base + 8 + 2 * ps, ps);
	pcln_off = ga_read_le(r->base + 8 + 6 * ps, ps);
	tab->nameoff_base = nameoff_base;
	tab->pctab_off = ga_read_le(r->base + 8 + 5 * ps, ps);
	tab->pcln_off = pcln_off;
	if (nfunc > PCLN_MAX_FUNCS)
		return pcln_bad(r, "%llu functions (at most %u)", (unsigned long long)nfunc,
				PCLN_MAX_FUNCS);
	if (!pcln_has(r, pcln_off, (nfunc + 1) * 2 * ps))
		return pcln_bad(r, "function table of %llu entries at %#llx past the table (%#llx bytes)",
				(unsigned long long)nfunc, (unsigned long long)pcln_off,
				(unsigned long long)r->size);
	if (nameoff_base >= r->size)
		return pcln_bad(r, "name table at %#llx past the table (%#llx bytes)",
				(unsigned long long)nameoff_base, (unsigned long long)r->size);
	tab->funcs = calloc(nfunc ? nfunc : 1, sizeof(*tab->funcs));
	if (!tab->funcs)
		return -ENOMEM;
	for (i = 0; i < nfunc; i++) {
		const uint8_t *ft = r->base + pcln_off + i * 2 * ps;
		uint64_t entry = ga_read_le(ft, ps), funcoff = ga_read_le(ft + ps, ps);
		uint64_t next = ga_read_le(ft + 2 * ps, ps), fo = pcln_off + funcoff;
		const char *name;
		int32_t nameoff;

		/* _func: entry uintptr, nameoff, args, deferreturn, pcsp, pcfile, pcln,
		 * npcdata, cuOffset, funcID, ... */
		if (funcoff >= r->size || !pcln_has(r, fo, ps + 36))
			return pcln_bad(r, "function %zu of %llu: record at %#llx past the table (%#llx bytes)",
					i, (unsigned long long)nfunc, (unsigned long long)funcoff,
					(unsigned long long)r->size);
		if (next < entry)
			return pcln_bad(r, "function %zu of %llu: entry %#llx after the next one's (%#llx)",
					i, (unsigned long long)nfunc, (unsigned long long)entry,
					(unsigned long long)next);
		nameoff = (int32_t)ga_read_le(r->base + fo + ps, 4);
		name = nameoff < 0 ? NULL : pcln_cstr(r, nameoff_base + nameoff);
		if (!name)
			return pcln_bad(r, "function %zu of %llu: name offset %#x past the table (%#llx bytes)",
					i, (unsigned long long)nfunc, (uint32_t)nameoff,
					(unsigned long long)r->size);
		add_func(tab, i, entry, next, name, r->base + fo, r->size - fo, ps + 4, ps + 32);
	}
	tab->nfunc = nfunc;
	return 0;
}

static int parse_12(struct pclntab *tab, const struct pcln_reader *r)
{
	int ps = tab->ptr_size;
	uint64_t nfunc;
	size_t i;

	if (!pcln_has(r, 0, 8 + ps))
		return pcln_bad(r, "header cut short (%#llx bytes)", (unsigned long long)r->size);
	nfunc = ga_read_le(r->base + 8, ps);
	if (nfunc > PCLN_MAX_FUNCS)
		return pcln_bad(r, "%llu functions (at most %u)", (unsigned long long)nfunc,
				PCLN_MAX_FUNCS);
	if (!pcln_has(r, 8 + ps, (nfunc * 2 + 1) * ps))
		return pcln_bad(r, "function table of %llu entries past the table (%#llx bytes)",
				(unsigned long long)nfunc, (unsigned long long)r->size);
	tab->funcs = calloc(nfunc ? nfunc : 1, sizeof(*tab->funcs));
	if (!tab->funcs)
		return -ENOMEM;
	for (i = 0; i < nfunc; i++) {
		const uint8_t *ft = r->base + 8 + ps + i * 2 * ps;
		uint64_t entry = ga_read_le(ft, ps), funcoff = ga_read_le(ft + ps, ps);
		uint64_t next = ga_read_le(ft + 2 * ps, ps);
		const char *name;
		int32_t nameoff;

		/* _func: entry uintptr, nameoff (from the table start), args, ... funcID
		 * (Go 1.12+) after 7 int32 fields; older binaries read 0 there. */
		if (!pcln_has(r, funcoff, ps + 8))
			return pcln_bad(r, "function %zu of %llu: record at %#llx past the table (%#llx bytes)",
					i, (unsigned long long)nfunc, (unsigned long long)funcoff,
					(unsigned long long)r->size);
		if (next < entry)
			return pcln_bad(r, "function %zu of %llu: entry %#llx after the next one's (%#llx)",
					i, (unsigned long long)nfunc, (unsigned long long)entry,
					(unsigned long long)next);
		nameoff = (int32_t)ga_read_le(r->base + funcoff + ps, 4);
		name = nameoff < 0 ? NULL : pcln_cstr(r, nameoff);
		if (!name)
			return pcln_bad(r, "function %zu of %llu: name offset %#x past the table (%#llx bytes)",
					i, (unsigned long long)nfunc, (uint32_t)nameoff,
					(unsigned long long)r->size);
		add_func(tab, i, entry, next, name, r->base + funcoff, r->size - funcoff, ps + 4,
			 ps + 28);
		tab->funcs[i].flag = 0;	/* no flag byte in this format */
	}
	tab->nfunc = nfunc;
	return 0;
}

static void moduledata_read(struct pclntab *tab, const struct pcln_reader *r, uint32_t magic);

static int parse_table(struct pclntab *tab, const struct pcln_reader *r)
{
	uint32_t magic = (uint32_t)ga_read_le(r->base, 4);
	size_t i;
	int err;

	tab->bin = r->bin;
	tab->base = r->base;
	tab->size = r->size;
	tab->addr = r->addr;
	tab->min_lc = r->base[6];
	tab->ptr_size = r->base[7];
	switch (magic) {
	case PCLN_MAGIC_120:
		strcpy(tab->format, "1.20");
		err = parse_118(tab, r, true);
		break;
	case PCLN_MAGIC_118:
		strcpy(tab->format, "1.18");
		err = parse_118(tab, r, false);
		break;
	case PCLN_MAGIC_116:
		strcpy(tab->format, "1.16");
		err = parse_116(tab, r);
		break;
	default:
		strcpy(tab->format, "1.2");
		err = parse_12(tab, r);
		break;
	}
	if (!err && tab->ptr_size != elfimg__ptr_size(r->bin))
		err = pcln_bad(r, "%d-byte words in a %d-byte ELF file", tab->ptr_size,
			       elfimg__ptr_size(r->bin));
	for (i = 1; !err && i < tab->nfunc; i++)
		if (tab->funcs[i].entry < tab->funcs[i - 1].entry)
			err = pcln_bad(r, "function %zu of %zu: entry %#llx before the previous one's",
				       i, tab->nfunc, (unsigned long long)tab->funcs[i].entry);
	if (!err && tab->nfunc)
		moduledata_read(tab, r, magic);
	return err;
}

/* One step of a pc-value table (runtime/symtab.go step()): false at its end. */
static bool pcvalue_step(const uint8_t **p, const uint8_t *end, uint64_t *pc, int32_t *val,
			 bool first, int min_lc)
{
	uint32_t uv = 0, pcd = 0;
	unsigned int shift = 0;

	for (;;) {
		if (*p >= end || shift > 28)
			return false;
		uv |= (uint32_t)(**p & 0x7f) << shift;
		if (!(*(*p)++ & 0x80))
			break;
		shift += 7;
	}
	if (uv == 0 && !first)
		return false;
	uv = (uv & 1) ? ~(uv >> 1) : uv >> 1;
	for (shift = 0;;) {
		if (*p >= end || shift > 28)
			return false;
		pcd |= (uint32_t)(**p & 0x7f) << shift;
		if (!(*(*p)++ & 0x80))
			break;
		shift += 7;
	}
	*pc += (uint64_t)pcd * min_lc;
	/* the runtime's int32 add wraps; unsigned here, no signed overflow on damaged deltas */
	*val = (int32_t)((uint32_t)*val + uv);
	return true;
}

#define PCDATA_INLTREEINDEX 2	/* runtime/symtab.go _PCDATA_InlTreeIndex */
#define FUNCDATA_INLTREE 3	/* _FUNCDATA_InlTree */
#define INLINE_MAX 4096
/*
 * Cap on the inline ranges of one function (12 bytes each: 3 MB): a
 * range needs code bytes of its own, the largest Go functions seen have a
 * few thousand; more is a damaged table (-E2BIG).
 */
#define INL_RANGES_MAX (1u << 18)

/* A function's _func record: where its pcdata and funcdata tables are. */
struct func_tables {
	const uint8_t *fn;
	int hdr;		/* bytes before pcdata[] */
	uint32_t npcdata, nfuncdata;
};

static int func_tables(const struct pclntab *tab, size_t idx, struct func_tables *ft)
{
	const struct pcln_func *f = &tab->funcs[idx];
	bool v120 = !strcmp(tab->format, "1.20"), v116 = !strcmp(tab->format, "1.16");
	int ps = tab->ptr_size;
	uint64_t end;

	if (!strcmp(tab->format, "1.2") || (!v116 && !tab->gofunc))
		return -ENOTSUP;
	ft->fn = tab->base + f->func_off;
	/* _func sizes: 1.16-1.17 entry uintptr + 9 words; 1.18-1.19 40 bytes; 1.20+ 44 */
	ft->hdr = v116 ? ps + 36 : v120 ? 44 : 40;
	if (f->func_off + ft->hdr > tab->size)
		return -EINVAL;
	ft->npcdata = ga_read_le(ft->fn + (v116 ? ps + 24 : 28), 4);
	ft->nfuncdata = ft->fn[ft->hdr - 1];
	/* pcdata u32s, then funcdata: u32 offsets (1.18+) or word-aligned pointers (1.16) */
	end = f->func_off + ft->hdr + 4 * (uint64_t)ft->npcdata;
	if (v116)
		end = (end + ps - 1) / ps * ps + (uint64_t)ft->nfuncdata * ps;
	else
		end += 4 * (uint64_t)ft->nfuncdata;
	if (end > tab->size)
		return -EINVAL;
	return 0;
}

int pclntab__funcdata(const struct pclntab *tab, size_t idx, unsigned int which, uint64_t *addr)
{
	uint64_t func_off = tab->funcs[idx].func_off;
	int ps = tab->ptr_size, err;
	struct func_tables ft;

	*addr = 0;
	err = func_tables(tab, idx, &ft);
	if (err)
		return err;
	if (which >= ft.nfuncdata)
		return -ENOENT;
	if (!strcmp(tab->format, "1.16")) {
		/* pointers, pointer-aligned after pcdata[] */
		size_t fdo = ft.hdr + 4 * ft.npcdata;

		fdo = (func_off + fdo + ps - 1) / ps * ps - func_off;
		*addr = ga_read_le(ft.fn + fdo + which * ps, ps);
	} else {
		/* offsets from moduledata.gofunc; ^0 for none */
		uint32_t o = ga_read_le(ft.fn + ft.hdr + 4 * ft.npcdata + 4 * which, 4);

		*addr = o == 0xffffffffu ? 0 : tab->gofunc + o;
	}
	return *addr ? 0 : -ENOENT;
}

/*
 * moduledata word indices after text (runtime/symtab.go `type moduledata`,
 * written by cmd/link/internal/ld/symtab.go), -1 for none. The table's
 * magic dates only 1.2 / 1.16 / 1.18 / 1.20+: Go 1.26 inserted epclntab
 * after gofunc (src-1.26/runtime/symtab.go:425); 1.27 inserted typedesclen
 * after types, itaboffset and itabsize after etypes, and dropped
 * typelinks and itablinks (src-1.27/runtime/symtab.go:419-426). The Go
 * version says which layout to try first; a layout is used only when
 * its words check out against the binary.
 */
struct md_layout {
	char name[8];		/* the release that introduced it */
	uint32_t magic;
	int minor;
	int types, etypes, typedesclen, gofunc, typelinks;
};

static const struct md_layout md_layouts[] = {
	/* 1.9-1.15: 3 slices, findfunctab, minpc, maxpc, 13 section bounds, gcdata, gcbss */
	{ "1.2", PCLN_MAGIC_12, 2, 25, 26, -1, -1, 30 },
	{ "1.16", PCLN_MAGIC_116, 16, 35, 36, -1, -1, 40 },
	{ "1.18", PCLN_MAGIC_118, 18, 35, 36, -1, 38, 42 },
	/* 1.20 added covctrs, ecovctrs at 32-33 */
	{ "1.20", PCLN_MAGIC_120, 20, 37, 38, -1, 40, 44 },
	{ "1.26", PCLN_MAGIC_120, 26, 37, 38, -1, 40, 45 },
	{ "1.27", PCLN_MAGIC_120, 27, 37, 39, 38, 43, -1 },
};

struct md_words {
	uint64_t types, etypes, typedesclen, gofunc, typelinks, ntypelinks;
};

static bool md_data_at(const struct elfimg *bin, uint64_t addr, uint64_t len)
{
	return addr && elfimg__vaddr_ptr(bin, addr, len ? len : 1) && !elfimg__vaddr_is_exec(bin, addr);
}

/*
 * Does gofunc resolve the funcdata of the first functions that have some
 * to file data? An offset of itaboffset (1.27's word 40) does not.
 */
static bool gofunc_ok(const struct pclntab *tab, uint64_t gofunc)
{
	struct pclntab t = *tab;
	size_t i, seen = 0;
	unsigned int k;

	if (!md_data_at(tab->bin, gofunc, 1))
		return false;
	t.gofunc = gofunc;
	for (i = 0; i < t.nfunc && seen < 256; i++) {
		struct func_tables ft;

		if (func_tables(&t, i, &ft))
			continue;
		for (k = 0; k < ft.nfuncdata; k++) {
			uint64_t addr;

			if (pclntab__funcdata(&t, i, k, &addr))
				continue;
			if (!md_data_at(tab->bin, addr, 1))
				return false;
			seen++;
		}
	}
	return seen > 0;
}

/* A []int32 of offsets into [types, etypes): ptr, len, cap words. */
static bool typelinks_ok(const struct elfimg *bin, const uint8_t *w, int ps, const struct md_words *mw)
{
	uint64_t ptr = ga_read_le(w, ps), len = ga_read_le(w + ps, ps), i;
	const uint8_t *p;

	if (!len || len != ga_read_le(w + 2 * ps, ps) || len > (1u << 24))
		return false;
	p = elfimg__vaddr_ptr(bin, ptr, len * 4);
	if (!p)
		return false;
	for (i = 0; i < len; i++)
		if ((uint32_t)ga_read_le(p + 4 * i, 4) >= mw->etypes - mw->types)
			return false;
	return true;
}

/* Read layout l's words from md: how many of its checks pass, of *nchecks. */
static int md_check(const struct pclntab *tab, const uint8_t *md, const struct md_layout *l,
		    struct md_words *mw, int *nchecks)
{
	const struct elfimg *bin = tab->bin;
	int ps = tab->ptr_size, ok = 0;

	memset(mw, 0, sizeof(*mw));
	*nchecks = 1 + (l->gofunc >= 0) + (l->typelinks >= 0 || l->typedesclen >= 0);
	mw->types = ga_read_le(md + l->types * ps, ps);
	mw->etypes = ga_read_le(md + l->etypes * ps, ps);
	if (mw->types < mw->etypes && mw->etypes - mw->types < (1ull << 31) &&
	    md_data_at(bin, mw->types, 1) && md_data_at(bin, mw->etypes - 1, 1))
		ok++;
	else
		mw->types = mw->etypes = 0;
	if (l->gofunc >= 0) {
		mw->gofunc = ga_read_le(md + l->gofunc * ps, ps);
		if (gofunc_ok(tab, mw->gofunc))
			ok++;
		else
			mw->gofunc = 0;
	}
	if (l->typelinks >= 0 && mw->types && typelinks_ok(bin, md + l->typelinks * ps, ps, mw)) {
		mw->typelinks = ga_read_le(md + l->typelinks * ps, ps);
		mw->ntypelinks = ga_read_le(md + (l->typelinks + 1) * ps, ps);
		ok++;
	}
	if (l->typedesclen >= 0 && mw->types) {
		mw->typedesclen = ga_read_le(md + l->typedesclen * ps, ps);
		if (mw->typedesclen > (uint64_t)ps && mw->typedesclen <= mw->etypes - mw->types)
			ok++;
		else
			mw->typedesclen = 0;
	}
	return ok;
}

/*
 * The layouts the table's magic allows, the one of the binary's Go version
 * first (the newest when the version is unknown or newer than all).
 */
static size_t md_candidates(uint32_t magic, int minor, const struct md_layout **out)
{
	size_t i, n = 0, first = 0;

	for (i = ARRAY_SIZE(md_layouts); i-- > 0;) {
		if (md_layouts[i].magic != magic)
			continue;
		if (minor && md_layouts[i].minor > minor)
			first = n + 1;	/* newer than the binary: tried after */
		out[n++] = &md_layouts[i];
	}
	if (first && first < n) {
		const struct md_layout *pick = out[first];

		memmove(out + 1, out, first * sizeof(*out));
		out[0] = pick;
	}
	return n;
}

static void moduledata_read(struct pclntab *tab, const struct pcln_reader *r, uint32_t magic)
{
	const struct md_layout *cand[ARRAY_SIZE(md_layouts)], *best = NULL;
	struct md_words mw, best_w = {};
	int best_ok = 0, best_n = 0, ps = tab->ptr_size;
	const uint8_t *md;
	size_t n, i;

	/* 1.2-1.15: found by ftab's data pointer (word 3), after the header */
	if (magic == PCLN_MAGIC_12)
		md = moduledata_find_at(r->bin, r->addr, ps, 3, r->addr + 8 + ps);
	else
		md = moduledata_find(r->bin, r->addr, ps, tab->nameoff_base);
	n = md_candidates(magic, r->go_minor, cand);
	for (i = 0; md && i < n; i++) {
		int nchecks, ok = md_check(tab, md, cand[i], &mw, &nchecks);

		if (ok > best_ok) {
			best = cand[i];
			best_w = mw;
			best_ok = ok;
			best_n = nchecks;
		}
		if (ok == nchecks)
			break;
	}
	if (best) {
		snprintf(tab->md_layout, sizeof(tab->md_layout), "%s", best->name);
		tab->types = best_w.types;
		tab->etypes = best_w.etypes;
		tab->gofunc = best_w.gofunc;
		tab->typelinks = best_w.typelinks;
		tab->ntypelinks = best_w.ntypelinks;
		tab->typedesclen = best_w.typedesclen;
		if (magic != PCLN_MAGIC_12 &&
		    elfimg__vaddr_is_exec(r->bin, ga_read_le(md + MD_WORD_TEXT * ps, ps)))
			tab->text = ga_read_le(md + MD_WORD_TEXT * ps, ps);
		if (best != cand[0])
			pr_info("pclntab: moduledata of '%s' has the words of Go %s, not those of its "
				"version (go1.%d)", elfimg__path(r->bin), best->name, r->go_minor);
		if (best_ok < best_n)
			pr_info("pclntab: only %d of %d checks of moduledata (Go %s layout) pass in '%s'",
				best_ok, best_n, best->name, elfimg__path(r->bin));
		pr_debug("pclntab: moduledata of '%s' (Go %s words): types 0x%llx-0x%llx gofunc 0x%llx "
			 "typelinks %llu typedesclen 0x%llx", elfimg__path(r->bin), best->name,
			 (unsigned long long)tab->types, (unsigned long long)tab->etypes,
			 (unsigned long long)tab->gofunc, (unsigned long long)tab->ntypelinks,
			 (unsigned long long)tab->typedesclen);
	} else {
		pr_info("pclntab: no usable moduledata in '%s': no type names", elfimg__path(r->bin));
	}
	if (magic == PCLN_MAGIC_12 || magic == PCLN_MAGIC_116 || tab->gofunc)
		return;
	/* no moduledata: the linker's symbol, when it is there, checked the same way */
	{
		uint64_t addr;

		if ((!elfimg__symbol(r->bin, "go:func.*", &addr, NULL) ||
		     !elfimg__symbol(r->bin, "go.func.*", &addr, NULL)) && gofunc_ok(tab, addr))
			tab->gofunc = addr;
	}
	if (!tab->gofunc)
		pr_warn("pclntab: no funcdata base (moduledata.gofunc) in '%s': no arg-info words, "
			"no inline trees", elfimg__path(r->bin));
}

/* The next argument of out, or NULL when the runtime's limit is reached. */
static struct pcln_arg *arginfo_next(struct pcln_arginfo *out)
{
	if (out->nargs == PCLN_ARGINFO_MAX_ARGS)
		return NULL;
	out->args[out->nargs].n = 0;
	return &out->args[out->nargs++];
}

/*
 * runtime/traceback.go printArgs: (offset, size) byte pairs, with
 * aggregates between START_AGG and END_AGG, OFFSET_TOO_LARGE for a word
 * past offset 250 (no size follows), DOTDOTDOT for "more", END last.
 */
static void arginfo_decode(const uint8_t *p, size_t len, struct pcln_arginfo *out)
{
	struct pcln_arg *cur = NULL;
	size_t i = 0;
	int depth = 0;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		uint8_t o = p[i++];

		if (o == GO_ARGINFO_DOTDOTDOT) {
			out->truncated = true;
			return;
		}
		if (o == GO_ARGINFO_END)
			return;
		if (o == GO_ARGINFO_OFFSET_TOO_LARGE) {
			if (depth == 0 && !(cur = arginfo_next(out)))
				return;
			if (cur)
				cur->n = -1;
			continue;
		}
		if (o == GO_ARGINFO_START_AGG) {
			if (depth++ == 0 && !(cur = arginfo_next(out)))
				return;
			continue;
		}
		if (o == GO_ARGINFO_END_AGG) {
			if (depth)
				depth--;
			continue;
		}
		if (i >= len)
			return;
		if (depth == 0 && !(cur = arginfo_next(out)))
			return;
		if (cur && cur->n >= 0 && cur->n < PCLN_ARGINFO_MAX_WORDS) {
			cur->off[cur->n] = o;
			cur->size[cur->n++] = p[i];
		}
		i++;
	}
}

int pclntab__arginfo(const struct pclntab *tab, size_t idx, struct pcln_arginfo *out)
{
	const uint8_t *p = NULL;
	uint64_t addr;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (pclntab__funcdata(tab, idx, FUNCDATA_ARGINFO, &addr))
		return -ENOENT;
	/* at most GO_ARGINFO_MAX_LEN bytes, fewer at the end of the data */
	for (len = GO_ARGINFO_MAX_LEN; len && !(p = elfimg__vaddr_ptr(tab->bin, addr, len)); len--)
		;
	if (!p)
		return -ENOENT;
	arginfo_decode(p, len, out);
	return 0;
}

/*
 * The PCDATA_InlTreeIndex pc-value table of a function as ranges: a value
 * holds from the pc before its step up to the pc after it, starting at the
 * entry with -1 (runtime/symtab.go pcvalue of Go 1.19, unchanged in 1.26).
 * -1 (no inlined call) and indexes past INLINE_MAX are left out, a range
 * is cut at the function's end. *maxval: the largest index seen, -1 none.
 */
static int inl_ranges_read(const struct pclntab *tab, const struct pcln_func *f, const uint8_t *p,
			   struct pcln_inl_range **out, size_t *n, int32_t *maxval)
{
	const uint8_t *pend = tab->base + tab->size;
	uint64_t pc = f->entry, prev_pc = pc, fend = f->end;
	struct pcln_inl_range *arr = NULL;
	size_t cnt = 0, cap = 0;
	int32_t val = -1;
	bool first = true;

	*maxval = -1;
	/* ranges are uint32 offsets from the entry: a damaged end is cut there */
	if (fend - f->entry > UINT32_MAX)
		fend = f->entry + UINT32_MAX;
	/* every step reads at least 2 bytes: at most size / 2 steps */
	while (pcvalue_step(&p, pend, &pc, &val, first, tab->min_lc)) {
		uint64_t end = pc < fend ? pc : fend;

		if (pc < prev_pc)
			break;	/* the pc wrapped: a damaged entry near 2^64 */
		first = false;
		if (val > *maxval)
			*maxval = val;
		if (val >= 0 && val < INLINE_MAX && prev_pc < end) {
			if (cnt && arr[cnt - 1].idx == val && arr[cnt - 1].end == prev_pc - f->entry) {
				arr[cnt - 1].end = end - f->entry;
			} else {
				if (cnt == INL_RANGES_MAX) {
					pr_debug("pclntab: '%s': %s: more than %u inline ranges",
						 elfimg__path(tab->bin), f->name, INL_RANGES_MAX);
					free(arr);
					return -E2BIG;
				}
				if (ga_ensure_mem((void **)&arr, &cap, cnt + 1, sizeof(*arr))) {
					free(arr);
					return -ENOMEM;
				}
				arr[cnt++] = (struct pcln_inl_range){
					.start = prev_pc - f->entry, .end = end - f->entry, .idx = val,
				};
			}
		}
		prev_pc = pc;
		if (pc >= fend)
			break;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* The inline-tree index at off bytes from the entry: the range holding it, -1 when none. */
static int32_t inl_index_at(const struct pcln_inl_range *r, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (off < r[mid].start)
			hi = mid;
		else if (off >= r[mid].end)
			lo = mid + 1;
		else
			return r[mid].idx;
	}
	return -1;
}

/*
 * Parents come from call-site pcs, which damage can point anywhere: cut
 * every cycle of parent links (at the link that closes it), so walking
 * up from any call ends at -1 within n steps. O(n) with one mark a call.
 */
static int inl_break_cycles(struct pcln_inline *arr, size_t n)
{
	enum { UNSEEN, ON_PATH, DONE };
	uint8_t *state = calloc(n, 1);
	size_t i;

	if (!state)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		int j = (int)i, last = -1;

		while (j >= 0 && state[j] == UNSEEN) {
			state[j] = ON_PATH;
			last = j;
			j = arr[j].parent;
		}
		if (j >= 0 && state[j] == ON_PATH)
			arr[last].parent = -1;
		for (j = (int)i; j >= 0 && state[j] == ON_PATH; j = arr[j].parent)
			state[j] = DONE;
	}
	free(state);
	return 0;
}

int pclntab__inlines(const struct pclntab *tab, size_t idx, struct pcln_inline **out, size_t *n,
		     struct pcln_inl_range **ranges, size_t *nranges)
{
	const struct pcln_func *f = &tab->funcs[idx];
	const uint8_t *tree;
	bool v120 = !strcmp(tab->format, "1.20");
	int ent_size, err;
	uint32_t pcdata_off;
	uint64_t tree_addr;
	int32_t maxval;
	struct pcln_inline *arr;
	struct pcln_inl_range *rs = NULL;
	struct func_tables ft;
	size_t i, nrs = 0;

	*out = NULL;
	*n = 0;
	if (ranges) {
		*ranges = NULL;
		*nranges = 0;
	}
	err = func_tables(tab, idx, &ft);
	if (err)
		return err;
	if (ft.npcdata <= PCDATA_INLTREEINDEX || ft.nfuncdata <= FUNCDATA_INLTREE)
		return 0;
	pcdata_off = ga_read_le(ft.fn + ft.hdr + 4 * PCDATA_INLTREEINDEX, 4);
	if (pclntab__funcdata(tab, idx, FUNCDATA_INLTREE, &tree_addr))
		tree_addr = 0;
	if (!pcdata_off || !tree_addr)
		return 0;

	/* The largest inline-tree index the pc table uses bounds the tree. */
	if (tab->pctab_off >= tab->size || pcdata_off >= tab->size - tab->pctab_off)
		return -EINVAL;
	err = inl_ranges_read(tab, f, tab->base + tab->pctab_off + pcdata_off, &rs, &nrs, &maxval);
	if (err)
		return err;
	if (maxval < 0)
		goto out_free_ranges;
	if (maxval >= INLINE_MAX)
		maxval = INLINE_MAX - 1;
	/*
	 * runtime inlinedCall: 1.20+ (runtime/symtabinl.go) funcID, pad[3],
	 * nameOff, parentPc, startLine; 1.16-1.19 (runtime/symtab.go) parent
	 * int16, funcID, pad, file, line, func_ (nameoff), parentPc.
	 */
	ent_size = v120 ? 16 : 20;
	tree = elfimg__vaddr_ptr(tab->bin, tree_addr, (uint64_t)(maxval + 1) * ent_size);
	if (!tree) {
		err = -EINVAL;
		goto out_free_ranges;
	}
	arr = calloc(maxval + 1, sizeof(*arr));
	if (!arr) {
		err = -ENOMEM;
		goto out_free_ranges;
	}
	for (i = 0; i <= (size_t)maxval; i++) {
		const uint8_t *e = tree + i * ent_size;
		int32_t nameoff = (int32_t)ga_read_le(e + (v120 ? 4 : 12), 4);
		int32_t parent_pc = (int32_t)ga_read_le(e + (v120 ? 8 : 16), 4);
		const char *name = nameoff < 0 ? NULL : pcln_cstr_at(tab, tab->nameoff_base + nameoff);

		arr[i].callee = name ? name : "?";
		arr[i].offset = UINT32_MAX;
		/*
		 * The enclosing call is the one whose body holds parentPc, the
		 * call site: the runtime walks up that way in every release
		 * (1.19 runtime/symtab.go expandCgoFrames' loop, 1.20+
		 * inlineUnwinder.next); 1.20 dropped the parent field.
		 */
		arr[i].parent = parent_pc < 0 ? -1 : inl_index_at(rs, nrs, parent_pc);
		if (arr[i].parent == (int)i)
			arr[i].parent = -1;
	}
	err = inl_break_cycles(arr, maxval + 1);
	if (err) {
		free(arr);
		goto out_free_ranges;
	}
	/* where each body starts: its first range (0 when it has none left) */
	for (i = 0; i < nrs; i++)
		if (rs[i].idx <= maxval && arr[rs[i].idx].offset == UINT32_MAX)
			arr[rs[i].idx].offset = rs[i].start;
	for (i = 0; i <= (size_t)maxval; i++)
		if (arr[i].offset == UINT32_MAX)
			arr[i].offset = 0;
	*out = arr;
	*n = maxval + 1;
	if (ranges) {
		*ranges = rs;
		*nranges = nrs;
		return 0;
	}
out_free_ranges:
	free(rs);
	return err;
}

struct pclntab *pclntab__open(const struct elfimg *bin, const char *go_version)
{
	char why[PCLN_WHY_LEN] = "";
	struct pcln_reader r = { .go_minor = go_minor_of(go_version, NULL) };
	struct pclntab *tab;
	uint32_t magic;
	int err;

	err = find_table(bin, &r);
	if (err) {
		tab = scan_for_table(bin, r.go_minor, &r);
		if (tab) {
			pr_info("pclntab: found the Go function table of '%s' by its magic at 0x%llx",
				elfimg__path(bin), (unsigned long long)r.addr);
			return tab;
		}
		pr_warn("pclntab: no Go function table in '%s' (not a Go binary?)", elfimg__path(bin));
		errno = ENOENT;
		return NULL;
	}
	tab = calloc(1, sizeof(*tab));
	if (!tab) {
		errno = ENOMEM;
		return NULL;
	}
	magic = (uint32_t)ga_read_le(r.base, 4);
	r.why = why;
	err = parse_table(tab, &r);
	if (err) {
		pr_warn("pclntab: corrupt Go %s function table (magic 0x%08x) in '%s'%s%s", tab->format,
			magic, elfimg__path(bin), why[0] ? ": " : "", why);
		pclntab__free(tab);
		errno = -err;
		return NULL;
	}
	return tab;
}

void pclntab__free(struct pclntab *tab)
{
	if (!tab)
		return;
	free(tab->funcs);
	free(tab);
}

const struct pcln_func *pclntab__func_at(const struct pclntab *tab, uint64_t addr)
{
	size_t lo = 0, hi = tab->nfunc;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < tab->funcs[mid].entry)
			hi = mid;
		else if (addr >= tab->funcs[mid].end)
			lo = mid + 1;
		else
			return &tab->funcs[mid];
	}
	return NULL;
}
