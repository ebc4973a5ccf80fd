// SPDX-License-Identifier: MIT
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi.h"
#include "binid.h"
#include "db.h"
#include "buildinfo.h"
#include "disasm.h"
#include "dwarf.h"
#include "goruntime.h"
#include "elfimg.h"
#include "index.h"
#include "log.h"
#include "pclntab.h"
#include "version.h"

/* runtime/symtab.go (Go 1.19+): funcFlag_ASM marks assembly functions. */
#define FUNCFLAG_ASM 0x4

struct indexer {
	char *path;
	struct elfimg *bin;
	struct ga_binid id;
};

struct indexer *indexer__open(const char *path)
{
	struct indexer *ix = calloc(1, sizeof(*ix));
	const uint8_t *data;
	size_t size;
	int err;

	if (!ix) {
		errno = ENOMEM;
		return NULL;
	}
	ix->path = strdup(path);
	ix->bin = elfimg__open(path);
	if (!ix->bin || !ix->path) {
		err = ix->bin ? ENOMEM : errno;
		indexer__free(ix);
		errno = err;
		return NULL;
	}
	data = elfimg__data(ix->bin, &size);
	err = binid_from_mapped(path, data, size, &ix->id);
	if (err) {
		indexer__free(ix);
		errno = -err;
		return NULL;
	}
	return ix;
}

void indexer__free(struct indexer *ix)
{
	if (!ix)
		return;
	elfimg__free(ix->bin);
	free(ix->path);
	free(ix);
}

const char *indexer__sha256(const struct indexer *ix)
{
	return ix->id.sha256;
}

void index_result_clear(struct index_result *res)
{
	ga_build_clear(&res->build);
	ga_funcs_free(res->funcs, res->nfuncs);
	memset(res, 0, sizeof(*res));
}

/*
 * Offset of runtime.g.goid for binaries without DWARF. Only rows checked
 * against the DWARF of a binary of that version and GOARCH are here (the
 * tests check the 1.19 rows on the samples); other versions stay unknown:
 * pairing uses the g pointer, goid is shown as 0.
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
};

static void goid_from_table(struct ga_build *b)
{
	int major, minor;
	size_t i;

	if (go_version_parse(b->go_version, &major, &minor))
		return;
	for (i = 0; i < sizeof(goid_table) / sizeof(goid_table[0]); i++) {
		if (goid_table[i].minor == minor && goid_table[i].arch == b->arch) {
			b->goid_offset = goid_table[i].offset;
			b->goid_offset_source = strdup(goid_table[i].source);
			return;
		}
	}
}

/* The register ABI: amd64 since Go 1.17, arm64 since 1.18 (abi-internal.md). */
static enum ga_abi default_abi(enum ga_arch arch, const char *go_version, const char *pcln_format)
{
	int major, minor;

	if (go_version_parse(go_version, &major, &minor)) {
		/* No version: the table format still dates the toolchain. */
		minor = !strcmp(pcln_format, "1.20") ? 20 : !strcmp(pcln_format, "1.18") ? 18 : 0;
	}
	if (arch == GA_ARCH_AMD64 && minor >= 17)
		return GA_ABI_INTERNAL;
	if (arch == GA_ARCH_ARM64 && minor >= 18)
		return GA_ABI_INTERNAL;
	return GA_ABI0;
}

static bool has_asm_flag(const char *go_version, const char *pcln_format)
{
	int major, minor;

	if (!strcmp(pcln_format, "1.20"))
		return true;
	return !strcmp(pcln_format, "1.18") && !go_version_parse(go_version, &major, &minor) &&
	       minor >= 19;
}

struct addr_set {
	uint64_t *addrs;
	size_t n, cap;
};

static int collect_abi0(const char *name, uint64_t addr, void *ctx)
{
	struct addr_set *set = ctx;
	size_t len = strlen(name);

	if (len < 5 || strcmp(name + len - 5, ".abi0"))
		return 0;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 256;
		void *tmp = realloc(set->addrs, cap * sizeof(*set->addrs));

		if (!tmp)
			return -ENOMEM;
		set->addrs = tmp;
		set->cap = cap;
	}
	set->addrs[set->n++] = addr;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Go 1.17 and 1.18 tables have no assembly flag; their .symtab, when kept,
 * names the ABI0 half of each pair "name.abi0".
 */
static int mark_abi0_symbols(const struct elfimg *bin, struct ga_func *funcs, size_t n)
{
	struct addr_set set = {};
	size_t i;
	int err;

	err = elfimg__for_each_symbol(bin, collect_abi0, &set);
	if (err || !set.n) {
		free(set.addrs);
		return err;
	}
	qsort(set.addrs, set.n, sizeof(*set.addrs), cmp_u64);
	for (i = 0; i < n; i++) {
		if (bsearch(&funcs[i].entry, set.addrs, set.n, sizeof(*set.addrs), cmp_u64))
			funcs[i].abi = GA_ABI0;
	}
	free(set.addrs);
	return 0;
}

/*
 * Go's function table elides type arguments ("main.Max[...]"); .symtab
 * and DWARF keep them ("main.Max[go.shape.int_0]"), which tells two
 * instantiations apart.
 */
struct shape_names {
	struct ga_func **funcs;	/* those named "...[...]...", by entry */
	size_t n;
};

static int cmp_func_entry(const void *key, const void *elem)
{
	uint64_t a = *(const uint64_t *)key, b = (*(struct ga_func *const *)elem)->entry;

	return a < b ? -1 : a > b;
}

static int take_shape_name(const char *name, uint64_t addr, void *ctx)
{
	struct shape_names *sn = ctx;
	struct ga_func **fp;
	char short_name[1024];
	char *full;

	if (!strchr(name, '[') || strlen(name) >= sizeof(short_name))
		return 0;
	fp = bsearch(&addr, sn->funcs, sn->n, sizeof(*sn->funcs), cmp_func_entry);
	if (!fp || strstr((*fp)->name, "[...]") == NULL)
		return 0;
	ga_elide_type_args(name, short_name, sizeof(short_name));
	if (strcmp(short_name, (*fp)->name))
		return 0;
	full = strdup(name);
	if (!full)
		return -ENOMEM;
	free((*fp)->name);
	(*fp)->name = full;
	return 0;
}

static int expand_shape_names(const struct elfimg *bin, struct ga_func *funcs, size_t n)
{
	struct shape_names sn = {};
	size_t i;
	int err;

	sn.funcs = calloc(n ? n : 1, sizeof(*sn.funcs));
	if (!sn.funcs)
		return -ENOMEM;
	for (i = 0; i < n; i++)	/* funcs are in entry order */
		if (strstr(funcs[i].name, "[...]"))
			sn.funcs[sn.n++] = &funcs[i];
	err = sn.n ? elfimg__for_each_symbol(bin, take_shape_name, &sn) : 0;
	free(sn.funcs);
	return err;
}

/*
 * A generic function or a method of a generic type, compiled for a shape:
 * the name's last bracketed group is followed by nothing, or by the
 * method's name ("pkg.F[...]", "pkg.(*T[...]).M", "pkg.T[...].M"); a
 * closure inside one ("pkg.F[...].func1") is not.
 */
static bool is_shape_instance(const char *name)
{
	const char *p, *last = NULL, *rest;
	int depth = 0;

	if (!strncmp(name, "type..", 6) || !strncmp(name, "type:.", 6))
		return false;
	for (p = name; *p; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']' && depth && !--depth)
			last = p;
	}
	if (!last || depth)
		return false;
	rest = last + 1;
	if (!*rest)
		return true;
	if (rest[0] == ')' && rest[1] == '.')
		rest += 2;
	else if (rest[0] == '.')
		rest++;
	else
		return false;
	return *rest && !strchr(rest, '.');
}

static int cmp_func_name(const void *a, const void *b)
{
	const struct ga_func *const *x = a, *const *y = b;
	int c = strcmp((*x)->name, (*y)->name);

	return c ? c : ((*x)->entry < (*y)->entry ? -1 : (*x)->entry > (*y)->entry);
}

/* Does f call or jump to target? */
static bool reaches(const struct elfimg *bin, struct disasm *d, const struct ga_func *f,
		    uint64_t target)
{
	const uint8_t *code = elfimg__vaddr_ptr(bin, f->entry, f->size);

	return code && disasm__reaches(d, code, f->size, f->entry, target);
}

/*
 * Under the register ABI a function may appear twice under one name: an
 * assembly function (ABI0) and the wrapper Go callers reach (ABIInternal),
 * or a Go function and the ABI0 wrapper assembly callers reach. The wrapper
 * forwards to its namesake; it takes the other ABI.
 */
static int mark_abi_wrappers(const struct elfimg *bin, enum ga_arch arch, struct ga_func *funcs,
			     size_t n)
{
	struct ga_func **by_name;
	struct disasm *d;
	size_t i;

	d = disasm__new(arch);
	if (!d)
		return -errno;
	by_name = calloc(n ? n : 1, sizeof(*by_name));
	if (!by_name) {
		disasm__free(d);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		by_name[i] = &funcs[i];
	qsort(by_name, n, sizeof(*by_name), cmp_func_name);
	for (i = 0; i + 1 < n; i++) {
		struct ga_func *a = by_name[i], *b = by_name[i + 1], *wrapper = NULL, *real;

		if (strcmp(a->name, b->name) || (i + 2 < n && !strcmp(b->name, by_name[i + 2]->name)))
			continue;
		if (a->is_asm != b->is_asm)
			wrapper = a->is_asm ? b : a;
		else if (reaches(bin, d, a, b->entry))
			wrapper = a;
		else if (reaches(bin, d, b, a->entry))
			wrapper = b;
		if (!wrapper)
			continue;
		real = wrapper == a ? b : a;
		wrapper->is_wrapper = true;
		/* A .abi0 symbol may already have said which half is ABI0. */
		if (wrapper->abi == real->abi)
			wrapper->abi = real->abi == GA_ABI0 ? GA_ABI_INTERNAL : GA_ABI0;
		else if (real->abi == GA_ABI0 && !real->is_asm)
			real->abi = GA_ABI_INTERNAL, wrapper->abi = GA_ABI0;
		i++;
	}
	free(by_name);
	disasm__free(d);
	return 0;
}

/*
 * Compare where the ABI puts each argument at entry with DWARF's location
 * list there: a disagreement is kept, and shown by the report.
 */
/* Does DWARF agree with the ABI on p? -1: nothing to compare. buf gets DWARF's say. */
static int param_agrees(enum ga_arch arch, const struct goparam *gp, const struct ga_param *p,
			char *buf, size_t buflen)
{
	size_t used = 0, k;
	bool same;

	buf[0] = '\0';
	if (gp->is_result || gp->loc == GOPARAM_LOC_UNKNOWN || !p->npieces)
		return -1;
	if (gp->loc == GOPARAM_LOC_STACK) {
		int ps = arch == GA_ARCH_386 ? 4 : 8;

		/* the CFA is SP at entry plus the return address (a link register on arm64) */
		if (gp->cfa_known && arch != GA_ARCH_ARM64) {
			snprintf(buf, buflen, "%lld(sp)", (long long)(gp->cfa_off + ps));
			/*
			 * Go often locates only the live word of a string or
			 * slice argument (its length) with no DW_OP_piece: a
			 * location of one of its pieces agrees.
			 */
			same = false;
			for (k = 0; k < p->npieces && p->on_stack; k++)
				if (p->pieces[k].loc == GA_LOC_STACK &&
				    p->pieces[k].stack_off == gp->cfa_off + ps)
					same = true;
		} else {
			snprintf(buf, buflen, "stack");
			same = p->on_stack;
		}
	} else {
		/* pieces DWARF leaves without a location (dead parts) are not compared */
		same = !p->on_stack && (size_t)gp->nloc_regs == p->npieces;
		for (k = 0; k < (size_t)gp->nloc_regs; k++) {
			used += snprintf(buf + used, buflen - used, "%s%s", k ? "," : "",
					 gp->loc_regs[k] < 0 ? "-" :
					 ga_reg_name(arch, gp->loc_regs[k]));
			if (same && gp->loc_regs[k] >= 0 && p->pieces[k].reg != gp->loc_regs[k])
				same = false;
			if (used >= buflen)
				break;
		}
	}
	return same;
}

static size_t dwarf_disagreements(enum ga_arch arch, const struct goparam *gps,
				  const struct ga_param *params, size_t n, size_t *checked)
{
	size_t i, bad = 0;
	char buf[256];

	*checked = 0;
	for (i = 0; i < n; i++) {
		int a = param_agrees(arch, &gps[i], &params[i], buf, sizeof(buf));

		*checked += a >= 0;
		bad += a == 0;
	}
	return bad;
}

static int check_against_dwarf(enum ga_arch arch, const struct goparam *gps, struct ga_param *params,
			       size_t n, struct index_result *res)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct ga_param *p = &params[i];
		char buf[256];
		int same = param_agrees(arch, &gps[i], p, buf, sizeof(buf));

		if (same < 0)
			continue;
		p->dwarf_check = same ? GA_DWARF_AGREES : GA_DWARF_DIFFERS;
		p->dwarf_loc = strdup(buf);
		if (!p->dwarf_loc)
			return -ENOMEM;
		res->n_dwarf_checked++;
		res->n_dwarf_differs += !same;
	}
	return 0;
}

/*
 * Go's DWARF leaves out the receiver of generated method wrappers (a
 * promoted or pointer-receiver method: "sort.(*IntSlice).Less"), so every
 * argument after it would be laid out one receiver too early. When DWARF's
 * locations disagree, try a receiver of one to three words in front; keep
 * it only if then every location DWARF gives agrees.
 */
#define RECV_MAX_WORDS 64
static struct gotype recv_word = { .kind = GA_KIND_UINT, .name = "uintptr", .size = 8 };
static struct gofield recv_fields[RECV_MAX_WORDS];
static struct gotype recv_type = { .name = "receiver (not in DWARF)", .fields = recv_fields };

static int infer_receiver(enum ga_arch arch, struct ga_func *f, const struct goparam **gps,
			  size_t *ngps, struct goparam **owned)
{
	static char recv_names[RECV_MAX_WORDS][12];
	int ps = arch == GA_ARCH_386 ? 4 : 8, w, nwords[4] = { 1, 2, 3, 0 };
	size_t checked, n = *ngps, i;
	struct goparam *alt;

	if (!dwarf_disagreements(arch, *gps, f->params, n, &checked) ||
	    (n && !strcmp((*gps)[0].name, ".this")))
		return 0;
	alt = calloc(n + 1, sizeof(*alt));
	if (!alt)
		return -ENOMEM;
	memcpy(alt + 1, *gps, n * sizeof(*alt));
	recv_word.size = ps;
	/* candidates: 1-3 words, and on the stack the shift DWARF shows */
	for (i = 0; i < n && nwords[3] == 0; i++) {
		const struct ga_param *p = &f->params[i];

		if ((*gps)[i].loc == GOPARAM_LOC_STACK && (*gps)[i].cfa_known && !(*gps)[i].is_result &&
		    p->npieces && p->pieces[0].loc == GA_LOC_STACK) {
			int64_t d = (*gps)[i].cfa_off + ps - p->pieces[0].stack_off;

			if (d > 3 * ps && d % ps == 0 && d / ps <= RECV_MAX_WORDS)
				nwords[3] = d / ps;
		}
	}
	for (w = 0; w < 4; w++) {
		struct ga_param *params = NULL;
		int k;

		if (!nwords[w])
			continue;
		recv_type.kind = nwords[w] == 1 ? GA_KIND_PTR : GA_KIND_STRUCT;
		recv_type.size = nwords[w] * ps;
		recv_type.nfields = nwords[w] == 1 ? 0 : nwords[w];
		for (k = 0; k < nwords[w]; k++) {
			snprintf(recv_names[k], sizeof(recv_names[k]), "w%d", k);
			recv_fields[k] = (struct gofield){ .name = recv_names[k], .offset = k * ps,
							   .type = &recv_word };
		}
		alt[0] = (struct goparam){ .name = ".this", .type = &recv_type };
		if (abi_assign(arch, f->abi, alt, n + 1, &params))
			continue;
		if (!dwarf_disagreements(arch, alt, params, n + 1, &checked) && checked) {
			ga_params_free(f->params, n);
			f->params = params;
			free(*owned);	/* alt copied what it pointed at */
			*owned = alt;
			*gps = alt;
			*ngps = n + 1;
			return 0;
		}
		ga_params_free(params, n + 1);
	}
	free(alt);
	return 0;
}

/* The hidden dictionary argument of shape-instantiated generic functions. */
static struct gotype dict_type = { .kind = GA_KIND_PTR, .name = "*runtime.dictionary", .size = 8 };

/*
 * Without DWARF, Go 1.17+ still records each function's argument layout
 * for tracebacks (FUNCDATA_ArgInfo, runtime/traceback.go printArgs): a
 * byte sequence of (offset, size) pairs from the start of the argument
 * area, '{' 0xfe and '}' 0xfd around aggregates, 0xfc "more", 0xfb
 * "offset too large", 0xff the end. Offsets are the stack ABI's; under
 * the register ABI they are the spill slots, and the morestack block
 * says which register spills to which slot (ints and floats alike).
 * The result: arguments "arg0".. as raw words, no types, no results.
 */
#define ARGINFO_MAX_LEN 171	/* (maxDepth*3+2)*limit+1, runtime/traceback.go */
#define ARGINFO_MAX_ARGS 10
#define ARGINFO_MAX_WORDS 16

static int params_from_arginfo(const struct elfimg *bin, const struct pclntab *tab, size_t idx,
			       enum ga_arch arch, struct disasm *dis, struct ga_func *f)
{
	struct ga_spill spills[32];
	struct { int off[ARGINFO_MAX_WORDS], size[ARGINFO_MAX_WORDS], n; } args[ARGINFO_MAX_ARGS];
	int ps = arch == GA_ARCH_386 ? 4 : 8, depth = 0, nargs = 0, a, k, skip;
	bool truncated = false;
	const uint8_t *p = NULL;
	size_t len, i = 0, nsp = 0, j;
	struct ga_param *params;
	uint64_t addr;

	if (pclntab__funcdata(tab, idx, FUNCDATA_ARGINFO, &addr))
		return 0;
	for (len = ARGINFO_MAX_LEN; len && !(p = elfimg__vaddr_ptr(bin, addr, len)); len--)
		;
	if (!p)
		return 0;
	if (f->abi == GA_ABI_INTERNAL) {
		const uint8_t *code = elfimg__vaddr_ptr(bin, f->entry, f->size);

		/* no morestack block, no way to tell registers: leave it to --sig */
		if (f->entry_kind != GA_ENTRY_JCC || !code ||
		    disasm__spills(dis, code, f->size, f->entry, f->entry_probe_offset, spills, 32, &nsp))
			return 0;
	}
	while (i < len) {
		uint8_t o = p[i++];

		if (o == 0xfc) {
			/* "...": the runtime describes at most 10 words */
			truncated = true;
			break;
		}
		if (o == 0xff)
			break;
		if (o == 0xfb) {
			/* a word at an offset past 250: no size follows; its argument is "?" */
			if (depth == 0) {
				if (nargs == ARGINFO_MAX_ARGS)
					break;
				args[nargs++].n = 0;
			}
			args[nargs - 1].n = -1;
			continue;
		}
		if (o == 0xfe) {
			if (depth++ == 0) {
				if (nargs == ARGINFO_MAX_ARGS)
					break;
				args[nargs++].n = 0;
			}
			continue;
		}
		if (o == 0xfd) {
			if (depth)
				depth--;
			continue;
		}
		if (i >= len)
			break;
		if (depth == 0) {
			if (nargs == ARGINFO_MAX_ARGS)
				break;
			args[nargs++].n = 0;
		}
		if (args[nargs - 1].n >= 0 && args[nargs - 1].n < ARGINFO_MAX_WORDS) {
			args[nargs - 1].off[args[nargs - 1].n] = o;
			args[nargs - 1].size[args[nargs - 1].n++] = p[i];
		}
		i++;
	}
	if (!nargs)
		return 0;
	/*
	 * The compiler leaves out the first argument of every function whose
	 * name has a '[' (meant for a generic's dictionary, but type..eq.[2]T
	 * loses its first argument too: ssagen EmitArgInfo): it is shown as "?".
	 */
	skip = strchr(f->name, '[') != NULL;
	params = calloc(nargs + skip, sizeof(*params));
	if (!params)
		return -ENOMEM;
	if (skip) {
		params[0].name = strdup(is_shape_instance(f->name) ? ".dict" : "arg0");
		params[0].type_name = strdup("? (not described)");
		params[0].size = ps;
		if (!params[0].name || !params[0].type_name)
			goto nomem;
	}
	for (a = 0; a < nargs; a++) {
		struct ga_param *prm = &params[a + skip];
		char name[16];

		snprintf(name, sizeof(name), "arg%d", a + skip);
		prm->name = strdup(name);
		/* the last one may be cut short where the runtime's description stops */
		prm->type_name = strdup(truncated && a == nargs - 1 ? "? (first words only)" : "?");
		prm->kind = GA_KIND_UNKNOWN;
		prm->pieces = calloc(args[a].n > 0 ? args[a].n : 1, sizeof(*prm->pieces));
		if (!prm->name || !prm->type_name || !prm->pieces)
			goto nomem;
		prm->npieces = args[a].n > 0 ? args[a].n : 0;
		prm->on_stack = true;
		/*
		 * Under the register ABI only a spilled slot names its register;
		 * the morestack block spills live arguments only, and a slot
		 * not spilled may be a dead register argument or a stack one:
		 * the argument is then shown as "?", never guessed.
		 */
		for (k = 0; f->abi == GA_ABI_INTERNAL && k < args[a].n; k++) {
			for (j = 0; j < nsp && spills[j].off != ps + args[a].off[k]; j++)
				;
			if (j == nsp)
				prm->npieces = 0;
		}
		for (k = 0; k < args[a].n; k++)
			prm->size += args[a].size[k];
		if (args[a].n < 0)
			prm->size = ps;
		for (k = 0; k < (int)prm->npieces; k++) {
			struct ga_piece *pc = &prm->pieces[k];
			char path[32];
			int off = ps + args[a].off[k];

			/* "arg1" for one word, "arg1[0]", "arg1[1]" for an aggregate's */
			if (args[a].n > 1)
				snprintf(path, sizeof(path), "%s[%d]", name, k);
			else
				snprintf(path, sizeof(path), "%s", name);
			pc->path = strdup(path);
			if (!pc->path)
				goto nomem;
			pc->kind = GA_PIECE_RAW;
			pc->size = args[a].size[k];
			pc->loc = GA_LOC_STACK;
			pc->stack_off = off;
			for (j = 0; j < nsp; j++) {
				if (spills[j].off == off) {
					pc->loc = GA_LOC_REG;
					pc->reg = spills[j].reg;
					prm->on_stack = false;
				}
			}
		}
	}
	f->params = params;
	f->nparams = nargs + skip;
	f->params_known = true;
	f->args_only = true;
	return 0;
nomem:
	ga_params_free(params, nargs + skip);
	return -ENOMEM;
}

/* Functions are disassembled in chunks handed out to one thread per core. */
#define INDEX_CHUNK 256
#define INDEX_MAX_THREADS 8

static void show_progress(size_t done, size_t total, bool tty)
{
	if (tty && (done % (16 * INDEX_CHUNK) < INDEX_CHUNK || done == total))
		fprintf(stderr, "\rgoanalyze: %zu/%zu functions%s", done, total, done == total ? "\n" : "");
}


struct disasm_job {
	const struct elfimg *bin;
	const struct pclntab *tab;
	struct ga_func *funcs;
	enum ga_arch arch;
	bool tty;
	atomic_size_t next;	/* first function of the next chunk */
	atomic_size_t done;
	atomic_int err;
	/* the DB writer thread takes finished chunks in order */
	struct gadb_writer *writer;
	pthread_mutex_t lock;
	pthread_cond_t chunk_ready;
	bool *chunk_done;	/* under lock */
	size_t nchunks;
};

static void chunk_finished(struct disasm_job *job, size_t chunk)
{
	if (!job->writer)
		return;
	pthread_mutex_lock(&job->lock);
	job->chunk_done[chunk] = true;
	pthread_cond_signal(&job->chunk_ready);
	pthread_mutex_unlock(&job->lock);
}

/*
 * Exits and inlined calls are final once a function is disassembled:
 * write them while the other threads go on, then drop them from memory.
 */
static void *write_worker(void *arg)
{
	struct disasm_job *job = arg;
	size_t chunk, i, n = job->tab->nfunc;

	for (chunk = 0; chunk < job->nchunks; chunk++) {
		pthread_mutex_lock(&job->lock);
		while (!job->chunk_done[chunk] && !atomic_load(&job->err))
			pthread_cond_wait(&job->chunk_ready, &job->lock);
		pthread_mutex_unlock(&job->lock);
		if (atomic_load(&job->err))
			break;
		for (i = chunk * INDEX_CHUNK; i < n && i < (chunk + 1) * INDEX_CHUNK; i++) {
			struct ga_func *f = &job->funcs[i];
			int err = gadb_writer__add_func_code(job->writer, i, f);
			size_t k;

			if (err) {
				atomic_store(&job->err, err);
				pthread_mutex_lock(&job->lock);
				pthread_cond_broadcast(&job->chunk_ready);
				pthread_mutex_unlock(&job->lock);
				return NULL;
			}
			for (k = 0; k < f->ninlines; k++)
				free(f->inlines[k].callee);
			free(f->inlines);
			f->inlines = NULL;
			f->ninlines = 0;
		}
	}
	return NULL;
}

/* The pclntab inline tree of function i, when the table format has one. */
static int inlines_of(const struct pclntab *tab, size_t i, struct ga_func *f)
{
	struct pcln_inline *in = NULL;
	size_t n = 0, k;
	int err;

	err = pclntab__inlines(tab, i, &in, &n);
	if (err) {
		/* older tables, or an unreadable tree: the function itself is still fine */
		if (err != -ENOTSUP)
			pr_debug("index: %s: unreadable inline tree (%d)", f->name, err);
		return err == -ENOMEM ? err : 0;
	}
	if (!n)
		return 0;
	f->inlines = calloc(n, sizeof(*f->inlines));
	if (!f->inlines) {
		free(in);
		return -ENOMEM;
	}
	for (k = 0; k < n; k++) {
		f->inlines[k] = (struct ga_inline){
			.callee = strdup(in[k].callee), .offset = in[k].offset, .parent = in[k].parent,
		};
		if (!f->inlines[k].callee)
			err = -ENOMEM;
	}
	f->ninlines = n;
	free(in);
	return err;
}

static int disasm_one(struct disasm_job *job, struct disasm *d, size_t i)
{
	const struct pcln_func *pf = &job->tab->funcs[i];
	struct ga_func *f = &job->funcs[i];
	const uint8_t *code = elfimg__vaddr_ptr(job->bin, f->entry, f->size);
	int err;

	if (elfimg__vaddr_to_off(job->bin, f->entry, &f->file_off) || !code ||
	    !elfimg__vaddr_is_exec(job->bin, f->entry)) {
		pr_warn("index: function %s at 0x%llx is not in the file's code; skipped", pf->name,
			(unsigned long long)f->entry);
		f->decode_status = GA_DECODE_BAD;
		f->exits = calloc(1, sizeof(*f->exits));
		return f->exits ? 0 : -ENOMEM;
	}
	err = disasm__func(d, code, f->size, job->tab, f);
	if (err)
		return err;
	/*
	 * Go code entered through ABI0 (cgo stubs, ABI wrappers) must load the
	 * g register itself: its first instruction is MOVQ (TLS), R14, i.e.
	 * mov r14, qword ptr fs:[-8] (cmd/compile/internal/amd64/ssa.go).
	 */
	if (job->arch == GA_ARCH_AMD64 && f->abi == GA_ABI_INTERNAL && f->size >= 9 &&
	    !memcmp(code, "\x64\x4c\x8b\x34\x25\xf8\xff\xff\xff", 9))
		f->abi = GA_ABI0;
	return inlines_of(job->tab, i, f);
}

static void *disasm_worker(void *arg)
{
	struct disasm_job *job = arg;
	struct disasm *d = disasm__new(job->arch);
	size_t n = job->tab->nfunc;

	if (!d) {
		atomic_store(&job->err, -errno);
		return NULL;
	}
	while (!atomic_load(&job->err)) {
		size_t first = atomic_fetch_add(&job->next, INDEX_CHUNK), i, done;

		if (first >= n)
			break;
		for (i = first; i < n && i < first + INDEX_CHUNK; i++) {
			int err = disasm_one(job, d, i);

			if (err) {
				atomic_store(&job->err, err);
				break;
			}
		}
		if (i > first)
			elfimg__release(job->bin, job->funcs[first].entry,
				      job->funcs[i - 1].entry + job->funcs[i - 1].size - job->funcs[first].entry);
		chunk_finished(job, first / INDEX_CHUNK);
		done = atomic_fetch_add(&job->done, i - first) + (i - first);
		show_progress(done, n, job->tty);
	}
	if (atomic_load(&job->err) && job->writer) {
		pthread_mutex_lock(&job->lock);
		pthread_cond_broadcast(&job->chunk_ready);
		pthread_mutex_unlock(&job->lock);
	}
	disasm__free(d);
	return NULL;
}

static int index_funcs(const struct elfimg *bin, const struct pclntab *tab, struct gdwarf *dw,
		       struct gadb_writer *writer, struct index_result *res)
{
	struct ga_build *b = &res->build;
	struct disasm *dis = NULL;
	int vmajor, vminor;
	bool arginfo;
	bool asm_flag = has_asm_flag(b->go_version, tab->format);
	struct disasm_job job = {
		.bin = bin, .tab = tab, .arch = b->arch, .tty = ga_log_stderr_is_tty(),
	};
	pthread_t threads[INDEX_MAX_THREADS], writer_thread;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nthreads, started = 0, i;
	bool writing = false;
	int err = 0;

	res->funcs = calloc(tab->nfunc ? tab->nfunc : 1, sizeof(*res->funcs));
	if (!res->funcs)
		return -ENOMEM;
	for (i = 0; i < tab->nfunc; i++) {
		const struct pcln_func *pf = &tab->funcs[i];
		struct ga_func *f = &res->funcs[i];

		res->nfuncs++;
		f->name = strdup(pf->name);
		if (!f->name)
			return -ENOMEM;
		f->entry = pf->entry;
		f->size = pf->end - pf->entry;
		f->args_size = pf->args;
		f->is_asm = asm_flag && (pf->flag & FUNCFLAG_ASM);
		f->abi = f->is_asm ? GA_ABI0 : b->default_abi;
	}

	job.funcs = res->funcs;
	job.nchunks = (tab->nfunc + INDEX_CHUNK - 1) / INDEX_CHUNK;
	if (writer) {
		job.chunk_done = calloc(job.nchunks + 1, sizeof(*job.chunk_done));
		if (!job.chunk_done)
			return -ENOMEM;
		pthread_mutex_init(&job.lock, NULL);
		pthread_cond_init(&job.chunk_ready, NULL);
		job.writer = writer;
		writing = !pthread_create(&writer_thread, NULL, write_worker, &job);
		if (!writing)
			job.writer = NULL;	/* no thread: functions are written whole below */
	}
	nthreads = ncpu < 1 ? 1 : ncpu > INDEX_MAX_THREADS ? INDEX_MAX_THREADS : (size_t)ncpu;
	if (tab->nfunc < 4 * INDEX_CHUNK)
		nthreads = 1;
	/* This thread works too; the others join it. */
	for (i = 1; i < nthreads; i++) {
		if (pthread_create(&threads[started], NULL, disasm_worker, &job))
			break;
		started++;
	}
	disasm_worker(&job);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (writing)
		pthread_join(writer_thread, NULL);
	if (writer) {
		pthread_mutex_destroy(&job.lock);
		pthread_cond_destroy(&job.chunk_ready);
		free(job.chunk_done);
	}
	err = atomic_load(&job.err);
	if (err)
		return err;
	/* Without a writer thread, the code rows go now. */
	for (i = 0; writer && !writing && i < res->nfuncs; i++) {
		err = gadb_writer__add_func_code(writer, i, &res->funcs[i]);
		if (err)
			return err;
	}
	for (i = 0; i < res->nfuncs; i++) {
		if (res->funcs[i].decode_status == GA_DECODE_BAD)
			res->n_bad++;
		if (res->funcs[i].entry_kind == GA_ENTRY_JCC)
			res->n_jcc_entry++;
	}

	err = expand_shape_names(bin, res->funcs, res->nfuncs);
	if (err)
		return err;
	if (!asm_flag && b->default_abi == GA_ABI_INTERNAL) {
		err = mark_abi0_symbols(bin, res->funcs, res->nfuncs);
		if (err)
			return err;
	}
	err = mark_abi_wrappers(bin, b->arch, res->funcs, res->nfuncs);
	if (err)
		return err;
	/*
	 * DWARF describes a function at its entry; ABI wrappers only forward.
	 * With a writer, each function is written and its params dropped at
	 * once, so memory does not grow with the number of params.
	 */
	/* the arg-info funcdata exists from Go 1.17 (a 1.18+ table says so by itself) */
	arginfo = !strcmp(tab->format, "1.18") || !strcmp(tab->format, "1.20") ||
		  (!go_version_parse(b->go_version, &vmajor, &vminor) && vminor >= 17);
	for (i = 0; i < res->nfuncs; i++) {
		struct ga_func *f = &res->funcs[i];
		const struct goparam *gps;
		size_t ngps;

		if (dw && !f->is_wrapper && f->decode_status != GA_DECODE_BAD &&
		    !gdwarf__func_params(dw, f->entry, &gps, &ngps)) {
			struct goparam *with_dict = NULL;
			const struct goparam *dw_gps;
			size_t k;

			/*
			 * A generic function, or a method of a generic type, compiled
			 * for a shape takes its dictionary as a hidden first argument,
			 * before the receiver, which DWARF does not list
			 * (cmd/compile/internal/noder/stencil.go; the DWARF location
			 * lists of the other arguments agree).
			 */
			if (is_shape_instance(f->name) && (!ngps || strcmp(gps[0].name, ".dict"))) {
				with_dict = calloc(ngps + 1, sizeof(*with_dict));
				if (!with_dict) {
					gdwarf__params_free(dw, gps);
					err = -ENOMEM;
					break;
				}
				with_dict[0] = (struct goparam){ .name = ".dict", .type = &dict_type };
				dict_type.size = b->arch == GA_ARCH_386 ? 4 : 8;
				memcpy(with_dict + 1, gps, ngps * sizeof(*gps));
				gdwarf__params_free(dw, gps);
				gps = with_dict;
				ngps++;
			}
			dw_gps = with_dict ? NULL : gps;
			err = abi_assign(b->arch, f->abi, gps, ngps, &f->params);
			if (!err)
				err = infer_receiver(b->arch, f, &gps, &ngps, &with_dict);
			if (!err)
				err = check_against_dwarf(b->arch, gps, f->params, ngps, res);
			for (k = 0; !err && k < ngps; k++) {
				const struct gotype *pt = gdwarf__type_at(dw, gps[k].type->pointee_off);

				/* --deref: the basic fields of what a pointer argument points at */
				if (pt && pt->size && f->params[k].npieces == 1)
					err = abi_deref_pieces(b->arch, pt, f->params[k].name,
							       &f->params[k].derefs, &f->params[k].nderefs);
			}
			if (dw_gps)
				gdwarf__params_free(dw, dw_gps);
			free(with_dict);
			if (err)
				break;
			f->nparams = ngps;
			f->params_known = true;
			res->n_params_known++;
		}
		if (!f->params_known && arginfo && !f->is_wrapper && f->decode_status != GA_DECODE_BAD) {
			if (!dis)
				dis = disasm__new(b->arch);
			err = dis ? params_from_arginfo(bin, tab, i, b->arch, dis, f) : -errno;
			if (err)
				break;
			res->n_args_from_arginfo += f->args_only;
		}
		if (!writer)
			continue;
		err = gadb_writer__add_func(writer, i, f);
		if (err)
			break;
		ga_params_free(f->params, f->nparams);
		f->params = NULL;
		f->nparams = 0;
	}
	disasm__free(dis);
	return err;
}

int indexer__run(struct indexer *ix, struct gadb_writer *writer, struct index_result *res)
{
	struct gdwarf *dw = NULL;
	struct pclntab *tab = NULL;
	struct ga_build *b = &res->build;
	const struct ga_binid *id = &ix->id;
	const struct elfimg *bin = ix->bin;
	const char *path = ix->path;
	struct elfimg_section sec;
	int err;

	memset(res, 0, sizeof(*res));
	b->goid_offset = -1;
	memcpy(b->sha256, id->sha256, sizeof(b->sha256));
	b->size = id->size;
	/* Absolute: goattach attaches to this path by default, from any directory. */
	b->path = realpath(path, NULL);
	if (!b->path)
		b->path = strdup(path);
	b->go_build_id = id->go_build_id[0] ? strdup(id->go_build_id) : NULL;
	b->gnu_build_id = id->gnu_build_id[0] ? strdup(id->gnu_build_id) : NULL;
	b->arch = elfimg__arch(bin);
	b->pie = elfimg__is_pie(bin);
	b->stripped = !elfimg__has_symtab(bin);
	b->has_dwarf = !elfimg__section(bin, ".debug_info", &sec) ||
		       !elfimg__section(bin, ".zdebug_info", &sec);

	tab = pclntab__open(bin);
	if (!tab) {
		err = -errno;
		goto out;
	}
	if (buildinfo_read(bin, b))
		pr_info("index: no Go version in '%s' (no build info, no runtime.buildVersion)", path);
	snprintf(b->pclntab_format, sizeof(b->pclntab_format), "%s", tab->format);
	b->types_base = tab->types;
	b->text_start = tab->text_start;
	b->default_abi = default_abi(b->arch, b->go_version, tab->format);
	/* cgo binaries are dynamically linked unless built otherwise; build info says for sure. */
	if (!b->mod_info && elfimg__is_dynamic(bin))
		b->cgo = true;

	if (b->has_dwarf) {
		dw = gdwarf__open(path);
		if (!dw && errno != ENOENT)
			pr_info("index: continuing without DWARF for '%s'", path);
	}
	if (dw && gdwarf__goid_offset(dw) >= 0) {
		b->goid_offset = gdwarf__goid_offset(dw);
		b->goid_offset_source = strdup("dwarf");
	} else {
		goid_from_table(b);
	}
	if (writer) {
		err = gadb_writer__begin_build(writer, b, GA_VERSION);
		if (err)
			goto out;
	}
	err = index_funcs(bin, tab, dw, writer, res);
out:
	gdwarf__free(dw);
	pclntab__free(tab);
	if (err)
		index_result_clear(res);
	return err;
}
