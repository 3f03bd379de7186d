#!/bin/sh
# SPDX-License-Identifier: MIT
# t_summary.sh -- summary.json v1 (docs/summary.md): the counts against the
# independent reference tools/retail_ref.py (macro, micro, macro x micro
# "cross", micro x micro "overlap"), the same from both evaluators, thread
# counts and chunk sizes; rejects by reason; list files' sha256; the cap on
# detail micros; the summary of a failed run (status, reason, exit code; the
# previous run's other files kept; none while another run holds the lock);
# the schema (docs/summary.schema.json) accepting every summary written here
# and refusing broken ones.
#
# Needs $CLEAVE_BUILD. /usr/bin/python3 (and python3-jsonschema for the
# schema) are optional: those checks are skipped without them.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
gen=$build/tools/gen_retail
ref=$root/tools/retail_ref.py
ini=$root/tests/fixtures/e2e/retail.ini
py=/usr/bin/python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_summary.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1
. "$root/tests/tap.sh"

# cl NAME ARGS...: cleave run -q ARGS, stderr in NAME.err, status in $rc
cl() {
  cl_n=$1
  shift
  "$cleave" run -q "$@" > "$cl_n.out" 2> "$cl_n.err"
  rc=$?
}
# jget FILE EXPR: a value of the summary (python expression on d)
jget() {
  "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

have_py=0
[ -x "$py" ] && have_py=1

# --- 1. counts against the reference ------------------------------------------
"$gen" --rows 20000 --seed 3 --ragged 4 > in.csv
for v in "batch 1 1048576" "batch 2 4096" "row 2 65536"; do
  set -- $v
  cl "run_$1_$2_$3" -c "$ini" --plugins "$plugins" --input in.csv --output "o_$1_$2_$3.csv" \
    --rejects "r_$1_$2_$3.csv" --summary "s_$1_$2_$3.json" --evaluator "$1" --threads "$2" \
    --chunk-size "$3"
  okd $rc "run ($1 evaluator, $2 threads, $3-byte chunks) writes a summary" "run_$1_$2_$3.err"
done
if [ $have_py = 1 ]; then
  "$py" "$ref" --skip-bad --counts ref.json in.csv > ref.out 2> ref.err
  okd $? "retail_ref.py --counts ran" ref.err
  for s in s_batch_1_1048576 s_batch_2_4096 s_row_2_65536; do
    "$py" - "$s.json" ref.json > "$s.cmp" 2>&1 <<'EOF'
import json, sys
got, want = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = []
if got["rows_written"] != want["rows"]:
    bad.append("rows_written %d, reference %d" % (got["rows_written"], want["rows"]))
for m, vals in got["macro"].items():
    for v, n in vals.items():
        if n != want["macro"][m].get(v, 0):
            bad.append("macro %s=%s: %d, reference %d" % (m, v, n, want["macro"][m].get(v, 0)))
for k, n in got["micro"].items():
    if n != want["micro"].get(k, 0):
        bad.append("micro %s: %d, reference %d" % (k, n, want["micro"].get(k, 0)))
cells = 0
for m, vals in got["cross"].items():
    for v, row in vals.items():
        for k, n in row.items():
            cells += 1
            w = want["cross"][m].get(v, {}).get(k, 0)
            if n != w:
                bad.append("cross %s=%s x %s: %d, reference %d" % (m, v, k, n, w))
if cells != 20 * 24:
    bad.append("cross has %d cells, expected 20 values x 24 segments" % cells)
pairs = {a + "|" + b: n for a, b, n in got["overlap"]}
if pairs != want["overlap"]:
    for k in sorted(set(pairs) | set(want["overlap"])):
        if pairs.get(k) != want["overlap"].get(k):
            bad.append("overlap %s: %s, reference %s" % (k, pairs.get(k), want["overlap"].get(k)))
if len(pairs) < 100:
    bad.append("only %d overlapping pairs: the sample is too small to test" % len(pairs))
print("\n".join(bad[:10]))
sys.exit(1 if bad else 0)
EOF
    okd $? "$s: macro, micro, cross (480 cells) and overlap equal retail_ref.py's" "$s.cmp"
  done
  grep -v '"seconds"\|"output"\|"threads"' s_batch_1_1048576.json > a.cmp
  grep -v '"seconds"\|"output"\|"threads"' s_row_2_65536.json > b.cmp
  cmp -s a.cmp b.cmp
  ok $? "the row evaluator's summary equals the batch evaluator's (but time, output, threads)"
  [ "$(jget s_batch_2_4096.json 'd["rejects_by_reason"]["field_count"]')" = 4 ] &&
    [ "$(jget s_batch_2_4096.json 'd["rows_rejected"]')" = 4 ]
  ok $? "4 ragged rows: rejects_by_reason.field_count 4"
  [ "$(jget s_batch_1_1048576.json 'd["rules_sha256"]')" = \
    "$(sha256sum < "$root/scripts/retail_v1.lua" | cut -d' ' -f1)" ]
  ok $? "rules_sha256 is the rule file's sha256"
else
  skip "counts against retail_ref.py" "/usr/bin/python3 not found"
fi

# --- 2. rejects by reason -------------------------------------------------------
cat > r.lua <<'EOF'
local age = number "age"
micro "adult" { age:above(17) }
EOF
printf 'customer_id,age\nA,30\nB,1,2\n,40\nC,"5"x\nD,20\n' > rej.csv
cl rej --rules r.lua --input rej.csv --output rej.out.csv --rejects rej.rej --summary rej.json
if [ $have_py = 1 ]; then
  [ $rc -eq 0 ] && [ "$(jget rej.json 'd["rejects_by_reason"]')" = \
    "{'field_count': 1, 'empty_id': 1, 'quoting': 1, 'field_too_large': 0}" ] &&
    [ "$(jget rej.json 'd["rows_read"], d["rows_written"], d["rows_rejected"]')" = "(5, 2, 3)" ]
  okd $? "a ragged row, an empty id, bad quoting: one reject of each reason" rej.err
else
  skip "rejects by reason" "/usr/bin/python3 not found"
fi

# --- 3. list files' sha256 ------------------------------------------------------
mkdir -p lists
printf 'GB\nIE\n' > lists/uk.txt
printf 'x\n' > lists/unused.txt
cat > l.lua <<'EOF'
local country = text "country"
micro "uk" { country:one_of(list "lists/uk.txt") }
micro "uk2" { country:one_of(list "lists/uk.txt") }
EOF
printf 'customer_id,country\nA,GB\nB,FR\n' > l.csv
cl list --rules l.lua --input l.csv --output l.out.csv --summary l.json
if [ $have_py = 1 ]; then
  [ $rc -eq 0 ] && [ "$(jget l.json '[(f["path"], f["sha256"]) for f in d["lists"]]')" = \
    "[('lists/uk.txt', '$(sha256sum < lists/uk.txt | cut -d' ' -f1)')]" ]
  okd $? "lists: the list file read (twice) is listed once, with its sha256" list.err
else
  skip "list sha256" "/usr/bin/python3 not found"
fi

# --- 4. the cap on detail micros ------------------------------------------------
cat > many.lua <<'EOF'
local age = number "age"
for i = 1, 1003 do micro("m" .. i) { age:above(i - 2), age:below(i + 1) } end
EOF
# each customer is in m(age) and m(age+1); D's pair m1001-m1002 is beyond the cap
printf 'customer_id,age\nA,1\nB,500\nC,999\nD,1001\n' > many.csv
cl many --rules many.lua --input many.csv --output many.out.csv --summary many.json
if [ $have_py = 1 ]; then
  [ $rc -eq 0 ] &&
    [ "$(jget many.json 'd["detail_micros"], len(d["micro"]), d["micro"]["m1002"]')" = \
      "({'counted': 1000, 'omitted': 3}, 1003, 1)" ] &&
    [ "$(jget many.json 'sorted((a, b) for a, b, n in d["overlap"])')" = \
      "[('m1', 'm2'), ('m500', 'm501'), ('m999', 'm1000')]" ]
  okd $? "1003 micros: overlap of the first 1000 only (m1001-m1003 omitted), 3 said omitted" many.err
else
  skip "detail cap" "/usr/bin/python3 not found"
fi

# --- 5. failed runs ---------------------------------------------------------------
mkdir f
cl ok1 -c "$ini" --plugins "$plugins" --input in.csv --output f/out.csv --rejects f/rej.csv \
  --summary f/sum.json
cp f/out.csv f/out.keep
cp f/rej.csv f/rej.keep
printf 'micro "x" { nope "y" }\n' > bad.lua
cl bad1 --rules bad.lua --plugins "$plugins" --input in.csv --output f/out.csv --rejects f/rej.csv \
  --summary f/sum.json
if [ $have_py = 1 ]; then
  [ $rc -eq 4 ] && [ "$(jget f/sum.json 'd["status"], d["exit_code"]')" = "('failed', 4)" ] &&
    grep -q "$(jget f/sum.json 'd["reason"][:30]')" bad1.err &&
    [ "$(jget f/sum.json 'd["rules_sha256"]')" = "$(sha256sum < bad.lua | cut -d' ' -f1)" ] &&
    [ "$(jget f/sum.json '"rows_read" in d')" = False ]
  okd $? "a rule error: summary status failed, exit_code 4, the reason logged, the bad file's hash" bad1.err
else
  skip "failed summary" "/usr/bin/python3 not found"
fi
cmp -s f/out.keep f/out.csv && cmp -s f/rej.keep f/rej.csv
ok $? "  ... the previous run's output and rejects are kept"
ls f | grep '\.tmp\.' > tmpfiles
[ ! -s tmpfiles ]
okd $? "  ... no temporary file is left" tmpfiles
cp f/sum.json f/sum.failed1
# max_rejects: the rows were read, their accounting is in the failed summary
printf '[engine]\nrules = %s\nas_of = 2026-11-01\n[input]\nmax_rejects = 1\n' \
  "$root/scripts/retail_v1.lua" > mr.ini
cl mr -c mr.ini --plugins "$plugins" --input in.csv --output f/out.csv --rejects f/rej.csv \
  --summary f/sum.json
if [ $have_py = 1 ]; then
  [ $rc -eq 5 ] &&
    [ "$(jget f/sum.json 'd["status"], d["exit_code"], d["rows_rejected"], d["rows_read"]')" = \
      "('failed', 5, 4, 20000)" ] &&
    [ "$(jget f/sum.json 'd["rejects_by_reason"]["field_count"], "macro" in d')" = "(4, False)" ]
  okd $? "max_rejects: summary failed (exit_code 5) with rows read and rejects by reason" mr.err
else
  skip "max_rejects summary" "/usr/bin/python3 not found"
fi
cmp -s f/out.keep f/out.csv && cmp -s f/rej.keep f/rej.csv && [ -f f/rej.csv.failed ]
ok $? "  ... output and rejects kept, the rejected rows in rej.csv.failed"
# an input that cannot be read
cl noin -c "$ini" --plugins "$plugins" --input nosuch.csv --output f/out.csv --rejects f/rej.csv \
  --summary f/sum.json
if [ $have_py = 1 ]; then
  [ $rc -eq 5 ] && [ "$(jget f/sum.json 'd["status"], d["exit_code"]')" = "('failed', 5)" ]
  okd $? "a missing input: summary failed, exit_code 5" noin.err
else
  skip "missing input summary" "/usr/bin/python3 not found"
fi
# another run holds the lock: its summary is left alone
cp f/sum.json f/sum.before
if command -v flock > /dev/null 2>&1; then
  flock f/out.csv.lock -c "'$cleave' run -q --rules bad.lua --input in.csv --output f/out.csv \
    --rejects f/rej.csv --summary f/sum.json 2> locked.err; echo \$? > locked.rc"
  [ "$(cat locked.rc)" = 4 ] && cmp -s f/sum.before f/sum.json
  okd $? "a rule error while another run holds the lock: exit 4, that run's summary not touched" locked.err
  flock f/out.csv.lock -c "'$cleave' run -q -c '$ini' --plugins '$plugins' --input in.csv \
    --output f/out.csv --rejects f/rej.csv --summary f/sum.json 2> locked.err; echo \$? > locked.rc"
  [ "$(cat locked.rc)" = 8 ] && cmp -s f/sum.before f/sum.json
  okd $? "the lock held by another run: exit 8, the summary is not touched" locked.err
else
  skip "lock held" "flock(1) not found"
fi
# the next good run replaces the failed summary
cl ok2 -c "$ini" --plugins "$plugins" --input in.csv --output f/out.csv --rejects f/rej.csv \
  --summary f/sum.json
[ $rc -eq 0 ] && grep -q '"status": "ok"' f/sum.json
okd $? "the next good run's summary says ok" ok2.err
# a config error knows no summary path for sure: none is written
printf '[engine]\nthreads = lots\n[output]\nsummary = %s/cfg.json\n' "$tmp" > bad.ini
cl cfg -c bad.ini --input in.csv --output cfg.csv
[ $rc -eq 3 ] && [ ! -e cfg.json ]
okd $? "an invalid engine.ini: exit 3, no summary" cfg.err

# --- 6. the schema ----------------------------------------------------------------
check_summaries "$tmp"
if [ $have_py = 1 ] && "$py" -c 'import jsonschema' 2> /dev/null; then
  broken() { # DESC EXPR: the summary changed by EXPR (on d) must be refused
    "$py" -c 'import json,sys
d = json.load(open(sys.argv[1])); exec(sys.argv[2]); json.dump(d, open(sys.argv[3], "w"))' \
      s_batch_1_1048576.json "$2" broken.json &&
      ! "$py" "$root/tests/validate_summary.py" broken.json > broken.msg 2>&1
    okd $? "the validator refuses a summary with $1" broken.msg
  }
  broken "no schema_version" 'del d["schema_version"]'
  broken "status ok and no cross" 'del d["cross"]'
  broken "status failed and no reason" 'd["status"] = "failed"'
  broken "a bad sha256" 'd["rules_sha256"] = "abc"'
  broken "a negative count" 'd["micro"]["dormant"] = -1'
  broken "cross not adding up to a segment" 'd["cross"]["market"]["emea"]["dormant"] += 1'
  broken "rejects not adding up" 'd["rejects_by_reason"]["quoting"] += 1'
else
  skip "the validator refuses broken summaries" "python3-jsonschema not installed"
fi

done_testing
