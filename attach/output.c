// SPDX-License-Identifier: MIT
/*
 * One line per traced call: the fields of an event gathered once, then
 * printed as text (print_event_plain) or as a JSON line
 * (print_event_json), each parameter decoded once into that format.
 * Summaries are kept by stats.c (from BPF's aggregates, or from events).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "exprplace.h"
#include "format.h"
#include "log.h"
#include "output.h"
#include "printer.h"
#include "stats.h"

struct output {
	const struct probe_plan *plan;
	struct output_opts opts;
	FILE *out;
	int64_t mono_to_real_ns;	/* add to a ktime to get wall-clock time */
	struct call_stats *stats;
	struct sbuf line;	/* the JSON line being written, reused */
	struct sbuf incomplete;	/* its "incomplete" names, each after a comma */
	time_t json_secs;	/* the second json_when shows */
	char json_when[40];
};

/* What both printers show of one event. */
struct event_view {
	const struct probe_plan *plan;
	const struct event *e;
	const struct ga_func *f;
	const struct func_layout *lay;
	const char *ended;	/* why it never returned; NULL for a completed call */
	bool tail_call;
	const char *tail_target;	/* the tail call's callee, "?" when unknown */
	bool results_known;	/* the results were fetched and described */
	uint64_t latency_ns;
	int64_t real_ns;	/* wall-clock time of the exit (of the entry when ended) */
	time_t secs;		/* ... in seconds, floored */
	int frac_ns;		/* ... and the ns past secs, [0, 1e9) */
};

struct output *output__new(const struct probe_plan *plan, const struct output_opts *opts, FILE *out)
{
	struct output *o = calloc(1, sizeof(*o));
	struct timespec mono, real;

	if (!o || !(o->stats = call_stats__new(plan->nfuncs))) {
		free(o);
		errno = ENOMEM;
		return NULL;
	}
	o->plan = plan;
	o->opts = *opts;
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
	sbuf_free(&o->line);
	sbuf_free(&o->incomplete);
	free(o);
}

/* The callee of a tail call, by the exit the event left through; NULL when unknown. */
static const char *tail_target(const struct probe_plan *plan, const struct ga_func *f,
			       const struct event *e)
{
	const char *target = NULL;
	uint64_t off;
	size_t i;

	if (e->exit_probe >= plan->nprobes)
		return NULL;
	off = plan->probes[e->exit_probe].file_off - f->file_off;
	for (i = 0; i < f->nexits; i++)
		if (f->exits[i].offset == off)
			target = f->exits[i].target_name;
	return target;
}

static void event_view_init(struct event_view *ev, const struct output *o, const struct event *e,
			    const char *ended)
{
	const struct ga_func *f = &o->plan->funcs[e->func_id];
	bool tail_call = e->flags & GA_EV_TAILCALL;
	const char *target = tail_call ? tail_target(o->plan, f, e) : NULL;

	*ev = (struct event_view){
		.plan = o->plan, .e = e, .f = f, .lay = &o->plan->layouts[e->func_id],
		.ended = ended, .tail_call = tail_call, .tail_target = target ? target : "?",
		.results_known = f->params_known && !f->args_only && !tail_call && !ended,
		.latency_ns = e->ts_exit - e->ts_entry,
		/* wrapping, not overflowing: the timestamps are what a record says */
		.real_ns = (int64_t)(e->ts_exit + (uint64_t)o->mono_to_real_ns),
	};
	ev->secs = ev->real_ns / 1000000000LL;
	ev->frac_ns = ev->real_ns % 1000000000LL;
	if (ev->frac_ns < 0) {
		ev->frac_ns += 1000000000;
		ev->secs--;
	}
}

/*
 * The arguments, or the results, as one group of values named by
 * parameter; the names of those that did not fit the fetch budget are
 * added to incomplete (optional), as JSON strings after a comma.
 */
static void print_params(struct vprinter *p, const struct event_view *ev, bool results,
			 struct sbuf *incomplete)
{
	const struct ga_vals *v = results ? &ev->e->results : &ev->e->args;
	const struct expr_show *dsh = ev->plan->deref_shows ?
		&ev->plan->deref_shows[ev->e->func_id] : NULL;
	size_t i;

	p->ops->open(p, results ? VP_RESULTS : VP_ARGS);
	for (i = 0; i < ev->f->nparams; i++) {
		if (ev->f->params[i].is_result != results)
			continue;
		p->ops->member(p, ev->f->params[i].name);
		p->cut = false;
		if (dsh && dsh->which[i] >= 0)
			decode_param(p, ev->plan, &dsh->xf, &dsh->lay, dsh->which[i], v);
		else
			decode_param(p, ev->plan, ev->f, ev->lay, i, v);
		if (p->cut && incomplete && !p->err) {
			p->err = sbuf_append(incomplete, ",", 1);
			if (!p->err)
				p->err = json_quote(incomplete, ev->f->params[i].name,
						    strlen(ev->f->params[i].name));
		}
	}
	p->ops->close(p);
}

/* The params as Go-syntax text in out. */
static void params_text(const struct event_view *ev, bool results, struct sbuf *out)
{
	struct text_printer tp;

	text_printer__init(&tp, out);
	print_params(&tp.vp, ev, results, NULL);
	text_printer__clear(&tp);
}

/* A []string by its first elements: ["a" "b" ...](len=9) */
static void expr_strings(struct vprinter *p, const struct expr_strings *es, const struct ga_vals *v)
{
	uint64_t len = 0, slen;
	const char *s;
	size_t n;
	int i;

	ev_word(v, es->len_word, 0, 8, 0, &len);
	p->ops->open(p, VP_ARRAY);
	for (i = 0; i < es->n && i < EXPR_SHOW_ELEMS && (uint64_t)i < len; i++) {
		p->ops->member(p, NULL);
		if (!ev_word(v, es->hdr[i][1], 0, 8, 0, &slen) && ev_bytes(v, es->str[i], &s, &n))
			p->ops->string(p, s, n, slen);
		else
			p->ops->none(p, "...");
	}
	if ((uint64_t)es->n < len) {
		p->ops->array_cut(p, len);
		p->cut = true;
	}
	p->ops->close(p);
}

/*
 * Expression i's value for this call into p: of the arguments always, of
 * the results when it returned; false when it has none here (it does not
 * apply to the function, or reads results the call did not return).
 */
static bool expr_value(struct vprinter *p, const struct event_view *ev, size_t i)
{
	const struct expr_show *sh = ev->plan->shows ? &ev->plan->shows[ev->e->func_id] : NULL;
	const struct ga_param *prm;
	const struct ga_vals *v;
	int k = sh && i < sh->nexprs ? sh->which[i] : -1;
	const char *why;

	if (k < 0)
		return false;
	prm = &sh->xf.params[k];
	if (prm->is_result && !ev->results_known)
		return false;
	v = prm->is_result ? &ev->e->results : &ev->e->args;
	why = expr_checks_fail(&sh->checks[k], v);
	/* behind a nil pointer (Go would panic), a key the map lacks: said, not read */
	if (why) {
		p->ops->none(p, why);
		return true;
	}
	p->cut = false;
	if (sh->strings[k].n)
		expr_strings(p, &sh->strings[k], v);
	else
		decode_param(p, ev->plan, &sh->xf, &sh->lay, k, v);
	return true;
}

/* " r.URL.Path=\"/item/7\" len(r.Body)=12" (--expr) after the latency of a text line */
static void print_exprs_plain(struct output *o, const struct event_view *ev, struct sbuf *val)
{
	const struct expr_show *sh;
	struct text_printer tp;
	size_t i;

	if (!o->plan->nexprs)
		return;
	sh = &o->plan->shows[ev->e->func_id];
	for (i = 0; i < sh->nexprs; i++) {
		sbuf_reset(val);
		text_printer__init(&tp, val);
		if (expr_value(&tp.vp, ev, i) && !tp.vp.err)
			fprintf(o->out, " %s=%s", sh->xf.params[sh->which[i]].name, sbuf_str(val));
		text_printer__clear(&tp);
	}
}

/* ,"exprs":{"r.URL.Path":"/item/7",...} (--expr); 0 or -ENOMEM */
static int exprs_json(const struct output *o, const struct event_view *ev, struct sbuf *b)
{
	const struct expr_show *sh;
	struct json_printer jp;
	size_t i, n = 0;
	size_t mark;
	int err = 0;

	if (!o->plan->nexprs)
		return 0;
	sh = &o->plan->shows[ev->e->func_id];
	err = sbuf_puts(b, ",\"exprs\":{");
	for (i = 0; !err && i < sh->nexprs; i++) {
		const char *name;

		if (sh->which[i] < 0)
			continue;
		name = sh->xf.params[sh->which[i]].name;
		mark = b->len;
		err = n ? sbuf_puts(b, ",") : 0;
		err = err ?: json_quote(b, name, strlen(name));
		err = err ?: sbuf_puts(b, ":");
		if (err)
			break;
		json_printer__init(&jp, b);
		if (expr_value(&jp.vp, ev, i)) {
			n++;
		} else {
			/* results of a call that did not return them: left out */
			b->len = mark;
		}
		err = jp.vp.err;
		json_printer__clear(&jp);
	}
	return err ?: sbuf_puts(b, "}");
}

/* The frames of one event's stack shown, each PC expanded into its inlined calls. */
struct stack_view {
	size_t n;
	struct stack_frame frames[GA_MAX_STACK];
	char hex[GA_MAX_STACK][24];	/* the names of addresses no function holds */
};

/*
 * ev's frames, at most --stack of them, inlined ones counted: the traced
 * function at its probe's PC, then one physical frame per return address
 * taken. stack[0] is where the entry probe hit, in the process: the load
 * offset of a PIE (0 otherwise) is that minus where the DB has it.
 */
static void stack_view_fill(const struct output *o, const struct event_view *ev,
			    struct stack_view *sv)
{
	size_t max = o->opts.stack < GA_MAX_STACK ? o->opts.stack : GA_MAX_STACK, i;
	uint64_t probe_pc = ev->f->entry + ev->f->entry_probe_offset;
	uint64_t bias = ev->e->stack[0] - probe_pc;

	sv->n = 0;
	/* the probe's own PC as it is: it is not a return address */
	if (ev->e->nstack)
		sv->n = stack_syms__frames_at(o->opts.syms, probe_pc, sv->frames, max);
	if (!sv->n)
		sv->frames[sv->n++] = (struct stack_frame){ .name = ev->f->name };
	for (i = 1; i < ev->e->nstack && sv->n < max; i++) {
		uint64_t ret = ev->e->stack[i];
		size_t got = ret > bias ? stack_syms__frames_at(o->opts.syms, ret - bias - 1,
							       sv->frames + sv->n, max - sv->n) : 0;

		if (!got) {
			snprintf(sv->hex[sv->n], sizeof(sv->hex[0]), "0x%" PRIx64, ret);
			sv->frames[sv->n] = (struct stack_frame){ .name = sv->hex[sv->n] };
			got = 1;
		}
		sv->n += got;
	}
}

/*
 * " stack: main.leaf ← main.wrap (inlined) ← main.serve ← main.main"
 * (--stack) at the end of a text line: a call inlined into the frame after
 * it is marked " (inlined)".
 */
static void print_stack_plain(struct output *o, const struct event_view *ev)
{
	struct stack_view sv;
	size_t i;

	if (!o->opts.stack)
		return;
	stack_view_fill(o, ev, &sv);
	fputs(" stack: ", o->out);
	for (i = 0; i < sv.n; i++)
		fprintf(o->out, "%s%s%s", i ? " ← " : "", sv.frames[i].name,
			sv.frames[i].inlined ? " (inlined)" : "");
}

/* 15:04:05.123 pid=1 goid=7 main.f(a=1, b="x") = (2, nil) 1.234us */
static void print_event_plain(struct output *o, const struct event_view *ev)
{
	struct sbuf args = {}, res = {};
	char when[64], lat[32];
	struct tm tm = {};

	if (ev->f->params_known)
		params_text(ev, false, &args);
	localtime_r(&ev->secs, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(o->out, "%s.%03d pid=%u goid=%llu %s(%s)", when,
		ev->frac_ns / 1000000, ev->e->pid,
		(unsigned long long)ev->e->goid, ev->f->name,
		ev->f->params_known ? sbuf_str(&args) : "?");
	if (ev->ended) {
		/* never returned: no results, no latency */
		fprintf(o->out, " !%s", ev->ended);
		print_exprs_plain(o, ev, &res);
		print_stack_plain(o, ev);
		fputc('\n', o->out);
		goto out_free;
	}
	if (ev->tail_call) {
		fprintf(o->out, " -> tail call %s", ev->tail_target);
	} else if (!ev->results_known) {
		fprintf(o->out, " = ?");
	} else {
		params_text(ev, true, &res);
		if (res.len)
			fprintf(o->out, " = (%s)", sbuf_str(&res));
	}
	format_latency(ev->latency_ns, lat, sizeof(lat));
	fprintf(o->out, " %s", lat);
	print_exprs_plain(o, ev, &res);
	print_stack_plain(o, ev);
	fputc('\n', o->out);
out_free:
	sbuf_free(&args);
	sbuf_free(&res);
}

/* The params as a JSON object by name, appended to out; 0 or -ENOMEM. */
static int params_json(const struct event_view *ev, bool results, struct sbuf *out,
		       struct sbuf *incomplete)
{
	struct json_printer jp;
	int err;

	json_printer__init(&jp, out);
	print_params(&jp.vp, ev, results, incomplete);
	err = jp.vp.err;
	json_printer__clear(&jp);
	return err;
}

/* "2024-05-01T15:04:05.123456Z": the seconds formatted once per second */
static void json_time(struct output *o, const struct event_view *ev, char *buf, size_t len)
{
	struct tm tm = {};

	if (ev->secs != o->json_secs || !o->json_when[0]) {
		gmtime_r(&ev->secs, &tm);
		strftime(o->json_when, sizeof(o->json_when), "%Y-%m-%dT%H:%M:%S", &tm);
		o->json_secs = ev->secs;
	}
	snprintf(buf, len, "%s.%06dZ", o->json_when, ev->frac_ns / 1000);
}

/*
 * ,"stack":["main.leaf","main.wrap","main.serve",...],"stack_inlined":[false,true,false,...]
 * (--stack): the names as runtime.CallersFrames gives them, and which
 * frames are calls inlined into the next; 0 or -ENOMEM
 */
static int stack_json(const struct output *o, const struct event_view *ev, struct sbuf *b)
{
	struct stack_view sv;
	size_t i;
	int err;

	if (!o->opts.stack)
		return 0;
	stack_view_fill(o, ev, &sv);
	err = sbuf_puts(b, ",\"stack\":[");
	for (i = 0; !err && i < sv.n; i++) {
		err = i ? sbuf_puts(b, ",") : 0;
		err = err ?: json_quote(b, sv.frames[i].name, strlen(sv.frames[i].name));
	}
	err = err ?: sbuf_puts(b, "],\"stack_inlined\":[");
	for (i = 0; !err && i < sv.n; i++)
		err = sbuf_puts(b, i ? (sv.frames[i].inlined ? ",true" : ",false") :
				       (sv.frames[i].inlined ? "true" : "false"));
	return err ?: sbuf_puts(b, "]");
}

/*
 * {"time":"2024-05-01T15:04:05.123456Z","func":...,"args":{...},"results":{...},...}
 * Written straight into one reused line buffer: no tree, no floating point.
 */
static void print_event_json(struct output *o, const struct event_view *ev)
{
	struct sbuf *b = &o->line, *inc = &o->incomplete;
	char when[64];
	int err;

	sbuf_reset(b);
	sbuf_reset(inc);
	json_time(o, ev, when, sizeof(when));
	err = sbuf_printf(b, "{\"time\":\"%s\",\"func\":", when);
	err = err ?: json_quote(b, ev->f->name, strlen(ev->f->name));
	err = err ?: sbuf_printf(b, ",\"pid\":%u,\"goid\":", ev->e->pid);
	err = err ?: json_u64(b, ev->e->goid);
	err = err ?: sbuf_puts(b, ",\"args\":");
	err = err ?: params_json(ev, false, b, inc);
	err = err ?: sbuf_puts(b, ",\"results\":");
	err = err ?: ev->results_known ? params_json(ev, true, b, inc) : sbuf_puts(b, "null");
	if (ev->ended)
		err = err ?: sbuf_puts(b, ",\"latency_ns\":null");
	else
		err = err ?: sbuf_puts(b, ",\"latency_ns\":") ?: json_u64(b, ev->latency_ns);
	err = err ?: sbuf_puts(b, ",\"frame\":") ?: json_u64(b, ev->e->frame);
	err = err ?: sbuf_printf(b, ",\"tid_entry\":%u", ev->e->tid_entry);
	if (!ev->ended)
		err = err ?: sbuf_printf(b, ",\"tid_exit\":%u", ev->e->tid_exit);
	if (ev->tail_call) {
		err = err ?: sbuf_puts(b, ",\"tail_call\":");
		err = err ?: json_quote(b, ev->tail_target, strlen(ev->tail_target));
	}
	if (ev->ended) {
		err = err ?: sbuf_puts(b, ",\"ended\":");
		err = err ?: json_quote(b, ev->ended, strlen(ev->ended));
	}
	err = err ?: exprs_json(o, ev, b);
	err = err ?: stack_json(o, ev, b);
	/* values that did not fit the fetch budget: their leaves are null, arrays shorter */
	if (inc->len) {
		err = err ?: sbuf_puts(b, ",\"incomplete\":[");
		err = err ?: sbuf_append(b, inc->s + 1, inc->len - 1);
		err = err ?: sbuf_puts(b, "]");
	}
	err = err ?: sbuf_puts(b, "}\n");
	if (err) {
		pr_warn("output: out of memory formatting a call of %s", ev->f->name);
		return;
	}
	fwrite(b->s, 1, b->len, o->out);
}

/* A completed call (ended NULL) or one that never returned (ended = why). */
static void emit(struct output *o, const struct event *e, const char *ended)
{
	struct event_view ev;

	if (o->opts.quiet || e->func_id >= o->plan->nfuncs)
		return;
	event_view_init(&ev, o, e, ended);
	if (o->opts.json)
		print_event_json(o, &ev);
	else
		print_event_plain(o, &ev);
}

static const char *unwound_reason(const struct event *e)
{
	if (e->flags & GA_EV_GOEXIT)
		return "Goexit";
	if (e->flags & GA_EV_PANIC)
		return "panic";
	return "unwound";
}

int output__event(struct output *o, const struct event *e)
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
	if (!o->opts.aggregated) {
		error = !(e->flags & GA_EV_TAILCALL) &&
			decode_error_result(&o->plan->funcs[e->func_id],
					    &o->plan->layouts[e->func_id], &e->results);
		call_stats__add(o->stats, e->func_id, e->ts_exit - e->ts_entry, error);
	}
	emit(o, e, NULL);
	return 1;
}

void output__ended(struct output *o, const struct ga_call_key *key, const struct ga_call *call,
		   const char *reason)
{
	struct event e = {
		.ts_entry = call->ts, .ts_exit = call->ts, .goid = call->goid, .g = key->g,
		.pid = key->pid, .tid_entry = call->tid, .func_id = key->func_id, .frame = key->frame,
		.flags = GA_EV_UNWOUND,
	};

	if (key->func_id >= o->plan->nfuncs)
		return;
	e.args = call->args;
	e.nstack = call->nstack < GA_MAX_STACK ? call->nstack : GA_MAX_STACK;
	memcpy(e.stack, call->stack, e.nstack * sizeof(e.stack[0]));
	call_stats__add_ended(o->stats, reason);
	emit(o, &e, reason);
}

void output__print_stats(struct output *o, int agg_fd, FILE *f)
{
	if (o->opts.aggregated && call_stats__read(o->stats, agg_fd))
		pr_warn("bpf: cannot read the per-function aggregates: %s", strerror(errno));
	if (o->opts.json)
		call_stats__print_json(o->stats, o->plan->funcs, f);
	else
		call_stats__print_plain(o->stats, o->plan->funcs, f);
}

void output__print_hist(struct output *o, int agg_fd, FILE *f)
{
	if (o->opts.aggregated && call_stats__read(o->stats, agg_fd))
		pr_warn("bpf: cannot read the per-function aggregates: %s", strerror(errno));
	call_stats__print_hist(o->stats, o->plan->funcs, o->opts.json, f);
}

void output__print_ended(struct output *o, FILE *f)
{
	call_stats__print_ended(o->stats, f);
}
