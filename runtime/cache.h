/*
 * cache.h - the extraction cache: a skill's embedded files written once to a
 * private, content-addressed directory (<root>/<skill digest>) that tools run
 * in, and verified before each use.
 */
#ifndef RC_CACHE_H
#define RC_CACHE_H

#include <stddef.h>

#include "skc_abi.h"

/*
 * The cache root: $XDG_CACHE_HOME/skillc, else $HOME/.cache/skillc, else
 * $TMPDIR/skillc-<uid>, else /tmp/skillc-<uid> (only absolute variables
 * count). Created 0700 (parents too) when missing; when it cannot be created
 * under XDG_CACHE_HOME or HOME (read-only home) the temp candidates are tried.
 * Refused if it exists but is not a directory (a symlink is not), is not
 * owned by us, or is group- or world-writable. Returns 0 with the path in
 * `buf`, or -1 with a message in `err` (either may be small; both truncate).
 */
int rc_root(char *buf, size_t n, char *err, size_t errn);

/*
 * <parent>/<name> as a private directory, in `buf`: created 0700 (parents
 * too) when missing, then refused unless it is a directory (not a symlink)
 * owned by us and not group- or world-writable. `what` names it in messages
 * ("cache root"). Returns 0; 1 when it could not be created (the caller may
 * try elsewhere); -1 when refused. `err` says why.
 */
int rc_private_dir(const char *parent, const char *name, const char *what, char *buf, size_t n,
		   char *err, size_t errn);

/*
 * Make sure <root>/<digest of s> holds exactly the skill's files and put that
 * path in `dir`. Every file is checked cheaply (a regular file, its size and
 * mode, owned by us), no other entry may exist, and `verify` (may be NULL; a
 * file of this skill, normally the script about to run) is also checked by
 * its SHA-256. A missing, partial or tampered directory is moved aside,
 * removed and extracted again; extraction writes a temp directory and renames
 * it into place, so concurrent processes are safe. Returns 0, or -1 with a
 * message in `err`.
 */
int rc_skill_dir(const struct skc_table *t, const struct skc_skill *s,
		 const struct skc_file *verify, char *dir, size_t n, char *err, size_t errn);

#endif
