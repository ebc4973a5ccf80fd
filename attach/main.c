// SPDX-License-Identifier: MIT
/* goattach: trace Go functions with exact, safe uprobes from a goanalyze DB. */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "db.h"
#include "goattach.h"
#include "goattach.skel.h"
#include "log.h"
#include "output.h"
#include "probes.h"
#include "version.h"

static struct env {
	const char *db_path;
	const char *binary;
	pid_t pid;
	bool json;
	int verbosity;
	double duration;
	const char *sig;
	bool deref;
	uint64_t min_latency_ns;
	uint64_t max_calls;
	long max_probes;
	bool yes;
	bool stats;
	bool hist;
	double interval;
	const char **funcs;
	size_t nfuncs;
} env;

static const char argp_doc[] =
	"Trace Go functions safely with uprobes placed by goanalyze.\n"
	"\n"
	"Probes go on the entry (the stack-check branch: a call is seen once\n"
	"even when its stack grows) and on every RET and tail-call JMP; never a\n"
	"uretprobe. Calls are paired per goroutine. The binary must be the build\n"
	"the DB describes, and every probe's bytes are checked before anything\n"
	"is attached.\n"
	"\n"
	"FUNC is a Go function name (main.stacker, 'main.(*Counter).Add') or a\n"
	"shell-style pattern ('main.*').\n"
	"\n"
	"EXAMPLES:\n"
	"  goattach --db app.db main.stacker    # all processes running the binary\n"
	"  goattach --db app.db --pid 1234 'main.*'\n"
	"  goattach --db app.db --json --duration 10 main.handle > calls.jsonl\n"
	"  goattach --db app.db --sig 'func(x, y string) (string, string)' main.swap\n"
	"  goattach --db app.db --min-latency 2ms --stats 'main.(*Server).*'\n"
	"  goattach --db app.db --hist --interval 5 main.handle\n";

enum {
	OPT_MIN_LATENCY = 0x100,
	OPT_MAX_CALLS,
	OPT_MAX_PROBES,
	OPT_YES,
	OPT_STATS,
	OPT_HIST,
	OPT_INTERVAL,
};

static const struct argp_option opts[] = {
	{ "db", 'd', "FILE", 0, "goanalyze database (required)", 0 },
	{ "binary", 'b', "PATH", 0, "binary to trace (default: the path indexed, or /proc/PID/exe)", 0 },
	{ "pid", 'p', "PID", 0, "trace only this process; exit when it exits", 0 },
	{ "json", 'j', NULL, 0, "one JSON object per call (JSON Lines)", 0 },
	{ "duration", 'D', "SEC", 0, "stop after SEC seconds", 0 },
	{ "sig", 's', "SIG", 0, "Go signature of the function, for binaries without DWARF: "
	  "'func(x, y string) (string, string)'", 0 },
	{ "deref", 'r', NULL, 0, "also show the basic fields of what pointer arguments and results "
	  "point at: p=0xc000010000 &{X:1 Y:2}", 0 },
	{ "min-latency", OPT_MIN_LATENCY, "DUR", 0, "report only calls slower than DUR (2ms, 500us, "
	  "1s; filtered in BPF)", 0 },
	{ "max-calls", OPT_MAX_CALLS, "N", 0, "stop after N calls", 0 },
	{ "max-probes", OPT_MAX_PROBES, "N", 0, "refuse more than N probes without --yes "
	  "(default 1000)", 0 },
	{ "yes", OPT_YES, NULL, 0, "attach even more probes than --max-probes", 0 },
	{ "stats", OPT_STATS, NULL, 0, "at the end, per function: calls, calls with a non-nil error "
	  "result, p50/p90/p99/max latency (no line per call)", 0 },
	{ "hist", OPT_HIST, NULL, 0, "per function log2 latency histogram at the end and every "
	  "--interval (no line per call)", 0 },
	{ "interval", OPT_INTERVAL, "SEC", 0, "with --hist: print and clear every SEC seconds", 0 },
	{ "verbose", 'v', NULL, 0, "more messages (twice: libbpf debug)", 0 },
	{ "version", 'V', NULL, 0, "print the version and the DB schema version", 0 },
	{},
};

/* "2ms", "500us", "1.5s", "100ns", "3m"; a bare number is seconds. */
static int parse_duration(const char *s, uint64_t *ns)
{
	static const struct { const char *unit; double mult; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 },
		{ "", 1e9 },
	};
	char *end;
	double v = strtod(s, &end);
	size_t i;

	if (end == s || v < 0)
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			*ns = (uint64_t)(v * units[i].mult);
			return 0;
		}
	}
	return -EINVAL;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	long v;

	switch (key) {
	case 'd':
		env.db_path = arg;
		break;
	case 'b':
		env.binary = arg;
		break;
	case 'p':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || v <= 0 || v > INT_MAX)
			argp_error(state, "invalid PID '%s'", arg);
		env.pid = v;
		break;
	case 'j':
		env.json = true;
		break;
	case 's':
		env.sig = arg;
		break;
	case 'r':
		env.deref = true;
		break;
	case 'D':
		env.duration = strtod(arg, &end);
		if (*end || env.duration <= 0)
			argp_error(state, "invalid duration '%s'", arg);
		break;
	case OPT_MIN_LATENCY:
		if (parse_duration(arg, &env.min_latency_ns))
			argp_error(state, "invalid duration '%s' (want e.g. 2ms, 500us, 1s)", arg);
		break;
	case OPT_MAX_CALLS:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || v <= 0)
			argp_error(state, "invalid --max-calls '%s'", arg);
		env.max_calls = v;
		break;
	case OPT_MAX_PROBES:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || v <= 0)
			argp_error(state, "invalid --max-probes '%s'", arg);
		env.max_probes = v;
		break;
	case OPT_YES:
		env.yes = true;
		break;
	case OPT_STATS:
		env.stats = true;
		break;
	case OPT_HIST:
		env.hist = true;
		break;
	case OPT_INTERVAL:
		env.interval = strtod(arg, &end);
		if (*end || env.interval <= 0)
			argp_error(state, "invalid interval '%s'", arg);
		break;
	case 'v':
		env.verbosity++;
		break;
	case 'V':
		printf("goattach %s (DB schema version %d)\n", GA_VERSION, gadb_schema_version());
		exit(0);
	case ARGP_KEY_ARG:
		env.funcs = realloc(env.funcs, (env.nfuncs + 1) * sizeof(*env.funcs));
		if (!env.funcs)
			return ENOMEM;
		env.funcs[env.nfuncs++] = arg;
		break;
	case ARGP_KEY_END:
		if (!env.db_path)
			argp_error(state, "--db FILE is required");
		if (!env.nfuncs)
			argp_error(state, "name at least one function to trace");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && env.verbosity < 2)
		return 0;
	if (level == LIBBPF_INFO && env.verbosity < 1)
		return 0;
	ga_vlog(GA_LOG_WARN, fmt, args);
	return 0;
}

static volatile sig_atomic_t exiting;

static void sig_handler(int sig)
{
	(void)sig;
	exiting = 1;
}

static uint64_t reported;	/* completed calls reported, for --max-calls */

static int handle_event(void *ctx, void *data, size_t size)
{
	if (size < sizeof(struct ga_event))
		return 0;
	if (env.max_calls && reported >= env.max_calls)
		return -ECANCELED;	/* stop consuming: the rest are not reported */
	reported += output__event(ctx, data) > 0;
	if (env.max_calls && reported >= env.max_calls) {
		exiting = 1;
		return -ECANCELED;
	}
	return 0;
}

static uint64_t stat_sum(struct goattach_bpf *skel, __u32 idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals, sum = 0;
	int i;

	if (ncpu <= 0)
		return 0;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(skel->maps.stats), &idx, vals))
		for (i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}


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

/* runtime.g fields goattach reads; stable since Go 1.5 up to goid (runtime2.go). */
#define G_STATUS_RUNNABLE 1
#define G_STATUS_WAITING 4
#define G_STATUS_DEAD 6
#define G_STATUS_PREEMPTED 9
#define G_STATUS_SCAN 0x1000

/*
 * Is the call in rec over although no exit was seen? Where the target
 * can be read: its process is gone; its g now runs another goroutine, or
 * none; or its goroutine is parked with its stack shallower than the
 * call's frame. NULL while it may still be running.
 */
static const char *dead_call(const struct probe_plan *plan, const struct ga_call_key *key,
			     const struct ga_call *rec, const struct ga_gstate *gs)
{
	int ps = plan->build.arch == GA_ARCH_386 ? 4 : 8, goff = plan->build.goid_offset;
	bool panicked = gs && gs->panic_ts > rec->ts, exited = gs && gs->goexit_ts > rec->ts;
	uint64_t goid = 0, hi = 0, sp = 0;
	uint32_t status = 0;

	if (kill(key->pid, 0) && errno == ESRCH)
		return panicked ? "panic" : exited ? "Goexit" : "process exited";
	if (goff <= 0 || read_mem(key->pid, key->g + goff, &goid, 8) ||
	    read_mem(key->pid, key->g + goff - 8, &status, 4))
		return NULL;
	status &= ~G_STATUS_SCAN;
	if (goid != rec->goid || status == G_STATUS_DEAD)
		return exited ? "Goexit" : panicked ? "panic" : "goroutine ended";
	if (status != G_STATUS_RUNNABLE && status != G_STATUS_WAITING && status != G_STATUS_PREEMPTED)
		return NULL;
	/* g: stack{lo, hi}, stackguard0, stackguard1, _panic, _defer, m, sched{sp, ...} */
	if (read_mem(key->pid, key->g + ps, &hi, ps) || read_mem(key->pid, key->g + 7 * ps, &sp, ps))
		return NULL;
	if (ps == 4) {
		hi &= 0xffffffffu;
		sp &= 0xffffffffu;
	}
	if (!sp || hi <= sp || hi - sp >= key->frame)
		return NULL;
	return panicked ? "panic" : exited ? "Goexit" : "unwound";
}

/*
 * Calls in flight that will never return: report each with why and drop
 * it. At the end (final), the rest are "running at detach". Returns how
 * many were in flight; out NULL only counts them.
 */
static size_t sweep(struct goattach_bpf *skel, const struct probe_plan *plan, struct output *out,
		    bool final)
{
	int cfd = bpf_map__fd(skel->maps.calls), gfd = bpf_map__fd(skel->maps.gstates);
	struct ga_call_key *keys = NULL, key, next;
	size_t n = 0, cap = 0, i;
	struct ga_call *rec = malloc(sizeof(*rec));
	void *prev = NULL;

	if (!rec)
		return 0;
	while (!bpf_map_get_next_key(cfd, prev, &next)) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *tmp = realloc(keys, ncap * sizeof(*keys));

			if (!tmp)
				break;
			keys = tmp;
			cap = ncap;
		}
		keys[n++] = next;
		key = next;
		prev = &key;
	}
	/* no output: only count them */
	for (i = 0; out && i < n; i++) {
		struct ga_gstate_key gk = { .g = keys[i].g, .pid = keys[i].pid };
		struct ga_gstate gs = {};
		const char *why;
		bool have_gs;

		if (bpf_map_lookup_elem(cfd, &keys[i], rec))
			continue;
		have_gs = !bpf_map_lookup_elem(gfd, &gk, &gs);

		why = dead_call(plan, &keys[i], rec, have_gs ? &gs : NULL);
		if (!why && final)
			why = "running at detach";
		if (!why)
			continue;
		output__ended(out, &keys[i], rec, why);
		bpf_map_delete_elem(cfd, &keys[i]);
	}
	free(keys);
	free(rec);
	return n;
}

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

/*
 * Say what is missing before libbpf tries: loading needs CAP_BPF (or
 * CAP_SYS_ADMIN), uprobes on perf events CAP_PERFMON (or CAP_SYS_ADMIN);
 * and the kernel must have uprobe events at all.
 */
static int check_privileges(void)
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

/*
 * Where task_struct keeps a thread's FS base and TLS descriptors, from the
 * running kernel's BTF: only for code that keeps g in TLS (amd64 ABI0,
 * 386), since reading that BTF costs about 0.1 s.
 */
static int task_offsets(struct goattach_bpf *skel)
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
		skel->rodata->task_fsbase_off = thread + fs;
		skel->rodata->task_gsindex_off = thread + gs;
		skel->rodata->task_tls_array_off = thread + tls;
	}
	btf__free(btf);
	return err;
}

static bool plan_needs_tls(const struct probe_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nprobes; i++)
		if (plan->probes[i].spec.g_src == GA_G_TLS_FS || plan->probes[i].spec.g_src == GA_G_TLS_GS)
			return true;
	return false;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *default_binary(struct gadb *db, char *buf, size_t len)
{
	struct ga_build *builds = NULL;
	size_t n = 0, i;

	if (env.binary)
		return env.binary;
	if (env.pid) {
		snprintf(buf, len, "/proc/%d/exe", env.pid);
		return buf;
	}
	if (gadb__list_builds(db, &builds, &n) || !n) {
		free(builds);
		return NULL;
	}
	snprintf(buf, len, "%s", builds[n - 1].path);
	for (i = 0; i < n; i++)
		ga_build_clear(&builds[i]);
	free(builds);
	return buf;
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts, .parser = parse_arg, .args_doc = "FUNC...", .doc = argp_doc,
	};
	struct bpf_link **links = NULL;
	struct ring_buffer *rb = NULL;
	struct goattach_bpf *skel = NULL;
	struct output *out = NULL;
	struct probe_plan plan = {};
	struct gadb *db = NULL;
	const char *binary;
	char binbuf[PATH_MAX];
	size_t i, nlinks = 0, in_flight;
	double deadline = 0, next_sweep, next_hist, t_start;
	int err;

	ga_log_set_prog("goattach");
	argp_err_exit_status = 1;
	env.max_probes = 1000;
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return 1;
	ga_log_set_level(env.verbosity >= 2 ? GA_LOG_DEBUG : env.verbosity ? GA_LOG_INFO : GA_LOG_WARN);
	ga_log_set_json(env.json);
	libbpf_set_print(libbpf_print_fn);

	t_start = now_sec();
	err = check_privileges();
	if (err)
		goto cleanup;
	db = gadb__open(env.db_path);
	if (!db) {
		err = -errno;
		goto cleanup;
	}
	binary = default_binary(db, binbuf, sizeof(binbuf));
	if (!binary) {
		pr_warn("db: '%s' holds no builds", env.db_path);
		err = -ENOENT;
		goto cleanup;
	}
	if (env.pid && kill(env.pid, 0) && errno == ESRCH) {
		pr_warn("attach: no process %d", env.pid);
		err = -ESRCH;
		goto cleanup;
	}
	err = probes_plan(db, env.db_path, binary, env.funcs, env.nfuncs, env.sig, env.deref, &plan);
	if (err)
		goto cleanup;
	pr_debug("time: %.1f ms to plan (hash, DB, bytes checked)", (now_sec() - t_start) * 1e3);
	/* a DB may hold many builds: say which one this binary is */
	fprintf(stderr, "goattach: '%s' is build %.12s (%s, Go build id %s) of '%s'\n", plan.binary_path,
		plan.build.sha256, plan.build.go_version ? plan.build.go_version : "unknown Go",
		plan.build.go_build_id ? plan.build.go_build_id : "none", env.db_path);

	if (plan.nprobes - plan.nmarks > (size_t)env.max_probes && !env.yes) {
		pr_warn("attach: %zu functions need %zu probes, more than --max-probes %ld; narrow the "
			"patterns, or add --yes to attach them all", plan.nfuncs,
			plan.nprobes - plan.nmarks, env.max_probes);
		err = -E2BIG;
		goto cleanup;
	}

	skel = goattach_bpf__open();
	if (skel) {
		skel->rodata->min_latency_ns = env.min_latency_ns;
		err = plan_needs_tls(&plan) ? task_offsets(skel) : 0;
		if (!err)
			err = goattach_bpf__load(skel);
		if (err) {
			goattach_bpf__destroy(skel);
			skel = NULL;
			errno = -err;
		}
	}
	if (!skel) {
		err = -errno;
		if (err == -EPERM || err == -EACCES)
			pr_warn("bpf: permission denied loading BPF: run as root, or grant CAP_BPF, "
				"CAP_PERFMON and CAP_SYS_RESOURCE (kernel.unprivileged_bpf_disabled "
				"does not matter then)");
		else
			pr_warn("bpf: cannot load the BPF programs: %s", strerror(-err));
		goto cleanup;
	}
	pr_debug("time: %.1f ms to load BPF", (now_sec() - t_start) * 1e3);
	for (i = 0; i < plan.nprobes; i++) {
		__u32 key = i;

		err = bpf_map_update_elem(bpf_map__fd(skel->maps.probes), &key, &plan.probes[i].spec,
					  BPF_ANY);
		if (err) {
			err = -errno;
			pr_warn("bpf: cannot fill the probe map: %s", strerror(errno));
			goto cleanup;
		}
	}
	links = calloc(plan.nprobes ? plan.nprobes : 1, sizeof(*links));
	if (!links) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < plan.nprobes; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, uopts, .bpf_cookie = i, .retprobe = false);
		size_t fi = plan.probes[i].func_idx;
		const char *fname = fi < plan.nfuncs ? plan.funcs[fi].name :
				    plan.probes[i].spec.kind == GA_PROBE_PANIC ? "runtime.gopanic" :
										  "runtime.Goexit";

		links[i] = bpf_program__attach_uprobe_opts(skel->progs.ga_probe, env.pid ? env.pid : -1,
							   plan.binary_path, plan.probes[i].file_off, &uopts);
		if (!links[i]) {
			err = -errno;
			pr_warn("attach: uprobe on %s at file offset 0x%llx of '%s' failed: %s%s", fname,
				(unsigned long long)plan.probes[i].file_off, plan.binary_path,
				strerror(-err),
				err == -ENOENT || err == -EOPNOTSUPP ?
					" (a kernel without uprobes: CONFIG_UPROBE_EVENTS)" :
				err == -EPERM || err == -EACCES ? " (need root, or CAP_PERFMON and CAP_BPF)" :
				"");
			goto cleanup;
		}
		nlinks++;
	}

	{
		struct output_opts oo = {
			.json = env.json, .stats = env.stats, .hist = env.hist,
			.quiet = env.stats || env.hist,
		};

		pr_debug("time: %.1f ms to attach %zu probes", (now_sec() - t_start) * 1e3, nlinks);
	out = output__new(&plan, &oo, stdout);
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, out, NULL);
	if (!out || !rb) {
		err = -errno;
		pr_warn("bpf: cannot open the ring buffer: %s", strerror(errno));
		goto cleanup;
	}
	signal(SIGINT, sig_handler);
	signal(SIGTERM, sig_handler);
	signal(SIGHUP, sig_handler);
	fprintf(stderr, "Tracing %zu function%s (%zu probes). Ctrl-C to stop.\n", plan.nfuncs,
		plan.nfuncs == 1 ? "" : "s", plan.nprobes - plan.nmarks);
	pr_info("attach: %zu more probes on runtime.gopanic/runtime.Goexit say why a call never "
		"returned", plan.nmarks);
	if (env.duration > 0)
		deadline = now_sec() + env.duration;
	next_sweep = now_sec() + 1;
	next_hist = env.hist && env.interval > 0 ? now_sec() + env.interval : 0;

	while (!exiting) {
		err = ring_buffer__poll(rb, 100);
		/* BPF wakes us only for a batch: take what is there every 100 ms */
		if (err >= 0)
			err = ring_buffer__consume(rb);
		if (err == -EINTR || err == -ECANCELED) {
			err = 0;
			break;
		}
		if (err < 0) {
			pr_warn("bpf: polling the ring buffer failed: %s", strerror(-err));
			goto cleanup;
		}
		err = 0;
		if (deadline && now_sec() >= deadline)
			break;
		if (now_sec() >= next_sweep) {
			sweep(skel, &plan, out, false);
			next_sweep = now_sec() + 1;
		}
		if (next_hist && now_sec() >= next_hist) {
			output__print_hist(out, stdout);
			next_hist = now_sec() + env.interval;
		}
		if (env.pid && kill(env.pid, 0) && errno == ESRCH) {
			pr_info("attach: process %d exited", env.pid);
			break;
		}
	}
	if (!env.max_calls || reported < env.max_calls)
		ring_buffer__consume(rb);
	/* after --max-calls, nothing more is reported */
	in_flight = sweep(skel, &plan, !env.max_calls || reported < env.max_calls ? out : NULL, true);
	if (env.stats)
		output__print_stats(out, stdout);
	if (env.hist)
		output__print_hist(out, stdout);
	fprintf(stderr,
		"goattach: %llu calls, %llu events lost, %llu exits without entry, "
		"%llu morestack passes ignored, %zu calls still in progress",
		(unsigned long long)stat_sum(skel, GA_STAT_CALLS),
		(unsigned long long)stat_sum(skel, GA_STAT_LOST),
		(unsigned long long)stat_sum(skel, GA_STAT_ORPHAN_EXIT),
		(unsigned long long)stat_sum(skel, GA_STAT_MORESTACK), in_flight);
	if (env.min_latency_ns)
		fprintf(stderr, ", %llu faster than --min-latency",
			(unsigned long long)stat_sum(skel, GA_STAT_FILTERED));
	if (stat_sum(skel, GA_STAT_FULL))
		fprintf(stderr, ", %llu not tracked (%d calls already in flight)",
			(unsigned long long)stat_sum(skel, GA_STAT_FULL), GA_MAX_CALLS);
	fputc('\n', stderr);
	output__print_ended(out, stderr);

cleanup:
	for (i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	free(links);
	ring_buffer__free(rb);
	output__free(out);
	goattach_bpf__destroy(skel);
	probe_plan_clear(&plan);
	gadb__free(db);
	free(env.funcs);
	return err ? 1 : 0;
}
