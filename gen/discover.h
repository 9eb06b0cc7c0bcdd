/*
 * discover.h - walk the roots and find skills, their files and tool candidates.
 *
 * Every directory holding a SKILL.md or a plugin's manifest.toml is a skill
 * (nested ones too; a nested skill's files belong to it, not to its
 * parent); outside any skill, so is a Skillz tool directory (manifest.json
 * beside a .wasm module). Skipped: .git,
 * node_modules, __pycache__ and virtualenvs. Symlinks are followed while
 * they stay inside the root; escaping ones, setuid/setgid files and special
 * files are errors. Top-level files of scripts/ whose interpreter is known
 * become tool candidates (name, script, lang, interpreter, loc set).
 * Nothing is parsed here.
 */
#ifndef DISCOVER_H
#define DISCOVER_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "model.h"

void disc_roots(struct arena *a, struct diag *d, struct sk_model *m, const char *const *roots,
		size_t n_roots);

/* The interpreter words and language for a script, from its first line, else its
 * extension. Returns SK_LANG_NONE when it is not a known kind of script. */
enum sk_lang disc_interpreter(struct arena *a, const char *name, const char *head, size_t n,
			      const char **interpreter);

/* Add a file the generator read to the model's dependency list. */
void disc_add_dep(struct arena *a, struct sk_model *m, const char *path);

#endif
