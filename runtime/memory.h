/* memory.h - placeholder until the memory store lands. */
#ifndef MEM_MEMORY_H
#define MEM_MEMORY_H
#include <jansson.h>
#include <stddef.h>
#include "skc_abi.h"
struct mem_store;
int mem_default(const struct skc_table *t, struct mem_store **out, char *err, size_t errn);
json_t *mem_handle(struct mem_store *s, const char *ns, const char *method, json_t *params,
		   char *err, size_t errn);
#endif
