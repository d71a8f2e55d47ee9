#!/usr/bin/env python3
"""`herkomst analyze --threads N` prints the same bytes for N = 1, 2 and 3,
and with --libpcap for N = 1 and 2.

A capture file is read by herkomst's own reader (src/capture/pcapmap.c),
with --libpcap by libpcap; with N workers the reading thread hands each
flow's frames to the worker a symmetric flow hash picks, and the workers'
partial inventories are merged at the end. The output must not show which
reader read the frames or how they were spread. Nothing is removed before comparing: the JSON holds no field
that depends on the run (the capture path is the same in every run).

The output is identical only while no flow is evicted (each worker's flow
table holds flows_max / N flows: at the cap, which flow goes depends on the
other flows in the table). Every run here checks "flows_evicted": 0.

usage: threads.py HERKOMST CAPTURE...          the given captures
       threads.py HERKOMST --shared SHARED_DIR every capture of SHARED_DIR/pcaps,
                                               one by one, then all in one run
Exit 77 (skip) when SHARED_DIR/pcaps is not there.
"""
import concurrent.futures
import difflib
import json
import os
import subprocess
import sys

# (threads, extra options); the first is the reference
RUNS = ((1, ()), (2, ()), (3, ()), (1, ("--libpcap",)), (2, ("--libpcap",)))


def name(run):
    t, extra = run
    return " ".join([f"--threads {t}", *extra])


def analyze(exe, captures, run):
    threads, extra = run
    proc = subprocess.run([exe, "analyze", "--no-progress", "--format", "json", "--threads", str(threads),
                           *extra] + captures, capture_output=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def check(exe, captures, label):
    """[] when every run of RUNS gave the bytes of --threads 1 (and the warnings
    of --threads 1 with the same reader), else messages."""
    runs = {r: analyze(exe, captures, r) for r in RUNS}
    rc1, out1, err1 = runs[RUNS[0]]
    problems = []
    try:
        doc = json.loads(out1)
    except json.JSONDecodeError as e:
        return [f"{label}: --threads 1 printed no JSON ({e}); exit {rc1}: {err1.strip()[:300]}"]
    if doc["run"].get("flows_evicted", 0) != 0:
        problems.append(f"{label}: flows were evicted; the comparison needs a bigger --flows-max")
    for r in RUNS[1:]:
        rc, out, err = runs[r]
        t = name(r)
        if rc != rc1:
            problems.append(f"{label}: {t} exited {rc}, --threads 1 exited {rc1}: {err.strip()[:300]}")
        else:
            # the two readers word a damaged file's message each their own way:
            # the warnings are compared with --threads 1 of the same reader
            ref = name((1, r[1]))
            if err != runs[(1, r[1])][2]:
                problems.append(f"{label}: {t} warned otherwise than {ref}:\n{err.strip()[:300]}\n"
                                f"{ref}:\n{runs[(1, r[1])][2].strip()[:300]}")
        if out != out1:
            a = json.dumps(doc, indent=1).splitlines(True)
            try:
                b = json.dumps(json.loads(out), indent=1).splitlines(True)
            except json.JSONDecodeError:
                b = out.decode("utf-8", "replace").splitlines(True)
            diff = "".join(list(difflib.unified_diff(a, b, "--threads 1", t, n=2))[:60])
            problems.append(f"{label}: {t} differs from --threads 1:\n{diff}")
    return problems


def main():
    exe = sys.argv[1]
    if len(sys.argv) >= 4 and sys.argv[2] == "--shared":
        pcaps = os.path.join(sys.argv[3], "pcaps")
        if not os.path.isdir(pcaps):
            print(f"SKIP: {pcaps} is not there (the shared captures live in ../shared/pcaps beside the clone)")
            return 77
        files = sorted(os.path.join(pcaps, f) for f in os.listdir(pcaps)
                       if f.endswith((".pcap", ".pcapng", ".cap")))
        jobs = [([f], os.path.basename(f)) for f in files]
        # all of them in one run: flows across files, the flow clock's epochs
        jobs.append((files, f"all {len(files)} captures in one run"))
    else:
        jobs = [([f], os.path.basename(f)) for f in sys.argv[2:]]
    problems = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for p in pool.map(lambda j: check(exe, *j), jobs):
            problems.extend(p)
    print(f"{len(jobs)} runs compared: {'; '.join(map(name, RUNS))}")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
