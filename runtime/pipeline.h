/*
 * pipeline.h - run a pipeline tool (SKC_KIND_PIPELINE): its steps in order,
 * each through the invoke path with its own tool's permissions, timeout,
 * output cap and secret redaction.
 *
 * References, in the string values of a step's argument template (the
 * generator checked them): `$input`, `$input.a.b`, `$prev`, `$prev.a`,
 * `$<step>.a`; a field of a list is its index. `$$` is a literal `$`. A
 * string that is exactly one reference becomes the value it names (a
 * member whose value is missing is left out; a missing list item is null);
 * references inside a longer string are replaced by their text (a string
 * as it is, anything else as compact JSON, missing as nothing).
 *
 * A step's output is its stdout parsed as JSON when it parses, else the
 * text without one trailing newline. A skipped step (condition false)
 * leaves $prev alone. A failing step ends the pipeline, unless it has
 * continue_on_error: then its output is {"error": "..."}. The result (the
 * pipeline's stdout) is the stdout of the last step that ran, or `null`
 * when none ran; its stderr has each step's stderr and one status line
 * per step.
 */
#ifndef PIPE_PIPELINE_H
#define PIPE_PIPELINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "exec.h"
#include "invoke.h"
#include "skc_abi.h"

enum {
	PIPE_MAX_DEPTH = 8,      /* pipelines inside pipelines (cycles are refused at bake) */
	PIPE_MAX_PATH = 64,      /* fields in one reference */
	PIPE_GRACE_MS = 1000     /* a forked pipeline's own deadline, past its steps' */
};

/* What references resolve against. */
struct pipe_scope {
	json_t *input;            /* the pipeline's arguments */
	json_t *prev;             /* the last output so far; NULL: no step ran */
	const char *const *names; /* each earlier step's name; NULL: unnamed */
	json_t *const *outputs;   /* each earlier step's output; NULL: skipped */
	size_t n;
};

/* The value ref[0..len) ("$prev.a.0") names, borrowed; NULL: nothing there. */
json_t *pipe_lookup(const struct pipe_scope *sc, const char *ref, size_t len);

/* A step's arguments: the template with its references replaced (new
 * reference; NULL only when out of memory). */
json_t *pipe_subst(const json_t *tmpl, const struct pipe_scope *sc);

/* Whether a step runs: op is enum skc_cond, value the JSON text compared. */
bool pipe_cond(uint8_t op, const char *ref, const char *value, const struct pipe_scope *sc);

/* Run a pipeline in this process, as inv_run (args already validated). */
enum inv_status pipe_run(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			 const struct inv_opts *o, struct rx_result *res, char *err, size_t errn);

/*
 * For an event loop, as inv_start: the pipeline runs in a forked copy of
 * this process, which prints its result. Its deadline is the pipeline's
 * timeout plus PIPE_GRACE_MS. When the copy ends before its steps do
 * (killed at the deadline, cancelled), a watchdog it started kills the step
 * that was running.
 */
enum inv_status pipe_start(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
			   const struct inv_opts *o, struct inv_call **out, char *err, size_t errn);

/* In inv_finish for a call from pipe_start: the verdict the copy reported. */
void pipe_verdict(struct rx_result *res, enum inv_status *st, char *err, size_t errn);

#endif
