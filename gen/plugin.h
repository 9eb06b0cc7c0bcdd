/*
 * plugin.h - hybrid plugins: a skill directory holding `manifest.toml`, whose
 * WASM modules (and scripts) become tools that share the plugin's grant; and
 * Skillz tool directories (`manifest.json` beside `<name>.wasm`).
 *
 *   name = "weather"                 # the skill's name (its tools' namespace);
 *                                    # a SKILL.md, if any, must give the same
 *   version = "1.2.0"
 *   description = "Forecasts"        # used when there is no SKILL.md
 *   capabilities = ["skill", "tool"] # known words only
 *   wasm_path = "weather.wasm"       # or a list; relative to the plugin
 *                                    # directory, inside it, ending in .wasm
 *
 *   [permissions]                    # perms.h, plus env, clock and random;
 *   network = ["api.weather.gov"]    # every tool of the plugin, script or
 *   clock = true                     # WASM, inherits what it does not set
 *
 *   [config_schema]                  # settings the tools read from their
 *   required = ["api_key"]           # environment: API_KEY here
 *   [config_schema.properties.api_key]
 *   type = "string"
 *   x-secret = true                  # a secret (required when listed in
 *                                    # `required`); without it, passed in env
 *
 *   [[tools]]                        # a manifest.yml tool entry (manifest.h):
 *   wasm = "weather.wasm"            # which module's tool; or `script` for a
 *   description = "..."              # script, `name` for a tool by name
 *   input_schema = { type = "object", properties = { city = { type = "string" } } }
 *
 * Each module gives one tool, named after the file (stem), taking its
 * arguments as JSON on stdin; what the module's `skillc.tool` custom section
 * declares ({"name", "description", "args", "input_schema"}) is applied as
 * the script's own metadata, then the [[tools]] entry over it.
 *
 * Skillz (https://github.com/Algiras/skillz) keeps each tool in a directory
 * holding `manifest.json` and `<name>.wasm`. Supported fields: `name`
 * (required; names the module too), `description`, `version`, `tool_type`
 * ("wasm", the default; other kinds are refused), `input_schema`,
 * `output_schema`, `annotations`. Others (author, license, tags, dates,
 * dependencies ...) are ignored. Such a directory is a skill of its own
 * (named by `name`) outside any skill, or a tool of the plugin it is in
 * (one level down).
 */
#ifndef PLUGIN_H
#define PLUGIN_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "model.h"

struct pl_plugin; /* opaque; lives in the arena */

/*
 * Read skill->plugin_manifest (text src[0..len)) into skill: name,
 * description and body (when there is no SKILL.md), version, the plugin
 * grant in skill->perms, one module and one WASM tool per wasm_path entry.
 * The [[tools]] entries are kept for pl_apply. NULL when the skill cannot be
 * baked (a syntax error, no usable name); skill->name is then NULL.
 */
struct pl_plugin *pl_parse(struct arena *a, struct diag *d, struct sk_skill *skill,
			   const char *src, size_t len);

/*
 * After the modules are checked (wasm.h fills tool_json): each module's
 * declared metadata (pl_apply_module_json), then the [[tools]] entries.
 */
void pl_apply(struct arena *a, struct diag *d, const struct pl_plugin *p, struct sk_skill *skill);

/* The module's `skillc.tool` JSON applied to its tool, as the script's own metadata. */
void pl_apply_module_json(struct arena *a, struct diag *d, struct sk_skill *skill, size_t module);

/*
 * A Skillz manifest.json (shown as `path`, in the skill's directory `dir`,
 * "" for the skill root) into skill: a module and a WASM tool. When the
 * skill has no name yet, the manifest's name and description become the
 * skill's. -1 when nothing could be added.
 */
int pl_skillz(struct arena *a, struct diag *d, struct sk_skill *skill, const char *path,
	      const char *dir, const char *src, size_t len);

/* Every tool of a plugin inherits the plugin's grant under its own. */
void pl_inherit(struct sk_skill *skill);

#endif
