#!/bin/sh
# SPDX-License-Identifier: MIT
# t_files.sh -- hostile files (issue #7 items 1, 2, 8, 9, 11): planted
# symlinks at temporary and lock paths, hard-linked locks, list files that
# lead out of the rules folder, FIFOs and devices where a file is expected,
# over-long list lines, one file named twice, /dev/null's lock, device write
# errors, a closed pipe, temporaries of dead runs swept, temporaries removed
# on crash signals and on the out-of-memory exit.
#
# Needs $CLEAVE_BUILD (cleave, tools/gen_retail). Prints TAP. A FIFO or
# device test runs under timeout(1), so a hang is a failure, not a stall.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
gen=$build/tools/gen_retail
. "$root/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_files.XXXXXX") || exit 1
bgpids=""
cleanup() {
  for p in $bgpids; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1

[ -x "$cleave" ] || { echo "1..1"; echo "not ok 1 - not built: $cleave"; exit 1; }
have_timeout=0
command -v timeout > /dev/null 2>&1 && have_timeout=1
# tm SECS CMD...: CMD under timeout(1) when there is one (status 124 on a hang).
tm() {
  tm_s=$1
  shift
  if [ $have_timeout -eq 1 ]; then timeout -s KILL "$tm_s" "$@"; else "$@"; fi
}

printf 'local age = number "age"\nmicro "adult" { age:at_least(18) }\n' > rules.lua
printf 'customer_id,age\nA1,30\nA2,12\nA3,,x\n' > in.csv
# run NAME ARGS...: cleave run -q --rules rules.lua --input in.csv ARGS;
# stderr in NAME.err, status in $rc.
run() {
  r_name=$1
  shift
  tm 20 "$cleave" run -q --rules "$tmp/rules.lua" --input "$tmp/in.csv" "$@" \
    > "$tmp/$r_name.out" 2> "$tmp/$r_name.err"
  rc=$?
}
no_tmp() { # DIR: no *.tmp.* file in DIR
  ! ls -a "$1" | grep -q '\.tmp\.'
}

# --- item 1: a planted symlink at the temporary path ---------------------------
# The attacker knows the pid: `exec` keeps the shell's pid for cleave. The
# old temporary name was <output>.tmp.<pid>, opened without O_EXCL|O_NOFOLLOW.
mkdir t1
printf 'precious\n' > t1/victim
sh -c 'ln -s "$1/t1/victim" "$1/t1/out.csv.tmp.$$"; exec "$2" run -q --rules "$1/rules.lua" \
  --input "$1/in.csv" --output "$1/t1/out.csv"' sh "$tmp" "$cleave" 2> t1.err
rc=$?
[ "$(cat t1/victim)" = precious ] && [ $rc -eq 0 ] && grep -q '^A1,adult$' t1/out.csv
okd $? "a symlink planted at <output>.tmp.<pid> is not written through" t1.err
[ -L t1/out.csv ]
[ $? -ne 0 ]
ok $? "... and the output is a new file, not the planted link"

mkdir t1b
printf 'precious\n' > t1b/victim
ln -s "$tmp/t1b/victim" t1b/out.csv.lock
run t1b --output "$tmp/t1b/out.csv"
[ "$(cat t1b/victim)" = precious ]
okd $? "a symlink planted at the lock path: its target is not truncated" t1b.err
[ $rc -eq 6 ] && grep -q 'out.csv.lock' t1b.err && grep -q 'symbolic link' t1b.err
okd $? "... the run is refused (exit 6), the message names the lock and says why" t1b.err

mkdir t1c
printf 'precious line that is long\n' > t1c/victim
ln t1c/victim t1c/out.csv.lock
run t1c --output "$tmp/t1c/out.csv"
[ "$(cat t1c/victim)" = 'precious line that is long' ] && [ $rc -eq 0 ]
okd $? "a hard link planted at the lock path: the linked file is not written" t1c.err

mkdir t1d
printf 'other data that stays here\n' > t1d/out.csv.lock
run t1d --output "$tmp/t1d/out.csv"
[ $rc -eq 0 ] && [ "$(wc -c < t1d/out.csv.lock)" -ge 27 ] && [ -f t1d/out.csv.lock ]
okd $? "the lock file is never truncated and stays after the run" t1d.err

mkdir t1e
printf 'old\n' > t1e/elsewhere
ln -s "$tmp/t1e/elsewhere" t1e/out.csv
run t1e --output "$tmp/t1e/out.csv"
[ $rc -eq 0 ] && [ "$(cat t1e/elsewhere)" = old ] && [ ! -L t1e/out.csv ] &&
  grep -q '^A1,adult$' t1e/out.csv
okd $? "a symlink at the output path is replaced by the new file, never followed" t1e.err

# --- item 2: list files -----------------------------------------------------------
mkdir -p t2/rules/lists t2/rules/data t2/out
printf 'TOP SECRET\n' > t2/secret.txt
printf 'customer_id,country\nC1,GB\nC2,FR\n' > t2/in.csv
lr() { # NAME LISTFILE: a rule file reading list LISTFILE, run on t2/in.csv
  printf 'local c = text "country"\nmicro "m" { c:one_of(list "%s") }\n' "$2" > t2/rules/r.lua
  tm 15 "$cleave" run -q --rules "$tmp/t2/rules/r.lua" --input "$tmp/t2/in.csv" \
    --output "$tmp/t2/out/o.csv" > "$tmp/$1.out" 2> "$tmp/$1.err"
  rc=$?
}
ln -s "$tmp/t2/secret.txt" t2/rules/lists/out.txt
lr t2a lists/out.txt
[ $rc -eq 4 ] && grep -q 'lists/out.txt' t2a.err && ! grep -q 'TOP SECRET' t2a.err
okd $? "list \"lists/x.txt\" -> a file outside the rules folder: refused (exit 4)" t2a.err
printf 'GB\n' > t2/rules/data/gb.txt
ln -s ../data/gb.txt t2/rules/lists/in.txt
lr t2b lists/in.txt
if [ $rc -eq 0 ]; then
  ok 0 "a symlink that stays inside the rules folder is followed"
elif grep -q 'not followed on this system' t2b.err; then
  skip "a symlink that stays inside the rules folder is followed" "no openat2 here"
else
  okd 1 "a symlink that stays inside the rules folder is followed" t2b.err
fi
ln -s /dev/zero t2/rules/lists/zero.txt
lr t2c lists/zero.txt
[ $rc -eq 4 ]
okd $? "list -> /dev/zero: refused at once (exit 4), no hang" t2c.err
if mkfifo t2/rules/lists/fifo.txt 2> /dev/null; then
  lr t2d lists/fifo.txt
  [ $rc -eq 4 ] && grep -q 'FIFO' t2d.err
  okd $? "list naming a FIFO: refused at once (exit 4), the message says FIFO" t2d.err
else
  skip "list naming a FIFO" "mkfifo failed"
fi
{ printf 'GB\n'; awk 'BEGIN { s = ""; for (i = 0; i < 5000; i++) s = s "x"; print s }'; } \
  > t2/rules/lists/long.txt
lr t2e lists/long.txt
[ $rc -eq 4 ] && grep -q 'lists/long.txt:2:' t2e.err && grep -q '4096' t2e.err
okd $? "a list line over 4096 bytes: a rule-file error naming file:2 (not cut silently)" t2e.err
if mkfifo t2/rules.fifo 2> /dev/null; then
  tm 15 "$cleave" run -q --rules "$tmp/t2/rules.fifo" --input "$tmp/t2/in.csv" \
    --output "$tmp/t2/out/o.csv" > /dev/null 2> t2f.err
  rc=$?
  [ $rc -eq 4 ] && grep -q 'FIFO' t2f.err
  okd $? "a rule file that is a FIFO: refused at once (exit 4)" t2f.err
  tm 15 "$cleave" run -q -c "$tmp/t2/rules.fifo" --rules "$tmp/rules.lua" \
    --input "$tmp/in.csv" --output "$tmp/t2/out/o.csv" > /dev/null 2> t2g.err
  rc=$?
  [ $rc -eq 3 ] && grep -q 'FIFO' t2g.err
  okd $? "an engine.ini that is a FIFO: refused at once (exit 3)" t2g.err
else
  skip "a rule file that is a FIFO" "mkfifo failed"
  skip "an engine.ini that is a FIFO" "mkfifo failed"
fi

# --- item 8: one file named twice --------------------------------------------------
mkdir t8
twice() { # DESC ARGS...: exit 2, message says "same file", t8/x kept
  tw_desc=$1
  shift
  printf 'previous\n' > t8/x
  run t8 "$@"
  [ $rc -eq 2 ] && grep -q 'same file' t8.err && [ "$(cat t8/x)" = previous ]
  okd $? "$tw_desc: refused (exit 2), the file is left as it was" t8.err
}
twice "--output X --rejects X" --output "$tmp/t8/x" --rejects "$tmp/t8/x"
twice "--output X --summary X" --output "$tmp/t8/x" --summary "$tmp/t8/x"
twice "--rejects X --summary ./X (two spellings)" --output "$tmp/t8/o.csv" \
  --rejects "$tmp/t8/x" --summary "$tmp/t8/./x"
printf '[output]\nlock = x\n' > t8/lock.ini
twice "lock = <the output>" -c "$tmp/t8/lock.ini" --output "$tmp/t8/x"
cp in.csv t8/x.in
run t8in --input "$tmp/t8/x.in" --output "$tmp/t8/x.in"
[ $rc -eq 2 ] && cmp -s in.csv t8/x.in
okd $? "--input X --output X: refused (exit 2), the input is left as it was" t8in.err

dev_before=0
[ -e /dev/null.lock ] || [ -e /dev/null.rejects.csv ] && dev_before=1
run t8n --output /dev/null
st=0
[ $rc -eq 0 ] || st=1
[ -e /dev/null.lock ] && st=1
okd $st "--output /dev/null: exit 0 and no /dev/null.lock created" t8n.err
[ -e /dev/null.rejects.csv ] && st=1 || st=0
ok $st "--output /dev/null: no /dev/null.rejects.csv created"
[ $dev_before -eq 0 ] && rm -f /dev/null.lock /dev/null.rejects.csv 2> /dev/null

# --- item 11: a device's write error names the device -----------------------------
if [ -w /dev/full ]; then
  run t11 --output /dev/full
  [ $rc -eq 6 ] && grep -q '/dev/full' t11.err && ! grep -q 'standard output' t11.err
  okd $? "--output /dev/full: exit 6, the message names /dev/full" t11.err
else
  skip "--output /dev/full" "no /dev/full"
fi

# --- item 9: a closed pipe is an output error ----------------------------------------
"$gen" --rows 20000 --seed 3 > big.csv
printf 'local age = number "age"\nmicro "adult" { age:at_least(18) }\n' > big.lua
{ "$cleave" run -q --rules big.lua --input big.csv --output - 2> t9.err; echo $? > t9.rc; } |
  head -n 1 > /dev/null
rc=$(cat t9.rc)
[ "$rc" -eq 6 ] && grep -q 'standard output' t9.err
okd $? "output to '| head -1': exit 6 with a message naming standard output (not SIGPIPE 141)" t9.err

# --- item 9: temporaries of dead runs are swept; a live run's are not -------------------
mkdir t9s
sh -c 'exit 0' &
dead=$!
wait $dead
: > "t9s/out.csv.tmp.$dead"
: > "t9s/out.csv.tmp.$dead.0123456789abcdef"
: > "t9s/out.csv.rejects.csv.tmp.$dead.00ff"
: > "t9s/out.csv.tmp.$$.0123456789abcdef"
run t9s --output "$tmp/t9s/out.csv"
[ $rc -eq 0 ] && [ ! -e "t9s/out.csv.tmp.$dead" ] && [ ! -e "t9s/out.csv.tmp.$dead.0123456789abcdef" ] &&
  [ ! -e "t9s/out.csv.rejects.csv.tmp.$dead.00ff" ]
okd $? "temporaries left by a dead pid are removed by the next run" t9s.err
[ -e "t9s/out.csv.tmp.$$.0123456789abcdef" ]
ok $? "... a live process's temporary is left alone"

# --- item 9: crash signals and the out-of-memory exit remove the temporaries -----------
# The run waits on a FIFO for more input, its temporaries open; then the signal.
sig_case() { # SIGNAME
  d=$tmp/sig$1
  mkdir "$d"
  if ! mkfifo "$d/in.fifo" 2> /dev/null; then
    skip "SIG$1 removes the temporaries" "mkfifo failed"
    return
  fi
  sh -c 'head -c 300000 "$1"; exec sleep 30' sh "$tmp/big.csv" > "$d/in.fifo" &
  wpid=$!
  bgpids="$bgpids $wpid"
  "$cleave" run -q --rules "$tmp/big.lua" --input "$d/in.fifo" --output "$d/out.csv" \
    --summary "$d/sum.json" --chunk-size 4096 2> "$d/err" &
  cpid=$!
  bgpids="$bgpids $cpid"
  i=0
  while [ $i -lt 100 ] && no_tmp "$d"; do
    sleep 0.1
    i=$((i + 1))
  done
  no_tmp "$d" && started=0 || started=1
  kill -"$1" $cpid 2> /dev/null
  wait $cpid 2> /dev/null
  kill $wpid 2> /dev/null
  wait $wpid 2> /dev/null
  [ $started -eq 1 ] && no_tmp "$d" && [ ! -e "$d/out.csv" ]
  ok $? "SIG$1 during a run: its temporaries are removed"
}
for s in SEGV BUS HUP; do sig_case $s; done

if ldd "$cleave" 2> /dev/null | grep -q 'libasan'; then
  skip "out of memory (exit 70) removes the temporaries" "ASan build: ulimit -v does not apply"
else
  mkdir t9m
  # one 600 MB field with no line end: the reader must hold it whole
  (ulimit -v 400000
   { printf 'customer_id,age\n'; head -c 600000000 /dev/zero | tr '\0' a; } |
     "$cleave" run -q --rules "$tmp/rules.lua" --input - --output "$tmp/t9m/out.csv" \
       --threads 1 2> "$tmp/t9m.err"
   echo $? > "$tmp/t9m.rc")
  rc=$(cat t9m.rc)
  if [ "$rc" -eq 70 ]; then
    no_tmp t9m
    okd $? "out of memory (exit 70): no temporary left" t9m.err
  else
    okd 1 "out of memory (exit 70): no temporary left (exit status was $rc)" t9m.err
  fi
fi

done_testing
