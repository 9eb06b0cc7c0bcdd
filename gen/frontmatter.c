/*
 * frontmatter.c - SKILL.md frontmatter by the agentskills.io rules.
 */
#include "frontmatter.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "yml.h"

/* Repetitive warnings (unknown fields, odd metadata) stop after this many. */
enum { FM_MAX_NOISY = 20 };

static const char *const fm_known[] = {
	"name", "description", "license", "compatibility", "metadata", "allowed-tools", "uses",
};
enum { FM_N_KNOWN = sizeof fm_known / sizeof fm_known[0] };

struct fm_ctx {
	struct arena *a;
	struct diag *d;
	const char *path;
	struct sk_skill *skill;
	int noisy, quiet;
};

static const char *fm_show(struct fm_ctx *cx, const struct yml_node *n)
{
	return mf_show(cx->a, n->text, n->len);
}

/* A noisy warning: true when it may still be printed. */
static bool fm_noisy(struct fm_ctx *cx)
{
	if (cx->noisy < FM_MAX_NOISY) {
		cx->noisy++;
		return true;
	}
	cx->quiet++;
	return false;
}

static bool fm_is(const struct yml_node *n, const char *s)
{
	size_t l = strlen(s);
	return n->len == l && memcmp(n->text, s, l) == 0;
}

static bool fm_digits(const char *s, size_t n, size_t lo, size_t hi)
{
	if (n < lo || n > hi)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Digits with YAML 1.1's '_' separators, at least one digit. */
static size_t fm_span(const char *s, size_t n, const char *set, bool *any)
{
	size_t i = 0;
	for (; i < n && (strchr(set, s[i]) && s[i]); i++)
		if (s[i] != '_')
			*any = true;
	return i;
}

/*
 * What YAML 1.1 (PyYAML, so most skill tooling) would make of a plain
 * scalar other than a string: "null", "boolean", "number", "date"; NULL
 * when it is a string.
 */
static const char *fm_yaml11_kind(const struct yml_node *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	static const char *const bools[] = {"y",   "Y",     "yes",   "Yes",   "YES", "n",  "N",
					    "no",  "No",    "NO",    "true",  "True", "TRUE", "false",
					    "False", "FALSE", "on",    "On",    "ON",  "off", "Off",
					    "OFF"};
	if (n->kind != YML_SCALAR || n->quoted)
		return NULL;
	for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
		if (fm_is(n, nulls[i]))
			return "null";
	for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++)
		if (fm_is(n, bools[i]))
			return "boolean";
	const char *s = n->text;
	size_t len = n->len;
	/* yyyy-mm-dd, optionally followed by a time */
	if (len >= 8 && fm_digits(s, 4, 4, 4) && s[4] == '-') {
		const char *m = s + 5, *end = s + len;
		const char *dash = memchr(m, '-', (size_t)(end - m));
		if (dash && fm_digits(m, (size_t)(dash - m), 1, 2)) {
			const char *day = dash + 1, *e = day;
			while (e < end && *e >= '0' && *e <= '9')
				e++;
			if (fm_digits(day, (size_t)(e - day), 1, 2) &&
			    (e == end || *e == 'T' || *e == 't' || *e == ' '))
				return "date";
		}
	}
	size_t i = 0;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	const char *r = s + i;
	size_t rn = len - i;
	static const char *const special[] = {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"};
	for (size_t j = 0; j < 6 && rn == 4; j++)
		if (!memcmp(r, special[j], 4) && (j < 3 || i == 0))
			return "number";
	bool any = false;
	if (rn > 2 && r[0] == '0' && (r[1] == 'x' || r[1] == 'X'))
		return fm_span(r + 2, rn - 2, "0123456789abcdefABCDEF_", &any) == rn - 2 && any
			       ? "number"
			       : NULL;
	if (rn > 2 && r[0] == '0' && (r[1] == 'b' || r[1] == 'o')) {
		const char *set = r[1] == 'b' ? "01_" : "01234567_";
		return fm_span(r + 2, rn - 2, set, &any) == rn - 2 && any ? "number" : NULL;
	}
	size_t k = fm_span(r, rn, "0123456789_", &any);
	/* sexagesimal, 1:30 */
	if (any && k < rn && r[k] == ':') {
		while (k < rn && r[k] == ':') {
			bool d2 = false;
			size_t m = fm_span(r + k + 1, rn - k - 1, "0123456789", &d2);
			if (!d2 || m > 2)
				return NULL;
			k += 1 + m;
		}
		return k == rn ? "number" : NULL;
	}
	if (k < rn && r[k] == '.')
		k += 1 + fm_span(r + k + 1, rn - k - 1, "0123456789_", &any);
	if (!any)
		return NULL;
	if (k < rn && (r[k] == 'e' || r[k] == 'E')) {
		k++;
		if (k < rn && (r[k] == '+' || r[k] == '-'))
			k++;
		bool e = false;
		k += fm_span(r + k, rn - k, "0123456789", &e);
		if (!e)
			return NULL;
	}
	return k == rn ? "number" : NULL;
}

static size_t fm_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/*
 * The text of a string field, trimmed, or NULL (reported) when the node is
 * not a scalar. Text after a NUL byte cannot be carried; say so.
 */
static const char *fm_text(struct fm_ctx *cx, const char *field, const struct yml_node *v,
			   enum diag_level lvl)
{
	if (v->kind != YML_SCALAR) {
		diag_at(cx->d, lvl, cx->path, v->line, v->col, "'%s' must be a string, not a %s",
			field, yml_kind_name(v));
		return NULL;
	}
	size_t n = v->len;
	const char *nul = memchr(v->text, '\0', n);
	if (nul) {
		diag_warning(cx->d, cx->path, v->line, v->col,
			     "'%s' contains a NUL byte; the text after it is dropped", field);
		n = (size_t)(nul - v->text);
	}
	const char *s = v->text;
	while (n && strchr(" \t\r\n", *s))
		s++, n--;
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	return arena_strndup(cx->a, s, n);
}

static bool fm_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* Why s[0..n) cannot be a skill name: 0 it can, 1 empty, 2 a bad character
 * at *at (*cl bytes), 3 too long. */
static int fm_name_bad(const char *s, size_t n, size_t *at, size_t *cl)
{
	if (n == 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		if (!fm_name_char(s[i])) {
			size_t k = 1;
			while (i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
				k++;
			*at = i, *cl = k;
			return 2;
		}
	}
	return n > FM_NAME_MAX ? 3 : 0;
}

/*
 * Lenient baking: a `name` that cannot be used (or none) gives way to the
 * directory's name when that one can be. NULL when it cannot.
 */
static const char *fm_name_fallback(struct fm_ctx *cx, const char *dirname)
{
	size_t at, cl;
	if (!cx->d->lenient || !dirname || fm_name_bad(dirname, strlen(dirname), &at, &cl))
		return NULL;
	return dirname;
}

static void fm_name_dir_too(struct fm_ctx *cx, const struct yml_node *v, const char *dirname)
{
	if (dirname)
		diag_note(cx->d, cx->path, v->line, v->col,
			  "the directory name '%s' is not a valid skill name either, so the skill is skipped",
			  mf_show(cx->a, dirname, strlen(dirname)));
}

/* The `name` field; -1 when the skill cannot be baked under it. */
static int fm_name(struct fm_ctx *cx, const struct yml_node *v, const char *dirname)
{
	const char *p = cx->path;
	const char *text = v->text;
	size_t len = v->len, at = 0, cl = 0;
	int bad = v->kind != YML_SCALAR ? -1 : fm_name_bad(v->text, v->len, &at, &cl);
	const char *fallback = bad ? fm_name_fallback(cx, dirname) : NULL;
	if (fallback) {
		diag_warning(cx->d, p, v->line, v->col,
			     "name '%s' is not a valid skill name; using the directory name '%s'",
			     v->kind == YML_SCALAR ? fm_show(cx, v) : yml_kind_name(v), fallback);
		diag_note(cx->d, p, v->line, v->col,
			  "a name is 1 to 64 characters of 'a-z', '0-9' and '-'");
		text = fallback;
		len = strlen(fallback);
		bad = 0;
	}
	/* Lenient, and the directory's name would not do either: say so after the error. */
	const char *dir_too = bad && cx->d->lenient && dirname ? dirname : NULL;
	if (bad < 0) {
		diag_error(cx->d, p, v->line, v->col, "'name' must be a string, not a %s",
			   yml_kind_name(v));
		fm_name_dir_too(cx, v, dir_too);
		return -1;
	}
	if (bad == 1) {
		diag_error(cx->d, p, v->line, v->col, "'name' is empty");
		fm_name_dir_too(cx, v, dir_too);
		return -1;
	}
	if (bad == 2) {
		diag_error(cx->d, p, v->line, v->col,
			   "name '%s' contains '%s', which a skill name cannot use", fm_show(cx, v),
			   mf_show(cx->a, v->text + at, cl));
		diag_note(cx->d, p, v->line, v->col,
			  "a name is 1 to 64 characters of 'a-z', '0-9' and '-'");
		fm_name_dir_too(cx, v, dir_too);
		return -1;
	}
	if (bad == 3) {
		diag_error(cx->d, p, v->line, v->col, "name '%s' is longer than %d characters (%zu)",
			   fm_show(cx, v), FM_NAME_MAX, v->len);
		fm_name_dir_too(cx, v, dir_too);
		return -1;
	}
	const char *name = arena_strndup(cx->a, text, len);
	bool upper = false, other = false;
	for (const char *c = name; *c; c++) {
		upper |= *c >= 'A' && *c <= 'Z';
		other |= *c == '_' || *c == '.';
	}
	if (upper) {
		char *low = arena_strdup(cx->a, name);
		for (char *c = low; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		diag_warning(cx->d, p, v->line, v->col, "name '%s' contains uppercase letters", name);
		diag_note(cx->d, p, v->line, v->col, "the lowercase form is '%s'", low);
	}
	if (other)
		diag_warning(cx->d, p, v->line, v->col,
			     "name '%s' contains '%c'; the specification allows only 'a-z', '0-9' and '-'",
			     name, strchr(name, '_') ? '_' : '.');
	if (name[0] == '-')
		diag_warning(cx->d, p, v->line, v->col, "name '%s' starts with a hyphen", name);
	if (len > 1 && name[len - 1] == '-')
		diag_warning(cx->d, p, v->line, v->col, "name '%s' ends with a hyphen", name);
	if (strstr(name, "--"))
		diag_warning(cx->d, p, v->line, v->col, "name '%s' contains consecutive hyphens",
			     name);
	if (dirname && !fallback && strcmp(name, dirname) != 0)
		diag_warning(cx->d, p, v->line, v->col, "name '%s' does not match directory '%s'",
			     name, mf_show(cx->a, dirname, strlen(dirname)));
	cx->skill->name = name;
	return 0;
}

static int fm_description(struct fm_ctx *cx, const struct yml_node *v)
{
	const char *s = fm_text(cx, "description", v, DIAG_ERROR);
	if (!s)
		return -1;
	if (!*s) {
		diag_error(cx->d, cx->path, v->line, v->col, "'description' is empty");
		return -1;
	}
	size_t n = fm_chars(s);
	if (n > FM_DESCRIPTION_MAX)
		diag_warning(cx->d, cx->path, v->line, v->col,
			     "'description' is longer than %d characters (%zu)", FM_DESCRIPTION_MAX, n);
	cx->skill->description = s;
	return 0;
}

static void fm_allowed_tools(struct fm_ctx *cx, const struct yml_node *v)
{
	if (v->kind == YML_SCALAR) {
		cx->skill->allowed_tools = fm_text(cx, "allowed-tools", v, DIAG_WARNING);
		return;
	}
	if (v->kind == YML_MAP) {
		diag_warning(cx->d, cx->path, v->line, v->col,
			     "'allowed-tools' must be a space-separated string, not a mapping; ignored");
		return;
	}
	diag_warning(cx->d, cx->path, v->line, v->col,
		     "'allowed-tools' should be a space-separated string, not a list");
	size_t total = 0;
	for (size_t i = 0; i < v->n_items; i++)
		if (v->items[i]->kind == YML_SCALAR)
			total += v->items[i]->len + 1;
	char *out = arena_alloc(cx->a, total + 1), *w = out;
	for (size_t i = 0; i < v->n_items; i++) {
		const struct yml_node *it = v->items[i];
		if (it->kind != YML_SCALAR) {
			if (fm_noisy(cx))
				diag_warning(cx->d, cx->path, it->line, it->col,
					     "'allowed-tools' item is a %s, not a string; skipped",
					     yml_kind_name(it));
			continue;
		}
		const char *t = fm_text(cx, "allowed-tools", it, DIAG_WARNING);
		if (!*t)
			continue;
		if (w != out)
			*w++ = ' ';
		size_t tl = strlen(t);
		memcpy(w, t, tl);
		w += tl;
	}
	*w = '\0';
	cx->skill->allowed_tools = out;
}

struct fm_meta {
	const struct yml_node *key;
	size_t idx; /* in skill->metadata */
};

static int fm_meta_cmp(const void *x, const void *y)
{
	const struct fm_meta *a = x, *b = y;
	size_t n = a->key->len < b->key->len ? a->key->len : b->key->len;
	int c = memcmp(a->key->text, b->key->text, n);
	if (c)
		return c;
	if (a->key->len != b->key->len)
		return a->key->len < b->key->len ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void fm_metadata(struct fm_ctx *cx, const struct yml_node *v)
{
	struct sk_skill *sk = cx->skill;
	if (v->kind != YML_MAP) {
		diag_warning(cx->d, cx->path, v->line, v->col,
			     "'metadata' must be a mapping of strings, not a %s; ignored",
			     yml_kind_name(v));
		return;
	}
	size_t npairs = v->n_items / 2;
	struct fm_meta *seen = npairs ? calloc(npairs, sizeof *seen) : NULL;
	size_t nseen = 0;
	if (npairs && !seen)
		abort();
	sk->n_metadata = 0;
	for (size_t i = 0; i + 1 < v->n_items; i += 2) {
		const struct yml_node *k = v->items[i], *val = v->items[i + 1];
		if (k->kind != YML_SCALAR) {
			if (fm_noisy(cx))
				diag_warning(cx->d, cx->path, k->line, k->col,
					     "'metadata' key is a %s, not a string; skipped",
					     yml_kind_name(k));
			continue;
		}
		const char *ks = fm_show(cx, k);
		if (val->kind != YML_SCALAR) {
			if (fm_noisy(cx))
				diag_warning(cx->d, cx->path, val->line, val->col,
					     "metadata value for '%s' is a %s, not a string; skipped",
					     ks, yml_kind_name(val));
			continue;
		}
		const char *kind = fm_yaml11_kind(val);
		if (kind && fm_noisy(cx))
			diag_warning(cx->d, cx->path, val->line, val->col,
				     "metadata value for '%s' reads as a %s in YAML 1.1; using its text '%s'",
				     ks, kind, fm_show(cx, val));
		if (memchr(k->text, '\0', k->len) || memchr(val->text, '\0', val->len)) {
			diag_warning(cx->d, cx->path, val->line, val->col,
				     "metadata entry '%s' contains a NUL byte; skipped", ks);
			continue;
		}
		seen[nseen].key = k;
		seen[nseen].idx = sk->n_metadata;
		nseen++;
		struct sk_kv *kv = &ARENA_PUSH(cx->a, sk->metadata, sk->n_metadata, sk->cap_metadata);
		kv->key = arena_strndup(cx->a, k->text, k->len);
		kv->value = arena_strndup(cx->a, val->text, val->len);
	}
	/* Repeated keys: sort to find them without a quadratic scan; the last one wins. */
	if (nseen > 1)
		qsort(seen, nseen, sizeof *seen, fm_meta_cmp);
	bool *drop = nseen ? calloc(nseen, sizeof *drop) : NULL;
	if (nseen && !drop)
		abort();
	size_t first = 0;
	for (size_t i = 1; i < nseen; i++) {
		const struct yml_node *x = seen[first].key, *y = seen[i].key;
		if (x->len != y->len || memcmp(x->text, y->text, x->len)) {
			first = i;
			continue;
		}
		drop[seen[i - 1].idx] = true;
		if (fm_noisy(cx)) {
			diag_warning(cx->d, cx->path, seen[i].key->line, seen[i].key->col,
				     "duplicate metadata key '%s'", fm_show(cx, seen[i].key));
			diag_note(cx->d, cx->path, seen[first].key->line, seen[first].key->col,
				  "first defined here");
		}
	}
	size_t w = 0;
	for (size_t i = 0; i < sk->n_metadata; i++)
		if (!drop[i])
			sk->metadata[w++] = sk->metadata[i];
	sk->n_metadata = w;
	free(drop);
	free(seen);
}

/*
 * `uses`: the tools of other skills (or plugins) this one calls, each
 * `plugin:<skill>/<tool>`, `<skill>/<tool>` or `<tool>`; validate resolves them.
 */
static int fm_uses(struct fm_ctx *cx, const struct yml_node *v)
{
	const char *word = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	struct sk_skill *sk = cx->skill;
	if (v->kind != YML_SEQ) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'uses' must be a list of tools like 'plugin:<skill>/<tool>', not a %s",
			   yml_kind_name(v));
		return -1;
	}
	sk->n_uses = 0;
	for (size_t i = 0; i < v->n_items && i < 256; i++) {
		const struct yml_node *u = v->items[i];
		const char *s = fm_text(cx, "uses", u, DIAG_ERROR);
		if (!s)
			continue;
		const char *p = strncmp(s, "plugin:", 7) ? s : s + 7;
		size_t a = strspn(p, word);
		const char *b = p[a] == '/' ? p + a + 1 : NULL;
		size_t bn = b ? strspn(b, word) : 0;
		if (!a || (b ? !bn || b[bn] : p[a] != '\0')) {
			diag_error(cx->d, cx->path, u->line, u->col,
				   "'uses' entry '%s' is not a tool reference; expected "
				   "'plugin:<skill>/<tool>', '<skill>/<tool>' or '<tool>'",
				   fm_show(cx, u));
			continue;
		}
		struct sk_use *use = &ARENA_PUSH(cx->a, sk->uses, sk->n_uses, sk->cap_uses);
		memset(use, 0, sizeof *use);
		use->skill = b ? arena_strndup(cx->a, p, a) : NULL;
		use->tool = b ? arena_strndup(cx->a, b, bn) : arena_strndup(cx->a, p, a);
		use->loc = (struct sk_loc){cx->path, u->line, u->col};
	}
	return 0;
}

static int fm_field(struct fm_ctx *cx, int which, const struct yml_node *k,
		    const struct yml_node *v, const char *dirname)
{
	struct sk_skill *sk = cx->skill;
	const char *s;
	switch (which) {
	case 0:
		sk->name_loc = (struct sk_loc){cx->path, k->line, k->col};
		return fm_name(cx, v, dirname);
	case 1:
		return fm_description(cx, v);
	case 2:
		sk->license = fm_text(cx, "license", v, DIAG_WARNING);
		return 0;
	case 3:
		s = fm_text(cx, "compatibility", v, DIAG_WARNING);
		if (s && fm_chars(s) > FM_COMPATIBILITY_MAX)
			diag_warning(cx->d, cx->path, v->line, v->col,
				     "'compatibility' is longer than %d characters (%zu)",
				     FM_COMPATIBILITY_MAX, fm_chars(s));
		sk->compatibility = s;
		return 0;
	case 4:
		fm_metadata(cx, v);
		return 0;
	case 5:
		fm_allowed_tools(cx, v);
		return 0;
	case 6:
		fm_uses(cx, v);
		return 0;
	}
	return 0;
}

/* Is the line s[0..n) (without its '\n') the fence word, give or take trailing blanks? */
static bool fm_fence(const char *s, size_t n, const char *word)
{
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 3 && memcmp(s, word, 3) == 0;
}

static bool fm_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n\f\v", s[i]) || !s[i])
			return false;
	return true;
}

static int fm_walk(struct fm_ctx *cx, const struct yml_node *root, const char *dirname)
{
	const struct yml_node *first[FM_N_KNOWN] = {0};
	const struct yml_node *unknown[FM_MAX_NOISY];
	size_t n_unknown = 0;
	int rc = 0, results[FM_N_KNOWN] = {0};
	for (size_t i = 0; i + 1 < root->n_items; i += 2) {
		const struct yml_node *k = root->items[i], *v = root->items[i + 1];
		if (k->kind != YML_SCALAR) {
			if (fm_noisy(cx))
				diag_warning(cx->d, cx->path, k->line, k->col,
					     "frontmatter key is a %s, not a string; skipped",
					     yml_kind_name(k));
			continue;
		}
		int which = -1;
		for (int j = 0; j < FM_N_KNOWN; j++)
			if (fm_is(k, fm_known[j]))
				which = j;
		if (which < 0) {
			bool again = false;
			for (size_t j = 0; j < n_unknown; j++)
				again |= unknown[j]->len == k->len &&
					 !memcmp(unknown[j]->text, k->text, k->len);
			if (!again && fm_noisy(cx)) {
				diag_warning(cx->d, cx->path, k->line, k->col,
					     "unknown field '%s' in frontmatter", fm_show(cx, k));
				if (n_unknown == 0)
					diag_note(cx->d, cx->path, k->line, k->col,
						  "the known fields are 'name', 'description', 'license', "
						  "'compatibility', 'metadata', 'allowed-tools' and 'uses'");
				unknown[n_unknown++] = k;
			}
			continue;
		}
		if (first[which]) {
			diag_warning(cx->d, cx->path, k->line, k->col,
				     "duplicate key '%s' in frontmatter; the last one is used",
				     fm_known[which]);
			diag_note(cx->d, cx->path, first[which]->line, first[which]->col,
				  "first defined here");
		} else {
			first[which] = k;
		}
		results[which] = fm_field(cx, which, k, v, dirname);
	}
	const char *fallback = first[0] ? NULL : fm_name_fallback(cx, dirname);
	if (fallback) {
		diag_warning(cx->d, cx->path, root->line, root->col,
			     "missing field 'name' in frontmatter; using the directory name '%s'",
			     fallback);
		cx->skill->name = arena_strdup(cx->a, fallback);
		first[0] = root;
	}
	for (int j = 0; j < 2; j++) {
		if (!first[j]) {
			diag_error(cx->d, cx->path, root->line, root->col,
				   "missing required field '%s' in frontmatter", fm_known[j]);
			rc = -1;
		}
		if (results[j])
			rc = -1;
	}
	return rc;
}

int fm_parse(struct arena *a, struct diag *d, struct sk_skill *skill, const char *path,
	     const char *src, size_t len, const char *dirname)
{
	struct fm_ctx cx = {.a = a, .d = d, .path = path, .skill = skill};
	skill->skill_md = path;
	skill->name_loc = (struct sk_loc){path, 0, 0};

	const char *p = src, *end = src + len;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *eol = nl ? nl : end;
	if (!fm_fence(p, (size_t)(eol - p), "---")) {
		diag_error(d, path, 1, 1,
			   "'SKILL.md' has no YAML frontmatter; start the file with a '---' line");
		return -1;
	}
	const char *yaml = nl ? nl + 1 : end, *q = yaml, *close = NULL;
	unsigned line = 2, close_line = 0;
	while (q < end) {
		nl = memchr(q, '\n', (size_t)(end - q));
		eol = nl ? nl : end;
		if (fm_fence(q, (size_t)(eol - q), "---") || fm_fence(q, (size_t)(eol - q), "...")) {
			close = q;
			close_line = line;
			break;
		}
		q = nl ? nl + 1 : end;
		line++;
	}
	if (!close) {
		diag_error(d, path, 1, 1, "frontmatter is not closed; end it with a '---' line");
		return -1;
	}
	struct yml_node *root = yml_load(a, d, path, yaml, (size_t)(close - yaml), 1);
	if (!root)
		return -1;
	if (root->kind != YML_MAP) {
		diag_error(d, path, root->line, root->col, "frontmatter must be a mapping, not a %s",
			   yml_kind_name(root));
		return -1;
	}
	int rc = fm_walk(&cx, root, dirname);

	/* The body: after the closing line, less one leading blank line. */
	const char *body = nl ? nl + 1 : end;
	unsigned body_line = close_line + 1;
	nl = memchr(body, '\n', (size_t)(end - body));
	if (nl && fm_blank(body, (size_t)(nl - body)))
		body = nl + 1, body_line++;
	size_t blen = (size_t)(end - body);
	const char *nul = memchr(body, '\0', blen);
	if (nul) {
		unsigned l = body_line;
		for (const char *c = body; c < nul; c++)
			l += *c == '\n';
		diag_warning(d, path, l, 0, "SKILL.md body contains a NUL byte; the text after it is dropped");
		blen = (size_t)(nul - body);
	}
	skill->body = arena_strndup(a, body, blen);
	skill->body_line = body_line;
	if (rc == 0 && fm_blank(body, blen))
		diag_warning(d, path, close_line, 1, "skill '%s' has an empty body", skill->name);
	if (cx.quiet)
		diag_note(d, path, 0, 0, "%d more similar warnings not shown", cx.quiet);
	return rc;
}
