/*
 * builtin.c - list_skills, activate_skill, deactivate_skill, read_skill_file.
 */
#include "builtin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jbuf.h"
#include "table.h"
#include "text.h"

const struct bi_def bi_defs[BI_COUNT] = {
	{"list_skills", "List skills",
	 "List the skills baked into this agent: name, description, tools, and whether each is "
	 "active.",
	 "{\"type\":\"object\",\"additionalProperties\":false}",
	 "{\"readOnlyHint\":true,\"openWorldHint\":false}", false},
	{"activate_skill", "Activate skill",
	 "Load a skill: returns its instructions and makes its tools available.",
	 "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"description\":"
	 "\"The skill's name, as list_skills shows it\"}},\"required\":[\"name\"],"
	 "\"additionalProperties\":false}",
	 "{\"readOnlyHint\":false,\"destructiveHint\":false,\"idempotentHint\":true,"
	 "\"openWorldHint\":false}",
	 true},
	{"deactivate_skill", "Deactivate skill", "Unload a skill: its tools are no longer listed.",
	 "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"description\":"
	 "\"The skill's name\"}},\"required\":[\"name\"],\"additionalProperties\":false}",
	 "{\"readOnlyHint\":false,\"destructiveHint\":false,\"idempotentHint\":true,"
	 "\"openWorldHint\":false}",
	 true},
	{"read_skill_file", "Read skill file",
	 "Read one file of a skill (SKILL.md, references/..., assets/..., scripts/...).",
	 "{\"type\":\"object\",\"properties\":{\"skill\":{\"type\":\"string\",\"description\":"
	 "\"The skill's name\"},\"path\":{\"type\":\"string\",\"description\":\"The file's path "
	 "inside the skill, e.g. references/guide.md\"}},\"required\":[\"skill\",\"path\"],"
	 "\"additionalProperties\":false}",
	 "{\"readOnlyHint\":true,\"openWorldHint\":false}", false},
};

const struct bi_def *bi_find(const char *name)
{
	for (size_t i = 0; i < BI_COUNT; i++)
		if (!strcmp(bi_defs[i].name, name))
			return &bi_defs[i];
	return NULL;
}

bool bi_tool_active(const struct bi_state *s, const struct skc_tool *tool)
{
	const struct skc_table *t = s->t;
	if (s->active[tool->skill])
		return true;
	if (!t->use_count) /* no skill declares any: the common case, per tool per turn */
		return false;
	uint32_t idx = (uint32_t)(tool - t->tools);
	for (uint32_t i = 0; i < t->skill_count; i++) {
		const struct skc_skill *sk = &t->skills[i];
		if (!s->active[i])
			continue;
		for (uint32_t k = 0; k < sk->use_count && sk->use_first + k < t->use_count; k++)
			if (t->uses[sk->use_first + k] == idx)
				return true;
	}
	return false;
}

int bi_state_init(struct bi_state *s, const struct skc_table *t, bool show_active)
{
	s->t = t;
	s->show_active = show_active;
	s->active = calloc(t->skill_count + 1, sizeof *s->active);
	s->file_text = malloc(t->file_count + 1);
	if (!s->active || !s->file_text) {
		bi_state_release(s);
		return -1;
	}
	memset(s->file_text, -1, t->file_count + 1);
	return 0;
}

void bi_state_release(struct bi_state *s)
{
	free(s->active);
	free(s->file_text);
	s->active = NULL;
	s->file_text = NULL;
}

void bi_result_release(struct bi_result *r)
{
	free(r->text);
	memset(r, 0, sizeof *r);
}

/* ---- results ---- */

static void result_buf(struct bi_result *out, struct jbuf *b, bool is_error)
{
	if (b->failed || !b->p) {
		free(b->p);
		b->p = strdup(b->failed ? "out of memory" : "");
		b->len = b->p ? strlen(b->p) : 0;
		is_error |= b->failed;
	}
	out->text = b->p;
	out->len = b->len;
	out->is_error = is_error;
}

static void result_fmt(struct bi_result *out, bool is_error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void result_fmt(struct bi_result *out, bool is_error, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	struct jbuf b = {0};
	jb_str(&b, msg);
	result_buf(out, &b, is_error);
}

/* ---- arguments ---- */

/* A string argument, or NULL with a message in err. */
static const char *arg_str(json_t *args, const char *name, char *err, size_t errn)
{
	json_t *v = json_object_get(args, name);
	if (!v || json_is_null(v)) {
		snprintf(err, errn, "missing required argument '%s'", name);
		return NULL;
	}
	if (!json_is_string(v)) {
		snprintf(err, errn, "argument '%s' must be a string", name);
		return NULL;
	}
	return json_string_value(v);
}

/* Unknown argument names are errors, as the schemas say (additionalProperties). */
static int args_only(json_t *args, const char *const *names, char *err, size_t errn)
{
	if (!json_is_object(args)) {
		snprintf(err, errn, "the arguments must be an object");
		return -1;
	}
	const char *k;
	json_t *v;
	json_object_foreach(args, k, v) {
		int known = 0;
		for (const char *const *n = names; *n; n++)
			known |= !strcmp(k, *n);
		if (!known) {
			snprintf(err, errn, "unknown argument '%.100s'", k);
			return -1;
		}
	}
	return 0;
}

const struct skc_skill *bi_find_skill(const struct skc_table *t, const char *name, char *err,
				      size_t errn)
{
	const struct skc_skill *s = tbl_skill(t, name);
	if (s)
		return s;
	const char *near = tbl_suggest(t, name);
	if (near && tbl_skill(t, near))
		snprintf(err, errn, "no skill named '%.100s'; did you mean '%s'?", name, near);
	else
		snprintf(err, errn, "no skill named '%.100s' (list_skills shows them)", name);
	return NULL;
}

/* ---- the builtins ---- */

static void list_skills(struct bi_state *st, json_t *args, struct bi_result *out)
{
	char err[256];
	static const char *const names[] = {NULL};
	if (args_only(args, names, err, sizeof err)) {
		result_fmt(out, true, "%s", err);
		return;
	}
	const struct skc_table *t = st->t;
	json_t *list = json_array();
	for (uint32_t i = 0; i < t->skill_count; i++) {
		const struct skc_skill *s = &t->skills[i];
		json_t *o = json_object(), *tools = json_array();
		json_object_set_new(o, "name", json_string(skc_str(t, s->name)));
		json_object_set_new(o, "description", json_string(skc_str(t, s->description)));
		if (st->show_active)
			json_object_set_new(o, "active", json_boolean(st->active[i]));
		for (uint32_t j = 0; j < s->tool_count; j++)
			json_array_append_new(
				tools, json_string(skc_str(t, t->tools[s->tool_first + j].wire_name)));
		json_object_set_new(o, "tools", tools);
		json_array_append_new(list, o);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "skills", list);
	char *text = json_dumps(doc, JSON_INDENT(1));
	json_decref(doc);
	struct jbuf b = {0};
	jb_str(&b, text ? text : "");
	b.failed |= !text;
	free(text);
	result_buf(out, &b, false);
}

static void activate(struct bi_state *st, json_t *args, bool on, struct bi_result *out)
{
	char err[512];
	static const char *const names[] = {"name", NULL};
	const struct skc_table *t = st->t;
	const char *name = args_only(args, names, err, sizeof err) ? NULL
			   : arg_str(args, "name", err, sizeof err);
	const struct skc_skill *s = name ? bi_find_skill(t, name, err, sizeof err) : NULL;
	if (!s) {
		result_fmt(out, true, "%s", err);
		return;
	}
	size_t i = (size_t)(s - t->skills);
	bool changed = st->active[i] != on;
	st->active[i] = on;
	out->skill = s;
	out->changed = changed ? (on ? 1 : -1) : 0;
	if (!on) {
		result_fmt(out, false, "skill '%s' is %s; its tools are no longer listed",
			   skc_str(t, s->name), changed ? "deactivated" : "not active");
		return;
	}
	/* The body is what the model needs; the tool names tell it what it can now call. */
	struct jbuf b = {0};
	jb_put(&b, skc_str(t, s->body), s->body.len);
	if (s->tool_count) {
		jb_str(&b, "\n\n---\nTools now available:");
		for (uint32_t j = 0; j < s->tool_count; j++) {
			jb_str(&b, j ? ", " : " ");
			jb_str(&b, skc_str(t, t->tools[s->tool_first + j].wire_name));
		}
		jb_str(&b, "\n");
	}
	result_buf(out, &b, false);
}

const struct skc_file *bi_find_file(const struct skc_table *t, const struct skc_skill *s,
				    const char *path, size_t n)
{
	/* Files are sorted by path within a skill. */
	uint32_t lo = 0, hi = s->file_count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct skc_file *f = &t->files[s->file_first + mid];
		size_t fl = f->path.len;
		int c = memcmp(skc_str(t, f->path), path, fl < n ? fl : n);
		if (!c)
			c = (fl > n) - (fl < n);
		if (!c)
			return f;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Text a client can show as is: UTF-8, no NUL, few control characters. */
static bool is_text(const unsigned char *s, size_t n)
{
	size_t ctl = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] == 0)
			return false;
		if (s[i] < 0x20 && s[i] != '\n' && s[i] != '\r' && s[i] != '\t' && s[i] != '\f')
			ctl++;
		size_t l = txt_utf8_len(s + i, n - i);
		if (!l)
			return false;
		i += l;
	}
	return ctl * 100 <= n;
}

bool bi_file_is_text(struct bi_state *s, const struct skc_file *f)
{
	size_t i = (size_t)(f - s->t->files);
	if (s->file_text[i] < 0)
		s->file_text[i] = is_text(s->t->data + f->data_off, (size_t)f->size);
	return s->file_text[i] == 1;
}

static void read_file(struct bi_state *st, json_t *args, struct bi_result *out)
{
	char err[512];
	static const char *const names[] = {"skill", "path", NULL};
	const struct skc_table *t = st->t;
	const char *skill = NULL, *path = NULL;
	if (args_only(args, names, err, sizeof err) ||
	    !(skill = arg_str(args, "skill", err, sizeof err)) ||
	    !(path = arg_str(args, "path", err, sizeof err))) {
		result_fmt(out, true, "%s", err);
		return;
	}
	const struct skc_skill *s = bi_find_skill(t, skill, err, sizeof err);
	if (!s) {
		result_fmt(out, true, "%s", err);
		return;
	}
	out->skill = s;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	const struct skc_file *f = bi_find_file(t, s, path, strlen(path));
	if (f && bi_file_is_text(st, f)) {
		struct jbuf b = {0};
		jb_put(&b, (const char *)t->data + f->data_off, (size_t)f->size);
		result_buf(out, &b, false);
		return;
	}
	if (f) {
		out->binary = f;
		return;
	}
	/* Name what is there, so the model can correct itself. */
	struct jbuf b = {0};
	char head[300];
	snprintf(head, sizeof head, "skill '%s' has no file '%.100s'; it has:", skc_str(t, s->name),
		 path);
	jb_str(&b, head);
	for (uint32_t i = 0; i < s->file_count && b.len < 4096; i++) {
		jb_str(&b, i ? ", " : " ");
		jb_str(&b, skc_str(t, t->files[s->file_first + i].path));
	}
	result_buf(out, &b, true);
}

void bi_call(struct bi_state *s, const struct bi_def *d, json_t *args, struct bi_result *out)
{
	memset(out, 0, sizeof *out);
	switch (d - bi_defs) {
	case 0: list_skills(s, args, out); break;
	case 1: activate(s, args, true, out); break;
	case 2: activate(s, args, false, out); break;
	case 3: read_file(s, args, out); break;
	default: result_fmt(out, true, "no builtin '%s'", d->name);
	}
}

const char *bi_mime_type(const char *path, bool text)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".md", "text/markdown"},	 {".markdown", "text/markdown"},
		{".txt", "text/plain"},		 {".log", "text/plain"},
		{".py", "text/x-python"},	 {".sh", "text/x-shellscript"},
		{".bash", "text/x-shellscript"}, {".js", "text/javascript"},
		{".mjs", "text/javascript"},	 {".cjs", "text/javascript"},
		{".ts", "text/x-typescript"},	 {".json", "application/json"},
		{".yaml", "application/yaml"},	 {".yml", "application/yaml"},
		{".toml", "application/toml"},	 {".csv", "text/csv"},
		{".tsv", "text/tab-separated-values"},
		{".html", "text/html"},		 {".htm", "text/html"},
		{".css", "text/css"},		 {".xml", "application/xml"},
		{".svg", "image/svg+xml"},	 {".png", "image/png"},
		{".jpg", "image/jpeg"},		 {".jpeg", "image/jpeg"},
		{".gif", "image/gif"},		 {".webp", "image/webp"},
		{".pdf", "application/pdf"},	 {".zip", "application/zip"},
		{".gz", "application/gzip"},	 {".wasm", "application/wasm"},
	};
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	if (dot)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (!strcasecmp(dot, types[i].ext))
				return types[i].type;
	return text ? "text/plain" : "application/octet-stream";
}

/* skill://<skill>/<path>, the path percent-encoded but for '/'. */
void bi_resource_uri(char *buf, size_t n, const char *skill, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = (size_t)snprintf(buf, n, "skill://%s/", skill);
	for (const unsigned char *p = (const unsigned char *)path; *p && k + 4 < n; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			buf[k++] = (char)*p;
		} else {
			buf[k++] = '%';
			buf[k++] = hex[*p >> 4];
			buf[k++] = hex[*p & 15];
		}
	}
	buf[k < n ? k : n - 1] = '\0';
}

const struct skc_file *bi_resource_file(const struct skc_table *t, const char *uri,
					const struct skc_skill **skill_out)
{
	const struct skc_skill *s = NULL;
	const struct skc_file *f = NULL;
	if (!strncmp(uri, "skill://", 8)) {
		const char *p = uri + 8, *slash = strchr(p, '/');
		char skill[128];
		if (slash && (size_t)(slash - p) < sizeof skill) {
			memcpy(skill, p, (size_t)(slash - p));
			skill[slash - p] = '\0';
			s = tbl_skill(t, skill);
		}
		size_t n = s ? strlen(slash + 1) : 0;
		char *path = s ? malloc(n + 1) : NULL;
		if (path) {
			size_t k = 0;
			bool ok = true;
			for (const char *q = slash + 1; *q; q++) {
				if (*q == '%') {
					int hi = txt_hexval(q[1]), lo = hi < 0 ? -1 : txt_hexval(q[2]);
					if (hi < 0 || lo < 0) {
						ok = false;
						break;
					}
					path[k++] = (char)(hi << 4 | lo);
					q += 2;
				} else {
					path[k++] = *q;
				}
			}
			if (ok)
				f = bi_find_file(t, s, path, k);
			free(path);
		}
	}
	*skill_out = f ? s : NULL;
	return f;
}
