// SPDX-License-Identifier: MIT
/*
 * Helpers of the goattach suites: samples indexed once per suite, goattach
 * started and stopped, its JSON lines read back. See attachlib.h.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "attachlib.h"

void attach_setup(void)
{
	const char *skip_reason = bpf_unavailable_reason();

	if (skip_reason)
		printf("\n*** SKIP: BPF end-to-end tests cannot run here: %s ***\n\n", skip_reason);
}

const char *sample_db(const char *name)
{
	static char dbs[4][512];
	static int next;
	char *db = dbs[next++ % 4], cmd[1400];
	struct cmd_result r;

	snprintf(db, sizeof(dbs[0]), "%s/%s.db", tmp_dir(), name);
	if (access(db, F_OK) == 0)
		return db;
	snprintf(cmd, sizeof(cmd), "'%s' index '%s/samples/%s' --db '%s'", build_path("goanalyze"),
		 build_dir(), name, db);
	sh_run(cmd, 120, &r);
	if (r.status)
		printf("  index %s failed: %s", name, r.err);
	cmd_result_free(&r);
	return db;
}

const char *bin_db(const char *bin)
{
	static char dbs[4][1024];
	static int next;
	char *db = dbs[next++ % 4], *p, cmd[2600];
	struct cmd_result r;

	/* one file per path: build/gomatrix/1.27/kinds -> build_gomatrix_1.27_kinds.db */
	snprintf(db, sizeof(dbs[0]), "%s/", tmp_dir());
	p = db + strlen(db);
	snprintf(p, sizeof(dbs[0]) - (p - db), "%s.db", bin);
	for (; *p; p++)
		if (*p == '/')
			*p = '_';
	if (access(db, F_OK) == 0)
		return db;
	snprintf(cmd, sizeof(cmd), "'%s' index '%s' --db '%s'", build_path("goanalyze"), bin, db);
	sh_run(cmd, 120, &r);
	if (r.status)
		printf("  index %s failed: %s", bin, r.err);
	cmd_result_free(&r);
	return db;
}

const char *sample_bin(const char *name)
{
	static char bins[4][512];
	static int next;
	char *b = bins[next++ % 4];

	snprintf(b, sizeof(bins[0]), "%s/samples/%s", build_dir(), name);
	return b;
}

/* Start goattach with args and wait until every probe is attached. */
bool start_goattach(struct bg_proc *p, char **args)
{
	char *argv[32] = { (char *)build_path("goattach") };
	int i;

	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (bg_start(p, argv))
		return false;
	if (!bg_wait_stderr(p, "Ctrl-C to stop.", 60)) {
		printf("  goattach did not start: %s\n", p->err);
		return false;
	}
	return true;
}

/* Stop goattach with sig; it must exit 0 and print its summary. */
void stop_goattach_with(struct bg_proc *p, int sig)
{
	ASSERT_OK(bg_stop(p, sig, 30), "goattach stops on the signal");
	ASSERT_EQ(p->status, 0, "goattach exit status");
	ASSERT_CONTAINS(p->err, "events lost", "summary printed");
}

void stop_goattach(struct bg_proc *p)
{
	stop_goattach_with(p, SIGINT);
}

/* JSON lines of goattach's stdout for func, in order. */
int json_calls(const char *out, const char *func, cJSON **calls, int max)
{
	const char *line = out;
	int n = 0;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		cJSON *o = cJSON_ParseWithLength(line, len);

		if (o && !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(o, "func")) ?: "", func) &&
		    n < max)
			calls[n++] = o;
		else
			cJSON_Delete(o);
		line = eol ? eol + 1 : NULL;
	}
	return n;
}

void free_calls(cJSON **calls, int n)
{
	int i;

	for (i = 0; i < n; i++)
		cJSON_Delete(calls[i]);
}

double num(cJSON *o, const char *a, const char *b)
{
	cJSON *x = cJSON_GetObjectItem(o, a);

	if (b)
		x = cJSON_GetObjectItem(x, b);
	return cJSON_IsNumber(x) ? x->valuedouble : -1e300;
}

/* Element i of the array at o.a. */
double elem(cJSON *o, const char *a, int i)
{
	cJSON *arr = cJSON_GetObjectItem(o, a), *e = cJSON_GetArrayItem(arr, i);

	return cJSON_IsNumber(e) ? e->valuedouble : -1e300;
}

const char *str(cJSON *o, const char *a, const char *b)
{
	cJSON *x = cJSON_GetObjectItem(o, a);

	if (b)
		x = cJSON_GetObjectItem(x, b);
	return cJSON_GetStringValue(x);
}

/*
 * bpf_link_info with its uprobe_multi member, as include/uapi/linux/bpf.h
 * has it (kernel 6.8+); the installed uapi headers predate it. The kernel
 * copies only the info_len we pass.
 */
struct ga_uprobe_multi_link_info {
	uint32_t type;
	uint32_t id;
	uint32_t prog_id;
	uint32_t pad;
	uint64_t path;
	uint64_t offsets;
	uint64_t ref_ctr_offsets;
	uint64_t cookies;
	uint32_t path_size;
	uint32_t count;
	uint32_t flags;
	uint32_t pid;
};
_Static_assert(sizeof(struct ga_uprobe_multi_link_info) == 64, "bpf_link_info.uprobe_multi");

#define GA_LINK_TYPE_UPROBE_MULTI 12	/* enum bpf_link_type */
#define GA_F_UPROBE_MULTI_RETURN 1u

/* The link ids of the BPF links pid has open, from /proc/pid/fdinfo. */
static size_t held_link_ids(pid_t pid, uint32_t *ids, size_t max)
{
	char dir[64], path[320], line[256];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fdinfo", pid);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "link_id: %u", &ids[n]) == 1) {
				n++;
				break;
			}
		fclose(f);
	}
	closedir(d);
	return n;
}

int held_uprobes_read(pid_t pid, struct held_uprobes *h)
{
	size_t i;
	int err = 0;

	memset(h, 0, sizeof(*h));
	h->nlinks = held_link_ids(pid, h->link_ids, 16);
	for (i = 0; i < h->nlinks && !err; i++) {
		struct ga_uprobe_multi_link_info info = {};
		uint32_t len = sizeof(info);
		uint64_t *offs;
		int fd = bpf_link_get_fd_by_id(h->link_ids[i]);

		if (fd < 0) {
			err = -errno;
			printf("  link %u: %s\n", h->link_ids[i], strerror(errno));
			break;
		}
		/* first the count and path, then the offsets */
		info.path = (uint64_t)(uintptr_t)h->path;
		info.path_size = sizeof(h->path);
		if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
			err = -errno;
		} else if (info.type == GA_LINK_TYPE_UPROBE_MULTI && info.count) {
			offs = realloc(h->offsets, (h->noffsets + info.count) * sizeof(*offs));
			if (!offs) {
				err = -ENOMEM;
			} else {
				uint32_t count = info.count;

				h->offsets = offs;
				memset(&info, 0, sizeof(info));
				info.offsets = (uint64_t)(uintptr_t)(offs + h->noffsets);
				info.count = count;
				len = sizeof(info);
				if (bpf_obj_get_info_by_fd(fd, &info, &len))
					err = -errno;
				else
					h->noffsets += count;
				h->any_return |= info.flags & GA_F_UPROBE_MULTI_RETURN;
			}
		}
		if (err)
			printf("  link %u info: %s\n", h->link_ids[i], strerror(-err));
		close(fd);
	}
	return err;
}

void held_uprobes_free(struct held_uprobes *h)
{
	free(h->offsets);
	h->offsets = NULL;
	h->noffsets = 0;
}

int bpf_links_alive(const uint32_t *ids, size_t n)
{
	uint32_t id = 0;
	int alive = 0;
	size_t i;

	while (!bpf_link_get_next_id(id, &id))
		for (i = 0; i < n; i++)
			alive += ids[i] == id;
	return alive;
}

int offsets_in(const uint64_t *offs, size_t n, const char *db, const char *query)
{
	struct cmd_result q = {};
	char cmd[2048], *line, *save = NULL;
	int found = 0;
	size_t i;

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", db, query);
	sh_run(cmd, 30, &q);
	for (line = strtok_r(q.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		uint64_t want = strtoull(line, NULL, 10);

		for (i = 0; i < n; i++)
			if (offs[i] == want) {
				found++;
				break;
			}
	}
	cmd_result_free(&q);
	return found;
}

int lines_as_program(const char *out, const char *func, int *n)
{
	char *copy = strdup(out ? out : ""), *line, *save = NULL, want[512];
	size_t flen = strlen(func);
	int same = 0;

	*n = 0;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);

		/* a VM's serial console ends lines in \r\n */
		if (len && line[len - 1] == '\r')
			line[len - 1] = 0;
		if (strncmp(line, func, flen) || line[flen] != '(')
			continue;
		(*n)++;
		snprintf(want, sizeof(want), " %s ", line);
		if (strstr(out, want))
			same++;
		else
			printf("  program: %s\n", line);
	}
	free(copy);
	return same;
}
