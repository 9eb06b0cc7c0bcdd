/*
 * serve.h - the I/O loop of `agent mcp`: read messages from one fd, write
 * replies to another, and drive the tool processes, all through one poll().
 */
#ifndef SRV_SERVE_H
#define SRV_SERVE_H

#include "mcp.h"
#include "skc_abi.h"

/*
 * Serve until EOF on `in`, a write error on `out`, or SIGTERM, SIGINT or
 * SIGHUP. Calls still running are killed (their process groups) and get no
 * reply; replies already made are written out first. Returns 0, or 1 after
 * an I/O error (reported on stderr).
 */
int srv_run(const struct skc_table *t, const struct mcp_opts *o, int in, int out);

#endif
