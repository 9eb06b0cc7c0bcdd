/*
 * wasm.h - checking a WebAssembly tool before wasm2c sees it.
 *
 * A tool module must be a WASI preview 1 command that wasm2c 1.0.32 can
 * translate and the runtime's shim can link. wasm2c aborts on SIMD and
 * refuses other proposals with terse messages, and an unknown import would
 * only fail at the C link, so the generator decodes the binary itself and
 * says, with the byte offset, what is wrong and how to rebuild.
 */
#ifndef WASM_H
#define WASM_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "../runtime/wasi.h"

/* 64 KiB pages a module may ask for at start unless the manifest says
 * otherwise: the runtime's default for WASM tools. */
#define WM_DEFAULT_MEM_CAP_PAGES ((uint32_t)(WASI_DEFAULT_MEMORY >> 16))

/* The most function types a module may declare: runtime/wasm_rt.c's table. */
#define WM_MAX_TYPES 4096u

/* The custom section that describes the tool (JSON text). */
#define WM_TOOL_SECTION "skillc.tool"

/*
 * Check the module in bytes[0..len) and describe it in m. m->loc.path is
 * where diagnostics point; binaries have no lines, so each message gives a
 * byte offset. On success (no error) fills m->code/code_len with the module
 * minus every custom section, m->mem_min/mem_max, and m->tool_json/
 * tool_json_len from a `skillc.tool` section (NULL when there is none).
 * Returns the number of errors reported.
 */
int wm_check(struct arena *a, struct diag *d, struct sk_module *m, const uint8_t *bytes,
	     size_t len, uint32_t mem_cap_pages);

#endif
