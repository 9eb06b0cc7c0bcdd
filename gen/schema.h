/*
 * schema.h - JSON documents derived from the model: each tool's input
 * schema, the `list --json` document, and the `--dump` view of the model.
 * All are compact, keys in a fixed order, so output is reproducible.
 */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <jansson.h>

#include "arena.h"
#include "model.h"

/* The JSON Schema of a tool's input object (new reference). */
json_t *schema_tool(const struct sk_tool *t);

/* The description shown for a tool: its own, else one made from its script. */
const char *schema_tool_description(struct arena *a, const struct sk_skill *s,
				    const struct sk_tool *t);

/*
 * The human-readable name of a tool: its own, else its local name with '_'
 * and '-' as single spaces and the first letter upper-cased
 * ("extract_text" gives "Extract text"). Never empty.
 */
const char *schema_tool_title(struct arena *a, const struct sk_tool *t);

/*
 * The tool's MCP tools/list entry (new reference), keys in this order:
 * name (the wire name), title, description, inputSchema, then outputSchema
 * and annotations when the tool declares them.
 */
json_t *schema_mcp_tool(struct arena *a, const struct sk_skill *s, const struct sk_tool *t);

/* {"agent":..., "skills":[{"name","description","tools":[{"name","description"}]}]} */
json_t *schema_list(struct arena *a, const struct sk_model *m);

/* Everything a golden test wants to compare: skills, tools, args, schemas. */
json_t *schema_dump(struct arena *a, const struct sk_model *m);

/* The JSON text of a value for a schema, or NULL when text is not valid JSON. */
json_t *schema_json_value(const char *text);

#endif
