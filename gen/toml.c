/*
 * toml.c - TOML into the yml_node tree, with tree-sitter-toml (toml.h).
 *
 * The grammar checks the syntax; the rules it cannot see are checked here
 * while the tree is built: a key is defined once, a table is defined by one
 * header, dotted keys add only to tables that dotted keys made, inline tables
 * and arrays are closed once written. Each table remembers how it was made
 * (tm_how) to apply them.
 */
#include "toml.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_toml(void);

enum {
	TM_MAX_DEPTH = 64,     /* nested arrays and inline tables; key segments */
	TM_MAX_NODES = 100000, /* as yml.c: hostile input stays cheap */
	TM_MAX_KEYS = 4096,    /* keys in one table: the duplicate check is linear */
};

/* How a node came to be, for the rules on adding to it later. */
enum tm_how {
	TM_VALUE,    /* a value written after '=' */
	TM_IMPLICIT, /* the parent of a [header]: one header may still define it */
	TM_HEADER,   /* defined by a [header] (or the document) */
	TM_DOTTED,   /* made by a dotted key: more dotted keys may add to it */
	TM_INLINE,   /* an inline table or an array: closed */
	TM_AOT,      /* an array of tables, made by [[header]] */
};

/* Every node is made here, so a yml_node from this file is a tm_node. */
struct tm_node {
	struct yml_node n; /* first member */
	size_t cap;
	enum tm_how how;
};

struct tm_ctx {
	struct arena *a;
	struct diag *d;
	const char *path;
	const char *src;
	size_t nodes;
	bool failed;
};

static struct tm_node *tm_of(struct yml_node *n)
{
	return (struct tm_node *)n;
}

static bool tm_is(TSNode n, const char *type)
{
	return strcmp(ts_node_type(n), type) == 0;
}

static void tm_pos(TSNode n, unsigned *line, unsigned *col)
{
	TSPoint p = ts_node_start_point(n);
	*line = p.row + 1;
	*col = p.column + 1;
}

__attribute__((format(printf, 3, 4))) static void tm_error(struct tm_ctx *cx,
							    const struct yml_node *at,
							    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(cx->a, fmt, ap);
	va_end(ap);
	diag_error(cx->d, cx->path, at->line, at->col, "%s", msg);
	cx->failed = true;
}

static struct tm_node *tm_new(struct tm_ctx *cx, enum yml_kind kind, enum tm_how how, TSNode at)
{
	struct tm_node *t = arena_alloc(cx->a, sizeof *t);
	t->n.kind = kind;
	t->n.text = "";
	t->how = how;
	tm_pos(at, &t->n.line, &t->n.col);
	if (++cx->nodes == TM_MAX_NODES) {
		diag_error(cx->d, cx->path, t->n.line, t->n.col,
			   "TOML document is too large: more than %d values", TM_MAX_NODES);
		cx->failed = true;
	}
	return t;
}

static void tm_push(struct tm_ctx *cx, struct tm_node *to, struct yml_node *n)
{
	ARENA_PUSH(cx->a, to->n.items, to->n.n_items, to->cap) = n;
}

/* The named children that are not comments, in order. */
static uint32_t tm_kids(TSNode n, TSNode *out, uint32_t max)
{
	uint32_t k = 0, c = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < c && k < max; i++) {
		TSNode x = ts_node_named_child(n, i);
		if (!tm_is(x, "comment"))
			out[k++] = x;
	}
	return k;
}

/* ---------------------------------------------------------------- strings */

static void tm_utf8(char **w, uint32_t cp)
{
	unsigned char *o = (unsigned char *)*w;
	if (cp < 0x80) {
		*o++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*o++ = (unsigned char)(0xC0 | cp >> 6);
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xE0 | cp >> 12);
		*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (unsigned char)(0xF0 | cp >> 18);
		*o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	*w = (char *)o;
}

/*
 * The value of a string or quoted key node: delimiters off, a multi-line
 * string's first newline off, escapes decoded in basic strings, CRLF as LF.
 * NULL after reporting a bad escape. Every escape shrinks or keeps its
 * length (\U0010FFFF is 10 bytes, 4 in UTF-8), so len + 1 bytes suffice.
 */
static struct yml_node *tm_string(struct tm_ctx *cx, TSNode n)
{
	uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
	const char *s = cx->src + b;
	size_t len = e - b;
	struct tm_node *t = tm_new(cx, YML_SCALAR, TM_VALUE, n);
	t->n.quoted = true;
	bool multi = len >= 6 && (!memcmp(s, "\"\"\"", 3) || !memcmp(s, "'''", 3));
	bool basic = s[0] == '"';
	size_t q = multi ? 3 : 1;
	if (len < 2 * q) {
		tm_error(cx, &t->n, "invalid TOML: unterminated string");
		return NULL;
	}
	const char *p = s + q, *end = s + len - q;
	if (multi && p < end && *p == '\n')
		p++;
	else if (multi && end - p >= 2 && p[0] == '\r' && p[1] == '\n')
		p += 2;
	char *out = arena_alloc(cx->a, (size_t)(end - p) + 1), *w = out;
	while (p < end) {
		if (*p == '\r' && p + 1 < end && p[1] == '\n') {
			p++;
			continue;
		}
		if (*p != '\\' || !basic) {
			*w++ = *p++;
			continue;
		}
		const char *esc = p++;
		char c = p < end ? *p++ : '\0';
		char simple = c == 'b'	 ? '\b'
			      : c == 't' ? '\t'
			      : c == 'n' ? '\n'
			      : c == 'f' ? '\f'
			      : c == 'r' ? '\r'
			      : c == 'e' ? '\033'
			      : c == '"' || c == '\\' ? c
							: '\0';
		if (simple) {
			*w++ = simple;
		} else if (c == 'u' || c == 'U' || c == 'x') {
			int digits = c == 'u' ? 4 : c == 'U' ? 8 : 2;
			uint32_t cp = 0;
			int i = 0;
			for (; i < digits && p < end; i++, p++) {
				char h = *p;
				int v = h >= '0' && h <= '9'   ? h - '0'
					: h >= 'a' && h <= 'f' ? h - 'a' + 10
					: h >= 'A' && h <= 'F' ? h - 'A' + 10
							       : -1;
				if (v < 0)
					break;
				cp = cp * 16 + (uint32_t)v;
			}
			if (i < digits || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
				tm_error(cx, &t->n, "invalid TOML: escape '%.*s' is not a Unicode scalar value",
					 (int)(p - esc), esc);
				return NULL;
			}
			tm_utf8(&w, cp);
		} else if (multi && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
			/* A line-ending backslash trims the blanks and newlines after it. */
			p--;
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
				p++;
		} else {
			tm_error(cx, &t->n, "invalid TOML: unknown escape '\\%c' in a string",
				 c >= 0x20 && c < 0x7F ? c : '?');
			return NULL;
		}
	}
	*w = '\0';
	t->n.text = out;
	t->n.len = (size_t)(w - out);
	return &t->n;
}

/* ---------------------------------------------------------------- scalars */

static struct yml_node *tm_scalar_text(struct tm_ctx *cx, TSNode n, const char *text, size_t len)
{
	struct tm_node *t = tm_new(cx, YML_SCALAR, TM_VALUE, n);
	t->n.text = arena_strndup(cx->a, text, len);
	t->n.len = len;
	return &t->n;
}

/* An integer as a plain decimal: no '_', no '+', no 0x/0o/0b prefix. */
static struct yml_node *tm_integer(struct tm_ctx *cx, TSNode n)
{
	uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
	char digits[128];
	size_t k = 0;
	for (uint32_t i = b; i < e && k + 1 < sizeof digits; i++)
		if (cx->src[i] != '_')
			digits[k++] = cx->src[i];
	digits[k] = '\0';
	const char *p = digits;
	bool neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b')) {
		base = p[1] == 'x' ? 16 : p[1] == 'o' ? 8 : 2;
		p += 2;
	}
	uint64_t v = 0;
	bool big = false;
	for (; *p; p++) {
		int d = *p >= '0' && *p <= '9'	 ? *p - '0'
			: *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
			: *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
						 : 99;
		if (d >= base)
			break;
		big |= v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	struct yml_node *at = tm_scalar_text(cx, n, "", 0);
	if (big || v > (uint64_t)INT64_MAX + neg) {
		tm_error(cx, at, "invalid TOML: integer '%.*s' does not fit in 64 bits",
			 (int)(e - b < 40 ? e - b : 40), cx->src + b);
		return NULL;
	}
	char out[32];
	int len = snprintf(out, sizeof out, "%s%llu", neg && v ? "-" : "", (unsigned long long)v);
	at->text = arena_strndup(cx->a, out, (size_t)len);
	at->len = (size_t)len;
	return at;
}

static struct yml_node *tm_float(struct tm_ctx *cx, TSNode n)
{
	uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
	char *out = arena_alloc(cx->a, e - b + 1), *w = out;
	for (uint32_t i = b; i < e; i++)
		if (cx->src[i] != '_' && !(i == b && cx->src[i] == '+'))
			*w++ = cx->src[i];
	return tm_scalar_text(cx, n, out, (size_t)(w - out));
}

/* -------------------------------------------------------------- the tree */

/* The keys a[.b...] written in a key node, each a scalar node. */
static size_t tm_keys(struct tm_ctx *cx, TSNode k, struct yml_node **out, size_t n, size_t max)
{
	if (tm_is(k, "dotted_key")) {
		TSNode kids[TM_MAX_DEPTH + 1];
		uint32_t c = tm_kids(k, kids, TM_MAX_DEPTH + 1);
		for (uint32_t i = 0; i < c && n <= max; i++)
			n = tm_keys(cx, kids[i], out, n, max);
		return n;
	}
	if (n == max) {
		unsigned line, col;
		tm_pos(k, &line, &col);
		diag_error(cx->d, cx->path, line, col, "TOML key has more than %d parts",
			   TM_MAX_DEPTH);
		cx->failed = true;
		return n + 1;
	}
	struct yml_node *key;
	if (tm_is(k, "quoted_key")) {
		key = tm_string(cx, k);
	} else {
		uint32_t b = ts_node_start_byte(k), e = ts_node_end_byte(k);
		key = tm_scalar_text(cx, k, cx->src + b, e - b);
	}
	if (!key)
		return max + 1;
	out[n] = key;
	return n + 1;
}

/* A key path for messages: the parts joined by '.', control bytes as '?'. */
static const char *tm_show(struct tm_ctx *cx, struct yml_node *const *keys, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += keys[i]->len + 1;
	char *out = arena_alloc(cx->a, total + 1), *w = out;
	for (size_t i = 0; i < n; i++) {
		if (i)
			*w++ = '.';
		for (size_t j = 0; j < keys[i]->len; j++) {
			unsigned char c = (unsigned char)keys[i]->text[j];
			*w++ = c < 0x20 || c == 0x7F ? '?' : (char)c;
		}
	}
	*w = '\0';
	if (w - out > 80)
		memcpy(out + 77, "...", 4);
	return out;
}

/* The index of key's value in a map's items, or 0 (a key is never at 1). */
static size_t tm_find(const struct yml_node *map, const struct yml_node *key)
{
	for (size_t i = 0; i + 1 < map->n_items; i += 2) {
		const struct yml_node *k = map->items[i];
		if (k->len == key->len && !memcmp(k->text, key->text, key->len))
			return i + 1;
	}
	return 0;
}

static int tm_add(struct tm_ctx *cx, struct tm_node *map, struct yml_node *key, struct yml_node *v)
{
	if (map->n.n_items >= 2 * TM_MAX_KEYS) {
		tm_error(cx, key, "more than %d keys in one TOML table", TM_MAX_KEYS);
		return -1;
	}
	tm_push(cx, map, key);
	tm_push(cx, map, v);
	return 0;
}

static void tm_first_here(struct tm_ctx *cx, const struct yml_node *key)
{
	diag_note(cx->d, cx->path, key->line, key->col, "first defined here");
}

static struct yml_node *tm_value(struct tm_ctx *cx, TSNode v, int depth);

/* key = value, into the table t. */
static void tm_pair(struct tm_ctx *cx, struct tm_node *t, TSNode pair, int depth)
{
	TSNode kids[2];
	if (tm_kids(pair, kids, 2) != 2)
		return; /* the syntax check has reported it */
	struct yml_node *keys[TM_MAX_DEPTH];
	size_t n = tm_keys(cx, kids[0], keys, 0, TM_MAX_DEPTH);
	if (n == 0 || n > TM_MAX_DEPTH)
		return;
	struct tm_node *cur = t;
	for (size_t i = 0; i + 1 < n; i++) {
		size_t at = tm_find(&cur->n, keys[i]);
		if (!at) {
			struct tm_node *sub = tm_new(cx, YML_MAP, TM_DOTTED, kids[0]);
			sub->n.line = keys[i]->line;
			sub->n.col = keys[i]->col;
			if (tm_add(cx, cur, keys[i], &sub->n) != 0)
				return;
			cur = sub;
			continue;
		}
		struct tm_node *x = tm_of(cur->n.items[at]);
		if (x->n.kind != YML_MAP || x->how != TM_DOTTED) {
			tm_error(cx, keys[i],
				 x->n.kind == YML_MAP
					 ? "cannot add to table '%s' with a dotted key; it is already "
					   "defined"
					 : "'%s' is already defined as a value, not a table",
				 tm_show(cx, keys, i + 1));
			tm_first_here(cx, cur->n.items[at - 1]);
			return;
		}
		cur = x;
	}
	size_t at = tm_find(&cur->n, keys[n - 1]);
	if (at) {
		tm_error(cx, keys[n - 1], "duplicate key '%s'", tm_show(cx, keys, n));
		tm_first_here(cx, cur->n.items[at - 1]);
		return;
	}
	struct yml_node *v = tm_value(cx, kids[1], depth);
	if (v)
		tm_add(cx, cur, keys[n - 1], v);
}

static struct yml_node *tm_value(struct tm_ctx *cx, TSNode v, int depth)
{
	if (depth >= TM_MAX_DEPTH) {
		unsigned line, col;
		tm_pos(v, &line, &col);
		diag_error(cx->d, cx->path, line, col,
			   "TOML nesting is deeper than %d levels", TM_MAX_DEPTH);
		cx->failed = true;
		return NULL;
	}
	if (tm_is(v, "string"))
		return tm_string(cx, v);
	if (tm_is(v, "integer"))
		return tm_integer(cx, v);
	if (tm_is(v, "float"))
		return tm_float(cx, v);
	if (tm_is(v, "array") || tm_is(v, "inline_table")) {
		bool arr = tm_is(v, "array");
		struct tm_node *t = tm_new(cx, arr ? YML_SEQ : YML_MAP, TM_INLINE, v);
		uint32_t c = ts_node_named_child_count(v);
		for (uint32_t i = 0; i < c && !cx->failed; i++) {
			TSNode x = ts_node_named_child(v, i);
			if (tm_is(x, "comment"))
				continue;
			if (!arr) {
				tm_pair(cx, t, x, depth + 1);
				continue;
			}
			struct yml_node *item = tm_value(cx, x, depth + 1);
			if (item)
				tm_push(cx, t, item);
		}
		return &t->n;
	}
	/* boolean, offset_date_time, local_date_time, local_date, local_time */
	uint32_t b = ts_node_start_byte(v), e = ts_node_end_byte(v);
	return tm_scalar_text(cx, v, cx->src + b, e - b);
}

/* The table a [header] or [[header]] opens, or NULL after reporting why not. */
static struct tm_node *tm_header(struct tm_ctx *cx, struct tm_node *root, TSNode h, TSNode key,
				 bool aot)
{
	struct yml_node *keys[TM_MAX_DEPTH];
	size_t n = tm_keys(cx, key, keys, 0, TM_MAX_DEPTH);
	if (n == 0 || n > TM_MAX_DEPTH)
		return NULL;
	struct tm_node *cur = root;
	for (size_t i = 0; i + 1 < n; i++) {
		size_t at = tm_find(&cur->n, keys[i]);
		if (!at) {
			struct tm_node *sub = tm_new(cx, YML_MAP, TM_IMPLICIT, h);
			if (tm_add(cx, cur, keys[i], &sub->n) != 0)
				return NULL;
			cur = sub;
			continue;
		}
		struct tm_node *x = tm_of(cur->n.items[at]);
		if (x->how == TM_AOT && x->n.n_items) {
			cur = tm_of(x->n.items[x->n.n_items - 1]);
		} else if (x->n.kind == YML_MAP && x->how != TM_INLINE && x->how != TM_VALUE) {
			cur = x;
		} else {
			tm_error(cx, keys[i], "'%s' is already defined as a value, not a table",
				 tm_show(cx, keys, i + 1));
			tm_first_here(cx, cur->n.items[at - 1]);
			return NULL;
		}
	}
	const char *shown = tm_show(cx, keys, n);
	size_t at = tm_find(&cur->n, keys[n - 1]);
	struct tm_node *x = at ? tm_of(cur->n.items[at]) : NULL;
	if (aot) {
		if (!x) {
			x = tm_new(cx, YML_SEQ, TM_AOT, h);
			if (tm_add(cx, cur, keys[n - 1], &x->n) != 0)
				return NULL;
		} else if (x->how != TM_AOT) {
			tm_error(cx, keys[n - 1], "'[[%s]]' adds to '%s', which is not an array of tables",
				 shown, shown);
			tm_first_here(cx, cur->n.items[at - 1]);
			return NULL;
		}
		struct tm_node *t = tm_new(cx, YML_MAP, TM_HEADER, h);
		tm_push(cx, x, &t->n);
		return t;
	}
	if (!x) {
		x = tm_new(cx, YML_MAP, TM_HEADER, h);
		return tm_add(cx, cur, keys[n - 1], &x->n) == 0 ? x : NULL;
	}
	if (x->how == TM_IMPLICIT) {
		/* Defined now: notes about it point here, not at [its.child]. */
		x->how = TM_HEADER;
		tm_pos(h, &x->n.line, &x->n.col);
		cur->n.items[at - 1]->line = keys[n - 1]->line;
		cur->n.items[at - 1]->col = keys[n - 1]->col;
		return x;
	}
	if (x->n.kind == YML_MAP && x->how == TM_HEADER)
		tm_error(cx, keys[n - 1], "table '[%s]' is defined twice", shown);
	else if (x->n.kind == YML_MAP)
		tm_error(cx, keys[n - 1], "table '[%s]' is already defined by a %s", shown,
			 x->how == TM_DOTTED ? "dotted key" : "value");
	else
		tm_error(cx, keys[n - 1], "'%s' is already defined as a %s, not a table", shown,
			 x->how == TM_AOT ? "array of tables" : "value");
	tm_first_here(cx, cur->n.items[at - 1]);
	return NULL;
}

/* ------------------------------------------------------------ syntax */

/*
 * The first ERROR or MISSING node, in document order. A missing token the
 * grammar hides (the line end after a value) has no node: then the deepest
 * node holding the error, which the missing token would have ended.
 */
static bool tm_first_error(TSNode root, TSNode *out)
{
	TSTreeCursor cur = ts_tree_cursor_new(root);
	bool found = false;
	*out = root;
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&cur);
		if (ts_node_is_missing(n) || tm_is(n, "ERROR")) {
			*out = n;
			found = true;
			break;
		}
		if (ts_node_has_error(n) && !found)
			*out = n;
		if (ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&cur))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&cur))
			if (!ts_tree_cursor_goto_parent(&cur))
				goto done;
	}
done:
	ts_tree_cursor_delete(&cur);
	return found;
}

/* Up to max leaves of n that start on its first line, in order. */
static size_t tm_leaves(TSNode n, uint32_t row, TSNode *out, size_t k, size_t max)
{
	uint32_t c = ts_node_child_count(n);
	if (c == 0) {
		if (k < max && ts_node_start_point(n).row == row)
			out[k++] = n;
		return k;
	}
	for (uint32_t i = 0; i < c && k < max; i++)
		k = tm_leaves(ts_node_child(n, i), row, out, k, max);
	return k;
}

static const char *tm_text(struct tm_ctx *cx, TSNode n)
{
	uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
	size_t len = e - b < 40 ? e - b : 40;
	char *out = arena_strndup(cx->a, cx->src + b, len);
	for (char *c = out; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7F)
			*c = '?';
	return out;
}

static bool tm_leaf_is(struct tm_ctx *cx, TSNode n, const char *text)
{
	size_t l = strlen(text);
	return ts_node_end_byte(n) - ts_node_start_byte(n) == l &&
	       !memcmp(cx->src + ts_node_start_byte(n), text, l);
}

/*
 * Tree-sitter's recovery wraps the broken line in an ERROR node; the tokens
 * it holds on its first line say, most of the time, what went wrong.
 */
static void tm_syntax_error(struct tm_ctx *cx, TSNode root)
{
	TSNode e, leaves[64];
	unsigned line = 1, col = 1;
	if (!tm_first_error(root, &e)) {
		TSPoint end = ts_node_end_point(e);
		diag_error(cx->d, cx->path, end.row + 1, end.column + 1,
			   "invalid TOML: expected a new line after the value");
		return;
	}
	tm_pos(e, &line, &col);
	if (ts_node_is_missing(e)) {
		const char *type = ts_node_type(e);
		if (strstr(type, "line_ending"))
			diag_error(cx->d, cx->path, line, col,
				   "invalid TOML: expected a new line after the value");
		else
			diag_error(cx->d, cx->path, line, col, "invalid TOML: expected '%s'", type);
		return;
	}
	size_t n = tm_leaves(e, ts_node_start_point(e).row, leaves, 0, 64);
	for (size_t i = 0; i < n; i++) {
		if (tm_is(leaves[i], "ERROR")) {
			tm_pos(leaves[i], &line, &col);
			diag_error(cx->d, cx->path, line, col, "invalid TOML: unexpected '%s'",
				   tm_text(cx, leaves[i]));
			return;
		}
	}
	if (n == 0) {
		diag_error(cx->d, cx->path, line, col, "invalid TOML");
		return;
	}
	TSNode first = leaves[0], last = leaves[n - 1];
	TSPoint end = ts_node_end_point(last);
	for (size_t i = 0; i < n; i++) {
		if (tm_leaf_is(cx, leaves[i], "\"") || tm_leaf_is(cx, leaves[i], "'")) {
			tm_pos(leaves[i], &line, &col);
			diag_error(cx->d, cx->path, line, col,
				   "invalid TOML: string is not closed on this line");
			return;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (tm_leaf_is(cx, leaves[i], "=") && i + 1 < n && tm_is(leaves[i + 1], "bare_key")) {
			tm_pos(leaves[i + 1], &line, &col);
			diag_error(cx->d, cx->path, line, col,
				   "invalid TOML: '%s' is not a value; write strings in quotes",
				   tm_text(cx, leaves[i + 1]));
			return;
		}
	}
	line = end.row + 1;
	col = end.column + 1;
	if (tm_leaf_is(cx, last, "="))
		diag_error(cx->d, cx->path, line, col, "invalid TOML: expected a value after '='");
	else if (tm_leaf_is(cx, first, "[") || tm_leaf_is(cx, first, "[["))
		diag_error(cx->d, cx->path, line, col, "invalid TOML: expected '%s' to close the table header",
			   tm_leaf_is(cx, first, "[") ? "]" : "]]");
	else if (n == 1)
		diag_error(cx->d, cx->path, line, col, "invalid TOML: expected '=' after key '%s'",
			   tm_text(cx, first));
	else
		diag_error(cx->d, cx->path, line, col, "invalid TOML: unexpected end of line after '%s'",
			   tm_text(cx, last));
}

/* ------------------------------------------------------------ document */

static void tm_document(struct tm_ctx *cx, struct tm_node *root, TSNode doc)
{
	uint32_t c = ts_node_named_child_count(doc);
	struct tm_node *cur = root;
	for (uint32_t i = 0; i < c && cx->nodes < TM_MAX_NODES; i++) {
		TSNode x = ts_node_named_child(doc, i);
		if (tm_is(x, "pair")) {
			if (cur)
				tm_pair(cx, cur, x, 0);
			continue;
		}
		bool aot = tm_is(x, "table_array_element");
		if (!aot && !tm_is(x, "table"))
			continue; /* a comment */
		/* [header] then its pairs, all children of the table node. */
		uint32_t k = ts_node_named_child_count(x);
		struct tm_node *t = NULL;
		bool opened = false;
		for (uint32_t j = 0; j < k; j++) {
			TSNode y = ts_node_named_child(x, j);
			if (tm_is(y, "comment"))
				continue;
			if (!opened) {
				t = tm_header(cx, root, x, y, aot);
				opened = true;
			} else if (t && tm_is(y, "pair")) {
				tm_pair(cx, t, y, 0);
			}
		}
		cur = NULL; /* pairs after a bad header belong to no table */
		if (t)
			cur = t;
	}
}

struct yml_node *toml_load(struct arena *a, struct diag *d, const char *path, const char *buf,
			   size_t len)
{
	struct tm_ctx cx = {.a = a, .d = d, .path = path, .src = buf};
	if (len > UINT32_MAX) {
		diag_error(d, path, 0, 0, "TOML document is larger than 4 GiB");
		return NULL;
	}
	TSParser *p = ts_parser_new();
	if (!p || !ts_parser_set_language(p, tree_sitter_toml())) {
		diag_error(d, path, 0, 0, "cannot load the TOML grammar");
		ts_parser_delete(p);
		return NULL;
	}
	TSTree *tree = ts_parser_parse_string(p, NULL, buf, (uint32_t)len);
	TSNode doc = ts_tree_root_node(tree);
	struct yml_node *out = NULL;
	if (ts_node_has_error(doc)) {
		tm_syntax_error(&cx, doc);
	} else {
		struct tm_node *root = tm_new(&cx, YML_MAP, TM_HEADER, doc);
		root->n.line = root->n.col = 1;
		tm_document(&cx, root, doc);
		if (!cx.failed)
			out = &root->n;
	}
	ts_tree_delete(tree);
	ts_parser_delete(p);
	return out;
}
