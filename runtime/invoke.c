/* memmem, and nftw's FTW_PHYS and FTW_DEPTH */
#define _GNU_SOURCE
#include "invoke.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cache.h"
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
static void inv_redact(const struct inv_call *c, char **buf, size_t *len)
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

/* What the forked child of a WASM call runs. */
struct inv_wasm {
	const struct skc_wasm *mod;
	struct wasi_config cfg;
};

static int inv_wasm_main(void *arg)
{
	const struct inv_wasm *w = arg;
	return wasi_run(w->mod, &w->cfg);
}

/* Wasm linear memory is capped by the grant (or this); rlimits leave room for
 * the forked copy of the agent around it. */
#define INV_WASM_DEFAULT_MEM ((uint64_t)256 << 20)

static void inv_timeouts(const struct skc_tool *tool, const struct inv_opts *o, struct inv_call *c)
{
	c->timeout_ms = o && o->timeout_ms ? o->timeout_ms
			: tool->timeout_ms ? tool->timeout_ms
					   : INV_DEFAULT_TIMEOUT_MS;
	c->output_cap = o && o->output_cap ? o->output_cap
			: tool->output_cap ? tool->output_cap
					   : INV_DEFAULT_OUTPUT_CAP;
}

/*
 * A WASM tool: no files to extract and no interpreter; the module runs in
 * a forked child under the WASI shim, which sees only what the grant lists:
 * the variables named in env and the secrets, the granted directories as
 * preopens (read-only unless under files.write), clock and random when
 * granted. Landlock, the network filter and the rlimits hold the child too.
 */
static enum inv_status inv_start_wasm(const struct skc_table *t, const struct skc_tool *tool,
				      json_t *args, const struct inv_opts *o, struct inv_call *c,
				      struct inv_call **out, char *err, size_t errn)
{
	const struct skc_perms *g = &tool->perms;
	char **words = NULL, *in = NULL;
	size_t in_len = 0;
	if (ra_build(t, tool, args, &words, &in, &in_len, err, errn) != 0) {
		inv_call_free(c);
		return INV_BAD_ARGS;
	}
	size_t n_words = 0;
	while (words[n_words])
		n_words++;
	struct inv_wasm w = {.mod = tool->wasm};
	const char **argv = calloc(n_words + 2, sizeof *argv);
	const char **env = calloc((size_t)g->env_count + c->n_secrets + 1, sizeof *env);
	char **env_own = calloc((size_t)g->env_count + 1, sizeof *env_own);
	char **pre_host = calloc((size_t)g->read_count + g->write_count + 1, sizeof *pre_host);
	struct wasi_preopen *pre = calloc((size_t)g->read_count + g->write_count + 1, sizeof *pre);
	const char **hosts = calloc((size_t)g->host_count + 1, sizeof *hosts);
	bool confined = sb_mode() != SB_MODE_OFF;
	struct sb_policy pol;
	struct sb_child child = {.ruleset_fd = -1};
	bool have_pol = false;
	enum inv_status st = INV_CANNOT_RUN;
	snprintf(err, errn, "out of memory");
	if (!argv || !env || !env_own || !pre_host || !pre || !hosts)
		goto out;
	argv[0] = skc_str(t, tool->name);
	for (size_t i = 0; i < n_words; i++)
		argv[i + 1] = words[i];
	w.cfg.tool = skc_str(t, tool->wire_name);
	w.cfg.argv = argv;
	w.cfg.argc = n_words + 1;
	size_t ne = 0;
	for (uint32_t i = 0; i < g->env_count && g->env_first + i < t->perm_str_count; i++) {
		const char *name = skc_str(t, t->perm_strs[g->env_first + i]), *v = getenv(name);
		if (v && !(env[ne++] = env_own[i] = inv_strcat3(name, "=", v)))
			goto out;
	}
	for (size_t i = 0; i < c->n_secrets; i++)
		env[ne++] = c->secrets[i];
	w.cfg.env = env;
	w.cfg.n_env = ne;
	size_t np = 0;
	for (uint32_t i = 0; i < g->read_count + g->write_count; i++) {
		bool wr = i >= g->read_count;
		uint32_t k = wr ? g->write_first + i - g->read_count : g->read_first + i;
		if (k >= t->perm_str_count)
			continue;
		/* The module sees the directory where it is on the host, "~" expanded,
		 * so paths a model passes mean the same to a WASM tool as to a script. */
		if (!(pre_host[np] = sb_expand_path(skc_str(t, t->perm_strs[k]))))
			continue; /* "~" without a HOME: nothing to grant */
		pre[np] = (struct wasi_preopen){.host = pre_host[np], .guest = pre_host[np], .write = wr};
		np++;
	}
	w.cfg.pre = pre;
	w.cfg.n_pre = np;
	w.cfg.clock = (g->flags & SKC_PERM_CLOCK) != 0;
	w.cfg.random = (g->flags & SKC_PERM_RANDOM) != 0;
	w.cfg.network = g->network;
	for (uint32_t i = 0; i < g->host_count && g->host_first + i < t->perm_str_count; i++)
		hosts[i] = skc_str(t, t->perm_strs[g->host_first + i]);
	w.cfg.hosts = hosts;
	w.cfg.n_hosts = g->host_count;
	uint64_t cap = g->memory ? g->memory : INV_WASM_DEFAULT_MEM;
	w.cfg.mem_cap_pages = cap >> 16 > 65536 ? 65536 : (uint32_t)(cap >> 16);

	if (confined) {
		sb_policy_init_wasm(&pol, t, tool);
		/* The cap is on linear memory; the copy of the agent needs its own.
		 * Under ASan the child is an ASan process, whose shadow mappings
		 * count as data: no limit there (the linear memory cap holds). */
#ifdef __SANITIZE_ADDRESS__
		pol.memory = 0;
#else
		pol.memory = cap + ((uint64_t)1 << 30);
#endif
		have_pol = true;
		if (sb_prepare(&pol, &child, err, errn) != 0)
			goto out;
		child.clone_flags = 0;
		child.no_exec = true;
	}
	inv_timeouts(tool, o, c);
	c->wasm = true;
	struct rx_spec spec = {
		.argv = argv,
		.stdin_data = in,
		.stdin_len = in_len,
		.timeout_ms = c->timeout_ms,
		.output_cap = c->output_cap,
		.sandbox = confined ? &child : NULL,
		.run = inv_wasm_main,
		.run_arg = &w,
	};
	snprintf(c->program, sizeof c->program, "%s", skc_str(t, tool->script));
	if (rx_start(&spec, &c->proc) != 0) {
		snprintf(err, errn, "cannot start '%s': %s", c->program, strerror(errno));
		goto out;
	}
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
	for (uint32_t i = 0; env_own && i < g->env_count; i++)
		free(env_own[i]);
	for (size_t i = 0; pre_host && pre_host[i]; i++)
		free(pre_host[i]);
	free(env_own);
	free(env);
	free(pre_host);
	free(pre);
	free(hosts);
	free(argv);
	ra_words_free(words);
	free(in);
	return st;
}

enum inv_status inv_start(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			  const struct inv_opts *o, struct inv_call **out, char *err, size_t errn)
{
	const struct skc_skill *s = &t->skills[tool->skill];
	char dir[PATH_MAX];
	*out = NULL;

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
	inv_call_free(c);
	return st;
}

enum inv_status inv_run(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			const struct inv_opts *o, struct rx_result *res, char *err, size_t errn)
{
	struct inv_call *c;
	memset(res, 0, sizeof *res);
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
