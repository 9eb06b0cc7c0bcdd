#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "extract.h"
#include "frontmatter.h"
#include "manifest.h"
#include "plugin.h"
#include "wasm.h"

int parse_read_file(struct arena *a, struct diag *d, const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_error(d, path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	size_t cap = 1 << 14, n = 0;
	char *buf = arena_alloc(a, cap);
	for (;;) {
		if (n + 1 >= cap) {
			char *bigger = arena_alloc(a, cap * 2);
			memcpy(bigger, buf, n);
			buf = bigger;
			cap *= 2;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		diag_error(d, path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/*
 * Check each WASM module (wasm.h): what wasm2c will get, its memory, and
 * its own description of its tool. The cap on its memory at start is the
 * plugin's memory limit, else the runtime's default for WASM tools.
 */
static void parse_modules(struct arena *a, struct diag *d, struct sk_skill *s)
{
	uint64_t cap = s->perms.has_memory && s->perms.memory ? s->perms.memory >> 16
							      : WM_DEFAULT_MEM_CAP_PAGES;
	if (cap > 65536)
		cap = 65536;
	for (size_t i = 0; i < s->n_modules; i++) {
		struct sk_module *m = &s->modules[i];
		char *src;
		size_t len;
		if (parse_read_file(a, d, m->disk, &src, &len) != 0)
			continue;
		/* What is wrong inside a module is said of the module's file (with
		 * byte offsets), not of the manifest line that lists it. */
		struct sk_loc listed = m->loc;
		m->loc = (struct sk_loc){.path = m->disk};
		wm_check(a, d, m, (const uint8_t *)src, len, (uint32_t)cap);
		m->loc = listed;
	}
}

static bool parse_is_skillz(const struct sk_skill *s)
{
	const char *m = s->manifest;
	size_t n = m ? strlen(m) : 0;
	return !s->skill_md && !s->plugin_manifest && !s->manifest_in_scripts && n >= 13 &&
	       !strcmp(m + n - 13, "manifest.json");
}

/*
 * SKILL.md, then the scripts, then a plugin's manifest.toml (modules and
 * their tools), then manifest.yml over all of it; the plugin's grant last,
 * under each tool's own.
 */
static void parse_skill(struct arena *a, struct diag *d, struct sk_skill *s)
{
	char *src;
	size_t len;
	const char *base = strrchr(s->dir, '/') ? strrchr(s->dir, '/') + 1 : s->dir;
	/* A skill that cannot be named is reported here and left out by validate. */
	if (parse_is_skillz(s)) {
		if (parse_read_file(a, d, s->manifest, &src, &len) != 0 ||
		    pl_skillz(a, d, s, s->manifest, "", src, len) != 0) {
			s->name = s->description = NULL;
			return;
		}
		parse_modules(a, d, s);
		return;
	}
	if (!s->skill_md && !s->plugin_manifest) {
		diag_error(d, s->dir, 0, 0, "'SKILL.md' is not a regular file");
		s->name = s->description = NULL;
		return;
	}
	if (s->skill_md && (parse_read_file(a, d, s->skill_md, &src, &len) != 0 ||
			    fm_parse(a, d, s, s->skill_md, src, len, base) != 0)) {
		s->name = s->description = NULL;
		return;
	}

	/* From here on, machine-readable diagnostics can name the skill. */
	if (s->subj)
		s->subj->skill = s->name;
	struct ex_ctx cx = {.arena = a, .diag = d};
	for (size_t i = 0; i < s->n_tools; i++) {
		struct sk_tool *t = &s->tools[i];
		if (parse_read_file(a, d, t->loc.path, &src, &len) == 0)
			ex_script(&cx, t, src, len);
	}

	if (s->plugin_manifest) {
		struct pl_plugin *pl = NULL;
		if (parse_read_file(a, d, s->plugin_manifest, &src, &len) == 0)
			pl = pl_parse(a, d, s, src, len);
		if (!pl) {
			s->name = s->description = NULL;
			return;
		}
		parse_modules(a, d, s);
		pl_apply(a, d, pl, s);
	}

	if (s->manifest && parse_read_file(a, d, s->manifest, &src, &len) == 0) {
		struct mf_manifest *mf = mf_parse(a, d, s->manifest, src, len);
		if (mf)
			mf_apply(a, d, mf, s, s->manifest_in_scripts);
	}
	pl_inherit(s);
}

void parse_skills(struct arena *a, struct diag *d, struct sk_model *m)
{
	for (size_t i = 0; i < m->n_skills; i++) {
		struct sk_skill *s = &m->skills[i];
		diag_about(d, s->subj);
		parse_skill(a, d, s);
		if (s->subj && s->name)
			s->subj->skill = s->name;
	}
	diag_about(d, NULL);
}
