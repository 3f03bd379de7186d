#!/bin/sh
# SPDX-License-Identifier: MIT
# t_man.sh -- man/cleave.1 cannot drift from the command line: it names every
# command that `cleave --help` lists (as an entry of COMMANDS) and every
# option that `cleave help COMMAND` lists (long and short forms), and it
# renders with no groff warnings. A new command or option in engine/cli.c
# fails here until the page describes it.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
page=$root/man/cleave.1
. "$root/tests/tap.sh"

[ -x "$cleave" ] || skip_all "no $cleave (make first)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# the page's source with roff's \- as -
sed 's/\\-/-/g' "$page" > "$tmp/src"
# the COMMANDS section's entries (.TP then .B name)
sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$tmp/src" | awk 'p && /^\.B /{print $2} {p = ($0 == ".TP")}' \
  > "$tmp/page.cmds"

"$cleave" --help > "$tmp/help" 2>&1
sed -n '/^commands:/,/^$/p' "$tmp/help" | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' > "$tmp/cmds"
nc=$(wc -l < "$tmp/cmds")
[ "$nc" -ge 4 ]
ok $? "cleave --help lists the commands ($nc)"
bad=0
for c in $(cat "$tmp/cmds"); do
  grep -qx "$c" "$tmp/page.cmds" || { bad=$((bad + 1)); echo "# cleave.1 COMMANDS has no entry for '$c'"; }
done
ok $bad "cleave.1 describes every command"

: > "$tmp/opts"
for c in $(cat "$tmp/cmds"); do
  "$cleave" help "$c" > "$tmp/h.$c" 2>&1 || echo "# cleave help $c failed"
  sed -n '/^options:/,/^$/p' "$tmp/h.$c" | grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z0-9-]*' \
    | sed 's/^ *//' >> "$tmp/opts"
done
sort -u "$tmp/opts" -o "$tmp/opts"
no=$(wc -l < "$tmp/opts")
[ "$no" -ge 20 ]
ok $? "cleave help COMMAND lists the options ($no)"
bad=0
while IFS= read -r o; do
  long=${o##*--}
  grep -Eq -- "--$long([^a-z0-9-]|\$)" "$tmp/src" ||
    { bad=$((bad + 1)); echo "# cleave.1 does not mention --$long"; }
  case $o in -?,*)
    short=${o%%,*}
    grep -Eq -- "(^|[ \"])$short([^A-Za-z0-9-]|\$)" "$tmp/src" ||
      { bad=$((bad + 1)); echo "# cleave.1 does not mention $short (--$long)"; } ;;
  esac
done < "$tmp/opts"
ok $bad "cleave.1 mentions every option, long and short"

grep -q "cleave $(sed -n 's/^#define CLEAVE_VERSION "\(.*\)"/\1/p' "$root/engine/version.h")\"" "$page"
ok $? "the .TH line carries engine/version.h's version"

if command -v groff >/dev/null 2>&1; then
  LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" > "$tmp/groff" 2>&1 && [ ! -s "$tmp/groff" ]
  okd $? "groff -man -Tutf8 -ww: no warnings" "$tmp/groff"
else
  skip "groff warnings" "no groff"
fi
if command -v man >/dev/null 2>&1; then
  MANWIDTH=80 MANPAGER=cat man -l "$page" > "$tmp/man" 2> "$tmp/man.err" &&
    grep -q '^NAME' "$tmp/man" && grep -q '^EXIT STATUS' "$tmp/man"
  okd $? "man -l renders it" "$tmp/man.err"
else
  skip "man -l" "no man"
fi

done_testing
