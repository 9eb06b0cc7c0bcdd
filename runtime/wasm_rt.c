/*
 * wasm_rt.c - the runtime wasm2c's C calls (wasm-rt.h), for one module
 * instance in a call's child process.
 *
 * Ours rather than wabt's wasm-rt-impl.c, for linear memory: it is
 * reserved once, at the call's cap, and committed by the kernel as pages
 * are touched, so memory.grow moves and copies nothing (wabt's bounds-check
 * build reallocs the whole memory on every grow, which made a module
 * growing to 32 MiB spend seconds copying). Bounds are checked by the
 * generated code (WASM_RT_MEMCHECK_SIGNAL_HANDLER=0): no signal handler,
 * no guard region. Traps longjmp to wasm_rt_jmp_buf, set by wasi_run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>

#include "wasi_impl.h"
#include "wasm-rt.h"

/* Declared by wabt's wasm-rt-impl.h, which generated code does not include. */
extern jmp_buf wasm_rt_jmp_buf;
jmp_buf wasm_rt_jmp_buf;

#if WASM_RT_USE_STACK_DEPTH_COUNT
uint32_t wasm_rt_call_stack_depth;
#endif

uint32_t wasm_rt_mem_cap_pages = 4096;

/*
 * Everything else the instance needs (the instance itself, function types,
 * tables) comes from one region mapped for the call's child and never
 * freed: the child exits. Fresh pages fault once each, where the first
 * mallocs in a forked child touch and copy the parent's allocator pages:
 * 27 faults before a module ran, of a call's 37.
 */
enum { ARENA_RESERVE = 64 << 20 };
static uint8_t *arena;
static size_t arena_used;

void *wasm_rt_zalloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!arena) {
		void *p = mmap(NULL, ARENA_RESERVE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		arena = p;
	}
	if (n > ARENA_RESERVE - arena_used)
		return NULL;
	void *p = arena + arena_used;
	arena_used += n;
	return p;
}

static bool initialized;
static jmp_buf *unwind_target;

void wasm_rt_init(void)
{
	initialized = true;
}

bool wasm_rt_is_initialized(void)
{
	return initialized;
}

void wasm_rt_free(void)
{
	initialized = false;
}

void wasm_rt_trap(wasm_rt_trap_t code)
{
#if WASM_RT_USE_STACK_DEPTH_COUNT
	wasm_rt_call_stack_depth = 0;
#endif
	longjmp(wasm_rt_jmp_buf, code ? (int)code : (int)WASM_RT_TRAP_UNREACHABLE);
}

const char *wasm_rt_strerror(wasm_rt_trap_t trap)
{
	switch (trap) {
	case WASM_RT_TRAP_NONE: return "no trap";
	case WASM_RT_TRAP_OOB: return "out-of-bounds access to linear memory or a table";
	case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow in a division or conversion";
	case WASM_RT_TRAP_DIV_BY_ZERO: return "integer division by zero";
	case WASM_RT_TRAP_INVALID_CONVERSION: return "conversion of NaN to an integer";
	case WASM_RT_TRAP_UNREACHABLE: return "unreachable instruction executed";
	case WASM_RT_TRAP_CALL_INDIRECT: return "call_indirect to a missing or mistyped function";
	case WASM_RT_TRAP_UNCAUGHT_EXCEPTION: return "uncaught exception";
#if !WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS
	case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
#endif
	}
	return "unknown trap";
}

/*
 * Function types are interned: the same signature gets the same index,
 * which call_indirect compares. Types are few (one per distinct signature
 * of a module), so a linear search does.
 */
struct fn_type {
	uint32_t n_params, n_results;
	const wasm_rt_type_t *types; /* params then results */
};
enum { MAX_FN_TYPES = 4096 }; /* gen/wasm.h WM_MAX_TYPES: the bake refuses more */
static struct fn_type *fn_types;
static uint32_t n_fn_types;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
	uint32_t n = params + results;
	wasm_rt_type_t stack[64], *types = n <= 64 ? stack : wasm_rt_zalloc(n * sizeof *types);
	if (!types)
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	va_list ap;
	va_start(ap, results);
	for (uint32_t i = 0; i < n; i++)
		types[i] = (wasm_rt_type_t)va_arg(ap, int);
	va_end(ap);
	for (uint32_t i = 0; i < n_fn_types; i++) {
		const struct fn_type *f = &fn_types[i];
		if (f->n_params == params && f->n_results == results &&
		    !memcmp(f->types, types, n * sizeof *types))
			return i + 1;
	}
	if (!fn_types)
		fn_types = wasm_rt_zalloc(MAX_FN_TYPES * sizeof *fn_types);
	wasm_rt_type_t *kept = types == stack ? wasm_rt_zalloc((n ? n : 1) * sizeof *kept) : types;
	if (!fn_types || !kept || n_fn_types == MAX_FN_TYPES)
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	if (kept != types)
		memcpy(kept, types, n * sizeof *types);
	fn_types[n_fn_types] = (struct fn_type){params, results, kept};
	return ++n_fn_types;
}

/* Exceptions: the checker refuses modules that use them (gen/wasm.c); these
 * satisfy the header, and a throw is a trap. */
uint32_t wasm_rt_register_tag(uint32_t size)
{
	static uint32_t tags;
	(void)size;
	return tags++;
}

void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void *values)
{
	(void)tag, (void)size, (void)values;
}

void wasm_rt_throw(void)
{
	wasm_rt_trap(WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
}

WASM_RT_UNWIND_TARGET *wasm_rt_get_unwind_target(void)
{
	return unwind_target;
}

void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET *target)
{
	unwind_target = target;
}

uint32_t wasm_rt_exception_tag(void)
{
	return 0;
}

uint32_t wasm_rt_exception_size(void)
{
	return 0;
}

void *wasm_rt_exception(void)
{
	return NULL;
}

/* ---- linear memory ---- */

enum { PAGE = 65536 };

void wasm_rt_allocate_memory(wasm_rt_memory_t *m, uint32_t initial, uint32_t max)
{
	/* size is 32 bits: 65536 pages would wrap it to 0. */
	uint32_t cap = wasm_rt_mem_cap_pages < 65535 ? wasm_rt_mem_cap_pages : 65535;
	if (max > cap)
		max = cap;
	if (initial > max)
		wasm_rt_trap(WASM_RT_TRAP_OOB); /* the bake checks this; a trap, not a crash */
	size_t reserve = (size_t)(max ? max : 1) * PAGE;
	void *p = mmap(NULL, reserve, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	m->data = p;
	m->pages = initial;
	m->max_pages = max;
	m->size = initial * PAGE;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *m, uint32_t delta)
{
	uint32_t old = m->pages;
	if (delta > m->max_pages - old)
		return UINT32_MAX;
	/* Already mapped and zeroed: only the bound moves. */
	m->pages = old + delta;
	m->size = m->pages * PAGE;
	return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t *m)
{
	if (m->data)
		munmap(m->data, (size_t)(m->max_pages ? m->max_pages : 1) * PAGE);
	m->data = NULL;
}

/* ---- tables ---- */

#define TABLE_OPS(kind)                                                                      \
	void wasm_rt_allocate_##kind##_table(wasm_rt_##kind##_table_t *t, uint32_t n,        \
					     uint32_t max)                                   \
	{                                                                                    \
		t->data = wasm_rt_zalloc(((size_t)n + 1) * sizeof *t->data);                 \
		if (!t->data)                                                                \
			wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);                               \
		t->size = n;                                                                 \
		t->max_size = max;                                                           \
	}                                                                                    \
	void wasm_rt_free_##kind##_table(wasm_rt_##kind##_table_t *t)                        \
	{                                                                                    \
		t->data = NULL; /* the region goes with the child */                         \
	}                                                                                    \
	uint32_t wasm_rt_grow_##kind##_table(wasm_rt_##kind##_table_t *t, uint32_t delta,    \
					     wasm_rt_##kind##_t init)                        \
	{                                                                                    \
		uint32_t old = t->size;                                                      \
		if (delta > t->max_size - old || (uint64_t)old + delta > (1u << 20))         \
			return UINT32_MAX;                                                   \
		wasm_rt_##kind##_t *d = wasm_rt_zalloc(((size_t)old + delta + 1) * sizeof *d); \
		if (!d)                                                                      \
			return UINT32_MAX;                                                   \
		memcpy(d, t->data, (size_t)old * sizeof *d);                                 \
		t->data = d;                                                                 \
		for (uint32_t i = old; i < old + delta; i++)                                 \
			t->data[i] = init;                                                   \
		t->size = old + delta;                                                       \
		return old;                                                                  \
	}

TABLE_OPS(funcref)
TABLE_OPS(externref)
