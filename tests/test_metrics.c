// SPDX-License-Identifier: MIT
/*
 * goattach --metrics end to end: a real Go program traced with real BPF,
 * /metrics read over a socket and checked by Debian's promtool, then
 * scraped by Debian's prometheus server (started here, on loopback, with
 * a temp config and storage) and read back through its HTTP API. The
 * truth is the program's own output: how many calls it made, how many
 * returned an error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "attachlib.h"

TEST_SETUP(attach_setup);

#define PROMETHEUS "/usr/bin/prometheus"
#define PROMTOOL "/usr/bin/promtool"

/* A loopback TCP port free a moment ago (the kernel's pick for port 0). */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/*
 * GET path from 127.0.0.1:port with our own socket; the HTTP status, or
 * -1. *body: what follows the headers, malloc'd.
 */
static int http_get(int port, const char *path, char **body)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { .tv_sec = 10 };
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap), *hdr_end, req[1024];
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = -1;
	ssize_t n;

	*body = NULL;
	if (fd < 0 || !buf)
		goto out;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		goto out;
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n",
		 path, port);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		goto out;
	while ((n = read(fd, buf + len, cap - 1 - len)) > 0) {
		len += n;
		if (len == cap - 1) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb)
				goto out;
			buf = nb;
		}
	}
	buf[len] = '\0';
	hdr_end = strstr(buf, "\r\n\r\n");
	if (!hdr_end || sscanf(buf, "HTTP/1.%*c %d", &status) != 1)
		goto out;
	*body = strdup(hdr_end + 4);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return status;
}

/* The value of the sample named key ("name{labels}") in an exposition; -1 when absent. */
static double sample(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while ((p = strstr(p, key))) {
		if ((p == text || p[-1] == '\n') && p[klen] == ' ')
			return strtod(p + klen + 1, NULL);
		p += klen;
	}
	return -1;
}

/*
 * func's histogram in an exposition is whole: buckets non-decreasing,
 * +Inf equal to _count and to calls; _sum within what the buckets allow
 * (each call between its bucket's bounds). Asserts.
 */
static void check_histogram(const char *text, const char *func, double calls)
{
	char key[256];
	const char *p = text;
	double prev_le = 0, prev_cum = 0, lo = 0, hi = 0, inf, count, sum;
	int nbuckets = 0, ordered = 1;

	snprintf(key, sizeof(key), "goattach_call_duration_seconds_bucket{function=\"%s\",le=\"", func);
	while ((p = strstr(p, key))) {
		double le, cum;
		char *end;

		p += strlen(key);
		if (*p == '+')
			break;
		le = strtod(p, &end);
		cum = strtod(strchr(end, ' ') + 1, NULL);
		ordered &= cum >= prev_cum && le > prev_le;
		lo += (cum - prev_cum) * prev_le;
		hi += (cum - prev_cum) * le;
		prev_le = le;
		prev_cum = cum;
		nbuckets++;
	}
	snprintf(key, sizeof(key), "goattach_call_duration_seconds_bucket{function=\"%s\",le=\"+Inf\"}", func);
	inf = sample(text, key);
	snprintf(key, sizeof(key), "goattach_call_duration_seconds_count{function=\"%s\"}", func);
	count = sample(text, key);
	snprintf(key, sizeof(key), "goattach_call_duration_seconds_sum{function=\"%s\"}", func);
	sum = sample(text, key);
	ASSERT_EQ(nbuckets, 25, "buckets 1.023us to 17.18s");
	ASSERT_TRUE(ordered, "bucket bounds increase, counts never decrease");
	ASSERT_EQ(inf, calls, "+Inf bucket = calls");
	ASSERT_EQ(count, calls, "_count = calls");
	/* calls beyond the last bucket: only a lower bound for them */
	lo += (inf - prev_cum) * prev_le;
	ASSERT_TRUE(sum > 0 && sum >= lo - 1e-9 && (inf > prev_cum || sum <= hi + 1e-9),
		    "_sum within the bucket bounds");
	printf("  %s: %g calls, _sum %.9f s (buckets allow %.9f..%.9f)\n", func, calls, sum, lo, hi);
}

/* Write s into the suite's temp dir as rel; its path (static buffer rotation). */
static const char *write_tmp(const char *rel, const char *s)
{
	const char *path = tmp_path(rel);
	FILE *f = fopen(path, "w");

	if (!f)
		return NULL;
	fputs(s, f);
	fclose(f);
	return path;
}

/* A bad address is refused with one line and exit 1, before anything is attached. */
TEST(bad_address)
{
	static const char *const bad[] = { "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536",
					   "localhost:9464", "::1:9464", "[::1]9464", "1.2.3:80",
					   "127.0.0.1:12ab", "[fe80::1%lo]:9464" };
	struct cmd_result r = {};
	size_t i;
	int port, fd = -1;
	char addr[64];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("funcs"),
				 "--metrics", (char *)bad[i], "main.mixed", NULL };

		cmd_run(argv, 30, &r);
		ASSERT_EQ(r.status, 1, bad[i]);
		ASSERT_EQ(count_lines_with(r.err, ""), 1, "one line");
		ASSERT_CONTAINS(r.err, "bad --metrics", bad[i]);
		cmd_result_free(&r);
	}
	/* a port in use: one line, nothing attached */
	REQUIRE_BPF();
	port = free_port();
	{
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (!ASSERT_OK(bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1), "hold a port"))
			goto out;
	}
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	{
		char *argv[] = { (char *)build_path("goattach"), "--db", (char *)sample_db("funcs"),
				 "--metrics", addr, "main.mixed", NULL };

		cmd_run(argv, 30, &r);
	}
	ASSERT_EQ(r.status, 1, "port in use");
	ASSERT_CONTAINS(r.err, "metrics: cannot listen on", "says why");
	ASSERT_FALSE(strstr(r.err, "Tracing"), "nothing attached");
out:
	cmd_result_free(&r);
	if (fd >= 0)
		close(fd);
}

/*
 * The program's calls, through /metrics and promtool, then through a
 * real prometheus: its scrape of goattach and its query API.
 */
TEST(prometheus_scrape)
{
	struct bg_proc ga = {}, prom = {};
	struct cmd_result r1 = {}, r2 = {}, pt = {};
	char addr[64], listen_addr[64], cfg[1024], url[512], cmd[1024];
	char *text = NULL, *api = NULL;
	int port = free_port(), pport = free_port(), status, i, odd = 0;
	double mixed_calls, mixed_errs, t_start, t_end;
	char *args[] = { "--db", (char *)sample_db("funcs"), "--metrics", addr, "main.mixed",
			 "main.classify", NULL };
	char *run_mixed[] = { (char *)sample_bin("funcs"), "mixed", "1", "2", "3", "4", "5", "6",
			      "7", NULL };
	char *run_classify[] = { (char *)sample_bin("funcs"), "classify", "-3", "0", "5", "50", NULL };
	const char *path;
	cJSON *j = NULL;
	bool seen = false;

	REQUIRE_BPF();
	if (access(PROMETHEUS, X_OK) || access(PROMTOOL, X_OK)) {
		TEST_SKIP("!!! NO PROMETHEUS: %s or %s missing; apt-get install prometheus "
			  "(scripts/install-deps.sh does) !!!", PROMETHEUS, PROMTOOL);
		return;
	}
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	cmd_run(run_mixed, 60, &r1);
	cmd_run(run_classify, 60, &r2);
	for (i = 1; i <= 7; i++)
		odd += i % 2;
	ASSERT_EQ(count_lines_with(r1.out, "mixed("), 7, "the program made 7 calls of main.mixed");
	ASSERT_EQ(count_lines_with(r1.out, " odd"), odd, "and says which returned an error");
	ASSERT_EQ(count_lines_with(r2.out, "classify("), 4, "4 calls of main.classify");

	status = http_get(port, "/metrics", &text);
	if (!ASSERT_EQ(status, 200, "GET /metrics") || !text)
		goto out_stop;
	mixed_calls = sample(text, "goattach_calls_total{function=\"main.mixed\"}");
	mixed_errs = sample(text, "goattach_errors_total{function=\"main.mixed\"}");
	ASSERT_EQ(mixed_calls, 7, "main.mixed calls");
	ASSERT_EQ(mixed_errs, odd, "main.mixed errors");
	ASSERT_EQ(sample(text, "goattach_calls_total{function=\"main.classify\"}"), 4, "classify calls");
	ASSERT_EQ(sample(text, "goattach_errors_total{function=\"main.classify\"}"), -1,
		  "no error series for a function without an error result");
	ASSERT_EQ(sample(text, "goattach_events_lost_total"), 0, "nothing lost");
	ASSERT_GE(sample(text, "goattach_probes"), 2, "probes attached");
	ASSERT_CONTAINS(text, "# TYPE goattach_call_duration_seconds histogram", "histogram family");
	check_histogram(text, "main.mixed", 7);
	check_histogram(text, "main.classify", 4);

	/* the format as Prometheus's own linter reads it */
	path = write_tmp("scrape.txt", text);
	snprintf(cmd, sizeof(cmd), PROMTOOL " check metrics < '%s'", path);
	sh_run(cmd, 60, &pt);
	ASSERT_EQ(pt.status, 0, "promtool check metrics");
	if (pt.status)
		printf("  promtool: %s%s\n", pt.out, pt.err);

	/* other paths */
	ASSERT_EQ(http_get(port, "/", &api), 404, "/ is not found");
	free(api);
	api = NULL;

	/* a real prometheus, scraping goattach every second */
	snprintf(cfg, sizeof(cfg),
		 "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
		 "scrape_configs:\n  - job_name: goattach\n    static_configs:\n"
		 "      - targets: ['127.0.0.1:%d']\n", port);
	path = write_tmp("prometheus.yml", cfg);
	snprintf(cmd, sizeof(cmd), "--config.file=%s", path);
	snprintf(listen_addr, sizeof(listen_addr), "--web.listen-address=127.0.0.1:%d", pport);
	snprintf(url, sizeof(url), "--storage.tsdb.path=%s", tmp_path("prom-data"));
	{
		char *pargv[] = { PROMETHEUS, cmd, url, listen_addr, NULL };

		if (!ASSERT_OK(bg_start(&prom, pargv), "start prometheus"))
			goto out_stop;
	}
	t_start = time(NULL);
	for (t_end = t_start + 60; !seen && time(NULL) < t_end; sleep(1)) {
		cJSON *res, *e;

		free(api);
		api = NULL;
		cJSON_Delete(j);
		j = NULL;
		if (http_get(pport, "/api/v1/query?query=goattach_calls_total", &api) != 200 || !api)
			continue;
		j = cJSON_Parse(api);
		res = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "data"), "result");
		if (cJSON_GetArraySize(res) < 2)
			continue;
		cJSON_ArrayForEach(e, res) {
			const char *fn = cJSON_GetStringValue(
				cJSON_GetObjectItem(cJSON_GetObjectItem(e, "metric"), "function"));
			const char *v = cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(e, "value"), 1));

			if (!fn || !v)
				continue;
			printf("  prometheus (127.0.0.1:%d, after %.0f s): goattach_calls_total{function=\"%s\"} %s\n",
			       pport, time(NULL) - t_start, fn, v);
			if (!strcmp(fn, "main.mixed"))
				ASSERT_EQ(atof(v), 7, "prometheus: main.mixed calls");
			if (!strcmp(fn, "main.classify"))
				ASSERT_EQ(atof(v), 4, "prometheus: main.classify calls");
		}
		seen = true;
	}
	if (!ASSERT_TRUE(seen, "prometheus scraped goattach within 60 s")) {
		bg_stop(&prom, SIGTERM, 30);
		printf("  prometheus: %.2000s\n", prom.err);
		goto out_stop;
	}
	/* the same through PromQL: errors, and the histogram's count */
	free(api);
	api = NULL;
	ASSERT_EQ(http_get(pport, "/api/v1/query?query=sum(goattach_errors_total)", &api), 200,
		  "query errors");
	ASSERT_CONTAINS(api, "\"4\"]", "prometheus: 4 errors in all (main.mixed's odd ones)");
	free(api);
	api = NULL;
	ASSERT_EQ(http_get(pport, "/api/v1/query?query=goattach_call_duration_seconds_count%7Bfunction%3D%22main.mixed%22%7D",
			   &api), 200, "query histogram count");
	ASSERT_CONTAINS(api, "\"7\"]", "prometheus: main.mixed's histogram holds 7 calls");
	free(api);
	api = NULL;
	ASSERT_EQ(http_get(pport, "/api/v1/query?query=up%7Bjob%3D%22goattach%22%7D", &api), 200,
		  "query up");
	ASSERT_CONTAINS(api, "\"1\"]", "prometheus: the goattach target is up");
	bg_stop(&prom, SIGTERM, 30);
out_stop:
	stop_goattach(&ga);
out:
	cJSON_Delete(j);
	free(text);
	free(api);
	cmd_result_free(&r1);
	cmd_result_free(&r2);
	cmd_result_free(&pt);
	bg_free(&prom);
	bg_free(&ga);
}

/* --metrics --json: a line per call and the metrics, both counting every call. */
TEST(metrics_with_json)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	char addr[64], *text = NULL;
	int port = free_port();
	char *args[] = { "--db", (char *)sample_db("funcs"), "--metrics", addr, "--json",
			 "main.mixed", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "mixed", "1", "2", "3", NULL };
	cJSON *calls[8];
	int n = 0;

	REQUIRE_BPF();
	snprintf(addr, sizeof(addr), "[::1]:%d", port);
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start on [::1]")) {
		/* a host without IPv6 loopback */
		if (strstr(ga.err, "cannot listen"))
			TEST_SKIP("no IPv6 loopback here: %s", ga.err);
		goto out;
	}
	cmd_run(run, 60, &r);
	{
		/* IPv6 loopback, our own socket */
		struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port),
					  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
		int fd = socket(AF_INET6, SOCK_STREAM, 0);
		static const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
		static char buf[1 << 16];
		size_t len = 0;
		ssize_t k;

		if (fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a)) &&
		    write(fd, req, sizeof(req) - 1) == sizeof(req) - 1)
			while ((k = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
				len += k;
		buf[len] = '\0';
		if (fd >= 0)
			close(fd);
		text = strdup(buf);
	}
	ASSERT_CONTAINS(text, "HTTP/1.1 200 OK", "GET /metrics over IPv6");
	ASSERT_EQ(sample(strstr(text, "\r\n\r\n") ? strstr(text, "\r\n\r\n") + 4 : text,
			 "goattach_calls_total{function=\"main.mixed\"}"), 3, "metrics: 3 calls");
	ASSERT_EQ(sample(strstr(text, "\r\n\r\n") ? strstr(text, "\r\n\r\n") + 4 : text,
			 "goattach_errors_total{function=\"main.mixed\"}"), 2, "metrics: 2 errors");
	stop_goattach(&ga);
	n = json_calls(ga.out, "main.mixed", calls, 8);
	ASSERT_EQ(n, 3, "and a JSON line per call");
out:
	free_calls(calls, n);
	free(text);
	cmd_result_free(&r);
	bg_free(&ga);
}

/* A connected loopback socket to port, receive timeout secs; -1 on failure. */
static int connect_port(int port, int secs)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { .tv_sec = secs };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Clients that send nothing, or too much, stall nobody: a scrape beside
 * them is answered at once, calls are still counted, the silent ones are
 * closed after the connection timeout, the oversized one gets 431.
 */
TEST(clients_cannot_stall)
{
	struct bg_proc ga = {};
	struct cmd_result r = {};
	char addr[64], *text = NULL, big[6000], buf[512];
	int port = free_port(), idle[3] = { -1, -1, -1 }, fd = -1, i, status;
	char *args[] = { "--db", (char *)sample_db("funcs"), "--metrics", addr, "main.mixed", NULL };
	char *run[] = { (char *)sample_bin("funcs"), "mixed", "1", "2", NULL };
	struct timespec t0, t1;
	ssize_t n;

	REQUIRE_BPF();
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	if (!ASSERT_TRUE(start_goattach(&ga, args), "start"))
		goto out;
	for (i = 0; i < 3; i++)
		idle[i] = connect_port(port, 10);
	ASSERT_TRUE(idle[0] >= 0 && idle[1] >= 0 && idle[2] >= 0, "three silent clients connected");
	cmd_run(run, 60, &r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	status = http_get(port, "/metrics", &text);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_EQ(status, 200, "a scrape beside them");
	ASSERT_TRUE(t1.tv_sec - t0.tv_sec < 2, "answered at once");
	ASSERT_EQ(sample(text ? text : "", "goattach_calls_total{function=\"main.mixed\"}"), 2,
		  "calls counted meanwhile");

	/* a request line and headers past 4 KiB */
	fd = connect_port(port, 10);
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /metrics HTTP/1.1\r\nX-Pad: ", 30);
	ASSERT_EQ(write(fd, big, sizeof(big)) > 0, 1, "send a big request");
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	ASSERT_CONTAINS(buf, "HTTP/1.1 431", "too large: 431");

	/* the silent ones: closed by goattach after its 5 s */
	n = read(idle[0], buf, sizeof(buf));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_EQ(n, 0, "a silent client is closed (EOF, not our 10 s receive timeout)");
	ASSERT_TRUE(t1.tv_sec - t0.tv_sec <= 8, "within the connection timeout");
	stop_goattach(&ga);
out:
	for (i = 0; i < 3; i++)
		if (idle[i] >= 0)
			close(idle[i]);
	if (fd >= 0)
		close(fd);
	free(text);
	cmd_result_free(&r);
	bg_free(&ga);
}
