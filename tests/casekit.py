"""What the end-to-end test scripts share: the runner behind their main(),
the Fail and Skip a case raises, expect(), and classic pcap files read and
written byte by byte.

A script is run as `python3 SCRIPT EXE [MORE PATHS] [CASE...]` (meson runs one
case per test) or `python3 SCRIPT --list` (meson reads the case names at
configure time). Each case prints PASS, FAIL or SKIP with the reason, the run
ends with "N passed, M failed, K skipped", and the exit status is 0 when
nothing failed, 1 when a case failed, 2 on a usage error and 77 (meson's skip)
when every case was skipped or a requirement of the whole script is missing.

Scripts import this module after putting tests/ on sys.path from their own
__file__, so that it is found the same way by meson test, by meson's --list at
configure time (which runs without the test environment) and by hand.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import traceback

EXIT_SKIP = 77


class Fail(Exception):
    """An expectation of the case did not hold."""


class Skip(Exception):
    """The case cannot run here (a capture, tool or privilege is missing)."""


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def _outcome(name, fn, ctx, timed):
    """Runs one case; prints its line and returns "passed", "failed" or "skipped"."""
    t0 = time.time()
    try:
        fn(ctx)
    except Skip as e:
        print(f"SKIP {name}: {e}")
        return "skipped"
    except Fail as e:
        print(f"FAIL {name}: {e}")
        return "failed"
    except subprocess.TimeoutExpired as e:
        print(f"FAIL {name}: timed out: {e}")
        return "failed"
    except Exception:  # a bug in the test or an unexpected answer: a failure, with its trace
        print(f"FAIL {name}: {traceback.format_exc()}")
        return "failed"
    print(f"PASS {name} ({time.time() - t0:.1f} s)" if timed else f"PASS {name}")
    return "passed"


def _scratch(prefix, mode):
    tmp = tempfile.mkdtemp(prefix=prefix)
    if mode is not None:
        os.chmod(tmp, mode)
    return tmp


def _close(ctx, tmp):
    try:
        if hasattr(ctx, "cleanup"):
            ctx.cleanup()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv, doc, cases, make_ctx, *, paths=1, prefix="hk-", per_case=True, mode=None,
         prepare=None, finish=None, timed=False):
    """The main() of a test script.

    argv: sys.argv, `SCRIPT PATH... [CASE...]` or `SCRIPT --list`.
    doc: the script's usage, printed on a usage error. cases: name -> function(ctx).
    make_ctx(*paths, tmp): the context the cases get; paths are the first
      `paths` arguments made absolute (paths[0] is herkomst, which must be
      executable), tmp a fresh directory (prefix, mode) of each case
      (per_case) or of the whole run, removed afterwards, after ctx.cleanup()
      when the context has one.
    prepare(names): after the arguments are checked, before any case: a
      reason to skip the whole run (printed as "SKIP: reason", exit 77) or None.
    finish(): after the last case, whatever happened.
    timed: PASS lines carry the case's time in seconds.
    """
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(cases))
        return 0
    if len(argv) < 1 + paths:
        print(doc, file=sys.stderr)
        return 2
    args = [os.path.abspath(a) for a in argv[1:1 + paths]]
    names = argv[1 + paths:] or list(cases)
    unknown = [n for n in names if n not in cases]
    if unknown:
        print(f"unknown case(s): {' '.join(unknown)}; --list shows them", file=sys.stderr)
        return 2
    if not os.access(args[0], os.X_OK):
        print(f"{args[0]} is not an executable", file=sys.stderr)
        return 2
    if prepare is not None:
        why = prepare(names)
        if why is not None:
            print(f"SKIP: {why}")
            return EXIT_SKIP
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    try:
        if per_case:
            for name in names:
                tmp = _scratch(prefix, mode)
                ctx = make_ctx(*args, tmp)
                try:
                    counts[_outcome(name, cases[name], ctx, timed)] += 1
                finally:
                    _close(ctx, tmp)
        else:
            tmp = _scratch(prefix, mode)
            ctx = make_ctx(*args, tmp)
            try:
                for name in names:
                    counts[_outcome(name, cases[name], ctx, timed)] += 1
            finally:
                _close(ctx, tmp)
    finally:
        if finish is not None:
            finish()
    passed, failed, skipped = counts["passed"], counts["failed"], counts["skipped"]
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if failed:
        return 1
    return EXIT_SKIP if skipped and not passed else 0


# ---- classic pcap files (libpcap format, microsecond timestamps) ------------

def pcap_bytes(frames, t0):
    """A classic little-endian pcap file of Ethernet frames, one a second from t0."""
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    for i, f in enumerate(frames):
        out += struct.pack("<IIII", t0 + i, 0, len(f), len(f)) + f
    return out


def pcap_records(data, what):
    """[(offset, caplen, wirelen, frame)] of every whole record of a classic
    pcap file's bytes; what names the file in the error."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = ">"
    else:
        raise Fail(f"{what} is not a classic pcap file (magic {magic.hex()})")
    recs, off = [], 24
    while off + 16 <= len(data):
        _, _, caplen, wirelen = struct.unpack(order + "IIII", data[off:off + 16])
        recs.append((off, caplen, wirelen, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return recs
