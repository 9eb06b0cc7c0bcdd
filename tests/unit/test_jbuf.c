/* The runtime's JSON writer: it must write what json_dumps writes. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "jbuf.h"

static char *written(const json_t *v)
{
	struct jbuf b = {0};
	jb_json(&b, v);
	return jb_take(&b, NULL);
}

static const char *const docs[] = {
	"{}", "[]", "null", "true", "false", "0", "-42", "9223372036854775807", "1.5", "1e300",
	"-0.0", "\"\"", "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f/\"", "\"\\u00e9\\u20ac\\ud83d\\ude00\"",
	"{\"b\":1,\"a\":[1,2,{\"c\":null}],\"k\\n\":\"v\\u0000\"}",
	"[[[[[]]]],{\"x\":{\"y\":{\"z\":[true,false,0.25]}}}]",
};

START_TEST(test_same_as_jansson)
{
	json_error_t je;
	json_t *v = json_loads(docs[_i], JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	ck_assert_msg(v != NULL, "%s: %s", docs[_i], je.text);
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	char *got = written(v);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	json_decref(v);
}
END_TEST

/* Random trees, with every byte value in strings. */
static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

static json_t *tree(unsigned *s, int depth)
{
	switch (rnd(s) % (depth > 4 ? 4 : 7)) {
	case 0: return json_integer((json_int_t)rnd(s) - 30000);
	case 1: return json_real((double)rnd(s) / 7.0);
	case 2: return rnd(s) & 1 ? json_true() : json_null();
	case 3: {
		char buf[16];
		size_t n = rnd(s) % sizeof buf;
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)(rnd(s) % 0x7f + 1);
		return json_stringn(buf, n);
	}
	case 4:
	case 5: {
		json_t *a = json_array();
		for (unsigned i = rnd(s) % 4; i; i--)
			json_array_append_new(a, tree(s, depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (unsigned i = rnd(s) % 4; i; i--) {
			char key[8];
			snprintf(key, sizeof key, "k%u", rnd(s) % 100);
			json_object_set_new(o, key, tree(s, depth + 1));
		}
		return o;
	}
	}
}

START_TEST(test_random_trees)
{
	unsigned seed = 7;
	for (int i = 0; i < 500; i++) {
		json_t *v = tree(&seed, 0);
		char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		char *got = written(v);
		ck_assert_str_eq(got, want);
		free(want);
		free(got);
		json_decref(v);
	}
}
END_TEST

START_TEST(test_text_not_utf8)
{
	struct jbuf b = {0};
	jb_text(&b, "a\xff" "b\xc3" "\x28\xe2\x82\xac\0z", 10);
	char *s = jb_take(&b, NULL);
	ck_assert_str_eq(s, "\"a\\uFFFDb\\uFFFD(\xe2\x82\xac\\u0000z\"");
	json_t *v = json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	ck_assert_ptr_nonnull(v); /* what we write always reads back */
	json_decref(v);
	free(s);
}
END_TEST

START_TEST(test_consume_and_take)
{
	struct jbuf b = {0};
	jb_str(&b, "hello ");
	jb_str(&b, "world");
	jb_consume(&b, 6);
	size_t n;
	char *s = jb_take(&b, &n);
	ck_assert_str_eq(s, "world");
	ck_assert_uint_eq(n, 5);
	free(s);
	ck_assert_ptr_null(jb_take(&b, &n));
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* A reservation grows the buffer once; what fits after it moves nothing. */
START_TEST(test_reserve)
{
	struct jbuf b = {0};
	jb_str(&b, "head,");
	jb_consume(&b, 5);
	jb_reserve(&b, 100000);
	ck_assert_uint_ge(b.cap, 100001);
	ck_assert_uint_eq(b.head, 0);
	ck_assert_uint_eq(b.len, 0);
	char *p = b.p;
	size_t cap = b.cap;
	for (int i = 0; i < 10000; i++)
		jb_str(&b, "0123456789");
	ck_assert_ptr_eq(b.p, p);
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_mem_eq(b.p + 99990, "0123456789", 11);
	jb_release(&b);
}
END_TEST

Suite *suite_jbuf(void)
{
	Suite *s = suite_create("jbuf");
	TCase *tc = tcase_create("jbuf");
	tcase_add_loop_test(tc, test_same_as_jansson, 0, sizeof docs / sizeof docs[0]);
	tcase_add_test(tc, test_random_trees);
	tcase_add_test(tc, test_text_not_utf8);
	tcase_add_test(tc, test_consume_and_take);
	tcase_add_test(tc, test_reserve);
	suite_add_tcase(s, tc);
	return s;
}
