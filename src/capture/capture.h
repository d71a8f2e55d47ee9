/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capture sources behind one interface: pcap and pcapng files (or standard
 * input) and live interfaces (live.c). Packet memory is lent for one callback.
 */
#ifndef HERKOMST_CAPTURE_H
#define HERKOMST_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct cap_source;

struct cap_frame {
	uint64_t ts_usec;
	uint32_t caplen;
	uint32_t wirelen;
	int linktype; /* DLT_* of the interface this frame came from */
	const uint8_t *data; /* valid until the next cap_next() */
};

enum cap_next_result {
	CAP_FRAME = 1,      /* *ret_frame is filled */
	CAP_EOF = 0,        /* clean end of the capture */
	CAP_ETRUNCATED = -1, /* the file ends inside a record: what was read stands */
	CAP_EERROR = -2,    /* read error; cap_error() says what */
	CAP_AGAIN = 2,      /* live only: no frame now; poll cap_fd() and call again */
};

/*
 * Opens a capture file ("-" is standard input). On failure returns NULL and
 * writes a user-facing message (naming the file and what to do) to errbuf.
 */
struct cap_source *cap_open_file(const char *path, char *errbuf, size_t errsz);
/*
 * The same with flags. A regular file is read by herkomst's own reader
 * (capture/pcapmap.h: one copy of each byte, the kernel's, where libpcap
 * makes two) unless CAP_OPEN_LIBPCAP is given or that reader leaves the
 * file to libpcap; standard input and pipes always go through libpcap.
 * Both readers give the same frames, and the same end.
 */
#define CAP_OPEN_LIBPCAP 1u
struct cap_source *cap_open_file_flags(const char *path, unsigned flags, char *errbuf, size_t errsz);
/* True when herkomst's reader reads s, false for libpcap. */
bool cap_own_reader(const struct cap_source *s);

enum cap_next_result cap_next(struct cap_source *s, struct cap_frame *ret_frame);

/* What went wrong on CAP_EERROR / CAP_ETRUNCATED, for the user. */
const char *cap_error(const struct cap_source *s);

/* The file's primary DLT (pcapng: of its first interface) and its name. */
int cap_linktype(const struct cap_source *s);
const char *cap_linktype_name(int linktype);
const char *cap_format(const struct cap_source *s); /* "pcap", "pcapng" */

/* Progress: bytes consumed so far and the file size (0 when unknown: a pipe).
 * From the thread that reads s only: its FILE is read without stdio's lock. */
uint64_t cap_bytes_read(const struct cap_source *s);
uint64_t cap_bytes_total(const struct cap_source *s);

struct cap_source *cap_close(struct cap_source *s); /* returns NULL; accepts NULL */

/*
 * Live interfaces. cap_open_live() opens ifname for capture (libpcap: snaplen,
 * promiscuous mode, a kernel ring of buffer_mb MiB, a read timeout of
 * CAP_LIVE_TIMEOUT_MS so the ring hands over frames in batches, and the BPF
 * filter bpf when it is not NULL or empty) and puts it in non-blocking mode:
 * cap_next() returns CAP_AGAIN when nothing is waiting, and cap_fd() is a
 * descriptor to poll(2) for more. Needs CAP_NET_RAW (and CAP_NET_ADMIN for
 * promiscuous mode) only while opening; the open socket keeps working after
 * privileges are dropped. On failure NULL and a message naming the interface
 * and what to do; on success errbuf is empty or holds a warning from libpcap
 * (promiscuous mode not supported, ...) for the caller to log.
 */
#define CAP_LIVE_TIMEOUT_MS 100
#define CAP_LIVE_SNAPLEN_MAX 262144u
#define CAP_LIVE_BUFFER_MB_MAX 2047u /* libpcap takes the size in bytes as an int */

struct cap_source *cap_open_live(const char *ifname, unsigned snaplen, bool promisc, unsigned buffer_mb,
				 const char *bpf, char *errbuf, size_t errsz);

int cap_fd(const struct cap_source *s); /* -1 for files */
bool cap_is_live(const struct cap_source *s);
const char *cap_name(const struct cap_source *s); /* the path or interface name */

/*
 * Live interfaces through AF_PACKET directly (afpacket.c): a TPACKET_V3 ring
 * of ring_mb MiB mapped into the process (frames are read in place: zero
 * copy), in a PACKET_FANOUT_HASH group so that several sockets on one
 * interface (one per worker) each receive whole flows, both directions.
 *
 * Worker 0 opens with fanout_group 0 (the kernel picks an id no other
 * group has) or a configured id; workers 1.. pass the id cap_afpacket_info()
 * reports for worker 0's socket, and the same other options. Only
 * Ethernet interfaces (ARPHRD_ETHER); frames come as DLT_EN10MB with an
 * outer VLAN tag the kernel took off put back; outgoing frames are skipped.
 * Non-blocking like cap_open_live(): CAP_AGAIN when no block of the ring is
 * ready, cap_fd() to poll. Opening needs CAP_NET_RAW only (promiscuous mode
 * included). On failure NULL and a message naming the interface and what to
 * do.
 */
#define CAP_AFP_RING_MB_MAX 2047u
#define CAP_AFP_BLOCK_TIMEOUT_MS 100 /* a block is handed over at the latest after this */

struct cap_afpacket_opts {
	unsigned snaplen;      /* 1..CAP_LIVE_SNAPLEN_MAX bytes kept of each frame */
	bool promisc;
	unsigned ring_mb;      /* 1..CAP_AFP_RING_MB_MAX MiB of ring for this socket */
	const char *bpf;       /* pcap-filter(7) expression; NULL or "": every frame */
	uint16_t fanout_group; /* 0: a new group with an unused id (worker 0 only) */
	unsigned worker;       /* this socket's index in the group, for messages and counters */
	bool defrag;           /* PACKET_FANOUT_FLAG_DEFRAG: IPv4 fragments reassembled before the hash */
};

struct cap_afpacket_info {
	unsigned block_size, n_blocks; /* the ring's geometry */
	uint16_t fanout_group;         /* the group's id, for the other workers */
};

struct cap_source *cap_open_afpacket(const char *ifname, const struct cap_afpacket_opts *o, char *errbuf,
				     size_t errsz);
/* 0, or -ENOTSUP for a source that is not an AF_PACKET one. */
int cap_afpacket_info(const struct cap_source *s, struct cap_afpacket_info *ret);
/* True when a filter expression uses the 'vlan' primitive, which cannot
 * match on an AF_PACKET socket (the kernel takes the tag off first). */
bool cap_afpacket_bpf_has_vlan(const char *bpf);
/* Why such a filter is refused and what to do, for the messages of the
 * configuration check and of cap_open_afpacket alike. */
#define CAP_AFP_VLAN_WHY                                                                                    \
	"uses 'vlan', which cannot match with capture = afpacket: the kernel takes the outer VLAN tag off a " \
	"frame before the filter runs (a filter without 'vlan' matches tagged and untagged frames alike). "   \
	"Filter on what is inside the tag, or set [capture] capture = pcap"

/* The counters of a live source since it was opened, 64-bit (libpcap's wrap
 * at 2^32 and AF_PACKET's are reset by every read: both are summed here).
 * May be called from another thread than cap_next() on the same source, but
 * not from two at once. */
struct cap_live_stats {
	uint64_t received;     /* frames the filter passed, those dropped included (ps_recv, tp_packets) */
	uint64_t drops_ring;   /* the capture ring was full: we were too slow (ps_drop, tp_drops) */
	uint64_t drops_if;     /* dropped by the interface or driver: ps_ifdrop; for AF_PACKET the
				* interface's rx_missed_errors + rx_fifo_errors since the open, worker 0 only */
	uint64_t ring_freezes; /* AF_PACKET: times every block of the ring was ours and the kernel's
				* queue froze (tp_freeze_q_cnt); 0 for libpcap */
};

/* 0, or a negative errno (-ENOTSUP for files; -EIO with cap_error() set). */
int cap_live_stats(struct cap_source *s, struct cap_live_stats *ret);

#endif
