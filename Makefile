# cleave -- a segmentation rule engine.
#   make run     install missing Debian packages, build, segment the sample
#   make check   build (plain and ASan/UBSan) and run every test with prove
#   make bench   throughput against a libcsv parse-only baseline (bench/)
# Build products go to $(BUILD) (build/, or build/asan for the sanitizer build).

BUILD   ?= build
SAN     ?=
CC      ?= gcc
OPT     ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wvla
CPPFLAGS = -D_GNU_SOURCE -Iinclude -Iengine -I/usr/include/lua5.4
CFLAGS   = -std=c11 $(OPT) $(WARN) -pthread
ifneq ($(SAN),)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined
LDSAN    = -fsanitize=address,undefined
endif
LDLIBS   = -llua5.4 -lcsv -linih -lz -lzstd -ldl -lm -pthread

ENGINE_SRC  = $(filter-out engine/main.c,$(wildcard engine/*.c))
ENGINE_OBJ  = $(ENGINE_SRC:%.c=$(BUILD)/%.o)
LIB         = $(BUILD)/libcleave.a
CLEAVE      = $(BUILD)/cleave

PLUGIN_DIRS = $(filter-out plugins/template/,$(wildcard plugins/*/))
PLUGINS     = $(patsubst plugins/%/,$(BUILD)/plugins/%.so,$(PLUGIN_DIRS))
PLUGIN_CFLAGS = -fPIC -fvisibility=hidden
PLUGIN_LDFLAGS = -shared -Wl,-z,defs

TEST_C      = $(wildcard tests/t_*.c)
TEST_SH     = $(wildcard tests/t_*.sh)
TEST_PLUG_C = $(wildcard tests/plugins/*.c)
TESTS       = $(TEST_C:tests/%.c=$(BUILD)/tests/%.t) \
              $(TEST_SH:tests/%.sh=$(BUILD)/tests/%.t)
TEST_PLUGS  = $(TEST_PLUG_C:tests/plugins/%.c=$(BUILD)/tests/plugins/%.so)

TOOLS       = $(patsubst tools/%.c,$(BUILD)/tools/%,$(wildcard tools/*.c))

.PHONY: all deps run check tests clean bench
.DELETE_ON_ERROR:

all: $(CLEAVE) $(PLUGINS) $(BUILD)/plugins-extra/template.so $(TOOLS)

deps:
	@sh tools/deps.sh

$(BUILD)/engine/%.o: engine/%.c $(wildcard engine/*.h) include/cleave/plugin.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(ENGINE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(CLEAVE): $(BUILD)/engine/main.o $(LIB)
	$(CC) $(CFLAGS) $(LDSAN) -o $@ $^ $(LDLIBS)

# One shared object per directory under plugins/ (template/ builds apart).
.SECONDEXPANSION:
$(BUILD)/plugins/%.so: $$(wildcard plugins/%/*.c) $$(wildcard plugins/%/*.h) include/cleave/plugin.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PLUGIN_CFLAGS) $(PLUGIN_LDFLAGS) $(LDSAN) \
	  -o $@ $(filter %.c,$^) -lm

$(BUILD)/plugins-extra/template.so: $(wildcard plugins/template/*.c) include/cleave/plugin.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PLUGIN_CFLAGS) $(PLUGIN_LDFLAGS) $(LDSAN) \
	  -o $@ $(filter %.c,$^) -lm

$(BUILD)/tests/plugins/%.so: tests/plugins/%.c include/cleave/plugin.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PLUGIN_CFLAGS) $(PLUGIN_LDFLAGS) $(LDSAN) -o $@ $< -lm

$(BUILD)/tests/%.t: tests/%.c tests/tap.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(LDSAN) -o $@ $< $(LIB) $(LDLIBS)

# Shell tests run through a wrapper that tells them which build to use.
$(BUILD)/tests/%.t: tests/%.sh
	@mkdir -p $(@D)
	printf '#!/bin/sh\nCLEAVE_BUILD=%s SAN=%s exec sh %s "$$@"\n' \
	  "$(abspath $(BUILD))" "$(SAN)" "$(abspath $<)" > $@
	chmod +x $@

$(BUILD)/tools/%: tools/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDSAN) -o $@ $< $(LIB) $(LDLIBS)

tests: all $(TESTS) $(TEST_PLUGS)

# --- what a user runs -------------------------------------------------------

SAMPLE_ROWS ?= 20000
sample/customers.csv: $(BUILD)/tools/gen_retail
	@mkdir -p sample
	$(BUILD)/tools/gen_retail --rows $(SAMPLE_ROWS) --seed 1 > $@.tmp && mv $@.tmp $@

run: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory sample/customers.csv
	@mkdir -p out
	$(CLEAVE) run -c engine.ini

check: deps deps-fuzz
	@$(MAKE) --no-print-directory tests
	@$(MAKE) --no-print-directory tests BUILD=build/asan SAN=1
	@if sh tests/fuzz/have_libfuzzer.sh "$(CLANG)"; then \
	  $(MAKE) --no-print-directory fuzz-build; \
	else echo "cleave: no clang with libFuzzer ($(CLANG)): t_fuzz skips its smoke runs"; fi
	prove -j2 build/tests/ build/asan/tests/

bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C bench

clean:
	rm -rf build out sample/customers.csv

# --- fuzzing (tests/fuzz/README.md) ------------------------------------------
# Each tests/fuzz/fuzz_<t>.c is built two ways: with gcc and tests/fuzz/replay.c
# into $(BUILD)/tests/fuzz_<t>_replay (part of `tests`: t_fuzz.sh replays the
# corpus and the regression inputs with it), and with clang's libFuzzer into
# build/fuzz/fuzz_<t>, whose engine objects are compiled apart in build/fuzz/.

FUZZ_TARGETS ?= csv ini rules
FUZZ_SRC     = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY  = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/tests/fuzz_%_replay)

$(BUILD)/tests/fuzz_%_replay: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/fuzz -DFUZZ_PLUGIN_DIR='"$(abspath $(BUILD))/plugins"' \
	  -DFUZZ_SRCDIR='"$(CURDIR)"' $(CFLAGS) \
	  $(LDSAN) -o $@ $< tests/fuzz/replay.c $(LIB) $(LDLIBS)

tests: $(FUZZ_REPLAY)

CLANG        ?= clang
FUZZ_BUILD    = build/fuzz
FUZZ_CFLAGS   = -std=c11 -g -O1 $(WARN) -pthread -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=undefined
# The engine is -Werror clean with gcc; clang's extra warnings (e.g.
# -Wsometimes-uninitialized after a noreturn Lua error) are shown, not fatal.
FUZZ_ENGINE_CFLAGS = $(FUZZ_CFLAGS) -Wno-error
FUZZ_OBJ      = $(ENGINE_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_PLUGINS  = $(patsubst plugins/%/,$(FUZZ_BUILD)/plugins/%.so,$(PLUGIN_DIRS))
FUZZ_SECONDS ?= 60
# libFuzzer options for every run (make fuzz, t_fuzz.sh)
FUZZ_OPTS    ?= -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

$(FUZZ_BUILD)/engine/%.o: engine/%.c $(wildcard engine/*.h) include/cleave/plugin.h
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) $(FUZZ_ENGINE_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libcleave.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Plugins for fuzz_rules, instrumented too (no -z defs: the sanitizer
# runtime comes with the fuzz binary).
$(FUZZ_BUILD)/plugins/%.so: $$(wildcard plugins/%/*.c) $$(wildcard plugins/%/*.h) include/cleave/plugin.h
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) $(FUZZ_ENGINE_CFLAGS) -fsanitize=fuzzer-no-link $(PLUGIN_CFLAGS) -shared \
	  -o $@ $(filter %.c,$^) -lm

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_BUILD)/libcleave.a $(FUZZ_PLUGINS)
	$(CLANG) $(CPPFLAGS) -Itests/fuzz -DFUZZ_PLUGIN_DIR='"$(abspath $(FUZZ_BUILD))/plugins"' -DFUZZ_SRCDIR='"$(CURDIR)"' \
	  $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libcleave.a $(LDLIBS)

.PHONY: fuzz fuzz-build fuzz-merge deps-fuzz
fuzz-build: $(FUZZ_BINS)

deps-fuzz:
	@sh tools/deps.sh --fuzz

# Every target for FUZZ_SECONDS, one after the other, one process each. New
# inputs go to build/fuzz/corpus/<t> (the repo's corpus is only read),
# crashes to build/fuzz/artifacts/<t>/, the output to build/fuzz/logs/<t>.log.
fuzz: deps-fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts/$$t $(FUZZ_BUILD)/logs; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s, log in $(FUZZ_BUILD)/logs/$$t.log"; \
	  rc=0; $(FUZZ_BUILD)/fuzz_$$t $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) \
	    -dict=tests/fuzz/$$t.dict -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ \
	    $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t \
	    > $(FUZZ_BUILD)/logs/$$t.log 2>&1 || rc=$$?; \
	  grep -E '^#[0-9]+ +DONE|^stat::|^==[0-9]+==ERROR|^SUMMARY|artifact_prefix|Test unit written' \
	    $(FUZZ_BUILD)/logs/$$t.log || true; \
	  if [ $$rc -ne 0 ]; then echo "fuzz_$$t: FAILED (exit $$rc), see $(FUZZ_BUILD)/logs/$$t.log"; exit 1; fi; \
	done

# Add what `make fuzz` found to the repo's corpus, minimised: only inputs
# that bring new coverage are copied into tests/fuzz/corpus/<t>.
fuzz-merge: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_BUILD)/fuzz_$$t -merge=1 tests/fuzz/corpus/$$t $(FUZZ_BUILD)/corpus/$$t \
	    2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true; \
	done
