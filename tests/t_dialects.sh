#!/bin/sh
# SPDX-License-Identifier: MIT
# t_dialects.sh -- dialects and encodings (issue #8): a European Excel export
# (';', BOM, CRLF, decimal comma), Latin-1 and cp1252 files and an unquoted
# TSV give the same segments as the clean UTF-8 CSV, with flags and with
# engine.ini keys alike; delimiter = auto; wrong settings are not silently
# equal; invalid UTF-8 is counted per column, warned about in run, reported
# by check, and every output stays valid UTF-8 (U+FFFD) and valid JSON;
# output delimiter, BOM and CRLF; messages that name the likely cause.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
rules=$root/tests/fixtures/dialects/rules.lua
. "$root/tests/tap.sh"

py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3 2> /dev/null)
[ -n "$py" ] || skip_all "python3 is needed to write the dialect files"
command -v iconv > /dev/null 2>&1 || skip_all "iconv(1) is needed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_dialects.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

"$build/tools/gen_retail" --rows 3000 --seed 5 > gen.csv || exit 1

# the dialect files, from the generator's CSV (tests/fixtures/dialects/conv.py)
cp "$root/tests/fixtures/dialects/conv.py" conv.py || exit 1
conv() { "$py" conv.py "$@" || exit 1; }
conv clean gen.csv clean.csv
conv noeuro gen.csv clean_l1.csv
conv excel clean.csv excel.csv
conv tsv clean.csv tsv.csv
conv semicolon clean.csv semi.csv
iconv -f UTF-8 -t ISO-8859-1 clean_l1.csv > latin1.csv || exit 1
iconv -f UTF-8 -t CP1252 clean.csv > cp1252.csv || exit 1

# seg NAME INPUT [FLAGS...]: segment INPUT into NAME.csv; exit status in $rc
seg() {
  name=$1
  input=$2
  shift 2
  "$cleave" run --no-config --rules "$rules" --as-of 2026-11-01 --input "$input" \
    --output "$name.out" --rejects "$name.rej" --summary "$name.json" "$@" \
    > "$name.stdout" 2> "$name.err"
  rc=$?
}
# segini NAME INI: the same with -c INI (input, output and the rest in it)
segini() {
  "$cleave" run -c "$2" --rules "$rules" --as-of 2026-11-01 --output "$1.out" \
    --rejects "$1.rej" --summary "$1.json" > "$1.stdout" 2> "$1.err"
  rc=$?
}
same() { [ $rc -eq 0 ] && cmp -s "$1.out" "$2.out" && [ "$(wc -l < "$1.rej")" -eq 1 ]; }
json_ok() { "$py" -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$1"; }
utf8_ok() { iconv -f UTF-8 -t UTF-8 "$1" > /dev/null 2>&1; }
json_get() { "$py" -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8"))
for k in sys.argv[2:]: d = d[k]
print(d)' "$@" 2> /dev/null; }

seg base clean.csv
[ $rc -eq 0 ] && [ "$(wc -l < base.rej)" -eq 1 ]; okd $? "the clean UTF-8 CSV runs without rejects" base.err
# the fixture must make every setting matter
for m in zoe zurich euro inch thousands young_rich; do
  [ "$(json_get base.json micro $m)" -gt 0 ] 2> /dev/null
  ok $? "  ... micro '$m' is not empty in the clean run"
done
seg base_l1 clean_l1.csv
ok $rc "the clean file without a euro sign runs"

# --- the European Excel export -------------------------------------------------
seg excel excel.csv --delimiter semicolon --decimal comma
same excel base; okd $? "Excel export (';', BOM, CRLF, decimal comma) with --delimiter semicolon --decimal comma: the clean file's segments" excel.err
seg excel_chr excel.csv --delimiter ';' --decimal comma
same excel_chr base; okd $? "  ... --delimiter ';' (the character) works too" excel_chr.err
printf '[input]\npath = excel.csv\ndelimiter = semicolon\ndecimal = comma\n' > excel.ini
segini excel_ini excel.ini
same excel_ini base; okd $? "  ... and with [input] delimiter = semicolon, decimal = comma" excel_ini.err
seg excel_auto excel.csv --delimiter auto --decimal comma
same excel_auto base; okd $? "  ... and with --delimiter auto" excel_auto.err
seg excel_point excel.csv --delimiter semicolon
[ $rc -eq 9 ] && [ ! -e excel_point.out ] && grep -q '"status": "failed"' excel_point.json &&
  grep -q "column 'spend_12m': 3000 of 3000 values (100.0%) are not numbers" excel_point.err &&
  grep -q "decimal = comma in \[input\] (or --decimal comma)" excel_point.err
okd $? "  ... without --decimal comma: the run stops (exit 9, max_invalid_column), naming the column and the fix, no output (a failed summary)" excel_point.err
seg excel_point excel.csv --delimiter semicolon --max-invalid-column none
[ $rc -eq 0 ] && ! cmp -s excel_point.out base.csv && [ "$(json_get excel_point.json invalid_values)" -gt 0 ] &&
  [ "$(json_get excel_point.json invalid_values_by_column spend_12m)" -eq 3000 ]
okd $? "  ... with --max-invalid-column none: not the same segments, and the values are counted invalid per column" excel_point.err

# --- Latin-1 and cp1252 --------------------------------------------------------------
seg latin1 latin1.csv --encoding latin-1
same latin1 base_l1; okd $? "Latin-1 file with --encoding latin-1: the clean file's segments" latin1.err
printf '[input]\npath = latin1.csv\nencoding = latin-1\n' > latin1.ini
segini latin1_ini latin1.ini
same latin1_ini base_l1; okd $? "  ... and with [input] encoding = latin-1" latin1_ini.err
seg cp1252 cp1252.csv --encoding cp1252
same cp1252 base; okd $? "cp1252 file (with a euro sign) with --encoding cp1252: the clean file's segments" cp1252.err
printf '[input]\npath = cp1252.csv\nencoding = cp1252\n' > cp1252.ini
segini cp1252_ini cp1252.ini
same cp1252_ini base; okd $? "  ... and with [input] encoding = cp1252" cp1252_ini.err

# Latin-1 read as UTF-8 (the default): warned, counted, outputs still UTF-8
seg l1raw latin1.csv
[ $rc -eq 0 ] && grep -q "of column 'first_name' are not valid UTF-8" l1raw.err &&
  grep -q "encoding latin-1" l1raw.err
okd $? "Latin-1 read as UTF-8: run warns, naming the column and --encoding" l1raw.err
[ "$(json_get l1raw.json invalid_utf8 first_name)" -gt 0 ] 2> /dev/null &&
  [ "$(json_get l1raw.json invalid_utf8 notes)" -gt 0 ] 2> /dev/null
ok $? "  ... summary.json counts the invalid fields per column"
[ "$(json_get l1raw.json micro zoe)" = 0 ]; ok $? "  ... and the rule string does not match the Latin-1 bytes"
"$cleave" check --no-config --rules "$rules" --as-of 2026-11-01 --input latin1.csv > l1check.out 2>&1
grep -q "latin1.csv:[0-9]*: .* of column 'first_name' are not valid UTF-8" l1check.out &&
  ! grep -q "0 errors, 0 warnings" l1check.out
okd $? "  ... check reports it with a line, not '0 errors, 0 warnings'" l1check.out

# a cp1252 byte with no character (0x81) is invalid UTF-8 after conversion
{ head -n 1 clean.csv; sed -n 2p clean.csv | sed 's/^C/C\x81/'; } > cp_gap.csv
seg cpgap cp_gap.csv --encoding cp1252
[ $rc -eq 0 ] && [ "$(json_get cpgap.json invalid_utf8 customer_id)" = 1 ] && utf8_ok cpgap.out &&
  grep -q "$(printf 'C\357\277\275')" cpgap.out
okd $? "cp1252 byte 0x81 (no character): counted as invalid, written as U+FFFD" cpgap.err

# --- the unquoted TSV ----------------------------------------------------------------
seg tsv tsv.csv --delimiter tab --quote none
same tsv base; okd $? "unquoted TSV with a '\"' in a field, --delimiter tab --quote none: the clean file's segments, no rejects" tsv.err
printf '[input]\npath = tsv.csv\ndelimiter = tab\nquote = none\n' > tsv.ini
segini tsv_ini tsv.ini
same tsv_ini base; okd $? "  ... and with [input] delimiter = tab, quote = none" tsv_ini.err
seg tsv_auto tsv.csv --delimiter auto --quote none --verbose
same tsv_auto base && grep -q "delimiter = auto: the header line uses tab" tsv_auto.err
okd $? "  ... --delimiter auto picks tab and says so (info)" tsv_auto.err
seg tsv_small tsv.csv --delimiter tab --quote none --chunk-size 4096 --threads 3
same tsv_small base; okd $? "  ... also in 4 KB chunks on 3 threads (row boundaries ignore quotes)" tsv_small.err

# --- ';' without configuration: the message names the cause ------------------------
seg semi_plain semi.csv
[ $rc -eq 5 ] && grep -q "seems to use ';' as its delimiter: pass --delimiter semicolon" semi_plain.err
okd $? "';' file read with ',': exit 5, the message names ';' and --delimiter" semi_plain.err
seg semi_auto semi.csv --delimiter auto
same semi_auto base; okd $? "  ... and --delimiter auto reads it" semi_auto.err
printf 'customer_id\tage\nC1\t30\n' > tab1.csv
seg tab1 tab1.csv
[ $rc -eq 5 ] && grep -q "seems to use a tab as its delimiter: pass --delimiter tab" tab1.err
okd $? "a tab-separated header read with ',': the message names the tab" tab1.err

# --- column names that differ by spaces or case -----------------------------------
sed '1s/,age,/, Age ,/' clean.csv > spaced.csv
seg spaced spaced.csv
[ $rc -eq 4 ] && grep -q "column 'age' is not in the header of spaced.csv, but the header has ' Age ' (it differs by spaces and case)" spaced.err
okd $? "a rule column that differs by spaces and case: the message says so" spaced.err
sed '1s/^customer_id,/Customer_ID,/' clean.csv > idcase.csv
seg idcase idcase.csv
[ $rc -eq 5 ] && grep -q "no column 'customer_id' for the customer id, but the header has 'Customer_ID' (it differs by case)" idcase.err
okd $? "an id column that differs by case: the message says so" idcase.err

# --- invalid UTF-8 in a UTF-8 file ---------------------------------------------------------
ff=$(printf '\377\376') e=$(printf '\353') ov=$(printf '\300\257')
{
  head -n 3 clean.csv
  sed -n 4p clean.csv | sed "s/^C/C$ff/"                    # the id
  sed -n 5p clean.csv | sed "s/^\([^,]*\),[^,]*,/\\1,Zo$e,/" # first_name: Latin-1 e-diaeresis
  sed -n 6p clean.csv | sed "s/^C/C$ov/; s/\$/,extra/"      # overlong; rejected (width)
  tail -n +7 clean.csv
} > badutf.csv
seg bad badutf.csv
[ $rc -eq 0 ] && grep -q "badutf.csv:4: 1 value of column 'customer_id' is not valid UTF-8" bad.err &&
  grep -q "badutf.csv:5: 1 value of column 'first_name' is not valid UTF-8" bad.err
okd $? "invalid UTF-8 in the id and a text field: run warns with the first line of each" bad.err
utf8_ok bad.out && grep -q "^C$(printf '\357\277\275\357\277\275')" bad.out
ok $? "  ... the output is valid UTF-8, each bad byte a U+FFFD"
utf8_ok bad.rej && grep -q "$(printf 'C\357\277\275\357\277\275')" bad.rej
ok $? "  ... the reject file too"
json_ok bad.json && [ "$(json_get bad.json invalid_utf8 customer_id)" = 1 ] &&
  [ "$(json_get bad.json invalid_utf8 first_name)" = 1 ]
ok $? "  ... summary.json parses and counts 1 per column"
"$cleave" check --no-config --rules "$rules" --as-of 2026-11-01 --input badutf.csv > badcheck.out 2>&1
grep -q "badutf.csv:4: 1 value of column 'customer_id' is not valid UTF-8" badcheck.out
okd $? "  ... check reports it with its line" badcheck.out
"$cleave" explain --no-config --rules "$rules" --as-of 2026-11-01 --input badutf.csv --row 3 > badexpl.out 2>&1
utf8_ok badexpl.out && grep -q "$(printf 'C\357\277\275')" badexpl.out
okd $? "  ... explain's output is valid UTF-8" badexpl.out
l1name=$(printf 'caf\351.csv')
cp clean.csv "$l1name"
seg l1path "$l1name"
[ $rc -eq 0 ] && json_ok l1path.json && utf8_ok l1path.json &&
  [ "$(json_get l1path.json input)" = "$(printf 'caf\357\277\275.csv')" ]
okd $? "a Latin-1 input path: summary.json is valid UTF-8 and JSON (U+FFFD)" l1path.err

# --- the output dialect ----------------------------------------------------------------------
seg xout clean.csv --output-delimiter semicolon --output-bom --crlf
[ $rc -eq 0 ] && [ "$(head -c 3 xout.out | od -An -tx1 | tr -d ' ')" = efbbbf ] &&
  [ "$(grep -c "$(printf '\r')\$" xout.out)" -eq "$(wc -l < xout.out)" ]
okd $? "--output-delimiter semicolon --output-bom --crlf: a BOM and CRLF on every line" xout.err
conv unexcel xout.out xout_back.csv
cmp -s xout_back.csv base.out; ok $? "  ... read back as ';' CSV it is the clean output (segment lists quoted)"
printf '[input]\npath = clean.csv\n[output]\ndelimiter = semicolon\nbom = yes\nline_ending = crlf\n' > xout.ini
segini xout_ini xout.ini
[ $rc -eq 0 ] && cmp -s xout_ini.out xout.out; okd $? "  ... the same with [output] delimiter, bom, line_ending" xout_ini.err

# --- flags and keys that are wrong ----------------------------------------------------------
"$cleave" run --no-config --rules "$rules" --input clean.csv --delimiter x > /dev/null 2> flag.err
[ $? -eq 2 ] && grep -q "delimiter x: give comma, semicolon, tab or pipe" flag.err
okd $? "--delimiter x: exit 2, the words to use" flag.err
"$cleave" run --no-config --rules "$rules" --input clean.csv --encoding ebcdic > /dev/null 2> flag.err
[ $? -eq 2 ] && grep -q "utf-8, latin-1 or cp1252" flag.err; okd $? "--encoding ebcdic: exit 2" flag.err
printf '[input]\npath = clean.csv\ndecimal = dot\n' > bad.ini
segini badini bad.ini
[ $rc -eq 3 ] && grep -q "bad.ini:3: decimal = 'dot' is not point or comma" badini.err
okd $? "decimal = dot in engine.ini: exit 3 naming the line" badini.err

check_summaries "$tmp"
done_testing
