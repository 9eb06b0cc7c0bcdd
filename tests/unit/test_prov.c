/*
 * The provider adapters: request bodies compared as JSON against the exact
 * wire format, and answers (plain and streamed, streams also fed byte by
 * byte and in random pieces) read back into neutral messages.
 *
 * Expected JSON is written with ` for " to keep it readable.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prov.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ` -> ", malloc'd. */
static char *bq(const char *s)
{
	char *o = strdup(s);
	ck_assert_ptr_nonnull(o);
	for (char *p = o; *p; p++)
		if (*p == '`')
			*p = '"';
	return o;
}

static json_t *bq_json(const char *s)
{
	char *t = bq(s);
	json_error_t je;
	json_t *j = json_loads(t, 0, &je);
	if (!j)
		ck_abort_msg("bad expected JSON (%s): %s", je.text, t);
	free(t);
	return j;
}

static void check_json(const char *got, size_t got_len, const char *want)
{
	json_error_t je;
	json_t *g = json_loadb(got, got_len, 0, &je);
	ck_assert_msg(g != NULL, "not JSON (%s): %s", je.text, got);
	json_t *w = bq_json(want);
	if (!json_equal(g, w)) {
		char *ws = json_dumps(w, JSON_COMPACT);
		ck_abort_msg("JSON differs\n got: %s\nwant: %s", got, ws);
	}
	json_decref(g);
	json_decref(w);
}

/* ---- prov_build ---- */

#define CONV                                                                                   \
	"[{`role`:`user`,`content`:[{`type`:`text`,`text`:`What is in this picture?`},"         \
	"{`type`:`image`,`media_type`:`image/png`,`data`:`iVBORw0KGgo=`}]},"                    \
	"{`role`:`assistant`,`content`:[{`type`:`text`,`text`:`Let me look.`,"                  \
	"`signature`:`dGV4dA==`},"                                                              \
	"{`type`:`tool_call`,`id`:`call_a`,`name`:`weather__get`,"                              \
	"`arguments`:`{\\`city\\`:\\`Paris\\`}`},"                                              \
	"{`type`:`tool_call`,`id`:`call_1`,`name`:`files__read`,"                               \
	"`arguments`:`{\\`path\\`:\\`a.txt\\`}`,`signature`:`c2lnLTE=`,`synthetic_id`:true}]}," \
	"{`role`:`tool`,`content`:[{`type`:`tool_result`,`id`:`call_a`,`name`:`weather__get`,"  \
	"`text`:`sunny, 21 C`,`is_error`:false},"                                               \
	"{`type`:`tool_result`,`id`:`call_1`,`name`:`files__read`,`text`:`no such file`,"       \
	"`is_error`:true}]},"                                                                   \
	"{`role`:`user`,`content`:[{`type`:`text`,`text`:`Thanks!`}]}]"

#define SCHEMA_W "{`type`:`object`,`properties`:{`city`:{`type`:`string`}},`required`:[`city`]}"
#define SCHEMA_F "{`type`:`object`,`properties`:{`path`:{`type`:`string`}}}"

#define OA_SYS_USER                                                                          \
	"{`role`:`system`,`content`:`You are helpful.`},"                                     \
	"{`role`:`user`,`content`:[{`type`:`text`,`text`:`What is in this picture?`},"        \
	"{`type`:`image_url`,`image_url`:{`url`:`data:image/png;base64,iVBORw0KGgo=`}}]},"
#define OA_MSGS                                                                              \
	"`messages`:[" OA_SYS_USER                                                            \
	"{`role`:`assistant`,`content`:`Let me look.`,`tool_calls`:["                         \
	"{`id`:`call_a`,`type`:`function`,`function`:{`name`:`weather__get`,"                 \
	"`arguments`:`{\\`city\\`:\\`Paris\\`}`}},"                                           \
	"{`id`:`call_1`,`type`:`function`,`function`:{`name`:`files__read`,"                  \
	"`arguments`:`{\\`path\\`:\\`a.txt\\`}`}}]},"                                         \
	"{`role`:`tool`,`tool_call_id`:`call_a`,`content`:`sunny, 21 C`},"                    \
	"{`role`:`tool`,`tool_call_id`:`call_1`,`content`:`Error: no such file`},"            \
	"{`role`:`user`,`content`:`Thanks!`}]"
#define OA_TOOLS                                                                             \
	"`tools`:[{`type`:`function`,`function`:{`name`:`weather__get`,"                      \
	"`description`:`Current weather for a city.`,`parameters`:" SCHEMA_W "}},"            \
	"{`type`:`function`,`function`:{`name`:`files__read`,`description`:`Read a file.`,"   \
	"`parameters`:" SCHEMA_F "}}],`tool_choice`:`auto`"
#define RESULTS_TEXT                                                                         \
	"Tool 'weather__get' returned:\\nsunny, 21 C\\n\\nTool 'files__read' failed:\\nno such file"

#define AN_USER                                                                              \
	"{`role`:`user`,`content`:[{`type`:`text`,`text`:`What is in this picture?`},"        \
	"{`type`:`image`,`source`:{`type`:`base64`,`media_type`:`image/png`,"                 \
	"`data`:`iVBORw0KGgo=`}}]},"
#define AN_MSGS                                                                              \
	"`messages`:[" AN_USER                                                                \
	"{`role`:`assistant`,`content`:[{`type`:`text`,`text`:`Let me look.`},"               \
	"{`type`:`tool_use`,`id`:`call_a`,`name`:`weather__get`,`input`:{`city`:`Paris`}},"   \
	"{`type`:`tool_use`,`id`:`call_1`,`name`:`files__read`,`input`:{`path`:`a.txt`}}]},"  \
	"{`role`:`user`,`content`:[{`type`:`tool_result`,`tool_use_id`:`call_a`,"             \
	"`content`:`sunny, 21 C`},{`type`:`tool_result`,`tool_use_id`:`call_1`,"              \
	"`content`:`no such file`,`is_error`:true},{`type`:`text`,`text`:`Thanks!`}]}]"
#define AN_TOOLS                                                                             \
	"`tools`:[{`name`:`weather__get`,`description`:`Current weather for a city.`,"        \
	"`input_schema`:" SCHEMA_W "},{`name`:`files__read`,`description`:`Read a file.`,"    \
	"`input_schema`:" SCHEMA_F "}]"

#define GE_SYS "`systemInstruction`:{`parts`:[{`text`:`You are helpful.`}]},"
#define GE_USER                                                                              \
	"{`role`:`user`,`parts`:[{`text`:`What is in this picture?`},"                        \
	"{`inlineData`:{`mimeType`:`image/png`,`data`:`iVBORw0KGgo=`}}]},"
#define GE_MSGS                                                                              \
	"`contents`:[" GE_USER                                                                \
	"{`role`:`model`,`parts`:[{`text`:`Let me look.`,`thoughtSignature`:`dGV4dA==`},"     \
	"{`functionCall`:{`name`:`weather__get`,`args`:{`city`:`Paris`},`id`:`call_a`}},"     \
	"{`functionCall`:{`name`:`files__read`,`args`:{`path`:`a.txt`}},"                     \
	"`thoughtSignature`:`c2lnLTE=`}]},"                                                   \
	"{`role`:`user`,`parts`:[{`functionResponse`:{`name`:`weather__get`,`id`:`call_a`,"   \
	"`response`:{`result`:`sunny, 21 C`}}},"                                              \
	"{`functionResponse`:{`name`:`files__read`,`response`:{`error`:`no such file`}}},"    \
	"{`text`:`Thanks!`}]}]"
#define GE_TOOLS                                                                             \
	"`tools`:[{`functionDeclarations`:[{`name`:`weather__get`,"                           \
	"`description`:`Current weather for a city.`,`parametersJsonSchema`:" SCHEMA_W "},"   \
	"{`name`:`files__read`,`description`:`Read a file.`,"                                 \
	"`parametersJsonSchema`:" SCHEMA_F "}]}]"

static const struct bcase {
	const char *what;
	enum prov_kind kind;
	const char *base, *key, *model;
	bool stream, text_mode, parallel;
	uint32_t max_tokens;
	const char *url;
	const char *headers; /* joined with '|' */
	const char *body;
} bcases[] = {
	{"openai", PROV_OPENAI, NULL, "sk-test", "gpt-4o", false, false, true, 1000,
	 "https://api.openai.com/v1/chat/completions", "Authorization: Bearer sk-test",
	 "{`model`:`gpt-4o`," OA_MSGS "," OA_TOOLS
	 ",`parallel_tool_calls`:true,`max_completion_tokens`:1000}"},
	{"compat stream", PROV_COMPAT, "http://localhost:8080/v1/", NULL, "qwen3", true, false,
	 false, 512, "http://localhost:8080/v1/chat/completions", "",
	 "{`model`:`qwen3`," OA_MSGS "," OA_TOOLS ",`parallel_tool_calls`:false,`stream`:true,"
	 "`stream_options`:{`include_usage`:true},`max_tokens`:512}"},
	{"openai text mode", PROV_OPENAI, "https://proxy.example/v1", "k", "gpt-4o", true, true,
	 true, 0, "https://proxy.example/v1/chat/completions", "Authorization: Bearer k",
	 "{`model`:`gpt-4o`,`messages`:[" OA_SYS_USER
	 "{`role`:`assistant`,`content`:`Let me look.`},"
	 "{`role`:`user`,`content`:`" RESULTS_TEXT "`},{`role`:`user`,`content`:`Thanks!`}],"
	 "`stream`:true,`stream_options`:{`include_usage`:true}}"},
	{"anthropic", PROV_ANTHROPIC, NULL, "ak", "claude-sonnet-4-5", false, false, false, 0,
	 "https://api.anthropic.com/v1/messages", "x-api-key: ak|anthropic-version: 2023-06-01",
	 "{`model`:`claude-sonnet-4-5`,`max_tokens`:8192,`system`:`You are helpful.`," AN_MSGS
	 "," AN_TOOLS ",`tool_choice`:{`type`:`auto`,`disable_parallel_tool_use`:true}}"},
	{"anthropic stream", PROV_ANTHROPIC, "https://gw.example//", "ak", "claude-sonnet-4-5",
	 true, false, true, 2000, "https://gw.example/v1/messages",
	 "x-api-key: ak|anthropic-version: 2023-06-01",
	 "{`model`:`claude-sonnet-4-5`,`max_tokens`:2000,`system`:`You are helpful.`," AN_MSGS
	 "," AN_TOOLS ",`stream`:true}"},
	{"anthropic text mode", PROV_ANTHROPIC, NULL, NULL, "claude-sonnet-4-5", false, true, false,
	 0, "https://api.anthropic.com/v1/messages", "anthropic-version: 2023-06-01",
	 "{`model`:`claude-sonnet-4-5`,`max_tokens`:8192,`system`:`You are helpful.`,"
	 "`messages`:[" AN_USER "{`role`:`assistant`,`content`:[{`type`:`text`,`text`:`Let me look.`}]},"
	 "{`role`:`user`,`content`:[{`type`:`text`,`text`:`" RESULTS_TEXT "`},"
	 "{`type`:`text`,`text`:`Thanks!`}]}]}"},
	{"gemini", PROV_GEMINI, NULL, "gk", "gemini-2.5-flash", false, false, true, 0,
	 "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
	 "x-goog-api-key: gk", "{" GE_SYS GE_MSGS "," GE_TOOLS "}"},
	{"gemini stream", PROV_GEMINI, NULL, "gk", "gemini-2.5-flash", true, false, false, 100,
	 "https://generativelanguage.googleapis.com/v1beta/models/"
	 "gemini-2.5-flash:streamGenerateContent?alt=sse",
	 "x-goog-api-key: gk",
	 "{" GE_SYS GE_MSGS "," GE_TOOLS ",`generationConfig`:{`maxOutputTokens`:100}}"},
	{"gemini text mode", PROV_GEMINI, "http://127.0.0.1:9/", "gk", "models/gemini-2.5-pro",
	 false, true, true, 0, "http://127.0.0.1:9/v1beta/models/gemini-2.5-pro:generateContent",
	 "x-goog-api-key: gk",
	 "{" GE_SYS "`contents`:[" GE_USER
	 "{`role`:`model`,`parts`:[{`text`:`Let me look.`,`thoughtSignature`:`dGV4dA==`}]},"
	 "{`role`:`user`,`parts`:[{`text`:`" RESULTS_TEXT "`},{`text`:`Thanks!`}]}]}"},
};

static const struct prov_tool tools[] = {
	{"weather__get", "Current weather for a city.",
	 "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
	 "\"required\":[\"city\"]}"},
	{"files__read", "Read a file.",
	 "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}"},
};

START_TEST(test_build)
{
	const struct bcase *c = &bcases[_i];
	json_t *conv = bq_json(CONV);
	struct prov_params p = {
		.kind = c->kind,
		.base_url = c->base,
		.api_key = c->key,
		.model = c->model,
		.system = "You are helpful.",
		.messages = conv,
		.tools = tools,
		.tool_count = N(tools),
		.stream = c->stream,
		.text_mode = c->text_mode,
		.parallel_tools = c->parallel,
		.max_tokens = c->max_tokens,
	};
	struct prov_request rq;
	char err[256];
	int rc = prov_build(&p, &rq, err, sizeof err);
	ck_assert_msg(rc == 0, "%s: %s", c->what, err);
	ck_assert_str_eq(rq.url, c->url);
	char hs[512] = "";
	for (char **h = rq.headers; *h; h++) {
		if (h != rq.headers)
			strcat(hs, "|");
		strcat(hs, *h);
	}
	ck_assert_str_eq(hs, c->headers);
	ck_assert_uint_eq(rq.body_len, strlen(rq.body));
	check_json(rq.body, rq.body_len, c->body);
	prov_request_release(&rq);
	json_decref(conv);
}
END_TEST

/* Requests that cannot be made. */
static const struct {
	enum prov_kind kind;
	const char *base, *key, *model, *conv, *schema, *err;
} bad_builds[] = {
	{PROV_COMPAT, NULL, NULL, "m", "[]", NULL, "needs a base URL"},
	{PROV_OPENAI, NULL, "a\r\nX-Evil: 1", "m", "[]", NULL, "control character"},
	{PROV_OPENAI, NULL, NULL, NULL, "[]", NULL, "no model"},
	{PROV_ANTHROPIC, NULL, NULL, "m", "[{`role`:`system`,`content`:[]}]", NULL, "message 1"},
	{PROV_GEMINI, NULL, NULL, "m", "[{`role`:`user`,`content`:`hi`}]", NULL, "'content'"},
	{PROV_OPENAI, NULL, NULL, "m", "[{`role`:`user`,`content`:[{`type`:`tool_call`}]}]", NULL,
	 "'tool_call'"},
	{PROV_ANTHROPIC, NULL, NULL, "m",
	 "[{`role`:`assistant`,`content`:[{`type`:`tool_call`,`id`:`x`,`arguments`:`{}`}]}]", NULL,
	 "'name'"},
	{PROV_GEMINI, NULL, NULL, "m", "[]", "[1,2]", "tool 'weather__get'"},
	{PROV_OPENAI, NULL, NULL, "m", "[]", "{bad", "not a JSON object"},
	{PROV_OPENAI, NULL, NULL, "m", "{}", NULL, "not a JSON array"},
};

START_TEST(test_build_bad)
{
	json_t *conv = bq_json(bad_builds[_i].conv);
	struct prov_tool t = {"weather__get", "d", bad_builds[_i].schema};
	struct prov_params p = {
		.kind = bad_builds[_i].kind,
		.base_url = bad_builds[_i].base,
		.api_key = bad_builds[_i].key,
		.model = bad_builds[_i].model,
		.messages = conv,
		.tools = &t,
		.tool_count = bad_builds[_i].schema ? 1 : 0,
	};
	struct prov_request rq;
	char err[256] = "";
	ck_assert_int_eq(prov_build(&p, &rq, err, sizeof err), -1);
	ck_assert_msg(strstr(err, bad_builds[_i].err) != NULL, "error: %s", err);
	ck_assert_ptr_null(rq.url);
	ck_assert_ptr_null(rq.body);
	json_decref(conv);
}
END_TEST

/* Stored arguments that are not an object go to Anthropic and Gemini as {};
 * OpenAI gets them verbatim; invalid UTF-8 cannot be sent. */
START_TEST(test_build_args)
{
	json_t *conv = bq_json("[{`role`:`user`,`content`:[{`type`:`text`,`text`:`hi`}]},"
			       "{`role`:`assistant`,`content`:[{`type`:`tool_call`,`id`:`t1`,"
			       "`name`:`x`,`arguments`:`{\\`a\\`: tru`}]},"
			       "{`role`:`tool`,`content`:[{`type`:`tool_result`,`id`:`t1`,"
			       "`name`:`x`,`text`:``}]}]");
	struct prov_params p = {.model = "m", .messages = conv, .parallel_tools = true};
	struct prov_request rq;
	char err[256];
	p.kind = PROV_ANTHROPIC;
	ck_assert_int_eq(prov_build(&p, &rq, err, sizeof err), 0);
	check_json(rq.body, rq.body_len,
		   "{`model`:`m`,`max_tokens`:8192,`messages`:[{`role`:`user`,`content`:"
		   "[{`type`:`text`,`text`:`hi`}]},{`role`:`assistant`,`content`:[{`type`:"
		   "`tool_use`,`id`:`t1`,`name`:`x`,`input`:{}}]},{`role`:`user`,`content`:"
		   "[{`type`:`tool_result`,`tool_use_id`:`t1`,`content`:``}]}]}");
	prov_request_release(&rq);
	p.kind = PROV_GEMINI;
	ck_assert_int_eq(prov_build(&p, &rq, err, sizeof err), 0);
	check_json(rq.body, rq.body_len,
		   "{`contents`:[{`role`:`user`,`parts`:[{`text`:`hi`}]},{`role`:`model`,"
		   "`parts`:[{`functionCall`:{`name`:`x`,`args`:{},`id`:`t1`}}]},"
		   "{`role`:`user`,`parts`:[{`functionResponse`:{`name`:`x`,`id`:`t1`,"
		   "`response`:{`result`:``}}}]}]}");
	prov_request_release(&rq);
	p.kind = PROV_OPENAI;
	ck_assert_int_eq(prov_build(&p, &rq, err, sizeof err), 0);
	check_json(rq.body, rq.body_len,
		   "{`model`:`m`,`messages`:[{`role`:`user`,`content`:`hi`},{`role`:`assistant`,"
		   "`content`:null,`tool_calls`:[{`id`:`t1`,`type`:`function`,`function`:"
		   "{`name`:`x`,`arguments`:`{\\`a\\`: tru`}}]},{`role`:`tool`,"
		   "`tool_call_id`:`t1`,`content`:``}]}");
	prov_request_release(&rq);
	/* A byte that is not UTF-8 is written as U+FFFD, never sent raw. */
	p.system = "bad \xff";
	ck_assert_int_eq(prov_build(&p, &rq, err, sizeof err), 0);
	ck_assert_ptr_nonnull(strstr(rq.body, "\"bad \\uFFFD\""));
	prov_request_release(&rq);
	json_decref(conv);
}
END_TEST

/* ---- reading answers ---- */

struct capture {
	char text[4096];
	size_t len;
};

static void on_text(void *ud, const char *s, size_t n)
{
	struct capture *c = ud;
	ck_assert_uint_le(c->len + n, sizeof c->text - 1);
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->text[c->len] = '\0';
}

static const struct rcase {
	const char *what;
	enum prov_kind kind;
	bool stream;
	const char *body;
	int feed_rc;   /* what feeding ends with */
	int finish_rc; /* when feeding ended with 0 */
	const char *message;
	enum prov_stop stop;
	const char *raw;
	uint64_t in, out;
	const char *shown_text; /* what the callback got */
	const char *err;        /* part of the error, when one is expected */
} rcases[] = {
	{"openai stream, parallel calls", PROV_OPENAI, true,
	 "data: {`id`:`chatcmpl-1`,`object`:`chat.completion.chunk`,`created`:1,`model`:`gpt-4o`,"
	 "`choices`:[{`index`:0,`delta`:{`role`:`assistant`,`content`:null,`refusal`:null},"
	 "`logprobs`:null,`finish_reason`:null}],`usage`:null}\n\n"
	 "data: {`id`:`chatcmpl-1`,`choices`:[{`index`:0,`delta`:{`content`:`Checking`},"
	 "`finish_reason`:null}],`usage`:null}\n\n"
	 "data: {`id`:`chatcmpl-1`,`choices`:[{`index`:0,`delta`:{`content`:` both.`},"
	 "`finish_reason`:null}],`usage`:null}\n\n"
	 "data: {`choices`:[{`index`:0,`delta`:{`tool_calls`:[{`index`:0,`id`:`call_A`,"
	 "`type`:`function`,`function`:{`name`:`weather__get`,`arguments`:``}}]},"
	 "`finish_reason`:null}]}\n\n"
	 "data: {`choices`:[{`index`:0,`delta`:{`tool_calls`:[{`index`:0,"
	 "`function`:{`arguments`:`{\\`ci`}}]},`finish_reason`:null}]}\n\n"
	 "data: {`choices`:[{`index`:0,`delta`:{`tool_calls`:[{`index`:1,`id`:`call_B`,"
	 "`type`:`function`,`function`:{`name`:`files__read`,`arguments`:``}}]},"
	 "`finish_reason`:null}]}\n\n"
	 "data: {`choices`:[{`index`:0,`delta`:{`tool_calls`:[{`index`:0,"
	 "`function`:{`arguments`:`ty\\`: \\`Paris\\`}`}}]},`finish_reason`:null}]}\n\n"
	 "data: {`choices`:[{`index`:0,`delta`:{`tool_calls`:[{`index`:1,"
	 "`function`:{`arguments`:`{\\`path\\`:\\`a.txt\\`}`}}]},`finish_reason`:null}]}\n\n"
	 "data: {`choices`:[{`index`:0,`delta`:{},`finish_reason`:`tool_calls`}],`usage`:null}\n\n"
	 "data: {`choices`:[],`usage`:{`prompt_tokens`:50,`completion_tokens`:20,"
	 "`total_tokens`:70}}\n\n"
	 "data: [DONE]\n\n",
	 0, 0,
	 "{`role`:`assistant`,`content`:[{`type`:`text`,`text`:`Checking both.`},"
	 "{`type`:`tool_call`,`id`:`call_A`,`name`:`weather__get`,"
	 "`arguments`:`{\\`city\\`: \\`Paris\\`}`},"
	 "{`type`:`tool_call`,`id`:`call_B`,`name`:`files__read`,"
	 "`arguments`:`{\\`path\\`:\\`a.txt\\`}`}]}",
	 PROV_STOP_TOOLS, "tool_calls", 50, 20, "Checking both.", NULL},
	{"compat stream, index reused with a new id, no [DONE]", PROV_COMPAT, true,
	 "data: {`choices`:[{`index`:0,`delta`:{`role`:`assistant`,`tool_calls`:[{`index`:0,"
	 "`id`:`c1`,`type`:`function`,`function`:{`name`:`a__x`,`arguments`:`{}`}}]}}]}\r\n\r\n"
	 "data: {`choices`:[{`index`:0,`delta`:{`tool_calls`:[{`index`:0,"
	 "`id`:`c2`,`type`:`function`,`function`:{`name`:`b__y`,`arguments`:`{\\`n\\``}}]}}]}\r\n\r\n"
	 "data: {`choices`:[{`index`:0,`delta`:{`tool_calls`:[{`index`:0,"
	 "`function`:{`arguments`:`:1}`}}]}}]}\r\n\r\n"
	 "data: {`choices`:[{`index`:0,`delta`:{},`finish_reason`:`tool_calls`}],"
	 "`usage`:{`prompt_tokens`:7,`completion_tokens`:3}}\r\n\r\n",
	 0, 0,
	 "{`role`:`assistant`,`content`:[{`type`:`tool_call`,`id`:`c1`,`name`:`a__x`,"
	 "`arguments`:`{}`},{`type`:`tool_call`,`id`:`c2`,`name`:`b__y`,`arguments`:`{\\`n\\`:1}`}]}",
	 PROV_STOP_TOOLS, "tool_calls", 7, 3, "", NULL},
	{"openai stream without [DONE]", PROV_OPENAI, true,
	 "data: {`choices`:[{`index`:0,`delta`:{`content`:`Hel`}}]}\n\n"
	 "data: {`choices`:[{`index`:0,`delta`:{},`finish_reason`:`stop`}]}\n\n",
	 0, -1, NULL, 0, NULL, 0, 0, "Hel", "ended early"},
	{"compat stream cut before a finish reason", PROV_COMPAT, true,
	 "data: {`choices`:[{`index`:0,`delta`:{`content`:`Hel`}}]}\n\n"
	 "data: {`choices`:[{`index`:0,`delta`:{`content`:`lo`}}]}\n",
	 0, -1, NULL, 0, NULL, 0, 0, "Hel", "ended early"},
	{"openai stream error chunk", PROV_OPENAI, true,
	 "data: {`choices`:[{`index`:0,`delta`:{`content`:`x`}}]}\n\n"
	 "data: {`error`:{`message`:`The server had an error`,`type`:`server_error`,"
	 "`code`:null}}\n\n",
	 500, 0, NULL, 0, NULL, 0, 0, "x", "The server had an error"},
	{"compat stream error with a status", PROV_COMPAT, true,
	 "data: {`error`:{`message`:`slow down`,`code`:429}}\n\n", 429, 0, NULL, 0, NULL, 0, 0,
	 "", "slow down"},
	{"openai stream malformed chunk", PROV_OPENAI, true,
	 "data: {`choices`:[{`index`:0,`delta`:{`content`:`x`}}]}\n\ndata: {`choices`:[\n\n", -1,
	 0, NULL, 0, NULL, 0, 0, "x", "malformed JSON"},
	{"openai plain with tool calls", PROV_OPENAI, false,
	 "{`id`:`chatcmpl-2`,`object`:`chat.completion`,`created`:1,`model`:`gpt-4o`,"
	 "`choices`:[{`index`:0,`message`:{`role`:`assistant`,`content`:null,`refusal`:null,"
	 "`tool_calls`:[{`id`:`call_X`,`type`:`function`,`function`:{`name`:`weather__get`,"
	 "`arguments`:`{\\`city\\`:\\`Rome\\`}`}},{`id`:`call_Y`,`type`:`function`,"
	 "`function`:{`name`:`files__read`,`arguments`:`{`}}]},`logprobs`:null,"
	 "`finish_reason`:`tool_calls`}],`usage`:{`prompt_tokens`:82,`completion_tokens`:17,"
	 "`total_tokens`:99}}",
	 0, 0,
	 "{`role`:`assistant`,`content`:[{`type`:`tool_call`,`id`:`call_X`,`name`:`weather__get`,"
	 "`arguments`:`{\\`city\\`:\\`Rome\\`}`},{`type`:`tool_call`,`id`:`call_Y`,"
	 "`name`:`files__read`,`arguments`:`{`}]}",
	 PROV_STOP_TOOLS, "tool_calls", 82, 17, "", NULL},
	{"openai plain cut at the limit", PROV_OPENAI, false,
	 "{`choices`:[{`index`:0,`message`:{`role`:`assistant`,`content`:`Once upon`},"
	 "`finish_reason`:`length`}],`usage`:{`prompt_tokens`:5,`completion_tokens`:2}}",
	 0, 0, "{`role`:`assistant`,`content`:[{`type`:`text`,`text`:`Once upon`}]}",
	 PROV_STOP_MAX_TOKENS, "length", 5, 2, "", NULL},
	{"openai plain malformed", PROV_OPENAI, false, "{`choices`: [", 0, -1, NULL, 0, NULL, 0, 0,
	 "", "not a JSON object"},
	{"openai plain without choices", PROV_COMPAT, false, "{`object`:`list`}", 0, -1, NULL, 0,
	 NULL, 0, 0, "", "'choices'"},
	{"anthropic stream", PROV_ANTHROPIC, true,
	 "event: message_start\n"
	 "data: {`type`:`message_start`,`message`:{`id`:`msg_1`,`type`:`message`,"
	 "`role`:`assistant`,`content`:[],`model`:`claude-sonnet-4-5`,`stop_reason`:null,"
	 "`stop_sequence`:null,`usage`:{`input_tokens`:472,`output_tokens`:2}}}\n\n"
	 "event: content_block_start\n"
	 "data: {`type`:`content_block_start`,`index`:0,`content_block`:{`type`:`text`,"
	 "`text`:``}}\n\n"
	 "event: ping\ndata: {`type`: `ping`}\n\n"
	 "event: content_block_delta\n"
	 "data: {`type`:`content_block_delta`,`index`:0,`delta`:{`type`:`text_delta`,"
	 "`text`:`Okay`}}\n\n"
	 "event: content_block_delta\n"
	 "data: {`type`:`content_block_delta`,`index`:0,`delta`:{`type`:`text_delta`,"
	 "`text`:`, checking.`}}\n\n"
	 "event: content_block_stop\ndata: {`type`:`content_block_stop`,`index`:0}\n\n"
	 "event: content_block_start\n"
	 "data: {`type`:`content_block_start`,`index`:1,`content_block`:{`type`:`tool_use`,"
	 "`id`:`toolu_01`,`name`:`weather__get`,`input`:{}}}\n\n"
	 "event: content_block_delta\n"
	 "data: {`type`:`content_block_delta`,`index`:1,`delta`:{`type`:`input_json_delta`,"
	 "`partial_json`:``}}\n\n"
	 "event: content_block_delta\n"
	 "data: {`type`:`content_block_delta`,`index`:1,`delta`:{`type`:`input_json_delta`,"
	 "`partial_json`:`{\\`city\\`: \\`Par`}}\n\n"
	 "event: content_block_delta\n"
	 "data: {`type`:`content_block_delta`,`index`:1,`delta`:{`type`:`input_json_delta`,"
	 "`partial_json`:`is\\`}`}}\n\n"
	 "event: content_block_stop\ndata: {`type`:`content_block_stop`,`index`:1}\n\n"
	 "event: content_block_start\n"
	 "data: {`type`:`content_block_start`,`index`:2,`content_block`:{`type`:`tool_use`,"
	 "`id`:`toolu_02`,`name`:`files__list`,`input`:{}}}\n\n"
	 "event: content_block_stop\ndata: {`type`:`content_block_stop`,`index`:2}\n\n"
	 "event: something_new\ndata: {`type`:`something_new`,`x`:1}\n\n"
	 "event: message_delta\n"
	 "data: {`type`:`message_delta`,`delta`:{`stop_reason`:`tool_use`,"
	 "`stop_sequence`:null},`usage`:{`output_tokens`:89}}\n\n"
	 "event: message_stop\ndata: {`type`:`message_stop`}\n\n",
	 0, 0,
	 "{`role`:`assistant`,`content`:[{`type`:`text`,`text`:`Okay, checking.`},"
	 "{`type`:`tool_call`,`id`:`toolu_01`,`name`:`weather__get`,"
	 "`arguments`:`{\\`city\\`: \\`Paris\\`}`},"
	 "{`type`:`tool_call`,`id`:`toolu_02`,`name`:`files__list`,`arguments`:`{}`}]}",
	 PROV_STOP_TOOLS, "tool_use", 472, 89, "Okay, checking.", NULL},
	{"anthropic stream with thinking", PROV_ANTHROPIC, true,
	 "event: message_start\ndata: {`type`:`message_start`,`message`:{`usage`:"
	 "{`input_tokens`:10,`cache_read_input_tokens`:5,`output_tokens`:1}}}\n\n"
	 "event: content_block_start\ndata: {`type`:`content_block_start`,`index`:0,"
	 "`content_block`:{`type`:`thinking`,`thinking`:``}}\n\n"
	 "event: content_block_delta\ndata: {`type`:`content_block_delta`,`index`:0,"
	 "`delta`:{`type`:`thinking_delta`,`thinking`:`hmm`}}\n\n"
	 "event: content_block_start\ndata: {`type`:`content_block_start`,`index`:1,"
	 "`content_block`:{`type`:`text`,`text`:``}}\n\n"
	 "event: content_block_delta\ndata: {`type`:`content_block_delta`,`index`:1,"
	 "`delta`:{`type`:`text_delta`,`text`:`Done`}}\n\n"
	 "event: message_delta\ndata: {`type`:`message_delta`,`delta`:{`stop_reason`:"
	 "`max_tokens`},`usage`:{`output_tokens`:9}}\n\n"
	 "event: message_stop\ndata: {`type`:`message_stop`}\n\n",
	 0, 0, "{`role`:`assistant`,`content`:[{`type`:`text`,`text`:`Done`}]}",
	 PROV_STOP_MAX_TOKENS, "max_tokens", 15, 9, "Done", NULL},
	{"anthropic overloaded after 200", PROV_ANTHROPIC, true,
	 "event: message_start\ndata: {`type`:`message_start`,`message`:{`usage`:"
	 "{`input_tokens`:10,`output_tokens`:1}}}\n\n"
	 "event: error\ndata: {`type`:`error`,`error`:{`type`:`overloaded_error`,"
	 "`message`:`Overloaded`}}\n\n",
	 529, 0, NULL, 0, NULL, 0, 0, "", "Overloaded"},
	{"anthropic rate limited in the stream", PROV_ANTHROPIC, true,
	 "event: error\ndata: {`type`:`error`,`error`:{`type`:`rate_limit_error`,"
	 "`message`:`Too many`}}\n\n",
	 429, 0, NULL, 0, NULL, 0, 0, "", "Too many"},
	{"anthropic stream without message_stop", PROV_ANTHROPIC, true,
	 "event: message_start\ndata: {`type`:`message_start`,`message`:{`usage`:"
	 "{`input_tokens`:10,`output_tokens`:1}}}\n\n"
	 "event: content_block_start\ndata: {`type`:`content_block_start`,`index`:0,"
	 "`content_block`:{`type`:`text`,`text`:``}}\n\n"
	 "event: content_block_delta\ndata: {`type`:`content_block_delta`,`index`:0,"
	 "`delta`:{`type`:`text_delta`,`text`:`Hi`}}\n\n",
	 0, -1, NULL, 0, NULL, 0, 0, "Hi", "ended early"},
	{"anthropic malformed event", PROV_ANTHROPIC, true,
	 "event: message_start\ndata: {`type`:\n\n", -1, 0, NULL, 0, NULL, 0, 0, "",
	 "malformed JSON"},
	{"anthropic plain", PROV_ANTHROPIC, false,
	 "{`id`:`msg_01`,`type`:`message`,`role`:`assistant`,`model`:`claude-sonnet-4-5`,"
	 "`content`:[{`type`:`text`,`text`:`Looking.`},{`type`:`tool_use`,`id`:`toolu_9`,"
	 "`name`:`weather__get`,`input`:{`city`:`Oslo`}}],`stop_reason`:`tool_use`,"
	 "`stop_sequence`:null,`usage`:{`input_tokens`:10,`output_tokens`:5}}",
	 0, 0,
	 "{`role`:`assistant`,`content`:[{`type`:`text`,`text`:`Looking.`},{`type`:`tool_call`,"
	 "`id`:`toolu_9`,`name`:`weather__get`,`arguments`:`{\\`city\\`:\\`Oslo\\`}`}]}",
	 PROV_STOP_TOOLS, "tool_use", 10, 5, "", NULL},
	{"anthropic plain refusal", PROV_ANTHROPIC, false,
	 "{`type`:`message`,`content`:[],`stop_reason`:`refusal`,`usage`:{`input_tokens`:3,"
	 "`output_tokens`:0}}",
	 0, 0, "{`role`:`assistant`,`content`:[]}", PROV_STOP_OTHER, "refusal", 3, 0, "", NULL},
	{"gemini stream", PROV_GEMINI, true,
	 "data: {`candidates`:[{`content`:{`parts`:[{`text`:`Planning...`,`thought`:true},"
	 "{`text`:`Let me `}],`role`:`model`},`index`:0}],"
	 "`usageMetadata`:{`promptTokenCount`:30,`totalTokenCount`:30},"
	 "`modelVersion`:`gemini-2.5-flash`,`responseId`:`r1`}\r\n\r\n"
	 "data: {`candidates`:[{`content`:{`parts`:[{`text`:`check.`,"
	 "`thoughtSignature`:`U0lHMQ==`}],`role`:`model`},`index`:0}],"
	 "`usageMetadata`:{`promptTokenCount`:30,`totalTokenCount`:30}}\r\n\r\n"
	 "data: {`candidates`:[{`content`:{`parts`:[{`functionCall`:{`name`:`weather__get`,"
	 "`args`:{`city`:`Paris`}},`thoughtSignature`:`U0lHMg==`},{`functionCall`:"
	 "{`name`:`files__read`,`args`:{`path`:`a.txt`}}}],`role`:`model`},"
	 "`finishReason`:`STOP`,`index`:0}],`usageMetadata`:{`promptTokenCount`:30,"
	 "`candidatesTokenCount`:12,`totalTokenCount`:42}}\r\n\r\n",
	 0, 0,
	 "{`role`:`assistant`,`content`:[{`type`:`text`,`text`:`Let me check.`,"
	 "`signature`:`U0lHMQ==`},{`type`:`tool_call`,`id`:`call_1`,`name`:`weather__get`,"
	 "`arguments`:`{\\`city\\`:\\`Paris\\`}`,`signature`:`U0lHMg==`,`synthetic_id`:true},"
	 "{`type`:`tool_call`,`id`:`call_2`,`name`:`files__read`,"
	 "`arguments`:`{\\`path\\`:\\`a.txt\\`}`,`synthetic_id`:true}]}",
	 PROV_STOP_TOOLS, "STOP", 30, 12, "Let me check.", NULL},
	{"gemini stream of text only", PROV_GEMINI, true,
	 "data: {`candidates`:[{`content`:{`parts`:[{`text`:`A`}],`role`:`model`}}]}\n\n"
	 "data: {`candidates`:[{`content`:{`parts`:[{`text`:`B`}],`role`:`model`},"
	 "`finishReason`:`MAX_TOKENS`}]}\n\n"
	 "data: {`usageMetadata`:{`promptTokenCount`:4,`candidatesTokenCount`:2}}\n\n",
	 0, 0, "{`role`:`assistant`,`content`:[{`type`:`text`,`text`:`AB`}]}",
	 PROV_STOP_MAX_TOKENS, "MAX_TOKENS", 4, 2, "AB", NULL},
	{"gemini stream without a finish reason", PROV_GEMINI, true,
	 "data: {`candidates`:[{`content`:{`parts`:[{`text`:`A`}],`role`:`model`}}]}\n\n", 0, -1,
	 NULL, 0, NULL, 0, 0, "A", "ended early"},
	{"gemini stream error", PROV_GEMINI, true,
	 "data: {`error`:{`code`:503,`message`:`The model is overloaded.`,"
	 "`status`:`UNAVAILABLE`}}\n\n",
	 503, 0, NULL, 0, NULL, 0, 0, "", "The model is overloaded."},
	{"gemini plain with ids", PROV_GEMINI, false,
	 "{`candidates`:[{`content`:{`parts`:[{`functionCall`:{`id`:`fc_1`,`name`:`weather__get`,"
	 "`args`:{`city`:`Lima`}},`thoughtSignature`:`U0lH`}],`role`:`model`},"
	 "`finishReason`:`STOP`,`index`:0}],`usageMetadata`:{`promptTokenCount`:8,"
	 "`candidatesTokenCount`:4,`totalTokenCount`:12}}",
	 0, 0,
	 "{`role`:`assistant`,`content`:[{`type`:`tool_call`,`id`:`fc_1`,`name`:`weather__get`,"
	 "`arguments`:`{\\`city\\`:\\`Lima\\`}`,`signature`:`U0lH`}]}",
	 PROV_STOP_TOOLS, "STOP", 8, 4, "", NULL},
	{"gemini plain blocked", PROV_GEMINI, false,
	 "{`promptFeedback`:{`blockReason`:`SAFETY`},`usageMetadata`:{`promptTokenCount`:8}}", 0, 0,
	 "{`role`:`assistant`,`content`:[]}", PROV_STOP_OTHER, "SAFETY", 8, 0, "", NULL},
	{"gemini plain malformed", PROV_GEMINI, false, "[1, 2]", 0, -1, NULL, 0, NULL, 0, 0, "",
	 "not a JSON object"},
};

enum { FEED_WHOLE, FEED_BYTES, FEED_RANDOM };

/* Feed the body in the given way; *frc gets what feeding ended with. */
static int read_body(const struct rcase *c, const char *body, int mode, unsigned seed,
		     struct prov_reply *rep, struct capture *cap, struct prov_reader **rp, int *frc)
{
	struct prov_reader *r = prov_reader_new(c->kind, c->stream, on_text, cap);
	ck_assert_ptr_nonnull(r);
	size_t n = strlen(body), i = 0;
	int rc = 0;
	while (i < n && rc == 0) {
		size_t k = n - i;
		if (mode == FEED_BYTES)
			k = 1;
		else if (mode == FEED_RANDOM)
			k = 1 + (size_t)rand_r(&seed) % (k < 40 ? k : 40);
		rc = prov_reader_feed(r, body + i, k);
		i += k;
	}
	*frc = rc;
	*rp = r;
	return rc ? rc : prov_reader_finish(r, rep);
}

START_TEST(test_read)
{
	const struct rcase *c = &rcases[_i];
	char *body = bq(c->body);
	char *first = NULL;
	for (int run = 0; run < 8; run++) {
		int mode = run < 2 ? run : FEED_RANDOM;
		struct capture cap = {.len = 0};
		struct prov_reply rep;
		struct prov_reader *r;
		int frc;
		int rc = read_body(c, body, mode, (unsigned)run * 7919u, &rep, &cap, &r, &frc);
		ck_assert_msg(frc == c->feed_rc, "%s (mode %d): feed gave %d: %s", c->what, mode,
			      frc, prov_reader_error(r));
		ck_assert_str_eq(cap.text, c->shown_text);
		ck_assert_int_eq(prov_reader_shown(r), *c->shown_text != '\0');
		if (frc) {
			ck_assert_msg(strstr(prov_reader_error(r), c->err) != NULL, "%s: error '%s'",
				      c->what, prov_reader_error(r));
			/* Once failed, a reader stays failed. */
			ck_assert_int_eq(prov_reader_feed(r, "x", 1), frc);
			ck_assert_int_eq(prov_reader_finish(r, &rep), -1);
			ck_assert_ptr_null(rep.message);
			prov_reader_free(r);
			continue;
		}
		ck_assert_msg(rc == c->finish_rc, "%s (mode %d): finish gave %d: %s", c->what, mode,
			      rc, prov_reader_error(r));
		if (rc) {
			ck_assert_msg(strstr(prov_reader_error(r), c->err) != NULL, "%s: error '%s'",
				      c->what, prov_reader_error(r));
			ck_assert_ptr_null(rep.message);
			prov_reader_free(r);
			continue;
		}
		char *got = json_dumps(rep.message, JSON_COMPACT);
		check_json(got, strlen(got), c->message);
		if (!first)
			first = strdup(got);
		else /* the same reply, however the bytes were split */
			ck_assert_str_eq(got, first);
		free(got);
		ck_assert_int_eq(rep.stop, c->stop);
		ck_assert_str_eq(rep.stop_raw, c->raw);
		ck_assert_uint_eq(rep.usage.input, c->in);
		ck_assert_uint_eq(rep.usage.output, c->out);
		prov_reply_release(&rep);
		prov_reader_free(r);
	}
	free(first);
	free(body);
}
END_TEST

/* A retry: reset forgets a half-read answer, the text shown, and an error. */
START_TEST(test_reset)
{
	const struct rcase *c = &rcases[0];
	char *body = bq(c->body);
	struct capture cap = {.len = 0};
	struct prov_reader *r = prov_reader_new(c->kind, true, on_text, &cap);
	ck_assert_int_eq(prov_reader_feed(r, body, strlen(body) / 2), 0);
	ck_assert(prov_reader_shown(r));
	prov_reader_reset(r);
	ck_assert(!prov_reader_shown(r));
	ck_assert_int_eq(prov_reader_feed(r, "data: {oops\n\n", 13), -1);
	prov_reader_reset(r);
	cap.len = 0;
	ck_assert_int_eq(prov_reader_feed(r, body, strlen(body)), 0);
	struct prov_reply rep;
	ck_assert_int_eq(prov_reader_finish(r, &rep), 0);
	char *got = json_dumps(rep.message, JSON_COMPACT);
	check_json(got, strlen(got), c->message);
	ck_assert_str_eq(cap.text, "Checking both.");
	ck_assert_uint_eq(rep.usage.input, 50);
	free(got);
	prov_reply_release(&rep);
	prov_reader_free(r);
	free(body);
}
END_TEST

/* Plain answers show nothing; the callback may be NULL. */
START_TEST(test_plain_not_shown)
{
	const char *body = "{\"choices\":[{\"message\":{\"content\":\"Hi\"},"
			   "\"finish_reason\":\"stop\"}]}";
	struct prov_reader *r = prov_reader_new(PROV_COMPAT, false, NULL, NULL);
	ck_assert_int_eq(prov_reader_feed(r, body, strlen(body)), 0);
	struct prov_reply rep;
	ck_assert_int_eq(prov_reader_finish(r, &rep), 0);
	ck_assert(!prov_reader_shown(r));
	ck_assert_int_eq(rep.stop, PROV_STOP_END);
	prov_reply_release(&rep);
	prov_reader_free(r);
}
END_TEST

/* A body past 64 MiB is refused as it arrives. */
START_TEST(test_too_big)
{
	enum { CHUNK = 1 << 20 };
	char *spaces = malloc(CHUNK);
	memset(spaces, ' ', CHUNK);
	struct prov_reader *r = prov_reader_new(PROV_OPENAI, false, NULL, NULL);
	int rc = 0;
	for (int i = 0; i < 70 && rc == 0; i++)
		rc = prov_reader_feed(r, spaces, CHUNK);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(strstr(prov_reader_error(r), "64 MiB"));
	prov_reader_free(r);
	free(spaces);
}
END_TEST

/* Cut and corrupted answers: any result but a crash, a leak or a reply
 * without a message. */
START_TEST(test_hostile)
{
	const struct rcase *c = &rcases[_i];
	char *body = bq(c->body);
	size_t n = strlen(body);
	unsigned seed = (unsigned)_i;
	for (int run = 0; run < 60; run++) {
		char *m = strdup(body);
		size_t len = run < 30 ? n * (size_t)run / 30 : n;
		if (run >= 30)
			for (int k = 0; k < 3; k++)
				m[(size_t)rand_r(&seed) % n] = "{}[]\"\\:,\n0a\xff"[rand_r(&seed) % 12];
		struct prov_reader *r = prov_reader_new(c->kind, c->stream, NULL, NULL);
		struct prov_reply rep;
		if (prov_reader_feed(r, m, len) == 0 && prov_reader_finish(r, &rep) == 0) {
			ck_assert(json_is_object(rep.message));
			prov_reply_release(&rep);
		}
		prov_reader_free(r);
		free(m);
	}
	free(body);
}
END_TEST

/* ---- errors ---- */

static const struct {
	enum prov_kind kind;
	long status;
	const char *body;
	const char *want;
} errs[] = {
	{PROV_ANTHROPIC, 429,
	 "{`type`:`error`,`error`:{`type`:`rate_limit_error`,`message`:`Number of request tokens "
	 "has exceeded your per-minute rate limit`}}",
	 "anthropic answered 429: Number of request tokens has exceeded your per-minute rate limit"},
	{PROV_OPENAI, 401,
	 "{`error`:{`message`:`Incorrect API key provided: sk-x.`,`type`:`invalid_request_error`,"
	 "`param`:null,`code`:`invalid_api_key`}}",
	 "openai answered 401: Incorrect API key provided: sk-x."},
	{PROV_GEMINI, 400,
	 "{`error`:{`code`:400,`message`:`API key not valid.\\nPlease pass a valid API key.`,"
	 "`status`:`INVALID_ARGUMENT`}}",
	 "gemini answered 400: API key not valid. Please pass a valid API key."},
	{PROV_GEMINI, 404, "[{`error`:{`code`:404,`message`:`models/x is not found`}}]",
	 "gemini answered 404: models/x is not found"},
	{PROV_COMPAT, 502, "<html>\r\n  <body>Bad\tgateway</body>\n</html>\n",
	 "openai-compatible answered 502: <html> <body>Bad gateway</body> </html>"},
	{PROV_OPENAI, 500, "", "openai answered 500"},
	{PROV_OPENAI, 503, "{`error`:{`message`:``}}", "openai answered 503: {`error`:{`message`:``}}"},
};

START_TEST(test_error_message)
{
	char *body = bq(errs[_i].body);
	char *want = bq(errs[_i].want);
	char out[300];
	prov_error_message(errs[_i].kind, errs[_i].status, body, strlen(body), out, sizeof out);
	ck_assert_str_eq(out, want);
	free(body);
	free(want);
}
END_TEST

START_TEST(test_error_message_long)
{
	char body[1000];
	memset(body, 'x', sizeof body);
	char out[300];
	prov_error_message(PROV_OPENAI, 500, body, sizeof body, out, sizeof out);
	ck_assert_uint_eq(strlen(out), strlen("openai answered 500: ") + 200);
	/* A short buffer never cuts a UTF-8 character in two. */
	const char *msg = "{\"error\":{\"message\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}}";
	prov_error_message(PROV_OPENAI, 500, msg, strlen(msg), out, sizeof out);
	ck_assert_str_eq(out, "openai answered 500: \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	prov_error_message(PROV_OPENAI, 500, msg, strlen(msg), out, 25);
	ck_assert_str_eq(out, "openai answered 500: \xc3\xa9");
	prov_error_message(PROV_OPENAI, 500, NULL, 0, out, 8);
	ck_assert_str_eq(out, "openai ");
}
END_TEST

#define PERDAY                                                                               \
	"{`error`:{`code`:429,`message`:`You exceeded your current quota.`,"                  \
	"`status`:`RESOURCE_EXHAUSTED`,`details`:[{`@type`:"                                  \
	"`type.googleapis.com/google.rpc.QuotaFailure`,`violations`:[{`quotaMetric`:"         \
	"`generativelanguage.googleapis.com/generate_content_free_tier_requests`,"            \
	"`quotaId`:`GenerateRequestsPerDayPerProjectPerModel-FreeTier`}]},"                   \
	"{`@type`:`type.googleapis.com/google.rpc.RetryInfo`,`retryDelay`:`20s`}]}}"
#define PERMIN                                                                               \
	"{`error`:{`code`:429,`message`:`You exceeded your current quota.`,"                  \
	"`status`:`RESOURCE_EXHAUSTED`,`details`:[{`violations`:[{`quotaId`:"                 \
	"`GenerateRequestsPerMinutePerProjectPerModel-FreeTier`}]}]}}"

static const struct {
	enum prov_kind kind;
	long status;
	const char *body;
	bool want;
} noretry[] = {
	{PROV_GEMINI, 429, PERDAY, true},
	{PROV_GEMINI, 429, PERMIN, false},
	{PROV_GEMINI, 429,
	 "{`error`:{`code`:429,`message`:`Quota exceeded for requests Per Day.`,"
	 "`status`:`RESOURCE_EXHAUSTED`}}",
	 true},
	{PROV_GEMINI, 429, "{`error`:{`message`:`per day`,`status`:`UNAVAILABLE`}}", false},
	{PROV_GEMINI, 503, PERDAY, false},
	{PROV_OPENAI, 429, PERDAY, false},
	{PROV_GEMINI, 429, "{`error`:", false},
	{PROV_GEMINI, 429, "", false},
};

START_TEST(test_no_retry)
{
	char *body = bq(noretry[_i].body);
	ck_assert_int_eq(prov_no_retry(noretry[_i].kind, noretry[_i].status, body, strlen(body)),
			 noretry[_i].want);
	free(body);
}
END_TEST

START_TEST(test_names)
{
	enum prov_kind k;
	for (int i = PROV_OPENAI; i <= PROV_COMPAT; i++) {
		ck_assert_int_eq(prov_parse(prov_name((enum prov_kind)i), &k), 0);
		ck_assert_int_eq(k, i);
	}
	ck_assert_int_eq(prov_parse("claude", &k), -1);
	ck_assert_int_eq(prov_parse(NULL, &k), -1);
	ck_assert_str_eq(prov_name(PROV_COMPAT), "openai-compatible");
	ck_assert_ptr_null(prov_default_base(PROV_COMPAT));
	ck_assert_str_eq(prov_default_base(PROV_GEMINI), "https://generativelanguage.googleapis.com");
}
END_TEST

Suite *suite_prov(void)
{
	Suite *s = suite_create("prov");
	TCase *tc = tcase_create("prov");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_build, 0, N(bcases));
	tcase_add_loop_test(tc, test_build_bad, 0, N(bad_builds));
	tcase_add_test(tc, test_build_args);
	tcase_add_loop_test(tc, test_read, 0, N(rcases));
	tcase_add_loop_test(tc, test_hostile, 0, N(rcases));
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_plain_not_shown);
	tcase_add_test(tc, test_too_big);
	tcase_add_loop_test(tc, test_error_message, 0, N(errs));
	tcase_add_test(tc, test_error_message_long);
	tcase_add_loop_test(tc, test_no_retry, 0, N(noretry));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
