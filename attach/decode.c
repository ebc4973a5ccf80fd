// SPDX-License-Identifier: MIT
/*
 * Decoding fetched words into values: the pieces of a parameter are
 * grouped by field path into arrays, structs, complex numbers and split
 * 64-bit integers, and each leaf (string, slice, interface, basic value)
 * is told to a value printer once.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "decode.h"
#include "format.h"

/* One value's pieces (a string's data and len, ...) and where they were fetched. */
struct leaf {
	const struct probe_plan *plan;
	const struct ga_param *param;
	const struct ga_piece *pieces;
	size_t npieces;
	const int *word;	/* per piece: word index or SLOT_* */
	const uint8_t *shift;	/* per piece: byte offset in its word; NULL: 0 */
	const int *str;		/* per piece: string slot or SLOT_NONE; NULL: none */
	uint64_t type_size;	/* bytes of its type, which no piece exceeds; 0: not known */
};

/*
 * Why a leaf was not shown: a register a uprobe cannot read, the fetch
 * budget, or a layout that does not fit the event or the type.
 */
enum miss {
	MISS_NOTHING = 0,
	MISS_FPREG,
	MISS_BUDGET,
	MISS_LAYOUT,
};

int ev_word(const struct ga_vals *v, int w, unsigned int shift, unsigned int size,
	    uint64_t type_size, uint64_t *out)
{
	if (w == SLOT_UNREADABLE)
		return -EOPNOTSUPP;
	if (w < 0)
		return -ENOENT;
	if (w >= GA_MAX_WORDS || (size != 1 && size != 2 && size != 4 && size != 8) ||
	    shift > 8 - size || (type_size && size > type_size))
		return -EINVAL;
	*out = mask_size(v->words[w] >> (shift * 8), size);
	return 0;
}

bool ev_bytes(const struct ga_vals *v, int slot, const char **s, size_t *n)
{
	if (slot < 0 || slot >= GA_MAX_STRS)
		return false;
	*s = v->strs[slot];
	*n = v->str_len[slot] < GA_STR_LEN ? v->str_len[slot] : GA_STR_LEN;
	return true;
}

/* A value's leaves, with paths relative to the parameter ("", ".P.X", "[1]"). */
struct leafref {
	struct leaf l;
	const char *rel;
};

/*
 * Piece k of the leaf (a string's len is its piece 1), read by ev_word();
 * false when the leaf has no such piece or it was not fetched, and *miss
 * says why.
 */
static bool leaf_word(const struct leaf *l, const struct ga_vals *v, size_t k, uint64_t *out,
		      enum miss *miss)
{
	int err;

	if (k >= l->npieces) {
		*miss = MISS_LAYOUT;
		return false;
	}
	err = ev_word(v, l->word[k], l->shift ? l->shift[k] : 0, l->pieces[k].size, l->type_size,
		      out);
	if (err)
		*miss = err == -EOPNOTSUPP ? MISS_FPREG : err == -ENOENT ? MISS_BUDGET : MISS_LAYOUT;
	return !err;
}

/* The bytes copied for the leaf's first piece; false when it has no string slot. */
static bool leaf_bytes(const struct leaf *l, const struct ga_vals *v, const char **s, size_t *n)
{
	return l->str && ev_bytes(v, l->str[0], s, n);
}

/* A floating-point register a uprobe cannot read: XMM on amd64, V on arm64. */
static const char *fpreg_label(const struct probe_plan *plan)
{
	return plan->build.arch == GA_ARCH_ARM64 ? "?(vreg)" : "?(xmm)";
}

/* A string: quoted and cut at what was copied, or its address and length when nothing was. */
static bool decode_string(const struct leaf *l, const struct ga_vals *v, struct vprinter *p,
			  enum miss *miss)
{
	uint64_t data = 0, full = 0;
	const char *s;
	size_t n = 0;
	char text[80];

	if (!leaf_word(l, v, 1, &full, miss) || !leaf_word(l, v, 0, &data, miss))
		return false;
	if (!full) {
		p->ops->string(p, "", 0, 0);
	} else if (!leaf_bytes(l, v, &s, &n) || !n) {
		snprintf(text, sizeof(text), "<string 0x%" PRIx64 " len %" PRIu64 ">", data, full);
		p->ops->none(p, text);
	} else {
		p->ops->string(p, s, n, full);
	}
	return true;
}

/*
 * A slice: []byte as a quoted string (bounded), slices of other basic
 * types as their first elements, the rest as len and cap.
 */
static bool decode_slice(const struct leaf *l, const struct ga_vals *v, struct vprinter *p,
			 enum miss *miss)
{
	enum ga_piece_kind ek = GA_PIECE_UINT;
	uint64_t data = 0, len = 0, cap = 0;
	int esize = slice_elem(l->param->type_name, &ek);
	const char *s;
	size_t i, n = 0;

	if (!leaf_word(l, v, 0, &data, miss) || !leaf_word(l, v, 1, &len, miss) ||
	    !leaf_word(l, v, 2, &cap, miss))
		return false;
	if (!data) {
		p->ops->none(p, "nil");
		return true;
	}
	if (!esize || !leaf_bytes(l, v, &s, &n) || (len && !n)) {
		p->ops->slice_header(p, len, cap);
		return true;
	}
	if (esize == 1 && ek == GA_PIECE_UINT) {
		/* a net.IP as Go prints it, when every byte was fetched (a 4- or 16-byte IP is) */
		if (!strcmp(l->param->type_name, "net.IP") && n == len) {
			char ip[FORMAT_IP_LEN];

			format_go_ip((const uint8_t *)s, n, ip, sizeof(ip));
			p->ops->word(p, ip);
			return true;
		}
		p->ops->bytes(p, s, n, len, cap);
		return true;
	}
	n /= esize;
	p->ops->open_elems(p, len, cap, n);
	for (i = 0; i < n; i++) {
		char num[FORMAT_NUM_LEN];

		format_scalar(ek, read_le(s + i * esize, esize), esize, num, sizeof(num));
		p->ops->member(p, NULL);
		p->ops->number(p, num);
	}
	p->ops->close(p);
	return true;
}

/* An interface: its dynamic type and data word, and the message of the common error types. */
static bool decode_iface(const struct leaf *l, const struct ga_vals *v, struct vprinter *p,
			 enum miss *miss)
{
	uint64_t tab = 0, data = 0;
	char tname[256];
	const char *dyn, *msg;
	size_t mn = 0;

	if (!leaf_word(l, v, 0, &tab, miss) || !leaf_word(l, v, 1, &data, miss))
		return false;
	if (!tab) {
		p->ops->none(p, "nil");
		return true;
	}
	/* the dynamic type by name when the binary holds it, else its address */
	dyn = gotypes__type_name(&l->plan->types, tab, l->param->kind != GA_KIND_EFACE, tname, sizeof(tname));
	if (!dyn) {
		snprintf(tname, sizeof(tname), "0x%" PRIx64, tab);
		dyn = tname;
	}
	/* the message of the error types whose first field is it */
	if (!leaf_bytes(l, v, &msg, &mn) || !mn ||
	    (strcmp(dyn, "*errors.errorString") && strcmp(dyn, "*fmt.wrapError")))
		msg = NULL;
	p->ops->iface(p, dyn, data, msg, mn);
	return true;
}

/*
 * A parameter of type time.Duration (named so in the DB: a struct's
 * Duration fields are not): Go prints it by its String(), "1.5s".
 */
static bool is_duration(const struct leaf *l)
{
	return l->param->type_name && !strcmp(l->param->type_name, "time.Duration");
}

/* A number, or a duration's text form with its ns as the number. */
static void put_int(const struct leaf *l, int64_t v, const char *num, struct vprinter *p)
{
	char text[FORMAT_NUM_LEN];

	if (!is_duration(l)) {
		p->ops->number(p, num);
		return;
	}
	format_go_duration(v, text, sizeof(text));
	p->ops->number_text(p, num, text);
}

/* A basic value in one word: integers and floats as numbers, pointers in hex. */
static bool decode_scalar(const struct leaf *l, const struct ga_vals *v, struct vprinter *p,
			  enum miss *miss)
{
	const struct ga_piece *pc = &l->pieces[0];
	char num[FORMAT_NUM_LEN];
	uint64_t w = 0;

	if (!leaf_word(l, v, 0, &w, miss))
		return false;
	switch (pc->kind) {
	case GA_PIECE_BOOL:
		p->ops->boolean(p, w & 0xff);
		return true;
	case GA_PIECE_FLOAT:
		format_float_bits(w, pc->size, num, sizeof(num));
		/* NaN and the infinities are no JSON numbers */
		if (isfinite(strtod(num, NULL)))
			p->ops->number(p, num);
		else
			p->ops->word(p, num);
		return true;
	case GA_PIECE_RAW:
		snprintf(num, sizeof(num), "0x%" PRIx64, mask_size(w, pc->size));
		p->ops->word(p, num);
		return true;
	case GA_PIECE_PTR:
		if (!w) {
			p->ops->none(p, "nil");
			return true;
		}
		snprintf(num, sizeof(num), "0x%" PRIx64, w);
		p->ops->word(p, num);
		return true;
	default:
		format_scalar(pc->kind, w, pc->size, num, sizeof(num));
		if (pc->kind == GA_PIECE_INT && pc->size == 8)
			put_int(l, (int64_t)w, num, p);
		else
			p->ops->number(p, num);
		return true;
	}
}

static void decode_leaf(const struct leaf *l, const struct ga_vals *v, struct vprinter *p)
{
	enum miss miss = MISS_NOTHING;
	bool shown;

	switch (l->pieces[0].kind) {
	case GA_PIECE_STR_DATA:
		shown = decode_string(l, v, p, &miss);
		break;
	case GA_PIECE_SLICE_DATA:
		shown = decode_slice(l, v, p, &miss);
		break;
	case GA_PIECE_IFACE_TAB:
		shown = decode_iface(l, v, p, &miss);
		break;
	default:
		shown = decode_scalar(l, v, p, &miss);
		break;
	}
	/* not fetched: in a register a uprobe cannot read, or beyond the fetch budget */
	if (shown)
		return;
	if (miss == MISS_BUDGET)
		p->cut = true;
	p->ops->none(p, miss == MISS_FPREG ? fpreg_label(l->plan) : miss == MISS_LAYOUT ? "?" : "...");
}

/* Were none of the pieces of leaves [a, b) fetched for want of fetch budget? */
static bool leaves_cut(const struct leafref *lr, size_t a, size_t b)
{
	size_t i, k;

	for (i = a; i < b; i++)
		for (k = 0; k < lr[i].l.npieces; k++)
			if (lr[i].l.word[k] != SLOT_NONE)
				return false;
	return true;
}

/* --deref: a pointer leaf, then what it points at (paths under ".*") */
static bool is_deref(const struct leafref *lr, size_t a, size_t b, size_t pos)
{
	size_t i;

	if (b - a < 2 || lr[a].rel[pos] || lr[a].l.pieces[0].kind != GA_PIECE_PTR)
		return false;
	for (i = a + 1; i < b; i++)
		if (strncmp(lr[i].rel + pos, ".*", 2))
			return false;
	return true;
}

static void render(const struct leafref *lr, size_t a, size_t b, size_t pos,
		   const struct ga_vals *v, struct vprinter *p);

/* 0xc000012345 &{X:1 Name:"a"}: a nil or unfetched pointer is shown alone. */
static void render_deref(const struct leafref *lr, size_t a, size_t b, size_t pos,
			 const struct ga_vals *v, struct vprinter *p)
{
	enum miss miss = MISS_NOTHING;
	uint64_t addr = 0;

	if (!leaf_word(&lr[a].l, v, 0, &addr, &miss) || !addr) {
		decode_leaf(&lr[a].l, v, p);
		return;
	}
	p->ops->open(p, VP_DEREF);
	p->ops->member(p, "addr");
	decode_leaf(&lr[a].l, v, p);
	p->ops->member(p, "value");
	render(lr, a + 1, b, pos + 2, v, p);
	p->ops->close(p);
}

/*
 * Length of the path component at p: "[3]" or ".Name" (up to the next
 * '.' or '['); 0 at the path's end.
 */
static size_t component_len(const char *p)
{
	size_t n = 1;

	if (!*p)
		return 0;
	if (*p == '[') {
		while (p[n] && p[n - 1] != ']')
			n++;
		return n;
	}
	while (p[n] && p[n] != '.' && p[n] != '[')
		n++;
	return n;
}

/* A path relative to the parameter: "o.P.X" -> ".P.X"; one not under its name is a field. */
static const char *rel_path(const char *path, const char *name, size_t nlen)
{
	return !strncmp(path, name, nlen) ? path + nlen : "";
}

static bool is_complex(const struct leafref *lr, size_t a, size_t b, size_t pos)
{
	return b - a == 2 && !strcmp(lr[a].rel + pos, ".real") &&
	       !strcmp(lr[a + 1].rel + pos, ".imag") && lr[a].l.pieces[0].kind == GA_PIECE_FLOAT &&
	       lr[a + 1].l.pieces[0].kind == GA_PIECE_FLOAT;
}

/* A complex number from its .real and .imag: unknown as a whole when a part was not fetched. */
static void render_complex(const struct leaf *re, const struct leaf *im, const struct ga_vals *v,
			   struct vprinter *p)
{
	if (re->word[0] < 0 || im->word[0] < 0) {
		bool fpreg = re->word[0] == SLOT_UNREADABLE || im->word[0] == SLOT_UNREADABLE;

		p->cut |= !fpreg;
		p->ops->none(p, fpreg ? fpreg_label(re->plan) : "...");
		return;
	}
	p->ops->open(p, VP_COMPLEX);
	p->ops->member(p, "real");
	decode_leaf(re, v, p);
	p->ops->member(p, "imag");
	decode_leaf(im, v, p);
	p->ops->close(p);
}

/* A 64-bit integer in two fetched 32-bit words (386): .lo then .hi. */
static bool is_split_int64(const struct leafref *lr, size_t a, size_t b, size_t pos)
{
	return b - a == 2 && !strcmp(lr[a].rel + pos, ".lo") && !strcmp(lr[a + 1].rel + pos, ".hi") &&
	       lr[a].l.pieces[0].size == 4 && lr[a + 1].l.pieces[0].size == 4 &&
	       lr[a].l.word[0] >= 0 && lr[a + 1].l.word[0] >= 0;
}

static void render_split_int64(const struct leaf *lo, const struct leaf *hi,
			       const struct ga_vals *v, struct vprinter *p)
{
	uint64_t low = 0, high = 0, u;
	enum miss miss;
	char num[FORMAT_NUM_LEN];

	if (!leaf_word(lo, v, 0, &low, &miss) || !leaf_word(hi, v, 0, &high, &miss)) {
		p->ops->none(p, "?");
		return;
	}
	u = (low & 0xffffffffULL) | (high & 0xffffffffULL) << 32;
	if (hi->pieces[0].kind == GA_PIECE_INT) {
		snprintf(num, sizeof(num), "%" PRId64, (int64_t)u);
		put_int(hi, (int64_t)u, num, p);
	} else {
		snprintf(num, sizeof(num), "%" PRIu64, u);
		p->ops->number(p, num);
	}
}

/*
 * A parameter of type time.Time (not a field of one) whose wall and ext
 * words were fetched, as 64-bit words (not 386's halves): printed as a
 * time, its location not read.
 */
static bool is_time(const struct leafref *lr, size_t a, size_t b, size_t pos)
{
	const char *tn = lr[a].l.param->type_name;

	return !pos && b - a == 3 && tn && !strcmp(tn, "time.Time") &&
	       !strcmp(lr[a].rel, ".wall") && !strcmp(lr[a + 1].rel, ".ext") &&
	       !strcmp(lr[a + 2].rel, ".loc") && lr[a].l.npieces == 1 && lr[a + 1].l.npieces == 1 &&
	       lr[a].l.pieces[0].size == 8 && lr[a + 1].l.pieces[0].size == 8 &&
	       lr[a].l.word[0] >= 0 && lr[a + 1].l.word[0] >= 0;
}

static void render_time(const struct leaf *wall, const struct leaf *ext, const struct ga_vals *v,
			struct vprinter *p)
{
	uint64_t w = 0, e = 0;
	enum miss miss;
	char text[96];

	if (!leaf_word(wall, v, 0, &w, &miss) || !leaf_word(ext, v, 0, &e, &miss)) {
		p->ops->none(p, "?");
		return;
	}
	format_go_time(w, (int64_t)e, text, sizeof(text));
	p->ops->word(p, text);
}

/* The end of the leaves from i on that are under the same path component at pos. */
static size_t member_end(const struct leafref *lr, size_t i, size_t b, size_t pos)
{
	const char *c = lr[i].rel + pos;
	size_t n = component_len(c), j;

	for (j = i + 1; j < b && !strncmp(lr[j].rel + pos, c, n) &&
			(!lr[j].rel[pos + n] || lr[j].rel[pos + n] == '.' ||
			 lr[j].rel[pos + n] == '['); j++)
		;
	return j;
}

/*
 * The first leaf of the members of [a, b) from which every member is
 * beyond the fetch budget (b if none), and in *nmembers how many members
 * there are.
 */
static size_t cut_tail(const struct leafref *lr, size_t a, size_t b, size_t pos, size_t *nmembers)
{
	size_t i, j, from = b;

	*nmembers = 0;
	for (i = a; i < b; i = j) {
		j = member_end(lr, i, b, pos);
		(*nmembers)++;
		if (!leaves_cut(lr, i, j))
			from = b;
		else if (from == b)
			from = i;
	}
	return from;
}

/*
 * Render leaves [a, b) that share the path prefix of length pos: a leaf,
 * an array ([1 2]), a struct ({X:1 Y:2}), or one of the values made of
 * two leaves.
 */
static void render(const struct leafref *lr, size_t a, size_t b, size_t pos,
		   const struct ga_vals *v, struct vprinter *p)
{
	const char *c0 = lr[a].rel + pos;
	bool array = *c0 == '[';
	size_t i, j, cut_from, nmembers = 0;

	if (b - a == 1 && !*c0) {
		decode_leaf(&lr[a].l, v, p);
		return;
	}
	if (is_complex(lr, a, b, pos)) {
		render_complex(&lr[a].l, &lr[a + 1].l, v, p);
		return;
	}
	if (is_split_int64(lr, a, b, pos)) {
		render_split_int64(&lr[a].l, &lr[a + 1].l, v, p);
		return;
	}
	if (is_time(lr, a, b, pos)) {
		render_time(&lr[a].l, &lr[a + 1].l, v, p);
		return;
	}
	if (is_deref(lr, a, b, pos)) {
		render_deref(lr, a, b, pos, v, p);
		return;
	}
	if (!*c0) {
		/* a leaf ends here with others under it, not a pointer's: the paths are broken */
		p->ops->none(p, "?");
		return;
	}
	p->ops->open(p, array ? VP_ARRAY : VP_STRUCT);
	/* an array's elements beyond the fetch budget: "[1 2 ...](len=40)" */
	cut_from = array ? cut_tail(lr, a, b, pos, &nmembers) : b;
	for (i = a; i < cut_from; i = j) {
		const char *c = lr[i].rel + pos;
		size_t n = component_len(c);
		char key[256];

		if (!n) {
			/* a leaf that ends where its siblings go on: no member of its own */
			j = i + 1;
			p->ops->member(p, array ? NULL : "?");
			p->ops->none(p, "?");
			continue;
		}
		j = member_end(lr, i, b, pos);
		snprintf(key, sizeof(key), "%.*s", (int)(n - 1), c + 1);
		p->ops->member(p, array ? NULL : key);
		render(lr, i, j, pos + n, v, p);
	}
	if (cut_from < b) {
		p->ops->array_cut(p, nmembers);
		p->cut = true;
	}
	p->ops->close(p);
}

/* A parameter without pieces: an empty struct or array, or one not described. */
static void decode_empty(const struct ga_param *prm, struct vprinter *p)
{
	if (prm->size) {
		p->ops->none(p, "?");
		return;
	}
	p->ops->open(p, prm->type_name && prm->type_name[0] == '[' ? VP_ARRAY : VP_STRUCT);
	p->ops->close(p);
}

/* The leaf of a parameter's first piece (a pointer, a map): its only one when npieces is 1. */
static struct leaf param_leaf(const struct probe_plan *plan, const struct ga_param *prm,
			      const struct func_layout *lay, size_t base)
{
	return (struct leaf){
		.plan = plan, .param = prm, .pieces = prm->pieces, .npieces = 1,
		.word = &lay->word[base], .shift = &lay->shift[base], .str = &lay->str[base],
		.type_size = prm->size,
	};
}

/* A generic's dictionary, by its symbol: it names the type arguments. */
static bool decode_dict(const struct probe_plan *plan, const struct ga_param *prm,
			const struct func_layout *lay, size_t base, const struct ga_vals *v,
			struct vprinter *p)
{
	struct leaf l = param_leaf(plan, prm, lay, base);
	enum miss miss;
	const char *sym;
	uint64_t w;

	if (strcmp(prm->name, ".dict") || prm->npieces != 1 || prm->pieces[0].kind != GA_PIECE_PTR ||
	    !leaf_word(&l, v, 0, &w, &miss))
		return false;
	sym = gotypes__dict_name(&plan->types, w);
	if (!sym)
		return false;
	p->ops->word(p, sym);
	return true;
}

/* --deref: a non-nil pointer's address, then the basic fields of what it points at. */
static bool decode_deref(const struct probe_plan *plan, const struct ga_func *f,
			 const struct func_layout *lay, size_t param, const struct ga_vals *v,
			 struct vprinter *p)
{
	const struct ga_param *prm = &f->params[param];
	size_t base = layout_piece_base(f, param), db, nd, nlen = strlen(prm->name), i;
	struct leafref dl[ABI_MAX_DEREFS];
	struct leaf addr = param_leaf(plan, prm, lay, base);
	enum miss miss;
	uint64_t w;

	if (!plan->deref || !prm->nderefs || prm->npieces != 1 || !lay->dword ||
	    prm->pieces[0].kind != GA_PIECE_PTR || !leaf_word(&addr, v, 0, &w, &miss) || !w)
		return false;
	db = layout_deref_base(f, param);
	nd = prm->nderefs < ABI_MAX_DEREFS ? prm->nderefs : ABI_MAX_DEREFS;
	for (i = 0; i < nd; i++) {
		dl[i].l = (struct leaf){
			.plan = plan, .param = prm, .pieces = &prm->derefs[i], .npieces = 1,
			.word = &lay->dword[db + i],
		};
		dl[i].rel = rel_path(prm->derefs[i].path, prm->name, nlen);
	}
	p->ops->open(p, VP_DEREF);
	p->ops->member(p, "addr");
	decode_leaf(&addr, v, p);
	p->ops->member(p, "value");
	render(dl, 0, nd, 0, v, p);
	p->ops->close(p);
	return true;
}

/* Group the pieces into leaves (the pieces of one path), then render them by path. */
static void decode_fields(const struct probe_plan *plan, const struct ga_func *f,
			  const struct func_layout *lay, size_t param, const struct ga_vals *v,
			  struct vprinter *p)
{
	const struct ga_param *prm = &f->params[param];
	size_t base = layout_piece_base(f, param), k = 0, n = 0, nlen = strlen(prm->name);
	struct leafref *lr = calloc(prm->npieces, sizeof(*lr));

	if (!lr) {
		p->ops->none(p, "?");
		return;
	}
	while (k < prm->npieces) {
		struct leafref *r = &lr[n++];
		const char *path = prm->pieces[k].path;

		r->l = (struct leaf){
			.plan = plan, .param = prm, .pieces = &prm->pieces[k], .npieces = 1,
			.word = &lay->word[base + k], .shift = &lay->shift[base + k],
			.str = &lay->str[base + k], .type_size = prm->size,
		};
		while (k + r->l.npieces < prm->npieces &&
		       !strcmp(prm->pieces[k + r->l.npieces].path, path))
			r->l.npieces++;
		r->rel = rel_path(path, prm->name, nlen);
		k += r->l.npieces;
	}
	render(lr, 0, n, 0, v, p);
	free(lr);
}

/* The piece kind a map's key or value type is read as (GA_PIECE_RAW: not shown). */
static enum ga_piece_kind map_item_kind(const struct gotype *t)
{
	switch (t->kind) {
	case GA_KIND_BOOL: return GA_PIECE_BOOL;
	case GA_KIND_INT: return GA_PIECE_INT;
	case GA_KIND_UINT: return GA_PIECE_UINT;
	case GA_KIND_FLOAT: return GA_PIECE_FLOAT;
	case GA_KIND_PTR: return GA_PIECE_PTR;
	case GA_KIND_STRING: return GA_PIECE_STR_DATA;
	default: return GA_PIECE_RAW;
	}
}

/* A key or value of a fetched map entry: a leaf over its words, as decode_leaf shows leaves. */
static void decode_map_item(const struct probe_plan *plan, const struct ga_param *prm,
			    const struct gotype *t, const int *w, const int *str,
			    const struct ga_vals *v, struct vprinter *p)
{
	struct ga_piece pieces[2] = {};
	struct leaf l = {
		.plan = plan, .param = prm, .pieces = pieces, .npieces = 1, .word = w, .str = str,
		.type_size = t->size,
	};

	pieces[0].kind = map_item_kind(t);
	pieces[0].size = t->size < 8 ? t->size : 8;
	if (t->kind == GA_KIND_STRUCT && !t->size) {
		p->ops->open(p, VP_STRUCT);
		p->ops->close(p);
		return;
	}
	if (t->kind == GA_KIND_STRING) {
		pieces[0].size = pieces[1].size = t->size / 2;
		pieces[1].kind = GA_PIECE_STR_LEN;
		l.npieces = 2;
	}
	decode_leaf(&l, v, p);
}

/* A []string value of an entry: ["a"], ["a" ...](len=2), [] */
static void decode_map_strings(const struct probe_plan *plan, const struct ga_param *prm,
			       const struct map_entry_words *e, const struct ga_vals *v,
			       struct vprinter *p)
{
	static const struct gotype str_type = { .kind = GA_KIND_STRING, .name = "string", .size = 16 };
	uint64_t len = 0;

	ev_word(v, e->val_word[1], 0, 8, 0, &len);

	p->ops->open(p, VP_ARRAY);
	if (len) {
		p->ops->member(p, NULL);
		decode_map_item(plan, prm, &str_type, e->val_elem, &e->val_elem_str, v, p);
	}
	if (len > 1) {
		p->ops->array_cut(p, len);
		p->cut = true;
	}
	p->ops->close(p);
}

/* For sorting entries by key as Go's fmt does: the key's bits or bytes. */
struct map_sort_key {
	const struct gotype *t;
	uint64_t bits;
	const char *s;
	size_t n;
	size_t idx;
};

static int map_key_cmp(const void *a, const void *b)
{
	const struct map_sort_key *x = a, *y = b;
	int c;

	if (x->t->kind == GA_KIND_STRING) {
		c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
		return c ? c : (x->n > y->n) - (x->n < y->n);
	}
	if (x->t->kind == GA_KIND_INT) {
		int64_t i = sign_extend(x->bits, x->t->size), j = sign_extend(y->bits, y->t->size);

		return (i > j) - (i < j);
	}
	if (x->t->kind == GA_KIND_FLOAT) {
		char bx[FORMAT_NUM_LEN], by[FORMAT_NUM_LEN];
		double dx, dy;

		format_float_bits(x->bits, x->t->size, bx, sizeof(bx));
		format_float_bits(y->bits, y->t->size, by, sizeof(by));
		dx = strtod(bx, NULL);
		dy = strtod(by, NULL);
		return (dx > dy) - (dx < dy);
	}
	return (x->bits > y->bits) - (x->bits < y->bits);
}

/*
 * A map: nil, or len(m) and the entries fetched, sorted by key as Go's
 * fmt prints them, "..." when not all are shown (more entries than
 * fetched, the walk's bound, the fetch budget, key or value types not
 * known).
 */
static bool decode_map(const struct probe_plan *plan, const struct ga_func *f,
		       const struct func_layout *lay, size_t param, const struct ga_vals *v,
		       struct vprinter *p)
{
	const struct ga_param *prm = &f->params[param];
	const struct map_words *mw = lay->maps ? &lay->maps[param] : NULL;
	struct leaf pl = param_leaf(plan, prm, lay, layout_piece_base(f, param));
	struct map_sort_key keys[MAP_SHOW];
	uint64_t len, ptr, addr;
	enum miss miss;
	size_t n = 0, i;
	int k;

	if (!mw || !mw->is_map || !leaf_word(&pl, v, 0, &ptr, &miss) ||
	    ev_word(v, mw->len_word, 0, 8, 0, &len))
		return false;
	if (!ptr) {
		p->ops->none(p, "map[]");
		return true;
	}
	len = mask_size(len, mw->shape.len_size);
	for (k = 0; k < mw->nentries && k < MAP_SHOW && n < len; k++) {
		const struct map_entry_words *e = &mw->e[k];
		struct map_sort_key *sk = &keys[n];
		uint64_t bits;

		if (ev_word(v, e->map_word, 0, 8, 0, &addr) || !addr)
			break;
		*sk = (struct map_sort_key){ .t = &mw->key, .idx = k, .s = "" };
		if (mw->key.kind == GA_KIND_STRING)
			ev_bytes(v, e->key_str, &sk->s, &sk->n);
		else if (!ev_word(v, e->key_word[0], 0, 8, 0, &bits))
			sk->bits = mask_size(bits, mw->key.size);
		n++;
	}
	qsort(keys, n, sizeof(keys[0]), map_key_cmp);
	p->ops->open_map(p, len);
	for (i = 0; i < n; i++) {
		const struct map_entry_words *e = &mw->e[keys[i].idx];

		p->ops->member(p, NULL);
		p->ops->open(p, VP_ENTRY);
		p->ops->member(p, "key");
		decode_map_item(plan, prm, &mw->key, e->key_word, &e->key_str, v, p);
		p->ops->member(p, "value");
		if (mw->val_strings)
			decode_map_strings(plan, prm, e, v, p);
		else
			decode_map_item(plan, prm, &mw->val, e->val_word, &e->val_str, v, p);
		p->ops->close(p);
	}
	if (n < len)
		p->ops->array_cut(p, len);
	p->ops->close(p);
	return true;
}

/*
 * A net/netip.Addr as its String() prints it: "invalid IP" (z nil),
 * IPv4 dotted, IPv6 by RFC 5952 ("::ffff:1.2.3.4" when mapped). isV6
 * comes from z's addrDetail (Go 1.22+); before, an address of the
 * IPv4-mapped form is taken for IPv4 (z says nothing readable).
 */
static bool decode_netip(const struct probe_plan *plan, const struct ga_func *f,
			 const struct func_layout *lay, size_t param, const struct ga_vals *v,
			 struct vprinter *p)
{
	const struct ga_param *prm = &f->params[param];
	size_t base = layout_piece_base(f, param);
	struct leaf l = param_leaf(plan, prm, lay, base);
	uint64_t hi, lo, z, isv6;
	uint8_t ip[16];
	char text[FORMAT_IP_LEN + 16];
	enum miss miss;
	bool v6;
	int i;

	l.npieces = prm->npieces;
	if (!prm->type_name || strcmp(prm->type_name, "net/netip.Addr") || prm->npieces != 3 ||
	    prm->pieces[0].size != 8 || prm->pieces[1].size != 8 || !leaf_word(&l, v, 0, &hi, &miss) ||
	    !leaf_word(&l, v, 1, &lo, &miss) || !leaf_word(&l, v, 2, &z, &miss))
		return false;
	if (!z) {
		p->ops->word(p, "invalid IP");
		return true;
	}
	for (i = 0; i < 8; i++) {
		ip[i] = hi >> (56 - 8 * i);
		ip[8 + i] = lo >> (56 - 8 * i);
	}
	if (lay->aux && !ev_word(v, lay->aux[param], 0, 1, 0, &isv6))
		v6 = isv6 & 1;
	else
		v6 = !(hi == 0 && lo >> 32 == 0xffff);
	if (v6 && hi == 0 && lo >> 32 == 0xffff)
		snprintf(text, sizeof(text), "::ffff:%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
	else
		format_go_ip(v6 ? ip : ip + 12, v6 ? 16 : 4, text, sizeof(text));
	p->ops->word(p, text);
	return true;
}

void decode_param(struct vprinter *p, const struct probe_plan *plan, const struct ga_func *f,
		  const struct func_layout *lay, size_t param, const struct ga_vals *v)
{
	const struct ga_param *prm = &f->params[param];
	size_t base = layout_piece_base(f, param);

	if (!prm->npieces)
		decode_empty(prm, p);
	else if (base > lay->npieces || prm->npieces > lay->npieces - base)
		p->ops->none(p, "?");	/* more pieces than the layout has places for */
	else if (!decode_netip(plan, f, lay, param, v, p) && !decode_dict(plan, prm, lay, base, v, p) &&
		 !decode_map(plan, f, lay, param, v, p) && !decode_deref(plan, f, lay, param, v, p))
		decode_fields(plan, f, lay, param, v, p);
}

bool decode_error_result(const struct ga_func *f, const struct func_layout *lay,
			 const struct ga_vals *v)
{
	uint32_t mask = layout_error_words(f, lay);
	uint64_t word;
	int w;

	for (w = 0; w < GA_MAX_WORDS; w++)
		if ((mask >> w) & 1 && !ev_word(v, w, 0, 8, 0, &word) && word)
			return true;
	return false;
}
