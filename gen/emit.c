#include "emit.h"

#include <assert.h>
#include <stdarg.h>
#include <string.h>

void emit_init(struct emit *e, FILE *out)
{
	e->out = out;
	e->indent = 0;
	e->error = 0;
}

void emit(struct emit *e, const char *fmt, ...)
{
	for (int i = 0; i < e->indent; i++)
		if (fputc('\t', e->out) == EOF)
			e->error = 1;
	va_list ap;
	va_start(ap, fmt);
	if (vfprintf(e->out, fmt, ap) < 0)
		e->error = 1;
	va_end(ap);
	if (fputc('\n', e->out) == EOF)
		e->error = 1;
}

void emit_raw(struct emit *e, const char *s, size_t n)
{
	if (n && fwrite(s, 1, n, e->out) != n)
		e->error = 1;
}

void emit_indent(struct emit *e)
{
	e->indent++;
}

void emit_dedent(struct emit *e)
{
	assert(e->indent > 0);
	e->indent--;
}

char *c_string_lit(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n * 4 + 3), *p = out;
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\' || c == '?') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			*p++ = '\\';
			*p++ = (char)('0' + ((c >> 6) & 7));
			*p++ = (char)('0' + ((c >> 3) & 7));
			*p++ = (char)('0' + (c & 7));
		} else {
			*p++ = (char)c;
		}
	}
	*p++ = '"';
	*p = '\0';
	return out;
}

char *c_ident(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, n + 2), *p = out;
	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		*p++ = '_';
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '_';
		*p++ = ok ? c : '_';
	}
	*p = '\0';
	return out;
}

char *c_comment_text(struct arena *a, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max)
		n = max;
	char *out = arena_alloc(a, n * 2 + 4), *p = out;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			continue;
		*p++ = (char)c;
		if (c == '*' && i + 1 < n && s[i + 1] == '/')
			*p++ = ' ';
		if (c == '/' && i + 1 < n && s[i + 1] == '*')
			*p++ = ' ';
	}
	if (n < strlen(s)) {
		memcpy(p, "...", 3);
		p += 3;
	}
	*p = '\0';
	return out;
}
