#!/usr/bin/env python3
"""herkomst report, end to end: the sample plant and a shared capture are
analysed into a database, then reported in every format, and the content is
checked, not just that a file appeared (docs/reports.md):

  html-*       sections hold the expected devices; strings from the wire are
               escaped (a hostname "<script>..." is planted in the database);
               nothing is fetched from anywhere (no remote src/href/url())
  csv-*        parses with Python's csv module, header = the documented columns
               (and docs/reports.md lists the same), one row per device
  json-*       the analyze JSON with the assessment of every device
  cyclonedx-*  validates against the official CycloneDX 1.6 JSON schema (from
               the npm package @cyclonedx/cyclonedx-library, installed by
               packaging/dev.sh deps; no network), and maps devices as documented
  chromium-*   headless Chromium renders the HTML to a PNG (kept in the build
               dir as tests/report/report.png) and prints it to PDF

usage: report_test.py HERKOMST PLANT_PCAP OUTDIR [CASE...]
       report_test.py --list

Each case prints PASS, FAIL or SKIP with the reason; the run ends with
"N passed, M failed, K skipped". Exit status: 1 if a case failed, 77 if every
case was skipped, else 0.

Environment: HERKOMST_SHARED_DIR (../shared, for pcaps/), HERKOMST_SOURCE_DIR,
HERKOMST_CDX_SCHEMA_DIR (the folder holding bom-1.6.SNAPSHOT.schema.json;
default: the npm cache of packaging/dev.sh), CHROMIUM (the browser binary).
"""
import csv
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402  (tests/casekit.py: the runner, Fail, Skip, expect)
from casekit import Fail, Skip, expect as check  # noqa: E402

TIMEOUT = 300
DEB_PYTHON = "/usr/bin/python3"

# docs/reports.md, "CSV columns": the contract
CSV_COLUMNS = [
    "id", "mac", "ips", "hostnames", "manufacturer", "model", "firmware", "serial", "role",
    "oui_registrant", "oui_country", "company_id", "company", "controller", "control_country",
    "hq_country", "state", "state_share", "c1", "c2", "c3a", "c3b", "verdict", "basis",
    "why_c1", "why_c2", "why_c3a", "why_c3b", "evidence", "first_seen", "last_seen",
]

HIKVISION_MAC = "bc:ad:28:5e:90:3b"          # tests/gen/plantgen.c: the IP camera
SHARED_CAPTURE = "iti_S7-1511_db2_var1_HMI.pcap"  # a PLC and an HMI talking S7comm-plus
HOSTILE_HOST = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"
HOSTILE_FORMULA = "=HYPERLINK(\"http://evil.example/\",\"click\")"
HOSTILE_BYTES = "ctl\x01\x1b[31m"            # control characters in a value

NPM_SCHEMA_SUBDIR = os.path.join("node_modules", "@cyclonedx", "cyclonedx-library", "res", "schema")


class Ctx:
    def __init__(self, exe, plant, outdir, tmp):
        self.exe = exe
        self.plant = plant
        self.outdir = outdir
        self.tmp = tmp
        self._dbs = {}

    def run(self, *args):
        proc = subprocess.run([self.exe] + list(args), capture_output=True, timeout=TIMEOUT,
                              check=False)
        return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")

    def ok(self, *args):
        rc, out, err = self.run(*args)
        if rc != 0:
            raise Fail("herkomst %s: exit %d: %s" % (" ".join(args), rc, err.strip()[-800:]))
        return out

    def db(self, name):
        """A database made once per run: 'plant' (with hostile strings planted) or 'shared'."""
        if name in self._dbs:
            return self._dbs[name]
        path = os.path.join(self.tmp, name + ".sqlite")
        if name == "plant":
            self.ok("analyze", "--db", path, "-q", "-o", os.devnull, self.plant)
            plant_hostile(path)
        elif name == "shared":
            shared = os.environ.get("HERKOMST_SHARED_DIR", "")
            pcap = os.path.join(shared, "pcaps", SHARED_CAPTURE)
            if not shared or not os.path.exists(pcap):
                raise Skip("no shared capture %s (HERKOMST_SHARED_DIR=%r)" % (SHARED_CAPTURE, shared))
            self.ok("analyze", "--db", path, "-q", "-o", os.devnull, pcap)
        self._dbs[name] = path
        return path

    def report(self, db, fmt, *extra):
        out = os.path.join(self.tmp, "%s.%s" % (os.path.basename(db), fmt))
        self.ok("report", "--db", db, "--format", fmt, "-o", out, "-q", *extra)
        with open(out, "rb") as f:
            return f.read()

    def report_json(self, db):
        return json.loads(self.report(db, "json"))

    def devices(self, db):
        """The devices as the CSV report has them (the report's own view of the assessment)."""
        header, rows = csv_rows(self.report(db, "csv"))
        check(header == CSV_COLUMNS, "CSV header %r differs from the documented %r" % (header, CSV_COLUMNS))
        out = []
        for r in rows:
            check(len(r) == len(CSV_COLUMNS), "CSV row of %d fields: %r" % (len(r), r))
            d = dict(zip(header, r))
            d["id"] = int(d["id"])
            d["ips"] = d["ips"].split()
            d["holds"] = {k: d[c] == "yes" for k, c in (("1", "c1"), ("2", "c2"), ("3A", "c3a"), ("3B", "c3b"))}
            out.append(d)
        return out


def plant_hostile(path):
    """Strings a hostile device could send, as the store would keep them: markup in
    the PLC's hostname (shown in the inventory), a formula as the only name of the
    HMI (a CSV cell of its own), control characters in the camera's banner (shown
    in the flagged card's evidence)."""
    con = sqlite3.connect(path)
    try:
        for mac, attr, value, source in (("28:63:36:8a:4f:12", "hostname", HOSTILE_HOST, "dhcp.hostname"),
                                         ("00:01:05:2e:7b:44", "hostname", HOSTILE_FORMULA, "mdns.hostname"),
                                         (HIKVISION_MAC, "software", HOSTILE_BYTES, "http.server")):
            (dev_id, first) = con.execute("SELECT id, first_seen FROM devices WHERE mac = ?", (mac,)).fetchone()
            con.execute("INSERT INTO evidence (device_id, attribute, value, source, confidence, "
                        "first_seen, last_seen, count) VALUES (?, ?, ?, ?, 70, ?, ?, 1)",
                        (dev_id, attr, value, source, first, first))
        con.commit()
    finally:
        con.close()


def by_mac(devs, mac):
    for d in devs:
        if d.get("mac") == mac:
            return d
    raise Fail("no device %s in the report" % mac)


# --- HTML --------------------------------------------------------------------

REMOTE = re.compile(r"""(?:\b(?:src|href|action|poster|data|srcset|xlink:href)\s*=\s*["']?\s*"""
                    r"""(?:[a-z][a-z0-9+.-]*:)?//)|url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//|@import""",
                    re.IGNORECASE)


def html_sections(html):
    """{section id: its HTML} for the report's <section> elements."""
    out = {}
    for m in re.finditer(r'<section id="([a-z]+)"[^>]*>(.*?)</section>', html, re.S):
        out[m.group(1)] = m.group(2)
    return out


def case_html_plant(c):
    db = c.db("plant")
    devs = c.devices(db)
    html = c.report(db, "html").decode("utf-8")
    secs = html_sections(html)
    for sid in ("summary", "flagged", "partial", "unknown", "inventory"):
        check(sid in secs, "no <section id=%r>" % sid)
    cam = by_mac(devs, HIKVISION_MAC)
    verdict = cam["verdict"]
    held = cam["holds"]
    # a state-controlled Chinese company's camera: with the default policy at least
    # partial, and flagged when it gets extensive access (a camera role does)
    check(verdict in ("flagged", "partial"), "Hikvision camera verdict %r, want flagged or partial" % verdict)
    check(held["1"], "criterion 1 does not hold for the Hikvision camera: %r" % cam["why_c1"])
    if held["1"] and held["2"] and held["3A"] and not held["3B"]:
        check(verdict == "flagged", "1, 2, 3A hold and no mitigation, but the verdict is %r" % verdict)
    anchor = 'id="dev-%d"' % cam["id"]
    check(anchor in secs[verdict], "the camera (%s) is not in the %s section" % (anchor, verdict))
    if verdict == "flagged":
        card = secs["flagged"][secs["flagged"].index(anchor):]
        for step in ("Seen on the wire", "Manufacturer claim", "Alias &rarr; company", "Controlled by",
                     "Country of control", "All evidence for this device"):
            check(step in card, "the flagged card lacks %r" % step)
        check("App-webs/" in card, "the flagged card does not show the HTTP Server banner seen on the wire")
    # every device is in the section of its verdict, and every one is in the inventory
    for d in devs:
        a = 'id="dev-%d"' % d["id"]
        sec = {"flagged": "flagged", "partial": "partial", "unknown": "unknown"}.get(d["verdict"])
        if sec:
            check(a in secs[sec], "device %d (%s) missing from section %s" % (d["id"], d["verdict"], sec))
        for other in ("flagged", "partial", "unknown"):
            if other != sec:
                check(a not in secs[other], "device %d (%s) also in section %s" % (d["id"], d["verdict"], other))
    inv_rows = secs["inventory"].count("<tr class=\"v-row-")
    check(inv_rows == len(devs), "inventory has %d rows for %d devices" % (inv_rows, len(devs)))
    # the remote hosts behind the firewall have no origin, and the report says why
    unk = secs["unknown"]
    check("behind the gateway" in unk, "the unknown section does not say why the remote hosts have no origin")
    # title block: version, policy, data versions, newest capture
    head = html[:html.index('<section id="summary"')]
    for what in ("version ", "Country policy", "Data versions", "Newest capture", "signatures"):
        check(what in head, "title block lacks %r" % what)
    check("<svg" in secs["summary"], "no inline SVG chart in the summary")


def case_html_escaping(c):
    html = c.report(c.db("plant"), "html", "--site", "Site <b>&</b> \"quoted\"").decode("utf-8")
    check("<script" not in html.lower(), "an unescaped <script in the HTML")
    check("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html,
          "the hostile hostname is not shown escaped")
    check("<img" not in html.lower(), "an unescaped <img> from data")
    check("Site &lt;b&gt;&amp;&lt;/b&gt; &quot;quoted&quot;" in html, "--site is not escaped")
    check("ctl\\x01\\x1b[31m" in html, "control characters are not shown as \\xNN")
    check("\x1b" not in html and "\x01" not in html, "raw control characters in the HTML")
    m = REMOTE.search(html)
    check(m is None, "a remote reference in the HTML: %r" % (m.group(0) if m else None))
    for tag in ("<link", "<iframe", "<object", "<embed", "<base", "<meta http-equiv"):
        check(tag not in html.lower(), "the HTML contains %s" % tag)
    # URLs may appear as text (sources of the ownership data, a hostile hostname), never as
    # something to load or follow: every attribute value that holds one is the SVG namespace
    for m in re.finditer(r"""[a-z:-]+\s*=\s*["'][^"']*(?:https?:)?//[^"']*["']""", html, re.I):
        check(m.group(0).startswith("xmlns="), "a URL in an attribute: %r" % m.group(0))


# --- CSV ---------------------------------------------------------------------

def csv_rows(data):
    text = data.decode("utf-8")
    check(text.endswith("\r\n"), "CSV lines do not end in CRLF (RFC 4180)")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    return rows[0], rows[1:]


def case_csv_plant(c):
    db = c.db("plant")
    header, rows = csv_rows(c.report(db, "csv"))
    check(header == CSV_COLUMNS, "CSV header %r differs from the documented %r" % (header, CSV_COLUMNS))
    n_devices = sqlite3.connect(db).execute("SELECT count(*) FROM devices").fetchone()[0]
    check(len(rows) == n_devices, "%d CSV rows for %d devices" % (len(rows), n_devices))
    for r in rows:
        check(len(r) == len(CSV_COLUMNS), "row of %d fields: %r" % (len(r), r))
    recs = [dict(zip(header, r)) for r in rows]
    ids = [int(r["id"]) for r in recs]
    check(len(set(ids)) == len(ids), "duplicate ids")
    for rec in recs:
        check(rec["verdict"] in ("flagged", "partial", "clear", "unknown"), "verdict %r" % rec["verdict"])
        for col in ("c1", "c2", "c3a", "c3b"):
            check(rec[col] in ("yes", "no"), "%s = %r" % (col, rec[col]))
        held = [rec[k] == "yes" for k in ("c1", "c2", "c3a")]
        if rec["verdict"] == "flagged":
            check(all(held), "device %s flagged without 1, 2 and 3A" % rec["id"])
        if rec["verdict"] == "clear":
            check(not any(held), "device %s clear while a criterion holds" % rec["id"])
        if rec["verdict"] == "unknown":
            check(rec["control_country"] == "", "device %s of unknown origin has a control country" % rec["id"])
    cam = next(r for r in recs if r["mac"] == HIKVISION_MAC)
    check(cam["role"] == "camera", "camera row role %r" % cam["role"])
    check(cam["control_country"] == "CN", "camera row control_country %r" % cam["control_country"])
    check("App-webs" in cam["evidence"] or "hikvision" in cam["evidence"].lower(),
          "camera row evidence %r names nothing seen" % cam["evidence"])
    plc = next(r for r in recs if r["mac"] == "28:63:36:8a:4f:12")
    names = plc["hostnames"].split("; ")
    check(HOSTILE_HOST in names, "the hostile hostname did not survive the CSV round trip: %r" % names)
    hmi = next(r for r in recs if r["mac"] == "00:01:05:2e:7b:44")
    check(hmi["hostnames"] == "'" + HOSTILE_FORMULA, "a formula-like cell is not neutralised: %r" % hmi["hostnames"])
    # docs/reports.md lists exactly these columns, in this order
    src = os.environ.get("HERKOMST_SOURCE_DIR")
    if src:
        with open(os.path.join(src, "docs", "reports.md"), encoding="utf-8") as f:
            doc_md = f.read()
        block = doc_md[doc_md.index("## CSV"):]
        documented = re.findall(r"^\| `([a-z0-9_]+)` \|", block, re.M)
        check(documented[:len(CSV_COLUMNS)] == CSV_COLUMNS,
              "docs/reports.md CSV columns %r differ from %r" % (documented, CSV_COLUMNS))


# --- JSON --------------------------------------------------------------------

def case_json_plant(c):
    db = c.db("plant")
    doc = c.report_json(db)
    for key in ("herkomst", "captures", "devices", "policy", "assessment"):
        check(key in doc, "JSON report lacks %r" % key)
    check(len(doc["captures"]) == 1, "captures: %r" % doc["captures"])
    for d in doc["devices"]:
        for key in ("origin", "criteria", "verdict", "flagged", "evidence"):
            check(key in d, "device %d lacks %r" % (d["id"], key))
        check(d["flagged"] == (d["verdict"] == "flagged"), "device %d: flagged/verdict disagree" % d["id"])
    devs = c.devices(db)
    check([d["id"] for d in devs] == [d["id"] for d in doc["devices"]], "JSON and CSV device order differ")
    for d, j in zip(devs, doc["devices"]):
        check(d["verdict"] == j["verdict"], "device %d: CSV verdict %r, JSON %r" % (d["id"], d["verdict"], j["verdict"]))
        for k in ("1", "2", "3A", "3B"):
            check(d["holds"][k] == j["criteria"][k]["holds"], "device %d criterion %s differs" % (d["id"], k))
        check(d["ips"] == j["ips"], "device %d ips differ" % d["id"])
    a = doc["assessment"]
    n = {v: sum(1 for d in doc["devices"] if d["verdict"] == v) for v in ("flagged", "partial", "clear", "unknown")}
    for v, k in n.items():
        check(a[v] == k, "assessment.%s = %r, devices say %d" % (v, a[v], k))


# --- CycloneDX ---------------------------------------------------------------

def schema_dir():
    env = os.environ.get("HERKOMST_CDX_SCHEMA_DIR")
    if env:
        return env
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "herkomst", "npm", NPM_SCHEMA_SUBDIR)


def load_validator():
    """A Draft 7 validator of bom-1.6 whose $refs resolve to the local files only."""
    try:
        import jsonschema
    except ImportError:
        raise Skip("python3-jsonschema is not installed (packaging/dev.sh deps installs it)")
    d = schema_dir()
    files = {"bom": "bom-1.6.SNAPSHOT.schema.json", "spdx": "spdx.SNAPSHOT.schema.json",
             "jsf": "jsf-0.82.SNAPSHOT.schema.json"}
    docs = {}
    for k, name in files.items():
        p = os.path.join(d, name)
        if not os.path.exists(p):
            raise Skip("CycloneDX schema %s not found in %s: run packaging/dev.sh deps (npm installs "
                       "@cyclonedx/cyclonedx-library), or set HERKOMST_CDX_SCHEMA_DIR" % (name, d))
        with open(p, encoding="utf-8") as f:
            docs[k] = json.load(f)
    bom = docs["bom"]
    check(bom.get("$id") == "http://cyclonedx.org/schema/bom-1.6.schema.json", "unexpected $id %r" % bom.get("$id"))
    # the package's bom schema refers to its siblings as "spdx.SNAPSHOT.schema.json"
    # (relative to its $id); the official names are mapped as well
    base = "http://cyclonedx.org/schema/"
    store = {}
    for k, names in (("bom", ["bom-1.6.schema.json", "bom-1.6.SNAPSHOT.schema.json"]),
                     ("spdx", ["spdx.schema.json", "spdx.SNAPSHOT.schema.json"]),
                     ("jsf", ["jsf-0.82.schema.json", "jsf-0.82.SNAPSHOT.schema.json"])):
        for n in names:
            store[base + n] = docs[k]
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7
        registry = Registry().with_resources(
            [(uri, Resource.from_contents(doc, default_specification=DRAFT7)) for uri, doc in store.items()])

        def no_network(uri):
            raise Fail("the schema refers to %s, which is not a local file" % uri)
        registry = Registry(retrieve=no_network).combine(registry)
        return jsonschema.Draft7Validator(bom, registry=registry)
    except ImportError:
        pass

    class LocalResolver(jsonschema.RefResolver):
        def resolve_remote(self, uri):
            raise Fail("the schema refers to %s, which is not a local file" % uri)
    resolver = LocalResolver(base_uri=bom["$id"], referrer=bom, store=store)
    return jsonschema.Draft7Validator(bom, resolver=resolver)


def validate_cdx(data):
    v = load_validator()
    bom = json.loads(data)
    errors = sorted(v.iter_errors(bom), key=lambda e: list(e.absolute_path))
    if errors:
        raise Fail("CycloneDX does not validate against bom-1.6: " + "; ".join(
            "%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message[:200]) for e in errors[:5]))
    return bom


def props(comp):
    out = {}
    for p in comp.get("properties", []):
        out.setdefault(p["name"], []).append(p.get("value"))
    return out


def check_cdx_mapping(bom, devs):
    check(bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6", "bomFormat/specVersion")
    check(re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                       bom["serialNumber"]), "serialNumber %r is not a version 5 UUID URN" % bom["serialNumber"])
    tools = bom["metadata"]["tools"]["components"]
    check(any(t["name"] == "herkomst" and t.get("version") for t in tools), "metadata.tools lacks herkomst")
    comps = bom["components"]
    check(len(comps) == len(devs), "%d components for %d devices" % (len(comps), len(devs)))
    refs = [x["bom-ref"] for x in comps]
    check(len(set(refs)) == len(refs), "bom-refs are not unique")
    for comp, d in zip(comps, devs):
        check(comp["type"] == "device", "component type %r" % comp["type"])
        p = props(comp)
        check(p.get("herkomst:id") == [str(d["id"])], "component order differs from the device order")
        check(p.get("herkomst:verdict") == [d["verdict"]], "device %d verdict %r" % (d["id"], p.get("herkomst:verdict")))
        check(p.get("herkomst:ip", []) == d["ips"], "device %d ips %r vs %r" % (d["id"], p.get("herkomst:ip"), d["ips"]))
        for key in ("1", "2", "3A", "3B"):
            want = "true" if d["holds"][key] else "false"
            check(p.get("herkomst:criteria:" + key) == [want], "device %d criterion %s" % (d["id"], key))
        if d["mac"]:
            check(p.get("herkomst:mac") == [d["mac"]], "device %d mac" % d["id"])
        if d["company"]:
            check(comp["manufacturer"]["name"] == d["company"], "device %d manufacturer %r vs company %r" %
                  (d["id"], comp["manufacturer"]["name"], d["company"]))
            check(p.get("herkomst:origin:control_country", [""]) == [d["control_country"]] or not d["control_country"],
                  "device %d control country" % d["id"])
            if d["hq_country"]:
                check(comp["manufacturer"]["address"]["country"] == d["hq_country"], "device %d hq" % d["id"])
        if d["firmware"]:
            fw = [x for x in comp.get("components", []) if x["type"] == "firmware"]
            check(fw and fw[0]["version"] == d["firmware"].lstrip("'"), "device %d firmware component" % d["id"])


def case_cyclonedx_plant(c):
    db = c.db("plant")
    data = c.report(db, "cyclonedx")
    bom = json.loads(data)
    check_cdx_mapping(bom, c.devices(db))
    cam = next(x for x in bom["components"] if props(x).get("herkomst:mac") == [HIKVISION_MAC])
    check(props(cam).get("herkomst:role") == ["camera"], "the camera component's role")
    again = json.loads(c.report(db, "cyclonedx"))
    check(again["serialNumber"] == bom["serialNumber"], "the serial number is not deterministic")
    validate_cdx(data)


def case_cyclonedx_shared(c):
    db = c.db("shared")
    data = c.report(db, "cyclonedx")
    check_cdx_mapping(json.loads(data), c.devices(db))
    validate_cdx(data)


def case_formats_shared(c):
    db = c.db("shared")
    devs = c.devices(db)
    check(devs, "no devices in %s" % SHARED_CAPTURE)
    doc = c.report_json(db)
    check(len(doc["devices"]) == len(devs), "JSON and CSV disagree on the number of devices")
    html = c.report(db, "html").decode("utf-8")
    secs = html_sections(html)
    for d in devs:
        sec = {"flagged": "flagged", "partial": "partial", "unknown": "unknown"}.get(d["verdict"])
        if sec:
            check('id="dev-%d"' % d["id"] in secs[sec], "device %d not in section %s" % (d["id"], sec))
    check(secs["inventory"].count("<tr class=\"v-row-") == len(devs), "inventory rows")
    check("<script" not in html.lower() and REMOTE.search(html) is None, "script or remote reference")


# --- Chromium ----------------------------------------------------------------

def chromium():
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    raise Skip("no chromium (Debian package 'chromium'; packaging/dev.sh deps installs it)")


def chromium_run(exe, profile, *args):
    argv = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-default-apps", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=" + profile] + list(args)
    proc = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, check=False)
    if proc.returncode != 0:
        raise Fail("chromium exit %d: %s" % (proc.returncode, proc.stderr.decode("utf-8", "replace")[-600:]))


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    check(head[:8] == b"\x89PNG\r\n\x1a\n", "%s is not a PNG" % path)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def case_chromium_render(c):
    exe = chromium()
    html = c.report(c.db("plant"), "html", "--site", "Sample plant (tests/gen)")
    os.makedirs(c.outdir, exist_ok=True)
    page = os.path.join(c.outdir, "report.html")
    with open(page, "wb") as f:
        f.write(html)
    png = os.path.join(c.outdir, "report.png")
    pdf = os.path.join(c.outdir, "report.pdf")
    for p in (png, pdf):
        if os.path.exists(p):
            os.unlink(p)
    with tempfile.TemporaryDirectory(prefix="hk-chromium-") as prof:
        chromium_run(exe, prof, "--screenshot=" + png, "--window-size=1280,2000", "file://" + page)
    check(os.path.exists(png), "no screenshot written")
    w, h = png_size(png)
    check((w, h) == (1280, 2000), "screenshot is %dx%d" % (w, h))
    check(os.path.getsize(png) > 20000, "the screenshot is suspiciously small (a blank page?)")
    with tempfile.TemporaryDirectory(prefix="hk-chromium-") as prof:
        chromium_run(exe, prof, "--print-to-pdf=" + pdf, "--no-pdf-header-footer", "file://" + page)
    with open(pdf, "rb") as f:
        data = f.read()
    check(data[:5] == b"%PDF-", "the PDF does not start with %PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=False).stdout
        m = re.search(r"^Pages:\s+(\d+)", out, re.M)
        pages = int(m.group(1)) if m else pages
        check("A4" in out, "the PDF is not A4: %s" % out)
    # title, summary, flagged, partial, unknown, inventory: a page break before each section
    check(pages >= 6, "the PDF has %d pages; each section should start a page" % pages)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True,
                              check=False).stdout
        for what in ("Flagged devices", "Devices of unknown origin", "Full inventory", "page 1 of"):
            check(what in text, "the printed PDF lacks %r" % what)
    print("  screenshot: %s (%dx%d), PDF: %s (%d pages)" % (png, w, h, pdf, pages))


def case_cli_errors(c):
    missing = os.path.join(c.tmp, "no-such.sqlite")
    rc, _, err = c.run("report", "--db", missing)
    check(rc == 1 and "no-such.sqlite" in err, "a missing database: exit %d, %r" % (rc, err))
    check(not os.path.exists(missing), "report created the missing database")
    db = c.db("plant")
    rc, _, err = c.run("report", "--db", db, "--format", "pdf")
    check(rc == 2 and "pdf" in err, "an unknown format: exit %d, %r" % (rc, err))
    rc, _, err = c.run("report", "--db", db, "--policy", os.path.join(c.tmp, "no-policy.tsv"))
    check(rc == 2 and "no-policy.tsv" in err, "an unreadable --policy: exit %d, %r" % (rc, err))
    rc, _, err = c.run("report")
    check(rc == 2 and "usage" in err, "no --db: exit %d, %r" % (rc, err))
    out = os.path.join(c.tmp, "no-dir", "r.html")
    rc, _, err = c.run("report", "--db", db, "-o", out)
    check(rc == 1 and not os.path.exists(out), "an unwritable -o: exit %d, %r" % (rc, err))
    good = os.path.join(c.tmp, "keep.html")
    with open(good, "w") as f:
        f.write("previous report")
    rc, _, _ = c.run("report", "--db", db, "--policy", os.path.join(c.tmp, "no-policy.tsv"), "-o", good)
    with open(good) as f:
        check(f.read() == "previous report", "a failed run replaced the previous -o file")
    # -o names a FIFO (as /dev/stdout or /dev/null do something that is not a
    # regular file): written in place, never replaced by a regular file
    fifo = os.path.join(c.tmp, "report.fifo")
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    rc, _, err = c.run("report", "--db", db, "-q", "-o", fifo)
    reader.join(60)
    check(rc == 0, "report -o FIFO: exit %d, %r" % (rc, err))
    check(stat.S_ISFIFO(os.lstat(fifo).st_mode), "report -o FIFO replaced the FIFO")
    check(got and got[0].startswith(b"<!DOCTYPE html>"), "report -o FIFO: the reader got no report")
    # -o through a link: the file it names is written, the link stays
    link = os.path.join(c.tmp, "link.html")
    os.symlink("keep.html", link)
    rc, _, err = c.run("report", "--db", db, "-q", "-o", link)
    check(rc == 0 and os.path.islink(link), "report -o LINK: exit %d, the link kept: %s" % (rc, os.path.islink(link)))
    with open(good, "rb") as f:
        check(f.read().startswith(b"<!DOCTYPE html>"), "report -o LINK: the linked file was not written")
    left = [x for x in os.listdir(c.tmp) if x.endswith(".tmp")]
    check(not left, "temporary files left: %r" % left)
    rc, out_html, _ = c.run("report", "--db", db, "-q")
    check(rc == 0 and out_html.startswith(b"<!DOCTYPE html>"), "HTML on standard output by default")
    rc, text, _ = c.run("help", "report")
    check(rc == 0 and b"cyclonedx" in text, "herkomst help report")


CASES = {
    "html-plant": case_html_plant,
    "html-escaping": case_html_escaping,
    "csv-plant": case_csv_plant,
    "json-plant": case_json_plant,
    "cyclonedx-plant": case_cyclonedx_plant,
    "cyclonedx-shared": case_cyclonedx_shared,
    "formats-shared": case_formats_shared,
    "chromium-render": case_chromium_render,
    "cli-errors": case_cli_errors,
}

# cases that import jsonschema: Debian's python3-jsonschema lives in /usr/bin/python3
NEEDS_JSONSCHEMA = {"cyclonedx-plant", "cyclonedx-shared"}


def reexec_for_jsonschema(names):
    if not NEEDS_JSONSCHEMA & set(names) or os.environ.get("HK_REPORT_TEST_REEXEC"):
        return
    try:
        import jsonschema  # noqa: F401
        return
    except ImportError:
        pass
    if os.path.exists(DEB_PYTHON) and os.path.realpath(sys.executable) != os.path.realpath(DEB_PYTHON):
        os.environ["HK_REPORT_TEST_REEXEC"] = "1"
        os.execv(DEB_PYTHON, [DEB_PYTHON] + sys.argv)


if __name__ == "__main__":
    sys.exit(casekit.main(sys.argv, __doc__, CASES, Ctx,
                          paths=3, prefix="hk-report-", per_case=False,
                          prepare=reexec_for_jsonschema))
