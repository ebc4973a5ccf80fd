// SPDX-License-Identifier: MIT
/*
 * Per-function call summaries: --stats percentiles, --hist histograms,
 * from the aggregates BPF keeps per function and CPU (no event per call),
 * or added up from events in the same form (--max-calls); and the
 * never-returned counts, from events.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "format.h"
#include "goattach.h"
#include "log.h"
#include "stats.h"
#include "util.h"

#define ENDED_REASONS 8

/* Per traced function: the totals since the start (summed over CPUs). */
struct func_stats {
	struct ga_agg total;
	uint64_t printed[GA_HIST_SLOTS];	/* total.hist at the last --hist print */
};

struct call_stats {
	size_t nfuncs;
	int ncpus;
	struct ga_agg *percpu;	/* one map value: ncpus aggregates */
	struct func_stats *fs;
	struct { const char *reason; uint64_t n; } ended[ENDED_REASONS];
};

struct call_stats *call_stats__new(size_t nfuncs)
{
	struct call_stats *s = calloc(1, sizeof(*s));
	int ncpus = libbpf_num_possible_cpus();

	if (!s || ncpus <= 0 || !(s->fs = calloc(nfuncs ? nfuncs : 1, sizeof(*s->fs))) ||
	    !(s->percpu = calloc(ncpus, sizeof(*s->percpu)))) {
		if (s)
			free(s->fs);
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->nfuncs = nfuncs;
	s->ncpus = ncpus;
	return s;
}

void call_stats__free(struct call_stats *s)
{
	if (!s)
		return;
	free(s->percpu);
	free(s->fs);
	free(s);
}

int call_stats__read(struct call_stats *s, int agg_fd)
{
	size_t i;
	int c, k;

	for (i = 0; i < s->nfuncs; i++) {
		struct ga_agg *t = &s->fs[i].total;
		__u32 key = i;

		if (bpf_map_lookup_elem(agg_fd, &key, s->percpu))
			return -errno;
		memset(t, 0, sizeof(*t));
		for (c = 0; c < s->ncpus; c++) {
			const struct ga_agg *a = &s->percpu[c];

			t->calls += a->calls;
			t->errors += a->errors;
			t->max_ns = a->max_ns > t->max_ns ? a->max_ns : t->max_ns;
			t->sum_ns += a->sum_ns;
			for (k = 0; k < GA_HIST_SLOTS; k++)
				t->hist[k] += a->hist[k];
		}
	}
	return 0;
}

void call_stats__add_ended(struct call_stats *s, const char *reason)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(s->ended); i++) {
		if (!s->ended[i].reason || !strcmp(s->ended[i].reason, reason)) {
			s->ended[i].reason = reason;
			s->ended[i].n++;
			return;
		}
	}
}

/* Bits needed for v (0 for 0): its log2 slot, as in BPF. */
static int bit_width(uint64_t v)
{
	return v ? 64 - __builtin_clzll(v) : 0;
}

void call_stats__add(struct call_stats *s, size_t func, uint64_t latency_ns, bool error)
{
	struct ga_agg *t = &s->fs[func].total;
	int slot = bit_width(latency_ns);

	t->calls++;
	if (error)
		t->errors++;
	if (latency_ns > t->max_ns)
		t->max_ns = latency_ns;
	t->sum_ns += latency_ns;
	t->hist[slot < GA_HIST_SLOTS ? slot : GA_HIST_SLOTS - 1]++;
}

const struct ga_agg *call_stats__total(const struct call_stats *s, size_t func)
{
	return &s->fs[func].total;
}

/* The largest latency slot k holds: slot k is [2^(k-1), 2^k - 1], slot 0 is 0. */
static uint64_t slot_top(int slot)
{
	return slot ? (slot >= 64 ? UINT64_MAX : (1ULL << slot) - 1) : 0;
}

/*
 * The nearest-rank percentile p (over n-1 gaps, as before) from the
 * log2 buckets: the upper bound of the bucket it falls in, at most the
 * exact max. So it is never below the true value and at most 2x above.
 */
static uint64_t percentile(const struct ga_agg *t, double p)
{
	uint64_t rank, seen = 0;
	int slot;

	if (!t->calls)
		return 0;
	rank = (uint64_t)(p * (double)(t->calls - 1) + 0.5);
	for (slot = 0; slot < GA_HIST_SLOTS; slot++) {
		seen += t->hist[slot];
		if (seen > rank)
			return slot_top(slot) < t->max_ns ? slot_top(slot) : t->max_ns;
	}
	return t->max_ns;
}

bool stats_errors_known(const struct ga_func *f)
{
	return f->params_known && !f->args_only;
}

/* One JSON line, or a warning that it did not fit in memory. */
static void print_json_line(struct sbuf *b, int err, const char *what, FILE *f)
{
	err = err ?: sbuf_puts(b, "}\n");
	if (err)
		pr_warn("output: out of memory formatting the %s of a function", what);
	else
		fwrite(b->s, 1, b->len, f);
	sbuf_reset(b);
}

/*
 * {"stats":"main.f","calls":3,"errors":0,"p50_ns":...,"max_ns":...}: by
 * hand, as events are, so that counts beyond 2^53 are strings (json_u64)
 */
void call_stats__print_json(struct call_stats *s, const struct ga_func *funcs, FILE *f)
{
	static const struct {
		const char *key;
		double p;
	} pcts[] = { { "p50_ns", 0.50 }, { "p90_ns", 0.90 }, { "p99_ns", 0.99 } };
	struct sbuf b = {};
	size_t i, k;
	int err;

	for (i = 0; i < s->nfuncs; i++) {
		const struct ga_agg *t = &s->fs[i].total;

		err = sbuf_puts(&b, "{\"stats\":");
		err = err ?: json_quote(&b, funcs[i].name, strlen(funcs[i].name));
		err = err ?: sbuf_puts(&b, ",\"calls\":") ?: json_u64(&b, t->calls);
		err = err ?: sbuf_puts(&b, ",\"errors\":");
		if (stats_errors_known(&funcs[i]))
			err = err ?: json_u64(&b, t->errors);
		else
			err = err ?: sbuf_puts(&b, "null");
		for (k = 0; k < ARRAY_SIZE(pcts); k++) {
			err = err ?: sbuf_printf(&b, ",\"%s\":", pcts[k].key);
			err = err ?: json_u64(&b, percentile(t, pcts[k].p));
		}
		err = err ?: sbuf_puts(&b, ",\"max_ns\":") ?: json_u64(&b, t->max_ns);
		print_json_line(&b, err, "--stats", f);
	}
	sbuf_free(&b);
}

/* --stats rows: most calls first, then by name, so the busiest functions lead. */
struct stats_row {
	uint64_t calls;
	const char *name;
	size_t func;
};

static int stats_row_cmp(const void *a, const void *b)
{
	const struct stats_row *x = a, *y = b;

	if (x->calls != y->calls)
		return x->calls > y->calls ? -1 : 1;
	return strcmp(x->name, y->name);
}

void call_stats__print_plain(struct call_stats *s, const struct ga_func *funcs, FILE *f)
{
	char p50[32], p90[32], p99[32], mx[32], errs[24];
	struct stats_row *rows = calloc(s->nfuncs ? s->nfuncs : 1, sizeof(*rows));
	size_t i;

	if (!rows) {
		pr_warn("stats: out of memory sorting %zu rows", s->nfuncs);
		return;
	}
	for (i = 0; i < s->nfuncs; i++)
		rows[i] = (struct stats_row){ s->fs[i].total.calls, funcs[i].name, i };
	qsort(rows, s->nfuncs, sizeof(*rows), stats_row_cmp);
	/* every latency in us (format_latency), so a column reads in one unit */
	fprintf(f, "%-40s %10s %8s %14s %14s %14s %14s\n", "FUNC", "CALLS", "ERRORS", "P50", "P90",
		"P99", "MAX");
	for (i = 0; i < s->nfuncs; i++) {
		size_t fi = rows[i].func;
		const struct ga_agg *t = &s->fs[fi].total;

		format_latency(percentile(t, 0.50), p50, sizeof(p50));
		format_latency(percentile(t, 0.90), p90, sizeof(p90));
		format_latency(percentile(t, 0.99), p99, sizeof(p99));
		format_latency(t->max_ns, mx, sizeof(mx));
		if (stats_errors_known(&funcs[fi]))
			snprintf(errs, sizeof(errs), "%llu", (unsigned long long)t->errors);
		else
			snprintf(errs, sizeof(errs), "?");
		fprintf(f, "%-40s %10llu %8s %14s %14s %14s %14s\n", funcs[fi].name,
			(unsigned long long)t->calls, errs,
			t->calls ? p50 : "-", t->calls ? p90 : "-", t->calls ? p99 : "-",
			t->calls ? mx : "-");
	}
	free(rows);
}

/* Rows lo..hi of one function's histogram, bars scaled to the largest count, top. */
static void print_hist_rows(const uint64_t *hist, int lo, int hi, uint64_t top, FILE *f)
{
	int k, slot;

	fprintf(f, "%24s : %-10s distribution\n", "nsecs", "count");
	for (slot = lo; slot <= hi; slot++) {
		uint64_t from = slot ? 1ULL << (slot - 1) : 0, to = slot_top(slot);
		int bar = (int)(hist[slot] * 40 / top);
		char range[48];

		snprintf(range, sizeof(range), "%llu -> %llu", (unsigned long long)from,
			 (unsigned long long)to);
		fprintf(f, "%24s : %-10llu |", range, (unsigned long long)hist[slot]);
		for (k = 0; k < 40; k++)
			fputc(k < bar ? '*' : ' ', f);
		fprintf(f, "|\n");
	}
}

/*
 * {"hist":"main.f","buckets":[{"from_ns":1024,"to_ns":2047,"count":3},...]}:
 * the rows the text shows (lowest to highest slot with calls, empty ones
 * between included), [] for no calls
 */
static int hist_json(struct sbuf *b, const char *name, const char *when, const uint64_t *hist,
		     int lo, int hi)
{
	int slot, err;

	err = sbuf_puts(b, "{\"hist\":");
	err = err ?: json_quote(b, name, strlen(name));
	err = err ?: sbuf_printf(b, ",\"time\":\"%s\"", when);
	err = err ?: sbuf_puts(b, ",\"buckets\":[");
	for (slot = lo; !err && slot <= hi; slot++) {
		err = sbuf_puts(b, slot > lo ? ",{\"from_ns\":" : "{\"from_ns\":");
		err = err ?: json_u64(b, slot ? 1ULL << (slot - 1) : 0);
		err = err ?: sbuf_puts(b, ",\"to_ns\":") ?: json_u64(b, slot_top(slot));
		err = err ?: sbuf_puts(b, ",\"count\":") ?: json_u64(b, hist[slot]);
		err = err ?: sbuf_puts(b, "}");
	}
	return err ?: sbuf_puts(b, "]");
}

void call_stats__print_hist(struct call_stats *s, const struct ga_func *funcs, bool json, FILE *f)
{
	struct sbuf b = {};
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int slot;

	/* the wall time the counts run to, as bcc's funclatency -T (JSON: UTC, RFC 3339) */
	if (json) {
		gmtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	} else {
		localtime_r(&now, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(f, "\n%s\n", when);
	}

	for (i = 0; i < s->nfuncs; i++) {
		struct func_stats *st = &s->fs[i];
		uint64_t hist[GA_HIST_SLOTS], top = 0;
		int lo = GA_HIST_SLOTS, hi = -1;

		/* since the last print: the totals less what was printed then */
		for (slot = 0; slot < GA_HIST_SLOTS; slot++) {
			hist[slot] = st->total.hist[slot] - st->printed[slot];
			st->printed[slot] = st->total.hist[slot];
			if (!hist[slot])
				continue;
			lo = slot < lo ? slot : lo;
			hi = slot;
			top = hist[slot] > top ? hist[slot] : top;
		}
		if (json) {
			print_json_line(&b, hist_json(&b, funcs[i].name, when, hist, lo, hi), "--hist", f);
			continue;
		}
		fprintf(f, "\n%s\n", funcs[i].name);
		if (hi < 0)
			fprintf(f, "     (no calls)\n");
		else
			print_hist_rows(hist, lo, hi, top, f);
	}
	sbuf_free(&b);
	fflush(f);
}

void call_stats__print_ended(const struct call_stats *s, FILE *f)
{
	size_t i;
	bool any = false;

	for (i = 0; i < ARRAY_SIZE(s->ended) && s->ended[i].reason; i++) {
		fprintf(f, "%s %llu %s", any ? "," : "goattach: calls that never returned:",
			(unsigned long long)s->ended[i].n, s->ended[i].reason);
		any = true;
	}
	if (any)
		fputc('\n', f);
}
