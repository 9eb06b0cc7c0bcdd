#include "discover.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../runtime/sha256.h"

/* One directory on the current walk, to refuse symlink loops. */
struct disc_seen {
	dev_t dev;
	ino_t ino;
};

struct disc_walk {
	struct arena *a;
	struct diag *d;
	struct sk_model *m;
	const char *root;      /* as given, no trailing slash */
	char *root_real;       /* realpath of the root */
	struct disc_seen seen[64];
	size_t depth;
};

static int disc_skipped_dir(const char *name, const char *disk)
{
	static const char *const skip[] = {".git", "node_modules", "__pycache__", ".venv", "venv",
					   ".tox", ".mypy_cache", ".pytest_cache"};
	for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
		if (strcmp(name, skip[i]) == 0)
			return 1;
	/* Any other virtualenv is recognised by its marker file. */
	char marker[PATH_MAX];
	struct stat st;
	snprintf(marker, sizeof marker, "%s/pyvenv.cfg", disk);
	return stat(marker, &st) == 0;
}

static int disc_name_cmp(const struct dirent **x, const struct dirent **y)
{
	return strcmp((*x)->d_name, (*y)->d_name);
}

void disc_add_dep(struct arena *a, struct sk_model *m, const char *path)
{
	ARENA_PUSH(a, m->deps, m->n_deps, m->cap_deps) = arena_strdup(a, path);
}

static int disc_inside(const char *real, const char *root)
{
	size_t n = strlen(root);
	if (strcmp(root, "/") == 0)
		return 1;
	return strncmp(real, root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

/*
 * Drop "." and ".." from an absolute path in place, as the kernel would if
 * every component existed.
 */
static void disc_normalize(char *path)
{
	char *out = path;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *seg = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/*
 * A dangling link's target cannot be resolved, but its text can: one whose
 * first hop lands outside the root escapes whether or not the target exists
 * on this machine.
 */
static int disc_dangling_escapes(const char *disk, const char *root_real)
{
	char text[PATH_MAX], dir[PATH_MAX], where[2 * PATH_MAX + 2];
	ssize_t n = readlink(disk, text, sizeof text - 1);
	if (n < 0)
		return 0;
	text[n] = '\0';
	if (text[0] == '/') {
		snprintf(where, sizeof where, "%s", text);
	} else {
		snprintf(dir, sizeof dir, "%s", disk);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof dir, ".");
		char dir_real[PATH_MAX];
		if (!realpath(dir, dir_real))
			return 0;
		snprintf(where, sizeof where, "%s/%s", dir_real, text);
	}
	disc_normalize(where);
	return !disc_inside(where, root_real);
}

/*
 * Resolve a symlink: the stat of its target when it stays inside the root.
 * Returns 0 to follow, -1 after reporting an error.
 */
static int disc_follow(struct disc_walk *w, const char *disk, struct stat *st)
{
	char real[PATH_MAX];
	if (!realpath(disk, real)) {
		int err = errno;
		if (disc_dangling_escapes(disk, w->root_real))
			diag_error(w->d, disk, 0, 0,
				   "symbolic link points outside the root '%s'; copy the file into the skill instead",
				   w->root);
		else
			diag_error(w->d, disk, 0, 0, "broken symbolic link: %s", strerror(err));
		return -1;
	}
	if (!disc_inside(real, w->root_real)) {
		diag_error(w->d, disk, 0, 0,
			   "symbolic link points outside the root '%s'; copy the file into the skill instead",
			   w->root);
		return -1;
	}
	if (stat(disk, st) != 0) {
		diag_error(w->d, disk, 0, 0, "cannot stat: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Read a file, hashing it; the first bytes are kept for the shebang. */
static int disc_hash_file(struct disc_walk *w, const char *disk, struct sk_file *f, char *head,
			  size_t headn, size_t *got_head)
{
	int fd = open(disk, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_error(w->d, disk, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	struct sha256 h;
	sha256_init(&h);
	static char buf[1 << 16];
	uint64_t total = 0;
	*got_head = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			diag_error(w->d, disk, 0, 0, "cannot read: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		if (*got_head < headn) {
			size_t k = headn - *got_head < (size_t)r ? headn - *got_head : (size_t)r;
			memcpy(head + *got_head, buf, k);
			*got_head += k;
		}
		sha256_update(&h, buf, (size_t)r);
		total += (uint64_t)r;
	}
	close(fd);
	sha256_final(&h, f->sha256);
	f->size = total;
	return 0;
}

static const char *disc_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && dot != name ? dot : "";
}

enum sk_lang disc_interpreter(struct arena *a, const char *name, const char *head, size_t n,
			      const char **interpreter)
{
	*interpreter = NULL;
	if (n > 2 && head[0] == '#' && head[1] == '!') {
		size_t e = 2;
		while (e < n && head[e] != '\n' && head[e] != '\r')
			e++;
		const char *p = head + 2, *end = head + e;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		char *line = arena_strndup(a, p, (size_t)(end - p));
		/* `/usr/bin/env [-S] prog args` runs prog from PATH. */
		if (strncmp(line, "/usr/bin/env ", 13) == 0 || strncmp(line, "/bin/env ", 9) == 0) {
			line = strchr(line, ' ') + 1;
			while (*line == ' ')
				line++;
			if (strncmp(line, "-S ", 3) == 0)
				line += 3;
			while (*line == ' ')
				line++;
		}
		size_t w = strcspn(line, " \t");
		char *prog = arena_strndup(a, line, w);
		const char *base = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
		enum sk_lang lang = SK_LANG_NONE;
		if (strncmp(base, "python", 6) == 0)
			lang = SK_LANG_PYTHON;
		else if (!strcmp(base, "bash") || !strcmp(base, "sh") || !strcmp(base, "dash"))
			lang = SK_LANG_BASH;
		else if (!strcmp(base, "node") || !strcmp(base, "nodejs"))
			lang = SK_LANG_JS;
		if (lang != SK_LANG_NONE && *line)
			*interpreter = line;
		return lang;
	}
	const char *ext = disc_ext(name);
	if (!strcmp(ext, ".py")) {
		*interpreter = "python3";
		return SK_LANG_PYTHON;
	}
	if (!strcmp(ext, ".sh") || !strcmp(ext, ".bash")) {
		*interpreter = "bash";
		return SK_LANG_BASH;
	}
	if (!strcmp(ext, ".js") || !strcmp(ext, ".mjs") || !strcmp(ext, ".cjs")) {
		*interpreter = "node";
		return SK_LANG_JS;
	}
	return SK_LANG_NONE;
}

static int disc_is_manifest(const char *name)
{
	return !strcmp(name, "manifest.yml") || !strcmp(name, "manifest.yaml") ||
	       !strcmp(name, "manifest.json");
}


/* A file under a skill: embed it, and maybe make it a tool candidate or the manifest. */
static void disc_file(struct disc_walk *w, struct sk_skill *skill, const char *disk,
		      const char *rel, const char *name, const struct stat *st)
{
	if (st->st_mode & (S_ISUID | S_ISGID)) {
		diag_error(w->d, disk, 0, 0, "file has the setuid or setgid bit; clear it (chmod ug-s)");
		return;
	}
	if (!skill)
		return;
	struct sk_file *f = &ARENA_PUSH(w->a, skill->files, skill->n_files, skill->cap_files);
	f->path = arena_strdup(w->a, rel);
	f->disk = arena_strdup(w->a, disk);
	f->mode = (st->st_mode & S_IXUSR) ? 0755 : 0644;
	char head[512];
	size_t headn = 0;
	if (disc_hash_file(w, disk, f, head, sizeof head, &headn) != 0) {
		skill->n_files--;
		return;
	}
	disc_add_dep(w->a, w->m, disk);

	const char *slash = strchr(rel, '/');
	int top = !slash;
	int in_scripts = slash && !strncmp(rel, "scripts/", 8) && !strchr(rel + 8, '/');
	if (top && !strcmp(name, "SKILL.md"))
		skill->skill_md = f->disk;
	if (top && !strcmp(name, "manifest.toml")) {
		skill->plugin_manifest = f->disk;
		return;
	}
	if ((top || in_scripts) && disc_is_manifest(name)) {
		if (skill->manifest) {
			diag_error(w->d, disk, 0, 0, "skill '%s' has a second manifest",
				   skill->source);
			diag_note(w->d, skill->manifest, 0, 0, "first manifest is here");
		} else {
			skill->manifest = f->disk;
			skill->manifest_in_scripts = in_scripts;
		}
		return;
	}
	if (!in_scripts || name[0] == '.')
		return;
	const char *interp;
	enum sk_lang lang = disc_interpreter(w->a, name, head, headn, &interp);
	if (lang == SK_LANG_NONE) {
		if (headn > 2 && head[0] == '#' && head[1] == '!')
			diag_warning(w->d, disk, 1, 1,
				     "'%s' is not a tool: its interpreter is not one skillc knows "
				     "(python, bash, node); it is embedded as a support file",
				     rel);
		return;
	}
	struct sk_tool *t = &ARENA_PUSH(w->a, skill->tools, skill->n_tools, skill->cap_tools);
	const char *ext = disc_ext(name);
	t->name = arena_strndup(w->a, name, strlen(name) - strlen(ext));
	t->script = f->path;
	t->lang = lang;
	t->interpreter = interp;
	t->loc.path = f->disk;
	t->loc.line = 1;
	t->loc.col = 1;
	t->description_from = t->params_from = t->args_from = SK_FROM_FILENAME;
}

static struct sk_skill *disc_new_skill(struct disc_walk *w, const char *disk, const char *rel)
{
	struct sk_skill *s = &ARENA_PUSH(w->a, w->m->skills, w->m->n_skills, w->m->cap_skills);
	s->dir = arena_strdup(w->a, disk);
	s->source = arena_strdup(w->a, rel[0] ? rel : ".");
	s->subj = arena_alloc(w->a, sizeof *s->subj);
	s->subj->id = (unsigned)w->m->n_skills;
	s->dir_dev = (uint64_t)w->seen[w->depth - 1].dev;
	s->dir_ino = (uint64_t)w->seen[w->depth - 1].ino;
	return s;
}

/*
 * Lenient baking: the directory being walked is a skill already found
 * under another path (a symbolic link to it); bake it once, from the path
 * the sorted walk met first. 1 when it is such a copy.
 */
static int disc_copy(struct disc_walk *w, const char *disk)
{
	if (!w->d->lenient)
		return 0;
	const struct disc_seen *here = &w->seen[w->depth - 1];
	for (size_t i = 0; i < w->m->n_skills; i++) {
		const struct sk_skill *s = &w->m->skills[i];
		if (s->dir_dev == (uint64_t)here->dev && s->dir_ino == (uint64_t)here->ino) {
			diag_note(w->d, disk, 0, 0,
				  "same directory as skill '%s', through a symbolic link; it is baked once, from '%s'",
				  s->dir, s->dir);
			w->m->n_copies++;
			return 1;
		}
	}
	return 0;
}

static char *disc_join(struct arena *a, const char *dir, const char *name)
{
	return dir && dir[0] ? arena_printf(a, "%s/%s", dir, name) : arena_strdup(a, name);
}

/*
 * disk: the path to read; rel: relative to the root; in_skill: relative to
 * the enclosing skill's directory (NULL outside any skill).
 */
static void disc_walk_dir(struct disc_walk *w, struct sk_skill *skill, const char *disk,
			  const char *rel, const char *in_skill)
{
	struct dirent **ents;
	int n = scandir(disk, &ents, NULL, disc_name_cmp);
	if (n < 0) {
		diag_error(w->d, disk, 0, 0, "cannot read directory: %s", strerror(errno));
		return;
	}
	/* Directories go in the dependency list too, so adding a file rebakes. */
	disc_add_dep(w->a, w->m, disk);

	/*
	 * A SKILL.md or a plugin's manifest.toml here starts a new skill whose
	 * files are its own; outside any skill, so does a Skillz tool directory
	 * (manifest.json beside a module).
	 */
	bool json = false, wasm = false, starts = false;
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t l = strlen(nm);
		starts |= !strcmp(nm, "SKILL.md") || !strcmp(nm, "manifest.toml");
		json |= !strcmp(nm, "manifest.json");
		wasm |= l > 5 && !strcmp(nm + l - 5, ".wasm");
	}
	struct diag_subject *outer = w->d->about;
	if (starts || (!skill && json && wasm)) {
		if (disc_copy(w, disk)) {
			for (int i = 0; i < n; i++)
				free(ents[i]);
			free(ents);
			return;
		}
		skill = disc_new_skill(w, disk, rel);
		in_skill = "";
		diag_about(w->d, skill->subj);
	}

	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			goto next;
		char *child = arena_printf(w->a, "%s/%s", disk, name);
		char *child_rel = disc_join(w->a, rel, name);
		char *child_in = skill ? disc_join(w->a, in_skill, name) : NULL;
		struct stat st;
		if (lstat(child, &st) != 0) {
			diag_error(w->d, child, 0, 0, "cannot stat: %s", strerror(errno));
			goto next;
		}
		if (S_ISLNK(st.st_mode) && disc_follow(w, child, &st) != 0)
			goto next;
		if (S_ISDIR(st.st_mode)) {
			if (disc_skipped_dir(name, child))
				goto next;
			size_t k;
			for (k = 0; k < w->depth; k++)
				if (w->seen[k].dev == st.st_dev && w->seen[k].ino == st.st_ino)
					break;
			if (k < w->depth) {
				diag_error(w->d, child, 0, 0, "symbolic link loop");
			} else if (w->depth == sizeof w->seen / sizeof w->seen[0]) {
				diag_error(w->d, child, 0, 0, "directories nested too deeply");
			} else {
				w->seen[w->depth].dev = st.st_dev;
				w->seen[w->depth].ino = st.st_ino;
				w->depth++;
				disc_walk_dir(w, skill, child, child_rel, child_in);
				w->depth--;
			}
		} else if (S_ISREG(st.st_mode)) {
			disc_file(w, skill, child, child_in, name, &st);
		} else if (skill) {
			diag_warning(w->d, child, 0, 0, "not a regular file; it is not embedded");
		}
	next:
		free(ents[i]);
	}
	free(ents);
	diag_about(w->d, outer);
}

void disc_roots(struct arena *a, struct diag *d, struct sk_model *m, const char *const *roots,
		size_t n_roots)
{
	for (size_t i = 0; i < n_roots; i++) {
		struct disc_walk w = {.a = a, .d = d, .m = m};
		size_t len = strlen(roots[i]);
		while (len > 1 && roots[i][len - 1] == '/')
			len--;
		w.root = arena_strndup(a, roots[i], len);
		char real[PATH_MAX];
		struct stat st;
		if (!realpath(w.root, real) || stat(real, &st) != 0) {
			diag_error(d, w.root, 0, 0, "cannot open skills directory: %s", strerror(errno));
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			diag_error(d, w.root, 0, 0, "not a directory");
			continue;
		}
		w.root_real = arena_strdup(a, real);
		w.seen[0].dev = st.st_dev;
		w.seen[0].ino = st.st_ino;
		w.depth = 1;
		size_t before = m->n_skills;
		disc_walk_dir(&w, NULL, w.root, "", NULL);
		if (m->n_skills == before)
			diag_warning(d, w.root, 0, 0, "no skills found (no directory holds a SKILL.md)");
	}
}
