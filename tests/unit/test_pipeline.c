/*
 * test_pipeline.c - pipeline tools: references and conditions (table
 * driven, hostile inputs included), then an agent baked from
 * tests/pipeline/skills called through `agent call` and `agent mcp`.
 */
#define _GNU_SOURCE /* asprintf */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* By path: gen/ has a pipeline.h of its own. */
#include "../../runtime/pipeline.h"
#include "testutil.h"
#include "wire.h"

static json_t *load(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
	ck_assert_msg(v != NULL, "bad test JSON (%s): %s", je.text, text);
	return v;
}

/* The scope every case resolves against: two earlier steps, one unnamed. */
struct scope_fix {
	json_t *input, *prev, *outputs[2];
	const char *names[2];
	struct pipe_scope sc;
};

static void scope_open(struct scope_fix *f, bool first_step)
{
	f->input = load("{\"url\":\"u\",\"n\":3,\"flag\":true,\"empty\":\"\","
			"\"deep\":{\"a\":{\"b\":[10,{\"c\":\"x\"}]}}}");
	json_t *big = json_array();
	for (int i = 0; i < 100000; i++)
		json_array_append_new(big, json_integer(i));
	json_object_set_new(f->input, "big", big);
	f->outputs[0] = load("{\"status\":200,\"body\":\"page\"}");
	f->outputs[1] = load("{\"body\":\"B\",\"list\":[1,2]}");
	f->names[0] = "fetch";
	f->names[1] = NULL;
	f->prev = f->outputs[1];
	f->sc = (struct pipe_scope){.input = f->input, .prev = first_step ? NULL : f->prev,
				    .names = f->names, .outputs = f->outputs,
				    .n = first_step ? 0 : 2};
}

static void scope_close(struct scope_fix *f)
{
	json_decref(f->input);
	json_decref(f->outputs[0]);
	json_decref(f->outputs[1]);
}

/* A template and what it becomes. */
static const struct {
	const char *tmpl, *want;
	bool first_step;
} substs[] = {
	{"{\"a\":\"$input.url\"}", "{\"a\":\"u\"}", false},
	{"{\"a\":\"$input.n\"}", "{\"a\":3}", false},
	{"{\"a\":\"$input.deep.a.b.1.c\"}", "{\"a\":\"x\"}", false},
	{"{\"a\":\"$input.deep.a\"}", "{\"a\":{\"b\":[10,{\"c\":\"x\"}]}}", false},
	/* missing: a whole reference leaves the member out */
	{"{\"a\":\"$input.deep.a.b.5\",\"b\":1}", "{\"b\":1}", false},
	{"{\"a\":\"$input.nope\"}", "{}", false},
	/* through something that is not an object or a list */
	{"{\"a\":\"$input.url.x\"}", "{}", false},
	{"{\"a\":\"$input.n.0\"}", "{}", false},
	/* indices: no leading zeros, no signs, none too large */
	{"{\"a\":\"$input.deep.a.b.01\"}", "{}", false},
	{"{\"a\":\"$input.big.99999\"}", "{\"a\":99999}", false},
	{"{\"a\":\"$input.big.100000\"}", "{}", false},
	{"{\"a\":\"$input.big.99999999999999999999\"}", "{}", false},
	/* a '$' that starts no reference is itself */
	{"{\"a\":\"$\"}", "{\"a\":\"$\"}", false},
	{"{\"a\":\"$.\"}", "{\"a\":\"$.\"}", false},
	{"{\"a\":\"$5 and $ \"}", "{\"a\":\"$5 and $ \"}", false},
	{"{\"a\":\"$$\"}", "{\"a\":\"$\"}", false},
	{"{\"a\":\"$$input.url\"}", "{\"a\":\"$input.url\"}", false},
	{"{\"a\":\"$$$input.url\"}", "{\"a\":\"$u\"}", false},
	{"{\"a\":\"$input.url.\"}", "{\"a\":\"u.\"}", false},
	/* inside a longer string: text; JSON for anything not a string; nothing when missing */
	{"{\"a\":\"x=$prev.list;\"}", "{\"a\":\"x=[1,2];\"}", false},
	{"{\"a\":\"[$nosuch.x]\"}", "{\"a\":\"[]\"}", false},
	{"{\"a\":\"$input.url$input.n\"}", "{\"a\":\"u3\"}", false},
	{"{\"a\":\"$prev\"}", "{\"a\":{\"body\":\"B\",\"list\":[1,2]}}", false},
	{"{\"a\":\"$fetch.status\",\"b\":\"$fetch\"}",
	 "{\"a\":200,\"b\":{\"status\":200,\"body\":\"page\"}}", false},
	/* lists keep their places: a missing item is null */
	{"{\"a\":[\"$input.url\",\"$missing.x\",1]}", "{\"a\":[\"u\",null,1]}", false},
	{"{\"a\":{\"b\":\"$input.flag\",\"c\":[[\"$input.empty\"]]}}",
	 "{\"a\":{\"b\":true,\"c\":[[\"\"]]}}", false},
	{"{\"a\":null,\"b\":false,\"c\":2.5}", "{\"a\":null,\"b\":false,\"c\":2.5}", false},
	/* $prev in the first step names nothing */
	{"{\"a\":\"$prev\",\"b\":\"x$prev.y\"}", "{\"b\":\"x\"}", true},
	{"{\"a\":\"$fetch.status\"}", "{}", true},
};

START_TEST(test_subst)
{
	struct scope_fix f;
	scope_open(&f, substs[_i].first_step);
	json_t *tmpl = load(substs[_i].tmpl), *want = load(substs[_i].want);
	json_t *got = pipe_subst(tmpl, &f.sc);
	char *text = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
	ck_assert_msg(json_equal(got, want), "%s gave %s, not %s", substs[_i].tmpl, text,
		      substs[_i].want);
	free(text);
	json_decref(got);
	json_decref(want);
	json_decref(tmpl);
	scope_close(&f);
}
END_TEST

/* A path past PIPE_MAX_PATH fields, and a key too long to look up, find nothing. */
START_TEST(test_lookup_limits)
{
	struct scope_fix f;
	scope_open(&f, false);
	char deep[4096] = "$input";
	json_t *v = f.input;
	for (int i = 0; i < PIPE_MAX_PATH + 5; i++) {
		json_t *o = json_object();
		json_object_set_new(v, "a", o);
		v = o;
		strcat(deep, ".a");
	}
	ck_assert_ptr_null(pipe_lookup(&f.sc, deep, strlen(deep)));
	ck_assert_ptr_nonnull(pipe_lookup(&f.sc, "$input.a.a.a", 12));
	char key[600] = "$input.";
	memset(key + 7, 'k', 500);
	key[507] = '\0';
	json_object_set_new(f.input, key + 7, json_true());
	ck_assert_ptr_null(pipe_lookup(&f.sc, key, strlen(key)));
	ck_assert_ptr_null(pipe_lookup(&f.sc, "$", 1));
	ck_assert_ptr_null(pipe_lookup(&f.sc, "", 0));
	ck_assert_ptr_null(pipe_lookup(&f.sc, "input", 5));
	scope_close(&f);
}
END_TEST

static const struct {
	uint8_t op;
	const char *ref, *value;
	bool want;
} conds[] = {
	{SKC_COND_ALWAYS, NULL, NULL, true},
	{SKC_COND_TRUTHY, "$input.flag", NULL, true},
	{SKC_COND_TRUTHY, "$input.nope", NULL, false},
	{SKC_COND_TRUTHY, "$input.empty", NULL, false},
	{SKC_COND_TRUTHY, "$prev.list", NULL, true},
	{SKC_COND_TRUTHY, "$", NULL, false},
	{SKC_COND_TRUTHY, NULL, NULL, false},
	{SKC_COND_FALSY, "$input.nope", NULL, true},
	{SKC_COND_FALSY, "$input.n", NULL, false},
	{SKC_COND_EQ, "$input.n", "3.0", true},
	{SKC_COND_EQ, "$input.n", "\"3\"", false},
	{SKC_COND_EQ, "$input.url", "\"u\"", true},
	{SKC_COND_EQ, "$input.flag", "true", true},
	{SKC_COND_EQ, "$input.nope", "null", true},
	{SKC_COND_EQ, "$input.n", "{", false},
	{SKC_COND_EQ, "$prev.list", "[1,2]", true},
	{SKC_COND_NE, "$input.url", "\"v\"", true},
	{SKC_COND_NE, "$fetch.status", "200", false},
	{9, "$input.flag", NULL, false},
};

START_TEST(test_cond)
{
	struct scope_fix f;
	scope_open(&f, false);
	ck_assert_msg(pipe_cond(conds[_i].op, conds[_i].ref, conds[_i].value, &f.sc) == conds[_i].want,
		      "case %d: %s op %u %s", _i, conds[_i].ref ? conds[_i].ref : "(null)",
		      conds[_i].op, conds[_i].value ? conds[_i].value : "");
	scope_close(&f);
}
END_TEST

/* ---- end to end ---- */

static char *dir, *agent_path;

/* Bake tests/pipeline/skills into a private agent, as test_mcp_sdk does. */
static void bake(void)
{
	dir = tu_tmpdir();
	const char *build = tu_env("BUILD", "build"), *cc = tu_env("CC", "cc");
	const char *san = *tu_env("SANITIZE", "") ? "-fsanitize=address,undefined" : "";
	char *cache;
	ck_assert_int_ge(asprintf(&cache, "%s/cache", dir), 0);
	setenv("XDG_CACHE_HOME", cache, 1);
	free(cache);
	struct tu_run r;
	tu_run(&r, "cd '%s' && %s -n pipet -o %s/gen tests/pipeline/skills && "
	       "%s -c -Iruntime %s/gen/table.c -o %s/table.o && "
	       "%s -c -Wa,-I,%s/gen %s/gen/data.S -o %s/data.o && "
	       "%s %s -o %s/pipet %s/table.o %s/data.o %s/runtime/main.o %s/libskillc-runtime.a "
	       "-ljansson -lcurl -lsqlite3",
	       tu_env("TEST_ROOT", "."), tu_env("SKILLC", "build/skillc"), dir, cc, dir, dir, cc,
	       dir, dir, dir, cc, san, dir, dir, dir, build, build);
	if (r.status != 0)
		fprintf(stderr, "baking the pipeline agent failed:\n%s%s", r.out, r.err);
	tu_run_release(&r);
	ck_assert_int_ge(asprintf(&agent_path, "%s/pipet", dir), 0);
}

static void unbake(void)
{
	tu_rmdir(dir);
	free(agent_path);
}

/* A number of seconds no other test sleeps, so `pgrep` finds only ours. */
static double token(int k)
{
	return 900 + (getpid() % 5000) * 0.01 + k * 0.001;
}

/* How many `sleep <seconds>` processes run (the pattern does not match pgrep's shell). */
static int sleepers(double seconds)
{
	struct tu_run r;
	tu_run(&r, "pgrep -f 'slee[p] %.3f' | wc -l", seconds);
	int n = atoi(r.out);
	tu_run_release(&r);
	return n;
}

/* Wait (bounded generously: this is about what happens, not how fast) until
 * the count is or is not zero. */
static bool sleepers_wait(double seconds, bool want_some)
{
	for (int i = 0; i < 600; i++) {
		if ((sleepers(seconds) > 0) == want_some)
			return true;
		usleep(50000);
	}
	return false;
}

static const struct {
	const char *args;
	int status;
	const char *out, *err; /* out exact; err a part of it */
} calls[] = {
	{"pipe__chain --arg word=hi", 0, "last={\"word\":\"hi\",\"len\":2,\"list\":[\"a\",\"b\"]}\n",
	 "pipeline: step 2 (pipe__echo): skipped: its condition is false"},
	{"pipe__chain --arg word=hi --arg loud=true", 0, "last=word=hi len=2 item=b cost=$5\n",
	 "pipeline: step 'first' (pipe__emit): ok"},
	{"pipe__failing", 1, "",
	 "error: tool 'pipe__failing' failed in step 2 (pipe__fail): exited with status 3"},
	{"pipe__tolerant", 0, "got: exited with status 3\n",
	 "step 'broken' (pipe__fail): failed, continuing: exited with status 3"},
	{"pipe__nested --arg word=yo", 0, "nested: last=word=yo len=2 item=b cost=$5\n",
	 "step 1 (pipe__chain): ok"},
	{"pipe__chain", 2, "", "'word'"},
};

START_TEST(test_call)
{
	struct tu_run r;
	tu_run(&r, "%s call %s", agent_path, calls[_i].args);
	ck_assert_msg(r.status == calls[_i].status, "%s: status %d\n%s%s", calls[_i].args, r.status,
		      r.out, r.err);
	ck_assert_str_eq(r.out, calls[_i].out);
	ck_assert_msg(strstr(r.err, calls[_i].err), "%s: stderr lacks '%s':\n%s", calls[_i].args,
		      calls[_i].err, r.err);
	if (calls[_i].status == 1)
		ck_assert_msg(!strstr(r.out, "never") && !strstr(r.err, "step 3"), "%s", r.err);
	tu_run_release(&r);
}
END_TEST

START_TEST(test_call_timeout_and_listing)
{
	struct tu_run r;
	double s = token(0);
	tu_run(&r, "%s call pipe__hang --arg seconds=%.3f", agent_path, s);
	ck_assert_msg(r.status == 4, "status %d\n%s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "tool 'pipe__hang' ran out of its 1 s in step 2 (pipe__sleepy)"),
		      "%s", r.err);
	tu_run_release(&r);
	ck_assert_msg(sleepers_wait(s, false), "a step outlived its pipeline's timeout");

	tu_run(&r, "%s list --json", agent_path);
	ck_assert_msg(strstr(r.out, "\"pipe__chain\"") && strstr(r.out, "\"pipe__nested\""), "%s",
		      r.out);
	tu_run_release(&r);
	tu_run(&r, "%s show --json pipe__chain", agent_path);
	json_t *o = load(r.out);
	ck_assert_str_eq(json_string_value(json_object_get(o, "kind")), "pipeline");
	json_t *steps = json_object_get(o, "steps");
	ck_assert_int_eq(json_array_size(steps), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(steps, 0), "tool")),
			 "pipe__emit");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(steps, 0), "name")),
			 "first");
	json_t *want = load("{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\","
			    "\"description\":\"The word.\"},\"loud\":{\"type\":\"boolean\","
			    "\"description\":\"Echo its parts first.\"}},\"required\":[\"word\"],"
			    "\"additionalProperties\":false}");
	ck_assert(json_equal(json_object_get(o, "inputSchema"), want));
	json_decref(want);
	json_decref(o);
	tu_run_release(&r);
}
END_TEST

/* ---- over MCP: the server's event loop runs the pipeline in a forked copy ---- */

static json_t *mcp_call(struct wire *w, int id, const char *name, const char *args)
{
	char *line;
	ck_assert_int_ge(asprintf(&line, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\","
					 "\"params\":{\"name\":\"%s\",\"arguments\":%s}}\n",
				  id, name, args),
			 0);
	wire_puts(w, line);
	free(line);
	return wire_reply(w);
}

/* All the text of a tools/call result, and whether it is an error. */
static char *result_text(json_t *reply, bool *is_error)
{
	json_t *res = json_object_get(reply, "result"), *b;
	ck_assert_msg(res != NULL, "expected a result");
	*is_error = json_is_true(json_object_get(res, "isError"));
	size_t i;
	char *all = strdup("");
	json_array_foreach(json_object_get(res, "content"), i, b) {
		char *more;
		ck_assert_int_ge(asprintf(&more, "%s%s", all,
					  json_string_value(json_object_get(b, "text"))), 0);
		free(all);
		all = more;
	}
	return all;
}

START_TEST(test_mcp)
{
	struct wire w;
	bool err;
	char *text;
	wire_open_agent(&w, agent_path, NULL, NULL);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
		      "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":"
		      "{\"name\":\"t\",\"version\":\"1\"}}}\n"
		      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n");
	json_decref(wire_reply(&w));
	json_t *r = wire_reply(&w), *tool, *found = NULL;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(r, "result"), "tools"), i, tool)
		if (!strcmp(json_string_value(json_object_get(tool, "name")), "pipe__chain"))
			found = tool;
	ck_assert_msg(found != NULL, "tools/list has no pipe__chain");
	ck_assert_str_eq(json_string_value(json_object_get(found, "description")),
			 "Emit a word, then echo parts of it.");
	ck_assert_str_eq(json_string_value(json_array_get(
				 json_object_get(json_object_get(found, "inputSchema"), "required"), 0)),
			 "word");
	json_decref(r);

	r = mcp_call(&w, 2, "pipe__chain", "{\"word\":\"hi\",\"loud\":true}");
	text = result_text(r, &err);
	ck_assert(!err);
	ck_assert_str_eq(text, "last=word=hi len=2 item=b cost=$5\n");
	free(text);
	json_decref(r);

	r = mcp_call(&w, 3, "pipe__failing", "{}");
	text = result_text(r, &err);
	ck_assert(err);
	ck_assert_msg(strstr(text, "tool 'pipe__failing' failed in step 2 (pipe__fail): exited "
				   "with status 3") && strstr(text, "fail.sh: on purpose") &&
			      !strstr(text, "skillc-pipeline-verdict"),
		      "%s", text);
	free(text);
	json_decref(r);

	r = mcp_call(&w, 4, "pipe__tolerant", "{}");
	text = result_text(r, &err);
	ck_assert(!err);
	ck_assert_str_eq(text, "got: exited with status 3\n");
	free(text);
	json_decref(r);

	/* A step past the pipeline's timeout is stopped, and nothing is left. */
	double s = token(1);
	char *args;
	ck_assert_int_ge(asprintf(&args, "{\"seconds\":%.3f}", s), 0);
	r = mcp_call(&w, 5, "pipe__hang", args);
	free(args);
	text = result_text(r, &err);
	ck_assert(err);
	ck_assert_msg(strstr(text, "ran out of its 1 s in step 2 (pipe__sleepy)"), "%s", text);
	free(text);
	json_decref(r);
	ck_assert_msg(sleepers_wait(s, false), "a step outlived its pipeline's timeout");

	/* A cancelled pipeline: the forked copy is killed outright (SIGKILL);
	 * its watchdog kills the step that was running. */
	s = token(2);
	char *line;
	ck_assert_int_ge(asprintf(&line, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\","
					 "\"params\":{\"name\":\"pipe__stall\",\"arguments\":"
					 "{\"seconds\":%.3f}}}\n", s), 0);
	wire_puts(&w, line);
	free(line);
	ck_assert_msg(sleepers_wait(s, true), "the stalled step never started");
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
		      "{\"requestId\":6}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}\n");
	r = wire_reply(&w);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 7);
	json_decref(r);
	ck_assert_msg(sleepers_wait(s, false), "a cancelled pipeline left its step running");
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

Suite *suite_pipeline(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("refs");
	tcase_add_loop_test(tc, test_subst, 0, (int)(sizeof substs / sizeof substs[0]));
	tcase_add_test(tc, test_lookup_limits);
	tcase_add_loop_test(tc, test_cond, 0, (int)(sizeof conds / sizeof conds[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("run");
	tcase_set_timeout(tc, 300);
	tcase_add_unchecked_fixture(tc, bake, unbake);
	tcase_add_loop_test(tc, test_call, 0, (int)(sizeof calls / sizeof calls[0]));
	tcase_add_test(tc, test_call_timeout_and_listing);
	tcase_add_test(tc, test_mcp);
	suite_add_tcase(s, tc);
	return s;
}
