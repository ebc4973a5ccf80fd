// SPDX-License-Identifier: MIT
/*
 * --metrics: a small HTTP/1.1 server for Prometheus. One listening
 * socket, bound to the address given and no other; GET (or HEAD)
 * /metrics answers the text exposition format 0.0.4, anything else 404
 * (405 for other methods); one request per connection, a request of at
 * most REQ_MAX bytes, CONN_TIMEOUT seconds per connection, at most
 * MAX_CLIENTS at once. It runs in a thread of its own that only reads
 * BPF maps (syscalls, safe beside the tracing thread), signals blocked,
 * so a slow or stuck client delays nobody but itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "goattach.h"
#include "kernel.h"
#include "log.h"
#include "metrics.h"
#include "stats.h"
#include "util.h"

#define MAX_CLIENTS 8
#define REQ_MAX 4096		/* request line and headers */
#define CONN_TIMEOUT 5.0	/* seconds from accept to the last byte written */
/*
 * Histogram buckets: the log2 slots' upper bounds from slot 10 (1023 ns,
 * about 1 us) to slot 34 (17.18 s); slower calls only in +Inf.
 */
#define BUCKET_FIRST_SLOT 10
#define BUCKET_LAST_SLOT 34

struct client {
	int fd;			/* -1: free */
	double deadline;
	size_t len;		/* request bytes read */
	char req[REQ_MAX];
	char *resp;		/* the whole response once the request is read */
	size_t resp_len, sent;
};

struct metrics_server {
	int listen_fd;
	int wake[2];		/* a byte in wake[1] stops the thread */
	pthread_t thread;
	bool started;
	size_t nprobes;		/* __atomic: set by the tracing thread */
	struct metrics_source src;
	struct client clients[MAX_CLIENTS];
};

int metrics_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len,
		       const char **why)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *h = s;
	size_t hlen;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':') {
			*why = "an IPv6 address goes in brackets, then :PORT ([::1]:9464)";
			return -EINVAL;
		}
		h = s + 1;
		hlen = close - h;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon) {
			*why = "no :PORT (127.0.0.1:9464, [::1]:9464)";
			return -EINVAL;
		}
		hlen = colon - s;
		if (memchr(s, ':', hlen)) {
			*why = "an IPv6 address goes in brackets ([::1]:9464)";
			return -EINVAL;
		}
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || errno || port < 1 || port > 65535) {
		*why = "PORT is a number from 1 to 65535";
		return -EINVAL;
	}
	if (!hlen || hlen >= sizeof(host)) {
		*why = "ADDR is an IPv4 or IPv6 address literal, not a name";
		return -EINVAL;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (*s == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) {
			*why = "not an IPv6 address literal";
			return -EINVAL;
		}
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
			*why = "ADDR is an IPv4 or IPv6 address literal, not a name";
			return -EINVAL;
		}
		*len = sizeof(*a);
	}
	return 0;
}

struct metrics_server *metrics_server__listen(const char *addr)
{
	struct metrics_server *m;
	struct sockaddr_storage ss;
	const char *why = NULL;
	socklen_t len;
	int one = 1, err, i;

	if (metrics_parse_addr(addr, &ss, &len, &why)) {
		pr_warn("metrics: bad --metrics '%s': %s", addr, why);
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->wake[0] = m->wake[1] = -1;
	for (i = 0; i < MAX_CLIENTS; i++)
		m->clients[i].fd = -1;
	m->listen_fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->listen_fd < 0)
		goto out_err;
	setsockopt(m->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* [::]:PORT means IPv6 only: the address given, not every IPv4 one too */
	if (ss.ss_family == AF_INET6)
		setsockopt(m->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(m->listen_fd, (struct sockaddr *)&ss, len) || listen(m->listen_fd, 16))
		goto out_err;
	if (pipe2(m->wake, O_CLOEXEC | O_NONBLOCK))
		goto out_err;
	pr_info("metrics: serving /metrics on http://%s/metrics", addr);
	return m;
out_err:
	err = errno;
	pr_warn("metrics: cannot listen on '%s': %s", addr, strerror(err));
	metrics_server__free(m);
	errno = err;
	return NULL;
}

void metrics_server__set_probes(struct metrics_server *m, size_t nprobes)
{
	if (m)
		__atomic_store_n(&m->nprobes, nprobes, __ATOMIC_RELAXED);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ns as seconds, exactly: 1023 -> "0.000001023", 2000000000 -> "2". */
static void put_seconds(FILE *f, unsigned long long ns)
{
	char frac[16];
	int n;

	n = snprintf(frac, sizeof(frac), "%09llu", ns % 1000000000ULL);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	fprintf(f, "%llu%s%s", ns / 1000000000ULL, n ? "." : "", frac);
}

/* A label value, escaped as the text format wants: \\, \" and \n. */
static void put_label(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void put_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_func_series(FILE *f, const char *name, const struct ga_func *fn, const char *le)
{
	fprintf(f, "%s{function=\"", name);
	put_label(f, fn->name);
	if (le)
		fprintf(f, "\",le=\"%s\"} ", le);
	else
		fputs("\"} ", f);
}

static void put_histogram(FILE *f, const struct ga_func *fn, const struct ga_agg *t)
{
	unsigned long long cum = 0;
	char le[32];
	FILE *lf;
	int slot;

	for (slot = 0; slot < GA_HIST_SLOTS; slot++) {
		cum += t->hist[slot];
		if (slot < BUCKET_FIRST_SLOT || slot > BUCKET_LAST_SLOT)
			continue;
		/* slot k holds [2^(k-1), 2^k - 1] ns: every call up to here is <= 2^k - 1 ns */
		lf = fmemopen(le, sizeof(le), "w");
		if (!lf)
			continue;
		put_seconds(lf, (1ULL << slot) - 1);
		fclose(lf);
		put_func_series(f, "goattach_call_duration_seconds_bucket", fn, le);
		fprintf(f, "%llu\n", cum);
	}
	put_func_series(f, "goattach_call_duration_seconds_bucket", fn, "+Inf");
	fprintf(f, "%llu\n", cum);
	put_func_series(f, "goattach_call_duration_seconds_sum", fn, NULL);
	put_seconds(f, t->sum_ns);
	fputc('\n', f);
	/* the buckets' total, not t->calls: a read racing a call sees one consistent histogram */
	put_func_series(f, "goattach_call_duration_seconds_count", fn, NULL);
	fprintf(f, "%llu\n", cum);
}

/*
 * Which functions return an error: one of their RETs has error words to
 * test (where the results are known). Else goattach_errors_total would be
 * a 0 that means nothing, so they have none. One pass over the probes.
 */
static bool *error_results(const struct probe_plan *plan)
{
	bool *has = calloc(plan->nfuncs ? plan->nfuncs : 1, sizeof(*has));
	size_t i, fi;

	for (i = 0; has && i < plan->nprobes; i++) {
		fi = plan->probes[i].func_idx;
		if (fi < plan->nfuncs && plan->probes[i].spec.kind == GA_PROBE_RET &&
		    plan->probes[i].spec.err_words && stats_errors_known(&plan->funcs[fi]))
			has[fi] = true;
	}
	return has;
}

int metrics_write(FILE *f, const struct metrics_source *src, size_t nprobes)
{
	const struct ga_func *funcs = src->plan->funcs;
	size_t nfuncs = src->plan->nfuncs, i;
	struct call_stats *cs = call_stats__new(nfuncs);
	bool *has_errors = error_results(src->plan);
	int err = -ENOMEM;

	if (!cs || !has_errors)
		goto out_free;
	err = call_stats__read(cs, src->agg_fd);
	if (err)
		goto out_free;
	put_family(f, "goattach_calls_total", "counter",
		   "Completed calls of each traced function (those --filter and --min-latency keep).");
	for (i = 0; i < nfuncs; i++) {
		put_func_series(f, "goattach_calls_total", &funcs[i], NULL);
		fprintf(f, "%llu\n", call_stats__total(cs, i)->calls);
	}
	put_family(f, "goattach_errors_total", "counter",
		   "Completed calls with a non-nil error result (functions with one, known from DWARF or --sig).");
	for (i = 0; i < nfuncs; i++) {
		if (!has_errors[i])
			continue;
		put_func_series(f, "goattach_errors_total", &funcs[i], NULL);
		fprintf(f, "%llu\n", call_stats__total(cs, i)->errors);
	}
	put_family(f, "goattach_call_duration_seconds", "histogram",
		   "Latency of the completed calls, entry to exit, in log2 buckets kept in BPF.");
	for (i = 0; i < nfuncs; i++)
		put_histogram(f, &funcs[i], call_stats__total(cs, i));
	put_family(f, "goattach_events_lost_total", "counter",
		   "Call events dropped because the ring buffer was full (the counts above still have them).");
	fprintf(f, "goattach_events_lost_total %llu\n",
		(unsigned long long)kernel_percpu_sum(src->stats_fd, GA_STAT_LOST));
	put_family(f, "goattach_probes", "gauge", "Uprobes attached now (the runtime.gopanic and runtime.Goexit ones included).");
	fprintf(f, "goattach_probes %zu\n", nprobes);
out_free:
	free(has_errors);
	call_stats__free(cs);
	return err;
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->resp);
	c->fd = -1;
	c->resp = NULL;
	c->len = c->resp_len = c->sent = 0;
}

/* The response to c's request: status and headers, and body unless head. */
static int client_respond(struct client *c, int status,
			  const char *reason, const char *ctype, const char *body, size_t body_len,
			  bool head, const char *extra)
{
	FILE *f = open_memstream(&c->resp, &c->resp_len);

	if (!f)
		return -errno;
	fprintf(f, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		   "Connection: close\r\n%s\r\n", status, reason, ctype, body_len, extra ? extra : "");
	if (!head)
		fwrite(body, 1, body_len, f);
	if (fclose(f))
		return -EIO;
	return 0;
}

/* The request read so far is whole: answer it. */
static int client_handle(struct metrics_server *m, struct client *c)
{
	static const char text[] = "text/plain; charset=utf-8";
	char method[8], target[256];
	char *body = NULL;
	size_t body_len = 0, tlen;
	bool head;
	FILE *f;
	int err;

	c->req[c->len] = '\0';
	if (sscanf(c->req, "%7s %255s HTTP/1.%*c", method, target) != 2)
		return client_respond(c, 400, "Bad Request", text, "bad request\n", 12, false, NULL);
	head = !strcmp(method, "HEAD");
	tlen = strcspn(target, "?");
	if (tlen != strlen("/metrics") || strncmp(target, "/metrics", tlen))
		return client_respond(c, 404, "Not Found", text, "goattach serves /metrics\n", 25,
				      head, NULL);
	if (!head && strcmp(method, "GET"))
		return client_respond(c, 405, "Method Not Allowed", text, "GET or HEAD\n", 12,
				      false, "Allow: GET, HEAD\r\n");
	f = open_memstream(&body, &body_len);
	if (!f)
		return -errno;
	err = metrics_write(f, &m->src, __atomic_load_n(&m->nprobes, __ATOMIC_RELAXED));
	if (fclose(f) && !err)
		err = -EIO;
	if (err) {
		pr_warn("metrics: cannot read the BPF aggregates: %s", strerror(-err));
		err = client_respond(c, 500, "Internal Server Error", text, "cannot read BPF maps\n",
				     21, head, NULL);
	} else {
		err = client_respond(c, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", body,
				     body_len, head, NULL);
	}
	free(body);
	return err;
}

static bool request_complete(const struct client *c)
{
	return memmem(c->req, c->len, "\r\n\r\n", 4) || memmem(c->req, c->len, "\n\n", 2);
}

/* Read what c sent; answer once the headers are in. false: close it. */
static bool client_read(struct metrics_server *m, struct client *c)
{
	ssize_t n = recv(c->fd, c->req + c->len, REQ_MAX - 1 - c->len, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return false;
	c->len += n;
	if (request_complete(c))
		return !client_handle(m, c);
	if (c->len >= REQ_MAX - 1)
		return !client_respond(c, 431, "Request Header Fields Too Large",
				       "text/plain; charset=utf-8", "request too large\n", 18, false,
				       NULL);
	return true;
}

/* Send what is left of c's response. false: done or failed, close it. */
static bool client_write(struct client *c)
{
	ssize_t n = send(c->fd, c->resp + c->sent, c->resp_len - c->sent, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	c->sent += n;
	if (c->sent < c->resp_len)
		return true;
	shutdown(c->fd, SHUT_WR);
	return false;
}

static void accept_client(struct metrics_server *m)
{
	int fd = accept4(m->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), i;

	if (fd < 0)
		return;
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (m->clients[i].fd < 0) {
			m->clients[i].fd = fd;
			m->clients[i].deadline = mono_now() + CONN_TIMEOUT;
			return;
		}
	}
	close(fd);	/* not polled when full: a race only */
}

static void *serve(void *arg)
{
	struct metrics_server *m = arg;
	struct pollfd pfd[2 + MAX_CLIENTS];
	int idx[2 + MAX_CLIENTS];
	int i, n, nfree, timeout;
	double now, next;

	for (;;) {
		now = mono_now();
		next = now + 1;
		pfd[0] = (struct pollfd){ .fd = m->wake[0], .events = POLLIN };
		n = 1;
		nfree = 0;
		for (i = 0; i < MAX_CLIENTS; i++) {
			struct client *c = &m->clients[i];

			if (c->fd < 0) {
				nfree++;
				continue;
			}
			if (now >= c->deadline) {
				client_close(c);
				nfree++;
				continue;
			}
			next = c->deadline < next ? c->deadline : next;
			idx[n] = i;
			pfd[n++] = (struct pollfd){ .fd = c->fd, .events = c->resp ? POLLOUT : POLLIN };
		}
		if (nfree) {
			idx[n] = -1;
			pfd[n++] = (struct pollfd){ .fd = m->listen_fd, .events = POLLIN };
		}
		timeout = (int)((next - now) * 1000) + 1;
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		for (i = 1; i < n; i++) {
			struct client *c;

			if (!pfd[i].revents)
				continue;
			if (idx[i] < 0) {
				accept_client(m);
				continue;
			}
			c = &m->clients[idx[i]];
			if (!(c->resp ? client_write(c) : client_read(m, c)))
				client_close(c);
		}
	}
	return NULL;
}

int metrics_server__start(struct metrics_server *m, const struct metrics_source *src)
{
	sigset_t all, old;
	int err;

	m->src = *src;
	/* the thread takes no signal: SIGINT and -c's forwarding stay the main thread's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&m->thread, NULL, serve, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pr_warn("metrics: cannot start the server thread: %s", strerror(-err));
		return err;
	}
	m->started = true;
	return 0;
}

void metrics_server__free(struct metrics_server *m)
{
	int i;

	if (!m)
		return;
	if (m->started) {
		if (write(m->wake[1], "x", 1) < 0)
			pr_warn("metrics: cannot stop the server thread: %s", strerror(errno));
		else
			pthread_join(m->thread, NULL);
	}
	for (i = 0; i < MAX_CLIENTS; i++)
		client_close(&m->clients[i]);
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	if (m->wake[0] >= 0)
		close(m->wake[0]);
	if (m->wake[1] >= 0)
		close(m->wake[1]);
	free(m);
}
