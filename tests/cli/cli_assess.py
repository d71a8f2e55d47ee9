#!/usr/bin/env python3
"""End-to-end tests of the assessment (docs/assessment.md): herkomst annotate
and its round trip through the database, annotations that survive
re-analysis, --policy with an operator's file, a bad policy file, and the
JSON, CSV and table fields of herkomst analyze as docs/json.md documents
them.

usage: cli_assess.py HERKOMST [CASE...]   run the cases (all when none given)
       cli_assess.py --list               print the case names (meson reads it)

The sample plant capture (tests/gen, $HERKOMST_BUILD_DIR/tests/gen/plant.pcap)
is the input. Ownership, policy and geolocation data are written here, into
a copy of the source signatures, so that the cases test the rules and the
commands, not the shipped data (its own tests do). Exit status: 1 if a case
failed, 77 (skip) if every case was skipped, else 0.
"""
import csv
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402  (tests/casekit.py: the runner, Fail, Skip, expect)
from casekit import Fail, Skip, expect  # noqa: E402

TIMEOUT = 120

CAMERA_IP, CAMERA_MAC = "10.10.1.50", "bc:ad:28:5e:90:3b"
PLC_IP, HMI_IP = "10.10.1.10", "10.10.1.20"

COMPANIES = """id\tname\thq\tparent\tcontrol_country\tcontroller\tstate\tstate_share\tas_of\treference
hikvision\tHangzhou Hikvision Digital Technology Co., Ltd.\tCN\tcetc\tCN\tCETC via CETHIK Group (SASAC)\tcontrolled\t36.4\t2024-06-30\tcli test: Hikvision annual report 2023
cetc\tChina Electronics Technology Group Corporation\tCN\t-\tCN\tSASAC\tcontrolled\t100\t2024-06-30\tcli test: SASAC list
siemens\tSiemens AG\tDE\t-\tDE\twidely held\tnone\t-\t2024-09-30\tcli test: Siemens annual report 2024
beckhoff\tBeckhoff Automation GmbH & Co. KG\tDE\t-\tDE\tBeckhoff family\tnone\t-\t2024-01-01\tcli test: register
fortinet\tFortinet, Inc.\tUS\t-\tUS\twidely held\tnone\t-\t2024-01-01\tcli test: 10-K
belden\tBelden Inc.\tUS\t-\tUS\twidely held\tnone\t-\t2024-01-01\tcli test: 10-K
hirschmann\tHirschmann Automation and Control GmbH\tDE\tbelden\tUS\tBelden Inc.\tnone\t-\t2024-01-01\tcli test: Belden 10-K
dell\tDell Technologies Inc.\tUS\t-\tUS\tMichael Dell\tnone\t-\t2024-01-01\tcli test: 10-K
"""

ALIASES = """alias\tmatch\tcompany\treference
Hikvision\tprefix\thikvision\tcli test
Hangzhou Hikvision Digital Technology\tprefix\thikvision\tcli test
Siemens\tprefix\tsiemens\tcli test
Beckhoff\tprefix\tbeckhoff\tcli test
Fortinet\tprefix\tfortinet\tcli test
Hirschmann\tprefix\thirschmann\tcli test
Dell\tprefix\tdell\tcli test
"""

DEFAULT_POLICY = """# policy: cli test default
# as-of: 2026-01-01
country\tcriterion\treference
CN\t1\tcli test: National Intelligence Law (2017) art. 7, 14
CN\t2\tcli test: Dreigingsbeeld Statelijke Actoren 2 (2022)
RU\t1\tcli test: 374-FZ
RU\t2\tcli test: Dreigingsbeeld Statelijke Actoren 2 (2022)
"""

# an operator who lists only RU: the camera keeps criterion 1 by state ownership
OPERATOR_POLICY = """# policy: operator without CN
# as-of: 2026-02-01
country\tcriterion\treference
RU\t1\toperator: 374-FZ
RU\t2\toperator: own assessment
"""

# 162.159.0.0/16 (the plant's NTP server) in the United States
GEOIP4 = """# cli test data
2728329216,2728394751,US
"""
GEOIP6 = """# cli test data
2001:db8::,2001:db8::ffff,NL
"""

CSV_BASE = ["id", "mac", "mac_local", "ips", "hostnames", "manufacturer", "model", "firmware",
            "serial", "role", "oui_prefix", "oui_registry", "oui_registrant", "oui_country",
            "oui_status", "via", "protocols", "first_seen", "last_seen", "packets", "bytes"]


def expect_exit(got, want, what, err):
    expect(got == want, f"{what}: exit {got}, want {want}; stderr: {err.strip()[-600:]!r}")


def expect_in(needle, hay, what):
    expect(needle in hay, f"{what}: {needle!r} not in {hay.strip()[-800:]!r}")


def write(path, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)
    return path


class Ctx:
    def __init__(self, exe, tmp):
        self.exe = exe
        self.tmp = tmp
        self.sigdir = self.make_sigdir()
        geo = self.path("geoip")
        os.mkdir(geo)
        write(os.path.join(geo, "geoip"), GEOIP4)
        write(os.path.join(geo, "geoip6"), GEOIP6)
        self.env = dict(os.environ)
        self.env.pop("HERKOMST_POLICY", None)
        self.env["HERKOMST_GEOIP_DIR"] = geo
        self.env["HERKOMST_SIGDIR"] = self.sigdir

    def path(self, name):
        return os.path.join(self.tmp, name)

    def make_sigdir(self):
        src = os.environ.get("HERKOMST_SOURCE_DIR")
        if not src:
            raise Skip("HERKOMST_SOURCE_DIR is not set (run through meson test)")
        dst = self.path("signatures")
        shutil.copytree(os.path.join(src, "signatures"), dst)
        for sub in ("ownership", "policy"):
            shutil.rmtree(os.path.join(dst, sub), ignore_errors=True)
            os.mkdir(os.path.join(dst, sub))
        write(os.path.join(dst, "ownership", "companies.tsv"), COMPANIES)
        write(os.path.join(dst, "ownership", "aliases.tsv"), ALIASES)
        write(os.path.join(dst, "policy", "default.tsv"), DEFAULT_POLICY)
        return dst

    def run(self, *args, input_bytes=None):
        argv = [self.exe] + list(args)
        proc = subprocess.run(argv, input=input_bytes, stdin=None if input_bytes else subprocess.DEVNULL,
                              capture_output=True, timeout=TIMEOUT, check=False, env=self.env)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        if proc.returncode < 0:
            raise Fail(f"{' '.join(argv)} died of signal {-proc.returncode}; stderr: {err[-500:]}")
        return proc.returncode, out, err

    def analyze(self, *args):
        return self.run("analyze", "--no-progress", *args)

    def analyze_json(self, *args):
        rc, out, err = self.analyze("--format", "json", *args)
        expect_exit(rc, 0, f"analyze {' '.join(args)}", err)
        try:
            return json.loads(out), err
        except json.JSONDecodeError as e:
            raise Fail(f"analyze {' '.join(args)}: output is not JSON ({e}): {out[:200]!r}") from e

    def annotate(self, *args):
        return self.run("annotate", *args)


def plant():
    build = os.environ.get("HERKOMST_BUILD_DIR")
    if not build:
        raise Skip("HERKOMST_BUILD_DIR is not set (run through meson test)")
    path = os.path.join(build, "tests", "gen", "plant.pcap")
    if not os.path.isfile(path):
        raise Skip(f"{path} is not there (ninja builds it)")
    return path


def arp_pcap(pairs, t0=1709251200):
    """A pcap of ARP announcements, one per (mac hex, IPv4 text) pair."""
    frames = []
    for mac, ip in pairs:
        sha = bytes.fromhex(mac)
        spa = bytes(int(x) for x in ip.split("."))
        frames.append(b"\xff" * 6 + sha + b"\x08\x06" + struct.pack(">HHBBH", 1, 0x0800, 6, 4, 2)
                      + sha + spa + bytes(6) + spa + bytes(18))
    return casekit.pcap_bytes(frames, t0)


def device(doc, ip=None, mac=None):
    for d in doc["devices"]:
        if (ip and ip in d["ips"]) or (mac and d["mac"] == mac):
            return d
    raise Fail(f"no device {ip or mac} in the output: {[(d['mac'], d['ips']) for d in doc['devices']]}")


# --- the cases ----------------------------------------------------------------


def case_verdicts(c):
    """The plant with the test data: the Hikvision camera is FLAGGED with the
    evidence of every criterion; the Siemens PLC is partial:3A; an IP-only
    remote host is unknown, never clear; the table and CSV agree."""
    cap = plant()
    doc, _ = c.analyze_json(cap)
    cam = device(doc, ip=CAMERA_IP)
    expect(cam["verdict"] == "flagged" and cam["flagged"] is True, f"camera verdict {cam['verdict']}")
    o = cam["origin"]
    expect(o["company_id"] == "hikvision" and o["control_country"] == "CN", f"camera origin {o}")
    expect(o["controller"] == "SASAC" and o["state"] == "controlled", f"camera control {o}")
    expect(o["basis"].endswith("-> hikvision -> cetc"), f"camera basis {o['basis']!r}")
    cr = cam["criteria"]
    expect(cr["1"]["evidence"] == [
        'control country CN is on the criterion-1 list of policy "cli test default": cli test: National '
        'Intelligence Law (2017) art. 7, 14',
        "state-owned: controlled, 36.4 % (hikvision, as of 2024-06-30): cli test: Hikvision annual report 2023"],
        f"camera criterion 1 {cr['1']}")
    expect(cr["2"]["holds"] and cr["3A"]["holds"] and not cr["3B"]["holds"], f"camera criteria {cr}")
    expect(any(x.startswith("role camera (") for x in cr["3A"]["evidence"]), f"camera 3A {cr['3A']}")
    expect(cr["3B"]["evidence"] == ["no mitigation recorded"], f"camera 3B {cr['3B']}")

    plc = device(doc, ip=PLC_IP)
    expect(plc["verdict"] == "partial", f"PLC verdict {plc['verdict']}")
    expect(plc["origin"]["control_country"] == "DE", f"PLC origin {plc['origin']}")
    ev = plc["criteria"]["3A"]["evidence"]
    expect(any(x.startswith("role plc (") for x in ev), f"PLC 3A {ev}")
    expect("serves tcp/502/Modbus (ndpi, 80)" in ev and "serves tcp/102/s7comm (ndpi, 80)" in ev, f"PLC 3A {ev}")
    # geolocation from HERKOMST_GEOIP_DIR
    expect("external peer out 162.159.200.1 (US) udp/123 NTP (flow.peer, 50)" in ev, f"PLC 3A {ev}")
    hmi = device(doc, ip=HMI_IP)
    expect("uses Modbus (ndpi, 80)" in hmi["criteria"]["3A"]["evidence"], f"HMI 3A {hmi['criteria']['3A']}")

    remote = [d for d in doc["devices"] if d["mac"] is None]
    expect(remote, "no IP-only devices in the plant")
    for d in remote:
        expect(d["verdict"] == "unknown" and d["origin"] is None, f"remote {d['ips']}: {d['verdict']}")
    a = doc["assessment"]
    expect(a["flagged"] == 1, f"assessment {a}")
    expect(a["devices"] == len(doc["devices"]), f"assessment {a}")
    expect(a["flagged"] + a["partial"] + a["clear"] + a["unknown"] == a["devices"], f"assessment {a}")
    expect(doc["policy"]["name"] == "cli test default", f"policy {doc['policy']}")

    rc, out, err = c.analyze(cap)
    expect_exit(rc, 0, "analyze (table)", err)
    lines = out.splitlines()
    expect(lines[0].split()[-2:] == ["ORIGIN", "FLAG"], f"table header {lines[0]!r}")
    row = [x for x in lines if CAMERA_IP in x]
    expect(row and row[0].split()[-2:] == ["CN", "FLAGGED"], f"camera row {row}")
    row = [x for x in lines if PLC_IP in x]
    expect(row and row[0].split()[-2:] == ["DE", "partial:3A"], f"PLC row {row}")
    expect_in(f"assessment: 1 flagged, {a['partial']} partial", out, "table footer")
    expect_in(f"{a['unknown']} unknown origin", out, "table footer")

    rc, out, err = c.analyze("--format", "csv", cap)
    expect_exit(rc, 0, "analyze --format csv", err)
    rows = list(csv.reader(io.StringIO(out, newline="")))
    expect(rows[0] == CSV_BASE + ["origin", "flag"], f"CSV header {rows[0]}")
    by_ip = {r[3]: r for r in rows[1:]}
    expect(by_ip[CAMERA_IP][-2:] == ["CN", "FLAGGED"], f"camera CSV row {by_ip.get(CAMERA_IP)}")
    for d, r in zip(doc["devices"], rows[1:]):
        expect(r[-1] == {"unknown": "?", "clear": "-", "flagged": "FLAGGED"}.get(d["verdict"], r[-1]),
               f"CSV flag {r[-1]} for verdict {d['verdict']}")


def case_json_fields(c):
    """Every device carries origin, criteria, verdict, flagged and
    annotations typed as docs/json.md says; the top level policy and
    assessment."""
    doc, _ = c.analyze_json(plant())
    str_or_none = (str, type(None))
    for d in doc["devices"]:
        for k in ("origin", "criteria", "verdict", "flagged", "annotations"):
            expect(k in d, f"device {d['id']} has no {k!r}")
        expect(list(d)[-5:] == ["origin", "criteria", "verdict", "flagged", "annotations"],
               f"device {d['id']}: the new fields do not follow the old ones: {list(d)}")
        expect(d["verdict"] in ("unknown", "clear", "partial", "flagged"), f"verdict {d['verdict']!r}")
        expect(isinstance(d["flagged"], bool) and d["flagged"] == (d["verdict"] == "flagged"),
               f"flagged {d['flagged']!r}")
        expect(isinstance(d["annotations"], dict), f"annotations {d['annotations']!r}")
        expect(sorted(d["criteria"]) == ["1", "2", "3A", "3B"], f"criteria keys {sorted(d['criteria'])}")
        for name, cr in d["criteria"].items():
            expect(isinstance(cr["holds"], bool), f"criterion {name} holds {cr['holds']!r}")
            expect(isinstance(cr["evidence"], list) and all(isinstance(x, str) for x in cr["evidence"]),
                   f"criterion {name} evidence {cr['evidence']!r}")
            expect(0 < len(cr["evidence"]) <= 16, f"criterion {name}: {len(cr['evidence'])} lines")
        o = d["origin"]
        if d["verdict"] == "unknown":
            expect(o is None, f"device {d['id']}: unknown verdict with origin {o}")
            continue
        expect(isinstance(o, dict), f"device {d['id']}: origin {o!r}")
        for k in ("manufacturer", "manufacturer_source", "company", "company_id", "controller",
                  "control_country", "hq_country", "state", "state_share", "as_of", "basis"):
            expect(k in o, f"origin has no {k!r}: {o}")
        for k in ("company", "company_id", "control_country", "state", "basis"):
            expect(isinstance(o[k], str) and o[k], f"origin.{k} {o[k]!r}")
        for k in ("manufacturer", "manufacturer_source", "controller", "hq_country", "as_of"):
            expect(isinstance(o[k], str_or_none), f"origin.{k} {o[k]!r}")
        expect(len(o["control_country"]) == 2, f"control_country {o['control_country']!r}")
        expect(o["state"] in ("none", "linked-via-parent", "minority", "controlled"), f"state {o['state']!r}")
        expect(o["state_share"] is None or isinstance(o["state_share"], (int, float)),
               f"state_share {o['state_share']!r}")
    p = doc["policy"]
    expect(isinstance(p, dict) and all(isinstance(p[k], str) for k in ("name", "as_of", "path")), f"policy {p}")
    expect(p["path"] == os.path.join(c.sigdir, "policy", "default.tsv"), f"policy path {p['path']}")
    a = doc["assessment"]
    for k in ("devices", "flagged", "partial", "clear", "unknown", "mitigated"):
        expect(isinstance(a[k], int) and not isinstance(a[k], bool), f"assessment.{k} {a[k]!r}")
    expect(isinstance(a["geoip"], str_or_none), f"assessment.geoip {a['geoip']!r}")


def case_annotate_roundtrip(c):
    """annotate by IP, MAC and id; printing; replacing; --clear; and the
    JSON of analyze shows what the database holds."""
    db = c.path("site.sqlite")
    doc, _ = c.analyze_json("--db", db, plant())
    cam = device(doc, ip=CAMERA_IP)
    expect(cam["annotations"] == {}, f"annotations before any: {cam['annotations']}")

    rc, out, err = c.annotate("--db", db, CAMERA_IP, "--mitigation", "camera VLAN 30, no route out")
    expect_exit(rc, 0, "annotate --mitigation by IP", err)
    expect_in(f"device {cam['id']} (mac:{CAMERA_MAC})", out, "annotate output")
    expect_in("camera VLAN 30, no route out", out, "annotate output")
    rc, out, err = c.annotate("--db", db, CAMERA_MAC.upper(), "--note", "sold as BrandX")
    expect_exit(rc, 0, "annotate --note by MAC", err)
    rc, out, err = c.annotate("--db", db, str(cam["id"]), "--owner", "hikvision")
    expect_exit(rc, 0, "annotate --owner by id", err)
    rc, out, err = c.annotate("--db", db, f"mac:{CAMERA_MAC}")
    expect_exit(rc, 0, "annotate by key, printing only", err)
    for needle in ("mitigation", "note", "owner", "sold as BrandX", "hikvision", "[sufficient]"):
        expect_in(needle, out, "annotate printing")

    con = sqlite3.connect(db)
    rows = con.execute("SELECT device_key, kind, value, sufficient FROM annotations ORDER BY kind").fetchall()
    con.close()
    expect(rows == [(f"mac:{CAMERA_MAC}", "mitigation", "camera VLAN 30, no route out", 1),
                    (f"mac:{CAMERA_MAC}", "note", "sold as BrandX", None),
                    (f"mac:{CAMERA_MAC}", "owner", "hikvision", None)], f"annotations table {rows}")

    doc, _ = c.analyze_json("--db", db, plant(), "--force")
    cam = device(doc, ip=CAMERA_IP)
    ann = cam["annotations"]
    expect(sorted(ann) == ["mitigation", "note", "owner"], f"annotations {ann}")
    expect(ann["mitigation"]["value"] == "camera VLAN 30, no route out" and ann["mitigation"]["sufficient"] is True,
           f"mitigation {ann['mitigation']}")
    expect("sufficient" not in ann["note"] and isinstance(ann["note"]["created_at"], str), f"note {ann['note']}")
    expect(cam["verdict"] == "partial" and cam["criteria"]["3B"]["holds"], f"mitigated camera {cam['verdict']}")
    expect(cam["origin"]["manufacturer_source"] == "annotation", f"owner override {cam['origin']}")
    expect(doc["assessment"]["mitigated"] == 1, f"assessment {doc['assessment']}")

    # an insufficient mitigation keeps it flagged; --clear removes one kind
    rc, _, err = c.annotate("--db", db, CAMERA_IP, "--mitigation", "planned", "--insufficient", "--clear", "note")
    expect_exit(rc, 0, "annotate --insufficient --clear note", err)
    doc, _ = c.analyze_json("--db", db, plant(), "--force")
    cam = device(doc, ip=CAMERA_IP)
    expect(sorted(cam["annotations"]) == ["mitigation", "owner"], f"after --clear note: {cam['annotations']}")
    expect(cam["annotations"]["mitigation"]["sufficient"] is False, f"{cam['annotations']['mitigation']}")
    expect(cam["verdict"] == "flagged", f"insufficient mitigation: verdict {cam['verdict']}")
    expect(cam["criteria"]["3B"]["evidence"] == ["mitigation recorded (not sufficient): planned"],
           f"3B {cam['criteria']['3B']}")
    rc, out, err = c.annotate("--db", db, CAMERA_IP, "--clear", "all")
    expect_exit(rc, 0, "annotate --clear all", err)
    expect_in("no annotations", out, "annotate --clear all")


def case_annotate_persists(c):
    """analyze, annotate, analyze another capture into the same database:
    the annotation is still there and the verdict changed accordingly."""
    db = c.path("site.sqlite")
    doc, _ = c.analyze_json("--db", db, plant())
    expect(device(doc, ip=CAMERA_IP)["verdict"] == "flagged", "camera not flagged before the mitigation")
    rc, _, err = c.annotate("--db", db, CAMERA_IP, "--mitigation", "own VLAN, firewall denies all")
    expect_exit(rc, 0, "annotate", err)
    other = write(c.path("other.pcap"), arp_pcap([("001b1b000001", "10.20.0.1")]))
    doc, _ = c.analyze_json("--db", db, other)
    expect([x["file"] for x in doc["captures"]] == ["plant.pcap", "other.pcap"], f"captures {doc['captures']}")
    cam = device(doc, ip=CAMERA_IP)
    expect(cam["annotations"]["mitigation"]["value"] == "own VLAN, firewall denies all",
           f"annotation after re-analysis: {cam['annotations']}")
    expect(cam["verdict"] == "partial" and not cam["flagged"], f"verdict after re-analysis {cam['verdict']}")
    expect(device(doc, ip="10.20.0.1")["annotations"] == {}, "the new device has annotations")


def case_annotate_errors(c):
    """Unknown and ambiguous devices are errors naming them; usage errors
    exit 2; a missing database is not created; --owner must name a company."""
    db = c.path("site.sqlite")
    # 10.30.0.1 claimed by two MACs in two captures: two devices own it
    a = write(c.path("a.pcap"), arp_pcap([("001b1b000001", "10.30.0.1")]))
    b = write(c.path("b.pcap"), arp_pcap([("000e8c000002", "10.30.0.1")], t0=1709260000))
    c.analyze_json("--db", db, a)
    c.analyze_json("--db", db, b)
    rc, _, err = c.annotate("--db", db, "10.30.0.1", "--note", "x")
    expect_exit(rc, 1, "ambiguous address", err)
    expect_in("10.30.0.1 is ambiguous", err, "stderr")
    expect_in("mac:00:1b:1b:00:00:01", err, "stderr")
    expect_in("mac:00:0e:8c:00:00:02", err, "stderr")
    rc, out, err = c.annotate("--db", db, "00:1b:1b:00:00:01", "--note", "x")
    expect_exit(rc, 0, "the same device by its MAC", err)

    for dev in ("10.99.0.1", "02:00:00:00:00:99", "4711"):
        rc, _, err = c.annotate("--db", db, dev, "--note", "x")
        expect_exit(rc, 1, f"unknown device {dev}", err)
        expect_in(dev, err, "stderr")

    rc, _, err = c.annotate("--db", db, "00:1b:1b:00:00:01", "--owner", "no-such-company")
    expect_exit(rc, 1, "--owner of an unknown company", err)
    expect_in("no-such-company", err, "stderr")

    missing = c.path("missing.sqlite")
    rc, _, err = c.annotate("--db", missing, "10.30.0.1", "--note", "x")
    expect_exit(rc, 1, "missing database", err)
    expect_in(missing, err, "stderr")
    expect(not os.path.exists(missing), "annotate created the missing database")

    for bad in (["10.30.0.1"], ["--db", db], ["--db", db, "not-a-device"],
                ["--db", db, "00:1b:1b:00:00:01", "--insufficient"],
                ["--db", db, "00:1b:1b:00:00:01", "--clear", "everything"],
                ["--db", db, "00:1b:1b:00:00:01", "--note", ""],
                ["--db", db, "00:1b:1b:00:00:01", "--note", "a\nb"],
                ["--db", db, "00:1b:1b:00:00:01", "--note", "x" * 1024],
                ["--db", db, "00:1b:1b:00:00:01", "--note", "x", "--clear", "note"],
                ["--db", db, "00:1b:1b:00:00:01", "00:0e:8c:00:00:02"],
                ["--db", db, "--bogus", "00:1b:1b:00:00:01"]):
        rc, out, err = c.annotate(*bad)
        expect_exit(rc, 2, "annotate " + " ".join(x[:20] for x in bad), err)
        expect(err.strip() != "" and out == "", f"annotate {bad}: message {err!r}, stdout {out!r}")

    rc, out, err = c.run("help", "annotate")
    expect_exit(rc, 0, "help annotate", err)
    rc2, out2, _ = c.annotate("--help")
    expect(out == out2 and "--mitigation" in out, "'help annotate' and 'annotate --help' differ")
    rc, out, _ = c.run("help")
    expect_in("annotate", out, "herkomst help")


def case_policy_option(c):
    """--policy with an operator's file changes the verdict; the JSON names
    the policy; a bad policy file is exit 2 with FILE:LINE; a missing one
    too."""
    cap = plant()
    pol = write(c.path("operator.tsv"), OPERATOR_POLICY)
    doc, _ = c.analyze_json("--policy", pol, cap)
    cam = device(doc, ip=CAMERA_IP)
    expect(cam["verdict"] == "partial", f"camera under the operator policy: {cam['verdict']}")
    cr = cam["criteria"]
    expect(cr["1"]["holds"] and not cr["2"]["holds"] and cr["3A"]["holds"], f"criteria {cr}")
    expect(cr["1"]["evidence"][0] ==
           'control country CN is not on the criterion-1 list of policy "operator without CN"',
           f"criterion 1 {cr['1']}")
    expect(doc["policy"] == {"name": "operator without CN", "as_of": "2026-02-01", "path": pol},
           f"policy {doc['policy']}")
    rc, out, err = c.analyze("--policy", pol, cap)
    expect_exit(rc, 0, "--policy (table)", err)
    row = [x for x in out.splitlines() if CAMERA_IP in x]
    expect(row and row[0].split()[-1] == "partial:1,3A", f"camera row {row}")
    expect_in('policy "operator without CN" as of 2026-02-01', out, "table footer")

    # $HERKOMST_POLICY is the default's default; --policy wins over it
    c.env["HERKOMST_POLICY"] = pol
    doc, _ = c.analyze_json(cap)
    expect(doc["policy"]["path"] == pol, f"HERKOMST_POLICY: policy {doc['policy']}")
    del c.env["HERKOMST_POLICY"]

    bad = write(c.path("bad.tsv"), OPERATOR_POLICY + "CN\t3\tno such criterion\n")
    rc, out, err = c.analyze("--policy", bad, cap)
    expect_exit(rc, 2, "--policy with a bad line", err)
    expect_in(f"{bad}:6:", err, "stderr")
    expect(out == "", f"a bad policy still printed: {out[:200]!r}")
    c.env["HERKOMST_POLICY"] = bad
    rc, out, err = c.analyze(cap)
    expect_exit(rc, 2, "$HERKOMST_POLICY with a bad line", err)
    expect_in(f"{bad}:6:", err, "stderr")
    del c.env["HERKOMST_POLICY"]
    missing = c.path("no-such-policy.tsv")
    rc, out, err = c.analyze("--policy", missing, cap)
    expect_exit(rc, 2, "--policy of a missing file", err)
    expect_in(missing, err, "stderr")
    rc, out, err = c.analyze("--policy", bad, "--db", c.path("x.sqlite"), cap)
    expect_exit(rc, 2, "--policy with a bad line and --db", err)
    expect(not os.path.exists(c.path("x.sqlite")), "a bad policy still wrote the database")


def case_without_data(c):
    """Without ownership data and policy every origin is unknown (warned
    about, never clear); the run still succeeds."""
    empty = c.path("empty-sigs")
    shutil.copytree(c.sigdir, empty)
    shutil.rmtree(os.path.join(empty, "ownership"))
    shutil.rmtree(os.path.join(empty, "policy"))
    doc, err = c.analyze_json("--signatures", empty, plant())
    expect_in("no ownership data", err, "stderr")
    expect_in("no country policy", err, "stderr")
    expect(doc["policy"] is None, f"policy {doc['policy']}")
    for d in doc["devices"]:
        expect(d["verdict"] == "unknown" and d["origin"] is None, f"device {d['id']}: {d['verdict']}")
    expect(doc["assessment"]["unknown"] == len(doc["devices"]), f"assessment {doc['assessment']}")


CASES = {
    "assess-verdicts": case_verdicts,
    "assess-json-fields": case_json_fields,
    "annotate-roundtrip": case_annotate_roundtrip,
    "annotate-persists": case_annotate_persists,
    "annotate-errors": case_annotate_errors,
    "assess-policy-option": case_policy_option,
    "assess-without-data": case_without_data,
}


if __name__ == "__main__":
    sys.exit(casekit.main(sys.argv, __doc__, CASES, Ctx,
                          prefix="hk-assess-"))
