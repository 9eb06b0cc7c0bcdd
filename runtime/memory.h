/*
 * memory.h - the agent's persistent memory: JSON values under string keys,
 * one namespace per skill, kept in an SQLite file that outlives the process.
 * Skills reach it through the memory/get, memory/set, memory/list and
 * memory/delete callback methods, which the agent (not the script) answers
 * with mem_handle; `agent memory` inspects it.
 *
 * Durable: an acknowledged set survives a crash of the process and of the
 * machine (WAL, synchronous=FULL). Several processes may share one file.
 * A store is used by one thread at a time.
 */
#ifndef MEM_MEMORY_H
#define MEM_MEMORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "skc_abi.h"

/* Defaults of struct mem_limits. */
#define MEM_KEY_MAX 256u                           /* bytes of a key */
#define MEM_VALUE_MAX (256u * 1024)                /* bytes of a value's JSON text */
#define MEM_NS_MAX ((uint64_t)4 * 1024 * 1024)     /* keys + values of one skill */
#define MEM_STORE_MAX ((uint64_t)64 * 1024 * 1024) /* keys + values of all skills */
#define MEM_BUSY_MS 10000u                         /* wait for another writer */
#define MEM_TTL_MAX 3153600000u                    /* 100 years, in seconds */

/* The file's schema, in PRAGMA user_version. */
#define MEM_SCHEMA_VERSION 1

struct mem_store;

struct mem_limits {
	size_t key_max;
	size_t value_max; /* of the compact JSON text */
	uint64_t ns_max;  /* sum of the bytes of keys and values, per namespace */
	uint64_t store_max;
	unsigned busy_ms;
	/* The clock in seconds since the epoch; NULL: time(). For tests. */
	int64_t (*now)(void *arg);
	void *now_arg;
};

/* Results besides 0. Errors leave a message in mem_error(). */
enum mem_status {
	MEM_ABSENT = 1,   /* mem_get: no such key, or it expired */
	MEM_EIO = -1,     /* the database failed */
	MEM_EINVAL = -2,  /* bad namespace, key, value or ttl */
	MEM_EFULL = -3,   /* the write would pass a size limit; nothing changed */
};

void mem_limits_init(struct mem_limits *lim);

/*
 * Open (creating it 0600 when missing) the store at `path`, in WAL mode.
 * A file that is not an SQLite database, another program's database or a
 * newer schema is refused. `lim` NULL: the defaults. Returns 0, or -1 with
 * a message in `err`.
 */
int mem_open(struct mem_store **out, const char *path, const struct mem_limits *lim, char *err,
	     size_t errn);
void mem_close(struct mem_store *s);

/* The message of the last failed call on `s`. */
const char *mem_error(const struct mem_store *s);

/* The value's JSON text (free() it) in *json_out: 0, MEM_ABSENT, or < 0. */
int mem_get(struct mem_store *s, const char *ns, const char *key, char **json_out);
/*
 * Store `json` (len bytes of one JSON value, kept compact) under ns/key,
 * replacing any value; ttl_s > 0: it expires that many seconds from now.
 * 0, or < 0 (MEM_EFULL: over a limit, and nothing changed).
 */
int mem_set(struct mem_store *s, const char *ns, const char *key, const char *json, size_t len,
	    uint64_t ttl_s);
/* *deleted: whether an unexpired key was there. 0 or < 0. */
int mem_delete(struct mem_store *s, const char *ns, const char *key, bool *deleted);
/* The unexpired keys of ns, sorted bytewise, as a new JSON array. 0 or < 0. */
int mem_list(struct mem_store *s, const char *ns, json_t **keys_out);
/* The namespaces that hold unexpired keys, sorted, as a new JSON array. */
int mem_namespaces(struct mem_store *s, json_t **out);
/* Delete every key of ns (NULL: of every namespace); *count: how many. */
int mem_clear(struct mem_store *s, const char *ns, uint64_t *count);

/* Whether `method` is one of the memory/ methods mem_handle serves. */
bool mem_is_method(const char *method);

/*
 * Serve one callback request for skill `ns`:
 *   memory/get {key}               -> {"value": <JSON or null>}
 *   memory/set {key, value, ttl?}  -> {"ok": true}
 *   memory/list {}                 -> {"keys": [...]}
 *   memory/delete {key}            -> {"deleted": true|false}
 * `params` may be NULL for memory/list. Returns the result (the caller owns
 * it), or NULL with the reason in `err` (bad params, a limit, the database).
 */
json_t *mem_handle(struct mem_store *s, const char *ns, const char *method, json_t *params,
		   char *err, size_t errn);

/*
 * Where this agent's store lives, in `buf`: $SKILLC_MEMORY, else
 * $XDG_STATE_HOME/skillc/<agent>/memory.db, else
 * $HOME/.local/state/skillc/<agent>/memory.db. Touches nothing on disk.
 * Returns 0; 1 when SKILLC_MEMORY=off; -1 with a message in `err`.
 */
int mem_path(const struct skc_table *t, char *buf, size_t n, char *err, size_t errn);

/*
 * The agent's own store, opened on first use (its directories created
 * 0700) and kept open until mem_default_close. Returns 0, or -1 with a
 * message in `err` ("memory is off" under SKILLC_MEMORY=off).
 */
int mem_default(const struct skc_table *t, struct mem_store **out, char *err, size_t errn);
void mem_default_close(void);

/* mem_default then mem_handle: all the protocol code needs. */
json_t *mem_serve(const struct skc_table *t, const char *ns, const char *method, json_t *params,
		  char *err, size_t errn);

#endif
