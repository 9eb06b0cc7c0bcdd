/*
 * The sandbox, end to end: the jail agent (tests/sandbox/skills) holds tools
 * that each try to do more than their manifest grants. A probe prints
 * "ok ..." when it got through and "denied <exception>" when it was stopped;
 * every test that expects a denial has a twin run with SKILLC_SANDBOX=off
 * or a granted tool showing the same probe does get through, so a sandbox
 * that silently did nothing would fail here.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "testutil.h"

static const char *agent(void)
{
	return tu_env("JAIL_AGENT", "build/jail");
}

static int landlock_abi(void)
{
#ifdef SYS_landlock_create_ruleset
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, 1u);
	return v > 0 ? (int)v : 0;
#else
	return 0;
#endif
}

static char *home, *tmp, *cache, *old_path;

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* Where the real python3 lives, so tools find it without a version
 * manager's shim (which would look for its files under the test's HOME). */
static char *python_dir(void)
{
	struct tu_run r;
	tu_run(&r, "python3 -c 'import os, sys; print(os.path.dirname(os.path.realpath(sys.executable)))'");
	ck_assert_msg(r.status == 0, "python3: %s", r.err);
	r.out[strcspn(r.out, "\n")] = '\0';
	char *d = strdup(r.out);
	tu_run_release(&r);
	return d;
}

static void setup(void)
{
	home = tu_tmpdir();
	tmp = tu_tmpdir();
	cache = tu_tmpdir();
	char sub[512];
	static const char *const dirs[] = {"private", "readable", "writable"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(sub, sizeof sub, "%s/%s", home, dirs[i]);
		ck_assert_int_eq(mkdir(sub, 0755), 0);
	}
	put(home, "private/secret.txt", "private-data\n");
	put(home, "readable/data.txt", "readable-data\n");
	char *py = python_dir();
	old_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s:%s", py, old_path), 0);
	setenv("PATH", path, 1);
	free(path);
	free(py);
	setenv("HOME", home, 1);
	setenv("TMPDIR", tmp, 1);
	setenv("XDG_CACHE_HOME", cache, 1);
	setenv("JAIL_MARKER", "1", 1);
	unsetenv("SKILLC_SANDBOX");
	unsetenv("JAIL_TOKEN");
	unsetenv("JAIL_OPTIONAL");
}

static void teardown(void)
{
	setenv("PATH", old_path, 1);
	free(old_path);
	tu_rmdir(home);
	tu_rmdir(tmp);
	tu_rmdir(cache);
}

/* The first line a tool printed. */
static char *first_line(struct tu_run *r)
{
	r->out[strcspn(r->out, "\n")] = '\0';
	return r->out;
}

static const struct probe {
	const char *tool, *what;
	const char *want;  /* the line printed, or its start with a trailing '*' */
	int landlock;      /* the Landlock ABI the outcome needs (0: none) */
} probes[] = {
	{"probe", "read_private", "denied PermissionError", 1},
	{"probe", "write_home", "denied PermissionError", 1},
	{"probe", "write_skill", "denied PermissionError", 1},
	{"probe", "write_tmp", "ok *", 0},
	{"probe", "tcp", "denied PermissionError", 0},
	{"probe", "udp", "denied PermissionError", 0},
	{"probe", "unix", "ok unix", 0},
	/* the second process of its own pid namespace; the first waits for it */
	{"probe", "pid", "ok 2", 0},
	{"probe", "privileges", "ok 1 0000000000000000 0000000000000000", 0},
	{"probe", "io_uring", "ok errno 13", 0},
	/* clone3 is the tool's to use (EINVAL for no arguments): see test_without_clone3 */
	{"probe", "clone3", "ok errno 22", 0},
	{"probe", "environ", "ok 0", 1},
	{"granted", "read_granted", "ok readable-data", 1},
	{"granted", "write_granted", "ok *", 1},
	{"granted", "read_private", "denied PermissionError", 1},
	{"granted", "write_home", "denied PermissionError", 1},
	/* network granted: the socket is made, and nobody listens on port 1 */
	{"granted", "tcp", "denied ConnectionRefusedError", 0},
};

static void check_line(const char *got, const char *want, const char *what)
{
	size_t n = strlen(want);
	if (n && want[n - 1] == '*')
		ck_assert_msg(!strncmp(got, want, n - 1), "%s: got '%s', want '%s'", what, got, want);
	else
		ck_assert_msg(!strcmp(got, want), "%s: got '%s', want '%s'", what, got, want);
}

START_TEST(test_probe)
{
	const struct probe *p = &probes[_i];
	if (p->landlock < 0 && geteuid() != 0) {
		fprintf(stderr, "sandbox: skipped %s %s: as root only\n", p->tool, p->what);
		return;
	}
	if (landlock_abi() < p->landlock) {
		fprintf(stderr, "sandbox: skipped %s %s: needs Landlock ABI %d\n", p->tool, p->what,
			p->landlock);
		return;
	}
	struct tu_run r;
	tu_run(&r, "%s call jail__%s --arg what=%s", agent(), p->tool, p->what);
	ck_assert_msg(r.status == 0, "%s %s: status %d: %s", p->tool, p->what, r.status, r.err);
	check_line(first_line(&r), p->want, p->what);
	tu_run_release(&r);
}
END_TEST

/* The same probes get through with the sandbox off: the denials above are the sandbox's. */
START_TEST(test_probe_unconfined)
{
	static const struct probe open_probes[] = {
		{"probe", "read_private", "ok private-data", 0},
		{"probe", "write_home", "ok *", 0},
		{"probe", "tcp", "denied ConnectionRefusedError", 0},
		{"probe", "environ", "ok *", 0},
	};
	for (size_t i = 0; i < sizeof open_probes / sizeof open_probes[0]; i++) {
		struct tu_run r;
		tu_run(&r, "SKILLC_SANDBOX=off %s call jail__probe --arg what=%s", agent(),
		       open_probes[i].what);
		ck_assert_msg(r.status == 0, "%s", r.err);
		check_line(first_line(&r), open_probes[i].want, open_probes[i].what);
		tu_run_release(&r);
	}
	/* The unconfined environ probe found the agent's environment. */
	struct tu_run r;
	tu_run(&r, "SKILLC_SANDBOX=off %s call jail__probe --arg what=environ", agent());
	ck_assert_str_ne(first_line(&r), "ok 0");
	tu_run_release(&r);
}
END_TEST

/* A process outside the tool cannot be signalled: the pid namespace hides
 * it (ESRCH) and Landlock's signal scope refuses it (EPERM). */
START_TEST(test_signal_outside)
{
	struct tu_run r;
	static const struct {
		const char *env, *want;
		int alive;
	} runs[] = {{"", NULL, 1}, {"SKILLC_SANDBOX=off", "ok killed", 0}};
	for (size_t i = 0; i < 2; i++) {
		tu_run(&r, "bash -c 'exec -a skillc-jail-victim sleep 300' >/dev/null 2>&1 & "
			   "for i in $(seq 400); do pgrep -f '^skillc-jail-victim' >/dev/null && break; "
			   "sleep 0.05; done; "
			   "%s %s call jail__probe --arg what=kill_victim; st=$?; "
			   "if pgrep -f '^skillc-jail-victim' >/dev/null; then echo alive; "
			   "pkill -f '^skillc-jail-victim'; fi; exit $st",
		       runs[i].env, agent());
		ck_assert_msg(r.status == 0, "%s", r.err);
		char *second = strchr(r.out, '\n');
		ck_assert_ptr_nonnull(second);
		*second++ = '\0';
		if (runs[i].want)
			check_line(r.out, runs[i].want, runs[i].env);
		else
			ck_assert_msg(!strcmp(r.out, "denied ProcessLookupError") ||
					      !strcmp(r.out, "denied PermissionError"),
				      "%s", r.out);
		/* Only the survivor is checked: a killed one may take a moment to go. */
		if (runs[i].alive)
			ck_assert_str_eq(second, "alive\n");
		tu_run_release(&r);
	}
}
END_TEST

/* Nothing written where it was denied; the granted write landed; the
 * call's temporary directory is gone. */
START_TEST(test_files_after)
{
	struct tu_run r;
	char path[512];
	tu_run(&r, "%s call jail__probe --arg what=write_home && %s call jail__granted --arg "
		   "what=write_granted && %s call jail__probe --arg what=tmp",
	       agent(), agent(), agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	snprintf(path, sizeof path, "%s/escaped.txt", home);
	if (landlock_abi())
		ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/writable/out.txt", home);
	ck_assert_int_eq(access(path, F_OK), 0);
	/* TMPDIR was private to the call: under ours, and removed after it. */
	char *line = strrchr(r.out, '\n');
	ck_assert_ptr_nonnull(line);
	*line = '\0';
	line = strrchr(r.out, '\n');
	line = line ? line + 1 : r.out;
	ck_assert_msg(!strncmp(line, "ok ", 3) && !strncmp(line + 3, tmp, strlen(tmp)), "%s", line);
	ck_assert_int_ne(access(line + 3, F_OK), 0);
	DIR *d = opendir(tmp);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	while ((e = readdir(d)))
		ck_assert_msg(e->d_name[0] == '.', "left behind: %s", e->d_name);
	closedir(d);
	tu_run_release(&r);
}
END_TEST

START_TEST(test_hosts)
{
	struct tu_run r;
	tu_run(&r, "%s call jail__hosts", agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "api.example.com,*.example.org:443,127.0.0.1:8080\n"
				"denied ConnectionRefusedError\n");
	tu_run_release(&r);
}
END_TEST

/* Processes of the tool's, in a new session or double-forked, die with it. */
static int count_daemons(const char *tag)
{
	char want[64];
	snprintf(want, sizeof want, "skillc-jail-daemon-%s", tag);
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char path[300], buf[256] = {0};
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t k = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		if (k && !strcmp(buf, want))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

START_TEST(test_daemons_die)
{
	char tag[32];
	struct tu_run r;
	/* In a pid namespace, and with a subreaper instead (SKILLC_NO_PIDNS=1). */
	static const char *const how[] = {"", "SKILLC_NO_PIDNS=1"};
	for (int i = 0; i < 2; i++) {
		snprintf(tag, sizeof tag, "%d-%d", (int)getpid(), i);
		tu_run(&r, "%s %s call jail__daemon --arg tag=%s", how[i], agent(), tag);
		ck_assert_msg(r.status == 0, "%s", r.err);
		ck_assert_str_eq(r.out, "started\n");
		tu_run_release(&r);
		ck_assert_msg(count_daemons(tag) == 0, "%s: a daemon survived", how[i]);
	}
	/* Unconfined, the one in its own session outlives the process group: the
	 * check above can see a survivor. */
	tu_run(&r, "SKILLC_SANDBOX=off %s call jail__daemon --arg tag=%s-open", agent(), tag);
	ck_assert_int_eq(r.status, 0);
	tu_run_release(&r);
	char open_tag[48];
	snprintf(open_tag, sizeof open_tag, "%s-open", tag);
	int left = count_daemons(open_tag);
	tu_run(&r, "pkill -f '^skillc-jail-daemon-%s'", open_tag);
	tu_run_release(&r);
	ck_assert_int_eq(left, 1);
}
END_TEST

/*
 * Where clone3 is refused (container filters, old kernels, valgrind) the
 * waiter is a copy of the agent rather than sharing its memory: the same
 * confinement, checked through the test runner's --without-clone3.
 */
START_TEST(test_without_clone3)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	ck_assert(n > 0);
	self[n] = '\0';
	static const char *const what[][2] = {
		{"read_private", "denied PermissionError"},
		{"tcp", "denied PermissionError"},
		{"pid", "ok 2"},
		{"privileges", "ok 1 0000000000000000 0000000000000000"},
	};
	struct tu_run r;
	for (size_t i = 0; i < sizeof what / sizeof what[0]; i++) {
		if (!strcmp(what[i][0], "read_private") && landlock_abi() < 1)
			continue;
		tu_run(&r, "%s --without-clone3 %s call jail__probe --arg what=%s", self, agent(),
		       what[i][0]);
		ck_assert_msg(r.status == 0, "%s: status %d: %s", what[i][0], r.status, r.err);
		check_line(first_line(&r), what[i][1], what[i][0]);
		tu_run_release(&r);
	}
	/* the probe's clone3 is refused too: the filter is really in place */
	tu_run(&r, "%s --without-clone3 %s call jail__probe --arg what=clone3", self, agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	check_line(first_line(&r), "ok errno 38", "clone3");
	tu_run_release(&r);
	char tag[32];
	snprintf(tag, sizeof tag, "%d-copy", (int)getpid());
	tu_run(&r, "%s --without-clone3 %s call jail__daemon --arg tag=%s", self, agent(), tag);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_release(&r);
	ck_assert_msg(count_daemons(tag) == 0, "a daemon survived the copied waiter");
}
END_TEST

START_TEST(test_memory_limit)
{
	struct tu_run r;
	tu_run(&r, "%s call jail__bomb", agent());
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "MemoryError") != NULL, "%s", r.err);
	ck_assert_ptr_null(strstr(r.out, "allocated"));
	tu_run_release(&r);
	tu_run(&r, "SKILLC_SANDBOX=off %s call jail__bomb", agent());
	ck_assert_msg(r.status == 0 && strstr(r.out, "allocated"), "%s", r.err);
	tu_run_release(&r);
}
END_TEST

START_TEST(test_file_size_limit)
{
	struct tu_run r;
	tu_run(&r, "%s call jail__bigfile", agent());
	/* Python ignores SIGXFSZ, so the write fails with EFBIG instead. */
	ck_assert_msg(r.status == 0 && !strcmp(r.out, "denied OSError\n"), "%d %s %s", r.status,
		      r.out, r.err);
	tu_run_release(&r);
}
END_TEST

/* CPU time: killed by SIGXCPU long before its 120 s timeout (status 4). */
START_TEST(test_cpu_limit)
{
	struct tu_run r;
	tu_run(&r, "%s call jail__spin", agent());
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "signal 24") || strstr(r.err, "signal 9"), "%s", r.err);
	tu_run_release(&r);
}
END_TEST

/* Past the output cap the tool is killed, not drained until its timeout. */
START_TEST(test_flood_killed)
{
	struct tu_run r;
	tu_run(&r, "%s call jail__flood", agent());
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	ck_assert_uint_eq(r.out_len, 65536);
	ck_assert_msg(strstr(r.err, "output cap of 65536 bytes"), "%s", r.err);
	tu_run_release(&r);
}
END_TEST

/*
 * RLIMIT_NPROC does not bind root, so as root the check runs the agent as
 * nobody (setpriv), from a copy it can reach, with Debian's python3.
 */
START_TEST(test_process_limit)
{
	struct tu_run r;
	char *dir = NULL;
	if (geteuid() == 0) {
		if (access("/usr/bin/python3", X_OK) != 0 || access("/usr/bin/setpriv", X_OK) != 0) {
			fprintf(stderr, "sandbox: skipped the process limit: no /usr/bin/python3 "
					"or setpriv to run it as nobody\n");
			return;
		}
		dir = tu_tmpdir();
		ck_assert_int_eq(chmod(dir, 0777), 0);
		tu_run(&r, "cp %s %s/jail && setpriv --reuid=65534 --regid=65534 --clear-groups "
			   "env PATH=/usr/bin:/bin HOME=%s XDG_CACHE_HOME=%s TMPDIR=%s %s/jail call jail__forks "
			   "&& setpriv --reuid=65534 --regid=65534 --clear-groups "
			   "env PATH=/usr/bin:/bin HOME=%s XDG_CACHE_HOME=%s TMPDIR=%s %s/jail call jail__probe "
			   "--arg what=uid",
		       agent(), dir, dir, dir, dir, dir, dir, dir, dir, dir);
	} else {
		tu_run(&r, "%s call jail__forks", agent());
	}
	ck_assert_msg(r.status == 0, "%s", r.err);
	int started = -1, refused = -1;
	ck_assert_int_eq(sscanf(r.out, "started %d refused %d", &started, &refused), 2);
	ck_assert_msg(refused > 0 && started < 4, "%s", r.out);
	/* An ordinary user's tool, in a user namespace of its own, keeps its ids. */
	if (dir)
		ck_assert_msg(strstr(r.out, "\nok 65534 65534\n") != NULL, "%s", r.out);
	tu_run_release(&r);
	if (dir)
		tu_rmdir(dir);
}
END_TEST

/* ---- secrets ---- */

START_TEST(test_secret_given_and_redacted)
{
	struct tu_run r;
	tu_run(&r, "JAIL_TOKEN=tok-12345678 JAIL_OPTIONAL=opt-87654321 JAIL_UNDECLARED=leak "
		   "%s call jail__secret",
	       agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "JAIL_TOKEN=[secret JAIL_TOKEN]\n"
				"JAIL_OPTIONAL=[secret JAIL_OPTIONAL]\n"
				"JAIL_UNDECLARED=(unset)\n"
				"JAIL_MARKER=(unset)\n");
	tu_run_release(&r);
	/* Not set and optional: absent. Other tools never get them. */
	tu_run(&r, "JAIL_TOKEN=tok-12345678 %s call jail__secret", agent());
	ck_assert_ptr_nonnull(strstr(r.out, "JAIL_OPTIONAL=(unset)\n"));
	tu_run_release(&r);
	tu_run(&r, "JAIL_TOKEN=tok-12345678 SKILLC_SANDBOX=off %s call jail__probe --arg what=environ",
	       agent());
	ck_assert_int_eq(r.status, 0);
	tu_run_release(&r);
}
END_TEST

START_TEST(test_secret_required)
{
	struct tu_run r;
	tu_run(&r, "%s call jail__secret", agent());
	ck_assert_int_eq(r.status, 5);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(strstr(r.err, "needs the secret 'JAIL_TOKEN'"), "%s", r.err);
	tu_run_release(&r);
}
END_TEST

/* Secret values appear in no listing, schema or MCP reply; names stay out of
 * what a model sees, and `show` (for the operator) names them. */
START_TEST(test_secret_not_listed)
{
	struct tu_run r;
	tu_run(&r, "JAIL_TOKEN=tok-12345678 %s list --json", agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_null(strstr(r.out, "tok-12345678"));
	ck_assert_ptr_null(strstr(r.out, "JAIL_TOKEN"));
	tu_run_release(&r);
	tu_run(&r, "JAIL_TOKEN=tok-12345678 %s show jail__secret", agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_null(strstr(r.out, "tok-12345678"));
	ck_assert_msg(strstr(r.out, "JAIL_TOKEN (required, set)"), "%s", r.out);
	tu_run_release(&r);
	tu_run(&r, "JAIL_TOKEN=tok-12345678 python3 tests/sandbox/mcp_call.py %s "
		   "'{\"method\":\"tools/list\"}' "
		   "'{\"method\":\"tools/call\",\"params\":{\"name\":\"jail__secret\"}}' "
		   "'{\"method\":\"tools/call\",\"params\":{\"name\":\"jail__probe\",\"arguments\":{\"what\":\"tcp\"}}}'",
	       agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_null(strstr(r.out, "tok-12345678"));
	char *list = strstr(r.out, "\"id\":2,");
	ck_assert_ptr_nonnull(list);
	*strchrnul(list, '\n') = '\0';
	ck_assert_msg(!strstr(list, "JAIL_TOKEN"), "%s", list);
	list[strlen(list)] = '\n';
	ck_assert_msg(strstr(r.out, "JAIL_TOKEN=[secret JAIL_TOKEN]"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "denied PermissionError"), "%s", r.out);
	tu_run_release(&r);
}
END_TEST

/* ---- reports ---- */

START_TEST(test_show_and_doctor)
{
	struct tu_run r;
	tu_run(&r, "%s show jail__granted", agent());
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "  read: ~/readable") && strstr(r.out, "  write: ~/writable") &&
			      strstr(r.out, "  network: any host"),
		      "%s", r.out);
	tu_run_release(&r);
	tu_run(&r, "%s show jail__bomb --json", agent());
	ck_assert_int_eq(r.status, 0);
	json_t *doc = json_loads(r.out, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	json_t *perm = json_object_get(doc, "permissions");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(perm, "limits"), "memory")),
			 64 << 20);
	ck_assert_str_eq(json_string_value(json_object_get(perm, "network")), "none");
	json_decref(doc);
	tu_run_release(&r);
	tu_run(&r, "%s doctor --json", agent());
	doc = json_loads(r.out, 0, NULL);
	ck_assert_msg(doc != NULL, "%s", r.out);
	json_t *sb = json_object_get(doc, "sandbox");
	ck_assert_int_eq(json_integer_value(json_object_get(sb, "landlock_abi")), landlock_abi());
	ck_assert_str_eq(json_string_value(json_object_get(sb, "mode")), "on");
	json_t *tools = json_object_get(doc, "tools");
	ck_assert_uint_eq(json_array_size(tools), 10);
	json_decref(doc);
	tu_run_release(&r);
	tu_run(&r, "%s doctor", agent());
	ck_assert_msg(strstr(r.out, "jail__hosts") && strstr(r.out, "api.example.com"), "%s", r.out);
	tu_run_release(&r);
}
END_TEST

START_TEST(test_strict_mode)
{
	struct tu_run r;
	tu_run(&r, "SKILLC_SANDBOX=strict %s call jail__probe --arg what=pid", agent());
	if (landlock_abi())
		ck_assert_msg(r.status == 0 && !strcmp(r.out, "ok 2\n"), "%s", r.err);
	else
		ck_assert_msg(r.status == 5 && strstr(r.err, "strict"), "%s", r.err);
	tu_run_release(&r);
}
END_TEST

/* ---- the policy, without running anything ---- */

static int has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

START_TEST(test_policy_paths)
{
	/* Two grants read ("~/notes", "/data"), one written ("~/out"). */
	static const char pool[] = "~/notes\0/data\0~/out\0";
	static const struct skc_slice strs[] = {{0, 7}, {8, 5}, {14, 5}};
	struct skc_table t = {.data = (const unsigned char *)pool, .perm_strs = strs,
			      .perm_str_count = 3};
	struct skc_tool tool = {.perms = {.read_first = 0, .read_count = 2, .write_first = 2,
					  .write_count = 1, .memory = 1 << 20}};
	char *saved_path = strdup(getenv("PATH")), *saved_home = strdup(getenv("HOME"));
	setenv("PATH", "/opt/tool/bin:/home/u/.pyenv/shims:/bin:relative:/usr/local/sbin/:", 1);
	setenv("HOME", "/home/u/", 1);
	struct sb_policy p;
	sb_policy_init(&p, &t, &tool, "/cache/skill", "/tmp/call");
	/* PATH entries, and the prefix of a bin, sbin or shims directory, never
	 * "/"; the prefix takes the place of the entry it covers */
	ck_assert(has(p.read, p.n_read, "/opt/tool") && !has(p.read, p.n_read, "/opt/tool/bin"));
	ck_assert(has(p.read, p.n_read, "/home/u/.pyenv"));
	ck_assert(!has(p.read, p.n_read, "/home/u/.pyenv/shims"));
	/* what /usr already covers costs no rule of its own */
	ck_assert(!has(p.read, p.n_read, "/usr/local/sbin") && !has(p.read, p.n_read, "/usr/local"));
	ck_assert(!has(p.read, p.n_read, "/") && !has(p.read, p.n_read, "relative"));
	ck_assert(has(p.read, p.n_read, "/usr") && has(p.read, p.n_read, "/cache/skill"));
	/* "~" is the agent's HOME, without its trailing slash */
	ck_assert(has(p.read, p.n_read, "/home/u/notes") && has(p.read, p.n_read, "/data"));
	ck_assert(has(p.write, p.n_write, "/home/u/out") && has(p.write, p.n_write, "/tmp/call"));
	ck_assert(has(p.write, p.n_write, "/dev/null") && !has(p.write, p.n_write, "/data"));
	ck_assert_uint_eq(p.memory, 1 << 20);
	ck_assert_uint_eq(p.file_size, SB_DEFAULT_FILE_SIZE);
	ck_assert_uint_eq(p.network, SKC_NET_NONE);
	sb_policy_release(&p);
	/* Without a usable HOME a "~" grant grants nothing. */
	setenv("HOME", "relative", 1);
	sb_policy_init(&p, &t, &tool, NULL, NULL);
	ck_assert(!has(p.read, p.n_read, "relative/notes") && has(p.read, p.n_read, "/data"));
	ck_assert(!has(p.write, p.n_write, "relative/out"));
	sb_policy_release(&p);
	setenv("PATH", saved_path, 1);
	setenv("HOME", saved_home, 1);
	free(saved_path);
	free(saved_home);
}
END_TEST

static void *thread_ok(void *arg)
{
	return arg;
}

/*
 * The filter for a WASM call's child (no_exec): no program and no process
 * can be started, but a thread can (libcurl's resolver). Each step's
 * result is the child's exit code: 0 when it went as expected.
 */
START_TEST(test_no_exec_filter)
{
	if (!sb_support()->seccomp) {
		fprintf(stderr, "sandbox: skipped no_exec: no seccomp here\n");
		return;
	}
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sb_child c = {.ruleset_fd = -1, .no_exec = true};
		if (sb_enter(&c))
			_exit(10);
		char *argv[] = {"/bin/false", NULL}, *envp[] = {NULL}; /* exits 1 if it runs */
		if (execve("/bin/false", argv, envp) == 0 || errno != EPERM)
			_exit(11);
		if (fork() != -1 || errno != EPERM)
			_exit(12);
		if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
			_exit(13);
		pthread_t th;
		void *ret = NULL;
		if (pthread_create(&th, NULL, thread_ok, (void *)1) || pthread_join(th, &ret) || !ret)
			_exit(14);
		_exit(0);
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "step %d failed (status %#x)",
		      WIFEXITED(st) ? WEXITSTATUS(st) - 10 : -1, st);
}
END_TEST

Suite *suite_sandbox(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_probe, 0, sizeof probes / sizeof probes[0]);
	tcase_add_test(tc, test_probe_unconfined);
	tcase_add_test(tc, test_signal_outside);
	tcase_add_test(tc, test_files_after);
	tcase_add_test(tc, test_hosts);
	tcase_add_test(tc, test_daemons_die);
	tcase_add_test(tc, test_without_clone3);
	tcase_add_test(tc, test_memory_limit);
	tcase_add_test(tc, test_file_size_limit);
	tcase_add_test(tc, test_cpu_limit);
	tcase_add_test(tc, test_flood_killed);
	tcase_add_test(tc, test_process_limit);
	tcase_add_test(tc, test_secret_given_and_redacted);
	tcase_add_test(tc, test_secret_required);
	tcase_add_test(tc, test_secret_not_listed);
	tcase_add_test(tc, test_show_and_doctor);
	tcase_add_test(tc, test_strict_mode);
	suite_add_tcase(s, tc);
	TCase *tp = tcase_create("policy");
	tcase_add_test(tp, test_policy_paths);
	tcase_add_test(tp, test_no_exec_filter);
	suite_add_tcase(s, tp);
	return s;
}
