/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which worker a frame goes to: a hash of the flow it belongs to, equal for
 * both directions, computed by the reader thread before any worker decodes
 * the frame.
 *
 * For a frame that flow_table_get() would put in a flow (IPv4 or IPv6 with
 * its addresses), the hash is a function of exactly the flow key: family,
 * upper protocol, outermost VLAN, the two addresses and, when the L4 header
 * was read, the two ports, taken in a canonical order. So every packet of a
 * flow reaches the worker that holds the flow. Other frames (ARP, LLDP, CDP,
 * PROFINET DCP, ...) have no flow state; their hash is one of the MAC pair,
 * which only spreads them.
 */
#ifndef HERKOMST_FLOWHASH_H
#define HERKOMST_FLOWHASH_H

#include <stdint.h>

#include "herkomst/packet.h"

/*
 * The hash of one raw frame. Reads only the link, IP and L4 port fields
 * through the bounded cursor; frames it does not read on its fast path
 * (other link types, IPv6 extension headers, fragments, truncated or
 * inconsistent headers) are decoded whole with decode_frame(), so the answer
 * is always decode_pkt_flow_hash() of the decoded frame.
 */
uint64_t decode_flow_hash(int linktype, const uint8_t *data, uint32_t caplen);

/* The same hash of a decoded frame. */
uint64_t decode_pkt_flow_hash(const struct hk_pkt *p);

#endif
