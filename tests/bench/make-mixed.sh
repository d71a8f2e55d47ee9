#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-mixed.sh [--from DIR] [--rename PATH | --same-hosts] OUT SIZE_MB
#
# Builds a bigger capture for manual benchmark runs out of the shared
# captures: every Ethernet capture in DIR (default: $HERKOMST_SHARED_DIR/pcaps,
# else ../shared/pcaps beside the repository) concatenated in name order into
# one repetition, and that repetition repeated until OUT holds about SIZE_MB
# megabytes (10^6 bytes; the last repetition is cut short to fit, at a packet
# boundary, and at least one whole repetition is always written).
#
# Hosts: repetition k >= 1 has its hosts renamed by pcap_rename (built beside
# the floor: BUILD/tests/bench/pcap_rename, found through --rename PATH, else
# $HERKOMST_BUILD_DIR, else ./build): MACs, IPv4 and IPv6 addresses and ARP
# fields XORed with a value of k, checksums updated (see pcap_rename.c). So
# every repetition is a network of its own and a tool meets new 5-tuples and
# new devices in each, as in a capture that big. --same-hosts repeats the
# hosts as they are (the behaviour before pcap_rename): then every tool sees
# the first repetition's flows again, and nDPI's reader, which does not
# expire flows, keeps them all. At most 256 repetitions (k <= 255).
#
# Timestamps: the first repetition keeps the original times (the shared
# captures jump back and forth in time between files, and several were
# themselves glued from older captures, so one repetition spans 1970 to
# 2076). Repetition k is shifted with editcap -t by k times that span plus one
# second, so each repetition follows the previous one in time and no flow of
# one repetition lives on into the next. That quickly passes 2106, which the
# 32-bit seconds of the pcap format cannot hold, so OUT is written as pcapng
# (64-bit timestamps), which libpcap, herkomst and ndpiReader all read.
#
# Needs editcap, mergecap and capinfos (Debian package wireshark-common).
# OUT belongs outside the repository (e.g. /tmp); never commit a capture.
set -euo pipefail

prog=${0##*/}

usage() {
	echo "usage: $prog [--from DIR] [--rename PATH | --same-hosts] OUT SIZE_MB" >&2
	exit 2
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -n ${HERKOMST_SHARED_DIR:-} ]]; then
	from=$HERKOMST_SHARED_DIR/pcaps
else
	from=$here/../../../shared/pcaps
fi
rename=''
same_hosts=0

while [[ $# -gt 0 ]]; do
	case $1 in
	--from)
		[[ $# -ge 2 ]] || usage
		from=$2
		shift 2
		;;
	--rename)
		[[ $# -ge 2 ]] || usage
		rename=$2
		shift 2
		;;
	--same-hosts) same_hosts=1; shift ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ $# -eq 2 ]] || usage
out=$1
size_mb=$2
[[ $size_mb =~ ^[0-9]+$ && $size_mb -gt 0 ]] || die "SIZE_MB must be a positive whole number: $size_mb"
[[ -d $from ]] || die "no capture directory $from (set HERKOMST_SHARED_DIR or use --from)"
from=$(cd "$from" && pwd)
for tool in editcap mergecap capinfos; do
	command -v "$tool" >/dev/null || die "$tool not found: install wireshark-common"
done
if [[ $same_hosts -eq 0 && -z $rename ]]; then
	rename=${HERKOMST_BUILD_DIR:-build}/tests/bench/pcap_rename
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hk-mixed.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

shopt -s nullglob
inputs=("$from"/*.pcap "$from"/*.pcapng)
shopt -u nullglob
[[ ${#inputs[@]} -gt 0 ]] || die "no .pcap or .pcapng files in $from"
mapfile -t inputs < <(printf '%s\n' "${inputs[@]}" | LC_ALL=C sort)

# One table row per file: name, encapsulation, packets, first, last (epoch
# seconds). capinfos exits 1 when a file is cut short but still reports the
# frames it could read, which are kept.
capinfos -T -m -E -c -a -e -S "${inputs[@]}" >"$tmp/info.csv" 2>"$tmp/info.err" || true
[[ -s $tmp/info.csv ]] || die "capinfos reported nothing: $(head -n 3 "$tmp/info.err")"

# The name is everything before the last four fields, in case it has commas.
n_used=0 n_skipped=0 t_min='' t_max=''
while IFS=$'\t' read -r file encap packets first last; do
	if [[ $encap != ether || $packets == 0 || $first == n/a ]]; then
		n_skipped=$((n_skipped + 1))
		continue
	fi
	n_used=$((n_used + 1))
	# Rewritten as plain pcap: this drops a truncated last frame (mergecap
	# would stop at it) and gives every part the same container.
	editcap -F pcap "$file" "$tmp/part-$(printf '%04d' "$n_used").pcap" 2>>"$tmp/editcap.err" ||
		die "editcap failed on $file: $(tail -n 1 "$tmp/editcap.err")"
	first=${first%%.*} last=${last%%.*}
	if [[ -z $t_min || $first -lt $t_min ]]; then t_min=$first; fi
	if [[ -z $t_max || $last -gt $t_max ]]; then t_max=$last; fi
done < <(awk -F, 'NR > 1 && NF >= 5 {
	name = $1
	for (i = 2; i <= NF - 4; i++)
		name = name "," $i
	printf "%s\t%s\t%s\t%s\t%s\n", name, $(NF - 3), $(NF - 2), $(NF - 1), $NF
}' "$tmp/info.csv")
[[ $n_used -gt 0 ]] || die "no Ethernet captures in $from"

mergecap -a -F pcap -w "$tmp/base.pcap" "$tmp"/part-*.pcap
rm -f "$tmp"/part-*.pcap
span=$((t_max - t_min + 1))
editcap -F pcapng "$tmp/base.pcap" "$tmp/rep-0.pcapng"
rep_bytes=$(stat -c %s "$tmp/rep-0.pcapng")
rep_packets=$(capinfos -T -m -r -c "$tmp/rep-0.pcapng" | awk -F, '{ print $NF }')

# Whole repetitions, then the first packets of one more, in proportion to
# the bytes still missing, so OUT comes out near SIZE_MB.
want=$((size_mb * 1000000))
n_full=$((want / rep_bytes))
[[ $n_full -ge 1 ]] || n_full=1
rest=$((want - n_full * rep_bytes))
tail_packets=0
if [[ $rest -gt 0 ]]; then
	tail_packets=$((rest * rep_packets / rep_bytes))
fi
n_reps=$n_full
if [[ $tail_packets -gt 0 ]]; then n_reps=$((n_full + 1)); fi
if [[ $same_hosts -eq 0 && $n_reps -gt 1 ]]; then
	[[ -x $rename ]] || die "no pcap_rename at $rename: build the tests (ninja -C BUILD) and give --rename BUILD/tests/bench/pcap_rename, or --same-hosts"
	[[ $n_reps -le 256 ]] || die "$size_mb MB needs $n_reps repetitions; pcap_rename has 255 renamings: ask for less, or use --same-hosts"
fi

# Repetition k: hosts renamed with k (unless --same-hosts), then moved in
# time; the last one possibly cut to its first tail_packets frames.
reps=("$tmp/rep-0.pcapng")
for ((k = 1; k < n_reps; k++)); do
	src=$tmp/base.pcap
	if [[ $same_hosts -eq 0 ]]; then
		"$rename" -q "$k" "$tmp/base.pcap" "$tmp/renamed.pcap" ||
			die "pcap_rename failed on repetition $k"
		src=$tmp/renamed.pcap
	fi
	if [[ $k -lt $n_full ]]; then
		editcap -F pcapng -t $((k * span)) "$src" "$tmp/rep-$k.pcapng"
	else
		editcap -F pcapng -r -t $((k * span)) "$src" "$tmp/rep-$k.pcapng" "1-$tail_packets"
	fi
	reps+=("$tmp/rep-$k.pcapng")
	if [[ -t 2 ]]; then printf '\r%s: repetition %d of %d' "$prog" "$((k + 1))" "$n_reps" >&2; fi
done
if [[ -t 2 && $n_reps -gt 1 ]]; then printf '\n' >&2; fi
rm -f "$tmp/renamed.pcap"
mergecap -a -F pcapng -w "$out" "${reps[@]}"

hosts='hosts renamed per repetition'
if [[ $same_hosts -eq 1 ]]; then hosts='the same hosts in each'; fi
printf '%s: %s MB, %d repetition(s) and %d packets more of %d Ethernet captures from %s (%d others skipped), each repetition shifted by %d s, %s\n' \
	"$out" "$(awk -v b="$(stat -c %s "$out")" 'BEGIN { printf "%.1f", b / 1e6 }')" \
	"$n_full" "$tail_packets" "$n_used" "$from" "$n_skipped" "$span" "$hosts"
if [[ -s $tmp/editcap.err ]]; then
	echo "$prog: editcap warnings (frames after the damage are left out):" >&2
	sed 's/^/  /' "$tmp/editcap.err" >&2
fi
