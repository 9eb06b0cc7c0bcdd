/*
 * emit.h - the one emitter and the one escaper of generated C.
 *
 * Every byte of generated source goes through emit(); every string that ends
 * up inside a C literal goes through c_string_lit(); every identifier made
 * from user text goes through c_ident().
 */
#ifndef EMIT_H
#define EMIT_H

#include <stddef.h>
#include <stdio.h>

#include "arena.h"

struct emit {
	FILE *out;
	int indent; /* tabs at the start of each emitted line */
	int error;  /* a write failed */
};

void emit_init(struct emit *e, FILE *out);
/* One line (no trailing newline in fmt): indentation, text, newline. */
void emit(struct emit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text copied as is, no indentation or newline added. */
void emit_raw(struct emit *e, const char *s, size_t n);
void emit_indent(struct emit *e);
void emit_dedent(struct emit *e);

/*
 * A C string literal, quotes included, for bytes s[0..n). Escapes '"', '\\',
 * '?' (no trigraph can form), every control byte and every byte >= 0x7f as
 * three-digit octal (so a following digit can't extend an escape and no
 * invalid UTF-8 reaches the compiler).
 */
char *c_string_lit(struct arena *a, const char *s, size_t n);

/*
 * A C identifier for text: [A-Za-z0-9_] kept, anything else becomes '_', a
 * leading digit gets a '_' in front. Not injective: callers check collisions
 * with c_ident_unique().
 */
char *c_ident(struct arena *a, const char *s);

/* Text safe inside a C block comment: "*" "/" is broken up, control bytes dropped. */
char *c_comment_text(struct arena *a, const char *s, size_t max);

#endif
