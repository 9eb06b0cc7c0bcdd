/*
 * toml.h - a TOML document, parsed with tree-sitter, into the same located
 * tree the YAML loader builds (yml.h), so code that reads a manifest's
 * yml_node tree (perms.c, manifest.c) reads a manifest.toml unchanged.
 *
 *   table, inline table      YML_MAP, keys and values alternating, in the
 *                            order first written; [a.b] and dotted keys
 *                            make the intermediate maps
 *   array, [[array.of]]      YML_SEQ (each [[...]] header adds a map)
 *   string (every kind)      YML_SCALAR, quoted, escapes decoded
 *   integer                  YML_SCALAR, unquoted, as a plain decimal
 *                            ("1_000" and "0x10" give "1000" and "16")
 *   float                    YML_SCALAR, unquoted, without '_' or a leading '+'
 *   boolean, date and time   YML_SCALAR, unquoted, the text as written
 *
 * Keys are scalars too (quoted when written quoted). Every node carries the
 * 1-based line and column (in bytes) where it was written.
 */
#ifndef TOML_H
#define TOML_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "yml.h"

/*
 * Parse buf[0..len) shown as `path`. Syntax errors, duplicate keys, tables
 * defined twice and keys that are not tables where a table is needed are
 * reported through d at `path:line:col` and give NULL. An empty document
 * gives an empty map.
 */
struct yml_node *toml_load(struct arena *a, struct diag *d, const char *path, const char *buf,
			   size_t len);

#endif
