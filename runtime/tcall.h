/*
 * tcall.h - tool calls for models without native tool calling ("text
 * mode"): the system prompt describes the tools and the call format, and
 * calls are dug out of the model's free-text reply.
 *
 * The parser is lenient in what models really write, and hardened: it takes
 * candidates from fenced code blocks first, then from balanced {...} spans in
 * prose; it accepts single-quoted strings, trailing commas and unquoted keys;
 * it reads at most TCALL_MAX_TEXT bytes and TCALL_MAX_CANDIDATES candidates.
 * The first candidate that is a valid call wins: an object naming a known
 * tool ("tool", "name" or "function") with an object of arguments
 * ("arguments", "args", "parameters" or "input"; absent means {}), where
 * "arguments" may also be a string holding a JSON object.
 */
#ifndef TCALL_TCALL_H
#define TCALL_TCALL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum {
	TCALL_MAX_TEXT = 1 << 20,  /* reply bytes examined */
	TCALL_MAX_CANDIDATES = 64, /* candidate spans tried */
	TCALL_MAX_DEPTH = 64       /* nesting accepted in a candidate */
};

/* Whether `name` is a tool the model may call. */
typedef bool (*tcall_known)(void *ud, const char *name);

struct tcall {
	char name[128]; /* the tool's name */
	json_t *args;   /* an object (owned) */
	size_t start;   /* the call's span in the text */
	size_t end;
};

/* 1 with *out filled (release with tcall_release), or 0 when the text holds
 * no valid call. */
int tcall_find(const char *text, size_t n, tcall_known known, void *ud, struct tcall *out);
void tcall_release(struct tcall *c);

/* Lenient JSON: a value at s (n bytes) as described above; NULL when there is
 * none. *used gets the bytes consumed. */
json_t *tcall_parse_value(const char *s, size_t n, size_t *used);

/* The system-prompt section for text mode: how to call a tool, then each
 * tool's name, description and JSON Schema. malloc'd. */
char *tcall_prompt(const char *const *names, const char *const *descriptions,
		   const char *const *schemas, size_t count);

#endif
