/*
 * The static agent's allocator: mimalloc as one translation unit (its
 * src/static.c, compiled by mk/static.sh with MI_MALLOC_OVERRIDE), plus the
 * entry points its override leaves to musl. musl's allocator (mallocng) is
 * slow for the many small blocks JSON work makes; linked as an object, this
 * defines every symbol musl's malloc objects would, so none of them is
 * linked and nothing can be allocated by one allocator and freed by the other.
 */
#include "static.c"

/* mimalloc defines aligned_alloc only under glibc's __USE_ISOC11. */
void *aligned_alloc(size_t alignment, size_t size)
{
	return mi_aligned_alloc(alignment, size);
}

/* musl's own allocations (time zones, locales, posix_spawn file actions,
 * atexit past 32 handlers) call these: mimalloc defines them for glibc only. */
void *__libc_malloc(size_t size)
{
	return mi_malloc(size);
}

void *__libc_calloc(size_t count, size_t size)
{
	return mi_calloc(count, size);
}

void *__libc_realloc(void *p, size_t size)
{
	return mi_realloc(p, size);
}

void __libc_free(void *p)
{
	mi_free(p);
}
