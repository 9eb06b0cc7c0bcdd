/*
 * wasmc.h - compile the model's WASM modules to C with wasm2c, for the
 * agent's build to compile and link:
 *
 *   DIR/wasm/w<hash>.c  wasm2c's C for one module, then the glue that
 *                       defines `const struct skc_wasm skc_wasm_w<hash>`
 *   DIR/wasm/w<hash>.h  wasm2c's header
 *
 * Modules are named by the SHA-256 of their stripped code, so the same
 * module in two skills is compiled once, and a module already translated
 * by an earlier bake is kept rather than translated again. Files of
 * modules no longer in the set are removed. Each pair is written in a
 * scratch directory and renamed into place, the .c last.
 */
#ifndef WASMC_H
#define WASMC_H

#include "arena.h"
#include "diag.h"
#include "model.h"

/* Set each module's c_name ("w" + 24 hex digits of its code's SHA-256). */
void wc_name_modules(struct arena *a, struct sk_model *m);

/*
 * Translate every module into out_dir/wasm. wasm2c is $SKILLC_WASM2C, else
 * `wasm2c` on PATH. 0, or -1 after an error diagnostic.
 */
int wc_translate(struct arena *a, struct diag *d, const struct sk_model *m, const char *out_dir);

#endif
