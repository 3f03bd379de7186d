#!/bin/sh
# SPDX-License-Identifier: MIT
# spdx.sh -- the SPDX-License-Identifier line of every source file in git.
#   sh tools/spdx.sh           list the source files without the line
#   sh tools/spdx.sh --add     add it to them: at the top of C files
#                              (/* ... */), after a #! line, first in other
#                              #-comment files; at the END of Lua rule files,
#                              so the line numbers in messages stay
# Source: C, shell, Python, Lua, Makefiles, .ci/run, debian/rules. Test data
# is exempt: tests/fixtures/, tests/fuzz/corpus/ and regressions/, and the
# example rules in docs/recipes/. tests/t_license.sh fails on any missing.
set -eu
cd "$(dirname "$0")/.."
line="SPDX-License-Identifier: MIT"
git ls-files -co --exclude-standard |
  grep -E '\.(c|h|sh|py|lua)$|(^|/)Makefile$|^\.ci/run$|^debian/rules$' |
  grep -vE '^tests/fixtures/|^tests/fuzz/(corpus|regressions)/|^docs/recipes/' |
  while IFS= read -r f; do
    [ -f "$f" ] || continue
    { head -n 3 "$f"; tail -n 1 "$f"; } | grep -q "$line" && continue
    if [ "${1:-}" != --add ]; then echo "$f"; continue; fi
    case $f in
      *.lua) printf -- '-- %s\n' "$line" >> "$f" ;;
      *.c|*.h) sed -i "1i /* $line */" "$f" ;;
      *) if head -n 1 "$f" | grep -q '^#!'; then sed -i "1a # $line" "$f"
         else sed -i "1i # $line" "$f"; fi ;;
    esac
    echo "added: $f"
  done
