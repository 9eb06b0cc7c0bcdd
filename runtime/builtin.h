/*
 * builtin.h - the tools every agent has beside its skills' own:
 * list_skills, activate_skill, deactivate_skill and read_skill_file. The MCP
 * server and the agent loop both serve them from here; each wraps the
 * result in its own protocol.
 *
 * Activation is progressive disclosure: a model first sees each skill's name
 * and description; activating one returns its instructions and makes its
 * tools available, deactivating takes them away.
 */
#ifndef BI_BUILTIN_H
#define BI_BUILTIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "skc_abi.h"

struct bi_def {
	const char *name;
	const char *title;
	const char *description;
	const char *schema;      /* JSON Schema text of the arguments */
	const char *annotations; /* MCP tool annotations, JSON text */
	bool activation;         /* (de)activates skills: only where activation matters */
};

enum { BI_COUNT = 4 };
/* list_skills, activate_skill, deactivate_skill, read_skill_file. */
extern const struct bi_def bi_defs[BI_COUNT];

/* The builtin named `name`, or NULL. */
const struct bi_def *bi_find(const char *name);

struct bi_state {
	const struct skc_table *t;
	bool *active;       /* per skill */
	int8_t *file_text;  /* per file: 1 text, 0 binary, -1 not yet known */
	bool show_active;   /* list_skills says which skills are active */
};

/*
 * Whether a tool is offered now: its skill is active, or an active skill
 * declares it in its frontmatter's `uses` (a plugin's tool it works with).
 */
bool bi_tool_active(const struct bi_state *s, const struct skc_tool *tool);

/* 0, or -1 when out of memory. */
int bi_state_init(struct bi_state *s, const struct skc_table *t, bool show_active);
void bi_state_release(struct bi_state *s);

struct bi_result {
	char *text; /* malloc'd, NUL-terminated; NULL when `binary` is set */
	size_t len;
	bool is_error;
	const struct skc_skill *skill; /* the skill concerned, when there is one */
	const struct skc_file *binary; /* read_skill_file found a binary file */
	int changed;                   /* +1 activated, -1 deactivated, 0 neither */
};

/* Run a builtin. Bad arguments give an error result naming what is wrong. */
void bi_call(struct bi_state *s, const struct bi_def *d, json_t *args, struct bi_result *out);
void bi_result_release(struct bi_result *r);

/* Whether a file reads as text (UTF-8, no NUL, few control bytes); worked
 * out once per file. */
bool bi_file_is_text(struct bi_state *s, const struct skc_file *f);
/* The skill named `name`, or NULL with a sentence in err (naming a close
 * match when there is one). */
const struct skc_skill *bi_find_skill(const struct skc_table *t, const char *name, char *err,
				      size_t errn);
/* The file of skill `s` at `path` (n bytes), or NULL. */
const struct skc_file *bi_find_file(const struct skc_table *t, const struct skc_skill *s,
				    const char *path, size_t n);
/* skill://<skill>/<path>, the path percent-encoded but for '/', in buf. */
void bi_resource_uri(char *buf, size_t n, const char *skill, const char *path);
/* The file a skill:// URI names, and its skill; NULL when there is none. */
const struct skc_file *bi_resource_file(const struct skc_table *t, const char *uri,
					const struct skc_skill **skill);
/* A MIME type from the file name, else text/plain or application/octet-stream. */
const char *bi_mime_type(const char *path, bool text);

#endif
