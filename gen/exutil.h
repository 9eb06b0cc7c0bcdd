/*
 * exutil.h - what the script extractors share: a growable text buffer, text
 * cleaning into valid UTF-8, literal-to-JSON conversions, tree-sitter parsing
 * in segments, and positional parameters inferred from argv reads.
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

/*
 * Positional parameters inferred from how a script reads its arguments
 * (`sys.argv[N]`, `$N`), its argument count checks and its `Usage:` text.
 * Indexes count from 1, as `$1` and `sys.argv[1]` do.
 */
/* Reads looked at in context; more say nothing new (libtree-sitter 0.20 finds
 * a node's parent by walking down from the root, so each costs). */
enum { EXU_ARGV_MAX = 32, EXU_ARGV_READS = 1024 };

struct exu_pos {
	const char *name;         /* the variable it is assigned to; NULL: none */
	const char *desc;         /* from a comment; NULL: none */
	const char *default_json; /* NULL: none */
	uint8_t type;             /* enum skc_type; 0 (string) unless converted */
	bool read, guarded, bare; /* read at all; under a count guard or with a default; without */
	struct sk_loc loc;        /* the first read */
};

/* An argument a `Usage:` text names. */
struct exu_uword {
	const char *name, *text;
	bool optional, list;
};

struct exu_argv {
	struct exu_pos pos[EXU_ARGV_MAX + 1];
	unsigned max;   /* highest index read */
	unsigned reads; /* reads recorded, up to EXU_ARGV_READS */
	int min;        /* arguments a count check requires; -1: no check */
	struct exu_uword usage[EXU_ARGV_MAX]; /* from the first `Usage:` naming any */
	size_t n_usage;
	bool usage_more; /* it named more than EXU_ARGV_MAX */
	struct sk_loc usage_loc;
	bool warned;    /* an index out of range was reported */
	const char *tool; /* its name, for diagnostics */
};

void exu_argv_init(struct exu_argv *v, const char *tool);
/* Record a read of argument k (from source text); NULL when k is out of
 * range or EXU_ARGV_READS reads were recorded already. */
struct exu_pos *exu_argv_read(struct ex_ctx *cx, struct exu_argv *v, const char *k, size_t klen,
			      struct sk_loc at);
/* A check `count OP n` on the number of arguments (program name not counted). */
void exu_argv_count(struct exu_argv *v, const char *op, size_t oplen, long long n);
/*
 * The arguments the `Usage:` text s (what follows the colon) names: *n
 * placeholders, each with its name (sanitised; NULL when nothing usable is
 * left), text and whether it is optional ([x]) or a list (x...). *more: more
 * than EXU_ARGV_MAX. False when it names none.
 */
bool exu_usage_parse(struct arena *a, const char *s, size_t len, struct exu_uword *w, size_t *n,
		     bool *more);
/* Remember the first usage text in s (a string or comment) that names arguments. */
void exu_argv_usage(struct exu_argv *v, struct arena *a, const char *s, size_t len, struct sk_loc at);
/* A parameter name from free text: lowercase [a-z0-9_]; NULL when nothing is left. */
char *exu_param_name(struct arena *a, const char *s, size_t len);
/*
 * Add the inferred positional parameters to the tool, in argument order;
 * doc(name) may supply descriptions declared elsewhere. Returns how many.
 */
size_t exu_argv_params(struct ex_ctx *cx, struct sk_tool *t, struct exu_argv *v,
		       const char *(*doc)(void *ctx, const char *name), void *docctx, bool *capped);

#endif
