/* The runtime's start-up check of a baked table, and its name lookups. */
#include <check.h>
#include <string.h>

#include "skc_abi.h"
#include "table.h"

static const unsigned char data[] = "demo\0demo__run\0run\0SKCDATA1";

static struct skc_table make_table(void)
{
	static const struct skc_skill skills[] = {{.name = {0, 4}, .tool_count = 1}};
	static const struct skc_tool tools[] = {{.name = {15, 3}, .wire_name = {5, 9}}};
	struct skc_table t = {
		.magic = SKC_MAGIC,
		.abi_version = SKC_ABI_VERSION,
		.data = data,
		.data_size = sizeof data - 1,
		.skills = skills,
		.skill_count = 1,
		.tools = tools,
		.tool_count = 1,
	};
	return t;
}

START_TEST(test_check_ok)
{
	struct skc_table t = make_table();
	ck_assert_ptr_null(tbl_check(&t));
}
END_TEST

START_TEST(test_check_bad)
{
	struct skc_table t = make_table();
	t.magic ^= 1;
	ck_assert_ptr_nonnull(strstr(tbl_check(&t), "bad magic"));
	t = make_table();
	t.abi_version++;
	ck_assert_ptr_nonnull(strstr(tbl_check(&t), "ABI version"));
	t = make_table();
	t.data_size--; /* the blob and the table disagree */
	ck_assert_ptr_nonnull(strstr(tbl_check(&t), "does not match"));
	t.data_size = 3;
	ck_assert_ptr_nonnull(tbl_check(&t));
	ck_assert_ptr_nonnull(tbl_check(NULL));
}
END_TEST

START_TEST(test_lookup)
{
	struct skc_table t = make_table();
	ck_assert_ptr_nonnull(tbl_skill(&t, "demo"));
	ck_assert_ptr_null(tbl_skill(&t, "dem"));
	ck_assert_ptr_nonnull(tbl_tool(&t, "demo__run"));
	ck_assert_ptr_null(tbl_tool(&t, "run"));
	ck_assert_str_eq(tbl_suggest(&t, "demo__rnu"), "demo__run");
	ck_assert_str_eq(tbl_suggest(&t, "run"), "demo__run");
	ck_assert_str_eq(tbl_suggest(&t, "dmeo"), "demo");
	ck_assert_ptr_null(tbl_suggest(&t, "zzzzzz"));
	ck_assert_ptr_null(tbl_tool(&t, "demo__"));
	ck_assert_ptr_null(tbl_tool(&t, "demo__runs"));
	ck_assert_ptr_null(tbl_tool(&t, "dem__run"));
	ck_assert_uint_eq(tbl_distance("kitten", "sitting", 5), 3);
	ck_assert_uint_gt(tbl_distance("a", "abcdef", 2), 2);
}
END_TEST

/* Binary search over sorted skills, then over one skill's sorted tools;
 * prefixes of each other ("a", "a-b", "ab") are told apart. */
static const unsigned char data2[] = "a\0a-b\0ab\0x\0x_y\0y\0a__x\0a__x_y\0a-b__y\0ab__x\0SKCDATA1";

START_TEST(test_lookup_sorted)
{
	static const struct skc_skill skills[] = {
		{.name = {0, 1}, .tool_first = 0, .tool_count = 2},
		{.name = {2, 3}, .tool_first = 2, .tool_count = 1},
		{.name = {6, 2}, .tool_first = 3, .tool_count = 1},
	};
	static const struct skc_tool tools[] = {
		{.name = {9, 1}, .wire_name = {17, 4}},
		{.name = {11, 3}, .wire_name = {22, 6}},
		{.name = {15, 1}, .wire_name = {29, 6}},
		{.name = {9, 1}, .wire_name = {36, 5}},
	};
	struct skc_table t = {.data = data2, .data_size = sizeof data2 - 1, .skills = skills,
			      .skill_count = 3, .tools = tools, .tool_count = 4};
	static const char *const skill_names[] = {"a", "a-b", "ab"};
	for (size_t i = 0; i < 3; i++)
		ck_assert_ptr_eq(tbl_skill(&t, skill_names[i]), &skills[i]);
	ck_assert_ptr_null(tbl_skill(&t, "a-"));
	ck_assert_ptr_null(tbl_skill(&t, "abc"));
	ck_assert_ptr_null(tbl_skill(&t, ""));
	static const char *const wire[] = {"a__x", "a__x_y", "a-b__y", "ab__x"};
	for (size_t i = 0; i < 4; i++)
		ck_assert_ptr_eq(tbl_tool(&t, wire[i]), &tools[i]);
	ck_assert_ptr_null(tbl_tool(&t, "a__y"));
	ck_assert_ptr_null(tbl_tool(&t, "a-b__x"));
	ck_assert_ptr_null(tbl_tool(&t, "__x"));
}
END_TEST

Suite *suite_table(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, test_check_ok);
	tcase_add_test(tc, test_check_bad);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_lookup_sorted);
	suite_add_tcase(s, tc);
	return s;
}
