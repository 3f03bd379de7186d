#!/bin/sh
# SPDX-License-Identifier: MIT
# t_errors.sh -- every failure a user can cause: its exit code (2 usage,
# 3 config, 4 rules, 5 input, 6 output, 7 plugin, 8 lock), a message that
# says what is wrong, and no output file left behind.
#
# Each case runs cleave in a fresh directory of its own with --output out.csv
# (where the command line gets that far) and makes two TAP lines: the exit
# code with the message fragments, then "no output": no out.csv, no *.tmp.*
# file, nothing on stdout. Needs $CLEAVE_BUILD. Prints TAP; a known engine bug
# is a TODO test.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
testplugs=$build/tests/plugins
fix=$root/tests/fixtures
e2e=$fix/e2e
edge=$fix/retail_edge.csv
ini=$e2e/retail.ini

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_errors.XXXXXX") || exit 1
bgpids=""
cleanup() {
  for p in $bgpids; do kill "$p" 2>/dev/null; done
  chmod -R u+w "$tmp" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1

. "$root/tests/tap.sh" # ok (a TODO test when $todo is set), skip, done_testing

if [ ! -x "$cleave" ]; then
  ok 1 "not built: $cleave"
  done_testing
fi

cases=0
# try CODE DESC ARGS...: run `cleave ARGS` in a new directory $c.
try() {
  want_code=$1 desc=$2
  shift 2
  cases=$((cases + 1))
  c=$tmp/case$cases
  mkdir "$c"
  (cd "$c" && exec "$cleave" "$@") > "$tmp/stdout" 2> "$tmp/stderr"
  rc=$?
}
# says FRAGMENT...: TAP line: the exit code is the wanted one and stderr
# holds every FRAGMENT (fixed strings).
says() {
  says_st=0
  [ "$rc" -eq "$want_code" ] || says_st=1
  for frag in "$@"; do
    grep -qF -- "$frag" "$tmp/stderr" || says_st=1
  done
  ok $says_st "$desc: exit $want_code, message mentions $*"
  if [ $says_st -ne 0 ]; then
    echo "# exit status $rc"
    head -n 5 "$tmp/stderr" | sed 's/^/# /'
  fi
}
# no_output [FILE]: TAP line: FILE (default $c/out.csv) was not created, no
# *.tmp.* file is in its directory, and nothing went to stdout.
no_output() {
  no_f=${1:-$c/out.csv}
  no_d=$(dirname "$no_f")
  no_st=0
  [ -e "$no_f" ] && no_st=1
  [ -d "$no_d" ] && ls -a "$no_d" | grep -q '\.tmp\.' && no_st=1
  [ -s "$tmp/stdout" ] && no_st=1
  ok $no_st "$desc: no output file created"
  if [ $no_st -ne 0 ]; then
    [ -d "$no_d" ] && ls -la "$no_d" | sed 's/^/# /'
    [ -s "$tmp/stdout" ] && head -n 3 "$tmp/stdout" | sed 's/^/# stdout: /'
  fi
}

# --- 2: usage ----------------------------------------------------------------
try 2 "no command" --plugins "$plugins"
says "no command given"
no_output
try 2 "unknown command" frob
says "unknown command 'frob'"
no_output
try 2 "unknown option after the command" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --bogus
says "--bogus"
no_output
try 2 "unknown option before the command" --bogus run
says "--bogus"
no_output
try 2 "--threads two" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --threads two
says "--threads two" "whole number"
no_output
try 2 "--as-of 2026-13-01" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --as-of 2026-13-01
says "--as-of 2026-13-01"
no_output
try 2 "--chunk-size 0" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --chunk-size 0
says "--chunk-size 0"
no_output
try 2 "an argument run does not take" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv extra
says "unexpected argument 'extra'"
no_output
try 2 "an option after the command without its value" run -c "$ini" --output
says "--output"
no_output
try 2 "a long option before the command without its value" --threads
says "--threads"
no_output

# --- 3: config ---------------------------------------------------------------
try 3 "a -c file that does not exist" run -c missing.ini --plugins "$plugins" --input "$edge" --output out.csv
says "cannot read missing.ini" "No such file"
no_output
try 3 "-c names a directory" run -c "$tmp" --plugins "$plugins" --input "$edge" --output out.csv
says "cannot read $tmp"
no_output
try 3 "an unknown key" run -c "$e2e/err_unknown_key.ini" --plugins "$plugins" --input "$edge" --output out.csv
says "err_unknown_key.ini:4: unknown key 'thread'" "did you mean 'threads'"
no_output
try 3 "an unknown section" run -c "$e2e/err_unknown_section.ini" --rules "$root/scripts/retail_v1.lua" --plugins "$plugins" --input "$edge" --output out.csv
says "err_unknown_section.ini:4: unknown section [engnie]" "did you mean [engine]"
no_output
try 3 "a value that is not a number" run -c "$e2e/err_bad_value.ini" --rules "$root/scripts/retail_v1.lua" --plugins "$plugins" --input "$edge" --output out.csv
says "err_bad_value.ini:3: threads = 'two'"
no_output
mkdir "$tmp/tp"
cp "$testplugs/good.so" "$tmp/tp/"
try 3 "a key the plugin does not accept" run -c "$e2e/err_plugin_key.ini" \
  --rules "$e2e/testplug.lua" --plugins "$tmp/tp" --input "$e2e/ages.csv" --output out.csv
says "err_plugin_key.ini:3:" "'fcator'" "testplug"
no_output
try 3 "a section for a plugin that is not loaded" run -c "$e2e/err_plugin_section.ini" \
  --rules "$e2e/testplug.lua" --plugins "$tmp/tp" --input "$e2e/ages.csv" --output out.csv
says "err_plugin_section.ini:2:" "[plugin.nosuch]"
no_output
try 3 "no rule file anywhere" run --plugins "$plugins" --input "$edge" --output out.csv
says "no rule file"
no_output
try 3 "no input anywhere" run -c "$ini" --plugins "$plugins" --output out.csv
says "no input"
no_output

# --- 4: rules ----------------------------------------------------------------
rules() { # CODE DESC RULE-FILE [ARGS...]: a run of RULE-FILE on the fixture
  r_code=$1 r_desc=$2 r_file=$3
  shift 3
  try "$r_code" "$r_desc" run --rules "$r_file" --plugins "$plugins" --input "$edge" \
    --output out.csv "$@"
}
rules 4 "a Lua syntax error" "$e2e/err_syntax.lua"
says "err_syntax.lua:5:"
no_output
rules 4 "an unknown column" "$e2e/err_unknown_column.lua"
says "err_unknown_column.lua:2:" "'custmer_id'" "did you mean 'customer_id'"
no_output
rules 4 "a Lua run-time error" "$e2e/err_runtime.lua"
says "err_runtime.lua:4:" "nil value"
no_output
rules 4 "an endless loop" "$e2e/err_endless_loop.lua"
says "err_endless_loop.lua:3:" "Lua instructions"
no_output
rules 4 "io.open in a rule file" "$e2e/err_io_open.lua"
says "err_io_open.lua:2:" "'io'"
no_output
rules 4 "a rule file that does not exist" "$tmp/nope.lua"
says "cannot read rule file $tmp/nope.lua"
no_output
rules 4 "a rule file with no split and no segment" "$e2e/err_no_segments.lua"
says "err_no_segments.lua" "no macro split and no micro segment"
no_output
rules 4 "a method numbers do not have" "$e2e/err_unknown_method.lua"
says "err_unknown_method.lua:3:" "'abvoe'"
no_output
rules 4 "over the Lua memory limit" "$e2e/err_memory.lua" -c "$e2e/err_memory.ini"
says "err_memory.lua" "more than 8 MB"
no_output

# --- 5: input ----------------------------------------------------------------
try 5 "an input file that does not exist" run -c "$ini" --plugins "$plugins" \
  --input "$tmp/nope.csv" --output out.csv
says "cannot open input $tmp/nope.csv"
no_output
: > "$tmp/empty.csv"
try 5 "an empty input file" run -c "$ini" --plugins "$plugins" --input "$tmp/empty.csv" \
  --output out.csv
says "empty.csv" "no header row"
no_output
try 5 "empty standard input" run -c "$ini" --plugins "$plugins" --input - \
  --output out.csv < /dev/null
says "standard input" "no header row"
no_output
sed '1s/customer_id/client/' "$edge" > "$tmp/noid.csv"
try 5 "a header without customer_id" run -c "$ini" --plugins "$plugins" \
  --input "$tmp/noid.csv" --output out.csv
says "noid.csv:1:" "no column 'customer_id'"
no_output
sed '1s/,notes$/,age/' "$edge" > "$tmp/dup.csv"
try 5 "a column twice in the header" run -c "$ini" --plugins "$plugins" \
  --input "$tmp/dup.csv" --output out.csv
says "dup.csv:1:" "'age' appears twice"
no_output
sed '1s/,notes$/,no"tes/' "$edge" > "$tmp/badhdr.csv"
try 5 "a stray quote in the header" run -c "$ini" --plugins "$plugins" \
  --input "$tmp/badhdr.csv" --output out.csv
says "badhdr.csv:1:" "cannot read the header row" "quote"
no_output
try 5 "the input is a directory" run -c "$ini" --plugins "$plugins" --input "$tmp" \
  --output out.csv
says "$tmp"
no_output

# --- 6: output ---------------------------------------------------------------
try 6 "output into a directory that does not exist" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --output nodir/out.csv
says "nodir/out.csv"
no_output "$c/nodir/out.csv"
: > "$tmp/afile"
try 6 "output below a regular file" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --output "$tmp/afile/out.csv"
says "$tmp/afile/out.csv" "Not a directory"
no_output
if [ -d /proc/self ]; then
    try 6 "output into /proc (read-only for everyone)" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --output /proc/cleave-test.csv
  says "/proc/cleave-test.csv"
  no_output /proc/cleave-test.csv
else
  skip "output into /proc" "no /proc"
  skip "output into /proc: no output file created" "no /proc"
fi
mkdir "$tmp/ro"
chmod 555 "$tmp/ro"
if [ "$(id -u)" -ne 0 ] && ! touch "$tmp/ro/x" 2>/dev/null; then
    try 6 "output into a read-only directory" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --output "$tmp/ro/out.csv"
  says "$tmp/ro/out.csv" "Permission denied"
  no_output "$tmp/ro/out.csv"
else
  skip "output into a read-only directory" "running as root: permissions do not apply"
  skip "output into a read-only directory: no output file created" "running as root"
fi
mkdir "$tmp/isdir"
try 6 "the output path is a directory" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --output "$tmp/isdir"
says "$tmp/isdir"
st=0
[ -d "$tmp/isdir" ] && [ -z "$(ls -A "$tmp/isdir")" ] || st=1
ls -a "$tmp" | grep -q '\.tmp\.' && st=1
ok $st "$desc: the directory is left as it was, no *.tmp.* file"
try 6 "rejects into a directory that does not exist" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --rejects nodir/rej.csv
says "nodir/rej.csv"
no_output
try 6 "summary into a directory that does not exist" run -c "$ini" --plugins "$plugins" --input "$edge" --output out.csv --summary nodir/sum.json
says "nodir/sum.json"
no_output

# --- 7: plugins --------------------------------------------------------------
plugin_case() { # SO DESC FRAGMENT...: the real plugins plus tests/plugins/SO
  pc_so=$1 pc_desc=$2
  shift 2
  pd=$tmp/plugins-$pc_so
  mkdir "$pd"
  cp "$plugins"/*.so "$testplugs/$pc_so.so" "$pd/"
  try 7 "$pc_desc" run -c "$ini" --plugins "$pd" --input "$edge" --output out.csv
  says "$pd/$pc_so.so" "$@"
  no_output
}
plugin_case wrong_abi "a plugin built for another ABI major" "ABI 2.0" "1.1"
plugin_case newer_minor "a plugin built for a newer ABI minor" "ABI 1.2" "1.1"
plugin_case no_entry "a .so without the entry point" "cleave_plugin_entry"
plugin_case bad_desc "a plugin with a criterion without eval" "no eval function"
# init_fails is initialised only when the rule file names it (docs/plugins.md)
printf 'local n = init_fails.noop()\nmicro "x" { n }\n' > "$tmp/uses_init_fails.lua"
pd=$tmp/plugins-init_fails
mkdir "$pd"
cp "$plugins"/*.so "$testplugs/init_fails.so" "$pd/"
try 7 "a plugin whose init fails, used by the rules" run -c "$ini" --plugins "$pd" \
  --rules "$tmp/uses_init_fails.lua" --input "$edge" --output out.csv
says "$pd/init_fails.so" "init failed" "cannot open lookup table" "the rule file names init_fails at"
no_output
try 7 "a plugin that refuses its configuration" run -c "$e2e/err_plugin_init.ini" \
  --rules "$e2e/testplug.lua" --plugins "$tmp/tp" --input "$e2e/ages.csv" --output out.csv
says "$tmp/tp/good.so" "factor = abc"
no_output
try 7 "a plugin directory that does not exist" run -c "$ini" --plugins "$tmp/noplugins" \
  --input "$edge" --output out.csv
says "$tmp/noplugins" "plugin directory"
no_output

# --- 8: lock -----------------------------------------------------------------
if command -v flock >/dev/null 2>&1; then
  mkdir "$tmp/lk"
  flock "$tmp/lk/out.csv.lock" sh -c 'echo $$ > "$1.tmp"; mv "$1.tmp" "$1"; exec sleep 60' \
    sh "$tmp/holder.pid" &
  fpid=$!
  bgpids="$bgpids $fpid"
  i=0
  while [ $i -lt 100 ] && [ ! -s "$tmp/holder.pid" ]; do
    sleep 0.1
    i=$((i + 1))
  done
  try 8 "another run holds the lock" run -c "$ini" --plugins "$plugins" --input "$edge" \
    --output "$tmp/lk/out.csv"
  says "$tmp/lk/out.csv.lock" "another cleave run"
  no_output "$tmp/lk/out.csv"
  [ -s "$tmp/holder.pid" ] && kill "$(cat "$tmp/holder.pid")" 2>/dev/null
  wait $fpid 2>/dev/null
else
  skip "another run holds the lock" "flock(1) not found"
  skip "another run holds the lock: no output file created" "flock(1) not found"
fi

done_testing
