#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""retail_ref.py -- reference implementation of workload retail-v1.

Written straight from /work/shared/workload/retail-v1.md (the spec), with
the Python standard library only, to serve as the oracle in differential
tests of the cleave engine. It is meant to be read next to the spec: each
split and segment below is one spec line.

Usage: python3 tools/retail_ref.py [--as-of YYYY-MM-DD] [--skip-bad]
           [--format wide|long|jsonl] [--audiences DIR [--audience-columns A,B]
           [--audience-macros]] [--counts FILE] INPUT.csv

Writes the segmentation of INPUT.csv to standard output. A record the spec
cannot evaluate (wrong number of fields, a number float() cannot read, a date
that is not a valid YYYY-MM-DD) is an error: the script names its line on
standard error and exits with status 1. With --skip-bad such records are
reported on standard error and left out of the output instead.

Output layouts and audience files, written from cleave's README (Outputs),
not from its code: --format long writes "customer_id,kind,name,value" and
per customer one "macro,<split>,<value>" line per split then one
"micro,<segment>,1" line per segment it is in; --format jsonl one JSON
object per customer. --audiences DIR writes DIR/<segment>.csv (and with
--audience-macros DIR/<split>=<value>.csv): the id and the
--audience-columns in input order, quoted as RFC 4180 says. Bytes that are
not UTF-8 are read as they are and written as U+FFFD, one per byte.

--counts FILE also writes, as JSON, the counts summary.json gives (counted
here from this script's own segmentation): {"rows": N, "macro": {split:
{value: n}}, "micro": {segment: n}, "cross": {split: {value: {segment: n}}},
"overlap": {"a|b": n}} -- every pair of segments (a before b in rule order)
sharing a customer.
"""

import argparse
import csv
import datetime
import json
import os
import re
import sys

COLUMNS = [
    "customer_id", "first_name", "age", "gender", "income", "country",
    "postal_code", "city_tier", "signup_date", "last_purchase_date",
    "orders_12m", "spend_12m", "email_opens_90d", "email_clicks_90d",
    "interests", "preferred_channel", "loyalty_tier", "account_type",
    "industry", "company_size", "notes",
]
NUMBER_COLUMNS = [
    "age", "income", "orders_12m", "spend_12m", "email_opens_90d",
    "email_clicks_90d", "company_size",
]
DATE_COLUMNS = ["signup_date", "last_purchase_date"]

OUTPUT_HEADER = "customer_id,life_stage,market,business,value_band,segments"

DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class BadRecord(Exception):
    """A record that cannot be evaluated."""


# ---------------------------------------------------------------------------
# Values. A missing value is None; every test on None is false.

def parse_number(text, column):
    """Empty field -> None (missing); otherwise float(), as the spec's numbers."""
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise BadRecord("%s: not a number: %r" % (column, text))


def parse_date(text, column):
    """Empty field -> None (missing); otherwise a YYYY-MM-DD calendar date."""
    if text == "":
        return None
    if not DATE_SHAPE.match(text):
        raise BadRecord("%s: not a YYYY-MM-DD date: %r" % (column, text))
    try:
        return datetime.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        raise BadRecord("%s: no such date: %r" % (column, text))


def text_or_none(text):
    """Empty field -> None (missing); text otherwise."""
    return None if text == "" else text


def lt(a, b):
    return a is not None and b is not None and a < b


def le(a, b):
    return a is not None and b is not None and a <= b


def gt(a, b):
    return a is not None and b is not None and a > b


def ge(a, b):
    return a is not None and b is not None and a >= b


def eq(a, b):
    return a is not None and a == b


def within(a, lo, hi):
    """Range test, both bounds inclusive; false when a is missing."""
    return a is not None and lo <= a <= hi


def is_in(a, values):
    """Membership test; false when a is missing."""
    return a is not None and a in values


def divide(a, b):
    """Real division; a missing operand or a zero divisor gives missing."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def tags_of(interests):
    """The ';'-separated tag list; an empty (missing) field is the empty list."""
    if interests is None:
        return []
    return interests.split(";")


def has(tags, tag):
    """Exact equality with one of the tags; false on an empty list."""
    return tag in tags


def has_any(tags, wanted):
    return any(has(tags, t) for t in wanted)


def postal_area(code):
    """ASCII upper-case, then the longest leading run of letters A-Z."""
    if code is None:
        return None
    area = []
    for ch in code:
        if "a" <= ch <= "z":
            ch = chr(ord(ch) - 32)
        if "A" <= ch <= "Z":
            area.append(ch)
        else:
            break
    return "".join(area)


def first_3_bytes(text):
    """The first 3 bytes of text (UTF-8), or None when it is shorter."""
    if text is None:
        return None
    raw = text.encode("utf-8")
    if len(raw) < 3:
        return None
    return raw[:3]


# ---------------------------------------------------------------------------
# One record.

def evaluate(rec, as_of):
    """rec: dict column -> field text. Returns the output line (no newline)."""
    macros, segments = evaluate_parts(rec, as_of)
    return ",".join([rec["customer_id"]] + [v for _, v in macros]
                    + [";".join(segments)])


MACRO_NAMES = ["life_stage", "market", "business", "value_band"]


def evaluate_parts(rec, as_of):
    """Returns ([(split, value)...], [segment...]) for the record."""
    v = {}
    for col in COLUMNS:
        v[col] = text_or_none(rec[col])
    for col in NUMBER_COLUMNS:
        v[col] = parse_number(rec[col], col)
    for col in DATE_COLUMNS:
        v[col] = parse_date(rec[col], col)

    def days_since(d):
        if d is None:
            return None
        return (as_of - d).days

    age = v["age"]
    income = v["income"]
    orders = v["orders_12m"]
    spend = v["spend_12m"]
    opens = v["email_opens_90d"]
    clicks = v["email_clicks_90d"]
    size = v["company_size"]
    country = v["country"]
    city_tier = v["city_tier"]
    channel = v["preferred_channel"]
    loyalty = v["loyalty_tier"]
    industry = v["industry"]
    tags = tags_of(v["interests"])
    last_days = days_since(v["last_purchase_date"])
    signup_days = days_since(v["signup_date"])

    # -- macro splits: the first case that holds, else the default
    if age is None:
        life_stage = "unknown"
    elif age < 25:
        life_stage = "gen_z"
    elif age < 35:
        life_stage = "young_adult"
    elif age < 50:
        life_stage = "midlife"
    elif age < 65:
        life_stage = "mature"
    else:
        life_stage = "senior"

    if is_in(country, ("US", "CA", "MX")):
        market = "north_america"
    elif is_in(country, ("GB", "IE", "DE", "FR", "ES", "IT", "NL", "BE",
                         "SE", "PL", "ZA", "AE")):
        market = "emea"
    elif is_in(country, ("JP", "IN", "AU", "SG", "KR", "NZ")):
        market = "apac"
    elif is_in(country, ("BR", "AR", "CL", "CO")):
        market = "latam"
    else:
        market = "other"

    if eq(v["account_type"], "B2C"):
        business = "consumer"
    elif size is None:
        business = "unknown_b2b"
    elif size < 50:
        business = "smb"
    elif size < 1000:
        business = "midmarket"
    else:
        business = "enterprise"

    if ge(spend, 2000):
        value_band = "high"
    elif ge(spend, 500):
        value_band = "mid"
    elif gt(spend, 0):
        value_band = "low"
    else:
        value_band = "none"

    # -- R, F, M scores (rule 24)
    if le(last_days, 30):
        r_score = 5
    elif le(last_days, 60):
        r_score = 4
    elif le(last_days, 120):
        r_score = 3
    elif le(last_days, 240):
        r_score = 2
    else:
        r_score = 1

    if ge(orders, 20):
        f_score = 5
    elif ge(orders, 10):
        f_score = 4
    elif ge(orders, 5):
        f_score = 3
    elif ge(orders, 2):
        f_score = 2
    else:
        f_score = 1

    if ge(spend, 3000):
        m_score = 5
    elif ge(spend, 1500):
        m_score = 4
    elif ge(spend, 600):
        m_score = 3
    elif ge(spend, 200):
        m_score = 2
    else:
        m_score = 1

    # -- micro segments, in spec order
    london_areas = ("E", "EC", "N", "NW", "SE", "SW", "W", "WC")
    nyc_prefixes = (b"100", b"101", b"102", b"103", b"104",
                    b"110", b"111", b"112", b"113", b"114")
    rules = [
        ("young_urban_loyalists",
         is_in(life_stage, ("gen_z", "young_adult"))
         and eq(city_tier, "urban") and ge(orders, 6)),
        ("lapsed_high_value",
         is_in(value_band, ("high", "mid")) and gt(last_days, 120)),
        ("at_risk_regulars",
         ge(orders, 3) and within(last_days, 60, 180)),
        ("email_engaged",
         ge(opens, 5) and ge(divide(clicks, opens), 0.2)),
        ("sms_first_youth",
         eq(channel, "sms") and lt(age, 35)),
        ("outdoor_enthusiasts",
         has_any(tags, ("hiking", "camping", "running", "cycling"))),
        ("tech_affluent",
         has(tags, "tech") and ge(income, 80000)),
        ("luxury_prospects",
         ge(income, 150000) and is_in(loyalty, ("gold", "platinum"))
         and not has(tags, "discounts")),
        ("bargain_hunters",
         has(tags, "discounts") and gt(orders, 0)
         and lt(divide(spend, orders), 40)),
        ("london_core",
         eq(country, "GB") and is_in(postal_area(v["postal_code"]), london_areas)),
        ("nyc_metro",
         eq(country, "US") and is_in(first_3_bytes(v["postal_code"]), nyc_prefixes)),
        ("new_signups",
         le(signup_days, 90)),
        ("dormant",
         last_days is None or gt(last_days, 365)),
        ("b2b_growth",
         is_in(business, ("smb", "midmarket"))
         and is_in(industry, ("software", "healthcare")) and ge(spend, 1000)),
        ("enterprise_champions",
         eq(business, "enterprise") and ge(orders, 12)),
        ("senior_offline",
         eq(life_stage, "senior") and eq(channel, "none")),
        ("family_focused",
         has_any(tags, ("parenting", "toys", "family_travel"))
         and within(age, 28, 50)),
        ("eco_conscious",
         has(tags, "sustainability") and not has(tags, "fast_fashion")),
        ("vip_at_risk",
         eq(loyalty, "platinum") and gt(last_days, 60)),
        ("frequent_small_basket",
         ge(orders, 20) and lt(divide(spend, orders), 25)),
        ("apac_mobile",
         eq(market, "apac") and is_in(channel, ("push", "sms"))),
        ("latam_new_engaged",
         eq(market, "latam") and le(signup_days, 365) and ge(opens, 3)),
        ("emea_enterprise_software",
         eq(market, "emea") and eq(business, "enterprise")
         and eq(industry, "software")),
        ("rfm_champions",
         r_score >= 4 and f_score >= 4 and m_score >= 4),
    ]
    segments = [name for name, holds in rules if holds]
    macros = list(zip(MACRO_NAMES, [life_stage, market, business, value_band]))
    return macros, segments


# ---------------------------------------------------------------------------
# Output layouts and audience files.

def clean(text):
    """Bytes read as surrogate escapes (not UTF-8) become U+FFFD, one each."""
    return "".join("\ufffd" if "\udc80" <= c <= "\udcff" else c for c in text)


def csv_field(text):
    """RFC 4180: quoted (quotes doubled) when it holds , " CR or LF."""
    text = clean(text)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


class Writer:
    """The main output in one layout, plus the audience files."""

    def __init__(self, fmt, out, aud_dir, aud_cols, aud_macros):
        self.fmt = fmt
        self.out = out
        self.aud_dir = aud_dir
        self.aud_cols = aud_cols
        self.aud_macros = aud_macros
        self.files = {}
        if fmt == "wide":
            self.put(OUTPUT_HEADER + "\n")
        elif fmt == "long":
            self.put("customer_id,kind,name,value\n")

    def put(self, text):
        self.out.write(text.encode("utf-8"))

    def open_audiences(self, names):
        if self.aud_dir is None:
            return
        os.makedirs(self.aud_dir, exist_ok=True)
        header = ",".join(csv_field(c) for c in self.aud_cols) + "\n"
        for name in names:
            f = open(os.path.join(self.aud_dir, name + ".csv"), "wb")
            f.write(header.encode("utf-8"))
            self.files[name] = f

    def record(self, rec, macros, segments):
        cid = rec["customer_id"]
        if self.fmt == "wide":
            self.put(",".join([csv_field(cid)] + [v for _, v in macros]
                              + [";".join(segments)]) + "\n")
        elif self.fmt == "long":
            for split, value in macros:
                self.put("%s,macro,%s,%s\n" % (csv_field(cid), split, value))
            for seg in segments:
                self.put("%s,micro,%s,1\n" % (csv_field(cid), seg))
        else:
            obj = {"customer_id": clean(cid)}
            for split, value in macros:
                obj[split] = value
            obj["segments"] = segments
            self.put(json.dumps(obj, ensure_ascii=False) + "\n")
        if self.aud_dir is None:
            return
        line = (",".join(csv_field(rec[c]) for c in self.aud_cols)
                + "\n").encode("utf-8")
        for seg in segments:
            self.files[seg].write(line)
        if self.aud_macros:
            for split, value in macros:
                self.files["%s=%s" % (split, value)].write(line)

    def close(self):
        for f in self.files.values():
            f.close()


class Counts:
    """What summary.json counts, from this script's macros and segments."""

    def __init__(self):
        self.rows = 0
        self.macro = {m: {} for m in MACRO_NAMES}
        self.micro = {}
        self.cross = {m: {} for m in MACRO_NAMES}
        self.overlap = {}

    def add(self, macros, segments):
        self.rows += 1
        for m, v in macros:
            self.macro[m][v] = self.macro[m].get(v, 0) + 1
            row = self.cross[m].setdefault(v, {})
            for seg in segments:
                row[seg] = row.get(seg, 0) + 1
        for i, a in enumerate(segments):
            self.micro[a] = self.micro.get(a, 0) + 1
            for b in segments[i + 1:]:
                k = a + "|" + b
                self.overlap[k] = self.overlap.get(k, 0) + 1

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"rows": self.rows, "macro": self.macro, "micro": self.micro,
                       "cross": self.cross, "overlap": self.overlap}, f, indent=1,
                      sort_keys=True)


# ---------------------------------------------------------------------------
# The file.

# Every macro value of the spec, for --audience-macros (an empty audience
# still has its file).
MACRO_VALUES = {
    "life_stage": ["unknown", "gen_z", "young_adult", "midlife", "mature", "senior"],
    "market": ["north_america", "emea", "apac", "latam", "other"],
    "business": ["consumer", "unknown_b2b", "smb", "midmarket", "enterprise"],
    "value_band": ["high", "mid", "low", "none"],
}
ALL_SEGMENTS = [
    "young_urban_loyalists", "lapsed_high_value", "at_risk_regulars",
    "email_engaged", "sms_first_youth", "outdoor_enthusiasts", "tech_affluent",
    "luxury_prospects", "bargain_hunters", "london_core", "nyc_metro",
    "new_signups", "dormant", "b2b_growth", "enterprise_champions",
    "senior_offline", "family_focused", "eco_conscious", "vip_at_risk",
    "frequent_small_basket", "apac_mobile", "latam_new_engaged",
    "emea_enterprise_software", "rfm_champions",
]


def run(path, as_of, skip_bad, out, err, writer=None, counts=None):
    """Segment the file at path; returns the exit status."""
    if writer is None:
        writer = Writer("wide", out, None, [], False)
    with open(path, "r", encoding="utf-8-sig", errors="surrogateescape",
              newline="") as f:
        reader = csv.reader(f, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as e:
            err.write("retail_ref: %s: line %d: %s\n" % (path, reader.line_num, e))
            return 1
        if header is None:
            err.write("retail_ref: %s: no header line\n" % path)
            return 1
        if header != COLUMNS:
            err.write("retail_ref: %s: header is not the retail-v1 layout: %r\n"
                      % (path, header))
            return 1
        names = list(ALL_SEGMENTS)
        if writer.aud_macros:
            names += ["%s=%s" % (m, v) for m in MACRO_NAMES for v in MACRO_VALUES[m]]
        writer.open_audiences(names)
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader, None)
            except csv.Error as e:
                err.write("retail_ref: %s: line %d: %s\n" % (path, start, e))
                return 1
            if fields is None:
                break
            try:
                if len(fields) != len(COLUMNS):
                    raise BadRecord("%d fields, expected %d"
                                    % (len(fields), len(COLUMNS)))
                rec = dict(zip(COLUMNS, fields))
                macros, segments = evaluate_parts(rec, as_of)
            except BadRecord as e:
                err.write("retail_ref: %s: line %d: %s\n" % (path, start, e))
                if not skip_bad:
                    return 1
                continue
            writer.record(rec, macros, segments)
            if counts is not None:
                counts.add(macros, segments)
        writer.close()
        return 0


def main(argv):
    ap = argparse.ArgumentParser(
        prog="retail_ref.py",
        description="Reference implementation of workload retail-v1.")
    ap.add_argument("--as-of", default="2026-11-01",
                    help="evaluation date, YYYY-MM-DD (default 2026-11-01)")
    ap.add_argument("--skip-bad", action="store_true",
                    help="report and skip records that cannot be evaluated")
    ap.add_argument("--format", choices=("wide", "long", "jsonl"), default="wide",
                    help="layout of the output (default wide)")
    ap.add_argument("--audiences", metavar="DIR",
                    help="also write DIR/<segment>.csv for every segment")
    ap.add_argument("--audience-columns", default="", metavar="A,B",
                    help="columns of each audience file after the id")
    ap.add_argument("--audience-macros", action="store_true",
                    help="and DIR/<split>=<value>.csv for every macro value")
    ap.add_argument("--counts", metavar="FILE",
                    help="also write the summary.json counts as JSON to FILE")
    ap.add_argument("input", help="customer file in the retail-v1 layout")
    args = ap.parse_args(argv)
    try:
        as_of = parse_date(args.as_of, "--as-of")
    except BadRecord as e:
        ap.error(str(e))
    if as_of is None:
        ap.error("--as-of: empty date")
    out = sys.stdout.buffer
    wanted = set(c for c in args.audience_columns.split(",") if c)
    unknown = wanted - set(COLUMNS)
    if unknown:
        ap.error("--audience-columns: not a retail-v1 column: %s" % sorted(unknown)[0])
    aud_cols = ["customer_id"] + [c for c in COLUMNS if c in wanted and c != "customer_id"]
    writer = Writer(args.format, out, args.audiences, aud_cols, args.audience_macros)
    counts = Counts() if args.counts else None
    status = run(args.input, as_of, args.skip_bad, out, sys.stderr, writer, counts)
    out.flush()
    if counts is not None and status == 0:
        counts.write(args.counts)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
