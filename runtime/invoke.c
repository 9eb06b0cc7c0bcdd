#include "invoke.h"

#include <errno.h>
#include <limits.h>
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

enum inv_status inv_run(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			const struct inv_opts *o, struct rx_result *res, char *err, size_t errn)
{
	const struct skc_skill *s = &t->skills[tool->skill];
	char dir[PATH_MAX];
	memset(res, 0, sizeof *res);

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
	char *env_name = NULL, *env_dir = NULL;
	char **env = NULL;
	enum inv_status st = INV_CANNOT_RUN;
	if (!argv)
		goto out;
	size_t k = 0;
	for (size_t i = 0; i < n_iw; i++)
		argv[k++] = iw[i];
	/* Relative to cwd (the skill dir), so Python puts scripts/ on sys.path. */
	char *script_arg = NULL;
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
		goto out_script;
	snprintf(env_name, ln, "SKILL_NAME=%s", skc_str(t, s->name));
	snprintf(env_dir, ld, "SKILL_DIR=%s", dir);
	const char *extra[] = {env_name, env_dir, NULL};
	env = rx_env_clean(extra);
	if (!env)
		goto out_script;

	struct rx_spec spec = {
		.argv = argv,
		.envp = (const char *const *)env,
		.cwd = dir,
		.stdin_data = in,
		.stdin_len = in_len,
		.timeout_ms = o && o->timeout_ms ? o->timeout_ms
			      : tool->timeout_ms ? tool->timeout_ms
						 : INV_DEFAULT_TIMEOUT_MS,
		.output_cap = o && o->output_cap ? o->output_cap
			      : tool->output_cap ? tool->output_cap
						 : INV_DEFAULT_OUTPUT_CAP,
	};
	if (rx_run(&spec, res) != 0 || res->spawn_errno) {
		int e = res->spawn_errno ? res->spawn_errno : errno;
		snprintf(err, errn, "cannot start '%s': %s", argv[0], strerror(e));
		st = INV_CANNOT_RUN;
	} else if (res->timed_out) {
		snprintf(err, errn, "timed out after %.3g s; its process group was killed",
			 spec.timeout_ms / 1000.0);
		st = INV_TIMEOUT;
	} else if (res->term_signal) {
		snprintf(err, errn, "killed by signal %d (%s)", res->term_signal,
			 strsignal(res->term_signal));
		st = INV_FAILED;
	} else if (res->exit_code != 0) {
		snprintf(err, errn, "exited with status %d", res->exit_code);
		st = INV_FAILED;
	} else {
		st = INV_OK;
	}
out_script:
	free(script_arg);
out:
	rx_env_free(env);
	free(env_name);
	free(env_dir);
	free(argv);
	ra_words_free(words);
	free(in);
	return st;
}
