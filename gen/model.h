/*
 * model.h - the generator's one intermediate representation.
 *
 * Parse fills it, validate checks it, render reads it. Everything is
 * allocated from the run's arena; strings are NUL-terminated.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../runtime/skc_abi.h"
#include "diag.h"

/* A place in a source file, for diagnostics. line/col are 1-based; 0: unknown. */
struct sk_loc {
	const char *path; /* display path, relative to the current directory */
	unsigned line, col;
};

enum sk_lang { SK_LANG_NONE, SK_LANG_PYTHON, SK_LANG_BASH, SK_LANG_JS };

/* Where a piece of tool metadata came from, lowest precedence first. */
enum sk_origin { SK_FROM_DEFAULT, SK_FROM_FILENAME, SK_FROM_SCRIPT, SK_FROM_MANIFEST };

struct sk_param {
	const char *name;         /* property name in the schema */
	const char *description;  /* NULL: none */
	uint8_t type;             /* enum skc_type */
	uint8_t item_type;        /* enum skc_type, when type is SKC_T_ARRAY */
	bool required;
	const char *default_json; /* JSON text of the default; NULL: none */
	const char **enum_json;   /* JSON texts of the allowed values */
	size_t n_enum, cap_enum;
	const char *flag;         /* "--name" or "-n"; NULL: positional */
	uint8_t pass;             /* enum skc_pass */
	struct sk_loc loc;
};

struct sk_secret {
	const char *name; /* an environment variable name */
	bool required;
	struct sk_loc loc;
};

/*
 * What a tool may do (skc_perms). has_* says which fields were given, so a
 * tool's own permissions override the skill's field by field.
 */
struct sk_perms {
	const char **read, **write, **hosts; /* paths; host patterns */
	size_t n_read, n_write, n_hosts;
	struct sk_secret *secrets;
	size_t n_secrets;
	uint64_t memory, file_size; /* bytes; 0: the runtime's default */
	uint32_t processes, cpu_s;
	uint8_t network; /* enum skc_net */
	/* WASM tools only: environment variables passed (by name), and the
	 * clock and random WASI calls. Script tools read both freely. */
	const char **env;
	size_t n_env;
	bool clock, random;
	bool has_read, has_write, has_network, has_secrets;
	bool has_memory, has_file_size, has_processes, has_cpu;
	bool has_env, has_clock, has_random;
};

/*
 * A WebAssembly module of a skill (a WASI preview 1 command), as checked by
 * wasm.h: what the bake compiles into the agent with wasm2c.
 */
struct sk_module {
	const char *path;       /* relative to the skill directory */
	const char *disk;       /* path to read it from */
	const uint8_t *code;    /* the module without custom sections (arena) */
	size_t code_len;
	uint32_t mem_min, mem_max; /* 64 KiB pages; mem_max UINT32_MAX: none declared */
	const char *tool_json;  /* the `skillc.tool` custom section's text; NULL: none */
	size_t tool_json_len;
	const char *c_name;     /* wasm2c module name, unique in the agent; set by render */
	struct sk_loc loc;
};

/* A tool reference in a skill's frontmatter `uses:` (plugin:<skill>/<tool>). */
struct sk_use {
	const char *skill, *tool; /* skill NULL: own namespace first, then global */
	struct sk_loc loc;
	const struct sk_tool *resolved; /* set by validate */
};

struct yml_node; /* yml.h */

/*
 * A step of a pipeline tool, as the manifest gives it (pipeline.h). The
 * YAML nodes stay for validate, which reports at their lines and columns.
 */
struct sk_step {
	const char *name;       /* NULL: unnamed */
	const char *tool_ref;   /* as written: tool, <skill>__<tool>, plugin:<skill>/<tool> */
	const struct yml_node *args;  /* a mapping; NULL: none */
	const struct yml_node *cond;  /* the condition scalar; NULL: always */
	bool continue_on_error;
	const struct sk_tool *resolved; /* set by validate */
	const char *args_json;  /* the argument template, compact JSON; set by validate */
	uint8_t cond_op;        /* enum skc_cond; set by validate */
	const char *cond_ref;   /* "$input.x"; set by validate */
	const char *cond_value; /* JSON text, for EQ and NE; set by validate */
	struct sk_loc loc, name_loc, tool_loc;
};

struct sk_tool {
	const char *name;        /* local name, unique within the skill */
	const char *wire_name;   /* <skill>__<name>, set by validate */
	const char *description; /* NULL: none */
	const char *script;      /* path relative to the skill directory (a WASM tool: its module) */
	uint8_t kind;            /* enum skc_kind */
	size_t module;           /* SKC_KIND_WASM: index into the skill's modules */
	const char *interpreter; /* argv words; NULL: execute the script itself */
	enum sk_lang lang;
	uint8_t args;            /* enum skc_args */
	uint32_t timeout_ms;     /* 0: runtime default */
	uint32_t output_cap;     /* 0: runtime default */
	bool is_library;         /* a module with neither main nor __main__ guard */
	const char *title;         /* human-readable name; NULL: made from the name */
	const char *output_schema; /* compact JSON Schema text of the result object; NULL: none */
	const char *annotations;   /* compact JSON text of the MCP tool annotations; NULL: none */
	enum sk_origin description_from, params_from, args_from;
	struct sk_param *params;
	size_t n_params, cap_params;
	struct sk_perms perms;   /* manifest grants; all zero: the defaults */
	struct sk_loc loc;       /* the script, or the manifest entry */
	struct sk_step *steps;   /* SKC_KIND_PIPELINE: its steps, in order */
	size_t n_steps, cap_steps;
	bool has_timeout;        /* a pipeline's timeout was given (else: its steps' sum) */
};

struct sk_file {
	const char *path;   /* relative to the skill directory, '/' separated */
	const char *disk;   /* path to read it from */
	uint64_t size;
	uint32_t mode;      /* 0644 or 0755 */
	uint8_t sha256[32];
};

struct sk_kv {
	const char *key, *value;
};

struct sk_skill {
	const char *name;
	const char *description;
	const char *body;          /* Markdown after the frontmatter */
	unsigned body_line;        /* line of SKILL.md where the body starts */
	const char *license;
	const char *compatibility;
	const char *allowed_tools; /* space-separated */
	struct sk_kv *metadata;
	size_t n_metadata, cap_metadata;
	const char *dir;           /* display path of the skill directory */
	const char *source;        /* skill dir relative to its root ("." for the root itself) */
	const char *skill_md;      /* display path of SKILL.md */
	const char *manifest;      /* display path of the manifest; NULL: none */
	bool manifest_in_scripts;  /* the manifest lives in scripts/ */
	struct sk_loc name_loc;    /* where `name:` was given */
	struct sk_tool *tools;
	size_t n_tools, cap_tools;
	struct sk_file *files;     /* every embedded file, sorted by path */
	size_t n_files, cap_files;
	struct sk_module *modules; /* WASM modules, sorted by path */
	size_t n_modules, cap_modules;
	struct sk_use *uses;       /* tools of other skills this one declares it uses */
	size_t n_uses, cap_uses;
	const char *version;       /* a plugin's version; NULL: none */
	const char *plugin_manifest; /* display path of manifest.toml; NULL: not a plugin */
	struct sk_perms perms;     /* a plugin's grant, shared by all its tools */
	char digest[65];           /* hex SHA-256 over the files */
	struct diag_subject *subj; /* its diagnostics' subject (arena); NULL: none */
	uint64_t dir_dev, dir_ino; /* the directory, to find symlinked copies */
};

struct sk_model {
	const char *agent_name;
	/* `run` defaults baked into the agent; NULL: none */
	const char *provider, *model, *base_url;
	struct sk_skill *skills; /* sorted by name after validate */
	size_t n_skills, cap_skills;
	struct sk_skill *skipped; /* lenient baking: skills left out, in discovery order */
	size_t n_skipped, cap_skipped;
	size_t n_copies;          /* lenient baking: symlinked copies baked once */
	const char **deps;       /* every file read, for the Make dependency file */
	size_t n_deps, cap_deps;
	char digest[65];
};

#endif
