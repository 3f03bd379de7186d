#!/bin/sh
# SPDX-License-Identifier: MIT
# t_manyrules.sh -- rule files with hundreds of generated micro segments
# (bench/gen_rules.py: retail-v1 + N random 2-4-test segments, so the same
# test recurs in many of them): the batch evaluator, which computes each
# distinct condition once per batch (engine/graph_canon.c) and writes a
# row's tags from its transposed membership, gives the row evaluator's
# output byte for byte, for 1 and 3 threads, and summary counts agree.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
ini=$root/tests/fixtures/e2e/retail.ini
. "$root/tests/tap.sh"

py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3 2> /dev/null)
[ -n "$py" ] || skip_all "python3 is needed for bench/gen_rules.py"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_manyrules.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
rows=4000
[ -n "$SAN" ] && rows=1500
"$build/tools/gen_retail" --rows "$rows" --seed 21 > in.csv || exit 1

run() { # NAME RULES FLAGS...
  name=$1
  rules=$2
  shift 2
  "$cleave" run -q -c "$ini" --plugins "$build/plugins" --rules "$rules" --input in.csv \
    --output "$name.out" --rejects "$name.rej" --summary "$name.json" "$@" 2> "$name.err"
  rc=$?
}

for n in 0 100 600; do
  for seed in 1 2; do
    "$py" "$root/bench/gen_rules.py" --segments $n --seed $seed --base "$root/scripts/retail_v1.lua" > r.lua || exit 1
    [ "$(grep -c '^micro "g' r.lua)" -eq $n ]; ok $? "gen_rules.py --segments $n --seed $seed writes $n segments"
    run row r.lua --evaluator row --threads 1
    rrc=$rc
    run b1 r.lua --threads 1
    b1rc=$rc
    run b3 r.lua --threads 3 --chunk-size 65536
    [ $rrc -eq 0 ] && [ $b1rc -eq 0 ] && [ $rc -eq 0 ] && cmp -s row.out b1.out && cmp -s row.out b3.out
    okd $? "  ... $((n + 28)) rules: batch (1 and 3 threads) and row evaluators write the same lines" b1.err
    "$py" -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(a.get("micro")!=b.get("micro") or a.get("macro")!=b.get("macro"))' row.json b1.json
    ok $? "  ... and the same counts in summary.json"
    # cross and overlap: the batch counts (popcounts or row by row, chosen per
    # batch; 16-bit batch counters) against the row evaluator's, row by row
    "$py" -c 'import json,sys; d=[json.load(open(f)) for f in sys.argv[1:]]; sys.exit(any(x.get(k)!=d[0].get(k) or k not in x for x in d[1:] for k in ("cross","overlap")))' row.json b1.json b3.json
    ok $? "  ... and the same cross and overlap counts (1 and 3 threads)"
  done
done
# a text field compared with more texts than a dictionary holds (63): the
# batch evaluator falls back to comparing texts, and agrees with the row one
{
  cat "$root/scripts/retail_v1.lua"
  printf 'micro "wide_set" { country:one_of {'
  i=0
  while [ $i -lt 70 ]; do printf '"X%d", ' $i; i=$((i + 1)); done
  printf '"GB", "US", "platinum_land" } }\n'
  printf 'micro "one_de" { country:is "DE", loyalty:one_of { "gold", "platinum" } }\n'
  printf 'micro "not_fr" { country:is_not "FR", interests:has_all { "tech", "gaming" } }\n'
} > wide.lua
run row wide.lua --evaluator row --threads 1
rrc=$rc
run b1 wide.lua --threads 2 --chunk-size 65536
[ $rrc -eq 0 ] && [ $rc -eq 0 ] && cmp -s row.out b1.out && grep -q wide_set b1.out && grep -q one_de b1.out
okd $? "71 texts for one field (no dictionary): batch and row evaluators write the same lines" b1.err
"$py" "$root/bench/gen_rules.py" --segments 5 --seed 9 --base "$root/scripts/retail_v1.lua" > a.lua
"$py" "$root/bench/gen_rules.py" --segments 5 --seed 9 --base "$root/scripts/retail_v1.lua" > b.lua
cmp -s a.lua b.lua; ok $? "gen_rules.py is deterministic for a seed"
done_testing
