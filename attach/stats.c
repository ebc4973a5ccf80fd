// SPDX-License-Identifier: MIT
/* Per-function call summaries: --stats percentiles, --hist histograms, never-returned counts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "format.h"
#include "stats.h"
#include "util.h"

#define HIST_SLOTS 64
#define ENDED_REASONS 8

/* Per traced function: what --stats and --hist print. */
struct func_stats {
	uint64_t count, errors, max;
	uint64_t *lat;		/* every latency, for exact percentiles */
	size_t nlat, cap;
	uint64_t hist[HIST_SLOTS];	/* log2(ns) buckets, since the last print */
};

struct call_stats {
	size_t nfuncs;
	bool keep_latencies;
	struct func_stats *fs;
	struct { const char *reason; uint64_t n; } ended[ENDED_REASONS];
};

struct call_stats *call_stats__new(size_t nfuncs, bool keep_latencies)
{
	struct call_stats *s = calloc(1, sizeof(*s));

	if (!s || !(s->fs = calloc(nfuncs ? nfuncs : 1, sizeof(*s->fs)))) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->nfuncs = nfuncs;
	s->keep_latencies = keep_latencies;
	return s;
}

void call_stats__free(struct call_stats *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nfuncs; i++)
		free(s->fs[i].lat);
	free(s->fs);
	free(s);
}

void call_stats__add(struct call_stats *s, size_t func, uint64_t latency_ns, bool error)
{
	struct func_stats *st = &s->fs[func];
	/* slot k holds [2^(k-1), 2^k - 1]; slot 0 holds 0 */
	int slot = latency_ns ? 64 - __builtin_clzll(latency_ns) : 0;
	void *mem = st->lat;

	st->count++;
	if (latency_ns > st->max)
		st->max = latency_ns;
	if (error)
		st->errors++;
	st->hist[slot < HIST_SLOTS ? slot : HIST_SLOTS - 1]++;
	if (!s->keep_latencies || ga_ensure_mem(&mem, &st->cap, st->nlat + 1, sizeof(*st->lat)))
		return;
	st->lat = mem;
	st->lat[st->nlat++] = latency_ns;
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t percentile(const uint64_t *sorted, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);	/* nearest rank over n-1 gaps */
	return sorted[i < n ? i : n - 1];
}

void call_stats__print_json(struct call_stats *s, const struct ga_func *funcs, FILE *f)
{
	size_t i;

	for (i = 0; i < s->nfuncs; i++) {
		struct func_stats *st = &s->fs[i];
		cJSON *j = cJSON_CreateObject();
		char *line;

		qsort(st->lat, st->nlat, sizeof(*st->lat), cmp_u64);
		cJSON_AddStringToObject(j, "stats", funcs[i].name);
		cJSON_AddNumberToObject(j, "calls", (double)st->count);
		cJSON_AddNumberToObject(j, "errors", (double)st->errors);
		cJSON_AddNumberToObject(j, "p50_ns", (double)percentile(st->lat, st->nlat, 0.50));
		cJSON_AddNumberToObject(j, "p90_ns", (double)percentile(st->lat, st->nlat, 0.90));
		cJSON_AddNumberToObject(j, "p99_ns", (double)percentile(st->lat, st->nlat, 0.99));
		cJSON_AddNumberToObject(j, "max_ns", (double)st->max);
		line = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
		if (line)
			fprintf(f, "%s\n", line);
		free(line);
	}
}

void call_stats__print_plain(struct call_stats *s, const struct ga_func *funcs, FILE *f)
{
	char p50[32], p90[32], p99[32], mx[32];
	size_t i;

	fprintf(f, "%-40s %10s %8s %12s %12s %12s %12s\n", "FUNC", "CALLS", "ERRORS", "P50", "P90",
		"P99", "MAX");
	for (i = 0; i < s->nfuncs; i++) {
		struct func_stats *st = &s->fs[i];

		qsort(st->lat, st->nlat, sizeof(*st->lat), cmp_u64);
		format_latency(percentile(st->lat, st->nlat, 0.50), p50, sizeof(p50));
		format_latency(percentile(st->lat, st->nlat, 0.90), p90, sizeof(p90));
		format_latency(percentile(st->lat, st->nlat, 0.99), p99, sizeof(p99));
		format_latency(st->max, mx, sizeof(mx));
		fprintf(f, "%-40s %10llu %8llu %12s %12s %12s %12s\n", funcs[i].name,
			(unsigned long long)st->count, (unsigned long long)st->errors,
			st->count ? p50 : "-", st->count ? p90 : "-", st->count ? p99 : "-",
			st->count ? mx : "-");
	}
}

/* Rows lo..hi of one function's histogram, bars scaled to the largest count, top. */
static void print_hist_rows(const uint64_t *hist, int lo, int hi, uint64_t top, FILE *f)
{
	int k, slot;

	fprintf(f, "%24s : %-10s distribution\n", "nsecs", "count");
	for (slot = lo; slot <= hi; slot++) {
		uint64_t from = slot ? 1ULL << (slot - 1) : 0, to = slot ? (1ULL << slot) - 1 : 0;
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

void call_stats__print_hist(struct call_stats *s, const struct ga_func *funcs, FILE *f)
{
	size_t i;
	int slot;

	for (i = 0; i < s->nfuncs; i++) {
		struct func_stats *st = &s->fs[i];
		uint64_t top = 0;
		int lo = HIST_SLOTS, hi = -1;

		for (slot = 0; slot < HIST_SLOTS; slot++) {
			if (!st->hist[slot])
				continue;
			lo = slot < lo ? slot : lo;
			hi = slot;
			top = st->hist[slot] > top ? st->hist[slot] : top;
		}
		fprintf(f, "\n%s\n", funcs[i].name);
		if (hi < 0)
			fprintf(f, "     (no calls)\n");
		else
			print_hist_rows(st->hist, lo, hi, top, f);
		memset(st->hist, 0, sizeof(st->hist));
	}
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
