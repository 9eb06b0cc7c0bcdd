/*
 * callback.c - the Skillz callback protocol (callback.h): read the tool's
 * messages line by line as they come, answer what can be answered here
 * (memory, the skill's files), hand the rest to the host, and keep the
 * verdict.
 */
#include "callback.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "builtin.h"
#include "jbuf.h"
#include "memory.h"
#include "table.h"
#include "text.h"

enum {
	CB_RESULT_GRACE_MS = 1000,  /* after its result, the tool's time to exit */
	CB_SHOW = 80                /* bytes of a bad line quoted in an error */
};

struct cb_req {
	json_t *id; /* the tool's request id; NULL: the slot is free */
	unsigned serial;
};

struct cb_call {
	const struct skc_table *t;
	const struct skc_tool *tool;
	struct inv_call *inv;
	struct cb_host host;
	struct cb_call *parent;
	void *tag;
	unsigned depth;
	json_t *result;   /* the execute result, once sent */
	char *error;      /* the tool's error response, or why the protocol broke */
	bool done;        /* the execute response arrived */
	bool broke;       /* ended for breaking the protocol: error says how */
	struct jbuf chunks; /* stream data, the result of a tool that sends none */
	unsigned messages, lines;
	uint64_t done_ms;
	struct cb_req reqs[CB_MAX_PENDING];
	unsigned serial;
};

static uint64_t cb_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- answers ---- */

static void cb_fail(struct cb_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cb_fail(struct cb_call *c, const char *fmt, ...)
{
	if (c->broke)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	free(c->error);
	c->error = strdup(msg);
	c->broke = true;
	rx_kill(c->inv->proc);
}

/* One answer line to the tool; a tool that does not read them is stopped. */
static void cb_send(struct cb_call *c, const json_t *id, json_t *result, const char *error,
		    int code)
{
	if (c->broke || c->done)
		return;
	json_t *m = json_pack("{s:s,s:O}", "jsonrpc", "2.0", "id", id);
	if (!m)
		return;
	if (result)
		json_object_set(m, "result", result);
	else
		json_object_set_new(m, "error", json_pack("{s:i,s:s}", "code", code, "message",
							   error ? error : "failed"));
	char *s = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	if (!s)
		return;
	size_t n = strlen(s);
	s[n] = '\n'; /* over the NUL: sent with its length */
	/* EPIPE: it is gone or closed stdin, which its exit status will tell. */
	if (rx_send(c->inv->proc, s, n + 1) != 0 && errno == ENOBUFS)
		cb_fail(c, "stopped reading the answers to its requests");
	free(s);
}

void cb_answer(struct cb_call *c, unsigned req, json_t *result, const char *error)
{
	for (size_t i = 0; i < CB_MAX_PENDING; i++) {
		struct cb_req *r = &c->reqs[i];
		if (r->id && r->serial == req) {
			cb_send(c, r->id, result, error, -32000);
			json_decref(r->id);
			r->id = NULL;
			return;
		}
	}
}

/* ---- what is answered here ---- */

static json_t *cb_memory(struct cb_call *c, const char *method, json_t *params, char *err,
			 size_t errn)
{
	return mem_serve(c->t, skc_str(c->t, c->t->skills[c->tool->skill].name), method, params,
			 err, errn);
}

/* The tool's own skill's files, as MCP resources. */
static json_t *cb_resources(struct cb_call *c, const char *method, json_t *params, char *err,
			    size_t errn)
{
	const struct skc_table *t = c->t;
	const struct skc_skill *own = &t->skills[c->tool->skill];
	if (!strcmp(method, "resources/list")) {
		json_t *list = json_array();
		for (uint32_t i = 0; i < own->file_count; i++) {
			const struct skc_file *f = &t->files[own->file_first + i];
			char uri[1024];
			bi_resource_uri(uri, sizeof uri, skc_str(t, own->name), skc_str(t, f->path));
			json_array_append_new(list, json_pack("{s:s,s:s,s:I}", "uri", uri, "name",
							      skc_str(t, f->path), "size",
							      (json_int_t)f->size));
		}
		return json_pack("{s:o}", "resources", list);
	}
	const char *uri = json_string_value(json_object_get(params, "uri"));
	const struct skc_skill *s = NULL;
	const struct skc_file *f = uri ? bi_resource_file(t, uri, &s) : NULL;
	if (!uri) {
		snprintf(err, errn, "resources/read needs 'uri', a string");
		return NULL;
	}
	if (!f || s != own) {
		snprintf(err, errn, "resource not found: '%.300s' (a tool reads its own skill's files)",
			 uri);
		return NULL;
	}
	const unsigned char *data = t->data + f->data_off;
	size_t n = (size_t)f->size;
	json_t *o = json_pack("{s:s}", "uri", uri);
	/* jansson takes valid UTF-8 only: that is what reads as text. */
	json_t *text = memchr(data, 0, n) ? NULL : json_stringn((const char *)data, n);
	json_object_set_new(o, "mimeType", json_string(bi_mime_type(skc_str(t, f->path), text != NULL)));
	if (text) {
		json_object_set_new(o, "text", text);
	} else {
		char *b = txt_base64(data, n);
		json_object_set_new(o, "blob", json_string(b ? b : ""));
		free(b);
	}
	return json_pack("{s:[o]}", "contents", o);
}

/* ---- messages ---- */

static const char *const cb_levels[] = {"debug", "info",     "notice", "warning",
					"error", "critical", "alert",  "emergency"};

static void cb_notification(struct cb_call *c, const char *method, json_t *params)
{
	const struct cb_host *h = &c->host;
	if (!strcmp(method, "log") || !strcmp(method, "logging/message")) {
		const char *want = json_string_value(json_object_get(params, "level")), *level = "info";
		for (size_t i = 0; want && i < sizeof cb_levels / sizeof *cb_levels; i++)
			if (!strcmp(want, cb_levels[i]))
				level = cb_levels[i];
		if (!strcmp(want ? want : "", "warn"))
			level = "warning";
		json_t *data = json_object();
		json_t *msg = json_object_get(params, "message"), *d = json_object_get(params, "data");
		if (msg)
			json_object_set(data, "message", msg);
		if (d)
			json_object_set(data, "data", d);
		if (h->log)
			h->log(h->ud, c, level, data);
		json_decref(data);
	} else if (!strcmp(method, "progress") || !strcmp(method, "notifications/progress")) {
		/* Skillz says current/total; MCP says progress/total. */
		json_t *cur = json_object_get(params, "current");
		if (!json_is_number(cur))
			cur = json_object_get(params, "progress");
		json_t *total = json_object_get(params, "total");
		json_t *msg = json_object_get(params, "message");
		json_t *p = json_object();
		json_object_set_new(p, "progress", json_real(json_is_number(cur) ? json_number_value(cur) : 0));
		if (json_is_number(total) && json_number_value(total) > 0)
			json_object_set_new(p, "total", json_real(json_number_value(total)));
		if (json_is_string(msg))
			json_object_set(p, "message", msg);
		if (h->progress)
			h->progress(h->ud, c, p);
		json_decref(p);
	} else if (!strcmp(method, "stream") || !strcmp(method, "stream/chunk")) {
		json_t *data = json_object_get(params, "data");
		if (json_is_string(data)) {
			jb_put(&c->chunks, json_string_value(data), json_string_length(data));
		} else if (data) {
			char *s = json_dumps(data, JSON_COMPACT | JSON_ENCODE_ANY);
			if (s)
				jb_str(&c->chunks, s);
			free(s);
		}
		if (h->chunk)
			h->chunk(h->ud, c, params);
	}
	/* Other notifications mean nothing here; they are let pass. */
}

static void cb_request(struct cb_call *c, json_t *id, const char *method, json_t *params)
{
	char err[512] = "";
	json_t *res = NULL;
	if (!strncmp(method, "memory/", 7)) {
		res = cb_memory(c, method, params, err, sizeof err);
	} else if (!strcmp(method, "resources/list") || !strcmp(method, "resources/read")) {
		res = cb_resources(c, method, params, err, sizeof err);
	} else if (!strcmp(method, "elicitation/create") || !strcmp(method, "sampling/createMessage") ||
		   !strcmp(method, "tools/call")) {
		bool elicit = method[0] == 'e', sample = method[0] == 's';
		if (elicit && !c->host.elicitation) {
			/* As Skillz answers: the user was not asked. */
			json_t *decline = json_pack("{s:s,s:s}", "action", "decline", "reason",
						    "the client cannot ask the user");
			cb_send(c, id, decline, NULL, 0);
			json_decref(decline);
			return;
		}
		if ((sample && !c->host.sampling) || !c->host.request) {
			snprintf(err, sizeof err, "%s is not available here%s", method,
				 sample ? ": the client cannot sample a model" : "");
		} else if (!strcmp(method, "tools/call") &&
			   !json_is_string(json_object_get(params, "name"))) {
			snprintf(err, sizeof err, "tools/call needs 'name', a string");
		} else {
			struct cb_req *slot = NULL;
			for (size_t i = 0; i < CB_MAX_PENDING && !slot; i++)
				if (!c->reqs[i].id)
					slot = &c->reqs[i];
			if (!slot) {
				snprintf(err, sizeof err, "more than %d requests are waiting for answers",
					 CB_MAX_PENDING);
			} else {
				slot->id = json_incref(id);
				slot->serial = ++c->serial;
				/* MCP requires maxTokens; Skillz scripts often leave it out. */
				bool fill = sample && !json_is_integer(json_object_get(params, "maxTokens"));
				json_t *p = fill ? json_deep_copy(params) : json_incref(params);
				if (fill)
					json_object_set_new(p, "maxTokens", json_integer(CB_MAX_TOKENS));
				c->host.request(c->host.ud, c, slot->serial, method, p);
				json_decref(p);
				return;
			}
		}
	} else {
		char msg[300];
		snprintf(msg, sizeof msg, "method not found: '%.200s'", method);
		cb_send(c, id, NULL, msg, -32601);
		return;
	}
	cb_send(c, id, res, res ? NULL : err, -32000);
	json_decref(res);
}

static void cb_show(char *buf, size_t n, const char *s, size_t len)
{
	size_t k = 0;
	for (size_t i = 0; i < len && i < CB_SHOW && k + 5 < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		k += (size_t)snprintf(buf + k, n - k, ch >= 0x20 && ch < 0x7f ? "%c" : "\\x%02x", ch);
	}
	snprintf(buf + k, n - k, "%s", len > CB_SHOW ? "..." : "");
}

static void cb_line(struct cb_call *c, const char *p, size_t n)
{
	c->lines++;
	size_t lead = 0;
	while (lead < n && (p[lead] == ' ' || p[lead] == '\t' || p[lead] == '\r'))
		lead++;
	if (lead == n)
		return;
	if (++c->messages > CB_MAX_MESSAGES) {
		cb_fail(c, "sent more than %d messages", CB_MAX_MESSAGES);
		return;
	}
	char *buf = malloc(n + 1);
	if (!buf) {
		cb_fail(c, "out of memory");
		return;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	size_t len = n;
	inv_redact(c->inv, &buf, &len); /* before anything can forward it */
	json_t *m = json_loadb(buf, len, 0, NULL);
	json_t *jv = m ? json_object_get(m, "jsonrpc") : NULL;
	json_t *method = m ? json_object_get(m, "method") : NULL;
	json_t *id = m ? json_object_get(m, "id") : NULL;
	json_t *params = m ? json_object_get(m, "params") : NULL;
	char show[CB_SHOW * 4 + 8];
	if (!json_is_object(m) || (jv && !(json_is_string(jv) && !strcmp(json_string_value(jv), "2.0"))) ||
	    (method && !json_is_string(method)) || (params && !json_is_object(params) && !json_is_null(params))) {
		cb_show(show, sizeof show, buf, len);
		cb_fail(c, "line %u is not a JSON-RPC 2.0 message: '%s'", c->lines, show);
	} else if (method) {
		json_t *empty = NULL;
		if (!json_is_object(params))
			params = empty = json_object();
		if (!id)
			cb_notification(c, json_string_value(method), params);
		else if (json_is_string(id) || json_is_integer(id))
			cb_request(c, id, json_string_value(method), params);
		else
			cb_fail(c, "line %u: a request id must be a string or an integer", c->lines);
		json_decref(empty);
	} else if (json_is_integer(id) && json_integer_value(id) == 1 && !c->done) {
		json_t *res = json_object_get(m, "result"), *e = json_object_get(m, "error");
		if (res) {
			c->result = json_incref(res);
		} else if (json_is_object(e)) {
			const char *msg = json_string_value(json_object_get(e, "message"));
			json_t *code = json_object_get(e, "code");
			char text[600];
			snprintf(text, sizeof text, "%s%s%.0f%s", msg ? msg : "(no message)",
				 json_is_number(code) ? " (code " : "",
				 json_is_number(code) ? json_number_value(code) : 0.0,
				 json_is_number(code) ? ")" : "");
			c->error = strdup(text);
		} else {
			cb_show(show, sizeof show, buf, len);
			cb_fail(c, "its response to 'execute' has neither 'result' nor an 'error' object: '%s'",
				show);
		}
		if (!c->broke) {
			c->done = true;
			c->done_ms = cb_now_ms();
			rx_close_input(c->inv->proc);
		}
	} else {
		cb_show(show, sizeof show, buf, len);
		cb_fail(c, "line %u answers nothing that was asked: '%s'", c->lines, show);
	}
	json_decref(m);
	free(buf);
}

/* ---- the call ---- */

enum inv_status cb_start(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			 const struct inv_opts *o, const struct cb_host *host, struct cb_call *parent,
			 void *tag, struct cb_call **out, char *err, size_t errn)
{
	*out = NULL;
	struct cb_call *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errn, "out of memory");
		return INV_CANNOT_RUN;
	}
	c->t = t;
	c->tool = tool;
	c->host = *host;
	c->parent = parent;
	c->depth = parent ? parent->depth + 1 : 0;
	c->tag = tag;
	struct inv_opts oo = o ? *o : (struct inv_opts){0};
	json_t *ctx = json_pack("{s:{s:b,s:b,s:b,s:b},s:i}", "capabilities", "sampling",
				host->sampling, "elicitation", host->elicitation, "memory", 1,
				"resources", 1, "depth", (int)c->depth);
	oo.context = ctx;
	enum inv_status st = ctx ? inv_start(t, tool, args, &oo, &c->inv, err, errn) : INV_CANNOT_RUN;
	json_decref(ctx);
	if (st != INV_OK) {
		if (!ctx)
			snprintf(err, errn, "out of memory");
		free(c);
		return st;
	}
	*out = c;
	return INV_OK;
}

struct rx_proc *cb_proc(struct cb_call *c)
{
	return c->inv->proc;
}

void *cb_tag(const struct cb_call *c)
{
	return c->tag;
}

int cb_timeout_ms(const struct cb_call *c)
{
	int t = rx_timeout_ms(c->inv->proc);
	if (c->done && !c->broke) {
		uint64_t now = cb_now_ms(), at = c->done_ms + CB_RESULT_GRACE_MS;
		int g = at > now ? (int)(at - now) : 0;
		if (t < 0 || g < t)
			t = g;
	}
	return t;
}

/* Every whole line waiting on stdout; at the end, the last one too. */
static void cb_read(struct cb_call *c, bool last)
{
	struct rx_proc *p = c->inv->proc;
	size_t n, start = 0;
	const char *s = rx_out(p, &n);
	while (start < n && !c->broke) {
		const char *nl = memchr(s + start, '\n', n - start);
		if (!nl && !last)
			break;
		size_t end = nl ? (size_t)(nl - s) : n;
		if (!c->done)
			cb_line(c, s + start, end - start);
		start = nl ? end + 1 : n;
		s = rx_out(p, &n); /* cb_line may not move it, but be exact */
	}
	rx_out_take(p, c->broke ? n : start);
}

int cb_step(struct cb_call *c)
{
	int fin = rx_step(c->inv->proc);
	cb_read(c, fin);
	if (!fin && c->done && !c->broke && cb_now_ms() >= c->done_ms + CB_RESULT_GRACE_MS)
		rx_kill(c->inv->proc); /* it has answered; what it does now is not waited for */
	return fin;
}

enum inv_status cb_finish(struct cb_call *c, struct rx_result *res, char *err, size_t errn)
{
	char why[512];
	enum inv_status st = inv_finish(c->inv, res, why, sizeof why);
	c->inv = NULL;
	char *text = NULL;
	size_t len = 0;
	if (c->broke) {
		snprintf(err, errn, "broke the skillz protocol: %s", c->error);
		st = INV_FAILED;
	} else if (c->done && c->error) {
		snprintf(err, errn, "answered with an error: %s", c->error);
		st = INV_FAILED;
	} else if (c->done) {
		if (json_is_string(c->result)) {
			len = json_string_length(c->result);
			text = malloc(len + 1);
			if (text)
				memcpy(text, json_string_value(c->result), len + 1);
		} else {
			text = json_dumps(c->result, JSON_COMPACT | JSON_ENCODE_ANY);
			len = text ? strlen(text) : 0;
		}
		st = INV_OK;
	} else if (st == INV_OK && c->chunks.len) {
		text = jb_take(&c->chunks, &len);
	} else if (st == INV_OK) {
		snprintf(err, errn, "ended without sending its result (the response to 'execute')");
		st = INV_FAILED;
	} else {
		snprintf(err, errn, "%s before sending its result", why);
	}
	if (st != INV_OK && err[0] == '\0')
		snprintf(err, errn, "%s", why);
	free(res->out);
	res->out = text ? text : strdup("");
	res->out_len = text ? len : 0;
	res->out_truncated = false;
	for (size_t i = 0; i < CB_MAX_PENDING; i++)
		json_decref(c->reqs[i].id);
	json_decref(c->result);
	free(c->error);
	jb_release(&c->chunks);
	free(c);
	return st;
}

int cb_may_call(const struct cb_call *parent, const struct skc_tool *tool, char *err, size_t errn)
{
	if (parent && parent->depth + 1 > CB_MAX_DEPTH) {
		snprintf(err, errn, "tools/call is nested more than %d deep", CB_MAX_DEPTH);
		return -1;
	}
	for (const struct cb_call *p = parent; p; p = p->parent) {
		if (p->tool == tool) {
			snprintf(err, errn, "tools/call of '%s' would be a cycle: it is already running in this chain",
				 skc_str(p->t, tool->wire_name));
			return -1;
		}
	}
	return 0;
}

/* ---- in this process ---- */

enum { CB_MAX_NODES = 64 };

/* One running call of cb_run: a protocol tool or a plain one. */
struct cb_node {
	const struct skc_tool *tool;
	struct cb_call *cb;
	struct inv_call *inv;
	int parent; /* node index; -1: the root */
	unsigned req;
	bool active;
};

struct cb_runner {
	const struct skc_table *t;
	const struct cb_sync *s;
	const struct inv_opts *o;
	struct cb_host host;
	struct cb_node nodes[CB_MAX_NODES];
	size_t n;
};

static int cb_node_of(struct cb_runner *r, const struct cb_call *c)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->nodes[i].active && r->nodes[i].cb == c)
			return (int)i;
	return -1;
}

static void cb_run_log(void *ud, struct cb_call *c, const char *level, json_t *data)
{
	struct cb_runner *r = ud;
	if (r->s->log)
		r->s->log(r->s->ud, skc_str(r->t, c->tool->wire_name), level, data);
}

static void cb_run_progress(void *ud, struct cb_call *c, json_t *p)
{
	cb_run_log(ud, c, "progress", p);
}

static void cb_run_request(void *ud, struct cb_call *c, unsigned req, const char *method,
			   json_t *params)
{
	struct cb_runner *r = ud;
	char err[512] = "";
	if (strcmp(method, "tools/call") != 0) {
		json_t *res = r->s->ask ? r->s->ask(r->s->ud, method, params, err, sizeof err) : NULL;
		if (!res && !err[0])
			snprintf(err, sizeof err, "%s is not available here", method);
		cb_answer(c, req, res, err);
		json_decref(res);
		return;
	}
	const char *name = json_string_value(json_object_get(params, "name"));
	json_t *args = json_object_get(params, "arguments");
	const struct skc_tool *tool = tbl_tool(r->t, name);
	int parent = cb_node_of(r, c);
	if (!tool)
		snprintf(err, sizeof err, "unknown tool '%.200s'", name);
	else if (args && !json_is_object(args) && !json_is_null(args))
		snprintf(err, sizeof err, "'arguments' must be an object");
	else if (r->n == CB_MAX_NODES)
		snprintf(err, sizeof err, "too many tool calls at once");
	if (err[0] || cb_may_call(c, tool, err, sizeof err) != 0) {
		cb_answer(c, req, NULL, err);
		return;
	}
	json_t *a = json_is_object(args) ? json_deep_copy(args) : json_object();
	char why[400];
	if (ra_validate(r->t, tool, a, why, sizeof why) != 0) {
		snprintf(err, sizeof err, "invalid arguments for '%s': %s", name, why);
		cb_answer(c, req, NULL, err);
		json_decref(a);
		return;
	}
	struct cb_node *k = &r->nodes[r->n];
	*k = (struct cb_node){.tool = tool, .parent = parent, .req = req};
	enum inv_status st = tool->args == SKC_ARGS_SKILLZ
				     ? cb_start(r->t, tool, a, r->o, &r->host, c, NULL, &k->cb, why, sizeof why)
				     : inv_start(r->t, tool, a, r->o, &k->inv, why, sizeof why);
	json_decref(a);
	if (st != INV_OK) {
		snprintf(err, sizeof err, "tool '%s' cannot run: %s", name, why);
		cb_answer(c, req, NULL, err);
		return;
	}
	k->active = true;
	r->n++;
}

/* A tool's output as JSON when it parses, else as a string. */
static json_t *cb_output_value(const char *out, size_t len)
{
	json_t *v = json_loadb(out, len, JSON_DECODE_ANY, NULL);
	if (v || (v = json_stringn(out, len)))
		return v;
	size_t n; /* not UTF-8: the bad bytes become U+FFFD */
	char *fixed = txt_utf8_repair(out, len, &n);
	v = fixed ? json_stringn(fixed, n) : json_string("");
	free(fixed);
	return v;
}

/* The answer to a tools/call: {"output": value}, or an error message. */
void cb_answer_call(struct cb_call *parent, unsigned req, const struct skc_tool *tool,
		    enum inv_status st, const struct rx_result *res, const char *why,
		    const struct skc_table *t)
{
	if (st == INV_OK) {
		json_t *v = json_pack("{s:o}", "output", cb_output_value(res->out, res->out_len));
		cb_answer(parent, req, v, NULL);
		json_decref(v);
		return;
	}
	char msg[900];
	snprintf(msg, sizeof msg, "tool '%s' %s", skc_str(t, tool->wire_name), why);
	cb_answer(parent, req, NULL, msg);
}

static enum inv_status cb_node_finish(struct cb_runner *r, size_t i, struct rx_result *res,
				      char *why, size_t whyn)
{
	struct cb_node *k = &r->nodes[i];
	/* Its own nested calls first: nothing may answer a freed call. */
	for (size_t j = i + 1; j < r->n; j++) {
		if (r->nodes[j].active && r->nodes[j].parent == (int)i) {
			struct rx_result sub;
			char w[64];
			rx_kill(r->nodes[j].cb ? cb_proc(r->nodes[j].cb) : r->nodes[j].inv->proc);
			cb_node_finish(r, j, &sub, w, sizeof w);
			rx_result_release(&sub);
		}
	}
	enum inv_status st = k->cb ? cb_finish(k->cb, res, why, whyn) : inv_finish(k->inv, res, why, whyn);
	k->cb = NULL;
	k->inv = NULL;
	k->active = false;
	if (k->parent >= 0 && r->nodes[k->parent].active)
		cb_answer_call(r->nodes[k->parent].cb, k->req, k->tool, st, res, why, r->t);
	return st;
}

enum inv_status cb_run(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
		       const struct inv_opts *o, const struct cb_sync *s, struct rx_result *res,
		       char *err, size_t errn)
{
	struct cb_runner *r = calloc(1, sizeof *r);
	memset(res, 0, sizeof *res);
	if (!r) {
		snprintf(err, errn, "out of memory");
		return INV_CANNOT_RUN;
	}
	r->t = t;
	r->s = s;
	r->o = o;
	r->host = (struct cb_host){.ud = r, .log = cb_run_log, .progress = cb_run_progress,
				   .request = cb_run_request, .sampling = s->sampling,
				   .elicitation = s->elicitation};
	r->nodes[0] = (struct cb_node){.tool = tool, .parent = -1};
	enum inv_status st = cb_start(t, tool, args, o, &r->host, NULL, NULL, &r->nodes[0].cb, err, errn);
	if (st != INV_OK) {
		free(r);
		return st;
	}
	r->nodes[0].active = true;
	r->n = 1;
	struct pollfd fds[CB_MAX_NODES * RX_POLLFDS];
	for (;;) {
		int nfds = 0, timeout = -1;
		bool stop = s->stop && *s->stop;
		for (size_t i = 0; i < r->n; i++) {
			struct cb_node *k = &r->nodes[i];
			if (!k->active)
				continue;
			struct rx_proc *p = k->cb ? cb_proc(k->cb) : k->inv->proc;
			if (stop)
				rx_kill(p);
			nfds += rx_pollfds(p, fds + nfds, RX_POLLFDS);
			int tm = k->cb ? cb_timeout_ms(k->cb) : rx_timeout_ms(p);
			if (tm >= 0 && (timeout < 0 || tm < timeout))
				timeout = tm;
		}
		if (poll(fds, (nfds_t)nfds, timeout) < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < r->n; i++) {
			struct cb_node *k = &r->nodes[i];
			if (!k->active)
				continue;
			int fin = k->cb ? cb_step(k->cb) : rx_step(k->inv->proc);
			if (fin && i == 0)
				goto done;
			if (fin) {
				struct rx_result sub;
				char why[512];
				cb_node_finish(r, i, &sub, why, sizeof why);
				rx_result_release(&sub);
			}
		}
	}
done:
	st = cb_node_finish(r, 0, res, err, errn);
	free(r);
	return st;
}
