// SPDX-License-Identifier: MIT
/*
 * The value renderer (attach/event.c, decode.c, output.c, format.c,
 * printer.c) on ring-buffer records against a real plan: at init, once
 * per process and base, the indexer library indexes samples/kinds (the
 * go1.19-amd64 and go1.19-386 bases) into a DB under /dev/shm, and
 * probe_plan__build plans main.* from it as goattach does (no BPF) with
 * each option set below; the DB file is removed once planned.
 *
 * Input:
 *   [0] function: index into the plan's functions (mod nfuncs)
 *   [1] options: bit 0 the base (0 amd64, 1 386), bits 1-3 the option set
 *       (mod NOPTS: none, --deref, --stack, --expr, all), bit 4 a record
 *       found dead (GA_EV_UNWOUND), bit 5 a tail call, bit 6 the header
 *       as it is (else its counts are clamped and its size made to match,
 *       so that event__unpack takes it), bit 7 output__ended instead
 *   [2] n: layout mutation records that follow (n & 15), 4 bytes each:
 *       op, param, piece, value, applied to the chosen function's layout
 *       in memory after planning (piece sizes and kinds, word indexes,
 *       shifts, string slots, counts, paths, type names...) and undone
 *       after the input; op bit 7: to its --expr/--deref layout instead
 *   the rest: the record, struct ga_event then its data (words, string
 *       bytes, stack PCs), zero-padded to what the header says.
 * Each record is printed as text (to /dev/null) and as JSON (to memory);
 * undamaged inputs (no mutation, header as clamped) must give one JSON
 * line that cJSON parses.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "event.h"
#include "expr.h"
#include "exprplace.h"
#include "fuzzlib.h"
#include "index.h"
#include "log.h"
#include "output.h"
#include "probes.h"
#include "stack.h"

enum { OPT_NONE, OPT_DEREF, OPT_STACK, OPT_EXPR, OPT_ALL, NOPTS };

static const char *const expr_srcs[] = {
	"o.P.X", "o.Name", "len(s)", "p.X", "m.I", "b", "xs[1]", "ss[0]", "m[\"a\"]", "len(ss)", "e",
};
#define NEXPRS (sizeof(expr_srcs) / sizeof(expr_srcs[0]))

struct fz_plan {
	bool tried, ok;
	struct probe_plan plan;
	struct stack_syms syms;
};

/* Pristine plans (a cache: built once, every input's changes undone). */
static struct fz_plan plans[2][NOPTS];
static struct expr *exprs[NEXPRS];

static void plan_base(unsigned int b)
{
	static const char *const pats[] = { "main.*" };
	unsigned int base = b ? FZ_GO119_386 : FZ_GO119_AMD64;
	struct fz_file *f = fz_base(base);
	char db_path[96];
	struct gadb *db;
	int o, err;

	for (o = 0; o < NOPTS; o++)
		plans[b][o].tried = true;
	if (!f)
		return;
	if (!exprs[0]) {
		char msg[256];

		for (size_t i = 0; i < NEXPRS; i++)
			exprs[i] = expr_parse(expr_srcs[i], msg, sizeof(msg));
	}
	snprintf(db_path, sizeof(db_path), "/dev/shm/fuzz_render.%d.%u.db", (int)getpid(), b);
	err = fz_index(fz_path(f), db_path);
	db = err ? NULL : gadb__open(db_path);
	fz_check(db, "indexing the base failed");
	for (o = 0; db && o < NOPTS; o++) {
		struct fz_plan *fp = &plans[b][o];
		bool x = o == OPT_EXPR || o == OPT_ALL, stack = o == OPT_STACK || o == OPT_ALL;
		struct plan_opts po = {
			.deref = o == OPT_DEREF || o == OPT_ALL, .deref_depth = 1,
			.exprs = x ? exprs : NULL, .nexprs = x ? NEXPRS : 0,
		};

		if (stack && b)
			continue;	/* goattach refuses --stack on 386 */
		err = probe_plan__build(db, db_path, fz_path(f), -1, pats, 1, &po, &fp->plan);
		fz_check(!err, "probe_plan__build failed");
		if (err)
			continue;
		if (stack && stack_syms__load(&fp->syms, db, fp->plan.build.db_id)) {
			probe_plan__clear(&fp->plan);
			continue;
		}
		fp->ok = fp->plan.nfuncs > 0;
	}
	gadb__free(db);
	unlink(db_path);
}

/* Every write of a mutation, undone after the input. */
#define MAX_UNDO 64
struct undo {
	void *at;
	size_t n;
	unsigned char old[16];
};

struct muts {
	struct undo u[MAX_UNDO];
	int n;
	char *paths[16];	/* each its own allocation, as a DB's: an over-read shows */
	int npaths;
};

static void put(struct muts *m, void *at, const void *val, size_t n)
{
	struct undo *u;

	if (m->n >= MAX_UNDO || n > sizeof(u->old))
		return;
	u = &m->u[m->n++];
	u->at = at;
	u->n = n;
	memcpy(u->old, at, n);
	memcpy(at, val, n);
}

static void undo_all(struct muts *m)
{
	while (m->n > 0) {
		struct undo *u = &m->u[--m->n];

		memcpy(u->at, u->old, u->n);
	}
	while (m->npaths > 0)
		free(m->paths[--m->npaths]);
}

static const char *const type_names[] = {
	"time.Time", "net/netip.Addr", "time.Duration", "net.IP", "[]int64", "[]float32", "[]uint16",
	"string", "error", NULL,
};

/* One mutation record of the function f laid out by lay. */
static void mutate(struct muts *m, struct ga_func *f, struct func_layout *lay, const uint8_t *r)
{
	struct ga_param *prm;
	struct ga_piece *pc;
	size_t base, k;
	int iv = (int8_t)r[3];

	if (!f->nparams)
		return;
	prm = &f->params[r[1] % f->nparams];
	base = layout_piece_base(f, r[1] % f->nparams);
	k = prm->npieces ? r[2] % prm->npieces : 0;
	pc = prm->npieces ? &prm->pieces[k] : NULL;
	if (base + k >= lay->npieces)
		pc = NULL;
	switch ((r[0] & 0x7f) % 13) {
	case 0:
		if (pc)
			put(m, &pc->size, &r[3], 1);
		break;
	case 1:
		if (pc) {
			enum ga_piece_kind kind = r[3] % (GA_PIECE_RAW + 1);

			put(m, &pc->kind, &kind, sizeof(kind));
		}
		break;
	case 2:
		if (pc)
			put(m, &lay->shift[base + k], &r[3], 1);
		break;
	case 3:
		if (pc)
			put(m, &lay->word[base + k], &iv, sizeof(iv));
		break;
	case 4:
		if (pc)
			put(m, &lay->str[base + k], &iv, sizeof(iv));
		break;
	case 5: {
		/* fewer pieces (a string without its length, ...): never more than there are */
		size_t n = prm->npieces ? r[3] % prm->npieces : 0;

		put(m, &prm->npieces, &n, sizeof(n));
		break;
	}
	case 6: {
		/*
		 * a path of the piece: empty, the param's name, a dangling
		 * component; or (value bit 4) its own parent's ("o.P" of "o.P.X")
		 */
		static const char *const tails[] = { "", ".", "[", ".*", "[0", "]", ".*.", "[1].X" };
		char *p, *cut;

		if (!pc || m->npaths >= 16 || m->n >= MAX_UNDO)
			break;
		if (r[3] & 16) {
			const char *path = pc->path ? pc->path : "";

			cut = strrchr(path, '.');
			if (!cut || (strrchr(path, '[') && strrchr(path, '[') > cut))
				cut = strrchr(path, '[');
			/* exactly as long: a read past its end shows */
			p = strndup(path, cut ? (size_t)(cut - path) : strlen(path));
		} else if (asprintf(&p, "%s%s", r[3] & 8 ? "" : prm->name, tails[r[3] & 7]) < 0) {
			p = NULL;
		}
		if (!p)
			break;
		m->paths[m->npaths++] = p;
		put(m, &pc->path, &p, sizeof(p));
		break;
	}
	case 7: {
		const char *tn = type_names[r[3] % (sizeof(type_names) / sizeof(type_names[0]))];

		put(m, &prm->type_name, &tn, sizeof(tn));
		break;
	}
	case 8: {
		uint32_t size = r[3] < 200 ? r[3] : (uint32_t)r[3] << 24;

		put(m, &prm->size, &size, sizeof(size));
		break;
	}
	case 9:
		if (prm->nderefs) {
			size_t d = r[2] % prm->nderefs;

			if (r[3] & 0x80)
				put(m, &prm->derefs[d].size, &r[3], 1);
			else if (lay->dword)
				put(m, &lay->dword[layout_deref_base(f, r[1] % f->nparams) + d], &iv,
				    sizeof(iv));
		}
		break;
	case 10:
		if (lay->maps && lay->maps[r[1] % f->nparams].is_map) {
			struct map_words *mw = &lay->maps[r[1] % f->nparams];
			struct map_entry_words *e = &mw->e[r[2] % MAP_SHOW];

			switch (r[2] / MAP_SHOW % 8) {
			case 0: put(m, &mw->len_word, &iv, sizeof(iv)); break;
			case 1: put(m, &mw->nentries, &iv, sizeof(iv)); break;
			case 2: put(m, &e->map_word, &iv, sizeof(iv)); break;
			case 3: put(m, &e->key_word[r[3] & 1], &iv, sizeof(iv)); break;
			case 4: put(m, &e->key_str, &iv, sizeof(iv)); break;
			case 5: put(m, &e->val_word[r[3] & 1], &iv, sizeof(iv)); break;
			case 6: put(m, &mw->key.size, &(uint64_t){ r[3] }, sizeof(uint64_t)); break;
			default: put(m, &mw->shape.len_size, &(uint8_t){ r[3] }, 1); break;
			}
		}
		break;
	case 11:
		if (lay->aux)
			put(m, &lay->aux[r[1] % f->nparams], &iv, sizeof(iv));
		break;
	default: {
		enum ga_kind kind = r[3] % (GA_KIND_ARRAY + 1);

		put(m, &prm->kind, &kind, sizeof(kind));
		break;
	}
	}
}

/* The header clamped to what event__unpack takes, and the data size it then needs. */
static size_t clamp_header(struct ga_event *h)
{
	size_t n = 0;
	int part, i;

	for (part = 0; part < 2; part++) {
		h->nwords[part] %= GA_MAX_WORDS + 1;
		h->nstrs[part] %= GA_MAX_STRS + 1;
		n += h->nwords[part] * 8;
		for (i = 0; i < GA_MAX_STRS; i++) {
			if (i >= h->nstrs[part])
				h->str_len[part][i] = 0;
			h->str_len[part][i] %= GA_STR_LEN + 1;
			n += h->str_len[part][i];
		}
	}
	h->nstack %= GA_MAX_STACK + 1;
	n += h->nstack * 8;
	h->size = n;
	return n;
}

static bool json_ok(const char *s, size_t len)
{
	cJSON *j;
	bool ok;

	if (!len || s[len - 1] != '\n' || memchr(s, '\n', len) != s + len - 1)
		return false;
	j = cJSON_ParseWithLength(s, len);
	ok = j && cJSON_IsObject(j) && cJSON_GetObjectItem(j, "func");
	cJSON_Delete(j);
	return ok;
}

static void render(struct fz_plan *fp, const struct event *e, const struct ga_call_key *key,
		   const struct ga_call *call, bool undamaged)
{
	struct output_opts oo = {
		.stack = fp->syms.n ? GA_DEF_STACK : 0, .syms = &fp->syms, .stats = true, .hist = true,
	};
	struct output *o;
	FILE *null = fopen("/dev/null", "w"), *js;
	char *buf = NULL;
	size_t len = 0;

	if (!null)
		return;
	js = open_memstream(&buf, &len);
	for (int json = 0; js && json < 2; json++) {
		oo.json = json;
		o = output__new(&fp->plan, &oo, json ? js : null);
		if (!o)
			break;
		if (key)
			output__ended(o, key, call, "running at detach");
		else
			output__event(o, e);
		/* the summaries of that one call, counted from the event (no BPF aggregates) */
		if (!json) {
			output__print_stats(o, -1, null);
			output__print_hist(o, -1, null);
			output__print_ended(o, null);
		}
		output__free(o);
	}
	fclose(null);
	if (js) {
		fclose(js);
		/* FZ_RENDER_DUMP=1: the JSON lines on stderr, to compare renderers by hand */
		if (getenv("FZ_RENDER_DUMP"))
			fwrite(buf, 1, len, stderr);
		if (undamaged)
			fz_check(json_ok(buf, len), "the JSON line of an undamaged record does not parse");
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char rec[sizeof(struct ga_event) + GA_EV_RECORD_DATA_MAX];
	struct event *e;
	struct muts m = {};
	struct ga_event h = {};
	struct fz_plan *fp;
	struct ga_func *f;
	size_t pos, nmut, need, fi, i;
	bool raw, undamaged;
	unsigned int b, o;

	if (size < 3)
		return 0;
	b = data[1] & 1;
	o = (data[1] >> 1 & 7) % NOPTS;
	if (!plans[b][0].tried)
		plan_base(b);
	fp = &plans[b][o];
	if (!fp->ok)
		return 0;
	fi = data[0] % fp->plan.nfuncs;
	f = &fp->plan.funcs[fi];
	nmut = data[2] & 15;
	pos = 3;
	for (i = 0; i < nmut && pos + 4 <= size; i++, pos += 4) {
		const uint8_t *r = data + pos;
		struct expr_show *sh = NULL;

		if (r[0] & 0x80)
			sh = fp->plan.shows ? &fp->plan.shows[fi] :
			     fp->plan.deref_shows ? &fp->plan.deref_shows[fi] : NULL;
		if (sh)
			mutate(&m, &sh->xf, &sh->lay, r);
		else
			mutate(&m, f, &fp->plan.layouts[fi], r);
	}
	undamaged = !m.n && !(data[1] & 0x40);
	raw = data[1] & 0x40;
	memcpy(&h, data + pos, size - pos < sizeof(h) ? size - pos : sizeof(h));
	pos += size - pos < sizeof(h) ? size - pos : sizeof(h);
	if (!raw) {
		h.func_id = fi;
		h.flags = (data[1] & 0x10 ? GA_EV_UNWOUND : 0) | (data[1] & 0x20 ? GA_EV_TAILCALL : 0);
		need = clamp_header(&h);
	} else {
		need = h.size <= GA_EV_RECORD_DATA_MAX ? h.size : GA_EV_RECORD_DATA_MAX;
	}
	memcpy(rec, &h, sizeof(h));
	memset(rec + sizeof(h), 0, need);
	memcpy(rec + sizeof(h), data + pos, size - pos < need ? size - pos : need);
	/* its own allocation: a read past the event shows */
	e = malloc(sizeof(*e));
	if (!e)
		goto out_undo;
	if (!event__unpack(e, rec, sizeof(h) + need)) {
		if (data[1] & 0x80) {
			struct ga_call_key key = {
				.g = e->g, .frame = e->frame, .pid = e->pid, .func_id = e->func_id,
			};
			struct ga_call call = {
				.ts = e->ts_entry, .goid = e->goid, .tid = e->tid_entry, .args = e->args,
				.nstack = e->nstack,
			};

			memcpy(call.stack, e->stack, sizeof(call.stack));
			render(fp, NULL, &key, &call, undamaged);
		} else {
			render(fp, e, NULL, NULL, undamaged);
		}
	} else {
		fz_check(!undamaged, "event__unpack refused a clamped record");
	}
	free(e);
out_undo:
	undo_all(&m);
	return 0;
}

/* The record of a call of function fi with every word and string set. */
static size_t seed_record(uint8_t *out, size_t room, unsigned int fi, unsigned int opt, int flavor)
{
	struct ga_event h = {};
	size_t n = 3, i;
	int part, s;

	out[0] = fi;
	out[1] = opt;
	out[2] = 0;
	h.ts_entry = 1000;
	h.ts_exit = 1000 + 12345 * (fi + 1);
	h.goid = 7;
	h.pid = 42;
	for (part = 0; part < 2; part++) {
		h.nwords[part] = flavor ? GA_MAX_WORDS : 6 + fi % 8;
		h.nstrs[part] = flavor ? GA_MAX_STRS : 2;
		for (s = 0; s < h.nstrs[part]; s++)
			h.str_len[part][s] = flavor == 2 ? GA_STR_LEN : 5 + s;
	}
	h.nstack = opt >> 1 == OPT_STACK ? 4 : 0;
	clamp_header(&h);
	if (n + sizeof(h) + h.size > room)
		return 0;
	memcpy(out + n, &h, sizeof(h));
	n += sizeof(h);
	for (part = 0; part < 2; part++)
		for (i = 0; i < h.nwords[part]; i++, n += 8) {
			/* small numbers, lengths, and now and then a non-nil pointer */
			uint64_t w = flavor == 1 ? 0xc000010000ULL + i * 16 : (i * 3 + fi) % 9;

			memcpy(out + n, &w, 8);
		}
	for (part = 0; part < 2; part++)
		for (s = 0; s < h.nstrs[part]; s++)
			for (i = 0; i < h.str_len[part][s]; i++)
				out[n++] = "hello, w\xc3\xb6rld\x01\"\\ \xff"[(i + s) % 18];
	for (i = 0; i < h.nstack; i++, n += 8) {
		const struct fz_plan *fp = &plans[0][OPT_STACK];
		uint64_t pc = 0x401000 + i * 0x100;

		/* the probe's PC, then return addresses inside the plan's functions */
		if (fp->ok) {
			const struct ga_func *f = &fp->plan.funcs[(fi + i) % fp->plan.nfuncs];

			pc = f->entry + (i ? 1 + i * 7 : f->entry_probe_offset);
		}

		memcpy(out + n, &pc, 8);
	}
	return n;
}

int fz_seeds(const char *dir)
{
	static uint8_t buf[sizeof(struct ga_event) + GA_EV_RECORD_DATA_MAX + 64];
	char name[64];
	int err;

	if (!plans[0][0].tried)
		plan_base(0);	/* the functions' addresses, for the stack PCs */
	for (unsigned int fi = 0; fi < 48; fi++) {
		for (unsigned int o = 0; o < 2 * NOPTS; o++) {
			unsigned int opt = (o % 2) | (o / 2) << 1;
			int flavor = (fi + o) % 3;
			size_t n;

			if (o % 2 && (o / 2 == OPT_STACK || o / 2 == OPT_ALL))
				continue;
			if ((fi + o) % 4)
				continue;	/* a sample of the pairs: ~120 seeds */
			n = seed_record(buf, sizeof(buf), fi, opt, flavor);
			if (!n)
				return -E2BIG;
			snprintf(name, sizeof(name), "f%02u-o%u-%d", fi, opt, flavor);
			err = fz_write_seed(dir, name, buf, n);
			if (err)
				return err;
			/* the same with a few layout mutations */
			buf[2] = 3;
			memmove(buf + 15, buf + 3, n - 3);
			for (int r = 0; r < 3; r++) {
				buf[3 + r * 4] = (fi * 7 + r * 5 + o) % 13 | (r == 2 ? 0x80 : 0);
				buf[4 + r * 4] = fi + r;
				buf[5 + r * 4] = r;
				buf[6 + r * 4] = (fi * 31 + r * 17) & 0xff;
			}
			snprintf(name, sizeof(name), "f%02u-o%u-%d-mut", fi, opt, flavor);
			err = fz_write_seed(dir, name, buf, n + 12);
			if (err)
				return err;
		}
	}
	return 0;
}
