/* test_yml.c - the YAML loader: locations, scalar styles, and hostile input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "yml.h"
#include "testutil.h"


/* Syntax and hostile inputs: NULL and exactly this diagnostic. */
static const struct {
	const char *src;
	size_t len;
	unsigned base;
	const char *diag;
} bad[] = {
	{"a: b\nc d\ne: f\n", 0, 0,
	 "m.yml:2:1: error: invalid YAML: could not find expected ':' after this key\n"},
	{"a: b\nc d\ne: f\n", 0, 1,
	 "m.yml:3:1: error: invalid YAML: could not find expected ':' after this key\n"},
	{"a: [1, 2\n", 0, 0,
	 "m.yml:2:1: error: invalid YAML: did not find expected ',' or ']'\n"
	 "m.yml:1:4: note: while parsing a flow sequence\n"},
	{"a: \"x\0y\"\n", 9, 0, "m.yml:1:6: error: invalid YAML: control characters are not allowed (#x0)\n"},
	{"a: b\nc: \xff\n", 0, 2, "m.yml:4:4: error: invalid YAML: invalid leading UTF-8 octet (#xFF)\n"},
	{"a: *nope\n", 0, 0, "m.yml:1:4: error: undefined YAML alias 'nope'\n"},
	{"a: &x [*x]\n", 0, 0, "m.yml:1:8: error: undefined YAML alias 'x'\n"},
	{"a: 1\n---\nb: 2\n", 0, 0, "m.yml:2:1: error: expected one YAML document, found another\n"},
	{"a: 1\n\tb: 2\n", 0, 0, NULL},
};

START_TEST(test_bad)
{
	struct tu_cap c;
	tu_cap_open(&c);
	size_t len = bad[_i].len ? bad[_i].len : strlen(bad[_i].src);
	struct yml_node *n = yml_load(&c.a, &c.d, "m.yml", bad[_i].src, len, bad[_i].base);
	ck_assert_ptr_null(n);
	ck_assert_int_gt(c.d.errors, 0);
	if (bad[_i].diag)
		ck_assert_str_eq(tu_cap_text(&c), bad[_i].diag);
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_locations)
{
	struct tu_cap c;
	tu_cap_open(&c);
	const char *src = "name: x\nlist:\n  - 'q'\n  - |\n    block\nnum: 12\n";
	struct yml_node *n = yml_load(&c.a, &c.d, "f", src, strlen(src), 1);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->kind, YML_MAP);
	ck_assert_uint_eq(n->n_items, 6);
	ck_assert_uint_eq(n->items[0]->line, 2);
	ck_assert_uint_eq(n->items[0]->col, 1);
	const struct yml_node *v = yml_get(n, "name");
	ck_assert_str_eq(v->text, "x");
	ck_assert_uint_eq(v->line, 2);
	ck_assert_uint_eq(v->col, 7);
	ck_assert(!v->quoted);
	const struct yml_node *l = yml_get(n, "list");
	ck_assert_int_eq(l->kind, YML_SEQ);
	ck_assert_uint_eq(l->n_items, 2);
	ck_assert(l->items[0]->quoted);
	ck_assert(l->items[1]->quoted);
	ck_assert_str_eq(l->items[1]->text, "block\n");
	ck_assert_uint_eq(l->items[1]->line, 5);
	ck_assert_str_eq(yml_kind_name(l), "list");
	ck_assert_str_eq(yml_kind_name(n), "mapping");
	ck_assert_str_eq(yml_kind_name(v), "string");
	ck_assert_ptr_null(yml_get(n, "nope"));
	ck_assert_ptr_null(yml_get(v, "name"));
	ck_assert_str_eq(tu_cap_text(&c), "");
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_scalars)
{
	struct tu_cap c;
	tu_cap_open(&c);
	const char *src = "a: \"x\\0y\"\nb: !!str 12\nc:\nd: a\nd: b\n";
	struct yml_node *n = yml_load(&c.a, &c.d, "f", src, strlen(src), 0);
	ck_assert_ptr_nonnull(n);
	const struct yml_node *v = yml_get(n, "a");
	ck_assert_uint_eq(v->len, 3);
	ck_assert(memcmp(v->text, "x\0y", 3) == 0);
	ck_assert(yml_get(n, "b")->quoted);
	ck_assert_uint_eq(yml_get(n, "c")->len, 0);
	ck_assert(!yml_get(n, "c")->quoted);
	ck_assert_str_eq(yml_get(n, "d")->text, "b"); /* last wins */
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_empty_and_json)
{
	struct tu_cap c;
	tu_cap_open(&c);
	struct yml_node *n = yml_load(&c.a, &c.d, "f", "", 0, 3);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->kind, YML_MAP);
	ck_assert_uint_eq(n->n_items, 0);
	ck_assert_uint_eq(n->line, 4);
	n = yml_load(&c.a, &c.d, "f", "# only a comment\n", 17, 0);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->kind, YML_MAP);
	const char *json = "{\n\t\"tools\": [\n\t\t{\"name\": \"x\", \"n\": 1}\n\t]\n}\n";
	n = yml_load(&c.a, &c.d, "f.json", json, strlen(json), 0);
	ck_assert_ptr_nonnull(n);
	const struct yml_node *t = yml_get(n, "tools");
	ck_assert_int_eq(t->kind, YML_SEQ);
	ck_assert_str_eq(yml_get(t->items[0], "name")->text, "x");
	ck_assert(yml_get(t->items[0], "name")->quoted);
	ck_assert_uint_eq(yml_get(t->items[0], "n")->line, 3);
	ck_assert_str_eq(tu_cap_text(&c), "");
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_alias_shared)
{
	struct tu_cap c;
	tu_cap_open(&c);
	const char *src = "base: &b {k: v}\nuse: *b\n";
	struct yml_node *n = yml_load(&c.a, &c.d, "f", src, strlen(src), 0);
	ck_assert_ptr_nonnull(n);
	ck_assert_ptr_eq(yml_get(n, "base"), yml_get(n, "use"));
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_billion_laughs)
{
	struct tu_cap c;
	tu_cap_open(&c);
	const char *src = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
			  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
			  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
			  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
			  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
			  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
			  "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
			  "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
			  "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	struct yml_node *n = yml_load(&c.a, &c.d, "f", src, strlen(src), 0);
	ck_assert_ptr_null(n);
	ck_assert(strstr(tu_cap_text(&c), "error: YAML document is too large") != NULL);
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_deep)
{
	struct tu_cap c;
	tu_cap_open(&c);
	size_t n = 200000;
	char *src = malloc(n);
	memset(src, '[', n);
	struct yml_node *r = yml_load(&c.a, &c.d, "f", src, n, 0);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(tu_cap_text(&c), "f:1:65: error: YAML nesting is deeper than 64 levels\n");
	/* 64 levels is fine */
	char ok[200];
	memset(ok, '[', 64);
	memset(ok + 64, ']', 64);
	r = yml_load(&c.a, &c.d, "f", ok, 128, 0);
	ck_assert_ptr_nonnull(r);
	free(src);
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_big_value)
{
	struct tu_cap c;
	tu_cap_open(&c);
	size_t n = 1 << 20;
	char *src = malloc(n + 16);
	memcpy(src, "k: ", 3);
	memset(src + 3, 'x', n);
	src[n + 3] = '\n';
	struct yml_node *r = yml_load(&c.a, &c.d, "f", src, n + 4, 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(yml_get(r, "k")->len, n);
	free(src);
	/* a big scalar aliased many times is charged for its text each time */
	src = malloc(n + 1000);
	char *w = src + sprintf(src, "k: &k ");
	memset(w, 'x', n);
	w += n;
	w += sprintf(w, "\nl: [");
	for (int i = 0; i < 100; i++)
		w += sprintf(w, "*k, ");
	strcpy(w, "]\n");
	r = yml_load(&c.a, &c.d, "f", src, strlen(src), 0);
	ck_assert_ptr_null(r);
	ck_assert(strstr(tu_cap_text(&c), "f:2:") != NULL);
	ck_assert(strstr(tu_cap_text(&c), "error: YAML document is too large") != NULL);
	free(src);
	tu_cap_close(&c);
}
END_TEST

Suite *suite_yml(void)
{
	Suite *s = suite_create("yml");
	TCase *tc = tcase_create("yml");
	tcase_add_loop_test(tc, test_bad, 0, sizeof bad / sizeof bad[0]);
	tcase_add_test(tc, test_locations);
	tcase_add_test(tc, test_scalars);
	tcase_add_test(tc, test_empty_and_json);
	tcase_add_test(tc, test_alias_shared);
	tcase_add_test(tc, test_billion_laughs);
	tcase_add_test(tc, test_deep);
	tcase_add_test(tc, test_big_value);
	suite_add_tcase(s, tc);
	return s;
}
