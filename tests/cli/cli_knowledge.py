#!/usr/bin/env python3
"""What herkomst analyze loads only when a capture needs it: the SNMP
enterprise table (Wireshark's enterprises.tsv, or $HERKOMST_ENTERPRISES),
read by the deriver on the first snmp.enterprise item, on whichever of
the --threads it runs on.

usage: cli_knowledge.py HERKOMST [CASE...]   run the cases (all when none given)
       cli_knowledge.py --list               print the case names (meson reads it)

The captures are written here: SNMPv2c Responses of 200 agents, every
tenth with a sysObjectID.0 under 1.3.6.1.4.1 (enterprise 4329, Siemens AG,
in the unit tests' table tests/unit/data/enterprises/enterprises.tsv), and
two ARP frames that say nothing about SNMP.
"""
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402  (tests/casekit.py: the runner, Fail, Skip, expect)
from casekit import Fail, Skip, expect  # noqa: E402

TIMEOUT = 120
PEN, PEN_NAME = 4329, "Siemens AG"
N_AGENTS, AGENT_EVERY = 200, 10


def agent_mac(host):
    return "02:00:5e:00:01:%02x" % host  # locally administered: the OUI registry names no one


MISSING_WORDS = "no SNMP enterprise names: /nonexistent/enterprises.tsv: No such file or directory"


def ber(tag, body):
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + body


def oid(text):
    arcs = [int(a) for a in text.split(".")]
    out = bytes([40 * arcs[0] + arcs[1]])
    for a in arcs[2:]:
        enc = [a & 0x7f]
        a >>= 7
        while a:
            enc.append(0x80 | (a & 0x7f))
            a >>= 7
        out += bytes(reversed(enc))
    return ber(0x06, out)


def snmp_response(sysobjectid):
    """An SNMPv2c Response (error-status 0) with sysObjectID.0."""
    varbind = ber(0x30, oid("1.3.6.1.2.1.1.2.0") + oid(sysobjectid))
    pdu = ber(0xa2, ber(0x02, b"\x01") + ber(0x02, b"\x00") + ber(0x02, b"\x00") + ber(0x30, varbind))
    return ber(0x30, ber(0x02, b"\x01") + ber(0x04, b"public") + pdu)


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack(f">{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, dport, payload):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    pseudo = src_ip + dst_ip + struct.pack(">BBH", 0, 17, len(udp))
    udp = udp[:6] + struct.pack(">H", checksum(pseudo + udp) or 0xffff) + udp[8:]
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack(">H", checksum(ip)) + ip[12:]
    return dst_mac + src_mac + b"\x08\x00" + ip + udp


def snmp_pcap():
    """A manager (10.1.0.1) polls 200 agents, 10.1.0.2..10.1.0.201; every
    tenth (AGENT_EVERY) answers with an OID under 1.3.6.1.4.1.PEN, the
    others with one outside 1.3.6.1.4.1. The devices are more than two
    derive blocks, so that -j 2 derives them on two threads, and both
    meet enterprise items."""
    mgr_mac, mgr_ip = bytes.fromhex("001b1b000001"), bytes([10, 1, 0, 1])
    frames = []
    for host in range(2, 2 + N_AGENTS):
        mac = bytes.fromhex(agent_mac(host).replace(":", ""))
        obj = "1.3.6.1.4.1.%d.1.%d" % (PEN, host) if host % AGENT_EVERY == 0 else "1.3.6.1.2.1.%d" % host
        frames.append(udp_frame(mac, mgr_mac, bytes([10, 1, 0, host]), mgr_ip, 161, 40000 + host,
                                snmp_response(obj)))
    return casekit.pcap_bytes(frames, 1709251200)


def arp_pcap():
    a, b = bytes.fromhex("001b1b000001"), bytes.fromhex("000e8c000002")

    def arp(op, sha, spa, tha, tpa, dst):
        return (dst + sha + b"\x08\x06" + struct.pack(">HHBBH", 1, 0x0800, 6, 4, op)
                + sha + spa + tha + tpa + bytes(18))

    return casekit.pcap_bytes([arp(1, a, bytes([10, 0, 0, 1]), bytes(6), bytes([10, 0, 0, 2]), b"\xff" * 6),
                               arp(2, b, bytes([10, 0, 0, 2]), a, bytes([10, 0, 0, 1]), a)], 1709251200)


class Ctx:
    def __init__(self, exe, tmp):
        self.exe = exe
        self.tmp = tmp

    def table(self):
        """The unit tests' enterprise table."""
        src = os.environ.get("HERKOMST_SOURCE_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                    "..", "..")
        path = os.path.join(src, "tests", "unit", "data", "enterprises", "enterprises.tsv")
        if not os.path.isfile(path):
            raise Skip(f"{path} is not there")
        return path

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return self.path(name)

    def analyze(self, table, *args):
        env = dict(os.environ, HERKOMST_ENTERPRISES=table)
        proc = subprocess.run([self.exe, "analyze", "--no-progress"] + list(args), capture_output=True,
                              timeout=TIMEOUT, check=False, env=env, stdin=subprocess.DEVNULL)
        if proc.returncode < 0:
            raise Fail(f"analyze {' '.join(args)} died of signal {-proc.returncode}")
        return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")

    def analyze_json(self, table, *args):
        rc, out, err = self.analyze(table, "--format", "json", *args)
        expect(rc == 0, f"analyze {' '.join(args)}: exit {rc}, want 0; stderr: {err[-500:]}")
        try:
            return json.loads(out), err
        except json.JSONDecodeError as e:
            raise Fail(f"analyze {' '.join(args)}: output is not JSON ({e}): {out[:200]!r}") from e


def agents(doc):
    """{host: device} of the agents that have an enterprise number."""
    by_mac = {d.get("mac"): d for d in doc["devices"]}
    want = [h for h in range(2, 2 + N_AGENTS) if h % AGENT_EVERY == 0]
    missing = [agent_mac(h) for h in want if agent_mac(h) not in by_mac]
    expect(not missing, f"agents {missing} are not among the devices")
    expect(len(doc["devices"]) > 2 * 64, f"{len(doc['devices'])} devices, want more than two derive blocks of 64")
    return {h: by_mac[agent_mac(h)] for h in want}


def enterprise_claims(dev):
    """The manufacturer claims the enterprise table gave the device."""
    return [e for e in dev.get("evidence", []) if e.get("source") == "snmp.enterprise"
            and e.get("attribute") == "manufacturer"]


def case_resolved(c):
    """The table loads on the deriver's first snmp.enterprise item, with one
    thread and with two: every agent that has an enterprise number gets its
    manufacturer from it."""
    cap = c.write("snmp.pcap", snmp_pcap())
    for threads in ("1", "2"):
        doc, err = c.analyze_json(c.table(), "-j", threads, cap)
        for host, dev in agents(doc).items():
            claims = enterprise_claims(dev)
            expect([e.get("value") for e in claims] == [PEN_NAME],
                   f"-j {threads}: agent {host}'s snmp.enterprise manufacturer claims are {claims}, want "
                   f"one {PEN_NAME!r}; its evidence: {dev.get('evidence')}")
        expect("warning" not in err, f"-j {threads}: a warning with the table present: {err!r}")


def case_missing_needed(c):
    """A capture that needs the table, without it: the loader's warning (the
    file, why, what to install), once, and no enterprise claim."""
    cap = c.write("snmp.pcap", snmp_pcap())
    for threads in ("1", "2"):
        doc, err = c.analyze_json("/nonexistent/enterprises.tsv", "-j", threads, cap)
        expect(err.count(MISSING_WORDS) == 1, f"-j {threads}: want the warning {MISSING_WORDS!r} once; "
                                              f"stderr: {err!r}")
        expect("herkomst: warning: " + MISSING_WORDS in err and "apt-get install libwireshark-data" in err
               and "HERKOMST_ENTERPRISES" in err, f"-j {threads}: the warning does not say what to do: {err!r}")
        for host, dev in agents(doc).items():
            expect(enterprise_claims(dev) == [], f"-j {threads}: agent {host} has an enterprise claim "
                                                 "without the table")


def case_missing_unneeded(c):
    """A capture without an snmp.enterprise item does not read the table, so
    a missing one is not reported (herkomst report, unknown and run, which
    load it at start, still say so)."""
    cap = c.write("arp.pcap", arp_pcap())
    doc, err = c.analyze_json("/nonexistent/enterprises.tsv", cap)
    expect(len(doc["devices"]) == 2, f"{len(doc['devices'])} devices, want 2")
    expect("enterprise" not in err, f"the table was read for a capture that does not need it: {err!r}")


CASES = {
    "enterprise-resolved": case_resolved,
    "enterprise-missing-needed": case_missing_needed,
    "enterprise-missing-unneeded": case_missing_unneeded,
}


if __name__ == "__main__":
    sys.exit(casekit.main(sys.argv, __doc__, CASES, Ctx, prefix="hk-cli-know-"))
