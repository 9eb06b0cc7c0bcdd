/*
 * prov.c - what the provider adapters share, and the dispatch to them:
 * names, the request (URL, headers, body), the reader that turns a plain or
 * streamed answer into one neutral assistant message, and error bodies.
 */
#include "prov.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jbuf.h"
#include "prov_impl.h"
#include "sse.h"

/* ---- names ---- */

static const char *const prov_names[] = {
	[PROV_OPENAI] = "openai",
	[PROV_ANTHROPIC] = "anthropic",
	[PROV_GEMINI] = "gemini",
	[PROV_COMPAT] = "openai-compatible",
};

const char *prov_name(enum prov_kind k)
{
	if ((unsigned)k >= sizeof prov_names / sizeof prov_names[0])
		return "unknown";
	return prov_names[k];
}

int prov_parse(const char *s, enum prov_kind *out)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < sizeof prov_names / sizeof prov_names[0]; i++)
		if (strcmp(s, prov_names[i]) == 0) {
			*out = (enum prov_kind)i;
			return 0;
		}
	return -1;
}

const char *prov_default_base(enum prov_kind k)
{
	switch (k) {
	case PROV_OPENAI:
		return "https://api.openai.com/v1";
	case PROV_ANTHROPIC:
		return "https://api.anthropic.com";
	case PROV_GEMINI:
		return "https://generativelanguage.googleapis.com";
	default:
		return NULL;
	}
}

/* ---- small helpers ---- */

int prov_buf_add(struct jbuf *b, const char *s, size_t n)
{
	jb_put(b, s, n);
	return b->failed ? -1 : 0;
}

const char *prov_jstr(const json_t *o, const char *key, size_t *len)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		return NULL;
	if (len)
		*len = json_string_length(v);
	return json_string_value(v);
}

uint64_t prov_juint(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_integer(v) && json_integer_value(v) > 0)
		return (uint64_t)json_integer_value(v);
	return 0;
}

int prov_setn(json_t *o, const char *key, const char *s, size_t n)
{
	/* Unchecked: the neutral messages were checked when they were made, and
	 * jb_text repairs any bad byte when the body is written. */
	return json_object_set_new(o, key, json_stringn_nocheck(s ? s : "", s ? n : 0));
}

int prov_sets(json_t *o, const char *key, const char *s)
{
	return prov_setn(o, key, s, s ? strlen(s) : 0);
}

/* ---- request building ---- */

static bool prov_block_ok(const char *role, const char *type)
{
	if (strcmp(role, "user") == 0)
		return strcmp(type, "text") == 0 || strcmp(type, "image") == 0;
	if (strcmp(role, "assistant") == 0)
		return strcmp(type, "text") == 0 || strcmp(type, "tool_call") == 0;
	return strcmp(type, "tool_result") == 0;
}

int prov_msg(const json_t *m, size_t i, const char **role, const json_t **content, char *err,
	     size_t errn)
{
	const char *r = prov_jstr(m, "role", NULL);
	if (!r || (strcmp(r, "user") != 0 && strcmp(r, "assistant") != 0 &&
		   strcmp(r, "tool") != 0)) {
		snprintf(err, errn, "message %zu has no valid 'role'", i + 1);
		return -1;
	}
	const json_t *c = json_object_get(m, "content");
	if (!json_is_array(c)) {
		snprintf(err, errn, "message %zu has no 'content' array", i + 1);
		return -1;
	}
	size_t j;
	const json_t *b;
	json_array_foreach(c, j, b) {
		const char *t = prov_jstr(b, "type", NULL);
		if (!t) {
			snprintf(err, errn, "message %zu has a block without a 'type'", i + 1);
			return -1;
		}
		if (!prov_block_ok(r, t)) {
			snprintf(err, errn, "message %zu (%s) cannot hold a '%.40s' block", i + 1, r,
				 t);
			return -1;
		}
		/* The members each adapter reads without further checks. */
		const char *need[3] = {NULL, NULL, NULL};
		if (strcmp(t, "text") == 0) {
			need[0] = "text";
		} else if (strcmp(t, "image") == 0) {
			need[0] = "media_type";
			need[1] = "data";
		} else if (strcmp(t, "tool_call") == 0) {
			need[0] = "id";
			need[1] = "name";
			need[2] = "arguments";
		} else {
			need[0] = "id";
			need[1] = "text";
		}
		for (int k = 0; k < 3 && need[k]; k++)
			if (!prov_jstr(b, need[k], NULL)) {
				snprintf(err, errn, "message %zu has a '%s' block without '%s'",
					 i + 1, t, need[k]);
				return -1;
			}
	}
	*role = r;
	*content = c;
	return 0;
}

char *prov_results_text(const json_t *content)
{
	struct jbuf b = {0};
	size_t j;
	const json_t *blk;
	bool ok = true;
	json_array_foreach(content, j, blk) {
		const char *name = prov_jstr(blk, "name", NULL);
		size_t n = 0;
		const char *text = prov_jstr(blk, "text", &n);
		bool error = json_is_true(json_object_get(blk, "is_error"));
		char head[200];
		snprintf(head, sizeof head, "%sTool '%.128s' %s:\n", j ? "\n\n" : "",
			 name ? name : "", error ? "failed" : "returned");
		ok = ok && prov_buf_add(&b, head, strlen(head)) == 0 &&
		     prov_buf_add(&b, text ? text : "", text ? n : 0) == 0;
	}
	if (!ok || !b.p) {
		jb_release(&b);
		return ok ? strdup("") : NULL;
	}
	return b.p;
}

json_t *prov_schema(const struct prov_tool *t, char *err, size_t errn)
{
	if (!t->schema)
		return json_pack("{s:s, s:{}}", "type", "object", "properties");
	json_error_t je;
	json_t *s = json_loads(t->schema, 0, &je);
	if (!json_is_object(s)) {
		json_decref(s);
		snprintf(err, errn, "tool '%.64s' has a schema that is not a JSON object",
			 t->name ? t->name : "");
		return NULL;
	}
	return s;
}

json_t *prov_decls(const struct prov_params *p, const char *schema_key, char *err, size_t errn)
{
	json_t *decls = json_array();
	for (size_t t = 0; decls && t < p->tool_count; t++) {
		json_t *schema = prov_schema(&p->tools[t], err, errn), *o = json_object();
		if (!schema || !o || json_array_append_new(decls, o) ||
		    prov_sets(o, "name", p->tools[t].name) ||
		    (p->tools[t].description && prov_sets(o, "description", p->tools[t].description)) ||
		    json_object_set_new(o, schema_key, schema)) {
			if (!schema || !o)
				json_decref(schema ? schema : o);
			json_decref(decls);
			return NULL;
		}
	}
	return decls;
}

json_t *prov_args_object(const char *s, size_t n)
{
	json_t *o = json_loadb(s, n, 0, NULL);
	if (json_is_object(o))
		return o;
	json_decref(o);
	return json_object();
}

int prov_push_merged(json_t *msgs, json_t *m, const char *key)
{
	if (!m)
		return -1;
	json_t *c = json_object_get(m, key);
	if (json_array_size(c) == 0) {
		/* Nothing left after mapping (a text-mode call): drop it. */
		json_decref(m);
		return 0;
	}
	size_t n = json_array_size(msgs);
	json_t *last = n ? json_array_get(msgs, n - 1) : NULL;
	const char *role = prov_jstr(m, "role", NULL);
	const char *lrole = last ? prov_jstr(last, "role", NULL) : NULL;
	if (role && lrole && strcmp(role, lrole) == 0) {
		int rc = json_array_extend(json_object_get(last, key), c);
		json_decref(m);
		return rc;
	}
	return json_array_append_new(msgs, m);
}

static char *prov_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *prov_strf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* The model's name as a path segment: unreserved bytes kept, others %XX. */
static char *prov_model_path(const char *model)
{
	if (strncmp(model, "models/", 7) == 0)
		model += 7;
	size_t n = strlen(model);
	char *s = malloc(n * 3 + 1), *o = s;
	if (!s)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)model; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			*o++ = (char)*p;
		} else {
			o += sprintf(o, "%%%02X", *p);
		}
	}
	*o = '\0';
	return s;
}

static bool prov_header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

void prov_request_release(struct prov_request *r)
{
	if (!r)
		return;
	free(r->url);
	if (r->headers)
		for (char **h = r->headers; *h; h++)
			free(*h);
	free(r->headers);
	free(r->body);
	memset(r, 0, sizeof *r);
}

int prov_build(const struct prov_params *p, struct prov_request *out, char *err, size_t errn)
{
	memset(out, 0, sizeof *out);
	if (!p->model || !*p->model) {
		snprintf(err, errn, "no model is set");
		return -1;
	}
	if (p->messages && !json_is_array(p->messages)) {
		snprintf(err, errn, "the conversation is not a JSON array");
		return -1;
	}
	if (p->api_key && !prov_header_safe(p->api_key)) {
		snprintf(err, errn, "the API key holds a control character");
		return -1;
	}
	const char *base = p->base_url ? p->base_url : prov_default_base(p->kind);
	if (!base || !*base) {
		snprintf(err, errn, "provider '%s' needs a base URL", prov_name(p->kind));
		return -1;
	}
	int blen = (int)strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;

	err[0] = '\0';
	json_t *body = NULL;
	const char *key = p->api_key && *p->api_key ? p->api_key : NULL;
	char *h[3] = {NULL, NULL, NULL};
	int nh = 0;
	bool oom = false;
	switch (p->kind) {
	case PROV_OPENAI:
	case PROV_COMPAT:
		body = prov_openai_body(p, err, errn);
		out->url = prov_strf("%.*s/chat/completions", blen, base);
		if (key)
			oom |= !(h[nh++] = prov_strf("Authorization: Bearer %s", key));
		break;
	case PROV_ANTHROPIC:
		body = prov_anthropic_body(p, err, errn);
		out->url = prov_strf("%.*s/v1/messages", blen, base);
		if (key)
			oom |= !(h[nh++] = prov_strf("x-api-key: %s", key));
		oom |= !(h[nh++] = strdup("anthropic-version: 2023-06-01"));
		break;
	case PROV_GEMINI: {
		body = prov_gemini_body(p, err, errn);
		char *m = prov_model_path(p->model);
		if (m)
			out->url = prov_strf("%.*s/v1beta/models/%s:%s", blen, base, m,
					     p->stream ? "streamGenerateContent?alt=sse"
						       : "generateContent");
		free(m);
		if (key)
			oom |= !(h[nh++] = prov_strf("x-goog-api-key: %s", key));
		break;
	}
	default:
		snprintf(err, errn, "unknown provider %d", (int)p->kind);
		return -1;
	}
	out->headers = calloc((size_t)nh + 1, sizeof *out->headers);
	if (out->headers)
		memcpy(out->headers, h, (size_t)nh * sizeof *h);
	else
		for (int i = 0; i < nh; i++)
			free(h[i]);
	bool built = body != NULL;
	if (body) {
		struct jbuf b = {0};
		jb_json(&b, body);
		json_decref(body);
		out->body = jb_take(&b, NULL);
	}
	if (!built || oom || !out->url || !out->headers || !out->body) {
		if (built || !err[0])
			snprintf(err, errn, "out of memory building the request");
		prov_request_release(out);
		return -1;
	}
	out->body_len = strlen(out->body);
	return 0;
}

/* ---- the reader ---- */

int prov_fail(struct prov_reader *r, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
	r->failed = code;
	return code;
}

struct prov_blk *prov_blk_add(struct prov_reader *r, enum prov_blk_kind kind, long key)
{
	if (r->nblk == r->capblk) {
		size_t cap = r->capblk ? r->capblk * 2 : 8;
		struct prov_blk *b = realloc(r->blk, cap * sizeof *b);
		if (!b) {
			prov_fail(r, -1, "out of memory reading the answer");
			return NULL;
		}
		r->blk = b;
		r->capblk = cap;
	}
	struct prov_blk *b = &r->blk[r->nblk++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->key = key;
	return b;
}

struct prov_blk *prov_blk_find(struct prov_reader *r, long key)
{
	for (size_t i = r->nblk; i-- > 0;)
		if (r->blk[i].key == key)
			return &r->blk[i];
	return NULL;
}

int prov_blk_text(struct prov_reader *r, struct prov_blk *b, const char *s, size_t n, bool show)
{
	if (n > PROV_MAX_TEXT - r->total)
		return prov_fail(r, -1, "the answer is over %d MiB", PROV_MAX_TEXT >> 20);
	if (prov_buf_add(&b->text, s, n))
		return prov_fail(r, -1, "out of memory reading the answer");
	r->total += n;
	if (show && n && r->stream && b->kind == PROV_BLK_TEXT) {
		r->shown = true;
		if (r->cb)
			r->cb(r->ud, s, n);
	}
	return 0;
}

int prov_set(struct prov_reader *r, char **dst, const char *s, size_t n)
{
	char *c = malloc(n + 1);
	if (!c)
		return prov_fail(r, -1, "out of memory reading the answer");
	memcpy(c, s, n);
	c[n] = '\0';
	free(*dst);
	*dst = c;
	return 0;
}

int prov_synth_id(struct prov_reader *r, struct prov_blk *b)
{
	char id[32];
	snprintf(id, sizeof id, "call_%u", ++r->calls);
	b->synthetic = true;
	return prov_set(r, &b->id, id, strlen(id));
}

void prov_set_stop(struct prov_reader *r, const char *raw)
{
	snprintf(r->stop_raw, sizeof r->stop_raw, "%s", raw);
	r->have_stop = true;
}

/* Cut a multibyte UTF-8 sequence that a size limit left unfinished. */
static void prov_utf8_trim(char *s)
{
	size_t n = strlen(s), k = n;
	while (k > 0 && n - k < 4 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	if (k == 0)
		return;
	unsigned char lead = (unsigned char)s[k - 1];
	size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (need > 1 && n - (k - 1) < need)
		s[k - 1] = '\0';
}

/* Control bytes (a newline in a provider's message) become spaces so the
 * message stays one line; at most outn - 1 bytes. */
static void prov_clean(char *out, size_t outn, const char *s, size_t n)
{
	if (!outn)
		return;
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < outn; i++) {
		unsigned char c = (unsigned char)s[i];
		out[o++] = (char)(c < 0x20 || c == 0x7f ? ' ' : c);
	}
	out[o] = '\0';
	if (o < n)
		prov_utf8_trim(out);
}

int prov_stream_error(struct prov_reader *r, const json_t *error)
{
	int code = 500;
	const json_t *c = json_object_get(error, "code");
	long v = -1;
	if (json_is_integer(c))
		v = (long)json_integer_value(c);
	else if (json_is_string(c) && strlen(json_string_value(c)) == 3 &&
		 strspn(json_string_value(c), "0123456789") == 3)
		v = strtol(json_string_value(c), NULL, 10);
	if (v >= 400 && v <= 599)
		code = (int)v;
	size_t n = 0;
	const char *msg = prov_jstr(error, "message", &n);
	if (!msg && json_is_string(error))
		msg = json_string_value(error), n = json_string_length(error);
	if (msg && n) {
		prov_clean(r->err, sizeof r->err, msg, n);
		r->failed = code;
		return code;
	}
	return prov_fail(r, code, "the stream carried an error");
}

static int prov_on_event(void *ud, const struct sse_event *ev)
{
	struct prov_reader *r = ud;
	if (ev->data_len == 0)
		return 0;
	int rc;
	switch (r->kind) {
	case PROV_ANTHROPIC:
		rc = prov_anthropic_event(r, ev->type, ev->data, ev->data_len);
		break;
	case PROV_GEMINI:
		rc = prov_gemini_event(r, ev->data, ev->data_len);
		break;
	default:
		rc = prov_openai_event(r, ev->data, ev->data_len);
		break;
	}
	if (rc && !r->failed)
		r->failed = rc;
	return rc;
}

struct prov_reader *prov_reader_new(enum prov_kind k, bool stream, prov_text_cb cb, void *ud)
{
	struct prov_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->kind = k;
	r->stream = stream;
	r->cb = cb;
	r->ud = ud;
	sse_init(&r->sse, prov_on_event, r);
	return r;
}

static void prov_blocks_release(struct prov_reader *r)
{
	for (size_t i = 0; i < r->nblk; i++) {
		jb_release(&r->blk[i].text);
		free(r->blk[i].id);
		free(r->blk[i].name);
		free(r->blk[i].sig);
	}
	r->nblk = 0;
}

void prov_reader_reset(struct prov_reader *r)
{
	if (!r)
		return;
	prov_blocks_release(r);
	sse_reset(&r->sse);
	r->body.len = 0;
	if (r->body.p)
		r->body.p[0] = '\0';
	memset(&r->usage, 0, sizeof r->usage);
	r->stop_raw[0] = '\0';
	r->have_stop = r->done = r->shown = false;
	r->failed = 0;
	r->total = 0;
	r->calls = 0;
	r->err[0] = '\0';
}

void prov_reader_free(struct prov_reader *r)
{
	if (!r)
		return;
	prov_blocks_release(r);
	free(r->blk);
	sse_release(&r->sse);
	jb_release(&r->body);
	free(r);
}

int prov_reader_feed(struct prov_reader *r, const char *p, size_t n)
{
	if (r->failed)
		return r->failed;
	if (!r->stream) {
		if (n > PROV_MAX_TEXT - r->body.len)
			return prov_fail(r, -1, "the answer is over %d MiB", PROV_MAX_TEXT >> 20);
		if (prov_buf_add(&r->body, p, n))
			return prov_fail(r, -1, "out of memory reading the answer");
		return 0;
	}
	int rc = sse_feed(&r->sse, p, n);
	if (rc && !r->failed)
		prov_fail(r, rc < 0 ? -1 : rc, "the event stream is malformed or too large");
	return r->failed;
}

bool prov_reader_shown(const struct prov_reader *r)
{
	return r->shown;
}

const char *prov_reader_error(const struct prov_reader *r)
{
	return r->err;
}

void prov_reply_release(struct prov_reply *rep)
{
	if (!rep)
		return;
	json_decref(rep->message);
	rep->message = NULL;
}

static int prov_plain(struct prov_reader *r)
{
	json_error_t je;
	json_t *doc = json_loadb(r->body.p ? r->body.p : "", r->body.len, 0, &je);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return prov_fail(r, -1, "the answer is not a JSON object: %s",
				 doc ? "another value" : je.text);
	}
	int rc;
	switch (r->kind) {
	case PROV_ANTHROPIC:
		rc = prov_anthropic_plain(r, doc);
		break;
	case PROV_GEMINI:
		rc = prov_gemini_plain(r, doc);
		break;
	default:
		rc = prov_openai_plain(r, doc);
		break;
	}
	json_decref(doc);
	return rc;
}

/* One reply block as a neutral block; NULL when it is not kept. */
static json_t *prov_block_json(struct prov_reader *r, struct prov_blk *b, int *bad)
{
	json_t *o = NULL;
	if (b->kind == PROV_BLK_TEXT) {
		if (!b->text.len && !b->sig)
			return NULL;
		o = json_object();
		*bad |= !o || prov_sets(o, "type", "text") ||
			prov_setn(o, "text", b->text.p, b->text.len) ||
			(b->sig && prov_sets(o, "signature", b->sig));
	} else if (b->kind == PROV_BLK_CALL) {
		if (!b->id && prov_synth_id(r, b)) {
			*bad = 1;
			return NULL;
		}
		o = json_object();
		/* No arguments at all means no parameters given. */
		*bad |= !o || prov_sets(o, "type", "tool_call") || prov_sets(o, "id", b->id) ||
			prov_sets(o, "name", b->name ? b->name : "") ||
			(b->text.len ? prov_setn(o, "arguments", b->text.p, b->text.len)
				     : prov_sets(o, "arguments", "{}")) ||
			(b->sig && prov_sets(o, "signature", b->sig)) ||
			(b->synthetic && json_object_set_new(o, "synthetic_id", json_true()));
	}
	return o;
}

int prov_reader_finish(struct prov_reader *r, struct prov_reply *out)
{
	memset(out, 0, sizeof *out);
	if (r->failed)
		return -1;
	int rc;
	if (!r->stream) {
		rc = prov_plain(r);
	} else {
		switch (r->kind) {
		case PROV_ANTHROPIC:
			rc = prov_anthropic_complete(r);
			break;
		case PROV_GEMINI:
			rc = prov_gemini_complete(r);
			break;
		default:
			rc = prov_openai_complete(r);
			break;
		}
		if (rc && !r->failed)
			prov_fail(r, -1, "the stream ended early");
	}
	if (rc)
		return -1;

	json_t *content = json_array();
	int bad = !content;
	bool calls = false;
	for (size_t i = 0; i < r->nblk && !bad; i++) {
		json_t *b = prov_block_json(r, &r->blk[i], &bad);
		if (b)
			bad |= json_array_append_new(content, b);
		calls |= r->blk[i].kind == PROV_BLK_CALL;
	}
	json_t *m = bad ? NULL : json_pack("{s:s, s:o}", "role", "assistant", "content", content);
	if (!m) {
		if (bad)
			json_decref(content);
		return prov_fail(r, -1, "out of memory building the reply");
	}
	out->message = m;
	out->usage = r->usage;
	snprintf(out->stop_raw, sizeof out->stop_raw, "%s", r->stop_raw);
	if (calls)
		out->stop = PROV_STOP_TOOLS;
	else if (r->kind == PROV_ANTHROPIC)
		out->stop = prov_anthropic_stop(r->stop_raw);
	else if (r->kind == PROV_GEMINI)
		out->stop = prov_gemini_stop(r->stop_raw);
	else
		out->stop = prov_openai_stop(r->stop_raw);
	return 0;
}

/* ---- error answers ---- */

/* The error object of a body: {"error":{...}}, or the first element of an
 * array of them (Gemini's streaming endpoint answers that way). */
static json_t *prov_error_doc(const char *body, size_t n, const json_t **error)
{
	*error = NULL;
	if (!body || !n)
		return NULL;
	json_t *doc = json_loadb(body, n, 0, NULL);
	const json_t *d = doc;
	if (json_is_array(d))
		d = json_array_get(d, 0);
	const json_t *e = json_object_get(d, "error");
	if (json_is_object(e))
		*error = e;
	return doc;
}

void prov_error_message(enum prov_kind k, long status, const char *body, size_t n, char *out,
			size_t outn)
{
	if (!outn)
		return;
	const json_t *e;
	json_t *doc = prov_error_doc(body, n, &e);
	size_t mlen = 0;
	const char *msg = e ? prov_jstr(e, "message", &mlen) : NULL;
	char text[400];
	text[0] = '\0';
	if (msg && mlen) {
		prov_clean(text, sizeof text, msg, mlen);
	} else if (body && n) {
		/* The raw body's first printable bytes, spaces collapsed. */
		size_t o = 0;
		bool space = false;
		for (size_t i = 0; i < n && o < 200; i++) {
			unsigned char c = (unsigned char)body[i];
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
				space = o > 0;
				continue;
			}
			if (c < 0x21 || c > 0x7e)
				continue;
			if (space && o < 199)
				text[o++] = ' ';
			space = false;
			text[o++] = (char)c;
		}
		text[o] = '\0';
	}
	json_decref(doc);
	int w;
	if (text[0])
		w = snprintf(out, outn, "%s answered %ld: %s", prov_name(k), status, text);
	else
		w = snprintf(out, outn, "%s answered %ld", prov_name(k), status);
	if (w >= 0 && (size_t)w >= outn)
		prov_utf8_trim(out);
}

static bool prov_contains_ci(const char *s, const char *needle)
{
	size_t nl = strlen(needle);
	for (; *s; s++) {
		size_t i = 0;
		while (i < nl && s[i] && (s[i] | 0x20) == (needle[i] | 0x20))
			i++;
		if (i == nl)
			return true;
	}
	return false;
}

bool prov_no_retry(enum prov_kind k, long status, const char *body, size_t n)
{
	if (k != PROV_GEMINI || status != 429)
		return false;
	const json_t *e;
	json_t *doc = prov_error_doc(body, n, &e);
	const char *st = e ? prov_jstr(e, "status", NULL) : NULL;
	bool day = false;
	if (st && strcmp(st, "RESOURCE_EXHAUSTED") == 0) {
		const char *msg = prov_jstr(e, "message", NULL);
		day = msg && prov_contains_ci(msg, "per day");
		size_t i, j;
		const json_t *d, *v;
		json_array_foreach(json_object_get(e, "details"), i, d) {
			json_array_foreach(json_object_get(d, "violations"), j, v) {
				const char *q = prov_jstr(v, "quotaId", NULL);
				day |= q && strstr(q, "PerDay") != NULL;
			}
		}
	}
	json_decref(doc);
	return day;
}
