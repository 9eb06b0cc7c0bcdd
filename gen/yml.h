/*
 * yml.h - a YAML (and JSON) document loaded by libyaml into a small tree
 * that remembers where each node came from.
 *
 * Used by SKILL.md frontmatter and by manifests. Scalars keep their text and
 * whether they were quoted, so the caller decides what a bare `2024-01-01` or
 * `yes` means. Anchors/aliases are resolved by libyaml's document loader.
 */
#ifndef YML_H
#define YML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"

enum yml_kind { YML_SCALAR, YML_SEQ, YML_MAP };

struct yml_node {
	enum yml_kind kind;
	unsigned line, col;  /* 1-based, in the file (offset by the caller's base line) */
	const char *text;    /* YML_SCALAR: value */
	size_t len;          /* YML_SCALAR: length (may contain NUL) */
	bool quoted;         /* YML_SCALAR: written with quotes or as a block scalar */
	struct yml_node **items; /* YML_SEQ: items; YML_MAP: keys and values alternating */
	size_t n_items;
};

/*
 * Parse one document from buf. line_base is added to every line number (for
 * frontmatter that starts after the `---` line). Syntax errors are reported
 * through d at `path:line:col` and give NULL. An empty document gives an
 * empty map.
 */
struct yml_node *yml_load(struct arena *a, struct diag *d, const char *path, const char *buf,
			  size_t len, unsigned line_base);

/* The value for key in a map, or NULL. */
const struct yml_node *yml_get(const struct yml_node *map, const char *key);

/*
 * A YAML 1.1 boolean word (true/false, yes/no, on/off in lower, Title or
 * UPPER case) into *out. 0, or -1 when n is not one.
 */
int yml_bool(const struct yml_node *n, bool *out);

/*
 * A decimal number followed by an optional unit from units[] (matched
 * case-insensitively, optional blank before it; the list ends with a NULL
 * word); the value times the unit's multiplier (dflt without a unit),
 * rounded, into *out. -1 when malformed or outside 1..max.
 */
struct yml_unit {
	const char *word;
	double mult;
};
int yml_quantity(const struct yml_node *n, const struct yml_unit *units, double dflt,
		 uint64_t max, uint64_t *out);

/* A short word for a node's kind in messages: "string", "list", "mapping". */
const char *yml_kind_name(const struct yml_node *n);

#endif
