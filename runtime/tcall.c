/*
 * tcall.c - text-mode tool calls: a lenient, bounded JSON reader, the search
 * for a call in a model's free-text reply, and the prompt that asks for one.
 *
 * Everything here reads untrusted model output: every read is bounded by the
 * length given, recursion by TCALL_MAX_DEPTH, and the work of a search by
 * TCALL_MAX_TEXT and TCALL_MAX_CANDIDATES.
 */
#include "tcall.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jbuf.h"
#include "text.h"

/* ---- the lenient reader ---- */

struct tcall_rd {
	const unsigned char *s;
	size_t n, i;
	struct jbuf b; /* scratch for strings, reused */
};

/* Into the scratch buffer: false when memory runs out. */
static bool buf_put(struct jbuf *b, const void *d, size_t k)
{
	jb_put(b, d, k);
	return !b->failed;
}

static bool put_utf8(struct jbuf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t k;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	return buf_put(b, u, k);
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_ident(int c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
	       (!first && c >= '0' && c <= '9');
}

/* Whitespace and // and block comments; an unterminated block comment runs
 * to the end. */
static void skip_space(struct tcall_rd *r)
{
	while (r->i < r->n) {
		unsigned char c = r->s[r->i];
		if (is_space(c)) {
			r->i++;
		} else if (c == '/' && r->i + 1 < r->n && r->s[r->i + 1] == '/') {
			while (r->i < r->n && r->s[r->i] != '\n')
				r->i++;
		} else if (c == '/' && r->i + 1 < r->n && r->s[r->i + 1] == '*') {
			size_t j = r->i + 2;
			while (j + 1 < r->n && !(r->s[j] == '*' && r->s[j + 1] == '/'))
				j++;
			r->i = j + 1 < r->n ? j + 2 : r->n;
		} else {
			break;
		}
	}
}

/* Four hex digits at r->i, or -1. */
static long hex4(struct tcall_rd *r)
{
	long v = 0;
	if (r->n - r->i < 4)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		int d = txt_hexval(r->s[r->i + k]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	r->i += 4;
	return v;
}

static bool read_escape(struct tcall_rd *r)
{
	static const char from[] = "\"'\\/bfnrt", to[] = "\"'\\/\b\f\n\r\t";
	unsigned char e = r->s[r->i++];
	const char *p = e ? strchr(from, e) : NULL;
	if (p) {
		char c = to[p - from];
		return buf_put(&r->b, &c, 1);
	}
	if (e != 'u')
		return false;
	long cp = hex4(r);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		/* A high surrogate must pair with a low one. */
		if (r->n - r->i < 2 || r->s[r->i] != '\\' || r->s[r->i + 1] != 'u')
			return false;
		r->i += 2;
		long lo = hex4(r);
		if (lo < 0xdc00 || lo > 0xdfff)
			return false;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xdc00 && cp <= 0xdfff) {
		return false;
	}
	/* No NUL: names and arguments end up as C strings. */
	if (cp <= 0)
		return false;
	return put_utf8(&r->b, (uint32_t)cp);
}

/* A quoted string at r->i into r->b; false when it is broken, holds a NUL
 * or is not UTF-8. Raw control characters other than NUL are let through,
 * as models put raw newlines in strings. */
static bool read_string(struct tcall_rd *r)
{
	unsigned char q = r->s[r->i++];
	r->b.len = r->b.head = 0;
	if (!buf_put(&r->b, "", 0))
		return false;
	while (r->i < r->n) {
		unsigned char c = r->s[r->i];
		if (c == q) {
			r->i++;
			return true;
		}
		if (c == '\0')
			return false;
		if (c == '\\') {
			r->i++;
			if (r->i >= r->n || !read_escape(r))
				return false;
			continue;
		}
		size_t k = 1;
		if (c >= 0x80 && !(k = txt_utf8_len(r->s + r->i, r->n - r->i)))
			return false;
		if (!buf_put(&r->b, r->s + r->i, k))
			return false;
		r->i += k;
	}
	return false;
}

static size_t ident_len(const struct tcall_rd *r)
{
	size_t j = r->i;
	if (j < r->n && is_ident(r->s[j], true))
		while (++j < r->n && is_ident(r->s[j], false))
			;
	return j - r->i;
}

static json_t *read_number(struct tcall_rd *r)
{
	const unsigned char *s = r->s;
	size_t j = r->i, d;
	bool real = false;
	char tmp[512];
	if (j < r->n && (s[j] == '-' || s[j] == '+'))
		j++;
	for (d = j; j < r->n && s[j] >= '0' && s[j] <= '9'; j++)
		;
	if (j == d)
		return NULL;
	if (j < r->n && s[j] == '.') {
		real = true;
		while (++j < r->n && s[j] >= '0' && s[j] <= '9')
			;
	}
	if (j < r->n && (s[j] == 'e' || s[j] == 'E')) {
		real = true;
		if (++j < r->n && (s[j] == '-' || s[j] == '+'))
			j++;
		for (d = j; j < r->n && s[j] >= '0' && s[j] <= '9'; j++)
			;
		if (j == d)
			return NULL;
	}
	if (j - r->i >= sizeof tmp)
		return NULL;
	memcpy(tmp, s + r->i, j - r->i);
	tmp[j - r->i] = '\0';
	const char *p = tmp + (tmp[0] == '+');
	char *end;
	json_t *v;
	if (!real) {
		errno = 0;
		long long x = strtoll(p, &end, 10);
		if (errno == 0 && *end == '\0') {
			if ((v = json_integer((json_int_t)x)))
				r->i = j;
			return v;
		}
	}
	/* Reals, and integers too big for json_int_t. */
	double x = strtod(p, &end);
	if (*end != '\0' || !isfinite(x))
		return NULL;
	if ((v = json_real(x)))
		r->i = j;
	return v;
}

static json_t *read_value(struct tcall_rd *r, int depth);

/* A key: a quoted string or a bare identifier, malloc'd. */
static char *read_key(struct tcall_rd *r)
{
	if (r->s[r->i] == '"' || r->s[r->i] == '\'') {
		if (!read_string(r))
			return NULL;
		return strdup(r->b.p);
	}
	size_t k = ident_len(r);
	if (!k)
		return NULL;
	char *key = strndup((const char *)r->s + r->i, k);
	r->i += k;
	return key;
}

static json_t *read_object(struct tcall_rd *r, int depth)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	r->i++;
	for (;;) {
		skip_space(r);
		if (r->i >= r->n)
			break;
		if (r->s[r->i] == '}') {
			r->i++;
			return o;
		}
		char *key = read_key(r);
		if (!key)
			break;
		skip_space(r);
		json_t *v = NULL;
		if (r->i < r->n && r->s[r->i] == ':') {
			r->i++;
			v = read_value(r, depth);
		}
		/* json_object_set_new releases v when it fails. */
		int bad = !v || json_object_set_new(o, key, v);
		free(key);
		if (bad)
			break;
		skip_space(r);
		if (r->i < r->n && r->s[r->i] == ',') {
			r->i++; /* a trailing comma is let through by the '}' check */
			continue;
		}
		if (r->i < r->n && r->s[r->i] == '}') {
			r->i++;
			return o;
		}
		break;
	}
	json_decref(o);
	return NULL;
}

static json_t *read_array(struct tcall_rd *r, int depth)
{
	json_t *a = json_array();
	if (!a)
		return NULL;
	r->i++;
	for (;;) {
		skip_space(r);
		if (r->i >= r->n)
			break;
		if (r->s[r->i] == ']') {
			r->i++;
			return a;
		}
		json_t *v = read_value(r, depth);
		if (!v || json_array_append_new(a, v))
			break;
		skip_space(r);
		if (r->i < r->n && r->s[r->i] == ',') {
			r->i++;
			continue;
		}
		if (r->i < r->n && r->s[r->i] == ']') {
			r->i++;
			return a;
		}
		break;
	}
	json_decref(a);
	return NULL;
}

static json_t *read_word(struct tcall_rd *r)
{
	static const struct {
		const char *word;
		int kind; /* 0 null, 1 true, 2 false */
	} words[] = {
		{"null", 0}, {"true", 1}, {"false", 2}, {"None", 0}, {"True", 1}, {"False", 2},
	};
	size_t k = ident_len(r);
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
		if (strlen(words[w].word) != k || memcmp(words[w].word, r->s + r->i, k) != 0)
			continue;
		r->i += k;
		return words[w].kind == 0 ? json_null() : json_boolean(words[w].kind == 1);
	}
	return NULL;
}

/* depth is the nesting already open around this value. */
static json_t *read_value(struct tcall_rd *r, int depth)
{
	skip_space(r);
	if (r->i >= r->n)
		return NULL;
	unsigned char c = r->s[r->i];
	if (c == '{' || c == '[') {
		if (depth >= TCALL_MAX_DEPTH)
			return NULL;
		return c == '{' ? read_object(r, depth + 1) : read_array(r, depth + 1);
	}
	if (c == '"' || c == '\'')
		return read_string(r) ? json_stringn(r->b.p, r->b.len) : NULL;
	if (c == '-' || c == '+' || (c >= '0' && c <= '9'))
		return read_number(r);
	return read_word(r);
}

json_t *tcall_parse_value(const char *s, size_t n, size_t *used)
{
	struct tcall_rd r = {.s = (const unsigned char *)s, .n = s ? n : 0};
	json_t *v = read_value(&r, 0);
	jb_release(&r.b);
	if (used)
		*used = v ? r.i : 0;
	return v;
}

/* Whether s holds only whitespace and comments. */
static bool only_space(const char *s, size_t n)
{
	struct tcall_rd r = {.s = (const unsigned char *)s, .n = n};
	skip_space(&r);
	return r.i == r.n;
}

/* ---- picking a call out of a value ---- */

struct tcall_finder {
	tcall_known known;
	void *ud;
	struct tcall *out;
};

/* The arguments as an owned object, or NULL when they are not one. */
static json_t *call_args(json_t *a)
{
	if (!a || json_is_null(a))
		return json_object();
	if (json_is_object(a))
		return json_incref(a);
	if (!json_is_string(a))
		return NULL;
	const char *s = json_string_value(a);
	size_t n = json_string_length(a), used;
	if (only_space(s, n))
		return json_object(); /* some servers send "" for no arguments */
	json_t *v = tcall_parse_value(s, n, &used);
	if (v && json_is_object(v) && only_space(s + used, n - used))
		return v;
	json_decref(v);
	return NULL;
}

static json_t *find_args(json_t *o)
{
	static const char *const keys[] = {"arguments", "args", "parameters", "input"};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		json_t *a = json_object_get(o, keys[k]);
		if (a)
			return a;
	}
	return NULL;
}

static bool take_object(struct tcall_finder *f, json_t *o, bool top, size_t start, size_t end)
{
	static const char *const keys[] = {"tool", "name", "function"};
	json_t *name = NULL, *src = o;
	for (size_t k = 0; k < sizeof keys / sizeof keys[0] && !name; k++) {
		json_t *x = json_object_get(o, keys[k]);
		if (json_is_string(x)) {
			name = x;
		} else if (json_is_object(x) && k != 1) {
			/* OpenAI's {"function": {"name", "arguments"}} */
			src = x;
			name = json_object_get(x, "name");
		}
	}
	if (!name && top) {
		/* {"tool_calls": [...]}, as OpenAI's messages carry them */
		json_t *calls = json_object_get(o, "tool_calls"), *e;
		size_t i;
		json_array_foreach(calls, i, e)
			if (json_is_object(e) && take_object(f, e, false, start, end))
				return true;
		return false;
	}
	if (!json_is_string(name))
		return false;
	const char *nm = json_string_value(name);
	size_t len = json_string_length(name);
	if (len == 0 || len >= sizeof f->out->name || strlen(nm) != len)
		return false;
	if (f->known && !f->known(f->ud, nm))
		return false;
	json_t *a = find_args(src);
	if (!a && src != o)
		a = find_args(o);
	json_t *args = call_args(a);
	if (!args)
		return false;
	memcpy(f->out->name, nm, len + 1);
	f->out->args = args;
	f->out->start = start;
	f->out->end = end;
	return true;
}

static bool take_call(struct tcall_finder *f, json_t *v, size_t start, size_t end)
{
	if (json_is_object(v))
		return take_object(f, v, true, start, end);
	json_t *e;
	size_t i;
	json_array_foreach(v, i, e)
		if (json_is_object(e) && take_object(f, e, true, start, end))
			return true;
	return false;
}

/* ---- candidates ---- */

struct tcall_fence {
	size_t start, end;     /* the whole fence */
	size_t body, body_end; /* the lines between its markers */
	bool data;             /* the body was a JSON value */
};

static size_t line_end(const char *t, size_t n, size_t i)
{
	const char *p = memchr(t + i, '\n', n - i);
	return p ? (size_t)(p - t) : n;
}

/* The length of a fence marker on the line [ls, le) (up to three spaces in,
 * three or more '`' or '~'), 0 when there is none. */
static size_t fence_run(const char *t, size_t ls, size_t le, char *ch, size_t *at)
{
	size_t j = ls, k;
	while (j < le && j - ls < 3 && t[j] == ' ')
		j++;
	if (j >= le || (t[j] != '`' && t[j] != '~'))
		return 0;
	for (k = j; k < le && t[k] == t[j]; k++)
		;
	if (k - j < 3)
		return 0;
	*ch = t[j];
	*at = j;
	return k - j;
}

static bool only_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Fenced blocks in order, at most max; one without a closing marker runs to
 * the end of the text, as in CommonMark. */
static size_t find_fences(const char *t, size_t n, struct tcall_fence *f, size_t max)
{
	size_t nf = 0, ls = 0;
	while (ls < n && nf < max) {
		size_t le = line_end(t, n, ls), at = 0, run;
		char ch = 0;
		run = fence_run(t, ls, le, &ch, &at);
		/* A backtick info string holds no backtick: "```x```" is inline. */
		if (!run || (ch == '`' && memchr(t + at + run, '`', le - at - run))) {
			ls = le + 1;
			continue;
		}
		struct tcall_fence *x = &f[nf++];
		x->start = at;
		x->body = le < n ? le + 1 : n;
		x->body_end = x->end = n;
		x->data = false;
		for (size_t cs = x->body; cs < n;) {
			size_t ce = line_end(t, n, cs), cat = 0, crun;
			char cch = 0;
			crun = fence_run(t, cs, ce, &cch, &cat);
			if (crun >= run && cch == ch && only_blank(t + cat + crun, ce - cat - crun)) {
				x->body_end = cs;
				x->end = cat + crun;
				break;
			}
			cs = ce + 1;
		}
		ls = x->end;
	}
	return nf;
}

/* A balanced {...} span; end is UINT32_MAX while (or when) unclosed.
 * Positions fit: the text is cut to TCALL_MAX_TEXT. */
struct tcall_span {
	uint32_t start, end;
};

struct tcall_spans {
	struct tcall_span *v;
	size_t len, cap;
	uint32_t *stk; /* indices into v of the open braces */
	size_t sp, stkcap;
};

static bool spans_open(struct tcall_spans *s, size_t at)
{
	if (s->len == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct tcall_span *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return false;
		s->v = v;
		s->cap = cap;
	}
	if (s->sp == s->stkcap) {
		size_t cap = s->stkcap ? s->stkcap * 2 : 64;
		uint32_t *k = realloc(s->stk, cap * sizeof *k);
		if (!k)
			return false;
		s->stk = k;
		s->stkcap = cap;
	}
	s->v[s->len] = (struct tcall_span){(uint32_t)at, UINT32_MAX};
	s->stk[s->sp++] = (uint32_t)s->len++;
	return true;
}

/*
 * Records the brace spans of t[a, b) in one pass, so that a text of many
 * unclosed braces costs linear time rather than a rescan per brace. Inside
 * braces, quotes are tracked so that braces in strings do not count; a quote
 * opens a string only where a JSON string could start (after '{', '[', ','
 * or ':'), so that an apostrophe in prose does not swallow the rest.
 */
static bool scan_braces(const char *t, size_t a, size_t b, struct tcall_spans *s)
{
	unsigned char q = 0, prev = 0;
	bool esc = false;
	s->sp = 0;
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)t[i];
		if (s->sp == 0) {
			if (c == '{') {
				if (!spans_open(s, i))
					return false;
				q = 0;
				esc = false;
				prev = c;
			}
			continue;
		}
		if (q) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == q) {
				q = 0;
				prev = c;
			}
			continue;
		}
		if (is_space(c))
			continue;
		if (c == '/' && i + 1 < b && t[i + 1] == '/') {
			while (i + 1 < b && t[i + 1] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < b && t[i + 1] == '*') {
			size_t j = i + 2;
			while (j + 1 < b && !(t[j] == '*' && t[j + 1] == '/'))
				j++;
			i = j + 1 < b ? j + 1 : b;
			continue;
		}
		if ((c == '"' || c == '\'') &&
		    (prev == '{' || prev == '[' || prev == ',' || prev == ':')) {
			q = c;
			continue;
		}
		if (c == '{' && !spans_open(s, i))
			return false;
		if (c == '}')
			s->v[s->stk[--s->sp]].end = (uint32_t)(i + 1);
		prev = c;
	}
	return true;
}

static bool has_before(const char *t, size_t at, const char *tag)
{
	size_t k = strlen(tag);
	return at >= k && memcmp(t + at - k, tag, k) == 0;
}

/* Widens a span to an XML-ish wrapper around it, <tool_call>...</tool_call>. */
static void widen(const char *t, size_t n, size_t *start, size_t *end)
{
	static const char open[] = "<tool_call>", close[] = "</tool_call>";
	size_t s = *start, e = *end;
	while (s > 0 && is_space(t[s - 1]))
		s--;
	while (e < n && is_space(t[e]))
		e++;
	if (!has_before(t, s, open) || n - e < sizeof close - 1 ||
	    memcmp(t + e, close, sizeof close - 1) != 0)
		return;
	*start = s - (sizeof open - 1);
	*end = e + sizeof close - 1;
}

int tcall_find(const char *text, size_t n, tcall_known known, void *ud, struct tcall *out)
{
	struct tcall_fence fences[TCALL_MAX_CANDIDATES];
	struct tcall_finder f = {known, ud, out};
	struct tcall_spans sp = {0};
	size_t nf, tried = 0, used, prev = 0, fi = 0, skip = 0;
	int found = 0;
	json_t *v;

	memset(out, 0, sizeof *out);
	if (!text)
		return 0;
	if (n > TCALL_MAX_TEXT)
		n = TCALL_MAX_TEXT;

	nf = find_fences(text, n, fences, TCALL_MAX_CANDIDATES);
	for (size_t i = 0; i < nf && tried < TCALL_MAX_CANDIDATES; i++) {
		struct tcall_fence *x = &fences[i];
		tried++;
		v = tcall_parse_value(text + x->body, x->body_end - x->body, &used);
		x->data = v != NULL;
		found = v && take_call(&f, v, x->start, x->end);
		json_decref(v);
		if (found)
			return 1;
	}
	if (tried >= TCALL_MAX_CANDIDATES)
		return 0;

	/* Spans never cross a fence marker. */
	for (size_t i = 0; i < nf; i++) {
		if (!scan_braces(text, prev, fences[i].start, &sp) ||
		    !scan_braces(text, fences[i].body, fences[i].body_end, &sp))
			goto out;
		prev = fences[i].end;
	}
	if (!scan_braces(text, prev, n, &sp))
		goto out;

	for (size_t i = 0; i < sp.len && tried < TCALL_MAX_CANDIDATES; i++) {
		size_t s = sp.v[i].start, e = sp.v[i].end;
		if (sp.v[i].end == UINT32_MAX || s < skip)
			continue;
		/* What lies inside a well-formed value is its data, not a call. */
		while (fi < nf && fences[fi].end <= s)
			fi++;
		if (fi < nf && fences[fi].data && fences[fi].body <= s && s < fences[fi].body_end)
			continue;
		tried++;
		v = tcall_parse_value(text + s, e - s, &used);
		if (v)
			skip = e;
		widen(text, n, &s, &e);
		found = v && take_call(&f, v, s, e);
		json_decref(v);
		if (found)
			break;
	}
out:
	free(sp.v);
	free(sp.stk);
	return found;
}

void tcall_release(struct tcall *c)
{
	if (!c)
		return;
	json_decref(c->args);
	c->args = NULL;
}

/* ---- the prompt ---- */

char *tcall_prompt(const char *const *names, const char *const *descriptions,
		   const char *const *schemas, size_t count)
{
	char *p = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&p, &len);
	if (!f)
		return NULL;
	fputs("You can call tools. To call one, reply with only a fenced JSON block:\n"
	      "```json\n"
	      "{\"tool\": \"NAME\", \"arguments\": {...}}\n"
	      "```\n"
	      "One call per reply; the result comes back in the next message. Tools:\n",
	      f);
	for (size_t i = 0; i < count; i++) {
		const char *d = descriptions && descriptions[i] ? descriptions[i] : "";
		const char *s = schemas && schemas[i] ? schemas[i] : "{\"type\": \"object\"}";
		fprintf(f, "- %s%s%s\n  arguments schema: %s\n", names[i], *d ? ": " : "", d, s);
	}
	if (ferror(f)) {
		fclose(f);
		free(p);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(p);
		return NULL;
	}
	return p;
}
