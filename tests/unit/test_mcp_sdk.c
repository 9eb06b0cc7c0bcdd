/*
 * test_mcp_sdk.c - `agent mcp` driven by the official MCP TypeScript SDK
 * client: each script in tests/mcp is run with node and must exit 0.
 *
 * The SDK is installed by the Makefile (mk/npm-test.sh) into MCP_SDK_DIR,
 * a build folder outside tests/mcp. Node's ESM loader ignores NODE_PATH and
 * looks for node_modules only above the importing file, so the scripts'
 * shared tests/mcp/lib.mjs reads MCP_SDK_DIR, resolves each SDK subpath
 * through the package's "exports" map and imports it by absolute file URL.
 * The scripts run from the repository root (TEST_ROOT).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* A script takes about a minute under the sanitizers with both cores busy;
 * these only bound how long a hang takes to fail. */
enum {
	SCRIPT_TIMEOUT_S = 300, /* the scripts' own watchdog */
	KILL_AFTER_S = 310,     /* `timeout` on node, below the test case's */
	TCASE_TIMEOUT_S = 330
};

static const char *sdk_dir(void)
{
	static char dflt[512];
	snprintf(dflt, sizeof dflt, "%s/npm", tu_env("BUILD", "build"));
	return tu_env("MCP_SDK_DIR", dflt);
}

static void run_script(const char *script, const char *args)
{
	struct tu_run r;
	tu_run(&r, "cd '%s' && export MCP_SDK_DIR='%s' && "
	       "if ! test -f \"$MCP_SDK_DIR/node_modules/@modelcontextprotocol/sdk/package.json\"; then "
	       "echo \"FAIL the MCP SDK is not in $MCP_SDK_DIR: 'make unit' installs it (mk/npm-test.sh)\"; "
	       "exit 2; fi && MCP_TEST_TIMEOUT=%d timeout -k 2 %d node tests/mcp/%s %s",
	       tu_env("TEST_ROOT", "."), sdk_dir(), SCRIPT_TIMEOUT_S, KILL_AFTER_S, script, args);
	if (r.status != 0) {
		/* The whole transcript: the failing check's line and the server's stderr. */
		fprintf(stderr, "--- node tests/mcp/%s %s: status %d\n%s%s---\n", script, args,
			r.status, r.out, r.err);
		const char *fail = strstr(r.out, "FAIL ");
		char first[512] = "";
		if (fail)
			snprintf(first, sizeof first, "%.*s", (int)strcspn(fail, "\n"), fail);
		ck_abort_msg("tests/mcp/%s exited %d%s: %s", script, r.status,
			     r.status == 124 ? " (timed out)" : "",
			     first[0] ? first : r.err);
	}
	tu_run_release(&r);
}

static const char *agent(void)
{
	return tu_env("AGENT", "build/agent");
}

static const char *e2e_agent(void)
{
	return tu_env("E2E_AGENT", "build/e2e");
}

/* Each script with the agent it drives; the rest of the arguments follow. */
static const struct {
	const char *script;
	int e2e;            /* 1: the fixture agent, 2: the callback probe, 0: the default one */
	const char *extra;
} scripts[] = {
	{"tools.mjs", 0, ""},
	{"content.mjs", 0, ""},
	{"content.mjs", 1, "tests/e2e/skills"},
	{"runtime.mjs", 1, ""},
	{"scoped.mjs", 0, ""},
	{"readme.mjs", 0, "README.md"},
	{"callback.mjs", 2, ""},
};

START_TEST(test_script)
{
	char args[1024];
	const char *which = scripts[_i].e2e == 2 ? tu_env("CB_AGENT", "build/cbprobe")
				: scripts[_i].e2e ? e2e_agent() : agent();
	snprintf(args, sizeof args, "'%s' %s", which, scripts[_i].extra);
	run_script(scripts[_i].script, args);
}
END_TEST

/*
 * A binary asset: no baked skill has one, so bake a small agent whose skill
 * holds bytes that are not UTF-8, and read them back as a base64 blob.
 */
START_TEST(test_binary_resource)
{
	char *dir = tu_tmpdir();
	const char *build = tu_env("BUILD", "build");
	const char *cc = tu_env("CC", "cc");
	const char *san = *tu_env("SANITIZE", "") ? "-fsanitize=address,undefined" : "";
	struct tu_run r;
	tu_run(&r, "cd '%s' && mkdir -p %s/s/bin/assets && "
	       "printf -- '---\\nname: bin\\ndescription: A skill with a binary asset.\\n---\\n"
	       "# bin\\nSee assets/.\\n' > %s/s/bin/SKILL.md && "
	       "printf '\\211PNG\\r\\n\\032\\n\\000\\001\\377\\376' > %s/s/bin/assets/logo.png && "
	       "head -c 3000 /dev/urandom > %s/s/bin/assets/noise.bin && "
	       "printf 'plain text\\n' > %s/s/bin/assets/note.txt && "
	       "%s -n bin -o %s/gen %s/s && %s -c -Iruntime %s/gen/table.c -o %s/table.o && "
	       "%s -c -Wa,-I,%s/gen %s/gen/data.S -o %s/data.o && "
	       "%s %s -o %s/bin %s/table.o %s/data.o %s/runtime/main.o %s/libskillc-runtime.a -ljansson -lcurl -lsqlite3",
	       tu_env("TEST_ROOT", "."), dir, dir, dir, dir, dir,
	       tu_env("SKILLC", "build/skillc"), dir, dir, cc, dir, dir,
	       cc, dir, dir, dir,
	       cc, san, dir, dir, dir, build, build);
	ck_assert_msg(r.status == 0, "baking the binary fixture failed:\n%s%s", r.out, r.err);
	tu_run_release(&r);
	char args[1024];
	snprintf(args, sizeof args, "'%s/bin' '%s/s' --want-binary", dir, dir);
	run_script("content.mjs", args);
	tu_rmdir(dir);
}
END_TEST

Suite *suite_mcp_sdk(void)
{
	Suite *s = suite_create("mcp_sdk");
	TCase *tc = tcase_create("sdk");
	tcase_set_timeout(tc, TCASE_TIMEOUT_S);
	tcase_add_loop_test(tc, test_script, 0, (int)(sizeof scripts / sizeof scripts[0]));
	tcase_add_test(tc, test_binary_resource);
	suite_add_tcase(s, tc);
	return s;
}
