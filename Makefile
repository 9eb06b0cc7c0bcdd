# skillc: bake a folder of agent skills into one executable.
#
#   make                          bake skills/ into build/agent, one static executable
#   make STATIC=0                 the same agent linked dynamically against the system's libraries
#   make SKILLS=dir AGENT=name    bake another folder into build/name
#   make PROVIDER=anthropic MODEL=claude-sonnet-4-5 [BASE_URL=url]
#                                 bake defaults for `agent run` and `agent chat`
#   make SKILLC_FLAGS=--lenient   more skillc options (here: skip broken skills)
#   make test                     every test: unit, golden, end-to-end, headers, sanitizers
#   make bench                    benchmarks (figures printed)
#   make install PREFIX=/usr/local
#
# V=1 shows the commands.

BUILD ?= build
SKILLS ?= skills
AGENT ?= agent
PROVIDER ?=
MODEL ?=
BASE_URL ?=
SKILLC_FLAGS ?=
PREFIX ?= /usr/local
CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
SANITIZE ?=
STATIC ?= 1
MUSL_CC ?= musl-gcc

# wasm2c's runtime header (copied by mk/deps.sh; runtime/wasm_rt.c is ours)
# in bounds-check mode: Debian's default guard-page mode reserves about
# 8 GiB of address space per instance and costs far more per call. The
# runtime and the modules' C must all see the same settings.
WASM_RT_INC ?= $(abspath $(BUILD))/wasm-rt
WASM_DEFS := -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 -DWASM_RT_MAX_CALL_STACK_DEPTH=4000
override CFLAGS += -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-Wall -Wextra -Werror -MMD -MP -I$(WASM_RT_INC) $(WASM_DEFS)
ifneq ($(SANITIZE),)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=address,undefined
# ASan and UBSan cannot link statically.
override STATIC := 0
endif

ifeq ($(V),1)
Q =
say = @:
else
Q = @
say = @printf '  %-7s %s\n'
endif

DEPS_OK := $(BUILD)/.deps-ok
GRAMMARS := python bash javascript toml
GRAMMAR_DIR := $(BUILD)/grammars
GRAMMAR_OBJS := $(foreach g,$(GRAMMARS),$(GRAMMAR_DIR)/tree-sitter-$(g)/parser.o \
	$(GRAMMAR_DIR)/tree-sitter-$(g)/scanner.o)

GEN_SRCS := $(sort $(wildcard gen/*.c))
GEN_LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out gen/main.c,$(GEN_SRCS)))
RT_SRCS := $(sort $(wildcard runtime/*.c))
RT_LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out runtime/main.c,$(RT_SRCS)))
RT_LIB := $(BUILD)/libskillc-runtime.a
SKILLC := $(BUILD)/skillc

GEN_LIBS := -lyaml -ltree-sitter -ljansson
RT_LIBS := -ljansson -lcurl -lsqlite3 -lm

# The static agent (STATIC=1): the agents and the MCP fuzzer link a copy of
# the runtime compiled by musl-gcc, with mbedTLS, libcurl, jansson, SQLite and the
# mimalloc allocator built by mk/static.sh from the Debian sources pinned in
# mk/static.lock, and -static. The generator and the unit-test runner stay
# glibc builds.
STATIC_DIR := $(BUILD)/static
STATIC_OK := $(STATIC_DIR)/.stamp
MUSL := $(BUILD)/musl
MUSL_RT_LIB_OBJS := $(patsubst %.c,$(MUSL)/%.o,$(filter-out runtime/main.c,$(RT_SRCS)))
MUSL_RT_LIB := $(MUSL)/libskillc-runtime.a
# kinc: the kernel headers, which musl-gcc does not search by itself. musl's
# memcpy is slow for the many tiny copies JSON work makes: on x86 GCC inlines
# the small ones (the MCP server's throughput nearly doubles).
MUSL_CFLAGS = $(CFLAGS) -I$(STATIC_DIR)/include -isystem $(STATIC_DIR)/kinc $(MUSL_ARCH_CFLAGS)
MUSL_ARCH_CFLAGS := $(if $(filter x86_64 i386 i486 i586 i686,$(shell uname -m)),-minline-stringops-dynamically)
# mimalloc.o, an object and not an archive, is always linked: it defines
# malloc and the rest, so musl's allocator, which is slow for JSON's many
# small blocks, is not.
MUSL_LIBS := -L$(STATIC_DIR)/lib -ljansson -lcurl -lmbedtls -lmbedx509 -lmbedcrypto -lsqlite3 \
	$(STATIC_DIR)/lib/mimalloc.o
ifeq ($(STATIC),1)
AGENT_CC := $(MUSL_CC)
AGENT_LDFLAGS = -static $(LDFLAGS)
AGENT_MAIN := $(MUSL)/runtime/main.o
AGENT_RT_LIB := $(MUSL_RT_LIB)
AGENT_LIBS := $(MUSL_LIBS)
AGENT_STATIC_OK := $(STATIC_OK)
agent_table = $(1)/musl/table.o $(1)/musl/wasm.a
else
AGENT_CC := $(CC)
AGENT_LDFLAGS = $(LDFLAGS)
AGENT_MAIN := $(BUILD)/runtime/main.o
AGENT_RT_LIB := $(RT_LIB)
AGENT_LIBS := $(RT_LIBS)
AGENT_STATIC_OK :=
agent_table = $(1)/table.o $(1)/wasm.a
endif

AGENT_GEN := $(BUILD)/gen-$(AGENT)
AGENT_BIN := $(BUILD)/$(AGENT)

.PHONY: all deps test unit check-headers bench install clean
.DELETE_ON_ERROR:
# No built-in rules: every skill file is a prerequisite, and searching
# implicit rules for thousands of them is most of a no-op make's time.
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

all: $(AGENT_BIN)

deps: $(DEPS_OK) $(AGENT_STATIC_OK)

# The flags stamp: objects rebuild when the compiler or flags change.
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW := $(CC) $(CFLAGS) $(LDFLAGS)
$(FLAGS_STAMP): FORCE | $(BUILD)/.dir
	@if [ "$$(cat $@ 2>/dev/null)" != '$(FLAGS_NOW)' ]; then echo '$(FLAGS_NOW)' > $@; fi
.PHONY: FORCE

$(BUILD)/.dir:
	@mkdir -p $(BUILD) && touch $@

# The same for musl objects, and the link mode: switching STATIC relinks the
# agents but recompiles nothing (each mode's objects stay in their place).
MUSL_FLAGS_STAMP := $(BUILD)/.flags-musl
MUSL_FLAGS_NOW := $(MUSL_CC) $(MUSL_CFLAGS) $(LDFLAGS)
$(MUSL_FLAGS_STAMP): FORCE | $(BUILD)/.dir
	@if [ "$$(cat $@ 2>/dev/null)" != '$(MUSL_FLAGS_NOW)' ]; then echo '$(MUSL_FLAGS_NOW)' > $@; fi
LINK_STAMP := $(BUILD)/.link
$(LINK_STAMP): FORCE | $(BUILD)/.dir
	@if [ "$$(cat $@ 2>/dev/null)" != 'STATIC=$(STATIC)' ]; then echo 'STATIC=$(STATIC)' > $@; fi

$(DEPS_OK): mk/deps.sh mk/grammars.lock
	$(say) DEPS "$(BUILD)"
	$(Q)bash mk/deps.sh $(BUILD)

$(GRAMMAR_DIR)/%.o: $(DEPS_OK)
	$(say) CC $@
	$(Q)$(CC) -O2 -g -w -fPIC -I$(dir $@)src -c $(dir $@)src/$(notdir $*).c -o $@

$(BUILD)/gen/%.o: gen/%.c $(FLAGS_STAMP) | $(DEPS_OK)
	$(say) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/runtime/%.o: runtime/%.c $(FLAGS_STAMP) | $(DEPS_OK)
	$(say) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(RT_LIB): $(RT_LIB_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

# Cached in $(STATIC_DIR): the script does nothing while its stamp matches.
$(STATIC_OK): mk/static.sh mk/static.lock mk/mimalloc.c | $(DEPS_OK)
	$(say) STATIC "$(STATIC_DIR)"
	$(Q)bash mk/static.sh $(BUILD)

$(MUSL)/runtime/%.o: runtime/%.c $(MUSL_FLAGS_STAMP) | $(STATIC_OK)
	$(say) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) -c $< -o $@

$(MUSL_RT_LIB): $(MUSL_RT_LIB_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

# The generator links the runtime's hashing so both agree on digests.
$(SKILLC): $(BUILD)/gen/main.o $(GEN_LIB_OBJS) $(RT_LIB) $(GRAMMAR_OBJS)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(GEN_LIBS)

# The baked `run` defaults and SKILLC_FLAGS: the table is baked again when they change.
DEFAULTS_STAMP := $(AGENT_GEN)/.defaults
DEFAULTS_NOW := --provider='$(PROVIDER)' --model='$(MODEL)' --base-url='$(BASE_URL)' $(SKILLC_FLAGS)
$(DEFAULTS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@if [ "$$(cat $@ 2>/dev/null)" != "$(DEFAULTS_NOW)" ]; then echo "$(DEFAULTS_NOW)" > $@; fi

# Plugins' WASM tools built from C in the tree, with Debian's wasi-libc:
# <plugin>/src/<tool>.c -> <plugin>/<tool>.wasm for each plugin (a directory
# with manifest.toml) of $(SKILLS). -I lets a module .incbin its src/*.json.
WASI_CC ?= clang
WASI_CFLAGS ?= --target=wasm32-wasi --sysroot=/usr -O2
PLUGIN_DIRS := $(patsubst %/manifest.toml,%,$(wildcard $(SKILLS)/*/manifest.toml))
PLUGIN_WASM := $(foreach d,$(PLUGIN_DIRS),$(patsubst $(d)/src/%.c,$(d)/%.wasm,$(wildcard $(d)/src/*.c)))
define plugin_rule
$(1)/%.wasm: $(1)/src/%.c $(wildcard $(1)/src/*) | $(DEPS_OK)
	$$(say) WASM $$@
	$$(Q)$$(WASI_CC) $$(WASI_CFLAGS) -Wall -Wextra -Werror -I$(1)/src -o $$@+ $$< && mv $$@+ $$@
endef
$(foreach d,$(PLUGIN_DIRS),$(eval $(call plugin_rule,$(d))))

# Bake: the generator writes table.c last, so table.c existing means a whole run.
$(AGENT_GEN)/table.c: $(SKILLC) $(DEFAULTS_STAMP) $(PLUGIN_WASM)
	$(say) SKILLC "$(SKILLS) -> $(AGENT_GEN)"
	$(Q)$(SKILLC) --name '$(AGENT)' $(DEFAULTS_NOW) -o $(AGENT_GEN) --deps $(AGENT_GEN)/deps.mk $(SKILLS)
-include $(AGENT_GEN)/deps.mk

$(AGENT_GEN)/table.o: $(AGENT_GEN)/table.c $(FLAGS_STAMP)
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS) -Iruntime -c $< -o $@

$(AGENT_GEN)/musl/table.o: $(AGENT_GEN)/table.c $(MUSL_FLAGS_STAMP) | $(STATIC_OK)
	$(say) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) -Iruntime -c $< -o $@

# The modules' C (gen/wasmc.h), generated code compiled without our warnings
# or sanitizers (a UBSan report there would be wasm2c's, not the module's),
# and without debug information, which took 35-50 % of their compile time.
WASM_MOD_FLAGS = $(filter-out -g -fsanitize% -fno-sanitize% -Wall -Wextra -Werror -MMD -MP,$(1)) -w -Iruntime
$(AGENT_GEN)/wasm.a: $(AGENT_GEN)/table.c $(FLAGS_STAMP) mk/wasm-objs.sh
	$(Q)sh mk/wasm-objs.sh '$(CC) $(call WASM_MOD_FLAGS,$(CFLAGS))' $(AGENT_GEN)/wasm \
	  $(AGENT_GEN)/wasm-o $@
$(AGENT_GEN)/musl/wasm.a: $(AGENT_GEN)/table.c $(MUSL_FLAGS_STAMP) mk/wasm-objs.sh | $(STATIC_OK)
	@mkdir -p $(dir $@)
	$(Q)sh mk/wasm-objs.sh '$(MUSL_CC) $(call WASM_MOD_FLAGS,$(MUSL_CFLAGS))' $(AGENT_GEN)/wasm \
	  $(AGENT_GEN)/musl/wasm-o $@

# -MMD does not see .incbin: the blob is an explicit prerequisite.
$(AGENT_GEN)/data.o: $(AGENT_GEN)/table.c
	$(say) AS $@
	$(Q)$(CC) -c -Wa,-I,$(AGENT_GEN) $(AGENT_GEN)/data.S -o $@

$(AGENT_BIN): $(call agent_table,$(AGENT_GEN)) $(AGENT_GEN)/data.o $(AGENT_MAIN) $(AGENT_RT_LIB) \
	  $(LINK_STAMP) $(AGENT_STATIC_OK)
	$(say) LD $@
	$(Q)$(AGENT_CC) $(AGENT_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(AGENT_LIBS)

# Both link modes of the same baked table, for the start-up benchmark.
$(AGENT_BIN).static: $(AGENT_GEN)/musl/table.o $(AGENT_GEN)/musl/wasm.a $(AGENT_GEN)/data.o $(MUSL)/runtime/main.o \
	  $(MUSL_RT_LIB) $(STATIC_OK)
	$(say) LD $@
	$(Q)$(MUSL_CC) -static $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(MUSL_LIBS)
$(AGENT_BIN).dynamic: $(AGENT_GEN)/table.o $(AGENT_GEN)/wasm.a $(AGENT_GEN)/data.o $(BUILD)/runtime/main.o $(RT_LIB)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(RT_LIBS)

-include $(wildcard $(BUILD)/gen/*.d $(BUILD)/runtime/*.d $(BUILD)/tests/unit/*.d $(BUILD)/tests/fuzz/*.d \
	$(MUSL)/runtime/*.d $(MUSL)/tests/fuzz/*.d)

# --- tests ----------------------------------------------------------------

TEST_SRCS := $(sort $(wildcard tests/unit/*.c))
TEST_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(TEST_SRCS))
TEST_NAMES := $(patsubst tests/unit/test_%.c,%,$(filter tests/unit/test_%.c,$(TEST_SRCS)))
TEST_RUNNER := $(BUILD)/tests/unit/run

# Every suite file defines `Suite *suite_<name>(void)`; the list is generated
# so adding a test file needs no registration.
$(BUILD)/tests/unit/suites.h: $(TEST_SRCS) | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' $(foreach n,$(TEST_NAMES),'SUITE($(n))') > $@+ && \
	  { cmp -s $@+ $@ && rm $@+ || mv $@+ $@; }

$(BUILD)/tests/unit/%.o: tests/unit/%.c $(BUILD)/tests/unit/suites.h $(FLAGS_STAMP) | $(DEPS_OK)
	$(say) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -I$(BUILD)/tests/unit -Igen -Iruntime -c $< -o $@

$(TEST_RUNNER): $(TEST_OBJS) $(GEN_LIB_OBJS) $(RT_LIB) $(GRAMMAR_OBJS)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(GEN_LIBS) $(RT_LIBS) -pthread $$(pkg-config --libs check)

# End-to-end suites bake these agents first and find them by environment.
E2E_AGENT := $(BUILD)/e2e
ifneq ($(AGENT),e2e)
$(E2E_AGENT): $(SKILLC) $(AGENT_RT_LIB) $(AGENT_MAIN) FORCE
	@$(MAKE) --no-print-directory SKILLS=tests/e2e/skills AGENT=e2e $(E2E_AGENT)
endif
# The sandbox suite's hostile tools.
JAIL_AGENT := $(BUILD)/jail
ifneq ($(AGENT),jail)
$(JAIL_AGENT): $(SKILLC) $(AGENT_RT_LIB) $(AGENT_MAIN) FORCE
	@$(MAKE) --no-print-directory SKILLS=tests/sandbox/skills AGENT=jail $(JAIL_AGENT)
endif

# The WASM suites' hostile and curious modules (tests/wasm/skills).
WASM_AGENT := $(BUILD)/wasmprobe
ifneq ($(AGENT),wasmprobe)
$(WASM_AGENT): $(SKILLC) $(AGENT_RT_LIB) $(AGENT_MAIN) FORCE
	@$(MAKE) --no-print-directory SKILLS=tests/wasm/skills AGENT=wasmprobe $(WASM_AGENT)
endif

# The callback protocol's probe tools (tests/callback/skills).
CB_AGENT := $(BUILD)/cbprobe
ifneq ($(AGENT),cbprobe)
$(CB_AGENT): $(SKILLC) $(AGENT_RT_LIB) $(AGENT_MAIN) FORCE
	@$(MAKE) --no-print-directory SKILLS=tests/callback/skills AGENT=cbprobe $(CB_AGENT)
endif

# Scripts that read their arguments straight from argv (the golden fixture).
ARGV_AGENT := $(BUILD)/argvonly
ifneq ($(AGENT),argvonly)
$(ARGV_AGENT): $(SKILLC) $(AGENT_RT_LIB) $(AGENT_MAIN) FORCE
	@$(MAKE) --no-print-directory SKILLS=tests/golden/argv-only/skills AGENT=argvonly $(ARGV_AGENT)
endif

# The MCP fuzzer links the probe table baked for the end-to-end agent.
MCP_FUZZ := $(BUILD)/mcp-fuzz
$(BUILD)/tests/fuzz/%.o: tests/fuzz/%.c $(FLAGS_STAMP) | $(DEPS_OK)
	$(say) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Iruntime -c $< -o $@

$(MUSL)/tests/fuzz/%.o: tests/fuzz/%.c $(MUSL_FLAGS_STAMP) | $(STATIC_OK)
	$(say) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) -Iruntime -c $< -o $@

MCP_FUZZ_O := $(if $(filter 1,$(STATIC)),$(MUSL),$(BUILD))/tests/fuzz/mcp_fuzz.o
$(MCP_FUZZ): $(MCP_FUZZ_O) $(E2E_AGENT) $(AGENT_RT_LIB) $(LINK_STAMP)
	$(say) LD $@
	$(Q)$(AGENT_CC) $(AGENT_LDFLAGS) -o $@ $< $(call agent_table,$(BUILD)/gen-e2e) $(BUILD)/gen-e2e/data.o \
	  $(AGENT_RT_LIB) $(AGENT_LIBS)

# --- MCP SDK for tests/mcp (the `agent mcp` end-to-end tests) -------------
# The official TypeScript SDK and its dependencies, pinned by integrity hash in
# tests/mcp/package-lock.json, installed by `npm ci` (mk/npm-test.sh). The
# runner finds it through MCP_SDK_DIR; the ASan pass reuses this install.
MCP_SDK_DIR ?= $(BUILD)/npm
export MCP_SDK_DIR
$(MCP_SDK_DIR)/.installed: tests/mcp/package.json tests/mcp/package-lock.json mk/npm-test.sh | $(DEPS_OK)
	$(say) NPM "$(MCP_SDK_DIR)"
	$(Q)bash mk/npm-test.sh tests/mcp $(MCP_SDK_DIR)
unit: $(MCP_SDK_DIR)/.installed
# --- end of MCP SDK ----------------------------------------------------------

unit: $(TEST_RUNNER) $(SKILLC) $(AGENT_BIN) $(E2E_AGENT) $(JAIL_AGENT) $(WASM_AGENT) $(CB_AGENT) $(ARGV_AGENT) $(MCP_FUZZ)
	$(Q)SKILLC=$(SKILLC) AGENT=$(AGENT_BIN) E2E_AGENT=$(E2E_AGENT) JAIL_AGENT=$(JAIL_AGENT) \
	  WASM_AGENT=$(WASM_AGENT) CB_AGENT=$(CB_AGENT) ARGV_AGENT=$(ARGV_AGENT) MCP_FUZZ=$(MCP_FUZZ) CC='$(CC)' SANITIZE='$(SANITIZE)' STATIC='$(STATIC)' BUILD='$(BUILD)' \
	  TEST_ROOT=$(CURDIR) $(TEST_RUNNER)

# Each header compiles on its own.
HEADERS := $(wildcard gen/*.h runtime/*.h)
# With STATIC=1 the runtime's also compile on their own under musl.
MUSL_HEADERS := $(if $(filter 1,$(STATIC)),$(wildcard runtime/*.h))
check-headers: | $(DEPS_OK) $(AGENT_STATIC_OK)
	$(say) HDRS "$(words $(HEADERS)) headers$(if $(MUSL_HEADERS), and $(words $(MUSL_HEADERS)) with musl)"
	$(Q)for h in $(HEADERS); do \
	  printf '#include "%s"\n' "$$h" | $(CC) $(CFLAGS) -I. -x c -fsyntax-only -MF /dev/null - || exit 1; done
	$(Q)for h in $(MUSL_HEADERS); do \
	  printf '#include "%s"\n' "$$h" | $(MUSL_CC) $(MUSL_CFLAGS) -I. -x c -fsyntax-only -MF /dev/null - || exit 1; done

test: check-headers
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SANITIZE=1 STATIC=0 CFLAGS='-O1 -g' \
	  DEPS_OK=$(DEPS_OK) GRAMMAR_DIR=$(GRAMMAR_DIR) WASM_RT_INC=$(WASM_RT_INC) MCP_SDK_DIR=$(MCP_SDK_DIR) unit

$(BUILD)/bench-rss: bench/rss.c | $(BUILD)/.dir
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/bench-mcp: bench/mcp.c | $(BUILD)/.dir
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/bench-sse: bench/sse.c runtime/sse.c runtime/sse.h | $(BUILD)/.dir
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS) -Iruntime -o $@ bench/sse.c runtime/sse.c

$(BUILD)/bench-cmp: bench/cmp.c | $(BUILD)/.dir
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/bench-startup: bench/startup.c | $(BUILD)/.dir
	$(say) CC $@
	$(Q)$(CC) $(CFLAGS) -o $@ $<

# The MCP benchmark compares against the official SDK that `make test` installs;
# the agent benchmark plays a 50-turn session on the mock provider; the
# start-up benchmark runs the agent's two link modes of the same table; the
# WASM benchmark bakes its own agent (bench/wasm.py).
bench: $(SKILLC) $(AGENT_RT_LIB) $(AGENT_MAIN) $(BUILD)/bench-rss $(BUILD)/bench-mcp \
	  $(BUILD)/bench-sse $(AGENT_BIN) $(MCP_SDK_DIR)/.installed \
	  $(BUILD)/bench-startup $(AGENT_BIN).static $(AGENT_BIN).dynamic $(BUILD)/bench-cmp
	$(Q)python3 bench/bake.py --build $(BUILD)
	$(Q)python3 bench/wasm.py --build $(BUILD)
	$(Q)python3 bench/mcp.py --build $(BUILD)
	$(Q)$(BUILD)/bench-sse
	$(Q)python3 bench/agent.py --build $(BUILD)
	$(Q)$(BUILD)/bench-startup -n 200 $(AGENT_BIN).static $(AGENT_BIN).dynamic

install: $(SKILLC) $(RT_LIB) $(BUILD)/runtime/main.o
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/skillc \
	  $(DESTDIR)$(PREFIX)/share/skillc/templates
	install -m 0755 $(SKILLC) $(DESTDIR)$(PREFIX)/bin/skillc
	install -m 0644 $(RT_LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 0644 runtime/skc_abi.h $(WASM_RT_INC)/wasm-rt.h $(DESTDIR)$(PREFIX)/include/skillc/
	install -m 0644 $(BUILD)/runtime/main.o $(DESTDIR)$(PREFIX)/lib/skillc-main.o
	install -m 0644 templates/* $(DESTDIR)$(PREFIX)/share/skillc/templates/

clean:
	rm -rf $(BUILD)
