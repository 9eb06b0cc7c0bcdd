#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

enum {
	BACKOFF_BASE_MS = 500,
	BACKOFF_CAP_FACTOR = 16,    /* 0.5 s * 16 = 8 s */
	MAX_SERVER_WAIT_MS = 60000, /* a longer retry-after is not honoured */
	HDR_VALUE_MAX = 64
};

struct http {
	CURL *c;
	struct http_opts o;
	uint64_t rng;
	const char *ca; /* http_ca_source(), picked once; NULL: none found */
	const char *ca_from;
	bool ca_dir;
};

/* One attempt's state, shared with the libcurl callbacks. */
struct attempt {
	struct http *h;
	const struct http_sink *sink;
	long line_status; /* from the last status line seen */
	char reason[48];
	char retry_after_ms[HDR_VALUE_MAX];
	char retry_after[HDR_VALUE_MAX];
	char should_retry[HDR_VALUE_MAX];
	bool has_ra_ms, has_ra, has_xsr;
	int sink_code; /* data()'s status >= 400, or -1 */
	char *body;
	size_t body_len;
	uint64_t last_rx_ms;
	curl_off_t dlnow, ulnow;
	bool idle_hit;
};

static bool global_ok;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64*: plenty for spreading retries apart */
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / 9007199254740992.0; /* 2^53 */
}

static void sleep_ms(uint32_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* --- the policy ------------------------------------------------------- */

/* `s` trimmed of spaces at both ends, as [*b, *e). */
static void trim(const char *s, const char **b, const char **e)
{
	const char *p = s, *q = s + strlen(s);
	while (p < q && (*p == ' ' || *p == '\t'))
		p++;
	while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r' || q[-1] == '\n'))
		q--;
	*b = p;
	*e = q;
}

static bool word_is(const char *s, const char *w)
{
	const char *b, *e;
	trim(s, &b, &e);
	size_t n = strlen(w);
	return (size_t)(e - b) == n && strncasecmp(b, w, n) == 0;
}

bool http_retryable(long status, const char *x_should_retry)
{
	if (x_should_retry) {
		if (word_is(x_should_retry, "true"))
			return true;
		if (word_is(x_should_retry, "false"))
			return false;
	}
	if (status == 0)
		return true; /* a transport failure */
	return status == 408 || status == 409 || status == 429 || status >= 500;
}

/* A non-negative decimal number ("12", "1.5") times `scale`, saturating;
 * -1 when it is not one. */
static int64_t parse_amount(const char *s, double scale)
{
	const char *b, *e;
	trim(s, &b, &e);
	if (b == e)
		return -1;
	double v = 0;
	const char *p = b;
	bool digits = false;
	for (; p < e && isdigit((unsigned char)*p); p++) {
		v = v * 10 + (*p - '0');
		digits = true;
	}
	if (p < e && *p == '.') {
		double f = 0.1;
		for (p++; p < e && isdigit((unsigned char)*p); p++) {
			v += (*p - '0') * f;
			f /= 10;
			digits = true;
		}
	}
	if (!digits || p != e)
		return -1;
	v *= scale;
	if (!(v < 9.0e15)) /* saturate far beyond any honoured wait */
		return INT64_MAX;
	int64_t r = (int64_t)v;
	return r < v ? r + 1 : r; /* a fraction of a ms rounds up */
}

static int find_name(const char *p, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strncmp(p, names[i], 3) == 0)
			return i;
	return -1;
}

static bool two_digits(const char *p, int *v)
{
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		return false;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return true;
}

/* IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", the form RFC 9110 sends;
 * parsed by hand so the locale plays no part. */
static bool parse_http_date(const char *s, time_t *out)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	const char *b, *e;
	trim(s, &b, &e);
	if (e - b != 29)
		return false;
	char t[30];
	memcpy(t, b, 29);
	t[29] = '\0';
	int mday, mon, y1, y2, hh, mm, ss;
	if (find_name(t, days, 7) < 0 || memcmp(t + 3, ", ", 2) != 0 ||
	    !two_digits(t + 5, &mday) || t[7] != ' ' ||
	    (mon = find_name(t + 8, months, 12)) < 0 || t[11] != ' ' ||
	    !two_digits(t + 12, &y1) || !two_digits(t + 14, &y2) || t[16] != ' ' ||
	    !two_digits(t + 17, &hh) || t[19] != ':' || !two_digits(t + 20, &mm) ||
	    t[22] != ':' || !two_digits(t + 23, &ss) || strcmp(t + 25, " GMT") != 0)
		return false;
	if (mday < 1 || mday > 31 || hh > 23 || mm > 59 || ss > 60)
		return false;
	struct tm tm = {0};
	tm.tm_year = y1 * 100 + y2 - 1900;
	tm.tm_mon = mon;
	tm.tm_mday = mday;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	time_t t0 = timegm(&tm);
	if (t0 == (time_t)-1)
		return false;
	*out = t0;
	return true;
}

int64_t http_retry_after_ms(const char *retry_after_ms, const char *retry_after, time_t now)
{
	if (retry_after_ms) {
		int64_t v = parse_amount(retry_after_ms, 1);
		if (v >= 0)
			return v;
	}
	if (!retry_after)
		return -1;
	int64_t v = parse_amount(retry_after, 1000);
	if (v >= 0)
		return v;
	time_t when;
	if (!parse_http_date(retry_after, &when))
		return -1;
	if (when <= now)
		return 0;
	double d = difftime(when, now) * 1000;
	return d < 9.0e15 ? (int64_t)d : INT64_MAX;
}

static uint32_t backoff(uint32_t base, unsigned attempt, double jitter)
{
	if (!(jitter >= 0)) /* NaN too */
		jitter = 0;
	if (jitter >= 1)
		jitter = 0.999999;
	uint64_t cap = (uint64_t)base * BACKOFF_CAP_FACTOR;
	uint64_t ms = base;
	for (unsigned i = 1; i < attempt && ms < cap; i++)
		ms *= 2;
	if (ms > cap)
		ms = cap;
	if (ms > UINT32_MAX)
		ms = UINT32_MAX;
	return (uint32_t)((double)ms * (1.0 - 0.25 * jitter));
}

uint32_t http_backoff_ms(unsigned attempt, double jitter)
{
	return backoff(BACKOFF_BASE_MS, attempt, jitter);
}

/* --- CA certificates ------------------------------------------------------ */

const char *http_ca_pick(const char *cert_file, const char *cert_dir, const char *root, char *buf,
			 size_t n, bool *is_dir, const char **from)
{
	static const char *const bundles[] = {HTTP_CA_BUNDLES};
	const char *pre = root ? root : "";
	const char *got = NULL, *src = "system";
	bool dir = false;
	struct stat st;
	if (cert_file && *cert_file) {
		got = cert_file;
		src = "SSL_CERT_FILE";
	} else if (cert_dir && *cert_dir) {
		got = cert_dir;
		src = "SSL_CERT_DIR";
		dir = true;
	}
	if (got) {
		snprintf(buf, n, "%s", got);
	} else {
		for (size_t i = 0; i < sizeof bundles / sizeof bundles[0] && !got; i++) {
			snprintf(buf, n, "%s%s", pre, bundles[i]);
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode))
				got = buf;
		}
		if (!got) {
			snprintf(buf, n, "%s%s", pre, HTTP_CA_DIR);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
				got = buf;
				dir = true;
			}
		}
	}
	if (is_dir)
		*is_dir = got && dir;
	if (from)
		*from = got ? src : NULL;
	return got ? buf : NULL;
}

const char *http_ca_source(bool *is_dir, const char **from)
{
	static char buf[PATH_MAX];
	return http_ca_pick(getenv("SSL_CERT_FILE"), getenv("SSL_CERT_DIR"), NULL, buf, sizeof buf,
			    is_dir, from);
}

/* --- the client -------------------------------------------------------- */

struct http *http_new(const struct http_opts *o)
{
	if (!global_ok) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		global_ok = true;
	}
	struct http *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->c = curl_easy_init();
	if (!h->c) {
		free(h);
		return NULL;
	}
	if (o)
		h->o = *o;
	else
		h->o.max_retries = -1;
	if (!h->o.connect_ms)
		h->o.connect_ms = HTTP_DEFAULT_CONNECT_MS;
	if (!h->o.timeout_ms)
		h->o.timeout_ms = HTTP_DEFAULT_TIMEOUT_MS;
	if (!h->o.idle_ms)
		h->o.idle_ms = HTTP_DEFAULT_IDLE_MS;
	if (h->o.max_retries < 0)
		h->o.max_retries = HTTP_DEFAULT_RETRIES;
	if (!h->o.backoff_ms)
		h->o.backoff_ms = BACKOFF_BASE_MS;
	h->ca = http_ca_source(&h->ca_dir, &h->ca_from);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	h->rng = ((uint64_t)ts.tv_sec << 32 ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 16) | 1;
	return h;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->c);
	free(h);
}

void http_resp_release(struct http_resp *resp)
{
	if (!resp)
		return;
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
}

static void keep_value(char *dst, bool *has, const char *v, size_t n)
{
	*has = true;
	if (n >= HDR_VALUE_MAX) {
		/* cut short it could read as another number: make it unusable */
		strcpy(dst, "?");
		return;
	}
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct attempt *a = ud;
	size_t len = size * n;
	a->last_rx_ms = now_ms();
	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* a new response (after a 1xx too): forget the last one's headers */
		a->has_ra_ms = a->has_ra = a->has_xsr = false;
		a->line_status = 0;
		a->reason[0] = '\0';
		size_t i = 5;
		while (i < len && p[i] != ' ')
			i++;
		while (i < len && p[i] == ' ')
			i++;
		long st = 0;
		size_t d = 0;
		for (; i < len && d < 3 && isdigit((unsigned char)p[i]); i++, d++)
			st = st * 10 + (p[i] - '0');
		a->line_status = d == 3 ? st : 0;
		while (i < len && p[i] == ' ')
			i++;
		size_t r = 0;
		for (; i < len && r + 1 < sizeof a->reason; i++)
			if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\'')
				a->reason[r++] = p[i];
		a->reason[r] = '\0';
		return size * n;
	}
	const char *colon = memchr(p, ':', len);
	if (!colon)
		return size * n;
	size_t nl = (size_t)(colon - p);
	const char *v = colon + 1;
	size_t vl = len - nl - 1;
	while (vl && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (nl == 14 && strncasecmp(p, "retry-after-ms", nl) == 0)
		keep_value(a->retry_after_ms, &a->has_ra_ms, v, vl);
	else if (nl == 11 && strncasecmp(p, "retry-after", nl) == 0)
		keep_value(a->retry_after, &a->has_ra, v, vl);
	else if (nl == 14 && strncasecmp(p, "x-should-retry", nl) == 0)
		keep_value(a->should_retry, &a->has_xsr, v, vl);
	return size * n;
}

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
	struct attempt *a = ud;
	size_t len = size * n;
	a->last_rx_ms = now_ms();
	long st = 0;
	curl_easy_getinfo(a->h->c, CURLINFO_RESPONSE_CODE, &st);
	if (st >= 200 && st < 300) {
		if (!a->sink || !a->sink->data)
			return len;
		int r = a->sink->data(a->sink->ud, p, len);
		if (r == 0)
			return len;
		a->sink_code = r >= 400 ? r : -1;
		return 0; /* abort the transfer */
	}
	/* an error body: keep its start for the caller's message */
	size_t room = HTTP_MAX_ERROR_BODY - a->body_len;
	size_t take = len < room ? len : room;
	if (take) {
		if (!a->body) {
			a->body = malloc(HTTP_MAX_ERROR_BODY + 1);
			if (!a->body)
				return len;
		}
		memcpy(a->body + a->body_len, p, take);
		a->body_len += take;
		a->body[a->body_len] = '\0';
	}
	return len;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)dltotal;
	(void)ultotal;
	struct attempt *a = ud;
	uint64_t t = now_ms();
	/* a slow upload of a large request is progress too */
	if (dlnow != a->dlnow || ulnow != a->ulnow) {
		a->dlnow = dlnow;
		a->ulnow = ulnow;
		a->last_rx_ms = t;
	}
	if (t - a->last_rx_ms > a->h->o.idle_ms) {
		a->idle_hit = true;
		return 1;
	}
	return 0;
}

static const char *reason_of(long st)
{
	static const struct {
		long st;
		const char *s;
	} tab[] = {
		{400, "Bad Request"},       {401, "Unauthorized"},
		{403, "Forbidden"},         {404, "Not Found"},
		{408, "Request Timeout"},   {409, "Conflict"},
		{413, "Content Too Large"}, {422, "Unprocessable Content"},
		{429, "Too Many Requests"}, {500, "Internal Server Error"},
		{502, "Bad Gateway"},       {503, "Service Unavailable"},
		{504, "Gateway Timeout"},   {529, "Overloaded"},
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].st == st)
			return tab[i].s;
	return "";
}

/* "host:port" of the URL, for messages. */
static void url_place(const char *url, char *out, size_t n)
{
	snprintf(out, n, "%s", url);
	CURLU *u = curl_url();
	if (!u)
		return;
	char *host = NULL, *port = NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
		snprintf(out, n, "%s:%s", host, port);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

static void os_error(long e, char *out, size_t n)
{
	snprintf(out, n, "%s", e ? strerror((int)e) : "");
	if (out[0])
		out[0] = (char)tolower((unsigned char)out[0]);
}

/* The sentence for a failed transfer; whether it may be retried. */
static bool transport_error(struct http *h, const struct attempt *a, CURLcode rc, const char *url,
			    const char *cerr, char *err, size_t n)
{
	char place[128], os[64];
	long e = 0;
	curl_easy_getinfo(h->c, CURLINFO_OS_ERRNO, &e);
	os_error(e, os, sizeof os);
	url_place(url, place, sizeof place);
	const char *detail = cerr[0] ? cerr : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_ABORTED_BY_CALLBACK:
		if (a->idle_hit) {
			snprintf(err, n, "no data from the server for %.1f s (idle timeout)",
				 h->o.idle_ms / 1000.0);
			return true;
		}
		break;
	case CURLE_COULDNT_CONNECT:
		snprintf(err, n, "cannot connect to '%.100s': %.100s", place, os[0] ? os : detail);
		return true;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(err, n, "cannot resolve the host of '%.100s'", place);
		return true;
	case CURLE_COULDNT_RESOLVE_PROXY:
		snprintf(err, n, "cannot resolve the proxy for '%.100s'", place);
		return true;
	case CURLE_OPERATION_TIMEDOUT: {
		long st = 0;
		curl_easy_getinfo(h->c, CURLINFO_RESPONSE_CODE, &st);
		curl_off_t conn = 0;
		curl_easy_getinfo(h->c, CURLINFO_CONNECT_TIME_T, &conn);
		if (!conn && !st)
			snprintf(err, n, "cannot connect to '%.100s': no answer within %.1f s",
				 place, h->o.connect_ms / 1000.0);
		else
			snprintf(err, n, "the request took longer than %.1f s (timeout)",
				 h->o.timeout_ms / 1000.0);
		return true;
	}
	case CURLE_PARTIAL_FILE:
		snprintf(err, n, "the response ended early");
		return true;
	case CURLE_GOT_NOTHING:
		snprintf(err, n, "the server at '%.100s' closed the connection without answering",
			 place);
		return true;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		snprintf(err, n, "the connection to '%.100s' failed: %.100s", place,
			 os[0] ? os : detail);
		return true;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		/* not retried: the next attempt would meet the same certificate */
		if (!h->ca)
			snprintf(err, n, "cannot verify the server at '%.100s': no CA certificates found "
				 "(set SSL_CERT_FILE or SSL_CERT_DIR)", place);
		else
			snprintf(err, n, "cannot verify the server at '%.100s' against %s (%s): %.100s",
				 place, h->ca, h->ca_from, detail);
		return false;
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
		snprintf(err, n, "the exchange with '%.100s' failed: %.100s", place, detail);
		return true;
	default:
		break;
	}
	snprintf(err, n, "the request to '%.100s' failed: %.100s", place, detail);
	return false;
}

static struct curl_slist *build_headers(const struct http_req *rq, char *err, size_t n)
{
	struct curl_slist *l = NULL, *t;
	bool has_ct = false;
	for (const char *const *p = rq->headers; p && *p; p++) {
		if (strpbrk(*p, "\r\n")) {
			snprintf(err, n, "a request header contains a line break");
			curl_slist_free_all(l);
			return NULL;
		}
		has_ct |= strncasecmp(*p, "content-type:", 13) == 0;
		if (!(t = curl_slist_append(l, *p)))
			goto oom;
		l = t;
	}
	if (!has_ct) {
		if (!(t = curl_slist_append(l, "Content-Type: application/json")))
			goto oom;
		l = t;
	}
	/* no 100-continue round trip before the body */
	if (!(t = curl_slist_append(l, "Expect:")))
		goto oom;
	return t;
oom:
	snprintf(err, n, "out of memory building the request headers");
	curl_slist_free_all(l);
	return NULL;
}

static void set_options(struct http *h, const struct http_req *rq, struct curl_slist *hdrs,
			struct attempt *a, char *cerr)
{
	CURL *c = h->c;
	/* reset keeps the connection cache: only this request's options go */
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "skillc-agent/1");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(rq->body ? rq->body_len : 0));
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)h->o.connect_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)h->o.timeout_ms);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, a);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	/* libcurl's defaults, said out loud: verification is never off. */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->ca)
		curl_easy_setopt(c, h->ca_dir ? CURLOPT_CAPATH : CURLOPT_CAINFO, h->ca);
}

/* What one attempt came to. */
enum outcome { DONE, FAILED, STOPPED };

static enum outcome attempt_once(struct http *h, const struct http_req *rq,
				 struct curl_slist *hdrs, const struct http_sink *sink,
				 struct attempt *a, struct http_resp *resp, bool *retryable)
{
	char cerr[CURL_ERROR_SIZE];
	cerr[0] = '\0';
	memset(a, 0, sizeof *a);
	a->h = h;
	a->sink = sink;
	a->last_rx_ms = now_ms();
	set_options(h, rq, hdrs, a, cerr);
	if (sink && sink->begin)
		sink->begin(sink->ud);
	CURLcode rc = curl_easy_perform(h->c);
	long st = 0;
	curl_easy_getinfo(h->c, CURLINFO_RESPONSE_CODE, &st);
	const char *xsr = a->has_xsr ? a->should_retry : NULL;
	if (a->sink_code == -1) {
		resp->status = st;
		snprintf(resp->err, sizeof resp->err, "the response was abandoned by its reader");
		*retryable = false;
		return STOPPED;
	}
	if (a->sink_code >= 400) {
		resp->status = a->sink_code;
		snprintf(resp->err, sizeof resp->err,
			 "the server reported an error %d in its answer", a->sink_code);
		*retryable = http_retryable(a->sink_code, NULL);
		return FAILED;
	}
	if (rc != CURLE_OK) {
		resp->status = 0;
		*retryable = transport_error(h, a, rc, rq->url, cerr, resp->err, sizeof resp->err);
		return FAILED;
	}
	resp->status = st;
	if (st >= 200 && st < 300) {
		if (sink && sink->end && sink->end(sink->ud) != 0) {
			resp->status = 0;
			snprintf(resp->err, sizeof resp->err, "the response ended early");
			*retryable = true;
			return FAILED;
		}
		return DONE;
	}
	const char *why = a->line_status == st && a->reason[0] ? a->reason : reason_of(st);
	snprintf(resp->err, sizeof resp->err, "the server answered %ld%s%s", st, why[0] ? " " : "",
		 why);
	*retryable = http_retryable(st, xsr);
	return FAILED;
}

int http_post(struct http *h, const struct http_req *rq, const struct http_sink *sink,
	      struct http_resp *resp)
{
	memset(resp, 0, sizeof *resp);
	uint64_t t0 = now_ms();
	if (!h || !rq || !rq->url) {
		snprintf(resp->err, sizeof resp->err, "no URL to send the request to");
		return -1;
	}
	struct curl_slist *hdrs = build_headers(rq, resp->err, sizeof resp->err);
	if (!hdrs)
		return -1;
	int ret = -1;
	struct attempt a;
	for (unsigned n = 0;; n++) {
		bool retryable = false;
		enum outcome o = attempt_once(h, rq, hdrs, sink, &a, resp, &retryable);
		if (o == DONE) {
			free(a.body);
			resp->err[0] = '\0';
			ret = 0;
			break;
		}
		bool again = o == FAILED && retryable && n < (unsigned)h->o.max_retries;
		if (again && sink && sink->shown && sink->shown(sink->ud)) {
			again = false;
			resp->held_back = true;
		}
		if (again && resp->status > 0 && sink && sink->veto &&
		    sink->veto(sink->ud, resp->status, a.body ? a.body : "", a.body_len))
			again = false;
		if (!again) {
			resp->body = a.body;
			resp->body_len = a.body_len;
			break;
		}
		free(a.body);
		int64_t wait = -1;
		if (resp->status > 0 && resp->status == a.line_status)
			wait = http_retry_after_ms(a.has_ra_ms ? a.retry_after_ms : NULL,
						   a.has_ra ? a.retry_after : NULL, time(NULL));
		if (wait <= 0 || wait > MAX_SERVER_WAIT_MS)
			wait = backoff(h->o.backoff_ms, n + 1, rng_unit(&h->rng));
		if (sink && sink->retrying)
			sink->retrying(sink->ud, n + 1, resp->status, (uint32_t)wait);
		resp->retries = n + 1;
		sleep_ms((uint32_t)wait);
	}
	curl_slist_free_all(hdrs);
	/* drop the pointers into this call's stack; connections stay cached */
	curl_easy_reset(h->c);
	resp->elapsed_ms = now_ms() - t0;
	return ret;
}
