# SPDX-License-Identifier: MIT
# cleave -- a segmentation rule engine.
#   make run      install missing Debian packages, build, segment the sample
#                 (twice with --state out/state: a baseline, then a delta)
#   make check    build (plain and ASan/UBSan) and run every test with prove
#   make bench    throughput against a libcsv parse-only baseline (bench/)
#   make install  bin, plugins, header, pkg-config file, man page, docs
#                 (PREFIX=/usr/local, DESTDIR, bindir, libdir, ...: see below)
#   make uninstall
# Build products go to $(BUILD) (build/, or build/asan for the sanitizer build).
#
# CFLAGS, CPPFLAGS and LDFLAGS from the environment or the command line are
# honoured (dpkg-buildflags' hardening reaches every object and link); the
# project's own flags are added around them (ALL_CPPFLAGS, ALL_CFLAGS,
# ALL_LDFLAGS: use those in new rules). -Werror is on only for the project's
# own test build (`make tests`, `make check`: WERROR=1); `make`, `make
# install` and package builds warn without failing. WERROR=0 turns it off.

BUILD   ?= build
SAN     ?=
CC      ?= gcc
CFLAGS  ?= -O2 -g
ifneq ($(filter tests check,$(MAKECMDGOALS)),)
WERROR  ?= 1
endif
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wvla $(if $(filter 1,$(WERROR)),-Werror)

# --- installation directories (GNU names; PREFIX or prefix) -----------------
PREFIX      ?= /usr/local
prefix      ?= $(PREFIX)
exec_prefix ?= $(prefix)
bindir      ?= $(exec_prefix)/bin
libdir      ?= $(exec_prefix)/lib
includedir  ?= $(prefix)/include
datarootdir ?= $(prefix)/share
datadir     ?= $(datarootdir)
mandir      ?= $(datarootdir)/man
docdir      ?= $(datarootdir)/doc/cleave
plugindir   ?= $(libdir)/cleave/plugins
pkgdatadir  ?= $(datadir)/cleave
pkgconfigdir ?= $(libdir)/pkgconfig
DESTDIR     ?=
INSTALL     ?= install

ALL_CPPFLAGS = -D_GNU_SOURCE -Iinclude -Iengine -I/usr/include/lua5.4 $(CPPFLAGS)
ALL_CFLAGS   = -std=c11 $(WARN) $(CFLAGS) -pthread
ifneq ($(SAN),)
ALL_CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=undefined
LDSAN        = -fsanitize=address,undefined
endif
ALL_LDFLAGS  = $(LDFLAGS) $(LDSAN)
LDLIBS   = -llua5.4 -lcsv -linih -lz -lzstd -ljansson -ldl -lm -pthread

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
TEST_PLUGS  = $(TEST_PLUG_C:tests/plugins/%.c=$(BUILD)/tests/plugins/%.so) \
              $(patsubst tests/plugins/abi10/%.c,$(BUILD)/tests/plugins/abi10/%.so,$(wildcard tests/plugins/abi10/*.c))

TOOLS       = $(patsubst tools/%.c,$(BUILD)/tools/%,$(wildcard tools/*.c))

.PHONY: all deps run check tests clean bench install uninstall FORCE
.DELETE_ON_ERROR:

all: $(CLEAVE) $(PLUGINS) $(BUILD)/plugins-extra/template.so $(TOOLS)

deps:
	@sh tools/deps.sh

# The compiled-in default plugin directory. The stamp holds it, rewritten
# only when it changes, so `make install PREFIX=...` after a plain `make`
# rebuilds the engine for the new path instead of installing a binary that
# looks in the old one.
# The names of the plugins under plugins/ are compiled in too (a rule file
# that calls dates.x without a plugin folder is told which one is missing);
# the stamp holds both.
PLUGIN_NAMES = $(patsubst plugins/%/,%,$(PLUGIN_DIRS))
ENGINE_DEFS = -DCLEAVE_PLUGINDIR='"$(plugindir)"' -DCLEAVE_PLUGIN_NAMES='"$(PLUGIN_NAMES)"'
PLUGINDIR_STAMP = $(BUILD)/plugindir.stamp
$(PLUGINDIR_STAMP): FORCE
	@mkdir -p $(@D)
	@if [ "$$(cat $@ 2>/dev/null)" != "$(plugindir) $(PLUGIN_NAMES)" ]; then echo "$(plugindir) $(PLUGIN_NAMES)" > $@; fi
FORCE:

$(BUILD)/engine/%.o: engine/%.c $(wildcard engine/*.h) include/cleave/plugin.h $(PLUGINDIR_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ENGINE_DEFS) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(ENGINE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(CLEAVE): $(BUILD)/engine/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# One shared object per directory under plugins/ (template/ builds apart).
# A plugin that links a library names it in plugins/<name>/ldlibs (one line,
# e.g. -lpcre2-8) or in PLUGIN_LIBS_<name>; the file is a prerequisite.
plugin_libs = $(PLUGIN_LIBS_$(1)) $(if $(wildcard plugins/$(1)/ldlibs),$(shell cat plugins/$(1)/ldlibs))
.SECONDEXPANSION:
$(BUILD)/plugins/%.so: $$(wildcard plugins/%/*.c) $$(wildcard plugins/%/*.h) $$(wildcard plugins/%/ldlibs) include/cleave/plugin.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(PLUGIN_CFLAGS) $(PLUGIN_LDFLAGS) $(ALL_LDFLAGS) \
	  -o $@ $(filter %.c,$^) $(call plugin_libs,$*) -lm

$(BUILD)/plugins-extra/template.so: $(wildcard plugins/template/*.c) include/cleave/plugin.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(PLUGIN_CFLAGS) $(PLUGIN_LDFLAGS) $(ALL_LDFLAGS) \
	  -o $@ $(filter %.c,$^) -lm

$(BUILD)/tests/plugins/%.so: tests/plugins/%.c include/cleave/plugin.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(PLUGIN_CFLAGS) $(PLUGIN_LDFLAGS) $(ALL_LDFLAGS) -o $@ $< -lm

# A plugin built against the frozen ABI 1.0 header: the 1.1 engine must run it.
$(BUILD)/tests/plugins/abi10/%.so: tests/plugins/abi10/%.c tests/plugins/abi10/cleave/plugin.h
	@mkdir -p $(@D)
	$(CC) -Itests/plugins/abi10 $(CPPFLAGS) $(CFLAGS) $(PLUGIN_CFLAGS) $(PLUGIN_LDFLAGS) $(LDSAN) -o $@ $< -lm

$(BUILD)/tests/%.t: tests/%.c tests/tap.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Shell tests run through a wrapper that tells them which build to use.
$(BUILD)/tests/%.t: tests/%.sh
	@mkdir -p $(@D)
	printf '#!/bin/sh\nCLEAVE_BUILD=%s SAN=%s exec sh %s "$$@"\n' \
	  "$(abspath $(BUILD))" "$(SAN)" "$(abspath $<)" > $@
	chmod +x $@

$(BUILD)/tools/%: tools/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

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
	@rm -rf out/state
	$(CLEAVE) run -c engine.ini -q --as-of 2026-10-18 --state out/state
	$(CLEAVE) run -c engine.ini --state out/state
	@echo "cleave: audience files (one per segment) are in out/audiences/"
	@echo "cleave: state in out/state/; who entered/exited since the run as of 2026-10-18:" \
	  "out/state/delta/<segment>.entered.csv and .exited.csv (counts: \"delta\" in out/summary.json)"
	@echo "cleave: the report is out/report.html (open it in a browser)"

check: deps deps-fuzz deps-check
	@$(MAKE) --no-print-directory tests
	@$(MAKE) --no-print-directory tests BUILD=build/asan SAN=1
	@if sh tests/fuzz/have_libfuzzer.sh "$(CLANG)"; then \
	  $(MAKE) --no-print-directory fuzz-build; \
	else echo "cleave: no clang with libFuzzer ($(CLANG)): t_fuzz skips its smoke runs"; fi
	CLEAVE_TEST_DEB=1 prove -j2 build/tests/ build/asan/tests/

# t_deb.sh (the .deb build, ~40 s of CPU) runs in make check only, or with
# CLEAVE_TEST_DEB=1.
deps-check:
	@sh tools/deps.sh --check

bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C bench

clean:
	rm -rf build out sample/customers.csv

# --- installing ---------------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=] [bindir= libdir= includedir=
# mandir= docdir= plugindir= pkgdatadir= pkgconfigdir=]. The binary looks for
# plugins in $(plugindir) when engine.ini names none (docs/config.md).
# make uninstall removes exactly what install wrote (same variables).

ABI_MAJOR := $(shell sed -n 's/^\#define CLEAVE_ABI_MAJOR \([0-9]*\).*/\1/p' include/cleave/plugin.h)
ABI_MINOR := $(shell sed -n 's/^\#define CLEAVE_ABI_MINOR \([0-9]*\).*/\1/p' include/cleave/plugin.h)
CLEAVE_VERSION := $(shell sed -n 's/^\#define CLEAVE_VERSION "\(.*\)"/\1/p' engine/version.h)

MANPAGES    = $(wildcard man/*.[1-8])
DOCS        = README.md LICENSE $(wildcard docs/*.md)
RECIPES     = $(filter-out %/lists,$(wildcard docs/recipes/*))
RECIPE_LISTS = $(wildcard docs/recipes/lists/*)
SCRIPTS     = $(wildcard scripts/*.lua)
TEMPLATE    = plugins/template/Makefile plugins/template/README.md plugins/template/template.c

$(BUILD)/cleave-plugin.pc: data/cleave-plugin.pc.in include/cleave/plugin.h engine/version.h $(PLUGINDIR_STAMP)
	@mkdir -p $(@D)
	sed -e 's|@includedir@|$(includedir)|g' -e 's|@plugindir@|$(plugindir)|g' \
	    -e 's|@abi_major@|$(ABI_MAJOR)|g' -e 's|@abi_minor@|$(ABI_MINOR)|g' \
	    -e 's|@version@|$(CLEAVE_VERSION)|g' $< > $@

$(BUILD)/engine.ini.example: data/engine.ini.example $(PLUGINDIR_STAMP)
	@mkdir -p $(@D)
	sed -e 's|@pkgdatadir@|$(pkgdatadir)|g' -e 's|@plugindir@|$(plugindir)|g' $< > $@

install: $(CLEAVE) $(PLUGINS) $(BUILD)/cleave-plugin.pc $(BUILD)/engine.ini.example
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(plugindir) $(DESTDIR)$(includedir)/cleave \
	  $(DESTDIR)$(pkgconfigdir) $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(docdir)/recipes/lists \
	  $(DESTDIR)$(docdir)/examples/plugin-template $(DESTDIR)$(pkgdatadir)/scripts
	$(INSTALL) -m 0755 $(CLEAVE) $(DESTDIR)$(bindir)/cleave
	$(INSTALL) -m 0644 $(PLUGINS) $(DESTDIR)$(plugindir)/
	$(INSTALL) -m 0644 include/cleave/plugin.h $(DESTDIR)$(includedir)/cleave/plugin.h
	$(INSTALL) -m 0644 $(BUILD)/cleave-plugin.pc $(DESTDIR)$(pkgconfigdir)/cleave-plugin.pc
	@set -e; for m in $(MANPAGES); do \
	  s=$${m##*.}; $(INSTALL) -d $(DESTDIR)$(mandir)/man$$s; \
	  echo "$(INSTALL) -m 0644 $$m $(DESTDIR)$(mandir)/man$$s/"; \
	  $(INSTALL) -m 0644 $$m $(DESTDIR)$(mandir)/man$$s/; done
	$(INSTALL) -m 0644 $(DOCS) $(DESTDIR)$(docdir)/
	$(INSTALL) -m 0644 $(RECIPES) $(DESTDIR)$(docdir)/recipes/
	$(INSTALL) -m 0644 $(RECIPE_LISTS) $(DESTDIR)$(docdir)/recipes/lists/
	$(INSTALL) -m 0644 $(BUILD)/engine.ini.example $(DESTDIR)$(docdir)/examples/engine.ini
	$(INSTALL) -m 0644 $(TEMPLATE) $(DESTDIR)$(docdir)/examples/plugin-template/
	$(INSTALL) -m 0644 $(SCRIPTS) $(DESTDIR)$(pkgdatadir)/scripts/

uninstall:
	rm -f $(DESTDIR)$(bindir)/cleave $(DESTDIR)$(includedir)/cleave/plugin.h \
	  $(DESTDIR)$(pkgconfigdir)/cleave-plugin.pc \
	  $(PLUGINS:$(BUILD)/plugins/%=$(DESTDIR)$(plugindir)/%) \
	  $(addprefix $(DESTDIR)$(docdir)/,$(notdir $(DOCS))) \
	  $(addprefix $(DESTDIR)$(docdir)/recipes/,$(notdir $(RECIPES))) \
	  $(addprefix $(DESTDIR)$(docdir)/recipes/lists/,$(notdir $(RECIPE_LISTS))) \
	  $(DESTDIR)$(docdir)/examples/engine.ini \
	  $(addprefix $(DESTDIR)$(docdir)/examples/plugin-template/,$(notdir $(TEMPLATE))) \
	  $(addprefix $(DESTDIR)$(pkgdatadir)/scripts/,$(notdir $(SCRIPTS)))
	@set -e; for m in $(notdir $(MANPAGES)); do \
	  echo "rm -f $(DESTDIR)$(mandir)/man$${m##*.}/$$m"; \
	  rm -f "$(DESTDIR)$(mandir)/man$${m##*.}/$$m"; done
	@# the folders only if empty (another plugin may live in plugindir)
	@rmdir $(DESTDIR)$(plugindir) $(DESTDIR)$(libdir)/cleave $(DESTDIR)$(includedir)/cleave \
	  $(DESTDIR)$(docdir)/recipes/lists $(DESTDIR)$(docdir)/recipes \
	  $(DESTDIR)$(docdir)/examples/plugin-template $(DESTDIR)$(docdir)/examples $(DESTDIR)$(docdir) \
	  $(DESTDIR)$(pkgdatadir)/scripts $(DESTDIR)$(pkgdatadir) 2>/dev/null || true

# --- fuzzing (tests/fuzz/README.md) ------------------------------------------
# Each tests/fuzz/fuzz_<t>.c is built two ways: with gcc and tests/fuzz/replay.c
# into $(BUILD)/tests/fuzz_<t>_replay (part of `tests`: t_fuzz.sh replays the
# corpus and the regression inputs with it), and with clang's libFuzzer into
# build/fuzz/fuzz_<t>, whose engine objects are compiled apart in build/fuzz/.

FUZZ_SRC     = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_TARGETS ?= $(sort $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%))
FUZZ_REPLAY  = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/tests/fuzz_%_replay)

$(BUILD)/tests/fuzz_%_replay: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests/fuzz -DFUZZ_PLUGIN_DIR='"$(abspath $(BUILD))/plugins"' \
	  -DFUZZ_SRCDIR='"$(CURDIR)"' $(ALL_CFLAGS) \
	  $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(LDLIBS)

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
	$(CLANG) $(ALL_CPPFLAGS) $(ENGINE_DEFS) $(FUZZ_ENGINE_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libcleave.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Plugins for fuzz_rules, instrumented too (no -z defs: the sanitizer
# runtime comes with the fuzz binary).
$(FUZZ_BUILD)/plugins/%.so: $$(wildcard plugins/%/*.c) $$(wildcard plugins/%/*.h) $$(wildcard plugins/%/ldlibs) include/cleave/plugin.h
	@mkdir -p $(@D)
	$(CLANG) $(ALL_CPPFLAGS) $(FUZZ_ENGINE_CFLAGS) -fsanitize=fuzzer-no-link $(PLUGIN_CFLAGS) -shared \
	  -o $@ $(filter %.c,$^) $(call plugin_libs,$*) -lm

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_BUILD)/libcleave.a $(FUZZ_PLUGINS)
	$(CLANG) $(ALL_CPPFLAGS) -Itests/fuzz -DFUZZ_PLUGIN_DIR='"$(abspath $(FUZZ_BUILD))/plugins"' -DFUZZ_SRCDIR='"$(CURDIR)"' \
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
