/*
 * wasm.c - a decoder of the WebAssembly binary format, deep enough to tell
 * whether wasm2c 1.0.32 and the runtime's WASI shim can take a module.
 *
 * It is not a validator (wasm2c validates); it checks structure, the
 * command ABI, imports against the shim, and walks every instruction with
 * its immediates to find proposals wasm2c cannot translate. Every read is
 * bounded by its section or function body, so hostile input ends in a
 * diagnostic. A structural fault stops the walk, since nothing after it can
 * be trusted; ABI and feature faults are collected and all reported.
 */
#include "wasm.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../runtime/text.h"
#include "../runtime/wasi.h"

/* Value types (single bytes in every encoding this checker accepts). */
enum {
	WM_I32 = 0x7F,
	WM_I64 = 0x7E,
	WM_F32 = 0x7D,
	WM_F64 = 0x7C,
	WM_V128 = 0x7B,
	WM_FUNCREF = 0x70,
	WM_EXTERNREF = 0x6F,
};

#define WM_NONE UINT32_MAX /* no function: a declaration outside code */

/* Proposals wasm2c 1.0.32 does not translate by default. */
enum wm_feature {
	WM_F_SIMD,
	WM_F_THREADS,
	WM_F_TAIL,
	WM_F_EH,
	WM_F_GC,
	WM_F_MULTIMEM,
	WM_F_CONST,
	WM_F_COUNT
};

static const struct {
	const char *what, *fix;
} wm_features[WM_F_COUNT] = {
	[WM_F_SIMD] = {"SIMD (v128) instructions",
		       "build without -msimd128 (Rust: without -C target-feature=+simd128)"},
	[WM_F_THREADS] = {"atomic (threads) instructions",
			  "build for wasm32-wasip1 without -pthread or -matomics "
			  "(not wasm32-wasip1-threads)"},
	[WM_F_TAIL] = {"tail calls (return_call)",
		       "build without -mtail-call (Rust: without -C target-feature=+tail-call)"},
	[WM_F_EH] = {"exception handling (try, catch, throw)",
		     "build without -fwasm-exceptions (C++: -fno-exceptions; Rust: panic=abort)"},
	[WM_F_GC] = {"typed function references or GC",
		     "build without the function-references and gc features"},
	[WM_F_MULTIMEM] = {"multiple memories", "link the module with a single memory"},
	[WM_F_CONST] = {"extended constant expressions", "build without -mextended-const"},
};

static const char *const wm_section_names[] = {
	"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "data count", "tag",
};

/* Where each known section may appear: ids by rank, custom sections aside. */
static const uint8_t wm_rank[14] = {
	[1] = 1, [2] = 2, [3] = 3, [4] = 4, [5] = 5, [13] = 6, [6] = 7,
	[7] = 8, [8] = 9, [9] = 10, [12] = 11, [10] = 12, [11] = 13,
};

enum { WM_KIND_FUNC, WM_KIND_TABLE, WM_KIND_MEMORY, WM_KIND_GLOBAL, WM_KIND_TAG };
static const char *const wm_kind_names[] = {"function", "table", "memory", "global", "tag"};

struct wm_type {
	const uint8_t *params, *results; /* value type bytes, in the input */
	uint32_t np, nr;
};

struct wm_seen {
	bool any;
	size_t off;      /* first occurrence */
	uint32_t func;   /* its function, or WM_NONE */
	uint32_t nfuncs; /* functions that use it */
	uint32_t last;   /* the last function counted */
};

/* A bounded reader: absolute offsets into the input, and what it reads. */
struct wm_rd {
	size_t pos, end;
	const char *in;
};

struct wm_ctx {
	struct arena *a;
	struct diag *d;
	const char *path;
	const uint8_t *b;
	size_t len;
	uint32_t mem_cap;
	bool bad; /* the walk stopped: a structural fault or an untranslatable proposal */

	struct wm_type *types;
	uint32_t ntypes;
	uint32_t *func_types; /* type of every function: imports first */
	size_t nfuncs, cap_funcs;
	uint32_t nfunc_imports, ndefined;
	bool has_funcsec, has_code;
	uint32_t ntables, nmems, nglobals, nelems, ndata;
	bool has_datacount;
	uint32_t datacount;
	bool mem64;
	uint32_t mem_min, mem_max;

	/* exports the command ABI needs */
	bool has_start, has_memory, has_initialize;
	uint8_t start_kind, memory_kind;
	uint32_t start_idx;
	size_t start_off, memory_off;

	const uint8_t *tool;
	size_t tool_len, tool_off;

	struct wm_seen seen[WM_F_COUNT];
};

enum wm_res { WM_OK, WM_BAD, WM_STOP };

/* ---- diagnostics ------------------------------------------------------ */

static void wm_err(struct wm_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wm_err(struct wm_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	diag_error(c->d, c->path, 0, 0, "%s", msg);
}

static void wm_note(struct wm_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wm_note(struct wm_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	diag_note(c->d, c->path, 0, 0, "%s", msg);
}

/* A structural fault: reported once, and the walk stops. */
static void wm_bad(struct wm_ctx *c, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void wm_bad(struct wm_ctx *c, size_t off, const char *fmt, ...)
{
	if (c->bad)
		return;
	c->bad = true;
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	diag_error(c->d, c->path, 0, 0, "malformed module at offset 0x%zx: %s", off, msg);
}

/* Note a proposal's use; each function counts once. */
static void wm_feature(struct wm_ctx *c, enum wm_feature f, size_t off, uint32_t func)
{
	struct wm_seen *s = &c->seen[f];
	if (!s->any) {
		s->any = true;
		s->off = off;
		s->func = func;
		s->last = WM_NONE;
	}
	if (func != WM_NONE && func != s->last) {
		s->nfuncs++;
		s->last = func;
	}
}

static const char *wm_s(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* A name from the input, printable and short, for a message. */
static const char *wm_show(struct wm_ctx *c, size_t off, size_t n)
{
	size_t cut = n > 64 ? 64 : n;
	while (cut < n && cut > 0 && (c->b[off + cut] & 0xC0) == 0x80)
		cut--; /* keep UTF-8 sequences whole */
	char *s = arena_alloc(c->a, cut * 4 + 4), *p = s;
	for (size_t i = 0; i < cut; i++) {
		uint8_t ch = c->b[off + i];
		if (ch < 0x20 || ch == 0x7F || ch == '\'' || ch == '\\')
			p += sprintf(p, "\\x%02x", ch);
		else
			*p++ = (char)ch;
	}
	if (cut < n)
		memcpy(p, "...", 3);
	return s;
}

/* "(i32, i64) -> i32", from value type bytes. */
static const char *wm_valname(uint8_t t)
{
	switch (t) {
	case WM_I32: return "i32";
	case WM_I64: return "i64";
	case WM_F32: return "f32";
	case WM_F64: return "f64";
	case WM_V128: return "v128";
	case WM_FUNCREF: return "funcref";
	case WM_EXTERNREF: return "externref";
	}
	return "?";
}

static void wm_list(struct arena *a, char **s, const uint8_t *t, uint32_t n, bool paren)
{
	const uint32_t show = 12;
	if (paren || n != 1)
		*s = arena_printf(a, "%s(", *s);
	for (uint32_t i = 0; i < n && i < show; i++)
		*s = arena_printf(a, "%s%s%s", *s, i ? ", " : "", wm_valname(t[i]));
	if (n > show)
		*s = arena_printf(a, "%s, ... %u in all", *s, n);
	if (paren || n != 1)
		*s = arena_printf(a, "%s)", *s);
}

static const char *wm_type_str(struct wm_ctx *c, const struct wm_type *t)
{
	char *s = arena_strdup(c->a, "");
	wm_list(c->a, &s, t->params, t->np, true);
	s = arena_printf(c->a, "%s -> ", s);
	wm_list(c->a, &s, t->results, t->nr, false);
	return s;
}

/* A shim signature ("iIi)i") in the same notation. */
static const char *wm_sig_str(struct wm_ctx *c, const char *sig)
{
	uint8_t buf[2][32];
	uint32_t n[2] = {0, 0};
	int side = 0;
	for (const char *p = sig; *p; p++) {
		if (*p == ')')
			side = 1;
		else if (n[side] < sizeof buf[0])
			buf[side][n[side]++] = *p == 'I' ? WM_I64 : WM_I32;
	}
	struct wm_type t = {buf[0], buf[1], n[0], n[1]};
	return wm_type_str(c, &t);
}

static bool wm_sig_eq(const struct wm_type *t, const char *sig)
{
	const char *p = sig;
	for (uint32_t i = 0; i < t->np; i++, p++) {
		char want = t->params[i] == WM_I32 ? 'i' : t->params[i] == WM_I64 ? 'I' : '?';
		if (*p != want)
			return false;
	}
	if (*p++ != ')')
		return false;
	for (uint32_t i = 0; i < t->nr; i++, p++) {
		char want = t->results[i] == WM_I32 ? 'i' : t->results[i] == WM_I64 ? 'I' : '?';
		if (*p != want)
			return false;
	}
	return *p == '\0';
}

/* ---- reading ---------------------------------------------------------- */

static bool rd_end(struct wm_ctx *c, struct wm_rd *r)
{
	wm_bad(c, r->pos, "unexpected end of %s", r->in);
	return false;
}

static bool rd_byte(struct wm_ctx *c, struct wm_rd *r, uint8_t *out)
{
	if (r->pos >= r->end)
		return rd_end(c, r);
	*out = c->b[r->pos++];
	return true;
}

static bool rd_skip(struct wm_ctx *c, struct wm_rd *r, uint64_t n)
{
	if (n > r->end - r->pos)
		return rd_end(c, r);
	r->pos += (size_t)n;
	return true;
}

/*
 * LEB128 of at most `bits` bits. The last byte a width allows must carry no
 * continuation and, in the bits past the width, only zeros (unsigned) or
 * copies of the sign: anything else is an overflow the spec rejects.
 */
static bool rd_leb(struct wm_ctx *c, struct wm_rd *r, unsigned bits, bool sign, uint64_t *out)
{
	size_t start = r->pos;
	unsigned max = (bits + 6) / 7;
	uint64_t v = 0;
	for (unsigned i = 0;; i++) {
		uint8_t byte;
		if (!rd_byte(c, r, &byte))
			return false;
		v |= (uint64_t)(byte & 0x7F) << (7 * i);
		if (i == max - 1) {
			unsigned used = bits - 7 * i;
			unsigned rest = (byte & 0x7Fu) >> (sign ? used - 1 : used);
			bool ok = !(byte & 0x80) &&
				  (rest == 0 || (sign && rest == (0x7Fu >> (used - 1))));
			if (!ok) {
				wm_bad(c, start, "integer too large for %u bits (LEB128 overflow)", bits);
				return false;
			}
		}
		if (!(byte & 0x80)) {
			unsigned shift = 7 * (i + 1);
			if (sign && shift < 64 && (byte & 0x40))
				v |= ~(uint64_t)0 << shift;
			*out = v;
			return true;
		}
	}
}

static bool rd_u32(struct wm_ctx *c, struct wm_rd *r, uint32_t *out)
{
	uint64_t v;
	if (!rd_leb(c, r, 32, false, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool rd_skip_leb(struct wm_ctx *c, struct wm_rd *r, unsigned bits, bool sign)
{
	uint64_t v;
	return rd_leb(c, r, bits, sign, &v);
}

/* A vector's length; each element takes at least `unit` bytes, so a count
 * the rest of the reader cannot hold is refused before anything is sized
 * by it. */
static bool rd_count(struct wm_ctx *c, struct wm_rd *r, size_t unit, const char *what,
		     uint32_t *n)
{
	size_t start = r->pos;
	if (!rd_u32(c, r, n))
		return false;
	if ((uint64_t)*n * unit > r->end - r->pos) {
		wm_bad(c, start, "%u %s do not fit in the rest of %s", *n, what, r->in);
		return false;
	}
	return true;
}

/* A name: its bytes stay in the input, and must be UTF-8. */
static bool rd_name(struct wm_ctx *c, struct wm_rd *r, size_t *off, size_t *n)
{
	uint32_t len;
	if (!rd_count(c, r, 1, "name bytes", &len))
		return false;
	*off = r->pos;
	*n = len;
	for (size_t i = 0; i < len;) {
		size_t k = txt_utf8_len(c->b + r->pos + i, len - i);
		if (!k) {
			wm_bad(c, r->pos + i, "a name is not valid UTF-8");
			return false;
		}
		i += k;
	}
	r->pos += len;
	return true;
}

static bool rd_index(struct wm_ctx *c, struct wm_rd *r, uint32_t limit, const char *what,
		     uint32_t *out)
{
	size_t start = r->pos;
	if (!rd_u32(c, r, out))
		return false;
	if (*out >= limit) {
		wm_bad(c, start, "%s index %u out of range (%u defined)", what, *out, limit);
		return false;
	}
	return true;
}

/* A value type; v128 is decoded (so the walk goes on) but noted. GC and
 * function-references types are several bytes of another grammar: stop. */
static bool rd_valtype(struct wm_ctx *c, struct wm_rd *r, uint32_t func, uint8_t *out)
{
	size_t start = r->pos;
	uint8_t t;
	if (!rd_byte(c, r, &t))
		return false;
	switch (t) {
	case WM_V128:
		wm_feature(c, WM_F_SIMD, start, func);
		/* fall through */
	case WM_I32: case WM_I64: case WM_F32: case WM_F64: case WM_FUNCREF: case WM_EXTERNREF:
		*out = t;
		return true;
	case 0x63: case 0x64: case 0x65: case 0x69: case 0x6A: case 0x6B: case 0x6C:
	case 0x6D: case 0x6E: case 0x71: case 0x72: case 0x73: case 0x74:
		wm_feature(c, WM_F_GC, start, func);
		c->bad = true;
		return false;
	}
	wm_bad(c, start, "unknown value type 0x%02x", t);
	return false;
}

static bool rd_reftype(struct wm_ctx *c, struct wm_rd *r, uint32_t func)
{
	size_t start = r->pos;
	uint8_t t;
	if (!rd_valtype(c, r, func, &t))
		return false;
	if (t != WM_FUNCREF && t != WM_EXTERNREF) {
		wm_bad(c, start, "%s is not a reference type", wm_valname(t));
		return false;
	}
	return true;
}

/* Limits of a table or memory. flags: bit 0 a maximum, bit 1 shared, bit 2
 * 64-bit indices; a table takes bit 0 only. */
static bool rd_limits(struct wm_ctx *c, struct wm_rd *r, bool memory, uint8_t *flags,
		      uint64_t *min, uint64_t *max)
{
	size_t start = r->pos;
	if (!rd_byte(c, r, flags))
		return false;
	if (*flags & (memory ? ~7u : ~1u)) {
		wm_bad(c, start, "unknown %s limits flags 0x%02x", memory ? "memory" : "table",
		       *flags);
		return false;
	}
	unsigned bits = *flags & 4 ? 64 : 32;
	*max = UINT64_MAX;
	if (!rd_leb(c, r, bits, false, min))
		return false;
	return !(*flags & 1) || rd_leb(c, r, bits, false, max);
}

/* ---- instructions ----------------------------------------------------- */

static bool rd_blocktype(struct wm_ctx *c, struct wm_rd *r, uint32_t func)
{
	size_t start = r->pos;
	if (r->pos < r->end) {
		uint8_t t = c->b[r->pos];
		if (t == 0x40)
			return rd_skip(c, r, 1);
		if (t >= 0x40 && t < 0x80) { /* one byte, negative as s33: a value type */
			uint8_t v;
			return rd_valtype(c, r, func, &v);
		}
	}
	uint64_t v;
	if (!rd_leb(c, r, 33, true, &v))
		return false;
	if ((int64_t)v < 0 || v >= c->ntypes) {
		wm_bad(c, start, "block type index %lld out of range (%u types)", (long long)(int64_t)v,
		       c->ntypes);
		return false;
	}
	return true;
}

/* A memory index where the MVP has a 0x00 byte; multi-memory makes it a
 * LEB128 that may be non-zero. */
static bool rd_memidx(struct wm_ctx *c, struct wm_rd *r, uint32_t func)
{
	size_t start = r->pos;
	uint32_t idx;
	if (!rd_u32(c, r, &idx))
		return false;
	if (idx)
		wm_feature(c, WM_F_MULTIMEM, start, func);
	return true;
}

static bool rd_memarg(struct wm_ctx *c, struct wm_rd *r, uint32_t func)
{
	uint32_t align;
	if (!rd_u32(c, r, &align))
		return false;
	if ((align & 0x40) && !rd_memidx(c, r, func)) /* multi-memory's explicit index */
		return false;
	return rd_skip_leb(c, r, c->mem64 ? 64 : 32, false);
}

static enum wm_res wm_stop(struct wm_ctx *c, enum wm_feature f, size_t off, uint32_t func)
{
	wm_feature(c, f, off, func);
	return WM_STOP;
}

/* The 0xFC prefix: saturating truncation, bulk memory, table operations. */
static enum wm_res wm_op_fc(struct wm_ctx *c, struct wm_rd *r, size_t off, uint32_t func)
{
	uint32_t sub;
	if (!rd_u32(c, r, &sub))
		return WM_BAD;
	bool ok = true;
	switch (sub) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
		break; /* trunc_sat */
	case 8: /* memory.init data mem */
		ok = rd_skip_leb(c, r, 32, false) && rd_memidx(c, r, func);
		break;
	case 10: /* memory.copy mem mem */
		ok = rd_memidx(c, r, func) && rd_memidx(c, r, func);
		break;
	case 11: /* memory.fill mem */
		ok = rd_memidx(c, r, func);
		break;
	case 12: case 14: /* table.init elem table, table.copy table table */
		ok = rd_skip_leb(c, r, 32, false) && rd_skip_leb(c, r, 32, false);
		break;
	case 9: case 13: case 15: case 16: case 17: /* data.drop, elem.drop, table.grow/size/fill */
		ok = rd_skip_leb(c, r, 32, false);
		break;
	default:
		wm_bad(c, off, "unknown instruction 0xfc %u", sub);
		return WM_BAD;
	}
	return ok ? WM_OK : WM_BAD;
}

static bool wm_const_op(uint8_t op)
{
	switch (op) {
	case 0x0B: case 0x23: case 0x41: case 0x42: case 0x43: case 0x44:
	case 0xD0: case 0xD2: case 0xFD:
		return true;
	}
	return false;
}

/*
 * Decode instructions to the `end` that closes the expression. Immediates
 * are decoded, not scanned, since prefix bytes such as 0xFD occur inside
 * them. WM_STOP: an instruction of a proposal whose immediates this
 * decoder does not know, already noted; the caller skips what is left.
 */
static enum wm_res wm_expr(struct wm_ctx *c, struct wm_rd *r, uint32_t func, bool konst)
{
	size_t depth = 0;
	for (;;) {
		size_t off = r->pos;
		uint8_t op;
		uint32_t n;
		bool ok = true;
		if (!rd_byte(c, r, &op))
			return WM_BAD;
		if (konst && !wm_const_op(op)) {
			if (op == 0x6A || op == 0x6B || op == 0x6C || op == 0x7C || op == 0x7D ||
			    op == 0x7E)
				return wm_stop(c, WM_F_CONST, off, func);
			wm_bad(c, off, "instruction 0x%02x is not allowed in a constant expression", op);
			return WM_BAD;
		}
		switch (op) {
		case 0x00: case 0x01: case 0x05: case 0x0F: case 0x1A: case 0x1B: case 0xD1:
			break;
		case 0x02: case 0x03: case 0x04: /* block, loop, if */
			ok = rd_blocktype(c, r, func);
			depth++;
			break;
		case 0x0B:
			if (!depth)
				return WM_OK;
			depth--;
			break;
		case 0x0C: case 0x0D: case 0x10: case 0x20: case 0x21: case 0x22:
		case 0x23: case 0x24: case 0x25: case 0x26: case 0xD2:
			ok = rd_skip_leb(c, r, 32, false); /* label, function, local, global, table */
			break;
		case 0x0E: /* br_table: labels and the default */
			ok = rd_count(c, r, 1, "labels", &n);
			for (uint64_t i = 0; ok && i <= n; i++)
				ok = rd_skip_leb(c, r, 32, false);
			break;
		case 0x11: /* call_indirect type table */
			ok = rd_skip_leb(c, r, 32, false) && rd_skip_leb(c, r, 32, false);
			break;
		case 0x12: case 0x13:
			return wm_stop(c, WM_F_TAIL, off, func);
		case 0x06: case 0x07: case 0x08: case 0x09: case 0x0A: case 0x18: case 0x19: case 0x1F:
			return wm_stop(c, WM_F_EH, off, func);
		case 0x14: case 0x15: case 0xD3: case 0xD4: case 0xD5: case 0xD6: case 0xFB:
			return wm_stop(c, WM_F_GC, off, func);
		case 0x1C: /* select t */
			ok = rd_count(c, r, 1, "types", &n);
			for (uint32_t i = 0; ok && i < n; i++) {
				uint8_t t;
				ok = rd_valtype(c, r, func, &t);
			}
			break;
		case 0x3F: case 0x40: /* memory.size, memory.grow */
			ok = rd_memidx(c, r, func);
			break;
		case 0x41:
			ok = rd_skip_leb(c, r, 32, true);
			break;
		case 0x42:
			ok = rd_skip_leb(c, r, 64, true);
			break;
		case 0x43:
			ok = rd_skip(c, r, 4);
			break;
		case 0x44:
			ok = rd_skip(c, r, 8);
			break;
		case 0xD0: /* ref.null t */
			ok = rd_reftype(c, r, func);
			break;
		case 0xFC: {
			enum wm_res res = wm_op_fc(c, r, off, func);
			if (res != WM_OK)
				return res;
			break;
		}
		case 0xFD: {
			/* Only v128.const has immediates known here, and it is the one
			 * SIMD instruction a constant expression may hold. */
			uint32_t sub;
			if (!rd_u32(c, r, &sub))
				return WM_BAD;
			wm_feature(c, WM_F_SIMD, off, func);
			if (sub != 12)
				return WM_STOP;
			ok = rd_skip(c, r, 16);
			break;
		}
		case 0xFE:
			return wm_stop(c, WM_F_THREADS, off, func);
		default:
			if (op >= 0x28 && op <= 0x3E) { /* loads and stores */
				ok = rd_memarg(c, r, func);
				break;
			}
			if (op >= 0x45 && op <= 0xC4) /* numeric, sign extension included */
				break;
			wm_bad(c, off, "unknown instruction 0x%02x", op);
			return WM_BAD;
		}
		if (!ok)
			return WM_BAD;
	}
}

/* A constant expression: a proposal it cannot decode ends the walk. */
static bool rd_const(struct wm_ctx *c, struct wm_rd *r)
{
	enum wm_res res = wm_expr(c, r, WM_NONE, true);
	if (res == WM_STOP)
		c->bad = true;
	return res == WM_OK;
}

/* ---- sections --------------------------------------------------------- */

static bool wm_push_func(struct wm_ctx *c, uint32_t type)
{
	ARENA_PUSH(c->a, c->func_types, c->nfuncs, c->cap_funcs) = type;
	return true;
}

static bool sec_type(struct wm_ctx *c, struct wm_rd *r)
{
	if (!rd_count(c, r, 3, "types", &c->ntypes))
		return false;
	if (c->ntypes > WM_MAX_TYPES) /* the runtime registers at most this many */
		wm_err(c, "the module declares %u function types, more than the %u the runtime "
			  "takes", c->ntypes, WM_MAX_TYPES);
	c->types = arena_alloc(c->a, (size_t)c->ntypes * sizeof *c->types + 1);
	for (uint32_t i = 0; i < c->ntypes; i++) {
		struct wm_type *t = &c->types[i];
		size_t start = r->pos;
		uint8_t form, v;
		if (!rd_byte(c, r, &form))
			return false;
		if (form == 0x4E || form == 0x4F || form == 0x50 || form == 0x5E || form == 0x5F) {
			wm_feature(c, WM_F_GC, start, WM_NONE);
			c->bad = true;
			return false;
		}
		if (form != 0x60) {
			wm_bad(c, start, "unknown type form 0x%02x", form);
			return false;
		}
		if (!rd_count(c, r, 1, "parameters", &t->np))
			return false;
		t->params = c->b + r->pos;
		for (uint32_t j = 0; j < t->np; j++)
			if (!rd_valtype(c, r, WM_NONE, &v))
				return false;
		if (!rd_count(c, r, 1, "results", &t->nr))
			return false;
		t->results = c->b + r->pos;
		for (uint32_t j = 0; j < t->nr; j++)
			if (!rd_valtype(c, r, WM_NONE, &v))
				return false;
	}
	return true;
}

/* The closest import the shim has, for a "did you mean". */
static const struct wasi_import *wm_closest(const char *want)
{
	const struct wasi_import *best = NULL;
	size_t best_d = SIZE_MAX, wl = strlen(want);
	if (wl > 64)
		return NULL;
	for (size_t k = 0; k < wasi_n_imports; k++) {
		char cand[128];
		snprintf(cand, sizeof cand, "%s.%s", wasi_imports[k].module, wasi_imports[k].name);
		size_t cl = strlen(cand), row[128];
		for (size_t j = 0; j <= cl; j++)
			row[j] = j;
		for (size_t i = 1; i <= wl; i++) { /* Levenshtein, one row */
			size_t diag = row[0];
			row[0] = i;
			for (size_t j = 1; j <= cl; j++) {
				size_t up = row[j];
				size_t sub = diag + (want[i - 1] != cand[j - 1]);
				size_t del = up + 1, ins = row[j - 1] + 1;
				row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
				diag = up;
			}
		}
		if (row[cl] < best_d)
			best_d = row[cl], best = &wasi_imports[k];
	}
	return best_d <= 3 && best_d * 3 <= wl ? best : NULL;
}

static void wm_import_func(struct wm_ctx *c, size_t off, size_t mo, size_t mn, size_t no,
			   size_t nn, uint32_t type)
{
	const char *mod = wm_show(c, mo, mn), *name = wm_show(c, no, nn);
	const struct wasi_import *w =
		wasi_find((const char *)c->b + mo, mn, (const char *)c->b + no, nn);
	if (w) {
		if (!wm_sig_eq(&c->types[type], w->sig))
			wm_err(c, "import '%s.%s' at offset 0x%zx has type %s, but the WASI call is %s",
			       mod, name, off, wm_type_str(c, &c->types[type]), wm_sig_str(c, w->sig));
		return;
	}
	wm_err(c, "import '%s.%s' at offset 0x%zx is not a call skillc provides; a tool may "
		  "import only WASI preview 1 calls (see the supported list in the README)",
	       mod, name, off);
	const struct wasi_import *near = wm_closest(arena_printf(c->a, "%s.%s", mod, name));
	if (near)
		wm_note(c, "did you mean '%s.%s'?", near->module, near->name);
	else if (!strcmp(mod, "wasi_unstable"))
		wm_note(c, "'wasi_unstable' is the old WASI snapshot 0: rebuild for wasm32-wasip1 "
			   "with a current toolchain");
	else if (!strcmp(mod, "env"))
		wm_note(c, "an 'env' import is usually a function the program declares but never "
			   "defines: define it, or link without -Wl,--allow-undefined");
}

static bool sec_import(struct wm_ctx *c, struct wm_rd *r)
{
	uint32_t n;
	if (!rd_count(c, r, 4, "imports", &n))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		size_t off = r->pos, mo, mn, no, nn;
		uint8_t kind, t;
		uint32_t type;
		uint64_t min, max;
		if (!rd_name(c, r, &mo, &mn) || !rd_name(c, r, &no, &nn) || !rd_byte(c, r, &kind))
			return false;
		const char *what = kind < 5 ? wm_kind_names[kind] : NULL;
		switch (kind) {
		case WM_KIND_FUNC:
			if (!rd_index(c, r, c->ntypes, "type", &type))
				return false;
			wm_push_func(c, type);
			c->nfunc_imports++;
			wm_import_func(c, off, mo, mn, no, nn, type);
			continue;
		case WM_KIND_TABLE:
			if (!rd_reftype(c, r, WM_NONE) || !rd_limits(c, r, false, &t, &min, &max))
				return false;
			c->ntables++;
			break;
		case WM_KIND_MEMORY:
			if (!rd_limits(c, r, true, &t, &min, &max))
				return false;
			c->nmems++;
			break;
		case WM_KIND_GLOBAL:
			if (!rd_valtype(c, r, WM_NONE, &t) || !rd_byte(c, r, &t))
				return false;
			c->nglobals++;
			break;
		case WM_KIND_TAG:
			wm_feature(c, WM_F_EH, off, WM_NONE);
			if (!rd_byte(c, r, &t) || !rd_index(c, r, c->ntypes, "type", &type))
				return false;
			continue;
		default:
			wm_bad(c, r->pos - 1, "unknown import kind 0x%02x", kind);
			return false;
		}
		wm_err(c, "import '%s.%s' at offset 0x%zx is a %s; a WASI command module defines "
			  "its own memory, tables and globals and imports only functions (link "
			  "without --import-memory, --import-table, -shared or -fPIC)",
		       wm_show(c, mo, mn), wm_show(c, no, nn), off, what);
	}
	return true;
}

static bool sec_function(struct wm_ctx *c, struct wm_rd *r)
{
	if (!rd_count(c, r, 1, "functions", &c->ndefined))
		return false;
	c->has_funcsec = true;
	for (uint32_t i = 0; i < c->ndefined; i++) {
		uint32_t type;
		if (!rd_index(c, r, c->ntypes, "type", &type))
			return false;
		wm_push_func(c, type);
	}
	return true;
}

static bool sec_table(struct wm_ctx *c, struct wm_rd *r)
{
	uint32_t n;
	if (!rd_count(c, r, 3, "tables", &n))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t flags;
		uint64_t min, max;
		if (!rd_reftype(c, r, WM_NONE) || !rd_limits(c, r, false, &flags, &min, &max))
			return false;
		c->ntables++;
	}
	return true;
}

/* A size in pages, in the larger unit that states it exactly. */
static const char *wm_pages(struct wm_ctx *c, uint64_t pages)
{
	if (pages % 16 == 0)
		return arena_printf(c->a, "%llu MiB", (unsigned long long)(pages / 16));
	return arena_printf(c->a, "%llu KiB", (unsigned long long)pages * 64);
}

static bool sec_memory(struct wm_ctx *c, struct wm_rd *r)
{
	uint32_t n;
	if (!rd_count(c, r, 2, "memories", &n))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		size_t off = r->pos;
		uint8_t flags;
		uint64_t min, max;
		if (!rd_limits(c, r, true, &flags, &min, &max))
			return false;
		if (c->nmems++)
			continue; /* reported once, after the section */
		if (flags & 4) {
			c->mem64 = true; /* offsets in code are 64-bit: decode them so */
			wm_err(c, "the memory at offset 0x%zx is a 64-bit memory (memory64), which "
				  "wasm2c 1.0.32 cannot compile; build for wasm32, not wasm64",
			       off);
			continue;
		}
		if (flags & 2)
			wm_err(c, "the memory at offset 0x%zx is shared (threads), which wasm2c 1.0.32 "
				  "cannot compile; build for wasm32-wasip1 without -pthread or "
				  "--shared-memory",
			       off);
		if (min > 65536) {
			wm_bad(c, off, "an initial memory of %llu pages, more than 65536 (4 GiB)",
			       (unsigned long long)min);
			return false;
		}
		if (max != UINT64_MAX && (max > 65536 || max < min)) {
			wm_bad(c, off, "a maximum memory of %llu pages, %s", (unsigned long long)max,
			       max < min ? "less than the initial size" : "more than 65536 (4 GiB)");
			return false;
		}
		if (min > c->mem_cap)
			wm_err(c, "the memory at offset 0x%zx needs %s at start, more than the cap of "
				  "%s; raise permissions.limits.memory or link with a smaller initial "
				  "memory (-Wl,--initial-memory=N)",
			       off, wm_pages(c, min), wm_pages(c, c->mem_cap));
		c->mem_min = (uint32_t)min;
		c->mem_max = max == UINT64_MAX ? UINT32_MAX : (uint32_t)max;
	}
	return true;
}

static bool sec_global(struct wm_ctx *c, struct wm_rd *r)
{
	uint32_t n;
	if (!rd_count(c, r, 3, "globals", &n))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t t, mut;
		size_t at;
		if (!rd_valtype(c, r, WM_NONE, &t))
			return false;
		at = r->pos;
		if (!rd_byte(c, r, &mut))
			return false;
		if (mut > 1) {
			wm_bad(c, at, "unknown global mutability 0x%02x", mut);
			return false;
		}
		if (!rd_const(c, r))
			return false;
		c->nglobals++;
	}
	return true;
}

static bool sec_export(struct wm_ctx *c, struct wm_rd *r)
{
	uint32_t n;
	if (!rd_count(c, r, 3, "exports", &n))
		return false;
	const uint32_t limits[] = {(uint32_t)c->nfuncs, c->ntables, c->nmems, c->nglobals, UINT32_MAX};
	for (uint32_t i = 0; i < n; i++) {
		size_t off = r->pos, no, nn;
		uint8_t kind;
		uint32_t idx;
		if (!rd_name(c, r, &no, &nn) || !rd_byte(c, r, &kind))
			return false;
		if (kind > WM_KIND_TAG) {
			wm_bad(c, r->pos - 1, "unknown export kind 0x%02x", kind);
			return false;
		}
		if (!rd_index(c, r, limits[kind], wm_kind_names[kind], &idx))
			return false;
		if (kind == WM_KIND_TAG)
			wm_feature(c, WM_F_EH, off, WM_NONE);
		const char *name = (const char *)c->b + no;
		if (nn == 6 && !memcmp(name, "_start", 6) && !c->has_start) {
			c->has_start = true;
			c->start_kind = kind;
			c->start_idx = idx;
			c->start_off = off;
		} else if (nn == 6 && !memcmp(name, "memory", 6) && !c->has_memory) {
			c->has_memory = true;
			c->memory_kind = kind;
			c->memory_off = off;
		} else if (nn == 11 && !memcmp(name, "_initialize", 11)) {
			c->has_initialize = true;
		}
	}
	return true;
}

static bool sec_start(struct wm_ctx *c, struct wm_rd *r)
{
	uint32_t idx;
	return rd_index(c, r, (uint32_t)c->nfuncs, "function", &idx);
}

/*
 * Element segments. flags: bit 0 passive or declarative, bit 1 an explicit
 * table (active) or declarative (passive), bit 2 expressions rather than
 * function indices.
 */
static bool sec_element(struct wm_ctx *c, struct wm_rd *r)
{
	if (!rd_count(c, r, 2, "element segments", &c->nelems))
		return false;
	for (uint32_t i = 0; i < c->nelems; i++) {
		size_t start = r->pos;
		uint32_t flags, n;
		uint8_t kind;
		if (!rd_u32(c, r, &flags))
			return false;
		if (flags > 7) {
			wm_bad(c, start, "unknown element segment flags %u", flags);
			return false;
		}
		if (flags == 2 || flags == 6) {
			uint32_t table;
			if (!rd_index(c, r, c->ntables, "table", &table))
				return false;
		}
		if (!(flags & 1) && !rd_const(c, r))
			return false;
		if (flags & 4) {
			if ((flags & 3) && !rd_reftype(c, r, WM_NONE))
				return false;
			if (!rd_count(c, r, 1, "element expressions", &n))
				return false;
			for (uint32_t j = 0; j < n; j++)
				if (!rd_const(c, r))
					return false;
			continue;
		}
		if (flags & 3) {
			size_t at = r->pos;
			if (!rd_byte(c, r, &kind))
				return false;
			if (kind != 0) {
				wm_bad(c, at, "unknown element kind 0x%02x", kind);
				return false;
			}
		}
		if (!rd_count(c, r, 1, "function indices", &n))
			return false;
		for (uint32_t j = 0; j < n; j++) {
			uint32_t f;
			if (!rd_index(c, r, (uint32_t)c->nfuncs, "function", &f))
				return false;
		}
	}
	return true;
}

static bool sec_datacount(struct wm_ctx *c, struct wm_rd *r)
{
	c->has_datacount = true;
	return rd_u32(c, r, &c->datacount);
}

static bool sec_code(struct wm_ctx *c, struct wm_rd *r)
{
	size_t start = r->pos;
	uint32_t n;
	if (!rd_count(c, r, 2, "function bodies", &n))
		return false;
	c->has_code = true;
	if (n != c->ndefined) {
		wm_bad(c, start, "%u function bod%s for %u declared function%s", n,
		       n == 1 ? "y" : "ies", c->ndefined, wm_s(c->ndefined));
		return false;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t func = c->nfunc_imports + i, size, groups;
		if (!rd_count(c, r, 1, "body bytes", &size))
			return false;
		struct wm_rd body = {r->pos, r->pos + size, NULL};
		body.in = arena_printf(c->a, "function %u", func);
		r->pos = body.end;
		if (!rd_count(c, &body, 2, "local declarations", &groups))
			return false;
		uint64_t locals = 0;
		for (uint32_t j = 0; j < groups; j++) {
			size_t at = body.pos;
			uint32_t k;
			uint8_t t;
			if (!rd_u32(c, &body, &k) || !rd_valtype(c, &body, func, &t))
				return false;
			locals += k;
			if (locals > UINT32_MAX) {
				wm_bad(c, at, "function %u declares more than 2^32 locals", func);
				return false;
			}
		}
		enum wm_res res = wm_expr(c, &body, func, false);
		if (res == WM_BAD)
			return false;
		if (res == WM_OK && body.pos != body.end) {
			wm_bad(c, body.pos, "function %u has %zu bytes after its final 'end'", func,
			       body.end - body.pos);
			return false;
		}
	}
	return true;
}

static bool sec_data(struct wm_ctx *c, struct wm_rd *r)
{
	size_t start = r->pos;
	if (!rd_count(c, r, 2, "data segments", &c->ndata))
		return false;
	if (c->has_datacount && c->ndata != c->datacount) {
		wm_bad(c, start, "%u data segments, but the data count section says %u", c->ndata,
		       c->datacount);
		return false;
	}
	for (uint32_t i = 0; i < c->ndata; i++) {
		size_t at = r->pos;
		uint32_t flags, n;
		if (!rd_u32(c, r, &flags))
			return false;
		if (flags > 2) {
			wm_bad(c, at, "unknown data segment flags %u", flags);
			return false;
		}
		if (flags == 2) {
			uint32_t mem;
			if (!rd_index(c, r, c->nmems, "memory", &mem))
				return false;
		}
		if (flags != 1 && !rd_const(c, r))
			return false;
		if (!rd_count(c, r, 1, "data bytes", &n) || !rd_skip(c, r, n))
			return false;
	}
	return true;
}

static bool sec_custom(struct wm_ctx *c, struct wm_rd *r, size_t sec_off)
{
	size_t no, nn;
	if (!rd_name(c, r, &no, &nn))
		return false;
	size_t payload = r->pos;
	r->pos = r->end; /* dropped from the output, so nothing more to read */
	if (nn != strlen(WM_TOOL_SECTION) || memcmp(c->b + no, WM_TOOL_SECTION, nn))
		return true;
	if (c->tool) {
		wm_err(c, "a second '" WM_TOOL_SECTION "' custom section at offset 0x%zx (the "
			  "first is at 0x%zx); a module describes one tool",
		       sec_off, c->tool_off);
		return true;
	}
	c->tool = c->b + payload;
	c->tool_len = r->end - payload;
	c->tool_off = sec_off;
	for (size_t i = 0; i < c->tool_len;) {
		size_t k = txt_utf8_len(c->tool + i, c->tool_len - i);
		if (!k || c->tool[i] == 0) {
			wm_err(c, "the '" WM_TOOL_SECTION "' section's JSON text has %s at offset "
				  "0x%zx; it must be UTF-8 text",
			       k ? "a NUL byte" : "invalid UTF-8", payload + i);
			break;
		}
		i += k;
	}
	return true;
}

static bool wm_section(struct wm_ctx *c, uint8_t id, struct wm_rd *r, size_t sec_off)
{
	switch (id) {
	case 0: return sec_custom(c, r, sec_off);
	case 1: return sec_type(c, r);
	case 2: return sec_import(c, r);
	case 3: return sec_function(c, r);
	case 4: return sec_table(c, r);
	case 5: return sec_memory(c, r);
	case 6: return sec_global(c, r);
	case 7: return sec_export(c, r);
	case 8: return sec_start(c, r);
	case 9: return sec_element(c, r);
	case 10: return sec_code(c, r);
	case 11: return sec_data(c, r);
	case 12: return sec_datacount(c, r);
	case 13:
		wm_feature(c, WM_F_EH, sec_off, WM_NONE);
		r->pos = r->end; /* tags: nothing else here matters */
		return true;
	}
	return false;
}

/* ---- the module ------------------------------------------------------- */

static bool wm_header(struct wm_ctx *c)
{
	static const uint8_t magic[4] = {0x00, 'a', 's', 'm'};
	const uint8_t *b = c->b;
	if (c->len < 4 || memcmp(b, magic, 4)) {
		if (!c->len || c->len >= 4 || memcmp(b, magic, c->len)) {
			wm_err(c, "not a WebAssembly binary (no '\\0asm' magic at offset 0x0)");
			if (c->len >= 7 && !memcmp(b, "(module", 7))
				wm_note(c, "this is the text format: assemble it with wat2wasm");
			return false;
		}
	}
	if (c->len < 8) {
		wm_bad(c, c->len, "the file ends inside the 8-byte header");
		return false;
	}
	unsigned version = b[4] | b[5] << 8, layer = b[6] | b[7] << 8;
	if (layer == 1) {
		wm_err(c, "the file is a WebAssembly component (version 0x%x, layer 1), not a core "
			  "module; "
			  "skillc takes WASI preview 1 command modules",
		       version);
		wm_note(c, "build for wasm32-wasip1 (wasm32-wasi) as a command that reads its JSON "
			   "arguments on stdin and writes its result on stdout, e.g. 'cargo build "
			   "--target wasm32-wasip1' or 'clang --target=wasm32-wasi'; a component "
			   "(such as a WIT tool-plugin world) cannot be baked");
		return false;
	}
	if (version != 1 || layer != 0) {
		wm_err(c, "unknown WebAssembly version 0x%x at offset 0x4; skillc takes version 1 "
			  "core modules",
		       (unsigned)(version | layer << 16));
		return false;
	}
	return true;
}

/* The command ABI, once every section is known. */
static void wm_abi(struct wm_ctx *c)
{
	if (c->has_funcsec && c->ndefined && !c->has_code)
		wm_bad(c, c->len, "%u function%s declared but no code section", c->ndefined,
		       wm_s(c->ndefined));
	if (c->has_datacount && c->datacount != c->ndata)
		wm_bad(c, c->len, "the data count section says %u segments, but there are %u",
		       c->datacount, c->ndata);
	if (c->bad)
		return;
	if (c->nmems == 0)
		wm_err(c, "the module defines no memory; a WASI command defines and exports its "
			  "own 'memory'");
	else if (c->nmems > 1)
		wm_err(c, "the module has %u memories, which wasm2c 1.0.32 cannot compile "
			  "(multi-memory); link it with a single memory",
		       c->nmems);

	if (!c->has_start && c->has_initialize)
		wm_err(c, "the module is a reactor (a library): it exports '_initialize' but no '_start'; a "
			  "tool must be a WASI command: build a program with a main function (no "
			  "-mexec-model=reactor; Rust: a bin crate, not a cdylib)");
	else if (!c->has_start)
		wm_err(c, "the module exports no '_start' function, so it is not a WASI command; "
			  "build a program with a main function (clang --target=wasm32-wasi without "
			  "-nostartfiles or -Wl,--no-entry; Rust: a bin crate for wasm32-wasip1)");
	else if (c->start_kind != WM_KIND_FUNC)
		wm_err(c, "export '_start' at offset 0x%zx is a %s, not a function",
		       c->start_off, wm_kind_names[c->start_kind]);
	else {
		const struct wm_type *t = &c->types[c->func_types[c->start_idx]];
		if (t->np || t->nr)
			wm_err(c, "export '_start' at offset 0x%zx has type %s; a WASI command's "
				  "entry point is () -> ()",
			       c->start_off, wm_type_str(c, t));
	}

	if (!c->has_memory)
		wm_err(c, "the module does not export its memory as 'memory', which the WASI "
			  "calls read and write; link with the default memory export");
	else if (c->memory_kind != WM_KIND_MEMORY)
		wm_err(c, "export 'memory' at offset 0x%zx is a %s, not a memory",
		       c->memory_off, wm_kind_names[c->memory_kind]);
}

static void wm_report_features(struct wm_ctx *c)
{
	for (int f = 0; f < WM_F_COUNT; f++) {
		const struct wm_seen *s = &c->seen[f];
		if (!s->any)
			continue;
		const char *where = "";
		if (s->func != WM_NONE && s->nfuncs > 1)
			where = arena_printf(c->a, ", in function %u and %u more", s->func,
					     s->nfuncs - 1);
		else if (s->func != WM_NONE)
			where = arena_printf(c->a, ", in function %u", s->func);
		else if (s->nfuncs)
			where = arena_printf(c->a, ", and in %u function%s", s->nfuncs, wm_s(s->nfuncs));
		wm_err(c, "the module uses %s, which wasm2c 1.0.32 cannot compile (at offset "
			  "0x%zx%s); %s",
		       wm_features[f].what, s->off, where, wm_features[f].fix);
	}
}

int wm_check(struct arena *a, struct diag *d, struct sk_module *m, const uint8_t *bytes,
	     size_t len, uint32_t mem_cap_pages)
{
	int before = d->errors;
	struct wm_ctx c = {
		.a = a,
		.d = d,
		.path = m->loc.path ? m->loc.path : m->path,
		.b = bytes,
		.len = len,
		.mem_cap = mem_cap_pages,
		.mem_max = UINT32_MAX,
	};
	if (!bytes)
		c.b = (const uint8_t *)"", c.len = 0;
	if (!wm_header(&c))
		return d->errors - before;

	/* The output: the header and every non-custom section, byte for byte. */
	uint8_t *out = arena_alloc(a, c.len);
	memcpy(out, c.b, 8);
	size_t out_len = 8;

	struct wm_rd mod = {8, c.len, "the module"};
	unsigned last_rank = 0;
	uint8_t last_id = 0;
	while (!c.bad && mod.pos < mod.end) {
		size_t sec_off = mod.pos;
		uint8_t id;
		uint32_t size;
		if (!rd_byte(&c, &mod, &id))
			break;
		if (id >= sizeof wm_rank) {
			wm_bad(&c, sec_off, "unknown section id %u", id);
			break;
		}
		size_t size_off = mod.pos;
		if (!rd_u32(&c, &mod, &size))
			break;
		if (size > mod.end - mod.pos) {
			wm_bad(&c, size_off, "the %s section claims %u bytes, but only %zu remain",
			       wm_section_names[id], size, mod.end - mod.pos);
			break;
		}
		if (id && wm_rank[id] <= last_rank) {
			wm_bad(&c, sec_off, "the %s section %s the %s section",
			       wm_section_names[id], id == last_id ? "repeats" : "comes after",
			       wm_section_names[last_id]);
			break;
		}
		if (id)
			last_rank = wm_rank[id], last_id = id;
		struct wm_rd r = {mod.pos, mod.pos + size, NULL};
		r.in = arena_printf(a, "the %s section", wm_section_names[id]);
		mod.pos = r.end;
		if (!wm_section(&c, id, &r, sec_off))
			break;
		if (r.pos != r.end) {
			wm_bad(&c, r.pos, "%zu byte%s left over at the end of the %s section",
			       r.end - r.pos, r.end - r.pos == 1 ? "" : "s", wm_section_names[id]);
			break;
		}
		if (id) {
			memcpy(out + out_len, c.b + sec_off, r.end - sec_off);
			out_len += r.end - sec_off;
		}
	}
	wm_abi(&c);
	wm_report_features(&c);
	if (d->errors != before)
		return d->errors - before;

	m->code = out;
	m->code_len = out_len;
	m->mem_min = c.mem_min;
	m->mem_max = c.mem_max;
	m->tool_json = c.tool ? arena_strndup(a, (const char *)c.tool, c.tool_len) : NULL;
	m->tool_json_len = c.tool ? c.tool_len : 0;
	return 0;
}
