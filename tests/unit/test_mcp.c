/*
 * Raw-wire tests of `agent mcp`: bytes in, lines out. Each test starts the
 * probe agent's server on pipes, writes exactly what a client (or a broken
 * client) would, and checks every line that comes back.
 */
#define _GNU_SOURCE /* asprintf */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "wire.h"

#define INIT_2025 \
	"{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":" \
	"\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"wire\",\"version\":\"1\"}}}\n"
#define META_2026 \
	"\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"," \
	"\"io.modelcontextprotocol/clientCapabilities\":{}}"


static char *cache_dir;

static void setup(void)
{
	cache_dir = tu_tmpdir();
	setenv("XDG_CACHE_HOME", cache_dir, 1);
}

static void teardown(void)
{
	tu_rmdir(cache_dir);
}

static void initialize(struct wire *w)
{
	wire_puts(w, INIT_2025);
	json_t *r = wire_reply(w);
	ck_assert_str_eq(json_string_value(json_object_get(result_of(r), "protocolVersion")),
			 "2025-11-25");
	json_decref(r);
	wire_puts(w, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
}

/* ---- error codes ---- */

static const struct {
	const char *line;
	int code;
	const char *id; /* the id echoed, as JSON text */
} bad[] = {
	{"garbage", -32700, "null"},
	{"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", -32700, "null"},
	{"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} trailing", -32700, "null"},
	{"\"\\u0000\"", -32700, "null"},
	{"[1,2]", -32600, "null"},
	{"[]", -32600, "null"},
	{"42", -32600, "null"},
	{"{}", -32600, "null"},
	{"{\"id\":1,\"method\":\"ping\"}", -32600, "1"},
	{"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", -32600, "1"},
	{"{\"jsonrpc\":\"2.0\",\"id\":2}", -32600, "2"},
	{"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":7}", -32600, "3"},
	{"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", -32600, "null"},
	{"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", -32600, "null"},
	{"{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}", -32600, "null"},
	{"{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\"}}",
	 -32600, "\"x\""},
	{"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"nope\"}", -32601, "4"},
	{"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":[1]}", -32602, "5"},
	{"{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\"}", -32602, "6"},
	{"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{}}", -32602, "7"},
	{"{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__nope\"}}",
	 -32602, "8"},
	{"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__echo_json\",\"arguments\":[]}}",
	 -32602, "9"},
	{"{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/list\",\"params\":{\"cursor\":\"bogus\"}}",
	 -32602, "10"},
	{"{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/list\",\"params\":{\"cursor\":\"t:999999\"}}",
	 -32602, "11"},
	{"{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/list\",\"params\":{\"cursor\":\"t:0\"}}",
	 -32602, "11"},
	{"{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"resources/templates/list\",\"params\":{\"cursor\":\"u:1\"}}",
	 -32602, "11"},
	{"{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"resources/read\",\"params\":{\"uri\":\"skill://probe/nope\"}}",
	 -32002, "12"},
	{"{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///etc/passwd\"}}",
	 -32002, "13"},
	{"{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}",
	 -32602, "14"},
	{"{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"prompts/get\",\"params\":{\"name\":\"nope\"}}",
	 -32602, "15"},
	{"{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"tools/list\",\"params\":\"x\"}", -32602, "\"s\""},
	{"{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"tools/list\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"1999-01-01\"}}}",
	 -32022, "16"},
};

START_TEST(test_error_codes)
{
	struct wire w;
	wire_open(&w, NULL);
	initialize(&w);
	char *line;
	ck_assert_int_ge(asprintf(&line, "%s\n", bad[_i].line), 0);
	wire_puts(&w, line);
	free(line);
	/* A ping after it shows the error was exactly one line. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":\"after\",\"method\":\"ping\"}\n");
	json_t *r = wire_recv(&w);
	ck_assert_msg(error_code(r) == bad[_i].code, "%s: code %lld, want %d (%s)", bad[_i].line,
		      (long long)error_code(r), bad[_i].code, error_message(r));
	ck_assert_msg(error_message(r) && *error_message(r), "an error says what was wrong");
	char *id = json_dumps(json_object_get(r, "id"), JSON_ENCODE_ANY);
	ck_assert_str_eq(id, bad[_i].id);
	free(id);
	ck_assert_str_eq(json_string_value(json_object_get(r, "jsonrpc")), "2.0");
	json_decref(r);
	r = wire_recv(&w);
	ck_assert_str_eq(json_string_value(json_object_get(r, "id")), "after");
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* ---- lifecycle ---- */

static const struct {
	const char *asked, *answered;
} versions[] = {
	{"2025-11-25", "2025-11-25"}, {"2025-06-18", "2025-06-18"}, {"2025-03-26", "2025-03-26"},
	{"2024-11-05", "2024-11-05"}, {"2099-01-01", "2025-11-25"}, {"2026-07-28", "2025-11-25"},
};

START_TEST(test_negotiation)
{
	struct wire w;
	wire_open(&w, NULL);
	char *line;
	ck_assert_int_ge(asprintf(&line,
				  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
				  "{\"protocolVersion\":\"%s\",\"capabilities\":{}}}\n",
				  versions[_i].asked),
			 0);
	wire_puts(&w, line);
	free(line);
	json_t *r = wire_reply(&w), *res = result_of(r);
	ck_assert_str_eq(json_string_value(json_object_get(res, "protocolVersion")),
			 versions[_i].answered);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(res, "serverInfo"), "name")),
			 "e2e");
	ck_assert(json_is_object(json_object_get(json_object_get(res, "capabilities"), "tools")));
	ck_assert(json_is_object(json_object_get(json_object_get(res, "capabilities"), "prompts")));
	ck_assert(json_is_object(json_object_get(json_object_get(res, "capabilities"), "resources")));
	ck_assert(json_is_object(json_object_get(json_object_get(res, "capabilities"), "logging")));
	ck_assert_ptr_null(json_object_get(res, "resultType"));
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_before_initialize)
{
	struct wire w;
	wire_open(&w, NULL);
	/* ping is allowed at any time; other requests need the handshake. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__fail\"}}\n");
	json_t *r = wire_reply(&w);
	ck_assert(json_is_object(result_of(r)));
	json_decref(r);
	for (int i = 2; i <= 3; i++) {
		r = wire_reply(&w);
		ck_assert_int_eq(error_code(r), -32600);
		ck_assert_ptr_nonnull(strstr(error_message(r), "initialize"));
		json_decref(r);
	}
	initialize(&w);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}\n");
	r = wire_reply(&w);
	ck_assert(json_is_array(json_object_get(result_of(r), "tools")));
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_notifications_silent)
{
	struct wire w;
	wire_open(&w, NULL);
	initialize(&w);
	/* No reply to notifications (even unknown or malformed ones) or to responses. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"}\n"
		      "{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\"}\n"
		      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":99}}\n"
		      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":7}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":{\"code\":1,\"message\":\"x\"}}\n"
		      "\n\r\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}\r\n");
	json_t *r = wire_recv(&w);
	ck_assert_str_eq(json_string_value(json_object_get(r, "id")), "p");
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* ---- the stateless style ---- */

START_TEST(test_modern_style)
{
	struct wire w;
	wire_open(&w, NULL);
	/* No handshake: discovery, then requests that carry their version. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{" META_2026 "}}\n");
	json_t *r = wire_reply(&w), *res = result_of(r);
	ck_assert_str_eq(json_string_value(json_object_get(res, "resultType")), "complete");
	json_t *sv = json_object_get(res, "supportedVersions");
	ck_assert_uint_eq(json_array_size(sv), 5);
	ck_assert_str_eq(json_string_value(json_array_get(sv, 0)), "2026-07-28");
	ck_assert(json_is_object(json_object_get(res, "capabilities")));
	ck_assert(json_is_integer(json_object_get(res, "ttlMs")));
	ck_assert(json_is_string(json_object_get(res, "cacheScope")));
	json_t *si = json_object_get(json_object_get(res, "_meta"), "io.modelcontextprotocol/serverInfo");
	ck_assert_str_eq(json_string_value(json_object_get(si, "name")), "e2e");
	json_decref(r);

	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{" META_2026 "}}\n");
	r = wire_reply(&w);
	res = result_of(r);
	ck_assert_str_eq(json_string_value(json_object_get(res, "resultType")), "complete");
	ck_assert_uint_gt(json_array_size(json_object_get(res, "tools")), 10);
	ck_assert(json_is_integer(json_object_get(res, "ttlMs")));
	ck_assert(json_is_object(json_object_get(res, "_meta")));
	json_decref(r);

	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
		      "\"probe__echo_json\",\"arguments\":{\"text\":\"hi\"}," META_2026 "}}\n");
	r = wire_reply(&w);
	res = result_of(r);
	ck_assert_str_eq(json_string_value(json_object_get(res, "resultType")), "complete");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
		json_array_get(json_object_get(res, "content"), 0), "text")), "\"text\": \"hi\""));
	json_decref(r);

	/* An unsupported version names the supported ones. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
		      "\"io.modelcontextprotocol/protocolVersion\":\"2030-01-01\","
		      "\"io.modelcontextprotocol/clientCapabilities\":{}}}}\n");
	r = wire_reply(&w);
	ck_assert_int_eq(error_code(r), -32022);
	json_t *data = json_object_get(json_object_get(r, "error"), "data");
	ck_assert_str_eq(json_string_value(json_object_get(data, "requested")), "2030-01-01");
	ck_assert_uint_eq(json_array_size(json_object_get(data, "supported")), 5);
	json_decref(r);

	/* The client's capabilities are required; the handshake-only methods are gone. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
		      "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"," META_2026 "}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
		      "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
		      "\"io.modelcontextprotocol/clientCapabilities\":{},"
		      "\"io.modelcontextprotocol/logLevel\":\"loud\"}}}\n");
	static const int codes[] = {-32602, -32601, -32602};
	for (int i = 0; i < 3; i++) {
		r = wire_reply(&w);
		ck_assert_int_eq(error_code(r), codes[i]);
		json_decref(r);
	}
	/* The handshake style still works in the same process. */
	initialize(&w);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}\n");
	r = wire_reply(&w);
	ck_assert_ptr_null(json_object_get(result_of(r), "resultType"));
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_modern_logging)
{
	struct wire w;
	wire_open(&w, NULL);
	/* Log messages go only to a request that asked for them, before its reply. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
		      "\"probe__fail\",\"arguments\":{},\"_meta\":{"
		      "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
		      "\"io.modelcontextprotocol/clientCapabilities\":{},"
		      "\"io.modelcontextprotocol/logLevel\":\"warning\"}}}\n");
	json_t *n = wire_recv(&w);
	ck_assert_str_eq(json_string_value(json_object_get(n, "method")), "notifications/message");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(n, "params"), "level")),
			 "warning");
	json_decref(n);
	json_t *r = wire_recv(&w);
	ck_assert(json_is_true(json_object_get(result_of(r), "isError")));
	json_decref(r);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
		      "\"probe__fail\",\"arguments\":{}," META_2026 "}}\n");
	r = wire_recv(&w);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 2);
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* ---- lists ---- */

static size_t count_tools(const char *const *args, const char *extra_params)
{
	struct wire w;
	wire_open(&w, args);
	initialize(&w);
	size_t seen = 0;
	char cursor[64] = "";
	json_t *names = json_object();
	for (int page = 0; page < 100; page++) {
		char *line;
		ck_assert_int_ge(asprintf(&line,
					  "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/list\",\"params\":{%s%s%s%s}}\n",
					  page, cursor[0] ? "\"cursor\":\"" : "", cursor,
					  cursor[0] ? "\"" : "", extra_params ? extra_params : ""),
				 0);
		wire_puts(&w, line);
		free(line);
		json_t *r = wire_reply(&w), *res = result_of(r), *tool;
		size_t i;
		json_array_foreach(json_object_get(res, "tools"), i, tool) {
			const char *name = json_string_value(json_object_get(tool, "name"));
			ck_assert_ptr_nonnull(name);
			ck_assert_msg(!json_object_get(names, name), "'%s' listed twice", name);
			json_object_set_new(names, name, json_true());
			json_t *schema = json_object_get(tool, "inputSchema");
			ck_assert_str_eq(json_string_value(json_object_get(schema, "type")), "object");
			ck_assert(json_is_string(json_object_get(tool, "description")));
			ck_assert(json_is_string(json_object_get(tool, "title")));
			if (!strcmp(name, "probe__structured")) {
				ck_assert_str_eq(json_string_value(json_object_get(tool, "title")),
						 "Structured result");
				ck_assert(json_is_true(json_object_get(json_object_get(tool, "annotations"),
								       "readOnlyHint")));
				ck_assert_str_eq(json_string_value(json_object_get(
							 json_object_get(tool, "outputSchema"), "type")),
						 "object");
			} else if (!strcmp(name, "probe__fail")) {
				ck_assert_ptr_null(json_object_get(tool, "outputSchema"));
				ck_assert_ptr_null(json_object_get(tool, "annotations"));
				ck_assert_str_eq(json_string_value(json_object_get(tool, "title")), "Fail");
			} else if (!strcmp(name, "probe__segv")) {
				/* No parameters: an empty object and nothing else. */
				json_t *want = json_pack("{s:s,s:b}", "type", "object", "additionalProperties", 0);
				char *got = json_dumps(schema, JSON_SORT_KEYS);
				ck_assert_msg(json_equal(schema, want), "schema %s", got);
				free(got);
				json_decref(want);
			}
			seen++;
		}
		const char *next = json_string_value(json_object_get(res, "nextCursor"));
		if (!next) {
			json_decref(r);
			break;
		}
		snprintf(cursor, sizeof cursor, "%s", next);
		json_decref(r);
	}
	json_decref(names);
	ck_assert_int_eq(wire_close(&w), 0);
	return seen;
}

START_TEST(test_pagination)
{
	static const char *const page3[] = {"--page-size", "3", NULL};
	static const char *const page1[] = {"--page-size", "1", NULL};
	size_t all = count_tools(NULL, NULL);
	ck_assert_uint_gt(all, 10);
	ck_assert_uint_eq(count_tools(page3, NULL), all);
	ck_assert_uint_eq(count_tools(page1, NULL), all);
}
END_TEST

START_TEST(test_prompts_resources)
{
	static const char *const page2[] = {"--page-size", "2", NULL};
	struct wire w;
	wire_open(&w, page2);
	initialize(&w);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/list\"}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"prompts/get\",\"params\":{\"name\":\"probe\"}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/templates/list\"}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/read\",\"params\":{\"uri\":\"skill://probe/SKILL.md\"}}\n");
	json_t *r = wire_reply(&w), *res = result_of(r);
	json_t *p = json_array_get(json_object_get(res, "prompts"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(p, "name")), "probe");
	json_decref(r);
	r = wire_reply(&w);
	json_t *msg = json_array_get(json_object_get(result_of(r), "messages"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(msg, "role")), "user");
	const char *body = json_string_value(json_object_get(json_object_get(msg, "content"), "text"));
	ck_assert_ptr_nonnull(body);
	ck_assert_ptr_null(strstr(body, "name: probe")); /* the body, not the frontmatter */
	json_decref(r);
	r = wire_reply(&w);
	json_t *tpl = json_array_get(json_object_get(result_of(r), "resourceTemplates"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(tpl, "uriTemplate")), "skill://{skill}/{+path}");
	json_decref(r);
	r = wire_reply(&w);
	json_t *c = json_array_get(json_object_get(result_of(r), "contents"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "mimeType")), "text/markdown");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(c, "text")), "name: probe"));
	json_decref(r);

	/* Binary content is a base64 blob; names are percent-encoded in URIs. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"resources/read\",\"params\":{\"uri\":\"skill://probe/assets/blob.bin\"}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/read\",\"params\":{\"uri\":\"skill://probe/assets/two%20words%25.txt\"}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"resources/read\",\"params\":{\"uri\":\"skill://probe/assets/two%2\"}}\n");
	r = wire_reply(&w);
	c = json_array_get(json_object_get(result_of(r), "contents"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "mimeType")), "application/octet-stream");
	ck_assert_ptr_null(json_object_get(c, "text"));
	const char *blob = json_string_value(json_object_get(c, "blob"));
	ck_assert_uint_eq(strlen(blob), 344); /* 256 bytes */
	ck_assert(!strncmp(blob, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g", 44));
	ck_assert(!strcmp(blob + 336, "/P3+/w=="));
	json_decref(r);
	r = wire_reply(&w);
	c = json_array_get(json_object_get(result_of(r), "contents"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "uri")), "skill://probe/assets/two%20words%25.txt");
	ck_assert_str_eq(json_string_value(json_object_get(c, "text")), "caf\xc3\xa9\n");
	ck_assert_str_eq(json_string_value(json_object_get(c, "mimeType")), "text/plain");
	json_decref(r);
	r = wire_reply(&w);
	ck_assert_int_eq(error_code(r), -32002);
	json_decref(r);

	/* Every listed resource reads back, page by page. */
	char cursor[64] = "";
	size_t n = 0;
	for (int page = 0; page < 100; page++) {
		char *line;
		ck_assert_int_ge(asprintf(&line, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"resources/list\",\"params\":{%s%s%s}}\n",
					  100 + page, cursor[0] ? "\"cursor\":\"" : "", cursor, cursor[0] ? "\"" : ""),
				 0);
		wire_puts(&w, line);
		free(line);
		r = wire_reply(&w);
		json_t *res2 = result_of(r), *item;
		size_t i;
		ck_assert_uint_le(json_array_size(json_object_get(res2, "resources")), 2);
		json_array_foreach(json_object_get(res2, "resources"), i, item) {
			const char *uri = json_string_value(json_object_get(item, "uri"));
			ck_assert_msg(uri && !strncmp(uri, "skill://probe/", 14), "uri %s", uri ? uri : "?");
			ck_assert(json_is_string(json_object_get(item, "mimeType")));
			ck_assert(json_is_string(json_object_get(item, "name")));
			ck_assert_int_ge(asprintf(&line, "{\"jsonrpc\":\"2.0\",\"id\":\"r\",\"method\":\"resources/read\",\"params\":{\"uri\":\"%s\"}}\n", uri), 0);
			wire_puts(&w, line);
			free(line);
			json_t *rr = wire_reply(&w);
			json_t *cc = json_array_get(json_object_get(result_of(rr), "contents"), 0);
			ck_assert_str_eq(json_string_value(json_object_get(cc, "uri")), uri);
			ck_assert(json_is_string(json_object_get(cc, "text")) ||
				  json_is_string(json_object_get(cc, "blob")));
			json_decref(rr);
			n++;
		}
		const char *next = json_string_value(json_object_get(res2, "nextCursor"));
		snprintf(cursor, sizeof cursor, "%s", next ? next : "");
		json_decref(r);
		if (!next)
			break;
	}
	ck_assert_uint_gt(n, 10);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* ---- tool calls ---- */

static json_t *call(struct wire *w, const char *id, const char *name, const char *args)
{
	char *line;
	ck_assert_int_ge(asprintf(&line, "{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"method\":\"tools/call\","
					 "\"params\":{\"name\":\"%s\",\"arguments\":%s}}\n",
				  id, name, args),
			 0);
	wire_puts(w, line);
	free(line);
	return wire_reply(w);
}

static const char *first_text(json_t *reply)
{
	json_t *content = json_object_get(result_of(reply), "content");
	return json_string_value(json_object_get(json_array_get(content, 0), "text"));
}

static const char *all_text(json_t *reply, char *buf, size_t n)
{
	json_t *content = json_object_get(result_of(reply), "content"), *b;
	size_t i, k = 0;
	buf[0] = '\0';
	json_array_foreach(content, i, b) {
		const char *t = json_string_value(json_object_get(b, "text"));
		if (t && k < n)
			k += (size_t)snprintf(buf + k, n - k, "%s\n", t);
	}
	return buf;
}

static bool is_error(json_t *reply)
{
	return json_is_true(json_object_get(result_of(reply), "isError"));
}

START_TEST(test_call_results)
{
	struct wire w;
	static char text[1 << 18];
	wire_open(&w, NULL);
	initialize(&w);
	json_t *r = call(&w, "a", "probe__echo_json", "{\"text\":\"hi\",\"times\":2}");
	ck_assert(!is_error(r));
	ck_assert_ptr_nonnull(strstr(first_text(r), "\"text\": \"hihi\""));
	json_decref(r);

	r = call(&w, "b", "probe__echo_json", "{\"times\":2}");
	ck_assert(is_error(r));
	ck_assert_ptr_nonnull(strstr(first_text(r), "'text'"));
	json_decref(r);

	r = call(&w, "c", "probe__echo_json", "{\"text\":\"x\",\"nope\":1}");
	ck_assert(is_error(r));
	ck_assert_ptr_nonnull(strstr(first_text(r), "'nope'"));
	json_decref(r);

	r = call(&w, "d", "probe__fail", "{}");
	ck_assert(is_error(r));
	all_text(r, text, sizeof text);
	ck_assert_ptr_nonnull(strstr(text, "partial output"));
	ck_assert_ptr_nonnull(strstr(text, "exited with status 3"));
	ck_assert_ptr_nonnull(strstr(text, "something went wrong"));
	json_decref(r);

	r = call(&w, "e", "probe__segv", "{}");
	ck_assert(is_error(r));
	ck_assert_ptr_nonnull(strstr(all_text(r, text, sizeof text), "signal"));
	json_decref(r);

	r = call(&w, "f", "probe__sleepy", "{}");
	ck_assert(is_error(r));
	ck_assert_ptr_nonnull(strstr(all_text(r, text, sizeof text), "timed out"));
	json_decref(r);

	/* A flood is capped, and still arrives as one line of valid JSON. */
	r = call(&w, "g", "probe__flood", "{}");
	ck_assert_ptr_nonnull(strstr(all_text(r, text, sizeof text), "truncated"));
	json_decref(r);

	/* A declared output schema: conforming JSON becomes structuredContent;
	 * anything else is an error result, never an invalid structuredContent. */
	r = call(&w, "s1", "probe__structured", "{\"mode\":\"ok\"}");
	ck_assert(!is_error(r));
	json_t *sc = json_object_get(result_of(r), "structuredContent");
	ck_assert_int_eq(json_integer_value(json_object_get(sc, "count")), 3);
	ck_assert_uint_eq(json_array_size(json_object_get(sc, "items")), 3);
	json_decref(r);
	static const struct {
		const char *mode, *says;
	} bad_out[] = {{"text", "not a JSON object"}, {"wrong", "does not match its output schema"}};
	for (size_t i = 0; i < 2; i++) {
		char args[64];
		snprintf(args, sizeof args, "{\"mode\":\"%s\"}", bad_out[i].mode);
		r = call(&w, "s2", "probe__structured", args);
		ck_assert(is_error(r));
		ck_assert_ptr_null(json_object_get(result_of(r), "structuredContent"));
		ck_assert_msg(strstr(all_text(r, text, sizeof text), bad_out[i].says), "%s", text);
		json_decref(r);
	}

	/* Builtins. */
	r = call(&w, "h", "list_skills", "{}");
	ck_assert(!is_error(r));
	ck_assert_ptr_nonnull(strstr(first_text(r), "\"probe\""));
	json_decref(r);
	r = call(&w, "i", "read_skill_file", "{\"skill\":\"probe\",\"path\":\"scripts/fail.sh\"}");
	ck_assert(!is_error(r));
	ck_assert_ptr_nonnull(strstr(first_text(r), "exit 3"));
	json_decref(r);
	r = call(&w, "j", "read_skill_file", "{\"skill\":\"probe\",\"path\":\"nope.md\"}");
	ck_assert(is_error(r));
	ck_assert_ptr_nonnull(strstr(first_text(r), "scripts/fail.sh"));
	json_decref(r);
	r = call(&w, "k", "read_skill_file", "{\"skill\":\"prob\",\"path\":\"SKILL.md\"}");
	ck_assert(is_error(r));
	ck_assert_ptr_nonnull(strstr(first_text(r), "did you mean 'probe'"));
	json_decref(r);
	/* The activation builtins exist only with --scoped. */
	r = call(&w, "l", "activate_skill", "{\"name\":\"probe\"}");
	ck_assert_int_eq(error_code(r), -32602);
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_progress_and_logging)
{
	struct wire w;
	wire_open(&w, NULL);
	initialize(&w);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}\n");
	json_decref(wire_reply(&w));
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
		      "\"probe__sleepy\",\"arguments\":{},\"_meta\":{\"progressToken\":\"tok\"}}}\n");
	int progress = 0, logs = 0;
	for (;;) {
		json_t *m = wire_recv(&w);
		const char *method = json_string_value(json_object_get(m, "method"));
		if (!method) {
			ck_assert_int_eq(json_integer_value(json_object_get(m, "id")), 2);
			json_decref(m);
			break;
		}
		json_t *params = json_object_get(m, "params");
		if (!strcmp(method, "notifications/progress")) {
			ck_assert_str_eq(json_string_value(json_object_get(params, "progressToken")), "tok");
			ck_assert_int_eq(json_number_value(json_object_get(params, "progress")), progress);
			progress++;
		} else if (!strcmp(method, "notifications/message")) {
			ck_assert(json_is_string(json_object_get(params, "level")));
			ck_assert_ptr_nonnull(json_object_get(params, "data"));
			logs++;
		}
		json_decref(m);
	}
	/* One at the start, then about one a second for a 1 s timeout. */
	ck_assert_int_ge(progress, 1);
	ck_assert_int_ge(logs, 2);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* The id of a message (a reply), as text; NULL for a notification. */
static const char *reply_id(json_t *m)
{
	return json_string_value(json_object_get(m, "id"));
}

static bool str_is(json_t *v, const char *s)
{
	return json_is_string(v) && !strcmp(json_string_value(v), s);
}

START_TEST(test_slow_tool_does_not_block)
{
	struct wire w;
	wire_open(&w, NULL);
	initialize(&w);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":\"lvl\",\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}\n");
	json_decref(wire_reply(&w));
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":\"slow\",\"method\":\"tools/call\",\"params\":{\"name\":\"probe__sleepy\"}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":\"ping\",\"method\":\"ping\"}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":\"list\",\"method\":\"tools/list\"}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":\"fast\",\"method\":\"tools/call\",\"params\":{\"name\":\"probe__echo_json\",\"arguments\":{\"text\":\"x\"}}}\n");
	/*
	 * Judged by the order of messages, not by the clock: ping and list are
	 * answered while the sleeper runs, and the fast call starts (its debug
	 * log) before the sleeper's reply, so it did not wait for the sleeper.
	 * Which of the two calls ends first depends on the machine's load: the
	 * sleeper ends at its 1 s timeout.
	 */
	static const char *const order[] = {"ping", "list"};
	int replies = 0, fast_started = -1, slow_at = -1, fast_at = -1;
	for (int k = 0; slow_at < 0 || fast_at < 0; k++) {
		json_t *m = wire_recv(&w);
		const char *id = reply_id(m);
		json_t *params = json_object_get(m, "params");
		if (!id && str_is(json_object_get(params, "logger"), "probe__echo_json") &&
		    str_is(json_object_get(params, "data"), "started"))
			fast_started = k;
		if (id && replies < 2)
			ck_assert_str_eq(id, order[replies]);
		if (id && !strcmp(id, "slow")) {
			ck_assert(is_error(m));
			slow_at = k;
		}
		if (id && !strcmp(id, "fast")) {
			ck_assert(!is_error(m));
			fast_at = k;
		}
		replies += id != NULL;
		json_decref(m);
	}
	ck_assert_int_eq(replies, 4);
	ck_assert_msg(fast_started >= 0 && fast_started < slow_at,
		      "the fast call started only after the slow one ended");
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_cancel)
{
	static const char *const one[] = {"--jobs", "1", NULL};
	struct wire w;
	wire_open(&w, one);
	initialize(&w);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":\"lvl\",\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}\n");
	json_decref(wire_reply(&w));
	/* With one slot, the queued call can start only once the sleeper is gone. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__sleepy\"}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__sleepy\"}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__echo_json\",\"arguments\":{\"text\":\"x\"}}}\n"
		      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":2,\"reason\":\"queued\"}}\n"
		      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1,\"reason\":\"running\"}}\n");
	/* Judged by order, not by the clock: the first reply is 3's, and the
	 * cancelled queued call never started (one "started" for the sleepers). */
	int sleepers = 0;
	json_t *r;
	while (!json_object_get(r = wire_recv(&w), "id")) {
		json_t *params = json_object_get(r, "params");
		sleepers += str_is(json_object_get(params, "logger"), "probe__sleepy") &&
			    str_is(json_object_get(params, "data"), "started");
		json_decref(r);
	}
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 3);
	ck_assert(!is_error(r));
	json_decref(r);
	ck_assert_int_eq(sleepers, 1);
	/* Nothing more comes for 1 or 2. (A short wait on purpose: on a slow
	 * machine it can only let a wrong reply slip by, never fail a right run.) */
	char *line = wire_line(&w, 1500);
	ck_assert_msg(line == NULL, "unexpected: %s", line);
	/* Cancelling an id that is gone is ignored. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
	r = wire_reply(&w);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 1);
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_queue_and_duplicates)
{
	static const char *const small[] = {"--jobs", "1", "--queue", "1", NULL};
	struct wire w;
	wire_open(&w, small);
	initialize(&w);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__sleepy\"}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__echo_json\",\"arguments\":{\"text\":\"q\"}}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__echo_json\",\"arguments\":{\"text\":\"x\"}}}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
	/* 3 finds the queue full; the second 1 reuses an id in flight. */
	json_t *r = wire_reply(&w);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 3);
	ck_assert(is_error(r));
	ck_assert_ptr_nonnull(strstr(first_text(r), "busy"));
	json_decref(r);
	r = wire_reply(&w);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 1);
	ck_assert_int_eq(error_code(r), -32600);
	json_decref(r);
	/* Then the sleeper times out and the queued call runs. */
	r = wire_reply(&w);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 1);
	ck_assert(is_error(r));
	json_decref(r);
	r = wire_reply(&w);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 2);
	ck_assert(!is_error(r));
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_concurrent_calls)
{
	struct wire w;
	wire_open(&w, NULL);
	initialize(&w);
	enum { N = 40 };
	for (int i = 0; i < N; i++) {
		char line[256];
		snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__echo_json\",\"arguments\":{\"text\":\"v%d\"}}}\n", i, i);
		wire_puts(&w, line);
	}
	bool seen[N] = {false};
	for (int i = 0; i < N; i++) {
		json_t *r = wire_reply(&w);
		json_int_t id = json_integer_value(json_object_get(r, "id"));
		ck_assert(id >= 0 && id < N && !seen[id]);
		seen[id] = true;
		char want[32];
		snprintf(want, sizeof want, "\"text\": \"v%d\"", (int)id);
		ck_assert_ptr_nonnull(strstr(first_text(r), want));
		json_decref(r);
	}
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_scoped)
{
	static const char *const scoped[] = {"--scoped", NULL};
	struct wire w;
	wire_open(&w, scoped);
	initialize(&w);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n");
	json_t *r = wire_reply(&w);
	ck_assert_uint_eq(json_array_size(json_object_get(result_of(r), "tools")), 4);
	json_decref(r);
	r = call(&w, "x", "probe__echo_json", "{\"text\":\"x\"}");
	ck_assert_int_eq(error_code(r), -32602);
	ck_assert_ptr_nonnull(strstr(error_message(r), "activate_skill"));
	json_decref(r);

	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"activate_skill\",\"arguments\":{\"name\":\"probe\"}}}\n");
	json_t *n = wire_recv(&w);
	ck_assert_str_eq(json_string_value(json_object_get(n, "method")), "notifications/tools/list_changed");
	json_decref(n);
	r = wire_reply(&w);
	ck_assert(!is_error(r));
	ck_assert_ptr_nonnull(strstr(first_text(r), "probe__echo_json"));
	json_decref(r);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}\n");
	r = wire_reply(&w);
	ck_assert_uint_gt(json_array_size(json_object_get(result_of(r), "tools")), 10);
	json_decref(r);
	r = call(&w, "y", "probe__echo_json", "{\"text\":\"x\"}");
	ck_assert(!is_error(r));
	json_decref(r);
	r = call(&w, "z", "activate_skill", "{\"name\":\"nope\"}");
	ck_assert(is_error(r));
	json_decref(r);

	/* Deactivating notifies again and hides the tools. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"deactivate_skill\",\"arguments\":{\"name\":\"probe\"}}}\n");
	n = wire_recv(&w);
	ck_assert_str_eq(json_string_value(json_object_get(n, "method")), "notifications/tools/list_changed");
	json_decref(n);
	json_decref(wire_reply(&w));
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}\n");
	r = wire_reply(&w);
	ck_assert_uint_eq(json_array_size(json_object_get(result_of(r), "tools")), 4);
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

/* ---- the probe's sleeper, found by ancestry ---- */

/* The parent of a process, or -1 when it is gone. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')'); /* the name may hold anything */
	int ppid;
	return rp && sscanf(rp + 1, " %*c %d", &ppid) == 1 ? (pid_t)ppid : -1;
}

/*
 * The `sleep 100` processes below `server` (probe__sleepy's and its
 * background child's): by ancestry, not by name alone, so a test run beside
 * this one, with sleepers of its own, is not counted.
 */
static int sleepers_of(pid_t server, pid_t *out, int max)
{
	static const char want[] = "sleep\0" "100"; /* with its NUL: 10 bytes */
	int n = 0;
	DIR *d = opendir("/proc");
	ck_assert_ptr_nonnull(d);
	for (struct dirent *e; n < max && (e = readdir(d));) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0)
			continue;
		char path[64], cmd[sizeof want + 1];
		snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t k = fread(cmd, 1, sizeof cmd, f);
		fclose(f);
		if (k != sizeof want || memcmp(cmd, want, sizeof want) != 0)
			continue;
		pid_t up = pid;
		for (int depth = 0; depth < 16 && up > 1 && up != server; depth++)
			up = parent_of(up);
		if (up == server)
			out[n++] = pid;
	}
	closedir(d);
	return n;
}

/* Wait for the sleeper and its child to be running under `server`. */
static void await_sleepers(pid_t server, pid_t pids[2])
{
	uint64_t end = wire_ms_now() + WAIT_MS;
	while (sleepers_of(server, pids, 2) < 2) {
		ck_assert_msg(wire_ms_now() < end, "the sleeper did not start within %d s", WAIT_MS / 1000);
		usleep(10000);
	}
}

/* Gone, or a zombie left for init to reap. */
static bool gone(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')');
	return !rp || rp[1] != ' ' || rp[2] == 'Z' || rp[2] == 'X';
}

/* SIGKILL takes effect at once but not synchronously: wait for the exit. */
static void await_gone(const pid_t pids[2])
{
	uint64_t end = wire_ms_now() + WAIT_MS;
	for (int i = 0; i < 2; i++)
		while (!gone(pids[i])) {
			ck_assert_msg(wire_ms_now() < end, "the tool's process %d outlived the server",
				      (int)pids[i]);
			usleep(10000);
		}
}

/* ---- bad input at the byte level ---- */

START_TEST(test_long_lines)
{
	struct wire w;
	wire_open(&w, NULL);
	initialize(&w);
	/* 10 MiB inside a valid request is served. */
	size_t big = 10u << 20;
	char *line = malloc(big + 128);
	int k = sprintf(line, "{\"jsonrpc\":\"2.0\",\"id\":\"big\",\"method\":\"ping\",\"params\":{\"pad\":\"");
	memset(line + k, 'a', big);
	strcpy(line + k + big, "\"}}\n");
	wire_send(&w, line, strlen(line));
	json_t *r = wire_reply(&w);
	ck_assert_str_eq(json_string_value(json_object_get(r, "id")), "big");
	result_of(r);
	json_decref(r);
	/* 20 MiB is over the limit: one error, then the server goes on. */
	size_t huge = 20u << 20;
	line = realloc(line, huge + 2);
	memset(line, 'b', huge);
	strcpy(line + huge, "\n");
	wire_send(&w, line, huge + 1);
	free(line);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":\"next\",\"method\":\"ping\"}\n");
	r = wire_reply(&w);
	ck_assert_int_eq(error_code(r), -32600);
	ck_assert_ptr_nonnull(strstr(error_message(r), "limit"));
	json_decref(r);
	r = wire_reply(&w);
	ck_assert_str_eq(json_string_value(json_object_get(r, "id")), "next");
	json_decref(r);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_eof_mid_call)
{
	struct wire w;
	wire_open(&w, NULL);
	initialize(&w);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__sleepy\"}}\n");
	pid_t pids[2];
	await_sleepers(w.pid, pids);
	/* The last line needs no newline; EOF kills the running call, so it
	 * never answers (waited for, its 1 s timeout would) and its processes
	 * do not outlive the server. */
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
	close(w.in);
	w.in = -1;
	json_t *r = wire_reply(&w);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 2);
	json_decref(r);
	char *line = wire_line(&w, WAIT_MS); /* returns at EOF */
	ck_assert_msg(line == NULL, "unexpected: %s", line);
	ck_assert_int_eq(wire_close(&w), 0);
	await_gone(pids);
}
END_TEST

/* A client that sends everything, closes its end and then reads gets every
 * reply, even past the point where the server stops reading to let output
 * drain (tens of MiB). */
START_TEST(test_eof_delivers_everything)
{
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/requests", cache_dir), 0);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(INIT_2025, f);
	enum { N = 80000 };
	for (int i = 1; i <= N; i++)
		fprintf(f, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
			   "{\"name\":\"read_skill_file\",\"arguments\":{\"skill\":\"probe\",\"path\":\"scripts/echo_json.py\"}}}\n",
			i);
	fclose(f);
	struct wire w;
	wire_open_agent(&w, tu_env("E2E_AGENT", "build/e2e"), NULL, path);
	usleep(300000); /* let the server fill its output and pause */
	int last = -1;
	size_t bytes = 0;
	for (char *line; (line = wire_line(&w, WAIT_MS)); free(line)) {
		bytes += strlen(line) + 1;
		char *id = strstr(line, "\"id\":");
		ck_assert_ptr_nonnull(id);
		int n = atoi(id + 5);
		ck_assert_int_eq(n, last + 1);
		last = n;
	}
	ck_assert_int_eq(last, N);
	ck_assert_uint_gt(bytes, 64u << 20);
	ck_assert_int_eq(wire_close(&w), 0);
	free(path);
}
END_TEST

START_TEST(test_sigterm)
{
	struct wire w;
	wire_open(&w, NULL);
	initialize(&w);
	wire_puts(&w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"probe__sleepy\"}}\n");
	/* The tool and the grandchild it started are both running... */
	pid_t pids[2];
	await_sleepers(w.pid, pids);
	kill(w.pid, SIGTERM);
	int st;
	ck_assert_int_eq(waitpid(w.pid, &st, 0), w.pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* ...the server did not wait for the call (its timeout would answer)... */
	char *line = wire_line(&w, WAIT_MS); /* returns at EOF */
	ck_assert_msg(line == NULL, "unexpected: %s", line);
	/* ...and neither outlives the server: the whole group was killed. */
	await_gone(pids);
	close(w.in);
	close(w.out);
	free(w.buf);
}
END_TEST

START_TEST(test_client_gone)
{
	struct wire w;
	wire_open(&w, NULL);
	initialize(&w);
	/* The reader goes away while replies are pending: exit, don't spin. */
	close(w.out);
	w.out = open("/dev/null", O_RDONLY);
	/* One write, before the server has anything to say, so it cannot fail. */
	char batch[64 * 50 + 1] = "";
	for (int i = 0; i < 50; i++)
		strcat(batch, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n");
	wire_puts(&w, batch);
	ck_assert_int_eq(wire_close(&w), 0);
}
END_TEST

START_TEST(test_help)
{
	struct tu_run r;
	tu_run(&r, "%s mcp --help", tu_env("E2E_AGENT", "build/e2e"));
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "--scoped"));
	ck_assert_ptr_nonnull(strstr(r.out, "2026-07-28"));
	tu_run_release(&r);
	tu_run(&r, "%s mcp --jobs 0", tu_env("E2E_AGENT", "build/e2e"));
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "--jobs"));
	tu_run_release(&r);
	tu_run(&r, "%s mcp --bogus", tu_env("E2E_AGENT", "build/e2e"));
	ck_assert_int_eq(r.status, 2);
	tu_run_release(&r);
}
END_TEST

/* The request handler under the fuzzer (tests/fuzz/mcp_fuzz.c), fixed seeds. */
START_TEST(test_fuzz)
{
	struct tu_run r;
	tu_run(&r, "%s -n %d -s %d", tu_env("MCP_FUZZ", "build/mcp-fuzz"),
	       getenv("SANITIZE") && *getenv("SANITIZE") ? 1500 : 4000, 1 + _i);
	ck_assert_msg(r.status == 0 && strstr(r.out, ": ok"), "fuzzer failed (%d):\n%s%s", r.status,
		      r.out, r.err);
	tu_run_release(&r);
}
END_TEST

Suite *suite_mcp(void)
{
	Suite *s = suite_create("mcp");
	TCase *tc = tcase_create("wire");
	tcase_add_checked_fixture(tc, setup, teardown);
	/* Far above a test's time on a busy machine (test_concurrent_calls: 50 s
	 * under the sanitizers), and above WAIT_MS, so a wait says what failed. */
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_error_codes, 0, sizeof bad / sizeof bad[0]);
	tcase_add_loop_test(tc, test_negotiation, 0, sizeof versions / sizeof versions[0]);
	tcase_add_test(tc, test_before_initialize);
	tcase_add_test(tc, test_notifications_silent);
	tcase_add_test(tc, test_modern_style);
	tcase_add_test(tc, test_modern_logging);
	tcase_add_test(tc, test_pagination);
	tcase_add_test(tc, test_prompts_resources);
	tcase_add_test(tc, test_call_results);
	tcase_add_test(tc, test_progress_and_logging);
	tcase_add_test(tc, test_slow_tool_does_not_block);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_queue_and_duplicates);
	tcase_add_test(tc, test_concurrent_calls);
	tcase_add_test(tc, test_scoped);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_eof_mid_call);
	tcase_add_test(tc, test_eof_delivers_everything);
	tcase_add_test(tc, test_sigterm);
	tcase_add_test(tc, test_client_gone);
	tcase_add_test(tc, test_help);
	suite_add_tcase(s, tc);
	TCase *fuzz = tcase_create("fuzz");
	tcase_add_checked_fixture(fuzz, setup, teardown);
	tcase_set_timeout(fuzz, 240);
	tcase_add_loop_test(fuzz, test_fuzz, 0, 2);
	suite_add_tcase(s, fuzz);
	return s;
}
