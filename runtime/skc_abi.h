/*
 * skc_abi.h - the table ABI between generated code and the runtime.
 *
 * The generator (gen/) fills these structs; the runtime (runtime/) reads them.
 * Every string lives in one pool and is addressed by an offset/length slice;
 * each string in the pool is also NUL-terminated so it can be used as a C
 * string. Embedded skill files live in the same read-only data blob.
 *
 * Order: skills are sorted by name (strcmp), each skill's tools by their
 * local name and its files by path, so lookups can bisect.
 *
 * Bump SKC_ABI_VERSION on any change to a struct or enum below.
 */
#ifndef SKC_ABI_H
#define SKC_ABI_H

#include <stddef.h>
#include <stdint.h>

#define SKC_ABI_VERSION 6
#define SKC_MAGIC 0x31434b53u /* "SKC1" little-endian */

/* Parameter types, as in JSON Schema. */
enum skc_type {
	SKC_T_STRING = 0,
	SKC_T_INTEGER = 1,
	SKC_T_NUMBER = 2,
	SKC_T_BOOLEAN = 3,
	SKC_T_ARRAY = 4
};

/* How a tool receives its arguments. */
enum skc_args {
	SKC_ARGS_FLAGS = 0, /* --name value; positionals (no flag) follow */
	SKC_ARGS_ARGV = 1,  /* positional, in declared order */
	SKC_ARGS_JSON = 2,  /* one JSON object on stdin */
	SKC_ARGS_SKILLZ = 3 /* an `execute` request on stdin, then the Skillz
			       callback protocol both ways (callback.h) */
};

/* How one parameter is written in the flags style. */
enum skc_pass {
	SKC_PASS_VALUE = 0,  /* flag value */
	SKC_PASS_SWITCH = 1, /* bare flag when true, nothing when false */
	SKC_PASS_REPEAT = 2, /* list: flag v1 flag v2 ... */
	SKC_PASS_NARGS = 3   /* list: flag v1 v2 ... */
};

struct skc_slice {
	uint32_t off;
	uint32_t len;
};

/* What runs when a tool is called. */
enum skc_kind {
	SKC_KIND_SCRIPT = 0, /* a process: the script under its interpreter */
	SKC_KIND_WASM = 1,   /* a WASI command module compiled in by wasm2c */
	SKC_KIND_PIPELINE = 2 /* steps over other tools (skc_step) */
};

/* When a pipeline step runs. */
enum skc_cond {
	SKC_COND_ALWAYS = 0,
	SKC_COND_TRUTHY = 1, /* the reference's value is truthy */
	SKC_COND_FALSY = 2,  /* !$ref */
	SKC_COND_EQ = 3,     /* $ref == value */
	SKC_COND_NE = 4      /* $ref != value */
};

enum {
	SKC_STEP_CONTINUE = 1 << 0 /* continue_on_error: a failure becomes {"error": ...} */
};

/*
 * One step of a pipeline tool, checked by the generator: its tool exists,
 * every reference in its arguments names a declared input or an earlier
 * step, and the arguments fit the tool's parameters. References are
 * `$input.a.b`, `$prev`, `$prev.a`, `$<step>.a` inside the string values of
 * the argument template; `$$` is a literal `$`.
 */
struct skc_step {
	struct skc_slice name;       /* len 0: unnamed */
	struct skc_slice args;       /* JSON object text: the argument template */
	struct skc_slice cond_ref;   /* the condition's reference ("$input.verbose") */
	struct skc_slice cond_value; /* JSON text compared with, for EQ and NE */
	uint32_t tool;               /* into skc_table.tools */
	uint8_t cond;                /* enum skc_cond */
	uint8_t flags;               /* SKC_STEP_* */
};

/* What a tool may reach over the network. */
enum skc_net {
	SKC_NET_NONE = 0,  /* no sockets but AF_UNIX */
	SKC_NET_HOSTS = 1, /* on, with the allowed hosts passed to the tool */
	SKC_NET_ALL = 2
};

/*
 * What a script tool may do, from its manifest (skill-wide `permissions`
 * with the tool's own on top). Paths are absolute or "~" / "~/..." (the
 * agent's HOME at run time). Limits of 0 take the runtime's defaults.
 */
struct skc_perms {
	uint32_t read_first, read_count;   /* into skc_table.perm_strs: paths read */
	uint32_t write_first, write_count; /* paths read and written */
	uint32_t host_first, host_count;   /* allowed hosts, for SKC_NET_HOSTS */
	uint32_t secret_first, secret_count; /* into skc_table.secrets */
	uint64_t memory;    /* bytes of data (RLIMIT_DATA) */
	uint64_t file_size; /* bytes one file may grow to (RLIMIT_FSIZE) */
	uint32_t processes; /* RLIMIT_NPROC */
	uint32_t cpu_s;     /* CPU seconds (RLIMIT_CPU) */
	uint8_t network;    /* enum skc_net */
	uint8_t flags;      /* SKC_PERM_*: WASM tools only */
	uint32_t env_first, env_count; /* into perm_strs: variables passed by name */
};

enum {
	SKC_PERM_CLOCK = 1 << 0,  /* WASI clock_time_get, clock_res_get */
	SKC_PERM_RANDOM = 1 << 1  /* WASI random_get */
};

/*
 * A WASM module compiled to C by wasm2c, with the glue the bake writes
 * around it. `inst` is the module's instance struct (instance_size bytes),
 * `host` the runtime's WASI context. The runtime calls, in a forked child:
 * init_module, instantiate, memory, start; a trap longjmps out of start.
 */
struct skc_wasm {
	size_t instance_size;
	void (*init_module)(void);
	void (*instantiate)(void *inst, void *host);
	void *(*memory)(void *inst); /* its wasm_rt_memory_t; NULL: none exported */
	void (*start)(void *inst);   /* _start */
};

/* An environment variable a tool is given from the agent's environment. */
struct skc_secret {
	struct skc_slice name;
	uint8_t required; /* the call fails before the tool runs when unset */
};

struct skc_param {
	struct skc_slice name;
	struct skc_slice description;
	struct skc_slice flag;         /* "--name", "-n"; len 0: positional */
	struct skc_slice default_json; /* JSON text; len 0: no default */
	uint32_t enum_first;           /* into skc_table.enums (JSON texts) */
	uint32_t enum_count;
	uint8_t type;      /* enum skc_type */
	uint8_t item_type; /* enum skc_type, for SKC_T_ARRAY */
	uint8_t required;
	uint8_t pass; /* enum skc_pass */
};

struct skc_tool {
	struct skc_slice name;        /* local name within the skill */
	struct skc_slice wire_name;   /* <skill>__<tool> */
	struct skc_slice description;
	struct skc_slice script;      /* relative to the skill directory */
	struct skc_slice interpreter; /* argv words, space-separated; len 0: exec the script */
	struct skc_slice schema;      /* JSON Schema text of the input object */
	struct skc_slice title;       /* human-readable name; never empty */
	struct skc_slice output_schema; /* JSON Schema text of the result object; len 0: none */
	struct skc_slice mcp_json;    /* this tool's MCP tools/list entry, one JSON object:
					 name, title, description, inputSchema, and
					 outputSchema and annotations when declared */
	uint32_t skill;
	uint32_t param_first;
	uint32_t param_count;
	uint32_t timeout_ms;
	uint32_t output_cap;
	uint8_t args; /* enum skc_args */
	uint8_t kind; /* enum skc_kind */
	struct skc_perms perms;
	const struct skc_wasm *wasm; /* SKC_KIND_WASM; NULL otherwise */
	uint32_t step_first;         /* SKC_KIND_PIPELINE: into skc_table.steps */
	uint32_t step_count;
};

struct skc_file {
	struct skc_slice path; /* relative to the skill directory */
	uint64_t data_off;     /* into skc_table.data */
	uint64_t size;
	uint8_t sha256[32];
	uint32_t mode; /* permission bits: 0644 or 0755 */
};

struct skc_skill {
	struct skc_slice name;
	struct skc_slice description;
	struct skc_slice body;        /* SKILL.md without frontmatter */
	struct skc_slice source;      /* path of the skill dir relative to its root */
	struct skc_slice license;
	struct skc_slice compatibility;
	struct skc_slice allowed_tools;
	struct skc_slice digest;      /* hex SHA-256 over the skill's files */
	uint32_t tool_first;
	uint32_t tool_count;
	uint32_t file_first;
	uint32_t file_count;
	uint32_t use_first;          /* into skc_table.uses: tools of other skills this
					one declares, shown with its own when active */
	uint32_t use_count;
	struct skc_slice version;    /* a plugin's version; len 0: none */
};

struct skc_table {
	uint32_t magic;
	uint32_t abi_version;
	const unsigned char *data; /* pool and file contents, read-only */
	uint64_t data_size;
	const struct skc_skill *skills;
	uint32_t skill_count;
	const struct skc_tool *tools;
	uint32_t tool_count;
	const struct skc_param *params;
	uint32_t param_count;
	const struct skc_slice *enums;
	uint32_t enum_count;
	const struct skc_file *files;
	uint32_t file_count;
	const struct skc_slice *perm_strs; /* paths and hosts of every tool's perms */
	uint32_t perm_str_count;
	const struct skc_secret *secrets;
	uint32_t secret_count;
	const uint32_t *uses; /* tool indices */
	uint32_t use_count;
	const struct skc_step *steps; /* of every pipeline tool */
	uint32_t step_count;
	struct skc_slice agent_name;
	struct skc_slice digest;    /* hex SHA-256 over every skill digest */
	struct skc_slice list_json; /* precomputed `list --json` document */
	/* Defaults for `run` and `chat`, baked by `make PROVIDER= MODEL= BASE_URL=`;
	 * len 0: none. Flags and the environment override them. */
	struct skc_slice default_provider;
	struct skc_slice default_model;
	struct skc_slice default_base_url;
};

/* Defined by the generated table; the runtime's only entry point to it. */
const struct skc_table *skc_table(void);

/* The C string for a slice. Pool strings are NUL-terminated. */
static inline const char *skc_str(const struct skc_table *t, struct skc_slice s)
{
	return (const char *)t->data + s.off;
}

#endif
