/*
 * wasi_impl.h - what the WASI shim's files share (wasi.c, wasi_http.c):
 * the call's host context and the WASI errno values. Not for other callers.
 */
#ifndef WASI_IMPL_H
#define WASI_IMPL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasi.h"
#include "wasm-rt.h"

typedef uint32_t u32;
typedef uint64_t u64;

/* WASI errno values. */
enum {
	WASI_E_SUCCESS = 0, WASI_E_2BIG = 1, WASI_E_ACCES = 2, WASI_E_AGAIN = 6, WASI_E_BADF = 8,
	WASI_E_EXIST = 20, WASI_E_FAULT = 21, WASI_E_FBIG = 22, WASI_E_INTR = 27, WASI_E_INVAL = 28,
	WASI_E_IO = 29, WASI_E_ISDIR = 31, WASI_E_LOOP = 32, WASI_E_MFILE = 33,
	WASI_E_NAMETOOLONG = 37, WASI_E_NFILE = 41, WASI_E_NOENT = 44, WASI_E_NOMEM = 48,
	WASI_E_NOSPC = 51, WASI_E_NOSYS = 52, WASI_E_NOTDIR = 54, WASI_E_NOTEMPTY = 55,
	WASI_E_NOTSUP = 58, WASI_E_PERM = 63, WASI_E_PIPE = 64, WASI_E_ROFS = 69, WASI_E_SPIPE = 70,
	WASI_E_XDEV = 75, WASI_E_NOTCAPABLE = 76
};

enum { WASI_MAX_FDS = 64 };

struct wasi_fd {
	int host;   /* -1: free */
	bool write; /* writes allowed through it (and, for a directory, beneath it) */
	bool dir;
	int pre;    /* index of the preopen it is, or -1 */
};

/* One call's context: every imported module's instance pointer is this. */
struct wasi_host_ctx {
	const struct wasi_config *cfg;
	wasm_rt_memory_t *mem;
	struct wasi_fd fds[WASI_MAX_FDS];
	unsigned refused; /* bit per kind of grant already said to be missing */
};

/* wasm_rt.c: where a trap jumps to, and the most linear memory a module
 * gets, in pages (its declared maximum is lowered to it). */
extern jmp_buf wasm_rt_jmp_buf;
extern uint32_t wasm_rt_mem_cap_pages;
/* Zeroed memory for the call's child, never freed (the child exits); NULL
 * when its region is used up. */
void *wasm_rt_zalloc(size_t n);

/* A line on the tool's stderr, prefixed with "wasi: <tool>: ". */
void wasi_log(struct wasi_host_ctx *h, const char *msg);
/* NOTCAPABLE, saying once per kind (a bit) which grant would allow `call`. */
u32 wasi_refuse(struct wasi_host_ctx *h, unsigned kind, const char *call, const char *grant);

bool wasi_host_granted(const struct wasi_config *cfg, const char *host, long port);
/* skillc.http_request with its buffers resolved (wasi_http.c). */
u32 wasi_http(struct wasi_host_ctx *h, const uint8_t *req, size_t req_len, uint8_t *resp,
	      size_t resp_cap, size_t *resp_len);

#endif
