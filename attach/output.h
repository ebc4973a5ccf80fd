/* SPDX-License-Identifier: MIT */
/* Events to one line each, text or JSON Lines (paired printers), and the summaries. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "event.h"
#include "goattach.h"
#include "probes.h"
#include "stack.h"

struct output;

/* What to print: every call, and/or summaries. */
struct output_opts {
	bool json;
	bool quiet;	/* no line per call (--stats / --hist alone) */
	bool stats;	/* per function: count, errors, p50/p90/p99/max at the end */
	bool hist;	/* per function: log2 latency histogram */
	bool aggregated;	/* --stats/--hist counted in BPF (the aggs map), not from events */
	unsigned int stack;	/* --stack=N: show N frames at most; 0: none */
	const struct stack_syms *syms;	/* names for the frames (borrowed; set with stack) */
};

struct output *output__new(const struct probe_plan *plan, const struct output_opts *opts, FILE *out);
void output__free(struct output *o);
/*
 * One event from BPF: a completed call, or (GA_EV_UNWOUND) a call found
 * dead. Returns 1 for a completed call that was reported, 0 otherwise.
 */
int output__event(struct output *o, const struct event *e);
/* A call that never returned, with why ("panic", "Goexit", "running at detach", ...). */
void output__ended(struct output *o, const struct ga_call_key *key, const struct ga_call *call,
		   const char *reason);
/*
 * Latency histograms per function since the last print, for --hist and
 * --interval; agg_fd: BPF's per-function aggregates (the aggs map), read
 * when opts.aggregated.
 */
void output__print_hist(struct output *o, int agg_fd, FILE *f);
/* The --stats table from agg_fd (a JSON line per function with --json). */
void output__print_stats(struct output *o, int agg_fd, FILE *f);
/* The never-returned counts by reason, one line, if there were any. */
void output__print_ended(struct output *o, FILE *f);
