#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* Room for a quoted, shortened value: SHOW input bytes, each up to 6 out. */
enum { SHOW = 40, QBUF = (SHOW + 4) * 6 + 32, NAME_MAX_DIST = 256 };

static void seterr(char *err, size_t errn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errn, const char *fmt, ...)
{
	if (!err || errn == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errn, fmt, ap);
	va_end(ap);
}

const char *ra_type_name(uint8_t type)
{
	switch (type) {
	case SKC_T_STRING: return "string";
	case SKC_T_INTEGER: return "integer";
	case SKC_T_NUMBER: return "number";
	case SKC_T_BOOLEAN: return "boolean";
	case SKC_T_ARRAY: return "array";
	}
	return "unknown";
}

const char *ra_param_type(const struct skc_param *p)
{
	if (p->type != SKC_T_ARRAY)
		return ra_type_name(p->type);
	switch (p->item_type) {
	case SKC_T_STRING: return "array of string";
	case SKC_T_INTEGER: return "array of integer";
	case SKC_T_NUMBER: return "array of number";
	case SKC_T_BOOLEAN: return "array of boolean";
	case SKC_T_ARRAY: return "array of array";
	}
	return "array";
}

static const char *article(const char *type_name)
{
	return strchr("aeiou", type_name[0]) ? "an" : "a";
}

/*
 * Quote s for a message between `q` characters, escaped and shortened, so
 * that a message is one line of valid UTF-8 whatever the input was.
 */
static const char *quote(char *buf, const char *s, size_t len, char q)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0, i = 0;
	buf[o++] = q;
	while (i < len) {
		if (i >= SHOW) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		unsigned char c = u[i];
		size_t l = txt_utf8_len(u + i, len - i);
		if (c == (unsigned char)q || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c == '\n') {
			memcpy(buf + o, "\\n", 2);
			o += 2;
		} else if (c == '\t') {
			memcpy(buf + o, "\\t", 2);
			o += 2;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(buf + o, 7, "\\u%04x", c);
		} else if (c < 0x80) {
			buf[o++] = (char)c;
		} else if (l) {
			memcpy(buf + o, s + i, l);
			o += l;
			i += l;
			continue;
		} else {
			o += (size_t)snprintf(buf + o, 5, "\\x%02x", c);
		}
		i++;
	}
	buf[o++] = q;
	buf[o] = '\0';
	return buf;
}

/* The shortest text that reads back as d. */
static void fmt_real(char *buf, size_t n, double d)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/* A value as JSON-ish text for messages: "medium", 3, 2.5, true, array. */
static const char *show(char *buf, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return quote(buf, json_string_value(v), json_string_length(v), '"');
	case JSON_INTEGER:
		snprintf(buf, QBUF, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		fmt_real(buf, QBUF, json_real_value(v));
		return buf;
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	}
	return "?";
}

/* What a value is, for "got ...": `string "3x"`, `integer 3`, `null`. */
static const char *describe(char *buf, const json_t *v)
{
	char tmp[QBUF];
	const char *kind;
	switch (json_typeof(v)) {
	case JSON_STRING: kind = "string"; break;
	case JSON_INTEGER: kind = "integer"; break;
	case JSON_REAL: kind = "number"; break;
	case JSON_TRUE:
	case JSON_FALSE: kind = "boolean"; break;
	case JSON_ARRAY: return "array";
	case JSON_OBJECT: return "object";
	default: return "null";
	}
	snprintf(buf, QBUF + 16, "%s %s", kind, show(tmp, v));
	return buf;
}

/* The tool's parameters; -1 when the table does not hold them all. */
static int tool_params(const struct skc_table *t, const struct skc_tool *tool,
		       const struct skc_param **ps, size_t *n)
{
	*ps = NULL;
	*n = 0;
	if ((uint64_t)tool->param_first + tool->param_count > t->param_count)
		return -1;
	if (tool->param_count) {
		*ps = t->params + tool->param_first;
		*n = tool->param_count;
	}
	return 0;
}

static const char *pname(const struct skc_table *t, const struct skc_param *p)
{
	return skc_str(t, p->name);
}

static json_t *param_value(const struct skc_table *t,
			   const struct skc_param *p, json_t *args)
{
	return json_object_getn(args, pname(t, p), p->name.len);
}

/* Given and not null: null stands for "not given" where that is allowed. */
static int present(const json_t *v)
{
	return v && !json_is_null(v);
}

static int has_nul(const json_t *v)
{
	return json_is_string(v) &&
	       strlen(json_string_value(v)) != json_string_length(v);
}

static int integral(double d)
{
	/* Range first (NaN fails it too): the cast is only defined inside. */
	return d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
	       (double)(json_int_t)d == d;
}

static int type_ok(uint8_t type, const json_t *v)
{
	switch (type) {
	case SKC_T_STRING: return json_is_string(v);
	case SKC_T_INTEGER:
		return json_is_integer(v) ||
		       (json_is_real(v) && integral(json_real_value(v)));
	case SKC_T_NUMBER: return json_is_number(v);
	case SKC_T_BOOLEAN: return json_is_boolean(v);
	case SKC_T_ARRAY: return json_is_array(v);
	}
	return 0;
}

/* ---- ra_from_kv ---- */

static int parse_int(const char *s, json_int_t *out)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end)
		return -2;
	*out = (json_int_t)v;
	return 0;
}

/* Decimal syntax only: strtod alone would take "inf", "nan" and hex. */
static int number_syntax(const char *s)
{
	const char *p = s;
	int digits = 0;
	if (*p == '-' || *p == '+')
		p++;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++, digits++;
	}
	if (!digits)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

static json_t *kv_scalar(uint8_t type, const char *subject, const char *value,
			 char *err, size_t errn)
{
	char q[QBUF];
	json_int_t i;
	json_t *v;
	switch (type) {
	case SKC_T_STRING:
		v = json_string(value);
		if (!v)
			seterr(err, errn, "%s is not valid UTF-8: %s", subject,
			       quote(q, value, strlen(value), '"'));
		return v;
	case SKC_T_INTEGER: {
		int rc = parse_int(value, &i);
		if (rc == 0)
			return json_integer(i);
		seterr(err, errn, "%s must be an integer%s, got %s", subject,
		       rc == -2 ? " in the 64-bit range" : "",
		       quote(q, value, strlen(value), '"'));
		return NULL;
	}
	case SKC_T_NUMBER:
		if (parse_int(value, &i) == 0)
			return json_integer(i);
		if (number_syntax(value)) {
			double d = strtod(value, NULL);
			if (isfinite(d))
				return json_real(d);
		}
		seterr(err, errn, "%s must be a finite number, got %s", subject,
		       quote(q, value, strlen(value), '"'));
		return NULL;
	case SKC_T_BOOLEAN: {
		static const char *const yes[] = {"true", "1", "yes"};
		static const char *const no[] = {"false", "0", "no"};
		for (size_t k = 0; k < 3; k++) {
			if (strcasecmp(value, yes[k]) == 0)
				return json_true();
			if (strcasecmp(value, no[k]) == 0)
				return json_false();
		}
		seterr(err, errn,
		       "%s must be a boolean (true/false, 1/0, yes/no), got %s",
		       subject, quote(q, value, strlen(value), '"'));
		return NULL;
	}
	case SKC_T_ARRAY:
		/* A nested array item can only come as JSON text. */
		v = json_loads(value, JSON_DECODE_ANY, NULL);
		if (!v)
			seterr(err, errn, "%s must be JSON text, got %s", subject,
			       quote(q, value, strlen(value), '"'));
		return v;
	}
	seterr(err, errn, "%s has an unknown type", subject);
	return NULL;
}

static const struct skc_param *find_param(const struct skc_table *t,
					  const struct skc_param *ps, size_t np,
					  const char *name, size_t len)
{
	for (size_t i = 0; i < np; i++)
		if (ps[i].name.len == len &&
		    memcmp(pname(t, &ps[i]), name, len) == 0)
			return &ps[i];
	return NULL;
}

/* Add one `name=value` for an array parameter to arr. */
static int kv_array(const struct skc_param *p, json_t *arr, const char *subject,
		    const char *value, char *err, size_t errn)
{
	if (value[0] == '[') {
		json_t *list = json_loads(value, 0, NULL);
		if (json_is_array(list)) {
			int rc = json_array_extend(arr, list);
			json_decref(list);
			if (rc)
				seterr(err, errn, "out of memory");
			return rc;
		}
		json_decref(list);
		/* Not a JSON array: an item that happens to start with '['. */
	}
	char item_subject[QBUF + 32];
	snprintf(item_subject, sizeof item_subject, "%s item", subject);
	json_t *v = kv_scalar(p->item_type, item_subject, value, err, errn);
	if (!v)
		return -1;
	if (json_array_append_new(arr, v)) {
		seterr(err, errn, "out of memory");
		return -1;
	}
	return 0;
}

static int kv_one(const struct skc_table *t, const struct skc_param *ps,
		  size_t np, json_t *obj, const char *s, char *err, size_t errn)
{
	char q[QBUF], subject[QBUF + 16];
	const char *eq = strchr(s, '=');
	size_t nlen = eq ? (size_t)(eq - s) : strlen(s);
	if (nlen == 0) {
		seterr(err, errn,
		       "argument %s has no parameter name; expected name=value",
		       quote(q, s, strlen(s), '\''));
		return -1;
	}
	const struct skc_param *p = find_param(t, ps, np, s, nlen);
	const char *value = eq ? eq + 1 : NULL;
	if (!value && p && p->type == SKC_T_BOOLEAN)
		value = "true";
	if (!value) {
		seterr(err, errn, "argument %s must be name=value",
		       quote(q, s, nlen, '\''));
		return -1;
	}
	if (!p) {
		/* Kept so that validation can name it and suggest a spelling. */
		json_t *v = json_string(value);
		if (!v) {
			seterr(err, errn, "parameter %s is not valid UTF-8",
			       quote(q, s, nlen, '\''));
			return -1;
		}
		if (json_object_setn_new(obj, s, nlen, v)) {
			seterr(err, errn, "parameter name %s is not valid UTF-8",
			       quote(q, s, nlen, '\''));
			return -1;
		}
		return 0;
	}
	snprintf(subject, sizeof subject, "parameter '%s'", pname(t, p));
	json_t *old = json_object_getn(obj, s, nlen);
	if (p->type == SKC_T_ARRAY) {
		if (!old) {
			old = json_array();
			if (!old || json_object_setn_new(obj, s, nlen, old)) {
				seterr(err, errn, "out of memory");
				return -1;
			}
		}
		return kv_array(p, old, subject, value, err, errn);
	}
	if (old) {
		seterr(err, errn, "%s given more than once", subject);
		return -1;
	}
	json_t *v = kv_scalar(p->type, subject, value, err, errn);
	if (!v)
		return -1;
	if (json_object_setn_new(obj, s, nlen, v)) {
		seterr(err, errn, "out of memory");
		return -1;
	}
	return 0;
}

json_t *ra_from_kv(const struct skc_table *t, const struct skc_tool *tool,
		   const char *const *kv, size_t n, char *err, size_t errn)
{
	size_t np;
	const struct skc_param *ps;
	if (tool_params(t, tool, &ps, &np)) {
		seterr(err, errn, "tool's parameter table is out of range");
		return NULL;
	}
	json_t *obj = json_object();
	if (!obj) {
		seterr(err, errn, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!kv[i]) {
			seterr(err, errn, "argument %zu is missing", i);
			json_decref(obj);
			return NULL;
		}
		if (kv_one(t, ps, np, obj, kv[i], err, errn)) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

/* ---- ra_validate ---- */

/* Optimal string alignment distance, or 3+ when it is surely above 2. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	if (la > NAME_MAX_DIST || lb > NAME_MAX_DIST ||
	    (la > lb ? la - lb : lb - la) > 2)
		return 3;
	size_t rows[3][NAME_MAX_DIST + 1];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t d = prev[j - 1] + cost;
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
		}
		size_t *tmp = pp;
		pp = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[lb];
}

/* The best spelling for an unknown key among the parameters not given. */
static const struct skc_param *suggest(const struct skc_table *t,
				       const struct skc_param *ps, size_t np,
				       json_t *args, const char *key, size_t klen)
{
	const struct skc_param *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < np; i++) {
		const char *name = pname(t, &ps[i]);
		size_t len = ps[i].name.len;
		if (present(param_value(t, &ps[i], args)))
			continue;
		if (len == klen && strncasecmp(name, key, len) == 0 &&
		    strlen(key) == klen)
			return &ps[i];
		size_t d = edit_distance(key, klen, name, len);
		if (d < best_d && d < klen && d < len) {
			best = &ps[i];
			best_d = d;
		}
	}
	return best;
}

static int unknown_key(const struct skc_table *t, const struct skc_param *ps,
		       size_t np, json_t *args, const char *key, size_t klen,
		       char *err, size_t errn)
{
	char q[QBUF];
	quote(q, key, klen, '\'');
	const struct skc_param *s = suggest(t, ps, np, args, key, klen);
	if (s) {
		seterr(err, errn, "unknown parameter %s; did you mean '%s'?", q,
		       pname(t, s));
		return -1;
	}
	if (np == 0) {
		seterr(err, errn,
		       "unknown parameter %s; this tool takes no parameters", q);
		return -1;
	}
	char list[512];
	size_t o = 0;
	list[0] = '\0';
	for (size_t i = 0; i < np && o < sizeof list; i++)
		o += (size_t)snprintf(list + o, sizeof list - o, "%s'%s'",
				      i ? ", " : "", pname(t, &ps[i]));
	seterr(err, errn, "unknown parameter %s; expected one of %s", q, list);
	return -1;
}

/* The parameter's enum members parsed, or NULL when it has none. */
static json_t *load_enum(const struct skc_table *t, const struct skc_param *p)
{
	if (p->enum_count == 0 ||
	    (uint64_t)p->enum_first + p->enum_count > t->enum_count)
		return NULL;
	json_t *list = json_array();
	for (uint32_t k = 0; list && k < p->enum_count; k++) {
		struct skc_slice s = t->enums[p->enum_first + k];
		json_t *v = json_loadb(skc_str(t, s), s.len, JSON_DECODE_ANY,
				       NULL);
		/* A member that does not parse can match nothing: keep a hole. */
		json_array_append_new(list, v ? v : json_null());
	}
	return list;
}

static int same_value(const json_t *a, const json_t *b)
{
	if (json_is_integer(a) && json_is_integer(b))
		return json_integer_value(a) == json_integer_value(b);
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal(a, b);
}

static int enum_check(const struct skc_table *t, const struct skc_param *p,
		      json_t *members, const json_t *v, const char *subject,
		      char *err, size_t errn)
{
	size_t k;
	json_t *m;
	json_array_foreach(members, k, m)
		if (!json_is_null(m) && same_value(m, v))
			return 0;
	char list[512], q[QBUF];
	size_t o = 0;
	list[0] = '\0';
	for (k = 0; k < p->enum_count && o < sizeof list; k++) {
		struct skc_slice s = t->enums[p->enum_first + k];
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%.*s",
				      k ? ", " : "", (int)s.len, skc_str(t, s));
	}
	seterr(err, errn, "%s must be one of %s; got %s", subject, list,
	       show(q, v));
	return -1;
}

/* Check one value (a parameter's or an item's) against type, NUL and enum. */
static int check_value(const struct skc_table *t, const struct skc_tool *tool,
		       const struct skc_param *p, uint8_t type, json_t *v,
		       json_t *members, const char *subject, char *err,
		       size_t errn)
{
	char d[QBUF + 16];
	if (!type_ok(type, v)) {
		const char *tn = type == p->type ? ra_param_type(p)
						 : ra_type_name(type);
		seterr(err, errn, "%s must be %s %s, got %s", subject,
		       article(tn), tn, describe(d, v));
		return -1;
	}
	if (tool->args != SKC_ARGS_JSON && tool->args != SKC_ARGS_SKILLZ && has_nul(v)) {
		seterr(err, errn,
		       "%s contains a NUL byte, which cannot be passed as a command-line word",
		       subject);
		return -1;
	}
	if (members && enum_check(t, p, members, v, subject, err, errn))
		return -1;
	return 0;
}

static int check_param(const struct skc_table *t, const struct skc_tool *tool,
		       const struct skc_param *p, json_t *args, char *err,
		       size_t errn)
{
	char subject[QBUF + 32];
	json_t *v = param_value(t, p, args);
	if (!v || (json_is_null(v) && !p->required)) {
		if (!v && p->required) {
			seterr(err, errn, "missing required parameter '%s' (%s)",
			       pname(t, p), ra_param_type(p));
			return -1;
		}
		return 0;
	}
	snprintf(subject, sizeof subject, "parameter '%s'", pname(t, p));
	json_t *members = load_enum(t, p);
	int rc = check_value(t, tool, p, p->type, v,
			     p->type == SKC_T_ARRAY ? NULL : members, subject,
			     err, errn);
	if (rc == 0 && p->type == SKC_T_INTEGER && json_is_real(v)) {
		/* 3.0 for an integer: hand every style the integer 3. */
		json_t *iv = json_integer((json_int_t)json_real_value(v));
		if (!iv || json_object_setn(args, pname(t, p), p->name.len, iv))
			rc = -1, seterr(err, errn, "out of memory");
		json_decref(iv);
	}
	if (rc == 0 && p->type == SKC_T_ARRAY) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			snprintf(subject, sizeof subject,
				 "parameter '%s' item %zu", pname(t, p), i);
			rc = check_value(t, tool, p, p->item_type, item,
					 members, subject, err, errn);
			if (rc)
				break;
			if (p->item_type == SKC_T_INTEGER && json_is_real(item)) {
				json_t *iv = json_integer(
					(json_int_t)json_real_value(item));
				if (!iv || json_array_set_new(v, i, iv)) {
					seterr(err, errn, "out of memory");
					rc = -1;
					break;
				}
			}
		}
	}
	json_decref(members);
	return rc;
}

int ra_validate(const struct skc_table *t, const struct skc_tool *tool,
		json_t *args, char *err, size_t errn)
{
	size_t np;
	const struct skc_param *ps;
	if (tool_params(t, tool, &ps, &np)) {
		seterr(err, errn, "tool's parameter table is out of range");
		return -1;
	}
	if (!json_is_object(args)) {
		char d[QBUF + 16];
		seterr(err, errn, "arguments must be a JSON object, got %s",
		       args ? describe(d, args) : "nothing");
		return -1;
	}
	for (void *it = json_object_iter(args); it;
	     it = json_object_iter_next(args, it)) {
		const char *key = json_object_iter_key(it);
		size_t klen = json_object_iter_key_len(it);
		if (!find_param(t, ps, np, key, klen))
			return unknown_key(t, ps, np, args, key, klen, err,
					   errn);
	}
	for (size_t i = 0; i < np; i++)
		if (check_param(t, tool, &ps[i], args, err, errn))
			return -1;
	return 0;
}

/* ---- ra_build ---- */

struct words {
	char **v;
	size_t n, cap;
};

static int words_push(struct words *w, char *s)
{
	if (!s)
		return -1;
	if (w->n + 2 > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		char **v = realloc(w->v, cap * sizeof *v);
		if (!v) {
			free(s);
			return -1;
		}
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = s;
	w->v[w->n] = NULL;
	return 0;
}

static void words_release(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = w->cap = 0;
}

/* Move every word of src to the end of dst. */
static int words_move(struct words *dst, struct words *src)
{
	int rc = 0;
	for (size_t i = 0; i < src->n; i++) {
		if (rc == 0)
			rc = words_push(dst, src->v[i]);
		else
			free(src->v[i]);
	}
	free(src->v);
	src->v = NULL;
	src->n = src->cap = 0;
	return rc;
}

void ra_words_free(char **words)
{
	if (!words)
		return;
	for (char **w = words; *w; w++)
		free(*w);
	free(words);
}

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* The word for one scalar; type is the declared type of this value. */
static char *scalar_word(uint8_t type, const json_t *v, const char *subject,
			 char *err, size_t errn)
{
	char buf[64];
	char *s;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (has_nul(v)) {
			seterr(err, errn,
			       "%s contains a NUL byte, which cannot be passed as a command-line word",
			       subject);
			return NULL;
		}
		s = dupn(json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		s = dupn(buf, strlen(buf));
		break;
	case JSON_REAL:
		if (type == SKC_T_INTEGER && integral(json_real_value(v)))
			snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
				 (json_int_t)json_real_value(v));
		else
			fmt_real(buf, sizeof buf, json_real_value(v));
		s = dupn(buf, strlen(buf));
		break;
	case JSON_TRUE:
		s = dupn("true", 4);
		break;
	case JSON_FALSE:
		s = dupn("false", 5);
		break;
	default:
		/* Not a scalar (an unvalidated call, or a nested array item). */
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		break;
	}
	if (!s)
		seterr(err, errn, "out of memory");
	return s;
}

/* Push v's words: a scalar as one, an array as one per item. */
static int push_spread(struct words *w, const struct skc_table *t,
		       const struct skc_param *p, const json_t *v, char *err,
		       size_t errn)
{
	char subject[QBUF + 32];
	if (!json_is_array(v)) {
		snprintf(subject, sizeof subject, "parameter '%s'", pname(t, p));
		return words_push(w, scalar_word(p->type, v, subject, err, errn));
	}
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item) {
		snprintf(subject, sizeof subject, "parameter '%s' item %zu",
			 pname(t, p), i);
		if (words_push(w, scalar_word(p->item_type, item, subject, err,
					      errn)))
			return -1;
	}
	return 0;
}

static int is_short_flag(const char *flag)
{
	return flag[0] == '-' && flag[1] && flag[1] != '-' && !flag[2];
}

/* argparse takes "-5" and "-.5" as values unless the parser has such options. */
static int negative_number(const char *s)
{
	if (s[0] != '-')
		return 0;
	s++;
	int digits = 0;
	while (*s >= '0' && *s <= '9')
		s++, digits++;
	if (*s == '.') {
		s++;
		digits = 0;
		while (*s >= '0' && *s <= '9')
			s++, digits++;
	}
	return digits && !*s;
}

/* flag value; a value that could read as an option is glued to its flag. */
static int push_flag_value(struct words *w, const char *flag, size_t flen,
			   char *val)
{
	if (!val)
		return -1;
	if (val[0] != '-') {
		if (words_push(w, dupn(flag, flen))) {
			free(val);
			return -1;
		}
		return words_push(w, val);
	}
	size_t vlen = strlen(val);
	char *s = malloc(flen + vlen + 2);
	if (!s) {
		free(val);
		return -1;
	}
	memcpy(s, flag, flen);
	size_t o = flen;
	if (!is_short_flag(flag))
		s[o++] = '=';
	memcpy(s + o, val, vlen + 1);
	free(val);
	return words_push(w, s);
}

static int build_flag(struct words *w, const struct skc_table *t,
		      const struct skc_param *p, const json_t *v, int *nargs,
		      char *err, size_t errn)
{
	const char *flag = skc_str(t, p->flag);
	size_t flen = p->flag.len;
	char subject[QBUF + 32];
	size_t i;
	json_t *item;
	/* An integer switch is argparse's action="count": -v -v -v. */
	if (p->pass == SKC_PASS_SWITCH && p->type == SKC_T_INTEGER && json_is_integer(v)) {
		json_int_t k = json_integer_value(v);
		if (k < 0 || k > 100) {
			seterr(err, errn, "parameter '%s' counts a repeated flag: give 0 to 100, not %" JSON_INTEGER_FORMAT,
			       pname(t, p), k);
			return -1;
		}
		for (json_int_t c = 0; c < k; c++)
			if (words_push(w, dupn(flag, flen)))
				return -1;
		return 0;
	}
	if (p->pass == SKC_PASS_SWITCH)
		return json_is_true(v) ? words_push(w, dupn(flag, flen)) : 0;
	if (p->pass == SKC_PASS_NARGS && json_is_array(v)) {
		/* No values at all: leave the flag out, so nargs='+' stays valid. */
		if (json_array_size(v) == 0)
			return 0;
		if (words_push(w, dupn(flag, flen)))
			return -1;
		*nargs = 1;
		json_array_foreach(v, i, item) {
			snprintf(subject, sizeof subject,
				 "parameter '%s' item %zu", pname(t, p), i);
			char *s = scalar_word(p->item_type, item, subject, err,
					      errn);
			if (s && s[0] == '-' && !negative_number(s)) {
				char q[QBUF];
				seterr(err, errn,
				       "%s (%s) begins with '-' and would be read as an option after '%s'",
				       subject, quote(q, s, strlen(s), '"'),
				       flag);
				free(s);
				return -1;
			}
			if (words_push(w, s))
				return -1;
		}
		return 0;
	}
	if (json_is_array(v)) {
		/* Repeat (also a list given to a value flag): flag v per item. */
		json_array_foreach(v, i, item) {
			snprintf(subject, sizeof subject,
				 "parameter '%s' item %zu", pname(t, p), i);
			if (push_flag_value(w, flag, flen,
					    scalar_word(p->item_type, item,
							subject, err, errn)))
				return -1;
		}
		return 0;
	}
	snprintf(subject, sizeof subject, "parameter '%s'", pname(t, p));
	return push_flag_value(w, flag, flen,
			       scalar_word(p->type, v, subject, err, errn));
}

static int build_flags(struct words *w, const struct skc_table *t,
		       const struct skc_param *ps, size_t np, json_t *args,
		       char *err, size_t errn)
{
	struct words pos = {0};
	int nargs = 0;
	for (size_t i = 0; i < np; i++) {
		json_t *v = param_value(t, &ps[i], args);
		if (!present(v) || ps[i].flag.len == 0)
			continue;
		if (build_flag(w, t, &ps[i], v, &nargs, err, errn))
			return -1;
	}
	for (size_t i = 0; i < np; i++) {
		json_t *v = param_value(t, &ps[i], args);
		if (!present(v) || ps[i].flag.len != 0)
			continue;
		if (push_spread(&pos, t, &ps[i], v, err, errn)) {
			words_release(&pos);
			return -1;
		}
	}
	/*
	 * "--" ends the options: a positional that begins with '-' is then not
	 * read as one, and an nargs flag stops taking values before them.
	 */
	int sep = pos.n > 0 && nargs;
	for (size_t i = 0; i < pos.n && !sep; i++)
		sep = pos.v[i][0] == '-';
	if (sep && words_push(w, dupn("--", 2))) {
		words_release(&pos);
		return -1;
	}
	return words_move(w, &pos);
}

static int build_argv(struct words *w, const struct skc_table *t,
		      const struct skc_param *ps, size_t np, json_t *args,
		      char *err, size_t errn)
{
	size_t end = 0;
	for (size_t i = 0; i < np; i++) {
		json_t *v = param_value(t, &ps[i], args);
		if (present(v))
			end = i + 1;
	}
	for (size_t i = 0; i < end; i++) {
		json_t *v = param_value(t, &ps[i], args);
		json_t *def = NULL;
		if (!present(v)) {
			/* A gap: later words only land right if it is filled. */
			if (ps[i].default_json.len)
				def = json_loadb(skc_str(t, ps[i].default_json),
						 ps[i].default_json.len,
						 JSON_DECODE_ANY, NULL);
			if (!def || json_is_null(def)) {
				json_decref(def);
				size_t j = i + 1;
				while (j + 1 < end &&
				       !present(param_value(t, &ps[j], args)))
					j++;
				seterr(err, errn,
				       "parameter '%s' must be given too, since '%s' is given and arguments are positional",
				       pname(t, &ps[i]), pname(t, &ps[j]));
				return -1;
			}
			v = def;
		}
		int rc = push_spread(w, t, &ps[i], v, err, errn);
		json_decref(def);
		if (rc)
			return -1;
	}
	return 0;
}

int ra_build(const struct skc_table *t, const struct skc_tool *tool,
	     json_t *args, char ***words, char **stdin_out, size_t *stdin_len,
	     char *err, size_t errn)
{
	struct words w = {0};
	size_t np;
	const struct skc_param *ps;
	*words = NULL;
	if (stdin_out)
		*stdin_out = NULL;
	if (stdin_len)
		*stdin_len = 0;
	if (tool_params(t, tool, &ps, &np)) {
		seterr(err, errn, "tool's parameter table is out of range");
		return -1;
	}
	if (!json_is_object(args)) {
		seterr(err, errn, "arguments must be a JSON object");
		return -1;
	}
	if (err && errn)
		err[0] = '\0';
	int rc;
	switch (tool->args) {
	case SKC_ARGS_FLAGS:
		rc = build_flags(&w, t, ps, np, args, err, errn);
		break;
	case SKC_ARGS_ARGV:
		rc = build_argv(&w, t, ps, np, args, err, errn);
		break;
	case SKC_ARGS_JSON:
	case SKC_ARGS_SKILLZ: { /* invoke.c wraps it in the execute request */
		char *s = json_dumps(args, JSON_COMPACT);
		size_t n = s ? strlen(s) : 0;
		char *line = s ? realloc(s, n + 2) : NULL;
		if (!line) {
			free(s);
			rc = -1;
			break;
		}
		line[n] = '\n';
		line[n + 1] = '\0';
		if (stdin_out)
			*stdin_out = line;
		else
			free(line);
		if (stdin_len)
			*stdin_len = n + 1;
		rc = 0;
		break;
	}
	default:
		seterr(err, errn, "tool has an unknown argument style %u",
		       (unsigned)tool->args);
		return -1;
	}
	/* An empty vector, not NULL, when there are no words. */
	if (rc == 0 && !w.v) {
		w.v = calloc(1, sizeof *w.v);
		rc = w.v ? 0 : -1;
	}
	if (rc) {
		if (err && errn && !err[0])
			seterr(err, errn, "out of memory");
		words_release(&w);
		if (stdin_out) {
			free(*stdin_out);
			*stdin_out = NULL;
		}
		return -1;
	}
	*words = w.v;
	return 0;
}
