#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# state.sh -- the cost of --state (issue #9): two consecutive runs on
# generated retail-v1 customers, each with and without state, as a ratio to
# the run without state of the same input.
#
#   run 1: A = gen_retail --rows N --seed 1, as of 2026-11-01 (the baseline)
#   run 2: B = A without every 20th customer (5% gone), with spend_12m
#          changed on every 10th row (values that move customers between
#          segments), plus N/20 customers of --seed 2 (new ids), as of
#          2026-11-08; with state, the delta against run 1's state
#
# Each round runs, one after the other: plain A, state A (a fresh state
# folder: the baseline), plain B, state B (the delta). Medians over rounds of
# wall, CPU (user + sys) and peak RSS, and of each round's ratio to the plain
# run of the same input. The machine may be shared: read CPU with wall.
#
#   bash bench/state.sh     (after `make all`; BENCH_ROUNDS=3, BENCH_THREADS=2,
#                            BENCH_STATE_ROWS=10000000)
set -euo pipefail
cd "$(dirname "$0")"
BUILD=${CLEAVE_BUILD:-../build}
ROUNDS=${BENCH_ROUNDS:-3}
N=${BENCH_STATE_ROWS:-10000000}
T=${BENCH_THREADS:-2}
C=$BUILD/cleave
mkdir -p data
A=data/state_a_$N.csv
B=data/state_b_$N.csv
if [ ! -s "$A" ]; then
  "$BUILD/tools/gen_retail" --rows "$N" --seed 1 > "$A.tmp"
  mv "$A.tmp" "$A"
fi
if [ ! -s "$B" ]; then
  # whole records (a quoted notes field may hold newlines: join lines until
  # the quotes pair up); spend_12m is changed in records without a quote only
  awk -F, -v OFS=, '{ rec = part == "" ? $0 : part "\n" $0; q += gsub(/"/, "\"")
      if (q % 2) { part = rec; next }
      part = ""; q = 0; n++
      if (n > 1 && n % 20 == 0) next
      if (n > 1 && n % 10 == 3 && index(rec, "\"") == 0) { $0 = rec; $12 = sprintf("%.2f", $12 * 3 + 250); rec = $0 }
      print rec }' "$A" > "$B.tmp"
  "$BUILD/tools/gen_retail" --rows $((N / 20)) --seed 2 | tail -n +2 >> "$B.tmp"
  mv "$B.tmp" "$B"
fi
[ "$ROUNDS" -gt 0 ] || exit 0 # BENCH_ROUNDS=0: only make the data
W=${BENCH_STATE_TMP:-$(mktemp -d "${TMPDIR:-/tmp}/state_bench.XXXXXX")}
trap 'rm -rf "$W"' EXIT
R=(run -q --no-config --rules ../scripts/retail_v1.lua --plugins "$BUILD/plugins"
   --threads "$T" --id-column customer_id)
# one NAME CMD...: append "wall cpu rss_mb" to $W/NAME
one() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$W/t" "$@" > /dev/null 2> "$W/err" ||
    { echo "state.sh: $name failed:" >&2; cat "$W/err" >&2; exit 1; }
  awk '{printf "%s %.3f %.1f\n", $1, $2 + $3, $4 / 1024}' "$W/t" >> "$W/$name"
}
for _ in $(seq "$ROUNDS"); do
  rm -rf "$W/st"
  one plainA "$C" "${R[@]}" --input "$A" --as-of 2026-11-01 --output "$W/oa"
  one stateA "$C" "${R[@]}" --input "$A" --as-of 2026-11-01 --output "$W/oa" --state "$W/st"
  one plainB "$C" "${R[@]}" --input "$B" --as-of 2026-11-08 --output "$W/ob"
  one stateB "$C" "${R[@]}" --input "$B" --as-of 2026-11-08 --output "$W/ob" --state "$W/st"
done
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# ratio NAME BASE COLUMN: the median over rounds of NAME's value / BASE's
ratio() { paste -d' ' "$W/$1" "$W/$2" | awk -v c="$3" '{print $c / $(c + 3)}' | med; }
printf '%-36s %8s %8s %8s %10s %10s\n' "$N rows, $T threads, $ROUNDS rounds" "wall s" "cpu s" \
  "RSS MB" "wall ratio" "cpu ratio"
for n in plainA stateA plainB stateB; do
  base=plain${n: -1}
  printf '%-36s %8s %8s %8s %10.3f %10.3f\n' "$n" "$(cut -d' ' -f1 "$W/$n" | med)" \
    "$(cut -d' ' -f2 "$W/$n" | med)" "$(cut -d' ' -f3 "$W/$n" | med)" "$(ratio "$n" "$base" 1)" \
    "$(ratio "$n" "$base" 2)"
done
echo "per round (wall cpu rss):"
for n in plainA stateA plainB stateB; do echo "  $n: $(tr '\n' '|' < "$W/$n")"; done
echo "delta files: $(du -sh "$W/st/delta" | cut -f1), state.bin $(du -h "$W/st/state.bin" | cut -f1)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
