/*
 * probe - one hostile or curious thing per call, for the WASM tests: the
 * `do` argument (argv, flags style) names it. Prints one JSON line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int say_errno(const char *what, int rc)
{
	printf("{\"%s\":%d,\"errno\":%d,\"error\":\"%s\"}\n", what, rc, rc < 0 ? errno : 0,
	       rc < 0 ? strerror(errno) : "");
	return 0;
}

static int read_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return say_errno("open", fd);
	char buf[256];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return say_errno("read", -1);
	buf[n] = 0;
	buf[strcspn(buf, "\n\"\\")] = 0;
	printf("{\"read\":\"%s\"}\n", buf);
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return say_errno("open", fd);
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return say_errno("write", n < 0 ? -1 : (int)n);
}

/* The host call for the network (runtime/wasi_http.c). */
__attribute__((import_module("skillc"), import_name("http_request"))) uint32_t
skillc_http_request(const char *req, uint32_t req_len, char *resp, uint32_t resp_cap,
		    uint32_t *resp_len);

/* A request given whole (raw), or a GET of url. */
static int http_get(const char *url, int raw)
{
	static char resp[1 << 16];
	char req[1024];
	uint32_t n = 0;
	if (raw)
		snprintf(req, sizeof req, "%s", url);
	else
		snprintf(req, sizeof req,
			 "{\"method\":\"GET\",\"url\":\"%s\",\"headers\":{\"X-Probe\":\"1\"}}", url);
	uint32_t e = skillc_http_request(req, (uint32_t)strlen(req), resp, sizeof resp - 1, &n);
	if (e) {
		printf("{\"http_errno\":%u}\n", e);
		return 0;
	}
	resp[n] = '\0';
	puts(resp);
	return 0;
}

/* Unbounded recursion with a side effect at each level: never optimized out. */
static volatile int depth;

__attribute__((noinline)) static int recurse(int n)
{
	volatile char pad[64];
	pad[0] = (char)n;
	depth = n;
	return depth >= 0 ? recurse(n + 1) + pad[0] : 0; /* depth never goes below 0 */
}

int main(int argc, char **argv)
{
	if (argc < 3 || strcmp(argv[1], "--do")) {
		fprintf(stderr, "usage: probe --do WHAT [ARG]\n");
		return 2;
	}
	const char *what = argv[2], *arg = argc > 4 ? argv[4] : "";
	if (!strcmp(what, "echo")) {
		printf("{\"argc\":%d,\"arg\":\"%s\"}\n", argc, arg);
	} else if (!strcmp(what, "loop")) {
		for (volatile uint64_t i = 0;; i++)
			;
	} else if (!strcmp(what, "trap")) {
		__builtin_trap();
	} else if (!strcmp(what, "oob")) {
		/* Past the end of linear memory: a trap, never the host's memory. */
		*(volatile uint32_t *)(uintptr_t)0xfffffff0u = 1;
	} else if (!strcmp(what, "recurse")) {
		return recurse(1);
	} else if (!strcmp(what, "bomb")) {
		/* Every page written through volatile, so nothing can be elided. */
		size_t mib = 0;
		for (volatile char *p; (p = malloc(1 << 20)); mib++)
			for (size_t k = 0; k < 1 << 20; k += 4096)
				p[k] = 1;
		printf("{\"allocated_mib\":%zu}\n", mib);
	} else if (!strcmp(what, "flood")) {
		for (;;)
			fputs("flood flood flood flood flood flood flood flood\n", stdout);
	} else if (!strcmp(what, "exit")) {
		exit(atoi(arg));
	} else if (!strcmp(what, "env")) {
		const char *v = getenv(arg);
		printf("{\"set\":%s,\"value\":\"%s\"}\n", v ? "true" : "false", v ? v : "");
	} else if (!strcmp(what, "clock")) {
		struct timespec ts;
		return say_errno("clock_gettime", clock_gettime(CLOCK_REALTIME, &ts));
	} else if (!strcmp(what, "random")) {
		unsigned char b[8];
		return say_errno("getentropy", getentropy(b, sizeof b));
	} else if (!strcmp(what, "read")) {
		return read_file(arg);
	} else if (!strcmp(what, "write")) {
		return write_file(arg, "written by wasm\n");
	} else if (!strcmp(what, "http")) {
		return http_get(arg, 0);
	} else if (!strcmp(what, "http_raw")) {
		return http_get(arg, 1);
	} else if (!strcmp(what, "stderr")) {
		fprintf(stderr, "a log line\n");
		printf("{\"ok\":true}\n");
	} else {
		fprintf(stderr, "unknown --do %s\n", what);
		return 2;
	}
	return 0;
}
