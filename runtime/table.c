#include "table.h"

#include <string.h>

/* Must match the generator's RENDER_TRAILER. */
#define TBL_TRAILER "SKCDATA1"

const char *tbl_check(const struct skc_table *t)
{
	if (!t || t->magic != SKC_MAGIC)
		return "the tool table is damaged (bad magic)";
	if (t->abi_version != SKC_ABI_VERSION)
		return "the tool table was made for another table ABI version";
	size_t n = sizeof TBL_TRAILER - 1;
	if (t->data_size < n || memcmp(t->data + t->data_size - n, TBL_TRAILER, n) != 0)
		return "the embedded data does not match the tool table";
	return NULL;
}

/* Skills are sorted by name, and each skill's tools by name (skc_abi.h). */
static const struct skc_skill *tbl_skill_n(const struct skc_table *t, const char *name, size_t n)
{
	size_t lo = 0, hi = t->skill_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct skc_skill *s = &t->skills[mid];
		int c = strncmp(skc_str(t, s->name), name, n);
		if (c == 0 && s->name.len != n)
			c = s->name.len < n ? -1 : 1;
		if (c == 0)
			return s;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct skc_skill *tbl_skill(const struct skc_table *t, const char *name)
{
	return tbl_skill_n(t, name, strlen(name));
}

const struct skc_tool *tbl_tool(const struct skc_table *t, const char *wire_name)
{
	/* <skill>__<tool>: skill names hold no '_', so the first "__" splits. */
	const char *sep = strstr(wire_name, "__");
	const struct skc_skill *s = sep ? tbl_skill_n(t, wire_name, (size_t)(sep - wire_name)) : NULL;
	if (!s)
		return NULL;
	size_t lo = s->tool_first, hi = (size_t)s->tool_first + s->tool_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(skc_str(t, t->tools[mid].name), sep + 2);
		if (c == 0)
			return &t->tools[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t tbl_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], best;
		row[0] = i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t v = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[lb];
}

const char *tbl_suggest(const struct skc_table *t, const char *name)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (uint32_t i = 0; i < t->skill_count; i++) {
		const char *s = skc_str(t, t->skills[i].name);
		size_t d = tbl_distance(name, s, 2);
		if (d < best_d)
			best = s, best_d = d;
	}
	for (uint32_t i = 0; i < t->tool_count; i++) {
		const char *s = skc_str(t, t->tools[i].wire_name);
		size_t d = tbl_distance(name, s, 2);
		/* "extract_text" finds "pdf__extract_text". */
		const char *local = skc_str(t, t->tools[i].name);
		if (!strcmp(name, local))
			d = 1;
		if (d < best_d)
			best = s, best_d = d;
	}
	return best;
}
