#!/bin/sh
# SPDX-License-Identifier: MIT
# deps.sh -- install the Debian packages cleave needs, only those missing.
# Used by `make run` and `make check`; safe to run again (does nothing then).
# --fuzz (make check, make fuzz) adds clang with the libFuzzer runtime
# (libclang-rt-14-dev: clang only Recommends it) and llvm (llvm-symbolizer).
# --check (make check) adds what the install and package tests use:
# dpkg-dev and debhelper (t_deb.sh builds the .debs), lintian, pkg-config,
# man-db (man -l), binutils (readelf); python3-jsonschema (the summary
# schema), chromium and fonts-dejavu-core (report.html in a real browser).
set -eu
PKGS="gcc make libc6-dev liblua5.4-dev libcsv-dev libinih-dev zlib1g-dev libzstd-dev libjansson-dev libpcre2-dev perl valgrind python3"
if [ "${1:-}" = --fuzz ]; then PKGS="$PKGS clang libclang-rt-14-dev llvm"; fi
if [ "${1:-}" = --check ]; then PKGS="$PKGS dpkg-dev debhelper lintian pkg-config man-db binutils python3-jsonschema chromium fonts-dejavu-core"; fi
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "cleave: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "cleave: not root; install them with: apt-get install$missing" >&2
    exit 1
  fi
else SUDO=""; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq </dev/null >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing </dev/null >&2
