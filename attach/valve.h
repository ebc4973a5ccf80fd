/* SPDX-License-Identifier: MIT */
/*
 * --max-rate: how often the traced functions are entered (BPF's per-CPU
 * hits map), and which of the hottest to give up when all together run
 * faster than the limit.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct valve {
	uint64_t max_rate;	/* calls per second over all traced functions; 0: off */
	size_t nfuncs;
	int ncpus;
	uint64_t *seen;		/* per function: entries counted at the last check */
	uint64_t *rate;		/* per function: calls/s over the last period */
	bool *dropped;		/* given up: no longer traced */
	uint64_t *percpu;	/* one hits value per CPU */
	double t_last;
};

int valve__init(struct valve *v, size_t nfuncs, uint64_t max_rate, double now);
void valve__clear(struct valve *v);

/*
 * The functions to give up, hottest first, so that the others together
 * stay at or under limit: rates per function over n (dropped ones
 * skipped). Fills order (room for n) and returns how many; 0 when the
 * total is already under the limit.
 */
size_t valve_choose(const uint64_t *rates, const bool *dropped, size_t n, uint64_t limit,
		    size_t *order);

/*
 * Read hits_fd, the rates since the last check (at least period s ago,
 * else nothing is read: returns 0), and when the total is above
 * max_rate, mark the functions valve_choose() picks as dropped and put
 * them in drop (room for nfuncs). Returns how many, or -errno; *total:
 * the calls/s of all functions traced until now.
 */
int valve__check(struct valve *v, int hits_fd, double now, double period, size_t *drop,
		 uint64_t *total);
