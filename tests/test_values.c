// SPDX-License-Identifier: MIT
/*
 * goattach end to end, the values: what it decodes from arguments and
 * results of real Go processes built from samples/ (register and stack
 * ABIs, every kind of value, amd64, 386 and arm64 in VMs, --deref, --sig,
 * builds without DWARF, time.Duration and net.IP as their String(),
 * time.Time in RFC 3339) equals what each program prints about its own
 * calls.
 */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "attachlib.h"
#include "checks.h"

TEST_SETUP(attach_setup);

/* The slice's headline: one call, the right argument and result, the program unharmed. */
TEST(stacker)
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

TEST(swapper)
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
 * Results of mixed kinds. The float64 result lives in X0, which a uprobe
 * cannot read (pt_regs holds no vector registers): it is reported as null,
 * never as a wrong number.
 */
TEST(mixed_results)
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

TEST(pointer_receiver)
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
TEST(slices)
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
TEST(abi_corners)
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

/*
 * Every kind of value, decoded by goattach, equals what samples/kinds
 * printed about its own call (see kinds_end_to_end): amd64, 386, arm64.
 */
TEST(kinds_amd64)
{
	kinds_end_to_end("kinds", sample_bin("kinds"), sample_db("kinds"), true);
}

TEST(kinds_386)
{
	kinds_end_to_end("kinds-386", sample_bin("kinds-386"), sample_db("kinds-386"), false);
}

/* arm64: g in R28, the register ABI's R0-R15 (floats in V registers: "?(vreg)"), B.LS entries */
TEST(kinds_arm64)
{
	kinds_end_to_end("kinds-arm64", sample_bin("kinds-arm64"), sample_db("kinds-arm64"), true);
}

/*
 * The stack ABI, on a real binary nobody here wrote: esbuild 0.5.26 (Go
 * 1.14, every argument on the stack, g from thread-local storage). What
 * goattach decodes equals what esbuild printed.
 */
TEST(stack_abi_go114)
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
TEST(deref)
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
TEST(arginfo_raw_words)
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

/*
 * A stripped build has no DWARF: with --sig the user gives the signature,
 * and the values are the same as the unstripped build's.
 */
TEST(sig_on_stripped)
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

/*
 * goattach -c 'BIN ARGS' FUNC on the sample name's DB (--json when json):
 * its output in r; the text run's exit status is asserted 0.
 */
static void run_with_c(const char *name, const char *args, const char *func, bool json,
		       struct cmd_result *r)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s'%s -c '%s%s%s' %s", build_path("goattach"),
		 sample_db(name), json ? " --json" : "", sample_bin(name), args ? " " : "",
		 args ? args : "", func);
	sh_run(cmd, 60, r);
	if (!json)
		ASSERT_EQ(r->status, 0, "status");
}

/* Text: the program printed want calls of func, and goattach printed each alike (what). */
static void text_as_program(const char *name, const char *args, const char *func, int want,
			    const char *what)
{
	struct cmd_result r = {};
	int n = 0, same;

	run_with_c(name, args, func, false, &r);
	same = lines_as_program(r.out, func, &n);
	printf("  %d of %d calls of %s printed by goattach as the program printed them\n", same, n,
	       func);
	ASSERT_EQ(n, want, "the calls the program printed");
	ASSERT_EQ(same, n, what);
	cmd_result_free(&r);
}

/*
 * A time.Duration argument and result print as Go's String() prints
 * them: each line goattach prints equals the program's own (fmt's %v of
 * the same values); in JSON they stay numbers, of nanoseconds. Started
 * with -c, so every call from the start of main is seen.
 */
TEST(durations_as_go_prints)
{
	struct cmd_result rj = {};
	cJSON *c[8] = {};
	int nj;

	REQUIRE_BPF();
	text_as_program("funcs", "timeout", "main.timeout", 7, "goattach's durations are Go's");
	run_with_c("funcs", "timeout", "main.timeout", true, &rj);
	nj = json_calls(rj.out, "main.timeout", c, 8);
	if (ASSERT_EQ(nj, 7, "seven JSON calls")) {
		ASSERT_EQ(num(c[0], "args", "d"), 1500000000, "d in ns, a number");
		ASSERT_EQ(num(c[0], "results", "~r0"), 4500000000.0, "the result in ns");
		ASSERT_EQ(num(c[1], "args", "d"), -5000, "negative");
	}
	free_calls(c, nj);
	cmd_result_free(&rj);
}

/*
 * net.IP arguments and results (4 bytes, 16 bytes, IPv4-mapped, "::"
 * runs) print as Go's String() prints them, as the program printed each
 * call; in JSON, as strings.
 */
TEST(net_ips_as_go_prints)
{
	struct cmd_result rj = {};
	cJSON *c[8] = {};
	int nj;

	REQUIRE_BPF();
	text_as_program("netaddr", NULL, "main.network", 6, "goattach's IPs are Go's");
	run_with_c("netaddr", NULL, "main.network", true, &rj);
	nj = json_calls(rj.out, "main.network", c, 8);
	if (ASSERT_EQ(nj, 6, "six JSON calls")) {
		ASSERT_STREQ(str(c[0], "args", "ip"), "10.1.2.3", "a string");
		ASSERT_STREQ(str(c[1], "results", "~r0"), "2001:db8::", "the result");
	}
	free_calls(c, nj);
	cmd_result_free(&rj);
}

/* goattach -c 'BIN ARGS' FUNC for any binary (its DB made on first use): output in r. */
static void run_bin_with_c(const char *bin, const char *args, const char *func, struct cmd_result *r)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' -c '%s %s' %s", build_path("goattach"), bin_db(bin),
		 bin, args, func);
	sh_run(cmd, 60, r);
	ASSERT_EQ(r->status, 0, "status");
}

/*
 * net/netip.Addr arguments and results print as their String() does:
 * IPv4, IPv6, "invalid IP", and an IPv4-mapped IPv6 one as ::ffff:a.b.c.d.
 * Go 1.22+ says which by z's addrDetail (read through z): every line as
 * the program's. Go 1.19's z says nothing readable: the mapped one shows
 * as IPv4, the one difference.
 */
TEST(netip_addrs_as_go_prints)
{
	char go126[PATH_MAX];
	struct cmd_result r = {};
	int n = 0, same;

	REQUIRE_BPF();
	run_bin_with_c(sample_bin("netaddr"), "netip", "main.first", &r);
	same = lines_as_program(r.out, "main.first", &n);
	ASSERT_EQ(n, 6, "Go 1.19: the calls the program printed");
	ASSERT_EQ(same, 5, "Go 1.19: all but the IPv4-mapped one alike");
	ASSERT_CONTAINS(r.out, "main.first(a=10.9.8.7, bits=120) = (10.9.8.0)",
			"Go 1.19: the mapped one as IPv4");
	cmd_result_free(&r);
	snprintf(go126, sizeof(go126), "%s/gomatrix/1.26/netaddr", build_dir());
	run_bin_with_c(go126, "netip", "main.first", &r);
	same = lines_as_program(r.out, "main.first", &n);
	ASSERT_EQ(n, 6, "Go 1.26: the calls the program printed");
	ASSERT_EQ(same, 6, "Go 1.26: every one alike, the mapped one too");
	cmd_result_free(&r);
}

/*
 * time.Time arguments and results (wall clock readings with their
 * monotonic bit, and dates without) print in RFC 3339, UTC, as the
 * program printed each with t.UTC().Format(time.RFC3339Nano).
 */
TEST(times_in_rfc3339)
{
	REQUIRE_BPF();
	text_as_program("funcs", "later", "main.later", 6, "goattach's times are Go's");
}
