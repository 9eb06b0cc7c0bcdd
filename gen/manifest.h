/*
 * manifest.h - a skill's manifest (manifest.yml, manifest.yaml or
 * manifest.json, at the skill root or in scripts/): per-tool metadata that
 * overrides what the scripts declare.
 *
 *   tools:
 *     - name: extract_text          # default: the tool's current name
 *       script: scripts/extract.py  # relative to the skill dir (or to scripts/
 *                                   # when the manifest lives there)
 *       description: Extract the text of a PDF
 *       args: flags | argv | json
 *       interpreter: python3
 *       timeout: 60                 # seconds, or "90s", "2m", "500ms", "1h"
 *       output_cap: 1048576         # bytes; also "64k", "1m" (1024-based)
 *       parameters:
 *         - name: path
 *           type: string            # integer number boolean array, or
 *                                   # str int float bool list
 *           items: string           # item type of an array
 *           description: ...
 *           required: true
 *           default: 1              # any scalar or list, kept as JSON text
 *           enum: [a, b]
 *           flag: --path            # for args: flags
 *           pass: value             # switch repeat nargs; rarely needed
 *
 * `pipelines`, at the root, are tools that chain other tools (pipeline.h).
 *
 * `permissions` and `secrets`, at the root (every tool of the skill) or in an
 * entry (that tool, over the skill's), are read by perms.h.
 *
 * JSON manifests are read by the same YAML loader. An entry without `script`
 * names an existing tool by `name`.
 */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "yml.h"

struct mf_manifest; /* opaque; lives in the arena */

/*
 * Parse a manifest shown as `path`. NULL on a YAML syntax error (reported).
 * Shape and type errors are reported here too; the entries and fields that
 * were well-formed are kept so that mf_apply still applies them.
 */
struct mf_manifest *mf_parse(struct arena *a, struct diag *d, const char *path, const char *src,
			     size_t len);

/*
 * Apply m to a skill whose tools were extracted from its scripts (each
 * tool->script relative to the skill dir). Precedence is manifest > script >
 * file name: every field the manifest gives replaces the tool's, and
 * description_from, args_from and params_from become SK_FROM_MANIFEST for
 * what it set. A `parameters` list replaces the tool's list; each manifest
 * parameter inherits type (with item type), description, flag and pass from
 * the script's parameter of the same name when it does not give them. With
 * no script parameter to inherit from, a parameter of a tool passing flags
 * gets the flag "--<name>"; pass defaults to switch for booleans, nargs for
 * arrays, value otherwise.
 *
 * An entry naming a script that is a file of the skill (skill->files) but not
 * a tool, and that gives an `interpreter`, adds a tool. Listing a script in
 * the manifest clears its is_library mark: the manifest says it is a tool.
 * Returns the number of errors it reported (0: all applied).
 */
int mf_apply(struct arena *a, struct diag *d, const struct mf_manifest *m, struct sk_skill *skill,
	     bool scripts_dir_manifest);

/*
 * mf_apply with the origin `from` for what the entries set: SK_FROM_SCRIPT
 * for metadata a WASM module declares about itself.
 */
int mf_apply_from(struct arena *a, struct diag *d, const struct mf_manifest *m,
		  struct sk_skill *skill, bool scripts_dir_manifest, enum sk_origin from);

/* Entries may name a WASM module (`wasm = "x.wasm"`, which becomes the
 * entry's script) and give `input_schema` (a JSON Schema object) in place of
 * `parameters`. */
#define MF_WASM 1u

/*
 * Tool entries from a list already loaded (a manifest.toml's [[tools]], or
 * one mapping: a WASM module's own description). NULL list: no entries.
 */
struct mf_manifest *mf_parse_entries(struct arena *a, struct diag *d, const char *path,
				     const struct yml_node *list, unsigned flags);

/*
 * "string" "integer" "number" "boolean" "array" and the aliases "str" "int"
 * "float" "bool" "list" (any case) to an SKC_T_* value. 0, or -1 if unknown.
 */
int mf_type_from_name(const char *s, uint8_t *type);

/*
 * JSON text of a YAML node, in the arena. A plain scalar that is a JSON
 * number stays a number; plain true/false/null (also True, TRUE, ~ and empty,
 * as YAML 1.2's core schema reads them) become those literals; every other
 * scalar, and every quoted one, is a JSON string. Lists and mappings become
 * arrays and objects (keys as strings). NULL for a NULL node.
 */
const char *mf_scalar_json(struct arena *a, const struct yml_node *n);

/*
 * A manifest `parameters` list into t->params, as an entry's parameters
 * with no script parameter to lend (t->args says whether flags are made).
 * 0, or -1 when the list itself is malformed (reported).
 */
int mf_params(struct arena *a, struct diag *d, const char *path, const struct yml_node *list,
	      struct sk_tool *t);

/* A `timeout` value ("90s", "2m", 500ms, a number of seconds) into *ms; -1: reported. */
int mf_parse_timeout(struct arena *a, struct diag *d, const char *path, const struct yml_node *v,
		     uint32_t *ms);

/*
 * User text made safe to quote in a diagnostic: control bytes as \xNN, cut
 * to about 60 bytes with "..." (never inside a UTF-8 sequence).
 */
const char *mf_show(struct arena *a, const char *s, size_t len);

#endif
