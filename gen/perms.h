/*
 * perms.h - a manifest's `permissions` and `secrets`: what a script tool may
 * do once it runs (skc_perms), checked at build time.
 *
 *   permissions:              # at the manifest root: every tool of the skill
 *     files:
 *       read: [/var/log, ~/notes]   # absolute, "~" or "~/..."
 *       write: [~/out]              # write implies read
 *     network: false               # true, or a list of hosts ("api.x.com",
 *                                  # "*.x.com", "10.0.0.1:8080")
 *     limits:
 *       memory: 512m               # bytes of data; k m g t (1024-based)
 *       processes: 32
 *       file_size: 100m
 *       cpu: 30s                   # CPU seconds; s m h
 *     env: [LANG_HINT]             # WASM tools: variables passed by name
 *     clock: true                  # WASM tools: the WASI clock calls
 *     random: true                 # WASM tools: the WASI random call
 *   secrets:                  # environment variables passed from the agent
 *     - GITHUB_TOKEN
 *     - {name: API_KEY, required: true}
 *
 * The same two keys inside a tool entry apply to that tool and replace the
 * skill's field by field (files.read, files.write, network, each limit,
 * secrets, env, clock, random).
 */
#ifndef PERMS_H
#define PERMS_H

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "yml.h"

/* Most entries in one list: far beyond a real tool, cheap on hostile input. */
#define PM_MAX_ITEMS 64

/* Read a `permissions` mapping into p; errors are reported at their node. */
void pm_parse(struct arena *a, struct diag *d, const char *path, const struct yml_node *v,
	      struct sk_perms *p);

/* Read a `secrets` list into p. */
void pm_parse_secrets(struct arena *a, struct diag *d, const char *path,
		      const struct yml_node *v, struct sk_perms *p);

/* Take every field that p does not give from base. */
void pm_inherit(struct sk_perms *p, const struct sk_perms *base);

/* 1 when s is usable as a secret's variable name: [A-Za-z_][A-Za-z0-9_]*,
 * at most 128 bytes, and not a name the runtime sets itself. */
int pm_secret_name_ok(const char *s);

#endif
