#!/usr/bin/env python3
"""End-to-end tests of `herkomst serve`: the REST API, /metrics, the OpenAPI
document and the dashboard, over a database that `herkomst analyze --db`
made from the sample plant capture (and a shared capture when
$HERKOMST_SHARED_DIR/pcaps holds it).

usage: api_e2e.py HERKOMST PLANT_PCAP [CASE...]   run the cases (all when none given)
       api_e2e.py --list                          print the case names (meson reads it)

Every server listens on 127.0.0.1 (or ::1) on a free port and nothing else;
every loop that waits is bounded. Each case prints PASS, FAIL or SKIP with the
reason; the run ends with "N passed, M failed, K skipped". Exit status: 1 if a
case failed, 77 (skip) if every case was skipped, else 0.

The dashboard cases need Debian's chromium (skip without it); they leave a
screenshot in $HERKOMST_BUILD_DIR/tests/api/ (or the temporary directory).
Python standard library only.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402  (tests/casekit.py: the runner, Fail, Skip, expect)
from casekit import Fail, Skip, expect  # noqa: E402

TIMEOUT = 120
SHARED_CAPTURE = "iti_S7-1511_db2_var1_HMI.pcap"
ROUTES = ["/api/v1/devices", "/api/v1/devices/{id}", "/api/v1/summary", "/api/v1/vendors",
          "/api/v1/protocols", "/api/v1/unknown", "/api/v1/health", "/api/v1/sites", "/api/v1/openapi.json", "/metrics"]
TOKEN = "e2e-test-token-0123456789abcdef"


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_listening(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise Fail(f"response is not JSON ({e}): {self.body[:300]!r}")


class Server:
    """herkomst serve on a free loopback port, stopped with SIGTERM."""

    def __init__(self, ctx, db, *extra, host="127.0.0.1", tls_context=None):
        self.ctx = ctx
        self.db = db
        self.extra = list(extra)
        self.host = host
        self.tls_context = tls_context
        self.proc = None
        self.port = None
        self.stderr_path = None

    def __enter__(self):
        for attempt in range(5):
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            self.port = free_port(family, self.host)
            listen = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
            self.stderr_path = self.ctx.path(f"serve-{self.port}.err")
            with open(self.stderr_path, "wb") as err:
                self.proc = subprocess.Popen([self.ctx.exe, "serve", "--db", self.db, "--listen", listen] + self.extra,
                                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
            if self._wait_ready():
                return self
            rc = self.proc.poll()
            log = self.stderr()
            if rc is not None and "in use" in log and attempt < 4:
                continue  # the free port was taken meanwhile
            self._kill()
            raise Fail(f"herkomst serve did not come up (exit {rc}): {log[-800:]}")
        raise Fail("no free port")

    def _wait_ready(self):
        for _ in range(200):  # 10 s
            if self.proc.poll() is not None:
                return False
            try:
                conn = self.connection(timeout=2)
                conn.request("GET", "/api/v1/health", headers={"Authorization": "Bearer " + TOKEN})
                conn.getresponse().read()
                conn.close()
                return True
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)
        return False

    def connection(self, timeout=30):
        if self.tls_context is not None:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self.tls_context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, path, method="GET", token=None, headers=None, body=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        conn = self.connection()
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            conn.close()

    def get_json(self, path, token=None, status=200):
        r = self.request(path, token=token)
        expect(r.status == status, f"GET {path}: status {r.status}, want {status}: {r.body[:400]!r}")
        expect((r.header("Content-Type") or "").startswith("application/json"),
               f"GET {path}: Content-Type {r.header('Content-Type')}")
        return r.json()

    def stderr(self):
        try:
            with open(self.stderr_path, "r", encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._kill()
                if exc[0] is None:
                    raise Fail("herkomst serve did not stop within 15 s of SIGTERM")
                return False
            if exc[0] is None:
                expect(rc == 0, f"herkomst serve exited {rc} after SIGTERM: {self.stderr()[-500:]}")
        elif exc[0] is None:
            raise Fail(f"herkomst serve died (exit {self.proc.returncode}): {self.stderr()[-800:]}")
        return False


class Ctx:
    def __init__(self, exe, plant, tmp):
        self.exe = exe
        self.plant = plant
        self.tmp = tmp
        self._db = None
        self._analyzed = None

    def path(self, name):
        return os.path.join(self.tmp, name)

    def run(self, *args, timeout=TIMEOUT):
        p = subprocess.run([self.exe] + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout, check=False)
        if p.returncode < 0:
            raise Fail(f"herkomst {' '.join(args)} died of signal {-p.returncode}")
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def shared_capture(self):
        d = os.environ.get("HERKOMST_SHARED_DIR")
        p = os.path.join(d, "pcaps", SHARED_CAPTURE) if d else None
        return p if p and os.path.isfile(p) else None

    def make_db(self, name, *captures):
        db = self.path(name)
        rc, out, err = self.run("analyze", "--no-progress", "--db", db, "--format", "json", *captures)
        expect(rc == 0, f"analyze --db {name}: exit {rc}: {err[-500:]}")
        try:
            return db, json.loads(out)
        except ValueError as e:
            raise Fail(f"analyze --format json is not JSON: {e}")

    def db(self):
        """The plant database (plus the shared capture when present) and analyze's JSON of it."""
        if self._db is None:
            caps = [self.plant] + ([self.shared_capture()] if self.shared_capture() else [])
            self._db, self._analyzed = self.make_db("site.sqlite", *caps)
            expect(self._analyzed["devices"], "analyze found no devices in the plant capture")
        return self._db

    def analyzed(self):
        self.db()
        return self._analyzed


# --- helpers over device objects -------------------------------------------------

def country_of(d):
    o = d.get("origin")
    if isinstance(o, dict) and o.get("control_country"):
        return o["control_country"]
    if isinstance(d.get("oui"), dict) and d["oui"].get("country"):
        return d["oui"]["country"]
    return None


def when(rfc3339):
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00"))


def without_evidence(d):
    return {k: v for k, v in d.items() if k != "evidence"}


def check_error(r, status, what):
    expect(r.status == status, f"{what}: status {r.status}, want {status}: {r.body[:300]!r}")
    j = r.json()
    e = j.get("error") if isinstance(j, dict) else None
    expect(isinstance(e, dict) and isinstance(e.get("code"), str) and isinstance(e.get("message"), str)
           and e["message"], f"{what}: not an error object: {j}")
    return e


def all_pages(srv, query, limit, token=None):
    """Walks "next" links; returns (devices, totals seen)."""
    path = "/api/v1/devices?" + urllib.parse.urlencode(dict(query, limit=limit))
    seen, totals = [], set()
    for _ in range(10000):
        page = srv.get_json(path, token=token)
        totals.add(page["total"])
        seen.extend(page["devices"])
        if page["next"] is None:
            return seen, totals
        expect(page["next"].startswith("/api/v1/devices?"), f"next is not a devices URL: {page['next']}")
        path = page["next"]
    raise Fail("pagination did not end")


# --- cases -----------------------------------------------------------------------

def case_routes_shape(ctx):
    """Every route answers 200 with the documented shape."""
    analyzed = ctx.analyzed()
    with Server(ctx, ctx.db()) as srv:
        h = srv.get_json("/api/v1/health")
        expect(h["status"] == "ok" and h["devices"] == len(analyzed["devices"]), f"health: {h}")
        expect(h["version"] == analyzed["herkomst"], f"health version {h['version']}")
        expect(h["database"].endswith("site.sqlite") and h["auth"] is False and h["tls"] is False, f"health: {h}")
        page = srv.get_json("/api/v1/devices")
        for k in ("total", "offset", "limit", "next", "devices"):
            expect(k in page, f"devices: no {k}")
        expect(page["total"] == len(analyzed["devices"]) and page["limit"] == 100 and page["offset"] == 0,
               f"devices: total {page['total']} limit {page['limit']}")
        expect(all("evidence" not in d for d in page["devices"]), "list items carry evidence without evidence=true")
        d0 = analyzed["devices"][0]
        one = srv.get_json(f"/api/v1/devices/{d0['id']}")
        expect(one["id"] == d0["id"] and isinstance(one["evidence"], list) and one["evidence"], "device has no evidence")
        s = srv.get_json("/api/v1/summary")
        for k in ("devices", "assessed", "flagged", "countries", "roles", "protocols", "criteria", "verdicts", "policy"):
            expect(k in s, f"summary: no {k}")
        expect(s["devices"] == len(analyzed["devices"]), "summary: device count")
        expect(sum(c["devices"] for c in s["countries"]) == s["devices"], "summary: countries do not add up")
        expect(sum(r["devices"] for r in s["roles"]) == s["devices"], "summary: roles do not add up")
        expect(set(s["criteria"]) == {"1", "2", "3A", "3B"}, f"summary criteria {s['criteria']}")
        expect(set(s["verdicts"]) == {"flagged", "partial", "clear", "unknown"}, f"summary verdicts {s['verdicts']}")
        v = srv.get_json("/api/v1/vendors")["vendors"]
        expect(sum(x["devices"] for x in v) == s["devices"], "vendors do not add up")
        for x in v:
            expect(set(x) >= {"manufacturer", "devices", "flagged", "countries"}, f"vendor row {x}")
        p = srv.get_json("/api/v1/protocols")["protocols"]
        for x in p:
            expect(set(x) >= {"protocol", "devices", "served", "used"} and x["devices"] >= max(x["served"], x["used"]),
                   f"protocol row {x}")
        u = srv.get_json("/api/v1/unknown")
        expect(u["total"] == len(u["unknown"]), "unknown: total")
        rc, out, err = ctx.run("unknown", "--db", ctx.db(), "--format", "json")
        expect(rc == 0, f"herkomst unknown: exit {rc}: {err}")
        expect(u["unknown"] == json.loads(out), "unknown differs from `herkomst unknown --format json`")
        r = srv.request("/metrics")
        expect(r.status == 200 and r.header("Content-Type").startswith("text/plain; version=0.0.4"),
               f"metrics: {r.status} {r.header('Content-Type')}")
        o = srv.get_json("/api/v1/openapi.json")
        expect(o.get("openapi", "").startswith("3.0"), "openapi: version")
        for path, ctype in (("/", "text/html"), ("/app.js", "text/javascript"), ("/style.css", "text/css")):
            r = srv.request(path)
            expect(r.status == 200 and r.header("Content-Type").startswith(ctype) and r.body,
                   f"{path}: {r.status} {r.header('Content-Type')}")
        r = srv.request("/")
        csp = r.header("Content-Security-Policy") or ""
        expect("default-src 'none'" in csp and "script-src 'self'" in csp, f"dashboard CSP: {csp}")
        expect(r.header("X-Content-Type-Options") == "nosniff", "no nosniff")


def case_device_equals_analyze(ctx):
    """Each device object equals analyze's for the same database."""
    analyzed = ctx.analyzed()
    # analyze again over the same database: the capture is recognised and
    # skipped, and the whole database is printed with today's knowledge
    rc, out, err = ctx.run("analyze", "--no-progress", "--db", ctx.db(), "--format", "json", ctx.plant)
    expect(rc == 0, f"analyze again: exit {rc}: {err[-300:]}")
    again = json.loads(out)
    expect(again["devices"] == analyzed["devices"], "analyze of the same database differs from the first run")
    with Server(ctx, ctx.db()) as srv:
        listed, _ = all_pages(srv, {"evidence": "true"}, 1000)
        expect(listed == analyzed["devices"], "devices?evidence=true differs from analyze's devices "
               + first_difference(listed, analyzed["devices"]))
        short, _ = all_pages(srv, {}, 1000)
        expect(short == [without_evidence(d) for d in analyzed["devices"]],
               "devices (without evidence) differ from analyze's")
        for d in analyzed["devices"]:
            one = srv.get_json(f"/api/v1/devices/{d['id']}")
            expect(one == d, f"device {d['id']} differs from analyze's: " + first_difference([one], [d]))


def first_difference(a, b):
    if len(a) != len(b):
        return f"({len(a)} devices, want {len(b)})"
    for x, y in zip(a, b):
        for k in sorted(set(x) | set(y)):
            if x.get(k) != y.get(k):
                return f"(device {y.get('id')} field {k}: {json.dumps(x.get(k))[:200]} vs {json.dumps(y.get(k))[:200]})"
    return ""


def case_filters(ctx):
    """country, manufacturer, role, protocol, flagged, since and q select what they say."""
    devs = ctx.analyzed()["devices"]
    with Server(ctx, ctx.db()) as srv:
        def ids(query):
            got, totals = all_pages(srv, query, 1000)
            expect(len(totals) == 1 and totals.pop() == len(got), f"{query}: total does not match the list")
            return [d["id"] for d in got]

        countries = sorted({country_of(d) for d in devs if country_of(d)})
        expect(countries, "no device has a country: the filter cannot be tested")
        for cc in countries:
            want = [d["id"] for d in devs if country_of(d) == cc]
            expect(ids({"country": cc}) == want, f"country={cc}")
            expect(ids({"country": cc.lower()}) == want, f"country={cc.lower()} (case)")
        expect(ids({"country": "none"}) == [d["id"] for d in devs if not country_of(d)], "country=none")
        expect(ids({"country": "ZZ"}) == [], "country=ZZ")

        makers = sorted({d["manufacturer"] for d in devs if d["manufacturer"]})
        expect(makers, "no manufacturer in the plant capture")
        for m in makers:
            frag = m[1:5].upper()
            want = [d["id"] for d in devs if d["manufacturer"] and frag.lower() in d["manufacturer"].lower()]
            expect(ids({"manufacturer": frag}) == want, f"manufacturer={frag}")

        roles = sorted({d["role"] for d in devs if d["role"]})
        expect("plc" in roles, f"no plc in the plant capture: {roles}")
        for role in roles:
            expect(ids({"role": role.upper()}) == [d["id"] for d in devs if d["role"] == role], f"role={role}")

        protos = sorted({p for d in devs for p in d["protocols"]})
        for p in protos:
            want = [d["id"] for d in devs if p in d["protocols"]]
            expect(ids({"protocol": p.lower()}) == want, f"protocol={p.lower()}")

        flagged = [d["id"] for d in devs if d.get("flagged") is True]
        expect(ids({"flagged": "true"}) == flagged, "flagged=true")
        expect(ids({"flagged": "false"}) == [d["id"] for d in devs if d["id"] not in flagged], "flagged=false")

        stamps = sorted(d["last_seen"] for d in devs)
        mid = stamps[len(stamps) // 2]
        want = [d["id"] for d in devs if when(d["last_seen"]) >= when(mid)]
        expect(ids({"since": mid}) == want, f"since={mid}")
        expect(ids({"since": "1970-01-01T00:00:00Z"}) == [d["id"] for d in devs], "since=epoch")
        expect(ids({"since": "9999-12-31T23:59:59Z"}) == [], "since=9999")
        # the same instant with an offset: 08:04 UTC is 09:04+01:00
        t = mid[:19]
        hh = int(t[11:13])
        if hh < 23:
            shifted = f"{t[:11]}{hh + 1:02d}{t[13:19]}{mid[19:-1] if len(mid) > 20 else ''}+01:00"
            expect(ids({"since": shifted}) == want, f"since={shifted}")

        d = next(x for x in devs if x["mac"])
        expect(d["id"] in ids({"q": d["mac"].upper()}), "q=MAC")
        if d["ips"]:
            expect(d["id"] in ids({"q": d["ips"][0]}), "q=IP")
        expect(ids({"q": "no-such-thing-anywhere"}) == [], "q=nothing")
        both = ids({"role": "plc", "manufacturer": "siemens"})
        expect(both == [x["id"] for x in devs if x["role"] == "plc" and "siemens" in (x["manufacturer"] or "").lower()],
               "role and manufacturer together")
        expect(ids({"role": ""}) == [x["id"] for x in devs], "an empty text filter is no filter")


def case_pagination(ctx):
    """limit/offset/next walk the whole list once, in order."""
    devs = ctx.analyzed()["devices"]
    want = [d["id"] for d in devs]
    with Server(ctx, ctx.db()) as srv:
        for limit in (1, 2, 5, 1000):
            got, totals = all_pages(srv, {}, limit)
            expect([d["id"] for d in got] == want, f"limit={limit}: pages do not add up to the list")
            expect(totals == {len(want)}, f"limit={limit}: total changed {totals}")
        page = srv.get_json("/api/v1/devices?limit=2&offset=1")
        expect([d["id"] for d in page["devices"]] == want[1:3] and page["offset"] == 1 and page["limit"] == 2,
               "offset=1")
        if len(want) > 3:
            expect(page["next"] == "/api/v1/devices?limit=2&offset=3", f"next: {page['next']}")
        page = srv.get_json(f"/api/v1/devices?offset={len(want)}")
        expect(page["devices"] == [] and page["next"] is None and page["total"] == len(want), "offset past the end")
        page = srv.get_json("/api/v1/devices?role=plc&limit=1")
        if page["total"] > 1:
            expect("role=plc" in page["next"], f"next forgets the filter: {page['next']}")


BAD_QUERIES = [
    "limit=0", "limit=abc", "limit=-1", "limit=1001", "limit=", "limit=1.5", "limit=99999999999999999999999",
    "offset=-1", "offset=x", "offset=100000001",
    "since=garbage", "since=2026-13-01T00:00:00Z", "since=2026-02-30T00:00:00Z", "since=2026-03-02",
    "since=2026-03-02T08:00:00", "since=2026-03-02T25:00:00Z", "since=1969-12-31T23:59:59Z", "since=",
    "flagged=maybe", "flagged=", "flagged=TRUE", "evidence=yes",
    "country=XYZ", "country=1", "country=",
    "nosuch=1", "limit=1&limit=2", "role=" + "x" * 300,
    "&".join(f"p{i}=1" for i in range(20)),
]


def case_bad_parameters(ctx):
    """Bad parameters are 400 with an error object, never a crash."""
    with Server(ctx, ctx.db()) as srv:
        for q in BAD_QUERIES:
            check_error(srv.request("/api/v1/devices?" + q), 400, q[:60])
        for path in ("/api/v1/devices/abc", "/api/v1/devices/0", "/api/v1/devices/-1", "/api/v1/devices/1.0",
                     "/api/v1/devices/99999999999999999999", "/api/v1/summary?x=1", "/api/v1/health?verbose",
                     "/api/v1/vendors?limit=1", "/api/v1/protocols?q=x", "/api/v1/unknown?a=b", "/metrics?x=1",
                     "/api/v1/devices/1?evidence=true", "/api/v1/sites?site=x"):
            check_error(srv.request(path), 400, path)
        # site and sensor filter a fleet (serve --pg): a sensor's database refuses them, never ignores them
        for path in ("/api/v1/devices?site=north", "/api/v1/summary?sensor=s1", "/api/v1/devices/1?site=north",
                     "/api/v1/vendors?site=x", "/api/v1/protocols?sensor=x", "/api/v1/unknown?site=x"):
            r = srv.request(path)
            check_error(r, 400, path)
            expect("serve --pg" in r.json()["error"]["message"], f"{path}: {r.json()['error']['message']}")
        r = srv.request("/api/v1/devices?since=%ff%fe")
        check_error(r, 400, "since=non-UTF-8")
        r = srv.request("/api/v1/health", body=b"x" * 10, headers={"Content-Length": "10"})
        check_error(r, 400, "GET with a body")
        # still alive and answering
        srv.get_json("/api/v1/health")


def case_not_found_and_methods(ctx):
    """Unknown routes 404, wrong methods 405 with Allow, HEAD works."""
    with Server(ctx, ctx.db()) as srv:
        for path in ("/api/v1/nope", "/api/v2/devices", "/api/v1/devices/", "/api/v1/devices/1/x", "/nope",
                     "/api/v1", "/metrics/x", "/favicon.ico", "/index.html/.."):
            check_error(srv.request(path), 404, path)
        check_error(srv.request("/api/v1/devices/999999999"), 404, "device 999999999")
        check_error(srv.request("/api/v1/sites"), 404, "/api/v1/sites of a sensor's database")
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            for path in ("/api/v1/devices", "/api/v1/devices/1", "/metrics", "/"):
                r = srv.request(path, method=method, body=b"{}" if method in ("POST", "PUT", "PATCH") else None)
                check_error(r, 405, f"{method} {path}")
                expect(r.header("Allow") == "GET, HEAD", f"{method} {path}: Allow {r.header('Allow')}")
        r = srv.request("/api/v1/health", method="HEAD")
        expect(r.status == 200 and r.body == b"", f"HEAD: {r.status} {r.body[:50]!r}")
        # DNS rebinding: without a token only requests by address or localhost
        r = srv.request("/api/v1/health", headers={"Host": "attacker.example:%d" % srv.port})
        check_error(r, 403, "Host attacker.example")
        r = srv.request("/", headers={"Host": "attacker.example"})
        check_error(r, 403, "dashboard with Host attacker.example")
        r = srv.request("/api/v1/health", headers={"Host": "localhost:%d" % srv.port})
        expect(r.status == 200, f"Host localhost: {r.status}")


def write_token(ctx, token=TOKEN, name="token"):
    p = ctx.path(name)
    with open(p, "w", encoding="ascii") as f:
        f.write(token + "\n")
    os.chmod(p, 0o600)
    return p


def case_token_auth(ctx):
    """With a token every /api route and /metrics need it, also on loopback."""
    tok = write_token(ctx)
    with Server(ctx, ctx.db(), "--token-file", tok) as srv:
        for path in ("/api/v1/devices", "/api/v1/devices/1", "/api/v1/summary", "/api/v1/vendors",
                     "/api/v1/protocols", "/api/v1/unknown", "/api/v1/health", "/api/v1/openapi.json", "/metrics",
                     "/api/v1/nope"):
            r = srv.request(path)
            check_error(r, 401, f"{path} without token")
            expect((r.header("WWW-Authenticate") or "").startswith("Bearer"), f"{path}: no WWW-Authenticate")
            check_error(srv.request(path, token=TOKEN[:-1]), 401, f"{path} with a shorter token")
            check_error(srv.request(path, token=TOKEN + "x"), 401, f"{path} with a longer token")
            check_error(srv.request(path, token=TOKEN[:-1] + "X"), 401, f"{path} with a wrong token")
            check_error(srv.request(path, headers={"Authorization": "Basic " + TOKEN}), 401, f"{path} Basic")
        for path in ("/api/v1/devices", "/api/v1/devices/1", "/api/v1/summary", "/api/v1/health", "/metrics"):
            r = srv.request(path, token=TOKEN)
            expect(r.status == 200, f"{path} with token: {r.status} {r.body[:200]!r}")
        r = srv.request("/api/v1/health", headers={"Authorization": "bearer   " + TOKEN})
        expect(r.status == 200, f"scheme is case-insensitive: {r.status}")
        check_error(srv.request("/api/v1/nope", token=TOKEN), 404, "unknown route with token")
        expect(srv.get_json("/api/v1/health", token=TOKEN)["auth"] is True, "health: auth")
        # the dashboard page itself holds no data and loads without the token
        for path in ("/", "/app.js", "/style.css"):
            expect(srv.request(path).status == 200, f"{path} without token")
        # with a token the Host check is not needed (a rebinding page has no token)
        r = srv.request("/api/v1/health", token=TOKEN, headers={"Host": "herkomst.example"})
        expect(r.status == 200, f"Host name with token: {r.status}")


def case_nonloopback_refused(ctx):
    """A listener beyond loopback without a token refuses to start, before binding."""
    for listen in ("0.0.0.0:%d", "[::]:%d", "192.0.2.1:%d"):
        port = free_port()
        t0 = time.monotonic()
        rc, out, err = ctx.run("serve", "--db", ctx.db(), "--listen", listen % port, timeout=30)
        expect(rc != 0, f"serve --listen {listen % port} without token: exit 0")
        expect("token" in err and "--token-file" in err and "api.token_file" in err,
               f"serve --listen {listen % port}: the message does not say how to set a token: {err}")
        expect(time.monotonic() - t0 < 20, "refusing took too long")
        expect(not port_listening(port), f"something listens on {port} after the refusal")


def case_bad_start(ctx):
    """Configuration errors stop serve with a message naming the fix."""
    short = write_token(ctx, "short", "short-token")
    empty = ctx.path("empty-token")
    open(empty, "w").close()
    junk = ctx.path("junk.sqlite")
    with open(junk, "wb") as f:
        f.write(b"this is not a database" * 100)
    port = free_port()
    cases = [
        (["--db", ctx.path("missing.sqlite")], "analyze --db"),
        (["--db", junk], "database"),
        (["--db", ctx.db(), "--listen", "localhost"], "ADDR:PORT"),
        (["--db", ctx.db(), "--listen", "127.0.0.1:0"], "1 to 65535"),
        (["--db", ctx.db(), "--listen", "127.0.0.1:70000"], "1 to 65535"),
        (["--db", ctx.db(), "--listen", "::1:%d" % port], "brackets"),
        (["--db", ctx.db(), "--listen", "example.org:%d" % port], "numeric"),
        (["--db", ctx.db(), "--listen", "127.0.0.1:%d" % port, "--token-file", short], "16"),
        (["--db", ctx.db(), "--listen", "127.0.0.1:%d" % port, "--token-file", empty], "empty"),
        (["--db", ctx.db(), "--listen", "127.0.0.1:%d" % port, "--token-file", ctx.path("nope")], "token-file"),
        (["--db", ctx.db(), "--listen", "127.0.0.1:%d" % port, "--tls-cert", ctx.path("c.pem")], "--tls-key"),
        (["--db", ctx.db(), "--listen", "127.0.0.1:%d" % port, "--tls-cert", junk, "--tls-key", junk], "PEM"),
        (["--db", ctx.db(), "--listen", "127.0.0.1:%d" % port, "--policy", ctx.path("nope.tsv")], "nope.tsv"),
    ]
    for args, needle in cases:
        rc, out, err = ctx.run("serve", *args, timeout=30)
        expect(rc in (1, 2), f"serve {' '.join(args)}: exit {rc}, want 1 or 2; stderr {err}")
        expect(needle in err, f"serve {' '.join(args)}: message does not mention {needle!r}: {err}")
    expect(not os.path.exists(ctx.path("missing.sqlite")), "serve created the missing database")
    rc, out, err = ctx.run("serve")
    expect(rc == 2 and "usage" in err, f"serve without --db: {rc} {err}")
    rc, out, err = ctx.run("serve", "--help")
    expect(rc == 0 and "--token-file" in out, "serve --help")


def parse_prometheus(text):
    """A small parser of the text exposition format 0.0.4: families and samples."""
    name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
    label_re = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"'
    sample_re = re.compile(r"^(" + name_re + r")(\{(" + label_re + r"(," + label_re + r")*)?,?\})? "
                           r"([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|Inf))( -?[0-9]+)?$")
    types, helps, samples = {}, {}, []
    expect(text.endswith("\n"), "metrics do not end with a newline")
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("# HELP "):
            m = re.match(r"^# HELP (" + name_re + r") (.*)$", line)
            expect(m, f"metrics line {n}: bad HELP: {line}")
            expect(m.group(1) not in helps, f"metrics line {n}: second HELP for {m.group(1)}")
            helps[m.group(1)] = m.group(2)
        elif line.startswith("# TYPE "):
            m = re.match(r"^# TYPE (" + name_re + r") (counter|gauge|histogram|summary|untyped)$", line)
            expect(m, f"metrics line {n}: bad TYPE: {line}")
            expect(m.group(1) not in types, f"metrics line {n}: second TYPE for {m.group(1)}")
            expect(not any(s[0] == m.group(1) for s in samples), f"metrics line {n}: TYPE after samples")
            types[m.group(1)] = m.group(2)
        elif line.startswith("#") or line == "":
            continue
        else:
            m = sample_re.match(line)
            expect(m, f"metrics line {n}: not a sample: {line}")
            labels = dict(re.findall(label_re, m.group(3) or ""))
            samples.append((m.group(1), labels, float(m.group(9))))
    for name, _, _ in samples:
        expect(name in types, f"sample {name} has no TYPE")
    seen = set()
    for name, labels, _ in samples:
        key = (name, tuple(sorted(labels.items())))
        expect(key not in seen, f"sample {key} twice")
        seen.add(key)
    return types, samples


def case_metrics(ctx):
    """/metrics is Prometheus text with the database's counts."""
    analyzed = ctx.analyzed()
    with Server(ctx, ctx.db()) as srv:
        srv.get_json("/api/v1/health")
        r = srv.request("/metrics")
        expect(r.status == 200, f"metrics: {r.status}")
        types, samples = parse_prometheus(r.body.decode("utf-8"))
        for name in types:
            expect(name.startswith("herkomst_"), f"metric {name} is not prefixed herkomst_")
        val = {(n, tuple(sorted(l.items()))): v for n, l, v in samples}
        expect(val.get(("herkomst_devices", ())) == len(analyzed["devices"]), "herkomst_devices")
        expect(val.get(("herkomst_packets_total", ())) == sum(c["packets"] for c in analyzed["captures"]),
               "herkomst_packets_total")
        expect(val.get(("herkomst_bytes_total", ())) == sum(c["bytes"] for c in analyzed["captures"]),
               "herkomst_bytes_total")
        expect(val.get(("herkomst_captures", ())) == len(analyzed["captures"]), "herkomst_captures")
        expect(val.get(("herkomst_database_up", ())) == 1, "herkomst_database_up")
        expect(types.get("herkomst_packets_total") == "counter" and types.get("herkomst_devices") == "gauge",
               f"types: {types}")
        expect(val.get(("herkomst_api_requests_total", (("code", "2xx"),)), 0) >= 1, "api_requests_total")
        expect(any(n == "herkomst_build_info" and l.get("version") == analyzed["herkomst"] for n, l, _ in samples),
               "build_info")


def case_openapi(ctx):
    """The served OpenAPI document is docs/openapi.json, valid, with every route."""
    src = os.environ.get("HERKOMST_SOURCE_DIR")
    with Server(ctx, ctx.db()) as srv:
        r = srv.request("/api/v1/openapi.json")
        expect(r.status == 200, f"openapi: {r.status}")
        doc = r.json()
    expect(doc.get("openapi", "").startswith("3.0."), f"openapi version {doc.get('openapi')}")
    expect(doc.get("info", {}).get("title") and doc["info"].get("version"), "openapi: info")
    for route in ROUTES:
        expect(route in doc.get("paths", {}), f"openapi: route {route} is not listed")
        expect("get" in doc["paths"][route] and "200" in doc["paths"][route]["get"]["responses"],
               f"openapi: {route} has no GET 200")
    for path in doc["paths"]:
        expect(path in ROUTES, f"openapi lists {path}, which this test does not know")
    # every $ref points at a schema that exists
    refs = re.findall(r'"\$ref": "#/components/schemas/([A-Za-z]+)"', json.dumps(doc))
    for name in refs:
        expect(name in doc["components"]["schemas"], f"openapi: $ref to missing schema {name}")
    params = {p["name"] for p in doc["paths"]["/api/v1/devices"]["get"]["parameters"]}
    expect(params == {"country", "manufacturer", "role", "protocol", "flagged", "since", "q", "evidence", "limit",
                      "offset", "site", "sensor"}, f"openapi devices parameters: {params}")
    if src:
        with open(os.path.join(src, "docs", "openapi.json"), "rb") as f:
            expect(json.loads(f.read()) == doc, "the served document is not docs/openapi.json")


def make_tls(ctx):
    openssl = shutil.which("openssl")
    if not openssl:
        raise Skip("no openssl to make a test certificate")
    cert, key = ctx.path("cert.pem"), ctx.path("key.pem")
    p = subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True, timeout=60, check=False)
    if p.returncode != 0:
        raise Skip(f"openssl could not make a certificate: {p.stderr.decode()[-200:]}")
    return cert, key


def case_tls(ctx):
    """--tls-cert/--tls-key serve HTTPS; plain HTTP to it gets nothing."""
    cert, key = make_tls(ctx)
    tls = ssl.create_default_context(cafile=cert)
    tok = write_token(ctx)
    with Server(ctx, ctx.db(), "--tls-cert", cert, "--tls-key", key, "--token-file", tok, tls_context=tls) as srv:
        h = srv.get_json("/api/v1/health", token=TOKEN)
        expect(h["tls"] is True and h["auth"] is True, f"health over TLS: {h}")
        check_error(srv.request("/api/v1/devices"), 401, "TLS without token")
        expect(srv.get_json("/api/v1/devices", token=TOKEN)["total"] == len(ctx.analyzed()["devices"]), "TLS devices")
        plain = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        try:
            plain.request("GET", "/api/v1/health")
            r = plain.getresponse()
            body = r.read()
            expect(r.status != 200 or b'"status"' not in body, "plain HTTP answered on the TLS port")
        except (OSError, http.client.HTTPException):
            pass
        finally:
            plain.close()
        expect("https://" in srv.stderr(), f"serve does not say https: {srv.stderr()}")


def case_ipv6_loopback(ctx):
    """[::1]:PORT is loopback: no token needed."""
    if not socket.has_ipv6:
        raise Skip("no IPv6")
    try:
        free_port(socket.AF_INET6, "::1")
    except OSError:
        raise Skip("no ::1 on this host")
    with Server(ctx, ctx.db(), host="::1") as srv:
        expect(srv.get_json("/api/v1/health")["status"] == "ok", "health on ::1")
        r = srv.request("/api/v1/health", headers={"Host": "[::1]:%d" % srv.port})
        expect(r.status == 200, f"Host [::1]: {r.status}")


def case_reads_while_writing(ctx):
    """The database is read per request, also while analyze writes to it (WAL)."""
    db, first = ctx.make_db("live.sqlite", ctx.plant)
    shared = ctx.shared_capture()
    with Server(ctx, db) as srv:
        n0 = srv.get_json("/api/v1/health")["devices"]
        expect(n0 == len(first["devices"]), "health before the write")
        writer = subprocess.Popen([ctx.exe, "analyze", "--no-progress", "--quiet", "--force", "--db", db, ctx.plant]
                                  + ([shared] if shared else []),
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        answered = 0
        try:
            for _ in range(400):  # bounded; stops as soon as the writer is done
                for path in ("/api/v1/health", "/api/v1/devices?limit=5", "/api/v1/summary"):
                    r = srv.request(path)
                    expect(r.status == 200, f"{path} during a write: {r.status} {r.body[:300]!r}")
                    answered += 1
                if writer.poll() is not None:
                    break
            _, err = writer.communicate(timeout=TIMEOUT)
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
        expect(writer.returncode == 0, f"analyze while serving: exit {writer.returncode}: {err[-300:]!r}")
        expect(answered >= 3, "no request was answered")
        h = srv.get_json("/api/v1/health")
        rc, out, err = ctx.run("analyze", "--no-progress", "--db", db, "--format", "json", ctx.plant)
        now = json.loads(out)["devices"]
        expect(h["devices"] == len(now), f"health after the write: {h['devices']}, database {len(now)}")
        if shared:
            expect(h["devices"] > n0, "the new capture's devices do not appear without a restart")
        listed, _ = all_pages(srv, {"evidence": "true"}, 1000)
        expect(listed == now, "devices after the write differ from analyze's " + first_difference(listed, now))


def case_shared_capture(ctx):
    """Devices of a shared capture are served as analyze sees them."""
    shared = ctx.shared_capture()
    if not shared:
        raise Skip(f"{SHARED_CAPTURE} not in $HERKOMST_SHARED_DIR/pcaps")
    db, alone = ctx.make_db("shared.sqlite", shared)
    with Server(ctx, db) as srv:
        for d in alone["devices"]:
            expect(srv.get_json(f"/api/v1/devices/{d['id']}") == d, f"shared device {d['id']} differs")
        s = srv.get_json("/api/v1/summary")
        expect(s["devices"] == len(alone["devices"]), "shared summary")


def case_sighup_reload(ctx):
    """SIGHUP reloads the knowledge and keeps serving."""
    with Server(ctx, ctx.db()) as srv:
        before = srv.get_json("/api/v1/devices?evidence=true&limit=1000")
        srv.proc.send_signal(signal.SIGHUP)
        for _ in range(100):
            if "reload" in srv.stderr():
                break
            time.sleep(0.05)
        expect("reloaded" in srv.stderr(), f"no reload message: {srv.stderr()}")
        expect(srv.get_json("/api/v1/devices?evidence=true&limit=1000") == before, "devices changed on reload")


# --- the dashboard ------------------------------------------------------------------

def chromium():
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    raise Skip("no chromium (apt-get install chromium)")


def chrome_run(ctx, url, *mode, budget=10000):
    exe = chromium()
    profile = tempfile.mkdtemp(prefix="hk-chrome-", dir=ctx.tmp)
    argv = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
            "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,2000",
            f"--virtual-time-budget={budget}"] + list(mode) + [url]
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT, check=False)
    if p.returncode != 0:
        raise Fail(f"chromium exit {p.returncode}: {p.stderr.decode('utf-8', 'replace')[-800:]}")
    return p.stdout.decode("utf-8", "replace")


def rows_of(dom):
    """The device ids of the inventory table in a dumped DOM."""
    m = re.search(r'<table id="devices">(.*?)</table>', dom, re.S)
    expect(m, "no devices table in the DOM")
    return [int(x) for x in re.findall(r'<tr data-id="(\d+)"', m.group(1))]


def rows_table(dom):
    m = re.search(r'<table id="devices">(.*?)</table>', dom, re.S)
    return m.group(1) if m else ""


def artifact_dir(ctx):
    b = os.environ.get("HERKOMST_BUILD_DIR")
    d = os.path.join(b, "tests", "api") if b else ctx.tmp
    os.makedirs(d, exist_ok=True)
    return d


def case_dashboard(ctx):
    """The dashboard shows the inventory, the chart, flagged devices, and filters from its URL."""
    chromium()
    devs = ctx.analyzed()["devices"]
    with Server(ctx, ctx.db()) as srv:
        base = f"http://127.0.0.1:{srv.port}/"
        dom = chrome_run(ctx, base, "--dump-dom")
        expect('data-loaded="true"' in dom, "the dashboard did not finish loading: " + dom[:500])
        expect(rows_of(dom) == [d["id"] for d in devs][:100], f"rows {rows_of(dom)}")
        for d in devs:
            if d["manufacturer"]:
                expect(html_text(d["manufacturer"]) in dom, f"manufacturer {d['manufacturer']} not shown")
        chart = re.search(r'<div id="chart"[^>]*>(.*?)</div>', dom, re.S)
        expect(chart and "<svg" in chart.group(1), "no SVG chart")
        summary = srv.get_json("/api/v1/summary")
        bars = re.findall(r'<g class="bar" data-country="([^"]+)"', chart.group(1))
        expect(bars == [c["country"] or "none" for c in summary["countries"]], f"chart bars {bars}")
        flagged = [d for d in devs if d.get("flagged")]
        cards = re.findall(r'<details class="card" data-id="(\d+)"', dom)
        expect([int(x) for x in cards] == [d["id"] for d in flagged][:20], f"flagged cards {cards}")
        if not flagged:
            expect("No device is flagged." in dom, "no flagged message")

        plc = [d["id"] for d in devs if d["role"] == "plc"]
        dom = chrome_run(ctx, base + "?role=plc", "--dump-dom")
        expect(rows_of(dom) == plc, f"/?role=plc rows {rows_of(dom)}, want {plc}")
        cc = next(country_of(d) for d in devs if country_of(d))
        dom = chrome_run(ctx, base + "?country=" + cc, "--dump-dom")
        expect(rows_of(dom) == [d["id"] for d in devs if country_of(d) == cc], f"/?country={cc} rows")
        dom = chrome_run(ctx, base + "?manufacturer=no-such-maker", "--dump-dom")
        expect(rows_of(dom) == [] and "No device matches" in dom, "no match message")

        shot = os.path.join(artifact_dir(ctx), "dashboard.png")
        if os.path.exists(shot):
            os.unlink(shot)
        chrome_run(ctx, base, f"--screenshot={shot}")
        expect(os.path.getsize(shot) > 10000, "screenshot is (nearly) empty")
        with open(shot, "rb") as f:
            expect(f.read(8) == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG")
        print(f"  screenshot: {shot}")


def html_text(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def dhcp_frame(mac, hostname, vendor_class):
    """An Ethernet/IPv4/UDP DHCPDISCOVER carrying a host name and vendor class."""
    opts = bytes([53, 1, 1]) + bytes([12, len(hostname)]) + hostname + bytes([60, len(vendor_class)]) + vendor_class \
        + bytes([55, 3, 1, 3, 6]) + bytes([255])
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 0x1234, 0, 0x8000, b"\0" * 4, b"\0" * 4,
                        b"\0" * 4, b"\0" * 4, mac + b"\0" * 10, b"\0" * 64, b"\0" * 128) + b"\x63\x82\x53\x63" + opts
    udp = struct.pack("!HHHH", 68, 67, 8 + len(bootp), 0) + bootp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, b"\0\0\0\0", b"\xff\xff\xff\xff")
    csum = 0
    for i in range(0, 20, 2):
        csum += (ip[i] << 8) | ip[i + 1]
    csum = (csum & 0xffff) + (csum >> 16)
    csum = (csum & 0xffff) + (csum >> 16)
    ip = ip[:10] + struct.pack("!H", ~csum & 0xffff) + ip[12:]
    return b"\xff" * 6 + mac + b"\x08\x00" + ip + udp


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(casekit.pcap_bytes(frames, 1772438400))


HOSTILE = b"<img src=x onerror=alert(1)><b>evil</b>"


def case_dashboard_escapes(ctx):
    """Text from the network reaches the page as text, never as markup."""
    chromium()
    pcap = ctx.path("hostile.pcap")
    write_pcap(pcap, [dhcp_frame(b"\x00\x1b\x1b\x01\x02\x03", HOSTILE, b'"><script>alert(2)</script>')])
    db, analyzed = ctx.make_db("hostile.sqlite", pcap)
    names = [n for d in analyzed["devices"] for n in d["hostnames"]]
    expect(any("<img" in n for n in names), f"the DHCP host name did not reach the inventory: {names}")
    d = next(x for x in analyzed["devices"] if any("<img" in n for n in x["hostnames"]))
    with Server(ctx, db) as srv:
        base = f"http://127.0.0.1:{srv.port}/"
        # the table (host name column) and the device panel (evidence) of a deep link
        dom = chrome_run(ctx, base + "?q=evil&device=" + str(d["id"]), "--dump-dom")
        expect(rows_of(dom) == [d["id"]], f"q=evil rows {rows_of(dom)}")
        panel = re.search(r'<section id="detail">(.*?)</section>', dom, re.S)
        expect(panel and "evidence" in panel.group(1), "?device= did not open the device panel")
        expect(html_text(HOSTILE.decode()) in rows_table(dom), "the host name is not shown as text in the table")
        expect(html_text(HOSTILE.decode()) in panel.group(1), "the host name is not shown as text in the panel")
        expect("<img src=" not in dom and "<script>alert" not in dom and "<b>evil" not in dom,
               "hostile markup entered the DOM")
        r = srv.request(f"/api/v1/devices/{d['id']}")
        expect(b"<img" in r.body and r.header("Content-Type") == "application/json",
               "the API serves the value as JSON text")


def case_dashboard_token(ctx):
    """With a token, the dashboard asks for it and shows no data without it."""
    chromium()
    tok = write_token(ctx)
    with Server(ctx, ctx.db(), "--token-file", tok) as srv:
        dom = chrome_run(ctx, f"http://127.0.0.1:{srv.port}/", "--dump-dom")
        form = re.search(r'<form id="auth"([^>]*)>', dom)
        expect(form and "hidden" not in form.group(1), "the token form is not shown")
        expect(rows_of(dom) == [], "devices shown without the token")
        expect("token needed" in dom, "the status does not say a token is needed")


CASES = {
    "routes-shape": case_routes_shape,
    "device-equals-analyze": case_device_equals_analyze,
    "filters": case_filters,
    "pagination": case_pagination,
    "bad-parameters": case_bad_parameters,
    "not-found-and-methods": case_not_found_and_methods,
    "token-auth": case_token_auth,
    "nonloopback-refused": case_nonloopback_refused,
    "bad-start": case_bad_start,
    "metrics": case_metrics,
    "openapi": case_openapi,
    "tls": case_tls,
    "ipv6-loopback": case_ipv6_loopback,
    "reads-while-writing": case_reads_while_writing,
    "shared-capture": case_shared_capture,
    "sighup-reload": case_sighup_reload,
    "dashboard": case_dashboard,
    "dashboard-escapes": case_dashboard_escapes,
    "dashboard-token": case_dashboard_token,
}


if __name__ == "__main__":
    sys.exit(casekit.main(sys.argv, __doc__, CASES, Ctx,
                          paths=2, prefix="hk-api-", per_case=False))
