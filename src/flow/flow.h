/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bounded flow table. A flow is the 5-tuple (plus the outermost VLAN)
 * keyed symmetrically: endpoint 0 is the lower (address, port), so both
 * directions find one flow and a symmetric hash can later pick one worker.
 * Flows expire after an idle time measured in packet time (so file mode and
 * live mode behave alike); when the table is full the least recently seen
 * flow is evicted and counted.
 */
#ifndef HERKOMST_FLOW_H
#define HERKOMST_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/obs.h"
#include "herkomst/packet.h"

#define FLOW_MAX_DEFAULT 262144u
#define FLOW_IDLE_USEC_DEFAULT (120u * 1000000u)
#define FLOW_PROTO_NAME_MAX 32

enum flow_client_basis {
	FLOW_CLIENT_UNKNOWN = 0,
	FLOW_CLIENT_SYN,    /* sent the SYN */
	FLOW_CLIENT_SYNACK, /* the other side sent the SYN+ACK */
	FLOW_CLIENT_PORT,   /* the other side used a well-known or lower port */
	FLOW_CLIENT_FIRST,  /* sent the first packet we saw */
};

enum flow_dpi_state {
	FLOW_DPI_PENDING = 0, /* still feeding nDPI */
	FLOW_DPI_DONE,        /* nDPI decided (or gave up); no more packets go to it */
};

struct flow_key {
	uint8_t ip[2][16];
	uint16_t port[2];
	uint8_t family;
	uint8_t proto;
	uint16_t vlan;
};

struct flow {
	struct flow_key key;
	uint64_t hash;
	struct flow *lru_prev, *lru_next; /* oldest at the head */

	uint64_t first_seen, last_seen;
	uint64_t pkts[2], bytes[2];       /* sent by key endpoint 0 / 1 */
	struct hk_endpoint ep[2];         /* MAC (when on this segment) and IP of each endpoint */
	bool ep_sent[2];                  /* ep[i] came from a packet it sent */
	int8_t client;                    /* key endpoint index of the client, -1 unknown */
	uint8_t client_basis;             /* enum flow_client_basis */
	uint8_t tcp_flags_seen[2];

	uint8_t dpi_state;
	bool dpi_guessed;
	bool reported_client, reported_service; /* observations made of the verdict */
	bool reported_peer;
	uint16_t dpi_pkts;
	void *dpi;                        /* opaque nDPI state; NULL once done */
	char proto_name[FLOW_PROTO_NAME_MAX]; /* "" until decided; "Unknown" */

	/* protocol parsing (the pipeline decides; the flow owns the memory): a
	 * TCP flow's streams, and the parser of a TCP or UDP flow looked up once */
	const void *parser;               /* const struct proto_entry *, NULL: none */
	bool parser_checked;              /* port lookup done */
	bool parser_by_ndpi_checked;
	bool parser_by_port;              /* chosen by port: nDPI's verdict may replace it */
	bool parser_understood;           /* the parser took a datagram or PDU as its protocol */
	bool parse_done[2];               /* per direction */
	struct flow_stream *stream[2];

	/* pipeline-owned and opaque here, like parser and dpi: the inventory
	 * nodes of each key endpoint once a packet between two stations was
	 * counted (a struct inv_station's three pointers, the pipeline's
	 * shortcut past inv_packet's lookups); the table only zeroes them */
	void *inv_ep[2][3];
};

struct flow_stats {
	uint64_t created, expired, evicted, flushed;
	uint64_t active, peak_active;
};

/*
 * The clock flows are ended by: packet time, kept as the latest time seen,
 * with an epoch that counts backward jumps by more than the idle time (the
 * next capture file of a run is older, a clock was reset). A flow ends when
 * the clock passes its last packet by more than the idle time, and every
 * flow ends when the epoch changes.
 *
 * One thread keeps the clock over every frame, in reading order, and the
 * flow tables are told its value with each packet (flow_table_advance).
 * With several workers the reader owns it and stamps each frame, so a
 * worker that sees only some flows still ends them at the same packets as
 * a single worker that sees all: flow boundaries (and so the observations
 * made of flows) do not depend on how flows were spread over workers.
 */
struct flow_clock {
	uint64_t now;   /* latest packet time of this epoch */
	uint64_t epoch; /* incremented on each backward jump */
	bool started;
};

/* Moves the clock to a frame's time; returns true when a new epoch began. */
bool flow_clock_advance(struct flow_clock *c, uint64_t ts_usec, uint64_t idle_usec);

typedef void (*flow_end_fn)(struct flow *f, void *userdata);

struct flow_table;

/* end is called for every flow that leaves the table (expiry, eviction, flush). */
struct flow_table *flow_table_new(size_t max_flows, uint64_t idle_usec, flow_end_fn end, void *userdata);
struct flow_table *flow_table_free(struct flow_table *ft); /* flushes first */

/*
 * The flow of an IPv4/IPv6 packet, created if new. *ret_dir is the key
 * endpoint index of the sender. A flow found idle for longer than the idle
 * time before the table's clock ends here (counted as expired) and a new
 * one starts, whether or not an expiry walk came by first: that keeps flow
 * boundaries independent of when walks happen. NULL for packets that are
 * not IP, or when memory runs out (counted in the caller's stats by the NULL).
 */
struct flow *flow_table_get(struct flow_table *ft, const struct hk_pkt *p, int *ret_dir, bool *ret_new);

/*
 * Brings the table to a flow_clock reading, before the packet read at that
 * reading is looked up: a new epoch ends every flow (expired); then, at most
 * once per second of clock, flows idle for longer than the idle time end.
 * The walk only frees memory early: flow_table_get ends such a flow anyway.
 */
void flow_table_advance(struct flow_table *ft, uint64_t epoch, uint64_t now_usec);

/* Ends flows idle for longer than the idle time before now_usec (a wall
 * clock tick on an idle link); the clock only moves forward here. */
void flow_table_expire(struct flow_table *ft, uint64_t now_usec);
/* Ends every flow (end of input); those idle by the clock count as expired,
 * the others as flushed. */
void flow_table_flush(struct flow_table *ft);
const struct flow_stats *flow_table_stats(const struct flow_table *ft);

/* Port of the server endpoint (when the client is known), else 0. */
uint16_t flow_server_port(const struct flow *f);
const char *flow_proto_l4_name(uint8_t ip_proto); /* "tcp", "udp", "icmp", ... */

#endif
