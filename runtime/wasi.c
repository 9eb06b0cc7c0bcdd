/*
 * wasi.c - the WASI preview 1 shim that modules compiled in by wasm2c
 * import. It runs in the call's own child process and grants nothing the
 * call's wasi_config does not: no variable, directory, clock, randomness or
 * network it does not list. Every pointer a module passes is checked
 * against its linear memory, which may move when it grows, so it is looked
 * up again on every call.
 *
 * wasm2c names an import Z_<module>Z_<name> and passes the importing
 * instance's pointer for that module first; the glue the bake writes
 * passes the same struct wasi_host_ctx for every imported module.
 */
#define _GNU_SOURCE
#include "wasi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "wasi_impl.h"

/* WASI file types. */
enum { FT_UNKNOWN = 0, FT_BLOCK = 1, FT_CHAR = 2, FT_DIR = 3, FT_FILE = 4, FT_SYMLINK = 7 };

enum { MAX_FDS = WASI_MAX_FDS, RIGHTS_ALL = 0x1fffffff };

/* A stream in memory (wasi_config.io) rather than a host fd. */
enum { MEM_FD = -2 };

/* What a setjmp in wasi_run gets back besides a trap's code. */
enum { JUMP_EXIT = 0x100, JUMP_CAPPED = 0x200 };
#define RIGHT_FD_WRITE (1u << 6)

/* --- memory ---------------------------------------------------------------- */

/* The module's bytes [p, p+n), or NULL when they are not all in its memory. */
static uint8_t *span(struct wasi_host_ctx *h, u32 p, u64 n)
{
	if (!h->mem || (u64)p + n > h->mem->size)
		return NULL;
	return h->mem->data + p;
}

static int put32(struct wasi_host_ctx *h, u32 p, u32 v)
{
	uint8_t *b = span(h, p, 4);
	if (!b)
		return WASI_E_FAULT;
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return 0;
}

static int put64(struct wasi_host_ctx *h, u32 p, u64 v)
{
	if (!span(h, p, 8))
		return WASI_E_FAULT;
	put32(h, p, (u32)v);
	return put32(h, p + 4, (u32)(v >> 32));
}

static u32 get32(const uint8_t *b)
{
	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static u64 get64(const uint8_t *b)
{
	return (u64)get32(b) | (u64)get32(b + 4) << 32;
}

static u32 werr(int e)
{
	switch (e) {
	case 0: return WASI_E_SUCCESS;
	case E2BIG: return WASI_E_2BIG;
	case EACCES: return WASI_E_ACCES;
	case EAGAIN: return WASI_E_AGAIN;
	case EBADF: return WASI_E_BADF;
	case EEXIST: return WASI_E_EXIST;
	case EFAULT: return WASI_E_FAULT;
	case EFBIG: return WASI_E_FBIG;
	case EINTR: return WASI_E_INTR;
	case EINVAL: return WASI_E_INVAL;
	case EISDIR: return WASI_E_ISDIR;
	case ELOOP: return WASI_E_LOOP;
	case EMFILE: return WASI_E_MFILE;
	case ENAMETOOLONG: return WASI_E_NAMETOOLONG;
	case ENFILE: return WASI_E_NFILE;
	case ENOENT: return WASI_E_NOENT;
	case ENOMEM: return WASI_E_NOMEM;
	case ENOSPC: return WASI_E_NOSPC;
	case ENOSYS: return WASI_E_NOSYS;
	case ENOTDIR: return WASI_E_NOTDIR;
	case ENOTEMPTY: return WASI_E_NOTEMPTY;
	case EOPNOTSUPP: return WASI_E_NOTSUP;
	case EPERM: return WASI_E_PERM;
	case EPIPE: return WASI_E_PIPE;
	case EROFS: return WASI_E_ROFS;
	case ESPIPE: return WASI_E_SPIPE;
	case EXDEV: return WASI_E_XDEV;
	default: return WASI_E_IO;
	}
}

/* Bytes onto the module's stderr: fd 2, or the tail kept in memory. */
static void err_put(struct wasi_host_ctx *h, const char *b, size_t n)
{
	struct wasi_io *io = h->cfg->io;
	if (!io) {
		while (n > 0) {
			ssize_t w = write(2, b, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return;
			b += w;
			n -= (size_t)w;
		}
		return;
	}
	size_t cap = sizeof io->err;
	if (n >= cap) {
		b += n - cap;
		n = cap;
		io->err_dropped |= io->err_len > 0;
		io->err_len = 0;
	}
	if (io->err_len + n > cap) {
		size_t drop = io->err_len + n - cap;
		memmove(io->err, io->err + drop, io->err_len - drop);
		io->err_len -= drop;
		io->err_dropped = true;
	}
	memcpy(io->err + io->err_len, b, n);
	io->err_len += n;
}

void wasi_log(struct wasi_host_ctx *h, const char *msg)
{
	char line[512];
	int n = snprintf(line, sizeof line, "wasi: %s: %s\n", h->cfg->tool, msg);
	if (n > (int)sizeof line - 1)
		n = (int)sizeof line - 1;
	if (n > 0)
		err_put(h, line, (size_t)n);
}

/* Said once per kind on the tool's stderr: a module's own error message
 * rarely says which grant it lacked. */
u32 wasi_refuse(struct wasi_host_ctx *h, unsigned kind, const char *call, const char *grant)
{
	if (!(h->refused & kind)) {
		h->refused |= kind;
		char msg[256];
		snprintf(msg, sizeof msg, "%s refused: %s is not granted", call, grant);
		wasi_log(h, msg);
	}
	return WASI_E_NOTCAPABLE;
}

static struct wasi_fd *fd_get(struct wasi_host_ctx *h, u32 fd)
{
	return fd < MAX_FDS && h->fds[fd].host != -1 ? &h->fds[fd] : NULL; /* MEM_FD too */
}

/* --- args, environment, clocks, randomness ------------------------------ */

static u32 vec_sizes(struct wasi_host_ctx *h, const char *const *v, size_t n, u32 count_p, u32 size_p)
{
	u64 size = 0;
	for (size_t i = 0; i < n; i++)
		size += strlen(v[i]) + 1;
	if (size > UINT32_MAX)
		return WASI_E_2BIG;
	return put32(h, count_p, (u32)n) ? WASI_E_FAULT : (u32)put32(h, size_p, (u32)size);
}

static u32 vec_get(struct wasi_host_ctx *h, const char *const *v, size_t n, u32 ptrs, u32 buf)
{
	if (!span(h, ptrs, (u64)n * 4))
		return WASI_E_FAULT;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;
		uint8_t *b = span(h, buf, len);
		if (!b)
			return WASI_E_FAULT;
		memcpy(b, v[i], len);
		put32(h, ptrs + (u32)(4 * i), buf);
		buf += (u32)len;
	}
	return WASI_E_SUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_args_sizes_get(struct wasi_host_ctx *h, u32 argc_p, u32 size_p)
{
	return vec_sizes(h, h->cfg->argv, h->cfg->argc, argc_p, size_p);
}

u32 Z_wasi_snapshot_preview1Z_args_get(struct wasi_host_ctx *h, u32 argv_p, u32 buf_p)
{
	return vec_get(h, h->cfg->argv, h->cfg->argc, argv_p, buf_p);
}

u32 Z_wasi_snapshot_preview1Z_environ_sizes_get(struct wasi_host_ctx *h, u32 n_p, u32 size_p)
{
	return vec_sizes(h, h->cfg->env, h->cfg->n_env, n_p, size_p);
}

u32 Z_wasi_snapshot_preview1Z_environ_get(struct wasi_host_ctx *h, u32 env_p, u32 buf_p)
{
	return vec_get(h, h->cfg->env, h->cfg->n_env, env_p, buf_p);
}

static int clock_of(u32 id, clockid_t *c)
{
	static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
					CLOCK_THREAD_CPUTIME_ID};
	if (id >= sizeof ids / sizeof ids[0])
		return -1;
	*c = ids[id];
	return 0;
}

/* clock_time_get, or with res the clock's resolution (clock_res_get). */
static u32 clock_call(struct wasi_host_ctx *h, u32 id, u32 out_p, bool res)
{
	struct timespec ts;
	clockid_t c;
	if (!h->cfg->clock)
		return wasi_refuse(h, 1, res ? "clock_res_get" : "clock_time_get",
				   "the clock (permissions: clock = true)");
	if (clock_of(id, &c) || (res ? clock_getres(c, &ts) : clock_gettime(c, &ts)))
		return WASI_E_INVAL;
	return (u32)put64(h, out_p, (u64)ts.tv_sec * 1000000000u + (u64)ts.tv_nsec);
}

u32 Z_wasi_snapshot_preview1Z_clock_res_get(struct wasi_host_ctx *h, u32 id, u32 res_p)
{
	return clock_call(h, id, res_p, true);
}

u32 Z_wasi_snapshot_preview1Z_clock_time_get(struct wasi_host_ctx *h, u32 id, u64 precision, u32 t_p)
{
	(void)precision;
	return clock_call(h, id, t_p, false);
}

u32 Z_wasi_snapshot_preview1Z_random_get(struct wasi_host_ctx *h, u32 buf, u32 len)
{
	if (!h->cfg->random)
		return wasi_refuse(h, 2, "random_get", "randomness (permissions: random = true)");
	uint8_t *b = span(h, buf, len);
	if (!b)
		return WASI_E_FAULT;
	for (u32 done = 0; done < len;) {
		ssize_t n = getrandom(b + done, len - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return werr(errno);
		}
		done += (u32)n;
	}
	return WASI_E_SUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_sched_yield(struct wasi_host_ctx *h)
{
	(void)h;
	return WASI_E_SUCCESS;
}

__attribute__((noreturn)) void Z_wasi_snapshot_preview1Z_proc_exit(struct wasi_host_ctx *h, u32 code)
{
	code = code > 255 ? 255 : code;
	if (h->cfg->io)
		longjmp(wasm_rt_jmp_buf, JUMP_EXIT + (int)code);
	/* Output went straight to fds 1 and 2; nothing buffered to flush. */
	_exit((int)code);
}

/* --- descriptors ---------------------------------------------------------- */

/* The module's iovec array as host iovecs; n is capped at IOV_MAX. */
static u32 iovs(struct wasi_host_ctx *h, u32 p, u32 n, struct iovec *out, int *count)
{
	if (n > 64)
		n = 64;
	const uint8_t *v = span(h, p, (u64)n * 8);
	if (!v)
		return WASI_E_FAULT;
	for (u32 i = 0; i < n; i++) {
		u32 base = get32(v + 8 * i), len = get32(v + 8 * i + 4);
		uint8_t *b = span(h, base, len);
		if (!b)
			return WASI_E_FAULT;
		out[i].iov_base = b;
		out[i].iov_len = len;
	}
	*count = (int)n;
	return WASI_E_SUCCESS;
}

/* fd 0, 1 or 2 in memory. A write past the output cap keeps what fits and
 * stops the module, as the cap stops a process. */
static u32 mem_rw(struct wasi_host_ctx *h, u32 fd, const struct iovec *v, int cnt, bool is_write,
		  u32 done_p)
{
	struct wasi_io *io = h->cfg->io;
	size_t done = 0;
	for (int i = 0; i < cnt; i++) {
		size_t n = v[i].iov_len;
		if (!is_write) {
			size_t left = io->in_len - io->in_off;
			n = n < left ? n : left;
			if (n) /* no stdin at all: in is NULL */
				memcpy(v[i].iov_base, io->in + io->in_off, n);
			io->in_off += n;
		} else if (fd == 2) {
			err_put(h, v[i].iov_base, n);
		} else {
			size_t room = io->out_cap - io->out_len;
			memcpy(io->out + io->out_len, v[i].iov_base, n < room ? n : room);
			io->out_len += n < room ? n : room;
			if (n > room) {
				io->out_capped = true;
				longjmp(wasm_rt_jmp_buf, JUMP_CAPPED);
			}
		}
		done += n;
	}
	return (u32)put32(h, done_p, (u32)done);
}

static u32 rw(struct wasi_host_ctx *h, u32 fd, u32 iov, u32 n, bool is_write, bool at, u64 off,
	      u32 done_p)
{
	struct wasi_fd *f = fd_get(h, fd);
	struct iovec v[64];
	int cnt;
	if (!f)
		return WASI_E_BADF;
	if (f->dir)
		return WASI_E_ISDIR;
	if (is_write && !f->write)
		return WASI_E_BADF;
	u32 e = iovs(h, iov, n, v, &cnt);
	if (e)
		return e;
	if (f->host == MEM_FD)
		return at ? WASI_E_SPIPE : mem_rw(h, fd, v, cnt, is_write, done_p);
	ssize_t r;
	do {
		if (at)
			r = is_write ? pwritev(f->host, v, cnt, (off_t)off) : preadv(f->host, v, cnt, (off_t)off);
		else
			r = is_write ? writev(f->host, v, cnt) : readv(f->host, v, cnt);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return werr(errno);
	return (u32)put32(h, done_p, (u32)r);
}

u32 Z_wasi_snapshot_preview1Z_fd_read(struct wasi_host_ctx *h, u32 fd, u32 iov, u32 n, u32 nread_p)
{
	return rw(h, fd, iov, n, false, false, 0, nread_p);
}

u32 Z_wasi_snapshot_preview1Z_fd_write(struct wasi_host_ctx *h, u32 fd, u32 iov, u32 n, u32 nw_p)
{
	return rw(h, fd, iov, n, true, false, 0, nw_p);
}

u32 Z_wasi_snapshot_preview1Z_fd_pread(struct wasi_host_ctx *h, u32 fd, u32 iov, u32 n, u64 off,
				       u32 nread_p)
{
	return rw(h, fd, iov, n, false, true, off, nread_p);
}

u32 Z_wasi_snapshot_preview1Z_fd_pwrite(struct wasi_host_ctx *h, u32 fd, u32 iov, u32 n, u64 off,
					u32 nw_p)
{
	return rw(h, fd, iov, n, true, true, off, nw_p);
}

u32 Z_wasi_snapshot_preview1Z_fd_close(struct wasi_host_ctx *h, u32 fd)
{
	struct wasi_fd *f = fd_get(h, fd);
	if (!f)
		return WASI_E_BADF;
	if (fd > 2 && f->host != MEM_FD)
		close(f->host);
	f->host = -1;
	return WASI_E_SUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(struct wasi_host_ctx *h, u32 fd, u64 off, u32 whence, u32 pos_p)
{
	static const int wh[] = {SEEK_SET, SEEK_CUR, SEEK_END};
	struct wasi_fd *f = fd_get(h, fd);
	if (!f)
		return WASI_E_BADF;
	if (whence > 2)
		return WASI_E_INVAL;
	if (f->host == MEM_FD)
		return WASI_E_SPIPE;
	off_t r = lseek(f->host, (off_t)off, wh[whence]);
	if (r < 0)
		return werr(errno);
	return (u32)put64(h, pos_p, (u64)r);
}

u32 Z_wasi_snapshot_preview1Z_fd_tell(struct wasi_host_ctx *h, u32 fd, u32 pos_p)
{
	return Z_wasi_snapshot_preview1Z_fd_seek(h, fd, 0, 1, pos_p);
}

static uint8_t filetype(mode_t m)
{
	return S_ISREG(m)   ? FT_FILE
	       : S_ISDIR(m) ? FT_DIR
	       : S_ISCHR(m) ? FT_CHAR
	       : S_ISBLK(m) ? FT_BLOCK
	       : S_ISLNK(m) ? FT_SYMLINK
			    : FT_UNKNOWN;
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(struct wasi_host_ctx *h, u32 fd, u32 buf)
{
	struct wasi_fd *f = fd_get(h, fd);
	struct stat st;
	if (!f)
		return WASI_E_BADF;
	uint8_t *b = span(h, buf, 24);
	if (!b)
		return WASI_E_FAULT;
	if (f->host == MEM_FD) /* as a pipe looks: unknown type, no append */
		st.st_mode = S_IFIFO;
	else if (fstat(f->host, &st))
		return werr(errno);
	int fl = f->host == MEM_FD ? 0 : fcntl(f->host, F_GETFL);
	memset(b, 0, 24);
	b[0] = filetype(st.st_mode);
	b[2] = (uint8_t)((fl >= 0 && (fl & O_APPEND)) ? 1 : 0);
	u64 rights = f->write ? RIGHTS_ALL : RIGHTS_ALL & ~(u64)RIGHT_FD_WRITE;
	put64(h, buf + 8, rights);
	put64(h, buf + 16, rights);
	return WASI_E_SUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_set_flags(struct wasi_host_ctx *h, u32 fd, u32 flags)
{
	struct wasi_fd *f = fd_get(h, fd);
	if (!f)
		return WASI_E_BADF;
	if (f->host == MEM_FD)
		return WASI_E_SUCCESS;
	int fl = fcntl(f->host, F_GETFL);
	if (fl < 0)
		return werr(errno);
	fl = (flags & 1) ? fl | O_APPEND : fl & ~O_APPEND;
	fl = (flags & 4) ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(f->host, F_SETFL, fl) ? werr(errno) : WASI_E_SUCCESS;
}

static u32 put_filestat(struct wasi_host_ctx *h, u32 buf, const struct stat *st)
{
	uint8_t *b = span(h, buf, 64);
	if (!b)
		return WASI_E_FAULT;
	memset(b, 0, 64);
	put64(h, buf, (u64)st->st_dev);
	put64(h, buf + 8, (u64)st->st_ino);
	b[16] = filetype(st->st_mode);
	put64(h, buf + 24, (u64)st->st_nlink);
	put64(h, buf + 32, (u64)st->st_size);
	put64(h, buf + 40, (u64)st->st_atim.tv_sec * 1000000000u + (u64)st->st_atim.tv_nsec);
	put64(h, buf + 48, (u64)st->st_mtim.tv_sec * 1000000000u + (u64)st->st_mtim.tv_nsec);
	put64(h, buf + 56, (u64)st->st_ctim.tv_sec * 1000000000u + (u64)st->st_ctim.tv_nsec);
	return WASI_E_SUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_get(struct wasi_host_ctx *h, u32 fd, u32 buf)
{
	struct wasi_fd *f = fd_get(h, fd);
	struct stat st = {.st_mode = S_IFIFO};
	if (!f)
		return WASI_E_BADF;
	if (f->host == MEM_FD)
		return put_filestat(h, buf, &st);
	return fstat(f->host, &st) ? werr(errno) : put_filestat(h, buf, &st);
}

u32 Z_wasi_snapshot_preview1Z_fd_filestat_set_size(struct wasi_host_ctx *h, u32 fd, u64 size)
{
	struct wasi_fd *f = fd_get(h, fd);
	if (!f)
		return WASI_E_BADF;
	if (!f->write)
		return WASI_E_BADF;
	return ftruncate(f->host, (off_t)size) ? werr(errno) : WASI_E_SUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_advise(struct wasi_host_ctx *h, u32 fd, u64 off, u64 len, u32 adv)
{
	(void)off, (void)len, (void)adv;
	return fd_get(h, fd) ? WASI_E_SUCCESS : WASI_E_BADF;
}

u32 Z_wasi_snapshot_preview1Z_fd_sync(struct wasi_host_ctx *h, u32 fd)
{
	struct wasi_fd *f = fd_get(h, fd);
	if (!f)
		return WASI_E_BADF;
	return fsync(f->host) && errno != EINVAL ? werr(errno) : WASI_E_SUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_datasync(struct wasi_host_ctx *h, u32 fd)
{
	return Z_wasi_snapshot_preview1Z_fd_sync(h, fd);
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_get(struct wasi_host_ctx *h, u32 fd, u32 buf)
{
	struct wasi_fd *f = fd_get(h, fd);
	if (!f || f->pre < 0)
		return WASI_E_BADF;
	uint8_t *b = span(h, buf, 8);
	if (!b)
		return WASI_E_FAULT;
	memset(b, 0, 8);
	return (u32)put32(h, buf + 4, (u32)strlen(h->cfg->pre[f->pre].guest));
}

u32 Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(struct wasi_host_ctx *h, u32 fd, u32 buf, u32 len)
{
	struct wasi_fd *f = fd_get(h, fd);
	if (!f || f->pre < 0)
		return WASI_E_BADF;
	const char *g = h->cfg->pre[f->pre].guest;
	size_t n = strlen(g);
	if (len < n)
		return WASI_E_NAMETOOLONG;
	uint8_t *b = span(h, buf, n);
	if (!b)
		return WASI_E_FAULT;
	memcpy(b, g, n);
	return WASI_E_SUCCESS;
}

/* Directory entries from `cookie` on (the cookie is an entry's index). */
u32 Z_wasi_snapshot_preview1Z_fd_readdir(struct wasi_host_ctx *h, u32 fd, u32 buf, u32 len, u64 cookie,
					 u32 used_p)
{
	struct wasi_fd *f = fd_get(h, fd);
	if (!f)
		return WASI_E_BADF;
	if (!f->dir)
		return WASI_E_NOTDIR;
	uint8_t *out = span(h, buf, len);
	if (!out)
		return WASI_E_FAULT;
	int dfd = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dfd < 0 ? NULL : fdopendir(dfd);
	if (!dir) {
		int e = errno;
		if (dfd >= 0)
			close(dfd);
		return werr(e);
	}
	u32 used = 0;
	u64 idx = 0;
	struct dirent *de;
	while (used < len && (de = readdir(dir))) {
		if (idx++ < cookie)
			continue;
		uint8_t hdr[24] = {0};
		size_t nl = strlen(de->d_name);
		for (int i = 0; i < 8; i++) {
			hdr[i] = (uint8_t)(idx >> (8 * i));
			hdr[8 + i] = (uint8_t)((u64)de->d_ino >> (8 * i));
		}
		for (int i = 0; i < 4; i++)
			hdr[16 + i] = (uint8_t)(nl >> (8 * i));
		hdr[20] = de->d_type == DT_DIR ? FT_DIR
			  : de->d_type == DT_REG ? FT_FILE
			  : de->d_type == DT_LNK ? FT_SYMLINK
			  : de->d_type == DT_CHR ? FT_CHAR
			  : de->d_type == DT_BLK ? FT_BLOCK
						 : FT_UNKNOWN;
		/* A truncated last entry tells the module its buffer was too small. */
		size_t k = sizeof hdr < len - used ? sizeof hdr : len - used;
		memcpy(out + used, hdr, k);
		used += (u32)k;
		k = nl < len - used ? nl : len - used;
		memcpy(out + used, de->d_name, k);
		used += (u32)k;
	}
	closedir(dir);
	return (u32)put32(h, used_p, used);
}

/* --- paths ------------------------------------------------------------------ */

/* The path the module passed, as a C string in buf; refuses NULs. */
static u32 path_arg(struct wasi_host_ctx *h, u32 p, u32 n, char *buf, size_t bufn)
{
	const uint8_t *b = span(h, p, n);
	if (!b)
		return WASI_E_FAULT;
	if (n >= bufn)
		return WASI_E_NAMETOOLONG;
	if (memchr(b, 0, n))
		return WASI_E_INVAL;
	memcpy(buf, b, n);
	buf[n] = '\0';
	return WASI_E_SUCCESS;
}

/*
 * Open `path` beneath the directory fd: never above it, and never through
 * an absolute symlink or /proc magic link. openat2 does this in the
 * kernel; without it (before 5.6) absolute paths and ".." are refused
 * outright, and Landlock still holds the child to its grants.
 */
static int open_beneath(int dirfd, const char *path, int flags, mode_t mode)
{
#ifdef SYS_openat2
	struct {
		u64 flags, mode, resolve;
	} how = {(u64)(flags | O_CLOEXEC), (flags & O_CREAT) ? (u64)mode : 0, /* else EINVAL */
		 0x08 /* BENEATH */ | 0x02 /* NO_MAGICLINKS */};
	long r = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	if (r >= 0 || errno != ENOSYS)
		return (int)r;
#endif
	if (path[0] == '/') {
		errno = EPERM;
		return -1;
	}
	for (const char *c = path; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			errno = EPERM;
			return -1;
		}
		c += n;
		c += *c == '/';
	}
	return openat(dirfd, path, flags | O_CLOEXEC, mode);
}

/* The directory holding path's last component, opened beneath dirfd, and that
 * component in *base (pointing into path, which is modified). */
static int open_parent(struct wasi_fd *d, char *path, const char **base)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	char *slash = strrchr(path, '/');
	if (!slash) {
		*base = path;
		return openat(d->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	*slash = '\0';
	*base = slash + 1;
	if (!**base || !strcmp(*base, "..") || !strcmp(*base, ".")) {
		errno = EINVAL;
		return -1;
	}
	return open_beneath(d->host, *path ? path : "/", O_RDONLY | O_DIRECTORY, 0);
}

/* The directory fd a path call names and the path it passes. */
static u32 dir_path(struct wasi_host_ctx *h, u32 dirfd, u32 path_p, u32 path_n,
		    char path[PATH_MAX], struct wasi_fd **d)
{
	*d = fd_get(h, dirfd);
	if (!*d)
		return WASI_E_BADF;
	if (!(*d)->dir)
		return WASI_E_NOTDIR;
	return path_arg(h, path_p, path_n, path, PATH_MAX);
}

static int fd_new(struct wasi_host_ctx *h, int host, bool write, bool dir)
{
	for (int i = 3; i < MAX_FDS; i++)
		if (h->fds[i].host < 0) {
			h->fds[i] = (struct wasi_fd){.host = host, .write = write, .dir = dir, .pre = -1};
			return i;
		}
	return -1;
}

u32 Z_wasi_snapshot_preview1Z_path_open(struct wasi_host_ctx *h, u32 dirfd, u32 dirflags, u32 path_p,
					u32 path_n, u32 oflags, u64 rights, u64 inheriting,
					u32 fdflags, u32 fd_p)
{
	(void)inheriting;
	struct wasi_fd *d;
	char path[PATH_MAX];
	u32 e = dir_path(h, dirfd, path_p, path_n, path, &d);
	if (e)
		return e;
	bool want_write = (rights & RIGHT_FD_WRITE) || (oflags & (1 | 8)) || (fdflags & 1);
	if (want_write && !d->write)
		return wasi_refuse(h, 4, "path_open for writing", "writing there (permissions: files.write)");
	int flags = want_write ? ((rights & 2) ? O_RDWR : O_WRONLY) : O_RDONLY;
	if (oflags & 1)
		flags |= O_CREAT;
	if (oflags & 2)
		flags |= O_DIRECTORY;
	if (oflags & 4)
		flags |= O_EXCL;
	if (oflags & 8)
		flags |= O_TRUNC;
	if (fdflags & 1)
		flags |= O_APPEND;
	if (fdflags & 4)
		flags |= O_NONBLOCK;
	if (!(dirflags & 1))
		flags |= O_NOFOLLOW;
	int fd = open_beneath(d->host, path, flags, 0666);
	if (fd < 0 && errno == EISDIR && !want_write)
		fd = open_beneath(d->host, path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return werr(errno == EXDEV ? EPERM : errno);
	struct stat st;
	bool is_dir = !fstat(fd, &st) && S_ISDIR(st.st_mode);
	int g = fd_new(h, fd, d->write, is_dir);
	if (g < 0) {
		close(fd);
		return WASI_E_MFILE;
	}
	return (u32)put32(h, fd_p, (u32)g);
}

u32 Z_wasi_snapshot_preview1Z_path_filestat_get(struct wasi_host_ctx *h, u32 dirfd, u32 flags,
						u32 path_p, u32 path_n, u32 buf)
{
	struct wasi_fd *d;
	char path[PATH_MAX];
	struct stat st;
	u32 e = dir_path(h, dirfd, path_p, path_n, path, &d);
	if (e)
		return e;
	int fd = open_beneath(d->host, path, O_PATH | ((flags & 1) ? 0 : O_NOFOLLOW), 0);
	if (fd < 0)
		return werr(errno == EXDEV ? EPERM : errno);
	int r = fstat(fd, &st);
	e = r ? werr(errno) : put_filestat(h, buf, &st);
	close(fd);
	return e;
}

/* The directory operations that change something: mkdir, unlink, rmdir. */
enum path_op { OP_MKDIR, OP_UNLINK, OP_RMDIR };

static u32 path_change(struct wasi_host_ctx *h, u32 dirfd, u32 path_p, u32 path_n, enum path_op op)
{
	static const char *const names[] = {"path_create_directory", "path_unlink_file",
					    "path_remove_directory"};
	struct wasi_fd *d;
	char path[PATH_MAX];
	const char *base;
	u32 e = dir_path(h, dirfd, path_p, path_n, path, &d);
	if (e)
		return e;
	if (!d->write)
		return wasi_refuse(h, 4, names[op], "writing there (permissions: files.write)");
	int pfd = open_parent(d, path, &base);
	if (pfd < 0)
		return werr(errno == EXDEV ? EPERM : errno);
	int r = op == OP_MKDIR ? mkdirat(pfd, base, 0777)
				: unlinkat(pfd, base, op == OP_RMDIR ? AT_REMOVEDIR : 0);
	e = r ? werr(errno) : WASI_E_SUCCESS;
	close(pfd);
	return e;
}

u32 Z_wasi_snapshot_preview1Z_path_create_directory(struct wasi_host_ctx *h, u32 fd, u32 p, u32 n)
{
	return path_change(h, fd, p, n, OP_MKDIR);
}

u32 Z_wasi_snapshot_preview1Z_path_unlink_file(struct wasi_host_ctx *h, u32 fd, u32 p, u32 n)
{
	return path_change(h, fd, p, n, OP_UNLINK);
}

u32 Z_wasi_snapshot_preview1Z_path_remove_directory(struct wasi_host_ctx *h, u32 fd, u32 p, u32 n)
{
	return path_change(h, fd, p, n, OP_RMDIR);
}

u32 Z_wasi_snapshot_preview1Z_path_rename(struct wasi_host_ctx *h, u32 fd1, u32 p1, u32 n1, u32 fd2,
					  u32 p2, u32 n2)
{
	struct wasi_fd *d1 = fd_get(h, fd1), *d2 = fd_get(h, fd2);
	char a[PATH_MAX], b[PATH_MAX];
	const char *ba, *bb;
	if (!d1 || !d2)
		return WASI_E_BADF;
	u32 e = path_arg(h, p1, n1, a, sizeof a);
	if (!e)
		e = path_arg(h, p2, n2, b, sizeof b);
	if (e)
		return e;
	if (!d1->write || !d2->write)
		return wasi_refuse(h, 4, "path_rename", "writing there (permissions: files.write)");
	int f1 = open_parent(d1, a, &ba);
	if (f1 < 0)
		return werr(errno == EXDEV ? EPERM : errno);
	int f2 = open_parent(d2, b, &bb);
	if (f2 < 0) {
		e = werr(errno == EXDEV ? EPERM : errno);
		close(f1);
		return e;
	}
	e = renameat(f1, ba, f2, bb) ? werr(errno) : WASI_E_SUCCESS;
	close(f1);
	close(f2);
	return e;
}

u32 Z_wasi_snapshot_preview1Z_path_readlink(struct wasi_host_ctx *h, u32 dirfd, u32 path_p, u32 path_n,
					    u32 buf, u32 len, u32 used_p)
{
	struct wasi_fd *d;
	char path[PATH_MAX];
	const char *base;
	u32 e = dir_path(h, dirfd, path_p, path_n, path, &d);
	if (e)
		return e;
	uint8_t *out = span(h, buf, len);
	if (!out)
		return WASI_E_FAULT;
	int pfd = open_parent(d, path, &base);
	if (pfd < 0)
		return werr(errno == EXDEV ? EPERM : errno);
	ssize_t r = readlinkat(pfd, base, (char *)out, len);
	e = r < 0 ? werr(errno) : (u32)put32(h, used_p, (u32)r);
	close(pfd);
	return e;
}

/* Clock subscriptions sleep; descriptors are reported ready at once. */
u32 Z_wasi_snapshot_preview1Z_poll_oneoff(struct wasi_host_ctx *h, u32 in, u32 out, u32 n, u32 nev_p)
{
	const uint8_t *subs = span(h, in, (u64)n * 48);
	uint8_t *evs = span(h, out, (u64)n * 32);
	if (!subs || !evs)
		return WASI_E_FAULT;
	if (!n)
		return WASI_E_INVAL;
	u64 sleep_ns = UINT64_MAX;
	u32 ready = 0;
	for (u32 i = 0; i < n; i++) {
		const uint8_t *s = subs + 48 * i;
		if (s[8] == 0) {
			u64 t = get64(s + 24);
			if (get32(s + 40) & 1) { /* absolute: against its clock */
				struct timespec now;
				clockid_t c;
				if (clock_of(get32(s + 16), &c) || clock_gettime(c, &now))
					return WASI_E_INVAL;
				u64 cur = (u64)now.tv_sec * 1000000000u + (u64)now.tv_nsec;
				t = t > cur ? t - cur : 0;
			}
			if (t < sleep_ns)
				sleep_ns = t;
		}
	}
	if (sleep_ns != UINT64_MAX) {
		bool fds = false;
		for (u32 i = 0; i < n; i++)
			fds |= subs[48 * i + 8] != 0;
		if (!fds) {
			struct timespec ts = {(time_t)(sleep_ns / 1000000000u), (long)(sleep_ns % 1000000000u)};
			while (nanosleep(&ts, &ts) && errno == EINTR)
				;
		}
	}
	for (u32 i = 0; i < n; i++) {
		const uint8_t *s = subs + 48 * i;
		uint8_t *ev = evs + 32 * ready;
		memset(ev, 0, 32);
		memcpy(ev, s, 8);    /* userdata */
		ev[10] = s[8];       /* type */
		ready++;
	}
	return (u32)put32(h, nev_p, ready);
}

/* --- network: the host call of wasi_http.c ------------------------------- */

u32 Z_skillcZ_http_request(struct wasi_host_ctx *h, u32 req, u32 req_len, u32 resp, u32 cap,
			   u32 len_p)
{
	const uint8_t *rq = span(h, req, req_len);
	uint8_t *rs = span(h, resp, cap);
	size_t n = 0;
	if (!rq || !rs || !span(h, len_p, 4))
		return WASI_E_FAULT;
	if (h->cfg->network == SKC_NET_NONE)
		return wasi_refuse(h, 8, "http_request", "the network (permissions: network)");
	u32 e = wasi_http(h, rq, req_len, rs, cap, &n);
	return e ? e : (u32)put32(h, len_p, (u32)n);
}

/* --- running ---------------------------------------------------------------- */

int wasi_run(const struct skc_wasm *mod, const struct wasi_config *cfg)
{
	static struct wasi_host_ctx h;
	h.cfg = cfg;
	for (int i = 0; i < MAX_FDS; i++)
		h.fds[i] = (struct wasi_fd){.host = -1, .pre = -1};
	h.refused = 0;
	h.mem = NULL;
	h.fds[0] = (struct wasi_fd){.host = cfg->io ? MEM_FD : 0, .pre = -1};
	h.fds[1] = (struct wasi_fd){.host = cfg->io ? MEM_FD : 1, .write = true, .pre = -1};
	h.fds[2] = (struct wasi_fd){.host = cfg->io ? MEM_FD : 2, .write = true, .pre = -1};
	for (size_t i = 0; i < cfg->n_pre && i + 3 < MAX_FDS; i++) {
		int fd = open(cfg->pre[i].host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			char msg[PATH_MAX + 128];
			snprintf(msg, sizeof msg, "cannot open granted directory %s: %s",
				 cfg->pre[i].host, strerror(errno));
			wasi_log(&h, msg);
			continue;
		}
		h.fds[3 + i] = (struct wasi_fd){.host = fd, .write = cfg->pre[i].write, .dir = true,
					       .pre = (int)i};
	}

	wasm_rt_mem_cap_pages = cfg->mem_cap_pages;
	wasm_rt_init();
	/* init_module registers the function types, which traps when they are
	 * too many; instantiate reserves the memory and copies the data
	 * segments: a module too big for the cap traps there, not later. */
	wasm_rt_set_unwind_target(&wasm_rt_jmp_buf);
	int trap = setjmp(wasm_rt_jmp_buf);
	if (!trap) {
		mod->init_module();
		void *inst = wasm_rt_zalloc(mod->instance_size);
		if (!inst) {
			wasi_log(&h, "out of memory");
			return 70;
		}
		mod->instantiate(inst, &h);
		h.mem = mod->memory ? mod->memory(inst) : NULL;
		mod->start(inst);
		return 0;
	}
	if (trap >= JUMP_CAPPED)
		return 0; /* stopped at the output cap, which the caller sees */
	if (trap >= JUMP_EXIT)
		return trap - JUMP_EXIT;
	char msg[128];
	int n = snprintf(msg, sizeof msg, "wasm trap: %s\n", wasm_rt_strerror((wasm_rt_trap_t)trap));
	err_put(&h, msg, (size_t)n);
	return WASI_EXIT_TRAP;
}
