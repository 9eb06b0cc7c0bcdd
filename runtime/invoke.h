/*
 * invoke.h - run one tool call end to end: extract the skill's files,
 * build the argument words or stdin, clean the environment, run the script
 * in its own process group with a timeout and an output cap.
 *
 * Arguments must already have passed ra_validate.
 */
#ifndef INV_INVOKE_H
#define INV_INVOKE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "exec.h"
#include "skc_abi.h"

#define INV_DEFAULT_TIMEOUT_MS 30000u
#define INV_DEFAULT_OUTPUT_CAP (1u << 20)

enum inv_status {
	INV_OK,          /* ran and exited 0 */
	INV_FAILED,      /* ran and exited non-zero, or died of a signal */
	INV_TIMEOUT,     /* killed at the timeout */
	INV_BAD_ARGS,    /* the arguments could not be passed */
	INV_CANNOT_RUN   /* files could not be extracted, or the interpreter is missing */
};

struct inv_opts {
	uint32_t timeout_ms; /* 0: the tool's own, else INV_DEFAULT_TIMEOUT_MS */
	size_t output_cap;   /* 0: the tool's own, else INV_DEFAULT_OUTPUT_CAP */
	/*
	 * Set by a caller whose process does nothing after inv_run but report
	 * its result (`agent call`): a WASM tool may then run in this process,
	 * confined, rather than in a forked copy. If it runs past its timeout,
	 * this is called from a signal handler with what it printed so far and
	 * the reason; it must report with async-signal-safe calls only (write)
	 * and _exit.
	 */
	void (*on_timeout)(const struct rx_result *partial, const char *why);
	/* A protocol tool (SKC_ARGS_SKILLZ): members added to the context of its
	 * `execute` request (callback.h); NULL: none. */
	const json_t *context;
};

/* res is filled whenever the process started (release it with rx_result_release);
 * err explains every status but INV_OK. */
enum inv_status inv_run(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			const struct inv_opts *o, struct rx_result *res, char *err, size_t errn);

/*
 * Secrets (skc_perms): each declared name is copied from the agent's
 * environment into the tool's; a required one that is unset fails the call
 * with INV_CANNOT_RUN before anything runs. Their values are replaced by
 * "[secret NAME]" in what the tool prints, so they never reach a model, a
 * client, a session or a trace. Script tools run confined (sandbox.h) unless
 * SKILLC_SANDBOX=off.
 *
 * The same call for an event loop: inv_start returns INV_OK with *out set to a
 * running call (drive call->proc with rx_pollfds/rx_step, or rx_kill it), or
 * another status with err set and *out NULL. inv_finish reaps the process,
 * fills res, gives the verdict (err as for inv_run) and frees the call.
 */
struct inv_call {
	struct rx_proc *proc;
	uint32_t timeout_ms; /* in effect for this call */
	size_t output_cap;   /* in effect for this call */
	char *stdin_data;    /* owned: rx needs it until the process is finished */
	char *tmp_dir;       /* the call's private TMPDIR, removed at the end; may be NULL */
	char **secrets;      /* "NAME=value" given to the tool, redacted from its output */
	size_t n_secrets;
	char program[256];   /* argv[0], for messages */
	bool wasm;           /* a WASM tool: its trap exit code means a trap */
	bool pipeline;       /* a pipeline in a forked copy: it reports its verdict */
};

/* A protocol tool (SKC_ARGS_SKILLZ) started here only has its stdin kept
 * open: its messages are read by callback.h (cb_start, cb_run), which every
 * caller uses for such tools. */
enum inv_status inv_start(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			  const struct inv_opts *o, struct inv_call **out, char *err, size_t errn);
enum inv_status inv_finish(struct inv_call *c, struct rx_result *res, char *err, size_t errn);

/* The call's secret values in buf (malloc'd, *len bytes) become "[secret
 * NAME]"; buf may be replaced. */
void inv_redact(const struct inv_call *c, char **buf, size_t *len);

/* The interpreter's words (at most max-1, NULL-terminated) in buf; 0 words: run the script. */
size_t inv_interpreter(const struct skc_table *t, const struct skc_tool *tool, char *buf,
		       size_t bufn, const char **words, size_t max);

#endif
