// SPDX-License-Identifier: MIT
/* Multi-uprobe links by the raw bpf syscall, and whether the kernel has them (see links.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <sys/syscall.h>

#include <bpf/bpf.h>

#include "links.h"
#include "util.h"

/*
 * union bpf_attr's link_create for BPF_TRACE_UPROBE_MULTI, as
 * include/uapi/linux/bpf.h has it since 6.6 (the installed uapi headers
 * may predate it). The kernel treats bytes past the size we pass as zero;
 * path_fd (2026) follows pid and is used only with its flag.
 */
struct links_uprobe_multi_attr {
	uint32_t prog_fd;
	uint32_t target_fd;
	uint32_t attach_type;
	uint32_t flags;
	uint64_t path;
	uint64_t offsets;
	uint64_t ref_ctr_offsets;
	uint64_t cookies;
	uint32_t cnt;
	uint32_t um_flags;	/* BPF_F_UPROBE_MULTI_RETURN: never set here */
	uint32_t pid;
};

_Static_assert(offsetof(struct links_uprobe_multi_attr, path) == 16, "uprobe_multi.path");
_Static_assert(offsetof(struct links_uprobe_multi_attr, cnt) == 48, "uprobe_multi.cnt");
_Static_assert(offsetof(struct links_uprobe_multi_attr, pid) == 56, "uprobe_multi.pid");

static int link_create(int prog_fd, const char *path, const unsigned long *offsets,
		       const uint64_t *cookies, size_t cnt, uint32_t pid)
{
	struct links_uprobe_multi_attr attr;
	int fd;

	if (cnt > UINT32_MAX)
		return -E2BIG;
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = prog_fd;
	attr.attach_type = LINKS_TRACE_UPROBE_MULTI;
	attr.path = (uint64_t)(uintptr_t)path;
	attr.offsets = (uint64_t)(uintptr_t)offsets;
	attr.cookies = (uint64_t)(uintptr_t)cookies;
	attr.cnt = cnt;
	attr.pid = pid;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

bool links_have_uprobe_multi(bool need_pid, const char **why)
{
	LIBBPF_OPTS(bpf_prog_load_opts, load_opts, .expected_attach_type = LINKS_TRACE_UPROBE_MULTI);
	/* r0 = 0; exit */
	const struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 },
		{ .code = 0x95 },
	};
	unsigned long offset = 0;
	int prog_fd, fd;
	bool ok = false;

	prog_fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, ARRAY_SIZE(insns), &load_opts);
	if (prog_fd < 0) {
		*why = errno == EPERM || errno == EACCES ?
			       "no permission to load the test program" :
			       "the kernel refuses a program of attach type BPF_TRACE_UPROBE_MULTI "
			       "(before 6.6)";
		return false;
	}
	/* "/" is no file to probe: EBADF where the attach type exists, EINVAL before */
	fd = link_create(prog_fd, "/", &offset, NULL, 1, 0);
	if (fd >= 0)
		close(fd);
	if (fd != -EBADF) {
		*why = "the kernel has no multi-uprobe links (BPF_TRACE_UPROBE_MULTI, 6.6+)";
		goto out_close_prog;
	}
	/* the fix checks the pid (-1: none) before the path; the thread filter after */
	if (need_pid) {
		fd = link_create(prog_fd, "/", &offset, NULL, 1, (uint32_t)-1);
		if (fd >= 0)
			close(fd);
		if (fd != -EINVAL) {
			*why = "this kernel's multi-uprobe links filter --pid by thread, not process "
			       "(6.6 to 6.9, before commit 46ba0e49b642)";
			goto out_close_prog;
		}
	}
	ok = true;
out_close_prog:
	close(prog_fd);
	return ok;
}

int links_uprobe_multi_create(int prog_fd, const char *path, const unsigned long *offsets,
			      const uint64_t *cookies, size_t cnt, pid_t pid)
{
	return link_create(prog_fd, path, offsets, cookies, cnt, pid > 0 ? (uint32_t)pid : 0);
}
