/*
 * mcp - the MCP server benchmark driver: `agent mcp` against a reference
 * server built on the official TypeScript SDK, side by side in one run.
 *
 *   bench-mcp --agent PATH [--ref SCRIPT] [--node PATH]
 *             --file SKILL:PATH --file-expect TEXT
 *             --tool NAME --args JSON --skill-dir DIR --script REL --expect TEXT
 *             [--runs 30] [--seconds 1] [--rounds 3] [--inflight 64]
 *             [--jobs 16] [--py-seconds 1.5] [--py-rounds 5]
 *
 * Figures: spawn to tools/list (median, p90), pipelined tools/call on a
 * builtin, tools/call on a Python tool against the interpreter spawned
 * directly, and the server's peak RSS. Every reply is checked: its id, no
 * JSON-RPC error, no isError, an expected substring. Exit status 1 on a
 * crash or protocol error only: a missed target prints MISSED and still
 * exits 0, as the machine is shared and noisy.
 *
 * Replies are scanned, not parsed: the top-level "id", "error" and "method"
 * keys are found by tracking string and nesting state, which a server's
 * output cannot fool since quotes inside strings are escaped.
 */
/* memmem, posix_spawn_file_actions_addchdir_np */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum {
	REPLY_TIMEOUT_MS = 30000, /* a reply later than this is a hang */
	MAX_FIGS = 32,
	MAX_INFLIGHT = 1024,
	OWED_SLOTS = 1 << 16 /* ids outstanding, by id modulo this */
};

static const char INIT_REQ[] =
	"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
	"\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
	"\"clientInfo\":{\"name\":\"bench-mcp\",\"version\":\"1.0\"}}}\n";
static const char INITIALIZED[] =
	"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout); /* the figures so far come first */
	va_start(ap, fmt);
	fputs("bench-mcp: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

static void cloexec(int fd)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void make_pipe(int p[2])
{
	if (pipe(p) != 0)
		die("pipe: %s", strerror(errno));
	cloexec(p[0]);
	cloexec(p[1]);
}

/* ---- a server on the other end of two pipes ---- */

struct peer {
	const char *name;
	pid_t pid;
	int to, from;
	char *buf;
	size_t len, cap, start;
};

static void peer_spawn(struct peer *p, const char *name, char *const argv[])
{
	int in[2], out[2];
	make_pipe(in);
	make_pipe(out);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	int rc = posix_spawnp(&p->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		die("cannot start '%s': %s", argv[0], strerror(rc));
	close(in[0]);
	close(out[1]);
	p->name = name;
	p->to = in[1];
	p->from = out[0];
	p->len = p->start = 0;
}

static void peer_send(struct peer *p, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(p->to, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("%s: writing a request: %s", p->name, strerror(errno));
		}
		s += w;
		n -= (size_t)w;
	}
}

/* Read more of the reply stream; 0 on a timeout. A closed stream is fatal:
 * the server crashed or quit while replies were owed. */
static int peer_fill(struct peer *p, int timeout_ms)
{
	struct pollfd pf = {.fd = p->from, .events = POLLIN};
	int r = poll(&pf, 1, timeout_ms);
	if (r < 0 && errno == EINTR)
		return 1;
	if (r < 0)
		die("poll: %s", strerror(errno));
	if (r == 0)
		return 0;
	if (p->start == p->len) {
		p->start = p->len = 0;
	} else if (p->start > p->cap / 2) {
		memmove(p->buf, p->buf + p->start, p->len - p->start);
		p->len -= p->start;
		p->start = 0;
	}
	if (p->cap - p->len < 1 << 16) {
		p->cap = p->cap ? p->cap * 2 : 1 << 18;
		p->buf = xrealloc(p->buf, p->cap);
	}
	ssize_t n = read(p->from, p->buf + p->len, p->cap - p->len);
	if (n < 0 && errno != EINTR)
		die("%s: reading replies: %s", p->name, strerror(errno));
	if (n == 0)
		die("%s: the server closed its output with replies owed (crashed?)", p->name);
	if (n > 0)
		p->len += (size_t)n;
	return 1;
}

/* The next whole line in the buffer, without its newline; NULL if none yet. */
static const char *peer_line(struct peer *p, size_t *n)
{
	char *s = p->buf + p->start;
	char *nl = p->len > p->start ? memchr(s, '\n', p->len - p->start) : NULL;
	if (!nl)
		return NULL;
	*n = (size_t)(nl - s);
	p->start += *n + 1;
	return s;
}

/* Peak RSS in KiB, from /proc: the server's own, not its tools'. */
static long peer_hwm_kib(const struct peer *p)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)p->pid);
	FILE *f = fopen(path, "r");
	long kib = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

/* Close its input (end of session) and reap it; a crash is fatal. */
static void peer_close(struct peer *p)
{
	close(p->to);
	int st;
	while (waitpid(p->pid, &st, 0) < 0)
		if (errno != EINTR)
			die("%s: waitpid: %s", p->name, strerror(errno));
	close(p->from);
	if (WIFSIGNALED(st))
		die("%s: server killed by signal %d", p->name, WTERMSIG(st));
	if (WEXITSTATUS(st) != 0)
		die("%s: server exited with status %d", p->name, WEXITSTATUS(st));
}

/* ---- replies ---- */

struct reply {
	bool has_id, error, notification;
	long id;
};

static void scan(const char *s, size_t n, struct reply *r)
{
	*r = (struct reply){0};
	int depth = 0;
	bool want_key = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			size_t k0 = ++i;
			while (i < n && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			if (!(depth == 1 && want_key))
				continue;
			size_t klen = i - k0;
			size_t j = i + 1;
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j >= n || s[j] != ':')
				continue;
			want_key = false;
			const char *k = s + k0;
			if (klen == 2 && !memcmp(k, "id", 2)) {
				j++;
				while (j < n && s[j] == ' ')
					j++;
				long v = 0;
				bool digits = false;
				while (j < n && s[j] >= '0' && s[j] <= '9') {
					v = v * 10 + (s[j++] - '0');
					digits = true;
				}
				r->has_id = digits;
				r->id = v;
			} else if (klen == 5 && !memcmp(k, "error", 5)) {
				r->error = true;
			} else if (klen == 6 && !memcmp(k, "method", 6)) {
				r->notification = true;
			}
		} else if (c == '{' || c == '[') {
			depth++;
			want_key = depth == 1 && c == '{';
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == ',' && depth == 1) {
			want_key = true;
		}
	}
}

static bool has(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	return k <= n && memmem(s, n, needle, k) != NULL;
}

static void bad_reply(const struct peer *p, const char *why, const char *s, size_t n)
{
	die("%s: %s: %.*s", p->name, why, (int)(n > 600 ? 600 : n), s);
}

/* Block until the reply with this id; notifications are skipped. */
static const char *await_reply(struct peer *p, long id, size_t *n)
{
	for (;;) {
		const char *s;
		while ((s = peer_line(p, n))) {
			struct reply r;
			scan(s, *n, &r);
			if (r.notification && !r.has_id)
				continue;
			if (r.error)
				bad_reply(p, "error reply", s, *n);
			if (!r.has_id || r.id != id)
				bad_reply(p, "unexpected reply", s, *n);
			return s;
		}
		if (!peer_fill(p, REPLY_TIMEOUT_MS))
			die("%s: no reply to request %ld in %d s", p->name, id, REPLY_TIMEOUT_MS / 1000);
	}
}

/* ---- figures ---- */

struct fig {
	char name[64];
	double value;
	const char *unit;
	char target[24];
	int ok; /* 1 ok, 0 missed, -1 information only */
};

static struct fig figs[MAX_FIGS];
static int n_figs;

static void fig(const char *name, double value, const char *unit, const char *target, int ok)
{
	if (n_figs == MAX_FIGS)
		return;
	struct fig *f = &figs[n_figs++];
	snprintf(f->name, sizeof f->name, "%s", name);
	f->value = value;
	f->unit = unit;
	snprintf(f->target, sizeof f->target, "%s", target ? target : "");
	f->ok = ok;
	printf("  %-54s %10.2f %-7s %-12s %s\n", f->name, value, unit, f->target,
	       ok < 0 ? "" : ok ? "ok" : "MISSED");
	fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, int n, double q)
{
	int k = (int)(q * n + 0.999999) - 1;
	return v[k < 0 ? 0 : k >= n ? n - 1 : k];
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- 1: spawn, initialize, tools/list ---- */

static char *dup_line(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Seconds from spawn to the last tools/list page; *tools counts the tools. */
static double cold_list(char *const argv[], const char *name, int *tools)
{
	struct peer p = {0};
	double t0 = now_s();
	peer_spawn(&p, name, argv);
	size_t n;
	peer_send(&p, INIT_REQ, sizeof INIT_REQ - 1);
	const char *s = await_reply(&p, 1, &n);
	if (!has(s, n, "\"protocolVersion\""))
		bad_reply(&p, "initialize reply without protocolVersion", s, n);
	peer_send(&p, INITIALIZED, sizeof INITIALIZED - 1);
	char req[1024];
	char *cursor = NULL;
	long id = 2;
	*tools = 0;
	for (;;) {
		int k = cursor ? snprintf(req, sizeof req,
					  "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/list\","
					  "\"params\":{\"cursor\":\"%s\"}}\n", id, cursor)
			       : snprintf(req, sizeof req,
					  "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/list\"}\n",
					  id);
		free(cursor);
		cursor = NULL;
		if (k <= 0 || (size_t)k >= sizeof req)
			die("%s: cursor too long", name);
		peer_send(&p, req, (size_t)k);
		s = await_reply(&p, id++, &n);
		/* A tool object opens with its name; schemas' "name" properties are objects. */
		for (const char *q = s; (q = memmem(q, n - (size_t)(q - s), "{\"name\":\"", 9)); q += 9)
			(*tools)++;
		const char *c = memmem(s, n, "\"nextCursor\":\"", 14);
		if (!c)
			break;
		c += 14;
		const char *e = memchr(c, '"', n - (size_t)(c - s));
		if (!e)
			bad_reply(&p, "bad nextCursor", s, n);
		cursor = dup_line(c, (size_t)(e - c));
		if (id > 1000)
			die("%s: tools/list pages never end", name);
	}
	double dt = now_s() - t0;
	peer_close(&p);
	free(p.buf);
	return dt;
}

/* ---- 2 and 3: pipelined tools/call ---- */

struct call {
	const char *tool;
	const char *args;   /* JSON object */
	const char *expect; /* in every reply */
};

static void peer_open(struct peer *p, const char *name, char *const argv[])
{
	memset(p, 0, sizeof *p);
	peer_spawn(p, name, argv);
	size_t n;
	peer_send(p, INIT_REQ, sizeof INIT_REQ - 1);
	await_reply(p, 1, &n);
	peer_send(p, INITIALIZED, sizeof INITIALIZED - 1);
}

static size_t call_req(char *buf, size_t cap, const struct call *c, long id)
{
	int k = snprintf(buf, cap,
			 "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{"
			 "\"name\":\"%s\",\"arguments\":%s}}\n",
			 id, c->tool, c->args);
	if (k <= 0 || (size_t)k >= cap)
		die("request too long");
	return (size_t)k;
}

/* Keep `inflight` calls outstanding for `secs` (sending one as each reply
 * arrives; the replies one read brings are answered with one write), then
 * drain. Returns calls/s over the window: the replies that came within it
 * over its length, so the drain, with fewer in flight, does not count. The
 * drained replies are still checked; *done counts every reply. */
/*
 * Calls a second: every call started in the window over the time until the
 * last of them finished. Counting only those finished inside the window
 * would read zero when calls are slow against it (a loaded machine).
 */
static double rate(long got, double secs, double elapsed)
{
	return secs > 0 && elapsed > 0 ? (double)got / elapsed : 0;
}

static double pipelined(struct peer *p, const struct call *c, int inflight, double secs,
			long *next_id, long *done)
{
	static char owed[OWED_SLOTS];
	size_t cap = 4096 + (size_t)inflight * 1024, len = 0;
	char *out = xrealloc(NULL, cap);
	long first = *next_id, sent = 0, got = 0;
	memset(owed, 0, sizeof owed);
	for (int i = 0; i < inflight; i++) {
		len += call_req(out + len, cap - len, c, *next_id);
		owed[*next_id % OWED_SLOTS] = 1;
		++*next_id;
		sent++;
	}
	double t0 = now_s(), end = t0 + secs;
	peer_send(p, out, len);
	bool sending = true;
	while (got < sent) {
		if (!peer_fill(p, REPLY_TIMEOUT_MS))
			die("%s: %ld replies owed after %d s", p->name, sent - got,
			    REPLY_TIMEOUT_MS / 1000);
		const char *s;
		size_t n;
		len = 0;
		if (sending && now_s() >= end)
			sending = false;
		while ((s = peer_line(p, &n))) {
			struct reply r;
			scan(s, n, &r);
			if (r.notification && !r.has_id)
				continue;
			if (r.error)
				bad_reply(p, "error reply", s, n);
			if (!r.has_id || r.id < first || r.id >= *next_id ||
			    !owed[r.id % OWED_SLOTS])
				bad_reply(p, "reply to no outstanding request", s, n);
			owed[r.id % OWED_SLOTS] = 0;
			if (has(s, n, "\"isError\":true"))
				bad_reply(p, "tool error", s, n);
			if (!has(s, n, c->expect))
				bad_reply(p, "reply without the expected text", s, n);
			got++;
			if (sending) {
				if (len + 2048 > cap)
					out = xrealloc(out, cap *= 2);
				len += call_req(out + len, cap - len, c, *next_id);
				owed[*next_id % OWED_SLOTS] = 1;
				++*next_id;
				sent++;
			}
		}
		if (len)
			peer_send(p, out, len);
	}
	free(out);
	*done += got;
	return rate(got, secs, now_s() - t0);
}

/* ---- 3: the interpreter spawned directly ---- */

struct direct {
	char **argv, **envp;
	const char *dir, *stdin_data, *expect;
	int devnull;
};

struct kid {
	pid_t pid;
	int fd;
	char out[4096];
	size_t len;
};

static void kid_start(struct kid *k, const struct direct *d)
{
	int in[2], out[2];
	make_pipe(in);
	make_pipe(out);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, d->devnull, 2);
	posix_spawn_file_actions_addchdir_np(&fa, d->dir);
	int rc = posix_spawnp(&k->pid, d->argv[0], &fa, NULL, d->argv, d->envp);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		die("cannot start '%s': %s", d->argv[0], strerror(rc));
	close(in[0]);
	close(out[1]);
	/* A line of JSON fits the pipe: the write cannot block. */
	size_t n = strlen(d->stdin_data);
	if (write(in[1], d->stdin_data, n) != (ssize_t)n)
		die("writing the tool's stdin: %s", strerror(errno));
	close(in[1]);
	k->fd = out[0];
	k->len = 0;
}

static double direct_run(const struct direct *d, int par, double secs, long *done)
{
	struct kid kids[MAX_INFLIGHT];
	struct pollfd pf[MAX_INFLIGHT];
	int running = 0;
	long got = 0;
	double start = now_s(), end = start + secs;
	for (int i = 0; i < par; i++)
		kid_start(&kids[running++], d);
	while (running > 0) {
		for (int i = 0; i < running; i++)
			pf[i] = (struct pollfd){.fd = kids[i].fd, .events = POLLIN};
		if (poll(pf, (nfds_t)running, REPLY_TIMEOUT_MS) <= 0)
			die("direct: no output from the tool in %d s", REPLY_TIMEOUT_MS / 1000);
		bool more = now_s() < end;
		for (int i = running - 1; i >= 0; i--) {
			if (!pf[i].revents)
				continue;
			struct kid *k = &kids[i];
			char junk[4096];
			size_t room = sizeof k->out - k->len;
			ssize_t n = read(k->fd, room ? k->out + k->len : junk, room ? room : sizeof junk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0) {
				if (room)
					k->len += (size_t)n;
				continue;
			}
			close(k->fd);
			int st;
			while (waitpid(k->pid, &st, 0) < 0)
				if (errno != EINTR)
					die("waitpid: %s", strerror(errno));
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				die("direct: the tool failed (status %d)", st);
			if (!has(k->out, k->len, d->expect))
				die("direct: output without '%s': %.*s", d->expect, (int)k->len, k->out);
			got++;
			if (more)
				kid_start(k, d);
			else
				kids[i] = kids[--running];
		}
	}
	*done += got;
	return rate(got, secs, now_s() - start);
}

/* The environment the agent gives a tool (runtime/exec.c rx_env_clean),
 * so the direct runs see the same one. */
static char **tool_env(const char *skill, const char *dir)
{
	static const char *const keep[] = {"PATH=", "HOME=", "LANG=", "TERM=", "TZ=",
					   "TMPDIR=", "USER=", "LOGNAME=", "LC_"};
	size_t n = 0, cap = 4;
	for (char **e = environ; *e; e++)
		cap++;
	char **env = xrealloc(NULL, cap * sizeof *env);
	for (char **e = environ; *e; e++)
		for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
			if (!strncmp(*e, keep[i], strlen(keep[i]))) {
				env[n++] = *e;
				break;
			}
	size_t ln = strlen(skill) + 16, ld = strlen(dir) + 16;
	env[n] = xrealloc(NULL, ln);
	snprintf(env[n++], ln, "SKILL_NAME=%s", skill);
	env[n] = xrealloc(NULL, ld);
	snprintf(env[n++], ld, "SKILL_DIR=%s", dir);
	env[n] = NULL;
	return env;
}

/* ---- main ---- */

struct opts {
	const char *agent, *ref, *node;
	const char *file, *file_expect;
	const char *tool, *args, *skill_dir, *script, *expect;
	int runs, rounds, inflight, jobs, py_rounds;
	double seconds, py_seconds;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: bench-mcp --agent PATH [--ref SCRIPT] [--node PATH]\n"
		"                 --file SKILL:PATH --file-expect TEXT\n"
		"                 --tool NAME --args JSON --skill-dir DIR --script REL --expect TEXT\n"
		"                 [--runs N] [--seconds S] [--rounds N] [--inflight N]\n"
		"                 [--jobs N] [--py-seconds S] [--py-rounds N]\n");
	exit(2);
}

static void parse(struct opts *o, int argc, char **argv)
{
	*o = (struct opts){.node = "node", .runs = 30, .rounds = 3, .inflight = 64, .jobs = 16,
			   .py_rounds = 5, .seconds = 1.0, .py_seconds = 1.5};
	struct {
		const char *flag;
		const char **s;
		int *i;
		double *d;
	} tab[] = {
		{"--agent", &o->agent, NULL, NULL},
		{"--ref", &o->ref, NULL, NULL},
		{"--node", &o->node, NULL, NULL},
		{"--file", &o->file, NULL, NULL},
		{"--file-expect", &o->file_expect, NULL, NULL},
		{"--tool", &o->tool, NULL, NULL},
		{"--args", &o->args, NULL, NULL},
		{"--skill-dir", &o->skill_dir, NULL, NULL},
		{"--script", &o->script, NULL, NULL},
		{"--expect", &o->expect, NULL, NULL},
		{"--runs", NULL, &o->runs, NULL},
		{"--rounds", NULL, &o->rounds, NULL},
		{"--inflight", NULL, &o->inflight, NULL},
		{"--jobs", NULL, &o->jobs, NULL},
		{"--py-rounds", NULL, &o->py_rounds, NULL},
		{"--seconds", NULL, NULL, &o->seconds},
		{"--py-seconds", NULL, NULL, &o->py_seconds},
	};
	for (int i = 1; i < argc; i++) {
		size_t j = 0;
		while (j < sizeof tab / sizeof tab[0] && strcmp(argv[i], tab[j].flag))
			j++;
		if (j == sizeof tab / sizeof tab[0] || i + 1 == argc)
			usage();
		const char *v = argv[++i];
		if (tab[j].s)
			*tab[j].s = v;
		else if (tab[j].i)
			*tab[j].i = atoi(v);
		else
			*tab[j].d = atof(v);
	}
	if (!o->agent || !o->file || !o->file_expect || !o->tool || !o->args || !o->skill_dir ||
	    !o->script || !o->expect || !strchr(o->file, ':'))
		usage();
	if (o->runs < 1 || o->rounds < 1 || o->py_rounds < 1 || o->jobs < 1 ||
	    o->inflight < 1 || o->inflight > MAX_INFLIGHT || o->jobs > MAX_INFLIGHT)
		usage();
}

int main(int argc, char **argv)
{
	struct opts o;
	parse(&o, argc, argv);
	signal(SIGPIPE, SIG_IGN); /* a dead server is reported, not a silent exit */
	char jobs[16];
	snprintf(jobs, sizeof jobs, "%d", o.jobs);
	char *ours[] = {(char *)o.agent, "mcp", NULL};
	char *ours_scoped[] = {(char *)o.agent, "mcp", "--scoped", NULL};
	char *ours_jobs[] = {(char *)o.agent, "mcp", "--jobs", jobs, NULL};
	char *ref[] = {(char *)o.node, (char *)o.ref, NULL};
	bool with_ref = o.ref != NULL;

	printf("MCP benchmark: agent mcp against the official TypeScript SDK (McpServer, "
	       "stdio)%s\n", with_ref ? "" : " [reference skipped]");

	/* 1: cold start, interleaved. */
	double *t_ours = xrealloc(NULL, (size_t)o.runs * sizeof(double));
	double *t_ref = xrealloc(NULL, (size_t)o.runs * sizeof(double));
	int n_ours = 0, n_ref = 0;
	for (int i = 0; i < o.runs; i++) {
		t_ours[i] = cold_list(ours, "agent", &n_ours) * 1e3;
		if (with_ref)
			t_ref[i] = cold_list(ref, "reference", &n_ref) * 1e3;
	}
	double om = median(t_ours, o.runs), op = pct(t_ours, o.runs, 0.9);
	char name[64];
	snprintf(name, sizeof name, "spawn -> tools/list, agent (%d tools), median", n_ours);
	fig(name, om, "ms", "<= 5 ms", om <= 5);
	fig("spawn -> tools/list, agent, p90", op, "ms", "", -1);
	if (with_ref) {
		double rm = median(t_ref, o.runs), rp = pct(t_ref, o.runs, 0.9);
		snprintf(name, sizeof name, "spawn -> tools/list, reference (%d tools), median", n_ref);
		fig(name, rm, "ms", "", -1);
		fig("spawn -> tools/list, reference, p90", rp, "ms", "", -1);
		fig("  speedup, median against median", rm / om, "x", ">= 30x", rm / om >= 30);
	}
	printf("    (%d runs each, interleaved)\n", o.runs);
	free(t_ours);
	free(t_ref);

	/* 2: a builtin, pipelined, rounds interleaved with the reference's echo. */
	char file_args[2048];
	const char *colon = strchr(o.file, ':');
	snprintf(file_args, sizeof file_args, "{\"skill\":\"%.*s\",\"path\":\"%s\"}",
		 (int)(colon - o.file), o.file, colon + 1);
	struct call builtin = {"read_skill_file", file_args, o.file_expect};
	struct call echo = {"echo", "{\"text\":\"hello from bench-mcp\"}", "hello from bench-mcp"};
	/* Like for like with echo: a reply of about the same size. */
	char deact_args[512];
	snprintf(deact_args, sizeof deact_args, "{\"name\":\"%.*s\"}", (int)(colon - o.file),
		 o.file);
	struct call deact = {"deactivate_skill", deact_args, "is not active"};
	struct peer pa, pr, ps;
	long id_a = 100, id_r = 100, id_s = 100, done_a = 0, done_r = 0, done_s = 0, warm = 0;
	peer_open(&pa, "agent", ours);
	peer_open(&ps, "agent --scoped", ours_scoped);
	if (with_ref)
		peer_open(&pr, "reference", ref);
	/* Warm up (the reference's JIT most of all); not counted. */
	pipelined(&pa, &builtin, o.inflight, 0.2, &id_a, &warm);
	pipelined(&ps, &deact, o.inflight, 0.1, &id_s, &warm);
	if (with_ref)
		pipelined(&pr, &echo, o.inflight, 0.3, &id_r, &warm);
	double *r_a = xrealloc(NULL, (size_t)o.rounds * sizeof(double));
	double *r_r = xrealloc(NULL, (size_t)o.rounds * sizeof(double));
	double *r_s = xrealloc(NULL, (size_t)o.rounds * sizeof(double));
	for (int i = 0; i < o.rounds; i++) {
		r_a[i] = pipelined(&pa, &builtin, o.inflight, o.seconds, &id_a, &done_a);
		if (with_ref)
			r_r[i] = pipelined(&pr, &echo, o.inflight, o.seconds, &id_r, &done_r);
		r_s[i] = pipelined(&ps, &deact, o.inflight, o.seconds, &id_s, &done_s);
	}
	long hwm2 = peer_hwm_kib(&pa), hwm_ref = with_ref ? peer_hwm_kib(&pr) : -1;
	peer_close(&pa);
	free(pa.buf);
	peer_close(&ps);
	free(ps.buf);
	if (with_ref) {
		peer_close(&pr);
		free(pr.buf);
	}
	double ca = median(r_a, o.rounds);
	snprintf(name, sizeof name, "tools/call read_skill_file, %d in flight", o.inflight);
	fig(name, ca / 1e3, "k/s", ">= 100 k/s", ca >= 100e3);
	if (with_ref) {
		double cr = median(r_r, o.rounds);
		snprintf(name, sizeof name, "tools/call echo (reference), %d in flight", o.inflight);
		fig(name, cr / 1e3, "k/s", "", -1);
		fig("  agent against reference", ca / cr, "x", "", -1);
	}
	double cs = median(r_s, o.rounds);
	snprintf(name, sizeof name, "tools/call deactivate_skill (--scoped), %d in flight",
		 o.inflight);
	fig(name, cs / 1e3, "k/s", "", -1);
	printf("    (median of %d rounds of %.1f s each, interleaved; %ld + %ld + %ld calls, "
	       "every reply checked)\n", o.rounds, o.seconds, done_a, done_r, done_s);
	free(r_a);
	free(r_r);
	free(r_s);

	/* 3: a Python tool through the server against python3 spawned directly. */
	const char *slash = strrchr(o.skill_dir, '/');
	const char *skill = slash ? slash + 1 : o.skill_dir;
	char wire[512];
	snprintf(wire, sizeof wire, "%s", o.tool);
	struct call py = {wire, o.args, o.expect};
	char *py_argv[] = {"python3", (char *)o.script, NULL};
	char stdin_line[4096];
	snprintf(stdin_line, sizeof stdin_line, "%s\n", o.args);
	struct direct d = {py_argv, tool_env(skill, o.skill_dir), o.skill_dir, stdin_line, o.expect,
			   -1};
	d.devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (d.devnull < 0)
		die("/dev/null: %s", strerror(errno));
	long done_p = 0, done_d = 0;
	peer_open(&pa, "agent", ours_jobs);
	/* Extracts the skill into the cache once; not counted. */
	pipelined(&pa, &py, 1, 0, &id_a, &warm);
	direct_run(&d, 1, 0, &warm);
	double *p_a = xrealloc(NULL, (size_t)o.py_rounds * sizeof(double));
	double *p_d = xrealloc(NULL, (size_t)o.py_rounds * sizeof(double));
	for (int i = 0; i < o.py_rounds; i++) {
		p_a[i] = pipelined(&pa, &py, o.jobs, o.py_seconds, &id_a, &done_p);
		p_d[i] = direct_run(&d, o.jobs, o.py_seconds, &done_d);
	}
	long hwm3 = peer_hwm_kib(&pa);
	peer_close(&pa);
	free(pa.buf);
	close(d.devnull);
	double pa_m = median(p_a, o.py_rounds), pd_m = median(p_d, o.py_rounds);
	snprintf(name, sizeof name, "Python tool via agent, --jobs %d, %d in flight", o.jobs,
		 o.jobs);
	fig(name, pa_m, "calls/s", "", -1);
	snprintf(name, sizeof name, "python3 spawned directly, %d at once", o.jobs);
	fig(name, pd_m, "calls/s", "", -1);
	fig("  agent against direct", pa_m / pd_m * 100, "%", ">= 80 %", pa_m >= 0.8 * pd_m);
	printf("    (%s; median of %d rounds of %.1f s each; %ld + %ld calls)\n", o.tool,
	       o.py_rounds, o.py_seconds, done_p, done_d);
	free(p_a);
	free(p_d);
	for (char **e = d.envp; *e; e++)
		if (!strncmp(*e, "SKILL_", 6))
			free(*e);
	free(d.envp);

	/* 4: peak RSS. */
	fig("agent peak RSS (VmHWM) under load 2", hwm2 / 1024.0, "MiB", "<= 16 MiB",
	    hwm2 >= 0 && hwm2 <= 16 * 1024);
	fig("agent peak RSS (VmHWM) under load 3", hwm3 / 1024.0, "MiB", "<= 16 MiB",
	    hwm3 >= 0 && hwm3 <= 16 * 1024);
	if (with_ref)
		fig("reference peak RSS (VmHWM) under load 2", hwm_ref / 1024.0, "MiB", "", -1);

	int missed = 0;
	for (int i = 0; i < n_figs; i++)
		missed += figs[i].ok == 0;
	if (!missed) {
		printf("all MCP targets met\n");
	} else {
		printf("MISSED %d MCP target%s:", missed, missed == 1 ? "" : "s");
		for (int i = 0; i < n_figs; i++)
			if (figs[i].ok == 0)
				printf(" [%s]", figs[i].name);
		printf("\n");
	}
	return 0;
}
