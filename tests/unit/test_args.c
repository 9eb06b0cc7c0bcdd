/*
 * Tests for runtime/args.c: a small hand-made table with one tool per
 * argument style, and tables of calls with their exact results.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

/* ---- a fake table ---- */

static unsigned char pool[8192];
static size_t pool_n;
static struct skc_param params[32];
static size_t n_params;
static struct skc_slice enums[16];
static size_t n_enums;
static struct skc_tool tools[4];
static struct skc_table table;

enum { T_MIX, T_ARGV, T_JSON, T_NONE };

static struct skc_slice str(const char *s)
{
	size_t len = strlen(s);
	ck_assert_uint_lt(pool_n + len + 1, sizeof pool);
	struct skc_slice sl = {(uint32_t)pool_n, (uint32_t)len};
	memcpy(pool + pool_n, s, len + 1);
	pool_n += len + 1;
	return sl;
}

static void param(const char *name, uint8_t type, uint8_t item_type,
		  const char *flag, uint8_t pass, int required,
		  const char *default_json, const char *const *enum_json)
{
	struct skc_param *p = &params[n_params++];
	memset(p, 0, sizeof *p);
	p->name = str(name);
	p->description = str("");
	p->flag = str(flag ? flag : "");
	p->default_json = str(default_json ? default_json : "");
	p->enum_first = (uint32_t)n_enums;
	for (; enum_json && *enum_json; enum_json++, p->enum_count++)
		enums[n_enums++] = str(*enum_json);
	p->type = type;
	p->item_type = item_type;
	p->required = (uint8_t)required;
	p->pass = pass;
}

static void tool(int which, const char *name, uint8_t args, size_t first)
{
	struct skc_tool *t = &tools[which];
	memset(t, 0, sizeof *t);
	t->name = str(name);
	t->args = args;
	t->param_first = (uint32_t)first;
	t->param_count = (uint32_t)(n_params - first);
}

static void setup(void)
{
	static const char *const modes[] = {"\"fast\"", "\"slow\"", NULL};
	static const char *const levels[] = {"1", "2", "3", NULL};
	pool_n = n_params = n_enums = 0;
	str(""); /* offset 0 stays the empty string */

	/* The flags tool: every type and pass kind, positionals first and last. */
	param("path", SKC_T_STRING, 0, NULL, SKC_PASS_VALUE, 1, NULL, NULL);
	param("count", SKC_T_INTEGER, 0, "--count", SKC_PASS_VALUE, 0, "1", NULL);
	param("ratio", SKC_T_NUMBER, 0, "--ratio", SKC_PASS_VALUE, 0, NULL, NULL);
	param("verbose", SKC_T_BOOLEAN, 0, "--verbose", SKC_PASS_SWITCH, 0, NULL, NULL);
	param("mode", SKC_T_STRING, 0, "-m", SKC_PASS_VALUE, 0, NULL, modes);
	param("tags", SKC_T_ARRAY, SKC_T_STRING, "--tag", SKC_PASS_REPEAT, 0, NULL, NULL);
	param("ids", SKC_T_ARRAY, SKC_T_INTEGER, "--ids", SKC_PASS_NARGS, 0, NULL, NULL);
	param("levels", SKC_T_ARRAY, SKC_T_INTEGER, "--level", SKC_PASS_REPEAT, 0, NULL, levels);
	param("dry", SKC_T_BOOLEAN, 0, "--dry", SKC_PASS_VALUE, 0, NULL, NULL);
	param("extra", SKC_T_ARRAY, SKC_T_STRING, NULL, SKC_PASS_VALUE, 0, NULL, NULL);
	tool(T_MIX, "mix", SKC_ARGS_FLAGS, 0);

	size_t first = n_params;
	param("a", SKC_T_STRING, 0, NULL, SKC_PASS_VALUE, 1, NULL, NULL);
	param("b", SKC_T_INTEGER, 0, NULL, SKC_PASS_VALUE, 0, "5", NULL);
	param("c", SKC_T_STRING, 0, NULL, SKC_PASS_VALUE, 0, NULL, NULL);
	param("d", SKC_T_ARRAY, SKC_T_NUMBER, NULL, SKC_PASS_VALUE, 0, NULL, NULL);
	tool(T_ARGV, "pos", SKC_ARGS_ARGV, first);

	tools[T_JSON] = tools[T_MIX];
	tools[T_JSON].args = SKC_ARGS_JSON;
	tool(T_NONE, "none", SKC_ARGS_FLAGS, n_params);

	memset(&table, 0, sizeof table);
	table.magic = SKC_MAGIC;
	table.abi_version = SKC_ABI_VERSION;
	table.data = pool;
	table.data_size = pool_n;
	table.tools = tools;
	table.tool_count = 4;
	table.params = params;
	table.param_count = (uint32_t)n_params;
	table.enums = enums;
	table.enum_count = (uint32_t)n_enums;
}

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, e.text);
	return v;
}

static void assert_json(json_t *got, const char *want)
{
	json_t *w = load(want);
	char *g = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
	ck_assert_msg(json_equal(got, w), "got %s, want %s", g, want);
	free(g);
	json_decref(w);
}

/* ---- ra_from_kv ---- */

static const struct {
	const char *kv[4];
	const char *json; /* NULL: an error */
	const char *err;
} kv_cases[] = {
	{{"path=a.txt", "count=3"}, "{\"path\":\"a.txt\",\"count\":3}", NULL},
	{{"count=-2"}, "{\"count\":-2}", NULL},
	{{"count=+7"}, "{\"count\":7}", NULL},
	{{"count=3x"}, NULL, "parameter 'count' must be an integer, got \"3x\""},
	{{"count=3.0"}, NULL, "parameter 'count' must be an integer, got \"3.0\""},
	{{"count="}, NULL, "parameter 'count' must be an integer, got \"\""},
	{{"count= 3"}, NULL, "parameter 'count' must be an integer, got \" 3\""},
	{{"count=99999999999999999999"}, NULL,
	 "parameter 'count' must be an integer in the 64-bit range, got \"99999999999999999999\""},
	{{"ratio=1e3"}, "{\"ratio\":1000.0}", NULL},
	{{"ratio=3"}, "{\"ratio\":3}", NULL},
	{{"ratio=-2.5"}, "{\"ratio\":-2.5}", NULL},
	{{"ratio=.5"}, "{\"ratio\":0.5}", NULL},
	{{"ratio=inf"}, NULL, "parameter 'ratio' must be a finite number, got \"inf\""},
	{{"ratio=nan"}, NULL, "parameter 'ratio' must be a finite number, got \"nan\""},
	{{"ratio=0x10"}, NULL, "parameter 'ratio' must be a finite number, got \"0x10\""},
	{{"ratio=1e999"}, NULL, "parameter 'ratio' must be a finite number, got \"1e999\""},
	{{"ratio=1e"}, NULL, "parameter 'ratio' must be a finite number, got \"1e\""},
	{{"verbose=yes"}, "{\"verbose\":true}", NULL},
	{{"verbose=TRUE"}, "{\"verbose\":true}", NULL},
	{{"verbose=1"}, "{\"verbose\":true}", NULL},
	{{"verbose=0"}, "{\"verbose\":false}", NULL},
	{{"verbose=No"}, "{\"verbose\":false}", NULL},
	{{"verbose"}, "{\"verbose\":true}", NULL},
	{{"verbose=maybe"}, NULL,
	 "parameter 'verbose' must be a boolean (true/false, 1/0, yes/no), got \"maybe\""},
	{{"tags=a", "tags=b"}, "{\"tags\":[\"a\",\"b\"]}", NULL},
	{{"tags=[\"x\",\"y\"]"}, "{\"tags\":[\"x\",\"y\"]}", NULL},
	{{"tags=[x"}, "{\"tags\":[\"[x\"]}", NULL},
	{{"ids=1", "ids=2"}, "{\"ids\":[1,2]}", NULL},
	{{"ids=[1,2]", "ids=3"}, "{\"ids\":[1,2,3]}", NULL},
	{{"ids=x"}, NULL, "parameter 'ids' item must be an integer, got \"x\""},
	{{"ids=[1,"}, NULL, "parameter 'ids' item must be an integer, got \"[1,\""},
	{{"count=1", "count=2"}, NULL, "parameter 'count' given more than once"},
	{{"pth=x"}, "{\"pth\":\"x\"}", NULL},
	{{"path=a=b"}, "{\"path\":\"a=b\"}", NULL},
	{{"path="}, "{\"path\":\"\"}", NULL},
	{{"path=-x"}, "{\"path\":\"-x\"}", NULL},
	{{"path=@file"}, "{\"path\":\"@file\"}", NULL},
	{{"=x"}, NULL, "argument '=x' has no parameter name; expected name=value"},
	{{"path"}, NULL, "argument 'path' must be name=value"},
	{{"path=\xff"}, NULL, "parameter 'path' is not valid UTF-8: \"\\xff\""},
	{{"p\xffth=1"}, NULL, "parameter name 'p\\xffth' is not valid UTF-8"},
	{{"mode=medium"}, "{\"mode\":\"medium\"}", NULL}, /* validation's job */
};

START_TEST(test_from_kv)
{
	size_t n = 0;
	char err[256] = "";
	while (n < 4 && kv_cases[_i].kv[n])
		n++;
	json_t *v = ra_from_kv(&table, &tools[T_MIX], kv_cases[_i].kv, n, err,
			       sizeof err);
	if (kv_cases[_i].json) {
		ck_assert_msg(v != NULL, "unexpected error: %s", err);
		assert_json(v, kv_cases[_i].json);
	} else {
		ck_assert_ptr_null(v);
		ck_assert_str_eq(err, kv_cases[_i].err);
	}
	json_decref(v);
}
END_TEST

/* ---- ra_validate ---- */

static const struct {
	int tool;
	const char *args;
	const char *err;   /* NULL: valid */
	const char *after; /* args after validation, when it rewrites them */
} val_cases[] = {
	{T_MIX, "{\"path\":\"a\"}", NULL, NULL},
	{T_MIX, "[1]", "arguments must be a JSON object, got array", NULL},
	{T_MIX, "\"x\"", "arguments must be a JSON object, got string \"x\"", NULL},
	{T_MIX, "null", "arguments must be a JSON object, got null", NULL},
	{T_MIX, "{}", "missing required parameter 'path' (string)", NULL},
	{T_ARGV, "{\"b\":1}", "missing required parameter 'a' (string)", NULL},
	{T_MIX, "{\"pth\":\"a\"}", "unknown parameter 'pth'; did you mean 'path'?", NULL},
	{T_MIX, "{\"PATH\":\"a\"}", "unknown parameter 'PATH'; did you mean 'path'?", NULL},
	{T_MIX, "{\"path\":\"a\",\"cuont\":1}",
	 "unknown parameter 'cuont'; did you mean 'count'?", NULL},
	{T_MIX, "{\"path\":\"a\",\"tag\":[]}",
	 "unknown parameter 'tag'; did you mean 'tags'?", NULL},
	/* 'path' is given, so it is no suggestion for 'pth'. */
	{T_MIX, "{\"path\":\"a\",\"pth\":\"b\"}",
	 "unknown parameter 'pth'; expected one of 'path', 'count', 'ratio', 'verbose', 'mode', 'tags', 'ids', 'levels', 'dry', 'extra'",
	 NULL},
	{T_MIX, "{\"path\":\"a\",\"zzz\":1}",
	 "unknown parameter 'zzz'; expected one of 'path', 'count', 'ratio', 'verbose', 'mode', 'tags', 'ids', 'levels', 'dry', 'extra'",
	 NULL},
	{T_ARGV, "{\"x\":1}", "unknown parameter 'x'; expected one of 'a', 'b', 'c', 'd'", NULL},
	{T_ARGV, "{\"a\\nb\":1}",
	 "unknown parameter 'a\\nb'; expected one of 'a', 'b', 'c', 'd'", NULL},
	{T_ARGV, "{\"a\\u0001\":1}",
	 "unknown parameter 'a\\u0001'; expected one of 'a', 'b', 'c', 'd'", NULL},
	{T_NONE, "{\"x\":1}", "unknown parameter 'x'; this tool takes no parameters", NULL},
	{T_NONE, "{}", NULL, NULL},
	{T_MIX, "{\"path\":\"a\",\"count\":\"3x\"}",
	 "parameter 'count' must be an integer, got string \"3x\"", NULL},
	{T_MIX, "{\"path\":\"a\",\"count\":\"3\"}",
	 "parameter 'count' must be an integer, got string \"3\"", NULL},
	{T_MIX, "{\"path\":\"a\",\"count\":3.5}",
	 "parameter 'count' must be an integer, got number 3.5", NULL},
	{T_MIX, "{\"path\":\"a\",\"count\":3.0}", NULL, "{\"path\":\"a\",\"count\":3}"},
	{T_MIX, "{\"path\":\"a\",\"count\":1e30}",
	 "parameter 'count' must be an integer, got number 1e+30", NULL},
	{T_MIX, "{\"path\":\"a\",\"count\":true}",
	 "parameter 'count' must be an integer, got boolean true", NULL},
	{T_MIX, "{\"path\":\"a\",\"count\":{}}",
	 "parameter 'count' must be an integer, got object", NULL},
	{T_MIX, "{\"path\":\"a\",\"count\":null}", NULL, NULL},
	{T_MIX, "{\"path\":\"a\",\"ratio\":\"1\"}",
	 "parameter 'ratio' must be a number, got string \"1\"", NULL},
	{T_MIX, "{\"path\":\"a\",\"ratio\":2}", NULL, "{\"path\":\"a\",\"ratio\":2}"},
	{T_MIX, "{\"path\":\"a\",\"ratio\":0.25}", NULL, NULL},
	{T_MIX, "{\"path\":\"a\",\"verbose\":1}",
	 "parameter 'verbose' must be a boolean, got integer 1", NULL},
	{T_MIX, "{\"path\":\"a\",\"verbose\":\"true\"}",
	 "parameter 'verbose' must be a boolean, got string \"true\"", NULL},
	{T_MIX, "{\"path\":5}", "parameter 'path' must be a string, got integer 5", NULL},
	{T_MIX, "{\"path\":null}", "parameter 'path' must be a string, got null", NULL},
	{T_MIX, "{\"path\":[\"a\"]}", "parameter 'path' must be a string, got array", NULL},
	{T_MIX, "{\"path\":\"a\",\"tags\":\"a\"}",
	 "parameter 'tags' must be an array of string, got string \"a\"", NULL},
	{T_MIX, "{\"path\":\"a\",\"tags\":[\"a\",1]}",
	 "parameter 'tags' item 1 must be a string, got integer 1", NULL},
	{T_MIX, "{\"path\":\"a\",\"ids\":[1,2.0]}", NULL,
	 "{\"path\":\"a\",\"ids\":[1,2]}"},
	{T_MIX, "{\"path\":\"a\",\"ids\":[1,2.5]}",
	 "parameter 'ids' item 1 must be an integer, got number 2.5", NULL},
	{T_MIX, "{\"path\":\"a\",\"ids\":[null]}",
	 "parameter 'ids' item 0 must be an integer, got null", NULL},
	{T_ARGV, "{\"a\":\"x\",\"d\":[1,2.5,\"3\"]}",
	 "parameter 'd' item 2 must be a number, got string \"3\"", NULL},
	{T_MIX, "{\"path\":\"a\",\"mode\":\"medium\"}",
	 "parameter 'mode' must be one of \"fast\", \"slow\"; got \"medium\"", NULL},
	{T_MIX, "{\"path\":\"a\",\"mode\":\"FAST\"}",
	 "parameter 'mode' must be one of \"fast\", \"slow\"; got \"FAST\"", NULL},
	{T_MIX, "{\"path\":\"a\",\"mode\":\"slow\"}", NULL, NULL},
	{T_MIX, "{\"path\":\"a\",\"levels\":[1,4]}",
	 "parameter 'levels' item 1 must be one of 1, 2, 3; got 4", NULL},
	{T_MIX, "{\"path\":\"a\",\"levels\":[1.0,3]}", NULL,
	 "{\"path\":\"a\",\"levels\":[1,3]}"},
	{T_MIX, "{\"path\":\"a\\u0000b\"}",
	 "parameter 'path' contains a NUL byte, which cannot be passed as a command-line word",
	 NULL},
	{T_MIX, "{\"path\":\"a\",\"extra\":[\"x\",\"\\u0000\"]}",
	 "parameter 'extra' item 1 contains a NUL byte, which cannot be passed as a command-line word",
	 NULL},
	{T_JSON, "{\"path\":\"a\\u0000b\"}", NULL, NULL},
	{T_MIX, "{\"path\":\"a\",\"count\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
	 "parameter 'count' must be an integer, got string \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"",
	 NULL},
	{T_MIX, "{\"path\":\"a\",\"count\":\"\\\"q\\\"\\t\\u00e9\"}",
	 "parameter 'count' must be an integer, got string \"\\\"q\\\"\\t\xc3\xa9\"", NULL},
	/* Unknown names come before missing ones: the suggestion helps more. */
	{T_MIX, "{\"pat\":\"a\"}", "unknown parameter 'pat'; did you mean 'path'?", NULL},
};

START_TEST(test_validate)
{
	char err[512] = "";
	json_t *args = load(val_cases[_i].args);
	int rc = ra_validate(&table, &tools[val_cases[_i].tool], args, err,
			     sizeof err);
	if (val_cases[_i].err) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err, val_cases[_i].err);
	} else {
		ck_assert_msg(rc == 0, "unexpected error: %s", err);
		assert_json(args, val_cases[_i].after ? val_cases[_i].after
						      : val_cases[_i].args);
	}
	json_decref(args);
}
END_TEST

/* ---- ra_build ---- */

static const struct {
	int tool;
	const char *args;
	const char *words[20]; /* NULL-terminated */
	const char *err;       /* non-NULL: an error */
} build_cases[] = {
	{T_MIX,
	 "{\"path\":\"in.txt\",\"count\":3,\"verbose\":true,\"mode\":\"fast\","
	 "\"tags\":[\"a\",\"b\"],\"levels\":[1,2],\"extra\":[\"e1\",\"e2\"]}",
	 {"--count", "3", "--verbose", "-m", "fast", "--tag", "a", "--tag", "b",
	  "--level", "1", "--level", "2", "in.txt", "e1", "e2"},
	 NULL},
	/* An nargs flag must not swallow the positionals. */
	{T_MIX, "{\"path\":\"in\",\"ids\":[1,2]}", {"--ids", "1", "2", "--", "in"}, NULL},
	{T_MIX, "{\"ids\":[1,2]}", {"--ids", "1", "2"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"ids\":[-1,2]}", {"--ids", "-1", "2", "--", "a"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"ids\":[]}", {"a"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"ids\":[1,\"--evil\"]}", {NULL},
	 "parameter 'ids' item 1 (\"--evil\") begins with '-' and would be read as an option after '--ids'"},
	{T_MIX, "{\"path\":\"a\",\"verbose\":false}", {"a"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"verbose\":null,\"count\":null}", {"a"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"dry\":false}", {"--dry", "false", "a"}, NULL},
	{T_MIX, "{\"path\":\"-x\",\"count\":-5,\"mode\":\"-z\"}",
	 {"--count=-5", "-m-z", "--", "-x"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"tags\":[\"-t\",\"u\"]}",
	 {"--tag=-t", "--tag", "u", "a"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"extra\":[\"b\",\"-c\"]}", {"--", "a", "b", "-c"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"ratio\":0.1}", {"--ratio", "0.1", "a"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"ratio\":1e300}", {"--ratio", "1e+300", "a"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"ratio\":2.0}", {"--ratio", "2", "a"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"count\":3.0}", {"--count", "3", "a"}, NULL},
	{T_MIX, "{\"path\":\"a\",\"extra\":[1,true,null]}", {"a", "1", "true", "null"}, NULL},
	{T_MIX, "{\"path\":\"\"}", {""}, NULL},
	{T_MIX, "{\"path\":\"a b\\n\\\"c\\\"\"}", {"a b\n\"c\""}, NULL},
	{T_MIX, "{\"unknown\":1,\"path\":\"a\"}", {"a"}, NULL},
	{T_MIX, "{}", {NULL}, NULL},
	{T_MIX, "{\"path\":\"a\\u0000\"}", {NULL},
	 "parameter 'path' contains a NUL byte, which cannot be passed as a command-line word"},
	{T_MIX, "{\"path\":\"a\",\"tags\":[\"x\",\"\\u0000\"]}", {NULL},
	 "parameter 'tags' item 1 contains a NUL byte, which cannot be passed as a command-line word"},
	{T_MIX, "[]", {NULL}, "arguments must be a JSON object"},
	{T_ARGV, "{\"a\":\"x\"}", {"x"}, NULL},
	{T_ARGV, "{\"a\":\"x\",\"b\":2,\"c\":\"y\",\"d\":[1,2.5]}",
	 {"x", "2", "y", "1", "2.5"}, NULL},
	{T_ARGV, "{\"c\":\"y\",\"a\":\"x\"}", {"x", "5", "y"}, NULL},
	{T_ARGV, "{\"a\":\"x\",\"b\":null,\"c\":\"y\"}", {"x", "5", "y"}, NULL},
	{T_ARGV, "{\"a\":\"x\",\"d\":[1]}", {NULL},
	 "parameter 'c' must be given too, since 'd' is given and arguments are positional"},
	{T_ARGV, "{\"a\":\"x\",\"b\":1,\"d\":[]}", {NULL},
	 "parameter 'c' must be given too, since 'd' is given and arguments are positional"},
	{T_ARGV, "{\"a\":\"-x\",\"b\":-1}", {"-x", "-1"}, NULL},
	{T_ARGV, "{}", {NULL}, NULL},
	{T_ARGV, "{\"d\":[]}", {NULL},
	 "parameter 'a' must be given too, since 'd' is given and arguments are positional"},
	{T_JSON, "{\"path\":\"a\",\"count\":3}", {NULL}, NULL},
	{T_NONE, "{}", {NULL}, NULL},
};

START_TEST(test_build)
{
	char err[512] = "";
	char **words = (char **)1, *in = (char *)1;
	size_t in_len = 99;
	json_t *args = load(build_cases[_i].args);
	int rc = ra_build(&table, &tools[build_cases[_i].tool], args, &words,
			  &in, &in_len, err, sizeof err);
	if (build_cases[_i].err) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err, build_cases[_i].err);
		ck_assert_ptr_null(words);
		ck_assert_ptr_null(in);
	} else {
		ck_assert_msg(rc == 0, "unexpected error: %s", err);
		ck_assert_ptr_nonnull(words);
		size_t n = 0;
		for (; words[n] && build_cases[_i].words[n]; n++)
			ck_assert_str_eq(words[n], build_cases[_i].words[n]);
		ck_assert_msg(!words[n] && !build_cases[_i].words[n],
			      "word %zu: got %s, want %s", n,
			      words[n] ? words[n] : "(end)",
			      build_cases[_i].words[n] ? build_cases[_i].words[n]
						       : "(end)");
		if (tools[build_cases[_i].tool].args != SKC_ARGS_JSON) {
			ck_assert_ptr_null(in);
			ck_assert_uint_eq(in_len, 0);
		}
	}
	ra_words_free(words);
	free(in);
	json_decref(args);
}
END_TEST

static const struct {
	const char *args;
	const char *in;
} json_cases[] = {
	{"{\"path\":\"a\",\"count\":3}", "{\"path\":\"a\",\"count\":3}\n"},
	{"{\"count\":3,\"path\":\"a\"}", "{\"count\":3,\"path\":\"a\"}\n"},
	{"{}", "{}\n"},
	{"{\"path\":\"a\\u0000\\u00e9\\n\",\"tags\":[\"x\"],\"verbose\":false}",
	 "{\"path\":\"a\\u0000\xc3\xa9\\n\",\"tags\":[\"x\"],\"verbose\":false}\n"},
};

START_TEST(test_build_json)
{
	char err[256] = "";
	char **words = NULL, *in = NULL;
	size_t in_len = 0;
	json_t *args = load(json_cases[_i].args);
	ck_assert_int_eq(ra_build(&table, &tools[T_JSON], args, &words, &in,
				  &in_len, err, sizeof err), 0);
	ck_assert_ptr_nonnull(words);
	ck_assert_ptr_null(words[0]);
	ck_assert_ptr_nonnull(in);
	ck_assert_str_eq(in, json_cases[_i].in);
	ck_assert_uint_eq(in_len, strlen(json_cases[_i].in));
	ra_words_free(words);
	free(in);
	json_decref(args);
}
END_TEST

/* From the command line through validation to words, as `call` does it. */
START_TEST(test_kv_validate_build)
{
	static const char *const kv[] = {"path=-in", "count=2", "verbose=no",
					 "tags=x", "tags=-y", "mode=slow"};
	char err[256] = "";
	json_t *args = ra_from_kv(&table, &tools[T_MIX], kv, 6, err, sizeof err);
	ck_assert_ptr_nonnull(args);
	ck_assert_int_eq(ra_validate(&table, &tools[T_MIX], args, err, sizeof err), 0);
	char **words, *in;
	size_t in_len;
	ck_assert_int_eq(ra_build(&table, &tools[T_MIX], args, &words, &in,
				  &in_len, err, sizeof err), 0);
	static const char *const want[] = {"--count", "2", "-m", "slow", "--tag",
					   "x", "--tag=-y", "--", "-in", NULL};
	for (size_t i = 0; want[i]; i++)
		ck_assert_str_eq(words[i], want[i]);
	ck_assert_ptr_null(words[9]);
	ra_words_free(words);
	json_decref(args);

	static const char *const bad[] = {"pth=x"};
	args = ra_from_kv(&table, &tools[T_MIX], bad, 1, err, sizeof err);
	ck_assert_int_eq(ra_validate(&table, &tools[T_MIX], args, err, sizeof err), -1);
	ck_assert_str_eq(err, "unknown parameter 'pth'; did you mean 'path'?");
	json_decref(args);
}
END_TEST

START_TEST(test_large)
{
	enum { BIG = 10 * 1024 * 1024, ITEMS = 100000 };
	char err[256] = "";
	char *s = malloc(BIG + 1);
	ck_assert_ptr_nonnull(s);
	memset(s, 'x', BIG);
	s[BIG] = '\0';
	json_t *args = json_object();
	json_object_set_new(args, "path", json_stringn(s, BIG));
	json_t *tags = json_array();
	for (size_t i = 0; i < ITEMS; i++)
		json_array_append_new(tags, json_string(i % 2 ? "-a" : "b"));
	json_object_set_new(args, "tags", tags);
	ck_assert_int_eq(ra_validate(&table, &tools[T_MIX], args, err, sizeof err), 0);

	char **words, *in;
	size_t in_len;
	ck_assert_int_eq(ra_build(&table, &tools[T_MIX], args, &words, &in,
				  &in_len, err, sizeof err), 0);
	size_t n = 0;
	while (words[n])
		n++;
	/* "--tag b" and "--tag=-a" alternate; the path comes last. */
	ck_assert_uint_eq(n, ITEMS / 2 * 3 + 1);
	ck_assert_str_eq(words[0], "--tag");
	ck_assert_str_eq(words[1], "b");
	ck_assert_str_eq(words[2], "--tag=-a");
	ck_assert_uint_eq(strlen(words[n - 1]), BIG);
	ra_words_free(words);

	ck_assert_int_eq(ra_build(&table, &tools[T_JSON], args, &words, &in,
				  &in_len, err, sizeof err), 0);
	ck_assert_uint_gt(in_len, BIG);
	ck_assert_int_eq(in[in_len - 1], '\n');
	ra_words_free(words);
	free(in);

	/* A huge unknown key and a huge wrong value only make short messages. */
	json_object_set_new(args, s, json_true());
	ck_assert_int_eq(ra_validate(&table, &tools[T_MIX], args, err, sizeof err), -1);
	ck_assert_uint_lt(strlen(err), 200);
	json_object_del(args, s);
	json_object_set_new(args, "count", json_stringn(s, BIG));
	ck_assert_int_eq(ra_validate(&table, &tools[T_MIX], args, err, sizeof err), -1);
	ck_assert_uint_lt(strlen(err), 200);
	json_decref(args);
	free(s);
}
END_TEST

START_TEST(test_type_names)
{
	ck_assert_str_eq(ra_type_name(SKC_T_STRING), "string");
	ck_assert_str_eq(ra_type_name(SKC_T_INTEGER), "integer");
	ck_assert_str_eq(ra_type_name(SKC_T_NUMBER), "number");
	ck_assert_str_eq(ra_type_name(SKC_T_BOOLEAN), "boolean");
	ck_assert_str_eq(ra_type_name(SKC_T_ARRAY), "array");
	ck_assert_str_eq(ra_type_name(200), "unknown");
	ck_assert_str_eq(ra_param_type(&params[5]), "array of string");
	ck_assert_str_eq(ra_param_type(&params[6]), "array of integer");
	ck_assert_str_eq(ra_param_type(&params[1]), "integer");
}
END_TEST

/* A tool whose parameters run past the table is refused, not read. */
START_TEST(test_bad_table)
{
	char err[256] = "";
	struct skc_tool bad = tools[T_MIX];
	bad.param_first = 1000;
	json_t *args = json_object();
	char **words, *in;
	size_t in_len;
	ck_assert_int_eq(ra_validate(&table, &bad, args, err, sizeof err), -1);
	ck_assert_str_eq(err, "tool's parameter table is out of range");
	ck_assert_ptr_null(ra_from_kv(&table, &bad, NULL, 0, err, sizeof err));
	ck_assert_int_eq(ra_build(&table, &bad, args, &words, &in, &in_len,
				  err, sizeof err), -1);
	ck_assert_ptr_null(words);
	bad = tools[T_MIX];
	bad.args = 9;
	ck_assert_int_eq(ra_build(&table, &bad, args, &words, &in, &in_len,
				  err, sizeof err), -1);
	ck_assert_str_eq(err, "tool has an unknown argument style 9");
	json_decref(args);
}
END_TEST

/* A key with a NUL inside is not the parameter it starts with. */
START_TEST(test_nul_key)
{
	char err[256] = "";
	json_t *args = json_object();
	json_object_set_new(args, "path", json_string("a"));
	json_object_setn_new(args, "count\0x", 7, json_integer(1));
	ck_assert_int_eq(ra_validate(&table, &tools[T_MIX], args, err, sizeof err), -1);
	ck_assert_str_eq(err, "unknown parameter 'count\\u0000x'; did you mean 'count'?");
	json_decref(args);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *suite_args(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("args");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_from_kv, 0, N(kv_cases));
	tcase_add_loop_test(tc, test_validate, 0, N(val_cases));
	tcase_add_loop_test(tc, test_build, 0, N(build_cases));
	tcase_add_loop_test(tc, test_build_json, 0, N(json_cases));
	tcase_add_test(tc, test_kv_validate_build);
	tcase_add_test(tc, test_large);
	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_bad_table);
	tcase_add_test(tc, test_nul_key);
	suite_add_tcase(s, tc);
	return s;
}
