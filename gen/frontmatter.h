/*
 * frontmatter.h - a SKILL.md: YAML frontmatter checked against the
 * agentskills.io rules, and the Markdown body.
 *
 * Spec violations that still leave a usable skill are warnings (-Werror makes
 * them errors); what makes a skill impossible to bake is an error.
 *
 * The baked name is the `name` value exactly as written, whenever it is
 * usable: at most 64 characters, all of [A-Za-z0-9_.-]. It is not lowercased
 * or otherwise repaired; a name that breaks only the spec's stricter rules
 * (lowercase, hyphens, equal to the directory) gets a warning and is kept.
 */
#ifndef FRONTMATTER_H
#define FRONTMATTER_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "model.h"

enum {
	FM_NAME_MAX = 64,
	FM_DESCRIPTION_MAX = 1024,
	FM_COMPATIBILITY_MAX = 500,
};

/*
 * Parse SKILL.md text src[0..len) (may hold NUL bytes) shown as `path`, for
 * a skill directory whose base name is `dirname` (NULL: not checked). Fills
 * skill->name, description, body, license, compatibility, allowed_tools,
 * metadata, name_loc and skill_md from what the file gives; a field it does
 * not give (or gives unusably) is left as it was, so a caller may preset
 * skill->name (say, to dirname) to keep later messages readable. A repeated
 * key: the last usable value wins.
 *
 * Returns 0 when the skill can be baked, -1 when it cannot (no frontmatter,
 * YAML syntax error, no usable name or description); the reason has been
 * reported through d.
 */
int fm_parse(struct arena *a, struct diag *d, struct sk_skill *skill, const char *path,
	     const char *src, size_t len, const char *dirname);

#endif
