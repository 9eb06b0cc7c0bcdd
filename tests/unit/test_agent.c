/*
 * The agent's configuration (flags > environment > baked defaults) and its
 * history window; the loop itself is tested end to end in test_agent_e2e.c.
 */
#include <check.h>
#include <jansson.h>
#include <string.h>

#include "agent.h"
#include "skc_abi.h"

/* A pool with the baked defaults: "anthropic", "claude-x", "http://baked". */
static const unsigned char pool[] = "anthropic\0claude-x\0http://baked\0agent";

static struct skc_table table(bool baked)
{
	struct skc_table t = {.magic = SKC_MAGIC, .abi_version = SKC_ABI_VERSION, .data = pool,
			      .agent_name = {32, 5}};
	if (baked) {
		t.default_provider = (struct skc_slice){0, 9};
		t.default_model = (struct skc_slice){10, 8};
		t.default_base_url = (struct skc_slice){19, 12};
	}
	return t;
}

/* The environment of one case: "NAME=value" pairs. */
static const char *const *env_now;

static char *fake_env(const char *name)
{
	size_t n = strlen(name);
	for (const char *const *e = env_now; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return (char *)*e + n + 1;
	return NULL;
}

static const struct {
	const char *what;
	bool baked;
	const char *flag_provider, *flag_model, *flag_base;
	const char *env[4];
	/* expected: provider name, model, base URL ("" none), key; or an error part */
	const char *provider, *model, *base, *key, *error;
} cases[] = {
	{"one key picks its provider", false, NULL, NULL, NULL, {"OPENAI_API_KEY=ok"},
	 "openai", "gpt-4.1", "", "ok", NULL},
	{"gemini's second variable", false, NULL, NULL, NULL, {"GOOGLE_API_KEY=gk"},
	 "gemini", "gemini-2.5-flash", "", "gk", NULL},
	{"no key, no provider", false, NULL, NULL, NULL, {NULL}, NULL, NULL, NULL, NULL,
	 "set ANTHROPIC_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY"},
	{"two keys need a choice", false, NULL, NULL, NULL,
	 {"OPENAI_API_KEY=a", "ANTHROPIC_API_KEY=b"}, NULL, NULL, NULL, NULL,
	 "choose a provider with --provider"},
	{"flag names the provider", false, "anthropic", NULL, NULL,
	 {"OPENAI_API_KEY=a", "ANTHROPIC_API_KEY=b"}, "anthropic", "claude-sonnet-4-5", "", "b",
	 NULL},
	{"a named provider needs its key", false, "anthropic", NULL, NULL, {"OPENAI_API_KEY=a"},
	 NULL, NULL, NULL, NULL, "no API key for anthropic: set ANTHROPIC_API_KEY"},
	{"unknown provider", false, "claude", NULL, NULL, {NULL}, NULL, NULL, NULL, NULL,
	 "unknown provider 'claude'"},
	{"environment names it", false, NULL, NULL, NULL,
	 {"SKILLC_PROVIDER=gemini", "GEMINI_API_KEY=g", "SKILLC_MODEL=gem-x"}, "gemini", "gem-x",
	 "", "g", NULL},
	{"flag beats environment", false, "openai", "m-flag", NULL,
	 {"SKILLC_PROVIDER=gemini", "OPENAI_API_KEY=o", "SKILLC_MODEL=m-env"}, "openai",
	 "m-flag", "", "o", NULL},
	{"baked defaults", true, NULL, NULL, NULL, {"ANTHROPIC_API_KEY=k"}, "anthropic",
	 "claude-x", "http://baked", "k", NULL},
	{"environment beats baked", true, NULL, NULL, NULL,
	 {"ANTHROPIC_API_KEY=k", "SKILLC_MODEL=env-m", "SKILLC_BASE_URL=http://env"},
	 "anthropic", "env-m", "http://env", "k", NULL},
	{"baked model stays with the baked provider", true, "openai", NULL, NULL,
	 {"OPENAI_API_KEY=o"}, "openai", "gpt-4.1", "", "o", NULL},
	{"SKILLC_API_KEY overrides", false, "openai", NULL, NULL,
	 {"OPENAI_API_KEY=o", "SKILLC_API_KEY=s"}, "openai", "gpt-4.1", "", "s", NULL},
	{"compatible: no key needed", false, "openai-compatible", "qwen3",
	 "http://127.0.0.1:11434/v1", {NULL}, "openai-compatible", "qwen3",
	 "http://127.0.0.1:11434/v1", "", NULL},
	{"compatible needs a model", false, "openai-compatible", NULL, "http://h", {NULL}, NULL,
	 NULL, NULL, NULL, "openai-compatible needs a model"},
	{"compatible needs a URL", false, "openai-compatible", "m", NULL, {NULL}, NULL, NULL,
	 NULL, NULL, "pass --base-url or set SKILLC_BASE_URL"},
	{"URL scheme", false, "openai", NULL, "ftp://x", {"OPENAI_API_KEY=o"}, NULL, NULL, NULL,
	 NULL, "must start with http:// or https://"},
	{"empty variables are unset", false, NULL, NULL, NULL,
	 {"SKILLC_PROVIDER=", "ANTHROPIC_API_KEY=k"}, "anthropic", "claude-sonnet-4-5", "", "k",
	 NULL},
};

START_TEST(test_resolve)
{
	struct skc_table t = table(cases[_i].baked);
	struct ag_flags f = {.provider = cases[_i].flag_provider, .model = cases[_i].flag_model,
			     .base_url = cases[_i].flag_base, .retries = -1};
	struct ag_config c;
	char err[600] = "";
	env_now = cases[_i].env;
	int rc = ag_resolve(&t, &f, fake_env, &c, err, sizeof err);
	if (cases[_i].error) {
		ck_assert_msg(rc == -1, "%s: resolved", cases[_i].what);
		ck_assert_msg(strstr(err, cases[_i].error), "%s: error '%s'", cases[_i].what, err);
		return;
	}
	ck_assert_msg(rc == 0, "%s: %s", cases[_i].what, err);
	ck_assert_str_eq(prov_name(c.kind), cases[_i].provider);
	ck_assert_str_eq(c.model, cases[_i].model);
	ck_assert_str_eq(c.base_url ? c.base_url : "", cases[_i].base);
	ck_assert_str_eq(c.api_key ? c.api_key : "", cases[_i].key);
	/* Defaults of the limits. */
	ck_assert_uint_eq(c.max_iterations, AG_DEFAULT_ITERATIONS);
	ck_assert_uint_eq(c.max_tool_calls, AG_DEFAULT_TOOL_CALLS);
	ck_assert_uint_eq(c.max_ms, AG_DEFAULT_SECONDS * 1000u);
	ck_assert(c.stream && c.parallel && !c.text_mode);
	ag_config_release(&c);
}
END_TEST

START_TEST(test_resolve_limits)
{
	struct skc_table t = table(false);
	static const char *const env[] = {"OPENAI_API_KEY=o", NULL};
	env_now = env;
	struct ag_flags f = {.max_iterations = 3, .max_tool_calls = 4, .max_output_tokens = 5,
			     .max_tokens = 6, .history = 7, .max_time = 1.5, .tool_timeout = 0.25,
			     .idle_timeout = 2, .retries = 0, .no_stream = true,
			     .no_parallel = true, .tool_mode = "text"};
	struct ag_config c;
	char err[300];
	ck_assert_int_eq(ag_resolve(&t, &f, fake_env, &c, err, sizeof err), 0);
	ck_assert_uint_eq(c.max_iterations, 3);
	ck_assert_uint_eq(c.max_tool_calls, 4);
	ck_assert_uint_eq(c.max_output_tokens, 5);
	ck_assert_uint_eq(c.max_tokens, 6);
	ck_assert_uint_eq(c.history, 7);
	ck_assert_uint_eq(c.max_ms, 1500);
	ck_assert_uint_eq(c.tool_timeout_ms, 250);
	ck_assert_uint_eq(c.http.idle_ms, 2000);
	ck_assert_int_eq(c.http.max_retries, 0);
	ck_assert(!c.stream && !c.parallel && c.text_mode);
	ag_config_release(&c);
	f.tool_mode = "json";
	ck_assert_int_eq(ag_resolve(&t, &f, fake_env, &c, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "--tool-mode"));
}
END_TEST

/* Roles of a history, one letter each: u user, a assistant, t tool results. */
static json_t *history(const char *roles)
{
	json_t *h = json_array();
	for (const char *r = roles; *r; r++)
		json_array_append_new(h, json_pack("{s:s,s:[]}", "role",
						   *r == 'u' ? "user" : *r == 'a' ? "assistant" : "tool",
						   "content"));
	return h;
}

static const struct {
	const char *roles;
	uint32_t limit;
	size_t first;
} windows[] = {
	{"uatauata", 0, 0},  /* no limit */
	{"uatauata", 8, 0},  /* it fits */
	{"uatauata", 4, 4},  /* the last turn, whole */
	{"uatauata", 5, 4},  /* never start at a tool result */
	{"uatauata", 6, 4},  /* nor at an assistant's call */
	{"uatauata", 2, 4},  /* the current turn goes whole even past the limit */
	{"uaua", 2, 2},
	{"uauatatata", 3, 2}, /* one long turn */
	{"u", 1, 0},
};

START_TEST(test_window)
{
	json_t *h = history(windows[_i].roles);
	ck_assert_uint_eq(ag_window(h, windows[_i].limit), windows[_i].first);
	json_decref(h);
}
END_TEST

Suite *suite_agent(void)
{
	Suite *s = suite_create("agent");
	TCase *tc = tcase_create("config");
	tcase_add_loop_test(tc, test_resolve, 0, sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, test_resolve_limits);
	tcase_add_loop_test(tc, test_window, 0, sizeof windows / sizeof windows[0]);
	suite_add_tcase(s, tc);
	return s;
}
