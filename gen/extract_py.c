/*
 * extract_py.c - tool metadata from a Python script, parsed with tree-sitter.
 *
 * What is read, in order of trust:
 *   - library or tool: a module with neither `if __name__ == "__main__":` nor a
 *     top-level `def main` is a library (is_library, nothing else is filled);
 *   - description: first paragraph of the module docstring, else of
 *     ArgumentParser(description=...), else of main's docstring;
 *   - parameters: argparse `add_argument` calls anywhere in the module (args =
 *     flags); without any argparse, main's signature with its type hints, and
 *     parameter descriptions from main's docstring (Google, NumPy, Sphinx);
 *     with neither, what the script reads from sys.argv (argv): indexes,
 *     int()/float() around them, len(sys.argv) checks and guards, defaults
 *     in `a if len(sys.argv) > N else b`, the names they are assigned to and
 *     a `Usage:` text (see exu_argv_params). A module without main or guard
 *     that reads sys.argv at its top level is a tool too.
 *
 * How a signature-based main receives its arguments (argparse always means
 * flags):
 *   1. the `__main__` guard or main's body passes `sys.stdin` to json.load(s)
 *      -> json;
 *   2. else it uses `sys.argv` -> argv (positional, declared order);
 *   3. else it reads `sys.stdin` at all -> json;
 *   4. else argv is assumed; when main takes parameters a warning says so and
 *      how to declare the style in a manifest. An assumption does not set
 *      args_from, so a manifest or later stage can tell it from a finding.
 *
 * Conventions other stages rely on:
 *   - `Optional[T]` / `T | None` without a default is not required (None is
 *     what the caller gets when it is left out); a `None` default gives no
 *     default_json, since null would not match the parameter's type;
 *   - a signature parameter without a hint but with a literal default takes
 *     the default's type, silently; with neither, it is a string (warning);
 *   - argparse `store_false`: the parameter is named after the option itself
 *     ("--no-cache" -> "no_cache", dest is ignored), boolean, SKC_PASS_SWITCH,
 *     default false: true passes the bare flag, which is what sets the dest
 *     to False. Naming it after dest with default true would invert it;
 *   - argparse `count`: integer with SKC_PASS_SWITCH; the runtime is
 *     expected to write the flag N times;
 *   - for array parameters enum_json constrains the items;
 *   - argparse positionals keep their name as written (argparse's dest).
 */
#include "extract.h"
#include "exutil.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "../runtime/text.h"

const TSLanguage *tree_sitter_python(void);

enum {
	PY_LIT_DEPTH = 8,   /* nesting of literal lists in defaults */
	PY_HINT_DEPTH = 16, /* nesting of type hints */
	PY_MAX_OPTS = 8,    /* option strings read per add_argument */
	PY_QUOTE_MAX = 60,  /* longest source text quoted in a diagnostic */
	PY_MAX_PARAMS = 512, /* bounds the quadratic duplicate checks */
	PY_SCAN_MAX = 4096, /* how far into json.load(...) to look for sys.stdin */
	/*
	 * libtree-sitter 0.20 corrupts its heap (a double free when the tree is
	 * deleted) when error recovery meets a parse stack of about 65536
	 * entries, e.g. 66000 unclosed '('. Sources that could build such a
	 * stack are not parsed: nesting deeper than CPython's own limit of 200
	 * brackets, or one logical line of more tokens than below (the stack
	 * holds at most the current logical line plus the enclosing blocks,
	 * which the size cap bounds).
	 */
	PY_MAX_NEST = 200,
	PY_MAX_LINE_TOKENS = 32768,
	PY_MAX_SIZE = 16 << 20,
};

/* ---------------------------------------------------------------- buffers */

struct sb {
	char *p;
	size_t n, cap;
};

static void sb_grow(struct sb *b, size_t add)
{
	if (b->n + add + 1 <= b->cap)
		return;
	size_t c = b->cap ? b->cap : 64;
	while (c < b->n + add + 1)
		c *= 2;
	char *p = realloc(b->p, c);
	if (!p) {
		fputs("skillc: out of memory\n", stderr);
		abort();
	}
	b->p = p;
	b->cap = c;
}

static void sb_putn(struct sb *b, const char *s, size_t n)
{
	sb_grow(b, n);
	if (n)
		memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void sb_putc(struct sb *b, char c)
{
	sb_putn(b, &c, 1);
}

static void sb_puts(struct sb *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static void sb_free(struct sb *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

/* ------------------------------------------------------------------ UTF-8 */

/* Length of the valid UTF-8 sequence at s, 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	size_t len;
	uint32_t cp, min;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void utf8_put(struct sb *b, uint32_t cp)
{
	char u[4];
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0)
		cp = 0xfffd; /* NUL too: model strings are C strings */
	if (cp < 0x80) {
		sb_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		sb_putn(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		sb_putn(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		sb_putn(b, u, 4);
	}
}

/*
 * A model string from arbitrary bytes: valid UTF-8, no NUL (both become
 * U+FFFD), CRLF and CR folded to LF.
 */
static char *clean_str(struct arena *a, const char *s, size_t n)
{
	struct sb b = {0};
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		if (u[i] == '\r') {
			sb_putc(&b, '\n');
			i += (i + 1 < n && u[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		size_t k = u[i] ? utf8_seq(u + i, n - i) : 0;
		if (k == 0) {
			utf8_put(&b, 0xfffd);
			i++;
		} else {
			sb_putn(&b, s + i, k);
			i += k;
		}
	}
	char *r = arena_strndup(a, b.p ? b.p : "", b.n);
	sb_free(&b);
	return r;
}

/* A JSON string literal for bytes s; invalid UTF-8 becomes U+FFFD. */
static void json_quote(struct sb *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	sb_putc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		if (c == '"' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)c);
			i++;
		} else if (c == '\n') {
			sb_puts(b, "\\n"), i++;
		} else if (c == '\t') {
			sb_puts(b, "\\t"), i++;
		} else if (c == '\r') {
			sb_puts(b, "\\r"), i++;
		} else if (c < 0x20 || c == 0x7f) {
			char e[8];
			snprintf(e, sizeof e, "\\u%04x", c);
			sb_puts(b, e);
			i++;
		} else {
			size_t k = utf8_seq(u + i, n - i);
			if (k == 0) {
				sb_puts(b, "\\ufffd");
				i++;
			} else {
				sb_putn(b, s + i, k);
				i += k;
			}
		}
	}
	sb_putc(b, '"');
}

/* ------------------------------------------------------- string literals */

/*
 * Append the value of the Python string literal s[0..n) (prefix, quotes,
 * escapes) to out. False for f-strings and anything that is not a literal.
 * Lenient about a missing closing quote, which error recovery can produce.
 */
static bool py_unquote(struct sb *out, const char *s, size_t n)
{
	size_t i = 0;
	bool raw = false;
	while (i < n && i < 3 && s[i] && strchr("rRbBuUfF", s[i])) {
		if (s[i] == 'f' || s[i] == 'F')
			return false;
		if (s[i] == 'r' || s[i] == 'R')
			raw = true;
		i++;
	}
	if (i >= n || (s[i] != '"' && s[i] != '\''))
		return false;
	char q = s[i];
	size_t ql = (n - i >= 6 && s[i + 1] == q && s[i + 2] == q) ? 3 : 1;
	size_t b = i + ql, e = n;
	if (e >= b + ql) {
		bool closed = true;
		for (size_t k = 0; k < ql; k++)
			closed &= s[e - 1 - k] == q;
		if (closed)
			e -= ql;
	}
	for (size_t k = b; k < e; k++) {
		char c = s[k];
		if (c != '\\' || raw || k + 1 >= e) {
			sb_putc(out, c);
			continue;
		}
		c = s[++k];
		switch (c) {
		case '\n':
			break;
		case '\r':
			if (k + 1 < e && s[k + 1] == '\n')
				k++;
			break;
		case 'n': sb_putc(out, '\n'); break;
		case 't': sb_putc(out, '\t'); break;
		case 'r': sb_putc(out, '\r'); break;
		case 'a': sb_putc(out, '\a'); break;
		case 'b': sb_putc(out, '\b'); break;
		case 'f': sb_putc(out, '\f'); break;
		case 'v': sb_putc(out, '\v'); break;
		case '\\': case '\'': case '"': sb_putc(out, c); break;
		case 'x': case 'u': case 'U': {
			int want = c == 'x' ? 2 : c == 'u' ? 4 : 8, got = 0;
			uint32_t cp = 0;
			while (got < want && k + 1 < e && txt_hexval((unsigned char)s[k + 1]) >= 0) {
				cp = cp << 4 | (uint32_t)txt_hexval((unsigned char)s[++k]);
				got++;
			}
			if (got == want)
				utf8_put(out, cp);
			else
				utf8_put(out, 0xfffd);
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				uint32_t cp = (uint32_t)(c - '0');
				for (int d = 0; d < 2 && k + 1 < e && s[k + 1] >= '0' && s[k + 1] <= '7'; d++)
					cp = cp * 8 + (uint32_t)(s[++k] - '0');
				utf8_put(out, cp);
			} else {
				/* \N{...} and unknown escapes stay as written */
				sb_putc(out, '\\');
				sb_putc(out, c);
			}
		}
	}
	return true;
}

/* ---------------------------------------------------------------- pre-scan */

enum prescan { PRE_OK, PRE_NEST, PRE_LINE };

/* Skip the string literal whose quote is at s[i]; returns the index after it. */
static size_t skip_string(const char *s, size_t n, size_t i, bool fstr, size_t *tokens)
{
	char q = s[i];
	bool triple = i + 2 < n && s[i + 1] == q && s[i + 2] == q;
	i += triple ? 3 : 1;
	while (i < n) {
		char c = s[i];
		if (fstr)
			++*tokens; /* interpolations are parsed: count every byte */
		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == q && (!triple || (i + 2 < n && s[i + 1] == q && s[i + 2] == q)))
			return i + (triple ? 3 : 1);
		if (!triple && (c == '\n' || c == '\r'))
			return i;
		i++;
	}
	return n;
}

/* Whether the source is safe to hand to tree-sitter (see PY_MAX_NEST). */
static enum prescan prescan(const char *s, size_t n)
{
	size_t depth = 0, tokens = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '#') {
			while (i < n && s[i] != '\n')
				i++;
		} else if (c == '\\' && i + 1 < n && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
			i += 2; /* the logical line goes on */
		} else if (c == '\n') {
			if (depth == 0)
				tokens = 0;
			i++;
		} else if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
			i++;
		} else if (c == '"' || c == '\'') {
			i = skip_string(s, n, i, false, &tokens);
			tokens++;
		} else if (isalnum(c) || c == '_' || c >= 0x80) {
			size_t b = i;
			bool fstr = false;
			while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || (unsigned char)s[i] >= 0x80))
				i++;
			if (i < n && (s[i] == '"' || s[i] == '\'') && i - b <= 3) {
				for (size_t k = b; k < i; k++)
					fstr |= s[k] == 'f' || s[k] == 'F';
				i = skip_string(s, n, i, fstr, &tokens);
			}
			tokens++;
		} else {
			if (c == '(' || c == '[' || c == '{') {
				if (++depth > PY_MAX_NEST)
					return PRE_NEST;
			} else if ((c == ')' || c == ']' || c == '}') && depth) {
				depth--;
			}
			tokens++;
			i++;
		}
		if (tokens > PY_MAX_LINE_TOKENS)
			return PRE_LINE;
	}
	return PRE_OK;
}

/* ------------------------------------------------------------- the walker */

struct pdoc {
	const char *name, *text, *type; /* type: text of a docstring type, or NULL */
};

struct px {
	struct ex_ctx *cx;
	struct sk_tool *tool;
	const char *src;
	size_t len;
	bool has_main, has_guard, argparse;
	TSNode main_fn, guard;
	TSNode *calls; /* add_argument calls, in source order */
	size_t n_calls, cap_calls;
	const char *ap_desc;
	bool has_error, too_many;
	TSNode first_error;
};

static bool is(TSNode n, const char *type)
{
	return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0;
}

static const char *ntext(const struct px *x, TSNode n, size_t *len)
{
	uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
	if (b > x->len)
		b = (uint32_t)x->len;
	if (e > x->len || e < b)
		e = b;
	*len = e - b;
	return x->src + b;
}

/* The node's text without whitespace equals s ("sys . argv" is sys.argv). */
static bool text_is(const struct px *x, TSNode n, const char *s)
{
	size_t len, k = 0, sl = strlen(s);
	const char *t = ntext(x, n, &len);
	for (size_t i = 0; i < len; i++) {
		if (isspace((unsigned char)t[i]) || t[i] == '\\')
			continue;
		if (k >= sl || t[i] != s[k])
			return false;
		k++;
	}
	return k == sl;
}

/* The node's text ends with the identifier s (`SUPPRESS`, `argparse.SUPPRESS`). */
static bool text_ends(const struct px *x, TSNode n, const char *s)
{
	size_t len, sl = strlen(s);
	const char *t = ntext(x, n, &len);
	if (len < sl || memcmp(t + len - sl, s, sl) != 0)
		return false;
	return len == sl || t[len - sl - 1] == '.';
}

static void loc_of(const struct px *x, TSNode n, struct sk_loc *loc)
{
	TSPoint p = ts_node_start_point(n);
	loc->path = x->tool->loc.path;
	loc->line = p.row + 1;
	loc->col = p.column + 1;
}

/* Quote source text in a diagnostic: clean, one line, bounded. */
static const char *quote_src(const struct px *x, TSNode n)
{
	size_t len;
	const char *t = ntext(x, n, &len);
	char *s = clean_str(x->cx->arena, t, len > PY_QUOTE_MAX ? PY_QUOTE_MAX : len);
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return len > PY_QUOTE_MAX ? arena_printf(x->cx->arena, "%s...", s) : s;
}

/*
 * The named children of n, comments left out. ts_node_named_child(n, i)
 * walks from the first child each time, so loops over it are quadratic.
 */
struct kids {
	TSNode *v;
	size_t n, cap;
};

static void kids_of(TSNode n, struct kids *k)
{
	k->v = NULL;
	k->n = k->cap = 0;
	if (ts_node_is_null(n))
		return;
	TSTreeCursor c = ts_tree_cursor_new(n);
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			TSNode ch = ts_tree_cursor_current_node(&c);
			if (!ts_node_is_named(ch) || is(ch, "comment"))
				continue;
			if (k->n == k->cap) {
				size_t cap = k->cap ? 2 * k->cap : 16;
				TSNode *v = realloc(k->v, cap * sizeof *v);
				if (!v) {
					fputs("skillc: out of memory\n", stderr);
					abort();
				}
				k->v = v;
				k->cap = cap;
			}
			k->v[k->n++] = ch;
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
}

static void kids_free(struct kids *k)
{
	free(k->v);
	k->v = NULL;
	k->n = k->cap = 0;
}

/* Decoded bytes of a string or implicitly concatenated string node. */
static bool str_value_d(const struct px *x, TSNode n, struct sb *out, int depth)
{
	size_t len;
	const char *t;
	if (depth > PY_LIT_DEPTH)
		return false;
	if (is(n, "string")) {
		struct kids k;
		kids_of(n, &k);
		bool interp = false;
		for (size_t i = 0; i < k.n; i++)
			interp |= is(k.v[i], "interpolation");
		kids_free(&k);
		if (interp)
			return false;
		t = ntext(x, n, &len);
		return py_unquote(out, t, len);
	}
	if (is(n, "concatenated_string")) {
		struct kids k;
		kids_of(n, &k);
		bool ok = true;
		for (size_t i = 0; i < k.n && ok; i++)
			ok = str_value_d(x, k.v[i], out, depth + 1);
		kids_free(&k);
		return ok;
	}
	if (is(n, "parenthesized_expression") && ts_node_named_child_count(n) == 1)
		return str_value_d(x, ts_node_named_child(n, 0), out, depth + 1);
	return false;
}

static bool str_value(const struct px *x, TSNode n, struct sb *out)
{
	return str_value_d(x, n, out, 0);
}

static char *str_of(const struct px *x, TSNode n)
{
	struct sb b = {0};
	char *r = NULL;
	if (str_value(x, n, &b))
		r = clean_str(x->cx->arena, b.p ? b.p : "", b.n);
	sb_free(&b);
	return r;
}

/* ------------------------------------------------------- literal values */

enum lit { LIT_NONE, LIT_STR, LIT_INT, LIT_FLOAT, LIT_BOOL, LIT_NULL, LIT_LIST };

/* Python number text (underscores, 0x/0o/0b) to JSON; LIT_NONE if not representable. */
static enum lit num_json(const char *t, size_t len, bool neg, struct sb *out)
{
	char buf[96];
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		if (t[i] == '_')
			continue;
		if (k + 1 >= sizeof buf)
			return LIT_NONE;
		buf[k++] = t[i];
	}
	buf[k] = 0;
	if (k == 0 || strpbrk(buf, "jJlL"))
		return LIT_NONE;
	bool isfloat = !(k > 1 && buf[0] == '0' && strchr("xXoObB", buf[1])) && strpbrk(buf, ".eE");
	char res[64];
	if (!isfloat) {
		int base = 10;
		const char *d = buf;
		if (k > 1 && buf[0] == '0' && strchr("xX", buf[1]))
			base = 16, d += 2;
		else if (k > 1 && buf[0] == '0' && strchr("oO", buf[1]))
			base = 8, d += 2;
		else if (k > 1 && buf[0] == '0' && strchr("bB", buf[1]))
			base = 2, d += 2;
		char *end;
		errno = 0;
		unsigned long long v = strtoull(d, &end, base);
		if (*d == 0 || *end || errno || v > (unsigned long long)INT64_MAX)
			return LIT_NONE;
		snprintf(res, sizeof res, "%s%llu", neg && v ? "-" : "", v);
		sb_puts(out, res);
		return LIT_INT;
	}
	char *end;
	errno = 0;
	double v = strtod(buf, &end);
	if (*end || errno || !isfinite(v))
		return LIT_NONE;
	if (neg)
		v = -v;
	/* the shortest text that reads back the same; plain digits where sensible */
	bool plain = v == 0 || (fabs(v) >= 1e-4 && fabs(v) < 1e15);
	for (int prec = plain ? 0 : 1; prec <= 17; prec++) {
		snprintf(res, sizeof res, plain ? "%.*f" : "%.*g", prec, v);
		if (strtod(res, NULL) == v)
			break;
	}
	if (!strpbrk(res, ".eEn"))
		strcat(res, ".0");
	sb_puts(out, res);
	return LIT_FLOAT;
}

/* JSON text of a literal expression node; LIT_NONE when it is not one. */
static enum lit lit_json(const struct px *x, TSNode n, struct sb *out, int depth)
{
	size_t len;
	const char *t;
	if (ts_node_is_null(n) || depth > PY_LIT_DEPTH)
		return LIT_NONE;
	const char *ty = ts_node_type(n);
	if (!strcmp(ty, "string") || !strcmp(ty, "concatenated_string")) {
		struct sb s = {0};
		bool ok = str_value(x, n, &s);
		if (ok)
			json_quote(out, s.p ? s.p : "", s.n);
		sb_free(&s);
		return ok ? LIT_STR : LIT_NONE;
	}
	if (!strcmp(ty, "integer") || !strcmp(ty, "float")) {
		t = ntext(x, n, &len);
		return num_json(t, len, false, out);
	}
	if (!strcmp(ty, "unary_operator")) {
		TSNode arg = ts_node_child_by_field_name(n, "argument", 8);
		TSNode op = ts_node_child(n, 0);
		bool neg = text_is(x, op, "-");
		if (!neg && !text_is(x, op, "+"))
			return LIT_NONE;
		if (!is(arg, "integer") && !is(arg, "float"))
			return LIT_NONE;
		t = ntext(x, arg, &len);
		return num_json(t, len, neg, out);
	}
	if (!strcmp(ty, "true")) {
		sb_puts(out, "true");
		return LIT_BOOL;
	}
	if (!strcmp(ty, "false")) {
		sb_puts(out, "false");
		return LIT_BOOL;
	}
	if (!strcmp(ty, "none")) {
		sb_puts(out, "null");
		return LIT_NULL;
	}
	if (!strcmp(ty, "parenthesized_expression") && ts_node_named_child_count(n) == 1)
		return lit_json(x, ts_node_named_child(n, 0), out, depth + 1);
	if (!strcmp(ty, "list") || !strcmp(ty, "tuple")) {
		size_t mark = out->n;
		struct kids k;
		kids_of(n, &k);
		sb_putc(out, '[');
		for (size_t i = 0; i < k.n; i++) {
			if (i)
				sb_putc(out, ',');
			if (lit_json(x, k.v[i], out, depth + 1) == LIT_NONE) {
				out->n = mark;
				out->p[mark] = 0;
				kids_free(&k);
				return LIT_NONE;
			}
		}
		kids_free(&k);
		sb_putc(out, ']');
		return LIT_LIST;
	}
	return LIT_NONE;
}

static uint8_t lit_type(enum lit k)
{
	switch (k) {
	case LIT_INT: return SKC_T_INTEGER;
	case LIT_FLOAT: return SKC_T_NUMBER;
	case LIT_BOOL: return SKC_T_BOOLEAN;
	case LIT_LIST: return SKC_T_ARRAY;
	default: return SKC_T_STRING;
	}
}

/*
 * A scalar JSON text made to fit the type: numbers for a string become
 * strings, numeric strings for a number become numbers (argparse runs
 * string defaults through type=).
 */
static const char *fit_json(struct arena *a, const char *json, enum lit k, uint8_t type)
{
	if (type == SKC_T_STRING && (k == LIT_INT || k == LIT_FLOAT || k == LIT_BOOL)) {
		struct sb b = {0};
		json_quote(&b, json, strlen(json));
		char *r = arena_strdup(a, b.p);
		sb_free(&b);
		return r;
	}
	if ((type == SKC_T_INTEGER || type == SKC_T_NUMBER) && k == LIT_STR) {
		/* json is a quoted string without escapes when it is numeric */
		size_t n = strlen(json);
		if (n >= 3 && !strchr(json + 1, '\\')) {
			struct sb b = {0};
			const char *t = json + 1;
			size_t tl = n - 2;
			bool neg = tl && t[0] == '-';
			enum lit nk = num_json(t + neg, tl - neg, neg, &b);
			const char *r = NULL;
			if (nk == LIT_INT || (nk == LIT_FLOAT && type == SKC_T_NUMBER))
				r = arena_strdup(a, b.p);
			sb_free(&b);
			if (r)
				return r;
		}
	}
	return arena_strdup(a, json);
}

/* ------------------------------------------------------------- type hints */

struct hint {
	bool ok, nullable, is_none;
	uint8_t type, item;
	const char **enums;
	size_t n_enum, cap_enum;
	enum lit enum_kind; /* common kind of the Literal values; LIT_NONE: mixed */
};

struct hp {
	struct arena *a;
	const char *s;
	size_t i, n;
};

static void hp_ws(struct hp *h)
{
	while (h->i < h->n) {
		char c = h->s[h->i];
		if (c == '#') {
			while (h->i < h->n && h->s[h->i] != '\n')
				h->i++;
		} else if (isspace((unsigned char)c) || c == '\\') {
			h->i++;
		} else {
			break;
		}
	}
}

static bool hp_eat(struct hp *h, char c)
{
	hp_ws(h);
	if (h->i < h->n && h->s[h->i] == c) {
		h->i++;
		return true;
	}
	return false;
}

/* A dotted name; returns the last component. */
static bool hp_name(struct hp *h, const char **p, size_t *len)
{
	hp_ws(h);
	size_t b = h->i, last = h->i;
	while (h->i < h->n) {
		unsigned char c = (unsigned char)h->s[h->i];
		if (isalnum(c) || c == '_' || c >= 0x80) {
			h->i++;
		} else if (c == '.' && h->i > b) {
			h->i++;
			last = h->i;
		} else {
			break;
		}
	}
	if (h->i == b || isdigit((unsigned char)h->s[b]))
		return false;
	*p = h->s + last;
	*len = h->i - last;
	return true;
}

/* Span of a string literal at the cursor (with prefix). */
static bool hp_string(struct hp *h, size_t *b, size_t *e)
{
	hp_ws(h);
	size_t i = h->i;
	while (i < h->n && i - h->i < 3 && strchr("rRbBuU", h->s[i]) && h->s[i])
		i++;
	if (i >= h->n || (h->s[i] != '"' && h->s[i] != '\''))
		return false;
	char q = h->s[i];
	size_t ql = (h->n - i >= 3 && h->s[i + 1] == q && h->s[i + 2] == q) ? 3 : 1;
	size_t k = i + ql;
	while (k < h->n) {
		if (h->s[k] == '\\') {
			k += 2;
			continue;
		}
		if (h->s[k] == q && (ql == 1 || (k + 2 < h->n && h->s[k + 1] == q && h->s[k + 2] == q)))
			break;
		k++;
	}
	if (k >= h->n)
		return false;
	*b = h->i;
	*e = k + ql;
	h->i = k + ql;
	return true;
}

static bool name_in(const char *p, size_t len, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == len && !memcmp(p, *set, len))
			return true;
	return false;
}

static void hint_union(struct hp *h, struct hint *r, int depth);

/* Skip one bracket argument that is not understood. */
static void hp_skip_arg(struct hp *h)
{
	int lvl = 0;
	size_t b, e;
	while (h->i < h->n) {
		hp_ws(h);
		if (h->i >= h->n)
			break;
		char c = h->s[h->i];
		if (c == '"' || c == '\'') {
			if (!hp_string(h, &b, &e))
				h->i++;
			continue;
		}
		if ((c == ',' || c == ']') && lvl == 0)
			break;
		if (c == '[' || c == '(')
			lvl++;
		else if (c == ']' || c == ')')
			lvl--;
		h->i++;
	}
}

/* Literal["a", 1]: enum values. */
static void hint_literal(struct hp *h, struct hint *r)
{
	r->ok = true;
	r->type = SKC_T_STRING;
	enum lit kind = LIT_NULL; /* nothing seen yet */
	bool mixed = false;
	do {
		hp_ws(h);
		if (h->i < h->n && h->s[h->i] == ']')
			break;
		struct sb b = {0};
		size_t sb_, se;
		enum lit k = LIT_NONE;
		if (hp_string(h, &sb_, &se)) {
			struct sb v = {0};
			if (py_unquote(&v, h->s + sb_, se - sb_)) {
				json_quote(&b, v.p ? v.p : "", v.n);
				k = LIT_STR;
			}
			sb_free(&v);
		} else {
			size_t st = h->i;
			bool neg = h->i < h->n && h->s[h->i] == '-';
			if (neg)
				h->i++;
			size_t nb = h->i;
			while (h->i < h->n && (isalnum((unsigned char)h->s[h->i]) || strchr("._+-", h->s[h->i])))
				h->i++;
			const char *t = h->s + nb;
			size_t tl = h->i - nb;
			if (!neg && tl == 4 && !memcmp(t, "True", 4))
				sb_puts(&b, "true"), k = LIT_BOOL;
			else if (!neg && tl == 5 && !memcmp(t, "False", 5))
				sb_puts(&b, "false"), k = LIT_BOOL;
			else if (!neg && tl == 4 && !memcmp(t, "None", 4))
				r->nullable = true, k = LIT_NULL;
			else if (tl && isdigit((unsigned char)t[0]))
				k = num_json(t, tl, neg, &b);
			if (h->i == st) {
				h->i = st;
				hp_skip_arg(h);
			}
		}
		if (k == LIT_NONE) {
			r->ok = false;
			hp_skip_arg(h);
		} else if (k != LIT_NULL) {
			if (kind == LIT_NULL)
				kind = k;
			else if (kind != k && !((kind == LIT_INT || kind == LIT_FLOAT) && (k == LIT_INT || k == LIT_FLOAT)))
				mixed = true;
			else if (k == LIT_FLOAT)
				kind = LIT_FLOAT;
			ARENA_PUSH(h->a, r->enums, r->n_enum, r->cap_enum) = arena_strdup(h->a, b.p);
		}
		sb_free(&b);
	} while (hp_eat(h, ','));
	if (mixed || kind == LIT_NULL) {
		/* mixed kinds: a string enum of their texts */
		r->type = SKC_T_STRING;
		for (size_t i = 0; i < r->n_enum; i++)
			if (r->enums[i][0] != '"')
				r->enums[i] = fit_json(h->a, r->enums[i], LIT_INT, SKC_T_STRING);
		r->enum_kind = LIT_STR;
	} else {
		r->type = lit_type(kind);
		r->enum_kind = kind;
	}
}

/* Fold b into a as the union a | b. */
static void hint_join(struct arena *ar, struct hint *a, const struct hint *b)
{
	if (b->is_none) {
		a->nullable = true;
		return;
	}
	if (a->is_none) {
		*a = *b;
		a->nullable = true;
		return;
	}
	a->nullable |= b->nullable;
	if (!b->ok)
		a->ok = false;
	if (a->type == b->type && a->item == b->item) {
		/* Literal["a"] | Literal["b"]: one enum; with a plain type: none */
		if (a->n_enum && b->n_enum) {
			for (size_t i = 0; i < b->n_enum; i++)
				ARENA_PUSH(ar, a->enums, a->n_enum, a->cap_enum) = b->enums[i];
		} else {
			a->n_enum = 0;
		}
		return;
	}
	a->n_enum = 0;
	if ((a->type == SKC_T_INTEGER || a->type == SKC_T_NUMBER) &&
	    (b->type == SKC_T_INTEGER || b->type == SKC_T_NUMBER)) {
		a->type = SKC_T_NUMBER;
	} else if (a->type == SKC_T_STRING || b->type == SKC_T_STRING) {
		a->type = SKC_T_STRING; /* str takes anything the others take */
	} else {
		a->type = SKC_T_STRING;
		a->ok = false;
	}
}

static void hint_atom(struct hp *h, struct hint *r, int depth)
{
	static const char *const lists[] = {"list", "List", "Sequence", "MutableSequence", "Iterable",
		"Collection", "tuple", "Tuple", "set", "Set", "frozenset", "FrozenSet", "AbstractSet", NULL};
	static const char *const wraps[] = {"Optional", "Annotated", "Required", "NotRequired",
		"Final", NULL};
	static const char *const strs[] = {"str", "Path", "PurePath", "PosixPath", "Text",
		"AnyStr", "LiteralString", NULL};
	memset(r, 0, sizeof *r);
	if (depth > PY_HINT_DEPTH) {
		h->i = h->n;
		return;
	}
	size_t b, e;
	if (hp_string(h, &b, &e)) {
		/* a forward reference: the hint inside the quotes */
		struct sb v = {0};
		if (py_unquote(&v, h->s + b, e - b) && v.p) {
			struct hp in = {h->a, arena_strndup(h->a, v.p, v.n), 0, v.n};
			hint_union(&in, r, depth + 1);
			hp_ws(&in);
			if (in.i < in.n)
				r->ok = false;
		}
		sb_free(&v);
		return;
	}
	const char *p;
	size_t len;
	if (!hp_name(h, &p, &len)) {
		hp_skip_arg(h);
		return;
	}
	bool args = hp_eat(h, '[');
	if (len == 4 && !memcmp(p, "None", 4)) {
		r->ok = r->is_none = r->nullable = true;
	} else if (name_in(p, len, strs)) {
		r->ok = true, r->type = SKC_T_STRING;
	} else if (len == 3 && !memcmp(p, "int", 3)) {
		r->ok = true, r->type = SKC_T_INTEGER;
	} else if (len == 5 && !memcmp(p, "float", 5)) {
		r->ok = true, r->type = SKC_T_NUMBER;
	} else if (len == 4 && !memcmp(p, "bool", 4)) {
		r->ok = true, r->type = SKC_T_BOOLEAN;
	} else if (len == 7 && !memcmp(p, "Literal", 7) && args) {
		hint_literal(h, r);
	} else if (name_in(p, len, lists)) {
		r->ok = true, r->type = SKC_T_ARRAY, r->item = SKC_T_STRING;
		if (args) {
			struct hint it;
			hint_union(h, &it, depth + 1);
			/* tuple[int, str]: only a homogeneous tuple is an array of its type */
			while (hp_eat(h, ',')) {
				struct hint more;
				hp_ws(h);
				if (h->i + 3 <= h->n && !memcmp(h->s + h->i, "...", 3)) {
					h->i += 3;
					continue;
				}
				hint_union(h, &more, depth + 1);
				hint_join(h->a, &it, &more);
			}
			if (!it.ok || it.type == SKC_T_ARRAY || it.is_none) {
				r->ok = false;
			} else {
				r->item = it.type;
				r->enums = it.enums, r->n_enum = it.n_enum, r->cap_enum = it.cap_enum;
				r->enum_kind = it.enum_kind;
			}
		}
	} else if (name_in(p, len, wraps) && args) {
		hint_union(h, r, depth + 1);
		if (len == 8 && !memcmp(p, "Optional", 8))
			r->nullable = true;
		while (hp_eat(h, ','))
			hp_skip_arg(h); /* Annotated metadata */
	} else if (len == 5 && !memcmp(p, "Union", 5) && args) {
		hint_union(h, r, depth + 1);
		while (hp_eat(h, ',')) {
			struct hint more;
			hp_ws(h);
			if (h->i < h->n && h->s[h->i] == ']')
				break;
			hint_union(h, &more, depth + 1);
			hint_join(h->a, r, &more);
		}
	} else {
		r->ok = false, r->type = SKC_T_STRING;
	}
	if (args) {
		while (h->i < h->n && !hp_eat(h, ']')) {
			hp_skip_arg(h);
			if (!hp_eat(h, ',') && h->i < h->n && h->s[h->i] != ']')
				h->i++;
		}
	}
}

static void hint_union(struct hp *h, struct hint *r, int depth)
{
	hint_atom(h, r, depth);
	while (hp_eat(h, '|')) {
		struct hint more;
		hint_atom(h, &more, depth);
		hint_join(h->a, r, &more);
	}
}

/* Parse a hint written as text; ok is false for anything not understood. */
static void hint_parse(struct arena *a, const char *s, size_t n, struct hint *r)
{
	struct hp h = {a, s, 0, n};
	hint_union(&h, r, 0);
	hp_ws(&h);
	if (h.i < h.n)
		r->ok = false;
	if (r->is_none)
		r->ok = false;
}

/* -------------------------------------------------------------- docstrings */

/*
 * inspect.cleandoc: tabs expanded, the first line stripped on the left,
 * the common indentation of the others removed, blank ends dropped.
 */
static char *cleandoc(struct arena *a, const char *s)
{
	struct sb t = {0};
	size_t col = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\t') {
			do
				sb_putc(&t, ' ');
			while (++col % 8);
		} else {
			sb_putc(&t, *p);
			/* columns count characters, not UTF-8 continuation bytes */
			if (*p == '\n')
				col = 0;
			else if (((unsigned char)*p & 0xc0) != 0x80)
				col++;
		}
	}
	const char *txt = t.p ? t.p : "";
	size_t margin = SIZE_MAX;
	bool first = true;
	for (const char *l = txt; *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		size_t ind = 0;
		while (ind < len && l[ind] == ' ')
			ind++;
		if (!first && ind < len && ind < margin)
			margin = ind;
		first = false;
		l += len + (e ? 1 : 0);
	}
	struct sb o = {0};
	first = true;
	for (const char *l = txt; *l || first;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		size_t skip = 0;
		if (first)
			while (skip < len && l[skip] == ' ')
				skip++;
		else
			skip = margin == SIZE_MAX ? len : (margin < len ? margin : len);
		size_t end = len;
		while (end > skip && isspace((unsigned char)l[end - 1]))
			end--;
		sb_putn(&o, l + skip, end - skip);
		sb_putc(&o, '\n');
		first = false;
		if (!e)
			break;
		l = e + 1;
	}
	/* drop blank lines at both ends */
	const char *b = o.p ? o.p : "";
	size_t n = o.n;
	while (n && b[0] == '\n')
		b++, n--;
	while (n && b[n - 1] == '\n')
		n--;
	char *r = arena_strndup(a, b, n);
	sb_free(&t);
	sb_free(&o);
	return r;
}

struct line {
	const char *p; /* after the indentation */
	size_t n;      /* 0: blank */
	size_t ind;
};

static size_t split_lines(struct arena *a, const char *s, struct line **out)
{
	size_t cnt = 1, k = 0;
	for (const char *p = s; *p; p++)
		cnt += *p == '\n';
	struct line *v = arena_alloc(a, cnt * sizeof *v);
	for (const char *l = s;;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		size_t ind = 0;
		while (ind < len && l[ind] == ' ')
			ind++;
		v[k].p = l + ind;
		v[k].n = len - ind;
		v[k].ind = ind;
		k++;
		if (!e)
			break;
		l = e + 1;
	}
	*out = v;
	return k;
}

static bool line_eq(const struct line *l, const char *s)
{
	return l->n == strlen(s) && !memcmp(l->p, s, l->n);
}

static bool line_dashes(const struct line *l)
{
	if (l->n < 3)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (l->p[i] != '-')
			return false;
	return true;
}

static bool line_has_prefix(const struct line *l, const char *s)
{
	size_t n = strlen(s);
	return l->n >= n && !memcmp(l->p, s, n);
}

/* "Args:", "Returns:", a NumPy header, or a Sphinx field: a paragraph ends there. */
static bool line_is_section(const struct line *v, size_t i, size_t n)
{
	const struct line *l = &v[i];
	if (l->n && l->p[0] == ':')
		return true;
	if (i + 1 < n && line_dashes(&v[i + 1]))
		return true;
	if (l->n < 2 || l->n > 30 || l->p[l->n - 1] != ':' || !isupper((unsigned char)l->p[0]))
		return false;
	for (size_t k = 0; k + 1 < l->n; k++)
		if (!isalpha((unsigned char)l->p[k]) && l->p[k] != ' ')
			return false;
	return true;
}

/* The first paragraph of a cleaned docstring, lines joined by single spaces. */
static const char *first_paragraph(struct arena *a, const char *doc)
{
	struct line *v;
	size_t n = split_lines(a, doc, &v), i = 0;
	while (i < n && v[i].n == 0)
		i++;
	struct sb b = {0};
	for (; i < n && v[i].n && !(b.n && line_is_section(v, i, n)); i++) {
		if (b.n)
			sb_putc(&b, ' ');
		sb_putn(&b, v[i].p, v[i].n);
	}
	const char *r = b.n ? arena_strndup(a, b.p, b.n) : NULL;
	sb_free(&b);
	return r;
}

/*
 * Append text to a growing description, as a new line would be joined:
 * one space between, whitespace runs folded to one space.
 */
static void add_words(struct sb *b, const char *p, size_t n)
{
	if (b->n && b->p[b->n - 1] != ' ')
		sb_putc(b, ' ');
	for (size_t i = 0; i < n; i++) {
		if (isspace((unsigned char)p[i])) {
			if (b->n && b->p[b->n - 1] != ' ')
				sb_putc(b, ' ');
		} else {
			sb_putc(b, p[i]);
		}
	}
}

static const char *words_done(struct arena *a, struct sb *b)
{
	while (b->n && b->p[b->n - 1] == ' ')
		b->n--;
	const char *r = b->n ? arena_strndup(a, b->p, b->n) : NULL;
	b->n = 0;
	return r;
}

struct pdocs {
	struct pdoc *v;
	size_t n, cap;
};

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

static void pdoc_add(struct arena *a, struct pdocs *d, const char *name, size_t nl,
		     const char *type, size_t tl, struct sb *text)
{
	while (nl && name[0] == '*')
		name++, nl--;
	if (!nl)
		return;
	struct pdoc *p = NULL;
	for (size_t i = 0; i < d->n; i++)
		if (strlen(d->v[i].name) == nl && !memcmp(d->v[i].name, name, nl))
			p = &d->v[i];
	if (!p) {
		if (d->n >= PY_MAX_PARAMS)
			return;
		p = &ARENA_PUSH(a, d->v, d->n, d->cap);
		p->name = arena_strndup(a, name, nl);
	}
	const char *t = words_done(a, text);
	if (t && !p->text)
		p->text = t;
	while (tl && isspace((unsigned char)type[tl - 1]))
		tl--;
	if (tl && !p->type)
		p->type = arena_strndup(a, type, tl);
}

/* Google: "Args:" then "name (type): text" / "name: text", continuations indented. */
static void doc_google(struct arena *a, struct line *v, size_t n, struct pdocs *d)
{
	static const char *const heads[] = {"Args:", "Arguments:", "Parameters:", "Params:",
		"Keyword Args:", "Keyword Arguments:", "Other Parameters:", NULL};
	struct sb text = {0};
	for (size_t i = 0; i < n; i++) {
		bool head = false;
		for (const char *const *h = heads; *h; h++)
			head |= line_eq(&v[i], *h);
		if (!head)
			continue;
		size_t hind = v[i].ind, eind = SIZE_MAX;
		const char *name = NULL, *type = NULL;
		size_t nl = 0, tl = 0;
		size_t j;
		for (j = i + 1; j < n; j++) {
			const struct line *l = &v[j];
			if (l->n == 0)
				continue;
			if (l->ind <= hind)
				break;
			if (eind == SIZE_MAX)
				eind = l->ind;
			if (l->ind > eind) {
				if (name)
					add_words(&text, l->p, l->n);
				continue;
			}
			if (name)
				pdoc_add(a, d, name, nl, type, tl, &text);
			name = NULL;
			size_t k = 0;
			while (k < l->n && l->p[k] == '*')
				k++;
			while (k < l->n && is_ident_char(l->p[k]))
				k++;
			size_t ne = k;
			while (k < l->n && l->p[k] == ' ')
				k++;
			const char *ty = NULL;
			size_t tyl = 0;
			if (k < l->n && l->p[k] == '(') {
				const char *close = memchr(l->p + k, ')', l->n - k);
				if (!close)
					continue;
				ty = l->p + k + 1;
				tyl = (size_t)(close - ty);
				/* "(int, optional)": the type is before the comma */
				const char *comma = memchr(ty, ',', tyl);
				if (comma && !memchr(ty, '[', tyl))
					tyl = (size_t)(comma - ty);
				k = (size_t)(close - l->p) + 1;
			}
			if (ne == 0 || k >= l->n || l->p[k] != ':')
				continue;
			name = l->p, nl = ne, type = ty, tl = tyl;
			add_words(&text, l->p + k + 1, l->n - k - 1);
		}
		if (name)
			pdoc_add(a, d, name, nl, type, tl, &text);
		text.n = 0;
		i = j - 1;
	}
	sb_free(&text);
}

/* One NumPy entry "x, y : int, optional" with its text: documents x and y. */
static void numpy_entry(struct arena *a, const struct line *entry, struct sb *text, struct pdocs *d)
{
	const char *colon = memchr(entry->p, ':', entry->n);
	size_t namel = colon ? (size_t)(colon - entry->p) : entry->n;
	const char *ty = colon ? colon + 1 : NULL;
	size_t tyl = colon ? entry->n - namel - 1 : 0;
	while (tyl && *ty == ' ')
		ty++, tyl--;
	const char *comma = ty ? memchr(ty, ',', tyl) : NULL;
	if (comma && !memchr(ty, '[', tyl))
		tyl = (size_t)(comma - ty);
	const char *words = words_done(a, text);
	for (size_t k = 0; k < namel;) {
		while (k < namel && (entry->p[k] == ' ' || entry->p[k] == ','))
			k++;
		size_t b = k;
		while (k < namel && entry->p[k] != ',' && entry->p[k] != ' ')
			k++;
		if (k > b) {
			if (words)
				sb_puts(text, words);
			pdoc_add(a, d, entry->p + b, k - b, ty, tyl, text);
		}
	}
	text->n = 0;
}

/* NumPy: "Parameters" over dashes, then "name : type" with indented text. */
static void doc_numpy(struct arena *a, struct line *v, size_t n, struct pdocs *d)
{
	struct sb text = {0};
	for (size_t i = 0; i + 1 < n; i++) {
		if (!(line_eq(&v[i], "Parameters") || line_eq(&v[i], "Other Parameters") ||
		      line_eq(&v[i], "Arguments")) || !line_dashes(&v[i + 1]))
			continue;
		size_t hind = v[i].ind, j;
		const struct line *entry = NULL;
		for (j = i + 2; j < n; j++) {
			const struct line *l = &v[j];
			if (l->n == 0)
				continue;
			if (l->ind < hind || (l->ind == hind && j + 1 < n && line_dashes(&v[j + 1])))
				break;
			if (l->ind > hind) {
				if (entry)
					add_words(&text, l->p, l->n);
				continue;
			}
			if (entry)
				numpy_entry(a, entry, &text, d);
			entry = l;
		}
		if (entry)
			numpy_entry(a, entry, &text, d);
		text.n = 0;
		i = j - 1;
	}
	sb_free(&text);
}

/* Sphinx: ":param [type] name: text" and ":type name: T". */
static void doc_sphinx(struct arena *a, struct line *v, size_t n, struct pdocs *d)
{
	static const char *const fields[] = {":param ", ":parameter ", ":arg ", ":argument ",
		":key ", ":keyword ", NULL};
	struct sb text = {0};
	for (size_t i = 0; i < n; i++) {
		const struct line *l = &v[i];
		bool is_type = line_has_prefix(l, ":type ");
		const char *const *f = fields;
		while (*f && !line_has_prefix(l, *f))
			f++;
		if (!*f && !is_type)
			continue;
		size_t k = is_type ? 6 : strlen(*f);
		const char *colon = memchr(l->p + k, ':', l->n - k);
		if (!colon)
			continue;
		/* the name is the last word before the colon */
		size_t fe = (size_t)(colon - l->p), ne = fe;
		while (ne > k && l->p[ne - 1] == ' ')
			ne--;
		size_t nb = ne;
		while (nb > k && l->p[nb - 1] != ' ')
			nb--;
		size_t te = nb;
		while (te > k && l->p[te - 1] == ' ')
			te--;
		const char *rest = colon + 1;
		size_t rl = l->n - fe - 1;
		while (rl && *rest == ' ')
			rest++, rl--;
		size_t j = i + 1;
		if (is_type) {
			struct sb none = {0};
			pdoc_add(a, d, l->p + nb, ne - nb, rest, rl, &none);
			sb_free(&none);
			continue;
		}
		add_words(&text, rest, rl);
		for (; j < n && (v[j].n == 0 ? false : v[j].ind > l->ind); j++)
			add_words(&text, v[j].p, v[j].n);
		pdoc_add(a, d, l->p + nb, ne - nb, l->p + k, te > k ? te - k : 0, &text);
		i = j - 1;
	}
	sb_free(&text);
}

static const struct pdoc *pdoc_find(const struct pdocs *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].name, name))
			return &d->v[i];
	return NULL;
}

/* ------------------------------------------------------------- the module */

/* The docstring of a module or a function body: its first statement, a string. */
static const char *docstring(const struct px *x, TSNode body)
{
	TSNode s = {0};
	TSTreeCursor c = ts_tree_cursor_new(body);
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			TSNode ch = ts_tree_cursor_current_node(&c);
			if (ts_node_is_named(ch) && !is(ch, "comment")) {
				s = ch;
				break;
			}
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
	if (!is(s, "expression_statement") || ts_node_named_child_count(s) != 1)
		return NULL;
	char *t = str_of(x, ts_node_named_child(s, 0));
	return t ? cleandoc(x->cx->arena, t) : NULL;
}

static bool is_guard(const struct px *x, TSNode n)
{
	TSNode c = ts_node_child_by_field_name(n, "condition", 9);
	if (!is(c, "comparison_operator") || ts_node_named_child_count(c) != 2)
		return false;
	TSNode a = ts_node_named_child(c, 0), b = ts_node_named_child(c, 1);
	if (!is(a, "identifier")) {
		TSNode t = a;
		a = b;
		b = t;
	}
	if (!is(a, "identifier") || !text_is(x, a, "__name__"))
		return false;
	bool eq = false;
	uint32_t cc = ts_node_child_count(c);
	for (uint32_t i = 0; i < cc; i++)
		eq |= !ts_node_is_named(ts_node_child(c, i)) && text_is(x, ts_node_child(c, i), "==");
	struct sb v = {0};
	bool ok = eq && str_value(x, b, &v) && v.n == 8 && !memcmp(v.p, "__main__", 8);
	sb_free(&v);
	return ok;
}

static void top_level(struct px *x, TSNode parent, bool root)
{
	struct kids k;
	kids_of(parent, &k);
	for (size_t i = 0; i < k.n; i++) {
		TSNode n = k.v[i];
		if (is(n, "decorated_definition"))
			n = ts_node_child_by_field_name(n, "definition", 10);
		if (is(n, "function_definition") && !x->has_main) {
			TSNode name = ts_node_child_by_field_name(n, "name", 4);
			if (!ts_node_is_null(name) && text_is(x, name, "main")) {
				x->has_main = true;
				x->main_fn = n;
			}
		} else if (is(n, "if_statement") && !x->has_guard && is_guard(x, n)) {
			x->has_guard = true;
			x->guard = n;
		} else if (is(n, "ERROR") && root) {
			/* error recovery can wrap top-level statements */
			top_level(x, n, false);
		}
	}
	kids_free(&k);
}

/* One pass over every node: argparse calls and the first syntax error. */
static void scan(struct px *x, TSNode root)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&c);
		if (!x->has_error && (is(n, "ERROR") || ts_node_is_missing(n))) {
			x->has_error = true;
			x->first_error = n;
		}
		if (is(n, "call")) {
			TSNode f = ts_node_child_by_field_name(n, "function", 8);
			if (is(f, "attribute")) {
				TSNode attr = ts_node_child_by_field_name(f, "attribute", 9);
				if (!ts_node_is_null(attr) && text_is(x, attr, "add_argument")) {
					ARENA_PUSH(x->cx->arena, x->calls, x->n_calls, x->cap_calls) = n;
					x->argparse = true;
				}
			}
			if (!ts_node_is_null(f) && text_ends(x, f, "ArgumentParser")) {
				x->argparse = true;
				struct kids k;
				kids_of(ts_node_child_by_field_name(n, "arguments", 9), &k);
				for (size_t i = 0; i < k.n && !x->ap_desc; i++) {
					TSNode kw = k.v[i];
					if (!is(kw, "keyword_argument"))
						continue;
					TSNode k = ts_node_child_by_field_name(kw, "name", 4);
					if (ts_node_is_null(k) || !text_is(x, k, "description"))
						continue;
					char *d = str_of(x, ts_node_child_by_field_name(kw, "value", 5));
					if (d)
						x->ap_desc = first_paragraph(x->cx->arena, cleandoc(x->cx->arena, d));
				}
				kids_free(&k);
			}
		}
		if (ts_tree_cursor_goto_first_child(&c))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (!ts_tree_cursor_goto_parent(&c)) {
				ts_tree_cursor_delete(&c);
				return;
			}
		}
	}
}

/* Whether the subtree mentions sys.stdin inside json.load(s), sys.stdin, sys.argv. */
struct uses {
	bool json_stdin, stdin_, argv;
};

static void scan_uses(const struct px *x, TSNode root, struct uses *u)
{
	if (ts_node_is_null(root))
		return;
	TSTreeCursor c = ts_tree_cursor_new(root);
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&c);
		if (is(n, "attribute")) {
			if (text_is(x, n, "sys.stdin"))
				u->stdin_ = true;
			else if (text_is(x, n, "sys.argv"))
				u->argv = true;
		} else if (is(n, "call")) {
			TSNode f = ts_node_child_by_field_name(n, "function", 8);
			TSNode a = ts_node_child_by_field_name(n, "arguments", 9);
			if (!ts_node_is_null(f) && !ts_node_is_null(a) &&
			    (text_is(x, f, "json.load") || text_is(x, f, "json.loads"))) {
				size_t len;
				const char *t = ntext(x, a, &len);
				if (len > PY_SCAN_MAX)
					len = PY_SCAN_MAX;
				for (size_t i = 0; i + 9 <= len && !u->json_stdin; i++)
					if (!memcmp(t + i, "sys.stdin", 9))
						u->json_stdin = true;
			}
		}
		if (ts_tree_cursor_goto_first_child(&c))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (!ts_tree_cursor_goto_parent(&c)) {
				ts_tree_cursor_delete(&c);
				return;
			}
		}
	}
}

/* ------------------------------------------------------------- parameters */

/* A new parameter, or NULL (with a warning) when the name is taken. */
static struct sk_param *param_new(struct px *x, const char *name, TSNode at)
{
	struct sk_tool *t = x->tool;
	struct sk_loc loc;
	loc_of(x, at, &loc);
	if (t->n_params >= PY_MAX_PARAMS) {
		if (t->n_params == PY_MAX_PARAMS && !x->too_many) {
			x->too_many = true;
			diag_warning(x->cx->diag, loc.path, loc.line, loc.col,
				     "tool '%s' has more than %d parameters; ignoring the rest",
				     t->name ? t->name : "", PY_MAX_PARAMS);
		}
		return NULL;
	}
	for (size_t i = 0; i < t->n_params; i++) {
		if (strcmp(t->params[i].name, name))
			continue;
		diag_warning(x->cx->diag, loc.path, loc.line, loc.col,
			     "duplicate parameter '%s' in tool '%s'; keeping the first", name,
			     t->name ? t->name : "");
		diag_note(x->cx->diag, t->params[i].loc.path, t->params[i].loc.line,
			  t->params[i].loc.col, "first defined here");
		return NULL;
	}
	struct sk_param *p = &ARENA_PUSH(x->cx->arena, t->params, t->n_params, t->cap_params);
	memset(p, 0, sizeof *p);
	p->name = name;
	p->type = SKC_T_STRING;
	p->item_type = SKC_T_STRING;
	p->pass = SKC_PASS_VALUE;
	p->loc = loc;
	return p;
}

static void param_enum(struct px *x, struct sk_param *p, const char *json)
{
	ARENA_PUSH(x->cx->arena, p->enum_json, p->n_enum, p->cap_enum) = json;
}

/* "--out-file" -> "out_file" */
static char *opt_name(struct arena *a, const char *opt)
{
	while (*opt == '-')
		opt++;
	char *s = arena_strdup(a, opt);
	for (char *p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

static uint8_t ap_type(const struct px *x, TSNode v)
{
	if (ts_node_is_null(v))
		return SKC_T_STRING;
	if (text_is(x, v, "int"))
		return SKC_T_INTEGER;
	if (text_is(x, v, "float"))
		return SKC_T_NUMBER;
	return SKC_T_STRING; /* str, Path, FileType, custom converters: all take a string */
}

enum ap_kw { KW_TYPE, KW_HELP, KW_REQUIRED, KW_CHOICES, KW_DEFAULT, KW_ACTION, KW_NARGS, KW_DEST, KW_N };

static void ap_argument(struct px *x, TSNode call)
{
	static const char *const kwnames[KW_N] = {"type", "help", "required", "choices", "default",
		"action", "nargs", "dest"};
	struct arena *a = x->cx->arena;
	TSNode args = ts_node_child_by_field_name(call, "arguments", 9);
	if (!is(args, "argument_list"))
		return;
	const char *opts[PY_MAX_OPTS];
	size_t nopts = 0;
	TSNode kw[KW_N];
	bool has[KW_N] = {0};
	memset(kw, 0, sizeof kw);
	struct kids k;
	kids_of(args, &k);
	for (size_t i = 0; i < k.n; i++) {
		TSNode c = k.v[i];
		if (is(c, "keyword_argument")) {
			TSNode k = ts_node_child_by_field_name(c, "name", 4);
			for (int j = 0; j < KW_N && !ts_node_is_null(k); j++) {
				if (text_is(x, k, kwnames[j])) {
					kw[j] = ts_node_child_by_field_name(c, "value", 5);
					has[j] = !ts_node_is_null(kw[j]);
				}
			}
			continue;
		}
		char *s = str_of(x, c);
		if (!s || !*s) {
			nopts = 0;
			break;
		}
		if (nopts < PY_MAX_OPTS)
			opts[nopts++] = s;
	}
	kids_free(&k);
	struct sk_loc loc;
	loc_of(x, call, &loc);
	if (nopts == 0) {
		diag_warning(x->cx->diag, loc.path, loc.line, loc.col,
			     "cannot read the option names of this 'add_argument' call; declare its parameter in a manifest");
		return;
	}
	bool optional = opts[0][0] == '-';
	const char *flag = NULL, *action = NULL;
	for (size_t i = 0; i < nopts; i++) {
		if (!strcmp(opts[i], "-h") || !strcmp(opts[i], "--help"))
			return;
		if (!flag && !strncmp(opts[i], "--", 2) && opts[i][2])
			flag = opts[i];
	}
	if (optional && !flag)
		flag = opts[0];
	if (has[KW_HELP] && text_ends(x, kw[KW_HELP], "SUPPRESS"))
		return;
	bool bool_opt = false;
	if (has[KW_ACTION]) {
		action = str_of(x, kw[KW_ACTION]);
		if (!action && text_ends(x, kw[KW_ACTION], "BooleanOptionalAction"))
			bool_opt = true;
		if (action && (!strcmp(action, "help") || !strcmp(action, "version")))
			return;
	}
	bool store_false = action && !strcmp(action, "store_false");

	const char *name;
	if (!optional)
		name = opts[0];
	else if (has[KW_DEST] && !store_false && str_of(x, kw[KW_DEST]))
		name = str_of(x, kw[KW_DEST]);
	else
		name = opt_name(a, flag);
	if (!*name)
		return;
	struct sk_param *p = param_new(x, name, call);
	if (!p)
		return;
	p->flag = optional ? flag : NULL;

	uint8_t base = ap_type(x, has[KW_TYPE] ? kw[KW_TYPE] : (TSNode){0});
	bool array = false, opt_nargs = false;
	if (bool_opt || (action && (!strcmp(action, "store_true") || store_false ||
				    !strcmp(action, "store_const") || !strcmp(action, "append_const")))) {
		p->type = SKC_T_BOOLEAN;
		p->pass = SKC_PASS_SWITCH;
		if (!bool_opt)
			p->default_json = "false";
	} else if (action && !strcmp(action, "count")) {
		p->type = SKC_T_INTEGER;
		p->pass = SKC_PASS_SWITCH;
	} else if (action && (!strcmp(action, "append") || !strcmp(action, "extend"))) {
		array = true;
		p->pass = SKC_PASS_REPEAT;
		opt_nargs = true; /* an option given any number of times */
	} else {
		p->type = base;
	}
	if (has[KW_NARGS] && p->type != SKC_T_BOOLEAN) {
		TSNode nv = kw[KW_NARGS];
		char *ns = str_of(x, nv);
		bool many = false;
		if (ns && !strcmp(ns, "?"))
			opt_nargs = true;
		else if (ns && !strcmp(ns, "*"))
			many = opt_nargs = true;
		else if ((ns && !strcmp(ns, "+")) || is(nv, "integer"))
			many = true;
		else if (text_ends(x, nv, "REMAINDER"))
			many = opt_nargs = true;
		if (many) {
			array = true;
			if (p->pass == SKC_PASS_VALUE)
				p->pass = SKC_PASS_NARGS;
		}
	}
	if (array) {
		p->type = SKC_T_ARRAY;
		p->item_type = base;
	}
	if (!optional)
		p->pass = SKC_PASS_VALUE;

	if (has[KW_HELP]) {
		char *h = str_of(x, kw[KW_HELP]);
		if (h) {
			/* argparse %-formats help: "%%" shows as "%" */
			char *w = h;
			for (const char *s = h; *s; s++) {
				*w++ = *s;
				if (s[0] == '%' && s[1] == '%')
					s++;
			}
			struct sb b = {0};
			add_words(&b, h, (size_t)(w - h));
			p->description = words_done(a, &b);
			sb_free(&b);
		}
	}
	uint8_t vt = p->type == SKC_T_ARRAY ? p->item_type : p->type;
	bool has_default = false;
	if (has[KW_DEFAULT]) {
		struct sb b = {0};
		enum lit k = lit_json(x, kw[KW_DEFAULT], &b, 0);
		if (k != LIT_NONE)
			has_default = true; /* None too: the script copes without it */
		if (k != LIT_NONE && k != LIT_NULL)
			p->default_json = k == LIT_LIST ? arena_strdup(a, b.p)
							: fit_json(a, b.p, k, p->type == SKC_T_ARRAY ? SKC_T_ARRAY : vt);
		sb_free(&b);
	}
	if (has[KW_CHOICES] && (is(kw[KW_CHOICES], "list") || is(kw[KW_CHOICES], "tuple"))) {
		struct kids cl;
		kids_of(kw[KW_CHOICES], &cl);
		for (size_t i = 0; i < cl.n; i++) {
			TSNode e = cl.v[i];
			struct sb b = {0};
			enum lit k = lit_json(x, e, &b, PY_LIT_DEPTH);
			if (k == LIT_STR || k == LIT_INT || k == LIT_FLOAT) {
				param_enum(x, p, fit_json(a, b.p, k, vt));
			} else {
				p->n_enum = 0; /* one unreadable choice: no enum at all */
				sb_free(&b);
				break;
			}
			sb_free(&b);
		}
		kids_free(&cl);
	}
	if (optional)
		p->required = has[KW_REQUIRED] && is(kw[KW_REQUIRED], "true");
	else
		p->required = !opt_nargs;
	if (has_default)
		p->required = false;
}

static void from_argparse(struct px *x)
{
	for (size_t i = 0; i < x->n_calls; i++)
		ap_argument(x, x->calls[i]);
	x->tool->args = SKC_ARGS_FLAGS;
	x->tool->args_from = SK_FROM_SCRIPT;
	x->tool->params_from = SK_FROM_SCRIPT;
}

static void from_signature(struct px *x, const struct pdocs *docs)
{
	struct arena *a = x->cx->arena;
	struct sk_tool *t = x->tool;
	TSNode params = x->has_main ? ts_node_child_by_field_name(x->main_fn, "parameters", 10) : (TSNode){0};
	struct kids k;
	kids_of(params, &k);
	for (size_t i = 0; i < k.n; i++) {
		TSNode c = k.v[i];
		TSNode name = {0}, hintn = {0}, defn = {0};
		if (is(c, "identifier")) {
			name = c;
		} else if (is(c, "typed_parameter")) {
			TSNode first = ts_node_named_child(c, 0);
			if (is(first, "identifier"))
				name = first;
			hintn = ts_node_child_by_field_name(c, "type", 4);
		} else if (is(c, "default_parameter") || is(c, "typed_default_parameter")) {
			name = ts_node_child_by_field_name(c, "name", 4);
			hintn = ts_node_child_by_field_name(c, "type", 4);
			defn = ts_node_child_by_field_name(c, "value", 5);
		}
		if (!is(name, "identifier"))
			continue; /* *args, **kwargs, separators, tuple patterns */
		size_t nl;
		const char *ns = ntext(x, name, &nl);
		char *pname = clean_str(a, ns, nl);
		if (!strcmp(pname, "self") || !strcmp(pname, "cls"))
			continue;
		struct sk_param *p = param_new(x, pname, c);
		if (!p)
			continue;
		const struct pdoc *d = pdoc_find(docs, pname);
		if (d && d->text)
			p->description = clean_str(a, d->text, strlen(d->text));

		struct sb db = {0};
		enum lit dk = ts_node_is_null(defn) ? LIT_NONE : lit_json(x, defn, &db, 0);
		struct hint h = {0};
		bool known = false;
		if (!ts_node_is_null(hintn)) {
			size_t hl;
			const char *hs = ntext(x, hintn, &hl);
			hint_parse(a, hs, hl, &h);
			known = true;
			if (!h.ok)
				diag_warning(x->cx->diag, p->loc.path, p->loc.line, p->loc.col,
					     "parameter '%s' of 'main' has an unsupported type hint '%s'; assuming string",
					     pname, quote_src(x, hintn));
		} else if (d && d->type) {
			hint_parse(a, d->type, strlen(d->type), &h);
			known = h.ok;
		}
		if (!known && dk != LIT_NONE && dk != LIT_NULL) {
			memset(&h, 0, sizeof h);
			h.ok = known = true;
			h.type = lit_type(dk);
			h.item = SKC_T_STRING;
		}
		if (!known) {
			memset(&h, 0, sizeof h);
			diag_warning(x->cx->diag, p->loc.path, p->loc.line, p->loc.col,
				     "parameter '%s' of 'main' has no type hint; assuming string", pname);
		}
		if (!h.ok) {
			h.type = SKC_T_STRING;
			h.n_enum = 0;
		}
		p->type = h.type;
		p->item_type = h.type == SKC_T_ARRAY ? h.item : SKC_T_STRING;
		p->enum_json = h.enums;
		p->n_enum = h.n_enum;
		p->cap_enum = h.cap_enum;
		if (dk != LIT_NONE) {
			p->required = false;
			if (dk != LIT_NULL)
				p->default_json = dk == LIT_LIST ? arena_strdup(a, db.p)
								 : fit_json(a, db.p, dk, p->type);
		} else {
			/* Optional[T] without a default: leaving it out passes None */
			p->required = !ts_node_is_null(defn) ? false : !h.nullable;
		}
		sb_free(&db);
	}
	kids_free(&k);
	t->params_from = SK_FROM_SCRIPT;

	struct uses u = {0};
	if (x->has_guard)
		scan_uses(x, ts_node_child_by_field_name(x->guard, "consequence", 11), &u);
	if (x->has_main)
		scan_uses(x, ts_node_child_by_field_name(x->main_fn, "body", 4), &u);
	if (u.json_stdin || (!u.argv && u.stdin_)) {
		t->args = SKC_ARGS_JSON;
		t->args_from = SK_FROM_SCRIPT;
	} else if (u.argv) {
		t->args = SKC_ARGS_ARGV;
		t->args_from = SK_FROM_SCRIPT;
	} else {
		t->args = SKC_ARGS_ARGV;
		if (t->n_params) {
			struct sk_loc loc;
			loc_of(x, x->main_fn, &loc);
			diag_warning(x->cx->diag, loc.path, loc.line, loc.col,
				     "cannot tell how 'main' receives its arguments; assuming positional argv (set 'args:' in a manifest to override)");
		}
	}
}

/* ------------------------------------------------- arguments read from argv */

/*
 * Scripts without argparse or main parameters that read sys.argv[N]
 * directly: exutil infers positional parameters from the reads, the
 * len(sys.argv) checks and a `Usage:` text; this walk finds them.
 */
enum { PY_ALIASES = 8, PY_ANCESTORS = 256 };

struct pyargv {
	struct px *x;
	struct exu_argv v;
	const char *sys[PY_ALIASES];  /* names bound to the sys module */
	const char *argv[PY_ALIASES]; /* names bound to sys.argv */
	size_t n_sys, n_argv;
	bool mentions; /* sys.argv appears at all */
	bool top;      /* ... outside any function or class */
};

static bool name_is(const struct px *x, TSNode n, const char *const *set, size_t k)
{
	if (!is(n, "identifier"))
		return false;
	for (size_t i = 0; i < k; i++)
		if (text_is(x, n, set[i]))
			return true;
	return false;
}

static bool is_argv(const struct pyargv *p, TSNode n)
{
	if (is(n, "attribute")) {
		TSNode o = ts_node_child_by_field_name(n, "object", 6);
		TSNode a = ts_node_child_by_field_name(n, "attribute", 9);
		return name_is(p->x, o, p->sys, p->n_sys) && !ts_node_is_null(a) && text_is(p->x, a, "argv");
	}
	return name_is(p->x, n, p->argv, p->n_argv);
}

static void alias_add(struct pyargv *p, const char **set, size_t *k, TSNode n)
{
	size_t len;
	const char *t = ntext(p->x, n, &len);
	if (*k < PY_ALIASES && len < 64)
		set[(*k)++] = clean_str(p->x->cx->arena, t, len);
}

/* `import sys [as s]`, `from sys import argv [as a]`. */
static void py_import(struct pyargv *p, TSNode n)
{
	bool from = is(n, "import_from_statement");
	if (from) {
		TSNode m = ts_node_child_by_field_name(n, "module_name", 11);
		if (ts_node_is_null(m) || !text_is(p->x, m, "sys"))
			return;
	}
	struct kids k;
	kids_of(n, &k);
	for (size_t i = from; i < k.n; i++) {
		TSNode nm = k.v[i], as = {0};
		if (is(nm, "aliased_import")) {
			as = ts_node_child_by_field_name(nm, "alias", 5);
			nm = ts_node_child_by_field_name(nm, "name", 4);
		}
		if (ts_node_is_null(nm) || !text_is(p->x, nm, from ? "argv" : "sys"))
			continue;
		if (!ts_node_is_null(as)) {
			if (from)
				alias_add(p, p->argv, &p->n_argv, as);
			else
				alias_add(p, p->sys, &p->n_sys, as);
		} else if (from) {
			if (p->n_argv < PY_ALIASES)
				p->argv[p->n_argv++] = "argv";
		}
	}
	kids_free(&k);
}

/* `len(sys.argv) OP n` (either way round): the operator with len on the left. */
static bool len_cmp(const struct pyargv *p, TSNode c, char op[3], long long *n)
{
	if (!is(c, "comparison_operator") || ts_node_named_child_count(c) != 2)
		return false;
	TSNode l = ts_node_named_child(c, 0), r = ts_node_named_child(c, 1);
	bool flip = is(l, "integer");
	if (flip) {
		TSNode t = l;
		l = r;
		r = t;
	}
	if (!is(l, "call") || !is(r, "integer"))
		return false;
	TSNode f = ts_node_child_by_field_name(l, "function", 8);
	TSNode a = ts_node_child_by_field_name(l, "arguments", 9);
	if (!is(f, "identifier") || !text_is(p->x, f, "len") || ts_node_named_child_count(a) != 1 ||
	    !is_argv(p, ts_node_named_child(a, 0)))
		return false;
	size_t ol, nl;
	uint32_t b = ts_node_end_byte(ts_node_named_child(c, 0));
	uint32_t e = ts_node_start_byte(ts_node_named_child(c, 1));
	const char *t = p->x->src + b;
	for (ol = e - b; ol && isspace((unsigned char)t[ol - 1]); ol--)
		;
	while (ol && isspace((unsigned char)*t))
		t++, ol--;
	const char *num = ntext(p->x, r, &nl);
	if (ol == 0 || ol > 2 || nl > 6 || strspn(num, "0123456789") < nl)
		return false;
	memcpy(op, t, ol);
	op[ol] = '\0';
	if (flip && op[0] == '<')
		op[0] = '>';
	else if (flip && op[0] == '>')
		op[0] = '<';
	*n = strtoll(num, NULL, 10);
	return true;
}

/* A condition that holds only when enough arguments were given. */
static bool is_count_guard(const struct pyargv *p, TSNode c)
{
	char op[3];
	long long n;
	if (is(c, "boolean_operator")) {
		TSNode l = ts_node_child_by_field_name(c, "left", 4);
		TSNode r = ts_node_child_by_field_name(c, "right", 5);
		return is_count_guard(p, l) || is_count_guard(p, r);
	}
	return len_cmp(p, c, op, &n) && op[0] == '>';
}

static bool within(TSNode n, TSNode outer)
{
	return !ts_node_is_null(outer) && ts_node_start_byte(n) >= ts_node_start_byte(outer) &&
	       ts_node_end_byte(n) <= ts_node_end_byte(outer);
}

/* The comment after a statement on its own line, cleaned; NULL: none. */
static const char *trailing_comment(const struct px *x, TSNode stmt)
{
	TSNode c = ts_node_next_sibling(stmt);
	if (!is(c, "comment") || ts_node_start_point(c).row != ts_node_end_point(stmt).row)
		return NULL;
	size_t len;
	const char *t = ntext(x, c, &len);
	while (len && (*t == '#' || *t == ' '))
		t++, len--;
	return len ? clean_str(x->cx->arena, t, len) : NULL;
}

/* A read of pos at n: guarded when it or an enclosing if needs enough arguments. */
static void py_mark(struct pyargv *p, struct exu_pos *pos, TSNode n, bool guarded)
{
	TSNode a = ts_node_parent(n);
	for (int d = 0; d < PY_ANCESTORS && !ts_node_is_null(a); d++, a = ts_node_parent(a)) {
		if ((is(a, "if_statement") || is(a, "elif_clause") || is(a, "while_statement")) &&
		    is_count_guard(p, ts_node_child_by_field_name(a, "condition", 9)) &&
		    within(n, ts_node_child_by_field_name(a, "consequence", 11)))
			guarded = true;
	}
	if (guarded)
		pos->guarded = true;
	else
		pos->bare = true;
}

/* Where `sys.argv[k]` sits: conversion, default, guard, assigned name. */
static void py_read(struct pyargv *p, struct exu_pos *pos, TSNode n)
{
	struct px *x = p->x;
	TSNode up = ts_node_parent(n);
	/* int(...), float(...), Path(...): one argument, converted */
	if (is(up, "argument_list") && ts_node_named_child_count(up) == 1 && is(ts_node_parent(up), "call")) {
		TSNode call = ts_node_parent(up);
		TSNode f = ts_node_child_by_field_name(call, "function", 8);
		bool conv = text_is(x, f, "str") || text_is(x, f, "Path") || text_is(x, f, "pathlib.Path");
		if (text_is(x, f, "int"))
			pos->type = SKC_T_INTEGER, conv = true;
		else if (text_is(x, f, "float"))
			pos->type = SKC_T_NUMBER, conv = true;
		/* `reader = PdfReader(sys.argv[1])` does not name the argument */
		if (!conv)
			return py_mark(p, pos, n, false);
		n = call;
		up = ts_node_parent(call);
	}
	bool guarded = false;
	if (is(up, "conditional_expression") && ts_node_named_child_count(up) == 3 &&
	    ts_node_eq(ts_node_named_child(up, 0), n)) {
		guarded = is_count_guard(p, ts_node_named_child(up, 1));
		struct sb b = {0};
		enum lit k = lit_json(x, ts_node_named_child(up, 2), &b, 0);
		bool fits = pos->type == SKC_T_STRING ? k != LIT_NONE && k != LIT_NULL && k != LIT_LIST
			  : pos->type == SKC_T_INTEGER ? k == LIT_INT
						       : k == LIT_INT || k == LIT_FLOAT;
		if (fits && !pos->default_json)
			pos->default_json = fit_json(x->cx->arena, b.p, k, pos->type);
		sb_free(&b);
		if (k != LIT_NONE)
			guarded = true; /* `sys.argv[2] if ... else None` */
		n = up;
		up = ts_node_parent(up);
	}
	/* `a, b = sys.argv[1], sys.argv[2]`: the target in the same place */
	if (is(up, "expression_list") && is(ts_node_parent(up), "assignment") && !pos->name) {
		TSNode l = ts_node_child_by_field_name(ts_node_parent(up), "left", 4);
		struct kids lk, rk;
		kids_of(l, &lk);
		kids_of(up, &rk);
		for (size_t i = 0; i < rk.n && lk.n == rk.n; i++) {
			if (!ts_node_eq(rk.v[i], n) || !is(lk.v[i], "identifier"))
				continue;
			size_t len;
			const char *t = ntext(x, lk.v[i], &len);
			pos->name = clean_str(x->cx->arena, t, len);
		}
		kids_free(&lk);
		kids_free(&rk);
	}
	if (is(up, "assignment") && ts_node_eq(ts_node_child_by_field_name(up, "right", 5), n)) {
		TSNode l = ts_node_child_by_field_name(up, "left", 4);
		if (is(l, "identifier") && !pos->name) {
			size_t len;
			const char *t = ntext(x, l, &len);
			pos->name = clean_str(x->cx->arena, t, len);
		}
		if (!pos->desc && is(ts_node_parent(up), "expression_statement"))
			pos->desc = trailing_comment(x, ts_node_parent(up));
	}
	py_mark(p, pos, n, guarded);
}

static struct exu_pos *py_index(struct pyargv *p, TSNode at, long long k)
{
	char num[24];
	struct sk_loc loc;
	loc_of(p->x, at, &loc);
	int w = snprintf(num, sizeof num, "%lld", k);
	return exu_argv_read(p->x->cx, &p->v, num, (size_t)w, loc);
}

/* `a, b = sys.argv[1:3]`, `_, a, b = sys.argv`. */
static void py_unpack(struct pyargv *p, TSNode lhs, TSNode rhs)
{
	long long start = 0;
	if (is(rhs, "subscript")) {
		TSNode s = ts_node_child_by_field_name(rhs, "subscript", 9);
		if (!is(s, "slice"))
			return;
		size_t len;
		const char *t = ntext(p->x, s, &len);
		TSNode first = ts_node_named_child(s, 0);
		if (len && t[0] != ':' && !is(first, "integer"))
			return;
		if (len && t[0] != ':')
			start = strtoll(ntext(p->x, first, &len), NULL, 10);
	}
	struct kids k;
	kids_of(lhs, &k);
	for (size_t i = 0; i < k.n && start + (long long)i <= EXU_ARGV_MAX; i++) {
		if (!is(k.v[i], "identifier"))
			break; /* *rest, nested patterns */
		if (start + (long long)i == 0)
			continue;
		struct exu_pos *pos = py_index(p, k.v[i], start + (long long)i);
		if (!pos)
			continue;
		pos->bare = true;
		size_t len;
		const char *t = ntext(p->x, k.v[i], &len);
		if (!pos->name && !(len == 1 && t[0] == '_'))
			pos->name = clean_str(p->x->cx->arena, t, len);
	}
	kids_free(&k);
}

static void py_argv_scan(struct pyargv *p, TSNode root)
{
	struct px *x = p->x;
	TSTreeCursor c = ts_tree_cursor_new(root);
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&c);
		char op[3];
		long long cnt;
		if (is(n, "import_statement") || is(n, "import_from_statement")) {
			py_import(p, n);
		} else if (is(n, "subscript") && is_argv(p, ts_node_child_by_field_name(n, "value", 5))) {
			TSNode s = ts_node_child_by_field_name(n, "subscript", 9);
			size_t len;
			const char *t = ntext(x, s, &len);
			struct sk_loc loc;
			loc_of(x, n, &loc);
			/* negative and computed indexes say nothing about positions */
			struct exu_pos *pos = is(s, "integer") ? exu_argv_read(x->cx, &p->v, t, len, loc) : NULL;
			if (pos)
				py_read(p, pos, n);
		} else if (is(n, "comparison_operator") && len_cmp(p, n, op, &cnt)) {
			if (op[0] != '>')
				exu_argv_count(&p->v, op, strlen(op), cnt - 1);
		} else if (is(n, "assignment")) {
			TSNode l = ts_node_child_by_field_name(n, "left", 4);
			TSNode r = ts_node_child_by_field_name(n, "right", 5);
			bool pat = is(l, "pattern_list") || is(l, "tuple_pattern") || is(l, "list_pattern");
			if (pat && (is_argv(p, r) ||
				    (is(r, "subscript") && is_argv(p, ts_node_child_by_field_name(r, "value", 5)))))
				py_unpack(p, l, r);
		} else if (is(n, "string") || is(n, "comment")) {
			size_t len;
			const char *t = ntext(x, n, &len);
			struct sk_loc loc;
			loc_of(x, n, &loc);
			exu_argv_usage(&p->v, x->cx->arena, t, len, loc);
		}
		if (!p->top && is_argv(p, n)) {
			p->mentions = true;
			bool nested = false;
			TSNode a = n;
			for (int d = 0; d < PY_ANCESTORS && !ts_node_is_null(a) && !nested; d++, a = ts_node_parent(a))
				nested = is(a, "function_definition") || is(a, "class_definition");
			p->top |= !nested;
		}
		if (!is(n, "string") && ts_tree_cursor_goto_first_child(&c))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (!ts_tree_cursor_goto_parent(&c)) {
				ts_tree_cursor_delete(&c);
				return;
			}
		}
	}
}

struct py_docs {
	const struct px *x;
	const struct pdocs *docs;
};

/* Descriptions from main's docstring win over what the reads suggest. */
static const char *py_doc_of(void *ctx, const char *name)
{
	const struct py_docs *c = ctx;
	const struct pdoc *d = pdoc_find(c->docs, name);
	return d && d->text ? clean_str(c->x->cx->arena, d->text, strlen(d->text)) : NULL;
}

void ex_python(struct ex_ctx *cx, struct sk_tool *tool, const char *src, size_t len)
{
	struct px x = {.cx = cx, .tool = tool, .src = src ? src : "", .len = src ? len : 0};
	const char *where = tool->loc.path;
	const char *script = tool->script ? tool->script : (where ? where : "");
	if (x.len > PY_MAX_SIZE) {
		diag_warning(cx->diag, where, 1, 1,
			     "script '%s' is larger than %d MiB; not parsed (declare the tool in a manifest)",
			     script, PY_MAX_SIZE >> 20);
		return;
	}
	switch (prescan(x.src, x.len)) {
	case PRE_NEST:
		diag_warning(cx->diag, where, 1, 1,
			     "script '%s' nests brackets more than %d deep; not parsed (declare the tool in a manifest)",
			     script, PY_MAX_NEST);
		return;
	case PRE_LINE:
		diag_warning(cx->diag, where, 1, 1,
			     "script '%s' has a statement of more than %d tokens; not parsed (declare the tool in a manifest)",
			     script, PY_MAX_LINE_TOKENS);
		return;
	case PRE_OK:
		break;
	}
	TSParser *parser = ts_parser_new();
	if (!ts_parser_set_language(parser, tree_sitter_python())) {
		diag_error(cx->diag, where, 0, 0, "the python grammar does not match the tree-sitter library");
		ts_parser_delete(parser);
		return;
	}
	TSTree *tree = ts_parser_parse_string(parser, NULL, x.src, (uint32_t)x.len);
	if (!tree) {
		diag_warning(cx->diag, where, 1, 1, "cannot parse '%s'", tool->script ? tool->script : "");
		ts_parser_delete(parser);
		return;
	}
	TSNode root = ts_tree_root_node(tree);
	top_level(&x, root, true);
	struct pyargv pa = {.x = &x, .sys = {"sys"}, .n_sys = 1};
	exu_argv_init(&pa.v, tool->name);
	py_argv_scan(&pa, root);
	/* a module reading sys.argv at its top level is a script too */
	if (!x.has_main && !x.has_guard && !pa.top) {
		tool->is_library = true;
		goto out;
	}
	scan(&x, root);
	if (x.has_error) {
		struct sk_loc loc;
		loc_of(&x, x.first_error, &loc);
		diag_warning(cx->diag, loc.path, loc.line, loc.col, "syntax error in '%s'", script);
	}

	const char *mod_doc = docstring(&x, root);
	const char *main_doc = NULL;
	if (x.has_main) {
		TSNode body = ts_node_child_by_field_name(x.main_fn, "body", 4);
		if (!ts_node_is_null(body))
			main_doc = docstring(&x, body);
	}
	const char *desc = mod_doc ? first_paragraph(cx->arena, mod_doc) : NULL;
	if (!desc)
		desc = x.ap_desc;
	if (!desc && main_doc)
		desc = first_paragraph(cx->arena, main_doc);
	if (desc) {
		tool->description = desc;
		tool->description_from = SK_FROM_SCRIPT;
	} else {
		diag_warning(cx->diag, where, 1, 1, "tool '%s' has no description; add a module docstring",
			     tool->name ? tool->name : "");
	}

	struct pdocs docs = {0};
	if (x.argparse) {
		from_argparse(&x);
	} else {
		if (main_doc) {
			struct line *v;
			size_t n = split_lines(cx->arena, main_doc, &v);
			doc_sphinx(cx->arena, v, n, &docs);
			doc_google(cx->arena, v, n, &docs);
			doc_numpy(cx->arena, v, n, &docs);
		}
		from_signature(&x, &docs);
	}
	bool inferred = false;
	if (!x.argparse && tool->n_params == 0 && pa.mentions && tool->args == SKC_ARGS_ARGV) {
		struct py_docs dc = {&x, &docs};
		bool capped = false;
		if (exu_argv_params(cx, tool, &pa.v, py_doc_of, &dc, &capped)) {
			inferred = true;
			tool->args_from = tool->params_from = SK_FROM_SCRIPT;
		}
	}

	size_t described = 0;
	for (size_t i = 0; i < tool->n_params; i++)
		described += tool->params[i].description != NULL;
	if (tool->n_params >= 2 && !described && !inferred) {
		struct sk_loc loc = {where, 1, 1};
		if (!x.argparse && x.has_main)
			loc_of(&x, x.main_fn, &loc);
		diag_warning(cx->diag, loc.path, loc.line, loc.col,
			     "no parameter of tool '%s' has a description; %s", tool->name ? tool->name : "",
			     x.argparse ? "add help= to its add_argument calls"
					: "document them in the docstring of 'main'");
	}
out:
	ts_tree_delete(tree);
	ts_parser_delete(parser);
}
