/* SPDX-License-Identifier: MIT */
/*
 * --metrics ADDR:PORT: /metrics in the Prometheus text format (0.0.4),
 * served over plain HTTP/1.1 by a thread of its own from BPF's
 * per-function aggregates and counters, so no client can stall tracing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "probes.h"

struct metrics_server;

/* What the metrics are read from, all borrowed for the server's life. */
struct metrics_source {
	int agg_fd;		/* aggs: per-CPU struct ga_agg, keyed by function index */
	int stats_fd;		/* stats: per-CPU counters, keyed by enum ga_stat */
	const struct probe_plan *plan;	/* function i's name; which have an error result */
};

/*
 * ADDR:PORT, an IPv4 literal or an IPv6 one in brackets (127.0.0.1:9464,
 * [::1]:9464), PORT 1 to 65535; no names, no wildcard default. 0 and the
 * address, or -EINVAL and why (a static string).
 */
int metrics_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len,
		       const char **why);

/*
 * Bound to addr exactly and listening, not yet serving. NULL and errno
 * after a line saying why (address in use, not an address of this host).
 */
struct metrics_server *metrics_server__listen(const char *addr);
/* Serve /metrics from src in a thread until __free. 0, -errno. */
int metrics_server__start(struct metrics_server *m, const struct metrics_source *src);
/* goattach_probes: the probes attached now (safe from any thread). */
void metrics_server__set_probes(struct metrics_server *m, size_t nprobes);
/* Stop the thread, close every socket. Accepts NULL. */
void metrics_server__free(struct metrics_server *m);

/* The exposition of src (probes attached: nprobes) into f. 0, -errno. */
int metrics_write(FILE *f, const struct metrics_source *src, size_t nprobes);
