/*
 * wasm_fuzz.c - libFuzzer harness for gen/wasm.c (not part of `make test`):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Igen -Iruntime \
 *     tests/fuzz/wasm_fuzz.c gen/wasm.c gen/arena.c gen/diag.c \
 *     runtime/text.c runtime/wasi_list.c -o build/wasm-fuzz
 *   build/wasm-fuzz -max_len=65536 corpus/    (seed it with .wasm files)
 *
 * Besides not crashing: a module the checker accepts must be accepted
 * again, unchanged, once its custom sections are stripped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	struct arena a;
	struct diag d;
	arena_init(&a);
	diag_init(&d, null);
	struct sk_module m = {.path = "f.wasm", .loc = {.path = "f.wasm"}};
	if (wm_check(&a, &d, &m, data, size, WM_DEFAULT_MEM_CAP_PAGES) == 0) {
		struct sk_module again = {.path = "f.wasm", .loc = {.path = "f.wasm"}};
		if (m.code_len > size ||
		    wm_check(&a, &d, &again, m.code, m.code_len, WM_DEFAULT_MEM_CAP_PAGES) != 0 ||
		    again.code_len != m.code_len || memcmp(again.code, m.code, m.code_len))
			abort();
	}
	arena_release(&a);
	return 0;
}
