#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# live-drops.sh [options]
#
# The highest packet rate `herkomst run` (capture = afpacket) takes without
# losing more than 0.1 % of the frames in the kernel. A network namespace of
# its own holds a veth pair (hkfeed -- hkcap, nothing else, no addresses,
# IPv6 off); herkomst run captures on hkcap and tcpreplay sends a mixed
# capture into hkfeed at a ladder of rates (--pps, from the capture preloaded
# into memory), then at --topspeed. After each rate the daemon's /metrics
# (herkomst_interface_received_total and
# herkomst_interface_drops_total{where="kernel"} of hkcap) give the frames
# the capture filter passed and those the ring had no room for; the loss is
# drops / received. Between the last rate under the limit and the first one
# over it, a bisection narrows the answer. Repeated for every worker count
# asked for (the [capture] workers key; without it, workers = 1 only, and
# the script says so).
#
# Options:
#   --herkomst PATH   the executable (default: $HERKOMST_BUILD_DIR/herkomst, else ./build/herkomst)
#   --capture FILE    what to send (default /tmp/mixed100.pcapng; made with make-mixed.sh if missing)
#   --workers "1 2"   worker counts to measure (default "1 2")
#   --rates "..."     the ladder, packets per second (default 10000 20000 40000 80000 160000 320000 640000)
#   --seconds S       how long each rate is sent (default 10: long enough to fill a
#                     64 MiB ring when the readers fall behind)
#   --ring-mb N       [capture] ring_mb (default 64, the default of the configuration)
#   --limit PCT       the loss allowed (default 0.1)
#   --bisect N        bisection steps after the ladder (default 3)
#
# Needs root (ip netns, packet sockets), tcpreplay, curl and ip; exit 77
# (skipped) without them. Prints a table per worker count and one line
# "workers W: highest rate under L %: R pps (sent S pps, loss X %)".
# The rates are what tcpreplay achieved, which may be less than asked for on
# a busy machine: both are printed. "loss %" is the kernel ring's drops (what
# ring_mb and the readers' speed decide; the figure asked for). "unseen %"
# is the share of the frames tcpreplay sent that never reached the capture
# sockets: IPv4 fragments the kernel reassembled (PACKET_FANOUT_FLAG_DEFRAG:
# the mixed capture holds 55 fragments that become 16 datagrams per
# repetition, 0.04 %), and on an overloaded machine the veth's receive
# backlog (net.core.netdev_max_backlog) overflowing, where a real NIC would
# count rx_missed_errors. "us/fr" is herkomst's user + system time (all
# threads, flushes and API included) per frame received, in microseconds:
# 1e6 / us/fr is the rate one busy core would take, an estimate for where the
# generator, not herkomst, set the limit. Other load on
# the machine lowers the figures: the header states nproc and the load average.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

herkomst=''
capture=/tmp/mixed100.pcapng
workers_list='1 2'
rates='10000 20000 40000 80000 160000 320000 640000'
seconds=10
ring_mb=64
limit=0.1
bisect=3

die() {
	echo "$prog: $*" >&2
	exit 1
}

skip() {
	echo "$prog: SKIP: $*"
	exit 77
}

while [[ $# -gt 0 ]]; do
	case $1 in
	--herkomst) herkomst=$2; shift 2 ;;
	--capture) capture=$2; shift 2 ;;
	--workers) workers_list=$2; shift 2 ;;
	--rates) rates=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--ring-mb) ring_mb=$2; shift 2 ;;
	--limit) limit=$2; shift 2 ;;
	--bisect) bisect=$2; shift 2 ;;
	-h | --help) sed -n '4,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (--help lists them)" ;;
	esac
done

[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces, packet capture)"
for t in ip tcpreplay curl; do
	command -v "$t" >/dev/null || skip "needs $t"
done
if [[ -z $herkomst ]]; then
	herkomst=${HERKOMST_BUILD_DIR:-./build}/herkomst
fi
[[ -x $herkomst ]] || die "no herkomst at $herkomst; give --herkomst PATH or set HERKOMST_BUILD_DIR"
herkomst=$(cd "$(dirname "$herkomst")" && pwd)/$(basename "$herkomst")
if [[ ! -s $capture ]]; then
	echo "$prog: $capture is missing; making it (make-mixed.sh $capture 100)" >&2
	"$here/make-mixed.sh" "$capture" 100 >&2 || die "make-mixed.sh failed; give --capture FILE"
fi

ns=hk-bench-$$
tmp=$(mktemp -d /tmp/hk-live-drops.XXXXXX)
pid=''
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$ns" link set lo up
ip -n "$ns" link add hkfeed type veth peer name hkcap
for dev in hkfeed hkcap; do
	# the largest frames of the shared captures (TSO/GRO-merged ones) need more than 9000
	ip -n "$ns" link set "$dev" mtu 65535
	ip -n "$ns" link set "$dev" up
done
in_ns() { ip netns exec "$ns" "$@"; }

# Does this herkomst know [capture] workers?
has_workers=1
printf '[capture]\nworkers = 2\n[data]\nsignatures = %s\n' "$here/../../signatures" >"$tmp/probe.conf"
if "$herkomst" check config "$tmp/probe.conf" 2>&1 | grep -q "unknown key 'workers'"; then
	has_workers=0
	echo "$prog: this herkomst has no [capture] workers key: measuring workers = 1 only"
	workers_list=1
fi

metrics() { # prints "received drops" of hkcap
	local body
	body=$(in_ns curl -sS --max-time 5 "http://127.0.0.1:$port/metrics") || die "cannot read /metrics"
	awk '/^herkomst_interface_received_total\{interface="hkcap"\}/ { r = $2 }
	     /^herkomst_interface_drops_total\{interface="hkcap",where="kernel"\}/ { d = $2 }
	     END { if (r == "" || d == "") exit 1; print r, d }' <<<"$body" ||
		die "no hkcap counters in /metrics (is capture = afpacket?)"
}

port=9470
start_daemon() { # workers
	local w=$1
	port=$((port + 1)) # a fresh one: the last daemon's may linger in TIME_WAIT
	{
		printf '[capture]\ncapture = afpacket\nring_mb = %s\n' "$ring_mb"
		[[ $has_workers -eq 1 ]] && printf 'workers = %s\n' "$w"
		printf '[store]\nflush_interval = 5\n[api]\nlisten = 127.0.0.1:%s\n' "$port"
		printf '[data]\nsignatures = %s\n[daemon]\nuser =\n' "$(cd "$here/../../signatures" && pwd)"
	} >"$tmp/run.conf"
	rm -f "$tmp"/live.sqlite*
	# not through in_ns: ip netns exec execs herkomst, so $! is herkomst itself
	ip netns exec "$ns" "$herkomst" run --config "$tmp/run.conf" -i hkcap --db "$tmp/live.sqlite" \
		>"$tmp/run-$w.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		grep -qs ': ready: ' "$tmp/run-$w.log" && break
		kill -0 "$pid" 2>/dev/null || die "herkomst run exited: $(tail -5 "$tmp/run-$w.log")"
		sleep 0.1
	done
	grep -qs ': ready: ' "$tmp/run-$w.log" || die "herkomst run did not get ready: $(tail -5 "$tmp/run-$w.log")"
	sleep 1.2 # the first metrics
}

stop_daemon() {
	kill -TERM "$pid"
	wait "$pid" || true
	pid=''
}

cpu_ticks() { # herkomst's user + system time so far, all threads, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$pid/stat"
}

# One rate ("topspeed" or pps): prints
# "asked achieved_pps sent received drops loss_pct unseen_pct cpu_usec_per_frame"
measure() {
	local rate=$1 out before after count achieved sent c0 c1
	read -r -a before < <(metrics)
	c0=$(cpu_ticks)
	if [[ $rate == topspeed ]]; then
		out=$(in_ns tcpreplay -i hkfeed -K --topspeed --loop=0 --duration="$seconds" "$capture" 2>&1) ||
			die "tcpreplay: $out"
	else
		count=$((rate * seconds))
		out=$(in_ns tcpreplay -i hkfeed -K --pps="$rate" --loop=0 --limit="$count" "$capture" 2>&1) ||
			die "tcpreplay: $out"
	fi
	achieved=$(sed -n 's/.*Rated: [0-9.]* Bps, [0-9.]* Mbps, \([0-9.]*\) pps.*/\1/p' <<<"$out" | head -1)
	sent=$(sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p' <<<"$out" | head -1)
	sleep 1.5 # the ring's block timeout (0.1 s) and the once-a-second metrics
	read -r -a after < <(metrics)
	c1=$(cpu_ticks)
	local rx=$((after[0] - before[0])) dr=$((after[1] - before[1]))
	awk -v a="$rate" -v p="$achieved" -v s="$sent" -v r="$rx" -v d="$dr" -v c=$((c1 - c0)) \
		-v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%s %.0f %d %d %d %.4f %.4f %.2f\n", a, p, s, r, d, r ? 100 * d / r : 0,
		         s ? 100 * (s - r) / s : 0, r ? 1e6 * (c / hz) / r : 0 }'
}

count_top=$(capinfos -c -M "$capture" 2>/dev/null | awk '/Number of packets/ { print $NF }')
[[ -n $count_top ]] || count_top=500000

echo "# live-drops: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $("$herkomst" --version 2>&1 | head -1); $(tcpreplay --version 2>&1 | head -1)"
echo "# capture $capture ($count_top frames), ring_mb $ring_mb per socket, $seconds s per rate, limit $limit %"

# keeps in best/best_line the passing measurement with the highest achieved rate
consider() { # line
	local a p sn rx dr loss pre cpu
	read -r a p sn rx dr loss pre cpu <<<"$1"
	awk -v l="$loss" -v m="$limit" 'BEGIN { exit !(l < m) }' || return 1
	if [[ -z $best ]] || awk -v p="$p" -v b="$best" 'BEGIN { exit !(p > b) }'; then
		best=$p best_line=$1
	fi
	return 0
}

for w in $workers_list; do
	start_daemon "$w"
	echo
	echo "## workers = $w"
	printf '%-10s %10s %10s %10s %9s %8s %9s %6s\n' "asked pps" "sent pps" "sent" "received" "drops" "loss %" \
		"unseen %" "us/fr"
	best='' best_line='' bad='' good=''
	for rate in $rates; do
		line=$(measure "$rate")
		read -r a p sn rx dr loss pre cpu <<<"$line"
		printf '%-10s %10s %10s %10s %9s %8s %9s %6s\n' "$a" "$p" "$sn" "$rx" "$dr" "$loss" "$pre" "$cpu"
		if consider "$line"; then
			good=$rate
		else
			bad=$rate
			break
		fi
	done
	if [[ -n $bad ]]; then
		lo=${good:-0} hi=$bad
		for _ in $(seq "$bisect"); do
			mid=$(((lo + hi) / 2))
			[[ $mid -gt $lo ]] || break
			line=$(measure "$mid")
			read -r a p sn rx dr loss pre cpu <<<"$line"
			printf '%-10s %10s %10s %10s %9s %8s %9s %6s  (bisection)\n' "$a" "$p" "$sn" "$rx" "$dr" "$loss" \
				"$pre" "$cpu"
			if consider "$line"; then
				lo=$mid
			else
				hi=$mid
			fi
		done
	fi
	line=$(measure topspeed)
	read -r a p sn rx dr loss pre cpu <<<"$line"
	printf '%-10s %10s %10s %10s %9s %8s %9s %6s\n' "$a" "$p" "$sn" "$rx" "$dr" "$loss" "$pre" "$cpu"
	consider "$line" || true
	grep -E 'warning|error' "$tmp/run-$w.log" | grep -v 'running as root' | sed 's/^/# log: /' | tail -5 || true
	stop_daemon
	if [[ -n $best ]]; then
		read -r a p sn rx dr loss pre cpu <<<"$best_line"
		echo "workers $w: highest rate under $limit %: $p pps (asked $a, ring loss $loss %, not seen by the sockets $pre %)"
	else
		echo "workers $w: even the lowest rate lost $limit % or more"
	fi
done
[[ $has_workers -eq 1 ]] || echo "# workers > 1 not measured: this herkomst has no [capture] workers key"
