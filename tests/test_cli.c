// SPDX-License-Identifier: MIT
/*
 * goattach end to end, its options and outputs: --max-calls, --min-latency,
 * --max-probes and globs, --stats and --hist (exact counts, bounded memory), one DB holding two builds,
 * goanalyze's bpftrace export printing what goattach prints, and --sig checked against the
 * arg-info words of a binary without DWARF.
 */
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "attachlib.h"

TEST_SETUP(attach_setup);

/*
 * Scope: --max-calls stops by itself; --min-latency keeps exactly the
 * slower calls (filtered in BPF: the summary counts the rest); more
 * probes than --max-probes need --yes; a glob pattern.
 */
TEST(scope_controls)
{
	struct bg_proc ga = {}, gm = {};
	struct cmd_result r = {}, rb = {}, rp = {}, ry = {};
	char *maxc[] = { "--db", (char *)sample_db("funcs"), "--max-calls", "3", "main.nest", NULL };
	char *nest[] = { (char *)sample_bin("funcs"), "nest", "10", NULL };
	char *minl[] = { "--db", (char *)sample_db("blocker"), "--json", "--min-latency", "9500us",
			 "main.work", NULL };
	char *blk[] = { (char *)sample_bin("blocker"), "70", "5", NULL };
	char cmd[2048];
	const char *line;
	int slow = 0, n;
	cJSON *c[128];

	REQUIRE_BPF();
	/* --max-calls 3: goattach exits on its own after three */
	if (ASSERT_TRUE(start_goattach(&gm, maxc), "start --max-calls")) {
		cmd_run(nest, 60, &r);
		ASSERT_OK(bg_stop(&gm, 0, 20), "goattach exits after --max-calls");
		ASSERT_EQ(gm.status, 0, "exit status");
		ASSERT_EQ(count_lines_with(gm.out, "main.nest("), 3, "exactly three calls printed");
		ASSERT_EQ(count_lines_with(gm.out, ") = ("), 3, "three completed calls");
		/* the summary counts the calls reported, not the ones completed after */
		ASSERT_CONTAINS(gm.err, "goattach: 3 calls,", "the summary counts three");
	}
	/* --min-latency: blocker sleeps 5, 8, 11, ... 23 ms; the threshold sits between 8 and 11 */
	if (ASSERT_TRUE(start_goattach(&ga, minl), "start --min-latency")) {
		cmd_run(blk, 60, &rb);
		stop_goattach(&ga);
		for (line = rb.out; line && *line;) {
			int id, res;
			long ns;

			if (sscanf(line, "work id=%d result=%d ns=%ld", &id, &res, &ns) == 3)
				slow += ns >= 9500000;
			line = strchr(line, '\n');
			line = line ? line + 1 : NULL;
		}
		n = json_calls(ga.out, "main.work", c, 128);
		free_calls(c, n);
		printf("  --min-latency 9500us: %d of 70 calls reported, the program timed %d above it\n",
		       n, slow);
		ASSERT_EQ(n, slow, "exactly the slower calls");
		ASSERT_CONTAINS(ga.err, "faster than --min-latency", "the rest counted in the summary");
	}
	/* every function of the funcs sample is more probes than --max-probes 10 */
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --max-probes 10 --duration 1s 'main.*'",
		 build_path("goattach"), sample_db("funcs"));
	sh_run(cmd, 60, &rp);
	ASSERT_EQ(rp.status, 1, "refused");
	ASSERT_CONTAINS(rp.err, "--yes", "the error names the flag that confirms");
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --max-probes 10 --yes --duration 1s 'main.*'",
		 build_path("goattach"), sample_db("funcs"));
	sh_run(cmd, 60, &ry);
	ASSERT_EQ(ry.status, 0, "--yes attaches them");
	ASSERT_CONTAINS(ry.err, "Tracing", "attached");
	{
		/* the glob selected every main.* function of the DB (one per name) */
		struct cmd_result q = {};
		const char *t = ry.err ? strstr(ry.err, "Tracing ") : NULL;
		int nf = t ? atoi(t + 8) : -1;

		snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"SELECT count(DISTINCT name) FROM functions "
			 "WHERE name GLOB 'main.*'\"", sample_db("funcs"));
		sh_run(cmd, 30, &q);
		ASSERT_EQ(nf, atoi(q.out ? q.out : "0"), "'main.*' traces each main.* function");
		ASSERT_GE(nf, 10, "many functions");
		cmd_result_free(&q);
	}
	cmd_result_free(&r);
	cmd_result_free(&rb);
	cmd_result_free(&rp);
	cmd_result_free(&ry);
	bg_free(&ga);
	bg_free(&gm);
}

/* The --stats rows after the header: most calls first, each latency in us. */
static void stats_rows_sorted(const char *out)
{
	const char *line = out ? strstr(out, "FUNC ") : NULL;
	unsigned long long calls, prev = ~0ULL;
	char name[256], lat[4][32];
	int rows = 0, n;

	for (line = line ? strchr(line, '\n') : NULL; line && line[1]; line = strchr(line + 1, '\n')) {
		n = sscanf(line + 1, "%255s %llu %*s %31s %31s %31s %31s", name, &calls, lat[0], lat[1],
			   lat[2], lat[3]);
		if (n < 2 || strncmp(name, "main.", 5))
			break;
		rows++;
		ASSERT_TRUE(calls <= prev, "rows by calls, most first");
		prev = calls;
		for (int k = 0; k < n - 2; k++)
			ASSERT_TRUE(!strcmp(lat[k], "-") || strstr(lat[k], "us"), "latencies in us");
	}
	ASSERT_EQ(rows, 4, "a row per function");
}

/* Lines of --hist output that are a local time alone, "15:04:05". */
static int hist_times(const char *out)
{
	int h, m, sec, len, n = 0;
	const char *line;

	for (line = out; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (sscanf(line, "%2d:%2d:%2d%n", &h, &m, &sec, &len) == 3 && len == 8 &&
		    (line[8] == '\n' || !line[8]))
			n++;
	}
	return n;
}

/* --stats: calls, calls with a non-nil error, percentiles; --hist: a log2 histogram. */
TEST(stats_and_hist)
{
	struct bg_proc gs = {}, gh = {};
	struct cmd_result r = {}, rb = {};
	char *sargs[] = { "--db", (char *)sample_db("funcs"), "--stats", "main.mixed", "main.nest",
			  "main.classify", "main.main", NULL };
	char *hargs[] = { "--db", (char *)sample_db("blocker"), "--hist", "--interval", "100ms",
			  "main.work", NULL };
	char *mixed[] = { (char *)sample_bin("funcs"), "mixed", "1", "2", "3", "4", "5", NULL };
	char *blk[] = { (char *)sample_bin("blocker"), "40", "5", NULL };
	unsigned long long calls = 0, errs = 0, total = 0, cnt;
	const char *line;

	REQUIRE_BPF();
	if (ASSERT_TRUE(start_goattach(&gs, sargs), "start --stats")) {
		cmd_run(mixed, 60, &r);
		stop_goattach(&gs);
		line = strstr(gs.out ? gs.out : "", "\nmain.mixed");
		ASSERT_TRUE(line && sscanf(line, " main.mixed %llu %llu", &calls, &errs) == 2,
			    "a stats row for main.mixed");
		ASSERT_EQ(calls, 5, "five calls");
		ASSERT_EQ(errs, 3, "three returned a non-nil error (odd n)");
		ASSERT_CONTAINS(gs.out, "P99", "percentile columns");
		ASSERT_EQ(count_lines_with(gs.out, "main.mixed(n="), 0, "no line per call");
		stats_rows_sorted(gs.out);
	}
	if (ASSERT_TRUE(start_goattach(&gh, hargs), "start --hist")) {
		cmd_run(blk, 60, &rb);
		usleep(350 * 1000);	/* some --interval prints after the calls */
		stop_goattach(&gh);
		for (line = gh.out; line && *line;) {
			/* a row "4194304 -> 8388607 : 40 |***|", not any line before one */
			if (sscanf(line, "%*u -> %*u : %llu", &cnt) == 1)
				total += cnt;
			line = strchr(line, '\n');
			line = line ? line + 1 : NULL;
		}
		ASSERT_CONTAINS(gh.out, "nsecs", "a histogram");
		ASSERT_EQ(total, 40, "every call in one bucket");
		ASSERT_CONTAINS(gh.out, "4194304 -> 8388607", "the 5-8 ms calls");
		/* a local time before each --interval's histograms and the last */
		if (!ASSERT_GE(hist_times(gh.out), 2, "timed intervals"))
			printf("%s\n", gh.out);
	}
	cmd_result_free(&r);
	cmd_result_free(&rb);
	bg_free(&gs);
	bg_free(&gh);
}

/* VmHWM of process pid in kB (its peak resident memory), 0 if unreadable. */
static unsigned long long vm_hwm_kb(pid_t pid)
{
	char path[64], line[256];
	unsigned long long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * --stats counts in BPF, no event per call: the calls counted are the
 * calls the program made (the program's own count), none lost, at any
 * rate; and goattach's memory does not grow with them (a run of 10x the
 * calls peaks within 2 MiB of the small one; one latency kept per call
 * would be 3.6 MB more).
 */
TEST(stats_exact_bounded_memory)
{
	static const char *const sizes[] = { "50000", "500000" };
	unsigned long long hwm[2] = {}, calls, errs, lost;
	size_t i;

	REQUIRE_BPF();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct bg_proc ga = {};
		struct cmd_result r = {};
		char *args[] = { "--db", (char *)sample_db("funcs"), "--stats", "--json", "main.classify",
				 NULL };
		char *run[] = { (char *)sample_bin("funcs"), "loop", (char *)sizes[i], NULL };
		char want[64];
		const char *line, *sum;

		calls = errs = lost = 0;
		if (ASSERT_TRUE(start_goattach(&ga, args), "start --stats")) {
			cmd_run(run, 300, &r);
			snprintf(want, sizeof(want), "loop calls=%s ", sizes[i]);
			ASSERT_CONTAINS(r.out, want, "program ran");
			hwm[i] = vm_hwm_kb(ga.pid);	/* before SIGINT: the tracing, not the printing */
			stop_goattach(&ga);
			line = strstr(ga.out ? ga.out : "", "{\"stats\":\"main.classify\"");
			ASSERT_TRUE(line && sscanf(line, "{\"stats\":\"main.classify\",\"calls\":%llu,"
						   "\"errors\":%llu", &calls, &errs) == 2,
				    "a JSON stats line for main.classify");
			ASSERT_EQ(calls, strtoull(sizes[i], NULL, 10), "every call counted");
			ASSERT_EQ(errs, 0, "classify returns no error");
			sum = ga.err ? strstr(ga.err, " calls, ") : NULL;
			ASSERT_TRUE(sum && sscanf(sum, " calls, %llu events lost", &lost) == 1, "summary");
			ASSERT_EQ(lost, 0, "no events to lose");
			printf("  %s calls: %llu counted, VmHWM %llu kB\n", sizes[i], calls, hwm[i]);
		}
		cmd_result_free(&r);
		bg_free(&ga);
	}
	ASSERT_TRUE(hwm[0] && hwm[1], "VmHWM read");
	ASSERT_GE(hwm[0] + 2048, hwm[1], "memory does not grow with the calls");
}

/*
 * One DB, two builds of samples/swapper (the second with another return
 * path in swap): goattach picks, for each binary, the build it is, says
 * which, and traces it.
 */
TEST(two_builds_one_db)
{
	char dir[512], cmd[4096], db[600], bin[2][600], sha[2][80];
	struct cmd_result r = {};
	int v;

	REQUIRE_BPF();
	snprintf(dir, sizeof(dir), "%s/twobuilds", tmp_dir());
	snprintf(db, sizeof(db), "%s/two.db", dir);
	snprintf(cmd, sizeof(cmd),
		 "set -e; D='%s'; G=\"$(realpath '%s')\"; rm -rf \"$D\"; mkdir -p \"$D/v1\" \"$D/v2\"; "
		 "for v in v1 v2; do cp samples/swapper/main.go samples/swapper/go.mod \"$D/$v/\"; done; "
		 "sed -i 's/^\treturn y, x$/\tif x == \"\" {\\n\t\treturn x, y\\n\t}\\n\treturn y, x/' \"$D/v2/main.go\"; "
		 "for v in v1 v2; do (cd \"$D/$v\" && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 "
		 "go build -gcflags=-l -o swapper .); $G index \"$D/$v/swapper\" --db \"$D/two.db\" >/dev/null; done",
		 dir, build_path("goanalyze"));
	sh_run(cmd, 300, &r);
	if (!ASSERT_EQ(r.status, 0, "two builds indexed into one DB")) {
		printf("  %s", r.err ? r.err : "");
		cmd_result_free(&r);
		return;
	}
	cmd_result_free(&r);
	for (v = 0; v < 2; v++) {
		snprintf(bin[v], sizeof(bin[v]), "%s/v%d/swapper", dir, v + 1);
		snprintf(cmd, sizeof(cmd), "sha256sum '%s' | cut -c1-12", bin[v]);
		sh_run(cmd, 30, &r);
		snprintf(sha[v], sizeof(sha[v]), "is build %.12s", r.out ? r.out : "");
		cmd_result_free(&r);
	}
	ASSERT_TRUE(strcmp(sha[0], sha[1]), "two different builds");
	for (v = 0; v < 2; v++) {
		struct bg_proc ga = {};
		struct cmd_result run = {};
		char *args[] = { "--db", db, "--binary", bin[v], "main.swap", NULL };
		char *prog[] = { bin[v], "a", "b", NULL };

		if (ASSERT_TRUE(start_goattach(&ga, args), "start")) {
			cmd_run(prog, 60, &run);
			stop_goattach(&ga);
			ASSERT_CONTAINS(ga.err, sha[v], "goattach says which build it picked");
			ASSERT_CONTAINS(ga.out, "main.swap(x=\"a\", y=\"b\") = (\"b\", \"a\")", "and traces it");
		}
		cmd_result_free(&run);
		bg_free(&ga);
	}
}

/*
 * goanalyze bpftrace: the generated script, run by Debian's bpftrace
 * (0.17, --unsafe for its file-offset probes), prints main.swap and
 * main.stacker with the values goattach shows for the same calls.
 */
static void bpftrace_vs_goattach(const char *sample, const char *func, char **prog)
{
	struct bg_proc bt = {}, ga = {};
	struct cmd_result r = {}, run = {};
	char script[600], cmd[2048], *btargs[] = { "bpftrace", "--unsafe", script, NULL };
	char *gaargs[] = { "--db", (char *)sample_db(sample), (char *)func, NULL };
	char want[512];
	const char *g, *b;
	size_t len;

	snprintf(script, sizeof(script), "%s/%s.bt", tmp_dir(), sample);
	snprintf(cmd, sizeof(cmd), "'%s' bpftrace --db '%s' '%s' -o '%s'", build_path("goanalyze"),
		 sample_db(sample), func, script);
	sh_run(cmd, 60, &r);
	if (!ASSERT_EQ(r.status, 0, "script generated"))
		goto out;
	if (!ASSERT_OK(bg_start(&bt, btargs), "start bpftrace") ||
	    !ASSERT_TRUE(bg_wait_stdout(&bt, "Ctrl-C", 60), "bpftrace attached") ||
	    !ASSERT_TRUE(start_goattach(&ga, gaargs), "start goattach"))
		goto out;
	cmd_run(prog, 60, &run);
	usleep(500 * 1000);
	stop_goattach(&ga);
	bg_stop(&bt, SIGINT, 30);
	/* the same call text up to the latency: "main.swap(x="hello", y="go") = ("go", "hello")" */
	g = ga.out ? strstr(ga.out, func) : NULL;
	b = bt.out ? strstr(bt.out, func) : NULL;
	if (!ASSERT_TRUE(g && b, "both saw the call")) {
		printf("  goattach: %s\n  bpftrace: %s\n%s\n", ga.out, bt.out, bt.err);
		goto out;
	}
	len = strcspn(g, "\n");
	snprintf(want, sizeof(want), "%.*s", (int)len, g);
	*strrchr(want, ' ') = '\0';	/* goattach's latency */
	printf("  bpftrace: %.*s\n", (int)strcspn(b, "\n"), b);
	ASSERT_TRUE(!strncmp(b, want, strlen(want)) && b[strlen(want)] == ' ',
		    "bpftrace prints the values goattach shows");
out:
	cmd_result_free(&r);
	cmd_result_free(&run);
	bg_stop(&bt, SIGKILL, 5);
	bg_free(&bt);
	bg_free(&ga);
}

TEST(bpftrace_export)
{
	char *swap[] = { (char *)sample_bin("swapper"), "hello", "go", NULL };
	char *stack[] = { (char *)sample_bin("stacker"), "1000", NULL };

	REQUIRE_BPF();
	if (access("/usr/bin/bpftrace", X_OK)) {
		TEST_SKIP("Debian's bpftrace is not installed (scripts/install-deps.sh installs it)");
		return;
	}
	bpftrace_vs_goattach("swapper", "main.swap", swap);
	bpftrace_vs_goattach("stacker", "main.stacker", stack);
}

/*
 * A pattern that matches functions goattach cannot trace (they never
 * return) skips them with one line naming them and traces the rest; the
 * same function named exactly is refused, and a pattern left with nothing
 * traceable is an error.
 */
TEST(globs_skip_untraceable)
{
	char *mixed[] = { "--db", (char *)sample_db("funcs"), "main.sum", "runtime.bgs*", NULL };
	char *named[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("funcs"),
			  "--duration", "1s", "runtime.bgsweep", NULL };
	char *none[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("funcs"),
			 "--duration", "1s", "runtime.panicdottype*", NULL };
	char *add[] = { (char *)sample_bin("funcs"), "mixed", "3", NULL };
	struct cmd_result r = {};
	struct bg_proc ga = {};

	REQUIRE_BPF();
	if (ASSERT_TRUE(start_goattach(&ga, mixed), "start with a glob that matches two that never return")) {
		cmd_run(add, 60, &r);
		cmd_result_free(&r);
		stop_goattach(&ga);
		ASSERT_EQ(count_lines_with(ga.err, "skipping 2 functions"), 1, "one line says what is skipped");
		ASSERT_CONTAINS(ga.err, "runtime.bgscavenge (never returns)", "names each, with why");
		ASSERT_CONTAINS(ga.err, "runtime.bgsweep (never returns)", "names each, with why");
		ASSERT_CONTAINS(ga.err, "Tracing 1 function", "the rest is traced");
	}
	bg_free(&ga);
	cmd_run(named, 60, &r);
	ASSERT_EQ(r.status, 1, "a function named exactly that never returns is refused");
	ASSERT_CONTAINS(r.err, "runtime.bgsweep has no RET or tail call", "with its reason");
	cmd_result_free(&r);
	cmd_run(none, 60, &r);
	ASSERT_EQ(r.status, 1, "nothing traceable left");
	ASSERT_CONTAINS(r.err, "no function left to trace", "says so");
	cmd_result_free(&r);
}

/*
 * --sig against the arg-info words of funcs stripped of DWARF and symbols:
 * a method's signature without its receiver, and a wrong size, are
 * refused (by goattach and by goanalyze annotate, which leaves the DB as
 * it was) saying what the function takes; the right one traces. Without
 * it, --stats cannot see results: its error count is "?".
 */
TEST(sig_checked_against_arginfo)
{
	static const char lors[] = "sync.(*Map).LoadOrStore";
	char bin[4096], db[4096], cmd[16384];
	char *norecv[] = { "--db", db, "--sig", "func(key, value any) (actual any, loaded bool)",
			   (char *)lors, NULL };
	char *good[] = { "--db", db, "--sig", "func(s string) int", "main.atoi", NULL };
	char *run[] = { bin, "classify", "7", NULL };
	char *stats[] = { "--db", db, "--stats", "main.atoi", NULL };
	char errs[8] = "";
	struct cmd_result r = {}, rr = {};
	struct bg_proc ga = {};

	snprintf(bin, sizeof(bin), "%s", tmp_path("funcs-stripped"));
	snprintf(cmd, sizeof(cmd), "objcopy --strip-all '%s' '%s'", sample_bin("funcs"), bin);
	if (!ASSERT_OK(sh_run(cmd, 60, &r), "objcopy") || !ASSERT_EQ(r.status, 0, "objcopy status"))
		goto out;
	cmd_result_free(&r);
	snprintf(db, sizeof(db), "%s", bin_db(bin));

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --sig '%s' '%s' --duration 1s", build_path("goattach"),
		 db, norecv[3], lors);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 1, "no receiver: refused");
	ASSERT_CONTAINS(r.err, "--sig refused: sync.(*Map).LoadOrStore takes 5 argument words "
			"(3 arguments: 8, 16 and 16 bytes, by its arg-info); this signature gives 4 "
			"(2 arguments: 16 and 16 bytes): is the receiver missing?", "what it expected");
	ASSERT_FALSE(strstr(r.err, "Tracing"), "nothing attached");
	cmd_result_free(&r);

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --sig 'func(n int) int' main.atoi --duration 1s",
		 build_path("goattach"), db);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 1, "a wrong size: refused");
	ASSERT_CONTAINS(r.err, "main.atoi takes 2 argument words (1 argument: 16 bytes, by its "
			"arg-info); this signature gives 1 (1 argument: 8 bytes)", "says both");
	cmd_result_free(&r);

	snprintf(cmd, sizeof(cmd), "'%s' annotate --db '%s' '%s' --sig '%s'; sqlite3 '%s' "
		 "\"SELECT params_source FROM functions WHERE name = '%s'\"", build_path("goanalyze"),
		 db, lors, norecv[3], db, lors);
	sh_run(cmd, 60, &r);
	ASSERT_CONTAINS(r.err, "annotate: --sig refused: sync.(*Map).LoadOrStore takes 5 argument words",
			"annotate refuses it too");
	ASSERT_STREQ(r.out, "arginfo\n", "the DB as it was");
	cmd_result_free(&r);

	if (bpf_unavailable_reason()) {
		TEST_SKIP("%s", bpf_unavailable_reason());
		goto out;
	}
	if (!ASSERT_TRUE(start_goattach(&ga, good), "the right signature attaches"))
		goto out;
	cmd_run(run, 60, &rr);
	stop_goattach(&ga);
	ASSERT_CONTAINS(ga.out, "main.atoi(s=\"7\") = (7)", "and shows the call");
	bg_free(&ga);
	cmd_result_free(&rr);

	/* --stats without the results: errors are unknown, "?", never 0 */
	if (!ASSERT_TRUE(start_goattach(&ga, stats), "--stats"))
		goto out;
	cmd_run(run, 60, &rr);
	stop_goattach(&ga);
	ASSERT_TRUE(ga.out && strstr(ga.out, "main.atoi ") &&
		    sscanf(strstr(ga.out, "main.atoi "), "main.atoi %*u %7s", errs) == 1, "a row");
	ASSERT_STREQ(errs, "?", "errors unknown without results");
out:
	(void)norecv;
	cmd_result_free(&r);
	cmd_result_free(&rr);
	bg_free(&ga);
}

/*
 * -c CMD: goattach starts the program held before exec, attaches with
 * its pid as the filter, lets it run, and exits with its status. The
 * calls at the very start of main are seen (all three of three), with
 * multi-uprobe links and with per-probe perf links; CMD is found via
 * PATH; a missing command is one line and nothing attached; a signal to
 * goattach is passed on, and the program's death by it is goattach's
 * status (128 + SIGINT).
 */
TEST(cmd_traced_from_start)
{
	static const char *const modes[] = { "", "GOATTACH_NO_MULTI=1 " };
	char cmd[4096], dir[600];
	struct cmd_result r = {};
	struct bg_proc ga = {};
	char *hang[] = { "--db", (char *)sample_db("funcs"), "-c", NULL, "main.waiter", NULL };
	char hangcmd[700];
	size_t i;

	REQUIRE_BPF();
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s'%s' --db '%s' -c '%s classify 1 2 3' main.classify",
			 modes[i], build_path("goattach"), sample_db("funcs"), sample_bin("funcs"));
		sh_run(cmd, 60, &r);
		printf("  %s-c: status %d, %d calls printed\n", modes[i], r.status,
		       count_lines_with(r.out, "main.classify("));
		ASSERT_EQ(r.status, 0, "the program's status");
		ASSERT_EQ(count_lines_with(r.out, "main.classify("), 3, "exactly its three calls");
		ASSERT_CONTAINS(r.out, "main.classify(n=1) = (\"small\")", "the first, at main's start");
		ASSERT_CONTAINS(r.out, "classify(3) = \"small\"", "the program's own output");
		ASSERT_CONTAINS(r.err, "goattach: 3 calls,", "the summary");
		cmd_result_free(&r);
	}

	/* the program exits 3: so does goattach */
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --json -c '%s exit 3' main.classify",
		 build_path("goattach"), sample_db("funcs"), sample_bin("funcs"));
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 3, "exit status 3 passed on");
	ASSERT_EQ(count_lines_with(r.out, "\"func\":\"main.classify\""), 1, "its one call");
	cmd_result_free(&r);

	/* found via PATH, as a shell would */
	snprintf(dir, sizeof(dir), "%s/samples", build_dir());
	snprintf(cmd, sizeof(cmd), "PATH='%s':\"$PATH\" '%s' --db '%s' -c 'funcs classify -4' "
		 "main.classify", dir, build_path("goattach"), sample_db("funcs"));
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 0, "status");
	ASSERT_CONTAINS(r.out, "main.classify(n=-4) = (\"negative\")", "a command found via PATH");
	cmd_result_free(&r);

	/* a missing command: one line, status 1, nothing attached */
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' -c 'no-such-command-14 1 2' main.classify",
		 build_path("goattach"), sample_db("funcs"));
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 1, "a missing command fails");
	ASSERT_STREQ(r.err, "goattach: command: 'no-such-command-14' not found in PATH\n",
		     "one line saying so");
	cmd_result_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' -c '%s' --pid 1 main.classify",
		 build_path("goattach"), sample_db("funcs"), sample_bin("funcs"));
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 1, "-c with --pid is refused");
	ASSERT_CONTAINS(r.err, "exclude each other", "saying why");
	ASSERT_FALSE(strstr(r.err ? r.err : "", "Tracing"), "nothing attached");
	cmd_result_free(&r);

	/* SIGINT to goattach reaches the program; it dies of it, goattach exits 130 */
	snprintf(hangcmd, sizeof(hangcmd), "%s hang 20000", sample_bin("funcs"));
	hang[3] = hangcmd;
	if (ASSERT_TRUE(start_goattach(&ga, hang), "start -c") &&
	    ASSERT_TRUE(bg_wait_stdout(&ga, "waiting", 30), "the program runs")) {
		kill(ga.pid, SIGINT);
		ASSERT_OK(bg_stop(&ga, 0, 20), "goattach exits with the program");
		ASSERT_EQ(ga.status, 128 + SIGINT, "its status: killed by SIGINT");
		ASSERT_CONTAINS(ga.err, "events lost", "the summary printed");
	}
	bg_free(&ga);
}

/* goattach's options as parsed: one line and status 1 for each mistake, before any DB is read. */
static void goattach_usage(const char *args, struct cmd_result *r)
{
	char cmd[2048];

	cmd_result_free(r);
	snprintf(cmd, sizeof(cmd), "'%s' --db /nonexistent/goattach.db %s main.f",
		 build_path("goattach"), args);
	sh_run(cmd, 30, r);
}

/*
 * -h as bcc's tools (argp's -? too); every duration in Go's syntax with a
 * unit, a bare number, nan, inf, a negative refused; options that would
 * change nothing refused; bcc's -i and -M letters.
 */
TEST(options_parsed)
{
	static const struct { const char *args; const char *err; } bad[] = {
		{ "--duration 2", "goattach: --duration '2' needs a unit: 2s, 2ms, 1m30s\n" },
		{ "--duration nan", "goattach: invalid --duration 'nan' (want e.g. 2s, 500ms, 1m30s, 100us)\n" },
		{ "--duration inf", "goattach: invalid --duration 'inf' (want e.g. 2s, 500ms, 1m30s, 100us)\n" },
		{ "--duration -1s", "goattach: invalid --duration '-1s' (want e.g. 2s, 500ms, 1m30s, 100us)\n" },
		{ "--duration 0s", "goattach: invalid --duration '0s' (want e.g. 2s, 500ms, 1m30s, 100us)\n" },
		{ "--duration 2x", "goattach: invalid --duration '2x' (want e.g. 2s, 500ms, 1m30s, 100us)\n" },
		{ "--duration 9999999h", "goattach: --duration '9999999h' is out of range\n" },
		{ "--min-latency 2", "goattach: --min-latency '2' needs a unit: 2s, 2ms, 1m30s\n" },
		{ "--hist --interval 5", "goattach: --interval '5' needs a unit: 5s, 5ms, 1m30s\n" },
		{ "--interval 5s", "goattach: --interval applies only with --hist\n" },
		{ "--stats -i 5s", "goattach: --interval applies only with --hist\n" },
	};
	static const char *const good[] = {
		"--duration 2s", "--duration 500ms", "--duration 1m30s", "--duration 1.5h",
		"-D 250us", "--duration 100\xc2\xb5s", "--min-latency 0s", "--min-latency 1.5ms",
		"--hist --interval 1m", "--hist -i 10s", "-M 3", "--stats --json",
	};
	struct cmd_result r = {};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		goattach_usage(bad[i].args, &r);
		ASSERT_EQ(r.status, 1, bad[i].args);
		ASSERT_STREQ(r.err, bad[i].err, bad[i].args);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		/* parsed: the error is the DB's */
		goattach_usage(good[i], &r);
		ASSERT_CONTAINS(r.err, "db: cannot open", good[i]);
	}
	goattach_usage("-h", &r);
	ASSERT_EQ(r.status, 0, "-h");
	ASSERT_CONTAINS(r.out, "Usage: goattach", "-h prints the help");
	ASSERT_CONTAINS(r.out, "EXAMPLES:", "all of it");
	goattach_usage("-?", &r);
	ASSERT_EQ(r.status, 0, "-? as before");
	ASSERT_CONTAINS(r.out, "Usage: goattach", "-? prints the help");
	cmd_result_free(&r);
}

static double mono_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --duration 1500ms stops after 1.5 s, not 1500 s and not at once. */
TEST(duration_units)
{
	struct cmd_result r = {};
	char cmd[2048];
	double t0;

	REQUIRE_BPF();
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --duration 1500ms main.nest",
		 build_path("goattach"), sample_db("funcs"));
	t0 = mono_sec();
	sh_run(cmd, 60, &r);
	t0 = mono_sec() - t0;
	ASSERT_EQ(r.status, 0, "exits by itself");
	printf("  --duration 1500ms: goattach ran %.2f s\n", t0);
	ASSERT_TRUE(t0 >= 1.5 && t0 < 10, "about 1.5 s (and attaching)");
	cmd_result_free(&r);
}

/*
 * goanalyze names: globs as goattach reads them (the same names sqlite's
 * GLOB gives), no silent cap (--limit says how many more), a pattern that
 * matches nothing is an error; an option a command does not take is one.
 */
TEST(goanalyze_names)
{
	struct cmd_result r = {}, q = {};
	const char *db = sample_db("kinds");
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "'%s' names --db '%s' 'main.*'", build_path("goanalyze"), db);
	cmd_result_free(&r);
	sh_run(cmd, 60, &r);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"SELECT DISTINCT name FROM functions WHERE name "
		 "GLOB 'main.*' ORDER BY name\"", db);
	sh_run(cmd, 30, &q);
	ASSERT_EQ(r.status, 0, "'main.*'");
	ASSERT_GE(count_lines_with(r.out, "main."), 20, "many main. names");
	ASSERT_STREQ(r.out, q.out, "the names sqlite's GLOB selects, in order");

	snprintf(cmd, sizeof(cmd), "'%s' names --db '%s' 'main.(*Counter).*' 'main.Max[...]'",
		 build_path("goanalyze"), db);
	cmd_result_free(&r);
	sh_run(cmd, 60, &r);
	ASSERT_STREQ(r.out, "main.(*Counter).Add\nmain.Max[go.shape.int_0]\nmain.Max[go.shape.string_0]\n",
		     "a method glob, every instance of a generic");

	/* all of a runtime's names: far more than the 5000 it stopped at */
	snprintf(cmd, sizeof(cmd), "'%s' names --db '%s' | wc -l; sqlite3 '%s' "
		 "'SELECT count(DISTINCT name) FROM functions'", build_path("goanalyze"), db, db);
	cmd_result_free(&r);
	sh_run(cmd, 60, &r);
	{
		long ours = 0, want = -1;

		sscanf(r.out ? r.out : "", "%ld %ld", &ours, &want);
		ASSERT_EQ(ours, want, "every name without a pattern");
	}
	snprintf(cmd, sizeof(cmd), "'%s' names --db '%s' 'main.*' --limit 3", build_path("goanalyze"),
		 db);
	cmd_result_free(&r);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 0, "--limit");
	ASSERT_EQ(count_lines_with(r.out, "main."), 3, "three names");
	{
		char more[64];

		snprintf(more, sizeof(more), "goanalyze: names: %d more (--limit 3)\n",
			 count_lines_with(q.out, "main.") - 3);
		ASSERT_STREQ(r.err, more, "how many more, on stderr");
	}
	snprintf(cmd, sizeof(cmd), "'%s' names --db '%s' 'nosuch.*'", build_path("goanalyze"), db);
	cmd_result_free(&r);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 1, "nothing matches");
	ASSERT_CONTAINS(r.err, "names: no function matches 'nosuch.*'", "saying so");

	snprintf(cmd, sizeof(cmd), "'%s' report --db '%s' -o /dev/null main.ints",
		 build_path("goanalyze"), db);
	cmd_result_free(&r);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 1, "report -o");
	ASSERT_STREQ(r.err, "goanalyze: --output does not apply to 'report' (goanalyze help report)\n",
		     "one line");
	snprintf(cmd, sizeof(cmd), "'%s' builds --db '%s' --fail-on-moved", build_path("goanalyze"), db);
	cmd_result_free(&r);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 1, "builds --fail-on-moved");
	cmd_result_free(&r);
	cmd_result_free(&q);
}

/*
 * Bash completion of Go names: what it puts on the command line reads back
 * (eval) as the very name, ( ) * [ ] and all, for an unquoted word and for
 * one opened with a quote.
 */
TEST(completion_quotes_names)
{
	struct cmd_result r = {};
	char cmd[4096];
	FILE *f;

	if (access("/bin/bash", X_OK)) {
		TEST_SKIP("no bash");
		return;
	}
	f = fopen(tmp_path("complete.sh"), "w");
	if (!ASSERT_TRUE(f != NULL, "write the script"))
		return;
	fputs(". completion/goattach.bash\n"
	      "db=$1\n"
	      "for w in 'main.(*C' 'main.\\(\\*L' main.Max; do\n"
	      "  COMP_WORDS=(goattach --db \"$db\" \"$w\"); COMP_CWORD=3; _goattach\n"
	      "  for c in \"${COMPREPLY[@]}\"; do eval \"set -- $c\"; echo \"$# $1\"; done\n"
	      "done\n"
	      "COMP_WORDS=(goattach --db \"$db\" \"'main.(*C\"); COMP_CWORD=3; _goattach\n"
	      "echo \"quoted: ${COMPREPLY[*]}\"\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "PATH='%s':\"$PATH\" bash '%s' '%s'", build_dir(),
		 tmp_path("complete.sh"), sample_db("kinds"));
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 0, "bash");
	ASSERT_STREQ(r.out, "1 main.(*Counter).Add\n"
		     "1 main.(*List[go.shape.int_0]).Push\n"
		     "1 main.Max[go.shape.int_0]\n"
		     "1 main.Max[go.shape.string_0]\n"
		     "quoted: main.(*Counter).Add\n", "each reply one word, the name");
	if (r.err && *r.err)
		printf("  bash: %s\n", r.err);
	cmd_result_free(&r);
}

/*
 * goanalyze diff --fail-on-moved: exit 2 when an argument of a function in
 * both builds moved. Go 1.20 reordered runtime.growslice's arguments
 * (runtime/slice.go: et first in 1.19, last from 1.20), so et moves from
 * RAX between a Go 1.19 and a Go 1.26 build of samples/gomaps.
 */
TEST(diff_fail_on_moved)
{
	struct cmd_result r = {};
	const char *old = sample_db("gomaps"), *new;
	char bin[1024], cmd[4096];

	snprintf(bin, sizeof(bin), "%s/gomatrix/1.26/gomaps", build_dir());
	if (access(bin, X_OK)) {
		TEST_SKIP("no Go 1.26 build of samples/gomaps (make build-tests)");
		return;
	}
	new = bin_db(bin);
	snprintf(cmd, sizeof(cmd), "'%s' diff '%s' '%s' --fail-on-moved", build_path("goanalyze"),
		 old, new);
	cmd_result_free(&r);
	sh_run(cmd, 120, &r);
	ASSERT_EQ(r.status, 2, "exit 2: arguments moved");
	ASSERT_CONTAINS(r.out, "! ARGUMENT LOCATIONS CHANGED: runtime.growslice", "growslice's moved");
	ASSERT_CONTAINS(r.out, "arg et: [rax] -> [rsi]", "et: from RAX to RSI");
	ASSERT_CONTAINS(r.err, "(--fail-on-moved)", "saying why on stderr");
	snprintf(cmd, sizeof(cmd), "'%s' diff '%s' '%s' --json --fail-on-moved | grep -c '\"param\":\t\"et\"'",
		 build_path("goanalyze"), old, new);
	cmd_result_free(&r);
	sh_run(cmd, 120, &r);
	ASSERT_GE(atoi(r.out ? r.out : "0"), 1, "et of growslice among the moved");
	snprintf(cmd, sizeof(cmd), "'%s' diff '%s' '%s' --fail-on-moved", build_path("goanalyze"),
		 old, old);
	cmd_result_free(&r);
	sh_run(cmd, 120, &r);
	ASSERT_EQ(r.status, 0, "the same build: nothing moved");
	snprintf(cmd, sizeof(cmd), "'%s' diff '%s' '%s'", build_path("goanalyze"), old, new);
	cmd_result_free(&r);
	sh_run(cmd, 120, &r);
	ASSERT_EQ(r.status, 0, "without --fail-on-moved: 0 as before");
	cmd_result_free(&r);
}
