/* The shared byte-level text helpers. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const struct {
	const char *bytes;
	size_t want;
} seqs[] = {
	{"a", 1},		 {"\x7f", 1},		{"\xc3\xa9", 2},	{"\xe2\x82\xac", 3},
	{"\xf0\x9f\x98\x80", 4}, {"\xf4\x8f\xbf\xbf", 4}, /* U+10FFFF */
	{"\xc0\xaf", 0},	 {"\xc1\xbf", 0},	/* overlong */
	{"\xe0\x80\xaf", 0},	 {"\xf0\x80\x80\xaf", 0},
	{"\xed\xa0\x80", 0},	 /* a surrogate */
	{"\xf4\x90\x80\x80", 0}, /* past U+10FFFF */
	{"\xf5\x80\x80\x80", 0}, {"\xff", 0},		 {"\x80", 0},
	{"\xc3", 0},		 {"\xe2\x82", 0},	/* cut short */
	{"\xc3\x28", 0},	 {"\xe2\x28\xa1", 0},
};

START_TEST(test_utf8_len)
{
	const char *b = seqs[_i].bytes;
	ck_assert_uint_eq(txt_utf8_len((const unsigned char *)b, strlen(b)), seqs[_i].want);
}
END_TEST

START_TEST(test_hexval)
{
	ck_assert_int_eq(txt_hexval('0'), 0);
	ck_assert_int_eq(txt_hexval('9'), 9);
	ck_assert_int_eq(txt_hexval('a'), 10);
	ck_assert_int_eq(txt_hexval('F'), 15);
	ck_assert_int_eq(txt_hexval('g'), -1);
	ck_assert_int_eq(txt_hexval('/'), -1);
	ck_assert_int_eq(txt_hexval(0), -1);
}
END_TEST

/* RFC 4648 section 10 vectors, and bytes past 0x7f. */
static const char *const b64[][2] = {
	{"", ""},	  {"f", "Zg=="},	 {"fo", "Zm8="},	 {"foo", "Zm9v"},
	{"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
	{"\xff\xfe\x00", "//4A"},
};

START_TEST(test_base64)
{
	const char *in = b64[_i][0];
	size_t n = _i == 7 ? 3 : strlen(in);
	char *out = txt_base64((const unsigned char *)in, n);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, b64[_i][1]);
	free(out);
}
END_TEST

Suite *suite_text(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");
	tcase_add_loop_test(tc, test_utf8_len, 0, sizeof seqs / sizeof seqs[0]);
	tcase_add_test(tc, test_hexval);
	tcase_add_loop_test(tc, test_base64, 0, sizeof b64 / sizeof b64[0]);
	suite_add_tcase(s, tc);
	return s;
}
