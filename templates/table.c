/*
 * table.c - the template of one agent's tool table.
 *
 * skillc copies this file into the build directory, replacing what stands
 * between each SLOT banner and its END banner with generated lines. As it
 * stands here it is a valid empty table, and it compiles on its own.
 * The runtime (runtime/skc_abi.h) owns the layout; this file only fills it.
 */
#include <stdint.h>

#include "skc_abi.h"

/* ==== SLOT abi ==== */
#define SKC_GEN_ABI_VERSION 6
/* ==== END abi ==== */

#if SKC_GEN_ABI_VERSION != SKC_ABI_VERSION
#error "this table was generated for another table ABI version; bake it again with the matching skillc"
#endif

/* ==== SLOT counts ==== */
#define SKC_SKILL_COUNT 0
#define SKC_TOOL_COUNT 0
#define SKC_PARAM_COUNT 0
#define SKC_ENUM_COUNT 0
#define SKC_FILE_COUNT 0
#define SKC_PERM_STR_COUNT 0
#define SKC_SECRET_COUNT 0
#define SKC_USE_COUNT 0
#define SKC_STEP_COUNT 0
#define SKC_DATA_SIZE 8u
/* ==== END counts ==== */

/* C has no empty arrays: an empty table keeps one zeroed element. */
#define SKC_LEN(n) ((n) ? (n) : 1)

/* ==== SLOT ids ==== */
enum skc_skill_id { SKC_SKILL_END_ = 0 };
enum skc_tool_id { SKC_TOOL_END_ = 0 };
/* ==== END ids ==== */

_Static_assert(SKC_SKILL_END_ == SKC_SKILL_COUNT, "skill ids and count disagree");
_Static_assert(SKC_TOOL_END_ == SKC_TOOL_COUNT, "tool ids and count disagree");

/* The read-only blob from data.S: string pool, skill files, trailer. */
extern const unsigned char skc_data[];

/* WASM modules, compiled from wasm/<name>.c beside this file. */
/* ==== SLOT wasm ==== */
/* ==== END wasm ==== */

static const struct skc_skill skc_skills[SKC_LEN(SKC_SKILL_COUNT)] = {
/* ==== SLOT skills ==== */
	{.tool_first = 0},
/* ==== END skills ==== */
};

static const struct skc_tool skc_tools[SKC_LEN(SKC_TOOL_COUNT)] = {
/* ==== SLOT tools ==== */
	{.skill = 0},
/* ==== END tools ==== */
};

static const struct skc_param skc_params[SKC_LEN(SKC_PARAM_COUNT)] = {
/* ==== SLOT params ==== */
	{{0, 0}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0, 0, 0, 0},
/* ==== END params ==== */
};

static const struct skc_slice skc_enums[SKC_LEN(SKC_ENUM_COUNT)] = {
/* ==== SLOT enums ==== */
	{0, 0},
/* ==== END enums ==== */
};

static const struct skc_file skc_files[SKC_LEN(SKC_FILE_COUNT)] = {
/* ==== SLOT files ==== */
	{{0, 0}, 0, 0, {0}, 0},
/* ==== END files ==== */
};

static const struct skc_slice skc_perm_strs[SKC_LEN(SKC_PERM_STR_COUNT)] = {
/* ==== SLOT perm_strs ==== */
	{0, 0},
/* ==== END perm_strs ==== */
};

static const struct skc_secret skc_secrets[SKC_LEN(SKC_SECRET_COUNT)] = {
/* ==== SLOT secrets ==== */
	{{0, 0}, 0},
/* ==== END secrets ==== */
};

static const uint32_t skc_uses[SKC_LEN(SKC_USE_COUNT)] = {
/* ==== SLOT uses ==== */
	0,
/* ==== END uses ==== */
};

static const struct skc_step skc_steps[SKC_LEN(SKC_STEP_COUNT)] = {
/* ==== SLOT steps ==== */
	{{0, 0}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0},
/* ==== END steps ==== */
};

_Static_assert(sizeof skc_skills / sizeof skc_skills[0] == SKC_LEN(SKC_SKILL_COUNT), "skills");
_Static_assert(sizeof skc_tools / sizeof skc_tools[0] == SKC_LEN(SKC_TOOL_COUNT), "tools");
_Static_assert(sizeof skc_params / sizeof skc_params[0] == SKC_LEN(SKC_PARAM_COUNT), "params");
_Static_assert(sizeof skc_enums / sizeof skc_enums[0] == SKC_LEN(SKC_ENUM_COUNT), "enums");
_Static_assert(sizeof skc_files / sizeof skc_files[0] == SKC_LEN(SKC_FILE_COUNT), "files");
_Static_assert(sizeof skc_perm_strs / sizeof skc_perm_strs[0] == SKC_LEN(SKC_PERM_STR_COUNT),
	       "perm_strs");
_Static_assert(sizeof skc_secrets / sizeof skc_secrets[0] == SKC_LEN(SKC_SECRET_COUNT), "secrets");
_Static_assert(sizeof skc_uses / sizeof skc_uses[0] == SKC_LEN(SKC_USE_COUNT), "uses");
_Static_assert(sizeof skc_steps / sizeof skc_steps[0] == SKC_LEN(SKC_STEP_COUNT), "steps");

static const struct skc_table skc_the_table = {
	.magic = SKC_MAGIC,
	.abi_version = SKC_GEN_ABI_VERSION,
	.data = skc_data,
	.data_size = SKC_DATA_SIZE,
	.skills = skc_skills,
	.skill_count = SKC_SKILL_COUNT,
	.tools = skc_tools,
	.tool_count = SKC_TOOL_COUNT,
	.params = skc_params,
	.param_count = SKC_PARAM_COUNT,
	.enums = skc_enums,
	.enum_count = SKC_ENUM_COUNT,
	.files = skc_files,
	.file_count = SKC_FILE_COUNT,
	.perm_strs = skc_perm_strs,
	.perm_str_count = SKC_PERM_STR_COUNT,
	.secrets = skc_secrets,
	.secret_count = SKC_SECRET_COUNT,
	.uses = skc_uses,
	.use_count = SKC_USE_COUNT,
	.steps = skc_steps,
	.step_count = SKC_STEP_COUNT,
/* ==== SLOT meta ==== */
	.agent_name = {0, 0},
	.digest = {0, 0},
	.list_json = {0, 0},
	.default_provider = {0, 0},
	.default_model = {0, 0},
	.default_base_url = {0, 0},
/* ==== END meta ==== */
};

const struct skc_table *skc_table(void)
{
	return &skc_the_table;
}
