// SPDX-License-Identifier: MIT
/*
 * Packaging: 'make install' into a DESTDIR and 'make uninstall' taking
 * back exactly what it put (checked against find(1), with a file of
 * another package left alone); CPPFLAGS, CFLAGS and LDFLAGS from the
 * command line added to every host compile and link after the build's
 * own flags, and to no BPF compile (checked on make -n's own commands).
 */
#include <stdlib.h>

#include "test.h"

/* Every file and link under dir, one relative path a line, sorted. */
static int list_files(const char *dir, struct cmd_result *r)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cd '%s' && find . ! -type d | sort", dir);
	return sh_run(cmd, 30, r);
}

TEST(install_uninstall)
{
	static const char want[] =
		"./usr/bin/goanalyze\n"
		"./usr/bin/goattach\n"
		"./usr/bin/other-package\n"
		"./usr/share/bash-completion/completions/goanalyze\n"
		"./usr/share/bash-completion/completions/goattach\n"
		"./usr/share/goattach/diff.schema.json\n"
		"./usr/share/goattach/error.schema.json\n"
		"./usr/share/goattach/hist.schema.json\n"
		"./usr/share/goattach/manifest.schema.json\n"
		"./usr/share/goattach/report.schema.json\n"
		"./usr/share/goattach/schema.sql\n"
		"./usr/share/goattach/stats.schema.json\n"
		"./usr/share/goattach/trace-event.schema.json\n"
		"./usr/share/man/man1/goanalyze.1\n"
		"./usr/share/man/man8/goattach.8\n";
	char dest[512], cmd[2048];
	struct cmd_result r = {};

	snprintf(dest, sizeof(dest), "%s/destdir", tmp_dir());
	/* a file of another package in a shared directory: uninstall keeps it */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s/usr/bin' && : > '%s/usr/bin/other-package'",
		 dest, dest, dest);
	sh_run(cmd, 30, &r);
	if (!ASSERT_EQ(r.status, 0, "a DESTDIR"))
		goto out;
	cmd_result_free(&r);

	snprintf(cmd, sizeof(cmd), "make -s install O='%s' PREFIX=/usr DESTDIR='%s'", build_dir(), dest);
	sh_run(cmd, 300, &r);
	if (!ASSERT_EQ(r.status, 0, "make install"))
		printf("  %s%s", r.out ? r.out : "", r.err ? r.err : "");
	cmd_result_free(&r);
	list_files(dest, &r);
	ASSERT_STREQ(r.out, want, "what install put");
	cmd_result_free(&r);

	snprintf(cmd, sizeof(cmd), "head -1 '%s/usr/share/man/man8/goattach.8'; "
		 "head -1 '%s/usr/share/man/man1/goanalyze.1'", dest, dest);
	sh_run(cmd, 30, &r);
	ASSERT_CONTAINS(r.out, ".TH GOATTACH 8 ", "goattach's page is in section 8 (it needs root)");
	ASSERT_CONTAINS(r.out, ".TH GOANALYZE 1 ", "goanalyze's in section 1");
	cmd_result_free(&r);

	snprintf(cmd, sizeof(cmd), "make -s uninstall O='%s' PREFIX=/usr DESTDIR='%s'", build_dir(), dest);
	sh_run(cmd, 120, &r);
	if (!ASSERT_EQ(r.status, 0, "make uninstall"))
		printf("  %s%s", r.out ? r.out : "", r.err ? r.err : "");
	cmd_result_free(&r);
	list_files(dest, &r);
	ASSERT_STREQ(r.out, "./usr/bin/other-package\n", "uninstall took back all it put, and only that");
	cmd_result_free(&r);
	snprintf(cmd, sizeof(cmd), "test ! -e '%s/usr/share/goattach'", dest);
	sh_run(cmd, 30, &r);
	ASSERT_EQ(r.status, 0, "our own data directory is gone too");

	/* a second uninstall (nothing installed) is no error */
	cmd_result_free(&r);
	snprintf(cmd, sizeof(cmd), "make -s uninstall O='%s' PREFIX=/usr DESTDIR='%s'", build_dir(), dest);
	sh_run(cmd, 120, &r);
	ASSERT_EQ(r.status, 0, "uninstall of nothing");
	ASSERT_STREQ(r.err, "", "says nothing");
out:
	cmd_result_free(&r);
}

/* How many of make -n's lines match the extended regex re (grep -cE). */
static int count_matching(const char *plan, const char *re)
{
	char cmd[1024];
	struct cmd_result r = {};
	int n;

	snprintf(cmd, sizeof(cmd), "grep -cE -- '%s' '%s'", re, plan);
	sh_run(cmd, 30, &r);
	n = r.out ? atoi(r.out) : -1;
	cmd_result_free(&r);
	return n;
}

TEST(flags_from_environment)
{
	char plan[512], cmd[2048];
	struct cmd_result r = {};
	int compiles, links;

	/* a fresh build dir: make -n prints every command of a whole build */
	snprintf(plan, sizeof(plan), "%s/plan", tmp_dir());
	snprintf(cmd, sizeof(cmd),
		 "make -n V=1 O='%s/flags-build' CPPFLAGS='-D_FORTIFY_SOURCE=2 -DGA_ENV_CPP' "
		 "CFLAGS='-g -O2 -fstack-protector-strong -DGA_ENV_C' LDFLAGS='-Wl,-z,relro -Wl,-z,now' "
		 "all > '%s'", tmp_dir(), plan);
	sh_run(cmd, 120, &r);
	if (!ASSERT_EQ(r.status, 0, "make -n"))
		goto out;

	compiles = count_matching(plan, "^cc .* -c [^ ]+\\.c -o ");
	ASSERT_GE(compiles, 10, "host compiles in the plan");
	/* after the build's own flags (-Wall ... -D_GNU_SOURCE), so they add, and win a clash */
	ASSERT_EQ(count_matching(plan, "^cc .*-Wall .*-std=gnu11 -D_GNU_SOURCE .*"
				 "-D_FORTIFY_SOURCE=2 -DGA_ENV_CPP -g -O2 -fstack-protector-strong -DGA_ENV_C "),
		  compiles, "every host compile has CPPFLAGS then CFLAGS, after its own");
	links = count_matching(plan, "^cc .*-Wl,-z,relro -Wl,-z,now .*-o [^ ]*/goa(nalyze|ttach)$");
	ASSERT_EQ(links, 2, "both links have LDFLAGS");
	ASSERT_EQ(count_matching(plan, "-target bpf"), 1, "one BPF compile");
	ASSERT_EQ(count_matching(plan, "-target bpf.*(GA_ENV|FORTIFY|stack-protector)"), 0,
		  "no host flag in it");
out:
	cmd_result_free(&r);
}
