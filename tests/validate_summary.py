#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""validate_summary.py -- check summary.json files against
docs/summary.schema.json (Debian's python3-jsonschema) and against the
sums the counts must satisfy.

Usage: validate_summary.py FILE...   (or --find DIR...: every *.json under
each DIR that holds "schema_version", as cleave's summaries do)

Exit 0: all valid (prints "N summaries valid"); 1: one is not (each problem
on a line); 2: cannot check (jsonschema missing: prints "skip: ...").
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "docs", "summary.schema.json")


def sums(d):
    """The arithmetic a valid summary of a successful run satisfies."""
    bad = []
    if d.get("status") != "ok":
        if "rows_read" in d and d["rows_read"] != d["rows_written"] + d["rows_rejected"]:
            bad.append("rows_read != rows_written + rows_rejected")
        return bad
    if d["rows_read"] != d["rows_written"] + d["rows_rejected"]:
        bad.append("rows_read != rows_written + rows_rejected")
    if sum(d["rejects_by_reason"].values()) != d["rows_rejected"]:
        bad.append("rejects_by_reason does not add up to rows_rejected")
    for m, vals in d["macro"].items():
        if sum(vals.values()) != d["rows_written"]:
            bad.append("macro %s does not add up to rows_written" % m)
    counted = d["detail_micros"]["counted"]
    if counted + d["detail_micros"]["omitted"] != len(d["micro"]):
        bad.append("detail_micros does not add up to the micro segments")
    names = list(d["micro"])[:counted]
    for m, vals in d["cross"].items():
        if set(vals) != set(d["macro"].get(m, {})):
            bad.append("cross %s: values differ from macro %s" % (m, m))
        for k in names:
            if sum(v.get(k, 0) for v in vals.values()) != d["micro"][k]:
                bad.append("cross %s: %s does not add up to its size" % (m, k))
    order = {k: i for i, k in enumerate(names)}
    for a, b, n in d["overlap"]:
        if a not in order or b not in order or order[a] >= order[b]:
            bad.append("overlap [%s, %s]: not a counted pair in rule order" % (a, b))
        elif n > min(d["micro"][a], d["micro"][b]):
            bad.append("overlap [%s, %s]: %d is more than a segment's size" % (a, b, n))
    bad += delta_sums(d)
    bad += plugin_sums(d)
    return bad


def plugin_sums(d):
    """plugin_failures: count <= present, first exactly when count > 0; the
    counts are part of invalid_values, and of invalid_values_by_column for
    their column."""
    bad = []
    by = {}
    total = 0
    for f in d["plugin_failures"]:
        if f["count"] > f["present"]:
            bad.append("plugin_failures %s: count > present" % f["call"])
        if (f["first"] is None) != (f["count"] == 0):
            bad.append("plugin_failures %s: first and count disagree" % f["call"])
        total += f["count"]
        if f["column"] is not None:
            by[f["column"]] = by.get(f["column"], 0) + f["count"]
    if total > d["invalid_values"]:
        bad.append("plugin_failures add up to more than invalid_values")
    for c, n in by.items():
        if n > d["invalid_values_by_column"].get(c, 0):
            bad.append("plugin_failures on %s: more than invalid_values_by_column" % c)
    return bad


def delta_sums(d):
    """--state (docs/state.md): stayed + exited = previous, stayed + entered =
    members; without repeated ids every key's members are its size."""
    bad = []
    delta = d.get("delta")
    if not delta:
        return bad
    sizes = dict(d["micro"])
    for m, vals in d["macro"].items():
        sizes.update(("%s=%s" % (m, v), n) for v, n in vals.items())
    for sect in ("segments", "values"):
        for k, c in delta[sect].items():
            if not delta["baseline"]:
                if c["stayed"] + c["exited"] != c["previous"]:
                    bad.append("delta %s: stayed + exited != previous" % k)
                if c["stayed"] + c["entered"] != c["members"]:
                    bad.append("delta %s: stayed + entered != members" % k)
            if delta["duplicate_ids"] == 0 and c["members"] != sizes.get(k, 0):
                bad.append("delta %s: members %d, size %d" % (k, c["members"], sizes.get(k, 0)))
    if delta["duplicate_ids"] == 0 and delta["customers"] != d["rows_written"]:
        bad.append("delta customers != rows_written (no repeated id)")
    return bad


def find(dirs):
    out = []
    for top in dirs:
        for base, _, files in os.walk(top):
            for f in sorted(files):
                p = os.path.join(base, f)
                if not f.endswith(".json") or os.path.islink(p):
                    continue
                try:
                    with open(p, "rb") as fh:
                        if b'"schema_version"' in fh.read(200):
                            out.append(p)
                except OSError:
                    pass
    return out


def main(argv):
    try:
        import jsonschema
    except ImportError:
        print("skip: python3-jsonschema is not installed")
        return 2
    files = find(argv[1:]) if argv and argv[0] == "--find" else argv
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    v = jsonschema.Draft202012Validator(schema)
    bad = 0
    for p in files:
        try:
            with open(p, encoding="utf-8") as f:
                d = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: not JSON: %s" % (p, e))
            bad += 1
            continue
        errs = ["%s: %s" % ("/".join(map(str, e.absolute_path)) or "(top)", e.message)
                for e in v.iter_errors(d)]
        if not errs:
            errs = sums(d)
        for e in errs[:5]:
            print("%s: %s" % (p, e))
        bad += bool(errs)
    if bad:
        return 1
    print("%d summaries valid" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
