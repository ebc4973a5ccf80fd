// SPDX-License-Identifier: MIT
/*
 * The main() of a fuzz target outside libFuzzer: every build links each
 * target with it, and the normal test run (tests/test_fuzzregress.c)
 * replays the seeds and the regression inputs through it.
 *   fuzz_X --seeds DIR     write the target's seed corpus into DIR
 *   fuzz_X FILE|DIR...     run each input (each file of a DIR) once
 * Exit 0 when every input ran; a crash is the sanitizers' report.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzzlib.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	/* like libFuzzer, a private copy of exactly n bytes: ASan sees a read past the end */
	{
		uint8_t *exact = malloc(n ? n : 1);

		if (!exact)
			abort();
		memcpy(exact, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	printf("ok %s\n", path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
	struct stat st;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int err = 0;
	DIR *d;

	if (stat(path, &st)) {
		fprintf(stderr, "replay: '%s': %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", path, de->d_name) < 0)
			abort();
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names)
			abort();
		names[n++] = p;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (run_file(names[i]))
			err = -1;
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	int err = 0;

	fz_replaying = true;
	LLVMFuzzerInitialize(&argc, &argv);
	if (argc == 3 && !strcmp(argv[1], "--seeds")) {
		err = fz_seeds(argv[2]);
		if (err)
			fprintf(stderr, "replay: seeds into '%s': %s\n", argv[2], strerror(-err));
		return err ? 1 : 0;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: %s --seeds DIR | FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i]))
			err = -1;
	return err ? 1 : 0;
}
