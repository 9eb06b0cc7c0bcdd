/*
 * End to end: `run` and `chat` of the probe agent (tests/e2e/skills) against
 * the scripted mock provider (tests/agent/mock_provider.py). Each test starts
 * the mock, runs the agent in a clean environment (real keys never leak in),
 * stops the mock and checks its request log: exact request bodies against
 * goldens in tests/agent/golden/ (SKILLC_UPDATE_GOLDEN=1 rewrites them),
 * headers, retries, tool results, caps, sessions and traces.
 */
#define _GNU_SOURCE /* asprintf, prctl */
#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/* ---- the fixture: one tmpdir and at most one mock per test ---- */

static struct {
	char *dir;
	pid_t mock, reaper;
	int port;
	int reaper_fd; /* its stdin: EOF when this test process ends */
} cx;

static void cleanup(void)
{
	if (cx.mock > 0) {
		kill(cx.mock, SIGTERM);
		waitpid(cx.mock, NULL, 0);
		cx.mock = 0;
	}
	if (cx.dir) {
		tu_rmdir(cx.dir);
		cx.dir = NULL;
	}
	if (cx.reaper > 0) {
		kill(cx.reaper, SIGKILL);
		waitpid(cx.reaper, NULL, 0);
		close(cx.reaper_fd);
		cx.reaper = 0;
	}
}

/*
 * A failed assertion ends the forked test with _exit() (and a timeout with
 * SIGKILL), skipping the teardown: the mock dies with its parent
 * (PR_SET_PDEATHSIG) and a reaper process removes the tmpdir once the test
 * process is gone (its end of the pipe closes).
 */
static void setup(void)
{
	cx.dir = tu_tmpdir();
	cx.mock = 0;
	cx.port = 0;
	int p[2];
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	cx.reaper = fork();
	ck_assert_int_ge(cx.reaper, 0);
	if (cx.reaper == 0) {
		/* out of the test's process group, which Check kills when the test ends */
		setsid();
		dup2(p[0], 0);
		execl("/bin/sh", "sh", "-c", "cat >/dev/null; sleep 0.3; rm -rf \"$0\"", cx.dir, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	cx.reaper_fd = p[1];
}

static void teardown(void)
{
	cleanup();
}

/* The probe agent, unless a test chose the sandbox suite's jail agent. */
static const char *agent_override;

static const char *agent(void)
{
	return agent_override ? agent_override : tu_env("E2E_AGENT", "build/e2e");
}

static const char *root(void)
{
	return tu_env("TEST_ROOT", ".");
}

/* A path in the test's tmpdir (a few rotating buffers). */
static const char *tp(const char *name)
{
	static char bufs[8][512];
	static unsigned k;
	char *b = bufs[k++ % 8];
	snprintf(b, sizeof bufs[0], "%s/%s", cx.dir, name);
	return b;
}

static void write_file(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_uint_eq(fwrite(text, 1, n, f), n);
	fclose(f);
}

/* Scenarios are written with ' for " to stay readable in C. */
static char *q(const char *s)
{
	char *d = strdup(s);
	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- the mock provider ---- */

static void mock_start(const char *scenario)
{
	char *sc = q(scenario);
	json_error_t je;
	json_t *check = json_loads(sc, 0, &je);
	ck_assert_msg(check != NULL, "bad scenario (%s): %s", je.text, sc);
	json_decref(check);
	write_file(tp("scenario.json"), sc, strlen(sc));
	free(sc);
	unlink(tp("port"));
	unlink(tp("requests.jsonl"));
	char script[1024];
	snprintf(script, sizeof script, "%s/tests/agent/mock_provider.py", root());
	char scen[512], log[512], port[512];
	snprintf(scen, sizeof scen, "%s", tp("scenario.json"));
	snprintf(log, sizeof log, "%s", tp("requests.jsonl"));
	snprintf(port, sizeof port, "%s", tp("port"));
	char merr[512];
	snprintf(merr, sizeof merr, "%s", tp("mock.err"));
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Dies with the test even when Check kills it on a timeout. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* its complaints about clients that reset are expected noise */
		int fd = open(merr, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		execlp("python3", "python3", script, "--scenario", scen, "--log", log, "--port-file",
		       port, "--max-seconds", "600", (char *)NULL);
		_exit(127);
	}
	cx.mock = pid;
	/* Python's start is slow on a busy machine: a minute bounds a hang only. */
	for (uint64_t end = now_ms() + 60000; now_ms() < end;) {
		char *p = tu_read(port, NULL);
		if (p && *p && strchr(p, '\n')) {
			cx.port = atoi(p);
			free(p);
			ck_assert_int_gt(cx.port, 0);
			return;
		}
		free(p);
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			cx.mock = 0;
			char *e = tu_read(merr, NULL);
			ck_abort_msg("the mock provider exited (status %d) before listening: %s", st,
				     e ? e : "");
		}
		usleep(10000);
	}
	ck_abort_msg("the mock provider did not write its port file within 60 s");
}

static json_t *read_jsonl(const char *path)
{
	json_t *all = json_array();
	char *text = tu_read(path, NULL);
	if (!text)
		return all;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		json_error_t je;
		json_t *v = json_loads(line, 0, &je);
		ck_assert_msg(v != NULL, "%s: a line is not JSON (%s): %s", path, je.text, line);
		json_array_append_new(all, v);
	}
	free(text);
	return all;
}

/* Stop the mock; its request log, one object per request. */
static json_t *mock_stop(void)
{
	if (cx.mock > 0) {
		kill(cx.mock, SIGTERM);
		waitpid(cx.mock, NULL, 0);
		cx.mock = 0;
	}
	return read_jsonl(tp("requests.jsonl"));
}

/* ---- running the agent ---- */

enum { P_OPENAI, P_ANTHROPIC, P_GEMINI, P_COMPAT, P_COUNT };

static const struct prov {
	const char *name, *file, *key_env, *suffix, *extra;
} provs[] = {
	[P_OPENAI] = {"openai", "openai", "OPENAI_API_KEY=test-key", "/v1", ""},
	[P_ANTHROPIC] = {"anthropic", "anthropic", "ANTHROPIC_API_KEY=test-key", "", ""},
	[P_GEMINI] = {"gemini", "gemini", "GEMINI_API_KEY=test-key", "", ""},
	/* a local server: no key, so no Authorization header */
	[P_COMPAT] = {"openai-compatible", "compat", "", "/v1", " --model local-model"},
};

/* `env -i ... ENV AGENT ARGS`: nothing of the test's environment but PATH. */
static void vrun_env(struct tu_run *r, const char *env, const char *fmt, va_list ap)
{
	char *args;
	ck_assert_int_ge(vasprintf(&args, fmt, ap), 0);
	tu_run(r, "env -i PATH=\"$PATH\" HOME=%s XDG_CACHE_HOME=%s %s %s %s", cx.dir, cx.dir, env,
	       agent(), args);
	free(args);
}

static void run_env(struct tu_run *r, const char *env, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void run_env(struct tu_run *r, const char *env, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vrun_env(r, env, fmt, ap);
	va_end(ap);
}

/* `AGENT CMD --provider P --base-url MOCK ARGS` with P's key. */
static void run_prov(struct tu_run *r, int k, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void run_prov(struct tu_run *r, int k, const char *cmd, const char *fmt, ...)
{
	const struct prov *p = &provs[k];
	char *args, *all;
	va_list ap;
	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&args, fmt, ap), 0);
	va_end(ap);
	ck_assert_int_ge(asprintf(&all, "%s --provider %s --base-url http://127.0.0.1:%d%s%s %s", cmd,
				  p->name, cx.port, p->suffix, p->extra, args),
			 0);
	run_env(r, p->key_env, "%s", all);
	free(args);
	free(all);
}

/* ---- looking at requests ---- */

static json_t *body_of(json_t *log, size_t i)
{
	json_t *e = json_array_get(log, i);
	ck_assert_msg(e != NULL, "no request %zu", i + 1);
	ck_assert_msg(!json_object_get(e, "mismatch"), "request %zu: %s", i + 1,
		      json_string_value(json_object_get(e, "mismatch")));
	return json_object_get(e, "body");
}

static const char *header_of(json_t *log, size_t i, const char *name)
{
	return json_string_value(json_object_get(json_object_get(json_array_get(log, i), "headers"), name));
}

static char *dump(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	ck_assert(s != NULL);
	return s;
}

static bool has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle);
}

#define ck_has(hay, needle)                                                                    \
	ck_assert_msg(has(hay, needle), "'%s' not in: %.3000s", needle, (hay) ? (hay) : "(null)")
#define ck_hasnt(hay, needle)                                                                  \
	ck_assert_msg(!has(hay, needle), "'%s' unexpected in: %.3000s", needle, (hay) ? (hay) : "(null)")

/* The OpenAI-format messages of a request and one of them. */
static json_t *msgs(json_t *body)
{
	json_t *m = json_object_get(body, "messages");
	if (!m)
		m = json_object_get(body, "contents");
	ck_assert_msg(json_is_array(m), "no messages in the request");
	return m;
}

/* The text of OpenAI tool message `id`. */
static const char *oa_result(json_t *body, const char *id)
{
	size_t i;
	json_t *m;
	json_array_foreach(msgs(body), i, m)
		if (!strcmp(json_string_value(json_object_get(m, "role")), "tool") &&
		    !strcmp(json_string_value(json_object_get(m, "tool_call_id")), id))
			return json_string_value(json_object_get(m, "content"));
	char *b = dump(body);
	ck_abort_msg("no tool result '%s' in %.3000s", id, b);
	return NULL;
}

static json_t *events(json_t *trace, const char *name)
{
	json_t *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(trace, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "event")), name))
			json_array_append(out, e);
	return out;
}

static json_int_t ival(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	ck_assert_msg(json_is_integer(v), "'%s' is not an integer", key);
	return json_integer_value(v);
}

/* ---- 1. the golden conversation, every provider, streamed and plain ---- */

static const char golden_scenario[] =
	"{'steps':["
	"{'reply':{'text':'Let me look.','tool_calls':[{'id':'call_a','name':'activate_skill',"
	"'arguments':{'name':'probe'},'signature':'sig-a'}],'usage':{'input':100,'output':10}}},"
	"{'reply':{'tool_calls':[{'id':'call_b','name':'probe__echo_json','arguments':{'text':'hi','times':2}},"
	"{'id':'call_c','name':'read_skill_file','arguments':{'skill':'probe','path':'SKILL.md'}}],"
	"'usage':{'input':200,'output':20}}},"
	"{'reply':{'text':'All done.','usage':{'input':300,'output':30}}}]}";

static void golden_check(const char *name, json_t *bodies)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/agent/golden/%s.json", root(), name);
	const char *up = getenv("SKILLC_UPDATE_GOLDEN");
	if (up && !strcmp(up, "1")) {
		FILE *f = fopen(path, "w");
		ck_assert_msg(f != NULL, "cannot write %s", path);
		json_dumpf(bodies, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', f);
		fclose(f);
	}
	json_error_t je;
	json_t *want = json_load_file(path, 0, &je);
	ck_assert_msg(want != NULL, "golden %s cannot be read (%s); SKILLC_UPDATE_GOLDEN=1 writes it",
		      path, je.text);
	ck_assert_msg(json_array_size(want) == json_array_size(bodies), "%s: %zu requests, golden has %zu",
		      name, json_array_size(bodies), json_array_size(want));
	for (size_t i = 0; i < json_array_size(want); i++) {
		if (json_equal(json_array_get(want, i), json_array_get(bodies, i)))
			continue;
		char *w = dump(json_array_get(want, i)), *g = dump(json_array_get(bodies, i));
		fprintf(stderr, "%s request %zu differs\nwant: %s\ngot:  %s\n", name, i + 1, w, g);
		free(w);
		free(g);
		ck_abort_msg("%s: request %zu differs from the golden (both on stderr)", name, i + 1);
	}
	json_decref(want);
}

START_TEST(test_golden)
{
	int k = _i / 2;
	bool stream = _i % 2 == 0;
	const struct prov *p = &provs[k];
	mock_start(golden_scenario);
	struct tu_run r;
	run_prov(&r, k, "run", "%s 'Say hi twice.'", stream ? "" : "--no-stream");
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "%s: status %d: %s", p->name, r.status, r.err);
	ck_assert_str_eq(r.out, stream ? "Let me look.\nAll done.\n" : "All done.\n");
	ck_assert_uint_eq(json_array_size(log), 3);
	json_t *bodies = json_array();
	for (size_t i = 0; i < 3; i++) {
		json_t *e = json_array_get(log, i);
		json_array_append(bodies, body_of(log, i));
		ck_assert_str_eq(json_string_value(json_object_get(e, "method")), "POST");
		ck_assert(json_is_true(json_object_get(e, "stream")) == stream);
		const char *path = json_string_value(json_object_get(e, "path"));
		const char *query = json_string_value(json_object_get(e, "query"));
		const char *ct = header_of(log, i, "content-type");
		ck_assert_msg(has(ct, "application/json"), "content-type %s", ct ? ct : "(none)");
		switch (k) {
		case P_OPENAI:
		case P_COMPAT:
			ck_assert_str_eq(path, "/v1/chat/completions");
			if (k == P_OPENAI)
				ck_assert_str_eq(header_of(log, i, "authorization"), "Bearer test-key");
			else
				ck_assert_ptr_null(header_of(log, i, "authorization"));
			break;
		case P_ANTHROPIC:
			ck_assert_str_eq(path, "/v1/messages");
			ck_assert_str_eq(header_of(log, i, "x-api-key"), "test-key");
			ck_assert_str_eq(header_of(log, i, "anthropic-version"), "2023-06-01");
			ck_assert_ptr_null(header_of(log, i, "authorization"));
			break;
		case P_GEMINI:
			ck_assert_str_eq(path, stream ? "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
						     : "/v1beta/models/gemini-2.5-flash:generateContent");
			ck_assert_str_eq(query ? query : "", stream ? "alt=sse" : "");
			ck_assert_str_eq(header_of(log, i, "x-goog-api-key"), "test-key");
			break;
		}
	}
	char name[64];
	snprintf(name, sizeof name, "%s-%s", p->file, stream ? "stream" : "plain");
	golden_check(name, bodies);
	json_decref(bodies);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* ---- 2. parallel calls run at once ---- */

START_TEST(test_parallel)
{
	mock_start("{'steps':["
		   "{'reply':{'tool_calls':[{'id':'a1','name':'activate_skill','arguments':{'name':'probe'}}]}},"
		   "{'reply':{'tool_calls':[{'id':'s1','name':'probe__sleepy'},{'id':'s2','name':'probe__sleepy'}]}},"
		   "{'reply':{'text':'Both slept.'}}]}");
	struct tu_run r;
	uint64_t t0 = now_ms();
	run_prov(&r, P_OPENAI, "run", "--no-stream --tool-timeout 1 --trace %s 'sleep twice'", tp("trace"));
	uint64_t took = now_ms() - t0;
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "Both slept.\n");
	ck_assert_uint_eq(json_array_size(log), 3);
	json_t *trace = read_jsonl(tp("trace"));
	json_t *starts = events(trace, "tool_start"), *ends = events(trace, "tool_end");
	ck_assert_uint_eq(json_array_size(starts), 3);
	ck_assert_uint_eq(json_array_size(ends), 3);
	for (size_t i = 1; i < 3; i++) {
		json_t *e = json_array_get(ends, i);
		ck_assert_str_eq(json_string_value(json_object_get(e, "status")), "timeout");
		ck_assert(json_is_true(json_object_get(e, "is_error")));
	}
	/* At once, judged by order rather than by the clock: both sleepers
	 * started before either ended (the trace is written as things happen). */
	size_t i, started = 0;
	json_t *e;
	json_array_foreach(trace, i, e) {
		const char *ev = json_string_value(json_object_get(e, "event"));
		const char *id = json_string_value(json_object_get(e, "id"));
		if (!id || (strcmp(id, "s1") && strcmp(id, "s2")))
			continue;
		if (!strcmp(ev, "tool_start"))
			started++;
		else if (!strcmp(ev, "tool_end"))
			break;
	}
	ck_assert_msg(started == 2, "a sleeper ended before the other started");
	/* Not held by the grandchildren sleeping 100 s: 30 s is far above the
	 * run's time on a busy machine. */
	ck_assert_msg(took < 30000, "the run took %llu ms", (unsigned long long)took);
	/* Results in the model's order. */
	json_t *body = body_of(log, 2), *m = msgs(body);
	size_t n = json_array_size(m);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(m, n - 2), "tool_call_id")), "s1");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(m, n - 1), "tool_call_id")), "s2");
	ck_has(oa_result(body, "s1"), "timed out after 1 s");
	ck_has(oa_result(body, "s2"), "timed out after 1 s");
	json_decref(starts);
	json_decref(ends);
	json_decref(trace);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* ---- 3. retries ---- */

static const struct retry_case {
	const char *what;
	int prov;
	const char *flags;
	const char *scenario;
	int status;
	size_t requests;
	const char *err;  /* in stderr; NULL: stderr empty */
	long wait_ms;     /* the first retry's wait; -1: not checked */
} retry_cases[] = {
	{"429 retry-after", P_OPENAI, "--no-stream",
	 "{'steps':[{'status':429,'headers':{'retry-after':'1'},'body':{'error':{'message':'Rate limit reached','type':'requests'}}},"
	 "{'reply':{'text':'ok'}}]}",
	 0, 2, NULL, 1000},
	{"500", P_OPENAI, "",
	 "{'steps':[{'status':500,'body':{'error':{'message':'boom'}}},{'reply':{'text':'ok'}}]}", 0, 2,
	 NULL, -1},
	{"503 x-should-retry false", P_OPENAI, "--no-stream",
	 "{'steps':[{'status':503,'headers':{'x-should-retry':'false'},'body':{'error':{'message':'Service down for maintenance'}}},"
	 "{'reply':{'text':'ok'}}]}",
	 6, 1, "Service down for maintenance", -1},
	{"anthropic overloaded event", P_ANTHROPIC, "",
	 "{'steps':[{'error_event':{'type':'overloaded_error','message':'Overloaded'}},{'reply':{'text':'ok'}}]}",
	 0, 2, NULL, -1},
	{"gemini per-day quota", P_GEMINI, "--no-stream",
	 "{'steps':[{'status':429,'body':{'error':{'code':429,'message':'Quota exceeded for metric generate_requests_per_day',"
	 "'status':'RESOURCE_EXHAUSTED','details':[{'@type':'type.googleapis.com/google.rpc.QuotaFailure',"
	 "'violations':[{'quotaMetric':'generativelanguage.googleapis.com/generate_requests_per_day',"
	 "'quotaId':'GenerateRequestsPerDayPerProjectPerModel-FreeTier'}]}]}}},{'reply':{'text':'ok'}}]}",
	 6, 1, "Quota exceeded for metric generate_requests_per_day", -1},
	{"gemini per-minute quota", P_GEMINI, "--no-stream",
	 "{'steps':[{'status':429,'body':{'error':{'code':429,'message':'Quota exceeded per minute',"
	 "'status':'RESOURCE_EXHAUSTED','details':[{'@type':'type.googleapis.com/google.rpc.QuotaFailure',"
	 "'violations':[{'quotaId':'GenerateRequestsPerMinutePerProjectPerModel-FreeTier'}]}]}}},{'reply':{'text':'ok'}}]}",
	 0, 2, NULL, -1},
	{"401", P_ANTHROPIC, "--no-stream",
	 "{'steps':[{'status':401,'body':{'type':'error','error':{'type':'authentication_error','message':'invalid x-api-key'}}},"
	 "{'reply':{'text':'ok'}}]}",
	 6, 1, "invalid x-api-key", -1},
};

START_TEST(test_retry)
{
	const struct retry_case *c = &retry_cases[_i];
	mock_start(c->scenario);
	struct tu_run r;
	run_prov(&r, c->prov, "run", "%s --trace %s hello", c->flags, tp("trace"));
	json_t *log = mock_stop();
	ck_assert_msg(r.status == c->status, "%s: status %d: %s", c->what, r.status, r.err);
	ck_assert_msg(json_array_size(log) == c->requests, "%s: %zu requests", c->what, json_array_size(log));
	if (c->err) {
		ck_has(r.err, c->err);
		ck_assert_str_eq(r.out, "");
	} else {
		ck_assert_str_eq(r.out, "ok\n");
		ck_assert_str_eq(r.err, "");
	}
	json_t *trace = read_jsonl(tp("trace"));
	json_t *retries = events(trace, "retry");
	ck_assert_uint_eq(json_array_size(retries), c->requests - 1);
	if (c->wait_ms >= 0)
		ck_assert_int_eq(ival(json_array_get(retries, 0), "wait_ms"), c->wait_ms);
	json_t *ends = events(trace, "request_end");
	ck_assert_uint_eq(json_array_size(ends), 1);
	ck_assert_int_eq(ival(json_array_get(ends, 0), "retries"), (json_int_t)c->requests - 1);
	json_decref(ends);
	json_decref(retries);
	json_decref(trace);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* ---- 4. malformed arguments ---- */

START_TEST(test_bad_json_args)
{
	int k = _i ? P_ANTHROPIC : P_OPENAI;
	mock_start("{'steps':[{'reply':{'tool_calls':[{'id':'m1','name':'activate_skill','arguments':'{bad'}]}},"
		   "{'reply':{'text':'Recovered.'}}]}");
	struct tu_run r;
	run_prov(&r, k, "run", "%s 'go'", _i ? "" : "--no-stream");
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_has(r.out, "Recovered.");
	ck_assert_uint_eq(json_array_size(log), 2);
	json_t *body = body_of(log, 1);
	json_t *m = msgs(body);
	if (k == P_OPENAI) {
		ck_has(oa_result(body, "m1"), "not valid JSON");
		/* The call goes back as the model sent it. */
		json_t *call = json_array_get(json_object_get(json_array_get(m, 2), "tool_calls"), 0);
		ck_assert_str_eq(json_string_value(json_object_get(json_object_get(call, "function"), "arguments")),
				 "{bad");
	} else {
		/* Anthropic needs an object as the tool_use input. */
		json_t *use = json_array_get(json_object_get(json_array_get(m, 1), "content"), 0);
		ck_assert_str_eq(json_string_value(json_object_get(use, "type")), "tool_use");
		ck_assert(json_is_object(json_object_get(use, "input")));
		json_t *res = json_array_get(json_object_get(json_array_get(m, 2), "content"), 0);
		ck_assert_str_eq(json_string_value(json_object_get(res, "tool_use_id")), "m1");
		ck_assert(json_is_true(json_object_get(res, "is_error")));
		char *s = dump(res);
		ck_has(s, "not valid JSON");
		free(s);
	}
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* ---- 5 and 6. a stream cut or stalled ---- */

static const struct cut_case {
	const char *what;
	int prov;
	const char *flags;
	const char *first; /* the first step's extra keys */
	int status;
	size_t requests;
	const char *out;
	const char *err;
} cut_cases[] = {
	{"dropped before text", P_OPENAI, "", "'drop_after':1", 0, 2, "Hello world\n", NULL},
	{"dropped before text, anthropic", P_ANTHROPIC, "", "'drop_after':1", 0, 2, "Hello world\n", NULL},
	{"reset before text", P_OPENAI, "", "'drop_after':1,'drop_rst':true", 0, 2, "Hello world\n", NULL},
	{"dropped after text", P_OPENAI, "", "'drop_after':2", 6, 1, "Hello\n", "not retried"},
	{"dropped after text, json", P_OPENAI, "--json", "'drop_after':2", 0, 2, NULL, NULL},
	{"dropped plain", P_OPENAI, "--no-stream", "'drop_after':1", 0, 2, "Hello world\n", NULL},
	/* the stall outlasts the idle timeout however slow the machine */
	{"stalled", P_OPENAI, "--idle-timeout 1", "'stall_after':1,'stall_seconds':60", 0, 2, "Hello world\n",
	 NULL},
};

START_TEST(test_cut)
{
	const struct cut_case *c = &cut_cases[_i];
	char sc[512];
	snprintf(sc, sizeof sc,
		 "{'steps':[{'reply':{'text_chunks':['Hello',' world']},%s},"
		 "{'reply':{'text_chunks':['Hello',' world']}}]}",
		 c->first);
	mock_start(sc);
	struct tu_run r;
	run_prov(&r, c->prov, "run", "%s --trace %s hi", c->flags, tp("trace"));
	json_t *log = mock_stop();
	ck_assert_msg(r.status == c->status, "%s: status %d: %s", c->what, r.status, r.err);
	ck_assert_msg(json_array_size(log) == c->requests, "%s: %zu requests", c->what, json_array_size(log));
	if (c->out)
		ck_assert_str_eq(r.out, c->out);
	else
		ck_has(r.out, "\"answer\":\"Hello world\"");
	if (c->err) {
		ck_has(r.err, c->err);
		ck_has(r.err, "error:");
	} else {
		ck_assert_str_eq(r.err, "");
	}
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* ---- 7. tool errors go back to the model ---- */

START_TEST(test_tool_errors)
{
	mock_start("{'steps':["
		   "{'reply':{'tool_calls':[{'id':'u1','name':'probe__nope'},"
		   "{'id':'u2','name':'probe__echo_json','arguments':{'text':'x'}}]}},"
		   "{'reply':{'tool_calls':[{'id':'u3','name':'activate_skill','arguments':{'name':'probe'}}]}},"
		   "{'reply':{'tool_calls':[{'id':'u4','name':'probe__fail'},"
		   "{'id':'u5','name':'probe__echo_json','arguments':{'text':'x','times':'many'}},"
		   "{'id':'u6','name':'probe__echo_json','arguments':{'text':'x','colour':'red'}}]}},"
		   "{'reply':{'text':'Done despite errors.'}}]}");
	struct tu_run r;
	run_prov(&r, P_OPENAI, "run", "--no-stream --trace %s 'try things'", tp("trace"));
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "Done despite errors.\n");
	ck_assert_uint_eq(json_array_size(log), 4);
	json_t *b2 = body_of(log, 1), *b4 = body_of(log, 3);
	ck_has(oa_result(b2, "u1"), "no tool named 'probe__nope'");
	ck_has(oa_result(b2, "u2"), "not active");
	ck_has(oa_result(b2, "u2"), "activate_skill");
	ck_has(oa_result(b2, "u2"), "'probe'");
	ck_has(oa_result(b4, "u4"), "partial output");
	ck_has(oa_result(b4, "u4"), "something went wrong");
	ck_has(oa_result(b4, "u4"), "probe__fail");
	ck_has(oa_result(b4, "u5"), "'times'");
	ck_has(oa_result(b4, "u6"), "'colour'");
	json_t *trace = read_jsonl(tp("trace"));
	json_t *ends = events(trace, "tool_end");
	/* by id: a call refused at once ends before one still running */
	static const char *const status[][2] = {{"u1", "unknown"}, {"u2", "inactive"}, {"u3", "ok"},
						{"u4", "failed"}, {"u5", "bad_args"}, {"u6", "bad_args"}};
	ck_assert_uint_eq(json_array_size(ends), 6);
	for (size_t i = 0; i < 6; i++) {
		json_t *e = NULL, *x;
		size_t j;
		json_array_foreach(ends, j, x)
			if (!strcmp(json_string_value(json_object_get(x, "id")), status[i][0]))
				e = x;
		ck_assert_msg(e != NULL, "no tool_end for %s", status[i][0]);
		ck_assert_str_eq(json_string_value(json_object_get(e, "status")), status[i][1]);
		if (i == 3)
			ck_assert_int_eq(ival(e, "exit_code"), 3);
	}
	json_decref(ends);
	json_decref(trace);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* ---- 8. caps ---- */

static const struct cap_case {
	const char *what, *flags, *scenario;
	int status;
	size_t requests;
	const char *err, *reason;
} cap_cases[] = {
	{"iterations", "--max-iterations 2",
	 "{'steps':[{'reply':{'tool_calls':[{'name':'list_skills'}]}},{'reply':{'tool_calls':[{'name':'list_skills'}]}},"
	 "{'reply':{'tool_calls':[{'name':'list_skills'}]}}]}",
	 8, 2, "--max-iterations", "max_iterations"},
	{"tool calls", "--max-tool-calls 2",
	 "{'steps':[{'reply':{'tool_calls':[{'name':'list_skills'},{'name':'list_skills'},{'name':'list_skills'}]}},"
	 "{'reply':{'text':'no'}}]}",
	 9, 1, "--max-tool-calls", "max_tool_calls"},
	{"output tokens", "--max-output-tokens 10",
	 "{'steps':[{'reply':{'tool_calls':[{'name':'list_skills'}],'usage':{'input':5,'output':20}}},"
	 "{'reply':{'text':'no'}}]}",
	 10, 1, "--max-output-tokens", "max_output_tokens"},
	{"time", "--max-time 1 --tool-timeout 60",
	 "{'steps':[{'reply':{'tool_calls':[{'name':'activate_skill','arguments':{'name':'probe'}}]}},"
	 "{'reply':{'tool_calls':[{'name':'probe__sleepy'}]}},{'reply':{'text':'no'}}]}",
	 11, 2, "--max-time", "max_time"},
};

START_TEST(test_caps)
{
	const struct cap_case *c = &cap_cases[_i];
	mock_start(c->scenario);
	struct tu_run r;
	uint64_t t0 = now_ms();
	run_prov(&r, P_OPENAI, "run", "--no-stream --json --trace %s %s 'loop'", tp("trace"), c->flags);
	uint64_t took = now_ms() - t0;
	json_t *log = mock_stop();
	ck_assert_msg(r.status == c->status, "%s: status %d: %s", c->what, r.status, r.err);
	ck_assert_msg(json_array_size(log) == c->requests, "%s: %zu requests", c->what, json_array_size(log));
	ck_has(r.err, c->err);
	ck_has(r.err, "error: stopped");
	json_t *doc = json_loads(r.out, 0, NULL);
	ck_assert_msg(doc != NULL, "not JSON: %s", r.out);
	ck_assert(json_is_null(json_object_get(doc, "answer")));
	ck_assert_int_eq(ival(doc, "exit"), c->status);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "reason")), c->reason);
	json_decref(doc);
	/* No cap waits out a tool: 30 s is far above a run's time on a busy
	 * machine, and below the sleeper's 60 s tool timeout. */
	ck_assert_msg(took < 30000, "%s: took %llu ms", c->what, (unsigned long long)took);
	if (c->status == 11) {
		/* The running tool was killed at the cap, not at its own timeout. */
		json_t *trace = read_jsonl(tp("trace")), *ends = events(trace, "tool_end");
		json_t *sleeper = json_array_get(ends, json_array_size(ends) - 1);
		ck_assert_str_eq(json_string_value(json_object_get(sleeper, "name")), "probe__sleepy");
		ck_assert_str_eq(json_string_value(json_object_get(sleeper, "status")), "failed");
		json_decref(ends);
		json_decref(trace);
	}
	if (c->status == 10) /* the cap bounds the reply too */
		ck_assert_int_eq(ival(body_of(log, 0), "max_completion_tokens"), 10);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* ---- 9. sessions ---- */

static json_t *session_lines(const char *path)
{
	size_t n;
	char *text = tu_read(path, &n);
	ck_assert(text != NULL);
	ck_assert_msg(n && text[n - 1] == '\n', "the session does not end in a newline");
	free(text);
	return read_jsonl(path);
}

/* Each line a neutral message; their roles, e.g. "user,assistant,tool". */
static void check_roles(json_t *lines, const char *want)
{
	char got[256] = "";
	size_t i;
	json_t *m;
	json_array_foreach(lines, i, m) {
		const char *role = json_string_value(json_object_get(m, "role"));
		ck_assert(role != NULL);
		ck_assert(json_is_array(json_object_get(m, "content")));
		ck_assert_uint_eq(json_object_size(m), 2);
		size_t j;
		json_t *b;
		json_array_foreach(json_object_get(m, "content"), j, b) {
			const char *type = json_string_value(json_object_get(b, "type"));
			ck_assert(type != NULL);
			if (!strcmp(role, "tool"))
				ck_assert_str_eq(type, "tool_result");
			else if (!strcmp(role, "user"))
				ck_assert(!strcmp(type, "text") || !strcmp(type, "image"));
			else
				ck_assert(!strcmp(type, "text") || !strcmp(type, "tool_call"));
		}
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? "," : "", role);
	}
	ck_assert_str_eq(got, want);
}

START_TEST(test_session_resume)
{
	mock_start("{'steps':["
		   "{'reply':{'text':'Activating.','tool_calls':[{'id':'a1','name':'activate_skill','arguments':{'name':'probe'}}]}},"
		   "{'reply':{'text':'First done.'}},"
		   "{'reply':{'text':'Second done.'}}]}");
	struct tu_run r;
	const char *s = tp("s.jsonl");
	run_prov(&r, P_OPENAI, "run", "--no-stream --session %s 'first task'", s);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	tu_run_release(&r);
	json_t *lines = session_lines(s);
	check_roles(lines, "user,assistant,tool,assistant");
	json_t *call = json_array_get(json_object_get(json_array_get(lines, 1), "content"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(call, "type")), "tool_call");
	ck_assert_str_eq(json_string_value(json_object_get(call, "id")), "a1");
	ck_assert_str_eq(json_string_value(json_object_get(call, "arguments")), "{\"name\":\"probe\"}");
	json_t *res = json_array_get(json_object_get(json_array_get(lines, 2), "content"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(res, "id")), "a1");
	ck_assert_str_eq(json_string_value(json_object_get(res, "name")), "activate_skill");
	ck_assert(json_is_false(json_object_get(res, "is_error")));
	json_decref(lines);

	run_prov(&r, P_OPENAI, "run", "--no-stream --session %s 'second task'", s);
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "Second done.\n");
	ck_assert_uint_eq(json_array_size(log), 3);
	json_t *m = msgs(body_of(log, 2));
	/* system, the whole first turn, the new task */
	ck_assert_uint_eq(json_array_size(m), 6);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(m, 1), "content")), "first task");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(m, 4), "content")), "First done.");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(m, 5), "content")), "second task");
	/* activation restored: the probe tools are offered at once */
	json_t *tools = json_object_get(body_of(log, 2), "tools");
	ck_assert_uint_eq(json_array_size(tools), 15);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_array_get(tools, 4), "function"), "name")),
			 "probe__echo_argv");
	lines = session_lines(s);
	check_roles(lines, "user,assistant,tool,assistant,user,assistant");
	json_decref(lines);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* A session file as the test writes it, the command, what the first request
 * must carry. */
static const struct sess_case {
	const char *what;
	const char *file;
	const char *task;    /* NULL: `run --session F` alone */
	const char *flags;
	const char *err;     /* in stderr, or NULL: empty */
	const char *roles;   /* the session's roles afterwards */
	size_t sent;         /* messages in the first request, system included */
	const char *first;   /* the first non-system message sent: its text */
	const char *last;    /* in the dump of the last message sent */
} sess_cases[] = {
	{"cut last line",
	 "{'role':'user','content':[{'type':'text','text':'old task'}]}\n"
	 "{'role':'assistant','content':[{'type':'text','text':'old answer'}]}\n"
	 "{'role':'user','content':[{'type':'te",
	 "new task", "", "warning: session", "user,assistant,user,assistant", 4, "old task", "new task"},
	{"ends in a user message",
	 "{'role':'user','content':[{'type':'text','text':'pending task'}]}\n", NULL, "", NULL,
	 "user,assistant", 2, "pending task", "pending task"},
	{"ends in a call",
	 "{'role':'user','content':[{'type':'text','text':'list them'}]}\n"
	 "{'role':'assistant','content':[{'type':'tool_call','id':'x1','name':'probe__fail','arguments':'{}'}]}\n",
	 NULL, "", NULL, "user,assistant,tool,assistant", 4, "list them", "interrupted"},
	{"history window",
	 "{'role':'user','content':[{'type':'text','text':'old task'}]}\n"
	 "{'role':'assistant','content':[{'type':'tool_call','id':'h1','name':'list_skills','arguments':'{}'}]}\n"
	 "{'role':'tool','content':[{'type':'tool_result','id':'h1','name':'list_skills','text':'probe','is_error':false}]}\n"
	 "{'role':'assistant','content':[{'type':'text','text':'old answer'}]}\n",
	 "new task", "--history 3", NULL, "user,assistant,tool,assistant,user,assistant", 2, "new task",
	 "new task"},
	{"history window keeps turns",
	 "{'role':'user','content':[{'type':'text','text':'old task'}]}\n"
	 "{'role':'assistant','content':[{'type':'text','text':'old answer'}]}\n",
	 "new task", "--history 3", NULL, "user,assistant,user,assistant", 4, "old task", "new task"},
};

START_TEST(test_session_cases)
{
	const struct sess_case *c = &sess_cases[_i];
	mock_start("{'steps':[{'reply':{'text':'Answered.'}}]}");
	const char *s = tp("s.jsonl");
	char *file = q(c->file);
	write_file(s, file, strlen(file));
	free(file);
	struct tu_run r;
	run_prov(&r, P_OPENAI, "run", "--no-stream --trace %s --session %s %s %s%s%s", tp("trace"), s,
		 c->flags, c->task ? "'" : "", c->task ? c->task : "", c->task ? "'" : "");
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "%s: status %d: %s", c->what, r.status, r.err);
	ck_assert_str_eq(r.out, "Answered.\n");
	if (c->err)
		ck_has(r.err, c->err);
	else
		ck_assert_str_eq(r.err, "");
	ck_assert_uint_eq(json_array_size(log), 1);
	json_t *m = msgs(body_of(log, 0));
	ck_assert_msg(json_array_size(m) == c->sent, "%s: %zu messages sent", c->what, json_array_size(m));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(m, 0), "role")), "system");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(m, 1), "role")), "user");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(m, 1), "content")), c->first);
	char *lastd = dump(json_array_get(m, json_array_size(m) - 1));
	ck_has(lastd, c->last);
	free(lastd);
	json_t *lines = session_lines(s);
	check_roles(lines, c->roles);
	json_decref(lines);
	/* an interrupted call is answered, never run again */
	json_t *trace = read_jsonl(tp("trace"));
	json_t *starts = events(trace, "tool_start");
	ck_assert_uint_eq(json_array_size(starts), 0);
	json_decref(starts);
	json_decref(trace);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

START_TEST(test_session_bad)
{
	const char *s = tp("s.jsonl");
	write_file(s, "not json\n", 9);
	struct tu_run r;
	run_env(&r, "OPENAI_API_KEY=k", "run --provider openai --base-url http://127.0.0.1:9/v1 --session %s hi", s);
	ck_assert_int_eq(r.status, 7);
	ck_has(r.err, "line 1 is not a conversation message");
	tu_run_release(&r);
	/* nothing to resume */
	write_file(s, "", 0);
	run_env(&r, "OPENAI_API_KEY=k", "run --provider openai --base-url http://127.0.0.1:9/v1 --session %s", s);
	ck_assert_int_eq(r.status, 2);
	ck_has(r.err, "nothing to do");
	tu_run_release(&r);
}
END_TEST

/* ---- 10. --json, --usage, --trace ---- */

START_TEST(test_json_usage_trace)
{
	mock_start(golden_scenario);
	struct tu_run r;
	run_prov(&r, P_ANTHROPIC, "run", "--json --usage --trace %s 'Say hi twice.'", tp("trace"));
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_uint_eq(json_array_size(log), 3);
	/* exactly one line: the streamed text is not shown */
	ck_assert(strchr(r.out, '\n') == r.out + r.out_len - 1);
	json_t *doc = json_loads(r.out, 0, NULL);
	ck_assert_msg(doc != NULL, "not JSON: %s", r.out);
	json_t *want = json_pack("{s:s,s:s,s:i,s:i,s:i,s:{s:i,s:i,s:i},s:s,s:s}", "answer", "All done.",
				 "reason", "answered", "exit", 0, "iterations", 3, "tool_calls", 3, "usage",
				 "input", 600, "output", 60, "requests", 3, "provider", "anthropic", "model",
				 "claude-sonnet-4-5");
	char *g = dump(doc);
	ck_assert_msg(json_equal(doc, want), "got %s", g);
	free(g);
	json_decref(want);
	json_decref(doc);
	ck_assert_str_eq(r.err, "usage: request 1: 100 input, 10 output tokens\n"
				"usage: request 2: 200 input, 20 output tokens\n"
				"usage: request 3: 300 input, 30 output tokens\n"
				"usage: total: 600 input, 60 output tokens in 3 requests\n");
	json_t *trace = read_jsonl(tp("trace"));
	char seq[1024] = "";
	size_t i;
	json_t *e;
	json_int_t prev = 0;
	json_array_foreach(trace, i, e) {
		const char *ev = json_string_value(json_object_get(e, "event"));
		ck_assert(ev != NULL);
		ck_assert(ival(e, "t_us") >= prev);
		prev = ival(e, "t_us");
		snprintf(seq + strlen(seq), sizeof seq - strlen(seq), "%s%s", i ? " " : "", ev);
		if (!strcmp(ev, "request_end")) {
			ck_assert(ival(e, "latency_us") > 0);
			ck_assert_int_eq(ival(e, "retries"), 0);
			ck_assert_int_eq(ival(e, "status"), 200);
			ck_assert_int_eq(ival(e, "input_tokens"), 100 * ival(e, "request"));
		} else if (!strcmp(ev, "tool_end")) {
			ck_assert(ival(e, "duration_us") >= 0);
			ck_assert_str_eq(json_string_value(json_object_get(e, "status")), "ok");
		} else if (!strcmp(ev, "skill_activate")) {
			ck_assert_str_eq(json_string_value(json_object_get(e, "skill")), "probe");
		} else if (!strcmp(ev, "usage")) {
			ck_assert_int_eq(ival(e, "input_tokens"), 600);
			ck_assert_int_eq(ival(e, "output_tokens"), 60);
			ck_assert_int_eq(ival(e, "requests"), 3);
		} else if (!strcmp(ev, "run_end")) {
			ck_assert_int_eq(ival(e, "exit"), 0);
		} else if (!strcmp(ev, "run_start")) {
			ck_assert_str_eq(json_string_value(json_object_get(e, "provider")), "anthropic");
		}
	}
	/* the two calls of one reply start together; echo_json ends last */
	ck_assert_str_eq(seq, "run_start turn_start request_start request_end tool_start skill_activate tool_end "
			      "request_start request_end tool_start tool_start tool_end tool_end "
			      "request_start request_end turn_end usage run_end");
	json_t *starts = events(trace, "request_start");
	ck_assert_int_eq(ival(json_array_get(starts, 0), "tools"), 4);
	ck_assert_int_eq(ival(json_array_get(starts, 1), "tools"), 15);
	json_decref(starts);
	json_decref(trace);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* ---- 11. text tool mode ---- */

START_TEST(test_text_mode)
{
	mock_start("{'steps':[{'reply':{'text':'I will look.\\n```json\\n{\\'tool\\': \\'list_skills\\', \\'arguments\\': {}}\\n```'}},"
		   "{'reply':{'text':'Found probe.'}}]}");
	struct tu_run r;
	run_prov(&r, P_COMPAT, "run", "--no-stream --tool-mode text 'what skills?'");
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "Found probe.\n");
	ck_assert_uint_eq(json_array_size(log), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *body = body_of(log, i);
		ck_assert_ptr_null(json_object_get(body, "tools"));
		ck_assert_ptr_null(json_object_get(body, "tool_choice"));
		/* OpenAI refuses parallel_tool_calls without tools */
		ck_assert_ptr_null(json_object_get(body, "parallel_tool_calls"));
		json_t *sys = json_array_get(msgs(body), 0);
		ck_assert_str_eq(json_string_value(json_object_get(sys, "role")), "system");
		const char *st = json_string_value(json_object_get(sys, "content"));
		ck_has(st, "list_skills");
		ck_has(st, "read_skill_file");
		ck_has(st, "\"type\""); /* the schemas */
	}
	json_t *m = msgs(body_of(log, 1));
	ck_assert_uint_eq(json_array_size(m), 4);
	json_t *asst = json_array_get(m, 2);
	ck_assert_str_eq(json_string_value(json_object_get(asst, "role")), "assistant");
	ck_assert_ptr_null(json_object_get(asst, "tool_calls"));
	ck_has(json_string_value(json_object_get(asst, "content")), "```json");
	json_t *res = json_array_get(m, 3);
	ck_assert_str_eq(json_string_value(json_object_get(res, "role")), "user");
	const char *rt = json_string_value(json_object_get(res, "content"));
	ck_assert_msg(rt && !strncmp(rt, "Tool 'list_skills' returned:\n", 29), "%s", rt ? rt : "(null)");
	ck_has(rt, "probe");
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* ---- 12. images ---- */

/* A 1x1 PNG. */
static const unsigned char png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
	0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
	0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
static const char png_b64[] =
	"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==";

START_TEST(test_image)
{
	int k = _i;
	mock_start("{'steps':[{'reply':{'text':'A dot.'}}]}");
	write_file(tp("dot.png"), (const char *)png, sizeof png);
	struct tu_run r;
	run_prov(&r, k, "run", "--no-stream --image %s 'what is this?'", tp("dot.png"));
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "A dot.\n");
	ck_assert_uint_eq(json_array_size(log), 1);
	json_t *m = msgs(body_of(log, 0));
	json_t *user = json_array_get(m, json_array_size(m) - 1), *want;
	char url[256];
	snprintf(url, sizeof url, "data:image/png;base64,%s", png_b64);
	switch (k) {
	case P_ANTHROPIC:
		want = json_pack("{s:s,s:[{s:s,s:s},{s:s,s:{s:s,s:s,s:s}}]}", "role", "user", "content", "type",
				 "text", "text", "what is this?", "type", "image", "source", "type", "base64",
				 "media_type", "image/png", "data", png_b64);
		break;
	case P_GEMINI:
		want = json_pack("{s:s,s:[{s:s},{s:{s:s,s:s}}]}", "role", "user", "parts", "text", "what is this?",
				 "inlineData", "mimeType", "image/png", "data", png_b64);
		break;
	default:
		want = json_pack("{s:s,s:[{s:s,s:s},{s:s,s:{s:s}}]}", "role", "user", "content", "type", "text",
				 "text", "what is this?", "type", "image_url", "image_url", "url", url);
		break;
	}
	char *g = dump(user), *w = dump(want);
	ck_assert_msg(json_equal(user, want), "%s: got %s, want %s", provs[k].name, g, w);
	free(g);
	free(w);
	json_decref(want);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

START_TEST(test_image_bad)
{
	write_file(tp("notes.txt"), "hello", 5);
	struct tu_run r;
	run_env(&r, "OPENAI_API_KEY=k",
		"run --provider openai --base-url http://127.0.0.1:9/v1 --image %s 'look'", tp("notes.txt"));
	ck_assert_int_eq(r.status, 2);
	ck_has(r.err, "is not PNG, JPEG, GIF or WebP");
	tu_run_release(&r);
	run_env(&r, "OPENAI_API_KEY=k",
		"run --provider openai --base-url http://127.0.0.1:9/v1 --image %s 'look'", tp("missing.png"));
	ck_assert_int_eq(r.status, 2);
	ck_has(r.err, "cannot read image");
	tu_run_release(&r);
}
END_TEST

/* ---- 13. configuration ---- */

static const struct conf_case {
	const char *env, *args, *err;
} conf_cases[] = {
	{"", "run --provider anthropic hi", "no API key for anthropic: set ANTHROPIC_API_KEY"},
	{"OPENAI_API_KEY=", "run --provider openai hi", "set OPENAI_API_KEY"},
	{"", "run --provider mistral hi", "unknown provider 'mistral'"},
	{"", "run --provider openai-compatible --model m hi", "openai-compatible needs the server's URL"},
	{"", "run --provider openai-compatible --base-url http://127.0.0.1:9/v1 hi", "needs a model"},
	{"OPENAI_API_KEY=a ANTHROPIC_API_KEY=b", "run hi", "several API keys are set (ANTHROPIC_API_KEY, OPENAI_API_KEY)"},
	{"", "run hi", "no provider chosen"},
	{"SKILLC_PROVIDER=gemini", "run hi", "no API key for gemini: set GEMINI_API_KEY"},
	{"SKILLC_PROVIDER=gemini", "run --provider openai hi", "no API key for openai: set OPENAI_API_KEY"},
	{"OPENAI_API_KEY=a", "run --provider openai --base-url ftp://x hi", "must start with http"},
	{"OPENAI_API_KEY=a", "run --tool-mode fancy hi", "--tool-mode"},
	{"OPENAI_API_KEY=a", "run --max-iterations 0 hi", "--max-iterations"},
	{"OPENAI_API_KEY=a", "run --bogus hi", "unknown option '--bogus'"},
	{"OPENAI_API_KEY=a", "run", "run needs a task"},
	{"OPENAI_API_KEY=a", "chat extra", "unexpected argument 'extra'"},
};

START_TEST(test_config)
{
	const struct conf_case *c = &conf_cases[_i];
	struct tu_run r;
	run_env(&r, c->env, "%s", c->args);
	ck_assert_msg(r.status == 2, "%s %s: status %d: %s", c->env, c->args, r.status, r.err);
	ck_has(r.err, c->err);
	ck_assert_str_eq(r.out, "");
	tu_run_release(&r);
}
END_TEST

START_TEST(test_config_env)
{
	mock_start("{'steps':[{'reply':{'text':'one'}},{'reply':{'text':'two'}},{'reply':{'text':'three'}}]}");
	char env[512];
	snprintf(env, sizeof env,
		 "SKILLC_PROVIDER=anthropic SKILLC_MODEL=env-model SKILLC_BASE_URL=http://127.0.0.1:%d "
		 "ANTHROPIC_API_KEY=a-key OPENAI_API_KEY=o-key",
		 cx.port);
	struct tu_run r;
	run_env(&r, env, "run --no-stream hi");
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	tu_run_release(&r);
	run_env(&r, env, "run --no-stream --model flag-model hi");
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	tu_run_release(&r);
	/* SKILLC_API_KEY overrides the provider's own */
	snprintf(env, sizeof env, "SKILLC_API_KEY=s-key OPENAI_API_KEY=o-key SKILLC_PROVIDER=anthropic");
	run_env(&r, env, "run --provider openai --base-url http://127.0.0.1:%d/v1 --no-stream hi", cx.port);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	tu_run_release(&r);
	json_t *log = mock_stop();
	ck_assert_uint_eq(json_array_size(log), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(log, 0), "path")), "/v1/messages");
	ck_assert_str_eq(json_string_value(json_object_get(body_of(log, 0), "model")), "env-model");
	ck_assert_str_eq(header_of(log, 0, "x-api-key"), "a-key");
	ck_assert_str_eq(json_string_value(json_object_get(body_of(log, 1), "model")), "flag-model");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(log, 2), "path")),
			 "/v1/chat/completions");
	ck_assert_str_eq(json_string_value(json_object_get(body_of(log, 2), "model")), "gpt-4.1");
	ck_assert_str_eq(header_of(log, 2, "authorization"), "Bearer s-key");
	json_decref(log);
}
END_TEST

/* ---- 14. chat ---- */

START_TEST(test_chat)
{
	mock_start("{'steps':[{'reply':{'text':'one'}},{'reply':{'text':'two'}},{'reply':{'text':'three'}}]}");
	write_file(tp("in"), "first\n\nsecond\n/exit\nthird\n", 26);
	struct tu_run r;
	run_prov(&r, P_ANTHROPIC, "chat", "--no-stream < %s", tp("in"));
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "one\ntwo\n");
	ck_assert_uint_eq(json_array_size(log), 2);
	json_t *want = json_pack("[{s:s,s:[{s:s,s:s}]},{s:s,s:[{s:s,s:s}]},{s:s,s:[{s:s,s:s}]}]", "role",
				 "user", "content", "type", "text", "text", "first", "role", "assistant",
				 "content", "type", "text", "text", "one", "role", "user", "content", "type",
				 "text", "text", "second");
	json_t *m = msgs(body_of(log, 1));
	char *g = dump(m);
	ck_assert_msg(json_equal(m, want), "got %s", g);
	free(g);
	json_decref(want);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* `run -` takes the whole of stdin as the task, newlines and all. */
START_TEST(test_task_stdin)
{
	mock_start("{'steps':[{'reply':{'text':'read it'}}]}");
	write_file(tp("task"), "line one\nline two\n", 18);
	struct tu_run r;
	run_prov(&r, P_ANTHROPIC, "run", "--no-stream - < %s", tp("task"));
	json_t *log = mock_stop();
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "read it\n");
	ck_assert_uint_eq(json_array_size(log), 1);
	json_t *m = json_array_get(msgs(body_of(log, 0)), 0);
	const char *text = json_string_value(
		json_object_get(json_array_get(json_object_get(m, "content"), 0), "text"));
	ck_assert_str_eq(text ? text : "", "line one\nline two\n");
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* The mock provider checks itself: its wire formats, steps and log. */
START_TEST(test_mock_selftest)
{
	struct tu_run r;
	tu_run(&r, "python3 '%s/tests/agent/selftest_mock.py'", tu_env("TEST_ROOT", "."));
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	tu_run_release(&r);
}
END_TEST

/* ---- secrets in the loop ---- */

/*
 * A tool's secret reaches the tool and nothing else: not the model (the
 * request bodies), not the session file, not the trace, not the output.
 */
START_TEST(test_secret_stays)
{
	agent_override = tu_env("JAIL_AGENT", "build/jail");
	mock_start("{'steps': ["
		   "{'reply': {'tool_calls': [{'name': 'activate_skill', 'arguments': {'name': 'jail'}}]}},"
		   "{'reply': {'tool_calls': [{'name': 'jail__secret'}]}},"
		   "{'reply': {'text': 'Done.'}}]}");
	struct tu_run r;
	run_env(&r, "OPENAI_API_KEY=test-key JAIL_TOKEN=tok-12345678",
		"run --provider openai --base-url http://127.0.0.1:%d/v1 --session %s --trace %s "
		"'Use the secret.'",
		cx.port, tp("session"), tp("trace"));
	json_t *log = mock_stop();
	agent_override = NULL;
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_uint_eq(json_array_size(log), 3);
	char *bodies = dump(log), *session = tu_read(tp("session"), NULL),
	     *trace = tu_read(tp("trace"), NULL);
	/* the tool got it: its output reached the model with the value replaced */
	ck_has(bodies, "JAIL_TOKEN=[secret JAIL_TOKEN]");
	ck_hasnt(bodies, "tok-12345678");
	ck_has(session, "[secret JAIL_TOKEN]");
	ck_hasnt(session, "tok-12345678");
	ck_assert_ptr_nonnull(trace);
	ck_hasnt(trace, "tok-12345678");
	ck_hasnt(r.out, "tok-12345678");
	ck_hasnt(r.err, "tok-12345678");
	free(bodies);
	free(session);
	free(trace);
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/*
 * WASM tools in a conversation (the wasm-probe agent, tests/wasm/skills):
 * a tool that traps and one that loops come back to the model as errors,
 * the agent carries on, and a working call's output reaches the model.
 */
START_TEST(test_wasm_tools)
{
	agent_override = tu_env("WASM_AGENT", "build/wasmprobe");
	mock_start("{'steps': ["
		   "{'reply': {'tool_calls': [{'name': 'activate_skill', 'arguments': {'name': 'wasm-probe'}}]}},"
		   "{'reply': {'tool_calls': [{'id': 't1', 'name': 'wasm-probe__probe', 'arguments': {'do': 'trap'}},"
		   "{'id': 't2', 'name': 'wasm-probe__probe', 'arguments': {'do': 'loop'}}]}},"
		   "{'reply': {'tool_calls': [{'id': 't3', 'name': 'wasm-probe__probe', 'arguments': {'do': 'echo', 'arg': 'still here'}}]}},"
		   "{'reply': {'text': 'Done.'}}]}");
	struct tu_run r;
	run_env(&r, "OPENAI_API_KEY=test-key",
		"run --no-stream --tool-timeout 1 --provider openai --base-url http://127.0.0.1:%d/v1 "
		"'Probe the sandbox.'", cx.port);
	json_t *log = mock_stop();
	agent_override = NULL;
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "Done.\n");
	ck_assert_uint_eq(json_array_size(log), 4);
	json_t *b2 = body_of(log, 2), *b3 = body_of(log, 3);
	ck_has(oa_result(b2, "t1"), "trapped: unreachable instruction executed");
	ck_has(oa_result(b2, "t2"), "timed out after 1 s");
	ck_has(oa_result(b3, "t3"), "\"arg\":\"still here\"");
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

/* A protocol tool's sampling request goes to the provider the run talks to,
 * as a request of its own, and its answer back to the tool. */
START_TEST(test_protocol_sampling)
{
	agent_override = tu_env("CB_AGENT", "build/cbprobe");
	mock_start("{'steps': ["
		   "{'reply': {'tool_calls': [{'name': 'activate_skill', 'arguments': {'name': 'callback-probe'}}]}},"
		   "{'reply': {'tool_calls': [{'id': 's1', 'name': 'callback-probe__talk', 'arguments': {'mode': 'sample', 'text': 'ping from the tool'}}]}},"
		   "{'reply': {'text': 'pong from the model'}},"
		   "{'reply': {'text': 'Done.'}}]}");
	struct tu_run r;
	run_env(&r, "OPENAI_API_KEY=test-key",
		"run --no-stream --provider openai --base-url http://127.0.0.1:%d/v1 "
		"'Ask the model through the tool.'", cx.port);
	json_t *log = mock_stop();
	agent_override = NULL;
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "Done.\n");
	ck_assert_uint_eq(json_array_size(log), 4);
	json_t *b2 = body_of(log, 2), *b3 = body_of(log, 3);
	/* The tool's own request: its one message, and no tools offered. */
	char *sent = dump(msgs(b2));
	ck_has(sent, "ping from the tool");
	free(sent);
	ck_assert_ptr_null(json_object_get(b2, "tools"));
	ck_assert_uint_eq(json_array_size(msgs(b2)), 1);
	ck_has(oa_result(b3, "s1"), "pong from the model");
	json_decref(log);
	tu_run_release(&r);
}
END_TEST

Suite *suite_agent_e2e(void)
{
	Suite *s = suite_create("agent_e2e");
	TCase *tc = tcase_create("conversation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_golden, 0, 2 * P_COUNT);
	tcase_add_test(tc, test_parallel);
	tcase_add_loop_test(tc, test_bad_json_args, 0, 2);
	tcase_add_test(tc, test_tool_errors);
	tcase_add_loop_test(tc, test_caps, 0, sizeof cap_cases / sizeof cap_cases[0]);
	tcase_add_test(tc, test_json_usage_trace);
	tcase_add_test(tc, test_text_mode);
	tcase_add_loop_test(tc, test_image, 0, P_COUNT);
	tcase_add_test(tc, test_image_bad);
	tcase_add_test(tc, test_chat);
	tcase_add_test(tc, test_task_stdin);
	tcase_add_test(tc, test_secret_stays);
	tcase_add_test(tc, test_wasm_tools);
	tcase_add_test(tc, test_protocol_sampling);
	suite_add_tcase(s, tc);
	TCase *tn = tcase_create("network");
	tcase_add_checked_fixture(tn, setup, teardown);
	tcase_set_timeout(tn, 120);
	tcase_add_loop_test(tn, test_retry, 0, sizeof retry_cases / sizeof retry_cases[0]);
	tcase_add_loop_test(tn, test_cut, 0, sizeof cut_cases / sizeof cut_cases[0]);
	tcase_add_test(tn, test_mock_selftest);
	suite_add_tcase(s, tn);
	TCase *ts = tcase_create("session");
	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_session_resume);
	tcase_add_loop_test(ts, test_session_cases, 0, sizeof sess_cases / sizeof sess_cases[0]);
	tcase_add_test(ts, test_session_bad);
	suite_add_tcase(s, ts);
	TCase *tf = tcase_create("config");
	tcase_add_checked_fixture(tf, setup, teardown);
	tcase_set_timeout(tf, 60);
	tcase_add_loop_test(tf, test_config, 0, sizeof conf_cases / sizeof conf_cases[0]);
	tcase_add_test(tf, test_config_env);
	suite_add_tcase(s, tf);
	return s;
}
