#!/bin/sh
# SPDX-License-Identifier: MIT
# t_compressed.sh -- gzip and zstd input read directly, chosen by the magic
# bytes (not the file name), from files and standard input; concatenated
# members; truncated and corrupt data are input errors (exit 5) with no
# output written.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
rules=$root/scripts/retail_v1.lua
. "$root/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_compressed.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

"$build/tools/gen_retail" --rows 30000 --seed 7 > plain.csv || exit 1
# seg NAME INPUT [< stdin]: segment INPUT into NAME.csv; exit status in $rc
seg() {
  name=$1
  shift
  "$cleave" run -q --no-config --rules "$rules" --plugins "$plugins" --as-of 2026-11-01 \
    --input "$1" --output "$name.csv" --rejects "$name.rej" --summary "$name.json" \
    > "$name.stdout" 2> "$name.err"
  rc=$?
}
seg base plain.csv
ok $rc "the plain file runs"

have() { command -v "$1" > /dev/null 2>&1; }

if have gzip; then
  gzip -c plain.csv > in.csv.gz
  seg gz in.csv.gz
  [ $rc -eq 0 ] && cmp -s gz.csv base.csv
  okd $? "gzip file: the same segments as the plain file" gz.err
  cmp -s gz.rej base.rej; ok $? "  ... and the same reject file"
  cp in.csv.gz in.data # no .gz in the name: the magic bytes decide
  seg gzname in.data
  [ $rc -eq 0 ] && cmp -s gzname.csv base.csv; okd $? "gzip data under a name without .gz" gzname.err
  seg gzstdin - < in.csv.gz
  [ $rc -eq 0 ] && cmp -s gzstdin.csv base.csv; okd $? "gzip on standard input" gzstdin.err
  head -n 15001 plain.csv | gzip -c > a.gz
  tail -n +15002 plain.csv | gzip -c > b.gz
  cat a.gz b.gz > ab.gz
  seg gzcat ab.gz
  [ $rc -eq 0 ] && cmp -s gzcat.csv base.csv; okd $? "two gzip members one after the other (cat a.gz b.gz)" gzcat.err
  size=$(wc -c < in.csv.gz)
  head -c $((size / 2)) in.csv.gz > trunc.gz
  seg trunc trunc.gz
  [ $rc -eq 5 ] && grep -q "trunc.gz: the gzip data ends in the middle" trunc.err && [ ! -e trunc.csv ]
  okd $? "a truncated gzip file: exit 5, says so, no output" trunc.err
  { head -c 5000 in.csv.gz; head -c 3000 /dev/zero | tr '\0' 'x'; tail -c +8001 in.csv.gz; } > bad.gz
  seg bad bad.gz
  [ $rc -eq 5 ] && grep -q "bad.gz: corrupt gzip data" bad.err && [ ! -e bad.csv ]
  okd $? "corrupt gzip data: exit 5, says so, no output" bad.err
else
  skip "gzip input" "gzip is not installed"
fi

if have zstd; then
  zstd -q -c plain.csv > in.csv.zst
  seg zst in.csv.zst
  [ $rc -eq 0 ] && cmp -s zst.csv base.csv; okd $? "zstd file: the same segments as the plain file" zst.err
  seg zststdin - < in.csv.zst
  [ $rc -eq 0 ] && cmp -s zststdin.csv base.csv; okd $? "zstd on standard input" zststdin.err
  head -n 15001 plain.csv | zstd -q -c > a.zst
  tail -n +15002 plain.csv | zstd -q -c > b.zst
  cat a.zst b.zst > ab.zst
  seg zstcat ab.zst
  [ $rc -eq 0 ] && cmp -s zstcat.csv base.csv; okd $? "two zstd frames one after the other" zstcat.err
  size=$(wc -c < in.csv.zst)
  head -c $((size / 2)) in.csv.zst > trunc.zst
  seg ztrunc trunc.zst
  [ $rc -eq 5 ] && grep -q "trunc.zst: the zstd data ends in the middle" ztrunc.err && [ ! -e ztrunc.csv ]
  okd $? "a truncated zstd file: exit 5, says so, no output" ztrunc.err
else
  skip "zstd input" "zstd is not installed"
fi

# a plain file that happens to start like nothing compressed, 1 byte long
printf 'c' > one.csv
seg onebyte one.csv
[ $rc -eq 5 ]; okd $? "a one-byte plain file is read as plain (no header: exit 5)" onebyte.err

# --- formats cleave does not read: named by their magic bytes, with what to do --------
# (written byte by byte, so no compressor is needed; the header alone is enough)
other() { # NAME BYTES WHAT
  printf "$2" > "$1"
  head -c 4000 plain.csv >> "$1"
  seg other "$1"
  [ $rc -eq 5 ] && grep -q "$1 is $3" other.err && [ ! -e other.csv ]
  okd $? "$1: exit 5, named as $3, no output" other.err
}
other in.bz2 'BZh91AY&SY' "bzip2-compressed"
grep -q "bzcat FILE | cleave run --input -" other.err; okd $? "  ... with the command that reads it" other.err
other in.xz '\375\067\172\130\132\000' "xz-compressed"
other in.lz4 '\004\042\115\030' "lz4-compressed"
other in.xlsx 'PK\003\004' "a zip archive (an .xlsx workbook is one)"
other in.utf16 '\377\376' "UTF-16 text (little-endian"
grep -q "iconv -f UTF-16 -t UTF-8" other.err; okd $? "  ... UTF-16: with the iconv command" other.err
printf 'BZ' > short.csv; seg short short.csv
! grep -q "bzip2" short.err; okd $? "a 2-byte file starting BZ is not taken for bzip2" short.err

check_summaries "$tmp"
done_testing
