/*
 * serve.c - one poll() loop over the client's two pipes, a self-pipe for
 * signals, and every running tool's pipes. Nothing here blocks: a slow tool
 * or a slow reader never holds up the other direction.
 */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	READ_CHUNK = 1 << 16,
	OUT_HIGH = 64 << 20, /* stop reading while this much output waits */
	FLUSH_MS = 2000      /* how long a reader may stall replies on the way out */
};

static int srv_sig[2] = {-1, -1};

static void srv_on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;
	if (write(srv_sig[1], &c, 1) < 0) {
		/* The pipe is full: a wake-up is already pending. */
	}
	errno = saved;
}

struct srv_in {
	char *p;
	size_t len, cap;
	size_t scanned;   /* bytes of p known to hold no newline */
	size_t discarded; /* bytes of an oversized line dropped so far */
	bool discarding;
};

/* Hand every complete line to the engine; keep the partial rest. */
static void srv_lines(struct srv_in *in, struct mcp *m)
{
	size_t start = 0;
	for (;;) {
		char *nl = memchr(in->p + in->scanned, '\n', in->len - in->scanned);
		if (!nl) {
			in->scanned = in->len;
			break;
		}
		size_t end = (size_t)(nl - in->p);
		if (in->discarding) {
			mcp_oversized(m, in->discarded + end - start);
			in->discarding = false;
			in->discarded = 0;
		} else {
			size_t n = end - start;
			if (n && in->p[start + n - 1] == '\r')
				n--;
			if (n)
				mcp_handle(m, in->p + start, n);
		}
		start = end + 1;
		in->scanned = start;
	}
	memmove(in->p, in->p + start, in->len - start);
	in->len -= start;
	in->scanned -= start;
	if (in->len > MCP_MAX_LINE) {
		/* No newline within the limit: drop it as it streams in. */
		in->discarding = true;
		in->discarded += in->len;
		in->len = in->scanned = 0;
	}
}

static int srv_read(int fd, struct srv_in *in)
{
	if (in->cap - in->len < READ_CHUNK) {
		size_t cap = in->cap ? in->cap * 2 : 4 * READ_CHUNK;
		char *p = realloc(in->p, cap);
		if (!p)
			return -1;
		in->p = p;
		in->cap = cap;
	}
	ssize_t r = read(fd, in->p + in->len, in->cap - in->len);
	if (r > 0)
		in->len += (size_t)r;
	return r < 0 ? (errno == EAGAIN || errno == EINTR ? 1 : -1) : r > 0;
}

/* Write what the engine has; -1 when the reader is gone. */
static int srv_write(int fd, struct mcp *m)
{
	size_t n;
	const char *p = mcp_output(m, &n);
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		mcp_consume(m, (size_t)w);
		p = mcp_output(m, &n);
	}
	return 0;
}

/* Deliver what is pending; give up only on a reader that stops reading. */
static void srv_flush(int fd, struct mcp *m)
{
	size_t n;
	int idle = 0;
	while (mcp_output(m, &n), n && idle < FLUSH_MS) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int r = poll(&p, 1, 50);
		if (r < 0 && errno != EINTR)
			return;
		if (r <= 0) {
			idle += 50;
			continue;
		}
		if (srv_write(fd, m) < 0)
			return;
		idle = 0;
	}
}

int srv_run(const struct skc_table *t, const struct mcp_opts *o, int in_fd, int out_fd)
{
	struct mcp *m = mcp_new(t, o);
	if (!m || pipe(srv_sig) != 0) {
		fprintf(stderr, "mcp: error: cannot start: %s\n", strerror(errno));
		mcp_free(m);
		return 1;
	}
	fcntl(srv_sig[0], F_SETFD, FD_CLOEXEC);
	fcntl(srv_sig[1], F_SETFD, FD_CLOEXEC);
	fcntl(srv_sig[1], F_SETFL, O_NONBLOCK);
	struct sigaction sa = {.sa_handler = srv_on_signal}, old[3];
	sigemptyset(&sa.sa_mask);
	const int sigs[3] = {SIGTERM, SIGINT, SIGHUP};
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	int in_flags = fcntl(in_fd, F_GETFL), out_flags = fcntl(out_fd, F_GETFL);
	fcntl(in_fd, F_SETFL, in_flags | O_NONBLOCK);
	fcntl(out_fd, F_SETFL, out_flags | O_NONBLOCK);

	int max = 3 + mcp_max_pollfds(m);
	struct pollfd *fds = calloc((size_t)max, sizeof *fds);
	struct srv_in in = {0};
	int rc = 0;
	bool eof = false;
	while (fds && !eof) {
		size_t pending;
		mcp_output(m, &pending);
		int n = 0;
		fds[n++] = (struct pollfd){.fd = srv_sig[0], .events = POLLIN};
		int in_at = -1, out_at = -1;
		if (pending < OUT_HIGH) {
			in_at = n;
			fds[n++] = (struct pollfd){.fd = in_fd, .events = POLLIN};
		}
		if (pending) {
			out_at = n;
			fds[n++] = (struct pollfd){.fd = out_fd, .events = POLLOUT};
		}
		n += mcp_pollfds(m, fds + n, max - n);
		if (poll(fds, (nfds_t)n, mcp_timeout_ms(m)) < 0 && errno != EINTR) {
			fprintf(stderr, "mcp: error: poll: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		if (fds[0].revents)
			break; /* a signal: shut down */
		if (in_at >= 0 && fds[in_at].revents) {
			int r = srv_read(in_fd, &in);
			if (r < 0 && errno != EAGAIN) {
				if (errno)
					fprintf(stderr, "mcp: error: reading requests: %s\n",
						strerror(errno));
				eof = true;
			}
			if (r == 0) {
				/* A last line without its newline still counts. */
				if (in.len && !in.discarding) {
					in.p[in.len] = '\n';
					in.len++;
				}
				eof = true;
			}
			srv_lines(&in, m);
		}
		mcp_step(m);
		if ((out_at < 0 || fds[out_at].revents) && srv_write(out_fd, m) < 0) {
			if (errno != EPIPE) {
				fprintf(stderr, "mcp: error: writing replies: %s\n", strerror(errno));
				rc = 1;
			}
			break;
		}
	}
	/* What still runs is killed; what was answered is delivered. */
	mcp_cancel_all(m);
	srv_flush(out_fd, m);
	fcntl(in_fd, F_SETFL, in_flags);
	fcntl(out_fd, F_SETFL, out_flags);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	close(srv_sig[0]);
	close(srv_sig[1]);
	srv_sig[0] = srv_sig[1] = -1;
	free(in.p);
	free(fds);
	mcp_free(m);
	return rc;
}
