/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One direction of a TCP stream, kept only while a parser wants it: the
 * in-order bytes from where we joined, bounded by cap. No reassembly across
 * gaps: a hole ends the stream for parsing (counted), which is enough for
 * banners and request/response PDUs and keeps memory bounded.
 *
 * The buffer is allocated as bytes arrive, doubling from STREAM_ALLOC_MIN up
 * to cap, and a framed stream gives it back whenever its PDUs have all been
 * consumed: a long-lived Modbus or S7 connection holds no buffer between
 * PDUs instead of two windows of up to 16 KiB (docs/performance.md).
 */
#ifndef HERKOMST_STREAM_H
#define HERKOMST_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/parser.h"

struct flow_stream {
	uint32_t next_seq;
	bool seq_known;
	bool gap;       /* bytes were missing: nothing after them is appended */
	bool full;      /* cap reached */
	uint32_t len;   /* bytes in buf */
	uint32_t cap;   /* the window: the most buf may hold */
	uint32_t alloc; /* bytes allocated at buf */
	uint64_t total; /* bytes appended over the stream's life */
	uint8_t *buf;   /* NULL while nothing is held */
};

struct flow_stream *stream_new(uint32_t cap);
struct flow_stream *stream_free(struct flow_stream *s);

/*
 * Appends a segment's payload at sequence number seq (syn: the segment had
 * SYN, so data starts at seq+1). Retransmitted bytes are skipped; a segment
 * beyond next_seq sets gap. Returns the number of new bytes appended.
 */
size_t stream_add(struct flow_stream *s, uint32_t seq, bool syn, const uint8_t *data, size_t len);

/* Length of the complete PDU at the front for framing f: >0 complete, 0 need
 * more, <0 the bytes are not of that framing. */
long stream_pdu_len(const struct flow_stream *s, enum hk_framing f);

/* The same for bytes at data that s does not hold, with s's window. */
long stream_pdu_len_at(const struct flow_stream *s, const uint8_t *data, size_t len, enum hk_framing f);

/*
 * When s holds nothing and a segment at seq without SYN continues it in order
 * and is whole PDUs of framing f, each no longer than the window, end to
 * end: true. Then those PDUs can be parsed where they lie, and
 * stream_took(s, seq, len) moves the stream past them, to the state that
 * appending them and consuming each would leave (docs/performance.md,
 * session 5).
 */
bool stream_whole_pdus(const struct flow_stream *s, uint32_t seq, bool syn, const uint8_t *data, size_t len,
		       enum hk_framing f);
void stream_took(struct flow_stream *s, uint32_t seq, size_t len);

/* Grows (never shrinks) a stream's window to cap, keeping its bytes; returns
 * the stream (maybe moved), or NULL with the old one intact. */
struct flow_stream *stream_resize(struct flow_stream *s, uint32_t cap);

/* Drops n bytes from the front (a framed PDU that was parsed). */
void stream_consume(struct flow_stream *s, size_t n);

#endif
