/*
 * diag.h - compiler-style diagnostics: `path:line:col: error: message`.
 *
 * Lowercase, no full stop, the subject in quotes. Errors are counted and
 * printed up to a cap; with -Werror every warning counts as an error.
 */
#ifndef DIAG_H
#define DIAG_H

#include <stdio.h>

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct diag {
	FILE *out;      /* where to print; stderr by default */
	int werror;     /* warnings are errors */
	int max_errors; /* stop printing after this many (0: no cap) */
	int errors;
	int warnings;
	int suppressed;
};

void diag_init(struct diag *d, FILE *out);

/* line and col are 1-based; 0 omits them. path may be NULL. */
void diag_at(struct diag *d, enum diag_level lvl, const char *path, unsigned line,
	     unsigned col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define diag_error(d, path, line, col, ...) diag_at((d), DIAG_ERROR, (path), (line), (col), __VA_ARGS__)
#define diag_warning(d, path, line, col, ...) diag_at((d), DIAG_WARNING, (path), (line), (col), __VA_ARGS__)
#define diag_note(d, path, line, col, ...) diag_at((d), DIAG_NOTE, (path), (line), (col), __VA_ARGS__)

/* Non-zero when the run has failed (an error, or a warning under -Werror). */
int diag_failed(const struct diag *d);

/* Print the closing "N errors, M warnings" line and any suppressed count. */
void diag_summary(struct diag *d);

#endif
