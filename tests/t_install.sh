#!/bin/sh
# SPDX-License-Identifier: MIT
# t_install.sh -- `make install` / `make uninstall` (issue 10 item 1) and the
# out-of-tree plugin build (item 3), from a build of its own in a temporary
# folder (never the source tree, never the system):
#   * one build with dpkg-buildflags' hardening flags in CFLAGS, CPPFLAGS and
#     LDFLAGS (from the environment, as dpkg-buildpackage passes them): every
#     compile line of the log carries them, every link line carries the
#     linker flags, and readelf shows BIND_NOW, GNU_RELRO, __stack_chk_fail
#     and fortified (_chk) calls in the installed ELF files;
#   * installed with PREFIX=$tmp/prefix, so the compiled-in plugin directory
#     is a real one: the installed cleave, run from another directory with no
#     `plugins =`, segments a sample with the installed reference rules
#     (retail_v1.lua uses the dates plugin), and gives the same output as with
#     an explicit --plugins;
#   * the installed man page renders (man -l) with no groff warnings;
#   * pkg-config finds the installed header, plugindir and ABI version;
#   * the installed plugin template, copied elsewhere, builds against the
#     installed header through pkg-config, installs into plugindir and loads
#     in the installed cleave;
#   * DESTDIR staging; make uninstall removes what install wrote, and only
#     that.

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"

# it builds on its own: once per test run is enough
[ -n "${SAN:-}" ] && skip_all "run by the plain build's tests (it makes its own build)"
command -v make >/dev/null 2>&1 || skip_all "no make"
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# a make of our own: not the caller's jobserver, flags or goals
unset MAKEFLAGS MFLAGS MAKELEVEL WERROR SAN DESTDIR PREFIX
export CC

# The flags a Debian package build passes (or the same by hand without
# dpkg-dev), appended to the project's own by the Makefile.
if command -v dpkg-buildflags >/dev/null 2>&1; then
  export DEB_BUILD_MAINT_OPTIONS=hardening=+all
  CFLAGS=$(dpkg-buildflags --get CFLAGS)
  CPPFLAGS=$(dpkg-buildflags --get CPPFLAGS)
  LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
else
  note "no dpkg-buildflags: the same hardening flags by hand"
  CFLAGS="-g -O2 -fstack-protector-strong -Wformat -Werror=format-security"
  CPPFLAGS="-Wdate-time -D_FORTIFY_SOURCE=2"
  LDFLAGS="-Wl,-z,relro -Wl,-z,now"
fi
export CFLAGS CPPFLAGS LDFLAGS
note "CFLAGS=$CFLAGS"
note "CPPFLAGS=$CPPFLAGS"
note "LDFLAGS=$LDFLAGS"

prefix=$tmp/prefix
build=$tmp/build
mk() { make --no-print-directory -C "$root" BUILD="$build" PREFIX="$prefix" "$@"; }

jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 2 ] && jobs=2
mk -j"$jobs" all > "$tmp/build.log" 2>&1
okd $? "make all with the environment's CFLAGS/CPPFLAGS/LDFLAGS" "$tmp/build.log" "" 30
mk install > "$tmp/install.log" 2>&1
okd $? "make install PREFIX=\$tmp/prefix" "$tmp/install.log" "" 30

# --- the flags reach every compile and link ----------------------------------
# Compiler lines of the log (joined continuation lines).
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$tmp/build.log" | grep "^$CC " > "$tmp/cc.lines"
ncc=$(wc -l < "$tmp/cc.lines")
[ "$ncc" -gt 20 ]
ok $? "the build log has the compiler lines ($ncc)"
bad=0
while IFS= read -r line; do
  need="-fstack-protector-strong"
  case " $line " in *" -c "*|*".c "*) # compiles
    need="$need -D_FORTIFY_SOURCE=2 -Werror=format-security" ;;
  esac
  case " $line " in *" -c "*) ;; *) # links
    need="$need -Wl,-z,relro -Wl,-z,now" ;;
  esac
  for f in $need; do
    case " $line " in *" $f "*) ;; *) bad=$((bad + 1)); echo "# missing $f: $line" | cut -c1-240 ;; esac
  done
  case " $line " in *" -Werror "*) bad=$((bad + 1)); echo "# -Werror in a plain build: $line" | cut -c1-200 ;; esac
done < "$tmp/cc.lines"
ok $bad "every compile has CFLAGS and CPPFLAGS, every link LDFLAGS, none -Werror"
nlink=$(grep -vc -- ' -c ' "$tmp/cc.lines")
[ "$nlink" -ge 5 ]
ok $? "links checked: $nlink (cleave, plugins, tools)"

if command -v readelf >/dev/null 2>&1; then
  elfs="$prefix/bin/cleave $(ls "$prefix"/lib/cleave/plugins/*.so 2>/dev/null)"
  bad=0
  for e in $elfs; do
    readelf -d "$e" > "$tmp/dyn" 2>&1 && readelf -lW "$e" > "$tmp/ph" 2>&1 || bad=$((bad + 1))
    grep -Eq 'BIND_NOW|FLAGS_1.*NOW' "$tmp/dyn" || { bad=$((bad + 1)); echo "# no BIND_NOW: $e"; }
    grep -q GNU_RELRO "$tmp/ph" || { bad=$((bad + 1)); echo "# no GNU_RELRO: $e"; }
  done
  ok $bad "installed ELF files are full RELRO (BIND_NOW and GNU_RELRO): $(echo $elfs | wc -w)"
  readelf --dyn-syms -W "$prefix/bin/cleave" > "$tmp/syms"
  grep -q ' __stack_chk_fail' "$tmp/syms"
  ok $? "cleave calls __stack_chk_fail (-fstack-protector-strong)"
  nchk=$(grep -Ec ' __[a-z]+_chk(@|$)' "$tmp/syms")
  [ "$nchk" -gt 0 ]
  ok $? "cleave calls fortified functions (-D_FORTIFY_SOURCE=2): $nchk __*_chk"
  if command -v hardening-check >/dev/null 2>&1; then
    hardening-check $elfs > "$tmp/hc" 2>&1
    okd $? "hardening-check passes" "$tmp/hc" "" 40
  else
    skip "hardening-check" "no hardening-check (devscripts)"
  fi
else
  skip "readelf checks" "no readelf (binutils)"
fi

# --- what was installed ----------------------------------------------------------
bad=0
for f in bin/cleave include/cleave/plugin.h lib/pkgconfig/cleave-plugin.pc \
         lib/cleave/plugins/dates.so lib/cleave/plugins/geo.so lib/cleave/plugins/rfm.so \
         share/man/man1/cleave.1 share/doc/cleave/README.md share/doc/cleave/LICENSE \
         share/doc/cleave/rules.md share/doc/cleave/config.md share/doc/cleave/plugins.md \
         share/doc/cleave/examples/engine.ini share/doc/cleave/examples/plugin-template/template.c \
         share/doc/cleave/examples/plugin-template/Makefile share/doc/cleave/recipes/rfm.lua \
         share/cleave/scripts/retail_v1.lua share/cleave/scripts/retail_v1_test.lua; do
  [ -f "$prefix/$f" ] || { bad=$((bad + 1)); echo "# not installed: $f"; }
done
ok $bad "the binary, plugins, header, .pc, man page, guides, examples and rules are installed"
for p in "$root"/plugins/*/; do
  pn=$(basename "$p")
  [ "$pn" = template ] && continue
  [ -f "$prefix/lib/cleave/plugins/$pn.so" ] || { bad=$((bad + 1)); echo "# plugin not installed: $pn"; }
done
ok $bad "every bundled plugin is in lib/cleave/plugins"
[ "$(stat -c %a "$prefix/bin/cleave")" = 755 ] &&
  [ "$(stat -c %a "$prefix/lib/cleave/plugins/dates.so")" = 644 ] &&
  [ "$(stat -c %a "$prefix/include/cleave/plugin.h")" = 644 ]
ok $? "modes: 0755 binary, 0644 plugins and header"

# --- the installed cleave, from another directory -----------------------------------
cleave=$prefix/bin/cleave
scripts=$prefix/share/cleave/scripts
mkdir -p "$tmp/work/out" && cd "$tmp/work" || exit 1
"$build/tools/gen_retail" --rows 3000 --seed 7 > customers.csv

"$cleave" run -q --no-config --rules "$scripts/retail_v1.lua" --input customers.csv \
  --output explicit.csv --as-of 2026-11-01 --plugins "$prefix/lib/cleave/plugins" \
  > explicit.log 2>&1
okd $? "installed cleave runs the installed reference rules with --plugins" explicit.log
[ "$(wc -l < explicit.csv)" -eq 3001 ]
ok $? "one output line per customer"

# The example engine.ini, with no plugins = and no flags: the Done-when of #10.
sed -e "s|^path = customers.csv.*|path = customers.csv|" -e 's|^as_of = today.*|as_of = 2026-11-01|' \
  "$prefix/share/doc/cleave/examples/engine.ini" > engine.ini
grep -q '^plugins' engine.ini
ok $(( ! $? )) "the example engine.ini has no plugins ="
"$cleave" run -q > default.log 2>&1
okd $? "cleave run in another directory, with the example engine.ini and no plugins =" \
  default.log
cmp -s explicit.csv out/segments.csv
ok $? "... the same output as with --plugins"
grep -q "'dates' is not defined" default.log
ok $(( ! $? )) "... no \"'dates' is not defined\""
env CLEAVE_PLUGIN_PATH="$prefix/lib/cleave/plugins" "$cleave" run -q --no-config \
  --rules "$scripts/retail_v1.lua" --input customers.csv --output path.csv \
  --as-of 2026-11-01 > path.log 2>&1 && cmp -s explicit.csv path.csv
okd $? "CLEAVE_PLUGIN_PATH names the plugin directory" path.log
if command -v strings >/dev/null 2>&1; then
  strings "$cleave" | grep -qxF "$prefix/lib/cleave/plugins"
  ok $? "the compiled-in plugin directory is \$libdir/cleave/plugins"
fi
"$cleave" test -q --no-config --rules "$scripts/retail_v1.lua" \
  --plugins "$prefix/lib/cleave/plugins" "$scripts/retail_v1_test.lua" > ruletest.log 2>&1
okd $? "the installed reference rule tests pass" ruletest.log

# --- man page ---------------------------------------------------------------------------
page=$prefix/share/man/man1/cleave.1
if command -v man >/dev/null 2>&1; then
  MANWIDTH=80 MANPAGER=cat PAGER=cat man -l "$page" > man.txt 2> man.err
  [ $? -eq 0 ] && grep -q 'cleave run' man.txt && grep -q 'EXIT STATUS' man.txt
  okd $? "man -l renders the installed cleave(1)" man.err
else
  skip "man -l" "no man (man-db)"
fi
if command -v groff >/dev/null 2>&1; then
  LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" > groff.err 2>&1 && [ ! -s groff.err ]
  okd $? "groff -man -ww: no warnings" groff.err
else
  skip "groff warnings" "no groff"
fi

# --- pkg-config and an out-of-tree plugin ---------------------------------------------
if command -v pkg-config >/dev/null 2>&1; then
  export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
  cf=$(pkg-config --cflags cleave-plugin | sed "s/ *$//")
  [ "$cf" = "-I$prefix/include" ] && [ -f "$prefix/include/cleave/plugin.h" ]
  ok $? "pkg-config --cflags cleave-plugin names the installed header's folder ($cf)"
  pd=$(pkg-config --variable=plugindir cleave-plugin)
  [ "$pd" = "$prefix/lib/cleave/plugins" ]
  ok $? "pkg-config --variable=plugindir ($pd)"
  maj=$(sed -n 's/^#define CLEAVE_ABI_MAJOR \([0-9]*\).*/\1/p' "$root/include/cleave/plugin.h")
  min=$(sed -n 's/^#define CLEAVE_ABI_MINOR \([0-9]*\).*/\1/p' "$root/include/cleave/plugin.h")
  [ "$(pkg-config --modversion cleave-plugin)" = "$maj.$min" ] &&
    [ "$(pkg-config --variable=abi_major cleave-plugin)" = "$maj" ] &&
    pkg-config --atleast-version="$maj.0" cleave-plugin
  ok $? "the .pc's version is the plugin ABI of the header ($maj.$min)"

  # the template as a plugin author gets it: the installed copy, elsewhere
  cp -R "$prefix/share/doc/cleave/examples/plugin-template" "$tmp/myplugin"
  make --no-print-directory -C "$tmp/myplugin" WERROR=1 > tpl.log 2>&1
  okd $? "the installed template builds out of tree (WERROR=1)" tpl.log "" 20
  grep -q -- "-I$prefix/include" tpl.log
  okd $? "... against the installed header, through pkg-config" tpl.log
  make --no-print-directory -C "$tmp/myplugin" install > tplinst.log 2>&1 &&
    [ -f "$pd/template.so" ]
  okd $? "make install puts template.so in plugindir" tplinst.log
  cat > wordy.lua <<'EOF'
local notes = text "notes"
micro "wordy" { template.word_count(notes):at_least(2) }
EOF
  "$cleave" run -q --no-config --rules wordy.lua --input customers.csv --output wordy.csv \
    --plugins "$pd" > wordy.log 2>&1
  okd $? "the out-of-tree plugin loads in the installed cleave" wordy.log
  nw=$(grep -c ',wordy$' wordy.csv)
  [ "$nw" -gt 0 ] && [ "$nw" -lt 3000 ]
  ok $? "... and its criterion decides ($nw of 3000 wordy)"
  unset PKG_CONFIG_PATH
else
  skip "pkg-config and the out-of-tree template" "no pkg-config"
fi

# --- the .pc and the example for PREFIX=/usr/local (no rebuild: only sed) -------------
cd "$tmp" || exit 1
make --no-print-directory -C "$root" BUILD="$tmp/b2" PREFIX=/usr/local \
  "$tmp/b2/cleave-plugin.pc" "$tmp/b2/engine.ini.example" > pc.log 2>&1
grep -qx 'includedir=/usr/local/include' "$tmp/b2/cleave-plugin.pc" &&
  grep -qx 'plugindir=/usr/local/lib/cleave/plugins' "$tmp/b2/cleave-plugin.pc" &&
  grep -q '^rules = /usr/local/share/cleave/scripts/retail_v1.lua' "$tmp/b2/engine.ini.example"
okd $? "PREFIX=/usr/local: the .pc and the example engine.ini name /usr/local" pc.log

# --- DESTDIR and uninstall ----------------------------------------------------------------
stage=$tmp/stage
mk install DESTDIR="$stage" > stage.log 2>&1
okd $? "make install DESTDIR=..." stage.log
(cd "$prefix" && find . -type f | sort) > want.files
(cd "$stage$prefix" && find . -type f | sort) > got.files
grep -v template.so want.files | cmp -s - got.files
ok $? "DESTDIR stages the same files under \$DESTDIR\$prefix"
[ -z "$(find "$stage" -path "$stage$prefix" -prune -o -type f -print)" ]
ok $? "... and nothing outside it"
mk uninstall DESTDIR="$stage" > unst.log 2>&1
okd $? "make uninstall DESTDIR=..." unst.log
[ -z "$(find "$stage" -type f)" ] && [ ! -d "$stage$prefix/share/doc/cleave" ] &&
  [ ! -d "$stage$prefix/lib/cleave" ] && [ ! -d "$stage$prefix/share/cleave" ] &&
  [ ! -d "$stage$prefix/include/cleave" ]
ok $? "... removes every file and cleave's own folders"
mk uninstall > un.log 2>&1
okd $? "make uninstall PREFIX=\$tmp/prefix" un.log
left=$(cd "$prefix" && find . -type f | sort | tr '\n' ' ')
[ "$left" = "./lib/cleave/plugins/template.so " ]
ok $? "... leaves only the plugin it did not install (left: $left)"

done_testing
