/*
 * render.h - write one agent's generated sources from a validated model:
 *
 *   DIR/table.c  the tables (templates/table.c with its slots filled)
 *   DIR/data.S   the read-only blob, by .incbin (templates/data.S)
 *   DIR/data.bin string pool, then every embedded file, then a trailer
 *   DEPS         a Make dependency file of every input read (optional)
 *
 * Each file is written beside its final name and renamed into place;
 * table.c goes last, so its presence means a whole, successful run.
 */
#ifndef RENDER_H
#define RENDER_H

#include "arena.h"
#include "diag.h"
#include "model.h"

struct render_opts {
	const char *out_dir;
	const char *deps_file;    /* NULL: none */
	const char *template_dir;
	const char *sources;      /* inputs as the user named them, for the header */
};

/* 0 on success; -1 after an error diagnostic, with nothing left half-written. */
int render_agent(struct arena *a, struct diag *d, const struct sk_model *m,
		 const struct render_opts *o);

/* The trailer at the end of data.bin, checked by the runtime at start. */
#define RENDER_TRAILER "SKCDATA1"

#endif
