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
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402  (tests/casekit.py: the runner, Fail, Skip, expect)
from casekit import Fail, Skip, expect  # noqa: E402

TIMEOUT = 60
FEED, CAP = "hkfeed", "hkcap"
CLONE_NEWNET = 0x40000000

MODBUS = "iti_modbus_test.pcap"
# VLAN-tagged: every frame (GOOSE, priority tags with VID 0), an outer 802.1ad
# tag over an inner 802.1Q one (QinQ), and tagged and untagged frames mixed
VLAN_PCAPS = ("iti_Sample_File_GOOSE.pcap", "zeek_q-in-q.pcap", "zeek_vlan-collisions.pcap")
# many TCP and UDP flows, no IP fragments, no frame above the veth's MTU
FLOW_PCAPS = ("ndpi_teams.pcap", "icsnpp-c37_c37118_1100_unclean.pcap")
# IPv4 fragments (GRE), all of them complete
FRAG_PCAP = "zeek_erspan.pcap"
# 2 MB in 10880 frames: more than a 1 MiB ring holds
BIG_PCAP = "iti_EthernetIP-CIP.pcap"


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


def prepare(_names):
    """Why the run is skipped, or None once the leftovers of killed runs are
    gone and SIGTERM and SIGINT remove this run's namespaces."""
    why = requirements()
    if why:
        return why
    _remove_stale()
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGINT, _on_term)
    return None


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

    def conf(self, name="herkomst.conf", flush_interval=3600, user="", sigdir=None, extra="", capture="afpacket",
             ring_mb=16):
        """A configuration for the test; periodic flushes off unless asked for."""
        p = self.path(name)
        sig = self.sigdir() if sigdir is None else sigdir
        with open(p, "w") as f:
            f.write("# written by daemon_e2e.py\n"
                    f"[capture]\ncapture = {capture}\nring_mb = {ring_mb}\n"
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


PTRACE_DETACH, PTRACE_SEIZE, PTRACE_INTERRUPT = 17, 0x4206, 0x4207
WALL = 0x40000000  # __WALL: waitpid() for a thread of another process
# a poll interrupted by an earlier PTRACE_INTERRUPT goes on as restart_syscall
RESTART_SYSCALL = {"x86_64": "219", "aarch64": "128"}


class FrozenThread:
    """Stops one thread of a process from outside, the others running on:
    PTRACE_SEIZE + PTRACE_INTERRUPT on its thread id (a signal cannot do it:
    SIGSTOP stops the whole process). Only a stop inside the system call the
    thread sleeps in when idle (the worker's poll, outside its mutex) is
    kept, so the main thread never waits for a lock the frozen thread holds;
    otherwise the thread is let go and caught again. Detaching lets it run
    on; the kernel detaches too if the test dies."""

    def __init__(self, pid, tid, in_round=False):
        """in_round: keep a stop in user space instead (the worker busy with
        frames, most likely holding its mutex; the caller checks)."""
        self.pid, self.tid, self.seized, self.in_round = pid, tid, False, in_round
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.libc.ptrace.restype = ctypes.c_long
        self.libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]

    def _syscall(self):
        with open(f"/proc/{self.pid}/task/{self.tid}/syscall") as f:
            return f.read().split()[0]

    def _state(self):
        with open(f"/proc/{self.pid}/task/{self.tid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]

    def _ptrace(self, req):
        if self.libc.ptrace(req, self.tid, None, None) != 0:
            err = ctypes.get_errno()
            if err in (1, 13):  # EPERM, EACCES: a security module or the container forbids ptrace
                raise Skip(f"ptrace of thread {self.tid}: {os.strerror(err)}")
            raise Fail(f"ptrace({req:#x}) of thread {self.tid}: {os.strerror(err)}")

    def freeze_busy(self):
        """Stops the thread where it runs user code (not in a system call);
        False when it was never caught there."""
        for _ in range(200):
            self._ptrace(PTRACE_SEIZE)
            self.seized = True
            self._ptrace(PTRACE_INTERRUPT)
            _, status = os.waitpid(self.tid, WALL)
            expect(os.WIFSTOPPED(status), f"thread {self.tid}: wait status {status:#x}, not stopped")
            if self._syscall() == "-1":
                return True
            self.thaw()
            time.sleep(0.002)
        return False

    def __enter__(self):
        if self.in_round:
            expect(self.freeze_busy(), f"thread {self.tid} was never caught outside a system call")
            return self
        idle = None
        for _ in range(100):  # the idle thread's system call (poll), seen while it sleeps in it
            if self._state() == "S" and self._syscall() not in ("running", "-1"):
                idle = self._syscall()
                break
            time.sleep(0.01)
        expect(idle, f"thread {self.tid} never sleeps in a system call")
        for _ in range(20):
            self._ptrace(PTRACE_SEIZE)
            self.seized = True
            self._ptrace(PTRACE_INTERRUPT)
            _, status = os.waitpid(self.tid, WALL)
            expect(os.WIFSTOPPED(status), f"thread {self.tid}: wait status {status:#x}, not stopped")
            if self._syscall() in (idle, RESTART_SYSCALL.get(os.uname().machine)):
                return self
            self.thaw()
            time.sleep(0.05)
        raise Fail(f"thread {self.tid} was never caught inside system call {idle}")

    def thaw(self):
        if self.seized:
            self._ptrace(PTRACE_DETACH)
            self.seized = False

    def __exit__(self, *exc):
        self.thaw()
        return False


def thread_id(pid, name, timeout=10):
    """The id of the thread of pid called name (pthread_setname_np)."""
    end = time.time() + timeout
    while time.time() < end:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    if f.read().strip() == name:
                        return int(tid)
            except FileNotFoundError:
                pass
        time.sleep(0.05)
    raise Fail(f"no thread {name} in process {pid}")


def case_watchdog_stuck(ctx):
    """workers = 2 and WATCHDOG_USEC/WATCHDOG_PID as systemd sets them:
    WATCHDOG=1 at half the interval while both workers finish rounds; one
    worker frozen from outside (ptrace, the other threads run on): the pings
    stop, one log line names the worker; let go, the pings come back, and
    SIGTERM still stops both workers."""
    if "libsystemd" not in sh("ldd", ctx.exe).stdout:
        raise Skip("built without libsystemd")
    sock_path = ctx.path("notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)

    def pings(seconds):
        """The WATCHDOG=1 received in the next `seconds`."""
        n, end = 0, time.time() + seconds
        while (left := end - time.time()) > 0:
            sock.settimeout(left)
            try:
                n += sock.recv(4096).decode().count("WATCHDOG=1")
            except socket.timeout:
                pass
        return n

    def drain_pending():
        sock.setblocking(False)
        try:
            while True:
                sock.recv(4096)
        except BlockingIOError:
            pass

    usec = 1000000  # pings every 0.5 s; a worker is stuck after 0.5 s without a round
    env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC=str(usec))
    # WATCHDOG_PID is the daemon's own pid, which only the shell exec'ing it knows
    prefix = ("sh", "-c", 'WATCHDOG_PID=$$ exec "$@"', "sh")
    db = ctx.path("live.sqlite")
    stuck = r"worker 1 has not finished a round for (\d+) ms: not telling the watchdog"
    try:
        with Netns() as ns:
            d = Daemon(ctx, ns, db, conf=ctx.conf(extra="[capture]\nworkers = 2\n"), env=env,
                       prefix=prefix).ready()
            d.wait_log(r"ready: .*, 2 worker threads, systemd watchdog on", new=False)
            n = pings(3.0)
            # 6 expected; fewer when the machine is busy (each ping is due 0.5 s after the last)
            expect(4 <= n <= 7, f"{n} WATCHDOG=1 in 3 s with both workers healthy, want 6 (every 0.5 s)")
            tid = thread_id(d.proc.pid, "hk-worker-1")
            with FrozenThread(d.proc.pid, tid) as frozen:
                ms = int(d.wait_log(stuck, timeout=5).group(1))
                expect(500 <= ms < 2000, f"worker 1 stuck for {ms} ms when noticed, want 0.5 to 2 s")
                drain_pending()  # sent before the daemon noticed
                n = pings(3.0)
                expect(n == 0, f"{n} WATCHDOG=1 in 3 s while worker 1 was frozen, want none; log:\n"
                       f"{d.text()[-1500:]}")
                expect(len(re.findall(stuck, d.text())) == 1,
                       f"the stuck worker logged more than once:\n{d.text()[-1500:]}")
                expect(not re.search(r"worker 0 has not finished", d.text()), "worker 0 reported stuck")
                frozen.thaw()
                n = pings(2.0)
                expect(n >= 3, f"{n} WATCHDOG=1 in 2 s after worker 1 ran again, want 4")
            rc = d.stop()
            expect(rc == 0, f"exit {rc} after SIGTERM, want 0; log:\n{d.text()[-1500:]}")
            d.wait_log(r"flush \(final\)", new=False)
    finally:
        sock.close()


def case_stuck_in_round(ctx):
    """A worker frozen inside a round of frames, holding its mutex (ptrace,
    while tcpreplay keeps both workers busy): the main thread does not wait
    for it. The stuck worker is logged, SIGUSR1 still flushes (leaving that
    worker's devices for later, logged once), /metrics still answers and
    counts the other worker's frames, no WATCHDOG=1 is sent, and nothing is
    stored while it is frozen (a snapshot without its share would lower what
    the flusher counts from, and its share would go in twice); let go, the
    next flush stores again and SIGTERM stops cleanly."""
    if "libsystemd" not in sh("ldd", ctx.exe).stdout:
        raise Skip("built without libsystemd")
    sock_path = ctx.path("notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.setblocking(False)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC="1000000")
    prefix = ("sh", "-c", 'WATCHDOG_PID=$$ exec "$@"', "sh")
    plant = ctx.plant()
    db = ctx.path("live.sqlite")
    skipped = r"flush \(SIGUSR1\) skipped: worker 1 has been busy in one round for over 250 ms; nothing is stored"
    feeder = None
    try:
        with Netns() as ns:
            d = Daemon(ctx, ns, db, listen="auto", conf=ctx.conf(extra="[capture]\nworkers = 2\n"), env=env,
                       prefix=prefix).ready()
            feeder = subprocess.Popen(ns.argv("tcpreplay", "-i", FEED, "--topspeed", "--loop=0", plant),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            tid = thread_id(d.proc.pid, "hk-worker-1")
            frozen = FrozenThread(d.proc.pid, tid, in_round=True)
            caught = False
            for _ in range(30):
                if not frozen.freeze_busy():
                    continue
                d.proc.send_signal(signal.SIGUSR1)
                # the flush must come whether the worker holds its mutex or
                # not: a main thread blocked on it (the old design) fails here
                d.wait_log(r"flush \(SIGUSR1\)", timeout=5)
                if re.search(skipped, d.text()):
                    caught = True
                    break
                frozen.thaw()  # stopped outside its mutex: again
                time.sleep(0.05)
            expect(caught, "worker 1 was never frozen while holding its mutex in 30 tries")
            stored = db_devices(db)
            d.wait_log(r"worker 1 has not finished a round for \d+ ms", timeout=5, new=False)
            _, before = ns.http(d.port, "/metrics")
            time.sleep(2.5)  # more than two ticks of the main thread
            status, after = ns.http(d.port, "/metrics")
            expect(status == 200, f"GET /metrics while worker 1 is frozen: {status}")
            a, b = metric_value(before, "herkomst_packets_total"), metric_value(after, "herkomst_packets_total")
            expect(a is not None and b is not None and b > a,
                   f"/metrics packets_total did not move while worker 0 ran on: {a} -> {b}")
            try:
                while True:
                    sock.recv(4096)  # pings from before the freeze was noticed
            except BlockingIOError:
                pass
            time.sleep(1.5)
            pings = 0
            try:
                while True:
                    pings += sock.recv(4096).decode().count("WATCHDOG=1")
            except BlockingIOError:
                pass
            expect(pings == 0, f"{pings} WATCHDOG=1 while worker 1 was frozen, want none")
            d.proc.send_signal(signal.SIGUSR1)
            d.wait_log(r"flush \(SIGUSR1\)", timeout=5)
            expect(len(re.findall(skipped, d.text())) == 2,
                   f"want both flushes asked for while worker 1 was frozen logged as skipped:\n{d.text()[-1500:]}")
            expect(db_devices(db) == stored, "the store changed while worker 1 was frozen: a flush without "
                   "its share was stored")
            frozen.thaw()
            feeder.terminate()
            feeder.wait(timeout=10)
            feeder = None
            time.sleep(0.5)
            seen = d.seen
            d.proc.send_signal(signal.SIGUSR1)
            d.wait_log(r"flush \(SIGUSR1\)", timeout=5)
            expect(not re.search(skipped, "\n".join(d.text().splitlines()[seen:])),
                   "worker 1 still left out of a flush after it ran again")
            rc = d.stop()
            expect(rc == 0, f"exit {rc} after SIGTERM, want 0; log:\n{d.text()[-1500:]}")
    finally:
        if feeder:
            feeder.kill()
            feeder.wait()
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


# ---- AF_PACKET (src/capture/afpacket.c) -------------------------------------

def read_pcap(path):
    """The frames of a classic pcap file: [(caplen, wirelen, bytes)]."""
    with open(path, "rb") as f:
        return [rec[1:] for rec in casekit.pcap_records(f.read(), path)]


def flow_of(frame):
    """A frame's flow, the same for both directions: (proto, (addr, port), (addr, port)) sorted;
    None for what is not IP, and for IP fragments (the kernel hashes those without ports)."""
    off, etype = 12, int.from_bytes(frame[12:14], "big")
    while etype in (0x8100, 0x88a8) and len(frame) >= off + 6:
        off += 4
        etype = int.from_bytes(frame[off:off + 2], "big")
    off += 2
    if etype == 0x0800 and len(frame) >= off + 20:
        ihl = (frame[off] & 0x0f) * 4
        if int.from_bytes(frame[off + 6:off + 8], "big") & 0x3fff:
            return None
        proto, src, dst, l4 = frame[off + 9], frame[off + 12:off + 16], frame[off + 16:off + 20], off + ihl
    elif etype == 0x86dd and len(frame) >= off + 40:
        proto, src, dst, l4 = frame[off + 6], frame[off + 8:off + 24], frame[off + 24:off + 40], off + 40
        if proto == 44:
            return None
    else:
        return None
    sport = dport = 0
    if proto in (6, 17, 132) and len(frame) >= l4 + 4:
        sport, dport = int.from_bytes(frame[l4:l4 + 2], "big"), int.from_bytes(frame[l4 + 2:l4 + 4], "big")
    a, b = sorted([(src, sport), (dst, dport)])
    return proto, a, b


class AfpCapture:
    """tests/daemon/afp_capture: N sockets of one fanout group, a pcap file each."""

    def __init__(self, ctx, ns, n, *opts):
        exe = os.path.join(ctx.build, "tests", "daemon", "afp_capture")
        if not ctx.build or not os.path.exists(exe):
            raise Skip(f"no {exe} (meson target afp_capture)")
        self.n, self.prefix = n, ctx.path(f"afp-{len(ctx.daemons)}")
        self.proc = subprocess.Popen(ns.argv(exe, CAP, str(n), self.prefix, *opts), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("ready"):
            self.proc.kill()
            raise Fail(f"afp_capture did not start: {line}{self.proc.stderr.read()}")
        self.ready = line

    def stop(self):
        """SIGTERM; the frames of each socket and its counters."""
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=30)
        expect(self.proc.returncode == 0, f"afp_capture exit {self.proc.returncode}: {err}")
        stats = {}
        for m in re.finditer(r"^socket (\d+) frames (\d+) received (\d+) drops (\d+) freezes (\d+)$", out, re.M):
            stats[int(m.group(1))] = tuple(int(m.group(k)) for k in range(2, 6))
        expect(len(stats) == self.n, f"afp_capture said: {out}")
        return [read_pcap(f"{self.prefix}.{i}.pcap") for i in range(self.n)], stats


def case_afpacket_vlan(ctx):
    """VLAN tags the kernel takes off a frame (into tp_vlan_tci) are put back:
    one AF_PACKET socket delivers every frame of tagged captures byte for
    byte as it was sent (GOOSE with priority tags, QinQ, mixed); the daemon's
    inventory of them equals analyze's, VLAN claims and bytes included."""
    pcaps = [ctx.pcap(p) for p in VLAN_PCAPS]
    sent = [fr for p in pcaps for fr in read_pcap(p)]
    expect(sum(1 for fr in sent if fr[2][12:14] in (b"\x81\x00", b"\x88\xa8")) > 450, "tagged input frames")
    db = ctx.path("live.sqlite")
    with Netns() as ns:
        cap = AfpCapture(ctx, ns, 1)
        for p in pcaps:
            ns.replay(p)
        time.sleep(0.3)
        (got,), stats = cap.stop()
        expect(len(got) == len(sent), f"{len(got)} frames captured of {len(sent)} sent")
        for i, (a, b) in enumerate(zip(got, sent)):
            expect(a[2] == b[2] and a[1] == b[1], f"frame {i}: captured {a[2][:24].hex()} (wire {a[1]}), "
                                                  f"sent {b[2][:24].hex()} (wire {b[1]})")
        expect(stats[0][:3] == (len(sent), len(sent), 0), f"counters {stats[0]}")

        d = Daemon(ctx, ns, db).ready()
        d.flush_until(sum(ns.replay(p) for p in pcaps))
        expect(d.stop() == 0, "exit status")
    offline = ctx.offline(*pcaps)
    live = db_devices(db)
    expect(live == offline, f"live {live} offline {offline}")
    off_db = ctx.path(f"offline-{len(ctx._offline) - 1}.sqlite")
    vlan_live = {k for k in db_evidence(db) if k[1] == "vlan"}
    vlan_off = {k for k in db_evidence(off_db) if k[1] == "vlan"}
    expect(vlan_live and vlan_live == vlan_off, f"VLAN claims live {sorted(vlan_live)} offline {sorted(vlan_off)}")


def case_afpacket_fanout(ctx):
    """Two sockets in one fanout group on one interface: each gets a share,
    together exactly the frames sent, and both directions of every IP flow
    reach the same socket. With PACKET_FANOUT_FLAG_DEFRAG, IPv4 fragments
    arrive reassembled, one frame per datagram."""
    pcaps = [ctx.plant()] + [ctx.pcap(p) for p in FLOW_PCAPS]
    sent = [fr for p in pcaps for fr in read_pcap(p)]
    with Netns() as ns:
        cap = AfpCapture(ctx, ns, 2)
        for p in pcaps:
            ns.replay(p)
        time.sleep(0.3)
        got, stats = cap.stop()
    expect(all(len(g) > len(sent) // 10 for g in got), f"shares {[len(g) for g in got]} of {len(sent)}")
    expect(sorted(fr[2] for g in got for fr in g) == sorted(fr[2] for fr in sent),
           f"the union of the sockets ({sum(len(g) for g in got)} frames) is not what was sent ({len(sent)})")
    for i in range(2):
        expect(stats[i][:3] == (len(got[i]), len(got[i]), 0), f"socket {i}: frames, received, drops {stats[i]}")
    where, both = {}, set()
    for i, g in enumerate(got):
        for fr in g:
            f = flow_of(fr[2])
            if f is None:
                continue
            where.setdefault(f, set()).add(i)
    split = [f for f, s in where.items() if len(s) > 1]
    expect(not split, f"{len(split)} of {len(where)} flows reached both sockets, e.g. {split[:3]}")
    per_socket = [sum(1 for s in where.values() if s == {i}) for i in range(2)]
    expect(len(where) > 150 and min(per_socket) > 20, f"flows per socket {per_socket}")
    # both directions really were there: the check above would pass with one-way flows
    dirs = {}
    for fr in sent:
        f = flow_of(fr[2])
        if f is not None:
            dirs.setdefault(f, set()).add(fr[2][26:30] if fr[2][12:14] == b"\x08\x00" else fr[2][22:38])
    two_way = sum(1 for s in dirs.values() if len(s) == 2)
    expect(two_way > 100, f"only {two_way} flows with both directions in the input")

    frag = ctx.pcap(FRAG_PCAP)
    fsent = read_pcap(frag)
    n_frag = sum(1 for fr in fsent if fr[2][12:14] == b"\x08\x00" and
                 int.from_bytes(fr[2][20:22], "big") & 0x3fff)
    trains = {fr[2][18:20] + fr[2][26:34] for fr in fsent if fr[2][12:14] == b"\x08\x00" and
              int.from_bytes(fr[2][20:22], "big") & 0x3fff}
    with Netns() as ns:
        cap = AfpCapture(ctx, ns, 2)
        ns.replay(frag)
        time.sleep(0.3)
        got, _ = cap.stop()
    frames = [fr for g in got for fr in g]
    left = sum(1 for fr in frames if fr[2][12:14] == b"\x08\x00" and int.from_bytes(fr[2][20:22], "big") & 0x3fff)
    expect(n_frag > 0 and left == 0, f"{left} of {n_frag} fragments arrived as fragments")
    expect(len(frames) == len(fsent) - n_frag + len(trains),
           f"{len(frames)} frames: want {len(fsent)} - {n_frag} fragments + {len(trains)} datagrams")


def case_afpacket_outgoing(ctx):
    """What the capture interface itself sends is not captured (a sensor's own
    frames are not the network's traffic); what it receives is."""
    plant = ctx.plant()
    with Netns() as ns:
        cap = AfpCapture(ctx, ns, 1)
        p = ns.run("tcpreplay", "-i", CAP, "--topspeed", plant)  # out of the capture end itself
        expect(re.search(r"Successful packets:\s+2151", p.stdout), f"tcpreplay on {CAP}: {p.stdout[-300:]}")
        received = ns.replay(plant)
        time.sleep(0.3)
        (got,), _ = cap.stop()
    expect(len(got) == received, f"{len(got)} frames captured: {received} received, 2151 sent by {CAP} itself")


def metric_value(body, name, labels=""):
    m = re.search(r"^" + re.escape(name + (("{" + labels + "}") if labels else "")) + r" (\d+)$", body, re.M)
    return int(m.group(1)) if m else None


def case_afpacket_drops(ctx):
    """A 1 MiB ring and a reader that sleeps (SIGSTOP) while 2 MB arrive: the
    kernel drops, and the drop and freeze counters reach /metrics (summed and
    per interface) and the log; frames read plus frames dropped is what was sent."""
    big = ctx.pcap(BIG_PCAP)
    db = ctx.path("live.sqlite")
    with Netns() as ns:
        d = Daemon(ctx, ns, db, listen="auto", conf=ctx.conf(ring_mb=1)).ready()
        d.wait_log(r"capturing on hkcap \(EN10MB, afpacket, ring 1 MiB = 8 blocks of 128 KiB", new=False)
        d.proc.send_signal(signal.SIGSTOP)
        try:
            sent = ns.replay(big)
        finally:
            d.proc.send_signal(signal.SIGCONT)
        time.sleep(0.5)
        read = d.flush()
        m = d.wait_log(r"(\d+) frames dropped by the kernel since the last report \((\d+) in all; the ring froze "
                       r"(\d+) times; hkcap (\d+) of (\d+) ", timeout=5)
        drops, froze, recv = int(m.group(2)), int(m.group(3)), int(m.group(5))
        expect(drops > 0 and froze > 0, f"drops {drops}, freezes {froze}")
        expect(read + drops == sent and recv == sent, f"read {read} + dropped {drops} != sent {sent} (received {recv})")
        end, body = time.time() + 5, ""
        while time.time() < end:  # /metrics is updated once a second
            status, body = ns.http(d.port, "/metrics")
            if metric_value(body, "herkomst_drops_total", 'where="kernel"') == drops:
                break
            time.sleep(0.2)
        expect(metric_value(body, "herkomst_drops_total", 'where="kernel"') == drops, f"/metrics:\n{body[:1500]}")
        expect(metric_value(body, "herkomst_interface_drops_total", 'interface="hkcap",where="kernel"') == drops,
               "per-interface kernel drops in /metrics")
        expect(metric_value(body, "herkomst_interface_received_total", 'interface="hkcap"') == sent,
               "per-interface received in /metrics")
        expect(metric_value(body, "herkomst_ring_freezes_total") == froze, "ring freezes in /metrics")
        expect(metric_value(body, "herkomst_interface_ring_freezes_total", 'interface="hkcap"') == froze,
               "per-interface ring freezes in /metrics")
        expect(metric_value(body, "herkomst_packets_total") == read, "packets in /metrics")
        expect(d.stop() == 0, "exit status")


def case_workers(ctx):
    """[capture] workers = 2: two worker threads, each with its own socket in
    the interface's fanout group and its own pipeline; a flush merges their
    partial inventories. The same devices, counts and attributes as analyze;
    the frames of both in /metrics and in the capture session; SIGHUP and
    SIGUSR1 still work; SIGTERM stops both workers, then flushes once more."""
    plant, modbus = ctx.plant(), ctx.pcap(MODBUS)
    db = ctx.path("live.sqlite")
    with Netns() as ns:
        d = Daemon(ctx, ns, db, listen="auto", conf=ctx.conf(extra="[capture]\nworkers = 2\n")).ready()
        d.wait_log(r"capturing on hkcap \(EN10MB, afpacket, .* socket 1, ", new=False)
        d.wait_log(r"ready: .*, 2 worker threads", new=False)
        sent = ns.replay(plant, 2151)
        d.flush_until(sent)
        expect_packets(db_devices(db), ctx.offline(plant), "workers = 2, after SIGUSR1")
        d.proc.send_signal(signal.SIGHUP)
        d.wait_log(r"reload: \d+ signature rules")
        more = ns.replay(modbus)
        d.flush_until(more)
        sent += more
        status, body = ns.http(d.port, "/metrics")
        expect(status == 200, f"GET /metrics: {status}")
        expect(metric_value(body, "herkomst_packets_total") == sent,
               f"/metrics packets_total: {metric_value(body, 'herkomst_packets_total')}, sent {sent}")
        rc = d.stop(signal.SIGTERM)
        expect(rc == 0, f"exit {rc} after SIGTERM, want 0; log:\n{d.text()[-1500:]}")
        d.wait_log(r"flush \(final\)", new=False)
    live = db_devices(db)
    expect_packets(live, ctx.offline(plant, modbus), "workers = 2, after SIGTERM")
    expect_attributes(live, ctx.offline(plant, modbus), "workers = 2, after SIGTERM")
    con = sqlite3.connect(db)
    row = con.execute("SELECT path, format, packets FROM captures").fetchall()
    con.close()
    expect(row == [("live:" + CAP, "live", sent)], f"the capture session: {row}")


def case_capture_pcap(ctx):
    """capture = pcap keeps the libpcap path: the same devices as analyze."""
    plant = ctx.plant()
    db = ctx.path("live.sqlite")
    with Netns() as ns:
        d = Daemon(ctx, ns, db, conf=ctx.conf(capture="pcap")).ready()
        d.wait_log(r"capturing on hkcap \(EN10MB, libpcap, buffer 16 MiB", new=False)
        d.flush_until(ns.replay(plant))
        expect(d.stop() == 0, "exit status")
    expect_packets(db_devices(db), ctx.offline(plant), "capture = pcap")


CASES = {
    "replay": case_replay,
    "crash": case_crash,
    "periodic": case_periodic,
    "flush-twice": case_flush_twice,
    "reload": case_reload,
    "privdrop": case_privdrop,
    "ambient": case_ambient,
    "notify": case_notify,
    "watchdog-stuck": case_watchdog_stuck,
    "stuck-in-round": case_stuck_in_round,
    "config-errors": case_config_errors,
    "afpacket-vlan": case_afpacket_vlan,
    "afpacket-fanout": case_afpacket_fanout,
    "afpacket-drops": case_afpacket_drops,
    "afpacket-outgoing": case_afpacket_outgoing,
    "capture-pcap": case_capture_pcap,
    "workers": case_workers,
}


if __name__ == "__main__":
    sys.exit(casekit.main(sys.argv, __doc__, CASES, Ctx,
                          prefix="hk-e2e-", prepare=prepare, finish=_cleanup_all, timed=True))
