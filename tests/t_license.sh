#!/bin/sh
# SPDX-License-Identifier: MIT
# t_license.sh -- LICENSE is the MIT (Expat) licence of "the cleave authors",
# debian/copyright says the same in DEP-5, and every source file in git (C,
# shell, Python, Lua, Makefiles, .ci/run, debian/rules) carries an
# SPDX-License-Identifier line: in its first three lines, or (Lua rule
# files, whose line numbers appear in messages) its last. Test data is
# exempt: tests/fixtures/, tests/fuzz/corpus/, tests/fuzz/regressions/ and
# the example rules of docs/recipes/.

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"

grep -q '^MIT License$' "$root/LICENSE" &&
  grep -q '^Copyright (c) [0-9]* the cleave authors$' "$root/LICENSE" &&
  grep -q 'Permission is hereby granted, free of charge' "$root/LICENSE"
ok $? "LICENSE: MIT, the cleave authors"
grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$root/debian/copyright" &&
  grep -q '^License: Expat$' "$root/debian/copyright" &&
  grep -q '^Copyright: .*the cleave authors' "$root/debian/copyright"
ok $? "debian/copyright: DEP-5, Expat, the cleave authors"

command -v git > /dev/null 2>&1 && git -C "$root" rev-parse --is-inside-work-tree > /dev/null 2>&1 ||
  { skip "SPDX lines" "not a git checkout"; done_testing; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_license.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && git ls-files -co --exclude-standard) |
  grep -E '\.(c|h|sh|py|lua)$|(^|/)Makefile$|^\.ci/run$|^debian/rules$' |
  grep -vE '^tests/fixtures/|^tests/fuzz/(corpus|regressions)/|^docs/recipes/' > "$tmp/files"
nf=$(wc -l < "$tmp/files")
bad=0
while IFS= read -r f; do
  [ -f "$root/$f" ] || continue
  { head -n 3 "$root/$f"; tail -n 1 "$root/$f"; } | grep -q 'SPDX-License-Identifier: MIT' ||
    { bad=$((bad + 1)); echo "# no 'SPDX-License-Identifier: MIT' line: $f"; }
done < "$tmp/files"
[ "$nf" -gt 100 ]
ok $? "source files found: $nf"
ok $bad "every source file has an SPDX-License-Identifier: MIT line"
done_testing
