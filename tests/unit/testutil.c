#define _GNU_SOURCE /* asprintf */
#include "testutil.h"
#include <check.h>
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

void tu_cap_open(struct tu_cap *c)
{
	memset(c, 0, sizeof *c);
	arena_init(&c->a);
	c->f = open_memstream(&c->buf, &c->size);
	if (!c->f)
		abort();
	diag_init(&c->d, c->f);
}

const char *tu_cap_text(struct tu_cap *c)
{
	fflush(c->f);
	return c->buf ? c->buf : "";
}

void tu_cap_close(struct tu_cap *c)
{
	fclose(c->f);
	free(c->buf);
	arena_release(&c->a);
}

static const char *tu_type_word(uint8_t t)
{
	static const char *w[] = {"string", "integer", "number", "boolean", "array"};
	return t < 5 ? w[t] : "?";
}

char *tu_dump_params(const struct sk_tool *t, int with_loc)
{
	static const char *pass[] = {"value", "switch", "repeat", "nargs"};
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		abort();
	for (size_t i = 0; i < t->n_params; i++) {
		const struct sk_param *p = &t->params[i];
		fprintf(f, "%s %s", p->name, tu_type_word(p->type));
		if (p->type == SKC_T_ARRAY)
			fprintf(f, "<%s>", tu_type_word(p->item_type));
		fprintf(f, " %s %s %s %s ", p->required ? "req" : "opt", p->flag ? p->flag : "-",
			pass[p->pass & 3], p->default_json ? p->default_json : "-");
		if (!p->n_enum)
			fputs("-", f);
		for (size_t j = 0; j < p->n_enum; j++)
			fprintf(f, "%s%s", j ? "," : "", p->enum_json[j]);
		if (with_loc)
			fprintf(f, " @%u:%u", p->loc.line, p->loc.col);
		fprintf(f, " \"%s\"\n", p->description ? p->description : "");
	}
	fclose(f);
	return buf;
}

void tu_extract(struct tu_cap *c, struct sk_tool *t, const struct tu_extractor *x,
		const char *src, size_t len)
{
	struct ex_ctx cx = {&c->a, &c->d};
	*t = (struct sk_tool){.name = "x", .script = x->script, .lang = x->lang,
			      .loc = {x->path, 1, 1}, .args = SKC_ARGS_FLAGS};
	x->run(&cx, t, src, len);
}

void tu_ex_check(const struct tu_extractor *x, const struct tu_ex_case *c)
{
	struct tu_cap cap;
	struct sk_tool t;
	tu_cap_open(&cap);
	tu_extract(&cap, &t, x, c->src, c->len ? c->len : strlen(c->src));
	const char *text = tu_cap_text(&cap);
	if (c->desc) {
		ck_assert_ptr_nonnull(t.description);
		ck_assert_str_eq(t.description, c->desc);
		ck_assert_int_eq(t.description_from, SK_FROM_SCRIPT);
	} else {
		ck_assert_ptr_null(t.description);
	}
	ck_assert_int_eq(t.args, c->args);
	char *got = tu_dump_params(&t, 0);
	ck_assert_str_eq(got, c->params);
	ck_assert_int_eq(t.params_from, t.n_params ? SK_FROM_SCRIPT : SK_FROM_DEFAULT);
	free(got);
	if (c->diags && c->diags[0] == '*')
		ck_assert_ptr_nonnull(strstr(text, c->diags + 1));
	else if (c->diags)
		ck_assert_str_eq(text, c->diags);
	tu_cap_close(&cap);
}

void tu_ex_hostile(const struct tu_extractor *x, const char *head, const char *unit)
{
	size_t n = 200000, used = strlen(head), ul = strlen(unit);
	char *src = malloc(n + 64);
	if (!src)
		abort();
	strcpy(src, head);
	while (used + ul < n)
		memcpy(src + used, unit, ul), used += ul;
	src[used] = '\0';
	struct tu_cap cap;
	struct sk_tool t;
	tu_cap_open(&cap);
	tu_extract(&cap, &t, x, src, used);
	ck_assert_ptr_nonnull(t.description);
	tu_cap_close(&cap);
	free(src);
}
