// SPDX-License-Identifier: MIT
/*
 * Separate debug info end to end: samples/kinds built with a GNU build id,
 * its DWARF split off by objcopy --only-keep-debug and the binary
 * stripped, then the debug file served the ways gdb finds it (a
 * .build-id tree, a .gnu_debuglink, Debian's own debuginfod server in a
 * private network namespace). Each time the stripped binary's params must
 * equal the unstripped twin's, read from its own DWARF; without the debug
 * file they must not.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "checks.h"
#include "log.h"
#include "test.h"
#include "util.h"

/* Any 20 bytes will do; the Go linker writes what -B gives. */
#define BUILD_ID "5ca1ab1e0ddba11c0ffee0000000000000000013"
#define OTHER_BUILD_ID "5ca1ab1e0ddba11c0ffee0000000000000000042"
/* where gdb looks for BUILD_ID's debug file under a debug directory */
#define BUILD_ID_FILE ".build-id/5c/a1ab1e0ddba11c0ffee0000000000000000013.debug"

/* Every function's params and their pieces, in a stable order: what must be equal. */
#define PARAMS_QUERY \
	"SELECT f.name, f.entry, f.params_known, f.params_source, p.idx, p.name, p.type_name, " \
	"p.kind, p.size, p.is_result, p.on_stack, p.dwarf_check, p.dwarf_loc, pp.idx, pp.path, " \
	"pp.kind, pp.size, pp.loc, pp.reg, pp.stack_off FROM functions f " \
	"LEFT JOIN params p ON p.function_id = f.id LEFT JOIN param_pieces pp ON pp.param_id = p.id " \
	"ORDER BY f.entry, f.name, p.idx, pp.idx"

static void setup(void)
{
	ga_log_set_prog("test_debuginfo");
	/*
	 * Debian's libdebuginfod-common sets DEBUGINFOD_URLS for login
	 * shells: no test asks a server on the network, only the one it runs.
	 */
	unsetenv("DEBUGINFOD_URLS");
}
TEST_SETUP(setup);

/* The binaries every test uses, made once: false (after saying why) if they could not be. */
static bool samples_ready(void)
{
	static int state;	/* 0: not tried, 1: ready, -1: failed */
	struct cmd_result r = {};
	char cmd[4096];

	if (state)
		return state > 0;
	state = -1;
	snprintf(cmd, sizeof(cmd),
		 "set -e; D='%s'; G='%s'; "
		 "build() { (cd samples/kinds && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 "
		 "go build -gcflags=-l -ldflags=-B=0x$1 -o \"$2\" .); }; "
		 "build %s \"$D/kinds\"; build %s \"$D/kinds-other\"; "
		 "objcopy --only-keep-debug \"$D/kinds\" \"$D/kinds.debug\"; "
		 "objcopy --only-keep-debug \"$D/kinds-other\" \"$D/kinds-other.debug\"; "
		 "objcopy --strip-debug \"$D/kinds\" \"$D/kinds-stripped\"; "
		 /* the facts the tests rest on, by binutils rather than by goanalyze */
		 "readelf -n \"$D/kinds-stripped\" | grep -q 'Build ID: %s'; "
		 "readelf -n \"$D/kinds.debug\" | grep -q 'Build ID: %s'; "
		 "! readelf -SW \"$D/kinds-stripped\" | grep -q 'debug_'; "
		 "readelf -SW \"$D/kinds.debug\" | grep -q ' .debug_info'; "
		 "$G index \"$D/kinds\" --db \"$D/kinds.db\" >/dev/null; "
		 "sqlite3 \"$D/kinds.db\" \"" PARAMS_QUERY "\" > \"$D/kinds.params\"",
		 tmp_dir(), build_path("goanalyze"), BUILD_ID, OTHER_BUILD_ID, BUILD_ID, BUILD_ID);
	sh_run(cmd, 300, &r);
	if (ASSERT_EQ(r.status, 0, "build, split and strip samples/kinds"))
		state = 1;
	else
		printf("  %s%s", r.out ? r.out : "", r.err ? r.err : "");
	cmd_result_free(&r);
	return state > 0;
}

/* `sh -c cmd` must exit 0; its stderr into *err (owned) when err is set. */
static bool sh_ok(const char *what, const char *cmd, int timeout, char **err)
{
	struct cmd_result r = {};
	bool ok;

	sh_run(cmd, timeout, &r);
	ok = ASSERT_EQ(r.status, 0, what);
	if (!ok)
		printf("  %s%s", r.out ? r.out : "", r.err ? r.err : "");
	if (err) {
		*err = r.err;
		r.err = NULL;
	}
	cmd_result_free(&r);
	return ok;
}

/*
 * goanalyze -v index bin (env before it, debug dirs as given) into db;
 * its stderr in *err (owned).
 */
static bool index_with(const char *env, const char *bin, const char *db, const char *dirs,
		       char **err)
{
	char cmd[4096];

	unlink(db);
	snprintf(cmd, sizeof(cmd), "%s '%s' -v index '%s' --db '%s' %s >/dev/null", env,
		 build_path("goanalyze"), bin, db, dirs);
	return sh_ok("goanalyze index", cmd, 300, err);
}

static long long dwarf_funcs(const char *db)
{
	return db_count(db, "SELECT count(*) FROM functions WHERE params_source = 'dwarf'");
}

/* Every function's params and pieces in db are the twin's (from its own DWARF). */
static void params_equal_twin(const char *db)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"" PARAMS_QUERY "\" | cmp - '%s'", db,
		 tmp_path("kinds.params"));
	sh_ok("params equal the unstripped build's", cmd, 60, NULL);
	/* not an empty comparison: kinds has ~1400 functions with DWARF params */
	ASSERT_GE(dwarf_funcs(db), 1000, "functions with DWARF params");
	ASSERT_EQ(dwarf_funcs(db), dwarf_funcs(tmp_path("kinds.db")), "as many as the twin's");
}

/* Without DWARF, the same binary's params are not the twin's. */
static void params_not_dwarf(const char *db)
{
	char cmd[2048];
	struct cmd_result r = {};

	ASSERT_EQ(dwarf_funcs(db), 0, "no function with DWARF params");
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"" PARAMS_QUERY "\" | cmp -s - '%s'", db,
		 tmp_path("kinds.params"));
	sh_run(cmd, 60, &r);
	ASSERT_NEQ(r.status, 0, "params differ from the twin's");
	cmd_result_free(&r);
}

/*
 * The report says where DWARF came from, plain and JSON (source NULL:
 * nowhere, "DWARF: none").
 */
static void report_says(const char *db, const char *source, const char *path)
{
	char cmd[2048], line[1200];
	struct cmd_result r = {};
	cJSON *doc = NULL, *b;

	snprintf(cmd, sizeof(cmd), "'%s' report --db '%s' main.main", build_path("goanalyze"), db);
	sh_run(cmd, 60, &r);
	if (!ASSERT_EQ(r.status, 0, "report"))
		goto out;
	if (source) {
		snprintf(line, sizeof(line), "  DWARF: %s (%s)\n", source, path);
		ASSERT_CONTAINS(r.out, line, "report names the debug file");
	} else {
		ASSERT_CONTAINS(r.out, "  DWARF: none\n", "report says none");
	}
	cmd_result_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' report --db '%s' --json main.main", build_path("goanalyze"), db);
	sh_run(cmd, 60, &r);
	if (!ASSERT_EQ(r.status, 0, "report --json"))
		goto out;
	doc = cJSON_Parse(r.out);
	if (!ASSERT_TRUE(doc != NULL, "report is JSON"))
		goto out;
	b = cJSON_GetObjectItem(doc, "binary");
	if (source) {
		ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(b, "debuginfo")), source, "debuginfo");
		ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(b, "debuginfo_path")), path,
			     "debuginfo_path");
		ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(b, "has_dwarf")), "has_dwarf");
	} else {
		ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(b, "debuginfo")), "debuginfo null");
		ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(b, "has_dwarf")), "has_dwarf false");
	}
out:
	cJSON_Delete(doc);
	cmd_result_free(&r);
}

/* The unstripped twin reads its own DWARF, and says so. */
TEST(embedded)
{
	char db[600], *abs;

	if (!samples_ready())
		return;
	abs = realpath(tmp_path("kinds"), NULL);
	snprintf(db, sizeof(db), "%s", tmp_path("kinds.db"));
	report_says(db, "embedded", abs);
	free(abs);
}

/* Nothing to find: no DWARF, and the -v line says what was tried. */
TEST(no_debug_file)
{
	char db[600], *err = NULL, dirs[600];

	if (!samples_ready())
		return;
	snprintf(db, sizeof(db), "%s", tmp_path("none.db"));
	mkdir(tmp_path("empty"), 0755);
	snprintf(dirs, sizeof(dirs), "--debug-dir '%s'", tmp_path("empty"));
	if (!index_with("", tmp_path("kinds-stripped"), db, dirs, &err))
		goto out;
	ASSERT_CONTAINS(err, "/empty/" BUILD_ID_FILE " (build-id): absent", "build id tried");
	ASSERT_CONTAINS(err, "debuglink: no .gnu_debuglink section", "debuglink tried");
	ASSERT_CONTAINS(err, "debuginfod: DEBUGINFOD_URLS not set", "debuginfod not asked");
	ASSERT_CONTAINS(err, "none found, going on without DWARF", "the outcome");
	params_not_dwarf(db);
	report_says(db, NULL, NULL);
out:
	free(err);
}

/* DIR/.build-id/xx/yyyy.debug, DIR given by --debug-dir (after one without it). */
TEST(build_id_tree)
{
	char db[600], cmd[2048], dirs[1200], *err = NULL, *debug = NULL;

	if (!samples_ready())
		return;
	snprintf(db, sizeof(db), "%s", tmp_path("bid.db"));
	snprintf(cmd, sizeof(cmd), "set -e; cd '%s'; mkdir -p bid/" BUILD_ID_FILE "; rmdir bid/"
		 BUILD_ID_FILE "; cp kinds.debug bid/" BUILD_ID_FILE, tmp_dir());
	if (!sh_ok("make the .build-id tree", cmd, 30, NULL))
		return;
	snprintf(dirs, sizeof(dirs), "--debug-dir '%s' --debug-dir '%s'", tmp_path("empty"),
		 tmp_path("bid"));
	mkdir(tmp_path("empty"), 0755);
	if (!index_with("", tmp_path("kinds-stripped"), db, dirs, &err))
		goto out;
	debug = realpath(tmp_path("bid/" BUILD_ID_FILE), NULL);
	ASSERT_CONTAINS(err, "/empty/" BUILD_ID_FILE " (build-id): absent", "first dir tried");
	ASSERT_CONTAINS(err, "/bid/" BUILD_ID_FILE " (build-id): taken", "second dir taken");
	params_equal_twin(db);
	report_says(db, "build-id", debug);
out:
	free(debug);
	free(err);
}

/*
 * --strip-all, as distributions ship: no .symtab either. The params are
 * still DWARF's, every one; only generic names differ (the pclntab's
 * "main.Max[...]", not .symtab's "main.Max[go.shape.int_0]"), so the rows
 * are compared without the name.
 */
TEST(strip_all_build_id)
{
	char db[600], cmd[4096], dirs[600], *err = NULL;

	if (!samples_ready())
		return;
	snprintf(db, sizeof(db), "%s", tmp_path("sa.db"));
	snprintf(cmd, sizeof(cmd), "set -e; cd '%s'; objcopy --strip-all kinds kinds-sa; "
		 "! readelf -SW kinds-sa | grep -q '.symtab\\|debug_'; "
		 "mkdir -p sa/" BUILD_ID_FILE "; rmdir sa/" BUILD_ID_FILE "; cp kinds.debug sa/" BUILD_ID_FILE,
		 tmp_dir());
	if (!sh_ok("strip all, make the .build-id tree", cmd, 30, NULL))
		return;
	snprintf(dirs, sizeof(dirs), "--debug-dir '%s'", tmp_path("sa"));
	if (!index_with("", tmp_path("kinds-sa"), db, dirs, &err))
		goto out;
	ASSERT_CONTAINS(err, "/sa/" BUILD_ID_FILE " (build-id): taken", "taken");
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"" PARAMS_QUERY "\" | cut -d'|' -f2- | "
		 "cmp - <(cut -d'|' -f2- '%s')", db, tmp_path("kinds.params"));
	{
		char *argv[] = { "bash", "-c", cmd, NULL };
		struct cmd_result r = {};

		cmd_run(argv, 60, &r);
		if (!ASSERT_EQ(r.status, 0, "params equal the unstripped build's, names aside"))
			printf("  %s%s", r.out ? r.out : "", r.err ? r.err : "");
		cmd_result_free(&r);
	}
	ASSERT_EQ(dwarf_funcs(db), dwarf_funcs(tmp_path("kinds.db")), "as many DWARF params as the twin's");
	ASSERT_GE(dwarf_funcs(db), 1000, "functions with DWARF params");
out:
	free(err);
}

/* A .build-id file whose own build id note is another build's is refused. */
TEST(build_id_mismatch_refused)
{
	char db[600], cmd[2048], dirs[600], *err = NULL;

	if (!samples_ready())
		return;
	snprintf(db, sizeof(db), "%s", tmp_path("bid-other.db"));
	snprintf(cmd, sizeof(cmd), "set -e; cd '%s'; mkdir -p other/" BUILD_ID_FILE "; rmdir other/"
		 BUILD_ID_FILE "; cp kinds-other.debug other/" BUILD_ID_FILE, tmp_dir());
	if (!sh_ok("make the .build-id tree", cmd, 30, NULL))
		return;
	snprintf(dirs, sizeof(dirs), "--debug-dir '%s'", tmp_path("other"));
	if (!index_with("", tmp_path("kinds-stripped"), db, dirs, &err))
		goto out;
	ASSERT_CONTAINS(err, " (build-id): refused, build id " OTHER_BUILD_ID, "refused, saying why");
	params_not_dwarf(db);
	report_says(db, NULL, NULL);
out:
	free(err);
}

/*
 * objcopy --add-gnu-debuglink, the debug file in each of the three places
 * gdb looks: next to the binary, in its .debug/, under DIR/dirname(binary).
 */
TEST(debuglink)
{
	static const char *const places[] = { "next", "dotdebug", "global" };
	size_t i;

	if (!samples_ready())
		return;
	for (i = 0; i < ARRAY_SIZE(places); i++) {
		char dir[600], gdir[600], db[700], bin[700], cmd[4096], dirs[700], want[1400];
		char *err = NULL, *debug = NULL, *absdir = NULL;

		snprintf(dir, sizeof(dir), "%s/link-%s", tmp_dir(), places[i]);
		snprintf(gdir, sizeof(gdir), "%s/link-%s-dir", tmp_dir(), places[i]);
		snprintf(db, sizeof(db), "%s.db", dir);
		snprintf(bin, sizeof(bin), "%s/app", dir);
		/* the link names app.debug, its CRC that of the file as split */
		snprintf(cmd, sizeof(cmd),
			 "set -e; D='%s'; GD='%s'; T='%s'; mkdir -p \"$D\" \"$GD\"; cp \"$T/kinds.debug\" \"$D/app.debug\"; "
			 "objcopy --add-gnu-debuglink=\"$D/app.debug\" \"$T/kinds-stripped\" \"$D/app\"; "
			 "readelf -SW \"$D/app\" | grep -q ' .gnu_debuglink'; "
			 "case %zu in 1) mkdir \"$D/.debug\"; mv \"$D/app.debug\" \"$D/.debug/\";; "
			 "2) A=$(cd \"$D\" && pwd -P); mkdir -p \"$GD$A\"; mv \"$D/app.debug\" \"$GD$A/\";; esac",
			 dir, gdir, tmp_dir(), i);
		if (!sh_ok(places[i], cmd, 60, NULL))
			continue;
		snprintf(dirs, sizeof(dirs), "--debug-dir '%s'", gdir);
		if (!index_with("", bin, db, dirs, &err))
			goto next;
		absdir = realpath(dir, NULL);
		if (i == 0)
			snprintf(want, sizeof(want), "%s/app.debug", absdir);
		else if (i == 1)
			snprintf(want, sizeof(want), "%s/.debug/app.debug", absdir);
		else
			snprintf(want, sizeof(want), "%s%s/app.debug", gdir, absdir);
		debug = realpath(want, NULL);
		printf("  %s: %s\n", places[i], debug ? debug : want);
		snprintf(want, sizeof(want), "%s (debuglink): taken", debug ? debug : "?");
		ASSERT_CONTAINS(err, want, places[i]);
		if (i > 0) {
			snprintf(want, sizeof(want), "%s/app.debug (debuglink): absent", absdir);
			ASSERT_CONTAINS(err, want, "looked next to the binary first");
		}
		params_equal_twin(db);
		report_says(db, "debuglink", debug);
next:
		free(absdir);
		free(debug);
		free(err);
	}
}

/* A debug file whose CRC is not the one its debuglink gives is another file: refused. */
TEST(debuglink_crc_mismatch_refused)
{
	char dir[600], cmd[2048], db[700], bin[700], dirs[600], *err = NULL;

	if (!samples_ready())
		return;
	snprintf(dir, sizeof(dir), "%s", tmp_path("crc"));
	snprintf(bin, sizeof(bin), "%s/app", dir);
	snprintf(db, sizeof(db), "%s.db", dir);
	/* one byte appended: still a good ELF file with the right DWARF, only its CRC is wrong */
	snprintf(cmd, sizeof(cmd),
		 "set -e; D='%s'; T='%s'; mkdir -p \"$D\"; cp \"$T/kinds.debug\" \"$D/app.debug\"; "
		 "objcopy --add-gnu-debuglink=\"$D/app.debug\" \"$T/kinds-stripped\" \"$D/app\"; "
		 "printf x >> \"$D/app.debug\"", dir, tmp_dir());
	if (!sh_ok("link, then change the debug file", cmd, 60, NULL))
		return;
	mkdir(tmp_path("empty"), 0755);
	snprintf(dirs, sizeof(dirs), "--debug-dir '%s'", tmp_path("empty"));
	if (!index_with("", bin, db, dirs, &err))
		goto out;
	ASSERT_CONTAINS(err, "/crc/app.debug (debuglink): refused, CRC 0x", "refused, saying why");
	ASSERT_CONTAINS(err, "none found, going on without DWARF", "goes on");
	params_not_dwarf(db);
	report_says(db, NULL, NULL);
out:
	free(err);
}

/*
 * The right file with damaged DWARF: one warning naming it (without -v),
 * and the index goes on without DWARF.
 */
TEST(damaged_debug_file)
{
	char cmd[4096], file[700], db[600];
	struct cmd_result r = {};

	if (!samples_ready())
		return;
	snprintf(db, sizeof(db), "%s", tmp_path("damaged.db"));
	snprintf(file, sizeof(file), "%s/damaged/" BUILD_ID_FILE, tmp_dir());
	/* zeros over the start of .debug_info, whose build id note stays right */
	snprintf(cmd, sizeof(cmd),
		 "set -e; F='%s'; mkdir -p \"$F\"; rmdir \"$F\"; cp '%s' \"$F\"; "
		 "off=$(readelf -SW \"$F\" | sed -n 's/.* \\.debug_info *PROGBITS *[0-9a-f]* \\([0-9a-f]*\\) .*/\\1/p'); "
		 "test -n \"$off\"; dd if=/dev/zero of=\"$F\" bs=1 seek=$((0x$off)) count=64 conv=notrunc 2>/dev/null; "
		 "readelf -n \"$F\" | grep -q 'Build ID: %s'",
		 file, tmp_path("kinds.debug"), BUILD_ID);
	if (!sh_ok("damage a copy", cmd, 30, NULL))
		return;
	unlink(db);
	snprintf(cmd, sizeof(cmd), "'%s' index '%s' --db '%s' --debug-dir '%s/damaged'",
		 build_path("goanalyze"), tmp_path("kinds-stripped"), db, tmp_dir());
	sh_run(cmd, 300, &r);
	if (!ASSERT_EQ(r.status, 0, "not an error"))
		printf("  %s", r.err ? r.err : "");
	ASSERT_EQ(count_lines_with(r.err ? r.err : "", "goanalyze:"), 1, "one warning");
	ASSERT_CONTAINS(r.err, "damaged/" BUILD_ID_FILE, "naming the file");
	params_not_dwarf(db);
	cmd_result_free(&r);
}

/* Why the debuginfod test cannot run here, or NULL. */
static const char *debuginfod_unavailable(void)
{
	struct cmd_result r = {};
	const char *why = NULL;

	sh_run("command -v debuginfod && command -v curl && command -v ip && command -v unshare", 10, &r);
	if (r.status)
		why = "debuginfod, curl, ip or unshare missing (scripts/install-deps.sh installs them)";
	cmd_result_free(&r);
	if (why)
		return why;
	sh_run("unshare -n sh -c 'ip link set lo up'", 10, &r);
	if (r.status)
		why = "no private network namespace (unshare -n needs root or user namespaces)";
	cmd_result_free(&r);
	return why;
}

/*
 * Debian's debuginfod (elfutils 0.188) serving the debug file, and
 * libdebuginfod fetching it into DEBUGINFOD_CACHE_PATH. 0.188 has no
 * option to listen on loopback only: server and goanalyze run in a private
 * network namespace with nothing but lo, so nothing listens outside it,
 * and any port is free there. The server is polled until it serves the
 * file (its scan runs in the background), then stopped by its PID.
 */
TEST(debuginfod_server)
{
	const char *why = debuginfod_unavailable();
	char db[600], cmd[8192], want[1200], *debug = NULL;
	struct cmd_result r = {};

	if (why) {
		printf("  ********************************************************\n");
		TEST_SKIP("%s", why);
		printf("  ********************************************************\n");
		return;
	}
	if (!samples_ready())
		return;
	snprintf(db, sizeof(db), "%s", tmp_path("dinfod.db"));
	unlink(db);
	snprintf(cmd, sizeof(cmd),
		 "set -e; T='%s'; G='%s'; PORT=8002; "
		 "rm -rf \"$T/dinfod\"; mkdir -p \"$T/dinfod/srv\" \"$T/dinfod/empty\"; "
		 "cp \"$T/kinds.debug\" \"$T/dinfod/srv/\"; "
		 "ip link set lo up; "
		 "debuginfod -F -p $PORT -d \"$T/dinfod/db.sqlite\" -t 0 -g 0 \"$T/dinfod/srv\" "
		 "  > \"$T/dinfod/server.log\" 2>&1 & pid=$!; "
		 "trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT; "
		 "i=0; until curl -sf -o /dev/null http://127.0.0.1:$PORT/buildid/%s/debuginfo; do "
		 "  i=$((i + 1)); kill -0 $pid; "
		 "  if [ $i -ge 300 ]; then echo 'debuginfod never served the file' >&2; "
		 "    cat \"$T/dinfod/server.log\" >&2; exit 1; fi; sleep 0.1; done; "
		 "ss -Hltn | grep -q \":$PORT \"; "
		 "DEBUGINFOD_URLS=http://127.0.0.1:$PORT DEBUGINFOD_CACHE_PATH=\"$T/dinfod/cache\" "
		 "  DEBUGINFOD_TIMEOUT=30 \"$G\" -v index \"$T/kinds-stripped\" --db '%s' "
		 "  --debug-dir \"$T/dinfod/empty\" >/dev/null",
		 tmp_dir(), build_path("goanalyze"), BUILD_ID, db);
	{
		char *argv[] = { "unshare", "-n", "sh", "-c", cmd, NULL };

		cmd_run(argv, 180, &r);
	}
	if (!ASSERT_EQ(r.status, 0, "debuginfod served, goanalyze indexed")) {
		printf("  %s%s", r.out ? r.out : "", r.err ? r.err : "");
		goto out;
	}
	/* the client's cache layout: CACHE/BUILDID/debuginfo */
	snprintf(want, sizeof(want), "%s/dinfod/cache/%s/debuginfo", tmp_dir(), BUILD_ID);
	debug = realpath(want, NULL);
	ASSERT_TRUE(debug != NULL, "the file is in DEBUGINFOD_CACHE_PATH");
	snprintf(want, sizeof(want), "%s (debuginfod): taken", debug ? debug : "?");
	ASSERT_CONTAINS(r.err, want, "taken from the server");
	ASSERT_CONTAINS(r.err, "debuglink: no .gnu_debuglink section", "the others first");
	ASSERT_CONTAINS(r.err, "debuginfod (http://127.0.0.1:8002): found", "asked the server");
	params_equal_twin(db);
	report_says(db, "debuginfod", debug);
out:
	free(debug);
	cmd_result_free(&r);
}
