/* SPDX-License-Identifier: MIT */
/*
 * How goattach's uprobes reach the kernel: one multi-uprobe link
 * (BPF_TRACE_UPROBE_MULTI, kernel 6.6+) for every probe where the kernel
 * has them, attached and released in one call and one RCU grace period;
 * else the perf-event link of each probe (libbpf's), which costs a grace
 * period per probe on release (~0.13 s each). libbpf 1.1 has no wrapper
 * for the multi link, so the uapi layout lives here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The attach type the BPF program must be loaded with to be used in a
 * multi-uprobe link (it then cannot be attached by perf event): enum
 * bpf_attach_type's BPF_TRACE_UPROBE_MULTI of include/uapi/linux/bpf.h.
 */
#define LINKS_TRACE_UPROBE_MULTI 48

/*
 * Whether this kernel creates multi-uprobe links, asked with a trivial
 * program (as libbpf 1.3's probe_uprobe_multi_link): a link on "/" fails
 * with EBADF where they exist. With need_pid, also that the link's pid
 * filters by process: 6.6 to 6.9 filtered by thread (fixed by kernel
 * commit 46ba0e49b642, "bpf: fix multi-uprobe PID filtering logic"),
 * which would miss every thread but the main one. On false, *why says
 * (borrowed, static) why not.
 */
bool links_have_uprobe_multi(bool need_pid, const char **why);

/*
 * One multi-uprobe link of prog_fd on the cnt file offsets of path, probe
 * i with attach cookie cookies[i]; plain uprobes (never a return probe),
 * in process pid only when pid > 0. The link's fd, or a negative errno.
 * Closing the fd (or the process ending, even by kill -9) removes them all.
 */
int links_uprobe_multi_create(int prog_fd, const char *path, const unsigned long *offsets,
			      const uint64_t *cookies, size_t cnt, pid_t pid);
