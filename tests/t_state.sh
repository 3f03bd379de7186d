#!/bin/sh
# SPDX-License-Identifier: MIT
# t_state.sh -- --state DIR (issue #9 item 2): memberships kept between runs,
# entered/exited delta files and counts, checked against an independent
# reference (tools/delta_ref.py, which computes the delta from two of
# cleave's wide outputs and never reads the state file): a baseline, a
# changed as_of, customers gone and arrived, macro values (audience_macros),
# rules changed between runs, duplicate ids, the bounded-memory sort's split
# path, a damaged state file, the state folder's lock, and SIGKILL at every
# commit pause point and at random moments followed by a correct next delta.
#
# Needs $CLEAVE_BUILD (cleave, tools/gen_retail) and /usr/bin/python3. Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
gen=$build/tools/gen_retail
ref="/usr/bin/python3 $root/tools/delta_ref.py"
. "$root/tests/tap.sh"

[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3"
for f in "$cleave" "$gen"; do
  [ -x "$f" ] || { echo "1..1"; echo "not ok 1 - not built: $f"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_state.XXXXXX") || exit 1
bgpids=""
cleanup() {
  for p in $bgpids; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1

cat > r1.lua <<'EOF'
local age = number "age"
local c = text "country"
local last = date "last_purchase_date"
macro "band" {
  { "young", age:below(30) },
  otherwise = "old",
}
micro "adult" { age:at_least(18) }
micro "gb" { c:is "GB" }
micro "us" { c:is "US" }
micro "recent" { dates.days_since(last):at_most(60) }
EOF
# r2: "us" removed, "senior" added, "gb" renamed "uk", band values changed
cat > r2.lua <<'EOF'
local age = number "age"
local c = text "country"
local last = date "last_purchase_date"
macro "band" {
  { "young", age:below(40) },
  { "middle", age:below(65) },
  otherwise = "old",
}
micro "adult" { age:at_least(18) }
micro "uk" { c:is "GB" }
micro "senior" { age:at_least(65) }
micro "recent" { dates.days_since(last):at_most(60) }
EOF
"$gen" --rows 4000 --seed 1 > A.csv
"$gen" --rows 3000 --seed 3 > C.csv
# D: A's first 3000 rows (1000 customers gone) and 1500 new ones
{ head -n 3001 A.csv; tail -n +2 C.csv | head -n 1500; } > D.csv

# st DIR OUT RULES INPUT AS_OF [more flags]: one run; its output and summary
# copied to OUT.csv / OUT.json for the reference.
st() {
  st_d=$1 st_o=$2 st_r=$3 st_i=$4 st_a=$5
  shift 5
  "$cleave" run -q --plugins "$build/plugins" --rules "$st_r" --input "$st_i" --as-of "$st_a" \
    --output "$st_o.csv" --rejects "$st_o.rej.csv" --summary "$st_o.json" --state "$st_d" "$@" \
    2> "$st_o.err"
}

# --- baseline, then a changed as_of ----------------------------------------------------
st S a1 r1.lua A.csv 2026-09-01
rc=$?
$ref --cur a1.csv --cur-summary a1.json --state S --baseline 2> ref.err
r=$?
[ $rc -eq 0 ] && [ $r -eq 0 ] && [ -f S/state.bin ] && [ -f S/history.jsonl ] &&
  [ -z "$(ls S/delta)" ]
okd $? "first run: baseline true, no delta files, state.bin and history.jsonl written" ref.err

st S a2 r1.lua A.csv 2026-10-15
rc=$?
$ref --prev a1.csv --prev-summary a1.json --cur a2.csv --cur-summary a2.json --state S 2> ref.err
okd $((rc + $?)) "second run (as_of +44 days): delta files and counts equal the reference" ref.err
grep -q '"exited": [1-9]' a2.json
ok $? "the as_of change moved customers out of 'recent' (the test is not vacuous)"
[ "$(wc -l < S/delta/recent.exited.csv)" -gt 1 ] && head -n 1 S/delta/recent.exited.csv | grep -qx customer_id
ok $? "recent.exited.csv: header customer_id, then ids"

tn=0
# thread count and evaluator change nothing; the sort's split path neither
# (the split path sorted inline with 1 thread, on the helper thread with 2)
for v in "--threads 1" "--threads 2 --evaluator row" "2048 --threads 1" "2048 --threads 2"; do
  rm -rf T; cp -r S T
  rm -rf T/delta/* # not read by the run; compared below
  case $v in 2048*) export CLEAVE_TEST_STATE_SORT_MAX=2048
      st T t r1.lua D.csv 2026-11-01 ${v#2048 }
      unset CLEAVE_TEST_STATE_SORT_MAX ;;
    *) st T t r1.lua D.csv 2026-11-01 $v ;; esac
  tn=$((tn + 1))
  mv T "T.$tn"
done
rm -rf U; cp -r S U; rm -rf U/delta/*
st U u r1.lua D.csv 2026-11-01 --threads 2
same=0
for t in T.*; do
  cmp -s "$t/state.bin" U/state.bin || same=1
  for f in U/delta/*; do cmp -s "$f" "$t/delta/${f##*/}" || same=1; done
done
ok $same "state.bin and delta files byte-identical with 1 or 2 threads, the row evaluator and a 2 KB sort budget (split partitions)"

# --- customers gone and arrived ----------------------------------------------------------
st S a3 r1.lua D.csv 2026-10-15
rc=$?
$ref --prev a2.csv --prev-summary a2.json --cur a3.csv --cur-summary a3.json --state S 2> ref.err
okd $((rc + $?)) "1000 customers gone, 1500 arrived: equal to the reference" ref.err
grep -q '"gone": 1[0-9][0-9][0-9],' a3.json && grep -q '"arrived": 1[0-9][0-9][0-9],' a3.json
ok $? "summary: about 1000 gone, 1500 arrived (exactly: the reference's, above)"

# --- macro value files (audience_macros = yes) -------------------------------------------
printf '[output]\naudience_macros = yes\n' > m.ini
st S a4 r1.lua A.csv 2026-10-15 -c m.ini
rc=$?
$ref --prev a3.csv --prev-summary a3.json --cur a4.csv --cur-summary a4.json --state S --macros 2> ref.err
okd $((rc + $?)) "audience_macros = yes: band=young.entered.csv etc. equal the reference" ref.err
[ -f "S/delta/band=old.exited.csv" ]
ok $? "a macro value's file is named <split>=<value>.exited.csv"
st S a5 r1.lua A.csv 2026-10-16
rc=$?
$ref --prev a4.csv --prev-summary a4.json --cur a5.csv --cur-summary a5.json --state S 2> ref.err
okd $((rc + $?)) "audience_macros off again: the macro value files of the last run are removed" ref.err

# --- rules changed between runs ---------------------------------------------------------
st S b1 r2.lua A.csv 2026-10-16
rc=$?
$ref --prev a5.csv --prev-summary a5.json --cur b1.csv --cur-summary b1.json --state S 2> ref.err
okd $((rc + $?)) "segments added, removed, renamed and macro values changed: equal to the reference" ref.err
/usr/bin/python3 - b1.json > chk.err 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))["delta"]
s, v = d["segments"], d["values"]
assert s["senior"]["new"] and s["senior"]["entered"] == s["senior"]["members"] > 0, s["senior"]
assert s["uk"]["new"] and s["uk"]["stayed"] == 0, s["uk"]
assert s["us"]["removed"] and s["us"]["members"] == 0 and s["us"]["exited"] == s["us"]["previous"] > 0
assert s["gb"]["removed"]
assert v["band=middle"]["new"] and not v["band=young"]["new"]
assert v["band=young"]["entered"] > 0  # the value's rule widened
EOF
okd $? "summary flags: senior/uk new (all entered), us/gb removed (all exited), band=middle new" chk.err
[ -f S/delta/us.exited.csv ] && [ -f S/delta/senior.entered.csv ]
ok $? "a removed segment gets its exited file (its former members), a new one its entered file"
st S b2 r1.lua A.csv 2026-10-16
rc=$?
$ref --prev b1.csv --prev-summary b1.json --cur b2.csv --cur-summary b2.json --state S 2> ref.err
okd $((rc + $?)) "back to the first rules: equal to the reference (senior, uk removed)" ref.err
st S b3 r1.lua A.csv 2026-10-16
[ $? -eq 0 ] && [ ! -e S/delta/senior.entered.csv ] && [ ! -e S/delta/uk.exited.csv ] &&
  [ -e S/delta/us.exited.csv ]
ok $? "no stale delta file of a segment gone two runs ago"

# --- duplicate ids: the first row of an id counts ------------------------------------------
# E: A, then 300 of A's customers again with other data (C's rows under A's ids)
/usr/bin/python3 - A.csv C.csv > E.csv <<'EOF'
import sys
a = open(sys.argv[1]).read().splitlines()
c = open(sys.argv[2]).read().splitlines()
print("\n".join(a))
for i in range(300):
    print(a[1 + i].split(",", 1)[0] + "," + c[1 + i].split(",", 1)[1])
EOF
st S e1 r1.lua E.csv 2026-10-16
rc=$?
$ref --prev b3.csv --prev-summary b3.json --cur e1.csv --cur-summary e1.json --state S 2> ref.err
okd $((rc + $?)) "300 repeated ids (some rejected as malformed): the delta equals the reference's first-row-wins delta" ref.err
grep -q '"duplicate_ids": [1-9][0-9][0-9],' e1.json && grep -q 'repeat an earlier row' e1.err
ok $? "summary duplicate_ids (checked by the reference above); a warning says the first row counts"

# --- history ----------------------------------------------------------------------------
i=0
while [ $i -lt 27 ]; do
  st H h r1.lua C.csv 2026-10-16 || break
  i=$((i + 1))
done
[ "$(wc -l < H/history.jsonl)" -eq 27 ]
r1=$?
st H h r1.lua C.csv 2026-10-17 && st H h r1.lua C.csv 2026-10-18 && st H h r1.lua C.csv 2026-10-19 &&
  st H h r1.lua C.csv 2026-10-20
/usr/bin/python3 - H/history.jsonl > chk.err 2>&1 <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 30, len(lines)
runs = [json.loads(l) for l in lines]
assert runs[-1]["as_of"] == "2026-10-20" and runs[-2]["as_of"] == "2026-10-19"
assert all(r["customers"] == 3000 for r in runs)
assert set(runs[-1]["sizes"]) >= {"adult", "gb", "us", "recent", "band=young", "band=old"}
EOF
okd $((r1 + $?)) "history.jsonl: one JSON line per run, the last 30 kept, sizes per key" chk.err

# --- a damaged state file -----------------------------------------------------------------
cp -r S V
head -c 5000 S/state.bin > V/state.bin
cp e1.csv before.csv
st V v r1.lua A.csv 2026-10-16
rc=$?
[ $rc -eq 5 ] && grep -q 'damaged' v.err && [ ! -e v.csv ]
okd $? "a cut-short state.bin: exit 5 naming it damaged, no file written" v.err
printf 'cleave-state 1\nhash fnv1a64-fmix64\nkeys 0\ndata\nCLVSEND\n\001\0\0\0\0\0\0\0' > V/state.bin
st V v r1.lua A.csv 2026-10-16
[ $? -eq 5 ] && grep -q 'damaged' v.err
okd $? "a state.bin whose count disagrees with its records: exit 5" v.err

# --- the state folder's lock ----------------------------------------------------------------
stopped() {
  i=0
  while [ $i -lt 200 ]; do
    s=$(sed 's/^.*) \(.\).*$/\1/' "/proc/$1/stat" 2> /dev/null)
    [ "$s" = T ] && return 0
    [ -z "$s" ] || [ "$s" = Z ] && return 1
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}
CLEAVE_TEST_PAUSE=recovered "$cleave" run -q --plugins "$build/plugins" --rules r1.lua --input A.csv --output l1.csv \
  --rejects l1.rej.csv --state S 2> /dev/null &
lp=$!
bgpids="$bgpids $lp"
stopped $lp
st S l2 r1.lua A.csv 2026-10-16
rc=$?
kill -9 $lp 2> /dev/null
wait $lp 2> /dev/null
[ $rc -eq 8 ] && grep -q "S/lock" l2.err
okd $? "a second run on the same state folder (another output) waits for no one: exit 8" l2.err

# --- the state folder is never a symbolic link (as the audience folder) ---------------
mkdir real_state && ln -s real_state link_state
"$cleave" run -q --plugins "$build/plugins" --rules r1.lua --input A.csv --output ls.csv \
  --rejects ls.rej.csv --state link_state 2> ls.err
[ $? -eq 6 ] && grep -q "cannot use state folder link_state: it is a symbolic link" ls.err &&
  [ -z "$(ls real_state)" ]
okd $? "a state folder that is a symbolic link: exit 6, nothing written through it" ls.err

# --- SIGKILL at every commit point, then the next run's delta ------------------------------
"$gen" --rows 30000 --seed 5 > big.csv
{ head -n 25001 big.csv; tail -n +2 C.csv; } > big2.csv
K=$tmp/K
# run_k INPUT AS_OF [ENV]: the killable run (background), fixed output paths
run_k() {
  env ${3:+"$3"} "$cleave" run -q --plugins "$build/plugins" --rules "$tmp/r1.lua" --input "$tmp/$1" --as-of "$2" \
    --output "$K/out.csv" --rejects "$K/rej.csv" --summary "$K/sum.json" --state "$K/st" \
    --threads 2 2>> "$tmp/k.log" &
  gpid=$!
  bgpids="$bgpids $gpid"
}
# next_ok INPUT AS_OF: the next run, stopped after its recovery to copy what
# is now the last successful run's output, then let go; its delta must equal
# the reference's from that output to the new one.
next_ok() {
  run_k "$1" "$2" CLEAVE_TEST_PAUSE=recovered
  stopped $gpid || { wait $gpid; return 1; }
  cp "$K/out.csv" prev.csv && cp "$K/sum.json" prev.json || return 1
  kill -CONT $gpid
  wait $gpid || return 1
  $ref --prev prev.csv --prev-summary prev.json --cur "$K/out.csv" --cur-summary "$K/sum.json" \
    --state "$K/st" 2>> ref.err || return 1
  ! ls -a "$K" "$K/st" "$K/st/delta" | grep -q '\.tmp\.'
}
# 3 run files + 2 x 4 delta files + history + state = 13 renames
: > ref.err
for point in recovered staged journal rename-1 rename-4 rename-12 rename-13 renamed; do
  rm -rf "$K"; mkdir -p "$K"
  run_k big.csv 2026-09-01; wait $gpid
  run_k big2.csv 2026-10-01; wait $gpid
  run_k big.csv 2026-10-20 CLEAVE_TEST_PAUSE=$point
  if stopped $gpid; then p=1; kill -9 $gpid; else p=0; fi
  wait $gpid 2> /dev/null
  next_ok big2.csv 2026-11-05
  r=$?
  [ $p -eq 1 ] && [ $r -eq 0 ]
  okd $? "SIGKILL at '$point', then the next run: its delta equals the reference from the last successful output" ref.err
done

bad=0
k=0
rm -rf "$K"; mkdir -p "$K"
run_k big.csv 2026-09-01; wait $gpid
while [ $k -lt 10 ]; do
  k=$((k + 1))
  case $((k % 2)) in 0) in=big.csv ;; *) in=big2.csv ;; esac
  delay=$(awk -v s="$k" 'BEGIN { srand(s * 7919); printf "%.3f", rand() * 1.0 }')
  run_k $in "2026-10-$((10 + k))"
  sleep "$delay"
  kill -9 $gpid 2> /dev/null
  wait $gpid 2> /dev/null
  next_ok $in "2026-11-$((10 + k))" || { bad=$((bad + 1)); note "kill $k after ${delay}s: wrong"; }
done
[ $bad -eq 0 ]
okd $? "10 SIGKILLs at random moments: each next run's delta equals the reference" ref.err

check_summaries "$tmp"
done_testing
