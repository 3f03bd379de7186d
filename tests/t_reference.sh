#!/bin/sh
# SPDX-License-Identifier: MIT
# t_reference.sh -- the retail-v1 generator and Python reference, checked
# against each other and against the hand-checked fixture.
#
# Needs $CLEAVE_BUILD (the build directory; the generator is
# $CLEAVE_BUILD/tools/gen_retail) and python3. Prints TAP.

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh" # ok, diag, skip_all, done_testing

command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

build=${CLEAVE_BUILD:-$root/build}
gen=$build/tools/gen_retail
ref=$root/tools/retail_ref.py
fix=$root/tests/fixtures

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_reference.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# 14 tests
# 1. The reference reproduces the hand-checked fixture byte for byte.
python3 "$ref" "$fix/retail_edge.csv" > "$tmp/edge.out" 2> "$tmp/edge.err"
st=$?
[ $st -eq 0 ] && cmp -s "$tmp/edge.out" "$fix/retail_edge.expected.csv"
ok $? "reference reproduces tests/fixtures/retail_edge.expected.csv"
[ $st -eq 0 ] || diag "$tmp/edge.err"
diff "$fix/retail_edge.expected.csv" "$tmp/edge.out" > "$tmp/edge.diff" 2>&1 ||
  diag "$tmp/edge.diff"

# 2. --as-of moves the evaluation date (new_signups at 90 days -> 91).
python3 "$ref" --as-of 2026-11-02 "$fix/retail_edge.csv" > "$tmp/asof.out" 2>&1
grep -q '^C000000033,midlife,emea,consumer,low,eco_conscious$' "$tmp/asof.out"
ok $? "reference honours --as-of"

if [ ! -x "$gen" ]; then
  for i in 3 4 5 6 7 8 9 10 11 12 13 14; do
    ok 1 "generator not built: $gen"
  done
  done_testing
fi

rows=5000
"$gen" --rows $rows --seed 7 > "$tmp/a.csv" &&
  "$gen" --rows $rows --seed 7 > "$tmp/b.csv" &&
  cmp -s "$tmp/a.csv" "$tmp/b.csv"
ok $? "generator is deterministic (same seed twice gives the same bytes)"

"$gen" --rows $rows --seed 8 > "$tmp/c.csv" && ! cmp -s "$tmp/a.csv" "$tmp/c.csv"
ok $? "a different seed gives a different file"

python3 "$ref" "$tmp/a.csv" > "$tmp/a.out" 2> "$tmp/a.err" &&
  [ "$(wc -l < "$tmp/a.out")" -eq $((rows + 1)) ]
ok $? "reference reads the plain file: $rows records out"
diag "$tmp/a.err"

# 6-10. Format variants hold the same records, so give the same output.
variant() {
  "$gen" --rows $rows --seed 7 "$@" > "$tmp/v.csv" &&
    python3 "$ref" "$tmp/v.csv" > "$tmp/v.out" 2> "$tmp/v.err" &&
    cmp -s "$tmp/a.out" "$tmp/v.out"
  ok $? "variant $* reads to the same output as the plain file"
  diag "$tmp/v.err"
}
variant --crlf
variant --quote-all
variant --bom
variant --no-final-newline
variant --crlf --quote-all --bom --no-final-newline

# 11. Ragged rows: rejected by default; --skip-bad drops exactly those rows.
"$gen" --rows $rows --seed 7 --ragged 5 > "$tmp/r.csv"
python3 "$ref" "$tmp/r.csv" > /dev/null 2>&1
st=$?
python3 "$ref" --skip-bad "$tmp/r.csv" > "$tmp/r.out" 2> "$tmp/r.err"
[ $st -ne 0 ] &&
  [ "$(grep -c 'fields, expected 21' "$tmp/r.err")" -eq 5 ] &&
  [ "$(wc -l < "$tmp/r.out")" -eq $((rows + 1 - 5)) ] &&
  [ "$(diff "$tmp/a.out" "$tmp/r.out" | grep -c '^<')" -eq 5 ] &&
  [ "$(diff "$tmp/a.out" "$tmp/r.out" | grep -c '^>')" -eq 0 ]
ok $? "--ragged 5: reference rejects the file, or skips exactly 5 records"

# 12. No records: the header line alone.
printf 'customer_id,life_stage,market,business,value_band,segments\n' > "$tmp/z.want"
"$gen" --rows 0 > "$tmp/z.csv" && python3 "$ref" "$tmp/z.csv" > "$tmp/z.out" &&
  cmp -s "$tmp/z.out" "$tmp/z.want"
ok $? "a file with no records gives the header line alone"

# 13-14. A 20,000-row seed-1 file follows the layout and shows every value.
"$gen" --rows 20000 --seed 1 > "$tmp/s.csv" &&
  python3 "$ref" "$tmp/s.csv" > "$tmp/s.out"
python3 - "$tmp/s.csv" > "$tmp/layout.err" 2>&1 <<'EOF'
import csv, datetime, re, sys
TAGS = set("hiking camping running cycling tech gaming fashion fast_fashion "
           "beauty home garden cooking parenting toys family_travel luxury "
           "discounts sustainability pets music books sports travel "
           "fitness".split())
COUNTRIES = set("US CA MX GB IE DE FR ES IT NL BE SE PL ZA AE JP IN AU SG KR "
                "NZ BR AR CL CO CH NO".split())
INDUSTRIES = set("software healthcare finance retail manufacturing education "
                 "logistics media energy government".split())
first, last = datetime.date(2015, 1, 1), datetime.date(2026, 10, 31)
def is_int(s, lo, hi):
    return re.fullmatch(r"[0-9]+", s) is not None and lo <= int(s) <= hi
bad, ids = [], set()
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = csv.reader(f, strict=True)
    next(rows)
    for i, r in enumerate(rows, 2):
        (cid, name, age, gender, income, country, postal, tier, signup, lastp,
         orders, spend, opens, clicks, interests, channel, loyalty, account,
         industry, size, notes) = r
        tags = interests.split(";") if interests else []
        s = datetime.date.fromisoformat(signup)
        checks = [
            re.fullmatch(r"C[0-9]{9}", cid) and cid not in ids,
            age == "" or is_int(age, 18, 90),
            gender in ("F", "M", "X"),
            is_int(income, 0, 400000),
            country in COUNTRIES,
            country != "US" or re.fullmatch(r"[0-9]{5}", postal),
            country in ("US", "GB") or re.fullmatch(r"[0-9]*", postal),
            tier in ("urban", "suburban", "rural"),
            first <= s <= last,
            lastp == "" or s <= datetime.date.fromisoformat(lastp) <= last,
            is_int(orders, 0, 60),
            re.fullmatch(r"[0-9]+\.[0-9]{2}", spend),
            orders != "0" or spend == "0.00",
            is_int(opens, 0, 60) and is_int(clicks, 0, int(opens)),
            len(tags) <= 5 and len(set(tags)) == len(tags) and set(tags) <= TAGS,
            channel in ("email", "sms", "push", "none"),
            loyalty in ("none", "bronze", "silver", "gold", "platinum"),
            account in ("B2C", "B2B"),
            (account == "B2B" and industry in INDUSTRIES
             and (size == "" or is_int(size, 1, 50000)))
            or (account == "B2C" and industry == "" and size == ""),
        ]
        ids.add(cid)
        for k, c in enumerate(checks):
            if not c:
                bad.append("line %d: check %d failed: %r" % (i, k, r))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
EOF
ok $? "generated file follows the retail-v1 column rules"
diag "$tmp/layout.err"

python3 - "$tmp/s.out" > "$tmp/cover.err" 2>&1 <<'EOF'
import csv, sys
want = {
    "life_stage": "unknown gen_z young_adult midlife mature senior",
    "market": "north_america emea apac latam other",
    "business": "consumer unknown_b2b smb midmarket enterprise",
    "value_band": "high mid low none",
    "segments": "young_urban_loyalists lapsed_high_value at_risk_regulars "
                "email_engaged sms_first_youth outdoor_enthusiasts "
                "tech_affluent luxury_prospects bargain_hunters london_core "
                "nyc_metro new_signups dormant b2b_growth enterprise_champions "
                "senior_offline family_focused eco_conscious vip_at_risk "
                "frequent_small_basket apac_mobile latam_new_engaged "
                "emea_enterprise_software rfm_champions",
}
seen = {k: set() for k in want}
with open(sys.argv[1], newline="") as f:
    for r in csv.DictReader(f):
        for k in want:
            seen[k].update(r[k].split(";") if k == "segments" else [r[k]])
missing = [(k, v) for k in want for v in want[k].split() if v not in seen[k]]
for k, v in missing:
    print("never seen: %s = %s" % (k, v))
sys.exit(1 if missing else 0)
EOF
ok $? "20,000 seed-1 records show every macro value and micro segment"
diag "$tmp/cover.err"

done_testing
