/*
 * text.h - byte-level text helpers the runtime and the generator share.
 */
#ifndef TXT_TEXT_H
#define TXT_TEXT_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes, n > 0), or 0 when
 * it is not one: overlong forms, surrogates and code points past U+10FFFF
 * are invalid. */
size_t txt_utf8_len(const unsigned char *s, size_t n);

/* A copy of n bytes with every byte that is not part of valid UTF-8 replaced
 * by U+FFFD: malloc'd, NUL-terminated, its length in *out_len; NULL when out
 * of memory. */
char *txt_utf8_repair(const char *s, size_t n, size_t *out_len);

/* Standard base64 (with padding) of n bytes: malloc'd, NUL-terminated; NULL
 * when out of memory. */
char *txt_base64(const unsigned char *s, size_t n);

/* The value of a hexadecimal digit, or -1. */
int txt_hexval(int c);

#endif
