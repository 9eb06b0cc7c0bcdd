#include "memory.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- helpers ---- */

static char *tmp;
static char path[512];

static void setup(void)
{
	tmp = tu_tmpdir();
	snprintf(path, sizeof path, "%s/memory.db", tmp);
}

static void teardown(void)
{
	tu_rmdir(tmp);
}

static int64_t clock_now;
static int64_t fake_clock(void *arg)
{
	(void)arg;
	return clock_now;
}

static struct mem_store *open_with(const struct mem_limits *lim)
{
	struct mem_store *s;
	char err[512] = "";
	ck_assert_msg(mem_open(&s, path, lim, err, sizeof err) == 0, "mem_open: %s", err);
	return s;
}

static void set_ok(struct mem_store *s, const char *ns, const char *key, const char *json,
		   uint64_t ttl)
{
	int rc = mem_set(s, ns, key, json, strlen(json), ttl);
	ck_assert_msg(rc == 0, "set %s/%s: %d %s", ns, key, rc, mem_error(s));
}

/* The stored text of ns/key, or "<absent>"; static buffer. */
static const char *get(struct mem_store *s, const char *ns, const char *key)
{
	static char buf[4096];
	char *v;
	int rc = mem_get(s, ns, key, &v);
	ck_assert_msg(rc >= 0, "get %s/%s: %s", ns, key, mem_error(s));
	snprintf(buf, sizeof buf, "%s", rc == MEM_ABSENT ? "<absent>" : v);
	free(v);
	return buf;
}

/* The keys of ns, compact JSON; static buffer. */
static const char *keys(struct mem_store *s, const char *ns)
{
	static char buf[4096];
	json_t *k;
	ck_assert_msg(mem_list(s, ns, &k) == 0, "list %s: %s", ns, mem_error(s));
	char *t = json_dumps(k, JSON_COMPACT);
	snprintf(buf, sizeof buf, "%s", t);
	free(t);
	json_decref(k);
	return buf;
}

/* One integer from SQL run on the file directly. */
static int64_t raw_int(const char *sql)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void raw_exec(const char *sql)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void integrity_ok(void)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* ---- the store ---- */

START_TEST(test_basic)
{
	struct mem_store *s = open_with(NULL);
	ck_assert_str_eq(get(s, "notes", "a"), "<absent>");
	ck_assert_str_eq(keys(s, "notes"), "[]");
	/* Any JSON value, kept compact. */
	set_ok(s, "notes", "a", " { \"x\" : [1, 2.5, \"\\u0000\"] } ", 0);
	ck_assert_str_eq(get(s, "notes", "a"), "{\"x\":[1,2.5,\"\\u0000\"]}");
	set_ok(s, "notes", "b", "\"text\"", 0);
	set_ok(s, "notes", "B", "-3", 0);
	set_ok(s, "notes", "\xc3\xa9t\xc3\xa9", "true", 0);
	set_ok(s, "notes", "a", "false", 0); /* replaces */
	ck_assert_str_eq(get(s, "notes", "a"), "false");
	ck_assert_str_eq(get(s, "notes", "B"), "-3");
	/* Sorted bytewise. */
	ck_assert_str_eq(keys(s, "notes"), "[\"B\",\"a\",\"b\",\"\xc3\xa9t\xc3\xa9\"]");
	bool deleted;
	ck_assert_int_eq(mem_delete(s, "notes", "b", &deleted), 0);
	ck_assert(deleted);
	ck_assert_int_eq(mem_delete(s, "notes", "b", &deleted), 0);
	ck_assert(!deleted);
	ck_assert_str_eq(get(s, "notes", "b"), "<absent>");
	mem_close(s);
	/* It persists. */
	s = open_with(NULL);
	ck_assert_str_eq(keys(s, "notes"), "[\"B\",\"a\",\"\xc3\xa9t\xc3\xa9\"]");
	ck_assert_str_eq(get(s, "notes", "a"), "false");
	/* Not JSON, and bad keys, are refused and change nothing. */
	ck_assert_int_eq(mem_set(s, "notes", "a", "{x", 2, 0), MEM_EINVAL);
	ck_assert_ptr_nonnull(strstr(mem_error(s), "value is not JSON"));
	ck_assert_int_eq(mem_set(s, "notes", "a", "1 2", 3, 0), MEM_EINVAL);
	ck_assert_int_eq(mem_set(s, "notes", "", "1", 1, 0), MEM_EINVAL);
	ck_assert_str_eq(mem_error(s), "key is empty");
	ck_assert_int_eq(mem_set(s, "notes", "\xff", "1", 1, 0), MEM_EINVAL);
	ck_assert_str_eq(mem_error(s), "key is not valid UTF-8");
	ck_assert_int_eq(mem_set(s, "", "k", "1", 1, 0), MEM_EINVAL);
	ck_assert_str_eq(get(s, "notes", "a"), "false");
	ck_assert_int_eq(raw_int("PRAGMA user_version"), MEM_SCHEMA_VERSION);
	mem_close(s);
	integrity_ok();
}
END_TEST

START_TEST(test_namespaces)
{
	struct mem_store *s = open_with(NULL);
	set_ok(s, "one", "k", "1", 0);
	set_ok(s, "two", "k", "2", 0);
	set_ok(s, "two", "only-two", "[]", 0);
	ck_assert_str_eq(get(s, "one", "k"), "1");
	ck_assert_str_eq(get(s, "two", "k"), "2");
	ck_assert_str_eq(get(s, "one", "only-two"), "<absent>");
	ck_assert_str_eq(keys(s, "one"), "[\"k\"]");
	ck_assert_str_eq(keys(s, "two"), "[\"k\",\"only-two\"]");
	bool deleted;
	ck_assert_int_eq(mem_delete(s, "one", "only-two", &deleted), 0);
	ck_assert(!deleted);
	ck_assert_int_eq(mem_delete(s, "one", "k", &deleted), 0);
	ck_assert(deleted);
	ck_assert_str_eq(get(s, "two", "k"), "2");
	set_ok(s, "one", "k", "1", 0);
	json_t *ns;
	ck_assert_int_eq(mem_namespaces(s, &ns), 0);
	ck_assert_int_eq(json_array_size(ns), 2);
	ck_assert_str_eq(json_string_value(json_array_get(ns, 0)), "one");
	ck_assert_str_eq(json_string_value(json_array_get(ns, 1)), "two");
	json_decref(ns);
	uint64_t n;
	ck_assert_int_eq(mem_clear(s, "two", &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(keys(s, "two"), "[]");
	ck_assert_str_eq(get(s, "one", "k"), "1");
	ck_assert_int_eq(mem_clear(s, NULL, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(mem_namespaces(s, &ns), 0);
	ck_assert_int_eq(json_array_size(ns), 0);
	json_decref(ns);
	/* The byte counts follow the rows. */
	ck_assert_int_eq(raw_int("SELECT count(*) FROM usage"), 0);
	mem_close(s);
}
END_TEST

START_TEST(test_ttl)
{
	struct mem_limits lim;
	mem_limits_init(&lim);
	lim.now = fake_clock;
	clock_now = 1000;
	struct mem_store *s = open_with(&lim);
	set_ok(s, "ns", "short", "1", 10);
	set_ok(s, "ns", "long", "2", 100);
	set_ok(s, "ns", "forever", "3", 0);
	clock_now = 1009;
	ck_assert_str_eq(get(s, "ns", "short"), "1");
	ck_assert_str_eq(keys(s, "ns"), "[\"forever\",\"long\",\"short\"]");
	/* Expired: invisible at once... */
	clock_now = 1010;
	ck_assert_str_eq(get(s, "ns", "short"), "<absent>");
	ck_assert_str_eq(keys(s, "ns"), "[\"forever\",\"long\"]");
	/* ...but still in the file until a write purges it. */
	ck_assert_int_eq(raw_int("SELECT count(*) FROM kv"), 3);
	bool deleted;
	ck_assert_int_eq(mem_delete(s, "ns", "short", &deleted), 0);
	ck_assert(!deleted);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM kv"), 2);
	/* A set without ttl makes a key permanent again. */
	set_ok(s, "ns", "long", "4", 0);
	clock_now = 5000;
	ck_assert_str_eq(get(s, "ns", "long"), "4");
	/* Expired namespaces are not listed. */
	set_ok(s, "other", "k", "1", 1);
	json_t *ns;
	clock_now = 5001;
	ck_assert_int_eq(mem_namespaces(s, &ns), 0);
	ck_assert_int_eq(json_array_size(ns), 1);
	json_decref(ns);
	ck_assert_int_eq(mem_set(s, "ns", "k", "1", 1, (uint64_t)MEM_TTL_MAX + 1), MEM_EINVAL);
	ck_assert_ptr_nonnull(strstr(mem_error(s), "ttl"));
	mem_close(s);
}
END_TEST

START_TEST(test_limits)
{
	struct mem_limits lim;
	mem_limits_init(&lim);
	lim.key_max = 8;
	lim.value_max = 20;
	lim.ns_max = 38;
	lim.store_max = 60;
	lim.now = fake_clock;
	clock_now = 100;
	struct mem_store *s = open_with(&lim);
	ck_assert_int_eq(mem_set(s, "ns", "123456789", "1", 1, 0), MEM_EINVAL);
	ck_assert_str_eq(mem_error(s), "key is 9 bytes, over the limit of 8");
	const char *big = "\"0123456789012345678\""; /* 21 bytes */
	ck_assert_int_eq(mem_set(s, "ns", "k", big, strlen(big), 0), MEM_EINVAL);
	ck_assert_str_eq(mem_error(s), "value is 21 bytes, over the limit of 20");
	/* Compact size counts: the spaces go. */
	set_ok(s, "ns", "k", "[ 1,  2,  3,  4,  5,  6,  7,  8]", 0); /* 1 + 17 bytes */
	set_ok(s, "ns", "k2", "\"01234567890123\"", 0);               /* 2 + 16: 36 in all */
	ck_assert_int_eq(raw_int("SELECT bytes FROM usage WHERE ns = 'ns'"), 36);
	/* 36 + 2 + 3 > 38: refused, and nothing changed. */
	ck_assert_int_eq(mem_set(s, "ns", "k3", "123", 3, 0), MEM_EFULL);
	ck_assert_str_eq(mem_error(s), "memory of 'ns' is full: 36 bytes used, this write adds 5,"
				       " the limit is 38");
	ck_assert_str_eq(keys(s, "ns"), "[\"k\",\"k2\"]");
	/* Growing a key over the limit is refused; the old value stays. */
	ck_assert_int_eq(mem_set(s, "ns", "k2", "\"012345678901234567\"", 20, 0), MEM_EFULL);
	ck_assert_str_eq(get(s, "ns", "k2"), "\"01234567890123\"");
	/* Replacing within the limit is fine, and frees room. */
	set_ok(s, "ns", "k2", "1", 0);
	set_ok(s, "ns", "k3", "123", 0);
	ck_assert_int_eq(raw_int("SELECT bytes FROM usage WHERE ns = 'ns'"), 26);
	/* The store's limit, across namespaces: 26 + 20 + 18 > 60. */
	set_ok(s, "b", "k", "\"0123456789012345\"", 0); /* 19: 45 */
	ck_assert_int_eq(mem_set(s, "c", "k", "\"0123456789012345\"", 18, 0), MEM_EFULL);
	ck_assert_ptr_nonnull(strstr(mem_error(s), "memory store is full"));
	ck_assert_str_eq(keys(s, "c"), "[]");
	/* Expired keys do not count. */
	set_ok(s, "c", "t", "1", 5);
	clock_now = 105;
	set_ok(s, "c", "k", "\"01234567890\"", 0);
	ck_assert_int_eq(raw_int("SELECT sum(bytes) FROM usage"), 26 + 19 + 14);
	mem_close(s);
	integrity_ok();
}
END_TEST

/* ---- mem_handle ---- */

static const struct {
	const char *method, *params, *err; /* params NULL: none */
} bad_params[] = {
	{"memory/get", "[]", "memory/get: params must be an object"},
	{"memory/get", "{}", "memory/get: missing parameter 'key'"},
	{"memory/get", "{\"key\": 5}", "memory/get: 'key' must be a string"},
	{"memory/get", "{\"key\": \"a\\u0000b\"}", "memory/get: 'key' contains a NUL character"},
	{"memory/get", "{\"key\": \"\"}", "memory/get: key is empty"},
	{"memory/get", "{\"key\": \"k\", \"extra\": 1}", "memory/get: unknown parameter 'extra'"},
	{"memory/get", NULL, "memory/get: params must be an object"},
	{"memory/set", "{\"value\": 1}", "memory/set: missing parameter 'key'"},
	{"memory/set", "{\"key\": \"k\"}", "memory/set: missing parameter 'value'"},
	{"memory/set", "{\"key\": \"k\", \"value\": null}", "memory/set: 'value' must not be null"},
	{"memory/set", "{\"key\": \"k\", \"value\": 1, \"ttl\": -1}",
	 "memory/set: 'ttl' must be a positive whole number of seconds"},
	{"memory/set", "{\"key\": \"k\", \"value\": 1, \"ttl\": 0}", "'ttl' must be a positive"},
	{"memory/set", "{\"key\": \"k\", \"value\": 1, \"ttl\": 1.5}", "'ttl' must be a positive"},
	{"memory/set", "{\"key\": \"k\", \"value\": 1, \"ttl\": \"60\"}", "'ttl' must be a positive"},
	{"memory/set", "{\"key\": \"k\", \"value\": 1, \"ttl\": 99999999999}",
	 "memory/set: ttl 99999999999 is over the limit"},
	{"memory/set",
	 "{\"key\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	 "\", \"value\": 1}",
	 "memory/set: key is 262 bytes, over the limit of 256"},
	{"memory/set", "{\"key\": \"k\", \"value\": 1, \"ttl_s\": 5}",
	 "memory/set: unknown parameter 'ttl_s'"},
	{"memory/list", "{\"key\": \"k\"}", "memory/list: unknown parameter 'key'"},
	{"memory/list", "5", "memory/list: params must be an object"},
	{"memory/delete", "{}", "memory/delete: missing parameter 'key'"},
	{"memory/forget", "{}", "unknown method 'memory/forget'"},
};

START_TEST(test_handle_bad)
{
	struct mem_store *s = open_with(NULL);
	json_t *p = bad_params[_i].params ? json_loads(bad_params[_i].params, JSON_DECODE_ANY |
							 JSON_ALLOW_NUL, NULL)
					  : NULL;
	ck_assert(!bad_params[_i].params || p);
	char err[512] = "";
	json_t *r = mem_handle(s, "ns", bad_params[_i].method, p, err, sizeof err);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(err, bad_params[_i].err), "got '%s', want '%s'", err, bad_params[_i].err);
	json_decref(p);
	/* Nothing was written. */
	ck_assert_str_eq(keys(s, "ns"), "[]");
	mem_close(s);
}
END_TEST

/* One call through mem_handle; its result as compact JSON (static). */
static const char *call(struct mem_store *s, const char *ns, const char *method, const char *params)
{
	static char buf[1024];
	json_t *p = params ? json_loads(params, 0, NULL) : NULL;
	char err[512] = "";
	json_t *r = mem_handle(s, ns, method, p, err, sizeof err);
	ck_assert_msg(r != NULL, "%s %s: %s", method, params, err);
	char *t = json_dumps(r, JSON_COMPACT);
	snprintf(buf, sizeof buf, "%s", t);
	free(t);
	json_decref(r);
	json_decref(p);
	return buf;
}

START_TEST(test_handle)
{
	struct mem_store *s = open_with(NULL);
	ck_assert(mem_is_method("memory/get") && mem_is_method("memory/delete"));
	ck_assert(!mem_is_method("memory/") && !mem_is_method("tools/call") && !mem_is_method(NULL));
	ck_assert_str_eq(call(s, "a", "memory/get", "{\"key\":\"k\"}"), "{\"value\":null}");
	ck_assert_str_eq(call(s, "a", "memory/set", "{\"key\":\"k\",\"value\":{\"n\":[1,\"x\"]}}"),
			 "{\"ok\":true}");
	ck_assert_str_eq(call(s, "a", "memory/set", "{\"key\":\"t\",\"value\":\"v\",\"ttl\":60}"),
			 "{\"ok\":true}");
	ck_assert_str_eq(call(s, "a", "memory/get", "{\"key\":\"k\"}"), "{\"value\":{\"n\":[1,\"x\"]}}");
	ck_assert_str_eq(call(s, "b", "memory/get", "{\"key\":\"k\"}"), "{\"value\":null}");
	ck_assert_str_eq(call(s, "a", "memory/list", "{}"), "{\"keys\":[\"k\",\"t\"]}");
	ck_assert_str_eq(call(s, "a", "memory/list", NULL), "{\"keys\":[\"k\",\"t\"]}");
	ck_assert_str_eq(call(s, "b", "memory/list", "{}"), "{\"keys\":[]}");
	ck_assert_str_eq(call(s, "a", "memory/delete", "{\"key\":\"k\"}"), "{\"deleted\":true}");
	ck_assert_str_eq(call(s, "a", "memory/delete", "{\"key\":\"k\"}"), "{\"deleted\":false}");
	/* A limit reached is an error that says so. */
	char err[512];
	char *big = malloc(MEM_VALUE_MAX + 64);
	snprintf(big, MEM_VALUE_MAX + 64, "{\"key\":\"k\",\"value\":\"%0*d\"}", (int)MEM_VALUE_MAX, 0);
	json_t *p = json_loads(big, 0, NULL);
	ck_assert_ptr_null(mem_handle(s, "a", "memory/set", p, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "memory/set: value is 262146 bytes, over the limit"));
	json_decref(p);
	free(big);
	ck_assert_ptr_null(mem_handle(NULL, "a", "memory/list", NULL, err, sizeof err));
	ck_assert_str_eq(err, "memory store is not open");
	mem_close(s);
}
END_TEST

/* ---- bad files ---- */

static void write_file(const char *p, const void *data, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

enum bad_kind { BAD_TEXT, BAD_RANDOM, BAD_FOREIGN, BAD_NEWER, BAD_DIR, BAD_HEADER };
static const struct {
	enum bad_kind kind;
	const char *err;
} bad_files[] = {
	{BAD_TEXT, "is unreadable: file is not a database"},
	{BAD_RANDOM, "is unreadable: file is not a database"},
	{BAD_FOREIGN, "is not a skillc memory store (another program's database)"},
	{BAD_NEWER, "has schema version 7; this agent reads up to 1"},
	{BAD_DIR, "Is a directory"},
	{BAD_HEADER, "is unreadable"},
};

START_TEST(test_bad_file)
{
	unsigned char junk[8192];
	switch (bad_files[_i].kind) {
	case BAD_TEXT:
		write_file(path, "hello, this is not a database\n", 30);
		break;
	case BAD_RANDOM:
		srand(42);
		for (size_t i = 0; i < sizeof junk; i++)
			junk[i] = (unsigned char)rand();
		write_file(path, junk, sizeof junk);
		break;
	case BAD_FOREIGN:
		raw_exec("CREATE TABLE t(x); INSERT INTO t VALUES(1)");
		break;
	case BAD_NEWER: {
		mem_close(open_with(NULL));
		raw_exec("PRAGMA user_version = 7");
		break;
	}
	case BAD_DIR:
		ck_assert_int_eq(mkdir(path, 0700), 0);
		break;
	case BAD_HEADER:
		/* SQLite's magic, then a header that makes no sense. */
		memset(junk, 0xee, sizeof junk);
		memcpy(junk, "SQLite format 3", 16);
		write_file(path, junk, sizeof junk);
		break;
	}
	struct mem_store *s = NULL;
	char err[512] = "";
	ck_assert_int_eq(mem_open(&s, path, NULL, err, sizeof err), -1);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, bad_files[_i].err), "got '%s'", err);
	ck_assert_msg(strstr(err, path), "no path in '%s'", err);
}
END_TEST

/* A store whose pages are damaged after it was written: errors, no crash. */
START_TEST(test_damaged_pages)
{
	struct mem_store *s = open_with(NULL);
	char key[32], val[3000];
	memset(val, 'v', sizeof val);
	val[0] = '"';
	val[sizeof val - 2] = '"';
	val[sizeof val - 1] = '\0';
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "key%03d", i);
		set_ok(s, "ns", key, val, 0);
	}
	mem_close(s); /* the last connection: checkpointed into the file */
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, 16 * 4096);
	int fd = open(path, O_WRONLY);
	unsigned char junk[4096];
	memset(junk, 0x5a, sizeof junk);
	for (off_t off = 2 * 4096; off + 4096 <= st.st_size; off += 3 * 4096)
		ck_assert_int_eq(pwrite(fd, junk, sizeof junk, off), (ssize_t)sizeof junk);
	close(fd);
	char err[512] = "";
	int failures = 0;
	if (mem_open(&s, path, NULL, err, sizeof err) < 0) {
		failures++;
	} else {
		json_t *k = NULL;
		failures += mem_list(s, "ns", &k) < 0;
		json_decref(k);
		for (int i = 0; i < 40; i++) {
			char *v = NULL;
			snprintf(key, sizeof key, "key%03d", i);
			failures += mem_get(s, "ns", key, &v) < 0;
			free(v);
		}
		failures += mem_set(s, "ns", "new", "1", 1, 0) < 0;
		ck_assert_ptr_nonnull(mem_error(s));
		mem_close(s);
	}
	ck_assert_int_gt(failures, 0);
}
END_TEST

/* ---- the agent's store: where, modes, off ---- */

/* A table with only a name. */
static const unsigned char pool[] = "tagent\0../x\0";
static struct skc_table table = {.data = pool, .data_size = sizeof pool,
				 .agent_name = {0, 6}};

START_TEST(test_default)
{
	char p[1024], want[1100], err[512];
	umask(022);
	unsetenv("SKILLC_MEMORY");
	setenv("HOME", tmp, 1);
	unsetenv("XDG_STATE_HOME");
	ck_assert_int_eq(mem_path(&table, p, sizeof p, err, sizeof err), 0);
	snprintf(want, sizeof want, "%s/.local/state/skillc/tagent/memory.db", tmp);
	ck_assert_str_eq(p, want);
	snprintf(want, sizeof want, "%s/state", tmp);
	setenv("XDG_STATE_HOME", want, 1);
	ck_assert_int_eq(mem_path(&table, p, sizeof p, err, sizeof err), 0);
	snprintf(want, sizeof want, "%s/state/skillc/tagent/memory.db", tmp);
	ck_assert_str_eq(p, want);
	/* Only computed: nothing on disk yet. */
	struct stat st;
	snprintf(want, sizeof want, "%s/state", tmp);
	ck_assert_int_eq(stat(want, &st), -1);
	/* Opened on first use, private. */
	json_t *params = json_pack("{s:s,s:i}", "key", "k", "value", 7);
	json_t *r = mem_serve(&table, "sk", "memory/set", params, err, sizeof err);
	ck_assert_msg(r != NULL, "%s", err);
	json_decref(r);
	json_decref(params);
	struct mem_store *s1, *s2;
	ck_assert_int_eq(mem_default(&table, &s1, err, sizeof err), 0);
	ck_assert_int_eq(mem_default(&table, &s2, err, sizeof err), 0);
	ck_assert_ptr_eq(s1, s2);
	ck_assert_str_eq(get(s1, "sk", "k"), "7");
	snprintf(want, sizeof want, "%s/state/skillc", tmp);
	ck_assert_int_eq(stat(want, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	snprintf(want, sizeof want, "%s/state/skillc/tagent", tmp);
	ck_assert_int_eq(stat(want, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	snprintf(want, sizeof want, "%s-wal", p);
	ck_assert_int_eq(stat(want, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	mem_default_close();
	/* SKILLC_MEMORY names the file. */
	setenv("SKILLC_MEMORY", path, 1);
	ck_assert_int_eq(mem_path(&table, p, sizeof p, err, sizeof err), 0);
	ck_assert_str_eq(p, path);
	ck_assert_int_eq(mem_default(&table, &s1, err, sizeof err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	mem_default_close();
	/* A world-writable state directory is refused. */
	unsetenv("SKILLC_MEMORY");
	snprintf(want, sizeof want, "%s/state/skillc", tmp);
	chmod(want, 0777);
	ck_assert_int_eq(mem_default(&table, &s1, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "is group or world writable"));
	/* An agent name that is not a directory name. */
	struct skc_table bad = table;
	bad.agent_name = (struct skc_slice){7, 4};
	ck_assert_int_eq(mem_path(&bad, p, sizeof p, err, sizeof err), -1);
	ck_assert_str_eq(err, "agent name '../x' cannot name a directory");
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	ck_assert_int_eq(mem_path(&table, p, sizeof p, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "set SKILLC_MEMORY, XDG_STATE_HOME or HOME"));
}
END_TEST

START_TEST(test_off)
{
	char p[1024], err[512] = "";
	setenv("SKILLC_MEMORY", "off", 1);
	setenv("HOME", tmp, 1);
	ck_assert_int_eq(mem_path(&table, p, sizeof p, err, sizeof err), 1);
	struct mem_store *s = (struct mem_store *)1;
	ck_assert_int_eq(mem_default(&table, &s, err, sizeof err), -1);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err, "memory is off (SKILLC_MEMORY=off)");
	json_t *params = json_pack("{s:s}", "key", "k");
	err[0] = '\0';
	ck_assert_ptr_null(mem_serve(&table, "sk", "memory/get", params, err, sizeof err));
	ck_assert_str_eq(err, "memory is off (SKILLC_MEMORY=off)");
	json_decref(params);
	/* Nothing was created. */
	char d[1024];
	struct stat st;
	snprintf(d, sizeof d, "%s/.local", tmp);
	ck_assert_int_eq(stat(d, &st), -1);
}
END_TEST

/* ---- processes ---- */

/* Two processes writing to one file at once: the busy timeout lets both. */
START_TEST(test_two_writers)
{
	mem_close(open_with(NULL));
	pid_t pids[2];
	for (int c = 0; c < 2; c++) {
		pids[c] = fork();
		ck_assert_int_ge(pids[c], 0);
		if (pids[c] == 0) {
			struct mem_store *s;
			char err[512], key[32];
			if (mem_open(&s, path, NULL, err, sizeof err) < 0)
				_exit(2);
			for (int i = 0; i < 40; i++) {
				snprintf(key, sizeof key, "w%d-%d", c, i);
				if (mem_set(s, "ns", key, "[1,2,3]", 7, 0) < 0) {
					fprintf(stderr, "%s\n", mem_error(s));
					_exit(1);
				}
			}
			mem_close(s);
			_exit(0);
		}
	}
	for (int c = 0; c < 2; c++) {
		int st;
		ck_assert_int_eq(waitpid(pids[c], &st, 0), pids[c]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d failed", c);
	}
	struct mem_store *s = open_with(NULL);
	json_t *k;
	ck_assert_int_eq(mem_list(s, "ns", &k), 0);
	ck_assert_int_eq(json_array_size(k), 80);
	json_decref(k);
	mem_close(s);
	ck_assert_int_eq(raw_int("SELECT bytes FROM usage WHERE ns = 'ns'"),
			 raw_int("SELECT sum(length(key) + length(value)) FROM kv"));
	integrity_ok();
}
END_TEST

/* Acknowledged writes survive kill -9 at any point. */
static const int kill_after[] = {1, 9, 40, 120};

START_TEST(test_kill9)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		struct mem_store *s;
		char err[512], key[32], val[128];
		if (mem_open(&s, path, NULL, err, sizeof err) < 0)
			_exit(2);
		for (int i = 0;; i++) {
			snprintf(key, sizeof key, "k%d", i);
			snprintf(val, sizeof val, "{\"i\":%d,\"pad\":\"%0*d\"}", i, 40 + i % 50, i);
			if (mem_set(s, "ns", key, val, strlen(val), 0) < 0)
				_exit(1);
			/* Acknowledged: only after mem_set returned. */
			char line[40];
			int n = snprintf(line, sizeof line, "%d\n", i);
			if (write(fds[1], line, (size_t)n) != n)
				_exit(1);
		}
	}
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	ck_assert_ptr_nonnull(in);
	int acked = 0, i;
	/* Read acknowledgements up to the kill point, kill, then take the rest
	 * already in the pipe: those were acknowledged too. */
	while (acked < kill_after[_i] && fscanf(in, "%d", &i) == 1) {
		ck_assert_int_eq(i, acked);
		acked++;
	}
	ck_assert_int_eq(acked, kill_after[_i]);
	kill(pid, SIGKILL);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	while (fscanf(in, "%d", &i) == 1) {
		ck_assert_int_eq(i, acked);
		acked++;
	}
	fclose(in);
	struct mem_store *s = open_with(NULL);
	for (i = 0; i < acked; i++) {
		char key[32], val[128];
		snprintf(key, sizeof key, "k%d", i);
		snprintf(val, sizeof val, "{\"i\":%d,\"pad\":\"%0*d\"}", i, 40 + i % 50, i);
		ck_assert_str_eq(get(s, "ns", key), val);
	}
	/* A write in flight at the kill is all there or not at all. */
	json_t *k;
	ck_assert_int_eq(mem_list(s, "ns", &k), 0);
	ck_assert_int_ge(json_array_size(k), (size_t)acked);
	ck_assert_int_le(json_array_size(k), (size_t)acked + 1);
	json_decref(k);
	mem_close(s);
	integrity_ok();
}
END_TEST

/* ---- the CLI, through the built agent ---- */

static const char *agent(void)
{
	return tu_env("AGENT", "build/agent");
}

/* Run `agent memory ARGS` with SKILLC_MEMORY=path; r must be released. */
#define MEMCLI(r, ...) tu_run(r, "SKILLC_MEMORY='%s' %s memory " __VA_ARGS__)

START_TEST(test_cli)
{
	struct tu_run r;
	const char *a = agent();
	MEMCLI(&r, "path", path, a);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(strncmp(r.out, path, strlen(path)), 0);
	ck_assert_str_eq(r.out + strlen(path), "\n");
	tu_run_release(&r);
	/* Reading a store that is not there does not create it. */
	MEMCLI(&r, "list", path, a);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "{}\n");
	tu_run_release(&r);
	MEMCLI(&r, "get text-kit k", path, a);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "error: no key 'k' in the memory of 'text-kit'"));
	tu_run_release(&r);
	ck_assert_int_eq(access(path, F_OK), -1);

	MEMCLI(&r, "set text-kit k '{\"a\": [1, true]}'", path, a);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_release(&r);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	MEMCLI(&r, "set text-kit n -5 --ttl 3600", path, a);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_release(&r);
	MEMCLI(&r, "set json-tools k '\"other\"'", path, a);
	ck_assert_msg(r.status == 0, "%s", r.err);
	tu_run_release(&r);
	MEMCLI(&r, "get text-kit k", path, a);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "{\n  \"a\": [\n    1,\n    true\n  ]\n}\n");
	tu_run_release(&r);
	MEMCLI(&r, "get text-kit n", path, a);
	ck_assert_str_eq(r.out, "-5\n");
	tu_run_release(&r);
	MEMCLI(&r, "list", path, a);
	ck_assert_int_eq(r.status, 0);
	json_t *j = json_loads(r.out, 0, NULL);
	json_t *want = json_pack("{s:[s],s:[s,s]}", "json-tools", "k", "text-kit", "k", "n");
	ck_assert_msg(json_equal(j, want), "%s", r.out);
	json_decref(j);
	json_decref(want);
	tu_run_release(&r);
	MEMCLI(&r, "list json-tools", path, a);
	ck_assert_str_eq(r.out, "{\n  \"json-tools\": [\n    \"k\"\n  ]\n}\n");
	tu_run_release(&r);
	MEMCLI(&r, "delete text-kit k", path, a);
	ck_assert_int_eq(r.status, 0);
	tu_run_release(&r);
	MEMCLI(&r, "delete text-kit k", path, a);
	ck_assert_int_eq(r.status, 1);
	tu_run_release(&r);
	MEMCLI(&r, "clear text-kit", path, a);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "{\n  \"deleted\": 1\n}\n");
	tu_run_release(&r);
	MEMCLI(&r, "clear", path, a);
	ck_assert_str_eq(r.out, "{\n  \"deleted\": 1\n}\n");
	tu_run_release(&r);
	MEMCLI(&r, "list", path, a);
	ck_assert_str_eq(r.out, "{}\n");
	tu_run_release(&r);
}
END_TEST

static const struct {
	const char *args, *err;
	int status;
} cli_bad[] = {
	{"", "usage:", 2},
	{"frob", "unknown memory command 'frob'", 2},
	{"get text-kit", "wrong number of arguments for memory get", 2},
	{"set no-such-skill k 1", "unknown skill 'no-such-skill'", 2},
	{"set text-kit k '{bad'", "value is not JSON", 2},
	{"set text-kit k 1 --ttl 0", "--ttl wants whole seconds", 2},
	{"set text-kit k 1 --ttl -3", "--ttl wants whole seconds", 2},
	{"set text-kit k 1 --ttl", "--ttl needs a number of seconds", 2},
	{"get text-kit k --ttl 5", "--ttl is only for memory set", 2},
	{"list --json", "unknown option '--json'", 2},
};

START_TEST(test_cli_bad)
{
	struct tu_run r;
	tu_run(&r, "SKILLC_MEMORY='%s' %s memory %s", path, agent(), cli_bad[_i].args);
	ck_assert_int_eq(r.status, cli_bad[_i].status);
	ck_assert_msg(strstr(r.err, cli_bad[_i].err), "got '%s'", r.err);
	ck_assert_str_eq(r.out, "");
	tu_run_release(&r);
}
END_TEST

START_TEST(test_cli_off_and_bad_file)
{
	struct tu_run r;
	tu_run(&r, "SKILLC_MEMORY=off %s memory path", agent());
	ck_assert_int_eq(r.status, 5);
	ck_assert_ptr_nonnull(strstr(r.err, "memory is off (SKILLC_MEMORY=off)"));
	tu_run_release(&r);
	tu_run(&r, "SKILLC_MEMORY=off %s memory set text-kit k 1", agent());
	ck_assert_int_eq(r.status, 5);
	ck_assert_ptr_nonnull(strstr(r.err, "memory is off"));
	tu_run_release(&r);
	write_file(path, "not a database at all\n", 22);
	tu_run(&r, "SKILLC_MEMORY='%s' %s memory list", path, agent());
	ck_assert_int_eq(r.status, 5);
	ck_assert_ptr_nonnull(strstr(r.err, "is unreadable: file is not a database"));
	tu_run_release(&r);
	/* Commands that do not use memory leave no trace of it. */
	tu_run(&r, "unset SKILLC_MEMORY; XDG_STATE_HOME='%s/st' %s list --json >/dev/null && "
		   "XDG_STATE_HOME='%s/st' %s memory list && test ! -e '%s/st'",
	       tmp, agent(), tmp, agent(), tmp);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "{}\n");
	tu_run_release(&r);
	/* The default place, under XDG_STATE_HOME, made on the first write. */
	tu_run(&r, "unset SKILLC_MEMORY; XDG_STATE_HOME='%s/st' %s memory set text-kit k 1 && "
		   "XDG_STATE_HOME='%s/st' %s memory path", tmp, agent(), tmp, agent());
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "/st/skillc/agent/memory.db\n"));
	tu_run_release(&r);
}
END_TEST

Suite *suite_memory(void)
{
	Suite *s = suite_create("memory");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_namespaces);
	tcase_add_test(tc, test_ttl);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_handle);
	tcase_add_loop_test(tc, test_handle_bad, 0, (int)(sizeof bad_params / sizeof bad_params[0]));
	tcase_add_loop_test(tc, test_bad_file, 0, (int)(sizeof bad_files / sizeof bad_files[0]));
	tcase_add_test(tc, test_damaged_pages);
	tcase_add_test(tc, test_default);
	tcase_add_test(tc, test_off);
	suite_add_tcase(s, tc);
	tc = tcase_create("durability");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_two_writers);
	tcase_add_loop_test(tc, test_kill9, 0, (int)(sizeof kill_after / sizeof kill_after[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cli);
	tcase_add_loop_test(tc, test_cli_bad, 0, (int)(sizeof cli_bad / sizeof cli_bad[0]));
	tcase_add_test(tc, test_cli_off_and_bad_file);
	suite_add_tcase(s, tc);
	return s;
}
