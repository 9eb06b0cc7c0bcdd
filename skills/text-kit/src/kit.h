/*
 * kit.h - what both text-kit tools share: the call's arguments, one flat
 * JSON object read from stdin, and JSON written to stdout. Compiled to
 * WebAssembly (wasm32-wasi); plain C with no dependency beyond libc.
 */
#ifndef KIT_H
#define KIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIT_MAX_INPUT (4u << 20)
#define KIT_MAX_FIELDS 16

struct kit_field {
	char *name, *value; /* value: a string's bytes, or a scalar's text */
	size_t len;
	int is_string;
};

struct kit_args {
	struct kit_field f[KIT_MAX_FIELDS];
	int n;
};

static void kit_fail(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	exit(2);
}

static unsigned kit_hex(int c)
{
	return c >= '0' && c <= '9' ? (unsigned)(c - '0')
	       : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
	       : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
				      : 16u;
}

static void kit_put_utf8(char **o, unsigned long cp)
{
	char *p = *o;
	if (cp < 0x80) {
		*p++ = (char)cp;
	} else if (cp < 0x800) {
		*p++ = (char)(0xc0 | cp >> 6);
		*p++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*p++ = (char)(0xe0 | cp >> 12);
		*p++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*p++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*p++ = (char)(0xf0 | cp >> 18);
		*p++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*p++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*p++ = (char)(0x80 | (cp & 0x3f));
	}
	*o = p;
}

static const char *kit_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static unsigned long kit_u4(const char *p)
{
	unsigned long v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned h = kit_hex(p[i]);
		if (h > 15)
			kit_fail("bad \\u escape in the arguments");
		v = v << 4 | h;
	}
	return v;
}

/* A JSON string at p (after its quote), decoded in place into out. */
static const char *kit_string(const char *p, char **out, size_t *len)
{
	char *start = (char *)p, *o = start;
	for (;;) {
		char c = *p++;
		if (!c)
			kit_fail("unterminated string in the arguments");
		if (c == '"')
			break;
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		c = *p++;
		switch (c) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case '"': case '\\': case '/': *o++ = c; break;
		case 'u': {
			unsigned long cp = kit_u4(p);
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && p[0] == '\\' && p[1] == 'u') {
				unsigned long lo = kit_u4(p + 2);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				}
			}
			kit_put_utf8(&o, cp);
			break;
		}
		default:
			kit_fail("bad escape in the arguments");
		}
	}
	*len = (size_t)(o - start);
	*o = '\0'; /* o never passes the closing quote: in place is safe */
	*out = start;
	return p;
}

/* The arguments: one JSON object of strings, numbers and booleans. */
static void kit_read(struct kit_args *a)
{
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap);
	if (!buf)
		kit_fail("out of memory");
	while ((r = fread(buf + n, 1, cap - n - 1, stdin)) > 0) {
		n += r;
		if (n + 1 == cap) {
			if (cap >= KIT_MAX_INPUT)
				kit_fail("the arguments are larger than 4 MiB");
			char *b = realloc(buf, cap *= 2);
			if (!b)
				kit_fail("out of memory");
			buf = b;
		}
	}
	buf[n] = '\0';
	const char *p = kit_ws(buf);
	if (*p++ != '{')
		kit_fail("the arguments are not a JSON object");
	a->n = 0;
	for (p = kit_ws(p); *p != '}';) {
		if (a->n == KIT_MAX_FIELDS)
			kit_fail("too many arguments");
		struct kit_field *f = &a->f[a->n++];
		size_t nl;
		if (*p++ != '"')
			kit_fail("expected a key in the arguments");
		p = kit_ws(kit_string(p, &f->name, &nl));
		if (*p++ != ':')
			kit_fail("expected ':' in the arguments");
		p = kit_ws(p);
		if (*p == '"') {
			p = kit_string(p + 1, &f->value, &f->len);
			f->is_string = 1;
		} else {
			const char *s = p;
			while (*p && *p != ',' && *p != '}' && *p != ' ' && *p != '\n')
				p++;
			f->len = (size_t)(p - s);
			f->value = malloc(f->len + 1);
			if (!f->value)
				kit_fail("out of memory");
			memcpy(f->value, s, f->len);
			f->value[f->len] = '\0';
			f->is_string = 0;
		}
		p = kit_ws(p);
		if (*p == ',')
			p = kit_ws(p + 1);
		else if (*p != '}')
			kit_fail("expected ',' or '}' in the arguments");
	}
}

static const struct kit_field *kit_get(const struct kit_args *a, const char *name)
{
	for (int i = 0; i < a->n; i++)
		if (!strcmp(a->f[i].name, name))
			return &a->f[i];
	return NULL;
}

/* A string argument, or dflt (NULL: the argument is required). */
static const char *kit_str(const struct kit_args *a, const char *name, const char *dflt,
			   size_t *len)
{
	const struct kit_field *f = kit_get(a, name);
	if (!f) {
		if (!dflt) {
			fprintf(stderr, "missing argument '%s'\n", name);
			exit(2);
		}
		*len = strlen(dflt);
		return dflt;
	}
	*len = f->len;
	return f->value;
}

/* s[0..n) as a JSON string, quotes included. */
static void kit_json_str(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

#endif
