// SPDX-License-Identifier: MIT
/*
 * Damaged DWARF end to end: goanalyze index on copies of a Go 1.26
 * binary (samples/kinds built with -ldflags=-compressdwarf=false: the
 * fuzz base, DWARF 5 with .debug_rnglists, .debug_loclists, .debug_addr)
 * with one unit header byte changed. libdwarf 20210528 frees twice on a
 * .debug_rnglists unit whose address size it refuses (dwarf_rnglists.c,
 * internal_load_rnglists_contexts); goanalyze must say so in one warning
 * line naming the file and the section, and index the binary without
 * DWARF types (exit 0), never crash. The undamaged copy is the control:
 * no warning, DWARF read.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "test.h"

static void setup(void)
{
	ga_log_set_prog("test_hostile_dwarf");
}
TEST_SETUP(setup);

static bool sanitizer_report(const char *err)
{
	return err && (strstr(err, "AddressSanitizer") || strstr(err, "runtime error:") ||
		       strstr(err, "LeakSanitizer"));
}

/*
 * Copy the base to tmp/name, write the byte value at offset at of the
 * section sec (when sec is not NULL), then run shell command post on it
 * ($F) if given. False after saying why when it could not.
 */
static bool make_copy(const char *name, const char *sec, unsigned int at, unsigned int value,
		      const char *post)
{
	const char *base = build_path("fuzzbase/go1.26-amd64");
	struct cmd_result r = {};
	char cmd[4096];
	bool ok;

	if (access(base, R_OK)) {
		TEST_SKIP("no %s (make build-tests builds it with the Go 1.26 toolchain)", base);
		return false;
	}
	snprintf(cmd, sizeof(cmd),
		 "set -e; F='%s'; cp '%s' \"$F\"; S='%s'; "
		 "if [ -n \"$S\" ]; then "
		 "O=$(readelf -SW \"$F\" | sed 's/^ *\\[ *[0-9]*\\] *//' | awk -v s=\"$S\" '$1 == s { print $4 }'); "
		 "test -n \"$O\"; printf \"\\\\$(printf %%03o %u)\" | "
		 "dd of=\"$F\" bs=1 seek=$((0x$O + %u)) conv=notrunc status=none; fi; %s",
		 tmp_path(name), base, sec ? sec : "", value, at, post ? post : "true");
	sh_run(cmd, 60, &r);
	ok = ASSERT_EQ(r.status, 0, "make the damaged copy");
	if (!ok)
		printf("  %s", r.err ? r.err : "");
	cmd_result_free(&r);
	return ok;
}

/* goanalyze index on tmp/name into tmp/name.db; r holds what it printed. */
static void index_copy(const char *name, struct cmd_result *r)
{
	char bin[1024], db[1100];

	snprintf(bin, sizeof(bin), "%s", tmp_path(name));
	snprintf(db, sizeof(db), "%s.db", bin);
	unlink(db);
	cmd_run((char *const[]){ (char *)build_path("goanalyze"), "index", bin, "--db", db, NULL }, 300,
		r);
}

/* A number the DB of tmp/name says, by one sqlite3 query; -1 when it cannot. */
static long long db_number(const char *name, const char *query)
{
	struct cmd_result r = {};
	char db[1100];
	long long v = -1;

	snprintf(db, sizeof(db), "%s.db", tmp_path(name));
	cmd_run((char *const[]){ "sqlite3", db, (char *)query, NULL }, 60, &r);
	if (r.status == 0 && r.out && r.out[0])
		v = atoll(r.out);
	cmd_result_free(&r);
	return v;
}

/* One warning line naming the file and what; indexed all the same, without DWARF. */
static void expect_one_warning(const char *name, const char *section, const char *what)
{
	struct cmd_result r = {};
	char want_file[1100];

	index_copy(name, &r);
	ASSERT_EQ(r.status, 0, "goanalyze index goes on without types");
	ASSERT_FALSE(sanitizer_report(r.err), "no sanitizer report");
	ASSERT_EQ(count_lines_with(r.err, ""), 1, "one line on stderr");
	snprintf(want_file, sizeof(want_file), "'%s'", tmp_path(name));
	ASSERT_CONTAINS(r.err, want_file, "the line names the file");
	ASSERT_CONTAINS(r.err, section, "the line names the section");
	ASSERT_CONTAINS(r.err, what, "the line says what is wrong");
	ASSERT_CONTAINS(r.err, "continuing without types", "the line says what happens");
	printf("  %s", r.err ? r.err : "\n");
	cmd_result_free(&r);
	ASSERT_GE(db_number(name, "SELECT count(*) FROM functions"), 1000, "the functions indexed");
	ASSERT_EQ(db_number(name, "SELECT has_dwarf FROM builds"), 0, "no DWARF used");
}

/* The control: the same binary undamaged has its DWARF read, without a word. */
TEST(undamaged_control)
{
	struct cmd_result r = {};

	if (!make_copy("kinds126", NULL, 0, 0, NULL))
		return;
	index_copy("kinds126", &r);
	ASSERT_EQ(r.status, 0, "goanalyze index");
	ASSERT_EQ(count_lines_with(r.err, ""), 0, "nothing on stderr");
	cmd_result_free(&r);
	ASSERT_EQ(db_number("kinds126", "SELECT has_dwarf FROM builds"), 1, "DWARF used");
	ASSERT_GE(db_number("kinds126", "SELECT count(*) FROM functions WHERE params_source = 'dwarf'"),
		  1000, "params from DWARF");
}

/* The first unit's address_size (after unit_length 4 and version 2) set to 3: libdwarf's double free. */
TEST(rnglists_address_size)
{
	if (make_copy("rng-asz", ".debug_rnglists", 6, 3, NULL))
		expect_one_warning("rng-asz", ".debug_rnglists", "address size 3, the ELF's is 8");
}

/* The same, compressed (SHF_COMPRESSED, what Go writes by default): checked once inflated. */
TEST(rnglists_address_size_compressed)
{
	if (make_copy("rng-asz-z", ".debug_rnglists", 6, 3,
		      "objcopy --compress-debug-sections=zlib \"$F\" && "
		      "readelf -SW \"$F\" | grep ' .debug_rnglists' | grep -q ' C '"))
		expect_one_warning("rng-asz-z", ".debug_rnglists", "address size 3, the ELF's is 8");
}

/* An address size libdwarf accepts but that is not the binary's: every address read would be cut. */
TEST(rnglists_address_size_4)
{
	if (make_copy("rng-asz4", ".debug_rnglists", 6, 4, NULL))
		expect_one_warning("rng-asz4", ".debug_rnglists", "address size 4, the ELF's is 8");
}

/* .debug_loclists version 4 (libdwarf refuses it and takes all of .debug_info down with it). */
TEST(loclists_version)
{
	if (make_copy("loc-ver", ".debug_loclists", 4, 4, NULL))
		expect_one_warning("loc-ver", ".debug_loclists", "version 4, not 5");
}

/* .debug_addr: a segment selector size Go never writes. */
TEST(addr_segment_selector)
{
	if (make_copy("addr-seg", ".debug_addr", 7, 1, NULL))
		expect_one_warning("addr-seg", ".debug_addr", "segment selector size 1, not 0");
}

/* The unit length of the first .debug_rnglists unit past the section's end. */
TEST(rnglists_unit_length)
{
	if (make_copy("rng-len", ".debug_rnglists", 3, 0x7f, NULL))
		expect_one_warning("rng-len", ".debug_rnglists", "past the section");
}
