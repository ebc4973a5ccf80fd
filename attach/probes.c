// SPDX-License-Identifier: MIT
/*
 * From the DB to the list of probes: which functions a pattern selects,
 * which of an ABI pair Go callers reach, where each argument word is
 * fetched (the per-probe specs the BPF program interprets), all on bytes
 * checked against the binary (verify.c) before anything is attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binid.h"
#include "expr.h"
#include "exprplace.h"
#include "filter.h"
#include "goruntime.h"
#include "log.h"
#include "probes.h"
#include "sig.h"
#include "typedb.h"
#include "util.h"
#include "verify.h"

void probe_plan__clear(struct probe_plan *plan)
{
	size_t i;

	if (plan->layouts) {
		for (i = 0; i < plan->nfuncs; i++) {
			free(plan->layouts[i].word);
			free(plan->layouts[i].shift);
			free(plan->layouts[i].str);
			free(plan->layouts[i].dword);
			free(plan->layouts[i].maps);
			free(plan->layouts[i].aux);
		}
	}
	free(plan->layouts);
	if (plan->shows)
		for (i = 0; i < plan->nfuncs; i++)
			expr_show_clear(&plan->shows[i]);
	free(plan->shows);
	if (plan->deref_shows)
		for (i = 0; i < plan->nfuncs; i++)
			expr_show_clear(&plan->deref_shows[i]);
	free(plan->deref_shows);
	free(plan->filters);
	typedb__free(plan->typedb);
	if (plan->owned_types)
		expr_types_free(plan->owned_types);
	free(plan->owned_types);
	gotypes__clear(&plan->types);
	ga_funcs_free(plan->funcs, plan->nfuncs);
	ga_build_clear(&plan->build);
	elfimg__free(plan->img);
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

uint32_t layout_error_words(const struct ga_func *f, const struct func_layout *lay)
{
	uint32_t mask = 0;
	size_t p;

	for (p = 0; p < f->nparams; p++) {
		const struct ga_param *prm = &f->params[p];
		int w;

		/* an error result: an iface pair whose first word (the itab) is nil for a nil error */
		if (!prm->is_result || prm->kind != GA_KIND_IFACE || prm->npieces != 2 ||
		    !prm->type_name || strcmp(prm->type_name, "error"))
			continue;
		/* (a param without pieces has no word of its own to read: the check comes first) */
		w = lay->word[layout_piece_base(f, p)];
		if (w >= 0 && w < GA_MAX_WORDS)
			mask |= 1u << w;
	}
	return mask;
}

/*
 * Small plain values on the stack (the bytes of a [32]byte, a struct's
 * bools) share one fetched word when they lie within its 8 bytes; values
 * the BPF program reads through (pointers, string and slice headers,
 * interfaces) keep a word of their own.
 */
static bool packable(const struct ga_piece *pc)
{
	return pc->loc == GA_LOC_STACK && pc->size < 8 &&
	       (pc->kind == GA_PIECE_INT || pc->kind == GA_PIECE_UINT || pc->kind == GA_PIECE_BOOL ||
		pc->kind == GA_PIECE_FLOAT || pc->kind == GA_PIECE_RAW);
}

static bool is_xmm(enum ga_arch arch, int reg)
{
	return arch == GA_ARCH_AMD64 && reg >= 17 && reg <= 32;
}

/* The machine words of one side (arguments or results), in order: registers and stack slots. */
static int layout_words(enum ga_arch arch, const struct ga_func *f, bool results,
			struct func_layout *lay, struct ga_probe_spec *spec)
{
	int nwords = 0, max_reg = arch == GA_ARCH_386 ? 7 : 15, pack = -1;
	size_t p, k, idx = 0;

	for (p = 0; p < f->nparams; p++) {
		const struct ga_param *prm = &f->params[p];

		for (k = 0; k < prm->npieces; k++, idx++) {
			const struct ga_piece *pc = &prm->pieces[k];

			if (prm->is_result != results)
				continue;
			lay->str[idx] = SLOT_NONE;
			if (pc->loc == GA_LOC_REG && (is_xmm(arch, pc->reg) || pc->reg > max_reg)) {
				lay->word[idx] = SLOT_UNREADABLE;
				continue;
			}
			if (packable(pc) && pack >= 0 && pc->stack_off >= spec->words[pack].off &&
			    pc->stack_off + pc->size <= spec->words[pack].off + 8) {
				/* the whole word then: each piece takes its bytes at decode */
				lay->word[idx] = pack;
				lay->shift[idx] = pc->stack_off - spec->words[pack].off;
				spec->words[pack].size = 8;
				continue;
			}
			if (nwords == GA_MAX_WORDS) {
				lay->word[idx] = SLOT_NONE;
				continue;
			}
			pack = packable(pc) ? nwords : pack;
			lay->word[idx] = nwords;
			spec->words[nwords++] = (struct ga_fetch){
				.src = pc->loc == GA_LOC_REG ? GA_SRC_REG : GA_SRC_STACK,
				.reg = pc->loc == GA_LOC_REG ? pc->reg : 0,
				.size = pc->size,
				.off = pc->loc == GA_LOC_STACK ? pc->stack_off : 0,
			};
		}
	}
	return nwords;
}

/*
 * --deref: each basic field of a pointer's pointee, read through the
 * pointer's word (the DB's derefs pieces: for params whose type the DB
 * does not have; skip[p] >= 0 marks those shown from their type instead).
 */
static int layout_derefs(const struct ga_func *f, bool results, bool deref, int nwords,
			 struct func_layout *lay, struct ga_probe_spec *spec, const int *skip)
{
	size_t p, k;

	for (p = 0; p < f->nparams; p++) {
		const struct ga_param *prm = &f->params[p];
		size_t dbase = layout_deref_base(f, p);
		int pw = prm->npieces == 1 ? lay->word[layout_piece_base(f, p)] : SLOT_NONE;

		for (k = 0; k < prm->nderefs; k++) {
			const struct ga_piece *pc = &prm->derefs[k];

			if (prm->is_result != results)
				continue;
			lay->dword[dbase + k] = SLOT_NONE;
			if (!deref || pw < 0 || nwords == GA_MAX_WORDS || (skip && skip[p] >= 0))
				continue;
			lay->dword[dbase + k] = nwords;
			spec->words[nwords++] = (struct ga_fetch){
				.src = GA_SRC_DEREF, .reg = pw, .size = pc->size, .off = pc->stack_off,
			};
		}
	}
	return nwords;
}

/*
 * The string fetch of piece k of prm (at flat index idx), if it starts
 * one: a string (data word, then length), the first bytes of a slice of a
 * basic type (data, length in elements), or the message of an error
 * value: the data word of the common error types (*errors.errorString,
 * *fmt.wrapError) points at a struct whose first field is the message;
 * it is fetched, the type decides at output whether to show it.
 */
bool layout_string_fetch(const struct ga_param *prm, size_t k, size_t idx,
			 const struct func_layout *lay, struct ga_strfetch *out)
{
	const struct ga_piece *pc = &prm->pieces[k], *next = &prm->pieces[k + 1];
	enum ga_piece_kind ek;
	int esize = 0, shift = 0;

	if (prm->kind == GA_KIND_IFACE && !strcmp(prm->type_name, "error") &&
	    pc->kind == GA_PIECE_IFACE_TAB && next->kind == GA_PIECE_IFACE_DATA) {
		if (lay->word[idx + 1] < 0)
			return false;
		*out = (struct ga_strfetch){
			.ptr_word = lay->word[idx + 1], .len_word = lay->word[idx + 1], .deref = 1,
		};
		return true;
	}
	if (pc->kind == GA_PIECE_SLICE_DATA && !strcmp(pc->path, prm->name))
		esize = slice_elem(prm->type_name, &ek);
	if (!(pc->kind == GA_PIECE_STR_DATA && next->kind == GA_PIECE_STR_LEN) &&
	    !(esize && next->kind == GA_PIECE_SLICE_LEN))
		return false;
	if (lay->word[idx] < 0 || lay->word[idx + 1] < 0)
		return false;
	while (esize > 1 << shift)
		shift++;
	*out = (struct ga_strfetch){
		.ptr_word = lay->word[idx], .len_word = lay->word[idx + 1], .len_shift = shift,
	};
	return true;
}

static int layout_strings(const struct ga_func *f, bool results, struct func_layout *lay,
			  struct ga_probe_spec *spec)
{
	size_t p, k, idx = 0;
	int nstrs = 0;

	for (p = 0; p < f->nparams; p++) {
		const struct ga_param *prm = &f->params[p];

		for (k = 0; k < prm->npieces; k++, idx++) {
			if (prm->is_result != results || k + 1 >= prm->npieces || nstrs == GA_MAX_STRS)
				continue;
			if (!layout_string_fetch(prm, k, idx, lay, &spec->strs[nstrs]))
				continue;
			lay->str[idx] = nstrs++;
		}
	}
	return nstrs;
}

/*
 * The words of one key or value read through the entry's address word
 * aw (its string fetch in *str): a string's data and len, a basic value,
 * a pointer; none for a zero-size type. False when the budget is out.
 */
static bool map_item_words(const struct gotype *t, int ptr_size, int aw, int *nwords, int *nstrs,
			   int w[2], int *str, struct ga_probe_spec *spec)
{
	int need = t->kind == GA_KIND_STRING || t->kind == GA_KIND_SLICE ? 2 : t->size ? 1 : 0;

	w[0] = w[1] = *str = SLOT_NONE;
	if (*nwords + need > GA_MAX_WORDS || (t->kind == GA_KIND_STRING && *nstrs == GA_MAX_STRS))
		return false;
	if (t->kind == GA_KIND_SLICE) {
		/* a slice value: its data and len words (a []string's first element: map_strings_elem) */
		w[0] = (*nwords)++;
		w[1] = (*nwords)++;
		spec->words[w[0]] = (struct ga_fetch){ .src = GA_SRC_DEREF, .reg = aw, .size = ptr_size };
		spec->words[w[1]] = (struct ga_fetch){
			.src = GA_SRC_DEREF, .reg = aw, .size = ptr_size, .off = ptr_size,
		};
	} else if (t->kind == GA_KIND_STRING) {
		w[0] = (*nwords)++;
		w[1] = (*nwords)++;
		spec->words[w[0]] = (struct ga_fetch){ .src = GA_SRC_DEREF, .reg = aw, .size = ptr_size };
		spec->words[w[1]] = (struct ga_fetch){
			.src = GA_SRC_DEREF, .reg = aw, .size = ptr_size, .off = ptr_size,
		};
		*str = (*nstrs)++;
		spec->strs[*str] = (struct ga_strfetch){ .ptr_word = w[0], .len_word = w[1] };
	} else if (need) {
		w[0] = (*nwords)++;
		spec->words[w[0]] = (struct ga_fetch){
			.src = GA_SRC_DEREF, .reg = aw, .size = t->size < 8 ? t->size : 8,
		};
	}
	return true;
}

/* A []string value's first element (its data word dw): a string's two words and its bytes. */
static bool map_strings_elem(int ptr_size, int dw, int *nwords, int *nstrs, int w[2], int *str,
			     struct ga_probe_spec *spec)
{
	w[0] = w[1] = *str = SLOT_NONE;
	if (dw < 0 || *nwords + 2 > GA_MAX_WORDS || *nstrs == GA_MAX_STRS)
		return false;
	w[0] = (*nwords)++;
	w[1] = (*nwords)++;
	spec->words[w[0]] = (struct ga_fetch){ .src = GA_SRC_DEREF, .reg = dw, .size = ptr_size };
	spec->words[w[1]] = (struct ga_fetch){
		.src = GA_SRC_DEREF, .reg = dw, .size = ptr_size, .off = ptr_size,
	};
	*str = (*nstrs)++;
	spec->strs[*str] = (struct ga_strfetch){ .ptr_word = w[0], .len_word = w[1] };
	return true;
}

/*
 * The key and value types of a map: from the DB's types when map_t is
 * given, else parsed from its type name (basic types, strings, pointers).
 */
static bool map_types_of(const struct probe_plan *plan, const struct gotype *map_t,
			 const char *type_name, struct map_words *mw)
{
	const struct gotype *k = NULL, *v = NULL, *e = NULL;

	mw->val_strings = false;
	if (map_t && map_t->kind == GA_KIND_PTR && map_t->ptr_kind == GO_PTR_MAP && plan->typedb) {
		k = typedb__get(plan->typedb, map_t->key_ref);
		v = typedb__get(plan->typedb, map_t->elem_ref);
	}
	if (!k || !v)
		return map_type_parse(type_name, plan->build.arch, &mw->key, &mw->val);
	mw->key = *k;
	mw->val = *v;
	if (v->kind == GA_KIND_SLICE)
		e = typedb__get(plan->typedb, v->elem_ref);
	mw->val_strings = e && e->kind == GA_KIND_STRING;
	/* other values of more than a word: not shown (their first word would mislead) */
	if (v->kind == GA_KIND_SLICE ? !mw->val_strings :
	    v->kind != GA_KIND_STRING && v->kind != GA_KIND_STRUCT && v->size > 8) {
		mw->val.kind = GA_KIND_UNKNOWN;
		return false;
	}
	return k->kind != GA_KIND_STRUCT && k->kind != GA_KIND_ARRAY;
}

/*
 * A test and debugging hook until the expression compiler (m["k"]) calls
 * maps.h itself: GOATTACH_MAP_LOOKUP=NAME=KEY makes map parameter NAME
 * look up KEY (an integer for integer keys, else the string) in BPF, and
 * show that entry alone. 0 no lookup, 1 set in mf, -EINVAL refused.
 */
static int map_lookup_hook(const char *name, const struct gotype *key, struct ga_mapfetch *mf)
{
	const char *req = getenv("GOATTACH_MAP_LOOKUP"), *eq;
	size_t n = strlen(name);
	char *end;
	long long v;

	if (!req || strncmp(req, name, n) || req[n] != '=')
		return 0;
	eq = req + n + 1;
	if (key->kind == GA_KIND_STRING)
		return mapfetch_set_str(mf, eq, strlen(eq)) ? -EINVAL : 1;
	if (key->kind != GA_KIND_INT && key->kind != GA_KIND_UINT)
		return -EINVAL;
	v = strtoll(eq, &end, 0);
	if (*end || end == eq)
		return -EINVAL;
	return mapfetch_set_int(mf, key->size, (uint64_t)v) ? -EINVAL : 1;
}

/*
 * A map parameter: len(m), then for each of its first MAP_SHOW entries
 * a GA_SRC_MAP pair and the words of its key and value, while the fetch
 * budget lasts. Keys and values it cannot show (a type name not parsed,
 * indirect ones) leave len(m) alone.
 */
static void layout_map(const struct probe_plan *plan, const struct gotype *map_t,
		       const char *type_name, const char *name, int pw, struct map_words *mw,
		       int *nwords, int *nstrs, int *nmaps, struct ga_probe_spec *spec)
{
	const struct ga_build *b = &plan->build;
	int ps = ga_ptr_size(b->arch), mi, n, save_w, save_s, show = MAP_SHOW, lookup;
	struct ga_mapfetch mf;
	char msg[256];

	mw->is_map = true;
	mw->len_word = SLOT_NONE;
	mw->types_known = map_types_of(plan, map_t, type_name, mw);
	if (mapfetch_init_shape(b, mw->types_known ? &mw->key : NULL, &mw->val, &mf, &mw->shape,
				msg, sizeof(msg))) {
		pr_debug("attach: %s: entries not shown: %s", name, msg);
		mw->types_known = false;
	}
	if (!mw->shape.len_size || *nwords == GA_MAX_WORDS)
		return;
	mw->len_word = (*nwords)++;
	spec->words[mw->len_word] = mapfetch_len_word(&mw->shape, pw);
	if (!mw->types_known || *nmaps == GA_MAX_MAPS)
		return;
	lookup = map_lookup_hook(name, &mw->key, &mf);
	if (lookup < 0)
		pr_warn("attach: GOATTACH_MAP_LOOKUP: no such key for %s (%s)", name, type_name);
	if (lookup > 0)
		show = 1;
	mi = (*nmaps)++;
	spec->maps[mi] = mf;
	for (n = 0; n < show; n++) {
		struct map_entry_words *e = &mw->e[n];

		save_w = *nwords;
		save_s = *nstrs;
		if (*nwords + 2 > GA_MAX_WORDS)
			break;
		e->map_word = *nwords;
		mapfetch_words(&spec->words[*nwords], pw, mi, n);
		*nwords += 2;
		if (!map_item_words(&mw->key, ps, e->map_word, nwords, nstrs, e->key_word, &e->key_str,
				    spec) ||
		    !map_item_words(&mw->val, ps, e->map_word + 1, nwords, nstrs, e->val_word,
				    &e->val_str, spec) ||
		    (mw->val_strings && !map_strings_elem(ps, e->val_word[0], nwords, nstrs,
							   e->val_elem, &e->val_elem_str, spec))) {
			*nwords = save_w;
			*nstrs = save_s;
			break;
		}
		mw->nentries++;
	}
	if (!mw->nentries)
		memset(&spec->maps[--(*nmaps)], 0, sizeof(mf));
}

void layout_map_value(const struct probe_plan *plan, const struct gotype *map_t,
		      const char *type_name, const char *name, int pw, struct map_words *mw,
		      struct ga_probe_spec *spec)
{
	int nwords = spec->nwords, nstrs = spec->nstrs, nmaps = 0;

	while (nmaps < GA_MAX_MAPS && spec->maps[nmaps].kind != GA_MAP_NONE)
		nmaps++;
	layout_map(plan, map_t, type_name, name, pw, mw, &nwords, &nstrs, &nmaps, spec);
	spec->nwords = nwords;
	spec->nstrs = nstrs;
}

/* Every map parameter of one side, after its other words and strings. */
static void layout_maps(const struct probe_plan *plan, const struct ga_func *f, bool results,
			struct func_layout *lay, struct ga_probe_spec *spec)
{
	int nwords = spec->nwords, nstrs = spec->nstrs, nmaps = 0;
	size_t p;

	for (p = 0; p < f->nparams; p++) {
		const struct ga_param *prm = &f->params[p];
		int pw;

		if (prm->is_result != results || prm->kind != GA_KIND_PTR || prm->npieces != 1 ||
		    !prm->type_name || strncmp(prm->type_name, "map[", 4))
			continue;
		pw = lay->word[layout_piece_base(f, p)];
		if (pw < 0)
			continue;
		layout_map(plan, prm->type_ref && plan->typedb ?
				   typedb__get(plan->typedb, prm->type_ref) : NULL,
			   prm->type_name, prm->name, pw, &lay->maps[p], &nwords, &nstrs, &nmaps, spec);
	}
	spec->nwords = nwords;
	spec->nstrs = nstrs;
}

/*
 * Assign fetched words to the pieces of the arguments (results == false)
 * or the results, in order, and fill the spec's fetch list.
 */
static void layout_side(const struct probe_plan *plan, const struct ga_func *f, bool results,
			struct func_layout *lay, struct ga_probe_spec *spec)
{
	int nwords = layout_words(plan->build.arch, f, results, lay, spec);

	/* --deref's words come last (plan_exprs) */
	spec->nwords = layout_derefs(f, results, false, nwords, lay, spec, NULL);
	spec->nstrs = layout_strings(f, results, lay, spec);
	layout_maps(plan, f, results, lay, spec);
}

static int build_layout(const struct probe_plan *plan, const struct ga_func *f,
			struct func_layout *lay, struct ga_probe_spec *entry_spec,
			struct ga_probe_spec *ret_spec)
{
	size_t total = layout_piece_base(f, f->nparams), nd = layout_deref_base(f, f->nparams);

	lay->npieces = total;
	lay->word = calloc(total ? total : 1, sizeof(*lay->word));
	lay->shift = calloc(total ? total : 1, sizeof(*lay->shift));
	lay->str = calloc(total ? total : 1, sizeof(*lay->str));
	lay->dword = calloc(nd ? nd : 1, sizeof(*lay->dword));
	lay->maps = calloc(f->nparams ? f->nparams : 1, sizeof(*lay->maps));
	if (!lay->word || !lay->shift || !lay->str || !lay->dword || !lay->maps)
		return -ENOMEM;
	layout_side(plan, f, false, lay, entry_spec);
	layout_side(plan, f, true, lay, ret_spec);
	ret_spec->err_words = layout_error_words(f, lay);
	return 0;
}

static int add_probe(struct probe_plan *plan, size_t *cap, uint64_t file_off, size_t func_idx,
		     const struct ga_probe_spec *spec)
{
	int err;

	if (plan->nprobes == GA_MAX_PROBES) {
		pr_warn("attach: more than %d probes; select fewer functions", GA_MAX_PROBES);
		return -E2BIG;
	}
	err = ga_ensure_mem((void **)&plan->probes, cap, plan->nprobes + 1, sizeof(*plan->probes));
	if (err)
		return err;
	plan->probes[plan->nprobes] = (struct planned_probe){
		.file_off = file_off, .func_idx = func_idx, .spec = *spec,
	};
	plan->nprobes++;
	return 0;
}

/* Where g and its fields are for f's code, the entry branch's condition, the word size. */
static void set_spec_env(const struct probe_plan *plan, const struct ga_func *f,
			 struct ga_probe_spec *spec)
{
	const struct ga_build *b = &plan->build;
	struct go_g_layout gl;

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
		spec->tls_g_off = GO_AMD64_TLS_G_OFF;
		spec->ptr_size = 8;
	}
	go_g_layout(b, &gl);
	spec->goid_off = gl.goid_off > 0 ? gl.goid_off : 0;
	spec->g_stack_hi_off = gl.stack_hi_off;
}

/*
 * The function the DB describes lies in the binary's code: its entry
 * address maps to its file offset, and its bytes up to its end are in an
 * executable segment (the probe offsets within it are checked by
 * verify.c). A DB can say anything; the binary is what is traced.
 */
static int check_func_range(const struct probe_plan *plan, const struct ga_func *f)
{
	const struct elfimg *img = plan->img;
	uint64_t off = 0, end_off = 0;

	if (!f->size || f->entry > UINT64_MAX - f->size || !elfimg__vaddr_is_exec(img, f->entry) ||
	    !elfimg__vaddr_is_exec(img, f->entry + f->size - 1) ||
	    elfimg__vaddr_to_off(img, f->entry, &off) || off != f->file_off ||
	    elfimg__vaddr_to_off(img, f->entry + f->size - 1, &end_off) ||
	    end_off != f->file_off + f->size - 1) {
		pr_warn("verify: the DB puts %s at 0x%llx (file offset 0x%llx, %u bytes), which is not "
			"code of '%s'; refusing to attach", f->name, (unsigned long long)f->entry,
			(unsigned long long)f->file_off, f->size, plan->binary_path);
		return -EINVAL;
	}
	return 0;
}

/*
 * runtime.gopanic and runtime.Goexit: a probe on each says why a traced
 * call never returned. Absent from the DB (or refused), they are skipped.
 */
static int plan_marks(struct gadb *db, struct probe_plan *plan, const struct verify_img *img,
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
		if (check_func_range(plan, &funcs[i]) || verify_entry(img, &funcs[i], &off))
			continue;
		err = add_probe(plan, cap, off, GA_FUNC_NONE, &spec);
		if (err)
			break;
		plan->nmarks++;
	}
	ga_funcs_free(funcs, n);
	return err;
}

/*
 * The --expr values and the --filter of function idx, after its own
 * words in its entry and RET specs. An --expr that does not type-check
 * here is left out (the caller checks it applies somewhere); a filter
 * must type-check in every function.
 */
static int plan_exprs(struct probe_plan *plan, size_t idx, const struct plan_opts *opts,
		      struct ga_probe_spec *entry, struct ga_probe_spec *ret)
{
	const struct ga_func *f = &plan->funcs[idx];
	char msg[600] = "";
	struct expr_ctx c = {
		.plan = plan, .f = f, .lay = &plan->layouts[idx], .spec = { entry, ret },
		.owned = plan->owned_types, .msg = msg, .msglen = sizeof(msg),
	};
	struct expr *cond;
	int err = 0;

	/* what the user asked for first: --deref takes what the fetch budget leaves */
	if (opts->nexprs) {
		err = expr_show_place(&c, opts->exprs, opts->nexprs, &plan->shows[idx]);
		if (err == -E2BIG)
			pr_warn("attach: --expr in %s: %s", f->name, msg);
		if (err)
			return err;
	}
	if (opts->filter) {
		cond = expr_parse(opts->filter, msg, sizeof(msg));
		if (!cond) {
			pr_warn("attach: bad --filter '%.100s%s': %s", opts->filter,
				strlen(opts->filter) > 100 ? "..." : "", msg);
			return -EINVAL;
		}
		msg[0] = 0;
		err = expr_place_cond(&c, cond);
		/* ... and compiled into the program BPF runs, at the entry or the exit */
		if (!err)
			err = filter_compile(cond, &plan->filters[idx], msg, sizeof(msg));
		if (err)
			pr_warn("attach: --filter in %s: %s", f->name, msg);
		entry->filter = ret->filter = filter_when(&plan->filters[idx]);
		expr_free(cond);
		if (err)
			return err;
	}
	if (plan->deref) {
		/* what the DB's types describe, else the DB's basic fields of the pointee */
		err = deref_show_place(&c, opts->deref_depth, &plan->deref_shows[idx]);
		if (err)
			return err;
		entry->nwords = layout_derefs(f, false, true, entry->nwords, &plan->layouts[idx], entry,
					      plan->deref_shows[idx].which);
		ret->nwords = layout_derefs(f, true, true, ret->nwords, &plan->layouts[idx], ret,
					    plan->deref_shows[idx].which);
	}
	return 0;
}

/*
 * A net/netip.Addr parameter (hi, lo, z) tells IPv4 from IPv6 by z: from
 * Go 1.22 a unique.Handle[addrDetail], whose value's first byte is isV6
 * (net/netip/netip.go): one more word, read through z. Before, z is an
 * *intern.Value that says nothing readable (z4 and z6noz are both empty).
 */
static int layout_netip(const struct probe_plan *plan, const struct ga_func *f,
			struct func_layout *lay, struct ga_probe_spec *entry, struct ga_probe_spec *ret)
{
	size_t p;

	lay->aux = malloc((f->nparams ? f->nparams : 1) * sizeof(*lay->aux));
	if (!lay->aux)
		return -ENOMEM;
	for (p = 0; p < f->nparams; p++) {
		const struct ga_param *prm = &f->params[p];
		struct ga_probe_spec *s = prm->is_result ? ret : entry;
		int zw;

		lay->aux[p] = SLOT_NONE;
		if (!prm->type_name || strcmp(prm->type_name, "net/netip.Addr") || prm->npieces != 3 ||
		    go_minor_of(plan->build.go_version, plan->build.pclntab_format) < 22)
			continue;
		zw = lay->word[layout_piece_base(f, p) + 2];
		if (zw < 0 || s->nwords >= GA_MAX_WORDS)
			continue;
		lay->aux[p] = s->nwords;
		s->words[s->nwords++] = (struct ga_fetch){ .src = GA_SRC_DEREF, .reg = zw, .size = 1 };
	}
	return 0;
}

static int plan_func(struct probe_plan *plan, size_t idx, const struct plan_opts *opts,
		     const struct verify_img *img, size_t *cap)
{
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
	err = check_func_range(plan, f);
	if (!err)
		err = build_layout(plan, f, &plan->layouts[idx], &entry, &ret);
	if (!err)
		err = layout_netip(plan, f, &plan->layouts[idx], &entry, &ret);
	if (!err)
		err = plan_exprs(plan, idx, opts, &entry, &ret);
	if (err)
		return err;

	entry.func_id = ret.func_id = tail.func_id = idx;
	entry.kind = GA_PROBE_ENTRY;
	ret.kind = GA_PROBE_RET;
	tail.kind = GA_PROBE_TAILCALL;
	set_spec_env(plan, f, &entry);
	set_spec_env(plan, f, &ret);
	set_spec_env(plan, f, &tail);
	tail.filter = entry.filter;	/* a tail call's exit runs the filter too (no results: see goattach.h) */

	err = verify_entry(img, f, &off);
	if (err)
		return err;
	err = add_probe(plan, cap, off, idx, &entry);
	for (i = 0; !err && i < f->nexits; i++) {
		err = verify_exit(img, f, i, &off);
		if (err)
			return err;
		err = add_probe(plan, cap, off, idx, f->exits[i].kind == GA_EXIT_RET ? &ret : &tail);
	}
	return err;
}

/* Why a name matched nothing: it exists only inlined, or names close to it. */
static void suggest(struct gadb *db, int64_t build_id, const char *name)
{
	struct ga_inline_site *sites = NULL;
	char **names = NULL, *msg = NULL;
	size_t n = 0, len = 0, i;
	FILE *m;

	/* Only inlined: there is no code of its own to probe. */
	if (!gadb__inline_sites(db, build_id, name, 3, &sites, &n) && n) {
		pr_warn("%s exists only inlined (into %s%s); trace a caller instead", name,
			sites[0].caller, n > 1 ? " and others" : "");
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
	m = open_memstream(&msg, &len);
	for (i = 0; i < n; i++) {
		if (m)
			fprintf(m, " %s", names[i]);
		free(names[i]);
	}
	free(names);
	if (m && !fclose(m))
		pr_warn("did you mean:%s", msg);
	free(msg);
}

/* A name this build lacks that another build of the DB has: the binary is the other build's. */
static void suggest_other_build(struct gadb *db, const char *db_path, int64_t build_id,
				const char *pattern)
{
	struct ga_build *builds = NULL;
	struct ga_func *funcs;
	size_t n = 0, nf, i;
	int unmatched;

	if (gadb__list_builds(db, &builds, &n))
		return;
	for (i = n; i-- > 0;) {
		funcs = NULL;
		nf = 0;
		unmatched = -1;
		if (builds[i].db_id == build_id ||
		    gadb__load_funcs(db, builds[i].db_id, &pattern, 1, &funcs, &nf, &unmatched))
			continue;
		ga_funcs_free(funcs, nf);
		if (unmatched < 0 && nf) {
			pr_warn("'%s' is in build %.12s of '%s' (Go build id %s, indexed at '%s'); "
				"trace that binary: --binary PATH, --pid PID or -c CMD", pattern,
				builds[i].sha256, db_path,
				builds[i].go_build_id ? builds[i].go_build_id : "none",
				builds[i].path ? builds[i].path : "?");
			break;
		}
	}
	for (i = 0; i < n; i++)
		ga_build_clear(&builds[i]);
	free(builds);
}

/* Remove the functions marked in drop[] from the plan, keeping the others in order. */
static void drop_funcs(struct probe_plan *plan, const bool *drop)
{
	size_t i, out = 0;

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
}

/* Under one name, Go callers reach the ABIInternal function, not its ABI0 twin. */
static int drop_unreached_twins(struct probe_plan *plan)
{
	bool *drop = calloc(plan->nfuncs + 1, sizeof(*drop));
	size_t i, j;

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
	drop_funcs(plan, drop);
	free(drop);
	return 0;
}

/* Why f cannot be traced (its exits are unknown or it has none), or NULL. */
static const char *untraceable(const struct ga_func *f)
{
	if (f->decode_status == GA_DECODE_BAD)
		return "undecodable";
	if (!f->nexits)
		return "never returns";
	return NULL;
}

static bool named_exactly(const char *name, const char *const *patterns, size_t npat)
{
	size_t i;

	for (i = 0; i < npat; i++)
		if (!strcmp(patterns[i], name))
			return true;
	return false;
}

/*
 * A pattern may match functions that cannot be traced (no exit, bytes
 * that did not decode): they are skipped, with one line naming them. One
 * named exactly stays, and is refused with its reason.
 */
static int skip_untraceable(struct probe_plan *plan, const char *const *patterns, size_t npat)
{
	bool *drop = calloc(plan->nfuncs + 1, sizeof(*drop));
	char *list = NULL;
	size_t i, nskip = 0, len = 0;
	FILE *m = drop ? open_memstream(&list, &len) : NULL;

	if (!m) {
		free(drop);
		return -ENOMEM;
	}
	for (i = 0; i < plan->nfuncs; i++) {
		const char *why = untraceable(&plan->funcs[i]);

		if (why && !named_exactly(plan->funcs[i].name, patterns, npat)) {
			fprintf(m, "%s%s (%s)", nskip++ ? ", " : "", plan->funcs[i].name, why);
			drop[i] = true;
		}
	}
	if (fclose(m)) {
		free(list);
		free(drop);
		return -ENOMEM;
	}
	drop_funcs(plan, drop);
	free(drop);
	if (nskip)
		pr_warn("attach: skipping %zu function%s the patterns match but that cannot be traced: %s",
			nskip, nskip == 1 ? "" : "s", list);
	free(list);
	if (!plan->nfuncs) {
		pr_warn("attach: no function left to trace");
		return -ENOENT;
	}
	return 0;
}

/* --sig: the user's signature replaces what DWARF said (or did not say). */
static int apply_sig(struct probe_plan *plan, const char *sig)
{
	struct ga_func *f;
	struct gosig *s;
	struct ga_param *params = NULL;
	size_t n = 0;
	char msg[1024] = "";
	int err;

	if (plan->nfuncs != 1) {
		pr_warn("attach: --sig gives the signature of one function; %zu match", plan->nfuncs);
		return -EINVAL;
	}
	f = &plan->funcs[0];
	s = gosig__parse(sig, ga_ptr_size(plan->build.arch), msg, sizeof(msg));
	if (!s) {
		pr_warn("attach: bad --sig '%.100s%s': %s", sig, strlen(sig) > 100 ? "..." : "", msg);
		return -EINVAL;
	}
	err = gosig__assign(s, plan->build.arch, f->abi, &params, &n);
	gosig__free(s);
	if (err)
		return err;
	if (gosig__check(f, params, n, ga_ptr_size(plan->build.arch), msg, sizeof(msg))) {
		pr_warn("attach: --sig refused: %s", msg);
		ga_params_free(params, n);
		return -EINVAL;
	}
	if (f->params_known)
		pr_info("attach: --sig replaces the DWARF parameters of %s", f->name);
	ga_params_free(f->params, f->nparams);
	f->params = params;
	f->nparams = n;
	f->params_known = true;
	f->args_only = false;
	f->params_source = GA_PSRC_SIG;
	return 0;
}

/* The build of db that the binary is, by content hash; names both ids when absent. */
static int find_build(struct gadb *db, const char *db_path, const char *binary_path,
		      struct probe_plan *plan)
{
	struct ga_build *builds = NULL;
	struct ga_binid id;
	size_t data_size, n = 0, i;
	const uint8_t *data = elfimg__data(plan->img, &data_size);
	int err;

	err = binid_from_mem(data, data_size, &id);
	if (err)
		return err;
	err = gadb__find_build(db, id.sha256, &plan->build);
	if (err != -ENOENT)
		return err;
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
	return -ESRCH;
}

/* The kernel runs only its own arch's processes: goattach for x86-64 traces amd64 and 386. */
static int check_arch(struct probe_plan *plan)
{
	const uint8_t *data;
	size_t size;
	int err;

#if defined(__aarch64__)
	if (plan->build.arch != GA_ARCH_ARM64) {
		pr_warn("attach: '%s' is a %s binary; this goattach traces arm64 processes",
			plan->binary_path, ga_arch_name(plan->build.arch));
		return -ENOTSUP;
	}
#else
	if (plan->build.arch != GA_ARCH_AMD64 && plan->build.arch != GA_ARCH_386) {
		pr_warn("attach: '%s' is a %s binary; this goattach traces amd64 and 386 processes "
			"(an arm64 build of goattach traces arm64)", plan->binary_path,
			ga_arch_name(plan->build.arch));
		return -ENOTSUP;
	}
#endif
	if (plan->build.arch != GA_ARCH_386)
		return 0;
	data = elfimg__data(plan->img, &size);
	err = go_386_tls_g_off(data, size, &plan->tls_g_off);
	if (err == -ENOENT)
		pr_warn("attach: no 'MOVL 0(GS), r; MOVL off(r), r' in '%s': cannot tell where "
			"its 386 code keeps g", plan->binary_path);
	return err;
}

/* The functions patterns select, the one Go callers reach under each name, with --sig applied. */
static int select_funcs(struct gadb *db, const char *db_path, const char *const *patterns,
			size_t npat, const char *sig, struct probe_plan *plan)
{
	int err, unmatched = -1;

	err = gadb__load_funcs(db, plan->build.db_id, patterns, npat, &plan->funcs, &plan->nfuncs,
			       &unmatched);
	if (err)
		return err;
	if (unmatched >= 0) {
		/* a DB may hold several builds: name the one searched */
		pr_warn("attach: no function matches '%s' in '%s' (build %.12s, %s, of '%s')",
			patterns[unmatched], db_path, plan->build.sha256,
			plan->build.go_version ? plan->build.go_version : "unknown Go",
			plan->binary_path);
		suggest(db, plan->build.db_id, patterns[unmatched]);
		suggest_other_build(db, db_path, plan->build.db_id, patterns[unmatched]);
		return -ENOENT;
	}
	err = drop_unreached_twins(plan);
	if (!err)
		err = skip_untraceable(plan, patterns, npat);
	if (!err && sig)
		err = apply_sig(plan, sig);
	return err;
}

/* Only a shape-instantiated generic has a dictionary to name: skip .symtab otherwise. */
static bool plan_has_dict(const struct probe_plan *plan)
{
	size_t i, k;

	for (i = 0; i < plan->nfuncs; i++)
		for (k = 0; k < plan->funcs[i].nparams; k++)
			if (plan->funcs[i].params[k].name &&
			    !strcmp(plan->funcs[i].params[k].name, ".dict"))
				return true;
	return false;
}

/* Every --expr applies to one function at least; else why it does not in the first. */
static int check_exprs(const struct probe_plan *plan, const struct plan_opts *opts)
{
	char text[256];
	size_t i, k;

	for (i = 0; i < opts->nexprs; i++) {
		for (k = 0; k < plan->nfuncs; k++)
			if (plan->shows[k].which[i] >= 0)
				break;
		if (k < plan->nfuncs)
			continue;
		expr_format(opts->exprs[i], text, sizeof(text));
		/* the reason starts with the expression */
		if (plan->nfuncs == 1)
			pr_warn("attach: bad --expr %s", plan->shows[0].why[i]);
		else
			pr_warn("attach: --expr '%s' applies to none of the %zu functions (in %s: %s)",
				text, plan->nfuncs, plan->funcs[0].name, plan->shows[0].why[i]);
		return -EINVAL;
	}
	return 0;
}

/*
 * The binary, opened once: the image maps it through that descriptor, so
 * the hash, the byte checks and the uprobes ("/proc/self/fd/N", which the
 * kernel resolves to the open file) are all of one file, whatever
 * binary_path names meanwhile.
 */
static int open_binary(struct probe_plan *plan, int binary_fd)
{
	struct stat st;
	int fd = binary_fd, err;

	if (fd < 0) {
		fd = open(plan->binary_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			pr_warn("attach: cannot open '%s': %s", plan->binary_path, strerror(-err));
			return err;
		}
	}
	plan->img = elfimg__open_fd(fd, plan->binary_path);
	err = plan->img ? 0 : -errno;
	if (fd != binary_fd)
		close(fd);
	if (err)
		return err;
	if (fstat(elfimg__fd(plan->img), &st))
		return -errno;
	plan->bin_dev = st.st_dev;
	plan->bin_ino = st.st_ino;
	snprintf(plan->attach_path, sizeof(plan->attach_path), "/proc/self/fd/%d",
		 elfimg__fd(plan->img));
	return 0;
}

bool probe_plan__names_verified(const struct probe_plan *plan, const char *path,
				struct stat *now)
{
	struct stat st;

	if (stat(path, &st)) {
		memset(&st, 0, sizeof(st));
		if (now)
			*now = st;
		return false;
	}
	if (now)
		*now = st;
	return st.st_dev == plan->bin_dev && st.st_ino == plan->bin_ino;
}

int probe_plan__build(struct gadb *db, const char *db_path, const char *binary_path,
		      int binary_fd, const char *const *patterns, size_t npat,
		      const struct plan_opts *opts, struct probe_plan *plan)
{
	struct verify_img img = { .path = binary_path };
	size_t cap = 0, i;
	int err;

	memset(plan, 0, sizeof(*plan));
	plan->deref = opts->deref;
	plan->nexprs = opts->nexprs;
	plan->binary_path = strdup(binary_path);
	if (!plan->binary_path)
		return -ENOMEM;
	err = open_binary(plan, binary_fd);
	if (err)
		return err;
	err = find_build(db, db_path, binary_path, plan);
	if (!err)
		err = check_arch(plan);
	if (!err)
		err = select_funcs(db, db_path, patterns, npat, opts->sig, plan);
	if (err)
		return err;
	plan->layouts = calloc(plan->nfuncs ? plan->nfuncs : 1, sizeof(*plan->layouts));
	if (!plan->layouts)
		return -ENOMEM;
	/* the types: for expressions, --deref, and maps' keys and values */
	{
		plan->typedb = typedb__open(db, plan->build.db_id);
		if (!plan->typedb)
			return -errno;
		plan->owned_types = calloc(1, sizeof(*plan->owned_types));
		if (!plan->owned_types)
			return -ENOMEM;
	}
	if (opts->nexprs) {
		plan->shows = calloc(plan->nfuncs ? plan->nfuncs : 1, sizeof(*plan->shows));
		if (!plan->shows)
			return -ENOMEM;
	}
	if (opts->filter) {
		plan->filters = calloc(plan->nfuncs ? plan->nfuncs : 1, sizeof(*plan->filters));
		if (!plan->filters)
			return -ENOMEM;
	}
	if (opts->deref) {
		plan->deref_shows = calloc(plan->nfuncs ? plan->nfuncs : 1, sizeof(*plan->deref_shows));
		if (!plan->deref_shows)
			return -ENOMEM;
	}
	img.arch = plan->build.arch;
	img.data = elfimg__data(plan->img, &img.size);
	for (i = 0; i < plan->nfuncs && !err; i++)
		err = plan_func(plan, i, opts, &img, &cap);
	/* a damaged type row was said (one line naming the DB): no plan on a damaged DB */
	if (!err && typedb__damaged(plan->typedb))
		err = -EINVAL;
	if (!err && opts->nexprs)
		err = check_exprs(plan, opts);
	if (!err)
		err = plan_marks(db, plan, &img, &cap);
	/* the binary stays mapped for type and dictionary names: the DB said this is the build */
	if (!err)
		err = gotypes__init(&plan->types, plan->img, &plan->build, plan_has_dict(plan));
	return err;
}
