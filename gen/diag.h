/*
 * diag.h - compiler-style diagnostics: `path:line:col: error: message`.
 *
 * Lowercase, no full stop, the subject in quotes. Errors are counted and
 * printed up to a cap; with -Werror every warning counts as an error.
 *
 * Every diagnostic of the run goes through diag_at, whatever the format:
 * text (stderr), JSON lines, GitHub Actions workflow commands, or one
 * SARIF 2.1.0 document (the machine formats on diag.mout, stdout by
 * default; the counts line always as text on stderr).
 *
 * A diagnostic may be about a skill (diag_about): machine formats name it,
 * the skill's own error count goes up, and under `lenient` such an error
 * skips the skill instead of failing the run.
 */
#ifndef DIAG_H
#define DIAG_H

#include <stdio.h>

struct arena;

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

enum diag_format { DIAG_TEXT, DIAG_JSON, DIAG_GITHUB, DIAG_SARIF };

/* What the diagnostics that follow are about: one skill. */
struct diag_subject {
	unsigned id;             /* stable and non-zero, for held diagnostics */
	const char *skill;       /* its name, for machine formats; NULL: not known yet */
	unsigned errors;         /* errors said about it */
	const char *first_error; /* the first one's message (diag.arena); NULL: none */
};

struct diag_rec;

struct diag {
	FILE *out;      /* where text goes; stderr by default */
	FILE *mout;     /* where machine formats go; stdout by default */
	enum diag_format format;
	struct arena *arena; /* keeps first_error of subjects; NULL: not kept */
	int werror;     /* warnings are errors */
	int lenient;    /* an error about a skill skips it instead of failing the run */
	int max_errors; /* stop printing after this many (0: no cap) */
	int errors;
	int warnings;
	int fatal;      /* errors that fail the run */
	int suppressed;
	struct diag_subject *about;
	/* Held diagnostics (diag_hold), and the SARIF results until diag_summary. */
	struct diag_rec *held, *results;
	size_t n_held, cap_held, n_results, cap_results;
	int holding;
};

void diag_init(struct diag *d, FILE *out);

/* "text", "json", "github" or "sarif"; -1 when unknown. */
int diag_format_parse(const char *name, enum diag_format *out);

/* line and col are 1-based; 0 omits them. path may be NULL. */
void diag_at(struct diag *d, enum diag_level lvl, const char *path, unsigned line,
	     unsigned col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define diag_error(d, path, line, col, ...) diag_at((d), DIAG_ERROR, (path), (line), (col), __VA_ARGS__)
#define diag_warning(d, path, line, col, ...) diag_at((d), DIAG_WARNING, (path), (line), (col), __VA_ARGS__)
#define diag_note(d, path, line, col, ...) diag_at((d), DIAG_NOTE, (path), (line), (col), __VA_ARGS__)

/* The diagnostics that follow are about s (NULL: about no skill in particular). */
void diag_about(struct diag *d, struct diag_subject *s);

/*
 * Hold diagnostics instead of printing them, for a trial pass; diag_flush
 * prints those about a subject whose id keep() accepts (keep NULL: all of
 * them), drops the rest, and stops holding.
 */
void diag_hold(struct diag *d);
void diag_flush(struct diag *d, int (*keep)(void *ctx, unsigned id), void *ctx);

/* Non-zero when the run has failed (an error, or a warning under -Werror,
 * that is not about a skill that lenient baking skips). */
int diag_failed(const struct diag *d);

/*
 * Print the closing "N errors, M warnings" line (text, on out) and any
 * suppressed count; SARIF: the document, with success as the invocation's
 * executionSuccessful. Frees what diag holds.
 */
void diag_summary(struct diag *d, int success);

/*
 * Write s as a JSON string literal: quotes, backslash and control bytes
 * escaped, bytes that are not UTF-8 replaced by U+FFFD, so any input gives
 * valid JSON. The one JSON escaper of the generator's diagnostics.
 */
void diag_json_str(FILE *f, const char *s);

/* Write s as one line of text: control bytes and bytes that are not UTF-8
 * as \xNN, so a message cannot forge another line. */
void diag_text_line(FILE *f, const char *s);

#endif
