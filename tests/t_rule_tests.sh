#!/bin/sh
# SPDX-License-Identifier: MIT
# t_rule_tests.sh -- `cleave test`: rule unit tests written in Lua.
#
# 1. The rule tests shipped in scripts/ (found by default: every *_test.lua
#    beside the configured rule file) all pass, in valid TAP, and cover
#    every macro value and micro segment of retail_v1.lua.
# 2. tests/fixtures/ruletest/wrong_test.lua, whose expectations are wrong on
#    purpose, fails with exit 1, "expected ... got ..." lines and the explain
#    tree of each failing record.
# 3. Mistakes in test files: a misspelt column, segment or macro split (with
#    a did-you-mean), a syntax error, a rule file that does not exist, an
#    undefined name: exit 4 with file:line.
# 4. Several files make one TAP plan; no test file at all is a TAP skip.
# 5. The guide (docs/rules.md, "Testing your rules"): its example test file
#    passes, and the failure it shows is what cleave prints for it.
# 6. Under valgrind (when installed, plain build only): no error, no leak.
#
# Needs $CLEAVE_BUILD (cleave and plugins/). POSIX sh; prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
fix=$root/tests/fixtures/ruletest
rules=$root/scripts/retail_v1.lua
tests=$root/scripts/retail_v1_test.lua
guide=$root/docs/rules.md

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_rule_tests.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# Run from an empty directory: cleave reads ./engine.ini when there is one.
cd "$tmp" || exit 1

. "$root/tests/tap.sh"
has() { grep -qF -- "$2" "$1"; }   # FILE TEXT: the file holds the text
has_re() { grep -q -- "$2" "$1"; } # FILE REGEX

if [ ! -x "$cleave" ]; then
  ok 1 "not built: $cleave"
  done_testing
fi

# ct NAME ARGS...: cleave test ARGS > NAME.out 2> NAME.err; rc in NAME.rc
ct() {
  name=$1
  shift
  "$cleave" test -c "$root/engine.ini" --plugins "$plugins" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
  echo $? > "$tmp/$name.rc"
}
rc_of() { cat "$tmp/$1.rc"; }

# --- 1. scripts/: the shipped rule tests pass --------------------------------

ct scripts
[ "$(rc_of scripts)" -eq 0 ]
st=$?
ok $st "scripts/*_test.lua: cleave test exits 0"
[ $st -eq 0 ] || { grep -A12 '^not ok' "$tmp/scripts.out" | head -n 40 | sed 's/^/# /'; diag "$tmp/scripts.err" 15; }

plan=$(sed -n '1s/^1\.\.\([0-9][0-9]*\)$/\1/p' "$tmp/scripts.out")
oks=$(grep -c '^ok [0-9][0-9]* - ' "$tmp/scripts.out")
[ -n "$plan" ] && [ "$plan" -ge 100 ] && [ "$oks" -eq "$plan" ]
ok $? "scripts/: plan 1..$plan first, $oks tests ok"

grep -v -e '^1\.\.[0-9][0-9]*$' -e '^ok [0-9][0-9]* - ' "$tmp/scripts.out" > "$tmp/scripts.other"
[ ! -s "$tmp/scripts.other" ]
st=$?
ok $st "scripts/: every line is the plan or an ok line"
[ $st -eq 0 ] || diag "$tmp/scripts.other" 15

has_re "$tmp/scripts.out" '^ok 1 - .*retail_v1_test\.lua:[0-9][0-9]*: '
ok $? "scripts/: retail_v1_test.lua found by default, tests named file:line: name"

[ ! -s "$tmp/scripts.err" ]
st=$?
ok $st "scripts/: nothing on stderr"
[ $st -eq 0 ] || diag "$tmp/scripts.err" 15

# Every micro segment is tested both ways, every macro value at least once.
missing=""
for m in $(sed -n 's/^micro "\([A-Za-z0-9_]*\)".*/\1/p' "$rules"); do
  has "$tests" "has = { \"$m\" }" || missing="$missing has:$m"
  has "$tests" "lacks = { \"$m\" }" || missing="$missing lacks:$m"
done
values=$(awk '/^local [a-z_]* *= *macro "/ { inm = 1 }
              inm && match($0, /\{ "[a-z_]+",/) { v = substr($0, RSTART + 3, RLENGTH - 5); print v }
              inm && match($0, /otherwise = "[a-z_]+"/) { v = substr($0, RSTART + 13, RLENGTH - 14); print v }
              /^}/ { inm = 0 }' "$rules")
for v in $values; do
  grep -q "expect = {.* = \"$v\"" "$tests" || missing="$missing value:$v"
done
[ -z "$missing" ] && [ -n "$values" ]
st=$?
ok $st "retail_v1_test.lua: has and lacks for every micro segment, every macro value expected"
[ $st -eq 0 ] || echo "# not covered:$missing"

# --- 2. wrong expectations -----------------------------------------------------

ct wrong "$fix/wrong_test.lua"
w=$tmp/wrong.out
[ "$(rc_of wrong)" -eq 1 ]
st=$?
ok $st "wrong_test.lua: exit 1"
[ $st -eq 0 ] || { diag "$w" 15; diag "$tmp/wrong.err" 15; }
[ "$(sed -n 1p "$w")" = "1..5" ] && has_re "$w" '^ok 1 - .*wrong_test\.lua:8: right: 24 is gen_z$' &&
  [ "$(grep -c '^not ok [2-5] - ' "$w")" -eq 4 ]
ok $? "wrong_test.lua: plan 1..5, test 1 ok, tests 2-5 not ok"
has_re "$w" '^not ok 2 - .*wrong_test\.lua:13: wrong macro value: 30 is not gen_z$'
ok $? "wrong_test.lua: a failing test is named file:line: name"
has "$w" "# life_stage: expected gen_z, got young_adult"
ok $? "wrong_test.lua: '# life_stage: expected gen_z, got young_adult'"
has "$w" "# has tech_affluent: missing"
ok $? "wrong_test.lua: '# has tech_affluent: missing'"
has "$w" "# lacks dormant: present"
ok $? "wrong_test.lua: '# lacks dormant: present'"
has "$w" "# segments: expected at_risk_regulars, got at_risk_regulars;vip_at_risk"
ok $? "wrong_test.lua: '# segments: expected ..., got ...'"
has "$w" '# given: age = 30, city_tier = "urban", orders_12m = 6; every other column is missing'
ok $? "wrong_test.lua: the record given is shown"
# the explain tree, each line under "#   ": the split that failed, with its cases
has_re "$w" '^#   macro life_stage = young_adult$' && has_re "$w" '^#     .* young_adult: age < 35  (age = 30)'
ok $? "wrong_test.lua: explain tree of the failing split (its cases and the values seen)"
has_re "$w" '^#     .* tech_affluent: all of:$' && has_re "$w" '^#       .* income >= 80000  (income is missing)$'
ok $? "wrong_test.lua: explain tree of a missing segment"
has_re "$w" '^#     .* dormant: any of:$' && has_re "$w" '^#       .* last_purchase_date is missing'
ok $? "wrong_test.lua: explain tree of a segment present by mistake"
has_re "$w" '^#   micro segments: at_risk_regulars;vip_at_risk$'
ok $? "wrong_test.lua: the segments the record got"

# The tree is built for the failure (explain's focus), not cut out of the
# printed tree: a text with a newline in another segment's tree changes
# nothing (when the printed tree was parsed back, the whole tree came out).
printf '%s\n' 'local city = text "city_tier"' 'local age = number "age"' \
  'micro "odd" { city:is "a\nbcd" }' 'micro "adult" { age:at_least(18) }' > "$tmp/focus.lua"
printf '%s\n' "rules \"$tmp/focus.lua\"" 'as_of "2026-11-01"' \
  'test "a child" { given = { age = 12 }, has = { "adult" } }' > "$tmp/focus_test.lua"
ct focus "$tmp/focus_test.lua"
[ "$(rc_of focus)" -eq 1 ] && has "$tmp/focus.out" "# has adult: missing" &&
  has_re "$tmp/focus.out" '^#     .* adult: age >= 18  (age = 12)$' &&
  ! has "$tmp/focus.out" "odd:" && ! has "$tmp/focus.out" 'bcd"'
st=$?
ok $st "a failing test shows only the failing segment's tree, whatever the other trees print"
[ $st -eq 0 ] || diag "$tmp/focus.out" 20

# --- 3. mistakes in test files ---------------------------------------------------

# err_case NAME FILE TEXT...: exit 4, each TEXT in stdout or stderr
err_case() {
  name=$1
  file=$2
  shift 2
  ct "$name" "$file"
  cat "$tmp/$name.out" "$tmp/$name.err" > "$tmp/$name.all"
  st=0
  [ "$(rc_of "$name")" -eq 4 ] || st=1
  for text in "$@"; do has "$tmp/$name.all" "$text" || st=1; done
  has_re "$tmp/$name.out" '^not ok 1 - ' || st=1
  ok $st "$name: exit 4, not ok, message: $1"
  [ $st -eq 0 ] || { echo "# exit $(rc_of "$name")"; diag "$tmp/$name.all" 15; }
}

err_case unknown_given "$fix/unknown_given_test.lua" \
  "unknown_given_test.lua:5: given: no rule reads 'agee' (did you mean 'age'?)"
err_case unknown_segment "$fix/unknown_segment_test.lua" \
  "unknown_segment_test.lua:5: has: no micro segment 'dormat' (did you mean 'dormant'?)" \
  "unknown_segment_test.lua:10: expect: no macro split 'lifestage' (did you mean 'life_stage'?)"
has_re "$tmp/unknown_segment.out" '^not ok 2 - '
ok $? "unknown_segment: the other test of the file still runs"
err_case syntax_error "$fix/syntax_error_test.lua" \
  "syntax_error_test.lua:6: '}' expected (to close '{' at line 4) near 'expect'"
has "$tmp/syntax_error.err" "syntax_error_test.lua:6:"
ok $? "syntax_error: the message with file:line is on stderr"
err_case missing_rules "$fix/missing_rules_test.lua" \
  "missing_rules_test.lua:2: rules \"no_such_rules.lua\": cannot read"

# small mistakes written here (the rule file by absolute path)
mk() { # NAME BODY...: $tmp/NAME_test.lua
  f=$tmp/$1_test.lua
  shift
  printf 'rules "%s"\nas_of "2026-11-01"\n' "$rules" > "$f"
  printf '%s\n' "$@" >> "$f"
}
mk undefined 'tset "x" { has = { "dormant" } }'
err_case undefined "$tmp/undefined_test.lua" "undefined_test.lua:3: 'tset' is not defined (did you mean 'test'?)"
mk unquoted 'test "x" { given = { city_tier = urban }, has = { "dormant" } }'
err_case unquoted "$tmp/unquoted_test.lua" "unquoted_test.lua:3: 'urban' is not defined (text values need quotes: \"urban\")"
mk false_given 'test "x" { given = { age = false }, has = { "dormant" } }'
err_case false_given "$tmp/false_given_test.lua" \
  "false_given_test.lua:3: test \"x\": given: age = false: leave the key out for a missing value"
mk bad_key 'test "x" { given = {}, expected = { life_stage = "unknown" } }'
err_case bad_key "$tmp/bad_key_test.lua" "bad_key_test.lua:3: test \"x\": unknown entry 'expected' (did you mean 'expect'?)"
mk no_body 'test "x"' 'test "y" { has = { "dormant" } }'
err_case no_body "$tmp/no_body_test.lua" "no_body_test.lua:3: test \"x\": has no { ... }"
mk nothing 'test "x" { given = { age = 3 } }'
err_case nothing "$tmp/nothing_test.lua" "nothing_test.lua:3: test \"x\": checks nothing"
mk micro_in_expect 'test "x" { expect = { dormant = "yes" } }'
err_case micro_in_expect "$tmp/micro_in_expect_test.lua" "expect: 'dormant' is a micro segment: put it in has = { \"dormant\" }"
mk bad_value 'test "x" { expect = { market = "emae" } }'
err_case bad_value "$tmp/bad_value_test.lua" "expect: market has no value 'emae' (did you mean 'emea'?)"
mk no_tests '-- nothing here'
err_case no_tests "$tmp/no_tests_test.lua" "no_tests_test.lua: defines no test"

# --- 3b. values the rules read as missing (docs/rules.md section 6) ---------------

# As in cleave run, a given value that is not a number (or date) for the
# column's type is missing: the test runs (no exit 4) and passes.
mk unreadable \
  'test "forty" { given = { age = "forty" }, expect = { life_stage = "unknown" } }' \
  'test "lone space" { given = { age = " " }, expect = { life_stage = "unknown" } }' \
  'test "thousands" { given = { age = "1,000" }, expect = { life_stage = "unknown" } }' \
  'test "no such day" { given = { signup_date = "2026-02-30" }, expect = { life_stage = "unknown" } }' \
  'test "spaces around" { given = { age = " 24 " }, expect = { life_stage = "gen_z" } }'
ct unreadable "$tmp/unreadable_test.lua"
[ "$(rc_of unreadable)" -eq 0 ] && [ "$(grep -c '^ok [1-5] - ' "$tmp/unreadable.out")" -eq 5 ]
st=$?
ok $st "given \"forty\", \" \", \"1,000\", 2026-02-30: missing, as cleave run reads them (exit 0)"
[ $st -eq 0 ] || { diag "$tmp/unreadable.out" 20; diag "$tmp/unreadable.err" 5; }

# A failing test shows the raw text and that it was read as missing, in
# the given line and in the tree.
mk unreadable_fail 'test "x" { given = { age = "1,000", signup_date = "31/01/2026", city_tier = "" }, expect = { life_stage = "senior" } }'
ct unreadable_fail "$tmp/unreadable_fail_test.lua"
u=$tmp/unreadable_fail.out
[ "$(rc_of unreadable_fail)" -eq 1 ] &&
  has "$u" 'age = "1,000" (not a number: read as missing)' &&
  has "$u" 'signup_date = "31/01/2026" (not a date: read as missing)' &&
  has "$u" 'city_tier = "" (empty: missing)' && has "$u" '# given: ' &&
  has_re "$u" '^#     .* unknown: age is missing  (age is not a number: "1,000" (read as missing))   <- wins$'
st=$?
ok $st "a failing test with unreadable values: their raw text, 'read as missing', in given and the tree"
[ $st -eq 0 ] || diag "$u" 20

ct telco "$root/scripts/telco_churn_test.lua"
[ "$(rc_of telco)" -eq 0 ] && has "$tmp/telco.out" 'ok 1 - ' && has "$tmp/telco.out" 'TotalCharges of one space' &&
  ! has_re "$tmp/telco.out" '^not ok'
st=$?
ok $st "scripts/telco_churn_test.lua: TotalCharges of one space tested in cleave test, all pass"
[ $st -eq 0 ] || diag "$tmp/telco.out" 20

# --- 4. several files, no files ----------------------------------------------------

ct several "$fix/wrong_test.lua" "$tests"
rplan=$(grep -c '^ok [0-9]* - .*retail_v1_test\.lua:' "$tmp/scripts.out")
total=$((5 + rplan))
[ "$(rc_of several)" -eq 1 ] && [ "$(grep -c '^1\.\.' "$tmp/several.out")" -eq 1 ] &&
  [ "$(sed -n 1p "$tmp/several.out")" = "1..$total" ] &&
  has_re "$tmp/several.out" "^ok $total - .*retail_v1_test\\.lua:"
ok $? "two files: one plan 1..$total, numbered through, exit 1"

ct several_broken "$tests" "$fix/syntax_error_test.lua"
[ "$(rc_of several_broken)" -eq 4 ] && has_re "$tmp/several_broken.out" "^not ok $((rplan + 1)) - .*syntax_error_test\\.lua: cannot be loaded"
ok $? "a file that cannot be loaded is one not ok; the others still run; exit 4"

mkdir "$tmp/empty"
ct empty "$tmp/empty"
[ "$(rc_of empty)" -eq 0 ] && has_re "$tmp/empty.out" '^1\.\.0 # SKIP'
ok $? "a directory without *_test.lua: 1..0 # SKIP, exit 0"

# --- 5. the guide's example -------------------------------------------------------

# block FIRST-LINE: the fenced block of the guide that starts with that line
block() {
  awk -v want="$1" '
    /^```/ { if (infence) { infence = 0; if (grab) exit; next } infence = 1; first = 1; next }
    infence && first { first = 0; if ($0 == want) grab = 1 }
    infence && grab { print }' "$guide"
}
mkdir -p "$tmp/guide/scripts"
block "-- scripts/retail_v1_test.lua, a first version" > "$tmp/guide/scripts/retail_v1_test.lua"
block '$ cleave test' | sed 1d > "$tmp/guide/failure.expected"
cp "$rules" "$tmp/guide/scripts/retail_v1.lua"
(cd "$tmp/guide" && "$cleave" test -c "$root/engine.ini" --plugins "$plugins" \
  scripts/retail_v1_test.lua > pass.out 2>&1)
st=$?
[ -s "$tmp/guide/scripts/retail_v1_test.lua" ] && [ $st -eq 0 ] &&
  [ "$(grep -c '^ok ' "$tmp/guide/pass.out")" -ge 5 ]
st=$?
ok $st "docs/rules.md: the example test file passes"
[ $st -eq 0 ] || diag "$tmp/guide/pass.out" 15
sed 's/age:below(25)/age:at_most(25)/' "$rules" > "$tmp/guide/scripts/retail_v1.lua"
(cd "$tmp/guide" && "$cleave" test -c "$root/engine.ini" --plugins "$plugins" \
  scripts/retail_v1_test.lua > fail.out 2>&1)
st=$?
[ -s "$tmp/guide/failure.expected" ] && [ $st -eq 1 ] &&
  cmp -s "$tmp/guide/failure.expected" "$tmp/guide/fail.out"
st=$?
ok $st "docs/rules.md: the failure shown is what cleave test prints (gen_z as at_most(25))"
if [ $st -ne 0 ]; then diff "$tmp/guide/failure.expected" "$tmp/guide/fail.out" | head -n 20 | sed 's/^/# /'; fi

# --- 6. valgrind --------------------------------------------------------------------

if [ -n "$SAN" ] || ! command -v valgrind > /dev/null 2>&1; then
  skip "valgrind" "${SAN:+sanitizer build}${SAN:-valgrind not installed}"
else
  valgrind -q --leak-check=full --error-exitcode=9 "$cleave" test -c "$root/engine.ini" \
    --plugins "$plugins" "$fix/wrong_test.lua" "$fix/unknown_segment_test.lua" \
    "$fix/syntax_error_test.lua" "$tmp/bad_key_test.lua" > /dev/null 2> "$tmp/vg.err"
  [ $? -eq 4 ] && ! grep -q '^==' "$tmp/vg.err"
  st=$?
  ok $st "valgrind: failing, misspelt and unloadable tests: no error, no leak"
  [ $st -eq 0 ] || diag "$tmp/vg.err" 30
fi

done_testing
