/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A decoded ARP reply for the unit tests that feed the inventory: mac says
 * it has ip, sent to to_mac at ts.
 */
#ifndef HERKOMST_TEST_ARP_FIXTURE_H
#define HERKOMST_TEST_ARP_FIXTURE_H

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "herkomst/packet.h"

static inline struct hk_pkt test_arp_reply(uint64_t ts, const uint8_t *mac, const char *ip, const uint8_t *to_mac)
{
	struct hk_pkt p;
	struct hk_addr a;

	ck_assert_msg(hk_addr_parse(ip, &a) && a.family == 4, "bad test address %s", ip);
	memset(&p, 0, sizeof(p));
	p.ts_usec = ts;
	p.caplen = p.wirelen = 60;
	p.has_mac = p.has_dst_mac = true;
	memcpy(p.src_mac, mac, 6);
	memcpy(p.dst_mac, to_mac, 6);
	p.ethertype = 0x0806;
	p.l3 = HK_L3_ARP;
	p.arp.op = 2;
	memcpy(p.arp.sha, mac, 6);
	memcpy(p.arp.spa, a.a, 4);
	return p;
}

#endif
