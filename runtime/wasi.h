/*
 * wasi.h - the WASI preview 1 calls the runtime's shim answers, for the
 * generator to check a module's imports against, and the shim itself.
 *
 * A module may import only these, with exactly these signatures: the bake
 * refuses any other, since wasm2c's C would link against a function that
 * does not exist or has another type. Signature words: one letter per
 * value, i (i32) or I (i64); parameters, ')' and the result.
 */
#ifndef WASI_WASI_H
#define WASI_WASI_H

#include <stddef.h>

struct wasi_import {
	const char *module; /* "wasi_snapshot_preview1", or "skillc" for host calls */
	const char *name;
	const char *sig;
};

extern const struct wasi_import wasi_imports[];
extern const size_t wasi_n_imports;

/* The entry for module.name, or NULL when the shim has none. */
const struct wasi_import *wasi_find(const char *module, size_t module_len, const char *name,
				    size_t name_len);

#endif
