/*
 * perms.c - `permissions` and `secrets` in manifests (perms.h).
 *
 * Everything is checked here so the runtime can trust the table: paths are
 * absolute or under "~", hosts are names or addresses with an optional port,
 * secret names are plain variable names the runtime does not set itself.
 */
#include "perms.h"

#include <stdio.h>
#include <string.h>

#include "manifest.h"

struct pm_ctx {
	struct arena *a;
	struct diag *d;
	const char *path;
};

static bool pm_key(const struct yml_node *k, const char *s)
{
	size_t n = strlen(s);
	return k->kind == YML_SCALAR && k->len == n && memcmp(k->text, s, n) == 0;
}

static const char *pm_show(struct pm_ctx *cx, const struct yml_node *n)
{
	return n->kind == YML_SCALAR ? mf_show(cx->a, n->text, n->len) : yml_kind_name(n);
}

/* A scalar without NUL or control bytes, else NULL (reported). */
static const char *pm_text(struct pm_ctx *cx, const char *what, const struct yml_node *v)
{
	if (v->kind != YML_SCALAR) {
		diag_error(cx->d, cx->path, v->line, v->col, "%s must be a string, not a %s", what,
			   yml_kind_name(v));
		return NULL;
	}
	for (size_t i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->text[i];
		if (c < 0x20 || c == 0x7F) {
			diag_error(cx->d, cx->path, v->line, v->col,
				   "%s '%s' contains a control character", what, pm_show(cx, v));
			return NULL;
		}
	}
	if (!v->len) {
		diag_error(cx->d, cx->path, v->line, v->col, "%s is empty", what);
		return NULL;
	}
	return v->text;
}

/* The items of a list, or of a lone scalar written in its place (kept in *one). */
static bool pm_list(struct pm_ctx *cx, const char *field, const struct yml_node *v,
		    const struct yml_node **one, const struct yml_node *const **items, size_t *n)
{
	if (v->kind == YML_SCALAR) {
		*one = v;
		*items = one;
		*n = 1;
		return true;
	}
	if (v->kind != YML_SEQ) {
		diag_error(cx->d, cx->path, v->line, v->col, "'%s' must be a list, not a %s", field,
			   yml_kind_name(v));
		return false;
	}
	if (v->n_items > PM_MAX_ITEMS) {
		diag_error(cx->d, cx->path, v->line, v->col, "too many entries in '%s' (%zu); at most %d",
			   field, v->n_items, PM_MAX_ITEMS);
		return false;
	}
	*items = (const struct yml_node *const *)v->items;
	*n = v->n_items;
	return true;
}

/* "/abs", "~" or "~/rel"; no "." or ".." component; trailing '/' dropped. */
static const char *pm_path(struct pm_ctx *cx, const char *field, const struct yml_node *v)
{
	const char *s = pm_text(cx, "a path", v);
	if (!s)
		return NULL;
	if (s[0] != '/' && !(s[0] == '~' && (s[1] == '\0' || s[1] == '/'))) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "path '%s' in '%s' must be absolute or start with '~/'", pm_show(cx, v),
			   field);
		return NULL;
	}
	for (const char *c = s; *c;) {
		while (*c == '/')
			c++;
		size_t n = strcspn(c, "/");
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
			diag_error(cx->d, cx->path, v->line, v->col,
				   "path '%s' in '%s' has a '%.*s' component; write it out in full",
				   pm_show(cx, v), field, (int)n, c);
			return NULL;
		}
		c += n;
	}
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		n--;
	return arena_strndup(cx->a, s, n);
}

static void pm_paths(struct pm_ctx *cx, const char *field, const struct yml_node *v,
		     const char ***out, size_t *n_out)
{
	const struct yml_node *one, *const *items;
	size_t n;
	if (!pm_list(cx, field, v, &one, &items, &n))
		return;
	const char **paths = arena_alloc(cx->a, (n + 1) * sizeof *paths);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = pm_path(cx, field, items[i]);
		if (p)
			paths[k++] = p;
	}
	*out = paths;
	*n_out = k;
}

static bool pm_port_ok(const char *s, size_t n)
{
	unsigned v = 0;
	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/*
 * A host the tool may reach: a DNS name or IPv4 address, "*.name" for every
 * subdomain, "[v6]" for an IPv6 address, each with an optional ":port".
 * Kept in lower case.
 */
static const char *pm_host(struct pm_ctx *cx, const struct yml_node *v)
{
	const char *s = pm_text(cx, "a host", v);
	if (!s)
		return NULL;
	size_t n = strlen(s), h = n;
	bool ok = n <= 262;
	const char *port = NULL;
	if (ok && s[0] == '[') {
		const char *close = strchr(s, ']');
		ok = close && close - s > 2 && strspn(s + 1, "0123456789abcdefABCDEF:.") ==
						  (size_t)(close - s - 1);
		if (ok && close[1] == ':')
			port = close + 2;
		else if (ok)
			ok = close[1] == '\0';
	} else if (ok) {
		const char *colon = strchr(s, ':');
		if (colon) {
			port = colon + 1;
			h = (size_t)(colon - s);
		}
		size_t i = 0;
		if (h > 2 && s[0] == '*' && s[1] == '.')
			i = 2;
		ok = h > i && h - i <= 253 && s[i] != '.' && s[h - 1] != '.' && s[i] != '-';
		for (; ok && i < h; i++) {
			char c = s[i];
			ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '-' || (c == '.' && s[i + 1] != '.');
		}
	}
	if (ok && port)
		ok = pm_port_ok(port, strlen(port));
	if (!ok) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "invalid host '%s'; expected a name or address with an optional port, "
			   "like 'api.example.com', '*.example.com' or '127.0.0.1:8080'",
			   pm_show(cx, v));
		return NULL;
	}
	char *low = arena_strdup(cx->a, s);
	for (char *c = low; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return low;
}

static void pm_network(struct pm_ctx *cx, const struct yml_node *v, struct sk_perms *p)
{
	bool on;
	if (yml_bool(v, &on) == 0) {
		p->network = on ? SKC_NET_ALL : SKC_NET_NONE;
		p->n_hosts = 0;
		p->has_network = true;
		return;
	}
	if (v->kind != YML_SEQ) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'network' must be true, false or a list of hosts, not '%s'",
			   pm_show(cx, v));
		return;
	}
	const struct yml_node *one, *const *items;
	size_t n;
	if (!pm_list(cx, "network", v, &one, &items, &n))
		return;
	if (n == 0) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'network' is an empty list; write 'network: false' for no network");
		return;
	}
	const char **hosts = arena_alloc(cx->a, n * sizeof *hosts);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *h = pm_host(cx, items[i]);
		if (h)
			hosts[k++] = h;
	}
	p->hosts = hosts;
	p->n_hosts = k;
	p->network = SKC_NET_HOSTS;
	p->has_network = true;
}

static void pm_files(struct pm_ctx *cx, const struct yml_node *v, struct sk_perms *p)
{
	if (v->kind != YML_MAP) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'files' must be a mapping with 'read' and 'write' lists, not a %s",
			   yml_kind_name(v));
		return;
	}
	for (size_t i = 0; i + 1 < v->n_items; i += 2) {
		const struct yml_node *k = v->items[i], *x = v->items[i + 1];
		if (pm_key(k, "read")) {
			pm_paths(cx, "read", x, &p->read, &p->n_read);
			p->has_read = true;
		} else if (pm_key(k, "write")) {
			pm_paths(cx, "write", x, &p->write, &p->n_write);
			p->has_write = true;
		} else {
			diag_error(cx->d, cx->path, k->line, k->col,
				   "unknown key '%s' in 'files'; expected 'read' or 'write'",
				   pm_show(cx, k));
		}
	}
}

static void pm_limits(struct pm_ctx *cx, const struct yml_node *v, struct sk_perms *p)
{
	static const struct yml_unit bytes[] = {
		{"b", 1},	       {"k", 1024.0},	       {"kb", 1024.0},	     {"kib", 1024.0},
		{"m", 1048576.0},      {"mb", 1048576.0},      {"mib", 1048576.0},   {"g", 1073741824.0},
		{"gb", 1073741824.0},  {"gib", 1073741824.0},  {"t", 1099511627776.0}, {"tb", 1099511627776.0},
		{"tib", 1099511627776.0}, {0, 0},
	};
	static const struct yml_unit seconds[] = {
		{"s", 1}, {"sec", 1}, {"m", 60}, {"min", 60}, {"h", 3600}, {0, 0},
	};
	static const struct yml_unit none[] = {{0, 0}};
	if (v->kind != YML_MAP) {
		diag_error(cx->d, cx->path, v->line, v->col,
			   "'limits' must be a mapping, not a %s", yml_kind_name(v));
		return;
	}
	for (size_t i = 0; i + 1 < v->n_items; i += 2) {
		const struct yml_node *k = v->items[i], *x = v->items[i + 1];
		uint64_t q;
		if (pm_key(k, "memory") || pm_key(k, "file_size")) {
			bool mem = pm_key(k, "memory");
			if (yml_quantity(x, bytes, 1, (uint64_t)1 << 50, &q) != 0 || (mem && q < 4096)) {
				diag_error(cx->d, cx->path, x->line, x->col,
					   "invalid %s limit '%s'; use a number of bytes, or '64k', "
					   "'512m', '2g'%s",
					   mem ? "memory" : "file_size", pm_show(cx, x),
					   mem ? " (at least 4k)" : "");
				continue;
			}
			if (mem) {
				p->memory = q;
				p->has_memory = true;
			} else {
				p->file_size = q;
				p->has_file_size = true;
			}
		} else if (pm_key(k, "processes")) {
			if (yml_quantity(x, none, 1, 1000000, &q) != 0) {
				diag_error(cx->d, cx->path, x->line, x->col,
					   "invalid processes limit '%s'; use a whole number from 1 "
					   "to 1000000",
					   pm_show(cx, x));
				continue;
			}
			p->processes = (uint32_t)q;
			p->has_processes = true;
		} else if (pm_key(k, "cpu")) {
			if (yml_quantity(x, seconds, 1, 86400 * 365, &q) != 0) {
				diag_error(cx->d, cx->path, x->line, x->col,
					   "invalid cpu limit '%s'; use a number of seconds, or '90s', "
					   "'2m'",
					   pm_show(cx, x));
				continue;
			}
			p->cpu_s = (uint32_t)q;
			p->has_cpu = true;
		} else {
			diag_error(cx->d, cx->path, k->line, k->col,
				   "unknown limit '%s'; expected 'memory', 'processes', 'file_size' "
				   "or 'cpu'",
				   pm_show(cx, k));
		}
	}
}

/* Environment variables a WASM tool may read, passed by name from the agent's. */
static void pm_env(struct pm_ctx *cx, const struct yml_node *v, struct sk_perms *p)
{
	const struct yml_node *one, *const *items;
	size_t n;
	if (!pm_list(cx, "env", v, &one, &items, &n))
		return;
	const char **names = arena_alloc(cx->a, (n + 1) * sizeof *names);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = pm_text(cx, "a variable's name", items[i]);
		if (!s)
			continue;
		if (!pm_secret_name_ok(s)) {
			diag_error(cx->d, cx->path, items[i]->line, items[i]->col,
				   "invalid variable name '%s' in 'env'; use an environment variable "
				   "name ([A-Za-z_][A-Za-z0-9_]*) that the runtime does not set itself",
				   pm_show(cx, items[i]));
			continue;
		}
		size_t j = 0;
		while (j < k && strcmp(names[j], s))
			j++;
		if (j < k) {
			diag_error(cx->d, cx->path, items[i]->line, items[i]->col,
				   "variable '%s' is listed twice in 'env'", s);
			continue;
		}
		names[k++] = s;
	}
	p->env = names;
	p->n_env = k;
	p->has_env = true;
}

/* clock = true, random = true: the WASI calls a WASM tool may make. */
static void pm_flag(struct pm_ctx *cx, const struct yml_node *k, const struct yml_node *v,
		    struct sk_perms *p)
{
	bool on, clock = pm_key(k, "clock");
	if (yml_bool(v, &on) != 0) {
		diag_error(cx->d, cx->path, v->line, v->col, "'%s' must be true or false, not '%s'",
			   clock ? "clock" : "random", pm_show(cx, v));
		return;
	}
	if (clock) {
		p->clock = on;
		p->has_clock = true;
	} else {
		p->random = on;
		p->has_random = true;
	}
}

void pm_parse(struct arena *a, struct diag *d, const char *path, const struct yml_node *v,
	      struct sk_perms *p)
{
	struct pm_ctx cx = {a, d, path};
	if (v->kind != YML_MAP) {
		diag_error(d, path, v->line, v->col,
			   "'permissions' must be a mapping with 'files', 'network', 'limits', "
			   "'env', 'clock' and 'random', not a %s",
			   yml_kind_name(v));
		return;
	}
	for (size_t i = 0; i + 1 < v->n_items; i += 2) {
		const struct yml_node *k = v->items[i], *x = v->items[i + 1];
		if (pm_key(k, "files"))
			pm_files(&cx, x, p);
		else if (pm_key(k, "network"))
			pm_network(&cx, x, p);
		else if (pm_key(k, "limits"))
			pm_limits(&cx, x, p);
		else if (pm_key(k, "env"))
			pm_env(&cx, x, p);
		else if (pm_key(k, "clock") || pm_key(k, "random"))
			pm_flag(&cx, k, x, p);
		else
			diag_error(d, path, k->line, k->col,
				   "unknown key '%s' in 'permissions'; expected 'files', 'network', "
				   "'limits', 'env', 'clock' or 'random'",
				   pm_show(&cx, k));
	}
}

int pm_secret_name_ok(const char *s)
{
	/* Names the runtime gives every tool, or that steer the loader. */
	static const char *const taken[] = {"PATH", "HOME", "LANG",	"TERM",	      "TZ",
					    "TMPDIR", "TMP", "TEMP",	"USER",	      "LOGNAME",
					    "SKILL_NAME", "SKILL_DIR", "SKILLC_ALLOWED_HOSTS"};
	size_t n = strlen(s);
	if (n == 0 || n > 128 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return 0;
	if (!strncmp(s, "LC_", 3) || !strncmp(s, "LD_", 3))
		return 0;
	for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
		if (!strcmp(s, taken[i]))
			return 0;
	return 1;
}

static void pm_secret(struct pm_ctx *cx, const struct yml_node *v, struct sk_perms *p)
{
	struct sk_secret sec = {.loc = {cx->path, v->line, v->col}};
	const struct yml_node *name = v;
	if (v->kind == YML_MAP) {
		name = NULL;
		for (size_t i = 0; i + 1 < v->n_items; i += 2) {
			const struct yml_node *k = v->items[i], *x = v->items[i + 1];
			if (pm_key(k, "name")) {
				name = x;
			} else if (pm_key(k, "required")) {
				if (yml_bool(x, &sec.required) != 0)
					diag_error(cx->d, cx->path, x->line, x->col,
						   "'required' must be true or false, not '%s'",
						   pm_show(cx, x));
			} else {
				diag_error(cx->d, cx->path, k->line, k->col,
					   "unknown key '%s' in a secret; expected 'name' or "
					   "'required'",
					   pm_show(cx, k));
			}
		}
		if (!name) {
			diag_error(cx->d, cx->path, v->line, v->col, "secret has no 'name'");
			return;
		}
	}
	const char *s = pm_text(cx, "a secret's name", name);
	if (!s)
		return;
	if (!pm_secret_name_ok(s)) {
		diag_error(cx->d, cx->path, name->line, name->col,
			   "invalid secret name '%s'; use an environment variable name "
			   "([A-Za-z_][A-Za-z0-9_]*) that the runtime does not set itself (PATH, "
			   "HOME, TMPDIR, LC_*, LD_*, SKILL_* ...)",
			   pm_show(cx, name));
		return;
	}
	for (size_t i = 0; i < p->n_secrets; i++) {
		if (!strcmp(p->secrets[i].name, s)) {
			diag_error(cx->d, cx->path, name->line, name->col,
				   "secret '%s' is declared twice", s);
			diag_note(cx->d, cx->path, p->secrets[i].loc.line, p->secrets[i].loc.col,
				  "first declared here");
			return;
		}
	}
	sec.name = s;
	p->secrets[p->n_secrets++] = sec;
}

void pm_parse_secrets(struct arena *a, struct diag *d, const char *path,
		      const struct yml_node *v, struct sk_perms *p)
{
	struct pm_ctx cx = {a, d, path};
	const struct yml_node *one, *const *items;
	size_t n;
	if (!pm_list(&cx, "secrets", v, &one, &items, &n))
		return;
	p->secrets = arena_alloc(a, (n + 1) * sizeof *p->secrets);
	p->n_secrets = 0;
	p->has_secrets = true;
	for (size_t i = 0; i < n; i++)
		pm_secret(&cx, items[i], p);
}

void pm_inherit(struct sk_perms *p, const struct sk_perms *base)
{
	if (!p->has_read && base->has_read) {
		p->read = base->read;
		p->n_read = base->n_read;
		p->has_read = true;
	}
	if (!p->has_write && base->has_write) {
		p->write = base->write;
		p->n_write = base->n_write;
		p->has_write = true;
	}
	if (!p->has_network && base->has_network) {
		p->network = base->network;
		p->hosts = base->hosts;
		p->n_hosts = base->n_hosts;
		p->has_network = true;
	}
	if (!p->has_secrets && base->has_secrets) {
		p->secrets = base->secrets;
		p->n_secrets = base->n_secrets;
		p->has_secrets = true;
	}
#define PM_TAKE(f, has)                    \
	if (!p->has && base->has) {        \
		p->f = base->f;            \
		p->has = true;             \
	}
	PM_TAKE(memory, has_memory)
	PM_TAKE(file_size, has_file_size)
	PM_TAKE(processes, has_processes)
	PM_TAKE(cpu_s, has_cpu)
	PM_TAKE(clock, has_clock)
	PM_TAKE(random, has_random)
#undef PM_TAKE
	if (!p->has_env && base->has_env) {
		p->env = base->env;
		p->n_env = base->n_env;
		p->has_env = true;
	}
}
