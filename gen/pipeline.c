/*
 * pipeline.c - pipelines from a manifest: parsed into tools of kind
 * SKC_KIND_PIPELINE (pp_add), then checked against the whole model once
 * every tool has its wire name (pp_validate).
 */
#include "pipeline.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/invoke.h"
#include "manifest.h"

static bool pp_is(const struct yml_node *n, const char *s)
{
	size_t l = strlen(s);
	return n->kind == YML_SCALAR && n->len == l && memcmp(n->text, s, l) == 0;
}

static const char *pp_show(struct arena *a, const struct yml_node *n)
{
	return n->kind == YML_SCALAR ? mf_show(a, n->text, n->len) : yml_kind_name(n);
}

/* A scalar without NUL bytes, else NULL (reported). */
static const char *pp_str(struct diag *d, const char *path, const char *field,
			  const struct yml_node *v)
{
	if (v->kind != YML_SCALAR) {
		diag_error(d, path, v->line, v->col, "'%s' must be a string, not a %s", field,
			   yml_kind_name(v));
		return NULL;
	}
	if (memchr(v->text, '\0', v->len) || !v->len) {
		diag_error(d, path, v->line, v->col, "'%s' is %s", field,
			   v->len ? "not text (it holds a NUL byte)" : "empty");
		return NULL;
	}
	return v->text;
}

static bool pp_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool pp_ident_char(char c)
{
	return pp_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}

/* ----------------------------------------------------------------- parse */

static void pp_step(struct arena *a, struct diag *d, const char *path, struct sk_tool *t,
		    const struct yml_node *e)
{
	if (e->kind != YML_MAP) {
		diag_error(d, path, e->line, e->col,
			   "a pipeline step must be a mapping with a 'tool', not a %s", yml_kind_name(e));
		ARENA_PUSH(a, t->steps, t->n_steps, t->cap_steps) =
			(struct sk_step){.loc = {path, e->line, e->col}};
		return;
	}
	struct sk_step st = {.loc = {path, e->line, e->col}};
	for (size_t i = 0; i + 1 < e->n_items; i += 2) {
		const struct yml_node *k = e->items[i], *v = e->items[i + 1];
		if (pp_is(k, "name")) {
			const char *n = pp_str(d, path, "name", v);
			st.name_loc = (struct sk_loc){path, v->line, v->col};
			if (!n)
				continue;
			if (!pp_ident_start(n[0]) || strspn(n, "abcdefghijklmnopqrstuvwxyz"
								   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(n)) {
				diag_error(d, path, v->line, v->col,
					   "step name '%s' must start with a letter or '_' and hold only "
					   "letters, digits, '_' and '-'",
					   mf_show(a, n, strlen(n)));
			} else if (!strcmp(n, "input") || !strcmp(n, "prev")) {
				diag_error(d, path, v->line, v->col,
					   "step name '%s' is reserved: '$%s' already means %s", n, n,
					   n[0] == 'i' ? "the pipeline's arguments" : "the previous step's output");
			} else {
				st.name = n;
			}
		} else if (pp_is(k, "tool")) {
			st.tool_ref = pp_str(d, path, "tool", v);
			st.tool_loc = (struct sk_loc){path, v->line, v->col};
		} else if (pp_is(k, "args")) {
			if (v->kind != YML_MAP) {
				diag_error(d, path, v->line, v->col,
					   "'args' must be a mapping of parameter names to values, not a %s",
					   yml_kind_name(v));
			} else {
				st.args = v;
			}
		} else if (pp_is(k, "condition")) {
			if (v->kind != YML_SCALAR) {
				diag_error(d, path, v->line, v->col,
					   "'condition' must be a string like '$input.flag == true', not a %s",
					   yml_kind_name(v));
			} else {
				st.cond = v;
			}
		} else if (pp_is(k, "continue_on_error")) {
			if (yml_bool(v, &st.continue_on_error) != 0) {
				diag_error(d, path, v->line, v->col,
					   "'continue_on_error' must be true or false, not '%s'", pp_show(a, v));
			}
		} else {
			diag_warning(d, path, k->line, k->col,
				     "unknown key '%s' in pipeline step; known keys are 'name', 'tool', "
				     "'args', 'condition' and 'continue_on_error'",
				     pp_show(a, k));
		}
	}
	if (!st.tool_ref) {
		if (!yml_get(e, "tool"))
			diag_error(d, path, e->line, e->col, "pipeline step has no 'tool'");
	}
	for (size_t i = 0; st.name && i < t->n_steps; i++) {
		const struct sk_step *o = &t->steps[i];
		if (o->name && !strcmp(o->name, st.name)) {
			diag_error(d, path, st.name_loc.line, st.name_loc.col,
				   "duplicate step name '%s' in pipeline '%s'", st.name,
				   t->name ? t->name : "?");
			diag_note(d, path, o->name_loc.line, o->name_loc.col, "first defined here");
			st.name = NULL;
			break;
		}
	}
	/* A malformed step keeps its place (the steps keep their numbers) and
	 * its tool is still checked; the errors fail the bake. */
	ARENA_PUSH(a, t->steps, t->n_steps, t->cap_steps) = st;
}

static int pp_entry(struct arena *a, struct diag *d, const char *path, struct sk_skill *skill,
		    const struct yml_node *e)
{
	if (e->kind != YML_MAP) {
		diag_error(d, path, e->line, e->col,
			   "a pipeline must be a mapping with a 'name' and 'steps', not a %s",
			   yml_kind_name(e));
		return 1;
	}
	struct sk_tool t = {.kind = SKC_KIND_PIPELINE, .script = "", .args = SKC_ARGS_JSON,
			    .loc = {path, e->line, e->col}};
	bool ok = true, steps = false;
	for (size_t i = 0; i + 1 < e->n_items; i += 2) {
		const struct yml_node *k = e->items[i], *v = e->items[i + 1];
		if (pp_is(k, "name")) {
			t.name = pp_str(d, path, "name", v);
			ok &= t.name != NULL;
		} else if (pp_is(k, "description")) {
			t.description = pp_str(d, path, "description", v);
			t.description_from = SK_FROM_MANIFEST;
		} else if (pp_is(k, "title")) {
			t.title = pp_str(d, path, "title", v);
		} else if (pp_is(k, "timeout")) {
			t.has_timeout = mf_parse_timeout(a, d, path, v, &t.timeout_ms) == 0;
		} else if (pp_is(k, "parameters")) {
			mf_params(a, d, path, v, &t);
			t.params_from = SK_FROM_MANIFEST;
		} else if (pp_is(k, "steps")) {
			steps = true;
			if (v->kind != YML_SEQ || !v->n_items) {
				diag_error(d, path, v->line, v->col,
					   "'steps' must be a list of at least one step, not %s",
					   v->kind == YML_SEQ ? "an empty list" : yml_kind_name(v));
				ok = false;
				continue;
			}
			if (v->n_items > PP_MAX_STEPS) {
				diag_error(d, path, v->line, v->col, "too many steps (%zu); at most %d",
					   v->n_items, PP_MAX_STEPS);
				ok = false;
				continue;
			}
			for (size_t j = 0; j < v->n_items; j++)
				pp_step(a, d, path, &t, v->items[j]);
		} else {
			diag_warning(d, path, k->line, k->col,
				     "unknown key '%s' in pipeline; known keys are 'name', 'description', "
				     "'title', 'timeout', 'parameters' and 'steps'",
				     pp_show(a, k));
		}
	}
	if (!t.name && !yml_get(e, "name"))
		diag_error(d, path, e->line, e->col, "pipeline has no 'name'");
	if (!steps)
		diag_error(d, path, e->line, e->col, "pipeline '%s' has no 'steps'",
			   t.name ? t.name : "?");
	if (!ok || !t.name || !steps)
		return 1;
	ARENA_PUSH(a, skill->tools, skill->n_tools, skill->cap_tools) = t;
	return 0;
}

int pp_add(struct arena *a, struct diag *d, const char *path, const struct yml_node *list,
	   struct sk_skill *skill)
{
	if (list->kind != YML_SEQ) {
		diag_error(d, path, list->line, list->col, "'pipelines' must be a list, not a %s",
			   yml_kind_name(list));
		return 1;
	}
	if (list->n_items > 1000) {
		diag_error(d, path, list->line, list->col, "too many pipelines (%zu); at most 1000",
			   list->n_items);
		return 1;
	}
	int errors = 0;
	for (size_t i = 0; i < list->n_items; i++)
		errors += pp_entry(a, d, path, skill, list->items[i]);
	return errors;
}

/* -------------------------------------------------------------- validate */

struct pp_ctx {
	struct arena *a;
	struct diag *d;
	struct sk_model *m;
	struct sk_tool **all; /* every tool, in table order */
	size_t n_all;
	uint8_t *state;       /* cycle search: 0 new, 1 on the path, 2 done */
	size_t *path;         /* the pipelines on the path */
	size_t n_path;
};

/* The step as a subject in messages: "step 'fetch'" or "step 2". */
static const char *pp_step_name(struct arena *a, const struct sk_step *st, size_t i)
{
	return st->name ? arena_printf(a, "step '%s'", st->name) : arena_printf(a, "step %zu", i + 1);
}

static const struct sk_tool *pp_find(const struct sk_skill *s, const char *name, size_t len)
{
	for (size_t j = 0; j < s->n_tools; j++) {
		const struct sk_tool *t = &s->tools[j];
		if (t->wire_name && strlen(t->name) == len && !strncmp(t->name, name, len))
			return t;
	}
	return NULL;
}

/*
 * A step's tool: plugin:<skill>/<tool> or <skill>/<tool> exactly; else a
 * tool of the pipeline's own skill, a wire name, or the one skill's tool of
 * that name (uses: resolves the same way).
 */
static void pp_resolve(struct pp_ctx *cx, const struct sk_skill *own, const struct sk_tool *p,
		       size_t i)
{
	struct sk_step *st = &p->steps[i];
	const struct sk_model *m = cx->m;
	const char *ref = st->tool_ref, *slash;
	const struct sk_loc *l = &st->tool_loc;
	if (!ref)
		return;
	if (!strncmp(ref, "plugin:", 7))
		ref += 7;
	if ((slash = strchr(ref, '/'))) {
		for (size_t k = 0; k < m->n_skills && !st->resolved; k++)
			if (strlen(m->skills[k].name) == (size_t)(slash - ref) &&
			    !strncmp(m->skills[k].name, ref, (size_t)(slash - ref)))
				st->resolved = pp_find(&m->skills[k], slash + 1, strlen(slash + 1));
		if (!st->resolved)
			diag_error(cx->d, l->path, l->line, l->col,
				   "%s of pipeline '%s' names tool '%s', which does not exist",
				   pp_step_name(cx->a, st, i), p->name,
				   mf_show(cx->a, st->tool_ref, strlen(st->tool_ref)));
		return;
	}
	if ((st->resolved = pp_find(own, ref, strlen(ref))))
		return;
	for (size_t k = 0; k < cx->n_all && !st->resolved; k++)
		if (cx->all[k]->wire_name && !strcmp(cx->all[k]->wire_name, ref))
			st->resolved = cx->all[k];
	if (st->resolved)
		return;
	const char *cands = NULL;
	size_t n = 0;
	for (size_t k = 0; k < m->n_skills; k++) {
		const struct sk_tool *t = pp_find(&m->skills[k], ref, strlen(ref));
		if (!t)
			continue;
		st->resolved = t;
		cands = cands ? arena_printf(cx->a, "%s, '%s'", cands, t->wire_name)
			      : arena_printf(cx->a, "'%s'", t->wire_name);
		n++;
	}
	if (n == 0)
		diag_error(cx->d, l->path, l->line, l->col,
			   "%s of pipeline '%s' names tool '%s', which no skill has; expected a tool "
			   "of this skill, '<skill>__<tool>' or 'plugin:<skill>/<tool>'",
			   pp_step_name(cx->a, st, i), p->name, mf_show(cx->a, ref, strlen(ref)));
	if (n > 1) {
		diag_error(cx->d, l->path, l->line, l->col,
			   "%s of pipeline '%s' names tool '%s', which %zu skills have: %s; say which",
			   pp_step_name(cx->a, st, i), p->name, mf_show(cx->a, ref, strlen(ref)), n,
			   cands);
		st->resolved = NULL;
	}
}

/*
 * The part of a JSON Schema a field path leads to, as far as the schema
 * says: NULL with *why set when the path cannot exist in what it declares.
 * Stops (returns the schema) where the schema leaves the shape open.
 */
static const json_t *pp_schema_field(struct arena *a, const json_t *sch, const char *seg,
				     size_t len, const char *what, const char **why)
{
	const json_t *type = json_object_get(sch, "type"), *props = json_object_get(sch, "properties");
	const char *ty = json_string_value(type);
	if (json_is_object(props)) {
		char *key = arena_strndup(a, seg, len);
		const json_t *f = json_object_get(props, key), *more;
		if (f)
			return f;
		more = json_object_get(sch, "additionalProperties");
		if (more && !json_is_false(more))
			return NULL; /* open: nothing to check below */
		const char *names = NULL, *k;
		json_t *v;
		json_object_foreach((json_t *)props, k, v)
			names = names ? arena_printf(a, "%s, '%s'", names, k) : arena_printf(a, "'%s'", k);
		*why = arena_printf(a, "%s declares no field '%s'%s%s", what, key,
				    names ? "; it declares " : "", names ? names : "");
		return NULL;
	}
	if (ty && !strcmp(ty, "array")) {
		if (strspn(seg, "0123456789") < len) {
			*why = arena_printf(a, "%s is an array: '%.*s' is not an index", what, (int)len, seg);
			return NULL;
		}
		return json_object_get(sch, "items");
	}
	if (ty && strcmp(ty, "object"))
		*why = arena_printf(a, "%s is %s %s, which has no field '%.*s'", what,
				    ty[0] == 'i' ? "an" : "a", ty, (int)len, seg);
	return NULL;
}

/* Check a field path (".a.b") against the output schema of the tool a reference reads. */
static void pp_check_path(struct pp_ctx *cx, const struct sk_tool *src, const char *ref,
			  const char *fields, size_t len, const struct yml_node *at, const char *path)
{
	if (!src || !src->output_schema || !len)
		return;
	json_t *sch = json_loads(src->output_schema, 0, NULL);
	const json_t *cur = sch;
	const char *p = fields, *end = fields + len, *why = NULL;
	const char *what = arena_printf(cx->a, "the output of tool '%s'", src->wire_name);
	while (cur && p < end) {
		p++; /* the '.' */
		size_t n = 0;
		while (p + n < end && p[n] != '.')
			n++;
		cur = pp_schema_field(cx->a, cur, p, n, what, &why);
		what = arena_printf(cx->a, "field '%.*s'", (int)(p + n - fields - 1), fields + 1);
		p += n;
	}
	if (why)
		diag_error(cx->d, path, at->line, at->col, "'%s': %s", ref, why);
	json_decref(sch);
}

/* Is `name` a parameter of t? */
static const struct sk_param *pp_param(const struct sk_tool *t, const char *name, size_t len)
{
	for (size_t i = 0; i < t->n_params; i++)
		if (strlen(t->params[i].name) == len && !strncmp(t->params[i].name, name, len))
			return &t->params[i];
	return NULL;
}

static const char *pp_param_list(struct arena *a, const struct sk_tool *t)
{
	const char *s = NULL;
	for (size_t i = 0; i < t->n_params; i++)
		s = s ? arena_printf(a, "%s, '%s'", s, t->params[i].name)
		      : arena_printf(a, "'%s'", t->params[i].name);
	return s ? arena_printf(a, "its parameters are %s", s) : "it has no parameters";
}

/*
 * One reference (ref[0..len), "$root.a.b") in step i of pipeline p, found
 * in the scalar `at`: its root must be `input` (a declared parameter next),
 * `prev` (not in the first step) or an earlier named step; fields are
 * checked against the output schema of the step's tool where it has one.
 */
static void pp_check_ref(struct pp_ctx *cx, const struct sk_tool *p, size_t i, const char *ref,
			 size_t len, const struct yml_node *node, const char *path)
{
	struct arena *a = cx->a;
	/* On one line, the column of the reference itself (past an opening quote;
	 * escapes before it would shift it, rare in practice). */
	struct yml_node where = *node;
	const struct yml_node *at = &where;
	if (node->kind == YML_SCALAR && !memchr(node->text, '\n', node->len) && ref >= node->text &&
	    ref < node->text + node->len)
		where.col += (unsigned)(ref - node->text) + (node->quoted ? 1u : 0u);
	const char *shown = mf_show(a, ref, len);
	size_t rl = 1;
	while (rl < len && ref[rl] != '.')
		rl++;
	const char *root = ref + 1, *fields = ref + rl;
	size_t root_len = rl - 1, fields_len = len - rl, depth = 0;
	for (size_t k = 0; k < fields_len; k++)
		depth += fields[k] == '.';
	if (depth > PP_MAX_PATH) {
		diag_error(cx->d, path, at->line, at->col, "'%s' is %zu fields deep; at most %d",
			   shown, depth, PP_MAX_PATH);
		return;
	}
	if (root_len == 5 && !strncmp(root, "input", 5)) {
		if (!fields_len)
			return;
		size_t n = 0;
		while (n + 1 < fields_len && fields[n + 1] != '.')
			n++;
		const struct sk_param *prm = pp_param(p, fields + 1, n);
		if (!prm)
			diag_error(cx->d, path, at->line, at->col,
				   "'%s' names no parameter of pipeline '%s'; %s", shown, p->name,
				   pp_param_list(a, p));
		else if (n + 1 < fields_len && prm->type != SKC_T_ARRAY)
			diag_error(cx->d, path, at->line, at->col,
				   "'%s' looks inside parameter '%s', which is not an array", shown,
				   prm->name);
		return;
	}
	if (root_len == 4 && !strncmp(root, "prev", 4)) {
		if (i == 0) {
			diag_error(cx->d, path, at->line, at->col,
				   "'%s' in the first step of pipeline '%s' refers to no earlier step",
				   shown, p->name);
			return;
		}
		/* Checked when the previous step always runs: else $prev may be another's. */
		if (!p->steps[i - 1].cond)
			pp_check_path(cx, p->steps[i - 1].resolved, shown, fields, fields_len, at, path);
		return;
	}
	for (size_t j = 0; j < p->n_steps; j++) {
		const struct sk_step *o = &p->steps[j];
		if (!o->name || strlen(o->name) != root_len || strncmp(o->name, root, root_len))
			continue;
		if (j >= i)
			diag_error(cx->d, path, at->line, at->col,
				   "'%s' refers to step '%s', which %s", shown, o->name,
				   j == i ? "is this step: a step sees only the outputs of earlier steps"
					  : "runs later: a step sees only the outputs of earlier steps");
		else
			pp_check_path(cx, o->resolved, shown, fields, fields_len, at, path);
		return;
	}
	diag_error(cx->d, path, at->line, at->col,
		   "'%s' names no step of pipeline '%s'; a reference starts with '$input', '$prev' "
		   "or an earlier step's name (write '$$' for a literal '$')",
		   shown, p->name);
}

/*
 * The references in a string (runtime/pipeline.h has the same grammar):
 * `$$` is a literal `$`; `$` and a letter or '_' starts one, which runs over
 * [A-Za-z0-9_-] and then `.field` parts of [A-Za-z0-9_-]. Checks each, and
 * returns 1 when the whole string is one reference.
 */
static int pp_scan(struct pp_ctx *cx, const struct sk_tool *p, size_t i, const char *s, size_t n,
		   const struct yml_node *at, const char *path)
{
	int whole = 0;
	for (size_t k = 0; k < n; k++) {
		if (s[k] != '$')
			continue;
		if (k + 1 < n && s[k + 1] == '$') {
			k++;
			continue;
		}
		if (k + 1 >= n || !pp_ident_start(s[k + 1]))
			continue;
		size_t e = k + 1;
		while (e < n && pp_ident_char(s[e]))
			e++;
		while (e + 1 < n && s[e] == '.' && pp_ident_char(s[e + 1])) {
			e++;
			while (e < n && pp_ident_char(s[e]))
				e++;
		}
		if (cx)
			pp_check_ref(cx, p, i, s + k, e - k, at, path);
		whole = k == 0 && e == n;
		k = e - 1;
	}
	return whole;
}

static const char *pp_type_name(uint8_t t)
{
	static const char *const names[] = {"a string", "an integer", "a number", "a boolean",
					    "an array"};
	return t < 5 ? names[t] : "unknown";
}

/* The type of a literal's JSON value in messages. */
static const char *pp_json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "a mapping";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

static bool pp_fits(const json_t *v, uint8_t type)
{
	switch (type) {
	case SKC_T_STRING: return json_is_string(v);
	case SKC_T_INTEGER:
		return json_is_integer(v) ||
		       (json_is_real(v) && json_real_value(v) == (double)(long long)json_real_value(v));
	case SKC_T_NUMBER: return json_is_number(v);
	case SKC_T_BOOLEAN: return json_is_boolean(v);
	case SKC_T_ARRAY: return json_is_array(v);
	}
	return false;
}

/*
 * Every reference in an argument value, then the value's type where it is
 * plain: a literal, or a string with references inside (still a string).
 * `type` is the parameter's (or, in a list, the item's) type.
 */
static void pp_check_value(struct pp_ctx *cx, const struct sk_tool *p, size_t i,
			   const struct yml_node *v, const char *path, const struct sk_param *prm,
			   uint8_t type, const char *arg, bool scan)
{
	if (v->kind == YML_MAP || v->kind == YML_SEQ) {
		for (size_t k = 0; k < v->n_items; k++) {
			const struct yml_node *x = v->items[k];
			if (v->kind == YML_MAP && k % 2 == 0)
				continue;
			pp_check_value(cx, p, i, x, path, NULL, 0, arg, scan);
		}
		if (!prm)
			return;
		if (v->kind == YML_MAP || type != SKC_T_ARRAY) {
			diag_error(cx->d, path, v->line, v->col,
				   "argument '%s' is %s, but parameter '%s' of tool '%s' takes %s", arg,
				   v->kind == YML_MAP ? "a mapping" : "a list", prm->name,
				   p->steps[i].resolved->wire_name, pp_type_name(type));
			return;
		}
		for (size_t k = 0; k < v->n_items; k++)
			pp_check_value(cx, p, i, v->items[k], path, prm, prm->item_type, arg, false);
		return;
	}
	static const char *const plain[] = {"string", "integer", "number", "boolean", "array"};
	int whole = pp_scan(scan ? cx : NULL, p, i, v->text, v->len, v, path);
	if (prm && whole && v->len > 7 && !memcmp(v->text, "$input.", 7) &&
	    !memchr(v->text + 7, '.', v->len - 7)) {
		/* A parameter passed on: its declared type must fit (an integer fits a number). */
		const struct sk_param *in = pp_param(p, v->text + 7, v->len - 7);
		if (in && in->type != type && !(in->type == SKC_T_INTEGER && type == SKC_T_NUMBER))
			diag_error(cx->d, path, v->line, v->col,
				   "argument '%s' is '%s', %s, but parameter '%s' of tool '%s' takes %s%s",
				   arg, mf_show(cx->a, v->text, v->len), pp_type_name(in->type),
				   prm->name, p->steps[i].resolved->wire_name,
				   prm->type == SKC_T_ARRAY && type != SKC_T_ARRAY ? "a list of " : "",
				   prm->type == SKC_T_ARRAY && type != SKC_T_ARRAY ? plain[type < 5 ? type : 0]
										   : pp_type_name(type));
	}
	if (!prm || whole)
		return;
	json_t *j = json_loads(mf_scalar_json(cx->a, v), JSON_DECODE_ANY, NULL);
	if (j && !json_is_null(j) && !pp_fits(j, type))
		diag_error(cx->d, path, v->line, v->col,
			   "argument '%s' is %s, but parameter '%s' of tool '%s' takes %s%s", arg,
			   pp_json_kind(j), prm->name, p->steps[i].resolved->wire_name,
			   prm->type == SKC_T_ARRAY ? "a list of " : "",
			   prm->type == SKC_T_ARRAY ? plain[type < 5 ? type : 0] : pp_type_name(type));
	json_decref(j);
}

/*
 * `$ref`, `!$ref`, `$ref == value` or `$ref != value`; the value is JSON
 * (true, 3, "text", null), 'text' in single quotes, or a bare word.
 */
static void pp_condition(struct pp_ctx *cx, const struct sk_tool *p, size_t i, struct sk_step *st)
{
	const struct yml_node *c = st->cond;
	const char *path = st->loc.path, *s = c->text, *end = c->text + c->len;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	st->cond_op = SKC_COND_TRUTHY;
	if (s < end && *s == '!' && !(s + 1 < end && s[1] == '=')) {
		st->cond_op = SKC_COND_FALSY;
		for (s++; s < end && (*s == ' ' || *s == '\t'); s++)
			;
	}
	size_t e = 0;
	if (s < end && *s == '$' && s + 1 < end && pp_ident_start(s[1])) {
		e = 1;
		while (s + e < end && (pp_ident_char(s[e]) || (s[e] == '.' && s + e + 1 < end &&
								 pp_ident_char(s[e + 1]))))
			e++;
	}
	if (!e || memchr(c->text, '\0', c->len)) {
		diag_error(cx->d, path, c->line, c->col,
			   "condition '%s' must be a reference, '!' and a reference, or a reference "
			   "'==' or '!=' a value, like '$input.verbose == true'",
			   mf_show(cx->a, c->text, c->len));
		return;
	}
	st->cond_ref = arena_strndup(cx->a, s, e);
	pp_check_ref(cx, p, i, s, e, c, path);
	const char *r = s + e;
	while (r < end && (*r == ' ' || *r == '\t'))
		r++;
	if (r == end)
		return;
	if (st->cond_op == SKC_COND_FALSY || end - r < 2 || (memcmp(r, "==", 2) && memcmp(r, "!=", 2))) {
		diag_error(cx->d, path, c->line, c->col,
			   "condition '%s': expected '==' or '!=' after '%s'",
			   mf_show(cx->a, c->text, c->len), st->cond_ref);
		return;
	}
	st->cond_op = r[0] == '=' ? SKC_COND_EQ : SKC_COND_NE;
	for (r += 2; r < end && (*r == ' ' || *r == '\t'); r++)
		;
	size_t vn = (size_t)(end - r);
	json_t *v = NULL;
	if (vn >= 2 && r[0] == '\'' && r[vn - 1] == '\'')
		v = json_stringn(r + 1, vn - 2);
	else if (vn)
		v = json_loadb(r, vn, JSON_DECODE_ANY, NULL);
	if (!v && vn)
		v = json_stringn(r, vn); /* a bare word */
	if (!v) {
		diag_error(cx->d, path, c->line, c->col, "condition '%s' has nothing after '%.2s'",
			   mf_show(cx->a, c->text, c->len), r - 2);
		st->cond_op = SKC_COND_TRUTHY;
		return;
	}
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	st->cond_value = arena_strdup(cx->a, text ? text : "null");
	free(text);
	json_decref(v);
}

static void pp_check_step(struct pp_ctx *cx, const struct sk_tool *p, size_t i)
{
	struct sk_step *st = &p->steps[i];
	const char *path = st->loc.path;
	if (st->cond)
		pp_condition(cx, p, i, st);
	st->args_json = st->args ? mf_scalar_json(cx->a, st->args) : "{}";
	const struct sk_tool *t = st->resolved;
	const struct yml_node *args = st->args;
	for (size_t k = 0; args && k + 1 < args->n_items; k += 2) {
		const struct yml_node *key = args->items[k], *v = args->items[k + 1];
		const struct sk_param *prm = NULL;
		if (key->kind != YML_SCALAR) {
			diag_error(cx->d, path, key->line, key->col,
				   "an argument name must be a string, not a %s", yml_kind_name(key));
			continue;
		}
		if (t && !(prm = pp_param(t, key->text, key->len)))
			diag_error(cx->d, path, key->line, key->col,
				   "tool '%s' has no parameter '%s'; %s", t->wire_name,
				   mf_show(cx->a, key->text, key->len), pp_param_list(cx->a, t));
		const char *arg = mf_show(cx->a, key->text, key->len);
		pp_check_value(cx, p, i, v, path, prm, prm ? prm->type : 0, arg, true);
	}
	for (size_t k = 0; t && k < t->n_params; k++) {
		const struct sk_param *prm = &t->params[k];
		if (prm->required && !yml_get(args, prm->name))
			diag_error(cx->d, path, st->loc.line, st->loc.col,
				   "%s of pipeline '%s' does not give parameter '%s', which tool '%s' "
				   "requires",
				   pp_step_name(cx->a, st, i), p->name, prm->name, t->wire_name);
	}
}

static size_t pp_index(const struct pp_ctx *cx, const struct sk_tool *t)
{
	for (size_t k = 0; k < cx->n_all; k++)
		if (cx->all[k] == t)
			return k;
	return SIZE_MAX;
}

/*
 * Depth first over the pipelines a pipeline calls: a step that reaches one
 * on the current path closes a cycle. On the way back each pipeline gets
 * its timeout (the sum of its steps', unless it gives its own) and output
 * cap (its steps' largest: its result is one step's output).
 */
static void pp_settle(struct pp_ctx *cx, size_t ti)
{
	struct sk_tool *p = cx->all[ti];
	cx->state[ti] = 1;
	cx->path[cx->n_path++] = ti;
	uint64_t sum = 0, cap = 0;
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct sk_step *st = &p->steps[i];
		const struct sk_tool *q = st->resolved;
		if (!q)
			continue;
		size_t qi = pp_index(cx, q);
		if (q->kind == SKC_KIND_PIPELINE && qi != SIZE_MAX) {
			if (cx->state[qi] == 1) {
				size_t from = 0;
				while (cx->path[from] != qi)
					from++;
				const char *chain = NULL;
				for (size_t k = from; k < cx->n_path; k++)
					chain = arena_printf(cx->a, "%s'%s' -> ", chain ? chain : "",
							     cx->all[cx->path[k]]->wire_name);
				diag_error(cx->d, st->tool_loc.path, st->tool_loc.line, st->tool_loc.col,
					   "%s of pipeline '%s' closes a cycle: %s'%s'",
					   pp_step_name(cx->a, st, i), p->name, chain, q->wire_name);
				continue;
			}
			if (cx->state[qi] == 0)
				pp_settle(cx, qi);
		}
		sum += q->timeout_ms ? q->timeout_ms : INV_DEFAULT_TIMEOUT_MS;
		uint64_t c = q->output_cap ? q->output_cap : INV_DEFAULT_OUTPUT_CAP;
		cap = c > cap ? c : cap;
	}
	if (!p->has_timeout)
		p->timeout_ms = sum > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)sum;
	p->output_cap = cap > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)cap;
	cx->n_path--;
	cx->state[ti] = 2;
}

void pp_validate(struct arena *a, struct diag *d, struct sk_model *m)
{
	struct pp_ctx cx = {.a = a, .d = d, .m = m};
	size_t n = 0, n_pipes = 0;
	for (size_t i = 0; i < m->n_skills; i++)
		n += m->skills[i].n_tools;
	cx.all = arena_alloc(a, (n + 1) * sizeof *cx.all);
	for (size_t i = 0; i < m->n_skills; i++)
		for (size_t j = 0; j < m->skills[i].n_tools; j++) {
			cx.all[cx.n_all++] = &m->skills[i].tools[j];
			n_pipes += m->skills[i].tools[j].kind == SKC_KIND_PIPELINE;
		}
	if (!n_pipes)
		return;
	cx.state = arena_alloc(a, n + 1);
	cx.path = arena_alloc(a, (n + 1) * sizeof *cx.path);
	for (size_t i = 0; i < m->n_skills; i++) {
		const struct sk_skill *s = &m->skills[i];
		for (size_t j = 0; j < s->n_tools; j++) {
			struct sk_tool *p = &s->tools[j];
			if (p->kind != SKC_KIND_PIPELINE || !p->wire_name)
				continue;
			for (size_t k = 0; k < p->n_steps; k++)
				pp_resolve(&cx, s, p, k);
			for (size_t k = 0; k < p->n_steps; k++)
				pp_check_step(&cx, p, k);
			if (!p->description) {
				const char *desc = NULL;
				for (size_t k = 0; k < p->n_steps; k++)
					desc = arena_printf(a, "%s%s'%s'", desc ? desc : "Run ",
							    desc ? ", then " : "",
							    p->steps[k].resolved ? p->steps[k].resolved->wire_name
										 : p->steps[k].tool_ref);
				p->description = arena_printf(a, "%s.", desc);
			}
		}
	}
	for (size_t k = 0; k < cx.n_all; k++)
		if (cx.all[k]->kind == SKC_KIND_PIPELINE && cx.all[k]->wire_name && !cx.state[k])
			pp_settle(&cx, k);
}
