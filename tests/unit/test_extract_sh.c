/* Tests for the Bash extractor: header comments, getopts, positionals, hostile input. */
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

#define P "skills/demo/scripts/x.sh"

static const struct tu_extractor SH = {ex_bash, SK_LANG_BASH, "scripts/x.sh", P};

#define NUL_SRC                                                                            \
	"# Bad \xff bytes\xc3\n"                                                             \
	"# Arguments:\n"                                                                    \
	"#   na\0me  Nul\n"                                                                 \
	"#   ok  Fine \xe2\x82\xac\n"

static const struct tu_ex_case cases[] = {
	{
		"full header with getopts",
		"#!/bin/bash\n"
		"# Report disk usage of a directory.\n"
		"# Sorted by size.\n"
		"#\n"
		"# Usage: disk_report.sh [-d depth] [-h] PATH\n"
		"#\n"
		"# Arguments:\n"
		"#   path      Directory to measure (string, required)\n"
		"# Options:\n"
		"#   -d DEPTH  Maximum depth (integer, default: 1).\n"
		"#   -v        Verbose output\n"
		"#   -h        Show this help\n"
		"set -eu\n"
		"while getopts \":d:vh\" opt; do\n"
		"  case $opt in d) D=$OPTARG;; v) V=1;; h) usage;; esac\n"
		"done\n"
		"shift $((OPTIND-1))\n"
		"du -d \"$D\" \"$1\"\n",
		0,
		"Report disk usage of a directory. Sorted by size.",
		SKC_ARGS_FLAGS,
		"depth integer opt -d value 1 - \"Maximum depth.\"\n"
		"v boolean opt -v switch - - \"Verbose output\"\n"
		"path string req - value - - \"Directory to measure\"\n",
		"",
	},
	{
		"positional arguments only, optional from usage",
		"#!/usr/bin/env bash\n"
		"\n"
		"# greet.sh - Say hello.\n"
		"#\n"
		"# Usage: greet.sh NAME [count]\n"
		"# Args:\n"
		"#   name - Who to greet\n"
		"#   count\tHow many times (int, default: 3)\n"
		"#     and more text.\n"
		"echo \"$1\" \"${2:-3}\"\n",
		0,
		"Say hello.",
		SKC_ARGS_ARGV,
		"name string req - value - - \"Who to greet\"\n"
		"count integer opt - value 3 - \"How many times and more text.\"\n",
		"",
	},
	{
		"long options without getopts, enums and types",
		"#!/bin/bash\n"
		"# Convert a file.\n"
		"#\n"
		"# OPTIONS:\n"
		"#   -f, --format FMT   Output format, one of: text, json.\n"
		"#   --dry-run          Only print (boolean)\n"
		"#   --level=<n>        Level (type: number, default: 2.5)\n"
		"#   --mode MODE        Mode (one of: \"a\", b | c)\n"
		"#   -x                 Extra\n"
		"#\n"
		"# Parameters:\n"
		"#   <files...>  Files to convert (optional)\n"
		"while [ $# -gt 0 ]; do case $1 in --format) F=$2; shift;; esac; shift; done\n",
		0,
		"Convert a file.",
		SKC_ARGS_FLAGS,
		"format string opt --format value - \"text\",\"json\" \"Output format, one of: text, json.\"\n"
		"dry_run boolean opt --dry-run switch - - \"Only print\"\n"
		"level number opt --level value 2.5 - \"Level\"\n"
		"mode string opt --mode value - \"a\",\"b\",\"c\" \"Mode\"\n"
		"x boolean opt -x switch - - \"Extra\"\n"
		"files array<string> opt - value - - \"Files to convert\"\n",
		"",
	},
	{
		"getopts undocumented letters and unused documented option",
		"#!/bin/sh\n"
		"# Do a thing.\n"
		"# Options:\n"
		"#   -q   Quiet\n"
		"#   -o FILE  Output file\n"
		"getopts 'ab:o:h' opt\n",
		0,
		"Do a thing.",
		SKC_ARGS_FLAGS,
		"a boolean opt -a switch - - \"\"\n"
		"b string opt -b value - - \"\"\n"
		"file string opt -o value - - \"Output file\"\n",
		P ":6:9: warning: option '-a' of 'x' is not documented in the header comment\n" P
		  ":6:9: warning: option '-b' of 'x' is not documented in the header comment\n" P
		  ":4:5: warning: option '-q' of 'x' is documented but not handled by getopts\n",
	},
	{
		"getopts h taking a value is a parameter",
		"# Connect.\n"
		"# Options:\n"
		"#   -h HOST  Host name (default: localhost)\n"
		"getopts h: o\n",
		0,
		"Connect.",
		SKC_ARGS_FLAGS,
		"host string opt -h value \"localhost\" - \"Host name\"\n",
		"",
	},
	{
		"undocumented positionals",
		"#!/bin/bash\n"
		"# Copy things.\n"
		"log() { echo \"$1\" \"$4\"; }\n"
		"main() {\n"
		"  cp \"$1\" \"${2}\"\n"
		"}\n"
		"main \"$@\"\n",
		0,
		"Copy things.",
		SKC_ARGS_ARGV,
		"arg1 string req - value - - \"\"\n"
		"arg2 string req - value - - \"\"\n",
		P ":5:7: warning: argument 1 of 'x' is not described; calling it 'arg1' (add a 'Usage:' line or a comment)\n"
		P ":5:12: warning: argument 2 of 'x' is not described; calling it 'arg2' (add a 'Usage:' line or a comment)\n",
	},
	{
		"varargs only",
		"# Echo all.\n"
		"printf '%s\\n' \"$@\"\n",
		0,
		"Echo all.",
		SKC_ARGS_ARGV,
		"args array<string> opt - value - - \"\"\n",
		P ":2:16: warning: positional arguments of 'x' are not documented; describe them in an "
		  "'Arguments:' section of the header comment\n",
	},
	{
		"no header, no arguments",
		"#!/bin/bash\n"
		"echo hi\n"
		"# not a header\n",
		0,
		NULL,
		SKC_ARGS_ARGV,
		"",
		P ":1:1: warning: tool 'x' has no description; add a header comment\n",
	},
	{
		"description section, other sections, duplicates",
		"# Usage: x.sh a\n"
		"# Description: Adds numbers\n"
		"#   together.\n"
		"# Examples:\n"
		"#   x.sh 1\n"
		"# Arguments:\n"
		"#   a  First\n"
		"#   A  Again\n"
		"#   b  (optional, default: 0)\n"
		"#\n"
		"# Free text is not the description here.\n"
		"echo $1\n",
		0,
		"Adds numbers together.",
		SKC_ARGS_ARGV,
		"a string req - value - - \"First\"\n"
		"b string opt - value \"0\" - \"\"\n",
		P ":8:5: warning: duplicate parameter 'a' of 'x'; the first is kept\n" P
		  ":7:5: note: first defined here\n",
	},
	{
		"bad default and enum values",
		"# Bad hints.\n"
		"# Options:\n"
		"#   -n N  Count (integer, default: lots, one of: 1, two)\n",
		0,
		"Bad hints.",
		SKC_ARGS_FLAGS,
		"n integer opt -n value - 1 \"Count\"\n",
		P ":3:5: warning: default 'lots' of 'n' is not a valid integer; ignored\n" P
		  ":3:5: warning: value 'two' of 'n' is not a valid integer; ignored\n",
	},
	{
		"CRLF line endings",
		"#!/bin/bash\r\n"
		"# Windows tool.\r\n"
		"# Arguments:\r\n"
		"#   file  The file (required)\r\n"
		"cat \"$1\"\r\n",
		0,
		"Windows tool.",
		SKC_ARGS_ARGV,
		"file string req - value - - \"The file\"\n",
		NULL, /* the grammar may or may not accept the CRs */
	},
	{
		"syntax error still extracts",
		"#!/bin/bash\n"
		"# Broken script.\n"
		"# Arguments:\n"
		"#   x  Thing\n"
		"if then fi ((( }\n"
		"echo $1\n",
		0,
		"Broken script.",
		SKC_ARGS_ARGV,
		"x string req - value - - \"Thing\"\n",
		"*syntax error in 'scripts/x.sh'\n",
	},
	{
		"NUL bytes and invalid UTF-8",
		NUL_SRC,
		sizeof NUL_SRC - 1,
		"Bad \xef\xbf\xbd bytes\xef\xbf\xbd",
		SKC_ARGS_ARGV,
		"na string req - value - - \"\"\n",
		P ":3:7: warning: syntax error in 'scripts/x.sh'\n",
	},
	{
		"getopts spec built at run time is not read",
		"# Dyn.\n"
		"getopts \"$SPEC\" o\n",
		0,
		"Dyn.",
		SKC_ARGS_ARGV,
		"",
		"",
	},
	{
		"empty file",
		"",
		0,
		NULL,
		SKC_ARGS_ARGV,
		"",
		P ":1:1: warning: tool 'x' has no description; add a header comment\n",
	},
};

START_TEST(test_case)
{
	tu_ex_check(&SH, &cases[_i]);
}
END_TEST

/* Hostile sizes: deep nesting, long lines, many comment lines; no crash, bounded work. */
START_TEST(test_hostile)
{
	static const char *unit[] = {"$(", "{ ", "((", "\"$(", "# x\n", "-", "a "};
	tu_ex_hostile(&SH, "# Deep.\n", unit[_i]);
}
END_TEST

/* Past one parse segment: line numbers stay those of the file. */
START_TEST(test_big_file)
{
	size_t cap = 200000, used = 0;
	char *src = malloc(cap);
	used += (size_t)sprintf(src, "#!/bin/bash\n# Big one.\n# Options:\n#   -x VAL  Ex\n");
	unsigned lines = 4;
	while (used < 150000) {
		used += (size_t)sprintf(src + used, "echo filler line %u\n", lines);
		lines++;
	}
	used += (size_t)sprintf(src + used, "while getopts 'x:y' o; do :; done\n");

	struct tu_cap dc;
	struct sk_tool t;
	tu_cap_open(&dc);
	tu_extract(&dc, &t, &SH, src, used);
	const char *text = tu_cap_text(&dc);
	char *want = NULL;
	if (asprintf(&want, P ":%u:15: warning: option '-y' of 'x' is not documented in the header "
			    "comment\n", lines + 1) < 0)
		ck_abort();
	ck_assert_str_eq(text, want);
	ck_assert_str_eq(t.description, "Big one.");
	ck_assert_uint_eq(t.n_params, 2);
	ck_assert_str_eq(t.params[0].name, "val");
	ck_assert_uint_eq(t.params[0].loc.line, 4);
	ck_assert_str_eq(t.params[1].name, "y");
	free(want);
	free(src);
	tu_cap_close(&dc);
}
END_TEST

/* Thousands of documented arguments: capped, one warning. */
START_TEST(test_many_params)
{
	size_t cap = 400000, used = 0;
	char *src = malloc(cap);
	used += (size_t)sprintf(src, "# Many.\n# Arguments:\n");
	for (int i = 0; i < 5000; i++)
		used += (size_t)sprintf(src + used, "#   a%d  Thing %d\n", i, i);
	struct tu_cap dc;
	struct sk_tool t;
	tu_cap_open(&dc);
	tu_extract(&dc, &t, &SH, src, used);
	const char *text = tu_cap_text(&dc);
	ck_assert_uint_eq(t.n_params, 256);
	ck_assert_str_eq(text, P ":259:5: warning: 'x' declares more than 256 parameters; the rest "
				 "are ignored\n");
	free(src);
	tu_cap_close(&dc);
}
END_TEST

/* Scripts that read $1.. without documenting them in the header. */
static const struct tu_ex_case argv_cases[] = {
	{
		"argv: assignments, default, count check, heredoc usage",
		"#!/bin/bash\n"
		"# Split a PDF.\n"
		"usage() {\n"
		"  cat <<EOF\n"
		"Usage: $(basename \"$0\") <input.pdf> <pages-per-chunk> [out dir]\n"
		"EOF\n"
		"}\n"
		"if [ \"$#\" -lt 2 ]; then usage; exit 2; fi\n"
		"input=\"$1\"\n"
		"local_n=$2   # pages in each chunk\n"
		"outdir=${3:-\"chunks dir\"}\n",
		0,
		"Split a PDF.",
		SKC_ARGS_ARGV,
		"input string req - value - - \"input.pdf\"\n"
		"local_n string req - value - - \"pages in each chunk\"\n"
		"outdir string opt - value \"chunks dir\" - \"out dir\"\n",
		"",
	},
	{
		"argv: arithmetic count, braces, local, guard",
		"#!/bin/bash\n"
		"# Raw.\n"
		"(( $# != 3 )) && exit 1\n"
		"f() { local a=\"$1\"; }\n"
		"f \"$@\"\n"
		"b=${2}\n"
		"echo \"$3\"\n"
		"if [[ $# -ge 4 ]]; then extra=$4; else extra=none; fi\n",
		0,
		"Raw.",
		SKC_ARGS_ARGV,
		"a string req - value - - \"\"\n"
		"b string req - value - - \"\"\n"
		"arg3 string req - value - - \"\"\n"
		"extra string opt - value - - \"\"\n",
		P ":4:16: warning: argument 1 of 'x' is not described; calling it 'a' (add a 'Usage:' line or a comment)\n"
		P ":6:3: warning: argument 2 of 'x' is not described; calling it 'b' (add a 'Usage:' line or a comment)\n"
		P ":7:7: warning: argument 3 of 'x' is not described; calling it 'arg3' (add a 'Usage:' line or a comment)\n"
		P ":8:31: warning: argument 4 of 'x' is not described; calling it 'extra' (add a 'Usage:' line or a comment)\n",
	},
	{
		"argv: -z test, echo usage, upper-case variable",
		"#!/bin/bash\n"
		"# Create a project.\n"
		"if [ -z \"$1\" ]; then\n"
		"  echo \"\xe2\x9d\x8c Usage: ./init.sh <project-name>\"\n"
		"  exit 1\n"
		"fi\n"
		"PROJECT_NAME=\"$1\"\n"
		"[ -n \"$2\" ] && cp -r \"$2\" \"$PROJECT_NAME\"\n",
		0,
		"Create a project.",
		SKC_ARGS_ARGV,
		"project_name string req - value - - \"project-name\"\n"
		"arg2 string opt - value - - \"\"\n",
		P ":8:7: warning: argument 2 of 'x' is not described; calling it 'arg2' (add a 'Usage:' line or a comment)\n",
	},
	{
		"argv: printf usage, reversed count, default",
		"#!/bin/sh\n"
		"# Convert.\n"
		"[ 2 -gt $# ] && { printf 'Usage: %s SRC DST [mode]\\n' \"$0\" >&2; exit 2; }\n"
		"convert \"$1\" \"$2\" \"${3:-fast}\"\n",
		0,
		"Convert.",
		SKC_ARGS_ARGV,
		"src string req - value - - \"SRC\"\n"
		"dst string req - value - - \"DST\"\n"
		"mode string opt - value \"fast\" - \"mode\"\n",
		"",
	},
	{
		"argv: a header usage line names them",
		"#!/bin/bash\n"
		"# Fetch a page.\n"
		"#\n"
		"# Usage:\n"
		"#   fetch.sh <url> [retries]\n"
		"curl --retry \"${2:-3}\" \"$1\"\n",
		0,
		"Fetch a page.",
		SKC_ARGS_ARGV,
		"url string req - value - - \"url\"\n"
		"retries string opt - value \"3\" - \"retries\"\n",
		"",
	},
	{
		"argv: hostile indexes and counts",
		"#!/bin/bash\n"
		"# Odd.\n"
		"[ $# -lt 99999999999 ] && exit\n"
		"echo \"${99999999999}\" \"$40\" \"$0\" \"$1\"\n",
		0,
		"Odd.",
		SKC_ARGS_ARGV,
		"arg1 string req - value - - \"\"\n",
		P ":4:24: warning: argument 40 of 'x' is beyond the 32 positional arguments a tool may take; ignored\n"
		P ":4:35: warning: argument 1 of 'x' is not described; calling it 'arg1' (add a 'Usage:' line or a comment)\n",
	},
};

START_TEST(test_argv_case)
{
	tu_ex_check(&SH, &argv_cases[_i]);
}
END_TEST

/* A usage text of 10,000 words: capped at the positional limit, one warning. */
START_TEST(test_argv_long_usage)
{
	size_t cap = 200000, used = 0;
	char *src = malloc(cap);
	used += (size_t)sprintf(src, "# Long.\necho \"$1\"\necho \"Usage: long.sh");
	for (int i = 0; i < 10000; i++)
		used += (size_t)sprintf(src + used, " w%d", i);
	used += (size_t)sprintf(src + used, "\"\n");
	struct tu_cap dc;
	struct sk_tool t;
	tu_cap_open(&dc);
	tu_extract(&dc, &t, &SH, src, used);
	ck_assert_uint_eq(t.n_params, 32);
	ck_assert_str_eq(t.params[31].name, "w31");
	ck_assert_str_eq(tu_cap_text(&dc), P ":3:6: warning: usage of 'x' names more than 32 arguments; "
					   "the rest are ignored\n");
	free(src);
	tu_cap_close(&dc);
}
END_TEST

Suite *suite_extract_sh(void)
{
	Suite *s = suite_create("extract_sh");
	TCase *tc = tcase_create("cases");
	tcase_add_loop_test(tc, test_case, 0, (int)(sizeof cases / sizeof cases[0]));
	suite_add_tcase(s, tc);
	TCase *ta = tcase_create("argv");
	tcase_add_loop_test(ta, test_argv_case, 0, (int)(sizeof argv_cases / sizeof argv_cases[0]));
	tcase_add_test(ta, test_argv_long_usage);
	suite_add_tcase(s, ta);
	TCase *th = tcase_create("hostile");
	tcase_set_timeout(th, 60);
	tcase_add_loop_test(th, test_hostile, 0, 7);
	tcase_add_test(th, test_big_file);
	tcase_add_test(th, test_many_params);
	suite_add_tcase(s, th);
	return s;
}
