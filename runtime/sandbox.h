/*
 * sandbox.h - confine one tool process to what its manifest grants.
 *
 * Layers, each used when the kernel has it (sb_support says which):
 *   - files: Landlock. The tool reads the system's programs and libraries,
 *     the directories on its PATH, its skill directory and what it is
 *     granted; it writes only its private temporary directory and what it
 *     is granted.
 *   - network: none unless granted. A seccomp filter refuses socket() for
 *     every family but AF_UNIX, and io_uring (which could open sockets past
 *     the filter); Landlock also refuses TCP bind and connect where it can.
 *   - descendants: the tool runs under a waiter, the first process of a new
 *     pid namespace, so when it ends the kernel kills everything it started,
 *     daemons included; without pid namespaces the waiter is a subreaper
 *     that kills what the tool left (exec.c).
 *   - limits: rlimits on data memory, processes, file size and CPU time; no
 *     core dumps; no_new_privs; no capabilities, even for root.
 *
 * The parent prepares everything (sb_prepare) so the child, between clone
 * and exec, makes raw system calls only (sb_enter, sb_limits).
 */
#ifndef SB_SANDBOX_H
#define SB_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "skc_abi.h"

/* Defaults for limits a manifest leaves out (0: no limit). */
#define SB_DEFAULT_MEMORY ((uint64_t)4 << 30)
#define SB_DEFAULT_FILE_SIZE ((uint64_t)1 << 30)
#define SB_DEFAULT_PROCESSES 0u
#define SB_DEFAULT_CPU_S 0u

enum sb_mode {
	SB_MODE_ON,     /* every layer the kernel has; say once what is missing */
	SB_MODE_STRICT, /* refuse to run a tool when a layer is missing */
	SB_MODE_OFF     /* no confinement (SKILLC_SANDBOX=off) */
};

/* What this kernel and process allow; probed once, without a process. */
struct sb_support {
	int landlock_abi; /* 0: no Landlock */
	bool seccomp;     /* seccomp filters can be installed */
	bool root;        /* euid 0: RLIMIT_NPROC does not bind root */
};

const struct sb_support *sb_support(void);

/*
 * Whether a tool gets its own pid namespace (*via_userns: inside a new user
 * namespace, as an unprivileged user needs). Tries a clone when not yet
 * known; a tool call learns it from its own clone instead (below).
 */
bool sb_pidns(bool *via_userns);

/* For the spawner: the clone with `flags` was refused (EPERM, EINVAL...);
 * returns the flags to try next (0: no namespace). */
unsigned long sb_clone_refused(unsigned long flags);
/* The clone with `flags` worked. */
void sb_clone_worked(unsigned long flags);
/* For a child in a new user namespace: map our uid and gid to themselves, so
 * the tool sees its own ids rather than the overflow user's. */
void sb_map_ids(pid_t child);

/* SKILLC_SANDBOX from the environment: "on" (default), "strict" or "off". */
enum sb_mode sb_mode(void);

/* One call's resolved policy: absolute paths, limits with defaults applied. */
struct sb_policy {
	char **read, **write; /* malloc'd strings */
	size_t n_read, n_write, cap_read, cap_write;
	uint8_t network;      /* enum skc_net */
	uint64_t memory, file_size;
	uint32_t processes, cpu_s;
};

/*
 * The policy for one call of `tool`: the defaults, the tool's grants ("~"
 * expanded with the agent's HOME; a grant under "~" is dropped when HOME is
 * unset), the skill directory (read) and the call's temporary directory
 * (read and write). tmp_dir may be NULL.
 */
void sb_policy_init(struct sb_policy *p, const struct skc_table *t, const struct skc_tool *tool,
		    const char *skill_dir, const char *tmp_dir);
/* The same for a WASM call's child, which runs no program: only what the
 * tool is granted, and the resolver's and CA files when it has the network. */
void sb_policy_init_wasm(struct sb_policy *p, const struct skc_table *t,
			 const struct skc_tool *tool);
void sb_policy_release(struct sb_policy *p);

/* A granted path made absolute: "~" and "~/..." under HOME. malloc'd; NULL
 * when HOME is needed and unset. */
char *sb_expand_path(const char *path);

/* Everything the child needs, made in the parent. */
struct sb_child {
	int ruleset_fd;             /* Landlock ruleset; -1: none */
	bool no_net;                /* install the network filter */
	bool no_exec;               /* refuse exec and fork (threads only): set by
				       the caller for a child that runs no program */
	bool drop_caps;
	bool set_limits;
	unsigned long clone_flags;  /* CLONE_NEWPID, maybe CLONE_NEWUSER */
	uint64_t memory, file_size; /* 0: unlimited */
	uint32_t processes, cpu_s;
};

/*
 * Prepare p for a child. Returns 0, or -1 with err set when the mode is
 * strict and a layer is missing, or when the ruleset cannot be made.
 * Missing layers in the default mode are reported once on stderr.
 */
int sb_prepare(const struct sb_policy *p, struct sb_child *c, char *err, size_t errn);
void sb_child_release(struct sb_child *c);

/*
 * In the child, after clone and before exec: no_new_privs, no capabilities,
 * Landlock, the seccomp filter. Raw system calls only (rawsys.h): the child
 * may share the agent's memory, so it touches neither errno nor any other
 * libc state. Returns 0, or an errno value.
 */
int sb_enter(const struct sb_child *c);

/*
 * The rlimits, in the tool's own process just before exec, so the waiter
 * above it (which may share the agent's memory, a sanitizer's large
 * mappings included) is not held to them. Raw system calls only; 0 or an
 * errno value.
 */
int sb_limits(const struct sb_child *c);

#endif
