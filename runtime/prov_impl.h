/*
 * prov_impl.h - what the provider adapters share (prov.c) and what each one
 * exports to the dispatch in prov.c. Not for use outside runtime/prov*.c.
 *
 * A reader collects the answer as a list of blocks (text or tool call) in the
 * order they arrived; prov.c turns them into the neutral message at the end.
 */
#ifndef PROV_PROV_IMPL_H
#define PROV_PROV_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jbuf.h"
#include "prov.h"
#include "sse.h"

enum {
	PROV_MAX_TEXT = 64 << 20 /* answer text plus tool arguments, and a plain body, bytes */
};

/* jb_put: 0, or -1 when memory runs out. */
int prov_buf_add(struct jbuf *b, const char *s, size_t n);

enum prov_blk_kind {
	PROV_BLK_TEXT,
	PROV_BLK_CALL,
	PROV_BLK_SKIP /* a block the neutral form does not keep (Anthropic thinking) */
};

struct prov_blk {
	enum prov_blk_kind kind;
	struct jbuf text; /* the text, or the call's arguments */
	char *id, *name, *sig;
	bool synthetic;
	long key; /* the provider's index for the block; -1: none */
};

struct prov_reader {
	enum prov_kind kind;
	bool stream;
	prov_text_cb cb;
	void *ud;
	struct sse sse;
	struct jbuf body; /* a plain body */
	struct prov_blk *blk;
	size_t nblk, capblk;
	struct prov_usage usage;
	char stop_raw[64];
	bool have_stop; /* a finish reason arrived */
	bool done;      /* the stream's end marker arrived */
	bool shown;
	int failed; /* feed's sticky non-zero answer */
	size_t total; /* text and argument bytes so far */
	unsigned calls; /* synthetic ids made */
	char err[512];
};

/* Set the reader's error and its sticky code; returns code. */
int prov_fail(struct prov_reader *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A new block at the end; NULL (with the error set) when memory runs out. */
struct prov_blk *prov_blk_add(struct prov_reader *r, enum prov_blk_kind kind, long key);
/* The newest block with this key, or NULL. */
struct prov_blk *prov_blk_find(struct prov_reader *r, long key);
/* Append answer text (to the callback when streaming and `show`) or call
 * arguments. 0, or -1 with the error set. */
int prov_blk_text(struct prov_reader *r, struct prov_blk *b, const char *s, size_t n, bool show);
/* Replace *dst with a copy of s (n bytes). 0, or -1 with the error set. */
int prov_set(struct prov_reader *r, char **dst, const char *s, size_t n);
/* A made-up call id: "call_<n>". 0, or -1. */
int prov_synth_id(struct prov_reader *r, struct prov_blk *b);
void prov_set_stop(struct prov_reader *r, const char *raw);
/* An {"error":{...}} object inside a 2xx answer: its code when that reads as
 * an HTTP status (400-599), else 500, with the message kept. */
int prov_stream_error(struct prov_reader *r, const json_t *error);

/* A string member's value and length; NULL when absent or not a string. */
const char *prov_jstr(const json_t *o, const char *key, size_t *len);
/* A non-negative integer member, or 0. */
uint64_t prov_juint(const json_t *o, const char *key);

/* ---- request building ---- */

/* One neutral message, checked: role ("user", "assistant", "tool") and the
 * content array, whose blocks must suit the role. 0, or -1 with err set. */
int prov_msg(const json_t *m, size_t i, const char **role, const json_t **content, char *err,
	     size_t errn);
/* Text mode: a tool message's results as one user text (malloc'd), or NULL. */
char *prov_results_text(const json_t *content);
/* A tool's schema, parsed: a new object, or NULL with err set. */
json_t *prov_schema(const struct prov_tool *t, char *err, size_t errn);
/* The offered tools as [{"name","description",<schema_key>: schema}], or NULL
 * with err set. */
json_t *prov_decls(const struct prov_params *p, const char *schema_key, char *err, size_t errn);
/* Arguments text as an object for the wire: a new object ({} when the text
 * is not a JSON object). */
json_t *prov_args_object(const char *s, size_t n);
/* Set a string member from (s, n); 0, or -1 (invalid UTF-8, no memory). */
int prov_setn(json_t *o, const char *key, const char *s, size_t n);
int prov_sets(json_t *o, const char *key, const char *s);
/* Append m to the array, merging its content into the last message when
 * both have the same role (Anthropic and Gemini want alternation). The array
 * `key` names the content member ("content" or "parts"). Takes m. */
int prov_push_merged(json_t *msgs, json_t *m, const char *key);

/* ---- the adapters ---- */

json_t *prov_openai_body(const struct prov_params *p, char *err, size_t errn);
int prov_openai_event(struct prov_reader *r, const char *data, size_t n);
int prov_openai_plain(struct prov_reader *r, const json_t *doc);
int prov_openai_complete(struct prov_reader *r);
enum prov_stop prov_openai_stop(const char *raw);

json_t *prov_anthropic_body(const struct prov_params *p, char *err, size_t errn);
int prov_anthropic_event(struct prov_reader *r, const char *type, const char *data, size_t n);
int prov_anthropic_plain(struct prov_reader *r, const json_t *doc);
int prov_anthropic_complete(struct prov_reader *r);
enum prov_stop prov_anthropic_stop(const char *raw);

json_t *prov_gemini_body(const struct prov_params *p, char *err, size_t errn);
int prov_gemini_event(struct prov_reader *r, const char *data, size_t n);
int prov_gemini_plain(struct prov_reader *r, const json_t *doc);
int prov_gemini_complete(struct prov_reader *r);
enum prov_stop prov_gemini_stop(const char *raw);

#endif
