/*
 * wire.h - a raw MCP client for the tests: start `<agent> mcp` on pipes,
 * write bytes, read lines back.
 */
#ifndef TESTS_WIRE_H
#define TESTS_WIRE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * How long a wait for the server may take before the test fails. A passing
 * run never gets near it: under the sanitizers, with both cores busy, 40
 * tool processes (python started through a version-manager shim) have taken
 * 27 s between two replies. It only bounds how long a broken server takes
 * to fail, and stays below the test case's timeout.
 */
enum { WAIT_MS = 120000 };

struct wire {
	pid_t pid;
	int in, out;
	char *buf;
	size_t len, cap;
};

uint64_t wire_ms_now(void);
/* Start `<agent> mcp <args...>` (NULL-terminated) on two pipes, or with
 * stdin from a file when `in_file` is given. */
void wire_open_agent(struct wire *w, const char *agent, const char *const *args,
		     const char *in_file);
/* The probe agent's (E2E_AGENT). */
void wire_open(struct wire *w, const char *const *args);
void wire_send(struct wire *w, const char *s, size_t n);
void wire_puts(struct wire *w, const char *s);
/* The next line (malloc'd, without its newline), or NULL at EOF or timeout. */
char *wire_line(struct wire *w, int timeout_ms);
/* The next message, parsed; fails the test on timeout or bad JSON. */
json_t *wire_recv(struct wire *w);
/* The next message that is not a notification. */
json_t *wire_reply(struct wire *w);
/* Close stdin and wait; the exit status (128+signal when killed). */
int wire_close(struct wire *w);
json_int_t error_code(json_t *reply);
const char *error_message(json_t *reply);
json_t *result_of(json_t *reply);

#endif
