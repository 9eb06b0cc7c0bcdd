/*
 * extract_js.c - tool metadata from a JavaScript script: JSDoc and how it
 * reads its arguments (.js, .mjs, .cjs).
 *
 * Conventions a script may follow (the README repeats them for authors):
 *
 *   JSDoc block    the `/** ... *\/` comment right before `function main`
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
 *                  entries, else the plain @params); argv: process.argv
 *                  (process.argv[2] ..., or .slice(2)), @params in order.
 *
 * Text taken into the model is made valid UTF-8 (bad bytes become U+FFFD),
 * control bytes become spaces and runs of white space collapse to one.
 */
#include "extract.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_javascript(void);

/* See extract_sh.c: a parse time limit, and segments under 64 KiB. */
enum { JS_PARSE_TIMEOUT_US = 20 * 1000 * 1000, JS_SEGMENT = 32 * 1024 };

/* ---- text helpers ------------------------------------------------------ */

struct js_buf {
	char *p;
	size_t n, cap;
};

static void js_putn(struct arena *a, struct js_buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + n + 1)
			cap *= 2;
		arena_grow(a, (void **)&b->p, &b->cap, cap, 1);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void js_puts(struct arena *a, struct js_buf *b, const char *s)
{
	js_putn(a, b, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t js_utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t min, cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, min = 0x80, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, min = 0x800, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
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

/*
 * A clean one-line copy: valid UTF-8, control bytes and white space runs
 * folded to one space, trimmed. Never NULL.
 */
static char *js_clean(struct arena *a, const char *s, size_t n)
{
	struct js_buf b = {0};
	bool space = false;
	js_putn(a, &b, "", 0);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == ' ') {
			space = b.n > 0;
			i++;
			continue;
		}
		if (space)
			js_putn(a, &b, " ", 1);
		space = false;
		size_t l = js_utf8_len((const unsigned char *)s + i, n - i);
		if (l == 0) {
			js_puts(a, &b, "\xef\xbf\xbd");
			i++;
		} else {
			js_putn(a, &b, s + i, l);
			i += l;
		}
	}
	return b.p;
}

/* A JSON string literal for a clean UTF-8 string. */
static char *js_json_str(struct arena *a, const char *s)
{
	struct js_buf b = {0};
	js_putn(a, &b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			js_putn(a, &b, e, 2);
		} else if (c < 0x20) {
			char e[8];
			snprintf(e, sizeof e, "\\u%04x", c);
			js_puts(a, &b, e);
		} else {
			js_putn(a, &b, s, 1);
		}
	}
	js_putn(a, &b, "\"", 1);
	return b.p;
}

static bool js_is_integer(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == '\0';
}

static bool js_is_number(const char *s)
{
	/* JSON number grammar, so the text can be emitted as is. */
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s))
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

/* Drop one pair of matching quotes or backquotes around a clean string. */
static char *js_unquote(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 && (s[0] == '"' || s[0] == '\'' || s[0] == '`') && s[n - 1] == s[0])
		return arena_strndup(a, s + 1, n - 2);
	return arena_strdup(a, s);
}

/* JSON text of a value written as text for a parameter of type `type`; NULL if it does not fit. */
static const char *js_value_json(struct arena *a, uint8_t type, const char *text)
{
	char *v = js_unquote(a, text);
	switch (type) {
	case SKC_T_INTEGER:
		if (*v == '+')
			v++;
		return js_is_integer(v) && !(v[0] == '0' && v[1]) && strncmp(v, "-0", 2) ? v : NULL;
	case SKC_T_NUMBER:
		return js_is_number(v) ? v : NULL;
	case SKC_T_BOOLEAN:
		if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
		    !strcasecmp(v, "on"))
			return "true";
		if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") ||
		    !strcasecmp(v, "off"))
			return "false";
		return NULL;
	default:
		return js_json_str(a, v);
	}
}

static const char *js_type_word(uint8_t t)
{
	switch (t) {
	case SKC_T_INTEGER: return "integer";
	case SKC_T_NUMBER: return "number";
	case SKC_T_BOOLEAN: return "boolean";
	case SKC_T_ARRAY: return "array";
	default: return "string";
	}
}

static bool js_prefix_ci(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

static char *js_trim(char *s)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

