#!/bin/sh
# SPDX-License-Identifier: MIT
# t_real_data.sh -- the rule files for two real customer files:
# scripts/marketing_campaign.lua and scripts/telco_churn.lua, each run with
# its ini in scripts/ (id column, delimiter, as_of 2026-11-01).
#
# 1. Always: each rule file on its 10-row sample from the real file
#    (tests/fixtures/real/NAME.sample.csv) gives NAME.sample.expected.csv,
#    worked out by hand (tests/fixtures/real/README.md shows the working).
# 2. When the shared data is there ($CLEAVE_REAL_DATA, default
#    ../../shared/data/real from this directory): each rule file on the whole
#    file exits 0, reads every record, writes or rejects each one, warns of no
#    unused condition, and tags 5 hand-checked customers as expected.
#    Without the shared data these tests are reported as skipped.
#
# Needs $CLEAVE_BUILD (cleave and plugins/). POSIX sh; prints TAP.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
fix=$root/tests/fixtures/real
real=${CLEAVE_REAL_DATA:-$here/../../shared/data/real}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_real_data.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

. "$root/tests/tap.sh" # ok, skip, diag, done_testing
json_num() { # FILE KEY: the number after "KEY": in a summary.json
  sed -n "s/^ *\"$2\": *\([0-9][0-9]*\),*\$/\1/p" "$1"
}

# Run from an empty directory: cleave reads ./engine.ini when there is one.
cd "$tmp" || exit 1

# name  shared-file  the 5 hand-checked ids (rows of NAME.sample.expected.csv)
set -- \
  "marketing_campaign|marketing_campaign.csv|5524 1994 6565 9701 7829" \
  "telco_churn|telco_churn_messy.csv|7590-VHVEG 9305-CDSKC 4929-XIHVW 6047-YHPVI 4472-LVYGI"

# --- 1. the 10-row samples ------------------------------------------------------

for spec in "$@"; do
  name=${spec%%|*}
  ini=$root/scripts/$name.ini
  "$cleave" run -q -c "$ini" --input "$fix/$name.sample.csv" --output "$tmp/$name.sample.out" \
    --rejects "$tmp/$name.sample.rej" --plugins "$plugins" > /dev/null 2> "$tmp/$name.sample.err"
  rc=$?
  ok $rc "$name: the sample runs (exit 0)"
  [ $rc -eq 0 ] || diag "$tmp/$name.sample.err"
  cmp -s "$fix/$name.sample.expected.csv" "$tmp/$name.sample.out"
  st=$?
  ok $st "$name: the sample's tags equal $name.sample.expected.csv"
  if [ $st -ne 0 ] && [ -f "$tmp/$name.sample.out" ]; then
    diff "$fix/$name.sample.expected.csv" "$tmp/$name.sample.out" | head -n 20 | sed 's/^/# /'
  fi
  if grep -q 'not used by any segment' "$tmp/$name.sample.err"; then st=1; else st=0; fi
  ok $st "$name: no unused-condition warning"
  [ $st -eq 0 ] || diag "$tmp/$name.sample.err"
done

# --- 2. the whole files -----------------------------------------------------------

for spec in "$@"; do
  name=${spec%%|*}
  rest=${spec#*|}
  file=$real/${rest%%|*}
  ids=${rest#*|}
  what="$name: the whole file"
  if [ ! -f "$file" ]; then
    skip "$what" "shared data not present"
    continue
  fi
  ini=$root/scripts/$name.ini
  # The ini says delimiter = comma; a tab-separated download (the original
  # Kaggle file is one) gets a copy saying tab, with the rules path made
  # absolute.
  if head -n 1 "$file" | grep -q "$(printf '\t')"; then
    sed -e 's/^delimiter *=.*/delimiter = tab/' \
        -e "s#^rules *= *#rules = $root/scripts/#" "$ini" > "$tmp/$name.tab.ini"
    ini=$tmp/$name.tab.ini
    echo "# $file is tab-separated"
  fi
  out=$tmp/$name.out
  rej=$tmp/$name.rej
  sum=$tmp/$name.json
  "$cleave" run -q -c "$ini" --input "$file" --output "$out" --rejects "$rej" \
    --summary "$sum" --plugins "$plugins" > /dev/null 2> "$tmp/$name.err"
  rc=$?
  ok $rc "$what: cleave run exits 0"
  [ $rc -eq 0 ] || diag "$tmp/$name.err"

  # Records: lines after the header (neither file has newlines inside quotes).
  records=$(awk 'END { print NR - 1 }' "$file")
  read_=$(json_num "$sum" rows_read)
  written=$(json_num "$sum" rows_written)
  rejected=$(json_num "$sum" rows_rejected)
  [ "${read_:-x}" = "$records" ]
  ok $? "$what: rows_read ($read_) is the number of records ($records)"
  [ -n "$written" ] && [ -n "$rejected" ] && [ $((written + rejected)) -eq "$records" ] &&
    [ $(($(wc -l < "$out") - 1)) -eq "$written" ] && [ $(($(wc -l < "$rej") - 1)) -eq "$rejected" ]
  st=$?
  ok $st "$what: every record is written ($written) or rejected ($rejected)"
  [ "${rejected:-0}" -eq 0 ] || diag "$rej" 5
  if grep -q 'not used by any segment' "$tmp/$name.err"; then st=1; else st=0; fi
  ok $st "$what: no unused-condition warning"

  for id in $ids; do
    want=$(grep "^$id," "$fix/$name.sample.expected.csv")
    got=$(grep "^$id," "$out")
    [ -n "$want" ] && [ "$want" = "$got" ]
    st=$?
    ok $st "$what: customer $id is tagged as worked out by hand"
    if [ $st -ne 0 ]; then
      echo "#  want: $want"
      echo "#   got: $got"
    fi
  done
done

check_summaries "$tmp"
done_testing
