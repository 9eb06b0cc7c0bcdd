/*
 * Golden tests: each directory tests/golden/<case>/ holds a skills/ tree and
 * the expected stdout and stderr of `skillc --dump [flags] skills` run there
 * (expected.out, expected.err; optional `flags`, and `status`, the exit
 * status when it is not "1 on an error, else 0"). Set UPDATE_GOLDEN=1 to
 * rewrite the expectations after a deliberate change, then review the diff.
 */
#define _GNU_SOURCE /* asprintf */
#include <check.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

static char *cases[256];
static int n_cases;

static int golden_filter(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static void golden_list(void)
{
	struct dirent **ents;
	int n = scandir("tests/golden", &ents, golden_filter, alphasort);
	for (int i = 0; i < n; i++) {
		if (n_cases < 256)
			cases[n_cases++] = strdup(ents[i]->d_name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static void golden_write(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(text, 1, n, f);
	fclose(f);
}

START_TEST(test_golden)
{
	ck_assert_int_lt(_i, n_cases);
	const char *name = cases[_i];
	char skillc[PATH_MAX];
	ck_assert_ptr_nonnull(realpath(tu_env("SKILLC", "build/skillc"), skillc));
	char *dir, *flags_path;
	ck_assert_int_ge(asprintf(&dir, "tests/golden/%s", name), 0);
	ck_assert_int_ge(asprintf(&flags_path, "%s/flags", dir), 0);
	char *flags = tu_read(flags_path, NULL);
	if (flags)
		flags[strcspn(flags, "\n")] = '\0';
	struct tu_run r;
	tu_run(&r, "cd %s && %s --dump %s skills", dir, skillc, flags ? flags : "");

	char *out_path, *err_path;
	ck_assert_int_ge(asprintf(&out_path, "%s/expected.out", dir), 0);
	ck_assert_int_ge(asprintf(&err_path, "%s/expected.err", dir), 0);
	if (getenv("UPDATE_GOLDEN")) {
		golden_write(out_path, r.out, r.out_len);
		golden_write(err_path, r.err, r.err_len);
	}
	char *want_out = tu_read(out_path, NULL), *want_err = tu_read(err_path, NULL);
	ck_assert_msg(want_out && want_err, "%s: missing expected.out or expected.err", name);
	ck_assert_msg(!strcmp(r.err, want_err), "%s: diagnostics differ\n--- got ---\n%s--- want ---\n%s",
		      name, r.err, want_err);
	ck_assert_msg(!strcmp(r.out, want_out), "%s: output differs\n--- got ---\n%s--- want ---\n%s",
		      name, r.out, want_out);
	/* Errors and only errors fail the run, unless the case says otherwise
	 * (a lenient bake skips broken skills and succeeds). */
	char *status_path;
	ck_assert_int_ge(asprintf(&status_path, "%s/status", dir), 0);
	char *status = tu_read(status_path, NULL);
	int has_error = strstr(r.err, ": error: ") != NULL;
	ck_assert_int_eq(r.status, status ? atoi(status) : has_error ? 1 : 0);
	free(status);
	free(status_path);
	free(want_out);
	free(want_err);
	free(out_path);
	free(err_path);
	free(flags);
	free(flags_path);
	free(dir);
	tu_run_release(&r);
}
END_TEST

/*
 * A symlink that escapes the root is refused wherever the tree sits: at depth
 * a relative link's target may not exist, and a dangling escape is still an
 * escape, not merely a broken link.
 */
START_TEST(test_golden_depth)
{
	char skillc[PATH_MAX];
	ck_assert_ptr_nonnull(realpath(tu_env("SKILLC", "build/skillc"), skillc));
	char *tmp = tu_tmpdir();
	const char *deep = "a/b/c/d/e/f/g/h/i/j";
	struct tu_run r;
	tu_run(&r, "mkdir -p %s/%s && cp -a tests/golden/hostile/skills %s/%s/ && cd %s/%s && %s --dump skills",
	       tmp, deep, tmp, deep, tmp, deep, skillc);
	char *want = tu_read("tests/golden/hostile/expected.err", NULL);
	ck_assert_ptr_nonnull(want);
	ck_assert_msg(!strcmp(r.err, want), "diagnostics differ at depth\n--- got ---\n%s--- want ---\n%s",
		      r.err, want);
	ck_assert_int_eq(r.status, 1);
	free(want);
	tu_run_release(&r);
	tu_rmdir(tmp);
}
END_TEST

Suite *suite_golden(void)
{
	Suite *s = suite_create("golden");
	TCase *tc = tcase_create("golden");
	golden_list();
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_golden, 0, n_cases ? n_cases : 1);
	tcase_add_test(tc, test_golden_depth);
	suite_add_tcase(s, tc);
	return s;
}
