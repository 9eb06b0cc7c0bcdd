/* exutil.c - text and parsing helpers shared by the script extractors. */
#include "exutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/skc_abi.h"

void exu_putn(struct arena *a, struct exu_buf *b, const char *s, size_t n)
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

void exu_puts(struct arena *a, struct exu_buf *b, const char *s)
{
	exu_putn(a, b, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
size_t exu_utf8_len(const unsigned char *s, size_t n)
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
char *exu_clean(struct arena *a, const char *s, size_t n)
{
	struct exu_buf b = {0};
	bool space = false;
	exu_putn(a, &b, "", 0);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == ' ') {
			space = b.n > 0;
			i++;
			continue;
		}
		if (space)
			exu_putn(a, &b, " ", 1);
		space = false;
		size_t l = exu_utf8_len((const unsigned char *)s + i, n - i);
		if (l == 0) {
			exu_puts(a, &b, "\xef\xbf\xbd");
			i++;
		} else {
			exu_putn(a, &b, s + i, l);
			i += l;
		}
	}
	return b.p;
}

/* A JSON string literal for a clean UTF-8 string. */
char *exu_json_str(struct arena *a, const char *s)
{
	struct exu_buf b = {0};
	exu_putn(a, &b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			exu_putn(a, &b, e, 2);
		} else if (c < 0x20) {
			char e[8];
			snprintf(e, sizeof e, "\\u%04x", c);
			exu_puts(a, &b, e);
		} else {
			exu_putn(a, &b, s, 1);
		}
	}
	exu_putn(a, &b, "\"", 1);
	return b.p;
}

bool exu_is_integer(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == '\0';
}

bool exu_is_number(const char *s)
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
char *exu_unquote(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 && (s[0] == '"' || s[0] == '\'' || s[0] == '`') && s[n - 1] == s[0])
		return arena_strndup(a, s + 1, n - 2);
	return arena_strdup(a, s);
}

/* JSON text of a value written as text for a parameter of type `type`; NULL if it does not fit. */
const char *exu_value_json(struct arena *a, uint8_t type, const char *text)
{
	char *v = exu_unquote(a, text);
	switch (type) {
	case SKC_T_INTEGER:
		if (*v == '+')
			v++;
		return exu_is_integer(v) && !(v[0] == '0' && v[1]) && strncmp(v, "-0", 2) ? v : NULL;
	case SKC_T_NUMBER:
		return exu_is_number(v) ? v : NULL;
	case SKC_T_BOOLEAN:
		if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
		    !strcasecmp(v, "on"))
			return "true";
		if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") ||
		    !strcasecmp(v, "off"))
			return "false";
		return NULL;
	default:
		return exu_json_str(a, v);
	}
}

const char *exu_type_word(uint8_t t)
{
	switch (t) {
	case SKC_T_INTEGER: return "integer";
	case SKC_T_NUMBER: return "number";
	case SKC_T_BOOLEAN: return "boolean";
	case SKC_T_ARRAY: return "array";
	default: return "string";
	}
}

/*
 * Parse in segments cut at line ends (see EXU_SEGMENT); byte offsets and
 * points stay those of the whole file. False when a parse ran out of time.
 */
static bool exu_parse_segments(struct arena *a, struct exu_parse *ps, const char *src, size_t len)
{
	TSPoint pt = {0, 0};
	size_t off = 0;
	do {
		size_t end = len - off > EXU_SEGMENT ? off + EXU_SEGMENT : len;
		if (end < len) {
			size_t nl = end;
			while (nl > off && src[nl - 1] != '\n')
				nl--;
			if (nl > off)
				end = nl;
			else
				while (end > off + 1 && ((unsigned char)src[end] & 0xc0) == 0x80)
					end--;
		}
		TSPoint ept = pt;
		for (size_t i = off; i < end; i++) {
			if (src[i] == '\n')
				ept.row++, ept.column = 0;
			else
				ept.column++;
		}
		TSRange r = {pt, ept, (uint32_t)off, (uint32_t)end};
		ts_parser_set_included_ranges(ps->parser, &r, 1);
		TSTree *t = ts_parser_parse_string(ps->parser, NULL, src, (uint32_t)len);
		if (!t)
			return false;
		ARENA_PUSH(a, ps->trees, ps->n_trees, ps->cap_trees) = t;
		ARENA_PUSH(a, ps->roots, ps->n_roots, ps->cap_roots) = ts_tree_root_node(t);
		off = end;
		pt = ept;
	} while (off < len);
	return true;
}

int exu_parse_script(struct exu_parse *ps, struct ex_ctx *cx, const struct sk_tool *tool,
		     const TSLanguage *lang, const char *src, size_t len)
{
	const char *path = tool->loc.path;
	unsigned line = tool->loc.line ? tool->loc.line : 1, col = tool->loc.col ? tool->loc.col : 1;
	memset(ps, 0, sizeof *ps);
	if (len >= UINT32_MAX) {
		diag_warning(cx->diag, path, line, col, "'%s' is too large to read", tool->script);
		return -1;
	}
	ps->parser = ts_parser_new();
	ts_parser_set_language(ps->parser, lang);
	ts_parser_set_timeout_micros(ps->parser, EXU_PARSE_TIMEOUT_US);
	if (!exu_parse_segments(cx->arena, ps, src, len))
		diag_warning(cx->diag, path, line, col, "could not parse '%s' in time", tool->script);
	return 0;
}

void exu_parse_release(struct exu_parse *ps)
{
	for (size_t i = 0; i < ps->n_trees; i++)
		ts_tree_delete(ps->trees[i]);
	if (ps->parser)
		ts_parser_delete(ps->parser);
}

void exu_push_param(struct arena *a, struct diag *d, struct sk_tool *t, const struct sk_param *p,
		    bool *capped)
{
	if (t->n_params >= EXU_MAX_PARAMS) {
		if (!*capped)
			diag_warning(d, p->loc.path, p->loc.line, p->loc.col,
				     "'%s' declares more than %d parameters; the rest are ignored",
				     t->name, EXU_MAX_PARAMS);
		*capped = true;
		return;
	}
	for (size_t i = 0; i < t->n_params; i++) {
		if (strcmp(t->params[i].name, p->name))
			continue;
		diag_warning(d, p->loc.path, p->loc.line, p->loc.col,
			     "duplicate parameter '%s' of '%s'; the first is kept", p->name, t->name);
		diag_note(d, t->params[i].loc.path, t->params[i].loc.line, t->params[i].loc.col,
			  "first defined here");
		return;
	}
	ARENA_PUSH(a, t->params, t->n_params, t->cap_params) = *p;
}

char *exu_trim(char *s)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}
