/*
 * manifest.c - per-tool overrides from a skill's manifest.
 *
 * mf_parse checks shapes and types and keeps what was well-formed; mf_apply
 * matches entries to the tools extracted from scripts and overrides them.
 */
#include "manifest.h"

#include <jansson.h>

#include "../runtime/jsv.h"
#include "perms.h"
#include "pipeline.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Far beyond any real tool; keeps the duplicate checks cheap on hostile input. */
enum { MF_MAX_ITEMS = 1000, MF_MAX_TITLE = 128 };

struct mf_param {
	const char *name;
	const char *description;
	bool has_type, has_items, has_required, has_pass;
	uint8_t type, item_type, pass;
	bool required;
	const char *default_json;
	const char **enum_json;
	size_t n_enum, cap_enum;
	const char *flag;
	struct sk_loc loc;
};

struct mf_tool {
	const char *name, *script;
	const char *description;
	const char *interpreter;
	const char *title, *ann_title; /* the tool's, and the one in its annotations */
	const char *output_schema;     /* compact JSON text */
	const char *annotations;       /* compact JSON text */
	bool has_args, has_timeout, has_cap, has_params;
	bool has_protocol;       /* protocol: skillz */
	struct sk_loc protocol_loc;
	bool wasm; /* script names a WASM module (MF_WASM) */
	uint8_t args;
	uint32_t timeout_ms, output_cap;
	struct mf_param *params;
	size_t n_params, cap_params;
	struct sk_perms perms;
	struct sk_loc loc;
};

struct mf_manifest {
	const char *path;
	struct sk_perms perms; /* every tool's, under each tool's own */
	struct mf_tool *tools;
	size_t n_tools, cap_tools;
	const struct yml_node *pipelines; /* the `pipelines` list, for pp_add */
};

struct mf_ctx {
	struct arena *a;
	struct diag *d;
	const char *path;
	unsigned flags; /* MF_WASM */
};

int mf_type_from_name(const char *s, uint8_t *type)
{
	static const struct {
		const char *word;
		uint8_t type;
	} words[] = {
		{"string", SKC_T_STRING},   {"str", SKC_T_STRING},      {"integer", SKC_T_INTEGER},
		{"int", SKC_T_INTEGER},     {"number", SKC_T_NUMBER},   {"float", SKC_T_NUMBER},
		{"boolean", SKC_T_BOOLEAN}, {"bool", SKC_T_BOOLEAN},    {"array", SKC_T_ARRAY},
		{"list", SKC_T_ARRAY},
	};
	if (!s)
		return -1;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcasecmp(s, words[i].word) == 0) {
			*type = words[i].type;
			return 0;
		}
	}
	return -1;
}

const char *mf_show(struct arena *a, const char *s, size_t len)
{
	enum { MAX = 60 };
	size_t n = len;
	bool cut = false;
	if (n > MAX) {
		n = MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		cut = true;
	}
	char *out = arena_alloc(a, n * 4 + 4), *w = out;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F)
			w += sprintf(w, "\\x%02X", c);
		else
			*w++ = (char)c;
	}
	if (cut)
		memcpy(w, "...", 4);
	else
		*w = '\0';
	return out;
}

/* ------------------------------------------------------------------ JSON */

static bool mf_is(const struct yml_node *n, const char *s)
{
	size_t l = strlen(s);
	return n->len == l && memcmp(n->text, s, l) == 0;
}

static bool mf_key(const struct yml_node *k, const char *s)
{
	return k->kind == YML_SCALAR && mf_is(k, s);
}

/* The whole of s[0..n) is a JSON number. */
static bool mf_json_number(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return false;
	if (s[i] == '0')
		i++;
	else
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	if (i < n && s[i] == '.') {
		size_t j = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == j)
			return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t j = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == j)
			return false;
	}
	return i == n;
}

static void mf_json_string(FILE *f, const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	if (t) {
		fputs(t, f);
	} else {
		/* Not UTF-8 (libyaml does not let that through): bytes as code points. */
		fputc('"', f);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\')
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
		fputc('"', f);
	}
	free(t);
	json_decref(j);
}

static void mf_json(FILE *f, const struct yml_node *n)
{
	switch (n->kind) {
	case YML_SCALAR:
		if (!n->quoted) {
			if (mf_json_number(n->text, n->len)) {
				fwrite(n->text, 1, n->len, f);
				return;
			}
			if (mf_is(n, "true") || mf_is(n, "True") || mf_is(n, "TRUE")) {
				fputs("true", f);
				return;
			}
			if (mf_is(n, "false") || mf_is(n, "False") || mf_is(n, "FALSE")) {
				fputs("false", f);
				return;
			}
			if (n->len == 0 || mf_is(n, "~") || mf_is(n, "null") || mf_is(n, "Null") ||
			    mf_is(n, "NULL")) {
				fputs("null", f);
				return;
			}
		}
		mf_json_string(f, n->text, n->len);
		return;
	case YML_SEQ:
		fputc('[', f);
		for (size_t i = 0; i < n->n_items; i++) {
			if (i)
				fputc(',', f);
			mf_json(f, n->items[i]);
		}
		fputc(']', f);
		return;
	case YML_MAP:
		fputc('{', f);
		for (size_t i = 0; i + 1 < n->n_items; i += 2) {
			const struct yml_node *k = n->items[i];
			if (i)
				fputc(',', f);
			if (k->kind == YML_SCALAR)
				mf_json_string(f, k->text, k->len);
			else
				mf_json_string(f, "", 0);
			fputc(':', f);
			mf_json(f, n->items[i + 1]);
		}
		fputc('}', f);
		return;
	}
}

const char *mf_scalar_json(struct arena *a, const struct yml_node *n)
{
	if (!n)
		return NULL;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f) {
		fputs("skillc: out of memory\n", stderr);
		abort();
	}
	mf_json(f, n);
	fclose(f);
	const char *out = arena_strndup(a, buf, size);
	free(buf);
	return out;
}

/* ----------------------------------------------------------------- parse */

static struct sk_loc mf_loc(const struct mf_ctx *cx, const struct yml_node *n)
{
	return (struct sk_loc){cx->path, n->line, n->col};
}

static const char *mf_str(struct mf_ctx *cx, const char *field, const struct yml_node *v)
{
	if (v->kind != YML_SCALAR) {
		diag_error(cx->d, cx->path, v->line, v->col, "'%s' must be a string, not a %s", field,
			   yml_kind_name(v));
		return NULL;
	}
	if (memchr(v->text, '\0', v->len)) {
		diag_error(cx->d, cx->path, v->line, v->col, "'%s' contains a NUL byte", field);
		return NULL;
	}
	return v->text;
}

static int mf_bool(struct mf_ctx *cx, const char *field, const struct yml_node *v, bool *out)
{
	if (yml_bool(v, out) == 0)
		return 0;
	if (v->kind == YML_SCALAR)
		diag_error(cx->d, cx->path, v->line, v->col, "'%s' must be true or false, not '%s'",
			   field, mf_show(cx->a, v->text, v->len));
	else
		diag_error(cx->d, cx->path, v->line, v->col, "'%s' must be true or false, not a %s",
			   field, yml_kind_name(v));
	return -1;
}

/* A quantity in 1..UINT32_MAX (yml_quantity). */
static int mf_quantity(const struct yml_node *v, const struct yml_unit *units, double dflt,
		       uint32_t *out)
{
	uint64_t x;
	if (yml_quantity(v, units, dflt, UINT32_MAX - 1, &x) != 0)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

static int mf_timeout(struct mf_ctx *cx, const struct yml_node *v, uint32_t *ms)
{
	static const struct yml_unit units[] = {
		{"ms", 1}, {"s", 1000}, {"sec", 1000}, {"m", 60000}, {"min", 60000}, {"h", 3600000}, {0, 0},
	};
	if (mf_quantity(v, units, 1000, ms) == 0)
		return 0;
	if (v->kind != YML_SCALAR)
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'timeout' must be a number of seconds or a string like '90s', not a %s",
			   yml_kind_name(v));
	else
		diag_error(cx->d, cx->path, v->line, v->col,
			   "invalid timeout '%s'; use a positive number of seconds or a string "
			   "like '90s', '2m' or '500ms'",
			   mf_show(cx->a, v->text, v->len));
	return -1;
}

static int mf_output_cap(struct mf_ctx *cx, const struct yml_node *v, uint32_t *bytes)
{
	static const struct yml_unit units[] = {
		{"b", 1},	{"k", 1024},	     {"kb", 1024},	   {"kib", 1024},
		{"m", 1 << 20}, {"mb", 1 << 20},     {"mib", 1 << 20},	   {"g", 1 << 30},
		{"gb", 1 << 30}, {"gib", 1 << 30},   {0, 0},
	};
	if (mf_quantity(v, units, 1, bytes) == 0)
		return 0;
	if (v->kind != YML_SCALAR)
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'output_cap' must be a number of bytes, not a %s", yml_kind_name(v));
	else
		diag_error(cx->d, cx->path, v->line, v->col,
			   "invalid output_cap '%s'; use a positive number of bytes, or '64k', '1m'",
			   mf_show(cx->a, v->text, v->len));
	return -1;
}

static int mf_word(struct mf_ctx *cx, const char *field, const struct yml_node *v,
		   const char *const *words, const char *expect, uint8_t *out)
{
	const char *s = mf_str(cx, field, v);
	if (!s)
		return -1;
	for (uint8_t i = 0; words[i]; i++) {
		if (strcmp(s, words[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	diag_error(cx->d, cx->path, v->line, v->col, "invalid %s '%s'; expected %s", field,
		   mf_show(cx->a, v->text, v->len), expect);
	return -1;
}

static int mf_type(struct mf_ctx *cx, const char *field, const struct yml_node *v, uint8_t *out)
{
	const char *s = mf_str(cx, field, v);
	if (!s)
		return -1;
	if (mf_type_from_name(s, out) == 0)
		return 0;
	diag_error(cx->d, cx->path, v->line, v->col,
		   "unknown type '%s'; expected 'string', 'integer', 'number', 'boolean' or 'array'",
		   mf_show(cx->a, v->text, v->len));
	return -1;
}

/* ------------------------------------------------------- MCP metadata */

/* A display name: one line of 1..MF_MAX_TITLE characters (code points). */
static const char *mf_title(struct mf_ctx *cx, const char *field, const struct yml_node *v)
{
	const char *s = mf_str(cx, field, v);
	if (!s)
		return NULL;
	if (!*s) {
		diag_error(cx->d, cx->path, v->line, v->col, "'%s' is empty", field);
		return NULL;
	}
	size_t chars = 0;
	for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
		if (*u < 0x20 || *u == 0x7F) {
			diag_error(cx->d, cx->path, v->line, v->col,
				   "'%s' must be a single line of text without control characters",
				   field);
			return NULL;
		}
		chars += (*u & 0xC0) != 0x80;
	}
	if (chars > MF_MAX_TITLE) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'%s' is %zu characters long; at most %d", field, chars, MF_MAX_TITLE);
		return NULL;
	}
	return s;
}

static const char *mf_dump(struct arena *a, const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);
	if (!text) {
		fputs("skillc: out of memory\n", stderr);
		abort();
	}
	const char *out = arena_strdup(a, text);
	free(text);
	return out;
}

/*
 * MCP tool annotations, kept in the fixed order of the MCP specification;
 * *title gets the annotation title. NULL when none was well-formed.
 */
static const char *mf_annotations(struct mf_ctx *cx, const struct yml_node *v, const char **title)
{
	static const char *const keys[] = {"title", "readOnlyHint", "destructiveHint",
					   "idempotentHint", "openWorldHint"};
	enum { N = sizeof keys / sizeof keys[0] };
	if (v->kind != YML_MAP) {
		diag_error(cx->d, cx->path, v->line, v->col, "'annotations' must be a mapping, not a %s",
			   yml_kind_name(v));
		return NULL;
	}
	const char *text = NULL;
	bool set[N] = {false}, hint[N] = {false};
	for (size_t i = 0; i + 1 < v->n_items; i += 2) {
		const struct yml_node *k = v->items[i], *x = v->items[i + 1];
		size_t j = 0;
		while (j < N && !mf_key(k, keys[j]))
			j++;
		if (j == N) {
			diag_warning(cx->d, cx->path, k->line, k->col,
				     "unknown key '%s' in 'annotations'; known keys are 'title', "
				     "'readOnlyHint', 'destructiveHint', 'idempotentHint' and "
				     "'openWorldHint'",
				     k->kind == YML_SCALAR ? mf_show(cx->a, k->text, k->len)
							   : yml_kind_name(k));
		} else if (j == 0) {
			text = mf_title(cx, keys[0], x);
			set[0] = text != NULL;
		} else {
			set[j] = mf_bool(cx, keys[j], x, &hint[j]) == 0;
		}
	}
	json_t *o = json_object();
	for (size_t j = 0; j < N; j++) {
		if (set[j])
			json_object_set_new(o, keys[j], j ? json_boolean(hint[j]) : json_string(text));
	}
	const char *out = json_object_size(o) ? mf_dump(cx->a, o) : NULL;
	json_decref(o);
	*title = text;
	return out;
}

/*
 * The node a JSON Pointer from jsv leads to in the YAML the schema came
 * from: the key for a mapping member, the item for a list entry; as far as
 * it can follow (shown names may be shortened).
 */
static const struct yml_node *mf_locate(const struct yml_node *n, const char *ptr)
{
	const struct yml_node *at = n;
	char seg[256];
	while (n && *ptr == '/') {
		size_t k = 0;
		for (ptr++; *ptr && *ptr != '/'; ptr++) {
			char c = *ptr;
			if (c == '~' && (ptr[1] == '0' || ptr[1] == '1'))
				c = *++ptr == '0' ? '~' : '/';
			if (k + 1 < sizeof seg)
				seg[k++] = c;
		}
		seg[k] = '\0';
		const struct yml_node *next = NULL;
		if (n->kind == YML_MAP) {
			for (size_t i = 0; i + 1 < n->n_items && !next; i += 2) {
				const struct yml_node *key = n->items[i];
				if (key->kind == YML_SCALAR && key->len == k && !memcmp(key->text, seg, k)) {
					at = key;
					next = n->items[i + 1];
				}
			}
		} else if (n->kind == YML_SEQ) {
			char *end;
			unsigned long idx = strtoul(seg, &end, 10);
			if (k && !*end && seg[0] != '-' && idx < n->n_items)
				at = next = n->items[idx];
		}
		n = next;
	}
	return at;
}

/*
 * The JSON Schema of a tool's result, as compact JSON text: the YAML as JSON
 * (keys in the order written), inside the subset the runtime checks (jsv),
 * with `type: object` at its root as MCP requires of structured content.
 */
static const char *mf_output_schema(struct mf_ctx *cx, const struct yml_node *v)
{
	if (v->kind != YML_MAP) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'output_schema' must be a mapping (a JSON Schema), not a %s",
			   yml_kind_name(v));
		return NULL;
	}
	json_error_t je;
	json_t *j = json_loads(mf_scalar_json(cx->a, v), JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		diag_error(cx->d, cx->path, v->line, v->col, "'output_schema' is not valid JSON: %s",
			   je.text);
		return NULL;
	}
	const char *out = NULL;
	char ptr[512], msg[1024];
	const json_t *type = json_object_get(j, "type");
	if (jsv_supported_at(j, ptr, sizeof ptr, msg, sizeof msg) != 0) {
		const struct yml_node *at = mf_locate(v, ptr);
		diag_error(cx->d, cx->path, at->line, at->col, "'output_schema' at '%s': %s", ptr, msg);
	} else if (!json_is_string(type) || strcmp(json_string_value(type), "object") != 0) {
		const struct yml_node *at = type ? mf_locate(v, "/type") : v;
		diag_error(cx->d, cx->path, at->line, at->col,
			   "'output_schema' must have 'type: object' at its root; MCP clients accept "
			   "only objects as structured results");
	} else {
		out = mf_dump(cx->a, j);
	}
	json_decref(j);
	return out;
}

static void mf_param(struct mf_ctx *cx, struct mf_tool *t, const struct yml_node *pn)
{
	static const char *const passes[] = {"value", "switch", "repeat", "nargs", NULL};
	if (pn->kind != YML_MAP) {
		diag_error(cx->d, cx->path, pn->line, pn->col,
			   "a parameter must be a mapping with a 'name', not a %s", yml_kind_name(pn));
		return;
	}
	struct mf_param p = {.loc = mf_loc(cx, pn)};
	for (size_t i = 0; i + 1 < pn->n_items; i += 2) {
		const struct yml_node *k = pn->items[i], *v = pn->items[i + 1];
		if (mf_key(k, "name")) {
			p.name = mf_str(cx, "name", v);
			if (p.name && !*p.name) {
				diag_error(cx->d, cx->path, v->line, v->col, "parameter 'name' is empty");
				p.name = NULL;
			}
		} else if (mf_key(k, "type")) {
			p.has_type = mf_type(cx, "type", v, &p.type) == 0;
		} else if (mf_key(k, "items")) {
			p.has_items = mf_type(cx, "items", v, &p.item_type) == 0;
			if (p.has_items && p.item_type == SKC_T_ARRAY) {
				diag_error(cx->d, cx->path, v->line, v->col,
					   "'items' cannot be 'array': lists of lists are not supported");
				p.has_items = false;
			}
		} else if (mf_key(k, "description")) {
			p.description = mf_str(cx, "description", v);
		} else if (mf_key(k, "required")) {
			p.has_required = mf_bool(cx, "required", v, &p.required) == 0;
		} else if (mf_key(k, "default")) {
			if (v->kind == YML_MAP)
				diag_error(cx->d, cx->path, v->line, v->col,
					   "'default' must be a value or a list, not a mapping");
			else
				p.default_json = mf_scalar_json(cx->a, v);
		} else if (mf_key(k, "enum")) {
			if (v->kind != YML_SEQ) {
				diag_error(cx->d, cx->path, v->line, v->col,
					   "'enum' must be a list of values, not a %s", yml_kind_name(v));
				continue;
			}
			for (size_t j = 0; j < v->n_items; j++) {
				const struct yml_node *e = v->items[j];
				if (e->kind != YML_SCALAR) {
					diag_error(cx->d, cx->path, e->line, e->col,
						   "'enum' values must be scalars, not a %s",
						   yml_kind_name(e));
					continue;
				}
				ARENA_PUSH(cx->a, p.enum_json, p.n_enum, p.cap_enum) =
					mf_scalar_json(cx->a, e);
			}
		} else if (mf_key(k, "flag")) {
			const char *f = mf_str(cx, "flag", v);
			if (f && (f[0] != '-' || strcspn(f, " \t\r\n") != strlen(f) || !f[1])) {
				diag_error(cx->d, cx->path, v->line, v->col,
					   "flag '%s' must be one word starting with '-', like '--%s'",
					   mf_show(cx->a, v->text, v->len), p.name ? p.name : "name");
				f = NULL;
			}
			p.flag = f;
		} else if (mf_key(k, "pass")) {
			p.has_pass = mf_word(cx, "pass", v, passes,
					     "'value', 'switch', 'repeat' or 'nargs'", &p.pass) == 0;
		} else {
			diag_warning(cx->d, cx->path, k->line, k->col, "unknown key '%s' in parameter",
				     mf_show(cx->a, k->text, k->len));
		}
	}
	if (!p.name) {
		if (!yml_get(pn, "name"))
			diag_error(cx->d, cx->path, pn->line, pn->col, "parameter has no 'name'");
		return;
	}
	for (size_t i = 0; i < t->n_params; i++) {
		if (strcmp(t->params[i].name, p.name) == 0) {
			diag_error(cx->d, cx->path, p.loc.line, p.loc.col, "duplicate parameter '%s'",
				   mf_show(cx->a, p.name, strlen(p.name)));
			diag_note(cx->d, cx->path, t->params[i].loc.line, t->params[i].loc.col,
				  "first defined here");
			return;
		}
	}
	ARENA_PUSH(cx->a, t->params, t->n_params, t->cap_params) = p;
}

/* A JSON Schema type word (only the names JSON Schema itself uses). */
static int mf_schema_type(struct mf_ctx *cx, const char *what, const struct yml_node *v,
			  uint8_t *out)
{
	static const char *const words[] = {"string", "integer", "number", "boolean", "array", NULL};
	const char *s = v->kind == YML_SCALAR ? v->text : NULL;
	for (uint8_t i = 0; s && words[i]; i++) {
		if (!strcmp(s, words[i])) {
			*out = i; /* the order of enum skc_type */
			return 0;
		}
	}
	diag_error(cx->d, cx->path, v->line, v->col,
		   "unsupported %s '%s'; expected 'string', 'integer', 'number', 'boolean' or "
		   "'array'",
		   what, v->kind == YML_SCALAR ? mf_show(cx->a, v->text, v->len) : yml_kind_name(v));
	return -1;
}

/*
 * An `input_schema` (JSON Schema of an object) as the tool's parameter list:
 * each property's type (with items.type), description, default and enum,
 * and the schema's `required` list. Other JSON Schema words are left to the
 * schema's authors: they do not change how a call is checked or passed.
 */
static void mf_input_schema(struct mf_ctx *cx, struct mf_tool *t, const struct yml_node *v)
{
	if (v->kind != YML_MAP) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'input_schema' must be a mapping (a JSON Schema), not a %s",
			   yml_kind_name(v));
		return;
	}
	const struct yml_node *type = yml_get(v, "type"), *props = yml_get(v, "properties"),
			      *req = yml_get(v, "required");
	if (type && !(type->kind == YML_SCALAR && mf_is(type, "object"))) {
		diag_error(cx->d, cx->path, type->line, type->col,
			   "'input_schema' must have 'type' 'object' at its root");
		return;
	}
	if (props && props->kind != YML_MAP) {
		diag_error(cx->d, cx->path, props->line, props->col,
			   "'properties' must be a mapping, not a %s", yml_kind_name(props));
		return;
	}
	if (req && req->kind != YML_SEQ) {
		diag_error(cx->d, cx->path, req->line, req->col,
			   "'required' must be a list of property names, not a %s", yml_kind_name(req));
		req = NULL;
	}
	t->has_params = true;
	t->n_params = 0;
	size_t n = props ? props->n_items / 2 : 0;
	if (n > MF_MAX_ITEMS) {
		diag_error(cx->d, cx->path, props->line, props->col,
			   "too many properties (%zu); at most %d", n, MF_MAX_ITEMS);
		t->has_params = false;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct yml_node *k = props->items[2 * i], *pv = props->items[2 * i + 1];
		struct mf_param p = {.loc = mf_loc(cx, k)};
		p.name = mf_str(cx, "property name", k);
		if (!p.name)
			continue;
		if (pv->kind != YML_MAP) {
			diag_error(cx->d, cx->path, pv->line, pv->col,
				   "property '%s' must be a mapping (a JSON Schema), not a %s",
				   mf_show(cx->a, k->text, k->len), yml_kind_name(pv));
			continue;
		}
		const struct yml_node *x;
		if ((x = yml_get(pv, "type")))
			p.has_type = mf_schema_type(cx, "type", x, &p.type) == 0;
		if ((x = yml_get(pv, "items"))) {
			const struct yml_node *it = x->kind == YML_MAP ? yml_get(x, "type") : NULL;
			if (!it)
				diag_error(cx->d, cx->path, x->line, x->col,
					   "'items' must be a mapping with a 'type'");
			else if (mf_schema_type(cx, "items type", it, &p.item_type) == 0)
				p.has_items = true;
			if (p.has_items && p.item_type == SKC_T_ARRAY) {
				diag_error(cx->d, cx->path, it->line, it->col,
					   "'items' cannot be 'array': lists of lists are not supported");
				p.has_items = false;
			}
		}
		if ((x = yml_get(pv, "description")))
			p.description = mf_str(cx, "description", x);
		if ((x = yml_get(pv, "default"))) {
			if (x->kind == YML_MAP)
				diag_error(cx->d, cx->path, x->line, x->col,
					   "'default' must be a value or a list, not a mapping");
			else
				p.default_json = mf_scalar_json(cx->a, x);
		}
		if ((x = yml_get(pv, "enum"))) {
			if (x->kind != YML_SEQ) {
				diag_error(cx->d, cx->path, x->line, x->col,
					   "'enum' must be a list of values, not a %s", yml_kind_name(x));
			} else {
				for (size_t j = 0; j < x->n_items; j++)
					if (x->items[j]->kind == YML_SCALAR)
						ARENA_PUSH(cx->a, p.enum_json, p.n_enum, p.cap_enum) =
							mf_scalar_json(cx->a, x->items[j]);
			}
		}
		p.has_required = true;
		for (size_t j = 0; req && j < req->n_items; j++)
			if (req->items[j]->kind == YML_SCALAR && mf_is(req->items[j], p.name))
				p.required = true;
		ARENA_PUSH(cx->a, t->params, t->n_params, t->cap_params) = p;
	}
	for (size_t j = 0; req && j < req->n_items; j++) {
		const struct yml_node *r = req->items[j];
		bool found = false;
		for (size_t i = 0; i < t->n_params && !found; i++)
			found = r->kind == YML_SCALAR && mf_is(r, t->params[i].name);
		if (!found)
			diag_error(cx->d, cx->path, r->line, r->col,
				   "'required' names '%s', which is not in 'properties'",
				   r->kind == YML_SCALAR ? mf_show(cx->a, r->text, r->len)
							 : yml_kind_name(r));
	}
}

static void mf_entry(struct mf_ctx *cx, struct mf_manifest *m, const struct yml_node *e)
{
	static const char *const args[] = {"flags", "argv", "json", NULL};
	if (e->kind != YML_MAP) {
		diag_error(cx->d, cx->path, e->line, e->col,
			   "a manifest entry must be a mapping with a 'script', not a %s",
			   yml_kind_name(e));
		return;
	}
	struct mf_tool t = {.loc = mf_loc(cx, e)};
	for (size_t i = 0; i + 1 < e->n_items; i += 2) {
		const struct yml_node *k = e->items[i], *v = e->items[i + 1];
		if (mf_key(k, "name")) {
			t.name = mf_str(cx, "name", v);
			if (t.name && !*t.name) {
				diag_error(cx->d, cx->path, v->line, v->col, "'name' is empty");
				t.name = NULL;
			}
		} else if (mf_key(k, "script")) {
			t.script = mf_str(cx, "script", v);
			if (t.script && !*t.script) {
				diag_error(cx->d, cx->path, v->line, v->col, "'script' is empty");
				t.script = NULL;
			}
		} else if (mf_key(k, "description")) {
			t.description = mf_str(cx, "description", v);
		} else if (mf_key(k, "args")) {
			t.has_args = mf_word(cx, "args", v, args, "'flags', 'argv' or 'json'",
					     &t.args) == 0;
		} else if (mf_key(k, "protocol")) {
			/* The Skillz callback protocol: the arguments arrive in an
			 * `execute` request on stdin, and the script may call back. */
			static const char *const protocols[] = {"skillz", NULL};
			uint8_t which;
			t.protocol_loc = mf_loc(cx, v);
			t.has_protocol = mf_word(cx, "protocol", v, protocols, "'skillz'", &which) == 0;
		} else if (mf_key(k, "interpreter")) {
			t.interpreter = mf_str(cx, "interpreter", v);
			if (t.interpreter && !t.interpreter[strspn(t.interpreter, " \t")]) {
				diag_error(cx->d, cx->path, v->line, v->col, "'interpreter' is empty");
				t.interpreter = NULL;
			}
		} else if (mf_key(k, "timeout")) {
			t.has_timeout = mf_timeout(cx, v, &t.timeout_ms) == 0;
		} else if (mf_key(k, "output_cap")) {
			t.has_cap = mf_output_cap(cx, v, &t.output_cap) == 0;
		} else if (mf_key(k, "title")) {
			t.title = mf_title(cx, "title", v);
		} else if (mf_key(k, "annotations")) {
			t.annotations = mf_annotations(cx, v, &t.ann_title);
		} else if (mf_key(k, "output_schema")) {
			t.output_schema = mf_output_schema(cx, v);
		} else if (mf_key(k, "permissions")) {
			pm_parse(cx->a, cx->d, cx->path, v, &t.perms);
		} else if (mf_key(k, "secrets")) {
			pm_parse_secrets(cx->a, cx->d, cx->path, v, &t.perms);
		} else if ((cx->flags & MF_WASM) && mf_key(k, "wasm")) {
			t.script = mf_str(cx, "wasm", v);
			t.wasm = true;
			if (t.script && !*t.script) {
				diag_error(cx->d, cx->path, v->line, v->col, "'wasm' is empty");
				t.script = NULL;
			}
		} else if ((cx->flags & MF_WASM) && mf_key(k, "input_schema")) {
			mf_input_schema(cx, &t, v);
		} else if (mf_key(k, "parameters")) {
			if (v->kind != YML_SEQ) {
				diag_error(cx->d, cx->path, v->line, v->col,
					   "'parameters' must be a list, not a %s", yml_kind_name(v));
				continue;
			}
			t.has_params = true;
			t.n_params = 0;
			if (v->n_items > MF_MAX_ITEMS) {
				diag_error(cx->d, cx->path, v->line, v->col,
					   "too many parameters (%zu); at most %d", v->n_items,
					   MF_MAX_ITEMS);
				t.has_params = false;
				continue;
			}
			for (size_t j = 0; j < v->n_items; j++)
				mf_param(cx, &t, v->items[j]);
		} else {
			diag_warning(cx->d, cx->path, k->line, k->col,
				     "unknown key '%s' in manifest entry",
				     mf_show(cx->a, k->text, k->len));
		}
	}
	if (t.has_protocol) {
		if (t.has_args && t.args != SKC_ARGS_JSON)
			diag_error(cx->d, cx->path, t.protocol_loc.line, t.protocol_loc.col,
				   "'protocol: skillz' passes the arguments in its 'execute' request; drop 'args: %s'",
				   args[t.args]);
		else if (t.wasm)
			diag_error(cx->d, cx->path, t.protocol_loc.line, t.protocol_loc.col,
				   "'protocol' is for script tools, not WASM modules");
		t.has_args = true;
		t.args = SKC_ARGS_SKILLZ;
	}
	if (!t.script && !t.name) {
		if (!yml_get(e, "script") && !yml_get(e, "wasm"))
			diag_error(cx->d, cx->path, e->line, e->col, "manifest entry has no '%s'",
				   cx->flags & MF_WASM ? "name' or 'wasm" : "script");
		return;
	}
	ARENA_PUSH(cx->a, m->tools, m->n_tools, m->cap_tools) = t;
}

struct mf_manifest *mf_parse_entries(struct arena *a, struct diag *d, const char *path,
				     const struct yml_node *list, unsigned flags)
{
	struct mf_ctx cx = {a, d, path, flags};
	struct mf_manifest *m = arena_alloc(a, sizeof *m);
	m->path = path;
	if (!list)
		return m;
	if (list->kind == YML_MAP) {
		mf_entry(&cx, m, list);
		return m;
	}
	if (list->kind != YML_SEQ) {
		diag_error(d, path, list->line, list->col, "'tools' must be a list, not a %s",
			   yml_kind_name(list));
		return m;
	}
	if (list->n_items > MF_MAX_ITEMS) {
		diag_error(d, path, list->line, list->col, "too many tools (%zu); at most %d",
			   list->n_items, MF_MAX_ITEMS);
		return m;
	}
	for (size_t j = 0; j < list->n_items; j++)
		mf_entry(&cx, m, list->items[j]);
	return m;
}

struct mf_manifest *mf_parse(struct arena *a, struct diag *d, const char *path, const char *src,
			     size_t len)
{
	struct mf_ctx cx = {a, d, path, 0};
	struct yml_node *root = yml_load(a, d, path, src, len, 0);
	if (!root)
		return NULL;
	struct mf_manifest *m = arena_alloc(a, sizeof *m);
	m->path = path;
	if (root->kind != YML_MAP) {
		diag_error(d, path, root->line, root->col,
			   "a manifest must be a mapping with a 'tools' list, not a %s",
			   yml_kind_name(root));
		return m;
	}
	bool seen_tools = false;
	for (size_t i = 0; i + 1 < root->n_items; i += 2) {
		const struct yml_node *k = root->items[i], *v = root->items[i + 1];
		if (mf_key(k, "tools")) {
			seen_tools = true;
			if (v->kind != YML_SEQ) {
				diag_error(d, path, v->line, v->col, "'tools' must be a list, not a %s",
					   yml_kind_name(v));
				continue;
			}
			m->n_tools = 0;
			if (v->n_items > MF_MAX_ITEMS) {
				diag_error(d, path, v->line, v->col, "too many tools (%zu); at most %d",
					   v->n_items, MF_MAX_ITEMS);
				continue;
			}
			for (size_t j = 0; j < v->n_items; j++)
				mf_entry(&cx, m, v->items[j]);
		} else if (mf_key(k, "permissions")) {
			seen_tools = true;
			pm_parse(a, d, path, v, &m->perms);
		} else if (mf_key(k, "secrets")) {
			seen_tools = true;
			pm_parse_secrets(a, d, path, v, &m->perms);
		} else if (mf_key(k, "pipelines")) {
			seen_tools = true;
			m->pipelines = v;
		} else {
			diag_warning(d, path, k->line, k->col, "unknown key '%s' in manifest",
				     k->kind == YML_SCALAR ? mf_show(a, k->text, k->len)
							   : yml_kind_name(k));
		}
	}
	if (!seen_tools)
		diag_warning(d, path, root->line, root->col, "manifest has no 'tools' list");
	return m;
}

/* ----------------------------------------------------------------- apply */

static const char *mf_strip_dot(const char *s)
{
	while (s[0] == '.' && s[1] == '/') {
		s += 2;
		while (*s == '/')
			s++;
	}
	return s;
}

static ptrdiff_t mf_find_tool(const struct sk_skill *sk, const char *script)
{
	for (size_t i = 0; i < sk->n_tools; i++)
		if (sk->tools[i].script && strcmp(sk->tools[i].script, script) == 0)
			return (ptrdiff_t)i;
	return -1;
}

static bool mf_has_file(const struct sk_skill *sk, const char *path)
{
	for (size_t i = 0; i < sk->n_files; i++)
		if (sk->files[i].path && strcmp(sk->files[i].path, path) == 0)
			return true;
	return false;
}

static enum sk_lang mf_lang(const char *script)
{
	const char *dot = strrchr(script, '.'), *slash = strrchr(script, '/');
	if (!dot || (slash && dot < slash))
		return SK_LANG_NONE;
	if (!strcmp(dot, ".py"))
		return SK_LANG_PYTHON;
	if (!strcmp(dot, ".sh") || !strcmp(dot, ".bash"))
		return SK_LANG_BASH;
	if (!strcmp(dot, ".js") || !strcmp(dot, ".mjs") || !strcmp(dot, ".cjs"))
		return SK_LANG_JS;
	return SK_LANG_NONE;
}

static const char *mf_stem(struct arena *a, const char *script)
{
	const char *b = strrchr(script, '/');
	b = b ? b + 1 : script;
	const char *dot = strrchr(b, '.');
	return arena_strndup(a, b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
}

static uint8_t mf_default_pass(uint8_t type)
{
	return type == SKC_T_BOOLEAN ? SKC_PASS_SWITCH
	       : type == SKC_T_ARRAY ? SKC_PASS_NARGS
				     : SKC_PASS_VALUE;
}

static void mf_apply_params(struct arena *a, const struct mf_tool *e, struct sk_tool *t)
{
	struct sk_param *np = e->n_params ? arena_alloc(a, e->n_params * sizeof *np) : NULL;
	for (size_t i = 0; i < e->n_params; i++) {
		const struct mf_param *mp = &e->params[i];
		const struct sk_param *sp = NULL;
		for (size_t j = 0; j < t->n_params && !sp; j++)
			if (t->params[j].name && !strcmp(t->params[j].name, mp->name))
				sp = &t->params[j];
		struct sk_param *p = &np[i];
		p->name = mp->name;
		p->loc = mp->loc;
		if (mp->has_type)
			p->type = mp->type;
		else
			p->type = sp ? sp->type : SKC_T_STRING;
		if (mp->has_items)
			p->item_type = mp->item_type;
		else if (sp && sp->type == p->type)
			p->item_type = sp->item_type;
		else
			p->item_type = SKC_T_STRING;
		p->description = mp->description ? mp->description : sp ? sp->description : NULL;
		/* What the manifest leaves out, a same-typed script parameter lends. */
		int same = sp && sp->type == p->type;
		p->required = mp->has_required ? mp->required : same && sp->required;
		p->default_json = mp->default_json ? mp->default_json : same ? sp->default_json : NULL;
		if (mp->n_enum || !same) {
			p->enum_json = mp->enum_json;
			p->n_enum = p->cap_enum = mp->n_enum;
		} else {
			p->enum_json = sp->enum_json;
			p->n_enum = p->cap_enum = sp->n_enum;
		}
		if (mp->flag)
			p->flag = mp->flag;
		else if (sp)
			p->flag = sp->flag;
		else if (t->args == SKC_ARGS_FLAGS)
			p->flag = arena_printf(a, "--%s", mp->name);
		/* A script's pass suits the script's type; a retyped parameter gets the default. */
		if (mp->has_pass)
			p->pass = mp->pass;
		else if (sp && sp->type == p->type)
			p->pass = sp->pass;
		else
			p->pass = mf_default_pass(p->type);
	}
	t->params = np;
	t->n_params = t->cap_params = e->n_params;
	t->params_from = SK_FROM_MANIFEST;
}

int mf_apply(struct arena *a, struct diag *d, const struct mf_manifest *m, struct sk_skill *skill,
	     bool scripts_dir_manifest)
{
	return mf_apply_from(a, d, m, skill, scripts_dir_manifest, SK_FROM_MANIFEST);
}

int mf_apply_from(struct arena *a, struct diag *d, const struct mf_manifest *m,
		  struct sk_skill *skill, bool scripts_dir_manifest, enum sk_origin from)
{
	if (!m)
		return 0;
	int errors = 0;
	const char *path = m->path;
	/* Indices, not pointers: adding a tool may move skill->tools. */
	ptrdiff_t *idx = calloc(m->n_tools + 1, sizeof *idx);
	if (!idx)
		abort();
	for (size_t i = 0; i < m->n_tools; i++) {
		const struct mf_tool *e = &m->tools[i];
		idx[i] = -1;
		const char *shown = e->name ? e->name : e->script ? mf_stem(a, e->script) : "";
		shown = mf_show(a, shown, strlen(shown));
		if (!e->script) {
			for (size_t j = 0; j < skill->n_tools && idx[i] < 0; j++)
				if (skill->tools[j].name && !strcmp(skill->tools[j].name, e->name))
					idx[i] = (ptrdiff_t)j;
			if (idx[i] < 0) {
				diag_error(d, path, e->loc.line, e->loc.col,
					   "manifest entry '%s' has no 'script', and no tool is named '%s'",
					   shown, shown);
				errors++;
				continue;
			}
		} else {
			const char *s = mf_strip_dot(e->script);
			const char *alt = scripts_dir_manifest ? arena_printf(a, "scripts/%s", s) : NULL;
			idx[i] = mf_find_tool(skill, s);
			if (idx[i] < 0 && alt)
				idx[i] = mf_find_tool(skill, alt);
			if (idx[i] < 0 && e->wasm) {
				diag_error(d, path, e->loc.line, e->loc.col,
					   "tool entry '%s' names module '%s', which is not in 'wasm_path'",
					   shown, mf_show(a, e->script, strlen(e->script)));
				errors++;
				continue;
			}
			if (idx[i] < 0) {
				const char *file = mf_has_file(skill, s)	    ? s
						   : alt && mf_has_file(skill, alt) ? alt
										    : NULL;
				if (!file) {
					diag_error(d, path, e->loc.line, e->loc.col,
						   "manifest entry '%s' names script '%s', which does not exist",
						   shown, mf_show(a, e->script, strlen(e->script)));
					errors++;
					continue;
				}
				if (!e->interpreter) {
					diag_error(d, path, e->loc.line, e->loc.col,
						   "manifest entry '%s' names script '%s', which has no "
						   "known interpreter; add 'interpreter:'",
						   shown, mf_show(a, e->script, strlen(e->script)));
					errors++;
					continue;
				}
				struct sk_tool *t = &ARENA_PUSH(a, skill->tools, skill->n_tools,
								skill->cap_tools);
				memset(t, 0, sizeof *t);
				t->script = file;
				t->name = mf_stem(a, file);
				t->lang = mf_lang(file);
				t->loc = e->loc;
				idx[i] = (ptrdiff_t)(skill->n_tools - 1);
			}
		}
		for (size_t j = 0; j < i; j++) {
			if (idx[j] == idx[i]) {
				diag_error(d, path, e->loc.line, e->loc.col,
					   "script '%s' has a second manifest entry",
					   mf_show(a, skill->tools[idx[i]].script,
						   strlen(skill->tools[idx[i]].script)));
				diag_note(d, path, m->tools[j].loc.line, m->tools[j].loc.col,
					  "first entry here");
				errors++;
				idx[i] = -1;
				break;
			}
		}
	}
	for (size_t i = 0; i < m->n_tools; i++) {
		if (idx[i] < 0)
			continue;
		const struct mf_tool *e = &m->tools[i];
		struct sk_tool *t = &skill->tools[idx[i]];
		t->is_library = false;
		if (e->name)
			t->name = e->name;
		if (e->description) {
			t->description = e->description;
			t->description_from = from;
		}
		if (e->has_args) {
			t->args = e->args;
			t->args_from = from;
		}
		if (e->interpreter)
			t->interpreter = e->interpreter;
		if (e->has_timeout)
			t->timeout_ms = e->timeout_ms;
		if (e->has_cap)
			t->output_cap = e->output_cap;
		if (e->has_params) {
			mf_apply_params(a, e, t);
			t->params_from = from;
		}
		/* A title given only in the annotations is the tool's title too. */
		if (e->title || e->ann_title)
			t->title = e->title ? e->title : e->ann_title;
		if (e->output_schema)
			t->output_schema = e->output_schema;
		if (e->annotations)
			t->annotations = e->annotations;
		/* The entry's own fields over what an earlier manifest granted. */
		struct sk_perms own = e->perms;
		pm_inherit(&own, &t->perms);
		t->perms = own;
	}
	/* The skill's permissions fill in what each tool's own leave out. */
	for (size_t i = 0; i < skill->n_tools; i++)
		pm_inherit(&skill->tools[i].perms, &m->perms);
	free(idx);
	/* Pipelines run nothing themselves: no grant, so added after it. */
	if (m->pipelines)
		errors += pp_add(a, d, path, m->pipelines, skill);
	return errors;
}

int mf_params(struct arena *a, struct diag *d, const char *path, const struct yml_node *list,
	      struct sk_tool *t)
{
	struct mf_ctx cx = {a, d, path, 0};
	struct mf_tool e = {0};
	if (list->kind != YML_SEQ) {
		diag_error(d, path, list->line, list->col, "'parameters' must be a list, not a %s",
			   yml_kind_name(list));
		return -1;
	}
	if (list->n_items > MF_MAX_ITEMS) {
		diag_error(d, path, list->line, list->col, "too many parameters (%zu); at most %d",
			   list->n_items, MF_MAX_ITEMS);
		return -1;
	}
	for (size_t j = 0; j < list->n_items; j++)
		mf_param(&cx, &e, list->items[j]);
	mf_apply_params(a, &e, t);
	return 0;
}

int mf_parse_timeout(struct arena *a, struct diag *d, const char *path, const struct yml_node *v,
		     uint32_t *ms)
{
	struct mf_ctx cx = {a, d, path, 0};
	return mf_timeout(&cx, v, ms);
}
