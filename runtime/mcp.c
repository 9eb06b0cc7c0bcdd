/*
 * mcp.c - the MCP protocol engine: message validation, dispatch, the
 * builtins, and tool calls run as processes with a concurrency limit.
 *
 * Replies are whole lines appended to one output buffer; the I/O loop
 * (serve.c) writes it out. Precomputed JSON from the table (each tool's
 * tools/list entry) is spliced into replies verbatim.
 */
#include "mcp.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "args.h"
#include "builtin.h"
#include "callback.h"
#include "invoke.h"
#include "jbuf.h"
#include "jsv.h"
#include "table.h"
#include "text.h"

/* ---- protocol constants ---- */

#define MCP_MODERN "2026-07-28"
#define META_VERSION "io.modelcontextprotocol/protocolVersion"
#define META_CAPS "io.modelcontextprotocol/clientCapabilities"
#define META_LOG "io.modelcontextprotocol/logLevel"
#define META_SERVER "io.modelcontextprotocol/serverInfo"

/* Handshake versions, newest first: the first is the answer to an unknown one. */
static const char *const mcp_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
					   "2024-11-05"};
enum { N_VERSIONS = sizeof mcp_versions / sizeof mcp_versions[0] };

enum mcp_code {
	E_PARSE = -32700,
	E_REQUEST = -32600,
	E_METHOD = -32601,
	E_PARAMS = -32602,
	E_INTERNAL = -32603,
	E_NO_RESOURCE = -32002,   /* handshake style; the stateless style uses -32602 */
	E_VERSION = -32022
};

static const char *const log_levels[] = {"debug",	"info",	 "notice", "warning",
					 "error",	"critical", "alert",	"emergency"};
enum { LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING, LOG_ERROR, N_LEVELS = 8, LOG_OFF = 99 };

/* ---- state ---- */


/* One request as received, checked for shape. */
struct mcp_req {
	json_t *id;       /* NULL for a notification */
	const char *method;
	json_t *params;   /* an object, or NULL */
	bool modern;      /* stateless style */
	int log_level;    /* stateless: from _meta; LOG_OFF: none */
	json_t *progress; /* _meta.progressToken, or NULL */
	json_t *caps;     /* stateless: _meta's client capabilities, or NULL */
};

struct mcp_job {
	struct mcp_job *next, *prev;
	json_t *id, *progress, *args;
	const struct skc_tool *tool;
	struct inv_call *call; /* a plain tool's, once started */
	struct cb_call *cb;    /* a protocol tool's (callback.h), once started */
	struct mcp_job *parent; /* set: a tools/call from parent's tool, answered to it */
	unsigned parent_req;
	bool modern, cancelled;
	bool sampling, elicitation; /* what the client can do for the tool */
	int log_level;
	uint64_t started_ms, next_progress_ms;
	unsigned progress_n;
	double progress_last;   /* the last progress a protocol tool reported */
	char state[32];         /* stateless style: the requestState of a call
				   waiting for input; "" when none */
};

/* A tool's request waiting for the client: sent as a request of ours
 * ("skc-<key>") in the handshake style, or listed in an input_required
 * result ("r<key>") in the stateless one. */
struct mcp_ask {
	struct mcp_ask *next;
	unsigned key;
	struct mcp_job *job;  /* whose tool asked */
	struct mcp_job *root; /* whose client answers */
	unsigned req;
	char *method;
	json_t *params;
};

struct mcp_list {
	struct mcp_job *head, *tail;
	unsigned n;
};

struct mcp {
	const struct skc_table *t;
	struct mcp_opts o;
	struct jbuf out;
	bool initialized;
	int log_level; /* handshake style: from logging/setLevel */
	struct bi_state bi;    /* skill activation (--scoped), which files are text */
	char *bi_entries[BI_COUNT]; /* the builtins' tools/list entries */
	size_t list_bytes;    /* every tools/list entry, commas included: a page's bound */
	json_t **out_schemas; /* per tool, parsed on first use */
	struct mcp_list queued, running;
	char build[17];
	json_t *server_info;
	char *modern_members; /* ,"resultType":...,"_meta":{...} for stateless results */
	json_t *client_caps;  /* handshake style: from initialize */
	struct mcp_ask *asks;
	unsigned ask_serial, state_serial, nested;
};

/* ---- small helpers ---- */

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A JSON string of bytes that may not be UTF-8: bad bytes become U+FFFD. */
static json_t *text_json(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	if (j)
		return j;
	size_t k;
	char *fixed = txt_utf8_repair(s, n, &k);
	j = fixed ? json_stringn(fixed, k) : NULL;
	free(fixed);
	return j ? j : json_string("");
}

/* ---- replies ---- */

static void put_id(struct mcp *m, const json_t *id)
{
	if (json_is_integer(id)) {
		char num[32];
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(id));
		jb_str(&m->out, num);
	} else if (id) {
		jb_json(&m->out, id);
	} else {
		jb_str(&m->out, "null");
	}
}

static void reply_error_data(struct mcp *m, const json_t *id, int code, json_t *data,
			     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void reply_error_data(struct mcp *m, const json_t *id, int code, json_t *data,
			     const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_t *err = json_object();
	json_object_set_new(err, "code", json_integer(code));
	json_object_set_new(err, "message", text_json(msg, strlen(msg)));
	if (data)
		json_object_set_new(err, "data", data);
	jb_str(&m->out, "{\"jsonrpc\":\"2.0\",\"id\":");
	put_id(m, id);
	jb_str(&m->out, ",\"error\":");
	jb_json(&m->out, err);
	jb_str(&m->out, "}\n");
	json_decref(err);
}

#define reply_error(m, id, code, ...) reply_error_data(m, id, code, NULL, __VA_ARGS__)

/* The members every stateless-style result carries. */
static void add_modern(struct mcp *m, json_t *result)
{
	json_object_set_new(result, "resultType", json_string("complete"));
	json_t *meta = json_object();
	json_object_set(meta, META_SERVER, m->server_info);
	json_object_set_new(result, "_meta", meta);
}

/* Send a result object (reference stolen). */
static void reply(struct mcp *m, const json_t *id, bool modern, json_t *result)
{
	if (modern)
		add_modern(m, result);
	jb_str(&m->out, "{\"jsonrpc\":\"2.0\",\"id\":");
	put_id(m, id);
	jb_str(&m->out, ",\"result\":");
	jb_json(&m->out, result);
	jb_str(&m->out, "}\n");
	json_decref(result);
}

/*
 * A tools/call result written as it is made:
 *	content_begin; content_text...; content_end
 */
static void content_begin(struct mcp *m, const json_t *id)
{
	jb_str(&m->out, "{\"jsonrpc\":\"2.0\",\"id\":");
	put_id(m, id);
	jb_str(&m->out, ",\"result\":{\"content\":[");
}

static void content_text(struct mcp *m, bool *any, const char *s, size_t n)
{
	jb_str(&m->out, *any ? ",{\"type\":\"text\",\"text\":" : "{\"type\":\"text\",\"text\":");
	jb_text(&m->out, s, n);
	jb_str(&m->out, "}");
	*any = true;
}

/* Closes the result; `structured` (may be NULL) is written, not stolen. */
static void content_end(struct mcp *m, bool modern, bool is_error, const json_t *structured)
{
	jb_str(&m->out, "]");
	if (structured) {
		jb_str(&m->out, ",\"structuredContent\":");
		jb_json(&m->out, structured);
	}
	if (is_error)
		jb_str(&m->out, ",\"isError\":true");
	if (modern)
		jb_str(&m->out, m->modern_members);
	jb_str(&m->out, "}}\n");
}

static void reply_text(struct mcp *m, const json_t *id, bool modern, const char *s, size_t n,
		       bool is_error)
{
	bool any = false;
	content_begin(m, id);
	content_text(m, &any, s, n);
	content_end(m, modern, is_error, NULL);
}

static void notify(struct mcp *m, const char *method, json_t *params)
{
	jb_str(&m->out, "{\"jsonrpc\":\"2.0\",\"method\":\"");
	jb_str(&m->out, method);
	jb_str(&m->out, "\"");
	if (params) {
		jb_str(&m->out, ",\"params\":");
		jb_json(&m->out, params);
		json_decref(params);
	}
	jb_str(&m->out, "}\n");
}

static void log_msg(struct mcp *m, int want, int level, const char *logger, json_t *data)
{
	if (level < want || want == LOG_OFF) {
		json_decref(data);
		return;
	}
	json_t *p = json_object();
	json_object_set_new(p, "level", json_string(log_levels[level]));
	json_object_set_new(p, "logger", json_string(logger));
	json_object_set_new(p, "data", data);
	notify(m, "notifications/message", p);
}

static int req_log_level(const struct mcp *m, const struct mcp_req *r)
{
	return r->modern ? r->log_level : m->log_level;
}

/* ---- lists and cursors ---- */

/* Cursors are "<kind>:<offset>"; anything else is invalid. */
static int page_start(struct mcp *m, const struct mcp_req *r, char kind, size_t total,
		      size_t *start)
{
	*start = 0;
	json_t *c = r->params ? json_object_get(r->params, "cursor") : NULL;
	if (!c || json_is_null(c))
		return 0;
	const char *s = json_string_value(c);
	char *end;
	if (s && s[0] == kind && s[1] == ':' && s[2] >= '0' && s[2] <= '9') {
		errno = 0;
		unsigned long long v = strtoull(s + 2, &end, 10);
		if (!*end && !errno && v > 0 && v < total) {
			*start = (size_t)v;
			return 0;
		}
	}
	reply_error(m, r->id, E_PARAMS, "invalid cursor");
	return -1;
}

static void put_next_cursor(struct mcp *m, char kind, size_t next, size_t total)
{
	if (next >= total)
		return;
	char c[48];
	snprintf(c, sizeof c, ",\"nextCursor\":\"%c:%zu\"", kind, next);
	jb_str(&m->out, c);
}

/* A list result: its cursor, and in the stateless style how long it keeps. */
static json_t *paged(json_t *result, char kind, size_t next, size_t total,
		     const struct mcp_req *r)
{
	if (next < total) {
		char c[32];
		snprintf(c, sizeof c, "%c:%zu", kind, next);
		json_object_set_new(result, "nextCursor", json_string(c));
	}
	if (r->modern) {
		json_object_set_new(result, "ttlMs", json_integer(3600000));
		json_object_set_new(result, "cacheScope", json_string("public"));
	}
	return result;
}

/* ---- builtins ---- */

/* ---- builtins ---- */

static void reply_msg(struct mcp *m, const struct mcp_req *r, const char *text, bool is_error)
{
	reply_text(m, r->id, r->modern, text, strlen(text), is_error);
}

/* One resource's contents entry: text when it reads as text, else base64. */
static json_t *file_contents(struct mcp *m, const struct skc_skill *s, const struct skc_file *f)
{
	const struct skc_table *t = m->t;
	const unsigned char *data = t->data + f->data_off;
	bool text = bi_file_is_text(&m->bi, f);
	char uri[1024];
	bi_resource_uri(uri, sizeof uri, skc_str(t, s->name), skc_str(t, f->path));
	json_t *o = json_object();
	json_object_set_new(o, "uri", json_string(uri));
	json_object_set_new(o, "mimeType", json_string(bi_mime_type(skc_str(t, f->path), text)));
	if (text) {
		json_object_set_new(o, "text", json_stringn((const char *)data, (size_t)f->size));
	} else {
		char *b = txt_base64(data, (size_t)f->size);
		json_object_set_new(o, "blob", json_string(b ? b : ""));
		free(b);
	}
	return o;
}

/* The builtins this server lists: activation only with --scoped. */
static bool builtin_listed(const struct mcp *m, const struct bi_def *b)
{
	return m->o.scoped || !b->activation;
}

static const struct bi_def *find_builtin(const struct mcp *m, const char *name)
{
	const struct bi_def *b = bi_find(name);
	return b && builtin_listed(m, b) ? b : NULL;
}

/* A builtin's result as a tools/call reply. */
static void call_builtin(struct mcp *m, const struct mcp_req *r, const struct bi_def *b,
			 json_t *args)
{
	struct bi_result res;
	bi_call(&m->bi, b, args, &res);
	const struct skc_table *t = m->t;
	if (res.changed) {
		if (!r->modern)
			notify(m, "notifications/tools/list_changed", NULL);
		log_msg(m, req_log_level(m, r), LOG_INFO, "skills",
			json_sprintf("skill '%s' %s", skc_str(t, res.skill->name),
				     res.changed > 0 ? "activated" : "deactivated"));
	}
	if (res.binary) {
		/* Binary: an embedded resource, as resources/read gives it. */
		json_t *out = json_object(), *content = json_array(), *block = json_object();
		json_object_set_new(block, "type", json_string("resource"));
		json_object_set_new(block, "resource", file_contents(m, res.skill, res.binary));
		json_array_append_new(content, block);
		json_object_set_new(out, "content", content);
		reply(m, r->id, r->modern, out);
	} else {
		reply_text(m, r->id, r->modern, res.text, res.len, res.is_error);
	}
	bi_result_release(&res);
}

/* ---- tools/list ---- */

static bool tool_visible(const struct mcp *m, const struct skc_tool *tool)
{
	return !m->o.scoped || bi_tool_active(&m->bi, tool);
}

static void m_tools_list(struct mcp *m, const struct mcp_req *r)
{
	const struct skc_table *t = m->t;
	size_t total = 0;
	for (size_t i = 0; i < BI_COUNT; i++)
		total += builtin_listed(m, &bi_defs[i]);
	for (uint32_t i = 0; i < t->tool_count; i++)
		total += tool_visible(m, &t->tools[i]);
	size_t start, end, k = 0, page = m->o.page_size;
	if (page_start(m, r, 't', total, &start))
		return;
	end = start + page < total ? start + page : total;

	/* Spliced from precomputed text: no JSON is built per request. The
	 * buffer grows once, to the whole list's size: with mimalloc each
	 * doubling of a large block is a copy into fresh memory, a page fault
	 * per page (musl and glibc move those with mremap), +3 ms for 1,000
	 * tools. The buffer keeps that room for the next list. */
	jb_reserve(&m->out, m->list_bytes + 256);
	jb_str(&m->out, "{\"jsonrpc\":\"2.0\",\"id\":");
	put_id(m, r->id);
	jb_str(&m->out, ",\"result\":{\"tools\":[");
	bool first = true;
	for (size_t i = 0; i < BI_COUNT && k < end; i++) {
		if (!builtin_listed(m, &bi_defs[i]))
			continue;
		if (k++ >= start) {
			jb_str(&m->out, first ? "" : ",");
			jb_str(&m->out, m->bi_entries[i]);
			first = false;
		}
	}
	for (uint32_t i = 0; i < t->tool_count && k < end; i++) {
		const struct skc_tool *tool = &t->tools[i];
		if (!tool_visible(m, tool))
			continue;
		if (k++ >= start) {
			jb_str(&m->out, first ? "" : ",");
			jb_put(&m->out, skc_str(t, tool->mcp_json), tool->mcp_json.len);
			first = false;
		}
	}
	jb_str(&m->out, "]");
	put_next_cursor(m, 't', end, total);
	if (r->modern) {
		jb_str(&m->out, m->o.scoped ? ",\"ttlMs\":0" : ",\"ttlMs\":3600000");
		jb_str(&m->out, ",\"cacheScope\":\"public\"");
		jb_str(&m->out, m->modern_members);
	}
	jb_str(&m->out, "}}\n");
}

/* ---- tools/call ---- */

static void list_remove(struct mcp_list *l, struct mcp_job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		l->head = j->next;
	if (j->next)
		j->next->prev = j->prev;
	else
		l->tail = j->prev;
	j->next = j->prev = NULL;
	l->n--;
}

static void list_append(struct mcp_list *l, struct mcp_job *j)
{
	j->prev = l->tail;
	j->next = NULL;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
	l->n++;
}

static void job_free(struct mcp_job *j)
{
	json_decref(j->id);
	json_decref(j->progress);
	json_decref(j->args);
	free(j);
}

static struct mcp_job *find_job(struct mcp *m, const json_t *id)
{
	struct mcp_list *lists[] = {&m->running, &m->queued};
	for (size_t i = 0; i < 2; i++)
		for (struct mcp_job *j = lists[i]->head; j; j = j->next)
			if (json_equal(j->id, (json_t *)id))
				return j;
	return NULL;
}

static const json_t *out_schema(struct mcp *m, const struct skc_tool *tool)
{
	size_t i = (size_t)(tool - m->t->tools);
	if (!tool->output_schema.len)
		return NULL;
	if (!m->out_schemas[i])
		m->out_schemas[i] = json_loadb(skc_str(m->t, tool->output_schema),
					       tool->output_schema.len, 0, NULL);
	return m->out_schemas[i];
}

/* The reply to a finished run. */
static void reply_run(struct mcp *m, struct mcp_job *j, enum inv_status st,
		      const struct rx_result *res, const char *why)
{
	const char *name = skc_str(m->t, j->tool->wire_name);
	bool is_error = st != INV_OK, any = false;
	char err[600] = "";
	json_t *structured = NULL;
	const json_t *schema = st == INV_OK ? out_schema(m, j->tool) : NULL;
	if (schema) {
		/* The client validates structuredContent against the schema: a
		 * nonconforming one would make the whole result invalid. */
		json_t *v = res->out_truncated ? NULL : json_loadb(res->out, res->out_len, 0, NULL);
		char why2[400];
		if (!v)
			snprintf(err, sizeof err, "tool '%s' declares an output schema but its output is not a JSON object%s",
				 name, res->out_truncated ? " (it was truncated)" : "");
		else if (!json_is_object(v))
			snprintf(err, sizeof err, "tool '%s' declares an output schema but printed a JSON %s, not an object",
				 name, json_is_array(v) ? "array" : "value");
		else if (jsv_check(schema, v, why2, sizeof why2) != 0)
			snprintf(err, sizeof err, "tool '%s' printed output that does not match its output schema: %s",
				 name, why2);
		else
			structured = json_incref(v);
		json_decref(v);
		is_error |= err[0] != '\0';
	}
	content_begin(m, j->id);
	if (res->out_len)
		content_text(m, &any, res->out, res->out_len);
	if (res->out_truncated) {
		char note[160];
		snprintf(note, sizeof note, "[output truncated at %zu bytes]", res->out_len);
		content_text(m, &any, note, strlen(note));
	}
	if (err[0])
		content_text(m, &any, err, strlen(err));
	if (st != INV_OK) {
		char head[640];
		snprintf(head, sizeof head, "tool '%s' %s", name, why);
		struct jbuf b = {0};
		jb_str(&b, head);
		if (res->err_len) {
			jb_str(&b, res->err_truncated ? "\nstderr (last part):\n" : "\nstderr:\n");
			jb_put(&b, res->err, res->err_len);
		}
		content_text(m, &any, b.p ? b.p : head, b.p ? b.len : strlen(head));
		free(b.p);
	}
	content_end(m, j->modern, is_error, structured);
	json_decref(structured);
}

static struct rx_proc *job_proc(struct mcp_job *j)
{
	return j->cb ? cb_proc(j->cb) : j->call->proc;
}

static struct mcp_job *job_root(struct mcp_job *j)
{
	while (j->parent)
		j = j->parent;
	return j;
}

static void job_start(struct mcp *m, struct mcp_job *j);
static void job_done(struct mcp *m, struct mcp_job *j);
static int level_index(const char *s);

/* ---- a protocol tool's callbacks (callback.h) ---- */

static void h_log(void *ud, struct cb_call *c, const char *level, json_t *data)
{
	struct mcp *m = ud;
	struct mcp_job *j = cb_tag(c);
	int l = level_index(level);
	log_msg(m, job_root(j)->log_level, l < 0 ? LOG_INFO : l, skc_str(m->t, j->tool->wire_name),
		json_incref(data));
}

static void h_progress(void *ud, struct cb_call *c, json_t *p)
{
	struct mcp *m = ud;
	struct mcp_job *j = job_root(cb_tag(c));
	double v = json_number_value(json_object_get(p, "progress"));
	/* The client wants each notification's progress to grow. */
	if (!j->progress || j->cancelled || v <= j->progress_last)
		return;
	j->progress_last = v;
	json_t *q = json_deep_copy(p);
	json_object_set(q, "progressToken", j->progress);
	notify(m, "notifications/progress", q);
}

static void h_chunk(void *ud, struct cb_call *c, json_t *chunk)
{
	struct mcp *m = ud;
	struct mcp_job *j = cb_tag(c);
	log_msg(m, job_root(j)->log_level, LOG_INFO, skc_str(m->t, j->tool->wire_name),
		json_pack("{s:O}", "stream", chunk));
}

static void ask_free(struct mcp_ask *a)
{
	free(a->method);
	json_decref(a->params);
	free(a);
}

/* Drop the requests a finished job asked, or its client would answer. */
static void asks_drop(struct mcp *m, const struct mcp_job *j)
{
	for (struct mcp_ask **pp = &m->asks; *pp;) {
		struct mcp_ask *a = *pp;
		if (a->job == j || a->root == j) {
			*pp = a->next;
			ask_free(a);
		} else {
			pp = &a->next;
		}
	}
}

/* Stateless style: answer the call's request with what it waits for; the
 * client retries with the answers and the requestState. */
static void mrtr_suspend(struct mcp *m, struct mcp_job *root)
{
	if (!root->state[0])
		snprintf(root->state, sizeof root->state, "skc-%u-%.8s", ++m->state_serial, m->build);
	json_t *reqs = json_object();
	for (struct mcp_ask *a = m->asks; a; a = a->next) {
		if (a->root != root)
			continue;
		char key[24];
		snprintf(key, sizeof key, "r%u", a->key);
		json_object_set_new(reqs, key, json_pack("{s:s,s:O}", "method", a->method, "params",
							  a->params));
	}
	json_t *res = json_pack("{s:o,s:s}", "inputRequests", reqs, "requestState", root->state);
	add_modern(m, res);
	json_object_set_new(res, "resultType", json_string("input_required"));
	reply(m, root->id, false, res);
	json_decref(root->id);
	root->id = NULL;
}

static void ask_client(struct mcp *m, struct mcp_job *j, unsigned req, const char *method,
		       json_t *params)
{
	struct mcp_job *root = job_root(j);
	struct mcp_ask *a = calloc(1, sizeof *a);
	if (!a || !(a->method = strdup(method))) {
		free(a);
		cb_answer(j->cb, req, NULL, "out of memory");
		return;
	}
	a->key = ++m->ask_serial;
	a->job = j;
	a->root = root;
	a->req = req;
	a->params = json_incref(params);
	a->next = m->asks;
	m->asks = a;
	if (!root->modern) {
		char id[24];
		snprintf(id, sizeof id, "skc-%u", a->key);
		json_t *msg = json_pack("{s:s,s:s,s:s,s:O}", "jsonrpc", "2.0", "id", id, "method",
					method, "params", params);
		jb_json(&m->out, msg);
		jb_str(&m->out, "\n");
		json_decref(msg);
	} else if (root->id) {
		mrtr_suspend(m, root);
	}
	/* else the call already waits for its client: this goes out with the next round. */
}

/* A response from the client to a request of ours. */
static void ask_answered(struct mcp *m, const json_t *id, json_t *msg)
{
	const char *s = json_string_value(id);
	unsigned key;
	char tail;
	if (!s || sscanf(s, "skc-%u%c", &key, &tail) != 1)
		return;
	for (struct mcp_ask **pp = &m->asks; *pp; pp = &(*pp)->next) {
		struct mcp_ask *a = *pp;
		if (a->key != key || a->root->modern)
			continue;
		*pp = a->next;
		json_t *res = json_object_get(msg, "result");
		if (res) {
			cb_answer(a->job->cb, a->req, res, NULL);
		} else {
			char why[400];
			const char *em = json_string_value(json_object_get(json_object_get(msg, "error"), "message"));
			snprintf(why, sizeof why, "the client answered %s with an error: %.300s", a->method,
				 em ? em : "(no message)");
			cb_answer(a->job->cb, a->req, NULL, why);
		}
		ask_free(a);
		return;
	}
}

static void nested_call(struct mcp *m, struct mcp_job *parent, unsigned req, json_t *params)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	json_t *args = json_object_get(params, "arguments");
	const struct skc_tool *tool = tbl_tool(m->t, name);
	char err[512] = "", why[400];
	if (!tool)
		snprintf(err, sizeof err, "unknown tool '%.200s'", name);
	else if (args && !json_is_object(args) && !json_is_null(args))
		snprintf(err, sizeof err, "'arguments' must be an object");
	else if (m->nested >= MCP_MAX_NESTED)
		snprintf(err, sizeof err, "%d nested tool calls are running already", MCP_MAX_NESTED);
	if (err[0] || cb_may_call(parent->cb, tool, err, sizeof err) != 0) {
		cb_answer(parent->cb, req, NULL, err);
		return;
	}
	json_t *a = json_is_object(args) ? json_deep_copy(args) : json_object();
	if (ra_validate(m->t, tool, a, why, sizeof why) != 0) {
		snprintf(err, sizeof err, "invalid arguments for '%s': %s", name, why);
		cb_answer(parent->cb, req, NULL, err);
		json_decref(a);
		return;
	}
	struct mcp_job *k = calloc(1, sizeof *k);
	if (!k) {
		cb_answer(parent->cb, req, NULL, "out of memory");
		json_decref(a);
		return;
	}
	k->tool = tool;
	k->args = a;
	k->parent = parent;
	k->parent_req = req;
	k->modern = parent->modern;
	k->log_level = parent->log_level;
	k->sampling = parent->sampling;
	k->elicitation = parent->elicitation;
	m->nested++;
	job_start(m, k);
}

static void h_request(void *ud, struct cb_call *c, unsigned req, const char *method,
		      json_t *params)
{
	struct mcp *m = ud;
	struct mcp_job *j = cb_tag(c);
	if (!strcmp(method, "tools/call"))
		nested_call(m, j, req, params);
	else
		ask_client(m, j, req, method, params);
}

static void job_start(struct mcp *m, struct mcp_job *j)
{
	char err[512];
	enum inv_status st;
	if (j->tool->args == SKC_ARGS_SKILLZ) {
		struct cb_host h = {.ud = m, .log = h_log, .progress = h_progress, .chunk = h_chunk,
				    .request = h_request, .sampling = j->sampling,
				    .elicitation = j->elicitation};
		st = cb_start(m->t, j->tool, j->args, NULL, &h, j->parent ? j->parent->cb : NULL, j,
			      &j->cb, err, sizeof err);
	} else {
		st = inv_start(m->t, j->tool, j->args, NULL, &j->call, err, sizeof err);
	}
	if (st != INV_OK) {
		const char *name = skc_str(m->t, j->tool->wire_name);
		char msg[700];
		snprintf(msg, sizeof msg, "tool '%s' %s: %s", name,
			 st == INV_BAD_ARGS ? "got arguments it cannot take" : "cannot run", err);
		log_msg(m, j->log_level, LOG_WARNING, name, json_string(msg));
		if (j->parent) {
			m->nested--;
			cb_answer(j->parent->cb, j->parent_req, NULL, msg);
		} else {
			reply_text(m, j->id, j->modern, msg, strlen(msg), true);
		}
		job_free(j);
		return;
	}
	j->started_ms = now_ms();
	j->next_progress_ms = j->started_ms + m->o.progress_ms;
	list_append(&m->running, j);
	log_msg(m, j->log_level, LOG_DEBUG, skc_str(m->t, j->tool->wire_name),
		json_string("started"));
	if (j->progress) {
		json_t *p = json_object();
		json_object_set(p, "progressToken", j->progress);
		json_object_set_new(p, "progress", json_integer(0));
		json_object_set_new(p, "message", json_sprintf("started '%s'",
							       skc_str(m->t, j->tool->wire_name)));
		notify(m, "notifications/progress", p);
	}
}

static void job_done(struct mcp *m, struct mcp_job *j)
{
	list_remove(&m->running, j);
	/* Its own nested calls end first, unanswered: nothing may answer a
	 * freed call. */
	for (struct mcp_job *k = m->running.head; k;) {
		if (k->parent != j) {
			k = k->next;
			continue;
		}
		k->cancelled = true;
		rx_kill(job_proc(k));
		job_done(m, k);
		k = m->running.head;
	}
	asks_drop(m, j);
	struct rx_result res;
	char why[512] = "";
	enum inv_status st = j->cb ? cb_finish(j->cb, &res, why, sizeof why)
				   : inv_finish(j->call, &res, why, sizeof why);
	j->call = NULL;
	j->cb = NULL;
	const char *name = skc_str(m->t, j->tool->wire_name);
	if (!j->cancelled) {
		if (st != INV_OK) {
			json_t *d = json_object();
			json_object_set_new(d, "message", json_sprintf("'%s' %s", name, why));
			if (res.err_len)
				json_object_set_new(d, "stderr", text_json(res.err, res.err_len));
			log_msg(m, j->log_level, LOG_WARNING, name, d);
		} else {
			log_msg(m, j->log_level, LOG_DEBUG, name,
				json_sprintf("finished in %.1f ms", (double)res.duration_us / 1000.0));
		}
		if (j->parent)
			cb_answer_call(j->parent->cb, j->parent_req, j->tool, st, &res, why, m->t);
		else if (j->id) /* none: it waited for input that never came */
			reply_run(m, j, st, &res, why);
	}
	if (j->parent)
		m->nested--;
	rx_result_release(&res);
	job_free(j);
}

/* Stateless style: the retry of a call that waits for input. */
static void mrtr_resume(struct mcp *m, const struct mcp_req *r, const char *state)
{
	struct mcp_job *j = m->running.head;
	while (j && (j->parent || j->id || strcmp(j->state, state) != 0))
		j = j->next;
	const char *name = json_string_value(json_object_get(r->params, "name"));
	if (!j) {
		reply_error(m, r->id, E_PARAMS,
			    "requestState '%.100s' names no call waiting for input (it ended, or timed out)",
			    state);
		return;
	}
	if (!name || strcmp(name, skc_str(m->t, j->tool->wire_name)) != 0) {
		reply_error(m, r->id, E_PARAMS, "requestState '%.100s' belongs to a call of '%s'",
			    state, skc_str(m->t, j->tool->wire_name));
		return;
	}
	j->id = json_incref(r->id);
	json_decref(j->progress);
	j->progress = json_incref(r->progress);
	json_t *answers = json_object_get(r->params, "inputResponses");
	for (struct mcp_ask **pp = &m->asks; *pp;) {
		struct mcp_ask *a = *pp;
		char key[24];
		snprintf(key, sizeof key, "r%u", a->key);
		json_t *v = a->root == j ? json_object_get(answers, key) : NULL;
		if (!v) {
			pp = &a->next;
			continue;
		}
		*pp = a->next;
		cb_answer(a->job->cb, a->req, v, NULL);
		ask_free(a);
	}
	for (struct mcp_ask *a = m->asks; a; a = a->next)
		if (a->root == j) {
			mrtr_suspend(m, j);
			break;
		}
}

static void m_tools_call(struct mcp *m, const struct mcp_req *r)
{
	const struct skc_table *t = m->t;
	json_t *jn = json_object_get(r->params, "name");
	json_t *args = json_object_get(r->params, "arguments");
	if (!json_is_string(jn)) {
		reply_error(m, r->id, E_PARAMS, "tools/call needs 'name', a string");
		return;
	}
	if (args && !json_is_null(args) && !json_is_object(args)) {
		reply_error(m, r->id, E_PARAMS, "'arguments' must be an object");
		return;
	}
	const char *name = json_string_value(jn);
	json_t *state = json_object_get(r->params, "requestState");
	if (json_is_string(state)) {
		mrtr_resume(m, r, json_string_value(state));
		return;
	}
	json_t *empty = NULL;
	if (!args || json_is_null(args))
		args = empty = json_object();

	const struct bi_def *b = find_builtin(m, name);
	if (b) {
		call_builtin(m, r, b, args);
		json_decref(empty);
		return;
	}
	const struct skc_tool *tool = tbl_tool(t, name);
	if (!tool) {
		const char *near = tbl_suggest(t, name);
		if (near && tbl_tool(t, near))
			reply_error(m, r->id, E_PARAMS, "unknown tool '%.200s'; did you mean '%s'?",
				    name, near);
		else
			reply_error(m, r->id, E_PARAMS, "unknown tool '%.200s'", name);
		json_decref(empty);
		return;
	}
	if (!tool_visible(m, tool)) {
		reply_error(m, r->id, E_PARAMS,
			    "tool '%s' belongs to skill '%s', which is not active; call activate_skill first",
			    name, skc_str(t, t->skills[tool->skill].name));
		json_decref(empty);
		return;
	}
	char err[512];
	if (ra_validate(t, tool, args, err, sizeof err) != 0) {
		char msg[700];
		snprintf(msg, sizeof msg, "invalid arguments for '%s': %s", name, err);
		reply_msg(m, r, msg, true);
		json_decref(empty);
		return;
	}
	if (m->queued.n >= m->o.queue && m->running.n >= m->o.jobs) {
		char msg[200];
		snprintf(msg, sizeof msg, "server busy: %u calls running and %u waiting; retry later",
			 m->running.n, m->queued.n);
		reply_msg(m, r, msg, true);
		json_decref(empty);
		return;
	}
	struct mcp_job *j = calloc(1, sizeof *j);
	if (!j) {
		reply_error(m, r->id, E_INTERNAL, "out of memory");
		json_decref(empty);
		return;
	}
	j->id = json_incref(r->id);
	j->progress = json_incref(r->progress);
	/* ra_validate may have normalised args in place; keep our own reference. */
	j->args = empty ? empty : json_incref(args);
	j->tool = tool;
	j->modern = r->modern;
	j->log_level = req_log_level(m, r);
	json_t *caps = r->modern ? r->caps : m->client_caps;
	j->sampling = json_object_get(caps, "sampling") != NULL;
	j->elicitation = json_object_get(caps, "elicitation") != NULL;
	if (m->running.n < m->o.jobs)
		job_start(m, j);
	else
		list_append(&m->queued, j);
}

static void m_cancelled(struct mcp *m, const struct mcp_req *r)
{
	json_t *id = r->params ? json_object_get(r->params, "requestId") : NULL;
	struct mcp_job *j = id ? find_job(m, id) : NULL;
	if (!j || j->cancelled)
		return;
	if (!j->call && !j->cb) {
		list_remove(&m->queued, j);
		job_free(j);
		return;
	}
	/* Its process group dies now; the reply is suppressed when it is reaped. */
	j->cancelled = true;
	rx_kill(job_proc(j));
}

/* ---- prompts ---- */

static void m_prompts_list(struct mcp *m, const struct mcp_req *r)
{
	const struct skc_table *t = m->t;
	size_t start, total = t->skill_count;
	if (page_start(m, r, 'p', total, &start))
		return;
	size_t end = start + m->o.page_size < total ? start + m->o.page_size : total;
	json_t *list = json_array();
	for (size_t i = start; i < end; i++) {
		const struct skc_skill *s = &t->skills[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(skc_str(t, s->name)));
		json_object_set_new(o, "description", json_string(skc_str(t, s->description)));
		json_object_set_new(o, "arguments", json_array());
		json_array_append_new(list, o);
	}
	json_t *res = json_object();
	json_object_set_new(res, "prompts", list);
	reply(m, r->id, r->modern, paged(res, 'p', end, total, r));
}

static void m_prompts_get(struct mcp *m, const struct mcp_req *r)
{
	const struct skc_table *t = m->t;
	const char *name = json_string_value(json_object_get(r->params, "name"));
	json_t *args = json_object_get(r->params, "arguments");
	if (!name) {
		reply_error(m, r->id, E_PARAMS, "prompts/get needs 'name', a string");
		return;
	}
	if (args && !json_is_null(args) && !json_is_object(args)) {
		reply_error(m, r->id, E_PARAMS, "'arguments' must be an object");
		return;
	}
	char err[300];
	const struct skc_skill *s = bi_find_skill(t, name, err, sizeof err);
	if (!s) {
		reply_error(m, r->id, E_PARAMS, "%s", err);
		return;
	}
	json_t *res = json_object(), *msgs = json_array(), *msg = json_object(),
	       *content = json_object();
	json_object_set_new(res, "description", json_string(skc_str(t, s->description)));
	json_object_set_new(content, "type", json_string("text"));
	json_object_set_new(content, "text", json_stringn(skc_str(t, s->body), s->body.len));
	json_object_set_new(msg, "role", json_string("user"));
	json_object_set_new(msg, "content", content);
	json_array_append_new(msgs, msg);
	json_object_set_new(res, "messages", msgs);
	reply(m, r->id, r->modern, res);
}

/* ---- resources ---- */

static void m_resources_list(struct mcp *m, const struct mcp_req *r)
{
	const struct skc_table *t = m->t;
	size_t start, total = t->file_count;
	if (page_start(m, r, 'r', total, &start))
		return;
	size_t end = start + m->o.page_size < total ? start + m->o.page_size : total;
	json_t *list = json_array();
	/* Files are stored skill by skill, so file i's skill is found by walking. */
	uint32_t si = 0;
	for (size_t i = start; i < end; i++) {
		while (si < t->skill_count &&
		       !(i >= t->skills[si].file_first &&
			 i < (size_t)t->skills[si].file_first + t->skills[si].file_count))
			si++;
		if (si == t->skill_count)
			break;
		const struct skc_skill *s = &t->skills[si];
		const struct skc_file *f = &t->files[i];
		char uri[1024], name[512];
		bi_resource_uri(uri, sizeof uri, skc_str(t, s->name), skc_str(t, f->path));
		snprintf(name, sizeof name, "%s/%s", skc_str(t, s->name), skc_str(t, f->path));
		bool text = bi_file_is_text(&m->bi, f);
		json_t *o = json_object();
		json_object_set_new(o, "uri", json_string(uri));
		json_object_set_new(o, "name", text_json(name, strlen(name)));
		json_object_set_new(o, "mimeType", json_string(bi_mime_type(skc_str(t, f->path), text)));
		json_object_set_new(o, "size", json_integer((json_int_t)f->size));
		json_array_append_new(list, o);
	}
	json_t *res = json_object();
	json_object_set_new(res, "resources", list);
	reply(m, r->id, r->modern, paged(res, 'r', end, total, r));
}

static void m_resources_read(struct mcp *m, const struct mcp_req *r)
{
	const struct skc_table *t = m->t;
	const char *uri = json_string_value(json_object_get(r->params, "uri"));
	if (!uri) {
		reply_error(m, r->id, E_PARAMS, "resources/read needs 'uri', a string");
		return;
	}
	const struct skc_skill *s = NULL;
	const struct skc_file *f = bi_resource_file(t, uri, &s);
	if (!f) {
		json_t *data = json_object();
		json_object_set_new(data, "uri", text_json(uri, strlen(uri)));
		reply_error_data(m, r->id, r->modern ? E_PARAMS : E_NO_RESOURCE, data,
				 "resource not found: '%.300s'", uri);
		return;
	}
	json_t *res = json_object(), *contents = json_array();
	json_array_append_new(contents, file_contents(m, s, f));
	json_object_set_new(res, "contents", contents);
	if (r->modern) {
		json_object_set_new(res, "ttlMs", json_integer(3600000));
		json_object_set_new(res, "cacheScope", json_string("public"));
	}
	reply(m, r->id, r->modern, res);
}

static void m_templates_list(struct mcp *m, const struct mcp_req *r)
{
	size_t start;
	if (page_start(m, r, 'u', 1, &start))
		return;
	json_t *res = json_pack(
		"{s:[{s:s,s:s,s:s,s:s}]}", "resourceTemplates", "uriTemplate", "skill://{skill}/{+path}",
		"name", "skill-file", "title", "Skill file", "description",
		"A file of a baked skill: SKILL.md, scripts/, references/ or assets/");
	reply(m, r->id, r->modern, paged(res, 'u', 1, 1, r));
}

/* ---- lifecycle ---- */

static json_t *capabilities(const struct mcp *m)
{
	return json_pack("{s:{s:b},s:{s:b},s:{s:b,s:b},s:{}}", "tools", "listChanged", m->o.scoped,
			 "prompts", "listChanged", 0, "resources", "subscribe", 0, "listChanged", 0,
			 "logging");
}

static json_t *instructions(const struct mcp *m)
{
	const struct skc_table *t = m->t;
	return json_sprintf(
		"%s serves %u skill%s. Tool names are <skill>__<tool>. %s Each skill's instructions are a "
		"prompt of the same name, and its files are resources skill://<skill>/<path> "
		"(read_skill_file reads them too).",
		skc_str(t, t->agent_name), (unsigned)t->skill_count, t->skill_count == 1 ? "" : "s",
		m->o.scoped ? "Only the builtins are listed at first: call list_skills, then "
			      "activate_skill to load a skill's instructions and tools."
			    : "list_skills describes every skill.");
}

static void m_initialize(struct mcp *m, const struct mcp_req *r)
{
	const char *want = json_string_value(json_object_get(r->params, "protocolVersion"));
	if (!want) {
		reply_error(m, r->id, E_PARAMS, "initialize needs 'protocolVersion', a string");
		return;
	}
	const char *version = mcp_versions[0];
	for (size_t i = 0; i < N_VERSIONS; i++)
		if (!strcmp(want, mcp_versions[i]))
			version = mcp_versions[i];
	m->initialized = true;
	json_t *caps = json_object_get(r->params, "capabilities");
	if (json_is_object(caps))
		m->client_caps = json_incref(caps);
	json_t *res = json_object();
	json_object_set_new(res, "protocolVersion", json_string(version));
	json_object_set_new(res, "capabilities", capabilities(m));
	json_object_set(res, "serverInfo", m->server_info);
	json_object_set_new(res, "instructions", instructions(m));
	reply(m, r->id, false, res);
}

static json_t *supported_versions(void)
{
	json_t *a = json_array();
	json_array_append_new(a, json_string(MCP_MODERN));
	for (size_t i = 0; i < N_VERSIONS; i++)
		json_array_append_new(a, json_string(mcp_versions[i]));
	return a;
}

static void m_discover(struct mcp *m, const struct mcp_req *r)
{
	json_t *res = json_object();
	json_object_set_new(res, "supportedVersions", supported_versions());
	json_object_set_new(res, "capabilities", capabilities(m));
	json_object_set(res, "serverInfo", m->server_info);
	json_object_set_new(res, "instructions", instructions(m));
	json_object_set_new(res, "ttlMs", json_integer(3600000));
	json_object_set_new(res, "cacheScope", json_string("public"));
	/* Discovery is how a client learns the style: always answer in the new one. */
	reply(m, r->id, true, res);
}

static int level_index(const char *s)
{
	for (int i = 0; s && i < N_LEVELS; i++)
		if (!strcmp(s, log_levels[i]))
			return i;
	return -1;
}

static void m_set_level(struct mcp *m, const struct mcp_req *r)
{
	int l = level_index(json_string_value(json_object_get(r->params, "level")));
	if (l < 0) {
		reply_error(m, r->id, E_PARAMS,
			    "logging/setLevel needs 'level': debug, info, notice, warning, error, critical, alert or emergency");
		return;
	}
	m->log_level = l;
	reply(m, r->id, false, json_object());
}

static void m_ping(struct mcp *m, const struct mcp_req *r)
{
	reply(m, r->id, r->modern, json_object());
}

/* ---- dispatch ---- */

enum { NEEDS_SESSION = 1, PARAMS_REQUIRED = 2, LEGACY_ONLY = 4 };

static const struct mcp_method {
	const char *name;
	void (*fn)(struct mcp *m, const struct mcp_req *r);
	unsigned flags;
} methods[] = {
	{"initialize", m_initialize, PARAMS_REQUIRED | LEGACY_ONLY},
	{"ping", m_ping, 0},
	{"server/discover", m_discover, 0},
	{"tools/list", m_tools_list, NEEDS_SESSION},
	{"tools/call", m_tools_call, NEEDS_SESSION | PARAMS_REQUIRED},
	{"prompts/list", m_prompts_list, NEEDS_SESSION},
	{"prompts/get", m_prompts_get, NEEDS_SESSION | PARAMS_REQUIRED},
	{"resources/list", m_resources_list, NEEDS_SESSION},
	{"resources/read", m_resources_read, NEEDS_SESSION | PARAMS_REQUIRED},
	{"resources/templates/list", m_templates_list, NEEDS_SESSION},
	{"logging/setLevel", m_set_level, NEEDS_SESSION | PARAMS_REQUIRED | LEGACY_ONLY},
};

static void handle_notification(struct mcp *m, const struct mcp_req *r)
{
	/* Notifications never get a reply, not even an error. */
	if (!strcmp(r->method, "notifications/cancelled"))
		m_cancelled(m, r);
}

/*
 * The stateless style: the version and the client's capabilities travel in
 * params._meta. Returns 0 to go on (r->modern says which style), -1 after
 * replying with an error.
 */
static int read_meta(struct mcp *m, struct mcp_req *r)
{
	json_t *meta = r->params ? json_object_get(r->params, "_meta") : NULL;
	r->log_level = LOG_OFF;
	if (meta && !json_is_object(meta)) {
		if (r->id)
			reply_error(m, r->id, E_PARAMS, "'_meta' must be an object");
		return -1;
	}
	r->progress = meta ? json_object_get(meta, "progressToken") : NULL;
	if (r->progress && !json_is_string(r->progress) && !json_is_integer(r->progress))
		r->progress = NULL;
	json_t *v = meta ? json_object_get(meta, META_VERSION) : NULL;
	if (!v)
		return 0;
	const char *want = json_string_value(v);
	if (!want || strcmp(want, MCP_MODERN) != 0) {
		if (r->id) {
			json_t *data = json_object();
			json_object_set_new(data, "supported", supported_versions());
			json_object_set(data, "requested", v);
			reply_error_data(m, r->id, E_VERSION, data, "unsupported protocol version");
		}
		return -1;
	}
	r->modern = true;
	json_t *caps = json_object_get(meta, META_CAPS);
	if (!json_is_object(caps)) {
		if (r->id)
			reply_error(m, r->id, E_PARAMS,
				    "params._meta needs '" META_CAPS "', an object");
		return -1;
	}
	r->caps = caps;
	json_t *lv = json_object_get(meta, META_LOG);
	if (lv) {
		r->log_level = level_index(json_string_value(lv));
		if (r->log_level < 0) {
			if (r->id)
				reply_error(m, r->id, E_PARAMS, "'" META_LOG "' is not a log level");
			return -1;
		}
	}
	return 0;
}

static void handle(struct mcp *m, json_t *msg)
{
	if (!json_is_object(msg)) {
		reply_error(m, NULL, E_REQUEST, "a message must be a JSON-RPC 2.0 object%s",
			    json_is_array(msg) ? " (batches are not supported)" : "");
		return;
	}
	struct mcp_req r = {0};
	json_t *jv = json_object_get(msg, "jsonrpc");
	json_t *method = json_object_get(msg, "method");
	json_t *id = json_object_get(msg, "id");
	bool has_id = id != NULL;
	bool id_ok = json_is_string(id) || json_is_integer(id);
	if (!method && has_id &&
	    (json_object_get(msg, "result") || json_object_get(msg, "error"))) {
		ask_answered(m, id, msg); /* a tool's request, answered; else nothing awaits it */
		return;
	}
	if (!json_is_string(jv) || strcmp(json_string_value(jv), "2.0") != 0) {
		reply_error(m, id_ok ? id : NULL, E_REQUEST, "'jsonrpc' must be \"2.0\"");
		return;
	}
	if (!json_is_string(method)) {
		reply_error(m, id_ok ? id : NULL, E_REQUEST, "'method' must be a string");
		return;
	}
	if (has_id && !id_ok) {
		reply_error(m, NULL, E_REQUEST, "'id' must be a string or an integer");
		return;
	}
	r.id = id;
	r.method = json_string_value(method);
	r.params = json_object_get(msg, "params");
	if (r.params && json_is_null(r.params))
		r.params = NULL;
	if (r.params && !json_is_object(r.params)) {
		if (r.id)
			reply_error(m, r.id, E_PARAMS, "'params' must be an object");
		return;
	}
	if (read_meta(m, &r))
		return;
	if (!r.id) {
		handle_notification(m, &r);
		return;
	}
	if (find_job(m, r.id)) {
		reply_error(m, r.id, E_REQUEST, "request id is already in use by a call in flight");
		return;
	}
	const struct mcp_method *mm = NULL;
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (!strcmp(methods[i].name, r.method))
			mm = &methods[i];
	if (!mm || (r.modern && (mm->flags & LEGACY_ONLY))) {
		reply_error(m, r.id, E_METHOD, "method not found: '%.200s'", r.method);
		return;
	}
	if (!r.modern && (mm->flags & NEEDS_SESSION) && !m->initialized) {
		reply_error(m, r.id, E_REQUEST,
			    "not initialized: send 'initialize' first, or give the protocol version in params._meta[\"" META_VERSION "\"]");
		return;
	}
	if (!r.modern && mm->fn == m_initialize && m->initialized) {
		reply_error(m, r.id, E_REQUEST, "already initialized");
		return;
	}
	if ((mm->flags & PARAMS_REQUIRED) && !r.params) {
		reply_error(m, r.id, E_PARAMS, "'%s' needs params", r.method);
		return;
	}
	mm->fn(m, &r);
}

void mcp_handle(struct mcp *m, const char *line, size_t len)
{
	json_error_t je;
	json_t *msg = json_loadb(line, len, JSON_DECODE_ANY, &je);
	if (!msg) {
		reply_error(m, NULL, E_PARSE, "parse error: %s (at byte %d)", je.text, je.position);
		return;
	}
	handle(m, msg);
	json_decref(msg);
}

void mcp_oversized(struct mcp *m, size_t len)
{
	reply_error(m, NULL, E_REQUEST, "message of %zu bytes is over the limit of %d bytes", len,
		    MCP_MAX_LINE);
}

/* ---- engine ---- */

/* A builtin's tools/list entry, built once. */
static char *builtin_entry(const struct bi_def *b)
{
	json_t *e = json_pack("{s:s,s:s,s:s,s:o,s:o}", "name", b->name, "title", b->title,
			      "description", b->description, "inputSchema",
			      json_loads(b->schema, 0, NULL), "annotations",
			      json_loads(b->annotations, 0, NULL));
	char *text = e ? json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(e);
	return text;
}

struct mcp *mcp_new(const struct skc_table *t, const struct mcp_opts *o)
{
	struct mcp *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->t = t;
	if (o)
		m->o = *o;
	if (!m->o.jobs)
		m->o.jobs = MCP_DEFAULT_JOBS;
	if (!m->o.queue)
		m->o.queue = MCP_DEFAULT_QUEUE;
	if (!m->o.page_size)
		m->o.page_size = MCP_DEFAULT_PAGE;
	if (!m->o.progress_ms)
		m->o.progress_ms = MCP_PROGRESS_MS;
	m->log_level = LOG_OFF;
	bool bi_ok = bi_state_init(&m->bi, t, m->o.scoped) == 0;
	for (size_t i = 0; i < BI_COUNT; i++) {
		bi_ok &= (m->bi_entries[i] = builtin_entry(&bi_defs[i])) != NULL;
		m->list_bytes += m->bi_entries[i] ? strlen(m->bi_entries[i]) + 1 : 0;
	}
	for (uint32_t i = 0; i < t->tool_count; i++)
		m->list_bytes += t->tools[i].mcp_json.len + 1;
	m->out_schemas = calloc(t->tool_count + 1, sizeof *m->out_schemas);
	snprintf(m->build, sizeof m->build, "%.16s", skc_str(t, t->digest));
	m->server_info = json_pack("{s:s,s:s}", "name", skc_str(t, t->agent_name), "version",
				   m->build);
	json_t *mm = json_object();
	add_modern(m, mm);
	char *mt = m->server_info ? json_dumps(mm, JSON_COMPACT) : NULL;
	json_decref(mm);
	if (mt) { /* {"a":..} becomes ,"a":.. to follow other members */
		mt[0] = ',';
		mt[strlen(mt) - 1] = '\0';
	}
	m->modern_members = mt;
	if (!bi_ok || !m->out_schemas || !m->server_info || !mt) {
		mcp_free(m);
		return NULL;
	}
	return m;
}

void mcp_cancel_all(struct mcp *m)
{
	while (m->queued.head) {
		struct mcp_job *j = m->queued.head;
		list_remove(&m->queued, j);
		job_free(j);
	}
	while (m->running.head) {
		struct mcp_job *j = m->running.head;
		j->cancelled = true;
		rx_kill(job_proc(j));
		job_done(m, j);
	}
}

void mcp_free(struct mcp *m)
{
	if (!m)
		return;
	mcp_cancel_all(m);
	if (m->out_schemas)
		for (uint32_t i = 0; i < m->t->tool_count; i++)
			json_decref(m->out_schemas[i]);
	free(m->out_schemas);
	bi_state_release(&m->bi);
	for (size_t i = 0; i < BI_COUNT; i++)
		free(m->bi_entries[i]);
	free(m->modern_members);
	json_decref(m->server_info);
	json_decref(m->client_caps);
	while (m->asks) {
		struct mcp_ask *a = m->asks;
		m->asks = a->next;
		ask_free(a);
	}
	jb_release(&m->out);
	free(m);
}

const char *mcp_output(const struct mcp *m, size_t *len)
{
	*len = m->out.len - m->out.head;
	return m->out.p ? m->out.p + m->out.head : "";
}

void mcp_consume(struct mcp *m, size_t n)
{
	jb_consume(&m->out, n);
}

bool mcp_busy(const struct mcp *m)
{
	return m->running.n || m->queued.n;
}

int mcp_max_pollfds(const struct mcp *m)
{
	return ((int)m->o.jobs + MCP_MAX_NESTED) * RX_POLLFDS;
}

int mcp_pollfds(struct mcp *m, struct pollfd *fds, int max)
{
	int n = 0;
	for (struct mcp_job *j = m->running.head; j && n < max; j = j->next)
		n += rx_pollfds(job_proc(j), fds + n, max - n);
	return n;
}

int mcp_timeout_ms(const struct mcp *m)
{
	int best = -1;
	uint64_t now = now_ms();
	for (struct mcp_job *j = m->running.head; j; j = j->next) {
		int t = j->cb ? cb_timeout_ms(j->cb) : rx_timeout_ms(j->call->proc);
		if (j->progress && !j->cancelled && !j->cb && j->id) {
			int p = j->next_progress_ms > now ? (int)(j->next_progress_ms - now) : 0;
			if (t < 0 || p < t)
				t = p;
		}
		if (t >= 0 && (best < 0 || t < best))
			best = t;
	}
	return best;
}

void mcp_step(struct mcp *m)
{
	uint64_t now = now_ms();
	for (struct mcp_job *j = m->running.head, *next; j; j = next) {
		next = j->next;
		if (j->cb ? cb_step(j->cb) : rx_step(j->call->proc)) {
			bool nested = m->nested != 0;
			job_done(m, j);
			/* It may have ended others (its nested calls): start over. */
			if (nested)
				next = m->running.head;
			continue;
		}
		/* A protocol tool reports its own progress. */
		if (j->progress && !j->cancelled && !j->cb && j->id && now >= j->next_progress_ms) {
			json_t *p = json_object();
			json_object_set(p, "progressToken", j->progress);
			json_object_set_new(p, "progress", json_integer(++j->progress_n));
			json_object_set_new(p, "message",
					    json_sprintf("'%s' running for %.1f s",
							 skc_str(m->t, j->tool->wire_name),
							 (double)(now - j->started_ms) / 1000.0));
			notify(m, "notifications/progress", p);
			j->next_progress_ms = now + m->o.progress_ms;
		}
	}
	while (m->queued.head && m->running.n < m->o.jobs) {
		struct mcp_job *j = m->queued.head;
		list_remove(&m->queued, j);
		job_start(m, j);
	}
}
