/*
 * mcp_fuzz.c - a deterministic fuzzer for the MCP request handler, linked
 * with the probe table (tests/e2e/skills).
 *
 *	mcp-fuzz [-n ITERATIONS] [-s SEED] [-v]
 *
 * Each input is a mutation of a valid request: bytes flipped, inserted,
 * deleted or spliced, or a JSON value inside it replaced by one of another
 * type, size or depth. The handler must answer every input with whole lines
 * of well-formed JSON-RPC and never crash (run it under ASan and UBSan).
 * Tool processes an input starts get a short time to finish, then are
 * cancelled, so the reply path of real calls is exercised too.
 * Exits 0 when every output was well formed, 1 otherwise.
 */
#include <jansson.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcp.h"
#include "skc_abi.h"

static const char *const corpus[] = {
	"{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"f\",\"version\":\"1\"}}}",
	"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
	"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
	"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"cursor\":\"t:2\"}}",
	"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__echo_json\",\"arguments\":{\"text\":\"a\",\"times\":2,\"words\":[\"x\"],\"kind\":\"b\"}}}",
	"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__echo_flags\",\"arguments\":{\"name\":\"n\",\"count\":3,\"verbose\":true}}}",
	"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"read_skill_file\",\"arguments\":{\"skill\":\"probe\",\"path\":\"SKILL.md\"}}}",
	"{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"list_skills\",\"arguments\":{}}}",
	"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"activate_skill\",\"arguments\":{\"name\":\"probe\"}}}",
	"{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"prompts/list\",\"params\":{\"cursor\":\"p:1\"}}",
	"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"prompts/get\",\"params\":{\"name\":\"probe\",\"arguments\":{}}}",
	"{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"resources/list\",\"params\":{\"cursor\":\"r:3\"}}",
	"{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"resources/read\",\"params\":{\"uri\":\"skill://probe/scripts/fail.sh\"}}",
	"{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"resources/templates/list\"}",
	"{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}",
	"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":3,\"reason\":\"x\"}}",
	"{\"jsonrpc\":\"2.0\",\"id\":\"m\",\"method\":\"server/discover\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
	"{\"jsonrpc\":\"2.0\",\"id\":\"n\",\"method\":\"tools/call\",\"params\":{\"name\":\"probe__echo_argv\",\"arguments\":{\"first\":\"a\"},\"_meta\":{\"progressToken\":7,\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/logLevel\":\"debug\"}}}",
	"{\"jsonrpc\":\"2.0\",\"id\":14,\"result\":{}}",
};
enum { N_CORPUS = sizeof corpus / sizeof corpus[0] };

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic for a seed, good enough to pick mutations. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static json_t *random_value(int depth)
{
	static const char *const strings[] = {"",	   "probe",	 "probe__echo_json",
					      "t:1",	   "skill://probe/SKILL.md",
					      "2026-07-28", "2025-11-25", "\xc3\xa9\xe2\x82\xac",
					      "../../etc/passwd", "%00%ff", "debug", "a b\tc\n"};
	switch (below(depth > 6 ? 7 : 9)) {
	case 0:
		return json_null();
	case 1:
		return json_boolean(below(2));
	case 2: {
		static const json_int_t ints[] = {0, -1, 1, 2, 64, 65536, INT64_MAX, INT64_MIN};
		return json_integer(ints[below(8)]);
	}
	case 3:
		return json_real(below(2) ? 1e308 : -0.5);
	case 4:
	case 5:
		return json_string(strings[below(sizeof strings / sizeof strings[0])]);
	case 6: {
		size_t n = below(5000);
		char *s = malloc(n + 1);
		memset(s, 'a' + (int)below(26), n);
		s[n] = '\0';
		json_t *v = json_string(s);
		free(s);
		return v;
	}
	case 7: {
		json_t *a = json_array();
		for (size_t i = below(4); i; i--)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		static const char *const keys[] = {"name", "arguments", "cursor", "_meta", "uri",
						   "text", "times", "level", "requestId", "x"};
		for (size_t i = below(4); i; i--)
			json_object_set_new(o, keys[below(10)], random_value(depth + 1));
		return o;
	}
	}
}

/* Replace, add or delete one node somewhere in v. */
static void mutate_tree(json_t *v, int depth)
{
	if (json_is_object(v) && json_object_size(v)) {
		size_t k = below(json_object_size(v));
		const char *key;
		json_t *child;
		json_object_foreach(v, key, child) {
			if (k--)
				continue;
			switch (below(4)) {
			case 0:
				json_object_del(v, key);
				return;
			case 1:
				json_object_set_new(v, key, random_value(depth));
				return;
			case 2:
				json_object_set_new(v, "extra", random_value(depth));
				return;
			default:
				mutate_tree(child, depth + 1);
				return;
			}
		}
	} else if (json_is_array(v) && json_array_size(v)) {
		size_t i = below(json_array_size(v));
		if (below(2))
			json_array_set_new(v, i, random_value(depth));
		else
			mutate_tree(json_array_get(v, i), depth + 1);
	}
}

/* A deeply nested value: the parser and every walker must cope. */
static char *deep(size_t n)
{
	char *s = malloc(2 * n + 64);
	size_t k = (size_t)sprintf(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":");
	for (size_t i = 0; i < n; i++)
		s[k++] = '[';
	for (size_t i = 0; i < n; i++)
		s[k++] = ']';
	strcpy(s + k, "}}");
	return s;
}

static char *make_input(size_t *len)
{
	const char *base = corpus[below(N_CORPUS)];
	char *s;
	size_t n;
	switch (below(6)) {
	case 0:
	case 1: { /* structure-aware */
		json_t *v = json_loads(base, 0, NULL);
		for (size_t i = 1 + below(3); i; i--)
			mutate_tree(v, 0);
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		json_decref(v);
		*len = strlen(s);
		return s;
	}
	case 2: { /* splice two requests */
		const char *other = corpus[below(N_CORPUS)];
		size_t a = below(strlen(base) + 1), b = below(strlen(other) + 1);
		s = malloc(a + strlen(other) - b + 1);
		memcpy(s, base, a);
		strcpy(s + a, other + b);
		*len = strlen(s);
		return s;
	}
	case 3:
		if (below(8) == 0) {
			s = deep(1 + below(100000));
			*len = strlen(s);
			return s;
		}
		/* fall through */
	default: { /* bytes */
		n = strlen(base);
		s = malloc(n + 64);
		memcpy(s, base, n);
		for (size_t i = 1 + below(8); i; i--) {
			size_t at = below(n);
			switch (below(3)) {
			case 0:
				if (n)
					s[at] = (char)rnd();
				break;
			case 1:
				if (n + 1 < strlen(base) + 64) {
					memmove(s + at + 1, s + at, n - at);
					s[at] = (char)rnd();
					n++;
				}
				break;
			default:
				if (n) {
					memmove(s + at, s + at + 1, n - at - 1);
					n--;
				}
			}
		}
		*len = n;
		return s;
	}
	}
}

/* Every output line must be one well-formed JSON-RPC message. */
static int check_output(struct mcp *m, const char *input, size_t in_len, int verbose)
{
	size_t n;
	const char *out = mcp_output(m, &n);
	int bad = 0;
	if (n && out[n - 1] != '\n') {
		fprintf(stderr, "mcp-fuzz: output does not end in a newline\n");
		bad = 1;
	}
	for (const char *p = out, *end = out + n; p < end && !bad;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_error_t je;
		json_t *v = json_loadb(p, len, 0, &je);
		const char *why = NULL;
		if (!v)
			why = "not JSON";
		else if (!json_is_object(v) || !json_is_string(json_object_get(v, "jsonrpc")) ||
			 strcmp(json_string_value(json_object_get(v, "jsonrpc")), "2.0"))
			why = "not a JSON-RPC 2.0 object";
		else if (json_object_get(v, "method")) {
			if (!json_is_string(json_object_get(v, "method")) || json_object_get(v, "id"))
				why = "a bad notification";
		} else {
			json_t *id = json_object_get(v, "id"), *e = json_object_get(v, "error");
			if (!id || (!json_is_null(id) && !json_is_string(id) && !json_is_integer(id)))
				why = "a reply without a valid id";
			else if (!json_object_get(v, "result") == !e)
				why = "a reply needs exactly one of result and error";
			else if (e && (!json_is_integer(json_object_get(e, "code")) ||
				       !json_is_string(json_object_get(e, "message"))))
				why = "an error without code and message";
		}
		if (why) {
			fprintf(stderr, "mcp-fuzz: %s: %.*s\n  input: %.*s\n", why, (int)(len > 500 ? 500 : len),
				p, (int)(in_len > 500 ? 500 : in_len), input);
			bad = 1;
		} else if (verbose) {
			printf("%.*s\n", (int)(len > 200 ? 200 : len), p);
		}
		json_decref(v);
		p += len + 1;
	}
	mcp_consume(m, n);
	return bad;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int main(int argc, char **argv)
{
	unsigned long iterations = 2000, seed = 1;
	int verbose = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			iterations = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			seed = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else {
			fprintf(stderr, "usage: mcp-fuzz [-n ITERATIONS] [-s SEED] [-v]\n");
			return 2;
		}
	}
	rng_state = (seed + 1) * 0x9e3779b97f4a7c15u | 1;
	const struct skc_table *t = skc_table();
	int failed = 0;
	/* A fresh server now and then, in either mode, so state does not pile up. */
	struct mcp *m = NULL;
	unsigned long calls = 0;
	for (unsigned long i = 0; i < iterations && !failed; i++) {
		if (i % 200 == 0) {
			mcp_free(m);
			struct mcp_opts o = {.scoped = below(2), .jobs = 1 + (unsigned)below(4),
					     .queue = 1 + (unsigned)below(4), .page_size = 1 + (unsigned)below(5)};
			m = mcp_new(t, &o);
			if (below(2))
				mcp_handle(m, corpus[0], strlen(corpus[0]));
			failed |= check_output(m, "(init)", 6, verbose);
		}
		size_t len;
		char *in = make_input(&len);
		mcp_handle(m, in, len);
		if (mcp_busy(m)) {
			calls++;
			uint64_t end = now_ms() + 300;
			while (mcp_busy(m) && now_ms() < end) {
				struct pollfd fds[64];
				int n = mcp_pollfds(m, fds, 64);
				int to = mcp_timeout_ms(m);
				poll(fds, (nfds_t)n, to < 0 || to > 50 ? 50 : to);
				mcp_step(m);
			}
			mcp_cancel_all(m);
		}
		failed |= check_output(m, in, len, verbose);
		free(in);
	}
	mcp_free(m);
	printf("mcp-fuzz: %lu inputs, %lu ran tools, seed %lu: %s\n", iterations, calls, seed,
	       failed ? "FAILED" : "ok");
	return failed;
}
