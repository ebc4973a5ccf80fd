// SPDX-License-Identifier: MIT
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binid.h"
#include "log.h"
#include "probes.h"
#include "sig.h"

/* amd64 on Linux keeps g at -8(FS) for ABI0 code (runtime/go_tls.h, cmd/link). */
#define AMD64_TLS_G_OFF (-8)

/*
 * 386 code loads g with "MOVL 0(GS), r; MOVL off(r), r" (the TLS block's
 * self pointer, then g at a small negative offset: -4 when Go links
 * itself). Read off from the binary's own code rather than assume it: the
 * first prologues must all agree.
 */
static int find_386_tls_g_off(const uint8_t *data, size_t size, int *off)
{
	size_t i;
	int seen = 0;

	for (i = 0; i + 13 <= size && seen < 16; i++) {
		const uint8_t *p = data + i;
		int reg, d;

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

void probe_plan_clear(struct probe_plan *plan)
{
	size_t i;

	if (plan->layouts) {
		for (i = 0; i < plan->nfuncs; i++) {
			free(plan->layouts[i].word);
			free(plan->layouts[i].str);
			free(plan->layouts[i].dword);
		}
	}
	free(plan->layouts);
	for (i = 0; i < plan->nsyms; i++)
		free(plan->syms[i].name);
	free(plan->syms);
	ga_funcs_free(plan->funcs, plan->nfuncs);
	ga_build_clear(&plan->build);
	file_unmap(plan->bin_data, plan->bin_size);
	free(plan->binary_path);
	free(plan->probes);
	memset(plan, 0, sizeof(*plan));
}

size_t layout_deref_base(const struct ga_func *f, size_t param)
{
	size_t i, base = 0;

	for (i = 0; i < param; i++)
		base += f->params[i].nderefs;
	return base;
}

size_t layout_piece_base(const struct ga_func *f, size_t param)
{
	size_t i, base = 0;

	for (i = 0; i < param; i++)
		base += f->params[i].npieces;
	return base;
}

int slice_elem(const char *type_name, enum ga_piece_kind *kind)
{
	static const struct {
		const char *name;
		int size;
		enum ga_piece_kind kind;
	} elems[] = {
		{ "uint8", 1, GA_PIECE_UINT }, { "byte", 1, GA_PIECE_UINT },
		{ "int8", 1, GA_PIECE_INT }, { "bool", 1, GA_PIECE_BOOL },
		{ "int16", 2, GA_PIECE_INT }, { "uint16", 2, GA_PIECE_UINT },
		{ "int32", 4, GA_PIECE_INT }, { "rune", 4, GA_PIECE_INT },
		{ "uint32", 4, GA_PIECE_UINT }, { "float32", 4, GA_PIECE_FLOAT },
		{ "int", 8, GA_PIECE_INT }, { "int64", 8, GA_PIECE_INT },
		{ "uint", 8, GA_PIECE_UINT }, { "uint64", 8, GA_PIECE_UINT },
		{ "uintptr", 8, GA_PIECE_UINT }, { "float64", 8, GA_PIECE_FLOAT },
	};
	size_t i;

	if (!type_name || strncmp(type_name, "[]", 2))
		return 0;
	for (i = 0; i < sizeof(elems) / sizeof(elems[0]); i++) {
		if (!strcmp(type_name + 2, elems[i].name)) {
			*kind = elems[i].kind;
			return elems[i].size;
		}
	}
	return 0;
}

static bool is_xmm(enum ga_arch arch, int reg)
{
	return arch == GA_ARCH_AMD64 && reg >= 17 && reg <= 32;
}

/*
 * Assign fetched words to the pieces of the arguments (results == false)
 * or the results, in order, and fill the spec's fetch list.
 */
static void layout_side(const struct ga_build *b, const struct ga_func *f, bool results,
			bool deref, struct func_layout *lay, struct ga_probe_spec *spec)
{
	size_t p, k, idx = 0;
	int nwords = 0, nstrs = 0;

	for (p = 0; p < f->nparams; p++) {
		const struct ga_param *prm = &f->params[p];

		for (k = 0; k < prm->npieces; k++, idx++) {
			const struct ga_piece *pc = &prm->pieces[k];

			if (prm->is_result != results)
				continue;
			lay->str[idx] = SLOT_NONE;
			if (pc->loc == GA_LOC_REG && (is_xmm(b->arch, pc->reg) ||
							  pc->reg > (b->arch == GA_ARCH_386 ? 7 : 15))) {
				lay->word[idx] = SLOT_UNREADABLE;
				continue;
			}
			if (nwords == GA_MAX_WORDS) {
				lay->word[idx] = SLOT_NONE;
				continue;
			}
			lay->word[idx] = nwords;
			spec->words[nwords] = (struct ga_fetch){
				.src = pc->loc == GA_LOC_REG ? GA_SRC_REG : GA_SRC_STACK,
				.reg = pc->loc == GA_LOC_REG ? pc->reg : 0,
				.size = pc->size,
				.off = pc->loc == GA_LOC_STACK ? pc->stack_off : 0,
			};
			nwords++;
		}
	}
	/* --deref: each basic field of a pointer's pointee, read through the pointer's word */
	idx = 0;
	for (p = 0; p < f->nparams; p++) {
		const struct ga_param *prm = &f->params[p];
		size_t dbase = layout_deref_base(f, p);
		int pw = prm->npieces == 1 ? lay->word[layout_piece_base(f, p)] : SLOT_NONE;

		for (k = 0; k < prm->nderefs; k++) {
			const struct ga_piece *pc = &prm->derefs[k];

			if (prm->is_result != results)
				continue;
			lay->dword[dbase + k] = SLOT_NONE;
			if (!deref || pw < 0 || nwords == GA_MAX_WORDS)
				continue;
			lay->dword[dbase + k] = nwords;
			spec->words[nwords++] = (struct ga_fetch){
				.src = GA_SRC_DEREF, .reg = pw, .size = pc->size, .off = pc->stack_off,
			};
		}
	}
	/*
	 * Strings (a data word, then its length) and the first bytes of
	 * slices of basic types (data, length in elements, capacity).
	 */
	idx = 0;
	for (p = 0; p < f->nparams; p++) {
		const struct ga_param *prm = &f->params[p];

		for (k = 0; k < prm->npieces; k++, idx++) {
			enum ga_piece_kind ek;
			int esize = 0, shift = 0;

			if (prm->is_result != results || k + 1 >= prm->npieces)
				continue;
			/*
			 * error values: the data word of the common error types
			 * (*errors.errorString, *fmt.wrapError) points at a struct
			 * whose first field is the message; fetch it, the type
			 * decides at output whether to show it.
			 */
			if (prm->kind == GA_KIND_IFACE && !strcmp(prm->type_name, "error") &&
			    prm->pieces[k].kind == GA_PIECE_IFACE_TAB &&
			    prm->pieces[k + 1].kind == GA_PIECE_IFACE_DATA) {
				if (lay->word[idx + 1] < 0 || nstrs == GA_MAX_STRS)
					continue;
				lay->str[idx] = nstrs;
				spec->strs[nstrs++] = (struct ga_strfetch){
					.ptr_word = lay->word[idx + 1], .len_word = lay->word[idx + 1],
					.deref = 1,
				};
				continue;
			}
			if (prm->pieces[k].kind == GA_PIECE_SLICE_DATA &&
			    !strcmp(prm->pieces[k].path, prm->name))
				esize = slice_elem(prm->type_name, &ek);
			if (!(prm->pieces[k].kind == GA_PIECE_STR_DATA &&
			      prm->pieces[k + 1].kind == GA_PIECE_STR_LEN) &&
			    !(esize && prm->pieces[k + 1].kind == GA_PIECE_SLICE_LEN))
				continue;
			if (lay->word[idx] < 0 || lay->word[idx + 1] < 0 || nstrs == GA_MAX_STRS)
				continue;
			while (esize > 1 << shift)
				shift++;
			lay->str[idx] = nstrs;
			spec->strs[nstrs++] = (struct ga_strfetch){
				.ptr_word = lay->word[idx], .len_word = lay->word[idx + 1],
				.len_shift = shift,
			};
		}
	}
	spec->nwords = nwords;
	spec->nstrs = nstrs;
}

static int build_layout(const struct ga_build *b, const struct ga_func *f, bool deref,
			struct func_layout *lay, struct ga_probe_spec *entry_spec,
			struct ga_probe_spec *ret_spec)
{
	size_t total = layout_piece_base(f, f->nparams), nd = layout_deref_base(f, f->nparams);

	lay->npieces = total;
	lay->word = calloc(total ? total : 1, sizeof(*lay->word));
	lay->str = calloc(total ? total : 1, sizeof(*lay->str));
	lay->dword = calloc(nd ? nd : 1, sizeof(*lay->dword));
	if (!lay->word || !lay->str || !lay->dword)
		return -ENOMEM;
	layout_side(b, f, false, deref, lay, entry_spec);
	layout_side(b, f, true, deref, lay, ret_spec);
	return 0;
}

/* The bytes at a probe must be exactly what the analyzer saw. */
static int check_insn(const char *path, const uint8_t *data, size_t size, const struct ga_func *f,
		      uint64_t file_off, const uint8_t *want, size_t want_len, const char *what)
{
	if (file_off < f->file_off || file_off >= f->file_off + f->size || !want_len ||
	    file_off > size || want_len > size - file_off) {
		pr_warn("verify: %s of %s at file offset 0x%llx lies outside the function in '%s'; "
			"refusing to attach", what, f->name, (unsigned long long)file_off, path);
		return -EINVAL;
	}
	if (memcmp(data + file_off, want, want_len)) {
		pr_warn("verify: bytes at %s of %s (file offset 0x%llx) in '%s' differ from the DB; "
			"refusing to attach", what, f->name, (unsigned long long)file_off, path);
		return -EINVAL;
	}
	return 0;
}

/* The instruction class a probe kind requires, checked on the binary's own bytes. */
/* The same for an A64 word: RET, B (tail call), B.LS / B.LO. */
static bool a64_insn_is(const uint8_t *p, size_t avail, int kind, enum ga_jcc_cond jcc)
{
	uint32_t w;

	if (avail < 4)
		return false;
	w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	switch (kind) {
	case GA_PROBE_RET:
		return (w & 0xfffffc1f) == 0xd65f0000;
	case GA_PROBE_TAILCALL:
		return (w & 0xfc000000) == 0x14000000;
	case GA_PROBE_ENTRY:
		if (jcc == GA_JCC_LS)
			return (w & 0xff00001f) == 0x54000009;
		if (jcc == GA_JCC_LO)
			return (w & 0xff00001f) == 0x54000003;
		return true;
	}
	return false;
}

static bool insn_is(enum ga_arch arch, const uint8_t *p, size_t avail, int kind,
		    enum ga_jcc_cond jcc)
{
	size_t i = 0;

	if (arch == GA_ARCH_ARM64)
		return a64_insn_is(p, avail, kind, jcc);

	while (i < avail && (p[i] == 0x66 || p[i] == 0xf2 || p[i] == 0xf3 || p[i] == 0x3e ||
			     p[i] == 0x2e || (p[i] & 0xf0) == 0x40))
		i++;
	if (i >= avail)
		return false;
	switch (kind) {
	case GA_PROBE_RET:
		return p[i] == 0xc3 || p[i] == 0xc2;
	case GA_PROBE_TAILCALL:
		return p[i] == 0xe9 || p[i] == 0xeb;
	case GA_PROBE_ENTRY:
		if (jcc == GA_JCC_BE)
			return p[i] == 0x76 || (p[i] == 0x0f && i + 1 < avail && p[i + 1] == 0x86);
		if (jcc == GA_JCC_B)
			return p[i] == 0x72 || (p[i] == 0x0f && i + 1 < avail && p[i + 1] == 0x82);
		return true;
	}
	return false;
}

static int add_probe(struct probe_plan *plan, size_t *cap, uint64_t file_off, size_t func_idx,
		     const struct ga_probe_spec *spec)
{
	if (plan->nprobes == GA_MAX_PROBES) {
		pr_warn("attach: more than %d probes; select fewer functions", GA_MAX_PROBES);
		return -E2BIG;
	}
	if (plan->nprobes == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *tmp = realloc(plan->probes, ncap * sizeof(*plan->probes));

		if (!tmp)
			return -ENOMEM;
		plan->probes = tmp;
		*cap = ncap;
	}
	plan->probes[plan->nprobes] = (struct planned_probe){
		.file_off = file_off, .func_idx = func_idx, .spec = *spec,
	};
	plan->nprobes++;
	return 0;
}

/* Where g and goid are for f's code, the entry branch's condition, the word size. */
static void set_spec_env(const struct probe_plan *plan, const struct ga_func *f,
			 struct ga_probe_spec *spec)
{
	const struct ga_build *b = &plan->build;

	spec->jcc = GA_PJCC_NONE;
	if (f->entry_kind == GA_ENTRY_JCC) {
		switch (f->entry_jcc) {
		case GA_JCC_B: spec->jcc = GA_PJCC_B; break;
		case GA_JCC_LS: spec->jcc = GA_PJCC_LS; break;
		case GA_JCC_LO: spec->jcc = GA_PJCC_LO; break;
		default: spec->jcc = GA_PJCC_BE; break;
		}
	}
	if (b->arch == GA_ARCH_ARM64) {
		spec->g_src = GA_G_R28;	/* in ABI0 code too */
		spec->ptr_size = 8;
	} else if (b->arch == GA_ARCH_386) {
		spec->g_src = GA_G_TLS_GS;
		spec->tls_g_off = plan->tls_g_off;
		spec->ptr_size = 4;
	} else {
		spec->g_src = f->abi == GA_ABI_INTERNAL ? GA_G_R14 : GA_G_TLS_FS;
		spec->tls_g_off = AMD64_TLS_G_OFF;
		spec->ptr_size = 8;
	}
	spec->goid_off = b->goid_offset > 0 ? b->goid_offset : 0;
}

/* The entry probe's bytes and class, as the DB says; *off gets its file offset. */
static int check_entry(const struct probe_plan *plan, const struct ga_func *f, const uint8_t *data,
		       size_t size, uint64_t *off)
{
	int err;

	*off = f->file_off + f->entry_probe_offset;
	err = check_insn(plan->binary_path, data, size, f, *off, f->entry_insn, f->entry_insn_len,
			 "the entry probe");
	if (err)
		return err;
	if (!insn_is(plan->build.arch, data + *off, size - *off, GA_PROBE_ENTRY, f->entry_jcc)) {
		pr_warn("verify: entry probe of %s is not on the stack-check branch the DB claims; "
			"refusing to attach", f->name);
		return -EINVAL;
	}
	return 0;
}

/*
 * runtime.gopanic and runtime.Goexit: a probe on each says why a traced
 * call never returned. Absent from the DB (or refused), they are skipped.
 */
static int plan_marks(struct gadb *db, struct probe_plan *plan, const uint8_t *data, size_t size,
		      size_t *cap)
{
	static const char *const names[] = { "runtime.gopanic", "runtime.Goexit" };
	struct ga_func *funcs = NULL;
	size_t n = 0, i;
	int err, unmatched;

	err = gadb__load_funcs(db, plan->build.db_id, names, 2, &funcs, &n, &unmatched);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		struct ga_probe_spec spec = {
			.func_id = GA_FUNC_NONE,
			.kind = strcmp(funcs[i].name, "runtime.gopanic") ? GA_PROBE_GOEXIT : GA_PROBE_PANIC,
		};
		uint64_t off;

		/* its ABIInternal body, the one Go code calls */
		if (plan->build.default_abi == GA_ABI_INTERNAL && funcs[i].abi != GA_ABI_INTERNAL)
			continue;
		set_spec_env(plan, &funcs[i], &spec);
		if (check_entry(plan, &funcs[i], data, size, &off))
			continue;
		err = add_probe(plan, cap, off, GA_FUNC_NONE, &spec);
		if (err)
			break;
		plan->nmarks++;
	}
	ga_funcs_free(funcs, n);
	return err;
}

static int plan_func(struct probe_plan *plan, size_t idx, const uint8_t *data, size_t size,
		     size_t *cap)
{
	const struct ga_build *b = &plan->build;
	const struct ga_func *f = &plan->funcs[idx];
	struct ga_probe_spec entry = {}, ret = {}, tail = {};
	uint64_t off;
	size_t i;
	int err;

	if (f->decode_status == GA_DECODE_BAD) {
		pr_warn("attach: %s did not disassemble cleanly; its exits are unknown, refusing it",
			f->name);
		return -EINVAL;
	}
	if (!f->nexits) {
		pr_warn("attach: %s has no RET or tail call (it never returns); refusing it", f->name);
		return -EINVAL;
	}
	if (f->decode_status == GA_DECODE_INDIRECT)
		pr_info("attach: %s has an indirect jump: a call leaving through it would be unseen",
			f->name);
	err = build_layout(b, f, plan->deref, &plan->layouts[idx], &entry, &ret);
	if (err)
		return err;

	entry.func_id = ret.func_id = tail.func_id = idx;
	entry.kind = GA_PROBE_ENTRY;
	ret.kind = GA_PROBE_RET;
	tail.kind = GA_PROBE_TAILCALL;
	set_spec_env(plan, f, &entry);
	set_spec_env(plan, f, &ret);
	set_spec_env(plan, f, &tail);

	err = check_entry(plan, f, data, size, &off);
	if (err)
		return err;
	err = add_probe(plan, cap, off, idx, &entry);
	for (i = 0; !err && i < f->nexits; i++) {
		const struct ga_exit *e = &f->exits[i];
		int kind = e->kind == GA_EXIT_RET ? GA_PROBE_RET : GA_PROBE_TAILCALL;
		char what[64];

		off = f->file_off + e->offset;
		snprintf(what, sizeof(what), "the %s at +0x%x", ga_exit_kind_name(e->kind), e->offset);
		err = check_insn(plan->binary_path, data, size, f, off, e->insn, e->insn_len, what);
		if (err)
			return err;
		if (!insn_is(b->arch, data + off, size - off, kind, GA_JCC_NONE)) {
			pr_warn("verify: %s of %s (file offset 0x%llx) is not a %s instruction in '%s'; "
				"refusing to attach", what, f->name, (unsigned long long)off,
				kind == GA_PROBE_RET ? "RET" : "JMP", plan->binary_path);
			return -EINVAL;
		}
		err = add_probe(plan, cap, off, idx, kind == GA_PROBE_RET ? &ret : &tail);
	}
	return err;
}

static void suggest(struct gadb *db, int64_t build_id, const char *name)
{
	struct ga_inline_site *sites = NULL;
	char **names = NULL;
	size_t n = 0, i;

	/* Only inlined: there is no code of its own to probe. */
	if (!gadb__inline_sites(db, build_id, name, 3, &sites, &n) && n) {
		fprintf(stderr, "goattach: %s exists only inlined (into %s%s); trace a caller instead\n",
			name, sites[0].caller, n > 1 ? " and others" : "");
		for (i = 0; i < n; i++)
			free(sites[i].caller);
		free(sites);
		return;
	}
	free(sites);
	n = 0;

	if (gadb__similar_names(db, build_id, name, 5, &names, &n) || !n) {
		free(names);
		return;
	}
	fprintf(stderr, "goattach: did you mean:");
	for (i = 0; i < n; i++) {
		fprintf(stderr, " %s", names[i]);
		free(names[i]);
	}
	fputc('\n', stderr);
	free(names);
}

/* Under one name, Go callers reach the ABIInternal function, not its ABI0 twin. */
static int drop_unreached_twins(struct probe_plan *plan)
{
	bool *drop = calloc(plan->nfuncs + 1, sizeof(*drop));
	size_t i, j, out = 0;

	if (!drop)
		return -ENOMEM;
	for (i = 0; i < plan->nfuncs; i++) {
		for (j = 0; j < plan->nfuncs && !drop[i]; j++) {
			if (i == j || strcmp(plan->funcs[i].name, plan->funcs[j].name) ||
			    plan->funcs[i].abi != GA_ABI0 || plan->funcs[j].abi != GA_ABI_INTERNAL)
				continue;
			drop[i] = true;
			pr_info("attach: %s: tracing the ABIInternal entry at 0x%llx that Go callers "
				"reach, not its ABI0 twin at 0x%llx", plan->funcs[i].name,
				(unsigned long long)plan->funcs[j].entry,
				(unsigned long long)plan->funcs[i].entry);
		}
	}
	for (i = 0; i < plan->nfuncs; i++) {
		if (drop[i]) {
			ga_func_clear(&plan->funcs[i]);
			continue;
		}
		if (out != i)
			plan->funcs[out] = plan->funcs[i];
		out++;
	}
	plan->nfuncs = out;
	free(drop);
	return 0;
}

/* --sig: the user's signature replaces what DWARF said (or did not say). */
static int apply_sig(struct probe_plan *plan, const char *sig)
{
	struct ga_func *f;
	struct gosig *s;
	struct ga_param *params = NULL;
	size_t n = 0;
	char msg[256] = "";
	int err;

	if (plan->nfuncs != 1) {
		pr_warn("attach: --sig gives the signature of one function; %zu match", plan->nfuncs);
		return -EINVAL;
	}
	f = &plan->funcs[0];
	s = gosig__parse(sig, plan->build.arch == GA_ARCH_386 ? 4 : 8, msg, sizeof(msg));
	if (!s) {
		pr_warn("attach: bad --sig '%s': %s", sig, msg);
		return -EINVAL;
	}
	err = gosig__assign(s, plan->build.arch, f->abi, &params, &n);
	gosig__free(s);
	if (err)
		return err;
	if (f->params_known)
		pr_info("attach: --sig replaces the DWARF parameters of %s", f->name);
	ga_params_free(f->params, f->nparams);
	f->params = params;
	f->nparams = n;
	f->params_known = true;
	f->args_only = false;
	return 0;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct plan_sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * The dictionaries of generic instantiations ("main..dict.Max[int]"), by
 * address, from .symtab when the binary kept it: their names say the type
 * arguments a shape-compiled call ran with.
 */
static void read_dict_symbols(struct probe_plan *plan, Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(d, i, &sym))
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !strstr(name, "..dict."))
				continue;
			if (plan->nsyms == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				void *tmp = realloc(plan->syms, ncap * sizeof(*plan->syms));

				if (!tmp)
					return;
				plan->syms = tmp;
				cap = ncap;
			}
			plan->syms[plan->nsyms].addr = sym.st_value;
			plan->syms[plan->nsyms].name = strdup(name);
			if (plan->syms[plan->nsyms].name)
				plan->nsyms++;
		}
	}
	if (plan->nsyms)
		qsort(plan->syms, plan->nsyms, sizeof(*plan->syms), cmp_sym);
}

/* Only a shape-instantiated generic has a dictionary to name: skip .symtab otherwise. */
static bool plan_has_dict(const struct probe_plan *plan)
{
	size_t i, k;

	for (i = 0; i < plan->nfuncs; i++)
		for (k = 0; k < plan->funcs[i].nparams; k++)
			if (!strcmp(plan->funcs[i].params[k].name, ".dict"))
				return true;
	return false;
}

static void read_loads(struct probe_plan *plan)
{
	size_t i, n;
	Elf *elf;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)plan->bin_data, plan->bin_size);
	if (!elf)
		return;
	if (!elf_getphdrnum(elf, &n)) {
		for (i = 0; i < n && plan->nloads < PLAN_MAX_LOADS; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD ||
			    ph.p_offset > plan->bin_size || ph.p_filesz > plan->bin_size - ph.p_offset)
				continue;
			plan->loads[plan->nloads].vaddr = ph.p_vaddr;
			plan->loads[plan->nloads].filesz = ph.p_filesz;
			plan->loads[plan->nloads].offset = ph.p_offset;
			plan->nloads++;
		}
	}
	if (plan_has_dict(plan))
		read_dict_symbols(plan, elf);
	elf_end(elf);
}

const char *plan_symbol(const struct probe_plan *plan, uint64_t addr)
{
	struct plan_sym key = { .addr = addr }, *s;

	if (!plan->nsyms)
		return NULL;
	s = bsearch(&key, plan->syms, plan->nsyms, sizeof(*plan->syms), cmp_sym);
	return s ? s->name : NULL;
}

static const uint8_t *plan_ptr(const struct probe_plan *plan, uint64_t vaddr, uint64_t len)
{
	size_t i;

	for (i = 0; i < plan->nloads; i++) {
		uint64_t v = plan->loads[i].vaddr, sz = plan->loads[i].filesz;

		if (vaddr >= v && vaddr - v < sz && len <= sz - (vaddr - v))
			return plan->bin_data + plan->loads[i].offset + (vaddr - v);
	}
	return NULL;
}

/*
 * runtime._type: size, ptrdata (uintptr each), hash (uint32), tflag,
 * align, fieldAlign, kind (bytes), equal, gcdata (pointers), str
 * (nameOff). itab: inter, _type, ... (runtime/type.go, internal/abi).
 */
const char *plan_type_name(const struct probe_plan *plan, uint64_t addr, bool is_itab, char *buf,
			   size_t len)
{
	int ps = plan->build.arch == GA_ARCH_386 ? 4 : 8, major = 0, minor = 0;
	const uint8_t *t, *name;
	uint64_t type_addr = addr, nlen = 0;
	int32_t str_off;
	uint8_t tflag;
	size_t hdr;

	if (!plan->build.types_base || !addr)
		return NULL;
	if (is_itab) {
		const uint8_t *itab = plan_ptr(plan, addr, 2 * ps);

		if (!itab)
			return NULL;	/* made at run time */
		if (ps == 8) {
			uint64_t v;

			memcpy(&v, itab + 8, sizeof(v));
			type_addr = v;
		} else {
			uint32_t v;

			memcpy(&v, itab + 4, sizeof(v));
			type_addr = v;
		}
	}
	t = plan_ptr(plan, type_addr, 4 * ps + 12);
	if (!t)
		return NULL;
	tflag = t[2 * ps + 4];
	memcpy(&str_off, t + 4 * ps + 8, 4);
	name = plan_ptr(plan, plan->build.types_base + str_off, 3);
	if (!name || str_off < 0)
		return NULL;
	/* Go 1.17+ names: flags, varint length, bytes; before: flags, 2-byte big-endian length */
	if (sscanf(plan->build.go_version ? plan->build.go_version : "", "go%d.%d", &major, &minor) == 2 &&
	    minor < 17) {
		nlen = (uint64_t)name[1] << 8 | name[2];
		hdr = 3;
	} else {
		unsigned int shift = 0;

		for (hdr = 1; hdr < 11; hdr++) {
			const uint8_t *b = plan_ptr(plan, plan->build.types_base + str_off + hdr, 1);

			if (!b)
				return NULL;
			nlen |= (uint64_t)(*b & 0x7f) << shift;
			shift += 7;
			if (!(*b & 0x80))
				break;
		}
		hdr++;
	}
	name = plan_ptr(plan, plan->build.types_base + str_off, hdr + nlen);
	if (!name || !nlen)
		return NULL;
	/* tflagExtraStar: the name has a '*' of its own that is not the type's */
	if (tflag & 2 && name[hdr] == '*') {
		hdr++;
		nlen--;
	}
	snprintf(buf, len, "%.*s", (int)nlen, name + hdr);
	return buf;
}

int probes_plan(struct gadb *db, const char *db_path, const char *binary_path,
		const char *const *patterns, size_t npat, const char *sig, bool deref,
		struct probe_plan *plan)
{
	const void *data = NULL;
	struct ga_binid id;
	size_t size = 0, cap = 0, i;
	int err, unmatched = -1;

	memset(plan, 0, sizeof(*plan));
	plan->deref = deref;
	plan->binary_path = strdup(binary_path);
	if (!plan->binary_path)
		return -ENOMEM;
	err = file_map(binary_path, &data, &size);
	if (err)
		return err;
	err = binid_from_mem(data, size, &id);
	if (err)
		goto out;
	err = gadb__find_build(db, id.sha256, &plan->build);
	if (err == -ENOENT) {
		struct ga_build *builds = NULL;
		size_t n = 0;

		gadb__list_builds(db, &builds, &n);
		pr_warn("verify: '%s' (Go build id %s, sha256 %.16s) is not a build '%s' describes "
			"(%s%s%s%s); re-run goanalyze index on it", binary_path,
			id.go_build_id[0] ? id.go_build_id : "none", id.sha256, db_path,
			n ? "it holds Go build id " : "it holds no build",
			n ? (builds[n - 1].go_build_id ? builds[n - 1].go_build_id : "none") : "",
			n ? ", sha256 " : "", n ? builds[n - 1].sha256 : "");
		for (i = 0; i < n; i++)
			ga_build_clear(&builds[i]);
		free(builds);
		err = -ESRCH;
		goto out;
	}
	if (err)
		goto out;
	/* the kernel runs only its own arch's processes: goattach for x86-64 or for arm64 */
#if defined(__aarch64__)
	if (plan->build.arch != GA_ARCH_ARM64) {
#else
	if (plan->build.arch != GA_ARCH_AMD64 && plan->build.arch != GA_ARCH_386) {
#endif
		pr_warn("attach: '%s' is a %s binary; this goattach traces %s", binary_path,
			ga_arch_name(plan->build.arch),
#if defined(__aarch64__)
			"arm64 processes");
#else
			"amd64 and 386 processes (an arm64 build of goattach traces arm64)");
#endif
		err = -ENOTSUP;
		goto out;
	}
	if (plan->build.arch == GA_ARCH_386) {
		err = find_386_tls_g_off(data, size, &plan->tls_g_off);
		if (err == -ENOENT)
			pr_warn("attach: no 'MOVL 0(GS), r; MOVL off(r), r' in '%s': cannot tell where "
				"its 386 code keeps g", binary_path);
		if (err)
			goto out;
	}
	err = gadb__load_funcs(db, plan->build.db_id, patterns, npat, &plan->funcs, &plan->nfuncs,
			       &unmatched);
	if (err)
		goto out;
	if (unmatched >= 0) {
		pr_warn("attach: no function matches '%s' in '%s'", patterns[unmatched], db_path);
		suggest(db, plan->build.db_id, patterns[unmatched]);
		err = -ENOENT;
		goto out;
	}
	err = drop_unreached_twins(plan);
	if (!err && sig)
		err = apply_sig(plan, sig);
	if (err)
		goto out;
	plan->layouts = calloc(plan->nfuncs ? plan->nfuncs : 1, sizeof(*plan->layouts));
	if (!plan->layouts) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < plan->nfuncs && !err; i++)
		err = plan_func(plan, i, data, size, &cap);
	if (!err)
		err = plan_marks(db, plan, data, size, &cap);
	if (!err) {
		/* kept for type names; the DB said this is the build, its bytes agree */
		plan->bin_data = data;
		plan->bin_size = size;
		read_loads(plan);
		return 0;
	}
out:
	file_unmap(data, size);
	return err;
}
