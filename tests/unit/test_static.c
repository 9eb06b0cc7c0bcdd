/*
 * The static agent (STATIC=1, the default): the agents are ELF files with no
 * program interpreter, and the agent works copied alone into an empty
 * directory and chrooted into it: no libc, no /etc, no /dev, no CA store.
 * There `list --json`, `mcp` (initialize and tools/list) and `run` against
 * the mock provider over loopback, plain and through a TLS front with a CA
 * made at test time (openssl), must work; HTTPS must fail without that CA.
 * The agents use mimalloc's allocator, and nothing of musl's is linked.
 *
 * With STATIC=0 (and in the ASan pass, which cannot be static) every test
 * passes after saying it was skipped. Where chroot is not permitted (not
 * root, or no CAP_SYS_CHROOT) the chroot tests say so and pass.
 */
#define _GNU_SOURCE /* asprintf, pipe2 */
#include <check.h>
#include <elf.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static const char *root(void)
{
	return tu_env("TEST_ROOT", ".");
}

static const char *agent(void)
{
	return tu_env("AGENT", "build/agent");
}

static bool want_static(void)
{
	const char *s = getenv("STATIC");
	return s && !strcmp(s, "1");
}

/* ---- ELF: a program interpreter means a dynamic executable ---- */

/* 1: has PT_INTERP or PT_DYNAMIC; 0: neither; -1: not a readable ELF64. */
static int elf_dynamic(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	Elf64_Ehdr eh;
	int rc = -1;
	if (fread(&eh, sizeof eh, 1, f) == 1 && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_phentsize == sizeof(Elf64_Phdr)) {
		rc = 0;
		for (unsigned i = 0; i < eh.e_phnum && rc == 0; i++) {
			Elf64_Phdr ph;
			if (fseek(f, (long)(eh.e_phoff + i * sizeof ph), SEEK_SET) ||
			    fread(&ph, sizeof ph, 1, f) != 1)
				rc = -1;
			else if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
				rc = 1;
		}
	}
	fclose(f);
	return rc;
}

START_TEST(test_not_dynamic)
{
	if (!want_static()) {
		fprintf(stderr, "static: skipped: STATIC=%s builds dynamic agents%s\n",
			tu_env("STATIC", "(unset)"), getenv("SANITIZE") && *getenv("SANITIZE") ?
			" (the sanitizer pass cannot link statically)" : "");
		return;
	}
	const char *bins[] = {agent(), tu_env("E2E_AGENT", "build/e2e"), tu_env("MCP_FUZZ", "build/mcp-fuzz")};
	for (size_t i = 0; i < sizeof bins / sizeof bins[0]; i++)
		ck_assert_msg(elf_dynamic(bins[i]) == 0, "%s: %s", bins[i],
			      elf_dynamic(bins[i]) < 0 ? "not a readable ELF64 file" :
							 "has a program interpreter or dynamic section");
	/* and what a user would run to check */
	struct tu_run r;
	tu_run(&r, "command -v ldd >/dev/null || { echo 'not a dynamic executable'; exit 1; }; ldd %s", agent());
	ck_assert_msg(strstr(r.out, "not a dynamic executable") || strstr(r.err, "not a dynamic executable"),
		      "ldd %s: %s%s", agent(), r.out, r.err);
	tu_run_release(&r);
}
END_TEST

/* ---- the allocator: mimalloc's, and none of musl's ---- */

/* The address `nm` gives a defined (T) symbol, or NULL. */
static char *sym_addr(const char *nm, const char *name, char *buf, size_t size)
{
	char pat[80];
	snprintf(pat, sizeof pat, " T %s\n", name);
	const char *p = strstr(nm, pat), *line = p;
	if (!p)
		return NULL;
	while (line > nm && line[-1] != '\n')
		line--;
	if ((size_t)(p - line) >= size)
		return NULL;
	memcpy(buf, line, (size_t)(p - line));
	buf[p - line] = '\0';
	return buf;
}

START_TEST(test_allocator)
{
	if (!want_static()) {
		fprintf(stderr, "static: skipped: STATIC=%s links the system's allocator\n",
			tu_env("STATIC", "(unset)"));
		return;
	}
	const char *bins[] = {agent(), tu_env("MCP_FUZZ", "build/mcp-fuzz")};
	for (size_t i = 0; i < sizeof bins / sizeof bins[0]; i++) {
		struct tu_run r;
		tu_run(&r, "nm '%s'", bins[i]);
		ck_assert_msg(r.status == 0, "nm %s: %s", bins[i], r.err);
		/* the C allocator's entry points are mimalloc's own functions... */
		static const char *same[][2] = {{"malloc", "mi_malloc"}, {"free", "mi_free"},
			{"calloc", "mi_calloc"}, {"realloc", "mi_realloc"},
			{"malloc_usable_size", "mi_usable_size"}};
		for (size_t j = 0; j < sizeof same / sizeof same[0]; j++) {
			char a[40], b[40];
			ck_assert_msg(sym_addr(r.out, same[j][1], b, sizeof b), "%s: no %s", bins[i], same[j][1]);
			ck_assert_msg(sym_addr(r.out, same[j][0], a, sizeof a) && !strcmp(a, b),
				      "%s: %s is not mimalloc's %s", bins[i], same[j][0], same[j][1]);
		}
		/* ...or wrappers of them (mimalloc's, mk/mimalloc.c's), which musl's allocator would define too */
		static const char *defined[] = {"aligned_alloc", "posix_memalign", "memalign",
			"__libc_malloc", "__libc_calloc", "__libc_free"};
		for (size_t j = 0; j < sizeof defined / sizeof defined[0]; j++) {
			char a[40];
			ck_assert_msg(sym_addr(r.out, defined[j], a, sizeof a), "%s: no %s", bins[i], defined[j]);
		}
		/* and nothing of musl's: mallocng's state and entry, lite_malloc's bump allocator */
		static const char *musl[] = {" __malloc_context\n", " __libc_malloc_impl\n", " __simple_malloc\n"};
		for (size_t j = 0; j < sizeof musl / sizeof musl[0]; j++)
			ck_assert_msg(!strstr(r.out, musl[j]), "%s: musl's allocator is linked (%.*s)", bins[i],
				      (int)strlen(musl[j]) - 2, musl[j] + 1);
		tu_run_release(&r);
	}
}
END_TEST

/* ---- the fixture: a scratch directory with an empty jail in it ---- */

static struct {
	char *dir;    /* scratch: certificates, scenario, logs */
	char jail[600];
	pid_t mock, proxy, reaper;
	int reaper_fd;
	int port, tls_port;
	bool skip;
} cx;

static void stop(pid_t *p)
{
	if (*p > 0) {
		kill(*p, SIGTERM);
		waitpid(*p, NULL, 0);
		*p = 0;
	}
}

/* A failed assertion ends the forked test without teardown: the children die
 * with it (PR_SET_PDEATHSIG) and a reaper removes the scratch directory once
 * this process is gone (its end of the pipe closes). */
static void setup(void)
{
	memset(&cx, 0, sizeof cx);
	cx.skip = !want_static();
	if (cx.skip)
		return;
	cx.dir = tu_tmpdir();
	snprintf(cx.jail, sizeof cx.jail, "%s/jail", cx.dir);
	ck_assert_int_eq(mkdir(cx.jail, 0755), 0);
	int p[2];
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	cx.reaper = fork();
	ck_assert_int_ge(cx.reaper, 0);
	if (cx.reaper == 0) {
		setsid(); /* out of the test's process group, which Check kills */
		dup2(p[0], 0);
		execl("/bin/sh", "sh", "-c", "cat >/dev/null; sleep 0.3; rm -rf \"$0\"", cx.dir, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	cx.reaper_fd = p[1];

	/* the agent alone: nothing else in the jail unless a test puts it there */
	struct tu_run r;
	tu_run(&r, "cp '%s' '%s/agent' && chmod 0755 '%s/agent'", agent(), cx.jail, cx.jail);
	ck_assert_msg(r.status == 0, "cannot copy the agent: %s", r.err);
	tu_run_release(&r);
	tu_run(&r, "ls -A '%s'", cx.jail);
	ck_assert_str_eq(r.out, "agent\n");
	tu_run_release(&r);
}

static void teardown(void)
{
	stop(&cx.proxy);
	stop(&cx.mock);
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

/* `env -i ENV chroot JAIL /agent ARGS`: chroot(8) from coreutils. */
#define IN_JAIL "env -i %s \"$(command -v chroot || echo /usr/sbin/chroot)\" '%s' /agent "

/* Whether this process may chroot; says why not once per test. */
static bool jail_ok(void)
{
	if (cx.skip)
		return false;
	struct tu_run r;
	tu_run(&r, IN_JAIL "version", "", cx.jail);
	bool ok = r.status == 0;
	if (!ok && (strstr(r.err, "Operation not permitted") || strstr(r.err, "not permitted")))
		fprintf(stderr, "static: skipped: chroot is not permitted here: %s", r.err);
	else
		ck_assert_msg(ok, "the agent does not run in an empty chroot (status %d): %s%s", r.status,
			      r.out, r.err);
	tu_run_release(&r);
	return ok;
}

static const char *tp(const char *name)
{
	static char bufs[8][700];
	static unsigned k;
	char *b = bufs[k++ % 8];
	snprintf(b, sizeof bufs[0], "%s/%s", cx.dir, name);
	return b;
}

static json_t *parse(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);
	ck_assert_msg(v != NULL, "not JSON (%s): %.2000s", je.text, text);
	return v;
}

/* ---- list and mcp ---- */

START_TEST(test_jail_list)
{
	if (!jail_ok())
		return;
	struct tu_run in, out;
	tu_run(&in, IN_JAIL "list --json", "", cx.jail);
	ck_assert_msg(in.status == 0, "status %d: %s", in.status, in.err);
	tu_run(&out, "%s list --json", agent());
	ck_assert_int_eq(out.status, 0);
	/* the table is all it needs: the same bytes as outside */
	ck_assert_str_eq(in.out, out.out);
	json_t *doc = parse(in.out);
	ck_assert_uint_gt(json_array_size(json_object_get(doc, "skills")), 0);
	json_decref(doc);
	tu_run_release(&in);
	tu_run_release(&out);
}
END_TEST

START_TEST(test_jail_mcp)
{
	if (!jail_ok())
		return;
	struct tu_run r;
	tu_run(&r,
	       "printf '%%s\\n' "
	       "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
	       "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}' "
	       "'{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}' "
	       "'{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}' | " IN_JAIL "mcp",
	       "", cx.jail);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	char *nl = strchr(r.out, '\n');
	ck_assert_msg(nl != NULL, "one line at least: %s", r.out);
	*nl = '\0';
	json_t *init = parse(r.out), *list = parse(nl + 1);
	ck_assert_int_eq(json_integer_value(json_object_get(init, "id")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(init, "result"), "protocolVersion")),
			 "2025-06-18");
	ck_assert_int_eq(json_integer_value(json_object_get(list, "id")), 2);
	json_t *tools = json_object_get(json_object_get(list, "result"), "tools");

	/* every tool of `list --json` is served, and the builtins */
	struct tu_run l;
	tu_run(&l, "%s list --json", agent());
	json_t *doc = parse(l.out), *sk;
	size_t i, j, k;
	size_t want = 0;
	json_array_foreach(json_object_get(doc, "skills"), i, sk) {
		json_t *t;
		json_array_foreach(json_object_get(sk, "tools"), j, t) {
			const char *name = json_string_value(json_object_get(t, "name"));
			bool found = false;
			json_t *u;
			json_array_foreach(tools, k, u)
				found |= !strcmp(json_string_value(json_object_get(u, "name")), name);
			ck_assert_msg(found, "tools/list lacks %s", name);
			want++;
		}
	}
	ck_assert_uint_gt(want, 0);
	ck_assert_uint_ge(json_array_size(tools), want + 2);
	json_decref(doc);
	json_decref(init);
	json_decref(list);
	tu_run_release(&l);
	tu_run_release(&r);
}
END_TEST

/* ---- run: the mock provider, plain and behind TLS ---- */

static pid_t spawn(const char *errfile, char *const argv[])
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* dies with the test */
		int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* The port a helper writes once it listens; generous: the machine is shared. */
static int wait_port(const char *file, pid_t *pid, const char *errfile)
{
	for (int i = 0; i < 6000; i++) {
		char *p = tu_read(file, NULL);
		if (p && strchr(p, '\n')) {
			int port = atoi(p);
			free(p);
			ck_assert_int_gt(port, 0);
			return port;
		}
		free(p);
		int st;
		if (waitpid(*pid, &st, WNOHANG) == *pid) {
			*pid = 0;
			char *e = tu_read(errfile, NULL);
			ck_abort_msg("%s exited (status %d) before listening: %s", file, st, e ? e : "");
		}
		usleep(10000);
	}
	ck_abort_msg("no port in %s within 60 s", file);
	return 0;
}

static void mock_start(const char *scenario)
{
	FILE *f = fopen(tp("scenario.json"), "w");
	ck_assert_ptr_nonnull(f);
	fputs(scenario, f);
	fclose(f);
	char script[1024];
	snprintf(script, sizeof script, "%s/tests/agent/mock_provider.py", root());
	char *argv[] = {"python3", script, "--scenario", (char *)tp("scenario.json"), "--log",
			(char *)tp("requests.jsonl"), "--port-file", (char *)tp("port"), "--max-seconds",
			"120", NULL};
	cx.mock = spawn(tp("mock.err"), argv);
	cx.port = wait_port(tp("port"), &cx.mock, tp("mock.err"));
}

/* With openssl(1): a CA named `name` (name.pem, name.key). */
static void make_ca(const char *name)
{
	struct tu_run r;
	tu_run(&r,
	       "cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
	       "-keyout %s.key -out %s.pem -subj /CN=skillc-test-%s "
	       "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
	       cx.dir, name, name, name);
	ck_assert_msg(r.status == 0, "openssl: %s", r.err);
	tu_run_release(&r);
}

/* The server's certificate for localhost (srv.pem, srv.key), signed by `ca`. */
static void make_server_cert(const char *ca)
{
	struct tu_run r;
	tu_run(&r,
	       "cd '%s' && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	       "-keyout srv.key -out srv.csr -subj /CN=localhost && "
	       "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
	       "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' >srv.ext && "
	       "openssl x509 -req -in srv.csr -CA %s.pem -CAkey %s.key -CAcreateserial -days 2 "
	       "-extfile srv.ext -out srv.pem",
	       cx.dir, ca, ca);
	ck_assert_msg(r.status == 0, "openssl: %s", r.err);
	tu_run_release(&r);
}

static void proxy_start(void)
{
	char script[1024], up[16];
	snprintf(script, sizeof script, "%s/tests/agent/tls_proxy.py", root());
	snprintf(up, sizeof up, "%d", cx.port);
	char *argv[] = {"python3", script, "--cert", (char *)tp("srv.pem"), "--key", (char *)tp("srv.key"),
			"--upstream", up, "--port-file", (char *)tp("tls-port"), "--max-seconds", "120", NULL};
	cx.proxy = spawn(tp("proxy.err"), argv);
	cx.tls_port = wait_port(tp("tls-port"), &cx.proxy, tp("proxy.err"));
}

static size_t requests(void)
{
	char *log = tu_read(tp("requests.jsonl"), NULL);
	size_t n = 0;
	for (char *p = log; p && (p = strchr(p, '\n')); p++)
		n++;
	free(log);
	return n;
}

static void jail_copy(const char *from, const char *to)
{
	struct tu_run r;
	tu_run(&r, "mkdir -p \"$(dirname '%s%s')\" && cp '%s' '%s%s'", cx.jail, to, from, cx.jail, to);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_release(&r);
}

static const char answer[] = "{\"steps\":[{\"reply\":{\"text\":\"hello from the jail\"}}]}";

START_TEST(test_jail_run_http)
{
	if (!jail_ok())
		return;
	mock_start(answer);
	struct tu_run r;
	tu_run(&r, IN_JAIL "run --provider openai --base-url http://127.0.0.1:%d/v1 'Say hello.'",
	       "OPENAI_API_KEY=test-key", cx.jail, cx.port);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "hello from the jail\n");
	ck_assert_uint_eq(requests(), 1);
	tu_run_release(&r);
}
END_TEST

/* Streamed (_i 0) and plain (_i 1), with the CA given by SSL_CERT_FILE and,
 * streamed again (_i 2), found where Debian keeps its bundle. */
START_TEST(test_jail_run_https)
{
	if (!jail_ok())
		return;
	make_ca("ca");
	make_server_cert("ca");
	mock_start(answer);
	proxy_start();
	const char *env = "OPENAI_API_KEY=test-key SSL_CERT_FILE=/ca.pem";
	if (_i == 2) {
		jail_copy(tp("ca.pem"), "/etc/ssl/certs/ca-certificates.crt");
		env = "OPENAI_API_KEY=test-key";
	} else {
		jail_copy(tp("ca.pem"), "/ca.pem");
	}
	struct tu_run r;
	tu_run(&r, IN_JAIL "run %s --provider openai --base-url https://localhost:%d/v1 'Say hello.'", env,
	       cx.jail, _i == 1 ? "--no-stream" : "", cx.tls_port);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "hello from the jail\n");
	ck_assert_uint_eq(requests(), 1);
	tu_run_release(&r);
}
END_TEST

/* Verification stays on: no CA, or another one, and nothing is sent. */
START_TEST(test_jail_https_unverified)
{
	if (!jail_ok())
		return;
	make_ca("ca"); /* the jail's */
	make_ca("other");
	make_server_cert("other");
	mock_start(answer);
	proxy_start();
	jail_copy(tp("ca.pem"), "/ca.pem");
	struct tu_run r;
	tu_run(&r, IN_JAIL "run --retries 0 --provider openai --base-url https://localhost:%d/v1 'Say hello.'",
	       "OPENAI_API_KEY=test-key", cx.jail, cx.tls_port);
	ck_assert_msg(r.status == 6, "status %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "no CA certificates found"), "%s", r.err);
	tu_run_release(&r);
	tu_run(&r, IN_JAIL "run --retries 0 --provider openai --base-url https://localhost:%d/v1 'Say hello.'",
	       "OPENAI_API_KEY=test-key SSL_CERT_FILE=/ca.pem", cx.jail, cx.tls_port);
	ck_assert_msg(r.status == 6, "status %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "cannot verify the server at 'localhost:") && strstr(r.err, "/ca.pem (SSL_CERT_FILE)"),
		      "%s", r.err);
	tu_run_release(&r);
	ck_assert_uint_eq(requests(), 0);
}
END_TEST

/* doctor says which CA store it uses, or that there is none. */
START_TEST(test_jail_doctor_ca)
{
	if (!jail_ok())
		return;
	static const struct {
		const char *env, *put, *path, *from;
		bool dir;
	} cases[] = {
		{"", NULL, NULL, NULL, false},
		{"SSL_CERT_FILE=/my/ca.pem", "/my/ca.pem", "/my/ca.pem", "SSL_CERT_FILE", false},
		{"SSL_CERT_DIR=/my", "/my/ca.pem", "/my", "SSL_CERT_DIR", true},
		{"", "/etc/ssl/cert.pem", "/etc/ssl/cert.pem", "system", false},
		{"", "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/ca-certificates.crt", "system", false},
	};
	char ca[700];
	snprintf(ca, sizeof ca, "%s/any.pem", cx.dir);
	FILE *f = fopen(ca, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].put)
			jail_copy(ca, cases[i].put);
		struct tu_run r;
		tu_run(&r, IN_JAIL "doctor --json", cases[i].env, cx.jail);
		json_t *doc = parse(r.out), *c = json_object_get(doc, "ca");
		if (!cases[i].path) {
			ck_assert_msg(json_is_null(c), "case %zu: %s", i, r.out);
			ck_assert(json_is_false(json_object_get(doc, "ca_ok")));
		} else {
			ck_assert_msg(json_is_object(c), "case %zu: %s", i, r.out);
			ck_assert_str_eq(json_string_value(json_object_get(c, "path")), cases[i].path);
			ck_assert_str_eq(json_string_value(json_object_get(c, "from")), cases[i].from);
			ck_assert(json_is_true(json_object_get(c, "dir")) == cases[i].dir);
			ck_assert(json_is_true(json_object_get(doc, "ca_ok")));
		}
		json_decref(doc);
		tu_run_release(&r);
		tu_run(&r, IN_JAIL "doctor", cases[i].env, cx.jail);
		ck_assert_msg(strstr(r.out, cases[i].path ? cases[i].path : "none found"), "case %zu: %s", i, r.out);
		tu_run_release(&r);
	}
}
END_TEST

Suite *suite_static(void)
{
	Suite *s = suite_create("static");
	TCase *tc = tcase_create("elf");
	tcase_add_test(tc, test_not_dynamic);
	tcase_add_test(tc, test_allocator);
	suite_add_tcase(s, tc);
	tc = tcase_create("chroot");
	tcase_add_checked_fixture(tc, setup, teardown);
	/* generous: a few seconds each on an idle machine */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_jail_list);
	tcase_add_test(tc, test_jail_mcp);
	tcase_add_test(tc, test_jail_run_http);
	tcase_add_loop_test(tc, test_jail_run_https, 0, 3);
	tcase_add_test(tc, test_jail_https_unverified);
	tcase_add_test(tc, test_jail_doctor_ca);
	suite_add_tcase(s, tc);
	return s;
}
