#include "invoke.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cache.h"

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
	if (res->exit_code != 0) {
		snprintf(err, errn, "exited with status %d", res->exit_code);
		return INV_FAILED;
	}
	return INV_OK;
}

enum inv_status inv_start(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			  const struct inv_opts *o, struct inv_call **out, char *err, size_t errn)
{
	const struct skc_skill *s = &t->skills[tool->skill];
	char dir[PATH_MAX];
	*out = NULL;

	/* The script itself is verified by hash before every run. */
	const struct skc_file *script = NULL;
	for (uint32_t i = 0; i < s->file_count; i++) {
		const struct skc_file *f = &t->files[s->file_first + i];
		if (f->path.len == tool->script.len &&
		    !memcmp(skc_str(t, f->path), skc_str(t, tool->script), f->path.len))
			script = f;
	}
	if (rc_skill_dir(t, s, script, dir, sizeof dir, err, errn) != 0)
		return INV_CANNOT_RUN;

	char **words = NULL, *in = NULL;
	size_t in_len = 0;
	if (ra_build(t, tool, args, &words, &in, &in_len, err, errn) != 0)
		return INV_BAD_ARGS;

	size_t n_words = 0;
	while (words[n_words])
		n_words++;
	char interp[512];
	const char *iw[16];
	size_t n_iw = inv_interpreter(t, tool, interp, sizeof interp, iw, 16);
	const char **argv = calloc(n_iw + n_words + 2, sizeof *argv);
	char *env_name = NULL, *env_dir = NULL, *script_arg = NULL;
	char **env = NULL;
	struct inv_call *c = calloc(1, sizeof *c);
	enum inv_status st = INV_CANNOT_RUN;
	snprintf(err, errn, "out of memory");
	if (!argv || !c)
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

	size_t ln = strlen(skc_str(t, s->name)) + 12, ld = strlen(dir) + 12;
	env_name = malloc(ln);
	env_dir = malloc(ld);
	if (!env_name || !env_dir)
		goto out;
	snprintf(env_name, ln, "SKILL_NAME=%s", skc_str(t, s->name));
	snprintf(env_dir, ld, "SKILL_DIR=%s", dir);
	const char *extra[] = {env_name, env_dir, NULL};
	env = rx_env_clean(extra);
	if (!env)
		goto out;

	c->timeout_ms = o && o->timeout_ms ? o->timeout_ms
			: tool->timeout_ms ? tool->timeout_ms
					   : INV_DEFAULT_TIMEOUT_MS;
	struct rx_spec spec = {
		.argv = argv,
		.envp = (const char *const *)env,
		.cwd = dir,
		.stdin_data = in,
		.stdin_len = in_len,
		.timeout_ms = c->timeout_ms,
		.output_cap = o && o->output_cap ? o->output_cap
			      : tool->output_cap ? tool->output_cap
						 : INV_DEFAULT_OUTPUT_CAP,
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
	free(c);
	free(script_arg);
	rx_env_free(env);
	free(env_name);
	free(env_dir);
	free(argv);
	ra_words_free(words);
	free(in);
	return st;
}

enum inv_status inv_finish(struct inv_call *c, struct rx_result *res, char *err, size_t errn)
{
	rx_finish(c->proc, res);
	enum inv_status st = inv_verdict(res, c, err, errn);
	free(c->stdin_data);
	free(c);
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
