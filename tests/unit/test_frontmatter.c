/* test_frontmatter.c - SKILL.md frontmatter rules, diagnostics and hostile input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "frontmatter.h"
#include "testutil.h"


static int fcap_parse(struct tu_cap *c, const char *src, size_t len, const char *dir)
{
	return fm_parse(&c->a, &c->d, &c->sk, "s/SKILL.md", src, len, dir);
}

#define HEAD "---\nname: s\ndescription: Does things.\n"
#define BODY "---\nBody.\n"
#define P "s/SKILL.md"

/* One SKILL.md each: the return value and the exact diagnostics. */
static const struct {
	const char *src;
	const char *dir;
	int werror;
	int rc;
	const char *diag;
} cases[] = {
	/* 0: the plain good case */
	{HEAD BODY, "s", 0, 0, ""},
	/* 1-2: no frontmatter, unterminated */
	{"# Title\n", "s", 0, -1,
	 P ":1:1: error: 'SKILL.md' has no YAML frontmatter; start the file with a '---' line\n"},
	{"---\nname: s\ndescription: x\n", "s", 0, -1,
	 P ":1:1: error: frontmatter is not closed; end it with a '---' line\n"},
	/* 3: a syntax error points at the file's line */
	{"---\nname: s\ndescription x\nlicense: MIT\n---\nb\n", "s", 0, -1,
	 P ":3:1: error: invalid YAML: could not find expected ':' after this key\n"},
	/* 4: not a mapping */
	{"---\n- a\n---\nb\n", "s", 0, -1, P ":2:1: error: frontmatter must be a mapping, not a list\n"},
	/* 5-6: missing name / description */
	{"---\ndescription: d\n---\nb\n", "s", 0, -1,
	 P ":2:1: error: missing required field 'name' in frontmatter\n"},
	{"---\nname: s\n---\nb\n", "s", 0, -1,
	 P ":2:1: error: missing required field 'description' in frontmatter\n"},
	/* 7-9: name empty, a list, unusable characters */
	{"---\nname: ''\ndescription: d\n---\nb\n", "s", 0, -1, P ":2:7: error: 'name' is empty\n"},
	{"---\nname: [a]\ndescription: d\n---\nb\n", "s", 0, -1,
	 P ":2:7: error: 'name' must be a string, not a list\n"},
	{"---\nname: my skill\ndescription: d\n---\nb\n", "s", 0, -1,
	 P ":2:7: error: name 'my skill' contains ' ', which a skill name cannot use\n"
	 P ":2:7: note: a name is 1 to 64 characters of 'a-z', '0-9' and '-'\n"},
	/* 10: too long */
	{"---\nname: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\ndescription: d\n---\nb\n",
	 "s", 0, -1,
	 P ":2:7: error: name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is longer "
	   "than 64 characters (65)\n"},
	/* 11: uppercase */
	{"---\nname: My-Skill\ndescription: d\n---\nb\n", "My-Skill", 0, 0,
	 P ":2:7: warning: name 'My-Skill' contains uppercase letters\n"
	 P ":2:7: note: the lowercase form is 'my-skill'\n"},
	/* 12: underscore */
	{"---\nname: my_skill\ndescription: d\n---\nb\n", "my_skill", 0, 0,
	 P ":2:7: warning: name 'my_skill' contains '_'; the specification allows only 'a-z', '0-9' and '-'\n"},
	/* 13-15: hyphens */
	{"---\nname: -a\ndescription: d\n---\nb\n", "-a", 0, 0,
	 P ":2:7: warning: name '-a' starts with a hyphen\n"},
	{"---\nname: a-\ndescription: d\n---\nb\n", "a-", 0, 0,
	 P ":2:7: warning: name 'a-' ends with a hyphen\n"},
	{"---\nname: a--b\ndescription: d\n---\nb\n", "a--b", 0, 0,
	 P ":2:7: warning: name 'a--b' contains consecutive hyphens\n"},
	/* 16: directory mismatch */
	{HEAD BODY, "other", 0, 0, P ":2:7: warning: name 's' does not match directory 'other'\n"},
	/* 17: -Werror makes that an error; the skill is still bakeable, the run fails */
	{HEAD BODY, "other", 1, 0, P ":2:7: error: name 's' does not match directory 'other'\n"},
	/* 18: description empty / a mapping */
	{"---\nname: s\ndescription:\n---\nb\n", "s", 0, -1, P ":3:13: error: 'description' is empty\n"},
	{"---\nname: s\ndescription: {a: b}\n---\nb\n", "s", 0, -1,
	 P ":3:14: error: 'description' must be a string, not a mapping\n"},
	/* 20: duplicate keys */
	{"---\nname: s\ndescription: one\ndescription: two\n---\nb\n", "s", 0, 0,
	 P ":4:1: warning: duplicate key 'description' in frontmatter; the last one is used\n"
	 P ":3:1: note: first defined here\n"},
	/* 21: unknown fields, one warning each, the known ones noted once */
	{HEAD "version: 1\nauthor: me\nversion: 2\n" BODY, "s", 0, 0,
	 P ":4:1: warning: unknown field 'version' in frontmatter\n"
	 P ":4:1: note: the known fields are 'name', 'description', 'license', 'compatibility', "
	   "'metadata', 'allowed-tools' and 'uses'\n"
	 P ":5:1: warning: unknown field 'author' in frontmatter\n"},
	/* 22: allowed-tools as a list */
	{HEAD "allowed-tools: [Read, \"Bash(git:*)\"]\n" BODY, "s", 0, 0,
	 P ":4:16: warning: 'allowed-tools' should be a space-separated string, not a list\n"},
	/* 23: an unquoted date and a nested map in metadata */
	{HEAD "metadata:\n  created: 2024-01-01\n  n: {a: 1}\n  v: '1.0'\n" BODY, "s", 0, 0,
	 P ":5:12: warning: metadata value for 'created' reads as a date in YAML 1.1; using its "
	   "text '2024-01-01'\n"
	 P ":6:6: warning: metadata value for 'n' is a mapping, not a string; skipped\n"},
	/* 24: empty body */
	{HEAD "---\n\n  \n", "s", 0, 0, P ":4:1: warning: skill 's' has an empty body\n"},
	/* 25: metadata not a mapping, license a list */
	{HEAD "metadata: [a]\nlicense: [MIT]\n" BODY, "s", 0, 0,
	 P ":4:11: warning: 'metadata' must be a mapping of strings, not a list; ignored\n"
	 P ":5:10: warning: 'license' must be a string, not a list\n"},
	/* 26: YAML 1.1 non-strings are fine as name/description text */
	{"---\nname: 2024\ndescription: yes\n---\nb\n", "2024", 0, 0, ""},
	/* 27: closing with '...' and trailing blanks on the fences */
	{"---  \nname: s\ndescription: d\n...\t\nb\n", "s", 0, 0, ""},
	/* 28: a key that is not a string */
	{HEAD "? [a]\n: b\n" BODY, "s", 0, 0,
	 P ":4:3: warning: frontmatter key is a list, not a string; skipped\n"},
	/* 29: duplicate metadata key */
	{HEAD "metadata:\n  a: x\n  b: z\n  a: w\n" BODY, "s", 0, 0,
	 P ":7:3: warning: duplicate metadata key 'a'\n" P ":5:3: note: first defined here\n"},
	/* 30: control bytes shown escaped */
	{"---\nname: \"a\\tb\"\ndescription: d\n---\nb\n", "s", 0, -1,
	 P ":2:7: error: name 'a\\x09b' contains '\\x09', which a skill name cannot use\n"
	 P ":2:7: note: a name is 1 to 64 characters of 'a-z', '0-9' and '-'\n"},
};

START_TEST(test_cases)
{
	struct tu_cap c;
	tu_cap_open(&c);
	c.d.werror = cases[_i].werror;
	int rc = fcap_parse(&c, cases[_i].src, strlen(cases[_i].src), cases[_i].dir);
	if (cases[_i].diag)
		ck_assert_str_eq(tu_cap_text(&c), cases[_i].diag);
	ck_assert_int_eq(rc, cases[_i].rc);
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_fields)
{
	struct tu_cap c;
	tu_cap_open(&c);
	const char *src = "---\n"
			  "name: pdf-tools\n"
			  "description: >\n"
			  "  Work with\n"
			  "  PDF files.\n"
			  "license: MIT\n"
			  "compatibility: |\n"
			  "  needs python3\n"
			  "  and poppler\n"
			  "metadata:\n"
			  "  author: me\n"
			  "  version: \"1.0\"\n"
			  "allowed-tools: Bash(git:*) Read\n"
			  "---\n"
			  "\n"
			  "# PDF tools\n";
	ck_assert_int_eq(fcap_parse(&c, src, strlen(src), "pdf-tools"), 0);
	ck_assert_str_eq(tu_cap_text(&c), "");
	ck_assert_str_eq(c.sk.name, "pdf-tools");
	ck_assert_str_eq(c.sk.description, "Work with PDF files.");
	ck_assert_str_eq(c.sk.license, "MIT");
	ck_assert_str_eq(c.sk.compatibility, "needs python3\nand poppler");
	ck_assert_str_eq(c.sk.allowed_tools, "Bash(git:*) Read");
	ck_assert_uint_eq(c.sk.n_metadata, 2);
	ck_assert_str_eq(c.sk.metadata[0].key, "author");
	ck_assert_str_eq(c.sk.metadata[1].value, "1.0");
	ck_assert_str_eq(c.sk.body, "# PDF tools\n");
	ck_assert_str_eq(c.sk.skill_md, P);
	ck_assert_str_eq(c.sk.name_loc.path, P);
	ck_assert_uint_eq(c.sk.name_loc.line, 2);
	ck_assert_uint_eq(c.sk.name_loc.col, 1);
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_crlf_bom)
{
	struct tu_cap c;
	tu_cap_open(&c);
	const char *src = "\xEF\xBB\xBF---\r\nname: s\r\ndescription: |\r\n  a\r\n  b\r\n"
			  "allowed-tools:\r\n  - Read\r\n  - Write\r\n---\r\n\r\nBody.\r\n";
	ck_assert_int_eq(fcap_parse(&c, src, strlen(src), "s"), 0);
	ck_assert_str_eq(tu_cap_text(&c),
			 P ":7:3: warning: 'allowed-tools' should be a space-separated string, not a list\n");
	ck_assert_str_eq(c.sk.description, "a\nb");
	ck_assert_str_eq(c.sk.allowed_tools, "Read Write");
	ck_assert_str_eq(c.sk.body, "Body.\r\n");
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_metadata_text)
{
	struct tu_cap c;
	tu_cap_open(&c);
	const char *src = HEAD "metadata:\n  created: 2024-01-01\n  n: 0x1F\n  b: no\n  ok: text\n" BODY;
	ck_assert_int_eq(fcap_parse(&c, src, strlen(src), "s"), 0);
	ck_assert_uint_eq(c.sk.n_metadata, 4);
	ck_assert_str_eq(c.sk.metadata[0].value, "2024-01-01");
	ck_assert_str_eq(c.sk.metadata[1].value, "0x1F");
	ck_assert_str_eq(c.sk.metadata[2].value, "no");
	ck_assert_int_eq(c.d.warnings, 3);
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_long_description)
{
	struct tu_cap c;
	tu_cap_open(&c);
	size_t n = 1100;
	char *src = malloc(n + 100);
	char *w = src + sprintf(src, "---\nname: s\ndescription: ");
	memset(w, 'd', n);
	strcpy(w + n, "\n---\nb\n");
	ck_assert_int_eq(fcap_parse(&c, src, strlen(src), "s"), 0);
	ck_assert_str_eq(tu_cap_text(&c),
			 P ":3:14: warning: 'description' is longer than 1024 characters (1100)\n");
	free(src);
	tu_cap_close(&c);
}
END_TEST

/* Hostile input: never a crash, hang or silent acceptance. */
START_TEST(test_hostile)
{
	struct tu_cap c;
	tu_cap_open(&c);
	/* NUL in the frontmatter */
	static const char nul[] = "---\nname: s\0x\ndescription: d\n---\nb\n";
	ck_assert_int_eq(fcap_parse(&c, nul, sizeof nul - 1, "s"), -1);
	/* NUL in the body: kept up to it, with a warning */
	static const char nulb[] = "---\nname: s\ndescription: d\n---\nab\n\0cd\n";
	ck_assert_int_eq(fcap_parse(&c, nulb, sizeof nulb - 1, "s"), 0);
	ck_assert_str_eq(c.sk.body, "ab\n");
	/* invalid UTF-8 */
	static const char bad[] = "---\nname: s\ndescription: \xC3\x28\n---\nb\n";
	ck_assert_int_eq(fcap_parse(&c, bad, sizeof bad - 1, "s"), -1);
	ck_assert(strstr(tu_cap_text(&c), P ":6: warning: SKILL.md body contains a NUL byte") != NULL);
	ck_assert(strstr(tu_cap_text(&c), P ":3:15: error: invalid YAML: invalid trailing UTF-8 octet") != NULL);
	tu_cap_close(&c);

	/* a 1 MB value */
	tu_cap_open(&c);
	size_t n = 1 << 20;
	char *big = malloc(n + 100);
	char *w = big + sprintf(big, "---\nname: s\ndescription: ");
	memset(w, 'x', n);
	strcpy(w + n, "\n---\nb\n");
	ck_assert_int_eq(fcap_parse(&c, big, strlen(big), "s"), 0);
	ck_assert_uint_eq(strlen(c.sk.description), n);
	free(big);
	tu_cap_close(&c);

	/* deep flow nesting */
	tu_cap_open(&c);
	n = 100000;
	char *deep = malloc(n + 100);
	w = deep + sprintf(deep, "---\nname: ");
	memset(w, '[', n);
	strcpy(w + n, "\n---\nb\n");
	ck_assert_int_eq(fcap_parse(&c, deep, strlen(deep), "s"), -1);
	ck_assert_str_eq(tu_cap_text(&c), P ":2:70: error: YAML nesting is deeper than 64 levels\n");
	free(deep);
	tu_cap_close(&c);

	/* billion laughs in metadata */
	tu_cap_open(&c);
	const char *lol = "---\nname: s\ndescription: d\nmetadata:\n"
			  "  a: &a [l,l,l,l,l,l,l,l,l,l]\n"
			  "  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
			  "  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
			  "  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
			  "  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
			  "  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
			  "  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
			  "---\nb\n";
	ck_assert_int_eq(fcap_parse(&c, lol, strlen(lol), "s"), -1);
	ck_assert(strstr(tu_cap_text(&c), "error: YAML document is too large") != NULL);
	tu_cap_close(&c);

	/* many unknown fields: the warnings stop, with a note */
	tu_cap_open(&c);
	char *many = malloc(64 * 1000 + 100);
	w = many + sprintf(many, "---\nname: s\ndescription: d\n");
	for (int i = 0; i < 1000; i++)
		w += sprintf(w, "k%d: v\n", i);
	strcpy(w, "---\nb\n");
	ck_assert_int_eq(fcap_parse(&c, many, strlen(many), "s"), 0);
	ck_assert_int_eq(c.d.warnings, 20);
	ck_assert(strstr(tu_cap_text(&c), P ": note: 980 more similar warnings not shown\n") != NULL);
	free(many);
	tu_cap_close(&c);
}
END_TEST

Suite *suite_frontmatter(void)
{
	Suite *s = suite_create("frontmatter");
	TCase *tc = tcase_create("frontmatter");
	tcase_add_loop_test(tc, test_cases, 0, sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_crlf_bom);
	tcase_add_test(tc, test_metadata_text);
	tcase_add_test(tc, test_long_description);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}
