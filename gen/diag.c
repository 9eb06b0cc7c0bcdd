#include "diag.h"

#include <stdarg.h>

void diag_init(struct diag *d, FILE *out)
{
	d->out = out ? out : stderr;
	d->werror = 0;
	d->max_errors = 50;
	d->errors = 0;
	d->warnings = 0;
	d->suppressed = 0;
}

void diag_at(struct diag *d, enum diag_level lvl, const char *path, unsigned line,
	     unsigned col, const char *fmt, ...)
{
	const char *word = "note";
	if (lvl == DIAG_WARNING && d->werror)
		lvl = DIAG_ERROR, word = "error";
	else if (lvl == DIAG_WARNING)
		word = "warning", d->warnings++;
	if (lvl == DIAG_ERROR) {
		word = "error";
		d->errors++;
		if (d->max_errors && d->errors > d->max_errors) {
			d->suppressed++;
			return;
		}
	}
	/* A note belongs to the diagnostic before it: drop it if that was suppressed. */
	if (lvl == DIAG_NOTE && d->max_errors && d->errors > d->max_errors)
		return;
	if (path && line && col)
		fprintf(d->out, "%s:%u:%u: %s: ", path, line, col, word);
	else if (path && line)
		fprintf(d->out, "%s:%u: %s: ", path, line, word);
	else if (path)
		fprintf(d->out, "%s: %s: ", path, word);
	else
		fprintf(d->out, "skillc: %s: ", word);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
}

int diag_failed(const struct diag *d)
{
	return d->errors > 0;
}

void diag_summary(struct diag *d)
{
	if (d->suppressed)
		fprintf(d->out, "skillc: note: %d more errors not shown\n", d->suppressed);
	if (d->errors || d->warnings)
		fprintf(d->out, "%d error%s, %d warning%s\n", d->errors, d->errors == 1 ? "" : "s",
			d->warnings, d->warnings == 1 ? "" : "s");
}
