#define _GNU_SOURCE /* asprintf */
#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n + 1 >= cap)
			buf = realloc(buf, cap *= 2);
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		if (!r)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void tu_run(struct tu_run *r, const char *fmt, ...)
{
	char dir[] = "/tmp/skillc-run-XXXXXX";
	if (!mkdtemp(dir))
		abort();
	va_list ap;
	va_start(ap, fmt);
	char *cmd;
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	char *full;
	if (asprintf(&full, "(%s) </dev/null >%s/out 2>%s/err", cmd, dir, dir) < 0)
		abort();
	int st = system(full);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	char path[64];
	snprintf(path, sizeof path, "%s/out", dir);
	r->out = tu_read(path, &r->out_len);
	unlink(path);
	snprintf(path, sizeof path, "%s/err", dir);
	r->err = tu_read(path, &r->err_len);
	unlink(path);
	rmdir(dir);
	free(cmd);
	free(full);
}

void tu_run_release(struct tu_run *r)
{
	free(r->out);
	free(r->err);
}

const char *tu_env(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

char *tu_tmpdir(void)
{
	char *d = strdup("/tmp/skillc-test-XXXXXX");
	if (!d || !mkdtemp(d))
		abort();
	return d;
}

void tu_rmdir(char *dir)
{
	char *cmd;
	if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
		free(cmd);
	}
	free(dir);
}
