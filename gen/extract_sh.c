/*
 * extract_sh.c - tool metadata from a Bash script: header comment and getopts.
 *
 * Conventions a script may follow (the README repeats them for authors):
 *
 *   Header block   the contiguous '#' lines at the top, after the shebang
 *                  (blank lines may come before it; a blank line or code ends
 *                  it; `# shellcheck ...` and `# -*- ...` lines are skipped).
 *   Description    `Description: text` if present, else the first paragraph of
 *                  free text, lines joined by spaces; a leading "NAME - " or
 *                  "NAME: " (the script's file or tool name) is dropped.
 *   Sections       a line `Heading:` (case-insensitive) starts one:
 *                  Usage:/Synopsis: text (`[name]` there marks an optional
 *                  positional); Arguments:/Parameters:/Params:/Args:/
 *                  Positional arguments:; Options:/Flags:; Name: is ignored;
 *                  any other one-to-three-word `Heading:` (Examples:, ...) is
 *                  skipped. A section ends at a line indented no deeper than
 *                  its heading that is not one of its entries.
 *   Entries        indented deeper than the heading (options may also start at
 *                  its column): `name  text`, `name<TAB>text` or `name - text`;
 *                  lines indented deeper than the entry continue its text.
 *                  Argument names may be written `<name>`, `[name]` (optional),
 *                  `name...` (a list) and are lowercased. Options:
 *                  `-d DEPTH`, `-d, --depth DEPTH`, `--depth=<n>`, `-d|--depth`;
 *                  no metavar makes a boolean switch. The parameter is named
 *                  after the long option (dashes to underscores), else the
 *                  lowercased metavar, else the letter.
 *   Hints          a parenthesised group of comma-separated words in the text:
 *                  `integer`/`int`, `number`/`float`, `boolean`/`bool`,
 *                  `string`/`str`, `type: T`, `required`, `optional`,
 *                  `default: X`, `one of: a, b`; a group made only of hints is
 *                  removed from the description. `one of: a, b, c` also works
 *                  outside parentheses (the list ends at '.', ';' or ')').
 *   getopts        `getopts "d:vh" opt` gives one parameter per letter; a
 *                  letter with ':' takes a value, else it is a switch; a bare
 *                  `h` documented as help (or not documented) is skipped.
 *   Positionals    $1..$N, ${N}, "$@" and $* outside functions, and inside
 *                  functions called with "$@"/$* (`main "$@"`), tell that the
 *                  script takes positional arguments. Without an Arguments:
 *                  section they are inferred (exu_argv_params): named after
 *                  the variable assigned (`x=$1`, `local x="$1"`), else the
 *                  first Usage: text (header, echo/printf, here-document),
 *                  else argN; `${N:-d}` is optional with default d; `$#`
 *                  checks and `[ -z "$N" ]` make them required, `[ $# -ge N ]`
 *                  and `[ -n "$N" ]` guards optional. For "$@" alone: `args`
 *                  (or `rest` after them: a list of strings), with a warning.
 *   Args style     getopts or documented options: flags (positionals after
 *                  the flags); else argv.
 *
 * Text taken into the model is made valid UTF-8 (bad bytes become U+FFFD),
 * control bytes become spaces and runs of white space collapse to one.
 */
#include "extract.h"
#include "exutil.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_bash(void);

/* ---- text helpers ------------------------------------------------------ */

/* -1: not a type word. */
static int sh_type_of(const char *w)
{
	static const struct {
		const char *word;
		int type;
	} words[] = {
		{"integer", SKC_T_INTEGER}, {"int", SKC_T_INTEGER},   {"number", SKC_T_NUMBER},
		{"float", SKC_T_NUMBER},    {"boolean", SKC_T_BOOLEAN}, {"bool", SKC_T_BOOLEAN},
		{"string", SKC_T_STRING},   {"str", SKC_T_STRING},    {"path", SKC_T_STRING},
		{"file", SKC_T_STRING},
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcasecmp(w, words[i].word))
			return words[i].type;
	return -1;
}

static bool sh_prefix_ci(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

/* ---- hints in entry text ----------------------------------------------- */

struct sh_hint {
	int type; /* -1: none */
	bool required, optional;
	const char *def; /* raw text */
	const char **enumv;
	size_t n_enum, cap_enum;
};

/* Split an enum list "a, b | c or d" into the hint. */
static void sh_enum_list(struct arena *a, struct sh_hint *h, const char *list)
{
	char *s = arena_strdup(a, list);
	for (char *p = s; p && *p;) {
		char *end = p + strcspn(p, ",|");
		char *or = strstr(p, " or ");
		if (or && or < end)
			end = or;
		char save = *end;
		*end = '\0';
		char *w = exu_unquote(a, exu_trim(p));
		if (*w)
			ARENA_PUSH(a, h->enumv, h->n_enum, h->cap_enum) = w;
		if (!save)
			break;
		p = end + (or == end ? 4 : 1);
	}
}

/* One comma-separated part of a parenthesised group; false: not a hint. */
static bool sh_hint_part(struct sh_hint *h, char *part)
{
	part = exu_trim(part);
	int t;
	if (!*part)
		return true;
	if ((t = sh_type_of(part)) >= 0) {
		h->type = t;
		return true;
	}
	if (sh_prefix_ci(part, "type:") || sh_prefix_ci(part, "type=")) {
		t = sh_type_of(exu_trim(part + 5));
		if (t < 0)
			return false;
		h->type = t;
		return true;
	}
	if (!strcasecmp(part, "required")) {
		h->required = true;
		return true;
	}
	if (!strcasecmp(part, "optional")) {
		h->optional = true;
		return true;
	}
	if (sh_prefix_ci(part, "default")) {
		char *v = part + 7;
		if (*v == ':' || *v == '=')
			v++;
		else if (*v != ' ')
			return false;
		v = exu_trim(v);
		if (!*v)
			return false;
		h->def = v;
		return true;
	}
	return false;
}

/*
 * Read the hints in `desc` (clean text) and return the description without
 * the groups that held nothing but hints.
 */
static char *sh_hints(struct arena *a, struct sh_hint *h, const char *desc)
{
	struct exu_buf out = {0};
	exu_putn(a, &out, "", 0);
	const char *p = desc;
	while (*p) {
		const char *open = strchr(p, '(');
		if (!open) {
			exu_puts(a, &out, p);
			break;
		}
		const char *close = strchr(open, ')');
		if (!close) {
			exu_puts(a, &out, p);
			break;
		}
		char *group = arena_strndup(a, open + 1, (size_t)(close - open - 1));
		bool all = true;
		char *ofl = NULL;
		for (char *g = group; *g; g++)
			if (sh_prefix_ci(g, "one of")) {
				ofl = g;
				break;
			}
		if (ofl) {
			*ofl = '\0';
			ofl += 6;
			if (*ofl == ':')
				ofl++;
		}
		for (char *q = group; q;) {
			char *next = q + strcspn(q, ",;");
			char sep = *next;
			*next = '\0';
			all &= sh_hint_part(h, q);
			q = sep ? next + 1 : NULL;
		}
		if (ofl)
			sh_enum_list(a, h, ofl);
		/* A group that is not all hints stays in the text; its hints still count. */
		exu_putn(a, &out, p, (size_t)((all ? open : close + 1) - p));
		p = close + 1;
	}
	/* Close the gaps a removed group leaves: "depth (int)." -> "depth." */
	char *res = exu_clean(a, out.p, out.n);
	size_t w = 0;
	for (size_t r = 0; res[r]; r++) {
		if (res[r] == ' ' && res[r + 1] && strchr(".,;:", res[r + 1]))
			continue;
		res[w++] = res[r];
	}
	res[w] = '\0';
	/* "one of: a, b" outside parentheses. */
	if (h->n_enum == 0) {
		for (const char *q = res; *q; q++) {
			if (!sh_prefix_ci(q, "one of:") && !sh_prefix_ci(q, "one of "))
				continue;
			if (q != res && q[-1] != ' ')
				continue;
			const char *l = q + 7;
			size_t n = 0;
			while (l[n] && l[n] != ';' && l[n] != ')' &&
			       !(l[n] == '.' && (l[n + 1] == ' ' || !l[n + 1])))
				n++;
			sh_enum_list(a, h, arena_strndup(a, l, n));
			break;
		}
	}
	/* A ',' left dangling by a removed group. */
	size_t n = strlen(res);
	while (n && (res[n - 1] == ',' || res[n - 1] == ' '))
		res[--n] = '\0';
	return res;
}

/* ---- header comment ------------------------------------------------------ */

struct sh_line {
	const char *s; /* after the '#'s and one space; CR dropped */
	size_t n;
	unsigned line, col; /* of s[0] */
	int indent;
	bool blank;
};

enum sh_sec { SEC_NONE, SEC_USAGE, SEC_DESC, SEC_ARGS, SEC_OPTS, SEC_OTHER };

struct sh_entry {
	const char *name;
	const char *desc;
	char shortopt;        /* 0: none */
	const char *longopt;  /* without the dashes; NULL: none */
	bool option, metavar, optional_mark, list;
	struct sh_hint hint;
	struct sk_loc loc;
	bool used;
};

struct sh {
	struct ex_ctx *cx;
	struct sk_tool *tool;
	const char *src;
	size_t len;
	TSNode *roots; /* one per segment, see sh_parse */
	size_t n_roots;
	struct sh_line *lines;
	size_t n_lines, cap_lines;
	struct sh_entry *ent;
	size_t n_ent, cap_ent;
	const char *usage;
	const char *desc;
	/* positionals in use */
	unsigned max_pos;
	struct sk_loc pos_loc;
	bool varargs;
	struct sk_loc var_loc;
	bool has_getopts;
	bool capped; /* EXU_MAX_PARAMS reached */
	struct exu_argv av; /* what the reads of $1.. tell */
};

static int sh_indent(const char *s, size_t n, size_t *skip)
{
	int ind = 0;
	size_t i = 0;
	for (; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		ind = s[i] == '\t' ? (ind / 8 + 1) * 8 : ind + 1;
	*skip = i;
	return ind;
}

/* Decorative or tool-directive lines count as blank. */
static bool sh_line_blank(const char *s, size_t n)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (strchr(" \t-=#*~_+", s[i]))
			continue;
		any = true;
		break;
	}
	return !any;
}

static void sh_add_line(struct sh *x, TSNode c)
{
	uint32_t b = ts_node_start_byte(c), e = ts_node_end_byte(c);
	TSPoint pt = ts_node_start_point(c);
	const char *s = x->src + b;
	size_t n = e - b;
	size_t i = 0;
	while (i < n && s[i] == '#')
		i++;
	if (i < n && s[i] == ' ')
		i++;
	while (n > i && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	struct sh_line *l = &ARENA_PUSH(x->cx->arena, x->lines, x->n_lines, x->cap_lines);
	l->s = s + i;
	l->n = n - i;
	l->line = pt.row + 1;
	l->col = pt.column + (unsigned)i + 1;
	l->blank = sh_line_blank(l->s, l->n);
	size_t skip;
	l->indent = sh_indent(l->s, l->n, &skip);
}

static bool sh_only_space(const char *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* The header block: comment nodes in document order from the top. */
static void sh_collect_header(struct sh *x)
{
	if (x->n_roots == 0)
		return;
	TSTreeCursor cur = ts_tree_cursor_new(x->roots[0]);
	size_t prev_end = 0;
	uint32_t prev_row = 0;
	bool started = false;
	bool ok = ts_tree_cursor_goto_first_child(&cur);
	while (ok) {
		TSNode n = ts_tree_cursor_current_node(&cur);
		if (strcmp(ts_node_type(n), "comment") != 0) {
			/* Comments may sit inside an ERROR node at the top. */
			if (!ts_node_is_named(n) || ts_node_child_count(n) == 0 ||
			    strcmp(ts_node_type(n), "ERROR") ||
			    !ts_tree_cursor_goto_first_child(&cur))
				break;
			continue;
		}
		uint32_t b = ts_node_start_byte(n);
		TSPoint pt = ts_node_start_point(n);
		if (!sh_only_space(x->src, prev_end, b))
			break;
		if (started && pt.row != prev_row + 1)
			break;
		const char *s = x->src + b;
		size_t len = ts_node_end_byte(n) - b;
		if (b == 0 && len >= 2 && s[1] == '!') {
			/* the shebang */
		} else if ((len > 12 && !strncmp(s, "# shellcheck", 12)) ||
			   (len > 5 && !strncmp(s, "# -*-", 5))) {
			started = true;
		} else {
			sh_add_line(x, n);
			started = true;
		}
		prev_end = ts_node_end_byte(n);
		prev_row = pt.row;
		if (!ts_tree_cursor_goto_next_sibling(&cur))
			break;
	}
	ts_tree_cursor_delete(&cur);
}

/* `Heading:` at the start of a line: the section and where its text starts. */
static enum sh_sec sh_heading(const char *s, size_t n, size_t *rest)
{
	static const struct {
		const char *word;
		enum sh_sec sec;
	} heads[] = {
		{"usage", SEC_USAGE},
		{"synopsis", SEC_USAGE},
		{"description", SEC_DESC},
		{"arguments", SEC_ARGS},
		{"parameters", SEC_ARGS},
		{"params", SEC_ARGS},
		{"args", SEC_ARGS},
		{"positional arguments", SEC_ARGS},
		{"positional parameters", SEC_ARGS},
		{"options", SEC_OPTS},
		{"flags", SEC_OPTS},
		{"name", SEC_OTHER},
	};
	size_t colon = 0;
	int words = 1;
	while (colon < n && s[colon] != ':') {
		char c = s[colon];
		if (c == ' ')
			words++;
		else if (!isalpha((unsigned char)c))
			return SEC_NONE;
		colon++;
	}
	if (colon == 0 || colon == n)
		return SEC_NONE;
	*rest = colon + 1;
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
		if (strlen(heads[i].word) == colon && !strncasecmp(s, heads[i].word, colon))
			return heads[i].sec;
	/* Any other short heading with nothing after it, e.g. "Examples:". */
	if (words <= 3 && sh_only_space(s, colon + 1, n))
		return SEC_OTHER;
	return SEC_NONE;
}

/* Strip <> [] {} and "..." from a name or metavar; notes what they meant. */
static char *sh_bare(struct arena *a, const char *s, size_t n, bool *opt, bool *list)
{
	while (n && strchr("<[{", *s)) {
		if (*s == '[' && opt)
			*opt = true;
		s++, n--;
	}
	if (n >= 3 && !strncmp(s + n - 3, "...", 3)) {
		if (list)
			*list = true;
		n -= 3;
	}
	while (n && strchr(">]}:", s[n - 1]))
		n--;
	if (n >= 3 && !strncmp(s + n - 3, "...", 3)) {
		if (list)
			*list = true;
		n -= 3;
	}
	return arena_strndup(a, s, n);
}

/* A parameter name: lowercase, [a-z0-9_]; NULL when nothing usable is left. */
static char *sh_name(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s);
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalnum(c))
			r[n++] = (char)tolower(c);
		else if (c == '-' || c == '_')
			r[n++] = '_';
		else
			return NULL;
	}
	r[n] = '\0';
	return n && !isdigit((unsigned char)r[0]) ? r : NULL;
}

/* Where an entry's text starts: after a tab, two spaces or " - ". */
static size_t sh_sep(const char *s, size_t n, size_t *text)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\t' || (s[i] == ' ' && i + 1 < n && s[i + 1] == ' ')) {
			size_t j = i;
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j + 1 < n && s[j] == '-' && s[j + 1] == ' ')
				j += 2;
			*text = j;
			return i;
		}
		if (s[i] == ' ' && i + 2 < n && s[i + 1] == '-' && s[i + 2] == ' ') {
			*text = i + 3;
			return i;
		}
	}
	*text = n;
	return n;
}

static bool sh_metavar_like(const char *s, size_t n)
{
	if (n == 0)
		return false;
	if (s[0] == '<' || s[0] == '[' || s[0] == '{')
		return true;
	for (size_t i = 0; i < n; i++)
		if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_' ||
		      s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

/* Parse an option spec "-d, --depth DEPTH"; false if it has no flag. */
static bool sh_optspec(struct arena *a, struct sh_entry *e, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && strchr(" ,|=", s[i]))
			i++;
		size_t st = i;
		while (i < n && !strchr(" ,|=", s[i]))
			i++;
		const char *t = s + st;
		size_t tl = i - st;
		if (tl == 0)
			break;
		if (tl > 2 && t[0] == '-' && t[1] == '-') {
			if (!e->longopt)
				e->longopt = arena_strndup(a, t + 2, tl - 2);
		} else if (tl == 2 && t[0] == '-' && isalnum((unsigned char)t[1])) {
			if (!e->shortopt)
				e->shortopt = t[1];
		} else if (t[0] != '-' && !e->metavar) {
			bool opt = false;
			char *m = sh_bare(a, t, tl, &opt, NULL);
			if (*m) {
				e->metavar = true;
				e->name = m; /* provisional; see sh_finish_entry */
			}
		}
	}
	return e->shortopt || e->longopt;
}

static void sh_start_entry(struct sh *x, enum sh_sec sec, const struct sh_line *l, size_t skip)
{
	struct arena *a = x->cx->arena;
	const char *s = l->s + skip;
	size_t n = l->n - skip;
	struct sh_entry e = {0};
	size_t text;
	size_t end = sh_sep(s, n, &text);
	e.hint.type = -1;
	e.loc = (struct sk_loc){x->tool->loc.path, l->line, l->col + (unsigned)skip};
	if (sec == SEC_OPTS) {
		e.option = true;
		if (end == n) {
			/* No separator: flags, then an uppercase metavar, then text. */
			size_t i = 0;
			end = 0;
			while (i < n) {
				while (i < n && (s[i] == ' ' || s[i] == ','))
					i++;
				size_t st = i;
				while (i < n && s[i] != ' ' && s[i] != ',')
					i++;
				if (s[st] == '-') {
					end = i;
					continue;
				}
				if (end && sh_metavar_like(s + st, i - st))
					end = i;
				break;
			}
			text = end;
		}
		if (!sh_optspec(a, &e, s, end))
			return;
		const char *meta = e.metavar ? e.name : NULL;
		if (e.longopt)
			e.name = sh_name(a, e.longopt);
		else if (meta)
			e.name = sh_name(a, meta);
		else
			e.name = NULL;
		if (!e.name && e.shortopt)
			e.name = arena_strndup(a, &e.shortopt, 1);
		if (!e.name)
			return;
	} else {
		if (end == n) {
			end = strcspn(s, " ");
			text = end;
		}
		char *bare = sh_bare(a, s, end, &e.optional_mark, &e.list);
		e.name = sh_name(a, bare);
		if (!e.name)
			return;
	}
	e.desc = exu_clean(a, s + text, n - text);
	ARENA_PUSH(a, x->ent, x->n_ent, x->cap_ent) = e;
}

static void sh_append(struct arena *a, const char **dst, const char *s, size_t n)
{
	char *add = exu_clean(a, s, n);
	if (!*add)
		return;
	*dst = **dst ? arena_printf(a, "%s %s", *dst, add) : add;
}

static void sh_strip_name(struct sh *x, const char **desc)
{
	const char *base = strrchr(x->tool->script ? x->tool->script : "", '/');
	base = base ? base + 1 : x->tool->script;
	const char *names[2] = {base, x->tool->name};
	/* Also any "word.sh" / "word.bash": the script's name before a rename. */
	size_t w = strspn(*desc, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
	if ((w > 3 && !strncmp(*desc + w - 3, ".sh", 3)) ||
	    (w > 5 && !strncmp(*desc + w - 5, ".bash", 5)))
		names[0] = arena_strndup(x->cx->arena, *desc, w);
	for (int i = 0; i < 2; i++) {
		size_t n = names[i] ? strlen(names[i]) : 0;
		if (!n || strncmp(*desc, names[i], n))
			continue;
		const char *r = *desc + n;
		if (!strncmp(r, " - ", 3) || !strncmp(r, " -- ", 4) || !strncmp(r, ": ", 2)) {
			r += strspn(r, " -:");
			*desc = r;
			return;
		}
	}
}

static void sh_parse_header(struct sh *x)
{
	struct arena *a = x->cx->arena;
	enum sh_sec sec = SEC_NONE;
	int sec_indent = 0, ent_indent = -1;
	const char *para = NULL, *secdesc = NULL, *usage = NULL;
	bool para_done = false;
	for (size_t i = 0; i < x->n_lines; i++) {
		const struct sh_line *l = &x->lines[i];
		size_t skip;
		sh_indent(l->s, l->n, &skip);
		const char *s = l->s + skip;
		size_t n = l->n - skip;
		if (l->blank) {
			if (sec == SEC_NONE && para)
				para_done = true;
			ent_indent = sec == SEC_ARGS || sec == SEC_OPTS ? ent_indent : -1;
			continue;
		}
		size_t rest;
		enum sh_sec h = sh_heading(s, n, &rest);
		if (h != SEC_NONE && (sec == SEC_NONE || l->indent <= sec_indent)) {
			if (para)
				para_done = true;
			sec = h;
			sec_indent = l->indent;
			ent_indent = -1;
			if (h == SEC_USAGE && !usage)
				usage = "";
			if (h == SEC_DESC && !secdesc)
				secdesc = "";
			if (h == SEC_USAGE)
				sh_append(a, &usage, s + rest, n - rest);
			else if (h == SEC_DESC)
				sh_append(a, &secdesc, s + rest, n - rest);
			continue;
		}
		if (sec != SEC_NONE) {
			bool deeper = l->indent > sec_indent;
			if (sec == SEC_ARGS || sec == SEC_OPTS) {
				bool flagline = sec == SEC_OPTS && s[0] == '-' && l->indent >= sec_indent;
				if (ent_indent >= 0 && l->indent > ent_indent) {
					sh_append(a, &x->ent[x->n_ent - 1].desc, s, n);
					continue;
				}
				if (deeper || flagline) {
					size_t before = x->n_ent;
					sh_start_entry(x, sec, l, skip);
					ent_indent = x->n_ent > before ? l->indent : -1;
					continue;
				}
			} else if (deeper) {
				if (sec == SEC_USAGE)
					sh_append(a, &usage, s, n);
				else if (sec == SEC_DESC)
					sh_append(a, &secdesc, s, n);
				continue;
			}
			sec = SEC_NONE;
		}
		if (para_done)
			continue;
		if (sh_prefix_ci(s, "usage:"))
			continue;
		if (!para)
			para = "";
		sh_append(a, &para, s, n);
	}
	x->usage = usage;
	const char *d = secdesc && *secdesc ? secdesc : para;
	if (d) {
		sh_strip_name(x, &d);
		if (*d)
			x->desc = d;
	}
}

/* ---- the syntax tree ----------------------------------------------------- */

static char *sh_text(struct sh *x, TSNode n)
{
	uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
	return arena_strndup(x->cx->arena, x->src + b, e - b);
}

/* The node's text is `s` (no copy: nodes can be large and nested). */
static bool sh_text_eq(struct sh *x, TSNode n, const char *s)
{
	uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
	return e - b == strlen(s) && !memcmp(x->src + b, s, e - b);
}

static bool sh_is(TSNode n, const char *type)
{
	return strcmp(ts_node_type(n), type) == 0;
}

static struct sk_loc sh_loc(struct sh *x, TSNode n)
{
	TSPoint p = ts_node_start_point(n);
	return (struct sk_loc){x->tool->loc.path, p.row + 1, p.column + 1};
}

/*
 * The named children of a node, through a cursor: indexing children costs
 * linear time each in libtree-sitter, so loops over them would be quadratic.
 */
static size_t sh_kids(struct sh *x, TSNode n, TSNode **out)
{
	size_t k = 0, cap = 0;
	*out = NULL;
	TSTreeCursor cur = ts_tree_cursor_new(n);
	for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok;
	     ok = ts_tree_cursor_goto_next_sibling(&cur)) {
		TSNode c = ts_tree_cursor_current_node(&cur);
		if (ts_node_is_named(c))
			ARENA_PUSH(x->cx->arena, *out, k, cap) = c;
	}
	ts_tree_cursor_delete(&cur);
	return k;
}

/* The command's name, or NULL; only short plain words are of interest. */
static char *sh_cmd_name(struct sh *x, TSNode cmd)
{
	TSNode nm = ts_node_child_by_field_name(cmd, "name", 4);
	if (ts_node_is_null(nm) || ts_node_end_byte(nm) - ts_node_start_byte(nm) > 256)
		return NULL;
	return sh_text(x, nm);
}

static bool sh_is_all_args(struct sh *x, TSNode arg)
{
	static const char *forms[] = {"\"$@\"", "$@", "$*", "\"$*\"", "\"${@}\"", "${@}"};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
		if (sh_text_eq(x, arg, forms[i]))
			return true;
	return false;
}

struct sh_func {
	const char *name;
	TSNode body;
	bool fwd, done; /* "$@" is forwarded to it; its body was scanned */
};

struct sh_funcs {
	struct sh_func *v;
	size_t n, cap;
};

static struct sh_func *sh_func_find(const struct sh_funcs *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			return &f->v[i];
	return NULL;
}

/* First pass: function definitions, the first getopts, the first parse error. */
static void sh_scan_defs(struct sh *x, TSNode root, struct sh_funcs *f, TSNode *getopts,
			 TSNode *err)
{
	struct arena *a = x->cx->arena;
	TSTreeCursor cur = ts_tree_cursor_new(root);
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&cur);
		bool descend = true;
		if (ts_node_is_null(*err) && (ts_node_is_missing(n) || sh_is(n, "ERROR")))
			*err = n;
		if (sh_is(n, "function_definition")) {
			TSNode nm = ts_node_child_by_field_name(n, "name", 4);
			TSNode body = ts_node_child_by_field_name(n, "body", 4);
			if (!ts_node_is_null(nm) && !ts_node_is_null(body)) {
				ARENA_PUSH(a, f->v, f->n, f->cap) =
					(struct sh_func){.name = sh_text(x, nm), .body = body};
			}
		} else if (sh_is(n, "command") && ts_node_is_null(*getopts)) {
			char *nm = sh_cmd_name(x, n);
			if (nm && !strcmp(nm, "getopts"))
				*getopts = n;
		}
		if (descend && ts_tree_cursor_goto_first_child(&cur))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&cur))
			if (!ts_tree_cursor_goto_parent(&cur))
				goto out;
	}
out:
	ts_tree_cursor_delete(&cur);
}

/* ---- arguments read straight from $1.. ------------------------------------ */

enum { SH_ANCESTORS = 256, SH_COND_MAX = 512 };

/* `$#`, `"$#"`, `${#}`. */
static bool sh_is_count(struct sh *x, TSNode n)
{
	if (sh_is(n, "string") && ts_node_named_child_count(n) == 1)
		n = ts_node_named_child(n, 0);
	return (sh_is(n, "simple_expansion") || sh_is(n, "expansion")) &&
	       (sh_text_eq(x, n, "$#") || sh_text_eq(x, n, "${#}"));
}

/* s[0..n) contains w. */
static bool sh_has(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(s + i, w, k))
			return true;
	return false;
}

/* A condition that holds only when an argument is there: `$# -ge N`, `-n "$2"`. */
static bool sh_is_guard(struct sh *x, TSNode cond)
{
	uint32_t b = ts_node_start_byte(cond), e = ts_node_end_byte(cond);
	if (e - b > SH_COND_MAX)
		return false;
	const char *t = x->src + b;
	size_t n = e - b;
	if (sh_has(t, n, "-n "))
		return true;
	return sh_has(t, n, "$#") && (sh_has(t, n, "-gt") || sh_has(t, n, "-ge") || sh_has(t, n, ">"));
}

/* The text between two sibling nodes, trimmed: an operator. */
static char *sh_between(struct sh *x, TSNode l, TSNode r)
{
	uint32_t b = ts_node_end_byte(l), e = ts_node_start_byte(r);
	if (e < b || e - b > 16)
		return NULL;
	return exu_trim(arena_strndup(x->cx->arena, x->src + b, e - b));
}

/* `[ $# -lt 2 ]`, `(( $# != 3 ))`, `[ 2 -gt $# ]`. */
static void sh_count_check(struct sh *x, TSNode n)
{
	TSNode l = ts_node_child_by_field_name(n, "left", 4);
	TSNode r = ts_node_child_by_field_name(n, "right", 5);
	if (ts_node_is_null(l) || ts_node_is_null(r))
		return;
	bool flip = !sh_is_count(x, l);
	if (flip) {
		TSNode t = l;
		l = r;
		r = t;
	}
	if (!sh_is_count(x, l) || !sh_is(r, "number") || ts_node_end_byte(r) - ts_node_start_byte(r) > 6)
		return;
	char *op = sh_between(x, flip ? r : l, flip ? l : r);
	if (!op)
		return;
	static const char *const swap[][2] = {{"<", ">"}, {"<=", ">="}, {"-lt", "-gt"}, {"-le", "-ge"}};
	for (size_t i = 0; flip && i < sizeof swap / sizeof swap[0]; i++) {
		if (!strcmp(op, swap[i][0]))
			op = (char *)swap[i][1];
		else if (!strcmp(op, swap[i][1]))
			op = (char *)swap[i][0];
	}
	exu_argv_count(&x->av, op, strlen(op), atoll(sh_text(x, r)));
}

/* The comment after a statement on its own line; NULL: none. */
static const char *sh_trailing_comment(struct sh *x, TSNode stmt)
{
	TSNode c = ts_node_next_sibling(stmt);
	if (ts_node_is_null(c) || !sh_is(c, "comment") ||
	    ts_node_start_point(c).row != ts_node_end_point(stmt).row)
		return NULL;
	uint32_t b = ts_node_start_byte(c), e = ts_node_end_byte(c);
	while (b < e && (x->src[b] == '#' || x->src[b] == ' '))
		b++;
	return b < e ? exu_clean(x->cx->arena, x->src + b, e - b) : NULL;
}

/* Where `$k` sits: a default, a test, a guard, the variable it is assigned to. */
static void sh_read(struct sh *x, struct exu_pos *pos, TSNode at, unsigned k)
{
	struct arena *a = x->cx->arena;
	TSNode n = at;
	bool guarded = false;
	if (sh_is(at, "expansion") && ts_node_named_child_count(at) == 2 && ts_node_child_count(at) >= 4) {
		/* ${1:-default}, ${1-default}, ${1:=default} */
		char *op = sh_between(x, ts_node_named_child(at, 0), ts_node_named_child(at, 1));
		if (op && (!strcmp(op, ":-") || !strcmp(op, "-") || !strcmp(op, ":=") || !strcmp(op, "="))) {
			guarded = true;
			TSNode w = ts_node_named_child(at, 1);
			char *t = ts_node_end_byte(w) - ts_node_start_byte(w) <= 256 ? sh_text(x, w) : NULL;
			if (t && !strchr(t, '$') && !strchr(t, '`') && !pos->default_json) {
				t = exu_unquote(a, t);
				pos->default_json = exu_json_str(a, exu_clean(a, t, strlen(t)));
			}
		}
	}
	TSNode up = ts_node_parent(n);
	if (!ts_node_is_null(up) && sh_is(up, "string")) {
		n = up;
		up = ts_node_parent(up);
	}
	if (!ts_node_is_null(up) && sh_is(up, "unary_expression")) {
		char *op = sh_between(x, ts_node_child(up, 0), n);
		if (op && !strcmp(op, "-z"))
			exu_argv_count(&x->av, "<", 1, k);
	}
	if (!ts_node_is_null(up) && sh_is(up, "variable_assignment") &&
	    ts_node_eq(ts_node_child_by_field_name(up, "value", 5), n)) {
		TSNode nm = ts_node_child_by_field_name(up, "name", 4);
		if (!ts_node_is_null(nm) && !pos->name) {
			char *t = sh_text(x, nm);
			pos->name = exu_param_name(a, t, strlen(t));
		}
		TSNode stmt = up;
		if (sh_is(ts_node_parent(stmt), "declaration_command"))
			stmt = ts_node_parent(stmt);
		if (!pos->desc)
			pos->desc = sh_trailing_comment(x, stmt);
	}
	bool tested = false;
	TSNode c = up, below = n;
	for (int d = 0; d < SH_ANCESTORS && !ts_node_is_null(c); d++, below = c, c = ts_node_parent(c)) {
		if (sh_is(c, "test_command"))
			tested = true; /* a check, not a use */
		TSNode cond = {0};
		if (sh_is(c, "if_statement") || sh_is(c, "while_statement"))
			cond = ts_node_child_by_field_name(c, "condition", 9);
		else if (sh_is(c, "list") && ts_node_named_child_count(c) == 2)
			cond = ts_node_named_child(c, 0);
		if (ts_node_is_null(cond) || ts_node_start_byte(at) < ts_node_end_byte(cond))
			continue;
		/* in the body, not under else/elif */
		bool body = !sh_is(below, "else_clause") && !sh_is(below, "elif_clause");
		if (body && sh_is_guard(x, cond))
			guarded = true;
	}
	if (guarded)
		pos->guarded = true;
	else if (!tested)
		pos->bare = true;
}

/* Usage texts anywhere: comments, strings, here-documents. */
static void sh_scan_usage(struct sh *x, TSNode root)
{
	TSTreeCursor cur = ts_tree_cursor_new(root);
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&cur);
		if (x->av.n_usage)
			break;
		bool text = sh_is(n, "comment") || sh_is(n, "string") || sh_is(n, "raw_string") ||
			    sh_is(n, "heredoc_body");
		if (text) {
			uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
			exu_argv_usage(&x->av, x->cx->arena, x->src + b, e - b, sh_loc(x, n));
		}
		if (!text && ts_tree_cursor_goto_first_child(&cur))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&cur))
			if (!ts_tree_cursor_goto_parent(&cur))
				goto out;
	}
out:
	ts_tree_cursor_delete(&cur);
}

static void sh_note_pos(struct sh *x, TSNode var, TSNode at)
{
	if (ts_node_end_byte(var) - ts_node_start_byte(var) > 8)
		return;
	char *t = sh_text(x, var);
	if (!strcmp(t, "@") || !strcmp(t, "*")) {
		if (!x->varargs)
			x->var_loc = sh_loc(x, at);
		x->varargs = true;
		return;
	}
	if (!*t || strspn(t, "0123456789") != strlen(t) || strlen(t) > 4)
		return;
	unsigned k = (unsigned)atoi(t);
	if (k == 0)
		return;
	if (x->max_pos == 0)
		x->pos_loc = sh_loc(x, at);
	if (k > x->max_pos)
		x->max_pos = k;
	struct exu_pos *pos = exu_argv_read(x->cx, &x->av, t, strlen(t), sh_loc(x, at));
	if (pos)
		sh_read(x, pos, at, k);
}

/*
 * Positional uses under `top`, not descending into function definitions;
 * calls that forward "$@" to a function mark it for a scan of its own.
 */
static void sh_scan_pos(struct sh *x, struct sh_funcs *f, TSNode top)
{
	TSTreeCursor cur = ts_tree_cursor_new(top);
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&cur);
		bool descend = true;
		if (sh_is(n, "function_definition")) {
			descend = false;
		} else if (sh_is(n, "command")) {
			char *nm = sh_cmd_name(x, n);
			struct sh_func *fn = nm ? sh_func_find(f, nm) : NULL;
			if (fn) {
				TSNode *kid;
				size_t nc = sh_kids(x, n, &kid);
				bool fwd = false;
				for (size_t i = 0; i < nc; i++)
					fwd |= sh_is_all_args(x, kid[i]);
				if (fwd) {
					fn->fwd = true;
					descend = false;
				}
			}
		} else if (sh_is(n, "binary_expression")) {
			sh_count_check(x, n);
		} else if (sh_is(n, "simple_expansion") || sh_is(n, "expansion")) {
			if (ts_node_named_child_count(n) > 0) {
				TSNode v = ts_node_named_child(n, 0);
				if (sh_is(v, "variable_name") || sh_is(v, "special_variable_name"))
					sh_note_pos(x, v, n);
			}
		}
		if (descend && ts_tree_cursor_goto_first_child(&cur))
			continue;
		for (;;) {
			if (ts_node_eq(ts_tree_cursor_current_node(&cur), top))
				goto out;
			if (ts_tree_cursor_goto_next_sibling(&cur))
				break;
			if (!ts_tree_cursor_goto_parent(&cur))
				goto out;
		}
	}
out:
	ts_tree_cursor_delete(&cur);
}

/* ---- building parameters ------------------------------------------------- */

static void sh_push(struct sh *x, struct sk_param *p)
{
	exu_push_param(x->cx->arena, x->cx->diag, x->tool, p, &x->capped);
}

/* Fill type, default and enum from an entry's hints. */
static void sh_apply_hints(struct sh *x, struct sk_param *p, const struct sh_entry *e)
{
	struct arena *a = x->cx->arena;
	struct diag *d = x->cx->diag;
	const struct sh_hint *h = &e->hint;
	uint8_t vt = p->type == SKC_T_ARRAY ? p->item_type : p->type;
	if (h->def) {
		const char *j = p->type == SKC_T_ARRAY ? NULL : exu_value_json(a, vt, h->def);
		if (j)
			p->default_json = j;
		else
			diag_warning(d, e->loc.path, e->loc.line, e->loc.col,
				     "default '%s' of '%s' is not a valid %s; ignored", h->def,
				     p->name, exu_type_word(p->type));
	}
	for (size_t i = 0; i < h->n_enum; i++) {
		const char *j = exu_value_json(a, vt, h->enumv[i]);
		if (!j) {
			diag_warning(d, e->loc.path, e->loc.line, e->loc.col,
				     "value '%s' of '%s' is not a valid %s; ignored", h->enumv[i],
				     p->name, exu_type_word(vt));
			continue;
		}
		ARENA_PUSH(a, p->enum_json, p->n_enum, p->cap_enum) = j;
	}
}

static void sh_entry_hints(struct sh *x)
{
	for (size_t i = 0; i < x->n_ent; i++) {
		struct sh_entry *e = &x->ent[i];
		e->desc = sh_hints(x->cx->arena, &e->hint, e->desc);
	}
}

static bool sh_usage_optional(const char *usage, const char *name)
{
	if (!usage)
		return false;
	size_t n = strlen(name);
	for (const char *p = strchr(usage, '['); p; p = strchr(p + 1, '[')) {
		const char *q = p + 1;
		if (*q == '<')
			q++;
		size_t i = 0;
		for (; i < n && q[i]; i++) {
			char c = (char)tolower((unsigned char)q[i]);
			if (c == '-')
				c = '_';
			if (c != name[i])
				break;
		}
		if (i == n && (q[n] == ']' || q[n] == '>' || q[n] == '.'))
			return true;
	}
	return false;
}

static struct sk_param sh_param_from(struct sh *x, const struct sh_entry *e)
{
	struct sk_param p = {0};
	p.name = e->name;
	p.description = *e->desc ? e->desc : NULL;
	p.loc = e->loc;
	p.type = SKC_T_STRING;
	p.item_type = SKC_T_STRING;
	if (e->list) {
		p.type = SKC_T_ARRAY;
		if (e->hint.type >= 0 && e->hint.type != SKC_T_ARRAY)
			p.item_type = (uint8_t)e->hint.type;
	} else if (e->hint.type >= 0) {
		p.type = (uint8_t)e->hint.type;
	}
	if (e->option) {
		p.required = e->hint.required;
		if (e->shortopt && (x->has_getopts || !e->longopt))
			p.flag = arena_printf(x->cx->arena, "-%c", e->shortopt);
		else
			p.flag = arena_printf(x->cx->arena, "--%s", e->longopt);
		if (!e->metavar) {
			p.type = SKC_T_BOOLEAN;
			p.pass = SKC_PASS_SWITCH;
		} else if (p.type == SKC_T_ARRAY) {
			p.pass = SKC_PASS_REPEAT;
		}
	} else {
		p.required = !(e->optional_mark || e->hint.optional || e->hint.def ||
			       sh_usage_optional(x->usage, e->name)) ||
			     e->hint.required;
	}
	sh_apply_hints(x, &p, e);
	return p;
}

static struct sh_entry *sh_find_short(struct sh *x, char c)
{
	for (size_t i = 0; i < x->n_ent; i++)
		if (x->ent[i].option && x->ent[i].shortopt == c)
			return &x->ent[i];
	return NULL;
}

static bool sh_mentions_help(const char *s)
{
	for (; *s; s++)
		if (sh_prefix_ci(s, "help") || sh_prefix_ci(s, "usage"))
			return true;
	return false;
}

static void sh_getopts(struct sh *x, TSNode cmd)
{
	struct arena *a = x->cx->arena;
	struct diag *d = x->cx->diag;
	TSNode arg = ts_node_child_by_field_name(cmd, "argument", 8);
	if (ts_node_is_null(arg))
		return;
	char *spec = sh_text(x, arg);
	size_t n = strlen(spec);
	if (n >= 2 && (spec[0] == '"' || spec[0] == '\'') && spec[n - 1] == spec[0]) {
		spec[n - 1] = '\0';
		spec++;
	}
	if (strchr(spec, '$'))
		return; /* built at run time: nothing to read */
	x->has_getopts = true;
	struct sk_loc at = sh_loc(x, arg);
	if (*spec == ':')
		spec++;
	for (; *spec; spec++) {
		char c = *spec;
		if (!isalnum((unsigned char)c))
			continue;
		bool value = spec[1] == ':';
		if (value)
			spec++;
		struct sh_entry *e = sh_find_short(x, c);
		if (c == 'h' && !value && (!e || sh_mentions_help(e->desc) || !strcmp(e->name, "help"))) {
			if (e)
				e->used = true;
			continue;
		}
		struct sk_param p = {0};
		if (e) {
			e->used = true;
			struct sh_entry copy = *e;
			copy.metavar = value;
			if (!value)
				copy.hint.type = -1, copy.list = false;
			p = sh_param_from(x, &copy);
		} else {
			diag_warning(d, at.path, at.line, at.col,
				     "option '-%c' of '%s' is not documented in the header comment", c,
				     x->tool->name);
			p.name = arena_strndup(a, &c, 1);
			p.type = value ? SKC_T_STRING : SKC_T_BOOLEAN;
			p.pass = value ? SKC_PASS_VALUE : SKC_PASS_SWITCH;
			p.loc = at;
		}
		p.flag = arena_printf(a, "-%c", c);
		sh_push(x, &p);
	}
}

static void sh_positionals(struct sh *x, bool flags)
{
	bool any_doc = false;
	for (size_t i = 0; i < x->n_ent; i++) {
		if (x->ent[i].option)
			continue;
		any_doc = true;
		struct sk_param p = sh_param_from(x, &x->ent[i]);
		sh_push(x, &p);
	}
	if (any_doc || (flags && !x->has_getopts))
		return;
	if (x->max_pos == 0 && !x->varargs)
		return;
	if (x->max_pos) {
		exu_argv_params(x->cx, x->tool, &x->av, NULL, NULL, &x->capped);
	} else {
		diag_warning(x->cx->diag, x->var_loc.path, x->var_loc.line, x->var_loc.col,
			     "positional arguments of '%s' are not documented; describe them in an "
			     "'Arguments:' section of the header comment",
			     x->tool->name);
	}
	size_t np = x->tool->n_params;
	if (x->varargs && !(np && x->tool->params[np - 1].type == SKC_T_ARRAY)) {
		struct sk_param p = {0};
		p.name = x->max_pos ? "rest" : "args";
		p.type = SKC_T_ARRAY;
		p.item_type = SKC_T_STRING;
		p.loc = x->var_loc;
		sh_push(x, &p);
	}
}

void ex_bash(struct ex_ctx *cx, struct sk_tool *tool, const char *src, size_t len)
{
	struct sh x = {.cx = cx, .tool = tool, .src = src, .len = len};
	const char *path = tool->loc.path;
	unsigned line = tool->loc.line ? tool->loc.line : 1, col = tool->loc.col ? tool->loc.col : 1;
	struct exu_parse ps;
	if (exu_parse_script(&ps, cx, tool, tree_sitter_bash(), src, len) != 0) {
		exu_parse_release(&ps);
		return;
	}
	x.roots = ps.roots;
	x.n_roots = ps.n_roots;

	struct sh_funcs f = {0};
	TSNode getopts = {0}, err = {0};
	for (size_t i = 0; i < x.n_roots; i++)
		sh_scan_defs(&x, x.roots[i], &f, &getopts, &err);
	if (!ts_node_is_null(err)) {
		struct sk_loc at = sh_loc(&x, err);
		diag_warning(cx->diag, at.path, at.line, at.col, "syntax error in '%s'", tool->script);
	}
	sh_collect_header(&x);
	sh_parse_header(&x);
	sh_entry_hints(&x);
	exu_argv_init(&x.av, tool->name);
	if (x.usage) {
		struct sk_loc at = {path, 1, 1};
		for (size_t i = 0; i < x.n_lines; i++) {
			const struct sh_line *l = &x.lines[i];
			size_t skip;
			sh_indent(l->s, l->n, &skip);
			if (l->n - skip >= 6 && !strncasecmp(l->s + skip, "usage:", 6)) {
				at.line = l->line;
				at.col = l->col + (unsigned)skip;
				break;
			}
		}
		const char *u = arena_printf(cx->arena, "Usage: %s", x.usage);
		exu_argv_usage(&x.av, cx->arena, u, strlen(u), at);
	}
	for (size_t i = 0; i < x.n_roots && !x.av.n_usage; i++)
		sh_scan_usage(&x, x.roots[i]);

	/* Positional uses: top level, then functions that "$@" is forwarded to. */
	for (size_t i = 0; i < x.n_roots; i++)
		sh_scan_pos(&x, &f, x.roots[i]);
	for (bool again = true; again;) {
		again = false;
		for (size_t i = 0; i < f.n; i++) {
			if (f.v[i].fwd && !f.v[i].done) {
				f.v[i].done = true;
				sh_scan_pos(&x, &f, f.v[i].body);
				again = true;
			}
		}
	}

	if (x.desc) {
		tool->description = x.desc;
		tool->description_from = SK_FROM_SCRIPT;
	} else {
		diag_warning(cx->diag, path, line, col,
			     "tool '%s' has no description; add a header comment", tool->name);
	}

	bool documented_opts = false;
	for (size_t i = 0; i < x.n_ent; i++)
		documented_opts |= x.ent[i].option;
	if (!ts_node_is_null(getopts))
		sh_getopts(&x, getopts);
	bool flags = x.has_getopts || documented_opts;
	if (x.has_getopts) {
		for (size_t i = 0; i < x.n_ent; i++) {
			struct sh_entry *e = &x.ent[i];
			if (!e->option || e->used)
				continue;
			const char *shown = e->shortopt ? arena_printf(cx->arena, "-%c", e->shortopt)
							: arena_printf(cx->arena, "--%s", e->longopt);
			diag_warning(cx->diag, e->loc.path, e->loc.line, e->loc.col,
				     "option '%s' of '%s' is documented but not handled by getopts",
				     shown, tool->name);
		}
	} else {
		for (size_t i = 0; i < x.n_ent; i++) {
			if (!x.ent[i].option)
				continue;
			struct sk_param p = sh_param_from(&x, &x.ent[i]);
			sh_push(&x, &p);
		}
	}
	sh_positionals(&x, flags);

	if (flags) {
		tool->args = SKC_ARGS_FLAGS;
		tool->args_from = SK_FROM_SCRIPT;
	} else if (tool->n_params || x.max_pos || x.varargs) {
		tool->args = SKC_ARGS_ARGV;
		tool->args_from = SK_FROM_SCRIPT;
	} else {
		tool->args = SKC_ARGS_ARGV;
	}
	if (tool->n_params)
		tool->params_from = SK_FROM_SCRIPT;

	exu_parse_release(&ps);
}
