# SPDX-License-Identifier: MIT
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

# check_summaries DIR...: one test -- every summary.json cleave wrote under
# the DIRs (any *.json holding "schema_version") is valid against
# docs/summary.schema.json and adds up (tests/validate_summary.py); skipped
# without /usr/bin/python3 and python3-jsonschema. Needs $root.
check_summaries() {
  if [ ! -x /usr/bin/python3 ]; then
    skip "summaries valid against docs/summary.schema.json" "/usr/bin/python3 not found"
    return
  fi
  tap_v=$(/usr/bin/python3 "$root/tests/validate_summary.py" --find "$@" 2>&1)
  tap_st=$?
  case $tap_v in
  skip:*) skip "summaries valid against docs/summary.schema.json" "${tap_v#skip: }" ;;
  *)
    case $tap_v in "0 summaries"*)
      skip "summaries valid against docs/summary.schema.json" "no summary.json was written"
      return ;;
    esac
    ok $tap_st "summary.json files valid against docs/summary.schema.json ($tap_v)"
    [ $tap_st -eq 0 ] || echo "$tap_v" | head -n 10 | sed 's/^/# /'
    ;;
  esac
}
