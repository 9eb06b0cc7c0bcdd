/*
 * jsv.c - check JSON values against a fixed subset of JSON Schema, and check
 * that a schema stays inside that subset.
 *
 * Both walks stop at the first problem and describe it once: a JSON Pointer
 * to where it is and one message. Paths are kept as a stack of segments and
 * only formatted when something fails, so a passing check costs no text.
 */
#include "jsv.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

enum {
	JSV_MAX_SEGS = 2 * JSV_MAX_DEPTH + 8, /* a level adds at most two, a keyword one more */
	JSV_SHOW = 40,			      /* bytes of a name or string shown in a message */
	JSV_SHOW_JSON = 60,		      /* bytes of a JSON text shown in a message */
	JSV_EQ_DEPTH = 256,		      /* deeper values never compare equal */
	JSV_TEXT = 256			      /* room for one shown piece */
};

/* ---------------------------------------------------------------- text */

/* A bounded output buffer; what does not fit is dropped, never split mid-character. */
struct jsv_buf {
	char *s;
	size_t cap, len;
	bool full; /* something was dropped: drop the rest too */
};

static void jb_init(struct jsv_buf *b, char *s, size_t cap)
{
	b->s = cap ? s : NULL;
	b->cap = cap;
	b->len = 0;
	b->full = false;
	if (b->s)
		b->s[0] = '\0';
}

static void jb_putn(struct jsv_buf *b, const char *s, size_t n)
{
	if (!b->s || b->full || b->len + n >= b->cap) {
		b->full = true; /* whole pieces only: a cut piece could end inside a character */
		return;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void jb_puts(struct jsv_buf *b, const char *s)
{
	jb_putn(b, s, strlen(s));
}

static void jb_printf(struct jsv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void jb_printf(struct jsv_buf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (r > 0 && (size_t)r < sizeof tmp)
		jb_putn(b, tmp, (size_t)r);
}

/* After a cut by snprintf: drop a last character that was cut in two. */
static void jsv_trim(char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && n - i < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0 && (unsigned char)s[i - 1] >= 0xC0 &&
	    txt_utf8_len((const unsigned char *)s + i - 1, n - i + 1) == 0)
		s[i - 1] = '\0';
}

/*
 * User text as it may appear in a message: control bytes and invalid UTF-8
 * as \xNN, at most `max` input bytes, then "...". `esc_ptr` also escapes
 * '~' and '/' as a JSON Pointer segment needs.
 */
static void jb_show(struct jsv_buf *b, const char *s, size_t n, size_t max, bool esc_ptr)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (i >= max) {
			jb_puts(b, "...");
			return;
		}
		size_t l = txt_utf8_len(u + i, n - i);
		if (l == 0 || u[i] < 0x20 || u[i] == 0x7F) {
			jb_printf(b, "\\x%02X", u[i]);
			i++;
		} else if (esc_ptr && u[i] == '~') {
			jb_puts(b, "~0"), i++;
		} else if (esc_ptr && u[i] == '/') {
			jb_puts(b, "~1"), i++;
		} else {
			jb_putn(b, s + i, l);
			i += l;
		}
	}
}

/* A JSON value as compact text, shortened. */
static void jb_json(struct jsv_buf *b, const json_t *v)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (t)
		jb_show(b, t, strlen(t), JSV_SHOW_JSON, false);
	else
		jb_puts(b, "?");
	free(t);
}

/* The kind of a value as a type name; an integral real is still a number. */
static const char *jsv_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	case JSON_NULL: return "null";
	}
	return "value";
}

/* "string \"abc\"", "integer 3", "object": what a value is, for "got ...". */
static void jb_got(struct jsv_buf *b, const json_t *v)
{
	jb_puts(b, jsv_kind(v));
	if (json_is_object(v) || json_is_array(v) || json_is_null(v))
		return;
	jb_puts(b, " ");
	jb_json(b, v);
}

/* ------------------------------------------------------------- context */

struct jsv_seg {
	const char *key; /* NULL: an array index */
	size_t len;
	size_t index;
};

struct jsv_ctx {
	struct jsv_seg seg[JSV_MAX_SEGS];
	size_t n; /* may exceed JSV_MAX_SEGS; the extra segments are not kept */
	char *ptr, *msg;
	size_t ptrn, msgn;
};

static void jsv_push_key(struct jsv_ctx *cx, const char *key, size_t len)
{
	if (cx->n < JSV_MAX_SEGS)
		cx->seg[cx->n] = (struct jsv_seg){key, len, 0};
	cx->n++;
}

static void jsv_push_index(struct jsv_ctx *cx, size_t i)
{
	if (cx->n < JSV_MAX_SEGS)
		cx->seg[cx->n] = (struct jsv_seg){NULL, 0, i};
	cx->n++;
}

static void jsv_pop(struct jsv_ctx *cx)
{
	cx->n--;
}

static int jsv_fail(struct jsv_ctx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record where we are and what is wrong; always -1, to return. */
static int jsv_fail(struct jsv_ctx *cx, const char *fmt, ...)
{
	struct jsv_buf b;
	jb_init(&b, cx->ptr, cx->ptrn);
	size_t n = cx->n < JSV_MAX_SEGS ? cx->n : JSV_MAX_SEGS;
	for (size_t i = 0; i < n; i++) {
		jb_puts(&b, "/");
		if (cx->seg[i].key)
			jb_show(&b, cx->seg[i].key, cx->seg[i].len, JSV_SHOW, true);
		else
			jb_printf(&b, "%zu", cx->seg[i].index);
	}
	if (cx->n > n)
		jb_puts(&b, "/...");
	if (cx->msg && cx->msgn) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(cx->msg, cx->msgn, fmt, ap);
		va_end(ap);
		jsv_trim(cx->msg);
	}
	return -1;
}

/* ------------------------------------------------------------- values */

static bool jsv_integral(const json_t *v)
{
	if (json_is_integer(v))
		return true;
	if (!json_is_real(v))
		return false;
	/* Without libm: from 2^52 up every double is a whole number. */
	double d = json_real_value(v);
	if (!isfinite(d))
		return false;
	return fabs(d) >= 4503599627370496.0 || d == (double)(long long)d;
}

/* Compare two numbers by value; integers exactly. */
static int jsv_cmp(const json_t *a, const json_t *b)
{
	if (json_is_integer(a) && json_is_integer(b)) {
		json_int_t x = json_integer_value(a), y = json_integer_value(b);
		return (x > y) - (x < y);
	}
	double x = json_number_value(a), y = json_number_value(b);
	return (x > y) - (x < y);
}

/* A count keyword's value (minLength ...), or -1 when it is not one. */
static double jsv_count(const json_t *k)
{
	if (!k || !jsv_integral(k) || json_number_value(k) < 0)
		return -1;
	return json_number_value(k);
}

/* JSON equality in the schema sense: numbers by value, objects unordered. */
static bool jsv_equal(const json_t *a, const json_t *b, int depth)
{
	if (depth > JSV_EQ_DEPTH)
		return false;
	if (json_is_number(a) && json_is_number(b))
		return jsv_cmp(a, b) == 0;
	if (json_typeof(a) != json_typeof(b))
		return false;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!jsv_equal(json_array_get(a, i), json_array_get(b, i), depth + 1))
				return false;
		return true;
	case JSON_OBJECT: {
		if (json_object_size(a) != json_object_size(b))
			return false;
		const char *key;
		json_t *va;
		json_object_foreach((json_t *)a, key, va) {
			const json_t *vb = json_object_get(b, key);
			if (!vb || !jsv_equal(va, vb, depth + 1))
				return false;
		}
		return true;
	}
	default:
		return true; /* true, false, null: same type is same value */
	}
}

/* Unicode code points in a valid UTF-8 string. */
static size_t jsv_chars(const json_t *v)
{
	const unsigned char *s = (const unsigned char *)json_string_value(v);
	size_t n = json_string_length(v), count = 0;
	for (size_t i = 0; i < n; i++)
		count += (s[i] & 0xC0) != 0x80;
	return count;
}

static bool jsv_is_type(const char *name, const json_t *v)
{
	if (!strcmp(name, "object"))
		return json_is_object(v);
	if (!strcmp(name, "array"))
		return json_is_array(v);
	if (!strcmp(name, "string"))
		return json_is_string(v);
	if (!strcmp(name, "number"))
		return json_is_number(v);
	if (!strcmp(name, "integer"))
		return jsv_integral(v);
	if (!strcmp(name, "boolean"))
		return json_is_boolean(v);
	if (!strcmp(name, "null"))
		return json_is_null(v);
	return false;
}

static int jsv_type(struct jsv_ctx *cx, const json_t *k, const json_t *v)
{
	char want[JSV_TEXT], got[JSV_TEXT];
	struct jsv_buf b;
	jb_init(&b, want, sizeof want);
	if (json_is_string(k)) {
		if (jsv_is_type(json_string_value(k), v))
			return 0;
		jb_show(&b, json_string_value(k), json_string_length(k), JSV_SHOW, false);
	} else if (json_is_array(k)) {
		size_t n = json_array_size(k);
		for (size_t i = 0; i < n; i++) {
			const json_t *t = json_array_get(k, i);
			if (!json_is_string(t))
				continue;
			if (jsv_is_type(json_string_value(t), v))
				return 0;
			if (b.len)
				jb_puts(&b, i + 1 == n ? " or " : ", ");
			jb_show(&b, json_string_value(t), json_string_length(t), JSV_SHOW, false);
		}
		if (!b.len)
			return 0;
	} else {
		return 0;
	}
	jb_init(&b, got, sizeof got);
	jb_got(&b, v);
	return jsv_fail(cx, "expected %s, got %s", want, got);
}

static int jsv_value(struct jsv_ctx *cx, const json_t *s, const json_t *v, int depth);

static int jsv_object(struct jsv_ctx *cx, const json_t *s, const json_t *v, int depth)
{
	char name[JSV_TEXT];
	struct jsv_buf b;
	const json_t *req = json_object_get(s, "required");
	for (size_t i = 0; i < json_array_size(req); i++) {
		const json_t *r = json_array_get(req, i);
		if (!json_is_string(r) || json_object_get(v, json_string_value(r)))
			continue;
		jb_init(&b, name, sizeof name);
		jb_show(&b, json_string_value(r), json_string_length(r), JSV_SHOW, false);
		return jsv_fail(cx, "missing required property '%s'", name);
	}
	const json_t *props = json_object_get(s, "properties");
	const json_t *extra = json_object_get(s, "additionalProperties");
	const char *key;
	json_t *x;
	json_object_foreach((json_t *)v, key, x) {
		const json_t *sub = json_object_get(props, key);
		if (!sub)
			sub = extra;
		if (!sub)
			continue;
		if (json_is_false(sub) && sub == extra) {
			jb_init(&b, name, sizeof name);
			jb_show(&b, key, strlen(key), JSV_SHOW, false);
			return jsv_fail(cx, "unexpected property '%s'", name);
		}
		jsv_push_key(cx, key, strlen(key));
		int rc = jsv_value(cx, sub, x, depth + 1);
		jsv_pop(cx);
		if (rc)
			return rc;
	}
	return 0;
}

static int jsv_array(struct jsv_ctx *cx, const json_t *s, const json_t *v, int depth)
{
	size_t n = json_array_size(v);
	double c = jsv_count(json_object_get(s, "minItems"));
	if (c >= 0 && (double)n < c)
		return jsv_fail(cx, "expected at least %.0f item%s, got %zu", c, c == 1 ? "" : "s", n);
	c = jsv_count(json_object_get(s, "maxItems"));
	if (c >= 0 && (double)n > c)
		return jsv_fail(cx, "expected at most %.0f item%s, got %zu", c, c == 1 ? "" : "s", n);
	const json_t *items = json_object_get(s, "items");
	if (!items)
		return 0;
	for (size_t i = 0; i < n; i++) {
		jsv_push_index(cx, i);
		int rc = jsv_value(cx, items, json_array_get(v, i), depth + 1);
		jsv_pop(cx);
		if (rc)
			return rc;
	}
	return 0;
}

static int jsv_string(struct jsv_ctx *cx, const json_t *s, const json_t *v)
{
	size_t n = jsv_chars(v);
	double c = jsv_count(json_object_get(s, "minLength"));
	if (c >= 0 && (double)n < c)
		return jsv_fail(cx, "expected at least %.0f character%s, got %zu", c, c == 1 ? "" : "s", n);
	c = jsv_count(json_object_get(s, "maxLength"));
	if (c >= 0 && (double)n > c)
		return jsv_fail(cx, "expected at most %.0f character%s, got %zu", c, c == 1 ? "" : "s", n);
	return 0;
}

static int jsv_number(struct jsv_ctx *cx, const json_t *s, const json_t *v)
{
	static const struct {
		const char *kw, *op;
		int bad1, bad2; /* jsv_cmp(value, bound) results that fail */
	} bounds[] = {
		{"minimum", ">=", -1, -1},
		{"exclusiveMinimum", ">", -1, 0},
		{"maximum", "<=", 1, 1},
		{"exclusiveMaximum", "<", 1, 0},
	};
	for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
		const json_t *k = json_object_get(s, bounds[i].kw);
		if (!json_is_number(k))
			continue;
		int c = jsv_cmp(v, k);
		if (c != bounds[i].bad1 && c != bounds[i].bad2)
			continue;
		char want[JSV_TEXT], got[JSV_TEXT];
		struct jsv_buf b;
		jb_init(&b, want, sizeof want);
		jb_json(&b, k);
		jb_init(&b, got, sizeof got);
		jb_json(&b, v);
		return jsv_fail(cx, "expected a number %s %s, got %s", bounds[i].op, want, got);
	}
	return 0;
}

static int jsv_value(struct jsv_ctx *cx, const json_t *s, const json_t *v, int depth)
{
	if (depth > JSV_MAX_DEPTH)
		return jsv_fail(cx, "schema nesting is deeper than %d levels", JSV_MAX_DEPTH);
	if (json_is_true(s))
		return 0;
	if (json_is_false(s))
		return jsv_fail(cx, "no value is allowed here");
	if (!json_is_object(s))
		return 0;
	const json_t *k = json_object_get(s, "type");
	if (k && jsv_type(cx, k, v))
		return -1;
	char want[JSV_TEXT], got[JSV_TEXT];
	struct jsv_buf b;
	k = json_object_get(s, "enum");
	if (json_is_array(k)) {
		size_t i, n = json_array_size(k);
		for (i = 0; i < n; i++)
			if (jsv_equal(json_array_get(k, i), v, 0))
				break;
		if (i == n) {
			jb_init(&b, want, sizeof want);
			jb_json(&b, k);
			jb_init(&b, got, sizeof got);
			jb_json(&b, v);
			return jsv_fail(cx, "expected one of %s, got %s", want, got);
		}
	}
	k = json_object_get(s, "const");
	if (k && !jsv_equal(k, v, 0)) {
		jb_init(&b, want, sizeof want);
		jb_json(&b, k);
		jb_init(&b, got, sizeof got);
		jb_json(&b, v);
		return jsv_fail(cx, "expected %s, got %s", want, got);
	}
	if (json_is_object(v))
		return jsv_object(cx, s, v, depth);
	if (json_is_array(v))
		return jsv_array(cx, s, v, depth);
	if (json_is_string(v))
		return jsv_string(cx, s, v);
	if (json_is_number(v))
		return jsv_number(cx, s, v);
	return 0;
}

/* ------------------------------------------------------------- schemas */

enum jsv_kw {
	KW_TYPE, KW_PROPERTIES, KW_REQUIRED, KW_ADDITIONAL, KW_ITEMS, KW_ENUM, KW_ANY,
	KW_NUMBER, KW_COUNT, KW_STRING, KW_BOOLEAN, KW_ARRAY
};

static const struct {
	const char *name;
	enum jsv_kw kind;
	bool annotation;
} jsv_keywords[] = {
	{"type", KW_TYPE, false},
	{"properties", KW_PROPERTIES, false},
	{"required", KW_REQUIRED, false},
	{"additionalProperties", KW_ADDITIONAL, false},
	{"items", KW_ITEMS, false},
	{"enum", KW_ENUM, false},
	{"const", KW_ANY, false},
	{"minimum", KW_NUMBER, false},
	{"maximum", KW_NUMBER, false},
	{"exclusiveMinimum", KW_NUMBER, false},
	{"exclusiveMaximum", KW_NUMBER, false},
	{"minLength", KW_COUNT, false},
	{"maxLength", KW_COUNT, false},
	{"minItems", KW_COUNT, false},
	{"maxItems", KW_COUNT, false},
	{"title", KW_STRING, true},
	{"description", KW_STRING, true},
	{"default", KW_ANY, true},
	{"examples", KW_ARRAY, true},
	{"$schema", KW_STRING, true},
	{"$comment", KW_STRING, true},
	{"format", KW_STRING, true},
	{"deprecated", KW_BOOLEAN, true},
	{"readOnly", KW_BOOLEAN, true},
	{"writeOnly", KW_BOOLEAN, true},
};

static const char *const jsv_types[] = {"object", "array", "string", "number", "integer",
					"boolean", "null"};

static bool jsv_type_name(const json_t *t)
{
	if (!json_is_string(t))
		return false;
	for (size_t i = 0; i < sizeof jsv_types / sizeof jsv_types[0]; i++)
		if (!strcmp(json_string_value(t), jsv_types[i]))
			return true;
	return false;
}

static int jsv_bad_type(struct jsv_ctx *cx, const json_t *t)
{
	char name[JSV_TEXT];
	struct jsv_buf b;
	jb_init(&b, name, sizeof name);
	if (!json_is_string(t)) {
		jb_got(&b, t);
		return jsv_fail(cx, "expected a type name, got %s", name);
	}
	jb_show(&b, json_string_value(t), json_string_length(t), JSV_SHOW, false);
	return jsv_fail(cx, "unknown type '%s'; expected object, array, string, number, integer, "
			    "boolean or null", name);
}

static int jsv_schema(struct jsv_ctx *cx, const json_t *s, int depth);

static int jsv_keyword(struct jsv_ctx *cx, const char *name, enum jsv_kw kind, const json_t *v,
		       int depth)
{
	char got[JSV_TEXT];
	struct jsv_buf b;
	jb_init(&b, got, sizeof got);
	jb_got(&b, v);
	switch (kind) {
	case KW_TYPE:
		if (json_is_string(v))
			return jsv_type_name(v) ? 0 : jsv_bad_type(cx, v);
		if (!json_is_array(v) || !json_array_size(v))
			return jsv_fail(cx, "'type' must be a type name or a non-empty list of them, not %s",
					got);
		for (size_t i = 0; i < json_array_size(v); i++) {
			const json_t *t = json_array_get(v, i);
			jsv_push_index(cx, i);
			int rc = jsv_type_name(t) ? 0 : jsv_bad_type(cx, t);
			for (size_t j = 0; j < i && !rc; j++)
				if (jsv_equal(json_array_get(v, j), t, 0))
					rc = jsv_fail(cx, "type '%s' is listed twice",
						      json_string_value(t));
			jsv_pop(cx);
			if (rc)
				return rc;
		}
		return 0;
	case KW_PROPERTIES: {
		if (!json_is_object(v))
			return jsv_fail(cx, "'properties' must be an object, not %s", got);
		const char *key;
		json_t *x;
		json_object_foreach((json_t *)v, key, x) {
			jsv_push_key(cx, key, strlen(key));
			int rc = jsv_schema(cx, x, depth + 1);
			jsv_pop(cx);
			if (rc)
				return rc;
		}
		return 0;
	}
	case KW_REQUIRED:
		if (!json_is_array(v))
			return jsv_fail(cx, "'required' must be a list of property names, not %s", got);
		for (size_t i = 0; i < json_array_size(v); i++) {
			const json_t *r = json_array_get(v, i);
			jsv_push_index(cx, i);
			int rc = 0;
			if (!json_is_string(r)) {
				jb_init(&b, got, sizeof got);
				jb_got(&b, r);
				rc = jsv_fail(cx, "'required' must list property names, not %s", got);
			}
			for (size_t j = 0; j < i && !rc; j++) {
				if (jsv_equal(json_array_get(v, j), r, 0)) {
					jb_init(&b, got, sizeof got);
					jb_show(&b, json_string_value(r), json_string_length(r), JSV_SHOW,
						false);
					rc = jsv_fail(cx, "property '%s' is required twice", got);
				}
			}
			jsv_pop(cx);
			if (rc)
				return rc;
		}
		return 0;
	case KW_ADDITIONAL:
	case KW_ITEMS:
		if (json_is_array(v) && kind == KW_ITEMS)
			return jsv_fail(cx, "'items' must be one schema; a list of schemas (tuples) is "
					    "not supported");
		return jsv_schema(cx, v, depth + 1);
	case KW_ENUM:
		if (!json_is_array(v) || !json_array_size(v))
			return jsv_fail(cx, "'enum' must be a non-empty list of values, not %s", got);
		return 0;
	case KW_ANY:
		return 0;
	case KW_NUMBER:
		return json_is_number(v) ? 0 : jsv_fail(cx, "'%s' must be a number, not %s", name, got);
	case KW_COUNT:
		return jsv_count(v) >= 0 ? 0
					 : jsv_fail(cx, "'%s' must be a non-negative integer, not %s",
						    name, got);
	case KW_STRING:
		return json_is_string(v) ? 0 : jsv_fail(cx, "'%s' must be a string, not %s", name, got);
	case KW_BOOLEAN:
		return json_is_boolean(v) ? 0
					  : jsv_fail(cx, "'%s' must be true or false, not %s", name, got);
	case KW_ARRAY:
		return json_is_array(v) ? 0 : jsv_fail(cx, "'%s' must be a list, not %s", name, got);
	}
	return 0;
}

static int jsv_unsupported(struct jsv_ctx *cx, const char *key)
{
	char name[JSV_TEXT], list[1024];
	struct jsv_buf b;
	jb_init(&b, name, sizeof name);
	jb_show(&b, key, strlen(key), JSV_SHOW, false);
	jb_init(&b, list, sizeof list);
	bool ann = false;
	for (size_t i = 0; i < sizeof jsv_keywords / sizeof jsv_keywords[0]; i++) {
		if (jsv_keywords[i].annotation && !ann) {
			jb_puts(&b, "; annotations (ignored): ");
			ann = true;
		} else if (i) {
			jb_puts(&b, ", ");
		}
		jb_puts(&b, jsv_keywords[i].name);
	}
	return jsv_fail(cx, "unsupported keyword '%s'; supported: %s", name, list);
}

static int jsv_schema(struct jsv_ctx *cx, const json_t *s, int depth)
{
	if (depth > JSV_MAX_DEPTH)
		return jsv_fail(cx, "schema nesting is deeper than %d levels", JSV_MAX_DEPTH);
	if (json_is_boolean(s))
		return 0;
	if (!json_is_object(s)) {
		char got[JSV_TEXT];
		struct jsv_buf b;
		jb_init(&b, got, sizeof got);
		jb_got(&b, s);
		return jsv_fail(cx, "expected a schema (an object or a boolean), got %s", got);
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)s, key, v) {
		size_t i = 0, n = sizeof jsv_keywords / sizeof jsv_keywords[0];
		while (i < n && strcmp(jsv_keywords[i].name, key))
			i++;
		jsv_push_key(cx, key, strlen(key));
		int rc = i < n ? jsv_keyword(cx, key, jsv_keywords[i].kind, v, depth)
			       : jsv_unsupported(cx, key);
		jsv_pop(cx);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---------------------------------------------------------------- API */

static void jsv_ctx_init(struct jsv_ctx *cx, char *ptr, size_t ptrn, char *msg, size_t msgn)
{
	cx->n = 0;
	cx->ptr = ptr;
	cx->ptrn = ptr ? ptrn : 0;
	cx->msg = msg;
	cx->msgn = msg ? msgn : 0;
	if (cx->ptrn)
		ptr[0] = '\0';
	if (cx->msgn)
		msg[0] = '\0';
}

int jsv_check_at(const json_t *schema, const json_t *value, char *ptr, size_t ptrn, char *msg,
		 size_t msgn)
{
	struct jsv_ctx cx;
	jsv_ctx_init(&cx, ptr, ptrn, msg, msgn);
	if (!schema || !value)
		return jsv_fail(&cx, "no %s to check", schema ? "value" : "schema");
	return jsv_value(&cx, schema, value, 0);
}

int jsv_supported_at(const json_t *schema, char *ptr, size_t ptrn, char *msg, size_t msgn)
{
	struct jsv_ctx cx;
	jsv_ctx_init(&cx, ptr, ptrn, msg, msgn);
	if (!schema)
		return jsv_fail(&cx, "no schema to check");
	return jsv_schema(&cx, schema, 0);
}

/* "at '/a/0': msg" or "at the root: msg". */
static void jsv_join(char *err, size_t errn, const char *ptr, const char *msg)
{
	if (!err || !errn)
		return;
	if (*ptr)
		snprintf(err, errn, "at '%s': %s", ptr, msg);
	else
		snprintf(err, errn, "at the root: %s", msg);
	jsv_trim(err);
}

int jsv_check(const json_t *schema, const json_t *value, char *err, size_t errn)
{
	char ptr[1024], msg[1536];
	int rc = jsv_check_at(schema, value, ptr, sizeof ptr, msg, sizeof msg);
	if (rc)
		jsv_join(err, errn, ptr, msg);
	return rc;
}

int jsv_supported(const json_t *schema, char *err, size_t errn)
{
	char ptr[1024], msg[1536];
	int rc = jsv_supported_at(schema, ptr, sizeof ptr, msg, sizeof msg);
	if (rc)
		jsv_join(err, errn, ptr, msg);
	return rc;
}
