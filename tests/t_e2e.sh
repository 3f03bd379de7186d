#!/bin/sh
# SPDX-License-Identifier: MIT
# t_e2e.sh -- `cleave run` end to end: the hand-checked fixture, its CSV
# dialects, generated files against tools/retail_ref.py, pipes, rejects,
# max_rejects, atomic outputs, the lock, a test plugin, --help/--version.
#
# Needs $CLEAVE_BUILD (the build directory: cleave, plugins/, tools/,
# tests/plugins/). python3 is optional (the checks against the reference and
# the JSON checks are skipped without it), flock(1) too. Prints TAP; a known
# engine bug is a TODO test.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
gen=$build/tools/gen_retail
ref=$root/tools/retail_ref.py
fix=$root/tests/fixtures
e2e=$fix/e2e
edge=$fix/retail_edge.csv
want=$fix/retail_edge.expected.csv
ini=$e2e/retail.ini # the retail-v1 rules with no paths of its own

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_e2e.XXXXXX") || exit 1
bgpids=""
cleanup() {
  for p in $bgpids; do kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Run where no engine.ini can be picked up by accident (cleave reads
# ./engine.ini when no -c is given).
cd "$tmp" || exit 1

. "$root/tests/tap.sh" # ok, okd, skip, diag, done_testing
# cl NAME ARGS...: cleave run -q ARGS; stdout in $tmp/NAME.stdout, stderr in
# $tmp/NAME.stderr, exit status in $rc.
cl() {
  cl_name=$1
  shift
  "$cleave" run -q "$@" > "$tmp/$cl_name.stdout" 2> "$tmp/$cl_name.stderr"
  rc=$?
}
# run_eq DESC WANT OUT ARGS...: cleave run ARGS exits 0 and OUT equals WANT.
run_eq() {
  re_desc=$1 re_want=$2 re_out=$3
  shift 3
  [ "$re_out" = "-" ] || rm -f "$re_out"
  cl last "$@"
  [ "$re_out" = "-" ] && re_out=$tmp/last.stdout
  [ $rc -eq 0 ] && cmp -s "$re_want" "$re_out"
  re_st=$?
  ok $re_st "$re_desc"
  if [ $re_st -ne 0 ]; then
    echo "# exit status $rc"
    diag "$tmp/last.stderr"
    [ -f "$re_out" ] && diff "$re_want" "$re_out" | head -n 10 | sed 's/^/# /'
  fi
  crashed "$re_out" "$tmp/last.stderr"
}
# crashed OUT STDERR: after a run killed by a signal or stopped by a
# sanitizer, remove the temporary files it could not clean up (so the final
# no-*.tmp.* check is about runs that ended normally).
crashed() {
  if [ "$1" != "-" ] && { [ $rc -gt 128 ] ||
    grep -q 'runtime error:\|ERROR: AddressSanitizer' "$2" 2>/dev/null; }; then
    echo "# the run crashed (exit status $rc); removing its temporary files"
    rm -f "$1".tmp.* "$1".rejects.csv.tmp.*
  fi
}
# json_num FILE KEY: the number after "KEY": in a summary.json.
json_num() {
  sed -n "s/^ *\"$2\": *\([0-9][0-9]*\),*\$/\1/p" "$1"
}
# lines FILE: number of lines.
lines() {
  wc -l < "$1" | tr -d ' '
}

have_py=0
command -v python3 >/dev/null 2>&1 && have_py=1

for f in "$cleave" "$gen"; do
  if [ ! -x "$f" ]; then
    ok 1 "not built: $f"
    done_testing
  fi
done

# --- the hand-checked fixture, with the repository's engine.ini -------------
# Every path engine.ini names is overridden, so nothing is written to out/.
fx=$tmp/fx
mkdir "$fx"
"$cleave" run -c "$root/engine.ini" --plugins "$plugins" --input "$edge" \
  --output "$fx/out.csv" --rejects "$fx/rej.csv" --summary "$fx/sum.json" \
  --audiences "$fx/aud" --report "$fx/report.html" > "$fx/stdout" 2> "$fx/stderr"
rc=$?
ok $rc "fixture with engine.ini: exit status 0"
[ $rc -eq 0 ] || diag "$fx/stderr"
cmp -s "$want" "$fx/out.csv"
st=$?
ok $st "fixture: output equals retail_edge.expected.csv byte for byte"
[ $st -eq 0 ] || diff "$want" "$fx/out.csv" 2>&1 | head -n 10 | sed 's/^/# /'
printf 'line,reason,record\n' > "$tmp/rej_header"
cmp -s "$tmp/rej_header" "$fx/rej.csv"
ok $? "fixture: the rejects file holds just its header"
[ "$(json_num "$fx/sum.json" rows_read)" = 59 ] &&
  [ "$(json_num "$fx/sum.json" rows_written)" = 59 ] &&
  [ "$(json_num "$fx/sum.json" rows_rejected)" = 0 ]
ok $? "fixture: summary.json has rows_read 59, rows_written 59, rows_rejected 0"
[ ! -s "$fx/stderr" ]
okd $? "fixture: a good run says nothing on stderr when it is not a terminal (cron)" "$fx/stderr"
"$cleave" run --verbose -c "$root/engine.ini" --plugins "$plugins" --input "$edge" \
  --output "$fx/outv.csv" --rejects "$fx/rejv.csv" --summary "$fx/sumv.json" \
  --audiences "$fx/audv" --report "$fx/reportv.html" 2> "$fx/stderr.v"
grep -q '59 rows read, 59 written, 0 rejected' "$fx/stderr.v"
okd $? "fixture: with --verbose the run reports '59 rows read, 59 written, 0 rejected' on stderr" "$fx/stderr.v"
[ ! -s "$fx/stdout" ]
ok $? "fixture: nothing on stdout when the output is a file"

# Summary counts against counts computed from the expected CSV.
summary_counts() { # SUMMARY EXPECTED-CSV
  python3 - "$1" "$2" <<'EOF'
import csv, json, sys
from collections import Counter
s = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
bad = []
macros = [k for k in rows[0] if k not in ("customer_id", "segments")]
if sorted(s["macro"]) != sorted(macros):
    bad.append("macro splits %s, expected CSV has %s" % (sorted(s["macro"]), macros))
for m in macros:
    got = {k: v for k, v in s["macro"].get(m, {}).items() if v}
    exp = dict(Counter(r[m] for r in rows))
    if got != exp:
        bad.append("%s: summary %s, expected CSV %s" % (m, got, exp))
got = {k: v for k, v in s["micro"].items() if v}
exp = dict(Counter(t for r in rows for t in r["segments"].split(";") if t))
if got != exp:
    bad.append("micro: summary %s, expected CSV %s" % (got, exp))
if s["rows_written"] != len(rows):
    bad.append("rows_written %s, expected CSV has %d rows" % (s["rows_written"], len(rows)))
if bad:
    print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}
if [ $have_py -eq 1 ]; then
  summary_counts "$fx/sum.json" "$want" > "$tmp/counts.err" 2>&1
  okd $? "fixture: per-split and per-segment counts in summary.json equal the expected CSV's" \
    "$tmp/counts.err"
else
  skip "fixture: per-segment counts in summary.json" "python3 not found"
fi

# Threads and chunk sizes (64 bytes is shorter than a row).
for t in 1 2 4; do
  for c in 64 1000 default; do
    copt=""
    [ $c = default ] || copt="--chunk-size $c"
    # shellcheck disable=SC2086
    run_eq "fixture: --threads $t, chunk size $c" "$want" "$fx/o.csv" \
      -c "$root/engine.ini" --plugins "$plugins" --input "$edge" --output "$fx/o.csv" \
      --rejects "$fx/r.csv" --summary "$fx/s.$t.$c.json" --audiences "$fx/a.$t.$c" --report "$fx/rp.$t.$c.html" --threads $t $copt
  done
done
strip_run() { grep -v '"seconds"\|"threads"\|"output"' "$1"; }
strip_run "$fx/s.1.default.json" > "$tmp/s1"
strip_run "$fx/s.4.64.json" > "$tmp/s4"
cmp -s "$tmp/s1" "$tmp/s4"
ok $? "fixture: summary counts at 4 threads / 64-byte chunks equal those at 1 thread"
[ "$(ls "$fx/a.1.default" | wc -l)" -eq 24 ] && diff -r "$fx/a.1.default" "$fx/a.4.64" > /dev/null &&
  diff -r "$fx/a.1.default" "$fx/a.2.1000" > /dev/null
ok $? "fixture: engine.ini's 24 audience files equal at 1, 2 and 4 threads, every chunk size"
diff "$tmp/s1" "$tmp/s4" > "$tmp/sdiff" 2>&1 || diag "$tmp/sdiff"

# --- dialects of the fixture -------------------------------------------------
d=$tmp/dialect
mkdir "$d"
sed 's/$/\r/' "$edge" > "$d/crlf.csv"
{ printf '\357\273\277'; cat "$edge"; } > "$d/bom.csv"
{ sed '$d' "$edge"; tail -n 1 "$edge" | tr -d '\n'; } > "$d/nofinal.csv"
{
  printf '\357\273\277'
  sed '$d' "$d/crlf.csv"
  tail -n 1 "$edge" | tr -d '\n'
} > "$d/all.csv"
[ "$(tail -c 2 "$d/crlf.csv" | od -An -c | tr -d ' ')" = '\r\n' ] &&
  [ "$(tail -c 1 "$d/nofinal.csv")" = "," ] &&
  [ "$(head -c 3 "$d/all.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] &&
  [ "$(tail -c 1 "$d/all.csv")" = "," ]
ok $? "dialect files made as intended (CRLF, BOM, no final newline)"
for v in crlf bom nofinal all; do
  run_eq "dialect $v: same output as the plain fixture" "$want" "$d/o.csv" \
    -c "$ini" --plugins "$plugins" --input "$d/$v.csv" --output "$d/o.csv"
  run_eq "dialect $v: same output at 2 threads, 64-byte chunks" "$want" "$d/o.csv" \
    -c "$ini" --plugins "$plugins" --input "$d/$v.csv" --output "$d/o.csv" \
    --threads 2 --chunk-size 64
done

# RFC 4180: spaces are part of a field. ' urban ' is not 'urban', so row
# C000000003 loses young_urban_loyalists (as in retail_ref.py).
sed '4s/,urban,/, urban ,/' "$edge" > "$d/spaces.csv"
sed '4s/young_urban_loyalists;//' "$want" > "$d/spaces.want"
run_eq "spaces around an unquoted field are kept (RFC 4180, as retail_ref.py does)" \
  "$d/spaces.want" "$d/o.csv" -c "$ini" --plugins "$plugins" --input "$d/spaces.csv" \
  --output "$d/o.csv"

# --- generated files against the Python reference ---------------------------
g=$tmp/gen
mkdir "$g"
"$gen" --rows 20000 --seed 11 > "$g/plain.csv" &&
  "$gen" --rows 20000 --seed 11 --crlf --quote-all --bom --no-final-newline > "$g/dialect.csv"
ok $? "gen_retail writes the 20,000-row seed-11 files"
if [ $have_py -eq 1 ]; then
  for day in 2026-11-01 2026-03-15; do
    python3 "$ref" --as-of $day "$g/plain.csv" > "$g/ref.$day" 2> "$g/ref.err"
    st=$?
    ok $st "reference output at as_of $day"
    [ $st -eq 0 ] || diag "$g/ref.err"
    for v in plain dialect; do
      for t in 1 2; do
        run_eq "generated $v, --as-of $day, $t thread(s): equals retail_ref.py" \
          "$g/ref.$day" "$g/o.csv" -c "$ini" --plugins "$plugins" \
          --input "$g/$v.csv" --output "$g/o.csv" --as-of $day --threads $t
      done
    done
  done
  run_eq "generated plain, as_of from the ini, 4 threads, 4096-byte chunks: equals retail_ref.py" \
    "$g/ref.2026-11-01" "$g/o.csv" -c "$ini" --plugins "$plugins" \
    --input "$g/plain.csv" --output "$g/o.csv" --threads 4 --chunk-size 4096
else
  skip "generated files against retail_ref.py" "python3 not found"
fi

# --- pipes -------------------------------------------------------------------
p=$tmp/pipe
mkdir "$p"
cat "$edge" | "$cleave" run -q -c "$ini" --plugins "$plugins" --input - \
  --output "$p/o.csv" 2> "$p/err"
rc=$?
[ $rc -eq 0 ] && cmp -s "$want" "$p/o.csv"
ok $? "fixture through a pipe (--input -): same output"
[ $rc -eq 0 ] || diag "$p/err"
run_eq "fixture to standard output (--output -): same output" "$want" - \
  -c "$ini" --plugins "$plugins" --input "$edge" --output -
cat "$edge" | "$cleave" run -q -c "$ini" --plugins "$plugins" --input - \
  --output - > "$p/stdout" 2> "$p/err"
rc=$?
[ $rc -eq 0 ] && cmp -s "$want" "$p/stdout"
ok $? "fixture from a pipe to standard output: same output"
"$cleave" run -q -c "$ini" --plugins "$plugins" --input "$g/plain.csv" \
  --output "$p/file.csv" 2> "$p/err" &&
  cat "$g/plain.csv" | "$cleave" run -q -c "$ini" --plugins "$plugins" --input - \
    --output "$p/pipe.csv" --threads 2 --chunk-size 4096 2>> "$p/err" &&
  cmp -s "$p/file.csv" "$p/pipe.csv"
okd $? "20,000 generated rows through a pipe, 4096-byte chunks: same as from the file" "$p/err"

# --- rejects: ragged rows ----------------------------------------------------
r=$tmp/rej
mkdir "$r"
"$gen" --rows 20000 --seed 11 --ragged 7 > "$r/in.csv"
cl ragged -c "$ini" --plugins "$plugins" --input "$r/in.csv" --output "$r/out.csv" \
  --rejects "$r/rej.csv" --summary "$r/sum.json" --threads 2
ok $rc "--ragged 7: exit status 0"
[ $rc -eq 0 ] || diag "$tmp/ragged.stderr"
[ "$(lines "$r/rej.csv")" = 8 ] && [ "$(head -n 1 "$r/rej.csv")" = "line,reason,record" ]
ok $? "--ragged 7: the rejects file has its header and 7 rows"
[ "$(grep -c '^[0-9][0-9]*,"has 2[02] fields, the header has 21",' "$r/rej.csv")" = 7 ]
okd $? "--ragged 7: each reject gives its line and 'has N fields, the header has 21'" \
  "$r/rej.csv"
rd=$(json_num "$r/sum.json" rows_read)
wr=$(json_num "$r/sum.json" rows_written)
rj=$(json_num "$r/sum.json" rows_rejected)
[ "$rd" = 20000 ] && [ "$rj" = 7 ] && [ "$((wr + rj))" = "$rd" ] &&
  [ "$(lines "$r/out.csv")" = $((wr + 1)) ]
st=$?
ok $st "--ragged 7: rows_read 20000 = written + rejected 7, and the output has the written rows"
[ $st -eq 0 ] || echo "# read $rd written $wr rejected $rj"
if [ $have_py -eq 1 ]; then
  python3 "$ref" --skip-bad "$r/in.csv" > "$r/ref.csv" 2> "$r/ref.err"
  cmp -s "$r/ref.csv" "$r/out.csv"
  ok $? "--ragged 7: written rows equal retail_ref.py --skip-bad"
  sed -n 's/.*: line \([0-9][0-9]*\): .*/\1/p' "$r/ref.err" > "$r/ref.lines"
  cut -d, -f1 "$r/rej.csv" | sed 1d > "$r/got.lines"
  [ "$(lines "$r/ref.lines")" = 7 ] && cmp -s "$r/ref.lines" "$r/got.lines"
  okd $? "--ragged 7: the rejected line numbers are the ones retail_ref.py names" "$r/ref.err"
  python3 - "$r/rej.csv" "$r/in.csv" > "$r/raw.err" 2>&1 <<'EOF'
import csv, sys
lines = open(sys.argv[2], newline="").read().split("\n")
bad = []
for row in list(csv.reader(open(sys.argv[1], newline="")))[1:]:
    first, _, last = row[0].partition("-")
    raw = "\n".join(lines[int(first) - 1:int(last or first)])
    if row[2] != raw:
        bad.append("line %s: rejects file has %r, input has %r" % (row[0], row[2], raw))
if bad:
    print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
  okd $? "--ragged 7: each reject holds the record exactly as in the input" "$r/raw.err"
else
  skip "--ragged 7 against retail_ref.py" "python3 not found"
fi
for t in 1 2; do
  for c in 100 default; do
    copt=""
    [ $c = default ] || copt="--chunk-size $c"
    # shellcheck disable=SC2086
    cl ragged2 -c "$ini" --plugins "$plugins" --input "$r/in.csv" --output "$r/o.csv" \
      --rejects "$r/rj.csv" --threads $t $copt
    [ $rc -eq 0 ] && cmp -s "$r/out.csv" "$r/o.csv" && cmp -s "$r/rej.csv" "$r/rj.csv"
    ok $? "--ragged 7 at $t thread(s), chunk size $c: output and rejects byte-identical"
  done
done

# A stray quote in an unquoted field: that row is rejected, the rest written.
sed '11s/,Jo,/,J"o,/' "$edge" > "$r/quote.csv"
grep -q '^C000000010,J"o,' "$r/quote.csv"
ok $? "stray-quote input made (row C000000010 on line 11)"
grep -v '^C000000010,' "$want" > "$r/quote.want"
for c in 64 default; do
  copt=""
  [ $c = default ] || copt="--chunk-size $c"
  # shellcheck disable=SC2086
  cl quote -c "$ini" --plugins "$plugins" --input "$r/quote.csv" --output "$r/q.csv" \
    --rejects "$r/qr.csv" --threads 2 $copt
  [ $rc -eq 0 ] && cmp -s "$r/quote.want" "$r/q.csv"
  ok $? "stray quote, chunk size $c: exit 0, every other row written"
  [ "$(lines "$r/qr.csv")" = 2 ] && grep -q '^11,"[^"]*quote' "$r/qr.csv"
  okd $? "stray quote, chunk size $c: line 11 rejected with a reason about the quote" "$r/qr.csv"
done

# An empty customer id.
sed '5s/^C000000004,/,/' "$edge" > "$r/noid.csv"
grep -v '^C000000004,' "$want" > "$r/noid.want"
cl noid -c "$ini" --plugins "$plugins" --input "$r/noid.csv" --output "$r/n.csv" \
  --rejects "$r/nr.csv"
[ $rc -eq 0 ] && cmp -s "$r/noid.want" "$r/n.csv"
ok $? "empty customer_id: exit 0, every other row written"
[ "$(lines "$r/nr.csv")" = 2 ] && grep -q '^5,.*customer id' "$r/nr.csv"
okd $? "empty customer_id: line 5 rejected, the reason names the customer id" "$r/nr.csv"

# Quoted fields of 12,000 lines (96 kB, longer than any chunk) in rows 1-3,
# and row 10 with a 22nd field: its reject names its physical line.
{
  printf '"'
  awk 'BEGIN { for (i = 0; i < 12000; i++) print "abc,def" }'
  printf '""q"""'
} > "$r/bigfield"
{
  head -n 1 "$edge"
  for i in 2 3 4; do
    sed -n "${i}p" "$edge" | tr -d '\n'
    cat "$r/bigfield"
    echo
  done
  tail -n +5 "$edge" | sed '7s/$/,extra/'
} > "$r/big.csv"
big_line=$((11 + 3 * 12000))
grep -v '^C000000010,' "$want" > "$r/big.want"
for c in 64 default; do
  copt=""
  [ $c = default ] || copt="--chunk-size $c"
  # shellcheck disable=SC2086
  cl big -c "$ini" --plugins "$plugins" --input "$r/big.csv" --output "$r/b.csv" \
    --rejects "$r/br.csv" --threads 2 $copt
  [ $rc -eq 0 ] && cmp -s "$r/big.want" "$r/b.csv"
  ok $? "12,000-line quoted fields, chunk size $c: every row evaluated as in the fixture"
  [ "$(lines "$r/br.csv")" = 2 ] &&
    grep -q "^$big_line,\"has 22 fields, the header has 21\"," "$r/br.csv"
  okd $? "12,000-line quoted fields, chunk size $c: the later ragged row is rejected as line $big_line" \
    "$r/br.csv"
done

# --- no records --------------------------------------------------------------
h=$tmp/hdr
mkdir "$h"
head -n 1 "$want" > "$h/want"
head -n 1 "$edge" > "$h/lf.csv"
head -n 1 "$edge" | tr -d '\n' > "$h/nonl.csv"
{ printf '\357\273\277'; head -n 1 "$edge" | sed 's/$/\r/'; } > "$h/bomcrlf.csv"
"$gen" --rows 0 > "$h/gen.csv"
for v in lf nonl bomcrlf gen; do
  run_eq "header-only input ($v): the output is the header line alone" "$h/want" \
    "$h/o.csv" -c "$ini" --plugins "$plugins" --input "$h/$v.csv" --output "$h/o.csv" \
    --summary "$h/s.json"
done
[ "$(json_num "$h/s.json" rows_read)" = 0 ] && [ "$(json_num "$h/s.json" rows_written)" = 0 ]
ok $? "header-only input: summary has rows_read 0, rows_written 0"

# --- max_rejects and atomic outputs ------------------------------------------
m=$tmp/maxrej
mkdir "$m"
"$gen" --rows 300 --seed 5 --ragged 7 > "$m/in.csv"
printf 'previous run\n' > "$m/out.csv"
cp "$m/out.csv" "$m/out.keep"
printf 'previous rejects\n' > "$m/rej.csv"
cp "$m/rej.csv" "$m/rej.keep"
cl maxrej -c "$e2e/max_rejects.ini" --plugins "$plugins" --input "$m/in.csv" \
  --output "$m/out.csv" --rejects "$m/rej.csv"
[ $rc -eq 5 ] && grep -q 'max_rejects' "$tmp/maxrej.stderr"
st=$?
ok $st "max_rejects = 2 with 7 ragged rows: exit status 5, the message names max_rejects"
if [ $st -ne 0 ]; then
  echo "# exit status $rc"
  grep -v 'row rejected' "$tmp/maxrej.stderr" | sed 's/^/# /'
fi
cmp -s "$m/out.keep" "$m/out.csv"
ok $? "max_rejects: the existing output file is left untouched"
cmp -s "$m/rej.keep" "$m/rej.csv"
ok $? "max_rejects: the existing reject file is left untouched (all or nothing)"
[ -f "$m/rej.csv.failed" ] && [ "$(lines "$m/rej.csv.failed")" = 8 ] &&
  grep -q "rej.csv.failed" "$tmp/maxrej.stderr"
ok $? "max_rejects: the failed run's rejected rows are kept in rej.csv.failed (7 rows), named in the message"
cl maxrej2 -c "$e2e/max_rejects.ini" --plugins "$plugins" --input "$m/in.csv" \
  --output "$m/new.csv" --rejects "$m/rej2.csv"
[ $rc -eq 5 ] && [ ! -e "$m/new.csv" ]
ok $? "max_rejects: no output file is created"
ls "$m" | grep '\.tmp\.' > "$tmp/tmpfiles"
[ ! -s "$tmp/tmpfiles" ]
okd $? "max_rejects: no *.tmp.* files left behind" "$tmp/tmpfiles"
# The limit is "more than": 7 rejects pass max_rejects = 7; 0 forbids any.
for lim in 7 0; do
  sed "s/^max_rejects = 2\$/max_rejects = $lim/" "$e2e/max_rejects.ini" |
    sed "s|^rules = .*|rules = $root/scripts/retail_v1.lua|" > "$m/lim$lim.ini"
done
cl lim7 -c "$m/lim7.ini" --plugins "$plugins" --input "$m/in.csv" --output "$m/l7.csv"
[ $rc -eq 0 ] && [ -f "$m/l7.csv" ]
okd $? "max_rejects = 7 with 7 ragged rows: the run succeeds" "$tmp/lim7.stderr"
cl lim0 -c "$m/lim0.ini" --plugins "$plugins" --input "$edge" --output "$m/l0.csv"
[ $rc -eq 0 ] && cmp -s "$want" "$m/l0.csv"
okd $? "max_rejects = 0 with no rejected row: the run succeeds" "$tmp/lim0.stderr"
cl lim0b -c "$m/lim0.ini" --plugins "$plugins" --input "$r/noid.csv" --output "$m/l0b.csv"
[ $rc -eq 5 ] && [ ! -e "$m/l0b.csv" ]
okd $? "max_rejects = 0 with one rejected row: exit status 5, no output" "$tmp/lim0b.stderr"

# An interrupted run (SIGTERM while it waits for more input on a FIFO).
k=$tmp/kill
mkdir "$k"
if mkfifo "$k/in.fifo" 2>/dev/null; then
  sh -c 'head -c 300000 "$1"; exec sleep 60' sh "$g/plain.csv" > "$k/in.fifo" &
  wpid=$!
  bgpids="$bgpids $wpid"
  "$cleave" run -q -c "$ini" --plugins "$plugins" --input "$k/in.fifo" \
    --output "$k/out.csv" --chunk-size 4096 2> "$k/err" &
  cpid=$!
  bgpids="$bgpids $cpid"
  i=0
  while [ $i -lt 100 ] && ! ls "$k" | grep -q '\.tmp\.'; do
    sleep 0.1
    i=$((i + 1))
  done
  started=0
  ls "$k" | grep -q '\.tmp\.' && started=1
  kill -TERM $cpid 2>/dev/null
  wait $cpid 2>/dev/null
  kill $wpid 2>/dev/null
  wait $wpid 2>/dev/null
  ls "$k" | grep '\.tmp\.' > "$tmp/tmpfiles"
  [ $started -eq 1 ] && [ ! -s "$tmp/tmpfiles" ] && [ ! -e "$k/out.csv" ]
  ok $? "a run stopped by SIGTERM leaves no *.tmp.* file and no output"
  [ $started -eq 1 ] || echo "# the run never started writing (no .tmp. file seen)"
  diag "$tmp/tmpfiles"
  rm -rf "$k"
else
  skip "a run stopped by SIGTERM leaves no *.tmp.* file" "mkfifo failed"
fi

# --- the lock ----------------------------------------------------------------
if command -v flock >/dev/null 2>&1; then
  l=$tmp/lock
  mkdir "$l"
  flock "$l/out.csv.lock" sh -c 'echo $$ > "$1.tmp"; mv "$1.tmp" "$1"; exec sleep 60' \
    sh "$l/holder.pid" &
  fpid=$!
  bgpids="$bgpids $fpid"
  i=0
  while [ $i -lt 100 ] && [ ! -s "$l/holder.pid" ]; do
    sleep 0.1
    i=$((i + 1))
  done
  cl locked -c "$ini" --plugins "$plugins" --input "$edge" --output "$l/out.csv"
  [ $rc -eq 8 ] && grep -qF "$l/out.csv.lock" "$tmp/locked.stderr"
  st=$?
  ok $st "output locked by another process: exit status 8, the message names the lock file"
  [ $st -eq 0 ] || { echo "# exit status $rc"; diag "$tmp/locked.stderr"; }
  [ ! -e "$l/out.csv" ]
  ok $? "locked: no output file created"
  [ -s "$l/holder.pid" ] && kill "$(cat "$l/holder.pid")" 2>/dev/null
  wait $fpid 2>/dev/null
  run_eq "after the lock is released a run succeeds" "$want" "$l/out.csv" \
    -c "$ini" --plugins "$plugins" --input "$edge" --output "$l/out.csv"
else
  skip "lock held by another process" "flock(1) not found"
fi

# --- a test plugin -----------------------------------------------------------
# tests/plugins/ also holds deliberately broken plugins: copy good.so alone.
# testplug.is_even (a plugin criterion with a bool result) once crashed the
# batch evaluator; testplug.lua keeps it in a micro segment of its own.
pl=$tmp/plug
mkdir "$pl" "$pl/dir" "$pl/all"
cp "$build/tests/plugins/good.so" "$pl/dir/" &&
  cp "$build/tests/plugins/good.so" "$plugins"/*.so "$pl/all/"
ok $? "test plugin good.so copied into a plugin directory of its own"
run_eq "testplug.double_it in a macro split and a micro segment: the right rows" \
  "$e2e/ages.expected.csv" "$pl/o.csv" --rules "$e2e/testplug.lua" --plugins "$pl/dir" \
  --input "$e2e/ages.csv" --output "$pl/o.csv"
run_eq "testplug at 2 threads, 16-byte chunks: same rows" \
  "$e2e/ages.expected.csv" "$pl/o.csv" --rules "$e2e/testplug.lua" --plugins "$pl/dir" \
  --input "$e2e/ages.csv" --output "$pl/o.csv" --threads 2 --chunk-size 16
(cd "$pl" && "$cleave" run -q -c "$e2e/testplug_factor3.ini" --plugins dir \
  --input "$e2e/ages.csv" --output o3.csv 2> err3)
rc=$?
[ $rc -eq 0 ] && cmp -s "$e2e/ages.factor3.expected.csv" "$pl/o3.csv"
st=$?
ok $st "[plugin.testplug] factor = 3 changes the result (rules found relative to the ini)"
if [ $st -ne 0 ]; then
  echo "# exit status $rc"
  diag "$pl/err3"
  [ -f "$pl/o3.csv" ] && diff "$e2e/ages.factor3.expected.csv" "$pl/o3.csv" | head | sed 's/^/# /'
fi
crashed "$pl/o3.csv" "$pl/err3"
run_eq "test plugin next to the real plugins: the fixture still gives the expected output" \
  "$want" "$pl/o.csv" -c "$ini" --plugins "$pl/all" --input "$edge" --output "$pl/o.csv"

# --- help and version ----------------------------------------------------------
"$cleave" --help > "$tmp/help" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^ *run ' "$tmp/help" && grep -q 'usage: cleave' "$tmp/help"
ok $? "cleave --help exits 0 and describes the run command"
"$cleave" --version > "$tmp/version" 2>&1
rc=$?
ver=$(sed -n 's/^#define CLEAVE_VERSION "\(.*\)"$/\1/p' "$root/engine/version.h")
[ $rc -eq 0 ] && [ -n "$ver" ] && [ "$(head -n 1 "$tmp/version")" = "cleave $ver" ] &&
  grep -q "^plugin ABI 1\.1\$" "$tmp/version" && grep -q "^Lua 5\.[0-9.]*\$" "$tmp/version"
okd $? "cleave --version: first line 'cleave $ver', then the plugin ABI (1.1) and Lua" "$tmp/version"

# --- --id-column: another column holds the customer id -----------------------
printf 'ID,age\nX1,30\nX2,\n' > "$tmp/idcol.csv"
printf 'local age = number "age"\nmicro "adult" { age:at_least(18) }\n' > "$tmp/idcol.lua"
printf 'ID,segments\nX1,adult\nX2,\n' > "$tmp/idcol.want"
"$cleave" run -q --rules "$tmp/idcol.lua" --input "$tmp/idcol.csv" --output "$tmp/idcol.out" \
  --rejects "$tmp/idcol.rej" --id-column ID && cmp -s "$tmp/idcol.out" "$tmp/idcol.want"
okd $? "--id-column names the id column (ID), without an ini" "$tmp/idcol.out"
"$cleave" run -q --rules "$tmp/idcol.lua" --input "$tmp/idcol.csv" --output "$tmp/idcol2.out" \
  --rejects "$tmp/idcol.rej" > /dev/null 2> "$tmp/idcol.err"
[ $? -eq 5 ] && grep -q "or pass --id-column NAME" "$tmp/idcol.err" && [ ! -e "$tmp/idcol2.out" ]
okd $? "without it: exit 5, the message suggests --id-column, no output" "$tmp/idcol.err"

# --- nothing left behind -------------------------------------------------------
find "$tmp" -name '*.tmp.*' > "$tmp/tmpfiles"
[ ! -s "$tmp/tmpfiles" ]
okd $? "no *.tmp.* file left in any output directory" "$tmp/tmpfiles"

check_summaries "$tmp"
done_testing
