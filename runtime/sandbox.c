/*
 * sandbox.c - Landlock, seccomp, rlimits and namespaces for tool processes
 * (sandbox.h).
 *
 * The kernel ABI constants are defined here rather than taken from
 * <linux/landlock.h>, whose copy on a build host may be older than the
 * kernel the agent runs on; every one of them is fixed kernel ABI.
 */
#define _GNU_SOURCE
#include "sandbox.h"
#include "rawsys.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/socket.h>

/* ---- Landlock ABI ---- */

#define SB_LL_CREATE_RULESET_VERSION (1u << 0)
#define SB_LL_RULE_PATH_BENEATH 1

#define SB_FS_EXECUTE (1ull << 0)
#define SB_FS_WRITE_FILE (1ull << 1)
#define SB_FS_READ_FILE (1ull << 2)
#define SB_FS_READ_DIR (1ull << 3)
#define SB_FS_REMOVE_DIR (1ull << 4)
#define SB_FS_REMOVE_FILE (1ull << 5)
#define SB_FS_MAKE_CHAR (1ull << 6)
#define SB_FS_MAKE_DIR (1ull << 7)
#define SB_FS_MAKE_REG (1ull << 8)
#define SB_FS_MAKE_SOCK (1ull << 9)
#define SB_FS_MAKE_FIFO (1ull << 10)
#define SB_FS_MAKE_BLOCK (1ull << 11)
#define SB_FS_MAKE_SYM (1ull << 12)
#define SB_FS_REFER (1ull << 13)    /* ABI 2 */
#define SB_FS_TRUNCATE (1ull << 14) /* ABI 3 */
#define SB_FS_IOCTL_DEV (1ull << 15) /* ABI 5 */
#define SB_NET_BIND_TCP (1ull << 0)    /* ABI 4 */
#define SB_NET_CONNECT_TCP (1ull << 1) /* ABI 4 */
#define SB_SCOPE_ABSTRACT_UNIX (1ull << 0) /* ABI 6 */
#define SB_SCOPE_SIGNAL (1ull << 1)        /* ABI 6 */

struct sb_ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

struct sb_ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* What a file (not a directory) may be granted at all. */
#define SB_FILE_RIGHTS \
	(SB_FS_EXECUTE | SB_FS_WRITE_FILE | SB_FS_READ_FILE | SB_FS_TRUNCATE | SB_FS_IOCTL_DEV)
#define SB_READ_RIGHTS (SB_FS_EXECUTE | SB_FS_READ_FILE | SB_FS_READ_DIR)

static uint64_t sb_fs_rights(int abi)
{
	uint64_t r = (SB_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */
	if (abi >= 2)
		r |= SB_FS_REFER;
	if (abi >= 3)
		r |= SB_FS_TRUNCATE;
	if (abi >= 5)
		r |= SB_FS_IOCTL_DEV;
	return r;
}

/* ---- support ---- */

/* Which namespaces a clone may ask for: learnt from the first refusal, so
 * a tool call costs no probe of its own. */
static enum { SB_NS_UNKNOWN, SB_NS_PID, SB_NS_USER_PID, SB_NS_NONE } sb_ns;

static unsigned long sb_ns_flags(void)
{
	return sb_ns == SB_NS_USER_PID ? CLONE_NEWUSER | CLONE_NEWPID
	       : sb_ns == SB_NS_NONE   ? 0
				       : CLONE_NEWPID;
}

unsigned long sb_clone_refused(unsigned long flags)
{
	if (flags & CLONE_NEWUSER)
		sb_ns = SB_NS_NONE;
	else if (flags & CLONE_NEWPID)
		sb_ns = SB_NS_USER_PID;
	return sb_ns_flags();
}

void sb_clone_worked(unsigned long flags)
{
	if (sb_ns == SB_NS_UNKNOWN && flags == CLONE_NEWPID)
		sb_ns = SB_NS_PID;
}

static void sb_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t w = write(fd, text, strlen(text));
	(void)w; /* unmapped, the tool still runs, as the overflow user */
	close(fd);
}

void sb_map_ids(pid_t child)
{
	char path[64], map[64];
	snprintf(path, sizeof path, "/proc/%d/setgroups", (int)child);
	sb_write_file(path, "deny");
	snprintf(path, sizeof path, "/proc/%d/uid_map", (int)child);
	snprintf(map, sizeof map, "%u %u 1", (unsigned)geteuid(), (unsigned)geteuid());
	sb_write_file(path, map);
	snprintf(path, sizeof path, "/proc/%d/gid_map", (int)child);
	snprintf(map, sizeof map, "%u %u 1", (unsigned)getegid(), (unsigned)getegid());
	sb_write_file(path, map);
}

static void sb_probe_ns(void)
{
	/* At most NEWPID, then NEWUSER|NEWPID: each refusal moves one step down. */
	for (int i = 0; i < 2 && sb_ns != SB_NS_NONE; i++) {
		unsigned long flags = sb_ns_flags();
		long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			sb_clone_refused(flags);
			continue;
		}
		int st;
		while (waitpid((pid_t)pid, &st, 0) < 0 && errno == EINTR)
			;
		sb_clone_worked(flags);
		return;
	}
}

const struct sb_support *sb_support(void)
{
	static struct sb_support s;
	static bool probed;
	if (probed)
		return &s;
	probed = true;
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, SB_LL_CREATE_RULESET_VERSION);
	s.landlock_abi = abi > 0 ? (int)abi : 0;
	s.root = geteuid() == 0;
	s.seccomp = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
#if !defined(__x86_64__) && !defined(__aarch64__)
	s.seccomp = false; /* the filter knows these two system call tables only */
#endif
	return &s;
}

bool sb_pidns(bool *via_userns)
{
	sb_probe_ns();
	*via_userns = sb_ns == SB_NS_USER_PID;
	return sb_ns == SB_NS_PID || sb_ns == SB_NS_USER_PID;
}

enum sb_mode sb_mode(void)
{
	const char *v = getenv("SKILLC_SANDBOX");
	if (!v || !*v || !strcmp(v, "on"))
		return SB_MODE_ON;
	if (!strcmp(v, "strict"))
		return SB_MODE_STRICT;
	if (!strcmp(v, "off"))
		return SB_MODE_OFF;
	static bool told;
	if (!told)
		fprintf(stderr, "skillc: warning: SKILLC_SANDBOX='%s' is not on, strict or off; "
				"using on\n", v);
	told = true;
	return SB_MODE_ON;
}

/* ---- policy ---- */

/* What every tool may read: directories, then single files (which take
 * file rights only, known here so no call is spent finding out). */
static const char *const sb_system_dirs[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/sys",
	"/etc/ld.so.conf.d", "/etc/ssl", "/etc/ca-certificates", "/etc/pki", "/etc/alternatives",
	NULL,
};

static const char *const sb_system_files[] = {
	"/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/timezone", "/etc/passwd",
	"/etc/group", "/etc/nsswitch.conf", "/etc/hosts", "/etc/host.conf", "/etc/resolv.conf",
	"/etc/gai.conf", "/etc/services", "/etc/protocols", "/etc/os-release",
	"/etc/debian_version", "/etc/mime.types", "/etc/locale.alias", "/etc/mtab",
	NULL,
};

/* Devices every tool reads and writes. */
static const char *const sb_devices[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", NULL,
};

static bool sb_listed(const char *const *list, const char *path)
{
	for (; *list; list++)
		if (!strcmp(*list, path))
			return true;
	return false;
}

static char *sb_strdup(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d) {
		fputs("skillc: out of memory\n", stderr);
		abort();
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Whether path is dir or beneath it. */
static bool sb_beneath(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* Add s unless a path already there covers it, and drop those s covers:
 * every rule costs system calls for each tool started. */
static void sb_push(char ***v, size_t *n, size_t *cap, char *s)
{
	for (size_t i = 0; i < *n; i++) {
		if (sb_beneath(s, (*v)[i])) {
			free(s);
			return;
		}
	}
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		if (sb_beneath((*v)[i], s))
			free((*v)[i]);
		else
			(*v)[k++] = (*v)[i];
	}
	*n = k;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 32;
		char **nv = realloc(*v, c * sizeof *nv);
		if (!nv) {
			fputs("skillc: out of memory\n", stderr);
			abort();
		}
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = s;
}

/* A granted path with "~" made absolute; NULL when HOME is unusable. */
char *sb_expand_path(const char *path)
{
	if (path[0] != '~')
		return sb_strdup(path, strlen(path));
	const char *home = getenv("HOME");
	if (!home || home[0] != '/')
		return NULL;
	size_t hn = strlen(home), pn = strlen(path + 1);
	while (hn > 1 && home[hn - 1] == '/')
		hn--;
	char *s = malloc(hn + pn + 1);
	if (!s)
		return NULL;
	memcpy(s, home, hn);
	memcpy(s + hn, path + 1, pn + 1);
	return s;
}

/* Each absolute PATH entry, and the prefix a bin/, sbin/ or shims/ sits in
 * (never "/"), so an interpreter outside /usr finds its own libraries. */
static void sb_path_dirs(struct sb_policy *p)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		if (n > 1 && path[0] == '/') {
			while (n > 1 && path[n - 1] == '/')
				n--;
			sb_push(&p->read, &p->n_read, &p->cap_read, sb_strdup(path, n));
			const char *slash = path + n;
			while (slash > path && slash[-1] != '/')
				slash--;
			size_t base = (size_t)(path + n - slash), parent = (size_t)(slash - 1 - path);
			if (parent > 0 && ((base == 3 && !memcmp(slash, "bin", 3)) ||
					   (base == 4 && !memcmp(slash, "sbin", 4)) ||
					   (base == 5 && !memcmp(slash, "shims", 5))))
				sb_push(&p->read, &p->n_read, &p->cap_read, sb_strdup(path, parent));
		}
		path += n;
		if (*path == ':')
			path++;
	}
}

/* The granted paths [first, first + count) of perm_strs, "~" expanded. */
static void sb_grant_paths(char ***v, size_t *n, size_t *cap, const struct skc_table *t,
			   uint32_t first, uint32_t count)
{
	for (uint32_t i = 0; i < count && first + i < t->perm_str_count; i++) {
		char *s = sb_expand_path(skc_str(t, t->perm_strs[first + i]));
		if (s)
			sb_push(v, n, cap, s);
	}
}

static void sb_policy_limits(struct sb_policy *p, const struct skc_perms *g)
{
	p->network = g->network;
	p->memory = g->memory ? g->memory : SB_DEFAULT_MEMORY;
	p->file_size = g->file_size ? g->file_size : SB_DEFAULT_FILE_SIZE;
	p->processes = g->processes ? g->processes : SB_DEFAULT_PROCESSES;
	p->cpu_s = g->cpu_s ? g->cpu_s : SB_DEFAULT_CPU_S;
}

void sb_policy_init(struct sb_policy *p, const struct skc_table *t, const struct skc_tool *tool,
		    const char *skill_dir, const char *tmp_dir)
{
	memset(p, 0, sizeof *p);
	const struct skc_perms *g = &tool->perms;
	for (const char *const *s = sb_system_dirs; *s; s++)
		sb_push(&p->read, &p->n_read, &p->cap_read, sb_strdup(*s, strlen(*s)));
	for (const char *const *s = sb_system_files; *s; s++)
		sb_push(&p->read, &p->n_read, &p->cap_read, sb_strdup(*s, strlen(*s)));
	sb_path_dirs(p);
	if (skill_dir)
		sb_push(&p->read, &p->n_read, &p->cap_read, sb_strdup(skill_dir, strlen(skill_dir)));
	sb_grant_paths(&p->read, &p->n_read, &p->cap_read, t, g->read_first, g->read_count);
	for (const char *const *s = sb_devices; *s; s++)
		sb_push(&p->write, &p->n_write, &p->cap_write, sb_strdup(*s, strlen(*s)));
	if (tmp_dir)
		sb_push(&p->write, &p->n_write, &p->cap_write, sb_strdup(tmp_dir, strlen(tmp_dir)));
	sb_grant_paths(&p->write, &p->n_write, &p->cap_write, t, g->write_first, g->write_count);
	sb_policy_limits(p, g);
}

/* What libcurl reads to resolve a name and check a certificate: all a WASM
 * call's child reads beyond its grant, and only when it has the network. */
static const char *const sb_net_dirs[] = {"/etc/ssl", "/etc/ca-certificates", "/etc/pki", NULL};
static const char *const sb_net_files[] = {
	"/etc/nsswitch.conf", "/etc/hosts", "/etc/host.conf", "/etc/resolv.conf", "/etc/gai.conf",
	"/etc/services", NULL,
};

void sb_policy_init_wasm(struct sb_policy *p, const struct skc_table *t,
			 const struct skc_tool *tool)
{
	memset(p, 0, sizeof *p);
	const struct skc_perms *g = &tool->perms;
	if (g->network != SKC_NET_NONE) {
		for (const char *const *s = sb_net_dirs; *s; s++)
			sb_push(&p->read, &p->n_read, &p->cap_read, sb_strdup(*s, strlen(*s)));
		for (const char *const *s = sb_net_files; *s; s++)
			sb_push(&p->read, &p->n_read, &p->cap_read, sb_strdup(*s, strlen(*s)));
	}
	sb_grant_paths(&p->read, &p->n_read, &p->cap_read, t, g->read_first, g->read_count);
	sb_grant_paths(&p->write, &p->n_write, &p->cap_write, t, g->write_first, g->write_count);
	sb_policy_limits(p, g);
}

void sb_policy_release(struct sb_policy *p)
{
	for (size_t i = 0; i < p->n_read; i++)
		free(p->read[i]);
	for (size_t i = 0; i < p->n_write; i++)
		free(p->write[i]);
	free(p->read);
	free(p->write);
	memset(p, 0, sizeof *p);
}

/* ---- prepare ---- */

/*
 * The fds a ruleset's paths were opened with, held to the end and closed a
 * run at a time: a close_range for each run of consecutive fds (all of
 * them ours) rather than a close each. Past the bitmap, closed at once.
 */
struct sb_fds {
	uint64_t bits[16];
	bool any;
};

static void sb_fds_close(struct sb_fds *f)
{
	for (long fd = 0; f->any && fd < 1024; fd++) {
		if (!(f->bits[fd / 64] >> (fd % 64) & 1))
			continue;
		long end = fd;
		while (end + 1 < 1024 && (f->bits[(end + 1) / 64] >> ((end + 1) % 64) & 1))
			end++;
		long r = -ENOSYS;
#ifdef SYS_close_range
		r = rs_sys(SYS_close_range, fd, end, 0, 0, 0);
#endif
		if (r < 0)
			for (long i = fd; i <= end; i++)
				rs_sys(SYS_close, i, 0, 0, 0, 0);
		fd = end;
	}
	memset(f, 0, sizeof *f);
}

static void sb_fds_add(struct sb_fds *f, long fd)
{
	if (fd >= 1024) {
		rs_sys(SYS_close, fd, 0, 0, 0, 0);
		return;
	}
	f->bits[fd / 64] |= 1ull << (fd % 64);
	f->any = true;
}

/*
 * Add one path; a path that does not exist grants nothing and is skipped.
 * A file takes file rights only: for a path not known to be one, the
 * kernel's EINVAL to more says so, which costs less than asking first. The
 * raw openat skips libc's extra fcntl for O_CLOEXEC.
 */
static int sb_add_path(int rs, struct sb_fds *fds, const char *path, bool file,
		       uint64_t rights, uint64_t handled)
{
	long fd = rs_sys(SYS_openat, AT_FDCWD, (long)path, O_PATH | O_CLOEXEC, 0, 0);
	if ((fd == -EMFILE || fd == -ENFILE) && fds->any) {
		sb_fds_close(fds); /* a low fd limit: free ours, then once more */
		fd = rs_sys(SYS_openat, AT_FDCWD, (long)path, O_PATH | O_CLOEXEC, 0, 0);
	}
	if (fd < 0)
		return 0;
	struct sb_ll_path_beneath pb = {
		.allowed_access = rights & handled & (file ? SB_FILE_RIGHTS : ~0ull),
		.parent_fd = (int)fd,
	};
	long r;
	for (;;) {
		r = pb.allowed_access
		    ? rs_sys(SYS_landlock_add_rule, rs, SB_LL_RULE_PATH_BENEATH, (long)&pb, 0, 0)
		    : 0;
		if (r != -EINVAL || !(pb.allowed_access & ~SB_FILE_RIGHTS))
			break;
		pb.allowed_access &= SB_FILE_RIGHTS; /* a file: once more with its rights */
	}
	sb_fds_add(fds, fd); /* after the rule: past the bitmap it is closed */
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

static int sb_ruleset(const struct sb_policy *p, int abi, char *err, size_t errn)
{
	uint64_t fs = sb_fs_rights(abi);
	struct sb_ll_ruleset_attr attr = {.handled_access_fs = fs};
	size_t size = sizeof attr.handled_access_fs;
	if (abi >= 4) {
		size = offsetof(struct sb_ll_ruleset_attr, scoped);
		if (p->network == SKC_NET_NONE)
			attr.handled_access_net = SB_NET_BIND_TCP | SB_NET_CONNECT_TCP;
	}
	if (abi >= 6) {
		size = sizeof attr;
		attr.scoped = SB_SCOPE_SIGNAL;
		if (p->network == SKC_NET_NONE)
			attr.scoped |= SB_SCOPE_ABSTRACT_UNIX;
	}
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (rs < 0) {
		snprintf(err, errn, "cannot make a Landlock ruleset: %s", strerror(errno));
		return -1;
	}
	struct sb_fds fds;
	memset(&fds, 0, sizeof fds);
	const char *bad = NULL, *what = NULL;
	for (size_t i = 0; i < p->n_read && !bad; i++) {
		bool file = sb_listed(sb_system_files, p->read[i]);
		if (sb_add_path(rs, &fds, p->read[i], file, SB_READ_RIGHTS, fs) < 0)
			bad = p->read[i], what = "reading";
	}
	for (size_t i = 0; i < p->n_write && !bad; i++) {
		bool file = sb_listed(sb_devices, p->write[i]);
		if (sb_add_path(rs, &fds, p->write[i], file, fs, fs) < 0)
			bad = p->write[i], what = "writing";
	}
	int e = errno;
	sb_fds_close(&fds);
	if (bad) {
		snprintf(err, errn, "cannot grant %s '%s': %s", what, bad, strerror(e));
		close(rs);
		return -1;
	}
	/* A CLOEXEC fd outside 0..2, so the child's dup2s cannot clobber it. */
	if (rs <= 2) {
		int h = fcntl(rs, F_DUPFD_CLOEXEC, 3);
		close(rs);
		rs = h;
	}
	return rs;
}

int sb_prepare(const struct sb_policy *p, struct sb_child *c, char *err, size_t errn)
{
	memset(c, 0, sizeof *c);
	c->ruleset_fd = -1;
	enum sb_mode mode = sb_mode();
	if (mode == SB_MODE_OFF)
		return 0;
	const struct sb_support *s = sb_support();
	char missing[256] = "";
	if (!s->landlock_abi)
		strcat(missing, ", file rules (no Landlock)");
	if (p->network == SKC_NET_NONE && !s->seccomp)
		strcat(missing, ", network filter (no seccomp)");
	/* No pid namespace is no hole: a subreaper stops descendants instead. */
	if (missing[0]) {
		if (mode == SB_MODE_STRICT) {
			snprintf(err, errn, "the sandbox is strict and this system lacks%s",
				 missing + 1);
			return -1;
		}
		static bool told;
		if (!told)
			fprintf(stderr, "skillc: warning: tools run without%s (see 'doctor')\n",
				missing + 1);
		told = true;
	}
	if (s->landlock_abi) {
		c->ruleset_fd = sb_ruleset(p, s->landlock_abi, err, errn);
		if (c->ruleset_fd < 0)
			return -1;
	}
	c->no_net = p->network == SKC_NET_NONE && s->seccomp;
	c->drop_caps = s->root;
	c->set_limits = true;
	c->memory = p->memory;
	c->file_size = p->file_size;
	c->processes = p->processes;
	c->cpu_s = p->cpu_s;
	/* SKILLC_NO_PIDNS=1: a subreaper instead, where pid namespaces misbehave. */
	const char *no_pidns = getenv("SKILLC_NO_PIDNS");
	c->clone_flags = no_pidns && !strcmp(no_pidns, "1") ? 0 : sb_ns_flags();
	return 0;
}

void sb_child_release(struct sb_child *c)
{
	if (c->ruleset_fd >= 0)
		close(c->ruleset_fd);
	c->ruleset_fd = -1;
}

/* ---- in the child ---- */

#if defined(__x86_64__)
#define SB_ARCH AUDIT_ARCH_X86_64
#define SB_X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define SB_ARCH AUDIT_ARCH_AARCH64
#endif

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif

#define SB_DENY(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

/*
 * A filter's first six instructions: another architecture, and x32's
 * numbering, are refused with errno e; then the system call number is
 * loaded. (Padding where there is no x32, so jump offsets stay the same.)
 */
#ifdef SB_X32_BIT
#define SB_BPF_X32(e)                                                                         \
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, SB_X32_BIT, 0, 1), BPF_STMT(BPF_RET | BPF_K, SB_DENY(e))
#else
#define SB_BPF_X32(e) BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0), BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0)
#endif
#define SB_BPF_NATIVE(e)                                                                      \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),              \
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SB_ARCH, 1, 0),                           \
		BPF_STMT(BPF_RET | BPF_K, SB_DENY(e)),                                        \
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)), SB_BPF_X32(e)

#ifdef SB_ARCH
static int sb_install(struct sock_filter *prog, size_t n)
{
	struct sock_fprog fp = {.len = (unsigned short)n, .filter = prog};
	return (int)-rs_sys(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (long)&fp, 0, 0);
}
#endif

/* <linux/securebits.h>: noroot, no ambient raise, each locked. */
#define SB_SECBITS ((1u << 0) | (1u << 1) | (1u << 6) | (1u << 7))

static int sb_filter(void)
{
#ifdef SB_ARCH
	struct sock_filter prog[] = {
		/* Another ABI's numbering (i386's socketcall) is refused whole. */
		SB_BPF_NATIVE(EACCES),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SB_DENY(EACCES)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* socket(domain, ...): the low 32 bits of the first argument. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SB_DENY(EACCES)),
	};
	return sb_install(prog, sizeof prog / sizeof prog[0]);
#else
	return 0;
#endif
}

/*
 * For a process that runs no program and starts no process (a WASM call's
 * child): exec and fork refused, clone only for threads (a resolver's),
 * clone3 reported missing so libc falls back to clone. Stacks on top of
 * the network filter.
 */
static int sb_no_exec_filter(void)
{
#ifdef SB_ARCH
	struct sock_filter prog[] = {
		SB_BPF_NATIVE(EPERM),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 5, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 4, 0),
#ifdef SYS_fork
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_fork, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_vfork, 2, 0),
#else
		BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0),
#endif
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 2, 5),
		BPF_STMT(BPF_RET | BPF_K, SB_DENY(EPERM)),
		BPF_STMT(BPF_RET | BPF_K, SB_DENY(ENOSYS)),
		/* clone(flags, ...): a thread shares the process; anything else is a fork */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SB_DENY(EPERM)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	return sb_install(prog, sizeof prog / sizeof prog[0]);
#else
	return 0;
#endif
}

static int sb_limit(int res, uint64_t v)
{
	struct rlimit rl = {.rlim_cur = (rlim_t)v, .rlim_max = (rlim_t)v};
	if (res == RLIMIT_CPU)
		rl.rlim_max = (rlim_t)v + 1; /* SIGXCPU first, then SIGKILL */
	return (int)-rs_sys(SYS_prlimit64, 0, res, (long)&rl, 0, 0);
}

int sb_limits(const struct sb_child *c)
{
	int e;
	if (!c->set_limits)
		return 0;
	if ((e = sb_limit(RLIMIT_CORE, 0)))
		return e;
	if (c->memory && (e = sb_limit(RLIMIT_DATA, c->memory)))
		return e;
	if (c->file_size && (e = sb_limit(RLIMIT_FSIZE, c->file_size)))
		return e;
	if (c->processes && (e = sb_limit(RLIMIT_NPROC, c->processes)))
		return e;
	if (c->cpu_s && (e = sb_limit(RLIMIT_CPU, c->cpu_s)))
		return e;
	return 0;
}

int sb_enter(const struct sb_child *c)
{
	long r;
	if ((r = rs_sys(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) < 0)
		return (int)-r;
	if (c->drop_caps) {
		/* Root's exec grants no capability (and that is locked); an
		 * ordinary uid has none after exec anyway, also in a user
		 * namespace of its own. */
		rs_sys(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
		if ((r = rs_sys(SYS_prctl, PR_SET_SECUREBITS, SB_SECBITS, 0, 0, 0)) < 0)
			return (int)-r;
	}
	if (c->ruleset_fd >= 0 &&
	    (r = rs_sys(SYS_landlock_restrict_self, c->ruleset_fd, 0, 0, 0, 0)) < 0)
		return (int)-r;
	if (c->no_net && (r = sb_filter()))
		return (int)r;
	if (c->no_exec)
		return sb_no_exec_filter();
	return 0;
}
