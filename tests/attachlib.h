/* SPDX-License-Identifier: MIT */
/*
 * What the goattach suites (test_values, test_lifecycle, test_safety,
 * test_cli) share: the samples indexed once per suite, goattach started
 * and stopped, its JSON lines read back. Linked into every suite; only
 * the goattach ones use it.
 */
#pragma once

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "test.h"

/* At the top of a test that needs BPF: skip it, saying why, when BPF cannot run here. */
#define REQUIRE_BPF() do { \
	const char *___skip_reason = bpf_unavailable_reason(); \
	if (___skip_reason) { \
		TEST_SKIP("%s", ___skip_reason); \
		return; \
	} } while (0)

/* The goattach suites' TEST_SETUP: says once, up front, when their BPF tests will be skipped. */
void attach_setup(void);

/*
 * The DB of build_dir()/samples/name, indexed into the suite's temp dir
 * on first use (static buffer rotation: use soon).
 */
const char *sample_db(const char *name);
/* build_dir()/samples/name (static buffer rotation: use soon). */
const char *sample_bin(const char *name);
/*
 * The DB of any binary, indexed into the suite's temp dir on first use
 * (static buffer rotation: use soon).
 */
const char *bin_db(const char *bin);

/* Start goattach with args and wait until every probe is attached. */
bool start_goattach(struct bg_proc *p, char **args);
/* Stop goattach with sig (SIGINT for stop_goattach); it must exit 0 and print its summary (asserts). */
void stop_goattach_with(struct bg_proc *p, int sig);
void stop_goattach(struct bg_proc *p);

/* JSON lines of goattach's stdout for func, in order, at most max; free with free_calls. */
int json_calls(const char *out, const char *func, cJSON **calls, int max);
void free_calls(cJSON **calls, int n);

/* o.a (o.a.b when b is set) as a number, -1e300 when it is none. */
double num(cJSON *o, const char *a, const char *b);
/* Element i of the array at o.a, -1e300 when it is no number. */
double elem(cJSON *o, const char *a, int i);
/* o.a (o.a.b when b is set) as a string borrowed from o, NULL when it is none. */
const char *str(cJSON *o, const char *a, const char *b);
