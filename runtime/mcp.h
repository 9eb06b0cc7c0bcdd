/*
 * mcp.h - the Model Context Protocol server: newline-delimited JSON-RPC 2.0
 * over a pair of file descriptors (stdin/stdout for `agent mcp`).
 *
 * Two request styles share one process. The handshake style (protocol
 * versions 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05) opens with
 * `initialize`. The stateless style (2026-07-28) carries the protocol
 * version in every request's params._meta and needs no handshake; its
 * results carry `resultType`. Each request is served in the style it arrives
 * in.
 *
 * The protocol engine is separate from the I/O loop so tests and the fuzzer
 * can feed it messages directly:
 *
 *	struct mcp *m = mcp_new(table, &opts);
 *	mcp_handle(m, line, len);         // one message, no newline
 *	while (mcp_busy(m)) {             // tool processes running or queued
 *		n = mcp_pollfds(m, fds, max);
 *		poll(fds, n, mcp_timeout_ms(m));
 *		mcp_step(m);
 *	}
 *	out = mcp_output(m, &len);        // whole response lines
 *	mcp_consume(m, len);
 *	mcp_free(m);                      // kills what still runs
 */
#ifndef MCP_MCP_H
#define MCP_MCP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "skc_abi.h"

enum {
	MCP_DEFAULT_JOBS = 16,        /* tool processes at once */
	MCP_DEFAULT_QUEUE = 4096,     /* calls waiting for a slot */
	MCP_DEFAULT_PAGE = 1000,      /* list entries per page */
	MCP_MAX_LINE = 16 << 20,      /* longest message accepted, bytes */
	MCP_PROGRESS_MS = 1000,       /* progress notification interval */
	MCP_MAX_NESTED = 16           /* tools/call from protocol tools, running at once */
};

struct mcp_opts {
	bool scoped;          /* list only the builtins and active skills' tools */
	unsigned jobs;        /* 0: MCP_DEFAULT_JOBS */
	unsigned queue;       /* 0: MCP_DEFAULT_QUEUE */
	unsigned page_size;   /* 0: MCP_DEFAULT_PAGE */
	unsigned progress_ms; /* 0: MCP_PROGRESS_MS */
};

struct mcp;

struct mcp *mcp_new(const struct skc_table *t, const struct mcp_opts *o);
/* Drop queued calls and kill running ones: none of them gets a reply. */
void mcp_cancel_all(struct mcp *m);
/* mcp_cancel_all, then free. */
void mcp_free(struct mcp *m);

/* Handle one message (without its newline); responses go to the output. */
void mcp_handle(struct mcp *m, const char *line, size_t len);
/* Answer a line that was too long to read (its id is unknown). */
void mcp_oversized(struct mcp *m, size_t len);

/* Pending output: whole lines. Consume what was written. */
const char *mcp_output(const struct mcp *m, size_t *len);
void mcp_consume(struct mcp *m, size_t n);

/* Tool processes: calls running or queued. */
bool mcp_busy(const struct mcp *m);
/* The fds of running tools (at most max). */
int mcp_pollfds(struct mcp *m, struct pollfd *fds, int max);
/* Milliseconds until mcp_step has a deadline (a tool's timeout, a progress
 * notification); -1: none. */
int mcp_timeout_ms(const struct mcp *m);
/* Move tool output, finish calls, start queued ones; never blocks. */
void mcp_step(struct mcp *m);
/* The most fds mcp_pollfds can report. */
int mcp_max_pollfds(const struct mcp *m);

#endif
