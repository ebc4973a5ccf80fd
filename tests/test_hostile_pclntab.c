// SPDX-License-Identifier: MIT
/*
 * goanalyze index on binaries whose Go function table is damaged the way
 * the pclntab fuzz targets found or probe (tests/fuzz/fuzz_pclntab.c):
 * one error line naming the file, the table and the function, exit 1,
 * and no DB left behind. The binary is a copy of a fuzz base
 * ($(O)/fuzzbase/go1.19-amd64: pclntab 1.18) patched in place.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfimg.h"
#include "log.h"
#include "test.h"

static void log_as_suite(void)
{
	ga_log_set_prog("test_hostile_pclntab");
	ga_log_set_level(GA_LOG_QUIET);
}
TEST_SETUP(log_as_suite);

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* A copy of the base at path with the u32 at pclntab + tab_off(pclntab) set to val. */
static bool damaged_copy(const char *path, uint64_t (*tab_off)(const uint8_t *tab), uint32_t val,
			 uint64_t *nfunc, uint64_t *tab_size)
{
	const char *base = build_path("fuzzbase/go1.19-amd64");
	struct elfimg_section sec;
	struct elfimg *bin;
	const uint8_t *data;
	size_t size;
	uint64_t at;
	bool ok = false;
	FILE *f;

	bin = elfimg__open(base);
	if (!ASSERT_TRUE(bin, "open the base") ||
	    !ASSERT_EQ(elfimg__section(bin, ".gopclntab", &sec), 0, ".gopclntab"))
		goto out;
	data = elfimg__data(bin, &size);
	*nfunc = le(sec.data + 8, 8);
	*tab_size = sec.size;
	at = sec.offset + tab_off(sec.data);
	f = fopen(path, "wb");
	if (!ASSERT_TRUE(f, "write the copy"))
		goto out;
	ok = fwrite(data, 1, at, f) == at && fwrite(&val, 1, 4, f) == 4 &&
	     fwrite(data + at + 4, 1, size - at - 4, f) == size - at - 4;
	ok = !fclose(f) && ok;
	ASSERT_TRUE(ok, "write the copy");
out:
	elfimg__free(bin);
	return ok;
}

/* 1.18 pcHeader: magic, pad, minLC, ptrSize, nfunc, nfiles, textStart, funcnameOffset, ..., pclnOffset */
static uint64_t name_of_func12(const uint8_t *tab)
{
	uint64_t pcln = le(tab + 8 + 7 * 8, 8), funcoff = le(tab + pcln + 12 * 8 + 4, 4);

	return pcln + funcoff + 4;	/* _func.nameOff */
}

static uint64_t nfunc_word(const uint8_t *tab)
{
	(void)tab;
	return 8;
}

static void index_fails(const char *bin, const char *want)
{
	char db[1024], line[2048];
	struct cmd_result r = {};
	struct stat st;

	snprintf(db, sizeof(db), "%s.db", bin);
	unlink(db);
	cmd_run((char *const[]){ (char *)build_path("goanalyze"), "index", (char *)bin, "--db", db,
				 NULL }, 120, &r);
	ASSERT_EQ(r.status, 1, "exit status");
	snprintf(line, sizeof(line), "goanalyze: pclntab: corrupt Go 1.18 function table "
		 "(magic 0xfffffff0) in '%s': %s\n", bin, want);
	ASSERT_STREQ(r.err, line, "one error line");
	ASSERT_TRUE(stat(db, &st) != 0, "no DB left");
	cmd_result_free(&r);
}

TEST(name_offset_past_table)
{
	const char *bin = tmp_path("hostile-nameoff");
	uint64_t nfunc, size;
	char want[256];

	if (!damaged_copy(bin, name_of_func12, 0x7fffffff, &nfunc, &size))
		return;
	snprintf(want, sizeof(want), "function 12 of %llu: name offset 0x7fffffff past the table "
		 "(%#llx bytes)", (unsigned long long)nfunc, (unsigned long long)size);
	index_fails(bin, want);
}

TEST(too_many_functions)
{
	const char *bin = tmp_path("hostile-nfunc");
	uint64_t nfunc, size;

	if (!damaged_copy(bin, nfunc_word, 0x7fffffff, &nfunc, &size))
		return;
	index_fails(bin, "2147483647 functions (at most 16777216)");
}
