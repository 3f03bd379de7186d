#!/bin/sh
# SPDX-License-Identifier: MIT
# t_commit.sh -- a run's files (output, rejects, summary) are committed as
# one (issue #7 item 7): killed at every named point of the commit
# (CLEAVE_TEST_PAUSE, see engine/commit.h) and at random moments of a big
# run, the files are all the previous run's, or -- once the next run has
# started and rolled the journal forward -- all the new run's, never mixed.
# A summary that cannot be written (/dev/full) leaves all previous files.
#
# A generation is recognised by its counts: the output's rows are the
# summary's rows_written, the reject file's rows its rows_rejected, and
# rows_read tells which input it was.
#
# Needs $CLEAVE_BUILD (cleave, tools/gen_retail). Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
gen=$build/tools/gen_retail
. "$root/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_commit.XXXXXX") || exit 1
bgpids=""
cleanup() {
  for p in $bgpids; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1

for f in "$cleave" "$gen"; do
  [ -x "$f" ] || { echo "1..1"; echo "not ok 1 - not built: $f"; exit 1; }
done

printf 'local age = number "age"\nlocal c = text "country"\nmicro "adult" { age:at_least(18) }\nmicro "gb" { c:is "GB" }\n' > r.lua
"$gen" --rows 3000 --seed 1 --ragged 3 > A.csv
"$gen" --rows 5000 --seed 2 --ragged 5 > B.csv
"$gen" --rows 300000 --seed 4 --ragged 9 > big.csv
d=$tmp/d
mkdir "$d"

# go INPUT [ENV=VALUE]: one run writing d/out.csv, d/rej.csv, d/sum.json in the background.
go() {
  env ${2:+"$2"} "$cleave" run -q --rules "$tmp/r.lua" --input "$tmp/$1" --output "$d/out.csv" \
    --rejects "$d/rej.csv" --summary "$d/sum.json" --threads 2 2>> "$tmp/log" &
  gpid=$!
  bgpids="$bgpids $gpid"
}
# stopped PID: wait (up to 10 s) until PID is stopped (state T); 0 if it is.
stopped() {
  i=0
  while [ $i -lt 200 ]; do
    st=$(sed 's/^.*) \(.\).*$/\1/' "/proc/$1/stat" 2> /dev/null)
    [ "$st" = T ] && return 0
    [ -z "$st" ] || [ "$st" = Z ] && return 1
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}
json_num() { sed -n "s/^ *\"$2\": *\([0-9][0-9]*\),*\$/\1/p" "$1"; }
# gen_of: "rows_read" of a consistent set of files, else "mixed ..." or "missing".
gen_of() {
  [ -f "$d/out.csv" ] && [ -f "$d/rej.csv" ] && [ -f "$d/sum.json" ] || { echo missing; return; }
  rd=$(json_num "$d/sum.json" rows_read)
  wr=$(json_num "$d/sum.json" rows_written)
  rj=$(json_num "$d/sum.json" rows_rejected)
  o=$(($(wc -l < "$d/out.csv") - 1))
  j=$(($(wc -l < "$d/rej.csv") - 1))
  if [ "$o" = "$wr" ] && [ "$j" = "$rj" ]; then echo "$rd"; else
    echo "mixed (summary: read $rd written $wr rejected $rj; output $o rows, rejects $j rows)"
  fi
}
# baseline: a finished run of A.csv.
baseline() {
  rm -f "$d"/*
  go A.csv
  wait $gpid
}
# recover: the next start, stopped right after its roll-forward and sweep, then killed.
recover() {
  go A.csv CLEAVE_TEST_PAUSE=recovered
  if stopped $gpid; then kill -9 $gpid; wait $gpid 2> /dev/null; return 0; fi
  wait $gpid 2> /dev/null
  return 1
}

baseline
[ "$(gen_of)" = 3000 ]
ok $? "baseline run of A.csv: output, rejects and summary agree (3000 rows read)"

# --- a kill at every named point of the commit ---------------------------------------
for point in staged journal rename-1 rename-2 rename-3 renamed; do
  case $point in staged) want=3000 ;; *) want=5000 ;; esac
  baseline
  go B.csv CLEAVE_TEST_PAUSE=$point
  if stopped $gpid; then paused=1; kill -9 $gpid; else paused=0; fi
  wait $gpid 2> /dev/null
  now=$(gen_of)
  [ $paused -eq 1 ] && { [ "$now" = 3000 ] || [ -f "$d/out.csv.lock.journal" ]; }
  ok $? "SIGKILL at '$point': the previous files intact, or the journal is there ($now)"
  recover
  r=$?
  after=$(gen_of)
  [ $r -eq 0 ] && [ "$after" = "$want" ] && [ ! -e "$d/out.csv.lock.journal" ] &&
    ! ls -a "$d" | grep -q '\.tmp\.'
  ok $? "SIGKILL at '$point', then the next start: all files are the run of $want rows ($after), no journal, no temporaries"
done

# --- a summary that cannot be written ------------------------------------------------
if [ -w /dev/full ]; then
  baseline
  "$cleave" run -q --rules r.lua --input B.csv --output "$d/out.csv" --rejects "$d/rej.csv" \
    --summary /dev/full 2> full.err
  rc=$?
  # the previous summary is still d/sum.json: the set must still be A's
  [ $rc -eq 6 ] && [ "$(gen_of)" = 3000 ] && ! ls -a "$d" | grep -q '\.tmp\.'
  okd $? "--summary /dev/full: exit 6, output and rejects are still the previous run's" full.err
else
  skip "--summary /dev/full" "no /dev/full"
fi

# --- a planted journal does not rename arbitrary files -----------------------------------
baseline
printf 'precious\n' > victim
printf 'intruder\n' > "$d/out.csv.tmp.1.ab"
{ printf 'cleave-journal 1\n2\n'; printf '%s\0%s\0' "$tmp/victim" "$d/out.csv" \
    "$d/out.csv.tmp.1.ab" "$tmp/other"; printf 'end\n'; } > "$d/out.csv.lock.journal"
recover
[ "$(cat victim)" = precious ] && [ ! -e other ] && [ "$(gen_of)" = 3000 ]
ok $? "a planted journal: no file moved that is not this run's own temporary for its own output"

# --- random kills during a big run -----------------------------------------------------
rm -f "$d"/*
go big.csv
wait $gpid
bad=0
k=0
while [ $k -lt 12 ]; do
  k=$((k + 1))
  case $((k % 2)) in 0) in=big.csv ;; *) in=B.csv ;; esac
  delay=$(awk -v s="$k" 'BEGIN { srand(s * 7919); printf "%.3f", rand() * 1.2 }')
  go $in
  sleep "$delay"
  kill -9 $gpid 2> /dev/null
  wait $gpid 2> /dev/null
  now=$(gen_of)
  case $now in mixed*|missing) [ -f "$d/out.csv.lock.journal" ] || bad=$((bad + 1)) ;; esac
  recover || bad=$((bad + 1))
  after=$(gen_of)
  case $after in 300000|5000) ;; *) bad=$((bad + 1)); note "kill $k after ${delay}s: $after" ;; esac
  ls -a "$d" | grep -q '\.tmp\.' && { bad=$((bad + 1)); note "kill $k: temporaries left"; }
done
[ $bad -eq 0 ]
ok $? "12 SIGKILLs at random moments of runs: every time, one consistent set of files after the next start"

check_summaries "$tmp"
done_testing
