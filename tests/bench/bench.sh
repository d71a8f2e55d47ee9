#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench.sh [-n RUNS] [--build DIR] [--db] [--no-ndpi] CAPTURE...
# bench.sh --check [--max-ratio R] [-n RUNS] [--build DIR] [CAPTURE]
#
# Measures herkomst analyze against a floor (pcap_floor: a bare libpcap read
# loop over the same file) and, when it is installed, against nDPI's own
# ndpiReader, in the same run and alternating, so that the ratios hold on
# any machine and any load. See README.md in this directory.
#
# Timing: every measurement is REPS back-to-back runs of one command,
# bracketed by date +%s%N and divided by REPS; REPS is chosen per capture and
# tool from a calibration run so that a measurement lasts at least
# --min-time seconds (0.2), because /usr/bin/time's %e has a resolution of
# 10 ms. The first run of every measurement runs under /usr/bin/time -f
# '%e %M' for its peak RSS (the others run bare, so its cost is paid once).
# The medians of RUNS measurements are reported.
#
# --check is the CI regression test: it exits 1 when the median
# analyze/floor ratio exceeds R (default 40) and prints the ratio either
# way. Without CAPTURE it builds one from $HERKOMST_SHARED_DIR/pcaps (all
# Ethernet captures with make-mixed.sh when wireshark-common is installed,
# else ndpi_1kxun.pcap) and exits 77 (skipped) when that directory is absent.
set -euo pipefail

prog=${0##*/}
# meson test sets it to catch use of uninitialised memory; it makes every
# malloc and free write the block, which no production run pays for.
unset MALLOC_PERTURB_
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat >&2 <<EOF
usage: $prog [-n RUNS] [--build DIR] [--db] [--no-ndpi] [--min-time S] CAPTURE...
       $prog --check [--max-ratio R] [-n RUNS] [--build DIR] [CAPTURE]
  -n RUNS          measurements per tool and capture (default 5)
  --build DIR      meson build directory (default \$HERKOMST_BUILD_DIR, else ./build)
  --herkomst PATH  the herkomst executable (default DIR/herkomst)
  --floor PATH     the pcap_floor executable (default DIR/tests/bench/pcap_floor)
  --db             also run analyze with --db into a fresh SQLite file each run
  --no-ndpi        do not run ndpiReader even when it is installed
  --min-time S     shortest measurement in seconds (default 0.2)
  --check          regression check: exit 1 if analyze/floor exceeds R
  --max-ratio R    the limit for --check (default 40)
EOF
	exit 2
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

runs=5
build=''
herkomst=''
floor=''
with_db=0
with_ndpi=1
min_time=0.2
check=0
max_ratio=40
captures=()

need_arg() {
	[[ $2 -ge 2 ]] || die "$1 needs an argument"
}

while [[ $# -gt 0 ]]; do
	case $1 in
	-n) need_arg "$1" $#; runs=$2; shift 2 ;;
	--build) need_arg "$1" $#; build=$2; shift 2 ;;
	--herkomst) need_arg "$1" $#; herkomst=$2; shift 2 ;;
	--floor) need_arg "$1" $#; floor=$2; shift 2 ;;
	--db) with_db=1; shift ;;
	--no-ndpi) with_ndpi=0; shift ;;
	--min-time) need_arg "$1" $#; min_time=$2; shift 2 ;;
	--check) check=1; shift ;;
	--max-ratio) need_arg "$1" $#; max_ratio=$2; shift 2 ;;
	-h | --help) usage ;;
	--) shift; captures+=("$@"); break ;;
	-*) echo "$prog: unknown option $1" >&2; usage ;;
	*) captures+=("$1"); shift ;;
	esac
done

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "-n wants a positive whole number: $runs"
[[ $min_time =~ ^[0-9]*\.?[0-9]+$ ]] || die "--min-time wants seconds: $min_time"
[[ $max_ratio =~ ^[0-9]*\.?[0-9]+$ ]] || die "--max-ratio wants a number: $max_ratio"

if [[ -z $build ]]; then
	build=${HERKOMST_BUILD_DIR:-build}
fi
herkomst=${herkomst:-$build/herkomst}
floor=${floor:-$build/tests/bench/pcap_floor}
[[ -x $herkomst ]] || die "no herkomst executable at $herkomst (use --build DIR or --herkomst PATH)"
[[ -x $floor ]] || die "no pcap_floor at $floor (build with tests enabled, or use --floor PATH)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found: install the Debian package 'time'"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hk-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [[ $check -eq 1 ]]; then
	[[ ${#captures[@]} -le 1 ]] || die "--check takes one capture"
	with_ndpi=0
	with_db=0
	if [[ ${#captures[@]} -eq 0 ]]; then
		shared=${HERKOMST_SHARED_DIR:-}
		if [[ -z $shared || ! -d $shared/pcaps ]]; then
			echo "$prog: skipped: no shared captures (HERKOMST_SHARED_DIR='$shared')"
			exit 77
		fi
		if command -v mergecap >/dev/null && command -v editcap >/dev/null &&
			command -v capinfos >/dev/null; then
			# One repetition of every Ethernet capture, about 18 MB.
			"$here/make-mixed.sh" --from "$shared/pcaps" "$tmp/mixed.pcapng" 1 2>"$tmp/make-mixed.err" ||
				die "make-mixed.sh failed: $(cat "$tmp/make-mixed.err")"
			captures=("$tmp/mixed.pcapng")
		else
			echo "$prog: mergecap not installed: checking the largest shared capture alone"
			captures=("$shared/pcaps/ndpi_1kxun.pcap")
		fi
	fi
fi
[[ ${#captures[@]} -gt 0 ]] || usage
for cap in "${captures[@]}"; do
	[[ -r $cap ]] || die "cannot read $cap"
done

ndpi_reader=''
if [[ $with_ndpi -eq 1 ]]; then
	ndpi_reader=$(command -v ndpiReader || true)
fi

# The argv of one run of TOOL on CAPTURE into the array cmd; REP numbers the
# run so that every --db run gets a database file of its own.
set_cmd() {
	local tool=$1 cap=$2 rep=$3
	case $tool in
	floor) cmd=("$floor" "$cap") ;;
	analyze) cmd=("$herkomst" analyze --no-progress --format json -o /dev/null "$cap") ;;
	analyze-db) cmd=("$herkomst" analyze --no-progress --format json -o /dev/null
		--db "$tmp/db/$rep.sqlite" "$cap") ;;
	ndpiReader) cmd=("$ndpi_reader" -i "$cap" -q) ;;
	esac
}

fail_run() {
	echo "$prog: this failed (exit status $1):" >&2
	echo "  ${cmd[*]}" >&2
	sed -n '1,20s/^/  /p' "$tmp/err" >&2
	exit 1
}

# Runs TOOL on CAPTURE REPS times back to back and sets m_sec (seconds per
# run) and m_rss_kb (peak RSS of the first run).
measure() {
	local tool=$1 cap=$2 reps=$3 r t0 t1 rc
	local -a cmd
	rm -rf "$tmp/db"
	mkdir "$tmp/db"
	set_cmd "$tool" "$cap" 0
	t0=$(date +%s%N)
	rc=0
	/usr/bin/time -o "$tmp/time" -f '%e %M' "${cmd[@]}" >/dev/null 2>"$tmp/err" || rc=$?
	[[ $rc -eq 0 ]] || fail_run "$rc"
	for ((r = 1; r < reps; r++)); do
		set_cmd "$tool" "$cap" "$r"
		"${cmd[@]}" >/dev/null 2>"$tmp/err" || fail_run "$?"
	done
	t1=$(date +%s%N)
	m_sec=$(awk -v ns=$((t1 - t0)) -v n="$reps" 'BEGIN { printf "%.6f", ns / 1e9 / n }')
	m_rss_kb=$(awk 'END { print $NF }' "$tmp/time")
	rm -rf "$tmp/db"
}

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The machine and the versions, so that a table read later says where it
# was measured.
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB RAM", $2 / 1048576; exit }' /proc/meminfo 2>/dev/null || true)
echo "machine:    $(nproc) CPUs, ${cpu:-unknown CPU}, ${mem:-unknown RAM}, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "herkomst:   $herkomst: $("$herkomst" --version | awk 'NR > 1 { sub(/^ +/, "") } { printf "%s%s", (NR > 1 ? "; " : ""), $0 }')"
echo "floor:      $floor: $("$floor" --version)"
if [[ -n $ndpi_reader ]]; then
	echo "ndpiReader: $ndpi_reader: $("$ndpi_reader" -h 2>&1 | awk '/nDPI/ { print; exit }' || true)"
elif [[ $with_ndpi -eq 1 ]]; then
	echo "ndpiReader: not installed (Debian libndpi-bin): no comparison with it"
fi
echo "method:     median of $runs measurements per tool, tools alternating; a measurement is REPS"
echo "            back-to-back runs (REPS chosen so it lasts >= ${min_time} s) timed with date +%s%N,"
echo "            divided by REPS; peak RSS by /usr/bin/time -f '%e %M' on each measurement's first run,"
echo "            the largest of the $runs; MB = 10^6 bytes of capture file, MiB = 2^20 bytes of memory"
echo

tools=(floor analyze)
if [[ $with_db -eq 1 ]]; then tools+=(analyze-db); fi
if [[ -n $ndpi_reader ]]; then tools+=(ndpiReader); fi

hdr_fmt='%-28s %8s %9s  %-12s %5s %10s %11s %8s %8s %8s\n'
row_fmt='%-28s %8s %9s  %-12s %5d %10.5f %11.0f %8.1f %8.1f %8.2f\n'
# shellcheck disable=SC2059 # the format is ours
printf "$hdr_fmt" capture 'size MB' packets tool reps 'median s' 'packets/s' 'MB/s' 'RSS MiB' '/floor'

summary=()
worst=0
for cap in "${captures[@]}"; do
	bytes=$(stat -L -c %s "$cap")
	size_mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }')
	name=${cap##*/}
	if [[ ${#name} -gt 28 ]]; then name="${name:0:27}~"; fi

	# Calibration: a warm-up run (page cache, first-run costs), then REPS
	# grown from 1 until a measurement lasts min_time, with a 10 % margin.
	declare -A reps=() rss=() med=() times=()
	for tool in "${tools[@]}"; do
		measure "$tool" "$cap" 1
		n=1
		for ((try = 0; try < 4; try++)); do
			measure "$tool" "$cap" "$n"
			next=$(awk -v t="$m_sec" -v n="$n" -v m="$min_time" 'BEGIN {
				if (t * n >= m) { print n; exit }
				k = (t > 0) ? int(n * 1.1 * m / (t * n)) + 1 : n * 100
				if (k > 100000) k = 100000
				print k }')
			[[ $next -ne $n ]] || break
			n=$next
		done
		reps[$tool]=$n
		rss[$tool]=0
		times[$tool]=''
	done
	packets=$("$floor" "$cap" 2>/dev/null | awk '{ print $1 }')

	for ((run = 0; run < runs; run++)); do
		for tool in "${tools[@]}"; do
			measure "$tool" "$cap" "${reps[$tool]}"
			times[$tool]+=" $m_sec"
			if [[ $m_rss_kb -gt ${rss[$tool]} ]]; then rss[$tool]=$m_rss_kb; fi
		done
	done

	first=1
	for tool in "${tools[@]}"; do
		# shellcheck disable=SC2086 # the list is space-separated numbers
		med[$tool]=$(median ${times[$tool]})
		read -r pps mbps rss_mib ratio < <(awk -v t="${med[$tool]}" -v f="${med[floor]}" \
			-v p="$packets" -v b="$bytes" -v k="${rss[$tool]}" 'BEGIN {
			if (t <= 0) t = 1e-9
			print p / t, b / 1e6 / t, k / 1024, t / f }')
		label=$tool
		if [[ $tool == analyze-db ]]; then label='analyze --db'; fi
		if [[ $first -eq 1 ]]; then
			# shellcheck disable=SC2059 # the format is ours
			printf "$row_fmt" "$name" "$size_mb" "$packets" "$label" "${reps[$tool]}" \
				"${med[$tool]}" "$pps" "$mbps" "$rss_mib" "$ratio"
			first=0
		else
			# shellcheck disable=SC2059
			printf "$row_fmt" '' '' '' "$label" "${reps[$tool]}" \
				"${med[$tool]}" "$pps" "$mbps" "$rss_mib" "$ratio"
		fi
	done

	ratio=$(awk -v a="${med[analyze]}" -v f="${med[floor]}" 'BEGIN { printf "%.2f", a / f }')
	line="$name: analyze/floor $ratio"
	if [[ $with_db -eq 1 ]]; then
		line+=", analyze --db/floor $(awk -v a="${med[analyze-db]}" -v f="${med[floor]}" 'BEGIN { printf "%.2f", a / f }')"
	fi
	if [[ -n $ndpi_reader ]]; then
		line+=", analyze/ndpiReader $(awk -v a="${med[analyze]}" -v n="${med[ndpiReader]}" 'BEGIN { printf "%.2f", a / n }')"
	fi
	summary+=("$line")
	if awk -v r="$ratio" -v w="$worst" 'BEGIN { exit !(r > w) }'; then worst=$ratio; fi
	unset reps rss med times
done

echo
printf '%s\n' "${summary[@]}"

if [[ $check -eq 1 ]]; then
	if awk -v r="$worst" -v m="$max_ratio" 'BEGIN { exit !(r > m) }'; then
		echo "FAIL: median analyze/floor ratio $worst exceeds the limit $max_ratio"
		exit 1
	fi
	echo "ok: median analyze/floor ratio $worst is within the limit $max_ratio"
fi
exit 0
