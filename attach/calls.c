// SPDX-License-Identifier: MIT
/* Calls that never return (see calls.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "calls.h"
#include "goruntime.h"
#include "util.h"

/* Read n bytes of process pid at addr (root reads any process's memory). */
static int read_mem(pid_t pid, uint64_t addr, void *buf, size_t n)
{
	char path[64];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = pread(fd, buf, n, (off_t)addr);
	close(fd);
	return r == (ssize_t)n ? 0 : -EIO;
}

/* Read a pointer-sized word of the target (4 bytes on 386). */
static int read_word(pid_t pid, uint64_t addr, int ps, uint64_t *out)
{
	*out = 0;
	if (read_mem(pid, addr, out, ps))
		return -EIO;
	if (ps == 4)
		*out &= 0xffffffffu;
	return 0;
}

const char *calls_dead_reason(const struct probe_plan *plan, const struct ga_call_key *key,
			      const struct ga_call *rec, const struct ga_gstate *gs)
{
	bool panicked = gs && gs->panic_ts > rec->ts, exited = gs && gs->goexit_ts > rec->ts;
	int ps = ga_ptr_size(plan->build.arch);
	struct go_g_layout gl;
	uint64_t goid = 0, hi = 0, sp = 0;
	uint32_t status = 0;

	if (kill(key->pid, 0) && errno == ESRCH)
		return panicked ? "panic" : exited ? "Goexit" : "process exited";
	go_g_layout(&plan->build, &gl);
	if (gl.goid_off < 0 || gl.status_off < 0 || read_mem(key->pid, key->g + gl.goid_off, &goid, 8) ||
	    read_mem(key->pid, key->g + gl.status_off, &status, 4))
		return NULL;
	status &= ~GO_G_STATUS_SCAN;
	if (goid != rec->goid || status == GO_G_STATUS_DEAD)
		return exited ? "Goexit" : panicked ? "panic" : "goroutine ended";
	if (status != GO_G_STATUS_RUNNABLE && status != GO_G_STATUS_WAITING &&
	    status != GO_G_STATUS_PREEMPTED)
		return NULL;
	if (read_word(key->pid, key->g + gl.stack_hi_off, ps, &hi) ||
	    read_word(key->pid, key->g + gl.sched_sp_off, ps, &sp))
		return NULL;
	if (!sp || hi <= sp || hi - sp >= key->frame)
		return NULL;
	return panicked ? "panic" : exited ? "Goexit" : "unwound";
}

/* Every key of the calls map, at once: deleting while walking would skip some. */
static size_t collect_keys(int calls_fd, struct ga_call_key **keys)
{
	struct ga_call_key key, next;
	size_t n = 0, cap = 0;
	void *prev = NULL;

	*keys = NULL;
	while (!bpf_map_get_next_key(calls_fd, prev, &next)) {
		if (ga_ensure_mem((void **)keys, &cap, n + 1, sizeof(**keys)))
			break;
		(*keys)[n++] = next;
		key = next;
		prev = &key;
	}
	return n;
}

size_t calls_sweep(int calls_fd, int gstates_fd, const struct probe_plan *plan, struct output *out,
		   bool final)
{
	struct ga_call_key *keys;
	struct ga_call *rec = malloc(sizeof(*rec)), *now = malloc(sizeof(*now));
	size_t n, i;

	if (!rec || !now) {
		free(rec);
		free(now);
		return 0;
	}
	n = collect_keys(calls_fd, &keys);
	/* no output: only count them */
	for (i = 0; out && i < n; i++) {
		struct ga_gstate_key gk = { .g = keys[i].g, .pid = keys[i].pid };
		struct ga_gstate gs = {};
		const char *why;
		bool have_gs;

		if (bpf_map_lookup_elem(calls_fd, &keys[i], rec))
			continue;
		have_gs = !bpf_map_lookup_elem(gstates_fd, &gk, &gs);
		why = calls_dead_reason(plan, &keys[i], rec, have_gs ? &gs : NULL);
		if (!why && final)
			why = "running at detach";
		if (!why)
			continue;
		/*
		 * The call may have returned since the lookup (its exit was
		 * reported, the goroutine moved on: that is what was judged):
		 * report only a record taken out unchanged; a newer call's is
		 * put back.
		 */
		if (bpf_map_lookup_and_delete_elem(calls_fd, &keys[i], now))
			continue;
		if (now->ts != rec->ts) {
			bpf_map_update_elem(calls_fd, &keys[i], now, BPF_NOEXIST);
			continue;
		}
		output__ended(out, &keys[i], rec, why);
	}
	free(keys);
	free(rec);
	free(now);
	return n;
}

size_t calls_forget(int calls_fd, const bool *dropped, size_t nfuncs)
{
	struct ga_call_key *keys;
	size_t n = collect_keys(calls_fd, &keys), i, gone = 0;

	for (i = 0; i < n; i++) {
		if (keys[i].func_id < nfuncs && dropped[keys[i].func_id] &&
		    !bpf_map_delete_elem(calls_fd, &keys[i]))
			gone++;
	}
	free(keys);
	return gone;
}
