#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run.sh -- cleave's throughput against a libcsv parse-only baseline, and the
# cost of evaluation alone. Normally run by `make -C bench` (or `make bench`
# at the top); README.md explains every number.
#
# Environment:
#   BENCH_ROUNDS=5          interleaved rounds (each: parse-only, 1 thread, N threads)
#   BENCH_THREADS=$(nproc)  N
#   BENCH_10M=1             also run the table on 10M rows (generated once, ~1.2 GB)
#   BENCH_EVAL_RECORDS=200000  records held in memory by eval_bench
#   BENCH_EVAL_PASSES=5     timed passes of eval_bench
#   BENCH_CURVE=1           the rule-count curve (retail-v1 + 0/100/500/2000
#                           generated segments, bench/gen_rules.py); 0 skips it
#   BENCH_DUCKDB            the DuckDB comparison (bench/duckdb_retail_v1.sql
#                           run by duckdb_run.mjs): unset = when node and npm
#                           are there, 0 = skip, 1 = run it or say why not
#   BENCH_BIN, CLEAVE_BUILD where the bench tools and cleave's build are
#                           (set by bench/Makefile; default ../build/bench, ../build)
set -euo pipefail
cd "$(dirname "$0")"

BUILD=${CLEAVE_BUILD:-../build}
BIN=${BENCH_BIN:-$BUILD/bench}
ROUNDS=${BENCH_ROUNDS:-5}
THREADS=${BENCH_THREADS:-$(nproc)}
EVAL_RECORDS=${BENCH_EVAL_RECORDS:-200000}
EVAL_PASSES=${BENCH_EVAL_PASSES:-5}
RULES=../scripts/retail_v1.lua
# rules, as_of and [plugin.rfm] only: engine.ini also writes audience files
INI=../tests/fixtures/e2e/retail.ini
AS_OF=2026-11-01
DATA=data

# targets (issue): wall ratios to parse-only, peak RSS
T1_MAX=1.00
TN_MAX=0.55
RSS_MAX_MB=64
SEG500_MAX=2.00   # retail-v1 + 500 segments / retail-v1 alone, 1 thread
DUCK_MIN=5        # DuckDB 2 threads / cleave 2 threads

die() { echo "bench: $*" >&2; exit 1; }

for f in "$BUILD/cleave" "$BUILD/tools/gen_retail" "$BUILD/plugins" "$BIN/parse_only" \
         "$BIN/timeit" "$BIN/eval_bench"; do
  [ -e "$f" ] || die "$f is missing: run 'make all' at the top, then 'make -C bench'"
done
case $ROUNDS in ''|*[!0-9]*|0) die "BENCH_ROUNDS must be a positive number" ;; esac
case $THREADS in ''|*[!0-9]*|0) die "BENCH_THREADS must be a positive number" ;; esac
mkdir -p "$DATA"

# generate ROWS FILE: the project's generator, seed 1; kept between runs
generate() {
  local rows=$1 file=$2
  if [ ! -s "$file" ]; then
    echo "bench: generating $file ($rows rows, seed 1; cached for later runs)" >&2
    "$BUILD/tools/gen_retail" --rows "$rows" --seed 1 > "$file.tmp"
    mv "$file.tmp" "$file"
  fi
}

dashes() { local n=$1 d=""; while [ "$n" -gt 0 ]; do d="$d-"; n=$((n - 1)); done; printf '%s' "$d"; }

# a progress line on a terminal; nothing in a log
progress() { [ -t 2 ] && printf '\r%-60s\r' "$1" >&2; return 0; }

# CPU seconds all processes used so far (user+nice+system+irq+softirq+steal)
busy_s() {
  awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { print ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat
}

# median min max of the numbers on stdin
mmm() {
  sort -g | awk '{ a[NR] = $1 }
    END { if (NR == 0) exit 1
          m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
          print m, a[1], a[NR] }'
}

# One timed run: RESULT_FILE command... (cleave's outputs are removed first,
# so no run pays for deleting the previous run's file)
timed() { "$BIN/timeit" "$@"; }

cleave_run() { # CONFIG FILE RESULT_FILE [RULES]: CONFIG = N (threads) or LN (N threads, reader libcsv)
  local c=$1 file=$2 res=$3 rules=${4:-$RULES} t=${1#L} reader=fast
  [ "$c" != "$t" ] && reader=libcsv
  rm -f "$DATA/out_$c.csv" "$DATA/rej_$c.csv" "$DATA/summary_$c.json"
  timed "$res" "$BUILD/cleave" run -q -c "$INI" --threads "$t" --reader "$reader" --input "$file" \
    --output "$DATA/out_$c.csv" --rejects "$DATA/rej_$c.csv" \
    --summary "$DATA/summary_$c.json" --plugins "$BUILD/plugins" --rules "$rules" \
    --as-of "$AS_OF" || die "cleave --threads $t --reader $reader failed on $file"
}

RSS_SEEN=()   # "label rss_mb" of every table, for the targets line
RATIO_T1=""
RATIO_TN=""

# bench_file FILE ROWS LABEL: the interleaved rounds and the table
bench_file() {
  local file=$1 rows=$2 label=$3
  local res; res=$(mktemp -d "$DATA/res.XXXXXX")
  local bytes; bytes=$(stat -L -c %s "$file")
  local configs=(1)
  [ "$THREADS" -gt 1 ] && configs+=("$THREADS")
  configs+=(L1) # reader = libcsv, 1 thread: what the vectorised reader saves

  # warm the page cache and check the file (header + rows records)
  local recs; recs=$("$BIN/parse_only" "$file" | awk '{ print $1 }')
  [ "$recs" -eq $((rows + 1)) ] ||
    die "$file has $((recs - 1)) rows, expected $rows: delete it and run again"

  local r t b0 b1 w0 w1
  b0=$(busy_s)
  w0=$(date +%s.%N)
  for ((r = 1; r <= ROUNDS; r++)); do
    progress "bench: $label round $r/$ROUNDS"
    timed "$res/parse" "$BIN/parse_only" "$file" > /dev/null || die "parse_only failed"
    for t in "${configs[@]}"; do cleave_run "$t" "$file" "$res/t$t"; done
    if [ "$r" -eq 1 ] && [ "$THREADS" -gt 1 ]; then
      cmp -s "$DATA/out_1.csv" "$DATA/out_$THREADS.csv" ||
        die "$DATA/out_1.csv and $DATA/out_$THREADS.csv differ: output depends on the thread count"
      cmp -s "$DATA/rej_1.csv" "$DATA/rej_$THREADS.csv" ||
        die "$DATA/rej_1.csv and $DATA/rej_$THREADS.csv differ"
    fi
    if [ "$r" -eq 1 ]; then
      cmp -s "$DATA/out_1.csv" "$DATA/out_L1.csv" ||
        die "$DATA/out_1.csv and $DATA/out_L1.csv differ: the readers disagree"
    fi
  done
  progress ""
  b1=$(busy_s)
  w1=$(date +%s.%N)
  # CPU that other processes used meanwhile: a busy machine makes the
  # numbers noisy, and the ratios less trustworthy
  local others
  others=$(cat "$res"/* | awk -v b0="$b0" -v b1="$b1" -v w="$(awk -v a="$w0" -v b="$w1" 'BEGIN { print b - a }')" \
    -v cores="$(nproc)" '{ ours += $2 + $3 }
      END { o = b1 - b0 - ours; if (o < 0) o = 0
            printf "%.1f CPU s in %.1f s (%.0f%% of the machine)", o, w, 100 * o / (w * cores) }')
  local same="output of both readers byte-identical (checked in round 1)"
  [ "$THREADS" -gt 1 ] && same="output of 1 and $THREADS threads and of both readers byte-identical (checked in round 1)"

  echo
  echo "### $label: $rows rows, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB ($file)"
  echo
  echo "$ROUNDS interleaved rounds; wall is the median (min..max); $same;"
  echo "other processes used $others while they ran."
  echo
  printf '| %-18s | %-26s | %6s | %11s | %10s | %6s | %12s | %10s |\n' \
    what "wall s, median (min..max)" "CPU s" "peak RSS MB" "rows/s" "MB/s" "/ parse-only" "CPU ratio"
  printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "$(dashes 20)" "$(dashes 28)" "$(dashes 7):" \
    "$(dashes 12):" "$(dashes 11):" "$(dashes 7):" "$(dashes 13):" "$(dashes 11):"
  local base_med="" base_cpu=""
  local name f w cpu rss
  for name in parse "${configs[@]/#/t}"; do
    f=$res/$name
    read -r w wmin wmax < <(cut -d' ' -f1 "$f" | mmm)
    read -r cpu _ _ < <(awk '{ print $2 + $3 }' "$f" | mmm)
    rss=$(awk '$4 > m { m = $4 } END { printf "%.1f", m * 1024 / 1e6 }' "$f")
    [ -z "$base_med" ] && base_med=$w
    [ -z "$base_cpu" ] && base_cpu=$cpu
    local what ratio cratio
    case $name in
      parse) what="libcsv parse-only" ;;
      t1) what="cleave 1 thread" ;;
      tL1) what="reader=libcsv, 1 t" ;;
      *) what="cleave ${name#t} threads" ;;
    esac
    ratio=$(awk -v a="$w" -v b="$base_med" 'BEGIN { printf "%.2f", a / b }')
    cratio=$(awk -v a="$cpu" -v b="$base_cpu" 'BEGIN { printf "%.2f", a / b }')
    printf '| %-18s | %-26s | %6.2f | %11s | %10s | %6.1f | %11sx | %9sx |\n' "$what" \
      "$(printf '%.3f (%.3f..%.3f)' "$w" "$wmin" "$wmax")" "$cpu" "$rss" \
      "$(awk -v n="$rows" -v s="$w" 'BEGIN { printf "%.0f", n / s }')" \
      "$(awk -v b="$bytes" -v s="$w" 'BEGIN { print b / 1e6 / s }')" "$ratio" "$cratio"
    if [ "$name" != parse ] && [ "$name" != tL1 ]; then
      RSS_SEEN+=("$label $what $rss")
      if [ "$label" = 1M ]; then
        [ "$name" = t1 ] && RATIO_T1=$ratio && CRATIO_T1=$cratio
        [ "$name" != t1 ] && RATIO_TN=$ratio && CRATIO_TN=$cratio
      fi
    fi
  done
  rm -rf "$res"
}

verdict() { awk -v v="$1" -v lim="$2" 'BEGIN { print (v <= lim) ? "met" : "MISSED" }'; }

generate 1000000 "$DATA/retail_1m.csv"
[ "${BENCH_10M:-0}" = 1 ] && generate 10000000 "$DATA/retail_10m.csv"

echo "## cleave bench"
echo
echo "$(git -C .. describe --always --dirty 2>/dev/null || echo 'no git'), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo))"

bench_file "$DATA/retail_1m.csv" 1000000 1M
[ "${BENCH_10M:-0}" = 1 ] && bench_file "$DATA/retail_10m.csv" 10000000 10M
rm -f "$DATA"/out_*.csv "$DATA"/rej_*.csv "$DATA"/summary_*.json "$DATA"/out_*.csv.lock

echo
echo "### evaluation alone"
echo
digests=()
for ev in batch row; do
  line=$("$BIN/eval_bench" --evaluator "$ev" --records "$EVAL_RECORDS" --passes "$EVAL_PASSES" \
    --rules "$RULES" --plugins "$BUILD/plugins" --config "$INI" --as-of "$AS_OF" \
    "$DATA/retail_1m.csv" 2>/dev/null) || die "eval_bench --evaluator $ev failed (run it by hand to see why)"
  echo "- $line"
  digests+=("${line##* }")
done
echo
if [ "${digests[0]}" = "${digests[1]}" ]; then
  echo "The digests agree: both evaluators give the same per-value and per-segment counts."
else
  echo "WARNING: the digests differ: the batch and row evaluators disagree on these records."
fi

# --- the rule-count curve: retail-v1 + N generated micro segments, 1 thread
SEG_RATIO=""
if [ "${BENCH_CURVE:-1}" = 1 ]; then
  py=/usr/bin/python3
  [ -x "$py" ] || py=$(command -v python3)
  counts=(0 100 500 2000)
  for n in "${counts[@]}"; do
    "$py" gen_rules.py --segments "$n" --seed 1 --base "$RULES" > "$DATA/rules_$n.lua" ||
      die "gen_rules.py --segments $n failed"
  done
  cres=$(mktemp -d "$DATA/curve.XXXXXX")
  for ((r = 1; r <= ROUNDS; r++)); do
    for n in "${counts[@]}"; do
      progress "bench: rule curve round $r/$ROUNDS, +$n segments"
      cleave_run 1 "$DATA/retail_1m.csv" "$cres/n$n" "$DATA/rules_$n.lua"
      stat -c %s "$DATA/out_1.csv" > "$cres/size$n"
    done
  done
  progress ""
  echo
  echo "### rules: retail-v1 + N generated micro segments (bench/gen_rules.py, seed 1), 1 thread, 1M rows"
  echo
  echo "$ROUNDS interleaved rounds; wall is the median (min..max)."
  echo
  echo "| rules | wall s, median (min..max) | CPU s | output MB | / 28 rules | CPU / 28 rules | ns per row per added rule |"
  echo "|------:|---------------------------|------:|----------:|-----------:|---------------:|--------------------------:|"
  base="" cbase=""
  for n in "${counts[@]}"; do
    read -r w wmin wmax < <(cut -d' ' -f1 "$cres/n$n" | mmm)
    read -r cpu _ _ < <(awk '{ print $2 + $3 }' "$cres/n$n" | mmm)
    [ -z "$base" ] && base=$w
    [ -z "$cbase" ] && cbase=$cpu
    rules=$((28 + n))
    ratio=$(awk -v a="$w" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
    cr=$(awk -v a="$cpu" -v b="$cbase" 'BEGIN { printf "%.2f", a / b }')
    per=$(awk -v a="$w" -v b="$base" -v n="$n" 'BEGIN { if (n == 0) print "-"; else printf "%.1f", (a - b) / n / 1e6 * 1e9 }')
    mb=$(awk -v b="$(cat "$cres/size$n")" 'BEGIN { printf "%.1f", b / 1e6 }')
    printf '| %5d | %-25s | %5.2f | %9s | %9sx | %13sx | %25s |\n' "$rules" \
      "$(printf '%.3f (%.3f..%.3f)' "$w" "$wmin" "$wmax")" "$cpu" "$mb" "$ratio" "$cr" "$per"
    [ "$n" = 500 ] && SEG_RATIO=$ratio && SEG_CRATIO=$cr
  done
  echo
  echo "(ns per row per added rule: (wall - wall at 28 rules) / added rules / 1M rows)"
  rm -rf "$cres"
  rm -f "$DATA"/out_*.csv "$DATA"/rej_*.csv "$DATA"/summary_*.json "$DATA"/out_*.csv.lock
fi

# --- DuckDB: the same rules in SQL, 2 threads each ------------------------
# BENCH_DUCKDB unset: run it when node and npm are there; 0: skip; 1: run it
# (and say why not when it cannot). @duckdb/node-api is installed once into
# $BIN/duckdb, the pinned version below.
DUCK_THREADS=2
DUCK_PKG=@duckdb/node-api
DUCK_VERSION=1.5.6-r.1
DUCK_DIR=$BIN/duckdb
DUCK_NOT="- >= ${DUCK_MIN}x faster than DuckDB at $DUCK_THREADS threads: not measured"
DUCK_LINE=""
duck_mode=${BENCH_DUCKDB:-auto}
if [ "$duck_mode" = auto ]; then
  if command -v node > /dev/null 2>&1 && command -v npm > /dev/null 2>&1; then
    duck_mode=1
  else
    duck_mode=0
    DUCK_LINE="$DUCK_NOT (no node/npm; BENCH_DUCKDB=1 says more)"
  fi
fi

# duck_install: $DUCK_PKG@$DUCK_VERSION in $DUCK_DIR unless it is there;
# prints why not and fails when it cannot
duck_install() {
  local pj=$DUCK_DIR/node_modules/@duckdb/node-api/package.json
  if [ -f "$pj" ] && grep -q "\"version\": \"$DUCK_VERSION\"" "$pj"; then return 0; fi
  echo "bench: npm install --prefix $DUCK_DIR $DUCK_PKG@$DUCK_VERSION" >&2
  mkdir -p "$DUCK_DIR"
  if ! timeout 600 npm install --prefix "$DUCK_DIR" --no-audit --no-fund --loglevel=error \
       "$DUCK_PKG@$DUCK_VERSION" > "$DUCK_DIR/npm.log" 2>&1; then
    # the first line that says what went wrong (npm's "code ..." lines and
    # its pointer to the debug log say nothing)
    local why
    why=$(sed -n 's/^npm error //p' "$DUCK_DIR/npm.log" |
      grep -v -E '^(code|syscall|errno) |^A complete log|^ *$' | head -n 1 | cut -c1-160 || true)
    echo "npm install failed: ${why:-see $DUCK_DIR/npm.log}"
    return 1
  fi
}

duck_run() { # RESULT_FILE OUTPUT: one timed DuckDB run; its own line goes to RESULT_FILE.line
  rm -f "$2"
  timed "$1" node duckdb_run.mjs --modules "$DUCK_DIR" --threads "$DUCK_THREADS" \
    --as-of "$AS_OF" --input "$DATA/retail_1m.csv" --output "$2" >> "$1.line"
}

if [ "$duck_mode" = 1 ] && [ -z "$DUCK_LINE" ]; then
  if ! command -v node > /dev/null 2>&1 || ! command -v npm > /dev/null 2>&1; then
    DUCK_LINE="$DUCK_NOT (no node/npm: install Debian's nodejs and npm)"
  elif ! why=$(duck_install); then
    DUCK_LINE="$DUCK_NOT ($why)"
  fi
fi
if [ "$duck_mode" = 1 ] && [ -z "$DUCK_LINE" ]; then
  dres=$(mktemp -d "$DATA/duck.XXXXXX")
  dout=$DATA/out_duckdb.csv
  # correctness first (untimed; it also loads DuckDB into the page cache):
  # DuckDB's output must be cleave's, byte for byte
  cleave_run "$DUCK_THREADS" "$DATA/retail_1m.csv" "$dres/check"
  if ! duck_run "$dres/check" "$dout" 2> "$dres/err"; then
    DUCK_LINE="$DUCK_NOT (duckdb_run.mjs failed: $(tail -n 1 "$dres/err" | cut -c1-160))"
  elif ! cmp -s "$DATA/out_$DUCK_THREADS.csv" "$dout"; then
    first=$(cmp "$DATA/out_$DUCK_THREADS.csv" "$dout" 2>&1 | head -n 1 || true)
    if [ "$(sort "$DATA/out_$DUCK_THREADS.csv" | md5sum)" = "$(sort "$dout" | md5sum)" ]; then
      first="$first; the same lines in another order"
    fi
    DUCK_LINE="$DUCK_NOT (DuckDB's output differs from cleave's: $first)"
  fi
fi
if [ "$duck_mode" = 1 ] && [ -z "$DUCK_LINE" ]; then
  b0=$(busy_s)
  w0=$(date +%s.%N)
  for ((r = 1; r <= ROUNDS; r++)); do
    progress "bench: DuckDB round $r/$ROUNDS"
    cleave_run "$DUCK_THREADS" "$DATA/retail_1m.csv" "$dres/cleave"
    duck_run "$dres/duck" "$dout" || die "duckdb_run.mjs failed in round $r (it ran before)"
  done
  progress ""
  b1=$(busy_s)
  w1=$(date +%s.%N)
  others=$(cat "$dres/cleave" "$dres/duck" | awk -v b0="$b0" -v b1="$b1" \
    -v w="$(awk -v a="$w0" -v b="$w1" 'BEGIN { print b - a }')" -v cores="$(nproc)" '{ ours += $2 + $3 }
      END { o = b1 - b0 - ours; if (o < 0) o = 0
            printf "%.1f CPU s in %.1f s (%.0f%% of the machine)", o, w, 100 * o / (w * cores) }')
  # "duckdb v1.5.6: threads 2, query 6.493 s, total 6.621 s"
  dver=$(head -n 1 "$dres/duck.line" | cut -d: -f1)
  echo
  echo "### DuckDB: retail-v1 in SQL (bench/duckdb_retail_v1.sql), $DUCK_THREADS threads, 1M rows"
  echo
  echo "$dver ($DUCK_PKG $DUCK_VERSION, node $(node --version)); its output is byte-identical to cleave's"
  echo "(checked before the rounds); $ROUNDS interleaved rounds (cleave, then DuckDB);"
  echo "other processes used $others while they ran."
  echo
  echo "| what | wall s, median (min..max) | CPU s | peak RSS MB | rows/s | / cleave |"
  echo "|------|---------------------------|------:|------------:|-------:|---------:|"
  read -r cw cwmin cwmax < <(cut -d' ' -f1 "$dres/cleave" | mmm)
  read -r ccpu _ _ < <(awk '{ print $2 + $3 }' "$dres/cleave" | mmm)
  read -r dw dwmin dwmax < <(cut -d' ' -f1 "$dres/duck" | mmm)
  read -r dcpu _ _ < <(awk '{ print $2 + $3 }' "$dres/duck" | mmm)
  read -r dq dqmin dqmax < <(sed 's/.*query \([0-9.]*\) s.*/\1/' "$dres/duck.line" | tail -n "$ROUNDS" | mmm)
  for row in "cleave run, $DUCK_THREADS threads|$cw|$cwmin|$cwmax|$ccpu|$dres/cleave" \
             "DuckDB, node process|$dw|$dwmin|$dwmax|$dcpu|$dres/duck" \
             "DuckDB, COPY alone|$dq|$dqmin|$dqmax|-|"; do
    IFS='|' read -r what w wmin wmax cpu f <<< "$row"
    rss=-
    [ -n "$f" ] && rss=$(awk '$4 > m { m = $4 } END { printf "%.1f", m * 1024 / 1e6 }' "$f")
    [ "$cpu" != - ] && cpu=$(printf '%.2f' "$cpu")
    printf '| %s | %.3f (%.3f..%.3f) | %s | %s | %.0f | %.2fx |\n' "$what" "$w" "$wmin" "$wmax" \
      "$cpu" "$rss" "$(awk -v s="$w" 'BEGIN { print 1000000 / s }')" "$(awk -v a="$w" -v b="$cw" 'BEGIN { print a / b }')"
  done
  echo
  echo "(DuckDB, COPY alone: the query's own time inside node, from duckdb_run.mjs; node's start-up,"
  echo "loading DuckDB and creating the database are the difference to the node process.)"
  DUCK_RATIO=$(awk -v a="$dw" -v b="$cw" 'BEGIN { printf "%.2f", a / b }')
  DUCK_CRATIO=$(awk -v a="$dcpu" -v b="$ccpu" 'BEGIN { printf "%.2f", a / b }')
  DUCK_QRATIO=$(awk -v a="$dq" -v b="$cw" 'BEGIN { printf "%.2f", a / b }')
  DUCK_LINE="- >= ${DUCK_MIN}x faster than DuckDB at $DUCK_THREADS threads: ${DUCK_RATIO}x, $(awk -v v="$DUCK_RATIO" -v l="$DUCK_MIN" 'BEGIN { print (v >= l) ? "met" : "MISSED" }') (CPU ratio ${DUCK_CRATIO}x; ${DUCK_QRATIO}x against DuckDB's COPY alone)"
  rm -rf "$dres"
  rm -f "$dout" "$DATA"/out_*.csv "$DATA"/rej_*.csv "$DATA"/summary_*.json "$DATA"/out_*.csv.lock
elif [ -n "${dres:-}" ]; then
  rm -rf "$dres"
  rm -f "$dout" "$DATA"/out_*.csv "$DATA"/rej_*.csv "$DATA"/summary_*.json "$DATA"/out_*.csv.lock
fi
[ -z "$DUCK_LINE" ] && DUCK_LINE="$DUCK_NOT (BENCH_DUCKDB=0)"

echo
echo "### targets (1M rows; ratios are median / median of the runs above)"
echo
echo "- 1 thread <= ${T1_MAX}x parse-only: ${RATIO_T1}x, $(verdict "$RATIO_T1" "$T1_MAX") (CPU ratio ${CRATIO_T1}x)"
if [ -n "$RATIO_TN" ]; then
  echo "- $THREADS threads <= ${TN_MAX}x parse-only: ${RATIO_TN}x, $(verdict "$RATIO_TN" "$TN_MAX") (CPU ratio ${CRATIO_TN}x, the CPU of all ${THREADS} threads)"
else
  echo "- N threads <= ${TN_MAX}x parse-only: not measured (BENCH_THREADS=1)"
fi
have10=""
for s in "${RSS_SEEN[@]}"; do
  read -r lab rest <<< "$s"
  rss=${rest##* }
  what=${rest% *}
  [ "$lab" = 10M ] && have10=1
  echo "- peak RSS < ${RSS_MAX_MB} MB at $lab rows, $what: $rss MB, $(awk -v v="$rss" -v l="$RSS_MAX_MB" 'BEGIN { print (v < l) ? "met" : "MISSED" }')"
done
[ -z "$have10" ] && echo "- peak RSS < ${RSS_MAX_MB} MB at 10M rows: not measured (run with BENCH_10M=1)"
if [ -n "$SEG_RATIO" ]; then
  echo "- retail-v1 + 500 segments <= ${SEG500_MAX}x retail-v1 alone, 1 thread: ${SEG_RATIO}x, $(verdict "$SEG_RATIO" "$SEG500_MAX") (CPU ratio ${SEG_CRATIO}x)"
else
  echo "- retail-v1 + 500 segments <= ${SEG500_MAX}x retail-v1 alone: not measured (BENCH_CURVE=0)"
fi
echo "$DUCK_LINE"
exit 0
