// SPDX-License-Identifier: MIT
/* --max-rate: per-function entry rates from BPF, and the hottest to give up (valve.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "valve.h"

int valve__init(struct valve *v, size_t nfuncs, uint64_t max_rate, double now)
{
	int ncpus = libbpf_num_possible_cpus();

	*v = (struct valve){ .max_rate = max_rate, .nfuncs = nfuncs, .t_last = now };
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	v->ncpus = ncpus;
	v->seen = calloc(nfuncs ? nfuncs : 1, sizeof(*v->seen));
	v->rate = calloc(nfuncs ? nfuncs : 1, sizeof(*v->rate));
	v->dropped = calloc(nfuncs ? nfuncs : 1, sizeof(*v->dropped));
	v->percpu = calloc(ncpus, sizeof(*v->percpu));
	if (!v->seen || !v->rate || !v->dropped || !v->percpu) {
		valve__clear(v);
		return -ENOMEM;
	}
	return 0;
}

void valve__clear(struct valve *v)
{
	free(v->seen);
	free(v->rate);
	free(v->dropped);
	free(v->percpu);
	*v = (struct valve){};
}

struct func_rate {
	uint64_t rate;
	size_t idx;
};

/* Hottest first; equal rates in function order, so the choice is stable. */
static int cmp_rate_desc(const void *a, const void *b)
{
	const struct func_rate *x = a, *y = b;

	if (x->rate != y->rate)
		return x->rate < y->rate ? 1 : -1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

size_t valve_choose(const uint64_t *rates, const bool *dropped, size_t n, uint64_t limit,
		    size_t *order)
{
	struct func_rate *fr = calloc(n ? n : 1, sizeof(*fr));
	uint64_t total = 0;
	size_t live = 0, k = 0, i;

	if (!fr)
		return 0;
	for (i = 0; i < n; i++) {
		if (dropped[i])
			continue;
		fr[live++] = (struct func_rate){ .rate = rates[i], .idx = i };
		total += rates[i];
	}
	qsort(fr, live, sizeof(*fr), cmp_rate_desc);
	while (total > limit && k < live) {
		order[k] = fr[k].idx;
		total -= fr[k++].rate;
	}
	free(fr);
	return k;
}

int valve__check(struct valve *v, int hits_fd, double now, double period, size_t *drop,
		 uint64_t *total)
{
	double dt = now - v->t_last;
	size_t i, n;
	int c;

	*total = 0;
	if (dt < period)
		return 0;
	for (i = 0; i < v->nfuncs; i++) {
		__u32 key = i;
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(hits_fd, &key, v->percpu))
			return -errno;
		for (c = 0; c < v->ncpus; c++)
			sum += v->percpu[c];
		v->rate[i] = (uint64_t)((sum - v->seen[i]) / dt + 0.5);
		v->seen[i] = sum;
		if (!v->dropped[i])
			*total += v->rate[i];
	}
	v->t_last = now;
	if (!v->max_rate || *total <= v->max_rate)
		return 0;
	n = valve_choose(v->rate, v->dropped, v->nfuncs, v->max_rate, drop);
	for (i = 0; i < n; i++)
		v->dropped[drop[i]] = true;
	return n;
}
