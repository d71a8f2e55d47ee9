/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capture sources behind one interface: pcap and pcapng files (or standard
 * input), later live interfaces. Packet memory is lent for one callback.
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

#endif
