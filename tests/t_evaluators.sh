#!/bin/sh
# SPDX-License-Identifier: MIT
# t_evaluators.sh -- the row evaluator (engine/eval.c: `run --evaluator row`,
# explain, check, test) and the batch evaluator (engine/batch.c: the default
# of `cleave run`) must segment every row the same way.
#
# tests/fixtures/evaluators/gen_rules.py writes a customer file of ~3150 rows
# (empty, junk and boundary values; short and long texts; tag lists, also
# past 64 distinct tags; valid and invalid dates; rows to reject; special
# rows at the batch boundaries 1024 and 2048) and R random rule files using
# every construct of the rule language, nested. Each file runs four ways:
#   row1    --evaluator row   --threads 1
#   batch1  --evaluator batch --threads 1
#   row2    --evaluator row   --threads 2 --chunk-size 3000
#   batch2  --evaluator batch --threads 2 --chunk-size 3000
# and the output, the reject file and summary.json's counts must be byte for
# byte those of row1 (one TAP line per rule file). Then hand-written cases in
# tests/fixtures/evaluators/regress/, each with the output worked out by
# hand, run the same four ways and must also give that output.
#
# Knobs: CLEAVE_EVAL_FILES (R; default 120, 80 under SAN), CLEAVE_EVAL_SEED
# (default 1), CLEAVE_EVAL_KEEP=1 keeps the work directory. A failing rule
# file is printed as TAP comments and copied, with the data and the four
# outputs, to the work directory, which is then kept.
#
# Needs $CLEAVE_BUILD (the build directory) and python3. Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
fix=$root/tests/fixtures/evaluators
. "$root/tests/tap.sh" # ok STATUS DESCRIPTION [TODO-REASON], skip_all, done_testing

command -v python3 > /dev/null 2>&1 || skip_all "python3 not found"
if [ ! -x "$cleave" ]; then
  ok 1 "not built: $cleave"
  done_testing
fi

# about 10 s plain, 20 s with sanitizers (alone on 2 cores)
if [ -n "$SAN" ]; then files=${CLEAVE_EVAL_FILES:-80}; else files=${CLEAVE_EVAL_FILES:-120}; fi
seed=${CLEAVE_EVAL_SEED:-1}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_evaluators.XXXXXX") || exit 1
keep=${CLEAVE_EVAL_KEEP:-0}
cleanup() {
  if [ "$keep" = 1 ]; then
    echo "# work directory kept: $tmp (failing cases in $tmp/cases)"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

variants="row1 batch1 row2 batch2"

# run DIR RULES INPUT V: `cleave run` the V way in DIR/V, reading DIR/RULES
# and DIR/INPUT by relative paths (so summary.json names them the same way
# for every V); $rc. A fresh directory: no engine.ini is read.
run() {
  rd=$1/$4
  mkdir -p "$rd"
  case $4 in
    row*) ev="row" ;;
    *) ev="batch" ;;
  esac
  case $4 in
    *1) par="--threads 1" ;;
    *) par="--threads 2 --chunk-size 3000" ;;
  esac
  # shellcheck disable=SC2086
  (cd "$rd" && exec "$cleave" run --rules "../$2" --input "../$3" --output out.csv \
    --rejects rejects.csv --summary summary.json --plugins "$plugins" \
    --as-of 2026-11-01 -q --evaluator $ev --max-invalid-column none $par) > "$rd/stdout" 2> "$rd/stderr"
  rc=$?
}

# counts FILE: summary.json without what may differ between the ways
# (seconds, threads) and invalid_values (compared apart, below).
counts() {
  grep -v -e '"seconds"' -e '"threads"' -e '"invalid_values"' "$1"
}

# invalid FILE: summary.json's invalid_values.
invalid() {
  sed -n 's/.*"invalid_values": *\([0-9]*\).*/\1/p' "$1"
}

# run_all DIR RULES INPUT: every way; 0 if all exited 0, else the reasons in
# $tmp/why.
run_all() {
  : > "$tmp/why"
  ra_st=0
  for ra_v in $variants; do
    run "$1" "$2" "$3" "$ra_v"
    if [ "$rc" -ne 0 ]; then
      ra_st=1
      echo "$ra_v: cleave run exited $rc" >> "$tmp/why"
      head -n 5 "$1/$ra_v/stderr" >> "$tmp/why"
    fi
  done
  return $ra_st
}

# same DIR: output, rejects and counts of every way equal row1's; else the
# first differing lines of each in $tmp/why.
same() {
  : > "$tmp/why"
  sm_st=0
  for sm_v in $variants; do
    counts "$1/$sm_v/summary.json" > "$1/$sm_v/counts"
  done
  for sm_v in $variants; do
    [ "$sm_v" = row1 ] && continue
    for sm_f in out.csv rejects.csv counts; do
      if ! cmp -s "$1/row1/$sm_f" "$1/$sm_v/$sm_f"; then
        sm_st=1
        echo "$sm_v differs from row1 in $sm_f (diff row1 $sm_v):" >> "$tmp/why"
        diff "$1/row1/$sm_f" "$1/$sm_v/$sm_f" | head -n 12 >> "$tmp/why"
      fi
    done
  done
  return $sm_st
}

# same_invalid DIR: invalid_values is the same every way; else $inv says how.
same_invalid() {
  inv=""
  si_st=0
  si_first=$(invalid "$1/row1/summary.json")
  for si_v in $variants; do
    si_iv=$(invalid "$1/$si_v/summary.json")
    inv="${inv:+$inv }$si_v=$si_iv"
    [ "$si_iv" = "$si_first" ] || si_st=1
  done
  return $si_st
}

# show FILE: FILE as TAP comments (at most 80 lines).
show() {
  sed -n '1,80s/^/#   /p' "$1"
}

# keep_case DIR NAME: copy a failing case for a closer look.
keep_case() {
  mkdir -p "$tmp/cases/$2"
  cp -R "$1"/. "$tmp/cases/$2/"
  keep=1
}

# --- random rule files ---------------------------------------------------------

gen=$tmp/gen
mkdir -p "$gen"
if ! python3 "$fix/gen_rules.py" "$gen" "$seed" "$files" > "$tmp/gen.out" 2>&1; then
  ok 1 "gen_rules.py $seed $files"
  sed 's/^/# /' "$tmp/gen.out"
  echo "1..$n"
  exit 1
fi

inv_differ=0
inv_compared=0
inv_example=""
i=0
while [ "$i" -lt "$files" ]; do
  f=$(printf 'rules_%03d' "$i")
  i=$((i + 1))
  d=$gen/$f
  mkdir "$d"
  # the rule file and its lists beside the runs (relative paths, as above)
  cp "$gen/$f.lua" "$d/rules.lua"
  ln -s ../data.csv "$d/data.csv"
  cp -R "$gen/lists" "$d/lists" # a copy: a list may not lead out of the rules folder
  st=0
  if run_all "$d" rules.lua data.csv; then
    same "$d" || st=1
  else
    st=1
  fi
  ok $st "$f.lua (seed $seed): row and batch, 1 and 2 threads: same output, rejects and counts"
  if [ $st -ne 0 ]; then
    echo "# $f.lua:"
    show "$d/rules.lua"
    sed 's/^/# /' "$tmp/why"
    rm "$d/data.csv"
    cp "$gen/data.csv" "$d/data.csv"
    keep_case "$d" "$f"
    echo "# kept as cases/$f (rules.lua, data.csv, and each way's out.csv, rejects.csv, summary.json)"
    echo "# regenerate: python3 tests/fixtures/evaluators/gen_rules.py DIR $seed $i (the last file)"
    continue
  fi
  inv_compared=$((inv_compared + 1))
  if ! same_invalid "$d"; then
    inv_differ=$((inv_differ + 1))
    [ -n "$inv_example" ] || inv_example="$f.lua: $inv"
  fi
  rm -rf "$d" # passed: keep the work directory small
done

# invalid_values counts every present value of a declared number or date
# column that does not parse, in every row, whatever the rules read first:
# the same for both evaluators and every chunking. See regress/
# invalid_values.lua for the smallest case.
st=0
[ "$inv_differ" -eq 0 ] || st=1
ok $st "summary.json invalid_values is the same every way ($inv_differ of $inv_compared rule files differ)"
[ -z "$inv_example" ] || echo "# e.g. $inv_example"

# --- hand-written cases, with the expected output -------------------------------

for lua in "$fix"/regress/*.lua; do
  name=$(basename "$lua" .lua)
  d=$tmp/regress/$name
  mkdir -p "$d"
  cp "$lua" "$d/rules.lua"
  cp "$fix/regress/$name.csv" "$d/data.csv"
  st=0
  ran=0
  if run_all "$d" rules.lua data.csv; then
    ran=1
    same "$d" || st=1
    if ! cmp -s "$d/row1/out.csv" "$fix/regress/$name.expected.csv"; then
      st=1
      echo "row1 differs from $name.expected.csv (diff expected row1):" >> "$tmp/why"
      diff "$fix/regress/$name.expected.csv" "$d/row1/out.csv" | head -n 12 >> "$tmp/why"
    fi
  else
    st=1
  fi
  ok $st "regress/$name.lua: the expected output, row and batch, 1 and 2 threads"
  if [ $st -ne 0 ]; then
    sed 's/^/# /' "$tmp/why"
    keep_case "$d" "regress_$name"
  fi
  if [ "$name" = invalid_values ]; then
    st=0
    [ $ran -eq 1 ] && same_invalid "$d" || st=1
    ok $st "regress/invalid_values.lua: invalid_values is the same every way ($inv)"
  fi
done

# --- the comparison itself can fail ---------------------------------------------

# A copy of a case where every way agrees, then one output line changed, then
# one count changed: same must notice each.
d=$tmp/selfcheck
cp -R "$tmp/regress/plugin_parts" "$d"
st=0
same "$d" || st=1
sed '3s/$/;extra/' "$d/row2/out.csv" > "$d/row2/out.tmp" && mv "$d/row2/out.tmp" "$d/row2/out.csv"
if same "$d" || ! grep -q '^row2 differs from row1 in out.csv' "$tmp/why"; then st=1; fi
cp "$d/row1/out.csv" "$d/row2/out.csv"
sed 's/"r5": 3/"r5": 4/' "$d/batch2/summary.json" > "$d/batch2/s.tmp" && mv "$d/batch2/s.tmp" "$d/batch2/summary.json"
if same "$d" || ! grep -q '^batch2 differs from row1 in counts' "$tmp/why"; then st=1; fi
ok $st "the comparison notices a changed output line and a changed count"

check_summaries "$tmp"
done_testing
