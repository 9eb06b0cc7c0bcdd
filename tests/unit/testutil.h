/* testutil.h - running the built programs from tests. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "model.h"

struct tu_run {
	int status; /* exit status, or 128+signal */
	char *out;  /* malloc'd, NUL-terminated */
	size_t out_len;
	char *err;
	size_t err_len;
};

/* Run `sh -c cmd` with stdin from /dev/null; capture both outputs. */
void tu_run(struct tu_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tu_run_release(struct tu_run *r);

/* An environment variable the Makefile sets, or a default under the repo. */
const char *tu_env(const char *name, const char *fallback);

/* Read a whole file; NULL when missing. */
char *tu_read(const char *path, size_t *len);

/* A fresh temporary directory, removed by tu_rmdir. */
char *tu_tmpdir(void);
void tu_rmdir(char *dir);

/* An arena, diagnostics captured into a string, and a skill to fill. */
struct tu_cap {
	struct arena a;
	struct diag d;
	FILE *f;
	char *buf;
	size_t size;
	struct sk_skill sk;
};

void tu_cap_open(struct tu_cap *c);
const char *tu_cap_text(struct tu_cap *c); /* the diagnostics so far */
void tu_cap_close(struct tu_cap *c);

/* One line per parameter, for exact comparison in extractor tests:
 * name type[<item>] req|opt flag pass default enum [@line:col] "description" */
char *tu_dump_params(const struct sk_tool *t, int with_loc);

/* One extractor under test and the tool 'x' it fills. */
struct tu_extractor {
	void (*run)(struct ex_ctx *cx, struct sk_tool *tool, const char *src, size_t len);
	enum sk_lang lang;
	const char *script; /* the tool's script, "scripts/x.js" */
	const char *path;   /* where its diagnostics point */
};

/* A table-driven extractor case. */
struct tu_ex_case {
	const char *what;
	const char *src;
	size_t len;         /* 0: strlen(src) */
	const char *desc;   /* NULL: none expected */
	int args;           /* enum skc_args */
	const char *params; /* one line per parameter, see tu_dump_params */
	const char *diags;  /* exact, or "*text": contains text; NULL: not checked */
};

/* Run the extractor on src as a fresh tool 'x' (flags style unless the
 * script says otherwise); its diagnostics go to c. */
void tu_extract(struct tu_cap *c, struct sk_tool *t, const struct tu_extractor *x,
		const char *src, size_t len);
/* Check one case: description, argument style, parameters, diagnostics. */
void tu_ex_check(const struct tu_extractor *x, const struct tu_ex_case *c);
/* A hostile size: `head`, then `unit` repeated to about 200 KB. It must not
 * crash, and the description in `head` must survive. */
void tu_ex_hostile(const struct tu_extractor *x, const char *head, const char *unit);

#endif
