#!/bin/sh
# SPDX-License-Identifier: MIT
# t_readers.sh -- the two CSV readers (issue #12): reader = fast (the
# vectorised scanner of engine/csv_fast.c, libcsv for any chunk it is unsure
# of) and reader = libcsv give byte-identical retail-v1 output and rejects
# for every thread count (1, 2, 3) and chunk size (1 KiB, 64 KiB, 1 MiB), on
# the fixtures and on generated files in every dialect the other tests use:
# plain (with quoted line ends), CRLF, the Excel export (';', BOM, CRLF,
# decimal comma), unquoted TSV (--quote none), ';', '|', Latin-1, cp1252,
# gzip and zstd, and a file with malformed rows (rejects in many chunks).
# Also --reader and [input] reader are read, and a wrong word is refused.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
rules=$root/scripts/retail_v1.lua
ini=$root/tests/fixtures/e2e/retail.ini
. "$root/tests/tap.sh"

py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3 2> /dev/null)
[ -n "$py" ] || skip_all "python3 is needed to write the dialect files"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_readers.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

rows=20000
[ -n "$SAN" ] && rows=4000 # the sanitizer build is ~10x slower
"$build/tools/gen_retail" --rows "$rows" --seed 12 > gen.csv || exit 1
cp "$root/tests/fixtures/dialects/conv.py" conv.py || exit 1
conv() { "$py" conv.py "$@" || exit 1; }
conv clean gen.csv clean.csv
conv noeuro gen.csv clean_l1.csv
conv excel clean.csv excel.csv
conv tsv clean.csv tsv.csv
conv semicolon gen.csv semi.csv
sed 's/$/\r/' gen.csv > crlf.csv
"$py" - gen.csv pipe.csv <<'PY' || exit 1
import csv, sys
r = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
csv.writer(open(sys.argv[2], 'w', newline='', encoding='utf-8'), delimiter='|', lineterminator='\n').writerows(r)
PY
# malformed rows scattered through the file: ragged, a quote inside a
# field, text after a closing quote, a bare CR, a NUL byte
"$py" - gen.csv messy.csv <<'PY' || exit 1
import sys
lines = open(sys.argv[1], 'rb').read().split(b'\n')
bad = [b'C9000001,1,2', b'C9000002,ab"c' + b',x' * 19, b'C9000003,"a"b' + b',x' * 19,
       b'C9000004,x\rC9000005' + b',x' * 19, b'C9000006,a\x00b' + b',x' * 19]
out = [lines[0]]
for i, l in enumerate(lines[1:], 1):
    out.append(l)
    if i % 997 == 0 and l.count(b'"') % 2 == 0:
        out.append(bad[(i // 997) % len(bad)])
open(sys.argv[2], 'wb').write(b'\n'.join(out))
PY
have() { command -v "$1" > /dev/null 2>&1; }
have iconv && iconv -f UTF-8 -t ISO-8859-1 clean_l1.csv > latin1.csv
have iconv && iconv -f UTF-8 -t CP1252 clean.csv > cp1252.csv
have gzip && gzip -c gen.csv > gen.csv.gz
have zstd && zstd -q -c gen.csv > gen.csv.zst

# run NAME INPUT FLAGS...: retail-v1 on INPUT into NAME.out / NAME.rej; $rc
run() {
  name=$1
  input=$2
  shift 2
  "$cleave" run -q -c "$ini" --plugins "$build/plugins" --input "$input" \
    --output "$name.out" --rejects "$name.rej" "$@" > "$name.stdout" 2> "$name.err"
  rc=$?
}

# matrix LABEL INPUT FLAGS...: libcsv, 1 thread, 1 MiB chunks is the
# reference; both readers x threads 1 2 3 x chunks 1 KiB 64 KiB 1 MiB equal it
matrix() {
  label=$1
  input=$2
  shift 2
  run ref "$input" --reader libcsv --threads 1 "$@"
  if [ $rc -ne 0 ] || [ ! -s ref.out ]; then
    okd 1 "$label: the libcsv reference run (exit $rc)" ref.err
    return
  fi
  bad=""
  for reader in libcsv fast; do
    for t in 1 2 3; do
      for cs in 1024 65536 1048576; do
        run got "$input" --reader "$reader" --threads "$t" --chunk-size "$cs" "$@"
        if [ $rc -ne 0 ] || ! cmp -s ref.out got.out || ! cmp -s ref.rej got.rej; then
          bad="$bad $reader/$t/$cs(exit $rc)"
          cp got.err "fail.err"
        fi
      done
    done
  done
  [ -z "$bad" ]
  okd $? "$label: $(($(wc -l < ref.out) - 1)) rows, $(($(wc -l < ref.rej) - 1)) rejects: byte-identical for both readers, 1-3 threads, 1 KiB-1 MiB chunks${bad:+ -- differ:$bad}" fail.err
}
: > fail.err

matrix "fixture retail_edge.csv" "$root/tests/fixtures/retail_edge.csv"
run edge "$root/tests/fixtures/retail_edge.csv" --reader fast
cmp -s edge.out "$root/tests/fixtures/retail_edge.expected.csv"
okd $? "  ... and reader fast gives retail_edge.expected.csv" edge.err
matrix "generated, ',' LF, quoted line ends" gen.csv
matrix "CRLF" crlf.csv
matrix "Excel export (';', BOM, CRLF, decimal comma)" excel.csv --delimiter semicolon --decimal comma
matrix "unquoted TSV, --quote none" tsv.csv --delimiter tab --quote none
matrix "';'" semi.csv --delimiter semicolon
matrix "'|'" pipe.csv --delimiter pipe
matrix "delimiter auto on ';'" semi.csv --delimiter auto
matrix "malformed rows (ragged, quotes, bare CR, NUL)" messy.csv
if have iconv; then
  matrix "Latin-1" latin1.csv --encoding latin-1
  matrix "cp1252" cp1252.csv --encoding cp1252
else
  skip "Latin-1" "iconv(1) is needed"
  skip "cp1252" "iconv(1) is needed"
fi
if have gzip; then matrix "gzip" gen.csv.gz; else skip "gzip" "gzip(1) is needed"; fi
if have zstd; then matrix "zstd" gen.csv.zst; else skip "zstd" "zstd(1) is needed"; fi

# the generated rows are really read by the fast reader (not all handed
# back to libcsv) -- t_csv_fast checks the return codes; here: the setting
printf '[input]\nreader = libcsv\n' > libcsv.ini
"$cleave" run -q -c libcsv.ini --rules "$rules" --plugins "$build/plugins" --as-of 2026-11-01 \
  --input gen.csv --output ini.out --rejects ini.rej > ini.stdout 2> ini.err
rc=$?
run ref gen.csv --reader fast
[ $rc -eq 0 ] && cmp -s ini.out ref.out; okd $? "[input] reader = libcsv runs, same output" ini.err
printf '[input]\nreader = simd\n' > bad.ini
"$cleave" run -q -c bad.ini --rules "$rules" --input gen.csv --output x.out > bad.out 2>&1
rc=$?
[ $rc -eq 3 ] && grep -q "reader = 'simd' is not fast or libcsv" bad.out
okd $? "[input] reader = simd: exit 3, names the key" bad.out
run badflag gen.csv --reader simd
[ $rc -eq 2 ] && grep -q -- "--reader simd: fast or libcsv" badflag.err
okd $? "--reader simd: exit 2 with the words" badflag.err
"$cleave" help run > help.out 2>&1
grep -q -- "--reader" help.out; ok $? "cleave help run lists --reader"
done_testing
