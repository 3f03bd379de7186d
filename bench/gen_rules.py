#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen_rules.py -- retail-v1 plus N generated micro segments, for the
rule-count curve of `make bench` (bench/run.sh).

    bench/gen_rules.py --segments N [--seed S] [--base scripts/retail_v1.lua]

Writes to stdout the base rule file followed by N micro segments named
g0001..gNNNN, each the AND of 2 to 4 tests drawn (seeded: the same N and
seed give the same file) from comparisons over the retail columns and the
base file's named values: numbers against thresholds, text and tag sets,
dates as days since, macro values, now and then a NOT. Thresholds are drawn
over each column's range, so a test holds for a few percent to most of the
customers and a segment for a few percent of them, as marketing micro
segments do. 4 macro splits + 24 micro segments of retail-v1 + N: the rule
counts 28, 128, 528 and 2028 of the issue are N = 0, 100, 500, 2000.
"""
import argparse
import random
import sys

COUNTRIES = ["US", "CA", "MX", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "BE", "SE", "PL",
             "ZA", "AE", "JP", "IN", "AU", "SG", "KR", "NZ", "BR", "AR", "CL", "CO"]
TAGS = ["hiking", "camping", "running", "cycling", "tech", "gaming", "fashion", "fast_fashion",
        "beauty", "home", "garden", "cooking", "parenting", "toys", "family_travel", "luxury",
        "discounts", "sustainability", "pets", "music", "books", "sports", "travel", "fitness"]
TIERS = ["urban", "suburban", "rural"]
CHANNELS = ["email", "sms", "push", "none"]
LOYALTY = ["none", "bronze", "silver", "gold", "platinum"]
INDUSTRIES = ["software", "healthcare", "finance", "retail", "manufacturing", "education",
              "logistics", "media", "energy", "government"]
LIFE = ["unknown", "gen_z", "young_adult", "midlife", "mature", "senior"]
MARKETS = ["north_america", "emea", "apac", "latam", "other"]
BANDS = ["high", "mid", "low", "none"]


def lua_set(r, items, lo, hi):
    pick = r.sample(items, r.randint(lo, min(hi, len(items))))
    return "{ " + ", ".join('"%s"' % p for p in pick) + " }"


def test(r):
    k = r.randrange(22)
    if k == 0: return "age:below(%d)" % r.randint(22, 70)
    if k == 1: return "age:at_least(%d)" % r.randint(22, 70)
    if k == 2:
        a = r.randint(18, 70)
        return "age:between(%d, %d)" % (a, a + r.randint(5, 25))
    if k == 3: return "income:at_least(%d)" % (r.randint(2, 20) * 10000)
    if k == 4: return "income:below(%d)" % (r.randint(2, 20) * 10000)
    if k == 5: return "spend:at_least(%d)" % (r.randint(1, 60) * 50)
    if k == 6: return "spend:below(%d)" % (r.randint(1, 60) * 50)
    if k == 7: return "orders:at_least(%d)" % r.randint(1, 20)
    if k == 8: return "opens:at_least(%d)" % r.randint(1, 30)
    if k == 9: return "clicks:at_least(%d)" % r.randint(1, 10)
    if k == 10: return "country:one_of " + lua_set(r, COUNTRIES, 1, 6)
    if k == 11: return 'city_tier:is "%s"' % r.choice(TIERS)
    if k == 12: return 'channel:is "%s"' % r.choice(CHANNELS)
    if k == 13: return "loyalty:one_of " + lua_set(r, LOYALTY, 1, 3)
    if k == 14: return 'interests:has "%s"' % r.choice(TAGS)
    if k == 15: return "interests:has_any " + lua_set(r, TAGS, 2, 5)
    if k == 16: return "days_since_purchase:above(%d)" % r.randint(10, 400)
    if k == 17: return "days_since_signup:at_most(%d)" % r.randint(30, 1500)
    if k == 18: return "industry:one_of " + lua_set(r, INDUSTRIES, 1, 3)
    if k == 19: return 'life_stage:is "%s"' % r.choice(LIFE)
    if k == 20: return "market:one_of " + lua_set(r, MARKETS, 1, 2)
    return 'NOT(interests:has "%s")' % r.choice(TAGS)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--segments", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base", default="scripts/retail_v1.lua")
    a = ap.parse_args()
    if a.segments < 0:
        ap.error("--segments must be at least 0")
    r = random.Random(a.seed)
    out = sys.stdout
    with open(a.base, encoding="utf-8") as f:
        out.write(f.read())
    out.write("\n-- %d generated micro segments (bench/gen_rules.py --segments %d --seed %d)\n"
              % (a.segments, a.segments, a.seed))
    for i in range(1, a.segments + 1):
        tests = [test(r) for _ in range(r.randint(2, 4))]
        out.write('micro "g%04d" { %s }\n' % (i, ", ".join(tests)))


if __name__ == "__main__":
    main()
