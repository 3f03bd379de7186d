#!/bin/sh
# SPDX-License-Identifier: MIT
# t_invalid.sh -- max_invalid and max_invalid_column (issue #8 item 3): a run
# with more unreadable number or date values than allowed stops with exit 9,
# names the column, its count and share, the first bad value and the likely
# fix, and replaces none of the previous run's files; the default (50% of a
# column's values) catches a column unreadable in every row; counts per
# column in summary.json are the same for both evaluators, every thread
# count and chunk size; flags and engine.ini keys alike; check --sample
# says when the run would stop.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
rules=$root/tests/fixtures/invalid/rules.lua
. "$root/tests/tap.sh"

py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3 2> /dev/null)
[ -n "$py" ] || skip_all "python3 is needed to read summary.json"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_invalid.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

json_get() { "$py" -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8"))
for k in sys.argv[2:]: d = d.get(k, 0) if isinstance(d, dict) else d
print(d)' "$@" 2> /dev/null; }

# gen.py N BAD_SPEND BAD_JOINED BAD_SCORE OUT: N rows; the first BAD_* rows
# of each column hold an unreadable value (spend a decimal comma, joined
# DD/MM/YYYY, score a word); every 10th score is empty (missing, not invalid)
cat > gen.py <<'PY'
import sys
n, bs, bj, bsc = map(int, sys.argv[1:5])
with open(sys.argv[5], 'w', newline='') as f:
    f.write('customer_id,spend,joined,score\n')
    for i in range(n):
        spend = '"%d,50"' % (i % 300) if i < bs else '%d.5' % (i % 300)
        joined = '%02d/03/2024' % (i % 28 + 1) if i < bj else '2024-03-%02d' % (i % 28 + 1)
        score = '' if i % 10 == 9 else ('lots' if i < bsc else str(i % 10))
        f.write('C%05d,%s,%s,%s\n' % (i, spend, joined, score))
PY

# run NAME INPUT [ARGS]: outputs NAME.out, NAME.rej, NAME.json; rc
run() {
  name=$1
  input=$2
  shift 2
  "$cleave" run --no-config --rules "$rules" --as-of 2026-11-01 --input "$input" \
    --output "$name.out" --rejects "$name.rej" --summary "$name.json" "$@" \
    > "$name.stdout" 2> "$name.err"
  rc=$?
}

"$py" gen.py 1000 0 0 0 clean.csv
"$py" gen.py 1000 1000 0 0 allbad.csv
"$py" gen.py 1000 400 0 0 some.csv
"$py" gen.py 1000 0 600 0 dates.csv
"$py" gen.py 1000 120 120 120 spread.csv

# --- the default catches a column unreadable in every row -------------------------
run good clean.csv
[ $rc -eq 0 ] && [ ! -s good.err ] && [ "$(json_get good.json invalid_values)" -eq 0 ]
okd $? "a clean file runs silently, no invalid values" good.err
cp good.out prev.out; cp good.json prev.json; cp good.rej prev.rej
run good allbad.csv
[ $rc -eq 9 ]; okd $? "every spend value a decimal comma: exit 9 by default" good.err
grep -q "allbad.csv: column 'spend': 1000 of 1000 values (100.0%) are not numbers (the first: \"0,50\"), more than max_invalid_column = 50%" good.err
okd $? "  ... the message names the column, the count, the share, the first value and the limit" good.err
grep -q "the values look like decimal commas: set decimal = comma in \[input\] (or --decimal comma)" good.err
okd $? "  ... and the likely fix" good.err
grep -q "no file replaced" good.err; okd $? "  ... and says no file was replaced" good.err
cmp -s good.out prev.out && cmp -s good.rej prev.rej &&
  grep -q '"status": "failed"' good.json && grep -q '"exit_code": 9' good.json
ok $? "  ... the previous output and rejects are untouched; summary.json says failed, exit_code 9 (docs/summary.md)"
[ -z "$(ls | grep '\.tmp\.')" ]; ok $? "  ... and no temp file is left"

# --- below the default: counted per column, not fatal -------------------------------
run some some.csv
[ $rc -eq 0 ] && [ "$(json_get some.json invalid_values_by_column spend)" -eq 400 ] &&
  [ "$(json_get some.json invalid_values)" -eq 400 ]
okd $? "40% of spend unreadable: the run goes on, 400 counted under spend in summary.json" some.err
run dates dates.csv
[ $rc -eq 9 ] && grep -q "column 'joined': 600 of 1000 values (60.0%) are not dates (YYYY-MM-DD) (the first: \"01/03/2024\")" dates.err
okd $? "60% of a date column unreadable: exit 9, 'not dates'" dates.err
run dates2 dates.csv --max-invalid-column 60%
[ $rc -eq 0 ] && [ "$(json_get dates2.json invalid_values_by_column joined)" -eq 600 ]
okd $? "  ... --max-invalid-column 60%: allowed (a larger share fails, not an equal one)" dates2.err

# --- counts and percentages, per column and overall --------------------------------
run c1 some.csv --max-invalid-column 399
[ $rc -eq 9 ] && grep -q "more than max_invalid_column = 399" c1.err
okd $? "--max-invalid-column 399 with 400 bad values: exit 9" c1.err
run c2 some.csv --max-invalid-column 400
[ $rc -eq 0 ]; okd $? "--max-invalid-column 400: allowed" c2.err
# spread: 120 bad of spend (1000 present) and joined (1000), 108 of score (900
# present: every 10th is empty) = 348 of 2900
run t1 spread.csv --max-invalid 11.9%
[ $rc -eq 9 ] && grep -q "spread.csv: 348 of 2900 number and date values (12.0%) are unreadable, more than max_invalid = 11.9%" t1.err
okd $? "--max-invalid 11.9%: 348 of 2900 values (12.0%) fail the run, counted over values present" t1.err
grep -q "the most in column '[a-z]*': 120 of" t1.err; okd $? "  ... naming the column with the most" t1.err
run t2 spread.csv --max-invalid 12%
[ $rc -eq 0 ]; okd $? "--max-invalid 12%: allowed" t2.err
run t3 spread.csv --max-invalid 347
[ $rc -eq 9 ]; okd $? "--max-invalid 347: exit 9" t3.err
run t4 spread.csv --max-invalid 348
[ $rc -eq 0 ] && [ "$(json_get t4.json invalid_values_by_column score)" -eq 108 ] &&
  [ "$(json_get t4.json invalid_values_by_column joined)" -eq 120 ]
okd $? "--max-invalid 348: allowed; per-column counts in summary.json" t4.err
run t5 spread.csv --max-invalid-column 0
[ $rc -eq 9 ]; okd $? "--max-invalid-column 0: any unreadable value fails" t5.err
run t6 allbad.csv --max-invalid-column none
[ $rc -eq 0 ] && [ "$(json_get t6.json invalid_values_by_column spend)" -eq 1000 ]
okd $? "--max-invalid-column none: no limit (the old behaviour), still counted" t6.err
run t7 allbad.csv --decimal comma
[ $rc -eq 0 ] && [ "$(json_get t7.json invalid_values)" -eq 0 ]
okd $? "the fix the message names works: --decimal comma reads them all" t7.err
run t8 clean.csv --max-invalid 0 --max-invalid-column 0
[ $rc -eq 0 ]; okd $? "empty values are missing, not invalid: 0 and 0 pass a file with empty scores" t8.err

# --- engine.ini keys -------------------------------------------------------------------
printf '[input]\npath = spread.csv\nmax_invalid = 11.9%%\n' > a.ini
"$cleave" run -c a.ini --rules "$rules" --as-of 2026-11-01 --output ini.out --summary ini.json \
  > ini.stdout 2> ini.err
[ $? -eq 9 ] && grep -q "max_invalid = 11.9%" ini.err; okd $? "[input] max_invalid = 11.9% in engine.ini" ini.err
printf '[input]\npath = allbad.csv\nmax_invalid_column = none\n' > b.ini
"$cleave" run -c b.ini --rules "$rules" --as-of 2026-11-01 --output ini2.out > ini2.stdout 2> ini2.err
[ $? -eq 0 ]; okd $? "[input] max_invalid_column = none in engine.ini" ini2.err
printf '[input]\npath = allbad.csv\nmax_invalid_column = none\n' > c.ini
"$cleave" run -c c.ini --rules "$rules" --as-of 2026-11-01 --output ini3.out --max-invalid-column 50% \
  > ini3.stdout 2> ini3.err
[ $? -eq 9 ]; okd $? "the flag overrides engine.ini" ini3.err
printf '[input]\nmax_invalid = lots\n' > d.ini
"$cleave" run -c d.ini --rules "$rules" --input clean.csv --output ini4.out > ini4.stdout 2> ini4.err
[ $? -eq 3 ] && grep -q "d.ini:2: max_invalid = 'lots' is not a count N, a percentage like 5% or none" ini4.err
okd $? "a bad value in engine.ini: exit 3 with file:line" ini4.err
"$cleave" run --no-config --rules "$rules" --input clean.csv --max-invalid 5.5 > f.out 2> f.err
[ $? -eq 2 ] && grep -q "max-invalid 5.5: give a count (1000), a percentage (5%) or none" f.err
okd $? "a bad --max-invalid: exit 2 (usage)" f.err

# --- every evaluator, thread count and chunk size counts the same --------------------
run ref spread.csv --max-invalid none --threads 1
for args in "--evaluator row" "--threads 2" "--threads 2 --chunk-size 100" "--threads 1 --chunk-size 37" \
            "--evaluator row --threads 2 --chunk-size 64"; do
  # shellcheck disable=SC2086
  run var spread.csv --max-invalid none $args
  [ $rc -eq 0 ] && cmp -s var.out ref.out &&
    [ "$(json_get var.json invalid_values_by_column)" = "$(json_get ref.json invalid_values_by_column)" ]
  okd $? "$args: the same output and per-column counts" var.err
  # shellcheck disable=SC2086
  run var spread.csv --max-invalid 11.9% $args
  [ $rc -eq 9 ] && grep -q "(the first: " var.err
  okd $? "$args: the same failure, with the first bad value" var.err
done

# --- rejected rows of a failed run are kept apart ---------------------------------
cp allbad.csv rej.csv; printf 'C99999,1,2\n' >> rej.csv
run keep clean.csv
run keep rej.csv
[ $rc -eq 9 ] && [ -s keep.rej.failed ] && grep -q "^1002," keep.rej.failed &&
  [ "$(wc -l < keep.rej)" -eq 1 ]
okd $? "a run stopped by max_invalid keeps its rejected rows in <rejects>.failed, rejects untouched" keep.err

# --- check --sample tells before a run does ----------------------------------------
"$cleave" check --no-config --rules "$rules" --input dates.csv --sample 1000 > chk.out 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "in the rows checked, .*dates.csv: column 'joined': 600 of 1000 values (60.0%) are not dates.*cleave run would stop with exit code 9" chk.out
okd $? "check --sample: a column over max_invalid_column is an error saying run would stop" chk.out
"$cleave" check --no-config --rules "$rules" --input dates.csv --sample 1000 --max-invalid-column 70% > chk2.out 2>&1
! grep -q "would stop" chk2.out; okd $? "  ... and not with --max-invalid-column 70%" chk2.out

check_summaries "$tmp"
done_testing
