// SPDX-License-Identifier: MIT
/*
 * Type-checking and placing expressions in one traced function. A value
 * is either some pieces of a parameter (already fetched: registers,
 * stack slots) or bytes in memory at a fetched pointer word plus an
 * offset; following a pointer adds a GA_SRC_DEREF word that reads it,
 * and the value finally shown or compared becomes words (and strings)
 * of the side of the call it belongs to.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "exprplace.h"
#include "maps.h"
#include "typedb.h"
#include "util.h"

/* Pieces of one expression value shown (the decoder's own bound for a value). */
#define XP_MAX_PIECES 64
/* Fields searched for a promoted (embedded) field: Go's depth, bounded. */
#define XP_MAX_EMBED_DEPTH 4

/* A value being evaluated. */
struct xval {
	const struct gotype *type;
	int part;		/* GA_EV_ARGS or GA_EV_RESULTS */
	bool in_mem;
	/* !in_mem: pieces [p0, p0 + np) of param prm, flat index pbase + k in f's layout */
	const struct ga_param *prm;
	size_t pbase, p0, np;
	char path[256];		/* their path prefix ("r", "p.X") */
	/* in_mem: at words[base] + off */
	int base;
	int64_t off;
	/* a scalar computed into one word (len, cap): word >= 0 */
	int word;
	struct expr_checks chk;	/* what must hold for it to exist, in order */
};

static int fail(struct expr_ctx *c, const struct expr *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Add a check; the last NIL or LOOKUP one is the filter's guard. */
static int add_check(struct expr_ctx *c, struct xval *v, enum expr_check_kind kind, int word,
		     int64_t index, const struct expr *e)
{
	if (v->chk.n >= EXPR_MAX_CHECKS)
		return fail(c, e, "follows more than %d pointers, indexes and keys", EXPR_MAX_CHECKS);
	v->chk.c[v->chk.n++] = (struct expr_check){ .kind = kind, .word = word, .index = index };
	return 0;
}

static int last_guard(const struct xval *v)
{
	int i;

	for (i = v->chk.n - 1; i >= 0; i--)
		if (v->chk.c[i].kind != XCHK_BOUND)
			return v->chk.c[i].word;
	return -1;
}

const char *expr_checks_fail(const struct expr_checks *chk, const struct ga_vals *v)
{
	int i;

	for (i = 0; i < chk->n && i < EXPR_MAX_CHECKS; i++) {
		const struct expr_check *k = &chk->c[i];
		uint64_t w;

		if (k->word < 0 || k->word >= GA_MAX_WORDS)
			continue;
		w = v->words[k->word];
		switch (k->kind) {
		case XCHK_NIL:
			if (!w)
				return "<nil>";
			break;
		case XCHK_LOOKUP:
			if (!w)
				return k->word + 1 < GA_MAX_WORDS && v->words[k->word + 1] == 1 ?
					"<not in the map's first slots>" : "<no such key>";
			break;
		case XCHK_BOUND:
			if ((uint64_t)k->index >= w)
				return "<index out of range>";
			break;
		}
	}
	return NULL;
}

static const struct gotype int_type = { .kind = GA_KIND_INT, .name = "int", .size = 8,
					 .is_signed = true };
static const struct gotype int32_type = { .kind = GA_KIND_INT, .name = "int", .size = 4,
					   .is_signed = true };

static int fail(struct expr_ctx *c, const struct expr *e, const char *fmt, ...)
{
	char buf[512], src[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (e && !expr_format(e, src, sizeof(src)))
		snprintf(c->msg, c->msglen, "%s: %s", src, buf);
	else
		snprintf(c->msg, c->msglen, "%s", buf);
	return -EINVAL;
}

static int ptr_size(const struct expr_ctx *c)
{
	return ga_ptr_size(c->plan->build.arch);
}

static const struct gotype *deref_type(const struct expr_ctx *c, uint64_t ref)
{
	return c->plan->typedb ? typedb__get(c->plan->typedb, ref) : NULL;
}

/*
 * A word of side part fetched as f: an identical fetch already there
 * is shared. Its index, or -E2BIG when the side's GA_MAX_WORDS are taken.
 */
static int add_fetch(struct expr_ctx *c, int part, struct ga_fetch f, const struct expr *e)
{
	struct ga_probe_spec *s = c->spec[part];
	int i;

	for (i = 0; i < s->nwords; i++)
		if (s->words[i].src == f.src && s->words[i].reg == f.reg &&
		    s->words[i].size == f.size && s->words[i].off == f.off)
			return i;
	if (s->nwords >= GA_MAX_WORDS) {
		fail(c, e, "needs more than the %d words a probe fetches (fewer expressions?)",
		     GA_MAX_WORDS);
		return -E2BIG;
	}
	s->words[s->nwords] = f;
	return s->nwords++;
}

static int add_deref(struct expr_ctx *c, int part, int base, int64_t off, int size,
		     const struct expr *e)
{
	if (off < INT32_MIN || off > INT32_MAX)
		return fail(c, e, "offset %lld out of range", (long long)off);
	return add_fetch(c, part, (struct ga_fetch){ .src = GA_SRC_DEREF, .reg = base,
						    .size = size, .off = off }, e);
}

/* A string fetch of side part (shared when the same one is there); its slot or -E2BIG. */
static int add_str(struct expr_ctx *c, int part, struct ga_strfetch sf, const struct expr *e)
{
	struct ga_probe_spec *s = c->spec[part];
	int i;

	for (i = 0; i < s->nstrs; i++)
		if (!memcmp(&s->strs[i], &sf, sizeof(sf)))
			return i;
	if (s->nstrs >= GA_MAX_STRS) {
		fail(c, e, "needs more than the %d strings a probe copies", GA_MAX_STRS);
		return -E2BIG;
	}
	s->strs[s->nstrs] = sf;
	return s->nstrs++;
}

/*
 * The type of a parameter: the DB's, or for a basic one without it (a
 * --sig, a DB whose types do not reach it), what its kind and name say.
 */
static const struct gotype *param_type(const struct expr_ctx *c, const struct ga_param *prm)
{
	const struct gotype *t = prm->type_ref ? deref_type(c, prm->type_ref) : NULL;
	struct gotype *ft, **n;

	if (t)
		return t;
	switch (prm->kind) {
	case GA_KIND_BOOL: case GA_KIND_INT: case GA_KIND_UINT: case GA_KIND_FLOAT:
	case GA_KIND_STRING: case GA_KIND_IFACE: case GA_KIND_EFACE:
		break;
	default:
		return NULL;
	}
	if (!c->owned)
		return NULL;
	n = realloc(c->owned->types, (c->owned->n + 1) * sizeof(*n));
	ft = n ? calloc(1, sizeof(*ft)) : NULL;
	if (n)
		c->owned->types = n;
	if (!ft)
		return NULL;
	ft->kind = prm->kind;
	ft->size = prm->size;
	ft->is_signed = prm->kind == GA_KIND_INT;
	ft->name = strdup(prm->type_name ? prm->type_name : ga_kind_name(prm->kind));
	if (!ft->name) {
		free(ft);
		return NULL;
	}
	c->owned->types[c->owned->n++] = ft;
	return ft;
}

void expr_types_free(struct expr_types *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->types[i]->name);
		free(o->types[i]);
	}
	free(o->types);
	o->types = NULL;
	o->n = 0;
}

static int eval(struct expr_ctx *c, const struct expr *e, struct xval *v);
static int eval_mapkey(struct expr_ctx *c, const struct expr *e, struct xval *v);

static int eval_ident(struct expr_ctx *c, const struct expr *e, struct xval *v)
{
	const struct ga_func *f = c->f;
	size_t i;

	if (!f->params_known || f->args_only)
		return fail(c, e, "the DB knows no parameter names of %s%s", f->name,
			    f->args_only ? " (only its argument words)" : "");
	for (i = 0; i < f->nparams; i++) {
		const struct ga_param *prm = &f->params[i];

		if (!prm->name || strcmp(prm->name, e->name))
			continue;
		*v = (struct xval){
			.type = param_type(c, prm), .part = prm->is_result ? GA_EV_RESULTS : GA_EV_ARGS,
			.prm = prm, .pbase = layout_piece_base(f, i), .np = prm->npieces,
			.word = -1,
		};
		snprintf(v->path, sizeof(v->path), "%s", prm->name);
		if (!v->type)
			return fail(c, e, "the DB has no type for %s (type %s)", prm->name,
				    prm->type_name ? prm->type_name : "?");
		return 0;
	}
	{
		char names[256] = "";
		size_t n = 0;

		for (i = 0; i < f->nparams; i++)
			if (f->params[i].name)
				n += snprintf(names + n, n < sizeof(names) ? sizeof(names) - n : 0,
					      "%s%s", n ? ", " : "", f->params[i].name);
		return fail(c, e, "%s has no parameter or result '%s'%s%s", f->name, e->name,
			    n ? " (it has: " : "", n ? names : "");
	}
}

/* The word holding a one-word value (a pointer, a map), fetching it when in memory. */
static int value_word(struct expr_ctx *c, const struct xval *v, const struct expr *e)
{
	int w;

	if (v->word >= 0)
		return v->word;
	if (v->in_mem)
		return add_deref(c, v->part, v->base, v->off, ptr_size(c), e);
	if (v->np != 1)
		return fail(c, e, "is not one word");
	w = c->lay->word[v->pbase + v->p0];
	if (w == SLOT_UNREADABLE)
		return fail(c, e, "lives in a register a uprobe cannot read");
	if (w < 0)
		return fail(c, e, "was not fetched (the fetch budget ran out)");
	return w;
}

/* Word k of a multi-word value (string, slice, interface): fetched from memory or its piece's. */
static int part_word(struct expr_ctx *c, const struct xval *v, int k, const struct expr *e)
{
	int w;

	if (v->in_mem)
		return add_deref(c, v->part, v->base, v->off + (int64_t)k * ptr_size(c), ptr_size(c), e);
	if ((size_t)k >= v->np)
		return fail(c, e, "has no word %d", k);
	w = c->lay->word[v->pbase + v->p0 + k];
	if (w == SLOT_UNREADABLE)
		return fail(c, e, "lives in a register a uprobe cannot read");
	if (w < 0)
		return fail(c, e, "was not fetched (the fetch budget ran out)");
	return w;
}

/* Follow a pointer value: what it points at, in memory. */
static int follow(struct expr_ctx *c, struct xval *v, const struct expr *e)
{
	const struct gotype *t = v->type, *pt;
	int w;

	if (t->kind != GA_KIND_PTR || t->ptr_kind != GO_PTR_PLAIN)
		return fail(c, e, "is a %s, not a pointer", t->name);
	pt = deref_type(c, t->pointee_off);
	if (!pt)
		return fail(c, e, "the DB does not say what %s points at", t->name);
	w = value_word(c, v, e);
	if (w < 0)
		return w;
	v->type = pt;
	v->in_mem = true;
	v->base = w;
	v->off = 0;
	v->word = -1;
	return add_check(c, v, XCHK_NIL, w, 0, e);
}

/* Field name of struct t, or one promoted from an embedded field (the shallowest). */
static bool find_field(const struct gotype *t, const char *name, int depth, uint64_t *off,
		       const struct gotype **ft, char *path, size_t plen)
{
	size_t i;

	if (t->kind != GA_KIND_STRUCT || depth > XP_MAX_EMBED_DEPTH)
		return false;
	for (i = 0; i < t->nfields; i++) {
		if (t->fields[i].name && !strcmp(t->fields[i].name, name)) {
			*off = t->fields[i].offset;
			*ft = t->fields[i].type;
			snprintf(path, plen, ".%s", name);
			return true;
		}
	}
	for (i = 0; i < t->nfields; i++) {
		char sub[256];

		/* promoted through an embedded struct (not through an embedded pointer) */
		if (!t->fields[i].embedded || !t->fields[i].type ||
		    !find_field(t->fields[i].type, name, depth + 1, off, ft, sub, sizeof(sub)))
			continue;
		*off += t->fields[i].offset;
		if ((size_t)snprintf(path, plen, ".%s%s", t->fields[i].name, sub) >= plen)
			return false;
		return true;
	}
	return false;
}

static int no_field(struct expr_ctx *c, const struct expr *e, const struct gotype *t)
{
	char names[300] = "";
	size_t i, n = 0;

	for (i = 0; i < t->nfields && n < sizeof(names); i++)
		n += snprintf(names + n, sizeof(names) - n, "%s%s", i ? ", " : "",
			      t->fields[i].name ? t->fields[i].name : "_");
	if (n >= sizeof(names))
		snprintf(names + sizeof(names) - 5, 5, "...");
	return fail(c, e, "%s has no field %s (its fields: %s)", t->name, e->name,
		    t->nfields ? names : "none");
}

/* Narrow a parameter's pieces to those under path (a field, an element). */
static void narrow(struct xval *v, const char *sub)
{
	char prefix[256];
	size_t k, first = v->p0 + v->np, n = 0, plen;

	snprintf(prefix, sizeof(prefix), "%s%s", v->path, sub);
	plen = strlen(prefix);
	for (k = v->p0; k < v->p0 + v->np; k++) {
		const char *path = v->prm->pieces[k].path;

		if (strncmp(path, prefix, plen) || (path[plen] && path[plen] != '.' && path[plen] != '['))
			continue;
		if (!n)
			first = k;
		n++;
	}
	v->p0 = first;
	v->np = n;
	snprintf(v->path, sizeof(v->path), "%s", prefix);
}

static int eval_field(struct expr_ctx *c, const struct expr *e, struct xval *v)
{
	const struct gotype *ft;
	uint64_t off;
	char sub[256];
	int err = eval(c, e->x, v);

	if (err)
		return err;
	/* Go's automatic dereference: p.X for a pointer to a struct */
	if (v->type->kind == GA_KIND_PTR && v->type->ptr_kind == GO_PTR_PLAIN) {
		err = follow(c, v, e->x);
		if (err)
			return err;
	}
	if (v->type->kind != GA_KIND_STRUCT)
		return fail(c, e, "%s (%s) is not a struct", v->type->name,
			    ga_kind_name(v->type->kind));
	if (!find_field(v->type, e->name, 0, &off, &ft, sub, sizeof(sub)) || !ft)
		return no_field(c, e, v->type);
	if (v->in_mem && (off > INT32_MAX || v->off > (int64_t)(INT32_MAX - off)))
		return fail(c, e, "field %s at offset %llu is past what a fetch reaches (2 GiB)", e->name,
			    (unsigned long long)off);
	v->type = ft;
	if (v->in_mem)
		v->off += off;
	else
		narrow(v, sub);
	return 0;
}

static int eval_index(struct expr_ctx *c, const struct expr *e, struct xval *v)
{
	const struct gotype *t, *et;
	char sub[32];
	int err = eval(c, e->x, v), data, len;

	if (err)
		return err;
	t = v->type;
	if (t->kind == GA_KIND_PTR && t->ptr_kind == GO_PTR_PLAIN) {
		const struct gotype *pt = deref_type(c, t->pointee_off);

		/* p[i] on a pointer to an array */
		if (pt && pt->kind == GA_KIND_ARRAY) {
			err = follow(c, v, e->x);
			if (err)
				return err;
			t = v->type;
		}
	}
	if (t->kind == GA_KIND_PTR && t->ptr_kind == GO_PTR_MAP) {
		/* m[3]: a lookup, evaluated again from the map */
		return eval_mapkey(c, e, v);
	}
	if (t->kind == GA_KIND_STRING)
		return fail(c, e, "indexing a string is not supported (strings.HasPrefix compares its start)");
	if (e->num < 0)
		return fail(c, e, "index %lld is negative", (long long)e->num);
	if (t->kind == GA_KIND_ARRAY) {
		if ((uint64_t)e->num >= t->count)
			return fail(c, e, "index %lld out of range for %s", (long long)e->num, t->name);
		if (!t->elem)
			return fail(c, e, "the DB has no element type of %s", t->name);
		if (t->elem->size && (uint64_t)e->num > (uint64_t)(INT32_MAX - v->off) / t->elem->size)
			return fail(c, e, "index %lld of %s is past what a fetch reaches (2 GiB)",
				    (long long)e->num, t->name);
		v->type = t->elem;
		if (v->in_mem) {
			v->off += e->num * (int64_t)t->elem->size;
		} else {
			snprintf(sub, sizeof(sub), "[%lld]", (long long)e->num);
			narrow(v, sub);
		}
		return 0;
	}
	if (t->kind != GA_KIND_SLICE)
		return fail(c, e, "%s (%s): only arrays, slices and maps take an index", t->name,
			    ga_kind_name(t->kind));
	et = deref_type(c, t->elem_ref);
	if (!et)
		return fail(c, e, "the DB has no element type of %s", t->name);
	data = part_word(c, v, 0, e->x);
	len = data < 0 ? data : part_word(c, v, 1, e->x);
	if (len < 0)
		return len;
	if (et->size && (uint64_t)e->num > INT32_MAX / et->size)
		return fail(c, e, "index %lld of %s is past what a fetch reaches (2 GiB)",
			    (long long)e->num, t->name);
	v->type = et;
	v->in_mem = true;
	v->base = data;
	v->off = e->num * (int64_t)et->size;
	v->word = -1;
	return add_check(c, v, XCHK_NIL, data, 0, e) ?: add_check(c, v, XCHK_BOUND, len, e->num, e);
}

/* len(x), cap(x): a word of the value (strings, slices) or of what it points at (maps, chans). */
static int eval_len(struct expr_ctx *c, const struct expr *e, struct xval *v)
{
	const struct gotype *t;
	bool is_cap = e->kind == EXPR_CAP;
	int err = eval(c, e->x, v), w;

	if (err)
		return err;
	t = v->type;
	if (t->kind == GA_KIND_ARRAY)
		return fail(c, e, "the length of %s is the constant %llu", t->name,
			    (unsigned long long)t->count);
	if (t->kind == GA_KIND_STRING && !is_cap) {
		w = part_word(c, v, 1, e->x);
	} else if (t->kind == GA_KIND_SLICE) {
		w = part_word(c, v, is_cap ? 2 : 1, e->x);
	} else if (t->kind == GA_KIND_PTR &&
		   ((t->ptr_kind == GO_PTR_MAP && !is_cap) || t->ptr_kind == GO_PTR_CHAN)) {
		/*
		 * The count is the first word of a map (hmap.count, Swiss
		 * Map.used) and of a chan (hchan.qcount, then dataqsiz, its
		 * capacity); a nil one reads as 0, as len() says.
		 */
		w = value_word(c, v, e->x);
		if (w >= 0)
			w = add_deref(c, v->part, w, is_cap ? ptr_size(c) : 0, ptr_size(c), e);
	} else {
		return fail(c, e, "%s of %s (%s)", is_cap ? "cap" : "len", t->name, ga_kind_name(t->kind));
	}
	if (w < 0)
		return w;
	v->type = ptr_size(c) == 4 ? &int32_type : &int_type;
	v->word = w;
	v->in_mem = false;
	v->np = 0;
	return 0;
}

/*
 * m[key] with a constant key: the map walked in BPF (maps.h) to the
 * entry with that key; its value is then in memory at the value word.
 */
static int eval_mapkey(struct expr_ctx *c, const struct expr *e, struct xval *v)
{
	const struct gotype *t, *kt, *vt;
	struct ga_probe_spec *s;
	struct ga_mapfetch mf;
	char msg[256] = "";
	int err = eval(c, e->x, v), mw, mi, w;

	if (err)
		return err;
	t = v->type;
	if (t->kind != GA_KIND_PTR || t->ptr_kind != GO_PTR_MAP)
		return fail(c, e, "%s (%s) is not a map", t->name,
			    t->kind == GA_KIND_PTR ? "pointer" : ga_kind_name(t->kind));
	kt = deref_type(c, t->key_ref);
	vt = deref_type(c, t->elem_ref);
	if (!kt || !vt)
		return fail(c, e, "the DB has no key or value type of %s", t->name);
	if (mapfetch_init(&c->plan->build, kt, vt, &mf, msg, sizeof(msg)))
		return fail(c, e, "%s", msg);
	if (e->y->kind == EXPR_STRING) {
		if (kt->kind != GA_KIND_STRING)
			return fail(c, e, "the keys of %s are %s, not strings", t->name, kt->name);
		if (mapfetch_set_str(&mf, e->y->str, e->y->len))
			return fail(c, e, "a key of more than %d bytes cannot be looked up in BPF",
				    GA_MAP_KEY_LEN);
	} else {
		if (kt->kind != GA_KIND_INT && kt->kind != GA_KIND_UINT && kt->kind != GA_KIND_BOOL)
			return fail(c, e, "the keys of %s are %s, not integers", t->name, kt->name);
		if (kt->kind == GA_KIND_UINT && e->y->num < 0)
			return fail(c, e, "the keys of %s are unsigned", t->name);
		if (mapfetch_set_int(&mf, kt->size, (uint64_t)e->y->num))
			return fail(c, e, "keys of %llu bytes cannot be looked up",
				    (unsigned long long)kt->size);
	}
	mw = value_word(c, v, e->x);
	if (mw < 0)
		return mw;
	s = c->spec[v->part];
	for (mi = 0; mi < GA_MAX_MAPS && s->maps[mi].kind != GA_MAP_NONE; mi++)
		if (!memcmp(&s->maps[mi], &mf, sizeof(mf)))
			break;
	if (mi == GA_MAX_MAPS)
		return fail(c, e, "needs more than the %d map walks a probe makes", GA_MAX_MAPS);
	/* the same lookup of the same map already placed: its words */
	for (w = 0; w + 1 < s->nwords; w++)
		if (s->words[w].src == GA_SRC_MAP && s->words[w].reg == mw && s->words[w].off == mi &&
		    s->maps[mi].kind != GA_MAP_NONE)
			break;
	if (w + 1 >= s->nwords) {
		if (s->nwords + 2 > GA_MAX_WORDS)
			return fail(c, e, "needs more than the %d words a probe fetches", GA_MAX_WORDS);
		s->maps[mi] = mf;
		w = s->nwords;
		mapfetch_words(&s->words[w], mw, mi, 0);
		s->nwords += 2;
	}
	v->type = vt;
	v->in_mem = true;
	v->base = w + 1;	/* the value's address */
	v->off = 0;
	v->word = -1;
	return add_check(c, v, XCHK_LOOKUP, w, 0, e);
}

static int eval(struct expr_ctx *c, const struct expr *e, struct xval *v)
{
	int err;

	switch (e->kind) {
	case EXPR_IDENT:
		return eval_ident(c, e, v);
	case EXPR_FIELD:
		return eval_field(c, e, v);
	case EXPR_INDEX:
		return eval_index(c, e, v);
	case EXPR_DEREF:
		err = eval(c, e->x, v);
		return err ?: follow(c, v, e->x);
	case EXPR_LEN:
	case EXPR_CAP:
		return eval_len(c, e, v);
	case EXPR_MAPKEY:
		return eval_mapkey(c, e, v);
	case EXPR_CMP:
	case EXPR_AND:
	case EXPR_OR:
	case EXPR_NOT:
	case EXPR_HASPREFIX:
		return fail(c, e, "is a condition, not a value (conditions go in --filter)");
	case EXPR_LATENCY:
		return fail(c, e, "latency is the call's own (shown with every call)");
	default:
		return fail(c, e, "is a constant, not a value of the call");
	}
}

/* --- shown values --- */

/*
 * The pieces of v as a parameter of its own named name: a parameter's
 * own pieces (their words), or, in memory, every piece read through
 * DEREF words, with the string fetches of strings and byte slices.
 */
static int materialize(struct expr_ctx *c, const struct xval *v, const char *name,
		       const struct expr *e, struct ga_param *out, int **word, uint8_t **shift,
		       int **str)
{
	size_t k, nlen = strlen(v->path);
	bool truncated = false;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->name = strdup(name);
	out->type_name = strdup(v->type->name ? v->type->name : "?");
	out->kind = v->type->kind;
	out->size = v->type->size;
	out->is_result = v->part == GA_EV_RESULTS;
	if (!out->name || !out->type_name)
		return -ENOMEM;
	if (v->word >= 0) {
		out->pieces = calloc(1, sizeof(*out->pieces));
		if (!out->pieces)
			return -ENOMEM;
		out->pieces[0] = (struct ga_piece){ .path = strdup(name), .kind = GA_PIECE_INT,
						    .size = v->type->size, .loc = GA_LOC_DEREF };
		out->npieces = 1;
		if (!out->pieces[0].path)
			return -ENOMEM;
	} else if (v->in_mem) {
		err = abi_mem_pieces(c->plan->build.arch, v->type, name, XP_MAX_PIECES, &out->pieces,
				     &out->npieces, &truncated);
		if (err)
			return err;
	} else {
		out->pieces = calloc(v->np ? v->np : 1, sizeof(*out->pieces));
		if (!out->pieces)
			return -ENOMEM;
		for (k = 0; k < v->np; k++) {
			const struct ga_piece *pc = &v->prm->pieces[v->p0 + k];
			struct ga_piece *np = &out->pieces[out->npieces++];

			*np = *pc;
			np->path = malloc(strlen(name) + strlen(pc->path) - nlen + 1);
			if (!np->path)
				return -ENOMEM;
			sprintf(np->path, "%s%s", name, pc->path + nlen);
		}
	}
	*word = calloc(out->npieces + 1, sizeof(**word));
	*shift = calloc(out->npieces + 1, sizeof(**shift));
	*str = calloc(out->npieces + 1, sizeof(**str));
	if (!*word || !*shift || !*str)
		return -ENOMEM;
	for (k = 0; k < out->npieces; k++) {
		const struct ga_piece *pc = &out->pieces[k];

		(*str)[k] = SLOT_NONE;
		if (v->word >= 0) {
			(*word)[k] = v->word;
		} else if (v->in_mem) {
			err = add_deref(c, v->part, v->base, v->off + pc->stack_off, pc->size, e);
			if (err < 0)
				return err;
			(*word)[k] = err;
		} else {
			(*word)[k] = c->lay->word[v->pbase + v->p0 + k];
			(*shift)[k] = c->lay->shift[v->pbase + v->p0 + k];
			(*str)[k] = c->lay->str[v->pbase + v->p0 + k];
		}
	}
	/* the strings: of a value's own pieces, those its parameter's fetch did not copy */
	{
		struct func_layout tmp = { .word = *word, .shift = *shift, .str = *str,
					   .npieces = out->npieces };
		struct ga_strfetch sf;

		for (k = 0; k + 1 < out->npieces; k++) {
			if ((*str)[k] >= 0 || !layout_string_fetch(out, k, k, &tmp, &sf))
				continue;
			err = add_str(c, v->part, sf, e);
			if (err < 0)
				return err;
			(*str)[k] = err;
		}
	}
	return 0;
}

/*
 * A []string shown by its first elements: each string header read
 * through the data word, and its bytes, while the budget lasts (fewer
 * elements then; none: shown as its len and cap).
 */
static void place_strings(struct expr_ctx *c, const struct xval *v, const struct expr *e,
			  struct expr_strings *out)
{
	const struct gotype *et;
	struct ga_probe_spec *s = c->spec[v->part];
	struct ga_probe_spec saved = *s;
	int data, len, i, ps = ptr_size(c);

	memset(out, 0, sizeof(*out));
	if (v->type->kind != GA_KIND_SLICE || !(et = deref_type(c, v->type->elem_ref)) ||
	    et->kind != GA_KIND_STRING)
		return;
	data = part_word(c, v, 0, e);
	len = data < 0 ? data : part_word(c, v, 1, e);
	if (len < 0) {
		*s = saved;
		return;
	}
	out->len_word = len;
	for (i = 0; i < EXPR_SHOW_ELEMS; i++) {
		int w0 = add_deref(c, v->part, data, (int64_t)i * 2 * ps, ps, e);
		int w1 = w0 < 0 ? w0 : add_deref(c, v->part, data, (int64_t)i * 2 * ps + ps, ps, e);
		int st = w1 < 0 ? w1 : add_str(c, v->part, (struct ga_strfetch){ .ptr_word = w0,
									.len_word = w1 }, e);

		if (st < 0)
			break;
		out->hdr[i][0] = w0;
		out->hdr[i][1] = w1;
		out->str[i] = st;
		out->n++;
	}
	/* an element that did not fit is no error: the slice is shown without it */
	c->msg[0] = 0;
}

void expr_show_clear(struct expr_show *show)
{
	size_t i;

	ga_params_free(show->xf.params, show->xf.nparams);
	free(show->lay.word);
	free(show->lay.shift);
	free(show->lay.str);
	free(show->lay.maps);
	free(show->which);
	free(show->checks);
	free(show->strings);
	if (show->why)
		for (i = 0; i < show->nexprs; i++)
			free(show->why[i]);
	free(show->why);
	memset(show, 0, sizeof(*show));
}

/* Append piece arrays (word, shift, str) of one more shown param to the layout. */
static int append_layout(struct func_layout *lay, size_t n, int *word, uint8_t *shift, int *str)
{
	int *nw = realloc(lay->word, (lay->npieces + n + 1) * sizeof(*nw));
	uint8_t *ns;
	int *nst;

	if (!nw)
		return -ENOMEM;
	lay->word = nw;
	ns = realloc(lay->shift, (lay->npieces + n + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	lay->shift = ns;
	nst = realloc(lay->str, (lay->npieces + n + 1) * sizeof(*nst));
	if (!nst)
		return -ENOMEM;
	lay->str = nst;
	memcpy(lay->word + lay->npieces, word, n * sizeof(*word));
	memcpy(lay->shift + lay->npieces, shift, n * sizeof(*shift));
	memcpy(lay->str + lay->npieces, str, n * sizeof(*str));
	lay->npieces += n;
	return 0;
}

int expr_show_place(struct expr_ctx *c, struct expr *const *exprs, size_t n,
		    struct expr_show *show)
{
	struct xval *vals;
	size_t i;
	int err = 0;

	memset(show, 0, sizeof(*show));
	show->nexprs = n;
	show->which = calloc(n + 1, sizeof(*show->which));
	show->xf.params = calloc(n + 1, sizeof(*show->xf.params));
	show->checks = calloc(n + 1, sizeof(*show->checks));
	show->strings = calloc(n + 1, sizeof(*show->strings));
	show->why = calloc(n + 1, sizeof(*show->why));
	show->lay.maps = calloc(n + 1, sizeof(*show->lay.maps));
	vals = calloc(n + 1, sizeof(*vals));
	if (!show->which || !show->xf.params || !show->checks || !show->why || !show->strings ||
	    !show->lay.maps || !vals) {
		free(vals);
		return -ENOMEM;
	}
	show->xf.name = (char *)c->f->name;	/* borrowed, never freed through xf */
	show->xf.params_known = true;
	for (i = 0; i < n; i++) {
		struct ga_probe_spec saved[2] = { *c->spec[0], *c->spec[1] };
		struct ga_param *prm = &show->xf.params[show->xf.nparams];
		int *word = NULL, *str = NULL;
		uint8_t *shift = NULL;
		struct xval v;
		char name[256];

		show->which[i] = -1;
		expr_format(exprs[i], name, sizeof(name));
		c->msg[0] = 0;
		err = eval(c, exprs[i], &v);
		if (!err)
			err = materialize(c, &v, name, exprs[i], prm, &word, &shift, &str);
		if (!err)
			err = append_layout(&show->lay, prm->npieces, word, shift, str);
		/* a map: its len and first entries, walked in BPF, as a map parameter's */
		if (!err && v.type->kind == GA_KIND_PTR && v.type->ptr_kind == GO_PTR_MAP &&
		    prm->npieces == 1 && word[0] >= 0)
			layout_map_value(c->plan, v.type, prm->type_name, name, word[0],
					 &show->lay.maps[show->xf.nparams], c->spec[v.part]);
		free(word);
		free(shift);
		free(str);
		if (err) {
			/* nothing of a value that could not be placed stays in the specs */
			*c->spec[0] = saved[0];
			*c->spec[1] = saved[1];
			ga_param_clear(prm);
			if (err == -EINVAL)
				show->why[i] = strdup(c->msg);
			if (err != -EINVAL || !show->why[i]) {
				free(vals);
				return err == -EINVAL ? -ENOMEM : err;
			}
			continue;
		}
		show->checks[show->xf.nparams] = v.chk;
		vals[show->xf.nparams] = v;
		show->which[i] = show->xf.nparams++;
	}
	/* the elements of []string values with what the budget leaves, after every value */
	for (i = 0; i < n; i++)
		if (show->which[i] >= 0)
			place_strings(c, &vals[show->which[i]], exprs[i],
				      &show->strings[show->which[i]]);
	free(vals);
	return 0;
}

/* --- --deref --- */

/* The pieces of one value shown, and where each is read, gathered as they are walked. */
struct walk_out {
	struct walk_item {
		struct ga_piece pc;	/* its path owned */
		int word;
		uint8_t shift;
		/* read through the word of item base, at off; pointers deep */
		int base;
		int64_t off;
		int depth;
	} *it;
	size_t n, cap;
};

static int walk_add(struct walk_out *w, const struct ga_piece *pc, int word, uint8_t shift,
		    int base, int64_t off, int depth)
{
	struct walk_item *it;

	if (ga_ensure_mem((void **)&w->it, &w->cap, w->n + 1, sizeof(*w->it)))
		return -ENOMEM;
	it = &w->it[w->n];
	*it = (struct walk_item){ .pc = *pc, .word = word, .shift = shift, .base = base, .off = off,
				  .depth = depth };
	it->pc.path = strdup(pc->path);
	if (!it->pc.path)
		return -ENOMEM;
	w->n++;
	return 0;
}

static void walk_free(struct walk_out *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->it[i].pc.path);
	free(w->it);
	memset(w, 0, sizeof(*w));
}

/* A fetch the budget may refuse: SLOT_NONE then, shown as "..." */
static int soft_deref(struct expr_ctx *c, int part, int base, int64_t off, int size)
{
	struct ga_probe_spec *s = c->spec[part];
	int i;

	if (base < 0)
		return SLOT_NONE;
	for (i = 0; i < s->nwords; i++)
		if (s->words[i].src == GA_SRC_DEREF && s->words[i].reg == base &&
		    s->words[i].size == size && s->words[i].off == off)
			return i;
	if (s->nwords >= GA_MAX_WORDS || off < INT32_MIN || off > INT32_MAX)
		return SLOT_NONE;
	s->words[s->nwords] = (struct ga_fetch){ .src = GA_SRC_DEREF, .reg = base, .size = size,
						 .off = off };
	return s->nwords++;
}

/*
 * The pieces of a value of type t at off in what piece base's word points
 * at, named path, into w: structs and arrays field by field, pointers
 * followed while depth lasts (their pointee under path ".*"), the rest as
 * abi_mem_pieces lays them out. Words are given later (walk_words), the
 * shallow ones first.
 */
static int walk_mem(struct expr_ctx *c, const struct gotype *t, const char *path, int base,
		    int64_t off, int level, int depth, struct walk_out *w)
{
	struct ga_piece *pcs = NULL;
	char sub[512];
	bool truncated;
	size_t i, n = 0;
	int err = 0, me;

	if (w->n >= XP_MAX_PIECES)
		return 0;
	if (t->kind == GA_KIND_STRUCT && !(t->name && !strcmp(t->name, "time.Time"))) {
		for (i = 0; i < t->nfields && !err; i++) {
			if (!t->fields[i].type)
				continue;
			snprintf(sub, sizeof(sub), "%s.%s", path,
				 t->fields[i].name ? t->fields[i].name : "_");
			err = walk_mem(c, t->fields[i].type, sub, base, off + t->fields[i].offset,
				       level, depth, w);
		}
		return err;
	}
	if (t->kind == GA_KIND_PTR && t->ptr_kind == GO_PTR_PLAIN && depth > 0) {
		const struct gotype *pt = deref_type(c, t->pointee_off);
		struct ga_piece pc = { .path = (char *)path, .kind = GA_PIECE_PTR,
				       .size = ptr_size(c), .loc = GA_LOC_DEREF };

		me = w->n;
		err = walk_add(w, &pc, SLOT_NONE, 0, base, off, level);
		if (err || !pt || !pt->size)
			return err;
		snprintf(sub, sizeof(sub), "%s.*", path);
		return walk_mem(c, pt, sub, me, 0, level + 1, depth - 1, w);
	}
	err = abi_mem_pieces(c->plan->build.arch, t, path, XP_MAX_PIECES - w->n, &pcs, &n, &truncated);
	for (i = 0; !err && i < n; i++)
		err = walk_add(w, &pcs[i], SLOT_NONE, 0, base, off + pcs[i].stack_off, level);
	for (i = 0; i < n; i++)
		free(pcs[i].path);
	free(pcs);
	return err;
}

/*
 * Words for the pieces walked, level by level (the pointee's own fields
 * before what its pointers point at), while the budget lasts: what is
 * left out shows as "..."
 */
static void walk_words(struct expr_ctx *c, int part, int depth, struct walk_out *w)
{
	size_t i;
	int d;

	for (d = 1; d <= depth; d++)
		for (i = 1; i < w->n; i++)
			if (w->it[i].depth == d && w->it[i].base >= 0 && (size_t)w->it[i].base < w->n)
				w->it[i].word = soft_deref(c, part, w->it[w->it[i].base].word,
							   w->it[i].off, w->it[i].pc.size);
}

/* Pointer param k of f as "p" (its own word) then what it points at under "p.*". */
static int deref_param(struct expr_ctx *c, size_t k, int depth, struct expr_show *show)
{
	const struct ga_param *prm = &c->f->params[k];
	const struct gotype *t = param_type(c, prm), *pt;
	size_t base = layout_piece_base(c->f, k), i;
	int part = prm->is_result ? GA_EV_RESULTS : GA_EV_ARGS, pw, err, d;
	struct ga_probe_spec *s = c->spec[part];
	struct ga_param *out = &show->xf.params[show->xf.nparams];
	struct func_layout lay = {};
	struct walk_out w = {};
	struct ga_strfetch sf;
	char path[300];

	if (!t || t->kind != GA_KIND_PTR || t->ptr_kind != GO_PTR_PLAIN || prm->npieces != 1 ||
	    !strcmp(prm->name, ".dict"))
		return 0;
	pt = deref_type(c, t->pointee_off);
	pw = c->lay->word[base];
	if (!pt || !pt->size || pw < 0)
		return 0;
	err = walk_add(&w, &prm->pieces[0], pw, c->lay->shift[base], -1, 0, 0);
	snprintf(path, sizeof(path), "%s.*", prm->name);
	err = err ?: walk_mem(c, pt, path, 0, 0, 1, depth - 1, &w);
	if (!err)
		walk_words(c, part, depth, &w);
	memset(out, 0, sizeof(*out));
	out->name = strdup(prm->name);
	out->type_name = strdup(prm->type_name ? prm->type_name : "?");
	out->kind = GA_KIND_PTR;
	out->size = prm->size;
	out->is_result = prm->is_result;
	out->pieces = calloc(w.n + 1, sizeof(*out->pieces));
	lay.word = calloc(w.n + 1, sizeof(*lay.word));
	lay.shift = calloc(w.n + 1, sizeof(*lay.shift));
	lay.str = calloc(w.n + 1, sizeof(*lay.str));
	if (!err && (!out->name || !out->type_name || !out->pieces || !lay.word || !lay.shift ||
		     !lay.str))
		err = -ENOMEM;
	for (i = 0; !err && i < w.n; i++) {
		out->pieces[i] = w.it[i].pc;
		w.it[i].pc.path = NULL;		/* now out's */
		lay.word[i] = w.it[i].word;
		lay.shift[i] = w.it[i].shift;
		lay.str[i] = SLOT_NONE;
		out->npieces++;
	}
	lay.npieces = out->npieces;
	/* the strings the budget leaves room for, the shallow ones first */
	for (d = 1; !err && d <= depth; d++) {
		for (i = 1; i + 1 < out->npieces; i++) {
			if (w.it[i].depth != d || out->pieces[i].kind != GA_PIECE_STR_DATA ||
			    s->nstrs >= GA_MAX_STRS || !layout_string_fetch(out, i, i, &lay, &sf))
				continue;
			lay.str[i] = s->nstrs;
			s->strs[s->nstrs++] = sf;
		}
	}
	err = err ?: append_layout(&show->lay, out->npieces, lay.word, lay.shift, lay.str);
	walk_free(&w);
	free(lay.word);
	free(lay.shift);
	free(lay.str);
	if (err) {
		ga_param_clear(out);
		return err;
	}
	show->which[k] = show->xf.nparams++;
	return 0;
}

int deref_show_place(struct expr_ctx *c, int depth, struct expr_show *show)
{
	size_t k, n = c->f->nparams;
	int err = 0;

	memset(show, 0, sizeof(*show));
	show->nexprs = n;
	show->which = calloc(n + 1, sizeof(*show->which));
	show->xf.params = calloc(n + 1, sizeof(*show->xf.params));
	show->checks = calloc(n + 1, sizeof(*show->checks));
	if (!show->which || !show->xf.params || !show->checks)
		return -ENOMEM;
	show->xf.name = (char *)c->f->name;
	show->xf.params_known = true;
	for (k = 0; k < n; k++)
		show->which[k] = -1;
	if (!c->f->params_known || c->f->args_only)
		return 0;
	for (k = 0; k < n && !err; k++)
		err = deref_param(c, k, depth < 1 ? 1 : depth > DEREF_MAX_DEPTH ? DEREF_MAX_DEPTH : depth,
				  show);
	return err;
}

/* --- conditions --- */

static bool is_literal(const struct expr *e)
{
	return e->kind == EXPR_INT || e->kind == EXPR_FLOAT || e->kind == EXPR_STRING ||
	       e->kind == EXPR_DURATION || e->kind == EXPR_BOOL || e->kind == EXPR_NIL;
}

/* The slice indexes a condition's values read, to be checked against their lengths in BPF. */
struct cond_bounds {
	struct cond_bound {
		int part;
		int word;	/* the slice's length word */
		int64_t index;
	} b[EXPR_MAX_CHECKS * 2];
	int n;
};

/*
 * Place a value read from the call into e->loc, as a scalar, string,
 * slice or interface; its slice indexes into bounds (optional).
 */
static int place_value(struct expr_ctx *c, struct expr *e, struct cond_bounds *bounds)
{
	struct xval v;
	const struct gotype *t;
	struct expr_loc *l = &e->loc;
	int err = eval(c, e, &v), w, i;

	if (err)
		return err;
	for (i = 0; bounds && i < v.chk.n; i++) {
		if (v.chk.c[i].kind != XCHK_BOUND)
			continue;
		if (bounds->n == (int)(sizeof(bounds->b) / sizeof(bounds->b[0])))
			return fail(c, e, "indexes too many slices");
		bounds->b[bounds->n++] = (struct cond_bound){ .part = v.part, .word = v.chk.c[i].word,
							     .index = v.chk.c[i].index };
	}
	t = v.type;
	e->type = t;
	e->at_exit = v.part == GA_EV_RESULTS;
	*l = (struct expr_loc){ .placed = true, .part = v.part, .word = -1, .len_word = -1,
				.cap_word = -1, .data_word = -1, .str = -1, .guard = last_guard(&v) };
	switch (t->kind) {
	case GA_KIND_BOOL:
	case GA_KIND_INT:
	case GA_KIND_UINT:
	case GA_KIND_FLOAT:
	case GA_KIND_PTR:
		if (t->size > 8 || (t->size > (uint64_t)ptr_size(c) && t->kind != GA_KIND_FLOAT))
			return fail(c, e, "a %s of %llu bytes is two words on this arch", t->name,
				    (unsigned long long)t->size);
		l->size = t->size;
		l->is_signed = t->kind == GA_KIND_INT;
		l->is_float = t->kind == GA_KIND_FLOAT;
		if (v.word >= 0) {
			l->word = v.word;
		} else if (v.in_mem) {
			w = add_deref(c, v.part, v.base, v.off, t->size, e);
			if (w < 0)
				return w;
			l->word = w;
		} else {
			if (v.np != 1)
				return fail(c, e, "is not one word");
			w = c->lay->word[v.pbase + v.p0];
			if (w < 0)
				return fail(c, e, w == SLOT_UNREADABLE ?
					    "lives in a register a uprobe cannot read" :
					    "was not fetched (the fetch budget ran out)");
			l->word = w;
			l->shift = c->lay->shift[v.pbase + v.p0];
		}
		return 0;
	case GA_KIND_STRING:
	case GA_KIND_SLICE:
		l->word = part_word(c, &v, 0, e);
		l->len_word = l->word < 0 ? l->word : part_word(c, &v, 1, e);
		if (l->len_word < 0)
			return l->len_word;
		if (t->kind == GA_KIND_SLICE) {
			l->cap_word = part_word(c, &v, 2, e);
			if (l->cap_word < 0)
				return l->cap_word;
		}
		if (t->kind == GA_KIND_STRING || (t->name && !strcmp(t->name, "[]uint8"))) {
			w = add_str(c, v.part, (struct ga_strfetch){ .ptr_word = l->word,
								     .len_word = l->len_word }, e);
			if (w < 0)
				return w;
			l->str = w;
		}
		return 0;
	case GA_KIND_IFACE:
	case GA_KIND_EFACE:
		l->word = part_word(c, &v, 0, e);
		l->data_word = l->word < 0 ? l->word : part_word(c, &v, 1, e);
		return l->data_word < 0 ? l->data_word : 0;
	default:
		return fail(c, e, "a %s (%s) cannot be compared", t->name, ga_kind_name(t->kind));
	}
}

static bool numeric(const struct gotype *t)
{
	return t && (t->kind == GA_KIND_INT || t->kind == GA_KIND_UINT || t->kind == GA_KIND_FLOAT);
}

static bool nilable(const struct gotype *t)
{
	return t && (t->kind == GA_KIND_PTR || t->kind == GA_KIND_SLICE || t->kind == GA_KIND_IFACE ||
		     t->kind == GA_KIND_EFACE);
}

/* Do a value of type t (NULL: latency, a duration) and the literal lit compare? */
static int check_literal(struct expr_ctx *c, const struct expr *cmp, const struct gotype *t,
			 const struct expr *lit)
{
	const char *what = t ? t->name : "latency";

	switch (lit->kind) {
	case EXPR_NIL:
		if (!nilable(t))
			return fail(c, cmp, "%s cannot be nil", what);
		if (cmp->cmp != EXPR_EQ && cmp->cmp != EXPR_NE)
			return fail(c, cmp, "nil compares with == and != only");
		return 0;
	case EXPR_STRING:
		if (!t || t->kind != GA_KIND_STRING)
			return fail(c, cmp, "cannot compare %s with a string", what);
		if (cmp->cmp != EXPR_EQ && cmp->cmp != EXPR_NE)
			return fail(c, cmp, "strings compare with == and != (and strings.HasPrefix)");
		return 0;
	case EXPR_BOOL:
		if (!t || t->kind != GA_KIND_BOOL)
			return fail(c, cmp, "cannot compare %s with a bool", what);
		if (cmp->cmp != EXPR_EQ && cmp->cmp != EXPR_NE)
			return fail(c, cmp, "bools compare with == and != only");
		return 0;
	case EXPR_DURATION:
		if (t && !numeric(t))
			return fail(c, cmp, "cannot compare %s with a duration", what);
		return 0;
	case EXPR_FLOAT:
		if (!t || t->kind != GA_KIND_FLOAT)
			return fail(c, cmp, "cannot compare %s with %g", what, lit->fnum);
		return 0;
	case EXPR_INT:
		if (!t)
			return fail(c, cmp, "latency compares with a duration (2ms, 1.5s)");
		if (!numeric(t))
			return fail(c, cmp, "cannot compare %s (%s) with a number", what,
				    ga_kind_name(t->kind));
		if (t->kind == GA_KIND_UINT && lit->num < 0)
			return fail(c, cmp, "%s is unsigned", what);
		return 0;
	default:
		return fail(c, cmp, "is not a literal");
	}
}

/* One side of a comparison: latency, a literal, or a value placed. */
static int place_operand(struct expr_ctx *c, struct expr *e, struct cond_bounds *bounds)
{
	if (e->kind == EXPR_LATENCY) {
		e->at_exit = true;
		return 0;
	}
	if (is_literal(e))
		return 0;
	return place_value(c, e, bounds);
}

static int check_cmp(struct expr_ctx *c, struct expr *e);

static struct expr *new_node(enum expr_kind kind, int pos)
{
	struct expr *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = kind;
	n->pos = pos;
	n->loc.word = n->loc.len_word = n->loc.cap_word = n->loc.data_word = -1;
	n->loc.str = n->loc.guard = -1;
	return n;
}

/*
 * A slice index beyond the length reads what lies past it: e, a
 * comparison, becomes (len(xs) > i && e) for each index it reads, so
 * the comparison is false then, as behind a nil pointer.
 */
static int and_bounds(struct expr_ctx *c, struct expr *e, const struct cond_bounds *bounds)
{
	int i;

	for (i = bounds->n - 1; i >= 0; i--) {
		struct expr *inner = new_node(e->kind, e->pos), *len = new_node(EXPR_LEN, e->pos);
		struct expr *lit = new_node(EXPR_INT, e->pos), *cmp = new_node(EXPR_CMP, e->pos);

		if (!inner || !len || !lit || !cmp) {
			free(inner);
			free(len);
			free(lit);
			free(cmp);
			return -ENOMEM;
		}
		*inner = *e;
		len->type = ptr_size(c) == 4 ? &int32_type : &int_type;
		len->loc.placed = true;
		len->loc.part = bounds->b[i].part;
		len->loc.word = bounds->b[i].word;
		len->loc.size = ptr_size(c);
		len->loc.is_signed = true;
		len->at_exit = bounds->b[i].part == GA_EV_RESULTS;
		lit->num = bounds->b[i].index;
		cmp->cmp = EXPR_GT;
		cmp->x = len;
		cmp->y = lit;
		cmp->at_exit = len->at_exit;
		memset(e, 0, sizeof(*e));
		e->kind = EXPR_AND;
		e->pos = inner->pos;
		e->x = cmp;
		e->y = inner;
		e->at_exit = inner->at_exit || cmp->at_exit;
		e->loc = lit->loc;
	}
	return 0;
}

static int place_cmp(struct expr_ctx *c, struct expr *e)
{
	struct expr *a = e->x, *b = e->y;
	struct cond_bounds bounds = {};
	int err;

	err = place_operand(c, a, &bounds);
	err = err ?: place_operand(c, b, &bounds);
	err = err ?: check_cmp(c, e);
	return err ?: and_bounds(c, e, &bounds);
}

/* Do the two sides of comparison e compare? */
static int check_cmp(struct expr_ctx *c, struct expr *e)
{
	struct expr *a = e->x, *b = e->y;

	e->at_exit = a->at_exit || b->at_exit;
	if (is_literal(a) && is_literal(b))
		return fail(c, e, "compares two constants");
	if (is_literal(a) || is_literal(b))
		return check_literal(c, e, is_literal(a) ? b->type : a->type, is_literal(a) ? a : b);
	/* latency against a numeric value; two values of the call of the same basic kind */
	if (!a->type || !b->type) {
		if (!numeric(a->type ? a->type : b->type))
			return fail(c, e, "cannot compare latency with %s",
				    (a->type ? a->type : b->type)->name);
		return 0;
	}
	if (a->type->kind != b->type->kind ||
	    !(numeric(a->type) || a->type->kind == GA_KIND_BOOL || a->type->kind == GA_KIND_PTR))
		return fail(c, e, "cannot compare %s with %s", a->type->name, b->type->name);
	return 0;
}

/* A bare boolean value as a condition: value != false. */
static int as_comparison(struct expr_ctx *c, struct expr *e)
{
	struct expr *val = malloc(sizeof(*val)), *lit = calloc(1, sizeof(*lit));

	if (!val || !lit) {
		free(val);
		free(lit);
		return -ENOMEM;
	}
	*val = *e;
	lit->kind = EXPR_BOOL;
	lit->pos = e->pos;
	memset(e, 0, sizeof(*e));
	e->kind = EXPR_CMP;
	e->cmp = EXPR_NE;
	e->pos = val->pos;
	e->x = val;
	e->y = lit;
	e->loc.word = e->loc.len_word = e->loc.cap_word = e->loc.data_word = -1;
	e->loc.str = e->loc.guard = -1;
	lit->loc = e->loc;
	return place_cmp(c, e);
}

int expr_place_cond(struct expr_ctx *c, struct expr *e)
{
	int err;

	switch (e->kind) {
	case EXPR_AND:
	case EXPR_OR:
		err = expr_place_cond(c, e->x);
		err = err ?: expr_place_cond(c, e->y);
		e->at_exit = !err && (e->x->at_exit || e->y->at_exit);
		return err;
	case EXPR_NOT:
		err = expr_place_cond(c, e->x);
		e->at_exit = !err && e->x->at_exit;
		return err;
	case EXPR_CMP:
		return place_cmp(c, e);
	case EXPR_HASPREFIX: {
		struct cond_bounds bounds = {};

		err = place_value(c, e->x, &bounds);
		if (err)
			return err;
		if (e->x->type->kind != GA_KIND_STRING)
			return fail(c, e, "%s (%s) is not a string", e->x->type->name,
				    ga_kind_name(e->x->type->kind));
		e->at_exit = e->x->at_exit;
		return and_bounds(c, e, &bounds);
	}
	case EXPR_BOOL:
		return fail(c, e, "is always %s", e->num ? "true" : "false");
	case EXPR_LATENCY:
		return fail(c, e, "latency compares with a duration (latency > 2ms)");
	default:
		if (is_literal(e))
			return fail(c, e, "is a constant, not a condition");
		err = place_value(c, e, NULL);
		if (err)
			return err;
		if (e->type->kind != GA_KIND_BOOL)
			return fail(c, e, "is a %s, not a bool: compare it (==, <, ...)", e->type->name);
		return as_comparison(c, e);
	}
}
