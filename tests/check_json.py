#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Validate the JSON the test suites captured (tests/testlib.c, capture_json).

check_json.py SCHEMA_DIR CAPTURE_DIR: every captured stdout and stderr of
goattach and goanalyze is read as strict UTF-8, then each line starting with
'{' or '[' as one JSON record (JSON Lines: goattach --json, its errors), or,
when such a line is no whole value, the stream as one JSON document (the
pretty-printed output of goanalyze report, manifest, diff). Each record is
validated against the schema of its kind, told by its keys. Prints one line
per failure (file, line, test, error) and the counts; exits 1 on any
failure or when nothing was validated.
"""
import collections
import glob
import json
import os
import sys

import jsonschema

# the kind of a record by its keys: schema file; the first that matches wins
KINDS = [
    (lambda r: isinstance(r, dict) and "error" in r, "error.schema.json"),
    (lambda r: isinstance(r, dict) and "stats" in r, "stats.schema.json"),
    (lambda r: isinstance(r, dict) and "hist" in r, "hist.schema.json"),
    (lambda r: isinstance(r, dict) and "func" in r and "args" in r, "trace-event.schema.json"),
    (lambda r: isinstance(r, dict) and "manifest_version" in r, "manifest.schema.json"),
    (lambda r: isinstance(r, dict) and "binary" in r and "functions" in r, "report.schema.json"),
    (lambda r: isinstance(r, dict) and "added" in r and "removed" in r, "diff.schema.json"),
]


def load_validators(schema_dir):
    vals = {}
    for _, name in KINDS:
        with open(os.path.join(schema_dir, name), "rb") as f:
            schema = json.loads(f.read().decode("utf-8", "strict"))
        # the files' $id are relative ("goattach/schema/..."): refs resolve against an absolute one
        schema["$id"] = "urn:goattach:schema:" + name
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        vals[name] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return vals


def json_start(line):
    """Could the line start a JSON value? '{', or '[' not followed by a space
    (a kernel's console line in a VM's output is "[    0.123456] ...")."""
    return line.startswith("{") or (line.startswith("[") and not line.startswith("[ "))


def records(text):
    """(line number, value) of each JSON record of a stream, or raise ValueError(line, why)."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines, 1):
        if not json_start(line):
            continue
        try:
            out.append((i, json.loads(line)))
        except ValueError as e:
            if out:
                # JSON Lines so far: this line is the bad one
                raise ValueError(i, str(e)) from e
            break
    else:
        return out
    # one document over several lines: all of the stream, with nothing around it
    try:
        return [(1, json.loads(text))]
    except ValueError as e:
        raise ValueError(getattr(e, "lineno", 0), str(e)) from e


def strict_json(value):
    """No NaN, Infinity or lone surrogates: what every parser takes."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ValueError("not a JSON number: %r" % value)
    if isinstance(value, str):
        value.encode("utf-8", "strict")
    elif isinstance(value, dict):
        for k, v in value.items():
            strict_json(k)
            strict_json(v)
    elif isinstance(value, list):
        for v in value:
            strict_json(v)


def main():
    schema_dir, cap_dir = sys.argv[1], sys.argv[2]
    vals = load_validators(schema_dir)
    counts = collections.Counter()
    failures = 0
    files = 0
    for cmd_file in sorted(glob.glob(os.path.join(cap_dir, "*.cmd"))):
        base = cmd_file[:-4]
        with open(cmd_file, encoding="utf-8", errors="replace") as f:
            meta = f.read().split("\n")
        where = "%s %s: %s" % (meta[0], meta[1], meta[2][:200])
        for ext in ("out", "err"):
            path = "%s.%s" % (base, ext)
            if not os.path.exists(path):
                continue
            files += 1
            with open(path, "rb") as f:
                raw = f.read()
            try:
                text = raw.decode("utf-8", "strict")
            except UnicodeDecodeError as e:
                line = raw[: e.start].count(b"\n") + 1
                print("%s:%d: not UTF-8 (%s) [%s]" % (path, line, e.reason, where))
                failures += 1
                continue
            try:
                recs = records(text)
            except ValueError as e:
                print("%s:%s: not JSON: %s [%s]" % (path, e.args[0], e.args[1], where))
                failures += 1
                continue
            for line, rec in recs:
                name = next((n for match, n in KINDS if match(rec)), None)
                if not name:
                    print("%s:%d: no schema for this record: %.200s [%s]" % (path, line, json.dumps(rec), where))
                    failures += 1
                    continue
                err = None
                try:
                    strict_json(rec)
                except (ValueError, UnicodeEncodeError) as e:
                    err = str(e)
                if not err:
                    best = jsonschema.exceptions.best_match(vals[name].iter_errors(rec))
                    if best:
                        err = "%s at /%s" % (best.message[:300], "/".join(map(str, best.absolute_path)))
                if err:
                    print("%s:%d: invalid against %s: %s [%s]" % (path, line, name, err, where))
                    failures += 1
                    continue
                counts[name] += 1
    total = sum(counts.values())
    print("validated %d records from %d captured streams: %s" % (
        total, files, ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items())) or "none"))
    if failures:
        print("%d invalid" % failures)
    if not total:
        print("nothing validated in %s" % cap_dir)
    return 1 if failures or not total else 0


if __name__ == "__main__":
    sys.exit(main())
