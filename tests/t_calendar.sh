#!/bin/sh
# SPDX-License-Identifier: MIT
# t_calendar.sh -- the calendar parts of the dates plugin (dates.year, month,
# day, weekday, quarter, day_of_year, iso_week, days_to_anniversary) against
# Python's datetime, an implementation independent of plugins/dates/.
#
# Python writes one row per date -- every day of 1999-12-20..2001-01-10 and
# of 2026-12-20..2029-01-10 (leap and common years, ISO weeks 52/53 and the
# turn of the year), every 29 February of 1904..2096, 1900-02-28/03-01 (no
# 29 February in 1900) and a spread from 0001 to 9999 -- with the answers in
# want_* columns. Every criterion compared with its want_* column must hold
# on every row (one segment each; a row missing one fails), with both
# evaluators, at two as-of dates (a leap-year 29 February and a common-year
# 28 February). A missing date gives missing answers.
#
# Needs $CLEAVE_BUILD and python3. Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
. "$root/tests/tap.sh"

[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not found"
[ -x "$cleave" ] && [ -f "$plugins/dates.so" ] || skip_all "not built: $cleave, $plugins/dates.so"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_calendar.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1

cat > "$tmp/rules.lua" <<'LUA'
local d = date "d"
micro "year"    { dates.year(d):is(number "want_year") }
micro "month"   { dates.month(d):is(number "want_month") }
micro "day"     { dates.day(d):is(number "want_day") }
micro "weekday" { dates.weekday(d):is(number "want_weekday") }
micro "quarter" { dates.quarter(d):is(number "want_quarter") }
micro "doy"     { dates.day_of_year(d):is(number "want_doy") }
micro "week"    { dates.iso_week(d):is(number "want_week") }
micro "anniv"   { dates.days_to_anniversary(d):is(number "want_anniv") }
micro "missing" { is_missing(dates.month(d)), is_missing(dates.weekday(d)),
                  is_missing(dates.iso_week(d)), is_missing(dates.days_to_anniversary(d)) }
LUA

for asof in 2028-02-29 2027-02-28; do
  /usr/bin/python3 - "$asof" > "$tmp/data.csv" <<'PY'
import datetime as dt, sys
asof = dt.date.fromisoformat(sys.argv[1])
def days(a, b):
    x = dt.date.fromisoformat(a)
    while x <= dt.date.fromisoformat(b):
        yield x
        x += dt.timedelta(days=1)
ds = list(days("1999-12-20", "2001-01-10")) + list(days("2026-12-20", "2029-01-10"))
ds += [dt.date(y, 2, 29) for y in range(1904, 2100, 4)]
ds += [dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31)]
ds += [dt.date(y, m, 15) for y in range(1, 10000, 97) for m in (1, 6, 12)]
def anniv(x):
    for y in (asof.year, asof.year + 1):
        try: a = dt.date(y, x.month, x.day)
        except ValueError: a = dt.date(y, 3, 1)
        if a >= asof: return (a - asof).days
print("customer_id,d,want_year,want_month,want_day,want_weekday,want_quarter,want_doy,want_week,want_anniv")
for i, x in enumerate(ds):
    print("D%05d,%s,%d,%d,%d,%d,%d,%d,%d,%d" % (i, x.isoformat(), x.year, x.month, x.day, x.isoweekday(),
          (x.month - 1) // 3 + 1, x.timetuple().tm_yday, x.isocalendar()[1], anniv(x)))
print("MISSING,,,,,,,,,")
PY
  rows=$(($(wc -l < "$tmp/data.csv") - 2))
  for ev in batch row; do
    "$cleave" run -q --rules "$tmp/rules.lua" --input "$tmp/data.csv" --output "$tmp/out.csv" \
      --plugins "$plugins" --as-of "$asof" --evaluator $ev 2> "$tmp/err"
    rc=$?
    ok $rc "as of $asof, $ev: exits 0"
    [ $rc -eq 0 ] || diag "$tmp/err"
    good=$(grep -c ',year;month;day;weekday;quarter;doy;week;anniv$' "$tmp/out.csv")
    [ "$good" -eq "$rows" ]
    st=$?
    ok $st "as of $asof, $ev: every part right on all $rows dates ($good)"
    [ $st -eq 0 ] || grep -v ',year;month;day;weekday;quarter;doy;week;anniv$' "$tmp/out.csv" |
      sed -n '2,6p' | sed 's/^/# /'
    grep -q '^MISSING,missing$' "$tmp/out.csv"
    ok $? "as of $asof, $ev: a missing date gives missing parts"
  done
done

done_testing
