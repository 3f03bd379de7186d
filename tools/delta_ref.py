#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""delta_ref.py -- an independent reference for cleave's --state delta.

Computes, from two of cleave's wide outputs (the previous successful run's
and this run's), who entered, exited and stayed in every micro segment and
every macro value, and which customers are gone or arrived; then checks
cleave's delta files (STATE/delta/*.csv) and summary.json "delta" against
it. Nothing here reads cleave's state file.

  delta_ref.py --prev PREV.csv --prev-summary PREV.json \\
               --cur CUR.csv --cur-summary CUR.json --state DIR [--macros]
  delta_ref.py --cur CUR.csv --cur-summary CUR.json --state DIR --baseline

Keys: a micro segment "name", a macro value "split=value"; the key lists come
from each run's summary.json ("micro", "macro"), so a segment added or
removed between the runs is seen as such. A customer id seen twice in one
output counts once (the first line). Exit 0 when everything matches, 1 with
the differences on stderr.
"""
import argparse
import csv
import json
import os
import sys


def keys_of(summary):
    keys = [(k, "micro") for k in summary["micro"]]
    for split, values in summary["macro"].items():
        keys += [("%s=%s" % (split, v), "value") for v in values]
    return keys


def members(path, delim, dups=None):
    """id -> set of keys, first line of an id wins (dups[0]: lines ignored)."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f, delimiter=delim)
        head = next(r)
        if head and head[0].startswith("\ufeff"):
            head[0] = head[0][1:]
        splits = head[1:-1]
        for row in r:
            cid = row[0]
            if cid in out:
                if dups is not None:
                    dups[0] += 1
                continue
            ks = set("%s=%s" % (s, v) for s, v in zip(splits, row[1:-1]))
            ks |= set(x for x in row[-1].split(";") if x)
            out[cid] = ks
    return out


def read_ids(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        return [row[0] for row in r]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prev")
    ap.add_argument("--prev-summary")
    ap.add_argument("--cur", required=True)
    ap.add_argument("--cur-summary", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--macros", action="store_true", help="delta files per macro value too")
    ap.add_argument("--baseline", action="store_true")
    ap.add_argument("--delimiter", default=",")
    a = ap.parse_args()
    errors = []
    cur_sum = json.load(open(a.cur_summary))
    delta = cur_sum.get("delta")
    ddir = os.path.join(a.state, "delta")
    files = set(os.listdir(ddir)) if os.path.isdir(ddir) else set()
    if delta is None:
        errors.append("summary has no delta")
        delta = {}
    dups = [0]
    cur = members(a.cur, a.delimiter, dups)
    if delta.get("duplicate_ids") != dups[0]:
        errors.append("duplicate_ids: cleave %r, reference %d" % (delta.get("duplicate_ids"), dups[0]))
    if a.baseline:
        if delta.get("baseline") is not True:
            errors.append("baseline expected, summary says %r" % delta.get("baseline"))
        if files:
            errors.append("baseline run left delta files: %s" % sorted(files)[:5])
        if delta.get("customers") != len(cur):
            errors.append("customers %r, reference %d" % (delta.get("customers"), len(cur)))
        return report(errors)
    prev = members(a.prev, a.delimiter)
    prev_sum = json.load(open(a.prev_summary))
    cur_keys, old_keys = keys_of(cur_sum), dict(keys_of(prev_sum))
    removed = [(k, kind) for k, kind in keys_of(prev_sum) if k not in dict(cur_keys)]
    if delta.get("baseline") is not False:
        errors.append("not a baseline, summary says baseline %r" % delta.get("baseline"))
    want = {
        "previous_customers": len(prev),
        "customers": len(cur),
        "gone": len(set(prev) - set(cur)),
        "arrived": len(set(cur) - set(prev)),
    }
    for k, v in want.items():
        if delta.get(k) != v:
            errors.append("%s: cleave %r, reference %d" % (k, delta.get(k), v))
    expect_files = set()
    for key, kind in cur_keys + removed:
        now = set(i for i, ks in cur.items() if key in ks)
        before = set(i for i, ks in prev.items() if key in ks)
        ref = {"entered": now - before, "exited": before - now}
        sect = delta.get("segments" if kind == "micro" else "values", {})
        got = sect.get(key)
        if got is None:
            errors.append("%s: missing from summary delta" % key)
            continue
        counts = {"entered": len(ref["entered"]), "exited": len(ref["exited"]),
                  "stayed": len(now & before), "previous": len(before), "members": len(now),
                  "new": key not in old_keys, "removed": (key, kind) in removed}
        for c, v in counts.items():
            if got.get(c) != v:
                errors.append("%s %s: cleave %r, reference %r" % (key, c, got.get(c), v))
        if kind == "value" and not a.macros:
            continue
        for what in ("entered", "exited"):
            name = "%s.%s.csv" % (key, what)
            expect_files.add(name)
            if name not in files:
                errors.append("missing delta file %s" % name)
                continue
            ids = read_ids(os.path.join(ddir, name))
            if len(ids) != len(set(ids)):
                errors.append("%s lists an id twice" % name)
            if set(ids) != ref[what]:
                extra, lack = set(ids) - ref[what], ref[what] - set(ids)
                errors.append("%s: %d ids too many (%s), %d missing (%s)" % (
                    name, len(extra), sorted(extra)[:3], len(lack), sorted(lack)[:3]))
    for f in sorted(files - expect_files):
        errors.append("unexpected delta file %s" % f)
    return report(errors)


def report(errors):
    for e in errors[:40]:
        print("delta_ref: " + e, file=sys.stderr)
    if len(errors) > 40:
        print("delta_ref: ... %d more" % (len(errors) - 40), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
