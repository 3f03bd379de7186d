#!/bin/sh
# SPDX-License-Identifier: MIT
# t_audiences.sh -- audience files (--audiences DIR, issue #9 item 1):
# against the Python reference (tools/retail_ref.py --audiences, written
# from the README, not from cleave's code) for every evaluator, thread count
# and chunk size; awkward values (commas, quotes, newlines, bytes that are
# not UTF-8) in the audience columns; the output dialect; unknown columns;
# DIR missing, a symlink or a file; names that cannot be file names; many
# segments and the open-file limit; stale files of removed segments; and
# kills at every commit point (all files old, or all new).
#
# Needs $CLEAVE_BUILD (cleave, tools/gen_retail, plugins) and python3. Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
gen=$build/tools/gen_retail
ref=$root/tools/retail_ref.py
. "$root/tests/tap.sh"
py=/usr/bin/python3
[ -x "$py" ] || skip_all "/usr/bin/python3 not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_audiences.XXXXXX") || exit 1
bgpids=""
cleanup() {
  for p in $bgpids; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1

"$gen" --rows 5000 --seed 11 > in.csv || exit 1
cols=first_name,country,notes
crun() {
  "$cleave" run --no-config -q --rules "$root/scripts/retail_v1.lua" --plugins "$build/plugins" \
    --as-of 2026-11-01 "$@"
}
# same DIR1 DIR2: the same audience files (the manifest aside), byte for byte
same() {
  [ "$(ls "$1" | wc -l)" -gt 0 ] && diff -r -x .cleave-audiences -x '.cleave.lock*' "$1" "$2" > same.diff 2>&1
}

# --- against the reference ------------------------------------------------------
"$py" "$ref" --audiences R --audience-columns $cols --audience-macros in.csv > /dev/null 2> ref.err
okd $? "reference writes the audiences" ref.err
[ "$(ls R | wc -l)" -eq 44 ]
ok $? "reference: 24 segment files and 20 macro-value files"
for how in "--threads 1" "--threads 2" "--threads 2 --chunk-size 50000" "--evaluator row --threads 2"; do
  rm -rf A
  # shellcheck disable=SC2086
  crun --input in.csv --output out.csv --audiences A --audience-columns $cols --audience-macros $how 2> run.err
  [ $? -eq 0 ] && same A R
  okd $? "audiences $how: every file equal to the reference's" same.diff
done
rm -rf A2
crun --input in.csv --output out.csv --audiences A2 --audience-columns notes,country,first_name,country 2> /dev/null
for f in A2/*.csv; do cmp "$f" "R/${f#A2/}" || break; done > same.diff 2>&1
[ $? -eq 0 ] && [ ! -e "A2/life_stage=senior.csv" ] && [ "$(ls A2 | wc -l)" -eq 24 ]
okd $? "audience_columns in any order, repeated: input order, once each; no macro files without audience_macros" same.diff

# --- awkward values -------------------------------------------------------------
"$py" - in.csv awk.csv <<'PY'
import csv, sys
odd = [b'"Smith, Jr."', b'"say ""hi"""', b'"two\nlines"', b'"cr\r\nlf"', b'Ren\xe9e',
       b'\xff\xfe', b'"tail\xe2\x82"', b'\xed\xa0\x80x', b'" lead"', b'""']
def q(t):
    b = t.encode("utf-8")
    return b'"' + b.replace(b'"', b'""') + b'"' if any(c in t for c in ',"\r\n') else b
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
with open(sys.argv[2], "wb") as out:
    out.write(b",".join(q(f) for f in rows[0]) + b"\n")
    for i, r in enumerate(rows[1:]):
        out.write(b",".join([q(r[0]), odd[i % len(odd)]] + [q(f) for f in r[2:]]) + b"\n")
PY
rm -rf RW AW
"$py" "$ref" --audiences RW --audience-columns first_name,notes awk.csv > /dev/null 2> refw.err
crun --input awk.csv --output awk.out --audiences AW --audience-columns first_name,notes --threads 2 2> awk.err
[ $? -eq 0 ] && same AW RW
okd $? "commas, quotes, newlines, CRLF, Latin-1 and broken UTF-8 in audience columns: RFC 4180, U+FFFD per bad byte, as the reference" same.diff
"$py" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", errors="strict", newline="")))
names = set(r[1] for r in rows[1:])
assert {"Smith, Jr.", "say \"hi\"", "two\nlines", "cr\r\nlf", "Ren\ufffde", "\ufffd\ufffd", "tail\ufffd\ufffd", "\ufffd\ufffd\ufffdx", " lead", ""} <= names, names
' AW/dormant.csv > awk.py 2>&1
okd $? "an audience file read back by Python's csv: valid UTF-8, every awkward value intact" awk.py

# --- the output dialect ---------------------------------------------------------
rm -rf AD
crun --input in.csv --output out.csv --audiences AD --audience-columns first_name --output-delimiter semicolon \
  --crlf --output-bom 2> /dev/null
head -c 3 AD/dormant.csv | od -An -tx1 | grep -q 'ef bb bf' && head -1 AD/dormant.csv | grep -q "customer_id;first_name$(printf '\r')\$"
ok $? "audience files honour --output-delimiter, --crlf and --output-bom"

# --- configuration: ini keys, unknown columns -------------------------------------
printf '[engine]\nrules = %s\nplugins = %s\nas_of = 2026-11-01\n[input]\npath = in.csv\n[output]\npath = ini.csv\naudiences = IA\naudience_macros = yes\naudience_columns = %s\n' \
  "$root/scripts/retail_v1.lua" "$build/plugins" "$cols" > a.ini
"$cleave" run -q -c a.ini 2> ini.err && same IA R
okd $? "[output] audiences, audience_macros, audience_columns: the same files" ini.err
crun --input in.csv --output out.csv --audiences AX --audience-columns first_name,contry 2> unk.err
rc=$?
[ $rc -eq 3 ] && grep -q "no column 'contry'" unk.err && grep -q "did you mean 'country'" unk.err && [ ! -e out.csv.new ]
okd $? "an unknown audience column: exit 3, named, with did-you-mean (exit $rc)" unk.err
crun --input in.csv --output out.csv --audiences AX --audience-columns first_name,,country 2> empty.err
[ $? -eq 3 ] && grep -q "empty column name" empty.err
okd $? "an empty name in audience_columns: exit 3" empty.err

# --- DIR ----------------------------------------------------------------------------
mkdir elsewhere
ln -s elsewhere LINK
crun --input in.csv --output out.csv --audiences LINK 2> link.err
[ $? -eq 6 ] && grep -q "symbolic link" link.err && [ -z "$(ls -A elsewhere)" ]
okd $? "DIR a symlink: exit 6, nothing written where it leads" link.err
: > AFILE
crun --input in.csv --output out.csv --audiences AFILE 2> file.err
[ $? -eq 6 ] && grep -q "not a folder" file.err
okd $? "DIR a file: exit 6" file.err
crun --input in.csv --output out.csv --audiences no/such/dir 2> mk.err
[ $? -eq 6 ] && grep -q "only the last folder is created" mk.err
okd $? "DIR whose parent does not exist: exit 6, said why" mk.err
crun --input in.csv --output - --audiences NEWDIR > /dev/null 2> new.err
[ $? -eq 0 ] && [ -f NEWDIR/dormant.csv ] && [ -f NEWDIR/.cleave.lock ]
okd $? "DIR missing: created; with --output - the lock lives in DIR" new.err
mkdir SL
ln -s ../elsewhere/x SL/dormant.csv
crun --input in.csv --output out.csv --audiences SL 2> /dev/null
[ -f SL/dormant.csv ] && [ ! -L SL/dormant.csv ] && [ -z "$(ls -A elsewhere)" ]
ok $? "a symlink planted at DIR/<segment>.csv is replaced, never followed"

mkdir -p SAME
crun --input in.csv --output SAME/dormant.csv --audiences SAME 2> same2.err
[ $? -eq 2 ] && grep -q "audience file" same2.err && [ ! -e SAME/dormant.csv ]
okd $? "the output named like an audience file (DIR/dormant.csv): exit 2 before anything is written" same2.err

# --- names, counts, descriptors -------------------------------------------------------
printf 'local a = number "age"\nmicro ".." { a:above(1) }\n' > dot.lua
"$cleave" run --no-config -q --rules dot.lua --input in.csv --output out.csv --audiences AN 2> dot.err
[ $? -eq 4 ] && grep -q "'..' cannot name an audience file" dot.err && grep -q 'dot.lua:2' dot.err
okd $? "a segment named '..': exit 4 naming the rule line, no '...csv' written" dot.err
"$py" -c '
print("local a = number \"age\"")
for i in range(1001): print("micro \"s%d\" { a:above(%d) }" % (i, i % 90))' > many.lua
"$cleave" run --no-config -q --rules many.lua --input in.csv --output out.csv --audiences AM 2> many.err
[ $? -eq 3 ] && grep -q "1001 files" many.err && [ ! -e AM ]
okd $? "1001 audience files: exit 3 before anything is written" many.err
"$py" -c '
print("local a = number \"age\"")
print("local band = macro \"band\" {" + ",".join("{\"b%d\", a:below(%d)}" % (i, i) for i in range(50)) + ", otherwise = \"old\" }")
for i in range(300): print("micro \"s%d\" { a:above(%d) }" % (i, i % 90))' > m300.lua
(ulimit -Sn 128 && "$cleave" run --no-config -q --rules m300.lua --input in.csv --output out.csv --audiences A300 \
   --audience-macros --threads 2 2> m300.err)
rc=$?
want=$(awk -F, 'NR > 1 && $3 != "" && $3 > 7' in.csv | wc -l)
[ $rc -eq 0 ] && [ "$(ls A300 | wc -l)" -eq 351 ] && [ $(($(wc -l < A300/s7.csv) - 1)) -eq "$want" ]
okd $? "351 audience files under ulimit -n 128: the soft limit is raised, s7 has its $want customers" m300.err
if (ulimit -Hn 200 2> /dev/null); then
  (ulimit -n 200; ulimit -Hn 200; "$cleave" run --no-config -q --rules m300.lua --input in.csv --output out.csv \
     --audiences A300b --audience-macros 2> fd.err)
  [ $? -eq 6 ] && grep -q "ulimit -n" fd.err && ! ls -a A300b 2> /dev/null | grep -q '\.tmp\.'
  okd $? "hard open-file limit below what 351 files need: exit 6, ulimit named, no temporaries" fd.err
else
  skip "hard open-file limit" "cannot lower it here"
fi

# --- stale files ------------------------------------------------------------------------
printf 'local a = number "age"\nmicro "old" { a:above(30) }\nmicro "keep" { a:above(50) }\n' > v1.lua
printf 'local a = number "age"\nmicro "new" { a:above(30) }\nmicro "keep" { a:above(50) }\n' > v2.lua
srun() { r=$1; shift; "$cleave" run --no-config -q --rules "$r" --input in.csv --output st.csv --audiences ST "$@"; }
rm -rf ST
srun v1.lua 2> /dev/null
echo "mine" > ST/notes.csv
ln -s ../elsewhere ST/link.csv
srun v2.lua 2> stale.err
[ -f ST/new.csv ] && [ -f ST/keep.csv ] && [ ! -e ST/old.csv ] && [ "$(cat ST/notes.csv)" = mine ] && [ -L ST/link.csv ]
okd $? "a renamed segment: the old segment's file removed, files cleave never wrote left alone" stale.err
srun v1.lua --audience-macros 2> /dev/null
printf 'local a = number "age"\nlocal b = macro "band" { {"young", a:below(40)}, otherwise = "old" }\nmicro "keep" { a:above(50) }\n' > v3.lua
srun v3.lua --audience-macros 2> /dev/null; srun v3.lua 2> /dev/null
[ -f ST/keep.csv ] && [ ! -e "ST/band=young.csv" ] && [ ! -e ST/old.csv ]
ok $? "audience_macros turned off: the macro files go too"

# --- a run that fails replaces no audience file ----------------------------------------
rm -rf FA; mkdir FA
"$gen" --rows 2000 --seed 3 --ragged 4 > rag.csv
crun --input in.csv --output FA/out.csv --audiences FA/aud --audience-columns country 2> /dev/null
cp -r FA/aud FA/before
crun --input rag.csv --output FA/out.csv --audiences FA/aud --audience-columns country --max-rejects 0 2> fail.err
rc=$?
[ $rc -eq 5 ] && diff -r -x '.cleave.lock*' FA/before FA/aud > /dev/null && ! ls -a FA FA/aud | grep -q '\.tmp\.'
okd $? "max_rejects exceeded: exit 5, every audience file the previous run's, no temporaries (exit $rc)" fail.err

# --- kills at every commit point ------------------------------------------------------
printf 'local a = number "age"\nlocal c = text "country"\nmicro "adult" { a:at_least(18) }\nmicro "gb" { c:is "GB" }\nmicro "us" { c:is "US" }\n' > k.lua
"$gen" --rows 3000 --seed 1 > KA.csv
"$gen" --rows 5000 --seed 2 > KB.csv
for x in KA KB; do
  rm -rf "exp$x"; mkdir "exp$x"
  "$cleave" run --no-config -q --rules k.lua --input $x.csv --output "exp$x/out.csv" --summary "exp$x/sum.json" \
    --audiences "exp$x/aud" --audience-columns country 2> /dev/null
done
d=$tmp/kd
go() {
  env ${2:+"$2"} "$cleave" run -q --no-config --rules k.lua --input "$1" --output "$d/out.csv" \
    --summary "$d/sum.json" --audiences "$d/aud" --audience-columns country --threads 2 2>> klog &
  gpid=$!
  bgpids="$bgpids $gpid"
}
stopped() {
  i=0
  while [ $i -lt 200 ]; do
    st=$(sed 's/^.*) \(.\).*$/\1/' "/proc/$1/stat" 2> /dev/null)
    [ "$st" = T ] && return 0
    [ -z "$st" ] || [ "$st" = Z ] && return 1
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}
# gen_of: KA or KB when every file is that run's, else "mixed"
gen_of() {
  for x in KA KB; do
    if cmp -s "$d/out.csv" "exp$x/out.csv" && diff -r -x .cleave-audiences -x '.cleave.lock*' -x '*.tmp.*' "$d/aud" "exp$x/aud" > /dev/null 2>&1 &&
       [ "$(grep rows_read "$d/sum.json")" = "$(grep rows_read "exp$x/sum.json")" ]; then echo $x; return; fi
  done
  echo mixed
}
for point in staged journal rename-1 rename-3 rename-5 renamed; do
  rm -rf "$d"; mkdir "$d"
  go KA.csv; wait $gpid
  go KB.csv CLEAVE_TEST_PAUSE=$point
  if stopped $gpid; then paused=1; kill -9 $gpid; else paused=0; fi
  wait $gpid 2> /dev/null
  now=$(gen_of)
  [ $paused -eq 1 ] && { [ "$now" = KA ] || [ -f "$d/out.csv.lock.journal" ]; }
  ok $? "SIGKILL at '$point' of an audience run: all files the previous run's, or the journal is there ($now)"
  go KA.csv CLEAVE_TEST_PAUSE=recovered
  if stopped $gpid; then kill -9 $gpid; fi
  wait $gpid 2> /dev/null
  want=KB; [ $point = staged ] && want=KA
  after=$(gen_of)
  [ "$after" = $want ] && [ ! -e "$d/out.csv.lock.journal" ] && ! ls -a "$d" "$d/aud" | grep -q '\.tmp\.'
  ok $? "SIGKILL at '$point', then the next start: output, summary and every audience file are $want's ($after), no temporaries"
done
# killed after the commit, before the stale file is removed: the next start removes it
rm -rf "$d"; mkdir "$d"
"$cleave" run -q --no-config --rules v1.lua --input in.csv --output "$d/out.csv" --audiences "$d/aud" 2> /dev/null
CLEAVE_TEST_PAUSE=renamed "$cleave" run -q --no-config --rules v2.lua --input in.csv --output "$d/out.csv" \
  --audiences "$d/aud" 2> /dev/null &
gpid=$!; bgpids="$bgpids $gpid"
stopped $gpid && kill -9 $gpid; wait $gpid 2> /dev/null
had=no; [ -f "$d/aud/old.csv" ] && had=yes
CLEAVE_TEST_PAUSE=staged "$cleave" run -q --no-config --rules v2.lua --input in.csv --output "$d/out.csv" \
  --audiences "$d/aud" 2> rec.err &
gpid=$!; bgpids="$bgpids $gpid"
stopped $gpid && kill -9 $gpid; wait $gpid 2> /dev/null
[ $had = yes ] && [ ! -e "$d/aud/old.csv" ] && [ -f "$d/aud/new.csv" ] && grep -q "removed 1 stale" rec.err
okd $? "killed after the commit but before removing a renamed segment's file: the next start removes it first thing (killed before its own commit)" rec.err

done_testing
