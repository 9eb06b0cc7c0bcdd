/*
 * yml.c - YAML (and JSON) into a small located tree, with libyaml's event API.
 *
 * We build the tree ourselves rather than use libyaml's document loader so
 * that hostile input stays cheap: nesting is capped, and an alias shares the
 * anchored node but is charged its full expanded size, so the nodes and text
 * any walk can visit are bounded (billion laughs fails here, not later).
 * An anchor becomes usable only once its node is complete, so the tree never
 * has cycles.
 */
#include "yml.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

enum {
	YML_MAX_DEPTH = 64,      /* nested collections */
	YML_MAX_NODES = 100000,  /* weight of the document, counting alias expansions */
	YML_TEXT_UNIT = 256,     /* a scalar weighs 1 + len / this: text is bounded too */
};

struct yml_frame {
	struct yml_node *node;
	size_t cap;
	size_t weight; /* expanded size of this subtree so far */
	const char *anchor;
};

struct yml_anchor {
	const char *name;
	struct yml_node *node;
	size_t weight;
};

struct yml_builder {
	struct arena *a;
	struct diag *d;
	const char *path;
	unsigned base;
	struct yml_frame stack[YML_MAX_DEPTH];
	int depth;
	size_t total;
	struct yml_node *root;
	struct yml_anchor *anchors;
	size_t n_anchors, cap_anchors;
};

static unsigned yml_line(const struct yml_builder *b, yaml_mark_t m)
{
	return (unsigned)m.line + 1 + b->base;
}

static unsigned yml_col(yaml_mark_t m)
{
	return (unsigned)m.column + 1;
}

static struct yml_node *yml_new(struct yml_builder *b, enum yml_kind kind, yaml_mark_t m)
{
	struct yml_node *n = arena_alloc(b->a, sizeof *n);
	n->kind = kind;
	n->line = yml_line(b, m);
	n->col = yml_col(m);
	n->text = "";
	return n;
}

/* Attach a finished node (of expanded size w) to the open collection or make it the root. */
static int yml_add(struct yml_builder *b, struct yml_node *n, size_t w, yaml_mark_t m)
{
	b->total += w;
	if (b->total > YML_MAX_NODES || w > YML_MAX_NODES) {
		diag_error(b->d, b->path, yml_line(b, m), yml_col(m),
			   "YAML document is too large: more than %d nodes or about %d MB of text, "
			   "counting each alias as a copy",
			   YML_MAX_NODES, YML_MAX_NODES / (1024 * 1024 / YML_TEXT_UNIT));
		return -1;
	}
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	struct yml_frame *f = &b->stack[b->depth - 1];
	ARENA_PUSH(b->a, f->node->items, f->node->n_items, f->cap) = n;
	f->weight += w;
	return 0;
}

static void yml_anchor_add(struct yml_builder *b, const yaml_char_t *name, struct yml_node *n,
			   size_t w)
{
	if (!name)
		return;
	struct yml_anchor *an = &ARENA_PUSH(b->a, b->anchors, b->n_anchors, b->cap_anchors);
	an->name = arena_strdup(b->a, (const char *)name);
	an->node = n;
	an->weight = w;
}

static const struct yml_anchor *yml_anchor_find(const struct yml_builder *b, const char *name)
{
	/* Later definitions of the same anchor win. */
	for (size_t i = b->n_anchors; i-- > 0;)
		if (strcmp(b->anchors[i].name, name) == 0)
			return &b->anchors[i];
	return NULL;
}

/* Line and column of a byte offset, for reader errors that carry no mark. */
static void yml_offset_pos(const char *buf, size_t len, size_t off, unsigned *line, unsigned *col)
{
	unsigned l = 1;
	size_t start = 0;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n')
			l++, start = i + 1;
	*line = l;
	*col = (unsigned)(off - start) + 1;
}

static void yml_syntax_error(struct yml_builder *b, const yaml_parser_t *p, const char *buf,
			     size_t len)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	if (p->error == YAML_READER_ERROR) {
		unsigned line, col;
		yml_offset_pos(buf, len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			diag_error(b->d, b->path, line + b->base, col, "invalid YAML: %s (#x%X)",
				   problem, (unsigned)p->problem_value);
		else
			diag_error(b->d, b->path, line + b->base, col, "invalid YAML: %s", problem);
		return;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		diag_error(b->d, b->path, 0, 0, "out of memory while reading YAML");
		return;
	}
	/*
	 * A line without its ':' is found only on the next line; the key that
	 * started on the context mark is where the mistake is.
	 */
	if (p->context && strcmp(problem, "could not find expected ':'") == 0) {
		diag_error(b->d, b->path, yml_line(b, p->context_mark), yml_col(p->context_mark),
			   "invalid YAML: could not find expected ':' after this key");
		return;
	}
	diag_error(b->d, b->path, yml_line(b, p->problem_mark), yml_col(p->problem_mark),
		   "invalid YAML: %s", problem);
	if (p->context && (p->context_mark.line != p->problem_mark.line ||
			   p->context_mark.column != p->problem_mark.column))
		diag_note(b->d, b->path, yml_line(b, p->context_mark), yml_col(p->context_mark),
			  "%s", p->context);
}

static int yml_event(struct yml_builder *b, yaml_event_t *ev, int *docs)
{
	yaml_mark_t m = ev->start_mark;
	struct yml_node *n;
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (*docs) {
			diag_error(b->d, b->path, yml_line(b, m), yml_col(m),
				   "expected one YAML document, found another");
			return -1;
		}
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		(*docs)++;
		return 0;
	case YAML_SCALAR_EVENT:
		n = yml_new(b, YML_SCALAR, m);
		n->len = ev->data.scalar.length;
		n->text = arena_strndup(b->a, (const char *)ev->data.scalar.value, n->len);
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
			    ev->data.scalar.style != YAML_ANY_SCALAR_STYLE;
		/* `!!str 123` asks for a string as plainly as quotes do. */
		if (ev->data.scalar.tag &&
		    strcmp((const char *)ev->data.scalar.tag, YAML_STR_TAG) == 0)
			n->quoted = true;
		size_t w = 1 + n->len / YML_TEXT_UNIT;
		yml_anchor_add(b, ev->data.scalar.anchor, n, w);
		return yml_add(b, n, w, m);
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		const struct yml_anchor *an = yml_anchor_find(b, name);
		if (!an) {
			diag_error(b->d, b->path, yml_line(b, m), yml_col(m),
				   "undefined YAML alias '%s'", name);
			return -1;
		}
		return yml_add(b, an->node, an->weight, m);
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		if (b->depth >= YML_MAX_DEPTH) {
			diag_error(b->d, b->path, yml_line(b, m), yml_col(m),
				   "YAML nesting is deeper than %d levels", YML_MAX_DEPTH);
			return -1;
		}
		bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
		const yaml_char_t *anchor =
			seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
		struct yml_frame *f = &b->stack[b->depth++];
		f->node = yml_new(b, seq ? YML_SEQ : YML_MAP, m);
		f->cap = 0;
		f->weight = 1;
		f->anchor = anchor ? arena_strdup(b->a, (const char *)anchor) : NULL;
		return 0;
	}
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		if (b->depth == 0)
			return 0; /* libyaml never does this; be safe anyway */
		struct yml_frame f = b->stack[--b->depth];
		yml_anchor_add(b, (const yaml_char_t *)f.anchor, f.node, f.weight);
		/* The children were charged as they came; charge only this node. */
		b->total -= f.weight - 1;
		return yml_add(b, f.node, f.weight, m);
	}
	default:
		return 0;
	}
}

struct yml_node *yml_load(struct arena *a, struct diag *d, const char *path, const char *buf,
			  size_t len, unsigned line_base)
{
	struct yml_builder b = {.a = a, .d = d, .path = path, .base = line_base};
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		diag_error(d, path, 0, 0, "out of memory while reading YAML");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	int docs = 0, ok = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			yml_syntax_error(&b, &p, buf, len);
			break;
		}
		int done = ev.type == YAML_STREAM_END_EVENT;
		int rc = yml_event(&b, &ev, &docs);
		yaml_event_delete(&ev);
		if (rc)
			break;
		if (done) {
			ok = 1;
			break;
		}
	}
	yaml_parser_delete(&p);
	if (!ok)
		return NULL;
	if (!b.root) {
		yaml_mark_t m = {0, 0, 0};
		b.root = yml_new(&b, YML_MAP, m);
	}
	return b.root;
}

const struct yml_node *yml_get(const struct yml_node *map, const char *key)
{
	if (!map || map->kind != YML_MAP)
		return NULL;
	size_t klen = strlen(key);
	/* A repeated key: the last one wins, as in PyYAML and most YAML tools. */
	const struct yml_node *found = NULL;
	for (size_t i = 0; i + 1 < map->n_items; i += 2) {
		const struct yml_node *k = map->items[i];
		if (k->kind == YML_SCALAR && k->len == klen && memcmp(k->text, key, klen) == 0)
			found = map->items[i + 1];
	}
	return found;
}

int yml_bool(const struct yml_node *n, bool *out)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
	if (!n || n->kind != YML_SCALAR)
		return -1;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		size_t ly = strlen(yes[i]), ln = strlen(no[i]);
		if (n->len == ly && memcmp(n->text, yes[i], ly) == 0) {
			*out = true;
			return 0;
		}
		if (n->len == ln && memcmp(n->text, no[i], ln) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int yml_quantity(const struct yml_node *n, const struct yml_unit *units, double dflt,
		 uint64_t max, uint64_t *out)
{
	if (!n || n->kind != YML_SCALAR || memchr(n->text, '\0', n->len))
		return -1;
	const char *s = n->text;
	size_t i = 0, digits = 0;
	while (i < n->len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
		digits += s[i] != '.', i++;
	if (!digits || i > 32)
		return -1;
	char num[40];
	memcpy(num, s, i);
	num[i] = '\0';
	char *endp;
	double x = strtod(num, &endp);
	if (*endp)
		return -1;
	while (i < n->len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	double mult = dflt;
	if (i < n->len) {
		mult = -1;
		for (const struct yml_unit *u = units; u->word; u++)
			if (strcasecmp(s + i, u->word) == 0)
				mult = u->mult;
		if (mult < 0)
			return -1;
	}
	double r = x * mult + 0.5;
	if (!(r >= 1 && r <= (double)max))
		return -1;
	*out = (uint64_t)r;
	return 0;
}

const char *yml_kind_name(const struct yml_node *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case YML_SCALAR:
		return "string";
	case YML_SEQ:
		return "list";
	case YML_MAP:
		return "mapping";
	}
	return "value";
}
