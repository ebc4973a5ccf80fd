// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One program serves every probe: the attach cookie indexes a spec that
 * says what the probe is (entry or exit of which function) and which
 * machine words to fetch. Calls are paired per goroutine (the g pointer)
 * and per recursion depth, never per thread.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "goattach.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GA_MAX_PROBES);
	__type(key, __u32);
	__type(value, struct ga_probe_spec);
} probes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GA_MAX_CALLS);
	__type(key, struct ga_depth_key);
	__type(value, __u32);
} depths SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GA_MAX_CALLS);
	__type(key, struct ga_call_key);
	__type(value, struct ga_call);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ga_call);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GA_MAX_GSTATES);
	__type(key, struct ga_gstate_key);
	__type(value, struct ga_gstate);
} gstates SEC(".maps");

/* --min-latency: completed calls faster than this are counted, not sent */
const volatile __u64 min_latency_ns = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GA_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, GA_RINGBUF_SIZE);
} events SEC(".maps");

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		(*v)++;
}

/* DWARF register numbers of x86-64 (System V psABI). */
static __always_inline __u64 read_reg64(struct pt_regs *ctx, __u8 reg)
{
	switch (reg) {
	case 0: return ctx->ax;
	case 1: return ctx->dx;
	case 2: return ctx->cx;
	case 3: return ctx->bx;
	case 4: return ctx->si;
	case 5: return ctx->di;
	case 6: return ctx->bp;
	case 7: return ctx->sp;
	case 8: return ctx->r8;
	case 9: return ctx->r9;
	case 10: return ctx->r10;
	case 11: return ctx->r11;
	case 12: return ctx->r12;
	case 13: return ctx->r13;
	case 14: return ctx->r14;
	case 15: return ctx->r15;
	default: return 0;
	}
}

/* DWARF register numbers of i386; a 32-bit task's registers sit in the same pt_regs. */
static __always_inline __u64 read_reg32(struct pt_regs *ctx, __u8 reg)
{
	switch (reg) {
	case 0: return (__u32)ctx->ax;
	case 1: return (__u32)ctx->cx;
	case 2: return (__u32)ctx->dx;
	case 3: return (__u32)ctx->bx;
	case 4: return (__u32)ctx->sp;
	case 5: return (__u32)ctx->bp;
	case 6: return (__u32)ctx->si;
	case 7: return (__u32)ctx->di;
	default: return 0;
	}
}

/*
 * A 386 task's GS selector names one of its set_thread_area() slots; the
 * slot's descriptor holds the base. No MSR to read: the kernel keeps the
 * descriptors in the task (tls_array), current for a running task.
 */
static __always_inline __u64 gs_base_386(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u16 sel = BPF_CORE_READ(task, thread.gsindex);
	__u32 idx = (sel >> 3) - GA_GDT_ENTRY_TLS_MIN;
	__u8 d[8];

	if (idx >= GA_GDT_ENTRY_TLS_ENTRIES)
		idx = 0;	/* not saved yet: Go's threads all use the first slot */
	if (bpf_probe_read_kernel(d, sizeof(d), &task->thread.tls_array[idx]))
		return 0;
	/* base 15:0 in bytes 2-3, 23:16 in byte 4, 31:24 in byte 7 */
	return (__u64)d[2] | (__u64)d[3] << 8 | (__u64)d[4] << 16 | (__u64)d[7] << 24;
}

static __always_inline __u64 read_g(struct pt_regs *ctx, const struct ga_probe_spec *spec)
{
	struct task_struct *task;
	__u64 fsbase, g = 0;
	__u32 tls = 0, g32 = 0;

	switch (spec->g_src) {
	case GA_G_R14:
		return ctx->r14;
	case GA_G_TLS_FS:
		task = bpf_get_current_task_btf();
		fsbase = BPF_CORE_READ(task, thread.fsbase);
		if (bpf_probe_read_user(&g, sizeof(g), (void *)(fsbase + spec->tls_g_off)))
			return 0;
		return g;
	case GA_G_TLS_GS:
		/* MOVL 0(GS), CX; MOVL tls_g_off(CX), CX */
		fsbase = gs_base_386();
		if (!fsbase || bpf_probe_read_user(&tls, sizeof(tls), (void *)fsbase))
			return 0;
		if (bpf_probe_read_user(&g32, sizeof(g32), (void *)(__u64)(__u32)(tls + spec->tls_g_off)))
			return 0;
		return g32;
	default:
		return 0;
	}
}

static __always_inline void fetch(struct pt_regs *ctx, const struct ga_probe_spec *spec,
				  struct ga_vals *v)
{
	__u64 sp = ctx->sp;
	int i;

	for (i = 0; i < GA_MAX_WORDS; i++) {
		const struct ga_fetch *f = &spec->words[i];
		__u64 val = 0;

		if (i >= spec->nwords)
			break;
		if (f->src == GA_SRC_REG)
			val = spec->ptr_size == 4 ? read_reg32(ctx, f->reg) : read_reg64(ctx, f->reg);
		else if (f->src == GA_SRC_STACK)
			bpf_probe_read_user(&val, sizeof(val), (void *)(sp + (__s64)f->off));
		else if (f->src == GA_SRC_DEREF) {
			__u64 base = v->words[f->reg & (GA_MAX_WORDS - 1)];

			if (base)
				bpf_probe_read_user(&val, sizeof(val), (void *)(base + (__s64)f->off));
		}
		/* only the piece's own bytes (a 386 word is 4; a bool's register has junk above) */
		if (f->size && f->size < 8)
			val &= (1ULL << (f->size * 8)) - 1;
		v->words[i] = val;
	}
	for (i = 0; i < GA_MAX_STRS; i++) {
		const struct ga_strfetch *s = &spec->strs[i];
		__u64 ptr, len;
		__u32 n, shift;
		long rc;

		if (i >= spec->nstrs)
			break;
		ptr = v->words[s->ptr_word & (GA_MAX_WORDS - 1)];
		len = v->words[s->len_word & (GA_MAX_WORDS - 1)];
		if (s->deref) {
			/* an error's message: the value points at a struct starting with a string */
			__u64 hdr[2] = {};
			__u32 hdr32[2] = {};

			if (spec->ptr_size == 4) {
				if (!ptr || bpf_probe_read_user(hdr32, sizeof(hdr32), (void *)ptr)) {
					v->str_len[i] = 0;
					continue;
				}
				hdr[0] = hdr32[0];
				hdr[1] = hdr32[1];
			} else if (!ptr || bpf_probe_read_user(hdr, sizeof(hdr), (void *)ptr)) {
				v->str_len[i] = 0;
				continue;
			}
			ptr = hdr[0];
			len = hdr[1];
		}
		/* bytes to copy: the length in elements scaled, at most GA_STR_LEN */
		shift = s->len_shift & 7;
		n = len >= (GA_STR_LEN >> shift) ? GA_STR_LEN : (len << shift) & (GA_STR_LEN - 1);
		v->str_len[i] = 0;
		if (!ptr || !n)
			continue;
		/* two calls, so the verifier sees a constant or a masked size */
		if (n == GA_STR_LEN)
			rc = bpf_probe_read_user(v->strs[i], GA_STR_LEN, (void *)ptr);
		else
			rc = bpf_probe_read_user(v->strs[i], n & (GA_STR_LEN - 1), (void *)ptr);
		if (!rc)
			v->str_len[i] = n;
	}
}

/* g.stack.hi - SP: where in its goroutine's stack this frame is, whatever the copy. */
static __always_inline __u64 stack_depth(struct pt_regs *ctx, const struct ga_probe_spec *spec, __u64 g)
{
	__u64 hi = 0;
	__u32 hi32 = 0;

	/* runtime.g starts with stack{lo, hi uintptr} */
	if (spec->ptr_size == 4) {
		if (bpf_probe_read_user(&hi32, sizeof(hi32), (void *)(g + 4)))
			return 0;
		hi = hi32;
	} else if (bpf_probe_read_user(&hi, sizeof(hi), (void *)(g + 8))) {
		return 0;
	}
	return hi > ctx->sp ? hi - ctx->sp : 0;
}

/* A call that will never return: tell user space, with why when known. */
static __always_inline void send_unwound(const struct ga_call_key *ckey, struct ga_call *rec,
					 const struct ga_probe_spec *spec)
{
	struct ga_gstate_key gkey = { .g = ckey->g, .pid = ckey->pid };
	struct ga_gstate *gs = bpf_map_lookup_elem(&gstates, &gkey);
	struct ga_event *e;

	stat_inc(GA_STAT_UNWOUND);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(GA_STAT_LOST);
		return;
	}
	e->ts_entry = rec->ts;
	e->ts_exit = bpf_ktime_get_ns();
	e->goid = rec->goid;
	e->g = ckey->g;
	e->pid = ckey->pid;
	e->tid_entry = rec->tid;
	e->tid_exit = 0;
	e->func_id = ckey->func_id;
	e->exit_probe = 0;
	e->depth = ckey->depth;
	e->flags = GA_EV_UNWOUND;
	if (gs && gs->panic_ts > rec->ts)
		e->flags |= GA_EV_PANIC;
	if (gs && gs->goexit_ts > rec->ts)
		e->flags |= GA_EV_GOEXIT;
	e->pad = 0;
	bpf_probe_read_kernel(&e->args, sizeof(e->args), &rec->args);
	__builtin_memset(&e->results, 0, sizeof(e->results));
	bpf_ringbuf_submit(e, 0);
}

/* A prologue pass that branches to morestack: the call comes back here after it. */
static __always_inline bool morestack_pass(struct pt_regs *ctx, const struct ga_probe_spec *spec)
{
	if (spec->jcc == GA_PJCC_BE && (ctx->flags & (GA_EFLAGS_CF | GA_EFLAGS_ZF)))
		return true;
	return spec->jcc == GA_PJCC_B && (ctx->flags & GA_EFLAGS_CF);
}

static __always_inline int on_entry(struct pt_regs *ctx, const struct ga_probe_spec *spec)
{
	struct ga_depth_key dkey = {};
	struct ga_call_key ckey = {};
	struct ga_call *rec, *prev;
	__u64 g, goid = 0, sp_top;
	__u32 zero = 0, depth = 1, *dp;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	int i;

	if (morestack_pass(ctx, spec)) {
		stat_inc(GA_STAT_MORESTACK);
		return 0;
	}
	g = read_g(ctx, spec);
	if (!g) {
		stat_inc(GA_STAT_NO_G);
		return 0;
	}
	if (spec->goid_off)
		bpf_probe_read_user(&goid, sizeof(goid), (void *)(g + spec->goid_off));
	sp_top = stack_depth(ctx, spec, g);

	dkey.g = g;
	dkey.pid = pid_tgid >> 32;
	dkey.func_id = spec->func_id;
	dp = bpf_map_lookup_elem(&depths, &dkey);
	if (dp)
		depth = *dp + 1;

	/*
	 * The call one level up is an ancestor only if its frame is nearer
	 * the stack's top than this one and on the same goroutine; else it
	 * never returned (a panic recovered above it, Goexit, the g reused):
	 * report it and take its level.
	 */
	ckey.g = g;
	ckey.pid = dkey.pid;
	ckey.func_id = spec->func_id;
	for (i = 0; i < GA_REAP_MAX && depth > 1; i++) {
		ckey.depth = depth - 1;
		prev = bpf_map_lookup_elem(&calls, &ckey);
		if (!prev || !sp_top || (prev->sp_top < sp_top && prev->goid == goid))
			break;
		send_unwound(&ckey, prev, spec);
		bpf_map_delete_elem(&calls, &ckey);
		depth--;
	}
	bpf_map_update_elem(&depths, &dkey, &depth, BPF_ANY);

	rec = bpf_map_lookup_elem(&scratch, &zero);
	if (!rec)
		return 0;
	rec->ts = bpf_ktime_get_ns();
	rec->goid = goid;
	rec->sp_top = sp_top;
	rec->tid = (__u32)pid_tgid;
	fetch(ctx, spec, &rec->args);

	ckey.depth = depth;
	bpf_map_update_elem(&calls, &ckey, rec, BPF_ANY);
	return 0;
}

/* runtime.gopanic or runtime.Goexit: remember it for the calls that will not return. */
static __always_inline int on_mark(struct pt_regs *ctx, const struct ga_probe_spec *spec)
{
	struct ga_gstate_key gkey = {};
	struct ga_gstate zero = {}, *gs;
	__u64 g;

	if (morestack_pass(ctx, spec))
		return 0;
	g = read_g(ctx, spec);
	if (!g)
		return 0;
	gkey.g = g;
	gkey.pid = bpf_get_current_pid_tgid() >> 32;
	gs = bpf_map_lookup_elem(&gstates, &gkey);
	if (!gs) {
		bpf_map_update_elem(&gstates, &gkey, &zero, BPF_NOEXIST);
		gs = bpf_map_lookup_elem(&gstates, &gkey);
		if (!gs)
			return 0;
	}
	if (spec->kind == GA_PROBE_PANIC)
		gs->panic_ts = bpf_ktime_get_ns();
	else
		gs->goexit_ts = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int on_exit(struct pt_regs *ctx, const struct ga_probe_spec *spec,
				   __u32 cookie)
{
	struct ga_depth_key dkey = {};
	struct ga_call_key ckey = {};
	struct ga_event *e;
	struct ga_call *rec;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 *dp, depth;
	__u64 g, now;

	g = read_g(ctx, spec);
	if (!g) {
		stat_inc(GA_STAT_NO_G);
		return 0;
	}
	dkey.g = g;
	dkey.pid = pid_tgid >> 32;
	dkey.func_id = spec->func_id;
	dp = bpf_map_lookup_elem(&depths, &dkey);
	if (!dp || !*dp) {
		stat_inc(GA_STAT_ORPHAN_EXIT);
		return 0;
	}
	depth = *dp;
	if (depth > 1) {
		__u32 up = depth - 1;

		bpf_map_update_elem(&depths, &dkey, &up, BPF_ANY);
	} else {
		bpf_map_delete_elem(&depths, &dkey);
	}

	ckey.g = g;
	ckey.pid = dkey.pid;
	ckey.func_id = spec->func_id;
	ckey.depth = depth;
	rec = bpf_map_lookup_elem(&calls, &ckey);
	if (!rec) {
		stat_inc(GA_STAT_ORPHAN_EXIT);
		return 0;
	}
	now = bpf_ktime_get_ns();
	if (min_latency_ns && now - rec->ts < min_latency_ns) {
		stat_inc(GA_STAT_FILTERED);
		bpf_map_delete_elem(&calls, &ckey);
		return 0;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(GA_STAT_LOST);
		bpf_map_delete_elem(&calls, &ckey);
		return 0;
	}
	e->ts_entry = rec->ts;
	e->ts_exit = now;
	e->goid = rec->goid;
	e->g = g;
	e->pid = dkey.pid;
	e->tid_entry = rec->tid;
	e->tid_exit = (__u32)pid_tgid;
	e->func_id = spec->func_id;
	e->exit_probe = cookie;
	e->depth = depth;
	e->flags = spec->kind == GA_PROBE_TAILCALL ? GA_EV_TAILCALL : 0;
	e->pad = 0;
	bpf_probe_read_kernel(&e->args, sizeof(e->args), &rec->args);
	__builtin_memset(&e->results, 0, sizeof(e->results));
	if (spec->kind == GA_PROBE_RET)
		fetch(ctx, spec, &e->results);
	bpf_map_delete_elem(&calls, &ckey);
	bpf_ringbuf_submit(e, 0);
	stat_inc(GA_STAT_CALLS);
	return 0;
}

SEC("uprobe")
int ga_probe(struct pt_regs *ctx)
{
	__u32 cookie = bpf_get_attach_cookie(ctx);
	const struct ga_probe_spec *spec;
	struct pt_regs regs;

	spec = bpf_map_lookup_elem(&probes, &cookie);
	if (!spec || !spec->kind)
		return 0;
	/*
	 * Work on a copy: register numbers come from the map, and the
	 * verifier refuses ctx loads at computed offsets.
	 */
	if (bpf_probe_read_kernel(&regs, sizeof(regs), ctx))
		return 0;
	if (spec->kind == GA_PROBE_ENTRY)
		return on_entry(&regs, spec);
	if (spec->kind == GA_PROBE_PANIC || spec->kind == GA_PROBE_GOEXIT)
		return on_mark(&regs, spec);
	return on_exit(&regs, spec, cookie);
}
