#!/bin/sh
# SPDX-License-Identifier: MIT
# t_license.sh -- LICENSE is the MIT (Expat) licence of "the cleave authors",
# debian/copyright says the same in DEP-5, and every source file in git (C,
# shell, Python, Lua, Makefiles, .ci/run, debian/rules) carries an
# SPDX-License-Identifier line: in its first three lines, or (Lua rule
# files, whose line numbers appear in messages) its last. tools/spdx.sh
# selects the files (test data is exempt) and adds missing lines (--add).

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
nf=$(cd "$root" && git ls-files | grep -Ec '\.(c|h|sh|py|lua)$|(^|/)Makefile$')
[ "$nf" -gt 100 ]
ok $? "source files in git: $nf"
missing=$(sh "$root/tools/spdx.sh")
for f in $missing; do echo "# no 'SPDX-License-Identifier: MIT' line: $f (sh tools/spdx.sh --add)"; done
[ -z "$missing" ]
ok $? "every source file has an SPDX-License-Identifier: MIT line (tools/spdx.sh)"
done_testing
