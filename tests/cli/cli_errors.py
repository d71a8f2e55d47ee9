#!/usr/bin/env python3
"""End-to-end behaviour of the herkomst binary when things go wrong, and
the command-line contracts around it: exit statuses, messages that name
what failed, truncated captures and ones refused partway, --timings, databases
that are not ours, runs that accumulate in one database, standard input, CSV
and -o.

usage: cli_errors.py HERKOMST [CASE...]   run the cases (all when none given)
       cli_errors.py --list               print the case names (meson reads it)

Each case prints PASS, FAIL or SKIP with the reason, and the run ends with
"N passed, M failed, K skipped". Exit status: 1 if a case failed, 77 (skip)
if every case was skipped, else 0.

Cases that read the real captures find them in $HERKOMST_SHARED_DIR/pcaps
and skip when they are absent. The others use a tiny capture written here.
"""
import csv
import io
import json
import os
import re
import sqlite3
import stat
import struct
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402  (tests/casekit.py: the runner, Fail, Skip, expect)
from casekit import Fail, Skip, expect  # noqa: E402

TIMEOUT = 120

MODBUS = "iti_modbus_test.pcap"
BACNET = "iti_bacnet_test.pcap"

CSV_COLUMNS = ["id", "mac", "mac_local", "ips", "hostnames", "manufacturer", "model", "firmware",
               "serial", "role", "oui_prefix", "oui_registry", "oui_registrant", "oui_country",
               "oui_status", "via", "protocols", "first_seen", "last_seen", "packets", "bytes"] + ["origin", "flag"]  # the assessment, appended

class Ctx:
    def __init__(self, exe, tmp):
        self.exe = exe
        self.tmp = tmp

    def path(self, name):
        return os.path.join(self.tmp, name)

    def run(self, *args, stdin=None, input_bytes=None):
        """Runs herkomst; returns (exit status, stdout, stderr) as text."""
        argv = [self.exe] + list(args)
        if input_bytes is not None:
            proc = subprocess.run(argv, input=input_bytes, capture_output=True,
                                  timeout=TIMEOUT, check=False)
        else:
            proc = subprocess.run(argv, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                  capture_output=True, timeout=TIMEOUT, check=False)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        if proc.returncode < 0:
            raise Fail(f"{' '.join(argv)} died of signal {-proc.returncode}; stderr: {err[-500:]}")
        return proc.returncode, out, err

    def analyze(self, *args, **kw):
        return self.run("analyze", "--no-progress", *args, **kw)

    def analyze_json(self, *args, **kw):
        rc, out, err = self.analyze("--format", "json", *args, **kw)
        expect(rc == 0, f"analyze {' '.join(args)}: exit {rc}, want 0; stderr: {err[-500:]}")
        return parse_json(out, args), err


def expect_exit(got, want, what, err):
    expect(got == want, f"{what}: exit {got}, want {want}; stderr: {err.strip()[-500:]!r}")


def expect_in(needle, hay, what):
    expect(needle in hay, f"{what}: {needle!r} not in {hay.strip()[-600:]!r}")


def parse_json(text, args):
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise Fail(f"analyze {' '.join(args)}: output is not JSON ({e}): {text[:200]!r}") from e


def shared_capture(name):
    shared = os.environ.get("HERKOMST_SHARED_DIR")
    if not shared:
        raise Skip("HERKOMST_SHARED_DIR is not set (run through meson test)")
    path = os.path.join(shared, "pcaps", name)
    if not os.path.isfile(path):
        raise Skip(f"{path} is not there")
    return path


def pcap_records(data):
    """(offset, captured length) of every record of a classic pcap file."""
    recs = [(off, incl) for off, incl, _, _ in casekit.pcap_records(data, "the reference capture")]
    end = recs[-1][0] + 16 + recs[-1][1] if recs else 24
    expect(end == len(data), "the reference capture itself is truncated")
    return recs


def tiny_pcap(mac_a="001b1b000001", mac_b="000e8c000002", net=10):
    """A pcap of two Ethernet frames: an ARP request from 00:1b:1b:00:00:01
    (10.0.0.1) for 10.0.0.2, and the reply from 00:0e:8c:00:00:02 (or the
    MACs and first address byte given)."""
    a, b = bytes.fromhex(mac_a), bytes.fromhex(mac_b)
    ip_a, ip_b = bytes([net, 0, 0, 1]), bytes([net, 0, 0, 2])

    def arp(op, sha, spa, tha, tpa, dst):
        return (dst + sha + b"\x08\x06" + struct.pack(">HHBBH", 1, 0x0800, 6, 4, op)
                + sha + spa + tha + tpa + bytes(18))

    frames = [arp(1, a, ip_a, bytes(6), ip_b, b"\xff" * 6), arp(2, b, ip_b, a, ip_a, a)]
    return casekit.pcap_bytes(frames, 1709251200)


TINY_MACS = ["00:0e:8c:00:00:02", "00:1b:1b:00:00:01"]


def bad_record():
    """A classic pcap record header saying it holds 16 MiB: more than the
    snapshot length and than the 256 KiB libpcap accepts, so both readers
    refuse it as an error (not as a file cut short) and stop there."""
    return struct.pack("<IIII", 1709251300, 0, 1 << 24, 1 << 24) + bytes(64)


def pcapng_bad_block(pcap):
    """The frames of a classic pcap as a pcapng file (one Ethernet interface),
    then a packet on interface 1, which has no description block: both
    readers refuse that block as an error, after the frames before it."""
    def block(btype, body):
        body += bytes(-len(body) % 4)
        return struct.pack("<II", btype, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))

    out = block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))
    out += block(1, struct.pack("<HHI", 1, 0, 65535))
    for i, (_, caplen, wirelen, frame) in enumerate(casekit.pcap_records(pcap, "the tiny capture")):
        ts = (1709251200 + i) * 1000000
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, caplen, wirelen) + frame)
    return out + block(6, struct.pack("<IIIII", 1, 0, 0, 42, 42) + bytes(42))


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def device_id(d):
    """What identifies a device across runs: its MAC, else its addresses."""
    return d["mac"] or "ip:" + ",".join(d["ips"])


# --- the cases -------------------------------------------------------------


def case_missing_file(c):
    """(a) A capture that does not exist: exit 1, stderr names it."""
    path = c.path("no-such-capture.pcap")
    rc, _, err = c.analyze(path)
    expect_exit(rc, 1, "missing capture", err)
    expect_in(path, err, "stderr")
    expect_in("no such file", err, "stderr")


def case_missing_among_good(c):
    """(a) One capture missing among readable ones: exit 1, the missing one
    is named, and (current behaviour) the inventory of the readable ones is
    still printed."""
    good = write(c.path("tiny.pcap"), tiny_pcap())
    missing = c.path("gone.pcap")
    rc, out, err = c.analyze("--format", "json", good, missing)
    expect_exit(rc, 1, "one missing capture of two", err)
    expect_in(missing, err, "stderr")
    doc = parse_json(out, [good, missing])
    expect([x["path"] for x in doc["captures"]] == [good],
           f"captures {doc['captures']}, want only {good}")
    expect(len(doc["devices"]) >= 1, "no devices from the readable capture")


def case_not_a_capture(c):
    """(b) A text file, and an empty file, given as a capture: exit 1, the
    message names the file and says what is wrong."""
    text = write(c.path("notes.txt"), b"These are my notes, not a capture.\n")
    rc, _, err = c.analyze(text)
    expect_exit(rc, 1, "text file as capture", err)
    expect_in(text, err, "stderr")
    expect_in("not a pcap or pcapng", err, "stderr")

    empty = write(c.path("empty.pcap"), b"")
    rc, _, err = c.analyze(empty)
    expect_exit(rc, 1, "empty file as capture", err)
    expect_in(empty, err, "stderr")
    expect_in("empty", err.replace(empty, ""), "stderr")


def case_truncated(c):
    """(c) A capture cut in the middle of a record (in its data, and in its
    header): exit 0 with a warning naming the file and "truncated"; the
    inventory covers the complete records before the cut; --strict makes it
    exit 1."""
    src = shared_capture(MODBUS)
    with open(src, "rb") as f:
        data = f.read()
    recs = pcap_records(data)
    full, _ = c.analyze_json(src)
    n_full = full["captures"][0]["packets"]
    expect(n_full == len(recs), f"the full file reads {n_full} packets, it has {len(recs)} records")

    k = len(recs) // 2
    off, incl = recs[k]
    expect(incl >= 2, "record too short to cut in its data")
    for where, cut in (("data", off + 16 + incl // 2), ("header", off + 8)):
        path = write(c.path(f"cut-in-{where}.pcap"), data[:cut])
        doc, err = c.analyze_json(path)
        what = f"cut in the record {where}"
        expect_in(path, err, what + ": warning")
        expect_in("truncated", err, what + ": warning")
        expect(len(doc["devices"]) >= 1, f"{what}: no devices listed")
        cap = doc["captures"][0]
        expect(cap["truncated"] is True, f"{what}: captures[0].truncated is {cap['truncated']}")
        expect(cap["packets"] == k, f"{what}: {cap['packets']} packets counted, want the {k} "
                                    "complete records before the cut")
        expect(cap["packets"] < n_full, f"{what}: not fewer packets than the full file")
        expect(doc["run"]["packets"] == k, f"{what}: run.packets {doc['run']['packets']}, want {k}")

        rc, _, err = c.analyze("--strict", "--format", "json", path)
        expect_exit(rc, 1, what + " with --strict", err)
        expect_in("truncated", err, what + " with --strict: stderr")
        # with --strict it is an error, and the message says why the run failed
        expect_in("error:", err, what + " with --strict: stderr")
        expect_in("--strict", err, what + " with --strict: stderr")


def case_db_missing_dir(c):
    """(d) --db in a directory that does not exist: exit 1, the message
    names the path, and nothing is created."""
    cap = write(c.path("tiny.pcap"), tiny_pcap())
    db = c.path("no/such/dir/inventory.sqlite")
    rc, _, err = c.analyze("--db", db, cap)
    expect_exit(rc, 1, "--db in a missing directory", err)
    expect_in(db, err, "stderr")
    expect(not os.path.exists(c.path("no")), "the missing directory was created")


def case_db_not_ours(c):
    """(d) --db naming a text file, or an SQLite file of another program:
    exit 1, the message names it, the file is left alone."""
    cap = write(c.path("tiny.pcap"), tiny_pcap())
    text = b"not a database\n"
    db = write(c.path("notes.sqlite"), text)
    rc, _, err = c.analyze("--db", db, cap)
    expect_exit(rc, 1, "--db on a text file", err)
    expect_in(db, err, "stderr")
    with open(db, "rb") as f:
        expect(f.read() == text, "the text file given as --db was changed")

    other = c.path("photos.sqlite")
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE photos (name TEXT)")
    con.commit()
    con.close()
    rc, _, err = c.analyze("--db", other, cap)
    expect_exit(rc, 1, "--db on another program's SQLite file", err)
    expect_in(other, err, "stderr")
    con = sqlite3.connect(other)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    con.close()
    expect(tables == ["photos"], f"tables of the foreign database are now {tables}")


def case_db_newer(c):
    """(e) A database written by a newer herkomst (user_version 999): exit 1,
    the message says "newer" and names the file, which stays as it was."""
    cap = write(c.path("tiny.pcap"), tiny_pcap())
    db = c.path("site.sqlite")
    rc, _, err = c.analyze("--db", db, cap)
    expect_exit(rc, 0, "first run into a new --db", err)
    con = sqlite3.connect(db)
    version = con.execute("PRAGMA user_version").fetchone()[0]
    expect(version >= 1, f"a new database has user_version {version}")
    con.execute("PRAGMA user_version = 999")
    con.commit()
    con.close()

    rc, _, err = c.analyze("--db", db, cap)
    expect_exit(rc, 1, "--db from a newer version", err)
    expect_in("newer", err, "stderr")
    expect_in(db, err, "stderr")
    con = sqlite3.connect(db)
    version = con.execute("PRAGMA user_version").fetchone()[0]
    n_caps = con.execute("SELECT count(*) FROM captures").fetchone()[0]
    con.close()
    expect(version == 999, f"user_version changed to {version}")
    expect(n_caps == 1, f"{n_caps} captures recorded, want the first run's 1")


def case_db_accumulates(c):
    """(f) Two runs over two captures into one --db: the second output lists
    both captures and the devices of both, with the counters of each. A third
    run over the first capture again is recognised and skipped; with --force
    it is merged again and counts twice."""
    modbus, bacnet = shared_capture(MODBUS), shared_capture(BACNET)
    alone = {}
    for p in (modbus, bacnet):
        doc, _ = c.analyze_json(p)
        alone[p] = {device_id(d): d["packets"] for d in doc["devices"]}
        expect(alone[p], f"{p}: no devices")
    db = c.path("site.sqlite")

    doc1, _ = c.analyze_json("--db", db, modbus)
    expect([x["file"] for x in doc1["captures"]] == [MODBUS], f"run 1 captures {doc1['captures']}")
    doc2, _ = c.analyze_json("--db", db, bacnet)
    files = [x["file"] for x in doc2["captures"]]
    expect(files == [MODBUS, BACNET], f"run 2 captures are {files}, want both")
    got = {device_id(d): d["packets"] for d in doc2["devices"]}
    want = dict(alone[modbus])
    for k, v in alone[bacnet].items():
        want[k] = want.get(k, 0) + v
    expect(got == want, f"run 2 devices {got}, want both captures' {want}")
    # this run's counters are of this run only
    expect(doc2["run"]["packets"] == doc2["captures"][1]["packets"],
           f"run.packets {doc2['run']['packets']} is not the second capture's")

    # the same file again is recognised (by its digest) and skipped, with a warning
    doc3, err3 = c.analyze_json("--db", db, modbus)
    files = [x["file"] for x in doc3["captures"]]
    expect(files == [MODBUS, BACNET], f"run 3 captures are {files}, want the repeat skipped")
    expect_in("already in", err3, "stderr of the repeated run")
    expect("read only in part" not in err3, f"a complete capture called incomplete: {err3.strip()[-300:]!r}")
    got = {device_id(d): d["packets"] for d in doc3["devices"]}
    expect(got == want, f"run 3 devices {got}, want unchanged {want}")
    expect(doc3["run"]["packets"] == 0, f"run 3 read {doc3['run']['packets']} packets, want 0")

    # --force merges it again, and then it counts twice
    doc4, _ = c.analyze_json("--db", db, "--force", modbus)
    files = [x["file"] for x in doc4["captures"]]
    expect(files == [MODBUS, BACNET, MODBUS], f"run 4 captures are {files}")
    got = {device_id(d): d["packets"] for d in doc4["devices"]}
    for k, v in want.items():
        again = v + alone[modbus].get(k, 0)
        expect(got.get(k) == again, f"run 4: device {k} has {got.get(k)} packets, want {again} "
                                    "(--force counts the capture again)")
    expect(len(got) == len(want), f"run 4 devices {sorted(got)}, want {sorted(want)}")


def case_usage(c):
    """(g) Usage errors exit 2; help and version exit 0 with output."""
    rc, out, err = c.run("analyze")
    expect_exit(rc, 2, "analyze without a capture", err)
    expect_in("usage", err.lower(), "stderr")
    expect(out == "", f"analyze without a capture wrote to stdout: {out[:200]!r}")

    cap = write(c.path("tiny.pcap"), tiny_pcap())
    for bad in (["--format", "xml"], ["--flows-max", "0"], ["--flows-max", "-5"],
                ["--flow-timeout", "0"], ["--flow-timeout", "86401"], ["--no-such-option"]):
        rc, out, err = c.run("analyze", *bad, cap)
        expect_exit(rc, 2, f"analyze {' '.join(bad)}", err)
        expect(err.strip() != "", f"analyze {' '.join(bad)}: no message")
        expect(out == "", f"analyze {' '.join(bad)} wrote to stdout: {out[:200]!r}")
    rc, _, err = c.run("analyze", "--format", "xml", cap)
    expect_in("xml", err, "unknown --format: stderr")

    for args, needle in ((["help", "analyze"], "analyze"), (["analyze", "--help"], "analyze"),
                         (["--version"], "herkomst"), (["help", "oui"], "oui"),
                         (["help"], "analyze"), (["--help"], "analyze")):
        rc, out, err = c.run(*args)
        expect_exit(rc, 0, " ".join(args), err)
        expect(out.strip() != "", f"{' '.join(args)}: nothing on stdout")
        expect_in(needle, out, " ".join(args))
    rc, out, _ = c.run("help", "analyze")
    rc2, out2, _ = c.run("analyze", "--help")
    expect(out == out2, "'help analyze' and 'analyze --help' differ")

    for args in (["bogus"], ["help", "bogus"], []):
        rc, out, err = c.run(*args)
        expect_exit(rc, 2, "herkomst " + " ".join(args), err)
        expect(err.strip() != "", f"herkomst {' '.join(args)}: no message on stderr")
    rc, _, err = c.run("bogus")
    expect_in("bogus", err, "unknown command: stderr")


def case_stdin(c):
    """(h) A capture on standard input ('-'), redirected from the file and
    through a pipe, gives the same devices as the file."""
    path = shared_capture(MODBUS)
    ref, _ = c.analyze_json(path)
    expect(ref["devices"], "no devices from the file")
    with open(path, "rb") as f:
        doc, _ = c.analyze_json("-", stdin=f)
    expect(doc["devices"] == ref["devices"], "devices from a redirected stdin differ from the file's")
    expect(doc["captures"][0]["path"] == "-", f"capture path {doc['captures'][0]['path']!r}, want '-'")
    with open(path, "rb") as f:
        data = f.read()
    doc, _ = c.analyze_json("-", input_bytes=data)
    expect(doc["devices"] == ref["devices"], "devices from a pipe differ from the file's")
    expect(doc["captures"][0]["packets"] == ref["captures"][0]["packets"],
           "packets read from a pipe differ from the file's")


def case_csv(c):
    """(i) --format csv: a header row and one row per device, readable by
    the csv module; -o FILE writes the same bytes to the file."""
    path = shared_capture(MODBUS)
    ref, _ = c.analyze_json(path)
    rc, out, err = c.analyze("--format", "csv", path)
    expect_exit(rc, 0, "--format csv", err)
    rows = list(csv.reader(io.StringIO(out, newline="")))
    expect(rows and rows[0] == CSV_COLUMNS, f"CSV header {rows[0] if rows else None}")
    body = rows[1:]
    expect(len(body) == len(ref["devices"]), f"{len(body)} CSV rows, {len(ref['devices'])} devices")
    for row, dev in zip(body, ref["devices"]):
        rec = dict(zip(CSV_COLUMNS, row))
        expect(len(row) == len(CSV_COLUMNS), f"row of {len(row)} fields: {row}")
        expect(rec["id"] == str(dev["id"]) and rec["mac"] == (dev["mac"] or ""),
               f"row {row[:2]} is not device {dev['id']} {dev['mac']}")
        expect(rec["packets"] == str(dev["packets"]), f"row {rec['id']}: packets {rec['packets']}")
        expect(rec["ips"].split() == dev["ips"], f"row {rec['id']}: ips {rec['ips']!r}")
        expect(rec["manufacturer"] == (dev["manufacturer"] or ""),
               f"row {rec['id']}: manufacturer {rec['manufacturer']!r}")

    outfile = c.path("inventory.csv")
    rc, out2, err = c.analyze("--format", "csv", "-o", outfile, path)
    expect_exit(rc, 0, "--format csv -o FILE", err)
    expect(out2 == "", f"-o FILE still wrote to stdout: {out2[:200]!r}")
    expect(os.path.isfile(outfile), "-o FILE did not create the file")
    with open(outfile, encoding="utf-8", newline="") as f:
        expect(f.read() == out, "-o FILE differs from what stdout gets")

    outjson = c.path("inventory.json")
    rc, _, err = c.analyze("--format", "json", "--output", outjson, path)
    expect_exit(rc, 0, "--output FILE", err)
    with open(outjson, encoding="utf-8") as f:
        expect(parse_json(f.read(), [outjson])["devices"] == ref["devices"],
               "--output FILE JSON differs")

    rc, _, err = c.analyze("-o", c.path("no/such/dir/out.csv"), path)
    expect_exit(rc, 1, "-o in a missing directory", err)
    expect_in(c.path("no/such/dir/out.csv"), err, "stderr")


STAGES = ["setup", "packets", "merge", "loaders", "snapshot", "resolve", "assess", "output"]


def timings_line(err, what, stopped=None):
    """The stages and their milliseconds of analyze --timings, and the line.
    stopped: the stage a failing run stopped in, which ends the list and is
    named after the total; None: a run that got through every stage."""
    lines = [ln for ln in err.splitlines() if ln.startswith("herkomst: timings:")]
    expect(len(lines) == 1, f"{what}: {len(lines)} timings lines in {err.strip()[-600:]!r}")
    line = lines[0]
    parts = [p.strip() for p in line[len("herkomst: timings:"):].split(";")]
    got = []
    for p in parts:
        words = p.split()
        expect(len(words) >= 3 and words[2] == "ms", f"{what}: stage {p!r} is not 'NAME N ms'")
        got.append((words[0], float(words[1])))
    want = STAGES if stopped is None else STAGES[:STAGES.index(stopped) + 1]
    expect([n for n, _ in got] == want + ["total"], f"{what}: stages {[n for n, _ in got]}, want {want}")
    if stopped is None:
        expect("stopped" not in line, f"{what}: a run that got through says {line!r}")
    else:
        expect(line.endswith(f"ms (stopped in {stopped} by the error above)"),
               f"{what}: {line!r} does not say it stopped in {stopped}")
    expect(all(ms >= 0 for _, ms in got), f"{what}: a negative time in {line!r}")
    stages = sum(ms for n, ms in got if n != "total")
    expect(stages <= got[-1][1] + 0.5, f"{what}: the stages add up to {stages} ms, more than the total")
    return dict(got), line


def case_timings(c):
    """analyze --timings: one line on stderr with every stage in order, the
    packet stage's frames as counted in the output, the worker count and the
    reader; nothing without it."""
    path = shared_capture(MODBUS)
    doc, err = c.analyze_json(path)
    expect("timings" not in err, f"without --timings: {err.strip()[-300:]!r}")
    doc, err = c.analyze_json("--timings", path)
    t, line = timings_line(err, "--timings")
    expect(f"({doc['run']['packets']} frames," in line, f"frame count in {line!r}, want {doc['run']['packets']}")
    expect("1 worker, herkomst's reader" in line, f"workers and reader in {line!r}")
    expect("the reader ran" not in line, f"one worker has no reader's share: {line!r}")
    expect(t["merge"] == 0, f"one worker merged for {t['merge']} ms")
    doc2, err = c.analyze_json("--timings", "--threads", "2", "--libpcap", path, path, "--force")
    t, line = timings_line(err, "--timings -j 2 --libpcap")
    expect(f"({2 * doc['run']['packets']} frames," in line, f"frame count of two captures in {line!r}")
    expect("2 workers, libpcap" in line, f"workers and reader in {line!r}")
    # how the frames fell between the reader and the worker thread
    m = re.search(r", the reader ran (\d+) % of them\)", line)
    # some of this capture's flows are worker 0's, and the reader runs
    # worker 0's last batch itself at the end, before a thread can take it
    expect(m is not None and 0 < int(m.group(1)) <= 100, f"the reader's share in {line!r}")
    # the workers' start (their nDPI modules) is set-up, not packets: the
    # packet stage of this small capture stays near one worker's
    _, err1 = c.analyze_json("--timings", "--threads", "1", path)
    t1, _ = timings_line(err1, "--timings -j 1")
    t2, _ = timings_line(c.analyze_json("--timings", "--threads", "2", path)[1], "--timings -j 2")
    expect(t2["packets"] < 5 * t1["packets"] + 20,
           f"packets {t2['packets']} ms at -j 2 against {t1['packets']} ms at -j 1: the workers' start counted")


def case_readers(c):
    """herkomst's reader (the default for a file) and libpcap (--libpcap)
    give the same inventory, also of a capture cut short, which both report."""
    src = shared_capture(MODBUS)
    with open(src, "rb") as f:
        data = f.read()
    recs = pcap_records(data)
    off, incl = recs[len(recs) // 2]
    cut = write(c.path("cut.pcap"), data[:off + 16 + incl // 2])
    for path in (src, cut):
        rc, out, err = c.analyze("--format", "json", path)
        rc2, out2, err2 = c.analyze("--format", "json", "--libpcap", path)
        expect(rc == rc2 == 0, f"{path}: exit {rc} and {rc2} with --libpcap")
        expect(out == out2, f"{path}: --libpcap gives another inventory")
        if path == cut:
            for e, who in ((err, "herkomst's reader"), (err2, "libpcap")):
                expect_in("truncated", e, who + ": warning")
                expect_in(f"after {len(recs) // 2} complete frames", e, who + ": warning")


def case_read_error(c):
    """A capture refused in the middle (a pcap record of 16 MiB, a pcapng
    packet on an undescribed interface: errors, not a file cut short),
    through herkomst's reader and libpcap: as tshark, the
    inventory of the packets before the error is printed (to -o too) and the
    exit status is 1, with the error and a message saying what the
    inventory covers. With --db the capture is recorded with its devices,
    and a second run recognises it. Refused at its first record, nothing is
    printed and an existing -o file is kept."""
    good = tiny_pcap()
    path = write(c.path("bad-middle.pcap"), good + bad_record())
    ref, _ = c.analyze_json(write(c.path("good.pcap"), good))
    ng = write(c.path("bad-block.pcapng"), pcapng_bad_block(good))
    # of the readers' own words (src/capture's to choose) only the frame
    # count and what the bad record or block holds are checked
    for bad, reader, says, detail in ((path, [], "stopped after 2 frames", "16777216"),
                                      (path, ["--libpcap"], "read error after 2 frames", "16777216"),
                                      (ng, [], "stopped after 2 frames", "interface 1"),
                                      (ng, ["--libpcap"], "read error after 2 frames", "interface 1")):
        what = f"{os.path.basename(bad)} refused in the middle" + (" with --libpcap" if reader else "")
        rc, out, err = c.analyze("--format", "json", *reader, bad)
        expect_exit(rc, 1, what, err)
        expect_in(f"{bad}: {says}", err, what + ": the error")
        expect_in(detail, err, what + ": the error")
        expect_in(f"{bad}: the inventory covers the 2 packets before this error", err, what + ": stderr")
        doc = parse_json(out, [bad])
        expect(sorted(d["mac"] for d in doc["devices"]) == TINY_MACS,
               f"{what}: devices {[d['mac'] for d in doc['devices']]}, want {TINY_MACS}")
        expect(doc["devices"] == ref["devices"], f"{what}: devices differ from the two frames' alone")
        expect(doc["run"]["packets"] == 2, f"{what}: run.packets {doc['run']['packets']}, want 2")
        caps = doc["captures"]
        expect(len(caps) == 1 and caps[0]["path"] == bad and caps[0]["packets"] == 2,
               f"{what}: captures {caps}")
        # its record says it was not read to its end
        expect(caps[0]["truncated"] is True, f"{what}: captures[0].truncated is {caps[0]['truncated']}")
    rc, table, err = c.analyze(path)
    expect_exit(rc, 1, "refused in the middle, as a table", err)
    expect_in("00:1b:1b:00:00:01", table, "the table")
    outfile = c.path("inventory.json")
    rc, out, err = c.analyze("--format", "json", "-o", outfile, path)
    expect_exit(rc, 1, "refused in the middle, -o FILE", err)
    with open(outfile, encoding="utf-8") as f:
        expect(parse_json(f.read(), [outfile])["devices"] == ref["devices"], "-o FILE: another inventory")

    db = c.path("site.sqlite")
    rc, out, err = c.analyze("--format", "json", "--db", db, path)
    expect_exit(rc, 1, "refused in the middle, --db", err)
    expect(parse_json(out, [db])["devices"] == ref["devices"], "--db: another inventory")
    con = sqlite3.connect(db)
    n_caps = con.execute("SELECT count(*) FROM captures").fetchone()[0]
    n_devs = con.execute("SELECT count(*) FROM devices").fetchone()[0]
    n_cut = con.execute("SELECT count(*) FROM captures WHERE truncated != 0").fetchone()[0]
    con.close()
    expect((n_caps, n_devs) == (1, 2), f"--db holds {n_caps} captures and {n_devs} devices, want 1 and 2")
    expect(n_cut == 1, "--db: the capture is not recorded as read only in part")
    doc, err = c.analyze_json("--db", db, path)
    expect_in("already in", err, "the second run into --db")
    expect_in("read only in part", err, "the second run into --db: the stored record is incomplete")
    expect(sorted(d["mac"] for d in doc["devices"]) == TINY_MACS, "the second run into --db: devices")

    first = write(c.path("bad-first.pcap"), good[:24] + bad_record())
    with open(outfile, "w", encoding="utf-8") as f:
        f.write("kept\n")
    rc, out, err = c.analyze("--format", "json", "-o", outfile, first)
    expect_exit(rc, 1, "refused at the first record", err)
    expect_in(f"{first}: stopped after 0 frames", err, "refused at the first record: the error")
    expect("the inventory covers" not in err, f"refused at the first record: {err.strip()!r}")
    with open(outfile, encoding="utf-8") as f:
        expect(f.read() == "kept\n", "refused at the first record: the -o file was overwritten")


def case_read_error_among_good(c):
    """Several captures, one refused in the middle, in either order: exit 1,
    the inventory has every capture's devices and the refused one's packets
    before the error; one refused at its first record is left out."""
    other = write(c.path("other.pcap"), tiny_pcap("00a0450000aa", "00a0450000bb", 192))
    bad = write(c.path("bad-middle.pcap"), tiny_pcap() + bad_record())
    first = write(c.path("bad-first.pcap"), tiny_pcap()[:24] + bad_record())
    want = sorted(TINY_MACS + ["00:a0:45:00:00:aa", "00:a0:45:00:00:bb"])
    for order in ((other, bad), (bad, other)):
        rc, out, err = c.analyze("--format", "json", *order)
        what = "captures " + ", ".join(os.path.basename(p) for p in order)
        expect_exit(rc, 1, what, err)
        expect_in(f"{bad}: the inventory covers the 2 packets before this error", err, what + ": stderr")
        doc = parse_json(out, order)
        expect(sorted(d["mac"] for d in doc["devices"]) == want,
               f"{what}: devices {sorted(d['mac'] for d in doc['devices'])}, want {want}")
        expect([(x["path"], x["packets"]) for x in doc["captures"]] == [(p, 2) for p in order],
               f"{what}: captures {doc['captures']}")
        expect(doc["run"]["packets"] == 4, f"{what}: run.packets {doc['run']['packets']}, want 4")
    rc, out, err = c.analyze("--format", "json", first, other)
    expect_exit(rc, 1, "refused at the first record, and a good one", err)
    doc = parse_json(out, [first, other])
    expect([x["path"] for x in doc["captures"]] == [other], f"captures {doc['captures']}, want only {other}")


def case_timings_error(c):
    """--timings on a run that fails: the line still comes, with the stages
    up to the one the run stopped in (which it names) adding up to at most
    the total; a capture refused in the middle gets through every stage."""
    good = write(c.path("tiny.pcap"), tiny_pcap())
    # -o is opened before any capture is read: the run stops in its set-up
    rc, _, err = c.analyze("--timings", "-o", c.path("no/such/dir/out.json"), good)
    expect_exit(rc, 1, "--timings with -o in a missing directory", err)
    _, line = timings_line(err, "--timings, -o in a missing directory", stopped="setup")
    expect("frames" not in line, f"frames read before -o was found unwritable: {line!r}")
    expect(err.index("cannot write") < err.index("herkomst: timings:"), "the timings before the error")

    rc, _, err = c.analyze("--timings", c.path("gone.pcap"))
    expect_exit(rc, 1, "--timings with a missing capture", err)
    timings_line(err, "--timings, missing capture", stopped="packets")

    rc, _, err = c.analyze("--timings", "--db", c.path("no/such/dir/db.sqlite"), good)
    expect_exit(rc, 1, "--timings with --db in a missing directory", err)
    timings_line(err, "--timings, --db in a missing directory", stopped="setup")

    bad = write(c.path("bad-middle.pcap"), tiny_pcap() + bad_record())
    for threads in ("1", "2"):
        rc, out, err = c.analyze("--format", "json", "--timings", "-j", threads, bad)
        expect_exit(rc, 1, f"--timings -j {threads}, a capture refused in the middle", err)
        _, line = timings_line(err, f"--timings -j {threads}, refused in the middle")
        expect("(2 frames," in line, f"frame count in {line!r}")


def case_output_file(c):
    """-o: opened before anything is read or stored, written whole or not at
    all. A file that cannot be written stops the run at once (nothing goes
    into --db); a run that fails leaves an existing file as it was and no
    temporary file; a file that is replaced keeps its mode; a FIFO (or a
    device, or /dev/stdout) is written in place, never replaced; a link is
    followed and stays a link."""
    good = write(c.path("tiny.pcap"), tiny_pcap())
    db = c.path("inv.sqlite")
    rc, _, err = c.analyze("--db", db, "-o", c.path("no/such/dir/out.json"), good)
    expect_exit(rc, 1, "--db with -o in a missing directory", err)
    expect_in("cannot write", err, "stderr")
    expect(not os.path.exists(db), "--db was written although -o cannot be")

    out = write(c.path("out.json"), b"kept\n")
    os.chmod(out, 0o640)
    rc, _, err = c.analyze("--format", "json", "-o", out, c.path("gone.pcap"))
    expect_exit(rc, 1, "a missing capture with -o", err)
    with open(out, "rb") as f:
        expect(f.read() == b"kept\n", "a failed run changed the -o file")
    rc, _, err = c.analyze("--format", "json", "-o", out, good)
    expect_exit(rc, 0, "-o over an existing file", err)
    with open(out) as f:
        expect(len(parse_json(f.read(), [out])["devices"]) == 2, "-o over an existing file: not the inventory")
    expect(stat.S_IMODE(os.stat(out).st_mode) == 0o640, f"the replaced file's mode {os.stat(out).st_mode:o}")

    link = c.path("link.json")
    os.symlink("out.json", link)
    rc, _, err = c.analyze("--format", "csv", "-o", link, good)
    expect_exit(rc, 0, "-o through a link", err)
    expect(os.path.islink(link), "-o replaced the link instead of the file it names")
    with open(out) as f:
        expect(f.read().startswith("id,mac,"), "-o through a link: the linked file is not the CSV")

    fifo = c.path("out.fifo")
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    rc, _, err = c.analyze("--format", "json", "-o", fifo, good)
    reader.join(60)
    expect_exit(rc, 0, "-o FIFO", err)
    expect(stat.S_ISFIFO(os.lstat(fifo).st_mode), "-o replaced the FIFO with a file")
    expect(got and len(parse_json(got[0].decode(), [fifo])["devices"]) == 2, "-o FIFO: the reader got no inventory")

    rc, _, err = c.analyze("-o", "/dev/full", good)
    expect_exit(rc, 1, "-o /dev/full", err)
    expect_in("No space left", err, "stderr")
    expect(stat.S_ISCHR(os.stat("/dev/full").st_mode), "/dev/full is no longer a device")

    left = [x for x in os.listdir(c.tmp) if x.endswith(".tmp")]
    expect(not left, f"temporary files left behind: {left}")


CASES = {
    "output-file": case_output_file,
    "timings": case_timings,
    "timings-error": case_timings_error,
    "read-error": case_read_error,
    "read-error-among-good": case_read_error_among_good,
    "readers": case_readers,
    "missing-file": case_missing_file,
    "missing-among-good": case_missing_among_good,
    "not-a-capture": case_not_a_capture,
    "truncated": case_truncated,
    "db-missing-dir": case_db_missing_dir,
    "db-not-ours": case_db_not_ours,
    "db-newer": case_db_newer,
    "db-accumulates": case_db_accumulates,
    "usage": case_usage,
    "stdin": case_stdin,
    "csv": case_csv,
}


if __name__ == "__main__":
    sys.exit(casekit.main(sys.argv, __doc__, CASES, Ctx,
                          prefix="hk-cli-"))
