// SPDX-License-Identifier: MIT
/* Privileges, task_struct offsets and BPF counters (see kernel.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/capability.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kernel.h"
#include "log.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

int kernel_check_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	const char *missing = NULL;

	if (access("/sys/bus/event_source/devices/uprobe/type", R_OK) && errno == ENOENT) {
		pr_warn("attach: this kernel has no uprobe events (CONFIG_UPROBE_EVENTS; "
			"/sys/bus/event_source/devices/uprobe is absent)");
		return -EOPNOTSUPP;
	}
	if (syscall(SYS_capget, &hdr, data))
		return 0;	/* let the kernel decide */
	if (has_cap(data, CAP_SYS_ADMIN))
		return 0;
	if (!has_cap(data, CAP_BPF) && !has_cap(data, CAP_PERFMON))
		missing = "CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)";
	else if (!has_cap(data, CAP_BPF))
		missing = "CAP_BPF (or CAP_SYS_ADMIN)";
	else if (!has_cap(data, CAP_PERFMON))
		missing = "CAP_PERFMON (or CAP_SYS_ADMIN)";
	if (!missing)
		return 0;
	pr_warn("attach: no permission to trace: this process lacks %s; run as root, or "
		"setcap cap_bpf,cap_perfmon+ep goattach", missing);
	return -EPERM;
}

/* Byte offset of member name in struct type id, and the member's type; -1 if absent. */
static long member_off(const struct btf *btf, __u32 id, const char *name, __u32 *type)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;
	int i;

	if (!t || !btf_is_struct(t))
		return -1;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		if (type)
			*type = m->type;
		return btf_member_bit_offset(t, i) / 8;
	}
	return -1;
}

int kernel_task_offsets(struct kernel_task_offsets *out)
{
	struct btf *btf = btf__load_vmlinux_btf();
	long thread, fs, gs, tls;
	__s32 task;
	__u32 tt = 0;
	int err = 0;

	if (!btf) {
		pr_warn("bpf: cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): needed to find "
			"g in TLS for ABI0 or 386 code");
		return -ENOENT;
	}
	task = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	thread = task > 0 ? member_off(btf, task, "thread", &tt) : -1;
	fs = thread >= 0 ? member_off(btf, tt, "fsbase", NULL) : -1;
	gs = thread >= 0 ? member_off(btf, tt, "gsindex", NULL) : -1;
	tls = thread >= 0 ? member_off(btf, tt, "tls_array", NULL) : -1;
	if (fs < 0 || gs < 0 || tls < 0) {
		pr_warn("bpf: task_struct.thread.{fsbase,gsindex,tls_array} not in the kernel's BTF");
		err = -ENOENT;
	} else {
		out->fsbase = thread + fs;
		out->gsindex = thread + gs;
		out->tls_array = thread + tls;
	}
	btf__free(btf);
	return err;
}

uint64_t kernel_percpu_sum(int map_fd, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals, sum = 0;
	int i;

	if (ncpu <= 0)
		return 0;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map_lookup_elem(map_fd, &idx, vals))
		for (i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}
