#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sha256.h"

enum {
	MAX_DEPTH = 64, /* directory nesting walked or removed */
	ATTEMPTS = 4    /* extract-and-check rounds before giving up */
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(char *err, size_t errn, const char *fmt, ...)
{
	if (err && errn) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errn, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* snprintf that reports truncation instead of returning a cut path. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static bool join(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r >= 0 && (size_t)r < n;
}

/* Create every missing directory of `path` (0700), as mkdir -p. */
static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	if (!join(tmp, sizeof tmp, "%s", path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = tmp + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = c;
		if (!c)
			return 0;
	}
}

int rc_private_dir(const char *parent, const char *name, const char *what, char *buf, size_t n,
		   char *err, size_t errn)
{
	if (!join(buf, n, "%s/%s", parent, name))
		return fail(err, errn, "%s under '%s' is too long", what, parent);
	struct stat st;
	/* The common case, an existing directory, costs one lstat. */
	if (lstat(buf, &st) < 0 && errno == ENOENT) {
		if (mkdir_p(parent) < 0 || (mkdir(buf, 0700) < 0 && errno != EEXIST)) {
			fail(err, errn, "cannot create %s '%s': %s", what, buf, strerror(errno));
			return 1;
		}
	}
	if (lstat(buf, &st) < 0) {
		fail(err, errn, "cannot stat %s '%s': %s", what, buf, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return fail(err, errn, "%s '%s' is not a directory", what, buf);
	if (st.st_uid != geteuid())
		return fail(err, errn, "%s '%s' is not owned by the current user", what, buf);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return fail(err, errn, "%s '%s' is group or world writable", what, buf);
	return 0;
}

static int make_root(const char *parent, const char *name, char *buf, size_t n, char *err,
		     size_t errn)
{
	return rc_private_dir(parent, name, "cache root", buf, n, err, errn);
}

static const char *abs_env(const char *name)
{
	const char *v = getenv(name);
	return v && v[0] == '/' ? v : NULL;
}

int rc_root(char *buf, size_t n, char *err, size_t errn)
{
	char parent[PATH_MAX], name[64];
	const char *v;
	int r;
	if ((v = abs_env("XDG_CACHE_HOME")) != NULL) {
		r = make_root(v, "skillc", buf, n, err, errn);
		if (r <= 0)
			return r;
	} else if ((v = abs_env("HOME")) != NULL) {
		if (!join(parent, sizeof parent, "%s/.cache", v))
			return fail(err, errn, "home directory '%s' is too long", v);
		r = make_root(parent, "skillc", buf, n, err, errn);
		if (r <= 0)
			return r;
	}
	snprintf(name, sizeof name, "skillc-%lu", (unsigned long)geteuid());
	if ((v = abs_env("TMPDIR")) != NULL) {
		r = make_root(v, name, buf, n, err, errn);
		if (r <= 0)
			return r;
	}
	r = make_root("/tmp", name, buf, n, err, errn);
	return r <= 0 ? r : -1;
}

/* Relative, no empty, '.' or '..' segment, no NUL inside the slice. */
static bool path_ok(const struct skc_table *t, struct skc_slice sl)
{
	const char *p = skc_str(t, sl);
	if (sl.len == 0 || sl.len >= PATH_MAX / 2 || strlen(p) != sl.len || p[0] == '/')
		return false;
	for (const char *seg = p;;) {
		size_t len = strcspn(seg, "/");
		if (len == 0 || (len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return false;
		if (!seg[len])
			return true;
		seg += len + 1;
	}
}

static bool slice_ok(const struct skc_table *t, struct skc_slice sl)
{
	return (uint64_t)sl.off + sl.len < t->data_size;
}

/* The table entries this skill relies on are in bounds and well-formed. */
static int check_table(const struct skc_table *t, const struct skc_skill *s, char *err,
		       size_t errn)
{
	if (!slice_ok(t, s->digest) || s->digest.len != 64)
		return fail(err, errn, "skill has a malformed digest");
	const char *d = skc_str(t, s->digest);
	for (int i = 0; i < 64; i++)
		if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
			return fail(err, errn, "skill has a malformed digest");
	if ((uint64_t)s->file_first + s->file_count > t->file_count)
		return fail(err, errn, "skill '%.64s' has files out of range", d);
	for (uint32_t i = 0; i < s->file_count; i++) {
		const struct skc_file *f = &t->files[s->file_first + i];
		if (!slice_ok(t, f->path) || !path_ok(t, f->path))
			return fail(err, errn, "skill file path is unsafe");
		if (f->data_off > t->data_size || f->size > t->data_size - f->data_off)
			return fail(err, errn, "skill file '%s' is out of bounds", skc_str(t, f->path));
		if (f->mode != 0644 && f->mode != 0755)
			return fail(err, errn, "skill file '%s' has mode %o", skc_str(t, f->path),
				    (unsigned)f->mode);
	}
	return 0;
}

/* How many distinct directories the skill's paths imply. */
static size_t implied_dirs(const struct skc_table *t, const struct skc_skill *s)
{
	size_t count = 0;
	for (uint32_t i = 0; i < s->file_count; i++) {
		const char *p = skc_str(t, t->files[s->file_first + i].path);
		for (size_t k = 0; p[k]; k++) {
			if (p[k] != '/')
				continue;
			bool seen = false;
			for (uint32_t j = 0; j < i && !seen; j++) {
				const char *q = skc_str(t, t->files[s->file_first + j].path);
				seen = strncmp(p, q, k) == 0 && q[k] == '/';
			}
			count += !seen;
		}
	}
	return count;
}

/* Count entries under dfd (closed here); -1 on anything but a private 0755
 * directory or a regular file of ours. */
static long walk(int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -1;
	}
	long count = 0;
	struct dirent *e;
	while (count >= 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st.st_uid != geteuid()) {
			count = -1;
		} else if (S_ISDIR(st.st_mode)) {
			int sub = (st.st_mode & 07777) == 0755 && depth < MAX_DEPTH
					  ? openat(dirfd(d), e->d_name,
						   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
					  : -1;
			long c = sub >= 0 ? walk(sub, depth + 1) : -1;
			count = c < 0 ? -1 : count + c + 1;
		} else if (S_ISREG(st.st_mode)) {
			count++;
		} else {
			count = -1;
		}
	}
	closedir(d);
	return count;
}

static bool hash_matches(int fd, uint64_t size, const uint8_t want[32])
{
	struct sha256 h;
	unsigned char buf[16384];
	uint64_t total = 0;
	sha256_init(&h);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		if (r == 0)
			break;
		total += (uint64_t)r;
		sha256_update(&h, buf, (size_t)r);
	}
	uint8_t got[32];
	sha256_final(&h, got);
	return total == size && memcmp(got, want, 32) == 0;
}

enum state { GOOD, MISSING, BAD };

/* Whether `path` holds exactly the skill's files. */
static enum state dir_state(const struct skc_table *t, const struct skc_skill *s,
			    const struct skc_file *verify, const char *path)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? MISSING : BAD;
	struct stat st;
	bool ok = fstat(dfd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 07777) == 0755;
	for (uint32_t i = 0; ok && i < s->file_count; i++) {
		const struct skc_file *f = &t->files[s->file_first + i];
		ok = fstatat(dfd, skc_str(t, f->path), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		     S_ISREG(st.st_mode) && (uint64_t)st.st_size == f->size &&
		     (st.st_mode & 07777) == f->mode && st.st_uid == geteuid();
	}
	if (ok && verify) {
		int fd = openat(dfd, skc_str(t, verify->path), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		ok = fd >= 0 && hash_matches(fd, verify->size, verify->sha256);
		if (fd >= 0)
			close(fd);
	}
	if (ok) {
		int wfd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
		long n = wfd >= 0 ? walk(wfd, 0) : -1;
		if (wfd >= 0 && n >= 0)
			ok = (size_t)n == s->file_count + implied_dirs(t, s);
		else
			ok = false;
	}
	close(dfd);
	return ok ? GOOD : BAD;
}

/* rm -rf below dfd (closed here), making directories writable first. */
static void remove_below(int dfd, int depth)
{
	fchmod(dfd, 0700);
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			continue;
		int sub = depth < MAX_DEPTH ? openat(dirfd(d), e->d_name,
						     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
					    : -1;
		if (sub >= 0) {
			remove_below(sub, depth + 1);
			unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
		}
	}
	closedir(d);
}

static void remove_tree(const char *path)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0)
		remove_below(dfd, 0);
	if (rmdir(path) < 0 && errno == ENOTDIR)
		unlink(path);
}

static int write_all(int fd, const unsigned char *p, uint64_t n)
{
	while (n) {
		size_t chunk = n > (1u << 30) ? (1u << 30) : (size_t)n;
		ssize_t w = write(fd, p, chunk);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (uint64_t)w;
	}
	return 0;
}

/* Write the skill's files below the fresh directory `tmp`. */
static int fill(const struct skc_table *t, const struct skc_skill *s, const char *tmp, char *err,
		size_t errn)
{
	int dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return fail(err, errn, "cannot open '%s': %s", tmp, strerror(errno));
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < s->file_count; i++) {
		const struct skc_file *f = &t->files[s->file_first + i];
		const char *rel = skc_str(t, f->path);
		const unsigned char *data = t->data + f->data_off;
		uint8_t sum[32];
		sha256_buf(data, (size_t)f->size, sum);
		if (memcmp(sum, f->sha256, 32) != 0) {
			rc = fail(err, errn, "embedded file '%s' is corrupt", rel);
			break;
		}
		char sub[PATH_MAX];
		join(sub, sizeof sub, "%s", rel); /* path_ok bounded its length */
		for (char *p = strchr(sub, '/'); p; p = strchr(p + 1, '/')) {
			*p = '\0';
			if (mkdirat(dfd, sub, 0755) < 0 && errno != EEXIST)
				rc = fail(err, errn, "cannot create '%s/%s': %s", tmp, sub,
					  strerror(errno));
			else
				fchmodat(dfd, sub, 0755, 0); /* against the umask */
			*p = '/';
			if (rc)
				break;
		}
		if (rc)
			break;
		int fd = openat(dfd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				(mode_t)f->mode);
		if (fd < 0 || write_all(fd, data, f->size) < 0 || fchmod(fd, (mode_t)f->mode) < 0)
			rc = fail(err, errn, "cannot write '%s/%s': %s", tmp, rel, strerror(errno));
		if (fd >= 0 && close(fd) < 0 && !rc)
			rc = fail(err, errn, "cannot write '%s/%s': %s", tmp, rel, strerror(errno));
	}
	if (!rc && fchmod(dfd, 0755) < 0)
		rc = fail(err, errn, "cannot chmod '%s': %s", tmp, strerror(errno));
	close(dfd);
	return rc;
}

/* Extract into a temp dir and rename it to `final`; losing the race is fine. */
static int extract(const struct skc_table *t, const struct skc_skill *s, const char *root,
		   const char *digest, const char *final, char *err, size_t errn)
{
	char tmp[PATH_MAX];
	if (!join(tmp, sizeof tmp, "%s/.tmp-%s-%ld-XXXXXX", root, digest, (long)getpid()))
		return fail(err, errn, "cache path under '%s' is too long", root);
	if (!mkdtemp(tmp))
		return fail(err, errn, "cannot create '%s': %s", tmp, strerror(errno));
	if (fill(t, s, tmp, err, errn) < 0) {
		remove_tree(tmp);
		return -1;
	}
	if (rename(tmp, final) < 0) {
		int e = errno;
		remove_tree(tmp);
		if (e != EEXIST && e != ENOTEMPTY)
			return fail(err, errn, "cannot rename '%s' to '%s': %s", tmp, final,
				    strerror(e));
	}
	return 0;
}

/* Move a bad `final` aside (atomically, so no one runs from half of it) and
 * remove it. */
static void discard(const char *root, const char *digest, const char *final)
{
	char aside[PATH_MAX];
	if (!join(aside, sizeof aside, "%s/.bad-%s-%ld-XXXXXX", root, digest, (long)getpid()) ||
	    !mkdtemp(aside))
		return;
	/* Replaces the empty placeholder; ENOENT: someone else moved it. */
	if (rename(final, aside) < 0 && (errno == EISDIR || errno == ENOTDIR)) {
		rmdir(aside);
		unlink(final);
		return;
	}
	remove_tree(aside);
}

int rc_skill_dir(const struct skc_table *t, const struct skc_skill *s,
		 const struct skc_file *verify, char *dir, size_t n, char *err, size_t errn)
{
	if (check_table(t, s, err, errn) < 0)
		return -1;
	if (verify && (verify < t->files + s->file_first ||
		       verify >= t->files + s->file_first + s->file_count))
		return fail(err, errn, "file to verify is not one of the skill's files");
	char root[PATH_MAX];
	if (rc_root(root, sizeof root, err, errn) < 0)
		return -1;
	const char *digest = skc_str(t, s->digest);
	if (!join(dir, n, "%s/%s", root, digest))
		return fail(err, errn, "cache path under '%s' is too long", root);
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		enum state st = dir_state(t, s, verify, dir);
		if (st == GOOD)
			return 0;
		/* Only what was seen bad is discarded: a missing one may have been
		 * put in place by a concurrent process since. */
		if (st == BAD)
			discard(root, digest, dir);
		if (extract(t, s, root, digest, dir, err, errn) < 0)
			return -1;
	}
	return fail(err, errn, "cache directory '%s' keeps failing verification", dir);
}
