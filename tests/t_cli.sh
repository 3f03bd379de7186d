#!/bin/sh
# SPDX-License-Identifier: MIT
# t_cli.sh -- the command line follows GNU conventions: options before and
# after the command and its arguments, `--`, per-command help (`cleave CMD
# --help`, `cleave help CMD`), did-you-mean for commands and options, "needs
# a value" apart from "unknown option", options a command does not take,
# --version's first line, --no-config.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
edge=$root/tests/fixtures/retail_edge.csv
want=$root/tests/fixtures/retail_edge.expected.csv
rules=$root/scripts/retail_v1.lua
. "$root/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
common="--rules $rules --plugins $plugins --input $edge --as-of 2026-11-01"

# c EXPECTED-RC DESCRIPTION ARGS...: run cleave; stdout/stderr in $tmp/out, $tmp/err
c() {
  want_rc=$1 desc=$2
  shift 2
  "$cleave" "$@" > "$tmp/out" 2> "$tmp/err"
  got=$?
  [ "$got" -eq "$want_rc" ]
  okd $? "$desc (exit $want_rc, got $got)" "$tmp/err"
}
says() { grep -qF -- "$1" "$tmp/$2"; okd $? "  ... $2 says: $1" "$tmp/$2"; }

# --- options anywhere ------------------------------------------------------------
# shellcheck disable=SC2086
c 0 "run: options after the command" run -q $common --output a.csv --rejects a.rej
cmp -s a.csv "$want"; ok $? "  ... and the output is the fixture's expected one"
# shellcheck disable=SC2086
c 0 "run: options before the command" -q $common run --output b.csv --rejects b.rej
cmp -s b.csv "$want"; ok $? "  ... the same output"
# shellcheck disable=SC2086
c 0 "explain: the id before the options" explain C000000001 $common
says "customer C000000001" out
# shellcheck disable=SC2086
c 0 "explain: the id after the options" explain $common C000000001
says "customer C000000001" out
# shellcheck disable=SC2086
c 0 "explain: options on both sides of the id" explain --rules "$rules" C000000001 --plugins "$plugins" --input "$edge"
says "customer C000000001" out
# shellcheck disable=SC2086
c 0 "explain --row N after the command's other options" explain $common --row 1
says "customer C000000001" out
# shellcheck disable=SC2086
c 0 "check: options after the command" check $common -q
# shellcheck disable=SC2086
c 0 "check: options before the command" -q $common check
c 0 "test: a file, then options" test "$root/scripts/retail_v1_test.lua" -q --plugins "$plugins"
grep -q '^ok ' "$tmp/out"; ok $? "  ... runs the file's tests (not '-q' as a file)"
c 0 "test: options, then a file" test -q --plugins "$plugins" "$root/scripts/retail_v1_test.lua"
grep -q '^ok ' "$tmp/out"; ok $? "  ... runs the file's tests"
# shellcheck disable=SC2086
c 2 "'--' ends the options: a later --bogus is an argument" explain $common -- C000000001 --bogus
says "explain needs one customer id" err

# --- help ---------------------------------------------------------------------------
for cmd in run check explain test; do
  c 0 "cleave $cmd --help" "$cmd" --help
  grep -q "^usage: cleave $cmd" "$tmp/out"; okd $? "  ... prints $cmd's own usage" "$tmp/out"
  cp "$tmp/out" "$tmp/help1"
  c 0 "cleave help $cmd" help "$cmd"
  cmp -s "$tmp/out" "$tmp/help1"; ok $? "  ... the same text as cleave $cmd --help"
done
c 0 "cleave run --help lists --output" run --help
says "--output FILE|-" out
c 0 "cleave check --help lists --sample and not --output" check --help
says "--sample N" out
! grep -q -- "--output" "$tmp/out"; ok $? "  ... and not --output"
c 0 "cleave help" help
says "usage: cleave <command>" out
says "cleave help COMMAND" out
c 0 "cleave --help" --help
says "usage: cleave <command>" out
c 2 "cleave help frob" help frob
says "unknown command 'frob'" err

# --- mistakes ---------------------------------------------------------------------------
c 2 "a misspelt command" chek
says "unknown command 'chek' (did you mean 'check'?)" err
c 2 "a misspelt long option" run --inptu x.csv
says "unknown option '--inptu' (did you mean '--input'?)" err
c 2 "an unknown short option" run -x
says "unknown option '-x'" err
c 2 "--input without its value" run --input
says "--input needs a value" err
! grep -q "unknown option" "$tmp/err"; ok $? "  ... and not 'unknown option'"
c 2 "-c without its value" check -c
says "--config needs a value" err
c 2 "an option of another command" run --sample 10
says "--sample is not an option of cleave run (it belongs to cleave check)" err
says "cleave run --help" err
c 2 "--config and --no-config together" check --no-config -c x.ini
says "contradict" err

# --- version -------------------------------------------------------------------------------
ver=$(sed -n 's/^#define CLEAVE_VERSION "\(.*\)"$/\1/p' "$root/engine/version.h")
c 0 "cleave --version" --version
[ "$(head -n 1 "$tmp/out")" = "cleave $ver" ]; okd $? "  ... its first line is 'cleave $ver'" "$tmp/out"
c 0 "cleave run --version" run --version
[ "$(head -n 1 "$tmp/out")" = "cleave $ver" ]; ok $? "  ... the same after a command"

# --- --no-config ---------------------------------------------------------------------------------
printf '[engine]\nthreds = 1\n' > engine.ini # a broken ./engine.ini
# shellcheck disable=SC2086
c 3 "./engine.ini is read when there is no -c" check $common
# shellcheck disable=SC2086
c 0 "--no-config: ./engine.ini is not read" check --no-config $common
rm engine.ini

# --- as_of = today is the local date (TZ) ----------------------------------------------------------
# UTC+14 and UTC-12 are 26 hours apart: their dates differ at every instant.
for tz in "LINT-14" "BIT+12"; do
  for try in 1 2; do # a second try if local midnight passed between the two reads
    TZ=$tz "$cleave" explain --no-config --rules "$rules" --plugins "$plugins" --input "$edge" \
      C000000001 > "$tmp/out" 2> "$tmp/err"
    want_day=$(TZ=$tz date +%Y-%m-%d)
    grep -q "as of $want_day," "$tmp/out" && break
  done
  grep -q "as of $want_day," "$tmp/out"
  okd $? "as of today with TZ=$tz is that zone's date ($want_day)" "$tmp/out"
done

done_testing
