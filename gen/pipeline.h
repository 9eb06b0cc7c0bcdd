/*
 * pipeline.h - pipelines: tools that chain other tools, declared in a
 * skill's manifest and checked at build time.
 *
 *   pipelines:
 *     - name: report
 *       description: Fetch a page and summarise it.
 *       timeout: 2m                # default: the sum of its steps' timeouts
 *       parameters:                # as a tool's in a manifest
 *         - {name: url, type: string, required: true}
 *       steps:
 *         - name: fetch            # optional; later steps say $fetch.field
 *           tool: fetch_url        # this skill's, <skill>__<tool>, plugin:<skill>/<tool>
 *           args: {url: $input.url}
 *         - tool: summarise
 *           args: {text: $fetch.body}
 *           condition: $input.verbose == true   # also !=, $ref, !$ref
 *           continue_on_error: true
 *
 * A pipeline becomes a tool of its skill (kind SKC_KIND_PIPELINE) with the
 * schema of its parameters; the runtime (runtime/pipeline.h) runs it.
 */
#ifndef PIPELINE_H
#define PIPELINE_H

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "yml.h"

/* Most steps in one pipeline, and most fields in one reference path. */
enum { PP_MAX_STEPS = 256, PP_MAX_PATH = 32 };

/*
 * Parse a manifest's `pipelines` list (shown as `path`) and add each
 * well-formed pipeline to skill->tools. Shape errors are reported; the
 * return value counts the pipelines left out for them.
 */
int pp_add(struct arena *a, struct diag *d, const char *path, const struct yml_node *list,
	   struct sk_skill *skill);

/*
 * Once every tool has its wire name: resolve each step's tool, check its
 * arguments, references and condition, refuse cycles, and settle each
 * pipeline's argument templates, conditions, timeout and output cap.
 */
void pp_validate(struct arena *a, struct diag *d, struct sk_model *m);

#endif
