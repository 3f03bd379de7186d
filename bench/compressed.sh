#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# compressed.sh -- `cleave run --input f.csv.gz` (decoded in a thread of its
# own, engine/decomp.c) against `zcat f.csv.gz | cleave run --input -`, and
# the same for zstd, on 1M generated retail-v1 rows; interleaved rounds,
# medians of wall and CPU (user + sys) seconds. The machine may be shared:
# read the ratios, and the CPU column when the load is high.
#
#   bash bench/compressed.sh          (after `make all`; BENCH_ROUNDS=5)
set -euo pipefail
cd "$(dirname "$0")"
BUILD=${CLEAVE_BUILD:-../build}
ROUNDS=${BENCH_ROUNDS:-5}
C=$BUILD/cleave
A=(run -q --no-config --rules ../scripts/retail_v1.lua --plugins "$BUILD/plugins" --as-of 2026-11-01)
mkdir -p data
[ -s data/c1m.csv ] || "$BUILD/tools/gen_retail" --rows 1000000 --seed 11 > data/c1m.csv
[ -s data/c1m.csv.gz ] || gzip -c data/c1m.csv > data/c1m.csv.gz
[ -s data/c1m.csv.zst ] || zstd -q -c data/c1m.csv > data/c1m.csv.zst
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# one NAME CMD...: append "wall cpu" to $tmp/NAME
one() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$@" > /dev/null 2>&1
  awk '{printf "%s %.3f\n", $1, $2 + $3}' "$tmp/t" >> "$tmp/$name"
}
for _ in $(seq "$ROUNDS"); do
  one plain "$C" "${A[@]}" --input data/c1m.csv --output "$tmp/o0"
  one gz "$C" "${A[@]}" --input data/c1m.csv.gz --output "$tmp/o1"
  one zcat sh -c "zcat data/c1m.csv.gz | $C ${A[*]} --input - --output $tmp/o2"
  one zst "$C" "${A[@]}" --input data/c1m.csv.zst --output "$tmp/o3"
  one zstdcat sh -c "zstdcat data/c1m.csv.zst | $C ${A[*]} --input - --output $tmp/o4"
done
for o in o1 o2 o3 o4; do cmp -s "$tmp/o0" "$tmp/$o" || { echo "compressed.sh: $o differs" >&2; exit 1; }; done
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-28s %8s %8s\n' "1M rows, $ROUNDS rounds" "wall s" "cpu s"
for n in plain gz zcat zst zstdcat; do
  eval "w_$n=$(cut -d' ' -f1 "$tmp/$n" | med)"
  eval "c_$n=$(cut -d' ' -f2 "$tmp/$n" | med)"
  printf '%-28s %8s %8s\n' "$n" "$(eval echo \$w_$n)" "$(eval echo \$c_$n)"
done
awk -v a="$w_gz" -v b="$w_zcat" -v c="$c_gz" -v d="$c_zcat" \
  'BEGIN {printf "gzip direct / zcat pipe:     wall %.2fx, cpu %.2fx\n", a/b, c/d}'
awk -v a="$w_zst" -v b="$w_zstdcat" -v c="$c_zst" -v d="$c_zstdcat" \
  'BEGIN {printf "zstd direct / zstdcat pipe:  wall %.2fx, cpu %.2fx\n", a/b, c/d}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
