// SPDX-License-Identifier: MIT
/*
 * The fuzz targets outside libFuzzer (tests/fuzz/README.md): each
 * target's replay binary, built by this build (plain or ASan+UBSan),
 * writes its seed corpus and runs it, then runs every regression input
 * of tests/fuzz/regress/TARGET/: the inputs that once crashed, hung or
 * leaked. One test per target. A seed on an undamaged base that the
 * target's parser refuses fails too (fz_check: the target would fuzz
 * nothing). A base binary that could not be fetched (offline) skips.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static bool sanitizer_report(const char *err)
{
	return err && (strstr(err, "ERROR: AddressSanitizer") || strstr(err, "runtime error:") ||
		       strstr(err, "ERROR: LeakSanitizer"));
}

static void replay_target(void *arg)
{
	const char *t = arg;
	char bin[1024], seeds[1024], regress[1024];
	struct cmd_result r = {};
	int nregress = 0;
	DIR *d;

	snprintf(bin, sizeof(bin), "%s/tests/fuzz/%s", build_dir(), t);
	snprintf(seeds, sizeof(seeds), "%s/seeds-%s", tmp_dir(), t);
	snprintf(regress, sizeof(regress), "tests/fuzz/regress/%s", t);

	cmd_run((char *const[]){ bin, "--seeds", seeds, NULL }, 120, &r);
	if (!ASSERT_EQ(r.status, 0, "writing the seeds")) {
		printf("  %s", r.err ? r.err : "");
		goto out;
	}
	cmd_result_free(&r);

	cmd_run((char *const[]){ bin, seeds, NULL }, 600, &r);
	if (r.status == 2 && r.err && strstr(r.err, "base binary")) {
		TEST_SKIP("%s: a base binary is missing (offline?): %s", t, r.err);
		goto out;
	}
	if (!ASSERT_EQ(r.status, 0, "the seeds") || !ASSERT_FALSE(sanitizer_report(r.err), "the seeds"))
		printf("  %.4000s", r.err ? r.err : "");
	ASSERT_GE(count_lines_with(r.out, "ok "), 1, "seeds run");
	cmd_result_free(&r);

	d = opendir(regress);
	if (d) {
		struct dirent *de;

		while ((de = readdir(d)))
			nregress += de->d_name[0] != '.';
		closedir(d);
	}
	if (!nregress)
		goto out;
	cmd_run((char *const[]){ bin, regress, NULL }, 600, &r);
	if (r.status == 2 && r.err && strstr(r.err, "base binary")) {
		TEST_SKIP("%s: a base binary is missing (offline?): %s", t, r.err);
		goto out;
	}
	if (!ASSERT_EQ(r.status, 0, "the regression inputs") ||
	    !ASSERT_FALSE(sanitizer_report(r.err), "the regression inputs"))
		printf("  %.4000s", r.err ? r.err : "");
	ASSERT_EQ(count_lines_with(r.out, "ok "), nregress, "every regression input ran");
out:
	cmd_result_free(&r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	char dir[1024], *names[64];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	/* the targets are the sources: a target this build lacks fails */
	d = opendir("tests/fuzz");
	if (d) {
		while ((de = readdir(d)) && n < 64) {
			size_t len = strlen(de->d_name);

			if (!strncmp(de->d_name, "fuzz_", 5) && len > 2 && !strcmp(de->d_name + len - 2, ".c"))
				names[n++] = strndup(de->d_name, len - 2);
		}
		closedir(d);
	}
	qsort(names, n, sizeof(*names), cmp_str);
	snprintf(dir, sizeof(dir), "%s/tests/fuzz", build_dir());
	for (size_t i = 0; i < n; i++) {
		char tname[128];

		snprintf(tname, sizeof(tname), "test_%s", names[i]);
		test_run_arg(tname, replay_target, names[i]);
	}
	if (!n) {
		test_state.failed++;
		printf("  no fuzz target found in tests/fuzz\n");
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return test_summary();
}
