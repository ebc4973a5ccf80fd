/* SPDX-License-Identifier: MIT */
/*
 * Calls in flight that will never return: found by reading the traced
 * process's memory (its goroutine's g) and the BPF maps, reported once
 * each with why, and removed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "goattach.h"
#include "output.h"
#include "probes.h"

/*
 * Is the call in rec over although no exit was seen? Where the target
 * can be read: its process is gone; its g now runs another goroutine, or
 * none; or its goroutine is parked with its stack shallower than the
 * call's frame. The reason, or NULL while it may still be running. gs
 * (optional) is what BPF saw of panics and Goexit on its goroutine.
 */
const char *calls_dead_reason(const struct probe_plan *plan, const struct ga_call_key *key,
			      const struct ga_call *rec, const struct ga_gstate *gs);

/*
 * Walk the calls map (calls_fd, with gstates_fd): report each call found
 * dead to out and drop it; with final, the rest are "running at detach".
 * Returns how many were in flight; out NULL only counts them.
 */
size_t calls_sweep(int calls_fd, int gstates_fd, const struct probe_plan *plan, struct output *out,
		   bool final);

/*
 * Drop the calls in flight of the functions marked in dropped (nfuncs
 * long): their exits are no longer probed. Returns how many went.
 */
size_t calls_forget(int calls_fd, const bool *dropped, size_t nfuncs);
