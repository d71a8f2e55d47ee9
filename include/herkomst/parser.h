/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract of a protocol parser (src/proto/<name>.c): bytes in through a
 * bounded cursor, observations out. No globals, no malloc, no logging, no
 * access to the inventory or the database; so each parser is unit-testable,
 * fuzzable and replaceable.
 *
 * Datagram protocols (UDP, layer 2) get one payload per call. TCP protocols
 * get the bytes of one direction of a stream: banner protocols the first
 * bytes of the stream (at most HK_STREAM_WINDOW_MAX, growing call by call
 * until the parser says OK or MALFORMED), length-framed protocols one whole
 * PDU per call (the flow layer frames them; see enum hk_framing).
 */
#ifndef HERKOMST_PARSER_H
#define HERKOMST_PARSER_H

#include <stdbool.h>
#include <stdint.h>

#include "herkomst/cursor.h"
#include "herkomst/obs.h"
#include "herkomst/packet.h"

enum hk_parse_result {
	HK_PARSE_OK = 0,    /* understood; observations (if any) are in the sink */
	HK_PARSE_NOMATCH,   /* not this protocol */
	HK_PARSE_TRUNCATED, /* ran out of bytes: a stream parser is called again with more */
	HK_PARSE_MALFORMED, /* bytes present but self-contradictory */
	HK_PARSE__MAX
};

/* Bytes of one stream direction kept for banner parsers. */
#define HK_STREAM_WINDOW_MAX 8192u

enum hk_framing {
	HK_FRAME_NONE = 0,  /* datagram, or banner: the window from the stream start */
	HK_FRAME_TPKT,      /* RFC 1006: 03 00 LEN16 (S7comm, MMS, ...) */
	HK_FRAME_MBAP,      /* Modbus/TCP: length at offset 4, + 6 */
	HK_FRAME_ENIP,      /* EtherNet/IP encapsulation: length at offset 2 (LE), + 24 */
	HK_FRAME_TLS,       /* TLS records: length at offset 3, + 5 */
	HK_FRAME_BE32,      /* 4-byte big-endian length prefix (+ 4) */
};

struct hk_parse_ctx {
	uint8_t l4;            /* 6 TCP, 17 UDP, 0 layer 2 */
	uint16_t sport, dport; /* of this packet / stream direction */
	bool from_client;      /* the sender is the flow's client (as far as known) */
	bool client_known;
	uint16_t ethertype;    /* layer 2 parsers */
	struct hk_addr src_ip, dst_ip; /* of this packet / stream direction (family 0 on layer 2) */
	const char *ndpi;      /* nDPI's name for the flow, "" while undecided */
	uint64_t ts_usec;
	bool final;            /* stream banner mode: no more bytes will come (window full,
				  a gap, or the flow ended) — say what you have, even if
				  you return TRUNCATED */
};

typedef enum hk_parse_result (*hk_parse_fn)(struct hk_cur *c, const struct hk_parse_ctx *ctx,
					    struct hk_obs_sink *out);

const char *hk_parse_result_name(enum hk_parse_result r);

#endif
