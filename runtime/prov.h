/*
 * prov.h - the provider adapters: OpenAI Chat Completions, Anthropic
 * Messages, Gemini generateContent, and OpenAI-compatible servers.
 *
 * The agent keeps its conversation in one neutral form (below), which is
 * also what a --session file holds, one message per line. An adapter turns
 * it into a provider's request (prov_build) and reads the provider's answer,
 * plain or streamed, back into a neutral assistant message (prov_reader).
 *
 * Neutral messages (JSON objects):
 *
 *   {"role":"user","content":[BLOCK...]}
 *       {"type":"text","text":"..."}
 *       {"type":"image","media_type":"image/png","data":"<base64>"}
 *   {"role":"assistant","content":[BLOCK...]}
 *       {"type":"text","text":"...","signature":"..."}      signature: optional
 *       {"type":"tool_call","id":"...","name":"<wire name>",
 *        "arguments":"<the JSON text exactly as the model sent it>",
 *        "signature":"...",        Gemini's thoughtSignature, sent back verbatim
 *        "synthetic_id":true}      the provider gave no id; one was made up
 *   {"role":"tool","content":[BLOCK...]}    results, in the calls' order
 *       {"type":"tool_result","id":"...","name":"...","text":"...","is_error":false}
 *
 * Text mode (models without native tool calling): no tools go in the request;
 * the system prompt describes them (tcall.h); an assistant's tool_call blocks
 * are not sent (its text holds the call) and tool results go as user text:
 * "Tool 'NAME' returned:\nTEXT" ("failed:" for an error), several joined by
 * a blank line.
 *
 * A reply's content holds its blocks in the order they arrived; a text block
 * has "signature" and a tool_call "signature"/"synthetic_id" only when they
 * apply. A call that came without arguments gets "{}"; one without an id
 * gets "call_<n>" (n from 1 in each reply) with synthetic_id.
 */
#ifndef PROV_PROV_H
#define PROV_PROV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum prov_kind {
	PROV_OPENAI,
	PROV_ANTHROPIC,
	PROV_GEMINI,
	PROV_COMPAT /* an OpenAI-compatible server: Ollama, llama.cpp, vLLM */
};

/* "openai", "anthropic", "gemini", "openai-compatible". */
const char *prov_name(enum prov_kind k);
/* 0, or -1 when s names no provider. */
int prov_parse(const char *s, enum prov_kind *out);
/* The default base URL ("https://api.openai.com/v1", "https://api.anthropic.com",
 * "https://generativelanguage.googleapis.com"); NULL for PROV_COMPAT. */
const char *prov_default_base(enum prov_kind k);

struct prov_tool {
	const char *name;        /* wire name */
	const char *description;
	const char *schema;      /* JSON Schema text of the input object */
};

struct prov_params {
	enum prov_kind kind;
	const char *base_url;  /* NULL: prov_default_base; a trailing '/' is ignored */
	const char *api_key;   /* NULL: none sent */
	const char *model;
	const char *system;    /* NULL: none */
	const json_t *messages; /* neutral, oldest first */
	const struct prov_tool *tools;
	size_t tool_count;
	bool stream;
	bool text_mode;
	bool parallel_tools;   /* let the model call several tools in one reply */
	uint32_t max_tokens;   /* output tokens for this reply; 0: the provider's default
				  (Anthropic, which needs one: 8192) */
};

/*
 * One HTTP request:
 *   OpenAI/compatible  POST {base}/chat/completions, Authorization: Bearer KEY
 *   Anthropic          POST {base}/v1/messages, x-api-key, anthropic-version: 2023-06-01
 *   Gemini             POST {base}/v1beta/models/{model}:generateContent, or
 *                      :streamGenerateContent?alt=sse; x-goog-api-key
 * headers are "Name: value" strings, NULL-terminated.
 */
struct prov_request {
	char *url;
	char **headers;
	char *body;
	size_t body_len;
};

/* 0, or -1 with err set (a message that cannot be expressed, no memory). */
int prov_build(const struct prov_params *p, struct prov_request *out, char *err, size_t errn);
void prov_request_release(struct prov_request *r);

struct prov_usage {
	uint64_t input;  /* prompt tokens */
	uint64_t output; /* completion tokens */
};

/* Why the reply ended, in neutral words. */
enum prov_stop {
	PROV_STOP_END,        /* a final answer */
	PROV_STOP_TOOLS,      /* it holds tool calls (decided from the content,
				 not only from the provider's finish reason) */
	PROV_STOP_MAX_TOKENS, /* cut at the output token limit */
	PROV_STOP_OTHER       /* refusal, safety, anything else */
};

struct prov_reply {
	json_t *message; /* neutral assistant message (owned) */
	struct prov_usage usage;
	enum prov_stop stop;
	char stop_raw[64]; /* the provider's own finish reason, for traces */
};

/* Text as it arrives, for streaming it to the user: answer text only (no
 * tool arguments, no thinking). Only streamed answers call it. */
typedef void (*prov_text_cb)(void *ud, const char *s, size_t n);

struct prov_reader;

/* Reads one answer's body: an event stream when `stream`, else one JSON document. */
struct prov_reader *prov_reader_new(enum prov_kind k, bool stream, prov_text_cb cb, void *ud);
/* Forget everything read so far (a retry is starting). */
void prov_reader_reset(struct prov_reader *r);
/* Body bytes. 0: go on; a status >= 400: the stream carried an error (an
 * Anthropic `error` event: overloaded_error reads as 529, rate_limit_error as
 * 429, api_error as 500, others as 400), message in prov_reader_error; -1: the
 * body is malformed (message in prov_reader_error). */
int prov_reader_feed(struct prov_reader *r, const char *p, size_t n);
/* The body ended. 0 with *out filled (release with prov_reply_release), or
 * -1 when it ended early or made no sense (message in prov_reader_error). */
int prov_reader_finish(struct prov_reader *r, struct prov_reply *out);
/* Whether any text went to the callback since the last reset. */
bool prov_reader_shown(const struct prov_reader *r);
const char *prov_reader_error(const struct prov_reader *r);
void prov_reader_free(struct prov_reader *r);
void prov_reply_release(struct prov_reply *rep);

/* One sentence from a non-2xx answer: the provider's own error message when
 * the body carries one, else the status. */
void prov_error_message(enum prov_kind k, long status, const char *body, size_t n, char *out,
			size_t outn);
/* Whether a failed answer must not be retried although its status says it
 * could be (Gemini's per-day quota: RESOURCE_EXHAUSTED with a PerDay quota). */
bool prov_no_retry(enum prov_kind k, long status, const char *body, size_t n);

#endif
