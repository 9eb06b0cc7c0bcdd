/*
 * extract_js.c - tool metadata from a JavaScript script: JSDoc and how it
 * reads its arguments (.js, .mjs, .cjs).
 *
 * Conventions a script may follow (the README repeats them for authors):
 *
 *   JSDoc block    the doc comment (opened with two stars) right before `function main`
 *                  (also `async function main`, `export [default] function
 *                  main`, `const main = (...) =>`, `const main = function`);
 *                  else the first block with @file/@fileoverview/@overview;
 *                  else the first top-level block not attached to another
 *                  function or class. Missing pieces (no description, no
 *                  @param) are taken from that file-level block.
 *   Description    @description text, else the free text before the first
 *                  tag (its first paragraph), else the @file text.
 *   @param         `@param {type} name - text`, `@param {type} name text`,
 *                  `[name]` (optional), `[name=default]` (default, optional),
 *                  `{type=}` (optional); @arg and @argument are synonyms.
 *                  Types: string, number, integer/int, boolean/bool,
 *                  `T[]`, `Array<T>`, `Array.<T>`, `'a'|'b'` (string enum),
 *                  `1|2` (integer enum), `T|null|undefined` (optional T);
 *                  anything else is a string, with a warning. Dotted names
 *                  (`args.name`) only count for the json style.
 *   Argument style flags: util.parseArgs({ options: { name: { type, short,
 *                  multiple, default } } }) (parameters come from the options,
 *                  in order, described by the matching @param; `--x-y` is
 *                  named x_y; allowPositionals adds the other @params as
 *                  positionals), or process.argv with '--name' string
 *                  literals (@params become `--name` flags);
 *                  json: process.stdin + JSON.parse, or readFileSync(0),
 *                  readFileSync('/dev/stdin'), readFileSync(process.stdin.fd)
 *                  (parameters from `@param {object} args` + `args.x`
 *                  entries, else the plain @params; when the chosen block
 *                  has none, the first block with `x.y` entries); argv:
 *                  process.argv (process.argv[2] ..., or .slice(2)),
 *                  @params in order (undocumented process.argv[N] become
 *                  arg1..argN with a warning). None of these: argv, and a
 *                  warning when there are parameters.
 *
 * Text taken into the model is made valid UTF-8 (bad bytes become U+FFFD),
 * control bytes become spaces and runs of white space collapse to one.
 */
#include "extract.h"
#include "exutil.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_javascript(void);

/* ---- JSDoc ---------------------------------------------------------------- */

struct js_tag {
	const char *name;  /* without '@'; "" for the free text */
	struct exu_buf text; /* raw lines joined with '\n' */
	unsigned line, col; /* of the text after the tag name */
};

struct js_doc {
	struct js_tag *tags;
	size_t n_tags, cap_tags;
	bool present;
};

struct js_pdoc {            /* one @param */
	const char *name;   /* may be dotted */
	const char *desc;
	const char *type;   /* the text between braces; NULL: none */
	bool optional;
	const char *def;    /* raw default text */
	struct sk_loc loc;
	bool used;
};

struct js {
	struct ex_ctx *cx;
	struct sk_tool *tool;
	const char *src;
	size_t len;
	TSNode *roots;
	size_t n_roots;
	/* what the code does */
	TSNode main_doc, file_doc, first_doc; /* comment nodes; null: none */
	TSNode parse_args;                    /* the parseArgs call */
	bool argv, argv_slice, stdin_ref, json_parse, read_stdin, dash_literal;
	unsigned max_argv;                    /* highest N in process.argv[N] */
	struct sk_loc argv_loc;
	TSNode err;
	/* object initialisers of variables, to resolve `options: opts` */
	TSNode *decl;
	size_t n_decl, cap_decl;
	bool capped; /* EXU_MAX_PARAMS reached */
	TSNode *docs; /* every top-level doc comment */
	size_t n_docs, cap_docs;
};

static bool js_is(TSNode n, const char *type)
{
	return strcmp(ts_node_type(n), type) == 0;
}

static char *js_text(struct js *x, TSNode n)
{
	uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
	return arena_strndup(x->cx->arena, x->src + b, e - b);
}

/* The node's text is `s`, or starts with it (no copy: nodes nest deeply). */
static bool js_text_eq(struct js *x, TSNode n, const char *s, bool prefix)
{
	uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
	size_t l = strlen(s);
	return (prefix ? e - b >= l : e - b == l) && !memcmp(x->src + b, s, l);
}

/* A copy of a short node's text; NULL when it is long (not a name). */
static char *js_short(struct js *x, TSNode n)
{
	return ts_node_end_byte(n) - ts_node_start_byte(n) > 256 ? NULL : js_text(x, n);
}

static struct sk_loc js_loc(struct js *x, TSNode n)
{
	TSPoint p = ts_node_start_point(n);
	return (struct sk_loc){x->tool->loc.path, p.row + 1, p.column + 1};
}

static bool js_is_jsdoc(struct js *x, TSNode c)
{
	uint32_t b = ts_node_start_byte(c), e = ts_node_end_byte(c);
	return e - b >= 5 && !strncmp(x->src + b, "/**", 3) && x->src[b + 3] != '/';
}

/* Block tags recognised after other text on the same line. */
static bool js_inline_tag(const char *s, size_t n)
{
	static const char *tags[] = {"param", "arg",      "argument",     "returns",
				     "return", "description", "file",     "overview",
				     "fileoverview", "throws", "example", "see"};
	if (n < 2 || s[0] != '@')
		return false;
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		size_t l = strlen(tags[i]);
		if (n - 1 >= l && !strncmp(s + 1, tags[i], l) &&
		    (n - 1 == l || s[1 + l] == ' ' || s[1 + l] == '\t'))
			return true;
	}
	return false;
}

/* Split a doc comment into the free text and its tags. */
static void js_doc_read(struct js *x, TSNode c, struct js_doc *d)
{
	struct arena *a = x->cx->arena;
	uint32_t b = ts_node_start_byte(c), e = ts_node_end_byte(c);
	TSPoint pt = ts_node_start_point(c);
	const char *s = x->src + b + 3;
	size_t n = e - b - 3;
	if (n >= 2 && !strncmp(s + n - 2, "*/", 2))
		n -= 2;
	d->present = true;
	struct js_tag *cur = &ARENA_PUSH(a, d->tags, d->n_tags, d->cap_tags);
	cur->name = "";
	cur->line = pt.row + 1;
	cur->col = pt.column + 4;
	exu_putn(a, &cur->text, "", 0);
	unsigned row = pt.row;
	size_t line_start_col = pt.column + 3; /* column of s[0] on the first line */
	for (size_t i = 0; i <= n;) {
		size_t eol = i;
		while (eol < n && s[eol] != '\n')
			eol++;
		size_t j = i, k = eol;
		while (j < k && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < k && s[j] == '*')
			j++;
		if (j < k && s[j] == ' ')
			j++;
		while (k > j && (s[k - 1] == '\r' || s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		size_t base = (row == pt.row ? line_start_col : 0) - i;
		bool blank = j >= k;
		while (j < k) {
			/* A known block tag later on the line starts a tag of its own. */
			size_t sp = j + 1;
			while (sp < k && !(s[sp - 1] == ' ' && js_inline_tag(s + sp, k - sp)))
				sp++;
			size_t e2 = sp;
			while (e2 > j && s[e2 - 1] == ' ')
				e2--;
			unsigned col = (unsigned)(base + j) + 1;
			if (s[j] == '@' && j + 1 < e2 && isalpha((unsigned char)s[j + 1])) {
				size_t t = j + 1;
				while (t < e2 && (isalnum((unsigned char)s[t]) || s[t] == '_'))
					t++;
				cur = &ARENA_PUSH(a, d->tags, d->n_tags, d->cap_tags);
				cur->name = arena_strndup(a, s + j + 1, t - j - 1);
				while (t < e2 && s[t] == ' ')
					t++;
				cur->line = row + 1;
				cur->col = col + (unsigned)(t - j);
				exu_putn(a, &cur->text, s + t, e2 - t);
			} else {
				if (cur->text.n)
					exu_putn(a, &cur->text, "\n", 1);
				exu_putn(a, &cur->text, s + j, e2 - j);
			}
			j = sp;
		}
		if (blank && cur->text.n) /* kept: a blank line ends a paragraph */
			exu_putn(a, &cur->text, "\n", 1);
		row++;
		i = eol + 1;
	}
}

static const struct js_tag *js_doc_tag(const struct js_doc *d, const char *name)
{
	for (size_t i = 0; i < d->n_tags; i++)
		if (!strcmp(d->tags[i].name, name))
			return &d->tags[i];
	return NULL;
}

/* The first paragraph of a tag's text, on one line. */
static const char *js_first_para(struct arena *a, const struct js_tag *t)
{
	if (!t || !t->text.p)
		return NULL;
	const char *s = t->text.p;
	while (*s == '\n')
		s++;
	const char *end = strstr(s, "\n\n");
	char *r = exu_clean(a, s, end ? (size_t)(end - s) : strlen(s));
	return *r ? r : NULL;
}

static const char *js_doc_desc(struct arena *a, const struct js_doc *d)
{
	const char *r = js_first_para(a, js_doc_tag(d, "description"));
	if (!r)
		r = js_first_para(a, js_doc_tag(d, ""));
	if (!r)
		r = js_first_para(a, js_doc_tag(d, "file"));
	if (!r)
		r = js_first_para(a, js_doc_tag(d, "fileoverview"));
	if (!r)
		r = js_first_para(a, js_doc_tag(d, "overview"));
	return r;
}

/* Parse the @param tags of a block. */
static void js_doc_params(struct js *x, const struct js_doc *d, struct js_pdoc **out, size_t *n,
			  size_t *cap)
{
	struct arena *a = x->cx->arena;
	for (size_t i = 0; i < d->n_tags; i++) {
		const struct js_tag *t = &d->tags[i];
		if (strcmp(t->name, "param") && strcmp(t->name, "arg") && strcmp(t->name, "argument"))
			continue;
		const char *s = t->text.p ? t->text.p : "";
		struct js_pdoc p = {0};
		size_t k = 0;
		p.loc = (struct sk_loc){x->tool->loc.path, t->line, t->col};
		if (s[0] == '{') {
			int depth = 0;
			for (k = 0; s[k]; k++) {
				if (s[k] == '{')
					depth++;
				else if (s[k] == '}' && --depth == 0)
					break;
			}
			if (!s[k])
				continue; /* unbalanced: not a usable tag */
			p.type = exu_clean(a, s + 1, k - 1);
			k++;
		}
		while (s[k] == ' ' || s[k] == '\n' || s[k] == '\t')
			k++;
		if (!strncmp(s + k, "...", 3))
			k += 3; /* rest parameter: its type says it is a list */
		size_t ns = k, ne;
		if (s[k] == '[') {
			int depth = 0;
			for (; s[k]; k++) {
				if (s[k] == '[')
					depth++;
				else if (s[k] == ']' && --depth == 0)
					break;
			}
			if (!s[k])
				continue;
			const char *inner = s + ns + 1;
			size_t il = k - ns - 1;
			const char *eq = memchr(inner, '=', il);
			p.optional = true;
			if (eq) {
				p.def = exu_clean(a, eq + 1, il - (size_t)(eq + 1 - inner));
				il = (size_t)(eq - inner);
			}
			p.name = exu_clean(a, inner, il);
			k++;
		} else {
			while (s[k] && !isspace((unsigned char)s[k]))
				k++;
			ne = k;
			p.name = exu_clean(a, s + ns, ne - ns);
		}
		p.loc.col += (unsigned)(s[ns] == '\n' ? 0 : ns);
		while (s[k] == ' ' || s[k] == '\t' || s[k] == '\n')
			k++;
		if (s[k] == '-' && (s[k + 1] == ' ' || s[k + 1] == '\n' || !s[k + 1]))
			k++;
		p.desc = exu_clean(a, s + k, strlen(s + k));
		if (!*p.name)
			continue;
		ARENA_PUSH(a, *out, *n, *cap) = p;
	}
}

/* ---- types ---------------------------------------------------------------- */

struct js_type {
	uint8_t type, item;
	bool optional, known;
	const char **enumv; /* JSON texts */
	size_t n_enum, cap_enum;
};

/* -1: not a simple type name. */
static int js_simple(const char *t)
{
	static const struct {
		const char *w;
		int t;
	} m[] = {
		{"string", SKC_T_STRING},   {"number", SKC_T_NUMBER},   {"integer", SKC_T_INTEGER},
		{"int", SKC_T_INTEGER},     {"boolean", SKC_T_BOOLEAN}, {"bool", SKC_T_BOOLEAN},
	};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (!strcasecmp(t, m[i].w))
			return m[i].t;
	return -1;
}

static bool js_is_strlit(const char *s)
{
	size_t n = strlen(s);
	return n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0];
}

/* Read a JSDoc type expression; known is false when it is not supported. */
static struct js_type js_type_parse(struct arena *a, const char *text)
{
	struct js_type r = {.type = SKC_T_STRING, .item = SKC_T_STRING, .known = true};
	char *t = exu_trim(arena_strdup(a, text));
	size_t n = strlen(t);
	if (n && t[n - 1] == '=') {
		r.optional = true;
		t[--n] = '\0';
		t = exu_trim(t);
	}
	if (*t == '?' || *t == '!')
		t = exu_trim(t + 1);
	n = strlen(t);
	if (n >= 2 && t[0] == '(' && t[n - 1] == ')') {
		t[n - 1] = '\0';
		t = exu_trim(t + 1);
	}
	int s;
	if (strchr(t, '|')) {
		/* A union: literals make an enum; null/undefined make it optional. */
		char *parts[64];
		size_t np = 0;
		for (char *p = t; p && np < 64;) {
			char *bar = strchr(p, '|');
			if (bar)
				*bar = '\0';
			parts[np++] = exu_trim(p);
			p = bar ? bar + 1 : NULL;
		}
		int kind = -1; /* SKC_T_* of the members */
		for (size_t i = 0; i < np; i++) {
			const char *p = parts[i];
			int k;
			if (!strcmp(p, "null") || !strcmp(p, "undefined")) {
				r.optional = true;
				continue;
			}
			if (js_is_strlit(p))
				k = SKC_T_STRING;
			else if (exu_is_integer(p))
				k = SKC_T_INTEGER;
			else if (exu_is_number(p))
				k = SKC_T_NUMBER;
			else if ((k = js_simple(p)) >= 0)
				k += 16; /* a type name, not a literal */
			else
				k = 99;
			if (kind == SKC_T_INTEGER && k == SKC_T_NUMBER)
				kind = SKC_T_NUMBER;
			else if (kind == SKC_T_NUMBER && k == SKC_T_INTEGER)
				k = SKC_T_NUMBER;
			if (kind >= 0 && kind != k)
				kind = 99;
			else
				kind = k;
		}
		if (kind >= 16 && kind < 99) {
			r.type = (uint8_t)(kind - 16);
		} else if (kind >= 0 && kind < 16) {
			r.type = (uint8_t)kind;
			for (size_t i = 0; i < np; i++) {
				const char *p = parts[i];
				if (!strcmp(p, "null") || !strcmp(p, "undefined"))
					continue;
				const char *j = kind == SKC_T_STRING
							? exu_json_str(a, exu_clean(a, p + 1, strlen(p) - 2))
							: arena_strdup(a, p);
				ARENA_PUSH(a, r.enumv, r.n_enum, r.cap_enum) = j;
			}
		} else {
			r.known = false;
		}
		return r;
	}
	if (js_is_strlit(t)) {
		ARENA_PUSH(a, r.enumv, r.n_enum, r.cap_enum) =
			exu_json_str(a, exu_clean(a, t + 1, strlen(t) - 2));
		return r;
	}
	if ((s = js_simple(t)) >= 0) {
		r.type = (uint8_t)s;
		return r;
	}
	n = strlen(t);
	char *inner = NULL;
	if (n > 2 && !strcmp(t + n - 2, "[]")) {
		inner = arena_strndup(a, t, n - 2);
	} else if (!strncasecmp(t, "Array.<", 7) && t[n - 1] == '>') {
		inner = arena_strndup(a, t + 7, n - 8);
	} else if (!strncasecmp(t, "Array<", 6) && t[n - 1] == '>') {
		inner = arena_strndup(a, t + 6, n - 7);
	} else if (!strcasecmp(t, "array")) {
		r.type = SKC_T_ARRAY;
		return r;
	}
	if (inner) {
		r.type = SKC_T_ARRAY;
		s = js_simple(exu_trim(inner));
		if (s >= 0)
			r.item = (uint8_t)s;
		else if (strcmp(exu_trim(inner), "*") && strcasecmp(exu_trim(inner), "any"))
			r.known = false;
		return r;
	}
	r.known = false;
	return r;
}

/* ---- walking the tree ------------------------------------------------------ */

static bool js_is_func_value(TSNode v)
{
	return js_is(v, "arrow_function") || js_is(v, "function_expression") ||
	       js_is(v, "function");
}

/*
 * The named children of a node, through a cursor: indexing children costs
 * linear time each in libtree-sitter, so loops over them would be quadratic.
 */
static size_t js_kids(struct js *x, TSNode n, TSNode **out)
{
	size_t k = 0, cap = 0;
	*out = NULL;
	TSTreeCursor cur = ts_tree_cursor_new(n);
	for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok;
	     ok = ts_tree_cursor_goto_next_sibling(&cur)) {
		TSNode c = ts_tree_cursor_current_node(&cur);
		if (ts_node_is_named(c))
			ARENA_PUSH(x->cx->arena, *out, k, cap) = c;
	}
	ts_tree_cursor_delete(&cur);
	return k;
}

/* The name a top-level statement declares as a function, or NULL. */
static const char *js_decl_func(struct js *x, TSNode st, bool *is_func)
{
	*is_func = false;
	if (js_is(st, "export_statement")) {
		TSNode d = ts_node_child_by_field_name(st, "declaration", 11);
		if (ts_node_is_null(d))
			return NULL;
		st = d;
	}
	if (js_is(st, "function_declaration") || js_is(st, "generator_function_declaration") ||
	    js_is(st, "class_declaration")) {
		*is_func = true;
		TSNode nm = ts_node_child_by_field_name(st, "name", 4);
		return ts_node_is_null(nm) ? NULL : js_short(x, nm);
	}
	if (js_is(st, "lexical_declaration") || js_is(st, "variable_declaration")) {
		TSNode *kid;
		size_t nc = js_kids(x, st, &kid);
		for (size_t i = 0; i < nc; i++) {
			TSNode vd = kid[i];
			if (!js_is(vd, "variable_declarator"))
				continue;
			TSNode nm = ts_node_child_by_field_name(vd, "name", 4);
			TSNode v = ts_node_child_by_field_name(vd, "value", 5);
			if (ts_node_is_null(nm) || ts_node_is_null(v) || !js_is_func_value(v))
				continue;
			*is_func = true;
			return js_short(x, nm);
		}
	}
	return NULL;
}

/* Only white space between two nodes. */
static bool js_adjacent(struct js *x, TSNode first, TSNode second)
{
	for (uint32_t i = ts_node_end_byte(first); i < ts_node_start_byte(second); i++)
		if (!isspace((unsigned char)x->src[i]))
			return false;
	return true;
}

static bool js_has_file_tag(struct js *x, TSNode c)
{
	char *t = js_text(x, c);
	return strstr(t, "@file") || strstr(t, "@overview") || strstr(t, "@fileoverview");
}

/*
 * Top-level statements: main and its doc, the file's doc blocks. A cursor,
 * not child indexes: those cost linear time each in libtree-sitter.
 */
static void js_scan_top(struct js *x, TSNode root)
{
	TSTreeCursor cur = ts_tree_cursor_new(root);
	TSNode prev = {0}; /* the doc comment just before, if any */
	for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok;
	     ok = ts_tree_cursor_goto_next_sibling(&cur)) {
		TSNode st = ts_tree_cursor_current_node(&cur);
		TSNode doc = prev;
		prev = (TSNode){0};
		if (js_is(st, "comment")) {
			if (!js_is_jsdoc(x, st))
				continue;
			if (ts_node_is_null(x->file_doc) && js_has_file_tag(x, st))
				x->file_doc = st;
			ARENA_PUSH(x->cx->arena, x->docs, x->n_docs, x->cap_docs) = st;
			if (!ts_node_is_null(doc) && ts_node_is_null(x->first_doc))
				x->first_doc = doc;
			prev = st;
			continue;
		}
		bool f;
		const char *nm = js_decl_func(x, st, &f);
		bool is_main = f && nm && !strcmp(nm, "main");
		bool attached = !ts_node_is_null(doc) && js_adjacent(x, doc, st);
		if (is_main && ts_node_is_null(x->main_doc) && attached)
			x->main_doc = doc;
		/* The first block that is not another function's or class's. */
		if (!ts_node_is_null(doc) && ts_node_is_null(x->first_doc) &&
		    (!f || is_main || !attached))
			x->first_doc = doc;
	}
	if (!ts_node_is_null(prev) && ts_node_is_null(x->first_doc))
		x->first_doc = prev;
	ts_tree_cursor_delete(&cur);
}

static bool js_member_is(struct js *x, TSNode n, const char *text)
{
	return js_is(n, "member_expression") && js_text_eq(x, n, text, false);
}

/* The call's callee ends in `name` (identifier or .name). */
static bool js_callee_is(struct js *x, TSNode call, const char *name)
{
	TSNode fn = ts_node_child_by_field_name(call, "function", 8);
	if (ts_node_is_null(fn))
		return false;
	if (js_is(fn, "identifier"))
		return js_text_eq(x, fn, name, false);
	if (js_is(fn, "member_expression")) {
		TSNode p = ts_node_child_by_field_name(fn, "property", 8);
		return !ts_node_is_null(p) && js_text_eq(x, p, name, false);
	}
	return false;
}

static TSNode js_first_arg(TSNode call)
{
	TSNode args = ts_node_child_by_field_name(call, "arguments", 9);
	TSNode null = {0};
	if (ts_node_is_null(args) || ts_node_named_child_count(args) == 0)
		return null;
	return ts_node_named_child(args, 0);
}

/* The content of a string node, raw (escapes kept). */
static char *js_str_content(struct js *x, TSNode s)
{
	char *t = js_text(x, s);
	size_t n = strlen(t);
	if (n >= 2 && (t[0] == '"' || t[0] == '\'' || t[0] == '`') && t[n - 1] == t[0]) {
		t[n - 1] = '\0';
		return t + 1;
	}
	return t;
}

static void js_scan_all(struct js *x, TSNode root)
{
	struct arena *a = x->cx->arena;
	TSTreeCursor cur = ts_tree_cursor_new(root);
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&cur);
		if (ts_node_is_null(x->err) && (ts_node_is_missing(n) || js_is(n, "ERROR")))
			x->err = n;
		if (js_is(n, "member_expression")) {
			TSNode obj = ts_node_child_by_field_name(n, "object", 6);
			if (js_text_eq(x, n, "process.argv", false)) {
				if (!x->argv)
					x->argv_loc = js_loc(x, n);
				x->argv = true;
			} else if (js_text_eq(x, n, "process.stdin", true)) {
				x->stdin_ref = true;
			}
			if (!ts_node_is_null(obj) && js_text_eq(x, obj, "process.argv", false))
				x->argv_slice = true;
		} else if (js_is(n, "subscript_expression")) {
			TSNode obj = ts_node_child_by_field_name(n, "object", 6);
			TSNode idx = ts_node_child_by_field_name(n, "index", 5);
			if (!ts_node_is_null(obj) && !ts_node_is_null(idx) &&
			    js_text_eq(x, obj, "process.argv", false) && js_is(idx, "number")) {
				char *it = js_short(x, idx);
				if (it && strlen(it) < 5 && exu_is_integer(it) && atoi(it) >= 2 &&
				    (unsigned)atoi(it) - 1 > x->max_argv)
					x->max_argv = (unsigned)atoi(it) - 1;
			}
		} else if (js_is(n, "call_expression")) {
			if (js_callee_is(x, n, "parseArgs") && ts_node_is_null(x->parse_args)) {
				x->parse_args = n;
			} else if (js_callee_is(x, n, "parse")) {
				TSNode fn = ts_node_child_by_field_name(n, "function", 8);
				x->json_parse |= js_member_is(x, fn, "JSON.parse");
			} else if (js_callee_is(x, n, "readFileSync")) {
				TSNode a0 = js_first_arg(n);
				if (!ts_node_is_null(a0))
					x->read_stdin |= js_text_eq(x, a0, "0", false) ||
							 js_text_eq(x, a0, "process.stdin.fd", false) ||
							 js_text_eq(x, a0, "'/dev/stdin'", false) ||
							 js_text_eq(x, a0, "\"/dev/stdin\"", false);
			}
		} else if (js_is(n, "string") || js_is(n, "template_string")) {
			/* '--name' or '--': the script looks at flags itself. */
			uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
			const char *c = x->src + b + 1;
			x->dash_literal |= e - b >= 4 && c[0] == '-' && c[1] == '-' &&
					   (c[2] == c[-1] || isalpha((unsigned char)c[2]));
		} else if (js_is(n, "variable_declarator")) {
			ARENA_PUSH(a, x->decl, x->n_decl, x->cap_decl) = n;
		}
		if (ts_tree_cursor_goto_first_child(&cur))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&cur))
			if (!ts_tree_cursor_goto_parent(&cur))
				goto out;
	}
out:
	ts_tree_cursor_delete(&cur);
}

/* ---- parameters ------------------------------------------------------------ */

static void js_push(struct js *x, struct sk_param *p)
{
	exu_push_param(x->cx->arena, x->cx->diag, x->tool, p, &x->capped);
}

/* A parameter name: [A-Za-z0-9_], dashes to underscores; NULL if unusable. */
static char *js_name(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s);
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalnum(c) || c == '_' || c == '$')
			r[n++] = c == '$' ? '_' : (char)c;
		else if (c == '-')
			r[n++] = '_';
		else
			return NULL;
	}
	r[n] = '\0';
	return n && !isdigit((unsigned char)r[0]) ? r : NULL;
}

/* A parameter from its @param; `name` overrides the doc's. */
static struct sk_param js_param_from(struct js *x, const struct js_pdoc *d, const char *name)
{
	struct arena *a = x->cx->arena;
	struct sk_param p = {0};
	p.name = name;
	p.description = d->desc && *d->desc ? d->desc : NULL;
	p.loc = d->loc;
	p.type = SKC_T_STRING;
	p.item_type = SKC_T_STRING;
	bool optional = d->optional;
	if (d->type) {
		struct js_type t = js_type_parse(a, d->type);
		if (!t.known)
			diag_warning(x->cx->diag, d->loc.path, d->loc.line, d->loc.col,
				     "type '%s' of parameter '%s' of '%s' is not supported; using string",
				     d->type, name, x->tool->name);
		else {
			p.type = t.type;
			p.item_type = t.item;
			p.enum_json = t.enumv;
			p.n_enum = t.n_enum;
			p.cap_enum = t.cap_enum;
		}
		optional |= t.optional;
	}
	if (d->def) {
		const char *j = NULL;
		if (p.type != SKC_T_ARRAY)
			j = exu_value_json(a, p.type, d->def);
		if (j)
			p.default_json = j;
		else
			diag_warning(x->cx->diag, d->loc.path, d->loc.line, d->loc.col,
				     "default '%s' of '%s' is not a valid %s; ignored", d->def, name,
				     exu_type_word(p.type));
	}
	p.required = !optional && !d->def;
	return p;
}

static bool js_same_name(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-' || *a == '_')
			a++;
		while (*b == '-' || *b == '_')
			b++;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		if (!*a)
			return true;
		a++, b++;
	}
}

/* JSON text of a literal initialiser, or NULL. */
static const char *js_literal_json(struct js *x, TSNode v)
{
	struct arena *a = x->cx->arena;
	if (js_is(v, "string"))
		return exu_json_str(a, exu_clean(a, js_str_content(x, v), strlen(js_str_content(x, v))));
	if (js_is(v, "number")) {
		char *t = js_text(x, v);
		return exu_is_number(t) ? t : NULL;
	}
	if (js_is(v, "true") || js_is(v, "false"))
		return js_text(x, v);
	if (js_is(v, "unary_expression")) {
		char *t = js_text(x, v);
		return exu_is_number(t) ? t : NULL;
	}
	if (js_is(v, "array")) {
		struct exu_buf b = {0};
		exu_putn(a, &b, "[", 1);
		TSNode *kid;
		size_t nc = js_kids(x, v, &kid);
		for (size_t i = 0; i < nc; i++) {
			if (js_is(kid[i], "array") || js_is(kid[i], "comment"))
				return NULL;
			const char *e = js_literal_json(x, kid[i]);
			if (!e)
				return NULL;
			if (i)
				exu_putn(a, &b, ",", 1);
			exu_puts(a, &b, e);
		}
		exu_putn(a, &b, "]", 1);
		return b.p;
	}
	return NULL;
}

static const char *js_key(struct js *x, TSNode pair)
{
	TSNode k = ts_node_child_by_field_name(pair, "key", 3);
	if (ts_node_is_null(k))
		return NULL;
	if (js_is(k, "string"))
		return js_str_content(x, k);
	if (js_is(k, "property_identifier"))
		return js_text(x, k);
	return NULL;
}

/* The value of `key` in an object node; null if absent. */
static TSNode js_prop(struct js *x, TSNode obj, const char *key)
{
	TSNode null = {0};
	if (ts_node_is_null(obj) || !js_is(obj, "object"))
		return null;
	TSNode *kid;
	size_t nc = js_kids(x, obj, &kid);
	for (size_t i = 0; i < nc; i++) {
		TSNode p = kid[i];
		if (js_is(p, "shorthand_property_identifier") && js_text_eq(x, p, key, false))
			return p;
		if (!js_is(p, "pair"))
			continue;
		const char *k = js_key(x, p);
		if (k && !strcmp(k, key))
			return ts_node_child_by_field_name(p, "value", 5);
	}
	return null;
}

/* An object node, following one identifier to its declaration. */
static TSNode js_resolve(struct js *x, TSNode v)
{
	if (ts_node_is_null(v) ||
	    !(js_is(v, "identifier") || js_is(v, "shorthand_property_identifier")))
		return v;
	char *name = js_short(x, v);
	if (!name)
		return (TSNode){0};
	for (size_t i = 0; i < x->n_decl; i++) {
		TSNode nm = ts_node_child_by_field_name(x->decl[i], "name", 4);
		if (!ts_node_is_null(nm) && js_text_eq(x, nm, name, false))
			return ts_node_child_by_field_name(x->decl[i], "value", 5);
	}
	TSNode null = {0};
	return null;
}

static struct js_pdoc *js_find_doc(struct js_pdoc *pd, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(pd[i].name, '.') && js_same_name(pd[i].name, name))
			return &pd[i];
	return NULL;
}

/* Flags from util.parseArgs options; false if the call could not be read. */
static bool js_parse_args(struct js *x, struct js_pdoc *pd, size_t npd)
{
	struct arena *a = x->cx->arena;
	TSNode cfg = js_resolve(x, js_first_arg(x->parse_args));
	TSNode opts = js_resolve(x, js_prop(x, cfg, "options"));
	if (ts_node_is_null(opts) || !js_is(opts, "object"))
		return false;
	TSNode *kid;
	size_t nc = js_kids(x, opts, &kid);
	for (size_t i = 0; i < nc; i++) {
		TSNode pair = kid[i];
		if (!js_is(pair, "pair"))
			continue;
		const char *key = js_key(x, pair);
		char *name = key ? js_name(a, key) : NULL;
		if (!name)
			continue;
		TSNode spec = ts_node_child_by_field_name(pair, "value", 5);
		TSNode ty = js_prop(x, spec, "type");
		TSNode mu = js_prop(x, spec, "multiple");
		TSNode de = js_prop(x, spec, "default");
		bool is_bool = !ts_node_is_null(ty) && js_is(ty, "string") &&
			       !strcmp(js_str_content(x, ty), "boolean");
		bool multiple = !ts_node_is_null(mu) && js_is(mu, "true");
		struct js_pdoc *d = js_find_doc(pd, npd, key);
		struct sk_param p = {0};
		if (d) {
			d->used = true;
			struct js_pdoc dd = *d;
			dd.def = NULL;
			p = js_param_from(x, &dd, name);
			p.required = p.required && !is_bool && ts_node_is_null(de);
		} else {
			p.name = name;
			p.loc = js_loc(x, pair);
		}
		if (is_bool) {
			p.type = SKC_T_BOOLEAN;
			p.pass = SKC_PASS_SWITCH;
			p.n_enum = 0;
		} else if (multiple) {
			if (p.type != SKC_T_ARRAY)
				p.item_type = p.type == SKC_T_BOOLEAN ? SKC_T_STRING : p.type;
			p.type = SKC_T_ARRAY;
			p.pass = SKC_PASS_REPEAT;
		} else if (p.type == SKC_T_ARRAY || p.type == SKC_T_BOOLEAN) {
			p.type = SKC_T_STRING; /* parseArgs gives one string */
		}
		if (multiple && is_bool) {
			p.type = SKC_T_BOOLEAN;
		}
		if (!ts_node_is_null(de))
			p.default_json = js_literal_json(x, de);
		p.flag = arena_printf(a, "--%s", key);
		js_push(x, &p);
	}
	TSNode ap = js_prop(x, cfg, "allowPositionals");
	bool positionals = !ts_node_is_null(ap) && js_is(ap, "true");
	for (size_t i = 0; i < npd; i++) {
		struct js_pdoc *d = &pd[i];
		if (d->used || strchr(d->name, '.'))
			continue;
		char *name = js_name(a, d->name);
		if (!name)
			continue;
		if (!positionals) {
			diag_warning(x->cx->diag, d->loc.path, d->loc.line, d->loc.col,
				     "parameter '%s' of '%s' is documented but is not a parseArgs "
				     "option",
				     d->name, x->tool->name);
			continue;
		}
		struct sk_param p = js_param_from(x, d, name);
		js_push(x, &p);
	}
	return true;
}

/* @param entries (top-level ones, or the fields of `args` for json). */
static void js_doc_list(struct js *x, struct js_pdoc *pd, size_t npd, bool json, bool flags)
{
	struct arena *a = x->cx->arena;
	const char *prefix = NULL;
	if (json) {
		for (size_t i = 0; i < npd && !prefix; i++) {
			if (strchr(pd[i].name, '.') || !pd[i].type)
				continue;
			size_t n = strlen(pd[i].name);
			for (size_t j = 0; j < npd; j++)
				if (!strncmp(pd[j].name, pd[i].name, n) && pd[j].name[n] == '.')
					prefix = pd[i].name;
		}
	}
	for (size_t i = 0; i < npd; i++) {
		struct js_pdoc *d = &pd[i];
		const char *nm = d->name;
		if (prefix) {
			size_t n = strlen(prefix);
			if (strncmp(nm, prefix, n) || nm[n] != '.' || strchr(nm + n + 1, '.'))
				continue;
			nm += n + 1;
		} else if (strchr(nm, '.')) {
			continue;
		} else if (json && d->type && (!strcasecmp(d->type, "object") || !strcmp(d->type, "{}"))) {
			continue;
		}
		char *name = js_name(a, nm);
		if (!name)
			continue;
		struct sk_param p = js_param_from(x, d, name);
		if (flags) {
			p.flag = arena_printf(a, "--%s", nm);
			p.required = false;
			if (p.type == SKC_T_BOOLEAN)
				p.pass = SKC_PASS_SWITCH;
			else if (p.type == SKC_T_ARRAY)
				p.pass = SKC_PASS_REPEAT;
		}
		js_push(x, &p);
	}
}

void ex_js(struct ex_ctx *cx, struct sk_tool *tool, const char *src, size_t len)
{
	struct arena *a = cx->arena;
	struct js x = {.cx = cx, .tool = tool, .src = src, .len = len};
	const char *path = tool->loc.path;
	unsigned line = tool->loc.line ? tool->loc.line : 1, col = tool->loc.col ? tool->loc.col : 1;
	struct exu_parse ps;
	if (exu_parse_script(&ps, cx, tool, tree_sitter_javascript(), src, len) != 0) {
		exu_parse_release(&ps);
		return;
	}
	x.roots = ps.roots;
	x.n_roots = ps.n_roots;
	for (size_t i = 0; i < x.n_roots; i++) {
		js_scan_top(&x, x.roots[i]);
		js_scan_all(&x, x.roots[i]);
	}
	if (!ts_node_is_null(x.err)) {
		struct sk_loc at = js_loc(&x, x.err);
		diag_warning(cx->diag, at.path, at.line, at.col, "syntax error in '%s'", tool->script);
	}

	/* main's block first; the file's block fills in what it lacks. */
	struct js_doc md = {0}, fd = {0};
	if (!ts_node_is_null(x.main_doc))
		js_doc_read(&x, x.main_doc, &md);
	TSNode fdoc = !ts_node_is_null(x.file_doc) ? x.file_doc : x.first_doc;
	if (!ts_node_is_null(fdoc) && !ts_node_eq(fdoc, x.main_doc))
		js_doc_read(&x, fdoc, &fd);
	const char *desc = js_doc_desc(a, &md);
	if (!desc)
		desc = js_doc_desc(a, &fd);
	if (desc) {
		tool->description = desc;
		tool->description_from = SK_FROM_SCRIPT;
	} else {
		diag_warning(cx->diag, path, line, col,
			     "tool '%s' has no description; add a JSDoc comment", tool->name);
	}
	struct js_pdoc *pd = NULL;
	size_t npd = 0, cap = 0;
	js_doc_params(&x, &md, &pd, &npd, &cap);
	if (npd == 0)
		js_doc_params(&x, &fd, &pd, &npd, &cap);

	bool json = x.read_stdin || (x.stdin_ref && x.json_parse);
	/* json: the fields may be documented on whichever function takes them. */
	for (size_t i = 0; json && npd == 0 && i < x.n_docs; i++) {
		struct js_doc od = {0};
		js_doc_read(&x, x.docs[i], &od);
		js_doc_params(&x, &od, &pd, &npd, &cap);
		bool dotted = false;
		for (size_t j = 0; j < npd; j++)
			dotted |= strchr(pd[j].name, '.') != NULL;
		if (!dotted)
			npd = 0;
	}
	if (!ts_node_is_null(x.parse_args) && js_parse_args(&x, pd, npd)) {
		tool->args = SKC_ARGS_FLAGS;
		tool->args_from = SK_FROM_SCRIPT;
	} else if (json) {
		js_doc_list(&x, pd, npd, true, false);
		tool->args = SKC_ARGS_JSON;
		tool->args_from = SK_FROM_SCRIPT;
	} else if (x.argv && x.dash_literal) {
		js_doc_list(&x, pd, npd, false, true);
		tool->args = SKC_ARGS_FLAGS;
		tool->args_from = SK_FROM_SCRIPT;
	} else {
		js_doc_list(&x, pd, npd, false, false);
		tool->args = SKC_ARGS_ARGV;
		if (x.argv) {
			tool->args_from = SK_FROM_SCRIPT;
			if (tool->n_params == 0 && (x.max_argv || x.argv_slice)) {
				diag_warning(cx->diag, x.argv_loc.path, x.argv_loc.line, x.argv_loc.col,
					     "positional arguments of '%s' are not documented; add "
					     "@param tags to its JSDoc comment",
					     tool->name);
				for (unsigned k = 1; k <= x.max_argv; k++) {
					struct sk_param p = {.name = arena_printf(a, "arg%u", k),
							     .required = true,
							     .loc = x.argv_loc};
					js_push(&x, &p);
				}
				if (!x.max_argv) {
					struct sk_param p = {.name = "args",
							     .type = SKC_T_ARRAY,
							     .loc = x.argv_loc};
					js_push(&x, &p);
				}
			}
		} else if (tool->n_params) {
			diag_warning(cx->diag, path, line, col,
				     "cannot tell how '%s' reads its arguments; set 'args:' in a "
				     "manifest (flags, argv or json)",
				     tool->name);
		}
	}
	if (tool->n_params)
		tool->params_from = SK_FROM_SCRIPT;

	exu_parse_release(&ps);
}
