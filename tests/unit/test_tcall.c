/* test_tcall.c - text-mode tool calls: the lenient reader, finding a call in
 * a reply, the prompt, and hostile input (fuzzing, deep nesting, size). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcall.h"

static bool known(void *ud, const char *name)
{
	(void)ud;
	return strcmp(name, "search") == 0 || strcmp(name, "read_file") == 0;
}

/* Copies into a buffer of exactly n bytes, so ASan catches any read past n. */
static char *exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(p);
	memcpy(p, s, n);
	return p;
}

static long find_bytes(const char *hay, size_t n, const char *needle, size_t k)
{
	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return (long)i;
	return -1;
}

static char *dump(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

#define T(text, name, args, span) {text, sizeof text - 1, name, args, span}

/* A reply, the call found in it (NULL name when none), its arguments as
 * compact sorted JSON, and the text its span should cover ("" for all). */
static const struct {
	const char *text;
	size_t len;
	const char *name, *args, *span;
} finds[] = {
	/* plain fenced JSON */
	T("```json\n{\"tool\": \"search\", \"arguments\": {\"q\": \"cats\"}}\n```", "search",
	  "{\"q\":\"cats\"}", ""),
	T("Calling:\n```json\n{\"tool\": \"search\", \"arguments\": {}}\n```\nwait.", "search", "{}",
	  "```json\n{\"tool\": \"search\", \"arguments\": {}}\n```"),
	T("~~~tool_call\n{\"tool\": \"read_file\", \"args\": {\"path\": \"a\"}}\n~~~", "read_file",
	  "{\"path\":\"a\"}", ""),
	/* prose around JSON */
	T("Sure, I'll search.\n{\"tool\":\"search\",\"arguments\":{\"q\":\"x\"}}\nThanks", "search",
	  "{\"q\":\"x\"}", "{\"tool\":\"search\",\"arguments\":{\"q\":\"x\"}}"),
	/* single quotes, trailing commas, unquoted keys, comments, Python */
	T("{'tool': 'search', 'arguments': {'q': 'it\\'s \"x\"'}}", "search",
	  "{\"q\":\"it's \\\"x\\\"\"}", ""),
	T("{\"tool\":\"search\",\"arguments\":{\"q\":\"a\",\"n\":[1,2,],},}", "search",
	  "{\"n\":[1,2],\"q\":\"a\"}", ""),
	T("{tool: \"search\", arguments: {q: \"a\", $x_1: 2}}", "search", "{\"$x_1\":2,\"q\":\"a\"}", ""),
	T("```json\n// calling\n{\"tool\": \"search\", /* why */ \"arguments\": {\"q\": \"a\"}} // done\n```",
	  "search", "{\"q\":\"a\"}", ""),
	T("{'tool': 'search', 'arguments': {'a': True, 'b': False, 'c': None, 'd': -1.5}}", "search",
	  "{\"a\":true,\"b\":false,\"c\":null,\"d\":-1.5}", ""),
	/* the first candidate is invalid, a later one valid */
	T("{\"tool\":\"delete_all\",\"arguments\":{}} then {\"tool\":\"search\",\"arguments\":{\"q\":1}}",
	  "search", "{\"q\":1}", "{\"tool\":\"search\",\"arguments\":{\"q\":1}}"),
	T("```json\n[1,2]\n```\n```json\n{\"tool\":\"read_file\",\"args\":{\"path\":\"a\"}}\n```",
	  "read_file", "{\"path\":\"a\"}", "```json\n{\"tool\":\"read_file\",\"args\":{\"path\":\"a\"}}\n```"),
	T("{\"tool\": \"search\", \"arguments\": {\"q\": } }\n{\"name\":\"search\",\"input\":{\"q\":\"b\"}}",
	  "search", "{\"q\":\"b\"}", "{\"name\":\"search\",\"input\":{\"q\":\"b\"}}"),
	T("```\nnot json\n```\n{\"tool\":\"search\",\"parameters\":{\"q\":2}}", "search", "{\"q\":2}",
	  "{\"tool\":\"search\",\"parameters\":{\"q\":2}}"),
	T("{\"tool\": 7} {\"tool\": \"search\", \"arguments\": 3} {\"tool\": \"search\", \"arguments\": [1]} "
	  "{\"function\": \"search\"}",
	  "search", "{}", "{\"function\": \"search\"}"),
	/* arguments as a string, OpenAI style, lists of calls */
	T("{\"tool\":\"search\",\"arguments\":\"{\\\"q\\\": \\\"s\\\"}\"}", "search", "{\"q\":\"s\"}", ""),
	T("{\"tool\":\"search\",\"arguments\":\"\"}", "search", "{}", ""),
	T("{\"tool\":\"search\",\"arguments\":null}", "search", "{}", ""),
	T("{\"tool\":\"search\",\"arguments\":\"{\\\"q\\\": 1} trailing\"}", NULL, NULL, NULL),
	T("{\"tool\":\"search\",\"arguments\":\"[1]\"}", NULL, NULL, NULL),
	T("{\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"{\\\"path\\\":\\\"/x\\\"}\"}}",
	  "read_file", "{\"path\":\"/x\"}", ""),
	T("{\"tool_calls\":[{\"id\":\"1\",\"type\":\"function\",\"function\":{\"name\":\"search\",\"arguments\":\"{}\"}}]}",
	  "search", "{}", ""),
	T("```json\n[{\"tool\":\"nope\"},{\"tool\":\"search\",\"arguments\":{\"q\":\"l\"}},{\"tool\":\"read_file\"}]\n```",
	  "search", "{\"q\":\"l\"}", ""),
	/* braces and quotes inside strings, nesting */
	T("Look: {\"tool\":\"search\",\"arguments\":{\"q\":\"a } b { c \\\" }\"}} ok", "search",
	  "{\"q\":\"a } b { c \\\" }\"}", "{\"tool\":\"search\",\"arguments\":{\"q\":\"a } b { c \\\" }\"}}"),
	T("{\"tool\":\"search\",\"arguments\":{\"f\":{\"a\":{\"b\":[1,{\"c\":2}]}}}}", "search",
	  "{\"f\":{\"a\":{\"b\":[1,{\"c\":2}]}}}", ""),
	T("Plan { I'm calling {\"tool\":\"search\",\"arguments\":{}}", "search", "{}",
	  "{\"tool\":\"search\",\"arguments\":{}}"),
	/* an XML-ish wrapper is part of the span */
	T("ok <tool_call>\n{\"name\":\"search\",\"arguments\":{}}\n</tool_call> bye", "search", "{}",
	  "<tool_call>\n{\"name\":\"search\",\"arguments\":{}}\n</tool_call>"),
	/* fences come first; a fence closed on its last line runs to the end */
	T("{\"tool\":\"read_file\",\"arguments\":{}}\n```json\n{\"tool\":\"search\",\"arguments\":{}}\n```",
	  "search", "{}", "```json\n{\"tool\":\"search\",\"arguments\":{}}\n```"),
	T("```json\n{\"tool\":\"search\",\"arguments\":{}}```", "search", "{}", ""),
	T("Inline ```json {\"tool\":\"search\",\"arguments\":{}}``` here", "search", "{}",
	  "{\"tool\":\"search\",\"arguments\":{}}"),
	/* what lies inside a well-formed value is data, not a call */
	T("```json\n{\"tool\":\"nope\",\"arguments\":{\"tool\":\"search\"}}\n```", NULL, NULL, NULL),
	T("{\"tool\":\"nope\",\"arguments\":{\"tool\":\"search\"}}", NULL, NULL, NULL),
	/* escapes */
	T("{\"tool\":\"search\",\"arguments\":{\"q\":\"\\u00e9\\ud83d\\ude00\\n\"}}", "search",
	  "{\"q\":\"\xc3\xa9\xf0\x9f\x98\x80\\n\"}", ""),
	T("{\"tool\":\"search\",\"arguments\":{\"q\":\"\\ud83d\"}}", NULL, NULL, NULL),
	T("{\"tool\":\"search\",\"arguments\":{\"q\":\"\\u0000\"}}", NULL, NULL, NULL),
	/* nothing to find */
	T("Hello, no tools needed.", NULL, NULL, NULL),
	T("{\"tool\":\"rm_rf\",\"arguments\":{}}", NULL, NULL, NULL),
	T("", NULL, NULL, NULL),
	T("{\"tool\":\"searchsearchsearchsearchsearchsearchsearchsearchsearchsearchsearchsearchsearch"
	  "searchsearchsearchsearchsearchsearchsearchsearchsearchsearchsearchsearch\"}",
	  NULL, NULL, NULL),
	T("{\"tool\":\"search\",\"arguments\":{\"q\":1}", NULL, NULL, NULL),
	T("}}} {{{ \"tool\" ", NULL, NULL, NULL),
	/* NUL bytes and invalid UTF-8 */
	T("abc\0def {\"tool\":\"search\",\"arguments\":{}}\0", "search", "{}",
	  "{\"tool\":\"search\",\"arguments\":{}}"),
	T("{\"tool\":\"search\",\"arguments\":{\"q\":\"a\0b\"}}", NULL, NULL, NULL),
	T("{\"tool\":\"search\",\"arguments\":{\"q\":\"\xff\"}}", NULL, NULL, NULL),
	T("{\"tool\":\"search\",\"arguments\":{\"q\":\"\xed\xa0\x80\"}}", NULL, NULL, NULL),
	T("{\"tool\":\"search\",\"arguments\":{\"q\":\"\xc3\"}} {\"tool\":\"read_file\",\"arguments\":{}}",
	  "read_file", "{}", "{\"tool\":\"read_file\",\"arguments\":{}}"),
};

START_TEST(test_find)
{
	const char *text = finds[_i].text;
	size_t n = finds[_i].len;
	char *buf = exact(text, n);
	struct tcall c;
	int rc = tcall_find(buf, n, known, NULL, &c);
	if (!finds[_i].name) {
		ck_assert_msg(rc == 0, "case %d: found '%s'", _i, c.name);
		ck_assert_ptr_null(c.args);
	} else {
		ck_assert_msg(rc == 1, "case %d: no call found", _i);
		ck_assert_str_eq(c.name, finds[_i].name);
		ck_assert(json_is_object(c.args));
		char *a = dump(c.args);
		ck_assert_str_eq(a, finds[_i].args);
		free(a);
		const char *span = finds[_i].span;
		size_t k = *span ? strlen(span) : n;
		long at = *span ? find_bytes(text, n, span, k) : 0;
		ck_assert_msg(at >= 0, "case %d: bad test span", _i);
		ck_assert_uint_eq(c.start, (size_t)at);
		ck_assert_uint_eq(c.end, (size_t)at + k);
	}
	tcall_release(&c);
	tcall_release(&c); /* twice is harmless */
	free(buf);
}
END_TEST

START_TEST(test_find_edges)
{
	struct tcall c;
	ck_assert_int_eq(tcall_find(NULL, 10, known, NULL, &c), 0);
	ck_assert_ptr_null(c.args);
	/* Without a predicate every name is taken. */
	const char *t = "{\"tool\":\"anything\"}";
	ck_assert_int_eq(tcall_find(t, strlen(t), NULL, NULL, &c), 1);
	ck_assert_str_eq(c.name, "anything");
	tcall_release(&c);
	/* A cut text: the call lies past n. */
	ck_assert_int_eq(tcall_find(t, strlen(t) - 1, NULL, NULL, &c), 0);
	tcall_release(NULL);
}
END_TEST

#define P(text, want, used) {text, sizeof text - 1, want, used}

/* Input, its value as compact sorted JSON (NULL when rejected), bytes used. */
static const struct {
	const char *text;
	size_t len;
	const char *want;
	size_t used;
} parses[] = {
	P("  42 rest", "42", 4),
	P("-7", "-7", 2),
	P("+5", "5", 2),
	P("1.5e3", "1500.0", 5),
	P("2.", "2.0", 2),
	P("99999999999999999999", "1e20", 20),
	P("1e999", NULL, 0),
	P("-", NULL, 0),
	P("'a\\'b'", "\"a'b\"", 6),
	P("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\\"\\\\/\\b\\f\\n\\r\\t\"", 18),
	P("\"\xe2\x82\xac\"", "\"\xe2\x82\xac\"", 5),
	P("{a:1,}", "{\"a\":1}", 6),
	P("[1,2,]", "[1,2]", 6),
	P("{\"a\":1,\"a\":2}", "{\"a\":2}", 13),
	P("{'a':{'b':[]}}  ", "{\"a\":{\"b\":[]}}", 14),
	P("True", "true", 4),
	P("False", "false", 5),
	P("None", "null", 4),
	P("Truex", NULL, 0),
	P("/* c */ null // x", "null", 12),
	P("// only a comment", NULL, 0),
	P("/* unterminated", NULL, 0),
	P("\"\\ud83d\"", NULL, 0),
	P("\"\\udc00\"", NULL, 0),
	P("\"\\ud83dx\"", NULL, 0),
	P("\"\\u0000\"", NULL, 0),
	P("\"\\u12\"", NULL, 0),
	P("\"a\\qb\"", NULL, 0),
	P("\"abc", NULL, 0),
	P("\"\\", NULL, 0),
	P("\"\xc3\"", NULL, 0),
	P("\"\xc0\xaf\"", NULL, 0),
	P("\"a\0b\"", NULL, 0),
	P("\0", NULL, 0),
	P("", NULL, 0),
	P("{\"a\" 1}", NULL, 0),
	P("{\"a\":}", NULL, 0),
	P("{,}", NULL, 0),
	P("[1 2]", NULL, 0),
	P("[,]", NULL, 0),
	P("{1:2}", NULL, 0),
	P("undefined", NULL, 0),
};

START_TEST(test_parse)
{
	size_t n = parses[_i].len, used = 99;
	char *buf = exact(parses[_i].text, n);
	json_t *v = tcall_parse_value(buf, n, &used);
	if (!parses[_i].want) {
		ck_assert_msg(v == NULL, "case %d: accepted", _i);
		ck_assert_uint_eq(used, 0);
	} else {
		ck_assert_msg(v != NULL, "case %d: rejected", _i);
		char *d = dump(v);
		ck_assert_str_eq(d, parses[_i].want);
		free(d);
		ck_assert_uint_eq(used, parses[_i].used);
	}
	json_decref(v);
	free(buf);
}
END_TEST

START_TEST(test_parse_kinds)
{
	json_t *v = tcall_parse_value("9223372036854775807", 19, NULL);
	ck_assert(json_is_integer(v));
	ck_assert(json_integer_value(v) == INT64_MAX);
	json_decref(v);
	v = tcall_parse_value("9223372036854775808", 19, NULL);
	ck_assert(json_is_real(v));
	json_decref(v);
	v = tcall_parse_value("3.0", 3, NULL);
	ck_assert(json_is_real(v));
	json_decref(v);
	ck_assert_ptr_null(tcall_parse_value(NULL, 5, NULL));
}
END_TEST

/* n brackets deep: c repeated, a value, then the closers. */
static char *nested(int n, char open, char close, size_t *len)
{
	char *s = malloc((size_t)n * 2 + 1);
	ck_assert_ptr_nonnull(s);
	memset(s, open, (size_t)n);
	s[n] = '1';
	memset(s + n + 1, close, (size_t)n);
	*len = (size_t)n * 2 + 1;
	return s;
}

START_TEST(test_depth)
{
	size_t len, used;
	char *s = nested(TCALL_MAX_DEPTH, '[', ']', &len);
	json_t *v = tcall_parse_value(s, len, &used);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(used, len);
	json_decref(v);
	free(s);
	s = nested(TCALL_MAX_DEPTH + 1, '[', ']', &len);
	ck_assert_ptr_null(tcall_parse_value(s, len, &used));
	free(s);
	s = nested(200000, '[', ']', &len);
	ck_assert_ptr_null(tcall_parse_value(s, len, &used));
	free(s);

	/* A call whose arguments nest k deep: the call is at depth k + 1. */
	for (int k = TCALL_MAX_DEPTH - 1; k <= TCALL_MAX_DEPTH + 40; k += 41) {
		static const char head[] = "{\"tool\":\"search\",\"arguments\":";
		size_t n = sizeof head - 1 + (size_t)k * 5 + 1 + (size_t)k + 1;
		char *t = malloc(n), *p = t;
		memcpy(p, head, sizeof head - 1);
		p += sizeof head - 1;
		for (int i = 0; i < k; i++, p += 5)
			memcpy(p, "{\"a\":", 5);
		*p++ = '1';
		memset(p, '}', (size_t)k + 1);
		struct tcall c;
		int rc = tcall_find(t, n, known, NULL, &c);
		ck_assert_int_eq(rc, k + 1 <= TCALL_MAX_DEPTH);
		tcall_release(&c);
		free(t);
	}
}
END_TEST

/* CPU time, not wall time: what a quadratic search would burn, unchanged
 * when other processes share the cores. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Texts built to make a naive search quadratic or deeply recursive. */
START_TEST(test_hostile_time)
{
	static const char call[] = " {\"tool\":\"search\",\"arguments\":{}}";
	const size_t k = 100000;
	char *t = malloc(2 * k + sizeof call);
	struct tcall c;
	double t0;

	memset(t, '{', k);
	t0 = now();
	ck_assert_int_eq(tcall_find(t, k, known, NULL, &c), 0);
	/* The call nests in braces that never close, and is still found. */
	memcpy(t + k, call, sizeof call - 1);
	ck_assert_int_eq(tcall_find(t, k + sizeof call - 1, known, NULL, &c), 1);
	ck_assert_uint_eq(c.start, k + 1);
	tcall_release(&c);
	/* Balanced and deep: every span fails at the depth limit. */
	memset(t + k, '}', k);
	ck_assert_int_eq(tcall_find(t, 2 * k, known, NULL, &c), 0);
	/* Many small spans, and many unclosed strings. */
	for (size_t i = 0; i < 2 * k; i += 2)
		memcpy(t + i, "{}", 2);
	ck_assert_int_eq(tcall_find(t, 2 * k, known, NULL, &c), 0);
	for (size_t i = 0; i < 2 * k; i += 2)
		memcpy(t + i, "{\"", 2);
	ck_assert_int_eq(tcall_find(t, 2 * k, known, NULL, &c), 0);
	/* Many fences. */
	for (size_t i = 0; i + 4 <= 2 * k; i += 4)
		memcpy(t + i, "```\n", 4);
	ck_assert_int_eq(tcall_find(t, 2 * k, known, NULL, &c), 0);
	double spent = now() - t0;
	ck_assert_msg(spent < 3.0, "took %.2f s of CPU", spent);
	free(t);
}
END_TEST

START_TEST(test_huge)
{
	static const char call[] = "{\"tool\":\"search\",\"arguments\":{}}";
	size_t n = (size_t)TCALL_MAX_TEXT * 2, k = sizeof call - 1;
	char *t = malloc(n);
	struct tcall c;
	memset(t, 'x', n);
	memcpy(t + 100, call, k);
	ck_assert_int_eq(tcall_find(t, n, known, NULL, &c), 1);
	ck_assert_uint_eq(c.start, 100);
	tcall_release(&c);
	memset(t, 'x', n);
	memcpy(t + TCALL_MAX_TEXT - k, call, k);
	ck_assert_int_eq(tcall_find(t, n, known, NULL, &c), 1);
	ck_assert_uint_eq(c.end, TCALL_MAX_TEXT);
	tcall_release(&c);
	memset(t, 'x', n);
	memcpy(t + TCALL_MAX_TEXT - k + 1, call, k);
	ck_assert_int_eq(tcall_find(t, n, known, NULL, &c), 0);
	memset(t, 'x', n);
	memcpy(t + TCALL_MAX_TEXT + 1000, call, k);
	ck_assert_int_eq(tcall_find(t, n, known, NULL, &c), 0);
	free(t);
}
END_TEST

START_TEST(test_candidate_limit)
{
	/* 70 broken candidates use up the budget before the good one. */
	static const char bad[] = "{\"tool\": } ", good[] = "{\"tool\":\"search\"}";
	char t[80 * sizeof bad + sizeof good];
	size_t n = 0;
	struct tcall c;
	for (int i = 0; i < TCALL_MAX_CANDIDATES - 1; i++, n += sizeof bad - 1)
		memcpy(t + n, bad, sizeof bad - 1);
	memcpy(t + n, good, sizeof good - 1);
	ck_assert_int_eq(tcall_find(t, n + sizeof good - 1, known, NULL, &c), 1);
	tcall_release(&c);
	memcpy(t + n, bad, sizeof bad - 1);
	n += sizeof bad - 1;
	memcpy(t + n, good, sizeof good - 1);
	ck_assert_int_eq(tcall_find(t, n + sizeof good - 1, known, NULL, &c), 0);
}
END_TEST

START_TEST(test_prompt)
{
	const char *names[] = {"search", "read_file"};
	const char *descs[] = {"Search the web.", NULL};
	const char *schemas[] = {"{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}", NULL};
	char *p = tcall_prompt(names, descs, schemas, 2);
	ck_assert_str_eq(p,
			 "You can call tools. To call one, reply with only a fenced JSON block:\n"
			 "```json\n"
			 "{\"tool\": \"NAME\", \"arguments\": {...}}\n"
			 "```\n"
			 "One call per reply; the result comes back in the next message. Tools:\n"
			 "- search: Search the web.\n"
			 "  arguments schema: {\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}\n"
			 "- read_file\n"
			 "  arguments schema: {\"type\": \"object\"}\n");
	/* The example's "{...}" is a placeholder, never taken for a call. */
	const char *ex = strstr(p, "```json");
	struct tcall c;
	ck_assert_int_eq(tcall_find(ex, strlen(ex), NULL, NULL, &c), 0);
	char *q = tcall_prompt(names, descs, schemas, 2);
	ck_assert_str_eq(p, q);
	free(q);
	free(p);
	p = tcall_prompt(NULL, NULL, NULL, 0);
	ck_assert_ptr_nonnull(strstr(p, "Tools:\n"));
	free(p);
}
END_TEST

/* ---- fuzzing ---- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static const char *const seeds[] = {
	"```json\n{\"tool\": \"search\", \"arguments\": {\"q\": \"cats\", \"n\": [1, 2.5, true]}}\n```",
	"Sure! {'tool': 'read_file', 'args': {'path': 'a\\'b', 'x': None,},}",
	"{\"type\":\"function\",\"function\":{\"name\":\"search\",\"arguments\":\"{\\\"q\\\":\\\"\\\\u00e9\\\"}\"}}",
	"<tool_call>\n{name: \"search\", /* c */ input: {q: \"}{\"}} // x\n</tool_call>",
	"~~~\n[{\"tool\":\"nope\"},{\"tool\":\"search\",\"parameters\":{\"q\":\"\\ud83d\\ude00\"}}]\n~~~\ntail",
	"{\"tool_calls\":[{\"function\":{\"name\":\"read_file\",\"arguments\":\"\"}}]} and {\"tool\":\"search\"}",
};

static bool fuzz_known(void *ud, const char *name)
{
	(void)ud;
	ck_assert_uint_lt(strlen(name), sizeof ((struct tcall *)0)->name);
	return known(NULL, name);
}

START_TEST(test_fuzz)
{
	static const char inserts[] = "\"'{}[],:\\/*\n`~ \0\xff\xc3";
	const size_t nseeds = sizeof seeds / sizeof seeds[0];
	char buf[1024];
	int found = 0;
	rng_state = 0x9e3779b97f4a7c15u;
	for (int it = 0; it < 4000; it++) {
		const char *seed = seeds[rng() % nseeds];
		size_t n = strlen(seed);
		memcpy(buf, seed, n);
		int muts = 1 + (int)(rng() % 6);
		for (int m = 0; m < muts; m++) {
			size_t at = n ? rng() % n : 0;
			switch (rng() % 6) {
			case 0: /* flip a byte */
				if (n)
					buf[at] = (char)rng();
				break;
			case 1: /* insert punctuation */
				if (n + 1 < sizeof buf) {
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = inserts[rng() % (sizeof inserts - 1)];
					n++;
				}
				break;
			case 2: /* delete a byte */
				if (n) {
					memmove(buf + at, buf + at + 1, n - at - 1);
					n--;
				}
				break;
			case 3: /* truncate */
				n = at;
				break;
			case 4: { /* splice in a piece of another seed */
				const char *o = seeds[rng() % nseeds];
				size_t on = strlen(o), from = rng() % on, k = rng() % (on - from + 1);
				if (n + k < sizeof buf) {
					memmove(buf + at + k, buf + at, n - at);
					memcpy(buf + at, o + from, k);
					n += k;
				}
				break;
			}
			default: /* duplicate a chunk */
				if (n && n * 2 < sizeof buf) {
					size_t k = rng() % (n - at + 1);
					memmove(buf + at + k, buf + at, n - at);
					n += k;
				}
				break;
			}
		}
		char *t = exact(buf, n);
		struct tcall c;
		if (tcall_find(t, n, fuzz_known, NULL, &c)) {
			found++;
			ck_assert(known(NULL, c.name));
			ck_assert(json_is_object(c.args));
			ck_assert(c.start <= c.end && c.end <= n);
		} else {
			ck_assert_ptr_null(c.args);
		}
		tcall_release(&c);
		size_t used;
		json_t *v = tcall_parse_value(t, n, &used);
		ck_assert(v ? used <= n : used == 0);
		json_decref(v);
		free(t);
	}
	/* The mutations leave many calls intact; a sanity check on the test. */
	ck_assert_int_gt(found, 400);
}
END_TEST

Suite *suite_tcall(void)
{
	Suite *s = suite_create("tcall");
	TCase *tc = tcase_create("tcall");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_find, 0, sizeof finds / sizeof finds[0]);
	tcase_add_test(tc, test_find_edges);
	tcase_add_loop_test(tc, test_parse, 0, sizeof parses / sizeof parses[0]);
	tcase_add_test(tc, test_parse_kinds);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_hostile_time);
	tcase_add_test(tc, test_huge);
	tcase_add_test(tc, test_candidate_limit);
	tcase_add_test(tc, test_prompt);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	return s;
}
