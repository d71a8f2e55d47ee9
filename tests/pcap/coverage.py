#!/usr/bin/env python3
"""What herkomst learns from each shared capture: how many devices gained a
hostname, a manufacturer from the device's own words (not only its OUI), a
model, firmware, serial or role, and which stayed unidentified. For the notes
and for docs/coverage.md; not a pass/fail test.

usage: coverage.py HERKOMST SHARED_DIR [--markdown]
"""
import csv
import json
import os
import subprocess
import sys


def own_claim(dev, attr):
    """A claim for attr that does not come from the OUI registry."""
    return any(e["attribute"] == attr and not e["source"].startswith("oui.")
               for e in dev["evidence"])


def main():
    exe, shared = sys.argv[1:3]
    markdown = "--markdown" in sys.argv
    with open(os.path.join(shared, "pcaps", "MANIFEST.tsv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    tot = dict(devices=0, hostname=0, manufacturer=0, model=0, firmware=0, serial=0, role=0, oui_only=0,
               nothing=0)
    lines = []
    for row in rows:
        path = os.path.join(shared, "pcaps", row["file"])
        proc = subprocess.run([exe, "analyze", "--no-progress", "--format", "json", path],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            continue
        doc = json.loads(proc.stdout)
        c = dict.fromkeys(tot, 0)
        for d in doc["devices"]:
            c["devices"] += 1
            c["hostname"] += bool(d["hostnames"])
            c["manufacturer"] += own_claim(d, "manufacturer")
            c["model"] += bool(d["model"] or d.get("product"))
            c["firmware"] += bool(d["firmware"])
            c["serial"] += bool(d["serial"])
            c["role"] += bool(d["role"])
            if d["manufacturer"] and not own_claim(d, "manufacturer"):
                c["oui_only"] += 1
            if not d["manufacturer"] and not d["hostnames"] and not d["role"]:
                c["nothing"] += 1
        for k in tot:
            tot[k] += c[k]
        if c["hostname"] or c["manufacturer"] or c["model"] or c["firmware"] or c["serial"]:
            lines.append((row["file"], c))
    hdr = ["capture", "devices", "hostname", "manufacturer*", "model", "firmware", "serial", "role"]
    if markdown:
        print("| " + " | ".join(hdr) + " |")
        print("|" + "---|" * len(hdr))
        for name, c in lines:
            print(f"| {name} | {c['devices']} | {c['hostname']} | {c['manufacturer']} | {c['model']} | "
                  f"{c['firmware']} | {c['serial']} | {c['role']} |")
    else:
        for name, c in lines:
            print(f"{name:60s} dev={c['devices']:3d} host={c['hostname']:3d} mfr={c['manufacturer']:3d} "
                  f"model={c['model']:3d} fw={c['firmware']:3d} serial={c['serial']:3d} role={c['role']:3d}")
    print(f"\nall {len(rows)} captures: {tot['devices']} devices; hostname {tot['hostname']}, "
          f"manufacturer from the device itself* {tot['manufacturer']}, model/product {tot['model']}, "
          f"firmware {tot['firmware']}, serial {tot['serial']}, role {tot['role']}; "
          f"manufacturer from the OUI only {tot['oui_only']}; nothing at all {tot['nothing']}")
    print("* a manufacturer claim whose source is not the IEEE registry (signatures, vendor IDs, "
          "identity objects, SNMP enterprise numbers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
