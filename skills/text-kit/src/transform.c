/*
 * transform - change a text: case, slug, base64 and URL encoding, and
 * counts of its lines, words and characters. A text-kit tool: JSON
 * arguments on stdin, a JSON object on stdout.
 */
#include <ctype.h>
#include <stdint.h>

#include "kit.h"

/* The tool's description and input schema, in the module itself: the bake
 * reads the `skillc.tool` custom section (src/transform.json). */
__asm__(".section .custom_section.skillc.tool,\"\",@\n"
	".incbin \"transform.json\"\n"
	".text\n");

static char *out;
static size_t on, ocap;

static void put(char c)
{
	if (on + 1 >= ocap) {
		ocap = ocap ? ocap * 2 : 4096;
		out = realloc(out, ocap);
		if (!out)
			kit_fail("out of memory");
	}
	out[on++] = c;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64_encode(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		put(b64[v >> 18 & 63]);
		put(b64[v >> 12 & 63]);
		put(i + 1 < n ? b64[v >> 6 & 63] : '=');
		put(i + 2 < n ? b64[v & 63] : '=');
	}
}

static void base64_decode(const char *s, size_t n)
{
	uint32_t v = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '=' || c == '\n' || c == '\r' || c == ' ')
			continue;
		const char *p = strchr(b64, c);
		if (!p || !c)
			kit_fail("the text is not base64");
		v = v << 6 | (uint32_t)(p - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			put((char)(v >> bits & 0xff));
		}
	}
}

/* 1 when s[0..n) is UTF-8: a JSON result must be. */
static int utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		int k = s[i] < 0x80 ? 0 : (s[i] >> 5) == 6 ? 1 : (s[i] >> 4) == 14 ? 2
			: (s[i] >> 3) == 30 ? 3 : -1;
		if (k < 0 || (size_t)k >= n - i)
			return 0;
		for (int j = 1; j <= k; j++)
			if ((s[i + (size_t)j] & 0xc0) != 0x80)
				return 0;
		i += (size_t)k + 1;
	}
	return 1;
}

static void url_encode(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (isalnum(s[i]) || strchr("-._~", s[i])) {
			put((char)s[i]);
		} else {
			char h[4];
			snprintf(h, sizeof h, "%%%02X", s[i]);
			put(h[0]), put(h[1]), put(h[2]);
		}
	}
}

static void url_decode(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && kit_hex(s[i + 1]) < 16 && kit_hex(s[i + 2]) < 16) {
			put((char)(kit_hex(s[i + 1]) << 4 | kit_hex(s[i + 2])));
			i += 2;
		} else {
			put(s[i] == '+' ? ' ' : s[i]);
		}
	}
}

/* Lowercase ASCII words joined by '-'; other bytes separate words. */
static void slug(const unsigned char *s, size_t n)
{
	int gap = 0;
	for (size_t i = 0; i < n; i++) {
		if (isalnum(s[i])) {
			if (gap && on)
				put('-');
			put((char)tolower(s[i]));
			gap = 0;
		} else {
			gap = 1;
		}
	}
}

int main(void)
{
	struct kit_args a;
	size_t tn, opn;
	kit_read(&a);
	const char *text = kit_str(&a, "text", NULL, &tn);
	const char *op = kit_str(&a, "op", NULL, &opn);
	const unsigned char *u = (const unsigned char *)text;
	if (!strcmp(op, "count")) {
		size_t lines = 0, words = 0, chars = 0;
		int in_word = 0;
		for (size_t i = 0; i < tn; i++) {
			lines += u[i] == '\n';
			chars += (u[i] & 0xc0) != 0x80;
			int sp = isspace(u[i]);
			words += !sp && !in_word;
			in_word = !sp;
		}
		if (tn && u[tn - 1] != '\n')
			lines++;
		printf("{\"op\":\"count\",\"lines\":%zu,\"words\":%zu,\"characters\":%zu,"
		       "\"bytes\":%zu}\n", lines, words, chars, tn);
		return 0;
	}
	if (!strcmp(op, "upper") || !strcmp(op, "lower")) {
		int up = op[0] == 'u';
		for (size_t i = 0; i < tn; i++)
			put((char)(up ? toupper(u[i]) : tolower(u[i])));
	} else if (!strcmp(op, "title")) {
		for (size_t i = 0; i < tn; i++)
			put((char)(i == 0 || isspace(u[i - 1]) ? toupper(u[i]) : tolower(u[i])));
	} else if (!strcmp(op, "slug")) {
		slug(u, tn);
	} else if (!strcmp(op, "base64-encode")) {
		base64_encode(u, tn);
	} else if (!strcmp(op, "base64-decode")) {
		base64_decode(text, tn);
	} else if (!strcmp(op, "url-encode")) {
		url_encode(u, tn);
	} else if (!strcmp(op, "url-decode")) {
		url_decode(text, tn);
	} else {
		kit_fail("op must be one of upper, lower, title, slug, base64-encode, base64-decode, "
			 "url-encode, url-decode, count");
	}
	if (!utf8_ok((const unsigned char *)out, on))
		kit_fail("the result is not UTF-8 text");
	printf("{\"op\":");
	kit_json_str(op, opn);
	printf(",\"result\":");
	kit_json_str(out ? out : "", on);
	printf("}\n");
	return 0;
}
