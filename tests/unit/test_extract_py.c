/* Tests for the Python extractor: docstrings, hints, argparse, hostile input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "model.h"
#include "testutil.h"

#define PATH "skills/demo/scripts/x.py"

struct py_run {
	struct arena arena;
	struct diag diag;
	struct sk_tool tool;
	FILE *out;
	char *text;
	size_t text_len;
};

static void py_run(struct py_run *r, const char *src, size_t len)
{
	memset(r, 0, sizeof *r);
	arena_init(&r->arena);
	r->out = open_memstream(&r->text, &r->text_len);
	ck_assert_ptr_nonnull(r->out);
	diag_init(&r->diag, r->out);
	r->tool.name = "x";
	r->tool.script = "scripts/x.py";
	r->tool.lang = SK_LANG_PYTHON;
	r->tool.loc.path = PATH;
	r->tool.loc.line = 1;
	r->tool.loc.col = 1;
	struct ex_ctx cx = {&r->arena, &r->diag};
	ex_python(&cx, &r->tool, src, len);
	fflush(r->out);
}

static void py_done(struct py_run *r)
{
	fclose(r->out);
	free(r->text);
	arena_release(&r->arena);
}

struct py_case {
	const char *what;
	const char *src;
	const char *desc;   /* NULL: none expected */
	int args;           /* enum skc_args, -1: left alone (library) */
	int args_from;      /* enum sk_origin */
	const char *params; /* tu_dump_params text */
	const char *diags;  /* exact diagnostics */
};

static const struct py_case cases[] = {
	{
		"signature with every hint form",
		"#!/usr/bin/env python3\n"
		"\"\"\"Resize images.\n"
		"\n"
		"More detail here.\n"
		"\"\"\"\n"
		"import sys\n"
		"from typing import List, Literal, Optional, Union\n"
		"\n"
		"\n"
		"def main(path: str, width: int, scale: float = 1.5, fast: bool = False,\n"
		"         tags: list[int] = [1, 2], names: List[str] | None = None,\n"
		"         mode: Literal[\"fit\", \"fill\"] = \"fit\", level: Literal[1, 2, 3] = 2,\n"
		"         label: Optional[str] = None, note: \"str | None\" = None,\n"
		"         alt: Union[str, None], size: int | None, where: typing.Optional[Path] = None,\n"
		"         seq: Sequence[float] = (), mix: Union[int, float] = 0, *args, **kwargs):\n"
		"    pass\n"
		"\n"
		"\n"
		"if __name__ == \"__main__\":\n"
		"    main(*sys.argv[1:])\n",
		"Resize images.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"path string req - value - - @10:10 \"\"\n"
		"width integer req - value - - @10:21 \"\"\n"
		"scale number opt - value 1.5 - @10:33 \"\"\n"
		"fast boolean opt - value false - @10:53 \"\"\n"
		"tags array<integer> opt - value [1,2] - @11:10 \"\"\n"
		"names array<string> opt - value - - @11:36 \"\"\n"
		"mode string opt - value \"fit\" \"fit\",\"fill\" @12:10 \"\"\n"
		"level integer opt - value 2 1,2,3 @12:48 \"\"\n"
		"label string opt - value - - @13:10 \"\"\n"
		"note string opt - value - - @13:39 \"\"\n"
		"alt string opt - value - - @14:10 \"\"\n"
		"size integer opt - value - - @14:33 \"\"\n"
		"where string opt - value - - @14:51 \"\"\n"
		"seq array<number> opt - value [] - @15:10 \"\"\n"
		"mix number opt - value 0 - @15:37 \"\"\n",
		PATH ":10:1: warning: no parameter of tool 'x' has a description; document them in the docstring of 'main'\n",
	},
	{
		"google docstring, json on stdin, description from main",
		"import json, sys\n"
		"\n"
		"def main(query, limit: int = 10, verbose=False, *, kind: str = 'all'):\n"
		"    \"\"\"Search the index\n"
		"    for documents.\n"
		"\n"
		"    Args:\n"
		"        query (str): What to look for,\n"
		"            in plain words.\n"
		"        limit: How many results.\n"
		"        verbose (bool, optional): Say more.\n"
		"        **kwargs: Ignored.\n"
		"\n"
		"    Returns:\n"
		"        A list.\n"
		"    \"\"\"\n"
		"\n"
		"if __name__ == \"__main__\":\n"
		"    print(json.dumps(main(**json.load(sys.stdin))))\n",
		"Search the index for documents.",
		SKC_ARGS_JSON,
		SK_FROM_SCRIPT,
		"query string req - value - - @3:10 \"What to look for, in plain words.\"\n"
		"limit integer opt - value 10 - @3:17 \"How many results.\"\n"
		"verbose boolean opt - value false - @3:34 \"Say more.\"\n"
		"kind string opt - value \"all\" - @3:52 \"\"\n",
		"",
	},
	{
		"numpy docstring",
		"'''Compute stats.'''\n"
		"import sys\n"
		"\n"
		"def main(values: list[float], ddof: int = 0, method=\"mean\"):\n"
		"    \"\"\"Compute.\n"
		"\n"
		"    Parameters\n"
		"    ----------\n"
		"    values : list of float\n"
		"        The numbers.\n"
		"    ddof : int, optional\n"
		"        Delta degrees\n"
		"        of freedom.\n"
		"    method : {'mean', 'median'}\n"
		"        Which statistic.\n"
		"\n"
		"    Returns\n"
		"    -------\n"
		"    float\n"
		"        The value.\n"
		"    \"\"\"\n"
		"\n"
		"if __name__ == '__main__':\n"
		"    main(sys.argv[1:])\n",
		"Compute stats.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"values array<number> req - value - - @4:10 \"The numbers.\"\n"
		"ddof integer opt - value 0 - @4:31 \"Delta degrees of freedom.\"\n"
		"method string opt - value \"mean\" - @4:46 \"Which statistic.\"\n",
		"",
	},
	{
		"sphinx docstring with :type:",
		"\"\"\"Greet someone.\"\"\"\n"
		"import sys\n"
		"\n"
		"def main(name, times=1, loud: bool = False, x=None):\n"
		"    \"\"\"Say hello.\n"
		"\n"
		"    :param name: Who to greet.\n"
		"    :type name: str\n"
		"    :param int times: How many\n"
		"        times.\n"
		"    :param loud: Shout.\n"
		"    :param x: Anything.\n"
		"    :type x: list[int]\n"
		"    \"\"\"\n"
		"\n"
		"if __name__ == \"__main__\":\n"
		"    main(*sys.argv[1:])\n",
		"Greet someone.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"name string req - value - - @4:10 \"Who to greet.\"\n"
		"times integer opt - value 1 - @4:16 \"How many times.\"\n"
		"loud boolean opt - value false - @4:25 \"Shout.\"\n"
		"x array<integer> opt - value - - @4:45 \"Anything.\"\n",
		"",
	},
	{
		"argparse with every feature",
		"#!/usr/bin/env python3\n"
		"\"\"\"Convert files.\n"
		"\n"
		"Details.\n"
		"\"\"\"\n"
		"import argparse\n"
		"from pathlib import Path\n"
		"\n"
		"\n"
		"def build():\n"
		"    p = argparse.ArgumentParser(description=\"Not used: the module has a docstring.\")\n"
		"    p.add_argument(\"src\", type=Path, help=\"Input file.\")\n"
		"    p.add_argument(\"extra\", nargs=\"*\", help=\"More inputs.\")\n"
		"    p.add_argument(\"maybe\", nargs=\"?\", default=\"x\")\n"
		"    p.add_argument(\"-o\", \"--out-file\", dest=\"output\", required=True,\n"
		"                   help=\"Where to write \"\n"
		"                        \"the result (default: %(default)s).\")\n"
		"    p.add_argument(\"-n\", type=int, default=3, help=\"Count.\")\n"
		"    p.add_argument(\"--ratio\", type=float, default=\"0.5\")\n"
		"    p.add_argument(\"--format\", choices=[\"json\", \"csv\"], default=\"json\")\n"
		"    p.add_argument(\"--level\", type=int, choices=(1, 2, 3))\n"
		"    p.add_argument(\"-v\", \"--verbose\", action=\"store_true\", help=\"Chatty.\")\n"
		"    p.add_argument(\"--no-cache\", dest=\"cache\", action=\"store_false\")\n"
		"    p.add_argument(\"--tag\", action=\"append\", help=\"Tag; 100%% repeatable.\")\n"
		"    p.add_argument(\"--sizes\", nargs=\"+\", type=int)\n"
		"    p.add_argument(\"--pair\", nargs=2)\n"
		"    p.add_argument(\"-q\", action=\"count\", default=0)\n"
		"    p.add_argument(\"--secret\", help=argparse.SUPPRESS)\n"
		"    p.add_argument(\"--version\", action=\"version\", version=\"1\")\n"
		"    p.add_argument(\"-h\", \"--help\", action=\"help\")\n"
		"    g = p.add_argument_group(\"extra\")\n"
		"    g.add_argument(\"--grouped\", default=None)\n"
		"    g.add_argument(\"--color\", action=argparse.BooleanOptionalAction)\n"
		"    p.add_argument(\"--limit\", type=int, default=-5, choices=[-5, 5])\n"
		"    p.add_argument(\"-o\", \"--out-file\", dest=\"output\")\n"
		"    return p\n"
		"\n"
		"\n"
		"if __name__ == \"__main__\":\n"
		"    build().parse_args()\n",
		"Convert files.",
		SKC_ARGS_FLAGS,
		SK_FROM_SCRIPT,
		"src string req - value - - @12:5 \"Input file.\"\n"
		"extra array<string> opt - value - - @13:5 \"More inputs.\"\n"
		"maybe string opt - value \"x\" - @14:5 \"\"\n"
		"output string req --out-file value - - @15:5 \"Where to write the result (default: %(default)s).\"\n"
		"n integer opt -n value 3 - @18:5 \"Count.\"\n"
		"ratio number opt --ratio value 0.5 - @19:5 \"\"\n"
		"format string opt --format value \"json\" \"json\",\"csv\" @20:5 \"\"\n"
		"level integer opt --level value - 1,2,3 @21:5 \"\"\n"
		"verbose boolean opt --verbose switch false - @22:5 \"Chatty.\"\n"
		"no_cache boolean opt --no-cache switch false - @23:5 \"\"\n"
		"tag array<string> opt --tag repeat - - @24:5 \"Tag; 100% repeatable.\"\n"
		"sizes array<integer> opt --sizes nargs - - @25:5 \"\"\n"
		"pair array<string> opt --pair nargs - - @26:5 \"\"\n"
		"q integer opt -q switch 0 - @27:5 \"\"\n"
		"grouped string opt --grouped value - - @32:5 \"\"\n"
		"color boolean opt --color switch - - @33:5 \"\"\n"
		"limit integer opt --limit value -5 -5,5 @34:5 \"\"\n",
		PATH ":35:5: warning: duplicate parameter 'output' in tool 'x'; keeping the first\n"
		PATH ":15:5: note: first defined here\n",
	},
	{
		"argparse description as fallback, parser in main",
		"import argparse\n"
		"\n"
		"def main(argv=None):\n"
		"    \"\"\"Entry point.\"\"\"\n"
		"    ap = argparse.ArgumentParser(\n"
		"        description='''Fetch a URL.\n"
		"\n"
		"        Prints the body.''')\n"
		"    ap.add_argument('url', help='The URL.')\n"
		"    args = ap.parse_args(argv)\n",
		"Fetch a URL.",
		SKC_ARGS_FLAGS,
		SK_FROM_SCRIPT,
		"url string req - value - - @9:5 \"The URL.\"\n",
		"",
	},
	{
		"library module",
		"\"\"\"Helpers.\"\"\"\n"
		"def helper(x):\n"
		"    return x\n"
		"class main:\n"
		"    def main(self):\n"
		"        pass\n"
		"if __name__ != \"__main__\":\n"
		"    pass\n",
		NULL,
		-1,
		SK_FROM_DEFAULT,
		"",
		"",
	},
	{
		"guard only, no description",
		"import sys\n"
		"if __name__ == \"__main__\":\n"
		"    print(sys.argv)\n",
		NULL,
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"",
		PATH ":1:1: warning: tool 'x' has no description; add a module docstring\n",
	},
	{
		"missing and unsupported hints, unknown argument style",
		"\"\"\"D.\"\"\"\n"
		"def main(a, b: dict[str, int] = None, self=1):\n"
		"    pass\n",
		"D.",
		SKC_ARGS_ARGV,
		SK_FROM_DEFAULT,
		"a string req - value - - @2:10 \"\"\n"
		"b string opt - value - - @2:13 \"\"\n",
		PATH ":2:10: warning: parameter 'a' of 'main' has no type hint; assuming string\n"
		PATH ":2:13: warning: parameter 'b' of 'main' has an unsupported type hint 'dict[str, int]'; assuming string\n"
		PATH ":2:1: warning: cannot tell how 'main' receives its arguments; assuming positional argv (set 'args:' in a manifest to override)\n"
		PATH ":2:1: warning: no parameter of tool 'x' has a description; document them in the docstring of 'main'\n",
	},
	{
		"crlf, raw single-quoted docstring, tabs",
		"r'''\r\n"
		"\tFirst line\r\n"
		"\t  goes on.\r\n"
		"\r\n"
		"\tSecond.\r\n"
		"'''\r\n"
		"import sys\r\n"
		"def main() -> None:\r\n"
		"    data = sys.stdin.read()\r\n",
		"First line goes on.",
		SKC_ARGS_JSON,
		SK_FROM_SCRIPT,
		"",
		"",
	},
	{
		"escapes and concatenation in docstrings and help",
		"\"Caf\\u00e9 \\x41\\101 \\N{BULLET} \" 'tab\\there'\n"
		"import argparse\n"
		"p = argparse.ArgumentParser()\n"
		"p.add_argument('--q', help=f'no {x}', default='a\\\\b\"c')\n"
		"if __name__ == '__main__':\n"
		"    p.parse_args()\n",
		"Caf\xc3\xa9 AA \\N{BULLET} tab  here",
		SKC_ARGS_FLAGS,
		SK_FROM_SCRIPT,
		"q string opt --q value \"a\\\\b\\\"c\" - @4:1 \"\"\n",
		"",
	},
	{
		"syntax error still extracts",
		"\"\"\"Broken.\"\"\"\n"
		"import sys\n"
		"def main(x: int, y: str = 'a'):\n"
		"    return (x +\n"
		"\n"
		"if __name__ == \"__main__\":\n"
		"    main(*sys.argv[1:])\n",
		"Broken.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		NULL, /* whatever error recovery leaves */
		NULL,
	},
};

static void check_case(const struct py_case *c, struct py_run *r)
{
	const struct sk_tool *t = &r->tool;
	if (c->desc) {
		ck_assert_ptr_nonnull(t->description);
		ck_assert_str_eq(t->description, c->desc);
		ck_assert_int_eq(t->description_from, SK_FROM_SCRIPT);
	} else {
		ck_assert_ptr_null(t->description);
	}
	ck_assert_int_eq(t->is_library, c->args < 0);
	if (c->args >= 0) {
		ck_assert_int_eq(t->args, c->args);
		ck_assert_int_eq(t->args_from, c->args_from);
		ck_assert_int_eq(t->params_from, SK_FROM_SCRIPT);
	}
	if (c->params) {
		char *got = tu_dump_params(t, 1);
		ck_assert_str_eq(got, c->params);
		free(got);
		for (size_t i = 0; i < t->n_params; i++)
			ck_assert_str_eq(t->params[i].loc.path, PATH);
	}
	if (c->diags)
		ck_assert_str_eq(r->text ? r->text : "", c->diags);
}

START_TEST(test_cases)
{
	const struct py_case *c = &cases[_i];
	struct py_run r;
	py_run(&r, c->src, strlen(c->src));
	check_case(c, &r);
	py_done(&r);
}
END_TEST

START_TEST(test_syntax_error_warning)
{
	struct py_run r;
	const char *src = cases[sizeof cases / sizeof cases[0] - 1].src;
	py_run(&r, src, strlen(src));
	ck_assert_ptr_nonnull(strstr(r.text, "warning: syntax error in 'scripts/x.py'\n"));
	/* exactly one syntax error warning, at a real place */
	char *first = strstr(r.text, "syntax error");
	ck_assert_ptr_null(strstr(first + 1, "syntax error"));
	ck_assert(strncmp(r.text, PATH ":4:", strlen(PATH ":4:")) == 0 || strstr(r.text, "\n" PATH ":"));
	ck_assert_uint_ge(r.tool.n_params, 1);
	ck_assert_str_eq(r.tool.params[0].name, "x");
	ck_assert_int_eq(r.tool.params[0].type, SKC_T_INTEGER);
	py_done(&r);
}
END_TEST

/* NUL bytes and invalid UTF-8 become U+FFFD; nothing is cut short. */
START_TEST(test_nul_and_bad_utf8)
{
	static const char src[] = "\"\"\"Bad \xff\xc3 doc \xe2\x82\xac.\"\"\"\n"
				  "def main(a: Literal['\xfe', 'ok'] = 'z\xc0'):\n"
				  "    '''x\0y'''\n"
				  "\0\0\0 garbage \xff\n";
	struct py_run r;
	py_run(&r, src, sizeof src - 1);
	ck_assert_ptr_nonnull(r.tool.description);
	ck_assert_str_eq(r.tool.description, "Bad \xef\xbf\xbd\xef\xbf\xbd doc \xe2\x82\xac.");
	ck_assert_uint_eq(r.tool.n_params, 1);
	const struct sk_param *p = &r.tool.params[0];
	ck_assert_uint_eq(p->n_enum, 2);
	ck_assert_str_eq(p->enum_json[0], "\"\\ufffd\"");
	ck_assert_str_eq(p->default_json, "\"z\\ufffd\"");
	py_done(&r);
}
END_TEST

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * n + tl + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, head, hl);
	for (size_t i = 0; i < n; i++)
		memcpy(s + hl + i * ul, unit, ul);
	memcpy(s + hl + n * ul, tail, tl + 1);
	return s;
}

/*
 * Deep nesting everywhere the extractor looks: no recursion blowup, no hang,
 * and none of the inputs that crash libtree-sitter 0.20 reach it.
 */
START_TEST(test_deep_nesting)
{
	static const struct {
		const char *head, *unit;
		size_t n;
		const char *tail, *diag; /* diag: expected substring, NULL: parsed */
	} shapes[] = {
		{"\"\"\"D.\"\"\"\ndef main(): pass\nx = ", "(", 1 << 20, "", "nests brackets more than 200 deep"},
		{"\"\"\"D.\"\"\"\ndef main(a=", "[", 1 << 20, "): pass\n", "nests brackets"},
		{"\"\"\"D.\"\"\"\ndef main(a: ", "List[", 1 << 18, "): pass\n", "nests brackets"},
		{"\"\"\"D.\"\"\"\np.add_argument('--x', default=", "(", 1 << 20, ")\ndef main(): pass\n", "nests brackets"},
		{"\"\"\"D.\"\"\"\ndef main(): pass\nx = ", "-", 1 << 20, "", "has a statement of more than 32768 tokens"},
		{"\"\"\"D.\"\"\"\ndef main(): pass\nx = 2", "**2", 1 << 18, "**", "has a statement of more than"},
		{"\"\"\"D.\"\"\"\ndef main(): pass\nx = f'{", "(", 1 << 18, "}'", "has a statement of more than"},
		{"def main(a: '", "'", 1 << 20, "'): pass\n", NULL},
		/* just under the limits: parsed, and tree-sitter copes */
		{"\"\"\"D.\"\"\"\ndef main(): pass\nx = ", "-", 30000, "", ""},
		{"\"\"\"D.\"\"\"\ndef main(a=", "[", 199, "): pass\n", NULL},
		{"\"\"\"D.\"\"\"\ndef main(): pass\n", "x = (1,)\n", 20000, "", ""},
		{"\"\"\"D.\"\"\"\ndef main(): pass\n", "x = (1,\n", 20000, "", "nests brackets"},
	};
	for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
		char *src = repeat(shapes[k].head, shapes[k].unit, shapes[k].n, shapes[k].tail);
		struct py_run r;
		py_run(&r, src, strlen(src));
		if (shapes[k].diag && shapes[k].diag[0]) {
			ck_assert(!r.tool.is_library);
			ck_assert_msg(r.text && strstr(r.text, shapes[k].diag), "shape %zu: %s", k, r.text);
			ck_assert_ptr_null(r.tool.description);
		} else if (shapes[k].diag) {
			ck_assert_msg(!r.text || !strstr(r.text, "not parsed"), "shape %zu: %s", k, r.text);
			ck_assert_str_eq(r.tool.description, "D.");
		}
		py_done(&r);
		free(src);
	}
}
END_TEST

/* Many statements, many arguments: linear, not quadratic. */
START_TEST(test_wide_input)
{
	char *src = repeat("\"\"\"D.\"\"\"\nimport argparse\np = argparse.ArgumentParser()\n",
			   "p.add_argument('--same', help='x')\n", 20000, "if __name__ == '__main__': pass\n");
	struct py_run r;
	py_run(&r, src, strlen(src));
	ck_assert_uint_eq(r.tool.n_params, 1);
	ck_assert_int_eq(r.diag.warnings, 19999);
	py_done(&r);
	free(src);

	/* a long literal within the token limit is parsed; beyond it, refused */
	src = repeat("\"\"\"D.\"\"\"\ndef main(a=[", "1,", 16000, "]): pass\n");
	py_run(&r, src, strlen(src));
	ck_assert_uint_eq(r.tool.n_params, 1);
	ck_assert_int_eq(r.tool.params[0].type, SKC_T_ARRAY);
	ck_assert_uint_eq(strlen(r.tool.params[0].default_json), 2 * 16000 + 1);
	py_done(&r);
	free(src);
	src = repeat("\"\"\"D.\"\"\"\ndef main(a=[", "1,", 200000, "]): pass\n");
	py_run(&r, src, strlen(src));
	ck_assert_uint_eq(r.tool.n_params, 0);
	ck_assert_str_eq(r.text, PATH ":1:1: warning: script 'scripts/x.py' has a statement of more than "
				 "32768 tokens; not parsed (declare the tool in a manifest)\n");
	py_done(&r);
	free(src);
}
END_TEST

/* Random bytes and random Python-ish tokens: never a crash. */
START_TEST(test_garbage)
{
	static const char *const toks[] = {"def ", "main", "(", ")", ":", "\n", "    ", "'''", "\"", "x",
		": int", "=", "[", "]", "add_argument", ".", ",", "if __name__ == '__main__':", "\\",
		"\r", "\0", "\xff", "Literal[", "#", "r'", "f'"};
	unsigned seed = 12345;
	for (int round = 0; round < 300; round++) {
		char buf[2048];
		size_t n = 0;
		while (n < sizeof buf - 64) {
			seed = seed * 1103515245u + 12345u;
			unsigned v = seed >> 16;
			if (round % 2) {
				buf[n++] = (char)(v & 0xff);
			} else {
				const char *t = toks[v % (sizeof toks / sizeof toks[0])];
				size_t tl = t[0] ? strlen(t) : 1;
				memcpy(buf + n, t, tl);
				n += tl;
			}
			if ((v & 0x3ff) == 0)
				break;
		}
		struct py_run r;
		py_run(&r, buf, n);
		py_done(&r);
	}
}
END_TEST

/* ------------------------------------------------- scripts reading sys.argv */

static const struct py_case argv_cases[] = {
	{
		"argv: count check, usage print, comment, default",
		"\"\"\"Fill a form.\"\"\"\n"
		"import sys\n"
		"\n"
		"def main():\n"
		"    if len(sys.argv) < 3:\n"
		"        print(\"Usage: fill.py <input.pdf> <values.json> [output.pdf]\")\n"
		"        sys.exit(1)\n"
		"    src = sys.argv[1]\n"
		"    values = sys.argv[2]  # field values as JSON\n"
		"    out = sys.argv[3] if len(sys.argv) > 3 else \"out.pdf\"\n"
		"\n"
		"if __name__ == \"__main__\":\n"
		"    main()\n",
		"Fill a form.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"src string req - value - - @8:11 \"input.pdf\"\n"
		"values string req - value - - @9:14 \"field values as JSON\"\n"
		"out string opt - value \"out.pdf\" - @10:11 \"output.pdf\"\n",
		"",
	},
	{
		"argv: aliases, unpacking, conversions, guards",
		"\"\"\"Render pages.\"\"\"\n"
		"import sys as s\n"
		"from sys import argv as av\n"
		"_, pdf, outdir = s.argv[:3]\n"
		"dpi = int(av[3]) if len(av) > 3 else 150\n"
		"if 4 < len(s.argv):\n"
		"    scale = float(s.argv[4])\n",
		"Render pages.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"pdf string req - value - - @4:4 \"\"\n"
		"outdir string req - value - - @4:9 \"\"\n"
		"dpi integer opt - value 150 - @5:11 \"\"\n"
		"scale number opt - value - - @7:19 \"\"\n",
		PATH ":4:4: warning: argument 1 of 'x' is not described; calling it 'pdf' (add a 'Usage:' line or a comment)\n"
		PATH ":4:9: warning: argument 2 of 'x' is not described; calling it 'outdir' (add a 'Usage:' line or a comment)\n"
		PATH ":5:11: warning: argument 3 of 'x' is not described; calling it 'dpi' (add a 'Usage:' line or a comment)\n"
		PATH ":7:19: warning: argument 4 of 'x' is not described; calling it 'scale' (add a 'Usage:' line or a comment)\n",
	},
	{
		"argv: slice unpacking with an exact count",
		"\"\"\"Copy.\n"
		"\n"
		"Usage: python copy.py SRC DEST\n"
		"\"\"\"\n"
		"import sys\n"
		"if __name__ == '__main__':\n"
		"    if len(sys.argv) != 3:\n"
		"        sys.exit(2)\n"
		"    a, b = sys.argv[1:3]\n",
		"Copy.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"a string req - value - - @9:5 \"SRC\"\n"
		"b string req - value - - @9:8 \"DEST\"\n",
		"",
	},
	{
		"argv: names from the usage, % format, word forms",
		"\"\"\"Merge files.\"\"\"\n"
		"import sys\n"
		"if __name__ == '__main__':\n"
		"    if len(sys.argv) < 3:\n"
		"        sys.stderr.write('Usage: %s [--verbose] <out.file> Mode [opt-x] files...\\n' % sys.argv[0])\n"
		"    merge(sys.argv[1], sys.argv[2], sys.argv[3:])\n",
		"Merge files.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"out_file string req - value - - @6:11 \"out.file\"\n"
		"mode string req - value - - @6:24 \"Mode\"\n"
		"opt_x string opt - value - - @5:26 \"opt-x\"\n"
		"files array<string> opt - value - - @5:26 \"files\"\n",
		"",
	},
	{
		"argv: f-string usage, a count of 1 means none given",
		"\"\"\"Show.\"\"\"\n"
		"from sys import argv\n"
		"def main():\n"
		"    if len(argv) == 1:\n"
		"        print(f\"usage: {argv[0]} <file name>\")\n"
		"    show(argv[1])\n"
		"main()\n"
		"if __name__ == '__main__':\n"
		"    main()\n",
		"Show.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"file_name string req - value - - @6:10 \"file name\"\n",
		"",
	},
	{
		"argv: undescribed reads, hostile indexes",
		"\"\"\"Count.\"\"\"\n"
		"import sys\n"
		"if __name__ == '__main__':\n"
		"    i = 2\n"
		"    print(sys.argv[0], sys.argv[-1], sys.argv[i], sys.argv[len(sys.argv) - 1])\n"
		"    print(sys.argv[99999999999], sys.argv[33], sys.argv[0x10])\n"
		"    name = sys.argv[2]\n",
		"Count.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"arg1 string req - value - - @1:1 \"\"\n"
		"name string req - value - - @7:12 \"\"\n",
		PATH ":6:11: warning: argument 99999999999 of 'x' is beyond the 32 positional arguments a tool may take; ignored\n"
		PATH ":1:1: warning: argument 1 of 'x' is not described; calling it 'arg1' (add a 'Usage:' line or a comment)\n"
		PATH ":7:12: warning: argument 2 of 'x' is not described; calling it 'name' (add a 'Usage:' line or a comment)\n",
	},
	{
		"argv: main's docstring describes, a wrapper call does not name",
		"import sys\n"
		"def main():\n"
		"    \"\"\"Open a file.\n"
		"\n"
		"    Args:\n"
		"        path: The file to open.\n"
		"    \"\"\"\n"
		"    path = sys.argv[1]\n"
		"    reader = Reader(sys.argv[2])  # the reader's source\n"
		"if __name__ == '__main__':\n"
		"    main()\n",
		"Open a file.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"path string req - value - - @8:12 \"The file to open.\"\n"
		"arg2 string req - value - - @9:21 \"\"\n",
		PATH ":9:21: warning: argument 2 of 'x' is not described; calling it 'arg2' (add a 'Usage:' line or a comment)\n",
	},
	{
		"argv: read at the top level of a module without main",
		"\"\"\"Check fields.\"\"\"\n"
		"import sys\n"
		"doc = open(sys.argv[1])  # the PDF to check\n",
		"Check fields.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"arg1 string req - value - - @3:12 \"\"\n",
		PATH ":3:12: warning: argument 1 of 'x' is not described; calling it 'arg1' (add a 'Usage:' line or a comment)\n",
	},
	{
		"argv: parallel assignment names each",
		"\"\"\"Pair.\"\"\"\n"
		"import sys\n"
		"if __name__ == '__main__':\n"
		"    if len(sys.argv) <= 2:\n"
		"        raise SystemExit('usage: pair.py <left> <right>')\n"
		"    a, b = sys.argv[1], sys.argv[2]\n",
		"Pair.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"a string req - value - - @6:12 \"left\"\n"
		"b string req - value - - @6:25 \"right\"\n",
		"",
	},
	{
		"argv: the signature of main wins",
		"\"\"\"Sig.\"\"\"\n"
		"import sys\n"
		"def main(path: str):\n"
		"    \"\"\"Run.\n"
		"\n"
		"    Args:\n"
		"        path: a path\n"
		"    \"\"\"\n"
		"if __name__ == '__main__':\n"
		"    main(sys.argv[1], sys.argv[2])\n",
		"Sig.",
		SKC_ARGS_ARGV,
		SK_FROM_SCRIPT,
		"path string req - value - - @3:10 \"a path\"\n",
		"",
	},
	{
		"argv: argparse wins",
		"\"\"\"Parse.\"\"\"\n"
		"import argparse, sys\n"
		"if __name__ == '__main__':\n"
		"    p = argparse.ArgumentParser()\n"
		"    p.add_argument('--n', type=int, help='how many')\n"
		"    print(sys.argv[1])\n",
		"Parse.",
		SKC_ARGS_FLAGS,
		SK_FROM_SCRIPT,
		"n integer opt --n value - - @5:5 \"how many\"\n",
		"",
	},
	{
		"argv: stdin JSON wins, usage text alone adds nothing",
		"\"\"\"Json.\n"
		"\n"
		"Usage: tool.py <a> <b>\n"
		"\"\"\"\n"
		"import json, sys\n"
		"def main():\n"
		"    json.load(sys.stdin)\n"
		"if __name__ == '__main__':\n"
		"    main()\n",
		"Json.",
		SKC_ARGS_JSON,
		SK_FROM_SCRIPT,
		"",
		"",
	},
};

START_TEST(test_argv_cases)
{
	const struct py_case *c = &argv_cases[_i];
	struct py_run r;
	py_run(&r, c->src, strlen(c->src));
	check_case(c, &r);
	py_done(&r);
}
END_TEST

/* A usage line of 10,000 words and odd bytes: capped, one warning, no crash. */
START_TEST(test_argv_usage_hostile)
{
	size_t cap = 200000, n = 0;
	char *src = malloc(cap);
	n += (size_t)sprintf(src, "\"\"\"Big.\"\"\"\nimport sys\nprint(sys.argv[1])\nprint(\"Usage: big.py");
	for (int i = 0; i < 10000; i++)
		n += (size_t)sprintf(src + n, " <w%d>", i);
	n += (size_t)sprintf(src + n, "\")\n");
	struct py_run r;
	py_run(&r, src, n);
	ck_assert_uint_eq(r.tool.n_params, 32);
	ck_assert_str_eq(r.tool.params[0].name, "w0");
	ck_assert_str_eq(r.tool.params[31].name, "w31");
	ck_assert_ptr_nonnull(strstr(r.text, "usage of 'x' names more than 32 arguments; the rest are ignored"));
	py_done(&r);

	static const char odd[] = "\"\"\"Odd.\"\"\"\nimport sys\nx = sys.argv[1]\n"
				  "# Usage: odd.py <\xff\xfe\x01> [\0x] <\xe2\x82\xac> <<<< [[[ ]]]\n";
	py_run(&r, odd, sizeof odd - 1);
	char *got = tu_dump_params(&r.tool, 0);
	ck_assert_str_eq(got, "x string req - value - - \"\xef\xbf\xbd\xef\xbf\xbd\"\n");
	free(got);
	py_done(&r);
	free(src);
}
END_TEST

Suite *suite_extract_py(void)
{
	Suite *s = suite_create("extract_py");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_cases, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_syntax_error_warning);
	tcase_add_test(tc, test_nul_and_bad_utf8);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_wide_input);
	tcase_add_test(tc, test_garbage);
	suite_add_tcase(s, tc);
	TCase *ta = tcase_create("argv");
	tcase_add_loop_test(ta, test_argv_cases, 0, (int)(sizeof argv_cases / sizeof argv_cases[0]));
	tcase_add_test(ta, test_argv_usage_hostile);
	suite_add_tcase(s, ta);
	return s;
}
