#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# memory.sh [--build DIR] [--herkomst PATH] [--synscan PATH] [-j N] [--sanitize NAME]
#           [--flows N] [--targets T] [--rate R] [--flows-max M] [--flow-timeout S]
#
# The memory check: herkomst analyze on a SYN scan (make-synscan: one flow
# per SYN) must keep its flow table within --flows-max, count what it
# evicted, expire idle flows by capture time, and stay within
#
#     peak RSS <= 64 MiB + 1 KiB * (flows tracked at once)
#
# where the flows tracked at once are at most min(FLOWS, --flows-max). This
# is a limit on memory, not on time, so it holds on any machine.
#
# Without --flows/--targets/... it runs the two cases of the test
# bench-memory (about two seconds):
#   cap      200,000 flows to 256 targets, --flows-max 50,000: exactly
#            150,000 evictions, no expiry (the scan lasts 10 s of capture
#            time, the idle time is 120 s), RSS within 64 MiB + 50,000 KiB
#   expiry   the same scan, --flow-timeout 1 and the default cap: no
#            evictions, and between FLOWS - RATE * (2 * 1 + 1) and
#            FLOWS - RATE * (1 - 0.003) flows expired (expiry walks run once
#            per second of capture time, so a flow ends 1 to 2 s after its
#            last packet; the flows of the last second before the capture's
#            end, 3 ms at most after the last SYN, are still in the table)
# With any of them it runs one case with those values (others default:
# 1,000,000 flows, 65,536 targets, 20,000 SYN/s, the default cap and idle
# time) and checks the same rules.
#
# Exit status 0 when every rule holds, 1 when one does not (each failure is
# printed), 2 on a usage error, 77 (skipped) for a sanitizer build (its
# shadow memory is not herkomst's; pass --sanitize with meson's b_sanitize).
set -euo pipefail

prog=${0##*/}
unset MALLOC_PERTURB_

usage() {
	cat >&2 <<EOF
usage: $prog [--build DIR] [--herkomst PATH] [--synscan PATH] [-j N] [--sanitize NAME]
       [--flows N] [--targets T] [--rate R] [--flows-max M] [--flow-timeout S]
  --build DIR        meson build directory (default \$HERKOMST_BUILD_DIR, else ./build)
  --herkomst PATH    the herkomst executable (default DIR/herkomst)
  --synscan PATH     the make-synscan executable (default DIR/tests/bench/make-synscan)
  -j N               run analyze with --threads N (when it has --threads)
  --sanitize NAME    meson's b_sanitize of the build: anything but 'none' skips (77)
  --flows N ...      one case with these values instead of the two standard ones
EOF
	exit 2
}

die() {
	echo "$prog: $*" >&2
	exit 2
}

build='' herkomst='' synscan='' jobs=1 sanitize=none
flows='' targets='' rate='' flows_max='' flow_timeout=''
need_arg() {
	[[ $2 -ge 2 ]] || die "$1 needs an argument"
}
while [[ $# -gt 0 ]]; do
	case $1 in
	--build) need_arg "$1" $#; build=$2; shift 2 ;;
	--herkomst) need_arg "$1" $#; herkomst=$2; shift 2 ;;
	--synscan) need_arg "$1" $#; synscan=$2; shift 2 ;;
	-j) need_arg "$1" $#; jobs=$2; shift 2 ;;
	--sanitize) need_arg "$1" $#; sanitize=$2; shift 2 ;;
	--flows) need_arg "$1" $#; flows=$2; shift 2 ;;
	--targets) need_arg "$1" $#; targets=$2; shift 2 ;;
	--rate) need_arg "$1" $#; rate=$2; shift 2 ;;
	--flows-max) need_arg "$1" $#; flows_max=$2; shift 2 ;;
	--flow-timeout) need_arg "$1" $#; flow_timeout=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "$prog: unknown argument $1" >&2; usage ;;
	esac
done
for v in jobs ${flows:+flows} ${targets:+targets} ${rate:+rate} ${flows_max:+flows_max} ${flow_timeout:+flow_timeout}; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "${v//_/-} wants a positive whole number: ${!v}"
done

if [[ $sanitize != none && -n $sanitize ]]; then
	echo "$prog: skipped: a $sanitize build; its RSS is the sanitizer's shadow memory, not herkomst's"
	exit 77
fi
if [[ -z $build ]]; then build=${HERKOMST_BUILD_DIR:-build}; fi
herkomst=${herkomst:-$build/herkomst}
synscan=${synscan:-$build/tests/bench/make-synscan}
[[ -x $herkomst ]] || die "no herkomst executable at $herkomst (use --build DIR or --herkomst PATH)"
[[ -x $synscan ]] || die "no make-synscan at $synscan (build with tests enabled, or use --synscan PATH)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found: install the Debian package 'time'"
command -v python3 >/dev/null || die "python3 not found (it reads analyze's JSON)"
threads=()
analyze_help=$("$herkomst" analyze --help 2>&1 || true)
if [[ $jobs -gt 1 ]]; then
	[[ $analyze_help == *--threads* ]] ||
		die "-j $jobs: '$herkomst analyze --help' shows no --threads"
	threads=(--threads "$jobs")
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hk-memory.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# herkomst without its data (OUI table, signatures, ownership, policy) does
# less work and holds less memory than a real run: a copy outside the build
# tree finds none of it. A run on an empty capture shows it in the warnings.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\0\0\x01\0\0\0' >"$tmp/empty.pcap"
"$herkomst" analyze --no-progress --format json -o /dev/null "$tmp/empty.pcap" >/dev/null 2>"$tmp/preflight" || true
if grep -E 'no OUI attribution|signatures in .* not loaded|no ownership data|no country policy' "$tmp/preflight" >"$tmp/missing"; then
	echo "$prog: $herkomst runs without its data, so it would measure less than herkomst does:" >&2
	sed 's/^/  /' "$tmp/missing" | cut -c1-200 >&2
	echo "  run the build tree's herkomst (a copy must stay inside the build directory), or set" >&2
	echo "  HERKOMST_DATADIR (oui.tsv) and HERKOMST_SIGDIR (signatures)" >&2
	exit 2
fi

echo "machine: $(nproc) CPUs, $(awk '/^MemTotal:/ { printf "%.1f GiB RAM", $2 / 1048576; exit }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "herkomst: $herkomst: $("$herkomst" --version | head -n 1)"
echo "limit: peak RSS <= 64 MiB + 1 KiB * min(flows, --flows-max)"
echo

failed=0
fail() {
	echo "  FAIL: $*"
	failed=1
}

# run_case NAME FLOWS TARGETS RATE CAP TIMEOUT EXPECT: CAP and TIMEOUT
# empty for analyze's defaults; EXPECT is 'cap', 'expiry' or 'any' (which
# rules apply besides the RSS limit and the flow count).
run_case() {
	local name=$1 n=$2 t=$3 r=$4 cap=$5 timeout=$6 expect=$7
	local cap_eff cap_arg=() to_arg=() pcap="$tmp/scan-$n-$t-$r.pcap" rss_kb created expired evicted
	local limit_kb tracked lo hi past

	[[ -s $pcap ]] || "$synscan" -n "$n" -t "$t" -r "$r" -o "$pcap" 2>"$tmp/gen.err" ||
		die "make-synscan failed: $(cat "$tmp/gen.err")"
	if [[ -n $cap ]]; then cap_arg=(--flows-max "$cap"); fi
	if [[ -n $timeout ]]; then to_arg=(--flow-timeout "$timeout"); fi
	cap_eff=${cap:-$(sed -n 's/.*--flows-max N.*(default \([0-9]*\)).*/\1/p' <<<"$analyze_help")}
	[[ $cap_eff =~ ^[0-9]+$ ]] || die "cannot find the default of --flows-max in 'herkomst analyze --help'"

	if ! /usr/bin/time -o "$tmp/time" -f '%e %M' "$herkomst" analyze --no-progress --format json \
		-o "$tmp/out.json" "${cap_arg[@]}" "${to_arg[@]}" "${threads[@]}" "$pcap" 2>"$tmp/err"; then
		echo "$name: herkomst analyze failed:"
		sed 's/^/  /' "$tmp/err"
		failed=1
		return
	fi
	read -r created expired evicted < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["run"]
print(r["flows"], r.get("flows_expired", "missing"), r.get("flows_evicted", "missing"))' "$tmp/out.json")
	rss_kb=$(awk 'END { print $NF }' "$tmp/time")
	tracked=$((cap_eff < n ? cap_eff : n))
	limit_kb=$((64 * 1024 + tracked))
	printf '%s: %d flows to %d targets at %d/s, --flows-max %d, --flow-timeout %s%s\n' "$name" "$n" \
		"$((t < n ? t : n))" "$r" "$cap_eff" "${timeout:-default}" "${threads[*]:+, ${threads[*]}}"
	printf '  %s s, peak RSS %.1f MiB (limit %.1f MiB = 64 MiB + 1 KiB * %d), flows created %s, expired %s, evicted %s\n' \
		"$(awk '{ print $1 }' "$tmp/time")" "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" \
		"$(awk -v k="$limit_kb" 'BEGIN { print k / 1024 }')" "$tracked" "$created" "$expired" "$evicted"

	if [[ $expired == missing || $evicted == missing ]]; then
		fail "analyze's JSON run object has no flows_expired/flows_evicted (docs/json.md)"
		return
	fi
	[[ $created -eq $n ]] || fail "flows created $created, the scan has $n distinct flows"
	[[ $rss_kb -le $limit_kb ]] || fail "peak RSS $rss_kb KiB exceeds the limit $limit_kb KiB"
	# flows that cannot all have stayed: at most the cap is left at the end
	past=$((created - cap_eff - expired))
	if [[ $past -lt 0 ]]; then past=0; fi
	case $expect in
	cap)
		[[ $expired -eq 0 ]] || fail "$expired flows expired; the scan is shorter than the idle time"
		# The table is full at the end and nothing expired: every flow
		# past the cap was evicted. With several workers each has a
		# share of the cap, and a share left unfilled only lowers the
		# count, never below this.
		if [[ $jobs -eq 1 ]]; then
			[[ $evicted -eq $past ]] ||
				fail "evicted $evicted, want max(0, created - cap - expired) = $past"
		else
			[[ $evicted -ge $past ]] ||
				fail "evicted $evicted, want at least max(0, created - cap - expired) = $past"
		fi
		;;
	expiry)
		# A flow can only have expired when the capture's last packet came
		# more than the idle time after its own last one; the capture ends
		# at most 3 ms (an answer's delay) after the last SYN.
		lo=$((n - r * (2 * timeout + 1)))
		hi=$((n - r * timeout + r * 3 / 1000 + 1))
		[[ $evicted -eq 0 ]] || fail "$evicted flows evicted below the cap"
		[[ $expired -ge $lo && $expired -le $hi ]] ||
			fail "expired $expired, want $lo..$hi (idle $timeout s at $r flows/s)"
		;;
	any)
		[[ $evicted -ge $past ]] ||
			fail "evicted $evicted, want at least max(0, created - cap - expired) = $past"
		;;
	esac
}

if [[ -z $flows$targets$rate$flows_max$flow_timeout ]]; then
	run_case cap 200000 256 20000 50000 '' cap
	run_case expiry 200000 256 20000 '' 1 expiry
else
	expect=any
	if [[ -z $flow_timeout ]]; then expect=cap; fi
	n=${flows:-1000000} r=${rate:-20000}
	if [[ $expect == cap ]] && awk -v n="$n" -v r="$r" 'BEGIN { exit !(n / r + 1 > 120) }'; then
		expect=any # the scan outlasts the default idle time: some flows expire
	fi
	run_case scan "$n" "${targets:-65536}" "$r" "$flows_max" "$flow_timeout" "$expect"
fi
echo
if [[ $failed -ne 0 ]]; then
	echo "FAIL: see above"
	exit 1
fi
echo "ok: within the flow cap and the memory limit, evictions and expiry counted"
