#include "wasmc.h"

#include <dirent.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../runtime/sha256.h"
#include "emit.h"
#include "parse.h"

extern char **environ;

void wc_name_modules(struct arena *a, struct sk_model *m)
{
	for (size_t i = 0; i < m->n_skills; i++)
		for (size_t j = 0; j < m->skills[i].n_modules; j++) {
			struct sk_module *mod = &m->skills[i].modules[j];
			uint8_t dg[32];
			char hex[65];
			sha256_buf(mod->code, mod->code_len, dg);
			sha256_hex(dg, hex);
			hex[24] = '\0';
			mod->c_name = arena_printf(a, "w%s", hex);
		}
}

static int wc_write(struct diag *d, const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
		diag_error(d, path, 0, 0, "cannot write: %s", strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return 0;
}

/* Run wasm2c; its own messages go to our stderr, after a line of ours. */
static int wc_run(struct diag *d, const struct sk_module *mod, const char *in, const char *out)
{
	const char *prog = getenv("SKILLC_WASM2C");
	if (!prog || !*prog)
		prog = "wasm2c";
	char *argv[] = {(char *)prog, "-n", (char *)mod->c_name, "-o", (char *)out, (char *)in, NULL};
	pid_t pid;
	int rc = posix_spawnp(&pid, prog, NULL, NULL, argv, environ);
	if (rc) {
		diag_error(d, mod->loc.path, 0, 0, "cannot run %s to compile this module: %s%s", prog,
			   strerror(rc), rc == ENOENT ? " (install wabt, or run make, which does)" : "");
		return -1;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	if (st != 0) {
		diag_error(d, mod->loc.path, 0, 0, "%s could not compile this module (%s %d)", prog,
			   WIFSIGNALED(st) ? "signal" : "status",
			   WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		return -1;
	}
	return 0;
}

/*
 * The glue: wasm2c's instantiate takes one pointer per imported module,
 * each of its own struct type; the runtime passes its one host context for
 * all of them. Read the parameter list from the header wasm2c wrote.
 */
static int wc_glue(struct arena *a, struct diag *d, const struct sk_module *mod, const char *h_path,
		   const char *c_path)
{
	char *hdr;
	size_t hn;
	if (parse_read_file(a, d, h_path, &hdr, &hn) != 0)
		return -1;
	const char *n = mod->c_name;
	char *want = arena_printf(a, "void Z_%s_instantiate(", n);
	char *p = strstr(hdr, want);
	char *close = p ? strchr(p, ')') : NULL;
	if (!close) {
		diag_error(d, h_path, 0, 0, "wasm2c's header has no '%s...)'", want);
		return -1;
	}
	*close = '\0';
	p += strlen(want);
	FILE *f = fopen(c_path, "ab");
	if (!f) {
		diag_error(d, c_path, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	struct emit e;
	emit_init(&e, f);
	emit_raw(&e, "\n", 1);
	emit(&e, "/* Written by skillc for %s: the runtime's view of this module. */",
	     c_comment_text(a, mod->path, 200));
	emit(&e, "#include \"skc_abi.h\"");
	emit_raw(&e, "\n", 1);
	/* Every parameter after the instance: (its type)host. */
	char *call = arena_printf(a, "Z_%s_instantiate((Z_%s_instance_t *)inst", n, n);
	for (char *q = strchr(p, ','); q;) {
		char *next = strchr(q + 1, ',');
		if (next)
			*next = '\0';
		char *ty = q + 1 + strspn(q + 1, " ");
		call = arena_printf(a, "%s, (%s)host", call, ty);
		q = next;
	}
	emit(&e, "static void skc_instantiate(void *inst, void *host)");
	emit(&e, "{");
	emit(&e, "\t%s);", call);
	emit(&e, "}");
	emit_raw(&e, "\n", 1);
	emit(&e, "static void *skc_memory(void *inst)");
	emit(&e, "{");
	emit(&e, "\treturn Z_%sZ_memory((Z_%s_instance_t *)inst);", n, n);
	emit(&e, "}");
	emit_raw(&e, "\n", 1);
	emit(&e, "static void skc_start(void *inst)");
	emit(&e, "{");
	emit(&e, "\tZ_%sZ__start((Z_%s_instance_t *)inst);", n, n);
	emit(&e, "}");
	emit_raw(&e, "\n", 1);
	emit(&e, "const struct skc_wasm skc_wasm_%s = {", n);
	emit(&e, "\t.instance_size = sizeof(Z_%s_instance_t),", n);
	emit(&e, "\t.init_module = Z_%s_init_module,", n);
	emit(&e, "\t.instantiate = skc_instantiate,");
	emit(&e, "\t.memory = skc_memory,");
	emit(&e, "\t.start = skc_start,");
	emit(&e, "};");
	int bad = e.error || ferror(f);
	if (fclose(f) != 0 || bad) {
		diag_error(d, c_path, 0, 0, "write failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int wc_one(struct arena *a, struct diag *d, const struct sk_module *mod, const char *dir)
{
	char *c_final = arena_printf(a, "%s/%s.c", dir, mod->c_name);
	char *h_final = arena_printf(a, "%s/%s.h", dir, mod->c_name);
	struct stat st;
	if (stat(c_final, &st) == 0 && stat(h_final, &st) == 0)
		return 0; /* translated by an earlier bake: the name is the code's hash */
	char *tmp = arena_printf(a, "%s/.tmp-%s", dir, mod->c_name);
	char *w = arena_printf(a, "%s/%s.wasm", tmp, mod->c_name);
	char *c = arena_printf(a, "%s/%s.c", tmp, mod->c_name);
	char *h = arena_printf(a, "%s/%s.h", tmp, mod->c_name);
	if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
		diag_error(d, tmp, 0, 0, "cannot create directory: %s", strerror(errno));
		return -1;
	}
	int rc = -1;
	if (wc_write(d, w, mod->code, mod->code_len) == 0 && wc_run(d, mod, w, c) == 0 &&
	    wc_glue(a, d, mod, h, c) == 0) {
		if (rename(h, h_final) != 0 || rename(c, c_final) != 0)
			diag_error(d, c_final, 0, 0, "cannot rename into place: %s", strerror(errno));
		else
			rc = 0;
	}
	unlink(w);
	unlink(c);
	unlink(h);
	rmdir(tmp);
	return rc;
}

static int wc_wanted(const struct sk_model *m, const char *file)
{
	size_t n = strcspn(file, ".");
	for (size_t i = 0; i < m->n_skills; i++)
		for (size_t j = 0; j < m->skills[i].n_modules; j++) {
			const char *c = m->skills[i].modules[j].c_name;
			if (c && strlen(c) == n && !strncmp(c, file, n))
				return 1;
		}
	return 0;
}

int wc_translate(struct arena *a, struct diag *d, const struct sk_model *m, const char *out_dir)
{
	char *dir = arena_printf(a, "%s/wasm", out_dir);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		diag_error(d, dir, 0, 0, "cannot create directory: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < m->n_skills; i++)
		for (size_t j = 0; j < m->skills[i].n_modules; j++)
			if (wc_one(a, d, &m->skills[i].modules[j], dir) != 0)
				return -1;
	/* What earlier bakes left of modules no longer baked: C, headers, objects. */
	DIR *dh = opendir(dir);
	struct dirent *de;
	while (dh && (de = readdir(dh)))
		if (de->d_name[0] == 'w' && !wc_wanted(m, de->d_name))
			unlink(arena_printf(a, "%s/%s", dir, de->d_name));
	if (dh)
		closedir(dh);
	return 0;
}
