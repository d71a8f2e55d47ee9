/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Link, network and transport headers of one frame into a struct hk_pkt.
 * Reads bytes only through the bounded cursor. Every rejection has a named
 * counter (Suricata's decode events are the model).
 */
#ifndef HERKOMST_DECODE_H
#define HERKOMST_DECODE_H

#include <stdint.h>

#include "herkomst/packet.h"

enum decode_event {
	DEC_EV_LINKTYPE_UNSUPPORTED = 0,
	DEC_EV_ETH_TRUNC,
	DEC_EV_VLAN_TOO_DEEP,
	DEC_EV_SLL_TRUNC,
	DEC_EV_NULL_TRUNC,
	DEC_EV_ARP_TRUNC,
	DEC_EV_ARP_UNSUPPORTED,
	DEC_EV_IPV4_TRUNC,
	DEC_EV_IPV4_BAD_VERSION,
	DEC_EV_IPV4_BAD_HLEN,
	DEC_EV_IPV4_BAD_TOTLEN,
	DEC_EV_IPV4_FRAGMENT,
	DEC_EV_IPV6_TRUNC,
	DEC_EV_IPV6_BAD_VERSION,
	DEC_EV_IPV6_EXT_TRUNC,
	DEC_EV_IPV6_EXT_TOO_MANY,
	DEC_EV_IPV6_FRAGMENT,
	DEC_EV_TCP_TRUNC,
	DEC_EV_TCP_BAD_HLEN,
	DEC_EV_UDP_TRUNC,
	DEC_EV_UDP_BAD_LEN,
	DEC_EV_ICMP_TRUNC,
	DEC_EV_LLC_TRUNC,
	DEC_EV__MAX
};

#define DECODE_IPV6_EXT_MAX 8 /* extension headers walked before giving up */

struct decode_stats {
	uint64_t frames;
	uint64_t events[DEC_EV__MAX];
};

const char *decode_event_name(enum decode_event ev);

/*
 * Decodes one frame of the given DLT. Always fills what it could (a packet
 * with a bad TCP header still has its IPs). Returns 0, or -1 when the link
 * type is not supported (counted once per call in stats).
 * Supported: DLT_EN10MB (802.1Q, 802.1ad, QinQ, 802.3/LLC/SNAP),
 * DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW / LINKTYPE_RAW(101) / IPV4(228) /
 * IPV6(229), DLT_NULL and DLT_LOOP (BSD loopback, either byte order).
 */
int decode_frame(int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		 uint64_t ts_usec, struct hk_pkt *ret, struct decode_stats *stats);

bool decode_linktype_supported(int linktype);

#endif
