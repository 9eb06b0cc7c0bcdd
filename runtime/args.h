/*
 * args.h - a tool call's arguments: built from the command line, validated
 * against the tool's parameters, and turned into argv words or stdin.
 *
 * Conventions (other code relies on them):
 *  - Every error is ONE lowercase message without a full stop that names the
 *    parameter in 'single quotes' and says what was expected. Values quoted in
 *    messages are shortened and escaped, so a message is always valid UTF-8.
 *  - A JSON null counts as absent for an optional parameter (models often
 *    send null for "not given"); for a required one it is a type mismatch.
 *  - ra_validate does NOT fill in defaults: the script applies its own, and
 *    a script run by hand must behave the same. It does rewrite an integral
 *    real (3.0) given for an integer parameter or item to the integer 3, so
 *    every style hands the script an integer.
 *  - For an array parameter, the enum constrains each item (argparse
 *    `choices` with `nargs`), not the array itself.
 */
#ifndef RA_ARGS_H
#define RA_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "skc_abi.h"

/*
 * Build an arguments object from `name=value` strings (`--arg name=value`).
 * Values are typed by the parameter: integer strictly ("3", "-2"), number
 * ("3", "-2.5", "1e3"), boolean from true/false/1/0/yes/no (any case; a bare
 * `name` also means true), string verbatim. An array parameter collects one
 * item per repetition, each typed by item_type, or takes one JSON array text
 * ("[1,2]") whose items validation checks later. Repeating a non-array
 * parameter is an error. Unknown names are added as strings so ra_validate
 * can report them with a suggestion. Returns NULL on error.
 */
json_t *ra_from_kv(const struct skc_table *t, const struct skc_tool *tool,
		   const char *const *kv, size_t n, char *err, size_t errn);

/*
 * Check `args` (a JSON object) against the tool's parameters: unknown names
 * first (with a did-you-mean), then each parameter in declared order: type,
 * item types, enum membership, missing required. Returns 0, or -1 with the
 * first problem in err.
 */
int ra_validate(const struct skc_table *t, const struct skc_tool *tool,
		json_t *args, char *err, size_t errn);

/*
 * The words to append after interpreter and script, and the stdin payload,
 * for the tool's args style. `*words` is a malloc'd NULL-terminated vector
 * of malloc'd strings (free with ra_words_free); it is never NULL on
 * success. `*stdin_out` is malloc'd for the JSON style, else NULL.
 *
 * Flags style: flagged parameters in declared order, then positionals; a
 * value beginning with '-' goes as `--flag=value` (`-xvalue` for a one-letter
 * flag); a list given to a value flag is passed like a repeat flag. A "--"
 * word precedes the positionals when one of them begins with '-' or an nargs
 * flag came before them (so it cannot swallow them). An empty array given to
 * an nargs flag omits the flag; an nargs
 * item beginning with '-' (other than a negative number) is refused since
 * argparse would read it as an option. Argv style: declared order up to the
 * last present parameter; a gap is filled from its default or is an error.
 * Unknown names are ignored here (ra_validate reports them). Returns 0, or
 * -1 with a message in err and *words NULL.
 */
int ra_build(const struct skc_table *t, const struct skc_tool *tool,
	     json_t *args, char ***words, char **stdin_out, size_t *stdin_len,
	     char *err, size_t errn);

void ra_words_free(char **words);

/* "string", "integer", "number", "boolean", "array"; "unknown" otherwise. */
const char *ra_type_name(uint8_t type);

/* A parameter's type for messages and `show`: "integer", "array of string". */
const char *ra_param_type(const struct skc_param *p);

#endif
