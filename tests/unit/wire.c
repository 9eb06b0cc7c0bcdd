/*
 * wire.c - the raw MCP test client (wire.h).
 */
#include "wire.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

uint64_t wire_ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Start `<agent> mcp <args...>` (NULL-terminated) on two pipes, or with
 * stdin from a file when `in_file` is given. */
void wire_open_agent(struct wire *w, const char *agent, const char *const *args,
			    const char *in_file)
{
	int to[2], from[2];
	ck_assert_int_eq(pipe(to), 0);
	if (in_file) {
		close(to[0]);
		to[0] = open(in_file, O_RDONLY);
		ck_assert_int_ge(to[0], 0);
	}
	ck_assert_int_eq(pipe(from), 0);
	memset(w, 0, sizeof *w);
	w->pid = fork();
	ck_assert_int_ge(w->pid, 0);
	if (w->pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		const char *argv[16] = {agent, "mcp"};
		size_t n = 2;
		for (; args && *args && n < 15; args++)
			argv[n++] = *args;
		argv[n] = NULL;
		execv(agent, (char *const *)argv);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	if (in_file) {
		close(to[1]);
		to[1] = -1;
	}
	w->in = to[1];
	w->out = from[0];
	signal(SIGPIPE, SIG_IGN);
}

void wire_open(struct wire *w, const char *const *args)
{
	wire_open_agent(w, tu_env("E2E_AGENT", "build/e2e"), args, NULL);
}

void wire_send(struct wire *w, const char *s, size_t n)
{
	while (n) {
		ssize_t k = write(w->in, s, n);
		if (k < 0 && errno == EINTR)
			continue;
		ck_assert_msg(k > 0, "write to the server failed: %s", strerror(errno));
		s += k;
		n -= (size_t)k;
	}
}

void wire_puts(struct wire *w, const char *s)
{
	wire_send(w, s, strlen(s));
}

/* The next line (malloc'd, without its newline), or NULL at EOF or timeout. */
char *wire_line(struct wire *w, int timeout_ms)
{
	uint64_t end = wire_ms_now() + (uint64_t)timeout_ms;
	for (;;) {
		char *nl = w->len ? memchr(w->buf, '\n', w->len) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - w->buf);
			char *line = strndup(w->buf, n);
			memmove(w->buf, nl + 1, w->len - n - 1);
			w->len -= n + 1;
			return line;
		}
		uint64_t now = wire_ms_now();
		if (now >= end)
			return NULL;
		struct pollfd p = {.fd = w->out, .events = POLLIN};
		if (poll(&p, 1, (int)(end - now)) <= 0)
			continue;
		if (w->cap - w->len < 65536) {
			w->cap = w->cap ? w->cap * 2 : 1 << 17;
			w->buf = realloc(w->buf, w->cap);
		}
		ssize_t r = read(w->out, w->buf + w->len, w->cap - w->len);
		if (r <= 0)
			return NULL;
		w->len += (size_t)r;
	}
}

/* The next message, parsed; fails the test on timeout or bad JSON. */
json_t *wire_recv(struct wire *w)
{
	char *line = wire_line(w, WAIT_MS);
	ck_assert_msg(line != NULL, "no reply from the server within %d s", WAIT_MS / 1000);
	json_error_t je;
	json_t *v = json_loads(line, 0, &je);
	ck_assert_msg(v != NULL, "reply is not JSON (%s): %.300s", je.text, line);
	free(line);
	return v;
}

/* The next message that is not a notification. */
json_t *wire_reply(struct wire *w)
{
	for (;;) {
		json_t *v = wire_recv(w);
		if (json_object_get(v, "id"))
			return v;
		json_decref(v);
	}
}

/* Close stdin and wait; the exit status (128+signal when killed). */
int wire_close(struct wire *w)
{
	if (w->in >= 0)
		close(w->in);
	w->in = -1;
	int st = 0;
	uint64_t end = wire_ms_now() + WAIT_MS;
	while (waitpid(w->pid, &st, WNOHANG) == 0) {
		if (wire_ms_now() > end) {
			kill(w->pid, SIGKILL);
			waitpid(w->pid, &st, 0);
			ck_abort_msg("the server did not exit after EOF");
		}
		usleep(5000);
	}
	close(w->out);
	free(w->buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

json_int_t error_code(json_t *reply)
{
	json_t *e = json_object_get(reply, "error");
	ck_assert_msg(e != NULL, "expected an error, got a result");
	return json_integer_value(json_object_get(e, "code"));
}

const char *error_message(json_t *reply)
{
	return json_string_value(json_object_get(json_object_get(reply, "error"), "message"));
}

json_t *result_of(json_t *reply)
{
	json_t *r = json_object_get(reply, "result");
	ck_assert_msg(r != NULL, "expected a result, got: %s",
		      error_message(reply) ? error_message(reply) : "?");
	return r;
}

