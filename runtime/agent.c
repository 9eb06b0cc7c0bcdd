/*
 * agent.c - the agent loop (see agent.h): configuration, the session and
 * trace files, one provider request per step, tool calls run at once.
 */
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "ask.h"
#include "builtin.h"
#include "callback.h"
#include "invoke.h"
#include "jbuf.h"
#include "table.h"
#include "tcall.h"
#include "text.h"

/* ---- configuration ---- */

static const char *env_str(ag_getenv env, const char *name)
{
	const char *v = env(name);
	return v && *v ? v : NULL;
}

static const char *slice_or_null(const struct skc_table *t, struct skc_slice s)
{
	return s.len ? skc_str(t, s) : NULL;
}

static const char *default_model(enum prov_kind k)
{
	switch (k) {
	case PROV_OPENAI: return "gpt-4.1";
	case PROV_ANTHROPIC: return "claude-sonnet-4-5";
	case PROV_GEMINI: return "gemini-2.5-flash";
	case PROV_COMPAT: break;
	}
	return NULL;
}

/* The variable holding a provider's key, and the key. */
static const char *provider_key(ag_getenv env, enum prov_kind k, const char **var)
{
	static const char *const vars[][2] = {
		[PROV_OPENAI] = {"OPENAI_API_KEY", NULL},
		[PROV_ANTHROPIC] = {"ANTHROPIC_API_KEY", NULL},
		[PROV_GEMINI] = {"GEMINI_API_KEY", "GOOGLE_API_KEY"},
		[PROV_COMPAT] = {NULL, NULL},
	};
	*var = "SKILLC_API_KEY";
	const char *v = env_str(env, *var);
	for (int i = 0; !v && i < 2 && vars[k][i]; i++)
		v = env_str(env, *var = vars[k][i]);
	if (!v && vars[k][0])
		*var = vars[k][0];
	return v;
}

static int infer_provider(ag_getenv env, enum prov_kind *out, char *err, size_t errn)
{
	static const enum prov_kind kinds[] = {PROV_ANTHROPIC, PROV_OPENAI, PROV_GEMINI};
	int found = 0;
	char names[128] = "";
	for (size_t i = 0; i < 3; i++) {
		const char *var;
		if (provider_key(env, kinds[i], &var) && strcmp(var, "SKILLC_API_KEY")) {
			*out = kinds[i];
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 found++ ? ", " : "", var);
		}
	}
	if (found == 1)
		return 0;
	if (found > 1)
		snprintf(err, errn, "several API keys are set (%s): choose a provider with --provider or SKILLC_PROVIDER",
			 names);
	else
		snprintf(err, errn, "no provider chosen: set ANTHROPIC_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY, or pass --provider (a local server: --provider openai-compatible --base-url URL --model NAME)");
	return -1;
}

static uint32_t ms_of(double seconds)
{
	return seconds <= 0 ? 0 : seconds * 1000 > 4e9 ? 4000000000u : (uint32_t)(seconds * 1000 + 0.5);
}

int ag_resolve(const struct skc_table *t, const struct ag_flags *f, ag_getenv env,
	       struct ag_config *c, char *err, size_t errn)
{
	memset(c, 0, sizeof *c);
	const char *baked = slice_or_null(t, t->default_provider);
	const char *name = f->provider ? f->provider : env_str(env, "SKILLC_PROVIDER");
	if (!name)
		name = baked;
	if (name && prov_parse(name, &c->kind)) {
		snprintf(err, errn, "unknown provider '%.60s' (choose openai, anthropic, gemini or openai-compatible)",
			 name);
		return -1;
	}
	if (!name && infer_provider(env, &c->kind, err, errn))
		return -1;
	/* Baked model and URL belong to the baked provider. */
	enum prov_kind bk;
	bool baked_fits = !baked || (prov_parse(baked, &bk) == 0 && bk == c->kind);
	const char *model = f->model ? f->model : env_str(env, "SKILLC_MODEL");
	if (!model && baked_fits)
		model = slice_or_null(t, t->default_model);
	if (!model)
		model = default_model(c->kind);
	if (!model) {
		snprintf(err, errn, "%s needs a model: pass --model or set SKILLC_MODEL", prov_name(c->kind));
		return -1;
	}
	const char *base = f->base_url ? f->base_url : env_str(env, "SKILLC_BASE_URL");
	if (!base && baked_fits)
		base = slice_or_null(t, t->default_base_url);
	if (!base && c->kind == PROV_COMPAT) {
		snprintf(err, errn, "openai-compatible needs the server's URL: pass --base-url or set SKILLC_BASE_URL (Ollama: http://127.0.0.1:11434/v1)");
		return -1;
	}
	if (base && strncmp(base, "http://", 7) && strncmp(base, "https://", 8)) {
		snprintf(err, errn, "base URL '%.100s' must start with http:// or https://", base);
		return -1;
	}
	const char *key = provider_key(env, c->kind, &c->key_env);
	if (!key && c->kind != PROV_COMPAT) {
		snprintf(err, errn, "no API key for %s: set %s", prov_name(c->kind), c->key_env);
		return -1;
	}
	const char *mode = f->tool_mode ? f->tool_mode : "native";
	if (strcmp(mode, "native") && strcmp(mode, "text")) {
		snprintf(err, errn, "--tool-mode is 'native' or 'text', not '%.40s'", mode);
		return -1;
	}
	c->model = strdup(model);
	c->base_url = base ? strdup(base) : NULL;
	c->api_key = key ? strdup(key) : NULL;
	if (!c->model || (base && !c->base_url) || (key && !c->api_key)) {
		ag_config_release(c);
		snprintf(err, errn, "out of memory");
		return -1;
	}
	c->text_mode = !strcmp(mode, "text");
	c->session = f->session;
	c->trace = f->trace;
	c->json = f->json;
	c->usage = f->usage;
	c->stream = !f->no_stream;
	c->parallel = !f->no_parallel;
	c->max_iterations = f->max_iterations > 0 ? (uint32_t)f->max_iterations : AG_DEFAULT_ITERATIONS;
	c->max_tool_calls = f->max_tool_calls > 0 ? (uint32_t)f->max_tool_calls : AG_DEFAULT_TOOL_CALLS;
	c->max_output_tokens = f->max_output_tokens > 0 ? (uint64_t)f->max_output_tokens : 0;
	c->max_tokens = f->max_tokens > 0 ? (uint32_t)f->max_tokens : 0;
	c->history = f->history > 0 ? (uint32_t)f->history : 0;
	c->max_ms = f->max_time > 0 ? ms_of(f->max_time) : AG_DEFAULT_SECONDS * 1000u;
	c->tool_timeout_ms = ms_of(f->tool_timeout);
	c->http.connect_ms = ms_of(f->connect_timeout);
	c->http.timeout_ms = ms_of(f->request_timeout);
	c->http.idle_ms = ms_of(f->idle_timeout);
	c->http.max_retries = f->retries >= 0 ? (int)f->retries : -1;
	return 0;
}

void ag_config_release(struct ag_config *c)
{
	free(c->model);
	free(c->base_url);
	free(c->api_key);
	c->model = c->base_url = c->api_key = NULL;
}

/* ---- state ---- */

/* One tool call of a reply, from start to result. */
struct ag_call {
	const char *id, *name;
	json_t *args;
	const struct skc_tool *tool;
	struct inv_call *inv;
	char *text;
	size_t len;
	bool is_error;
	uint64_t start_us;
	const char *status; /* for the trace */
	int exit_code, signal;
};

struct agent {
	const struct skc_table *t;
	const struct ag_config *c;
	FILE *out, *err;
	struct bi_state bi;
	struct http *http;
	json_t *history;
	int session_fd;
	FILE *trace;
	uint64_t t0_us;
	struct prov_tool *tools; /* builtins, then active skills' tools */
	/* this turn */
	uint32_t iterations, tool_calls;
	uint64_t turn_output, turn_start_us;
	/* the whole run */
	uint64_t in_tokens, out_tokens;
	unsigned requests;
	/* the request in flight */
	struct prov_reader *reader;
	struct prov_reply reply;
	bool have_reply, show_text;
	char last_out; /* last byte of answer text printed */
	bool printed;
	unsigned text_calls;
	char *answer;
};

static volatile sig_atomic_t ag_signal;     /* the signal that asked us to stop */
static volatile sig_atomic_t ag_in_request; /* a provider request is in flight */

static void on_signal(int sig)
{
	if (ag_in_request) {
		/* libcurl would not notice a flag: every step before this one
		 * is in the session already, so dying here loses nothing. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	ag_signal = sig;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void say(struct agent *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct agent *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("agent: ", a->err);
	vfprintf(a->err, fmt, ap);
	fputc('\n', a->err);
	va_end(ap);
}

/* ---- trace ---- */

/* One JSONL event; `fields` (an object, stolen) adds members. */
static void trace(struct agent *a, const char *event, json_t *fields)
{
	if (!a->trace) {
		json_decref(fields);
		return;
	}
	json_t *e = json_object();
	json_object_set_new(e, "t_us", json_integer((json_int_t)(now_us() - a->t0_us)));
	json_object_set_new(e, "event", json_string(event));
	if (fields)
		json_object_update(e, fields);
	json_decref(fields);
	json_dumpf(e, a->trace, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', a->trace);
	fflush(a->trace);
	json_decref(e);
}

/* ---- session ---- */

static bool message_ok(const json_t *m)
{
	const char *role = json_string_value(json_object_get(m, "role"));
	return role && (!strcmp(role, "user") || !strcmp(role, "assistant") || !strcmp(role, "tool")) &&
	       json_is_array(json_object_get(m, "content"));
}

/* A string member, or "". */
static const char *jstr(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

static const char *role_of(const json_t *m)
{
	return jstr(m, "role");
}

/* Append one message to the history and, whole, to the session file. */
static int record(struct agent *a, json_t *msg)
{
	json_array_append(a->history, msg);
	if (a->session_fd < 0)
		return 0;
	char *line = json_dumps(msg, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!line) {
		say(a, "error: cannot write session '%s': out of memory", a->c->session);
		return -1;
	}
	size_t n = strlen(line);
	line[n++] = '\n'; /* json_dumps leaves room for its NUL: reuse it */
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(a->session_fd, line + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			say(a, "error: cannot write session '%s': %s", a->c->session, strerror(errno));
			free(line);
			return -1;
		}
		done += (size_t)w;
	}
	free(line);
	return 0;
}

/* Which skills are active after the history: replay successful (de)activations. */
static void replay_activation(struct agent *a)
{
	json_t *calls = json_object();
	size_t i;
	json_t *m;
	json_array_foreach(a->history, i, m) {
		size_t j;
		json_t *b;
		json_array_foreach(json_object_get(m, "content"), j, b) {
			const char *type = json_string_value(json_object_get(b, "type"));
			const char *id = json_string_value(json_object_get(b, "id"));
			if (!type || !id)
				continue;
			if (!strcmp(type, "tool_call")) {
				json_object_set(calls, id, b);
				continue;
			}
			json_t *call = json_object_get(calls, id);
			if (strcmp(type, "tool_result") || !call ||
			    json_is_true(json_object_get(b, "is_error")))
				continue;
			const char *name = json_string_value(json_object_get(call, "name"));
			const struct bi_def *d = name ? bi_find(name) : NULL;
			if (!d || !d->activation)
				continue;
			const char *args = json_string_value(json_object_get(call, "arguments"));
			json_t *o = args ? json_loads(args, 0, NULL) : NULL;
			const char *skill = json_string_value(json_object_get(o, "name"));
			const struct skc_skill *s = skill ? tbl_skill(a->t, skill) : NULL;
			if (s)
				a->bi.active[s - a->t->skills] = !strcmp(name, "activate_skill");
			json_decref(o);
		}
	}
	json_decref(calls);
}

static int load_session(struct agent *a, char *err, size_t errn)
{
	const char *path = a->c->session;
	a->session_fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (a->session_fd < 0) {
		snprintf(err, errn, "cannot open session '%s': %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(a->session_fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errn, "session '%s' is not a regular file", path);
		return -1;
	}
	size_t size = (size_t)st.st_size, got = 0;
	char *buf = malloc(size + 1);
	if (!buf) {
		snprintf(err, errn, "session '%s' is too large", path);
		return -1;
	}
	while (got < size) {
		ssize_t r = pread(a->session_fd, buf + got, size - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	size_t good = 0, line_no = 0;
	for (size_t pos = 0; pos < got;) {
		char *nl = memchr(buf + pos, '\n', got - pos);
		size_t end = nl ? (size_t)(nl - buf) : got;
		line_no++;
		json_error_t je;
		json_t *m = json_loadb(buf + pos, end - pos, 0, &je);
		if (!nl || !message_ok(m)) {
			json_decref(m);
			if (!nl) {
				/* A run killed while writing: the step it was writing is lost, not
				 * the session. Cut it so appends start on a fresh line. */
				say(a, "warning: session '%s' line %zu is unfinished; dropping it", path,
				    line_no);
				break;
			}
			snprintf(err, errn, "session '%s' line %zu is not a conversation message", path,
				 line_no);
			free(buf);
			return -1;
		}
		json_array_append_new(a->history, m);
		pos = end + 1;
		good = pos;
	}
	free(buf);
	if (good < size && ftruncate(a->session_fd, (off_t)good)) {
		snprintf(err, errn, "cannot repair session '%s': %s", path, strerror(errno));
		return -1;
	}
	replay_activation(a);
	return 0;
}

/* ---- the window and the prompt ---- */

size_t ag_window(const json_t *history, uint32_t limit)
{
	size_t n = json_array_size(history);
	if (!limit || n <= limit)
		return 0;
	/* The oldest user message (not a tool result) that keeps us within the limit;
	 * failing that, the newest one, so the current turn always goes whole. */
	size_t last_user = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(role_of(json_array_get(history, i)), "user"))
			continue;
		if (n - i <= limit)
			return i;
		last_user = i;
	}
	return last_user;
}

static bool tool_active(const struct agent *a, const struct skc_tool *tool)
{
	return bi_tool_active(&a->bi, tool);
}

/* The tools offered now: the builtins, then the active skills' tools. */
static size_t offered_tools(struct agent *a)
{
	size_t n = 0;
	for (size_t i = 0; i < BI_COUNT; i++)
		a->tools[n++] = (struct prov_tool){bi_defs[i].name, bi_defs[i].description,
						   bi_defs[i].schema};
	for (uint32_t i = 0; i < a->t->tool_count; i++) {
		const struct skc_tool *tool = &a->t->tools[i];
		if (tool_active(a, tool))
			a->tools[n++] = (struct prov_tool){skc_str(a->t, tool->wire_name),
							   skc_str(a->t, tool->description),
							   skc_str(a->t, tool->schema)};
	}
	return n;
}

static char *system_prompt(struct agent *a, size_t ntools)
{
	const struct skc_table *t = a->t;
	struct jbuf b = {0};
	jb_str(&b, "You are ");
	jb_str(&b, skc_str(t, t->agent_name));
	jb_str(&b, ", an agent that completes tasks with skills. A skill is loaded on demand: "
		    "call activate_skill with its name to get its instructions and tools; "
		    "deactivate_skill unloads it; read_skill_file reads its other files "
		    "(references/, assets/); list_skills lists every skill.\n\nSkills:\n");
	bool any_active = false;
	for (uint32_t i = 0; i < t->skill_count; i++) {
		jb_str(&b, "- ");
		jb_str(&b, skc_str(t, t->skills[i].name));
		jb_str(&b, ": ");
		jb_str(&b, skc_str(t, t->skills[i].description));
		jb_str(&b, "\n");
		any_active |= a->bi.active[i];
	}
	if (any_active) {
		jb_str(&b, "\nActive skills:");
		for (uint32_t i = 0, k = 0; i < t->skill_count; i++)
			if (a->bi.active[i]) {
				jb_str(&b, k++ ? ", " : " ");
				jb_str(&b, skc_str(t, t->skills[i].name));
			}
		jb_str(&b, "\n");
	}
	if (a->c->text_mode) {
		const char **names = calloc(ntools + 1, sizeof *names);
		const char **descs = calloc(ntools + 1, sizeof *descs);
		const char **schemas = calloc(ntools + 1, sizeof *schemas);
		char *tp = NULL;
		if (names && descs && schemas) {
			for (size_t i = 0; i < ntools; i++) {
				names[i] = a->tools[i].name;
				descs[i] = a->tools[i].description;
				schemas[i] = a->tools[i].schema;
			}
			tp = tcall_prompt(names, descs, schemas, ntools);
		}
		if (tp) {
			jb_str(&b, "\n");
			jb_str(&b, tp);
		}
		free(tp);
		free(names);
		free(descs);
		free(schemas);
	}
	return jb_take(&b, NULL);
}

/* ---- one provider request ---- */

static void on_text(void *ud, const char *s, size_t n)
{
	struct agent *a = ud;
	if (!a->show_text || !n)
		return;
	fwrite(s, 1, n, a->out);
	fflush(a->out);
	a->printed = true;
	a->last_out = s[n - 1];
}

static void sink_begin(void *ud)
{
	struct agent *a = ud;
	prov_reader_reset(a->reader);
	if (a->have_reply)
		prov_reply_release(&a->reply);
	a->have_reply = false;
}

static int sink_data(void *ud, const char *p, size_t n)
{
	return prov_reader_feed(((struct agent *)ud)->reader, p, n);
}

static int sink_end(void *ud)
{
	struct agent *a = ud;
	if (prov_reader_finish(a->reader, &a->reply))
		return -1;
	a->have_reply = true;
	return 0;
}

static bool sink_shown(void *ud)
{
	struct agent *a = ud;
	return a->show_text && prov_reader_shown(a->reader);
}

static bool sink_veto(void *ud, long status, const char *body, size_t n)
{
	return prov_no_retry(((struct agent *)ud)->c->kind, status, body, n);
}

static void sink_retrying(void *ud, unsigned attempt, long status, uint32_t wait_ms)
{
	struct agent *a = ud;
	trace(a, "retry", json_pack("{s:I,s:I,s:I}", "attempt", (json_int_t)attempt, "status",
				    (json_int_t)status, "wait_ms", (json_int_t)wait_ms));
}

static int request(struct agent *a)
{
	const struct ag_config *c = a->c;
	size_t ntools = offered_tools(a);
	char *system = system_prompt(a, ntools);
	size_t first = ag_window(a->history, c->history);
	json_t *msgs = json_array();
	for (size_t i = first; i < json_array_size(a->history); i++)
		json_array_append(msgs, json_array_get(a->history, i));
	uint32_t max_tokens = c->max_tokens;
	if (c->max_output_tokens) {
		uint64_t left = c->max_output_tokens - a->turn_output;
		if (!max_tokens || left < max_tokens)
			max_tokens = (uint32_t)left;
	}
	struct prov_params p = {
		.kind = c->kind,
		.base_url = c->base_url,
		.api_key = c->api_key,
		.model = c->model,
		.system = system,
		.messages = msgs,
		.tools = c->text_mode ? NULL : a->tools,
		.tool_count = c->text_mode ? 0 : ntools,
		.stream = c->stream,
		.text_mode = c->text_mode,
		.parallel_tools = c->parallel,
		.max_tokens = max_tokens,
	};
	struct prov_request rq = {0};
	char err[512];
	int rc = prov_build(&p, &rq, err, sizeof err);
	json_decref(msgs);
	free(system);
	if (rc) {
		say(a, "error: cannot build the request: %s", err);
		return -1;
	}
	a->reader = prov_reader_new(c->kind, c->stream, on_text, a);
	if (!a->reader) {
		prov_request_release(&rq);
		say(a, "error: out of memory");
		return -1;
	}
	a->show_text = c->stream && !c->json;
	a->requests++;
	trace(a, "request_start",
	      json_pack("{s:I,s:s,s:s,s:I,s:I,s:b}", "request", (json_int_t)a->requests, "provider",
			prov_name(c->kind), "model", c->model, "messages",
			(json_int_t)json_array_size(a->history) - (json_int_t)first, "tools",
			(json_int_t)ntools, "stream", c->stream));
	struct http_req hr = {rq.url, (const char *const *)rq.headers, rq.body, rq.body_len};
	struct http_sink sink = {sink_begin, sink_data, sink_end, sink_shown, sink_veto, sink_retrying, a};
	struct http_resp resp = {0};
	uint64_t t = now_us();
	ag_in_request = 1;
	rc = http_post(a->http, &hr, &sink, &resp);
	ag_in_request = 0;
	uint64_t latency = now_us() - t;
	if (!rc && !a->have_reply) {
		rc = -1;
		snprintf(resp.err, sizeof resp.err, "the answer was empty");
	}
	char why[600] = "";
	if (rc) {
		const char *rerr = prov_reader_error(a->reader);
		if (resp.status >= 400 && resp.body)
			prov_error_message(c->kind, resp.status, resp.body, resp.body_len, why, sizeof why);
		else if (resp.status >= 400 && rerr && *rerr)
			snprintf(why, sizeof why, "%s answered with an error: %s", prov_name(c->kind), rerr);
		else if (rerr && *rerr && resp.status >= 200 && resp.status < 300)
			snprintf(why, sizeof why, "%s: %s", prov_name(c->kind), rerr);
		else
			snprintf(why, sizeof why, "%s: %s", prov_name(c->kind), resp.err);
		if (resp.retries)
			snprintf(why + strlen(why), sizeof why - strlen(why), " (after %u retr%s)",
				 resp.retries, resp.retries == 1 ? "y" : "ies");
		/* A retry would repeat the text already printed. */
		if (resp.held_back)
			snprintf(why + strlen(why), sizeof why - strlen(why),
				 "; not retried, as part of the answer was already shown");
	}
	json_t *end = json_pack("{s:I,s:I,s:I,s:I}", "request", (json_int_t)a->requests,
				"latency_us", (json_int_t)latency, "status", (json_int_t)resp.status,
				"retries", (json_int_t)resp.retries);
	if (rc) {
		json_object_set_new(end, "error", json_string(why));
	} else {
		static const char *const stops[] = {"end", "tool_calls", "max_tokens", "other"};
		json_object_set_new(end, "stop", json_string(stops[a->reply.stop]));
		json_object_set_new(end, "stop_raw", json_string(a->reply.stop_raw));
		json_object_set_new(end, "input_tokens", json_integer((json_int_t)a->reply.usage.input));
		json_object_set_new(end, "output_tokens", json_integer((json_int_t)a->reply.usage.output));
	}
	trace(a, "request_end", end);
	prov_reader_free(a->reader);
	a->reader = NULL;
	prov_request_release(&rq);
	http_resp_release(&resp);
	if (rc) {
		if (a->printed && a->last_out != '\n')
			fputc('\n', a->out);
		a->printed = false;
		say(a, "error: %s", why);
		return -1;
	}
	a->in_tokens += a->reply.usage.input;
	a->out_tokens += a->reply.usage.output;
	a->turn_output += a->reply.usage.output;
	if (c->usage)
		fprintf(a->err, "usage: request %u: %llu input, %llu output tokens\n", a->requests,
			(unsigned long long)a->reply.usage.input,
			(unsigned long long)a->reply.usage.output);
	return 0;
}

/* ---- tool calls ---- */

static void call_result(struct ag_call *k, bool is_error, const char *status, const char *fmt,
			...) __attribute__((format(printf, 4, 5)));
static void call_result(struct ag_call *k, bool is_error, const char *status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	free(k->text);
	k->text = strdup(msg);
	k->len = k->text ? strlen(k->text) : 0;
	k->is_error = is_error;
	k->status = status;
}

/* What the model reads of a finished process: its output, then the verdict. */
static void process_result(struct agent *a, struct ag_call *k, enum inv_status st,
			   const struct rx_result *res, const char *why)
{
	struct jbuf b = {0};
	if (res->out_len) {
		size_t n;
		char *fixed = txt_utf8_repair(res->out, res->out_len, &n);
		jb_str(&b, fixed ? fixed : "");
		free(fixed);
	}
	char line[700];
	if (res->out_truncated) {
		snprintf(line, sizeof line, "\n[output truncated at %zu bytes]", res->out_len);
		jb_str(&b, line);
	}
	if (st != INV_OK) {
		snprintf(line, sizeof line, "%stool '%s' %s", b.len ? "\n" : "",
			 skc_str(a->t, k->tool->wire_name), why);
		jb_str(&b, line);
		if (res->err_len) {
			size_t n;
			char *fixed = txt_utf8_repair(res->err, res->err_len, &n);
			jb_str(&b, res->err_truncated ? "\nstderr (last part):\n" : "\nstderr:\n");
			jb_str(&b, fixed ? fixed : "");
			free(fixed);
		}
	}
	free(k->text);
	k->text = jb_take(&b, NULL);
	if (!k->text)
		k->text = strdup("");
	k->len = k->text ? strlen(k->text) : 0;
	k->is_error = st != INV_OK;
	static const char *const names[] = {"ok", "failed", "timeout", "bad_args", "cannot_run"};
	k->status = names[st];
	k->exit_code = res->exit_code;
	k->signal = res->term_signal;
}

static void run_builtin(struct agent *a, struct ag_call *k, const struct bi_def *d)
{
	struct bi_result r;
	bi_call(&a->bi, d, k->args, &r);
	if (r.changed)
		trace(a, r.changed > 0 ? "skill_activate" : "skill_deactivate",
		      json_pack("{s:s}", "skill", skc_str(a->t, r.skill->name)));
	if (r.binary) {
		const char *path = skc_str(a->t, r.binary->path);
		call_result(k, false, "ok", "file '%s' of skill '%s' is binary (%llu bytes, %s); it cannot be shown as text",
			    path, skc_str(a->t, r.skill->name), (unsigned long long)r.binary->size,
			    bi_mime_type(path, false));
	} else {
		free(k->text);
		k->text = r.text;
		k->len = r.len;
		k->is_error = r.is_error;
		k->status = r.is_error ? "error" : "ok";
		r.text = NULL;
	}
	bi_result_release(&r);
}

/* Check a call and start it; calls that cannot run get their result at once. */
/* A protocol tool's questions during `run`: the model this run talks to,
 * and the person at the terminal. */
static json_t *run_ask(void *ud, const char *method, json_t *params, char *err, size_t errn)
{
	struct agent *a = ud;
	if (!strcmp(method, "elicitation/create"))
		return ask_user(params, -1, err, errn);
	return ask_model(a->c, params, err, errn);
}

static void run_log(void *ud, const char *tool, const char *level, json_t *data)
{
	struct agent *a = ud;
	char *s = json_dumps(data, JSON_COMPACT);
	if (!a->c->json)
		fprintf(a->err, "%s: %s: %s\n", tool, level, s ? s : "");
	trace(a, "tool_log", json_pack("{s:s,s:s,s:O}", "name", tool, "level", level, "data", data));
	free(s);
}

static void start_call(struct agent *a, struct ag_call *k, const char *arguments)
{
	const struct skc_table *t = a->t;
	k->start_us = now_us();
	trace(a, "tool_start", json_pack("{s:s,s:s}", "id", k->id, "name", k->name));
	json_error_t je;
	const char *p = arguments ? arguments : "";
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	k->args = *p ? json_loads(arguments, JSON_REJECT_DUPLICATES, &je) : json_object();
	if (!k->args || !json_is_object(k->args)) {
		if (k->args)
			call_result(k, true, "bad_args", "the arguments for '%.100s' must be one JSON object", k->name);
		else
			call_result(k, true, "bad_args", "the arguments for '%.100s' are not valid JSON (%s, at character %d); send one JSON object",
				    k->name, je.text, je.position);
		return;
	}
	const struct bi_def *d = bi_find(k->name);
	if (d) {
		run_builtin(a, k, d);
		return;
	}
	k->tool = tbl_tool(t, k->name);
	if (!k->tool) {
		const char *near = tbl_suggest(t, k->name);
		if (near && tbl_tool(t, near))
			call_result(k, true, "unknown", "no tool named '%.100s'; did you mean '%s'?", k->name, near);
		else
			call_result(k, true, "unknown", "no tool named '%.100s'; activate a skill to get its tools (list_skills shows them)",
				    k->name);
		return;
	}
	if (!tool_active(a, k->tool)) {
		call_result(k, true, "inactive", "tool '%s' belongs to skill '%s', which is not active; call activate_skill first",
			    k->name, skc_str(t, t->skills[k->tool->skill].name));
		return;
	}
	char err[512];
	if (ra_validate(t, k->tool, k->args, err, sizeof err)) {
		call_result(k, true, "bad_args", "invalid arguments for '%s': %s", k->name, err);
		return;
	}
	struct inv_opts o = {.timeout_ms = a->c->tool_timeout_ms};
	if (k->tool->args == SKC_ARGS_SKILLZ) {
		/* It may ask questions and call tools: run it here, to the end. */
		int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
		struct cb_sync sync = {.ask = run_ask, .log = run_log, .ud = a, .sampling = true,
				       .elicitation = tty >= 0, .stop = (const volatile int *)&ag_signal};
		if (tty >= 0)
			close(tty);
		struct rx_result res;
		enum inv_status st = cb_run(t, k->tool, k->args, &o, &sync, &res, err, sizeof err);
		process_result(a, k, st, &res, err);
		rx_result_release(&res);
		return;
	}
	enum inv_status st = inv_start(t, k->tool, k->args, &o, &k->inv, err, sizeof err);
	if (st != INV_OK) {
		struct rx_result none = {.out = "", .err = "", .exit_code = -1};
		process_result(a, k, st, &none, err);
	}
}

static void finish_call(struct agent *a, struct ag_call *k)
{
	struct rx_result res;
	char why[512];
	enum inv_status st = inv_finish(k->inv, &res, why, sizeof why);
	k->inv = NULL;
	process_result(a, k, st, &res, why);
	rx_result_release(&res);
}

/* Run every call at once (at most AG_MAX_JOBS processes), in poll(). */
static void run_calls(struct agent *a, struct ag_call *calls, size_t n, const json_t *blocks)
{
	size_t next = 0, running = 0;
	for (;;) {
		while (next < n && running < AG_MAX_JOBS && !ag_signal) {
			struct ag_call *k = &calls[next];
			const json_t *b = json_array_get(blocks, next++);
			start_call(a, k, json_string_value(json_object_get(b, "arguments")));
			running += k->inv != NULL;
			if (!k->inv)
				trace(a, "tool_end", json_pack("{s:s,s:s,s:I,s:s,s:b}", "id", k->id, "name", k->name,
								"duration_us", (json_int_t)(now_us() - k->start_us),
								"status", k->status, "is_error", k->is_error));
		}
		if (!running && (next == n || ag_signal))
			break;
		struct pollfd fds[AG_MAX_JOBS * RX_POLLFDS];
		int nfds = 0, timeout = -1;
		for (size_t i = 0; i < next; i++) {
			if (!calls[i].inv)
				continue;
			if (ag_signal)
				rx_kill(calls[i].inv->proc);
			nfds += rx_pollfds(calls[i].inv->proc, fds + nfds, RX_POLLFDS);
			int tm = rx_timeout_ms(calls[i].inv->proc);
			if (tm >= 0 && (timeout < 0 || tm < timeout))
				timeout = tm;
		}
		uint64_t elapsed = (now_us() - a->turn_start_us) / 1000;
		int left = elapsed >= a->c->max_ms ? 0 : (int)(a->c->max_ms - elapsed);
		if (timeout < 0 || left < timeout)
			timeout = left;
		if (poll(fds, (nfds_t)nfds, timeout) < 0 && errno != EINTR)
			break;
		bool over = (now_us() - a->turn_start_us) / 1000 >= a->c->max_ms;
		for (size_t i = 0; i < next; i++) {
			struct ag_call *k = &calls[i];
			if (!k->inv)
				continue;
			if (over || ag_signal)
				rx_kill(k->inv->proc);
			if (rx_step(k->inv->proc)) {
				finish_call(a, k);
				running--;
				trace(a, "tool_end",
				      json_pack("{s:s,s:s,s:I,s:s,s:b,s:i,s:i}", "id", k->id, "name", k->name,
						"duration_us", (json_int_t)(now_us() - k->start_us), "status",
						k->status, "is_error", k->is_error, "exit_code", k->exit_code,
						"signal", k->signal));
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!calls[i].text)
			call_result(&calls[i], true, "interrupted",
				    "the run was interrupted before this call finished");
}

/* The tool message answering `blocks` (the reply's tool_call blocks). */
static json_t *results_message(struct ag_call *calls, size_t n)
{
	json_t *content = json_array();
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *fixed = txt_utf8_repair(calls[i].text ? calls[i].text : "", calls[i].len, &len);
		json_array_append_new(content,
				      json_pack("{s:s,s:s,s:s,s:s%,s:b}", "type", "tool_result", "id",
						calls[i].id, "name", calls[i].name, "text",
						fixed ? fixed : "", fixed ? len : 0, "is_error",
						calls[i].is_error));
		free(fixed);
	}
	return json_pack("{s:s,s:o}", "role", "tool", "content", content);
}

/* The reply's tool_call blocks; in text mode, the call its text holds. */
static bool known_tool(void *ud, const char *name)
{
	struct agent *a = ud;
	if (bi_find(name))
		return true;
	const struct skc_tool *tool = tbl_tool(a->t, name);
	return tool && tool_active(a, tool);
}

static json_t *reply_calls(struct agent *a, json_t *msg)
{
	json_t *calls = json_array(), *content = json_object_get(msg, "content");
	size_t i;
	json_t *b;
	if (!a->c->text_mode) {
		json_array_foreach(content, i, b)
			if (!strcmp(jstr(b, "type"), "tool_call"))
				json_array_append(calls, b);
		return calls;
	}
	struct jbuf text = {0};
	json_array_foreach(content, i, b)
		if (!strcmp(jstr(b, "type"), "text"))
			jb_str(&text, jstr(b, "text"));
	struct tcall tc;
	if (text.p && tcall_find(text.p, text.len, known_tool, a, &tc) == 1) {
		char id[32];
		snprintf(id, sizeof id, "text_call_%u", ++a->text_calls);
		char *args = json_dumps(tc.args, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_t *call = json_pack("{s:s,s:s,s:s,s:s,s:b}", "type", "tool_call", "id", id,
					 "name", tc.name, "arguments", args ? args : "{}",
					 "synthetic_id", 1);
		free(args);
		json_array_append(content, call);
		json_array_append_new(calls, call);
		tcall_release(&tc);
	}
	jb_release(&text);
	return calls;
}

/* ---- the turn ---- */

static json_t *user_message(struct agent *a, const char *task, const char *image, int *rc)
{
	json_t *content = json_array();
	json_array_append_new(content, json_pack("{s:s,s:s}", "type", "text", "text", task));
	if (!image)
		return json_pack("{s:s,s:o}", "role", "user", "content", content);
	static const struct {
		const char *ext, *type;
	} kinds[] = {{".png", "image/png"},
		     {".jpg", "image/jpeg"},
		     {".jpeg", "image/jpeg"},
		     {".gif", "image/gif"},
		     {".webp", "image/webp"}};
	const char *dot = strrchr(image, '.'), *type = NULL;
	for (size_t i = 0; dot && i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcasecmp(dot, kinds[i].ext))
			type = kinds[i].type;
	FILE *f = type ? fopen(image, "rb") : NULL;
	unsigned char *data = NULL;
	size_t n = 0;
	if (f) {
		data = malloc(AG_MAX_IMAGE + 1);
		n = data ? fread(data, 1, AG_MAX_IMAGE + 1, f) : 0;
		fclose(f);
	}
	char *b64 = data && n && n <= AG_MAX_IMAGE ? txt_base64(data, n) : NULL;
	free(data);
	if (!b64) {
		if (!type)
			say(a, "error: image '%s' is not PNG, JPEG, GIF or WebP (by its name)", image);
		else if (!f)
			say(a, "error: cannot read image '%s': %s", image, strerror(errno));
		else
			say(a, "error: image '%s' is empty or larger than %d MiB", image, AG_MAX_IMAGE >> 20);
		json_decref(content);
		*rc = AG_USAGE;
		return NULL;
	}
	json_array_append_new(content, json_pack("{s:s,s:s,s:s}", "type", "image", "media_type",
						 type, "data", b64));
	free(b64);
	return json_pack("{s:s,s:o}", "role", "user", "content", content);
}

/* Tool calls of the last assistant message that have no results yet. */
static json_t *pending_calls(struct agent *a)
{
	size_t n = json_array_size(a->history);
	json_t *last = n ? json_array_get(a->history, n - 1) : NULL;
	if (!last || strcmp(role_of(last), "assistant"))
		return NULL;
	json_t *calls = json_array();
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(last, "content"), i, b)
		if (!strcmp(jstr(b, "type"), "tool_call"))
			json_array_append(calls, b);
	if (!json_array_size(calls)) {
		json_decref(calls);
		return NULL;
	}
	return calls;
}

/*
 * A session killed while its tools ran ends in calls without results. They
 * are not run again (a tool may have done half its work): each gets an error
 * result saying so, and the model decides.
 */
static int close_pending(struct agent *a)
{
	json_t *calls = pending_calls(a);
	if (!calls)
		return 0;
	size_t n = json_array_size(calls);
	struct ag_call *k = calloc(n, sizeof *k);
	int rc = -1;
	if (k) {
		for (size_t i = 0; i < n; i++) {
			json_t *b = json_array_get(calls, i);
			k[i].id = jstr(b, "id");
			k[i].name = jstr(b, "name");
			call_result(&k[i], true, "interrupted",
				    "the run was interrupted before this call finished; call it again if it is still needed");
		}
		json_t *msg = results_message(k, n);
		rc = record(a, msg);
		json_decref(msg);
		for (size_t i = 0; i < n; i++)
			free(k[i].text);
		free(k);
	}
	json_decref(calls);
	return rc;
}

bool ag_unfinished(const struct agent *a)
{
	size_t n = json_array_size(a->history);
	if (!n)
		return false;
	const char *role = role_of(json_array_get(a->history, n - 1));
	if (strcmp(role, "assistant"))
		return true;
	json_t *calls = pending_calls((struct agent *)a);
	bool pending = calls != NULL;
	json_decref(calls);
	return pending;
}

static const char *cap_name(int rc)
{
	switch (rc) {
	case AG_CAP_ITERATIONS: return "max_iterations";
	case AG_CAP_TOOL_CALLS: return "max_tool_calls";
	case AG_CAP_TOKENS: return "max_output_tokens";
	case AG_CAP_TIME: return "max_time";
	case AG_PROVIDER: return "provider_error";
	case AG_FILES: return "session_error";
	case AG_INTERRUPTED: return "interrupted";
	case AG_USAGE: return "usage";
	}
	return rc ? "error" : "answered";
}

static char *reply_text(const json_t *msg)
{
	struct jbuf b = {0};
	size_t i;
	json_t *blk;
	json_array_foreach(json_object_get(msg, "content"), i, blk)
		if (!strcmp(jstr(blk, "type"), "text"))
			jb_str(&b, jstr(blk, "text"));
	char *out = jb_take(&b, NULL);
	return out ? out : strdup("");
}

static int turn_loop(struct agent *a)
{
	const struct ag_config *c = a->c;
	for (;;) {
		json_t *calls = pending_calls(a);
		if (calls) {
			size_t n = json_array_size(calls);
			if (a->tool_calls + n > c->max_tool_calls) {
				json_decref(calls);
				say(a, "error: stopped: the model asked for %zu more tool call%s, past the limit of %u (--max-tool-calls)",
				    n, n == 1 ? "" : "s", c->max_tool_calls);
				return AG_CAP_TOOL_CALLS;
			}
			a->tool_calls += (uint32_t)n;
			struct ag_call *k = calloc(n, sizeof *k);
			if (!k) {
				json_decref(calls);
				say(a, "error: out of memory");
				return AG_PROVIDER;
			}
			for (size_t i = 0; i < n; i++) {
				json_t *b = json_array_get(calls, i);
				k[i].id = jstr(b, "id");
				k[i].name = jstr(b, "name");
			}
			run_calls(a, k, n, calls);
			json_t *msg = results_message(k, n);
			for (size_t i = 0; i < n; i++) {
				json_decref(k[i].args);
				free(k[i].text);
			}
			free(k);
			json_decref(calls);
			int w = record(a, msg);
			json_decref(msg);
			if (w)
				return AG_FILES;
			if (ag_signal) {
				say(a, "error: interrupted; the session keeps every finished step");
				return AG_INTERRUPTED;
			}
		}
		if (a->iterations >= c->max_iterations) {
			say(a, "error: stopped after %u model requests without a final answer (--max-iterations)",
			    a->iterations);
			return AG_CAP_ITERATIONS;
		}
		if ((now_us() - a->turn_start_us) / 1000 >= c->max_ms) {
			say(a, "error: stopped after %.0f s without a final answer (--max-time)",
			    c->max_ms / 1000.0);
			return AG_CAP_TIME;
		}
		if (c->max_output_tokens && a->turn_output >= c->max_output_tokens) {
			say(a, "error: stopped: %llu output tokens used, the limit is %llu (--max-output-tokens)",
			    (unsigned long long)a->turn_output, (unsigned long long)c->max_output_tokens);
			return AG_CAP_TOKENS;
		}
		a->iterations++;
		if (request(a))
			return AG_PROVIDER;
		if (ag_signal) { /* it came as the request ended: keep the reply, stop */
			json_t *m = a->reply.message;
			int w = record(a, m);
			prov_reply_release(&a->reply);
			a->have_reply = false;
			say(a, "error: interrupted; the session keeps every finished step");
			return w ? AG_FILES : AG_INTERRUPTED;
		}
		json_t *msg = json_incref(a->reply.message);
		enum prov_stop stop = a->reply.stop;
		prov_reply_release(&a->reply);
		a->have_reply = false;
		json_t *calls_now = reply_calls(a, msg);
		bool has_calls = json_array_size(calls_now) > 0;
		json_decref(calls_now);
		int w = record(a, msg);
		if (!has_calls) {
			free(a->answer);
			a->answer = reply_text(msg);
			json_decref(msg);
			if (w)
				return AG_FILES;
			if (stop == PROV_STOP_MAX_TOKENS)
				say(a, "warning: the answer was cut at the output token limit");
			return AG_OK;
		}
		json_decref(msg);
		if (w)
			return AG_FILES;
		if (a->printed && a->last_out != '\n') {
			fputc('\n', a->out);
			a->last_out = '\n';
		}
	}
}

int ag_turn(struct agent *a, const char *task, const char *image)
{
	const struct ag_config *c = a->c;
	a->iterations = a->tool_calls = 0;
	a->turn_output = 0;
	a->turn_start_us = now_us();
	a->printed = false;
	a->last_out = '\n';
	free(a->answer);
	a->answer = NULL;
	int rc = AG_OK;
	if (task) {
		json_t *msg = user_message(a, task, image, &rc);
		if (!msg)
			return rc;
		rc = close_pending(a) || record(a, msg) ? AG_FILES : AG_OK;
		json_decref(msg);
	} else if (!ag_unfinished(a)) {
		say(a, "error: nothing to do: give a task (the session has no unfinished turn)");
		rc = AG_USAGE;
	} else if (close_pending(a)) {
		rc = AG_FILES;
	}
	trace(a, "turn_start", json_pack("{s:b}", "resumed", task == NULL));
	if (rc == AG_OK)
		rc = turn_loop(a);
	if (a->printed && a->last_out != '\n')
		fputc('\n', a->out);
	if (!c->json && !c->stream && rc == AG_OK && a->answer) {
		fputs(a->answer, a->out);
		if (!*a->answer || a->answer[strlen(a->answer) - 1] != '\n')
			fputc('\n', a->out);
	}
	if (c->json) {
		json_t *doc = json_pack("{s:s?,s:s,s:i,s:I,s:I,s:{s:I,s:I,s:I},s:s,s:s}", "answer",
					rc == AG_OK ? a->answer : NULL, "reason", cap_name(rc), "exit", rc,
					"iterations", (json_int_t)a->iterations, "tool_calls",
					(json_int_t)a->tool_calls, "usage", "input",
					(json_int_t)a->in_tokens, "output", (json_int_t)a->out_tokens,
					"requests", (json_int_t)a->requests, "provider",
					prov_name(c->kind), "model", c->model);
		json_dumpf(doc, a->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', a->out);
		json_decref(doc);
	}
	fflush(a->out);
	trace(a, "turn_end", json_pack("{s:i,s:s,s:I,s:I}", "exit", rc, "reason", cap_name(rc),
				       "iterations", (json_int_t)a->iterations, "tool_calls",
				       (json_int_t)a->tool_calls));
	return rc;
}

void ag_finish(struct agent *a, int rc)
{
	if (a->c->usage)
		fprintf(a->err, "usage: total: %llu input, %llu output tokens in %u request%s\n",
			(unsigned long long)a->in_tokens, (unsigned long long)a->out_tokens,
			a->requests, a->requests == 1 ? "" : "s");
	trace(a, "usage", json_pack("{s:I,s:I,s:I}", "input_tokens", (json_int_t)a->in_tokens,
				    "output_tokens", (json_int_t)a->out_tokens, "requests",
				    (json_int_t)a->requests));
	trace(a, "run_end", json_pack("{s:i}", "exit", rc));
}

struct agent *ag_new(const struct skc_table *t, const struct ag_config *c, char *err,
		     size_t errn)
{
	struct agent *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(err, errn, "out of memory");
		return NULL;
	}
	a->t = t;
	a->c = c;
	a->out = c->out ? c->out : stdout;
	a->err = c->err ? c->err : stderr;
	a->session_fd = -1;
	a->t0_us = now_us();
	a->history = json_array();
	a->tools = calloc(BI_COUNT + t->tool_count, sizeof *a->tools);
	if (!a->history || !a->tools || bi_state_init(&a->bi, t, true)) {
		snprintf(err, errn, "out of memory");
		ag_free(a);
		return NULL;
	}
	a->http = http_new(&c->http);
	if (!a->http) {
		snprintf(err, errn, "cannot set up the HTTP client (libcurl)");
		ag_free(a);
		return NULL;
	}
	if (c->trace) {
		a->trace = fopen(c->trace, "ae");
		if (!a->trace) {
			snprintf(err, errn, "cannot open trace '%s': %s", c->trace, strerror(errno));
			ag_free(a);
			return NULL;
		}
	}
	if (c->session && load_session(a, err, errn)) {
		ag_free(a);
		return NULL;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	trace(a, "run_start", json_pack("{s:s,s:s,s:s,s:I}", "agent", skc_str(t, t->agent_name),
					"provider", prov_name(c->kind), "model", c->model,
					"history", (json_int_t)json_array_size(a->history)));
	return a;
}

void ag_free(struct agent *a)
{
	if (!a)
		return;
	if (a->have_reply)
		prov_reply_release(&a->reply);
	prov_reader_free(a->reader);
	http_free(a->http);
	json_decref(a->history);
	free(a->tools);
	free(a->answer);
	bi_state_release(&a->bi);
	if (a->session_fd >= 0)
		close(a->session_fd);
	if (a->trace)
		fclose(a->trace);
	free(a);
}
