#!/bin/sh
# SPDX-License-Identifier: MIT
# t_formats.sh -- --format wide|long|jsonl (issue #9 item 1) against the
# Python reference (tools/retail_ref.py --format, written from the README,
# not from cleave's code) on generated data, for every evaluator and thread
# count; jsonl parsed line by line with Python's json; ids with commas,
# quotes, control characters and bytes that are not UTF-8.
#
# Needs $CLEAVE_BUILD (cleave, tools/gen_retail, plugins) and python3. Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
gen=$build/tools/gen_retail
ref=$root/tools/retail_ref.py
. "$root/tests/tap.sh"
py=/usr/bin/python3
[ -x "$py" ] || skip_all "/usr/bin/python3 not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_formats.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1

"$gen" --rows 6000 --seed 5 > in.csv || exit 1
crun() {
  "$cleave" run --no-config -q --rules "$root/scripts/retail_v1.lua" --plugins "$build/plugins" \
    --as-of 2026-11-01 --input in.csv "$@"
}

# --- each format, against the reference, every way of running -----------------
for f in wide long jsonl; do
  "$py" "$ref" --format $f in.csv > ref.$f 2> ref.err
  okd $? "reference writes --format $f" ref.err
  for how in "--threads 1" "--threads 2" "--threads 2 --chunk-size 65536" "--evaluator row --threads 2"; do
    # shellcheck disable=SC2086
    crun --format $f --output out.$f $how 2> run.err
    rc=$?
    if [ $f = jsonl ]; then
      # same objects, same key order (Python's json.dumps escapes differently)
      "$py" -c '
import json, sys
a = [list(json.loads(l, object_pairs_hook=lambda p: p)) for l in open(sys.argv[1], encoding="utf-8")]
b = [list(json.loads(l, object_pairs_hook=lambda p: p)) for l in open(sys.argv[2], encoding="utf-8")]
sys.exit(0 if a == b and len(a) == 6000 else 1)' out.$f ref.$f > cmp.err 2>&1
    else
      cmp out.$f ref.$f > cmp.err 2>&1
    fi
    [ $rc -eq 0 ] && [ $? -eq 0 ]
    okd $? "--format $f $how: equal to the reference" cmp.err
  done
done

# long: one macro line per split, one micro line per membership
lines=$(($(wc -l < out.long) - 1))
want=$("$py" -c '
import sys
n = 0
for i, l in enumerate(open(sys.argv[1])):
    if i == 0: continue
    f = l.rstrip("\n").split(",")
    n += 4 + (len(f[5].split(";")) if f[5] else 0)
print(n)' out.wide)
[ "$lines" = "$want" ] && [ "$(head -1 out.long)" = "customer_id,kind,name,value" ]
ok $? "long: header customer_id,kind,name,value and 4 + memberships lines per customer ($lines)"

# --- jsonl is valid JSON for any id bytes --------------------------------------
printf 'local a = number "a"\nlocal band = macro "band" { { "low", a:below(5) }, otherwise = "high" }\nmicro "big" { a:above(7) }\nmicro "any" { a:above(-1) }\n' > r.lua
printf 'id,a\n"x,1",1\n"q""uote",9\n"tab\there",3\n"nl\nid",8\nbad\377\376id,2\n"ctl\001\037\177",6\n"\\back",1\n' > odd.csv
"$cleave" run --no-config -q --rules r.lua --input odd.csv --id-column id --format jsonl --output odd.jsonl 2> odd.err
rc=$?
"$py" -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8", errors="strict")]
ids = [r["id"] for r in rows]
want = ["x,1", "q\"uote", "tab\there", "nl\nid", "bad\ufffd\ufffdid", "ctl\x01\x1f\x7f", "\\back"]
assert ids == want, ids
assert rows[1] == {"id": "q\"uote", "band": "high", "segments": ["big", "any"]}, rows[1]
assert all(list(r) == ["id", "band", "segments"] for r in rows)
' odd.jsonl > odd.py 2>&1
[ $rc -eq 0 ] && [ $? -eq 0 ] && [ "$(wc -l < odd.jsonl)" -eq 7 ]
okd $? "jsonl: quotes, tabs, newlines, control bytes and invalid UTF-8 (as U+FFFD) give valid JSON, one line each" odd.py

"$cleave" run --no-config -q --rules r.lua --input odd.csv --id-column id --format long --output odd.long 2> /dev/null
"$py" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
assert rows[0] == ["id", "kind", "name", "value"], rows[0]
assert rows[1] == ["x,1", "macro", "band", "low"], rows[1]
assert rows[2] == ["x,1", "micro", "any", "1"], rows[2]
assert ["nl\nid", "micro", "big", "1"] in rows
assert ["bad\ufffd\ufffdid", "macro", "band", "low"] in rows
' odd.long > odd2.py 2>&1
okd $? "long: awkward ids RFC 4180 quoted, invalid UTF-8 as U+FFFD" odd2.py

# --- the output dialect, the ini key, bad values -------------------------------
"$cleave" run --no-config -q --rules r.lua --input odd.csv --id-column id --format long --crlf \
  --output-delimiter semicolon --output-bom --output dial.long 2> /dev/null
head -c 3 dial.long | od -An -tx1 | grep -q 'ef bb bf' && sed -n 2p dial.long | od -c | grep -q '\\r  \\n' &&
  sed -n 2p dial.long | grep -q '^x,1;macro;band;low'
ok $? "long honours --output-delimiter, --crlf and --output-bom"
"$cleave" run --no-config -q --rules r.lua --input odd.csv --id-column id --format jsonl --crlf \
  --output-bom --output dial.jsonl 2> /dev/null
[ "$(head -c 1 dial.jsonl)" = "{" ] && "$py" -c '
import json, sys
d = open(sys.argv[1], "rb").read()
assert d.endswith(b"]}\r\n")
for l in d.decode().splitlines(): json.loads(l)' dial.jsonl
ok $? "jsonl: no BOM even with --output-bom (each line is a document), CRLF honoured"

printf '[engine]\nrules = r.lua\n[input]\npath = odd.csv\nid_column = id\n[output]\npath = ini.jsonl\nformat = jsonl\n' > f.ini
"$cleave" run -q -c f.ini 2> /dev/null && [ "$(wc -l < ini.jsonl)" -eq 7 ] && head -1 ini.jsonl | grep -q '^{"id":"x,1"'
ok $? "[output] format = jsonl"
printf '[engine]\nrules = r.lua\n[output]\nformat = xml\n' > bad.ini
"$cleave" run -q -c bad.ini 2> bad.err
[ $? -eq 3 ] && grep -q "format" bad.err
okd $? "[output] format = xml: exit 3 naming the key" bad.err
"$cleave" run --no-config -q --rules r.lua --input odd.csv --format csv 2> bad2.err
[ $? -eq 2 ] && grep -q "wide, long or jsonl" bad2.err
okd $? "--format csv: exit 2, the three choices named" bad2.err

done_testing
