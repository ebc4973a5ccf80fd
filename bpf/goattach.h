/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared between bpf/goattach.bpf.c and user space: probe specs and events. */
#pragma once

#define GA_MAX_WORDS 32		/* machine words fetched per probe */
#define GA_MAX_STRS 8		/* strings copied per probe (a power of two: slots are masked) */
#define GA_STR_LEN 64		/* bytes kept of each string (at most 255: a record says each in a byte) */
#define GA_MAX_PROBES 8192	/* entries of the probes map (attach cookies) */
#define GA_MAX_CALLS 16384	/* calls in flight (a plain hash: full means not tracked) */
#define GA_MAX_GSTATES 16384	/* goroutines with a panic or Goexit seen (LRU) */
#define GA_RINGBUF_SIZE (8 << 20)
#define GA_MAX_STACK 32		/* --stack: frames at most, the traced function's (its probe PC) included */
#define GA_DEF_STACK 8		/* --stack without a number */
#define GA_MAX_FUNCS 4096	/* functions with a --stats/--hist aggregate (the agg map's bound) */
#define GA_HIST_SLOTS 64	/* log2 latency buckets: slot k holds [2^(k-1), 2^k - 1] ns, 0 holds 0 */

enum ga_probe_kind {
	GA_PROBE_ENTRY = 1,
	GA_PROBE_RET = 2,
	GA_PROBE_TAILCALL = 3,
	GA_PROBE_PANIC = 4,	/* runtime.gopanic: this goroutine panics */
	GA_PROBE_GOEXIT = 5,	/* runtime.Goexit: this goroutine ends */
};

/* When the probed prologue branch goes to morestack (x86 EFLAGS). */
enum ga_probe_jcc {
	GA_PJCC_NONE = 0,
	GA_PJCC_BE = 1,		/* CF or ZF */
	GA_PJCC_B = 2,		/* CF */
	GA_PJCC_LS = 3,		/* arm64 B.LS: C clear or Z set */
	GA_PJCC_LO = 4,		/* arm64 B.LO: C clear */
};

#define GA_PSTATE_Z (1ULL << 30)
#define GA_PSTATE_C (1ULL << 29)

#define GA_EFLAGS_CF 0x01
#define GA_EFLAGS_ZF 0x40

enum ga_fetch_src {
	GA_SRC_NONE = 0,	/* not readable from a uprobe (e.g. XMM registers) */
	GA_SRC_REG = 1,		/* DWARF register number */
	GA_SRC_STACK = 2,	/* offset from SP */
	GA_SRC_DEREF = 3,	/* off bytes into what words[reg] points at (an earlier word) */
	/*
	 * An entry of the Go map words[reg] points at (an earlier word), walked
	 * as maps[off] says: words[i] = the address of its key, words[i + 1]
	 * (a GA_SRC_KEEP) the address of its value. In GA_MAPF_NTH mode size is
	 * n, the entry's rank in the walk. None found: words[i] = 0, and
	 * words[i + 1] = 1 when the walk stopped at its bound (GA_MAP_SCAN
	 * slots) before the map's end, else 0 (nil map, no such entry).
	 */
	GA_SRC_MAP = 4,
	GA_SRC_KEEP = 5,	/* written by the fetch before it (GA_SRC_MAP): left as it is */
};

#define GA_MAX_MAPS 2		/* map walks per probe (struct ga_mapfetch) */
#define GA_MAP_KEY_LEN 32	/* bytes of a constant string key (longer: not looked up) */
#define GA_MAP_SCAN 256		/* slots a map walk looks at, at most: 32 buckets or groups */
#define GA_MAP_SLOTS 8		/* slots of a bucket (Go up to 1.23) or group (1.24+); in every release */

enum ga_map_kind {
	GA_MAP_NONE = 0,
	GA_MAP_BUCKETS = 1,	/* runtime.hmap: Go up to 1.23, GOEXPERIMENT=noswissmap */
	GA_MAP_SWISS = 2,	/* internal/runtime/maps.Map: Go 1.24+ */
};

enum ga_map_mode {
	GA_MAPF_NTH = 0,	/* the entry of rank n (the fetch's size) in the walk's order */
	GA_MAPF_INT = 1,	/* the entry whose key's key_len bytes equal key[] */
	GA_MAPF_STR = 2,	/* the entry whose key is a string of key_len bytes equal to key[] */
};

/*
 * How to walk one Go map: every offset and size from user space
 * (attach/maps.c, from the build's Go version), none in the BPF program.
 * A slot i of a bucket or group at address g has its key at
 * g + keys_off + i * key_stride and its value at g + vals_off + i * val_stride.
 */
struct ga_mapfetch {
	unsigned char kind;		/* enum ga_map_kind */
	unsigned char mode;		/* enum ga_map_mode */
	unsigned char ptr_size;
	unsigned char key_len;		/* GA_MAPF_INT: 1, 2, 4, 8; GA_MAPF_STR: 0..GA_MAP_KEY_LEN */
	unsigned char tab_off;		/* hmap.buckets / Map.dirPtr */
	unsigned char tab2_off;		/* hmap.oldbuckets / Map.dirLen */
	unsigned char b_off;		/* hmap.B */
	unsigned char flags_off;	/* hmap.flags */
	unsigned char same_size_flag;	/* hmap.flags bit: the old array has as many buckets */
	unsigned char min_full;		/* buckets: a tophash of a full slot is at least this */
	unsigned char evacuated_min;	/* buckets: an old bucket whose tophash[0] is in */
	unsigned char pad;		/* [evacuated_min, min_full) was moved to the new array */
	unsigned char groups_off;	/* swiss: table.groups.data (lengthMask follows at + ptr) */
	unsigned char mask_off;		/* swiss: table.groups.lengthMask */
	unsigned short keys_off;
	unsigned short key_stride;
	unsigned short vals_off;
	unsigned short val_stride;
	unsigned short group_size;	/* bytes of a bucket or group */
	unsigned short ovf_off;		/* buckets: the overflow bucket pointer */
	unsigned char key[GA_MAP_KEY_LEN];
};

/* Where the current goroutine's g lives. */
enum ga_g_src {
	GA_G_NONE = 0,
	GA_G_R14 = 1,		/* amd64 register ABI */
	GA_G_TLS_FS = 2,	/* amd64 ABI0: fs_base + tls_g_off */
	GA_G_TLS_GS = 3,	/* 386: the TLS block at 0(GS), g at tls_g_off from it */
	GA_G_R28 = 4,		/* arm64: Go keeps g in R28 */
};

/* The GDT slots of set_thread_area() on x86-64 (asm/segment.h GDT_ENTRY_TLS_MIN). */
#define GA_GDT_ENTRY_TLS_MIN 12
#define GA_GDT_ENTRY_TLS_ENTRIES 3

struct ga_fetch {
	unsigned char src;
	unsigned char reg;
	unsigned char size;
	unsigned char pad;
	int off;
};

struct ga_strfetch {
	unsigned char ptr_word;	/* index of the data pointer in words[] */
	unsigned char len_word;	/* index of the length in words[] */
	unsigned char len_shift;	/* bytes = length << len_shift (slices of wider elements) */
	unsigned char deref;	/* 1: ptr_word points at a Go string header {data, len} */
};

struct ga_probe_spec {
	unsigned int func_id;
	unsigned char kind;
	unsigned char jcc;
	unsigned char g_src;
	unsigned char nwords;
	unsigned char nstrs;
	unsigned char ptr_size;	/* 8, or 4 for a 386 process */
	unsigned short g_stack_hi_off;	/* offset of g.stack.hi (goruntime.h) */
	int tls_g_off;
	unsigned int goid_off;	/* 0: unknown */
	unsigned int err_words;	/* RET: bit i set when words[i] is the type word of an error result */
	unsigned int gen;	/* the link generation this spec belongs to (see active_gen) */
	unsigned int probe_idx;	/* its index in the plan (the cookie may be another slot) */
	unsigned char filter;	/* enum ga_filter_at: when its function's --filter program runs */
	unsigned char pad2[3];
	struct ga_fetch words[GA_MAX_WORDS];
	struct ga_strfetch strs[GA_MAX_STRS];
	struct ga_mapfetch maps[GA_MAX_MAPS];
};

/* A map walk in progress (per CPU, in map memory so the verifier converges at once). */
struct ga_mapwalk {
	unsigned long long tab;		/* buckets: the array walked; swiss: the directory or group */
	unsigned long long old;		/* buckets: the old array of a growing map (0: none) */
	unsigned long long grp;		/* the bucket or group being looked at, 0: take the next */
	unsigned long long table;	/* swiss: the table whose groups are walked (0: none) */
	unsigned long long gdata;	/* swiss: its groups */
	unsigned long long ctrl;	/* the bucket's tophash bytes, the group's control word */
	unsigned long long key_addr, val_addr;	/* the entry found */
	unsigned int nb, old_nb;	/* buckets in tab and old; swiss: directory entries (0: one group) */
	unsigned int idx;		/* the next bucket or directory entry */
	unsigned int gi, gmask;		/* swiss: the next group of the table, and lengthMask */
	unsigned int pend;		/* buckets, growing: the second new bucket of an old one, 0 none */
	unsigned int slot;		/* the next slot of grp */
	unsigned int seen;		/* full slots so far */
	unsigned int n;			/* GA_MAPF_NTH: the rank wanted */
	unsigned int done;		/* the walk reached the map's end */
	unsigned long long tmp;		/* a word being read */
	unsigned char kbuf[GA_MAP_KEY_LEN];	/* a string key's bytes, compared */
	struct ga_mapfetch mf;		/* the spec's, copied */
};

struct ga_vals {
	unsigned long long words[GA_MAX_WORDS];
	unsigned short str_len[GA_MAX_STRS];	/* bytes copied into strs[i] */
	char strs[GA_MAX_STRS][GA_STR_LEN];
};

/*
 * A call in flight: its goroutine (g), function, and where its frame is
 * (g.stack.hi - SP at entry, the same at its RET or tail-call JMP, and
 * unchanged when Go copies the stack). Recursive calls differ by frame.
 */
struct ga_call_key {
	unsigned long long g;
	unsigned long long frame;
	unsigned int pid;
	unsigned int func_id;
};

struct ga_call {
	unsigned long long ts;
	unsigned long long goid;
	unsigned int tid;
	unsigned char nwords;	/* fetched by the entry probe into args */
	unsigned char nstrs;
	unsigned char nstack;	/* --stack: PCs in stack, the entry probe's, then return addresses */
	unsigned char pad;
	struct ga_vals args;
	unsigned long long stack[GA_MAX_STACK];
};

/* --stack: the frame pointer a walk goes on from, and the stack it must stay in (per CPU). */
struct ga_walk {
	unsigned long long fp;
	unsigned long long lo;	/* SP at the entry, less 8 (arm64 keeps the record below its SP) */
	unsigned long long hi;	/* g.stack.hi */
};

/* What happened on a goroutine, for the calls that never return. */
struct ga_gstate_key {
	unsigned long long g;
	unsigned int pid;
	unsigned int pad;
};

struct ga_gstate {
	unsigned long long panic_ts;	/* last runtime.gopanic */
	unsigned long long goexit_ts;	/* last runtime.Goexit */
};

#define GA_EV_TAILCALL 0x1
#define GA_EV_UNWOUND 0x2	/* never returned: found dead when the function was entered again */
#define GA_EV_PANIC 0x4		/* ... after a panic on its goroutine */
#define GA_EV_GOEXIT 0x8	/* ... after runtime.Goexit on its goroutine */

enum ga_ev_part {
	GA_EV_ARGS = 0,
	GA_EV_RESULTS = 1,
};

/*
 * A record in the ring buffer: this header, then size bytes of data
 * holding only what the probes fetched: the argument words, the result
 * words (8 bytes each), then the bytes of the argument strings and of
 * the result strings, each str_len[part][i] long, back to back, and last
 * (--stack only) nstack PCs of 8 bytes: the entry probe's (it gives the
 * load address of a PIE), then the return addresses, the caller's first. A call of one int
 * argument is 96 bytes, not the 1.6 KB of two full ga_vals.
 */
struct ga_event {
	unsigned long long ts_entry;
	unsigned long long ts_exit;
	unsigned long long goid;
	unsigned long long g;
	unsigned long long frame;	/* bytes from the goroutine's stack top to the call's frame */
	unsigned int pid;
	unsigned int tid_entry;
	unsigned int tid_exit;
	unsigned int func_id;
	unsigned int exit_probe;	/* attach cookie of the exit probe */
	unsigned int flags;
	unsigned char nwords[2];	/* by enum ga_ev_part */
	unsigned char nstrs[2];
	unsigned short size;		/* bytes of data after the header */
	unsigned char nstack;		/* PCs after the strings (--stack) */
	unsigned char pad;
	unsigned char str_len[2][GA_MAX_STRS];	/* at most GA_STR_LEN: a byte each keeps the header 88 bytes */
};

/* The most words and string bytes a record carries: every one of both parts. */
#define GA_EV_DATA_MAX (2 * (GA_MAX_WORDS * 8 + GA_MAX_STRS * GA_STR_LEN))
/* ... and the most data in all, with the return addresses of --stack. */
#define GA_EV_RECORD_DATA_MAX (GA_EV_DATA_MAX + GA_MAX_STACK * 8)

/*
 * Per function and CPU, for --stats, --hist and --metrics: the completed
 * calls not filtered by --min-latency, kept in BPF so the counts need no
 * event.
 */
struct ga_agg {
	unsigned long long calls;
	unsigned long long errors;	/* RET with a non-nil error result */
	unsigned long long max_ns;
	unsigned long long sum_ns;	/* --metrics: the histogram's _sum */
	unsigned long long hist[GA_HIST_SLOTS];
};

enum ga_stat {
	GA_STAT_CALLS = 0,	/* completed calls sent */
	GA_STAT_LOST,		/* ring buffer full */
	GA_STAT_ORPHAN_EXIT,	/* an exit without its entry (attached mid-call) */
	GA_STAT_MORESTACK,	/* prologue passes that went to morestack, ignored */
	GA_STAT_NO_G,		/* g could not be read */
	GA_STAT_FILTERED,	/* completed calls faster than --min-latency */
	GA_STAT_UNWOUND,	/* calls found dead in BPF (never returned) */
	GA_STAT_FULL,		/* calls not tracked: GA_MAX_CALLS already in flight */
	GA_STAT_PRED_ENTRY,	/* calls --filter rejected at their entry (no record kept) */
	GA_STAT_PRED_EXIT,	/* calls --filter rejected at their exit */
	GA_STAT_PRED_NOREC,	/* exits without a record of a function filtered at entry */
	GA_STAT_MAX,
};

/*
 * --filter: a postfix program per traced function (the filters map,
 * keyed by function index), run by BPF at the entry when it reads only
 * arguments, else at the exit. Each op pushes a bool onto a stack kept
 * as a bitmask (top in bit 0) or combines the top ones; the call is kept
 * when bit 0 is set at the end.
 */
#define GA_FILTER_OPS 32	/* a power of two: op indexes are masked */
#define GA_FILTER_STRS 4	/* string constants per program */
#define GA_FILTER_NONE 0xff	/* no word (guard, second operand) */

enum ga_filter_at {
	GA_FILTER_OFF = 0,
	GA_FILTER_ENTRY = 1,	/* reads only arguments: a rejected call keeps no record */
	GA_FILTER_EXIT = 2,	/* reads results or latency too */
};

enum ga_fop_kind {
	GA_FOP_CONST = 0,	/* push imm != 0 */
	GA_FOP_CMP_IMM,		/* push (word a) cmp imm */
	GA_FOP_CMP_WORD,	/* push (word a) cmp (word b) */
	GA_FOP_STR_EQ,		/* push string a == constant string imm (length word a, slot str) */
	GA_FOP_STR_PREFIX,	/* push string a has constant string imm as prefix */
	GA_FOP_LATENCY,		/* push latency (ns, exit only) cmp imm, unsigned */
	GA_FOP_AND,		/* pop two, push both */
	GA_FOP_OR,		/* pop two, push either */
	GA_FOP_NOT,		/* flip the top */
};

enum ga_fcmp {
	GA_FCMP_EQ = 0,
	GA_FCMP_NE,
	GA_FCMP_LT,
	GA_FCMP_LE,
	GA_FCMP_GT,
	GA_FCMP_GE,
};

#define GA_FF_SIGNED 0x1	/* words compared as signed (sign-extended from size) */
#define GA_FF_A_RESULTS 0x2	/* a (and its guard) in the results fetched at the RET */
#define GA_FF_B_RESULTS 0x4	/* b (and its guard) in the results */

/*
 * A value is the size bytes at byte shift of a fetched word. A guard
 * word that is 0 (a nil pointer on the way to the value) makes the
 * comparison false, whatever its operator; so does a result read at a
 * tail-call exit, where no result is fetched.
 */
struct ga_fop {
	unsigned char op;	/* enum ga_fop_kind */
	unsigned char cmp;	/* enum ga_fcmp */
	unsigned char flags;	/* GA_FF_* */
	unsigned char size;	/* bytes of a and b: 1, 2, 4, 8 */
	unsigned char word;	/* a: its word; string ops: the length word */
	unsigned char shift;	/* a: its byte offset in the word */
	unsigned char guard;	/* a's guard word, or GA_FILTER_NONE */
	unsigned char str;	/* string ops: the slot of the copied bytes */
	unsigned char word_b;	/* GA_FOP_CMP_WORD: b's word */
	unsigned char shift_b;
	unsigned char guard_b;
	unsigned char pad[5];
	unsigned long long imm;	/* the constant; string ops: the index of the constant string */
};

struct ga_filter {
	unsigned int nops;
	unsigned short str_len[GA_FILTER_STRS];
	unsigned int pad;
	struct ga_fop ops[GA_FILTER_OPS];
	/* the constants, zero-padded, each with a mask of its str_len bytes (compared word-wise) */
	unsigned long long strs[GA_FILTER_STRS][GA_STR_LEN / 8];
	unsigned long long str_mask[GA_FILTER_STRS][GA_STR_LEN / 8];
};
