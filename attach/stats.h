/* SPDX-License-Identifier: MIT */
/*
 * Summaries of the calls traced, per function: counts, errors and
 * latency percentiles (--stats), log2 latency histograms (--hist), and
 * the calls that never returned by why.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

struct call_stats;

/* For nfuncs functions; keep_latencies: every latency, for --stats percentiles. NULL, errno. */
struct call_stats *call_stats__new(size_t nfuncs, bool keep_latencies);
void call_stats__free(struct call_stats *s);

/* A completed call of function func (an index below nfuncs). */
void call_stats__add(struct call_stats *s, size_t func, uint64_t latency_ns, bool error);
/* A call that never returned; reason is borrowed for the life of s. */
void call_stats__add_ended(struct call_stats *s, const char *reason);

/* The --stats table, funcs[i] naming function i: a text table, or a JSON line each. */
void call_stats__print_plain(struct call_stats *s, const struct ga_func *funcs, FILE *f);
void call_stats__print_json(struct call_stats *s, const struct ga_func *funcs, FILE *f);
/* Each function's histogram since the last print, in the terminal as bcc's tools draw them. */
void call_stats__print_hist(struct call_stats *s, const struct ga_func *funcs, FILE *f);
/* One line with the never-returned counts by reason, if any. */
void call_stats__print_ended(const struct call_stats *s, FILE *f);
