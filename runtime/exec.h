/*
 * exec.h - run one tool process: its own process group, stdin fed from memory
 * (or /dev/null), stdout and stderr drained together, output capped, a
 * timeout that kills the whole group.
 *
 * The engine is start/step/finish so an event loop can drive many processes
 * through poll():
 *
 *	rx_start(&spec, &p);
 *	while (!rx_step(p)) {
 *		int n = rx_pollfds(p, fds, RX_POLLFDS);
 *		poll(fds, n, rx_timeout_ms(p));
 *	}
 *	rx_finish(p, &res);
 *
 * rx_step never blocks; call it after every poll() wake-up, including a
 * timeout, since deadlines are handled there. Cancellation is rx_kill (or
 * rx_finish at any point, which kills what is still running).
 *
 * Timing policy: at the timeout the group gets SIGTERM, and SIGKILL
 * RX_TERM_GRACE_MS later if the leader is still alive. Output past the cap
 * gets the group SIGKILL at once (out_capped). When the leader exits
 * (for any reason) the rest of its group is SIGKILLed at once, so a tool
 * cannot leave processes behind; pipes still held open by something that
 * escaped the group (setsid) are abandoned RX_DRAIN_GRACE_MS later.
 */
#ifndef RX_EXEC_H
#define RX_EXEC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox.h"

enum {
	RX_POLLFDS = 4,             /* the most fds rx_pollfds reports */
	RX_ERR_TAIL = 8192,         /* stderr bytes kept: the tail */
	RX_DEFAULT_CAP = 1 << 20,   /* stdout bytes kept when output_cap is 0 */
	RX_TERM_GRACE_MS = 200,     /* SIGTERM to SIGKILL on timeout */
	RX_DRAIN_GRACE_MS = 100,    /* pipes kept after the leader exited */
	RX_SEND_MAX = 16 << 20      /* duplex stdin bytes that may wait */
};

struct rx_spec {
	/* argv[0] is looked up in the child environment's PATH when it has no
	 * '/' (empty and relative PATH entries are skipped). */
	const char *const *argv;
	const char *const *envp; /* the child's whole environment; NULL: ours */
	const char *cwd;         /* NULL: inherit */
	/* NULL: stdin is /dev/null. Must stay valid until rx_finish. */
	const char *stdin_data;
	size_t stdin_len;
	uint32_t timeout_ms; /* 0: none */
	size_t output_cap;   /* stdout bytes kept (0: RX_DEFAULT_CAP); a process
				that writes more is killed, and out_truncated set */
	/* Confinement applied in the child before exec (sandbox.h); NULL: none.
	 * Must stay valid until rx_start returns. */
	const struct sb_child *sandbox;
	/* Instead of exec'ing argv: call run(run_arg) in a forked copy of this
	 * process, confined the same way, and exit with what it returns. argv[0]
	 * still names it. The copy must not return into the caller's code. */
	int (*run)(void *arg);
	void *run_arg;
	/* A conversation rather than a one-shot: stdin stays open after
	 * stdin_data for rx_send until rx_close_input, and stdout is taken as it
	 * comes with rx_out/rx_out_take; output_cap then bounds what waits
	 * untaken (one message line), not the total. */
	bool duplex;
};

struct rx_result {
	char *out; /* malloc'd, NUL-terminated (never NULL after rx_finish) */
	size_t out_len;
	bool out_truncated;
	bool out_capped; /* killed for writing past the cap */
	char *err; /* the last RX_ERR_TAIL bytes of stderr, as out */
	size_t err_len;
	bool err_truncated; /* earlier stderr was dropped */
	int exit_code;      /* -1 when killed by a signal or not started */
	int term_signal;    /* 0 when it exited */
	bool timed_out;
	bool cancelled;     /* rx_kill was called */
	int spawn_errno;    /* non-zero: could not be started (ENOENT, EACCES...;
			       a missing cwd is ENOENT too) */
	uint64_t duration_us;
};

struct rx_proc;

/*
 * Start the process. Returns 0 with *out set, also when the program could not
 * be started: that proc is already finished and its result carries
 * spawn_errno. Returns -1 with errno (EINVAL: no argv[0]) and *out NULL only
 * when there is nothing to finish.
 */
int rx_start(const struct rx_spec *spec, struct rx_proc **out);
/* The fds to wait on (at most min(max, RX_POLLFDS)); 0 once finished. */
int rx_pollfds(struct rx_proc *p, struct pollfd *fds, int max);
/* Move data and handle deadlines without blocking; 1 when finished. */
int rx_step(struct rx_proc *p);
/* Milliseconds until rx_step has a deadline to handle; -1: none. */
int rx_timeout_ms(const struct rx_proc *p);
/* The process (and group) id of a started process; 0 when none was started. */
pid_t rx_pid(const struct rx_proc *p);
/* SIGKILL the whole process group now; keep stepping or rx_finish. */
void rx_kill(struct rx_proc *p);
/* Kill what still runs, reap, fill `res` and free `p`. */
void rx_finish(struct rx_proc *p, struct rx_result *res);

/*
 * Duplex processes only. rx_send queues bytes for the child's stdin (copied);
 * -1 with EPIPE when its stdin is closed (it exited, or closed it), or with
 * ENOBUFS when more than RX_SEND_MAX bytes already wait (it stopped reading). rx_close_input sends EOF once the queue is
 * written. rx_out shows the stdout not yet taken; rx_out_take drops n bytes
 * of it from the front.
 */
int rx_send(struct rx_proc *p, const char *b, size_t n);
void rx_close_input(struct rx_proc *p);
const char *rx_out(const struct rx_proc *p, size_t *len);
void rx_out_take(struct rx_proc *p, size_t n);

/* rx_start, step until finished, rx_finish. Returns 0, or -1 with errno as
 * rx_start (res is then zeroed with spawn_errno set). */
int rx_run(const struct rx_spec *spec, struct rx_result *res);
void rx_result_release(struct rx_result *res);

/*
 * A child environment: the allowlisted variables of `environ` (PATH, HOME,
 * LANG, LC_*, TERM, TZ, TMPDIR, USER, LOGNAME) plus `extra` ("K=V" strings,
 * NULL-terminated, may be NULL; an extra replaces an inherited variable of
 * the same name). PATH is /usr/local/bin:/usr/bin:/bin when unset. Returns a
 * malloc'd NULL-terminated vector to free with rx_env_free.
 */
char **rx_env_clean(const char *const *extra);
void rx_env_free(char **env);

#endif
