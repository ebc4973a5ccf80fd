// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One program serves every probe: the attach cookie indexes a spec that
 * says what the probe is (entry or exit of which function) and which
 * machine words to fetch. Calls are paired per goroutine (the g pointer)
 * and frame (g.stack.hi - SP, unchanged when Go copies the stack), never
 * per thread. Every offset into Go's structures comes from the spec.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

#include "goattach.h"

#if defined(__TARGET_ARCH_arm64)
/* arm64 user registers as the kernel saves them (struct user_pt_regs, the head of pt_regs). */
struct ga_regs {
	__u64 regs[31];
	__u64 sp, pc, pstate;
};
#define GA_SP(r) ((r)->sp)
#define GA_G(r) ((r)->regs[28])		/* Go keeps g in R28 */
#define GA_FP(r) ((r)->regs[29])	/* the frame pointer */
#define GA_PC(r) ((r)->pc)
#else
/*
 * The x86-64 user registers as the kernel saves them (struct pt_regs,
 * arch/x86/include/asm/ptrace.h: user-visible ABI, also for 32-bit
 * tasks). Our own copy, not vmlinux.h's: no CO-RE relocation, so libbpf
 * does not parse the kernel's BTF at every start.
 */
struct ga_regs {
	__u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	__u64 ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};
#define GA_SP(r) ((r)->sp)
#define GA_G(r) ((r)->r14)		/* the register ABI keeps g in R14 */
#define GA_FP(r) ((r)->bp)
#define GA_PC(r) ((r)->ip)
#endif

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GA_MAX_PROBES);
	__type(key, __u32);
	__type(value, struct ga_probe_spec);
} probes SEC(".maps");

/*
 * Calls in flight. A plain hash, not LRU: an old entry is a call still
 * running, not one to evict silently; when the map is full a new call is
 * counted (GA_STAT_FULL), and the dead ones are reaped (see on_entry).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GA_MAX_CALLS);
	__type(key, struct ga_call_key);
	__type(value, struct ga_call);
} calls SEC(".maps");

/* 0: the record being made (entry) or the results (exit); 1: a record taken out (take_call) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct ga_call);
} scratch SEC(".maps");

/*
 * A record being built; offsets into data are masked, hence the slack of
 * one string (inside the room for the PCs of --stack).
 */
struct ga_event_buf {
	struct ga_event h;
	__u8 data[GA_EV_RECORD_DATA_MAX > GA_EV_DATA_MAX + GA_STR_LEN ?
		  GA_EV_RECORD_DATA_MAX : GA_EV_DATA_MAX + GA_STR_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ga_event_buf);
} evbuf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GA_MAX_GSTATES);
	__type(key, struct ga_gstate_key);
	__type(value, struct ga_gstate);
} gstates SEC(".maps");

/* --min-latency: completed calls faster than this are counted, not sent */
const volatile __u64 min_latency_ns = 0;
/*
 * --stats/--hist alone: completed calls go only to aggs (its max_entries
 * set by user space to the functions traced), never to the ring buffer.
 */
const volatile bool aggregate_only = false;
/*
 * --metrics with events too (--json, --max-calls): completed calls go to
 * aggs as well as to the ring buffer. Implied by aggregate_only.
 */
const volatile bool aggregate = false;
/* --stack=N: the PCs each entry takes: its own, then N - 1 return addresses */
const volatile __u32 stack_depth = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ga_walk);
} walks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ga_agg);
} aggs SEC(".maps");

/*
 * Per function and CPU: entries seen, for --max-rate (max_entries set by
 * user space to the functions traced).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

/* --filter: the program of each function (max_entries set by user space to the functions traced) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ga_filter);
} filters SEC(".maps");

/* --filter: the bool stack of the program running on this CPU */
struct ga_fstate {
	__u64 bits;		/* the stack, its top in bit 0 */
	__u64 latency_ns;	/* exit only */
	__u32 have_results;	/* 0 at the entry and at a tail-call exit */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ga_fstate);
} fstates SEC(".maps");

/*
 * Which specs are live. --max-rate replaces the multi-uprobe link with
 * one without the hottest functions, its specs in other slots of the
 * probes map marked with the next generation; flipping this (one write
 * from user space) before closing the old link means no call is seen by
 * both links, or by neither.
 */
volatile __u32 active_gen = 0;

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

/*
 * Wake the reader only when a batch is waiting: a wakeup per event costs
 * the traced program more than the probe itself. User space also polls
 * every 100 ms, so no event waits longer than that.
 */
#define GA_WAKEUP_BYTES (256 << 10)

static __always_inline __u64 submit_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= GA_WAKEUP_BYTES ?
		       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		(*v)++;
}

#if defined(__TARGET_ARCH_arm64)
/* DWARF register numbers of arm64: X0-X30 are 0-30, SP is 31. */
static __always_inline __u64 read_reg64(struct ga_regs *ctx, __u8 reg)
{
	if (reg < 31)
		return ctx->regs[reg & 31];
	return reg == 31 ? ctx->sp : 0;
}

static __always_inline __u64 read_reg32(struct ga_regs *ctx, __u8 reg)
{
	return 0;	/* no 32-bit Go on arm64 here */
}
#else
/* DWARF register numbers of x86-64 (System V psABI). */
static __always_inline __u64 read_reg64(struct ga_regs *ctx, __u8 reg)
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
static __always_inline __u64 read_reg32(struct ga_regs *ctx, __u8 reg)
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

#endif

/*
 * Offsets in task_struct, found by user space in the kernel's BTF only
 * when a traced function keeps g in TLS (amd64 ABI0, 386): with no CO-RE
 * relocation in this object, libbpf need not parse the kernel's BTF at
 * every start. 0: unknown.
 */
const volatile __u32 task_fsbase_off = 0;	/* thread.fsbase */
const volatile __u32 task_gsindex_off = 0;	/* thread.gsindex */
const volatile __u32 task_tls_array_off = 0;	/* thread.tls_array */

#if defined(__TARGET_ARCH_arm64)
static __always_inline __u64 read_g(struct ga_regs *ctx, const struct ga_probe_spec *spec)
{
	return spec->g_src == GA_G_R28 ? GA_G(ctx) : 0;
}
#else

/*
 * A 386 task's GS selector names one of its set_thread_area() slots; the
 * slot's descriptor holds the base. No MSR to read: the kernel keeps the
 * descriptors in the task (tls_array), current for a running task.
 */
static __always_inline __u64 gs_base_386(void)
{
	__u64 task = bpf_get_current_task();
	__u16 sel = 0;
	__u32 idx;
	__u8 d[8];

	if (!task_gsindex_off ||
	    bpf_probe_read_kernel(&sel, sizeof(sel), (void *)(task + task_gsindex_off)))
		return 0;
	idx = (sel >> 3) - GA_GDT_ENTRY_TLS_MIN;
	if (idx >= GA_GDT_ENTRY_TLS_ENTRIES)
		idx = 0;	/* not saved yet: Go's threads all use the first slot */
	if (bpf_probe_read_kernel(d, sizeof(d), (void *)(task + task_tls_array_off + idx * 8)))
		return 0;
	/* base 15:0 in bytes 2-3, 23:16 in byte 4, 31:24 in byte 7 */
	return (__u64)d[2] | (__u64)d[3] << 8 | (__u64)d[4] << 16 | (__u64)d[7] << 24;
}

static __always_inline __u64 read_g(struct ga_regs *ctx, const struct ga_probe_spec *spec)
{
	__u64 task, fsbase = 0, g = 0;
	__u32 tls = 0, g32 = 0;

	switch (spec->g_src) {
	case GA_G_R14:
		return GA_G(ctx);
	case GA_G_TLS_FS:
		task = bpf_get_current_task();
		if (!task_fsbase_off ||
		    bpf_probe_read_kernel(&fsbase, sizeof(fsbase), (void *)(task + task_fsbase_off)))
			return 0;
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

#endif

/*
 * What a fetch loop step needs. The loops run under bpf_loop(): the
 * verifier checks each body once instead of once per iteration, which
 * is most of goattach's start-up time otherwise.
 */
struct fetch_ctx {
	struct ga_regs *regs;
	const struct ga_probe_spec *spec;
	struct ga_vals *v;
};

/*
 * Go map walks (GA_SRC_MAP): one bucket or group slot per bpf_loop step,
 * GA_MAP_SCAN steps at most. The position, a copy of the spec's
 * ga_mapfetch (layout facts from attach/maps.c) and every scratch word
 * live in map memory (mapwalks), not on the stack: the walk runs inside
 * the fetch loop's callback, and the frames of both share 512 bytes with
 * ga_probe's (which holds the registers: 272 bytes on arm64).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ga_mapwalk);
} mapwalks SEC(".maps");

/* A pointer-sized word of the process at addr (0 when unreadable), read via w->tmp. */
static __always_inline __u64 read_uword(struct ga_mapwalk *w, __u64 addr, __u8 ptr_size)
{
	w->tmp = 0;
	if (ptr_size == 4)
		bpf_probe_read_user(&w->tmp, 4, (void *)addr);
	else
		bpf_probe_read_user(&w->tmp, 8, (void *)addr);
	return w->tmp;
}

/*
 * A growing map's next bucket, as Go's own iterator goes (runtime/map.go
 * mapiternext): by old bucket; one not yet moved is walked itself, one
 * moved (evacuated: its tophash[0] says so) by the one or two new buckets
 * its entries went to (i, and i + the old count when the map doubles).
 * Every entry once, none missed, each in the array that holds it.
 */
static __always_inline int map_next_growing(struct ga_mapwalk *w)
{
	const struct ga_mapfetch *mf = &w->mf;
	__u64 ob, th0;
	__u32 i;

	if (w->pend) {
		w->grp = w->tab + (__u64)w->pend * mf->group_size;
		w->pend = 0;
		return 0;
	}
	if (w->idx >= w->old_nb)
		return 1;
	i = w->idx++;
	ob = w->old + (__u64)i * mf->group_size;
	th0 = read_uword(w, ob, 4) & 0xff;
	if (th0 >= mf->evacuated_min && th0 < mf->min_full) {
		w->grp = w->tab + (__u64)i * mf->group_size;
		if (w->nb != w->old_nb)
			w->pend = i + w->old_nb;
		return 0;
	}
	w->grp = ob;
	return 0;
}

/*
 * The next bucket (an overflow bucket first, then the array; by old
 * bucket while the map grows) or group (of the table of each directory
 * entry in turn) into w->grp: 0 done so, 1 the map's end, 2 a step that
 * only moved on in the directory.
 */
static __always_inline int map_next_group(struct ga_mapwalk *w)
{
	const struct ga_mapfetch *mf = &w->mf;
	__u64 t;

	if (mf->kind == GA_MAP_BUCKETS) {
		if (w->grp && (t = read_uword(w, w->grp + mf->ovf_off, mf->ptr_size))) {
			w->grp = t;
			return 0;
		}
		if (w->old)
			return map_next_growing(w);
		if (!w->tab || w->idx >= w->nb)
			return 1;
		w->grp = w->tab + (__u64)w->idx * mf->group_size;
		w->idx++;
		return 0;
	}
	if (!w->nb) {
		/* dirLen 0: dirPtr is the map's one group */
		if (w->idx || !w->tab)
			return 1;
		w->idx = 1;
		w->grp = w->tab;
		return 0;
	}
	if (w->gdata && w->gi <= w->gmask) {
		w->grp = w->gdata + (__u64)w->gi * mf->group_size;
		w->gi++;
		return 0;
	}
	if (w->idx >= w->nb)
		return 1;
	t = read_uword(w, w->tab + (__u64)w->idx * mf->ptr_size, mf->ptr_size);
	w->idx++;
	/* a table of a lower local depth fills consecutive directory entries: once */
	if (!t || t == w->table)
		return 2;
	w->table = t;
	w->gdata = read_uword(w, t + mf->groups_off, mf->ptr_size);
	w->gmask = read_uword(w, t + mf->mask_off, 4);
	w->gi = 0;
	return 2;
}

/* Does the key at addr equal the constant of w->mf? */
static __always_inline bool map_key_equal(struct ga_mapwalk *w, __u64 addr)
{
	const struct ga_mapfetch *mf = &w->mf;
	const __u64 *want = (const __u64 *)mf->key, *got = (const __u64 *)w->kbuf;
	__u64 ptr, len;
	__u32 n = mf->key_len;

	if (mf->mode == GA_MAPF_INT) {
		w->tmp = 0;
		if (!n || n > 8 || bpf_probe_read_user(&w->tmp, n & 15, (void *)addr))
			return false;
		return w->tmp == want[0];
	}
	ptr = read_uword(w, addr, mf->ptr_size);
	len = read_uword(w, addr + mf->ptr_size, mf->ptr_size);
	if (len != n || n > GA_MAP_KEY_LEN)
		return false;
	__builtin_memset(w->kbuf, 0, sizeof(w->kbuf));
	if (n == GA_MAP_KEY_LEN) {
		if (bpf_probe_read_user(w->kbuf, GA_MAP_KEY_LEN, (void *)ptr))
			return false;
	} else if (n && bpf_probe_read_user(w->kbuf, n & (GA_MAP_KEY_LEN - 1), (void *)ptr)) {
		return false;
	}
	return got[0] == want[0] && got[1] == want[1] && got[2] == want[2] && got[3] == want[3];
}

static long map_step(__u32 idx, void *data)
{
	__u32 zero = 0, j, c;
	struct ga_mapwalk *w = bpf_map_lookup_elem(&mapwalks, &zero);
	const struct ga_mapfetch *mf;
	__u64 key, val;
	int r;

	if (!w)
		return 1;
	mf = &w->mf;
	if (!w->grp || w->slot >= GA_MAP_SLOTS) {
		r = map_next_group(w);
		if (r == 1) {
			w->done = 1;
			return 1;
		}
		if (r == 2)
			return 0;
		w->slot = 0;
		/* unreadable: every slot empty (a bucket's tophash 0, a group's high bits) */
		if (bpf_probe_read_user(&w->ctrl, sizeof(w->ctrl), (void *)w->grp))
			w->ctrl = mf->kind == GA_MAP_SWISS ? ~0ULL : 0;
	}
	j = w->slot & (GA_MAP_SLOTS - 1);
	w->slot++;
	c = (w->ctrl >> (j * 8)) & 0xff;
	/* a full slot: a group's control byte with the high bit clear, a tophash >= minTopHash */
	if (mf->kind == GA_MAP_SWISS ? (c & 0x80) : c < mf->min_full)
		return 0;
	key = w->grp + mf->keys_off + (__u64)j * mf->key_stride;
	val = w->grp + mf->vals_off + (__u64)j * mf->val_stride;
	if (mf->mode == GA_MAPF_NTH) {
		if (w->seen++ != w->n)
			return 0;
	} else if (!map_key_equal(w, key)) {
		return 0;
	}
	w->key_addr = key;
	w->val_addr = val;
	return 1;
}

/*
 * GA_SRC_MAP of word i into words[i] and words[i + 1] (see enum
 * ga_fetch_src). A global function: the verifier checks it once, not
 * once for each loop that fetches words.
 */
__noinline int ga_fetch_map(const struct ga_probe_spec *spec, __u32 i, struct ga_vals *v)
{
	const struct ga_fetch *f;
	struct ga_mapwalk *w;
	__u32 zero = 0, j;
	__u64 m;

	/* the two words, masked for the verifier; the planner never puts a map at the last one */
	i &= GA_MAX_WORDS - 1;
	j = (i + 1) & (GA_MAX_WORDS - 1);
	if (!spec || !v || !j)
		return 0;
	f = &spec->words[i];
	m = v->words[f->reg & (GA_MAX_WORDS - 1)];
	v->words[i] = 0;
	v->words[j] = 0;
	if (!m || !(w = bpf_map_lookup_elem(&mapwalks, &zero)))
		return 0;
	__builtin_memset(w, 0, sizeof(*w));
	w->mf = spec->maps[f->off & (GA_MAX_MAPS - 1)];
	if (!w->mf.kind)
		return 0;
	w->tab = read_uword(w, m + w->mf.tab_off, w->mf.ptr_size);
	if (w->mf.kind == GA_MAP_BUCKETS) {
		w->nb = 1U << (read_uword(w, m + w->mf.b_off, 4) & 31);
		/* growing: the entries not yet moved are in the old array (map_next_growing) */
		w->old = read_uword(w, m + w->mf.tab2_off, w->mf.ptr_size);
		w->old_nb = read_uword(w, m + w->mf.flags_off, 4) & w->mf.same_size_flag ?
				    w->nb : w->nb >> 1;
	} else {
		w->nb = read_uword(w, m + w->mf.tab2_off, w->mf.ptr_size);
	}
	w->n = f->size;
	bpf_loop(GA_MAP_SCAN, map_step, NULL, 0);
	if (w->key_addr) {
		v->words[i] = w->key_addr;
		v->words[j] = w->val_addr;
	} else {
		v->words[j] = !w->done;
	}
	return 0;
}

static long fetch_word(__u32 idx, void *data)
{
	struct fetch_ctx *fc = data;
	const struct ga_probe_spec *spec = fc->spec;
	struct ga_vals *v = fc->v;
	__u32 i = idx & (GA_MAX_WORDS - 1);
	const struct ga_fetch *f = &spec->words[i];
	__u64 val = 0;

	if (f->src == GA_SRC_KEEP)
		return 0;
	if (f->src == GA_SRC_MAP) {
		ga_fetch_map(spec, i, v);
		return 0;
	}
	if (f->src == GA_SRC_REG)
		val = spec->ptr_size == 4 ? read_reg32(fc->regs, f->reg) : read_reg64(fc->regs, f->reg);
	else if (f->src == GA_SRC_STACK)
		bpf_probe_read_user(&val, sizeof(val), (void *)(GA_SP(fc->regs) + (__s64)f->off));
	else if (f->src == GA_SRC_DEREF) {
		__u64 base = v->words[f->reg & (GA_MAX_WORDS - 1)];

		if (base)
			bpf_probe_read_user(&val, sizeof(val), (void *)(base + (__s64)f->off));
	}
	/* only the piece's own bytes (a 386 word is 4; a bool's register has junk above) */
	if (f->size && f->size < 8)
		val &= (1ULL << ((f->size & 7) * 8)) - 1;
	v->words[i] = val;
	return 0;
}

static long fetch_str(__u32 idx, void *data)
{
	struct fetch_ctx *fc = data;
	const struct ga_probe_spec *spec = fc->spec;
	struct ga_vals *v = fc->v;
	__u32 i = idx & (GA_MAX_STRS - 1);
	const struct ga_strfetch *s = &spec->strs[i];
	__u64 ptr, len;
	__u32 n, shift;
	long rc;

	ptr = v->words[s->ptr_word & (GA_MAX_WORDS - 1)];
	len = v->words[s->len_word & (GA_MAX_WORDS - 1)];
	v->str_len[i] = 0;
	if (s->deref) {
		/* an error's message: the value points at a struct starting with a string */
		__u64 hdr[2] = {};
		__u32 hdr32[2] = {};

		if (spec->ptr_size == 4) {
			if (!ptr || bpf_probe_read_user(hdr32, sizeof(hdr32), (void *)ptr))
				return 0;
			hdr[0] = hdr32[0];
			hdr[1] = hdr32[1];
		} else if (!ptr || bpf_probe_read_user(hdr, sizeof(hdr), (void *)ptr)) {
			return 0;
		}
		ptr = hdr[0];
		len = hdr[1];
	}
	/* bytes to copy: the length in elements scaled, at most GA_STR_LEN */
	shift = s->len_shift & 7;
	n = len >= (GA_STR_LEN >> shift) ? GA_STR_LEN : (len << shift) & (GA_STR_LEN - 1);
	if (!ptr || !n)
		return 0;
	/* two calls, so the verifier sees a constant or a masked size */
	if (n == GA_STR_LEN)
		rc = bpf_probe_read_user(v->strs[i], GA_STR_LEN, (void *)ptr);
	else
		rc = bpf_probe_read_user(v->strs[i], n & (GA_STR_LEN - 1), (void *)ptr);
	if (!rc)
		v->str_len[i] = n;
	return 0;
}

static __always_inline void fetch(struct ga_regs *ctx, const struct ga_probe_spec *spec,
				  struct ga_vals *v)
{
	struct fetch_ctx fc = { .regs = ctx, .spec = spec, .v = v };
	__u32 nw = spec->nwords, ns = spec->nstrs;

	bpf_loop(nw < GA_MAX_WORDS ? nw : GA_MAX_WORDS, fetch_word, &fc, 0);
	bpf_loop(ns < GA_MAX_STRS ? ns : GA_MAX_STRS, fetch_str, &fc, 0);
}

/* g.stack.hi - SP: where in its goroutine's stack this frame is, whatever the copy. */
static __always_inline __u64 stack_frame(struct ga_regs *ctx, const struct ga_probe_spec *spec, __u64 g)
{
	__u64 hi = 0;
	__u32 hi32 = 0;

	/* the offset of g.stack.hi comes from user space (common/goruntime.c) */
	if (spec->ptr_size == 4) {
		if (bpf_probe_read_user(&hi32, sizeof(hi32), (void *)(g + spec->g_stack_hi_off)))
			return GA_SP(ctx);
		hi = hi32;
	} else if (bpf_probe_read_user(&hi, sizeof(hi), (void *)(g + spec->g_stack_hi_off))) {
		return GA_SP(ctx);	/* unreadable: the SP itself still tells frames apart */
	}
	return hi > GA_SP(ctx) ? hi - GA_SP(ctx) : GA_SP(ctx);
}

/*
 * --stack: one frame record per step, {saved FP, return address} at FP
 * (amd64: PUSH BP; MOV SP, BP. arm64: Go saves X29 at -8 from the
 * caller's SP and LR at 0, and points X29 at the saved X29). The running
 * FP and count live in map memory (walks, rec->nstack) for the same
 * reason as pack_ctx's offset: the verifier converges at once.
 */
struct walk_ctx {
	struct ga_call *rec;
	struct ga_walk *w;
};

static long walk_frame(__u32 idx, void *data)
{
	struct walk_ctx *wc = data;
	struct ga_call *rec = wc->rec;
	__u64 fp = wc->w->fp, frame[2] = {};
	__u32 n = rec->nstack;

	/*
	 * Only inside this goroutine's stack: Go 1.19 copies arm64 stacks
	 * without fixing the saved frame pointers (runtime/stack.go
	 * adjustframe: "TODO what about arm64 frame pointer adjustment?"),
	 * which then point into the old, freed stack.
	 */
	if (n >= GA_MAX_STACK || fp < wc->w->lo || fp + sizeof(frame) > wc->w->hi ||
	    bpf_probe_read_user(frame, sizeof(frame), (void *)fp) || !frame[1])
		return 1;
	rec->stack[n & (GA_MAX_STACK - 1)] = frame[1];
	rec->nstack = n + 1;
	/* a stack grows down: the caller's record is above, and 0 ends the chain */
	if (frame[0] <= fp)
		return 1;
	wc->w->fp = frame[0];
	return 0;
}

/*
 * The PCs of the call being entered into rec->stack, at most stack_depth:
 * the probe's own (user space learns the load address from it), then the
 * return addresses. The probe runs before the function saves its own
 * FP: the first return address is at [SP] (amd64) or in LR (arm64), and
 * the FP register still points at the caller's frame record.
 */
static __always_inline void walk_stack(struct ga_regs *ctx, const struct ga_probe_spec *spec,
				       struct ga_call *rec, __u64 frame)
{
	struct walk_ctx wc = { .rec = rec };
	__u32 zero = 0, depth = stack_depth < GA_MAX_STACK ? stack_depth : GA_MAX_STACK;
	__u64 ret = 0;

	rec->nstack = 0;
	/* 386 Go keeps no frame pointers */
	if (!depth || spec->ptr_size != 8 || !(wc.w = bpf_map_lookup_elem(&walks, &zero)))
		return;
	rec->stack[0] = GA_PC(ctx);
	rec->nstack = 1;
	if (depth < 2)
		return;
#if defined(__TARGET_ARCH_arm64)
	ret = ctx->regs[30];
#else
	if (bpf_probe_read_user(&ret, sizeof(ret), (void *)GA_SP(ctx)))
		return;
#endif
	if (!ret)
		return;
	rec->stack[1] = ret;
	rec->nstack = 2;
	wc.w->fp = GA_FP(ctx);
	/* arm64: the caller's record is at -8 from its SP, which is still the SP here */
	wc.w->lo = GA_SP(ctx) - 8;
	/* frame is g.stack.hi - SP (or SP itself when g.stack.hi was unreadable) */
	wc.w->hi = GA_SP(ctx) + frame;
	/*
	 * Not bpf_loop(0, ...): with --stack=2 the verifier of Linux 6.18
	 * drops the callback it never ran as dead code and then fails on the
	 * call ("verifier bug: No program to jit ... (subprog < 0)").
	 */
	if (depth > 2)
		bpf_loop(depth - 2, walk_frame, &wc, 0);
}

/* The first nw words of v at data[off]; the offset after them. */
static __always_inline __u32 pack_words(struct ga_event_buf *b, __u32 off, const struct ga_vals *v,
					__u32 nw)
{
	__u32 n = (nw < GA_MAX_WORDS ? nw : GA_MAX_WORDS) * 8;

	/* off is at most GA_MAX_WORDS * 8 here: the mask only bounds it for the verifier */
	if (n)
		bpf_probe_read_kernel(b->data + (off & (2 * GA_MAX_WORDS * 8 - 1)), n, v->words);
	return off + n;
}

/*
 * The running offset lives in the record (h.size), not on the stack: a
 * value in map memory is a plain scalar to the verifier each time it is
 * read, so the loop's states converge at once instead of one per offset.
 */
struct pack_ctx {
	struct ga_event_buf *b;
	const struct ga_vals *args;
	const struct ga_vals *results;	/* NULL: none */
};

/* String idx (the arguments' GA_MAX_STRS, then the results'): its copied bytes, back to back. */
static long pack_str(__u32 idx, void *data)
{
	struct pack_ctx *pc = data;
	__u32 part = (idx / GA_MAX_STRS) & 1, i = idx & (GA_MAX_STRS - 1);
	const struct ga_vals *v = part ? pc->results : pc->args;
	struct ga_event_buf *b = pc->b;
	__u32 len, off;

	if (!v || i >= b->h.nstrs[part])
		return 0;
	len = v->str_len[i];
	if (len > GA_STR_LEN)
		len = GA_STR_LEN;
	b->h.str_len[part][i] = len;
	off = b->h.size;
	/* never beyond GA_EV_DATA_MAX (all words and strings); b->data has a string's slack */
	if (off > GA_EV_DATA_MAX)
		return 1;
	if (len)
		bpf_probe_read_kernel(b->data + off, len, v->strs[i]);
	b->h.size = off + len;
	return 0;
}

/*
 * Send b's header with what args and results hold (results NULL: none)
 * and the call's PCs (rec->stack, --stack), as a record of
 * exactly the bytes fetched. False when the ring buffer is full (counted).
 */
static __always_inline bool send_event(struct ga_event_buf *b, const struct ga_vals *args,
				       const struct ga_vals *results, const struct ga_call *rec)
{
	struct pack_ctx pc = { .b = b, .args = args, .results = results };
	__u32 size, nstack = rec->nstack;

	__builtin_memset(b->h.str_len, 0, sizeof(b->h.str_len));
	if (!results) {
		b->h.nwords[GA_EV_RESULTS] = 0;
		b->h.nstrs[GA_EV_RESULTS] = 0;
	}
	size = pack_words(b, 0, args, b->h.nwords[GA_EV_ARGS]);
	if (results)
		size = pack_words(b, size, results, b->h.nwords[GA_EV_RESULTS]);
	b->h.size = size;
	bpf_loop(2 * GA_MAX_STRS, pack_str, &pc, 0);
	size = b->h.size;
	if (size > GA_EV_DATA_MAX)
		size = GA_EV_DATA_MAX;
	if (nstack > GA_MAX_STACK)
		nstack = GA_MAX_STACK;
	/* without --stack nstack is 0: the record is as small as ever */
	if (nstack) {
		bpf_probe_read_kernel(b->data + size, nstack * 8, rec->stack);
		size += nstack * 8;
	}
	b->h.size = size;
	b->h.nstack = nstack;
	b->h.pad = 0;
	if (bpf_ringbuf_output(&events, b, sizeof(b->h) + size, submit_flags())) {
		stat_inc(GA_STAT_LOST);
		return false;
	}
	return true;
}

/* A call that will never return: tell user space, with why when known. */
/*
 * Take the record of ckey out of calls, as a copy in this CPU's scratch
 * slot 1. Whoever deletes a record reports it, once: this program, or
 * goattach's sweep of dead calls (attach/calls.c), which takes records
 * out the same way. 0, or TAKE_NONE: no record; TAKE_LOST: the sweep took it first.
 */
#define TAKE_NONE 1
#define TAKE_LOST 2

static __always_inline int take_call(const struct ga_call_key *ckey, struct ga_call **out)
{
	struct ga_call *rec, *copy;
	__u32 one = 1;

	rec = bpf_map_lookup_elem(&calls, ckey);
	if (!rec)
		return TAKE_NONE;
	copy = bpf_map_lookup_elem(&scratch, &one);
	if (!copy || bpf_probe_read_kernel(copy, sizeof(*copy), rec)) {
		bpf_map_delete_elem(&calls, ckey);
		return TAKE_NONE;
	}
	if (bpf_map_delete_elem(&calls, ckey))
		return TAKE_LOST;
	*out = copy;
	return 0;
}

static __always_inline void send_unwound(const struct ga_call_key *ckey, struct ga_call *rec,
					 const struct ga_probe_spec *spec)
{
	struct ga_gstate_key gkey = { .g = ckey->g, .pid = ckey->pid };
	struct ga_gstate *gs = bpf_map_lookup_elem(&gstates, &gkey);
	struct ga_event_buf *b;
	__u32 zero = 0;

	stat_inc(GA_STAT_UNWOUND);
	b = bpf_map_lookup_elem(&evbuf, &zero);
	if (!b)
		return;
	b->h.ts_entry = rec->ts;
	b->h.ts_exit = bpf_ktime_get_ns();
	b->h.goid = rec->goid;
	b->h.g = ckey->g;
	b->h.pid = ckey->pid;
	b->h.tid_entry = rec->tid;
	b->h.tid_exit = 0;
	b->h.func_id = ckey->func_id;
	b->h.exit_probe = 0;
	b->h.frame = ckey->frame;
	b->h.flags = GA_EV_UNWOUND;
	if (gs && gs->panic_ts > rec->ts)
		b->h.flags |= GA_EV_PANIC;
	if (gs && gs->goexit_ts > rec->ts)
		b->h.flags |= GA_EV_GOEXIT;
	b->h.nwords[GA_EV_ARGS] = rec->nwords;
	b->h.nstrs[GA_EV_ARGS] = rec->nstrs;
	send_event(b, &rec->args, NULL, rec);
}

/* A prologue pass that branches to morestack: the call comes back here after it. */
static __always_inline bool morestack_pass(struct ga_regs *ctx, const struct ga_probe_spec *spec)
{
#if defined(__TARGET_ARCH_arm64)
	/* NZCV in PSTATE: B.LS taken when C is clear or Z set, B.LO when C is clear */
	if (spec->jcc == GA_PJCC_LS && (!(ctx->pstate & GA_PSTATE_C) || (ctx->pstate & GA_PSTATE_Z)))
		return true;
	return spec->jcc == GA_PJCC_LO && !(ctx->pstate & GA_PSTATE_C);
#else
	if (spec->jcc == GA_PJCC_BE && (ctx->flags & (GA_EFLAGS_CF | GA_EFLAGS_ZF)))
		return true;
	return spec->jcc == GA_PJCC_B && (ctx->flags & GA_EFLAGS_CF);
#endif
}

static __always_inline void hits_inc(__u32 func_id)
{
	__u64 *h = bpf_map_lookup_elem(&hits, &func_id);

	if (h)
		(*h)++;
}

/*
 * --filter: one op of the function's program per bpf_loop step (the
 * verifier checks the step once). The stack lives in map memory
 * (fstates) for the same reason as pack_ctx's offset.
 */
struct filter_ctx {
	const struct ga_filter *f;
	struct ga_fstate *st;
	const struct ga_vals *args;
	const struct ga_vals *results;	/* args when there are none (st->have_results 0) */
};

/* The size bytes at byte shift of word w, sign-extended when sgn (shifts, no branch). */
static __always_inline __u64 fop_value(const struct ga_vals *v, __u8 w, __u8 shift, __u8 size,
					bool sgn)
{
	__u64 x = v->words[w & (GA_MAX_WORDS - 1)] >> ((shift & 7) * 8);
	__u32 k = (64 - (size & 15) * 8) & 63;	/* size 8 (or 0): no bit dropped */

	x <<= k;
	return sgn ? (__u64)((__s64)x >> k) : x >> k;
}

/*
 * Which outcomes (bit 0 less, bit 1 equal, bit 2 greater) make each
 * enum ga_fcmp true, a nibble each: EQ 2, NE 5, LT 1, LE 3, GT 4, GE 6.
 */
#define GA_FCMP_TRUTH 0x643152ULL

static __always_inline bool fop_cmp(__u64 a, __u64 b, __u8 cmp, bool sgn)
{
	__u32 o = (sgn ? (__s64)a < (__s64)b : a < b) ? 0 : a == b ? 1 : 2;

	return (GA_FCMP_TRUTH >> ((cmp & 7) * 4 + o)) & 1;
}

/*
 * A string of the call against constant string op->imm: equal, or a
 * prefix of it. Word-wise under the constant's mask, without a branch
 * per byte: the verifier walks it once.
 */
static __always_inline bool fop_str(const struct ga_filter *f, const struct ga_fop *op,
				    const struct ga_vals *v)
{
	__u32 k = op->imm & (GA_FILTER_STRS - 1), slot = op->str & (GA_MAX_STRS - 1);
	__u64 len = v->words[op->word & (GA_MAX_WORDS - 1)], diff = 0;
	const __u64 *s = (const __u64 *)v->strs[slot];
	__u32 klen = f->str_len[k];
	int j;

	if (op->op == GA_FOP_STR_EQ ? len != klen : len < klen)
		return false;
	/* bytes not copied (unreadable memory): not known to match */
	if (v->str_len[slot] < klen)
		return false;
#pragma unroll
	for (j = 0; j < GA_STR_LEN / 8; j++)
		diff |= (s[j] ^ f->strs[k][j]) & f->str_mask[k][j];
	return !diff;
}

static long filter_step(__u32 idx, void *data)
{
	struct filter_ctx *fc = data;
	const struct ga_fop *op = &fc->f->ops[idx & (GA_FILTER_OPS - 1)];
	struct ga_fstate *st = fc->st;
	const struct ga_vals *a = op->flags & GA_FF_A_RESULTS ? fc->results : fc->args;
	const struct ga_vals *b = op->flags & GA_FF_B_RESULTS ? fc->results : fc->args;
	bool sgn = op->flags & GA_FF_SIGNED, r, known = true;
	__u64 bits = st->bits, x, y = op->imm;

	switch (op->op) {
	case GA_FOP_AND:
		st->bits = (bits >> 2) << 1 | (bits & (bits >> 1) & 1);
		return 0;
	case GA_FOP_OR:
		st->bits = (bits >> 2) << 1 | ((bits | (bits >> 1)) & 1);
		return 0;
	case GA_FOP_NOT:
		st->bits = bits ^ 1;
		return 0;
	case GA_FOP_CONST:
		st->bits = bits << 1 | (op->imm != 0);
		return 0;
	case GA_FOP_LATENCY:
		st->bits = bits << 1 | fop_cmp(st->latency_ns, y, op->cmp, false);
		return 0;
	}
	/* a value of the call: unknown behind a nil guard, or a result where none was fetched */
	if (!st->have_results && (op->flags & (GA_FF_A_RESULTS | GA_FF_B_RESULTS)))
		known = false;
	if (op->guard != GA_FILTER_NONE && !a->words[op->guard & (GA_MAX_WORDS - 1)])
		known = false;
	if (op->guard_b != GA_FILTER_NONE && !b->words[op->guard_b & (GA_MAX_WORDS - 1)])
		known = false;
	if (op->op == GA_FOP_STR_EQ || op->op == GA_FOP_STR_PREFIX) {
		r = known && fop_str(fc->f, op, a);
	} else {
		x = fop_value(a, op->word, op->shift, op->size, sgn);
		if (op->op == GA_FOP_CMP_WORD)
			y = fop_value(b, op->word_b, op->shift_b, op->size, sgn);
		r = known && fop_cmp(x, y, op->cmp, sgn);
	}
	st->bits = bits << 1 | r;
	return 0;
}

/*
 * Whether the call passes its function's --filter: results is NULL at
 * the entry and at a tail-call exit. A program that cannot be read keeps
 * the call (reported rather than lost). A global function: the verifier
 * checks it once, not once for the entry and again for the exit.
 */
__noinline int ga_filter_pass(const struct ga_probe_spec *spec, const struct ga_vals *args,
			      const struct ga_vals *results, __u64 latency_ns)
{
	struct filter_ctx fc = { .args = args, .results = results ? results : args };
	__u32 key, zero = 0, n;

	if (!spec || !args)
		return 1;
	key = spec->func_id;
	fc.f = bpf_map_lookup_elem(&filters, &key);
	fc.st = bpf_map_lookup_elem(&fstates, &zero);
	if (!fc.f || !fc.st)
		return 1;
	fc.st->bits = 0;
	fc.st->latency_ns = latency_ns;
	fc.st->have_results = results != NULL;
	n = fc.f->nops;
	bpf_loop(n < GA_FILTER_OPS ? n : GA_FILTER_OPS, filter_step, &fc, 0);
	return fc.st->bits & 1;
}

static __always_inline int on_entry(struct ga_regs *ctx, const struct ga_probe_spec *spec)
{
	struct ga_call_key ckey = {};
	struct ga_call *rec, *prev;
	__u64 g, goid = 0;
	__u32 zero = 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (morestack_pass(ctx, spec)) {
		stat_inc(GA_STAT_MORESTACK);
		return 0;
	}
	g = read_g(ctx, spec);
	if (!g) {
		stat_inc(GA_STAT_NO_G);
		return 0;
	}
	hits_inc(spec->func_id);
	if (spec->goid_off)
		bpf_probe_read_user(&goid, sizeof(goid), (void *)(g + spec->goid_off));
	ckey.g = g;
	ckey.frame = stack_frame(ctx, spec, g);
	ckey.pid = pid_tgid >> 32;
	ckey.func_id = spec->func_id;

	/*
	 * A record for this very frame of this goroutine means that call
	 * never returned (a panic recovered above it, Goexit, the g reused
	 * by a new goroutine): report it before this call takes its place.
	 */
	if (!take_call(&ckey, &prev))
		send_unwound(&ckey, prev, spec);

	rec = bpf_map_lookup_elem(&scratch, &zero);
	if (!rec)
		return 0;
	rec->ts = bpf_ktime_get_ns();
	rec->goid = goid;
	rec->tid = (__u32)pid_tgid;
	rec->nwords = spec->nwords < GA_MAX_WORDS ? spec->nwords : GA_MAX_WORDS;
	rec->nstrs = spec->nstrs < GA_MAX_STRS ? spec->nstrs : GA_MAX_STRS;
	fetch(ctx, spec, &rec->args);
	/* rejected: no record, so no event and no aggregate; its exit finds nothing */
	if (spec->filter == GA_FILTER_ENTRY && !ga_filter_pass(spec, &rec->args, NULL, 0)) {
		stat_inc(GA_STAT_PRED_ENTRY);
		/* (the dead call reported above was taken out: this call's exit finds nothing) */
		return 0;
	}
	walk_stack(ctx, spec, rec, ckey.frame);
	if (bpf_map_update_elem(&calls, &ckey, rec, BPF_ANY))
		stat_inc(GA_STAT_FULL);
	return 0;
}

/* runtime.gopanic or runtime.Goexit: remember it for the calls that will not return. */
static __always_inline int on_mark(struct ga_regs *ctx, const struct ga_probe_spec *spec)
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

/* Fetch only the words (no strings): enough to tell a nil error. */
static __always_inline void fetch_words(struct ga_regs *ctx, const struct ga_probe_spec *spec,
					struct ga_vals *v)
{
	struct fetch_ctx fc = { .regs = ctx, .spec = spec, .v = v };
	__u32 nw = spec->nwords;

	bpf_loop(nw < GA_MAX_WORDS ? nw : GA_MAX_WORDS, fetch_word, &fc, 0);
}

static __always_inline bool has_error(const struct ga_probe_spec *spec, const struct ga_vals *v)
{
	__u32 mask = spec->err_words;
	int i;

	/* the type word of a non-nil interface is never 0 */
#pragma unroll
	for (i = 0; i < GA_MAX_WORDS; i++)
		if ((mask >> i) & 1 && v->words[i])
			return true;
	return false;
}

/* Bits needed for v (0 for 0): its log2 slot. BPF has no clz; bcc's bits.bpf.h does the same. */
static __always_inline __u32 bit_width(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return v ? r + 1 : 0;
}

/* A completed call into its function's per-CPU aggregate. */
static __always_inline void agg_add(__u32 func_id, __u64 latency_ns, bool error)
{
	struct ga_agg *a = bpf_map_lookup_elem(&aggs, &func_id);
	__u32 slot = bit_width(latency_ns);

	if (!a)
		return;
	a->calls++;
	if (error)
		a->errors++;
	if (latency_ns > a->max_ns)
		a->max_ns = latency_ns;
	a->sum_ns += latency_ns;
	a->hist[slot < GA_HIST_SLOTS ? slot : GA_HIST_SLOTS - 1]++;
}

static __always_inline int on_exit(struct ga_regs *ctx, const struct ga_probe_spec *spec)
{
	struct ga_call_key ckey = {};
	struct ga_event_buf *b;
	struct ga_call *rec, *res;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 g, now;
	__u32 zero = 0;
	bool sent;
	int err;

	g = read_g(ctx, spec);
	if (!g) {
		stat_inc(GA_STAT_NO_G);
		return 0;
	}
	ckey.g = g;
	ckey.frame = stack_frame(ctx, spec, g);
	ckey.pid = pid_tgid >> 32;
	ckey.func_id = spec->func_id;
	/* taken out first: reported here or by the sweep, never by both */
	err = take_call(&ckey, &rec);
	if (err == TAKE_LOST)
		return 0;
	if (err) {
		/* an entry --filter rejected keeps no record: its exit is not an orphan's */
		stat_inc(spec->filter == GA_FILTER_ENTRY ? GA_STAT_PRED_NOREC : GA_STAT_ORPHAN_EXIT);
		return 0;
	}
	now = bpf_ktime_get_ns();
	if (min_latency_ns && now - rec->ts < min_latency_ns) {
		stat_inc(GA_STAT_FILTERED);
		return 0;
	}
	res = bpf_map_lookup_elem(&scratch, &zero);
	if (!res)
		return 0;
	/*
	 * The results, fetched at one place (the verifier checks each call
	 * of a fetch loop apart): for the event or the filter, or only their
	 * words to tell an error when aggregated (aggregate_only is a
	 * constant to the verifier: the branch not taken costs nothing).
	 */
	if (spec->kind == GA_PROBE_RET) {
		if (!aggregate_only || spec->filter == GA_FILTER_EXIT)
			fetch(ctx, spec, &res->args);
		else if (spec->err_words)
			fetch_words(ctx, spec, &res->args);
	}
	if (spec->filter == GA_FILTER_EXIT &&
	    !ga_filter_pass(spec, &rec->args, spec->kind == GA_PROBE_RET ? &res->args : NULL,
			    now - rec->ts)) {
		stat_inc(GA_STAT_PRED_EXIT);
		return 0;
	}
	if (aggregate_only) {
		agg_add(spec->func_id, now - rec->ts,
			spec->kind == GA_PROBE_RET && spec->err_words && has_error(spec, &res->args));
		stat_inc(GA_STAT_CALLS);
		return 0;
	}
	/* counted whether or not its event finds room in the ring buffer */
	if (aggregate)
		agg_add(spec->func_id, now - rec->ts,
			spec->kind == GA_PROBE_RET && spec->err_words && has_error(spec, &res->args));
	b = bpf_map_lookup_elem(&evbuf, &zero);
	if (!b)
		return 0;
	b->h.ts_entry = rec->ts;
	b->h.ts_exit = now;
	b->h.goid = rec->goid;
	b->h.g = g;
	b->h.pid = ckey.pid;
	b->h.tid_entry = rec->tid;
	b->h.tid_exit = (__u32)pid_tgid;
	b->h.func_id = spec->func_id;
	b->h.exit_probe = spec->probe_idx;
	b->h.frame = ckey.frame;
	b->h.flags = spec->kind == GA_PROBE_TAILCALL ? GA_EV_TAILCALL : 0;
	b->h.nwords[GA_EV_ARGS] = rec->nwords;
	b->h.nstrs[GA_EV_ARGS] = rec->nstrs;
	/* no results (a tail call): send_event() zeroes their counts */
	if (spec->kind == GA_PROBE_RET) {
		b->h.nwords[GA_EV_RESULTS] = spec->nwords < GA_MAX_WORDS ? spec->nwords : GA_MAX_WORDS;
		b->h.nstrs[GA_EV_RESULTS] = spec->nstrs < GA_MAX_STRS ? spec->nstrs : GA_MAX_STRS;
	}
	sent = send_event(b, &rec->args, spec->kind == GA_PROBE_RET ? &res->args : NULL, rec);
	if (sent)
		stat_inc(GA_STAT_CALLS);
	return 0;
}

/*
 * The copy of the registers, per CPU: in map memory, not on the stack,
 * whose 512 bytes the nested loops' frames share with ga_probe's (arm64's
 * registers alone are 272 bytes; a map walk runs three frames deep).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ga_regs);
} regcopy SEC(".maps");

SEC("uprobe")
int ga_probe(void *ctx)
{
	__u32 cookie = bpf_get_attach_cookie(ctx), zero = 0;
	const struct ga_probe_spec *spec;
	struct ga_regs *regs;

	spec = bpf_map_lookup_elem(&probes, &cookie);
	if (!spec || !spec->kind || spec->gen != active_gen)
		return 0;
	/*
	 * Work on a copy: register numbers come from the map, and the
	 * verifier refuses ctx loads at computed offsets.
	 */
	regs = bpf_map_lookup_elem(&regcopy, &zero);
	if (!regs || bpf_probe_read_kernel(regs, sizeof(*regs), ctx))
		return 0;
	if (spec->kind == GA_PROBE_ENTRY)
		return on_entry(regs, spec);
	if (spec->kind == GA_PROBE_PANIC || spec->kind == GA_PROBE_GOEXIT)
		return on_mark(regs, spec);
	return on_exit(regs, spec);
}
