/*
 * extract.h - tool metadata from what a script declares, parsed with tree-sitter.
 *
 * Each extractor fills the script-level fields of a tool that discovery has
 * already created (name, script, lang, interpreter and loc are set):
 * description, params, args (+ the matching *_from origins set to
 * SK_FROM_SCRIPT for what it found), and is_library for Python modules.
 * Manifests are applied afterwards and override what is found here.
 *
 * Diagnostics point into the script (`path:line:col: warning: ...`) and say
 * how to fix what could not be inferred.
 */
#ifndef EXTRACT_H
#define EXTRACT_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "model.h"

struct ex_ctx {
	struct arena *arena;
	struct diag *diag;
};

void ex_python(struct ex_ctx *cx, struct sk_tool *tool, const char *src, size_t len);
void ex_bash(struct ex_ctx *cx, struct sk_tool *tool, const char *src, size_t len);
void ex_js(struct ex_ctx *cx, struct sk_tool *tool, const char *src, size_t len);

/* Dispatch on tool->lang. */
void ex_script(struct ex_ctx *cx, struct sk_tool *tool, const char *src, size_t len);

#endif
