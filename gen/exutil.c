/* exutil.c - text and parsing helpers shared by the script extractors. */
#include "exutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* ---- positional arguments read straight from argv ------------------------ */

void exu_argv_init(struct exu_argv *v, const char *tool)
{
	memset(v, 0, sizeof *v);
	v->min = -1;
	v->tool = tool ? tool : "";
}

struct exu_pos *exu_argv_read(struct ex_ctx *cx, struct exu_argv *v, const char *k, size_t klen,
			      struct sk_loc at)
{
	size_t i = 0;
	while (i < klen && k[i] == '0')
		i++;
	if (i == klen || strspn(k, "0123456789") < klen)
		return NULL; /* argv[0] is the program; anything else is not an index */
	unsigned idx = 0;
	if (klen - i <= 4)
		for (; i < klen; i++)
			idx = idx * 10 + (unsigned)(k[i] - '0');
	if (idx == 0 || idx > EXU_ARGV_MAX) {
		/* not a tool anyone calls; one warning is enough */
		if (!v->warned)
			diag_warning(cx->diag, at.path, at.line, at.col,
				     "argument %.*s of '%s' is beyond the %d positional arguments a tool may take; ignored",
				     (int)(klen > 24 ? 24 : klen), k, v->tool, EXU_ARGV_MAX);
		v->warned = true;
		return NULL;
	}
	if (v->reads >= EXU_ARGV_READS)
		return NULL;
	v->reads++;
	struct exu_pos *p = &v->pos[idx];
	if (!p->read)
		p->loc = at;
	p->read = true;
	if (idx > v->max)
		v->max = idx;
	return p;
}

void exu_argv_count(struct exu_argv *v, const char *op, size_t oplen, long long n)
{
	static const struct {
		const char *op;
		int add; /* arguments required: n + add; 0 with n 0: at least one */
		bool exact;
	} ops[] = {
		{"<", 0, false},  {"-lt", 0, false}, {"<=", 1, false}, {"-le", 1, false},
		{"!=", 0, true},  {"-ne", 0, true},  {"==", 0, true},  {"-eq", 0, true},
		{"=", 0, true},
	};
	if (n < 0 || n > EXU_ARGV_MAX)
		return;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (strlen(ops[i].op) != oplen || memcmp(ops[i].op, op, oplen))
			continue;
		int need = (int)n + ops[i].add;
		/* `!= 0` says nothing; `== 0` guards the no-argument case */
		if (ops[i].exact && n == 0)
			need = op[0] == '!' || op[1] == 'n' ? 0 : 1;
		if (need > EXU_ARGV_MAX)
			need = EXU_ARGV_MAX;
		if (need > v->min)
			v->min = need;
		return;
	}
}

char *exu_param_name(struct arena *a, const char *s, size_t len)
{
	struct exu_buf b = {0};
	bool gap = false;
	for (size_t i = 0; i < len && b.n < 48; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) && c < 0x80) {
			if (gap && b.n)
				exu_putn(a, &b, "_", 1);
			if (!b.n && isdigit(c))
				exu_puts(a, &b, "arg_");
			char l = (char)tolower(c);
			exu_putn(a, &b, &l, 1);
			gap = false;
		} else {
			gap = true;
		}
	}
	return b.n ? b.p : NULL;
}

static bool exu_word_is(const char *s, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == n && !strncasecmp(*set, s, n))
			return true;
	return false;
}

/* End of a bracketed group starting at s[i] (`<`...`>` or `[`...`]`), on one line. */
static size_t exu_close(const char *s, size_t len, size_t i)
{
	char open = s[i], close = open == '<' ? '>' : ']';
	int depth = 0;
	for (size_t j = i; j < len && j < i + 160; j++) {
		if (s[j] == '\n' || s[j] == '"' || s[j] == '\\')
			return 0;
		depth += s[j] == open;
		if (s[j] == close && --depth == 0)
			return j;
	}
	return 0;
}

static bool exu_ends(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && !memcmp(s + n - k, suf, k);
}

static void exu_add_word(struct arena *a, struct exu_uword *w, size_t *n, bool *more,
			 const char *s, size_t len, bool optional)
{
	bool list = exu_ends(s, len, "...");
	if (list)
		len -= 3;
	while (len && (*s == ' ' || *s == '<'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '>'))
		len--;
	if (*n >= EXU_ARGV_MAX) {
		*more = true;
		return;
	}
	w[*n] = (struct exu_uword){.name = exu_param_name(a, s, len),
				   .text = exu_clean(a, s, len),
				   .optional = optional,
				   .list = list};
	++*n;
}

bool exu_usage_parse(struct arena *a, const char *s, size_t len, struct exu_uword *w, size_t *n,
		     bool *more)
{
	static const char *const runners[] = {"python", "python3", "py", "bash", "sh", "zsh", "node",
		"uv", "uvx", "run", "env", "-m", NULL};
	static const char *const opts[] = {"options", "option", "opts", "flags", "args", "...", NULL};
	size_t i = 0, nl = 0;
	bool prog = false, meta = false;
	*n = 0;
	*more = false;
	if (len > 4096)
		len = 4096; /* a usage line, not a manual */
	while (i < len && !*more) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		char c = s[i];
		bool escaped_nl = c == '\\' && i + 1 < len && s[i + 1] == 'n';
		if (c == '\n' || c == '\r' || escaped_nl) {
			/* `Usage:` alone on its line: the synopsis is on the next */
			if (*n || prog || nl++)
				break;
			i += escaped_nl ? 2 : 1;
			while (i < len && strchr(" \t#\r", s[i]))
				i++;
			continue;
		}
		if (c == '<' || c == '[') {
			size_t e = exu_close(s, len, i);
			if (!e)
				break;
			const char *in = s + i + 1;
			size_t il = e - i - 1;
			i = e + 1;
			bool list = i + 3 <= len && !memcmp(s + i, "...", 3);
			if (list)
				i += 3;
			prog = true;
			while (il && *in == ' ')
				in++, il--;
			if (c == '[' && (!il || *in == '-' || exu_word_is(in, il, opts))) {
				meta = false;
				if (il && !memcmp(in, "...", il < 3 ? il : 3) && *n)
					w[*n - 1].list = true;
				continue;
			}
			if (meta) {
				meta = false;
				continue;
			}
			/* `[<x>]`, `[x [y]]`: the first placeholder inside */
			const char *cut = memchr(in + 1, '[', il > 1 ? il - 1 : 0);
			if (cut)
				il = (size_t)(cut - in);
			exu_add_word(a, w, n, more, in, il, c == '[');
			if (list && *n)
				w[*n - 1].list = true;
			continue;
		}
		size_t b = i;
		if (c == '$' && i + 1 < len && s[i + 1] == '(') {
			int depth = 0;
			for (; i < len && s[i] != '\n'; i++) {
				depth += s[i] == '(';
				if (s[i] == ')' && --depth == 0) {
					i++;
					break;
				}
			}
		} else {
			while (i < len && !strchr(" \t\r\n\"'`\\", s[i]))
				i++;
		}
		const char *t = s + b;
		size_t tl = i - b;
		if (tl == 0)
			break; /* a quote, backslash or NUL: the text ends */
		if (!prog) {
			if (!exu_word_is(t, tl, runners))
				prog = true;
			continue;
		}
		if (tl == 3 && !memcmp(t, "...", 3)) {
			if (*n)
				w[*n - 1].list = true;
			continue;
		}
		if (t[0] == '-') {
			if (tl <= 2 && (tl == 1 || t[1] == '-'))
				break; /* `-` or `--`: what follows is prose */
			meta = !memchr(t, '=', tl);
			continue;
		}
		bool plain = true;
		for (size_t k = 0; k < tl && plain; k++)
			plain = isalnum((unsigned char)t[k]) || strchr("_./:@-", t[k]);
		if (!plain || t[tl - 1] == ':' || t[tl - 1] == ',')
			break;
		if (meta) {
			meta = false;
			continue;
		}
		exu_add_word(a, w, n, more, t, tl, false);
	}
	return *n > 0;
}

/* `usage:` starts a line, a string or a comment (not "disk usage: 50%"). */
static bool exu_usage_at(const char *s, size_t i)
{
	while (i > 0) {
		unsigned char c = (unsigned char)s[i - 1];
		if (c == '\n' || c == '"' || c == '\'' || c == '#' || c == '(')
			return true;
		if (!(c == ' ' || c == '\t' || c >= 0x80 || strchr("*-=>!:", c)))
			return false;
		i--;
	}
	return true;
}

void exu_argv_usage(struct exu_argv *v, struct arena *a, const char *s, size_t len, struct sk_loc at)
{
	for (size_t i = 0; i + 6 <= len && !v->n_usage; i++) {
		if (strncasecmp(s + i, "usage:", 6) || !exu_usage_at(s, i))
			continue;
		if (!exu_usage_parse(a, s + i + 6, len - i - 6, v->usage, &v->n_usage, &v->usage_more))
			continue;
		v->usage_loc = at;
		for (size_t k = 0; k < i; k++) {
			if (s[k] == '\n') {
				v->usage_loc.line++;
				v->usage_loc.col = 1;
			}
		}
	}
}

static bool exu_taken(const struct sk_tool *t, const char *name)
{
	for (size_t i = 0; i < t->n_params; i++)
		if (!strcmp(t->params[i].name, name))
			return true;
	return false;
}

size_t exu_argv_params(struct ex_ctx *cx, struct sk_tool *t, struct exu_argv *v,
		       const char *(*doc)(void *ctx, const char *name), void *docctx, bool *capped)
{
	struct arena *a = cx->arena;
	const struct exu_uword *w = v->usage;
	size_t nu = v->n_usage;
	if (v->usage_more)
		diag_warning(cx->diag, v->usage_loc.path, v->usage_loc.line, v->usage_loc.col,
			     "usage of '%s' names more than %d arguments; the rest are ignored",
			     t->name, EXU_ARGV_MAX);
	unsigned n = v->max;
	if (nu > n)
		n = (unsigned)nu;
	if (v->min > (int)n)
		n = (unsigned)v->min;
	size_t added = 0;
	for (unsigned k = 1; k <= n; k++) {
		const struct exu_pos *pos = &v->pos[k];
		const struct exu_uword *u = k <= nu ? &w[k - 1] : NULL;
		struct sk_param p = {0};
		const char *names[3] = {pos->name, u ? u->name : NULL, arena_printf(a, "arg%u", k)};
		for (size_t i = 0; i < 3 && !p.name; i++)
			if (names[i] && !exu_taken(t, names[i]))
				p.name = names[i];
		if (!p.name)
			p.name = arena_printf(a, "%s_arg%u", names[0] ? names[0] : names[1], k);
		p.description = doc ? doc(docctx, p.name) : NULL;
		if (!p.description)
			p.description = pos->desc ? pos->desc : u ? u->text : NULL;
		p.type = pos->type;
		p.item_type = SKC_T_STRING;
		if (u && u->list && k == n && !pos->read)
			p.type = SKC_T_ARRAY;
		p.default_json = pos->default_json;
		if (p.default_json)
			p.required = false;
		else if (v->min >= 0)
			p.required = (int)k <= v->min;
		else if (pos->read)
			p.required = pos->bare;
		else
			p.required = !(u && u->optional);
		p.pass = SKC_PASS_VALUE;
		p.loc = pos->read ? pos->loc : nu ? v->usage_loc : t->loc;
		if (!p.loc.line)
			p.loc.line = p.loc.col = 1;
		if (!p.description)
			diag_warning(cx->diag, p.loc.path, p.loc.line, p.loc.col,
				     "argument %u of '%s' is not described; calling it '%s' (add a 'Usage:' line or a comment)",
				     k, t->name, p.name);
		size_t before = t->n_params;
		exu_push_param(a, cx->diag, t, &p, capped);
		added += t->n_params > before;
	}
	return added;
}
