/*
 * jbuf.c - the output buffer and JSON writer (see jbuf.h).
 */
#include "jbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Room for n more bytes: after consumed space is reused, the capacity
 * doubles until they fit. */
void jb_reserve(struct jbuf *b, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		if (b->head) { /* reuse consumed space before growing */
			memmove(b->p, b->p + b->head, b->len - b->head);
			b->len -= b->head;
			b->head = 0;
		}
		if (b->len + n + 1 > b->cap) {
			size_t cap = b->cap ? b->cap : 1 << 12;
			while (cap < b->len + n + 1)
				cap *= 2;
			char *p = realloc(b->p, cap);
			if (!p) {
				b->failed = true;
				return;
			}
			b->p = p;
			b->cap = cap;
		}
	}
}

void jb_put(struct jbuf *b, const char *s, size_t n)
{
	jb_reserve(b, n);
	if (b->failed)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void jb_str(struct jbuf *b, const char *s)
{
	jb_put(b, s, strlen(s));
}

void jb_text(struct jbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF"; /* as jansson writes them */
	const unsigned char *u = (const unsigned char *)s;
	size_t run = 0;
	jb_put(b, "\"", 1);
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		size_t l = c >= 0x80 ? txt_utf8_len(u + i, n - i) : 0;
		if (l) {
			i += l;
			continue;
		}
		jb_put(b, s + run, i - run);
		char esc[7] = {'\\', 0};
		size_t k = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			if (c < 0x20) {
				memcpy(esc + 1, "u00", 3);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
			} else {
				memcpy(esc + 1, "uFFFD", 5); /* not UTF-8 */
			}
			k = 6;
		}
		jb_put(b, esc, k);
		run = ++i;
	}
	jb_put(b, s + run, n - run);
	jb_put(b, "\"", 1);
}

void jb_json(struct jbuf *b, const json_t *v)
{
	char num[40];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *m;
		bool first = true;
		jb_put(b, "{", 1);
		json_object_foreach((json_t *)v, k, m) {
			if (!first)
				jb_put(b, ",", 1);
			first = false;
			jb_text(b, k, strlen(k));
			jb_put(b, ":", 1);
			jb_json(b, m);
		}
		jb_put(b, "}", 1);
		return;
	}
	case JSON_ARRAY:
		jb_put(b, "[", 1);
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				jb_put(b, ",", 1);
			jb_json(b, json_array_get(v, i));
		}
		jb_put(b, "]", 1);
		return;
	case JSON_STRING:
		jb_text(b, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		jb_str(b, num);
		return;
	case JSON_REAL: {
		/* What jansson writes: shortest round trip, and a '.' so it reads back as a real. */
		char *s = json_dumps(v, JSON_ENCODE_ANY);
		jb_str(b, s ? s : "0.0");
		free(s);
		return;
	}
	case JSON_TRUE: jb_put(b, "true", 4); return;
	case JSON_FALSE: jb_put(b, "false", 5); return;
	case JSON_NULL: jb_put(b, "null", 4); return;
	}
}

void jb_consume(struct jbuf *b, size_t n)
{
	b->head += n;
	if (b->head >= b->len)
		b->head = b->len = 0;
}

char *jb_take(struct jbuf *b, size_t *len)
{
	char *p = NULL;
	size_t n = 0;
	if (!b->failed && b->p) {
		if (b->head)
			memmove(b->p, b->p + b->head, b->len - b->head + 1);
		p = b->p;
		n = b->len - b->head;
	} else {
		free(b->p);
	}
	memset(b, 0, sizeof *b);
	if (len)
		*len = n;
	return p;
}

void jb_release(struct jbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}
