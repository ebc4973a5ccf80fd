// SPDX-License-Identifier: MIT
/*
 * What each function of the table is before its parameters are read: its
 * ABI (the release's default, assembly's ABI0, .abi0 symbols, Go code
 * entered through ABI0), which of a same-named pair is the wrapper, and
 * its full name where .symtab keeps the type arguments the table elides.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "abiclass.h"
#include "disasm.h"
#include "goname.h"
#include "goruntime.h"
#include "util.h"

void abiclass_init(const struct ga_build *b, const char *pclntab_format, const struct pcln_func *pf,
		   struct ga_func *f)
{
	f->is_asm = go_has_asm_flag(b->go_version, pclntab_format) && (pf->flag & GO_FUNCFLAG_ASM);
	f->abi = f->is_asm ? GA_ABI0 : b->default_abi;
}

void abiclass_entry_code(enum ga_arch arch, const uint8_t *code, size_t size, struct ga_func *f)
{
	if (arch == GA_ARCH_AMD64 && f->abi == GA_ABI_INTERNAL && go_amd64_loads_g_from_tls(code, size))
		f->abi = GA_ABI0;
}

struct addr_set {
	uint64_t *addrs;
	size_t n, cap;
};

static int collect_abi0(const char *name, uint64_t addr, void *ctx)
{
	struct addr_set *set = ctx;
	int err;

	if (!go_is_abi0_symbol(name))
		return 0;
	err = ga_ensure_mem((void **)&set->addrs, &set->cap, set->n + 1, sizeof(*set->addrs));
	if (err)
		return err;
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
int abiclass_mark_abi0_symbols(const struct elfimg *bin, struct ga_func *funcs, size_t n)
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

int abiclass_expand_shape_names(const struct elfimg *bin, struct ga_func *funcs, size_t n)
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
int abiclass_mark_wrappers(const struct elfimg *bin, enum ga_arch arch, struct ga_func *funcs,
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
