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
	check ieee-data wireshark-common tshark iso-codes time p0f
	clang libclang-rt-14-dev
	systemd man-db groff-base dpkg-dev debhelper lintian
	python3-jsonschema chromium poppler-utils openssl
	postgresql libpq-dev
)

# The official CycloneDX JSON schemas that tests/report validates against: the
# npm package @cyclonedx/cyclonedx-library, pinned by tests/report/package-lock.json,
# installed into a cache outside the source tree (tests find it there).
HK_NPM_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/herkomst/npm

BUILD_DIR=build
ASAN_DIR=build-asan
ASAN_SUITES=(unit pcap fuzz)
# no link-time optimisation there: it checks memory, not speed, and links faster
ASAN_MESON_OPTS=("-Db_sanitize=address,undefined" -Db_lundef=false -Db_lto=false)
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

# npm ci into $HK_NPM_DIR when the lock file changed. Without npm or the
# registry the CycloneDX schema tests skip (77), so this only warns.
npm_deps() {
	local lock=tests/report/package-lock.json
	if ! command -v npm >/dev/null 2>&1; then
		warn "deps: no npm: the CycloneDX schema tests will be skipped"
		return 0
	fi
	if [[ -d $HK_NPM_DIR/node_modules/@cyclonedx/cyclonedx-library ]] &&
		cmp -s "$lock" "$HK_NPM_DIR/package-lock.json"; then
		say "deps: CycloneDX schemas are in $HK_NPM_DIR"
		return 0
	fi
	if mkdir -p "$HK_NPM_DIR" && cp tests/report/package.json "$lock" "$HK_NPM_DIR/" &&
		(cd "$HK_NPM_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
		say "deps: CycloneDX schemas installed in $HK_NPM_DIR"
	else
		rm -f "$HK_NPM_DIR/package-lock.json"
		warn "deps: npm ci in $HK_NPM_DIR failed: the CycloneDX schema tests will be skipped"
	fi
	return 0
}

# IP-to-country data for external peers: Debian's tor-geoipdb
# (/usr/share/tor/geoip, geoip6; IPFire data, CC BY-SA 4.0). The package
# depends on tor, whose postinst starts the tor daemon, so it is not in
# HK_DEB_PACKAGES: when it is not installed, this downloads the .deb (no root
# needed), unpacks it under build/ and exports HERKOMST_GEOIP_DIR for the tests
# and the demo (docs/origin.md, "IP to country"). Offline, the real-data geoip
# test skips.
HK_GEOIP_CACHE=build/geoip-tor

geoip_deps() {
	local dir=$HK_GEOIP_CACHE tmp deb
	if [[ -n ${HERKOMST_GEOIP_DIR:-} ]]; then
		say "deps: IP-to-country data from HERKOMST_GEOIP_DIR=$HERKOMST_GEOIP_DIR"
		return 0
	fi
	if [[ -r /usr/share/tor/geoip && -r /usr/share/tor/geoip6 ]]; then
		say "deps: IP-to-country data in /usr/share/tor (tor-geoipdb is installed)"
		return 0
	fi
	if [[ ! -r $dir/usr/share/tor/geoip || ! -r $dir/usr/share/tor/geoip6 ]]; then
		tmp=$(mktemp -d) || return 0
		if (cd "$tmp" && apt-get download tor-geoipdb >/dev/null 2>&1) &&
			deb=$(find "$tmp" -maxdepth 1 -name 'tor-geoipdb_*.deb' -print -quit) && [[ -n $deb ]] &&
			mkdir -p "$dir" && dpkg-deb -x "$deb" "$dir"; then
			say "deps: tor-geoipdb unpacked into $dir (tor itself is not installed)"
		else
			warn "deps: could not download tor-geoipdb: the geoip test on real data will be skipped"
		fi
		rm -rf "$tmp"
	fi
	if [[ -r $dir/usr/share/tor/geoip && -r $dir/usr/share/tor/geoip6 ]]; then
		HERKOMST_GEOIP_DIR=$PWD/$dir/usr/share/tor
		export HERKOMST_GEOIP_DIR
		say "deps: IP-to-country data in $HERKOMST_GEOIP_DIR"
	fi
	return 0
}

cmd_deps() {
	npm_deps
	geoip_deps
	deb_deps
}

deb_deps() {
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
	# Installing must not start services (postgresql's postinst would start a
	# system cluster on port 5432; the tests start throwaway clusters of their
	# own): a policy-rc.d that refuses every start, only for this install and
	# only when the machine has none of its own.
	local policy=/usr/sbin/policy-rc.d ours=0 rc=0
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\n# herkomst dev.sh deps: no service starts while installing\nexit 101\n' >"$policy" &&
			chmod 0755 "$policy" && ours=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}" || rc=$?
	[[ $ours -eq 1 ]] && rm -f "$policy"
	[[ $rc -eq 0 ]] || return $rc
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
