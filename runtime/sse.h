/*
 * sse.h - a Server-Sent Events parser (the WHATWG "text/event-stream"
 * format), fed bytes as they arrive from the network.
 *
 * Lines end in CRLF, LF or CR, and a CRLF may be split across two reads.
 * `data:` fields over several lines are joined with "\n"; `event:` sets the
 * type, `id:` the last event id (ignored when it holds a NUL), `retry:` the
 * reconnection time (digits only); lines starting with ':' are comments; a
 * leading UTF-8 BOM is skipped; one space after the colon is dropped. An
 * event is dispatched at a blank line when it has data; an event left
 * unfinished at the end of the stream is discarded, as the spec says.
 *
 *	struct sse s;
 *	sse_init(&s, on_event, ud);
 *	while ((n = read(...)) > 0)
 *		if (sse_feed(&s, buf, n)) break;
 *	sse_release(&s);
 */
#ifndef SSE_SSE_H
#define SSE_SSE_H

#include <stddef.h>
#include <stdint.h>

enum {
	SSE_MAX_EVENT = 64 << 20 /* longest line or event data, bytes: past it sse_feed fails */
};

struct sse_event {
	const char *type; /* the event field, or "message"; NUL-terminated */
	const char *data; /* joined data lines, NUL-terminated, without the final "\n" */
	size_t data_len;
	const char *id; /* the last event id ("" when none); NUL-terminated */
};

/* Called once per event; the strings live until it returns. Non-zero stops
 * the parser: sse_feed returns that value, now and on every later call. */
typedef int (*sse_cb)(void *ud, const struct sse_event *ev);

struct sse {
	sse_cb cb;
	void *ud;
	char *line; /* the line being read */
	size_t line_len, line_cap;
	char *data; /* the event's data so far */
	size_t data_len, data_cap;
	char *type; /* the event's type so far; NULL or "": "message" */
	char *id;   /* the last event id; NULL: "" */
	uint32_t retry_ms; /* the last valid retry field (saturated); 0: none seen */
	int state;         /* private: BOM and CR handling */
	int stopped;       /* the value that stopped the parser, or 0 */
	size_t type_cap, id_cap; /* private: the buffers are kept between events */
};

void sse_init(struct sse *s, sse_cb cb, void *ud);
/* Parse n bytes. 0, the callback's non-zero value, or -1 when a line or an
 * event's data passes SSE_MAX_EVENT or memory runs out (the parser then stays
 * stopped). */
int sse_feed(struct sse *s, const char *buf, size_t n);
/* Start over for a new stream; keeps cb and ud. */
void sse_reset(struct sse *s);
void sse_release(struct sse *s);

#endif
