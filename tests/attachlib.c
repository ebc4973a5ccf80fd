// SPDX-License-Identifier: MIT
/*
 * Helpers of the goattach suites: samples indexed once per suite, goattach
 * started and stopped, its JSON lines read back. See attachlib.h.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

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
