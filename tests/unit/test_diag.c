/*
 * test_diag.c - the diagnostics formats (text, JSON lines, GitHub workflow
 * commands, SARIF) with hostile paths and messages, the skill a diagnostic
 * is about, held diagnostics, and lenient baking end to end.
 */
#define _GNU_SOURCE /* open_memstream */
#include <check.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "frontmatter.h"
#include "model.h"
#include "testutil.h"

/* Quotes, a newline and CR, '%', '::' and ',' and bytes that are not UTF-8
 * (a stray continuation byte, an overlong '/', a surrogate, 0xFF). */
#define HOSTILE_PATH "skills/a \"b\"/%41::x,y\xff/SKILL.md"
#define HOSTILE_MSG "name 'x\"y' has\nnew\rline %s 100%% ::error::no, \x80\xc0\xaf\xed\xa0\x80\xff \xc3\xa9 end"

/* The message as a JSON decoder sees it: each bad byte one U+FFFD. */
#define HOSTILE_MSG_DECODED                                                           \
	"name 'x\"y' has\nnew\rline %d 100% ::error::no, \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" \
	"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xc3\xa9 end"
#define HOSTILE_PATH_DECODED "skills/a \"b\"/%41::x,y\xEF\xBF\xBD/SKILL.md"

struct cap2 {
	struct arena a;
	struct diag d;
	FILE *out, *mout;
	char *obuf, *mbuf;
	size_t olen, mlen;
	struct diag_subject subj;
};

static void cap2_open(struct cap2 *c, enum diag_format fmt)
{
	memset(c, 0, sizeof *c);
	arena_init(&c->a);
	c->out = open_memstream(&c->obuf, &c->olen);
	c->mout = open_memstream(&c->mbuf, &c->mlen);
	ck_assert(c->out && c->mout);
	diag_init(&c->d, c->out);
	c->d.mout = c->mout;
	c->d.format = fmt;
	c->d.arena = &c->a;
	c->subj = (struct diag_subject){.id = 1, .skill = "my-skill"};
}

/* Three diagnostics: an error about a skill at a hostile place, a note
 * without a column, a warning about nothing in particular. */
static void cap2_say(struct cap2 *c)
{
	diag_about(&c->d, &c->subj);
	diag_error(&c->d, HOSTILE_PATH, 3, 7, HOSTILE_MSG, "%d");
	diag_note(&c->d, "skills/b/SKILL.md", 2, 0, "first defined here");
	diag_about(&c->d, NULL);
	diag_warning(&c->d, NULL, 0, 0, "plain");
}

static void cap2_close(struct cap2 *c)
{
	fclose(c->out);
	fclose(c->mout);
	free(c->obuf);
	free(c->mbuf);
	arena_release(&c->a);
}

START_TEST(test_text_unchanged)
{
	struct cap2 c;
	cap2_open(&c, DIAG_TEXT);
	diag_error(&c.d, "p/SKILL.md", 3, 7, "name '%s' is bad", "x");
	diag_note(&c.d, "p/SKILL.md", 3, 0, "see");
	diag_warning(&c.d, "p", 0, 0, "w");
	diag_error(&c.d, NULL, 0, 0, "e");
	diag_summary(&c.d, 0);
	fflush(c.out);
	fflush(c.mout);
	ck_assert_str_eq(c.obuf, "p/SKILL.md:3:7: error: name 'x' is bad\n"
				 "p/SKILL.md:3: note: see\n"
				 "p: warning: w\n"
				 "skillc: error: e\n"
				 "2 errors, 1 warning\n");
	ck_assert_uint_eq(c.mlen, 0);
	cap2_close(&c);
}
END_TEST

START_TEST(test_json_lines)
{
	struct cap2 c;
	cap2_open(&c, DIAG_JSON);
	cap2_say(&c);
	diag_summary(&c.d, 0);
	fflush(c.out);
	fflush(c.mout);
	/* The counts stay on the text stream; stdout is JSON only. */
	ck_assert_str_eq(c.obuf, "1 error, 1 warning\n");
	char *line = c.mbuf, *save = NULL;
	json_t *o[3];
	for (int i = 0; i < 3; i++) {
		char *l = strtok_r(i ? NULL : line, "\n", &save);
		ck_assert_ptr_nonnull(l);
		json_error_t je;
		o[i] = json_loads(l, 0, &je);
		ck_assert_msg(o[i] != NULL, "line %d is not JSON: %s (%s)", i, je.text, l);
	}
	ck_assert_ptr_null(strtok_r(NULL, "\n", &save));
	ck_assert_str_eq(json_string_value(json_object_get(o[0], "file")), HOSTILE_PATH_DECODED);
	ck_assert_int_eq(json_integer_value(json_object_get(o[0], "line")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(o[0], "column")), 7);
	ck_assert_str_eq(json_string_value(json_object_get(o[0], "level")), "error");
	ck_assert_str_eq(json_string_value(json_object_get(o[0], "message")), HOSTILE_MSG_DECODED);
	ck_assert_str_eq(json_string_value(json_object_get(o[0], "skill")), "my-skill");
	ck_assert_str_eq(json_string_value(json_object_get(o[1], "level")), "note");
	ck_assert(json_is_null(json_object_get(o[1], "column")));
	ck_assert_str_eq(json_string_value(json_object_get(o[1], "skill")), "my-skill");
	ck_assert(json_is_null(json_object_get(o[2], "file")));
	ck_assert(json_is_null(json_object_get(o[2], "line")));
	ck_assert(json_is_null(json_object_get(o[2], "skill")));
	ck_assert_str_eq(json_string_value(json_object_get(o[2], "level")), "warning");
	for (int i = 0; i < 3; i++)
		json_decref(o[i]);
	cap2_close(&c);
}
END_TEST

START_TEST(test_github)
{
	struct cap2 c;
	cap2_open(&c, DIAG_GITHUB);
	cap2_say(&c);
	diag_summary(&c.d, 0);
	fflush(c.mout);
	ck_assert_str_eq(
		c.mbuf,
		/* In a property ':' and ',' are encoded too; every bad byte is U+FFFD. */
		"::error file=skills/a \"b\"/%2541%3A%3Ax%2Cy\xEF\xBF\xBD/SKILL.md,line=3,col=7::"
		"name 'x\"y' has%0Anew%0Dline %25d 100%25 ::error::no, \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
		"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xc3\xa9 end\n"
		"::notice file=skills/b/SKILL.md,line=2::first defined here\n"
		"::warning::plain\n");
	cap2_close(&c);
}
END_TEST

/* The SARIF 2.1.0 fields a consumer (GitHub code scanning) requires. */
static void sarif_check(const char *text, size_t n_results, int success)
{
	json_error_t je;
	json_t *doc = json_loads(text, 0, &je);
	ck_assert_msg(doc != NULL, "not JSON: %s at line %d\n%s", je.text, je.line, text);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "version")), "2.1.0");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(doc, "$schema")), "sarif"));
	json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
	ck_assert_ptr_nonnull(run);
	json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
	ck_assert_str_eq(json_string_value(json_object_get(driver, "name")), "skillc");
	json_t *rules = json_object_get(driver, "rules");
	ck_assert(json_is_array(rules) && json_array_size(rules) == 3);
	json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
	ck_assert(json_is_boolean(json_object_get(inv, "executionSuccessful")));
	ck_assert_int_eq(json_is_true(json_object_get(inv, "executionSuccessful")), success);
	json_t *results = json_object_get(run, "results");
	ck_assert(json_is_array(results));
	ck_assert_uint_eq(json_array_size(results), n_results);
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r) {
		const char *level = json_string_value(json_object_get(r, "level"));
		ck_assert(level && (!strcmp(level, "error") || !strcmp(level, "warning") ||
				    !strcmp(level, "note")));
		ck_assert(json_is_string(json_object_get(json_object_get(r, "message"), "text")));
		/* The rule it names is the one at its index. */
		json_t *rule = json_array_get(rules, (size_t)json_integer_value(json_object_get(r, "ruleIndex")));
		ck_assert_str_eq(json_string_value(json_object_get(r, "ruleId")),
				 json_string_value(json_object_get(rule, "id")));
		json_t *locs = json_object_get(r, "locations");
		if (!locs)
			continue;
		json_t *pl = json_object_get(json_array_get(locs, 0), "physicalLocation");
		const char *uri = json_string_value(json_object_get(json_object_get(pl, "artifactLocation"), "uri"));
		ck_assert_ptr_nonnull(uri);
		/* A URI reference: nothing outside the unreserved set but '/' and %XX. */
		for (const char *p = uri; *p; p++)
			ck_assert_msg(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/%", *p),
				      "uri '%s' holds '%c'", uri, *p);
		json_t *region = json_object_get(pl, "region");
		if (region)
			ck_assert_int_ge(json_integer_value(json_object_get(region, "startLine")), 1);
	}
	json_decref(doc);
}

START_TEST(test_sarif)
{
	struct cap2 c;
	cap2_open(&c, DIAG_SARIF);
	cap2_say(&c);
	fflush(c.mout);
	/* One document, written at the end. */
	ck_assert_uint_eq(c.mlen, 0);
	diag_summary(&c.d, 0);
	fflush(c.mout);
	fflush(c.out);
	ck_assert_str_eq(c.obuf, "1 error, 1 warning\n");
	sarif_check(c.mbuf, 3, 0);
	json_t *doc = json_loads(c.mbuf, 0, NULL);
	json_t *r0 = json_array_get(json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r0, "message"), "text")),
			 HOSTILE_MSG_DECODED);
	json_t *pl = json_object_get(json_array_get(json_object_get(r0, "locations"), 0), "physicalLocation");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(pl, "artifactLocation"), "uri")),
			 "skills/a%20%22b%22/%2541%3A%3Ax%2Cy%FF/SKILL.md");
	json_t *region = json_object_get(pl, "region");
	ck_assert_int_eq(json_integer_value(json_object_get(region, "startLine")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(region, "startColumn")), 7);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r0, "properties"), "skill")),
			 "my-skill");
	json_decref(doc);
	cap2_close(&c);

	/* No results at all is still a valid document. */
	cap2_open(&c, DIAG_SARIF);
	diag_summary(&c.d, 1);
	fflush(c.mout);
	sarif_check(c.mbuf, 0, 1);
	cap2_close(&c);
}
END_TEST

/* An error about a skill counts against it; under lenient it does not fail the run. */
START_TEST(test_subject)
{
	for (int lenient = 0; lenient < 2; lenient++) {
		struct cap2 c;
		cap2_open(&c, DIAG_TEXT);
		c.d.lenient = lenient;
		diag_about(&c.d, &c.subj);
		diag_warning(&c.d, "p", 0, 0, "w");
		ck_assert_uint_eq(c.subj.errors, 0);
		diag_error(&c.d, "p", 1, 1, "first %s", "one");
		diag_error(&c.d, "p", 2, 1, "second");
		ck_assert_uint_eq(c.subj.errors, 2);
		ck_assert_str_eq(c.subj.first_error, "first one");
		ck_assert_int_eq(diag_failed(&c.d), !lenient);
		/* An error about no skill fails the run either way. */
		diag_about(&c.d, NULL);
		diag_error(&c.d, NULL, 0, 0, "global");
		ck_assert(diag_failed(&c.d));
		diag_summary(&c.d, 0);
		cap2_close(&c);
	}
	/* -Werror: a warning about a skill is an error about it. */
	struct cap2 c;
	cap2_open(&c, DIAG_TEXT);
	c.d.werror = c.d.lenient = 1;
	diag_about(&c.d, &c.subj);
	diag_warning(&c.d, "p", 0, 0, "w");
	ck_assert_uint_eq(c.subj.errors, 1);
	ck_assert(!diag_failed(&c.d));
	diag_summary(&c.d, 1);
	fflush(c.out);
	ck_assert_str_eq(c.obuf, "p: error: w\n1 error, 0 warnings\n");
	cap2_close(&c);
}
END_TEST

static int keep_two(void *ctx, unsigned id)
{
	(void)ctx;
	return id == 2;
}

/* Held diagnostics: only those about kept subjects are printed, once. */
START_TEST(test_hold)
{
	struct cap2 c;
	cap2_open(&c, DIAG_TEXT);
	struct diag_subject one = {.id = 1}, two = {.id = 2};
	diag_hold(&c.d);
	diag_about(&c.d, &one);
	diag_error(&c.d, "one", 0, 0, "dropped");
	diag_about(&c.d, &two);
	diag_error(&c.d, "two", 0, 0, "kept");
	diag_note(&c.d, "two", 0, 0, "kept too");
	diag_about(&c.d, NULL);
	diag_warning(&c.d, "none", 0, 0, "dropped");
	fflush(c.out);
	ck_assert_uint_eq(c.olen, 0);
	ck_assert_uint_eq(one.errors, 1);
	diag_flush(&c.d, keep_two, NULL);
	diag_error(&c.d, "after", 0, 0, "printed at once");
	fflush(c.out);
	ck_assert_str_eq(c.obuf, "two: error: kept\ntwo: note: kept too\nafter: error: printed at once\n");
	ck_assert_int_eq(c.d.errors, 2);
	diag_summary(&c.d, 0);
	cap2_close(&c);
}
END_TEST

START_TEST(test_format_parse)
{
	enum diag_format f;
	ck_assert_int_eq(diag_format_parse("sarif", &f), 0);
	ck_assert_int_eq(f, DIAG_SARIF);
	ck_assert_int_eq(diag_format_parse("github", &f), 0);
	ck_assert_int_eq(f, DIAG_GITHUB);
	ck_assert_int_eq(diag_format_parse("JSON", &f), -1);
	ck_assert_int_eq(diag_format_parse("", &f), -1);
}
END_TEST

/* Lenient frontmatter: a bad name gives way to the directory's, when that one is good. */
START_TEST(test_name_fallback)
{
	static const struct {
		const char *src, *dir, *name; /* name NULL: skipped */
		const char *diag;
	} cases[] = {
		{"---\nname: Active Directory Attacks\ndescription: d\n---\nb\n", "active-directory", "active-directory",
		 "S:2:7: warning: name 'Active Directory Attacks' is not a valid skill name; using the "
		 "directory name 'active-directory'\n"
		 "S:2:7: note: a name is 1 to 64 characters of 'a-z', '0-9' and '-'\n"},
		{"---\nname: [a]\ndescription: d\n---\nb\n", "ok", "ok", NULL},
		{"---\ndescription: d\n---\nb\n", "ok", "ok",
		 "S:2:1: warning: missing field 'name' in frontmatter; using the directory name 'ok'\n"},
		{"---\nname: A B\ndescription: d\n---\nb\n", "A B", NULL,
		 "S:2:7: error: name 'A B' contains ' ', which a skill name cannot use\n"
		 "S:2:7: note: a name is 1 to 64 characters of 'a-z', '0-9' and '-'\n"
		 "S:2:7: note: the directory name 'A B' is not a valid skill name either, so the skill is "
		 "skipped\n"},
		/* A good name stays, whatever the directory. */
		{"---\nname: good\ndescription: d\n---\nb\n", "Bad Dir", "good", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tu_cap c;
		tu_cap_open(&c);
		c.d.lenient = 1;
		int rc = fm_parse(&c.a, &c.d, &c.sk, "S", cases[i].src, strlen(cases[i].src), cases[i].dir);
		ck_assert_int_eq(rc, cases[i].name ? 0 : -1);
		if (cases[i].name)
			ck_assert_str_eq(c.sk.name, cases[i].name);
		if (cases[i].diag)
			ck_assert_str_eq(tu_cap_text(&c), cases[i].diag);
		tu_cap_close(&c);
	}
}
END_TEST

static const char *skillc_path(char *buf)
{
	ck_assert_ptr_nonnull(realpath(tu_env("SKILLC", "build/skillc"), buf));
	return buf;
}

/* The golden tree through each machine format: parsable, and exit 0. */
START_TEST(test_bake_formats)
{
	char sk[PATH_MAX];
	skillc_path(sk);
	struct tu_run r;
	tu_run(&r, "cd tests/golden/lenient && %s --check --lenient --diagnostics-format sarif skills", sk);
	ck_assert_int_eq(r.status, 0);
	/* 7 errors (about the 6 skipped skills), 1 warning, 6 notes. */
	sarif_check(r.out, 14, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "skillc: 3 skills ready, 6 skipped, 1 symlinked copy baked once\n"));
	tu_run_release(&r);

	tu_run(&r, "cd tests/golden/lenient && %s --check --lenient --diagnostics-format=json skills", sk);
	ck_assert_int_eq(r.status, 0);
	size_t lines = 0, errors = 0;
	for (char *l = r.out, *nl; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		json_error_t je;
		json_t *o = json_loads(l, 0, &je);
		ck_assert_msg(o != NULL, "not JSON: %s", l);
		ck_assert(json_is_string(json_object_get(o, "message")));
		errors += !strcmp(json_string_value(json_object_get(o, "level")), "error");
		if (strstr(json_string_value(json_object_get(o, "message")), "duplicate tool"))
			ck_assert_str_eq(json_string_value(json_object_get(o, "skill")), "tool-clash");
		json_decref(o);
		lines++;
	}
	ck_assert_uint_eq(lines, 14);
	ck_assert_uint_eq(errors, 7);
	tu_run_release(&r);

	tu_run(&r, "cd tests/golden/lenient && %s --check --lenient --diagnostics-format github skills", sk);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "::error file=skills/broken/SKILL.md,line=1,col=1::frontmatter is not closed"));
	tu_run_release(&r);

	/* --dump and a machine format would share stdout. */
	tu_run(&r, "cd tests/golden/lenient && %s --dump --diagnostics-format json skills", sk);
	ck_assert_int_eq(r.status, 2);
	tu_run_release(&r);
	tu_run(&r, "%s --diagnostics-format xml skills", sk);
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "unknown diagnostics format 'xml'"));
	tu_run_release(&r);
}
END_TEST

/* Everything broken: a lenient bake has nothing to bake and fails; -Werror
 * skips the skill whose name needed the fallback. */
START_TEST(test_bake_all_broken)
{
	char sk[PATH_MAX];
	skillc_path(sk);
	char *tmp = tu_tmpdir();
	struct tu_run r;
	tu_run(&r,
	       "mkdir -p '%s/s/Bad One' %s/s/two && printf -- '---\\nname: x y\\ndescription: d\\n---\\nb\\n' "
	       "> '%s/s/Bad One/SKILL.md' && printf 'no frontmatter\\n' > %s/s/two/SKILL.md && "
	       "%s --lenient -o %s/out %s/s",
	       tmp, tmp, tmp, tmp, sk, tmp, tmp);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "skillc: error: no skill could be baked\n"));
	ck_assert_ptr_nonnull(strstr(r.err, "skillc: nothing baked; 0 skills ready, 2 skipped\n"));
	ck_assert_msg(strstr(r.err, "/s/two': 'SKILL.md' has no YAML frontmatter"), "%s", r.err);
	tu_run_release(&r);
	/* Nothing was written. */
	tu_run(&r, "test -e %s/out/table.c", tmp);
	ck_assert_int_ne(r.status, 0);
	tu_run_release(&r);

	tu_run(&r, "cd tests/golden/lenient && %s --check --lenient -Werror skills", sk);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.err, "skillc: 2 skills ready, 7 skipped"));
	ck_assert_ptr_nonnull(strstr(r.err, "skillc: skipped 'active-directory-attacks' (skills/active-directory-attacks): name "
					    "'Active Directory Attacks' is not a valid skill name"));
	tu_run_release(&r);
	tu_rmdir(tmp);
}
END_TEST

Suite *suite_diag(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("formats");
	tcase_add_test(tc, test_text_unchanged);
	tcase_add_test(tc, test_json_lines);
	tcase_add_test(tc, test_github);
	tcase_add_test(tc, test_sarif);
	tcase_add_test(tc, test_subject);
	tcase_add_test(tc, test_hold);
	tcase_add_test(tc, test_format_parse);
	tcase_add_test(tc, test_name_fallback);
	suite_add_tcase(s, tc);
	TCase *bake = tcase_create("lenient");
	tcase_set_timeout(bake, 30);
	tcase_add_test(bake, test_bake_formats);
	tcase_add_test(bake, test_bake_all_broken);
	suite_add_tcase(s, bake);
	return s;
}
