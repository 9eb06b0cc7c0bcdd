/*
 * prov_gemini.c - Gemini generateContent. Calls may come without ids (one
 * is made up and marked synthetic, and never sent back), and thought
 * signatures must go back verbatim on the parts that carried them.
 */
#include <stdlib.h>
#include <string.h>

#include "prov_impl.h"

/* ---- the request ---- */

static int ge_text(json_t *parts, const char *t, size_t len, const char *sig)
{
	if (!len && !sig)
		return 0;
	json_t *o = json_object();
	return !o || json_array_append_new(parts, o) || prov_setn(o, "text", t, len) ||
	       (sig && prov_sets(o, "thoughtSignature", sig));
}

/* Whether the result for call `id` may name it: not when the id was made up
 * here. The call is in the latest assistant message before message `upto`. */
static bool ge_real_id(const json_t *msgs, size_t upto, const char *id)
{
	for (size_t i = upto; i-- > 0;) {
		const json_t *m = json_array_get(msgs, i);
		const char *role = prov_jstr(m, "role", NULL);
		if (!role || strcmp(role, "assistant") != 0)
			continue;
		size_t j;
		const json_t *b;
		json_array_foreach(json_object_get(m, "content"), j, b) {
			const char *cid = prov_jstr(b, "id", NULL);
			const char *type = prov_jstr(b, "type", NULL);
			if (type && strcmp(type, "tool_call") == 0 && cid && strcmp(cid, id) == 0)
				return !json_is_true(json_object_get(b, "synthetic_id"));
		}
		break;
	}
	return *id != '\0';
}

static int ge_part(json_t *parts, const json_t *b, const json_t *msgs, size_t mi, bool text_mode)
{
	const char *type = prov_jstr(b, "type", NULL);
	const char *sig = prov_jstr(b, "signature", NULL);
	size_t len;
	const char *t;
	json_t *o, *x;
	if (strcmp(type, "text") == 0) {
		t = prov_jstr(b, "text", &len);
		return ge_text(parts, t, len, sig);
	}
	if (strcmp(type, "image") == 0) {
		t = prov_jstr(b, "data", &len);
		o = json_object();
		x = json_object();
		int bad = !o || !x || json_array_append_new(parts, o) ||
			  json_object_set(o, "inlineData", x) ||
			  prov_sets(x, "mimeType", prov_jstr(b, "media_type", NULL)) ||
			  prov_setn(x, "data", t, len);
		json_decref(x);
		return bad;
	}
	if (strcmp(type, "tool_call") == 0) {
		if (text_mode)
			return 0;
		t = prov_jstr(b, "arguments", &len);
		o = json_object();
		x = json_object();
		int bad = !o || !x || json_array_append_new(parts, o) ||
			  json_object_set(o, "functionCall", x) ||
			  prov_sets(x, "name", prov_jstr(b, "name", NULL)) ||
			  json_object_set_new(x, "args", prov_args_object(t, len)) ||
			  (!json_is_true(json_object_get(b, "synthetic_id")) &&
			   prov_sets(x, "id", prov_jstr(b, "id", NULL))) ||
			  (sig && prov_sets(o, "thoughtSignature", sig));
		json_decref(x);
		return bad;
	}
	/* A tool_result. */
	const char *id = prov_jstr(b, "id", NULL);
	t = prov_jstr(b, "text", &len);
	o = json_object();
	x = json_object();
	json_t *resp = json_object();
	int bad = !o || !x || !resp || json_array_append_new(parts, o) ||
		  json_object_set(o, "functionResponse", x) ||
		  prov_sets(x, "name", prov_jstr(b, "name", NULL)) ||
		  (ge_real_id(msgs, mi, id) && prov_sets(x, "id", id)) ||
		  json_object_set(x, "response", resp) ||
		  prov_setn(resp, json_is_true(json_object_get(b, "is_error")) ? "error" : "result",
			    t, len);
	json_decref(x);
	json_decref(resp);
	return bad;
}

json_t *prov_gemini_body(const struct prov_params *p, char *err, size_t errn)
{
	json_t *body = json_object(), *msgs = json_array();
	if (!body || !msgs)
		goto fail;
	if (p->system && *p->system &&
	    json_object_set_new(body, "systemInstruction",
				json_pack("{s:[{s:s}]}", "parts", "text", p->system)))
		goto fail;
	if (json_object_set(body, "contents", msgs))
		goto fail;
	size_t i;
	const json_t *msg;
	json_array_foreach(p->messages, i, msg) {
		const char *role;
		const json_t *content;
		if (prov_msg(msg, i, &role, &content, err, errn))
			goto fail;
		json_t *parts = json_array();
		json_t *m = json_pack("{s:s, s:o}", "role",
				      strcmp(role, "assistant") == 0 ? "model" : "user", "parts",
				      parts);
		if (!m)
			goto fail;
		if (strcmp(role, "tool") == 0 && p->text_mode) {
			char *t = prov_results_text(content);
			int bad = !t || ge_text(parts, t, strlen(t), NULL);
			free(t);
			if (bad) {
				json_decref(m);
				goto fail;
			}
		} else {
			size_t j;
			const json_t *b;
			json_array_foreach(content, j, b) {
				if (ge_part(parts, b, p->messages, i, p->text_mode)) {
					json_decref(m);
					goto fail;
				}
			}
		}
		if (prov_push_merged(msgs, m, "parts"))
			goto fail;
	}
	if (p->tool_count && !p->text_mode) {
		json_t *decls = prov_decls(p, "parametersJsonSchema", err, errn);
		if (!decls || json_object_set_new(body, "tools", json_pack("[{s:o}]", "functionDeclarations",
									  decls)))
			goto fail;
	}
	if (p->max_tokens &&
	    json_object_set_new(body, "generationConfig",
				json_pack("{s:I}", "maxOutputTokens", (json_int_t)p->max_tokens)))
		goto fail;
	json_decref(msgs);
	return body;
fail:
	json_decref(msgs);
	json_decref(body);
	return NULL;
}

/* ---- the answer ---- */

static int ge_text_part(struct prov_reader *r, const json_t *part)
{
	size_t len = 0, sn = 0;
	const char *t = prov_jstr(part, "text", &len);
	const char *sig = prov_jstr(part, "thoughtSignature", &sn);
	struct prov_blk *b = r->nblk ? &r->blk[r->nblk - 1] : NULL;
	/* Pieces of one text merge; a signature closes the text it ends. */
	if (!b || b->kind != PROV_BLK_TEXT || b->sig)
		if (!(b = prov_blk_add(r, PROV_BLK_TEXT, -1)))
			return -1;
	if (t && prov_blk_text(r, b, t, len, true))
		return -1;
	return sig ? prov_set(r, &b->sig, sig, sn) : 0;
}

static int ge_call(struct prov_reader *r, const json_t *part)
{
	const json_t *fc = json_object_get(part, "functionCall");
	struct prov_blk *b = prov_blk_add(r, PROV_BLK_CALL, -1);
	if (!b)
		return -1;
	size_t len;
	const char *s = prov_jstr(fc, "name", &len);
	if (s && prov_set(r, &b->name, s, len))
		return -1;
	s = prov_jstr(fc, "id", &len);
	if (s && len ? prov_set(r, &b->id, s, len) : prov_synth_id(r, b))
		return -1;
	if ((s = prov_jstr(part, "thoughtSignature", &len)) && prov_set(r, &b->sig, s, len))
		return -1;
	const json_t *args = json_object_get(fc, "args");
	if (!args || json_is_null(args))
		return 0;
	char *a = json_dumps(args, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!a)
		return prov_fail(r, -1, "out of memory reading the answer");
	int rc = prov_blk_text(r, b, a, strlen(a), false);
	free(a);
	return rc;
}

/* One GenerateContentResponse: a whole plain answer or a stream's chunk. */
static int ge_chunk(struct prov_reader *r, const json_t *doc)
{
	const json_t *cand = json_array_get(json_object_get(doc, "candidates"), 0);
	size_t i;
	const json_t *part;
	json_array_foreach(json_object_get(json_object_get(cand, "content"), "parts"), i, part) {
		if (json_is_true(json_object_get(part, "thought")))
			continue;
		int rc = 0;
		if (json_is_object(json_object_get(part, "functionCall")))
			rc = ge_call(r, part);
		else if (json_object_get(part, "text") || json_object_get(part, "thoughtSignature"))
			rc = ge_text_part(r, part);
		if (rc)
			return rc;
	}
	const char *fr = prov_jstr(cand, "finishReason", NULL);
	if (fr)
		prov_set_stop(r, fr);
	/* A prompt refused outright has no candidates, only the reason. */
	const char *block = prov_jstr(json_object_get(doc, "promptFeedback"), "blockReason", NULL);
	if (block && !cand)
		prov_set_stop(r, block);
	const json_t *u = json_object_get(doc, "usageMetadata");
	if (json_is_object(u)) {
		r->usage.input = prov_juint(u, "promptTokenCount");
		r->usage.output = prov_juint(u, "candidatesTokenCount");
	}
	return 0;
}

int prov_gemini_event(struct prov_reader *r, const char *data, size_t n)
{
	json_error_t je;
	json_t *doc = json_loadb(data, n, 0, &je);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return prov_fail(r, -1, "the stream holds malformed JSON: %s",
				 doc ? "not an object" : je.text);
	}
	const json_t *e = json_object_get(doc, "error");
	int rc = json_is_object(e) ? prov_stream_error(r, e) : ge_chunk(r, doc);
	json_decref(doc);
	return rc;
}

int prov_gemini_plain(struct prov_reader *r, const json_t *doc)
{
	const json_t *e = json_object_get(doc, "error");
	if (json_is_object(e)) {
		prov_stream_error(r, e);
		r->failed = -1;
		return -1;
	}
	if (!json_is_array(json_object_get(doc, "candidates")) &&
	    !json_is_object(json_object_get(doc, "promptFeedback")))
		return prov_fail(r, -1, "the answer has no 'candidates'");
	return ge_chunk(r, doc);
}

int prov_gemini_complete(struct prov_reader *r)
{
	return r->have_stop ? 0 : prov_fail(r, -1, "the stream ended early");
}

enum prov_stop prov_gemini_stop(const char *raw)
{
	if (!*raw || strcmp(raw, "STOP") == 0)
		return PROV_STOP_END;
	if (strcmp(raw, "MAX_TOKENS") == 0)
		return PROV_STOP_MAX_TOKENS;
	return PROV_STOP_OTHER;
}
