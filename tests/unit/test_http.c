#include "http.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- the pure policy --------------------------------------------------- */

static const struct {
	long status;
	const char *xsr;
	bool want;
} retry_cases[] = {
	{200, NULL, false},   {400, NULL, false},     {401, NULL, false},
	{404, NULL, false},   {408, NULL, true},      {409, NULL, true},
	{429, NULL, true},    {500, NULL, true},      {503, NULL, true},
	{529, NULL, true},    {0, NULL, true},        {503, "false", false},
	{503, " FALSE ", false}, {400, "true", true}, {400, "maybe", false},
	{429, "", true},      {429, "nope", true},    {0, "false", false},
};

START_TEST(test_retryable)
{
	ck_assert_msg(http_retryable(retry_cases[_i].status, retry_cases[_i].xsr) ==
			      retry_cases[_i].want,
		      "status %ld x-should-retry '%s'", retry_cases[_i].status,
		      retry_cases[_i].xsr ? retry_cases[_i].xsr : "(none)");
}
END_TEST

/* Sun, 06 Nov 1994 08:49:37 GMT */
#define NOW ((time_t)784111777)

static const struct {
	const char *ms, *after;
	int64_t want;
	bool at_least; /* want is a lower bound */
} after_cases[] = {
	{"50", NULL, 50, false},
	{" 50 ", NULL, 50, false},
	{"1.5", NULL, 2, false},
	{"0", NULL, 0, false},
	{NULL, "2", 2000, false},
	{NULL, "0.25", 250, false},
	{"50", "7", 50, false},
	{"-5", "3", 3000, false},
	{"abc", "3", 3000, false},
	{NULL, "Sun, 06 Nov 1994 08:49:47 GMT", 10000, false},
	{NULL, "Mon, 07 Nov 1994 08:49:37 GMT", 86400000, false},
	{NULL, "Sun, 06 Nov 1994 08:49:36 GMT", 0, false},
	{NULL, "Sat, 01 Jan 1994 00:00:00 GMT", 0, false},
	{NULL, "Fri, 31 Dec 9999 23:59:59 GMT", 60001, true},
	{"99999999999999999999999", NULL, INT64_MAX, false},
	{NULL, "99999999999999999999999", INT64_MAX, false},
	{"abc", NULL, -1, false},
	{"-5", NULL, -1, false},
	{NULL, "-1", -1, false},
	{"5e3", NULL, -1, false},
	{"1.2.3", NULL, -1, false},
	{".", NULL, -1, false},
	{"", "", -1, false},
	{NULL, NULL, -1, false},
	{NULL, "Sun, 06 Nov 1994 08:49:37 UTC", -1, false},
	{NULL, "Sun, 32 Nov 1994 08:49:37 GMT", -1, false},
	{NULL, "Sun, 06 Foo 1994 08:49:37 GMT", -1, false},
	{NULL, "Sun, 06 Nov 1994 25:49:37 GMT", -1, false},
	{NULL, "Sunday, 06-Nov-94 08:49:37 GMT", -1, false},
	{NULL, "Sun, 06 Nov 1994 08:49:37 GMT trailing", -1, false},
	{NULL, "Sun, 6 Nov 1994 08:49:37 GMT", -1, false},
};

START_TEST(test_retry_after)
{
	int64_t got = http_retry_after_ms(after_cases[_i].ms, after_cases[_i].after, NOW);
	if (after_cases[_i].at_least)
		ck_assert_msg(got >= after_cases[_i].want, "case %d: got %lld", _i, (long long)got);
	else
		ck_assert_msg(got == after_cases[_i].want, "case %d: got %lld, want %lld", _i,
			      (long long)got, (long long)after_cases[_i].want);
}
END_TEST

static const struct {
	unsigned attempt;
	double jitter;
	uint32_t want;
} backoff_cases[] = {
	{1, 0, 500},     {1, 0.999, 375},   {2, 0, 1000},    {2, 0.999, 750},
	{3, 0, 2000},    {4, 0, 4000},      {5, 0, 8000},    {5, 0.999, 6002},
	{6, 0, 8000},    {100, 0, 8000},    {100, 0.999, 6002}, {4294967295u, 0.5, 7000},
	{0, 0, 500},     {1, -1, 500},      {1, NAN, 500},   {1, 1.0, 375},
	{3, 0.5, 1750},
};

START_TEST(test_backoff)
{
	uint32_t got = http_backoff_ms(backoff_cases[_i].attempt, backoff_cases[_i].jitter);
	ck_assert_msg(got == backoff_cases[_i].want, "case %d: got %u, want %u", _i, got,
		      backoff_cases[_i].want);
}
END_TEST

START_TEST(test_backoff_bounds)
{
	for (unsigned n = 1; n < 12; n++)
		for (double j = 0; j < 1; j += 0.01) {
			uint32_t full = http_backoff_ms(n, 0), got = http_backoff_ms(n, j);
			ck_assert_uint_le(got, full);
			ck_assert_uint_ge(got, full * 3 / 4);
			ck_assert_uint_le(full, 8000);
		}
}
END_TEST

/* --- a scripted HTTP/1.1 server ---------------------------------------- */

/* What the server answers to one request. */
struct step {
	const char *resp; /* raw bytes */
	int pieces;       /* sent in this many writes, 20 ms apart */
	size_t stall_at;  /* > 0: after this many bytes, wait for stall_ms */
	int stall_ms;
	bool close;       /* close the connection after it */
};

struct got {
	char line[256]; /* the request line */
	char head[4096];
	char body[1024];
	size_t body_len;
};

enum { MAX_GOT = 8 };

struct srv {
	int lfd, port;
	pthread_t th;
	atomic_int stop;
	const struct step *steps;
	size_t nsteps, next;
	struct got got[MAX_GOT];
	size_t ngot;
	int conns;
};

static void pause_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Read what is there, waiting in short slices so stop is noticed; 0 at EOF
 * or on stop. */
static ssize_t srv_read(struct srv *s, int fd, char *buf, size_t n)
{
	while (!atomic_load(&s->stop)) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 50);
		if (r < 0 && errno != EINTR)
			return 0;
		if (r > 0) {
			ssize_t k = recv(fd, buf, n, 0);
			return k < 0 ? 0 : k;
		}
	}
	return 0;
}

static void srv_send(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

static void srv_answer(int fd, const struct step *st)
{
	size_t len = strlen(st->resp), off = 0;
	if (st->stall_at) {
		srv_send(fd, st->resp, st->stall_at);
		/* the stall ends early when the client hangs up */
		struct pollfd p = {.fd = fd, .events = POLLIN};
		poll(&p, 1, st->stall_ms);
		off = st->stall_at;
	}
	int pieces = st->pieces > 1 ? st->pieces : 1;
	size_t each = (len - off + (size_t)pieces - 1) / (size_t)pieces;
	while (off < len) {
		size_t k = len - off < each ? len - off : each;
		srv_send(fd, st->resp + off, k);
		off += k;
		if (off < len)
			pause_ms(20);
	}
}

static void srv_conn(struct srv *s, int fd)
{
	static char buf[65536];
	size_t have = 0;
	for (;;) {
		char *end;
		buf[have] = '\0';
		while (!(end = strstr(buf, "\r\n\r\n"))) {
			if (have + 1 >= sizeof buf)
				return;
			ssize_t k = srv_read(s, fd, buf + have, sizeof buf - 1 - have);
			if (k <= 0)
				return;
			have += (size_t)k;
			buf[have] = '\0';
		}
		size_t head_len = (size_t)(end - buf) + 4;
		size_t clen = 0;
		for (char *p = buf; p < end; p = strstr(p, "\r\n") + 2)
			if (strncasecmp(p, "content-length:", 15) == 0)
				clen = strtoul(p + 15, NULL, 10);
		while (have < head_len + clen) {
			if (have + 1 >= sizeof buf)
				return;
			ssize_t k = srv_read(s, fd, buf + have, sizeof buf - 1 - have);
			if (k <= 0)
				return;
			have += (size_t)k;
		}
		if (s->ngot < MAX_GOT) {
			struct got *g = &s->got[s->ngot++];
			char *eol = strstr(buf, "\r\n");
			snprintf(g->line, sizeof g->line, "%.*s", (int)(eol - buf), buf);
			snprintf(g->head, sizeof g->head, "%.*s", (int)(end - eol), eol);
			g->body_len = clen < sizeof g->body ? clen : sizeof g->body;
			memcpy(g->body, buf + head_len, g->body_len);
		}
		memmove(buf, buf + head_len + clen, have - head_len - clen);
		have -= head_len + clen;
		if (s->next >= s->nsteps)
			return;
		const struct step *st = &s->steps[s->next++];
		srv_answer(fd, st);
		if (st->close)
			return;
	}
}

static void *srv_main(void *ud)
{
	struct srv *s = ud;
	while (!atomic_load(&s->stop)) {
		struct pollfd p = {.fd = s->lfd, .events = POLLIN};
		if (poll(&p, 1, 50) <= 0)
			continue;
		int fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		s->conns++;
		srv_conn(s, fd);
		close(fd);
	}
	return NULL;
}

static int listen_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	socklen_t len = sizeof a;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void srv_start(struct srv *s, const struct step *steps, size_t n)
{
	memset(s, 0, sizeof *s);
	s->steps = steps;
	s->nsteps = n;
	s->lfd = listen_any(&s->port);
	atomic_init(&s->stop, 0);
	ck_assert_int_eq(pthread_create(&s->th, NULL, srv_main, s), 0);
}

/* Stop and join: the server's record is safe to read afterwards. */
static void srv_stop(struct srv *s)
{
	atomic_store(&s->stop, 1);
	pthread_join(s->th, NULL);
	close(s->lfd);
}

/* --- a recording sink -------------------------------------------------- */

struct rec {
	char data[4096];
	size_t n;
	int begins, ends, datas;
	int fail_with;   /* data()'s answer on its first call; 0: none */
	bool show;       /* shown() is true once data arrived */
	bool veto;
	long veto_status;
	char veto_body[256];
	unsigned retryings;
	uint32_t waits[8];
	long wstatus[8];
};

static void r_begin(void *ud)
{
	struct rec *r = ud;
	r->begins++;
	r->n = 0;
}

static int r_data(void *ud, const char *p, size_t n)
{
	struct rec *r = ud;
	if (r->datas++ == 0 && r->fail_with)
		return r->fail_with;
	if (n > sizeof r->data - r->n)
		n = sizeof r->data - r->n;
	memcpy(r->data + r->n, p, n);
	r->n += n;
	return 0;
}

static int r_end(void *ud)
{
	struct rec *r = ud;
	r->ends++;
	return 0;
}

static bool r_shown(void *ud)
{
	struct rec *r = ud;
	return r->show && r->n > 0;
}

static bool r_veto(void *ud, long status, const char *body, size_t n)
{
	struct rec *r = ud;
	r->veto_status = status;
	snprintf(r->veto_body, sizeof r->veto_body, "%.*s", (int)n, body);
	return r->veto;
}

static void r_retrying(void *ud, unsigned attempt, long status, uint32_t wait_ms)
{
	struct rec *r = ud;
	ck_assert_uint_eq(attempt, r->retryings + 1);
	if (r->retryings < 8) {
		r->waits[r->retryings] = wait_ms;
		r->wstatus[r->retryings] = status;
	}
	r->retryings++;
}

static const struct http_sink rec_sink = {
	.begin = r_begin,
	.data = r_data,
	.end = r_end,
	.shown = r_shown,
	.veto = r_veto,
	.retrying = r_retrying,
};

/* One POST to the scripted server; the server is stopped afterwards. */
struct run {
	struct srv s;
	struct rec r;
	struct http_resp resp;
	int rc;
};

static const char req_body[] = "{\"model\":\"m\",\"x\":\"\\u0000\xc3\xa9\"}";

static void run_steps(struct run *x, const struct step *steps, size_t n,
		      const struct http_opts *o)
{
	srv_start(&x->s, steps, n);
	struct http *h = http_new(o);
	ck_assert_ptr_nonnull(h);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/chat", x->s.port);
	const char *hdrs[] = {"Authorization: Bearer k1", "X-Test: yes", NULL};
	struct http_req rq = {
		.url = url, .headers = hdrs, .body = req_body, .body_len = sizeof req_body - 1};
	struct http_sink sink = rec_sink;
	sink.ud = &x->r;
	x->rc = http_post(h, &rq, &sink, &x->resp);
	http_free(h);
	srv_stop(&x->s);
}

static struct http_opts fast(void)
{
	/* short back-off: tests wait milliseconds, not seconds; an idle timeout
	 * that a busy machine never reaches (the stall tests set their own) */
	return (struct http_opts){.max_retries = -1, .backoff_ms = 10, .idle_ms = 60000};
}

#define OK200(body) "HTTP/1.1 200 OK\r\nContent-Length: " #body "\r\n\r\n"

static void check_request(const struct got *g)
{
	ck_assert_str_eq(g->line, "POST /v1/chat HTTP/1.1");
	ck_assert_ptr_nonnull(strstr(g->head, "\r\nContent-Type: application/json"));
	ck_assert_ptr_nonnull(strstr(g->head, "\r\nAuthorization: Bearer k1"));
	ck_assert_ptr_nonnull(strstr(g->head, "\r\nX-Test: yes"));
	ck_assert_ptr_nonnull(strstr(g->head, "\r\nUser-Agent: skillc-agent/1"));
	for (const char *p = g->head; (p = strstr(p, "\r\n")); p += 2)
		ck_assert_int_ne(strncasecmp(p + 2, "expect:", 7), 0);
	ck_assert_uint_eq(g->body_len, sizeof req_body - 1);
	ck_assert_mem_eq(g->body, req_body, sizeof req_body - 1);
}

START_TEST(test_ok_pieces)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 200 OK\r\nContent-Length: 26\r\n\r\nabcdefghijklmnopqrstuvwxyz",
		 .pieces = 5},
	};
	struct run x = {0};
	struct http_opts o = fast();
	run_steps(&x, steps, 1, &o);
	ck_assert_int_eq(x.rc, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_uint_eq(x.resp.retries, 0);
	ck_assert_str_eq(x.resp.err, "");
	ck_assert_ptr_null(x.resp.body);
	ck_assert_uint_eq(x.r.n, 26);
	ck_assert_mem_eq(x.r.data, "abcdefghijklmnopqrstuvwxyz", 26);
	ck_assert_int_ge(x.r.datas, 2);
	ck_assert_int_eq(x.r.begins, 1);
	ck_assert_int_eq(x.r.ends, 1);
	ck_assert_uint_eq(x.s.ngot, 1);
	check_request(&x.s.got[0]);
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_429_retry_after_ms)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 429 Too Many Requests\r\nRetry-After-Ms: 50\r\n"
			 "Content-Length: 4\r\n\r\nslow"},
		{.resp = OK200(2) "ok"},
	};
	struct run x = {0};
	struct http_opts o = fast();
	o.backoff_ms = 40000; /* the server's wait must win: the back-off takes 30 s or more */
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_uint_eq(x.resp.retries, 1);
	ck_assert_uint_ge(x.resp.elapsed_ms, 50);
	ck_assert_uint_lt(x.resp.elapsed_ms, 20000);
	ck_assert_uint_eq(x.r.retryings, 1);
	ck_assert_uint_eq(x.r.waits[0], 50);
	ck_assert_int_eq(x.r.wstatus[0], 429);
	ck_assert_mem_eq(x.r.data, "ok", 2);
	ck_assert_uint_eq(x.r.n, 2);
	ck_assert_uint_eq(x.s.ngot, 2);
	check_request(&x.s.got[1]);
	ck_assert_int_eq(x.s.conns, 1); /* the connection was kept */
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_500_backoff)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"},
		{.resp = OK200(2) "ok"},
	};
	struct run x = {0};
	struct http_opts o = fast();
	o.backoff_ms = 100;
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, 0);
	ck_assert_uint_eq(x.resp.retries, 1);
	ck_assert_uint_eq(x.r.retryings, 1);
	ck_assert_int_eq(x.r.wstatus[0], 500);
	ck_assert_uint_ge(x.r.waits[0], 75);
	ck_assert_uint_le(x.r.waits[0], 100);
	ck_assert_uint_ge(x.resp.elapsed_ms, 75);
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_should_retry_false)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 503 Service Unavailable\r\nx-should-retry: false\r\n"
			 "Content-Length: 4\r\n\r\ndown"},
		{.resp = OK200(2) "ok"},
	};
	struct run x = {0};
	struct http_opts o = fast();
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, -1);
	ck_assert_int_eq(x.resp.status, 503);
	ck_assert_uint_eq(x.resp.retries, 0);
	ck_assert_uint_eq(x.s.ngot, 1);
	ck_assert_str_eq(x.resp.err, "the server answered 503 Service Unavailable");
	ck_assert_str_eq(x.resp.body, "down");
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_should_retry_true)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 400 Bad Request\r\nX-Should-Retry: true\r\n"
			 "Content-Length: 0\r\n\r\n"},
		{.resp = OK200(2) "ok"},
	};
	struct run x = {0};
	struct http_opts o = fast();
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, 0);
	ck_assert_uint_eq(x.resp.retries, 1);
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_400_body)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 400 Bad Request\r\nContent-Length: 27\r\n\r\n"
			 "{\"error\":{\"message\":\"bad\"}}",
		 .pieces = 3},
		{.resp = OK200(2) "ok"},
	};
	struct run x = {0};
	struct http_opts o = fast();
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, -1);
	ck_assert_int_eq(x.resp.status, 400);
	ck_assert_uint_eq(x.resp.retries, 0);
	ck_assert_uint_eq(x.s.ngot, 1);
	ck_assert_str_eq(x.resp.err, "the server answered 400 Bad Request");
	ck_assert_uint_eq(x.resp.body_len, 27);
	ck_assert_str_eq(x.resp.body, "{\"error\":{\"message\":\"bad\"}}");
	ck_assert_uint_eq(x.r.n, 0); /* an error body is not the sink's */
	http_resp_release(&x.resp);
	ck_assert_ptr_null(x.resp.body);
}
END_TEST

START_TEST(test_drop_then_ok)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial", .close = true},
		{.resp = OK200(4) "done"},
	};
	struct run x = {0};
	struct http_opts o = fast();
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, 0);
	ck_assert_uint_eq(x.resp.retries, 1);
	ck_assert(!x.resp.held_back);
	ck_assert_int_eq(x.r.wstatus[0], 0);
	ck_assert_int_eq(x.r.begins, 2);
	ck_assert_int_eq(x.r.ends, 1);
	ck_assert_uint_eq(x.r.n, 4);
	ck_assert_mem_eq(x.r.data, "done", 4);
	ck_assert_uint_eq(x.s.ngot, 2);
	check_request(&x.s.got[1]);
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_drop_shown)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial", .close = true},
		{.resp = OK200(4) "done"},
	};
	struct run x = {.r.show = true};
	struct http_opts o = fast();
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, -1);
	ck_assert_int_eq(x.resp.status, 0);
	ck_assert_uint_eq(x.resp.retries, 0);
	ck_assert_str_eq(x.resp.err, "the response ended early");
	ck_assert(x.resp.held_back);
	ck_assert_uint_eq(x.s.ngot, 1);
	ck_assert_mem_eq(x.r.data, "partial", 7);
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_idle_then_ok)
{
	/* The stall (ended early when the client hangs up) outlasts the bound
	 * below, which is far above the idle timeout's time on a busy machine
	 * (libcurl checks it about once a second). */
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhelloworld",
		 .stall_at = 43, .stall_ms = 120000, .close = true},
		{.resp = OK200(4) "fine"},
	};
	struct run x = {0};
	struct http_opts o = fast();
	o.idle_ms = 300;
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, 0);
	ck_assert_uint_eq(x.resp.retries, 1);
	ck_assert_int_eq(x.r.wstatus[0], 0);
	ck_assert_uint_eq(x.r.n, 4);
	ck_assert_mem_eq(x.r.data, "fine", 4);
	ck_assert_uint_ge(x.resp.elapsed_ms, 300);
	ck_assert_uint_lt(x.resp.elapsed_ms, 30000);
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_idle_err)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhelloworld",
		 .stall_at = 43, .stall_ms = 120000, .close = true},
	};
	struct run x = {0};
	struct http_opts o = fast();
	o.idle_ms = 300;
	o.max_retries = 0;
	run_steps(&x, steps, 1, &o);
	ck_assert_int_eq(x.rc, -1);
	ck_assert_int_eq(x.resp.status, 0);
	ck_assert_str_eq(x.resp.err, "no data from the server for 0.3 s (idle timeout)");
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_veto)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 15\r\n\r\n"
			 "per-day quota!!"},
		{.resp = OK200(2) "ok"},
	};
	struct run x = {.r.veto = true};
	struct http_opts o = fast();
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, -1);
	ck_assert_int_eq(x.resp.status, 429);
	ck_assert_uint_eq(x.resp.retries, 0);
	ck_assert_int_eq(x.r.veto_status, 429);
	ck_assert_str_eq(x.r.veto_body, "per-day quota!!");
	ck_assert_str_eq(x.resp.body, "per-day quota!!");
	ck_assert_str_eq(x.resp.err, "the server answered 429 Too Many Requests");
	ck_assert_uint_eq(x.s.ngot, 1);
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_sink_529)
{
	static const struct step steps[] = {
		{.resp = OK200(5) "event"},
		{.resp = OK200(2) "ok"},
	};
	struct run x = {.r.fail_with = 529};
	struct http_opts o = fast();
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_uint_eq(x.resp.retries, 1);
	ck_assert_int_eq(x.r.wstatus[0], 529);
	ck_assert_uint_eq(x.r.n, 2);
	ck_assert_mem_eq(x.r.data, "ok", 2);
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_sink_529_exhausted)
{
	static const struct step steps[] = {
		{.resp = OK200(5) "event"},
	};
	struct run x = {.r.fail_with = 529};
	struct http_opts o = fast();
	o.max_retries = 0;
	run_steps(&x, steps, 1, &o);
	ck_assert_int_eq(x.rc, -1);
	ck_assert_int_eq(x.resp.status, 529);
	ck_assert_ptr_null(x.resp.body);
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_sink_stop)
{
	static const struct step steps[] = {
		{.resp = OK200(5) "event"},
		{.resp = OK200(2) "ok"},
	};
	struct run x = {.r.fail_with = -1};
	struct http_opts o = fast();
	run_steps(&x, steps, 2, &o);
	ck_assert_int_eq(x.rc, -1);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_uint_eq(x.resp.retries, 0);
	ck_assert_uint_eq(x.r.retryings, 0);
	ck_assert_uint_eq(x.s.ngot, 1);
	ck_assert_str_ne(x.resp.err, "");
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_max_retries)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1\r\n\r\na"},
		{.resp = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 1\r\n\r\nb"},
		{.resp = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1\r\n\r\nc"},
		{.resp = OK200(2) "ok"},
	};
	struct run x = {0};
	struct http_opts o = fast();
	o.max_retries = 1;
	run_steps(&x, steps, 4, &o);
	ck_assert_int_eq(x.rc, -1);
	ck_assert_int_eq(x.resp.status, 502);
	ck_assert_uint_eq(x.resp.retries, 1);
	ck_assert_uint_eq(x.s.ngot, 2);
	ck_assert_str_eq(x.resp.body, "b");
	ck_assert_str_eq(x.resp.err, "the server answered 502 Bad Gateway");
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_default_retries)
{
	static const struct step steps[] = {
		{.resp = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"},
		{.resp = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"},
		{.resp = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"},
		{.resp = OK200(2) "ok"},
	};
	struct run x = {0};
	struct http_opts o = fast();
	run_steps(&x, steps, 4, &o);
	ck_assert_int_eq(x.rc, -1);
	ck_assert_uint_eq(x.resp.retries, HTTP_DEFAULT_RETRIES);
	ck_assert_uint_eq(x.s.ngot, HTTP_DEFAULT_RETRIES + 1);
	ck_assert_ptr_null(x.resp.body); /* an empty error body */
	http_resp_release(&x.resp);
}
END_TEST

START_TEST(test_refused)
{
	int port;
	int fd = listen_any(&port);
	close(fd); /* nothing listens there now */
	struct http_opts o = fast();
	o.max_retries = 1;
	struct http *h = http_new(&o);
	ck_assert_ptr_nonnull(h);
	char url[64], want[96];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/x", port);
	snprintf(want, sizeof want, "cannot connect to '127.0.0.1:%d': connection refused", port);
	struct http_req rq = {.url = url, .body = "{}", .body_len = 2};
	struct http_resp resp;
	struct rec r = {0};
	struct http_sink sink = rec_sink;
	sink.ud = &r;
	ck_assert_int_eq(http_post(h, &rq, &sink, &resp), -1);
	ck_assert_int_eq(resp.status, 0);
	ck_assert_uint_eq(resp.retries, 1);
	ck_assert_str_eq(resp.err, want);
	ck_assert_ptr_null(resp.body);
	http_resp_release(&resp);
	http_free(h);
}
END_TEST

START_TEST(test_bad_input)
{
	struct http *h = http_new(NULL);
	ck_assert_ptr_nonnull(h);
	struct http_resp resp;
	const char *hdrs[] = {"X-Evil: a\r\nX-Injected: b", NULL};
	struct http_req rq = {.url = "http://127.0.0.1:1/", .headers = hdrs};
	ck_assert_int_eq(http_post(h, &rq, NULL, &resp), -1);
	ck_assert_str_eq(resp.err, "a request header contains a line break");
	http_resp_release(&resp);
	struct http_req rq2 = {.url = "file:///etc/passwd"};
	ck_assert_int_eq(http_post(h, &rq2, NULL, &resp), -1);
	ck_assert_int_eq(resp.status, 0);
	ck_assert_uint_eq(resp.retries, 0);
	ck_assert_str_ne(resp.err, "");
	http_resp_release(&resp);
	struct http_req rq3 = {0};
	ck_assert_int_eq(http_post(h, &rq3, NULL, &resp), -1);
	http_resp_release(&resp);
	http_free(h);
}
END_TEST

/* Two requests on one client share the connection; no sink at all. */
START_TEST(test_reuse)
{
	static const struct step steps[] = {
		{.resp = OK200(2) "ok"},
		{.resp = OK200(2) "ok"},
	};
	struct srv s;
	srv_start(&s, steps, 2);
	struct http *h = http_new(NULL);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/chat", s.port);
	struct http_req rq = {.url = url, .body = "{}", .body_len = 2};
	struct http_resp resp;
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(http_post(h, &rq, NULL, &resp), 0);
		ck_assert_int_eq(resp.status, 200);
		http_resp_release(&resp);
	}
	http_free(h);
	srv_stop(&s);
	ck_assert_uint_eq(s.ngot, 2);
	ck_assert_int_eq(s.conns, 1);
}
END_TEST

/* --- which CA certificates ------------------------------------------- */

/* What exists under a scratch root, the two variables, and the choice. Paths
 * in `make` ending in '/' are directories; `want` starting with '/' is taken
 * as is (from the environment), else it is under the root. */
static const struct {
	const char *what;
	const char *make[4];
	const char *file, *dir;
	const char *want; /* NULL: none */
	bool want_dir;
	const char *from;
} ca_cases[] = {
	{"nothing", {NULL}, NULL, NULL, NULL, false, NULL},
	{"the Debian bundle", {"etc/ssl/certs/ca-certificates.crt", "etc/ssl/cert.pem"}, NULL, NULL,
	 "etc/ssl/certs/ca-certificates.crt", false, "system"},
	{"the Fedora bundle", {"etc/pki/tls/certs/ca-bundle.crt", "etc/ssl/cert.pem"}, NULL, NULL,
	 "etc/pki/tls/certs/ca-bundle.crt", false, "system"},
	{"the SUSE bundle", {"etc/ssl/ca-bundle.pem"}, NULL, NULL, "etc/ssl/ca-bundle.pem", false, "system"},
	{"the OpenELEC bundle", {"etc/pki/tls/cacert.pem"}, NULL, NULL, "etc/pki/tls/cacert.pem", false, "system"},
	{"the CentOS bundle", {"etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"}, NULL, NULL,
	 "etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", false, "system"},
	{"the Alpine bundle", {"etc/ssl/cert.pem", "etc/ssl/certs/"}, NULL, NULL, "etc/ssl/cert.pem", false,
	 "system"},
	{"only the directory", {"etc/ssl/certs/"}, NULL, NULL, "etc/ssl/certs", true, "system"},
	{"a directory where a bundle should be", {"etc/ssl/certs/ca-certificates.crt/"}, NULL, NULL,
	 "etc/ssl/certs", true, "system"},
	{"SSL_CERT_FILE first", {"etc/ssl/certs/ca-certificates.crt"}, "/my/ca.pem", "/my/certs",
	 "/my/ca.pem", false, "SSL_CERT_FILE"},
	{"SSL_CERT_DIR next", {"etc/ssl/certs/ca-certificates.crt"}, NULL, "/my/certs", "/my/certs", true,
	 "SSL_CERT_DIR"},
	{"SSL_CERT_FILE even when missing", {NULL}, "/no/such.pem", NULL, "/no/such.pem", false,
	 "SSL_CERT_FILE"},
	{"empty variables are unset", {"etc/ssl/cert.pem"}, "", "", "etc/ssl/cert.pem", false, "system"},
};

static void ca_make(const char *root, const char *rel)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		ck_assert_msg(mkdir(path, 0700) == 0 || errno == EEXIST, "mkdir %s", path);
		*p = '/';
	}
	if (path[strlen(path) - 1] != '/') {
		FILE *f = fopen(path, "w");
		ck_assert_msg(f != NULL, "cannot create %s", path);
		fputs("-----BEGIN CERTIFICATE-----\n", f);
		fclose(f);
	}
}

START_TEST(test_ca_pick)
{
	char root[] = "/tmp/skillc-ca-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(root));
	for (int i = 0; i < 4 && ca_cases[_i].make[i]; i++)
		ca_make(root, ca_cases[_i].make[i]);
	char buf[1024], want[1024];
	bool dir = !ca_cases[_i].want_dir;
	const char *from = "unset";
	const char *got = http_ca_pick(ca_cases[_i].file, ca_cases[_i].dir, root, buf, sizeof buf, &dir, &from);
	if (!ca_cases[_i].want) {
		ck_assert_msg(got == NULL, "%s: got %s", ca_cases[_i].what, got);
		ck_assert_ptr_null(from);
		ck_assert(!dir);
	} else {
		if (ca_cases[_i].want[0] == '/')
			snprintf(want, sizeof want, "%s", ca_cases[_i].want);
		else
			snprintf(want, sizeof want, "%s/%s", root, ca_cases[_i].want);
		ck_assert_msg(got && !strcmp(got, want), "%s: got %s, want %s", ca_cases[_i].what,
			      got ? got : "(none)", want);
		ck_assert_msg(dir == ca_cases[_i].want_dir, "%s: is_dir %d", ca_cases[_i].what, dir);
		ck_assert_str_eq(from, ca_cases[_i].from);
	}
	char cmd[1100];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* http_ca_source reads the two variables (the tests run in fork mode). */
START_TEST(test_ca_source_env)
{
	bool dir = true;
	const char *from = NULL;
	setenv("SSL_CERT_FILE", "/env/ca.pem", 1);
	setenv("SSL_CERT_DIR", "/env/certs", 1);
	ck_assert_str_eq(http_ca_source(&dir, &from), "/env/ca.pem");
	ck_assert(!dir);
	ck_assert_str_eq(from, "SSL_CERT_FILE");
	unsetenv("SSL_CERT_FILE");
	ck_assert_str_eq(http_ca_source(&dir, &from), "/env/certs");
	ck_assert(dir);
	ck_assert_str_eq(from, "SSL_CERT_DIR");
	unsetenv("SSL_CERT_DIR");
	/* whatever this machine has, it is the system's */
	const char *got = http_ca_source(&dir, &from);
	if (got)
		ck_assert_str_eq(from, "system");
	/* both out-parameters may be NULL */
	const char *again = http_ca_source(NULL, NULL);
	ck_assert((got == NULL) == (again == NULL));
}
END_TEST

Suite *suite_http(void)
{
	/* the test server is on loopback: no proxy in between */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("policy");
	tcase_add_loop_test(tc, test_retryable, 0, sizeof retry_cases / sizeof retry_cases[0]);
	tcase_add_loop_test(tc, test_retry_after, 0, sizeof after_cases / sizeof after_cases[0]);
	tcase_add_loop_test(tc, test_backoff, 0, sizeof backoff_cases / sizeof backoff_cases[0]);
	tcase_add_test(tc, test_backoff_bounds);
	suite_add_tcase(s, tc);
	tc = tcase_create("requests");
	/* A test takes a second or two under the sanitizers on a busy machine. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ok_pieces);
	tcase_add_test(tc, test_429_retry_after_ms);
	tcase_add_test(tc, test_500_backoff);
	tcase_add_test(tc, test_should_retry_false);
	tcase_add_test(tc, test_should_retry_true);
	tcase_add_test(tc, test_400_body);
	tcase_add_test(tc, test_drop_then_ok);
	tcase_add_test(tc, test_drop_shown);
	tcase_add_test(tc, test_idle_then_ok);
	tcase_add_test(tc, test_idle_err);
	tcase_add_test(tc, test_veto);
	tcase_add_test(tc, test_sink_529);
	tcase_add_test(tc, test_sink_529_exhausted);
	tcase_add_test(tc, test_sink_stop);
	tcase_add_test(tc, test_max_retries);
	tcase_add_test(tc, test_default_retries);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_reuse);
	suite_add_tcase(s, tc);
	tc = tcase_create("ca");
	tcase_add_loop_test(tc, test_ca_pick, 0, sizeof ca_cases / sizeof ca_cases[0]);
	tcase_add_test(tc, test_ca_source_env);
	suite_add_tcase(s, tc);
	return s;
}
