/*
 * prov_anthropic.c - the Anthropic Messages API. Roles must alternate, so
 * tool results (a "user" message there) merge with the user text around them.
 */
#include <stdlib.h>
#include <string.h>

#include "prov_impl.h"

/* ---- the request ---- */

static int an_text(json_t *blocks, const char *t, size_t len)
{
	if (!len) /* the API refuses empty text blocks */
		return 0;
	json_t *o = json_object();
	return !o || json_array_append_new(blocks, o) || prov_sets(o, "type", "text") ||
	       prov_setn(o, "text", t, len);
}

static int an_block(json_t *blocks, const json_t *b, bool text_mode)
{
	const char *type = prov_jstr(b, "type", NULL);
	size_t len;
	const char *t;
	json_t *o;
	if (strcmp(type, "text") == 0) {
		t = prov_jstr(b, "text", &len);
		return an_text(blocks, t, len);
	}
	if (strcmp(type, "image") == 0) {
		t = prov_jstr(b, "data", &len);
		o = json_object();
		json_t *src = json_object();
		int bad = !o || !src || json_array_append_new(blocks, o) ||
			  prov_sets(o, "type", "image") || json_object_set(o, "source", src) ||
			  prov_sets(src, "type", "base64") ||
			  prov_sets(src, "media_type", prov_jstr(b, "media_type", NULL)) ||
			  prov_setn(src, "data", t, len);
		json_decref(src);
		return bad;
	}
	if (strcmp(type, "tool_call") == 0) {
		if (text_mode)
			return 0;
		t = prov_jstr(b, "arguments", &len);
		o = json_object();
		return !o || json_array_append_new(blocks, o) || prov_sets(o, "type", "tool_use") ||
		       prov_sets(o, "id", prov_jstr(b, "id", NULL)) ||
		       prov_sets(o, "name", prov_jstr(b, "name", NULL)) ||
		       json_object_set_new(o, "input", prov_args_object(t, len));
	}
	/* A tool_result (not in text mode: the caller turned those into text). */
	t = prov_jstr(b, "text", &len);
	o = json_object();
	return !o || json_array_append_new(blocks, o) || prov_sets(o, "type", "tool_result") ||
	       prov_sets(o, "tool_use_id", prov_jstr(b, "id", NULL)) ||
	       prov_setn(o, "content", t, len) ||
	       (json_is_true(json_object_get(b, "is_error")) &&
		json_object_set_new(o, "is_error", json_true()));
}

json_t *prov_anthropic_body(const struct prov_params *p, char *err, size_t errn)
{
	json_t *body = json_object(), *msgs = json_array();
	if (!body || !msgs || prov_sets(body, "model", p->model) ||
	    json_object_set_new(body, "max_tokens",
				json_integer(p->max_tokens ? p->max_tokens : 8192)) ||
	    (p->system && *p->system && prov_sets(body, "system", p->system)) ||
	    json_object_set(body, "messages", msgs))
		goto fail;
	size_t i;
	const json_t *msg;
	json_array_foreach(p->messages, i, msg) {
		const char *role;
		const json_t *content;
		if (prov_msg(msg, i, &role, &content, err, errn))
			goto fail;
		json_t *blocks = json_array();
		json_t *m = json_pack("{s:s, s:o}", "role",
				      strcmp(role, "assistant") == 0 ? "assistant" : "user",
				      "content", blocks);
		if (!m)
			goto fail;
		if (strcmp(role, "tool") == 0 && p->text_mode) {
			char *t = prov_results_text(content);
			int bad = !t || an_text(blocks, t, strlen(t));
			free(t);
			if (bad) {
				json_decref(m);
				goto fail;
			}
		} else {
			size_t j;
			const json_t *b;
			json_array_foreach(content, j, b) {
				if (an_block(blocks, b, p->text_mode)) {
					json_decref(m);
					goto fail;
				}
			}
		}
		if (prov_push_merged(msgs, m, "content"))
			goto fail;
	}
	if (p->tool_count && !p->text_mode) {
		json_t *tools = prov_decls(p, "input_schema", err, errn);
		if (!tools || json_object_set_new(body, "tools", tools))
			goto fail;
		if (!p->parallel_tools &&
		    json_object_set_new(body, "tool_choice",
					json_pack("{s:s, s:b}", "type", "auto",
						  "disable_parallel_tool_use", 1)))
			goto fail;
	}
	if (p->stream && json_object_set_new(body, "stream", json_true()))
		goto fail;
	json_decref(msgs);
	return body;
fail:
	json_decref(msgs);
	json_decref(body);
	return NULL;
}

/* ---- the answer ---- */

static void an_usage(struct prov_reader *r, const json_t *u)
{
	if (!json_is_object(u))
		return;
	/* Cached prompt tokens are prompt tokens too. */
	if (json_object_get(u, "input_tokens"))
		r->usage.input = prov_juint(u, "input_tokens") +
				 prov_juint(u, "cache_creation_input_tokens") +
				 prov_juint(u, "cache_read_input_tokens");
	if (json_object_get(u, "output_tokens"))
		r->usage.output = prov_juint(u, "output_tokens");
}

/* A content block, from a plain answer or a content_block_start event. */
static int an_start(struct prov_reader *r, const json_t *cb, long key, bool whole)
{
	const char *type = prov_jstr(cb, "type", NULL);
	size_t len;
	const char *t;
	struct prov_blk *b;
	if (type && strcmp(type, "text") == 0) {
		if (!(b = prov_blk_add(r, PROV_BLK_TEXT, key)))
			return -1;
		t = prov_jstr(cb, "text", &len);
		return t ? prov_blk_text(r, b, t, len, true) : 0;
	}
	if (!type || strcmp(type, "tool_use") != 0)
		return prov_blk_add(r, PROV_BLK_SKIP, key) ? 0 : -1;
	if (!(b = prov_blk_add(r, PROV_BLK_CALL, key)))
		return -1;
	if ((t = prov_jstr(cb, "id", &len)) && len && prov_set(r, &b->id, t, len))
		return -1;
	if ((t = prov_jstr(cb, "name", &len)) && prov_set(r, &b->name, t, len))
		return -1;
	/* A stream starts every call with input {} and sends the text after. */
	const json_t *in = json_object_get(cb, "input");
	if (whole && json_is_object(in) && json_object_size(in)) {
		char *s = json_dumps(in, JSON_COMPACT);
		if (!s)
			return prov_fail(r, -1, "out of memory reading the answer");
		int rc = prov_blk_text(r, b, s, strlen(s), false);
		free(s);
		return rc;
	}
	return 0;
}

static int an_error(struct prov_reader *r, const json_t *doc)
{
	const json_t *e = json_object_get(doc, "error");
	const char *type = prov_jstr(e, "type", NULL);
	int code = 400;
	if (type && strcmp(type, "overloaded_error") == 0)
		code = 529;
	else if (type && strcmp(type, "rate_limit_error") == 0)
		code = 429;
	else if (type && strcmp(type, "api_error") == 0)
		code = 500;
	const char *msg = prov_jstr(e, "message", NULL);
	if (!msg || !*msg)
		msg = type ? type : "the stream carried an error";
	return prov_fail(r, code, "%.400s", msg);
}

int prov_anthropic_event(struct prov_reader *r, const char *evtype, const char *data, size_t n)
{
	if (r->done)
		return 0;
	json_error_t je;
	json_t *doc = json_loadb(data, n, 0, &je);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return prov_fail(r, -1, "the stream holds malformed JSON: %s",
				 doc ? "not an object" : je.text);
	}
	const char *type = prov_jstr(doc, "type", NULL);
	if (!type)
		type = evtype;
	int rc = 0;
	long key = -1;
	const json_t *ix = json_object_get(doc, "index");
	if (json_is_integer(ix))
		key = (long)json_integer_value(ix);
	if (strcmp(type, "message_start") == 0) {
		an_usage(r, json_object_get(json_object_get(doc, "message"), "usage"));
	} else if (strcmp(type, "content_block_start") == 0) {
		rc = an_start(r, json_object_get(doc, "content_block"), key, false);
	} else if (strcmp(type, "content_block_delta") == 0) {
		const json_t *d = json_object_get(doc, "delta");
		const char *dt = prov_jstr(d, "type", NULL);
		struct prov_blk *b = prov_blk_find(r, key);
		size_t len;
		const char *t;
		if (!b) {
			rc = prov_fail(r, -1, "the stream sent a delta for block %ld, which never started",
				       key);
		} else if (!dt) {
		} else if (strcmp(dt, "text_delta") == 0 && b->kind == PROV_BLK_TEXT) {
			if ((t = prov_jstr(d, "text", &len)))
				rc = prov_blk_text(r, b, t, len, true);
		} else if (strcmp(dt, "input_json_delta") == 0 && b->kind == PROV_BLK_CALL) {
			if ((t = prov_jstr(d, "partial_json", &len)))
				rc = prov_blk_text(r, b, t, len, false);
		}
	} else if (strcmp(type, "message_delta") == 0) {
		const char *sr = prov_jstr(json_object_get(doc, "delta"), "stop_reason", NULL);
		if (sr)
			prov_set_stop(r, sr);
		an_usage(r, json_object_get(doc, "usage"));
	} else if (strcmp(type, "message_stop") == 0) {
		r->done = true;
	} else if (strcmp(type, "error") == 0) {
		rc = an_error(r, doc);
	}
	/* ping, content_block_stop and events added later need nothing. */
	json_decref(doc);
	return rc;
}

int prov_anthropic_plain(struct prov_reader *r, const json_t *doc)
{
	const char *type = prov_jstr(doc, "type", NULL);
	if ((type && strcmp(type, "error") == 0) || json_is_object(json_object_get(doc, "error"))) {
		an_error(r, doc);
		r->failed = -1;
		return -1;
	}
	const json_t *content = json_object_get(doc, "content");
	if (!json_is_array(content))
		return prov_fail(r, -1, "the answer has no 'content'");
	size_t i;
	const json_t *b;
	json_array_foreach(content, i, b) {
		if (an_start(r, b, (long)i, true))
			return -1;
	}
	const char *sr = prov_jstr(doc, "stop_reason", NULL);
	if (sr)
		prov_set_stop(r, sr);
	an_usage(r, json_object_get(doc, "usage"));
	return 0;
}

int prov_anthropic_complete(struct prov_reader *r)
{
	return r->done ? 0 : prov_fail(r, -1, "the stream ended early");
}

enum prov_stop prov_anthropic_stop(const char *raw)
{
	if (!*raw || strcmp(raw, "end_turn") == 0 || strcmp(raw, "stop_sequence") == 0 ||
	    strcmp(raw, "tool_use") == 0)
		return PROV_STOP_END;
	if (strcmp(raw, "max_tokens") == 0)
		return PROV_STOP_MAX_TOKENS;
	return PROV_STOP_OTHER;
}
