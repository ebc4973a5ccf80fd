// SPDX-License-Identifier: MIT
/* The binary a DB describes, and the DB describing a binary, by sha256 (see dbfind.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binid.h"
#include "dbfind.h"
#include "log.h"
#include "util.h"

static void builds_free(struct ga_build *builds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ga_build_clear(&builds[i]);
	free(builds);
}

/* The file at path is build b: a regular file of its size and sha256 (hashed only then). */
static bool file_is_build(const char *path, const struct ga_build *b)
{
	char sha[SHA256_HEX_LEN];
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != b->size ||
	    access(path, R_OK))
		return false;
	return !binid_hash_file(path, b->size, sha) && !strcmp(sha, b->sha256);
}

/* The newest build whose recorded path is still that build; -1 if none. */
static long build_at_recorded_path(const struct ga_build *builds, size_t n, size_t *nfound)
{
	long pick = -1;
	size_t i;

	*nfound = 0;
	for (i = 0; i < n; i++) {
		if (builds[i].path && file_is_build(builds[i].path, &builds[i])) {
			pick = i;
			(*nfound)++;
		}
	}
	return pick;
}

/* One executable file, by inode: a process scan hashes each once. */
struct seen_file {
	dev_t dev;
	ino_t ino;
};

/*
 * A running process whose executable is one of builds: its path in out
 * (readlink of /proc/N/exe when that path is still the same file, else the
 * link itself, which opens the mapped file even once deleted). Only files
 * of a build's size are hashed, each once. The index of the build, or -1.
 */
static long build_of_a_process(const struct ga_build *builds, size_t n, char *out, size_t len,
			       pid_t *pid)
{
	struct seen_file *seen = NULL;
	size_t nseen = 0, cap = 0, i, k;
	struct dirent *de;
	long pick = -1;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc)
		return -1;
	while (pick < 0 && (de = readdir(proc))) {
		char exe[64], real[PATH_MAX], *end;
		struct stat st, rst;
		long num;
		ssize_t rl;

		num = strtol(de->d_name, &end, 10);
		if (num <= 0 || *end)
			continue;
		snprintf(exe, sizeof(exe), "/proc/%ld/exe", num);
		if (stat(exe, &st) || !S_ISREG(st.st_mode))
			continue;	/* a kernel thread, gone, or not ours to read */
		for (k = 0; k < nseen; k++)
			if (seen[k].dev == st.st_dev && seen[k].ino == st.st_ino)
				break;
		if (k < nseen)
			continue;
		if (ga_ensure_mem((void **)&seen, &cap, nseen + 1, sizeof(*seen)))
			break;
		seen[nseen++] = (struct seen_file){ st.st_dev, st.st_ino };
		for (i = 0; i < n; i++)
			if ((uint64_t)st.st_size == builds[i].size && file_is_build(exe, &builds[i]))
				break;
		if (i == n)
			continue;
		pick = i;
		*pid = num;
		rl = readlink(exe, real, sizeof(real) - 1);
		if (rl > 0) {
			real[rl] = '\0';
			if (!stat(real, &rst) && rst.st_dev == st.st_dev && rst.st_ino == st.st_ino) {
				snprintf(out, len, "%s", real);
				continue;
			}
		}
		snprintf(out, len, "%s", exe);
	}
	closedir(proc);
	free(seen);
	return pick;
}

/* "go1.22.1, Go build id X, at '/ci/app' (gone|another file)" for each build, into buf. */
static void describe_builds(const struct ga_build *builds, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;
	struct stat st;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		const char *p = builds[i].path ? builds[i].path : "?";

		used += snprintf(buf + used, len - used, "%s%s, Go build id %s, indexed at '%s' (%s)",
				 i ? "; " : "", builds[i].go_version ? builds[i].go_version : "unknown Go",
				 builds[i].go_build_id ? builds[i].go_build_id : "none", p,
				 stat(p, &st) ? "not on this host" : "now another file");
	}
}

int dbfind_binary(struct gadb *db, const char *db_path, char *out, size_t len)
{
	struct ga_build *builds = NULL;
	char text[2048];
	size_t n = 0, nfound;
	long pick;
	pid_t pid = 0;
	int err;

	err = gadb__list_builds(db, &builds, &n);
	if (err)
		return err;
	if (!n) {
		pr_warn("db: '%s' holds no builds; make it with goanalyze index BINARY --db '%s'",
			db_path, db_path);
		err = -ENOENT;
		goto out_free;
	}
	pick = build_at_recorded_path(builds, n, &nfound);
	if (pick >= 0) {
		snprintf(out, len, "%s", builds[pick].path);
		if (nfound > 1)
			fprintf(stderr, "goattach: %zu builds of '%s' are at their indexed paths; "
				"tracing the newest, '%s' (--binary PATH picks another)\n",
				nfound, db_path, out);
		goto out_free;
	}
	/* indexed elsewhere (CI): a process running one of the builds is as good */
	pick = build_of_a_process(builds, n, out, len, &pid);
	if (pick >= 0) {
		fprintf(stderr, "goattach: '%s' (indexed at '%s'), run by pid %d, is a build "
			"'%s' describes\n", out, builds[pick].path ? builds[pick].path : "?", pid,
			db_path);
		goto out_free;
	}
	describe_builds(builds, n, text, sizeof(text));
	pr_warn("attach: no binary to trace for '%s': it holds %zu build%s (%s) and no running "
		"process is one; name the binary with --binary PATH, --pid PID or -c CMD",
		db_path, n, n == 1 ? "" : "s", text);
	err = -ENOENT;
out_free:
	builds_free(builds, n);
	return err;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.db names in dir, sorted; caller frees each and the array. 0 or -errno. */
static int list_db_files(const char *dir, char ***names, size_t *n)
{
	size_t cap = 0, cnt = 0, l;
	struct dirent *de;
	char **arr = NULL;
	DIR *d;

	*names = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		l = strlen(de->d_name);
		if (l < 4 || strcmp(de->d_name + l - 3, ".db"))
			continue;
		if (ga_ensure_mem((void **)&arr, &cap, cnt + 1, sizeof(*arr)))
			break;
		arr[cnt] = strdup(de->d_name);
		if (arr[cnt])
			cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(arr, cnt, sizeof(*arr), cmp_names);
	*names = arr;
	*n = cnt;
	return 0;
}

/* What one DB file is to the binary: 1 its build (by sha256), 2 same Go build id, 0 neither. */
static int db_holds(const char *path, const struct ga_binid *id)
{
	struct ga_build b = {}, *builds = NULL;
	size_t n = 0, i;
	struct gadb *db;
	int ret = 0;

	db = gadb__open(path);	/* says why when it is no DB of ours */
	if (!db)
		return 0;
	if (!gadb__find_build(db, id->sha256, &b)) {
		ga_build_clear(&b);
		ret = 1;
	} else if (id->go_build_id[0] && !gadb__list_builds(db, &builds, &n)) {
		for (i = 0; i < n && !ret; i++)
			if (builds[i].go_build_id && !strcmp(builds[i].go_build_id, id->go_build_id))
				ret = 2;
		builds_free(builds, n);
	}
	gadb__free(db);
	return ret;
}

int dbfind_db(const char *dirs, const char *binary, char *out, size_t len)
{
	char *copy, *dir, *save = NULL, *first_dir = NULL, same_go[PATH_MAX] = "";
	const char *base;
	struct ga_binid id;
	size_t ndbs = 0;
	int err, found = 0;

	err = binid_from_file(binary, &id);
	if (err)
		return err;
	copy = strdup(dirs);
	if (!copy)
		return -ENOMEM;
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char **names, path[PATH_MAX];
		size_t n, i;

		if (!first_dir)
			first_dir = dir;
		err = list_db_files(dir, &names, &n);
		if (err) {
			pr_info("db: cannot read the DB dir '%s': %s", dir, strerror(-err));
			continue;
		}
		for (i = 0; i < n && !found; i++) {
			int holds;

			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			ndbs++;
			holds = db_holds(path, &id);
			if (holds == 1) {
				snprintf(out, len, "%s", path);
				found = 1;
			} else if (holds == 2 && !same_go[0]) {
				snprintf(same_go, sizeof(same_go), "%s", path);
			}
		}
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	if (found)
		goto out_free;
	base = strrchr(binary, '/');
	base = base ? base + 1 : binary;
	if (same_go[0])
		pr_warn("db: no DB in '%s' holds '%s' (sha256 %s); '%s' holds a build with its Go "
			"build id %s but other bytes (stripped or changed after the build?); index "
			"this file: goanalyze index '%s' --db '%s/%s.db'", dirs, binary, id.sha256,
			same_go, id.go_build_id, binary, first_dir ? first_dir : ".", base);
	else
		pr_warn("db: no DB in '%s' (%zu *.db file%s read) holds '%s' (Go build id %s, sha256 "
			"%s); make one: goanalyze index '%s' --db '%s/%s.db'", dirs, ndbs,
			ndbs == 1 ? "" : "s", binary, id.go_build_id[0] ? id.go_build_id : "none",
			id.sha256, binary, first_dir ? first_dir : ".", base);
	err = -ENOENT;
out_free:
	free(copy);
	return err;
}
