#include "cache.h"
#include "sha256.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A small table built by hand: a pool of strings and file contents. */
struct fake {
	unsigned char data[16384];
	size_t used;
	struct skc_file files[8];
	struct skc_skill skill;
	struct skc_table table;
};

static struct skc_slice put(struct fake *f, const char *s, size_t len)
{
	ck_assert_uint_lt(f->used + len + 1, sizeof f->data);
	struct skc_slice sl = {(uint32_t)f->used, (uint32_t)len};
	memcpy(f->data + f->used, s, len);
	f->data[f->used + len] = '\0';
	f->used += len + 1;
	return sl;
}

static void add_file(struct fake *f, const char *path, const char *content, uint32_t mode)
{
	struct skc_file *file = &f->files[f->table.file_count++];
	file->path = put(f, path, strlen(path));
	struct skc_slice c = put(f, content, strlen(content));
	file->data_off = c.off;
	file->size = c.len;
	file->mode = mode;
	sha256_buf(content, strlen(content), file->sha256);
	f->table.data_size = f->used;
	f->skill.file_count = f->table.file_count;
}

static const struct {
	const char *path, *content;
	uint32_t mode;
} files[] = {
	{"SKILL.md", "---\nname: demo\n---\n# demo\n", 0644},
	{"scripts/run.sh", "#!/bin/sh\necho hi\n", 0755},
	{"scripts/lib/util.py", "x = 1\n", 0644},
	{"references/guide.md", "a guide\n", 0644},
	{"assets/empty.txt", "", 0644},
};
enum { NFILES = sizeof files / sizeof files[0] };

/* The standard skill; `salt` varies its digest. */
static void fake_init(struct fake *f, int salt)
{
	memset(f, 0, sizeof *f);
	f->table.magic = SKC_MAGIC;
	f->table.abi_version = SKC_ABI_VERSION;
	f->table.data = f->data;
	f->table.files = f->files;
	f->table.skills = &f->skill;
	f->table.skill_count = 1;
	char seed[32], hex[65];
	uint8_t d[32];
	snprintf(seed, sizeof seed, "skill %d", salt);
	sha256_buf(seed, strlen(seed), d);
	sha256_hex(d, hex);
	f->skill.digest = put(f, hex, 64);
	f->skill.name = put(f, "demo", 4);
	for (size_t i = 0; i < NFILES; i++)
		add_file(f, files[i].path, files[i].content, files[i].mode);
}

static char tmp_root[PATH_MAX];

/* snprintf that fails the test instead of truncating. */
__attribute__((format(printf, 3, 4)))
static void fmt(char *buf, size_t n, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int r = vsnprintf(buf, n, f, ap);
	va_end(ap);
	ck_assert(r >= 0 && (size_t)r < n);
}

static void use_temp_cache(void)
{
	fmt(tmp_root, sizeof tmp_root, "%s/skc-cache-test-XXXXXX",
		 getenv("TMPDIR") && getenv("TMPDIR")[0] == '/' ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	char xdg[PATH_MAX];
	fmt(xdg, sizeof xdg, "%s/xdg", tmp_root);
	setenv("XDG_CACHE_HOME", xdg, 1);
}

static void drop_temp_cache(void)
{
	char cmd[PATH_MAX + 32];
	fmt(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", tmp_root, tmp_root);
	ck_assert_int_eq(system(cmd), 0);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* The extraction holds exactly the expected files, modes and contents. */
static void assert_extracted(const char *dir)
{
	struct stat st;
	ck_assert_int_eq(lstat(dir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	for (size_t i = 0; i < NFILES; i++) {
		char path[PATH_MAX], buf[256];
		fmt(path, sizeof path, "%s/%s", dir, files[i].path);
		ck_assert_int_eq(lstat(path, &st), 0);
		ck_assert(S_ISREG(st.st_mode));
		ck_assert_uint_eq(st.st_mode & 07777, files[i].mode);
		int fd = open(path, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		ck_assert_int_ge(n, 0);
		buf[n] = '\0';
		ck_assert_str_eq(buf, files[i].content);
	}
	char sub[PATH_MAX];
	ck_assert_int_eq(count_entries(dir), 4); /* SKILL.md scripts references assets */
	fmt(sub, sizeof sub, "%s/scripts", dir);
	ck_assert_int_eq(count_entries(sub), 2);
	ck_assert_int_eq(lstat(sub, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	fmt(sub, sizeof sub, "%s/scripts/lib", dir);
	ck_assert_int_eq(count_entries(sub), 1);
	fmt(sub, sizeof sub, "%s/assets", dir);
	ck_assert_int_eq(count_entries(sub), 1);
	fmt(sub, sizeof sub, "%s/references", dir);
	ck_assert_int_eq(count_entries(sub), 1);
}

static void skill_dir(struct fake *f, const struct skc_file *verify, char *dir)
{
	char err[256] = "";
	int rc = rc_skill_dir(&f->table, &f->skill, verify, dir, PATH_MAX, err, sizeof err);
	ck_assert_msg(rc == 0, "rc_skill_dir: %s", err);
}

START_TEST(test_extract)
{
	use_temp_cache();
	struct fake f;
	fake_init(&f, 1);
	char dir[PATH_MAX], want[PATH_MAX];
	skill_dir(&f, NULL, dir);
	fmt(want, sizeof want, "%s/xdg/skillc/%s", tmp_root, skc_str(&f.table, f.skill.digest));
	ck_assert_str_eq(dir, want);
	assert_extracted(dir);

	struct stat st, again;
	char root[PATH_MAX];
	fmt(root, sizeof root, "%s/xdg/skillc", tmp_root);
	ck_assert_int_eq(lstat(root, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(count_entries(root), 1); /* no temp dirs left */

	/* A good extraction is reused, not redone. */
	char path[PATH_MAX];
	fmt(path, sizeof path, "%s/scripts/run.sh", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	skill_dir(&f, &f.files[1], dir);
	ck_assert_int_eq(stat(path, &again), 0);
	ck_assert_uint_eq(st.st_ino, again.st_ino);
	drop_temp_cache();
}
END_TEST

/* Each damage is noticed (with `verify` on run.sh) and repaired. */
static const char *const tampers[] = {
	"printf '#!/bin/sh\\necho HI\\n' > scripts/run.sh",    /* same size: hash */
	"echo more >> references/guide.md",                     /* size */
	"rm SKILL.md",                                          /* missing */
	"chmod 0777 scripts/lib/util.py",                       /* mode */
	"echo 'import os' > scripts/json.py",                   /* extra file */
	"mkdir assets/extra",                                   /* extra dir */
	"rm -r scripts/lib && ln -s /tmp scripts/lib",          /* symlinked dir */
	"chmod 0777 scripts",                                   /* dir mode */
	"rm scripts/lib/util.py && mkfifo scripts/lib/util.py", /* not a file */
	"cd .. && rm -r \"$OLDPWD\"",                           /* whole dir gone */
	"d=$PWD && cd .. && rm -r \"$d\" && echo x > \"$d\"",   /* a file instead */
	"d=$PWD && cd .. && rm -r \"$d\" && ln -s /tmp \"$d\"", /* a symlink instead */
};

START_TEST(test_tamper)
{
	use_temp_cache();
	struct fake f;
	fake_init(&f, 2);
	char dir[PATH_MAX], cmd[PATH_MAX * 2];
	skill_dir(&f, NULL, dir);
	fmt(cmd, sizeof cmd, "cd '%s' && %s", dir, tampers[_i]);
	ck_assert_int_eq(system(cmd), 0);
	skill_dir(&f, &f.files[1], dir);
	assert_extracted(dir);
	char root[PATH_MAX];
	fmt(root, sizeof root, "%s/xdg/skillc", tmp_root);
	ck_assert_int_eq(count_entries(root), 1); /* nothing left aside */
	drop_temp_cache();
}
END_TEST

/* Several processes extract the same fresh skills at once; all succeed. */
START_TEST(test_concurrent)
{
	use_temp_cache();
	enum { PROCS = 4, ROUNDS = 15 };
	pid_t pids[PROCS];
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		ck_assert_int_ge(pids[p], 0);
		if (pids[p] == 0) {
			int bad = 0;
			for (int r = 0; r < ROUNDS; r++) {
				struct fake f;
				char dir[PATH_MAX], err[256];
				fake_init(&f, 100 + r);
				bad |= rc_skill_dir(&f.table, &f.skill, &f.files[1], dir, sizeof dir,
						    err, sizeof err) != 0;
			}
			_exit(bad);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int status;
		ck_assert_int_eq(waitpid(pids[p], &status, 0), pids[p]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	char root[PATH_MAX];
	fmt(root, sizeof root, "%s/xdg/skillc", tmp_root);
	ck_assert_int_eq(count_entries(root), ROUNDS);
	for (int r = 0; r < ROUNDS; r++) {
		struct fake f;
		char dir[PATH_MAX];
		fake_init(&f, 100 + r);
		fmt(dir, sizeof dir, "%s/%s", root, skc_str(&f.table, f.skill.digest));
		assert_extracted(dir);
	}
	drop_temp_cache();
}
END_TEST

/* A root that others could write, or that is not a plain directory, is refused. */
static const char *const bad_roots[] = {
	"mkdir -m 0777 skillc",
	"mkdir -m 0720 skillc",
	"ln -s /tmp skillc",
	"echo x > skillc",
};

START_TEST(test_bad_root)
{
	use_temp_cache();
	char cmd[PATH_MAX * 2], buf[PATH_MAX], err[256] = "";
	fmt(cmd, sizeof cmd, "mkdir -p '%s/xdg' && cd '%s/xdg' && %s", tmp_root, tmp_root,
		 bad_roots[_i]);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(rc_root(buf, sizeof buf, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cache root '"));
	struct fake f;
	char dir[PATH_MAX];
	fake_init(&f, 3);
	ck_assert_int_eq(rc_skill_dir(&f.table, &f.skill, NULL, dir, sizeof dir, err, sizeof err), -1);
	drop_temp_cache();
}
END_TEST

START_TEST(test_root_fallbacks)
{
	use_temp_cache();
	char buf[PATH_MAX], want[PATH_MAX], err[256] = "";
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", tmp_root, 1);
	ck_assert_int_eq(rc_root(buf, sizeof buf, err, sizeof err), 0);
	fmt(want, sizeof want, "%s/.cache/skillc", tmp_root);
	ck_assert_str_eq(buf, want);

	setenv("XDG_CACHE_HOME", "relative/ignored", 1);
	unsetenv("HOME");
	setenv("TMPDIR", tmp_root, 1);
	ck_assert_int_eq(rc_root(buf, sizeof buf, err, sizeof err), 0);
	fmt(want, sizeof want, "%s/skillc-%lu", tmp_root, (unsigned long)geteuid());
	ck_assert_str_eq(buf, want);
	struct stat st;
	ck_assert_int_eq(lstat(buf, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);

	/* A path too long for the buffer is an error, not a cut path. */
	char small[8];
	ck_assert_int_eq(rc_root(small, sizeof small, err, sizeof err), -1);
	drop_temp_cache();
}
END_TEST

/* Unsafe paths and corrupt data in the table are refused; nothing is run from. */
static const char *const bad_paths[] = {
	"../escape", "/etc/passwd", "a//b", "a/./b", "a/../../b", "a/", "..", ".",
};

START_TEST(test_bad_table)
{
	use_temp_cache();
	struct fake f;
	char dir[PATH_MAX], err[256] = "";
	fake_init(&f, 4);
	add_file(&f, bad_paths[_i], "boom\n", 0644);
	ck_assert_int_eq(rc_skill_dir(&f.table, &f.skill, NULL, dir, sizeof dir, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unsafe"));
	drop_temp_cache();
}
END_TEST

START_TEST(test_corrupt_data)
{
	use_temp_cache();
	struct fake f;
	char dir[PATH_MAX], err[256] = "", root[PATH_MAX];
	fake_init(&f, 5);
	f.files[2].sha256[0] ^= 1;
	ck_assert_int_eq(rc_skill_dir(&f.table, &f.skill, NULL, dir, sizeof dir, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "corrupt"));
	fmt(root, sizeof root, "%s/xdg/skillc", tmp_root);
	ck_assert_int_eq(count_entries(root), 0); /* the temp dir was removed */

	fake_init(&f, 6);
	f.files[0].size = f.table.data_size; /* past the blob */
	ck_assert_int_eq(rc_skill_dir(&f.table, &f.skill, NULL, dir, sizeof dir, err, sizeof err), -1);
	fake_init(&f, 7);
	f.skill.digest = put(&f, "../../../../tmp/x", 17);
	ck_assert_int_eq(rc_skill_dir(&f.table, &f.skill, NULL, dir, sizeof dir, err, sizeof err), -1);
	fake_init(&f, 8);
	struct skc_file other = f.files[0];
	ck_assert_int_eq(rc_skill_dir(&f.table, &f.skill, &other, dir, sizeof dir, err, sizeof err), -1);
	drop_temp_cache();
}
END_TEST

Suite *suite_cache(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_extract);
	tcase_add_loop_test(tc, test_tamper, 0, (int)(sizeof tampers / sizeof tampers[0]));
	tcase_add_test(tc, test_concurrent);
	tcase_add_loop_test(tc, test_bad_root, 0, (int)(sizeof bad_roots / sizeof bad_roots[0]));
	tcase_add_test(tc, test_root_fallbacks);
	tcase_add_loop_test(tc, test_bad_table, 0, (int)(sizeof bad_paths / sizeof bad_paths[0]));
	tcase_add_test(tc, test_corrupt_data);
	suite_add_tcase(s, tc);
	return s;
}
