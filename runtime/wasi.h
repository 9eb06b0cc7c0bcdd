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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "skc_abi.h"

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

/* A directory the module sees, at `guest` (its absolute path on the host). */
struct wasi_preopen {
	const char *host;  /* absolute path on this host */
	const char *guest;
	bool write;        /* else read-only: creating, writing, removing are refused */
};

/*
 * A module's standard streams in memory, for a run in the caller's own
 * process: stdin read from `in`, stdout kept up to out_cap bytes (a write
 * past it stops the module: out_capped), the last err_cap bytes of stderr.
 */
struct wasi_io {
	const char *in;
	size_t in_len, in_off;
	char *out;             /* out_cap bytes, allocated by the caller */
	size_t out_len, out_cap;
	bool out_capped;
	char err[8192];
	size_t err_len;
	bool err_dropped;      /* earlier stderr was dropped */
};

/*
 * What one call of a module may see and do; nothing it does not list. The
 * strings must stay valid while the module runs.
 */
struct wasi_config {
	const char *tool;               /* the tool's wire name, for messages */
	const char *const *argv;        /* argv[0] is the tool's name */
	size_t argc;
	const char *const *env;         /* "NAME=value" */
	size_t n_env;
	const struct wasi_preopen *pre; /* fds 3, 4, ... */
	size_t n_pre;
	bool clock, random;
	uint8_t network;                /* enum skc_net, for skillc.http_request */
	const char *const *hosts;       /* SKC_NET_HOSTS: host patterns */
	size_t n_hosts;
	uint32_t mem_cap_pages;         /* the most linear memory, in 64 KiB pages */
	struct wasi_io *io;             /* NULL: fds 0, 1 and 2 are the streams */
};

/* A WASM tool's linear memory when its grant sets no limits.memory; the
 * bake's cap on a module's initial memory too. */
#define WASI_DEFAULT_MEMORY ((uint64_t)256 << 20)

/* The exit code of a call that trapped (its reason is on stderr). */
#define WASI_EXIT_TRAP 134

/*
 * Instantiate the module and run its _start in this process. Without io
 * it must be a child of its own: its stdin, stdout and stderr are fds 0, 1
 * and 2, and proc_exit exits the process. With io, proc_exit and a write
 * past out_cap return here. Returns the exit code (proc_exit's, 0 when
 * _start returns, WASI_EXIT_TRAP on a trap, with the reason on stderr).
 */
int wasi_run(const struct skc_wasm *mod, const struct wasi_config *cfg);

#endif
