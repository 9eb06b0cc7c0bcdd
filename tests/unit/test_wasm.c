/*
 * The WebAssembly module checker: modules assembled by wat2wasm from the
 * cases below, modules built by hand byte by byte, C programs built by
 * clang for wasm32-wasi, and hostile input (every truncation, random byte
 * flips) that must end in a diagnostic, never a crash.
 */
#define _GNU_SOURCE /* asprintf */
#include "wasm.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define WT_PATH "skills/x/tool.wasm"
#define MEM "(memory (export \"memory\") 1)"
#define START "(func (export \"_start\"))"
#define P1 "\"wasi_snapshot_preview1\""

/* Fails, rather than skips, when a tool is missing: the build installs them. */
static void wt_need(const char *tool, const char *pkgs)
{
	struct tu_run r;
	tu_run(&r, "command -v %s", tool);
	int st = r.status;
	tu_run_release(&r);
	ck_assert_msg(st == 0, "%s is missing: apt-get install %s", tool, pkgs);
}

static char *wt_write(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = NULL;
	ck_assert_int_ge(asprintf(&path, "%s/%s", dir, name), 0);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* wat2wasm with flags; the binary, malloc'd. */
static uint8_t *wt_wat(const char *wat, const char *flags, size_t *len)
{
	wt_need("wat2wasm", "wabt");
	char *dir = tu_tmpdir();
	free(wt_write(dir, "m.wat", wat, strlen(wat)));
	struct tu_run r;
	tu_run(&r, "wat2wasm %s -o %s/m.wasm %s/m.wat", flags ? flags : "", dir, dir);
	ck_assert_msg(r.status == 0, "wat2wasm: %s", r.err);
	tu_run_release(&r);
	char *path = NULL;
	ck_assert_int_ge(asprintf(&path, "%s/m.wasm", dir), 0);
	uint8_t *b = (uint8_t *)tu_read(path, len);
	ck_assert_ptr_nonnull(b);
	free(path);
	tu_rmdir(dir);
	return b;
}

static int wt_check(struct tu_cap *c, struct sk_module *m, const uint8_t *b, size_t len,
		    uint32_t cap)
{
	memset(m, 0, sizeof *m);
	m->path = "tool.wasm";
	m->disk = WT_PATH;
	m->loc.path = WT_PATH;
	return wm_check(&c->a, &c->d, m, b, len, cap ? cap : WM_DEFAULT_MEM_CAP_PAGES);
}

/* The module's output passes wasm-validate, has no custom section, and
 * wasm2c, which the bake runs next, takes it. */
static void wt_output_ok(const struct sk_module *m)
{
	wt_need("wasm-validate", "wabt");
	char *dir = tu_tmpdir();
	char *path = wt_write(dir, "out.wasm", m->code, m->code_len);
	struct tu_run r;
	tu_run(&r, "wasm-validate %s", path);
	ck_assert_msg(r.status == 0, "wasm-validate: %s", r.err);
	tu_run_release(&r);
	tu_run(&r, "wasm-objdump -h %s", path);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(!strstr(r.out, "Custom"), "custom section left: %s", r.out);
	tu_run_release(&r);
	tu_run(&r, "wasm2c %s -o %s/out.c", path, dir);
	ck_assert_msg(r.status == 0, "wasm2c: %s", r.err);
	tu_run_release(&r);
	free(path);
	tu_rmdir(dir);
}

/* ---- modules from the text format --------------------------------------- */

static const struct {
	const char *what, *flags, *wat;
	uint32_t cap;       /* pages; 0: the default */
	const char *want;   /* a piece of the diagnostics; NULL: accepted */
} cases[] = {
	{"minimal command", NULL, "(module " MEM " " START ")", 0, NULL},
	{"WASI imports", NULL,
	 "(module (import " P1 " \"fd_write\" (func $w (param i32 i32 i32 i32) (result i32)))"
	 " (import " P1 " \"clock_time_get\" (func $t (param i32 i64 i32) (result i32)))"
	 " (import " P1 " \"proc_exit\" (func $x (param i32)))"
	 " (import \"skillc\" \"http_request\" (func (param i32 i32 i32 i32 i32) (result i32)))"
	 " (memory (export \"memory\") 2 10)"
	 " (func (export \"_start\") (drop (call $t (i32.const 0) (i64.const 1) (i32.const 8)))"
	 "  (call $x (i32.const 0))))",
	 0, NULL},
	{"what wasm2c 1.0.32 takes by default", NULL,
	 "(module (memory (export \"memory\") 1) (table 2 funcref) (table 1 externref)"
	 " (data $d \"abc\") (elem $e func $s) (global $g (mut i32) (i32.const 0))"
	 " (func $s (export \"_start\") (local f64)"
	 "  (memory.copy (i32.const 0) (i32.const 1) (i32.const 2))"
	 "  (memory.fill (i32.const 0) (i32.const 1) (i32.const 2))"
	 "  (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $d)"
	 "  (table.init 0 $e (i32.const 0) (i32.const 0) (i32.const 1)) (elem.drop $e)"
	 "  (table.copy 0 0 (i32.const 0) (i32.const 0) (i32.const 1))"
	 "  (drop (table.get 0 (i32.const 0))) (table.set 1 (i32.const 0) (ref.null extern))"
	 "  (drop (table.size 0)) (drop (table.grow 0 (ref.null func) (i32.const 1)))"
	 "  (table.fill 0 (i32.const 0) (ref.func $s) (i32.const 1))"
	 "  (drop (ref.is_null (ref.null func)))"
	 "  (drop (i32.extend8_s (i32.const 253))) (drop (i64.extend32_s (i64.const -3)))"
	 "  (drop (i32.trunc_sat_f32_s (f32.const 1.5))) (drop (i64.trunc_sat_f64_u (f64.const 2)))"
	 "  (drop (select (result i32) (i32.const 1) (i32.const 2) (global.get $g)))"
	 "  block (result i32 i32) i32.const 1 i32.const 2 end drop drop"
	 "  (drop (memory.grow (i32.const 1))) (drop (memory.size))"
	 "  (local.set 0 (f64.const 0x1.fdfefdfefdfefp+0))"
	 "  (br_table 0 0 0 (i32.const 0))))",
	 0, NULL},
	/* Prefix bytes inside immediates are not instructions. */
	{"0xfd and 0xfe inside immediates", NULL,
	 "(module " MEM " (data (i32.const 253) \"\\fd\\fe\\fd\")"
	 " (func (export \"_start\") (drop (i32.const 253)) (drop (i32.const 0xfefe))"
	 "  (drop (i64.const 0xfdfdfdfd)) (drop (f32.const 0x1.fbfdfep+0))"
	 "  (drop (i32.load offset=253 align=1 (i32.const 254)))))",
	 0, NULL},

	{"unknown import", NULL,
	 "(module (import \"env\" \"foo\" (func)) " MEM " " START ")", 0,
	 "import 'env.foo' at offset 0x"},
	{"an undefined symbol", NULL,
	 "(module (import \"env\" \"foo\" (func)) " MEM " " START ")", 0,
	 "note: an 'env' import is usually"},
	{"a near miss", NULL,
	 "(module (import " P1 " \"fd_writ\" (func (param i32 i32 i32 i32) (result i32))) " MEM
	 " " START ")",
	 0, "note: did you mean 'wasi_snapshot_preview1.fd_write'?"},
	{"snapshot 0", NULL,
	 "(module (import \"wasi_unstable\" \"proc_exit\" (func (param i32))) " MEM " " START ")",
	 0, "old WASI snapshot 0"},
	{"a signature mismatch", NULL,
	 "(module (import " P1 " \"fd_write\" (func (param i32 i32) (result i32))) " MEM " " START
	 ")",
	 0, "import 'wasi_snapshot_preview1.fd_write' at offset 0x17 has type (i32, i32) -> i32, "
	    "but the WASI call is (i32, i32, i32, i32) -> i32"},
	{"f32 for i32", NULL,
	 "(module (import " P1 " \"proc_exit\" (func (param f32))) " MEM " " START ")", 0,
	 "has type (f32) -> (), but the WASI call is (i32) -> ()"},
	{"i32 for i64", NULL,
	 "(module (import " P1 " \"clock_time_get\" (func (param i32 i32 i32) (result i32)))"
	 " " MEM " " START ")",
	 0, "but the WASI call is (i32, i64, i32) -> i32"},
	{"an imported memory", NULL,
	 "(module (import \"env\" \"memory\" (memory 1)) (export \"memory\" (memory 0)) " START ")",
	 0, "import 'env.memory' at offset 0x11 is a memory; a WASI command module defines its own"},
	{"an imported table", NULL,
	 "(module (import \"env\" \"t\" (table 1 funcref)) " MEM " " START ")", 0, "is a table"},
	{"an imported global", NULL,
	 "(module (import \"env\" \"__stack_pointer\" (global (mut i32))) " MEM " " START ")", 0,
	 "import 'env.__stack_pointer' at offset 0x11 is a global"},
	{"no _start", NULL, "(module " MEM " (func (export \"main\")))", 0,
	 "exports no '_start' function"},
	{"a reactor", NULL, "(module " MEM " (func (export \"_initialize\")))", 0,
	 "the module is a reactor (a library)"},
	{"_start with a parameter", NULL,
	 "(module " MEM " (func (export \"_start\") (param i32)))", 0,
	 "has type (i32) -> (); a WASI command's entry point is () -> ()"},
	{"_start returning", NULL,
	 "(module " MEM " (func (export \"_start\") (result i32) (i32.const 0)))", 0,
	 "has type () -> i32"},
	{"_start a global", NULL,
	 "(module " MEM " (global (export \"_start\") i32 (i32.const 0)))", 0,
	 "export '_start' at offset 0x21 is a global, not a function"},
	{"memory not exported", NULL, "(module (memory 1) " START ")", 0,
	 "does not export its memory as 'memory'"},
	{"memory exported by another name", NULL,
	 "(module (memory (export \"mem\") 1) " START ")", 0, "as 'memory'"},
	{"no memory", NULL, "(module " START ")", 0, "defines no memory"},
	{"two memories", "--enable-multi-memory",
	 "(module " MEM " (memory 1) " START ")", 0,
	 "has 2 memories, which wasm2c 1.0.32 cannot compile (multi-memory)"},
	{"memory64", "--enable-memory64",
	 "(module (memory (export \"memory\") i64 1) " START ")", 0,
	 "is a 64-bit memory (memory64), which wasm2c 1.0.32 cannot compile"},
	{"shared memory", "--enable-threads",
	 "(module (memory (export \"memory\") 1 2 shared) " START ")", 0,
	 "is shared (threads), which wasm2c 1.0.32 cannot compile"},
	{"over the memory cap", NULL, "(module (memory (export \"memory\") 8192) " START ")", 0,
	 "needs 512 MiB at start, more than the cap of 256 MiB; raise "
	 "permissions.limits.memory or link with a smaller initial memory"},
	{"over a small cap", NULL, "(module (memory (export \"memory\") 17) " START ")", 16,
	 "needs 1088 KiB at start, more than the cap of 1 MiB"},
	{"at the cap", NULL, "(module (memory (export \"memory\") 16) " START ")", 16, NULL},

	{"SIMD instructions", NULL,
	 "(module " MEM " (func (export \"_start\") (drop (i32x4.extract_lane 0 (i32x4.add"
	 " (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8))))))",
	 0, "uses SIMD (v128) instructions, which wasm2c 1.0.32 cannot compile (at offset 0x31, "
	    "in function 0); build without -msimd128"},
	{"SIMD in more functions", NULL,
	 "(module " MEM " " START " (func (drop (i8x16.splat (i32.const 1))))"
	 " (func (drop (i8x16.splat (i32.const 2)))))",
	 0, "in function 1 and 1 more"},
	{"a v128 local", NULL,
	 "(module " MEM " (func (export \"_start\") (local v128)))", 0, "SIMD (v128)"},
	{"a v128 parameter", NULL,
	 "(module " MEM " " START " (func (param v128)))", 0, "SIMD (v128)"},
	{"a v128 global", NULL,
	 "(module " MEM " " START " (global v128 (v128.const i64x2 0 0)))", 0, "SIMD (v128)"},
	{"atomics", "--enable-threads",
	 "(module (memory (export \"memory\") 1 1 shared) (func (export \"_start\")"
	 " (drop (i32.atomic.load (i32.const 0)))))",
	 0, "uses atomic (threads) instructions"},
	{"return_call", "--enable-tail-call",
	 "(module " MEM " (func $f (export \"_start\") (return_call $f)))", 0,
	 "uses tail calls (return_call), which wasm2c 1.0.32 cannot compile"},
	{"return_call_indirect", "--enable-tail-call",
	 "(module " MEM " (table 1 funcref) (type $v (func))"
	 " (func (export \"_start\") (return_call_indirect (type $v) (i32.const 0))))",
	 0, "tail calls"},
	{"try and catch", "--enable-exceptions",
	 "(module " MEM " (tag $t) (func (export \"_start\") try (throw $t) catch $t end))", 0,
	 "uses exception handling (try, catch, throw)"},
	{"extended constants", "--enable-extended-const",
	 "(module " MEM " " START " (global i32 (i32.add (i32.const 1) (i32.const 2))))", 0,
	 "extended constant expressions"},
	/* The structural ones stop the walk; the rest are all reported. */
	{"every ABI fault at once", NULL,
	 "(module (import \"env\" \"a\" (func)) (import \"env\" \"b\" (func)) (memory 1))", 0,
	 "'env.b'"},
};

START_TEST(test_wat)
{
	size_t len;
	uint8_t *b = wt_wat(cases[_i].wat, cases[_i].flags, &len);
	struct tu_cap c;
	struct sk_module m;
	tu_cap_open(&c);
	int errors = wt_check(&c, &m, b, len, cases[_i].cap);
	const char *text = tu_cap_text(&c);
	if (!cases[_i].want) {
		ck_assert_msg(errors == 0, "%s: %s", cases[_i].what, text);
		ck_assert_ptr_nonnull(m.code);
		ck_assert_uint_le(m.code_len, len);
		wt_output_ok(&m);
	} else {
		ck_assert_msg(errors > 0, "%s: accepted", cases[_i].what);
		ck_assert_msg(strstr(text, cases[_i].want), "%s: want '%s' in:\n%s", cases[_i].what,
			      cases[_i].want, text);
		ck_assert_msg(!strncmp(text, WT_PATH ": error: ", strlen(WT_PATH) + 9),
			      "%s: %s", cases[_i].what, text);
		ck_assert_ptr_null(m.code);
	}
	tu_cap_close(&c);
	free(b);
}
END_TEST

START_TEST(test_limits)
{
	size_t len;
	uint8_t *b = wt_wat("(module (memory (export \"memory\") 3 7) " START ")", NULL, &len);
	struct tu_cap c;
	struct sk_module m;
	tu_cap_open(&c);
	ck_assert_int_eq(wt_check(&c, &m, b, len, 0), 0);
	ck_assert_uint_eq(m.mem_min, 3);
	ck_assert_uint_eq(m.mem_max, 7);
	ck_assert_ptr_null(m.tool_json);
	free(b);
	b = wt_wat("(module " MEM " " START ")", NULL, &len);
	ck_assert_int_eq(wt_check(&c, &m, b, len, 0), 0);
	ck_assert_uint_eq(m.mem_min, 1);
	ck_assert_uint_eq(m.mem_max, UINT32_MAX);
	tu_cap_close(&c);
	free(b);
}
END_TEST

/* ---- modules by hand ------------------------------------------------------ */

/* Append a custom section. */
static size_t wt_custom(uint8_t *out, const char *name, const void *payload, size_t n)
{
	size_t nl = strlen(name), size = 1 + nl + n, k = 0;
	ck_assert_uint_lt(size, 128 * 128);
	out[k++] = 0;
	if (size < 128) {
		out[k++] = (uint8_t)size;
	} else {
		out[k++] = (uint8_t)(size & 0x7F) | 0x80;
		out[k++] = (uint8_t)(size >> 7);
	}
	out[k++] = (uint8_t)nl;
	memcpy(out + k, name, nl);
	memcpy(out + k + nl, payload, n);
	return k + nl + n;
}

#define HDR "\0asm\1\0\0\0"
/* type () -> (); one function; memory 1; exports _start and memory; the
 * body: no locals, one instruction, end. */
#define TYPE "\x01\x04\x01\x60\x00\x00"
#define FUNC "\x03\x02\x01\x00"
#define MEMORY "\x05\x03\x01\x00\x01"
#define EXPORT "\x07\x13\x02\x06_start\x00\x00\x06memory\x02\x00"
#define BODY(op) "\x0a\x05\x01\x03\x00" op "\x0b"
#define GOOD HDR TYPE FUNC MEMORY EXPORT BODY("\x01")

static const struct {
	const char *what;
	const char *bytes;
	size_t len;
	const char *want;
} raw[] = {
#define R(s) s, sizeof s - 1
	{"the hand-built module", R(GOOD), NULL},
	{"a component", R("\0asm\x0d\0\x01\0"),
	 "a WebAssembly component (version 0xd, layer 1), not a core module; skillc "
	 "takes WASI preview 1 command modules"},
	{"how to build instead", R("\0asm\x0d\0\x01\0\x01\x00"), "cargo build --target wasm32-wasip1"},
	{"empty", R(""), "not a WebAssembly binary (no '\\0asm' magic at offset 0x0)"},
	{"text", R("hello, world"), "not a WebAssembly binary"},
	{"the text format", R("(module)"), "note: this is the text format: assemble it with wat2wasm"},
	{"an ELF file", R("\x7f" "ELF\2\1\1\0"), "not a WebAssembly binary"},
	{"a short header", R("\0as"), "offset 0x3: the file ends inside the 8-byte header"},
	{"a shorter header", R("\0asm\1\0"), "the file ends inside the 8-byte header"},
	{"version 2", R("\0asm\2\0\0\0"), "unknown WebAssembly version 0x2 at offset 0x4"},
	{"a section size overflow", R(HDR "\x01\x80\x80\x80\x80\x10"),
	 "malformed module at offset 0x9: integer too large for 32 bits (LEB128 overflow)"},
	{"a size too long", R(HDR "\x01\x80\x80\x80\x80\x80\x00"), "LEB128 overflow"},
	{"a section past the end", R(HDR "\x01\x05\x00"),
	 "the type section claims 5 bytes, but only 1 remain"},
	{"a section size cut", R(HDR "\x01\x80"), "unexpected end of the module"},
	{"a repeated section", R(HDR TYPE TYPE), "the type section repeats the type section"},
	{"sections out of order", R(HDR "\x03\x01\x00\x02\x01\x00"),
	 "malformed module at offset 0xb: the import section comes after the function section"},
	{"an unknown section", R(HDR "\x0e\x00"), "unknown section id 14"},
	{"bytes left in a section", R(HDR "\x01\x02\x00\x00"),
	 "offset 0xb: 1 byte left over at the end of the type section"},
	{"a count past the section", R(HDR "\x01\x05\xff\xff\xff\xff\x0f"),
	 "4294967295 types do not fit in the rest of the type section"},
	{"an unknown type form", R(HDR "\x01\x04\x01\x61\x00\x00"), "unknown type form 0x61"},
	{"an unknown value type", R(HDR "\x01\x04\x01\x60\x01\x01"), "unknown value type 0x01"},
	{"a GC type", R(HDR "\x01\x04\x01\x5f\x00\x00"), "typed function references or GC"},
	{"a name not UTF-8", R(HDR TYPE "\x02\x07\x01\x01\xff\x01x\x00\x00"),
	 "offset 0x12: a name is not valid UTF-8"},
	{"a type index out of range", R(HDR TYPE "\x03\x02\x01\x05"),
	 "type index 5 out of range (1 defined)"},
	{"no code section", R(HDR TYPE FUNC MEMORY EXPORT),
	 "1 function declared but no code section"},
	{"an export past the functions", R(HDR TYPE FUNC MEMORY "\x07\x0a\x01\x06_start\x00\x07"),
	 "function index 7 out of range (1 defined)"},
	{"an unknown instruction", R(HDR TYPE FUNC MEMORY EXPORT BODY("\xff")),
	 "offset 0x31: unknown instruction 0xff"},
	{"an unknown 0xfc instruction", R(HDR TYPE FUNC MEMORY EXPORT
					  "\x0a\x06\x01\x04\x00\xfc\x12\x0b"),
	 "unknown instruction 0xfc 18"},
	{"a body past its end", R(HDR TYPE FUNC MEMORY EXPORT "\x0a\x05\x01\x03\x00\x02\x40"),
	 "unexpected end of function 0"},
	{"bytes after the final end", R(HDR TYPE FUNC MEMORY EXPORT
					"\x0a\x06\x01\x04\x00\x0b\x01\x0b"),
	 "function 0 has 2 bytes after its final 'end'"},
	{"a body count mismatch", R(HDR TYPE FUNC MEMORY EXPORT "\x0a\x01\x00"),
	 "0 function bodies for 1 declared function"},
	{"an i32.const overflow", R(HDR TYPE FUNC MEMORY EXPORT
				    "\x0a\x0a\x01\x08\x00\x41\xff\xff\xff\xff\x4f\x0b"),
	 "integer too large for 32 bits"},
	{"memory limits", R(HDR TYPE FUNC "\x05\x05\x01\x00\x81\x80\x08" EXPORT BODY("\x01")),
	 "an initial memory of 131073 pages, more than 65536 (4 GiB)"},
	{"unknown limits flags", R(HDR TYPE FUNC "\x05\x03\x01\x08\x01"),
	 "unknown memory limits flags 0x08"},
	{"return_call by hand", R(HDR TYPE FUNC MEMORY EXPORT
				  "\x0a\x06\x01\x04\x00\x12\x00\x0b"),
	 "tail calls (return_call), which wasm2c 1.0.32 cannot compile (at offset 0x31"},
	{"a tag section", R(HDR TYPE FUNC MEMORY "\x0d\x03\x01\x00\x00"),
	 "exception handling"},
	{"a data count mismatch", R(HDR TYPE FUNC MEMORY EXPORT "\x0c\x01\x02" BODY("\x01")),
	 "the data count section says 2 segments, but there are 0"},
#undef R
};

START_TEST(test_raw)
{
	struct tu_cap c;
	struct sk_module m;
	tu_cap_open(&c);
	int errors = wt_check(&c, &m, (const uint8_t *)raw[_i].bytes, raw[_i].len, 0);
	const char *text = tu_cap_text(&c);
	if (!raw[_i].want) {
		ck_assert_msg(errors == 0, "%s: %s", raw[_i].what, text);
		wt_output_ok(&m);
	} else {
		ck_assert_msg(errors > 0, "%s: accepted", raw[_i].what);
		ck_assert_msg(strstr(text, raw[_i].want), "%s: want '%s' in:\n%s", raw[_i].what,
			      raw[_i].want, text);
	}
	tu_cap_close(&c);
}
END_TEST

/* Custom sections anywhere go; `skillc.tool` is kept as the tool's JSON. */
START_TEST(test_custom)
{
	static const char json[] = "{\"name\":\"echo\",\"description\":\"\xc3\x89" "cho\",\"args\":\"json\","
				   "\"input_schema\":{\"type\":\"object\"}}";
	static const uint8_t good[] = GOOD;
	uint8_t buf[1024];
	size_t n = 8;
	memcpy(buf, good, 8);
	n += wt_custom(buf + n, "name", "\x00\x01\x00", 3);
	memcpy(buf + n, good + 8, sizeof good - 1 - 8);
	n += sizeof good - 1 - 8;
	n += wt_custom(buf + n, "skillc.tool", json, sizeof json - 1);
	n += wt_custom(buf + n, "producers", "\x00", 1);

	struct tu_cap c;
	struct sk_module m;
	tu_cap_open(&c);
	ck_assert_int_eq(wt_check(&c, &m, buf, n, 0), 0);
	ck_assert_ptr_nonnull(m.tool_json);
	ck_assert_uint_eq(m.tool_json_len, sizeof json - 1);
	ck_assert_str_eq(m.tool_json, json);
	ck_assert_uint_eq(m.code_len, sizeof good - 1);
	ck_assert_mem_eq(m.code, good, m.code_len);

	/* A second one. */
	size_t n2 = n + wt_custom(buf + n, "skillc.tool", "{}", 2);
	ck_assert_int_eq(wt_check(&c, &m, buf, n2, 0), 1);
	ck_assert_ptr_nonnull(strstr(tu_cap_text(&c), "a second 'skillc.tool' custom section"));
	ck_assert_ptr_null(m.code);
	tu_cap_close(&c);

	/* Not UTF-8, and a NUL. */
	static const char *const bad[] = {"{\"a\":\"\xc3\x28\"}", "{\"a\":\"\xed\xa0\x80\"}"};
	for (size_t i = 0; i < 3; i++) {
		tu_cap_open(&c);
		n2 = sizeof good - 1;
		memcpy(buf, good, n2);
		if (i < 2)
			n2 += wt_custom(buf + n2, "skillc.tool", bad[i], strlen(bad[i]));
		else
			n2 += wt_custom(buf + n2, "skillc.tool", "{}\0", 3);
		ck_assert_int_eq(wt_check(&c, &m, buf, n2, 0), 1);
		ck_assert_ptr_nonnull(strstr(tu_cap_text(&c), i < 2 ? "invalid UTF-8 at offset 0x"
								    : "a NUL byte at offset 0x"));
		tu_cap_close(&c);
	}
}
END_TEST

/* ---- C programs built by clang ------------------------------------------ */

static const char hello_c[] =
	"#include <stdio.h>\n"
	"__asm__(\".section .custom_section.skillc.tool,\\\"\\\",@\\n\"\n"
	"\t\".incbin \\\"tool.json\\\"\\n\"\n"
	"\t\".text\\n\");\n"
	"int main(void)\n"
	"{\n"
	"\tchar buf[256];\n"
	"\tsize_t n = fread(buf, 1, sizeof buf, stdin);\n"
	"\tfwrite(buf, 1, n, stdout);\n"
	"\treturn 0;\n"
	"}\n";

static const char simd_c[] =
	"typedef int v4 __attribute__((vector_size(16)));\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"\t(void)argv;\n"
	"\tv4 a = {argc, 2, 3, 4}, b = a * a + a;\n"
	"\treturn b[0] + b[3];\n"
	"}\n";

static const char tool_json[] = "{\"name\":\"echo\",\"description\":\"Echo stdin\","
				"\"args\":\"json\",\"input_schema\":{\"type\":\"object\"}}";

/* clang for wasm32-wasi on a program; the module, malloc'd. */
static uint8_t *wt_clang(const char *src, const char *flags, size_t *len)
{
	wt_need("clang", "clang lld wasi-libc libclang-rt-14-dev-wasm32");
	char *dir = tu_tmpdir();
	free(wt_write(dir, "t.c", src, strlen(src)));
	free(wt_write(dir, "tool.json", tool_json, sizeof tool_json - 1));
	struct tu_run r;
	tu_run(&r, "cd %s && clang --target=wasm32-wasi --sysroot=/usr -O2 %s t.c -o t.wasm", dir,
	       flags);
	ck_assert_msg(r.status == 0, "clang for wasm32-wasi failed (apt-get install clang lld "
				     "wasi-libc libclang-rt-14-dev-wasm32): %s",
		      r.err);
	tu_run_release(&r);
	char *path = NULL;
	ck_assert_int_ge(asprintf(&path, "%s/t.wasm", dir), 0);
	uint8_t *b = (uint8_t *)tu_read(path, len);
	ck_assert_ptr_nonnull(b);
	free(path);
	tu_rmdir(dir);
	return b;
}

START_TEST(test_clang)
{
	size_t len;
	uint8_t *b = wt_clang(hello_c, "", &len);
	struct tu_cap c;
	struct sk_module m;
	tu_cap_open(&c);
	ck_assert_msg(wt_check(&c, &m, b, len, 0) == 0, "%s", tu_cap_text(&c));
	ck_assert_ptr_nonnull(m.tool_json);
	ck_assert_str_eq(m.tool_json, tool_json);
	ck_assert_uint_gt(m.mem_min, 0);
	ck_assert_uint_lt(m.code_len, len); /* the debug info, names and producers are gone */
	wt_output_ok(&m);

	/* The same source gives the same bytes, whatever the debug info said. */
	struct sk_module m2;
	ck_assert_int_eq(wt_check(&c, &m2, b, len, 0), 0);
	ck_assert_uint_eq(m2.code_len, m.code_len);
	ck_assert_mem_eq(m2.code, m.code, m.code_len);
	tu_cap_close(&c);
	free(b);
}
END_TEST

START_TEST(test_clang_simd)
{
	size_t len;
	uint8_t *b = wt_clang(simd_c, "-msimd128", &len);
	struct tu_cap c;
	struct sk_module m;
	tu_cap_open(&c);
	ck_assert_int_gt(wt_check(&c, &m, b, len, 0), 0);
	ck_assert_msg(strstr(tu_cap_text(&c), "uses SIMD (v128) instructions, which wasm2c 1.0.32 "
					       "cannot compile"),
		      "%s", tu_cap_text(&c));
	tu_cap_close(&c);
	free(b);
}
END_TEST

/* ---- hostile input -------------------------------------------------------- */

/* Every proper prefix of a module whose last section is needed is an error. */
START_TEST(test_truncated)
{
	size_t len;
	uint8_t *b = wt_wat(cases[2].wat, NULL, &len);
	for (size_t n = 0; n <= len; n++) {
		struct tu_cap c;
		struct sk_module m;
		tu_cap_open(&c);
		uint8_t *copy = malloc(n ? n : 1); /* exactly n bytes, for ASan */
		memcpy(copy, b, n);
		int errors = wt_check(&c, &m, copy, n, 0);
		if (n < len)
			ck_assert_msg(errors > 0, "prefix of %zu bytes accepted", n);
		else
			ck_assert_msg(errors == 0, "%s", tu_cap_text(&c));
		free(copy);
		tu_cap_close(&c);
	}
	free(b);
}
END_TEST

/* Random byte flips in a real module: any verdict, but no crash and no
 * read out of bounds (the sanitizers' pass runs this too). */
START_TEST(test_flips)
{
	size_t len;
	uint8_t *b = wt_clang(hello_c, "", &len);
	struct tu_cap c;
	struct sk_module m;
	tu_cap_open(&c);
	ck_assert_int_eq(wt_check(&c, &m, b, len, 0), 0);
	size_t n = m.code_len;
	uint8_t *orig = malloc(n), *copy = malloc(n);
	memcpy(orig, m.code, n);
	tu_cap_close(&c);

	uint64_t x = 0x9e3779b97f4a7c15u; /* xorshift: the same run every time */
	for (int iter = 0; iter < 3000; iter++) {
		memcpy(copy, orig, n);
		int flips = 1 + iter % 4;
		for (int k = 0; k < flips; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			copy[x % n] ^= (uint8_t)(1u << (x >> 32) % 8);
		}
		/* Every eighth run also cuts the module short. */
		size_t cut = iter % 8 ? n : (size_t)(x >> 20) % n;
		tu_cap_open(&c);
		wt_check(&c, &m, copy, cut, 0);
		tu_cap_close(&c);
	}
	free(orig);
	free(copy);
	free(b);
}
END_TEST

Suite *suite_wasm(void)
{
	Suite *s = suite_create("wasm");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_wat, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_limits);
	tcase_add_loop_test(tc, test_raw, 0, (int)(sizeof raw / sizeof raw[0]));
	tcase_add_test(tc, test_custom);
	tcase_add_test(tc, test_clang);
	tcase_add_test(tc, test_clang_simd);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_flips);
	suite_add_tcase(s, tc);
	return s;
}
