/*
 * plugin.c - manifest.toml plugins and Skillz tool directories (plugin.h).
 *
 * Tool entries are manifest.c's: a [[tools]] table, a module's custom
 * section and a Skillz manifest are each read as one, so a field means the
 * same wherever it is written.
 */
#include "plugin.h"

#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "parse.h"
#include "perms.h"
#include "pipeline.h"
#include "toml.h"
#include "yml.h"

enum { PL_MAX_MODULES = 64 };

struct pl_plugin {
	const char *path;
	struct mf_manifest *tools; /* the [[tools]] entries */
	const struct yml_node *pipelines; /* the [[pipelines]] tables, for pp_add */
};

struct pl_ctx {
	struct arena *a;
	struct diag *d;
	const char *path;
	struct sk_skill *s;
};

static bool pl_key(const struct yml_node *k, const char *s)
{
	size_t n = strlen(s);
	return k->kind == YML_SCALAR && k->len == n && !memcmp(k->text, s, n);
}

static const char *pl_show(struct pl_ctx *cx, const struct yml_node *n)
{
	return n->kind == YML_SCALAR ? mf_show(cx->a, n->text, n->len) : yml_kind_name(n);
}

static const char *pl_str(struct pl_ctx *cx, const char *field, const struct yml_node *v)
{
	if (v->kind != YML_SCALAR || !v->quoted) {
		diag_error(cx->d, cx->path, v->line, v->col, "'%s' must be a string, not %s%s", field,
			   v->kind == YML_SCALAR ? "" : "a ",
			   v->kind == YML_SCALAR ? "a number or boolean" : yml_kind_name(v));
		return NULL;
	}
	if (memchr(v->text, '\0', v->len) || !v->len) {
		diag_error(cx->d, cx->path, v->line, v->col, "'%s' is empty or holds a NUL byte",
			   field);
		return NULL;
	}
	return v->text;
}

/* ------------------------------------------------------------ modules */

static const char *pl_strip_dot(const char *s)
{
	while (s[0] == '.' && s[1] == '/') {
		s += 2;
		while (*s == '/')
			s++;
	}
	return s;
}

static ptrdiff_t pl_file(const struct sk_skill *s, const char *path)
{
	for (size_t i = 0; i < s->n_files; i++)
		if (!strcmp(s->files[i].path, path))
			return (ptrdiff_t)i;
	return -1;
}

/* A wasm_path entry: relative, inside, a .wasm file of the plugin. */
static const char *pl_module_path(struct pl_ctx *cx, const struct yml_node *v)
{
	const char *p = pl_str(cx, "wasm_path", v);
	if (!p)
		return NULL;
	size_t n = strlen(p);
	if (p[0] == '/') {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "module path '%s' must be relative to the plugin directory", pl_show(cx, v));
		return NULL;
	}
	for (const char *c = p; *c;) {
		size_t k = strcspn(c, "/");
		if (k == 2 && c[0] == '.' && c[1] == '.') {
			diag_error(cx->d, cx->path, v->line, v->col,
				   "module path '%s' leaves the plugin directory", pl_show(cx, v));
			return NULL;
		}
		c += k;
		while (*c == '/')
			c++;
	}
	if (n < 5 || strcmp(p + n - 5, ".wasm")) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "module path '%s' does not end in '.wasm'", pl_show(cx, v));
		return NULL;
	}
	p = pl_strip_dot(p);
	if (pl_file(cx->s, p) < 0) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "module '%s' does not exist in the plugin directory", pl_show(cx, v));
		return NULL;
	}
	return p;
}

static const char *pl_stem(struct arena *a, const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	const char *dot = strrchr(b, '.');
	return arena_strndup(a, b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
}

struct pl_mod {
	const char *path;
	struct sk_loc loc;
};

static int pl_mod_cmp(const void *x, const void *y)
{
	return strcmp(((const struct pl_mod *)x)->path, ((const struct pl_mod *)y)->path);
}

/*
 * The modules, sorted by path, and a WASM tool for each. Their files leave
 * skill->files: a module is baked in as code, not extracted.
 */
static void pl_add_modules(struct pl_ctx *cx, struct pl_mod *mods, size_t n)
{
	struct sk_skill *s = cx->s;
	if (n > 1)
		qsort(mods, n, sizeof *mods, pl_mod_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !strcmp(mods[i].path, mods[i - 1].path)) {
			diag_error(cx->d, mods[i].loc.path, mods[i].loc.line, mods[i].loc.col,
				   "module '%s' is listed twice", mods[i].path);
			diag_note(cx->d, mods[i - 1].loc.path, mods[i - 1].loc.line,
				  mods[i - 1].loc.col, "first listed here");
			continue;
		}
		ptrdiff_t f = pl_file(s, mods[i].path);
		struct sk_module *m = &ARENA_PUSH(cx->a, s->modules, s->n_modules, s->cap_modules);
		m->path = mods[i].path;
		m->disk = f >= 0 ? s->files[f].disk : arena_printf(cx->a, "%s/%s", s->dir, mods[i].path);
		m->mem_max = UINT32_MAX;
		m->loc = mods[i].loc;
		if (f >= 0) {
			memmove(&s->files[f], &s->files[f + 1],
				(s->n_files - (size_t)f - 1) * sizeof s->files[0]);
			s->n_files--;
		}
		struct sk_tool *t = &ARENA_PUSH(cx->a, s->tools, s->n_tools, s->cap_tools);
		memset(t, 0, sizeof *t);
		t->name = pl_stem(cx->a, m->path);
		t->script = m->path;
		t->kind = SKC_KIND_WASM;
		t->module = s->n_modules - 1;
		t->lang = SK_LANG_NONE;
		t->args = SKC_ARGS_JSON;
		t->loc = m->loc;
		t->description_from = t->params_from = SK_FROM_FILENAME;
		t->args_from = SK_FROM_DEFAULT;
	}
}

static void pl_wasm_path(struct pl_ctx *cx, const struct yml_node *v, struct pl_mod *mods,
			 size_t *n)
{
	const struct yml_node *const *items = (const struct yml_node *const *)&v;
	size_t k = 1;
	if (v->kind == YML_SEQ) {
		items = (const struct yml_node *const *)v->items;
		k = v->n_items;
	}
	if (k > PL_MAX_MODULES) {
		diag_error(cx->d, cx->path, v->line, v->col, "too many modules (%zu); at most %d", k,
			   PL_MAX_MODULES);
		return;
	}
	for (size_t i = 0; i < k; i++) {
		const char *p = pl_module_path(cx, items[i]);
		if (p)
			mods[(*n)++] = (struct pl_mod){p, {cx->path, items[i]->line, items[i]->col}};
	}
}

/* ------------------------------------------------------- config_schema */

/* A setting's variable: the property name upper-cased, other bytes as '_'. */
static char *pl_env_name(struct arena *a, const struct yml_node *k)
{
	char *s = arena_strndup(a, k->text, k->len);
	for (char *c = s; *c; c++) {
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
		else if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			*c = '_';
	}
	return s;
}

static bool pl_declared(const struct sk_perms *p, const char *name)
{
	for (size_t i = 0; i < p->n_secrets; i++)
		if (!strcmp(p->secrets[i].name, name))
			return true;
	for (size_t i = 0; i < p->n_env; i++)
		if (!strcmp(p->env[i], name))
			return true;
	return false;
}

static void pl_config(struct pl_ctx *cx, const struct yml_node *v)
{
	struct sk_perms *p = &cx->s->perms;
	if (v->kind != YML_MAP) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'config_schema' must be a table (a JSON Schema), not a %s", yml_kind_name(v));
		return;
	}
	const struct yml_node *props = yml_get(v, "properties"), *req = yml_get(v, "required");
	if (req && req->kind != YML_SEQ) {
		diag_error(cx->d, cx->path, req->line, req->col,
			   "'required' must be a list of property names, not a %s", yml_kind_name(req));
		req = NULL;
	}
	if (!props)
		return;
	if (props->kind != YML_MAP) {
		diag_error(cx->d, cx->path, props->line, props->col,
			   "'properties' must be a table, not a %s", yml_kind_name(props));
		return;
	}
	size_t n = props->n_items / 2;
	if (n > PM_MAX_ITEMS) {
		diag_error(cx->d, cx->path, props->line, props->col,
			   "too many settings (%zu); at most %d", n, PM_MAX_ITEMS);
		return;
	}
	/* Room for these next to what [permissions] gave. */
	struct sk_secret *secrets = arena_alloc(cx->a, (p->n_secrets + n + 1) * sizeof *secrets);
	const char **env = arena_alloc(cx->a, (p->n_env + n + 1) * sizeof *env);
	if (p->n_secrets)
		memcpy(secrets, p->secrets, p->n_secrets * sizeof *secrets);
	if (p->n_env)
		memcpy(env, p->env, p->n_env * sizeof *env);
	p->secrets = secrets;
	p->env = env;
	for (size_t i = 0; i < n; i++) {
		const struct yml_node *k = props->items[2 * i], *pv = props->items[2 * i + 1];
		if (pv->kind != YML_MAP) {
			diag_error(cx->d, cx->path, pv->line, pv->col,
				   "setting '%s' must be a table (a JSON Schema), not a %s",
				   pl_show(cx, k), yml_kind_name(pv));
			continue;
		}
		bool secret = false, required = false;
		const struct yml_node *x = yml_get(pv, "x-secret");
		if (x && (x->quoted || yml_bool(x, &secret) != 0)) {
			diag_error(cx->d, cx->path, x->line, x->col,
				   "'x-secret' must be true or false, not '%s'", pl_show(cx, x));
			continue;
		}
		if ((x = yml_get(pv, "type")) &&
		    !(x->kind == YML_SCALAR && (pl_key(x, "string") || pl_key(x, "integer") ||
						pl_key(x, "number") || pl_key(x, "boolean")))) {
			diag_error(cx->d, cx->path, x->line, x->col,
				   "setting '%s' has type '%s'; an environment variable holds a "
				   "'string', 'integer', 'number' or 'boolean'",
				   pl_show(cx, k), pl_show(cx, x));
			continue;
		}
		for (size_t j = 0; req && j < req->n_items; j++)
			required |= req->items[j]->kind == YML_SCALAR && req->items[j]->len == k->len &&
				    !memcmp(req->items[j]->text, k->text, k->len);
		const char *name = pl_env_name(cx->a, k);
		if (!pm_secret_name_ok(name)) {
			diag_error(cx->d, cx->path, k->line, k->col,
				   "setting '%s' would be the variable '%s', which the runtime sets "
				   "itself or is not a variable name; rename it",
				   pl_show(cx, k), name);
			continue;
		}
		if (pl_declared(p, name)) {
			diag_error(cx->d, cx->path, k->line, k->col,
				   "setting '%s' is the variable '%s', which is already declared",
				   pl_show(cx, k), name);
			continue;
		}
		if (secret) {
			p->secrets[p->n_secrets++] = (struct sk_secret){
				name, required, {cx->path, k->line, k->col}};
			p->has_secrets = true;
		} else {
			p->env[p->n_env++] = name;
			p->has_env = true;
		}
	}
	for (size_t j = 0; req && j < req->n_items; j++) {
		const struct yml_node *r = req->items[j];
		if (r->kind != YML_SCALAR || !yml_get(props, arena_strndup(cx->a, r->text, r->len)))
			diag_error(cx->d, cx->path, r->line, r->col,
				   "'required' names '%s', which is not in 'properties'", pl_show(cx, r));
	}
}

/* ------------------------------------------------------------- parse */

static bool pl_name_ok(const char *s)
{
	size_t n = strlen(s);
	return n && n <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static void pl_capabilities(struct pl_ctx *cx, const struct yml_node *v)
{
	if (v->kind != YML_SEQ) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'capabilities' must be a list, not a %s", yml_kind_name(v));
		return;
	}
	for (size_t i = 0; i < v->n_items; i++) {
		const struct yml_node *c = v->items[i];
		if (!pl_key(c, "skill") && !pl_key(c, "tool"))
			diag_error(cx->d, cx->path, c->line, c->col,
				   "unknown capability '%s'; expected 'skill' or 'tool'", pl_show(cx, c));
	}
}

static void pl_skillz_dirs(struct pl_ctx *cx);

struct pl_plugin *pl_parse(struct arena *a, struct diag *d, struct sk_skill *s, const char *src,
			   size_t len)
{
	struct pl_ctx cx = {a, d, s->plugin_manifest, s};
	struct yml_node *root = toml_load(a, d, cx.path, src, len);
	if (!root) {
		s->name = NULL;
		return NULL;
	}
	struct pl_plugin *p = arena_alloc(a, sizeof *p);
	p->path = cx.path;
	const struct yml_node *name = NULL, *desc = NULL, *config = NULL;
	struct pl_mod mods[PL_MAX_MODULES];
	size_t n_mods = 0;
	for (size_t i = 0; i + 1 < root->n_items; i += 2) {
		const struct yml_node *k = root->items[i], *v = root->items[i + 1];
		if (pl_key(k, "name")) {
			name = v;
		} else if (pl_key(k, "description")) {
			desc = v;
		} else if (pl_key(k, "version")) {
			s->version = pl_str(&cx, "version", v);
		} else if (pl_key(k, "capabilities")) {
			pl_capabilities(&cx, v);
		} else if (pl_key(k, "wasm_path")) {
			pl_wasm_path(&cx, v, mods, &n_mods);
		} else if (pl_key(k, "permissions")) {
			pm_parse(a, d, cx.path, v, &s->perms);
		} else if (pl_key(k, "config_schema")) {
			config = v;
		} else if (pl_key(k, "tools")) {
			p->tools = mf_parse_entries(a, d, cx.path, v, MF_WASM);
		} else if (pl_key(k, "pipelines")) {
			p->pipelines = v;
		} else {
			diag_warning(d, cx.path, k->line, k->col, "unknown key '%s' in manifest.toml",
				     pl_show(&cx, k));
		}
	}
	if (config)
		pl_config(&cx, config);

	const char *nm = name ? pl_str(&cx, "name", name) : NULL;
	if (nm && !pl_name_ok(nm)) {
		diag_error(d, cx.path, name->line, name->col,
			   "plugin name '%s' must be 1 to 64 letters, digits, '_', '.' or '-'",
			   pl_show(&cx, name));
		nm = NULL;
	}
	if (s->skill_md) {
		/* SKILL.md named the skill already; the two must agree. */
		if (nm && s->name && strcmp(nm, s->name)) {
			diag_error(d, cx.path, name->line, name->col,
				   "plugin name '%s' differs from the name '%s' in SKILL.md", nm, s->name);
			diag_note(d, s->name_loc.path, s->name_loc.line, s->name_loc.col,
				  "SKILL.md names it here");
		}
	} else {
		const char *ds = desc ? pl_str(&cx, "description", desc) : NULL;
		if (!name)
			diag_error(d, cx.path, 1, 1, "manifest.toml has no 'name' (and there is no SKILL.md)");
		if (!desc)
			diag_error(d, cx.path, 1, 1,
				   "manifest.toml has no 'description' (and there is no SKILL.md)");
		s->name = nm && ds ? nm : NULL;
		s->description = ds;
		s->body = ds; /* what activating the skill returns */
		if (name)
			s->name_loc = (struct sk_loc){cx.path, name->line, name->col};
	}
	pl_add_modules(&cx, mods, n_mods);
	pl_skillz_dirs(&cx);
	return s->name ? p : NULL;
}

/* ------------------------------------------------------------- apply */

/* A copy of map with key = value (a string) added when it has no such key. */
static const struct yml_node *pl_with(struct arena *a, const struct yml_node *map, const char *key,
				      const char *value)
{
	if (yml_get(map, key))
		return map;
	struct yml_node *m = arena_alloc(a, sizeof *m);
	*m = *map;
	m->items = arena_alloc(a, (map->n_items + 2) * sizeof *m->items);
	if (map->n_items)
		memcpy(m->items, map->items, map->n_items * sizeof *m->items);
	struct yml_node *k = arena_alloc(a, sizeof *k), *v = arena_alloc(a, sizeof *v);
	*k = (struct yml_node){.kind = YML_SCALAR, .line = map->line, .col = map->col,
			       .text = key, .len = strlen(key)};
	*v = *k;
	v->text = value;
	v->len = strlen(value);
	v->quoted = true;
	m->items[m->n_items++] = k;
	m->items[m->n_items++] = v;
	return m;
}

void pl_apply_module_json(struct arena *a, struct diag *d, struct sk_skill *s, size_t module)
{
	const struct sk_module *m = &s->modules[module];
	if (!m->tool_json)
		return;
	const char *path = arena_printf(a, "%s(skillc.tool)", m->disk);
	struct yml_node *root = yml_load(a, d, path, m->tool_json, m->tool_json_len, 0);
	if (!root)
		return;
	if (root->kind != YML_MAP) {
		diag_error(d, path, root->line, root->col,
			   "the 'skillc.tool' section must hold a JSON object, not a %s",
			   yml_kind_name(root));
		return;
	}
	/* The section describes its own module, whatever it says. */
	const struct yml_node *e = pl_with(a, root, "wasm", m->path);
	if (yml_get(root, "wasm") != NULL) {
		const struct yml_node *w = yml_get(root, "wasm");
		diag_warning(d, path, w->line, w->col, "'wasm' in a module's own section is ignored");
		struct yml_node *c = arena_alloc(a, sizeof *c);
		*c = *root;
		c->n_items = 0;
		c->items = arena_alloc(a, root->n_items * sizeof *c->items);
		for (size_t i = 0; i + 1 < root->n_items; i += 2)
			if (!pl_key(root->items[i], "wasm")) {
				c->items[c->n_items++] = root->items[i];
				c->items[c->n_items++] = root->items[i + 1];
			}
		e = pl_with(a, c, "wasm", m->path);
	}
	struct mf_manifest *mf = mf_parse_entries(a, d, path, e, MF_WASM);
	mf_apply_from(a, d, mf, s, false, SK_FROM_SCRIPT);
}

void pl_apply(struct arena *a, struct diag *d, const struct pl_plugin *p, struct sk_skill *s)
{
	for (size_t i = 0; i < s->n_modules; i++)
		pl_apply_module_json(a, d, s, i);
	if (p && p->tools)
		mf_apply_from(a, d, p->tools, s, false, SK_FROM_MANIFEST);
	if (p && p->pipelines)
		pp_add(a, d, p->path, p->pipelines, s);
}

void pl_inherit(struct sk_skill *s)
{
	if (!s->plugin_manifest)
		return;
	for (size_t i = 0; i < s->n_tools; i++)
		pm_inherit(&s->tools[i].perms, &s->perms);
}

/* ------------------------------------------------------------ Skillz */

int pl_skillz(struct arena *a, struct diag *d, struct sk_skill *s, const char *path,
	      const char *dir, const char *src, size_t len)
{
	struct pl_ctx cx = {a, d, path, s};
	struct yml_node *root = yml_load(a, d, path, src, len, 0);
	if (!root)
		return -1;
	if (root->kind != YML_MAP) {
		diag_error(d, path, root->line, root->col,
			   "a Skillz manifest must be a JSON object, not a %s", yml_kind_name(root));
		return -1;
	}
	const struct yml_node *name = yml_get(root, "name"), *type = yml_get(root, "tool_type"),
			      *desc = yml_get(root, "description"), *ver = yml_get(root, "version");
	if (type && !pl_key(type, "wasm")) {
		diag_error(d, path, type->line, type->col,
			   "Skillz tool_type '%s' is not supported; only 'wasm' tools are",
			   pl_show(&cx, type));
		return -1;
	}
	const char *nm = name ? pl_str(&cx, "name", name) : NULL;
	if (!name)
		diag_error(d, path, root->line, root->col, "Skillz manifest has no 'name'");
	if (!nm)
		return -1;
	const char *rel = dir[0] ? arena_printf(a, "%s/%s.wasm", dir, nm)
				 : arena_printf(a, "%s.wasm", nm);
	if (pl_file(s, rel) < 0) {
		diag_error(d, path, name->line, name->col,
			   "Skillz tool '%s' has no module '%s' beside its manifest", nm, rel);
		return -1;
	}
	if (!s->name) {
		const char *ds = desc ? pl_str(&cx, "description", desc) : NULL;
		if (!desc)
			diag_error(d, path, root->line, root->col, "Skillz manifest has no 'description'");
		if (!ds || !pl_name_ok(nm))
			return -1;
		s->name = nm;
		s->description = s->body = ds;
		s->name_loc = (struct sk_loc){path, name->line, name->col};
		s->version = ver ? pl_str(&cx, "version", ver) : NULL;
	}
	struct pl_mod mod = {rel, {path, name->line, name->col}};
	size_t first = s->n_modules;
	pl_add_modules(&cx, &mod, 1);
	if (s->n_modules == first)
		return -1;
	/* Modules stay sorted by path. */
	for (size_t i = first; i > 0 && strcmp(s->modules[i - 1].path, s->modules[i].path) > 0; i--) {
		struct sk_module t = s->modules[i];
		s->modules[i] = s->modules[i - 1];
		s->modules[i - 1] = t;
		for (size_t j = 0; j < s->n_tools; j++) {
			if (s->tools[j].kind != SKC_KIND_WASM)
				continue;
			if (s->tools[j].module == i)
				s->tools[j].module = i - 1;
			else if (s->tools[j].module == i - 1)
				s->tools[j].module = i;
		}
	}
	s->tools[s->n_tools - 1].name = nm;
	/* The manifest as a tool entry: its fields are the entry's. */
	struct yml_node e = {.kind = YML_MAP, .line = root->line, .col = root->col};
	static const char *const keep[] = {"description", "input_schema", "output_schema",
					   "annotations"};
	e.items = arena_alloc(a, 2 * (sizeof keep / sizeof keep[0]) * sizeof *e.items);
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		const struct yml_node *v = yml_get(root, keep[i]);
		if (!v)
			continue;
		struct yml_node *k = arena_alloc(a, sizeof *k);
		*k = (struct yml_node){.kind = YML_SCALAR, .line = v->line, .col = v->col,
				       .text = keep[i], .len = strlen(keep[i])};
		e.items[e.n_items++] = k;
		e.items[e.n_items++] = (struct yml_node *)v;
	}
	struct mf_manifest *mf = mf_parse_entries(a, d, path, pl_with(a, &e, "wasm", rel), MF_WASM);
	mf_apply_from(a, d, mf, s, false, SK_FROM_MANIFEST);
	return 0;
}

/* Skillz tool directories one level inside a plugin: tools of the plugin. */
static void pl_skillz_dirs(struct pl_ctx *cx)
{
	struct sk_skill *s = cx->s;
	/* First the list: adding a module takes its file out of s->files. */
	const struct sk_file **found = arena_alloc(cx->a, (s->n_files + 1) * sizeof *found);
	size_t n = 0;
	for (size_t i = 0; i < s->n_files; i++) {
		const char *f = s->files[i].path, *slash = strchr(f, '/');
		if (slash && !strcmp(slash, "/manifest.json") && strncmp(f, "scripts/", 8))
			found[n++] = &s->files[i];
	}
	struct sk_file *copy = arena_alloc(cx->a, (n + 1) * sizeof *copy);
	for (size_t i = 0; i < n; i++)
		copy[i] = *found[i];
	for (size_t i = 0; i < n; i++) {
		char *src;
		size_t len;
		const char *f = copy[i].path;
		if (parse_read_file(cx->a, cx->d, copy[i].disk, &src, &len) == 0)
			pl_skillz(cx->a, cx->d, s, copy[i].disk,
				  arena_strndup(cx->a, f, (size_t)(strchr(f, '/') - f)), src, len);
	}
}
