#!/bin/sh
# SPDX-License-Identifier: MIT
# t_filter.sh -- cleave as a filter in somebody else's pipeline (issue #11
# item 1): records on stdin without a header row (--no-header, names from
# --columns or [input] columns), tagged lines on stdout without a header
# (--no-output-header), output written per chunk as it is ready (not at
# the end), input order kept at every thread count, and a stream split at
# any record boundary giving, shard by shard, the single run's lines;
# rejects to a side file or to standard error.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
rules=$root/scripts/retail_v1.lua
. "$root/tests/tap.sh"

py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3 2> /dev/null)
[ -n "$py" ] || skip_all "python3 is needed to split the input at record boundaries"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_filter.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

"$build/tools/gen_retail" --rows 40000 --seed 3 > in.csv || exit 1
head -1 in.csv > header.line
cols=$(tr -d '\r\n' < header.line)
# the body: every record after the header (some span lines: quoted newlines)
tail -n +2 in.csv > body.csv

A="--no-config --rules $rules --plugins $plugins --as-of 2026-11-01"
# shellcheck disable=SC2086
"$cleave" run $A --input in.csv --output single.csv --rejects single.rej 2> single.err
okd $? "the single run" single.err
tail -n +2 single.csv > single.body

# --- no header in, none out --------------------------------------------------------
# shellcheck disable=SC2086
"$cleave" run $A --no-header --columns "$cols" --input - --output - --no-output-header \
  --rejects f.rej < body.csv > f.out 2> f.err
[ $? -eq 0 ] && cmp -s f.out single.body
okd $? "--no-header --columns, --no-output-header on stdin/stdout: the single run's lines" f.err
[ ! -s f.err ]; okd $? "  ... silently" f.err
printf '[input]\nheader = no\ncolumns = customer_id, age\n[output]\nheader = no\n' > f.ini
printf 'C1,30\nC2,70\n' | "$cleave" run -c f.ini --rules "$root/tests/fixtures/filter/age.lua" \
  --input - --output - > fi.out 2> fi.err
[ $? -eq 0 ] && [ "$(cat fi.out)" = "$(printf 'C1,adult,\nC2,senior,old')" ]
okd $? "  ... and with [input] header = no, columns =, [output] header = no" fi.err
# a long header (inih's lines are at most 198 bytes): the names from a file's first row
printf '[input]\nheader = no\ncolumns_from = header.line\n[output]\nheader = no\n' > g.ini
"$cleave" run -c g.ini --rules "$rules" --plugins "$plugins" --as-of 2026-11-01 --input - \
  --output - < body.csv > fg.out 2> fg.err
[ $? -eq 0 ] && cmp -s fg.out single.body
okd $? "  ... columns_from = FILE: the names in the first row of FILE (relative to the ini)" fg.err
# shellcheck disable=SC2086
"$cleave" run $A --no-header --columns-from header.line --input - --output - --no-output-header \
  < body.csv > fc.out 2> fc.err
[ $? -eq 0 ] && cmp -s fc.out single.body; okd $? "  ... and --columns-from FILE" fc.err
# spaces around the names are dropped
spaced=$(printf '%s' "$cols" | sed 's/,/ , /g')
# shellcheck disable=SC2086
"$cleave" run $A --no-header --columns " $spaced " --input - --output - --no-output-header \
  < body.csv > fs.out 2> fs.err
cmp -s fs.out single.body; okd $? "  ... spaces around the names in --columns are dropped" fs.err

# --- a stream split at any record boundary ------------------------------------------
# split.py N: body.csv cut into N shards at record boundaries chosen at random
# (a line ends a record when the quotes so far are balanced)
cat > split.py <<'PY'
import random, sys
n = int(sys.argv[1]); random.seed(n)
data = open('body.csv', 'rb').read()
bounds, q, pos = [], 0, 0
for line in data.splitlines(keepends=True):
    q += line.count(b'"'); pos += len(line)
    if q % 2 == 0: bounds.append(pos)
cuts = sorted(random.sample(bounds[:-1], n - 1)) + [len(data)]
start = 0
for i, c in enumerate(cuts):
    open('shard%02d.csv' % i, 'wb').write(data[start:c]); start = c
PY
for k in 2 7 31; do
  rm -f shard*.csv
  "$py" split.py $k
  : > joined.out
  fail=0
  for s in shard*.csv; do
    # shellcheck disable=SC2086
    "$cleave" run $A --no-header --columns "$cols" --input - --output - --no-output-header \
      --threads 2 --chunk-size 4096 < "$s" >> joined.out 2> shard.err || fail=1
  done
  [ $fail -eq 0 ] && cmp -s joined.out single.body
  okd $? "$k shards cut at random record boundaries: their lines, in order, are the single run's" shard.err
done

# --- order at every thread count and chunk size ---------------------------------------
for t in 1 2 3; do
  # shellcheck disable=SC2086
  "$cleave" run $A --no-header --columns "$cols" --input - --output - --no-output-header \
    --threads $t --chunk-size 1000 < body.csv > t.out 2> t.err
  cmp -s t.out single.body; okd $? "--threads $t --chunk-size 1000: input order kept" t.err
done

# --- written as it is ready, not at the end ----------------------------------------------
# The writer sends the first half, then waits (up to 60 s) until cleave has
# written lines for it before it sends the rest and closes: a filter that
# held its output until the end of its input would never get there.
half=$("$py" -c "
d = open('body.csv','rb').read(); q = 0; pos = 0
for line in d.splitlines(keepends=True):
    q += line.count(b'\"'); pos += len(line)
    if q % 2 == 0 and pos > len(d) // 2: print(pos); break")
head -c "$half" body.csv > first.csv
tail -c +"$((half + 1))" body.csv > second.csv
mkfifo fifo
# shellcheck disable=SC2086
"$cleave" run $A --no-header --columns "$cols" --input fifo --output - --no-output-header \
  --chunk-size 65536 > s.out 2> s.err &
pid=$!
{
  cat first.csv
  i=0
  while [ ! -s s.out ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s s.out ] && echo early > early.flag
  cat second.csv
} > fifo
wait $pid
rc=$?
[ -f early.flag ]; okd $? "output appears while the input is still open (written per chunk)" s.err
[ $rc -eq 0 ] && cmp -s s.out single.body; okd $? "  ... and the whole output is the single run's" s.err

# --- rejects: a side file, or standard error ------------------------------------------------
{ head -c "$half" body.csv; printf 'C_BAD,only,three\n'; tail -c +"$((half + 1))" body.csv; } > bad.csv
# shellcheck disable=SC2086
"$cleave" run $A --no-header --columns "$cols" --input - --output - --no-output-header \
  --rejects side.rej < bad.csv > b.out 2> b.err
[ $? -eq 0 ] && cmp -s b.out single.body && grep -q '^[0-9]*,"has 3 fields, the header has [0-9]*","C_BAD,only,three"$' side.rej
okd $? "a bad record goes to the side file (--rejects FILE), the output is untouched" b.err
# shellcheck disable=SC2086
"$cleave" run $A --no-header --columns "$cols" --input - --output - --no-output-header \
  --rejects /dev/stderr < bad.csv > b2.out 2> b2.err
[ $? -eq 0 ] && cmp -s b2.out single.body && grep -q '"C_BAD,only,three"$' b2.err
okd $? "  ... or to standard error with --rejects /dev/stderr" b2.err

# --- mistakes ------------------------------------------------------------------------------
# shellcheck disable=SC2086
"$cleave" run $A --no-header --input - --output - < body.csv > e1.out 2> e1.err
[ $? -eq 3 ] && grep -q "needs its column names: pass --columns a,b,c or --columns-from FILE" e1.err
okd $? "--no-header without --columns: exit 3, saying what to pass" e1.err
# shellcheck disable=SC2086
"$cleave" run $A --columns "$cols" --input in.csv --output - > e2.out 2> e2.err
[ $? -eq 3 ] && grep -q "columns is for an input without a header row: pass --no-header" e2.err
okd $? "--columns without --no-header: exit 3" e2.err
# shellcheck disable=SC2086
"$cleave" run $A --no-header --columns "customer,age" --input - --output - < body.csv > e3.out 2> e3.err
[ $? -eq 3 ] && grep -q "no column 'customer_id' for the customer id (did you mean 'customer'?)" e3.err
okd $? "--columns without the id column: exit 3 with a suggestion" e3.err
# shellcheck disable=SC2086
"$cleave" run $A --no-header --columns "customer_id,,age" --input - --output - < body.csv > e4.out 2> e4.err
[ $? -eq 3 ] && grep -q "name 2 of 3 is empty" e4.err; okd $? "an empty name: exit 3" e4.err
# shellcheck disable=SC2086
"$cleave" run $A --no-header --columns "customer_id,age,age" --input - --output - < body.csv > e5.out 2> e5.err
[ $? -eq 3 ] && grep -q "'age' is named twice (names 2 and 3)" e5.err; okd $? "a repeated name: exit 3" e5.err
# shellcheck disable=SC2086
"$cleave" run $A --no-header --columns "$(printf '%s' "$cols" | sed 's/,age,/,years,/')" --input - \
  --output - < body.csv > e6.out 2> e6.err
[ $? -eq 4 ] && grep -q "'age'" e6.err; okd $? "a rule column missing from --columns: the rule error (exit 4)" e6.err
# check and explain read such input too
# shellcheck disable=SC2086
id=$(head -1 single.body | cut -d, -f1)
# shellcheck disable=SC2086
"$cleave" explain $A --no-header --columns "$cols" --input body.csv "$id" > x.out 2> x.err
[ $? -eq 0 ] && grep -q "$id" x.out; okd $? "explain reads an input without a header" x.err
# shellcheck disable=SC2086
"$cleave" check $A --no-header --columns "$cols" --input body.csv --sample 500 > c.out 2>&1
[ $? -eq 0 ]; okd $? "check --sample reads an input without a header" c.out

done_testing
