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

enum cap_next_result cap_next(struct cap_source *s, struct cap_frame *ret_frame);

/* What went wrong on CAP_EERROR / CAP_ETRUNCATED, for the user. */
const char *cap_error(const struct cap_source *s);

/* The file's primary DLT (pcapng: of its first interface) and its name. */
int cap_linktype(const struct cap_source *s);
const char *cap_linktype_name(int linktype);
const char *cap_format(const struct cap_source *s); /* "pcap", "pcapng" */

/* Progress: bytes consumed so far and the file size (0 when unknown: a pipe). */
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

/* libpcap's counters of a live source since it was opened, 64-bit (they wrap
 * at 2^32 inside libpcap; read them more often than that). */
struct cap_live_stats {
	uint64_t received;   /* frames the filter passed (ps_recv) */
	uint64_t drops_ring; /* the capture ring was full: we were too slow (ps_drop) */
	uint64_t drops_if;   /* dropped by the interface or driver (ps_ifdrop) */
};

/* 0, or a negative errno (-ENOTSUP for files; -EIO with cap_error() set). */
int cap_live_stats(struct cap_source *s, struct cap_live_stats *ret);

#endif
