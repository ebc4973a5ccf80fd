// SPDX-License-Identifier: MIT
/*
 * The floor for goanalyze's disassembly: a bare capstone sweep (detail off)
 * over the bytes of every function a goanalyze DB lists for a binary, on one
 * thread, doing nothing with the instructions but count them.
 * Usage: capsweep BINARY DB
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <capstone/capstone.h>
#include <sqlite3.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	sqlite3_stmt *st;
	struct stat sb;
	sqlite3 *db;
	const char *arch;
	unsigned long long ninsn = 0, nfunc = 0;
	cs_insn *insn;
	uint8_t *data;
	csh cs;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: capsweep BINARY DB\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb)) {
		perror(argv[1]);
		return 1;
	}
	data = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (data == MAP_FAILED || sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READONLY, NULL)) {
		fprintf(stderr, "capsweep: cannot open inputs\n");
		return 1;
	}
	if (sqlite3_prepare_v2(db, "SELECT goarch FROM builds LIMIT 1", -1, &st, NULL) ||
	    sqlite3_step(st) != SQLITE_ROW) {
		fprintf(stderr, "capsweep: no build in %s\n", argv[2]);
		return 1;
	}
	arch = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (cs_open(!strcmp(arch, "arm64") ? CS_ARCH_ARM64 : CS_ARCH_X86,
		    !strcmp(arch, "arm64") ? CS_MODE_ARM : !strcmp(arch, "386") ? CS_MODE_32 : CS_MODE_64,
		    &cs) != CS_ERR_OK)
		return 1;
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_OFF);
	insn = cs_malloc(cs);
	/* Read the function list first: only the sweep is timed. */
	sqlite3_prepare_v2(db, "SELECT file_offset, size, entry FROM functions ORDER BY entry", -1, &st,
			   NULL);
	{
		size_t cap = 1024, n = 0, i;
		unsigned long long (*fns)[3] = malloc(cap * sizeof(*fns));

		while (sqlite3_step(st) == SQLITE_ROW) {
			if (n == cap)
				fns = realloc(fns, (cap *= 2) * sizeof(*fns));
			fns[n][0] = sqlite3_column_int64(st, 0);
			fns[n][1] = sqlite3_column_int64(st, 1);
			fns[n][2] = sqlite3_column_int64(st, 2);
			n++;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < n; i++) {
			const uint8_t *p = data + fns[i][0];
			size_t left = fns[i][1];
			uint64_t addr = fns[i][2];

			if (fns[i][0] + left > (unsigned long long)sb.st_size)
				continue;
			nfunc++;
			while (left) {
				if (cs_disasm_iter(cs, &p, &left, &addr, insn)) {
					ninsn++;
				} else {
					/* skip what capstone cannot decode, as a sweep would */
					size_t step = !strcmp(arch, "arm64") ? 4 : 1;

					if (left < step)
						break;
					p += step;
					left -= step;
					addr += step;
				}
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		free(fns);
	}
	printf("%.3f s, %llu functions, %llu instructions\n",
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, nfunc, ninsn);
	return 0;
}
