#!/bin/sh
# SPDX-License-Identifier: MIT
# t_merge.sh -- cleave merge (issue #11 item 2): the summaries of the shards
# of one run, summed, equal the summary of a single run over the whole input
# except for timings, thread counts and file names; a file may hold many
# summaries (one per line); shards of other rules, as_of dates or failed
# runs are refused with exit 5; the merged file is written atomically.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
rules=$root/scripts/retail_v1.lua
. "$root/tests/tap.sh"

py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3 2> /dev/null)
[ -n "$py" ] || skip_all "python3 is needed to compare summaries"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_merge.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

"$build/tools/gen_retail" --rows 30000 --seed 9 > in.csv || exit 1
# a few bad rows, so rejects are summed too
{ head -5000 in.csv; printf 'C_BAD1,x\n'; sed -n '5001,20000p' in.csv; printf 'C_BAD2,y,z\n'; tail -n +20001 in.csv; } > bad.csv
head -1 bad.csv > header.csv
tail -n +2 bad.csv > body.csv

A="--no-config --rules $rules --plugins $plugins --as-of 2026-11-01"
# shellcheck disable=SC2086
"$cleave" run $A --input bad.csv --output single.csv --summary single.json --threads 2 2> single.err
okd $? "the single run" single.err

# same.py A B: A and B agree but for timings, threads and file names
cat > same.py <<'PY'
import json, sys
skip = {'seconds', 'threads', 'input', 'output', 'rejects', 'summary', 'run_id', 'started', 'finished'}
def clean(d):
    if isinstance(d, dict):
        return {k: clean(v) for k, v in d.items() if k not in skip}
    if isinstance(d, list):
        return [clean(v) for v in d]
    return d
a, b = (clean(json.load(open(p, encoding='utf-8'))) for p in sys.argv[1:3])
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            print('# %s: %s != %s' % (k, str(a.get(k))[:300], str(b.get(k))[:300]))
    sys.exit(1)
PY

# split.py N: body.csv into N shards at record boundaries (quotes balanced)
cat > split.py <<'PY'
import sys
n = int(sys.argv[1])
data = open('body.csv', 'rb').read()
bounds, q, pos = [], 0, 0
for line in data.splitlines(keepends=True):
    q += line.count(b'"'); pos += len(line)
    if q % 2 == 0: bounds.append(pos)
cuts = [bounds[len(bounds) * (i + 1) // n - 1] for i in range(n)]
start = 0
for i, c in enumerate(cuts):
    open('shard%02d.csv' % i, 'wb').write(data[start:c]); start = c
PY
"$py" split.py 5
i=0
for s in shard0?.csv; do
  # shellcheck disable=SC2086
  "$cleave" run $A --no-header --columns-from header.csv --input "$s" --output "$s.out" \
    --no-output-header --summary "$s.json" --threads 1 2>> shards.err || echo fail >> shards.err
  i=$((i + 1))
done
! grep -q fail shards.err; okd $? "5 shards run as filters, each with its summary" shards.err

"$cleave" merge --output merged.json shard*.csv.json > m.out 2> m.err
[ $? -eq 0 ] && [ ! -s m.err ] && [ ! -s m.out ]; okd $? "cleave merge: exit 0, silent" m.err
"$py" same.py merged.json single.json > diff.txt
okd $? "the merged summary equals the single run's but for timings, threads and names" diff.txt
[ "$("$py" -c 'import json; print(json.load(open("merged.json"))["rows_rejected"])')" -eq 2 ]
ok $? "  ... rejects summed (2 bad rows in two shards)"
if [ -f "$root/docs/summary.schema.json" ] && "$py" -c 'import jsonschema' 2> /dev/null; then
  "$py" -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open("merged.json")), json.load(open(sys.argv[1])))' \
    "$root/docs/summary.schema.json" > schema.err 2>&1
  okd $? "  ... and is valid against docs/summary.schema.json" schema.err
else
  skip "the merged summary against the schema" "no docs/summary.schema.json or python3-jsonschema"
fi
cat shard*.csv.out > joined.out
tail -n +2 single.csv | cmp -s - joined.out; ok $? "  ... and the shards' lines are the single run's"

# one file, one summary per line (JSON Lines), as `cat` gives them compacted
for f in shard*.csv.json; do "$py" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$f"; done > all.jsonl
"$cleave" merge all.jsonl > m2.json 2> m2.err
[ $? -eq 0 ] && "$py" same.py m2.json single.json; okd $? "one file of 5 JSON lines, to standard output: the same" m2.err
"$cleave" merge shard00.csv.json all.jsonl > m3.json 2> m3.err
[ $? -eq 0 ] && ! "$py" same.py m3.json single.json > /dev/null
okd $? "  ... a shard given twice is counted twice (merge sums what it is given)" m3.err

# --summary-format line: each shard's summary is one line; cat makes JSON Lines
for s in shard0?.csv; do
  # shellcheck disable=SC2086
  "$cleave" run $A --no-header --columns-from header.csv --input "$s" --output - \
    --no-output-header --summary "$s.line" --summary-format line > /dev/null 2>> line.err
done
[ "$(cat shard*.csv.line | wc -l)" -eq 5 ] && "$py" -c '
import json, sys
for l in open(sys.argv[1]): json.loads(l)' shard00.csv.line
okd $? "--summary-format line: one JSON line per shard" line.err
cat shard*.csv.line > lines.jsonl
"$cleave" merge lines.jsonl > m4.json 2> m4.err && "$py" same.py m4.json single.json
okd $? "  ... cat of them merged: the single run's summary" m4.err
printf '[output]\nsummary_format = line\n' > line.ini
"$cleave" run -c line.ini $(echo $A | sed "s/--no-config//") --input shard00.csv --no-header --columns-from header.csv \
  --output - --summary ini.line > /dev/null 2> li.err
[ "$(wc -l < ini.line)" -eq 1 ]; okd $? "  ... and with [output] summary_format = line" li.err

# --- refused -----------------------------------------------------------------------------
cp merged.json prev.json
# shellcheck disable=SC2086
"$cleave" run --no-config --rules "$rules" --plugins "$plugins" --as-of 2026-11-02 --no-header \
  --columns-from header.csv --input shard00.csv --output o.csv --summary other_day.json 2> /dev/null
"$cleave" merge --output merged.json shard01.csv.json other_day.json > r1.out 2> r1.err
[ $? -eq 5 ] && grep -q "other_day.json: shard 2: '2026-11-02' where the first shard has '2026-11-01' at as_of" r1.err &&
  cmp -s merged.json prev.json
okd $? "another as_of: exit 5 naming the file, shard and key; the output untouched" r1.err
sed 's/^micro "dormant"/micro "dormant2"/' "$rules" > other.lua
"$cleave" run --no-config --rules other.lua --plugins "$plugins" --as-of 2026-11-01 --no-header \
  --columns-from header.csv --input shard00.csv --output o.csv --summary other_rules.json 2> or.err
"$cleave" merge shard01.csv.json other_rules.json > r2.out 2> r2.err
[ $? -eq 5 ] && grep -q "other_rules.json: shard 2: .*sha256" r2.err
okd $? "other rules: exit 5 (their sha256 differs)" r2.err
"$py" -c '
import json; d = json.load(open("shard01.csv.json")); d["status"] = "failed"
json.dump(d, open("failed.json", "w"))'
"$cleave" merge shard00.csv.json failed.json > r3.out 2> r3.err
[ $? -eq 5 ] && grep -q "failed.json: shard 2: a failed run's summary" r3.err
okd $? "a failed shard: exit 5" r3.err
printf '{"rows_read": 1,' > broken.json
"$cleave" merge shard00.csv.json broken.json > r4.out 2> r4.err
[ $? -eq 5 ] && grep -q "broken.json:1: not a summary" r4.err; okd $? "broken JSON: exit 5 with file:line" r4.err
: > empty.json
"$cleave" merge empty.json > r5.out 2> r5.err
[ $? -eq 5 ] && grep -q "empty.json: empty" r5.err; okd $? "an empty file: exit 5" r5.err
mkfifo fifo.json
"$cleave" merge fifo.json > r6.out 2> r6.err
[ $? -eq 5 ] && grep -q "fifo.json: .*FIFO" r6.err; okd $? "a FIFO is refused at once (never read)" r6.err
"$cleave" merge > r7.out 2> r7.err
[ $? -eq 2 ]; okd $? "no file: exit 2" r7.err
"$cleave" merge --help > h.out 2>&1
[ $? -eq 0 ] && grep -q "cleave merge SUMMARY" h.out; okd $? "cleave merge --help" h.out
ln -s prev.json link.json
"$cleave" merge --output link.json shard*.csv.json 2> r8.err
[ $? -eq 0 ] && [ ! -L link.json ] && cmp -s prev.json prev.json && "$py" same.py link.json single.json
okd $? "an output that is a symlink is replaced, not followed" r8.err

done_testing
