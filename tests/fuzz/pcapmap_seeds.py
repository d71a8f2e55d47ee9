#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seed corpus of fuzz_pcapmap.c (tests/fuzz/corpus/pcapmap/).

The hand-* seeds are built here byte by byte: one per variant of header,
record and block cap_map reads, and one per refusal. Real captures are not
copied into the corpus: they stay in ../shared, where the test
pcapmap-libpcap compares both readers on each.

Usage: pcapmap_seeds.py OUT_DIR
"""
import os
import struct
import sys


class B:
    def __init__(self, big=False):
        self.d = bytearray()
        self.e = '>' if big else '<'

    def put(self, fmt, *v):
        self.d += struct.pack(self.e + fmt, *v)
        return self


def frame(n, seed):
    return bytes((seed + i) & 0xff for i in range(n))


def pcap(big=False, nsec=False, major=2, minor=4, snaplen=65535, lt=1, magic=None):
    b = B(big)
    m = magic if magic is not None else (0xa1b23c4d if nsec else 0xa1b2c3d4)
    b.put('IHHiiII', m, major, minor, 0, 0, snaplen, lt)
    return b


def rec(b, sec, frac, caplen, length, seed, stored=None):
    b.put('IIII', sec, frac, caplen, length)
    b.d += frame(caplen if stored is None else stored, seed)


def block(b, btype, body, trailer=None):
    body = bytes(body)
    body += b'\0' * (-len(body) % 4)
    n = len(body) + 12
    b.put('II', btype, n)
    b.d += body
    b.put('I', n if trailer is None else trailer)


def shb(b, major=1, minor=0):
    block(b, 0x0a0d0d0a, struct.pack(b.e + 'IHHq', 0x1a2b3c4d, major, minor, -1))


def idb(b, lt=1, snaplen=65535, tsresol=None, tsoffset=None):
    body = struct.pack(b.e + 'HHI', lt, 0, snaplen)
    body += struct.pack(b.e + 'HH', 2, 4) + b'eth0'
    if tsresol is not None:
        body += struct.pack(b.e + 'HH', 9, 1) + bytes([tsresol, 0, 0, 0])
    if tsoffset is not None:
        body += struct.pack(b.e + 'HHq', 14, 8, tsoffset)
    body += struct.pack(b.e + 'HH', 0, 0)
    block(b, 1, body)


def epb(b, ifid, ts, caplen, length, seed):
    block(b, 6, struct.pack(b.e + 'IIIII', ifid, ts >> 32, ts & 0xffffffff, caplen, length) + frame(caplen, seed))


def spb(b, length, stored, seed):
    block(b, 3, struct.pack(b.e + 'I', length) + frame(stored, seed))


def pb(b, ifid, ts, caplen, length, seed):
    block(b, 2, struct.pack(b.e + 'HHIIII', ifid, 0, ts >> 32, ts & 0xffffffff, caplen, length) + frame(caplen, seed))


def seeds():
    out = {}
    for big in (False, True):
        for nsec in (False, True):
            b = pcap(big, nsec)
            rec(b, 1700000000, 123456789 if nsec else 123456, 60, 60, 1)
            rec(b, 0x80000000, 0xfffffc18, 14, 1514, 2)
            rec(b, 1, 0, 0, 0, 0)
            out['hand-pcap-%s-%s' % ('be' if big else 'le', 'nsec' if nsec else 'usec')] = b.d
    b = pcap(minor=2)
    rec(b, 1, 0, 100, 10, 1, stored=10)
    out['hand-pcap-v2.2-lengths-swapped'] = b.d
    b = pcap(minor=3)
    rec(b, 1, 0, 10, 100, 1)
    rec(b, 2, 0, 100, 10, 2, stored=10)
    out['hand-pcap-v2.3-maybe-swapped'] = b.d
    b = pcap(snaplen=64)
    rec(b, 1, 0, 100, 100, 1)
    rec(b, 2, 0, 64, 64, 2)
    b.put('IIII', 3, 0, 262145, 262145)
    out['hand-pcap-caplen-over-snaplen'] = b.d
    b = pcap(snaplen=0, lt=101)
    rec(b, 1, 0, 20, 20, 0x45)
    rec(b, 2, 0, 30, 30, 0x45)
    out['hand-pcap-raw-snaplen0-truncated'] = b.d[:-7]
    out['hand-pcap-kuznetzov'] = pcap(magic=0xa1b2cd34).d + bytes(24)
    out['hand-pcap-version-1.0'] = pcap(major=1, minor=0).d
    out['hand-pcap-header-cut'] = pcap().d[:13]

    b = B()
    shb(b)
    block(b, 0x80000001, b'custom')
    idb(b, 1, 1500)
    epb(b, 0, 1700000000123456, 60, 60, 1)
    block(b, 4, bytes(12))
    block(b, 5, bytes(20))
    spb(b, 70, 70, 2)
    spb(b, 2000, 1500, 3)
    pb(b, 0, 1700000001000001, 30, 40, 4)
    out['hand-pcapng-le-blocks'] = b.d
    b = B(big=True)
    shb(b)
    idb(b, 1, 65535)
    epb(b, 0, 1700000000123456, 60, 60, 1)
    pb(b, 0, 1, 8, 8, 2)
    out['hand-pcapng-be-blocks'] = b.d
    b = B()
    shb(b)
    idb(b, 1, 65535, 9)
    idb(b, 1, 65535, 0x80 | 20)
    idb(b, 1, 65535, 6, 1000)
    idb(b, 1, 65535, 3, -10)
    idb(b, 1, 65535, 0x80 | 63)
    idb(b, 1, 65535, 19)
    for i, ts in enumerate((1500000000123456789, (5 << 20) | (1 << 19) | 1, 7000001, 20999, (1 << 63) | 12345,
                            12345678901234567890)):
        epb(b, i, ts, 4, 4, i)
    out['hand-pcapng-tsresol-tsoffset'] = b.d
    b = B()
    shb(b)
    idb(b)
    idb(b)
    epb(b, 1, 1000000, 4, 4, 1)
    shb(b, 1, 2)
    idb(b, 1, 65535, 9)
    epb(b, 0, 2000000000, 4, 4, 2)
    epb(b, 1, 0, 4, 4, 3)
    out['hand-pcapng-two-sections'] = b.d
    b = B(big=True)
    shb(b)
    idb(b)
    epb(b, 0, 1, 4, 4, 1)
    b.e = '<'
    shb(b)
    idb(b)
    epb(b, 0, 1, 4, 4, 2)
    out['hand-pcapng-byte-order-change'] = b.d
    b = B()
    shb(b)
    idb(b, 1)
    epb(b, 0, 1, 16, 16, 1)
    idb(b, 0)
    epb(b, 1, 1, 4, 4, 2)
    out['hand-pcapng-mixed-linktypes'] = b.d
    b = B()
    shb(b)
    idb(b, 101)
    epb(b, 0, 1, 20, 20, 0x45)
    idb(b, 101)
    out['hand-pcapng-raw-two-idbs'] = b.d
    b = B()
    shb(b)
    idb(b)
    epb(b, 0, 1, 4, 4, 1)
    epb(b, 3, 1, 4, 4, 2)
    out['hand-pcapng-iface-out-of-range'] = b.d
    b = B()
    shb(b)
    idb(b)
    epb(b, 0, 1, 4, 4, 1)
    block(b, 6, struct.pack('<IIIII', 0, 0, 2, 4, 4) + frame(4, 2), trailer=40)
    out['hand-pcapng-trailer-mismatch'] = b.d
    b = B()
    shb(b)
    idb(b, 1, 64)
    epb(b, 0, 1, 4, 4, 1)
    epb(b, 0, 2, 65, 65, 2)
    out['hand-pcapng-caplen-over-snaplen'] = b.d
    b = B()
    shb(b)
    idb(b)
    spb(b, 100, 40, 1)
    out['hand-pcapng-spb-short'] = b.d
    b = B()
    shb(b)
    idb(b)
    epb(b, 0, 1, 4, 4, 1)
    epb(b, 0, 2, 40, 40, 2)
    out['hand-pcapng-truncated'] = b.d[:-9]
    b = B()
    shb(b)
    b.put('II', 6, 34)
    b.d += bytes(26)
    out['hand-pcapng-length-not-4'] = b.d
    b = B()
    shb(b)
    epb(b, 0, 1, 4, 4, 1)
    out['hand-pcapng-packet-before-idb'] = b.d
    b = B()
    shb(b, 1, 1)
    idb(b)
    out['hand-pcapng-version-1.1'] = b.d
    return out


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(out_dir, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
