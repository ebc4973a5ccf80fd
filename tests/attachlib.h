/* SPDX-License-Identifier: MIT */
/*
 * What the goattach suites (test_values, test_lifecycle, test_safety,
 * test_cli) share: the samples indexed once per suite, goattach started
 * and stopped, its JSON lines read back. Linked into every suite; only
 * the goattach ones use it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

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

/*
 * The uprobes process pid holds through multi-uprobe BPF links, as the
 * kernel reports them (BPF_OBJ_GET_INFO_BY_FD on each link named in
 * /proc/pid/fdinfo; kernel 6.8+ fills it). `bpftool perf list` shows only
 * perf-event links, and Debian's bpftool 7.1 no uprobe_multi link info.
 */
struct held_uprobes {
	uint32_t link_ids[16];
	size_t nlinks;
	uint64_t *offsets;	/* every link's, in link order; free with held_uprobes_free */
	size_t noffsets;
	bool any_return;	/* some link has BPF_F_UPROBE_MULTI_RETURN: a uretprobe */
	char path[4096];	/* the last link's binary */
};

/* 0, or -errno after a line saying what could not be read. */
int held_uprobes_read(pid_t pid, struct held_uprobes *h);
void held_uprobes_free(struct held_uprobes *h);
/* How many of the ids still name a BPF link (walked with bpf_link_get_next_id). */
int bpf_links_alive(const uint32_t *ids, size_t n);
/* How many of the file offsets the sqlite query on db returns are in offs (each counted once). */
int offsets_in(const uint64_t *offs, size_t n, const char *db, const char *query);

/*
 * The program's own lines "main.f(...) = (...)" in out, each looked for
 * in one of goattach's ("TIME pid=N goid=N main.f(...) = (...) LATENCY");
 * *n: how many the program printed (a VM console's \r\n taken as \n).
 * Returns how many goattach printed alike; says the others.
 */
int lines_as_program(const char *out, const char *func, int *n);
