#!/bin/sh
# SPDX-License-Identifier: MIT
# t_stats.sh -- cleave stats and population thresholds (issue #11 item 4).
#
# 1. cleave stats on 1M retail rows (50,000 under SAN): count, missing, min
#    and max equal those computed independently (python3 over the CSV);
#    every quantile 0.01..0.99 in the stats file is within the documented
#    rank error (0.5 % of n) of the exact sorted values; the rank errors
#    measured are printed (max, and at 0.5, 0.9, 0.99).
# 2. --merge of 4 shards (split at record boundaries with awk: the retail
#    notes hold quoted line ends): counts, min, max equal the
#    single file's; quantiles within the bound of the exact ones.
# 3. --merge refuses other columns, another k, a damaged sketch, a file that
#    is not a stats file (exit 5); no file at all is a usage error (exit 2).
# 4. What is read: the run's reader (decimal = comma; CRLF, quotes, no final
#    line end, either reader give the same stats), rows run rejects are
#    not counted, unreadable values are missing; columns from the rule file
#    or --stats-columns; the file is replaced atomically (a failing stats
#    leaves the previous one).
# 5. Rules: top_percent & co. resolve to the same thresholds from --stats
#    and from the first pass; batch and row evaluators agree; the share of
#    customers in the top 10 % is what the exact data says for that
#    threshold; a pipe without --stats is exit 3 naming --stats, with
#    --stats it runs; explain and check show the threshold and its label;
#    summary.json records the thresholds (valid against the schema); cleave
#    merge takes shard summaries with the same thresholds and refuses others;
#    bad arguments are rule errors (exit 4); a stats file without the column
#    is exit 3; cleave test takes --stats and says to pass it.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
. "$root/tests/tap.sh"

py=/usr/bin/python3
[ -x "$py" ] || skip_all "/usr/bin/python3 is needed for the exact quantiles"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_stats.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1

rows=1000000
[ "${SAN:-}" ] && rows=50000
"$build/tools/gen_retail" --rows "$rows" --seed 7 > in.csv || exit 1
A="--no-config --id-column customer_id --as-of 2026-11-01"
cols=spend_12m,income,age,orders_12m

# exact.py STATS CSV: compare a stats file with the exact values of its
# columns in CSV (rows with as many fields as the header): count, missing,
# min, max exact; each quantile's rank error; prints the errors measured.
cat > exact.py <<'PY'
import bisect, csv, json, os, pickle, sys
st = json.load(open(sys.argv[1]))
eps = st['rank_error']
want = [c['name'] for c in st['columns']]
cache = sys.argv[2] + '.exact'
if os.path.exists(cache):
    vals, miss = pickle.load(open(cache, 'rb'))
else:
    with open(sys.argv[2], newline='') as f:
        r = csv.reader(f)
        head = next(r)
        ix = [head.index(n) for n in want]
        vals = {n: [] for n in want}
        miss = {n: 0 for n in want}
        for row in r:
            if len(row) != len(head) or not row[0]:
                continue
            for n, i in zip(want, ix):
                try:
                    x = float(row[i])
                    vals[n].append(x)
                except ValueError:
                    miss[n] += 1
    for n in want:
        vals[n].sort()
    pickle.dump((vals, miss), open(cache, 'wb'))
bad = 0
for c in st['columns']:
    x = vals[c['name']]
    n = len(x)
    if (c['count'], c['missing'], c['min'], c['max']) != (n, miss[c['name']], x[0], x[-1]):
        print('# %s: count/missing/min/max %s, exact %s' % (c['name'],
              (c['count'], c['missing'], c['min'], c['max']), (n, miss[c['name']], x[0], x[-1])))
        bad = 1
    worst, at = 0.0, {}
    for k, v in c['quantiles'].items():
        q = float(k)
        lt, le = bisect.bisect_left(x, v), bisect.bisect_right(x, v)
        t = q * n
        e = (lt - t) / n if lt > t else (t - le + 1) / n if le <= t else 0.0
        at[k] = e
        worst = max(worst, e)
    print('# %s: rank error max %.4f%%, at 0.50 %.4f%%, 0.90 %.4f%%, 0.99 %.4f%% (n = %d)' % (
        c['name'], 100 * worst, 100 * at['0.50'], 100 * at['0.90'], 100 * at['0.99'], n))
    if worst > eps:
        bad = 1
sys.exit(bad)
PY

# --- 1. one pass, against the exact quantiles ---------------------------------

# shellcheck disable=SC2086
"$cleave" stats $A --input in.csv --stats-columns $cols --output all.json 2> all.err
okd $? "cleave stats on $rows rows" all.err
"$py" exact.py all.json in.csv > exact.out
st=$?
cat exact.out
ok $st "count, missing, min, max exact; every quantile within the rank error bound"
"$py" -c "import json,sys; d=json.load(open('all.json')); sys.exit(not (d['sketch']=='kll' and d['k']==1024 and d['rows']==$rows and len(d['columns'][0]['quantiles'])==99))"
ok $? "the file names the sketch (kll, k = 1024), the rows and 99 quantiles"

# --- 2. four shards merged -----------------------------------------------------

# shard i: records i*n/4 .. (i+1)*n/4 - 1; a record ends on a line where the
# count of '"' so far is even
awk -v q=$((rows / 4)) 'NR == 1 { for (i = 0; i < 4; i++) print > ("s" i ".csv"); next }
  { if (!open) { rec++; s = int((rec - 1) / q); if (s > 3) s = 3 }
    if (gsub(/"/, "\"") % 2) open = !open; print > ("s" s ".csv") }' in.csv
i=0
while [ $i -lt 4 ]; do
  # shellcheck disable=SC2086
  "$cleave" stats $A --input s$i.csv --stats-columns $cols --output s$i.json 2> s$i.err || diag s$i.err
  i=$((i + 1))
done
# shellcheck disable=SC2086
"$cleave" stats $A --input s0.csv --stats-columns $cols --output again.json 2> /dev/null
cmp -s s0.json again.json
ok $? "the same input gives the same stats file, byte for byte"
"$cleave" stats --merge s0.json s1.json s2.json s3.json --output merged.json 2> merged.err
okd $? "stats --merge of 4 shards" merged.err
"$py" exact.py merged.json in.csv > merged.out
st=$?
sed 's/^# /# merged: /' merged.out
ok $st "merged: count, missing, min, max exact; quantiles within the bound"
"$py" -c "
import json, sys
a, b = json.load(open('all.json')), json.load(open('merged.json'))
sys.exit(not (a['rows'] == b['rows'] and len(b['inputs']) == 4 and
              [c['count'] for c in a['columns']] == [c['count'] for c in b['columns']]))"
ok $? "merged: the rows and counts of the single file, four inputs named"

# --- 3. what --merge refuses ------------------------------------------------------

# shellcheck disable=SC2086
"$cleave" stats $A --input s0.csv --stats-columns spend_12m,income --output two.json 2> /dev/null
"$cleave" stats --merge s0.json two.json --output bad.json 2> cols.err
rc=$?
[ $rc -eq 5 ] && grep -q "two.json: columns spend_12m,income, not spend_12m,income,age,orders_12m" cols.err
okd $? "other columns: exit 5 naming both lists (got $rc)" cols.err
printf 'customer_id,spend_12m\nC1,10\nC2,20\n' > tiny.csv
"$cleave" stats $A --input tiny.csv --stats-columns spend_12m --output tiny.json 2> /dev/null
sed 's/"k": 1024/"k": 512/' tiny.json > tiny512.json
"$cleave" stats --merge tiny.json tiny512.json --output bad.json 2> k.err
rc=$?
[ $rc -eq 5 ] && grep -q "tiny512.json: sketch k = 512, not k = 1024" k.err
okd $? "another k: exit 5 (got $rc)" k.err
sed 's/"count": 2,/"count": 3,/' tiny.json > damaged.json
"$cleave" stats --merge tiny.json damaged.json --output bad.json 2> dmg.err
rc=$?
[ $rc -eq 5 ] && grep -q "damaged.json: not a cleave stats file: column 'spend_12m': its sketch is damaged" dmg.err
okd $? "a sketch whose weights are not its count: exit 5 (got $rc)" dmg.err
echo '{"cleave": 1}' > other.json
"$cleave" stats --merge tiny.json other.json --output bad.json 2> nots.err
rc=$?
[ $rc -eq 5 ] && grep -q 'other.json: not a cleave stats file' nots.err
okd $? "a file that is not a stats file: exit 5 (got $rc)" nots.err
[ ! -e bad.json ]
ok $? "no merged file after a refusal"
"$cleave" stats --merge 2> none.err
rc=$?
[ $rc -eq 2 ]
okd $? "stats --merge without files: exit 2 (got $rc)" none.err
"$cleave" stats $A --input tiny.csv --stats-columns spend_12m tiny.json 2> arg.err
rc=$?
[ $rc -eq 2 ]
okd $? "stats with an argument but no --merge: exit 2 (got $rc)" arg.err

# --- 4. what is read ----------------------------------------------------------------

printf 'customer_id;spend\nC1;1.234,50\nC2;10,5\nC3;\nC4;n/a\nC5;7\nC6;1;2\n;99\n' > comma.csv
"$cleave" stats $A --delimiter ';' --decimal comma --input comma.csv --stats-columns spend --output comma.json 2> comma.err
okd $? "stats with --decimal comma" comma.err
"$py" -c "
import json, sys
d = json.load(open('comma.json')); c = d['columns'][0]
sys.exit(not (d['rows'] == 5 and c['count'] == 3 and c['missing'] == 2 and c['min'] == 7 and c['max'] == 1234.5))"
ok $? "decimal comma read as run reads it; rejected rows (wrong width, no id) not counted; empty and n/a missing"
# the same records with CRLF, every field quoted, no final line end; and
# with the libcsv reader: the same stats
"$build/tools/gen_retail" --rows 20000 --seed 3 > v1.csv
"$build/tools/gen_retail" --rows 20000 --seed 3 --crlf --quote-all --no-final-newline > v2.csv
for v in v1 v2; do
  # shellcheck disable=SC2086
  "$cleave" stats $A --input $v.csv --stats-columns $cols --output - 2> $v.err | grep -v '"inputs"' > $v.json
done
# shellcheck disable=SC2086
"$cleave" stats $A --reader libcsv --input v2.csv --stats-columns $cols --output - 2> v3.err | grep -v '"inputs"' > v3.json
cmp -s v1.json v2.json && cmp -s v1.json v3.json && [ -s v1.json ]
okd $? "CRLF, quoted fields, no final line end, the libcsv reader: the same stats" v2.err
cat > r.lua <<'EOF'
local spend, age = number "spend_12m", number "age"
local country = text "country"
micro "big" { spend:at_least(1000), age:below(40), country:is "GB" }
EOF
# shellcheck disable=SC2086
head -1000 in.csv > h1k.csv
"$cleave" stats $A --rules r.lua --input h1k.csv --output r.json 2> r.err
okd $? "stats of the rule file's number columns" r.err
"$py" -c "import json,sys; sys.exit([c['name'] for c in json.load(open('r.json'))['columns']] != ['spend_12m', 'age'])"
ok $? "the columns are those the rules read as numbers (not the text column)"
cp r.json keep.json
# shellcheck disable=SC2086
"$cleave" stats $A --rules r.lua --input missing.csv --output r.json 2> /dev/null
rc=$?
[ $rc -eq 5 ] && cmp -s r.json keep.json
ok $? "a failing stats (no input: exit $rc) leaves the previous file as it was"
# shellcheck disable=SC2086
"$cleave" stats $A --input tiny.csv --stats-columns nosuch --output x.json 2> nocol.err
rc=$?
[ $rc -eq 4 ] && grep -q "nosuch" nocol.err
okd $? "an unknown column: exit 4 naming it (got $rc)" nocol.err
awk 'BEGIN { h = "customer_id"; r = "C1"; for (i = 1; i <= 1001; i++) { h = h ",c" i; r = r "," i }
  print h; print r }' > wide.csv
wide=$(head -1 wide.csv | cut -d, -f2-)
# shellcheck disable=SC2086
"$cleave" stats $A --input wide.csv --stats-columns "$wide" --output wide.json 2> wide.err
rc=$?
[ $rc -eq 2 ] && grep -q "1001 number columns: at most 1000" wide.err && [ ! -e wide.json ]
okd $? "more than 1000 columns: exit 2, nothing written (got $rc)" wide.err
# shellcheck disable=SC2086
"$cleave" stats $A --input in.csv --stats-columns spend_12m --output in.csv 2> self.err
rc=$?
[ $rc -eq 2 ] && [ "$(head -c 11 in.csv)" = "customer_id" ]
okd $? "--output the input itself: exit 2, the input untouched (got $rc)" self.err

# --- 5. rules with population thresholds -------------------------------------------

# on 100,000 rows (10,000 under SAN): the first shard's first records
small=100000
[ "${SAN:-}" ] && small=10000
awk -v n=$small 'NR == 1 { print; next } { if (!open) rec++; if (rec > n) exit
  print; if (gsub(/"/, "\"") % 2) open = !open }' in.csv > r.csv
# shellcheck disable=SC2086
"$cleave" stats $A --input r.csv --stats-columns $cols --output rs.json 2> rs.err
okd $? "stats of $small rows" rs.err

cat > q.lua <<'EOF'
local spend = number "spend_12m"
local income = number "income"
micro "top10" { spend:top_percent(10) }
micro "bottom25" { spend:bottom_percent(25) }
micro "mid_income" { income:quantile_at_least(0.5), income:quantile_below(0.9) }
EOF
# shellcheck disable=SC2086
"$cleave" run $A --rules q.lua --input r.csv --output first.csv --summary first.json 2> first.err
okd $? "run with thresholds: a first pass over the file" first.err
# shellcheck disable=SC2086
"$cleave" run $A --rules q.lua --input r.csv --stats rs.json --output withstats.csv --summary ws.json 2> ws.err
okd $? "run with --stats" ws.err
cmp -s first.csv withstats.csv
ok $? "the first pass and the stats file of the same input give the same output"
# shellcheck disable=SC2086
"$cleave" run $A --rules q.lua --input r.csv --stats rs.json --evaluator row --output row.csv 2> row.err
cmp -s withstats.csv row.csv
okd $? "batch and row evaluators agree" row.err
# the top 10 % against the exact data, for the threshold used
"$py" - > share.out <<'PY'
import csv, json, sys
s = json.load(open('ws.json'))
t = {x['rule']: x['value'] for x in s['thresholds']}
with open('r.csv', newline='') as f:
    r = csv.reader(f); h = next(r); i = h.index('spend_12m')
    v = [float(row[i]) for row in r if row[i] != '']
n = len(v)
top = sum(1 for x in v if x >= t['top_percent(10)'])
bot = sum(1 for x in v if x <= t['bottom_percent(25)'])
seg = {'top10': 0, 'bottom25': 0}
with open('withstats.csv') as f:
    next(f)
    for line in f:
        for m in line.rstrip('\n').split(',', 1)[1].split(';'):
            if m in seg: seg[m] += 1
print('# top_percent(10): %.2f is the cut, %d of %d (%.3f%%) at or above it; bottom_percent(25): %.2f, %d (%.3f%%)' % (
    t['top_percent(10)'], top, n, 100.0 * top / n, t['bottom_percent(25)'], bot, 100.0 * bot / n))
# ties at the cut are in (spend has many zeros): at least the share asked for, less the bound
ok = seg['top10'] == top and seg['bottom25'] == bot and top >= (0.10 - 0.005) * n and bot >= (0.25 - 0.005) * n
sys.exit(not ok)
PY
st=$?
cat share.out
ok $st "the segments hold exactly the customers at/above (at/below) the cut, at least the share asked for"
# shellcheck disable=SC2086
cat r.csv | "$cleave" run $A --rules q.lua --input - --output /dev/null 2> pipe.err
rc=$?
[ $rc -eq 3 ] && grep -q "q.lua:3: spend_12m:top_percent(10) needs the column's quantiles, and standard input cannot be read twice" pipe.err && grep -q -- "--stats FILE" pipe.err
okd $? "a pipe without --stats: exit 3, saying to pass --stats (got $rc)" pipe.err
# shellcheck disable=SC2086
cat r.csv | "$cleave" run $A --rules q.lua --input - --stats rs.json --output piped.csv 2> piped.err
cmp -s piped.csv withstats.csv
okd $? "a pipe with --stats: the same output" piped.err
printf '[engine]\nrules = q.lua\n[input]\nid_column = customer_id\nstats = rs.json\n' > e.ini
cat r.csv | "$cleave" run -c e.ini --as-of 2026-11-01 --input - --output ini.csv 2> ini.err
cmp -s ini.csv withstats.csv
okd $? "[input] stats in engine.ini" ini.err
# shellcheck disable=SC2086
"$cleave" explain $A --rules q.lua --input r.csv --stats rs.json --row 1 > ex.out 2> ex.err
grep -Eq 'spend_12m >= [0-9.]+ \(top 10 %\)' ex.out && grep -Eq 'spend_12m <= [0-9.]+ \(bottom 25 %\)' ex.out && grep -Eq 'income < [0-9.]+ \(quantile 0.9\)' ex.out
okd $? "explain shows each threshold and its label" ex.out
# shellcheck disable=SC2086
"$cleave" check $A --rules q.lua --input r.csv --stats rs.json > ck.out 2> ck.err
okd $? "check with --stats" ck.err
grep -Eq '^  note: q.lua:3: spend_12m:top_percent\(10\) is spend_12m >= [0-9.]+ \(top 10 %\), from stats file rs.json$' ck.out
okd $? "check notes each threshold, its value and where it came from" ck.out
"$py" -c "
import json, sys
s = json.load(open('ws.json'))
t = s['thresholds']
sys.exit(not (s['thresholds_from'] == 'stats file rs.json' and [x['rule'] for x in t] ==
  ['top_percent(10)', 'bottom_percent(25)', 'quantile_at_least(0.5)', 'quantile_below(0.9)'] and
  t[0]['quantile'] == 0.9 and t[0]['line'] == 3 and t[0]['column'] == 'spend_12m' and
  json.load(open('first.json'))['thresholds'] == t))"
ok $? "summary.json lists the thresholds used, where from; the first pass's are the same"
# shard summaries: the same thresholds merge, others are refused
awk -v q=$((small / 2)) 'NR == 1 { print > "ra.csv"; print > "rb.csv"; next }
  { if (!open) rec++; print > (rec > q ? "rb.csv" : "ra.csv"); if (gsub(/"/, "\"") % 2) open = !open }' r.csv
for p in ra rb; do
  # shellcheck disable=SC2086
  "$cleave" stats $A --input $p.csv --stats-columns $cols --output $p.json 2> /dev/null
done
"$cleave" stats --merge ra.json rb.json --output rm.json 2> /dev/null
for p in ra rb; do
  # shellcheck disable=SC2086
  "$cleave" run $A --rules q.lua --input $p.csv --stats rm.json --output m$p.csv --summary m$p.json 2> /dev/null
done
"$cleave" merge mra.json mrb.json --output mm.json 2> mm.err
okd $? "cleave merge: shards with the same --stats" mm.err
# shellcheck disable=SC2086
"$cleave" run $A --rules q.lua --input rb.csv --output f1.csv --summary f1.json 2> /dev/null
"$cleave" merge mra.json f1.json --output mf.json 2> mf.err
rc=$?
[ $rc -eq 5 ] && grep -q "other population thresholds" mf.err
okd $? "cleave merge: shards with their own thresholds are refused, exit 5 (got $rc)" mf.err

# GNU parallel, as docs/scale.md writes it: per-shard stats merged, then the
# sharded run with them equals a single run with them
if command -v parallel > /dev/null 2>&1; then
  head -1 r.csv > header.csv
  blk=$(($(wc -c < r.csv) / 4 + 1)) # about 4 shards
  tail -n +2 r.csv |
    parallel --pipe --block $blk -j2 --regexp --recstart 'C\d{9},' --recend '\n' \
      "$cleave" stats $A --stats-columns $cols --no-header --columns-from header.csv \
        --input - --output pstats.{#}.json 2> par.err
  n=$(ls pstats.*.json 2> /dev/null | wc -l)
  "$cleave" stats --merge --output pstats.json pstats.*.json 2>> par.err
  st=$?
  [ $st -eq 0 ] && [ "$n" -ge 2 ] && "$py" exact.py pstats.json r.csv > par.out
  okd $? "parallel: $n shards' stats merged, within the bound of the exact quantiles" par.err
  sed 's/^# /# parallel, merged: /' par.out
  tail -n +2 r.csv |
    parallel --pipe --block $blk -j2 --keep-order --regexp --recstart 'C\d{9},' --recend '\n' \
      "$cleave" run $A --rules q.lua --no-header --columns-from header.csv --stats pstats.json \
        --input - --output - --no-output-header --threads 1 > par.csv 2>> par.err
  # shellcheck disable=SC2086
  "$cleave" run $A --rules q.lua --input r.csv --stats pstats.json --no-output-header --output one.csv 2>> par.err
  cmp -s par.csv one.csv
  okd $? "parallel: the sharded run with the merged stats equals one run with them" par.err
else
  skip "parallel: shards' stats merged" "GNU parallel is not installed (apt-get install parallel)"
  skip "parallel: the sharded run equals one run" "GNU parallel is not installed"
fi

# cleave test: thresholds from --stats only
cat > q_test.lua <<'EOF'
rules "q.lua"
test "a big spender" {
  given = { spend_12m = 1000000, income = 1 },
  has = { "top10" },
  lacks = { "bottom25", "mid_income" },
}
EOF
"$cleave" test --no-config q_test.lua > t1.out 2> t1.err
rc=$?
[ $rc -ne 0 ] && grep -q "needs the column's quantiles: pass --stats FILE" t1.out
okd $? "cleave test without --stats: not loaded, saying to pass --stats (got $rc)" t1.out
"$cleave" test --no-config q_test.lua --stats rs.json > t2.out 2> t2.err
okd $? "cleave test with --stats" t2.out

# rule errors
for bad in 'spend:top_percent(0)' 'spend:top_percent(100)' 'spend:bottom_percent("10")' \
           'spend:quantile_at_least(1)' '(spend / 2):top_percent(10)'; do
  printf 'local spend = number "spend_12m"\nmicro "x" { %s }\n' "$bad" > bad.lua
  # shellcheck disable=SC2086
  "$cleave" run $A --rules bad.lua --input tiny.csv --output /dev/null 2> bad.err
  rc=$?
  [ $rc -eq 4 ] && grep -q "bad.lua:2:" bad.err
  okd $? "$bad: exit 4 with the line (got $rc)" bad.err
done
printf 'local age = number "age"\nmicro "x" { age:top_percent(10) }\n' > noc.lua
# shellcheck disable=SC2086
"$cleave" run $A --rules noc.lua --input s0.csv --stats rs.json --output /dev/null 2> noc.err
rc=$?
[ $rc -eq 0 ]
okd $? "a column the stats file has (age) (got $rc)" noc.err
# shellcheck disable=SC2086
printf 'local spend, age = number "spend_12m", number "age"\nmicro "x" { spend:top_percent(10) }\nmicro "y" { age:top_percent(10) }\n' > noc2.lua
# shellcheck disable=SC2086
"$cleave" run $A --rules noc2.lua --input ra.csv --stats tiny.json --output /dev/null --summary noc2.json 2> noc2.err
rc=$?
[ $rc -eq 3 ] && grep -q "noc2.lua:3: age:top_percent(10) needs the quantiles of column 'age', and stats file tiny.json has none" noc2.err
okd $? "a stats file without the column: exit 3 (got $rc)" noc2.err
grep -q '"status": "failed"' noc2.json && ! grep -q '"thresholds"' noc2.json
ok $? "its failed summary.json has no thresholds (the first was resolved, the second not)"
check_summaries .

done_testing
