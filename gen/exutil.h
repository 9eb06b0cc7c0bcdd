/*
 * exutil.h - what the Bash and JavaScript extractors share: a growable text
 * buffer, text cleaning into valid UTF-8, literal-to-JSON conversions, and
 * tree-sitter parsing in segments.
 */
#ifndef EXUTIL_H
#define EXUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "model.h"

/*
 * libtree-sitter 0.20.7 truncates the child count of a node with 65536+
 * children (error recovery on hostile input makes them) and then frees a
 * bad pointer when the tree is deleted. A segment under 64 KiB cannot hold
 * that many tokens. A construct spanning a cut (rare: scripts are small)
 * reads as a syntax error in both halves.
 */
enum { EXU_SEGMENT = 60 * 1024 };

struct exu_buf {
	char *p;
	size_t n, cap;
};

void exu_putn(struct arena *a, struct exu_buf *b, const char *s, size_t n);
void exu_puts(struct arena *a, struct exu_buf *b, const char *s);
/* Length of the valid UTF-8 sequence at s, 0 when it is not valid. */
size_t exu_utf8_len(const unsigned char *s, size_t n);
/* Valid UTF-8 (bad bytes as U+FFFD), control bytes as spaces, white space collapsed. */
char *exu_clean(struct arena *a, const char *s, size_t n);
/* s as a JSON string literal. */
char *exu_json_str(struct arena *a, const char *s);
bool exu_is_integer(const char *s);
bool exu_is_number(const char *s);
/* s with leading and trailing spaces cut, in place. */
char *exu_trim(char *s);
/* s without one level of matching quotes. */
char *exu_unquote(struct arena *a, const char *s);
/* The JSON text of a literal for a parameter type, or NULL when it does not fit. */
const char *exu_value_json(struct arena *a, uint8_t type, const char *text);
/* "string", "integer", ... */
const char *exu_type_word(uint8_t t);

/* More than this is not a tool anyone calls; it also bounds duplicate checks. */
enum { EXU_MAX_PARAMS = 256 };

/* Add p to the tool unless its name is taken (a warning and a note at the
 * first) or the tool is full (one warning, then *capped is set). */
void exu_push_param(struct arena *a, struct diag *d, struct sk_tool *t, const struct sk_param *p,
		    bool *capped);

/* A parse abandoned past this warns rather than hang the build. */
#define EXU_PARSE_TIMEOUT_US (20u * 1000 * 1000)

/* A script parsed in segments: one tree and root node per segment. */
struct exu_parse {
	TSParser *parser;
	TSTree **trees;
	size_t n_trees, cap_trees;
	TSNode *roots;
	size_t n_roots, cap_roots;
};

/*
 * Parse a tool's script with lang. -1 after a warning when the file is too
 * large to parse at all; a parse that runs out of time warns and keeps what
 * it has. Release with exu_parse_release either way.
 */
int exu_parse_script(struct exu_parse *ps, struct ex_ctx *cx, const struct sk_tool *tool,
		     const TSLanguage *lang, const char *src, size_t len);
void exu_parse_release(struct exu_parse *ps);

#endif
