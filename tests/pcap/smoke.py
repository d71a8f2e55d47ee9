#!/usr/bin/env python3
"""Every capture in ../shared/pcaps through `herkomst analyze`: it must not
crash, must exit 0 (a truncated or partly unsupported capture only warns),
must print valid JSON, and must find devices in every capture that holds
Ethernet, Linux cooked, raw IP or loopback frames.

usage: smoke.py HERKOMST SHARED_DIR
"""
import csv
import json
import os
import subprocess
import sys

# captures where no device can be expected: link types herkomst does not
# decode (ARCNET, BACnet MS/TP, IEEE 802.15.4), and one LLDP frame sent from
# the all-zero MAC
NO_DEVICES_OK = {"libpcap_bacnet-arcnet-linux.pcap", "libpcap_mstp_20140225214217.pcap",
                 "iti_control4-sample.pcap", "tcpdump_lldp-app-priority.pcap"}
UNSUPPORTED_LINK = {"libpcap_bacnet-arcnet-linux.pcap", "libpcap_mstp_20140225214217.pcap",
                    "iti_control4-sample.pcap"}


def main():
    exe, shared = sys.argv[1:3]
    manifest = os.path.join(shared, "pcaps", "MANIFEST.tsv")
    if not os.path.exists(manifest):
        print(f"SKIP: {manifest} is not there")
        return 77
    with open(manifest, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    failed, devices = [], 0
    for row in rows:
        path = os.path.join(shared, "pcaps", row["file"])
        proc = subprocess.run([exe, "analyze", "--no-progress", "--format", "json", path],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            failed.append(f"{row['file']}: exit {proc.returncode}: {proc.stderr.strip()[:300]}")
            continue
        try:
            doc = json.loads(proc.stdout)
        except json.JSONDecodeError as e:
            failed.append(f"{row['file']}: invalid JSON: {e}")
            continue
        n = len(doc["devices"])
        devices += n
        if n == 0 and row["file"] not in NO_DEVICES_OK:
            failed.append(f"{row['file']}: no devices found")
        pk = sum(c["packets"] for c in doc["captures"])
        if row["file"] not in UNSUPPORTED_LINK and pk != int(row["packets"]):
            failed.append(f"{row['file']}: read {pk} packets, MANIFEST.tsv says {row['packets']}")
    print(f"{len(rows)} captures, {devices} devices in all")
    for f in failed:
        print("FAIL:", f)
    print(f"{len(rows) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
