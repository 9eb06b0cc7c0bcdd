/*
 * End to end: the probe agent baked from tests/e2e/skills, called the way a
 * user would. Each tool reports what it received, so these tests check
 * argument passing, the environment, the cache, timeouts, caps and failures.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "skc_abi.h"

static const char *agent(void)
{
	return tu_env("E2E_AGENT", "build/e2e");
}

/* Every call gets a private cache, and a variable that must not leak through. */
static char *cache_dir;

static void setup(void)
{
	cache_dir = tu_tmpdir();
	setenv("XDG_CACHE_HOME", cache_dir, 1);
	setenv("SECRET_TOKEN", "do-not-leak", 1);
}

static void teardown(void)
{
	tu_rmdir(cache_dir);
}

static json_t *parse(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);
	ck_assert_msg(v != NULL, "not JSON (%s): %s", je.text, text);
	return v;
}

START_TEST(test_list_json)
{
	struct tu_run r;
	tu_run(&r, "%s list --json", agent());
	ck_assert_int_eq(r.status, 0);
	json_t *doc = parse(r.out);
	json_t *skills = json_object_get(doc, "skills");
	ck_assert_uint_eq(json_array_size(skills), 1);
	json_t *tools = json_object_get(json_array_get(skills, 0), "tools");
	static const char *const want[] = {"probe__echo_argv", "probe__echo_flags", "probe__echo_js",
					   "probe__echo_json", "probe__env", "probe__fail",
					   "probe__flood", "probe__reads_stdin", "probe__segv",
					   "probe__sleepy", "probe__structured"};
	ck_assert_uint_eq(json_array_size(tools), sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(tools, i), "name")),
				 want[i]);
	json_decref(doc);
	tu_run_release(&r);
}
END_TEST

/* A tool call and what it must print, exactly. */
static const struct {
	const char *args, *out;
} calls[] = {
	{"probe__echo_flags --arg path=/x --arg count=3 --arg verbose=true --arg tag=a --arg tag=b "
	 "--arg mode=slow --arg ratio=0.5 --arg loud=3",
	 "{\"count\": 3, \"loud\": 3, \"mode\": \"slow\", \"path\": \"/x\", \"ratio\": 0.5, \"tag\": [\"a\", \"b\"], "
	 "\"verbose\": true}\n"},
	{"probe__echo_flags --arg path=-rf --arg verbose=false",
	 "{\"count\": 1, \"loud\": 0, \"mode\": \"fast\", \"path\": \"-rf\", \"ratio\": null, \"tag\": null, "
	 "\"verbose\": false}\n"},
	{"probe__echo_flags --json '{\"path\": \"a b\", \"tag\": [\"--mode=slow\"]}'",
	 "{\"count\": 1, \"loud\": 0, \"mode\": \"fast\", \"path\": \"a b\", \"ratio\": null, \"tag\": "
	 "[\"--mode=slow\"], \"verbose\": false}\n"},
	{"probe__echo_json --json '{\"text\": \"hi\", \"times\": 2, \"loud\": true, \"words\": [\"a\"], "
	 "\"kind\": \"b\"}'",
	 "{\"kind\": \"b\", \"scale\": null, \"text\": \"HIHI\", \"types\": [\"int\"], \"words\": "
	 "[\"a\"]}\n"},
	{"probe__echo_json --json '{\"text\": \"x\", \"times\": 3.0}'",
	 "{\"kind\": \"a\", \"scale\": null, \"text\": \"xxx\", \"types\": [\"int\"], \"words\": []}\n"},
	{"probe__echo_argv --arg first=a --arg 'second=b c'", "<a>\n<b c>\n"},
	{"probe__echo_argv --arg first=-n", "<-n>\n"},
	{"probe__echo_js --arg first=x --arg second=7", "[\"x\",\"7\"]\n"},
	{"probe__echo_js --arg first=x", "[\"x\",null]\n"},
	{"probe__reads_stdin", "eof\n"},
};

START_TEST(test_call_ok)
{
	struct tu_run r;
	tu_run(&r, "%s call %s", agent(), calls[_i].args);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, calls[_i].out);
	tu_run_release(&r);
}
END_TEST

/* A bad call: exit status and a piece of the message. */
static const struct {
	const char *args;
	int status;
	const char *err;
} bad_calls[] = {
	{"probe__echo_flags --arg pth=/x", 2, "did you mean 'path'?"},
	{"probe__echo_flags --arg count=3", 2, "missing required parameter 'path'"},
	{"probe__echo_flags --arg path=x --arg count=3x", 2, "'count'"},
	{"probe__echo_flags --arg path=x --arg mode=medium", 2, "one of"},
	{"probe__echo_flags --json '{\"path\": 1}'", 2, "'path'"},
	{"probe__echo_flags --json '[1]'", 2, "JSON object"},
	{"probe__echo_flags --json '{'", 2, "not valid JSON"},
	{"probe__echo_flags stray", 2, "unexpected argument"},
	{"probe__echo_flags --timeout -1 --arg path=x", 2, "--timeout"},
	{"probe__nope", 3, "unknown tool"},
	{"echo_flags", 3, "did you mean 'probe__echo_flags'"},
	{"", 2, "needs a tool name"},
	{"probe__fail", 1, "exited with status 3"},
	{"probe__segv", 1, "signal 11"},
	{"probe__sleepy", 4, "timed out"},
};

START_TEST(test_call_bad)
{
	struct tu_run r;
	time_t t0 = time(NULL);
	tu_run(&r, "%s call %s", agent(), bad_calls[_i].args);
	ck_assert_msg(r.status == bad_calls[_i].status, "status %d, want %d: %s", r.status,
		      bad_calls[_i].status, r.err);
	ck_assert_msg(strstr(r.err, bad_calls[_i].err), "stderr lacks '%s': %s", bad_calls[_i].err,
		      r.err);
	/* The sleepy tool (1 s timeout) must not be held by the grandchild
	 * sleeping 100 s: 30 s is far above its time on a busy machine. */
	ck_assert_int_le(time(NULL) - t0, 30);
	tu_run_release(&r);
}
END_TEST

START_TEST(test_call_fail_output)
{
	struct tu_run r;
	tu_run(&r, "%s call probe__fail", agent());
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "partial output\n");
	ck_assert_ptr_nonnull(strstr(r.err, "something went wrong"));
	tu_run_release(&r);
}
END_TEST

START_TEST(test_call_flood_capped)
{
	struct tu_run r;
	tu_run(&r, "%s call probe__flood", agent());
	/* Stopped at the cap: a failed call that keeps what it printed. */
	ck_assert_msg(r.status == 1, "%s", r.err);
	ck_assert_uint_eq(r.out_len, 65536);
	ck_assert_ptr_nonnull(strstr(r.err, "truncated at 65536 bytes"));
	ck_assert_ptr_nonnull(strstr(r.err, "output cap of 65536 bytes"));
	tu_run_release(&r);
	tu_run(&r, "%s call probe__flood --max-output 100", agent());
	ck_assert_uint_eq(r.out_len, 100);
	tu_run_release(&r);
}
END_TEST

START_TEST(test_call_env)
{
	struct tu_run r;
	tu_run(&r, "%s call probe__env", agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "SKILL_NAME=probe\n"));
	ck_assert_ptr_null(strstr(r.out, "SECRET_TOKEN"));
	ck_assert_ptr_nonnull(strstr(r.out, "notes for the probe skill"));
	/* cwd is the skill's extracted directory, under the cache. */
	char *dir = strstr(r.out, "SKILL_DIR=");
	ck_assert_ptr_nonnull(dir);
	dir += strlen("SKILL_DIR=");
	size_t n = strcspn(dir, "\n");
	ck_assert(strncmp(dir, cache_dir, strlen(cache_dir)) == 0);
	char *pwd = strstr(r.out, "PWD=");
	ck_assert_ptr_nonnull(pwd);
	ck_assert(strncmp(pwd + 4, dir, n) == 0 && pwd[4 + n] == '\n');
	tu_run_release(&r);
}
END_TEST

/* A tampered extraction is noticed and redone before the script runs. */
START_TEST(test_cache_tamper)
{
	struct tu_run r;
	tu_run(&r, "%s call probe__env", agent());
	ck_assert_int_eq(r.status, 0);
	tu_run_release(&r);
	tu_run(&r, "for f in '%s'/skillc/*/scripts/env.sh; do chmod u+w \"$f\" \"$(dirname \"$f\")\"; "
	       "printf 'echo hacked    \\n' > \"$f\"; done; '%s' call probe__env", cache_dir, agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_null(strstr(r.out, "hacked"));
	ck_assert_ptr_nonnull(strstr(r.out, "SKILL_NAME=probe"));
	tu_run_release(&r);
}
END_TEST

START_TEST(test_show)
{
	struct tu_run r;
	tu_run(&r, "%s show probe", agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Each tool prints what it received"));
	ck_assert_ptr_nonnull(strstr(r.out, "probe__echo_flags"));
	tu_run_release(&r);

	tu_run(&r, "%s show probe__echo_flags --json", agent());
	ck_assert_int_eq(r.status, 0);
	json_t *doc = parse(r.out);
	json_t *schema = json_object_get(doc, "inputSchema");
	ck_assert_str_eq(json_string_value(json_object_get(schema, "type")), "object");
	json_t *count = json_object_get(json_object_get(schema, "properties"), "count");
	ck_assert_str_eq(json_string_value(json_object_get(count, "type")), "integer");
	ck_assert_int_eq(json_integer_value(json_object_get(count, "default")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(schema, "required"), 0)),
			 "path");
	json_decref(doc);
	tu_run_release(&r);

	tu_run(&r, "%s show prob", agent());
	ck_assert_int_eq(r.status, 3);
	ck_assert_ptr_nonnull(strstr(r.err, "did you mean 'probe'"));
	tu_run_release(&r);
}
END_TEST

START_TEST(test_version_doctor)
{
	struct tu_run r;
	tu_run(&r, "%s version --json", agent());
	ck_assert_int_eq(r.status, 0);
	json_t *doc = parse(r.out);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "abi")), SKC_ABI_VERSION);
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(doc, "digest"))), 64);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "agent")), "e2e");
	json_t *none = json_pack("{s:n,s:n,s:n}", "provider", "model", "base_url");
	ck_assert(json_equal(json_object_get(doc, "defaults"), none));
	json_decref(none);
	json_decref(doc);
	tu_run_release(&r);

	tu_run(&r, "%s doctor", agent());
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "python3"));
	ck_assert_ptr_nonnull(strstr(r.out, cache_dir));
	tu_run_release(&r);

	tu_run(&r, "%s frobnicate", agent());
	ck_assert_int_eq(r.status, 2);
	tu_run_release(&r);
	tu_run(&r, "%s list --bogus", agent());
	ck_assert_int_eq(r.status, 2);
	tu_run_release(&r);
}
END_TEST

/* ---- the default agent: every tool, called for real ---- */

/* A call per default tool ("%R" stands for the repository root) and a piece
 * of its output. A tool missing here fails test_default_covered. */
static const struct {
	const char *tool, *json, *want;
} default_calls[] = {
	{"file-tools__checksums", "{\"paths\": [\"%R/tests/e2e/sample.log\"]}",
	 "sample.log"},
	{"file-tools__disk_usage", "{\"path\": \"%R/tests/e2e\", \"depth\": 1}", "skills"},
	{"json-tools__json_format", "{\"file\": \"%R/tests/e2e/sample.json\"}", "\"name\": \"probe\""},
	{"json-tools__json_query", "{\"file\": \"%R/tests/e2e/sample.json\", \"path\": \"tools.1\"}",
	 "echo"},
	{"log-search__search_logs", "{\"paths\": [\"%R/tests/e2e/sample.log\"], \"pattern\": \"refused\"}",
	 "connection refused to cache"},
	{"log-search__tail_log", "{\"file\": \"%R/tests/e2e/sample.log\", \"lines\": 1}",
	 "connection refused to cache"},
	{"system-info__snapshot", "{\"sections\": [\"memory\"]}", "mem"},
	{"system-info__top_procs", "{\"count\": 3}", "PID"},
	{"text-kit__digest", "{\"text\": \"abc\", \"algorithm\": \"crc32\"}", "\"352441c2\""},
	{"text-kit__transform", "{\"text\": \"a b\", \"op\": \"count\"}", "\"words\":2"},
};

static char *with_root(const char *s)
{
	char root[4096];
	if (!getcwd(root, sizeof root))
		abort();
	const char *r = tu_env("TEST_ROOT", root);
	size_t n = strlen(s) + 1, k = 0;
	for (const char *p = s; (p = strstr(p, "%R")); p += 2)
		n += strlen(r);
	char *out = malloc(n);
	for (const char *p = s; *p;) {
		if (p[0] == '%' && p[1] == 'R') {
			memcpy(out + k, r, strlen(r));
			k += strlen(r);
			p += 2;
		} else {
			out[k++] = *p++;
		}
	}
	out[k] = '\0';
	return out;
}

START_TEST(test_default_call)
{
	char *json = with_root(default_calls[_i].json);
	struct tu_run r;
	tu_run(&r, "%s call %s --json '%s'", tu_env("AGENT", "build/agent"), default_calls[_i].tool,
	       json);
	ck_assert_msg(r.status == 0, "%s: status %d: %s", default_calls[_i].tool, r.status, r.err);
	ck_assert_msg(strstr(r.out, default_calls[_i].want), "%s: output lacks '%s':\n%s",
		      default_calls[_i].tool, default_calls[_i].want, r.out);
	tu_run_release(&r);
	free(json);
}
END_TEST

START_TEST(test_default_covered)
{
	struct tu_run r;
	tu_run(&r, "%s list --json", tu_env("AGENT", "build/agent"));
	ck_assert_int_eq(r.status, 0);
	json_t *doc = parse(r.out);
	size_t i, j, n = 0;
	json_t *s, *t;
	json_array_foreach(json_object_get(doc, "skills"), i, s) {
		json_array_foreach(json_object_get(s, "tools"), j, t) {
			const char *name = json_string_value(json_object_get(t, "name"));
			size_t k = 0;
			while (k < sizeof default_calls / sizeof default_calls[0] &&
			       strcmp(default_calls[k].tool, name))
				k++;
			ck_assert_msg(k < sizeof default_calls / sizeof default_calls[0],
				      "default tool '%s' has no end-to-end call", name);
			n++;
		}
	}
	ck_assert_uint_eq(n, sizeof default_calls / sizeof default_calls[0]);
	json_decref(doc);
	tu_run_release(&r);
}
END_TEST

/* ---- the generator's output ---- */

static const char *skillc(void)
{
	return tu_env("SKILLC", "build/skillc");
}

/* Generated C compiles under the strictest flags. */
START_TEST(test_generated_compiles)
{
	char *dir = tu_tmpdir();
	struct tu_run r;
	tu_run(&r, "%s -o %s/gen tests/e2e/skills && %s -std=c11 -Wall -Wextra -Wconversion -pedantic "
	       "-Werror -Iruntime -c %s/gen/table.c -o %s/t.o && %s -std=c11 -Wall -Wextra "
	       "-Wconversion -pedantic -Werror -Iruntime -c templates/table.c -o %s/tpl.o",
	       skillc(), dir, tu_env("CC", "cc"), dir, dir, tu_env("CC", "cc"), dir);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_release(&r);
	tu_rmdir(dir);
}
END_TEST

/* The same input gives byte-identical output, wherever it is written. */
START_TEST(test_reproducible)
{
	char *dir = tu_tmpdir();
	struct tu_run r;
	tu_run(&r, "%s -o %s/a tests/e2e/skills && %s -o %s/b tests/e2e/skills && "
	       "cmp %s/a/table.c %s/b/table.c && cmp %s/a/data.bin %s/b/data.bin && "
	       "cmp %s/a/data.S %s/b/data.S",
	       skillc(), dir, skillc(), dir, dir, dir, dir, dir, dir, dir);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	tu_run_release(&r);
	tu_rmdir(dir);
}
END_TEST

/* A failed run leaves the previous output alone and no temporary files. */
START_TEST(test_failure_writes_nothing)
{
	char *dir = tu_tmpdir();
	struct tu_run r;
	tu_run(&r, "mkdir -p %s/s/bad && printf -- '---\\nname: bad\\n---\\nbody\\n' > %s/s/bad/SKILL.md && "
	       "%s -o %s/out tests/e2e/skills && cp %s/out/table.c %s/before.c && "
	       "%s -o %s/out %s/s; test $? = 1 && cmp %s/before.c %s/out/table.c && "
	       "! ls %s/out | grep -q '+$'",
	       dir, dir, skillc(), dir, dir, dir, skillc(), dir, dir, dir, dir, dir);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "description"));
	tu_run_release(&r);
	tu_rmdir(dir);
}
END_TEST

/* setuid/setgid files are refused at build time. */
START_TEST(test_setuid_refused)
{
	char *dir = tu_tmpdir();
	struct tu_run r;
	tu_run(&r, "mkdir -p %s/s/su/scripts && printf -- '---\\nname: su\\ndescription: d\\n---\\nb\\n' "
	       "> %s/s/su/SKILL.md && printf '#!/bin/sh\\n# Run.\\n' > %s/s/su/scripts/run.sh && "
	       "chmod 4755 %s/s/su/scripts/run.sh && %s --check %s/s",
	       dir, dir, dir, dir, skillc(), dir);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "run.sh: error: file has the setuid or setgid bit"), "%s", r.err);
	tu_run_release(&r);
	tu_rmdir(dir);
}
END_TEST

/* `make install`, then a bake that uses only the installed files, as another repo's CI would. */
START_TEST(test_install_and_bake)
{
	if (*tu_env("SANITIZE", ""))
		return; /* the installed runtime would need the sanitizer runtime to link */
	char *dir = tu_tmpdir();
	struct tu_run r;
	const char *build = tu_env("BUILD", "build");
	tu_run(&r, "make --no-print-directory -s BUILD=%s install PREFIX=%s/p >/dev/null && cd %s && "
	       "p/bin/skillc -n helper --provider anthropic --model claude-x -o gen '%s/tests/e2e/skills' && "
	       "%s -c -Ip/include/skillc gen/table.c -o table.o && %s -c -Wa,-I,gen gen/data.S -o data.o && "
	       "%s -o helper table.o data.o p/lib/skillc-main.o p/lib/libskillc-runtime.a -ljansson -lcurl -lsqlite3 && "
	       "./helper call probe__echo_argv --arg first=installed",
	       build, dir, dir, tu_env("TEST_ROOT", "."), tu_env("CC", "cc"), tu_env("CC", "cc"),
	       tu_env("CC", "cc"));
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_str_eq(r.out, "<installed>\n");
	tu_run_release(&r);
	/* The run defaults baked with it. */
	tu_run(&r, "%s/helper version --json", dir);
	json_t *doc = parse(r.out);
	json_t *want = json_pack("{s:s,s:s,s:n}", "provider", "anthropic", "model", "claude-x",
				 "base_url");
	ck_assert(json_equal(json_object_get(doc, "defaults"), want));
	json_decref(want);
	json_decref(doc);
	tu_run_release(&r);
	tu_run(&r, "%s/p/bin/skillc --provider claude -o %s/gen2 '%s/tests/e2e/skills'", dir, dir,
	       tu_env("TEST_ROOT", "."));
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "unknown provider 'claude'"));
	tu_run_release(&r);
	tu_rmdir(dir);
}
END_TEST

/* valgrind, where installed: the generator on the default skills, and the agent. */
START_TEST(test_valgrind)
{
	struct tu_run r;
	tu_run(&r, "command -v valgrind");
	/* valgrind cannot run sanitizer builds. */
	int have = r.status == 0 && !*tu_env("SANITIZE", "");
	tu_run_release(&r);
	if (!have)
		return;
	const char *vg = "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite";
	tu_run(&r, "%s %s --check skills && %s %s list --json >/dev/null && %s %s call probe__echo_json "
	       "--json '{\"text\": \"v\"}'",
	       vg, skillc(), vg, tu_env("AGENT", "build/agent"), vg, agent());
	ck_assert_msg(r.status == 0, "valgrind: status %d\n%s", r.status, r.err);
	tu_run_release(&r);
	/* An MCP session: lists, a structured result, a failure, a cancelled call. */
	tu_run(&r, "printf '%%s\\n' "
	       "'{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\"}}' "
	       "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":\"t:1\"}}' "
	       "'{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/list\"}' "
	       "'{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__structured\",\"arguments\":{}}}' "
	       "'{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__fail\",\"_meta\":{\"progressToken\":1}}}' "
	       "'{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__sleepy\"}}' "
	       "'{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":5}}' "
	       "| { cat; sleep 2; } | %s %s mcp >/dev/null",
	       vg, agent());
	ck_assert_msg(r.status == 0, "valgrind mcp: status %d\n%s", r.status, r.err);
	tu_run_release(&r);
}
END_TEST

/*
 * Scripts with no declared parameters that read sys.argv / $N (the argv-only
 * golden fixture): the inferred parameters reach them in argv order.
 */
static const struct {
	const char *args;
	int status;
	const char *out; /* stdout, or a piece of stderr when status is not 0 */
} argv_calls[] = {
	{"forms__fill_form --arg values=v.json --arg input_pdf=in.pdf", 0,
	 "fill 'in.pdf' with 'v.json' into 'out.pdf'\n"},
	{"forms__fill_form --arg input_pdf=in.pdf --arg values=v.json --arg 'output=o p.pdf'", 0,
	 "fill 'in.pdf' with 'v.json' into 'o p.pdf'\n"},
	{"forms__render_pages --arg outdir=o --arg pdf=-a.pdf --arg dpi=72 --arg scale=0.5", 0,
	 "['-a.pdf', 'o', '72', '0.5']\n"},
	{"forms__render_pages --arg pdf=a.pdf --arg outdir=o", 0, "['a.pdf', 'o']\n"},
	{"forms__render_pages --arg pdf=a.pdf --arg outdir=o --arg scale=2", 2,
	 "parameter 'dpi' must be given too"},
	{"forms__render_pages --arg pdf=a.pdf", 2, "missing required parameter 'outdir'"},
	{"forms__merge --json '{\"input_pdf\": [\"a.pdf\", \"b c.pdf\"], \"out\": \"o.pdf\"}'", 0,
	 "o.pdf ['a.pdf', 'b c.pdf']\n"},
	{"forms__split --arg local_n=3 --arg input=x.pdf", 0, "split <x.pdf> every <3> into <chunks>\n"},
	{"forms__init --arg project_name='my app'", 0, "project <my app>\n"},
};

START_TEST(test_argv_only)
{
	struct tu_run r;
	tu_run(&r, "%s call %s", tu_env("ARGV_AGENT", "build/argvonly"), argv_calls[_i].args);
	ck_assert_msg(r.status == argv_calls[_i].status, "status %d: %s", r.status, r.err);
	if (argv_calls[_i].status == 0)
		ck_assert_str_eq(r.out, argv_calls[_i].out);
	else
		ck_assert_msg(strstr(r.err, argv_calls[_i].out), "%s", r.err);
	tu_run_release(&r);
}
END_TEST

Suite *suite_e2e(void)
{
	Suite *s = suite_create("e2e");
	TCase *tc = tcase_create("agent");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_list_json);
	tcase_add_loop_test(tc, test_call_ok, 0, sizeof calls / sizeof calls[0]);
	tcase_add_loop_test(tc, test_call_bad, 0, sizeof bad_calls / sizeof bad_calls[0]);
	tcase_add_test(tc, test_call_fail_output);
	tcase_add_test(tc, test_call_flood_capped);
	tcase_add_test(tc, test_call_env);
	tcase_add_test(tc, test_cache_tamper);
	tcase_add_test(tc, test_show);
	tcase_add_test(tc, test_version_doctor);
	suite_add_tcase(s, tc);
	TCase *td = tcase_create("default");
	tcase_add_checked_fixture(td, setup, teardown);
	tcase_set_timeout(td, 60);
	tcase_add_loop_test(td, test_default_call, 0, sizeof default_calls / sizeof default_calls[0]);
	tcase_add_test(td, test_default_covered);
	suite_add_tcase(s, td);
	TCase *tg = tcase_create("generator");
	tcase_set_timeout(tg, 120);
	tcase_add_test(tg, test_generated_compiles);
	tcase_add_test(tg, test_reproducible);
	tcase_add_test(tg, test_failure_writes_nothing);
	tcase_add_test(tg, test_valgrind);
	tcase_add_test(tg, test_setuid_refused);
	tcase_add_test(tg, test_install_and_bake);
	suite_add_tcase(s, tg);
	TCase *ta = tcase_create("argv");
	tcase_add_checked_fixture(ta, setup, teardown);
	tcase_add_loop_test(ta, test_argv_only, 0, (int)(sizeof argv_calls / sizeof argv_calls[0]));
	suite_add_tcase(s, ta);
	return s;
}
