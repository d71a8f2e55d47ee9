#!/usr/bin/env python3
"""The packaging: systemd units, sysusers/tmpfiles, the default configuration,
the man pages, the sandbox's effect on the signature matcher, and meson install.

usage: checks.py HERKOMST CASE [ARG...]   run one case
       checks.py --list                   print the case names

HERKOMST is the built binary. $HERKOMST_SOURCE_DIR and $HERKOMST_BUILD_DIR
name the trees (tests/meson.build sets them). Exit status: 0 pass, 1 fail,
77 skip (a tool the case needs is not installed, or the kernel lacks a
feature), with the reason on standard output.

Cases:
  unit-security   systemd-analyze security --offline=true --threshold=30 on both
                  units: the exposure score is at most 3.0 (the threshold is the
                  score times ten)
  unit-verify     systemd-analyze verify on copies of both units whose herkomst
                  is the built one, with the man pages on MANPATH: no diagnostic
  unit-sandbox    the settings the design asks for are there, and the instance
                  unit's sandbox is herkomst.service's line for line
  sysusers        systemd-sysusers and systemd-tmpfiles in a scratch root make
                  the user of the units and a 0700 state directory it owns
  man-pages       groff -ww and man --warnings find nothing; herkomst(1) names
                  every command "herkomst help" lists
  conf-keys       packaging/herkomst.conf and herkomst.conf(5) name the same keys
                  with the same defaults, which agree with the code's defaults
  check-config    herkomst check config accepts the shipped file, reports the
                  shipped values as its built-in defaults, and rejects a
                  misspelt key (skips until the command exists)
  mdwe            analyze under the kernel's memory-deny-write-execute (what
                  MemoryDenyWriteExecute=yes imposes): PCRE2 cannot JIT, and the
                  inventory is the same byte for byte
  meson-install   meson install --destdir into a scratch directory puts every
                  file in place, and the installed herkomst works from there
"""
import ctypes
import ctypes.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

EXIT_SKIP = 77
TIMEOUT = 300
THRESHOLD = 30  # systemd-analyze compares the exposure times ten: 30 is 3.0

SRC = os.environ.get("HERKOMST_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("HERKOMST_BUILD_DIR", "")
UNITS = ["herkomst.service", "herkomst@.service"]


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def src(*parts):
    return os.path.join(SRC, *parts)


def unit_path(name):
    return src("packaging", "systemd", name)


def need(tool):
    path = shutil.which(tool)
    if not path:
        raise Skip(f"{tool} is not installed")
    return path


def run(argv, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", TIMEOUT)
    kw.setdefault("check", False)
    return subprocess.run(argv, **kw)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ------------------------------------------------------------------ units

def unit_service_lines(name):
    """The [Service] section as (key, value) pairs, in order, comments dropped."""
    out, section = [], None
    for line in read(unit_path(name)).splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            out.append((key.strip(), value.strip()))
    return out


def case_unit_security(exe):
    sa = need("systemd-analyze")
    scores = []
    with tempfile.TemporaryDirectory(prefix="hk-unit-") as tmp:
        for name in UNITS:
            # a template is rated through an instance of it
            path = os.path.join(tmp, name.replace("@.", "@eth1."))
            shutil.copy(unit_path(name), path)
            p = run([sa, "security", "--offline=true", f"--threshold={THRESHOLD}", "--no-pager", path])
            if "--offline" in p.stderr and ("unrecognized" in p.stderr or "unknown" in p.stderr):
                raise Skip(f"this systemd-analyze has no --offline: {p.stderr.strip()}")
            m = re.search(r"Overall exposure level for \S+: ([0-9]+\.[0-9])", p.stdout)
            if not m:
                print(p.stdout, p.stderr)
                raise Fail(f"{name}: no exposure level in the output of systemd-analyze security")
            score = float(m.group(1))
            scores.append(score)
            print(f"{name}: exposure {score:.1f} (threshold {THRESHOLD / 10:.1f}), systemd-analyze exit {p.returncode}")
            if p.returncode != 0 or score > THRESHOLD / 10:
                print(p.stdout)
                raise Fail(f"{name}: exposure {score:.1f} is above {THRESHOLD / 10:.1f}")
            for line in p.stdout.splitlines():
                if line.startswith("✗"):
                    print("  " + " ".join(line.split()))


def case_unit_verify(exe):
    sa = need("systemd-analyze")
    need("man")
    exe = os.path.abspath(exe)
    with tempfile.TemporaryDirectory(prefix="hk-verify-") as tmp:
        # Documentation=man:... is checked by running man: give it our pages
        for sec, page in (("1", "herkomst.1"), ("5", "herkomst.conf.5")):
            os.makedirs(os.path.join(tmp, "man", "man" + sec))
            shutil.copy(src("docs", "man", page), os.path.join(tmp, "man", "man" + sec, page))
        env = dict(os.environ, MANPATH=os.path.join(tmp, "man"), SYSTEMD_PAGER="", LC_ALL="C.UTF-8")
        for name in UNITS:
            text = read(unit_path(name))
            if "/usr/bin/herkomst " not in text:
                raise Fail(f"{name}: runs no /usr/bin/herkomst")
            # the installed path does not exist here: point it at the build
            text = text.replace("/usr/bin/herkomst ", exe + " ")
            path = os.path.join(tmp, name.replace("@.", "@eth1."))
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            p = run([sa, "verify", path], env=env)
            # verify exits 0 on an unknown key or a bad value; any line is a finding
            said = (p.stdout + p.stderr).strip()
            print(f"{name}: systemd-analyze verify exit {p.returncode}" + (f"\n{said}" if said else ", silent"))
            if p.returncode != 0 or said:
                raise Fail(f"{name}: systemd-analyze verify complained")


# What the design asks of herkomst.service; a change here is a decision.
REQUIRED = {
    "Type": "notify",
    "ExecStartPre": "/usr/bin/herkomst check config /etc/herkomst/herkomst.conf",
    "ExecReload": "/bin/kill -HUP $MAINPID",
    "Restart": "on-failure",
    "WatchdogSec": "60",
    "DynamicUser": "no",
    "User": "herkomst",
    "Group": "herkomst",
    "AmbientCapabilities": "CAP_NET_RAW CAP_NET_ADMIN",
    "CapabilityBoundingSet": "CAP_NET_RAW CAP_NET_ADMIN",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "ProtectClock": "yes",
    "ProtectHostname": "yes",
    "ProtectProc": "invisible",
    "ProcSubset": "pid",
    "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6 AF_PACKET AF_NETLINK",
    "RestrictNamespaces": "yes",
    "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "MemoryDenyWriteExecute": "yes",
    "SystemCallArchitectures": "native",
    "StateDirectory": "herkomst",
    "ConfigurationDirectory": "herkomst",
    "UMask": "0077",
}
# Lines of the instance unit that may differ from herkomst.service's.
PER_INSTANCE = {"Environment", "EnvironmentFile", "ExecStart", "StateDirectory"}


def case_unit_sandbox(exe):
    main = unit_service_lines("herkomst.service")
    got = {}
    for k, v in main:
        got.setdefault(k, []).append(v)
    bad = []
    for k, want in REQUIRED.items():
        if got.get(k) != [want]:
            bad.append(f"{k}={want} (unit has {got.get(k)})")
    # capset alone comes back: the daemon drops its capabilities with it
    if got.get("SystemCallFilter") != ["@system-service", "~@privileged @resources", "capset"]:
        bad.append("SystemCallFilter: @system-service, then ~@privileged @resources, then capset "
                   f"(unit has {got.get('SystemCallFilter')})")
    if not got.get("ExecStart", [""])[0].startswith("/usr/bin/herkomst run --config /etc/herkomst/herkomst.conf"):
        bad.append("ExecStart=/usr/bin/herkomst run --config /etc/herkomst/herkomst.conf")
    if bad:
        raise Fail("herkomst.service lacks: " + "; ".join(bad))
    inst = unit_service_lines("herkomst@.service")
    a = [kv for kv in main if kv[0] not in PER_INSTANCE]
    b = [kv for kv in inst if kv[0] not in PER_INSTANCE]
    if a != b:
        import difflib
        print("".join(difflib.unified_diff([f"{k}={v}\n" for k, v in a], [f"{k}={v}\n" for k, v in b],
                                           "herkomst.service", "herkomst@.service")))
        raise Fail("the sandbox of herkomst@.service differs from herkomst.service's")
    ig = dict(inst)
    if ig.get("StateDirectory") != "herkomst/%I" or "--interface %I" not in ig.get("ExecStart", "") \
            or "--db /var/lib/herkomst/%I/herkomst.sqlite" not in ig.get("ExecStart", ""):
        raise Fail("herkomst@.service: an instance captures on %I into /var/lib/herkomst/%I/")
    print(f"herkomst.service: {len(REQUIRED) + 2} required settings present; "
          f"herkomst@.service: the same {len(b)} sandbox lines")


def case_sysusers(exe):
    sysusers = need("systemd-sysusers")
    tmpfiles = need("systemd-tmpfiles")
    unit_user = dict(unit_service_lines("herkomst.service"))["User"]
    with tempfile.TemporaryDirectory(prefix="hk-root-") as root:
        os.makedirs(os.path.join(root, "etc"))
        p = run([sysusers, f"--root={root}", os.path.abspath(src("packaging", "systemd", "herkomst.sysusers"))])
        print(p.stdout + p.stderr, end="")
        if p.returncode != 0:
            raise Fail(f"systemd-sysusers exited {p.returncode}")
        users = {}
        for line in read(os.path.join(root, "etc", "passwd")).splitlines():
            f = line.split(":")
            users[f[0]] = f
        if unit_user not in users:
            raise Fail(f"sysusers.d creates no user {unit_user!r} (the units' User=)")
        u = users[unit_user]
        if u[5] != "/var/lib/herkomst" or not u[6].endswith("nologin"):
            raise Fail(f"user {unit_user}: home {u[5]}, shell {u[6]}; want /var/lib/herkomst and nologin")
        p = run([tmpfiles, f"--root={root}", "--create",
                 os.path.abspath(src("packaging", "systemd", "herkomst.tmpfiles"))])
        print(p.stdout + p.stderr, end="")
        # not root: the directory is made, but cannot be given to the user
        chown_refused = os.geteuid() != 0 and "Operation not permitted" in p.stderr
        if p.returncode != 0 and not chown_refused:
            raise Fail(f"systemd-tmpfiles exited {p.returncode}")
        st = os.stat(os.path.join(root, "var", "lib", "herkomst"))
        if stat.S_IMODE(st.st_mode) != 0o700:
            raise Fail(f"/var/lib/herkomst: mode {stat.S_IMODE(st.st_mode):o}; want 700")
        if chown_refused:
            print(f"user {unit_user} uid {u[2]}, /var/lib/herkomst 0700 (its owner is checked only as root)")
            return
        if st.st_uid != int(u[2]) or st.st_gid != int(u[3]):
            raise Fail(f"/var/lib/herkomst: owner {st.st_uid}:{st.st_gid}; want {u[2]}:{u[3]}")
        print(f"user {unit_user} uid {u[2]}, /var/lib/herkomst 0700 owned by it")


# -------------------------------------------------------------- man pages

PAGES = ["herkomst.1", "herkomst.conf.5"]
# Commands of the design that herkomst(1) describes before they exist.
DESIGNED = ["analyze", "oui", "unknown", "report", "annotate", "check", "serve", "run", "help"]


def render(page, width=200):
    env = dict(os.environ, MANWIDTH=str(width), LC_ALL="C.UTF-8", MAN_KEEP_FORMATTING="")
    p = run(["man", "-l", page], env=env)
    if p.returncode != 0:
        raise Fail(f"man -l {page} exited {p.returncode}: {p.stderr.strip()}")
    return p.stdout


def sections(text):
    """Rendered page → {SECTION HEADING: [lines]}."""
    out, cur = {}, None
    for line in text.splitlines():
        if line and not line[0].isspace():  # a heading (or the page's header and footer)
            cur = line.strip()
            out.setdefault(cur, [])
        elif cur is not None:
            out[cur].append(line)
    return out


def case_man_pages(exe):
    groff = need("groff")
    need("man")
    env = dict(os.environ, LC_ALL="C.UTF-8")
    for page in PAGES:
        path = src("docs", "man", page)
        p = run([groff, "-man", "-ww", "-z", path], env=env)
        q = run(["man", "--warnings", "-l", path], env=dict(env, MANWIDTH="80"))
        said = (p.stderr + q.stderr).strip()
        print(f"{page}: groff -man -ww exit {p.returncode}, man --warnings exit {q.returncode}"
              + (f"\n{said}" if said else ", no warnings"))
        if p.returncode or q.returncode or said:
            raise Fail(f"{page}: troff warnings")
    # every command herkomst help lists is in herkomst(1)'s COMMANDS
    h = run([exe, "help"])
    listed = []
    in_cmds = False
    for line in h.stdout.splitlines():
        if line.startswith("COMMANDS"):
            in_cmds = True
            continue
        if in_cmds:
            if line and not line[0].isspace():
                break
            m = re.match(r"\s{4}([a-z][a-z-]*)\s", line)
            if m:
                listed.append(m.group(1))
    if not listed:
        raise Fail("herkomst help lists no COMMANDS")
    secs = sections(render(src("docs", "man", "herkomst.1")))
    entries = {m.group(1) for m in (re.match(r"^ {7}([a-z][a-z-]*)(?: |$)", ln) for ln in secs.get("COMMANDS", [])) if m}
    missing = [c for c in sorted(set(listed) | set(DESIGNED)) if c not in entries]
    if missing:
        raise Fail(f"herkomst(1) COMMANDS lacks: {', '.join(missing)} (herkomst help lists {', '.join(listed)})")
    print(f"herkomst(1) describes {', '.join(sorted(entries))}")


# ---------------------------------------------------------- configuration

def parse_conf(text):
    """herkomst.conf → {section: {key: value}}; strict about what it reads."""
    out, sec = {}, None
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s[0] in "#;":
            continue
        m = re.fullmatch(r"\[([a-z]+)\]", s)
        if m:
            sec = m.group(1)
            if sec in out:
                raise Fail(f"herkomst.conf:{n}: section [{sec}] twice")
            out[sec] = {}
            continue
        m = re.fullmatch(r"([a-z_]+)\s*=\s*(.*)", s)
        if not m or sec is None:
            raise Fail(f"herkomst.conf:{n}: not a key = value line in a section: {line!r}")
        if m.group(1) in out[sec]:
            raise Fail(f"herkomst.conf:{n}: key {m.group(1)} twice")
        if re.search(r"\s[;#]", m.group(2)):
            raise Fail(f"herkomst.conf:{n}: a comment after a value is part of the value")
        out[sec][m.group(1)] = m.group(2)
    return out


def parse_conf_page():
    """herkomst.conf(5) rendered → {section: {key: default}}."""
    out = {}
    for head, lines in sections(render(src("docs", "man", "herkomst.conf.5"))).items():
        m = re.fullmatch(r"\[([a-z]+)\]", head)
        if not m:
            continue
        keys = out.setdefault(m.group(1), {})
        for ln in lines:
            k = re.match(r"^ {7}([a-z_]+) = (.*)$", ln)
            if k:
                v = k.group(2).strip()
                keys[k.group(1)] = "" if v == "(empty)" else v
    return out


def c_define(path, name):
    m = re.search(r"#define\s+" + name + r"\s+\"?([^\"\s]+)\"?", read(path))
    return m.group(1).rstrip("uU") if m else None


def case_conf_keys(exe):
    need("man")
    conf = parse_conf(read(src("packaging", "herkomst.conf")))
    page = parse_conf_page()
    if conf != page:
        for sec in sorted(set(conf) | set(page)):
            a, b = conf.get(sec, {}), page.get(sec, {})
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    print(f"[{sec}] {k}: herkomst.conf {a.get(k)!r}, herkomst.conf(5) {b.get(k)!r}")
        raise Fail("packaging/herkomst.conf and herkomst.conf(5) disagree")
    n = sum(len(v) for v in conf.values())
    print(f"{n} keys in {len(conf)} sections, the same in both")
    # the defaults the code has already
    want = []
    api_h = src("src", "api", "api.h")
    if os.path.exists(api_h):
        want += [("api", "listen", c_define(api_h, "API_LISTEN_DEFAULT"), "src/api/api.h"),
                 ("api", "connections_max", c_define(api_h, "API_CONNECTIONS_MAX_DEFAULT"), "src/api/api.h"),
                 ("api", "timeout", c_define(api_h, "API_TIMEOUT_SEC_DEFAULT"), "src/api/api.h")]
    h = run([exe, "help", "analyze"]).stdout
    for key, opt in (("flows_max", "--flows-max"), ("flow_timeout", "--flow-timeout")):
        m = re.search(re.escape(opt) + r"[^(]*\(default ([0-9]+)\)", h, re.S)
        want.append(("limits", key, m.group(1) if m else None, "herkomst help analyze"))
    want.append(("daemon", "user", dict(unit_service_lines("herkomst.service"))["User"], "herkomst.service User="))
    bad = [f"[{s}] {k} = {conf.get(s, {}).get(k)!r}, but {where} says {v!r}"
           for s, k, v, where in want if v is not None and conf.get(s, {}).get(k) != v]
    if bad:
        raise Fail("; ".join(bad))
    print("defaults agree with " + ", ".join(sorted({w for _, _, v, w in want if v is not None})))


def case_check_config(exe):
    with tempfile.TemporaryDirectory(prefix="hk-conf-") as tmp:
        # the shipped file names the installed signatures: use the tree's
        text = re.sub(r"(?m)^signatures = .*$", "signatures = " + src("signatures"),
                      read(src("packaging", "herkomst.conf")))
        good = os.path.join(tmp, "herkomst.conf")
        with open(good, "w", encoding="utf-8") as f:
            f.write(text)
        p = run([exe, "check", "config", good])
        if p.returncode == 2 and "config" in p.stderr and ("cannot check" in p.stderr or "known:" in p.stderr):
            raise Skip(f"herkomst check config does not exist yet: {p.stderr.strip()}")
        print(f"check config (shipped file): exit {p.returncode}\n{(p.stdout + p.stderr).strip()}")
        if p.returncode != 0:
            raise Fail("herkomst check config rejects packaging/herkomst.conf")
        # the built-in defaults (an empty file) are the shipped file's values
        empty = os.path.join(tmp, "empty.conf")
        open(empty, "w", encoding="utf-8").close()
        p = run([exe, "check", "config", empty])
        if p.returncode != 0:
            print(p.stdout + p.stderr)
            raise Fail("herkomst check config rejects an empty file (every key has a default)")
        builtin = parse_conf(p.stdout)
        shipped = parse_conf(read(src("packaging", "herkomst.conf")))
        # [data] signatures: empty means the default directory, which the
        # shipped file names as installed; the build's herkomst prints its own
        builtin.get("data", {}).pop("signatures", None)
        shipped.get("data", {}).pop("signatures", None)
        diff = [f"[{sec}] {k}: built in {builtin.get(sec, {}).get(k)!r}, shipped {shipped.get(sec, {}).get(k)!r}"
                for sec in sorted(set(builtin) | set(shipped))
                for k in sorted(set(builtin.get(sec, {})) | set(shipped.get(sec, {})))
                if builtin.get(sec, {}).get(k) != shipped.get(sec, {}).get(k)]
        if diff:
            raise Fail("packaging/herkomst.conf is not the built-in defaults: " + "; ".join(diff))
        print("the built-in defaults (herkomst check config on an empty file) are the shipped values")
        bad = os.path.join(tmp, "bad.conf")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text.replace("\nsnaplen =", "\nsnaplne =", 1))
        p = run([exe, "check", "config", bad])
        print(f"check config (misspelt key): exit {p.returncode}\n{(p.stdout + p.stderr).strip()}")
        if p.returncode != 1 or "snaplne" not in p.stderr:
            raise Fail("a misspelt key must be an error (exit 1) that names it (herkomst.conf(5))")


# ------------------------------------------------------------------- mdwe

PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1


def mdwe_child(argv):
    """Runs in a child: turn on MDWE (inherited across execve), then exec."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
        sys.stderr.write(f"prctl(PR_SET_MDWE): {os.strerror(ctypes.get_errno())}\n")
        sys.exit(EXIT_SKIP)
    os.execv(argv[0], argv)


def pcre2_jit_child():
    """Prints the result of pcre2_jit_compile for one pattern, as the matcher does."""
    lib = ctypes.util.find_library("pcre2-8")
    if not lib:
        print("nolib")
        return
    p = ctypes.CDLL(lib)
    p.pcre2_compile_8.restype = ctypes.c_void_p
    p.pcre2_compile_8.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32,
                                  ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_size_t), ctypes.c_void_p]
    p.pcre2_jit_compile_8.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    err, off = ctypes.c_int(), ctypes.c_size_t()
    re_ = p.pcre2_compile_8(b"^Apache/([0-9.]+)", len(b"^Apache/([0-9.]+)"), 0,
                            ctypes.byref(err), ctypes.byref(off), None)
    print(p.pcre2_jit_compile_8(re_, 1))  # PCRE2_JIT_COMPLETE


def case_mdwe(exe, capture):
    me = os.path.abspath(__file__)
    # what PCRE2 does under W^X: its JIT cannot map executable memory
    plain = run([sys.executable, me, "--pcre2-jit"]).stdout.strip()
    p = run([sys.executable, me, "--mdwe-exec", sys.executable, me, "--pcre2-jit"])
    if p.returncode == EXIT_SKIP:
        raise Skip("the kernel has no PR_SET_MDWE (Linux 6.3 or later): " + p.stderr.strip())
    walled = p.stdout.strip()
    print(f"pcre2_jit_compile: {plain} normally, {walled} under MDWE (-48 is PCRE2_ERROR_NOMEMORY)")
    if plain == "0" and walled == "0":
        raise Fail("PCRE2 JIT-compiled under MDWE: the kernel's MDWE did not apply")
    # herkomst ignores that failure and matches with the interpreter
    if not os.path.exists(capture):
        raise Skip(f"{capture} is not there")
    argv = [os.path.abspath(exe), "analyze", "--no-progress", "--format", "json", capture]
    a = run(argv)
    b = run([sys.executable, me, "--mdwe-exec"] + argv)
    if a.returncode != 0 or b.returncode != 0:
        print(a.stderr, b.stderr)
        raise Fail(f"analyze exited {a.returncode} normally and {b.returncode} under MDWE")
    doc = json.loads(b.stdout)
    n = len(doc.get("devices", []))
    n_sig = sum(1 for d in doc.get("devices", []) for e in d.get("evidence", [])
                if str(e.get("source", "")).startswith("sig."))
    if a.stdout != b.stdout:
        raise Fail("the inventory under MDWE differs from the inventory without it")
    if n_sig == 0:
        raise Fail(f"no signature matched in {capture}: the comparison says nothing about the matcher")
    print(f"{os.path.basename(capture)}: the same inventory ({n} devices, {n_sig} claims from "
          f"signatures, {len(a.stdout)} bytes of JSON) with and without MDWE")


# ---------------------------------------------------------- meson install

def case_meson_install(exe):
    if not BUILD:
        raise Skip("HERKOMST_BUILD_DIR is not set")
    meson = need("meson")
    opts = {o["name"]: o["value"] for o in json.loads(run([meson, "introspect", "--buildoptions", BUILD]).stdout)}
    installed = json.loads(run([meson, "introspect", "--installed", BUILD]).stdout)
    prefix = opts["prefix"]

    def under(opt, *rest):
        d = opts[opt]
        return os.path.join(d if os.path.isabs(d) else os.path.join(prefix, d), *rest)

    # relative to the configured directories; the systemd ones come from
    # pkg-config and are absolute
    want = {
        under("bindir", "herkomst"): 0o755,
        under("datadir", "herkomst", "oui.tsv"): 0o644,
        under("datadir", "herkomst", "signatures", "fingerprints", "http.tsv"): 0o644,
        under("datadir", "herkomst", "signatures", "vendor-ids", "index.tsv"): 0o644,
        under("sysconfdir", "herkomst", "herkomst.conf"): 0o644,
        under("mandir", "man1", "herkomst.1"): 0o644,
        under("mandir", "man5", "herkomst.conf.5"): 0o644,
    }
    by_name = {os.path.basename(dst): dst for dst in installed.values()}
    for name in ("herkomst.service", "herkomst@.service"):
        if name not in by_name or not by_name[name].endswith("/systemd/system/" + name):
            raise Fail(f"meson installs no {name} to a systemd unit directory")
        want[by_name[name]] = 0o644
    for src_name, d in (("herkomst.sysusers", "sysusers.d"), ("herkomst.tmpfiles", "tmpfiles.d")):
        dst = installed.get(os.path.join(SRC, "packaging", "systemd", src_name)) or \
            next((v for k, v in installed.items() if k.endswith("/" + src_name)), None)
        if not dst or not dst.endswith(f"/{d}/herkomst.conf"):
            raise Fail(f"meson installs {src_name} to {dst}, not {d}/herkomst.conf")
        want[dst] = 0o644
    with tempfile.TemporaryDirectory(prefix="hk-destdir-") as dest:
        p = run([meson, "install", "-C", BUILD, "--no-rebuild", "--destdir", dest], timeout=600)
        if p.returncode != 0:
            print(p.stdout[-4000:], p.stderr[-4000:])
            raise Fail(f"meson install exited {p.returncode}")
        bad = []
        for path, mode in sorted(want.items()):
            full = dest + path
            if not os.path.isfile(full):
                bad.append(f"{path}: missing")
            elif stat.S_IMODE(os.stat(full).st_mode) != mode:
                bad.append(f"{path}: mode {stat.S_IMODE(os.stat(full).st_mode):o}, want {mode:o}")
        for dst in installed.values():
            if not os.path.exists(dest + dst):
                bad.append(f"{dst}: in meson's install list, not installed")
        if bad:
            raise Fail("; ".join(bad))
        for name in ("herkomst.service", "herkomst@.service"):
            if read(dest + by_name[name]) != read(unit_path(name)):
                raise Fail(f"the installed {name} is not packaging/systemd/{name}")
        files = sorted(os.path.relpath(os.path.join(d, f), dest) for d, _, fs in os.walk(dest) for f in fs)
        print(f"{len(files)} files installed, e.g.:")
        for f in files:
            if "/signatures/" not in f:
                print("  /" + f)
        print(f"  ... and {sum('/signatures/' in f for f in files)} files under signatures/")
        # the installed program with the installed data
        hk = dest + under("bindir", "herkomst")
        sig = dest + under("datadir", "herkomst", "signatures")
        p = run([hk, "check", "signatures", sig])
        print(f"installed: herkomst check signatures: {(p.stdout + p.stderr).strip()}")
        if p.returncode != 0:
            raise Fail("the installed signatures do not pass herkomst check signatures")
        p = run([hk, "oui", "--json", "--db", dest + under("datadir", "herkomst", "oui.tsv"), "00:1b:1b:00:00:01"])
        if p.returncode != 0 or json.loads(p.stdout)[0].get("country") != "DE":
            raise Fail(f"the installed oui.tsv does not place 00:1b:1b (Siemens) in DE: {p.stdout} {p.stderr}")
        print("installed: herkomst oui 00:1b:1b:00:00:01 -> DE")


CASES = {
    "unit-security": case_unit_security,
    "unit-verify": case_unit_verify,
    "unit-sandbox": case_unit_sandbox,
    "sysusers": case_sysusers,
    "man-pages": case_man_pages,
    "conf-keys": case_conf_keys,
    "check-config": case_check_config,
    "mdwe": case_mdwe,
    "meson-install": case_meson_install,
}


def main(argv):
    if len(argv) >= 2 and argv[1] == "--list":
        print("\n".join(CASES))
        return 0
    if len(argv) >= 3 and argv[1] == "--mdwe-exec":
        mdwe_child(argv[2:])
    if len(argv) == 2 and argv[1] == "--pcre2-jit":
        pcre2_jit_child()
        return 0
    if len(argv) < 3 or argv[2] not in CASES:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        CASES[argv[2]](argv[1], *argv[3:])
    except Skip as e:
        print(f"SKIP: {e}")
        return EXIT_SKIP
    except Fail as e:
        print(f"FAIL: {e}")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
