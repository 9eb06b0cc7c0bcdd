/* memmem, and nftw's FTW_PHYS and FTW_DEPTH */
#define _GNU_SOURCE
#include "invoke.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "cache.h"
#include "pipeline.h"
#include "sandbox.h"
#include "wasi.h"

size_t inv_interpreter(const struct skc_table *t, const struct skc_tool *tool, char *buf,
		       size_t bufn, const char **words, size_t max)
{
	size_t n = 0;
	if (!tool->interpreter.len || tool->interpreter.len >= bufn) {
		words[0] = NULL;
		return 0;
	}
	memcpy(buf, skc_str(t, tool->interpreter), tool->interpreter.len + 1);
	for (char *p = strtok(buf, " \t"); p && n + 1 < max; p = strtok(NULL, " \t"))
		words[n++] = p;
	words[n] = NULL;
	return n;
}

/* What a finished process means for the caller. */
static enum inv_status inv_verdict(const struct rx_result *res, const struct inv_call *c,
				   char *err, size_t errn)
{
	uint32_t timeout_ms = c->timeout_ms;
	if (res->spawn_errno) {
		snprintf(err, errn, "cannot start '%s': %s", c->program, strerror(res->spawn_errno));
		return INV_CANNOT_RUN;
	}
	if (res->out_capped && !res->timed_out) {
		snprintf(err, errn, "printed more than its output cap of %zu bytes and was stopped",
			 c->output_cap);
		return INV_FAILED;
	}
	if (res->timed_out) {
		snprintf(err, errn, "timed out after %.3g s; its process group was killed",
			 timeout_ms / 1000.0);
		return INV_TIMEOUT;
	}
	if (res->term_signal) {
		snprintf(err, errn, "killed by signal %d (%s)", res->term_signal,
			 strsignal(res->term_signal));
		return INV_FAILED;
	}
	if (c->wasm && res->exit_code == WASI_EXIT_TRAP) {
		const char *why = res->err ? strstr(res->err, "wasm trap: ") : NULL;
		snprintf(err, errn, "trapped: %.*s", why ? (int)strcspn(why + 11, "\n") : 7,
			 why ? why + 11 : "unknown");
		return INV_FAILED;
	}
	if (res->exit_code != 0) {
		snprintf(err, errn, "exited with status %d", res->exit_code);
		return INV_FAILED;
	}
	return INV_OK;
}

static int inv_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0; /* remove what can be removed */
}

/* The call's private TMPDIR: a fresh 0700 directory under the agent's. */
static char *inv_tmp_dir(char *err, size_t errn)
{
	const char *base = getenv("TMPDIR");
	if (!base || base[0] != '/')
		base = "/tmp";
	size_t n = strlen(base) + 32;
	char *d = malloc(n);
	if (!d) {
		snprintf(err, errn, "out of memory");
		return NULL;
	}
	snprintf(d, n, "%s/skillc-call-XXXXXX", base);
	if (!mkdtemp(d)) {
		snprintf(err, errn, "cannot make a temporary directory in '%s': %s", base,
			 strerror(errno));
		free(d);
		return NULL;
	}
	return d;
}

static uint64_t inv_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void inv_call_free(struct inv_call *c)
{
	if (!c)
		return;
	if (c->tmp_dir) {
		/* Mostly left empty: one rmdir, and a walk only when it is not. */
		if (rmdir(c->tmp_dir) < 0 && errno != ENOENT)
			nftw(c->tmp_dir, inv_rm_one, 16, FTW_DEPTH | FTW_PHYS);
		free(c->tmp_dir);
	}
	for (size_t i = 0; i < c->n_secrets; i++)
		free(c->secrets[i]);
	free(c->secrets);
	free(c->stdin_data);
	free(c);
}

static char *inv_strcat3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = malloc(la + lb + lc + 1);
	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb);
		memcpy(s + la + lb, c, lc + 1);
	}
	return s;
}

/* The declared secrets from our environment, as "NAME=value" in c->secrets. */
static int inv_secrets(const struct skc_table *t, const struct skc_tool *tool,
		       struct inv_call *c, char *err, size_t errn)
{
	const struct skc_perms *g = &tool->perms;
	c->secrets = calloc((size_t)g->secret_count + 1, sizeof *c->secrets);
	if (!c->secrets) {
		snprintf(err, errn, "out of memory");
		return -1;
	}
	for (uint32_t i = 0; i < g->secret_count && g->secret_first + i < t->secret_count; i++) {
		const struct skc_secret *sec = &t->secrets[g->secret_first + i];
		const char *name = skc_str(t, sec->name), *v = getenv(name);
		if (!v) {
			if (!sec->required)
				continue;
			snprintf(err, errn, "it needs the secret '%s': set %s in the agent's environment",
				 name, name);
			return -1;
		}
		if (!(c->secrets[c->n_secrets] = inv_strcat3(name, "=", v))) {
			snprintf(err, errn, "out of memory");
			return -1;
		}
		c->n_secrets++;
	}
	return 0;
}

/* Secret values in buf become "[secret NAME]"; short ones are left (they would
 * match too much to mean anything). */
void inv_redact(const struct inv_call *c, char **buf, size_t *len)
{
	for (size_t i = 0; i < c->n_secrets; i++) {
		const char *eq = strchr(c->secrets[i], '='), *v = eq + 1;
		size_t vn = strlen(v), nn = (size_t)(eq - c->secrets[i]);
		if (vn < 4 || !*buf)
			continue;
		char *hit = memmem(*buf, *len, v, vn);
		if (!hit)
			continue;
		size_t cap = *len + 1, n = 0;
		char *out = malloc(cap);
		if (!out)
			continue;
		const char *p = *buf, *end = *buf + *len;
		while (hit) {
			size_t keep = (size_t)(hit - p), add = nn + 9;
			while (n + keep + add + 1 > cap)
				cap *= 2;
			char *grown = realloc(out, cap);
			if (!grown) {
				free(out);
				return;
			}
			out = grown;
			memcpy(out + n, p, keep);
			n += keep;
			n += (size_t)sprintf(out + n, "[secret %.*s]", (int)nn, c->secrets[i]);
			p = hit + vn;
			hit = memmem(p, (size_t)(end - p), v, vn);
		}
		size_t rest = (size_t)(end - p);
		if (n + rest + 1 > cap) {
			char *grown = realloc(out, n + rest + 1);
			if (!grown) {
				free(out);
				return;
			}
			out = grown;
		}
		memcpy(out + n, p, rest);
		n += rest;
		out[n] = '\0';
		free(*buf);
		*buf = out;
		*len = n;
	}
}

/*
 * A WASM call made ready: the module's view of the world (wasi_config),
 * argument words or stdin, and the confinement, all owned here.
 */
struct inv_wasm {
	const struct skc_wasm *mod;
	struct wasi_config cfg;
	char **words, *in;
	size_t in_len;
	const char **argv, **env, **hosts;
	char **env_own, **pre_host;
	struct wasi_preopen *pre;
	size_t n_env_own;
	bool confined, have_pol;
	struct sb_policy pol;
	struct sb_child child;
};

static void inv_wasm_release(struct inv_wasm *w)
{
	sb_child_release(&w->child);
	if (w->have_pol)
		sb_policy_release(&w->pol);
	for (size_t i = 0; w->env_own && i < w->n_env_own; i++)
		free(w->env_own[i]);
	for (size_t i = 0; w->pre_host && w->pre_host[i]; i++)
		free(w->pre_host[i]);
	free(w->env_own);
	free(w->env);
	free(w->pre_host);
	free(w->pre);
	free(w->hosts);
	free(w->argv);
	ra_words_free(w->words);
	free(w->in);
	memset(w, 0, sizeof *w);
	w->child.ruleset_fd = -1;
}

/*
 * The module sees only what the grant lists: the variables named in env
 * and the secrets, the granted directories as preopens (read-only unless
 * under files.write), clock and random when granted. Landlock, the network
 * filter, no exec and the rlimits hold its process too.
 */
static enum inv_status inv_wasm_prepare(const struct skc_table *t, const struct skc_tool *tool,
					json_t *args, const struct inv_call *c, struct inv_wasm *w,
					char *err, size_t errn)
{
	const struct skc_perms *g = &tool->perms;
	memset(w, 0, sizeof *w);
	w->child.ruleset_fd = -1;
	w->mod = tool->wasm;
	if (ra_build(t, tool, args, &w->words, &w->in, &w->in_len, err, errn) != 0)
		return INV_BAD_ARGS;
	size_t n_words = 0;
	while (w->words[n_words])
		n_words++;
	size_t n_pre = (size_t)g->read_count + g->write_count;
	w->argv = calloc(n_words + 2, sizeof *w->argv);
	w->env = calloc((size_t)g->env_count + c->n_secrets + 1, sizeof *w->env);
	w->env_own = calloc((size_t)g->env_count + 1, sizeof *w->env_own);
	w->pre_host = calloc(n_pre + 1, sizeof *w->pre_host);
	w->pre = calloc(n_pre + 1, sizeof *w->pre);
	w->hosts = calloc((size_t)g->host_count + 1, sizeof *w->hosts);
	snprintf(err, errn, "out of memory");
	if (!w->argv || !w->env || !w->env_own || !w->pre_host || !w->pre || !w->hosts)
		return INV_CANNOT_RUN;
	struct wasi_config *cfg = &w->cfg;
	w->argv[0] = skc_str(t, tool->name);
	for (size_t i = 0; i < n_words; i++)
		w->argv[i + 1] = w->words[i];
	cfg->tool = skc_str(t, tool->wire_name);
	cfg->argv = w->argv;
	cfg->argc = n_words + 1;
	size_t ne = 0;
	for (uint32_t i = 0; i < g->env_count && g->env_first + i < t->perm_str_count; i++) {
		const char *name = skc_str(t, t->perm_strs[g->env_first + i]), *v = getenv(name);
		if (!v)
			continue;
		if (!(w->env_own[w->n_env_own] = inv_strcat3(name, "=", v)))
			return INV_CANNOT_RUN;
		w->env[ne++] = w->env_own[w->n_env_own++];
	}
	for (size_t i = 0; i < c->n_secrets; i++)
		w->env[ne++] = c->secrets[i];
	cfg->env = w->env;
	cfg->n_env = ne;
	size_t np = 0;
	for (uint32_t i = 0; i < n_pre; i++) {
		bool wr = i >= g->read_count;
		uint32_t k = wr ? g->write_first + i - g->read_count : g->read_first + i;
		if (k >= t->perm_str_count)
			continue;
		/* The module sees the directory where it is on the host, "~" expanded,
		 * so paths a model passes mean the same to a WASM tool as to a script. */
		if (!(w->pre_host[np] = sb_expand_path(skc_str(t, t->perm_strs[k]))))
			continue; /* "~" without a HOME: nothing to grant */
		w->pre[np] = (struct wasi_preopen){.host = w->pre_host[np], .guest = w->pre_host[np],
						   .write = wr};
		np++;
	}
	cfg->pre = w->pre;
	cfg->n_pre = np;
	cfg->clock = (g->flags & SKC_PERM_CLOCK) != 0;
	cfg->random = (g->flags & SKC_PERM_RANDOM) != 0;
	cfg->network = g->network;
	for (uint32_t i = 0; i < g->host_count && g->host_first + i < t->perm_str_count; i++)
		w->hosts[i] = skc_str(t, t->perm_strs[g->host_first + i]);
	cfg->hosts = w->hosts;
	cfg->n_hosts = g->host_count;
	uint64_t cap = g->memory ? g->memory : WASI_DEFAULT_MEMORY;
	cfg->mem_cap_pages = cap >> 16 > 65535 ? 65535 : (uint32_t)(cap >> 16);

	w->confined = sb_mode() != SB_MODE_OFF;
	if (w->confined) {
		sb_policy_init_wasm(&w->pol, t, tool);
		/* The cap is on linear memory; the agent's own memory needs room.
		 * Under ASan the process is an ASan one, whose shadow mappings
		 * count as data: no limit there (the linear memory cap holds). */
#ifdef __SANITIZE_ADDRESS__
		w->pol.memory = 0;
#else
		w->pol.memory = cap + ((uint64_t)1 << 30);
#endif
		w->have_pol = true;
		if (sb_prepare(&w->pol, &w->child, err, errn) != 0)
			return INV_CANNOT_RUN;
		w->child.clone_flags = 0;
		w->child.no_exec = true;
	}
	return INV_OK;
}

static void inv_timeouts(const struct skc_tool *tool, const struct inv_opts *o, struct inv_call *c)
{
	c->timeout_ms = o && o->timeout_ms ? o->timeout_ms
			: tool->timeout_ms ? tool->timeout_ms
					   : INV_DEFAULT_TIMEOUT_MS;
	c->output_cap = o && o->output_cap ? o->output_cap
			: tool->output_cap ? tool->output_cap
					   : INV_DEFAULT_OUTPUT_CAP;
}

/* What the forked child of a WASM call runs. */
static int inv_wasm_main(void *arg)
{
	const struct inv_wasm *w = arg;
	return wasi_run(w->mod, &w->cfg);
}

/* A WASM tool for an event loop: the module runs in a forked child. */
static enum inv_status inv_start_wasm(const struct skc_table *t, const struct skc_tool *tool,
				      json_t *args, const struct inv_opts *o, struct inv_call *c,
				      struct inv_call **out, char *err, size_t errn)
{
	struct inv_wasm w;
	enum inv_status st = inv_wasm_prepare(t, tool, args, c, &w, err, errn);
	if (st == INV_OK) {
		inv_timeouts(tool, o, c);
		c->wasm = true;
		struct rx_spec spec = {
			.argv = w.argv,
			.stdin_data = w.in,
			.stdin_len = w.in_len,
			.timeout_ms = c->timeout_ms,
			.output_cap = c->output_cap,
			.sandbox = w.confined ? &w.child : NULL,
			.run = inv_wasm_main,
			.run_arg = &w,
		};
		snprintf(c->program, sizeof c->program, "%s", skc_str(t, tool->script));
		if (rx_start(&spec, &c->proc) != 0) {
			snprintf(err, errn, "cannot start '%s': %s", c->program, strerror(errno));
			st = INV_CANNOT_RUN;
		} else {
			c->stdin_data = w.in; /* rx needs it until the child has it all */
			w.in = NULL;
			*out = c;
			c = NULL;
		}
	}
	inv_wasm_release(&w);
	inv_call_free(c);
	return st;
}

/*
 * The in-process path (inv_opts.on_timeout): the call is the last thing
 * this process does, so rather than fork a copy of itself it confines
 * itself and runs the module, its standard streams in memory. Safe because
 * nothing of the process is used afterwards but the captured output: a
 * trap, proc_exit and a flooding write come back by longjmp from the
 * module or the shim; a module that runs past its timeout is ended by the
 * timer's signal handler, which writes what was captured through the
 * caller's on_timeout and exits. Tools with secrets (their output must be
 * redacted) or a CPU limit take the forked path.
 */
/* Not under ASan: LeakSanitizer reads /proc at exit, past the confinement. */
#ifdef __SANITIZE_ADDRESS__
enum { INV_HERE = 0 };
#else
enum { INV_HERE = 1 };
#endif

static const struct inv_opts *here_opts;
static struct wasi_io here_io;
static char here_msg[96];

static void inv_here_alarm(int sig)
{
	(void)sig;
	struct rx_result r = {
		.out = here_io.out, .out_len = here_io.out_len, .err = here_io.err,
		.err_len = here_io.err_len, .err_truncated = here_io.err_dropped,
		.exit_code = -1, .timed_out = true,
	};
	here_opts->on_timeout(&r, here_msg); /* does not return */
	_exit(125);
}

static enum inv_status inv_run_here(const struct skc_table *t, const struct skc_tool *tool,
				    json_t *args, const struct inv_opts *o, struct inv_call *c,
				    struct rx_result *res, char *err, size_t errn)
{
	struct inv_wasm w;
	enum inv_status st = inv_wasm_prepare(t, tool, args, c, &w, err, errn);
	if (st != INV_OK)
		goto out;
	inv_timeouts(tool, o, c);
	c->wasm = true;
	snprintf(c->program, sizeof c->program, "%s", skc_str(t, tool->script));
	here_io = (struct wasi_io){.in = w.in, .in_len = w.in_len, .out_cap = c->output_cap};
	here_io.out = malloc(c->output_cap + 1);
	if (!here_io.out) {
		snprintf(err, errn, "out of memory");
		st = INV_CANNOT_RUN;
		goto out;
	}
	w.cfg.io = &here_io;
	int e = w.confined ? sb_enter(&w.child) : 0;
	if (!e && w.confined)
		e = sb_limits(&w.child);
	if (e) {
		res->spawn_errno = e;
		st = inv_verdict(res, c, err, errn);
		goto out;
	}
	snprintf(here_msg, sizeof here_msg, "timed out after %.3g s and was stopped",
		 c->timeout_ms / 1000.0);
	here_opts = o;
	struct sigaction sa = {.sa_handler = inv_here_alarm};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {.it_value = {(time_t)(c->timeout_ms / 1000),
					    (suseconds_t)(c->timeout_ms % 1000) * 1000}};
	uint64_t t0 = inv_now_us();
	setitimer(ITIMER_REAL, &it, NULL);
	int code = wasi_run(w.mod, &w.cfg);
	setitimer(ITIMER_REAL, &(struct itimerval){0}, NULL);
	res->duration_us = inv_now_us() - t0;
	res->out = here_io.out;
	res->out_len = here_io.out_len;
	res->out[res->out_len] = '\0';
	here_io.out = NULL;
	res->out_capped = res->out_truncated = here_io.out_capped;
	res->err = malloc(here_io.err_len + 1);
	if (res->err) {
		memcpy(res->err, here_io.err, here_io.err_len);
		res->err[here_io.err_len] = '\0';
		res->err_len = here_io.err_len;
	}
	res->err_truncated = here_io.err_dropped;
	res->exit_code = code;
	st = inv_verdict(res, c, err, errn);
out:
	free(here_io.out);
	here_io.out = NULL;
	inv_wasm_release(&w);
	inv_call_free(c);
	return st;
}

/*
 * The Skillz `execute` request, one line: the arguments, and a context of
 * where the tool runs and what the host offers (o->context's members).
 */
static char *inv_execute(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			 const json_t *extra, const char *dir, size_t *len)
{
	json_t *ctx = json_pack("{s:s,s:s,s:s,s:s,s:[s]}", "tool_name",
				skc_str(t, tool->wire_name), "skill",
				skc_str(t, t->skills[tool->skill].name), "skill_dir", dir,
				"working_directory", dir, "roots", dir);
	if (ctx && extra)
		json_object_update(ctx, (json_t *)extra);
	json_t *req = ctx ? json_pack("{s:s,s:i,s:s,s:{s:O,s:o}}", "jsonrpc", "2.0", "id", 1,
				      "method", "execute", "params", "arguments", args,
				      "context", ctx)
			  : NULL;
	char *s = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	*len = n + 1;
	return line;
}

enum inv_status inv_start(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			  const struct inv_opts *o, struct inv_call **out, char *err, size_t errn)
{
	const struct skc_skill *s = &t->skills[tool->skill];
	char dir[PATH_MAX];
	*out = NULL;
	if (tool->kind == SKC_KIND_PIPELINE)
		return pipe_start(t, tool, args, o, out, err, errn);

	struct inv_call *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errn, "out of memory");
		return INV_CANNOT_RUN;
	}
	if (inv_secrets(t, tool, c, err, errn) != 0) {
		inv_call_free(c);
		return INV_CANNOT_RUN;
	}
	if (tool->kind == SKC_KIND_WASM) {
		if (!tool->wasm) {
			snprintf(err, errn, "its module was not compiled in");
			inv_call_free(c);
			return INV_CANNOT_RUN;
		}
		return inv_start_wasm(t, tool, args, o, c, out, err, errn);
	}

	/* The script itself is verified by hash before every run. */
	const struct skc_file *script = NULL;
	for (uint32_t i = 0; i < s->file_count; i++) {
		const struct skc_file *f = &t->files[s->file_first + i];
		if (f->path.len == tool->script.len &&
		    !memcmp(skc_str(t, f->path), skc_str(t, tool->script), f->path.len))
			script = f;
	}
	if (rc_skill_dir(t, s, script, dir, sizeof dir, err, errn) != 0) {
		inv_call_free(c);
		return INV_CANNOT_RUN;
	}

	char **words = NULL, *in = NULL;
	size_t in_len = 0;
	if (ra_build(t, tool, args, &words, &in, &in_len, err, errn) != 0) {
		inv_call_free(c);
		return INV_BAD_ARGS;
	}

	size_t n_words = 0;
	while (words[n_words])
		n_words++;
	char interp[512];
	const char *iw[16];
	size_t n_iw = inv_interpreter(t, tool, interp, sizeof interp, iw, 16);
	const char **argv = calloc(n_iw + n_words + 2, sizeof *argv);
	const struct skc_perms *gp = &tool->perms;
	const char **extra = calloc(c->n_secrets + gp->env_count + 5, sizeof *extra);
	char **env_named = calloc((size_t)gp->env_count + 1, sizeof *env_named);
	char *env_name = NULL, *env_dir = NULL, *env_tmp = NULL, *env_hosts = NULL,
	     *script_arg = NULL;
	char **env = NULL;
	bool confined = sb_mode() != SB_MODE_OFF;
	struct sb_policy pol;
	struct sb_child child = {.ruleset_fd = -1};
	bool have_pol = false;
	enum inv_status st = INV_CANNOT_RUN;
	snprintf(err, errn, "out of memory");
	if (!argv || !extra || !env_named)
		goto out;
	size_t k = 0;
	for (size_t i = 0; i < n_iw; i++)
		argv[k++] = iw[i];
	/* Relative to cwd (the skill dir), so Python puts scripts/ on sys.path. */
	if (n_iw) {
		argv[k++] = skc_str(t, tool->script);
	} else {
		size_t len = strlen(skc_str(t, tool->script)) + 3;
		script_arg = malloc(len);
		if (!script_arg)
			goto out;
		snprintf(script_arg, len, "./%s", skc_str(t, tool->script));
		argv[k++] = script_arg;
	}
	for (size_t i = 0; i < n_words; i++)
		argv[k++] = words[i];
	argv[k] = NULL;

	if (confined && !(c->tmp_dir = inv_tmp_dir(err, errn)))
		goto out;
	env_name = inv_strcat3("SKILL_NAME=", skc_str(t, s->name), "");
	env_dir = inv_strcat3("SKILL_DIR=", dir, "");
	if (!env_name || !env_dir)
		goto out;
	size_t x = 0;
	extra[x++] = env_name;
	extra[x++] = env_dir;
	if (c->tmp_dir) {
		if (!(env_tmp = inv_strcat3("TMPDIR=", c->tmp_dir, "")))
			goto out;
		extra[x++] = env_tmp;
	}
	if (tool->perms.network == SKC_NET_HOSTS) {
		/* The hosts, comma-separated, for the tool (or its proxy) to honour. */
		size_t n = 32;
		const struct skc_perms *g = &tool->perms;
		for (uint32_t i = 0; i < g->host_count; i++)
			n += t->perm_strs[g->host_first + i].len + 1;
		if (!(env_hosts = malloc(n)))
			goto out;
		size_t w = (size_t)sprintf(env_hosts, "SKILLC_ALLOWED_HOSTS=");
		for (uint32_t i = 0; i < g->host_count; i++)
			w += (size_t)sprintf(env_hosts + w, "%s%s", i ? "," : "",
					     skc_str(t, t->perm_strs[g->host_first + i]));
		extra[x++] = env_hosts;
	}
	/* Variables the grant names (`env`, a plugin's settings), when set. */
	for (uint32_t i = 0; i < gp->env_count && gp->env_first + i < t->perm_str_count; i++) {
		const char *name = skc_str(t, t->perm_strs[gp->env_first + i]), *v = getenv(name);
		if (v && !(extra[x++] = env_named[i] = inv_strcat3(name, "=", v)))
			goto out;
	}
	for (size_t i = 0; i < c->n_secrets; i++)
		extra[x++] = c->secrets[i];
	extra[x] = NULL;
	env = rx_env_clean(extra);
	if (!env)
		goto out;

	if (confined) {
		sb_policy_init(&pol, t, tool, dir, c->tmp_dir);
		have_pol = true;
		if (sb_prepare(&pol, &child, err, errn) != 0)
			goto out;
	}

	if (tool->args == SKC_ARGS_SKILLZ) {
		char *line = inv_execute(t, tool, args, o ? o->context : NULL, dir, &in_len);
		if (!line)
			goto out;
		free(in);
		in = line;
	}
	inv_timeouts(tool, o, c);
	struct rx_spec spec = {
		.argv = argv,
		.envp = (const char *const *)env,
		.cwd = dir,
		.stdin_data = in,
		.stdin_len = in_len,
		.timeout_ms = c->timeout_ms,
		.output_cap = c->output_cap,
		.sandbox = confined ? &child : NULL,
		.duplex = tool->args == SKC_ARGS_SKILLZ,
	};
	snprintf(c->program, sizeof c->program, "%s", argv[0]);
	if (rx_start(&spec, &c->proc) != 0) {
		snprintf(err, errn, "cannot start '%s': %s", argv[0], strerror(errno));
		goto out;
	}
	/* argv and env were consumed by the spawn; stdin is fed as the child reads. */
	c->stdin_data = in;
	in = NULL;
	*out = c;
	c = NULL;
	st = INV_OK;
out:
	sb_child_release(&child);
	if (have_pol)
		sb_policy_release(&pol);
	inv_call_free(c);
	free(script_arg);
	rx_env_free(env);
	free(env_name);
	free(env_dir);
	free(env_tmp);
	free(env_hosts);
	for (uint32_t i = 0; env_named && i < gp->env_count; i++)
		free(env_named[i]);
	free(env_named);
	free(extra);
	free(argv);
	ra_words_free(words);
	free(in);
	return st;
}

enum inv_status inv_finish(struct inv_call *c, struct rx_result *res, char *err, size_t errn)
{
	rx_finish(c->proc, res);
	inv_redact(c, &res->out, &res->out_len);
	inv_redact(c, &res->err, &res->err_len);
	enum inv_status st = inv_verdict(res, c, err, errn);
	if (c->pipeline)
		pipe_verdict(res, &st, err, errn);
	inv_call_free(c);
	return st;
}

enum inv_status inv_run(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			const struct inv_opts *o, struct rx_result *res, char *err, size_t errn)
{
	struct inv_call *c;
	memset(res, 0, sizeof *res);
	if (tool->kind == SKC_KIND_PIPELINE)
		return pipe_run(t, tool, args, o, res, err, errn);
	if (INV_HERE && o && o->on_timeout && tool->kind == SKC_KIND_WASM && tool->wasm &&
	    !tool->perms.secret_count && !tool->perms.cpu_s) {
		if (!(c = calloc(1, sizeof *c))) {
			snprintf(err, errn, "out of memory");
			return INV_CANNOT_RUN;
		}
		return inv_run_here(t, tool, args, o, c, res, err, errn);
	}
	enum inv_status st = inv_start(t, tool, args, o, &c, err, errn);
	if (st != INV_OK)
		return st;
	while (!rx_step(c->proc)) {
		struct pollfd fds[RX_POLLFDS];
		int n = rx_pollfds(c->proc, fds, RX_POLLFDS);
		if (poll(fds, (nfds_t)n, rx_timeout_ms(c->proc)) < 0 && errno != EINTR)
			break;
	}
	return inv_finish(c, res, err, errn);
}
