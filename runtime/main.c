/*
 * main.c - the agent's command line: list, show, call, version, doctor,
 * mcp, run, chat and memory.
 *
 * Results go to stdout, diagnostics to stderr. Exit codes are documented in
 * usage[] and the README, and stable.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "args.h"
#include "ask.h"
#include "callback.h"
#include "cache.h"
#include "exec.h"
#include "http.h"
#include "invoke.h"
#include "jbuf.h"
#include "mcp.h"
#include "memory.h"
#include "serve.h"
#include "skc_abi.h"
#include "sandbox.h"
#include "wasi.h"
#include "table.h"

enum cli_exit {
	CLI_OK = 0,
	CLI_TOOL_FAILED = 1,
	CLI_USAGE = 2,
	CLI_UNKNOWN_TOOL = 3,
	CLI_TIMEOUT = 4,
	CLI_CANNOT_RUN = 5,
	CLI_CORRUPT = 70
};


static const char usage[] =
	"usage: %s <command> [options]\n"
	"\n"
	"commands:\n"
	"  list [--json]                 skills and their tools\n"
	"  show NAME [--json]            a skill (description, body, tools) or a tool (schema)\n"
	"  call TOOL [--arg NAME=VALUE]... [--json OBJECT] [--timeout SECONDS] [--max-output BYTES]\n"
	"                                run a tool; its output goes to stdout\n"
	"  version [--json]              build id, table ABI version, digest of the skills\n"
	"  doctor [--json]               interpreters, cache, CA certificates, the sandbox,\n"
	"                                and what each tool may do\n"
	"  mcp [--scoped] [--jobs N] [--queue N] [--page-size N]\n"
	"                                serve the tools, prompts and files to an MCP client\n"
	"                                on stdin/stdout (see '%s mcp --help')\n"
	"  run [options] TASK...         do a task with an LLM provider, calling tools;\n"
	"                                the answer goes to stdout (see '%s run --help')\n"
	"  chat [options]                the same, one task per line of stdin\n"
	"  memory <command>              list, get, set, delete or clear what skills\n"
	"                                remember (see '%s memory --help')\n"
	"  help                          show this help\n"
	"\n"
	"exit status of call: 0 success, 1 the tool failed, 2 bad usage or arguments,\n"
	"3 unknown tool, 4 the tool timed out, 5 the tool could not be started;\n"
	"70 the baked table is damaged. run and chat: see '%s run --help'; memory:\n"
	"see '%s memory --help'.\n"
	"\n"
	"Tools run in a sandbox (Landlock, seccomp, rlimits, a pid namespace) limited\n"
	"to what their manifests grant; SKILLC_SANDBOX=on|strict|off chooses how.\n";

static const char mcp_usage[] =
	"usage: %s mcp [--scoped] [--jobs N] [--queue N] [--page-size N]\n"
	"\n"
	"Serve this agent's skills to an MCP client over stdin/stdout (newline-delimited\n"
	"JSON-RPC 2.0). Protocol versions 2025-11-25, 2025-06-18, 2025-03-26 and\n"
	"2024-11-05 (initialize handshake), and 2026-07-28 (version in each request's\n"
	"params._meta). Logs go to stderr; stdout carries protocol messages only.\n"
	"\n"
	"  --scoped        list only the builtin tools at first; activate_skill adds a\n"
	"                  skill's tools (notifications/tools/list_changed)\n"
	"  --jobs N        tool processes run at once (default %d)\n"
	"  --queue N       calls that may wait for a free slot (default %d)\n"
	"  --page-size N   tools, prompts and resources per list page (default %d)\n"
	"\n"
	"The server exits on EOF, SIGTERM or SIGINT, killing running tools.\n";

static const char *prog = "agent";

static void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: error: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int cli_json_out(json_t *doc)
{
	int rc = json_dumpf(doc, stdout, JSON_INDENT(2)) == 0 ? CLI_OK : CLI_CORRUPT;
	fputc('\n', stdout);
	json_decref(doc);
	return rc;
}

/* ---- list ---- */

static int cmd_list(const struct skc_table *t, int json)
{
	if (json) {
		fwrite(skc_str(t, t->list_json), 1, t->list_json.len, stdout);
		return CLI_OK;
	}
	for (uint32_t i = 0; i < t->skill_count; i++) {
		const struct skc_skill *s = &t->skills[i];
		printf("%s\n    %s\n", skc_str(t, s->name), skc_str(t, s->description));
		for (uint32_t j = 0; j < s->tool_count; j++) {
			const struct skc_tool *tool = &t->tools[s->tool_first + j];
			printf("  %s\n      %s\n", skc_str(t, tool->wire_name),
			       skc_str(t, tool->description));
		}
	}
	return CLI_OK;
}

/* ---- show ---- */

static void show_param(const struct skc_table *t, const struct skc_param *p)
{
	printf("  %-20s %s%s", skc_str(t, p->name), ra_param_type(p),
	       p->required ? ", required" : "");
	if (p->flag.len)
		printf(", passed as %s", skc_str(t, p->flag));
	if (p->default_json.len)
		printf(", default %s", skc_str(t, p->default_json));
	if (p->enum_count) {
		printf(", one of");
		for (uint32_t k = 0; k < p->enum_count; k++)
			printf("%s %s", k ? "," : "", skc_str(t, t->enums[p->enum_first + k]));
	}
	putchar('\n');
	if (p->description.len)
		printf("  %-20s %s\n", "", skc_str(t, p->description));
}

/* ---- permissions, for show and doctor ---- */

static json_t *perm_strs(const struct skc_table *t, uint32_t first, uint32_t count)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < count && first + i < t->perm_str_count; i++)
		json_array_append_new(a, json_string(skc_str(t, t->perm_strs[first + i])));
	return a;
}

static json_t *perm_limit(uint64_t v, uint64_t dflt)
{
	v = v ? v : dflt;
	return v ? json_integer((json_int_t)v) : json_null();
}

/* What a tool may do: its grants, limits with the defaults applied, and
 * its secrets' names (never their values). */
static json_t *perm_json(const struct skc_table *t, const struct skc_tool *tool)
{
	static const char *const net[] = {"none", "hosts", "all"};
	const struct skc_perms *g = &tool->perms;
	json_t *o = json_object(), *secrets = json_array();
	json_object_set_new(o, "read", perm_strs(t, g->read_first, g->read_count));
	json_object_set_new(o, "write", perm_strs(t, g->write_first, g->write_count));
	json_object_set_new(o, "network", json_string(g->network < 3 ? net[g->network] : "?"));
	if (g->network == SKC_NET_HOSTS)
		json_object_set_new(o, "hosts", perm_strs(t, g->host_first, g->host_count));
	json_object_set_new(o, "limits",
			    json_pack("{s:o,s:o,s:o,s:o}", "memory", perm_limit(g->memory, SB_DEFAULT_MEMORY),
				      "file_size", perm_limit(g->file_size, SB_DEFAULT_FILE_SIZE),
				      "processes", perm_limit(g->processes, SB_DEFAULT_PROCESSES),
				      "cpu_s", perm_limit(g->cpu_s, SB_DEFAULT_CPU_S)));
	for (uint32_t i = 0; i < g->secret_count && g->secret_first + i < t->secret_count; i++) {
		const struct skc_secret *sec = &t->secrets[g->secret_first + i];
		const char *name = skc_str(t, sec->name);
		json_array_append_new(secrets, json_pack("{s:s,s:b,s:b}", "name", name, "required",
							 sec->required, "set", getenv(name) != NULL));
	}
	json_object_set_new(o, "secrets", secrets);
	if (tool->kind == SKC_KIND_WASM) {
		/* What only the WASI shim grants: variables by name, clock, randomness. */
		json_object_set_new(o, "env", perm_strs(t, g->env_first, g->env_count));
		json_object_set_new(o, "clock", json_boolean(g->flags & SKC_PERM_CLOCK));
		json_object_set_new(o, "random", json_boolean(g->flags & SKC_PERM_RANDOM));
		json_object_set_new(json_object_get(o, "limits"), "memory",
				    json_integer((json_int_t)(g->memory ? g->memory : WASI_DEFAULT_MEMORY)));
	}
	return o;
}

static void perm_size(char *buf, size_t n, const char *what, json_t *v, const char *unit)
{
	size_t at = strlen(buf);
	double x = json_is_integer(v) ? (double)json_integer_value(v) : 0;
	const char *sep = at ? ", " : "";
	if (!json_is_integer(v))
		snprintf(buf + at, n - at, "%s%s unlimited", sep, what);
	else if (unit)
		snprintf(buf + at, n - at, "%s%s %g %s", sep, what, x, unit);
	else if (x >= (1 << 30))
		snprintf(buf + at, n - at, "%s%s %g GiB", sep, what, x / (1 << 30));
	else if (x >= (1 << 20))
		snprintf(buf + at, n - at, "%s%s %g MiB", sep, what, x / (1 << 20));
	else
		snprintf(buf + at, n - at, "%s%s %g KiB", sep, what, x / 1024);
}

static void perm_list(const char *in, const char *label, json_t *a, const char *plus)
{
	printf("%s%s: ", in, label);
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		printf("%s%s", i ? ", " : "", json_string_value(v));
	if (!plus) /* only what is listed */
		printf("%s\n", json_array_size(a) ? "" : "nothing");
	else
		printf("%s%s\n", json_array_size(a) ? ", plus " : "", plus);
}

/* The same, for people: `show` prints it under "permissions:". */
static void perm_text(const struct skc_table *t, const struct skc_tool *tool, const char *in)
{
	json_t *o = perm_json(t, tool);
	bool wasm = tool->kind == SKC_KIND_WASM;
	perm_list(in, "read", json_object_get(o, "read"),
		  wasm ? NULL : "the system's programs and libraries, the skill and its temporary directory");
	perm_list(in, "write", json_object_get(o, "write"), wasm ? NULL : "its temporary directory");
	if (wasm) {
		perm_list(in, "environment", json_object_get(o, "env"), NULL);
		printf("%sclock: %s; randomness: %s\n", in,
		       json_is_true(json_object_get(o, "clock")) ? "granted" : "no",
		       json_is_true(json_object_get(o, "random")) ? "granted" : "no");
	}
	const char *net = json_string_value(json_object_get(o, "network"));
	if (!strcmp(net, "hosts")) {
		printf(wasm ? "%snetwork: through skillc.http_request, to the hosts: "
			    : "%snetwork: on; allowed hosts, passed in SKILLC_ALLOWED_HOSTS: ", in);
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(o, "hosts"), i, v)
			printf("%s%s", i ? ", " : "", json_string_value(v));
		printf("\n");
	} else {
		printf("%snetwork: %s\n", in, !strcmp(net, "all") ? "any host" : "none");
	}
	json_t *lim = json_object_get(o, "limits");
	char buf[256] = "";
	perm_size(buf, sizeof buf, "memory", json_object_get(lim, "memory"), NULL);
	perm_size(buf, sizeof buf, "file size", json_object_get(lim, "file_size"), NULL);
	perm_size(buf, sizeof buf, "processes", json_object_get(lim, "processes"), "");
	perm_size(buf, sizeof buf, "cpu", json_object_get(lim, "cpu_s"), "s");
	printf("%slimits: %s\n", in, buf);
	json_t *sec = json_object_get(o, "secrets");
	if (json_array_size(sec)) {
		printf("%ssecrets:", in);
		size_t i;
		json_t *v;
		json_array_foreach(sec, i, v)
			printf("%s %s (%s, %s)", i ? "," : "",
			       json_string_value(json_object_get(v, "name")),
			       json_is_true(json_object_get(v, "required")) ? "required" : "optional",
			       json_is_true(json_object_get(v, "set")) ? "set" : "unset");
		printf("\n");
	}
	json_decref(o);
}

/* A pipeline's steps: name (when named) and the wire name of each one's tool. */
static json_t *show_steps(const struct skc_table *t, const struct skc_tool *tool)
{
	json_t *a = json_array();
	for (uint32_t k = 0; k < tool->step_count && tool->step_first + k < t->step_count; k++) {
		const struct skc_step *st = &t->steps[tool->step_first + k];
		json_t *o = json_object();
		if (st->name.len)
			json_object_set_new(o, "name", json_string(skc_str(t, st->name)));
		if (st->tool < t->tool_count)
			json_object_set_new(o, "tool", json_string(skc_str(t, t->tools[st->tool].wire_name)));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *show_tool_json(const struct skc_table *t, const struct skc_tool *tool)
{
	json_error_t je;
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(skc_str(t, tool->wire_name)));
	json_object_set_new(o, "skill", json_string(skc_str(t, t->skills[tool->skill].name)));
	json_object_set_new(o, "description", json_string(skc_str(t, tool->description)));
	json_object_set_new(o, "script", json_string(skc_str(t, tool->script)));
	json_object_set_new(o, "kind", json_string(tool->kind == SKC_KIND_WASM	       ? "wasm"
						   : tool->kind == SKC_KIND_PIPELINE ? "pipeline"
										     : "script"));
	if (tool->kind == SKC_KIND_PIPELINE)
		json_object_set_new(o, "steps", show_steps(t, tool));
	json_object_set_new(o, "inputSchema", json_loads(skc_str(t, tool->schema), 0, &je));
	json_object_set_new(o, "permissions", perm_json(t, tool));
	return o;
}

static int cmd_show(const struct skc_table *t, const char *name, int json)
{
	const struct skc_skill *s = tbl_skill(t, name);
	if (s) {
		if (json) {
			json_t *o = json_object(), *tools = json_array();
			json_object_set_new(o, "name", json_string(skc_str(t, s->name)));
			json_object_set_new(o, "description", json_string(skc_str(t, s->description)));
			if (s->license.len)
				json_object_set_new(o, "license", json_string(skc_str(t, s->license)));
			if (s->compatibility.len)
				json_object_set_new(o, "compatibility",
						    json_string(skc_str(t, s->compatibility)));
			if (s->version.len)
				json_object_set_new(o, "version", json_string(skc_str(t, s->version)));
			json_t *uses = json_array();
			for (uint32_t j = 0; j < s->use_count && s->use_first + j < t->use_count; j++)
				json_array_append_new(uses, json_string(skc_str(
					t, t->tools[t->uses[s->use_first + j]].wire_name)));
			json_object_set_new(o, "uses", uses);
			json_object_set_new(o, "body", json_stringn(skc_str(t, s->body), s->body.len));
			for (uint32_t j = 0; j < s->tool_count; j++)
				json_array_append_new(tools, show_tool_json(t, &t->tools[s->tool_first + j]));
			json_object_set_new(o, "tools", tools);
			json_t *files = json_array();
			for (uint32_t j = 0; j < s->file_count; j++)
				json_array_append_new(files,
						      json_string(skc_str(t, t->files[s->file_first + j].path)));
			json_object_set_new(o, "files", files);
			return cli_json_out(o);
		}
		printf("%s\n%s\n", skc_str(t, s->name), skc_str(t, s->description));
		if (s->compatibility.len)
			printf("compatibility: %s\n", skc_str(t, s->compatibility));
		if (s->license.len)
			printf("license: %s\n", skc_str(t, s->license));
		if (s->version.len)
			printf("version: %s\n", skc_str(t, s->version));
		printf("\ntools:\n");
		for (uint32_t j = 0; j < s->tool_count; j++) {
			const struct skc_tool *tool = &t->tools[s->tool_first + j];
			printf("  %s\n      %s\n", skc_str(t, tool->wire_name),
			       skc_str(t, tool->description));
		}
		if (!s->tool_count)
			printf("  (none)\n");
		if (s->use_count) {
			printf("\nuses (offered with it when it is active):\n");
			for (uint32_t j = 0; j < s->use_count && s->use_first + j < t->use_count; j++)
				printf("  %s\n", skc_str(t, t->tools[t->uses[s->use_first + j]].wire_name));
		}
		printf("\nfiles:\n");
		for (uint32_t j = 0; j < s->file_count; j++)
			printf("  %s\n", skc_str(t, t->files[s->file_first + j].path));
		printf("\n");
		fwrite(skc_str(t, s->body), 1, s->body.len, stdout);
		if (s->body.len && skc_str(t, s->body)[s->body.len - 1] != '\n')
			putchar('\n');
		return CLI_OK;
	}
	const struct skc_tool *tool = tbl_tool(t, name);
	if (!tool) {
		const char *near = tbl_suggest(t, name);
		if (near)
			cli_error("no skill or tool named '%s'; did you mean '%s'?", name, near);
		else
			cli_error("no skill or tool named '%s' (see '%s list')", name, prog);
		return CLI_UNKNOWN_TOOL;
	}
	if (json)
		return cli_json_out(show_tool_json(t, tool));
	static const char *const styles[] = {"flags", "argv", "json", "skillz"};
	bool wasm = tool->kind == SKC_KIND_WASM;
	if (tool->kind == SKC_KIND_PIPELINE) {
		json_t *steps = show_steps(t, tool), *v;
		size_t i;
		printf("%s\n%s\n\npipeline:", skc_str(t, tool->wire_name), skc_str(t, tool->description));
		json_array_foreach(steps, i, v)
			printf("%s %s", i ? "," : "", json_string_value(json_object_get(v, "tool")));
		printf(" (timeout %g s)\n", tool->timeout_ms / 1000.0);
		json_decref(steps);
	} else {
		printf("%s\n%s\n\n%s: %s (%sarguments as %s)\n", skc_str(t, tool->wire_name),
		       skc_str(t, tool->description), wasm ? "module" : "script",
		       skc_str(t, tool->script), wasm ? "WebAssembly; " : "",
		       tool->args < 4 ? styles[tool->args] : "?");
	}
	printf("\nparameters:\n");
	for (uint32_t k = 0; k < tool->param_count; k++)
		show_param(t, &t->params[tool->param_first + k]);
	if (!tool->param_count)
		printf("  (none)\n");
	printf("\ninput schema:\n%s\n", skc_str(t, tool->schema));
	if (tool->kind == SKC_KIND_PIPELINE) {
		printf("\npermissions: each step runs with its own tool's\n");
		return CLI_OK;
	}
	printf("\npermissions:\n");
	perm_text(t, tool, "  ");
	return CLI_OK;
}

/* ---- call ---- */

static const char *call_tool_name;

static void put_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w <= 0 && errno != EINTR)
			return;
		if (w > 0) {
			b += w;
			n -= (size_t)w;
		}
	}
}

/*
 * A WASM tool run in this process past its timeout (inv_opts.on_timeout),
 * from the timer's signal handler: what run_tool prints for a timeout, with
 * write() only, then exit.
 */
static void call_timed_out(const struct rx_result *r, const char *why)
{
	put_all(1, r->out, r->out_len);
	if (r->err_truncated)
		put_all(2, "[... earlier stderr dropped ...]\n", 33);
	put_all(2, r->err, r->err_len);
	if (r->err_len && r->err[r->err_len - 1] != '\n')
		put_all(2, "\n", 1);
	const char *parts[] = {prog, ": error: tool '", call_tool_name, "' ", why, "\n"};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		put_all(2, parts[i], strlen(parts[i]));
	_exit(CLI_TIMEOUT);
}

/* A protocol tool's questions, from `agent call`: the provider that `run`
 * would use, and the terminal. */
struct call_ask {
	const struct skc_table *t;
	struct ag_config c;
	bool have_c;
};

static json_t *call_ask(void *ud, const char *method, json_t *params, char *err, size_t errn)
{
	struct call_ask *a = ud;
	if (!strcmp(method, "elicitation/create"))
		return ask_user(params, -1, err, errn);
	if (!a->have_c) {
		snprintf(err, errn, "no provider is configured to sample from (see %s run --help)", prog);
		return NULL;
	}
	return ask_model(&a->c, params, err, errn);
}

static void call_log(void *ud, const char *tool, const char *level, json_t *data)
{
	(void)ud;
	char *s = json_dumps(data, JSON_COMPACT);
	fprintf(stderr, "%s: %s: %s\n", tool, level, s ? s : "");
	free(s);
}

static int run_tool(const struct skc_table *t, const struct skc_tool *tool, json_t *args,
		    double timeout_s, double max_out)
{
	/* This process only reports the call afterwards: a WASM tool may run in it. */
	struct inv_opts o = {
		.timeout_ms = (uint32_t)(timeout_s * 1000 + 0.5),
		.output_cap = (size_t)max_out,
		.on_timeout = call_timed_out,
	};
	call_tool_name = skc_str(t, tool->wire_name);
	struct rx_result res;
	char err[512];
	enum inv_status st;
	if (tool->args == SKC_ARGS_SKILLZ) {
		struct call_ask a = {.t = t};
		struct ag_flags f = {.retries = -1};
		char why[300];
		a.have_c = ag_resolve(t, &f, getenv, &a.c, why, sizeof why) == 0;
		int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
		struct cb_sync sync = {.ask = call_ask, .log = call_log, .ud = &a,
				       .sampling = a.have_c, .elicitation = tty >= 0};
		if (tty >= 0)
			close(tty);
		st = cb_run(t, tool, args, &o, &sync, &res, err, sizeof err);
		if (a.have_c)
			ag_config_release(&a.c);
	} else {
		st = inv_run(t, tool, args, &o, &res, err, sizeof err);
	}
	fwrite(res.out ? res.out : "", 1, res.out_len, stdout);
	fflush(stdout);
	/* The tool's stderr is its log: pass it on, then our verdict. */
	if (res.err_len) {
		if (res.err_truncated)
			fputs("[... earlier stderr dropped ...]\n", stderr);
		fwrite(res.err, 1, res.err_len, stderr);
		if (res.err[res.err_len - 1] != '\n')
			fputc('\n', stderr);
	}
	if (res.out_truncated)
		fprintf(stderr, "%s: warning: output of '%s' truncated at %zu bytes\n", prog,
			skc_str(t, tool->wire_name), res.out_len);
	rx_result_release(&res);
	switch (st) {
	case INV_OK:
		return CLI_OK;
	case INV_FAILED:
		cli_error("tool '%s' %s", skc_str(t, tool->wire_name), err);
		return CLI_TOOL_FAILED;
	case INV_TIMEOUT:
		cli_error("tool '%s' %s", skc_str(t, tool->wire_name), err);
		return CLI_TIMEOUT;
	case INV_BAD_ARGS:
		cli_error("%s: %s", skc_str(t, tool->wire_name), err);
		return CLI_USAGE;
	case INV_CANNOT_RUN:
		break;
	}
	cli_error("tool '%s' cannot run: %s", skc_str(t, tool->wire_name), err);
	return CLI_CANNOT_RUN;
}

static int cli_number(const char *opt, const char *s, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno || !(v > 0) || v > max) {
		cli_error("%s wants a positive number, not '%s'", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int cmd_call(const struct skc_table *t, int argc, char **argv)
{
	const char *name = NULL, *json_text = NULL;
	const char **kv = calloc((size_t)argc + 1, sizeof *kv);
	size_t n_kv = 0;
	double timeout_s = 0, max_out = 0;
	int rc = CLI_USAGE;
	json_t *args = NULL;
	char err[512];
	if (!kv)
		return CLI_CANNOT_RUN;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = !strcmp(a, "--arg") || !strcmp(a, "--json") || !strcmp(a, "--timeout") ||
			    !strcmp(a, "--max-output");
		if (takes && !v) {
			cli_error("option '%s' needs a value", a);
			goto out;
		}
		if (!strcmp(a, "--arg"))
			kv[n_kv++] = argv[++i];
		else if (!strncmp(a, "--arg=", 6))
			kv[n_kv++] = a + 6;
		else if (!strcmp(a, "--json"))
			json_text = argv[++i];
		else if (!strcmp(a, "--timeout")) {
			if (cli_number(a, argv[++i], 86400, &timeout_s))
				goto out;
		} else if (!strcmp(a, "--max-output")) {
			if (cli_number(a, argv[++i], (double)(1u << 30), &max_out))
				goto out;
		} else if (a[0] == '-' && a[1]) {
			cli_error("unknown option '%s' for call", a);
			goto out;
		} else if (!name)
			name = a;
		else {
			cli_error("unexpected argument '%s'; pass tool arguments with --arg NAME=VALUE", a);
			goto out;
		}
	}
	if (!name) {
		cli_error("call needs a tool name (see '%s list')", prog);
		goto out;
	}
	const struct skc_tool *tool = tbl_tool(t, name);
	if (!tool) {
		const char *near = tbl_suggest(t, name);
		if (near)
			cli_error("unknown tool '%s'; did you mean '%s'?", name, near);
		else
			cli_error("unknown tool '%s' (see '%s list')", name, prog);
		rc = CLI_UNKNOWN_TOOL;
		goto out;
	}

	if (json_text) {
		json_error_t je;
		args = json_loads(json_text, JSON_DECODE_ANY, &je);
		if (!args) {
			cli_error("--json is not valid JSON: %s (at column %d)", je.text, je.column);
			goto out;
		}
		if (!json_is_object(args)) {
			cli_error("--json must be a JSON object of arguments");
			goto out;
		}
	} else {
		args = json_object();
	}
	if (n_kv) {
		json_t *more = ra_from_kv(t, tool, kv, n_kv, err, sizeof err);
		if (!more) {
			cli_error("%s", err);
			goto out;
		}
		json_object_update(args, more);
		json_decref(more);
	}
	if (ra_validate(t, tool, args, err, sizeof err) != 0) {
		cli_error("%s: %s", skc_str(t, tool->wire_name), err);
		goto out;
	}

	rc = run_tool(t, tool, args, timeout_s, max_out);
out:
	json_decref(args);
	free(kv);
	return rc;
}

/* ---- version and doctor ---- */

static int cmd_version(const struct skc_table *t, int json)
{
	const char *digest = skc_str(t, t->digest);
	char build[17];
	snprintf(build, sizeof build, "%.16s", digest);
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "agent", json_string(skc_str(t, t->agent_name)));
		json_object_set_new(o, "build", json_string(build));
		json_object_set_new(o, "abi", json_integer(t->abi_version));
		json_object_set_new(o, "digest", json_string(digest));
		json_object_set_new(o, "skills", json_integer(t->skill_count));
		json_object_set_new(o, "tools", json_integer(t->tool_count));
		json_object_set_new(o, "defaults",
				    json_pack("{s:s?,s:s?,s:s?}", "provider",
					      t->default_provider.len ? skc_str(t, t->default_provider) : NULL,
					      "model", t->default_model.len ? skc_str(t, t->default_model) : NULL,
					      "base_url",
					      t->default_base_url.len ? skc_str(t, t->default_base_url) : NULL));
		return cli_json_out(o);
	}
	printf("%s build %s\ntable ABI %u\ndigest %s\n%u skills, %u tools\n",
	       skc_str(t, t->agent_name), build, (unsigned)t->abi_version, digest,
	       (unsigned)t->skill_count, (unsigned)t->tool_count);
	if (t->default_provider.len || t->default_model.len || t->default_base_url.len)
		printf("run defaults: provider %s, model %s, base URL %s\n",
		       t->default_provider.len ? skc_str(t, t->default_provider) : "(none)",
		       t->default_model.len ? skc_str(t, t->default_model) : "(none)",
		       t->default_base_url.len ? skc_str(t, t->default_base_url) : "(none)");
	return CLI_OK;
}

/* Look a program up the way the tool's process will: through the clean PATH. */
static int doctor_find(const char *prog_name, char *out, size_t n)
{
	if (strchr(prog_name, '/')) {
		snprintf(out, n, "%s", prog_name);
		return access(prog_name, X_OK) == 0;
	}
	char **env = rx_env_clean(NULL);
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	for (char **e = env; e && *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	int found = 0;
	const char *p = path;
	while (!found) {
		size_t len = strcspn(p, ":");
		if (len && p[0] == '/') {
			snprintf(out, n, "%.*s/%s", (int)len, p, prog_name);
			struct stat st;
			found = stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	rx_env_free(env);
	if (!found)
		snprintf(out, n, "not found in PATH");
	return found;
}

/* What confines tools here, and what each tool may do, into doc. 0 when the
 * mode is strict and a layer is missing (calls would be refused). */
static int doctor_sandbox(const struct skc_table *t, json_t *doc)
{
	static const char *const modes[] = {"on", "strict", "off"};
	const struct sb_support *s = sb_support();
	enum sb_mode mode = sb_mode();
	bool via_userns = false, pidns = sb_pidns(&via_userns);
	json_object_set_new(doc, "sandbox",
			    json_pack("{s:s,s:i,s:b,s:b,s:b,s:b}", "mode", modes[mode], "landlock_abi",
				      s->landlock_abi, "seccomp", s->seccomp, "pid_namespace", pidns,
				      "user_namespace", via_userns, "root", s->root));
	json_t *tools = json_array();
	for (uint32_t i = 0; i < t->tool_count; i++)
		json_array_append_new(tools, json_pack("{s:s,s:o}", "name",
						       skc_str(t, t->tools[i].wire_name), "permissions",
						       perm_json(t, &t->tools[i])));
	json_object_set_new(doc, "tools", tools);
	return mode != SB_MODE_STRICT || (s->landlock_abi && s->seccomp);
}

/* The same for people, after the other checks. */
static void doctor_sandbox_text(const struct skc_table *t, json_t *doc)
{
	json_t *sb = json_object_get(doc, "sandbox");
	const char *mode = json_string_value(json_object_get(sb, "mode"));
	int abi = (int)json_integer_value(json_object_get(sb, "landlock_abi"));
	bool seccomp = json_is_true(json_object_get(sb, "seccomp"));
	bool whole = abi && seccomp;
	if (!strcmp(mode, "off")) {
		printf("WARN sandbox     off (SKILLC_SANDBOX=off): tools run with the agent's rights\n");
	} else {
		char ll[32];
		snprintf(ll, sizeof ll, "Landlock ABI %d", abi);
		printf("%-4s sandbox     %s, %s, %s%s (mode %s)\n",
		       whole ? "ok" : !strcmp(mode, "strict") ? "FAIL" : "WARN",
		       abi ? ll : "no Landlock: files are not restricted",
		       seccomp ? "seccomp network filter" : "no seccomp: network is not restricted",
		       json_is_true(json_object_get(sb, "pid_namespace")) ? "pid namespace"
									 : "a subreaper (no pid namespace)",
		       json_is_true(json_object_get(sb, "user_namespace")) ? " in a user namespace" : "",
		       mode);
		if (json_is_true(json_object_get(sb, "root")))
			printf("WARN sandbox     running as root: tools keep root's file ownership (no "
			       "capabilities) and a process limit does not bind root\n");
	}
	for (uint32_t i = 0; i < t->tool_count; i++) {
		const struct skc_tool *tool = &t->tools[i];
		printf("     tool        %s\n", skc_str(t, tool->wire_name));
		perm_text(t, tool, "                 ");
	}
}

static int cmd_doctor(const struct skc_table *t, int json)
{
	json_t *doc = json_object(), *interps = json_array();
	int ok = 1;
	/* Each distinct interpreter once, with how many tools need it. */
	for (uint32_t i = 0; i < t->tool_count; i++) {
		char buf[512], where[PATH_MAX];
		const char *w[16];
		if (!inv_interpreter(t, &t->tools[i], buf, sizeof buf, w, 16))
			continue;
		int seen = 0;
		for (uint32_t j = 0; j < i && !seen; j++) {
			char b2[512];
			const char *w2[16];
			seen = inv_interpreter(t, &t->tools[j], b2, sizeof b2, w2, 16) && !strcmp(w[0], w2[0]);
		}
		if (seen)
			continue;
		unsigned users = 0;
		for (uint32_t j = i; j < t->tool_count; j++) {
			char b2[512];
			const char *w2[16];
			users += inv_interpreter(t, &t->tools[j], b2, sizeof b2, w2, 16) && !strcmp(w[0], w2[0]);
		}
		int found = doctor_find(w[0], where, sizeof where);
		ok &= found;
		json_t *o = json_object();
		json_object_set_new(o, "interpreter", json_string(w[0]));
		json_object_set_new(o, "found", json_boolean(found));
		json_object_set_new(o, "path", json_string(where));
		json_object_set_new(o, "tools", json_integer(users));
		json_array_append_new(interps, o);
		if (!json)
			printf("%-4s interpreter %-10s %s (%u tool%s)\n", found ? "ok" : "FAIL", w[0], where,
			       users, users == 1 ? "" : "s");
	}
	char root[PATH_MAX], err[512];
	int cache_ok = rc_root(root, sizeof root, err, sizeof err) == 0;
	ok &= cache_ok;
	json_object_set_new(doc, "interpreters", interps);
	json_object_set_new(doc, "cache", json_string(cache_ok ? root : err));
	json_object_set_new(doc, "cache_ok", json_boolean(cache_ok));
	/* HTTPS needs CA certificates; the static agent has no built-in store. */
	bool ca_dir;
	const char *ca_from, *ca = http_ca_source(&ca_dir, &ca_from);
	struct stat ca_st;
	int ca_ok = ca && stat(ca, &ca_st) == 0 && (ca_dir ? S_ISDIR(ca_st.st_mode) : S_ISREG(ca_st.st_mode));
	ok &= ca_ok;
	json_object_set_new(doc, "ca", ca ? json_pack("{s:s,s:b,s:s}", "path", ca, "dir", ca_dir, "from", ca_from)
				    : json_null());
	json_object_set_new(doc, "ca_ok", json_boolean(ca_ok));
	ok &= doctor_sandbox(t, doc);
	json_object_set_new(doc, "ok", json_boolean(ok));
	if (json) {
		cli_json_out(doc);
	} else {
		printf("%-4s cache       %s\n", cache_ok ? "ok" : "FAIL", cache_ok ? root : err);
		if (ca)
			printf("%-4s ca          %s (%s%s)%s\n", ca_ok ? "ok" : "FAIL", ca, ca_from,
			       ca_dir ? ", directory" : "",
			       ca_ok ? "" : ca_dir ? ": missing or not a directory" : ": missing or not a file");
		else
			printf("FAIL ca          none found: set SSL_CERT_FILE or SSL_CERT_DIR for HTTPS\n");
		doctor_sandbox_text(t, doc);
		json_decref(doc);
	}
	return ok ? CLI_OK : CLI_TOOL_FAILED;
}

/* ---- mcp ---- */

static int cli_count(const char *opt, const char *s, unsigned max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = s ? strtoul(s, &end, 10) : 0;
	if (!s || !*s || *end || errno || v < 1 || v > max || s[0] == '-') {
		cli_error("%s wants a whole number from 1 to %u, not '%s'", opt, max, s ? s : "");
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int cmd_mcp(const struct skc_table *t, int argc, char **argv)
{
	struct mcp_opts o = {0};
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf(mcp_usage, prog, MCP_DEFAULT_JOBS, MCP_DEFAULT_QUEUE, MCP_DEFAULT_PAGE);
			return CLI_OK;
		} else if (!strcmp(a, "--scoped")) {
			o.scoped = true;
		} else if (!strcmp(a, "--jobs")) {
			if (cli_count(a, v, 1024, &o.jobs))
				return CLI_USAGE;
			i++;
		} else if (!strcmp(a, "--queue")) {
			if (cli_count(a, v, 1u << 20, &o.queue))
				return CLI_USAGE;
			i++;
		} else if (!strcmp(a, "--page-size")) {
			if (cli_count(a, v, 1u << 20, &o.page_size))
				return CLI_USAGE;
			i++;
		} else {
			cli_error("unexpected argument '%s' for mcp (see '%s mcp --help')", a, prog);
			return CLI_USAGE;
		}
	}
	return srv_run(t, &o, 0, 1) == 0 ? CLI_OK : CLI_TOOL_FAILED;
}

/* ---- run and chat ---- */

static const char run_usage[] =
	"usage: %s run [options] TASK...     (TASK '-': read it from stdin)\n"
	"       %s chat [options]            (one task per line of stdin; /exit ends)\n"
	"\n"
	"Do a task with an LLM provider: the model sees every skill by name and\n"
	"description, activates the ones it needs, calls their tools (run here, several\n"
	"at once) and answers. The answer goes to stdout as it arrives; messages go to\n"
	"stderr.\n"
	"\n"
	"provider (flags override the environment, which overrides `make PROVIDER=...`):\n"
	"  --provider NAME         openai, anthropic, gemini or openai-compatible\n"
	"                          (SKILLC_PROVIDER; default: the one whose key is set)\n"
	"  --model NAME            SKILLC_MODEL; default gpt-4.1, claude-sonnet-4-5,\n"
	"                          gemini-2.5-flash (openai-compatible needs one)\n"
	"  --base-url URL          SKILLC_BASE_URL; e.g. http://127.0.0.1:11434/v1\n"
	"  keys: OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY (or GOOGLE_API_KEY);\n"
	"        SKILLC_API_KEY overrides them and is the optional openai-compatible key\n"
	"  --tool-mode MODE        native (default) or text: tools described in the\n"
	"                          prompt, calls parsed from the reply\n"
	"  --no-stream             plain requests; print the answer when it is complete\n"
	"  --no-parallel           ask for one tool call per reply\n"
	"\n"
	"conversation:\n"
	"  --session FILE          keep the conversation in FILE (JSONL, appended after\n"
	"                          every step); an existing one is resumed, and `run`\n"
	"                          without a task finishes an interrupted turn\n"
	"  --history N             send at most the last N messages (whole turns)\n"
	"  --image PATH            attach a PNG, JPEG, GIF or WebP image to the task\n"
	"\n"
	"output:\n"
	"  --json                  print one JSON result per task instead of the text\n"
	"  --usage                 token counts per request and in total, on stderr\n"
	"  --trace FILE            append JSONL events: requests, retries, tools, skills\n"
	"\n"
	"limits, per task:\n"
	"  --max-iterations N      model requests (default %d)\n"
	"  --max-tool-calls N      tool calls (default %d)\n"
	"  --max-output-tokens N   output tokens (default: no limit)\n"
	"  --max-tokens N          output tokens of one reply (default: the provider's;\n"
	"                          8192 for anthropic)\n"
	"  --max-time SECONDS      wall time (default %d)\n"
	"  --tool-timeout SECONDS  every tool's timeout (default: each tool's own)\n"
	"  --connect-timeout S, --request-timeout S, --idle-timeout S (between bytes of\n"
	"                          an answer), --retries N (default %d, 0: none)\n"
	"\n"
	"exit status: 0 answered; 2 bad usage, no provider, key or model; 6 the provider\n"
	"failed (after retries); 7 the session or trace file cannot be used; 8, 9, 10,\n"
	"11 stopped at --max-iterations, --max-tool-calls, --max-output-tokens,\n"
	"--max-time; 130 interrupted. chat exits with its last task's status.\n";

enum run_kind { R_STR, R_FLAG, R_COUNT, R_COUNT0, R_SECONDS };

static const struct run_opt {
	const char *name;
	enum run_kind kind;
	size_t off;
} run_opts[] = {
	{"--provider", R_STR, offsetof(struct ag_flags, provider)},
	{"--model", R_STR, offsetof(struct ag_flags, model)},
	{"--base-url", R_STR, offsetof(struct ag_flags, base_url)},
	{"--session", R_STR, offsetof(struct ag_flags, session)},
	{"--trace", R_STR, offsetof(struct ag_flags, trace)},
	{"--image", R_STR, offsetof(struct ag_flags, image)},
	{"--tool-mode", R_STR, offsetof(struct ag_flags, tool_mode)},
	{"--json", R_FLAG, offsetof(struct ag_flags, json)},
	{"--usage", R_FLAG, offsetof(struct ag_flags, usage)},
	{"--no-stream", R_FLAG, offsetof(struct ag_flags, no_stream)},
	{"--no-parallel", R_FLAG, offsetof(struct ag_flags, no_parallel)},
	{"--max-iterations", R_COUNT, offsetof(struct ag_flags, max_iterations)},
	{"--max-tool-calls", R_COUNT, offsetof(struct ag_flags, max_tool_calls)},
	{"--max-output-tokens", R_COUNT, offsetof(struct ag_flags, max_output_tokens)},
	{"--max-tokens", R_COUNT, offsetof(struct ag_flags, max_tokens)},
	{"--history", R_COUNT, offsetof(struct ag_flags, history)},
	{"--retries", R_COUNT0, offsetof(struct ag_flags, retries)},
	{"--max-time", R_SECONDS, offsetof(struct ag_flags, max_time)},
	{"--tool-timeout", R_SECONDS, offsetof(struct ag_flags, tool_timeout)},
	{"--connect-timeout", R_SECONDS, offsetof(struct ag_flags, connect_timeout)},
	{"--request-timeout", R_SECONDS, offsetof(struct ag_flags, request_timeout)},
	{"--idle-timeout", R_SECONDS, offsetof(struct ag_flags, idle_timeout)},
};

/* One option of run/chat at argv[*i]: 1 taken, 0 not an option, -1 bad. */
static int run_option(int argc, char **argv, int *i, struct ag_flags *f)
{
	const char *a = argv[*i];
	for (size_t k = 0; k < sizeof run_opts / sizeof run_opts[0]; k++) {
		const struct run_opt *o = &run_opts[k];
		size_t n = strlen(o->name);
		if (strncmp(a, o->name, n) || (a[n] && a[n] != '='))
			continue;
		char *field = (char *)f + o->off;
		if (o->kind == R_FLAG) {
			if (a[n]) {
				cli_error("option '%s' takes no value", o->name);
				return -1;
			}
			*(bool *)field = true;
			return 1;
		}
		const char *v = a[n] ? a + n + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!v) {
			cli_error("option '%s' needs a value", o->name);
			return -1;
		}
		unsigned u;
		double d;
		switch (o->kind) {
		case R_STR:
			*(const char **)field = v;
			return 1;
		case R_COUNT:
			if (cli_count(o->name, v, 100000000, &u))
				return -1;
			*(long *)field = (long)u;
			return 1;
		case R_COUNT0:
			if (!strcmp(v, "0")) {
				*(long *)field = 0;
				return 1;
			}
			if (cli_count(o->name, v, 100, &u))
				return -1;
			*(long *)field = (long)u;
			return 1;
		case R_SECONDS:
			if (cli_number(o->name, v, 1e6, &d))
				return -1;
			*(double *)field = d;
			return 1;
		case R_FLAG:
			break;
		}
	}
	return 0;
}

/* The whole of stdin, for `run -`: NULL when it cannot be read. */
static char *read_stdin(void)
{
	struct jbuf b = {0};
	char chunk[1 << 16];
	size_t n;
	jb_put(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		jb_put(&b, chunk, n);
	if (ferror(stdin))
		jb_release(&b);
	return jb_take(&b, NULL);
}

static int cmd_agent(const struct skc_table *t, int argc, char **argv, bool chat)
{
	struct ag_flags f = {.retries = -1};
	char **words = calloc((size_t)argc + 1, sizeof *words);
	int nwords = 0;
	if (!words)
		return CLI_CANNOT_RUN;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf(run_usage, prog, prog, AG_DEFAULT_ITERATIONS, AG_DEFAULT_TOOL_CALLS,
			       AG_DEFAULT_SECONDS, HTTP_DEFAULT_RETRIES);
			free(words);
			return CLI_OK;
		}
		int r = a[0] == '-' && a[1] ? run_option(argc, argv, &i, &f) : 0;
		if (r < 0) {
			free(words);
			return CLI_USAGE;
		}
		if (r)
			continue;
		if (a[0] == '-' && a[1] && strcmp(a, "--")) {
			cli_error("unknown option '%s' (see '%s run --help')", a, prog);
			free(words);
			return CLI_USAGE;
		}
		if (!strcmp(a, "--")) {
			while (++i < argc)
				words[nwords++] = argv[i];
			break;
		}
		words[nwords++] = argv[i];
	}
	if (chat && nwords) {
		cli_error("chat reads its tasks from stdin; unexpected argument '%s'", words[0]);
		free(words);
		return CLI_USAGE;
	}
	char *task = NULL;
	if (nwords == 1 && !strcmp(words[0], "-")) {
		task = read_stdin();
	} else if (nwords) {
		size_t n = 0;
		for (int i = 0; i < nwords; i++)
			n += strlen(words[i]) + 1;
		task = calloc(n + 1, 1);
		for (int i = 0; task && i < nwords; i++) {
			if (i)
				strcat(task, " ");
			strcat(task, words[i]);
		}
	}
	free(words);
	if (nwords && !task) {
		cli_error("cannot read the task: %s", ferror(stdin) ? strerror(errno) : "out of memory");
		return CLI_USAGE;
	}
	if (!chat && !task && !f.session) {
		cli_error("run needs a task (see '%s run --help')", prog);
		return CLI_USAGE;
	}
	struct ag_config c;
	char err[600];
	if (ag_resolve(t, &f, getenv, &c, err, sizeof err)) {
		cli_error("%s", err);
		free(task);
		return AG_USAGE;
	}
	struct agent *a = ag_new(t, &c, err, sizeof err);
	if (!a) {
		cli_error("%s", err);
		ag_config_release(&c);
		free(task);
		return AG_FILES;
	}
	int rc = AG_OK;
	if (!chat) {
		rc = ag_turn(a, task, f.image);
	} else {
		const char *image = f.image;
		bool tty = isatty(0);
		if (ag_unfinished(a))
			rc = ag_turn(a, NULL, NULL);
		char *line = NULL;
		size_t cap = 0;
		while (rc != AG_FILES && rc != AG_INTERRUPTED) {
			if (tty)
				fputs("> ", stderr);
			ssize_t n = getline(&line, &cap, stdin);
			if (n < 0)
				break;
			while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (!n)
				continue;
			if (!strcmp(line, "/exit") || !strcmp(line, "/quit"))
				break;
			rc = ag_turn(a, line, image);
			image = NULL;
		}
		free(line);
	}
	ag_finish(a, rc);
	ag_free(a);
	ag_config_release(&c);
	free(task);
	return rc;
}

/* ---- memory ---- */

static const char memory_usage[] =
	"usage: %s memory <command>\n"
	"\n"
	"Inspect and edit the agent's persistent memory: JSON values under keys,\n"
	"one namespace per skill, which tools reach through the memory/ methods.\n"
	"\n"
	"  path                               where the store is (SKILLC_MEMORY=PATH|off)\n"
	"  list [SKILL]                       keys per skill, as JSON\n"
	"  get SKILL KEY                      a value, as JSON\n"
	"  set SKILL KEY JSON [--ttl SECONDS] store a value; it expires after SECONDS\n"
	"  delete SKILL KEY                   remove a key\n"
	"  clear [SKILL]                      remove every key of SKILL, or of all skills;\n"
	"                                     prints {\"deleted\": N}\n"
	"\n"
	"exit status: 0 success, 1 no such key (get, delete), 2 bad usage or arguments,\n"
	"5 the store cannot be used (off, unreadable, full).\n";

/* The store for a command; NULL (and *absent) when reading one that does
 * not exist yet, which must not be created by a read. */
static struct mem_store *memory_open(const struct skc_table *t, bool write, bool *absent)
{
	char path[PATH_MAX], err[512];
	struct mem_store *s = NULL;
	*absent = false;
	int r = mem_path(t, path, sizeof path, err, sizeof err);
	if (r == 1) {
		cli_error("memory is off (SKILLC_MEMORY=off)");
		return NULL;
	}
	if (r < 0) {
		cli_error("%s", err);
		return NULL;
	}
	struct stat st;
	if (!write && stat(path, &st) < 0 && errno == ENOENT) {
		*absent = true;
		return NULL;
	}
	if (mem_default(t, &s, err, sizeof err) < 0)
		cli_error("%s", err);
	return s;
}

static int memory_dump(json_t *v)
{
	int rc = json_dumpf(v, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY) == 0 ? CLI_OK : CLI_CORRUPT;
	fputc('\n', stdout);
	json_decref(v);
	return rc;
}

/* A mem_* status as an exit status. */
static int memory_fail(struct mem_store *s, int rc)
{
	cli_error("%s", mem_error(s));
	return rc == MEM_EINVAL ? CLI_USAGE : CLI_CANNOT_RUN;
}

static int memory_list(const struct skc_table *t, const char *skill)
{
	bool absent;
	struct mem_store *s = memory_open(t, false, &absent);
	json_t *out = json_object(), *names = NULL;
	if (absent) {
		if (skill)
			json_object_set_new(out, skill, json_array());
		return memory_dump(out);
	}
	if (!s) {
		json_decref(out);
		return CLI_CANNOT_RUN;
	}
	int rc = skill ? 0 : mem_namespaces(s, &names);
	if (skill)
		names = json_pack("[s]", skill);
	for (size_t i = 0; rc == 0 && i < json_array_size(names); i++) {
		const char *ns = json_string_value(json_array_get(names, i));
		json_t *keys;
		if ((rc = mem_list(s, ns, &keys)) == 0)
			json_object_set_new(out, ns, keys);
	}
	json_decref(names);
	if (rc < 0) {
		json_decref(out);
		return memory_fail(s, rc);
	}
	return memory_dump(out);
}

static int cmd_memory(const struct skc_table *t, int argc, char **argv)
{
	const char *pos[4] = {0}, *ttl_arg = NULL;
	int npos = 0;
	bool opts = true;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		/* Only "--" options: a JSON argument may be -1. */
		if (opts && !strcmp(a, "--help")) {
			printf(memory_usage, prog);
			return CLI_OK;
		} else if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (opts && !strcmp(a, "--ttl")) {
			if (++i == argc) {
				cli_error("--ttl needs a number of seconds");
				return CLI_USAGE;
			}
			ttl_arg = argv[i];
		} else if (opts && !strncmp(a, "--", 2)) {
			cli_error("unknown option '%s' for memory (see '%s memory --help')", a, prog);
			return CLI_USAGE;
		} else if (npos == 4) {
			cli_error("unexpected argument '%s' for memory", a);
			return CLI_USAGE;
		} else {
			pos[npos++] = a;
		}
	}
	static const struct {
		const char *name;
		int min, max;
	} cmds[] = {{"path", 1, 1}, {"list", 1, 2},	  {"get", 3, 3},
		    {"set", 4, 4},  {"delete", 3, 3}, {"clear", 1, 2}};
	const char *cmd = pos[0];
	size_t c = 0;
	while (cmd && c < sizeof cmds / sizeof *cmds && strcmp(cmd, cmds[c].name))
		c++;
	if (!cmd || c == sizeof cmds / sizeof *cmds) {
		if (cmd)
			cli_error("unknown memory command '%s' (see '%s memory --help')", cmd, prog);
		else
			fprintf(stderr, memory_usage, prog);
		return CLI_USAGE;
	}
	if (npos < cmds[c].min || npos > cmds[c].max) {
		cli_error("wrong number of arguments for memory %s (see '%s memory --help')", cmd,
			  prog);
		return CLI_USAGE;
	}
	if (ttl_arg && strcmp(cmd, "set")) {
		cli_error("--ttl is only for memory set");
		return CLI_USAGE;
	}
	const char *skill = pos[1], *key = pos[2];
	if (!strcmp(cmd, "path")) {
		char path[PATH_MAX], err[512];
		int r = mem_path(t, path, sizeof path, err, sizeof err);
		if (r != 0) {
			cli_error("%s", r == 1 ? "memory is off (SKILLC_MEMORY=off)" : err);
			return CLI_CANNOT_RUN;
		}
		printf("%s\n", path);
		return CLI_OK;
	}
	if (!strcmp(cmd, "list"))
		return memory_list(t, skill);
	uint64_t ttl = 0;
	if (!strcmp(cmd, "set")) {
		if (!tbl_skill(t, skill)) {
			cli_error("unknown skill '%s' (see '%s list')", skill, prog);
			return CLI_USAGE;
		}
		if (ttl_arg) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(ttl_arg, &end, 10);
			if (ttl_arg[0] < '0' || ttl_arg[0] > '9' || *end || errno || v == 0 ||
			    v > MEM_TTL_MAX) {
				cli_error("--ttl wants whole seconds from 1 to %u, not '%s'", MEM_TTL_MAX,
					  ttl_arg);
				return CLI_USAGE;
			}
			ttl = v;
		}
	}
	bool absent, write = !strcmp(cmd, "set");
	struct mem_store *s = memory_open(t, write, &absent);
	if (absent) {
		if (!strcmp(cmd, "clear"))
			return memory_dump(json_pack("{s:i}", "deleted", 0));
		cli_error("no key '%s' in the memory of '%s'", key, skill);
		return CLI_TOOL_FAILED;
	}
	if (!s)
		return CLI_CANNOT_RUN;
	int rc;
	if (!strcmp(cmd, "get")) {
		char *text;
		if ((rc = mem_get(s, skill, key, &text)) < 0)
			return memory_fail(s, rc);
		if (rc == MEM_ABSENT) {
			cli_error("no key '%s' in the memory of '%s'", key, skill);
			return CLI_TOOL_FAILED;
		}
		json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		free(text);
		return v ? memory_dump(v) : CLI_CORRUPT;
	}
	if (!strcmp(cmd, "set")) {
		const char *json = pos[3];
		rc = mem_set(s, skill, key, json, strlen(json), ttl);
		return rc < 0 ? memory_fail(s, rc) : CLI_OK;
	}
	if (!strcmp(cmd, "delete")) {
		bool deleted;
		if ((rc = mem_delete(s, skill, key, &deleted)) < 0)
			return memory_fail(s, rc);
		if (!deleted) {
			cli_error("no key '%s' in the memory of '%s'", key, skill);
			return CLI_TOOL_FAILED;
		}
		return CLI_OK;
	}
	uint64_t n;
	if ((rc = mem_clear(s, skill, &n)) < 0)
		return memory_fail(s, rc);
	return memory_dump(json_pack("{s:I}", "deleted", (json_int_t)n));
}

static int has_flag(int argc, char **argv, const char *flag)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], flag))
			return 1;
	return 0;
}

/* Commands that take only --json: anything else is a usage error. */
static int only_json(const char *cmd, int argc, char **argv, int positional)
{
	int seen = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			continue;
		if (argv[i][0] != '-' && seen < positional) {
			seen++;
			continue;
		}
		cli_error("unexpected argument '%s' for %s", argv[i], cmd);
		return 0;
	}
	if (seen < positional) {
		cli_error("%s needs a name (see '%s list')", cmd, prog);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	prog = slash ? slash + 1 : argv[0];
	const struct skc_table *t = skc_table();
	const char *bad = tbl_check(t);
	if (bad) {
		cli_error("%s", bad);
		return CLI_CORRUPT;
	}
	/* A closed stdout must give an error, not kill us silently. */
	signal(SIGPIPE, SIG_IGN);
	/* Tools run as the same user: keep them out of our memory and
	 * /proc/<pid>/environ, where provider keys live. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (argc < 2) {
		fprintf(stderr, usage, prog, prog, prog, prog, prog, prog);
		return CLI_USAGE;
	}
	const char *cmd = argv[1];
	int n = argc - 2;
	char **rest = argv + 2;
	int rc;
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		printf(usage, prog, prog, prog, prog, prog, prog);
		rc = CLI_OK;
	} else if (!strcmp(cmd, "list")) {
		rc = only_json(cmd, n, rest, 0) ? cmd_list(t, has_flag(n, rest, "--json")) : CLI_USAGE;
	} else if (!strcmp(cmd, "show")) {
		const char *name = NULL;
		for (int i = 0; i < n; i++)
			if (rest[i][0] != '-')
				name = rest[i];
		rc = only_json(cmd, n, rest, 1) ? cmd_show(t, name, has_flag(n, rest, "--json"))
						: CLI_USAGE;
	} else if (!strcmp(cmd, "call")) {
		rc = cmd_call(t, n, rest);
	} else if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		rc = only_json(cmd, n, rest, 0) ? cmd_version(t, has_flag(n, rest, "--json"))
						: CLI_USAGE;
	} else if (!strcmp(cmd, "mcp")) {
		rc = cmd_mcp(t, n, rest);
	} else if (!strcmp(cmd, "run") || !strcmp(cmd, "chat")) {
		rc = cmd_agent(t, n, rest, cmd[0] == 'c');
	} else if (!strcmp(cmd, "memory")) {
		rc = cmd_memory(t, n, rest);
		mem_default_close();
	} else if (!strcmp(cmd, "doctor")) {
		rc = only_json(cmd, n, rest, 0) ? cmd_doctor(t, has_flag(n, rest, "--json"))
						: CLI_USAGE;
	} else {
		cli_error("unknown command '%s' (see '%s help')", cmd, prog);
		rc = CLI_USAGE;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("cannot write output: %s", strerror(errno));
		if (rc == CLI_OK)
			rc = CLI_TOOL_FAILED;
	}
	return rc;
}
