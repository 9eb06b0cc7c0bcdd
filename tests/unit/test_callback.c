/*
 * The Skillz callback protocol end to end: the probe tools of
 * tests/callback/skills (CB_AGENT) called through `agent mcp`, in both
 * request styles, and through `agent call`.
 */
#define _GNU_SOURCE /* asprintf */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire.h"

#define TALK "callback-probe__talk"
#define META_2026_ASKS \
	"\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," \
	"\"io.modelcontextprotocol/clientCapabilities\":{\"elicitation\":{},\"sampling\":{}}}"

static char *state_dir;

static void setup(void)
{
	state_dir = tu_tmpdir();
	setenv("XDG_CACHE_HOME", state_dir, 1);
	setenv("XDG_STATE_HOME", state_dir, 1);
}

static void teardown(void)
{
	tu_rmdir(state_dir);
}

static const char *agent(void)
{
	return tu_env("CB_AGENT", "build/cbprobe");
}

static void open_agent(struct wire *w, const char *caps)
{
	wire_open_agent(w, agent(), NULL, NULL);
	char *init;
	ck_assert_int_ge(asprintf(&init,
				  "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
				  "\"protocolVersion\":\"2025-11-25\",\"capabilities\":%s,"
				  "\"clientInfo\":{\"name\":\"cb\",\"version\":\"1\"}}}\n"
				  "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
				  "{\"jsonrpc\":\"2.0\",\"id\":\"lv\",\"method\":\"logging/setLevel\","
				  "\"params\":{\"level\":\"info\"}}\n",
				  caps),
			 0);
	wire_puts(w, init);
	free(init);
	json_decref(wire_reply(w));
	json_decref(wire_reply(w));
}

static void send_call(struct wire *w, const char *id, const char *args, const char *extra)
{
	char *msg;
	ck_assert_int_ge(asprintf(&msg,
				  "{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"method\":\"tools/call\",\"params\":"
				  "{\"name\":\"" TALK "\",\"arguments\":%s%s}}\n",
				  id, args, extra ? extra : ""),
			 0);
	wire_puts(w, msg);
	free(msg);
}

/* The call's reply; every notification before it is appended to `notes`
 * (one compact JSON a line) when notes is not NULL. */
static json_t *reply_to(struct wire *w, const char *id, char *notes, size_t n)
{
	for (;;) {
		json_t *v = wire_recv(w);
		json_t *jid = json_object_get(v, "id");
		if (json_is_string(jid) && !strcmp(json_string_value(jid), id))
			return v;
		if (notes) {
			char *s = json_dumps(v, JSON_COMPACT);
			size_t k = strlen(notes);
			snprintf(notes + k, n - k, "%s\n", s);
			free(s);
		}
		json_decref(v);
	}
}

static const char *text_of(json_t *reply)
{
	json_t *c = json_object_get(result_of(reply), "content");
	return json_string_value(json_object_get(json_array_get(c, 0), "text"));
}

static bool is_error(json_t *reply)
{
	return json_is_true(json_object_get(result_of(reply), "isError"));
}

/* The tool's result, which the probe makes a JSON object. */
static json_t *result_json(json_t *reply)
{
	ck_assert_msg(!is_error(reply), "the call failed: %s", text_of(reply));
	json_t *v = json_loads(text_of(reply), 0, NULL);
	ck_assert_msg(v != NULL, "not JSON: %s", text_of(reply));
	return v;
}

START_TEST(test_notifications)
{
	struct wire w;
	static char notes[1 << 16];
	notes[0] = '\0';
	open_agent(&w, "{}");
	send_call(&w, "a", "{\"mode\":\"basic\",\"text\":\"hi\"}",
		  ",\"_meta\":{\"progressToken\":\"tok\"}");
	json_t *r = reply_to(&w, "a", notes, sizeof notes);
	json_t *v = result_json(r);
	ck_assert_str_eq(json_string_value(json_object_get(v, "text")), "hi");
	ck_assert_str_eq(json_string_value(json_object_get(v, "tool")), TALK);
	/* The client declared nothing: the tool is told so. */
	json_t *caps = json_object_get(v, "caps");
	ck_assert(json_is_false(json_object_get(caps, "sampling")));
	ck_assert(json_is_false(json_object_get(caps, "elicitation")));
	ck_assert(json_is_true(json_object_get(caps, "memory")));
	/* The tool's log and progress, as MCP notifications. */
	ck_assert_ptr_nonnull(strstr(notes, "\"level\":\"warning\",\"logger\":\"" TALK "\","
					   "\"data\":{\"message\":\"half way\"}"));
	ck_assert_ptr_nonnull(strstr(notes, "\"progress\":1.0,\"total\":2.0,\"message\":\"one\",\"progressToken\":\"tok\""));
	ck_assert_ptr_nonnull(strstr(notes, "\"progress\":2.0,\"total\":2.0,\"message\":\"two\",\"progressToken\":\"tok\""));
	json_decref(v);
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_tools_call)
{
	struct wire w;
	open_agent(&w, "{}");
	send_call(&w, "a", "{\"mode\":\"call\",\"text\":\"shout\"}", NULL);
	json_t *r = reply_to(&w, "a", NULL, 0);
	json_t *v = result_json(r);
	json_t *out = json_object_get(json_object_get(json_object_get(v, "result"), "output"), "upper");
	ck_assert_str_eq(json_string_value(out), "SHOUT");
	json_decref(v);
	json_decref(r);

	/* A tool that calls itself: refused, not run. */
	send_call(&w, "b", "{\"mode\":\"recurse\"}", NULL);
	r = reply_to(&w, "b", NULL, 0);
	v = result_json(r);
	const char *msg = json_string_value(json_object_get(json_object_get(v, "error"), "message"));
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(strstr(msg, "would be a cycle"));
	json_decref(v);
	json_decref(r);

	send_call(&w, "c", "{\"mode\":\"unknown-tool\"}", NULL);
	r = reply_to(&w, "c", NULL, 0);
	v = result_json(r);
	msg = json_string_value(json_object_get(json_object_get(v, "error"), "message"));
	ck_assert_str_eq(msg, "unknown tool 'no_such_tool'");
	json_decref(v);
	json_decref(r);

	send_call(&w, "d", "{\"mode\":\"method\"}", NULL);
	r = reply_to(&w, "d", NULL, 0);
	v = result_json(r);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(v, "error"), "code")),
			 -32601);
	json_decref(v);
	json_decref(r);

	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":\"chain\",\"method\":\"tools/call\",\"params\":"
		      "{\"name\":\"callback-probe__chain1\"}}\n");
	r = reply_to(&w, "chain", NULL, 0);
	ck_assert_msg(strstr(text_of(r), "{\"depth\":4,\"next\":null,\"error\":\"tools/call is nested more than 4 deep\"}"),
		      "got: %s", text_of(r));
	json_decref(r);

	/* memory/set then memory/get, in the skill's namespace of the agent's store. */
	send_call(&w, "mem", "{\"mode\":\"memory\"}", NULL);
	r = reply_to(&w, "mem", NULL, 0);
	v = result_json(r);
	ck_assert(json_is_true(json_object_get(json_object_get(json_object_get(v, "set"), "result"), "ok")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(
				 json_object_get(v, "get"), "result"), "value"), "n")),
			 1);
	json_decref(v);
	json_decref(r);
	struct tu_run run;
	tu_run(&run, "%s memory get callback-probe k", agent());
	ck_assert_int_eq(run.status, 0);
	ck_assert_ptr_nonnull(strstr(run.out, "\"n\""));
	tu_run_release(&run);

	send_call(&w, "e", "{\"mode\":\"resources\"}", NULL);
	r = reply_to(&w, "e", NULL, 0);
	v = result_json(r);
	ck_assert_str_eq(json_string_value(json_object_get(v, "starts")), "---");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(v, "other")),
				     "a tool reads its own skill's files"));
	json_decref(v);
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* 2025-11-25: the tool's questions become requests of the server's. */
START_TEST(test_asks_handshake)
{
	struct wire w;
	open_agent(&w, "{\"elicitation\":{},\"sampling\":{}}");
	send_call(&w, "a", "{\"mode\":\"both\"}", NULL);
	int asked = 0;
	json_t *r;
	for (;;) {
		r = wire_recv(&w);
		const char *method = json_string_value(json_object_get(r, "method"));
		json_t *id = json_object_get(r, "id");
		if (method && id) {
			asked++;
			char *ans;
			const char *res = method[0] == 'e'
						  ? "{\"action\":\"accept\",\"content\":{\"x\":\"yes\"}}"
						  : "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"sampled\"},\"model\":\"m\",\"stopReason\":\"endTurn\"}";
			ck_assert_int_ge(asprintf(&ans, "{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"result\":%s}\n",
						  json_string_value(id), res),
					 0);
			wire_puts(&w, ans);
			free(ans);
		} else if (json_is_string(id) && !strcmp(json_string_value(id), "a")) {
			break;
		}
		json_decref(r);
	}
	ck_assert_int_eq(asked, 2);
	json_t *v = result_json(r);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(
				 json_object_get(v, "a"), "result"), "content"), "x")),
			 "yes");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(
				 json_object_get(v, "b"), "result"), "content"), "text")),
			 "sampled");
	json_decref(v);
	json_decref(r);

	/* The client's error reaches the tool as an error. */
	send_call(&w, "b", "{\"mode\":\"elicit\"}", NULL);
	r = wire_recv(&w);
	while (!json_object_get(r, "method") || !json_object_get(r, "id")) {
		json_decref(r);
		r = wire_recv(&w);
	}
	char *ans;
	ck_assert_int_ge(asprintf(&ans, "{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"error\":{\"code\":-1,\"message\":\"user away\"}}\n",
				  json_string_value(json_object_get(r, "id"))),
			 0);
	wire_puts(&w, ans);
	free(ans);
	json_decref(r);
	r = reply_to(&w, "b", NULL, 0);
	v = result_json(r);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(v, "error"), "message")),
				     "user away"));
	json_decref(v);
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* A client that declared neither: the tool hears so at once. */
START_TEST(test_asks_unsupported)
{
	struct wire w;
	open_agent(&w, "{}");
	send_call(&w, "a", "{\"mode\":\"elicit\"}", NULL);
	json_t *r = reply_to(&w, "a", NULL, 0);
	json_t *v = result_json(r);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "result"), "action")),
			 "decline");
	json_decref(v);
	json_decref(r);
	send_call(&w, "b", "{\"mode\":\"sample\"}", NULL);
	r = reply_to(&w, "b", NULL, 0);
	v = result_json(r);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(v, "error"), "message")),
				     "cannot sample"));
	json_decref(v);
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* 2026-07-28: input_required results, and the retries that answer them. */
START_TEST(test_asks_mrtr)
{
	struct wire w;
	wire_open_agent(&w, agent(), NULL, NULL);
	const char *params = "{\"name\":\"" TALK "\",\"arguments\":{\"mode\":\"both\"}," META_2026_ASKS;
	char *msg;
	ck_assert_int_ge(asprintf(&msg, "{\"jsonrpc\":\"2.0\",\"id\":\"m0\",\"method\":\"tools/call\",\"params\":%s}}\n",
				  params),
			 0);
	wire_puts(&w, msg);
	free(msg);
	json_t *r = reply_to(&w, "m0", NULL, 0);
	int rounds = 0;
	while (!strcmp(json_string_value(json_object_get(result_of(r), "resultType")), "input_required")) {
		json_t *res = result_of(r);
		const char *state = json_string_value(json_object_get(res, "requestState"));
		ck_assert_ptr_nonnull(state);
		json_t *answers = json_object();
		const char *key;
		json_t *q;
		json_object_foreach(json_object_get(res, "inputRequests"), key, q) {
			const char *method = json_string_value(json_object_get(q, "method"));
			json_object_set_new(answers, key,
					    method[0] == 'e'
						    ? json_pack("{s:s,s:{s:s}}", "action", "accept", "content", "x", "mrtr")
						    : json_pack("{s:s,s:{s:s,s:s},s:s,s:s}", "role", "assistant", "content",
								"type", "text", "text", "round two", "model", "m",
								"stopReason", "endTurn"));
		}
		char *a = json_dumps(answers, JSON_COMPACT);
		char id[16];
		snprintf(id, sizeof id, "m%d", ++rounds);
		ck_assert_int_ge(asprintf(&msg,
					  "{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"method\":\"tools/call\",\"params\":%s,"
					  "\"inputResponses\":%s,\"requestState\":\"%s\"}}\n",
					  id, params, a, state),
				 0);
		wire_puts(&w, msg);
		free(msg);
		free(a);
		json_decref(answers);
		json_decref(r);
		r = reply_to(&w, id, NULL, 0);
		ck_assert_int_le(rounds, 4);
	}
	ck_assert_int_eq(rounds, 2); /* one question a round: the second follows the first's answer */
	ck_assert_str_eq(json_string_value(json_object_get(result_of(r), "resultType")), "complete");
	json_t *v = result_json(r);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(
				 json_object_get(v, "a"), "result"), "content"), "x")),
			 "mrtr");
	json_decref(v);
	json_decref(r);

	/* A state that names nothing. */
	ck_assert_int_ge(asprintf(&msg, "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"tools/call\",\"params\":%s,"
					"\"requestState\":\"skc-999-nothing\"}}\n",
				  params),
			 0);
	wire_puts(&w, msg);
	free(msg);
	r = reply_to(&w, "x", NULL, 0);
	ck_assert_int_eq(error_code(r), -32602);
	ck_assert_ptr_nonnull(strstr(error_message(r), "names no call waiting"));
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* Misbehaving tools get a clear error each, and the server goes on serving. */
static const struct {
	const char *args, *want;
} hostile[] = {
	{"{\"mode\":\"garbage\"}", "line 1 is not a JSON-RPC 2.0 message: 'this is not json'"},
	{"{\"mode\":\"flood\"}", "sent more than 10000 messages"},
	{"{\"mode\":\"noresult\"}", "ended without sending its result"},
	{"{\"mode\":\"error\"}", "answered with an error: it went wrong (code 7)"},
};

START_TEST(test_hostile)
{
	struct wire w;
	open_agent(&w, "{}");
	send_call(&w, "h", hostile[_i].args, NULL);
	json_t *r = reply_to(&w, "h", NULL, 0);
	ck_assert(is_error(r));
	ck_assert_msg(strstr(text_of(r), hostile[_i].want), "got: %s", text_of(r));
	json_decref(r);
	send_call(&w, "ok", "{\"mode\":\"string\"}", NULL);
	r = reply_to(&w, "ok", NULL, 0);
	ck_assert(!is_error(r));
	ck_assert_str_eq(text_of(r), "plain text result");
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_never_answers)
{
	struct wire w;
	open_agent(&w, "{}");
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":\"h\",\"method\":\"tools/call\",\"params\":"
		      "{\"name\":\"callback-probe__hang\"}}\n");
	json_t *r = reply_to(&w, "h", NULL, 0);
	ck_assert(is_error(r));
	ck_assert_msg(strstr(text_of(r), "timed out") && strstr(text_of(r), "before sending its result"),
		      "got: %s", text_of(r));
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* A secret the tool prints in a log or its result never leaves the agent. */
START_TEST(test_secret_redacted)
{
	struct wire w;
	static char notes[1 << 16];
	notes[0] = '\0';
	setenv("PROBE_TOKEN", "hunter2-very-secret", 1);
	open_agent(&w, "{}");
	send_call(&w, "s", "{\"mode\":\"secret\"}", NULL);
	json_t *r = reply_to(&w, "s", notes, sizeof notes);
	ck_assert_ptr_null(strstr(notes, "hunter2"));
	ck_assert_ptr_nonnull(strstr(notes, "token [secret PROBE_TOKEN]"));
	ck_assert_ptr_null(strstr(text_of(r), "hunter2"));
	ck_assert_ptr_nonnull(strstr(text_of(r), "[secret PROBE_TOKEN]"));
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
	unsetenv("PROBE_TOKEN");
}
END_TEST

/* `agent call`: logs on stderr, the result on stdout, the same verdicts. No
 * terminal (setsid): the tool is told the user cannot be asked. */
START_TEST(test_call_cli)
{
	struct tu_run r;
	tu_run(&r, "setsid -w %s call " TALK " --arg mode=basic --arg text=cli", agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"text\":\"cli\""));
	ck_assert_ptr_nonnull(strstr(r.out, "\"elicitation\":false"));
	ck_assert_ptr_nonnull(strstr(r.err, TALK ": warning: {\"message\":\"half way\"}"));
	ck_assert_ptr_nonnull(strstr(r.err, TALK ": progress: {\"progress\":1.0"));
	tu_run_release(&r);

	tu_run(&r, "setsid -w %s call " TALK " --arg mode=call --arg text=abc", agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"upper\":\"ABC\""));
	tu_run_release(&r);

	tu_run(&r, "setsid -w %s call " TALK " --arg mode=elicit", agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"action\":\"decline\""));
	tu_run_release(&r);

	tu_run(&r, "SKILLC_PROVIDER= OPENAI_API_KEY= ANTHROPIC_API_KEY= GEMINI_API_KEY= GOOGLE_API_KEY= "
		   "SKILLC_API_KEY= setsid -w %s call " TALK " --arg mode=sample", agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "cannot sample"));
	tu_run_release(&r);

	/* Four calls deep is the limit: the fifth link is refused. */
	tu_run(&r, "%s call callback-probe__chain1", agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "{\"depth\":4,\"next\":null,\"error\":\"tools/call is nested more than 4 deep\"}"));
	tu_run_release(&r);

	tu_run(&r, "%s call " TALK " --arg mode=chunks", agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "alpha");
	tu_run_release(&r);

	tu_run(&r, "%s call " TALK " --arg mode=garbage", agent());
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "broke the skillz protocol: line 1 is not a JSON-RPC 2.0 message"));
	tu_run_release(&r);

	tu_run(&r, "%s call callback-probe__hang", agent());
	ck_assert_int_eq(r.status, 4);
	ck_assert_ptr_nonnull(strstr(r.err, "before sending its result"));
	tu_run_release(&r);
}
END_TEST

/* Elicitation at the terminal: the tool's question, field by field, on a
 * pseudo-terminal that answers each prompt. */
START_TEST(test_call_terminal)
{
	struct tu_run r;
	tu_run(&r, "python3 tests/callback/answer_prompts.py %s y Ada -- call " TALK " --arg mode=elicit",
	       agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Your name?"));
	ck_assert_ptr_nonnull(strstr(r.out, "name (string, required): "));
	ck_assert_ptr_nonnull(strstr(r.out, "{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}"));
	ck_assert_ptr_nonnull(strstr(r.out, "[exit 0]"));
	tu_run_release(&r);
	tu_run(&r, "python3 tests/callback/answer_prompts.py %s n -- call " TALK " --arg mode=elicit",
	       agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "{\"action\":\"decline\"}"));
	tu_run_release(&r);
}
END_TEST

Suite *suite_callback(void)
{
	Suite *s = suite_create("callback");
	TCase *tc = tcase_create("protocol");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_notifications);
	tcase_add_test(tc, test_tools_call);
	tcase_add_test(tc, test_asks_handshake);
	tcase_add_test(tc, test_asks_unsupported);
	tcase_add_test(tc, test_asks_mrtr);
	tcase_add_loop_test(tc, test_hostile, 0, sizeof hostile / sizeof hostile[0]);
	tcase_add_test(tc, test_never_answers);
	tcase_add_test(tc, test_secret_redacted);
	tcase_add_test(tc, test_call_cli);
	tcase_add_test(tc, test_call_terminal);
	suite_add_tcase(s, tc);
	return s;
}
