// SPDX-License-Identifier: MIT
/* Parameters from DWARF or the arg-info funcdata (see params.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "goname.h"
#include "goruntime.h"
#include "log.h"
#include "params.h"
#include "util.h"

/*
 * Does DWARF's location list at the entry agree with where the ABI puts
 * p? -1: nothing to compare. buf gets DWARF's say.
 */
static int param_agrees(enum ga_arch arch, const struct goparam *gp, const struct ga_param *p,
			char *buf, size_t buflen)
{
	size_t used = 0, k;
	bool same;

	buf[0] = '\0';
	if (gp->is_result || gp->loc == GOPARAM_LOC_UNKNOWN || !p->npieces)
		return -1;
	if (gp->loc == GOPARAM_LOC_STACK) {
		int ps = ga_ptr_size(arch);

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

/* A disagreement is kept on the param, and shown by the report. */
static int check_against_dwarf(enum ga_arch arch, const struct goparam *gps, struct ga_param *params,
			       size_t n, struct params_stats *st)
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
		st->n_dwarf_checked++;
		st->n_dwarf_differs += !same;
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

/* The stand-in receiver's types: they live as long as the params being read. */
struct recv_types {
	struct gotype word;
	struct gotype type;
	struct gofield fields[RECV_MAX_WORDS];
	char names[RECV_MAX_WORDS][12];
};

/* Receiver sizes to try: 1-3 words, and on the stack the shift DWARF shows. */
static void receiver_candidates(int ps, const struct ga_func *f, const struct goparam *gps,
				size_t n, int nwords[4])
{
	size_t i;

	nwords[0] = 1;
	nwords[1] = 2;
	nwords[2] = 3;
	nwords[3] = 0;
	for (i = 0; i < n && nwords[3] == 0; i++) {
		const struct ga_param *p = &f->params[i];

		if (gps[i].loc == GOPARAM_LOC_STACK && gps[i].cfa_known && !gps[i].is_result &&
		    p->npieces && p->pieces[0].loc == GA_LOC_STACK) {
			int64_t d = gps[i].cfa_off + ps - p->pieces[0].stack_off;

			if (d > 3 * ps && d % ps == 0 && d / ps <= RECV_MAX_WORDS)
				nwords[3] = d / ps;
		}
	}
}

/* A receiver of nwords words, of the types in rt, as the first of alt. */
static void stand_in_receiver(int ps, int nwords, struct recv_types *rt, struct goparam *alt)
{
	int k;

	rt->word = (struct gotype){ .kind = GA_KIND_UINT, .name = "uintptr", .size = ps };
	rt->type = (struct gotype){
		.kind = nwords == 1 ? GA_KIND_PTR : GA_KIND_STRUCT, .name = "receiver (not in DWARF)",
		.size = nwords * ps, .nfields = nwords == 1 ? 0 : nwords, .fields = rt->fields,
	};
	for (k = 0; k < nwords; k++) {
		snprintf(rt->names[k], sizeof(rt->names[k]), "w%d", k);
		rt->fields[k] = (struct gofield){ .name = rt->names[k], .offset = k * ps, .type = &rt->word };
	}
	alt[0] = (struct goparam){ .name = ".this", .type = &rt->type };
}

static int infer_receiver(enum ga_arch arch, struct ga_func *f, const struct goparam **gps,
			  size_t *ngps, struct goparam **owned, struct recv_types *rt)
{
	int ps = ga_ptr_size(arch), w, nwords[4];
	size_t checked, n = *ngps;
	struct goparam *alt;

	if (!dwarf_disagreements(arch, *gps, f->params, n, &checked) ||
	    (n && !strcmp((*gps)[0].name, ".this")))
		return 0;
	alt = calloc(n + 1, sizeof(*alt));
	if (!alt)
		return -ENOMEM;
	memcpy(alt + 1, *gps, n * sizeof(*alt));
	receiver_candidates(ps, f, *gps, n, nwords);
	for (w = 0; w < 4; w++) {
		struct ga_param *params = NULL;

		if (!nwords[w])
			continue;
		stand_in_receiver(ps, nwords[w], rt, alt);
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

/*
 * A generic function, or a method of a generic type, compiled for a shape
 * takes its dictionary as a hidden first argument, before the receiver,
 * which DWARF does not list (cmd/compile/internal/noder/stencil.go; the
 * DWARF location lists of the other arguments agree). NULL when f has
 * none to add, else the params with it (freed by the caller).
 */
static struct goparam *with_dictionary(const struct ga_func *f, const struct goparam *gps, size_t ngps,
				       const struct gotype *dict_type, int *err)
{
	struct goparam *with_dict;

	*err = 0;
	if (!go_is_shape_instance(f->name) || (ngps && !strcmp(gps[0].name, ".dict")))
		return NULL;
	with_dict = calloc(ngps + 1, sizeof(*with_dict));
	if (!with_dict) {
		*err = -ENOMEM;
		return NULL;
	}
	with_dict[0] = (struct goparam){ .name = ".dict", .type = dict_type };
	memcpy(with_dict + 1, gps, ngps * sizeof(*gps));
	return with_dict;
}

/* --deref: the basic fields of what a one-word pointer argument points at. */
static int add_derefs(struct gdwarf *dw, enum ga_arch arch, const struct goparam *gps, size_t n,
		      struct ga_func *f)
{
	size_t k;
	int err = 0;

	for (k = 0; !err && k < n; k++) {
		const struct gotype *pt = gdwarf__type_at(dw, gps[k].type->pointee_off);

		if (pt && pt->size && f->params[k].npieces == 1)
			err = abi_deref_pieces(arch, pt, f->params[k].name, &f->params[k].derefs,
					       &f->params[k].nderefs);
	}
	return err;
}

int params_from_dwarf(struct gdwarf *dw, enum ga_arch arch, struct ga_func *f,
		      struct params_stats *st)
{
	struct gotype dict_type = { .kind = GA_KIND_PTR, .name = "*runtime.dictionary",
				    .size = ga_ptr_size(arch) };
	const struct goparam *gps, *dw_gps;
	struct goparam *owned;
	struct recv_types rt;
	size_t ngps;
	int err;

	if (gdwarf__func_params(dw, f->entry, &gps, &ngps))
		return 0;
	dw_gps = gps;
	owned = with_dictionary(f, gps, ngps, &dict_type, &err);
	if (err) {
		gdwarf__params_free(dw, dw_gps);
		return err;
	}
	if (owned) {
		gps = owned;
		ngps++;
	}
	err = abi_assign(arch, f->abi, gps, ngps, &f->params);
	if (!err)
		err = infer_receiver(arch, f, &gps, &ngps, &owned, &rt);
	if (!err)
		err = check_against_dwarf(arch, gps, f->params, ngps, st);
	if (!err)
		err = add_derefs(dw, arch, gps, ngps, f);
	gdwarf__params_free(dw, dw_gps);
	free(owned);
	if (err)
		return err;
	f->nparams = ngps;
	f->params_known = true;
	st->n_known++;
	return 0;
}

/*
 * One argument of the arg-info funcdata as raw words: "arg1" for one
 * word, "arg1[0]", "arg1[1]" for an aggregate's. Under the register ABI
 * only a spilled slot names its register; the morestack block spills live
 * arguments only, and a slot not spilled may be a dead register argument
 * or a stack one: the argument is then shown as "?", never guessed.
 */
static int arginfo_param(const struct pcln_arg *arg, int idx, int ps, bool regabi, bool last_cut,
			 const struct ga_spill *spills, size_t nsp, struct ga_param *prm)
{
	char name[16];
	size_t j;
	int k;

	snprintf(name, sizeof(name), "arg%d", idx);
	prm->name = strdup(name);
	/* the last one may be cut short where the runtime's description stops */
	prm->type_name = strdup(last_cut ? "? (first words only)" : "?");
	prm->kind = GA_KIND_UNKNOWN;
	prm->pieces = calloc(arg->n > 0 ? arg->n : 1, sizeof(*prm->pieces));
	if (!prm->name || !prm->type_name || !prm->pieces)
		return -ENOMEM;
	prm->npieces = arg->n > 0 ? arg->n : 0;
	prm->on_stack = true;
	for (k = 0; regabi && k < arg->n; k++) {
		for (j = 0; j < nsp && spills[j].off != ps + arg->off[k]; j++)
			;
		if (j == nsp)
			prm->npieces = 0;
	}
	for (k = 0; k < arg->n; k++)
		prm->size += arg->size[k];
	if (arg->n < 0)
		prm->size = ps;
	for (k = 0; k < (int)prm->npieces; k++) {
		struct ga_piece *pc = &prm->pieces[k];
		char path[32];
		int off = ps + arg->off[k];

		if (arg->n > 1)
			snprintf(path, sizeof(path), "%s[%d]", name, k);
		else
			snprintf(path, sizeof(path), "%s", name);
		pc->path = strdup(path);
		if (!pc->path)
			return -ENOMEM;
		pc->kind = GA_PIECE_RAW;
		pc->size = arg->size[k];
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
	return 0;
}

int params_from_arginfo(const struct pclntab *tab, size_t idx, enum ga_arch arch,
			struct disasm *dis, struct ga_func *f, struct params_stats *st)
{
	struct ga_spill spills[32];
	struct pcln_arginfo ai;
	struct ga_param *params;
	int ps = ga_ptr_size(arch), a, skip, err = 0;
	size_t nsp = 0;

	if (pclntab__arginfo(tab, idx, &ai) || !ai.nargs)
		return 0;
	if (f->abi == GA_ABI_INTERNAL) {
		const uint8_t *code = elfimg__vaddr_ptr(tab->bin, f->entry, f->size);

		/* no morestack block, no way to tell registers: leave it to --sig */
		if (f->entry_kind != GA_ENTRY_JCC || !code ||
		    disasm__spills(dis, code, f->size, f->entry, f->entry_probe_offset, spills,
				   ARRAY_SIZE(spills), &nsp))
			return 0;
	}
	/*
	 * The compiler leaves out the first argument of every function whose
	 * name has a '[' (meant for a generic's dictionary, but type..eq.[2]T
	 * loses its first argument too: ssagen EmitArgInfo): it is shown as "?".
	 */
	skip = strchr(f->name, '[') != NULL;
	params = calloc(ai.nargs + skip, sizeof(*params));
	if (!params)
		return -ENOMEM;
	if (skip) {
		params[0].name = strdup(go_is_shape_instance(f->name) ? ".dict" : "arg0");
		params[0].type_name = strdup("? (not described)");
		params[0].size = ps;
		if (!params[0].name || !params[0].type_name)
			err = -ENOMEM;
	}
	for (a = 0; !err && a < ai.nargs; a++)
		err = arginfo_param(&ai.args[a], a + skip, ps, f->abi == GA_ABI_INTERNAL,
				    ai.truncated && a == ai.nargs - 1, spills, nsp, &params[a + skip]);
	if (err) {
		ga_params_free(params, ai.nargs + skip);
		return err;
	}
	f->params = params;
	f->nparams = ai.nargs + skip;
	f->params_known = true;
	f->args_only = true;
	st->n_from_arginfo++;
	return 0;
}
