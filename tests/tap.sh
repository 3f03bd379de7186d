# tap.sh -- the TAP helpers every shell test sources (`. "$root/tests/tap.sh"`).
#
#   ok STATUS DESCRIPTION [TODO-REASON]   one test from an exit status; a TODO
#                                          test when a reason is given or $todo is set
#   okd STATUS DESCRIPTION FILE [TODO]    ok, with FILE's first lines as
#                                          diagnostics when it fails
#   skip DESCRIPTION REASON                a skipped test
#   skip_all REASON                        skip the whole file (prints 1..0) and exit
#   diag FILE [N]                          FILE's first N (10) lines as TAP comments
#   note TEXT...                           one TAP comment line
#   done_testing                           the plan line; exits 0 when nothing failed
#
# Sets tap_n (tests run) and tap_failed (tests failed, not counting TODO ones);
# the tap_ prefix keeps them apart from the variables of the tests.
# POSIX sh: tests run under dash.

tap_n=0
tap_failed=0
todo=""

ok() {
  tap_n=$((tap_n + 1))
  if [ "$1" -eq 0 ]; then tap_r="ok"; else tap_r="not ok"; fi
  tap_todo=${3:-$todo}
  if [ -n "$tap_todo" ]; then
    echo "$tap_r $tap_n - $2 # TODO $tap_todo"
  else
    echo "$tap_r $tap_n - $2"
    [ "$1" -eq 0 ] || tap_failed=$((tap_failed + 1))
  fi
}

diag() {
  if [ -s "$1" ]; then head -n "${2:-10}" "$1" | sed 's/^/# /'; fi
}

okd() {
  ok "$1" "$2" "${4:-}"
  [ "$1" -eq 0 ] || diag "$3" "${5:-10}"
}

skip() {
  tap_n=$((tap_n + 1))
  echo "ok $tap_n - $1 # SKIP $2"
}

skip_all() {
  echo "1..0 # SKIP $1"
  exit 0
}

note() {
  echo "# $*"
}

done_testing() {
  echo "1..$tap_n"
  [ "$tap_failed" -eq 0 ] && exit 0
  exit 1
}
