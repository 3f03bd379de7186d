#!/bin/sh
# SPDX-License-Identifier: MIT
# t_plugins_cmd.sh -- plugins as a user and a plugin author meet them
# (#10 item 3):
#   1. `cleave plugins` lists every plugin on the path with its version, file,
#      criteria (argument kinds, result, help) and config keys.
#   2. The search path: --plugins / plugins = take ':'-separated folders and
#      .so files (relative to engine.ini), CLEAVE_PLUGIN_PATH when neither is
#      set; a missing explicit folder is exit 7; the first file of a name wins.
#   3. Only plugins the rule file names are initialised: init_fails present
#      but unused does not fail a run; named, it fails with its message.
#   4. Typed config (tests/plugins/typed.c): unknown key (did you mean),
#      wrong type, out of range, missing required key: exit 3 with
#      engine.ini:LINE; good values reach init through the host accessors;
#      an unused typed plugin with a missing required key does not fail.
#   5. Did-you-mean for an unknown criterion and an unknown plugin name.
#   6. Reserved plugin names: exit 7 naming the list.
#   7. A crash in a plugin (tests/plugins/crash.c): death by SIGSEGV (and
#      SIGFPE), stderr names plugin, criterion, phase and versions, no
#      temporary file left; with both evaluators.
#   8. An ABI 1.0 plugin built against the frozen 1.0 header runs unchanged.
#
# Needs $CLEAVE_BUILD (cleave, plugins, tests/plugins). Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
tp=$build/tests/plugins
. "$root/tests/tap.sh"

[ -x "$cleave" ] && [ -f "$plugins/dates.so" ] && [ -f "$tp/crash.so" ] &&
  [ -f "$tp/abi10/old.so" ] || skip_all "not built: $cleave, $plugins, $tp"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_plugins_cmd.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1 # no engine.ini here
unset CLEAVE_PLUGIN_PATH

# has FILE FRAGMENT...: every fixed-string fragment is in FILE
has() {
  has_f=$1
  shift
  for frag in "$@"; do
    grep -qF -- "$frag" "$has_f" || { echo "# not in $has_f: $frag"; return 1; }
  done
  return 0
}
# cl NAME ARGS...: cleave ARGS, stdout in NAME.out, stderr in NAME.err, $rc
cl() {
  cl_n=$1
  shift
  "$cleave" "$@" > "$tmp/$cl_n.out" 2> "$tmp/$cl_n.err"
  rc=$?
}
show() { sed 's/^/# /' "$tmp/$1.err" | head -n 20; }

printf 'customer_id,age,name,last\n1,13,Ann,2026-10-31\n2,40,Bob,2026-01-01\n3,14,Cy,\n' > in.csv
printf 'local age = number "age"\nmicro "adult" { age:at_least(18) }\n' > plain.lua

# --- 1. cleave plugins -------------------------------------------------------------

cl list plugins --plugins "$plugins"
[ $rc -eq 0 ] && has list.out "plugin path (--plugins or [engine] plugins): $plugins" \
  "plugin ABI of this cleave: 1.1" \
  "dates 1.1 -- " "file: $plugins/dates.so (built for plugin ABI 1.1)" \
  "  dates.days_since(date DATE) -> NUMBER    (cost 1, pure)" \
  "      days from date to the as-of date" \
  "  geo.prefix(code TEXT, n const NUMBER) -> TEXT" \
  "  rfm.recency(days NUMBER, [thresholds const TEXT]) -> NUMBER" \
  "  config [plugin.rfm]:" \
  '    recency_days = STRING (a text of 7 to 127 bytes), default "30,60,120,240"' \
  "        R thresholds in days" \
  "geo 1.0 -- postal code parts" "  config: none"
okd $? "cleave plugins: every plugin, version, file, criteria with kinds and result, help, config keys" list.err
[ "$(grep -c '^[a-z_]* [0-9.]* -- ' list.out)" -eq "$(ls "$plugins"/*.so | wc -l)" ]
ok $? "cleave plugins: one entry per .so in the folder"
cl help help plugins
[ $rc -eq 0 ] && has help.out "cleave plugins" "--plugins PATH" "--config"
ok $? "cleave help plugins describes the command and its options"
cl typo pluginz
[ $rc -eq 2 ] && has typo.err "did you mean"
ok $? "cleave pluginz: exit 2, did you mean"
cl opt plugins --rules x.lua
[ $rc -eq 2 ]
ok $? "cleave plugins --rules: not an option of the command (exit 2)"

# --- 2. the search path ---------------------------------------------------------------

cl path plugins --plugins "$plugins:$build/plugins-extra/template.so"
[ $rc -eq 0 ] && has path.out "template 1.0 -- " "    log_calls = BOOL (yes or no), default \"no\"" \
  "file: $build/plugins-extra/template.so"
ok $? "--plugins DIR:FILE.so: the folder and the file"
CLEAVE_PLUGIN_PATH="$tp/abi10:$build/plugins-extra" "$cleave" plugins > env.out 2> env.err
rc=$?
[ $rc -eq 0 ] && has env.out "plugin path (CLEAVE_PLUGIN_PATH): $tp/abi10:$build/plugins-extra" \
  "old 1.0" "template 1.0" && ! grep -q "^dates " env.out
ok $? "CLEAVE_PLUGIN_PATH when neither --plugins nor plugins = is set"
mkdir ini
printf '[engine]\nplugins = %s::%s/abi10\n' "$plugins" "$tp" > ini/e.ini
CLEAVE_PLUGIN_PATH=/nonexistent "$cleave" plugins -c ini/e.ini > ini.out 2> ini.err
rc=$?
[ $rc -eq 0 ] && has ini.out "plugin path (--plugins or [engine] plugins): $plugins::$tp/abi10" \
  "dates 1.1" "old 1.0"
ok $? "plugins = in engine.ini wins over CLEAVE_PLUGIN_PATH; an empty item is skipped"
mkdir rel rel/p
cp "$tp/abi10/old.so" rel/p/
printf '[engine]\nplugins = p\n' > rel/engine.ini
cl rel plugins -c rel/engine.ini
[ $rc -eq 0 ] && has rel.out "plugins): rel/p" "file: rel/p/old.so" "old 1.0"
ok $? "plugins = is relative to engine.ini's folder"
cl missing plugins --plugins "$plugins:$tmp/nowhere"
[ $rc -eq 7 ] && has missing.err "$tmp/nowhere: cannot open the plugin directory" "separated by ':'"
ok $? "a missing folder named explicitly: exit 7"
mkdir first
cp "$tp/abi10/old.so" first/dates.so
cl first plugins --plugins "$tmp/first:$plugins"
[ $rc -eq 0 ] && has first.out "old 1.0" "file: $tmp/first/dates.so" &&
  ! grep -q "^dates " first.out
ok $? "a file name found twice: the earlier folder's wins (like PATH), the later is not opened"

# --- 3. only plugins the rules name are initialised ------------------------------------------

mkdir withfail
cp "$plugins"/*.so "$tp/init_fails.so" withfail/
cl unused run -q --rules plain.lua --input in.csv --output out.csv --plugins withfail
[ $rc -eq 0 ] && [ -s out.csv ]
okd $? "a plugin whose init fails, present but unused: the run succeeds" unused.err
printf 'local n = init_fails.noop()\nlocal age = number "age"\nmicro "x" { n, age:above(1) }\n' > usefail.lua
cl used run -q --rules usefail.lua --input in.csv --output out.csv --plugins withfail
[ $rc -eq 7 ] && has used.err "withfail/init_fails.so: init failed: cannot open lookup table" \
  "(the rule file names init_fails at usefail.lua:1)"
okd $? "named by the rules: exit 7 with its message and where the rule file names it" used.err
printf 'local ok, e = pcall(function() return init_fails.noop() end)\nlocal age = number "age"\nmicro "x" { age:above(1) }\n' > pcall.lua
cl pcall run -q --rules pcall.lua --input in.csv --output out.csv --plugins withfail
[ $rc -eq 7 ] && has pcall.err "init failed"
okd $? "an init failure caught by pcall still fails the load (exit 7)" pcall.err
cl check check --rules usefail.lua --input in.csv --plugins withfail
[ $rc -eq 7 ] && has check.out "error: withfail/init_fails.so: init failed"
ok $? "cleave check reports it too (exit 7)"

# --- 4. typed config ---------------------------------------------------------------------------

mkdir typed
cp "$tp/typed.so" typed/
printf 'local age = number "age"\nmicro "x" { typed.show():is "?" , age:above(1) }\n' > typed.lua
ty() { # NAME EXPECTED-RC INI-BODY FRAGMENT...
  ty_n=$1 want=$2
  printf '%b' "$3" > "$ty_n.ini"
  shift 3
  cl "$ty_n" run -q -c "$ty_n.ini" --rules typed.lua --input in.csv --output out.csv --plugins typed
  [ $rc -eq "$want" ] && has "$ty_n.err" "$@"
}
ty unknown 3 '[plugin.typed]\napi_key = k\nwindw = 3\n' \
  "unknown.ini:3: unknown key 'windw' in [plugin.typed] (did you mean 'window'?); typed accepts: window, ratio, mode, strict, api_key"
okd $? "typed config: an unknown key, exit 3, file:line, did you mean" unknown.err
ty notint 3 '[plugin.typed]\napi_key = k\nwindow = 3.5\n' \
  "notint.ini:3: [plugin.typed] window = 3.5: not a whole number; write a whole number from 1 to 365 (days looked back)"
okd $? "typed config: not a whole number, exit 3" notint.err
ty range 3 '[plugin.typed]\napi_key = k\n\nwindow = 366\n' \
  "range.ini:4: [plugin.typed] window = 366: out of range; write a whole number from 1 to 365"
okd $? "typed config: out of range, exit 3" range.err
ty ratio 3 '[plugin.typed]\napi_key = k\nratio = nan\n' \
  "ratio.ini:3: [plugin.typed] ratio = nan: not a number; write a number from 0 to 1"
okd $? "typed config: NaN is not a number" ratio.err
ty boolv 3 '[plugin.typed]\napi_key = k\nstrict = maybe\n' "boolv.ini:3: [plugin.typed] strict = maybe: not yes or no"
okd $? "typed config: a bool that is not yes or no" boolv.err
ty strlen 3 '[plugin.typed]\napi_key = k\nmode = very-thorough\n' \
  "strlen.ini:3: [plugin.typed] mode = very-thorough: out of range; write a text of 1 to 8 bytes"
okd $? "typed config: a text longer than its maximum" strlen.err
ty noreq 3 '[plugin.typed]\nwindow = 7\n' \
  "noreq.ini:1: [plugin.typed] has no api_key, which typed needs (the service's key); add api_key = ..."
okd $? "typed config: a required key missing from the section, exit 3" noreq.err
ty nosect 3 '[engine]\nthreads = 1\n' \
  "nosect.ini: plugin typed needs api_key (the service's key); add a section [plugin.typed] with api_key = ..."
okd $? "typed config: a required key and no section at all, exit 3" nosect.err
printf 'local age = number "age"\nmicro "x" { typed.show():is "window=7 ratio=0.25 mode=fast strict=1 api_key=abc line=4", age:above(1) }\n' > typed_ok.lua
printf '[plugin.typed]\nwindow = 7\nratio = 0.25\napi_key = abc\nstrict = yes\n' > good.ini
cl good run -q -c good.ini --rules typed_ok.lua --input in.csv --output out.csv --plugins typed
[ $rc -eq 0 ] && [ "$(grep -c ',x$' out.csv)" -eq 3 ]
okd $? "typed config: init reads the values (and defaults, and the line) through the host accessors" good.err
cp "$plugins"/*.so typed/
cl tyunused run -q -c nosect.ini --rules plain.lua --input in.csv --output out.csv --plugins typed
[ $rc -eq 0 ]
okd $? "a typed plugin missing its required key, unused by the rules: the run succeeds" tyunused.err
cl tylist plugins --plugins typed
[ $rc -eq 0 ] && has tylist.out "    window = INT (a whole number from 1 to 365), default \"30\"" \
  "    api_key = STRING (a text), required" "        the service's key"
ok $? "cleave plugins shows typed keys: type, range, default, required, help"
printf '[plugin.rfm]\nrecency = 1,2,3,4\n' > rfm.ini
printf 'local d = dates.days_since(date "last")\nmicro "x" { rfm.recency(d):at_least(4) }\n' > rfm.lua
cl rfm run -q -c rfm.ini --rules rfm.lua --input in.csv --output out.csv --plugins "$plugins"
[ $rc -eq 3 ] && has rfm.err "rfm.ini:2: unknown key 'recency' in [plugin.rfm] (did you mean 'recency_days'?)"
ok $? "rfm declares its keys: a misspelt one is exit 3 with did you mean"

# --- 5. did you mean -------------------------------------------------------------------------

printf 'local n = text "name"\nmicro "x" { geo.postal_areaa(n):is "A" }\n' > crit.lua
cl crit run -q --rules crit.lua --input in.csv --output out.csv --plugins "$plugins"
[ $rc -eq 4 ] && has crit.err "crit.lua:2: in micro segment 'x': geo.postal_areaa is not a criterion of plugin geo (did you mean geo.postal_area?); geo has: postal_area, prefix, outward"
okd $? "an unknown criterion: exit 4, did you mean, the plugin's criteria" crit.err
if [ -f "$plugins/txt.so" ]; then
  printf 'local n = text "name"\nmicro "x" { txt.containz(n, "o") }\n' > txt.lua
  cl txt run -q --rules txt.lua --input in.csv --output out.csv --plugins "$plugins"
  [ $rc -eq 4 ] && has txt.err "txt.containz is not a criterion of plugin txt (did you mean txt.contains?)"
  okd $? "txt.containz: did you mean txt.contains" txt.err
else
  skip "txt.containz" "no txt plugin"
fi
printf 'local d = date "last"\nmicro "x" { dtes.days_since(d):below(3) }\n' > plug.lua
cl plug run -q --rules plug.lua --input in.csv --output out.csv --plugins "$plugins"
[ $rc -eq 4 ] && has plug.err "'dtes' is not defined (did you mean 'dates'?)"
okd $? "an unknown plugin name: did you mean the loaded plugin" plug.err

# --- 6. reserved names -----------------------------------------------------------------------------

mkdir reserved
cp "$tp/bad_desc.so" reserved/
CLEAVE_TEST_BAD_DESC=reserved_text "$cleave" run -q --rules plain.lua --input in.csv \
  --output out.csv --plugins reserved > res.out 2> res.err
rc=$?
[ $rc -eq 7 ] && has res.err "reserved/bad_desc.so: plugin name 'text' is reserved" \
  "not one of text, number, date, tags, is_missing, is_present, all, any, none, NOT, at_least, score, macro, micro, list, bucket, assert"
okd $? "a plugin named text: exit 7, the list of reserved names" res.err

# --- 7. a crash inside a plugin --------------------------------------------------------------------

mkdir crash out
cp "$plugins"/*.so "$tp/crash.so" crash/
printf 'local age = number "age"\nmicro "x" { crash.at(age):above(20) }\n' > crash.lua
for ev in batch row; do
  cl crash_$ev run -q --rules crash.lua --input in.csv --output out/o.csv --summary out/s.json \
    --plugins crash --evaluator $ev
  [ $rc -eq 139 ]
  okd $? "--evaluator $ev: a NULL dereference in crash.at: death by SIGSEGV (status $rc)" crash_$ev.err
  has crash_$ev.err "cleave: crashed (SIGSEGV) in plugin code: crash.at (eval)" \
    "cleave: loaded plugins: crash 6.6.6 (crash/crash.so), dates 1.1 (crash/dates.so), geo 1.0 (crash/geo.so)"
  okd $? "--evaluator $ev: stderr names the plugin, criterion, phase and every plugin's version" crash_$ev.err
  [ "$(ls -A out)" = "o.csv.lock" ]
  ok $? "--evaluator $ev: no output or temporary file left, only the lock ($(ls -A out | tr '\n' ' '))"
done
printf 'customer_id,age\n1,14\n' > fpe.csv
cl fpe run -q --rules crash.lua --input fpe.csv --output out/o.csv --plugins crash
case $(uname -m) in
x86_64 | i?86)
  [ $rc -eq 136 ] && has fpe.err "cleave: crashed (SIGFPE) in plugin code: crash.at (eval)"
  okd $? "a division by zero: death by SIGFPE, named" fpe.err ;;
*) skip "SIGFPE" "integer division by zero does not trap on $(uname -m)" ;;
esac
printf 'customer_id,age\n1,40\n' > fine.csv
cl fine run -q --rules crash.lua --input fine.csv --output out/o.csv --plugins crash
[ $rc -eq 0 ] && [ ! -s fine.err ]
ok $? "no crash: nothing about crashes on stderr"

# --- 8. an ABI 1.0 plugin --------------------------------------------------------------------------

printf '[plugin.old]\noffset = 100\n' > old.ini
printf 'local age = number "age"\nmicro "big" { old.add(age, 2):above(141) }\nmicro "tagged" { old.tag(text "name"):is "old:Bob" }\n' > old.lua
cl old run -q -c old.ini --rules old.lua --input in.csv --output out.csv --plugins "$plugins:$tp/abi10" \
  --summary old.json
[ $rc -eq 0 ] && [ "$(cat out.csv)" = "$(printf 'customer_id,segments\n1,\n2,big;tagged\n3,\n')" ]
okd $? "an ABI 1.0 plugin (frozen 1.0 header) runs on the 1.1 engine: constants, TEXT results, untyped config" old.err
has old.json '"plugins": [' \
  "{\"name\": \"old\", \"version\": \"1.0\", \"abi\": \"1.0\", \"path\": \"$tp/abi10/old.so\"}" &&
  ! grep -q '"name": "dates"' old.json
ok $? "summary.json lists the plugins the rules used, with versions and ABI (not the unused ones)"
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
  /usr/bin/python3 "$root/tests/validate_summary.py" old.json > val.out 2>&1
  okd $? "that summary.json is valid against docs/summary.schema.json" val.out
else
  skip "schema validation" "no python3-jsonschema"
fi
cl oldlist plugins --plugins "$tp/abi10"
[ $rc -eq 0 ] && has oldlist.out "old 1.0 -- an ABI 1.0 plugin" "(built for plugin ABI 1.0)" \
  "  old.add(x NUMBER, n const NUMBER) -> NUMBER" "    offset (untyped: the plugin reads the text)"
ok $? "cleave plugins reads the 1.0 descriptor"
printf '[plugin.old]\nofset = 1\n' > oldbad.ini
cl oldbad run -q -c oldbad.ini --rules old.lua --input in.csv --output out.csv --plugins "$tp/abi10"
[ $rc -eq 3 ] && has oldbad.err "oldbad.ini:2: unknown key 'ofset' in [plugin.old] (did you mean 'offset'?)"
ok $? "a 1.0 plugin's config_keys still checked (exit 3, did you mean)"

done_testing
