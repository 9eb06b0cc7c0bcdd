#include "sse.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Events as the parser hands them out, flattened into one byte string with
 * length prefixes so that two runs compare with one memcmp. */
struct rec {
	char *buf;
	size_t len, cap;
	int count;
	int stop_at; /* return stop_val from this event (1-based); 0: never */
	int stop_val;
};

static void rec_put(struct rec *r, const char *p, size_t n)
{
	if (r->len + n + 32 > r->cap) {
		r->cap = (r->len + n + 32) * 2;
		r->buf = realloc(r->buf, r->cap);
		ck_assert_ptr_nonnull(r->buf);
	}
	r->len += (size_t)sprintf(r->buf + r->len, "%zu:", n);
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

static void rec_event(struct rec *r, const char *type, const char *data, size_t dlen,
		      const char *id)
{
	rec_put(r, type, strlen(type));
	rec_put(r, data, dlen);
	rec_put(r, id, strlen(id));
	r->count++;
}

static int on_event(void *ud, const struct sse_event *ev)
{
	struct rec *r = ud;
	ck_assert_ptr_nonnull(ev->type);
	ck_assert_ptr_nonnull(ev->data);
	ck_assert_ptr_nonnull(ev->id);
	ck_assert_int_eq(ev->data[ev->data_len], '\0');
	rec_event(r, ev->type, ev->data, ev->data_len, ev->id);
	return r->stop_at && r->count == r->stop_at ? r->stop_val : 0;
}

/* Feeds `in` in pieces of the given sizes (cycled; a 0 ends the list), or
 * whole when sizes is NULL, and returns the parser's last status. */
static int parse(const char *in, size_t n, const size_t *sizes, struct rec *r,
		 uint32_t *retry, char *last_id, size_t last_id_cap)
{
	struct sse s;
	sse_init(&s, on_event, r);
	int rc = 0;
	if (!sizes) {
		rc = sse_feed(&s, in, n);
	} else {
		size_t off = 0, k = 0;
		while (off < n && rc == 0) {
			if (!sizes[k])
				k = 0;
			size_t take = sizes[k++];
			if (take > n - off)
				take = n - off;
			rc = sse_feed(&s, in + off, take);
			off += take;
		}
	}
	if (retry)
		*retry = s.retry_ms;
	if (last_id)
		snprintf(last_id, last_id_cap, "%s", s.id ? s.id : "");
	sse_release(&s);
	return rc;
}

/* ---- table of cases from the spec ---- */

/* A literal that holds a NUL, with its length. */
#define BIN(s) s, sizeof(s) - 1

struct ev {
	const char *type, *data, *id;
};

static const struct {
	const char *name;
	const char *in;
	size_t in_len; /* 0: strlen(in) */
	uint32_t retry;
	int count;
	struct ev ev[4];
} cases[] = {
	{"single LF", "data: hello\n\n", 0, 0, 1, {{"message", "hello", ""}}},
	{"CRLF", "data: hello\r\n\r\n", 0, 0, 1, {{"message", "hello", ""}}},
	{"CR", "data: hello\r\r", 0, 0, 1, {{"message", "hello", ""}}},
	{"mixed line ends", "data: a\rdata: b\r\ndata: c\n\r\n", 0, 0, 1,
	 {{"message", "a\nb\nc", ""}}},
	{"multi-line data", "data: one\ndata: two\ndata:three\n\n", 0, 0, 1,
	 {{"message", "one\ntwo\nthree", ""}}},
	{"empty data line", "data\n\n", 0, 0, 1, {{"message", "", ""}}},
	{"two empty data lines", "data:\ndata\n\n", 0, 0, 1, {{"message", "\n", ""}}},
	{"only one space dropped", "data:  two spaces\n\n", 0, 0, 1,
	 {{"message", " two spaces", ""}}},
	{"no space", "data:x\n\n", 0, 0, 1, {{"message", "x", ""}}},
	{"tab kept", "data:\tx\n\n", 0, 0, 1, {{"message", "\tx", ""}}},
	{"colon in value", "data: a:b: c\n\n", 0, 0, 1, {{"message", "a:b: c", ""}}},
	{"event type", "event: add\ndata: 1\n\ndata: 2\n\n", 0, 0, 2,
	 {{"add", "1", ""}, {"message", "2", ""}}},
	{"empty event type is message", "event:\ndata: x\n\n", 0, 0, 1, {{"message", "x", ""}}},
	{"last event type wins", "event: a\nevent: b\ndata: x\n\n", 0, 0, 1, {{"b", "x", ""}}},
	{"id persists", "id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n", 0, 0, 3,
	 {{"message", "a", "7"}, {"message", "b", "7"}, {"message", "c", ""}}},
	{"id set by empty event", "id: 1\n\ndata: x\n\n", 0, 0, 1, {{"message", "x", "1"}}},
	{"id with NUL ignored", BIN("id: 1\n\nid: a\0b\ndata: x\n\n"), 0, 1,
	 {{"message", "x", "1"}}},
	{"retry", "retry: 1500\ndata: x\n\n", 0, 1500, 1, {{"message", "x", ""}}},
	{"retry not digits", "retry: 1500\nretry: 15x\nretry: -1\nretry: 1.5\nretry:\n", 0,
	 1500, 0, {{0}}},
	{"retry with space inside", "retry: 20\nretry: 1 5\n", 0, 20, 0, {{0}}},
	{"retry saturates", "retry: 99999999999999999999\n", 0, UINT32_MAX, 0, {{0}}},
	{"comment", ": keep-alive\n:\ndata: x\n: between\n\n", 0, 0, 1,
	 {{"message", "x", ""}}},
	{"comment alone dispatches nothing", ": ping\n\n", 0, 0, 0, {{0}}},
	{"BOM skipped", "\xef\xbb\xbf" "data: x\n\n", 0, 0, 1, {{"message", "x", ""}}},
	{"second BOM kept in the field name", "\xef\xbb\xbf\xef\xbb\xbf" "data: x\n\n", 0, 0, 0,
	 {{0}}},
	{"BOM not at start is text", "data: \xef\xbb\xbfx\n\n", 0, 0, 1,
	 {{"message", "\xef\xbb\xbfx", ""}}},
	{"partial BOM is text", "\xef\xbb" "data: x\n\n", 0, 0, 0, {{0}}},
	{"partial BOM then line", "\xef\n" "data: x\n\n", 0, 0, 1, {{"message", "x", ""}}},
	{"no colon is an empty field", "data\nevent\n\n", 0, 0, 1, {{"message", "", ""}}},
	{"unknown fields ignored", "foo: bar\nDATA: no\nData: no\ndata : no\ndata: yes\n\n", 0,
	 0, 1, {{"message", "yes", ""}}},
	{"blank lines without data", "\n\n\r\n\r\r\n", 0, 0, 0, {{0}}},
	{"type reset after empty dispatch", "event: a\n\ndata: x\n\n", 0, 0, 1,
	 {{"message", "x", ""}}},
	{"incomplete event discarded", "data: a\n\ndata: b\n", 0, 0, 1, {{"message", "a", ""}}},
	{"incomplete line discarded", "data: a\n\ndata: b", 0, 0, 1, {{"message", "a", ""}}},
	{"NUL and invalid UTF-8 in data", BIN("data: a\0\xff\xc3(\n\n"), 0, 1,
	 {{"message", "a\0\xff\xc3(", ""}}},
	{"OpenAI", "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
		   "data: {\"choices\":[{\"delta\":{}}]}\n\n"
		   "data: [DONE]\n\n",
	 0, 0, 3,
	 {{"message", "{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}", ""},
	  {"message", "{\"choices\":[{\"delta\":{}}]}", ""},
	  {"message", "[DONE]", ""}}},
	{"Anthropic", "event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
		      "event: ping\ndata: {\"type\": \"ping\"}\n\n"
		      "event: content_block_delta\n"
		      "data: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"Hi\"}}\n\n"
		      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
	 0, 0, 4,
	 {{"message_start", "{\"type\":\"message_start\"}", ""},
	  {"ping", "{\"type\": \"ping\"}", ""},
	  {"content_block_delta",
	   "{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"Hi\"}}", ""},
	  {"message_stop", "{\"type\":\"message_stop\"}", ""}}},
	{"Gemini", "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"A\"}]}}]}\r\n\r\n"
		   "data: {\"candidates\":[{\"finishReason\":\"STOP\"}]}\r\n\r\n",
	 0, 0, 2,
	 {{"message", "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"A\"}]}}]}", ""},
	  {"message", "{\"candidates\":[{\"finishReason\":\"STOP\"}]}", ""}}},
};

START_TEST(test_cases)
{
	const char *in = cases[_i].in;
	size_t n = cases[_i].in_len ? cases[_i].in_len : strlen(in);
	struct rec want = {0};
	for (int k = 0; k < cases[_i].count; k++) {
		const struct ev *e = &cases[_i].ev[k];
		/* Data in the table holds a NUL only in the one case that says so. */
		size_t dlen = strlen(e->data);
		if (strcmp(cases[_i].name, "NUL and invalid UTF-8 in data") == 0)
			dlen = 5;
		rec_event(&want, e->type, e->data, dlen, e->id);
	}
	static const size_t ones[] = {1, 0}, twos[] = {2, 0}, odd[] = {3, 1, 4, 1, 5, 9, 2, 6, 0};
	const size_t *splits[] = {NULL, ones, twos, odd};
	for (size_t k = 0; k < sizeof splits / sizeof splits[0]; k++) {
		struct rec got = {0};
		uint32_t retry;
		ck_assert_int_eq(parse(in, n, splits[k], &got, &retry, NULL, 0), 0);
		ck_assert_msg(got.count == want.count && got.len == want.len &&
				      (got.len == 0 || memcmp(got.buf, want.buf, got.len) == 0),
			      "case '%s' split %zu: got %d events '%.*s', want '%.*s'",
			      cases[_i].name, k, got.count, (int)got.len, got.buf ? got.buf : "",
			      (int)want.len, want.buf ? want.buf : "");
		ck_assert_uint_eq(retry, cases[_i].retry);
		free(got.buf);
	}
	free(want.buf);
}
END_TEST

/* A CR ends one feed and its LF starts the next: one line end, not two. */
START_TEST(test_crlf_across_feeds)
{
	struct rec r = {0};
	struct sse s;
	sse_init(&s, on_event, &r);
	ck_assert_int_eq(sse_feed(&s, "data: a\r", 8), 0);
	ck_assert_int_eq(sse_feed(&s, "", 0), 0);
	ck_assert_int_eq(sse_feed(&s, "\ndata: b\r", 9), 0);
	ck_assert_int_eq(sse_feed(&s, "\n\r", 2), 0);
	ck_assert_int_eq(sse_feed(&s, "\n", 1), 0);
	ck_assert_int_eq(r.count, 1);
	ck_assert_str_eq(r.buf, "7:message3:a\nb0:");
	sse_release(&s);
	free(r.buf);
}
END_TEST

START_TEST(test_stop_value)
{
	struct rec r = {.stop_at = 2, .stop_val = 7};
	struct sse s;
	sse_init(&s, on_event, &r);
	const char *in = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
	ck_assert_int_eq(sse_feed(&s, in, strlen(in)), 7);
	ck_assert_int_eq(r.count, 2);
	ck_assert_int_eq(sse_feed(&s, in, strlen(in)), 7);
	ck_assert_int_eq(r.count, 2);
	/* A reset starts a new stream, BOM and all. */
	sse_reset(&s);
	r.stop_at = 0;
	ck_assert_int_eq(sse_feed(&s, "\xef\xbb\xbf" "data: 4\n\n", 12), 0);
	ck_assert_int_eq(r.count, 3);
	ck_assert_ptr_nonnull(strstr(r.buf, "1:4"));
	sse_release(&s);
	free(r.buf);
}
END_TEST

/* A line past SSE_MAX_EVENT, fed 1 MiB at a time and never built whole by
 * the test, fails with -1 and leaves the parser stopped. */
START_TEST(test_line_limit)
{
	enum { CHUNK = 1 << 20 };
	char *chunk = malloc(CHUNK);
	ck_assert_ptr_nonnull(chunk);
	memset(chunk, 'a', CHUNK);
	struct rec r = {0};
	struct sse s;
	sse_init(&s, on_event, &r);
	ck_assert_int_eq(sse_feed(&s, "data: ", 6), 0);
	int rc = 0;
	size_t fed = 0;
	while (rc == 0 && fed <= (size_t)SSE_MAX_EVENT + CHUNK) {
		rc = sse_feed(&s, chunk, CHUNK);
		fed += CHUNK;
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_uint_le(fed, (size_t)SSE_MAX_EVENT + CHUNK);
	ck_assert_int_eq(sse_feed(&s, "\n\n", 2), -1);
	ck_assert_int_eq(r.count, 0);
	sse_release(&s);
	free(chunk);
}
END_TEST

/* Many data lines, each short, whose sum passes the limit. */
START_TEST(test_data_limit)
{
	enum { LINE = 8 << 20 };
	char *line = malloc(LINE + 7);
	ck_assert_ptr_nonnull(line);
	memcpy(line, "data:", 5);
	memset(line + 5, 'b', LINE);
	line[LINE + 5] = '\n';
	struct rec r = {0};
	struct sse s;
	sse_init(&s, on_event, &r);
	int rc = 0, lines = 0;
	while (rc == 0 && lines < 10) {
		rc = sse_feed(&s, line, LINE + 6);
		lines++;
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(lines, 8);
	ck_assert_int_eq(r.count, 0);
	sse_release(&s);
	free(line);
}
END_TEST

/* ---- fuzz ---- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	/* xorshift64*: deterministic and independent of the C library. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static uint32_t below(uint32_t n)
{
	return rng() % n;
}

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static const char *const eols[] = {"\n", "\r", "\r\n"};

/* Bytes that are not line ends, with NUL, colons, spaces, invalid UTF-8. */
static void random_text(struct buf *b, size_t max)
{
	static const char alpha[] = "ab :{}\"\0\xff\xc3\xef\xbb\xbf\t9";
	size_t n = below((uint32_t)max + 1);
	put(b, "", 0); /* allocated even when empty */
	for (size_t i = 0; i < n; i++)
		put(b, &alpha[below(sizeof alpha - 1)], 1);
}

static void random_stream(struct buf *b)
{
	static const char *const starts[] = {"", "", "", "\xef\xbb\xbf", "\xef", "\xef\xbb",
					     "\xef\xbb\xbf\xef\xbb\xbf", "\xef\n", "\r", "\n"};
	static const char *const fields[] = {"data", "data", "data", "event", "id", "retry",
					     "", "dat", "DATA", "foo", ":", "data ", "id\0"};
	static const char *const seps[] = {":", ": ", ":  ", "", "::"};
	puts_(b, starts[below(sizeof starts / sizeof starts[0])]);
	int lines = (int)below(40);
	for (int i = 0; i < lines; i++) {
		switch (below(8)) {
		case 0:
			break; /* a blank line */
		case 1: /* raw garbage, line ends and all */
			for (int k = (int)below(12); k > 0; k--) {
				char c = (char)below(256);
				put(b, &c, 1);
			}
			break;
		case 2: {
			char num[24];
			snprintf(num, sizeof num, "retry: %u", rng() >> below(32));
			puts_(b, num);
			break;
		}
		default: {
			uint32_t f = below(sizeof fields / sizeof fields[0]);
			put(b, fields[f], f == 12 ? 3 : strlen(fields[f]));
			puts_(b, seps[below(sizeof seps / sizeof seps[0])]);
			random_text(b, 20);
			break;
		}
		}
		puts_(b, eols[below(3)]);
	}
	if (below(2))
		random_text(b, 8); /* an unfinished tail */
}

/* A plain reference parser over a whole stream: no buffering, no speed. */
static void reference(const char *in, size_t n, struct rec *r, uint32_t *retry)
{
	size_t i = 0;
	if (n >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	struct buf data = {0}, type = {0}, id = {0};
	*retry = 0;
	put(&type, "", 0);
	put(&id, "", 0);
	while (i < n) {
		size_t e = i;
		while (e < n && in[e] != '\n' && in[e] != '\r')
			e++;
		if (e == n)
			break; /* an unfinished line */
		const char *line = in + i;
		size_t len = e - i;
		i = e + 1;
		if (in[e] == '\r' && i < n && in[i] == '\n')
			i++;
		if (len == 0) {
			if (data.len) {
				data.len--;
				type.p[type.len] = '\0';
				id.p[id.len] = '\0';
				/* A type is a C string: one cut empty by a NUL is "message". */
				rec_event(r, type.p[0] ? type.p : "message", data.p, data.len, id.p);
			}
			data.len = 0;
			type.len = 0;
			continue;
		}
		if (line[0] == ':')
			continue;
		size_t f = 0;
		while (f < len && line[f] != ':')
			f++;
		size_t v = f < len ? f + 1 : len;
		if (v < len && line[v] == ' ')
			v++;
		if (f == 4 && memcmp(line, "data", 4) == 0) {
			put(&data, line + v, len - v);
			put(&data, "\n", 1);
		} else if (f == 5 && memcmp(line, "event", 5) == 0) {
			type.len = 0;
			put(&type, line + v, len - v);
		} else if (f == 2 && memcmp(line, "id", 2) == 0 && !memchr(line + v, 0, len - v)) {
			id.len = 0;
			put(&id, line + v, len - v);
		} else if (f == 5 && memcmp(line, "retry", 5) == 0 && v < len) {
			uint64_t ms = 0;
			size_t k = v;
			for (; k < len && line[k] >= '0' && line[k] <= '9'; k++)
				ms = ms * 10 + (uint64_t)(line[k] - '0') > UINT32_MAX
					     ? UINT32_MAX
					     : ms * 10 + (uint64_t)(line[k] - '0');
			if (k == len)
				*retry = (uint32_t)ms;
		}
	}
	free(data.p);
	free(type.p);
	free(id.p);
}

static void random_splits(size_t *sizes, size_t max)
{
	size_t k = 0;
	for (; k + 1 < max; k++)
		sizes[k] = below(4) == 0 ? 1 : 1 + below(below(2) ? 8 : 64);
	sizes[k] = 0;
}

static void same(const struct rec *a, const struct rec *b, const char *what, int iter)
{
	ck_assert_msg(a->count == b->count && a->len == b->len &&
			      (a->len == 0 || memcmp(a->buf, b->buf, a->len) == 0),
		      "iteration %d: %s: %d events, expected %d", iter, what, a->count,
		      b->count);
}

START_TEST(test_fuzz_splits)
{
	rng_state = 0x9e3779b97f4a7c15ULL;
	static const size_t ones[] = {1, 0};
	for (int it = 0; it < 2000; it++) {
		struct buf b = {0};
		random_stream(&b);
		struct rec whole = {0}, split = {0}, bytes = {0}, ref = {0};
		uint32_t rw, rs, rb, rr;
		char iw[64], is[64], ib[64];
		size_t sizes[16];
		random_splits(sizes, sizeof sizes / sizeof sizes[0]);
		ck_assert_int_eq(parse(b.p, b.len, NULL, &whole, &rw, iw, sizeof iw), 0);
		ck_assert_int_eq(parse(b.p, b.len, sizes, &split, &rs, is, sizeof is), 0);
		ck_assert_int_eq(parse(b.p, b.len, ones, &bytes, &rb, ib, sizeof ib), 0);
		reference(b.p, b.len, &ref, &rr);
		same(&split, &whole, "random split vs whole", it);
		same(&bytes, &whole, "1-byte feeds vs whole", it);
		same(&whole, &ref, "whole vs the reference parser", it);
		ck_assert_uint_eq(rs, rw);
		ck_assert_uint_eq(rb, rw);
		ck_assert_uint_eq(rr, rw);
		ck_assert_str_eq(is, iw);
		ck_assert_str_eq(ib, iw);
		free(whole.buf);
		free(split.buf);
		free(bytes.buf);
		free(ref.buf);
		free(b.p);
	}
}
END_TEST

/* Well-formed streams built from known events parse back to those events,
 * fed in random pieces. */
START_TEST(test_fuzz_roundtrip)
{
	rng_state = 0x2545f4914f6cdd1dULL;
	for (int it = 0; it < 2000; it++) {
		struct buf b = {0}, id = {0}, gen = {0};
		struct rec want = {0}, got = {0};
		put(&id, "", 1); /* the id the parser must report, NUL-terminated */
		if (below(4) == 0)
			puts_(&b, "\xef\xbb\xbf");
		int events = (int)below(8);
		for (int e = 0; e < events; e++) {
			const char *eol = eols[below(3)];
			if (below(3) == 0) {
				puts_(&b, ": comment");
				puts_(&b, eol);
			}
			struct buf type = {0};
			if (below(2)) {
				random_text(&type, 12);
				puts_(&b, "event: ");
				put(&b, type.p, type.len);
				puts_(&b, eol);
			}
			put(&type, "", 1);
			if (below(3) == 0) {
				gen.len = 0;
				random_text(&gen, 10);
				puts_(&b, "id: ");
				put(&b, gen.p, gen.len);
				puts_(&b, eol);
				/* An id holding a NUL is ignored: the last one stays. */
				if (!memchr(gen.p, '\0', gen.len)) {
					id.len = 0;
					put(&id, gen.p, gen.len);
					put(&id, "", 1);
				}
			}
			struct buf data = {0};
			int lines = 1 + (int)below(3);
			for (int l = 0; l < lines; l++) {
				size_t at = data.len;
				random_text(&data, 30);
				int spaced = data.len > at && data.p[at] == ' ';
				puts_(&b, spaced || below(2) ? "data: " : "data:");
				put(&b, data.p + at, data.len - at);
				puts_(&b, eol);
				if (l + 1 < lines)
					put(&data, "\n", 1);
			}
			if (below(2))
				puts_(&b, "retry: 10");
			else
				puts_(&b, "bogus: field");
			puts_(&b, eol);
			puts_(&b, eol);
			/* The parser's type is a C string: it stops at a NUL. */
			rec_event(&want, type.p[0] ? type.p : "message", data.p ? data.p : "",
				  data.len, id.p);
			free(type.p);
			free(data.p);
		}
		if (below(2))
			puts_(&b, "data: unfinished\n");
		size_t sizes[16];
		random_splits(sizes, sizeof sizes / sizeof sizes[0]);
		ck_assert_int_eq(parse(b.p, b.len, sizes, &got, NULL, NULL, 0), 0);
		same(&got, &want, "random split vs the generated events", it);
		free(want.buf);
		free(got.buf);
		free(id.p);
		free(gen.p);
		free(b.p);
	}
}
END_TEST

Suite *suite_sse(void)
{
	Suite *s = suite_create("sse");
	TCase *tc = tcase_create("spec");
	tcase_add_loop_test(tc, test_cases, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_crlf_across_feeds);
	tcase_add_test(tc, test_stop_value);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_line_limit);
	tcase_add_test(tc, test_data_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("fuzz");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fuzz_splits);
	tcase_add_test(tc, test_fuzz_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}
