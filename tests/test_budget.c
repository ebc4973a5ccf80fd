// SPDX-License-Identifier: MIT
/*
 * goattach end to end on values bigger than one probe's fetch budget
 * (GA_MAX_WORDS words): small stack values share a word, so a [32]byte
 * or an array of small structs is shown whole; what still does not fit is
 * said, never a silent "?": "[1 2 ...](len=40)" in text, "incomplete" in
 * JSON. Compared with what samples/budget prints of its own calls.
 */
#include <signal.h>
#include <unistd.h>

#include "attachlib.h"

TEST_SETUP(attach_setup);

/* The line of prog_out that starts with func's name, up to its newline, in buf. */
static const char *prog_line(const char *prog_out, const char *func, char *buf, size_t len)
{
	const char *p = strstr(prog_out, func);

	if (!p)
		return NULL;
	snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
	return buf;
}

static bool trace_budget(bool json, struct cmd_result *prog, struct bg_proc *ga)
{
	char *args[] = { "--db", (char *)sample_db("budget"),
			 json ? "--json" : "-v", "main.bytes32", "main.ints40", "main.flags", NULL };
	char *run[] = { (char *)sample_bin("budget"), "once", NULL };

	if (!ASSERT_TRUE(start_goattach(ga, args), "start"))
		return false;
	cmd_run(run, 60, prog);
	usleep(300 * 1000);
	stop_goattach(ga);
	return ASSERT_EQ(prog->status, 0, "sample ran");
}

TEST(packed_words_show_whole_values)
{
	struct cmd_result prog = {};
	struct bg_proc ga = {};
	char want[4096];

	REQUIRE_BPF();
	if (!trace_budget(false, &prog, &ga))
		goto out;
	/* 32 bytes in 4 words, 3 structs of 9 small fields in 5: equal to what Go printed */
	ASSERT_CONTAINS(ga.out, prog_line(prog.out, "main.bytes32(", want, sizeof(want)), "[32]byte whole");
	ASSERT_CONTAINS(ga.out, prog_line(prog.out, "main.flags(", want, sizeof(want)), "[3]Flags whole");
	ASSERT_FALSE(strstr(ga.out, "?"), "no value shown as ?");
out:
	cmd_result_free(&prog);
	bg_free(&ga);
}

TEST(values_past_the_budget_are_marked)
{
	struct cmd_result prog = {};
	struct bg_proc ga = {};
	cJSON *calls[2] = {};
	char want[4096], *cut;
	int n;

	REQUIRE_BPF();
	if (!trace_budget(false, &prog, &ga))
		goto out;
	/* [40]int64 takes 40 words: the first 32 as Go printed them, then the marker and the length */
	prog_line(prog.out, "main.ints40(", want, sizeof(want));
	cut = want;
	for (n = 0; n < 32 && cut; n++)
		cut = strchr(cut + 1, ' ');
	if (!ASSERT_TRUE(cut != NULL, "32 elements in the program's line"))
		goto out;
	strcpy(cut, " ...](len=40)) = (");
	ASSERT_CONTAINS(ga.out, want, "the first 32, then ...(len=40), then the result");
	ASSERT_CONTAINS(ga.out, "= (921)", "the result is fetched on its own budget");
	cmd_result_free(&prog);
	bg_free(&ga);

	if (!trace_budget(true, &prog, &ga))
		goto out;
	n = json_calls(ga.out, "main.ints40", calls, 2);
	if (!ASSERT_EQ(n, 1, "one JSON call"))
		goto out;
	ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(calls[0], "args"), "a")), 32,
		  "JSON array holds the 32 fetched");
	ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(calls[0], "incomplete"), 0)),
		     "a", "incomplete names the parameter");
	ASSERT_EQ(elem(cJSON_GetObjectItem(calls[0], "args"), "a", 31), 661, "element 31");
	n = json_calls(ga.out, "main.bytes32", calls + 1, 1);
	ASSERT_EQ(n, 1, "bytes32 JSON call");
	ASSERT_TRUE(n == 1 && !cJSON_GetObjectItem(calls[1], "incomplete"), "a whole value is not incomplete");
	free_calls(calls, 2);
out:
	cmd_result_free(&prog);
	bg_free(&ga);
}
