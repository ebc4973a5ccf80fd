// SPDX-License-Identifier: MIT
/*
 * bench/sha256.sh's timer: hashes FILE (read whole into memory first, so
 * only the hashing is timed) in 1 MiB updates, as common/binid.c reads it,
 * with the implementation named by IMPL; prints "SECONDS HEX".
 *   ours         our own common/sha256.c (SHA-NI if the CPU has it), before nettle
 *   ours-portable the same forced to its portable code
 *   nettle       libnettle's sha256 (its fat build dispatches to SHA-NI at run time)
 * Built twice by the script (nettle's <nettle/sha2.h> #defines sha256_init
 * and struct sha256_ctx, our names too): with BENCH_NETTLE for nettle,
 * without against the common/sha256.c of a given revision, so the
 * comparison stays reproducible after that file is gone.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef BENCH_NETTLE
#include <nettle/sha2.h>
#else
#include "sha256.h"
#endif

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const size_t chunk = 1 << 20;
	uint8_t digest[32], *data;
	struct stat st;
	size_t off, n;
	double t0, t1;
	int fd, i;

	if (argc != 3) {
		fprintf(stderr, "usage: %s ours|ours-portable|nettle FILE\n", argv[0]);
		return 2;
	}
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[2]);
		return 1;
	}
	data = malloc(st.st_size ? st.st_size : 1);
	for (off = 0; data && off < (size_t)st.st_size; off += n) {
		ssize_t r = read(fd, data + off, st.st_size - off);

		if (r <= 0) {
			perror(argv[2]);
			return 1;
		}
		n = r;
	}
	close(fd);
	if (!data)
		return 1;

#ifndef BENCH_NETTLE
	if (!strcmp(argv[1], "ours") || !strcmp(argv[1], "ours-portable")) {
		struct sha256_ctx ctx;

		sha256_use_portable(!strcmp(argv[1], "ours-portable"));
		t0 = now_s();
		sha256_init(&ctx);
		for (off = 0; off < (size_t)st.st_size; off += chunk)
			sha256_update(&ctx, data + off, st.st_size - off < chunk ? st.st_size - off : chunk);
		sha256_final(&ctx, digest);
		t1 = now_s();
#else
	if (!strcmp(argv[1], "nettle")) {
		struct sha256_ctx ctx;

		t0 = now_s();
		nettle_sha256_init(&ctx);
		for (off = 0; off < (size_t)st.st_size; off += chunk)
			nettle_sha256_update(&ctx, st.st_size - off < chunk ? st.st_size - off : chunk, data + off);
		nettle_sha256_digest(&ctx, sizeof(digest), digest);
		t1 = now_s();
#endif
	} else {
		fprintf(stderr, "unknown implementation '%s'\n", argv[1]);
		return 2;
	}
	printf("%.4f ", t1 - t0);
	for (i = 0; i < 32; i++)
		printf("%02x", digest[i]);
	printf("\n");
	free(data);
	return 0;
}
