/* test_toml.c - the TOML loader: the tree it builds, strings, and TOML's table rules. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "toml.h"
#include "testutil.h"

/* A scalar at path "a.b.c" (map keys only), or NULL. */
static const struct yml_node *tt_at(const struct yml_node *n, const char *path)
{
	char key[64];
	while (n && *path) {
		size_t k = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)k, path);
		n = yml_get(n, key);
		path += k + (path[k] == '.');
	}
	return n;
}

/* Scalars: text, quoted, line and column. */
static const struct {
	const char *src, *path, *text;
	bool quoted;
	unsigned line, col;
} good[] = {
	{"a = \"x\\ty\\u00e9\"\n", "a", "x\ty\xC3\xA9", true, 1, 5},
	{"a = 'C:\\no'\n", "a", "C:\\no", true, 1, 5},
	{"a = \"\"\"\nl1 \\\n   l2\"\"\"\n", "a", "l1 l2", true, 1, 5},
	{"a = '''\nraw\\n\n'''\n", "a", "raw\\n\n", true, 1, 5},
	{"a = 1_000\n", "a", "1000", false, 1, 5},
	{"a = 0x1F\n", "a", "31", false, 1, 5},
	{"a = 0b101\n", "a", "5", false, 1, 5},
	{"a = -0\n", "a", "0", false, 1, 5},
	{"a = +1_0.5e2\n", "a", "10.5e2", false, 1, 5},
	{"a = true\n", "a", "true", false, 1, 5},
	{"a = 1979-05-27\n", "a", "1979-05-27", false, 1, 5},
	{"x.y.z = \"v\"\n", "x.y.z", "v", true, 1, 9},
	{"[t.u]\nk = 1\n", "t.u.k", "1", false, 2, 5},
	{"\"q k\" = 2\n", "q k", "2", false, 1, 9},
	{"i = { a.b = 1 }\n", "i.a.b", "1", false, 1, 13},
	{"[a.b.c]\n[a]\nd = 1\n", "a.d", "1", false, 3, 5},
	{"[p]\nx.y = 1\n[p.x.z]\nw = 2\n", "p.x.z.w", "2", false, 4, 5},
};

START_TEST(test_good)
{
	struct tu_cap c;
	tu_cap_open(&c);
	struct yml_node *n = toml_load(&c.a, &c.d, "m.toml", good[_i].src, strlen(good[_i].src));
	ck_assert_msg(n != NULL, "%s", tu_cap_text(&c));
	const struct yml_node *v = tt_at(n, good[_i].path);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->kind, YML_SCALAR);
	ck_assert_str_eq(v->text, good[_i].text);
	ck_assert_uint_eq(v->len, strlen(good[_i].text));
	ck_assert_int_eq(v->quoted, good[_i].quoted);
	ck_assert_uint_eq(v->line, good[_i].line);
	ck_assert_uint_eq(v->col, good[_i].col);
	ck_assert_int_eq(c.d.errors, 0);
	tu_cap_close(&c);
}
END_TEST

/* Broken documents: NULL and exactly this diagnostic (first line of it). */
static const struct {
	const char *src, *diag;
} bad[] = {
	{"a = 1\na = 2\n", "m.toml:2:1: error: duplicate key 'a'\nm.toml:1:1: note: first defined here\n"},
	{"[a]\n[a]\n", "m.toml:2:2: error: table '[a]' is defined twice\nm.toml:1:2: note: first defined here\n"},
	{"a.b = 1\n[a]\n", "m.toml:2:2: error: table '[a]' is already defined by a dotted key\n"
			   "m.toml:1:1: note: first defined here\n"},
	{"a = 1\na.b = 2\n", "m.toml:2:1: error: 'a' is already defined as a value, not a table\n"
			     "m.toml:1:1: note: first defined here\n"},
	{"[a]\nb.c = 1\n[a.b.c]\n", "m.toml:3:6: error: 'a.b.c' is already defined as a value, not a table\n"
				    "m.toml:2:3: note: first defined here\n"},
	{"x = {a = 1}\n[x.b]\n", "m.toml:2:2: error: 'x' is already defined as a value, not a table\n"
				 "m.toml:1:1: note: first defined here\n"},
	{"[t]\n[[t]]\n", "m.toml:2:3: error: '[[t]]' adds to 't', which is not an array of tables\n"
			 "m.toml:1:2: note: first defined here\n"},
	{"name = \n", "m.toml:1:7: error: invalid TOML: expected a value after '='\n"},
	{"[tools\n", "m.toml:1:7: error: invalid TOML: expected ']' to close the table header\n"},
	{"x = \"abc\n", "m.toml:1:5: error: invalid TOML: string is not closed on this line\n"},
	{"k = tru\n", "m.toml:1:5: error: invalid TOML: 'tru' is not a value; write strings in quotes\n"},
	{"a = \"x\" b = 2\n", "m.toml:1:8: error: invalid TOML: expected a new line after the value\n"},
	{"x = 99999999999999999999\n",
	 "m.toml:1:5: error: invalid TOML: integer '99999999999999999999' does not fit in 64 bits\n"},
	{"k = \"\\uD800\"\n", "m.toml:1:5: error: invalid TOML: escape '\\uD800' is not a Unicode scalar value\n"},
};

START_TEST(test_bad)
{
	struct tu_cap c;
	tu_cap_open(&c);
	struct yml_node *n = toml_load(&c.a, &c.d, "m.toml", bad[_i].src, strlen(bad[_i].src));
	ck_assert_ptr_null(n);
	ck_assert_str_eq(tu_cap_text(&c), bad[_i].diag);
	tu_cap_close(&c);
}
END_TEST

/* Arrays of tables and arrays keep their order; [[a]] then [a.b] goes to the last [[a]]. */
START_TEST(test_arrays)
{
	struct tu_cap c;
	tu_cap_open(&c);
	const char *src = "[[t]]\nn = 1\n[[t]]\nn = 2\n[t.sub]\nk = 3\nl = [1, 'a', [2], {x = 1}]\n";
	struct yml_node *n = toml_load(&c.a, &c.d, "m.toml", src, strlen(src));
	ck_assert_msg(n != NULL, "%s", tu_cap_text(&c));
	const struct yml_node *t = yml_get(n, "t");
	ck_assert_int_eq(t->kind, YML_SEQ);
	ck_assert_uint_eq(t->n_items, 2);
	ck_assert_str_eq(yml_get(t->items[1], "n")->text, "2");
	ck_assert_str_eq(tt_at(t->items[1], "sub.k")->text, "3");
	ck_assert_ptr_null(yml_get(t->items[0], "sub"));
	const struct yml_node *l = yml_get(n, "l");
	ck_assert_ptr_null(l);
	l = tt_at(t->items[1], "sub.l");
	ck_assert_int_eq(l->kind, YML_SEQ);
	ck_assert_uint_eq(l->n_items, 4);
	ck_assert_int_eq(l->items[2]->kind, YML_SEQ);
	ck_assert_int_eq(l->items[3]->kind, YML_MAP);
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_empty_and_deep)
{
	struct tu_cap c;
	tu_cap_open(&c);
	struct yml_node *n = toml_load(&c.a, &c.d, "m.toml", "# nothing\n", 10);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->kind, YML_MAP);
	ck_assert_uint_eq(n->n_items, 0);
	/* Nesting past the cap is an error, not a crash. */
	size_t depth = 5000;
	char *deep = malloc(2 * depth + 8);
	strcpy(deep, "a = ");
	memset(deep + 4, '[', depth);
	memset(deep + 4 + depth, ']', depth);
	deep[4 + 2 * depth] = '\0';
	n = toml_load(&c.a, &c.d, "m.toml", deep, strlen(deep));
	ck_assert_ptr_null(n);
	ck_assert_ptr_nonnull(strstr(tu_cap_text(&c), "deeper than"));
	free(deep);
	tu_cap_close(&c);
}
END_TEST

Suite *suite_toml(void)
{
	Suite *s = suite_create("toml");
	TCase *tc = tcase_create("toml");
	tcase_add_loop_test(tc, test_good, 0, sizeof good / sizeof good[0]);
	tcase_add_loop_test(tc, test_bad, 0, sizeof bad / sizeof bad[0]);
	tcase_add_test(tc, test_arrays);
	tcase_add_test(tc, test_empty_and_deep);
	suite_add_tcase(s, tc);
	return s;
}
