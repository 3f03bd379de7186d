#!/bin/sh
# SPDX-License-Identifier: MIT
# t_txt.sh -- the txt plugin (plugins/txt/): text tests in rule files.
#
#   1. tests/fixtures/txt/gen.py writes ~420 texts (ASCII and non-ASCII
#      letters in both cases, blanks, "(automatic)", invalid UTF-8) and, worked
#      out in Python, which segments of tests/fixtures/txt/rules.lua each must
#      get: every criterion, exact and "ignore_case", patterns, length, lower.
#      cleave's output must equal it with the batch evaluator, the row
#      evaluator, and two threads.
#   2. Load errors name the rule file and line and exit 4: a bad pattern, an
#      unknown option, an empty text to look for, invalid UTF-8 in a pattern.
#   3. A catastrophic pattern ((a+)+$ on "aaa...b") finishes in bounded time
#      with both evaluators: every value stops at the match limit, is no match
#      (and NOT of it holds), and the warning counts them per call site.
#   4. [plugin.txt] match_limit (a typed key, checked by the engine): a bad
#      value exits 3 naming engine.ini:line;
#      a higher limit decides what the default gave up on.
#   5. lower() of a text whose result is over 4096 bytes is missing.
#   6. cleave test runs tests/fixtures/txt/text_tests_test.lua on the guide's
#      text tests recipe (a new automatic method, a trailing blank, capitals).
#
# Needs $CLEAVE_BUILD (cleave, plugins/txt.so) and python3. Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
fix=$root/tests/fixtures/txt
. "$root/tests/tap.sh"

[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not found"
[ -x "$cleave" ] && [ -f "$plugins/txt.so" ] || skip_all "not built: $cleave, $plugins/txt.so"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_txt.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1 # no engine.ini here

# run RULES INPUT [ARGS...]: cleave run into $tmp/out.csv; $rc, stderr in $tmp/err.
run() {
  r=$1
  i=$2
  shift 2
  "$cleave" run -q --rules "$r" --input "$i" --output "$tmp/out.csv" \
    --rejects "$tmp/rej.csv" --plugins "$plugins" --as-of 2026-11-01 "$@" 2> "$tmp/err"
  rc=$?
}

# --- 1. every criterion against Python ---------------------------------------

/usr/bin/python3 "$fix/gen.py" "$tmp"
ok $? "gen.py writes the texts and the expected segments"
for how in "batch" "row" "batch --threads 2 --chunk-size 100" "row --threads 2 --chunk-size 100"; do
  # shellcheck disable=SC2086
  run "$fix/rules.lua" "$tmp/data.csv" --evaluator $how
  ok $rc "--evaluator $how: exits 0"
  [ $rc -eq 0 ] || diag "$tmp/err"
  cmp -s "$tmp/expected.csv" "$tmp/out.csv"
  st=$?
  ok $st "--evaluator $how: every row's segments are Python's"
  [ $st -ne 0 ] && diff "$tmp/expected.csv" "$tmp/out.csv" | head -n 10 | sed 's/^/# /'
done
# the fixture exercises each segment on some rows and not on others
for seg in has_ab starts_A ends_auto has_e_acute has_ab_ci starts_e_ci ends_auto_ci \
  has_zh_ci has_sharp_s_ci rx_digits rx_o_end rx_check_ci; do
  k=$(grep -cE "[,;]$seg(;|\$)" "$tmp/expected.csv")
  [ "$k" -gt 0 ] && [ "$k" -lt 400 ]
  ok $? "the fixture has rows in and out of $seg ($k in)"
done
grep -q "T007,len_ok;lower_ok" "$tmp/expected.csv" # a lone 0xFF: length 1, kept by lower
ok $? "invalid UTF-8: a lone 0xFF byte is one character and lower keeps it"

# --- 2. load errors ----------------------------------------------------------

# bad NAME LINE-TEXT EXPECT...: a rule file whose line 3 is LINE-TEXT exits 4
# and its message holds NAME.lua:3 and every EXPECT.
bad() {
  name=$1
  line=$2
  shift 2
  printf 'local s = text "s"\n-- line 2\n%s\n' "$line" > "$tmp/$name.lua"
  run "$tmp/$name.lua" "$tmp/data.csv"
  st=0
  [ $rc -eq 4 ] || st=1
  grep -qF "$name.lua:3:" "$tmp/err" || st=1
  for want in "$@"; do grep -qF -- "$want" "$tmp/err" || st=1; done
  ok $st "$name: exit 4 ($rc), file:line and the reason"
  [ $st -eq 0 ] || diag "$tmp/err"
}
bad bad_pattern 'micro "x" { txt.matches(s, "^(gold|silver") }' \
  "txt.matches(): cannot use the pattern \"^(gold|silver\": missing closing parenthesis (at character 14"
bad bad_class 'micro "x" { txt.matches(s, "[z-a]") }' "range out of order in character class"
bad bad_option 'micro "x" { txt.contains(s, "x", "ignorecase") }' \
  'unknown option "ignorecase"; the only option is "ignore_case"'
bad empty_part 'micro "x" { txt.ends_with(s, "") }' "the text to look for is empty"
bad empty_pattern 'micro "x" { txt.matches(s, "") }' "the pattern is empty"
bad bad_utf8_pattern 'micro "x" { txt.matches(s, "\255") }' "cannot use the pattern" "UTF-8 error"
bad bad_utf8_part 'micro "x" { txt.contains(s, "\255", "ignore_case") }' "cannot look for" "UTF-8 error"
bad backslash_c 'micro "x" { txt.matches(s, "a\\C") }' "cannot use the pattern"
bad pattern_too_long "micro \"x\" { txt.matches(s, string.rep(\"a\", 5000)) }" "the pattern has 5000 bytes, more than the 4096 allowed"
bad no_part 'micro "x" { txt.contains(s) }' "txt.contains"

# --- 3. a catastrophic pattern ----------------------------------------------

if [ -n "$SAN" ]; then nrows=300; limit=120; else nrows=1000; limit=60; fi
/usr/bin/python3 -c "
import sys
print('customer_id,s')
for i in range($nrows): print('C%d,%s' % (i, 'a' * 3000 + 'b'))
print('OK1,aaaa')
" > "$tmp/cat.csv"
cat > "$tmp/cat.lua" <<'LUA'
local s = text "s"
micro "slow"     { txt.matches(s, "(a+)+$") }
micro "not_slow" { NOT(txt.matches(s, "(a+)+$")) }
micro "slow_nojit" { txt.matches(s, "(*NO_JIT)(a+)+$") }
LUA
for ev in batch row; do
  t0=$(date +%s)
  # the stopped values are plugin failures too (call_sites.h): more than half
  # of column s, so the default max_invalid_column would stop the run
  run "$tmp/cat.lua" "$tmp/cat.csv" --evaluator $ev --max-invalid-column none
  t1=$(date +%s)
  ok $rc "catastrophic pattern, $ev: exits 0"
  [ $rc -eq 0 ] || diag "$tmp/err"
  [ $((t1 - t0)) -le $limit ]
  ok $? "catastrophic pattern, $ev: done in $((t1 - t0)) s (bound $limit s)"
  grep -q "cat.lua:2: txt.matches(): $nrows values stopped at the pattern match limit (100000) and counted as no match" "$tmp/err"
  okd $? "catastrophic pattern, $ev: the warning counts $nrows values at line 2" "$tmp/err"
  grep -q "cat.lua:4: txt.matches(): $nrows values stopped" "$tmp/err"
  ok $? "catastrophic pattern, $ev: the interpreter (no JIT) stops too and is counted apart"
  grep -c 'not_slow$' "$tmp/out.csv" > "$tmp/n"
  [ "$(cat "$tmp/n")" -eq "$nrows" ] && grep -q '^OK1,slow;slow_nojit$' "$tmp/out.csv"
  ok $? "catastrophic pattern, $ev: stopped values are no match (NOT holds), a short one matches"
done
run "$tmp/cat.lua" "$tmp/cat.csv"
[ $rc -eq 9 ] && grep -q "cat.lua:2: txt.matches(s, \"(a+)+\$\") on column 's': $nrows of $((nrows + 1)) present values .* give no result" "$tmp/err"
okd $? "catastrophic pattern, default max_invalid_column: exit 9, the stopped values counted as failures of the call" "$tmp/err"

# --- 4. match_limit ------------------------------------------------------------

printf '[engine]\nplugins = %s\n\n[plugin.txt]\nmatch_limit = 10\n' "$plugins" > "$tmp/low.ini"
run "$tmp/cat.lua" "$tmp/cat.csv" -c "$tmp/low.ini"
st=0
[ $rc -eq 3 ] || st=1
grep -qF "low.ini:5: [plugin.txt] match_limit = 10: out of range; write a whole number from 1000 to" "$tmp/err" || st=1
ok $st "match_limit = 10: exit 3 ($rc) naming low.ini:5 and the range"
[ $st -eq 0 ] || diag "$tmp/err"
printf '[engine]\nplugins = %s\n\n[plugin.txt]\nmatch_limit = 12x\n' "$plugins" > "$tmp/junk.ini"
run "$tmp/cat.lua" "$tmp/cat.csv" -c "$tmp/junk.ini"
[ $rc -eq 3 ] && grep -qF "junk.ini:5: [plugin.txt] match_limit = 12x" "$tmp/err"
okd $? "match_limit = 12x: exit 3 naming junk.ini:5" "$tmp/err"

# ^(a|aa)*c on 26 a's then "bc" tries every way to split the a's (fib(27) ~
# 200,000 paths) before it fails: the default gives up, 10,000,000 decides
# "no match". (The c is there so PCRE2's required-character check cannot
# answer before matching.)
/usr/bin/python3 -c "print('customer_id,s'); print('F1,' + 'a' * 26 + 'bc')" > "$tmp/fib.csv"
printf 'local s = text "s"\nmicro "c" { txt.matches(s, "(*NO_JIT)^(a|aa)*c") }\nmicro "not_c" { NOT(txt.matches(s, "(*NO_JIT)^(a|aa)*c")) }\n' > "$tmp/fib.lua"
run "$tmp/fib.lua" "$tmp/fib.csv"
grep -q "1 value stopped at the pattern match limit (100000)" "$tmp/err"
okd $? "fib pattern: the default limit gives up on it (warned)" "$tmp/err"
printf '[engine]\nplugins = %s\n\n[plugin.txt]\nmatch_limit = 10000000\n' "$plugins" > "$tmp/high.ini"
run "$tmp/fib.lua" "$tmp/fib.csv" -c "$tmp/high.ini"
st=0
[ $rc -eq 0 ] || st=1
grep -q "match limit" "$tmp/err" && st=1
grep -q '^F1,not_c$' "$tmp/out.csv" || st=1
ok $st "match_limit = 10000000: decided (no match), no warning"
[ $st -eq 0 ] || diag "$tmp/err"

# --- 5. lower() past its 4096-byte slot --------------------------------------

/usr/bin/python3 -c "
print('customer_id,s')
print('L1,' + 'Ab' * 2048)
print('L2,' + 'Ab' * 2049)
print('L3,' + 'É' * 2048)
print('L4,' + 'É' * 2049)
" > "$tmp/long.csv"
cat > "$tmp/long.lua" <<'LUA'
local s = text "s"
micro "no_lower" { is_missing(txt.lower(s)) }
micro "len_4096" { txt.length(s):is(4096) }
micro "has_b" { txt.lower(s):starts_with "ab" }
LUA
run "$tmp/long.lua" "$tmp/long.csv"
printf 'customer_id,segments\nL1,len_4096;has_b\nL2,no_lower\nL3,\nL4,no_lower\n' > "$tmp/long.want"
cmp -s "$tmp/long.want" "$tmp/out.csv"
ok $? "lower: a result of 4096 bytes fits, 4098 bytes is missing"
[ -s "$tmp/out.csv" ] && diff "$tmp/long.want" "$tmp/out.csv" | sed 's/^/# /'

# --- 6. cleave test ------------------------------------------------------------

"$cleave" test "$fix/text_tests_test.lua" --plugins "$plugins" \
  -c "$root/docs/recipes/text_tests.ini" > "$tmp/test.out" 2>&1
st=$?
[ $st -eq 0 ] && [ "$(grep -c '^ok ' "$tmp/test.out")" -eq 3 ]
okd $? "cleave test: the 3 tests of text_tests_test.lua pass (exit $st)" "$tmp/test.out"

done_testing
