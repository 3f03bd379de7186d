#!/bin/sh
# SPDX-License-Identifier: MIT
# t_progress.sh -- the progress line: shown only when stderr is a terminal
# (a pty made by script(1)), with rows and MB/s, percent and ETA for a
# regular file, rows and MB/s for a pipe, updated at most 4 times a second,
# cleared before the summary; never with -q, never when stderr is a file.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
rules=$root/scripts/retail_v1.lua
. "$root/tests/tap.sh"

command -v script > /dev/null 2>&1 || skip_all "script(1) is not installed (bsdutils)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_progress.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

"$build/tools/gen_retail" --rows 40000 --seed 5 > in.csv || exit 1
size=$(wc -c < in.csv)
args="run --no-config --rules $rules --plugins $plugins --as-of 2026-11-01 --threads 1"
# onpty FILE COMMAND: run COMMAND (a shell line) with a pty as its terminal;
# what the terminal saw goes to FILE
onpty() {
  script -qec "$2" "$1.raw" > /dev/null 2>&1
  tr -d '\000' < "$1.raw" > "$1"
}
esc=$(printf '\033')
cr=$(printf '\r')

# a regular file, in 20 chunks: the first chunk done already shows percent and ETA
onpty file.tty "$cleave $args --input in.csv --output o1.csv --rejects o1.rej --chunk-size $((size / 20 + 1)) 2>&1"
grep -q "cleave: [0-9,]* rows  [0-9.]* MB/s  *[0-9]*%  ETA [0-9]*:[0-9][0-9]" file.tty
okd $? "regular file on a terminal: rows, MB/s, percent and ETA" file.tty
grep -q "${cr}${esc}\[K${cr}*cleave: 40000 rows read" file.tty
okd $? "  ... the line is cleared before the summary" file.tty
n_updates=$(tr '\r' '\n' < file.tty | grep -c "MB/s")
[ "$n_updates" -ge 1 ] && [ "$n_updates" -le 20 ]
ok $? "  ... at most one update per chunk ($n_updates for 20 chunks)"

# a pipe that stalls for 1.2 s: updates come while it runs, without percent
onpty pipe.tty "(head -n 3000 in.csv; sleep 1.2; tail -n +3001 in.csv) | $cleave $args --input - --output o2.csv --rejects o2.rej --chunk-size 4096 2>&1"
grep -q "cleave: [0-9,]* rows  [0-9.]* MB/s" pipe.tty
okd $? "a pipe on a terminal: rows and MB/s" pipe.tty
! grep -q "MB/s  *[0-9]*%" pipe.tty
ok $? "  ... and no percent (the size is unknown)"
cmp -s o1.csv o2.csv; ok $? "  ... the outputs are the same"

# at most 4 updates a second: a pipe that trickles 2,000 rows every 0.1 s
# (about 2 s), chunks of 4 KiB done all the time
split -l 2000 in.csv part.
cat > trickle.sh <<'EOS'
for f in part.*; do cat "$f"; sleep 0.1; done
EOS
start=$(date +%s)
onpty slow.tty "sh trickle.sh | $cleave $args --input - --output o3.csv --rejects o3.rej --chunk-size 4096 2>&1"
secs=$(( $(date +%s) - start + 1 ))
n_updates=$(tr '\r' '\n' < slow.tty | grep -c "MB/s")
[ "$n_updates" -ge 3 ] && [ "$n_updates" -le $((4 * secs + 1)) ]
ok $? "updates while it runs, at most 4 a second ($n_updates in at most $secs s, over $(( size / 4096 )) chunks)"
cmp -s o1.csv o3.csv; ok $? "  ... the output is the same"

onpty quiet.tty "$cleave $args -q --input in.csv --output o4.csv --rejects o4.rej --chunk-size 4096 2>&1"
! grep -q "MB/s" quiet.tty
okd $? "-q on a terminal: no progress line" quiet.tty

"$cleave" $args --input in.csv --output o5.csv --rejects o5.rej --chunk-size 4096 2> notty.err
! grep -q "MB/s" notty.err && ! grep -q "$cr" notty.err
okd $? "stderr not a terminal: no progress line, no carriage return" notty.err

done_testing
