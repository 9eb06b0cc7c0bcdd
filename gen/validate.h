/*
 * validate.h - check the parsed model as a whole, then settle it: library
 * modules dropped, wire names set, everything sorted, digests computed.
 * After validate_model returns without errors, render may trust the model.
 */
#ifndef VALIDATE_H
#define VALIDATE_H

#include "arena.h"
#include "diag.h"
#include "model.h"

/* Longest wire name every provider and MCP accept. */
#define VAL_WIRE_MAX 64

/* Lenient baking runs it again on what is left, so it must give the same
 * model and diagnostics when run twice. */
void validate_model(struct arena *a, struct diag *d, struct sk_model *m);

/*
 * Lenient baking: skip every skill with an error said about it (to
 * m->skipped, in discovery order), and validate the rest, again and again
 * while skipping one breaks another, until what is left is clean.
 */
void validate_lenient(struct arena *a, struct diag *d, struct sk_model *m);

/* 1 when s is a valid wire name: [A-Za-z0-9_-], 1..VAL_WIRE_MAX bytes. */
int val_wire_name_ok(const char *s);

#endif
