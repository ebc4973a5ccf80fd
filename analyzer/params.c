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
 * What the checker knows of one function's params besides each one's own
 * DWARF location: the ABI, and where the register ABI's spill slot of
 * each register-assigned argument is.
 */
struct dwarf_cmp {
	enum ga_arch arch;
	bool regabi;
	const struct goparam *gps;
	const struct ga_param *params;
	size_t n;
	int64_t *spill_cfa_off;	/* per param: its spill slot as a frame-base offset, -1 none */
};

/* Why DWARF's location of an argument is not compared (DWARF_COMPARED: it is). */
enum dwarf_skip {
	DWARF_COMPARED = 0,
	DWARF_NOTHING,		/* no location at the entry, or a result */
	DWARF_SELF_CONTRADICTS,	/* its pieces exceed its type, or a register another argument has */
	DWARF_SPILL_HOME,	/* a single stack home: the spill slot of a register argument */
};

/*
 * The register ABI reserves a spill slot for each register-assigned
 * argument, after the stack-assigned arguments and results (pointer
 * aligned), each aligned to its type (cmd/compile/internal/abi
 * abiutils.go: assignParam nextSlot(&spillOffset), offsetToSpillArea,
 * FrameOffset). That is the argument's frame offset, and DWARF's
 * DW_OP_fbreg of a single-home variable is that plus FixedFrameSize
 * (dwarfgen createSimpleVar; the frame base is DW_OP_call_frame_cfa).
 */
static int dwarf_cmp_init(struct dwarf_cmp *c, enum ga_arch arch, enum ga_abi abi,
			  const struct goparam *gps, const struct ga_param *params, size_t n)
{
	uint64_t stack = 0, spill, a;
	int ps = ga_ptr_size(arch);
	bool results_started = false;
	size_t i;

	*c = (struct dwarf_cmp){
		.arch = arch, .regabi = abi == GA_ABI_INTERNAL && arch != GA_ARCH_386,
		.gps = gps, .params = params, .n = n,
	};
	c->spill_cfa_off = calloc(n ? n : 1, sizeof(*c->spill_cfa_off));
	if (!c->spill_cfa_off)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		c->spill_cfa_off[i] = -1;
		if (gps[i].is_result && !results_started) {
			results_started = true;
			stack = (stack + ps - 1) / ps * ps;
		}
		if (params[i].on_stack) {
			a = abi_align(arch, gps[i].type);
			stack = (stack + a - 1) / a * a + gps[i].type->size;
		}
	}
	spill = (stack + ps - 1) / ps * ps;
	for (i = 0; c->regabi && i < n; i++) {
		if (gps[i].is_result || params[i].on_stack || !gps[i].type->size)
			continue;
		a = abi_align(arch, gps[i].type);
		spill = (spill + a - 1) / a * a;
		c->spill_cfa_off[i] = spill + go_fixed_frame_size(arch);
		spill += gps[i].type->size;
	}
	return 0;
}

static void dwarf_cmp_fini(struct dwarf_cmp *c)
{
	free(c->spill_cfa_off);
	c->spill_cfa_off = NULL;
}

/* DWARF's pieces of gp describe more bytes than its type has (golang/go#72053). */
static bool pieces_exceed_type(const struct goparam *gp)
{
	return gp->loc_piece_bytes > gp->type->size;
}

/* Does DWARF put another argument in one of gps[i]'s registers at the entry? */
static bool register_shared(const struct dwarf_cmp *c, size_t i)
{
	const struct goparam *gp = &c->gps[i];
	size_t j;
	int k, m;

	for (j = 0; j < c->n; j++) {
		const struct goparam *o = &c->gps[j];

		if (j == i || o->is_result || o->loc != GOPARAM_LOC_REGS || pieces_exceed_type(o))
			continue;
		for (k = 0; k < gp->nloc_regs; k++)
			for (m = 0; gp->loc_regs[k] >= 0 && m < o->nloc_regs; m++)
				if (o->loc_regs[m] == gp->loc_regs[k])
					return true;
	}
	return false;
}

/*
 * Does DWARF say where param i is at the entry? Not when it says
 * nothing; not when it contradicts itself: pieces that add up to more
 * than the type (Go 1.19-1.21 list a slice as four words), or a register
 * it also gives another argument (every argument register holds one word
 * at the entry: runtime.(*pallocData).findScavengeCandidate's min and max
 * both "in rcx"); and not when it gives the single home of a register
 * argument (createSimpleVar, what Go 1.27 writes for .dict and unnamed
 * ~pN): that spill slot is where the callee may store it, not where the
 * caller put it.
 */
static enum dwarf_skip dwarf_entry_says(const struct dwarf_cmp *c, size_t i)
{
	const struct goparam *gp = &c->gps[i];
	const struct ga_param *p = &c->params[i];

	if (gp->is_result || gp->loc == GOPARAM_LOC_UNKNOWN || !p->npieces)
		return DWARF_NOTHING;
	if (pieces_exceed_type(gp))
		return DWARF_SELF_CONTRADICTS;
	if (gp->loc == GOPARAM_LOC_REGS && register_shared(c, i))
		return DWARF_SELF_CONTRADICTS;
	if (c->regabi && gp->loc == GOPARAM_LOC_STACK && gp->loc_single && gp->cfa_known &&
	    !p->on_stack && gp->cfa_off == c->spill_cfa_off[i])
		return DWARF_SPILL_HOME;
	return DWARF_COMPARED;
}

/*
 * Does DWARF's location at the entry agree with where the ABI puts
 * param i? -1: nothing to compare (*skip says why). buf gets DWARF's say.
 */
static int param_agrees(const struct dwarf_cmp *c, size_t i, char *buf, size_t buflen,
			enum dwarf_skip *skip)
{
	const struct goparam *gp = &c->gps[i];
	const struct ga_param *p = &c->params[i];
	enum ga_arch arch = c->arch;
	size_t used = 0, k;
	bool same;

	buf[0] = '\0';
	*skip = dwarf_entry_says(c, i);
	if (*skip != DWARF_COMPARED)
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

/* How many of params DWARF contradicts (-errno), and in *checked how many it locates. */
static int dwarf_disagreements(enum ga_arch arch, enum ga_abi abi, const struct goparam *gps,
			       const struct ga_param *params, size_t n, size_t *checked)
{
	struct dwarf_cmp c;
	enum dwarf_skip skip;
	size_t i;
	char buf[256];
	int bad = 0, err;

	*checked = 0;
	err = dwarf_cmp_init(&c, arch, abi, gps, params, n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		int a = param_agrees(&c, i, buf, sizeof(buf), &skip);

		*checked += a >= 0;
		bad += a == 0;
	}
	dwarf_cmp_fini(&c);
	return bad;
}

/* A disagreement is kept on the param, and shown by the report. */
static int check_against_dwarf(enum ga_arch arch, const struct ga_func *f,
			       const struct goparam *gps, struct ga_param *params, size_t n,
			       struct params_stats *st)
{
	static const char *const why[] = {
		[DWARF_SELF_CONTRADICTS] = "contradicts itself",
		[DWARF_SPILL_HOME] = "gives the spill slot of a register argument",
	};
	struct dwarf_cmp c;
	enum dwarf_skip skip;
	size_t i;
	int err;

	err = dwarf_cmp_init(&c, arch, f->abi, gps, params, n);
	if (err)
		return err;
	for (i = 0; !err && i < n; i++) {
		struct ga_param *p = &params[i];
		char buf[256];
		int same = param_agrees(&c, i, buf, sizeof(buf), &skip);

		if (skip == DWARF_SELF_CONTRADICTS || skip == DWARF_SPILL_HOME) {
			pr_debug("params: %s %s: DWARF %s; not compared", f->name, p->name, why[skip]);
			st->n_dwarf_self_contradicts += skip == DWARF_SELF_CONTRADICTS;
			st->n_dwarf_spill_home += skip == DWARF_SPILL_HOME;
		}
		if (same < 0)
			continue;
		p->dwarf_check = same ? GA_DWARF_AGREES : GA_DWARF_DIFFERS;
		p->dwarf_loc = strdup(buf);
		if (!p->dwarf_loc)
			err = -ENOMEM;
		st->n_dwarf_checked++;
		st->n_dwarf_differs += !same;
	}
	dwarf_cmp_fini(&c);
	return err;
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
	int bad = dwarf_disagreements(arch, f->abi, *gps, f->params, n, &checked);

	if (bad <= 0 || (n && !strcmp((*gps)[0].name, ".this")))
		return bad;
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
		if (!dwarf_disagreements(arch, f->abi, alt, params, n + 1, &checked) && checked) {
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

/* gps with a dictionary of dict_type inserted at pos (freed by the caller), NULL on ENOMEM. */
static struct goparam *with_dictionary(const struct goparam *gps, size_t ngps, size_t pos,
				       const struct gotype *dict_type)
{
	struct goparam *with_dict = calloc(ngps + 1, sizeof(*with_dict));

	if (!with_dict)
		return NULL;
	memcpy(with_dict, gps, pos * sizeof(*gps));
	with_dict[pos] = (struct goparam){ .name = ".dict", .type = dict_type };
	memcpy(with_dict + pos + 1, gps + pos, (ngps - pos) * sizeof(*gps));
	return with_dict;
}

/* Does this build's compiler pass a generic method's receiver before its dictionary? */
static bool dict_after_receiver(const struct ga_build *b)
{
	const char *goexperiment = NULL;
	size_t i;

	for (i = 0; i < b->nsettings; i++)
		if (b->settings[i].key && !strcmp(b->settings[i].key, "GOEXPERIMENT"))
			goexperiment = b->settings[i].value;
	return go_generic_method_dict_after_receiver(b->go_version, b->pclntab_format,
						     goexperiment);
}

/*
 * Where a function compiled for a shape takes its dictionary among the
 * params DWARF lists, -1 when it has none to add. Go up to 1.26 leaves
 * .dict out of DWARF; 1.27 lists it (in its place): never a second one.
 * A plain generic function takes it first; a method of a generic type
 * first or after its receiver by the frontend that compiled it (see
 * go_generic_method_dict_after_receiver).
 */
static int dictionary_position(const struct ga_build *b, const struct ga_func *f,
			       const struct goparam *gps, size_t ngps)
{
	size_t i;

	if (!go_is_shape_instance(f->name))
		return -1;
	for (i = 0; i < ngps; i++)
		if (!strcmp(gps[i].name, ".dict"))
			return -1;
	if (!go_is_shape_method(f->name) || !ngps || gps[0].is_result)
		return 0;
	return dict_after_receiver(b) ? 1 : 0;
}

/*
 * Lay out f's params with the dictionary at pos. A method's DWARF
 * locates its receiver and arguments at the entry: if they disagree
 * with the version's order and agree, every one, with the other, the
 * binary's own DWARF decides. *owned gets the params laid out (the
 * caller frees it), f->params their layout.
 */
static int lay_out_with_dictionary(const struct ga_build *b, struct ga_func *f,
				   const struct goparam *gps, size_t ngps, int pos,
				   const struct gotype *dict_type, struct goparam **owned)
{
	struct goparam *alt;
	struct ga_param *alt_params = NULL;
	size_t checked, alt_checked;
	int bad, alt_bad, err;

	*owned = with_dictionary(gps, ngps, pos, dict_type);
	if (!*owned)
		return -ENOMEM;
	err = abi_assign(b->arch, f->abi, *owned, ngps + 1, &f->params);
	if (err || !go_is_shape_method(f->name))
		return err;
	bad = dwarf_disagreements(b->arch, f->abi, *owned, f->params, ngps + 1, &checked);
	if (bad <= 0)
		return bad;
	alt = with_dictionary(gps, ngps, !pos, dict_type);
	if (!alt)
		return -ENOMEM;
	err = abi_assign(b->arch, f->abi, alt, ngps + 1, &alt_params);
	alt_bad = err ?: dwarf_disagreements(b->arch, f->abi, alt, alt_params, ngps + 1,
					     &alt_checked);
	if (alt_bad < 0)
		err = alt_bad;
	if (!err && !alt_bad && alt_checked) {
		pr_debug("params: %s: DWARF's locations put .dict %s the receiver", f->name,
			 pos ? "before" : "after");
		ga_params_free(f->params, ngps + 1);
		f->params = alt_params;
		free(*owned);
		*owned = alt;
		return 0;
	}
	ga_params_free(alt_params, ngps + 1);
	free(alt);
	return err;
}

/*
 * --deref: the basic fields of what a one-word pointer argument points
 * at. Not a dictionary's words (Go 1.27 types .dict as *[N]uintptr):
 * goattach names the dictionary by its symbol instead.
 */
static int add_derefs(struct gdwarf *dw, enum ga_arch arch, const struct goparam *gps, size_t n,
		      struct ga_func *f)
{
	size_t k;
	int err = 0;

	for (k = 0; !err && k < n; k++) {
		const struct gotype *pt = strcmp(gps[k].name, ".dict") ?
			gdwarf__type_at(dw, gps[k].type->pointee_off) : NULL;

		if (pt && pt->size && f->params[k].npieces == 1)
			err = abi_deref_pieces(arch, pt, f->params[k].name, &f->params[k].derefs,
					       &f->params[k].nderefs);
	}
	return err;
}

/*
 * Each param's type_ref: the type of gps[k], numbered (and written) by
 * tg. Not the stand-ins made here (skip, skip2: a dictionary's pointer,
 * a receiver DWARF leaves out), which live only while f is read.
 */
static int type_refs(struct typegraph *tg, const struct goparam *gps, size_t n,
		     const struct gotype *skip, const struct gotype *skip2, struct ga_func *f)
{
	size_t k;
	int err = 0;

	for (k = 0; tg && !err && k < n; k++)
		if (gps[k].type != skip && gps[k].type != skip2)
			err = typegraph__id(tg, gps[k].type, &f->params[k].type_ref);
	return err;
}

int params_from_dwarf(struct gdwarf *dw, const struct ga_build *b, struct typegraph *tg,
		      struct ga_func *f, struct params_stats *st)
{
	struct gotype dict_type = { .kind = GA_KIND_PTR, .name = "*runtime.dictionary",
				    .size = ga_ptr_size(b->arch) };
	const struct goparam *gps, *dw_gps;
	struct goparam *owned = NULL;
	struct recv_types rt;
	size_t ngps;
	int err, pos;

	if (gdwarf__func_params(dw, f->entry, &gps, &ngps))
		return 0;
	dw_gps = gps;
	pos = dictionary_position(b, f, gps, ngps);
	if (pos >= 0) {
		err = lay_out_with_dictionary(b, f, gps, ngps, pos, &dict_type, &owned);
		if (owned) {
			gps = owned;
			ngps++;
		}
	} else {
		err = abi_assign(b->arch, f->abi, gps, ngps, &f->params);
	}
	if (!err)
		err = infer_receiver(b->arch, f, &gps, &ngps, &owned, &rt);
	if (!err)
		err = check_against_dwarf(b->arch, f, gps, f->params, ngps, st);
	if (!err)
		err = add_derefs(dw, b->arch, gps, ngps, f);
	if (!err)
		err = type_refs(tg, gps, ngps, &dict_type, &rt.type, f);
	gdwarf__params_free(dw, dw_gps);
	free(owned);
	if (err) {
		ga_params_free(f->params, ngps);
		f->params = NULL;
		return err;
	}
	f->nparams = ngps;
	f->params_known = true;
	f->params_source = GA_PSRC_DWARF;
	st->n_known++;
	return 0;
}

/*
 * A method's func type from the runtime type data names no parameter:
 * the receiver is "recv", the arguments "arg0", ..., the results "~r0",
 * .... A function compiled for a shape takes a dictionary the type data
 * does not list: never one of these (the method table points at the
 * instantiation's wrapper, which passes it).
 */
int params_from_types(struct rtype_methods *rm, const struct ga_build *b, struct typegraph *tg,
		      struct ga_func *f, struct params_stats *st)
{
	struct goparam *gps;
	size_t n, k;
	int err;

	if (go_is_shape_instance(f->name) || rtype_methods__func_params(rm, f->entry, &gps, &n))
		return 0;
	err = abi_assign(b->arch, f->abi, gps, n, &f->params);
	/* --deref: the basic fields of what a one-word pointer argument points at */
	for (k = 0; !err && k < n; k++) {
		const struct gotype *pt = rtype_methods__type_at(rm, gps[k].type->pointee_off);

		if (pt && pt->size && f->params[k].npieces == 1)
			err = abi_deref_pieces(b->arch, pt, f->params[k].name, &f->params[k].derefs,
					       &f->params[k].nderefs);
	}
	if (!err)
		err = type_refs(tg, gps, n, NULL, NULL, f);
	free(gps);
	if (err) {
		ga_params_free(f->params, n);
		f->params = NULL;
		return err;
	}
	f->nparams = n;
	f->params_known = true;
	f->args_only = false;
	f->params_source = GA_PSRC_TYPES;
	st->n_from_types++;
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

/*
 * The arg-info of a method of a generic type from the unified IR
 * frontend describes its dictionary, not its receiver: name it, and let
 * goattach show whose dictionary it is.
 */
static int name_described_dictionary(int ps, struct ga_param *recv, struct ga_param *dict)
{
	char *recv_type = strdup("? (receiver, not described)");
	char *name = strdup(".dict"), *type_name = strdup("*runtime.dictionary");

	if (!recv_type || !name || !type_name) {
		free(recv_type);
		free(name);
		free(type_name);
		return -ENOMEM;
	}
	free(recv->type_name);
	recv->type_name = recv_type;
	free(dict->name);
	dict->name = name;
	free(dict->type_name);
	dict->type_name = type_name;
	if (dict->npieces == 1 && dict->pieces[0].size == ps) {
		dict->kind = GA_KIND_PTR;
		dict->pieces[0].kind = GA_PIECE_PTR;
	}
	return 0;
}

int params_from_arginfo(const struct pclntab *tab, size_t idx, const struct ga_build *b,
			struct disasm *dis, struct ga_func *f, struct params_stats *st)
{
	struct ga_spill spills[32];
	struct pcln_arginfo ai;
	struct ga_param *params;
	int ps = ga_ptr_size(b->arch), a, skip, err = 0;
	bool dict_skipped;
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
	 * name has a '[' ("Skip the dictionary argument": ssagen EmitArgInfo,
	 * InParams()[1:]): it is shown as "?". That is the dictionary of a
	 * generic function, and of a generic method from Go 1.18/1.19's
	 * frontend; from the unified IR the receiver comes first and the
	 * dictionary is described. type..eq.[2]T and closures of generics
	 * (F[...].func1, which take no dictionary) lose a real argument.
	 */
	skip = strchr(f->name, '[') != NULL;
	dict_skipped = go_is_shape_instance(f->name) &&
		       !(go_is_shape_method(f->name) && dict_after_receiver(b));
	params = calloc(ai.nargs + skip, sizeof(*params));
	if (!params)
		return -ENOMEM;
	if (skip) {
		params[0].name = strdup(dict_skipped ? ".dict" : "arg0");
		params[0].type_name = strdup("? (not described)");
		params[0].size = ps;
		if (!params[0].name || !params[0].type_name)
			err = -ENOMEM;
	}
	for (a = 0; !err && a < ai.nargs; a++)
		err = arginfo_param(&ai.args[a], a + skip, ps, f->abi == GA_ABI_INTERNAL,
				    ai.truncated && a == ai.nargs - 1, spills, nsp, &params[a + skip]);
	if (!err && skip && go_is_shape_method(f->name) && !dict_skipped)
		err = name_described_dictionary(ps, &params[0], &params[1]);
	if (err) {
		ga_params_free(params, ai.nargs + skip);
		return err;
	}
	f->params = params;
	f->nparams = ai.nargs + skip;
	f->params_known = true;
	f->args_only = true;
	f->params_source = GA_PSRC_ARGINFO;
	st->n_from_arginfo++;
	return 0;
}
