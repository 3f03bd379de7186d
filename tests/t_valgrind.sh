#!/bin/sh
# SPDX-License-Identifier: MIT
# t_valgrind.sh -- cleave run under valgrind memcheck: no invalid access, no
# definite, indirect or possible leak, on runs that succeed and runs that
# fail. Memory still reachable at exit (dlopen's own) is not counted.
#
# Plain build only ($SAN empty): the sanitizer build does its own checking.
# Needs $CLEAVE_BUILD and valgrind. Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh" # ok (a TODO test when $todo is set), skip_all, done_testing

[ -z "${SAN:-}" ] || skip_all "sanitizer build (valgrind runs on the plain build)"
command -v valgrind >/dev/null 2>&1 || skip_all "valgrind not found"

build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
testplugs=$build/tests/plugins
gen=$build/tools/gen_retail
fix=$root/tests/fixtures
e2e=$fix/e2e
edge=$fix/retail_edge.csv
want=$fix/retail_edge.expected.csv
ini=$e2e/retail.ini

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_valgrind.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1

for f in "$cleave" "$gen"; do
  if [ ! -x "$f" ]; then
    ok 1 "not built: $f"
    done_testing
  fi
done

# vg CODE DESC WANT ARGS...: `cleave run -q ARGS` under memcheck exits CODE
# (99 = valgrind found errors) and, unless WANT is -, writes out.csv equal to
# WANT. Each run gets a directory of its own.
runs=0
vg() {
  vg_code=$1 vg_desc=$2 vg_want=$3
  shift 3
  runs=$((runs + 1))
  d=$tmp/run$runs
  mkdir "$d"
  (cd "$d" && exec valgrind -q --log-file="$d/valgrind.log" --leak-check=full \
    --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    "$cleave" run -q "$@") > "$d/stdout" 2> "$d/stderr"
  rc=$?
  st=0
  [ $rc -eq "$vg_code" ] || st=1
  [ "$vg_want" = - ] || cmp -s "$vg_want" "$d/out.csv" || st=1
  ok $st "valgrind: $vg_desc (exit $vg_code, no memcheck errors)"
  if [ $st -ne 0 ]; then
    echo "# exit status $rc"
    head -n 5 "$d/stderr" | sed 's/^/# /'
    head -n 40 "$d/valgrind.log" | sed 's/^/# /'
  fi
}

mkdir "$tmp/in"
"$gen" --rows 2000 --seed 11 --ragged 7 > "$tmp/in/ragged.csv"
mkdir "$tmp/bad" "$tmp/tp"
cp "$plugins"/*.so "$testplugs/wrong_abi.so" "$tmp/bad/"
cp "$testplugs/good.so" "$tmp/tp/"
mkdir "$tmp/initfail"
cp "$plugins"/*.so "$testplugs/init_fails.so" "$tmp/initfail/"
# init runs when the rule file names the plugin: the failure comes out of
# the Lua run (the error path through the sandbox)
printf 'local n = init_fails.noop()\nmicro "x" { n }\n' > "$tmp/initfail.lua"

vg 0 "fixture, 1 thread" "$want" \
  -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --threads 1 \
  --summary sum.json
vg 0 "fixture, 2 threads, 64-byte chunks" "$want" \
  -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --threads 2 \
  --chunk-size 64
vg 0 "2,000 rows with 7 ragged ones, 2 threads" - \
  -c "$ini" --plugins "$plugins" --input "$tmp/in/ragged.csv" --output out.csv --threads 2
[ "$(wc -l < "$d/out.csv.rejects.csv")" -eq 8 ]
ok $? "valgrind: the ragged run rejected 7 rows"
vg 4 "rule error (unknown column)" - \
  --rules "$e2e/err_unknown_column.lua" --plugins "$plugins" --input "$edge" --output out.csv
vg 4 "rule error (Lua run-time error)" - \
  --rules "$e2e/err_runtime.lua" --plugins "$plugins" --input "$edge" --output out.csv
vg 4 "rule error (endless loop stopped)" - \
  --rules "$e2e/err_endless_loop.lua" --plugins "$plugins" --input "$edge" --output out.csv
vg 7 "plugin error (wrong ABI)" - \
  -c "$ini" --plugins "$tmp/bad" --input "$edge" --output out.csv
vg 7 "plugin error (init fails)" - \
  -c "$ini" --plugins "$tmp/initfail" --rules "$tmp/initfail.lua" --input "$edge" --output out.csv
vg 3 "config error (unknown key)" - \
  -c "$e2e/err_unknown_key.ini" --plugins "$plugins" --input "$edge" --output out.csv
vg 5 "max_rejects exceeded" - \
  -c "$e2e/max_rejects.ini" --plugins "$plugins" --input "$tmp/in/ragged.csv" --output out.csv
vg 0 "test plugin with factor = 3, 2 threads" "$e2e/ages.factor3.expected.csv" \
  -c "$e2e/testplug_factor3.ini" --plugins "$tmp/tp" --input "$e2e/ages.csv" \
  --output out.csv --threads 2
vg 0 "fixture from standard input" "$want" \
  -c "$ini" --plugins "$plugins" --input - --output out.csv --threads 2 < "$edge"

check_summaries "$tmp"
done_testing
