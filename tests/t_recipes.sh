#!/bin/sh
# SPDX-License-Identifier: MIT
# t_recipes.sh -- the rule files of the marketers' guide (docs/rules.md).
#
# 1. Every docs/recipes/NAME.lua runs on docs/recipes/NAME.csv (as of
#    2026-11-01 unless NAME.ini sets as_of, with -c docs/recipes/NAME.ini
#    when that file exists) and
#    exits 0; its output equals docs/recipes/NAME.expected.csv, worked out by
#    hand; its rejects equal docs/recipes/NAME.rejects.expected.csv, or hold
#    no row at all when there is no such file.
# 2. docs/rules.md cannot drift from the tested files: every fenced block
#    whose first line is "-- docs/recipes/X" (Lua), "; docs/recipes/X" (ini)
#    or "# docs/recipes/X" (lists), and every fenced block right after a line
#    "<!-- file: docs/recipes/X -->", equals that file byte for byte; and
#    every recipe appears in the guide.
# 3. When cleave has --evaluator, every recipe gives the same output with
#    --evaluator row (the one-row-at-a-time evaluator) as well.
#
# A recipe that fails because of a known engine bug is listed in known_bugs
# below: its tests with the default evaluator are TODO until the fix.
#
# Needs $CLEAVE_BUILD (cleave and plugins/). POSIX sh; prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
recipes=$root/docs/recipes
guide=$root/docs/rules.md

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_recipes.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# "recipe|reason", one a line (none at present).
known_bugs=''
todo_of() { printf '%s\n' "$known_bugs" | sed -n "s/^$1|//p"; }

# ok STATUS DESCRIPTION [TODO-REASON], diag, done_testing. A recipe's known
# bug goes in ok's third argument (bug_todo), not in tap.sh's $todo, which
# would make every later test TODO too.
. "$root/tests/tap.sh"

# Run from an empty directory: cleave reads ./engine.ini when there is one.
cd "$tmp" || exit 1
if "$cleave" --help 2>&1 | grep -q -- '--evaluator'; then row_eval=1; else row_eval=0; fi

# --- 1. every recipe gives its expected output -------------------------------

for rules in "$recipes"/*.lua; do
  [ -f "$rules" ] || continue
  name=$(basename "$rules" .lua)
  csv=$recipes/$name.csv
  want=$recipes/$name.expected.csv
  out=$tmp/$name.out
  rej=$tmp/$name.rejects
  if [ ! -f "$csv" ] || [ ! -f "$want" ]; then
    ok 1 "$name: has $name.csv and $name.expected.csv"
    continue
  fi
  bug_todo=$(todo_of "$name")
  set -- run -q --rules "$rules" --input "$csv" --output "$out" --rejects "$rej" \
    --summary "$tmp/$name.json" --plugins "$plugins"
  # as of 2026-11-01, unless the recipe's ini sets its own as_of
  grep -q '^as_of *=' "$recipes/$name.ini" 2>/dev/null || set -- "$@" --as-of 2026-11-01
  [ -f "$recipes/$name.ini" ] && set -- "$@" -c "$recipes/$name.ini"
  "$cleave" "$@" > "$tmp/$name.stdout" 2> "$tmp/$name.stderr"
  rc=$?
  ok $rc "$name: cleave run exits 0" "$bug_todo"
  [ $rc -eq 0 ] || diag "$tmp/$name.stderr"
  cmp -s "$want" "$out"
  st=$?
  ok $st "$name: output equals $name.expected.csv" "$bug_todo"
  if [ $st -ne 0 ] && [ -f "$out" ]; then diff "$want" "$out" | head -n 20 | sed 's/^/# /'; fi
  # No rule file of the guide may leave a condition unused (a sign of Lua's
  # and/or used between conditions).
  if grep -q 'not used by any segment' "$tmp/$name.stderr"; then st=1; else st=0; fi
  ok $st "$name: no unused-condition warning"
  [ $st -eq 0 ] || diag "$tmp/$name.stderr"
  wantrej=$recipes/$name.rejects.expected.csv
  if [ -f "$wantrej" ]; then
    cmp -s "$wantrej" "$rej"
    st=$?
    ok $st "$name: rejects equal $name.rejects.expected.csv" "$bug_todo"
    if [ $st -ne 0 ] && [ -f "$rej" ]; then diff "$wantrej" "$rej" | head -n 10 | sed 's/^/# /'; fi
  else
    # the reject file holds its header line alone
    [ -f "$rej" ] && [ "$(wc -l < "$rej")" -le 1 ]
    st=$?
    ok $st "$name: no row rejected" "$bug_todo"
    [ $st -eq 0 ] || diag "$rej"
  fi
  if [ $row_eval -eq 1 ]; then
    if "$cleave" "$@" --evaluator row --output "$out.row" --rejects "$rej.row" \
      > /dev/null 2> "$tmp/$name.row.stderr" && cmp -s "$want" "$out.row"; then st=0; else st=1; fi
    ok $st "$name: the same output with --evaluator row"
    [ $st -eq 0 ] || diag "$tmp/$name.row.stderr"
  fi
done

# --- 2. the guide shows the tested files -------------------------------------

if [ ! -f "$guide" ]; then
  ok 1 "docs/rules.md exists"
  done_testing
fi

# Cut every checked block of the guide into $tmp/blocks/K, and list
# "K<TAB>path<TAB>line" in $tmp/blocks.txt.
mkdir -p "$tmp/blocks"
awk -v dir="$tmp/blocks" '
  function start(path) { k++; file = dir "/" k; printf "" > file
                         print k "\t" path "\t" NR > (dir "/../blocks.txt") }
  /^<!-- file: docs\/recipes\/[^ ]+ -->$/ { marked = $3; next }
  infence == 0 && /^```/ {
    infence = 1; first = 1; file = ""
    if (marked != "") start(marked)
    marked = ""
    next
  }
  infence == 1 && /^```$/ { if (file != "") close(file); infence = 0; file = ""; next }
  infence == 1 {
    if (first && file == "" && match($0, /^(--|;|#) docs\/recipes\/[A-Za-z0-9_.\/-]+/)) {
      p = substr($0, RSTART, RLENGTH); sub(/^(--|;|#) /, "", p); start(p)
    }
    first = 0
    if (file != "") print $0 > file
    next
  }
  { if ($0 != "") marked = "" }
' "$guide"
[ -f "$tmp/blocks.txt" ] || : > "$tmp/blocks.txt"

tab=$(printf '\t')
while IFS="$tab" read -r k path line; do
  if [ -f "$root/$path" ] && cmp -s "$tmp/blocks/$k" "$root/$path"; then st=0; else st=1; fi
  ok $st "docs/rules.md:$line shows $path as it is"
  if [ $st -ne 0 ]; then
    if [ -f "$root/$path" ]; then
      diff "$root/$path" "$tmp/blocks/$k" | head -n 10 | sed 's/^/# /'
    else
      echo "# $path does not exist"
    fi
  fi
done < "$tmp/blocks.txt"

for rules in "$recipes"/*.lua; do
  [ -f "$rules" ] || continue
  rel=docs/recipes/$(basename "$rules")
  cut -f2 "$tmp/blocks.txt" | grep -qx "$rel"
  ok $? "docs/rules.md shows $rel"
done

check_summaries "$tmp"
done_testing
