#!/usr/bin/env python3
"""herkomst run end to end: the daemon captures live on one end of a veth
pair while tcpreplay feeds real captures into the other end.

usage: daemon_e2e.py HERKOMST [CASE...]   run the cases (all when none given)
       daemon_e2e.py --list               print the case names (meson reads it)

Every case makes a network namespace of its own (hk-e2e-PID-N) and creates
the veth pair inside it ("hkfeed" -- "hkcap"): the pair never exists in the
host's namespace, has no addresses, and IPv6 is off in the namespace, so the
kernel itself sends nothing and no frame can reach a real network. The
daemon runs in the namespace (`ip netns exec`), with its REST API on the
namespace's own 127.0.0.1; the test talks to it from inside too (setns).
The namespace, and with it the pair, is deleted when the case ends, also
when it fails or the test is killed with SIGTERM (meson's timeout).

Needs root, `ip netns`, tcpreplay and python3's standard library; skips
(exit 77) without them. Expected device lists come from `herkomst analyze`
of the same captures: live and offline must agree.

Each case prints PASS, FAIL or SKIP, and the run ends with "N passed, M
failed, K skipped". Exit status: 1 if a case failed, 77 if every case was
skipped, else 0.
"""
import ctypes
import json
import os
import pwd
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

EXIT_SKIP = 77
TIMEOUT = 60
FEED, CAP = "hkfeed", "hkcap"
CLONE_NEWNET = 0x40000000

MODBUS = "iti_modbus_test.pcap"


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def sh(*argv, check=True, **kw):
    """Runs a command; its output on failure."""
    p = subprocess.run(list(argv), capture_output=True, text=True, timeout=TIMEOUT, check=False, **kw)
    if check and p.returncode != 0:
        raise Fail(f"{' '.join(argv)}: exit {p.returncode}: {p.stderr.strip()[-800:]}")
    return p


def requirements():
    """Why this machine cannot run the cases, or None."""
    if os.geteuid() != 0:
        return "needs root (network namespaces, veth pairs, packet capture)"
    if not shutil.which("ip") or not shutil.which("tcpreplay"):
        return "needs ip (iproute2) and tcpreplay"
    name = f"hk-e2e-probe-{os.getpid()}"
    p = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True, check=False)
    if p.returncode != 0:
        return f"ip netns is not available here: {p.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", name], capture_output=True, check=False)
    return None


# ---- the namespace ----------------------------------------------------------

_namespaces = set()


def _cleanup_all(*_):
    for ns in list(_namespaces):
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)
        _namespaces.discard(ns)


def _remove_stale():
    """Namespaces of earlier runs that were killed before they could clean up (their PID is gone)."""
    p = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False)
    for line in p.stdout.splitlines():
        m = re.match(r"(hk-e2e-(\d+)-\d+)\b", line)
        if m and not os.path.exists(f"/proc/{m.group(2)}"):
            subprocess.run(["ip", "netns", "del", m.group(1)], capture_output=True, check=False)


def _on_term(signum, _frame):
    _cleanup_all()
    sys.exit(128 + signum)


class Netns:
    counter = 0

    def __init__(self):
        Netns.counter += 1
        self.name = f"hk-e2e-{os.getpid()}-{Netns.counter}"
        self.libc = ctypes.CDLL(None, use_errno=True)

    def __enter__(self):
        sh("ip", "netns", "add", self.name)
        _namespaces.add(self.name)
        self.run("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
        sh("ip", "-n", self.name, "link", "set", "lo", "up")
        # made inside the namespace: the host never sees the pair
        sh("ip", "-n", self.name, "link", "add", FEED, "type", "veth", "peer", "name", CAP)
        for dev in (FEED, CAP):
            sh("ip", "-n", self.name, "link", "set", dev, "mtu", "9000")
            sh("ip", "-n", self.name, "link", "set", dev, "up")
        return self

    def __exit__(self, *exc):
        sh("ip", "netns", "del", self.name, check=False)
        _namespaces.discard(self.name)
        return False

    def argv(self, *argv):
        return ["ip", "netns", "exec", self.name] + list(argv)

    def run(self, *argv, check=True):
        return sh(*self.argv(*argv), check=check)

    def http(self, port, path, timeout=10):
        """GET http://127.0.0.1:port/path from inside the namespace: (status, body)."""
        here = os.open("/proc/self/ns/net", os.O_RDONLY)
        there = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            if self.libc.setns(there, CLONE_NEWNET) != 0:
                raise Fail(f"setns {self.name}: {os.strerror(ctypes.get_errno())}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
                    return r.status, r.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as e:
                return e.code, e.read().decode("utf-8", "replace")
            finally:
                self.libc.setns(here, CLONE_NEWNET)
        finally:
            os.close(here)
            os.close(there)

    def replay(self, pcap, expect_packets=None):
        """Sends a capture from the feeding end; returns the frames sent."""
        p = self.run("tcpreplay", "-i", FEED, "--topspeed", pcap)
        m = re.search(r"Successful packets:\s+(\d+)", p.stdout)
        failed = re.search(r"Failed packets:\s+(\d+)", p.stdout)
        expect(m and failed, f"tcpreplay said: {p.stdout[-500:]}")
        expect(int(failed.group(1)) == 0, f"tcpreplay failed to send {failed.group(1)} frames of {pcap}")
        if expect_packets is not None:
            expect(int(m.group(1)) == expect_packets, f"tcpreplay sent {m.group(1)} of {expect_packets} frames")
        return int(m.group(1))


# ---- the daemon -------------------------------------------------------------

class Daemon:
    def __init__(self, ctx, ns, db, listen=None, conf=None, extra=(), env=None, prefix=()):
        self.ctx, self.ns, self.db = ctx, ns, db
        self.port = None
        if listen == "auto":
            self.port = free_port(ns)
            listen = f"127.0.0.1:{self.port}"
        self.log = ctx.path(f"daemon-{len(ctx.daemons)}.log")
        argv = list(prefix) + [ctx.exe, "run", "--config", conf or ctx.conf(), "-i", CAP, "--db", db,
                "--listen", listen or "none", "--foreground"] + list(extra)
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen(ns.argv(*argv), stdin=subprocess.DEVNULL, stdout=self.logf,
                                     stderr=self.logf, env=env)
        ctx.daemons.append(self)
        self.seen = 0  # log lines looked at by wait_log

    def text(self):
        with open(self.log) as f:
            return f.read()

    def wait_log(self, pattern, timeout=15, new=True):
        """Waits for a log line matching pattern (after the ones already seen); returns its match."""
        end = time.time() + timeout
        while True:
            lines = self.text().splitlines()
            start = self.seen if new else 0
            for i in range(start, len(lines)):
                m = re.search(pattern, lines[i])
                if m:
                    self.seen = i + 1
                    return m
            if self.proc.poll() is not None:
                raise Fail(f"herkomst run exited ({self.proc.returncode}) waiting for /{pattern}/:\n"
                           f"{self.text()[-1500:]}")
            if time.time() > end:
                raise Fail(f"no /{pattern}/ in {timeout} s; log:\n{self.text()[-1500:]}")
            time.sleep(0.05)

    def ready(self):
        self.wait_log(r": ready: ")
        return self

    def flush(self):
        """SIGUSR1, then the frames that flush took in."""
        self.proc.send_signal(signal.SIGUSR1)
        return int(self.wait_log(r"flush \(SIGUSR1\): (\d+) frames since the last flush").group(1))

    def flush_until(self, frames, timeout=10):
        """Flushes until the daemon has read `frames` frames in all since the last call."""
        got, end = 0, time.time() + timeout
        while got < frames and time.time() < end:
            time.sleep(0.3)
            got += self.flush()
        expect(got == frames, f"the daemon read {got} of {frames} frames sent; log:\n{self.text()[-1500:]}")

    def stop(self, sig=signal.SIGTERM, timeout=30):
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Fail(f"herkomst run did not stop within {timeout} s of signal {sig}")
        self.logf.close()
        return rc

    def kill9(self):
        self.proc.kill()
        self.proc.wait(timeout=10)
        self.logf.close()


def free_port(ns):
    """A free TCP port on 127.0.0.1 inside the namespace (a fresh one: any is)."""
    here = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open(f"/run/netns/{ns.name}", os.O_RDONLY)
    try:
        ns.libc.setns(there, CLONE_NEWNET)
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                return s.getsockname()[1]
        finally:
            ns.libc.setns(here, CLONE_NEWNET)
    finally:
        os.close(here)
        os.close(there)


# ---- expectations -----------------------------------------------------------

def device_key(d):
    return "mac:" + d["mac"] if d.get("mac") else "ip:" + d["ips"][0]


def db_devices(path):
    """key -> (packets, bytes, manufacturer, model, role), read-only behind the daemon's back."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return {r[0]: r[1:] for r in db.execute(
            "SELECT key, packets, bytes, manufacturer, model, role FROM devices")}
    finally:
        db.close()


def db_evidence(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return {(r[0], r[1], r[2], r[3]): r[4] for r in db.execute(
            "SELECT d.key, e.attribute, e.value, e.source, e.count FROM evidence e"
            " JOIN devices d ON d.id = e.device_id")}
    finally:
        db.close()


def integrity(path):
    db = sqlite3.connect(path, timeout=10)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def expect_packets(live, offline, what):
    """The live database has the devices analyze found, with the same packet counts."""
    want = {k: v[0] for k, v in offline.items()}
    got = {k: v[0] for k, v in live.items()}
    if got != want:
        diff = [f"{k}: live {got.get(k)} offline {want.get(k)}" for k in sorted(set(got) | set(want))
                if got.get(k) != want.get(k)]
        raise Fail(f"{what}: live and offline devices differ:\n  " + "\n  ".join(diff[:20]))


def expect_attributes(live, offline, what):
    for k, v in offline.items():
        expect(live[k][2:] == v[2:], f"{what}: {k}: live (manufacturer, model, role) {live[k][2:]}, "
                                     f"offline {v[2:]}")


# ---- cases ------------------------------------------------------------------

class Ctx:
    def __init__(self, exe, tmp):
        self.exe, self.tmp = exe, tmp
        self.daemons = []
        self.shared = os.environ.get("HERKOMST_SHARED_DIR", "")
        self.build = os.environ.get("HERKOMST_BUILD_DIR", "")
        self.source = os.environ.get("HERKOMST_SOURCE_DIR", "")
        self._offline = {}

    def path(self, name):
        return os.path.join(self.tmp, name)

    def plant(self):
        p = os.path.join(self.build, "tests", "gen", "plant.pcap")
        if not os.path.exists(p):
            raise Skip(f"no {p} (meson target plant_pcap)")
        return p

    def pcap(self, name):
        p = os.path.join(self.shared, "pcaps", name)
        if not self.shared or not os.path.exists(p):
            raise Skip(f"no {name} in $HERKOMST_SHARED_DIR/pcaps")
        return p

    def sigdir(self):
        return os.path.join(self.source, "signatures") if self.source else ""

    def conf(self, name="herkomst.conf", flush_interval=3600, user="", sigdir=None, extra=""):
        """A configuration for the test; periodic flushes off unless asked for."""
        p = self.path(name)
        sig = self.sigdir() if sigdir is None else sigdir
        with open(p, "w") as f:
            f.write("# written by daemon_e2e.py\n"
                    "[capture]\nbuffer_mb = 16\n"
                    f"[store]\nflush_interval = {flush_interval}\n"
                    + (f"[data]\nsignatures = {sig}\n" if sig else "")
                    + f"[daemon]\nuser = {user}\n" + extra)
        return p

    def offline(self, *pcaps, times=1):
        """What analyze makes of the captures: key -> (packets, bytes, manufacturer, model, role)."""
        key = (pcaps, times)
        if key not in self._offline:
            db = self.path(f"offline-{len(self._offline)}.sqlite")
            for _ in range(times):
                p = sh(self.exe, "analyze", "--no-progress", "--force", "--db", db, "--format", "json",
                       *pcaps)
            out = json.loads(p.stdout)
            self._offline[key] = {device_key(d): (d["packets"], d["bytes"], d.get("manufacturer"),
                                                  d.get("model"), d.get("role")) for d in out["devices"]}
        return self._offline[key]

    def cleanup(self):
        for d in self.daemons:
            if d.proc.poll() is None:
                d.proc.kill()
                d.proc.wait(timeout=10)
            if not d.logf.closed:
                d.logf.close()


def case_replay(ctx):
    """Plant and Modbus captures in; SIGUSR1; the devices, attributes and the
    REST API; SIGTERM: a last flush, exit 0, the session recorded."""
    plant, modbus = ctx.plant(), ctx.pcap(MODBUS)
    db = ctx.path("live.sqlite")
    with Netns() as ns:
        d = Daemon(ctx, ns, db, listen="auto").ready()
        sent = ns.replay(plant, 2151) + ns.replay(modbus)
        d.flush_until(sent)
        expect_packets(db_devices(db), ctx.offline(plant, modbus), "after SIGUSR1")
        status, body = ns.http(d.port, "/api/v1/devices?limit=1000")
        expect(status == 200, f"GET /api/v1/devices: {status} {body[:300]}")
        api = json.loads(body)
        keys = {device_key(x) for x in api["devices"]}
        expect(keys == set(ctx.offline(plant, modbus)), f"the API lists {sorted(keys)}")
        status, body = ns.http(d.port, "/metrics")
        expect(status == 200, f"GET /metrics: {status}")
        m = re.search(r"^herkomst_packets_total (\d+)$", body, re.M)
        expect(m and int(m.group(1)) == sent, f"/metrics packets_total: {m and m.group(1)}, sent {sent}")
        expect(re.search(r'^herkomst_drops_total\{where="kernel"\} 0$', body, re.M), "kernel drops in /metrics")
        rc = d.stop(signal.SIGTERM)
        expect(rc == 0, f"exit {rc} after SIGTERM, want 0; log:\n{d.text()[-1500:]}")
        d.wait_log(r"flush \(final\)", new=False)
        live = db_devices(db)
        expect_packets(live, ctx.offline(plant, modbus), "after SIGTERM")
        expect_attributes(live, ctx.offline(plant, modbus), "after SIGTERM")
        expect(integrity(db) == "ok", "integrity_check")
        con = sqlite3.connect(db)
        row = con.execute("SELECT path, format, packets FROM captures").fetchall()
        con.close()
        expect(row == [("live:" + CAP, "live", sent)], f"the capture session: {row}")
        lines = d.text().splitlines()
        expect(len(lines) < 25, f"{len(lines)} log lines for {sent} frames: one per event, not per packet")


def case_crash(ctx):
    """kill -9 loses at most what came after the last flush; the database
    stays intact; a restart on it goes on where it was."""
    plant, modbus = ctx.plant(), ctx.pcap(MODBUS)
    db = ctx.path("live.sqlite")
    with Netns() as ns:
        d = Daemon(ctx, ns, db).ready()
        d.flush_until(ns.replay(plant))
        flushed_dev, flushed_ev = db_devices(db), db_evidence(db)
        expect_packets(flushed_dev, ctx.offline(plant), "flushed")
        ns.replay(modbus)  # read, never flushed
        time.sleep(0.5)
        d.kill9()
        expect(integrity(db) == "ok", f"integrity_check after kill -9: {integrity(db)}")
        expect(db_devices(db) == flushed_dev and db_evidence(db) == flushed_ev,
               "the database after kill -9 is not what the last flush left")
        d2 = Daemon(ctx, ns, db).ready()
        d2.flush_until(ns.replay(modbus))
        rc = d2.stop()
        expect(rc == 0, f"exit {rc} after SIGTERM")
        expect(integrity(db) == "ok", "integrity_check after restart")
        # nothing flushed before the crash was lost, nothing was counted twice
        expect_packets(db_devices(db), ctx.offline(plant, modbus), "after the restart")
        after = db_evidence(db)
        lost = [k for k, v in flushed_ev.items() if after.get(k, 0) < v]
        expect(not lost, f"claims lost: {lost[:5]}")


def case_periodic(ctx):
    """flush_interval = 1: without any signal the frames reach the database
    within a flush interval, so kill -9 loses nothing read a second before;
    SIGINT stops it like SIGTERM."""
    plant = ctx.plant()
    db = ctx.path("live.sqlite")
    with Netns() as ns:
        d = Daemon(ctx, ns, db, conf=ctx.conf(flush_interval=1)).ready()
        ns.replay(plant)
        want = ctx.offline(plant)
        end = time.time() + 10
        while time.time() < end and {k: v[0] for k, v in db_devices(db).items()} != {k: v[0] for k, v in
                                                                                    want.items()}:
            time.sleep(0.2)
        expect_packets(db_devices(db), want, "after periodic flushes")
        time.sleep(2.5)  # more flushes with nothing new add nothing
        expect_packets(db_devices(db), want, "after idle flushes")
        rc = d.stop(signal.SIGINT)
        expect(rc == 0, f"exit {rc} after SIGINT")
        d.wait_log(r"stopping \(SIGINT\)", new=False)
        expect_packets(db_devices(db), want, "after SIGINT")


def case_flush_twice(ctx):
    """A flush with nothing new adds nothing; the same capture again adds
    exactly its packets once more."""
    plant = ctx.plant()
    db = ctx.path("live.sqlite")
    with Netns() as ns:
        d = Daemon(ctx, ns, db).ready()
        d.flush_until(ns.replay(plant))
        first = db_devices(db)
        expect(d.flush() == 0, "frames in a flush with no traffic")
        d.wait_log(r"stored \(0 new\)|0 stored", new=False)
        expect(db_devices(db) == first, "a flush with nothing new changed the database")
        d.flush_until(ns.replay(plant))
        twice = db_devices(db)
        for k, v in first.items():
            expect(twice[k][0] == 2 * v[0] and twice[k][1] == 2 * v[1],
                   f"{k}: {twice[k][:2]} after the capture twice, {v[:2]} after once")
        expect(d.stop() == 0, "exit status")


def case_reload(ctx):
    """SIGHUP reloads signatures and policy: the inventory and the API stay;
    a broken signature file is refused and the old rules stay."""
    plant, modbus = ctx.plant(), ctx.pcap(MODBUS)
    sig = ctx.path("signatures")
    shutil.copytree(ctx.sigdir(), sig)
    db = ctx.path("live.sqlite")
    with Netns() as ns:
        d = Daemon(ctx, ns, db, listen="auto", conf=ctx.conf(sigdir=sig)).ready()
        d.flush_until(ns.replay(plant))
        d.proc.send_signal(signal.SIGHUP)
        d.wait_log(r"reload: \d+ signature rules in \d+ files from " + re.escape(sig))
        status, _ = ns.http(d.port, "/api/v1/health")
        expect(status == 200, f"GET /api/v1/health after SIGHUP: {status}")
        # break a rule file: the reload is refused, the daemon goes on
        rules = sorted(os.listdir(os.path.join(sig, "fingerprints")))
        with open(os.path.join(sig, "fingerprints", rules[0]), "a") as f:
            f.write("this line is not a rule\n")
        d.proc.send_signal(signal.SIGHUP)
        d.wait_log(r"reload failed; going on with the signatures and policy loaded before")
        d.flush_until(ns.replay(modbus))
        expect_packets(db_devices(db), ctx.offline(plant, modbus), "after the reloads")
        status, body = ns.http(d.port, "/api/v1/devices?limit=1000")
        expect(status == 200 and json.loads(body)["total"] == len(ctx.offline(plant, modbus)),
               f"GET /api/v1/devices after the reloads: {status} {body[:200]}")
        expect(d.stop() == 0, "exit status after SIGTERM")


def case_privdrop(ctx):
    """Started as root with [daemon] user = nobody: the interface is opened,
    then the process is nobody, with no groups and no capabilities, and
    still captures; the database is nobody's."""
    plant = ctx.plant()
    try:
        pw = pwd.getpwnam("nobody")
    except KeyError:
        raise Skip("no user nobody")
    state = ctx.path("state")
    os.mkdir(state, 0o700)
    os.chown(state, pw.pw_uid, pw.pw_gid)
    os.chmod(ctx.tmp, 0o755)  # nobody walks through to the state directory and signatures
    sig = ctx.path("signatures")
    shutil.copytree(ctx.sigdir(), sig)
    db = os.path.join(state, "herkomst.sqlite")
    with Netns() as ns:
        d = Daemon(ctx, ns, db, conf=ctx.conf(user="nobody", sigdir=sig)).ready()
        d.wait_log(r"dropped root: now user nobody \(uid %d, gid %d\), no supplementary groups, no "
                   r"capabilities" % (pw.pw_uid, pw.pw_gid), new=False)
        with open(f"/proc/{d.proc.pid}/status") as f:
            st = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
        expect(st["Uid"].split() == [str(pw.pw_uid)] * 4, f"Uid {st['Uid']}")
        expect(st["Gid"].split() == [str(pw.pw_gid)] * 4, f"Gid {st['Gid']}")
        expect(st.get("Groups", "").strip() == "", f"Groups {st.get('Groups')}")
        for k in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
            expect(int(st[k], 16) == 0, f"{k} {st[k]}")
        expect(st.get("NoNewPrivs") == "1", f"NoNewPrivs {st.get('NoNewPrivs')}")
        d.flush_until(ns.replay(plant))  # the packet socket opened as root still delivers
        expect_packets(db_devices(db), ctx.offline(plant), "as nobody")
        expect(os.stat(db).st_uid == pw.pw_uid, "the database belongs to nobody")
        expect(d.stop() == 0, "exit status")
        # a database directory nobody cannot write: a clear refusal
        bad = Daemon(ctx, ns, ctx.path("root-only.sqlite"), conf=ctx.conf(name="c2.conf", user="nobody",
                                                                            sigdir=sig))
        rc = bad.proc.wait(timeout=30)
        bad.logf.close()
        expect(rc == 1, f"exit {rc} with a database directory nobody cannot write")
        expect("must be writable by that user" in bad.text(), f"log: {bad.text()[-600:]}")


def case_ambient(ctx):
    """Started as an ordinary user holding CAP_NET_RAW and CAP_NET_ADMIN as
    ambient capabilities (what herkomst.service does): no user to change to;
    the capabilities are given up once the interface is open (here no
    seccomp filter forbids capset), and capture goes on."""
    plant = ctx.plant()
    if not shutil.which("setpriv"):
        raise Skip("no setpriv (util-linux)")
    try:
        pw = pwd.getpwnam("nobody")
    except KeyError:
        raise Skip("no user nobody")
    state = ctx.path("state")
    os.mkdir(state, 0o700)
    os.chown(state, pw.pw_uid, pw.pw_gid)
    os.chmod(ctx.tmp, 0o755)
    sig = ctx.path("signatures")
    shutil.copytree(ctx.sigdir(), sig)
    db = os.path.join(state, "herkomst.sqlite")
    prefix = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups",
              "--inh-caps=+net_raw,+net_admin", "--ambient-caps=+net_raw,+net_admin"]
    with Netns() as ns:
        d = Daemon(ctx, ns, db, conf=ctx.conf(user="herkomst", sigdir=sig), prefix=prefix).ready()
        d.wait_log(r"\[daemon\] user = herkomst does not apply: herkomst was started as nobody", new=False)
        d.wait_log(r"running as nobody \(uid %d\): no user to change to; gave up CAP_NET_ADMIN, CAP_NET_RAW"
                   % pw.pw_uid, new=False)
        with open(f"/proc/{d.proc.pid}/status") as f:
            st = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
        for k in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
            expect(int(st[k], 16) == 0, f"{k} {st[k]}")
        d.flush_until(ns.replay(plant))
        expect_packets(db_devices(db), ctx.offline(plant), "without capabilities")
        expect(d.stop() == 0, "exit status")


def case_notify(ctx):
    """sd_notify: READY=1 once capturing, STATUS=, WATCHDOG=1 at half of
    WATCHDOG_USEC, RELOADING=1/READY=1 around SIGHUP, STOPPING=1."""
    if "libsystemd" not in sh("ldd", ctx.exe).stdout:
        raise Skip("built without libsystemd")
    sock_path = ctx.path("notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(0.2)
    msgs = []

    def drain(until=None, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            try:
                msgs.append(sock.recv(4096).decode())
            except socket.timeout:
                pass
            if until and any(until in m for m in msgs):
                return
        if until:
            raise Fail(f"no {until} from the daemon; got {msgs[-10:]}")

    env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC="600000")
    db = ctx.path("live.sqlite")
    with Netns() as ns:
        d = Daemon(ctx, ns, db, env=env)
        drain("READY=1")
        expect(any("STATUS=capturing" in m for m in msgs), f"STATUS with READY: {msgs}")
        start = time.time()
        msgs.clear()
        drain(timeout=2.0)
        dogs = sum(m.count("WATCHDOG=1") for m in msgs)
        expect(dogs >= 4, f"{dogs} WATCHDOG=1 in {time.time() - start:.1f} s with WATCHDOG_USEC=0.6 s")
        d.proc.send_signal(signal.SIGHUP)
        drain("RELOADING=1")
        drain("READY=1")
        d.proc.send_signal(signal.SIGUSR1)
        drain("STATUS=0 packets, 0 devices")
        d.proc.send_signal(signal.SIGTERM)
        drain("STOPPING=1")
        expect(d.proc.wait(timeout=30) == 0, "exit status")
        d.logf.close()
    sock.close()


def case_config_errors(ctx):
    """A bad configuration, a missing file, an interface that is not there,
    and usage errors: exit 1 or 2 and a message naming what is wrong."""
    db = ctx.path("x.sqlite")
    with Netns() as ns:
        bad = ctx.path("bad.conf")
        with open(bad, "w") as f:
            f.write("[capture]\nsnaplen = lots\n[store]\nflush_interval = 0\n")
        p = ns.run(ctx.exe, "run", "--config", bad, "-i", CAP, "--db", db, check=False)
        expect(p.returncode == 1, f"exit {p.returncode} for a bad configuration")
        expect(f"{bad}:2: snaplen 'lots' is not a whole number" in p.stderr, p.stderr)
        expect(f"{bad}:4: flush_interval '0'" in p.stderr, p.stderr)
        p = ns.run(ctx.exe, "run", "--config", ctx.path("missing.conf"), "--db", db, check=False)
        expect(p.returncode == 1 and "cannot read the configuration" in p.stderr, p.stderr)
        p = ns.run(ctx.exe, "run", "--config", ctx.conf(), "-i", "nosuchif0", "--db", db, "--listen", "none",
                   check=False)
        expect(p.returncode == 1 and "interface nosuchif0 does not exist" in p.stderr, p.stderr)
        p = ns.run(ctx.exe, "run", "--config", ctx.conf(), "-i", "bad/name", check=False)
        expect(p.returncode == 2 and "is not an interface name" in p.stderr, p.stderr)
        p = ns.run(ctx.exe, "run", "--config", ctx.conf(), "--listen", "somewhere", check=False)
        expect(p.returncode == 2 and "--listen 'somewhere' is not ADDRESS:PORT" in p.stderr, p.stderr)
        p = ns.run(ctx.exe, "run", "--no-such-option", check=False)
        expect(p.returncode == 2, f"exit {p.returncode} for an unknown option")
        p = ns.run(ctx.exe, "run", "--config", ctx.conf(extra="[capture]\nbpf = tcp port\n"), check=False)
        expect(p.returncode == 1 and "does not compile" in p.stderr, p.stderr)
        p = ns.run(ctx.exe, "check", "config", bad, check=False)
        expect(p.returncode == 1 and f"{bad}:2:" in p.stderr, p.stderr)
        expect(not os.path.exists(db), "a database was created by a run that did not start")


CASES = {
    "replay": case_replay,
    "crash": case_crash,
    "periodic": case_periodic,
    "flush-twice": case_flush_twice,
    "reload": case_reload,
    "privdrop": case_privdrop,
    "ambient": case_ambient,
    "notify": case_notify,
    "config-errors": case_config_errors,
}


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(CASES))
        return 0
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    exe = os.path.abspath(argv[1])
    names = argv[2:] or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print(f"unknown case(s): {' '.join(unknown)}; --list shows them", file=sys.stderr)
        return 2
    why = requirements()
    if why:
        print(f"SKIP: {why}")
        return EXIT_SKIP
    _remove_stale()
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGINT, _on_term)
    passed = failed = skipped = 0
    try:
        for name in names:
            tmp = tempfile.mkdtemp(prefix="hk-e2e-")
            ctx = Ctx(exe, tmp)
            t0 = time.time()
            try:
                CASES[name](ctx)
            except Skip as e:
                skipped += 1
                print(f"SKIP {name}: {e}")
            except Fail as e:
                failed += 1
                print(f"FAIL {name}: {e}")
            except Exception:
                failed += 1
                print(f"FAIL {name}: {traceback.format_exc()}")
            else:
                passed += 1
                print(f"PASS {name} ({time.time() - t0:.1f} s)")
            finally:
                ctx.cleanup()
                shutil.rmtree(tmp, ignore_errors=True)
    finally:
        _cleanup_all()
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if failed:
        return 1
    return EXIT_SKIP if skipped and not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
