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

check: deps
	@$(MAKE) --no-print-directory tests
	@$(MAKE) --no-print-directory tests BUILD=build/asan SAN=1
	prove -j2 build/tests/ build/asan/tests/

bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C bench

clean:
	rm -rf build out sample/customers.csv
