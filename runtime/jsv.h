/*
 * jsv.h - a small JSON Schema validator for a fixed subset of keywords.
 *
 * Supported (draft 2020-12 meaning):
 *   type (a name or a list of names: object array string number integer
 *   boolean null), properties, required, additionalProperties (boolean or
 *   schema), items (one schema), enum, const, minimum, maximum,
 *   exclusiveMinimum, exclusiveMaximum (numbers), minLength, maxLength (in
 *   Unicode code points), minItems, maxItems.
 * Accepted and ignored (annotations): title, description, default, examples,
 *   $schema, $comment, format, deprecated, readOnly, writeOnly.
 * A schema is an object, or true/false (anything / nothing).
 *
 * Conventions:
 *  - "integer" is a JSON integer or a real with no fractional part; numbers
 *    compare by value in enum and const (1 equals 1.0).
 *  - Schemas nest at most JSV_MAX_DEPTH levels; deeper is an error, never a
 *    deep recursion.
 *  - jsv_check trusts its schema to have passed jsv_supported: a keyword it
 *    does not know, or one of the wrong form, is ignored.
 *  - Every message is one lowercase line without a full stop; names and
 *    values in it are shortened and control bytes escaped, so it is valid
 *    UTF-8 and safe to print.
 *  - A location is a JSON Pointer ("/items/2/name"; "" is the root). The
 *    combined messages read "at '/items/2/name': ..." or "at the root: ...".
 */
#ifndef JSV_H
#define JSV_H

#include <stddef.h>

#include <jansson.h>

#define JSV_MAX_DEPTH 64

/*
 * 0 when `value` conforms to `schema`, else -1 with one message in err
 * naming the location in the value and what was expected.
 */
int jsv_check(const json_t *schema, const json_t *value, char *err, size_t errn);

/*
 * 0 when every keyword in `schema` (recursively) is in the supported subset
 * and well-formed, else -1 with a message naming the keyword and its JSON
 * Pointer within the schema.
 */
int jsv_supported(const json_t *schema, char *err, size_t errn);

/*
 * The same two, with the JSON Pointer and the message apart (for callers
 * that map the pointer to a place in a source file). Either buffer may be
 * NULL.
 */
int jsv_check_at(const json_t *schema, const json_t *value, char *ptr, size_t ptrn, char *msg,
		 size_t msgn);
int jsv_supported_at(const json_t *schema, char *ptr, size_t ptrn, char *msg, size_t msgn);

#endif
