#include "schema.h"

#include <stdbool.h>
#include <string.h>

#include "arena.h"

static const char *const schema_types[] = {"string", "integer", "number", "boolean", "array"};
static const char *const schema_args[] = {"flags", "argv", "json", "skillz"};
static const char *const schema_pass[] = {"value", "switch", "repeat", "nargs"};

json_t *schema_json_value(const char *text)
{
	json_error_t je;
	return json_loads(text, JSON_DECODE_ANY, &je);
}

json_t *schema_tool(const struct sk_tool *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("object"));
	if (t->n_params) {
		json_t *props = json_object(), *req = json_array();
		for (size_t i = 0; i < t->n_params; i++) {
			const struct sk_param *p = &t->params[i];
			json_t *ps = json_object();
			json_object_set_new(ps, "type", json_string(schema_types[p->type]));
			if (p->type == SKC_T_ARRAY) {
				json_t *items = json_object();
				json_object_set_new(items, "type", json_string(schema_types[p->item_type]));
				json_object_set_new(ps, "items", items);
			}
			if (p->description)
				json_object_set_new(ps, "description", json_string(p->description));
			if (p->n_enum) {
				json_t *en = json_array();
				for (size_t k = 0; k < p->n_enum; k++) {
					json_t *v = schema_json_value(p->enum_json[k]);
					if (v)
						json_array_append_new(en, v);
				}
				/* Enums of array parameters constrain the items. */
				json_object_set_new(p->type == SKC_T_ARRAY ? json_object_get(ps, "items") : ps,
						    "enum", en);
			}
			if (p->default_json) {
				json_t *v = schema_json_value(p->default_json);
				if (v && !json_is_null(v))
					json_object_set_new(ps, "default", v);
				else
					json_decref(v);
			}
			json_object_set_new(props, p->name, ps);
			if (p->required)
				json_array_append_new(req, json_string(p->name));
		}
		json_object_set_new(o, "properties", props);
		if (json_array_size(req))
			json_object_set_new(o, "required", req);
		else
			json_decref(req);
	}
	json_object_set_new(o, "additionalProperties", json_false());
	return o;
}

const char *schema_tool_description(struct arena *a, const struct sk_skill *s,
				    const struct sk_tool *t)
{
	if (t->description && t->description[0])
		return t->description;
	return arena_printf(a, "Run %s of the %s skill.", t->script, s->name);
}

const char *schema_tool_title(struct arena *a, const struct sk_tool *t)
{
	if (t->title && t->title[0])
		return t->title;
	const char *name = t->name ? t->name : "";
	char *out = arena_alloc(a, strlen(name) + 1), *w = out;
	for (const char *p = name; *p; p++) {
		bool gap = *p == '_' || *p == '-';
		if (!gap)
			*w++ = *p;
		else if (w > out && w[-1] != ' ')
			*w++ = ' ';
	}
	if (w > out && w[-1] == ' ')
		w--;
	*w = '\0';
	if (!*out)
		return name[0] ? name : "Tool";
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	return out;
}

/* Declared JSON text, parsed back; NULL when absent (or, never expected, not JSON). */
static json_t *schema_declared(const char *text)
{
	return text ? schema_json_value(text) : NULL;
}

json_t *schema_mcp_tool(struct arena *a, const struct sk_skill *s, const struct sk_tool *t)
{
	json_t *o = json_object(), *v;
	json_object_set_new(o, "name", json_string(t->wire_name));
	json_object_set_new(o, "title", json_string(schema_tool_title(a, t)));
	json_object_set_new(o, "description", json_string(schema_tool_description(a, s, t)));
	json_object_set_new(o, "inputSchema", schema_tool(t));
	if ((v = schema_declared(t->output_schema)))
		json_object_set_new(o, "outputSchema", v);
	if ((v = schema_declared(t->annotations)))
		json_object_set_new(o, "annotations", v);
	return o;
}

json_t *schema_list(struct arena *a, const struct sk_model *m)
{
	json_t *doc = json_object(), *skills = json_array();
	json_object_set_new(doc, "agent", json_string(m->agent_name));
	for (size_t i = 0; i < m->n_skills; i++) {
		const struct sk_skill *s = &m->skills[i];
		json_t *js = json_object(), *tools = json_array();
		json_object_set_new(js, "name", json_string(s->name));
		json_object_set_new(js, "description", json_string(s->description));
		for (size_t j = 0; j < s->n_tools; j++) {
			const struct sk_tool *t = &s->tools[j];
			json_t *jt = json_object();
			json_object_set_new(jt, "name", json_string(t->wire_name));
			json_object_set_new(jt, "description",
					    json_string(schema_tool_description(a, s, t)));
			json_array_append_new(tools, jt);
		}
		json_object_set_new(js, "tools", tools);
		json_array_append_new(skills, js);
	}
	json_object_set_new(doc, "skills", skills);
	return doc;
}

static json_t *schema_strs(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* What the manifest grants, as written (the runtime adds its defaults); NULL: nothing. */
static json_t *schema_perms(const struct sk_perms *p)
{
	static const char *const net[] = {"none", "hosts", "all"};
	if (!p->has_read && !p->has_write && !p->has_network && !p->has_secrets &&
	    !p->has_memory && !p->has_file_size && !p->has_processes && !p->has_cpu &&
	    !p->has_env && !p->has_clock && !p->has_random)
		return NULL;
	json_t *o = json_object();
	if (p->has_read)
		json_object_set_new(o, "read", schema_strs(p->read, p->n_read));
	if (p->has_write)
		json_object_set_new(o, "write", schema_strs(p->write, p->n_write));
	json_object_set_new(o, "network", json_string(net[p->network]));
	if (p->network == SKC_NET_HOSTS)
		json_object_set_new(o, "hosts", schema_strs(p->hosts, p->n_hosts));
	if (p->has_memory)
		json_object_set_new(o, "memory", json_integer((json_int_t)p->memory));
	if (p->has_file_size)
		json_object_set_new(o, "file_size", json_integer((json_int_t)p->file_size));
	if (p->has_processes)
		json_object_set_new(o, "processes", json_integer(p->processes));
	if (p->has_cpu)
		json_object_set_new(o, "cpu_s", json_integer(p->cpu_s));
	if (p->has_secrets) {
		json_t *sec = json_array();
		for (size_t i = 0; i < p->n_secrets; i++) {
			json_t *e = json_object();
			json_object_set_new(e, "name", json_string(p->secrets[i].name));
			json_object_set_new(e, "required", json_boolean(p->secrets[i].required));
			json_array_append_new(sec, e);
		}
		json_object_set_new(o, "secrets", sec);
	}
	if (p->has_env)
		json_object_set_new(o, "env", schema_strs(p->env, p->n_env));
	if (p->has_clock)
		json_object_set_new(o, "clock", json_boolean(p->clock));
	if (p->has_random)
		json_object_set_new(o, "random", json_boolean(p->random));
	return o;
}

/* A pipeline's steps as validate settled them, for --dump. */
static json_t *schema_steps(const struct sk_tool *t)
{
	static const char *const ops[] = {"always", "truthy", "falsy", "==", "!="};
	json_t *steps = json_array();
	for (size_t i = 0; i < t->n_steps; i++) {
		const struct sk_step *st = &t->steps[i];
		json_t *o = json_object(), *v;
		if (st->name)
			json_object_set_new(o, "name", json_string(st->name));
		json_object_set_new(o, "tool", st->resolved ? json_string(st->resolved->wire_name)
							    : json_null());
		if ((v = schema_declared(st->args_json)))
			json_object_set_new(o, "args", v);
		if (st->cond_ref) {
			json_t *c = json_object();
			json_object_set_new(c, "op", json_string(st->cond_op < 5 ? ops[st->cond_op] : "?"));
			json_object_set_new(c, "ref", json_string(st->cond_ref));
			if ((v = schema_declared(st->cond_value)))
				json_object_set_new(c, "value", v);
			json_object_set_new(o, "condition", c);
		}
		if (st->continue_on_error)
			json_object_set_new(o, "continue_on_error", json_true());
		json_array_append_new(steps, o);
	}
	return steps;
}

json_t *schema_dump(struct arena *a, const struct sk_model *m)
{
	json_t *doc = json_array();
	for (size_t i = 0; i < m->n_skills; i++) {
		const struct sk_skill *s = &m->skills[i];
		json_t *js = json_object(), *tools = json_array(), *files = json_array();
		json_object_set_new(js, "name", json_string(s->name));
		json_object_set_new(js, "description", json_string(s->description));
		json_object_set_new(js, "source", json_string(s->source));
		for (size_t j = 0; j < s->n_files; j++)
			json_array_append_new(files, json_string(s->files[j].path));
		json_object_set_new(js, "files", files);
		/* Plugin fields only where they are used: other skills dump as before. */
		if (s->version)
			json_object_set_new(js, "version", json_string(s->version));
		if (s->n_modules) {
			json_t *mods = json_array();
			for (size_t j = 0; j < s->n_modules; j++)
				json_array_append_new(mods, json_string(s->modules[j].path));
			json_object_set_new(js, "modules", mods);
		}
		if (s->n_uses) {
			json_t *uses = json_array();
			for (size_t j = 0; j < s->n_uses; j++)
				json_array_append_new(uses, s->uses[j].resolved
								    ? json_string(s->uses[j].resolved->wire_name)
								    : json_null());
			json_object_set_new(js, "uses", uses);
		}
		for (size_t j = 0; j < s->n_tools; j++) {
			const struct sk_tool *t = &s->tools[j];
			json_t *jt = json_object(), *pass = json_object();
			bool pipe = t->kind == SKC_KIND_PIPELINE;
			json_object_set_new(jt, "name", json_string(t->wire_name));
			if (pipe) {
				/* Nothing runs it but its steps: no script, interpreter or passing. */
				json_object_set_new(jt, "kind", json_string("pipeline"));
			} else {
				json_object_set_new(jt, "script", json_string(t->script));
				json_object_set_new(jt, "interpreter", t->interpreter
										? json_string(t->interpreter)
										: json_null());
				json_object_set_new(jt, "args", json_string(schema_args[t->args]));
			}
			if (t->kind == SKC_KIND_WASM)
				json_object_set_new(jt, "module",
						    json_string(s->modules[t->module].path));
			if (t->kind == SKC_KIND_PIPELINE)
				json_object_set_new(jt, "steps", schema_steps(t));
			json_object_set_new(jt, "description",
					    json_string(schema_tool_description(a, s, t)));
			json_object_set_new(jt, "title", json_string(schema_tool_title(a, t)));
			if (t->timeout_ms)
				json_object_set_new(jt, "timeout_ms", json_integer(t->timeout_ms));
			for (size_t k = 0; k < t->n_params; k++) {
				const struct sk_param *p = &t->params[k];
				json_object_set_new(pass, p->name,
						    json_string(p->flag ? arena_printf(a, "%s %s", p->flag,
										       schema_pass[p->pass])
									: "positional"));
			}
			if (pipe)
				json_decref(pass);
			else
				json_object_set_new(jt, "pass", pass);
			json_object_set_new(jt, "inputSchema", schema_tool(t));
			json_t *v;
			if ((v = schema_declared(t->output_schema)))
				json_object_set_new(jt, "outputSchema", v);
			if ((v = schema_declared(t->annotations)))
				json_object_set_new(jt, "annotations", v);
			if ((v = schema_perms(&t->perms)))
				json_object_set_new(jt, "permissions", v);
			json_array_append_new(tools, jt);
		}
		json_object_set_new(js, "tools", tools);
		json_array_append_new(doc, js);
	}
	return doc;
}
