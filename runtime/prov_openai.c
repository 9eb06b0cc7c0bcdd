/*
 * prov_openai.c - OpenAI Chat Completions, also spoken by OpenAI-compatible
 * servers (PROV_COMPAT), which differ in small ways: "max_tokens" rather
 * than "max_completion_tokens", no key, and streams that may omit [DONE].
 */
#include <stdlib.h>
#include <string.h>

#include "prov_impl.h"

/* ---- the request ---- */

static json_t *oa_user(const json_t *content)
{
	size_t n = json_array_size(content);
	const json_t *b0 = json_array_get(content, 0);
	json_t *m = json_object();
	if (!m || prov_sets(m, "role", "user"))
		goto fail;
	if (n == 1 && strcmp(prov_jstr(b0, "type", NULL), "text") == 0) {
		size_t len;
		const char *t = prov_jstr(b0, "text", &len);
		if (prov_setn(m, "content", t, len))
			goto fail;
		return m;
	}
	json_t *parts = json_array();
	if (json_object_set_new(m, "content", parts))
		goto fail;
	size_t i;
	const json_t *b;
	json_array_foreach(content, i, b) {
		json_t *part;
		size_t len;
		const char *t;
		if (strcmp(prov_jstr(b, "type", NULL), "text") == 0) {
			t = prov_jstr(b, "text", &len);
			part = json_object();
			if (!part || json_array_append_new(parts, part) ||
			    prov_sets(part, "type", "text") || prov_setn(part, "text", t, len))
				goto fail;
		} else {
			const char *mt = prov_jstr(b, "media_type", NULL);
			const char *d = prov_jstr(b, "data", &len);
			/* A data URL: "data:" MIME ";base64," data. */
			char *url = malloc(strlen(mt) + len + 14);
			if (!url)
				goto fail;
			size_t ul = (size_t)sprintf(url, "data:%s;base64,", mt);
			memcpy(url + ul, d, len);
			part = json_object();
			json_t *iu = json_object();
			int bad = !part || !iu || json_array_append_new(parts, part) ||
				  prov_sets(part, "type", "image_url") ||
				  json_object_set(part, "image_url", iu) ||
				  prov_setn(iu, "url", url, ul + len);
			json_decref(iu);
			free(url);
			if (bad)
				goto fail;
		}
	}
	return m;
fail:
	json_decref(m);
	return NULL;
}

static json_t *oa_assistant(const json_t *content, bool text_mode)
{
	json_t *m = json_object();
	json_t *calls = json_array();
	struct jbuf text = {0};
	size_t i;
	const json_t *b;
	if (!m || !calls || prov_sets(m, "role", "assistant"))
		goto fail;
	json_array_foreach(content, i, b) {
		size_t len;
		const char *t;
		if (strcmp(prov_jstr(b, "type", NULL), "text") == 0) {
			t = prov_jstr(b, "text", &len);
			if (prov_buf_add(&text, t, len))
				goto fail;
			continue;
		}
		if (text_mode)
			continue;
		json_t *c = json_object(), *f = json_object();
		const char *args = prov_jstr(b, "arguments", &len);
		int bad = !c || !f || json_array_append_new(calls, c) ||
			  prov_sets(c, "id", prov_jstr(b, "id", NULL)) ||
			  prov_sets(c, "type", "function") || json_object_set(c, "function", f) ||
			  prov_sets(f, "name", prov_jstr(b, "name", NULL)) ||
			  prov_setn(f, "arguments", args, len);
		json_decref(f);
		if (bad)
			goto fail;
	}
	if (!text.len && !json_array_size(calls)) {
		/* Nothing to send (a text-mode reply without text). */
		jb_release(&text);
		json_decref(calls);
		json_decref(m);
		return json_null();
	}
	if (text.len ? prov_setn(m, "content", text.p, text.len)
				 : json_object_set_new(m, "content", json_null()))
		goto fail;
	if (json_array_size(calls) && json_object_set(m, "tool_calls", calls))
		goto fail;
	jb_release(&text);
	json_decref(calls);
	return m;
fail:
	jb_release(&text);
	json_decref(calls);
	json_decref(m);
	return NULL;
}

/* Append the tool messages of one neutral tool message. */
static int oa_results(json_t *msgs, const json_t *content)
{
	size_t i;
	const json_t *b;
	json_array_foreach(content, i, b) {
		size_t len;
		const char *t = prov_jstr(b, "text", &len);
		bool error = json_is_true(json_object_get(b, "is_error"));
		json_t *m = json_object();
		if (!m || json_array_append_new(msgs, m) || prov_sets(m, "role", "tool") ||
		    prov_sets(m, "tool_call_id", prov_jstr(b, "id", NULL)))
			return -1;
		/* OpenAI has no error flag: say it in the text. */
		if (error) {
			char *s = malloc(len + 8);
			if (!s)
				return -1;
			memcpy(s, "Error: ", 7);
			memcpy(s + 7, t, len);
			int rc = prov_setn(m, "content", s, len + 7);
			free(s);
			if (rc)
				return -1;
		} else if (prov_setn(m, "content", t, len)) {
			return -1;
		}
	}
	return 0;
}

json_t *prov_openai_body(const struct prov_params *p, char *err, size_t errn)
{
	json_t *body = json_object(), *msgs = json_array();
	if (!body || !msgs || prov_sets(body, "model", p->model) ||
	    json_object_set(body, "messages", msgs))
		goto fail;
	if (p->system && *p->system) {
		json_t *m = json_object();
		if (!m || json_array_append_new(msgs, m) || prov_sets(m, "role", "system") ||
		    prov_sets(m, "content", p->system))
			goto fail;
	}
	size_t i;
	const json_t *msg;
	json_array_foreach(p->messages, i, msg) {
		const char *role;
		const json_t *content;
		if (prov_msg(msg, i, &role, &content, err, errn))
			goto fail;
		if (strcmp(role, "user") == 0) {
			if (json_array_append_new(msgs, oa_user(content)))
				goto fail;
		} else if (strcmp(role, "assistant") == 0) {
			json_t *m = oa_assistant(content, p->text_mode);
			if (!m)
				goto fail;
			if (json_is_null(m))
				continue;
			if (json_array_append_new(msgs, m))
				goto fail;
		} else if (p->text_mode) {
			char *t = prov_results_text(content);
			json_t *m = t ? json_object() : NULL;
			int bad = !m || json_array_append_new(msgs, m) || prov_sets(m, "role", "user") ||
				  prov_sets(m, "content", t);
			free(t);
			if (bad)
				goto fail;
		} else if (oa_results(msgs, content)) {
			goto fail;
		}
	}
	if (p->tool_count && !p->text_mode) {
		json_t *decls = prov_decls(p, "parameters", err, errn);
		json_t *tools = decls ? json_array() : NULL;
		int bad = !tools || json_object_set_new(body, "tools", tools);
		size_t t;
		json_t *f;
		json_array_foreach(bad ? NULL : decls, t, f)
			bad |= json_array_append_new(tools, json_pack("{s:s,s:O}", "type", "function",
								     "function", f)) != 0;
		json_decref(decls);
		if (bad)
			goto fail;
		if (prov_sets(body, "tool_choice", "auto") ||
		    json_object_set_new(body, "parallel_tool_calls", json_boolean(p->parallel_tools)))
			goto fail;
	}
	if (p->stream &&
	    (json_object_set_new(body, "stream", json_true()) ||
	     json_object_set_new(body, "stream_options",
				 json_pack("{s:b}", "include_usage", 1))))
		goto fail;
	if (p->max_tokens &&
	    json_object_set_new(body,
				p->kind == PROV_COMPAT ? "max_tokens" : "max_completion_tokens",
				json_integer(p->max_tokens)))
		goto fail;
	json_decref(msgs);
	return body;
fail:
	json_decref(msgs);
	json_decref(body);
	return NULL;
}

/* ---- the answer ---- */

/* The text block, made when the first text arrives. */
static struct prov_blk *oa_text_blk(struct prov_reader *r)
{
	for (size_t i = 0; i < r->nblk; i++)
		if (r->blk[i].kind == PROV_BLK_TEXT)
			return &r->blk[i];
	return prov_blk_add(r, PROV_BLK_TEXT, -1);
}

static int oa_text(struct prov_reader *r, const char *s, size_t n)
{
	if (!n)
		return 0;
	struct prov_blk *b = oa_text_blk(r);
	return b ? prov_blk_text(r, b, s, n, true) : -1;
}

/* Arguments are a string on the wire; some servers send an object. */
static int oa_args(struct prov_reader *r, struct prov_blk *b, const json_t *a)
{
	if (json_is_string(a))
		return prov_blk_text(r, b, json_string_value(a), json_string_length(a), false);
	if (!json_is_object(a))
		return 0;
	char *s = json_dumps(a, JSON_COMPACT);
	if (!s)
		return prov_fail(r, -1, "out of memory reading the answer");
	int rc = prov_blk_text(r, b, s, strlen(s), false);
	free(s);
	return rc;
}

/* One entry of tool_calls: a whole call (plain) or a piece of one (stream). */
static int oa_call(struct prov_reader *r, const json_t *c, size_t pos, bool stream)
{
	const json_t *ix = json_object_get(c, "index");
	long key = json_is_integer(ix) ? (long)json_integer_value(ix) : (long)pos;
	if (key < 0)
		key = (long)pos;
	size_t idn = 0, nn = 0;
	const char *id = prov_jstr(c, "id", &idn);
	const json_t *f = json_object_get(c, "function");
	const char *name = prov_jstr(f, "name", &nn);
	struct prov_blk *b = stream ? prov_blk_find(r, key) : NULL;
	/* A new id at an index that holds another call starts a new call, as
	 * some local servers reuse index 0 for every call. */
	if (b && id && idn && b->id && strcmp(b->id, id) != 0)
		b = NULL;
	if (!b && !(b = prov_blk_add(r, PROV_BLK_CALL, key)))
		return -1;
	if (id && idn && !b->id && prov_set(r, &b->id, id, idn))
		return -1;
	if (name && nn && !b->name && prov_set(r, &b->name, name, nn))
		return -1;
	return oa_args(r, b, json_object_get(f, "arguments"));
}

static void oa_usage(struct prov_reader *r, const json_t *u)
{
	if (!json_is_object(u))
		return;
	r->usage.input = prov_juint(u, "prompt_tokens");
	r->usage.output = prov_juint(u, "completion_tokens");
}

int prov_openai_event(struct prov_reader *r, const char *data, size_t n)
{
	if (r->done)
		return 0;
	if (n == 6 && memcmp(data, "[DONE]", 6) == 0) {
		r->done = true;
		return 0;
	}
	json_error_t je;
	json_t *doc = json_loadb(data, n, 0, &je);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return prov_fail(r, -1, "the stream holds malformed JSON: %s",
				 doc ? "not an object" : je.text);
	}
	int rc = 0;
	const json_t *e = json_object_get(doc, "error");
	if (e && !json_is_null(e)) {
		rc = prov_stream_error(r, e);
		goto out;
	}
	oa_usage(r, json_object_get(doc, "usage"));
	size_t i;
	const json_t *ch;
	json_array_foreach(json_object_get(doc, "choices"), i, ch) {
		const json_t *ix = json_object_get(ch, "index");
		/* One answer is asked for; other choices are not ours. */
		if (json_is_integer(ix) && json_integer_value(ix) != 0)
			continue;
		const json_t *d = json_object_get(ch, "delta");
		size_t len;
		const char *t = prov_jstr(d, "content", &len);
		if (t && (rc = oa_text(r, t, len)))
			goto out;
		if ((t = prov_jstr(d, "refusal", &len)) && (rc = oa_text(r, t, len)))
			goto out;
		size_t j;
		const json_t *c;
		json_array_foreach(json_object_get(d, "tool_calls"), j, c) {
			if ((rc = oa_call(r, c, j, true)))
				goto out;
		}
		const char *fr = prov_jstr(ch, "finish_reason", NULL);
		if (fr)
			prov_set_stop(r, fr);
	}
out:
	json_decref(doc);
	return rc;
}

int prov_openai_plain(struct prov_reader *r, const json_t *doc)
{
	const json_t *e = json_object_get(doc, "error");
	if (e && !json_is_null(e)) {
		prov_stream_error(r, e);
		r->failed = -1;
		return -1;
	}
	const json_t *ch = json_array_get(json_object_get(doc, "choices"), 0);
	if (!json_is_object(ch))
		return prov_fail(r, -1, "the answer has no 'choices'");
	const json_t *m = json_object_get(ch, "message");
	const json_t *c = json_object_get(m, "content");
	size_t len, i;
	const json_t *x;
	if (json_is_string(c)) {
		if (oa_text(r, json_string_value(c), json_string_length(c)))
			return -1;
	} else {
		/* Some servers answer with an array of text parts. */
		json_array_foreach(c, i, x) {
			const char *t = prov_jstr(x, "text", &len);
			if (t && oa_text(r, t, len))
				return -1;
		}
	}
	const char *t = prov_jstr(m, "refusal", &len);
	if (t && oa_text(r, t, len))
		return -1;
	json_array_foreach(json_object_get(m, "tool_calls"), i, x) {
		if (oa_call(r, x, i, false))
			return -1;
	}
	const char *fr = prov_jstr(ch, "finish_reason", NULL);
	if (fr)
		prov_set_stop(r, fr);
	oa_usage(r, json_object_get(doc, "usage"));
	return 0;
}

int prov_openai_complete(struct prov_reader *r)
{
	if (r->done)
		return 0;
	/* Some local servers end with a finish reason and no [DONE]. */
	if (r->kind == PROV_COMPAT && r->have_stop)
		return 0;
	return prov_fail(r, -1, "the stream ended early");
}

enum prov_stop prov_openai_stop(const char *raw)
{
	if (!*raw || strcmp(raw, "stop") == 0 || strcmp(raw, "tool_calls") == 0 ||
	    strcmp(raw, "function_call") == 0)
		return PROV_STOP_END;
	if (strcmp(raw, "length") == 0)
		return PROV_STOP_MAX_TOKENS;
	return PROV_STOP_OTHER;
}
