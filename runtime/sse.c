/*
 * sse.c - the WHATWG event-stream parser.
 *
 * Speed matters because every token of a streamed reply passes through here:
 * line ends are found with memchr (the next LF and the next CR are each
 * searched for once per feed, not once per line), a line that lies wholly in
 * the caller's buffer is parsed in place, and the line, data, type and id
 * buffers are kept between events so a steady stream allocates nothing.
 */
#include "sse.h"

#include <stdlib.h>
#include <string.h>

enum {
	ST_BOM = 4,	 /* still at the stream start: a BOM may follow */
	ST_BOM_MASK = 3, /* how many BOM bytes were matched so far */
	ST_CR = 8	 /* the last feed ended in CR: a leading LF is its pair */
};

static const unsigned char sse_bom[3] = {0xef, 0xbb, 0xbf};

void sse_init(struct sse *s, sse_cb cb, void *ud)
{
	memset(s, 0, sizeof *s);
	s->cb = cb;
	s->ud = ud;
	s->state = ST_BOM;
}

void sse_reset(struct sse *s)
{
	s->line_len = 0;
	s->data_len = 0;
	if (s->type)
		s->type[0] = '\0';
	free(s->id);
	s->id = NULL;
	s->id_cap = 0;
	s->retry_ms = 0;
	s->state = ST_BOM;
	s->stopped = 0;
}

void sse_release(struct sse *s)
{
	free(s->line);
	free(s->data);
	free(s->type);
	free(s->id);
	s->line = s->data = s->type = s->id = NULL;
	s->line_len = s->line_cap = s->data_len = s->data_cap = 0;
	s->type_cap = s->id_cap = 0;
}

/* need never passes SSE_MAX_EVENT + 1, so doubling cannot overflow. */
static int sse_grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	char *p = realloc(*buf, c);
	if (!p)
		return -1;
	*buf = p;
	*cap = c;
	return 0;
}

static int sse_set(char **buf, size_t *cap, const char *v, size_t n)
{
	if (sse_grow(buf, cap, n + 1))
		return -1;
	memcpy(*buf, v, n);
	(*buf)[n] = '\0';
	return 0;
}

static int sse_dispatch(struct sse *s)
{
	if (s->data_len == 0) {
		if (s->type)
			s->type[0] = '\0';
		return 0;
	}
	/* The data always ends in the "\n" of its last line; it becomes the NUL. */
	s->data[--s->data_len] = '\0';
	struct sse_event ev = {
		.type = s->type && s->type[0] ? s->type : "message",
		.data = s->data,
		.data_len = s->data_len,
		.id = s->id ? s->id : "",
	};
	int rc = s->cb ? s->cb(s->ud, &ev) : 0;
	s->data_len = 0;
	if (s->type)
		s->type[0] = '\0';
	return rc;
}

static int sse_line(struct sse *s, const char *p, size_t n)
{
	if (n == 0)
		return sse_dispatch(s);
	if (p[0] == ':')
		return 0;
	const char *colon = memchr(p, ':', n);
	size_t flen = colon ? (size_t)(colon - p) : n;
	const char *v = colon ? colon + 1 : p + n;
	size_t vlen = n - (size_t)(v - p);
	if (vlen && *v == ' ') {
		v++;
		vlen--;
	}
	switch (flen) {
	case 4:
		if (memcmp(p, "data", 4) == 0) {
			if (s->data_len + vlen + 1 > SSE_MAX_EVENT)
				return -1;
			if (sse_grow(&s->data, &s->data_cap, s->data_len + vlen + 1))
				return -1;
			memcpy(s->data + s->data_len, v, vlen);
			s->data_len += vlen;
			s->data[s->data_len++] = '\n';
		}
		break;
	case 5:
		/* Handed out as a C string, so a NUL cuts it short (to
		 * "message" when it comes first). */
		if (memcmp(p, "event", 5) == 0)
			return sse_set(&s->type, &s->type_cap, v, vlen);
		if (memcmp(p, "retry", 5) == 0 && vlen) {
			uint64_t ms = 0;
			for (size_t i = 0; i < vlen; i++) {
				if (v[i] < '0' || v[i] > '9')
					return 0;
				ms = ms * 10 + (uint64_t)(v[i] - '0');
				if (ms > UINT32_MAX)
					ms = UINT32_MAX;
			}
			s->retry_ms = (uint32_t)ms;
		}
		break;
	case 2:
		if (memcmp(p, "id", 2) == 0 && !memchr(v, '\0', vlen))
			return sse_set(&s->id, &s->id_cap, v, vlen);
		break;
	}
	return 0;
}

/* The stream after the BOM: whole lines are parsed in place, the tail of
 * the buffer waits in s->line for the rest of its line. */
static int sse_parse(struct sse *s, const char *buf, size_t n)
{
	size_t i = 0;
	if (s->state & ST_CR) {
		if (n == 0)
			return 0;
		s->state &= ~ST_CR;
		if (buf[0] == '\n')
			i = 1;
	}
	const char *q = i < n ? memchr(buf + i, '\n', n - i) : NULL;
	size_t lf = q ? (size_t)(q - buf) : n;
	q = i < n ? memchr(buf + i, '\r', n - i) : NULL;
	size_t cr = q ? (size_t)(q - buf) : n;
	while (i < n) {
		if (lf < i) {
			q = memchr(buf + i, '\n', n - i);
			lf = q ? (size_t)(q - buf) : n;
		}
		if (cr < i) {
			q = memchr(buf + i, '\r', n - i);
			cr = q ? (size_t)(q - buf) : n;
		}
		size_t eol = lf < cr ? lf : cr;
		size_t len = eol - i;
		if (s->line_len + len > SSE_MAX_EVENT)
			return -1;
		if (eol == n) {
			if (sse_grow(&s->line, &s->line_cap, s->line_len + len))
				return -1;
			memcpy(s->line + s->line_len, buf + i, len);
			s->line_len += len;
			return 0;
		}
		int rc;
		if (s->line_len) {
			if (sse_grow(&s->line, &s->line_cap, s->line_len + len))
				return -1;
			memcpy(s->line + s->line_len, buf + i, len);
			s->line_len += len;
			rc = sse_line(s, s->line, s->line_len);
			s->line_len = 0;
		} else {
			rc = sse_line(s, buf + i, len);
		}
		if (rc)
			return rc;
		i = eol + 1;
		if (buf[eol] == '\r') {
			if (i == n)
				s->state |= ST_CR;
			else if (buf[i] == '\n')
				i++;
		}
	}
	return 0;
}

int sse_feed(struct sse *s, const char *buf, size_t n)
{
	if (s->stopped)
		return s->stopped;
	/* The BOM may arrive a byte at a time; a false start is replayed as text. */
	while (s->state & ST_BOM) {
		if (n == 0)
			return 0;
		int k = s->state & ST_BOM_MASK;
		if ((unsigned char)buf[0] == sse_bom[k]) {
			buf++;
			n--;
			s->state = ++k == 3 ? 0 : ST_BOM | k;
			continue;
		}
		s->state = 0;
		int rc = k ? sse_parse(s, (const char *)sse_bom, (size_t)k) : 0;
		if (rc) {
			s->stopped = rc;
			return rc;
		}
	}
	int rc = sse_parse(s, buf, n);
	if (rc)
		s->stopped = rc;
	return rc;
}
