/*
 * parse.h - read what discovery found: SKILL.md frontmatter, each tool
 * candidate's script (tree-sitter extractors), then the skill's manifest,
 * which overrides what the scripts declare.
 */
#ifndef PARSE_H
#define PARSE_H

#include "arena.h"
#include "diag.h"
#include "model.h"

void parse_skills(struct arena *a, struct diag *d, struct sk_model *m);

/* The whole file into the arena, NUL-terminated. 0, or -1 after an error diagnostic. */
int parse_read_file(struct arena *a, struct diag *d, const char *path, char **out, size_t *len);

#endif
