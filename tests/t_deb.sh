#!/bin/sh
# SPDX-License-Identifier: MIT
# t_deb.sh -- the Debian package (issue 10 item 2). Builds the .debs with
# `DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b` in a temporary copy
# of the tree (dpkg-buildpackage writes ../*.deb; the source tree is never
# written), then checks the packages' contents and fields, extracts them with
# `dpkg -x` into a temporary root and runs the extracted binary on a sample,
# builds the plugin template against the extracted header through
# pkg-config (PKG_CONFIG_SYSROOT_DIR) and loads it, and runs lintian when
# present (any E: or W: tag fails; I:/P:/X: tags are listed as notes).
#
# The binary's compiled-in plugin directory is /usr/lib/<multiarch>/cleave/
# plugins, outside the temporary root: the extracted binary is pointed at
# the extracted plugins with --plugins and with CLEAVE_PLUGIN_PATH. The real
# thing -- `dpkg -i`, then `cleave run` with no plugins = -- runs only on a CI machine (CI=true), as root, when no
# cleave package is installed and CLEAVE_TEST_DEB_INSTALL is not 0; the
# packages are purged afterwards.
#
# Skipped when dpkg-buildpackage or debhelper is missing or the
# build-dependencies are not met, inside a package build (debian/rules sets
# CLEAVE_IN_DEB_BUILD), and unless CLEAVE_TEST_DEB=1 (make check sets it):
# it costs one more build of the tree (about 40 s of CPU) and a lintian run
# (about 6 s of CPU).

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"

[ -n "${CLEAVE_IN_DEB_BUILD:-}" ] && skip_all "inside a package build"
[ -n "${SAN:-}" ] && skip_all "run by the plain build's tests (it builds the package itself)"
[ "${CLEAVE_TEST_DEB:-0}" = 1 ] ||
  skip_all "the .deb build runs in make check, or with CLEAVE_TEST_DEB=1 (~40 s of CPU)"
for t in dpkg-buildpackage dpkg-checkbuilddeps dh dpkg-deb; do
  command -v $t >/dev/null 2>&1 || skip_all "no $t (dpkg-dev, debhelper)"
done
(cd "$root" && dpkg-checkbuilddeps) > /dev/null 2>&1 ||
  skip_all "build-dependencies not met: $(cd "$root" && dpkg-checkbuilddeps 2>&1 | head -1)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_deb.XXXXXX") || exit 1
installed=0
cleanup() {
  if [ $installed -eq 1 ]; then dpkg --purge cleave-dev cleave > /dev/null 2>&1; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
unset MAKEFLAGS MFLAGS MAKELEVEL WERROR SAN CFLAGS CPPFLAGS LDFLAGS CC

# --- the fields that must follow the sources ---------------------------------------
version=$(sed -n 's/^#define CLEAVE_VERSION "\(.*\)"/\1/p' "$root/engine/version.h")
abi=$(sed -n 's/^#define CLEAVE_ABI_MAJOR \([0-9]*\).*/\1/p' "$root/include/cleave/plugin.h")
chver=$(sed -n '1s/^cleave (\([^)]*\)).*/\1/p' "$root/debian/changelog")
[ "$chver" = "$version" ]
ok $? "debian/changelog's version ($chver) is engine/version.h's ($version)"
grep -q "^Provides: cleave-plugin-abi-$abi\$" "$root/debian/control"
ok $? "debian/control: cleave Provides cleave-plugin-abi-$abi (CLEAVE_ABI_MAJOR)"

# --- build, in a copy ---------------------------------------------------------------
mkdir -p "$tmp/src"
if git -C "$root" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  # tracked files and new ones not ignored: what the developer is testing
  (cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - --) |
    tar -xf - -C "$tmp/src"
else
  (cd "$root" && tar -cf - --exclude=./build --exclude=./out .) | tar -xf - -C "$tmp/src"
fi
[ -x "$tmp/src/debian/rules" ]
ok $? "a copy of the tree in \$tmp/src"
start=$(date +%s)
(cd "$tmp/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -j2) > "$tmp/build.log" 2>&1
okd $? "dpkg-buildpackage -us -uc -b (nocheck)" "$tmp/build.log" "" 40
note "package build: $(( $(date +%s) - start )) s"
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=$tmp/cleave_${version}_$arch.deb
dev=$tmp/cleave-dev_${version}_$arch.deb
[ -f "$deb" ] && [ -f "$dev" ]
ok $? "cleave and cleave-dev .debs built"
bad=0
for f in tmp cleave cleave-dev files debhelper-build-stamp cleave.substvars .debhelper; do
  [ -e "$root/debian/$f" ] && { bad=$((bad + 1)); echo "# build product in the source tree: debian/$f"; }
done
ok $bad "no build product in the source tree's debian/"
grep -q -- '-Werror ' "$tmp/build.log"
ok $(( ! $? )) "the package build does not use -Werror"
grep -q -- '-fstack-protector-strong' "$tmp/build.log" &&
  grep -q -- '-D_FORTIFY_SOURCE=2' "$tmp/build.log" && grep -q -- '-Wl,-z,now' "$tmp/build.log"
ok $? "dpkg-buildflags' hardening flags are in the build"

# --- contents and fields -------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/deb.files"
dpkg-deb -c "$dev" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/dev.files"
bad=0
for f in /usr/bin/cleave /usr/lib/$ma/cleave/plugins/dates.so /usr/lib/$ma/cleave/plugins/geo.so \
         /usr/lib/$ma/cleave/plugins/rfm.so /usr/share/man/man1/cleave.1.gz \
         /usr/share/doc/cleave/copyright /usr/share/doc/cleave/rules.md.gz \
         /usr/share/doc/cleave/examples/engine.ini /usr/share/cleave/scripts/retail_v1.lua; do
  grep -qx "$f" "$tmp/deb.files" || { bad=$((bad + 1)); echo "# not in cleave: $f"; }
done
ok $bad "cleave: the binary, the plugins in /usr/lib/$ma/cleave/plugins, man page, docs, rules"
bad=0
for f in /usr/include/cleave/plugin.h /usr/lib/$ma/pkgconfig/cleave-plugin.pc; do
  grep -qx "$f" "$tmp/dev.files" || { bad=$((bad + 1)); echo "# not in cleave-dev: $f"; }
done
grep -q 'plugin\.h\|\.pc$' "$tmp/deb.files" && { bad=$((bad + 1)); echo "# dev files in cleave"; }
ok $bad "cleave-dev: the header and the .pc file (and cleave has neither)"
[ "$(dpkg-deb -f "$deb" Provides)" = "cleave-plugin-abi-$abi" ]
ok $? "cleave's Provides: cleave-plugin-abi-$abi"
dpkg-deb -f "$dev" Depends | grep -q "cleave (= $version)"
ok $? "cleave-dev depends on the same cleave version"
dpkg-deb -f "$deb" Depends | grep -q 'liblua5.4' && dpkg-deb -f "$deb" Depends | grep -q 'libcsv'
ok $? "cleave's shared-library dependencies were computed ($(dpkg-deb -f "$deb" Depends | cut -c1-80))"

# --- extracted into a temporary root -------------------------------------------------
r=$tmp/root
dpkg -x "$deb" "$r" && dpkg -x "$dev" "$r"
ok $? "dpkg -x cleave and cleave-dev into \$tmp/root"
cleave=$r/usr/bin/cleave
pdir=$r/usr/lib/$ma/cleave/plugins
"$cleave" --version > "$tmp/version" 2>&1 && grep -q "^cleave $version" "$tmp/version"
okd $? "the extracted cleave runs (--version)" "$tmp/version"
gen=$tmp/src/build/tools/gen_retail
mkdir -p "$tmp/work" && cd "$tmp/work" || exit 1
"$gen" --rows 2000 --seed 3 > customers.csv
"$cleave" run -q --no-config --rules "$r/usr/share/cleave/scripts/retail_v1.lua" \
  --input customers.csv --output seg.csv --as-of 2026-11-01 --plugins "$pdir" > run.log 2>&1 &&
  [ "$(wc -l < seg.csv)" -eq 2001 ]
okd $? "the extracted cleave segments the sample with the packaged rules and plugins" run.log
env CLEAVE_PLUGIN_PATH="$pdir" "$cleave" run -q --no-config \
  --rules "$r/usr/share/cleave/scripts/retail_v1.lua" --input customers.csv --output seg2.csv \
  --as-of 2026-11-01 > run2.log 2>&1 && cmp -s seg.csv seg2.csv
okd $? "... the same with CLEAVE_PLUGIN_PATH and no --plugins" run2.log
if command -v strings > /dev/null 2>&1; then
  strings "$cleave" | grep -qxF "/usr/lib/$ma/cleave/plugins"
  ok $? "the compiled-in plugin directory is /usr/lib/$ma/cleave/plugins"
fi
if command -v man > /dev/null 2>&1; then
  MANWIDTH=80 MANPAGER=cat man -l "$r/usr/share/man/man1/cleave.1.gz" > man.txt 2>&1 &&
    grep -q 'EXIT STATUS' man.txt
  okd $? "man -l the packaged cleave.1.gz" man.txt
fi
if command -v pkg-config > /dev/null 2>&1; then
  pcdir=$r/usr/lib/$ma/pkgconfig
  [ "$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=plugindir cleave-plugin)" = "/usr/lib/$ma/cleave/plugins" ]
  ok $? "the packaged .pc's plugindir is /usr/lib/$ma/cleave/plugins"
  cp -R "$r/usr/share/doc/cleave/examples/plugin-template" "$tmp/tpl"
  PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$r PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 \
    make --no-print-directory -C "$tmp/tpl" WERROR=1 > tpl.log 2>&1 &&
    grep -q -- "-I$r/usr/include" tpl.log
  okd $? "the packaged template builds against cleave-dev's header via pkg-config" tpl.log
  printf 'local notes = text "notes"\nmicro "wordy" { template.word_count(notes):at_least(2) }\n' > w.lua
  mkdir -p "$tmp/tplplug" && cp "$tmp/tpl/template.so" "$tmp/tplplug/" && chmod 644 "$tmp/tplplug/template.so"
  "$cleave" run -q --no-config --rules w.lua --input customers.csv --output w.csv \
    --plugins "$tmp/tplplug" > w.log 2>&1 && grep -q ',wordy$' w.csv
  okd $? "... and loads in the packaged cleave" w.log
else
  skip "pkg-config checks" "no pkg-config"
fi

# --- lintian -------------------------------------------------------------------------
if command -v lintian > /dev/null 2>&1; then
  lintian -I -E --pedantic "$deb" "$dev" > "$tmp/lintian" 2>&1
  grep -E '^[A-Z]: ' "$tmp/lintian" | sed 's/^/# lintian: /'
  grep -Eq '^[EW]: ' "$tmp/lintian"
  ok $(( ! $? )) "lintian -I -E --pedantic: no errors or warnings"
else
  skip "lintian" "no lintian"
fi

# --- installed for real, on a CI machine only -------------------------------------------
if [ "${CI:-}" = true ] && [ "$(id -u)" -eq 0 ] && [ "${CLEAVE_TEST_DEB_INSTALL:-1}" != 0 ] &&
   ! dpkg-query -W cleave > /dev/null 2>&1 && [ ! -e /usr/bin/cleave ]; then
  installed=1
  dpkg -i "$deb" "$dev" > dpkg.log 2>&1
  okd $? "dpkg -i cleave cleave-dev (CI)" dpkg.log
  mkdir -p "$tmp/ci/out" && cd "$tmp/ci" || exit 1
  cp "$tmp/work/customers.csv" .
  sed 's/^as_of = today.*/as_of = 2026-11-01/' /usr/share/doc/cleave/examples/engine.ini > engine.ini
  /usr/bin/cleave run -q > ci.log 2>&1 && cmp -s out/segments.csv "$tmp/work/seg.csv"
  okd $? "the installed package: cleave run with the example engine.ini, no plugins =" ci.log
  pkg-config --cflags cleave-plugin > /dev/null 2>&1 &&
    [ "$(pkg-config --variable=plugindir cleave-plugin)" = "/usr/lib/$ma/cleave/plugins" ]
  ok $? "pkg-config finds the installed cleave-plugin.pc"
  dpkg --purge cleave-dev cleave > purge.log 2>&1 && [ ! -e /usr/bin/cleave ]
  okd $? "dpkg --purge removes them" purge.log
  installed=0
else
  skip "dpkg -i for real" "only with CI=true, as root, with no cleave package installed"
fi

done_testing
