/*
 * ask.c - sampling by the configured provider and elicitation at the
 * terminal, for protocol tools run by `agent call` and `agent run` (ask.h).
 */
#include "ask.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callback.h"
#include "http.h"
#include "jbuf.h"
#include "prov.h"

/* ---- sampling ---- */

struct ask_sink {
	struct prov_reader *reader;
	struct prov_reply reply;
	bool have;
	enum prov_kind kind;
};

static void ask_begin(void *ud)
{
	struct ask_sink *s = ud;
	prov_reader_reset(s->reader);
	if (s->have)
		prov_reply_release(&s->reply);
	s->have = false;
}

static int ask_data(void *ud, const char *p, size_t n)
{
	return prov_reader_feed(((struct ask_sink *)ud)->reader, p, n);
}

static int ask_end(void *ud)
{
	struct ask_sink *s = ud;
	if (prov_reader_finish(s->reader, &s->reply))
		return -1;
	s->have = true;
	return 0;
}

static bool ask_shown(void *ud)
{
	(void)ud;
	return false;
}

static bool ask_veto(void *ud, long status, const char *body, size_t n)
{
	return prov_no_retry(((struct ask_sink *)ud)->kind, status, body, n);
}

static void ask_retrying(void *ud, unsigned attempt, long status, uint32_t wait_ms)
{
	(void)ud, (void)attempt, (void)status, (void)wait_ms;
}

/* One MCP content (an object or a list of them): its text parts, in order. */
static json_t *ask_blocks(const json_t *content)
{
	json_t *out = json_array();
	if (json_is_object(content)) {
		const char *text = json_string_value(json_object_get(content, "text"));
		if (text)
			json_array_append_new(out, json_pack("{s:s,s:s}", "type", "text", "text", text));
		return out;
	}
	size_t i;
	const json_t *c;
	json_array_foreach(content, i, c) {
		json_t *sub = ask_blocks(c);
		json_array_extend(out, sub);
		json_decref(sub);
	}
	return out;
}

json_t *ask_model(const struct ag_config *c, const json_t *params, char *err, size_t errn)
{
	const json_t *in = json_object_get(params, "messages");
	if (!json_is_array(in) || !json_array_size(in)) {
		snprintf(err, errn, "sampling/createMessage needs 'messages', a list that is not empty");
		return NULL;
	}
	json_t *msgs = json_array();
	size_t i;
	const json_t *m;
	json_array_foreach(in, i, m) {
		const char *role = json_string_value(json_object_get(m, "role"));
		json_t *blocks = ask_blocks(json_object_get(m, "content"));
		if (!role || (strcmp(role, "user") && strcmp(role, "assistant")) ||
		    !json_array_size(blocks)) {
			json_decref(blocks);
			json_decref(msgs);
			snprintf(err, errn, "message %zu needs a role (user or assistant) and text content", i);
			return NULL;
		}
		json_array_append_new(msgs, json_pack("{s:s,s:o}", "role", role, "content", blocks));
	}
	json_t *mt = json_object_get(params, "maxTokens");
	struct prov_params p = {
		.kind = c->kind,
		.base_url = c->base_url,
		.api_key = c->api_key,
		.model = c->model,
		.system = json_string_value(json_object_get(params, "systemPrompt")),
		.messages = msgs,
		.max_tokens = json_is_integer(mt) && json_integer_value(mt) > 0 &&
				      json_integer_value(mt) < 1000000
				  ? (uint32_t)json_integer_value(mt)
				  : CB_MAX_TOKENS,
	};
	struct prov_request rq = {0};
	char why[512];
	if (prov_build(&p, &rq, why, sizeof why) != 0) {
		json_decref(msgs);
		snprintf(err, errn, "cannot build the request: %s", why);
		return NULL;
	}
	json_decref(msgs);
	struct ask_sink s = {.kind = c->kind};
	s.reader = prov_reader_new(c->kind, false, NULL, NULL);
	struct http *h = s.reader ? http_new(&c->http) : NULL;
	json_t *out = NULL;
	if (!h) {
		snprintf(err, errn, "out of memory");
	} else {
		struct http_req hr = {rq.url, (const char *const *)rq.headers, rq.body, rq.body_len};
		struct http_sink sink = {ask_begin, ask_data, ask_end, ask_shown, ask_veto, ask_retrying, &s};
		struct http_resp resp = {0};
		if (http_post(h, &hr, &sink, &resp) != 0 || !s.have) {
			if (resp.status >= 400 && resp.body)
				prov_error_message(c->kind, resp.status, resp.body, resp.body_len, err, errn);
			else
				snprintf(err, errn, "%s: %s", prov_name(c->kind),
					 resp.err[0] ? resp.err : "the answer was empty");
		} else {
			struct jbuf text = {0};
			const json_t *b;
			json_array_foreach(json_object_get(s.reply.message, "content"), i, b) {
				const char *type = json_string_value(json_object_get(b, "type"));
				const char *t = json_string_value(json_object_get(b, "text"));
				if (type && t && !strcmp(type, "text"))
					jb_str(&text, t);
			}
			out = json_pack("{s:s,s:{s:s,s:s%},s:s,s:s}", "role", "assistant", "content",
					"type", "text", "text", text.p ? text.p : "", text.len,
					"model", c->model, "stopReason",
					s.reply.stop == PROV_STOP_MAX_TOKENS ? "maxTokens" : "endTurn");
			jb_release(&text);
		}
		http_resp_release(&resp);
	}
	if (s.have)
		prov_reply_release(&s.reply);
	prov_reader_free(s.reader);
	http_free(h);
	prov_request_release(&rq);
	return out;
}

/* ---- elicitation ---- */

/* One line from the terminal, without its newline; -1 at the end of input. */
static int ask_line(int fd, char *buf, size_t n)
{
	size_t k = 0;
	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return k ? (int)k : -1;
		if (ch == '\n')
			break;
		if (k + 1 < n)
			buf[k++] = ch;
	}
	buf[k] = '\0';
	return (int)k;
}

/* The answer for a property of type `type`, or NULL when it does not read as one. */
static json_t *ask_value(const char *type, const char *s)
{
	char *end;
	if (!strcmp(type, "integer")) {
		long long v = strtoll(s, &end, 10);
		return *s && !*end ? json_integer(v) : NULL;
	}
	if (!strcmp(type, "number")) {
		double v = strtod(s, &end);
		return *s && !*end ? json_real(v) : NULL;
	}
	if (!strcmp(type, "boolean")) {
		if (!strcmp(s, "y") || !strcmp(s, "yes") || !strcmp(s, "true"))
			return json_true();
		if (!strcmp(s, "n") || !strcmp(s, "no") || !strcmp(s, "false"))
			return json_false();
		return NULL;
	}
	return json_string(s);
}

json_t *ask_user(const json_t *params, int tty, char *err, size_t errn)
{
	int fd = tty >= 0 ? tty : open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errn, "there is no terminal to ask the user on");
		return NULL;
	}
	const char *msg = json_string_value(json_object_get(params, "message"));
	const json_t *props = json_object_get(json_object_get(params, "requestedSchema"), "properties");
	const json_t *req = json_object_get(json_object_get(params, "requestedSchema"), "required");
	char line[ASK_MAX_LINE];
	json_t *out = NULL, *content = json_object();
	dprintf(fd, "\n%s\nAnswer? [y/n] ", msg ? msg : "A tool asks for input.");
	int n = ask_line(fd, line, sizeof line);
	if (n < 0) {
		out = json_pack("{s:s}", "action", "cancel");
		goto done;
	}
	if (line[0] != 'y' && line[0] != 'Y') {
		out = json_pack("{s:s}", "action", "decline");
		goto done;
	}
	const char *key;
	const json_t *p;
	json_object_foreach((json_t *)props, key, p) {
		const char *type = json_string_value(json_object_get(p, "type"));
		const char *title = json_string_value(json_object_get(p, "title"));
		const char *desc = json_string_value(json_object_get(p, "description"));
		bool required = false;
		size_t i;
		const json_t *r;
		json_array_foreach(req, i, r)
			required |= json_is_string(r) && !strcmp(json_string_value(r), key);
		for (int tries = 0; tries < 3; tries++) {
			dprintf(fd, "%s (%s%s)%s%s: ", title ? title : key, type ? type : "string",
				required ? ", required" : "", desc ? " - " : "", desc ? desc : "");
			if ((n = ask_line(fd, line, sizeof line)) < 0) {
				json_decref(out);
				out = json_pack("{s:s}", "action", "cancel");
				goto done;
			}
			if (!n && !required)
				break;
			json_t *v = n ? ask_value(type ? type : "string", line) : NULL;
			if (v) {
				json_object_set_new(content, key, v);
				break;
			}
			dprintf(fd, "  not %s %s; again\n", type && type[0] == 'i' ? "an" : "a",
				type ? type : "string");
		}
	}
	out = json_pack("{s:s,s:O}", "action", "accept", "content", content);
done:
	json_decref(content);
	if (tty < 0)
		close(fd);
	return out;
}
