#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench.sh [-n RUNS] [--build DIR] [--db] [-j N] [--no-ndpi] [--no-p0f] [--no-tshark] CAPTURE...
# bench.sh --check [--max-ratio R] [-n RUNS] [--build DIR] [CAPTURE]
#
# Measures herkomst analyze (one thread, and N threads when analyze has
# --threads) against a floor (pcap_floor: a bare libpcap read loop over the
# same file) and, when they are installed, against nDPI's own ndpiReader,
# p0f -r and tshark, in the same run and alternating, so that the ratios hold
# on any machine and any load. See README.md in this directory.
#
# Timing: every measurement is REPS back-to-back runs of one command,
# bracketed by EPOCHREALTIME (wall) and the shell's 'times' (CPU of the
# children) and divided by REPS; REPS is chosen per capture and
# tool from a calibration run so that a measurement lasts at least
# --min-time seconds (0.2), because /usr/bin/time's %e has a resolution of
# 10 ms. The first run of every measurement runs under /usr/bin/time -f
# '%e %M' for its peak RSS (the others run bare, so its cost is paid once).
# The medians of RUNS measurements are reported.
#
# --check is the CI regression test: it exits 1 when the median
# analyze/floor CPU-time ratio exceeds R (default 40) and prints the ratio either
# way. Without CAPTURE it builds one from $HERKOMST_SHARED_DIR/pcaps (all
# Ethernet captures with make-mixed.sh when wireshark-common is installed,
# else ndpi_1kxun.pcap) and exits 77 (skipped) when that directory is absent.
set -euo pipefail

prog=${0##*/}
# meson test sets it to catch use of uninitialised memory; it makes every
# malloc and free write the block, which no production run pays for.
unset MALLOC_PERTURB_
# Decimal points, whatever the user's locale (EPOCHREALTIME, awk, sort -g).
export LC_ALL=C
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat >&2 <<EOF
usage: $prog [-n RUNS] [--build DIR] [--db] [-j N] [--no-ndpi] [--no-p0f] [--no-tshark]
       [--min-time S] CAPTURE...
       $prog --check [--max-ratio R] [-n RUNS] [--build DIR] [CAPTURE]
  -n RUNS          measurements per tool and capture (default 5)
  --build DIR      meson build directory (default \$HERKOMST_BUILD_DIR, else ./build)
  --herkomst PATH  the herkomst executable (default DIR/herkomst)
  --floor PATH     the pcap_floor executable (default DIR/tests/bench/pcap_floor)
  --db             also run analyze with --db into a fresh SQLite file each run
  -j N             threads of the 'analyze -j N' row and runs of the 'N x analyze' row
                   (default: nproc; 1 leaves both out)
  --no-ndpi        do not run ndpiReader even when it is installed
  --no-p0f         do not run p0f -r even when it is installed
  --no-tshark      do not run tshark even when it is installed
  --min-time S     shortest measurement in seconds (default 0.2)
  --no-pin         do not pin the one-thread rows to one CPU (taskset)
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
with_p0f=1
with_tshark=1
jobs=$(nproc 2>/dev/null || echo 1)
min_time=0.2
pin=1
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
	-j) need_arg "$1" $#; jobs=$2; shift 2 ;;
	--no-ndpi) with_ndpi=0; shift ;;
	--no-p0f) with_p0f=0; shift ;;
	--no-tshark) with_tshark=0; shift ;;
	--min-time) need_arg "$1" $#; min_time=$2; shift 2 ;;
	--no-pin) pin=0; shift ;;
	--check) check=1; shift ;;
	--max-ratio) need_arg "$1" $#; max_ratio=$2; shift 2 ;;
	-h | --help) usage ;;
	--) shift; captures+=("$@"); break ;;
	-*) echo "$prog: unknown option $1" >&2; usage ;;
	*) captures+=("$1"); shift ;;
	esac
done

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "-n wants a positive whole number: $runs"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "-j wants a positive whole number: $jobs"
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

if [[ $check -eq 1 ]]; then
	[[ ${#captures[@]} -le 1 ]] || die "--check takes one capture"
	with_ndpi=0
	with_p0f=0
	with_tshark=0
	with_db=0
	jobs=1
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
# p0f lives in /usr/sbin, which an ordinary user's PATH may lack; -r needs
# no privileges.
p0f=''
if [[ $with_p0f -eq 1 ]]; then
	p0f=$(PATH=$PATH:/usr/sbin:/sbin command -v p0f || true)
fi
tshark=''
if [[ $with_tshark -eq 1 ]]; then
	tshark=$(command -v tshark || true)
fi
# The -j N row needs analyze --threads (the multi-core work); without it
# the row is left out and the header says so.
threads_missing=0
# (the help is read whole first: grep -q would stop reading, and pipefail
# would count herkomst's SIGPIPE as a failure)
analyze_help=$("$herkomst" analyze --help 2>&1 || true)
if [[ $jobs -gt 1 && $analyze_help != *--threads* ]]; then
	threads_missing=1
fi
# analyze --timings says how long its packet stage took (reading, decoding,
# flows, nDPI, parsers: from the first frame to the last flow ended), apart
# from the fixed start and the serial tail; the summary then also gives the
# scaling of that stage, the engine's throughput.
timings=()
if [[ $analyze_help == *--timings* ]]; then timings=(--timings); fi

# "One core" (issue 6) means one: analyze's helper threads (the data
# loaders, the geolocation index) would otherwise run beside its packet
# loop on a second CPU. Every row but 'analyze -j N' runs pinned to the
# first CPU this script may use, the peers too, so they compare alike.
one_cpu=()
if [[ $pin -eq 1 ]] && command -v taskset >/dev/null; then
	cpu0=$(taskset -pc $$ 2>/dev/null | awk -F': ' '{ split($2, a, /[,-]/); print a[1] }')
	if [[ -n $cpu0 ]]; then one_cpu=(taskset -c "$cpu0"); fi
fi

# What N CPUs give this workload on this machine, apart from herkomst's own
# threading: N one-thread analyze runs at once, each pinned to a CPU of its
# own (the 'N x analyze' row). On a virtual machine the CPUs may be
# hyperthreads of one core, or share the host with other guests, and then
# N of them do less than N times the work of one; -j N cannot beat that.
# The CPUs this script may use, as a list (taskset prints ranges: 0-3,6).
pair_cpus=()
if [[ ${#one_cpu[@]} -gt 0 && $jobs -gt 1 ]]; then
	read -r -a pair_cpus < <(taskset -pc $$ 2>/dev/null | awk -F': ' '{
		n = split($2, r, ",")
		for (i = 1; i <= n; i++) {
			if (split(r[i], b, "-") == 2) { for (c = b[1]; c <= b[2]; c++) printf "%d ", c }
			else printf "%d ", r[i]
		}
		print "" }')
	if [[ ${#pair_cpus[@]} -lt $jobs ]]; then pair_cpus=(); fi
fi

# The argv of one run of TOOL on CAPTURE into the array cmd; REP numbers the
# run so that every --db run gets a database file of its own.
set_cmd() {
	local tool=$1 cap=$2 rep=$3
	set_cmd_unpinned "$@"
	if [[ $tool != analyze-j && $tool != analyze-pair && ${#one_cpu[@]} -gt 0 ]]; then
		cmd=("${one_cpu[@]}" "${cmd[@]}")
	fi
}

set_cmd_unpinned() {
	local tool=$1 cap=$2 rep=$3
	case $tool in
	floor) cmd=("$floor" "$cap") ;;
	analyze) cmd=("$herkomst" analyze --no-progress "${timings[@]}" --format json -o /dev/null "$cap") ;;
	# the default output (the table a user gets from 'herkomst analyze FILE');
	# JSON (above) also renders every device's evidence and assessment
	analyze-table) cmd=("$herkomst" analyze --no-progress -o /dev/null "$cap") ;;
	analyze-j) cmd=("$herkomst" analyze --no-progress "${timings[@]}" --format json -o /dev/null
		--threads "$jobs" "$cap") ;;
	analyze-db) cmd=("$herkomst" analyze --no-progress --format json -o /dev/null
		--db "$tmp/db/$rep.sqlite" "$cap") ;;
	# the 'analyze' row's command, N at once on N CPUs; done when all are
	analyze-pair) cmd=(bash -c 'h=$1 c=$2; shift 2; pids=(); for cpu in "$@"; do
		taskset -c "$cpu" "$h" analyze --no-progress --format json -o /dev/null "$c" & pids+=($!); done
		rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done; exit $rc' pair "$herkomst" "$cap"
		"${pair_cpus[@]:0:$jobs}") ;;
	ndpiReader) cmd=("$ndpi_reader" -i "$cap" -q) ;;
	# p0f: SYN/SYN+ACK and HTTP fingerprints of every TCP connection, its
	# matches on standard output (to /dev/null here).
	p0f) cmd=("$p0f" -r "$cap") ;;
	# tshark: -q alone turns the per-packet summary off and with it the
	# dissection (tshark dissects only to print, filter or feed a tap), so
	# it would measure reading the file; the conv,ip tap makes it dissect
	# every frame with every dissector and print one conversation table.
	tshark) cmd=("$tshark" -r "$cap" -n -q -z 'conv,ip') ;;
	esac
}

fail_run() {
	echo "$prog: this failed (exit status $1):" >&2
	echo "  ${cmd[*]}" >&2
	sed -n '1,20s/^/  /p' "$tmp/err" >&2
	exit 1
}

# Runs TOOL on CAPTURE REPS times back to back and sets m_sec (wall seconds
# per run), m_cpu (user + system CPU seconds per run, all threads) and
# m_rss_kb (peak RSS of the first run). Between the two readings of the
# clock and of the CPU time nothing but the tool (and /usr/bin/time once)
# runs: EPOCHREALTIME and the builtin 'times' (written to a file, so that it
# runs in this shell and reports this shell's children) start no process.
measure() {
	local tool=$1 cap=$2 reps=$3 r t0 t1 rc
	local -a cmd
	rm -rf "$tmp/db"
	mkdir "$tmp/db"
	set_cmd "$tool" "$cap" 0
	times >"$tmp/cpu0"
	t0=$EPOCHREALTIME
	rc=0
	/usr/bin/time -o "$tmp/time" -f '%e %M' "${cmd[@]}" >/dev/null 2>"$tmp/err" || rc=$?
	[[ $rc -eq 0 ]] || fail_run "$rc"
	cat "$tmp/err" >"$tmp/errs"
	for ((r = 1; r < reps; r++)); do
		set_cmd "$tool" "$cap" "$r"
		"${cmd[@]}" >/dev/null 2>"$tmp/err" || fail_run "$?"
		cat "$tmp/err" >>"$tmp/errs"
	done
	t1=$EPOCHREALTIME
	times >"$tmp/cpu1"
	m_sec=$(awk -v a="$t0" -v b="$t1" -v n="$reps" 'BEGIN { printf "%.6f", (b - a) / n }')
	m_cpu=$(awk -v n="$reps" '
		function sec(t) { split(t, p, /[ms]/); return p[1] * 60 + p[2] }
		FNR == 2 { c[FILENAME] = sec($1) + sec($2) }
		END { printf "%.6f", (c[ARGV[2]] - c[ARGV[1]]) / n }' "$tmp/cpu0" "$tmp/cpu1")
	m_rss_kb=$(awk 'END { print $NF }' "$tmp/time")
	# the runs' packet stage (--timings), seconds, averaged as the wall time is
	m_pk=$(sed -n 's/.*; packets \([0-9.]*\) ms.*/\1/p' "$tmp/errs" |
		awk '{ s += $1 } END { if (NR) printf "%.6f", s / NR / 1000 }')
	if [[ ${#timings[@]} -gt 0 && ( $tool == analyze || $tool == analyze-j ) && -z $m_pk ]]; then
		echo "$prog: analyze --timings printed no '; packets N ms'; update bench.sh's parser" >&2
		exit 1
	fi
	rm -rf "$tmp/db"
}

# The name of a tool in the table.
tool_label() {
	case $1 in
	analyze-db) echo 'analyze --db' ;;
	analyze-table) echo 'analyze (table)' ;;
	analyze-j) echo "analyze -j $jobs" ;;
	analyze-pair) echo "$jobs x analyze" ;;
	*) echo "$1" ;;
	esac
}

# A / B to two decimals.
div() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else printf "%.2f", a / b }'
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
if [[ -n $p0f ]]; then
	echo "p0f:        $p0f: $("$p0f" -h 2>&1 | awk '/p0f [0-9]/ { gsub(/-/, ""); sub(/^ +/, ""); sub(/ by .*/, ""); print; exit }' || true)"
elif [[ $with_p0f -eq 1 ]]; then
	echo "p0f:        not installed (Debian p0f): no comparison with it"
fi
if [[ -n $tshark ]]; then
	echo "tshark:     $tshark: $("$tshark" --version 2>/dev/null | awk 'NR == 1 { print; exit }')"
elif [[ $with_tshark -eq 1 ]]; then
	echo "tshark:     not installed (Debian tshark): no comparison with it"
fi
if [[ $threads_missing -eq 1 ]]; then
	echo "analyze -j: missing: '$herkomst analyze --help' shows no --threads; no 'analyze -j $jobs' row"
fi
if [[ ${#one_cpu[@]} -gt 0 ]]; then
	echo "pinning:    every row but 'analyze -j $jobs' runs on CPU ${one_cpu[2]} alone (${one_cpu[*]})"
	if [[ ${#pair_cpus[@]} -gt 0 && $check -eq 0 ]]; then
		echo "            '$jobs x analyze': $jobs one-thread runs at once, on CPUs ${pair_cpus[*]:0:$jobs} (one each);"
		echo "            its RSS is the largest single run's, not their sum"
	elif [[ $jobs -gt 1 && $check -eq 0 ]]; then
		echo "            no '$jobs x analyze' row: fewer than $jobs CPUs to pin one run each to"
	fi
else
	echo "pinning:    none (--no-pin, or no taskset): one-thread rows may use a second CPU for helper threads"
fi
echo "method:     median of $runs measurements per tool, tools alternating; a measurement is REPS"
echo "            back-to-back runs (REPS chosen so it lasts >= ${min_time} s), divided by REPS: wall"
echo "            seconds (bash EPOCHREALTIME) and CPU seconds (user + system of all threads, bash"
echo "            'times'); peak RSS by /usr/bin/time -f '%e %M' on each measurement's first run, the"
echo "            largest of the $runs; MB = 10^6 bytes of capture file, MiB = 2^20 bytes of memory"
echo

tools=(floor analyze)
if [[ $check -eq 0 ]]; then tools+=(analyze-table); fi
if [[ $jobs -gt 1 && $threads_missing -eq 0 ]]; then tools+=(analyze-j); fi
if [[ $check -eq 0 && ${#pair_cpus[@]} -gt 0 ]]; then tools+=(analyze-pair); fi
if [[ $with_db -eq 1 ]]; then tools+=(analyze-db); fi
if [[ -n $ndpi_reader ]]; then tools+=(ndpiReader); fi
if [[ -n $p0f ]]; then tools+=(p0f); fi
if [[ -n $tshark ]]; then tools+=(tshark); fi

hdr_fmt='%-28s %8s %9s  %-15s %5s %10s %10s %11s %8s %8s %8s %9s\n'
row_fmt='%-28s %8s %9s  %-15s %5d %10.5f %10.5f %11.0f %8.1f %8.1f %8.2f %9.2f\n'
# shellcheck disable=SC2059 # the format is ours
printf "$hdr_fmt" capture 'size MB' packets tool reps 'wall s' 'cpu s' 'packets/s' 'MB/s' 'RSS MiB' \
	'/floor' 'cpu/floor'

# "A/B W (cpu C)": the ratio of the wall medians and of the CPU medians.
ratios() {
	echo "$(div "${med[$1]}" "${med[$2]}") (cpu $(div "${cpu_med[$1]}" "${cpu_med[$2]}"))"
}

summary=()
worst=0
for cap in "${captures[@]}"; do
	bytes=$(stat -L -c %s "$cap")
	size_mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }')
	name=${cap##*/}
	if [[ ${#name} -gt 28 ]]; then name="${name:0:27}~"; fi

	# Calibration: a warm-up run (page cache, first-run costs), then REPS
	# grown from 1 until a measurement lasts min_time, with a 10 % margin.
	declare -A reps=() rss=() med=() cpu_med=() walls=() cpus=() pks=()
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
		walls[$tool]=''
		cpus[$tool]=''
		pks[$tool]=''
	done
	packets=$("$floor" "$cap" 2>/dev/null | awk '{ print $1 }')

	for ((run = 0; run < runs; run++)); do
		for tool in "${tools[@]}"; do
			measure "$tool" "$cap" "${reps[$tool]}"
			walls[$tool]+=" $m_sec"
			cpus[$tool]+=" $m_cpu"
			if [[ -n $m_pk ]]; then pks[$tool]+=" $m_pk"; fi
			if [[ $m_rss_kb -gt ${rss[$tool]} ]]; then rss[$tool]=$m_rss_kb; fi
		done
	done

	first=1
	for tool in "${tools[@]}"; do
		# shellcheck disable=SC2086 # the lists are space-separated numbers
		med[$tool]=$(median ${walls[$tool]})
		# shellcheck disable=SC2086
		cpu_med[$tool]=$(median ${cpus[$tool]})
		read -r pps mbps rss_mib ratio cpu_ratio < <(awk -v t="${med[$tool]}" -v f="${med[floor]}" \
			-v c="${cpu_med[$tool]}" -v cf="${cpu_med[floor]}" \
			-v p="$packets" -v b="$bytes" -v k="${rss[$tool]}" 'BEGIN {
			if (t <= 0) t = 1e-9
			if (cf <= 0) cf = 1e-9
			print p / t, b / 1e6 / t, k / 1024, t / f, c / cf }')
		label=$(tool_label "$tool")
		if [[ $first -eq 1 ]]; then
			# shellcheck disable=SC2059 # the format is ours
			printf "$row_fmt" "$name" "$size_mb" "$packets" "$label" "${reps[$tool]}" \
				"${med[$tool]}" "${cpu_med[$tool]}" "$pps" "$mbps" "$rss_mib" "$ratio" "$cpu_ratio"
			first=0
		else
			# shellcheck disable=SC2059
			printf "$row_fmt" '' '' '' "$label" "${reps[$tool]}" \
				"${med[$tool]}" "${cpu_med[$tool]}" "$pps" "$mbps" "$rss_mib" "$ratio" "$cpu_ratio"
		fi
	done

	# The check compares CPU time: on a loaded machine (CI, or this one
	# shared) a short floor and a longer analyze lose different shares of
	# the wall clock to other processes, but their CPU time stays theirs.
	ratio=$(div "${cpu_med[analyze]}" "${cpu_med[floor]}")
	line="$name: analyze/floor $(ratios analyze floor)"
	if [[ -n ${med[analyze-table]:-} ]]; then
		line+=", analyze (table)/floor $(ratios analyze-table floor)"
	fi
	if [[ -n ${med[analyze-j]:-} ]]; then
		line+=", analyze -j $jobs/floor $(ratios analyze-j floor)"
	fi
	if [[ $with_db -eq 1 ]]; then
		line+=", analyze --db/floor $(ratios analyze-db floor)"
	fi
	for other in ndpiReader p0f tshark; do
		if [[ -n ${med[$other]:-} ]]; then
			line+=", analyze/$other $(ratios analyze "$other")"
			if [[ -n ${med[analyze-table]:-} ]]; then
				line+=", analyze (table)/$other $(ratios analyze-table "$other")"
			fi
			if [[ -n ${med[analyze-j]:-} ]]; then
				line+=", analyze -j $jobs/$other $(div "${med[analyze-j]}" "${med[$other]}")"
			fi
		fi
	done
	if [[ -n ${med[analyze-j]:-} ]]; then
		# wall time only: CPU time adds up over threads
		line+=", scaling analyze/analyze -j $jobs $(div "${med[analyze]}" "${med[analyze-j]}")"
	fi
	if [[ -n ${med[analyze-j]:-} && -n ${pks[analyze]:-} && -n ${pks[analyze-j]:-} ]]; then
		# the packet stage alone (analyze --timings): the engine's throughput
		# shellcheck disable=SC2086
		pk1=$(median ${pks[analyze]})
		# shellcheck disable=SC2086
		pkj=$(median ${pks[analyze-j]})
		line+=", packet stage (--timings) $pk1 s and $pkj s at -j $jobs, scaling $(div "$pk1" "$pkj")"
	fi
	if [[ -n ${med[analyze-pair]:-} ]]; then
		# N runs' work in the pair's wall time, against one run's
		ceiling=$(awk -v n="$jobs" -v a="${med[analyze]}" -v p="${med[analyze-pair]}" \
			'BEGIN { if (p <= 0) print "n/a"; else printf "%.2f", n * a / p }')
		line+=", this machine's ceiling for $jobs CPUs ($jobs x analyze at once, one per CPU) $ceiling"
	fi
	line+="; peak RSS MiB:"
	for tool in "${tools[@]}"; do
		line+=" $(tool_label "$tool") $(awk -v k="${rss[$tool]}" 'BEGIN { printf "%.1f", k / 1024 }')"
	done
	summary+=("$line")
	if awk -v r="$ratio" -v w="$worst" 'BEGIN { exit !(r > w) }'; then worst=$ratio; fi
	unset reps rss med cpu_med walls cpus pks
done

echo
printf '%s\n' "${summary[@]}"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ $check -eq 1 ]]; then
	if awk -v r="$worst" -v m="$max_ratio" 'BEGIN { exit !(r > m) }'; then
		echo "FAIL: median analyze/floor CPU-time ratio $worst exceeds the limit $max_ratio"
		exit 1
	fi
	echo "ok: median analyze/floor CPU-time ratio $worst is within the limit $max_ratio"
fi
exit 0
