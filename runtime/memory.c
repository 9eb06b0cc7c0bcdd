#include "memory.h"
#include <stdio.h>
int mem_default(const struct skc_table *t, struct mem_store **out, char *err, size_t errn)
{
	(void)t;
	*out = NULL;
	snprintf(err, errn, "memory is not available");
	return -1;
}
json_t *mem_handle(struct mem_store *s, const char *ns, const char *method, json_t *params,
		   char *err, size_t errn)
{
	(void)s; (void)ns; (void)method; (void)params;
	snprintf(err, errn, "memory is not available");
	return NULL;
}
