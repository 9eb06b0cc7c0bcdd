#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../runtime/sha256.h"
#include "emit.h"
#include "parse.h"
#include "schema.h"
#include "wasmc.h"

/* The string pool: every string NUL-terminated, addressed by slices. */
struct pool {
	char *buf;
	size_t n, cap;
	int overflow;
};

static struct skc_slice pool_add(struct pool *p, const char *s, size_t len)
{
	struct skc_slice sl = {0, 0};
	if (!s)
		return sl;
	if (p->n + len + 1 > UINT32_MAX) {
		p->overflow = 1;
		return sl;
	}
	if (p->n + len + 1 > p->cap) {
		size_t cap = p->cap ? p->cap : 1 << 16;
		while (cap < p->n + len + 1)
			cap *= 2;
		char *b = realloc(p->buf, cap);
		if (!b) {
			fputs("skillc: out of memory\n", stderr);
			abort();
		}
		p->buf = b;
		p->cap = cap;
	}
	sl.off = (uint32_t)p->n;
	sl.len = (uint32_t)len;
	memcpy(p->buf + p->n, s, len);
	p->buf[p->n + len] = '\0';
	p->n += len + 1;
	return sl;
}

static struct skc_slice pool_str(struct pool *p, const char *s)
{
	return pool_add(p, s, s ? strlen(s) : 0);
}

static struct skc_slice pool_json(struct pool *p, json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	struct skc_slice sl = pool_str(p, text ? text : "null");
	free(text);
	json_decref(v);
	return sl;
}

/* Everything the table needs, laid out before any C is written. */
struct render_ctx {
	struct arena *a;
	struct diag *d;
	const struct sk_model *m;
	const struct render_opts *o;
	struct pool pool;
	size_t n_tools, n_params, n_enums, n_files, n_perm_strs, n_secrets, n_uses, n_steps;
	uint64_t files_size;
	/* per-item slices, in table order */
	struct skc_skill *skills;
	struct skc_tool *tools;
	struct skc_param *params;
	struct skc_slice *enums;
	struct skc_file *files;
	struct skc_slice *perm_strs;
	struct skc_secret *secrets;
	uint32_t *uses;
	struct skc_step *steps;
	const char **skill_ids, **tool_ids;
	const char **tool_wasm; /* c_name of each WASM tool's module; NULL: none */
	struct skc_slice agent_name, digest, list_json;
	struct skc_slice provider, model, base_url;
	uint64_t data_size;
};

static const char **render_sort_ids;

static int render_id_cmp(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = strcmp(render_sort_ids[i], render_sort_ids[j]);
	return c ? c : (i > j) - (i < j);
}

/*
 * c_ident() is not injective ("a-b" and "a_b" both give a_b): give the
 * later of colliding names a numeric suffix, checked again until unique.
 */
static void render_unique_ids(struct arena *a, const char **ids, size_t n)
{
	if (n < 2)
		return;
	size_t *ord = arena_alloc(a, n * sizeof *ord);
	for (int round = 0; round < 8; round++) {
		for (size_t i = 0; i < n; i++)
			ord[i] = i;
		render_sort_ids = ids;
		qsort(ord, n, sizeof *ord, render_id_cmp);
		int changed = 0;
		for (size_t i = 1; i < n; i++) {
			if (!strcmp(ids[ord[i]], ids[ord[i - 1]])) {
				ids[ord[i]] = arena_printf(a, "%s_%zu", ids[ord[i]], ord[i]);
				changed = 1;
			}
		}
		if (!changed)
			return;
	}
}

/* One tool's grants: its paths and hosts go to perm_strs, its secrets to secrets. */
static void render_perms(struct render_ctx *r, const struct sk_perms *pm, struct skc_perms *op,
			 size_t *qi, size_t *xi)
{
	struct pool *p = &r->pool;
	op->read_first = (uint32_t)*qi;
	op->read_count = (uint32_t)pm->n_read;
	for (size_t k = 0; k < pm->n_read; k++)
		r->perm_strs[(*qi)++] = pool_str(p, pm->read[k]);
	op->write_first = (uint32_t)*qi;
	op->write_count = (uint32_t)pm->n_write;
	for (size_t k = 0; k < pm->n_write; k++)
		r->perm_strs[(*qi)++] = pool_str(p, pm->write[k]);
	op->host_first = (uint32_t)*qi;
	op->host_count = (uint32_t)pm->n_hosts;
	for (size_t k = 0; k < pm->n_hosts; k++)
		r->perm_strs[(*qi)++] = pool_str(p, pm->hosts[k]);
	op->secret_first = (uint32_t)*xi;
	op->secret_count = (uint32_t)pm->n_secrets;
	for (size_t k = 0; k < pm->n_secrets; k++, (*xi)++) {
		r->secrets[*xi].name = pool_str(p, pm->secrets[k].name);
		r->secrets[*xi].required = pm->secrets[k].required;
	}
	op->memory = pm->memory;
	op->file_size = pm->file_size;
	op->processes = pm->processes;
	op->cpu_s = pm->cpu_s;
	op->network = pm->network;
	op->flags = (uint8_t)((pm->clock ? SKC_PERM_CLOCK : 0) | (pm->random ? SKC_PERM_RANDOM : 0));
	op->env_first = (uint32_t)*qi;
	op->env_count = (uint32_t)pm->n_env;
	for (size_t k = 0; k < pm->n_env; k++)
		r->perm_strs[(*qi)++] = pool_str(p, pm->env[k]);
}

/* A tool's index in the table: skills in order, each one's tools in order. */
static uint32_t render_tool_index(const struct sk_model *m, const struct sk_tool *t)
{
	size_t k = 0;
	for (size_t i = 0; i < m->n_skills; i++) {
		const struct sk_skill *s = &m->skills[i];
		if (t >= s->tools && t < s->tools + s->n_tools)
			return (uint32_t)(k + (size_t)(t - s->tools));
		k += s->n_tools;
	}
	return UINT32_MAX;
}

/* A pipeline step as validate settled it (pipeline.h). */
static void render_step(struct render_ctx *r, const struct sk_step *st, struct skc_step *os)
{
	os->name = pool_str(&r->pool, st->name);
	os->args = pool_str(&r->pool, st->args_json ? st->args_json : "{}");
	os->cond = st->cond_ref ? st->cond_op : SKC_COND_ALWAYS;
	os->cond_ref = pool_str(&r->pool, st->cond_ref);
	os->cond_value = pool_str(&r->pool, st->cond_value);
	os->tool = render_tool_index(r->m, st->resolved);
	os->flags = st->continue_on_error ? SKC_STEP_CONTINUE : 0;
}

static void render_layout(struct render_ctx *r)
{
	const struct sk_model *m = r->m;
	struct arena *a = r->a;
	for (size_t i = 0; i < m->n_skills; i++) {
		const struct sk_skill *s = &m->skills[i];
		r->n_tools += s->n_tools;
		r->n_files += s->n_files;
		for (size_t j = 0; j < s->n_uses; j++)
			r->n_uses += s->uses[j].resolved != NULL;
		for (size_t j = 0; j < s->n_tools; j++) {
			const struct sk_perms *pm = &s->tools[j].perms;
			r->n_steps += s->tools[j].n_steps;
			r->n_params += s->tools[j].n_params;
			for (size_t k = 0; k < s->tools[j].n_params; k++)
				r->n_enums += s->tools[j].params[k].n_enum;
			r->n_perm_strs += pm->n_read + pm->n_write + pm->n_hosts + pm->n_env;
			r->n_secrets += pm->n_secrets;
		}
	}
	r->skills = arena_alloc(a, (m->n_skills + 1) * sizeof *r->skills);
	r->tools = arena_alloc(a, (r->n_tools + 1) * sizeof *r->tools);
	r->params = arena_alloc(a, (r->n_params + 1) * sizeof *r->params);
	r->enums = arena_alloc(a, (r->n_enums + 1) * sizeof *r->enums);
	r->files = arena_alloc(a, (r->n_files + 1) * sizeof *r->files);
	r->perm_strs = arena_alloc(a, (r->n_perm_strs + 1) * sizeof *r->perm_strs);
	r->secrets = arena_alloc(a, (r->n_secrets + 1) * sizeof *r->secrets);
	r->skill_ids = arena_alloc(a, (m->n_skills + 1) * sizeof *r->skill_ids);
	r->tool_ids = arena_alloc(a, (r->n_tools + 1) * sizeof *r->tool_ids);
	r->tool_wasm = arena_alloc(a, (r->n_tools + 1) * sizeof *r->tool_wasm);
	r->uses = arena_alloc(a, (r->n_uses + 1) * sizeof *r->uses);
	r->steps = arena_alloc(a, (r->n_steps + 1) * sizeof *r->steps);

	struct pool *p = &r->pool;
	size_t ti = 0, pi = 0, ei = 0, fi = 0, qi = 0, xi = 0, ui = 0, si = 0;
	uint64_t off = 0;
	for (size_t i = 0; i < m->n_skills; i++) {
		const struct sk_skill *s = &m->skills[i];
		struct skc_skill *os = &r->skills[i];
		r->skill_ids[i] = c_ident(a, s->name);
		os->name = pool_str(p, s->name);
		os->description = pool_str(p, s->description);
		os->body = pool_str(p, s->body ? s->body : "");
		os->source = pool_str(p, s->source);
		os->license = pool_str(p, s->license);
		os->compatibility = pool_str(p, s->compatibility);
		os->allowed_tools = pool_str(p, s->allowed_tools);
		os->digest = pool_str(p, s->digest);
		os->tool_first = (uint32_t)ti;
		os->tool_count = (uint32_t)s->n_tools;
		os->file_first = (uint32_t)fi;
		os->file_count = (uint32_t)s->n_files;
		os->version = pool_str(p, s->version);
		os->use_first = (uint32_t)ui;
		for (size_t j = 0; j < s->n_uses; j++)
			if (s->uses[j].resolved)
				r->uses[ui++] = render_tool_index(m, s->uses[j].resolved);
		os->use_count = (uint32_t)ui - os->use_first;
		for (size_t j = 0; j < s->n_tools; j++, ti++) {
			const struct sk_tool *t = &s->tools[j];
			struct skc_tool *ot = &r->tools[ti];
			r->tool_ids[ti] = c_ident(a, t->wire_name);
			ot->name = pool_str(p, t->name);
			ot->wire_name = pool_str(p, t->wire_name);
			ot->description = pool_str(p, schema_tool_description(a, s, t));
			ot->script = pool_str(p, t->script);
			ot->interpreter = pool_str(p, t->interpreter);
			ot->schema = pool_json(p, schema_tool(t));
			ot->title = pool_str(p, schema_tool_title(a, t));
			ot->output_schema = pool_str(p, t->output_schema);
			ot->mcp_json = pool_json(p, schema_mcp_tool(a, s, t));
			ot->skill = (uint32_t)i;
			ot->param_first = (uint32_t)pi;
			ot->param_count = (uint32_t)t->n_params;
			ot->timeout_ms = t->timeout_ms;
			ot->output_cap = t->output_cap;
			ot->args = t->args;
			ot->kind = t->kind;
			if (t->kind == SKC_KIND_WASM && t->module < s->n_modules)
				r->tool_wasm[ti] = s->modules[t->module].c_name;
			render_perms(r, &t->perms, &ot->perms, &qi, &xi);
			ot->step_first = (uint32_t)si;
			ot->step_count = (uint32_t)t->n_steps;
			for (size_t k = 0; k < t->n_steps; k++)
				render_step(r, &t->steps[k], &r->steps[si++]);
			for (size_t k = 0; k < t->n_params; k++, pi++) {
				const struct sk_param *sp = &t->params[k];
				struct skc_param *op = &r->params[pi];
				op->name = pool_str(p, sp->name);
				op->description = pool_str(p, sp->description);
				op->flag = pool_str(p, sp->flag);
				op->default_json = pool_str(p, sp->default_json);
				op->enum_first = (uint32_t)ei;
				op->enum_count = (uint32_t)sp->n_enum;
				op->type = sp->type;
				op->item_type = sp->item_type;
				op->required = sp->required;
				op->pass = sp->pass;
				for (size_t q = 0; q < sp->n_enum; q++)
					r->enums[ei++] = pool_str(p, sp->enum_json[q]);
			}
		}
		for (size_t j = 0; j < s->n_files; j++, fi++) {
			const struct sk_file *f = &s->files[j];
			struct skc_file *of = &r->files[fi];
			of->path = pool_str(p, f->path);
			of->data_off = off; /* relative to the end of the pool for now */
			of->size = f->size;
			of->mode = f->mode;
			memcpy(of->sha256, f->sha256, sizeof of->sha256);
			off += f->size;
		}
	}
	render_unique_ids(r->a, r->skill_ids, m->n_skills);
	render_unique_ids(r->a, r->tool_ids, r->n_tools);
	r->agent_name = pool_str(p, m->agent_name);
	r->provider = pool_str(p, m->provider ? m->provider : "");
	r->model = pool_str(p, m->model ? m->model : "");
	r->base_url = pool_str(p, m->base_url ? m->base_url : "");
	json_t *list = schema_list(a, m);
	char *text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	char *line = arena_printf(a, "%s\n", text ? text : "{}");
	free(text);
	r->list_json = pool_str(p, line);

	/* The agent digest covers the whole pool, so any change to a name,
	 * schema, body or file (through the skill digests) changes it. */
	uint8_t dg[32];
	sha256_buf(p->buf, p->n, dg);
	char hex[65];
	sha256_hex(dg, hex);
	r->digest = pool_str(p, hex);
	memcpy((char *)m->digest, hex, sizeof hex);

	for (size_t k = 0; k < r->n_files; k++)
		r->files[k].data_off += p->n;
	r->files_size = off;
	r->data_size = p->n + off + strlen(RENDER_TRAILER);
}

/* ---- writing files: beside the target, renamed on success ---- */

struct render_out {
	char *path, *tmp;
	FILE *f;
};

static int render_open(struct render_ctx *r, struct render_out *out, const char *path)
{
	out->path = arena_strdup(r->a, path);
	out->tmp = arena_printf(r->a, "%s+", path);
	out->f = fopen(out->tmp, "wb");
	if (!out->f) {
		diag_error(r->d, out->tmp, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int render_close(struct render_ctx *r, struct render_out *out, int ok)
{
	if (!out->f)
		return -1;
	int bad = ferror(out->f);
	if (fclose(out->f) != 0)
		bad = 1;
	out->f = NULL;
	if (ok && bad)
		diag_error(r->d, out->tmp, 0, 0, "write failed: %s", strerror(errno));
	if (!ok || bad) {
		unlink(out->tmp);
		return -1;
	}
	return 0;
}

static int render_commit(struct render_ctx *r, struct render_out *out)
{
	if (rename(out->tmp, out->path) != 0) {
		diag_error(r->d, out->path, 0, 0, "cannot rename into place: %s", strerror(errno));
		unlink(out->tmp);
		return -1;
	}
	return 0;
}

/* Copy each embedded file into the blob, checking it did not change since discovery. */
static int render_data(struct render_ctx *r, FILE *f)
{
	if (fwrite(r->pool.buf, 1, r->pool.n, f) != r->pool.n)
		return -1;
	static char buf[1 << 16];
	for (size_t i = 0; i < r->m->n_skills; i++) {
		const struct sk_skill *s = &r->m->skills[i];
		for (size_t j = 0; j < s->n_files; j++) {
			const struct sk_file *sf = &s->files[j];
			FILE *in = fopen(sf->disk, "rb");
			if (!in) {
				diag_error(r->d, sf->disk, 0, 0, "cannot read: %s", strerror(errno));
				return -1;
			}
			struct sha256 h;
			uint8_t dg[32];
			uint64_t total = 0;
			size_t n;
			sha256_init(&h);
			while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
				sha256_update(&h, buf, n);
				total += n;
				if (fwrite(buf, 1, n, f) != n) {
					fclose(in);
					return -1;
				}
			}
			fclose(in);
			sha256_final(&h, dg);
			if (total != sf->size || memcmp(dg, sf->sha256, sizeof dg) != 0) {
				diag_error(r->d, sf->disk, 0, 0, "file changed while skillc was reading it");
				return -1;
			}
		}
	}
	return fputs(RENDER_TRAILER, f) < 0 ? -1 : 0;
}

/* ---- the table: templates/table.c with its slots filled ---- */

static void render_slice(struct emit *e, const char *field, struct skc_slice s)
{
	emit(e, ".%s = {%u, %u},", field, (unsigned)s.off, (unsigned)s.len);
}

static void slot_abi(struct render_ctx *r, struct emit *e)
{
	(void)r;
	emit(e, "#define SKC_GEN_ABI_VERSION %d", SKC_ABI_VERSION);
}

static void slot_counts(struct render_ctx *r, struct emit *e)
{
	emit(e, "#define SKC_SKILL_COUNT %zu", r->m->n_skills);
	emit(e, "#define SKC_TOOL_COUNT %zu", r->n_tools);
	emit(e, "#define SKC_PARAM_COUNT %zu", r->n_params);
	emit(e, "#define SKC_ENUM_COUNT %zu", r->n_enums);
	emit(e, "#define SKC_FILE_COUNT %zu", r->n_files);
	emit(e, "#define SKC_PERM_STR_COUNT %zu", r->n_perm_strs);
	emit(e, "#define SKC_SECRET_COUNT %zu", r->n_secrets);
	emit(e, "#define SKC_USE_COUNT %zu", r->n_uses);
	emit(e, "#define SKC_STEP_COUNT %zu", r->n_steps);
	emit(e, "#define SKC_DATA_SIZE %lluu", (unsigned long long)r->data_size);
}

static void slot_ids(struct render_ctx *r, struct emit *e)
{
	emit(e, "enum skc_skill_id {");
	emit_indent(e);
	for (size_t i = 0; i < r->m->n_skills; i++)
		emit(e, "SKC_SKILL_%s = %zu,", r->skill_ids[i], i);
	emit(e, "SKC_SKILL_END_ = %zu", r->m->n_skills);
	emit_dedent(e);
	emit(e, "};");
	emit(e, "enum skc_tool_id {");
	emit_indent(e);
	for (size_t i = 0; i < r->n_tools; i++)
		emit(e, "SKC_TOOL_%s = %zu,", r->tool_ids[i], i);
	emit(e, "SKC_TOOL_END_ = %zu", r->n_tools);
	emit_dedent(e);
	emit(e, "};");
}

static void slot_skills(struct render_ctx *r, struct emit *e)
{
	if (!r->m->n_skills)
		emit(e, "{.tool_first = 0},");
	for (size_t i = 0; i < r->m->n_skills; i++) {
		const struct skc_skill *s = &r->skills[i];
		emit(e, "[SKC_SKILL_%s] = {", r->skill_ids[i]);
		emit_indent(e);
		render_slice(e, "name", s->name);
		render_slice(e, "description", s->description);
		render_slice(e, "body", s->body);
		render_slice(e, "source", s->source);
		render_slice(e, "license", s->license);
		render_slice(e, "compatibility", s->compatibility);
		render_slice(e, "allowed_tools", s->allowed_tools);
		render_slice(e, "digest", s->digest);
		emit(e, ".tool_first = %u,", (unsigned)s->tool_first);
		emit(e, ".tool_count = %u,", (unsigned)s->tool_count);
		emit(e, ".file_first = %u,", (unsigned)s->file_first);
		emit(e, ".file_count = %u,", (unsigned)s->file_count);
		emit(e, ".use_first = %u,", (unsigned)s->use_first);
		emit(e, ".use_count = %u,", (unsigned)s->use_count);
		render_slice(e, "version", s->version);
		emit_dedent(e);
		emit(e, "},");
	}
}

static void slot_tools(struct render_ctx *r, struct emit *e)
{
	static const char *const args[] = {"SKC_ARGS_FLAGS", "SKC_ARGS_ARGV", "SKC_ARGS_JSON",
					   "SKC_ARGS_SKILLZ"};
	static const char *const net[] = {"SKC_NET_NONE", "SKC_NET_HOSTS", "SKC_NET_ALL"};
	if (!r->n_tools)
		emit(e, "{.skill = 0},");
	for (size_t i = 0; i < r->n_tools; i++) {
		const struct skc_tool *t = &r->tools[i];
		emit(e, "[SKC_TOOL_%s] = {", r->tool_ids[i]);
		emit_indent(e);
		render_slice(e, "name", t->name);
		render_slice(e, "wire_name", t->wire_name);
		render_slice(e, "description", t->description);
		render_slice(e, "script", t->script);
		render_slice(e, "interpreter", t->interpreter);
		render_slice(e, "schema", t->schema);
		render_slice(e, "title", t->title);
		render_slice(e, "output_schema", t->output_schema);
		render_slice(e, "mcp_json", t->mcp_json);
		emit(e, ".skill = SKC_SKILL_%s,", r->skill_ids[t->skill]);
		emit(e, ".param_first = %u,", (unsigned)t->param_first);
		emit(e, ".param_count = %u,", (unsigned)t->param_count);
		emit(e, ".timeout_ms = %u,", (unsigned)t->timeout_ms);
		emit(e, ".output_cap = %u,", (unsigned)t->output_cap);
		emit(e, ".args = %s,", args[t->args]);
		emit(e, ".kind = %s,", t->kind == SKC_KIND_WASM	      ? "SKC_KIND_WASM"
				       : t->kind == SKC_KIND_PIPELINE ? "SKC_KIND_PIPELINE"
								      : "SKC_KIND_SCRIPT");
		if (t->step_count)
			emit(e, ".step_first = %u, .step_count = %u,", (unsigned)t->step_first,
			     (unsigned)t->step_count);
		if (r->tool_wasm[i])
			emit(e, ".wasm = &skc_wasm_%s,", r->tool_wasm[i]);
		const struct skc_perms *pm = &t->perms;
		emit(e, ".perms = {");
		emit_indent(e);
		emit(e, ".read_first = %u, .read_count = %u,", (unsigned)pm->read_first,
		     (unsigned)pm->read_count);
		emit(e, ".write_first = %u, .write_count = %u,", (unsigned)pm->write_first,
		     (unsigned)pm->write_count);
		emit(e, ".host_first = %u, .host_count = %u,", (unsigned)pm->host_first,
		     (unsigned)pm->host_count);
		emit(e, ".secret_first = %u, .secret_count = %u,", (unsigned)pm->secret_first,
		     (unsigned)pm->secret_count);
		emit(e, ".memory = %lluu,", (unsigned long long)pm->memory);
		emit(e, ".file_size = %lluu,", (unsigned long long)pm->file_size);
		emit(e, ".processes = %u,", (unsigned)pm->processes);
		emit(e, ".cpu_s = %u,", (unsigned)pm->cpu_s);
		emit(e, ".network = %s,", net[pm->network]);
		emit(e, ".flags = %u,", (unsigned)pm->flags);
		emit(e, ".env_first = %u, .env_count = %u,", (unsigned)pm->env_first,
		     (unsigned)pm->env_count);
		emit_dedent(e);
		emit(e, "},");
		emit_dedent(e);
		emit(e, "},");
	}
}

static void slot_params(struct render_ctx *r, struct emit *e)
{
	static const char *const types[] = {"SKC_T_STRING", "SKC_T_INTEGER", "SKC_T_NUMBER",
					    "SKC_T_BOOLEAN", "SKC_T_ARRAY"};
	static const char *const pass[] = {"SKC_PASS_VALUE", "SKC_PASS_SWITCH", "SKC_PASS_REPEAT",
					   "SKC_PASS_NARGS"};
	if (!r->n_params)
		emit(e, "{{0, 0}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0, 0, 0, 0},");
	for (size_t i = 0; i < r->n_params; i++) {
		const struct skc_param *p = &r->params[i];
		emit(e, "[%zu] = {", i);
		emit_indent(e);
		render_slice(e, "name", p->name);
		render_slice(e, "description", p->description);
		render_slice(e, "flag", p->flag);
		render_slice(e, "default_json", p->default_json);
		emit(e, ".enum_first = %u,", (unsigned)p->enum_first);
		emit(e, ".enum_count = %u,", (unsigned)p->enum_count);
		emit(e, ".type = %s,", types[p->type]);
		emit(e, ".item_type = %s,", types[p->item_type]);
		emit(e, ".required = %u,", (unsigned)p->required);
		emit(e, ".pass = %s,", pass[p->pass]);
		emit_dedent(e);
		emit(e, "},");
	}
}

static void slot_enums(struct render_ctx *r, struct emit *e)
{
	if (!r->n_enums)
		emit(e, "{0, 0},");
	for (size_t i = 0; i < r->n_enums; i++)
		emit(e, "[%zu] = {%u, %u},", i, (unsigned)r->enums[i].off, (unsigned)r->enums[i].len);
}

static void slot_files(struct render_ctx *r, struct emit *e)
{
	if (!r->n_files)
		emit(e, "{{0, 0}, 0, 0, {0}, 0},");
	for (size_t i = 0; i < r->n_files; i++) {
		const struct skc_file *f = &r->files[i];
		char hex[65];
		sha256_hex(f->sha256, hex);
		emit(e, "[%zu] = { /* sha256 %s */", i, hex);
		emit_indent(e);
		render_slice(e, "path", f->path);
		emit(e, ".data_off = %lluu,", (unsigned long long)f->data_off);
		emit(e, ".size = %lluu,", (unsigned long long)f->size);
		char bytes[32 * 6 + 1], *p = bytes;
		for (int k = 0; k < 32; k++)
			p += sprintf(p, "%s0x%02x", k ? ", " : "", f->sha256[k]);
		emit(e, ".sha256 = {%s},", bytes);
		emit(e, ".mode = 0%o,", (unsigned)f->mode);
		emit_dedent(e);
		emit(e, "},");
	}
}

static void slot_perm_strs(struct render_ctx *r, struct emit *e)
{
	if (!r->n_perm_strs)
		emit(e, "{0, 0},");
	for (size_t i = 0; i < r->n_perm_strs; i++)
		emit(e, "[%zu] = {%u, %u},", i, (unsigned)r->perm_strs[i].off,
		     (unsigned)r->perm_strs[i].len);
}

static void slot_secrets(struct render_ctx *r, struct emit *e)
{
	if (!r->n_secrets)
		emit(e, "{{0, 0}, 0},");
	for (size_t i = 0; i < r->n_secrets; i++)
		emit(e, "[%zu] = {{%u, %u}, %u},", i, (unsigned)r->secrets[i].name.off,
		     (unsigned)r->secrets[i].name.len, (unsigned)r->secrets[i].required);
}

static void slot_uses(struct render_ctx *r, struct emit *e)
{
	if (!r->n_uses)
		emit(e, "0,");
	for (size_t i = 0; i < r->n_uses; i++)
		emit(e, "[%zu] = %u,", i, (unsigned)r->uses[i]);
}

static void slot_steps(struct render_ctx *r, struct emit *e)
{
	static const char *const conds[] = {"SKC_COND_ALWAYS", "SKC_COND_TRUTHY", "SKC_COND_FALSY",
					    "SKC_COND_EQ", "SKC_COND_NE"};
	if (!r->n_steps)
		emit(e, "{{0, 0}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0},");
	for (size_t i = 0; i < r->n_steps; i++) {
		const struct skc_step *s = &r->steps[i];
		emit(e, "[%zu] = {", i);
		emit_indent(e);
		render_slice(e, "name", s->name);
		render_slice(e, "args", s->args);
		render_slice(e, "cond_ref", s->cond_ref);
		render_slice(e, "cond_value", s->cond_value);
		emit(e, ".tool = SKC_TOOL_%s,", r->tool_ids[s->tool]);
		emit(e, ".cond = %s,", conds[s->cond]);
		emit(e, ".flags = %u,", (unsigned)s->flags);
		emit_dedent(e);
		emit(e, "},");
	}
}

/* The modules wasm2c compiled, each defined in its own wasm/<name>.c. */
static void slot_wasm(struct render_ctx *r, struct emit *e)
{
	const struct sk_model *m = r->m;
	for (size_t i = 0; i < m->n_skills; i++)
		for (size_t j = 0; j < m->skills[i].n_modules; j++) {
			const struct sk_module *mod = &m->skills[i].modules[j];
			bool first = true;
			for (size_t i2 = 0; i2 <= i && first; i2++)
				for (size_t j2 = 0; j2 < m->skills[i2].n_modules && first; j2++) {
					if (i2 == i && j2 == j)
						break;
					first = strcmp(m->skills[i2].modules[j2].c_name, mod->c_name) != 0;
				}
			if (first)
				emit(e, "extern const struct skc_wasm skc_wasm_%s; /* %s */", mod->c_name,
				     c_comment_text(r->a, mod->path, 100));
		}
}

static void slot_meta(struct render_ctx *r, struct emit *e)
{
	render_slice(e, "agent_name", r->agent_name);
	render_slice(e, "digest", r->digest);
	render_slice(e, "list_json", r->list_json);
	render_slice(e, "default_provider", r->provider);
	render_slice(e, "default_model", r->model);
	render_slice(e, "default_base_url", r->base_url);
}

static const struct {
	const char *name;
	void (*fill)(struct render_ctx *, struct emit *);
	int indent; /* inside an initializer */
} render_slots[] = {
	{"abi", slot_abi, 0},       {"counts", slot_counts, 0}, {"ids", slot_ids, 0},
	{"skills", slot_skills, 1}, {"tools", slot_tools, 1},   {"params", slot_params, 1},
	{"enums", slot_enums, 1},   {"files", slot_files, 1},   {"perm_strs", slot_perm_strs, 1},
	{"secrets", slot_secrets, 1}, {"meta", slot_meta, 1},     {"uses", slot_uses, 1},
	{"wasm", slot_wasm, 0},     {"steps", slot_steps, 1},
};

/*
 * Copy the template, replacing what stands between each
 * `/ * ==== SLOT name ==== * /` line and its `/ * ==== END name ==== * /`
 * line. Every slot must appear exactly once.
 */
static int render_template(struct render_ctx *r, const char *tpath, struct emit *e)
{
	char *src;
	size_t len;
	if (parse_read_file(r->a, r->d, tpath, &src, &len) != 0)
		return -1;
	int seen[sizeof render_slots / sizeof render_slots[0]] = {0};
	const char *p = src, *end = src + len;
	unsigned line = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl + 1 : end;
		char name[64];
		if (sscanf(p, "/* ==== SLOT %63s ==== */", name) == 1) {
			size_t k;
			for (k = 0; k < sizeof render_slots / sizeof render_slots[0]; k++)
				if (!strcmp(render_slots[k].name, name))
					break;
			if (k == sizeof render_slots / sizeof render_slots[0] || seen[k]) {
				diag_error(r->d, tpath, line, 1, "unknown or repeated slot '%s'", name);
				return -1;
			}
			seen[k] = 1;
			emit_raw(e, p, (size_t)(eol - p));
			e->indent = render_slots[k].indent;
			render_slots[k].fill(r, e);
			e->indent = 0;
			char want[96];
			snprintf(want, sizeof want, "/* ==== END %s ==== */", name);
			const char *q = eol;
			unsigned start = line;
			while (q < end && strncmp(q, want, strlen(want)) != 0) {
				const char *n2 = memchr(q, '\n', (size_t)(end - q));
				q = n2 ? n2 + 1 : end;
				line++;
			}
			if (q >= end) {
				diag_error(r->d, tpath, start, 1, "slot '%s' has no END line", name);
				return -1;
			}
			p = q;
			line++;
			continue;
		}
		emit_raw(e, p, (size_t)(eol - p));
		p = eol;
		line++;
	}
	for (size_t k = 0; k < sizeof render_slots / sizeof render_slots[0]; k++) {
		if (!seen[k]) {
			diag_error(r->d, tpath, 0, 0, "template has no slot '%s'", render_slots[k].name);
			return -1;
		}
	}
	return 0;
}

/* Make's syntax: spaces, '#', '$' and ':' escaped; newlines cannot be written. */
static int render_make_path(FILE *f, const char *s)
{
	if (strchr(s, '\n'))
		return 0;
	for (; *s; s++) {
		if (*s == '$')
			fputc('$', f);
		else if (*s == ' ' || *s == '#' || *s == ':' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	return 1;
}

static int render_deps(struct render_ctx *r, const char *target)
{
	struct render_out out;
	if (render_open(r, &out, r->o->deps_file) != 0)
		return -1;
	FILE *f = out.f;
	render_make_path(f, target);
	fputc(':', f);
	for (size_t i = 0; i < r->m->n_deps; i++) {
		fputs(" \\\n ", f);
		render_make_path(f, r->m->deps[i]);
	}
	fputc('\n', f);
	/* Phony targets, as -MP writes, so a deleted input doesn't break make. */
	for (size_t i = 0; i < r->m->n_deps; i++) {
		fputc('\n', f);
		if (render_make_path(f, r->m->deps[i]))
			fputs(":\n", f);
	}
	if (render_close(r, &out, 1) != 0)
		return -1;
	return render_commit(r, &out);
}

static int render_mkdirs(struct render_ctx *r, const char *dir)
{
	char *p = arena_strdup(r->a, dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			break;
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST) {
		diag_error(r->d, dir, 0, 0, "cannot create directory: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int render_agent(struct arena *a, struct diag *d, const struct sk_model *m,
		 const struct render_opts *o)
{
	struct render_ctx r = {.a = a, .d = d, .m = m, .o = o};
	int rc = -1;
	render_layout(&r);
	if (r.pool.overflow || r.data_size > (uint64_t)1 << 40) {
		diag_error(d, NULL, 0, 0, "the skill set is too large to embed");
		goto out;
	}
	if (render_mkdirs(&r, o->out_dir) != 0)
		goto out;

	struct render_out data, asmf, table;
	if (render_open(&r, &data, arena_printf(a, "%s/data.bin", o->out_dir)) != 0)
		goto out;
	if (render_close(&r, &data, render_data(&r, data.f) == 0) != 0) {
		if (!diag_failed(d))
			diag_error(d, data.tmp, 0, 0, "write failed: %s", strerror(errno));
		goto out;
	}

	if (render_open(&r, &asmf, arena_printf(a, "%s/data.S", o->out_dir)) != 0) {
		unlink(data.tmp);
		goto out;
	}
	struct emit e;
	emit_init(&e, asmf.f);
	emit(&e, "/* Generated by skillc from %s; do not edit. */",
	     c_comment_text(a, o->sources, 200));
	char *asm_src;
	size_t asm_len;
	int ok = parse_read_file(a, d, arena_printf(a, "%s/data.S", o->template_dir), &asm_src,
				 &asm_len) == 0;
	if (ok)
		emit_raw(&e, asm_src, asm_len);
	if (render_close(&r, &asmf, ok && !e.error) != 0) {
		unlink(data.tmp);
		goto out;
	}

	if (render_open(&r, &table, arena_printf(a, "%s/table.c", o->out_dir)) != 0) {
		unlink(data.tmp);
		unlink(asmf.tmp);
		goto out;
	}
	emit_init(&e, table.f);
	emit(&e, "/* Generated by skillc from %s; do not edit. */",
	     c_comment_text(a, o->sources, 200));
	ok = render_template(&r, arena_printf(a, "%s/table.c", o->template_dir), &e) == 0;
	if (render_close(&r, &table, ok && !e.error) != 0) {
		unlink(data.tmp);
		unlink(asmf.tmp);
		goto out;
	}

	if (wc_translate(a, d, m, o->out_dir) != 0) {
		unlink(data.tmp);
		unlink(asmf.tmp);
		unlink(table.tmp);
		goto out;
	}
	if (render_commit(&r, &data) != 0 || render_commit(&r, &asmf) != 0)
		goto out;
	if (o->deps_file && render_deps(&r, table.path) != 0)
		goto out;
	if (render_commit(&r, &table) != 0)
		goto out;
	rc = 0;
out:
	free(r.pool.buf);
	return rc;
}
