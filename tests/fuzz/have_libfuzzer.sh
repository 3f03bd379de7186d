#!/bin/sh
# SPDX-License-Identifier: MIT
# have_libfuzzer.sh [CLANG] -- exit 0 when CLANG (default: clang) can build and
# link a libFuzzer target with ASan and UBSan (Debian: clang, and
# libclang-rt-14-dev, which holds the fuzzer runtime and is only Recommended
# by clang); otherwise say why on stderr and exit 1.
cc=${1:-${CLANG:-clang}}
if ! command -v "$cc" > /dev/null 2>&1; then
  echo "$cc not found" >&2
  exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/have_libfuzzer.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/t.c" <<'C'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
C
if ! "$cc" -fsanitize=fuzzer,address,undefined -o "$tmp/t" "$tmp/t.c" > "$tmp/log" 2>&1; then
  echo "$cc cannot link a libFuzzer target (is libclang-rt-14-dev installed?): $(head -n 3 "$tmp/log")" >&2
  exit 1
fi
exit 0
