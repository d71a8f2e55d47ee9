#!/usr/bin/env python3
"""pcap_rename keeps captures valid and renames what it says (README.md).

usage: rename_check.py PCAP_RENAME SHARED_DIR

For a few shared captures that hold ARP, IPv6 neighbour discovery, 802.1Q
and QinQ tags, TCP and UDP with right and wrong (offloaded) checksums, it
runs `pcap_rename 7` and compares, frame by frame, what tshark reads:

- the counts of good and bad IPv4, TCP, UDP and ICMPv6 checksums are the
  same before and after (tshark with checksum checks on): a right checksum
  stays right and a wrong one stays wrong;
- every unicast MAC keeps its OUI and changes its last three bytes; group
  MACs stay (except 33:33:ff:..., the solicited-node groups);
- every IPv4 address outside 0/8, 127/8 and 224/3 keeps its first two and
  its last octet and changes its third; ARP sender/target addresses too;
- IPv6 addresses other than ::, ::1 and multicast (but for solicited-node
  groups) have their last 24 bits XORed with the MAC's value, so an address
  whose last 24 bits equal its MAC's (EUI-64) still does after renaming.

Exit 0, 1 with the differences, 77 (skip) without tshark or the captures.
"""
import ipaddress
import os
import shutil
import subprocess
import sys
import tempfile

CAPTURES = (
    "ndpi_alexa-app.pcapng",       # ARP, IPv6 NDP with link-layer options, DHCP
    "zeek_vlan-collisions.pcap",   # 802.1Q
    "zeek_q-in-q.pcap",            # 802.1ad QinQ
    "ndpi_1kxun.pcap",             # TCP with offloaded (bad) checksums, UDP
    "arkime_ospf.pcap",            # IPv6, ICMPv6, multicast
    "zeek_icmp6-nd-options.pcap",  # NDP options
)
K = 7
B = (167 * K) % 256
FIELDS = ("frame.number", "eth.src", "eth.dst", "arp.src.hw_mac", "arp.src.proto_ipv4",
          "arp.dst.proto_ipv4", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
          "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status",
          "icmpv6.checksum.status")


def tshark(path):
    cmd = ["tshark", "-n", "-r", path, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
           "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [dict(zip(FIELDS, line.split("\t"))) for line in out.splitlines()]


def mac_ok(a, b):
    """'' if b is a's renaming, else why not."""
    if not a:
        return "" if not b else f"MAC appeared: {b}"
    x = [int(v, 16) for v in a.split(":")]
    y = [int(v, 16) for v in b.split(":")]
    group = x[0] & 1 and x[:3] != [0x33, 0x33, 0xff]
    if group or x == [0] * 6:
        return "" if x == y else f"group/zero MAC {a} changed to {b}"
    want = x[:3] + [v ^ B for v in x[3:]]
    return "" if y == want else f"MAC {a} became {b}, want {':'.join('%02x' % v for v in want)}"


def ip4_ok(a, b):
    if not a:
        return "" if not b else f"IPv4 appeared: {b}"
    x = [int(v) for v in a.split(".")]
    y = [int(v) for v in b.split(".")]
    if x[0] == 0 or x[0] == 127 or x[0] >= 224:
        return "" if x == y else f"special IPv4 {a} changed to {b}"
    want = [x[0], x[1], x[2] ^ B, x[3]]
    return "" if y == want else f"IPv4 {a} became {b}, want {'.'.join(map(str, want))}"


def ip6_ok(a, b):
    if not a:
        return "" if not b else f"IPv6 appeared: {b}"
    x = int(ipaddress.IPv6Address(a))
    y = int(ipaddress.IPv6Address(b))
    solicited = x >> 24 == 0xff0200000000000000000001ff
    if x >> 32 == 0xffff:
        return ""  # ::ffff:a.b.c.d follows the IPv4 rule (none in these captures)
    if x in (0, 1) or (x >> 120 == 0xff and not solicited):
        return "" if x == y else f"special IPv6 {a} changed to {b}"
    want = x ^ (B * 0x010101)
    return "" if y == want else f"IPv6 {a} became {b}, want {ipaddress.IPv6Address(want)}"


def eui64_ok(f_before, f_after):
    """An IPv6 source whose low 24 bits were its MAC's still are."""
    a, mac_a = f_before["ipv6.src"], f_before["eth.src"]
    if not a or not mac_a:
        return ""
    low = int(ipaddress.IPv6Address(a)) & 0xffffff
    if low != int(mac_a.replace(":", "")[6:], 16):
        return ""
    low_b = int(ipaddress.IPv6Address(f_after["ipv6.src"])) & 0xffffff
    mac_b = int(f_after["eth.src"].replace(":", "")[6:], 16)
    return "" if low_b == mac_b else f"EUI-64 {a} no longer matches its MAC after renaming"


def main():
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1])
        return 2
    rename, shared = sys.argv[1], sys.argv[2]
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed (Debian tshark)")
        return 77
    pcaps = os.path.join(shared, "pcaps")
    if not os.path.isdir(pcaps):
        print(f"SKIP: no shared captures in {pcaps}")
        return 77
    problems = []
    with tempfile.TemporaryDirectory(prefix="hk-rename.") as tmp:
        for name in CAPTURES:
            src = os.path.join(pcaps, name)
            if not os.path.exists(src):
                problems.append(f"{name}: missing from {pcaps}")
                continue
            dst = os.path.join(tmp, name + ".pcap")
            subprocess.run([rename, "-q", str(K), src, dst], check=True)
            before, after = tshark(src), tshark(dst)
            if len(before) != len(after):
                problems.append(f"{name}: {len(before)} frames became {len(after)}")
                continue
            n_changed = 0
            for fa, fb in zip(before, after):
                why = [mac_ok(fa[f], fb[f]) for f in ("eth.src", "eth.dst", "arp.src.hw_mac")]
                why += [ip4_ok(fa[f], fb[f]) for f in ("arp.src.proto_ipv4", "arp.dst.proto_ipv4",
                                                         "ip.src", "ip.dst")]
                why += [ip6_ok(fa[f], fb[f]) for f in ("ipv6.src", "ipv6.dst")]
                why.append(eui64_ok(fa, fb))
                for f in FIELDS[-4:]:
                    if fa[f] != fb[f]:
                        why.append(f"{f} was {fa[f] or 'none'} and is {fb[f] or 'none'} (2 unchecked, 1 good, 0 bad)")
                why = [w for w in why if w]
                if why:
                    problems.append(f"{name} frame {fa['frame.number']}: " + "; ".join(why))
                if fa["eth.src"] != fb["eth.src"] or fa["ip.src"] != fb["ip.src"]:
                    n_changed += 1
            if n_changed == 0:
                problems.append(f"{name}: no frame's source was renamed")
            print(f"{name}: {len(before)} frames, {n_changed} with a renamed source")
    for p in problems[:40]:
        print("FAIL:", p)
    if len(problems) > 40:
        print(f"FAIL: ... and {len(problems) - 40} more")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
