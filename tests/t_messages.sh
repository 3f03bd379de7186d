#!/bin/sh
# SPDX-License-Identifier: MIT
# t_messages.sh -- messages a user reads, and the one row-acceptance rule.
#
# 1. One rule decides whether a row is taken (engine/row_accept.c): explain
#    of a row that run rejects says so with run's own reason and exits 1;
#    check gives the same reason.
# 2. error() with a value that is not a text names file:line and what was
#    raised.
# 3. The log writes one line per message: newlines, CRs, ESC and other
#    control characters in rule print()/error(), plugin messages and names
#    are escaped (\n, \r, \x1b), so nothing can forge a "cleave: ..." line.
# 4. Header messages: a second byte-order mark; a bad header ended by a bare
#    CR is on line 1; the header error paths free what they read (under the
#    sanitizer build: LeakSanitizer; under the plain build: valgrind).
#
# Needs $CLEAVE_BUILD. POSIX sh; prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_messages.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# Run from an empty directory: cleave reads ./engine.ini when there is one.
cd "$tmp" || exit 1
. "$root/tests/tap.sh"

if [ ! -x "$cleave" ]; then
  ok 1 "not built: $cleave"
  done_testing
fi

# cl NAME CMD ARGS...: cleave CMD --plugins P ARGS > NAME.out 2> NAME.err; $rc
cl() {
  cl_name=$1 cl_cmd=$2
  shift 2
  "$cleave" "$cl_cmd" --plugins "$plugins" --as-of 2026-11-01 "$@" \
    > "$tmp/$cl_name.out" 2> "$tmp/$cl_name.err"
  rc=$?
}
has() { grep -qF -- "$2" "$1"; } # FILE TEXT
# show NAME: its exit status, stdout and stderr as TAP comments
show() {
  echo "# exit status $rc"
  diag "$tmp/$1.out" 8
  diag "$tmp/$1.err" 8
}

printf '%s\n' 'local age = number "age"' 'micro "adult" { age:at_least(18) }' > r.lua
# line 2: A; line 3: an empty id; line 4: three fields
printf 'customer_id,age\nA,30\n,40\nB,40,extra\n' > in.csv

# --- 1. one row-acceptance rule ------------------------------------------------

cl run run --rules r.lua --input in.csv --output out.csv --rejects rej.csv -q
[ $rc -eq 0 ] && has rej.csv '3,the customer id (column customer_id) is empty,' &&
  has rej.csv '4,"has 3 fields, the header has 2",'
st=$?
ok $st "run rejects the empty id (line 3) and the three-field row (line 4)"
[ $st -eq 0 ] || { show run; diag rej.csv; }

cl empty explain --rules r.lua --input in.csv --row 2
[ $rc -eq 1 ] &&
  has empty.out "in.csv:3: this row is rejected by cleave run: the customer id (column customer_id) is empty" &&
  ! has empty.out "micro segments"
st=$?
ok $st "explain --row of an empty-id row: exit 1, run's reason, no tree"
[ $st -eq 0 ] || show empty

cl wide explain --rules r.lua --input in.csv B
[ $rc -eq 1 ] && has wide.out "in.csv:4: this row is rejected by cleave run: has 3 fields, the header has 2"
st=$?
ok $st "explain of a row with too many fields: exit 1, the reason run writes in its reject file"
[ $st -eq 0 ] || show wide

cl good explain --rules r.lua --input in.csv --row 1
[ $rc -eq 0 ] && has good.out "customer A: in.csv line 2" && has good.out "✓ adult: age >= 18  (age = 30)"
st=$?
ok $st "explain of a row run takes: exit 0, the tree"
[ $st -eq 0 ] || show good

cl check check --rules r.lua --input in.csv
has check.out "in.csv:3: 2 of the 3 rows checked would be rejected by cleave run (the first: the customer id (column customer_id) is empty)"
st=$?
ok $st "check: the same rows rejected, for the same reason"
[ $st -eq 0 ] || show check

# --- 2. error() with a value that is not a text ----------------------------------

printf '%s\n' 'local age = number "age"' 'error(nil)' > enil.lua
printf '%s\n' 'local age = number "age"' 'local t = {}' '' 'error(t)' > etab.lua
printf '%s\n' 'local age = number "age"' 'local function f()' '  error({})' 'end' 'f()' > efun.lua

cl enil run --rules enil.lua --input in.csv --output out.csv
[ $rc -eq 4 ] && has enil.err "cleave: error: enil.lua:2: error() called with a nil value"
st=$?
ok $st "error(nil): exit 4, file:line and 'error() called with a nil value'"
[ $st -eq 0 ] || show enil

cl etab run --rules etab.lua --input in.csv --output out.csv
[ $rc -eq 4 ] && has etab.err "cleave: error: etab.lua:4: error() called with a table value" &&
  ! has etab.err "table: 0x"
st=$?
ok $st "error({}): exit 4, file:line and 'error() called with a table value'"
[ $st -eq 0 ] || show etab

cl efun check --rules efun.lua --input in.csv
[ $rc -eq 4 ] && has efun.out "error: efun.lua:3: error() called with a table value"
st=$?
ok $st "error({}) in a function, in cleave check: the line of the error() call"
[ $st -eq 0 ] || show efun

# --- 3. one message, one line -------------------------------------------------------

# info and debug lines reach a stderr that is not a terminal only with
# --verbose, in builds that have it
verbose=""
"$cleave" run --help 2>&1 | grep -q -- '--verbose' && verbose=--verbose
# only "cleave: " lines in FILE
only_cleave_lines() { ! grep -qv '^cleave: ' "$1"; }
# no raw CR or ESC in FILE
no_controls() { ! grep -q "$(printf '[\r\033]')" "$1"; }
printf 'customer_id,age\nA,30\n' > one.csv

printf '%s\n' 'local age = number "age"' \
  'print("hi\ncleave: info: forged\r\27[31m")' 'micro "adult" { age:at_least(18) }' > pr.lua
cl print run $verbose --rules pr.lua --input one.csv --output out.csv
[ $rc -eq 0 ] && [ "$(grep -c forged print.err)" -eq 1 ] && no_controls print.err &&
  has print.err 'cleave: info: pr.lua:2: hi\ncleave: info: forged\r\x1b[31m'
st=$?
ok $st "print() with a newline, a CR and ESC: one log line, each escaped (backslash n, r, x1b)"
[ $st -eq 0 ] || show print

printf '%s\n' 'local age = number "age"' 'error("bad\ncleave: error: forged")' > enl.lua
cl enl run --rules enl.lua --input in.csv --output out.csv
[ $rc -eq 4 ] && only_cleave_lines enl.err && [ "$(wc -l < enl.err)" -eq 1 ] &&
  has enl.err 'cleave: error: enl.lua:2: bad\ncleave: error: forged'
st=$?
ok $st "error() with a newline: one log line, the newline escaped"
[ $st -eq 0 ] || show enl

# a plugin's message (the template plugin logs its separators at debug level)
esc=$(printf '\033')
printf '[engine]\nlog_level = debug\n[plugin.template]\nseparators = ,%s[31m;\n' "$esc" > tpl.ini
# init runs only for a plugin the rule file names (docs/plugins.md)
printf '%s\n' 'local age = number "age"' 'local w = template.word_count(text "age")' \
  'micro "adult" { age:at_least(18), w:at_least(0) }' > tpl.lua
"$cleave" run $verbose -c tpl.ini --plugins "$build/plugins-extra" --rules tpl.lua --input one.csv \
  --output out.csv > tpl.out 2> tpl.err
rc=$?
[ $rc -eq 0 ] && no_controls tpl.err &&
  has tpl.err 'cleave: debug: plugin: template: ready (extra separators: ,\x1b[31m;)'
st=$?
ok $st "a plugin's log message with ESC: escaped (backslash x1b)"
[ $st -eq 0 ] || show tpl

# a name from the command line
nl='
'
cl name run --rules r.lua --input "no${nl}cleave: error: such.csv" --output out.csv
[ $rc -eq 5 ] && only_cleave_lines name.err && has name.err 'no\ncleave: error: such.csv'
st=$?
ok $st "an input name with a newline in an error message: escaped"
[ $st -eq 0 ] || show name

# --- 4. header messages and error paths -------------------------------------------------

printf '\357\273\277\357\273\277customer_id,age\nA,30\n' > bom2.csv
cl bom2 run --rules r.lua --input bom2.csv --output out.csv
[ $rc -eq 5 ] && has bom2.err "bom2.csv:1: the header starts with a byte-order mark twice" &&
  ! has bom2.err "did you mean"
st=$?
ok $st "a second byte-order mark: exit 5, said so (no did-you-mean)"
[ $st -eq 0 ] || show bom2

printf '\357\273\277customer_id,age\nA,30\n' > bom1.csv
cl bom1 run --rules r.lua --input bom1.csv --output out.csv -q
[ $rc -eq 0 ]
st=$?
ok $st "one byte-order mark is still fine"
[ $st -eq 0 ] || show bom1

printf 'customer_id,a"ge\rA,30\r' > cr.csv
cl cr run --rules r.lua --input cr.csv --output out.csv
[ $rc -eq 5 ] && has cr.err "cr.csv:1: cannot read the header row: a quote inside an unquoted field"
st=$?
ok $st "a bad header ended by a bare CR: reported on line 1"
[ $st -eq 0 ] || show cr

printf '\n\ncustomer_id,a"ge\nA,30\n' > blank.csv
cl blank run --rules r.lua --input blank.csv --output out.csv
[ $rc -eq 5 ] && has blank.err "blank.csv:3: cannot read the header row"
st=$?
ok $st "a bad header after two blank lines: reported on line 3"
[ $st -eq 0 ] || show blank

printf 'customer_id,"age' > open.csv
cl open run --rules r.lua --input open.csv --output out.csv
[ $rc -eq 5 ] && has open.err "open.csv:1: cannot read the header row: a quoted field is never closed"
st=$?
ok $st "a header with an unterminated quote and no line end: reported on line 1"
[ $st -eq 0 ] || show open

# the header's error paths free what they read
printf 'customer_id,age,age\nA,1,2\n' > dup.csv
: > empty.csv
printf 'customer_id,age\n' > ho.csv
printf 'customer_id,a\000ge\nA,1\n' > nul.csv
printf 'customer_id,a"ge\r"x\rA,1\r' > cr3.csv
bad_headers="cr cr3 open dup empty ho nul bom2"
if [ -n "${SAN:-}" ]; then
  for f in $bad_headers; do
    for cmd in run check explain; do
      case $cmd in run) a="--output out.csv -q" ;; check) a="" ;; explain) a="--row 1" ;; esac
      # shellcheck disable=SC2086
      cl "leak_${f}_$cmd" $cmd --rules r.lua --input $f.csv $a
      st=0
      ! grep -q "LeakSanitizer\|AddressSanitizer" "$tmp/leak_${f}_$cmd.err" || st=1
      ok $st "$cmd with header $f.csv: no leak, no ASan error (exit $rc)"
      [ $st -eq 0 ] || grep -A6 "Sanitizer" "$tmp/leak_${f}_$cmd.err" | head -n 12 | sed 's/^/# /'
    done
  done
elif command -v valgrind > /dev/null 2>&1; then
  for f in cr cr3; do
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
      "$cleave" run --plugins "$plugins" --rules r.lua --input $f.csv --output out.csv -q \
      > vg.out 2> vg.err
    rc=$?
    [ $rc -eq 5 ]
    st=$?
    ok $st "valgrind: run with header $f.csv: exit 5, no leak"
    [ $st -eq 0 ] || diag vg.err 20
  done
else
  skip "the header's error paths leak nothing" "neither a sanitizer build nor valgrind"
fi

# --- 5. authoring papercuts (issue 13) ------------------------------------------

# A shipped plugin's name used without its plugin: name the missing folder,
# not "did you mean 'date'".
printf '%s\n' 'local d = date "signup"' 'micro "recent" { dates.within_days(d, 30) }' > plug.lua
printf 'customer_id,signup\nA,2026-10-20\n' > plug.csv
"$cleave" check --no-config --as-of 2026-11-01 --rules plug.lua --input plug.csv > noplug.out 2> noplug.err
rc=$?
[ $rc -eq 4 ] && has noplug.out "plug.lua:2: in micro segment 'recent': 'dates' is a plugin, but no plugin folder is configured: pass --plugins DIR or set plugins = DIR in [engine] of engine.ini" &&
  ! has noplug.out "did you mean"
st=$?
ok $st "dates.x without --plugins: 'dates' is a plugin, no plugin folder configured (exit 4)"
[ $st -eq 0 ] || show noplug
mkdir -p emptyplugins
"$cleave" check --no-config --as-of 2026-11-01 --plugins emptyplugins --rules plug.lua --input plug.csv > wrongdir.out 2>&1
rc=$?
[ $rc -eq 4 ] && has wrongdir.out "'dates' is a plugin, but the plugin folder emptyplugins has no dates.so"
st=$?
ok $st "--plugins naming a folder without dates.so: that folder and dates.so are named"
[ $st -eq 0 ] || show wrongdir
printf '%s\n' 'local d = date "signup"' 'micro "recent" { datez.within_days(d, 30) }' > plug2.lua
cl plugtypo check --rules plug2.lua --input plug.csv
[ $rc -eq 4 ] && has plugtypo.out "'datez' is not defined (did you mean 'date" && ! has plugtypo.out "is a plugin"
st=$?
ok $st "a name that is no plugin's keeps its did-you-mean"
[ $st -eq 0 ] || show plugtypo

# explain: an empty field "is missing"; one the type cannot read shows its
# text; the segment list is ';'-separated like the output's.
printf '%s\n' 'local spend = number "spend"' 'local age = number "age"' \
  'micro "big" { spend:above(500) }' 'micro "no_spend" { is_missing(spend) }' \
  'micro "no_age" { is_missing(age) }' > ex.lua
printf 'customer_id,spend,age\nA,"1,000",\nB, ,40\nC,600,41\nD,700,42\nE,800,43\n' > ex.csv
cl exA explain --rules ex.lua --input ex.csv A
[ $rc -eq 0 ] && has exA.out '(spend is not a number: "1,000" (read as missing))' &&
  has exA.out '(age is missing)' && has exA.out 'micro segments: no_spend;no_age'
st=$?
ok $st "explain: '1,000' shown as not a number (read as missing), an empty age as missing, segments joined with ;"
[ $st -eq 0 ] || show exA
cl run_ex run --rules ex.lua --input ex.csv --output ex.out.csv -q
[ $rc -eq 0 ] && has ex.out.csv 'A,no_spend;no_age'
st=$?
ok $st "  ... the same list as run writes"
[ $st -eq 0 ] || { show run_ex; diag ex.out.csv; }
cl exB explain --rules ex.lua --input ex.csv B
[ $rc -eq 0 ] && has exB.out '(spend is not a number: " " (read as missing))'
st=$?
ok $st "explain: a lone space is shown as it is"
[ $st -eq 0 ] || show exB

# check: blank number values are a note saying they count as missing, with
# no currency advice; check --strict passes.
cl blankcheck check --rules ex.lua --input ex.csv --strict
[ $rc -eq 1 ] && has blankcheck.out "warning: ex.lua:1: column 'spend' is read as a number, but 2 of its 5 values checked are not (e.g. \"1,000\" at line 2" &&
  has blankcheck.out "1 of them is blank (only spaces, first at line 3), which counts as missing"
st=$?
ok $st "check: a '1,000' and a blank: a warning quoting '1,000', the blank counted as missing (--strict exit 1)"
[ $st -eq 0 ] || show blankcheck
printf 'customer_id,spend,age\nA,  ,\nB,12,40\n' > blank2.csv
cl blank2 check --rules ex.lua --input blank2.csv --strict
[ $rc -eq 0 ] && has blank2.out "note: ex.lua:1: column 'spend' is read as a number, but 1 of its 2 values checked is blank (only spaces" &&
  has blank2.out 'blank values (only spaces) count as missing' && ! has blank2.out 'currency'
st=$?
ok $st "check: only blank values: a note, 'blank values count as missing', --strict passes"
[ $st -eq 0 ] || show blank2

# may_be_empty: no warning for a value or segment meant to stay empty; the
# same file without it warns.
printf '%s\n' 'local age = number "age"' 'macro "band" {' '  { "unknown", is_missing(age) },' \
  '  { "adult", age:at_least(18) },' '  otherwise = "minor",' '  may_be_empty = { "unknown", "minor" },' '}' \
  'micro "ageless" { is_missing(age), may_be_empty = true }' > mbe.lua
printf 'customer_id,age\nA,30\nB,40\n' > mbe.csv
cl mbe check --rules mbe.lua --input mbe.csv --sample 10 --strict
[ $rc -eq 0 ] && has mbe.out "0 errors, 0 warnings" && has mbe.out "unknown 0 (0.0%)"
st=$?
ok $st "may_be_empty: an empty 'unknown', otherwise and segment pass --strict"
[ $st -eq 0 ] || show mbe
printf '%s\n' 'local age = number "age"' 'macro "band" {' '  { "unknown", is_missing(age) },' \
  '  { "adult", age:at_least(18) },' '  otherwise = "minor",' '}' 'micro "ageless" { is_missing(age) }' > mbe2.lua
cl mbe2 check --rules mbe2.lua --input mbe.csv --sample 10 --strict
[ $rc -eq 1 ] && has mbe2.out "no row of the sample gets the otherwise value 'minor'; if that is expected, say so with may_be_empty = { \"minor\" }" &&
  has mbe2.out "micro segment 'ageless' is empty in the sample (0 of 2 rows); if that is expected, say so with may_be_empty = true" &&
  has mbe2.out "0 errors, 3 warnings"
st=$?
ok $st "  ... without it: 3 warnings naming may_be_empty, --strict fails"
[ $st -eq 0 ] || show mbe2
sed 's/"unknown", "minor"/"unknwn"/' mbe.lua > mbe3.lua
cl mbe3 check --rules mbe3.lua --input mbe.csv
[ $rc -eq 4 ] && has mbe3.out "mbe3.lua:2: in macro split 'band': may_be_empty: 'unknwn' is not a value of macro split 'band' (did you mean 'unknown'?)"
st=$?
ok $st "may_be_empty naming a value the split lacks: exit 4, did you mean"
[ $st -eq 0 ] || show mbe3
sed 's/may_be_empty = true/may_be_empty = "yes"/' mbe.lua > mbe4.lua
cl mbe4 check --rules mbe4.lua --input mbe.csv
[ $rc -eq 4 ] && has mbe4.out "may_be_empty must be true or false"
st=$?
ok $st "may_be_empty = \"yes\" in a micro segment: must be true or false"
[ $st -eq 0 ] || show mbe4

done_testing
