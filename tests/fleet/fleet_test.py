#!/usr/bin/env python3
"""Sensors shipping to a central PostgreSQL (docs/fleet.md), against a real,
throwaway PostgreSQL server (tests/fleet/pg-cluster.sh: initdb in a
temporary directory, loopback only, fsync off).

usage: fleet_test.py HERKOMST [CASE...]   run the cases (all when none given)
       fleet_test.py --list               print the case names (meson reads it)

Cases without a daemon ship SQLite stores made by `herkomst analyze` of real
captures from $HERKOMST_SHARED_DIR/pcaps with `herkomst ship`. The daemon
cases (names starting with "daemon-") run `herkomst run` on a veth pair in
network namespaces of their own, fed by tcpreplay (tests/daemon/daemon_e2e.py
does the namespaces), and reach PostgreSQL through its unix socket (a socket
is a file: it crosses network namespaces, and nothing listens anywhere but
on loopback).

Skips (exit 77) without the PostgreSQL server binaries (Debian package
postgresql), without the shared captures, and for the daemon cases without
root, ip netns or tcpreplay. Each case prints PASS, FAIL or SKIP; the run
ends with "N passed, M failed, K skipped".
"""
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
import daemon_e2e as e2e  # noqa: E402  (namespaces, tcpreplay, the daemon)
sys.path.insert(0, os.path.join(HERE, ".."))
import casekit  # noqa: E402  (tests/casekit.py: the runner, Fail, Skip, expect)
from casekit import EXIT_SKIP, Fail, Skip, expect  # noqa: E402

TIMEOUT = 120
CLUSTER = os.path.join(HERE, "pg-cluster.sh")

# Captures whose devices overlap: the same MACs and the same IP-only device
# (a host behind the gateway) in both, as two sites of one company would see
# a roaming laptop and a shared cloud host.
SITE_A_PCAP = "zeek_get.pcap"
SITE_B_PCAP = "zeek_vlan-collisions.pcap"
# The same private address (192.168.0.1) as an IP-only device in both.
PRIVATE_A_PCAP = "ndpi_mqtt.pcap"
PRIVATE_B_PCAP = "icsnpp-fins_omron_fins_tcp_commands_responses.pcap"
# The central schema's migrations, as the binary embeds them.
PG_MIGRATIONS = sorted(f for f in os.listdir(os.path.join(HERE, "..", "..", "db", "pg"))
                       if re.fullmatch(r"\d{4}_[a-z0-9_]+\.sql", f))
# Two captures for outages: one before, one during.
OUTAGE_PCAPS = ("iti_modbus_test.pcap", "arkime_modbus.pcap")


def sh(*argv, check=True, env=None, timeout=TIMEOUT):
    p = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=timeout, check=False,
                       env=env, stdin=subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise Fail(f"{' '.join(str(a) for a in argv)}: exit {p.returncode}:\n{p.stdout[-1000:]}{p.stderr[-1500:]}")
    return p


# ---- the cluster -------------------------------------------------------------

class Cluster:
    def __init__(self, ctx, tls=False):
        self.dir = ctx.path("pg" + ("-tls" if tls else ""))
        p = sh(CLUSTER, "start", *(["--tls"] if tls else []), self.dir, check=False)
        if p.returncode == EXIT_SKIP:
            raise Skip(p.stderr.strip())
        if p.returncode != 0:
            raise Fail(f"pg-cluster.sh start: {p.stderr.strip()}")
        self.conninfo = p.stdout.strip()
        self.password_file = os.path.join(self.dir, "password")
        self.port = int(open(os.path.join(self.dir, "port")).read())
        ctx.clusters.append(self)

    @property
    def socket_conninfo(self):
        """Through the unix socket in the cluster's directory (trust auth)."""
        return f"host={self.dir} port={self.port} dbname=herkomst user=hk_admin"

    def sql(self, query, check=True):
        """Rows of a query as tuples of strings (NULL as None)."""
        p = sh(CLUSTER, "psql", self.dir, "-At", "-F", "\x1f", "-P", "null=<NULL>", "-c", query, check=check)
        if not check:
            return p
        return [tuple(None if c == "<NULL>" else c for c in line.split("\x1f"))
                for line in p.stdout.splitlines() if line]

    def one(self, query):
        rows = self.sql(query)
        expect(len(rows) == 1 and len(rows[0]) == 1, f"{query}: {rows}")
        return rows[0][0]

    def stop(self):
        sh(CLUSTER, "stop", self.dir)

    def restart(self):
        sh(CLUSTER, "restart", self.dir)

    def destroy(self):
        sh(CLUSTER, "destroy", self.dir, check=False)


# ---- the sensor side ---------------------------------------------------------

class Ctx:
    def __init__(self, exe, tmp):
        self.exe, self.tmp = exe, tmp
        self.clusters = []
        self.daemons = []
        self.shared = os.environ.get("HERKOMST_SHARED_DIR", "")
        self.source = os.environ.get("HERKOMST_SOURCE_DIR", os.path.join(HERE, "..", ".."))

    def path(self, name):
        return os.path.join(self.tmp, name)

    def pcap(self, name):
        p = os.path.join(self.shared, "pcaps", name)
        if not self.shared or not os.path.exists(p):
            raise Skip(f"no {name} in $HERKOMST_SHARED_DIR/pcaps")
        return p

    def all_pcaps(self):
        d = os.path.join(self.shared, "pcaps")
        if not self.shared or not os.path.isdir(d):
            raise Skip("no $HERKOMST_SHARED_DIR/pcaps")
        return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith((".pcap", ".pcapng")))

    def conf(self, name, cluster, site, sensor, conninfo=None, password_file=None, extra=""):
        p = self.path(name)
        pw = cluster.password_file if password_file is None else password_file
        with open(p, "w") as f:
            f.write("# written by fleet_test.py\n"
                    f"[data]\nsignatures = {os.path.join(self.source, 'signatures')}\n"
                    "[central]\n"
                    f"conninfo = {conninfo or cluster.conninfo}\n"
                    + (f"password_file = {pw}\n" if pw else "")
                    + f"site = {site}\nsensor_id = {sensor}\n" + extra)
        return p

    def hk(self, *args, check=True):
        return sh(self.exe, *args, check=check)

    def analyze(self, db, *pcaps):
        self.hk("analyze", "-q", "--no-progress", "--force", "--db", db, "--format", "json", *pcaps)
        return db

    def ship(self, db, conf, *extra, check=True):
        p = self.hk("ship", "--db", db, "--config", conf, *extra, check=check)
        m = re.search(r"shipped (\d+) devices? in (\d+) transactions? \((\d+) rows written\).* (\d+) waiting",
                      p.stdout)
        if check:
            expect(m, f"herkomst ship printed: {p.stdout!r}")
        return p, (tuple(int(x) for x in m.groups()) if m else None)

    def migrate(self, cluster):
        return self.hk("fleet", "migrate", "--pg", cluster.conninfo, "--password-file", cluster.password_file)

    def cleanup(self):
        for d in self.daemons:
            if d.proc.poll() is None:
                d.proc.kill()
                d.proc.wait(timeout=10)
            if not d.logf.closed:
                d.logf.close()
        for c in self.clusters:
            c.destroy()


def sqlite_view(db):
    """key -> (packets, bytes, {(attribute, value, source): count}) of a sensor's store."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        out = {k: (p, b, {}) for k, p, b in con.execute("SELECT key, packets, bytes FROM devices")}
        for k, a, v, s, n in con.execute("SELECT d.key, e.attribute, e.value, e.source, e.count"
                                         " FROM evidence e JOIN devices d ON d.id = e.device_id"):
            out[k][2][(a, v, s)] = n
        return out
    finally:
        con.close()


def sqlite_annotations(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return {(k, kind): (v, None if s is None else bool(s))
                for k, kind, v, s in con.execute("SELECT device_key, kind, value, sufficient FROM annotations")}
    finally:
        con.close()


def central_view(cluster, sensor):
    """The same view of what one sensor shipped, read from PostgreSQL."""
    out = {}
    for k, p, b in cluster.sql("SELECT d.key, s.packets, s.bytes FROM device_sightings s"
                               f" JOIN devices d ON d.id = s.device_id WHERE s.sensor_id = '{sensor}'"):
        expect(k not in out, f"central: {k} has two sightings of sensor {sensor}")
        out[k] = (int(p), int(b), {})
    for k, a, v, s, n in cluster.sql("SELECT d.key, e.attribute, e.value, e.source, e.count FROM evidence e"
                                     f" JOIN devices d ON d.id = e.device_id WHERE e.sensor_id = '{sensor}'"):
        expect(k in out, f"central: evidence of {k} without a sighting")
        out[k][2][(a, v, s)] = int(n)
    return out


def expect_same(cluster, sensor, db, what):
    want, got = sqlite_view(db), central_view(cluster, sensor)
    if want != got:
        diff = [k for k in sorted(set(want) | set(got)) if want.get(k) != got.get(k)]
        detail = [f"{k}: sensor {want.get(k)!r:.300} central {got.get(k)!r:.300}" for k in diff[:5]]
        raise Fail(f"{what}: central and sensor differ in {len(diff)} devices:\n  " + "\n  ".join(detail))
    expect(want, f"{what}: the sensor has no devices")


def central_dump(cluster):
    """Everything the sensors wrote, except the sensors' heartbeat (last_seen)."""
    q = [
        "SELECT sensor_id, site, hostname, version, first_seen, shipped_rev FROM sensors ORDER BY 1",
        "SELECT id, scope, key FROM devices ORDER BY 1",
        "SELECT * FROM device_sightings ORDER BY device_id, sensor_id",
        "SELECT * FROM evidence ORDER BY device_id, sensor_id, attribute, value, source",
        "SELECT * FROM annotations ORDER BY device_id, sensor_id, kind",
        "SELECT * FROM assessments ORDER BY device_id, sensor_id",
        "SELECT last_value FROM devices_id_seq",
        "SELECT key, value FROM hk_meta ORDER BY 1",
    ]
    return [cluster.sql(x) for x in q]


def watermark(db, target):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        row = con.execute("SELECT watermark FROM ship_targets WHERE target = ?", (target,)).fetchone()
        return row[0] if row else 0
    finally:
        con.close()


# ---- cases without a daemon --------------------------------------------------

def case_migrate(ctx):
    """The schema on an empty cluster: applied once, under the lock, recorded;
    sensors refuse a database without it or with a newer one."""
    c = Cluster(ctx)
    db = ctx.analyze(ctx.path("a.sqlite"), ctx.pcap(SITE_A_PCAP))
    conf = ctx.conf("s.conf", c, "north", "s1")
    p, _ = ctx.ship(db, conf, check=False)
    expect(p.returncode == 1 and "no herkomst schema" in p.stderr and "fleet migrate" in p.stderr,
           f"ship before migrate: exit {p.returncode}: {p.stderr}")
    # two administrators at once: one applies, the other waits and finds it done
    procs = [subprocess.Popen([ctx.exe, "fleet", "migrate", "--pg", c.conninfo, "--password-file",
                               c.password_file], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [pr.communicate(timeout=60) for pr in procs]
    expect(all(pr.returncode == 0 for pr in procs), f"concurrent migrations: {outs}")
    said = sorted(o[0].strip() for o in outs)
    n = len(PG_MIGRATIONS)
    expect("nothing to do" in said[0] and
           f"now version {n} ({n} migration{'s' if n > 1 else ''} applied, from version 0)" in said[1],
           f"concurrent migrations said {said}")
    meta = dict(c.sql("SELECT key, value FROM hk_meta"))
    expect(meta.get("schema_version") == str(n), f"hk_meta: {meta}")
    for i, name in enumerate(PG_MIGRATIONS, 1):
        expect(meta.get(f"migration_{i:04d}", "").startswith(name), f"hk_meta: {meta}")
    expect(re.fullmatch(r"[0-9a-f-]{36}", meta.get("database_id", "")), f"hk_meta: {meta}")
    tables = {r[0] for r in c.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    expect(tables == {"hk_meta", "sensors", "devices", "device_sightings", "evidence", "annotations",
                      "assessments"}, f"tables: {tables}")
    p = ctx.hk("fleet", "status", "--config", conf)
    expect(f"schema version {n} (this herkomst: {n})" in p.stdout, f"fleet status: {p.stdout}")
    ctx.ship(db, conf)
    # a database made by a newer herkomst: refused, nothing written
    # an older schema (as if this herkomst were newer): refused, says to migrate
    c.sql(f"UPDATE hk_meta SET value = '{n - 1}' WHERE key = 'schema_version'")
    p, _ = ctx.ship(db, conf, check=False)
    if n > 1:
        expect(p.returncode == 1 and f"version {n - 1}, this herkomst" in p.stderr and "fleet migrate" in p.stderr,
               f"ship to an older schema: exit {p.returncode}: {p.stderr}")
    c.sql(f"UPDATE hk_meta SET value = '{n}' WHERE key = 'schema_version'")
    c.sql("UPDATE hk_meta SET value = '99' WHERE key = 'schema_version'")
    before = central_dump(c)
    ctx.analyze(db, ctx.pcap(SITE_B_PCAP))
    p, _ = ctx.ship(db, conf, check=False)
    expect(p.returncode == 1 and "newer than this herkomst" in p.stderr and "upgrade herkomst" in p.stderr,
           f"ship to a newer schema: exit {p.returncode}: {p.stderr}")
    p = ctx.hk("fleet", "migrate", "--pg", c.conninfo, "--password-file", c.password_file, check=False)
    expect(p.returncode == 1 and "newer" in p.stderr, f"migrate a newer schema: {p.returncode} {p.stderr}")
    expect(central_dump(c)[1:] == before[1:], "a refused shipment changed the central tables")


def case_replay(ctx):
    """All shared captures in one store, shipped; the central holds exactly the
    sensor's devices and evidence; shipping again, and everything again
    (--full), writes nothing and changes nothing."""
    c = Cluster(ctx)
    ctx.migrate(c)
    db = ctx.analyze(ctx.path("all.sqlite"), *ctx.all_pcaps())
    conf = ctx.conf("s.conf", c, "north", "s1", extra="batch_max = 500\n")
    _, (devs, batches, rows, waiting) = ctx.ship(db, conf)
    n = len(sqlite_view(db))
    expect(devs == n and waiting == 0 and batches > 1 and rows > n,
           f"first shipment: {devs} devices of {n}, {batches} transactions, {rows} rows, {waiting} waiting")
    expect_same(c, "s1", db, "after shipping")
    nver = c.one("SELECT count(*) FROM assessments WHERE sensor_id = 's1'")
    expect(int(nver) == n, f"{nver} assessments for {n} devices")
    expect(c.one("SELECT count(*) FROM assessments WHERE verdict NOT IN ('flagged','partial','clear','unknown')")
           == "0", "assessment verdicts")
    sample = json.loads(c.one("SELECT criteria FROM assessments LIMIT 1"))
    expect({"criteria", "verdict", "origin"} <= set(sample), f"criteria text: {sample}")
    dump = central_dump(c)
    _, again = ctx.ship(db, conf)
    expect(again == (0, 0, 0, 0), f"nothing changed, yet: {again}")
    _, full = ctx.ship(db, conf, "--full")
    expect(full[0] == n and full[2] == 0, f"--full replay: {full} (want {n} devices, 0 rows written)")
    expect(central_dump(c) == dump, "a replay changed the central tables")
    # the sensor's own verdict is the one analyze gives
    out = json.loads(ctx.hk("report", "--db", db, "--format", "json",
                            "--signatures", os.path.join(ctx.source, "signatures")).stdout)
    want = {e2e.device_key(d): d["verdict"] for d in out["devices"]}
    got = dict(c.sql("SELECT d.key, a.verdict FROM assessments a JOIN devices d ON d.id = a.device_id"))
    expect(got == want, "central verdicts differ from analyze's: " +
           str([(k, want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)][:5]))


def case_watermark(ctx):
    """A batch that fails to commit leaves the watermark where it was: what
    committed before stays, the rest ships on the next run."""
    c = Cluster(ctx)
    ctx.migrate(c)
    db = ctx.analyze(ctx.path("all.sqlite"), *ctx.all_pcaps())
    n = len(sqlite_view(db))
    conf = ctx.conf("s.conf", c, "north", "s1", extra="batch_max = 200\n")
    # the central refuses the transaction that would pass 300 sightings
    c.sql("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
          " IF (SELECT count(*) FROM device_sightings) > 300 THEN RAISE EXCEPTION 'test: refused'; END IF;"
          " RETURN NULL; END $$;"
          " CREATE CONSTRAINT TRIGGER refuse AFTER INSERT ON device_sightings DEFERRABLE INITIALLY DEFERRED"
          " FOR EACH ROW EXECUTE FUNCTION refuse()")
    p, _ = ctx.ship(db, conf, check=False)
    expect(p.returncode == 1 and "test: refused" in p.stderr, f"ship: exit {p.returncode}: {p.stderr}")
    wm = watermark(db, "s1/north")
    shipped = int(c.one("SELECT count(*) FROM device_sightings"))
    expect(0 < shipped <= 300 and wm > 0, f"{shipped} devices committed, watermark {wm}")
    con = sqlite3.connect(db)
    below = {k for (k,) in con.execute("SELECT device_key FROM changes WHERE rev <= ?", (wm,))}
    con.close()
    central = {k for (k,) in c.sql("SELECT d.key FROM devices d JOIN device_sightings s ON s.device_id = d.id")}
    expect(central == below, f"central has {len(central)} devices, the watermark covers {len(below)}")
    c.sql("DROP TRIGGER refuse ON device_sightings")
    _, res = ctx.ship(db, conf)
    expect(res[0] == n - len(below) and res[3] == 0, f"the rest: {res}, want {n - len(below)} devices")
    expect_same(c, "s1", db, "after the second run")


def case_annotations(ctx):
    """Annotations go with their device; a removed one is removed centrally;
    an ownership correction changes the sensor's shipped verdict."""
    c = Cluster(ctx)
    ctx.migrate(c)
    db = ctx.analyze(ctx.path("a.sqlite"), ctx.pcap(SITE_A_PCAP))
    conf = ctx.conf("s.conf", c, "north", "s1")
    ctx.ship(db, conf)
    key = sorted(k for k in sqlite_view(db) if k.startswith("mac:"))[0]
    ctx.hk("annotate", "--db", db, key, "--mitigation", "own VLAN, no route out", "--note", "in rack 4")
    _, res = ctx.ship(db, conf)
    expect(res[0] == 1 and res[2] >= 2, f"after annotating: {res}")
    q = ("SELECT a.kind, a.value, a.sufficient FROM annotations a JOIN devices d ON d.id = a.device_id"
         f" WHERE d.key = '{key}' ORDER BY 1")
    expect(c.sql(q) == [("mitigation", "own VLAN, no route out", "t"), ("note", "in rack 4", None)],
           f"central annotations: {c.sql(q)}")
    crit = json.loads(c.one("SELECT a.criteria FROM assessments a JOIN devices d ON d.id = a.device_id"
                            f" WHERE d.key = '{key}'"))
    expect(crit["annotations"]["note"]["value"] == "in rack 4", f"criteria: {crit}")
    ctx.hk("annotate", "--db", db, key, "--clear", "note")
    _, res = ctx.ship(db, conf)
    expect(res[0] == 1, f"after clearing: {res}")
    expect(c.sql(q) == [("mitigation", "own VLAN, no route out", "t")], f"after clearing: {c.sql(q)}")
    got = {(k, kind): (v, None if s is None else s == "t") for k, kind, v, s in
           c.sql("SELECT d.key, a.kind, a.value, a.sufficient FROM annotations a JOIN devices d"
                 " ON d.id = a.device_id")}
    expect(got == sqlite_annotations(db), f"central {got} sensor {sqlite_annotations(db)}")


def case_role(ctx):
    """The least-privilege sensor role of db/pg/sensor_role.sql ships; it
    cannot delete devices or evidence, nor create or drop tables."""
    c = Cluster(ctx)
    ctx.migrate(c)
    sql = os.path.join(ctx.source, "db", "pg", "sensor_role.sql")
    tmp = ctx.path("role.sql")
    shutil.copy(sql, tmp)
    os.chmod(tmp, 0o644)
    os.chmod(ctx.tmp, 0o755)
    sh(CLUSTER, "psql", c.dir, "-q", "-v", "role=sensor_north", "-f", tmp)
    pw = ctx.path("sensor.pw")
    with open(pw, "w") as f:
        f.write("s3nsor-secret\n")
    os.chmod(pw, 0o600)
    c.sql("ALTER ROLE sensor_north PASSWORD 's3nsor-secret'")
    ci = c.conninfo.replace("user=hk_admin", "user=sensor_north")
    db = ctx.analyze(ctx.path("a.sqlite"), ctx.pcap(SITE_A_PCAP))
    ctx.hk("annotate", "--db", db, sorted(sqlite_view(db))[0], "--note", "x")
    conf = ctx.conf("s.conf", c, "north", "s1", conninfo=ci, password_file=pw)
    ctx.ship(db, conf)
    expect_same(c, "s1", db, "shipped by the sensor role")
    ctx.hk("annotate", "--db", db, sorted(sqlite_view(db))[0], "--clear", "note")
    ctx.ship(db, conf)
    expect(c.one("SELECT count(*) FROM annotations") == "0", "the role removed an annotation")
    env = dict(os.environ, PGPASSWORD="s3nsor-secret")
    for stmt in ("DELETE FROM devices", "DELETE FROM evidence", "DELETE FROM device_sightings",
                 "CREATE TABLE x (a int)", "DROP TABLE evidence", "TRUNCATE evidence",
                 "UPDATE hk_meta SET value = '2' WHERE key = 'schema_version'"):
        p = sh("psql", ci, "-X", "-v", "ON_ERROR_STOP=1", "-c", stmt, check=False, env=env)
        expect(p.returncode != 0 and ("permission denied" in p.stderr or "must be owner" in p.stderr),
               f"the sensor role may {stmt}: {p.stderr}")
    p = ctx.hk("fleet", "migrate", "--pg", ci, "--password-file", pw, check=False)
    expect(p.returncode == 0 and "nothing to do" in p.stdout, f"migrate as the role on a current schema: {p}")
    # a wrong password: the message says where and what to check
    with open(pw, "w") as f:
        f.write("wrong\n")
    p, _ = ctx.ship(db, conf, check=False)
    expect(p.returncode == 1 and "password authentication failed" in p.stderr and "password_file" in p.stderr
           and f"port {c.port}" in p.stderr, f"wrong password: {p.stderr}")
    os.chmod(pw, 0o644)
    p, _ = ctx.ship(db, conf, check=False)
    expect(p.returncode == 1 and "chmod 0600" in p.stderr, f"a world-readable password file: {p.stderr}")


def case_config(ctx):
    """[central] in herkomst check config: a password inside the conninfo, a
    missing site, a world-readable password file are errors."""
    c = Cluster(ctx)
    bad = [
        (c.conninfo + " password=x", "", "carries a password"),
        ("postgresql://hk_admin:secret@127.0.0.1/herkomst", "", "carries a password"),
        ("host=127.0.0.1 nonsense=1", "", "does not parse"),
    ]
    for ci, extra, msg in bad:
        conf = ctx.conf("bad.conf", c, "north", "s1", conninfo=ci, extra=extra)
        p = ctx.hk("check", "config", conf, check=False)
        expect(p.returncode == 1 and msg in p.stderr, f"{ci}: exit {p.returncode}: {p.stderr}")
    conf = ctx.path("nosite.conf")
    with open(conf, "w") as f:
        f.write(f"[central]\nconninfo = {c.conninfo}\n")
    p = ctx.hk("check", "config", conf, check=False)
    expect(p.returncode == 1 and "site is not" in p.stderr, f"no site: {p.stderr}")
    pw = ctx.path("open.pw")
    with open(pw, "w") as f:
        f.write("x\n")
    os.chmod(pw, 0o644)
    conf = ctx.conf("open.conf", c, "north", "s1", password_file=pw)
    p = ctx.hk("check", "config", conf, check=False)
    expect(p.returncode == 1 and "chmod 0600" in p.stderr, f"readable password file: {p.stderr}")
    conf = ctx.conf("good.conf", c, "north", "s1")
    p = ctx.hk("check", "config", conf, check=False)
    expect("[central]" in p.stdout and "site = north" in p.stdout, f"check config printed: {p.stdout[-600:]}")


def case_tls(ctx):
    """sslmode=verify-full with the CA file ships; a CA that did not sign the
    server's certificate and a plain connection are refused."""
    c = Cluster(ctx, tls=True)
    ctx.migrate(c)
    expect("verify-full" in c.conninfo, c.conninfo)
    db = ctx.analyze(ctx.path("a.sqlite"), ctx.pcap(SITE_A_PCAP))
    conf = ctx.conf("s.conf", c, "north", "s1")
    ctx.ship(db, conf)
    expect_same(c, "s1", db, "over TLS")
    expect(c.one("SELECT count(*) FROM pg_stat_ssl WHERE ssl") != "", "pg_stat_ssl")
    other = ctx.path("other-ca.crt")
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=other",
       "-keyout", ctx.path("other.key"), "-out", other)
    bad = c.conninfo.replace(os.path.join(c.dir, "ca.crt"), other)
    p, _ = ctx.ship(db, ctx.conf("bad.conf", c, "north", "s1", conninfo=bad), check=False)
    expect(p.returncode == 1 and "certificate verify failed" in p.stderr and "sslrootcert" in p.stderr,
           f"wrong CA: {p.stderr}")
    plain = re.sub(r" sslmode=\S+ sslrootcert=\S+", " sslmode=disable", c.conninfo)
    p, _ = ctx.ship(db, ctx.conf("plain.conf", c, "north", "s1", conninfo=plain), check=False)
    expect(p.returncode == 1 and "pg_hba.conf" in p.stderr, f"plain connection: {p.stderr}")


def case_multihost(ctx):
    """A replicated central: the sensor's conninfo lists the hosts with
    target_session_attrs=read-write and ships to the one that takes writes
    (here the first one is down)."""
    c = Cluster(ctx)
    ctx.migrate(c)
    dead = e2e.socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    dead.close()  # nothing listens there now
    ci = (f"host=127.0.0.1,127.0.0.1 port={dead_port},{c.port} dbname=herkomst user=hk_admin"
          " target_session_attrs=read-write connect_timeout=5")
    db = ctx.analyze(ctx.path("a.sqlite"), ctx.pcap(SITE_A_PCAP))
    ctx.ship(db, ctx.conf("s.conf", c, "north", "s1", conninfo=ci))
    expect_same(c, "s1", db, "through a multi-host conninfo")


def case_sites(ctx):
    """Two sensors at two sites: the same private address behind each site's
    gateway is two devices; a MAC seen at both is one device seen twice."""
    c = Cluster(ctx)
    ctx.migrate(c)
    a = ctx.analyze(ctx.path("a.sqlite"), ctx.pcap(PRIVATE_A_PCAP), ctx.pcap(SITE_A_PCAP))
    b = ctx.analyze(ctx.path("b.sqlite"), ctx.pcap(PRIVATE_B_PCAP), ctx.pcap(SITE_B_PCAP))
    ctx.ship(a, ctx.conf("a.conf", c, "site-a", "sensor-a"))
    ctx.ship(b, ctx.conf("b.conf", c, "site-b", "sensor-b"))
    expect_union(c, {"sensor-a": ("site-a", a), "sensor-b": ("site-b", b)}, want_private=True)
    expect_union_report(ctx, c, {"sensor-a": ("site-a", a), "sensor-b": ("site-b", b)})


def expect_union(c, sensors, want_private=False):
    views = {s: sqlite_view(db) for s, (site, db) in sensors.items()}
    for s, (site, db) in sensors.items():
        expect_same(c, s, db, f"sensor {s}")
    (sa, (site_a, _)), (sb, (site_b, _)) = sorted(sensors.items())
    ka, kb = set(views[sa]), set(views[sb])
    macs = {k for k in ka & kb if k.startswith("mac:")}
    ips = {k for k in ka & kb if k.startswith("ip:")}
    expect(macs and ips, f"the captures share no MAC ({len(macs)}) or no IP-only device ({len(ips)})")
    rows = {(k, scope): int(n) for k, scope, n in c.sql(
        "SELECT d.key, d.scope, count(s.sensor_id) FROM devices d"
        " LEFT JOIN device_sightings s ON s.device_id = d.id GROUP BY d.key, d.scope")}
    for k in macs:
        expect(rows.get((k, "")) == 2 and (k, site_a) not in rows and (k, site_b) not in rows,
               f"{k} seen at both sites: {[(x, n) for x, n in rows.items() if x[0] == k]}")
    for k in ips:
        expect(rows.get((k, site_a)) == 1 and rows.get((k, site_b)) == 1 and (k, "") not in rows,
               f"{k} at both sites: {[(x, n) for x, n in rows.items() if x[0] == k]}")
    if want_private:
        priv = [k for k in ips if re.match(r"ip:(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)", k)]
        expect(priv, f"no private IP-only device at both sites among {sorted(ips)}")
    union = {(k, "" if k.startswith("mac:") else site) for s, (site, _) in sensors.items() for k in views[s]}
    expect(set(rows) == union, f"central devices {len(rows)}, union of the sites {len(union)}")
    sites = dict(c.sql("SELECT sensor_id, site FROM sensors"))
    expect(sites == {s: site for s, (site, _) in sensors.items()}, f"sensors: {sites}")


def expect_union_report(ctx, c, sensors):
    """The same through the read side (herkomst report --pg), when it is built."""
    if "--pg" not in ctx.hk("help", "report").stdout:
        print("note: herkomst report has no --pg: the union was checked through SQL only")
        return
    views = {s: sqlite_view(db) for s, (site, db) in sensors.items()}

    def report(*extra):
        out = json.loads(ctx.hk("report", "--pg", c.conninfo, "--pg-password-file", c.password_file,
                                "--format", "json", "--signatures", os.path.join(ctx.source, "signatures"),
                                *extra).stdout)
        got = {}
        for d in out["devices"]:
            k = e2e.device_key(d)
            got.setdefault(k, []).append(tuple(sorted(d["sites"])))
        return got

    got = report()
    for s, (site, _) in sensors.items():
        for k in views[s]:
            expect(any(site in sites for sites in got.get(k, [])), f"report --pg: {k} of {site} missing")
    n = sum(len(v) for v in got.values())
    union = {(k, "" if k.startswith("mac:") else site) for s, (site, _) in sensors.items() for k in views[s]}
    expect(n == len(union), f"report --pg lists {n} devices, the union of the sites is {len(union)}")
    (sa, (site_a, _)), (sb, (site_b, _)) = sorted(sensors.items())
    for k in set(views[sa]) & set(views[sb]):
        want = [(site_a, site_b)] if k.startswith("mac:") else [(site_a,), (site_b,)]
        expect(sorted(got[k]) == want, f"report --pg: {k}: sites {got[k]}, want {want}")
    only_a = report("--site", site_a)
    expect(set(only_a) == set(views[sa]), f"report --pg --site {site_a}: {len(only_a)} keys, the sensor has "
                                          f"{len(views[sa])}")


def case_outage(ctx):
    """herkomst ship runs while PostgreSQL stops and starts again (clean stop
    and a crash): nothing is lost, nothing is duplicated."""
    c = Cluster(ctx)
    ctx.migrate(c)
    db = ctx.path("s.sqlite")
    conf = ctx.conf("s.conf", c, "north", "s1", extra="batch_max = 50\n")
    ctx.analyze(db, ctx.pcap(OUTAGE_PCAPS[0]))
    ctx.ship(db, conf)
    expect_same(c, "s1", db, "before the outage")
    c.stop()
    ctx.analyze(db, ctx.pcap(OUTAGE_PCAPS[1]))
    p, _ = ctx.ship(db, conf, check=False)
    expect(p.returncode == 1 and "Connection refused" in p.stderr and "server runs" in p.stderr,
           f"ship while the central is down: {p.returncode} {p.stderr}")
    c.restart()
    _, res = ctx.ship(db, conf)
    expect(res[0] > 0 and res[3] == 0, f"after the outage: {res}")
    expect_same(c, "s1", db, "after the outage")
    # a crash of the server in the middle of shipping everything again
    all_db = ctx.analyze(ctx.path("all.sqlite"), *ctx.all_pcaps())
    conf2 = ctx.conf("s2.conf", c, "south", "s2", extra="batch_max = 20\n")
    pr = subprocess.Popen([ctx.exe, "ship", "--db", all_db, "--config", conf2], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline and pr.poll() is None:
        if watermark(all_db, "s2/south") > 0:
            break
        time.sleep(0.01)
    sh(CLUSTER, "crash", c.dir)
    out, err = pr.communicate(timeout=60)
    c.restart()
    _, res = ctx.ship(all_db, conf2)
    expect(res[3] == 0, f"after the crash: {res}")
    expect_same(c, "s2", all_db, "after a crash mid-shipment")
    expect_same(c, "s1", db, "the other sensor, after the crash")


# ---- cases with the daemon ---------------------------------------------------

def daemon_conf(ctx, name, cluster, site, sensor):
    return ctx.conf(name, cluster, site, sensor, conninfo=cluster.socket_conninfo, password_file="",
                    extra="ship_interval = 1\n[store]\nflush_interval = 1\n[daemon]\nuser =\n")


def metrics(ns, port):
    status, body = ns.http(port, "/metrics")
    expect(status == 200, f"/metrics: {status}")
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^herkomst_(central_\w+) (\S+)$", body, re.M)}


def wait_for(what, fn, timeout=30):
    end = time.time() + timeout
    while True:
        got = fn()
        if got:
            return got
        if time.time() > end:
            raise Fail(f"{what}: not within {timeout} s")
        time.sleep(0.2)


def daemon_requirements():
    why = e2e.requirements()
    if why:
        raise Skip(why)


def case_daemon_outage(ctx):
    """herkomst run keeps capturing while PostgreSQL is down, counts the
    backlog in /metrics, logs the outage once, and catches up when the
    server is back: the central equals the sensor's database."""
    daemon_requirements()
    c = Cluster(ctx)
    ctx.migrate(c)
    a, b = ctx.pcap(OUTAGE_PCAPS[0]), ctx.pcap(OUTAGE_PCAPS[1])
    db = ctx.path("live.sqlite")
    conf = daemon_conf(ctx, "d.conf", c, "north", "live-1")
    with e2e.Netns() as ns:
        d = e2e.Daemon(ctx, ns, db, listen="auto", conf=conf).ready()
        d.wait_log(r"shipping to the central PostgreSQL .* as sensor live-1, site north", new=False)
        d.flush_until(ns.replay(a))
        wait_for("central up, nothing waiting", lambda: (lambda m: m.get("central_up") == 1 and
                 m.get("central_backlog_devices") == 0 and m.get("central_shipped_rows_total", 0) > 0)(
                 metrics(ns, d.port)))
        expect_same(c, "live-1", db, "while running")
        c.stop()
        d.flush_until(ns.replay(b))
        m = wait_for("central down, a backlog", lambda: (lambda m: m if m.get("central_up") == 0 and
                     m.get("central_backlog_devices", 0) > 0 and m.get("central_errors_total", 0) >= 3
                     else None)(metrics(ns, d.port)))
        n_down = len(re.findall(r"central shipping stopped", d.text()))
        expect(n_down == 1, f"{n_down} log lines about the outage after {m['central_errors_total']:.0f} "
                            f"failed rounds (want 1):\n{d.text()[-1500:]}")
        c.restart()
        wait_for("caught up", lambda: (lambda m: m.get("central_up") == 1 and
                 m.get("central_backlog_devices") == 0)(metrics(ns, d.port)))
        d.wait_log(r"central PostgreSQL reachable again", new=False)
        expect_same(c, "live-1", db, "after the outage")
        rc = d.stop()
        expect(rc == 0, f"exit {rc}; log:\n{d.text()[-1500:]}")
    expect_same(c, "live-1", db, "after the daemon stopped")
    expect_packets_match(ctx, db, a, b)


def expect_packets_match(ctx, db, *pcaps):
    """The live store is what analyze makes of the same captures."""
    off = ctx.path(f"offline-{os.path.basename(db)}")
    out = json.loads(ctx.hk("analyze", "--no-progress", "-q", "--db", off, "--format", "json", *pcaps).stdout)
    want = {e2e.device_key(x): x["packets"] for x in out["devices"]}
    got = {k: v[0] for k, v in sqlite_view(db).items()}
    expect(got == want, f"live and offline differ: {[(k, got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)][:5]}")


def case_daemon_sites(ctx):
    """Two sensors in two network namespaces, each replaying a different real
    capture into its own veth, feeding one PostgreSQL: the central holds the
    union, with the sites kept apart."""
    daemon_requirements()
    c = Cluster(ctx)
    ctx.migrate(c)
    pa, pb = ctx.pcap(SITE_A_PCAP), ctx.pcap(SITE_B_PCAP)
    dba, dbb = ctx.path("a.sqlite"), ctx.path("b.sqlite")
    with e2e.Netns() as na, e2e.Netns() as nb:
        da = e2e.Daemon(ctx, na, dba, listen="auto", conf=daemon_conf(ctx, "a.conf", c, "site-a", "sensor-a"))
        db_ = e2e.Daemon(ctx, nb, dbb, listen="auto", conf=daemon_conf(ctx, "b.conf", c, "site-b", "sensor-b"))
        da.ready()
        db_.ready()
        da.flush_until(na.replay(pa))
        db_.flush_until(nb.replay(pb))
        for ns, d in ((na, da), (nb, db_)):
            wait_for("shipped", lambda: (lambda m: m.get("central_up") == 1 and m.get("central_backlog_devices")
                                         == 0)(metrics(ns, d.port)))
        expect(da.stop() == 0 and db_.stop() == 0, "the daemons did not stop cleanly")
    expect_packets_match(ctx, dba, pa)
    expect_packets_match(ctx, dbb, pb)
    expect_union(c, {"sensor-a": ("site-a", dba), "sensor-b": ("site-b", dbb)})
    expect_union_report(ctx, c, {"sensor-a": ("site-a", dba), "sensor-b": ("site-b", dbb)})


def prepare(_names):
    """Why the run is skipped (no PostgreSQL server binaries), or None once
    SIGTERM removes this run's namespaces."""
    p = subprocess.run([CLUSTER, "available"], capture_output=True, text=True, check=False)
    if p.returncode != 0:
        return p.stderr.strip()
    signal.signal(signal.SIGTERM, e2e._on_term)
    return None


CASES = {
    "migrate": case_migrate,
    "replay": case_replay,
    "watermark": case_watermark,
    "annotations": case_annotations,
    "role": case_role,
    "config": case_config,
    "tls": case_tls,
    "multihost": case_multihost,
    "sites": case_sites,
    "outage": case_outage,
    "daemon-outage": case_daemon_outage,
    "daemon-sites": case_daemon_sites,
}


if __name__ == "__main__":
    sys.exit(casekit.main(sys.argv, __doc__, CASES, Ctx,
                          # mode: the server runs as another user when we are root
                          prefix="hk-fleet-", mode=0o755,
                          prepare=prepare, finish=e2e._cleanup_all, timed=True))
