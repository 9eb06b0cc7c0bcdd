#include "exec.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct rx_result run_argv(const char *const *argv, const char *in, size_t in_len,
				 uint32_t timeout_ms, size_t cap)
{
	struct rx_spec spec = {
		.argv = argv,
		.stdin_data = in,
		.stdin_len = in_len,
		.timeout_ms = timeout_ms,
		.output_cap = cap,
	};
	struct rx_result res;
	ck_assert_int_eq(rx_run(&spec, &res), 0);
	ck_assert_ptr_nonnull(res.out);
	ck_assert_ptr_nonnull(res.err);
	ck_assert_uint_eq(strlen(res.out) <= res.out_len, 1);
	return res;
}

static struct rx_result run_sh(const char *script, uint32_t timeout_ms)
{
	const char *argv[] = {"sh", "-c", script, NULL};
	return run_argv(argv, NULL, 0, timeout_ms, 0);
}

START_TEST(test_echo)
{
	const char *argv[] = {"echo", "hello", NULL};
	struct rx_result r = run_argv(argv, NULL, 0, 0, 0);
	ck_assert_str_eq(r.out, "hello\n");
	ck_assert_uint_eq(r.out_len, 6);
	ck_assert_str_eq(r.err, "");
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_int_eq(r.term_signal, 0);
	ck_assert(!r.timed_out && !r.out_truncated && !r.err_truncated);
	ck_assert_int_eq(r.spawn_errno, 0);
	rx_result_release(&r);
}
END_TEST

START_TEST(test_stderr_separate)
{
	struct rx_result r = run_sh("echo out; echo err >&2; echo more; exit 3", 0);
	ck_assert_str_eq(r.out, "out\nmore\n");
	ck_assert_str_eq(r.err, "err\n");
	ck_assert_int_eq(r.exit_code, 3);
	rx_result_release(&r);
}
END_TEST

/* Both pipes flooded at once: draining one after the other would deadlock. */
START_TEST(test_flood_both)
{
	const char *argv[] = {"sh", "-c",
			      "head -c 5000000 /dev/zero >&2 & head -c 5000000 /dev/zero; wait", NULL};
	struct rx_result r = run_argv(argv, NULL, 0, 20000, 6000000);
	ck_assert(!r.timed_out);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_uint_eq(r.out_len, 5000000);
	ck_assert(!r.out_truncated);
	ck_assert_uint_eq(r.err_len, RX_ERR_TAIL);
	ck_assert(r.err_truncated);
	rx_result_release(&r);
}
END_TEST

START_TEST(test_output_cap)
{
	const char *argv[] = {"sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x; echo tail >&2",
			      NULL};
	struct rx_result r = run_argv(argv, NULL, 0, 20000, 1000);
	/* Past the cap the group is killed at once: `echo tail` never runs. */
	ck_assert_int_eq(r.exit_code, -1);
	ck_assert_int_eq(r.term_signal, SIGKILL);
	ck_assert(r.out_truncated && r.out_capped && !r.timed_out);
	ck_assert_uint_eq(r.out_len, 1000);
	ck_assert_uint_eq(strlen(r.out), 1000);
	ck_assert_int_eq(r.out[999], 'x');
	ck_assert_str_eq(r.err, "");
	rx_result_release(&r);
	/* Exactly the cap is not past it. */
	const char *exact[] = {"sh", "-c", "head -c 1000 /dev/zero | tr '\\0' x; echo tail >&2", NULL};
	r = run_argv(exact, NULL, 0, 20000, 1000);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert(!r.out_truncated && !r.out_capped);
	ck_assert_str_eq(r.err, "tail\n");
	rx_result_release(&r);
}
END_TEST

START_TEST(test_stdin_delivered)
{
	size_t n = 3 * 1000 * 1000;
	char *in = malloc(n);
	for (size_t i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	const char *argv[] = {"cat", NULL};
	struct rx_result r = run_argv(argv, in, n, 20000, n);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_uint_eq(r.out_len, n);
	ck_assert(memcmp(r.out, in, n) == 0);
	rx_result_release(&r);
	free(in);
}
END_TEST

START_TEST(test_stdin_null_eof)
{
	/* A stdin left open would block `read` until the timeout: a minute,
	 * which a busy machine never needs, so timing out is the failure. */
	struct rx_result r = run_sh("read x; echo \"rc=$?\"; cat", 60000);
	ck_assert(!r.timed_out);
	ck_assert_str_eq(r.out, "rc=1\n");
	rx_result_release(&r);
}
END_TEST

/* A child that never reads a big stdin (or closes it) must not block us. */
START_TEST(test_stdin_unread)
{
	static const char *const scripts[] = {
		"exit 0", "sleep 0.2", "exec 0<&-; sleep 0.2", "head -c 10 >/dev/null; sleep 0.1",
	};
	size_t n = 10 * 1000 * 1000;
	char *in = malloc(n);
	memset(in, 'z', n);
	for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
		const char *argv[] = {"sh", "-c", scripts[i], NULL};
		struct rx_result r = run_argv(argv, in, n, 10000, 0);
		ck_assert_msg(!r.timed_out, "%s timed out", scripts[i]);
		ck_assert_int_eq(r.exit_code, 0);
		rx_result_release(&r);
	}
	free(in);
}
END_TEST

static const struct {
	const char *script;
	int code, sig;
} statuses[] = {
	{"exit 0", 0, 0},
	{"exit 1", 1, 0},
	{"exit 255", 255, 0},
	{"kill -SEGV $$", -1, SIGSEGV},
	{"kill -KILL $$", -1, SIGKILL},
	{"kill -TERM $$", -1, SIGTERM},
};

START_TEST(test_status)
{
	struct rx_result r = run_sh(statuses[_i].script, 5000);
	ck_assert_int_eq(r.exit_code, statuses[_i].code);
	ck_assert_int_eq(r.term_signal, statuses[_i].sig);
	ck_assert(!r.timed_out);
	rx_result_release(&r);
}
END_TEST

/*
 * Bounds on runs that would otherwise take 100 s (a child sleeping that long):
 * far above their time on a busy machine, so only the failure they catch
 * reaches them.
 */
enum { SLOW_US = 30000000 };

/* Dead: gone or a zombie (the sandbox's init may reap orphans late). A
 * SIGKILLed process exits soon but not at once: wait up to 30 s. */
static int dead(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 3000; i++) {
		FILE *f = fopen(path, "r");
		if (!f)
			return 1;
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		const char *rp = strrchr(buf, ')');
		if (!rp || rp[1] != ' ' || rp[2] == 'Z' || rp[2] == 'X')
			return 1;
		usleep(10000);
	}
	return 0;
}

START_TEST(test_timeout_group)
{
	struct rx_result r = run_sh("sleep 100 & echo $!; sleep 100", 300);
	ck_assert(r.timed_out);
	ck_assert_int_eq(r.exit_code, -1);
	ck_assert_int_ne(r.term_signal, 0);
	ck_assert_uint_lt(r.duration_us, SLOW_US);
	ck_assert_uint_ge(r.duration_us, 300000);
	pid_t grandchild = (pid_t)atoi(r.out);
	ck_assert_int_gt(grandchild, 1);
	ck_assert(dead(grandchild));
	rx_result_release(&r);
}
END_TEST

/* SIGTERM ignored: SIGKILL follows after the grace. */
START_TEST(test_timeout_term_ignored)
{
	struct rx_result r = run_sh("trap '' TERM; sleep 100", 300);
	ck_assert(r.timed_out);
	ck_assert_int_eq(r.term_signal, SIGKILL);
	ck_assert_uint_lt(r.duration_us, SLOW_US);
	rx_result_release(&r);
}
END_TEST

/* The leader exits while a background child holds stdout open. */
START_TEST(test_leader_exit_grandchild)
{
	struct rx_result r = run_sh("sleep 100 & echo $!; echo done", 0);
	ck_assert(!r.timed_out);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "done\n"));
	ck_assert_uint_lt(r.duration_us, SLOW_US);
	ck_assert(dead((pid_t)atoi(r.out)));
	rx_result_release(&r);
}
END_TEST

/* Something escaped the group and keeps the pipe: abandoned after a grace
 * (100 ms), not waited for (100 s). */
START_TEST(test_escaped_holder)
{
	struct rx_result r = run_sh("setsid sleep 100 & echo $!; echo done", 0);
	pid_t holder = (pid_t)atoi(r.out);
	ck_assert_int_gt(holder, 1);
	kill(holder, SIGKILL); /* out of every group the run killed */
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\ndone\n"));
	ck_assert_uint_lt(r.duration_us, SLOW_US);
	rx_result_release(&r);
}
END_TEST

static const struct {
	const char *prog;
	int err;
} spawn_fails[] = {
	{"skillc-no-such-program-xyz", ENOENT},
	{"/nonexistent/prog", ENOENT},
	{"/etc/passwd", EACCES},
	{"", ENOENT},
};

START_TEST(test_spawn_errno)
{
	const char *argv[] = {spawn_fails[_i].prog, NULL};
	struct rx_result r = run_argv(argv, "x", 1, 1000, 0);
	ck_assert_int_eq(r.spawn_errno, spawn_fails[_i].err);
	ck_assert_int_eq(r.exit_code, -1);
	ck_assert_int_eq(r.term_signal, 0);
	ck_assert_str_eq(r.out, "");
	rx_result_release(&r);
}
END_TEST

START_TEST(test_cwd)
{
	const char *argv[] = {"pwd", NULL};
	struct rx_spec spec = {.argv = argv, .cwd = "/usr/bin"};
	struct rx_result r;
	ck_assert_int_eq(rx_run(&spec, &r), 0);
	ck_assert_str_eq(r.out, "/usr/bin\n");
	rx_result_release(&r);

	spec.cwd = "/nonexistent-dir";
	ck_assert_int_eq(rx_run(&spec, &r), 0);
	ck_assert_int_eq(r.spawn_errno, ENOENT);
	rx_result_release(&r);
}
END_TEST

START_TEST(test_env_clean)
{
	setenv("SKC_SECRET", "hunter2", 1);
	setenv("LC_TESTVAR", "kept", 1);
	setenv("HOME", "/home/somebody", 1);
	const char *extra[] = {"FOO=bar", "HOME=/override", NULL};
	char **env = rx_env_clean(extra);
	const char *argv[] = {"env", NULL};
	struct rx_spec spec = {.argv = argv, .envp = (const char *const *)env};
	struct rx_result r;
	ck_assert_int_eq(rx_run(&spec, &r), 0);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_null(strstr(r.out, "SKC_SECRET"));
	ck_assert_ptr_nonnull(strstr(r.out, "FOO=bar\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "LC_TESTVAR=kept\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "HOME=/override\n"));
	ck_assert_ptr_null(strstr(r.out, "somebody"));
	ck_assert_ptr_nonnull(strstr(r.out, "PATH="));
	rx_result_release(&r);
	rx_env_free(env);

	unsetenv("PATH");
	env = rx_env_clean(NULL);
	int found = 0;
	for (char **e = env; *e; e++)
		found += strcmp(*e, "PATH=/usr/local/bin:/usr/bin:/bin") == 0;
	ck_assert_int_eq(found, 1);
	rx_env_free(env);
}
END_TEST

/* Default dispositions, an empty mask and no leaked fds in the child.
 * glibc's posix_spawn leaves its two internal signals (32, 33) ignored; a
 * glibc child reinstalls its own handlers for them, so they are masked out. */
START_TEST(test_child_hygiene)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int leak = open("/dev/null", O_RDONLY); /* deliberately not CLOEXEC */
	ck_assert_int_ge(leak, 3);

	/* Spawned directly: a shell blocks signals around its own forks. */
	const char *argv[] = {"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL};
	struct rx_result r = run_argv(argv, NULL, 0, 0, 0);
	unsigned long long blk = 1, ign = 1;
	ck_assert_int_eq(sscanf(r.out, "SigBlk:\t%llx\nSigIgn:\t%llx\n", &blk, &ign), 2);
	ck_assert_uint_eq(blk, 0);
	ck_assert_uint_eq(ign & ~0x180000000ull, 0);
	rx_result_release(&r);

	r = run_sh("ls /proc/$$/fd", 0);
	ck_assert_str_eq(r.out, "0\n1\n2\n");
	rx_result_release(&r);
	close(leak);
}
END_TEST

/* Two processes driven by one poll loop; one cancelled mid-way. */
START_TEST(test_event_loop)
{
	const char *a_argv[] = {"sh", "-c", "sleep 0.2; echo a", NULL};
	const char *b_argv[] = {"sleep", "100", NULL};
	struct rx_spec sa = {.argv = a_argv}, sb = {.argv = b_argv};
	struct rx_proc *pa, *pb;
	ck_assert_int_eq(rx_start(&sa, &pa), 0);
	ck_assert_int_eq(rx_start(&sb, &pb), 0);
	struct rx_result ra, rb;
	int done_a = 0, done_b = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!done_a || !done_b) {
		struct pollfd fds[2 * RX_POLLFDS];
		int n = 0, t = -1;
		if (!done_a) {
			n += rx_pollfds(pa, fds + n, RX_POLLFDS);
			t = rx_timeout_ms(pa);
		}
		if (!done_b) {
			n += rx_pollfds(pb, fds + n, RX_POLLFDS);
			int tb = rx_timeout_ms(pb);
			if (tb >= 0 && (t < 0 || tb < t))
				t = tb;
		}
		poll(fds, (nfds_t)n, t);
		if (!done_a && rx_step(pa)) {
			rx_finish(pa, &ra);
			done_a = 1;
			rx_kill(pb); /* cancel the other once the first is in */
		}
		if (!done_b && rx_step(pb)) {
			rx_finish(pb, &rb);
			done_b = 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_str_eq(ra.out, "a\n");
	ck_assert_int_eq(ra.exit_code, 0);
	ck_assert(rb.cancelled);
	ck_assert_int_eq(rb.term_signal, SIGKILL);
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, SLOW_US / 1000000);
	rx_result_release(&ra);
	rx_result_release(&rb);
}
END_TEST

/* rx_finish on a running process kills and reaps it. */
START_TEST(test_finish_early)
{
	const char *argv[] = {"sleep", "100", NULL};
	struct rx_spec spec = {.argv = argv};
	struct rx_proc *p;
	ck_assert_int_eq(rx_start(&spec, &p), 0);
	struct rx_result r;
	rx_finish(p, &r);
	ck_assert_int_eq(r.term_signal, SIGKILL);
	rx_result_release(&r);

	struct rx_spec bad = {.argv = NULL};
	ck_assert_int_eq(rx_start(&bad, &p), -1);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(rx_run(&bad, &r), -1);
	ck_assert_int_eq(r.spawn_errno, EINVAL);
	rx_result_release(&r);
}
END_TEST

Suite *suite_exec(void)
{
	Suite *s = suite_create("exec");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_echo);
	tcase_add_test(tc, test_stderr_separate);
	tcase_add_test(tc, test_flood_both);
	tcase_add_test(tc, test_output_cap);
	tcase_add_test(tc, test_stdin_delivered);
	tcase_add_test(tc, test_stdin_null_eof);
	tcase_add_test(tc, test_stdin_unread);
	tcase_add_loop_test(tc, test_status, 0, (int)(sizeof statuses / sizeof statuses[0]));
	tcase_add_test(tc, test_timeout_group);
	tcase_add_test(tc, test_timeout_term_ignored);
	tcase_add_test(tc, test_leader_exit_grandchild);
	tcase_add_test(tc, test_escaped_holder);
	tcase_add_loop_test(tc, test_spawn_errno, 0,
			    (int)(sizeof spawn_fails / sizeof spawn_fails[0]));
	tcase_add_test(tc, test_cwd);
	tcase_add_test(tc, test_env_clean);
	tcase_add_test(tc, test_child_hygiene);
	tcase_add_test(tc, test_event_loop);
	tcase_add_test(tc, test_finish_early);
	suite_add_tcase(s, tc);
	return s;
}
