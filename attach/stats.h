/* SPDX-License-Identifier: MIT */
/*
 * Summaries of the calls traced, per function: counts, errors and
 * latency percentiles (--stats), log2 latency histograms (--hist), read
 * from BPF's per-function aggregates; and the calls that never returned
 * by why.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

struct call_stats;
struct ga_agg;

/* For nfuncs functions. NULL, errno. */
struct call_stats *call_stats__new(size_t nfuncs);
void call_stats__free(struct call_stats *s);

/*
 * The totals so far from agg_fd, the per-CPU array of struct ga_agg
 * indexed by function (summed over CPUs; max of the CPUs' max). 0, -errno.
 */
int call_stats__read(struct call_stats *s, int agg_fd);
/* Or, counting from events: a completed call of function func (an index below nfuncs). */
void call_stats__add(struct call_stats *s, size_t func, uint64_t latency_ns, bool error);
/* Function func's totals (last read, or added), borrowed from s until the next read. */
const struct ga_agg *call_stats__total(const struct call_stats *s, size_t func);
/* Its results are known, so its error count means something ("?" / null otherwise, never 0). */
bool stats_errors_known(const struct ga_func *f);
/* A call that never returned; reason is borrowed for the life of s. */
void call_stats__add_ended(struct call_stats *s, const char *reason);

/*
 * The --stats table of the totals (last read, or added), funcs[i] naming function i:
 * a text table (most calls first, then by name; latencies in us), or a JSON line each. Percentiles are the upper bound of
 * their log2 bucket (at most the max): not below the true value, within 2x.
 */
void call_stats__print_plain(struct call_stats *s, const struct ga_func *funcs, FILE *f);
void call_stats__print_json(struct call_stats *s, const struct ga_func *funcs, FILE *f);
/*
 * The local time, then each function's histogram since the last print:
 * drawn as bcc's tools do after a "15:04:05" line, or (json) as one JSON
 * line each: {"hist": name, "time": "2024-05-01T15:04:05Z", "buckets": [...]}.
 */
void call_stats__print_hist(struct call_stats *s, const struct ga_func *funcs, bool json, FILE *f);
/* One line with the never-returned counts by reason, if any. */
void call_stats__print_ended(const struct call_stats *s, FILE *f);
