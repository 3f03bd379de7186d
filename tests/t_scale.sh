#!/bin/sh
# SPDX-License-Identifier: MIT
# t_scale.sh -- the scale-out recipes of docs/scale.md (issue #11 item 3),
# each on 1M generated rows: GNU parallel (--pipe --block 16M --keep-order,
# 2 jobs) and Dask distributed (tools/dask_segment.py on a LocalCluster of 2
# workers on loopback, 4 partitions) give output byte-equal to a single run,
# and their merged shard summaries equal the single run's summary but for
# timings and threads. Each part skips with a message when its package
# (parallel, python3-distributed) is missing.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
rules=$root/scripts/retail_v1.lua
. "$root/tests/tap.sh"

py=/usr/bin/python3
[ -x "$py" ] || skip_all "/usr/bin/python3 is needed"
if [ "${SAN:-}" ]; then skip_all "the recipes run once, in the plain build (1M rows)"; fi
rows=${CLEAVE_SCALE_ROWS:-1000000}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_scale.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

"$build/tools/gen_retail" --rows "$rows" --seed 21 > in.csv || exit 1
A="--no-config --rules $rules --plugins $plugins --as-of 2026-11-01"
# shellcheck disable=SC2086
"$cleave" run $A --input in.csv --output single.csv --summary single.json 2> single.err
okd $? "the single run over $rows rows" single.err

cat > same.py <<'PY'
import json, sys
skip = {'seconds', 'threads', 'input', 'output'}
def clean(d):
    if isinstance(d, dict):
        return {k: clean(v) for k, v in d.items() if k not in skip}
    if isinstance(d, list):
        return [clean(v) for v in d]
    return d
a, b = (clean(json.load(open(p, encoding='utf-8'))) for p in sys.argv[1:3])
for k in sorted(set(a) | set(b)):
    if a.get(k) != b.get(k):
        print('# %s: %s != %s' % (k, str(a.get(k))[:200], str(b.get(k))[:200]))
sys.exit(a != b)
PY

# --- GNU parallel ---------------------------------------------------------------------
if command -v parallel > /dev/null 2>&1; then
  head -1 in.csv > header.csv
  # the output's header line: cleave's own, from the header alone
  # shellcheck disable=SC2086
  "$cleave" run $A --input header.csv --output - > par.csv
  # records may hold quoted newlines: a block may only end before a line that
  # starts a record, here "C<9 digits>," (the generator's ids; docs/scale.md)
  # shellcheck disable=SC2086
  tail -n +2 in.csv | parallel --pipe --block 16M --keep-order -j2 --regexp \
    --recstart 'C\d{9},' --recend '\n' \
    "$cleave" run $A --no-header --columns-from header.csv --input - --output - \
      --no-output-header --threads 1 --summary par.{#}.json >> par.csv 2> par.err
  okd $? "parallel --pipe --block 16M --keep-order -j2: exit 0" par.err
  cmp -s par.csv single.csv; ok $? "  ... the output is byte-equal to the single run's"
  note "parallel: $(ls par.*.json | wc -l) jobs"
  "$cleave" merge --output par_summary.json par.*.json 2> pm.err &&
    "$py" same.py par_summary.json single.json > pm.diff
  okd $? "  ... and cleave merge of its shard summaries equals the single run's summary" pm.diff
else
  skip "GNU parallel recipe" "parallel is not installed (apt-get install parallel)"
  skip "  ... byte-equal" "parallel is not installed"
  skip "  ... merged summary" "parallel is not installed"
fi

# --- Dask distributed ----------------------------------------------------------------------
if "$py" -c 'import dask.distributed' 2> /dev/null; then
  # shellcheck disable=SC2086
  "$py" "$root/tools/dask_segment.py" --cleave "$cleave" --local-workers 2 --partitions 4 \
    --output dask.csv --summary dask.json in.csv -- $A > dask.out 2> dask.err
  okd $? "tools/dask_segment.py on a LocalCluster of 2 workers, 4 partitions: exit 0" dask.err
  cmp -s dask.csv single.csv; ok $? "  ... the output is byte-equal to the single run's"
  "$py" same.py dask.json single.json > dm.diff
  okd $? "  ... and the merged summary equals the single run's" dm.diff
  # two input files, one header: the concatenation
  "$build/tools/gen_retail" --rows 20000 --seed 4 > a.csv
  "$build/tools/gen_retail" --rows 20000 --seed 5 | tail -n +2 > b.body
  head -1 a.csv > b.csv && cat b.body >> b.csv
  cat a.csv b.body > ab.csv
  # shellcheck disable=SC2086
  "$cleave" run $A --input ab.csv --output ab_single.csv 2> ab.err
  # shellcheck disable=SC2086
  "$py" "$root/tools/dask_segment.py" --cleave "$cleave" --local-workers 2 --partitions 3 \
    --output ab_dask.csv a.csv b.csv -- $A > /dev/null 2> abd.err
  [ $? -eq 0 ] && cmp -s ab_dask.csv ab_single.csv
  okd $? "  ... two input files: the single run over their concatenation" abd.err
else
  skip "Dask recipe" "python3-distributed is not installed (apt-get install python3-distributed)"
fi

done_testing
