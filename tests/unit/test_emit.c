/* The escaper, the identifier sanitizer and the comment filter, fed hostile strings. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "emit.h"

static const struct {
	const char *in;
	size_t n;
	const char *want;
} lit_cases[] = {
	{"plain", 5, "\"plain\""},
	{"", 0, "\"\""},
	{"a\"b\\c", 5, "\"a\\\"b\\\\c\""},
	{"?" "?/", 3, "\"\\?\\?/\""},         /* no trigraph can form */
	{"?" "?=x", 4, "\"\\?\\?=x\""},
	{"\x41" "B", 2, "\"AB\""},
	{"\\x41B", 5, "\"\\\\x41B\""},       /* the text, not an escape */
	{"a\0b", 3, "\"a\\000b\""},          /* NUL kept, as octal */
	{"\n\t\r", 3, "\"\\012\\011\\015\""},
	{"*/ /*", 5, "\"*/ /*\""},
	{"\xff\xfe", 2, "\"\\377\\376\""},   /* invalid UTF-8 never reaches the compiler */
	{"\xc3\xa9", 2, "\"\\303\\251\""},   /* valid UTF-8 too: all non-ASCII is octal */
	{"1\0012", 3, "\"1\\0012\""},        /* a digit after an escape can't extend it */
	{"\x7f", 1, "\"\\177\""},
};

START_TEST(test_c_string_lit)
{
	struct arena a;
	arena_init(&a);
	char *got = c_string_lit(&a, lit_cases[_i].in, lit_cases[_i].n);
	ck_assert_str_eq(got, lit_cases[_i].want);
	arena_release(&a);
}
END_TEST

/* Every escaped literal compiles and decodes back to the same bytes. */
START_TEST(test_c_string_lit_roundtrip)
{
	struct arena a;
	arena_init(&a);
	char dir[] = "/tmp/skillc-emit-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *src = arena_printf(&a, "%s/t.c", dir), *bin = arena_printf(&a, "%s/t", dir);
	FILE *f = fopen(src, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#include <stdio.h>\nstatic const char s[] = ", f);
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	fputs(c_string_lit(&a, (const char *)all, sizeof all), f);
	fputs(";\nint main(void) { return fwrite(s, 1, sizeof s - 1, stdout) != 256; }\n", f);
	fclose(f);
	const char *cc = getenv("CC") ? getenv("CC") : "cc";
	char *cmd = arena_printf(&a, "%s -std=c11 -Wall -Wextra -pedantic -Werror -Wtrigraphs -trigraphs "
				 "-o %s %s && %s > %s.out", cc, bin, src, bin, bin);
	ck_assert_int_eq(system(cmd), 0);
	f = fopen(arena_printf(&a, "%s.out", bin), "rb");
	ck_assert_ptr_nonnull(f);
	unsigned char back[300];
	size_t n = fread(back, 1, sizeof back, f);
	fclose(f);
	ck_assert_uint_eq(n, 256);
	ck_assert(memcmp(back, all, 256) == 0);
	ck_assert_int_eq(system(arena_printf(&a, "rm -rf %s", dir)), 0);
	arena_release(&a);
}
END_TEST

static const struct {
	const char *in, *want;
} ident_cases[] = {
	{"pdf__extract_text", "pdf__extract_text"},
	{"a-b", "a_b"},
	{"9lives", "_9lives"},
	{"", "_"},
	{"?" "?/", "___"},
	{"*/", "__"},
	{"\xc3\xa9t\xc3\xa9", "__t__"},
};

START_TEST(test_c_ident)
{
	struct arena a;
	arena_init(&a);
	ck_assert_str_eq(c_ident(&a, ident_cases[_i].in), ident_cases[_i].want);
	arena_release(&a);
}
END_TEST

START_TEST(test_comment_text)
{
	struct arena a;
	arena_init(&a);
	ck_assert_str_eq(c_comment_text(&a, "a */ b /* c", 100), "a * / b / * c");
	ck_assert_str_eq(c_comment_text(&a, "x\ny", 100), "xy");
	ck_assert_str_eq(c_comment_text(&a, "abcdef", 3), "abc...");
	arena_release(&a);
}
END_TEST

START_TEST(test_emit_indent)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct emit e;
	emit_init(&e, f);
	emit(&e, "a {");
	emit_indent(&e);
	emit(&e, "b = %d;", 1);
	emit_dedent(&e);
	emit(&e, "}");
	fclose(f);
	ck_assert_str_eq(buf, "a {\n\tb = 1;\n}\n");
	ck_assert_int_eq(e.error, 0);
	free(buf);
}
END_TEST

Suite *suite_emit(void)
{
	Suite *s = suite_create("emit");
	TCase *tc = tcase_create("emit");
	tcase_add_loop_test(tc, test_c_string_lit, 0, sizeof lit_cases / sizeof lit_cases[0]);
	tcase_add_test(tc, test_c_string_lit_roundtrip);
	tcase_add_loop_test(tc, test_c_ident, 0, sizeof ident_cases / sizeof ident_cases[0]);
	tcase_add_test(tc, test_comment_text);
	tcase_add_test(tc, test_emit_indent);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
