/* arena.h - one bump allocator per generator run; freed all at once. */
#ifndef ARENA_H
#define ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);

/* Zeroed, max-aligned memory; aborts on exhaustion (the generator is a batch tool). */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/*
 * Grow an array held in the arena so that it has room for `need` elements.
 * Usage: ARENA_PUSH(a, arr, n, cap) = value;
 */
void arena_grow(struct arena *a, void **arr, size_t *cap, size_t need, size_t elem);
#define ARENA_PUSH(a, arr, n, cap)                                                  \
	(*(arena_grow((a), (void **)&(arr), &(cap), (n) + 1, sizeof *(arr)), &(arr)[(n)++]))

#endif
