#!/bin/sh
# SPDX-License-Identifier: MIT
# t_plugin_failures.sh -- plugin results that cannot be computed from a
# present value (issue 13 item 2, engine/call_sites.h): a text column read
# through dates.parse with values the format does not match ("4-Sep-2014"
# against "%d-%m-%Y", a trailing space, 31-02) is counted per call site in
# summary.json (plugin_failures, invalid_values, invalid_values_by_column)
# against a count made here with awk; empty values are not counted; a call
# the rules only need behind another condition is still counted on every
# row; the row and batch evaluators, thread counts and chunk sizes agree;
# cleave check warns with rules:LINE and the input line (--strict fails);
# max_invalid_column (default 50%) and max_invalid stop a run with exit 9
# naming the call site, column, count and first value; cleave merge of
# shards gives the single run's counts.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
. "$root/tests/tap.sh"

[ -x "$cleave" ] && [ -f "$plugins/dates.so" ] || skip_all "not built: $cleave, $plugins/dates.so"
py=/usr/bin/python3
[ -x "$py" ] || skip_all "/usr/bin/python3 is needed to read summary.json"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_plugin_failures.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# The fixture: 400 rows. joined: DD-MM-YYYY with days 01-28 (always a real
# date), except every 37th row "4-Sep-2014", every 53rd "04-09-2014 " (a
# trailing space), every 71st "31-02-2020" (no such day) and every 11th
# empty. signup: the same shape, bad in every 29th row. spend: a number.
awk 'BEGIN {
  print "customer_id,joined,signup,spend"
  for (i = 1; i <= 400; i++) {
    j = sprintf("%02d-%02d-%d", i % 28 + 1, i % 12 + 1, 2000 + i % 25)
    if (i % 11 == 0) j = ""
    else if (i % 37 == 0) j = "4-Sep-2014"
    else if (i % 53 == 0) j = "04-09-2014 "
    else if (i % 71 == 0) j = "31-02-2020"
    s = sprintf("%02d-%02d-%d", i % 27 + 1, i % 11 + 1, 2010 + i % 15)
    if (i % 29 == 0) s = "2019/05/05"
    printf "C%04d,%s,%s,%d\n", i, j, s, (i * 7) % 300
  }
}' > in.csv
cat > rules.lua <<'EOF'
local joined = dates.parse(text "joined", "%d-%m-%Y")
local spend = number "spend"
micro "recent" { joined:after "2020-01-01" }
-- signup is only parsed where spend is above 250: still counted on every row
micro "big" { spend:above(250), dates.parse(text "signup", "%d-%m-%Y"):after "2015-01-01" }
micro "old" { dates.days_since(joined):above(5000) }
EOF

# The reference, independent of the engine: a present value is good when it
# is DD-MM-YYYY with a day of 01-28 and a month of 01-12 (all the fixture's
# good values are), every other present value fails.
ref() { # ref COLUMN-NUMBER: "present bad first_bad first_line"
  awk -F, -v c="$1" 'NR > 1 && $c != "" { n++
    if ($c !~ /^(0[1-9]|1[0-9]|2[0-8])-(0[1-9]|1[0-2])-[0-9][0-9][0-9][0-9]$/) {
      if (!b++) { f = $c; l = NR } } }
    END { printf "%d %d %s|%d\n", n, b, f, l }' in.csv
}
set -- $(ref 2 | tr '|' ' ')
j_present=$1 j_bad=$2
j_first=$(ref 2 | sed 's/^[0-9]* [0-9]* //; s/|.*//')
j_line=$(ref 2 | sed 's/.*|//')
set -- $(ref 3 | tr '|' ' ')
s_present=$1 s_bad=$2
s_first=$(ref 3 | sed 's/^[0-9]* [0-9]* //; s/|.*//')
note "reference: joined $j_bad of $j_present fail (first '$j_first', line $j_line); signup $s_bad of $s_present"

# site FILE LINE FIELD: plugin_failures' FIELD of the call at rule LINE
site() {
  "$py" -c 'import json, sys
for f in json.load(open(sys.argv[1], encoding="utf-8"))["plugin_failures"]:
    if f["rule_line"] == int(sys.argv[2]): print(f[sys.argv[3]])' "$@" 2> /dev/null
}
get() {
  "$py" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for k in sys.argv[2:]: d = d.get(k, 0)
print(d)' "$@" 2> /dev/null
}
# run NAME [ARGS]: NAME.out, NAME.json, NAME.err; $rc
run() {
  name=$1
  shift
  "$cleave" run --no-config --plugins "$plugins" --rules rules.lua --as-of 2026-11-01 \
    --input "${input:-in.csv}" --output "$name.out" --summary "$name.json" "$@" \
    > "$name.stdout" 2> "$name.err"
  rc=$?
}

# --- run: counted against the reference ---------------------------------------------
run b
[ $rc -eq 0 ] && [ -s b.out ]; okd $? "failures under the limits: the run goes on (exit 0)" b.err
[ "$(site b.json 1 count)" = "$j_bad" ] && [ "$(site b.json 1 present)" = "$j_present" ]
ok $? "dates.parse(joined): $j_bad failures of $j_present present values, as awk counts them"
[ "$(site b.json 1 first)" = "$j_first" ] && [ "$(site b.json 1 column)" = joined ] &&
  [ "$(site b.json 1 criterion)" = dates.parse ]
ok $? "  ... the first failing value ('$j_first'), its column and criterion"
[ "$j_present" -lt 400 ]; ok $? "  ... empty values are not counted as present, nor as failures ($j_present of 400 present)"
printf 'customer_id,joined,signup,spend\nA1,04-09-2014 ,01-01-2020,1\nA2,,01-01-2020,2\nA3,05-09-2014,01-01-2020,3\n' > space.csv
input=space.csv run sp
[ $rc -eq 0 ] && [ "$(site sp.json 1 count)" = 1 ] && [ "$(site sp.json 1 present)" = 2 ] &&
  [ "$(site sp.json 1 first)" = "04-09-2014 " ]
ok $? "a trailing space is a failure (first: '04-09-2014 '); the empty value is neither present nor failed"
[ "$(site b.json 5 count)" = "$s_bad" ] && [ "$(site b.json 5 present)" = "$s_present" ] &&
  [ "$(site b.json 5 first)" = "$s_first" ]
ok $? "dates.parse(signup), needed only where spend > 250: counted on all rows ($s_bad of $s_present)"
[ "$(site b.json 6 count)" = 0 ] && [ "$(site b.json 6 first)" = None ] &&
  [ "$(site b.json 6 column)" = None ]
ok $? "dates.days_since(dates.parse(...)): a missing argument is no failure (0, first null, no column)"
[ "$(get b.json invalid_values)" -eq $((j_bad + s_bad)) ] &&
  [ "$(get b.json invalid_values_by_column joined)" -eq "$j_bad" ] &&
  [ "$(get b.json invalid_values_by_column signup)" -eq "$s_bad" ]
ok $? "invalid_values and invalid_values_by_column include them"
"$py" -c 'import json,sys; sys.exit(json.load(open("b.json"))["plugin_failures"][0]["call"] != "dates.parse(joined, \"%d-%m-%Y\")")'
ok $? "  ... the call as written: dates.parse(joined, \"%d-%m-%Y\")"

# --- every evaluator, thread count and chunk size -----------------------------------
pf() { "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps([d["plugin_failures"], d["invalid_values"], d["invalid_values_by_column"]]))' "$1"; }
pf b.json > ref.pf
for args in "--evaluator row" "--threads 2 --chunk-size 500" "--evaluator row --threads 2 --chunk-size 300" \
            "--threads 1 --chunk-size 97"; do
  # shellcheck disable=SC2086
  run v $args
  pf v.json > v.pf
  [ $rc -eq 0 ] && cmp -s v.pf ref.pf && cmp -s v.out b.out
  okd $? "$args: the same counts, first values and output as the batch evaluator" v.err
done

# --- check -------------------------------------------------------------------------
"$cleave" check --no-config --plugins "$plugins" --rules rules.lua --as-of 2026-11-01 --input in.csv \
  > chk.out 2>&1
crc=$?
grep -qF "rules.lua:1: dates.parse(joined, \"%d-%m-%Y\"): $j_bad of $j_present present values give no result (the first: \"$j_first\" at line $j_line of in.csv)" chk.out
okd $? "check: a warning with rules.lua:1, the count, the first value and its input line" chk.out
grep -qF "rules.lua:5: dates.parse(signup, \"%d-%m-%Y\"): $s_bad of $s_present present values" chk.out
okd $? "  ... and one for the second call site" chk.out
[ $crc -eq 0 ] && grep -q "^0 errors, 2 warnings" chk.out; okd $? "  ... counted in the warnings (exit 0)" chk.out
"$cleave" check --strict --no-config --plugins "$plugins" --rules rules.lua --as-of 2026-11-01 --input in.csv \
  > chk2.out 2>&1
[ $? -eq 1 ]; okd $? "check --strict fails on them" chk2.out
"$cleave" check --no-config --plugins "$plugins" --rules rules.lua --as-of 2026-11-01 --input in.csv \
  --sample 100 > chk3.out 2>&1
grep -qF "rules.lua:1: dates.parse(joined, \"%d-%m-%Y\"): $j_bad of $j_present present values" chk3.out &&
  grep -q "^sample: 100 rows" chk3.out
okd $? "check --sample 100: the same warning (the values are checked in every row)" chk3.out

# --- the limits --------------------------------------------------------------------
sed '1s/"%d-%m-%Y"/"%d-%b-%Y"/' rules.lua > mostly.lua
cp b.out keep.out
"$cleave" run --no-config --plugins "$plugins" --rules mostly.lua --as-of 2026-11-01 --input in.csv \
  --output b.out --summary m.json > m.stdout 2> m.err
mrc=$?
m_bad=$(awk -F, 'NR > 1 && $2 != "" && $2 != "4-Sep-2014"' in.csv | wc -l)
[ $mrc -eq 9 ] && grep -qF "in.csv: mostly.lua:1: dates.parse(joined, \"%d-%b-%Y\") on column 'joined': $m_bad of $j_present present values" m.err &&
  grep -qF "give no result (the first: \"02-02-2001\"), more than max_invalid_column = 50%; no file replaced" m.err
okd $? "most values failing: exit 9 naming the call site, the column, the count and the first value" m.err
cmp -s b.out keep.out && [ "$(get m.json status)" = failed ] && [ "$(site m.json 1 count)" = "$m_bad" ]
ok $? "  ... the output is untouched; the failed summary holds plugin_failures"
"$cleave" check --no-config --plugins "$plugins" --rules mostly.lua --as-of 2026-11-01 --input in.csv \
  > chk4.out 2>&1
[ $? -eq 1 ] && grep -q "cleave run would stop with exit code 9" chk4.out
okd $? "  ... and check says cleave run would stop" chk4.out
run n --max-invalid-column none --rules mostly.lua
[ $rc -eq 0 ]; okd $? "  ... --max-invalid-column none: runs" n.err
total=$((j_bad + s_bad))
run t1 --max-invalid $((total - 1))
[ $rc -eq 9 ] && grep -q "are unreadable, more than max_invalid = $((total - 1))" t1.err
okd $? "--max-invalid $((total - 1)): the plugin failures count toward it (exit 9)" t1.err
run t2 --max-invalid $total
[ $rc -eq 0 ]; okd $? "--max-invalid $total: allowed" t2.err
run t3 --max-invalid-column $((j_bad - 1))
[ $rc -eq 9 ] && grep -qF "dates.parse(joined, \"%d-%m-%Y\") on column 'joined': $j_bad of" t3.err
okd $? "--max-invalid-column $((j_bad - 1)): the joined call site stops the run" t3.err

# --- merge: shards give the single run's counts ------------------------------------
head -n 1 in.csv > header.csv
tail -n +2 in.csv | head -n 20 > s1.csv # no signup failure in the first 20 rows
tail -n +22 in.csv > s2.csv
okm=0
for s in s1 s2; do
  "$cleave" run --no-config --plugins "$plugins" --rules rules.lua --as-of 2026-11-01 --no-header \
    --columns-from header.csv --input $s.csv --output $s.out --summary $s.json 2>> shards.err || okm=1
done
[ "$(site s1.json 5 first)" = None ]; ok $? "shard 1 has no signup failure (first: null)"
"$cleave" merge --output merged.json s1.json s2.json 2> merge.err || okm=1
pf merged.json > merged.pf
[ $okm -eq 0 ] && cmp -s merged.pf ref.pf; okd $? "cleave merge: the same plugin_failures (rule_line kept, first from the first shard with one) and invalid counts" merge.err

check_summaries "$tmp"
done_testing
