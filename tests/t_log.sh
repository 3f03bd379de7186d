#!/bin/sh
# SPDX-License-Identifier: MIT
# t_log.sh -- cron-shaped logging: a good run is silent on stderr when it is
# not a terminal; warnings and errors always show; --verbose shows the size
# table; --log-file appends one line per message and per run phase (start
# with the rule file's sha256, end with counts and seconds), every line of one
# pattern; log_level governs stderr and the file; a symlinked log file is
# refused.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
rules=$root/scripts/retail_v1.lua
edge=$root/tests/fixtures/retail_edge.csv
. "$root/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_log.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
args="--no-config --rules $rules --plugins $plugins --as-of 2026-11-01"
pattern='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{4} (error|warning|info|debug) run=[0-9a-f]+-[0-9]+ .+$'

# shellcheck disable=SC2086
"$cleave" run $args --input "$edge" --output a.csv --rejects a.rej --summary a.json 2> a.err
rc=$?
[ $rc -eq 0 ] && [ ! -s a.err ]
okd $? "a good run with stderr to a file: exit 0 and nothing on stderr" a.err

printf 'customer_id,age\nC1,30\nC2,40,extra\n' > ragged.csv
printf 'local age = number "age"\nmicro "adult" { age:at_least(18) }\n' > small.lua
"$cleave" run --no-config --rules small.lua --input ragged.csv --output r.csv --rejects r.rej 2> r.err
grep -q "^cleave: warning: ragged.csv:3: row rejected" r.err && [ "$(wc -l < r.err)" -eq 1 ]
okd $? "a rejected row: its warning is shown, and nothing else" r.err

# shellcheck disable=SC2086
"$cleave" run --verbose $args --input "$edge" --output v.csv --rejects v.rej 2> v.err
grep -q "59 rows read, 59 written, 0 rejected" v.err && grep -q "macro life_stage" v.err
okd $? "--verbose: the size table on stderr" v.err

# shellcheck disable=SC2086
"$cleave" run $args --log-file run.log --input "$edge" --output b.csv --rejects b.rej 2> b.err
[ ! -s b.err ]; okd $? "--log-file: still nothing on stderr" b.err
hash=$(sha256sum "$rules" | cut -d' ' -f1)
grep -q " info run=[^ ]* run start: rules $rules (sha256 $hash), input $edge, output b.csv, as of 2026-11-01, " run.log
okd $? "the log file has a start line with the inputs and the rule file's sha256" run.log
grep -q " info run=[^ ]* run end: ok, 59 rows read, 59 written, 0 rejected, 1 invalid values, [0-9.]* s\$" run.log
okd $? "... and an end line with the counts and seconds" run.log
# a failing run and a run with a warning append to the same file
printf 'broken lua (' > bad.lua
"$cleave" run --no-config --rules bad.lua --log-file run.log --input "$edge" --output c.csv 2> c.err
[ $? -eq 4 ] && grep -q "^cleave: error: bad.lua:1:" c.err
okd $? "a rule-file error: exit 4, the error on stderr" c.err
grep -q " error run=[^ ]* bad.lua:1:" run.log && grep -q " error run=[^ ]* run end: failed, exit 4\$" run.log
okd $? "... and in the log file, with a 'run end: failed' line" run.log
"$cleave" run --no-config --rules small.lua --log-file run.log --input ragged.csv --output r2.csv \
  --rejects r2.rej 2> /dev/null
grep -q " warning run=[^ ]* ragged.csv:3: row rejected" run.log
okd $? "warnings go to the log file too" run.log
printf 'local x = number "age"\nprint("two\\nlines")\nmicro "m" { x:above(1) }\n' > printer.lua
"$cleave" run --no-config --rules printer.lua --log-file run.log --input ragged.csv \
  --output p.csv --rejects p.rej 2> p.err
grep -q 'two\\nlines' run.log
okd $? "a rule's print() is one escaped line in the log file" run.log
bad_lines=$(grep -Evc "$pattern" run.log)
[ "$bad_lines" -eq 0 ] && [ "$(wc -l < run.log)" -ge 6 ]
okd $? "every line of the log file matches one pattern ($(wc -l < run.log) lines)" run.log
runs=$(sed 's/.* run=\([^ ]*\) .*/\1/' run.log | sort -u | wc -l)
[ "$runs" -eq 4 ]; ok $? "each run has its own run id (4 runs, $runs ids)"

# log_level governs everything
printf '[engine]\nrules = %s\nlog_level = error\n' "$root/tests/../scripts/retail_v1.lua" > quiet.ini
"$cleave" run -c quiet.ini --rules small.lua --log-file q.log --input ragged.csv --output q.csv \
  --rejects q.rej 2> q.err
[ ! -s q.err ] && ! grep -q warning q.log 2>/dev/null
okd $? "log_level = error: no warning on stderr nor in the log file" q.err
"$cleave" run -c quiet.ini --rules bad.lua --log-file q.log --input ragged.csv --output q2.csv 2> q2.err
grep -q "^cleave: error:" q2.err && grep -q " error run=" q.log
okd $? "log_level = error: errors still shown and logged" q.log

# a log file that is a symlink is refused, its target untouched
printf 'keep\n' > target
ln -s target link.log
# shellcheck disable=SC2086
"$cleave" run $args --log-file link.log --input "$edge" --output d.csv --rejects d.rej 2> d.err
[ $? -eq 6 ] && grep -q "link.log" d.err && [ "$(cat target)" = keep ] && [ ! -e d.csv ]
okd $? "a symlinked log file: exit 6, named, the target untouched, no output" d.err
mkfifo fifo.log
# shellcheck disable=SC2086
"$cleave" run $args --log-file fifo.log --input "$edge" --output e.csv --rejects e.rej 2> e.err
[ $? -eq 6 ] && grep -q "not a regular file" e.err
okd $? "a FIFO as log file: refused at once (exit 6)" e.err
"$cleave" run -q --verbose $args --input "$edge" 2> qv.err
[ $? -eq 2 ] && grep -q "contradict" qv.err; okd $? "-q with --verbose: a usage error" qv.err

check_summaries "$tmp"
done_testing
