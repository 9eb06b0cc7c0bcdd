/* Tests for the JavaScript extractor: JSDoc, argument styles, hostile input. */
#define _GNU_SOURCE /* asprintf */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "model.h"
#include "testutil.h"

#define P "skills/demo/scripts/x.js"

static const struct tu_extractor JS = {ex_js, SK_LANG_JS, "scripts/x.js", P};

#define NUL_SRC                                                                            \
	"/**\n * Bad \xff bytes\xc3 and a \0 NUL.\n * @param {string} a\0b - x\n */\n"                     \
	"function main(a) {}\nmain(process.argv[2]);\n"

static const struct tu_ex_case cases[] = {
	{
		"main with JSDoc, argv",
		"#!/usr/bin/env node\n"
		"'use strict';\n"
		"/**\n"
		" * Greet someone.\n"
		" * Politely.\n"
		" *\n"
		" * More details here.\n"
		" * @param {string} name - Who to greet\n"
		" * @param {integer} [times=2] How many\n"
		" *   times over.\n"
		" * @param {'en'|\"fr\"} [lang] - Language\n"
		" * @param {number=} ratio\n"
		" * @returns {void}\n"
		" */\n"
		"async function main(name, times, lang, ratio) {}\n"
		"main(...process.argv.slice(2));\n",
		0,
		"Greet someone. Politely.",
		SKC_ARGS_ARGV,
		"name string req - value - - \"Who to greet\"\n"
		"times integer opt - value 2 - \"How many times over.\"\n"
		"lang string opt - value - \"en\",\"fr\" \"Language\"\n"
		"ratio number opt - value - - \"\"\n",
		"",
	},
	{
		"parseArgs options",
		"import { parseArgs } from 'node:util';\n"
		"/**\n"
		" * @description Search files.\n"
		" * @param {string} pattern - What to find\n"
		" * @param {number} max-count - Stop after this many\n"
		" * @param {boolean} ignoreCase - Ignore case\n"
		" * @param {string[]} include - Globs\n"
		" * @param {string} root - Where to start\n"
		" */\n"
		"export function main() {\n"
		"  const options = {\n"
		"    pattern: { type: 'string', short: 'p' },\n"
		"    'max-count': { type: 'string', default: '10' },\n"
		"    'ignore-case': { type: 'boolean', short: 'i' },\n"
		"    include: { type: 'string', multiple: true, default: ['*.c', \"*.h\"] },\n"
		"  };\n"
		"  const { values, positionals } = parseArgs({ options, allowPositionals: true });\n"
		"}\n",
		0,
		"Search files.",
		SKC_ARGS_FLAGS,
		"pattern string req --pattern value - - \"What to find\"\n"
		"max_count number opt --max-count value \"10\" - \"Stop after this many\"\n"
		"ignore_case boolean opt --ignore-case switch - - \"Ignore case\"\n"
		"include array<string> opt --include repeat [\"*.c\",\"*.h\"] - \"Globs\"\n"
		"root string req - value - - \"Where to start\"\n",
		"",
	},
	{
		"parseArgs without positionals warns on extra params",
		"const { parseArgs } = require('util');\n"
		"/** Tool. @param {string} x - X\n"
		" * @param {string} y - Y */\n"
		"const main = () => util.parseArgs({ options: { x: { type: 'string' } } });\n",
		0,
		"Tool.",
		SKC_ARGS_FLAGS,
		"x string req --x value - - \"X\"\n",
		P ":3:20: warning: parameter 'y' of 'x' is documented but is not a parseArgs option\n",
	},
	{
		"json on stdin with args.x entries",
		"/**\n"
		" * @file Sum numbers from JSON.\n"
		" */\n"
		"const fs = require('fs');\n"
		"/**\n"
		" * @param {object} args\n"
		" * @param {number[]} args.values - Numbers\n"
		" * @param {boolean} [args.round=false] - Round\n"
		" * @param {string} args.deep.x - ignored\n"
		" */\n"
		"function main(args) {}\n"
		"main(JSON.parse(fs.readFileSync(0, 'utf8')));\n",
		0,
		"Sum numbers from JSON.",
		SKC_ARGS_JSON,
		"values array<number> req - value - - \"Numbers\"\n"
		"round boolean opt - value false - \"Round\"\n",
		"",
	},
	{
		"json fields documented on a helper",
		"/**\n * @fileoverview Convert temperatures.\n */\n"
		"const fs = require('fs');\n"
		"/**\n * @param {Object} input\n * @param {number} input.value - The temperature\n"
		" * @param {'C'|'F'} [input.unit='C'] - Unit\n */\n"
		"function convert(input) {}\n"
		"console.log(convert(JSON.parse(fs.readFileSync('/dev/stdin', 'utf8'))));\n",
		0,
		"Convert temperatures.",
		SKC_ARGS_JSON,
		"value number req - value - - \"The temperature\"\n"
		"unit string opt - value \"C\" \"C\",\"F\" \"Unit\"\n",
		"",
	},
	{
		"json from process.stdin with plain params",
		"/** Echo JSON. @param {string} text */\n"
		"let d = '';\n"
		"process.stdin.on('data', c => d += c);\n"
		"process.stdin.on('end', () => console.log(JSON.parse(d).text));\n",
		0,
		"Echo JSON.",
		SKC_ARGS_JSON,
		"text string req - value - - \"\"\n",
		"",
	},
	{
		"manual flags",
		"/**\n * Deploy.\n * @param {string} env - Target\n * @param {boolean} force\n"
		" * @param {Array<int>} ids\n */\n"
		"const a = process.argv;\n"
		"for (let i = 2; i < a.length; i++) if (a[i] === '--env') env = a[++i];\n",
		0,
		"Deploy.",
		SKC_ARGS_FLAGS,
		"env string opt --env value - - \"Target\"\n"
		"force boolean opt --force switch - - \"\"\n"
		"ids array<integer> opt --ids repeat - - \"\"\n",
		"",
	},
	{
		"unknown types and duplicates, no argument reading",
		"/**\n * Odd.\n * @param {*} a\n * @param {Object} b\n * @param {string} a\n"
		" * @param {string} opts.x - dotted, ignored\n"
		" * @param {integer} [n=abc]\n */\n"
		"function main(a, b) {}\n",
		0,
		"Odd.",
		SKC_ARGS_ARGV,
		"a string req - value - - \"\"\n"
		"b string req - value - - \"\"\n"
		"n integer opt - value - - \"\"\n",
		P ":3:15: warning: type '*' of parameter 'a' of 'x' is not supported; using string\n" P
		  ":4:20: warning: type 'Object' of parameter 'b' of 'x' is not supported; using "
		  "string\n" P
		  ":5:20: warning: duplicate parameter 'a' of 'x'; the first is kept\n" P
		  ":3:15: note: first defined here\n" P
		  ":7:21: warning: default 'abc' of 'n' is not a valid integer; ignored\n" P
		  ":1:1: warning: cannot tell how 'x' reads its arguments; set 'args:' in a manifest "
		  "(flags, argv or json)\n",
	},
	{
		"undocumented argv",
		"// no jsdoc\nconst [a, b] = [process.argv[2], process.argv[3]];\n",
		0,
		NULL,
		SKC_ARGS_ARGV,
		"arg1 string req - value - - \"\"\n"
		"arg2 string req - value - - \"\"\n",
		P ":1:1: warning: tool 'x' has no description; add a JSDoc comment\n" P
		  ":2:17: warning: positional arguments of 'x' are not documented; add @param tags "
		  "to its JSDoc comment\n",
	},
	{
		"doc of a helper is not the tool's",
		"/** Adds. @param {number} a */\n"
		"function add(a) {}\n"
		"/** The tool. */\n"
		"console.log(add(1));\n",
		0,
		"The tool.",
		SKC_ARGS_ARGV,
		"",
		"",
	},
	{
		"syntax error, CRLF",
		"/**\r\n * Broken.\r\n * @param {string} s - S\r\n */\r\nfunction main(s) { if ( }\r\n"
		"main(process.argv[2]);\r\n",
		0,
		"Broken.",
		SKC_ARGS_ARGV,
		"s string req - value - - \"S\"\n",
		"*syntax error in 'scripts/x.js'\n",
	},
	{
		"NUL byte inside the JSDoc ends it",
		NUL_SRC,
		sizeof NUL_SRC - 1,
		NULL,
		SKC_ARGS_ARGV,
		"arg1 string req - value - - \"\"\n",
		P ":1:4: warning: syntax error in 'scripts/x.js'\n" P
		  ":1:1: warning: tool 'x' has no description; add a JSDoc comment\n" P
		  ":6:6: warning: positional arguments of 'x' are not documented; add @param tags "
		  "to its JSDoc comment\n",
	},
	{
		"invalid UTF-8",
		"/**\n * Bad \xff bytes\xc3 here.\n * @param {string} a - \xe2\x82 x\n */\n"
		"function main(a) {}\nmain(process.argv[2]);\n",
		0,
		"Bad \xef\xbf\xbd bytes\xef\xbf\xbd here.",
		SKC_ARGS_ARGV,
		"a string req - value - - \"\xef\xbf\xbd\xef\xbf\xbd x\"\n",
		"",
	},
	{
		"empty file",
		"",
		0,
		NULL,
		SKC_ARGS_ARGV,
		"",
		P ":1:1: warning: tool 'x' has no description; add a JSDoc comment\n",
	},
	{
		"unterminated JSDoc",
		"/** Never closed\n * @param {string",
		0,
		NULL,
		SKC_ARGS_ARGV,
		"",
		P ":1:1: warning: syntax error in 'scripts/x.js'\n" P
		  ":1:1: warning: tool 'x' has no description; add a JSDoc comment\n",
	},
};

START_TEST(test_case)
{
	tu_ex_check(&JS, &cases[_i]);
}
END_TEST

/* Hostile sizes: deep nesting, long lines, many comment lines; no crash, bounded work. */
START_TEST(test_hostile)
{
	static const char *unit[] = {"(", "[", "{", "a=", "!", "/** x */\n", "`${"};
	tu_ex_hostile(&JS, "/** Deep. */\n", unit[_i]);
}
END_TEST

/* Past one parse segment: main's JSDoc near the end, lines of the file. */
START_TEST(test_big_file)
{
	size_t cap = 200000, used = 0;
	char *src = malloc(cap);
	unsigned lines = 0;
	while (used < 150000) {
		used += (size_t)sprintf(src + used, "console.log('filler %u');\n", lines);
		lines++;
	}
	used += (size_t)sprintf(src + used, "/**\n * Late.\n * @param {*} v\n */\n"
					    "function main(v) {}\nmain(process.argv[2]);\n");

	struct tu_cap dc;
	struct sk_tool t;
	tu_cap_open(&dc);
	tu_extract(&dc, &t, &JS, src, used);
	const char *text = tu_cap_text(&dc);
	char *want = NULL;
	if (asprintf(&want, P ":%u:15: warning: type '*' of parameter 'v' of 'x' is not supported; "
			    "using string\n", lines + 3) < 0)
		ck_abort();
	ck_assert_str_eq(text, want);
	ck_assert_str_eq(t.description, "Late.");
	ck_assert_uint_eq(t.n_params, 1);
	ck_assert_int_eq(t.args, SKC_ARGS_ARGV);
	free(want);
	free(src);
	tu_cap_close(&dc);
}
END_TEST

/* Thousands of @param tags: capped, one warning. */
START_TEST(test_many_params)
{
	size_t cap = 400000, used = 0;
	char *src = malloc(cap);
	used += (size_t)sprintf(src, "/**\n * Many.\n");
	for (int i = 0; i < 3000; i++)
		used += (size_t)sprintf(src + used, " * @param a%d\n", i);
	used += (size_t)sprintf(src + used, " */\nfunction main() {}\nprocess.argv;\n");
	struct tu_cap dc;
	struct sk_tool t;
	tu_cap_open(&dc);
	tu_extract(&dc, &t, &JS, src, used);
	const char *text = tu_cap_text(&dc);
	ck_assert_uint_eq(t.n_params, 256);
	ck_assert_str_eq(text, P ":259:11: warning: 'x' declares more than 256 parameters; the rest "
				 "are ignored\n");
	free(src);
	tu_cap_close(&dc);
}
END_TEST

Suite *suite_extract_js(void)
{
	Suite *s = suite_create("extract_js");
	TCase *tc = tcase_create("cases");
	tcase_add_loop_test(tc, test_case, 0, (int)(sizeof cases / sizeof cases[0]));
	suite_add_tcase(s, tc);
	TCase *th = tcase_create("hostile");
	tcase_set_timeout(th, 60);
	tcase_add_loop_test(th, test_hostile, 0, 7);
	tcase_add_test(th, test_big_file);
	tcase_add_test(th, test_many_params);
	suite_add_tcase(s, th);
	return s;
}
