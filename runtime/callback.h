/*
 * callback.h - the Skillz callback protocol: a tool that talks back to the
 * agent over JSON-RPC 2.0 lines on its stdin and stdout while it runs.
 *
 * The agent writes one request, {"jsonrpc":"2.0","method":"execute","id":1,
 * "params":{"arguments":{...},"context":{...}}}, and keeps the tool's stdin
 * open. The tool may then send, one JSON object a line:
 *
 *	log, logging/message            notification: {level, message, data?}
 *	progress, notifications/progress notification: {current, total, message?}
 *	stream, stream/chunk            notification: {data, index?, is_final?}
 *	memory/get|set|list|delete      request, answered here (memory.h)
 *	resources/list, resources/read  request, answered here: the skills' files
 *	elicitation/create              request, passed to the host
 *	sampling/createMessage          request, passed to the host
 *	tools/call                      request, passed to the host
 *
 * and ends with the response to `execute` (id 1): its result, or its error.
 * A line that is not a JSON object, a flood of messages, a tool that stops
 * reading its answers or exits without a result ends the call with an error
 * that says which. Each line has the tool's secrets replaced before it is
 * read, so nothing it forwards can carry them.
 *
 * A call is driven like an inv_call (poll cb_pollfds, then cb_step); the
 * host answers the requests it was given with cb_answer, at once or later.
 */
#ifndef CB_CALLBACK_H
#define CB_CALLBACK_H

#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "invoke.h"
#include "skc_abi.h"

enum {
	CB_MAX_MESSAGES = 10000, /* messages from one call */
	CB_MAX_PENDING = 64,     /* its requests the host has not answered */
	CB_MAX_DEPTH = 4,        /* tools/call nesting */
	CB_MAX_TOKENS = 1024     /* a sampling request's maxTokens when it gives none */
};

struct cb_call;

struct cb_host {
	void *ud;
	/* Notifications, already checked for shape. level is a syslog word
	 * (debug ... emergency); progress has "progress", "total" and maybe
	 * "message"; a chunk is the params object as sent. */
	void (*log)(void *ud, struct cb_call *c, const char *level, json_t *data);
	void (*progress)(void *ud, struct cb_call *c, json_t *progress);
	void (*chunk)(void *ud, struct cb_call *c, json_t *chunk);
	/* elicitation/create, sampling/createMessage or tools/call, with its
	 * params (an object). Answer with cb_answer(c, req, ...), now or later. */
	void (*request)(void *ud, struct cb_call *c, unsigned req, const char *method,
			json_t *params);
	bool sampling, elicitation; /* told to the tool in its context */
};

/*
 * Start a protocol tool (tool->args == SKC_ARGS_SKILLZ). Returns INV_OK with
 * *out set, or another status with err set. `parent` is the call whose
 * tools/call this is (NULL for a top-level call); `tag` is the host's.
 */
enum inv_status cb_start(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			 const struct inv_opts *o, const struct cb_host *host, struct cb_call *parent,
			 void *tag, struct cb_call **out, char *err, size_t errn);

struct rx_proc *cb_proc(struct cb_call *c);
void *cb_tag(const struct cb_call *c);

/* Milliseconds until cb_step has a deadline; -1: none. */
int cb_timeout_ms(const struct cb_call *c);
/* Move data, read and dispatch messages; 1 when the call is finished. */
int cb_step(struct cb_call *c);

/* Answer request `req` with a result (borrowed) or, when result is NULL, an
 * error message. Answers to a finished call or an unknown req are dropped. */
void cb_answer(struct cb_call *c, unsigned req, json_t *result, const char *error);

/*
 * Reap, give the verdict, free the call. res->out is the result: a string
 * result as it is, any other JSON value as compact JSON, the stream chunks
 * when the tool sent no result. A protocol failure is INV_FAILED with err
 * saying why; the tool's error response is INV_FAILED with its message.
 */
enum inv_status cb_finish(struct cb_call *c, struct rx_result *res, char *err, size_t errn);

/*
 * Whether `tool` may be called from `parent`'s chain: not deeper than
 * CB_MAX_DEPTH and not a tool already in the chain. 0, or -1 with err set.
 */
int cb_may_call(const struct cb_call *parent, const struct skc_tool *tool, char *err, size_t errn);

/*
 * Run a call to the end in this process (agent call, agent run): its
 * tools/call requests are run here too, nested calls of any kind. Requests
 * for the user or a model go to `ask`, which returns the result (owned) or
 * NULL with err set; NULL `ask`: they are refused. `stop`, when it becomes
 * non-zero, kills the calls.
 */
struct cb_sync {
	json_t *(*ask)(void *ud, const char *method, json_t *params, char *err, size_t errn);
	/* A log message (level: its level) or progress (level: "progress"). */
	void (*log)(void *ud, const char *tool, const char *level, json_t *data);
	void *ud;
	bool sampling, elicitation;
	const volatile int *stop;
};
enum inv_status cb_run(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
		       const struct inv_opts *o, const struct cb_sync *s, struct rx_result *res,
		       char *err, size_t errn);

/* Answer a tools/call (request `req` of `parent`) with how `tool` ended:
 * {"output": value} when it succeeded, else an error naming it and why. */
void cb_answer_call(struct cb_call *parent, unsigned req, const struct skc_tool *tool,
		    enum inv_status st, const struct rx_result *res, const char *why,
		    const struct skc_table *t);

#endif
