/*
 * http.h - the one HTTP client every provider uses: libcurl with TLS
 * verification on, connections reused across requests, a connect timeout, a
 * whole-request timeout and an idle timeout between bytes of a response (its
 * clock starts with each attempt, so it also bounds the wait for the first
 * byte; libcurl checks it about once a second), and the retry policy of the
 * official provider SDKs.
 *
 * Retry policy (http_post): an `x-should-retry: true|false` header decides
 * when present; else 408, 409, 429 and every status >= 500 (Anthropic's 529
 * included) are retried, as are transport failures (refused, reset, timed
 * out, a stream that ends early). The wait is `retry-after-ms`, else
 * `retry-after` (seconds or an HTTP date), else 0.5 s * 2^n capped at 8 s
 * less up to 25 % jitter; a server's wait over 60 s is not honoured (the
 * back-off is used). Nothing is retried once the sink says output was shown,
 * or when the sink vetoes it (Gemini's per-day quota).
 */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum {
	HTTP_DEFAULT_CONNECT_MS = 10000,
	HTTP_DEFAULT_TIMEOUT_MS = 600000, /* whole request, every attempt */
	HTTP_DEFAULT_IDLE_MS = 60000,     /* between bytes of a response */
	HTTP_DEFAULT_RETRIES = 2,         /* attempts after the first */
	HTTP_MAX_ERROR_BODY = 64 << 10    /* bytes of a non-2xx body kept */
};

struct http_opts {
	uint32_t connect_ms; /* 0: HTTP_DEFAULT_CONNECT_MS */
	uint32_t timeout_ms; /* 0: HTTP_DEFAULT_TIMEOUT_MS */
	uint32_t idle_ms;    /* 0: HTTP_DEFAULT_IDLE_MS */
	int max_retries;     /* < 0: HTTP_DEFAULT_RETRIES */
	/* The first back-off in ms (0: 500); the cap is 16 times it. Only
	 * tests set it, to keep their waits short. */
	uint32_t backoff_ms;
};

struct http_req {
	const char *url;
	const char *const *headers; /* "Name: value", NULL-terminated; may be NULL */
	const char *body;           /* POSTed with Content-Type: application/json */
	size_t body_len;
};

/* Where a 2xx body goes, and what the caller knows about it. Every member may be NULL. */
struct http_sink {
	/* Before each attempt's body: start parsing afresh. */
	void (*begin)(void *ud);
	/* 2xx body bytes. 0: go on; a status >= 400: end this attempt as if the
	 * server had answered with it (the retry policy applies; an error event
	 * inside a stream); -1: stop, no retry. */
	int (*data)(void *ud, const char *p, size_t n);
	/* The whole 2xx body arrived. 0: complete; -1: it ended early (a
	 * transport failure, retried under the policy). */
	int (*end)(void *ud);
	/* Whether output from this request has been shown: then never retry. */
	bool (*shown)(void *ud);
	/* Whether a failed status must not be retried, from its body. */
	bool (*veto)(void *ud, long status, const char *body, size_t n);
	/* Before waiting for attempt `attempt` (1 = the first retry). */
	void (*retrying)(void *ud, unsigned attempt, long status, uint32_t wait_ms);
	void *ud;
};

/* On failure, status is the server's status; 0 for a transport failure
 * (refused, reset, timed out, cut short: even after a 2xx status line); the
 * sink's code when data() returned one >= 400; the 2xx status when data()
 * stopped it with -1. A server's wait of 0 (or a date already
 * past) is treated as absent: the back-off is used. */
struct http_resp {
	long status;       /* the last attempt's status; 0: no HTTP answer */
	char *body;        /* a non-2xx body (at most HTTP_MAX_ERROR_BODY bytes, NUL-terminated), or NULL */
	size_t body_len;
	unsigned retries;  /* attempts after the first */
	bool held_back;    /* the failure would have been retried, but output was shown */
	uint64_t elapsed_ms; /* all attempts and waits */
	char err[256];     /* on failure: one sentence */
};

struct http;

/* NULL when libcurl cannot be set up. */
struct http *http_new(const struct http_opts *o);
void http_free(struct http *h);

/* POST with retries. 0: a 2xx answer, wholly delivered to the sink. -1:
 * failure; resp->status and resp->err say why (status is the sink's code when
 * data() ended the attempt). Release resp with http_resp_release. */
int http_post(struct http *h, const struct http_req *rq, const struct http_sink *sink,
	      struct http_resp *resp);
void http_resp_release(struct http_resp *resp);

/*
 * The CA certificates servers are verified against. mbedTLS, which the static
 * agent's libcurl uses, has no default store, so the agent picks one, in
 * order: $SSL_CERT_FILE, $SSL_CERT_DIR (each when set and not empty), the
 * first of the usual system bundle files that exists (HTTP_CA_BUNDLES), and
 * /etc/ssl/certs when it is a directory. Returns the path (NULL when none
 * was found); *is_dir says whether it is a directory; *from (either may be
 * NULL) names where it came from: "SSL_CERT_FILE", "SSL_CERT_DIR" or
 * "system". The environment's choice is returned even if the path does not
 * exist, so that a mistake there fails loudly rather than quietly falling
 * back. Verification is never turned off.
 */
#define HTTP_CA_BUNDLES                                                                       \
	"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",             \
		"/etc/ssl/ca-bundle.pem", "/etc/pki/tls/cacert.pem",                          \
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem"
#define HTTP_CA_DIR "/etc/ssl/certs"
const char *http_ca_source(bool *is_dir, const char **from);
/* The same choice from given values: cert_file and cert_dir stand for the two
 * variables (NULL or "": unset), root is prefixed to the system paths (NULL:
 * none; tests point it at a scratch tree). The path is written into buf. */
const char *http_ca_pick(const char *cert_file, const char *cert_dir, const char *root, char *buf,
			 size_t n, bool *is_dir, const char **from);

/* The policy, exposed for tests. */
/* x_should_retry: the header's value, or NULL when absent. */
bool http_retryable(long status, const char *x_should_retry);
/* The server's wait in ms from the two headers (either may be NULL), or -1
 * when neither gives a usable one. `now` dates an HTTP-date. */
int64_t http_retry_after_ms(const char *retry_after_ms, const char *retry_after, time_t now);
/* The back-off before retry `attempt` (1-based); jitter in [0, 1). */
uint32_t http_backoff_ms(unsigned attempt, double jitter);

#endif
