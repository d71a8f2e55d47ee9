#!/usr/bin/env python3
"""End-to-end tests of the read side of a fleet (docs/fleet.md, "Reading the
fleet"): `herkomst report --pg` and `herkomst serve --pg` over a central
PostgreSQL that `herkomst ship` filled from three sensors' stores.

The fleet of every case (a throwaway cluster of tests/fleet/pg-cluster.sh on
a loopback port, schema by `herkomst fleet migrate`):

    sensor  site   its store (herkomst analyze --db)
    n1      north  capture A
    n2      north  capture A again      (two sensors of one site saw the same devices)
    s1      south  captures A and B     (A's MAC devices are seen at both sites;
                                         A's IP-only devices are one device per site)

Expectations are computed here from the three SQLite stores and the central
devices table, never taken from herkomst's own output; the key property is
that for one sensor `report --pg --sensor X` (and `--site` of a site with one
sensor) gives what `report --db` gives on that sensor's store.

usage: fleet_read.py HERKOMST [CASE...]   run the cases (all when none given)
       fleet_read.py --list               print the case names (meson reads it)

Skips (77) when the PostgreSQL server binaries or the shared captures
($HERKOMST_SHARED_DIR/pcaps) are absent. Python standard library only.
"""
import csv
import http.client
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402  (tests/casekit.py: the runner, Fail, Skip, expect)
from casekit import EXIT_SKIP, Fail, Skip, expect  # noqa: E402

TIMEOUT = 120
HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER = os.path.join(HERE, "pg-cluster.sh")
CAPTURE_A = "arkime_modbus.pcap"   # MAC devices and an IP-only one
CAPTURE_B = "ndpi_bacnet.pcap"     # more of both
SENSORS = [("n1", "north", [CAPTURE_A]), ("n2", "north", [CAPTURE_A]), ("s1", "south", [CAPTURE_A, CAPTURE_B])]
FLEET_FIELDS = ("scope", "sites", "sensors", "sightings")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tfmt(us):
    """A time as herkomst writes it (hk_time_fmt)."""
    if not us:
        return None
    s = datetime.fromtimestamp(us // 1000000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return s + (f".{us % 1000000:06d}Z" if us % 1000000 else "Z")


class Ctx:
    def __init__(self, exe, tmp):
        self.exe = exe
        self.tmp = tmp
        self.pg = None
        self.stores = {}
        self._fleet = False

    def path(self, name):
        return os.path.join(self.tmp, name)

    def run(self, *args, check=True, env=None):
        p = subprocess.run([self.exe] + list(args), stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT,
                           check=False, env=env)
        if check and p.returncode != 0:
            raise Fail(f"herkomst {' '.join(args[:3])} ...: exit {p.returncode}: {p.stderr.decode()[-800:]}")
        return p

    # --- the cluster -------------------------------------------------------

    def cluster(self, tls=False):
        """A started cluster: (dir, conninfo); stopped at the end of the run."""
        if subprocess.run(["bash", CLUSTER, "available"], capture_output=True).returncode == EXIT_SKIP:
            raise Skip("no PostgreSQL server binaries (apt-get install postgresql)")
        d = self.path(f"pg{len(self.clusters)}" + ("-tls" if tls else ""))
        p = subprocess.run(["bash", CLUSTER, "start"] + (["--tls"] if tls else []) + [d], capture_output=True,
                           timeout=TIMEOUT, check=False)
        if p.returncode == EXIT_SKIP:
            raise Skip("no PostgreSQL server binaries")
        expect(p.returncode == 0, f"pg-cluster.sh start: {p.stderr.decode()[-800:]}")
        self.clusters.append(d)
        return d, p.stdout.decode().strip()

    clusters = []

    def cleanup(self):
        for d in Ctx.clusters:
            subprocess.run(["bash", CLUSTER, "destroy", d], capture_output=True, timeout=TIMEOUT, check=False)

    def psql(self, d, sql):
        p = subprocess.run(["bash", CLUSTER, "psql", d, "-qAtX", "-F", "\t", "-c", sql], capture_output=True,
                           timeout=TIMEOUT, check=False)
        expect(p.returncode == 0, f"psql {sql[:60]}: {p.stderr.decode()[-500:]}")
        return [line.split("\t") for line in p.stdout.decode().splitlines() if line]

    # --- the fleet of every case ---------------------------------------------

    def fleet(self):
        """The cluster with the three sensors shipped into it."""
        if self._fleet:
            return
        shared = os.environ.get("HERKOMST_SHARED_DIR")
        pcaps = os.path.join(shared, "pcaps") if shared else None
        if not pcaps or not all(os.path.exists(os.path.join(pcaps, c)) for c in (CAPTURE_A, CAPTURE_B)):
            raise Skip("the shared captures are absent ($HERKOMST_SHARED_DIR/pcaps)")
        self.pg, self.conninfo = self.cluster()
        self.pwfile = os.path.join(self.pg, "password")
        self.run("fleet", "migrate", "--pg", self.conninfo, "--password-file", self.pwfile)
        for sensor, site, caps in SENSORS:
            db = self.path(sensor + ".sqlite")
            self.run("analyze", "-q", "--db", db, *[os.path.join(pcaps, c) for c in caps])
            self.stores[sensor] = db
        self.annotate()
        for sensor, site, _ in SENSORS:
            conf = self.path(sensor + ".conf")
            with open(conf, "w") as f:
                f.write(f"[central]\nconninfo = {self.conninfo}\npassword_file = {self.pwfile}\n"
                        f"site = {site}\nsensor_id = {sensor}\n")
            self.run("ship", "--quiet", "--db", self.stores[sensor], "--config", conf)
        self._fleet = True

    def annotate(self):
        """n1 and n2 annotate the same device: a note at the same instant (the
        smaller sensor id wins), an owner correction n2 made later (the newer
        wins), a mitigation only n1 made."""
        self.annotated = None
        with sqlite3.connect(self.stores["n1"]) as db:
            keys = [r[0] for r in db.execute("SELECT key FROM devices WHERE key LIKE 'mac:%' ORDER BY key")]
        expect(keys, "capture A gave no MAC device")
        key = keys[0]
        self.annotated = key
        self.run("annotate", "--db", self.stores["n1"], key, "--note", "n1 note", "--owner", "siemens",
                 "--mitigation", "n1 isolated")
        time.sleep(0.01)
        self.run("annotate", "--db", self.stores["n2"], key, "--note", "n2 note", "--owner", "cetc")
        for s in ("n1", "n2"):
            with sqlite3.connect(self.stores[s]) as db:
                db.execute("UPDATE annotations SET created_at = 1700000000000000 WHERE kind = 'note'")

    # --- what the stores say --------------------------------------------------

    def store(self, sensor):
        """{key: {"row": {...}, "ev": {(attr, value, source): (conf, first, last, count)}, "ann": {kind: ...}}}"""
        out = {}
        with sqlite3.connect(self.stores[sensor]) as db:
            db.row_factory = sqlite3.Row
            for r in db.execute("SELECT * FROM devices"):
                out[r["key"]] = {"row": dict(r), "ev": {}, "ann": {}}
                for e in db.execute("SELECT * FROM evidence WHERE device_id = ?", (r["id"],)):
                    out[r["key"]]["ev"][(e["attribute"], e["value"], e["source"])] = (
                        e["confidence"], e["first_seen"] or 0, e["last_seen"] or 0, e["count"])
            for a in db.execute("SELECT * FROM annotations"):
                if a["device_key"] in out:
                    out[a["device_key"]]["ann"][a["kind"]] = dict(a)
        return out

    def expected(self, sensors):
        """The fleet's devices as the given sensors saw them, combined by the
        documented rules: {(scope, key): {...}}."""
        site_of = {s: site for s, site, _ in SENSORS}
        out = {}
        for s in sorted(sensors):
            for key, dev in self.store(s).items():
                ident = ("" if key.startswith("mac:") else site_of[s], key)
                x = out.setdefault(ident, {"first": 0, "last": 0, "packets": 0, "bytes": 0, "ev": {},
                                           "sensors": set(), "ann": {}})
                r = dev["row"]
                if r["first_seen"] and (not x["first"] or r["first_seen"] < x["first"]):
                    x["first"] = r["first_seen"]
                x["last"] = max(x["last"], r["last_seen"])
                x["packets"] += r["packets"]
                x["bytes"] += r["bytes"]
                x["sensors"].add(s)
                for t, (conf, first, last, count) in dev["ev"].items():
                    if t not in x["ev"]:
                        x["ev"][t] = (conf, first, last, count)
                    else:
                        c0, f0, l0, n0 = x["ev"][t]
                        x["ev"][t] = (max(c0, conf), min(v for v in (f0, first) if v) if (f0 or first) else 0,
                                      max(l0, last), n0 + count)
                for kind, a in dev["ann"].items():
                    old = x["ann"].get(kind)
                    # the newest; a tie to the smaller sensor id (sensors come sorted)
                    if old is None or a["created_at"] > old["created_at"]:
                        x["ann"][kind] = dict(a, sensor=s)
        return out

    def central_ids(self):
        """{devices.id: (scope, key)} as the central database has them."""
        return {int(i): (scope, key) for i, scope, key in self.psql(self.pg, "SELECT id, scope, key FROM devices")}

    def report(self, *args, fmt="json"):
        p = self.run("report", "--quiet", "--pg", self.conninfo, "--pg-password-file", self.pwfile, "--format", fmt,
                     "-o", "-", *args)
        return json.loads(p.stdout) if fmt == "json" else p.stdout.decode()

    def report_db(self, sensor, fmt="json"):
        p = self.run("report", "--quiet", "--db", self.stores[sensor], "--format", fmt, "-o", "-")
        return json.loads(p.stdout) if fmt == "json" else p.stdout.decode()


def strip_fleet(doc):
    """A report's JSON without what only a fleet has or numbers differently
    (ids, captures, the fleet object, the fleet fields of devices)."""
    doc = json.loads(json.dumps(doc))
    for d in doc["devices"]:
        d.pop("id")
        for k in FLEET_FIELDS:
            d.pop(k, None)
    for u in doc["unknown"]:
        u.pop("example_device")
    doc.pop("captures")
    doc.pop("fleet", None)
    return doc


def same(a, b, what):
    if a == b:
        return
    for k in a:
        if a[k] != b.get(k):
            if k == "devices":
                for i, (x, y) in enumerate(zip(a[k], b[k])):
                    if x != y:
                        diff = [f for f in x if x[f] != y.get(f)]
                        raise Fail(f"{what}: device {i} differs in {diff}: {json.dumps({f: x[f] for f in diff})[:400]}"
                                   f" vs {json.dumps({f: y.get(f) for f in diff})[:400]}")
                raise Fail(f"{what}: {len(a[k])} devices vs {len(b[k])}")
            raise Fail(f"{what}: '{k}' differs: {json.dumps(a[k])[:300]} vs {json.dumps(b.get(k))[:300]}")
    raise Fail(f"{what}: keys differ: {sorted(a)} vs {sorted(b)}")


def check_devices(ctx, devices, sensors, what):
    """The devices of a report/API answer against the combination of the
    sensors' stores."""
    exp = ctx.expected(sensors)
    ids = ctx.central_ids()
    got = {}
    for d in devices:
        expect(d["id"] in ids, f"{what}: device id {d['id']} is not a central devices.id")
        got[ids[d["id"]]] = d
    expect(len(got) == len(devices), f"{what}: a device is listed twice")
    expect(set(got) == set(exp), f"{what}: devices {sorted(set(got) ^ set(exp))[:6]} differ from the stores'")
    all_sites = {}
    for s, site, _ in SENSORS:
        for key in ctx.store(s):
            ident = ("" if key.startswith("mac:") else site, key)
            all_sites.setdefault(ident, (set(), set()))
            all_sites[ident][0].add(site)
            all_sites[ident][1].add(s)
    for ident, x in exp.items():
        d = got[ident]
        w = f"{what}: {ident}"
        expect(d["packets"] == x["packets"] and d["bytes"] == x["bytes"],
               f"{w}: packets/bytes {d['packets']}/{d['bytes']}, want {x['packets']}/{x['bytes']}")
        expect(d["first_seen"] == tfmt(x["first"]) and d["last_seen"] == tfmt(x["last"]),
               f"{w}: seen {d['first_seen']}..{d['last_seen']}, want {tfmt(x['first'])}..{tfmt(x['last'])}")
        expect(d["scope"] == (ident[0] or None), f"{w}: scope {d['scope']}")
        expect(d["sites"] == sorted(all_sites[ident][0]) and d["sensors"] == sorted(all_sites[ident][1]),
               f"{w}: sites {d['sites']} sensors {d['sensors']}, want every one that saw it: "
               f"{sorted(all_sites[ident][0])} {sorted(all_sites[ident][1])}")
        expect(sorted(s["sensor"] for s in d["sightings"]) == sorted(x["sensors"]),
               f"{w}: sightings {[s['sensor'] for s in d['sightings']]}, want {sorted(x['sensors'])}")
        if "evidence" in d:
            ev = {(e["attribute"], e["value"], e["source"]): e for e in d["evidence"]}
            for t, (conf, first, last, count) in x["ev"].items():
                e = ev.get(t)
                expect(e is not None, f"{w}: claim {t} is missing")
                expect((e["confidence"], e["first_seen"], e["last_seen"], e["count"]) ==
                       (conf, tfmt(first), tfmt(last), count),
                       f"{w}: claim {t}: {e}, want confidence {conf}, count {count}, {tfmt(first)}..{tfmt(last)}")
        if "annotations" in d:
            want = {k: a["value"] for k, a in x["ann"].items()}
            have = {k: a["value"] for k, a in d["annotations"].items()}
            expect(have == want, f"{w}: annotations {have}, want {want}")
    return got


# --- cases ------------------------------------------------------------------------------

def case_union(ctx):
    """Without a filter: every device of every sensor once; a MAC seen at two
    sites is one device with both; an IP-only device is one per site."""
    ctx.fleet()
    doc = ctx.report()
    got = check_devices(ctx, doc["devices"], ["n1", "n2", "s1"], "union")
    a_keys = set(ctx.store("n1"))
    both = [k for k in a_keys if k.startswith("mac:")]
    iponly = [k for k in a_keys if k.startswith("ip:")]
    expect(both and iponly, f"capture A should give MAC and IP-only devices: {sorted(a_keys)}")
    for k in both:
        d = got[("", k)]
        expect(d["sites"] == ["north", "south"] and d["sensors"] == ["n1", "n2", "s1"],
               f"{k}: one device seen at both sites, by all three sensors: {d['sites']} {d['sensors']}")
    for k in iponly:
        n, s = got.get(("north", k)), got.get(("south", k))
        expect(n and s and n["id"] != s["id"], f"{k}: two devices, one per site")
        expect(n["sites"] == ["north"] and s["sites"] == ["south"], f"{k}: sites {n['sites']} {s['sites']}")
        expect(n["scope"] == "north" and s["scope"] == "south", f"{k}: scope {n['scope']} {s['scope']}")
    expect(len(doc["devices"]) == len(set(ctx.store("s1")) | set(a_keys)) + len(iponly),
           f"{len(doc['devices'])} devices")
    sensors = [(s["site"], s["sensor"]) for s in doc["fleet"]["sensors"]]
    expect(sensors == [("north", "n1"), ("north", "n2"), ("south", "s1")], f"fleet.sensors {sensors}")
    expect(doc["fleet"]["filter"] == {"site": None, "sensor": None}, f"filter {doc['fleet']['filter']}")
    # the CSV and CycloneDX name the sites; the CycloneDX refs keep the two IP-only devices apart
    rows = list(csv.DictReader(io.StringIO(ctx.report(fmt="csv"))))
    expect(len(rows) == len(doc["devices"]) and all(r["sites"] for r in rows), "CSV sites column")
    cdx = json.loads(ctx.report(fmt="cyclonedx"))
    refs = [c["bom-ref"] for c in cdx["components"]]
    expect(len(refs) == len(set(refs)), f"CycloneDX bom-refs repeat: {sorted(refs)[:8]}")
    for k in iponly:
        expect(f"herkomst:north/{k}" in refs and f"herkomst:south/{k}" in refs, f"CycloneDX refs of {k}")


def case_single_sensor(ctx):
    """For one sensor, report --pg --sensor X (or --site of a one-sensor site)
    is report --db on that sensor's store, apart from the fleet fields."""
    ctx.fleet()
    for args, sensor in ((("--sensor", "n1"), "n1"), (("--sensor", "n2"), "n2"), (("--site", "south"), "s1"),
                         (("--sensor", "s1"), "s1"), (("--site", "south", "--sensor", "s1"), "s1")):
        pg = ctx.report(*args)
        db = ctx.report_db(sensor)
        expect(len(pg["devices"]) == len(db["devices"]) > 0, f"{args}: {len(pg['devices'])} devices")
        same(strip_fleet(pg), strip_fleet(db), f"report --pg {' '.join(args)} vs --db {sensor}")
        for d in pg["devices"]:
            expect([s["sensor"] for s in d["sightings"]] == [sensor], f"{args}: sightings {d['sightings']}")
        expect(pg["fleet"]["filter"] == {"site": args[1] if args[0] == "--site" else None,
                                         "sensor": sensor if "--sensor" in args else None},
               f"{args}: filter {pg['fleet']['filter']}")
        # the CSV too: the same rows once id and the fleet columns are set aside
        c_pg = list(csv.DictReader(io.StringIO(ctx.report(*args, fmt="csv"))))
        c_db = list(csv.DictReader(io.StringIO(ctx.report_db(sensor, fmt="csv"))))
        for r in c_pg + c_db:
            for k in ("id", "sites", "sensors"):
                r.pop(k, None)
        expect(c_pg == c_db, f"{args}: CSV rows differ from --db {sensor}")


def case_site_filter(ctx):
    """--site north combines n1 and n2 (counters summed, claims merged) and
    leaves out s1's sightings; devices only south saw are not listed."""
    ctx.fleet()
    doc = ctx.report("--site", "north")
    got = check_devices(ctx, doc["devices"], ["n1", "n2"], "site north")
    n1 = ctx.store("n1")
    for (scope, key), d in got.items():
        expect(d["packets"] == 2 * n1[key]["row"]["packets"], f"{key}: packets are n1's and n2's summed")
    south = ctx.report("--site", "south")
    check_devices(ctx, south["devices"], ["s1"], "site south")
    # a sensor of another site: nothing
    p = ctx.run("report", "--pg", ctx.conninfo, "--pg-password-file", ctx.pwfile, "--format", "json",
                "--site", "north", "--sensor", "s1", "-o", "-")
    expect(json.loads(p.stdout)["devices"] == [], "site north, sensor s1: no device")
    expect("no device was seen" in p.stderr.decode(), f"warning: {p.stderr.decode()}")


def case_annotations(ctx):
    """Annotations over sensors: one per kind, the newest; a tie to the smaller
    sensor id; under a filter only those of its sensors."""
    ctx.fleet()
    key = ctx.annotated
    ids = {v: k for k, v in ctx.central_ids().items()}
    dev_id = ids[("", key)]

    def ann(*args):
        d = next(x for x in ctx.report(*args)["devices"] if x["id"] == dev_id)
        return {k: v["value"] for k, v in d["annotations"].items()}, d

    a, d = ann()
    expect(a == {"note": "n1 note", "owner": "cetc", "mitigation": "n1 isolated"},
           f"fleet: {a} (note: a tie, n1 < n2; owner: n2 is newer; mitigation: n1 only)")
    a, _ = ann("--sensor", "n2")
    expect(a == {"note": "n2 note", "owner": "cetc"}, f"sensor n2: {a}")
    a, _ = ann("--site", "south")
    expect(a == {}, f"site south: {a}")
    a, d = ann("--sensor", "n1")
    expect(d["annotations"]["mitigation"]["sufficient"] is True, "mitigation sufficient")


class Serve:
    """herkomst serve --pg on a free loopback port."""

    def __init__(self, ctx, *args):
        self.ctx, self.args, self.proc = ctx, list(args), None

    def __enter__(self):
        for _ in range(5):
            self.port = free_port()
            self.err = self.ctx.path(f"serve-{self.port}.err")
            with open(self.err, "wb") as e:
                self.proc = subprocess.Popen([self.ctx.exe, "serve", "--listen", f"127.0.0.1:{self.port}"] + self.args,
                                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=e)
            for _ in range(200):
                if self.proc.poll() is not None:
                    break
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return self
                except OSError:
                    time.sleep(0.05)
            log = open(self.err).read()
            self.__exit__()
            if "in use" not in log:
                raise Fail(f"herkomst serve --pg did not come up: {log[-800:]}")
        raise Fail("no free port")

    def __exit__(self, *a):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, body

    def json(self, path, status=200):
        st, body = self.get(path)
        expect(st == status, f"GET {path}: {st}, want {status}: {body[:300]!r}")
        return json.loads(body)


def case_serve(ctx):
    """serve --pg: the same devices as report --pg, with site and sensor
    filters on every list, /api/v1/sites, health and metrics of the fleet."""
    ctx.fleet()
    with Serve(ctx, "--pg", ctx.conninfo, "--pg-password-file", ctx.pwfile) as srv:
        for q, args in (("", ()), ("&site=north", ("--site", "north")), ("&sensor=s1", ("--sensor", "s1")),
                        ("&site=south&sensor=s1", ("--site", "south", "--sensor", "s1"))):
            api = srv.json("/api/v1/devices?limit=1000&evidence=true" + q)
            rep = ctx.report(*args)
            expect(api["total"] == len(rep["devices"]), f"{q}: total {api['total']}, report {len(rep['devices'])}")
            expect(api["devices"] == rep["devices"], f"{q}: API devices differ from report --pg {args}")
            s = srv.json("/api/v1/summary?" + q[1:])
            expect(s["devices"] == len(rep["devices"]), f"summary{q}: {s['devices']}")
            expect(s["flagged"] == rep["assessment"]["flagged"], f"summary{q}: flagged")
            d = rep["devices"][0]
            one = srv.json(f"/api/v1/devices/{d['id']}?" + q[1:])
            expect(one == d, f"/devices/{d['id']}{q} differs from the report's object")
            for route in ("vendors", "protocols", "unknown"):
                srv.json(f"/api/v1/{route}?" + q[1:])
        # paging keeps the filters
        page = srv.json("/api/v1/devices?site=north&limit=2")
        expect(page["next"] == "/api/v1/devices?site=north&limit=2&offset=2", f"next {page['next']}")
        # a device south never saw is not there under site=south
        north_only = [d for d in ctx.report("--site", "north")["devices"] if d["sites"] == ["north"]]
        expect(north_only, "site north has devices of its own (IP-only)")
        st, body = srv.get(f"/api/v1/devices/{north_only[0]['id']}?site=south")
        expect(st == 404 and b"site south" in body, f"north's device under site=south: {st} {body[:200]!r}")
        st, _ = srv.get("/api/v1/devices?site=north&bogus=1")
        expect(st == 400, "unknown parameter")
        expect(srv.json("/api/v1/devices?site=nowhere")["total"] == 0, "an unknown site has no devices")
        sites = srv.json("/api/v1/sites")["sites"]
        expect([s["site"] for s in sites] == ["north", "south"], f"sites {sites}")
        expect([n["sensor"] for n in sites[0]["sensors"]] == ["n1", "n2"] and
               [n["sensor"] for n in sites[1]["sensors"]] == ["s1"], f"sensors {sites}")
        for site in sites:
            n_dev = len(ctx.report("--site", site["site"])["devices"])
            expect(site["devices"] == n_dev, f"site {site['site']}: {site['devices']} devices, want {n_dev}")
            for n in site["sensors"]:
                expect(n["devices"] == len(ctx.store(n["sensor"])), f"sensor {n['sensor']}: {n['devices']}")
                expect(n["last_shipment"], f"sensor {n['sensor']}: no last shipment")
        h = srv.json("/api/v1/health")
        expect(h["fleet"] is True and h["sites"] == 2 and h["sensors"] == 3 and h["devices"] == len(ctx.central_ids()),
               f"health {h}")
        expect("password" not in json.dumps(h) and open(ctx.pwfile).read().strip() not in json.dumps(h),
               "health shows no password")
        st, body = srv.get("/metrics")
        m = body.decode()
        expect(st == 200 and "herkomst_database_up 1" in m and "herkomst_fleet_sensors 3" in m, f"metrics {m[:400]}")
        expect(re.search(r'herkomst_fleet_last_shipment_seconds\{site="north",sensor="n1"\} \d+', m), "last shipment")
        expect('herkomst_fleet_dropped_total{what="evidence"} 0' in m, "nothing is dropped from this fleet")
        expect("herkomst_captures" not in m, "a fleet has no captures to count")
        # PostgreSQL restarts under a running server: 503 meanwhile, then answers again on new connections
        for _ in range(4):
            srv.json("/api/v1/devices?limit=1")  # fill the kept connections
        subprocess.run(["bash", CLUSTER, "stop", ctx.pg], capture_output=True, timeout=TIMEOUT, check=True)
        try:
            st, body = srv.get("/api/v1/health")
            expect(st == 503 and b"cannot connect" in body and b'"fleet":true' in body, f"health, server down: {st} {body[:300]!r}")
        finally:
            subprocess.run(["bash", CLUSTER, "restart", ctx.pg], capture_output=True, timeout=TIMEOUT, check=True)
        for _ in range(5):
            expect(srv.json("/api/v1/devices?limit=1")["total"] == len(ctx.central_ids()), "after the restart")


def case_readonly(ctx):
    """A role with SELECT only serves and reports; the session is read-only
    whatever the role may do; a role without SELECT is told what to grant."""
    ctx.fleet()
    pw = "dash-" + os.urandom(6).hex()
    # the role of docs/fleet.md, made by its script
    script = os.path.join(HERE, "..", "..", "db", "pg", "reader_role.sql")
    p = subprocess.run(["bash", CLUSTER, "psql", ctx.pg, "-q", "-v", "role=hk_dash", "-f", script],
                       capture_output=True, timeout=TIMEOUT, check=False)
    expect(p.returncode == 0, f"reader_role.sql: {p.stderr.decode()[-500:]}")
    ctx.psql(ctx.pg, f"ALTER ROLE hk_dash PASSWORD '{pw}'; CREATE ROLE hk_nobody LOGIN PASSWORD 'nobody-pw';")
    writes = ctx.psql(ctx.pg, "SELECT count(*) FROM information_schema.role_table_grants"
                              " WHERE grantee = 'hk_dash' AND privilege_type <> 'SELECT'")
    expect(writes == [["0"]], f"reader_role.sql grants more than SELECT: {writes}")
    pwf = ctx.path("dash.pw")
    with open(pwf, "w") as f:
        f.write(pw + "\n")
    os.chmod(pwf, 0o600)
    ci = re.sub(r"user=\S+", "user=hk_dash", ctx.conninfo)
    p = ctx.run("report", "--quiet", "--pg", ci, "--pg-password-file", pwf, "--format", "json", "-o", "-")
    expect(json.loads(p.stdout)["devices"] == ctx.report()["devices"], "report as a SELECT-only role")
    with Serve(ctx, "--pg", ci, "--pg-password-file", pwf) as srv:
        expect(srv.json("/api/v1/devices?limit=1")["total"] == len(ctx.central_ids()), "serve as SELECT-only role")
    # the statements herkomst sends make the session read-only (the superuser may write)
    ctx.psql(ctx.pg, "ALTER ROLE hk_admin SET log_statement = 'all'")
    with Serve(ctx, "--pg", ctx.conninfo, "--pg-password-file", ctx.pwfile) as srv:
        srv.json("/api/v1/devices?site=north")
    ctx.run("report", "--quiet", "--pg", ctx.conninfo, "--pg-password-file", ctx.pwfile, "-o", ctx.path("r.html"))
    ctx.psql(ctx.pg, "ALTER ROLE hk_admin RESET log_statement")
    log = open(os.path.join(ctx.pg, "log"), errors="replace").read()
    expect(log.count("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY") >= 2, "no read-only session in the log")
    expect("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" in log, "no read-only snapshot in the log")
    # a role that may not read: a message that says what to grant
    nob = ctx.path("nobody.pw")
    with open(nob, "w") as f:
        f.write("nobody-pw\n")
    os.chmod(nob, 0o600)
    p = ctx.run("serve", "--pg", re.sub(r"user=\S+", "user=hk_nobody", ctx.conninfo), "--pg-password-file", nob,
                "--listen", f"127.0.0.1:{free_port()}", check=False)
    err = p.stderr.decode()
    expect(p.returncode == 1 and ("GRANT SELECT" in err or "grant" in err.lower()), f"no SELECT: {p.returncode} {err}")


def case_password(ctx):
    """The password never comes from the command line: a conninfo with one is
    refused and says what to do; a wrong or loose password file is an error."""
    ctx.fleet()
    port = re.search(r"port=(\d+)", ctx.conninfo).group(1)
    secret = open(ctx.pwfile).read().strip()
    for ci in (f"postgresql://hk_admin:{secret}@127.0.0.1:{port}/herkomst", ctx.conninfo + f" password={secret}"):
        for cmd in (["report", "--format", "json", "-o", "-", "--pg", ci],
                    ["serve", "--listen", f"127.0.0.1:{free_port()}", "--pg", ci]):
            p = ctx.run(*cmd, check=False)
            err = p.stderr.decode()
            expect(p.returncode == 2, f"{cmd[0]} with a password in the conninfo: exit {p.returncode}")
            expect("password" in err and ("file" in err or "pgpass" in err.lower()),
                   f"{cmd[0]}: the message should say to use a password file: {err}")
            expect(secret not in err, f"{cmd[0]}: the message repeats the password")
    bad = ctx.path("wrong.pw")
    with open(bad, "w") as f:
        f.write("not-the-password\n")
    os.chmod(bad, 0o600)
    p = ctx.run("report", "--pg", ctx.conninfo, "--pg-password-file", bad, "-o", "-", check=False)
    expect(p.returncode == 1 and "password" in p.stderr.decode(), f"wrong password: {p.stderr.decode()}")
    os.chmod(bad, 0o644)
    p = ctx.run("report", "--pg", ctx.conninfo, "--pg-password-file", bad, "-o", "-", check=False)
    expect(p.returncode != 0 and bad in p.stderr.decode(), f"world-readable password file: {p.stderr.decode()}")
    # --config: the [central] section, as a sensor's configuration has it
    conf = ctx.path("dash.conf")
    with open(conf, "w") as f:
        f.write(f"[central]\nconninfo = {ctx.conninfo}\npassword_file = {ctx.pwfile}\n")
    p = ctx.run("report", "--quiet", "--config", conf, "--format", "json", "-o", "-", "--site", "north")
    expect(json.loads(p.stdout)["devices"] == ctx.report("--site", "north")["devices"], "report --config")


def case_tls(ctx):
    """TLS to PostgreSQL: verify-full with the right CA works, a wrong CA fails
    with a message naming the certificate, and plain TCP is refused."""
    ctx.fleet()
    d, ci = ctx.cluster(tls=True)
    pwf = os.path.join(d, "password")
    expect("sslmode=verify-full" in ci and "sslrootcert=" in ci, f"TLS conninfo {ci}")
    ctx.run("fleet", "migrate", "--pg", ci, "--password-file", pwf)
    conf = ctx.path("tls.conf")
    with open(conf, "w") as f:
        f.write(f"[central]\nconninfo = {ci}\npassword_file = {pwf}\nsite = north\nsensor_id = n1\n")
    ctx.run("ship", "--quiet", "--db", ctx.stores["n1"], "--config", conf)
    p = ctx.run("report", "--quiet", "--pg", ci, "--pg-password-file", pwf, "--format", "json", "-o", "-")
    doc = json.loads(p.stdout)
    expect(len(doc["devices"]) == len(ctx.store("n1")), "report over TLS")
    with Serve(ctx, "--pg", ci, "--pg-password-file", pwf) as srv:
        expect(srv.json("/api/v1/devices?limit=1")["total"] == len(ctx.store("n1")), "serve over TLS")
    # another CA: the server's certificate does not verify
    other = ctx.path("other-ca")
    os.makedirs(other, exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=other CA",
                    "-keyout", os.path.join(other, "ca.key"), "-out", os.path.join(other, "ca.crt")],
                   capture_output=True, check=True, timeout=TIMEOUT)
    wrong = re.sub(r"sslrootcert=\S+", "sslrootcert=" + os.path.join(other, "ca.crt"), ci)
    for cmd in (["report", "-o", "-", "--pg", wrong, "--pg-password-file", pwf],
                ["serve", "--listen", f"127.0.0.1:{free_port()}", "--pg", wrong, "--pg-password-file", pwf]):
        p = ctx.run(*cmd, check=False)
        err = p.stderr.decode()
        expect(p.returncode == 1, f"{cmd[0]} with a wrong CA: exit {p.returncode}")
        expect("certificate" in err and ("verify" in err or "sslrootcert" in err), f"{cmd[0]} wrong CA: {err}")
    # the server takes TLS only
    plain = re.sub(r"sslmode=\S+", "sslmode=disable", ci)
    p = ctx.run("report", "-o", "-", "--pg", plain, "--pg-password-file", pwf, check=False)
    expect(p.returncode == 1 and ("no encryption" in p.stderr.decode() or "pg_hba" in p.stderr.decode()),
           f"plain TCP to a TLS-only server: {p.stderr.decode()}")


def case_dashboard(ctx):
    """The dashboard of a fleet: a site selector, the sites table, IP-only
    devices marked with their site."""
    ctx.fleet()
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        raise Skip("no chromium (apt-get install chromium)")
    north = ctx.report("--site", "north")["devices"]
    with Serve(ctx, "--pg", ctx.conninfo, "--pg-password-file", ctx.pwfile) as srv:
        profile = tempfile.mkdtemp(prefix="hk-chrome-", dir=ctx.tmp)
        p = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--no-first-run", f"--user-data-dir={profile}", "--window-size=1400,2000",
                            "--virtual-time-budget=10000", "--dump-dom", f"http://127.0.0.1:{srv.port}/?site=north"],
                           capture_output=True, timeout=TIMEOUT, check=False)
        dom = p.stdout.decode("utf-8", "replace")
    expect('data-loaded="true"' in dom, "the dashboard did not load: " + dom[:300])
    expect(re.search(r'<body[^>]*class="fleet"', dom), "the page is not in fleet mode")
    table = re.search(r'<table id="devices">(.*?)</table>', dom, re.S).group(1)
    rows = [int(x) for x in re.findall(r'<tr data-id="(\d+)"', table)]
    expect(rows == [d["id"] for d in north][:100], f"rows under site=north: {rows}")
    sel = re.search(r'<select id="f-site"[^>]*>(.*?)</select>', dom, re.S).group(1)
    expect(re.search(r'<option value="north"[^>]*>north \(\d+\)', sel) and 'value="south"' in sel,
           f"site selector: {sel}")
    expect(len(re.findall(r'<tr data-site="[^"]+" data-sensor="', dom)) == 3, "sites table rows")
    ip_only = [d for d in north if d["mac"] is None and d["ips"]]
    expect(ip_only, "north has IP-only devices")
    expect(f"{ip_only[0]['ips'][0]} @north" in table, "an IP-only device does not show its site")


def case_errors(ctx):
    """Usage errors and a central database without the schema say what to do."""
    if subprocess.run(["bash", CLUSTER, "available"], capture_output=True).returncode == EXIT_SKIP:
        raise Skip("no PostgreSQL server binaries")
    db = ctx.path("x.sqlite")
    for args, want in ((["report", "--db", db, "--sensor", "s1"], "--sensor goes with --pg"),
                       (["report", "--db", db, "--pg", "host=127.0.0.1"], "usage"),
                       (["serve", "--db", db, "--pg", "host=127.0.0.1"], "usage"),
                       (["serve", "--db", db, "--pg-password-file", "x"], "goes with --pg")):
        p = ctx.run(*args, check=False)
        expect(p.returncode == 2 and want in p.stderr.decode(), f"{args}: {p.returncode} {p.stderr.decode()}")
    d, ci = ctx.cluster()
    pwf = os.path.join(d, "password")
    for cmd in (["report", "-o", "-"], ["serve", "--listen", f"127.0.0.1:{free_port()}"]):
        p = ctx.run(*cmd, "--pg", ci, "--pg-password-file", pwf, check=False)
        err = p.stderr.decode()
        expect(p.returncode == 1 and "fleet migrate" in err, f"{cmd[0]} without the schema: {err}")


CASES = {
    "union": case_union,
    "single-sensor": case_single_sensor,
    "site-filter": case_site_filter,
    "annotations": case_annotations,
    "serve": case_serve,
    "readonly": case_readonly,
    "password": case_password,
    "tls": case_tls,
    "dashboard": case_dashboard,
    "errors": case_errors,
}


if __name__ == "__main__":
    sys.exit(casekit.main(sys.argv, __doc__, CASES, Ctx,
                          # mode: as root the server runs as postgres and must reach its directory
                          prefix="hk-fleet-read-", per_case=False, mode=0o755))
