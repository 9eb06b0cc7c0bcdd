/*
 * jbuf.h - a growing output buffer and the runtime's one JSON writer: string
 * literals escaped straight from bytes (which need not be UTF-8), and
 * jansson values written compactly, several times faster than json_dumps,
 * which matters when a request re-sends a long conversation every step.
 */
#ifndef JB_JBUF_H
#define JB_JBUF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct jbuf {
	char *p;
	size_t head, len, cap; /* bytes [head, len) are pending; p[len] is '\0' */
	bool failed;           /* out of memory: output was dropped */
};

/* Room for n more bytes, so a long reply of known size grows once. */
void jb_reserve(struct jbuf *b, size_t n);
void jb_put(struct jbuf *b, const char *s, size_t n);
void jb_str(struct jbuf *b, const char *s);
/* A JSON string literal of n bytes; bytes that are not UTF-8 become U+FFFD. */
void jb_text(struct jbuf *b, const char *s, size_t n);
/* A value, compact, object members in insertion order (as json_dumps with
 * JSON_COMPACT | JSON_ENCODE_ANY writes it). */
void jb_json(struct jbuf *b, const json_t *v);
/* Drop n pending bytes from the front. */
void jb_consume(struct jbuf *b, size_t n);
/* Hand over the bytes (NUL-terminated, malloc'd; NULL when failed or empty)
 * and start afresh. */
char *jb_take(struct jbuf *b, size_t *len);
void jb_release(struct jbuf *b);

#endif
