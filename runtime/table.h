/*
 * table.h - lookups over the baked table, and its start-up check.
 */
#ifndef TBL_TABLE_H
#define TBL_TABLE_H

#include <stddef.h>

#include "skc_abi.h"

/* Magic, ABI version and the data trailer. NULL, or a sentence on what is wrong. */
const char *tbl_check(const struct skc_table *t);

const struct skc_skill *tbl_skill(const struct skc_table *t, const char *name);
const struct skc_tool *tbl_tool(const struct skc_table *t, const char *wire_name);

/* The skill or tool name closest to `name` (edit distance <= 2), or NULL. */
const char *tbl_suggest(const struct skc_table *t, const char *name);

/* Edit distance of two strings, giving up (returning > limit) past `limit`. */
size_t tbl_distance(const char *a, const char *b, size_t limit);

#endif
