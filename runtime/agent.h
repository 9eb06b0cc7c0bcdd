/*
 * agent.h - the agent loop: a task goes to an LLM provider, the tool calls
 * it answers with run as processes, their results go back, until the model
 * gives a final answer or a limit is reached.
 *
 * The model first sees every skill by name and description and four
 * builtins (list_skills, activate_skill, deactivate_skill, read_skill_file);
 * an activated skill's tools join the next request, under their wire names.
 * Several calls in one reply run at once; their results go back in the
 * model's order. Failures, timeouts and bad arguments go back as error
 * results so the model can recover.
 *
 *	struct ag_config c;              // ag_resolve: flags > environment > baked
 *	struct agent *a = ag_new(t, &c, err, sizeof err);
 *	rc = ag_turn(a, "the task", NULL);   // or NULL: finish an interrupted turn
 *	ag_free(a);
 */
#ifndef AG_AGENT_H
#define AG_AGENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "http.h"
#include "prov.h"
#include "skc_abi.h"

/* Exit statuses of `run` (and of one `chat` turn). */
enum ag_exit {
	AG_OK = 0,
	AG_USAGE = 2,          /* bad flags, no provider or key, unreadable image */
	AG_PROVIDER = 6,       /* the provider failed (after retries) */
	AG_FILES = 7,          /* the session or trace file cannot be used */
	AG_CAP_ITERATIONS = 8, /* --max-iterations reached */
	AG_CAP_TOOL_CALLS = 9, /* --max-tool-calls reached */
	AG_CAP_TOKENS = 10,    /* --max-output-tokens reached */
	AG_CAP_TIME = 11,      /* --max-time reached */
	AG_INTERRUPTED = 130   /* SIGINT or SIGTERM */
};

enum {
	AG_DEFAULT_ITERATIONS = 32,
	AG_DEFAULT_TOOL_CALLS = 128,
	AG_DEFAULT_SECONDS = 1800,
	AG_MAX_IMAGE = 20 << 20, /* bytes */
	AG_MAX_JOBS = 16         /* tool processes at once */
};

/* What the command line gave; NULL / 0 / -1: not given. */
struct ag_flags {
	const char *provider, *model, *base_url;
	const char *session, *trace, *image;
	const char *tool_mode; /* "native" or "text" */
	bool json, usage, no_stream, no_parallel;
	long max_iterations, max_tool_calls, max_output_tokens, max_tokens, history;
	double max_time, connect_timeout, request_timeout, idle_timeout, tool_timeout;
	long retries;
};

struct ag_config {
	enum prov_kind kind;
	char *base_url, *api_key, *model; /* owned */
	const char *key_env;              /* where the key came from, for messages */
	const char *session, *trace;
	bool json, usage, stream, parallel, text_mode;
	uint32_t max_iterations, max_tool_calls, max_tokens, history;
	uint64_t max_output_tokens; /* 0: none */
	uint32_t max_ms;
	uint32_t tool_timeout_ms; /* 0: each tool's own */
	struct http_opts http;
	FILE *out, *err; /* answers; messages (stdout, stderr when NULL) */
};

/* Looks up environment variables: getenv, or a table in tests. */
typedef char *(*ag_getenv)(const char *name);

/*
 * Settle the configuration: flags override the environment (SKILLC_PROVIDER,
 * SKILLC_MODEL, SKILLC_BASE_URL, SKILLC_API_KEY, and the providers' own
 * OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or GOOGLE_API_KEY), which
 * overrides what was baked into the table. With no provider named anywhere,
 * the one provider whose key is set is used. 0, or -1 with one sentence in
 * err saying what to set. Release with ag_config_release.
 */
int ag_resolve(const struct skc_table *t, const struct ag_flags *f, ag_getenv env,
	       struct ag_config *c, char *err, size_t errn);
void ag_config_release(struct ag_config *c);

struct agent;

/* Opens the trace and loads the session (the conversation so far and which
 * skills are active). NULL with err set on failure. */
struct agent *ag_new(const struct skc_table *t, const struct ag_config *c, char *err,
		     size_t errn);
/* One user turn: `task` (NULL: carry on with what the session left
 * unfinished) and an optional image. Returns an enum ag_exit. */
int ag_turn(struct agent *a, const char *task, const char *image);
/* Print token totals (--usage) and write the trace's last event. */
void ag_finish(struct agent *a, int rc);
void ag_free(struct agent *a);

/* Whether the loaded session ends in an unfinished turn. */
bool ag_unfinished(const struct agent *a);

/*
 * The messages of `history` (a JSON array of neutral messages) that go in a
 * request when at most `limit` may (0: all): the newest, starting at a user
 * message that is not a tool result, so a tool call is never sent without
 * its result or a result without its call. Returns the index of the first.
 */
size_t ag_window(const json_t *history, uint32_t limit);

#endif
