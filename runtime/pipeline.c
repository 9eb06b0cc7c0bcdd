/*
 * pipeline.c - pipeline tools: references and conditions over the outputs
 * of earlier steps, and the steps run one after another through invoke.
 */
/* pipe2 */
#define _GNU_SOURCE
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "callback.h"
#include "jbuf.h"
#include "text.h"

/* ---------------------------------------------------------- references */

static bool pipe_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool pipe_ident_char(char c)
{
	return pipe_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}

/* Length of the reference at s[0..n) (s[0] == '$'), or 0 when there is none. */
static size_t pipe_ref_len(const char *s, size_t n)
{
	if (n < 2 || s[0] != '$' || !pipe_ident_start(s[1]))
		return 0;
	size_t e = 2;
	while (e < n && pipe_ident_char(s[e]))
		e++;
	while (e + 1 < n && s[e] == '.' && pipe_ident_char(s[e + 1])) {
		e++;
		while (e < n && pipe_ident_char(s[e]))
			e++;
	}
	return e;
}

/* One field of a value: a member of an object, an index into an array. */
static json_t *pipe_field(json_t *v, const char *f, size_t n)
{
	if (json_is_object(v)) {
		char key[256];
		if (n >= sizeof key)
			return NULL;
		memcpy(key, f, n);
		key[n] = '\0';
		return json_object_get(v, key);
	}
	if (json_is_array(v)) {
		size_t idx = 0;
		if (!n || n > 9 || (n > 1 && f[0] == '0'))
			return NULL;
		for (size_t i = 0; i < n; i++) {
			if (f[i] < '0' || f[i] > '9')
				return NULL;
			idx = idx * 10 + (size_t)(f[i] - '0');
		}
		return json_array_get(v, idx);
	}
	return NULL;
}

json_t *pipe_lookup(const struct pipe_scope *sc, const char *ref, size_t len)
{
	if (len < 2 || ref[0] != '$')
		return NULL;
	size_t rl = 1;
	while (rl < len && ref[rl] != '.')
		rl++;
	const char *root = ref + 1;
	size_t root_len = rl - 1;
	json_t *v = NULL;
	if (root_len == 5 && !memcmp(root, "input", 5)) {
		v = sc->input;
	} else if (root_len == 4 && !memcmp(root, "prev", 4)) {
		v = sc->prev;
	} else {
		/* The latest of that name: names are unique, so the only one. */
		for (size_t i = sc->n; i-- > 0;) {
			const char *nm = sc->names ? sc->names[i] : NULL;
			if (nm && strlen(nm) == root_len && !memcmp(nm, root, root_len)) {
				v = sc->outputs[i];
				break;
			}
		}
	}
	const char *p = ref + rl, *end = ref + len;
	for (int depth = 0; v && p < end; depth++) {
		if (depth >= PIPE_MAX_PATH)
			return NULL;
		p++; /* the '.' */
		const char *f = p;
		while (p < end && *p != '.')
			p++;
		v = pipe_field(v, f, (size_t)(p - f));
	}
	return v;
}

/* A string's references replaced by their text; `$$` becomes `$`. */
static json_t *pipe_interpolate(const char *s, size_t n, const struct pipe_scope *sc)
{
	struct jbuf b = {0};
	size_t k = 0, lit = 0;
	while (k < n) {
		if (s[k] != '$') {
			k++;
			continue;
		}
		size_t rl = k + 1 < n && s[k + 1] == '$' ? 0 : pipe_ref_len(s + k, n - k);
		jb_put(&b, s + lit, k - lit);
		if (!rl) {
			/* "$$" or a lone '$': one '$' of it */
			jb_put(&b, "$", 1);
			k += k + 1 < n && s[k + 1] == '$' ? 2 : 1;
			lit = k;
			continue;
		}
		json_t *v = pipe_lookup(sc, s + k, rl);
		if (json_is_string(v)) {
			jb_put(&b, json_string_value(v), json_string_length(v));
		} else if (v) {
			char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			if (text)
				jb_str(&b, text);
			free(text);
		}
		k += rl;
		lit = k;
	}
	jb_put(&b, s + lit, n - lit);
	json_t *out = b.failed ? NULL : json_stringn(b.p ? b.p : "", b.len);
	jb_release(&b);
	return out;
}

/* The value for one template value; NULL: missing (a whole reference to nothing). */
static json_t *pipe_value(const json_t *v, const struct pipe_scope *sc, bool *oom)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		if (!memchr(s, '$', n))
			return json_incref((json_t *)v);
		if (pipe_ref_len(s, n) == n) {
			json_t *x = pipe_lookup(sc, s, n);
			return x ? json_deep_copy(x) : NULL;
		}
		json_t *x = pipe_interpolate(s, n, sc);
		*oom |= !x;
		return x;
	}
	if (json_is_object(v)) {
		json_t *o = json_object();
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) {
			json_t *r = pipe_value(x, sc, oom);
			if (r)
				json_object_set_new(o, k, r);
		}
		return o;
	}
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			json_t *r = pipe_value(x, sc, oom);
			json_array_append_new(a, r ? r : json_null());
		}
		return a;
	}
	return json_incref((json_t *)v);
}

json_t *pipe_subst(const json_t *tmpl, const struct pipe_scope *sc)
{
	bool oom = false;
	json_t *v = pipe_value(tmpl, sc, &oom);
	if (!v)
		v = json_object();
	if (oom) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* JSON's idea of truth, as in most scripting languages. */
static bool pipe_truthy(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_NULL:
	case JSON_FALSE: return false;
	case JSON_TRUE: return true;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0;
	case JSON_STRING: return json_string_length(v) != 0;
	case JSON_ARRAY: return json_array_size(v) != 0;
	case JSON_OBJECT: return json_object_size(v) != 0;
	}
	return false;
}

/* Equal as JSON, with 1 and 1.0 the same number. */
static bool pipe_equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal(a ? a : json_null(), b ? b : json_null());
}

bool pipe_cond(uint8_t op, const char *ref, const char *value, const struct pipe_scope *sc)
{
	if (op == SKC_COND_ALWAYS)
		return true;
	json_t *v = ref ? pipe_lookup(sc, ref, strlen(ref)) : NULL;
	if (op == SKC_COND_TRUTHY || op == SKC_COND_FALSY)
		return pipe_truthy(v) == (op == SKC_COND_TRUTHY);
	json_t *w = json_loads(value ? value : "null", JSON_DECODE_ANY, NULL);
	bool eq = pipe_equal(v ? v : json_null(), w ? w : json_null());
	json_decref(w);
	return op == SKC_COND_EQ ? eq : op == SKC_COND_NE ? !eq : false;
}

/* ---------------------------------------------------------------- runs */

struct pipe_ctx {
	const struct skc_table *t;
	uint64_t deadline_us;
	uint32_t budget_ms;
	int watch_fd;    /* the watchdog's pipe (pipe_start); -1: none */
	struct jbuf log; /* the pipeline's stderr */
};

/* The result of a pipeline, or of one step. */
struct pipe_out {
	json_t *value; /* NULL: no step ran */
	char *raw;     /* the stdout it came from (malloc'd) */
	size_t raw_len;
};

static void pipe_out_release(struct pipe_out *o)
{
	json_decref(o->value);
	free(o->raw);
	memset(o, 0, sizeof *o);
}

static uint64_t pipe_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Tell the watchdog which process group to kill should we die (0: none). */
static void pipe_watch_set(struct pipe_ctx *px, pid_t pid)
{
	if (px->watch_fd < 0)
		return;
	while (write(px->watch_fd, &pid, sizeof pid) < 0 && errno == EINTR)
		;
}

/* A step's stdout as its output: JSON when it parses, else the text. */
static json_t *pipe_parse_output(const char *s, size_t n)
{
	json_t *v = n ? json_loadb(s, n, JSON_DECODE_ANY, NULL) : NULL;
	if (v)
		return v;
	if (n && s[n - 1] == '\n')
		n -= n > 1 && s[n - 2] == '\r' ? 2 : 1;
	size_t fixed_len;
	char *fixed = txt_utf8_repair(s, n, &fixed_len);
	v = fixed ? json_stringn(fixed, fixed_len) : NULL;
	free(fixed);
	return v ? v : json_string("");
}

/* One script or WASM step, under the pipeline's deadline. */
static enum inv_status pipe_call(struct pipe_ctx *px, const struct skc_tool *tool, json_t *args,
				 struct rx_result *res, bool *budget_cut, char *err, size_t errn)
{
	uint64_t now = pipe_now_us();
	uint32_t own = tool->timeout_ms ? tool->timeout_ms : INV_DEFAULT_TIMEOUT_MS;
	memset(res, 0, sizeof *res);
	if (now >= px->deadline_us) {
		*budget_cut = true;
		snprintf(err, errn, "did not start: the pipeline's %.3g s were used up",
			 px->budget_ms / 1000.0);
		return INV_TIMEOUT;
	}
	uint64_t left_ms = (px->deadline_us - now + 999) / 1000;
	struct inv_opts o = {.timeout_ms = own};
	if (left_ms < own) {
		o.timeout_ms = (uint32_t)left_ms;
		*budget_cut = true;
	}
	if (tool->args == SKC_ARGS_SKILLZ) {
		/* A protocol step: its own requests are served here; nobody can
		 * be asked a question from inside a pipeline. */
		struct cb_sync sync = {0};
		return cb_run(px->t, tool, args, &o, &sync, res, err, errn);
	}
	struct inv_call *c;
	enum inv_status st = inv_start(px->t, tool, args, &o, &c, err, errn);
	if (st != INV_OK)
		return st;
	pipe_watch_set(px, rx_pid(c->proc));
	while (!rx_step(c->proc)) {
		struct pollfd fds[RX_POLLFDS];
		int n = rx_pollfds(c->proc, fds, RX_POLLFDS);
		if (poll(fds, (nfds_t)n, rx_timeout_ms(c->proc)) < 0 && errno != EINTR)
			break;
	}
	st = inv_finish(c, res, err, errn);
	pipe_watch_set(px, 0);
	return st;
}

static enum inv_status pipe_exec(struct pipe_ctx *px, const struct skc_tool *tool, json_t *input,
				 int depth, struct pipe_out *out, char *err, size_t errn);

/* A status line on the pipeline's stderr. */
static void pipe_log(struct pipe_ctx *px, const char *label, const char *wire, const char *what)
{
	char line[700];
	int n = snprintf(line, sizeof line, "pipeline: %s (%s): %s\n", label, wire, what);
	jb_put(&px->log, line, n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/*
 * Run one step: its arguments from the template, checked against its
 * tool's parameters, then the tool (a pipeline in this process, anything
 * else through invoke). *out gets its output on success.
 */
static enum inv_status pipe_step(struct pipe_ctx *px, const struct skc_step *st,
				 const struct skc_tool *tool, const struct pipe_scope *sc, int depth,
				 struct pipe_out *out, bool *budget_cut, char *err, size_t errn)
{
	const struct skc_table *t = px->t;
	json_t *tmpl = json_loadb(skc_str(t, st->args), st->args.len, 0, NULL);
	json_t *args = tmpl ? pipe_subst(tmpl, sc) : NULL;
	json_decref(tmpl);
	enum inv_status s;
	if (!args) {
		snprintf(err, errn, "its argument template could not be read");
		return INV_CANNOT_RUN;
	}
	char why[400];
	if (ra_validate(t, tool, args, why, sizeof why) != 0) {
		snprintf(err, errn, "got arguments it cannot take: %s", why);
		json_decref(args);
		return INV_BAD_ARGS;
	}
	if (tool->kind == SKC_KIND_PIPELINE) {
		if (depth + 1 >= PIPE_MAX_DEPTH) {
			snprintf(err, errn, "nests pipelines deeper than %d", PIPE_MAX_DEPTH);
			s = INV_CANNOT_RUN;
		} else {
			s = pipe_exec(px, tool, args, depth + 1, out, err, errn);
		}
		json_decref(args);
		return s;
	}
	struct rx_result res;
	s = pipe_call(px, tool, args, &res, budget_cut, err, errn);
	json_decref(args);
	if (res.err_len) {
		jb_put(&px->log, res.err, res.err_len);
		if (res.err[res.err_len - 1] != '\n')
			jb_put(&px->log, "\n", 1);
	}
	if (s == INV_OK) {
		out->value = pipe_parse_output(res.out ? res.out : "", res.out_len);
		out->raw = res.out;
		out->raw_len = res.out_len;
		res.out = NULL;
	}
	rx_result_release(&res);
	return s;
}

static enum inv_status pipe_exec(struct pipe_ctx *px, const struct skc_tool *tool, json_t *input,
				 int depth, struct pipe_out *out, char *err, size_t errn)
{
	const struct skc_table *t = px->t;
	uint32_t n = tool->step_count;
	if (tool->step_first > t->step_count || n > t->step_count - tool->step_first) {
		snprintf(err, errn, "its steps are not in the table");
		return INV_CANNOT_RUN;
	}
	const char **names = calloc((size_t)n + 1, sizeof *names);
	json_t **outputs = calloc((size_t)n + 1, sizeof *outputs);
	struct pipe_out last = {0};
	enum inv_status result = INV_OK;
	if (!names || !outputs) {
		free(names);
		free(outputs);
		snprintf(err, errn, "out of memory");
		return INV_CANNOT_RUN;
	}
	struct pipe_scope sc = {.input = input, .names = names, .outputs = outputs};
	for (uint32_t k = 0; k < n; k++) {
		const struct skc_step *st = &t->steps[tool->step_first + k];
		char label[160], why[512], msg[700];
		if (st->name.len)
			snprintf(label, sizeof label, "step '%s'", skc_str(t, st->name));
		else
			snprintf(label, sizeof label, "step %u", (unsigned)k + 1);
		if (st->tool >= t->tool_count) {
			snprintf(err, errn, "%s names no tool in the table", label);
			result = INV_CANNOT_RUN;
			break;
		}
		const struct skc_tool *stool = &t->tools[st->tool];
		const char *wire = skc_str(t, stool->wire_name);
		names[k] = st->name.len ? skc_str(t, st->name) : NULL;
		sc.n = k;
		sc.prev = last.value;
		if (st->cond != SKC_COND_ALWAYS &&
		    !pipe_cond(st->cond, skc_str(t, st->cond_ref),
			       st->cond_value.len ? skc_str(t, st->cond_value) : NULL, &sc)) {
			snprintf(msg, sizeof msg, "skipped: its condition is false");
			pipe_log(px, label, wire, msg);
			continue;
		}
		struct pipe_out o = {0};
		bool cut = false;
		uint64_t t0 = pipe_now_us();
		enum inv_status s = pipe_step(px, st, stool, &sc, depth, &o, &cut, why, sizeof why);
		if (s == INV_OK) {
			snprintf(msg, sizeof msg, "ok in %.3f s", (double)(pipe_now_us() - t0) / 1e6);
			pipe_log(px, label, wire, msg);
		} else if (st->flags & SKC_STEP_CONTINUE && !(s == INV_TIMEOUT && cut)) {
			snprintf(msg, sizeof msg, "failed, continuing: %s", why);
			pipe_log(px, label, wire, msg);
			pipe_out_release(&o);
			o.value = json_pack("{s:s}", "error", why);
			struct jbuf b = {0};
			jb_json(&b, o.value);
			jb_put(&b, "\n", 1);
			o.raw = jb_take(&b, &o.raw_len);
			jb_release(&b);
		} else {
			snprintf(msg, sizeof msg, "failed: %s", why);
			pipe_log(px, label, wire, msg);
			pipe_out_release(&o);
			if (s == INV_TIMEOUT && cut)
				snprintf(err, errn, "ran out of its %.3g s in %s (%s), which was stopped",
					 px->budget_ms / 1000.0, label, wire);
			else
				snprintf(err, errn, "failed in %s (%s): %s", label, wire, why);
			result = s == INV_TIMEOUT ? INV_TIMEOUT : INV_FAILED;
			break;
		}
		if (!o.value)
			o.value = json_null();
		outputs[k] = o.value; /* owned by `outputs` from here */
		free(last.raw);
		last.value = o.value;
		last.raw = o.raw;
		last.raw_len = o.raw_len;
	}
	if (result == INV_OK) {
		out->value = last.value ? json_incref(last.value) : json_null();
		out->raw = last.raw;
		out->raw_len = last.raw_len;
		last.raw = NULL;
		if (!out->raw) { /* no step ran */
			out->raw = strdup("null\n");
			out->raw_len = out->raw ? 5 : 0;
		}
	}
	free(last.raw);
	for (uint32_t k = 0; k < n; k++)
		json_decref(outputs[k]);
	free(outputs);
	free(names);
	return result;
}

static uint32_t pipe_budget(const struct skc_tool *tool, const struct inv_opts *o)
{
	return o && o->timeout_ms ? o->timeout_ms
	       : tool->timeout_ms ? tool->timeout_ms
				  : INV_DEFAULT_TIMEOUT_MS;
}

/* Run the whole pipeline; res gets its stdout and stderr. */
static enum inv_status pipe_main(const struct skc_table *t, const struct skc_tool *tool,
				 json_t *args, uint32_t budget_ms, int watch_fd,
				 struct rx_result *res, char *err, size_t errn)
{
	uint64_t t0 = pipe_now_us();
	struct pipe_ctx px = {.t = t, .deadline_us = t0 + (uint64_t)budget_ms * 1000u,
			      .budget_ms = budget_ms, .watch_fd = watch_fd};
	struct pipe_out out = {0};
	memset(res, 0, sizeof *res);
	enum inv_status st = pipe_exec(&px, tool, args, 0, &out, err, errn);
	res->out = out.raw ? out.raw : strdup("");
	res->out_len = out.raw ? out.raw_len : 0;
	out.raw = NULL;
	pipe_out_release(&out);
	res->err = jb_take(&px.log, &res->err_len);
	if (!res->err)
		res->err = strdup("");
	jb_release(&px.log);
	res->exit_code = st == INV_OK ? 0 : 1;
	res->timed_out = st == INV_TIMEOUT;
	res->duration_us = pipe_now_us() - t0;
	return st;
}

enum inv_status pipe_run(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			 const struct inv_opts *o, struct rx_result *res, char *err, size_t errn)
{
	return pipe_main(t, tool, args, pipe_budget(tool, o), -1, res, err, errn);
}

/* ------------------------------------------------------ the forked copy */

/* The last line of a forked pipeline's stderr: its verdict. */
static const char pipe_mark[] = "skillc-pipeline-verdict: ";

/*
 * The watchdog: told the process group of each running step, and when the
 * pipeline's end of the pipe closes (it finished, or it was killed) it
 * kills the group that was running, if any.
 */
static void pipe_watchdog(int fd)
{
	pid_t cur = 0, v;
	ssize_t r;
	for (;;) {
		r = read(fd, &v, sizeof v);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)sizeof v)
			break;
		cur = v;
	}
	if (cur > 0)
		kill(-cur, SIGKILL);
	_exit(0);
}

struct pipe_child {
	const struct skc_table *t;
	const struct skc_tool *tool;
	json_t *args;
	uint32_t budget_ms;
};

static void pipe_put(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		b += w;
		n -= (size_t)w;
	}
}

/* The forked copy (rx_spec.run): the pipeline, its result on stdout. */
static int pipe_child_main(void *arg)
{
	const struct pipe_child *pc = arg;
	int wp[2] = {-1, -1};
	pid_t dog = -1;
	/* CLOEXEC: a step must not hold the pipe open, or our end would never close. */
	if (pipe2(wp, O_CLOEXEC) == 0) {
		dog = fork();
		if (dog == 0) {
			/* Its own group, so what kills the pipeline's leaves it; and none
			 * of our fds, so it keeps no pipe of the server's open. */
			setpgid(0, 0);
			for (int fd = 0; fd < 1024; fd++)
				if (fd != wp[0])
					close(fd);
			pipe_watchdog(wp[0]);
		}
		if (dog > 0)
			setpgid(dog, dog); /* both sides: whichever runs first */
		close(wp[0]);
		if (dog < 0) {
			close(wp[1]);
			wp[1] = -1;
		}
	}
	struct rx_result res;
	char err[600] = "";
	enum inv_status st = pipe_main(pc->t, pc->tool, pc->args, pc->budget_ms, wp[1], &res, err,
				       sizeof err);
	pipe_put(1, res.out, res.out_len);
	pipe_put(2, res.err, res.err_len);
	if (st != INV_OK) {
		char line[700];
		int n = snprintf(line, sizeof line, "%s%d %s\n", pipe_mark, (int)st, err);
		pipe_put(2, line, n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	}
	rx_result_release(&res);
	if (wp[1] >= 0)
		close(wp[1]);
	if (dog > 0)
		waitpid(dog, NULL, 0);
	return st == INV_OK ? 0 : 1;
}

enum inv_status pipe_start(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			   const struct inv_opts *o, struct inv_call **out, char *err, size_t errn)
{
	*out = NULL;
	struct inv_call *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errn, "out of memory");
		return INV_CANNOT_RUN;
	}
	struct pipe_child pc = {t, tool, args, pipe_budget(tool, o)};
	uint64_t deadline = (uint64_t)pc.budget_ms + PIPE_GRACE_MS;
	c->timeout_ms = deadline > UINT32_MAX ? UINT32_MAX : (uint32_t)deadline;
	c->output_cap = o && o->output_cap ? o->output_cap
			: tool->output_cap ? tool->output_cap
					   : INV_DEFAULT_OUTPUT_CAP;
	c->pipeline = true;
	snprintf(c->program, sizeof c->program, "%s", skc_str(t, tool->wire_name));
	const char *argv[] = {c->program, NULL};
	/* The copy is forked inside rx_start, so pc may live on this stack. */
	struct rx_spec spec = {
		.argv = argv,
		.timeout_ms = c->timeout_ms,
		.output_cap = c->output_cap,
		.run = pipe_child_main,
		.run_arg = &pc,
	};
	if (rx_start(&spec, &c->proc) != 0) {
		snprintf(err, errn, "cannot start: %s", strerror(errno));
		free(c);
		return INV_CANNOT_RUN;
	}
	*out = c;
	return INV_OK;
}

void pipe_verdict(struct rx_result *res, enum inv_status *st, char *err, size_t errn)
{
	if (*st != INV_FAILED || res->exit_code != 1 || !res->err || !res->err_len)
		return;
	size_t n = res->err_len;
	if (res->err[n - 1] == '\n')
		n--;
	size_t start = n;
	while (start > 0 && res->err[start - 1] != '\n')
		start--;
	size_t ml = sizeof pipe_mark - 1;
	if (n - start <= ml + 2 || memcmp(res->err + start, pipe_mark, ml))
		return;
	const char *p = res->err + start + ml;
	if (p[0] < '0' || p[0] > '4' || p[1] != ' ')
		return;
	*st = (enum inv_status)(p[0] - '0');
	snprintf(err, errn, "%.*s", (int)(res->err + n - p - 2), p + 2);
	res->err_len = start;
	res->err[start] = '\0';
}
