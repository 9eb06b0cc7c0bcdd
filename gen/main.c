/*
 * skillc - bake a folder of agent skills into C tables for one agent.
 *
 * The pipeline, one pass each: discover (walk) -> parse (frontmatter,
 * scripts, manifests) -> validate (and settle the model) -> render.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "discover.h"
#include "model.h"
#include "parse.h"
#include "render.h"
#include "wasmc.h"
#include "schema.h"
#include "validate.h"

#include "../runtime/prov.h"

#define SKILLC_VERSION "0.1.0"

static const char usage[] =
	"usage: skillc [options] DIR...\n"
	"\n"
	"Bake every skill under each DIR (a directory holding a SKILL.md) into the\n"
	"C sources of one agent: OUT/table.c, OUT/data.S and OUT/data.bin.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR     where to write the sources (default: build/gen-agent)\n"
	"  -n, --name NAME      the agent's name (default: agent)\n"
	"      --provider NAME  default provider of `run` and `chat`: openai, anthropic,\n"
	"                       gemini or openai-compatible (default: none baked)\n"
	"      --model NAME     default model of `run` and `chat`\n"
	"      --base-url URL   default provider base URL of `run` and `chat`\n"
	"      --deps FILE      also write a Make dependency file of every input\n"
	"      --templates DIR  templates directory (default: found beside skillc)\n"
	"      --check          validate only; write nothing\n"
	"      --dump           print the skills and tool schemas as JSON; write nothing\n"
	"      --lenient        bake the skills that are fine and skip the broken ones\n"
	"                       (an invalid skill name gives way to the directory's,\n"
	"                       a symlinked copy of a skill is baked once);\n"
	"                       a summary of what was skipped, and why, goes to stderr\n"
	"      --diagnostics-format FORMAT\n"
	"                       text (default, on stderr), or on stdout: json (one\n"
	"                       object a line), github (workflow commands) or sarif\n"
	"                       (one SARIF 2.1.0 document); counts stay text on stderr\n"
	"  -Werror              treat warnings as errors (with --lenient: a skill with\n"
	"                       a warning is skipped)\n"
	"      --max-errors N   stop printing errors after N (default 50; 0: no limit)\n"
	"  -h, --help           show this help\n"
	"      --version        show the version\n"
	"\n"
	"exit status: 0 success, 1 errors in the skills (with --lenient: no skill\n"
	"baked, or an error outside any skill), 2 bad usage\n";

/* Templates: $SKILLC_TEMPLATES, else <exe>/../templates (source tree),
 * else <exe>/../share/skillc/templates (installed). */
static const char *find_templates(struct arena *a)
{
	const char *env = getenv("SKILLC_TEMPLATES");
	if (env && *env)
		return env;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			const char *cands[] = {"%s/../templates", "%s/../share/skillc/templates"};
			for (size_t i = 0; i < 2; i++) {
				char *p = arena_printf(a, cands[i], exe);
				if (access(arena_printf(a, "%s/table.c", p), R_OK) == 0)
					return p;
			}
		}
	}
	return "templates";
}

/* Matches -o DIR, --output DIR and --output=DIR; *bad when the value is missing. */
static int opt_value(int argc, char **argv, int *i, const char *short_name, const char *long_name,
		     const char **val, int *bad)
{
	const char *arg = argv[*i];
	size_t ln = strlen(long_name);
	if (!strncmp(arg, long_name, ln) && arg[ln] == '=') {
		*val = arg + ln + 1;
		return 1;
	}
	if (strcmp(arg, long_name) && (!short_name || strcmp(arg, short_name)))
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "skillc: error: option '%s' needs a value\n", arg);
		*bad = 1;
		return 0;
	}
	*val = argv[++*i];
	return 1;
}

static int name_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n &&
	       s[0] != '.';
}

static const char *argv_format(enum diag_format f)
{
	static const char *const names[] = {"text", "json", "github", "sarif"};
	return names[f];
}

/*
 * What lenient baking did, as text on stderr whatever the diagnostics
 * format (it is for the person reading the log; the machine formats on
 * stdout carry every error already): how many skills, how many skipped,
 * and one line for each skipped skill with its first error.
 */
static void lenient_summary(struct diag *d, const struct sk_model *m, int ok, int dry)
{
	FILE *f = d->out;
	if (ok)
		fprintf(f, "skillc: %zu skill%s %s, %zu skipped", m->n_skills, m->n_skills == 1 ? "" : "s",
			dry ? "ready" : "baked", m->n_skipped);
	else
		fprintf(f, "skillc: nothing baked; %zu skill%s ready, %zu skipped", m->n_skills,
			m->n_skills == 1 ? "" : "s", m->n_skipped);
	if (m->n_copies)
		fprintf(f, ", %zu symlinked cop%s baked once", m->n_copies, m->n_copies == 1 ? "y" : "ies");
	fputc('\n', f);
	for (size_t i = 0; i < m->n_skipped; i++) {
		const struct sk_skill *s = &m->skipped[i];
		fputs("skillc: skipped ", f);
		if (s->name) {
			fputc('\'', f);
			diag_text_line(f, s->name);
			fputs("' (", f);
			diag_text_line(f, s->dir);
			fputs(")", f);
		} else {
			fputc('\'', f);
			diag_text_line(f, s->dir);
			fputc('\'', f);
		}
		fputs(": ", f);
		diag_text_line(f, s->subj && s->subj->first_error ? s->subj->first_error : "it has errors");
		fputc('\n', f);
	}
}

int main(int argc, char **argv)
{
	struct arena a;
	struct diag d;
	struct sk_model m = {0};
	struct render_opts o = {.out_dir = "build/gen-agent"};
	const char **roots = calloc((size_t)argc, sizeof *roots);
	size_t n_roots = 0;
	int check = 0, dump = 0, rc = 2;

	arena_init(&a);
	diag_init(&d, stderr);
	m.agent_name = "agent";
	if (!roots)
		return 2;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;
		int bad = 0;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(arg, "--version")) {
			printf("skillc %s (table ABI %d)\n", SKILLC_VERSION, SKC_ABI_VERSION);
			rc = 0;
			goto out;
		} else if (!strcmp(arg, "--check")) {
			check = 1;
		} else if (!strcmp(arg, "--dump")) {
			dump = 1;
		} else if (!strcmp(arg, "-Werror")) {
			d.werror = 1;
		} else if (!strcmp(arg, "--lenient")) {
			d.lenient = 1;
		} else if (opt_value(argc, argv, &i, NULL, "--diagnostics-format", &val, &bad)) {
			if (diag_format_parse(val, &d.format) != 0) {
				fprintf(stderr, "skillc: error: unknown diagnostics format '%s' (text, json, github or sarif)\n",
					val);
				goto out;
			}
		} else if (opt_value(argc, argv, &i, "-o", "--output", &val, &bad)) {
			o.out_dir = val;
		} else if (opt_value(argc, argv, &i, "-n", "--name", &val, &bad)) {
			m.agent_name = val;
		} else if (opt_value(argc, argv, &i, NULL, "--provider", &val, &bad)) {
			m.provider = *val ? val : NULL;
		} else if (opt_value(argc, argv, &i, NULL, "--model", &val, &bad)) {
			m.model = *val ? val : NULL;
		} else if (opt_value(argc, argv, &i, NULL, "--base-url", &val, &bad)) {
			m.base_url = *val ? val : NULL;
		} else if (opt_value(argc, argv, &i, NULL, "--deps", &val, &bad)) {
			o.deps_file = val;
		} else if (opt_value(argc, argv, &i, NULL, "--templates", &val, &bad)) {
			o.template_dir = val;
		} else if (opt_value(argc, argv, &i, NULL, "--max-errors", &val, &bad)) {
			char *end;
			long v = strtol(val, &end, 10);
			if (!*val || *end || v < 0 || v > INT_MAX) {
				fprintf(stderr, "skillc: error: --max-errors wants a number, not '%s'\n", val);
				goto out;
			}
			d.max_errors = (int)v;
		} else if (!bad && arg[0] == '-' && arg[1]) {
			fprintf(stderr, "skillc: error: unknown option '%s' (see skillc --help)\n", arg);
			goto out;
		} else if (!bad) {
			roots[n_roots++] = arg;
		}
		if (bad)
			goto out;
	}
	if (!n_roots) {
		fprintf(stderr, "skillc: error: no skills directory given (see skillc --help)\n");
		goto out;
	}
	if (!name_ok(m.agent_name)) {
		fprintf(stderr, "skillc: error: agent name '%s' may only hold letters, digits, '.', '_' and '-' (at most 64)\n",
			m.agent_name);
		goto out;
	}
	enum prov_kind kind;
	if (m.provider && prov_parse(m.provider, &kind)) {
		fprintf(stderr, "skillc: error: unknown provider '%s' (openai, anthropic, gemini or openai-compatible)\n",
			m.provider);
		goto out;
	}
	if (dump && d.format != DIAG_TEXT) {
		fprintf(stderr, "skillc: error: '--dump' and '--diagnostics-format %s' both write to stdout\n",
			argv_format(d.format));
		goto out;
	}
	if (!o.template_dir)
		o.template_dir = find_templates(&a);
	d.arena = &a;

	disc_roots(&a, &d, &m, roots, n_roots);
	parse_skills(&a, &d, &m);
	if (d.lenient) {
		validate_lenient(&a, &d, &m);
		if (!m.n_skills)
			diag_error(&d, NULL, 0, 0, "no skill could be baked");
	} else {
		validate_model(&a, &d, &m);
	}

	if (!diag_failed(&d) && dump) {
		json_t *doc = schema_dump(&a, &m);
		json_dumpf(doc, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(doc);
	} else if (!diag_failed(&d) && !check) {
		size_t n = 0;
		for (size_t i = 0; i < n_roots; i++)
			n += strlen(roots[i]) + 1;
		char *src = arena_alloc(&a, n + 1);
		for (size_t i = 0; i < n_roots; i++) {
			if (i)
				strcat(src, " ");
			strcat(src, roots[i]);
		}
		o.sources = src;
		wc_name_modules(&a, &m);
		render_agent(&a, &d, &m, &o);
	}
	rc = diag_failed(&d) ? 1 : 0;
	if (d.lenient)
		lenient_summary(&d, &m, rc == 0, check || dump);
	diag_summary(&d, rc == 0);
out:
	free(roots);
	arena_release(&a);
	return rc;
}
