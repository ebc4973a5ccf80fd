// SPDX-License-Identifier: MIT
/*
 * goattach end to end: real BPF attached to real Go processes built from
 * samples/. Values are compared with what each program prints about its
 * own calls; kernel state is checked with bpftool.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "attachlib.h"

/* The slice's headline: one call, the right argument and result, the program unharmed. */
static void test_stacker(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON *calls[4];
	int n = 0;
	char *args[] = { "--db", (char *)sample_db("stacker"), "--json", "main.stacker", NULL };
	char *run[] = { (char *)sample_bin("stacker"), "1000000", NULL };

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 120, &r);
	ASSERT_EQ(r.status, 0, "stacker exit status");
	ASSERT_STREQ(r.out, "hello: 999999000000\n", "stacker output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.stacker", calls, 4);
	if (!ASSERT_EQ(n, 1, "exactly one call"))
		goto out;
	ASSERT_EQ(num(calls[0], "args", "count"), 1000000, "count");
	ASSERT_STREQ(str(calls[0], "results", "~r0"), "hello: 999999000000", "result string");
	ASSERT_GE(num(calls[0], "latency_ns", NULL), 1000, "latency");
	ASSERT_TRUE(num(calls[0], "goid", NULL) >= 1, "goid");
	ASSERT_CONTAINS(ga.err, "1 calls", "summary count");
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

static void test_swapper(void)
{
	struct bg_proc ga = {}, gt = {};
	struct cmd_result r = {};
	cJSON *calls[4];
	int n = 0;
	char *args[] = { "--db", (char *)sample_db("swapper"), "--json", "main.swap", NULL };
	char *targs[] = { "--db", (char *)sample_db("swapper"), "main.swap", NULL };
	char *run[] = { (char *)sample_bin("swapper"), "hello", "go", NULL };

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start json") ||
	    !ASSERT_TRUE(start_goattach(&gt, targs), "start text"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "go hello\n", "swapper output");
	stop_goattach(&ga);
	stop_goattach_with(&gt, SIGTERM);
	n = json_calls(ga.out, "main.swap", calls, 4);
	if (!ASSERT_EQ(n, 1, "one call"))
		goto out;
	ASSERT_STREQ(str(calls[0], "args", "x"), "hello", "x");
	ASSERT_STREQ(str(calls[0], "args", "y"), "go", "y");
	ASSERT_STREQ(str(calls[0], "results", "~r0"), "go", "~r0");
	ASSERT_STREQ(str(calls[0], "results", "~r1"), "hello", "~r1");
	ASSERT_CONTAINS(gt.out, "main.swap(x=\"hello\", y=\"go\") = (\"go\", \"hello\")", "text line");
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
	bg_free(&gt);
}

/*
 * Goroutines block inside the traced function and resume on any thread:
 * every call is seen once, and the latency matches what the program
 * measured itself within 5%.
 */
static void test_blocker_latency(void)
{
	enum { G = 1000, MS = 40 };
	struct bg_proc ga = {};
	struct cmd_result r = {};
	static cJSON *calls[G + 8];
	static long prog_ns[G];
	static int seen[G];
	int n = 0, i, bad = 0, off = 0, moved = 0;
	char *args[] = { "--db", (char *)sample_db("blocker"), "--json", "main.work", NULL };
	char gs[16], ms[16];
	char *run[] = { (char *)sample_bin("blocker"), gs, ms, NULL };
	const char *line;

	REQUIRE_BPF();
	snprintf(gs, sizeof(gs), "%d", G);
	snprintf(ms, sizeof(ms), "%d", MS);
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 120, &r);
	ASSERT_EQ(r.status, 0, "blocker exit");
	stop_goattach(&ga);
	for (i = 0; i < G; i++)
		prog_ns[i] = -1;
	for (line = r.out; line && *line;) {
		int id, res;
		long ns;

		if (sscanf(line, "work id=%d result=%d ns=%ld", &id, &res, &ns) == 3 && id >= 0 && id < G)
			prog_ns[id] = ns;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	memset(seen, 0, sizeof(seen));
	n = json_calls(ga.out, "main.work", calls, G + 8);
	if (!ASSERT_EQ(n, G, "every call seen once"))
		goto out;
	for (i = 0; i < n; i++) {
		int id = num(calls[i], "args", "id");
		double lat = num(calls[i], "latency_ns", NULL);

		if (!ASSERT_TRUE(id >= 0 && id < G, "id in range"))
			continue;
		seen[id]++;
		moved += num(calls[i], "tid_entry", NULL) != num(calls[i], "tid_exit", NULL);
		ASSERT_EQ(num(calls[i], "results", "~r0"), id * 2, "result");
		/*
		 * The program's interval holds goattach's (time.Now before the
		 * call, after the return): never longer, and within 5% unless
		 * the OS thread was descheduled between the two (2 cores, 1000
		 * goroutines): at most 1% of the calls may be.
		 */
		if (prog_ns[id] <= 0 || lat > prog_ns[id] + 20000) {
			if (bad++ < 5)
				printf("  id %d: goattach %.0f ns, longer than the program's %ld ns\n", id,
				       lat, prog_ns[id]);
		} else if (lat < prog_ns[id] * 0.95) {
			if (off++ < 5)
				printf("  id %d: goattach %.0f ns, program %ld ns (outside 5%%)\n", id, lat,
				       prog_ns[id]);
		}
	}
	printf("  %d goroutines: %d calls, %d resumed on another OS thread, %d latencies more than "
	       "5%% below the program's, %d above it\n", G, n, moved, off, bad);
	ASSERT_EQ(bad, 0, "no latency longer than the program's own");
	ASSERT_TRUE(off * 100 <= n, "99% within 5% of the program's");
	ASSERT_GE(moved, 1, "the scheduler moved goroutines between threads mid-call");
	for (i = 0; i < G; i++)
		ASSERT_EQ(seen[i], 1, "each id once");
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/* Several RETs: each path is probed and reports its own result. */
static void test_classify_return_paths(void)
{
	static const char *const want[] = { "negative", "zero", "small", "large" };
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON *calls[8];
	int n = 0, i;
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "main.classify", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "classify", "-3", "0", "5", "50", NULL };

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_CONTAINS(r.out, "classify(50) = \"large\"", "program output");
	stop_goattach(&ga);
	ASSERT_CONTAINS(ga.err, "(5 probes)", "an entry and four RETs");
	n = json_calls(ga.out, "main.classify", calls, 8);
	if (!ASSERT_EQ(n, 4, "four calls"))
		goto out;
	for (i = 0; i < 4; i++)
		ASSERT_STREQ(str(calls[i], "results", "~r0"), want[i], "result");
	ASSERT_EQ(num(calls[0], "args", "n"), -3, "negative argument");
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/*
 * Results of mixed kinds. The float64 result lives in X0, which a uprobe
 * cannot read (pt_regs holds no vector registers): it is reported as null,
 * never as a wrong number.
 */
static void test_mixed_results(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON *calls[4];
	int n = 0;
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "main.mixed", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "mixed", "3", "4", NULL };
	cJSON *res;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_CONTAINS(r.out, "mixed(3) = 9 false 0.75 \"n=3\" odd", "program output");
	ASSERT_CONTAINS(r.out, "mixed(4) = 12 true 1 \"n=4\" <nil>", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.mixed", calls, 4);
	if (!ASSERT_EQ(n, 2, "two calls"))
		goto out;
	res = cJSON_GetObjectItem(calls[0], "results");
	ASSERT_EQ(num(calls[0], "results", "~r0"), 9, "int");
	ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(res, "~r1")), "bool false");
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(res, "~r2")), "float in X0: null");
	ASSERT_STREQ(str(calls[0], "results", "~r3"), "n=3", "string");
	ASSERT_TRUE(cJSON_IsObject(cJSON_GetObjectItem(res, "~r4")), "non-nil error");
	/* errors.New's dynamic type, named from the binary's runtime type data */
	ASSERT_STREQ(str(res, "~r4", "type"), "*errors.errorString", "error's dynamic type");
	ASSERT_STREQ(str(res, "~r4", "message"), "odd", "error's message");
	res = cJSON_GetObjectItem(calls[1], "results");
	ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(res, "~r1")), "bool true");
	ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(res, "~r4")), "nil error");
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

static void test_pointer_receiver(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON *calls[4];
	int n = 0;
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "main.(*Counter).Add", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "add", "1", "2", NULL };
	const char *c0, *c1;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_CONTAINS(r.out, "add(2) = 3", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.(*Counter).Add", calls, 4);
	if (!ASSERT_EQ(n, 2, "two calls"))
		goto out;
	ASSERT_EQ(num(calls[0], "args", "n"), 1, "n");
	ASSERT_EQ(num(calls[0], "results", "~r0"), 1, "total");
	ASSERT_EQ(num(calls[1], "args", "n"), 2, "n");
	ASSERT_EQ(num(calls[1], "results", "~r0"), 3, "total");
	c0 = str(calls[0], "args", "c");
	c1 = str(calls[1], "args", "c");
	ASSERT_TRUE(c0 && !strncmp(c0, "0x", 2), "receiver is a pointer");
	ASSERT_STREQ(c1, c0, "same receiver both times");
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/* Slices: []byte decoded as text, []int32 as its elements, both with len and cap. */
static void test_slices(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON *calls[4], *xs, *elems, *args;
	int n = 0;
	char *ga_args[] = { "--db", (char *)sample_db("funcs"), "--json", "main.sum", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "slices", "hello", "1", "-2", "30", NULL };

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, ga_args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "sum(\"hello\", [1 -2 30]) = 34 \"h\"\n", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.sum", calls, 4);
	if (!ASSERT_EQ(n, 1, "one call"))
		goto out;
	args = cJSON_GetObjectItem(calls[0], "args");
	ASSERT_STREQ(str(args, "b", "bytes"), "hello", "[]byte as text");
	ASSERT_EQ(num(args, "b", "len"), 5, "len");
	xs = cJSON_GetObjectItem(args, "xs");
	elems = cJSON_GetObjectItem(xs, "elems");
	if (ASSERT_EQ(cJSON_GetArraySize(elems), 3, "three elements")) {
		ASSERT_EQ(cJSON_GetArrayItem(elems, 0)->valuedouble, 1, "xs[0]");
		ASSERT_EQ(cJSON_GetArrayItem(elems, 1)->valuedouble, -2, "xs[1]");
		ASSERT_EQ(cJSON_GetArrayItem(elems, 2)->valuedouble, 30, "xs[2]");
	}
	ASSERT_EQ(num(calls[0], "results", "~r0"), 34, "int result");
	ASSERT_STREQ(str(cJSON_GetObjectItem(calls[0], "results"), "~r1", "bytes"), "h", "[]byte result");
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/*
 * The register ABI's corners, decoded: the tenth int read from the stack,
 * a struct split over two registers (argument and result), arrays of
 * length 0, 1 (a register) and 2 (the stack), a value receiver, and
 * integers of every width with their sign.
 */
static void test_abi_corners(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON *c[2] = {}, *args;
	int n;
	char *ga_args[] = { "--db", (char *)sample_db("types"), "--json", "main.many", "main.shift",
			    "main.arrays", "main.Point.Sum", "main.flags", "main.Max[...]", NULL };
	char *run[] = { (char *)sample_bin("types"), NULL };
	char key[4];
	int i;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, ga_args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_CONTAINS(r.out, "many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) = 55", "program output");
	stop_goattach(&ga);

	n = json_calls(ga.out, "main.many", c, 2);
	if (ASSERT_EQ(n, 1, "many")) {
		args = cJSON_GetObjectItem(c[0], "args");
		for (i = 0; i < 10; i++) {
			key[0] = 'a' + i;
			key[1] = '\0';
			ASSERT_EQ(num(args, key, NULL), i + 1, key);
		}
		ASSERT_EQ(num(c[0], "results", "~r0"), 55, "sum");
	}
	free_calls(c, n);
	n = json_calls(ga.out, "main.shift", c, 2);
	if (ASSERT_EQ(n, 1, "shift")) {
		args = cJSON_GetObjectItem(c[0], "args");
		ASSERT_EQ(num(args, "p", "X"), 10, "p.X");
		ASSERT_EQ(num(args, "p", "Y"), 20, "p.Y");
		ASSERT_EQ(num(args, "dx", NULL), 3, "dx after the struct's two registers");
		ASSERT_EQ(num(cJSON_GetObjectItem(c[0], "results"), "~r0", "X"), 13, "result X");
		ASSERT_EQ(num(cJSON_GetObjectItem(c[0], "results"), "~r0", "Y"), 17, "result Y");
	}
	free_calls(c, n);
	n = json_calls(ga.out, "main.arrays", c, 2);
	if (ASSERT_EQ(n, 1, "arrays")) {
		args = cJSON_GetObjectItem(c[0], "args");
		ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(args, "z")), 0, "[0]int has nothing");
		ASSERT_EQ(elem(args, "one", 0), 7, "[1]int in a register");
		ASSERT_EQ(elem(args, "two", 0), 8, "[2]int on the stack");
		ASSERT_EQ(elem(args, "two", 1), 9, "[2]int on the stack");
		ASSERT_EQ(num(c[0], "results", "~r0"), 24, "result");
	}
	free_calls(c, n);
	n = json_calls(ga.out, "main.Point.Sum", c, 2);
	if (ASSERT_EQ(n, 1, "value receiver")) {
		ASSERT_EQ(num(cJSON_GetObjectItem(c[0], "args"), "p", "X"), 4, "receiver X");
		ASSERT_EQ(num(c[0], "results", "~r0"), 9, "result");
	}
	free_calls(c, n);
	n = json_calls(ga.out, "main.flags", c, 2);
	if (ASSERT_EQ(n, 1, "flags")) {
		args = cJSON_GetObjectItem(c[0], "args");
		ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(args, "a")), "bool");
		ASSERT_EQ(num(args, "b", NULL), -3, "int8 sign-extended");
		ASSERT_EQ(num(args, "c", NULL), 65535, "uint16");
		ASSERT_EQ(num(args, "d", NULL), -70000, "int32 sign-extended");
		ASSERT_EQ(num(args, "e", NULL), 1099511627776.0, "uint64");
		ASSERT_EQ(num(c[0], "results", "~r0"), 1099511623308.0, "result");
	}
	free_calls(c, n);
	/* generics: both shapes of Max, their arguments after the hidden dictionary */
	n = json_calls(ga.out, "main.Max[go.shape.int_0]", c, 1);
	n += json_calls(ga.out, "main.Max[go.shape.string_0]", c + n, 1);
	if (ASSERT_EQ(n, 2, "Max, int and string shapes")) {
		ASSERT_STREQ(str(c[0], "args", ".dict"), "main..dict.Max[int]", "the dictionary by name");
		ASSERT_EQ(num(c[0], "args", "a"), 3, "int a");
		ASSERT_EQ(num(c[0], "args", "b"), 7, "int b");
		ASSERT_EQ(num(c[0], "results", "~r0"), 7, "int result");
		ASSERT_STREQ(str(c[1], "args", "a"), "go", "string a");
		ASSERT_STREQ(str(c[1], "args", "b"), "c", "string b");
		ASSERT_STREQ(str(c[1], "results", "~r0"), "go", "string result");
	}
	free_calls(c, n);
out:
	cmd_result_free(&r);
	bg_free(&ga);
}

/* The functions of samples/kinds that print their own calls. */
#define KINDS_FUNCS "main.ints", "main.bools", "main.floats", "main.floatSpill", "main.complexes", \
	"main.texts", "main.pointers", "main.nested", "main.arrays", "main.mixed", "main.ifaces", \
	"main.refs", "main.namedTypes", "main.Point.Sum", "main.(*Counter).Add", "main.Max[...]", \
	"main.(*List[...]).Push"
#define KINDS_NCALLS 19

/* goattach's text line without its time, pid, goid and latency. */
static const char *strip_line(char *line)
{
	char *p = strstr(line, " goid="), *sp;

	size_t l = strlen(line);

	while (l && line[l - 1] == ' ')
		line[--l] = '\0';
	if (!p || !(p = strchr(p + 1, ' ')))
		return NULL;
	sp = strrchr(p + 1, ' ');
	if (sp)
		*sp = '\0';
	return p + 1;
}

/*
 * Compare the program's own line with goattach's, character by character.
 * Where goattach says "?(xmm)" (a float in an XMM register, which a
 * uprobe cannot read) and xmm is allowed, the program's float or complex
 * number there is skipped and counted.
 */
static bool same_call(const char *prog, const char *ga, bool xmm, int *nxmm)
{
	while (*prog && *ga) {
		if (xmm && (!strncmp(ga, "?(xmm)", 6) || !strncmp(ga, "?(vreg)", 7))) {
			ga += ga[2] == 'v' ? 1 : 0;
			ga += 6;
			if (*prog == '(') {
				while (*prog && *prog != ')')
					prog++;
				if (*prog)
					prog++;
			} else {
				while (*prog && strchr("0123456789.-+eInfNa", *prog))
					prog++;
			}
			(*nxmm)++;
			continue;
		}
		if (*prog != *ga)
			return false;
		prog++;
		ga++;
	}
	return !*prog && !*ga;
}

/* Can this machine run the binary at all? (A kernel may refuse 32-bit code.) */
static bool can_exec(const char *bin, char *why, size_t len)
{
	char *argv[] = { (char *)bin, "quiet", NULL };
	struct cmd_result r = {};
	bool ok;

	ok = cmd_run(argv, 30, &r) == 0 && r.status == 0;
	if (!ok) {
		struct cmd_result d = {};

		if (strstr(bin, "386"))
			sh_run("dmesg 2>/dev/null | grep -i '32-bit emulation' | tail -1", 10, &d);
		snprintf(why, len, "the kernel will not run %s (exit %d)%s%s", bin, r.status,
			 d.out && *d.out ? "; dmesg: " : "", d.out ? d.out : "");
		why[strcspn(why, "\n")] = '\0';
		cmd_result_free(&d);
	}
	cmd_result_free(&r);
	return ok;
}

/*
 * Every kind of value, decoded by goattach, equals what the program
 * printed about its own call: integers of every width, bools, floats
 * (register-passed ones are "?(xmm)" on amd64; the sixteenth float spills
 * to the stack and is read), complex, strings, []byte, slices, pointers,
 * nested structs, arrays of length 0/1/2, mixed int/float structs,
 * interfaces and errors with their dynamic types, maps, chans, funcs,
 * named types, aliases, value and pointer receivers, generic functions
 * and a generic method with their dictionaries.
 */
/*
 * The program's lines against goattach's text lines, in order. Returns
 * the number of calls that matched exactly; *nxmm counts ?(xmm).
 */
static int compare_calls(const char *sample, char *prog_out, char *ga_out, bool xmm, int *nxmm)
{
	char *prog[64], *gal[64], *save = NULL, *line, *cr;
	int np = 0, ng = 0, i, same = 0;

	/* a serial console ends lines with CR LF */
	while ((cr = strchr(prog_out, '\r')))
		*cr = ' ';
	while ((cr = strchr(ga_out, '\r')))
		*cr = ' ';

	for (line = strtok_r(prog_out, "\n", &save); line && np < 64; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, "main.", 5)) {
			size_t l = strlen(line);

			while (l && line[l - 1] == ' ')
				line[--l] = '\0';
			prog[np++] = line;
		}
	save = NULL;
	for (line = strtok_r(ga_out, "\n", &save); line && ng < 64; line = strtok_r(NULL, "\n", &save)) {
		const char *call = strip_line(line);

		if (call)
			gal[ng++] = (char *)call;
	}
	ASSERT_EQ(np, KINDS_NCALLS, "the program printed every call");
	if (!ASSERT_EQ(ng, np, "goattach saw every call"))
		return 0;
	for (i = 0; i < np; i++) {
		if (same_call(prog[i], gal[i], xmm, nxmm))
			same++;
		else
			printf("  program:  %s\n  goattach: %s\n", prog[i], gal[i]);
	}
	printf("  %s: %d of %d calls decoded exactly as the program printed them (%d floats in "
	       "vector registers shown as ?(xmm) / ?(vreg))\n", sample, same, np, *nxmm);
	ASSERT_EQ(same, np, "every decoded value equals the program's");
	return same;
}

/*
 * A kernel that refuses 32-bit executables (ia32_emulation off, as here):
 * the same comparison inside a VM booting Debian's kernel (scripts/vmtrace.sh);
 * arm64 on an x86 host likewise, under qemu's emulation.
 */
static void kinds_in_vm(const char *sample, const char *arch, bool xmm)
{
	char cmd[4096], *prog, *ga, *end;
	struct cmd_result r = {};
	int nxmm = 0;

	/* arm64: goattach cross-built (make goattach-arm64), the host's kernel cannot run it */
	snprintf(cmd, sizeof(cmd), "scripts/vmtrace.sh %s '%s' '%s' '%s' %s", arch,
		 strcmp(arch, "arm64") ? build_path("goattach") : "build-arm64/goattach",
		 sample_db(sample), sample_bin(sample),
		 "main.ints main.bools main.floats main.floatSpill main.complexes main.texts "
		 "main.pointers main.nested main.arrays main.mixed main.ifaces main.refs "
		 "main.namedTypes main.Point.Sum 'main.(*Counter).Add' 'main.Max[...]' "
		 "'main.(*List[...]).Push'");
	sh_run(cmd, 900, &r);
	if (r.status == 2) {
		TEST_SKIP("no VM for the 386 run: %s", r.err ? r.err : "");
		goto out;
	}
	prog = r.out ? strstr(r.out, "=== PROGRAM ===") : NULL;
	ga = prog ? strstr(prog, "=== GOATTACH ===") : NULL;
	end = ga ? strstr(ga, "=== GOATTACH STDERR ===") : NULL;
	if (!ASSERT_TRUE(prog && ga && end, "the VM ran the program and goattach")) {
		printf("  %s\n%s\n", r.out ? r.out : "", r.err ? r.err : "");
		goto out;
	}
	*ga = '\0';
	*end = '\0';
	ASSERT_CONTAINS(prog, "app exit 0", "the 386 program ran to its end under the probes");
	ASSERT_CONTAINS(end + 1, "0 events lost", "goattach's summary in the VM");
	printf("  (in a VM: Debian's %s kernel under qemu)\n", arch);
	compare_calls(sample, prog, ga + strlen("=== GOATTACH ==="), xmm, &nxmm);
	if (xmm)
		ASSERT_GE(nxmm, 10, "register floats are marked, not guessed");
	else
		ASSERT_EQ(nxmm, 0, "386 passes floats on the stack: every one read");
out:
	cmd_result_free(&r);
}

/*
 * Every kind of value, decoded by goattach, equals what the program
 * printed about its own call: integers of every width, bools, floats
 * (register-passed ones are "?(xmm)" on amd64; the sixteenth float spills
 * to the stack and is read), complex, strings, []byte, slices, pointers,
 * nested structs, arrays of length 0/1/2, mixed int/float structs,
 * interfaces and errors with their dynamic types, maps, chans, funcs,
 * named types, aliases, value and pointer receivers, generic functions
 * and a generic method with their dictionaries.
 */
static void kinds_end_to_end(const char *sample, bool xmm)
{
	struct bg_proc gt = {}, gj = {};
	struct cmd_result r = {};
	char *targs[] = { "--db", (char *)sample_db(sample), KINDS_FUNCS, NULL };
	char *jargs[] = { "--db", (char *)sample_db(sample), "--json", KINDS_FUNCS, NULL };
	char *run[] = { (char *)sample_bin(sample), NULL };
	char why[512];
	int nxmm = 0;
	cJSON *c[2] = {};

	REQUIRE_BPF();
	if (!can_exec(sample_bin(sample), why, sizeof(why))) {
		printf("  %s\n", why);
		kinds_in_vm(sample, strstr(sample, "arm64") ? "arm64" : "386", xmm);
		return;
	}
	if (!ASSERT_TRUE(start_goattach(&gt, targs), "start text") ||
	    !ASSERT_TRUE(start_goattach(&gj, jargs), "start json"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_EQ(r.status, 0, "kinds exit status");
	stop_goattach(&gt);
	stop_goattach(&gj);
	compare_calls(sample, r.out, gt.out, xmm, &nxmm);
	if (xmm)
		ASSERT_GE(nxmm, 10, "register floats are marked, not guessed");
	/* the JSON of the same calls: nested objects and arrays */
	if (ASSERT_EQ(json_calls(gj.out, "main.nested", c, 1), 1, "json nested")) {
		cJSON *o = cJSON_GetObjectItem(cJSON_GetObjectItem(c[0], "args"), "o");

		ASSERT_EQ(num(o, "P", "X"), 3, "o.P.X");
		ASSERT_STREQ(str(o, "Name", NULL), "out", "o.Name");
		ASSERT_EQ(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "Tail"), 0)->valuedouble, -5,
			  "o.Tail[0]");
		cJSON_Delete(c[0]);
	}
	if (ASSERT_EQ(json_calls(gj.out, "main.ifaces", c, 2), 2, "json ifaces")) {
		cJSON *res = cJSON_GetObjectItem(c[0], "results");

		ASSERT_STREQ(str(res, "~r1", "type"), "*fmt.wrapError", "error type");
		ASSERT_STREQ(str(res, "~r1", "message"), "wrapped: boom", "error message");
		ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(c[1], "args"), "err")),
			    "nil error is null");
		cJSON_Delete(c[0]);
		cJSON_Delete(c[1]);
	}
out:
	cmd_result_free(&r);
	bg_free(&gt);
	bg_free(&gj);
}

static void test_kinds_amd64(void)
{
	kinds_end_to_end("kinds", true);
}

static void test_kinds_386(void)
{
	kinds_end_to_end("kinds-386", false);
}

/* arm64: g in R28, the register ABI's R0-R15 (floats in V registers: "?(vreg)"), B.LS entries */
static void test_kinds_arm64(void)
{
	kinds_end_to_end("kinds-arm64", true);
}

/*
 * The stack ABI, on a real binary nobody here wrote: esbuild 0.5.26 (Go
 * 1.14, every argument on the stack, g from thread-local storage). What
 * goattach decodes equals what esbuild printed.
 */
static void test_stack_abi_go114(void)
{
	struct bg_proc ga = {};
	struct cmd_result f = {}, r1 = {}, r2 = {}, ix = {};
	char bin[512] = "", db[512], cmd[1400], *line, *save = NULL;
	char *args[] = { "--db", db, "--json", "fmt.Fprintf", "os.(*File).Write", NULL };
	cJSON *w[4] = {}, *p[2] = {};
	int nw = 0, np = 0;

	REQUIRE_BPF();
	sh_run("scripts/fetch-corpus.sh 2>&1", 900, &f);
	for (line = strtok_r(f.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, "esbuild-linux-64-0.5.26 ", 24))
			snprintf(bin, sizeof(bin), "%s", line + 24);
	cmd_result_free(&f);
	if (!bin[0]) {
		TEST_SKIP("esbuild-linux-64-0.5.26 could not be fetched from the npm registry");
		return;
	}
	snprintf(db, sizeof(db), "%s/esbuild-0.5.26.db", tmp_dir());
	unlink(db);
	snprintf(cmd, sizeof(cmd), "'%s' index '%s' --db '%s'", build_path("goanalyze"), bin, db);
	sh_run(cmd, 120, &ix);
	if (!ASSERT_EQ(ix.status, 0, "index esbuild 0.5.26") || !ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	snprintf(cmd, sizeof(cmd), "'%s' --version", bin);
	sh_run(cmd, 60, &r1);
	snprintf(cmd, sizeof(cmd), "echo 'let x = 1+2' | '%s' --minify", bin);
	sh_run(cmd, 60, &r2);
	ASSERT_STREQ(r1.err, "0.5.26\n", "esbuild --version (on stderr)");
	ASSERT_STREQ(r2.out, "let x=1+2;\n", "esbuild --minify");
	stop_goattach(&ga);
	nw = json_calls(ga.out, "os.(*File).Write", w, 4);
	np = json_calls(ga.out, "fmt.Fprintf", p, 2);
	if (ASSERT_EQ(nw, 2, "two writes") && ASSERT_EQ(np, 1, "one Fprintf")) {
		ASSERT_STREQ(str(cJSON_GetObjectItem(w[0], "args"), "b", "bytes"), "0.5.26\n",
			     "the bytes written, from 16(sp)");
		ASSERT_EQ(num(w[0], "results", "n"), 7, "n from 40(sp)");
		ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(w[0], "results"), "err")),
			    "nil error");
		ASSERT_STREQ(str(cJSON_GetObjectItem(w[1], "args"), "b", "bytes"), "let x=1+2;\n",
			     "the second program's output");
		ASSERT_EQ(num(w[1], "results", "n"), 11, "n");
		ASSERT_STREQ(str(p[0], "args", "format"), "%s\n", "format");
		ASSERT_STREQ(str(cJSON_GetObjectItem(p[0], "args"), "w", "type"), "*os.File",
			     "io.Writer's dynamic type from Go 1.14 type data");
		ASSERT_EQ(num(cJSON_GetObjectItem(p[0], "args"), "a", "len"), 1, "a ...interface{}");
		ASSERT_EQ(num(p[0], "results", "n"), 7, "n");
		ASSERT_TRUE(num(p[0], "goid", NULL) >= 1, "goid through fs_base");
	}
out:
	free_calls(w, nw);
	free_calls(p, np);
	cmd_result_free(&ix);
	cmd_result_free(&r1);
	cmd_result_free(&r2);
	bg_free(&ga);
}

/* --deref: the basic fields of what pointer arguments and results point at. */
static void test_deref(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	char *args[] = { "--db", (char *)sample_db("kinds"), "--json", "--deref", "main.pointers",
			 "main.(*Counter).Add", NULL };
	char *run[] = { (char *)sample_bin("kinds"), NULL };
	cJSON *c[2] = {}, *a;
	int n;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_EQ(r.status, 0, "kinds exit status");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.pointers", c, 1);
	if (ASSERT_EQ(n, 1, "pointers")) {
		a = cJSON_GetObjectItem(c[0], "args");
		ASSERT_EQ(num(cJSON_GetObjectItem(a, "p"), "value", "X"), 1, "p->X");
		ASSERT_EQ(num(cJSON_GetObjectItem(a, "p"), "value", "Y"), 2, "p->Y");
		ASSERT_TRUE(str(a, "p", "addr") && !strncmp(str(a, "p", "addr"), "0x", 2), "p's address");
		ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(a, "np")), "nil stays nil");
		ASSERT_EQ(num(cJSON_GetObjectItem(cJSON_GetObjectItem(c[0], "results"), "~r0"), "value", "Y"),
			  2, "a pointer result, dereferenced at the RET");
		cJSON_Delete(c[0]);
	}
	n = json_calls(ga.out, "main.(*Counter).Add", c, 1);
	if (ASSERT_EQ(n, 1, "Add")) {
		a = cJSON_GetObjectItem(c[0], "args");
		ASSERT_EQ(num(cJSON_GetObjectItem(a, "c"), "value", "n"), 10,
			  "the receiver's field as it was at entry");
		ASSERT_EQ(num(c[0], "results", "~r0"), 15, "result");
		cJSON_Delete(c[0]);
	}
	ASSERT_CONTAINS(r.out, "main.(*Counter).Add(c=", "program output");
out:
	cmd_result_free(&r);
	bg_free(&ga);
}

/*
 * A -s -w build has no DWARF: the arg-info funcdata still gives the
 * argument words, placed through the morestack spills, shown raw.
 */
static void test_arginfo_raw_words(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	char *args[] = { "--db", (char *)sample_db("stacker-stripped"), "--json", "main.stacker", NULL };
	char *run[] = { (char *)sample_bin("stacker-stripped"), "1000000", NULL };
	cJSON *c[1] = {};
	int n = 0;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "hello: 999999000000\n", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.stacker", c, 1);
	if (ASSERT_EQ(n, 1, "one call")) {
		ASSERT_STREQ(str(c[0], "args", "arg0"), "0xf4240", "count=1000000 as a raw word from RAX");
		ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(c[0], "results")),
			    "results unknown without DWARF or --sig");
	}
out:
	free_calls(c, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/* Count JSON lines of func whose "ended" is reason. */
static int ended_count(const char *out, const char *func, const char *reason)
{
	cJSON *c[64];
	int n = json_calls(out, func, c, 64), i, k = 0;

	for (i = 0; i < n; i++) {
		const char *e = cJSON_GetStringValue(cJSON_GetObjectItem(c[i], "ended"));

		k += e && !strcmp(e, reason) && cJSON_IsNull(cJSON_GetObjectItem(c[i], "results"));
	}
	free_calls(c, n);
	return k;
}

/*
 * Calls that never return: a panic recovered by an untraced caller, one
 * that kills the process, runtime.Goexit, and a call still blocked when
 * goattach stops. Each is reported once with its reason; calls after a
 * recovered panic still pair.
 */
static void test_never_returned(void)
{
	struct bg_proc ga = {}, hang = {};
	struct cmd_result r1 = {}, r2 = {}, r3 = {};
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "main.risky", "main.quitter",
			 "main.waiter", NULL };
	char *panics[] = { (char *)sample_bin("funcs"), "panics", "6", NULL };
	char *crash[] = { (char *)sample_bin("funcs"), "crash", NULL };
	char *goexit[] = { (char *)sample_bin("funcs"), "goexit", "3", NULL };
	char *hangv[] = { (char *)sample_bin("funcs"), "hang", "60000", NULL };
	cJSON *c[16];
	int n = 0, i, ok = 0;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(panics, 60, &r1);
	ASSERT_CONTAINS(r1.out, "risky(5) = 0 panicked=true", "the program recovered");
	cmd_run(crash, 60, &r2);
	ASSERT_EQ(r2.status, 2, "an unrecovered panic kills the program");
	cmd_run(goexit, 60, &r3);
	ASSERT_CONTAINS(r3.out, "goexit goroutines=3", "goroutines ended by Goexit");
	if (ASSERT_OK(bg_start(&hang, hangv), "start hang"))
		ASSERT_TRUE(bg_wait_stdout(&hang, "waiting", 30), "blocked in waiter");
	usleep(1500 * 1000);	/* one sweep */
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.risky", c, 16);
	for (i = 0; i < n; i++) {
		int arg = num(c[i], "args", "n");
		cJSON *res = cJSON_GetObjectItem(c[i], "results");

		if (cJSON_GetObjectItem(c[i], "ended"))
			continue;
		ok += arg % 2 == 0 && num(res, "~r0", NULL) == arg * 10;
	}
	free_calls(c, n);
	ASSERT_EQ(ok, 3, "risky(0), (2), (4) returned, with their results");
	ASSERT_EQ(ended_count(ga.out, "main.risky", "panic"), 4,
		  "risky(1), (3), (5) recovered and the crash's risky(1): panic");
	ASSERT_EQ(ended_count(ga.out, "main.quitter", "Goexit"), 3, "three Goexit");
	ASSERT_EQ(ended_count(ga.out, "main.waiter", "running at detach"), 1, "still blocked at detach");
	ASSERT_CONTAINS(ga.err, "calls that never returned:", "summary by reason");
	ASSERT_CONTAINS(ga.err, "4 panic", "panics counted");
	ASSERT_CONTAINS(ga.err, "3 Goexit", "Goexits counted");
	ASSERT_CONTAINS(ga.err, "1 running at detach", "the blocked call counted");
out:
	if (hang.pid > 0)
		bg_stop(&hang, SIGKILL, 10);
	bg_free(&hang);
	cmd_result_free(&r1);
	cmd_result_free(&r2);
	cmd_result_free(&r3);
	bg_free(&ga);
}

/* Recursion to depth 50: 50 pairs, each in its own frame, latencies nested. */
static void test_recursion_depth_50(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	static cJSON *c[64];
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "main.nest", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "nest", "50", NULL };
	int n = 0, i, bad = 0;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "nest(50) = 50\n", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.nest", c, 64);
	if (!ASSERT_EQ(n, 50, "fifty calls"))
		goto out;
	for (i = 0; i < n; i++) {
		/* innermost first: nest(1) at depth 50 */
		bad += num(c[i], "args", "n") != i + 1 || num(c[i], "results", "~r0") != i + 1 ||
		       (i && num(c[i], "frame", NULL) >= num(c[i - 1], "frame", NULL)) ||
		       (i && num(c[i], "latency_ns", NULL) < num(c[i - 1], "latency_ns", NULL));
	}
	ASSERT_EQ(bad, 0, "args, results, frames nearer the stack top outward, nested latencies");
out:
	free_calls(c, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/*
 * Scope: --max-calls stops by itself; --min-latency keeps exactly the
 * slower calls (filtered in BPF: the summary counts the rest); more
 * probes than --max-probes need --yes; a glob pattern.
 */
static void test_scope_controls(void)
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
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --max-probes 10 --duration 1 'main.*'",
		 build_path("goattach"), sample_db("funcs"));
	sh_run(cmd, 60, &rp);
	ASSERT_EQ(rp.status, 1, "refused");
	ASSERT_CONTAINS(rp.err, "--yes", "the error names the flag that confirms");
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --max-probes 10 --yes --duration 1 'main.*'",
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

/* --stats: calls, calls with a non-nil error, percentiles; --hist: a log2 histogram. */
static void test_stats_and_hist(void)
{
	struct bg_proc gs = {}, gh = {};
	struct cmd_result r = {}, rb = {};
	char *sargs[] = { "--db", (char *)sample_db("funcs"), "--stats", "main.mixed", NULL };
	char *hargs[] = { "--db", (char *)sample_db("blocker"), "--hist", "main.work", NULL };
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
	}
	if (ASSERT_TRUE(start_goattach(&gh, hargs), "start --hist")) {
		cmd_run(blk, 60, &rb);
		stop_goattach(&gh);
		for (line = gh.out; line && *line;) {
			if (strstr(line, "->") && sscanf(strchr(line, ':') + 1, "%llu", &cnt) == 1)
				total += cnt;
			line = strchr(line, '\n');
			line = line ? line + 1 : NULL;
		}
		ASSERT_CONTAINS(gh.out, "nsecs", "a histogram");
		ASSERT_EQ(total, 40, "every call in one bucket");
		ASSERT_CONTAINS(gh.out, "4194304 -> 8388607", "the 5-8 ms calls");
	}
	cmd_result_free(&r);
	cmd_result_free(&rb);
	bg_free(&gs);
	bg_free(&gh);
}

/* No --pid: a process that exits and starts again is traced again. */
static void test_target_restarts(void)
{
	struct bg_proc ga = {};
	struct cmd_result r1 = {}, r2 = {};
	char *args[] = { "--db", (char *)sample_db("stacker"), "--json", "main.stacker", NULL };
	char *run[] = { (char *)sample_bin("stacker"), "7", NULL };
	cJSON *c[4];
	int n = 0;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r1);
	cmd_run(run, 60, &r2);
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.stacker", c, 4);
	if (ASSERT_EQ(n, 2, "one call from each run"))
		ASSERT_TRUE(num(c[0], "pid", NULL) != num(c[1], "pid", NULL), "two processes");
out:
	free_calls(c, n);
	cmd_result_free(&r1);
	cmd_result_free(&r2);
	bg_free(&ga);
}

/*
 * A tail call: runtime.cmpstring (assembly) ends in JMP cmpbody. Each
 * call is reported finished at the jump, marked with the target, no
 * results. Max("go", "c") in samples/kinds compares strings.
 */
static void test_tail_call(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	char *args[] = { "--db", (char *)sample_db("kinds"), "--json", "runtime.cmpstring", NULL };
	char *run[] = { (char *)sample_bin("kinds"), NULL };
	static cJSON *c[256];
	int n = 0, i, tail = 0, bad = 0;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	stop_goattach(&ga);
	n = json_calls(ga.out, "runtime.cmpstring", c, 256);
	for (i = 0; i < n; i++) {
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(c[i], "tail_call"));

		tail += t && !strcmp(t, "cmpbody");
		bad += !cJSON_IsNull(cJSON_GetObjectItem(c[i], "results"));
	}
	printf("  runtime.cmpstring: %d calls, %d ended by the tail call to cmpbody\n", n, tail);
	ASSERT_GE(n, 1, "string comparisons seen");
	ASSERT_EQ(tail, n, "every one ends at its JMP to cmpbody");
	ASSERT_EQ(bad, 0, "no results for a tail call");
out:
	free_calls(c, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/*
 * --pid: only that process is traced (another one running the same binary
 * is not), and goattach exits by itself when the process exits.
 */
static void test_pid_only(void)
{
	struct bg_proc target = {}, ga = {};
	struct cmd_result other = {};
	char pid[16];
	char *hang[] = { (char *)sample_bin("funcs"), "hang", "3000", NULL };
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "--pid", pid, "main.nest", "main.waiter",
			 NULL };
	char *nest[] = { (char *)sample_bin("funcs"), "nest", "3", NULL };

	REQUIRE_BPF();
	if (!ASSERT_OK(bg_start(&target, hang), "start the target") ||
	    !ASSERT_TRUE(bg_wait_stdout(&target, "waiting", 30), "target running"))
		goto out;
	snprintf(pid, sizeof(pid), "%d", target.pid);
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(nest, 60, &other);	/* same binary, another process: not traced */
	ASSERT_OK(bg_stop(&target, 0, 30), "the target ends on its own");
	ASSERT_OK(bg_stop(&ga, 0, 30), "goattach exits when its process does");
	ASSERT_EQ(ga.status, 0, "exit status");
	ASSERT_EQ(count_lines_with(ga.out, "\"main.nest\""), 0, "the other process is not traced");
	ASSERT_CONTAINS(ga.out, "\"main.waiter\"", "the target's call, ended with its process");
	ASSERT_CONTAINS(ga.out, "process exited", "why it never returned");
out:
	if (target.pid > 0)
		bg_stop(&target, SIGKILL, 10);
	cmd_result_free(&other);
	bg_free(&target);
	bg_free(&ga);
}

/*
 * Lost events are counted, never silent: goattach's stdout is not read
 * while the program makes 60000 calls, so goattach blocks writing, the
 * ring buffer fills, and every call is either reported or counted lost.
 */
static void test_lost_events_counted(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "main.classify", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "loop", "60000", NULL };
	unsigned long long calls = 0, lost = 0;
	const char *sum;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 300, &r);	/* goattach's stdout unread meanwhile */
	ASSERT_CONTAINS(r.out, "loop calls=60000", "program ran");
	stop_goattach(&ga);
	/* the summary line (the first line says which build) */
	sum = ga.err ? strstr(ga.err, " calls, ") : NULL;
	while (sum && sum > ga.err && sum[-1] != '\n')
		sum--;
	ASSERT_TRUE(sum && sscanf(sum, "goattach: %llu calls, %llu events lost", &calls, &lost) == 2,
		    "summary");
	printf("  60000 calls: %llu reported, %llu lost (counted)\n", calls, lost);
	ASSERT_GE(lost, 1, "the ring buffer overflowed");
	ASSERT_EQ(calls + lost, 60000, "every call reported or counted lost");
	ASSERT_EQ(count_lines_with(ga.out, "\"main.classify\""), (int)calls, "every reported call printed");
out:
	cmd_result_free(&r);
	bg_free(&ga);
}

/*
 * One DB, two builds of samples/swapper (the second with another return
 * path in swap): goattach picks, for each binary, the build it is, says
 * which, and traces it.
 */
static void test_two_builds_one_db(void)
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

static void test_bpftrace_export(void)
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

/* Not root, no capabilities: one clear line naming what is missing. */
static void test_no_capabilities(void)
{
	struct cmd_result r = {};
	char cmd[8192], db[512];

	REQUIRE_BPF();
	/* copies nobody can read, whatever the checkout's permissions */
	snprintf(db, sizeof(db), "%s/caps", tmp_dir());
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s' '%s/app.db' && cp '%s' '%s/stacker' && "
		 "cp '%s' '%s/goattach' && chmod 755 '%s' '%s' && chmod -R a+rX '%s' && "
		 "setpriv --reuid=65534 --regid=65534 --clear-groups '%s/goattach' --db '%s/app.db' "
		 "--binary '%s/stacker' main.stacker",
		 db, sample_db("stacker"), db, sample_bin("stacker"), db, build_path("goattach"), db,
		 tmp_dir(), db, db, db, db, db);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 1, "refused");
	ASSERT_CONTAINS(r.err, "CAP_BPF", "names the capability");
	ASSERT_EQ(count_lines_with(r.err, "goattach:"), 1, "one line");
	cmd_result_free(&r);
}

/* Recursion: calls pair by depth on one goroutine; latencies nest. */
static void test_recursion(void)
{
	static const int fact[] = { 1, 1, 2, 6, 24, 120 };
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON *calls[16];
	int n = 0, i;
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "main.fact", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "fact", "5", NULL };

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "fact(5) = 120\n", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.fact", calls, 16);
	if (!ASSERT_EQ(n, 6, "six calls"))
		goto out;
	/* The innermost call returns first. */
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(num(calls[i], "args", "n"), i, "n");
		ASSERT_EQ(num(calls[i], "results", "~r0"), fact[i], "result");
		if (i)
			ASSERT_TRUE(num(calls[i], "frame", NULL) < num(calls[i - 1], "frame", NULL),
				    "an outer call's frame is nearer the stack's top");
		if (i)
			ASSERT_TRUE(num(calls[i], "latency_ns", NULL) >= num(calls[i - 1], "latency_ns", NULL),
				    "an outer call lasts at least as long as the inner one");
	}
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
}

/*
 * Fresh goroutines grow their stacks in grow's prologue: the entry branch
 * is passed twice then, and each call must still be counted exactly once.
 */
static void test_stack_growth_counts_once(void)
{
	enum { G = 20, D = 30 };
	struct bg_proc ga = {};
	struct cmd_result r = {};
	cJSON **calls = calloc(G * (D + 1) + 16, sizeof(*calls));
	int n = 0, i, wrong = 0;
	char *args[] = { "--db", (char *)sample_db("funcs"), "--json", "main.grow", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "grow", "20", "30", NULL };
	const char *ign;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "grow calls=620\n", "program output");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.grow", calls, G * (D + 1) + 16);
	ASSERT_EQ(n, G * (D + 1), "one event per call");
	for (i = 0; i < n; i++)
		if (num(calls[i], "results", "~r0") != num(calls[i], "args", "depth"))
			wrong++;
	ASSERT_EQ(wrong, 0, "grow(d) returns d");
	/* "... N morestack passes ignored": the stack did grow in the prologue. */
	ign = strstr(ga.err, "exits without entry, ");
	ASSERT_TRUE(ign && atoi(ign + strlen("exits without entry, ")) > 0, "morestack passes seen");
out:
	free_calls(calls, n);
	free(calls);
	cmd_result_free(&r);
	bg_free(&ga);
}

/*
 * A stripped build has no DWARF: with --sig the user gives the signature,
 * and the values are the same as the unstripped build's.
 */
static void test_sig_on_stripped(void)
{
	struct bg_proc ga = {}, nosig = {}, annotated = {};
	struct cmd_result r = {};
	cJSON *calls[4];
	int n = 0;
	char adb[600], cmd[1400];
	char *args[] = { "--db", (char *)sample_db("swapper-stripped"), "--json",
			 "--sig", "func(x, y string) (string, string)", "main.swap", NULL };
	char *plain[] = { "--db", (char *)sample_db("swapper-stripped"), "main.swap", NULL };
	char *ann[] = { "--db", adb, "main.swap", NULL };
	char *run[] = { (char *)sample_bin("swapper-stripped"), "stripped", "binary", NULL };

	REQUIRE_BPF();
	/* the same signature stored once with 'goanalyze annotate' */
	snprintf(adb, sizeof(adb), "%s/annotated.db", tmp_dir());
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && '%s' annotate --db '%s' main.swap --sig "
		 "'func(x, y string) (string, string)'", sample_db("swapper-stripped"), adb,
		 build_path("goanalyze"), adb);
	sh_run(cmd, 60, &r);
	ASSERT_EQ(r.status, 0, "annotate");
	cmd_result_free(&r);
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start with --sig") ||
	    !ASSERT_TRUE(start_goattach(&nosig, plain), "start without") ||
	    !ASSERT_TRUE(start_goattach(&annotated, ann), "start on the annotated DB"))
		goto out;
	cmd_run(run, 60, &r);
	ASSERT_STREQ(r.out, "binary stripped\n", "program output");
	stop_goattach(&ga);
	stop_goattach(&nosig);
	stop_goattach(&annotated);
	ASSERT_CONTAINS(annotated.out, "main.swap(x=\"stripped\", y=\"binary\") = (\"binary\", \"stripped\")",
			"annotated DB decodes");
	n = json_calls(ga.out, "main.swap", calls, 4);
	if (!ASSERT_EQ(n, 1, "one call"))
		goto out;
	ASSERT_STREQ(str(calls[0], "args", "x"), "stripped", "x");
	ASSERT_STREQ(str(calls[0], "args", "y"), "binary", "y");
	ASSERT_STREQ(str(calls[0], "results", "~r0"), "binary", "~r0");
	ASSERT_STREQ(str(calls[0], "results", "~r1"), "stripped", "~r1");
	/* without a signature the call is still seen, its values unknown */
	ASSERT_CONTAINS(nosig.out, "main.swap(?) = ?", "no DWARF, no --sig");
out:
	free_calls(calls, n);
	cmd_result_free(&r);
	bg_free(&ga);
	bg_free(&nosig);
	bg_free(&annotated);
}

/* goattach refuses a binary the DB does not describe, naming both ids. */
static void test_refuses_other_build(void)
{
	char *args[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("swapper"),
			 "--binary", (char *)sample_bin("stacker"), "main.stacker", NULL };
	char cmd[1024], want_db[256] = "", want_bin[256] = "";
	struct cmd_result r = {}, id = {};

	snprintf(cmd, sizeof(cmd), "go tool buildid '%s'", sample_bin("swapper"));
	sh_run(cmd, 30, &id);
	snprintf(want_db, sizeof(want_db), "%.*s", (int)strcspn(id.out, "\n"), id.out);
	cmd_result_free(&id);
	snprintf(cmd, sizeof(cmd), "go tool buildid '%s'", sample_bin("stacker"));
	sh_run(cmd, 30, &id);
	snprintf(want_bin, sizeof(want_bin), "%.*s", (int)strcspn(id.out, "\n"), id.out);
	cmd_result_free(&id);

	cmd_run(args, 60, &r);
	ASSERT_EQ(r.status, 1, "exit");
	ASSERT_EQ(count_lines_with(r.err, ""), 1, "one line");
	ASSERT_CONTAINS(r.err, want_bin, "names the binary's build id");
	ASSERT_CONTAINS(r.err, want_db, "names the DB's build id");
	ASSERT_FALSE(strstr(r.err, "Tracing"), "nothing attached");
	cmd_result_free(&r);
}

/*
 * A DB edited so that a return offset points at another instruction is
 * refused: once with the stored bytes left as they were, once with them
 * forged to match the new place (the opcode check catches that).
 */
static void test_refuses_edited_offset(void)
{
	const char *orig = sample_db("stacker");
	char db[512], cmd[4096];
	struct cmd_result r = {};
	int round;

	for (round = 0; round < 2; round++) {
		snprintf(db, sizeof(db), "%s/edited-%d.db", tmp_dir(), round);
		snprintf(cmd, sizeof(cmd),
			 "set -e; cp '%s' '%s'; "
			 "q=\"SELECT f.file_offset + e.offset + 1 FROM exits e JOIN functions f ON f.id = e.function_id "
			 "WHERE f.name = 'main.stacker' AND e.kind = 'ret' LIMIT 1\"; "
			 "off=$(sqlite3 '%s' \"$q\"); "
			 "bytes=$(dd if='%s' bs=1 skip=$off count=1 2>/dev/null | od -An -tx1 | tr -d ' \\n'); "
			 "ins=%s; "
			 "sqlite3 '%s' \"UPDATE exits SET offset = offset + 1, insn = $ins WHERE kind = 'ret' AND "
			 "function_id = (SELECT id FROM functions WHERE name = 'main.stacker')\"",
			 orig, db, db, sample_bin("stacker"), round ? "X\\'$bytes\\'" : "insn", db);
		sh_run(cmd, 30, &r);
		if (!ASSERT_EQ(r.status, 0, "edit the DB")) {
			printf("  %s\n", r.err);
			cmd_result_free(&r);
			continue;
		}
		cmd_result_free(&r);
		{
			char *args[] = { (char *)build_path("goattach"), "--db", db, "main.stacker", NULL };

			cmd_run(args, 60, &r);
		}
		ASSERT_EQ(r.status, 1, "exit");
		ASSERT_EQ(count_lines_with(r.err, ""), 1, "one line");
		ASSERT_CONTAINS(r.err, "refusing to attach", "refused");
		ASSERT_CONTAINS(r.err, "main.stacker", "names the function");
		ASSERT_FALSE(strstr(r.err, "Tracing"), "nothing attached");
		cmd_result_free(&r);
	}
}

/* bpftool's view of the attached probes: plain uprobes only, on the DB's offsets. */
/* How many file offsets the query on the funcs DB returns appear in bpftool's list. */
static int offsets_probed(const char *perf_list, const char *query)
{
	struct cmd_result q = {};
	char cmd[1024], *line, *save = NULL;
	int found = 0;

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", sample_db("funcs"), query);
	sh_run(cmd, 30, &q);
	for (line = strtok_r(q.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char want[64];

		snprintf(want, sizeof(want), "offset %s\n", line);
		found += strstr(perf_list, want) != NULL;
	}
	cmd_result_free(&q);
	return found;
}

static void test_kernel_sees_plain_uprobes_only(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	char *args[] = { "--db", (char *)sample_db("funcs"), "main.classify", "main.mixed", NULL };
	char pidstr[32];
	int uprobes;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	snprintf(pidstr, sizeof(pidstr), "pid %d ", ga.pid);
	sh_run("bpftool perf list", 30, &r);
	uprobes = count_lines_with(r.out, pidstr);
	ASSERT_EQ(uprobes, 9, "1+4 probes of classify, 1+1 of mixed, runtime.gopanic and Goexit");
	ASSERT_EQ(count_lines_with(r.out, "uretprobe"), 0, "no uretprobe anywhere");
	ASSERT_EQ(offsets_probed(r.out, "SELECT f.file_offset + e.offset FROM exits e JOIN functions f "
				 "ON f.id = e.function_id WHERE f.name = 'main.classify'"),
		  4, "a uprobe on each RET offset of the DB");
	/* the two on the runtime: at the entry probes of gopanic and Goexit */
	ASSERT_EQ(offsets_probed(r.out, "SELECT file_offset + entry_probe_offset FROM functions WHERE "
				 "name IN ('runtime.gopanic', 'runtime.Goexit') AND abi = 'ABIInternal'"),
		  2, "runtime.gopanic and runtime.Goexit, at their entry probes");
	stop_goattach(&ga);
out:
	cmd_result_free(&r);
	bg_free(&ga);
}

/* kill -9 of goattach: the kernel drops its probes, the target keeps working. */
static void test_kill9_leaves_nothing(void)
{
	struct bg_proc ga = {};
	struct cmd_result r = {}, run_r = {};
	char *args[] = { "--db", (char *)sample_db("stacker"), "main.stacker", NULL };
	char *run[] = { (char *)sample_bin("stacker"), "1000", NULL };
	char pidstr[32];
	pid_t pid;
	int i, left = -1;

	REQUIRE_BPF();
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	pid = ga.pid;
	kill(pid, SIGKILL);
	bg_stop(&ga, 0, 10);
	snprintf(pidstr, sizeof(pidstr), "pid %d ", pid);
	for (i = 0; i < 50 && left; i++) {
		sh_run("bpftool perf list", 30, &r);
		left = count_lines_with(r.out, pidstr);
		cmd_result_free(&r);
		if (left)
			usleep(100000);
	}
	ASSERT_EQ(left, 0, "no probe left behind");
	cmd_run(run, 60, &run_r);
	ASSERT_EQ(run_r.status, 0, "target runs");
	ASSERT_STREQ(run_r.out, "hello: 999000\n", "target output");
out:
	cmd_result_free(&run_r);
	bg_free(&ga);
}

static void test_unknown_function(void)
{
	char *args[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("stacker"),
			 "stacker", NULL };
	struct cmd_result r = {};

	char *inl[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("stacker"),
			"strconv.Itoa", NULL };

	cmd_run(args, 60, &r);
	ASSERT_EQ(r.status, 1, "exit");
	ASSERT_CONTAINS(r.err, "no function matches 'stacker'", "says what");
	ASSERT_CONTAINS(r.err, "main.stacker", "suggests the near name");
	cmd_result_free(&r);
	/* a function the compiler only inlined has no code to probe */
	cmd_run(inl, 60, &r);
	ASSERT_EQ(r.status, 1, "exit");
	ASSERT_CONTAINS(r.err, "strconv.Itoa exists only inlined", "says it is only inlined");
	cmd_result_free(&r);
}

int main(void)
{
	attach_setup();
	RUN_TEST(test_stacker);
	RUN_TEST(test_swapper);
	RUN_TEST(test_blocker_latency);
	RUN_TEST(test_classify_return_paths);
	RUN_TEST(test_mixed_results);
	RUN_TEST(test_pointer_receiver);
	RUN_TEST(test_slices);
	RUN_TEST(test_abi_corners);
	RUN_TEST(test_kinds_amd64);
	RUN_TEST(test_kinds_386);
	RUN_TEST(test_kinds_arm64);
	RUN_TEST(test_stack_abi_go114);
	RUN_TEST(test_deref);
	RUN_TEST(test_arginfo_raw_words);
	RUN_TEST(test_never_returned);
	RUN_TEST(test_recursion_depth_50);
	RUN_TEST(test_scope_controls);
	RUN_TEST(test_stats_and_hist);
	RUN_TEST(test_target_restarts);
	RUN_TEST(test_tail_call);
	RUN_TEST(test_pid_only);
	RUN_TEST(test_lost_events_counted);
	RUN_TEST(test_two_builds_one_db);
	RUN_TEST(test_bpftrace_export);
	RUN_TEST(test_no_capabilities);
	RUN_TEST(test_recursion);
	RUN_TEST(test_stack_growth_counts_once);
	RUN_TEST(test_sig_on_stripped);
	RUN_TEST(test_refuses_other_build);
	RUN_TEST(test_refuses_edited_offset);
	RUN_TEST(test_kernel_sees_plain_uprobes_only);
	RUN_TEST(test_kill9_leaves_nothing);
	RUN_TEST(test_unknown_function);
	return test_summary();
}
