/* The runtime's start-up check of a baked table, and its name lookups. */
#include <check.h>
#include <string.h>

#include "skc_abi.h"
#include "table.h"

static const unsigned char data[] = "demo\0demo__run\0run\0SKCDATA1";

static struct skc_table make_table(void)
{
	static const struct skc_skill skills[] = {{.name = {0, 4}}};
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
	ck_assert_uint_eq(tbl_distance("kitten", "sitting", 5), 3);
	ck_assert_uint_gt(tbl_distance("a", "abcdef", 2), 2);
}
END_TEST

Suite *suite_table(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, test_check_ok);
	tcase_add_test(tc, test_check_bad);
	tcase_add_test(tc, test_lookup);
	suite_add_tcase(s, tc);
	return s;
}
