#!/bin/sh
# SPDX-License-Identifier: MIT
# t_fuzz.sh -- the fuzz targets of tests/fuzz/ (README.md there) as a test.
#
#  1. Replays, for each target, its seed corpus (tests/fuzz/corpus/<t>/) and
#     its regression inputs (tests/fuzz/regressions/<t>/: every crash the
#     fuzzers ever found) through the gcc build of the target,
#     $CLEAVE_BUILD/tests/fuzz_<t>_replay: plain, and with ASan/UBSan in
#     build/asan. Needs no clang.
#  2. In the plain build only (prove runs both builds at once, and this
#     part needs the machine more than the replays do): when clang can link
#     libFuzzer (tests/fuzz/have_libfuzzer.sh), runs each libFuzzer target
#     (build/fuzz/fuzz_<t>, built once under a lock, normally already by
#     `make check`) for FUZZ_SMOKE_SECONDS (default 5) on a scratch copy of
#     the corpus; any crash, leak, timeout or failed invariant fails the test
#     and its input is kept in build/fuzz/artifacts/smoke/. Without clang (or
#     with CLANG=/nonexistent) these are skipped with the reason.
#
# Knobs: CLANG (default clang), FUZZ_SMOKE_SECONDS, FUZZ_TARGETS
# (default: every tests/fuzz/fuzz_<t>.c). Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
. "$root/tests/tap.sh"

targets=${FUZZ_TARGETS:-$(cd "$root/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_\(.*\)\.c$/\1/')}
seconds=${FUZZ_SMOKE_SECONDS:-5}
clang=${CLANG:-clang}
fuzz=$root/build/fuzz

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_fuzz.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# --- 1. replay ---------------------------------------------------------------
for t in $targets; do
  bin=$build/tests/fuzz_${t}_replay
  corpus=$root/tests/fuzz/corpus/$t
  regress=$root/tests/fuzz/regressions/$t
  if [ ! -x "$bin" ]; then
    ok 1 "replay $t: not built: $bin"
    continue
  fi
  "$bin" -v "$corpus" "$regress" > "$tmp/replay_$t.out" 2> "$tmp/replay_$t.err"
  rc=$?
  count=$(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' "$tmp/replay_$t.out")
  if [ $rc -ne 0 ]; then
    # the last input named is the one that failed
    grep '^replay: ' "$tmp/replay_$t.err" | tail -n 1 > "$tmp/last_$t"
    grep -v '^replay: ' "$tmp/replay_$t.err" >> "$tmp/last_$t"
    okd 1 "replay $t: corpus and regression inputs (exit $rc)" "$tmp/last_$t" "" 30
  else
    ok 0 "replay $t: ${count:-?} corpus and regression inputs"
  fi
done

# --- 2. libFuzzer smoke runs -------------------------------------------------
reason=""
if [ -n "$SAN" ]; then
  reason="the libFuzzer smoke runs are in the plain build's t_fuzz"
elif ! sh "$root/tests/fuzz/have_libfuzzer.sh" "$clang" 2> "$tmp/why"; then
  reason="no libFuzzer: $(head -n 1 "$tmp/why")"
fi
if [ -n "$reason" ]; then
  for t in $targets; do skip "libFuzzer smoke run of fuzz_$t" "$reason"; done
  done_testing
fi

mkdir -p "$fuzz/artifacts/smoke"
bins=""
for t in $targets; do bins="$bins build/fuzz/fuzz_$t"; done
# one build at a time, whoever runs it (make check has normally built them)
# shellcheck disable=SC2086
(cd "$root" && flock "$fuzz/.lock" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
  make --no-print-directory CLANG="$clang" $bins) \
  > "$tmp/build.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  okd 1 "libFuzzer targets build (make$bins)" "$tmp/build.log" "" 30
  done_testing
fi
for t in $targets; do
  mkdir -p "$tmp/corpus_$t"
  "$fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -dict="$root/tests/fuzz/$t.dict" \
    -artifact_prefix="$fuzz/artifacts/smoke/${t}-" \
    "$tmp/corpus_$t" "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t" \
    > "$tmp/smoke_$t.log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/smoke_$t.log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$tmp/smoke_$t.log")
  if [ $rc -ne 0 ]; then
    grep -E 'ERROR|runtime error|invariant failed|Test unit written|SUMMARY|^    #[0-9]' \
      "$tmp/smoke_$t.log" > "$tmp/why_$t"
    okd 1 "libFuzzer smoke run of fuzz_$t: exit $rc (input kept in build/fuzz/artifacts/smoke/)" \
      "$tmp/why_$t" "" 40
  else
    ok 0 "libFuzzer smoke run of fuzz_$t: ${seconds} s, ${runs:-?} runs, ${speed:-?} exec/s"
  fi
done
done_testing
