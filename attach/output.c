// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "format.h"
#include "output.h"
#include "stats.h"

struct output {
	const struct probe_plan *plan;
	struct output_opts opts;
	bool json;
	FILE *out;
	int64_t mono_to_real_ns;	/* add to a ktime to get wall-clock time */
	struct call_stats *stats;
};

struct output *output__new(const struct probe_plan *plan, const struct output_opts *opts, FILE *out)
{
	struct output *o = calloc(1, sizeof(*o));
	struct timespec mono, real;

	if (!o || !(o->stats = call_stats__new(plan->nfuncs, opts->stats))) {
		free(o);
		errno = ENOMEM;
		return NULL;
	}
	o->plan = plan;
	o->opts = *opts;
	o->json = opts->json;
	o->out = out;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	o->mono_to_real_ns = (real.tv_sec - mono.tv_sec) * 1000000000LL + (real.tv_nsec - mono.tv_nsec);
	return o;
}

void output__free(struct output *o)
{
	if (!o)
		return;
	call_stats__free(o->stats);
	free(o);
}

/* One decoded value: text in Go syntax, JSON as a cJSON item. */
struct leaf {
	const struct probe_plan *plan;
	const struct ga_param *param;
	const struct ga_piece *pieces;
	size_t npieces;
	const int *word;
	const int *str;
};

static bool leaf_word(const struct leaf *l, const struct ga_vals *v, size_t k, uint64_t *out,
		      bool *unreadable)
{
	int w = l->word[k];

	if (w < 0) {
		if (w == SLOT_UNREADABLE && unreadable)
			*unreadable = true;
		return false;
	}
	*out = v->words[w];
	return true;
}

/*
 * A slice: []byte as a quoted string (bounded), slices of other basic
 * types as their first elements, the rest as len and cap.
 */
static cJSON *decode_slice(const struct leaf *l, const struct ga_vals *v, uint64_t len, uint64_t cap,
			   struct sbuf *t)
{
	enum ga_piece_kind ek = GA_PIECE_UINT;
	int esize = slice_elem(l->param->type_name, &ek), slot = l->str[0];
	cJSON *o = cJSON_CreateObject(), *elems;
	size_t i, n;

	cJSON_AddNumberToObject(o, "len", (double)len);
	cJSON_AddNumberToObject(o, "cap", (double)cap);
	if (!esize || slot < 0 || (len && !v->str_len[slot])) {
		sbuf_printf(t, "[len=%" PRIu64 " cap=%" PRIu64 "]", len, cap);
		return o;
	}
	n = v->str_len[slot] / esize;
	if (esize == 1 && ek == GA_PIECE_UINT) {
		char tmp[GA_STR_LEN + 1];

		/* []byte: quoted, like a string */
		quote_text(t, v->strs[slot], n);
		memcpy(tmp, v->strs[slot], n);
		tmp[n] = '\0';
		cJSON_AddStringToObject(o, "bytes", tmp);
		if (len > n)
			sbuf_printf(t, "...(%" PRIu64 " bytes)", len);
		return o;
	}
	elems = cJSON_AddArrayToObject(o, "elems");
	sbuf_printf(t, "[");
	for (i = 0; i < n; i++) {
		uint64_t e = read_le(v->strs[slot] + i * esize, esize);
		char num[64];

		if (ek == GA_PIECE_INT)
			snprintf(num, sizeof(num), "%" PRId64, sign_extend(e, esize));
		else if (ek == GA_PIECE_BOOL)
			snprintf(num, sizeof(num), "%s", e ? "true" : "false");
		else if (ek == GA_PIECE_FLOAT)
			format_float_bits(e, esize, num, sizeof(num));
		else
			snprintf(num, sizeof(num), "%" PRIu64, e);
		sbuf_printf(t, "%s%s", i ? " " : "", num);
		cJSON_AddItemToArray(elems, cJSON_CreateRaw(num));
	}
	sbuf_printf(t, "%s]", len > n ? " ..." : "");
	if (len > n)
		sbuf_printf(t, "(len=%" PRIu64 ")", len);
	return o;
}

static const char *fpreg_label(const struct probe_plan *plan)
{
	return plan->build.arch == GA_ARCH_ARM64 ? "?(vreg)" : "?(xmm)";
}

static cJSON *decode_leaf(const struct leaf *l, const struct ga_vals *v, struct sbuf *t)
{
	const struct ga_piece *pc = &l->pieces[0];
	bool unreadable = false;
	uint64_t w = 0, w2 = 0, w3 = 0;
	char num[64];

	switch (pc->kind) {
	case GA_PIECE_STR_DATA: {
		int slot = l->str[0];
		uint64_t full = 0;
		char tmp[GA_STR_LEN + 1];
		size_t n;

		if (!leaf_word(l, v, 1, &full, &unreadable) || !leaf_word(l, v, 0, &w, &unreadable))
			break;
		if (full == 0) {
			sbuf_printf(t, "\"\"");
			return cJSON_CreateString("");
		}
		if (slot < 0 || !v->str_len[slot]) {
			sbuf_printf(t, "<string 0x%" PRIx64 " len %" PRIu64 ">", w, full);
			return cJSON_CreateNull();
		}
		n = v->str_len[slot];
		quote_text(t, v->strs[slot], n);
		if (full > n)
			sbuf_printf(t, "...(%" PRIu64 " bytes)", full);
		memcpy(tmp, v->strs[slot], n);
		tmp[n] = '\0';
		/* A NUL inside the string ends it here; cJSON strings are C strings. */
		return cJSON_CreateString(tmp);
	}
	case GA_PIECE_SLICE_DATA:
		if (!leaf_word(l, v, 0, &w, &unreadable) || !leaf_word(l, v, 1, &w2, &unreadable) ||
		    !leaf_word(l, v, 2, &w3, &unreadable))
			break;
		if (!w) {
			sbuf_printf(t, "nil");
			return cJSON_CreateNull();
		}
		return decode_slice(l, v, w2, w3, t);
	case GA_PIECE_IFACE_TAB:
		if (!leaf_word(l, v, 0, &w, &unreadable) || !leaf_word(l, v, 1, &w2, &unreadable))
			break;
		if (!w) {
			sbuf_printf(t, "nil");
			return cJSON_CreateNull();
		} else {
			cJSON *o = cJSON_CreateObject();
			char tname[256];
			const char *dyn = plan_type_name(l->plan, w, l->param->kind != GA_KIND_EFACE,
							 tname, sizeof(tname));

			/* the dynamic type by name when the binary holds it, else its address */
			if (!dyn) {
				snprintf(tname, sizeof(tname), "0x%" PRIx64, w);
				dyn = tname;
			}
			cJSON_AddStringToObject(o, "type", dyn);
			snprintf(num, sizeof(num), "0x%" PRIx64, w2);
			cJSON_AddStringToObject(o, "data", num);
			/* the message of the error types whose first field is it */
			if (l->str[0] >= 0 && v->str_len[l->str[0]] &&
			    (!strcmp(dyn, "*errors.errorString") || !strcmp(dyn, "*fmt.wrapError"))) {
				char msg[GA_STR_LEN + 1];
				size_t mn = v->str_len[l->str[0]];

				memcpy(msg, v->strs[l->str[0]], mn);
				msg[mn] = '\0';
				sbuf_printf(t, "<%s ", dyn);
				quote_text(t, msg, mn);
				sbuf_printf(t, ">");
				cJSON_AddStringToObject(o, "message", msg);
				return o;
			}
			sbuf_printf(t, "<%s 0x%" PRIx64 ">", dyn, w2);
			return o;
		}
	default:
		if (!leaf_word(l, v, 0, &w, &unreadable))
			break;
		switch (pc->kind) {
		case GA_PIECE_INT:
			snprintf(num, sizeof(num), "%" PRId64, sign_extend(w, pc->size));
			sbuf_printf(t, "%s", num);
			return cJSON_CreateRaw(num);
		case GA_PIECE_BOOL:
			sbuf_printf(t, "%s", (w & 0xff) ? "true" : "false");
			return cJSON_CreateBool(w & 0xff);
		case GA_PIECE_FLOAT:
			format_float_bits(w, pc->size, num, sizeof(num));
			sbuf_printf(t, "%s", num);
			return isfinite(strtod(num, NULL)) ? cJSON_CreateRaw(num) : cJSON_CreateString(num);
		case GA_PIECE_RAW:
			snprintf(num, sizeof(num), "0x%" PRIx64, mask_size(w, pc->size));
			sbuf_printf(t, "%s", num);
			return cJSON_CreateString(num);
		case GA_PIECE_PTR:
			if (!w) {
				sbuf_printf(t, "nil");
				return cJSON_CreateNull();
			}
			snprintf(num, sizeof(num), "0x%" PRIx64, w);
			sbuf_printf(t, "%s", num);
			return cJSON_CreateString(num);
		default:
			snprintf(num, sizeof(num), "%" PRIu64, mask_size(w, pc->size));
			sbuf_printf(t, "%s", num);
			return cJSON_CreateRaw(num);
		}
	}
	/* Not fetched: XMM registers are not in pt_regs, or words ran out. */
	/* a floating-point register: XMM on amd64, V on arm64 */
	sbuf_printf(t, unreadable ? fpreg_label(l->plan) : "?");
	return cJSON_CreateNull();
}

#define ABI_MAX_DEREFS_OUT 8	/* pointee fields shown, as goanalyze stores at most */

/* A value's leaves, with paths relative to the parameter ("", ".P.X", "[1]"). */
struct leafref {
	struct leaf l;
	const char *rel;
};

/* Length of the path component at p: "[3]" or ".Name" (up to the next '.' or '['). */
static size_t component_len(const char *p)
{
	size_t n = 1;

	if (*p == '[') {
		while (p[n] && p[n - 1] != ']')
			n++;
		return n;
	}
	while (p[n] && p[n] != '.' && p[n] != '[')
		n++;
	return n;
}

/*
 * Render leaves [a, b) that share the path prefix of length pos: a leaf,
 * an array ("[1 2]", JSON array), a struct ("{X:1 Y:2}", JSON object), or
 * a complex number ("(1+2i)") from its .real and .imag.
 */
static cJSON *render(const struct leafref *lr, size_t a, size_t b, size_t pos,
		     const struct ga_vals *v, struct sbuf *t)
{
	const char *c0 = lr[a].rel + pos;
	bool array = *c0 == '[';
	cJSON *node;
	size_t i, j;

	if (b - a == 1 && !*c0)
		return decode_leaf(&lr[a].l, v, t);
	if (b - a == 2 && !strcmp(c0, ".real") && !strcmp(lr[a + 1].rel + pos, ".imag") &&
	    lr[a].l.pieces[0].kind == GA_PIECE_FLOAT && lr[a + 1].l.pieces[0].kind == GA_PIECE_FLOAT) {
		struct sbuf re = {}, im = {};
		cJSON *r, *i;

		r = decode_leaf(&lr[a].l, v, &re);
		i = decode_leaf(&lr[a + 1].l, v, &im);
		if (cJSON_IsNull(r) || cJSON_IsNull(i)) {
			/* a part not fetched (XMM): the number as a whole is unknown */
			const char *fp = fpreg_label(lr[a].l.plan);

			sbuf_printf(t, "%s", !strcmp(re.s ? re.s : "", fp) ||
					   !strcmp(im.s ? im.s : "", fp) ? fp : "?");
			cJSON_Delete(r);
			cJSON_Delete(i);
			node = cJSON_CreateNull();
		} else {
			node = cJSON_CreateObject();
			cJSON_AddItemToObject(node, "real", r);
			cJSON_AddItemToObject(node, "imag", i);
			sbuf_printf(t, "(%s%s%si)", re.s ? re.s : "",
				  im.s && im.s[0] != '-' && im.s[0] != '+' ? "+" : "", im.s ? im.s : "");
		}
		free(re.s);
		free(im.s);
		return node;
	}
	if (b - a == 2 && !strcmp(c0, ".lo") && !strcmp(lr[a + 1].rel + pos, ".hi") &&
	    lr[a].l.pieces[0].size == 4 && lr[a + 1].l.pieces[0].size == 4 &&
	    lr[a].l.word[0] >= 0 && lr[a + 1].l.word[0] >= 0) {
		/* a 64-bit integer in two 32-bit words (386), low word first */
		uint64_t u = (v->words[lr[a].l.word[0]] & 0xffffffffULL) |
			     (v->words[lr[a + 1].l.word[0]] & 0xffffffffULL) << 32;
		char num[32];

		if (lr[a + 1].l.pieces[0].kind == GA_PIECE_INT)
			snprintf(num, sizeof(num), "%" PRId64, (int64_t)u);
		else
			snprintf(num, sizeof(num), "%" PRIu64, u);
		sbuf_printf(t, "%s", num);
		return cJSON_CreateRaw(num);
	}
	node = array ? cJSON_CreateArray() : cJSON_CreateObject();
	sbuf_printf(t, array ? "[" : "{");
	for (i = a; i < b; i = j) {
		const char *c = lr[i].rel + pos;
		size_t n = component_len(c);
		char key[256];
		cJSON *val;

		for (j = i + 1; j < b && !strncmp(lr[j].rel + pos, c, n) &&
				(!lr[j].rel[pos + n] || lr[j].rel[pos + n] == '.' ||
				 lr[j].rel[pos + n] == '['); j++)
			;
		if (i > a)
			sbuf_printf(t, " ");
		if (!array) {
			snprintf(key, sizeof(key), "%.*s", (int)(n - 1), c + 1);
			sbuf_printf(t, "%s:", key);
		}
		val = render(lr, i, j, pos + n, v, t);
		if (array)
			cJSON_AddItemToArray(node, val);
		else
			cJSON_AddItemToObject(node, key, val);
	}
	sbuf_printf(t, array ? "]" : "}");
	return node;
}

/* Decode a parameter: one leaf, or arrays and structs of leaves by field path. */
static cJSON *decode_param(const struct probe_plan *plan, const struct ga_func *f,
			   const struct func_layout *lay, size_t p, const struct ga_vals *v,
			   struct sbuf *t)
{
	const struct ga_param *prm = &f->params[p];
	size_t base = layout_piece_base(f, p), k = 0, n = 0, nlen = strlen(prm->name);
	struct leafref *lr;
	cJSON *out;

	if (!prm->npieces) {
		bool arr = prm->type_name && prm->type_name[0] == '[';

		if (prm->size) {
			sbuf_printf(t, "?");
			return cJSON_CreateNull();
		}
		sbuf_printf(t, arr ? "[]" : "{}");
		return arr ? cJSON_CreateArray() : cJSON_CreateObject();
	}
	if (!strcmp(prm->name, ".dict") && prm->npieces == 1 && prm->pieces[0].kind == GA_PIECE_PTR) {
		uint64_t w;
		const char *sym;

		/* a generic's dictionary, by its symbol: it names the type arguments */
		if (lay->word[base] >= 0) {
			w = v->words[lay->word[base]];
			sym = plan_symbol(plan, w);
			if (sym) {
				sbuf_printf(t, "%s", sym);
				return cJSON_CreateString(sym);
			}
		}
	}
	if (plan->deref && prm->nderefs && prm->npieces == 1 && prm->pieces[0].kind == GA_PIECE_PTR &&
	    lay->word[base] >= 0 && v->words[lay->word[base]]) {
		size_t db = layout_deref_base(f, p), i;
		static const int no_str[ABI_MAX_DEREFS_OUT] = { SLOT_NONE, SLOT_NONE, SLOT_NONE, SLOT_NONE,
								SLOT_NONE, SLOT_NONE, SLOT_NONE, SLOT_NONE };
		struct leafref dl[ABI_MAX_DEREFS_OUT];
		struct leaf pl = {
			.plan = plan, .param = prm, .pieces = prm->pieces, .npieces = 1,
			.word = &lay->word[base], .str = &lay->str[base],
		};
		cJSON *o = cJSON_CreateObject();
		size_t nd = prm->nderefs < ABI_MAX_DEREFS_OUT ? prm->nderefs : ABI_MAX_DEREFS_OUT;

		/* --deref: the address, then what it points at */
		cJSON_AddItemToObject(o, "addr", decode_leaf(&pl, v, t));
		for (i = 0; i < nd; i++) {
			dl[i].l = (struct leaf){
				.plan = plan, .param = prm, .pieces = &prm->derefs[i], .npieces = 1,
				.word = &lay->dword[db + i], .str = no_str,
			};
			dl[i].rel = !strncmp(prm->derefs[i].path, prm->name, nlen) ?
					    prm->derefs[i].path + nlen : "";
		}
		sbuf_printf(t, " &");
		cJSON_AddItemToObject(o, "value", render(dl, 0, nd, 0, v, t));
		return o;
	}
	lr = calloc(prm->npieces, sizeof(*lr));
	if (!lr) {
		sbuf_printf(t, "?");
		return cJSON_CreateNull();
	}
	while (k < prm->npieces) {
		struct leafref *r = &lr[n++];
		const char *path = prm->pieces[k].path;

		r->l = (struct leaf){
			.plan = plan, .param = prm, .pieces = &prm->pieces[k],
			.word = &lay->word[base + k], .str = &lay->str[base + k], .npieces = 1,
		};
		while (k + r->l.npieces < prm->npieces &&
		       !strcmp(prm->pieces[k + r->l.npieces].path, path))
			r->l.npieces++;
		/* "o.P.X" -> ".P.X"; a path that does not start with the name is a field */
		r->rel = !strncmp(path, prm->name, nlen) ? path + nlen : "";
		k += r->l.npieces;
	}
	out = render(lr, 0, n, 0, v, t);
	free(lr);
	return out;
}

/* A completed call (ended NULL) or one that never returned (ended = why). */
static int emit(struct output *o, const struct ga_event *e, const char *ended)
{
	const struct probe_plan *plan = o->plan;
	const struct ga_func *f;
	const struct func_layout *lay;
	struct sbuf args = {}, res = {};
	cJSON *jargs, *jres, *ev;
	uint64_t lat = e->ts_exit - e->ts_entry;
	const char *tail_target = NULL;
	bool first;
	size_t p;
	char when[64], lat_s[32];
	int64_t real_ns;
	time_t secs;
	struct tm tm;

	if (e->func_id >= plan->nfuncs)
		return 0;
	f = &plan->funcs[e->func_id];
	if (o->opts.quiet)
		return 0;
	lay = &plan->layouts[e->func_id];
	if (e->flags & GA_EV_TAILCALL && e->exit_probe < plan->nprobes) {
		uint64_t off = plan->probes[e->exit_probe].file_off - f->file_off;
		size_t i;

		for (i = 0; i < f->nexits; i++)
			if (f->exits[i].offset == off)
				tail_target = f->exits[i].target_name;
	}

	jargs = cJSON_CreateObject();
	jres = cJSON_CreateObject();
	first = true;
	for (p = 0; p < f->nparams; p++) {
		if (f->params[p].is_result)
			continue;
		sbuf_printf(&args, "%s%s=", first ? "" : ", ", f->params[p].name);
		cJSON_AddItemToObject(jargs, f->params[p].name, decode_param(plan, f, lay, p, &e->args, &args));
		first = false;
	}
	first = true;
	if (!(e->flags & GA_EV_TAILCALL) && !ended) {
		for (p = 0; p < f->nparams; p++) {
			if (!f->params[p].is_result)
				continue;
			if (!first)
				sbuf_printf(&res, ", ");
			cJSON_AddItemToObject(jres, f->params[p].name,
					      decode_param(plan, f, lay, p, &e->results, &res));
			first = false;
		}
	}

	real_ns = (int64_t)e->ts_exit + o->mono_to_real_ns;
	secs = real_ns / 1000000000LL;
	localtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	format_latency(lat, lat_s, sizeof(lat_s));

	if (o->json) {
		char *s;

		ev = cJSON_CreateObject();
		gmtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%06dZ",
			 (int)(real_ns % 1000000000LL / 1000));
		cJSON_AddStringToObject(ev, "time", when);
		cJSON_AddStringToObject(ev, "func", f->name);
		cJSON_AddNumberToObject(ev, "pid", e->pid);
		cJSON_AddNumberToObject(ev, "goid", (double)e->goid);
		cJSON_AddItemToObject(ev, "args", jargs);
		if (f->params_known && !f->args_only && !(e->flags & GA_EV_TAILCALL) && !ended)
			cJSON_AddItemToObject(ev, "results", jres);
		else {
			cJSON_Delete(jres);
			cJSON_AddNullToObject(ev, "results");
		}
		if (ended)
			cJSON_AddNullToObject(ev, "latency_ns");
		else
			cJSON_AddNumberToObject(ev, "latency_ns", (double)lat);
		cJSON_AddNumberToObject(ev, "frame", (double)e->frame);
		cJSON_AddNumberToObject(ev, "tid_entry", e->tid_entry);
		if (!ended)
			cJSON_AddNumberToObject(ev, "tid_exit", e->tid_exit);
		if (e->flags & GA_EV_TAILCALL)
			cJSON_AddStringToObject(ev, "tail_call", tail_target ? tail_target : "?");
		if (ended)
			cJSON_AddStringToObject(ev, "ended", ended);
		s = cJSON_PrintUnformatted(ev);
		cJSON_Delete(ev);
		if (s) {
			fprintf(o->out, "%s\n", s);
			free(s);
		}
	} else {
		cJSON_Delete(jargs);
		cJSON_Delete(jres);
		fprintf(o->out, "%s.%03d pid=%u goid=%llu %s(%s)", when,
			(int)(real_ns % 1000000000LL / 1000000), e->pid, (unsigned long long)e->goid,
			f->name, f->params_known ? (args.s ? args.s : "") : "?");
		if (ended) {
			/* never returned: no results, no latency */
			fprintf(o->out, " !%s\n", ended);
			goto done;
		}
		if (e->flags & GA_EV_TAILCALL)
			fprintf(o->out, " -> tail call %s", tail_target ? tail_target : "?");
		else if (!f->params_known || f->args_only)
			fprintf(o->out, " = ?");
		else if (res.s)
			fprintf(o->out, " = (%s)", res.s);
		fprintf(o->out, " %s\n", lat_s);
	}
done:
	fflush(o->out);
	free(args.s);
	free(res.s);
	return 0;
}

/* A result of type error that is not nil. */
static bool error_result(const struct ga_func *f, const struct func_layout *lay,
			 const struct ga_vals *v)
{
	size_t p;

	for (p = 0; p < f->nparams; p++) {
		const struct ga_param *prm = &f->params[p];
		size_t base = layout_piece_base(f, p);

		if (prm->is_result && prm->kind == GA_KIND_IFACE && prm->type_name &&
		    !strcmp(prm->type_name, "error") && prm->npieces == 2 && lay->word[base] >= 0 &&
		    v->words[lay->word[base]])
			return true;
	}
	return false;
}

static const char *unwound_reason(const struct ga_event *e)
{
	if (e->flags & GA_EV_GOEXIT)
		return "Goexit";
	if (e->flags & GA_EV_PANIC)
		return "panic";
	return "unwound";
}

int output__event(struct output *o, const struct ga_event *e)
{
	bool error;

	if (e->func_id >= o->plan->nfuncs)
		return 0;
	if (e->flags & GA_EV_UNWOUND) {
		const char *why = unwound_reason(e);

		call_stats__add_ended(o->stats, why);
		emit(o, e, why);
		return 0;
	}
	error = !(e->flags & GA_EV_TAILCALL) &&
		error_result(&o->plan->funcs[e->func_id], &o->plan->layouts[e->func_id], &e->results);
	call_stats__add(o->stats, e->func_id, e->ts_exit - e->ts_entry, error);
	emit(o, e, NULL);
	return 1;
}

void output__ended(struct output *o, const struct ga_call_key *key, const struct ga_call *call,
		   const char *reason)
{
	struct ga_event e = {
		.ts_entry = call->ts, .ts_exit = call->ts, .goid = call->goid, .g = key->g,
		.pid = key->pid, .tid_entry = call->tid, .func_id = key->func_id, .frame = key->frame,
		.flags = GA_EV_UNWOUND,
	};

	if (key->func_id >= o->plan->nfuncs)
		return;
	e.args = call->args;
	call_stats__add_ended(o->stats, reason);
	emit(o, &e, reason);
}

void output__print_stats(struct output *o, FILE *f)
{
	if (o->json)
		call_stats__print_json(o->stats, o->plan->funcs, f);
	else
		call_stats__print_plain(o->stats, o->plan->funcs, f);
}

void output__print_hist(struct output *o, FILE *f)
{
	call_stats__print_hist(o->stats, o->plan->funcs, f);
}

void output__print_ended(struct output *o, FILE *f)
{
	call_stats__print_ended(o->stats, f);
}
