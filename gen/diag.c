#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* One diagnostic, formatted; held for a trial pass or for the SARIF document. */
struct diag_rec {
	enum diag_level lvl;
	char *path, *msg, *skill; /* malloc'd; path and skill may be NULL */
	unsigned line, col, id;
};

static const char *const diag_words[] = {"note", "warning", "error"};

void diag_init(struct diag *d, FILE *out)
{
	memset(d, 0, sizeof *d);
	d->out = out ? out : stderr;
	d->mout = stdout;
	d->max_errors = 50;
}

int diag_format_parse(const char *name, enum diag_format *out)
{
	static const char *const names[] = {"text", "json", "github", "sarif"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(name, names[i])) {
			*out = (enum diag_format)i;
			return 0;
		}
	return -1;
}

void diag_about(struct diag *d, struct diag_subject *s)
{
	d->about = s;
}

static char *diag_strdup(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (!p)
		abort();
	return memcpy(p, s, n);
}

static void diag_rec_free(struct diag_rec *r)
{
	free(r->path);
	free(r->msg);
	free(r->skill);
}

static void diag_push(struct diag_rec **arr, size_t *n, size_t *cap, const struct diag_rec *r)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct diag_rec *bigger = realloc(*arr, nc * sizeof **arr);
		if (!bigger)
			abort();
		*arr = bigger;
		*cap = nc;
	}
	(*arr)[(*n)++] = *r;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF); 0 when it is not one.
 */
static size_t diag_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

void diag_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
		size_t n = diag_utf8_len(p);
		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7F)
			fprintf(f, "\\u%04x", *p);
		else
			fwrite(p, 1, n, f);
		p += n;
	}
	fputc('"', f);
}

void diag_text_line(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
		size_t n = diag_utf8_len(p);
		if (n == 0 || *p < 0x20 || *p == 0x7F) {
			fprintf(f, "\\x%02x", *p);
			p++;
			continue;
		}
		fwrite(p, 1, n, f);
		p += n;
	}
}

/*
 * GitHub workflow command text: '%', CR and LF percent-encoded, and in a
 * property also ':' and ','; bytes that are not UTF-8 become U+FFFD.
 */
static void diag_gh_str(FILE *f, const char *s, int property)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = diag_utf8_len(p);
		if (n == 0) {
			fputs("\xEF\xBF\xBD", f);
			p++;
			continue;
		}
		if (*p == '%' || *p == '\r' || *p == '\n' || (property && (*p == ':' || *p == ',')))
			fprintf(f, "%%%02X", *p);
		else
			fwrite(p, 1, n, f);
		p += n;
	}
}

/* A relative path as a URI reference (inside a JSON string): everything but
 * unreserved characters and '/' percent-encoded, so spaces, '%', '#' and a
 * ':' that would read as a scheme survive. */
static void diag_uri(FILE *f, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
	}
}

static void diag_print_text(struct diag *d, const struct diag_rec *r)
{
	const char *word = diag_words[r->lvl];
	if (r->path && r->line && r->col)
		fprintf(d->out, "%s:%u:%u: %s: ", r->path, r->line, r->col, word);
	else if (r->path && r->line)
		fprintf(d->out, "%s:%u: %s: ", r->path, r->line, word);
	else if (r->path)
		fprintf(d->out, "%s: %s: ", r->path, word);
	else
		fprintf(d->out, "skillc: %s: ", word);
	fputs(r->msg, d->out);
	fputc('\n', d->out);
}

static void diag_print_json(struct diag *d, const struct diag_rec *r)
{
	FILE *f = d->mout;
	fputs("{\"file\":", f);
	if (r->path)
		diag_json_str(f, r->path);
	else
		fputs("null", f);
	if (r->line)
		fprintf(f, ",\"line\":%u", r->line);
	else
		fputs(",\"line\":null", f);
	if (r->col)
		fprintf(f, ",\"column\":%u", r->col);
	else
		fputs(",\"column\":null", f);
	fprintf(f, ",\"level\":\"%s\",\"message\":", diag_words[r->lvl]);
	diag_json_str(f, r->msg);
	fputs(",\"skill\":", f);
	if (r->skill)
		diag_json_str(f, r->skill);
	else
		fputs("null", f);
	fputs("}\n", f);
	fflush(f);
}

static void diag_print_github(struct diag *d, const struct diag_rec *r)
{
	static const char *const cmds[] = {"notice", "warning", "error"};
	FILE *f = d->mout;
	fprintf(f, "::%s", cmds[r->lvl]);
	if (r->path) {
		fputs(" file=", f);
		diag_gh_str(f, r->path, 1);
		if (r->line)
			fprintf(f, ",line=%u", r->line);
		if (r->line && r->col)
			fprintf(f, ",col=%u", r->col);
	}
	fputs("::", f);
	diag_gh_str(f, r->msg, 0);
	fputc('\n', f);
	fflush(f);
}

/* Count, apply the cap, and print (SARIF: keep for the document). */
static void diag_emit(struct diag *d, struct diag_rec *r)
{
	if (r->lvl == DIAG_WARNING)
		d->warnings++;
	if (r->lvl == DIAG_ERROR) {
		d->errors++;
		if (!d->lenient || !r->id)
			d->fatal++;
		if (d->max_errors && d->errors > d->max_errors) {
			d->suppressed++;
			diag_rec_free(r);
			return;
		}
	}
	/* A note belongs to the diagnostic before it: drop it if that was suppressed. */
	if (r->lvl == DIAG_NOTE && d->max_errors && d->errors > d->max_errors) {
		diag_rec_free(r);
		return;
	}
	switch (d->format) {
	case DIAG_TEXT:
		diag_print_text(d, r);
		break;
	case DIAG_JSON:
		diag_print_json(d, r);
		break;
	case DIAG_GITHUB:
		diag_print_github(d, r);
		break;
	case DIAG_SARIF:
		diag_push(&d->results, &d->n_results, &d->cap_results, r);
		return;
	}
	diag_rec_free(r);
}

void diag_at(struct diag *d, enum diag_level lvl, const char *path, unsigned line,
	     unsigned col, const char *fmt, ...)
{
	if (lvl == DIAG_WARNING && d->werror)
		lvl = DIAG_ERROR;
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *msg = malloc(n > 0 ? (size_t)n + 1 : 1);
	if (!msg)
		abort();
	if (n > 0)
		vsnprintf(msg, (size_t)n + 1, fmt, ap2);
	else
		msg[0] = '\0';
	va_end(ap2);

	struct diag_rec r = {.lvl = lvl, .path = diag_strdup(path), .msg = msg, .line = line, .col = col};
	if (d->about) {
		r.id = d->about->id;
		r.skill = diag_strdup(d->about->skill);
		if (lvl == DIAG_ERROR) {
			d->about->errors++;
			if (!d->about->first_error && d->arena)
				d->about->first_error = arena_strdup(d->arena, msg);
		}
	}
	if (d->holding)
		diag_push(&d->held, &d->n_held, &d->cap_held, &r);
	else
		diag_emit(d, &r);
}

void diag_hold(struct diag *d)
{
	d->holding = 1;
}

void diag_flush(struct diag *d, int (*keep)(void *ctx, unsigned id), void *ctx)
{
	d->holding = 0;
	for (size_t i = 0; i < d->n_held; i++) {
		struct diag_rec *r = &d->held[i];
		if (!keep || (r->id && keep(ctx, r->id)))
			diag_emit(d, r);
		else
			diag_rec_free(r);
	}
	d->n_held = 0;
}

int diag_failed(const struct diag *d)
{
	return d->fatal > 0;
}

static void diag_print_sarif(struct diag *d, int success)
{
	static const char *const rules[][2] = {
		{"skillc.note", "more about the diagnostic before it"},
		{"skillc.warning", "the skill bakes, but something in it is likely wrong"},
		{"skillc.error", "the skill cannot be baked as it is"},
	};
	FILE *f = d->mout;
	fputs("{\n"
	      "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	      "  \"version\": \"2.1.0\",\n"
	      "  \"runs\": [{\n"
	      "    \"tool\": {\"driver\": {\"name\": \"skillc\", "
	      "\"informationUri\": \"https://agentskills.io\", \"rules\": [\n",
	      f);
	for (size_t i = 0; i < 3; i++)
		fprintf(f,
			"      {\"id\": \"%s\", \"shortDescription\": {\"text\": \"%s\"}, "
			"\"defaultConfiguration\": {\"level\": \"%s\"}}%s\n",
			rules[i][0], rules[i][1], diag_words[i], i < 2 ? "," : "");
	fprintf(f, "    ]}},\n    \"invocations\": [{\"executionSuccessful\": %s}],\n",
		success ? "true" : "false");
	fputs("    \"results\": [", f);
	for (size_t i = 0; i < d->n_results; i++) {
		const struct diag_rec *r = &d->results[i];
		fprintf(f, "%s\n      {\"ruleId\": \"%s\", \"ruleIndex\": %d, \"level\": \"%s\", "
			   "\"message\": {\"text\": ",
			i ? "," : "", rules[r->lvl][0], (int)r->lvl, diag_words[r->lvl]);
		diag_json_str(f, r->msg);
		fputc('}', f);
		if (r->path) {
			fputs(", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"",
			      f);
			diag_uri(f, r->path);
			fputs("\"}", f);
			if (r->line) {
				fprintf(f, ", \"region\": {\"startLine\": %u", r->line);
				if (r->col)
					fprintf(f, ", \"startColumn\": %u", r->col);
				fputc('}', f);
			}
			fputs("}}]", f);
		}
		if (r->skill) {
			fputs(", \"properties\": {\"skill\": ", f);
			diag_json_str(f, r->skill);
			fputc('}', f);
		}
		fputc('}', f);
	}
	fputs(d->n_results ? "\n    ]\n  }]\n}\n" : "]\n  }]\n}\n", f);
	fflush(f);
}

void diag_summary(struct diag *d, int success)
{
	if (d->n_held)
		diag_flush(d, NULL, NULL);
	if (d->format == DIAG_SARIF)
		diag_print_sarif(d, success);
	if (d->suppressed)
		fprintf(d->out, "skillc: note: %d more errors not shown\n", d->suppressed);
	if (d->errors || d->warnings)
		fprintf(d->out, "%d error%s, %d warning%s\n", d->errors, d->errors == 1 ? "" : "s",
			d->warnings, d->warnings == 1 ? "" : "s");
	for (size_t i = 0; i < d->n_results; i++)
		diag_rec_free(&d->results[i]);
	free(d->results);
	free(d->held);
	d->results = d->held = NULL;
	d->n_results = d->cap_results = d->n_held = d->cap_held = 0;
}
