/* SPDX-License-Identifier: MIT */
/* A ring-buffer record of goattach.bpf.c, unpacked into full arguments and results. */
#pragma once

#include <stddef.h>

#include "goattach.h"

/* A traced call as the printers see it: the header's fields, and every word and string. */
struct event {
	unsigned long long ts_entry;
	unsigned long long ts_exit;
	unsigned long long goid;
	unsigned long long g;
	unsigned long long frame;
	unsigned int pid;
	unsigned int tid_entry;
	unsigned int tid_exit;
	unsigned int func_id;
	unsigned int exit_probe;
	unsigned int flags;
	struct ga_vals args;
	struct ga_vals results;	/* zero where not fetched */
	unsigned int nstack;	/* --stack: the entry probe's PC, then return addresses */
	unsigned long long stack[GA_MAX_STACK];
};

/*
 * Unpack the size bytes of a record (struct ga_event and its data) into
 * e. -EINVAL, e untouched, when the record is not consistent: shorter
 * than its header, counts above the limits, or data not the size the
 * counts and lengths add up to.
 */
int event__unpack(struct event *e, const void *rec, size_t size);
