/*
 * ask.h - a protocol tool's questions (callback.h) answered in this process:
 * sampling/createMessage by the configured provider, elicitation/create by
 * the person at the terminal. Both return the MCP result object (owned), or
 * NULL with one sentence in err.
 */
#ifndef ASK_ASK_H
#define ASK_ASK_H

#include <jansson.h>
#include <stddef.h>

#include "agent.h"

enum {
	ASK_MAX_LINE = 4096     /* one answer typed at the terminal */
};

/* {messages, systemPrompt?, maxTokens?} to the provider of `c`, without tools;
 * the answer as {role, content: {type: "text", text}, model, stopReason}. */
json_t *ask_model(const struct ag_config *c, const json_t *params, char *err, size_t errn);

/*
 * {message, requestedSchema} asked on `tty` (a terminal opened read-write;
 * -1: /dev/tty): each property of the flat schema in turn. The answer is
 * {action: "accept", content}, {action: "decline"} (an answer of n), or
 * {action: "cancel"} (end of input). No terminal: NULL, and err says so.
 */
json_t *ask_user(const json_t *params, int tty, char *err, size_t errn);

#endif
