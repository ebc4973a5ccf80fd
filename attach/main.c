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

#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "calls.h"
#include "command.h"
#include "db.h"
#include "dbfind.h"
#include "expr.h"
#include "exprplace.h"
#include "format.h"
#include "goattach.h"
#include "goattach.skel.h"
#include "kernel.h"
#include "links.h"
#include "log.h"
#include "metrics.h"
#include "output.h"
#include "probes.h"
#include "stack.h"
#include "util.h"
#include "valve.h"
#include "version.h"

static struct env {
	const char *db_path;
	const char *db_dir;	/* --db-dir, else $GOATTACH_DB_PATH: where to find db_path */
	const char *binary;
	pid_t pid;
	const char *cmd;
	bool json;
	int verbosity;
	double duration;
	const char *sig;
	bool deref;
	int deref_depth;	/* --deref=N */
	uint64_t min_latency_ns;
	uint64_t max_calls;
	uint64_t max_rate;
	long max_probes;
	bool yes;
	bool stats;
	bool hist;
	const char *metrics;	/* --metrics ADDR:PORT */
	double interval;
	unsigned int stack;	/* --stack=N: frames per call; 0: none */
	const char *filter;	/* --filter COND */
	const char **funcs;
	size_t nfuncs;
	struct expr **exprs;	/* --expr, parsed */
	size_t nexprs;
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
	"  goattach --db-dir /usr/share/app/dbs --pid 1234 main.handle   # finds its DB\n"
	"  goattach --db app.db -c './app --port 8080' main.handle   # from its first instruction\n"
	"  goattach --db app.db --json --duration 10s main.handle > calls.jsonl\n"
	"  goattach --db app.db --sig 'func(x, y string) (string, string)' main.swap\n"
	"  goattach --db app.db --min-latency 2ms --stats 'main.(*Server).*'\n"
	"  goattach --db app.db --hist --interval 5s main.handle\n"
	"  goattach --db app.db --metrics 127.0.0.1:9464 main.handle   # for Prometheus\n"
	"  goattach --db app.db --stack=12 main.handle   # who called it, 12 frames\n"
	"  goattach --db app.db --filter 'n == 7 || strings.HasPrefix(path, \"/api\")' main.handle\n"
	"  goattach --db app.db --filter 'err != nil && latency > 2ms' main.open\n";

enum {
	OPT_MIN_LATENCY = 0x100,
	OPT_MAX_PROBES,
	OPT_YES,
	OPT_STATS,
	OPT_HIST,
	OPT_MAX_RATE,
	OPT_STACK,
	OPT_EXPR,
	OPT_FILTER,
	OPT_DB_DIR,
	OPT_METRICS,
};

/* --max-rate's default: about a core of overhead at 4 us per traced call */
#define DEFAULT_MAX_RATE 250000

static const struct argp_option opts[] = {
	{ "db", 'd', "FILE", 0, "goanalyze database (else found by --db-dir)", 0 },
	{ "db-dir", OPT_DB_DIR, "DIR", 0, "find the DB in DIR (DIR:DIR...: each *.db file read) by "
	  "the binary's sha256; the binary is --binary, -c CMD's or --pid's (default: "
	  "$GOATTACH_DB_PATH, when there is no --db)", 0 },
	{ "binary", 'b', "PATH", 0, "binary to trace (default: /proc/PID/exe with --pid, CMD's with "
	  "-c, else the indexed path that is still a build of the DB, else the executable of a "
	  "running process that is one)", 0 },
	{ "pid", 'p', "PID", 0, "trace only this process; exit when it exits", 0 },
	{ "cmd", 'c', "CMD", 0, "run CMD (split into words like a shell, no shell run) and trace only "
	  "it, from its first instruction; exit with its status. Signals are passed on to it", 0 },
	{ "json", 'j', NULL, 0, "one JSON object per call (JSON Lines)", 0 },
	{ "duration", 'D', "DUR", 0, "stop after DUR (2s, 500ms, 1m30s: Go's duration syntax, a "
	  "unit always)", 0 },
	{ "sig", 's', "SIG", 0, "Go signature of the function, for binaries without DWARF: "
	  "'func(x, y string) (string, string)'", 0 },
	{ "deref", 'r', "N", OPTION_ARG_OPTIONAL, "also show what pointer arguments and results "
	  "point at, strings too, and the pointers in there, N levels in all (default 1, at most "
	  "4): p=0xc000010000 &{X:1 Name:\"a\" Next:0xc000010020 &{...}}", 0 },
	{ "min-latency", OPT_MIN_LATENCY, "DUR", 0, "report only calls slower than DUR (2ms, 500us, "
	  "1s; filtered in BPF)", 0 },
	{ "filter", OPT_FILTER, "COND", 0, "report only the calls for which COND holds, a Go "
	  "condition on arguments, results and latency: == != < <= > >= && || !, len(), "
	  "strings.HasPrefix(s, \"lit\"), nil, 2ms ('n > 3 && name == \"x\"', 'err != nil', "
	  "'latency > 2ms'); evaluated in BPF at the entry when it reads only arguments, else at "
	  "the exit; a comparison on a value behind a nil pointer is false", 0 },
	{ "max-calls", 'M', "N", 0, "stop after N calls", 0 },
	{ "max-probes", OPT_MAX_PROBES, "N", 0, "refuse more than N probes without --yes "
	  "(default 1000)", 0 },
	{ "max-rate", OPT_MAX_RATE, "N", 0, "a safety valve: when the traced functions are entered "
	  "more than N times a second in all (measured every second), detach the hottest until the "
	  "rest fit, and stop when none is left (default 250000; 0: never)", 0 },
	{ "yes", OPT_YES, NULL, 0, "attach even more probes than --max-probes", 0 },
	{ "stats", OPT_STATS, NULL, 0, "at the end, per function: calls, calls with a non-nil error "
	  "result, p50/p90/p99/max latency (counted in BPF, no line per call; percentiles are the "
	  "upper bound of their log2 bucket, within 2x)", 0 },
	{ "hist", OPT_HIST, NULL, 0, "per function log2 latency histogram at the end and every "
	  "--interval (counted in BPF, no line per call)", 0 },
	{ "metrics", OPT_METRICS, "ADDR:PORT", 0, "serve /metrics for Prometheus on ADDR:PORT "
	  "(127.0.0.1:9464, [::1]:9464; that address only, plain HTTP): calls, errors and a "
	  "latency histogram per function, counted in BPF; no line per call unless --json", 0 },
	{ "interval", 'i', "DUR", 0, "with --hist: print and clear every DUR (5s, 1m)", 0 },
	{ "stack", OPT_STACK, "N", OPTION_ARG_OPTIONAL, "show each call's Go call stack at its "
	  "entry, N frames from the function itself (default 8, at most 32; frame pointers walked "
	  "in BPF; the calls inlined at each PC are frames too, counted in N): text ' stack: f ← "
	  "inlined (inlined) ← caller ← ...', JSON \"stack\": [...], \"stack_inlined\": [...]", 0 },
	{ "expr", OPT_EXPR, "EXPR", 0, "show the Go expression EXPR with each call (repeatable): "
	  "field paths through structs and pointers (r.URL.Path), constant indexes (xs[3]), "
	  "len(x), cap(x), results (~r0.Code); text ' EXPR=VALUE', JSON \"exprs\": {...}. "
	  "Type-checked against the DB before anything is attached", 0 },
	{ "verbose", 'v', NULL, 0, "more messages (twice: libbpf debug)", 0 },
	{ "version", 'V', NULL, 0, "print the version and the DB schema version", 0 },
	/* -h as in bcc's tools; argp's own --help and -? stay */
	{ NULL, 'h', NULL, OPTION_HIDDEN, "give this help list", -1 },
	{},
};

/*
 * A duration option's value into *ns: Go's syntax (2s, 500ms, 1m30s),
 * never a bare number (seconds or milliseconds? the unit says), nan or
 * a negative; positive unless zero_ok. Exits with one line on an error.
 */
static void parse_duration_opt(struct argp_state *state, const char *opt, const char *arg,
			       bool zero_ok, uint64_t *ns)
{
	int err = parse_go_duration(arg, ns);

	if (err == -ENOMSG)
		argp_failure(state, 1, 0, "%s '%s' needs a unit: %ss, %sms, 1m30s", opt, arg, arg,
			     arg);
	else if (err == -ERANGE)
		argp_failure(state, 1, 0, "%s '%s' is out of range", opt, arg);
	else if (err || (!zero_ok && !*ns))
		argp_failure(state, 1, 0, "invalid %s '%s' (want e.g. 2s, 500ms, 1m30s, 100us)", opt,
			     arg);
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	uint64_t ns;
	char *end;
	long v;

	switch (key) {
	case 'd':
		env.db_path = arg;
		break;
	case OPT_DB_DIR:
		env.db_dir = arg;
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
	case 'c':
		env.cmd = arg;
		break;
	case 'j':
		env.json = true;
		break;
	case 's':
		env.sig = arg;
		break;
	case 'r':
		errno = 0;
		v = arg ? strtol(arg, &end, 10) : 1;
		if (arg && (errno || *end || end == arg || v < 1 || v > DEREF_MAX_DEPTH))
			argp_error(state, "invalid --deref '%s' (levels of pointers, 1 to %d)", arg,
				   DEREF_MAX_DEPTH);
		env.deref = true;
		env.deref_depth = v;
		break;
	case 'D':
		parse_duration_opt(state, "--duration", arg, false, &ns);
		env.duration = ns / 1e9;
		break;
	case OPT_MIN_LATENCY:
		parse_duration_opt(state, "--min-latency", arg, true, &env.min_latency_ns);
		break;
	case OPT_FILTER:
		env.filter = arg;
		break;
	case 'M':
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
	case OPT_MAX_RATE:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || end == arg || v < 0)
			argp_error(state, "invalid --max-rate '%s' (calls per second; 0: no limit)", arg);
		env.max_rate = v;
		break;
	case OPT_YES:
		env.yes = true;
		break;
	case OPT_STATS:
		env.stats = true;
		break;
	case OPT_METRICS: {
		struct sockaddr_storage ss;
		const char *why;
		socklen_t len;

		if (metrics_parse_addr(arg, &ss, &len, &why))
			argp_failure(state, 1, 0, "bad --metrics '%s': %s", arg, why);
		env.metrics = arg;
		break;
	}
	case OPT_HIST:
		env.hist = true;
		break;
	case 'i':
		parse_duration_opt(state, "--interval", arg, false, &ns);
		env.interval = ns / 1e9;
		break;
	case OPT_STACK:
		errno = 0;
		v = arg ? strtol(arg, &end, 10) : GA_DEF_STACK;
		if (arg && (errno || *end || end == arg || v < 1 || v > GA_MAX_STACK))
			argp_error(state, "invalid --stack '%s' (frames per call, 1 to %d)", arg,
				   GA_MAX_STACK);
		env.stack = v;
		break;
	case OPT_EXPR: {
		char msg[300];
		struct expr *e = expr_parse(arg, msg, sizeof(msg));
		struct expr **n;

		if (!e)
			argp_failure(state, 1, 0, "bad --expr '%s': %s", arg, msg);
		n = realloc(env.exprs, (env.nexprs + 1) * sizeof(*n));
		if (!n)
			return ENOMEM;
		env.exprs = n;
		env.exprs[env.nexprs++] = e;
		break;
	}
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
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
		if (env.db_path && env.db_dir)
			argp_error(state, "--db FILE and --db-dir DIR exclude each other");
		if (!env.db_path && !env.db_dir)
			env.db_dir = getenv("GOATTACH_DB_PATH");
		if (!env.db_path && (!env.db_dir || !*env.db_dir))
			argp_error(state, "--db FILE is required (or --db-dir DIR, or GOATTACH_DB_PATH)");
		if (!env.nfuncs)
			argp_error(state, "name at least one function to trace");
		if (env.cmd && env.pid)
			argp_error(state, "-c CMD and --pid exclude each other (-c traces CMD's pid)");
		/* an option that would change nothing is a mistake to say, not to ignore */
		if (env.interval > 0 && !env.hist)
			argp_failure(state, 1, 0, "--interval applies only with --hist");
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

/* Everything one run of goattach holds, released by session_close(). */
struct session {
	char db_found[PATH_MAX];	/* --db-dir: the DB found, env.db_path */
	struct gadb *db;
	struct probe_plan plan;
	struct goattach_bpf *skel;
	bool multi;		/* one multi-uprobe link (multi_fd), else links */
	int multi_fd;
	unsigned int gen;	/* the multi link's generation: its specs' slots (active_gen) */
	struct bpf_link **links;	/* per planned probe; NULL once detached */
	size_t nlinks;		/* probes attached, by either */
	struct valve valve;	/* --max-rate */
	size_t ndropped;	/* functions detached by it */
	struct command cmd;	/* -c */
	bool cmd_execs_verified;	/* -c without --binary: CMD execs the file the plan verified */
	bool swap_said;		/* the binary's replacement was reported */
	struct ring_buffer *rb;
	struct output *out;
	struct stack_syms syms;	/* --stack: the build's function table */
	uint64_t reported;	/* completed calls reported, for --max-calls */
	uint64_t malformed;	/* ring buffer records event__unpack() refused */
	struct event ev;	/* the record being printed, unpacked */
	struct metrics_server *metrics;	/* --metrics */
	double t_start;
};

static int handle_event(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;

	if (env.max_calls && s->reported >= env.max_calls)
		return -ECANCELED;	/* stop consuming: the rest are not reported */
	if (event__unpack(&s->ev, data, size)) {
		/* never from our BPF program: count, say once, go on */
		if (!s->malformed++)
			pr_warn("bpf: a ring buffer record of %zu bytes is not a goattach event; "
				"skipping such records", size);
		return 0;
	}
	s->reported += output__event(s->out, &s->ev) > 0;
	if (env.max_calls && s->reported >= env.max_calls) {
		exiting = 1;
		return -ECANCELED;
	}
	return 0;
}

static uint64_t stat_sum(const struct session *s, enum ga_stat idx)
{
	return kernel_percpu_sum(bpf_map__fd(s->skel->maps.stats), idx);
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --binary, --pid's or -c's executable (-c sets --binary), else what the DB's builds say. */
static int default_binary(struct gadb *db, char *buf, size_t len)
{
	if (env.binary) {
		snprintf(buf, len, "%s", env.binary);
		return 0;
	}
	if (env.pid) {
		/* opens the file the process maps, even once deleted or replaced */
		snprintf(buf, len, "/proc/%d/exe", env.pid);
		return 0;
	}
	return dbfind_binary(db, env.db_path, buf, len);
}

/* With --db-dir (or GOATTACH_DB_PATH): the DB holding the binary's build, into buf. */
static int find_db(char *buf, size_t len)
{
	char exe[64];
	const char *binary = env.binary;

	if (env.db_path)
		return 0;
	if (!binary && env.pid) {
		snprintf(exe, sizeof(exe), "/proc/%d/exe", env.pid);
		binary = exe;
	}
	if (!binary) {
		pr_warn("db: to find the DB in '%s', name the binary: --binary PATH, --pid PID or "
			"-c CMD (or give the DB: --db FILE)", env.db_dir);
		return -EINVAL;
	}
	if (dbfind_db(env.db_dir, binary, buf, len))
		return -ENOENT;
	env.db_path = buf;
	return 0;
}

/* Calls reported one by one: --max-calls counts them; --metrics has them with --json only. */
static bool events_wanted(void)
{
	return env.max_calls || (env.metrics && env.json);
}

/*
 * --stats/--hist/--metrics count in BPF, per function and CPU, and BPF
 * sends no event for a completed call; but when events are wanted, the
 * summaries are counted from them as before.
 */
static bool aggregate_in_bpf(void)
{
	return (env.stats || env.hist || env.metrics) && !events_wanted();
}

/* --filter's syntax, checked before anything is started or attached. */
static int check_filter_syntax(void)
{
	char msg[256];
	struct expr *e;

	if (!env.filter)
		return 0;
	e = expr_parse(env.filter, msg, sizeof(msg));
	if (!e) {
		pr_warn("filter: bad --filter '%.100s%s': %s", env.filter,
			strlen(env.filter) > 100 ? "..." : "", msg);
		return -EINVAL;
	}
	expr_free(e);
	return 0;
}

/* The DB, the binary and the verified probe plan; says which build the binary is. */
static int open_plan(struct session *s)
{
	char binary[PATH_MAX];
	struct plan_opts popts;
	int err;

	if (env.pid && kill(env.pid, 0) && errno == ESRCH) {
		pr_warn("attach: no process %d", env.pid);
		return -ESRCH;
	}
	err = find_db(s->db_found, sizeof(s->db_found));
	if (err)
		return err;
	s->db = gadb__open(env.db_path);
	if (!s->db)
		return -errno;
	err = default_binary(s->db, binary, sizeof(binary));
	if (err)
		return err;
	popts = (struct plan_opts){
		.sig = env.sig, .deref = env.deref, .deref_depth = env.deref_depth, .exprs = env.exprs, .nexprs = env.nexprs,
		.filter = env.filter,
	};
	err = probe_plan__build(s->db, env.db_path, binary,
				s->cmd_execs_verified ? s->cmd.exe_fd : -1, env.funcs, env.nfuncs,
				&popts, &s->plan);
	if (err)
		return err;
	pr_debug("time: %.1f ms to plan (hash, DB, bytes checked)", (now_sec() - s->t_start) * 1e3);
	/* a DB may hold many builds: say which one this binary is */
	fprintf(stderr, "goattach: '%s' is build %.12s (%s, Go build id %s) of '%s'\n",
		s->plan.binary_path, s->plan.build.sha256,
		s->plan.build.go_version ? s->plan.build.go_version : "unknown Go",
		s->plan.build.go_build_id ? s->plan.build.go_build_id : "none", env.db_path);
	if (s->plan.nprobes - s->plan.nmarks > (size_t)env.max_probes && !env.yes) {
		pr_warn("attach: %zu functions need %zu probes, more than --max-probes %ld; narrow the "
			"patterns, or add --yes to attach them all", s->plan.nfuncs,
			s->plan.nprobes - s->plan.nmarks, env.max_probes);
		return -E2BIG;
	}
	/* the aggregates take nfuncs x CPUs x sizeof(struct ga_agg) of locked memory */
	if ((aggregate_in_bpf() || env.metrics) && s->plan.nfuncs > GA_MAX_FUNCS) {
		pr_warn("attach: --stats/--hist/--metrics keep at most %d functions, %zu selected; narrow the "
			"patterns", GA_MAX_FUNCS, s->plan.nfuncs);
		return -E2BIG;
	}
	return 0;
}

/*
 * GOATTACH_DEBUG_STOP=at ("after-verify", "before-attach"): goattach
 * stops itself there (SIGSTOP) until SIGCONT, so that a test can replace
 * the binary at that very moment. A test hook, as GOATTACH_NO_MULTI.
 */
static void debug_stop(const char *at)
{
	const char *want = getenv("GOATTACH_DEBUG_STOP");

	if (want && !strcmp(want, at)) {
		fflush(NULL);
		raise(SIGSTOP);
	}
}

/*
 * The uprobes go on the file verified, through its descriptor; but the
 * path the user named may name another file by now (renamed over it).
 * Said in one line. Tracing goes on only when the traced process runs
 * the file verified (--pid's /proc/PID/exe is it, or -c execs it);
 * otherwise no process the user meant runs it: -ESTALE, nothing (more)
 * attached.
 */
static int check_binary(struct session *s, bool attached)
{
	const struct probe_plan *plan = &s->plan;
	char pid_exe[64], now_ino[40], who[64];
	struct stat now;
	pid_t runs = 0;

	if (probe_plan__names_verified(plan, plan->binary_path, &now))
		return 0;
	/* --pid's process gone (its /proc/PID/exe too): the trace loop says so */
	if (env.pid && !s->cmd.pid && kill(env.pid, 0) && errno == ESRCH)
		return 0;
	if (s->cmd_execs_verified) {
		runs = s->cmd.pid;
	} else if (env.pid && !s->cmd.pid) {
		snprintf(pid_exe, sizeof(pid_exe), "/proc/%d/exe", env.pid);
		if (probe_plan__names_verified(plan, pid_exe, NULL))
			runs = env.pid;
	}
	if (now.st_ino)
		snprintf(now_ino, sizeof(now_ino), "now %llu", (unsigned long long)now.st_ino);
	else
		snprintf(now_ino, sizeof(now_ino), "now gone");
	if (runs) {
		snprintf(who, sizeof(who), s->cmd_execs_verified ? "-c's pid %d execs" : "pid %d runs",
			 runs);
		if (!s->swap_said)
			pr_warn("attach: '%s' was replaced %s (inode %llu, %s); the probes are on the "
				"file that was verified, which %s: tracing it", plan->binary_path,
				attached ? "while attaching" : "after it was verified",
				(unsigned long long)plan->bin_ino, now_ino, who);
		s->swap_said = true;
		return 0;
	}
	if (attached)
		pr_warn("attach: '%s' was replaced while attaching (inode %llu, %s); the probes are "
			"on the file that was verified, which no process started from '%s' now runs: "
			"detaching", plan->binary_path, (unsigned long long)plan->bin_ino, now_ino,
			plan->binary_path);
	else
		pr_warn("attach: '%s' was replaced after it was verified (inode %llu, %s); nothing "
			"attached: no process started from it now runs the build verified",
			plan->binary_path, (unsigned long long)plan->bin_ino, now_ino);
	return -ESTALE;
}

static bool plan_needs_tls(const struct probe_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nprobes; i++)
		if (plan->probes[i].spec.g_src == GA_G_TLS_FS || plan->probes[i].spec.g_src == GA_G_TLS_GS)
			return true;
	return false;
}

/*
 * Map sizes from the plan: the aggregates and hits per function, and the
 * probe specs (twice over with a multi link: --max-rate builds the next
 * link's specs in the other half).
 */
static int size_maps(struct session *s)
{
	size_t nf = s->plan.nfuncs ? s->plan.nfuncs : 1, np = s->plan.nprobes ? s->plan.nprobes : 1;
	bool on = aggregate_in_bpf();
	int err;

	s->skel->rodata->aggregate_only = on;
	/* --metrics --json: the aggregates beside the events */
	s->skel->rodata->aggregate = env.metrics && !on;
	s->skel->rodata->stack_depth = on ? 0 : env.stack;
	err = bpf_map__set_max_entries(s->skel->maps.aggs, on || env.metrics ? nf : 1);
	if (!err)
		err = bpf_map__set_max_entries(s->skel->maps.hits, nf);
	if (!err)
		err = bpf_map__set_max_entries(s->skel->maps.filters, s->plan.filters ? nf : 1);
	if (!err)
		err = bpf_map__set_max_entries(s->skel->maps.probes, s->multi ? 2 * np : np);
	return err;
}

/* Probe i's spec into slot (its cookie), live in generation gen. */
static int put_spec(struct session *s, size_t i, __u32 slot, unsigned int gen)
{
	struct ga_probe_spec spec = s->plan.probes[i].spec;

	spec.gen = gen;
	spec.probe_idx = i;
	if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.probes), &slot, &spec, BPF_ANY)) {
		pr_warn("bpf: cannot fill the probe map: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* Open and load the BPF object, and fill its probe map with the plan's specs. */
static int load_bpf(struct session *s)
{
	struct kernel_task_offsets to;
	size_t i;
	int err;

	s->skel = goattach_bpf__open();
	err = s->skel ? 0 : -errno;
	if (!err && s->multi)
		err = bpf_program__set_expected_attach_type(s->skel->progs.ga_probe,
							    LINKS_TRACE_UPROBE_MULTI);
	if (!err) {
		s->skel->rodata->min_latency_ns = env.min_latency_ns;
		err = size_maps(s);
	}
	if (!err) {
		err = plan_needs_tls(&s->plan) ? kernel_task_offsets(&to) : 0;
		if (!err && plan_needs_tls(&s->plan)) {
			s->skel->rodata->task_fsbase_off = to.fsbase;
			s->skel->rodata->task_gsindex_off = to.gsindex;
			s->skel->rodata->task_tls_array_off = to.tls_array;
		}
	}
	if (!err)
		err = goattach_bpf__load(s->skel);
	if (err) {
		if (err == -EPERM || err == -EACCES)
			pr_warn("bpf: permission denied loading BPF: run as root, or grant CAP_BPF, "
				"CAP_PERFMON and CAP_SYS_RESOURCE (kernel.unprivileged_bpf_disabled "
				"does not matter then)");
		else
			pr_warn("bpf: cannot load the BPF programs: %s", strerror(-err));
		return err;
	}
	pr_debug("time: %.1f ms to load BPF", (now_sec() - s->t_start) * 1e3);
	for (i = 0; i < s->plan.nprobes; i++) {
		err = put_spec(s, i, i, 0);
		if (err)
			return err;
	}
	for (i = 0; s->plan.filters && i < s->plan.nfuncs; i++) {
		__u32 key = i;

		if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.filters), &key, &s->plan.filters[i],
					BPF_ANY)) {
			pr_warn("bpf: cannot fill the filter map: %s", strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/*
 * Multi-uprobe links where the kernel has them, decided before the
 * program is loaded (its attach type differs). GOATTACH_NO_MULTI=1 forces
 * the per-probe links: a test hook for the fallback.
 */
static void choose_links(struct session *s)
{
	const char *why = NULL;
	const char *force = getenv("GOATTACH_NO_MULTI");

	if (force && *force && strcmp(force, "0"))
		why = "GOATTACH_NO_MULTI is set";
	else
		s->multi = links_have_uprobe_multi(env.pid > 0, &why);
	if (s->multi)
		pr_info("attach: one multi-uprobe link for all probes");
	else
		pr_info("attach: one perf-event uprobe link per probe (slow to detach, ~0.1 s each): %s",
			why);
}

static const char *probe_func_name(const struct probe_plan *plan, size_t i)
{
	size_t fi = plan->probes[i].func_idx;

	return fi < plan->nfuncs ? plan->funcs[fi].name :
	       plan->probes[i].spec.kind == GA_PROBE_PANIC ? "runtime.gopanic" : "runtime.Goexit";
}

static const char *attach_hint(int err)
{
	return err == -ENOENT || err == -EOPNOTSUPP ?
		       " (a kernel without uprobes: CONFIG_UPROBE_EVENTS)" :
	       err == -EPERM || err == -EACCES ? " (need root, or CAP_PERFMON and CAP_BPF)" : "";
}

/* Probe i belongs to a function --max-rate detached. */
static bool probe_dropped(const struct session *s, size_t i)
{
	size_t fi = s->plan.probes[i].func_idx;

	return s->valve.dropped && fi < s->plan.nfuncs && s->valve.dropped[fi];
}

/*
 * One multi-uprobe link over the probes not dropped by --max-rate, probe
 * i with cookie base + i (the slot of its spec). Returns the link's fd,
 * or -errno after an error line; *n: the probes in it.
 */
static int multi_link(struct session *s, __u32 base, size_t *n)
{
	const struct probe_plan *plan = &s->plan;
	unsigned long *offsets = calloc(plan->nprobes ? plan->nprobes : 1, sizeof(*offsets));
	uint64_t *cookies = calloc(plan->nprobes ? plan->nprobes : 1, sizeof(*cookies));
	size_t i, k = 0, first = 0;
	int fd = -ENOMEM;

	if (!offsets || !cookies)
		goto out_free;
	for (i = 0; i < plan->nprobes; i++) {
		if (probe_dropped(s, i))
			continue;
		if (!k)
			first = i;
		offsets[k] = plan->probes[i].file_off;
		cookies[k++] = base + i;
	}
	fd = links_uprobe_multi_create(bpf_program__fd(s->skel->progs.ga_probe), plan->attach_path,
				       offsets, cookies, k, env.pid);
	if (fd < 0)
		pr_warn("attach: multi-uprobe link on %zu probes (%s first, file offset 0x%llx) of "
			"'%s' failed: %s%s", k, k ? probe_func_name(plan, first) : "none",
			k ? (unsigned long long)plan->probes[first].file_off : 0ULL, plan->binary_path,
			strerror(-fd), attach_hint(fd));
	else
		*n = k;
out_free:
	free(offsets);
	free(cookies);
	return fd;
}

/* All probes in one multi-uprobe link, probe i with cookie i (the index of its spec). */
static int attach_multi(struct session *s)
{
	int fd = multi_link(s, 0, &s->nlinks);

	if (fd < 0)
		return fd;
	s->multi_fd = fd;
	return 0;
}

/* One perf-event uprobe per planned probe, its attach cookie the index of its spec. */
static int attach_perf(struct session *s)
{
	const struct probe_plan *plan = &s->plan;
	size_t i;
	int err;

	s->links = calloc(plan->nprobes ? plan->nprobes : 1, sizeof(*s->links));
	if (!s->links)
		return -ENOMEM;
	for (i = 0; i < plan->nprobes; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, uopts, .bpf_cookie = i, .retprobe = false);

		s->links[i] = bpf_program__attach_uprobe_opts(s->skel->progs.ga_probe,
							      env.pid ? env.pid : -1, plan->attach_path,
							      plan->probes[i].file_off, &uopts);
		if (!s->links[i]) {
			err = -errno;
			pr_warn("attach: uprobe on %s at file offset 0x%llx of '%s' failed: %s%s",
				probe_func_name(plan, i), (unsigned long long)plan->probes[i].file_off,
				plan->binary_path, strerror(-err), attach_hint(err));
			return err;
		}
		s->nlinks++;
	}
	return 0;
}

static int attach_probes(struct session *s)
{
	double t0;
	int err;

	debug_stop("before-attach");
	pr_info("attach: the uprobes go on '%s', inode %llu: the '%s' verified",
		s->plan.attach_path, (unsigned long long)s->plan.bin_ino, s->plan.binary_path);
	t0 = now_sec();
	err = s->multi ? attach_multi(s) : attach_perf(s);
	if (!err)
		pr_info("time: %.1f ms to attach %zu probes", (now_sec() - t0) * 1e3, s->nlinks);
	if (!err)
		err = check_binary(s, true);
	return err;
}

/* stdout's buffer: lines go out in large writes, flushed after each drain of the ring buffer */
#define STDOUT_BUF_SIZE (1 << 20)

static int open_output(struct session *s)
{
	struct output_opts oo = {
		.json = env.json, .stats = env.stats, .hist = env.hist,
		.quiet = env.stats || env.hist || aggregate_in_bpf(), .aggregated = aggregate_in_bpf(),
		.stack = env.stack, .syms = &s->syms,
	};

	if (env.stack && s->plan.build.arch == GA_ARCH_386) {
		pr_warn("attach: --stack walks frame pointers, which Go keeps on amd64 and arm64, "
			"not on 386 ('%s')", s->plan.binary_path);
		return -EOPNOTSUPP;
	}
	if (env.stack && stack_syms__load(&s->syms, s->db, s->plan.build.db_id))
		return -EIO;

	/* nothing was written to stdout yet; on failure stdio keeps its own buffer */
	setvbuf(stdout, NULL, _IOFBF, STDOUT_BUF_SIZE);
	s->out = output__new(&s->plan, &oo, stdout);
	if (s->out)
		s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), handle_event, s, NULL);
	if (!s->out || !s->rb) {
		pr_warn("bpf: cannot open the ring buffer: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * A new multi link without the dropped functions' probes, its specs in
 * the other half of the probes map under the next generation: made live
 * (active_gen) before the old link is closed, so every call of the
 * functions kept is seen by exactly one of them.
 */
static int relink_multi(struct session *s)
{
	unsigned int next = s->gen + 1;
	__u32 base = next & 1 ? s->plan.nprobes : 0;
	size_t i, k = 0;
	int fd, err = 0;

	for (i = 0; !err && i < s->plan.nprobes; i++)
		if (!probe_dropped(s, i))
			err = put_spec(s, i, base + i, next);
	if (err)
		return err;
	fd = multi_link(s, base, &k);
	if (fd < 0)
		return fd;
	s->skel->bss->active_gen = next;
	__sync_synchronize();
	close(s->multi_fd);
	s->multi_fd = fd;
	s->gen = next;
	s->nlinks = k;
	return 0;
}

/*
 * The per-probe links of the dropped functions, one by one (each waits
 * for a grace period); their specs emptied first, so that BPF ignores
 * them at once rather than see exits whose entry is already gone.
 */
static void detach_perf_dropped(struct session *s)
{
	struct ga_probe_spec none = {};
	size_t i;

	for (i = 0; i < s->plan.nprobes; i++) {
		__u32 key = i;

		if (probe_dropped(s, i))
			bpf_map_update_elem(bpf_map__fd(s->skel->maps.probes), &key, &none, BPF_ANY);
	}
	for (i = 0; s->links && i < s->plan.nprobes; i++) {
		if (!s->links[i] || !probe_dropped(s, i))
			continue;
		bpf_link__destroy(s->links[i]);
		s->links[i] = NULL;
		s->nlinks--;
	}
}

/* "main.step (95210 calls/s, 2 probes), ...": the first few of drop, into a malloc'd string. */
static char *drop_list(const struct session *s, const size_t *drop, size_t n)
{
	char *msg = NULL;
	size_t len = 0, i, j, probes;
	FILE *m = open_memstream(&msg, &len);

	if (!m)
		return NULL;
	for (i = 0; i < n && i < 8; i++) {
		for (j = 0, probes = 0; j < s->plan.nprobes; j++)
			probes += s->plan.probes[j].func_idx == drop[i];
		fprintf(m, "%s%s (%llu calls/s, %zu probes)", i ? ", " : "", s->plan.funcs[drop[i]].name,
			(unsigned long long)s->valve.rate[drop[i]], probes);
	}
	if (n > 8)
		fprintf(m, " and %zu more", n - 8);
	fclose(m);
	return msg;
}

/*
 * --max-rate: every second, the calls/s of the functions still traced;
 * over the limit, detach the hottest until the rest fit, and stop when
 * none is left. Says which, and why.
 */
static void check_rate(struct session *s)
{
	size_t *drop = calloc(s->plan.nfuncs ? s->plan.nfuncs : 1, sizeof(*drop));
	size_t i, left = 0;
	uint64_t total;
	char *list;
	int n;

	if (!drop)
		return;
	n = valve__check(&s->valve, bpf_map__fd(s->skel->maps.hits), now_sec(), 1.0, drop, &total);
	if (n < 0)
		pr_warn("max-rate: cannot read the entry counts: %s", strerror(-n));
	if (n <= 0)
		goto out;
	for (i = 0; i < s->plan.nfuncs; i++)
		left += !s->valve.dropped[i];
	s->ndropped += n;
	list = drop_list(s, drop, n);
	if (!left) {
		pr_warn("max-rate: the traced functions ran %llu calls/s, over --max-rate %llu; "
			"detaching %s leaves nothing to trace: stopping", (unsigned long long)total,
			(unsigned long long)env.max_rate, list ? list : "them");
		exiting = 1;
		free(list);
		goto out;
	}
	if (s->multi && relink_multi(s)) {
		exiting = 1;	/* neither link can stay: the old one traces what is too hot */
		free(list);
		goto out;
	}
	if (!s->multi)
		detach_perf_dropped(s);
	pr_warn("max-rate: the traced functions ran %llu calls/s, over --max-rate %llu; detached "
		"the hottest: %s; %zu function%s still traced", (unsigned long long)total,
		(unsigned long long)env.max_rate, list ? list : "?", left, left == 1 ? "" : "s");
	free(list);
	calls_forget(bpf_map__fd(s->skel->maps.calls), s->valve.dropped, s->plan.nfuncs);
out:
	free(drop);
}

/*
 * A drain that took at least this many records means BPF is producing
 * fast: drain again at once instead of sleeping until the next wakeup.
 */
#define BUSY_RECORDS 256

/* Consume events until a signal, --duration, --max-calls or the --pid process ends. */
static int trace_loop(struct session *s)
{
	double deadline = env.duration > 0 ? now_sec() + env.duration : 0;
	double next_sweep = now_sec() + 1;
	double next_hist = env.hist && env.interval > 0 ? now_sec() + env.interval : 0;
	int cfd = bpf_map__fd(s->skel->maps.calls), gfd = bpf_map__fd(s->skel->maps.gstates);
	int err, n = 0;

	while (!exiting) {
		/*
		 * BPF wakes us only for a batch: when idle, take what is
		 * there every 100 ms; when busy, keep draining.
		 */
		err = ring_buffer__poll(s->rb, n >= BUSY_RECORDS ? 0 : 100);
		if (err >= 0) {
			n = err;
			err = ring_buffer__consume(s->rb);
			if (err > 0)
				n += err;
		}
		fflush(stdout);
		if (err == -EINTR && s->cmd.pid)
			err = 0;	/* -c: a signal passed on to CMD; its exit ends the loop */
		if (err == -EINTR || err == -ECANCELED)
			return 0;
		if (err < 0) {
			pr_warn("bpf: polling the ring buffer failed: %s", strerror(-err));
			return err;
		}
		if (deadline && now_sec() >= deadline)
			break;
		if (now_sec() >= next_sweep) {
			calls_sweep(cfd, gfd, &s->plan, s->out, false);
			next_sweep = now_sec() + 1;
			if (env.max_rate)
				check_rate(s);
			metrics_server__set_probes(s->metrics, s->nlinks);
		}
		if (next_hist && now_sec() >= next_hist) {
			output__print_hist(s->out, bpf_map__fd(s->skel->maps.aggs), stdout);
			next_hist = now_sec() + env.interval;
		}
		if (s->cmd.pid && command__exited(&s->cmd)) {
			pr_info("attach: command %d exited", s->cmd.pid);
			break;
		}
		if (env.pid && kill(env.pid, 0) && errno == ESRCH) {
			pr_info("attach: process %d exited", env.pid);
			break;
		}
	}
	return 0;
}

/* What is left in flight, the summaries, and the closing line of counts. */
static void finish(struct session *s)
{
	bool more = !env.max_calls || s->reported < env.max_calls;
	size_t in_flight;

	if (more)
		ring_buffer__consume(s->rb);
	if (s->malformed)
		pr_warn("bpf: %llu ring buffer records were not goattach events",
			(unsigned long long)s->malformed);
	/* after --max-calls, nothing more is reported */
	in_flight = calls_sweep(bpf_map__fd(s->skel->maps.calls), bpf_map__fd(s->skel->maps.gstates),
				&s->plan, more ? s->out : NULL, true);
	if (env.stats)
		output__print_stats(s->out, bpf_map__fd(s->skel->maps.aggs), stdout);
	if (env.hist)
		output__print_hist(s->out, bpf_map__fd(s->skel->maps.aggs), stdout);
	/* the lines before the closing line, where both go to one terminal */
	fflush(stdout);
	/* after --max-calls, the calls counted are the ones reported */
	fprintf(stderr,
		"goattach: %llu calls, %llu events lost, %llu exits without entry, "
		"%llu morestack passes ignored, %zu calls still in progress",
		(unsigned long long)(more ? stat_sum(s, GA_STAT_CALLS) : s->reported),
		(unsigned long long)stat_sum(s, GA_STAT_LOST),
		(unsigned long long)stat_sum(s, GA_STAT_ORPHAN_EXIT),
		(unsigned long long)stat_sum(s, GA_STAT_MORESTACK), in_flight);
	if (env.min_latency_ns)
		fprintf(stderr, ", %llu faster than --min-latency",
			(unsigned long long)stat_sum(s, GA_STAT_FILTERED));
	if (!more && stat_sum(s, GA_STAT_CALLS) > s->reported)
		fprintf(stderr, ", %llu more completed after --max-calls %llu (not reported)",
			(unsigned long long)(stat_sum(s, GA_STAT_CALLS) - s->reported),
			(unsigned long long)env.max_calls);
	if (env.filter)
		fprintf(stderr, ", %llu calls filtered out",
			(unsigned long long)(stat_sum(s, GA_STAT_PRED_ENTRY) +
					     stat_sum(s, GA_STAT_PRED_EXIT)));
	if (stat_sum(s, GA_STAT_FULL))
		fprintf(stderr, ", %llu not tracked (%d calls already in flight)",
			(unsigned long long)stat_sum(s, GA_STAT_FULL), GA_MAX_CALLS);
	if (s->ndropped)
		fprintf(stderr, ", %zu function%s detached by --max-rate %llu", s->ndropped,
			s->ndropped == 1 ? "" : "s", (unsigned long long)env.max_rate);
	fputc('\n', stderr);
	if (env.filter)
		pr_info("filter: %llu rejected at the entry, %llu at the exit; %llu exits of functions "
			"filtered at the entry found no record (calls rejected, or begun before attaching)",
			(unsigned long long)stat_sum(s, GA_STAT_PRED_ENTRY),
			(unsigned long long)stat_sum(s, GA_STAT_PRED_EXIT),
			(unsigned long long)stat_sum(s, GA_STAT_PRED_NOREC));
	output__print_ended(s->out, stderr);
}

/*
 * Remove every probe. The signal handlers stay installed meanwhile, so a
 * second Ctrl-C cannot stop it halfway; and the links are fds, so even
 * kill -9 leaves nothing attached.
 */
static void detach_probes(struct session *s)
{
	double t0 = now_sec();
	size_t i, n = s->nlinks;

	/* the count "Tracing ..." said (the runtime's panic and Goexit probes go too) */
	if (n)
		fprintf(stderr, "goattach: detaching %zu probes...\n", s->plan.nprobes - s->plan.nmarks);
	if (s->multi_fd >= 0)
		close(s->multi_fd);
	s->multi_fd = -1;
	for (i = 0; s->links && i < s->plan.nprobes; i++)
		bpf_link__destroy(s->links[i]);
	free(s->links);
	s->links = NULL;
	s->nlinks = 0;
	if (n)
		pr_info("time: %.1f ms to detach %zu probes", (now_sec() - t0) * 1e3, n);
}

static void session_close(struct session *s)
{
	metrics_server__free(s->metrics);
	detach_probes(s);
	valve__clear(&s->valve);
	ring_buffer__free(s->rb);
	output__free(s->out);
	stack_syms__clear(&s->syms);
	goattach_bpf__destroy(s->skel);
	probe_plan__clear(&s->plan);
	gadb__free(s->db);
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts, .parser = parse_arg, .args_doc = "FUNC...", .doc = argp_doc,
	};
	struct session s = { .multi_fd = -1, .cmd = { .release_fd = -1, .exe_fd = -1 } };
	size_t i;
	int err;

	ga_log_set_prog("goattach");
	argp_err_exit_status = 1;
	env.max_probes = 1000;
	env.max_rate = DEFAULT_MAX_RATE;
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return 1;
	ga_log_set_level(env.verbosity >= 2 ? GA_LOG_DEBUG : env.verbosity ? GA_LOG_INFO : GA_LOG_WARN);
	ga_log_set_json(env.json);
	libbpf_set_print(libbpf_print_fn);

	s.t_start = now_sec();
	err = check_filter_syntax();
	if (!err)
		err = kernel_check_privileges();
	/* bound before anything starts: a port in use is one line, nothing attached */
	if (!err && env.metrics && !(s.metrics = metrics_server__listen(env.metrics)))
		err = -errno;
	if (!err && env.cmd) {
		/* held before exec: the plan is for its binary, its pid the filter */
		err = command__start(&s.cmd, env.cmd);
		env.pid = s.cmd.pid;
		if (!env.binary) {
			env.binary = s.cmd.path;
			/* unreadable: the plan says so, opening it */
			s.cmd_execs_verified = s.cmd.exe_fd >= 0;
		}
	}
	if (!err)
		err = open_plan(&s);
	if (!err) {
		debug_stop("after-verify");
		err = check_binary(&s, false);
	}
	if (!err) {
		choose_links(&s);
		err = load_bpf(&s);
	}
	if (!err) {
		/* from here to the end: a signal stops tracing, never the detaching */
		signal(SIGINT, sig_handler);
		signal(SIGTERM, sig_handler);
		signal(SIGHUP, sig_handler);
		if (s.cmd.pid)
			command__forward_signals(&s.cmd);
		err = attach_probes(&s);
	}
	if (!err)
		err = open_output(&s);
	if (!err && s.metrics) {
		struct metrics_source src = {
			.agg_fd = bpf_map__fd(s.skel->maps.aggs), .stats_fd = bpf_map__fd(s.skel->maps.stats),
			.plan = &s.plan,
		};

		metrics_server__set_probes(s.metrics, s.nlinks);
		err = metrics_server__start(s.metrics, &src);
	}
	if (!err && env.max_rate) {
		err = valve__init(&s.valve, s.plan.nfuncs, env.max_rate, now_sec());
		if (err)
			pr_warn("max-rate: cannot count the calls: %s", strerror(-err));
	}
	if (!err) {
		fprintf(stderr, "Tracing %zu function%s (%zu probes). Ctrl-C to stop.\n", s.plan.nfuncs,
			s.plan.nfuncs == 1 ? "" : "s", s.plan.nprobes - s.plan.nmarks);
		pr_info("attach: %zu more probes on runtime.gopanic/runtime.Goexit say why a call "
			"never returned", s.plan.nmarks);
		if (s.cmd.pid)
			err = command__release(&s.cmd, s.cmd_execs_verified);
		if (!err)
			err = trace_loop(&s);
	}
	if (!err)
		finish(&s);
	session_close(&s);
	free(env.funcs);
	for (i = 0; i < env.nexprs; i++)
		expr_free(env.exprs[i]);
	free(env.exprs);
	if (!err && s.cmd.pid)
		return command__wait(&s.cmd);	/* -c: CMD's status */
	command__free(&s.cmd);
	return err ? 1 : 0;
}
