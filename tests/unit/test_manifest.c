/* test_manifest.c - manifest parsing and how it overrides extracted tools. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "manifest.h"
#include "schema.h"
#include "yml.h"
#include "testutil.h"


static void add_file(struct tu_cap *c, const char *path)
{
	struct sk_file *f = &ARENA_PUSH(&c->a, c->sk.files, c->sk.n_files, c->sk.cap_files);
	memset(f, 0, sizeof *f);
	f->path = path;
}

static struct sk_param *add_param(struct tu_cap *c, struct sk_tool *t, const char *name, uint8_t type,
				  const char *flag)
{
	struct sk_param *p = &ARENA_PUSH(&c->a, t->params, t->n_params, t->cap_params);
	memset(p, 0, sizeof *p);
	p->name = name;
	p->type = type;
	p->flag = flag;
	return p;
}

/* A skill as extraction leaves it: one tool with params, one library, one bare file. */
static void make_skill(struct tu_cap *c)
{
	add_file(c, "SKILL.md");
	add_file(c, "scripts/extract.py");
	add_file(c, "scripts/helper.py");
	add_file(c, "scripts/run.lua");
	struct sk_tool *t = &ARENA_PUSH(&c->a, c->sk.tools, c->sk.n_tools, c->sk.cap_tools);
	memset(t, 0, sizeof *t);
	t->name = "extract";
	t->script = "scripts/extract.py";
	t->lang = SK_LANG_PYTHON;
	t->description = "from the docstring";
	t->description_from = SK_FROM_SCRIPT;
	t->args = SKC_ARGS_FLAGS;
	t->args_from = SK_FROM_SCRIPT;
	t->params_from = SK_FROM_SCRIPT;
	struct sk_param *p = add_param(c, t, "path", SKC_T_STRING, "--path");
	p->description = "the input file";
	p = add_param(c, t, "verbose", SKC_T_BOOLEAN, "-v");
	p->pass = SKC_PASS_SWITCH;
	t = &ARENA_PUSH(&c->a, c->sk.tools, c->sk.n_tools, c->sk.cap_tools);
	memset(t, 0, sizeof *t);
	t->name = "helper";
	t->script = "scripts/helper.py";
	t->lang = SK_LANG_PYTHON;
	t->is_library = true;
}

/* Everything mf_apply may touch, as text, to compare runs. */
static char *dump(const struct sk_skill *sk)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	for (size_t i = 0; i < sk->n_tools; i++) {
		const struct sk_tool *t = &sk->tools[i];
		fprintf(f, "tool %s script=%s desc=%s/%d interp=%s lang=%d args=%u/%d timeout=%u cap=%u lib=%d params/%d\n",
			t->name, t->script, t->description ? t->description : "-",
			(int)t->description_from, t->interpreter ? t->interpreter : "-", (int)t->lang,
			t->args, (int)t->args_from, t->timeout_ms, t->output_cap, t->is_library,
			(int)t->params_from);
		for (size_t j = 0; j < t->n_params; j++) {
			const struct sk_param *p = &t->params[j];
			fprintf(f, "  %s type=%u/%u req=%d def=%s flag=%s pass=%u desc=%s enum=", p->name,
				p->type, p->item_type, p->required,
				p->default_json ? p->default_json : "-", p->flag ? p->flag : "-", p->pass,
				p->description ? p->description : "-");
			for (size_t k = 0; k < p->n_enum; k++)
				fprintf(f, "%s%s", k ? "," : "", p->enum_json[k]);
			fputc('\n', f);
		}
	}
	fclose(f);
	return buf;
}

static const char full_yaml[] =
	"# the extractor\n"
	"tools:\n"
	"  - name: extract_text\n"
	"    script: scripts/extract.py\n"
	"    description: Extract the text of a PDF\n"
	"    args: json\n"
	"    interpreter: python3 -X utf8\n"
	"    timeout: 90s\n"
	"    output_cap: 64k\n"
	"    parameters:\n"
	"      - name: path\n"
	"        required: true\n"
	"      - name: verbose\n"
	"        type: bool\n"
	"        default: false\n"
	"      - name: pages\n"
	"        type: list\n"
	"        items: int\n"
	"        default: [1, 2]\n"
	"        description: pages to read\n"
	"      - name: mode\n"
	"        type: str\n"
	"        enum: [fast, \"slow\", 3]\n"
	"        default: fast\n"
	"        flag: -m\n"
	"  - script: ./scripts/run.lua\n"
	"    interpreter: lua5.4\n"
	"    timeout: 1.5\n"
	"  - script: scripts/helper.py\n"
	"    output_cap: 1000\n";

static const char full_json[] =
	"{\n"
	"\t\"tools\": [\n"
	"\t\t{\n"
	"\t\t\t\"name\": \"extract_text\",\n"
	"\t\t\t\"script\": \"scripts/extract.py\",\n"
	"\t\t\t\"description\": \"Extract the text of a PDF\",\n"
	"\t\t\t\"args\": \"json\",\n"
	"\t\t\t\"interpreter\": \"python3 -X utf8\",\n"
	"\t\t\t\"timeout\": \"90s\",\n"
	"\t\t\t\"output_cap\": \"64k\",\n"
	"\t\t\t\"parameters\": [\n"
	"\t\t\t\t{\"name\": \"path\", \"required\": true},\n"
	"\t\t\t\t{\"name\": \"verbose\", \"type\": \"bool\", \"default\": false},\n"
	"\t\t\t\t{\"name\": \"pages\", \"type\": \"list\", \"items\": \"int\", \"default\": [1, 2],\n"
	"\t\t\t\t \"description\": \"pages to read\"},\n"
	"\t\t\t\t{\"name\": \"mode\", \"type\": \"str\", \"enum\": [\"fast\", \"slow\", 3],\n"
	"\t\t\t\t \"default\": \"fast\", \"flag\": \"-m\"}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\"script\": \"./scripts/run.lua\", \"interpreter\": \"lua5.4\", \"timeout\": 1.5},\n"
	"\t\t{\"script\": \"scripts/helper.py\", \"output_cap\": 1000}\n"
	"\t]\n"
	"}\n";

static const char full_expect[] =
	"tool extract_text script=scripts/extract.py desc=Extract the text of a PDF/3 interp=python3 -X utf8 "
	"lang=1 args=2/3 timeout=90000 cap=65536 lib=0 params/3\n"
	"  path type=0/0 req=1 def=- flag=--path pass=0 desc=the input file enum=\n"
	"  verbose type=3/0 req=0 def=false flag=-v pass=1 desc=- enum=\n"
	"  pages type=4/1 req=0 def=[1,2] flag=- pass=3 desc=pages to read enum=\n"
	"  mode type=0/0 req=0 def=\"fast\" flag=-m pass=0 desc=- enum=\"fast\",\"slow\",3\n"
	"tool helper script=scripts/helper.py desc=-/0 interp=- lang=1 args=0/0 timeout=0 cap=1000 lib=0 params/0\n"
	"tool run script=scripts/run.lua desc=-/0 interp=lua5.4 lang=0 args=0/0 timeout=1500 cap=0 lib=0 params/0\n";

static char *run_full(const char *path, const char *src, size_t len)
{
	struct tu_cap c;
	tu_cap_open(&c);
	make_skill(&c);
	struct mf_manifest *m = mf_parse(&c.a, &c.d, path, src, len);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(mf_apply(&c.a, &c.d, m, &c.sk, false), 0);
	ck_assert_str_eq(tu_cap_text(&c), "");
	char *out = dump(&c.sk);
	tu_cap_close(&c);
	return out;
}

START_TEST(test_full)
{
	char *y = run_full("manifest.yml", full_yaml, sizeof full_yaml - 1);
	char *j = run_full("manifest.json", full_json, sizeof full_json - 1);
	ck_assert_str_eq(y, full_expect);
	ck_assert_str_eq(j, y);
	free(y);
	free(j);
}
END_TEST

START_TEST(test_untouched)
{
	/* No manifest entry for a tool: nothing changes. */
	struct tu_cap c;
	tu_cap_open(&c);
	make_skill(&c);
	char *before = dump(&c.sk);
	const char *src = "tools: []\n";
	struct mf_manifest *m = mf_parse(&c.a, &c.d, "m.yml", src, strlen(src));
	ck_assert_int_eq(mf_apply(&c.a, &c.d, m, &c.sk, false), 0);
	char *after = dump(&c.sk);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_scripts_dir)
{
	struct tu_cap c;
	tu_cap_open(&c);
	make_skill(&c);
	const char *src = "tools:\n  - script: extract.py\n    args: argv\n"
			  "    parameters:\n      - name: extra\n";
	struct mf_manifest *m = mf_parse(&c.a, &c.d, "scripts/manifest.yml", src, strlen(src));
	ck_assert_int_eq(mf_apply(&c.a, &c.d, m, &c.sk, true), 0);
	ck_assert_str_eq(tu_cap_text(&c), "");
	const struct sk_tool *t = &c.sk.tools[0];
	ck_assert_int_eq(t->args, SKC_ARGS_ARGV);
	ck_assert_int_eq(t->args_from, SK_FROM_MANIFEST);
	ck_assert_int_eq(t->description_from, SK_FROM_SCRIPT);
	ck_assert_str_eq(t->name, "extract");
	ck_assert_uint_eq(t->n_params, 1);
	ck_assert_ptr_null(t->params[0].flag); /* argv: no default flag */
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_default_flag)
{
	struct tu_cap c;
	tu_cap_open(&c);
	make_skill(&c);
	const char *src = "tools:\n  - name: extract\n    parameters:\n"
			  "      - {name: dry_run, type: boolean}\n      - {name: tags, type: array}\n";
	struct mf_manifest *m = mf_parse(&c.a, &c.d, "m.yml", src, strlen(src));
	ck_assert_int_eq(mf_apply(&c.a, &c.d, m, &c.sk, false), 0);
	const struct sk_tool *t = &c.sk.tools[0];
	ck_assert_str_eq(t->params[0].flag, "--dry_run");
	ck_assert_int_eq(t->params[0].pass, SKC_PASS_SWITCH);
	ck_assert_str_eq(t->params[1].flag, "--tags");
	ck_assert_int_eq(t->params[1].pass, SKC_PASS_NARGS);
	ck_assert_int_eq(t->params[1].item_type, SKC_T_STRING);
	ck_assert_uint_eq(t->params[1].loc.line, 5);
	ck_assert_str_eq(t->params[1].loc.path, "m.yml");
	tu_cap_close(&c);
}
END_TEST

#define TITLE_129                                                                            \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9"

/* Manifests that are wrong: the exact diagnostics, and what mf_apply returns. */
static const struct {
	const char *src;
	int apply;
	const char *diag;
} bad[] = {
	{"tools:\n  - name: x\n    script: scripts/nope.py\n", 1,
	 "m.yml:2:5: error: manifest entry 'x' names script 'scripts/nope.py', which does not exist\n"},
	{"tools:\n  - script: scripts/run.lua\n", 1,
	 "m.yml:2:5: error: manifest entry 'run' names script 'scripts/run.lua', which has no known "
	 "interpreter; add 'interpreter:'\n"},
	{"tools:\n  - script: scripts/extract.py\n  - name: again\n    script: scripts/extract.py\n", 1,
	 "m.yml:3:5: error: script 'scripts/extract.py' has a second manifest entry\n"
	 "m.yml:2:5: note: first entry here\n"},
	{"tools:\n  - name: nope\n", 1,
	 "m.yml:2:5: error: manifest entry 'nope' has no 'script', and no tool is named 'nope'\n"},
	{"tools:\n  - script: scripts/extract.py\n    parameters:\n      - name: p\n        type: frob\n", 0,
	 "m.yml:5:15: error: unknown type 'frob'; expected 'string', 'integer', 'number', 'boolean' or 'array'\n"},
	{"tools:\n  - script: scripts/extract.py\n    args: stdin\n", 0,
	 "m.yml:3:11: error: invalid args 'stdin'; expected 'flags', 'argv' or 'json'\n"},
	{"tools:\n  - script: scripts/extract.py\n    description: [a]\n", 0,
	 "m.yml:3:18: error: 'description' must be a string, not a list\n"},
	{"tools:\n  - script: scripts/extract.py\n    parameters:\n      - name: p\n        required: maybe\n", 0,
	 "m.yml:5:19: error: 'required' must be true or false, not 'maybe'\n"},
	{"tools:\n  - script: scripts/extract.py\n    parameters:\n      - name: p\n        flag: p\n", 0,
	 "m.yml:5:15: error: flag 'p' must be one word starting with '-', like '--p'\n"},
	{"tools:\n  - script: scripts/extract.py\n    parameters:\n      - {name: p}\n      - {name: p}\n", 0,
	 "m.yml:5:9: error: duplicate parameter 'p'\nm.yml:4:9: note: first defined here\n"},
	{"tools:\n  - script: scripts/extract.py\n    parameters: {a: b}\n", 0,
	 "m.yml:3:17: error: 'parameters' must be a list, not a mapping\n"},
	{"tools: {a: 1}\n", 0, "m.yml:1:8: error: 'tools' must be a list, not a mapping\n"},
	{"- a\n", 0, "m.yml:1:1: error: a manifest must be a mapping with a 'tools' list, not a list\n"},
	{"tools:\n  - 42\n", 0, "m.yml:2:5: error: a manifest entry must be a mapping with a 'script', not a string\n"},
	{"tools:\n  - description: x\n", 0, "m.yml:2:5: error: manifest entry has no 'script'\n"},
	{"tools:\n  - script: scripts/extract.py\n    parameters:\n      - type: int\n", 0,
	 "m.yml:4:9: error: parameter has no 'name'\n"},
	{"version: 1\ntools:\n  - script: scripts/extract.py\n    env: [A]\n    parameters:\n"
	 "      - name: p\n        optional: true\n", 0,
	 "m.yml:1:1: warning: unknown key 'version' in manifest\n"
	 "m.yml:4:5: warning: unknown key 'env' in manifest entry\n"
	 "m.yml:7:9: warning: unknown key 'optional' in parameter\n"},
	{"other: 1\n", 0,
	 "m.yml:1:1: warning: unknown key 'other' in manifest\n"
	 "m.yml:1:1: warning: manifest has no 'tools' list\n"},
	{"tools:\n  - script: scripts/extract.py\n    parameters:\n      - name: p\n        default: {a: 1}\n", 0,
	 "m.yml:5:18: error: 'default' must be a value or a list, not a mapping\n"},
	/* title, annotations, output_schema */
	{"tools:\n  - script: scripts/extract.py\n    title: [a]\n", 0,
	 "m.yml:3:12: error: 'title' must be a string, not a list\n"},
	{"tools:\n  - script: scripts/extract.py\n    title: ''\n", 0,
	 "m.yml:3:12: error: 'title' is empty\n"},
	{"tools:\n  - script: scripts/extract.py\n    title: \"two\\nlines\"\n", 0,
	 "m.yml:3:12: error: 'title' must be a single line of text without control characters\n"},
	{"tools:\n  - script: scripts/extract.py\n    title: |\n      block\n", 0,
	 "m.yml:3:12: error: 'title' must be a single line of text without control characters\n"},
	{"tools:\n  - script: scripts/extract.py\n    title: " TITLE_129 "\n", 0,
	 "m.yml:3:12: error: 'title' is 129 characters long; at most 128\n"},
	{"tools:\n  - script: scripts/extract.py\n    annotations: [readOnlyHint]\n", 0,
	 "m.yml:3:18: error: 'annotations' must be a mapping, not a list\n"},
	{"tools:\n  - script: scripts/extract.py\n    annotations:\n      readOnlyHint: maybe\n"
	 "      destructiveHint: [true]\n      title: ''\n", 0,
	 "m.yml:4:21: error: 'readOnlyHint' must be true or false, not 'maybe'\n"
	 "m.yml:5:24: error: 'destructiveHint' must be true or false, not a list\n"
	 "m.yml:6:14: error: 'title' is empty\n"},
	{"tools:\n  - script: scripts/extract.py\n    annotations: {readonly: true, idempotentHint: yes}\n", 0,
	 "m.yml:3:19: warning: unknown key 'readonly' in 'annotations'; known keys are 'title', "
	 "'readOnlyHint', 'destructiveHint', 'idempotentHint' and 'openWorldHint'\n"},
	{"tools:\n  - script: scripts/extract.py\n    output_schema: [a]\n", 0,
	 "m.yml:3:20: error: 'output_schema' must be a mapping (a JSON Schema), not a list\n"},
	{"tools:\n  - script: scripts/extract.py\n    output_schema: {type: array}\n", 0,
	 "m.yml:3:21: error: 'output_schema' must have 'type: object' at its root; MCP clients accept "
	 "only objects as structured results\n"},
	{"tools:\n  - script: scripts/extract.py\n    output_schema:\n      properties: {}\n", 0,
	 "m.yml:4:7: error: 'output_schema' must have 'type: object' at its root; MCP clients accept "
	 "only objects as structured results\n"},
	{"tools:\n  - script: scripts/extract.py\n    output_schema:\n      type: [object, 'null']\n", 0,
	 "m.yml:4:7: error: 'output_schema' must have 'type: object' at its root; MCP clients accept "
	 "only objects as structured results\n"},
	{"tools:\n  - script: scripts/extract.py\n    output_schema:\n      type: object\n"
	 "      properties:\n        name:\n          type: string\n          pattern: '^a'\n", 0,
	 "m.yml:8:11: error: 'output_schema' at '/properties/name/pattern': unsupported keyword "
	 "'pattern'; supported: type, properties, required, additionalProperties, items, enum, const, "
	 "minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, minItems, "
	 "maxItems; annotations (ignored): title, description, default, examples, $schema, $comment, "
	 "format, deprecated, readOnly, writeOnly\n"},
	{"tools:\n  - script: scripts/extract.py\n    output_schema:\n      type: object\n"
	 "      properties:\n        tags: {type: array, items: {type: [string, nul]}}\n", 0,
	 "m.yml:6:52: error: 'output_schema' at '/properties/tags/items/type/1': unknown type 'nul'; "
	 "expected object, array, string, number, integer, boolean or null\n"},
	{"tools:\n  - script: scripts/extract.py\n    output_schema:\n      type: object\n"
	 "      required: count\n", 0,
	 "m.yml:5:7: error: 'output_schema' at '/required': 'required' must be a list of property "
	 "names, not string \"count\"\n"},
	{"tools:\n  - script: scripts/extract.py\n    output_schema:\n      type: object\n"
	 "      additionalProperties: no\n", 0,
	 "m.yml:5:7: error: 'output_schema' at '/additionalProperties': expected a schema (an object "
	 "or a boolean), got string \"no\"\n"},
	{"tools:\n  - script: scripts/extract.py\n    output_schema:\n      type: object\n      type: object\n", 0,
	 "m.yml:4:7: error: 'output_schema' is not valid JSON: duplicate object key near '\"type\"'\n"},
	{"tools:\n  - script: scripts/extract.py\n    output_schema: {type: object, maxItems: 99999999999999999999}\n", 0,
	 "m.yml:3:20: error: 'output_schema' is not valid JSON: too big integer near "
	 "'99999999999999999999'\n"},
};

START_TEST(test_bad)
{
	struct tu_cap c;
	tu_cap_open(&c);
	make_skill(&c);
	struct mf_manifest *m = mf_parse(&c.a, &c.d, "m.yml", bad[_i].src, strlen(bad[_i].src));
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(mf_apply(&c.a, &c.d, m, &c.sk, false), bad[_i].apply);
	ck_assert_str_eq(tu_cap_text(&c), bad[_i].diag);
	tu_cap_close(&c);
}
END_TEST

/* title, annotations and output_schema: what they become, from YAML and from JSON. */
static const char meta_yaml[] =
	"tools:\n"
	"  - script: scripts/extract.py\n"
	"    title: Extract the text \u00e9\n"
	"    annotations:\n"
	"      openWorldHint: false\n"
	"      readOnlyHint: yes\n"
	"      title: Ignored for the tool title\n"
	"      idempotentHint: true\n"
	"      destructiveHint: off\n"
	"    output_schema:\n"
	"      type: object\n"
	"      description: \"two\\nlines\"\n"
	"      properties:\n"
	"        pages: {type: integer, minimum: 1, maximum: 1e3}\n"
	"        text: {type: [string, 'null'], maxLength: 100}\n"
	"        words:\n"
	"          type: array\n"
	"          items: {enum: [a, 1, true, ~]}\n"
	"      required: [text]\n"
	"      additionalProperties: false\n"
	"  - script: scripts/helper.py\n"
	"    annotations: {title: From the annotations}\n";

static const char meta_json[] =
	"{\"tools\": [{\"script\": \"scripts/extract.py\", \"title\": \"Extract the text \\u00e9\",\n"
	" \"annotations\": {\"openWorldHint\": false, \"readOnlyHint\": true,\n"
	"  \"title\": \"Ignored for the tool title\", \"idempotentHint\": true, \"destructiveHint\": false},\n"
	" \"output_schema\": {\"type\": \"object\", \"description\": \"two\\nlines\",\n"
	"  \"properties\": {\"pages\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 1e3},\n"
	"   \"text\": {\"type\": [\"string\", \"null\"], \"maxLength\": 100},\n"
	"   \"words\": {\"type\": \"array\", \"items\": {\"enum\": [\"a\", 1, true, null]}}},\n"
	"  \"required\": [\"text\"], \"additionalProperties\": false}},\n"
	" {\"script\": \"scripts/helper.py\", \"annotations\": {\"title\": \"From the annotations\"}}]}\n";

START_TEST(test_mcp_meta)
{
	const char *srcs[] = {meta_yaml, meta_json};
	for (int i = 0; i < 2; i++) {
		struct tu_cap c;
		tu_cap_open(&c);
		make_skill(&c);
		struct mf_manifest *m = mf_parse(&c.a, &c.d, "m.yml", srcs[i], strlen(srcs[i]));
		ck_assert_ptr_nonnull(m);
		ck_assert_int_eq(mf_apply(&c.a, &c.d, m, &c.sk, false), 0);
		ck_assert_str_eq(tu_cap_text(&c), "");
		const struct sk_tool *t = &c.sk.tools[0];
		ck_assert_str_eq(t->title, "Extract the text \u00e9");
		/* The MCP order, not the order written. */
		ck_assert_str_eq(t->annotations,
				 "{\"title\":\"Ignored for the tool title\",\"readOnlyHint\":true,"
				 "\"destructiveHint\":false,\"idempotentHint\":true,\"openWorldHint\":false}");
		/* The order written, compact, one line. */
		ck_assert_str_eq(t->output_schema,
				 "{\"type\":\"object\",\"description\":\"two\\nlines\",\"properties\":"
				 "{\"pages\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000.0},"
				 "\"text\":{\"type\":[\"string\",\"null\"],\"maxLength\":100},"
				 "\"words\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",1,true,null]}}},"
				 "\"required\":[\"text\"],\"additionalProperties\":false}");
		/* Only the annotations give a title: it is the tool's title too. */
		t = &c.sk.tools[1];
		ck_assert_str_eq(t->title, "From the annotations");
		ck_assert_str_eq(t->annotations, "{\"title\":\"From the annotations\"}");
		ck_assert_ptr_null(t->output_schema);
		tu_cap_close(&c);
	}
}
END_TEST

/* Default titles, and the MCP entry a tool gets. */
START_TEST(test_title)
{
	static const struct {
		const char *name, *title;
	} t[] = {
		{"extract_text", "Extract text"}, {"disk-usage", "Disk usage"}, {"x", "X"},
		{"__init__", "Init"},		  {"a__b--c", "A b c"},	     {"_", "_"},
		{"9lives", "9lives"},		  {"Already", "Already"},    {"\u00e9t\u00e9", "\u00e9t\u00e9"},
	};
	struct arena a;
	arena_init(&a);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct sk_tool tool = {.name = t[i].name};
		ck_assert_str_eq(schema_tool_title(&a, &tool), t[i].title);
		tool.title = "Given";
		ck_assert_str_eq(schema_tool_title(&a, &tool), "Given");
	}
	struct sk_skill sk = {.name = "s"};
	struct sk_tool tool = {.name = "do_it", .wire_name = "s__do_it", .script = "scripts/do_it.py"};
	json_t *j = schema_mcp_tool(&a, &sk, &tool);
	char *text = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(text, "{\"name\":\"s__do_it\",\"title\":\"Do it\",\"description\":\"Run "
			       "scripts/do_it.py of the s skill.\",\"inputSchema\":{\"type\":\"object\","
			       "\"additionalProperties\":false}}");
	free(text);
	json_decref(j);
	tool.description = "Do it.";
	tool.output_schema = "{\"type\":\"object\"}";
	tool.annotations = "{\"readOnlyHint\":true}";
	j = schema_mcp_tool(&a, &sk, &tool);
	text = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(text, "{\"name\":\"s__do_it\",\"title\":\"Do it\",\"description\":\"Do it.\","
			       "\"inputSchema\":{\"type\":\"object\",\"additionalProperties\":false},"
			       "\"outputSchema\":{\"type\":\"object\"},\"annotations\":{\"readOnlyHint\":true}}");
	free(text);
	json_decref(j);
	arena_release(&a);
}
END_TEST

START_TEST(test_syntax)
{
	struct tu_cap c;
	tu_cap_open(&c);
	const char *src = "tools:\n  - name: [x\n";
	ck_assert_ptr_null(mf_parse(&c.a, &c.d, "m.yml", src, strlen(src)));
	ck_assert_int_eq(c.d.errors, 1);
	tu_cap_close(&c);
}
END_TEST

static const struct {
	const char *value;
	unsigned ms; /* 0: an error */
} timeouts[] = {
	{"60", 60000},	     {"\"60\"", 60000}, {"90s", 90000},	 {"2m", 120000},   {"500ms", 500},
	{"1.5", 1500},	     {"1h", 3600000},	{"10 s", 10000}, {"2M", 120000},   {"0", 0},
	{"-1", 0},	     {"abc", 0},	{"10d", 0},	 {"[1]", 0},	   {"99999999999", 0},
	{"0.0001", 0},	     {"1e3", 0},	{"''", 0},	 {"5min", 300000},
};

START_TEST(test_timeout)
{
	struct tu_cap c;
	tu_cap_open(&c);
	make_skill(&c);
	char src[200];
	snprintf(src, sizeof src, "tools:\n  - script: scripts/extract.py\n    timeout: %s\n",
		 timeouts[_i].value);
	struct mf_manifest *m = mf_parse(&c.a, &c.d, "m.yml", src, strlen(src));
	ck_assert_ptr_nonnull(m);
	mf_apply(&c.a, &c.d, m, &c.sk, false);
	if (timeouts[_i].ms) {
		ck_assert_int_eq(c.d.errors, 0);
		ck_assert_uint_eq(c.sk.tools[0].timeout_ms, timeouts[_i].ms);
	} else {
		ck_assert_int_eq(c.d.errors, 1);
		ck_assert_uint_eq(c.sk.tools[0].timeout_ms, 0);
		ck_assert(strstr(tu_cap_text(&c), "m.yml:3:14: error: ") != NULL);
	}
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_types)
{
	static const struct {
		const char *word;
		int rc;
		uint8_t type;
	} t[] = {
		{"string", 0, SKC_T_STRING},  {"str", 0, SKC_T_STRING},	  {"integer", 0, SKC_T_INTEGER},
		{"int", 0, SKC_T_INTEGER},    {"number", 0, SKC_T_NUMBER}, {"float", 0, SKC_T_NUMBER},
		{"boolean", 0, SKC_T_BOOLEAN}, {"bool", 0, SKC_T_BOOLEAN}, {"array", 0, SKC_T_ARRAY},
		{"list", 0, SKC_T_ARRAY},     {"Integer", 0, SKC_T_INTEGER}, {"object", -1, 0},
		{"", -1, 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint8_t ty = 99;
		ck_assert_int_eq(mf_type_from_name(t[i].word, &ty), t[i].rc);
		if (t[i].rc == 0)
			ck_assert_uint_eq(ty, t[i].type);
	}
	uint8_t ty;
	ck_assert_int_eq(mf_type_from_name(NULL, &ty), -1);
}
END_TEST

static const struct {
	const char *yaml;
	const char *json;
} scalars[] = {
	{"1", "1"},	       {"-1.5e3", "-1.5e3"}, {"'1'", "\"1\""},	 {"true", "true"},
	{"False", "false"},    {"yes", "\"yes\""},   {"~", "null"},	 {"", "null"},
	{"0x10", "\"0x10\""},  {"01", "\"01\""},     {"a\"b", "\"a\\\"b\""},
	{"\"t\\tn\\0\"", "\"t\\tn\\u0000\""},	     {"[1, a, [true]]", "[1,\"a\",[true]]"},
	{"{k: 2}", "{\"k\":2}"}, {"\"é\"", "\"é\""},   {"2024-01-01", "\"2024-01-01\""},
};

START_TEST(test_scalar_json)
{
	struct tu_cap c;
	tu_cap_open(&c);
	char src[100];
	snprintf(src, sizeof src, "v: %s\n", scalars[_i].yaml);
	struct yml_node *n = yml_load(&c.a, &c.d, "f", src, strlen(src), 0);
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(mf_scalar_json(&c.a, yml_get(n, "v")), scalars[_i].json);
	ck_assert_ptr_null(mf_scalar_json(&c.a, NULL));
	tu_cap_close(&c);
}
END_TEST

START_TEST(test_show)
{
	struct arena a;
	arena_init(&a);
	ck_assert_str_eq(mf_show(&a, "a\x01" "b", 3), "a\\x01b");
	char long_[100];
	memset(long_, 'x', sizeof long_);
	ck_assert_uint_eq(strlen(mf_show(&a, long_, sizeof long_)), 63);
	/* not cut inside a UTF-8 sequence */
	char u[70];
	memset(u, 'x', 59);
	memcpy(u + 59, "\xC3\xA9\xC3\xA9", 4);
	ck_assert_str_eq(mf_show(&a, u, 63) + 59, "...");
	arena_release(&a);
}
END_TEST

Suite *suite_manifest(void)
{
	Suite *s = suite_create("manifest");
	TCase *tc = tcase_create("manifest");
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_untouched);
	tcase_add_test(tc, test_scripts_dir);
	tcase_add_test(tc, test_default_flag);
	tcase_add_loop_test(tc, test_bad, 0, sizeof bad / sizeof bad[0]);
	tcase_add_test(tc, test_mcp_meta);
	tcase_add_test(tc, test_title);
	tcase_add_test(tc, test_syntax);
	tcase_add_loop_test(tc, test_timeout, 0, sizeof timeouts / sizeof timeouts[0]);
	tcase_add_test(tc, test_types);
	tcase_add_loop_test(tc, test_scalar_json, 0, sizeof scalars / sizeof scalars[0]);
	tcase_add_test(tc, test_show);
	suite_add_tcase(s, tc);
	return s;
}
