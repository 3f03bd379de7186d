#!/bin/sh
# SPDX-License-Identifier: MIT
# t_check.sh -- `cleave check`: the report (stdout), its exit code, and that
# it writes nothing. Rule files and inputs are in tests/fixtures/check/; the
# line numbers asserted here are the lines of those files.
#
# Every run uses the repository's engine.ini with the build's plugins and an
# explicit --input, from a fresh empty directory that must stay empty. Needs
# $CLEAVE_BUILD. Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
ini=$root/engine.ini
fix=$root/tests/fixtures
ck=$fix/check
edge=$fix/retail_edge.csv
expected=$fix/retail_edge.expected.csv
retail=$root/scripts/retail_v1.lua

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

. "$root/tests/tap.sh"

if [ ! -x "$cleave" ]; then
  ok 1 "not built: $cleave"
  done_testing
fi

# check ARGS...: run `cleave check` in a new empty directory; $rc, $out.
runs=0
check() {
  runs=$((runs + 1))
  dir=$tmp/run$runs
  mkdir "$dir"
  out=$tmp/out$runs
  (cd "$dir" && exec "$cleave" check -c "$ini" --plugins "$plugins" "$@") > "$out" 2> "$tmp/err"
  rc=$?
}
# show: the report as TAP comments (after a failure).
show() {
  echo "# exit status $rc"
  sed 's/^/#   /' "$out" | head -n 40
  sed 's/^/# stderr: /' "$tmp/err" | head -n 5
}
# says DESC CODE FRAGMENT...: the exit code is CODE and the report has each
# FRAGMENT (fixed strings, anywhere).
says() {
  says_d=$1 says_c=$2
  shift 2
  says_st=0
  [ "$rc" -eq "$says_c" ] || says_st=1
  for frag in "$@"; do
    grep -qF -- "$frag" "$out" || says_st=1
  done
  ok $says_st "$says_d"
  [ $says_st -eq 0 ] || show
}
# line_says DESC FRAGMENT...: one line of the report has every FRAGMENT.
line_says() {
  ls_d=$1
  shift
  cp "$out" "$tmp/lines"
  for frag in "$@"; do
    grep -F -- "$frag" "$tmp/lines" > "$tmp/lines2"
    mv "$tmp/lines2" "$tmp/lines"
  done
  ls_st=0
  [ -s "$tmp/lines" ] || ls_st=1
  ok $ls_st "$ls_d"
  [ $ls_st -eq 0 ] || show
}
# lacks DESC FRAGMENT: no line of the report has FRAGMENT.
lacks() {
  lk_st=0
  if grep -qF -- "$2" "$out"; then lk_st=1; fi
  ok $lk_st "$1"
  [ $lk_st -eq 0 ] || show
}
# wrote_nothing DESC: the run's directory is still empty.
wrote_nothing() {
  wn_st=0
  [ -z "$(ls -A "$dir")" ] || wn_st=1
  ok $wn_st "$1: nothing written"
  [ $wn_st -eq 0 ] || ls -A "$dir" | sed 's/^/# left: /'
}

# --- the shipped rules on the edge fixture ------------------------------------

check --rules "$retail" --input "$edge"
# the one warning: the edge fixture's 2-character postal code "10" gives
# geo.prefix(postal_code, 3) no result (a plugin failure, call_sites.h)
says "retail_v1 on the edge fixture: exit 0, no errors, the one warning of postal code \"10\"" 0 \
  "cleave check: $retail against $edge (as of 2026-11-01)" \
  "4 macro splits, 24 micro segments, 18 columns read; values checked in 59 rows" \
  "retail_v1.lua:112: geo.prefix(postal_code, 3): 1 of 58 present values gives no result (the first: \"10\" at line 49 of $edge)" \
  "0 errors, 1 warning"
lacks "retail_v1: no size report without --sample" "sample:"
wrote_nothing "retail_v1"

# --- macro cases that can never win -------------------------------------------

check --rules "$ck/unreachable.lua" --input "$edge"
says "unreachable cases are warnings: exit 0, 9 warnings" 0 "0 errors, 9 warnings"
line_says "age < 50 after age < 65 (line 10)" "warning: $ck/unreachable.lua:10:" \
  "macro split 'age_band': case 'under_50' can never win" "(age < 50)" \
  "case 'under_65' at line 9 (age < 65), which comes first"
line_says "at_most(49) after below(65): mixed boundaries (line 11)" "unreachable.lua:11:" \
  "case 'upto_49' can never win" "(age <= 49)" "case 'under_65' at line 9"
line_says "one_of subset (line 17)" "unreachable.lua:17:" "case 'isles' can never win" \
  "(country in {GB, IE})" "case 'europe' at line 16 (country in {DE, FR, GB, IE})"
line_says "is as a one-value set (line 18)" "unreachable.lua:18:" "case 'german' can never win" \
  "(country = \"DE\")" "case 'europe' at line 16"
line_says "between inside a between (line 25)" "unreachable.lua:25:" \
  "case 'narrow' can never win" "(spend_12m between 200 and 300)" \
  "case 'mid' at line 24 (spend_12m between 100 and 1000)"
line_says "the same condition (one Lua local) twice" "macro split 'twice': case 'rich_again'" \
  "it repeats the condition of case 'rich'" "(income >= 100000)"
line_says "is_missing twice (line 35)" "unreachable.lua:35:" "case 'no_age_2' can never win" \
  "repeats the condition of case 'no_age' at line 34 (age is missing)"
line_says "a condition written twice (line 37)" "unreachable.lua:37:" \
  "case 'poor_2' can never win" "repeats the condition of case 'poor' at line 36"
line_says "within a value only dead cases give (line 41)" "unreachable.lua:41:" \
  "micro segment 'isles_spenders' is scoped to region 'isles'" "always empty"
lacks "a case that can win is not reported ('wide')" "case 'wide'"
lacks "a live scope is not reported ('young_europeans')" "young_europeans"
wrote_nothing "unreachable"

check --rules "$ck/reachable.lua" --input "$edge"
says "look-alike cases that can each win: no warnings" 0 "0 errors, 0 warnings"

check --rules "$ck/always.lua" --input "$edge"
line_says "a case after all{} (line 6)" "always.lua:6:" "case 'young' can never win" \
  "case 'everyone' at line 5 comes first and has no conditions"
line_says "a micro scoped to its value is always empty (line 10)" "always.lua:10:" \
  "micro segment 'young_everyone'" "always empty"
line_says "the otherwise value after all{} cannot be had either (line 11)" "always.lua:11:" \
  "micro segment 'rest_young' asks for all_in 'young', 'nobody'" \
  "'nobody' is the otherwise value, and case 'everyone' at line 5 takes every customer first" \
  "always empty"

# --- values that are not what the rules read them as --------------------------

check --rules "$ck/values.lua" --input "$ck/values.csv"
says "bad number and date columns: exit 1, 2 errors" 1 "2 errors, 2 warnings"
line_says "a number column holding words is an error (line 4)" \
  "error: $ck/values.lua:4: column 'income' is read as a number" \
  "none of its 6 values checked is a number" "\"high\" at line 2 of $ck/values.csv"
line_says "a date column in another format is an error (line 5)" \
  "error: $ck/values.lua:5: column 'signup_date' is read as a date" \
  "none of its 6 values" "\"01/02/2020\" at line 2" "DD/MM/YYYY" "YYYY-MM-DD"
line_says "some junk in a number column is a warning with its line (line 6)" \
  "warning: $ck/values.lua:6: column 'visits' is read as a number" \
  "2 of its 7 values checked are not" "\"n/a\" at line 4 of $ck/values.csv"
line_says "a row cleave run would reject is a warning, not checked" \
  "warning: $ck/values.csv:6: 1 of the 8 rows checked would be rejected" \
  "has 7 fields, the header has 6"
lacks "a text column is never called a bad number" "column 'city'"

# The value checks read the whole input when it is a small regular file
# (at most 64 MB), else the first 100,000 rows (or --sample N, when more).
awk 'BEGIN { print "customer_id,age"; for (i = 1; i <= 250; i++) print "C" i "," (i == 230 ? "forty" : 40) }' \
  > "$tmp/long.csv"
check --rules "$ck/sizes.lua" --input "$tmp/long.csv"
says "a small file: its values are all checked, a bad one at line 231 seen" 0 \
  "values checked in 250 rows (the whole input)" "column 'age' is read as a number" \
  "1 of its 250 values checked is not (e.g. \"forty\" at line 231"
check --rules "$ck/sizes.lua" --input "$tmp/long.csv" --sample 10
says "--sample 10: sizes on 10 rows, values still all checked" 0 "sample: 10 rows" \
  "values checked in 250 rows (the whole input)" "\"forty\" at line 231"

# The telco-like fixture: its first blank TotalCharges (one space) is at line
# 490. Blank values are missing, as empty ones are: a note, not a warning,
# so --strict passes; a value that is not blank is still a warning.
ls_args="--id-column customerID --rules $ck/lone_space.lua --input $ck/lone_space.csv"
check $ls_args --strict
says "lone_space.csv: the blank at line 490 is found; a note, --strict passes" 0 \
  "values checked in 599 rows (the whole input)" \
  "note: $ck/lone_space.lua:6: column 'TotalCharges' is read as a number, but 2 of its 599 values checked are blank (only spaces, e.g. \" \" at line 490 of $ck/lone_space.csv): blank values (only spaces) count as missing, as empty ones do" \
  "0 errors, 0 warnings"
lacks "the blank-value note gives no currency advice" "currency"
sed '300s/,[0-9.]*$/,"1,000"/' "$ck/lone_space.csv" > "$tmp/mixed.csv"
check --id-column customerID --rules "$ck/lone_space.lua" --input "$tmp/mixed.csv"
line_says "a blank and a '1,000': one warning, the non-blank example, the blanks counted" \
  "warning: $ck/lone_space.lua:6: column 'TotalCharges' is read as a number, but 3 of its 599 values checked are not (e.g. \"1,000\" at line 300" \
  "2 of them are blank (only spaces, first at line 490), which counts as missing" \
  "without currency signs or thousands separators"
# a pipe is not a regular file: the first 100,000 rows
awk 'BEGIN { print "customerID,tenure,MonthlyCharges,TotalCharges"
             for (i = 2; i <= 100010; i++) print "C" i ",1,2," (i == 100005 ? "x" : 3) }' > "$tmp/big.csv"
out=$tmp/out_pipe
cat "$tmp/big.csv" | "$cleave" check -c "$ini" --plugins "$plugins" --id-column customerID \
  --rules "$ck/lone_space.lua" --input - > "$out" 2> "$tmp/err"
rc=$?
says "standard input: the first 100000 rows, said so" 0 \
  "values checked in 100000 rows (the first of a larger input: --sample N for more)"
lacks "  ... a bad value past them is not seen" "\"x\""
cat "$tmp/big.csv" | "$cleave" check -c "$ini" --plugins "$plugins" --id-column customerID \
  --rules "$ck/lone_space.lua" --input - --sample 100010 > "$out" 2> "$tmp/err"
line_says "standard input with --sample 100010: the value at line 100005 is seen" \
  "\"x\" at line 100005"

# --- errors the rule compiler stops at: exit 4, in the report's format --------

check --rules "$ck/unknown_column.lua" --input "$edge"
says "unknown column: exit 4, did you mean" 4 \
  "error: $ck/unknown_column.lua:3: column 'incme' is not in the header of $edge (did you mean 'income'?)" \
  "1 error, 0 warnings"
check --rules "$ck/syntax.lua" --input "$edge"
says "Lua syntax error: exit 4, file:line" 4 "error: $ck/syntax.lua:5:" "'}' expected" \
  "1 error, 0 warnings"
check --rules "$ck/unknown_value.lua" --input "$edge"
says "unknown macro value in within: exit 4, did you mean" 4 \
  "error: $ck/unknown_value.lua:10:" "has no value 'emae' (did you mean 'emea'?)"
check --rules "$ck/duplicate.lua" --input "$edge"
says "duplicate segment names: exit 4" 4 "error: $ck/duplicate.lua:5:" \
  "the name 'young' is already used by the micro segment at line 4"
wrote_nothing "duplicate names"

# --- sizes --------------------------------------------------------------------

# "macro <name> <value> <count>" / "micro <name> <count>", nonzero counts only:
# from the expected output (first $1 rows), and from the report.
expected_sizes() {
  head -n $(($1 + 1)) "$expected" | awk -F, '
    NR == 1 { for (i = 2; i <= 5; i++) name[i] = $i; next }
    { for (i = 2; i <= 5; i++) c[name[i] " " $i]++
      k = split($6, s, ";"); for (j = 1; j <= k; j++) if (s[j] != "") m[s[j]]++ }
    END { for (v in c) print "macro " v " " c[v]; for (v in m) print "micro " v " " m[v] }' | sort
}
report_sizes() {
  awk '
    /^  macro / { sub(/^  macro /, ""); i = index($0, ": "); name = substr($0, 1, i - 1)
                  k = split(substr($0, i + 2), v, ", ")
                  for (j = 1; j <= k; j++) { split(v[j], w, " "); if (w[2] > 0) print "macro " name " " w[1] " " w[2] } }
    /^  micro / { if ($3 > 0) print "micro " $2 " " $3 }' "$out" | sort
}
check --rules "$retail" --input "$edge" --sample 100
says "--sample 100 on 59 rows: the whole input" 0 "sample: 59 rows (the whole input)" \
  "macro life_stage: unknown 3 (5.1%), gen_z 1 (1.7%), young_adult 5 (8.5%), midlife 46 (78.0%)" \
  "0 errors, 1 warning"
expected_sizes 59 > "$tmp/want"
report_sizes > "$tmp/got"
st=0
[ "$(wc -l < "$tmp/want")" -gt 40 ] && cmp -s "$tmp/want" "$tmp/got" || st=1
ok $st "every macro value's and micro segment's size matches the expected output"
[ $st -eq 0 ] && [ "$(wc -l < "$tmp/got")" -gt 0 ] || diff "$tmp/want" "$tmp/got" | sed 's/^/# /'

check --rules "$retail" --input "$edge" --sample 12
expected_sizes 12 > "$tmp/want"
report_sizes > "$tmp/got"
st=0
[ "$rc" -eq 0 ] && grep -qxF "sample: 12 rows" "$out" && cmp -s "$tmp/want" "$tmp/got" || st=1
ok $st "--sample 12: the first 12 rows, sizes as in the expected output"
[ $st -eq 0 ] || { show; diff "$tmp/want" "$tmp/got" | sed 's/^/# /'; }
line_says "--sample 12: a macro value no row gets is a warning at its case" \
  "warning: $retail:50: macro split 'market': no row of the sample gets the value 'apac'"
line_says "--sample 12: the otherwise value no row gets, at the macro's line" \
  "warning: $retail:46: macro split 'market': no row of the sample gets the otherwise value 'other'"

check --rules "$ck/sizes.lua" --input "$edge" --sample 59
says "empty and all-rows segments: exit 0, 2 warnings" 0 "0 errors, 2 warnings"
line_says "an empty segment (line 5)" "warning: $ck/sizes.lua:5: micro segment 'nobody' is empty in the sample (0 of 59 rows)"
line_says "a segment holding every row (line 6)" \
  "warning: $ck/sizes.lua:6: micro segment 'everybody' holds every row of the sample (59 of 59)"
line_says "sizes listed" "micro everybody" "59 (100.0%)"

check --rules "$ck/values.lua" --input "$ck/values.csv" --sample 8
says "rejected rows are not evaluated" 1 "sample: 8 rows, 7 evaluated" \
  "micro frequent 3 (42.9%)" "micro yorkers  2 (28.6%)"

# --- --strict, unused conditions ----------------------------------------------

check --rules "$ck/unreachable.lua" --input "$edge" --strict
says "--strict: warnings fail the check (exit 1)" 1 "0 errors, 9 warnings (--strict: warnings fail the check)"
check --rules "$ck/reachable.lua" --input "$edge" --strict
says "--strict without warnings: exit 0" 0 "0 errors, 0 warnings"
check --rules "$ck/unused.lua" --input "$edge"
says "an unused condition (Lua and) is a warning" 0 \
  "warning: $ck/unused.lua:7: this condition is not used by any segment" "0 errors, 2 warnings"
st=0
sed -n 's/^  [a-z]*: [^ ]*unused\.lua:\([0-9]*\):.*/\1/p' "$out" | tr '\n' ' ' | grep -qx '5 7 ' || st=1
ok $st "findings are listed in rule-file line order"
[ $st -eq 0 ] || show
check --rules "$ck/unused.lua" --input "$edge" --strict
says "--strict: the warnings fail the check" 1 "0 errors, 2 warnings"

# --- other load errors keep their exit codes ----------------------------------

check --rules "$retail" --input "$tmp/no-such.csv"
says "unreadable input: exit 5" 5 "error: cannot open input $tmp/no-such.csv"
(cd "$tmp" && exec "$cleave" check -c "$tmp/no-such.ini") > "$tmp/out0" 2>&1
rc=$? out=$tmp/out0
says "unreadable engine.ini: exit 3" 3 "error: cannot read $tmp/no-such.ini"
check --rules "$retail" --input "$edge" --plugins "$tmp/no-such-dir"
says "missing plugin directory: exit 7" 7 "error: $tmp/no-such-dir"

# --- proofs: "never" must be true -------------------------------------------

if command -v python3 > /dev/null 2>&1; then
  mkdir "$tmp/fuzz"
  # engine.ini without its audience files: they need out/, which a fresh
  # clone (or a package build) does not have; the rules and input are flags
  grep -v '^audience\|^report' "$ini" > "$tmp/fuzz/engine.ini"
  python3 "$ck/prove_fuzz.py" "$cleave" "$plugins" "$tmp/fuzz/engine.ini" "$tmp/fuzz" 1 150 \
    > "$tmp/fuzz.out" 2>&1
  st=$?
  claims=$(sed -n 's/^claims \([0-9]*\) unsound.*/\1/p' "$tmp/fuzz.out")
  [ "${claims:-0}" -ge 300 ] || st=1
  ok $st "150 random rule files: every 'never' claim (${claims:-0}) holds on every boundary row"
  [ $st -eq 0 ] || head -n 40 "$tmp/fuzz.out" | sed 's/^/# /'
else
  skip "random rule files" "no python3"
fi

# --- memory -------------------------------------------------------------------

if [ -n "$SAN" ]; then
  skip "valgrind" "sanitizer build"
elif ! command -v valgrind > /dev/null 2>&1; then
  skip "valgrind" "not installed"
else
  for args in "--rules $retail --sample 59" "--rules $ck/unreachable.lua" \
              "--rules $ck/syntax.lua" "--rules $ck/unknown_column.lua"; do
    # shellcheck disable=SC2086
    (cd "$tmp" && exec valgrind -q --leak-check=full --error-exitcode=9 "$cleave" check \
      -c "$ini" --plugins "$plugins" --input "$edge" $args) > /dev/null 2> "$tmp/vg"
    vrc=$?
    st=0
    [ $vrc -ne 9 ] && [ ! -s "$tmp/vg" ] || st=1
    ok $st "valgrind clean: check $(echo "$args" | sed "s|$root/||g") (exit $vrc)"
    [ $st -eq 0 ] || head -n 20 "$tmp/vg" | sed 's/^/# /'
  done
fi

done_testing
