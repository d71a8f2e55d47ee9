#!/usr/bin/env python3
"""One pcap regression case: capture in, canonical JSON out, diffed against
an expected file. With HERKOMST_REGEN=1 the expected file is (re)written
instead; read `git diff tests/pcap/expected` before committing it.

usage: run_case.py HERKOMST CAPTURE EXPECTED.json
Exit 77 (skip) when the capture is not there (no ../shared beside the clone).
"""
import difflib
import json
import os
import subprocess
import sys


def canonical(doc):
    # the path depends on where the clone lives; the version on the release
    doc["herkomst"] = "VERSION"
    for c in doc.get("captures", []):
        c.pop("path", None)
    if isinstance(doc.get("policy"), dict):
        doc["policy"].pop("path", None)
    return json.dumps(doc, indent=1, sort_keys=False, ensure_ascii=True) + "\n"


def main():
    exe, capture, expected = sys.argv[1:4]
    if not os.path.exists(capture):
        print(f"SKIP: {capture} is not there (the shared captures live in ../shared/pcaps beside the clone)")
        return 77
    proc = subprocess.run([exe, "analyze", "--no-progress", "--format", "json", capture],
                          capture_output=True, text=True, check=False)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        print(f"FAIL: herkomst analyze exited {proc.returncode}")
        return 1
    got = canonical(json.loads(proc.stdout))
    if os.environ.get("HERKOMST_REGEN") == "1":
        with open(expected, "w", encoding="ascii") as f:
            f.write(got)
        print(f"wrote {expected}")
        return 0
    if not os.path.exists(expected):
        print(f"FAIL: no expected file {expected}; create it with HERKOMST_REGEN=1 and read it")
        return 1
    with open(expected, encoding="ascii") as f:
        want = f.read()
    if got == want:
        return 0
    sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                               expected, "herkomst analyze", n=3))
    print("FAIL: output differs from the expected file (HERKOMST_REGEN=1 rewrites it; read the diff first)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
