#!/usr/bin/env bash
# herkomst developer commands on Debian 12:
#   deps   check (and, as root, install) the Debian packages below
#   demo   build, then analyze the synthetic plant capture into build/demo.sqlite
#   test   build and run every suite, then an ASan/UBSan build and its suites
# CI runs "test" (see .ci/run). Run from anywhere; paths are repo-relative.
set -euo pipefail

# The Debian packages the build, the tests and the demo need. Extend this list
# when a change needs another package; nothing else installs anything.
HK_DEB_PACKAGES=(
	build-essential pkg-config meson ninja-build
	libpcap-dev libndpi-dev libndpi-bin
	libsqlite3-dev sqlite3 libjansson-dev
	libmicrohttpd-dev libpcre2-dev libinih-dev nettle-dev libsystemd-dev
	check ieee-data wireshark-common tshark iso-codes time
	clang libclang-rt-14-dev
)

BUILD_DIR=build
ASAN_DIR=build-asan
ASAN_SUITES=(unit pcap fuzz)
ASAN_MESON_OPTS=("-Db_sanitize=address,undefined" -Db_lundef=false)
# A sanitizer report ends the test with a failure (meson counts any non-zero exit).
SAN_ASAN_OPTIONS="halt_on_error=1:print_stacktrace=1:print_summary=1:detect_leaks=1"
SAN_UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:print_summary=1"

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf 'dev.sh: %s\n' "$*"; }
warn() { printf 'dev.sh: %s\n' "$*" >&2; }

usage() {
	cat <<EOF
usage: packaging/dev.sh COMMAND

  deps   check the Debian packages herkomst needs; as root, install the
         missing ones, otherwise print the apt-get line and exit 1
  demo   deps, build in ./$BUILD_DIR, and run
         $BUILD_DIR/herkomst analyze --db $BUILD_DIR/demo.sqlite $BUILD_DIR/tests/gen/plant.pcap
  test   deps, build ./$BUILD_DIR and run all suites, then build ./$ASAN_DIR
         with AddressSanitizer and UBSan and run the suites: ${ASAN_SUITES[*]}
EOF
}

# ---------------------------------------------------------------- deps

pkg_installed() {
	local status
	status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
	[[ $status == installed ]]
}

missing_packages() {
	local p
	for p in "${HK_DEB_PACKAGES[@]}"; do
		pkg_installed "$p" || printf '%s\n' "$p"
	done
}

cmd_deps() {
	local missing=()
	mapfile -t missing < <(missing_packages)
	if [[ ${#missing[@]} -eq 0 ]]; then
		say "deps: all ${#HK_DEB_PACKAGES[@]} Debian packages are installed"
		return 0
	fi
	if [[ $(id -u) -ne 0 ]]; then
		warn "deps: missing Debian packages: ${missing[*]}"
		warn "deps: install them with:"
		warn "  sudo apt-get install --no-install-recommends ${missing[*]}"
		return 1
	fi
	say "deps: installing ${missing[*]}"
	# tshark's postinst asks whether non-root users may capture; answer no.
	# (cmd_deps also runs where set -e is off, so each step checks itself.)
	echo 'wireshark-common wireshark-common/install-setuid boolean false' |
		debconf-set-selections || return
	apt-get update || return
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}" || return
	mapfile -t missing < <(missing_packages)
	if [[ ${#missing[@]} -ne 0 ]]; then
		warn "deps: still missing after apt-get install: ${missing[*]}"
		return 1
	fi
	say "deps: all ${#HK_DEB_PACKAGES[@]} Debian packages are installed"
}

# ------------------------------------------------------------- building

# meson setup DIR [OPTS], or reconfigure DIR if it is already a build dir
meson_setup() {
	local dir=$1
	shift
	if [[ -f $dir/meson-private/coredata.dat ]]; then
		meson setup --reconfigure "$dir" "$@" && return 0
		warn "reconfiguring $dir failed; wiping it"
		meson setup --wipe "$dir" "$@"
	else
		meson setup "$dir" "$@"
	fi
}

build_dir() {
	local dir=$1
	shift
	meson_setup "$dir" "$@" || return
	ninja -C "$dir"
}

# ----------------------------------------------------- phases and counts

PHASES=()
N_PASSED=0
N_FAILED=0
N_SKIPPED=0

now_ns() { date +%s%N; }

secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

# run_phase NAME CMD...: run, time and record one phase; returns its status.
# CMD runs as the left side of "||", where bash ignores set -e, so every
# multi-step CMD must pass its failures on itself.
run_phase() {
	local name=$1 t0 rc=0 secs status
	shift
	printf '\n==== %s\n' "$name"
	t0=$(now_ns)
	"$@" || rc=$?
	secs=$(secs_since "$t0")
	if [[ $rc -eq 0 ]]; then status=ok; else status="FAILED (exit $rc)"; fi
	PHASES+=("$(printf '%-36s %-18s %8s s' "$name" "$status" "$secs")")
	printf '==== %s: %s in %s s\n' "$name" "$status" "$secs"
	return "$rc"
}

# add the results of the last meson test run in DIR to the counts
count_tests() {
	local log=$1/meson-logs/testlog.json counts
	[[ -f $log ]] || return 0
	counts=$(python3 - "$log" <<'EOF'
import json, sys
ok = bad = skip = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        r = json.loads(line).get("result", "")
        if r in ("OK", "EXPECTEDFAIL"):
            ok += 1
        elif r == "SKIP":
            skip += 1
        else:
            bad += 1
print(ok, bad, skip)
EOF
	) || return 0
	local ok bad skip
	read -r ok bad skip <<<"$counts"
	N_PASSED=$((N_PASSED + ok))
	N_FAILED=$((N_FAILED + bad))
	N_SKIPPED=$((N_SKIPPED + skip))
}

# meson test in DIR with the given arguments; counts what ran
meson_test() {
	local dir=$1 rc=0
	shift
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --print-errorlogs "$@" || rc=$?
	count_tests "$dir"
	return "$rc"
}

asan_test() {
	local args=() s
	local ASAN_OPTIONS=$SAN_ASAN_OPTIONS UBSAN_OPTIONS=$SAN_UBSAN_OPTIONS
	export ASAN_OPTIONS UBSAN_OPTIONS
	for s in "${ASAN_SUITES[@]}"; do args+=(--suite "$s"); done
	meson_test "$ASAN_DIR" "${args[@]}"
}

print_summary() {
	local p
	printf '\n==== summary\n'
	for p in "${PHASES[@]}"; do printf '  %s\n' "$p"; done
}

# ------------------------------------------------------------- commands

cmd_demo() {
	local db=$BUILD_DIR/demo.sqlite pcap=$BUILD_DIR/tests/gen/plant.pcap
	cmd_deps
	build_dir "$BUILD_DIR"
	rm -f "$db"
	if ! "$BUILD_DIR/herkomst" analyze --db "$db" "$pcap"; then
		warn "demo: herkomst analyze failed"
		return 1
	fi
	say "demo: the inventory is in $REPO_ROOT/$db (open it with: sqlite3 $db)"
}

cmd_test() {
	local failed_steps=0 t0
	t0=$(now_ns)
	if ! run_phase deps cmd_deps; then
		print_summary
		say "test: FAILED: the Debian packages are not all installed"
		printf 'summary: 0 passed, 1 failed, 0 skipped\n'
		return 1
	fi

	if run_phase "build ($BUILD_DIR)" build_dir "$BUILD_DIR"; then
		run_phase "test ($BUILD_DIR, all suites)" meson_test "$BUILD_DIR" ||
			failed_steps=$((failed_steps + 1))
	else
		failed_steps=$((failed_steps + 1))
	fi

	if run_phase "build ($ASAN_DIR)" build_dir "$ASAN_DIR" "${ASAN_MESON_OPTS[@]}"; then
		run_phase "test ($ASAN_DIR, ${ASAN_SUITES[*]})" asan_test ||
			failed_steps=$((failed_steps + 1))
	else
		failed_steps=$((failed_steps + 1))
	fi

	print_summary
	printf '  %-36s %-18s %8s s\n' total "" "$(secs_since "$t0")"
	if [[ $failed_steps -ne 0 ]]; then
		say "test: FAILED: $failed_steps phase(s) failed; test counts are of both builds"
		# a failed build ran no tests: count it, so the line below cannot read "0 failed"
		if [[ $N_FAILED -eq 0 ]]; then N_FAILED=$failed_steps; fi
		printf 'summary: %d passed, %d failed, %d skipped\n' "$N_PASSED" "$N_FAILED" "$N_SKIPPED"
		return 1
	fi
	say "test: OK; test counts are of both builds"
	printf 'summary: %d passed, %d failed, %d skipped\n' "$N_PASSED" "$N_FAILED" "$N_SKIPPED"
}

main() {
	cd "$REPO_ROOT"
	case ${1:-} in
	deps) cmd_deps ;;
	demo) cmd_demo ;;
	test) cmd_test ;;
	-h | --help | help)
		usage
		;;
	*)
		usage >&2
		return 2
		;;
	esac
}

main "$@"
