/*
 * WASM tools end to end: text-kit (skills/) through `call` and `mcp` of the
 * default agent, and the wasm-probe plugin (tests/wasm/skills), whose one
 * probe does a hostile or curious thing per call, as two tools: one granted
 * nothing and one granted a variable, the clock, randomness and two
 * directories. Every refusal has a twin that shows the same probe gets
 * through when granted, so a shim that refused everything would fail.
 * (`run` with WASM tools: test_agent_e2e.c; the SDK client: tests/mcp.)
 */
#define _GNU_SOURCE
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static const char *probe_agent(void)
{
	return tu_env("WASM_AGENT", "build/wasmprobe");
}

static const char *default_agent(void)
{
	return tu_env("AGENT", "build/agent");
}

static char *home;

static void put(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", home, rel);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	home = tu_tmpdir();
	char p[512], q[512];
	snprintf(p, sizeof p, "%s/wasm-ro", home);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/wasm-rw", home);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	put("wasm-ro/data.txt", "granted-data\n");
	put("private.txt", "private-data\n");
	snprintf(p, sizeof p, "%s/private.txt", home);
	snprintf(q, sizeof q, "%s/wasm-ro/abs-link", home);
	ck_assert_int_eq(symlink(p, q), 0);
	snprintf(q, sizeof q, "%s/wasm-ro/rel-link", home);
	ck_assert_int_eq(symlink("../private.txt", q), 0);
	snprintf(q, sizeof q, "%s/wasm-ro/inner-link", home);
	ck_assert_int_eq(symlink("data.txt", q), 0);
	setenv("HOME", home, 1);
	setenv("PROBE_VAR", "probe-value", 1);
	unsetenv("SKILLC_SANDBOX");
}

static void teardown(void)
{
	tu_rmdir(home);
}

/* `agent call wasm-probe__TOOL --arg do=WHAT [--arg arg=ARG]`, in env. */
static void probe(struct tu_run *r, const char *env, const char *tool, const char *what,
		  const char *arg)
{
	tu_run(r, "%s %s call wasm-probe__%s --arg do=%s%s%s", env, probe_agent(), tool, what,
	       arg ? " --arg arg=" : "", arg ? arg : "");
}

#define ck_has(hay, needle)                                                                    \
	ck_assert_msg((hay) && strstr(hay, needle), "'%s' not in: %.2000s", needle, (hay) ? (hay) : "")

/* ---- text-kit through `call` ---- */

static const struct kit_case {
	const char *args, *want; /* want: the whole stdout */
} kit_cases[] = {
	{"text-kit__digest --arg text=abc",
	 "{\"algorithm\":\"sha256\",\"encoding\":\"hex\",\"bytes\":3,\"digest\":"
	 "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}\n"},
	{"text-kit__digest --arg text=abc --arg algorithm=sha1 --arg encoding=base64",
	 "{\"algorithm\":\"sha1\",\"encoding\":\"base64\",\"bytes\":3,\"digest\":"
	 "\"qZk+NkcGgWq6PiVxeFDCbJzQ2J0=\"}\n"},
	{"text-kit__digest --arg text=abc --arg algorithm=crc32",
	 "{\"algorithm\":\"crc32\",\"encoding\":\"hex\",\"bytes\":3,\"digest\":\"352441c2\"}\n"},
	{"text-kit__digest --json '{\"text\":\"\"}'",
	 "{\"algorithm\":\"sha256\",\"encoding\":\"hex\",\"bytes\":0,\"digest\":"
	 "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}\n"},
	{"text-kit__transform --arg 'text=Hello, World!' --arg op=slug",
	 "{\"op\":\"slug\",\"result\":\"hello-world\"}\n"},
	{"text-kit__transform --json '{\"text\":\"caf\\u00e9 \\\"q\\\"\",\"op\":\"upper\"}'",
	 "{\"op\":\"upper\",\"result\":\"CAF\xc3\xa9 \\\"Q\\\"\"}\n"},
	{"text-kit__transform --arg text=SGVsbG8= --arg op=base64-decode",
	 "{\"op\":\"base64-decode\",\"result\":\"Hello\"}\n"},
	{"text-kit__transform --arg 'text=a b/c' --arg op=url-encode",
	 "{\"op\":\"url-encode\",\"result\":\"a%20b%2Fc\"}\n"},
	{"text-kit__transform --json '{\"text\":\"one two\\nthree\\n\",\"op\":\"count\"}'",
	 "{\"op\":\"count\",\"lines\":2,\"words\":3,\"characters\":14,\"bytes\":14}\n"},
};

START_TEST(test_kit_call)
{
	const struct kit_case *c = &kit_cases[_i];
	struct tu_run r;
	tu_run(&r, "%s call %s", default_agent(), c->args);
	ck_assert_msg(r.status == 0, "%s: status %d: %s", c->args, r.status, r.err);
	ck_assert_str_eq(r.out, c->want);
	tu_run_release(&r);
}
END_TEST

/* Arguments are checked against the schema before the module runs; what
 * the module itself refuses comes back as a failed call. */
START_TEST(test_kit_bad_args)
{
	struct tu_run r;
	tu_run(&r, "%s call text-kit__digest --arg algorithm=md5", default_agent());
	ck_assert_int_eq(r.status, 2);
	ck_has(r.err, "text");
	tu_run_release(&r);
	tu_run(&r, "%s call text-kit__digest --arg text=x --arg algorithm=md5", default_agent());
	ck_assert_int_eq(r.status, 2);
	ck_has(r.err, "algorithm");
	tu_run_release(&r);
	tu_run(&r, "%s call text-kit__transform --arg text=/w== --arg op=base64-decode",
	       default_agent());
	ck_assert_int_eq(r.status, 1);
	ck_has(r.err, "the result is not UTF-8 text");
	ck_has(r.err, "exited with status 2");
	tu_run_release(&r);
}
END_TEST

/* show and doctor say what a WASM tool may do: here, nothing. */
START_TEST(test_kit_show)
{
	struct tu_run r;
	tu_run(&r, "%s show text-kit__transform", default_agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_has(r.out, "module: transform.wasm (WebAssembly; arguments as json)");
	ck_has(r.out, "read: nothing");
	ck_has(r.out, "environment: nothing");
	ck_has(r.out, "clock: no; randomness: no");
	ck_has(r.out, "network: none");
	tu_run_release(&r);
	tu_run(&r, "%s show text-kit --json", default_agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_has(r.out, "\"version\": \"1.0.0\"");
	ck_has(r.out, "\"kind\": \"wasm\"");
	tu_run_release(&r);
}
END_TEST

/* ---- text-kit through `mcp`: JSON-RPC on stdin ---- */

START_TEST(test_kit_mcp)
{
	struct tu_run r;
	tu_run(&r,
	       "python3 %s/tests/sandbox/mcp_call.py %s "
	       "'{\"method\":\"tools/call\",\"params\":{\"name\":\"text-kit__digest\",\"arguments\":{\"text\":\"abc\"}}}' "
	       "'{\"method\":\"tools/call\",\"params\":{\"name\":\"text-kit__transform\",\"arguments\":{\"text\":\"x\",\"op\":\"nope\"}}}' "
	       "'{\"method\":\"tools/call\",\"params\":{\"name\":\"text-kit__transform\",\"arguments\":{\"text\":\"Mcp\",\"op\":\"lower\"}}}'",
	       tu_env("TEST_ROOT", "."), default_agent());
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_has(r.out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_has(r.out, "\\\"result\\\":\\\"mcp\\\"");
	/* the bad op is refused by the schema before the module runs */
	ck_has(r.out, "parameter 'op' must be one of");
	tu_run_release(&r);
}
END_TEST

/* A module that traps or loops is one failed call: the server answers it
 * as an error and serves the next call. */
START_TEST(test_probe_mcp)
{
	struct tu_run r;
	tu_run(&r,
	       "python3 %s/tests/sandbox/mcp_call.py %s "
	       "'{\"method\":\"tools/call\",\"params\":{\"name\":\"wasm-probe__probe\",\"arguments\":{\"do\":\"trap\"}}}' "
	       "'{\"method\":\"tools/call\",\"params\":{\"name\":\"wasm-probe__probe\",\"arguments\":{\"do\":\"oob\"}}}' "
	       "'{\"method\":\"tools/call\",\"params\":{\"name\":\"wasm-probe__probe\",\"arguments\":{\"do\":\"loop\"}}}' "
	       "'{\"method\":\"tools/call\",\"params\":{\"name\":\"wasm-probe__probe\",\"arguments\":{\"do\":\"echo\",\"arg\":\"after\"}}}'",
	       tu_env("TEST_ROOT", "."), probe_agent());
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_has(r.out, "trapped: unreachable instruction executed");
	ck_has(r.out, "trapped: out-of-bounds access");
	ck_has(r.out, "timed out after 3 s");
	ck_has(r.out, "\\\"arg\\\":\\\"after\\\"");
	tu_run_release(&r);
}
END_TEST

/* ---- hostile modules ---- */

static const struct hostile {
	const char *what;
	int status;      /* agent call's exit status */
	const char *err; /* in stderr */
} hostile[] = {
	{"trap", 1, "trapped: unreachable instruction executed"},
	{"oob", 1, "trapped: out-of-bounds access to linear memory or a table"},
	{"recurse", 1, "trapped: call stack exhausted"},
	{"loop", 4, "timed out after 3 s"},
	{"flood", 1, "printed more than its output cap of 65536 bytes"},
};

START_TEST(test_hostile)
{
	const struct hostile *h = &hostile[_i];
	struct tu_run r;
	probe(&r, "", "probe", h->what, NULL);
	ck_assert_msg(r.status == h->status, "%s: status %d: %s", h->what, r.status, r.err);
	ck_has(r.err, h->err);
	tu_run_release(&r);
}
END_TEST

/* A memory bomb stops at the cap (32 MiB for this plugin): allocation
 * fails inside the module, which reports it, and the agent is unharmed. */
START_TEST(test_memory_bomb)
{
	struct tu_run r;
	probe(&r, "", "probe", "bomb", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	int mib = -1;
	ck_assert_int_eq(sscanf(r.out, "{\"allocated_mib\":%d}", &mib), 1);
	ck_assert_msg(mib >= 8 && mib < 32, "allocated %d MiB under a 32 MiB cap", mib);
	tu_run_release(&r);
}
END_TEST

/* The exit code, stderr as the tool's log, argv for flags-style tools. */
START_TEST(test_exit_and_log)
{
	struct tu_run r;
	probe(&r, "", "probe", "exit", "7");
	ck_assert_int_eq(r.status, 1);
	ck_has(r.err, "exited with status 7");
	tu_run_release(&r);
	probe(&r, "", "probe", "stderr", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "{\"ok\":true}\n");
	ck_has(r.err, "a log line");
	tu_run_release(&r);
	probe(&r, "", "probe", "echo", "'two words'");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "{\"argc\":5,\"arg\":\"two words\"}\n");
	tu_run_release(&r);
}
END_TEST

/* ---- grants ---- */

static const struct grant {
	const char *tool, *what, *arg; /* arg: "~" is HOME */
	const char *want;  /* the line printed, or its start with a trailing '*' */
	const char *err;   /* in stderr; NULL: not checked */
} grants[] = {
	/* granted nothing: refused, and told which grant is missing */
	{"probe", "env", "PROBE_VAR", "{\"set\":false,\"value\":\"\"}", NULL},
	{"probe", "env", "HOME", "{\"set\":false,\"value\":\"\"}", NULL},
	{"probe", "clock", NULL, "{\"clock_gettime\":-1,\"errno\":76,*", "clock_time_get refused"},
	{"probe", "random", NULL, "{\"getentropy\":-1,\"errno\":76,*", "random_get refused"},
	{"probe", "read", "~/wasm-ro/data.txt", "{\"open\":-1,\"errno\":76,*", NULL},
	{"probe", "write", "~/wasm-rw/out.txt", "{\"open\":-1,\"errno\":76,*", NULL},
	/* granted: the same probes get through */
	{"probe_granted", "env", "PROBE_VAR", "{\"set\":true,\"value\":\"probe-value\"}", NULL},
	{"probe_granted", "env", "HOME", "{\"set\":false,\"value\":\"\"}", NULL},
	{"probe_granted", "clock", NULL, "{\"clock_gettime\":0,*", NULL},
	{"probe_granted", "random", NULL, "{\"getentropy\":0,*", NULL},
	{"probe_granted", "read", "~/wasm-ro/data.txt", "{\"read\":\"granted-data\"}", NULL},
	{"probe_granted", "read", "~/wasm-ro/inner-link", "{\"read\":\"granted-data\"}", NULL},
	{"probe_granted", "write", "~/wasm-rw/out.txt", "{\"write\":16,*", NULL},
	/* but no further than granted */
	{"probe_granted", "write", "~/wasm-ro/new.txt", "{\"open\":-1,\"errno\":76,*",
	 "path_open for writing refused"},
	{"probe_granted", "read", "~/private.txt", "{\"open\":-1,\"errno\":76,*", NULL},
	{"probe_granted", "read", "~/wasm-ro/../private.txt", "{\"open\":-1,\"errno\":63,*", NULL},
	{"probe_granted", "read", "~/wasm-ro/abs-link", "{\"open\":-1,\"errno\":63,*", NULL},
	{"probe_granted", "read", "~/wasm-ro/rel-link", "{\"open\":-1,\"errno\":63,*", NULL},
	{"probe_granted", "read", "/etc/passwd", "{\"open\":-1,\"errno\":76,*", NULL},
};

static void check_grant(const struct grant *g, const char *env)
{
	char arg[512] = "";
	if (g->arg && g->arg[0] == '~')
		snprintf(arg, sizeof arg, "%s%s", home, g->arg + 1);
	else if (g->arg)
		snprintf(arg, sizeof arg, "%s", g->arg);
	struct tu_run r;
	probe(&r, env, g->tool, g->what, g->arg ? arg : NULL);
	ck_assert_msg(r.status == 0, "%s %s: status %d: %s", g->tool, g->what, r.status, r.err);
	r.out[strcspn(r.out, "\n")] = '\0';
	size_t n = strlen(g->want);
	if (g->want[n - 1] == '*')
		ck_assert_msg(!strncmp(r.out, g->want, n - 1), "%s %s %s [%s]: got '%s'", g->tool,
			      g->what, arg, env, r.out);
	else
		ck_assert_msg(!strcmp(r.out, g->want), "%s %s %s [%s]: got '%s'", g->tool, g->what,
			      arg, env, r.out);
	if (g->err)
		ck_has(r.err, g->err);
	tu_run_release(&r);
}

START_TEST(test_grant)
{
	check_grant(&grants[_i], "");
}
END_TEST

/* The shim is the boundary, not the sandbox around it: with the sandbox
 * off the same refusals hold. */
START_TEST(test_grant_unconfined)
{
	check_grant(&grants[_i], "SKILLC_SANDBOX=off");
}
END_TEST

START_TEST(test_granted_write_landed)
{
	struct tu_run r;
	char path[512];
	snprintf(path, sizeof path, "%s/wasm-rw/out.txt", home);
	probe(&r, "", "probe_granted", "write", path);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_release(&r);
	char *got = tu_read(path, NULL);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, "written by wasm\n");
	free(got);
}
END_TEST

/* A plugin's grant is shared: its script tool and its WASM tool both get
 * the plugin's `env`; a tool's own `env` replaces it, field by field. */
START_TEST(test_shared_grant)
{
	struct tu_run r;
	tu_run(&r, "PLUGIN_VAR=plugin-value %s call wasm-probe__shared_env", probe_agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "PLUGIN_VAR=plugin-value PROBE_VAR=unset\n");
	tu_run_release(&r);
	probe(&r, "PLUGIN_VAR=plugin-value", "probe", "env", "PLUGIN_VAR");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "{\"set\":true,\"value\":\"plugin-value\"}\n");
	tu_run_release(&r);
	probe(&r, "PLUGIN_VAR=plugin-value", "probe_granted", "env", "PLUGIN_VAR");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "{\"set\":false,\"value\":\"\"}\n");
	tu_run_release(&r);
}
END_TEST

/* `uses:` at run time: activating uses-demo, which has no tools of its
 * own, offers the plugin tool it declares (mcp --scoped lists only what is
 * offered). */
START_TEST(test_uses_offered)
{
	struct tu_run r;
	tu_run(&r,
	       "python3 %s/tests/sandbox/mcp_call.py %s --scoped '{\"method\":\"tools/list\"}' "
	       "'{\"method\":\"tools/call\",\"params\":{\"name\":\"activate_skill\",\"arguments\":{\"name\":\"uses-demo\"}}}' "
	       "'{\"method\":\"tools/list\"}' | grep '\"tools\":'",
	       tu_env("TEST_ROOT", "."), probe_agent());
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	char *second = strchr(r.out, '\n');
	ck_assert_ptr_nonnull(second);
	*second++ = '\0';
	ck_assert_ptr_null(strstr(r.out, "wasm-probe__probe")); /* before */
	ck_has(second, "\"name\":\"wasm-probe__probe\"");     /* after */
	ck_assert_ptr_null(strstr(second, "wasm-probe__probe_granted"));
	tu_run_release(&r);
	tu_run(&r, "%s show uses-demo", probe_agent());
	ck_has(r.out, "uses (offered with it when it is active):\n  wasm-probe__probe\n");
	tu_run_release(&r);
}
END_TEST

/* ---- the network: skillc.http_request against a loopback server ---- */

static const char http_server[] =
	"import http.server, sys\n"
	"class H(http.server.BaseHTTPRequestHandler):\n"
	"    def do_GET(self):\n"
	"        b = ('hello ' + self.path + ' x-probe=' + str(self.headers.get('X-Probe'))).encode()\n"
	"        if self.path == '/big': b = ('\\u00e9' * 40000).encode()\n"
	"        self.send_response(200)\n"
	"        self.send_header('Content-Length', str(len(b)))\n"
	"        self.end_headers()\n"
	"        self.wfile.write(b)\n"
	"    def log_message(self, *a): pass\n"
	"s = http.server.HTTPServer(('127.0.0.1', 0), H)\n"
	"open(sys.argv[1] + '.tmp', 'w').write(str(s.server_port))\n"
	"import os; os.rename(sys.argv[1] + '.tmp', sys.argv[1])\n"
	"s.serve_forever()\n";

static pid_t http_start(int *port)
{
	char pf[512];
	snprintf(pf, sizeof pf, "%s/port", home);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execlp("python3", "python3", "-c", http_server, pf, (char *)NULL);
		_exit(127);
	}
	/* A minute bounds a hang on a busy machine; it is not a speed check. */
	for (int i = 0; i < 6000; i++) {
		char *p = tu_read(pf, NULL);
		if (p) {
			*port = atoi(p);
			free(p);
			return pid;
		}
		usleep(10000);
	}
	kill(pid, SIGKILL);
	ck_abort_msg("the HTTP server did not start");
	return -1;
}

static void http_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

START_TEST(test_http)
{
	int port = 0;
	pid_t srv = http_start(&port);
	char url[128];
	struct tu_run r;
	/* granted 127.0.0.1: the request goes through, headers and all */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/granted", port);
	probe(&r, "", "probe_granted", "http", url);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_has(r.out, "\"status\":200");
	ck_has(r.out, "\"body\":\"hello /granted x-probe=1\"");
	ck_has(r.out, "\"truncated\":false");
	tu_run_release(&r);
	/* the same request without a network grant */
	probe(&r, "", "probe", "http", url);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "{\"http_errno\":76}\n");
	ck_has(r.err, "http_request refused: the network (permissions: network) is not granted");
	tu_run_release(&r);
	/* a host that is not in the list, though it is the same server */
	snprintf(url, sizeof url, "http://localhost:%d/other", port);
	probe(&r, "", "probe_granted", "http", url);
	ck_assert_str_eq(r.out, "{\"http_errno\":76}\n");
	ck_has(r.err, "this host (permissions: network) is not granted");
	tu_run_release(&r);
	/* a body past the module's 64 KiB buffer is cut, at a UTF-8 boundary */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/big", port);
	probe(&r, "", "probe_granted", "http", url);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_has(r.out, "\xc3\xa9\",\"truncated\"");
	ck_has(r.out, "\"truncated\":true");
	tu_run_release(&r);
	/* a method that would split the request line is refused */
	char raw[256];
	snprintf(raw, sizeof raw,
		 "'{\"method\":\"GET http://other/ HTTP/1.1\\r\\nX: \",\"url\":\"http://127.0.0.1:%d/\"}'",
		 port);
	probe(&r, "", "probe_granted", "http_raw", raw);
	ck_assert_str_eq(r.out, "{\"http_errno\":28}\n");
	ck_has(r.err, "a method must be a word in capitals");
	tu_run_release(&r);
	/* only http and https */
	probe(&r, "", "probe_granted", "http", "file:///etc/passwd");
	ck_assert_str_eq(r.out, "{\"http_errno\":28}\n");
	tu_run_release(&r);
	http_stop(srv);
}
END_TEST

Suite *suite_wasm_e2e(void)
{
	Suite *s = suite_create("wasm_e2e");
	TCase *tk = tcase_create("text-kit");
	tcase_set_timeout(tk, 60);
	tcase_add_loop_test(tk, test_kit_call, 0, sizeof kit_cases / sizeof kit_cases[0]);
	tcase_add_test(tk, test_kit_bad_args);
	tcase_add_test(tk, test_kit_show);
	tcase_add_test(tk, test_kit_mcp);
	suite_add_tcase(s, tk);
	TCase *th = tcase_create("hostile");
	tcase_add_checked_fixture(th, setup, teardown);
	tcase_set_timeout(th, 60);
	tcase_add_loop_test(th, test_hostile, 0, sizeof hostile / sizeof hostile[0]);
	tcase_add_test(th, test_memory_bomb);
	tcase_add_test(th, test_exit_and_log);
	tcase_add_test(th, test_probe_mcp);
	tcase_add_loop_test(th, test_grant, 0, sizeof grants / sizeof grants[0]);
	tcase_add_loop_test(th, test_grant_unconfined, 0, sizeof grants / sizeof grants[0]);
	tcase_add_test(th, test_granted_write_landed);
	tcase_add_test(th, test_shared_grant);
	tcase_add_test(th, test_uses_offered);
	tcase_add_test(th, test_http);
	suite_add_tcase(s, th);
	return s;
}
