/*
 * memory.c - the persistent memory store (memory.h).
 *
 * One table of rows (namespace, key, JSON text, expiry), and a table of
 * bytes per namespace that triggers keep in step, so the size limits cost
 * an index lookup and not a scan. Every write is one IMMEDIATE transaction:
 * it takes the write lock first (waiting up to busy_ms for another process)
 * and checks the limits against what it will commit.
 */
#include "memory.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"

/* "skm1" in PRAGMA application_id: tells our files from other databases. */
#define MEM_APP_ID 0x736b6d31

struct mem_store {
	sqlite3 *db;
	struct mem_limits lim;
	char msg[512];
};

/* Sizes count bytes, not characters: length() of a TEXT counts characters. */
static const char schema_sql[] =
	"CREATE TABLE kv(ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
	" expires INTEGER, PRIMARY KEY(ns, key)) WITHOUT ROWID;"
	"CREATE INDEX kv_expires ON kv(expires) WHERE expires IS NOT NULL;"
	"CREATE TABLE usage(ns TEXT PRIMARY KEY, bytes INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TRIGGER kv_insert AFTER INSERT ON kv BEGIN"
	" INSERT INTO usage VALUES(new.ns,"
	"  length(CAST(new.key AS BLOB)) + length(CAST(new.value AS BLOB)))"
	" ON CONFLICT(ns) DO UPDATE SET bytes = bytes + excluded.bytes; END;"
	"CREATE TRIGGER kv_update AFTER UPDATE ON kv BEGIN"
	" UPDATE usage SET bytes = bytes"
	"  - length(CAST(old.key AS BLOB)) - length(CAST(old.value AS BLOB))"
	"  + length(CAST(new.key AS BLOB)) + length(CAST(new.value AS BLOB))"
	" WHERE ns = new.ns; END;"
	"CREATE TRIGGER kv_delete AFTER DELETE ON kv BEGIN"
	" UPDATE usage SET bytes = bytes"
	"  - length(CAST(old.key AS BLOB)) - length(CAST(old.value AS BLOB))"
	" WHERE ns = old.ns;"
	" DELETE FROM usage WHERE ns = old.ns AND bytes <= 0; END;";

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(char *err, size_t errn, const char *fmt, ...)
{
	if (err && errn) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errn, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int sfail(struct mem_store *s, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof s->msg, fmt, ap);
	va_end(ap);
	return status;
}

static int db_fail(struct mem_store *s, const char *what)
{
	return sfail(s, MEM_EIO, "memory store: cannot %s: %s", what, sqlite3_errmsg(s->db));
}

void mem_limits_init(struct mem_limits *lim)
{
	*lim = (struct mem_limits){
		.key_max = MEM_KEY_MAX,
		.value_max = MEM_VALUE_MAX,
		.ns_max = MEM_NS_MAX,
		.store_max = MEM_STORE_MAX,
		.busy_ms = MEM_BUSY_MS,
	};
}

static int64_t now(const struct mem_store *s)
{
	return s->lim.now ? s->lim.now(s->lim.now_arg) : (int64_t)time(NULL);
}

const char *mem_error(const struct mem_store *s)
{
	return s ? s->msg : "memory store is not open";
}

/* ---- opening ---- */

/* One integer from a statement such as a PRAGMA; -1 with the message. */
static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Create the file 0600 ourselves: SQLite would make it 0644 less umask. Its
 * -wal and -shm files take the database file's mode. */
static int create_file(const char *path, char *err, size_t errn)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(err, errn, "cannot open memory store '%s': %s", path, strerror(errno));
	struct stat st;
	int rc = fstat(fd, &st);
	close(fd);
	if (rc < 0)
		return fail(err, errn, "cannot stat memory store '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(err, errn, "memory store '%s' is not a regular file", path);
	if (st.st_uid != geteuid())
		return fail(err, errn, "memory store '%s' is not owned by the current user", path);
	return 0;
}

static int init_schema(sqlite3 *db, const char *path, char *err, size_t errn)
{
	char *emsg = NULL;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &emsg) != SQLITE_OK)
		goto fail;
	/* Another process may have set it up while we waited for the lock. */
	int64_t ver = 0;
	if (query_int(db, "PRAGMA user_version", &ver) < 0)
		goto fail;
	if (ver == 0) {
		char sql[sizeof schema_sql + 128];
		snprintf(sql, sizeof sql, "%sPRAGMA application_id = %d; PRAGMA user_version = %d;",
			 schema_sql, MEM_APP_ID, MEM_SCHEMA_VERSION);
		if (sqlite3_exec(db, sql, NULL, NULL, &emsg) != SQLITE_OK)
			goto fail;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, &emsg) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	fail(err, errn, "cannot set up memory store '%s': %s", path, emsg ? emsg : sqlite3_errmsg(db));
	sqlite3_free(emsg);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Ours, empty (new), or refused. */
static int check_file(sqlite3 *db, const char *path, bool *fresh, char *err, size_t errn)
{
	int64_t app = 0, ver = 0, tables = 0;
	/* The first read of the file: a file that is not a database fails here. */
	if (query_int(db, "PRAGMA application_id", &app) < 0 ||
	    query_int(db, "PRAGMA user_version", &ver) < 0 ||
	    query_int(db, "SELECT count(*) FROM sqlite_master", &tables) < 0)
		return fail(err, errn, "memory store '%s' is unreadable: %s", path, sqlite3_errmsg(db));
	*fresh = app == 0 && ver == 0 && tables == 0;
	if (*fresh)
		return 0;
	if (app != MEM_APP_ID)
		return fail(err, errn, "'%s' is not a skillc memory store (another program's database)",
			    path);
	if (ver > MEM_SCHEMA_VERSION)
		return fail(err, errn,
			    "memory store '%s' has schema version %lld; this agent reads up to %d",
			    path, (long long)ver, MEM_SCHEMA_VERSION);
	if (ver < 1)
		return fail(err, errn, "memory store '%s' has no schema version", path);
	return 0;
}

int mem_open(struct mem_store **out, const char *path, const struct mem_limits *lim, char *err,
	     size_t errn)
{
	*out = NULL;
	if (!path || !*path)
		return fail(err, errn, "memory store path is empty");
	if (create_file(path, err, errn) < 0)
		return -1;
	struct mem_store *s = calloc(1, sizeof *s);
	if (!s)
		return fail(err, errn, "out of memory");
	if (lim)
		s->lim = *lim;
	else
		mem_limits_init(&s->lim);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		fail(err, errn, "cannot open memory store '%s': %s", path,
		     s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, (int)(s->lim.busy_ms > INT_MAX ? INT_MAX : s->lim.busy_ms));
	bool fresh = false;
	if (check_file(s->db, path, &fresh, err, errn) < 0)
		goto fail;
	/*
	 * WAL: readers do not block the writer, and a commit is one append.
	 * synchronous=FULL syncs the WAL at each commit, so an acknowledged
	 * write survives power loss too, not only a crash of the process
	 * (which NORMAL would already survive); one fsync per set is small
	 * next to starting the tool that asked for it.
	 */
	char *emsg = NULL;
	sqlite3_stmt *st = NULL;
	const unsigned char *mode = NULL;
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		mode = sqlite3_column_text(st, 0);
	if (!mode || strcmp((const char *)mode, "wal") != 0) {
		fail(err, errn, "cannot put memory store '%s' in WAL mode: %s", path,
		     mode ? (const char *)mode : sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(s->db, "PRAGMA synchronous = FULL", NULL, NULL, &emsg) != SQLITE_OK) {
		fail(err, errn, "cannot set up memory store '%s': %s", path, emsg);
		sqlite3_free(emsg);
		goto fail;
	}
	if (fresh && init_schema(s->db, path, err, errn) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	sqlite3_close(s->db);
	free(s);
	return -1;
}

void mem_close(struct mem_store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s);
}

/* ---- checks ---- */

/* Valid UTF-8 (json_string checks it), not empty, within `max` bytes. */
static int check_name(struct mem_store *s, const char *what, const char *v, size_t max)
{
	if (!v || !*v)
		return sfail(s, MEM_EINVAL, "%s is empty", what);
	size_t len = strlen(v);
	if (len > max)
		return sfail(s, MEM_EINVAL, "%s is %zu bytes, over the limit of %zu", what, len, max);
	json_t *j = json_string(v);
	if (!j)
		return sfail(s, MEM_EINVAL, "%s is not valid UTF-8", what);
	json_decref(j);
	return 0;
}

static int check_ns_key(struct mem_store *s, const char *ns, const char *key)
{
	if (check_name(s, "namespace", ns, s->lim.key_max) < 0)
		return MEM_EINVAL;
	if (key && check_name(s, "key", key, s->lim.key_max) < 0)
		return MEM_EINVAL;
	return 0;
}

/* ---- operations ---- */

static sqlite3_stmt *prepare(struct mem_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(s, "prepare a query");
		return NULL;
	}
	return st;
}

int mem_get(struct mem_store *s, const char *ns, const char *key, char **json_out)
{
	*json_out = NULL;
	int rc = check_ns_key(s, ns, key);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = prepare(s, "SELECT value FROM kv WHERE ns = ?1 AND key = ?2"
				      " AND (expires IS NULL OR expires > ?3)");
	if (!st)
		return MEM_EIO;
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now(s));
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		*json_out = v ? strdup(v) : NULL;
		rc = *json_out ? 0 : sfail(s, MEM_EIO, "out of memory");
	} else if (r == SQLITE_DONE) {
		rc = MEM_ABSENT;
	} else {
		rc = db_fail(s, "read");
	}
	sqlite3_finalize(st);
	return rc;
}

static int exec(struct mem_store *s, const char *sql, const char *what)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : db_fail(s, what);
}

static int begin(struct mem_store *s)
{
	return exec(s, "BEGIN IMMEDIATE", "start a write");
}

static int finish(struct mem_store *s, int rc)
{
	if (rc < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	/* The write is durable (acknowledged) once COMMIT returns. */
	if (exec(s, "COMMIT", "commit") < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return MEM_EIO;
	}
	return rc;
}

/* Drop expired rows: lazily, inside a write that is taking place anyway. */
static int purge(struct mem_store *s)
{
	sqlite3_stmt *st = prepare(s, "DELETE FROM kv WHERE expires <= ?1");
	if (!st)
		return MEM_EIO;
	sqlite3_bind_int64(st, 1, now(s));
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, "drop expired keys");
	sqlite3_finalize(st);
	return rc;
}

/* A single int64 from a statement with ns bound to ?1 (0 when no row). */
static int ns_int(struct mem_store *s, const char *sql, const char *ns, int64_t *out)
{
	sqlite3_stmt *st = prepare(s, sql);
	if (!st)
		return MEM_EIO;
	if (ns)
		sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	*out = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : db_fail(s, "read sizes");
}

static int check_room(struct mem_store *s, const char *ns, const char *key, size_t add)
{
	sqlite3_stmt *st = prepare(s, "SELECT length(CAST(key AS BLOB)) + length(CAST(value AS BLOB))"
				      " FROM kv WHERE ns = ?1 AND key = ?2");
	if (!st)
		return MEM_EIO;
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	int64_t old = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_fail(s, "read sizes");
	int64_t delta = (int64_t)add - old, in_ns = 0, total = 0;
	/* A write that does not grow the store is always let through, so a
	 * store over a lowered limit can still shrink. */
	if (delta <= 0)
		return 0;
	if (ns_int(s, "SELECT bytes FROM usage WHERE ns = ?1", ns, &in_ns) < 0 ||
	    ns_int(s, "SELECT coalesce(sum(bytes), 0) FROM usage", NULL, &total) < 0)
		return MEM_EIO;
	if ((uint64_t)(in_ns + delta) > s->lim.ns_max)
		return sfail(s, MEM_EFULL,
			     "memory of '%s' is full: %lld bytes used, this write adds %lld,"
			     " the limit is %llu",
			     ns, (long long)in_ns, (long long)delta, (unsigned long long)s->lim.ns_max);
	if ((uint64_t)(total + delta) > s->lim.store_max)
		return sfail(s, MEM_EFULL,
			     "memory store is full: %lld bytes used, this write adds %lld,"
			     " the limit is %llu",
			     (long long)total, (long long)delta, (unsigned long long)s->lim.store_max);
	return 0;
}

int mem_set(struct mem_store *s, const char *ns, const char *key, const char *json, size_t len,
	    uint64_t ttl_s)
{
	int rc = check_ns_key(s, ns, key);
	if (rc < 0)
		return rc;
	if (ttl_s > MEM_TTL_MAX)
		return sfail(s, MEM_EINVAL, "ttl %llu is over the limit of %u seconds",
			     (unsigned long long)ttl_s, MEM_TTL_MAX);
	json_error_t jerr;
	json_t *v = json ? json_loadb(json, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr) : NULL;
	if (!v)
		return sfail(s, MEM_EINVAL, "value is not JSON: %s", json ? jerr.text : "none");
	/* Stored compact: the limits count what is kept. */
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	if (!text)
		return sfail(s, MEM_EIO, "out of memory");
	size_t tlen = strlen(text);
	if (tlen > s->lim.value_max) {
		free(text);
		return sfail(s, MEM_EINVAL, "value is %zu bytes, over the limit of %zu", tlen,
			     s->lim.value_max);
	}
	int64_t t = now(s);
	if ((rc = begin(s)) < 0) {
		free(text);
		return rc;
	}
	rc = purge(s);
	if (rc == 0)
		rc = check_room(s, ns, key, strlen(key) + tlen);
	if (rc == 0) {
		sqlite3_stmt *st = prepare(s, "INSERT INTO kv VALUES(?1, ?2, ?3, ?4)"
					      " ON CONFLICT(ns, key) DO UPDATE"
					      " SET value = excluded.value, expires = excluded.expires");
		if (!st) {
			rc = MEM_EIO;
		} else {
			sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, text, (int)tlen, SQLITE_STATIC);
			if (ttl_s)
				sqlite3_bind_int64(st, 4, t + (int64_t)ttl_s);
			else
				sqlite3_bind_null(st, 4);
			rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, "write");
			sqlite3_finalize(st);
		}
	}
	free(text);
	return finish(s, rc);
}

int mem_delete(struct mem_store *s, const char *ns, const char *key, bool *deleted)
{
	*deleted = false;
	int rc = check_ns_key(s, ns, key);
	if (rc < 0 || (rc = begin(s)) < 0)
		return rc;
	/* Expired rows go first, so they do not count as deleted. */
	rc = purge(s);
	if (rc == 0) {
		sqlite3_stmt *st = prepare(s, "DELETE FROM kv WHERE ns = ?1 AND key = ?2");
		if (!st) {
			rc = MEM_EIO;
		} else {
			sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
			rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, "delete");
			*deleted = rc == 0 && sqlite3_changes(s->db) > 0;
			sqlite3_finalize(st);
		}
	}
	rc = finish(s, rc);
	if (rc < 0)
		*deleted = false;
	return rc;
}

int mem_clear(struct mem_store *s, const char *ns, uint64_t *count)
{
	*count = 0;
	int rc = ns ? check_ns_key(s, ns, NULL) : 0;
	if (rc < 0 || (rc = begin(s)) < 0)
		return rc;
	rc = purge(s);
	if (rc == 0) {
		sqlite3_stmt *st = prepare(s, ns ? "DELETE FROM kv WHERE ns = ?1" : "DELETE FROM kv");
		if (!st) {
			rc = MEM_EIO;
		} else {
			if (ns)
				sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
			rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, "delete");
			if (rc == 0)
				*count = (uint64_t)sqlite3_changes(s->db);
			sqlite3_finalize(st);
		}
	}
	rc = finish(s, rc);
	if (rc < 0)
		*count = 0;
	return rc;
}

/* The first column of every row, as a JSON array of strings. */
static int column_list(struct mem_store *s, sqlite3_stmt *st, json_t **out)
{
	json_t *a = json_array();
	int r;
	while (a && (r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		if (json_array_append_new(a, json_string(k ? k : "")) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	if (!a) {
		sqlite3_finalize(st);
		return sfail(s, MEM_EIO, "out of memory");
	}
	int rc = r == SQLITE_DONE ? 0 : db_fail(s, "list");
	sqlite3_finalize(st);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

int mem_list(struct mem_store *s, const char *ns, json_t **keys_out)
{
	*keys_out = NULL;
	int rc = check_ns_key(s, ns, NULL);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = prepare(s, "SELECT key FROM kv WHERE ns = ?1"
				      " AND (expires IS NULL OR expires > ?2) ORDER BY key");
	if (!st)
		return MEM_EIO;
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now(s));
	return column_list(s, st, keys_out);
}

int mem_namespaces(struct mem_store *s, json_t **out)
{
	*out = NULL;
	sqlite3_stmt *st = prepare(s, "SELECT DISTINCT ns FROM kv"
				      " WHERE expires IS NULL OR expires > ?1 ORDER BY ns");
	if (!st)
		return MEM_EIO;
	sqlite3_bind_int64(st, 1, now(s));
	return column_list(s, st, out);
}

/* ---- the callback methods ---- */

static const char *const methods[] = {"memory/get", "memory/set", "memory/list", "memory/delete"};

bool mem_is_method(const char *method)
{
	for (size_t i = 0; method && i < sizeof methods / sizeof *methods; i++)
		if (!strcmp(method, methods[i]))
			return true;
	return false;
}

/* params must be an object whose members are all in `allowed`. */
static int check_params(const char *method, json_t *params, const char *const *allowed,
			char *err, size_t errn)
{
	if (!json_is_object(params))
		return fail(err, errn, "%s: params must be an object", method);
	const char *name;
	json_t *v;
	json_object_foreach(params, name, v) {
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			ok = ok || !strcmp(*a, name);
		if (!ok)
			return fail(err, errn, "%s: unknown parameter '%s'", method, name);
	}
	return 0;
}

/* The "key" member: a string without NUL (the limits are mem_*'s). */
static const char *param_key(const char *method, json_t *params, char *err, size_t errn)
{
	json_t *k = json_object_get(params, "key");
	if (!k) {
		fail(err, errn, "%s: missing parameter 'key'", method);
		return NULL;
	}
	if (!json_is_string(k)) {
		fail(err, errn, "%s: 'key' must be a string", method);
		return NULL;
	}
	if (strlen(json_string_value(k)) != json_string_length(k)) {
		fail(err, errn, "%s: 'key' contains a NUL character", method);
		return NULL;
	}
	return json_string_value(k);
}

static json_t *op_fail(struct mem_store *s, const char *method, char *err, size_t errn)
{
	fail(err, errn, "%s: %s", method, s->msg);
	return NULL;
}

static json_t *handle_set(struct mem_store *s, const char *ns, json_t *params, char *err,
			  size_t errn)
{
	static const char *const allowed[] = {"key", "value", "ttl", NULL};
	const char *m = "memory/set";
	if (check_params(m, params, allowed, err, errn) < 0)
		return NULL;
	const char *key = param_key(m, params, err, errn);
	if (!key)
		return NULL;
	json_t *v = json_object_get(params, "value");
	if (!v) {
		fail(err, errn, "%s: missing parameter 'value'", m);
		return NULL;
	}
	/* null is what memory/get answers for a missing key. */
	if (json_is_null(v)) {
		fail(err, errn, "%s: 'value' must not be null (memory/delete removes a key)", m);
		return NULL;
	}
	uint64_t ttl = 0;
	json_t *t = json_object_get(params, "ttl");
	if (t && !json_is_null(t)) {
		if (!json_is_integer(t) || json_integer_value(t) <= 0) {
			fail(err, errn, "%s: 'ttl' must be a positive whole number of seconds", m);
			return NULL;
		}
		ttl = (uint64_t)json_integer_value(t);
	}
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text) {
		fail(err, errn, "%s: 'value' cannot be encoded", m);
		return NULL;
	}
	int rc = mem_set(s, ns, key, text, strlen(text), ttl);
	free(text);
	if (rc < 0)
		return op_fail(s, m, err, errn);
	return json_pack("{s:b}", "ok", 1);
}

json_t *mem_handle(struct mem_store *s, const char *ns, const char *method, json_t *params,
		   char *err, size_t errn)
{
	static const char *const key_only[] = {"key", NULL};
	static const char *const none[] = {NULL};
	if (!s) {
		fail(err, errn, "memory store is not open");
		return NULL;
	}
	if (!method || !mem_is_method(method)) {
		fail(err, errn, "unknown method '%s'", method ? method : "");
		return NULL;
	}
	if (!strcmp(method, "memory/set"))
		return handle_set(s, ns, params, err, errn);
	if (!strcmp(method, "memory/list")) {
		json_t *empty = NULL;
		if (!params)
			params = empty = json_object();
		int bad = check_params(method, params, none, err, errn);
		json_decref(empty);
		json_t *keys;
		if (bad < 0)
			return NULL;
		if (mem_list(s, ns, &keys) < 0)
			return op_fail(s, method, err, errn);
		return json_pack("{s:o}", "keys", keys);
	}
	if (check_params(method, params, key_only, err, errn) < 0)
		return NULL;
	const char *key = param_key(method, params, err, errn);
	if (!key)
		return NULL;
	if (!strcmp(method, "memory/get")) {
		char *text;
		int rc = mem_get(s, ns, key, &text);
		if (rc < 0)
			return op_fail(s, method, err, errn);
		json_t *v = rc == MEM_ABSENT ? json_null() : json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		free(text);
		if (!v) {
			fail(err, errn, "%s: stored value of '%s' is not JSON", method, key);
			return NULL;
		}
		return json_pack("{s:o}", "value", v);
	}
	bool deleted;
	if (mem_delete(s, ns, key, &deleted) < 0)
		return op_fail(s, method, err, errn);
	return json_pack("{s:b}", "deleted", deleted);
}

/* ---- the agent's store ---- */

/* A directory name of its own: not empty, '.', '..', nor holding '/'. */
static bool name_ok(const char *n)
{
	return *n && strcmp(n, ".") != 0 && strcmp(n, "..") != 0 && !strchr(n, '/');
}

static const char *abs_env(const char *name)
{
	const char *v = getenv(name);
	return v && v[0] == '/' ? v : NULL;
}

/* The directory that holds the default file: <state>/skillc/<agent>.
 * `make`: create it (rc_private_dir); else only compute it. */
static int state_dir(const struct skc_table *t, bool make, char *buf, size_t n, char *err,
		     size_t errn)
{
	const char *agent = skc_str(t, t->agent_name);
	if (!name_ok(agent))
		return fail(err, errn, "agent name '%s' cannot name a directory", agent);
	char base[PATH_MAX], top[PATH_MAX];
	const char *v;
	if ((v = abs_env("XDG_STATE_HOME")) != NULL) {
		if ((size_t)snprintf(base, sizeof base, "%s", v) >= sizeof base)
			return fail(err, errn, "XDG_STATE_HOME is too long");
	} else if ((v = abs_env("HOME")) != NULL) {
		if ((size_t)snprintf(base, sizeof base, "%s/.local/state", v) >= sizeof base)
			return fail(err, errn, "home directory '%s' is too long", v);
	} else {
		return fail(err, errn, "no place for the memory store: set SKILLC_MEMORY, "
				       "XDG_STATE_HOME or HOME");
	}
	if (!make) {
		if ((size_t)snprintf(buf, n, "%s/skillc/%s", base, agent) >= n)
			return fail(err, errn, "memory directory under '%s' is too long", base);
		return 0;
	}
	if (rc_private_dir(base, "skillc", "state directory", top, sizeof top, err, errn) != 0)
		return -1;
	return rc_private_dir(top, agent, "memory directory", buf, n, err, errn) != 0 ? -1 : 0;
}

static int path_in(const struct skc_table *t, bool make, char *buf, size_t n, char *err,
		   size_t errn)
{
	const char *env = getenv("SKILLC_MEMORY");
	if (env && *env) {
		if (!strcmp(env, "off"))
			return 1;
		if ((size_t)snprintf(buf, n, "%s", env) >= n)
			return fail(err, errn, "SKILLC_MEMORY is too long");
		return 0;
	}
	char dir[PATH_MAX];
	if (state_dir(t, make, dir, sizeof dir, err, errn) < 0)
		return -1;
	if ((size_t)snprintf(buf, n, "%s/memory.db", dir) >= n)
		return fail(err, errn, "memory store path under '%s' is too long", dir);
	return 0;
}

int mem_path(const struct skc_table *t, char *buf, size_t n, char *err, size_t errn)
{
	return path_in(t, false, buf, n, err, errn);
}

static struct mem_store *the_store;

int mem_default(const struct skc_table *t, struct mem_store **out, char *err, size_t errn)
{
	*out = NULL;
	if (the_store) {
		*out = the_store;
		return 0;
	}
	char path[PATH_MAX];
	int r = path_in(t, true, path, sizeof path, err, errn);
	if (r == 1)
		return fail(err, errn, "memory is off (SKILLC_MEMORY=off)");
	if (r < 0 || mem_open(&the_store, path, NULL, err, errn) < 0)
		return -1;
	*out = the_store;
	return 0;
}

void mem_default_close(void)
{
	mem_close(the_store);
	the_store = NULL;
}

json_t *mem_serve(const struct skc_table *t, const char *ns, const char *method, json_t *params,
		  char *err, size_t errn)
{
	struct mem_store *s;
	if (mem_default(t, &s, err, errn) < 0)
		return NULL;
	return mem_handle(s, ns, method, params, err, errn);
}
