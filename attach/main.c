// SPDX-License-Identifier: MIT
/* goattach: trace Go functions with exact, safe uprobes from a goanalyze DB. */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
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
	"  goattach --db app.db --sig 'func(x, y string) (string, string)' main.swap\n";

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
	{ "verbose", 'v', NULL, 0, "more messages (twice: libbpf debug)", 0 },
	{ "version", 'V', NULL, 0, "print the version and the DB schema version", 0 },
	{},
};

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

static int handle_event(void *ctx, void *data, size_t size)
{
	if (size < sizeof(struct ga_event))
		return 0;
	return output__event(ctx, data);
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

static size_t calls_in_flight(struct goattach_bpf *skel)
{
	struct ga_call_key key, next;
	int fd = bpf_map__fd(skel->maps.calls);
	size_t n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
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
	size_t i, nlinks = 0;
	double deadline = 0;
	int err;

	ga_log_set_prog("goattach");
	argp_err_exit_status = 1;
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return 1;
	ga_log_set_level(env.verbosity >= 2 ? GA_LOG_DEBUG : env.verbosity ? GA_LOG_INFO : GA_LOG_WARN);
	ga_log_set_json(env.json);
	libbpf_set_print(libbpf_print_fn);

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
	pr_info("attach: build %.16s (%s) in '%s'", plan.build.sha256,
		plan.build.go_version ? plan.build.go_version : "unknown Go", env.db_path);

	skel = goattach_bpf__open_and_load();
	if (!skel) {
		err = -errno;
		if (err == -EPERM || err == -EACCES)
			pr_warn("bpf: permission denied loading BPF: run as root or grant CAP_BPF and "
				"CAP_PERFMON");
		else
			pr_warn("bpf: cannot load the BPF programs: %s", strerror(-err));
		goto cleanup;
	}
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
		const struct ga_func *f = &plan.funcs[plan.probes[i].func_idx];

		links[i] = bpf_program__attach_uprobe_opts(skel->progs.ga_probe, env.pid ? env.pid : -1,
							   plan.binary_path, plan.probes[i].file_off, &uopts);
		if (!links[i]) {
			err = -errno;
			pr_warn("attach: uprobe on %s at file offset 0x%llx of '%s' failed: %s%s", f->name,
				(unsigned long long)plan.probes[i].file_off, plan.binary_path,
				strerror(-err),
				err == -ENOENT ? " (kernel without CONFIG_UPROBES?)" :
				err == -EPERM ? " (need root or CAP_PERFMON)" : "");
			goto cleanup;
		}
		nlinks++;
	}

	out = output__new(&plan, env.json, stdout);
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
		plan.nfuncs == 1 ? "" : "s", plan.nprobes);
	if (env.duration > 0)
		deadline = now_sec() + env.duration;

	while (!exiting) {
		err = ring_buffer__poll(rb, 100);
		if (err == -EINTR) {
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
		if (env.pid && kill(env.pid, 0) && errno == ESRCH) {
			pr_info("attach: process %d exited", env.pid);
			break;
		}
	}
	ring_buffer__consume(rb);
	fprintf(stderr,
		"goattach: %llu calls, %llu events lost, %llu exits without entry, "
		"%llu morestack passes ignored, %zu calls still in progress\n",
		(unsigned long long)stat_sum(skel, GA_STAT_CALLS),
		(unsigned long long)stat_sum(skel, GA_STAT_LOST),
		(unsigned long long)stat_sum(skel, GA_STAT_ORPHAN_EXIT),
		(unsigned long long)stat_sum(skel, GA_STAT_MORESTACK), calls_in_flight(skel));

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
