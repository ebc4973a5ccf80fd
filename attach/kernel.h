/* SPDX-License-Identifier: MIT */
/*
 * What goattach asks of the running kernel: the privileges tracing needs,
 * where task_struct keeps a thread's TLS (from the kernel's BTF), and the
 * per-CPU counters of the BPF program.
 */
#pragma once

#include <stdint.h>

/*
 * Say what is missing before libbpf tries: loading needs CAP_BPF (or
 * CAP_SYS_ADMIN), uprobes on perf events CAP_PERFMON (or CAP_SYS_ADMIN);
 * and the kernel must have uprobe events at all. 0, -EPERM or -EOPNOTSUPP
 * after one line saying what to do.
 */
int kernel_check_privileges(void);

/* Offsets in task_struct of thread.fsbase, thread.gsindex and thread.tls_array. */
struct kernel_task_offsets {
	uint32_t fsbase;
	uint32_t gsindex;
	uint32_t tls_array;
};

/*
 * Read them from the running kernel's BTF (/sys/kernel/btf/vmlinux): only
 * for code that keeps g in TLS (amd64 ABI0, 386), since that costs about
 * 0.1 s. 0 or -ENOENT after a message.
 */
int kernel_task_offsets(struct kernel_task_offsets *out);

/* The sum over CPUs of slot idx of a per-CPU array of u64 counters (0 if unreadable). */
uint64_t kernel_percpu_sum(int map_fd, uint32_t idx);
