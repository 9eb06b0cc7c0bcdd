#include "validate.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/sha256.h"
#include "pipeline.h"

int val_wire_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > VAL_WIRE_MAX)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static const char *val_type_name(uint8_t t)
{
	static const char *const names[] = {"string", "integer", "number", "boolean", "array"};
	return t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

/* Does a JSON value fit a parameter type? */
static int val_fits(const json_t *v, uint8_t type, uint8_t item)
{
	switch (type) {
	case SKC_T_STRING:
		return json_is_string(v);
	case SKC_T_INTEGER:
		return json_is_integer(v) ||
		       (json_is_real(v) && json_real_value(v) == (double)(long long)json_real_value(v));
	case SKC_T_NUMBER:
		return json_is_number(v);
	case SKC_T_BOOLEAN:
		return json_is_boolean(v);
	case SKC_T_ARRAY: {
		if (!json_is_array(v))
			return 0;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) if (!val_fits(x, item, SKC_T_STRING)) return 0;
		return 1;
	}
	}
	return 0;
}

static void val_param(struct diag *d, const struct sk_tool *t, struct sk_param *p)
{
	const char *path = p->loc.path ? p->loc.path : t->loc.path;
	unsigned line = p->loc.path ? p->loc.line : t->loc.line;
	unsigned col = p->loc.path ? p->loc.col : t->loc.col;
	if (!p->name || !p->name[0]) {
		diag_error(d, path, line, col, "parameter of tool '%s' has no name", t->name);
		return;
	}
	if (p->type > SKC_T_ARRAY || (p->type == SKC_T_ARRAY && p->item_type >= SKC_T_ARRAY)) {
		diag_error(d, path, line, col, "parameter '%s' has an unsupported type", p->name);
		return;
	}
	json_error_t je;
	if (p->default_json) {
		json_t *v = json_loads(p->default_json, JSON_DECODE_ANY, &je);
		if (!v)
			diag_error(d, path, line, col, "default of parameter '%s' is not valid JSON",
				   p->name);
		else if (!json_is_null(v) && !val_fits(v, p->type, p->item_type))
			diag_error(d, path, line, col, "default %s of parameter '%s' does not match its type '%s'",
				   p->default_json, p->name, val_type_name(p->type));
		json_decref(v);
	}
	for (size_t i = 0; i < p->n_enum; i++) {
		json_t *v = json_loads(p->enum_json[i], JSON_DECODE_ANY, &je);
		uint8_t et = p->type == SKC_T_ARRAY ? p->item_type : p->type;
		if (!v || !val_fits(v, et, SKC_T_STRING))
			diag_error(d, path, line, col, "allowed value %s of parameter '%s' does not match its type '%s'",
				   p->enum_json[i], p->name, val_type_name(et));
		json_decref(v);
	}
}

static int val_tool_cmp(const void *x, const void *y)
{
	return strcmp(((const struct sk_tool *)x)->name, ((const struct sk_tool *)y)->name);
}

/* By name, then by directory, so duplicates come out in one order everywhere. */
static int val_skill_cmp(const void *x, const void *y)
{
	const struct sk_skill *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->source ? a->source : "", b->source ? b->source : "");
}

static int val_file_cmp(const void *x, const void *y)
{
	return strcmp(((const struct sk_file *)x)->path, ((const struct sk_file *)y)->path);
}

static void val_tools(struct arena *a, struct diag *d, struct sk_skill *s)
{
	/* Library modules are support files, not tools. */
	size_t k = 0;
	for (size_t i = 0; i < s->n_tools; i++)
		if (!s->tools[i].is_library)
			s->tools[k++] = s->tools[i];
	s->n_tools = k;
	if (s->n_tools > 1)
		qsort(s->tools, s->n_tools, sizeof s->tools[0], val_tool_cmp);

	for (size_t i = 0; i < s->n_tools; i++) {
		struct sk_tool *t = &s->tools[i];
		const struct sk_loc *l = &t->loc;
		if (i > 0 && !strcmp(t->name, s->tools[i - 1].name)) {
			const struct sk_tool *first = &s->tools[i - 1];
			diag_error(d, l->path, l->line, l->col,
				   "duplicate tool '%s' in skill '%s'; rename one script or set 'name:' in a manifest",
				   t->name, s->name);
			diag_note(d, first->loc.path, first->loc.line, first->loc.col,
				  "first defined here");
			continue;
		}
		if (t->script[0] == '/' || !strcmp(t->script, "..") || !strncmp(t->script, "../", 3) ||
		    strstr(t->script, "/../") ||
		    (strlen(t->script) >= 3 && !strcmp(t->script + strlen(t->script) - 3, "/.."))) {
			diag_error(d, l->path, l->line, l->col,
				   "script path '%s' leaves the skill directory", t->script);
			continue;
		}
		t->wire_name = arena_printf(a, "%s__%s", s->name, t->name);
		if (strspn(t->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
			    strlen(t->name) ||
		    !t->name[0]) {
			diag_error(d, l->path, l->line, l->col,
				   "tool name '%s' may only hold letters, digits, '_' and '-'; "
				   "rename the script or set 'name:' in a manifest",
				   t->name);
			continue;
		}
		if (!val_wire_name_ok(t->wire_name)) {
			diag_error(d, l->path, l->line, l->col,
				   "tool name '%s' is %zu characters, over the limit of %d; "
				   "shorten the skill or script name, or set 'name:' in a manifest",
				   t->wire_name, strlen(t->wire_name), VAL_WIRE_MAX);
			continue;
		}
		for (size_t j = 0; j < t->n_params; j++) {
			val_param(d, t, &t->params[j]);
			for (size_t q = 0; q < j; q++) {
				if (t->params[q].name && t->params[j].name &&
				    !strcmp(t->params[q].name, t->params[j].name)) {
					const struct sk_param *p = &t->params[j];
					diag_error(d, p->loc.path ? p->loc.path : l->path, p->loc.line,
						   p->loc.col, "duplicate parameter '%s' in tool '%s'",
						   p->name, t->name);
					break;
				}
			}
		}
	}
}

static void val_digest(struct sk_skill *s)
{
	struct sha256 h;
	uint8_t out[32];
	sha256_init(&h);
	for (size_t i = 0; i < s->n_files; i++) {
		const struct sk_file *f = &s->files[i];
		uint8_t meta[12];
		for (int b = 0; b < 8; b++)
			meta[b] = (uint8_t)(f->size >> (8 * b));
		for (int b = 0; b < 4; b++)
			meta[8 + b] = (uint8_t)(f->mode >> (8 * b));
		sha256_update(&h, f->path, strlen(f->path) + 1);
		sha256_update(&h, meta, sizeof meta);
		sha256_update(&h, f->sha256, sizeof f->sha256);
	}
	sha256_final(&h, out);
	sha256_hex(out, s->digest);
}

/*
 * `plugin:<skill>/<tool>` in a skill body names a tool; `plugin:<tool>`
 * names one in the same skill first, then the only skill that has it.
 * An unresolved reference is an error: the model would be told of a tool
 * that does not exist.
 */
static const struct sk_tool *val_find_tool(const struct sk_model *m, const char *skill,
					   size_t skill_len, const char *tool, size_t tool_len)
{
	for (size_t i = 0; i < m->n_skills; i++) {
		const struct sk_skill *s = &m->skills[i];
		if (strlen(s->name) != skill_len || strncmp(s->name, skill, skill_len))
			continue;
		for (size_t j = 0; j < s->n_tools; j++)
			if (strlen(s->tools[j].name) == tool_len &&
			    !strncmp(s->tools[j].name, tool, tool_len))
				return &s->tools[j];
	}
	return NULL;
}

/*
 * Lenient baking: the skipped skill that would have answered a reference
 * to <skill>/<tool> (skill NULL: any skill), so the error can say why the
 * reference no longer resolves. NULL: none.
 */
static const char *val_skipped_with(const struct sk_model *m, const char *skill, size_t skill_len,
				    const char *tool, size_t tool_len)
{
	for (size_t i = 0; i < m->n_skipped; i++) {
		const struct sk_skill *s = &m->skipped[i];
		if (!s->name || (skill && (strlen(s->name) != skill_len ||
					   strncmp(s->name, skill, skill_len))))
			continue;
		if (!tool && skill)
			return s->name;
		for (size_t j = 0; j < s->n_tools; j++)
			if (strlen(s->tools[j].name) == tool_len &&
			    !strncmp(s->tools[j].name, tool, tool_len))
				return s->name;
	}
	return NULL;
}

static void val_references(struct diag *d, const struct sk_model *m, const struct sk_skill *s)
{
	const char *word = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	unsigned line = s->body_line, col = 1;
	for (const char *p = s->body; p && *p; p++, col++) {
		if (*p == '\n') {
			line++;
			col = 0;
			continue;
		}
		if (strncmp(p, "plugin:", 7) || (p > s->body && strchr(word, p[-1])))
			continue;
		const char *a = p + 7;
		size_t an = strspn(a, word);
		if (!an)
			continue;
		const char *b = a[an] == '/' ? a + an + 1 : NULL;
		size_t bn = b ? strspn(b, word) : 0;
		const struct sk_tool *t = NULL;
		if (b && bn) {
			t = val_find_tool(m, a, an, b, bn);
		} else {
			t = val_find_tool(m, s->name, strlen(s->name), a, an);
			for (size_t i = 0; !t && i < m->n_skills; i++)
				t = val_find_tool(m, m->skills[i].name, strlen(m->skills[i].name), a, an);
		}
		const char *gone = t ? NULL
				      : b && bn ? val_skipped_with(m, a, an, b, bn)
						: val_skipped_with(m, NULL, 0, a, an);
		int shown = (int)(b && bn ? (size_t)(b + bn - a) : an);
		if (gone)
			diag_error(d, s->skill_md, line, col,
				   "reference 'plugin:%.*s' names a tool of skill '%s', which is skipped",
				   shown, a, gone);
		else if (!t)
			diag_error(d, s->skill_md, line, col,
				   "reference 'plugin:%.*s' names no tool; expected plugin:<skill>/<tool>",
				   shown, a);
	}
}

/*
 * A `uses:` declaration: <skill>/<tool> exactly; <tool> in the skill's own
 * namespace, else in the one skill that has it (several: ambiguous).
 */
static void val_uses(struct arena *a, struct diag *d, const struct sk_model *m, struct sk_skill *s)
{
	for (size_t i = 0; i < s->n_uses; i++) {
		struct sk_use *u = &s->uses[i];
		const struct sk_loc *l = &u->loc;
		size_t tn = strlen(u->tool);
		if (u->skill) {
			u->resolved = val_find_tool(m, u->skill, strlen(u->skill), u->tool, tn);
			bool known = false;
			for (size_t j = 0; j < m->n_skills && !known; j++)
				known = !strcmp(m->skills[j].name, u->skill);
			const char *gone = u->resolved ? NULL
						   : val_skipped_with(m, u->skill, strlen(u->skill), u->tool, tn);
			if (gone)
				diag_error(d, l->path, l->line, l->col,
					   "'uses' names 'plugin:%s/%s', but skill '%s' is skipped",
					   u->skill, u->tool, gone);
			else if (!u->resolved)
				diag_error(d, l->path, l->line, l->col,
					   known ? "'uses' names 'plugin:%s/%s', but skill '%s' has no such tool"
						 : "'uses' names 'plugin:%s/%s', but there is no skill '%s'",
					   u->skill, u->tool, u->skill);
			continue;
		}
		u->resolved = val_find_tool(m, s->name, strlen(s->name), u->tool, tn);
		if (u->resolved)
			continue;
		const char *cands = NULL;
		size_t n = 0;
		for (size_t j = 0; j < m->n_skills; j++) {
			const struct sk_skill *o = &m->skills[j];
			const struct sk_tool *t = val_find_tool(m, o->name, strlen(o->name), u->tool, tn);
			if (!t)
				continue;
			u->resolved = t;
			cands = cands ? arena_printf(a, "%s, 'plugin:%s/%s'", cands, o->name, u->tool)
				      : arena_printf(a, "'plugin:%s/%s'", o->name, u->tool);
			n++;
		}
		const char *gone = n ? NULL : val_skipped_with(m, NULL, 0, u->tool, tn);
		if (gone)
			diag_error(d, l->path, l->line, l->col,
				   "'uses' names tool '%s', which only skill '%s' has, and it is skipped",
				   u->tool, gone);
		else if (n == 0)
			diag_error(d, l->path, l->line, l->col,
				   "'uses' names tool '%s', which no skill has; expected "
				   "'plugin:<skill>/<tool>' or a tool of this skill",
				   u->tool);
		if (n > 1) {
			diag_error(d, l->path, l->line, l->col,
				   "'uses' names tool '%s', which %zu skills have: %s; say which", u->tool,
				   n, cands);
			u->resolved = NULL;
		}
	}
}

void validate_model(struct arena *a, struct diag *d, struct sk_model *m)
{
	/* Skills that parse could not name were reported there; leave them out. */
	size_t k = 0;
	for (size_t i = 0; i < m->n_skills; i++)
		if (m->skills[i].name && m->skills[i].description)
			m->skills[k++] = m->skills[i];
	m->n_skills = k;
	if (m->n_skills > 1)
		qsort(m->skills, m->n_skills, sizeof m->skills[0], val_skill_cmp);

	for (size_t i = 0; i < m->n_skills; i++) {
		struct sk_skill *s = &m->skills[i];
		diag_about(d, s->subj);
		if (i > 0 && !strcmp(s->name, m->skills[i - 1].name)) {
			const struct sk_skill *f = &m->skills[i - 1];
			diag_error(d, s->name_loc.path ? s->name_loc.path : s->skill_md, s->name_loc.line,
				   s->name_loc.col, "duplicate skill name '%s'", s->name);
			diag_note(d, f->name_loc.path ? f->name_loc.path : f->skill_md, f->name_loc.line,
				  f->name_loc.col, "first defined here");
		}
		if (s->n_files > 1)
			qsort(s->files, s->n_files, sizeof s->files[0], val_file_cmp);
		val_tools(a, d, s);
		val_digest(s);
	}

	for (size_t i = 0; i < m->n_skills; i++) {
		diag_about(d, m->skills[i].subj);
		/* A plugin without SKILL.md has no body of its own to scan. */
		if (m->skills[i].skill_md)
			val_references(d, m, &m->skills[i]);
		val_uses(a, d, m, &m->skills[i]);
	}
	pp_validate(a, d, m);

	/* Wire names must be unique across skills too ("a" + "b__c" vs "a__b" + "c"). */
	for (size_t i = 0; i < m->n_skills; i++)
		for (size_t j = 0; j < m->skills[i].n_tools; j++) {
			const struct sk_tool *t = &m->skills[i].tools[j];
			for (size_t i2 = 0; i2 < i; i2++)
				for (size_t j2 = 0; j2 < m->skills[i2].n_tools; j2++) {
					const struct sk_tool *u = &m->skills[i2].tools[j2];
					if (t->wire_name && u->wire_name &&
					    !strcmp(t->wire_name, u->wire_name)) {
						diag_about(d, m->skills[i].subj);
						diag_error(d, t->loc.path, t->loc.line, t->loc.col,
							   "tool name '%s' is already taken", t->wire_name);
						diag_note(d, u->loc.path, u->loc.line, u->loc.col,
							  "first defined here");
					}
				}
		}
	diag_about(d, NULL);
}

/* Move m->skills[i] to the skipped list; gone[id] marks it. */
static void val_skip(struct arena *a, struct sk_model *m, size_t i, char *gone, size_t n_ids)
{
	struct sk_skill *s = &m->skills[i];
	if (s->subj && s->subj->id <= n_ids)
		gone[s->subj->id] = 1;
	ARENA_PUSH(a, m->skipped, m->n_skipped, m->cap_skipped) = *s;
	memmove(s, s + 1, (m->n_skills - i - 1) * sizeof *s);
	m->n_skills--;
}

/* Skip every skill with an error said about it, or that parse left unnamed. */
static size_t val_skip_failed(struct arena *a, struct sk_model *m, char *gone, size_t n_ids)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n_skills;) {
		const struct sk_skill *s = &m->skills[i];
		if ((s->subj && s->subj->errors) || !s->name || !s->description) {
			val_skip(a, m, i, gone, n_ids);
			n++;
		} else {
			i++;
		}
	}
	return n;
}

static int val_gone(void *ctx, unsigned id)
{
	return ((const char *)ctx)[id];
}

static int val_skipped_cmp(const void *x, const void *y)
{
	const struct sk_skill *a = x, *b = y;
	unsigned ia = a->subj ? a->subj->id : 0, ib = b->subj ? b->subj->id : 0;
	return (ia > ib) - (ia < ib);
}

void validate_lenient(struct arena *a, struct diag *d, struct sk_model *m)
{
	size_t n_ids = m->n_skills;
	char *gone = arena_alloc(a, n_ids + 1);
	val_skip_failed(a, m, gone, n_ids);
	/*
	 * Validate what is left with its diagnostics held; skip the skills
	 * that fail and print what was said about them; again without them,
	 * since a skill may have leaned on one that is now gone. The other
	 * skills' diagnostics come back in the next round, so they are
	 * printed once, from the last.
	 */
	for (;;) {
		diag_hold(d);
		validate_model(a, d, m);
		if (!val_skip_failed(a, m, gone, n_ids)) {
			diag_flush(d, NULL, NULL);
			break;
		}
		diag_flush(d, val_gone, gone);
	}
	if (m->n_skipped > 1)
		qsort(m->skipped, m->n_skipped, sizeof m->skipped[0], val_skipped_cmp);
}
