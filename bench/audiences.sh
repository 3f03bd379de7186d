#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# audiences.sh -- the cost of writing audience files (--audiences, issue #9):
# `cleave run` on 1M generated retail-v1 rows (gen_retail --seed 7) plain,
# then with the 24 micro-segment audience files (id, first_name, country),
# then with the 20 macro-value files too; interleaved rounds, the median of
# each round's ratio to the plain run of the same round, wall and CPU
# (user + sys). The machine may be shared: the ratios are what to read.
#
#   bash bench/audiences.sh          (after `make all`; BENCH_ROUNDS=5, BENCH_THREADS=2)
set -euo pipefail
cd "$(dirname "$0")"
BUILD=${CLEAVE_BUILD:-../build}
ROUNDS=${BENCH_ROUNDS:-5}
C=$BUILD/cleave
A=(run -q --no-config --rules ../scripts/retail_v1.lua --plugins "$BUILD/plugins" --as-of 2026-11-01
   --threads "${BENCH_THREADS:-2}" --input data/a1m.csv)
mkdir -p data
[ -s data/a1m.csv ] || "$BUILD/tools/gen_retail" --rows 1000000 --seed 7 > data/a1m.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# one NAME CMD...: append "wall cpu" to $tmp/NAME
one() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$@" > /dev/null 2>&1
  awk '{printf "%s %.3f %.1f\n", $1, $2 + $3, $4 / 1024}' "$tmp/t" >> "$tmp/$name"
}
for _ in $(seq "$ROUNDS"); do
  one plain "$C" "${A[@]}" --output "$tmp/o0"
  one aud24 "$C" "${A[@]}" --output "$tmp/o1" --audiences "$tmp/a24" --audience-columns first_name,country
  one aud44 "$C" "${A[@]}" --output "$tmp/o2" --audiences "$tmp/a44" --audience-columns first_name,country \
    --audience-macros
done
for o in o1 o2; do cmp -s "$tmp/o0" "$tmp/$o" || { echo "audiences.sh: $o differs" >&2; exit 1; }; done
[ "$(ls "$tmp/a24" | wc -l)" -eq 24 ] && [ "$(ls "$tmp/a44" | wc -l)" -eq 44 ]
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# ratio NAME COLUMN: the median over rounds of NAME's value / plain's value
ratio() { paste -d' ' "$tmp/$1" "$tmp/plain" | awk -v c="$2" '{print $c / $(c + 3)}' | med; }
printf '%-34s %8s %8s %10s %10s %8s\n' "1M rows, $ROUNDS rounds (medians)" "wall s" "cpu s" "wall ratio" \
  "cpu ratio" "RSS MB"
for n in plain aud24 aud44; do
  printf '%-34s %8s %8s %10.3f %10.3f %8s\n' "$n" "$(cut -d' ' -f1 "$tmp/$n" | med)" \
    "$(cut -d' ' -f2 "$tmp/$n" | med)" "$(ratio $n 1)" "$(ratio $n 2)" "$(cut -d' ' -f3 "$tmp/$n" | med)"
done
echo "audience files: $(du -sh "$tmp/a24" | cut -f1) (24), $(du -sh "$tmp/a44" | cut -f1) (44)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
