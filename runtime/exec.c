/* posix_spawn_file_actions_addchdir_np and _addclosefrom_np are glibc's. */
#define _GNU_SOURCE
#include "exec.h"
#include "rawsys.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum {
	CHUNK = 64 * 1024,  /* one read or write */
	STEP_READS = 16,    /* reads per fd per step, so one flood cannot starve */
	POLL_FALLBACK_MS = 50 /* leader-exit polling when there is no pidfd */
};

struct rx_proc {
	pid_t pid;          /* 0: never started */
	int in_fd, out_fd, err_fd, pid_fd; /* -1 when closed */
	int status_fd;      /* the tool's wait status, when a waiter runs it */
	char *stack;        /* the waiter's and the tool's stacks, when shared memory */
	const char *in_data;
	size_t in_len, in_off;
	char *in_own;       /* duplex: the queue in_data points into */
	size_t in_alloc;
	bool duplex, in_eof; /* in_eof: close stdin once the queue is written */
	char *out;
	size_t out_len, out_alloc, cap;
	bool out_trunc, capped;
	char err[RX_ERR_TAIL]; /* ring buffer of the stderr tail */
	uint64_t err_total;
	int status;           /* from waitpid, once reaped */
	bool reaped, finished, timed_out, cancelled, killed;
	int spawn_errno;
	uint64_t start_us, deadline_us, kill_at_us, drain_until_us, end_us;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("skillc: out of memory\n", stderr);
		abort();
	}
	return p;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		/* close is not retried on EINTR: on Linux the fd is gone anyway. */
		close(*fd);
		*fd = -1;
	}
}

/* A CLOEXEC fd that is not 0, 1 or 2, so a dup2 onto those always clears
 * CLOEXEC (a parent started with a closed stdin hands out fd 0). */
static int high_fd(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int e = errno;
	close(fd);
	errno = e;
	return h;
}

static int make_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fds[0] = high_fd(fds[0]);
	fds[1] = high_fd(fds[1]);
	if (fds[0] < 0 || fds[1] < 0) {
		int e = errno;
		close_fd(&fds[0]);
		close_fd(&fds[1]);
		errno = e;
		return -1;
	}
	return 0;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static const char *env_get(const char *const *envp, const char *name)
{
	size_t n = strlen(name);
	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/*
 * execvp's search, done in the parent so a miss costs no process: the first
 * absolute PATH entry holding an executable regular file. Returns a malloc'd
 * path, or NULL with errno ENOENT or EACCES.
 */
static char *path_search(const char *name, const char *const *envp)
{
	const char *path = env_get(envp ? envp : (const char *const *)environ, "PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	size_t nlen = strlen(name);
	int err = ENOENT;
	if (nlen == 0) {
		errno = ENOENT;
		return NULL;
	}
	while (*path) {
		const char *end = strchr(path, ':');
		size_t dlen = end ? (size_t)(end - path) : strlen(path);
		if (dlen > 0 && path[0] == '/') {
			char *full = xrealloc(NULL, dlen + nlen + 2);
			memcpy(full, path, dlen);
			full[dlen] = '/';
			memcpy(full + dlen + 1, name, nlen + 1);
			struct stat st;
			if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
				if (access(full, X_OK) == 0)
					return full;
				err = EACCES;
			}
			free(full);
		}
		path += dlen;
		if (*path == ':')
			path++;
	}
	errno = err;
	return NULL;
}

/*
 * What the confined child needs. It reads, never writes, the parent's copy,
 * and only until it closes `report`: then the parent goes on.
 */
struct child_args {
	const char *file, *cwd;
	char *const *argv, *const *envp;
	int in, out, err;
	int report; /* exec's errno, or EOF once the tool runs */
	int status; /* the tool's wait status, from the waiter */
	int go[2];  /* in a new user namespace: wait until the parent mapped our ids */
	bool pidns; /* the waiter is the first process of a new pid namespace */
	uint64_t ignored; /* signals ignored here, bit n-1 for signal n: reset for the tool */
	const struct sb_child *sb;
	char *tool_stack; /* the tool's stack until exec, in shared memory; NULL: vfork */
	size_t tool_stack_len;
};

/*
 * Everything from here to spawn_confined runs in the child, which may share
 * the agent's memory and the calling thread's TLS: raw system calls
 * (rawsys.h) and plain computation only.
 */

static long sys1(long n, long a)
{
	return rs_sys(n, a, 0, 0, 0, 0);
}

static long sys3(long n, long a, long b, long c)
{
	return rs_sys(n, a, b, c, 0, 0);
}

/* Close every fd from lo up, but keep and keep2. */
static void close_but(int lo, int keep, int keep2)
{
	int a = keep < keep2 ? keep : keep2, b = keep < keep2 ? keep2 : keep;
	int cuts[3][2] = {{lo, a - 1}, {a + 1, b - 1}, {b + 1, INT32_MAX}};
	for (int i = 0; i < 3; i++) {
		if (cuts[i][0] > cuts[i][1])
			continue;
#ifdef SYS_close_range
		if (sys3(SYS_close_range, cuts[i][0], cuts[i][1], 0) == 0)
			continue;
#endif
		for (int fd = cuts[i][0]; fd <= cuts[i][1] && fd < 4096; fd++)
			sys1(SYS_close, fd);
	}
}

__attribute__((noreturn)) static void child_exit(int code)
{
	for (;;)
		sys1(SYS_exit_group, code);
}

__attribute__((noreturn)) static void child_fail(int report, int e)
{
	while (sys3(SYS_write, report, (long)&e, sizeof e) == -EINTR)
		;
	child_exit(127);
}

/* Digits of n into buf (no stdio between clone and exec). */
static char *put_uint(char *p, unsigned long n)
{
	char tmp[24];
	int k = 0;
	do
		tmp[k++] = (char)('0' + n % 10);
	while ((n /= 10));
	while (k)
		*p++ = tmp[--k];
	return p;
}

/*
 * Without a pid namespace the waiter is a subreaper instead: orphans of the
 * tool become its children, and it kills them (and theirs, as they are
 * orphaned in turn) until it has none. Reads /proc/self/task/<tid>/children.
 */
static void kill_children(void)
{
	char path[64] = "/proc/self/task/", *p = path + sizeof "/proc/self/task/" - 1;
	p = put_uint(p, (unsigned long)sys1(SYS_gettid, 0));
	memcpy(p, "/children", sizeof "/children");
	for (int round = 0; round < 1000; round++) {
		char buf[4096];
		long fd = sys3(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC);
		long n = fd < 0 ? -1 : sys3(SYS_read, fd, (long)buf, sizeof buf - 1);
		if (fd >= 0)
			sys1(SYS_close, fd);
		unsigned long pid = 0;
		for (long i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = pid * 10 + (unsigned long)(buf[i] - '0');
			} else if (pid) {
				sys3(SYS_kill, (long)pid, SIGKILL, 0);
				pid = 0;
			}
		}
		if (pid)
			sys3(SYS_kill, (long)pid, SIGKILL, 0);
		int st;
		if (rs_sys(SYS_wait4, -1, (long)&st, __WALL, 0, 0) == -ECHILD)
			return;
	}
}

/* The tool's process, until exec. */
static int tool_main(void *arg)
{
	const struct child_args *a = arg;
	int e = sb_limits(a->sb);
	if (e)
		child_fail(a->report, e);
	/* exec resets caught signals itself; ignored ones it keeps. A zeroed
	 * kernel sigaction is SIG_DFL, and a zeroed set is the empty mask. */
	static const uint64_t zero[4];
	for (int sig = 1; sig <= 64; sig++)
		if ((a->ignored >> (sig - 1) & 1) && sig != SIGKILL && sig != SIGSTOP)
			rs_sys(SYS_rt_sigaction, sig, (long)zero, 0, 8, 0); /* EINVAL: reserved */
	rs_sys(SYS_rt_sigprocmask, SIG_SETMASK, (long)zero, 0, 8, 0);
	long r = sys3(SYS_execve, (long)a->file, (long)a->argv, (long)a->envp);
	child_fail(a->report, (int)-r);
}

/*
 * The waiter: it confines itself, starts the tool and waits for it,
 * reaping orphans, then sends the tool's wait status on and makes sure
 * nothing of the tool's outlives it. In a pid namespace it is the first
 * process, so its exit is enough: the kernel kills the rest. The tool is
 * not the first itself, since that one ignores every signal it has no
 * handler for (a script's `kill -TERM $$` would do nothing). The waiter
 * keeps every signal blocked: none is for it, and SIGKILL still ends it.
 */
static int waiter_main(void *arg)
{
	const struct child_args *a = arg;
	long r;
	sys3(SYS_setpgid, 0, 0, 0);
	if (a->go[0] >= 0) {
		char b;
		sys1(SYS_close, a->go[1]);
		while (sys3(SYS_read, a->go[0], (long)&b, 1) == -EINTR)
			;
		sys1(SYS_close, a->go[0]);
	}
	if ((r = sys3(SYS_dup3, a->in, 0, 0)) < 0 || (r = sys3(SYS_dup3, a->out, 1, 0)) < 0 ||
	    (r = sys3(SYS_dup3, a->err, 2, 0)) < 0)
		child_fail(a->report, (int)-r);
	if (a->cwd && (r = sys1(SYS_chdir, (long)a->cwd)) < 0)
		child_fail(a->report, (int)-r);
	int e = sb_enter(a->sb);
	if (e)
		child_fail(a->report, e);
	close_but(3, a->report, a->status);
	if (!a->pidns && (r = rs_sys(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) < 0)
		child_fail(a->report, (int)-r);
	/* What the waiter needs once the parent has gone on. */
	int report = a->report, status = a->status;
	bool pidns = a->pidns;
	long tool;
	if (a->tool_stack) {
		/* Shares memory until exec, as vfork, on a stack of its own. */
		struct rs_clone_args ca = {
			.flags = CLONE_VM | CLONE_VFORK, .exit_signal = SIGCHLD,
			.stack = (uintptr_t)a->tool_stack, .stack_size = a->tool_stack_len,
		};
		tool = rs_clone3(&ca, sizeof ca, tool_main, (void *)a);
	} else {
		/* A copy of the agent: vfork copies nothing more. */
		tool = vfork();
		if (tool == 0)
			tool_main((void *)a);
		if (tool < 0)
			tool = -errno;
	}
	if (tool < 0)
		child_fail(report, (int)-tool);
	sys1(SYS_close, report); /* the tool runs: the parent goes on */
	sys1(SYS_close, 0);
	sys1(SYS_close, 1);
	sys1(SYS_close, 2);
	for (;;) {
		int st;
		long w = rs_sys(SYS_wait4, -1, (long)&st, __WALL, 0, 0);
		if (w == tool) {
			if (!pidns)
				kill_children();
			while (sys3(SYS_write, status, (long)&st, sizeof st) == -EINTR)
				;
			child_exit(0);
		}
		if (w < 0 && w != -EINTR)
			child_exit(127);
	}
}

/*
 * The signals this process ignores (SigIgn of /proc/self/status), for the
 * child to reset: a system call each for those few rather than for all 64.
 * Read once; all of them when it cannot be read.
 */
static uint64_t ignored_signals(void)
{
	static uint64_t mask;
	static bool known;
	if (known)
		return mask;
	mask = ~(uint64_t)0;
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "SigIgn:", 7)) {
			mask = strtoull(line + 7, NULL, 16);
			break;
		}
	}
	if (f)
		fclose(f);
	known = true;
	return mask;
}

/*
 * Whether the waiter may share the agent's memory (clone3 with CLONE_VM):
 * a copy of the agent costs its page tables, and on a virtual machine a
 * fault for each page either side touches after. Off once clone3 is
 * refused (old kernels, some container filters, valgrind), and under ASan,
 * whose interceptors and stack bookkeeping expect threads it started. The
 * waiter keeps the calling thread's TLS pointer and reads nothing through
 * it but a stack protector's canary, where one is compiled in: tools are
 * started from the main thread, which outlives them.
 */
#if defined(RS_CLONE3) && !defined(__SANITIZE_ADDRESS__)
static bool vm_ok = true;
#else
static bool vm_ok = false;
#endif

enum { STACK_LEN = 64 * 1024, GUARD_LEN = 4096, TOOL_STACK_LEN = 16 * 1024 };

static void free_stack(struct rx_proc *p)
{
	if (p->stack) {
		munmap(p->stack, STACK_LEN);
		p->stack = NULL;
	}
}

/*
 * posix_spawn cannot make namespaces or run code before exec, so a confined
 * tool is cloned by hand: signals blocked across the clone, and the child's
 * errno sent back over a CLOEXEC pipe that a successful exec closes. The
 * waiter shares the agent's memory where it can, on a stack of its own
 * ([guard][tool's stack][waiter's stack]); otherwise it is a copy.
 */
static int spawn_confined(struct rx_proc *p, const struct rx_spec *spec, const char *file,
			  const char *const *envp, int in, int out, int err)
{
	int rep[2], sta[2];
	if (make_pipe(rep) < 0)
		return errno;
	if (make_pipe(sta) < 0) {
		int e = errno;
		close_fd(&rep[0]);
		close_fd(&rep[1]);
		return e;
	}
	struct child_args a = {
		.file = file, .cwd = spec->cwd, .argv = (char *const *)spec->argv,
		.envp = (char *const *)envp, .in = in, .out = out, .err = err,
		.report = rep[1], .status = sta[1], .go = {-1, -1}, .sb = spec->sandbox,
		.ignored = ignored_signals(),
	};
	if ((spec->sandbox->clone_flags & CLONE_NEWUSER) && make_pipe(a.go) < 0)
		a.go[0] = a.go[1] = -1; /* the tool sees itself as the overflow user */
	char *stack = NULL;
	if (vm_ok) {
		stack = mmap(NULL, STACK_LEN, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (stack == MAP_FAILED)
			stack = NULL;
		else
			mprotect(stack, GUARD_LEN, PROT_NONE);
	}
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	unsigned long flags = spec->sandbox->clone_flags;
	long pid;
	int ce = 0;
	for (;;) {
		a.pidns = (flags & CLONE_NEWPID) != 0;
		if (stack) {
			a.tool_stack = stack + GUARD_LEN;
			a.tool_stack_len = TOOL_STACK_LEN;
			struct rs_clone_args ca = {
				.flags = flags | CLONE_VM | RS_CLONE_CLEAR_SIGHAND,
				.exit_signal = SIGCHLD,
				.stack = (uintptr_t)(stack + GUARD_LEN + TOOL_STACK_LEN),
				.stack_size = STACK_LEN - GUARD_LEN - TOOL_STACK_LEN,
			};
			pid = rs_clone3(&ca, sizeof ca, waiter_main, &a);
			ce = pid < 0 ? (int)-pid : 0;
			if (ce == ENOSYS || ce == EINVAL || ce == E2BIG) {
				/* No clone3 or not these flags: a copy, from now on. */
				vm_ok = false;
				munmap(stack, STACK_LEN);
				stack = NULL;
				a.tool_stack = NULL;
				continue;
			}
		} else {
			pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
			if (pid == 0)
				child_exit(waiter_main(&a));
			ce = errno;
		}
		/* Namespaces this system will not give: one step down, and remember. */
		if (pid < 0 && flags && (ce == EPERM || ce == EINVAL || ce == ENOSPC || ce == EUSERS)) {
			flags = sb_clone_refused(flags);
			continue;
		}
		break;
	}
	if (pid > 0)
		sb_clone_worked(flags);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (a.go[0] >= 0) {
		/* Our own ids inside the new user namespace, then let the child on. */
		if (pid > 0 && (flags & CLONE_NEWUSER))
			sb_map_ids((pid_t)pid);
		close_fd(&a.go[0]);
		while (write(a.go[1], "", 1) < 0 && errno == EINTR)
			;
		close_fd(&a.go[1]);
	}
	close_fd(&rep[1]);
	close_fd(&sta[1]);
	if (pid < 0) {
		if (stack)
			munmap(stack, STACK_LEN);
		close_fd(&rep[0]);
		close_fd(&sta[0]);
		return ce;
	}
	p->pid = (pid_t)pid;
	p->stack = stack;
	int code = 0;
	ssize_t n;
	while ((n = read(rep[0], &code, sizeof code)) < 0 && errno == EINTR)
		;
	close_fd(&rep[0]);
	p->status_fd = sta[0];
	return n == (ssize_t)sizeof code ? (code ? code : EIO) : 0;
}

/*
 * A function run in a forked copy (rx_spec.run): the module of a WASM tool.
 * It cannot start processes, so it needs no waiter and no pid namespace;
 * the same Landlock rules, network filter and limits hold it. Setup errors
 * come back over a CLOEXEC pipe closed once the function starts, as exec's.
 */
static int spawn_fork(struct rx_proc *p, const struct rx_spec *spec, int in, int out, int err)
{
	int rep[2];
	if (make_pipe(rep) < 0)
		return errno;
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t pid = fork();
	if (pid == 0) {
		int e = 0;
		if (setpgid(0, 0) || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
		    (spec->cwd && chdir(spec->cwd)))
			e = errno;
		if (!e && spec->sandbox)
			e = sb_enter(spec->sandbox);
		if (!e && spec->sandbox)
			e = sb_limits(spec->sandbox);
		if (e)
			child_fail(rep[1], e);
		close_but(3, rep[1], rep[1]);
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		sys1(SYS_close, rep[1]);
		child_exit(spec->run(spec->run_arg));
	}
	int fe = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close_fd(&rep[1]);
	if (pid < 0) {
		close_fd(&rep[0]);
		return fe;
	}
	p->pid = pid;
	int code = 0;
	ssize_t n;
	while ((n = read(rep[0], &code, sizeof code)) < 0 && errno == EINTR)
		;
	close_fd(&rep[0]);
	return n == (ssize_t)sizeof code ? (code ? code : EIO) : 0;
}

static int spawn(struct rx_proc *p, const struct rx_spec *spec, int in, int out, int err)
{
	if (spec->run)
		return spawn_fork(p, spec, in, out, err);
	const char *const *envp = spec->envp ? spec->envp : (const char *const *)environ;
	char *resolved = NULL;
	const char *file = spec->argv[0];
	if (!strchr(file, '/')) {
		resolved = path_search(file, spec->envp);
		if (!resolved)
			return errno;
		file = resolved;
	}
	if (spec->sandbox) {
		int rc = spawn_confined(p, spec, file, envp, in, out, err);
		free(resolved);
		return rc;
	}

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, none;
	int rc = posix_spawn_file_actions_init(&fa);
	if (rc) {
		free(resolved);
		return rc;
	}
	rc = posix_spawnattr_init(&at);
	if (rc) {
		posix_spawn_file_actions_destroy(&fa);
		free(resolved);
		return rc;
	}
	sigfillset(&all);
	sigemptyset(&none);
	/* Own group; default dispositions (ignored SIGPIPE too); empty mask.
	 * glibc's posix_spawn is a vfork-style clone (no page-table copy, so it
	 * stays fast in a big process) that reports the child's exec errno
	 * exactly. It leaves its two internal signals (32, 33) ignored in the
	 * child; a glibc child reinstalls them, nothing else uses them. */
	rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
						   POSIX_SPAWN_SETSIGMASK);
	if (!rc)
		rc = posix_spawnattr_setpgroup(&at, 0);
	if (!rc)
		rc = posix_spawnattr_setsigdefault(&at, &all);
	if (!rc)
		rc = posix_spawnattr_setsigmask(&at, &none);
	if (!rc)
		rc = posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (!rc)
		rc = posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (!rc)
		rc = posix_spawn_file_actions_adddup2(&fa, err, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* Belt and braces: fds others opened without CLOEXEC do not leak. */
	if (!rc)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	if (!rc && spec->cwd)
		rc = posix_spawn_file_actions_addchdir_np(&fa, spec->cwd);
	if (!rc)
		rc = posix_spawn(&p->pid, file, &fa, &at, (char *const *)spec->argv,
				 (char *const *)envp);
	if (rc)
		p->pid = 0;
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	free(resolved);
	return rc;
}

static void feed(struct rx_proc *p)
{
	if (p->in_fd < 0)
		return;
	sigset_t pipe_set, old, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	bool was_pending = sigismember(&pending, SIGPIPE);
	for (int i = 0; p->in_fd >= 0 && i < STEP_READS && p->in_off < p->in_len; i++) {
		size_t n = p->in_len - p->in_off;
		ssize_t w = write(p->in_fd, p->in_data + p->in_off, n < CHUNK ? n : CHUNK);
		if (w >= 0) {
			p->in_off += (size_t)w;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			break;
		} else {
			if (errno == EPIPE && !was_pending) {
				struct timespec zero = {0, 0};
				while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
					;
			}
			close_fd(&p->in_fd);
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (p->in_off >= p->in_len && (!p->duplex || p->in_eof))
		close_fd(&p->in_fd); /* EOF for the child */
}

int rx_send(struct rx_proc *p, const char *b, size_t n)
{
	if (!p->duplex || p->in_fd < 0 || p->in_eof) {
		errno = EPIPE;
		return -1;
	}
	if (p->in_len - p->in_off > RX_SEND_MAX) {
		errno = ENOBUFS;
		return -1;
	}
	if (p->in_off == p->in_len)
		p->in_off = p->in_len = 0;
	if (p->in_len + n > p->in_alloc) {
		/* Move what waits to the front before growing. */
		memmove(p->in_own, p->in_own + p->in_off, p->in_len - p->in_off);
		p->in_len -= p->in_off;
		p->in_off = 0;
		if (p->in_len + n > p->in_alloc) {
			size_t want = p->in_alloc ? p->in_alloc : 4096;
			while (want < p->in_len + n)
				want *= 2;
			p->in_own = xrealloc(p->in_own, want);
			p->in_alloc = want;
		}
	}
	memcpy(p->in_own + p->in_len, b, n);
	p->in_len += n;
	p->in_data = p->in_own;
	feed(p);
	return 0;
}

void rx_close_input(struct rx_proc *p)
{
	p->in_eof = true;
	feed(p);
}

const char *rx_out(const struct rx_proc *p, size_t *len)
{
	*len = p->out_len;
	return p->out ? p->out : "";
}

void rx_out_take(struct rx_proc *p, size_t n)
{
	if (n > p->out_len)
		n = p->out_len;
	if (!n)
		return;
	memmove(p->out, p->out + n, p->out_len - n);
	p->out_len -= n;
}

int rx_start(const struct rx_spec *spec, struct rx_proc **out)
{
	*out = NULL;
	if (!spec || !spec->argv || !spec->argv[0]) {
		errno = EINVAL;
		return -1;
	}
	struct rx_proc *p = xrealloc(NULL, sizeof *p);
	memset(p, 0, sizeof *p);
	p->in_fd = p->out_fd = p->err_fd = p->pid_fd = p->status_fd = -1;
	p->cap = spec->output_cap ? spec->output_cap : RX_DEFAULT_CAP;
	if (p->cap > SIZE_MAX / 4)
		p->cap = SIZE_MAX / 4; /* buffer growth below must not overflow */
	p->duplex = spec->duplex;
	p->in_data = spec->stdin_data;
	p->in_len = spec->stdin_data ? spec->stdin_len : 0;
	if (p->duplex) {
		/* Ours, so rx_send can append to it. */
		p->in_alloc = p->in_len > 4096 ? p->in_len : 4096;
		p->in_own = xrealloc(NULL, p->in_alloc);
		if (p->in_len)
			memcpy(p->in_own, p->in_data, p->in_len);
		p->in_data = p->in_own;
	}
	p->start_us = now_us();
	p->deadline_us = spec->timeout_ms ? p->start_us + (uint64_t)spec->timeout_ms * 1000u : 0;
	*out = p;

	int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1};
	int rc = 0;
	if (spec->stdin_data || spec->duplex) {
		if (make_pipe(in) < 0)
			rc = errno;
	} else {
		in[0] = high_fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
		if (in[0] < 0)
			rc = errno;
	}
	if (!rc && (make_pipe(o) < 0 || make_pipe(e) < 0))
		rc = errno;
	/* What fits in the pipe goes in before the child starts: a small JSON
	 * argument is then there, with its EOF, when the tool first reads, and
	 * no round trip through our poll loop delays it. */
	p->in_fd = in[1];
	if (!rc && p->in_fd >= 0) {
		if (set_nonblock(p->in_fd) < 0)
			rc = errno;
		else
			feed(p);
	}
	if (!rc)
		rc = spawn(p, spec, in[0], o[1], e[1]);
	close_fd(&in[0]);
	close_fd(&o[1]);
	close_fd(&e[1]);
	p->out_fd = o[0];
	p->err_fd = e[0];
	if (!rc && (set_nonblock(p->out_fd) < 0 || set_nonblock(p->err_fd) < 0))
		rc = errno; /* cannot happen on a fresh pipe; still reaped below */
	if (rc) {
		close_fd(&p->in_fd);
		close_fd(&p->out_fd);
		close_fd(&p->err_fd);
		p->spawn_errno = rc;
		if (p->pid > 0) {
			kill(-p->pid, SIGKILL);
			while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
				;
			p->reaped = true;
		}
		free_stack(p);
		p->finished = true;
		p->end_us = now_us();
		return 0;
	}
	if (p->in_len == 0 && !p->duplex)
		close_fd(&p->in_fd);
#ifdef SYS_pidfd_open
	/* Readable when the leader exits, so poll wakes for it; CLOEXEC by default. */
	p->pid_fd = high_fd((int)syscall(SYS_pidfd_open, p->pid, 0));
#endif
	return 0;
}

int rx_pollfds(struct rx_proc *p, struct pollfd *fds, int max)
{
	int n = 0;
	if (p->finished)
		return 0;
	if (p->out_fd >= 0 && n < max)
		fds[n++] = (struct pollfd){.fd = p->out_fd, .events = POLLIN};
	if (p->err_fd >= 0 && n < max)
		fds[n++] = (struct pollfd){.fd = p->err_fd, .events = POLLIN};
	if (p->in_fd >= 0 && p->in_off < p->in_len && n < max)
		fds[n++] = (struct pollfd){.fd = p->in_fd, .events = POLLOUT};
	if (p->pid_fd >= 0 && !p->reaped && n < max)
		fds[n++] = (struct pollfd){.fd = p->pid_fd, .events = POLLIN};
	return n;
}

static int ms_until(uint64_t at, uint64_t now)
{
	if (at <= now)
		return 0;
	uint64_t ms = (at - now + 999) / 1000; /* round up: no busy loop */
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

int rx_timeout_ms(const struct rx_proc *p)
{
	if (p->finished)
		return 0;
	uint64_t now = now_us();
	int t = -1;
#define EARLIER(at) do { int m_ = ms_until((at), now); if (t < 0 || m_ < t) t = m_; } while (0)
	if (p->reaped) {
		EARLIER(p->drain_until_us);
	} else {
		if (p->deadline_us && !p->timed_out)
			EARLIER(p->deadline_us);
		if (p->timed_out && !p->killed)
			EARLIER(p->kill_at_us);
		if (p->pid_fd < 0 && (t < 0 || t > POLL_FALLBACK_MS))
			t = POLL_FALLBACK_MS;
	}
#undef EARLIER
	return t;
}

static void append_out(struct rx_proc *p, const char *b, size_t n)
{
	size_t room = p->cap - p->out_len;
	if (n > room) {
		/* Nothing more will be kept: stop the tool rather than drain it. */
		p->out_trunc = true;
		n = room;
		if (!p->reaped && !p->killed) {
			kill(-p->pid, SIGKILL);
			p->killed = p->capped = true;
		}
	}
	if (!n)
		return;
	if (p->out_len + n + 1 > p->out_alloc) {
		size_t want = p->out_alloc ? p->out_alloc * 2 : 4096;
		while (want < p->out_len + n + 1)
			want *= 2;
		if (want > p->cap + 1)
			want = p->cap + 1;
		p->out = xrealloc(p->out, want);
		p->out_alloc = want;
	}
	memcpy(p->out + p->out_len, b, n);
	p->out_len += n;
}

static void append_err(struct rx_proc *p, const char *b, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t at = (size_t)(p->err_total % RX_ERR_TAIL);
		size_t take = RX_ERR_TAIL - at < n - i ? RX_ERR_TAIL - at : n - i;
		memcpy(p->err + at, b + i, take);
		i += take;
		p->err_total += take;
	}
}

static void drain(struct rx_proc *p, int *fd, bool is_out)
{
	char buf[CHUNK];
	for (int i = 0; *fd >= 0 && i < STEP_READS; i++) {
		ssize_t n = read(*fd, buf, sizeof buf);
		if (n > 0) {
			if (is_out)
				append_out(p, buf, (size_t)n);
			else
				append_err(p, buf, (size_t)n);
		} else if (n == 0) {
			close_fd(fd);
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return;
		} else {
			close_fd(fd);
		}
	}
}

/* A write to a pipe whose reader is gone raises SIGPIPE; block it around the
 * write and consume one we caused, leaving the process's disposition alone. */

static void reap(struct rx_proc *p, bool block)
{
	siginfo_t si;
	for (;;) {
		memset(&si, 0, sizeof si);
		int flags = WEXITED | WNOWAIT | (block ? 0 : WNOHANG);
		if (waitid(P_PID, (id_t)p->pid, &si, flags) == 0)
			break;
		if (errno != EINTR) {
			/* ECHILD: someone else reaped it (SIGCHLD ignored?). */
			p->reaped = true;
			p->status = -1;
			goto reaped;
		}
	}
	if (si.si_pid != p->pid)
		return; /* still running */
	/* The zombie leader still pins the group id: kill the rest safely. */
	kill(-p->pid, SIGKILL);
	while (waitpid(p->pid, &p->status, 0) < 0) {
		if (errno != EINTR) {
			p->status = -1;
			break;
		}
	}
	p->reaped = true;
	if (p->status_fd >= 0) {
		/* The namespace's first process ran the tool: its status is the tool's. */
		int st;
		ssize_t n;
		while ((n = read(p->status_fd, &st, sizeof st)) < 0 && errno == EINTR)
			;
		if (n == (ssize_t)sizeof st)
			p->status = st;
		close_fd(&p->status_fd);
	}
reaped:
	free_stack(p); /* the waiter is gone: nothing runs on it */
	p->end_us = now_us();
	p->drain_until_us = p->end_us + RX_DRAIN_GRACE_MS * 1000u;
	close_fd(&p->in_fd);
	close_fd(&p->pid_fd);
}

int rx_step(struct rx_proc *p)
{
	if (p->finished)
		return 1;
	feed(p);
	drain(p, &p->out_fd, true);
	drain(p, &p->err_fd, false);
	if (!p->reaped) {
		reap(p, false);
		if (p->reaped) {
			drain(p, &p->out_fd, true);
			drain(p, &p->err_fd, false);
		}
	}
	uint64_t now = now_us();
	if (!p->reaped) {
		if (p->deadline_us && !p->timed_out && now >= p->deadline_us) {
			p->timed_out = true;
			kill(-p->pid, SIGTERM);
			p->kill_at_us = now + RX_TERM_GRACE_MS * 1000u;
		}
		if (p->timed_out && !p->killed && now >= p->kill_at_us) {
			kill(-p->pid, SIGKILL);
			p->killed = true;
		}
		return 0;
	}
	if ((p->out_fd < 0 && p->err_fd < 0) || now >= p->drain_until_us) {
		close_fd(&p->out_fd);
		close_fd(&p->err_fd);
		p->finished = true;
	}
	return p->finished;
}

pid_t rx_pid(const struct rx_proc *p)
{
	return p->pid > 0 ? p->pid : 0;
}

void rx_kill(struct rx_proc *p)
{
	if (p->pid > 0 && !p->reaped) {
		kill(-p->pid, SIGKILL);
		p->killed = true;
		p->cancelled = true;
	}
}

static char *dup_mem(const char *b, size_t n)
{
	char *s = xrealloc(NULL, n + 1);
	if (n)
		memcpy(s, b, n);
	s[n] = '\0';
	return s;
}

void rx_finish(struct rx_proc *p, struct rx_result *res)
{
	memset(res, 0, sizeof *res);
	if (p->pid > 0 && !p->reaped) {
		if (!p->finished && !p->killed) {
			kill(-p->pid, SIGKILL);
			p->killed = true;
		}
		reap(p, true);
	}
	close_fd(&p->in_fd);
	close_fd(&p->out_fd);
	close_fd(&p->err_fd);
	close_fd(&p->pid_fd);
	close_fd(&p->status_fd);

	if (p->out) {
		p->out[p->out_len] = '\0';
		res->out = p->out;
	} else {
		res->out = dup_mem("", 0);
	}
	res->out_len = p->out_len;
	res->out_truncated = p->out_trunc;
	res->out_capped = p->capped;

	size_t elen = p->err_total < RX_ERR_TAIL ? (size_t)p->err_total : RX_ERR_TAIL;
	res->err = xrealloc(NULL, elen + 1);
	size_t start = (size_t)((p->err_total - elen) % RX_ERR_TAIL);
	size_t first = RX_ERR_TAIL - start < elen ? RX_ERR_TAIL - start : elen;
	memcpy(res->err, p->err + start, first);
	memcpy(res->err + first, p->err, elen - first);
	res->err[elen] = '\0';
	res->err_len = elen;
	res->err_truncated = p->err_total > RX_ERR_TAIL;

	res->exit_code = -1;
	if (p->reaped && p->status != -1) {
		if (WIFEXITED(p->status))
			res->exit_code = WEXITSTATUS(p->status);
		else if (WIFSIGNALED(p->status))
			res->term_signal = WTERMSIG(p->status);
	}
	res->timed_out = p->timed_out;
	res->cancelled = p->cancelled;
	res->spawn_errno = p->spawn_errno;
	uint64_t end = p->end_us ? p->end_us : now_us();
	res->duration_us = end - p->start_us;
	free(p->in_own);
	free(p);
}

int rx_run(const struct rx_spec *spec, struct rx_result *res)
{
	struct rx_proc *p;
	if (rx_start(spec, &p) < 0) {
		int e = errno;
		memset(res, 0, sizeof *res);
		res->exit_code = -1;
		res->spawn_errno = e;
		errno = e;
		return -1;
	}
	struct pollfd fds[RX_POLLFDS];
	while (!rx_step(p)) {
		int n = rx_pollfds(p, fds, RX_POLLFDS);
		int t = rx_timeout_ms(p);
		if (n == 0 && t < 0)
			t = POLL_FALLBACK_MS; /* cannot happen; never sleep forever */
		poll(fds, (nfds_t)n, t); /* EINTR: just step again */
	}
	rx_finish(p, res);
	return 0;
}

void rx_result_release(struct rx_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
	res->out_len = res->err_len = 0;
}

static bool allowed(const char *kv)
{
	static const char *const names[] = {
		"PATH", "HOME", "LANG", "TERM", "TZ", "TMPDIR", "USER", "LOGNAME",
	};
	const char *eq = strchr(kv, '=');
	if (!eq)
		return false;
	size_t n = (size_t)(eq - kv);
	if (n > 3 && strncmp(kv, "LC_", 3) == 0)
		return true;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == n && strncmp(kv, names[i], n) == 0)
			return true;
	return false;
}

/* Whether two "K=V" strings name the same variable. */
static bool same_key(const char *a, const char *b)
{
	size_t na = strcspn(a, "="), nb = strcspn(b, "=");
	return na == nb && strncmp(a, b, na) == 0;
}

char **rx_env_clean(const char *const *extra)
{
	size_t cap = 2, n = 0;
	for (char **e = environ; e && *e; e++)
		cap++;
	for (const char *const *e = extra; e && *e; e++)
		cap++;
	char **env = xrealloc(NULL, cap * sizeof *env);
	for (char **e = environ; e && *e; e++) {
		if (!allowed(*e))
			continue;
		bool dup = false, overridden = false;
		for (size_t i = 0; i < n && !dup; i++)
			dup = same_key(env[i], *e);
		for (const char *const *x = extra; x && *x && !overridden; x++)
			overridden = same_key(*x, *e);
		if (!dup && !overridden)
			env[n++] = dup_mem(*e, strlen(*e));
	}
	for (const char *const *x = extra; x && *x; x++) {
		if (!strchr(*x, '=') || **x == '=')
			continue;
		bool dup = false;
		for (size_t i = 0; i < n && !dup; i++)
			if (same_key(env[i], *x)) {
				/* a later extra wins over an earlier one */
				free(env[i]);
				env[i] = dup_mem(*x, strlen(*x));
				dup = true;
			}
		if (!dup)
			env[n++] = dup_mem(*x, strlen(*x));
	}
	env[n] = NULL;
	if (!env_get((const char *const *)env, "PATH")) {
		const char *d = "PATH=/usr/local/bin:/usr/bin:/bin";
		env[n++] = dup_mem(d, strlen(d));
		env[n] = NULL;
	}
	return env;
}

void rx_env_free(char **env)
{
	if (!env)
		return;
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}
