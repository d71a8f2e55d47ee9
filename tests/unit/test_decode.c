/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/decode: hand-built frames with every byte explained, every truncated
 * prefix of each in an exactly-sized heap buffer (AddressSanitizer then
 * catches a one-byte over-read), lying length fields, limits at 0, MAX and
 * MAX+1. Also the MAC/IP helpers of herkomst/packet.h (src/core/addr.c).
 */
#include <arpa/inet.h>
#include <check.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "herkomst/packet.h"

/* ---- frames ------------------------------------------------------------- */

/* Ethernet II + IPv4 + TCP with timestamp options + 5 payload bytes (71). */
static const uint8_t eth_ipv4_tcp[] = {
	/* Ethernet II, offset 0 */
	0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56, /* dst 00:1b:1b:12:34:56 */
	0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef, /* src 00:0c:29:ab:cd:ef */
	0x08, 0x00,                         /* type IPv4 */
	/* IPv4, offset 14 */
	0x45,                   /* version 4, IHL 5 (20 bytes) */
	0x00,                   /* DSCP/ECN */
	0x00, 0x39,             /* total length 57 = 20 + 32 + 5 */
	0x12, 0x34,             /* identification 0x1234 */
	0x40, 0x00,             /* DF, fragment offset 0 */
	0x40,                   /* TTL 64 */
	0x06,                   /* protocol TCP */
	0x00, 0x00,             /* checksum (not verified) */
	0xc0, 0xa8, 0x00, 0x0a, /* src 192.168.0.10 */
	0xc0, 0xa8, 0x00, 0x01, /* dst 192.168.0.1 */
	/* TCP, offset 34 */
	0xc3, 0x50,             /* sport 50000 */
	0x00, 0x66,             /* dport 102 (ISO-TSAP) */
	0x00, 0x00, 0x00, 0x01, /* seq 1 */
	0x00, 0x00, 0x00, 0x02, /* ack 2 */
	0x80, 0x18,             /* data offset 8 (32 bytes), flags PSH|ACK */
	0x01, 0x00,             /* window 256 */
	0x00, 0x00, 0x00, 0x00, /* checksum, urgent pointer */
	0x01, 0x01, 0x08, 0x0a, /* NOP, NOP, timestamps (kind 8, length 10) */
	0x00, 0x00, 0x00, 0x01, /* TSval 1 */
	0x00, 0x00, 0x00, 0x02, /* TSecr 2 */
	/* payload, offset 66 */
	'h', 'e', 'l', 'l', 'o',
};

/* 802.1Q VLAN 100 + IPv4 + UDP (BACnet/IP broadcast) + 6 bytes (52). */
static const uint8_t eth_vlan_ipv4_udp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* dst broadcast */
	0x00, 0x1b, 0x1b, 0xaa, 0xbb, 0xcc, /* src */
	0x81, 0x00,                         /* TPID 802.1Q */
	0xa0, 0x64,                         /* TCI: PCP 5, DEI 0, VID 100 */
	0x08, 0x00,                         /* type IPv4 */
	/* IPv4, offset 18 */
	0x45, 0x00, 0x00, 0x22, /* v4, IHL 5, TOS 0, total length 34 = 20 + 8 + 6 */
	0x00, 0x01, 0x00, 0x00, /* id 1, no fragment */
	0x80, 0x11, 0x00, 0x00, /* TTL 128, UDP, checksum */
	0x0a, 0x00, 0x00, 0x05, /* src 10.0.0.5 */
	0x0a, 0x00, 0x00, 0xff, /* dst 10.0.0.255 */
	/* UDP, offset 38 */
	0xba, 0xc0, 0xba, 0xc0, /* sport 47808, dport 47808 */
	0x00, 0x0e, 0x00, 0x00, /* length 14 = 8 + 6, checksum */
	/* payload, offset 46 */
	0x81, 0x0b, 0x00, 0x06, 0x01, 0x20,
};

/* 802.1ad S-tag 200 + 802.1Q C-tag 100 + IPv4 + ICMP echo request (54). */
static const uint8_t eth_qinq_ipv4_icmp[] = {
	0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56, /* dst */
	0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef, /* src */
	0x88, 0xa8, 0x00, 0xc8,             /* 802.1ad S-tag, VID 200 */
	0x81, 0x00, 0x00, 0x64,             /* 802.1Q C-tag, VID 100 */
	0x08, 0x00,                         /* type IPv4 */
	/* IPv4, offset 22 */
	0x45, 0x00, 0x00, 0x20, /* total length 32 = 20 + 4 + 8 */
	0xab, 0xcd, 0x00, 0x00, /* id 0xabcd */
	0x40, 0x01, 0x00, 0x00, /* TTL 64, ICMP */
	0xc0, 0xa8, 0x01, 0x01, /* src 192.168.1.1 */
	0xc0, 0xa8, 0x01, 0x02, /* dst 192.168.1.2 */
	/* ICMP, offset 42 */
	0x08, 0x00, 0x00, 0x00, /* type 8 echo request, code 0, checksum */
	/* body, offset 46 */
	0x12, 0x34, 0x00, 0x01, /* identifier, sequence */
	0xde, 0xad, 0xbe, 0xef, /* data */
};

/* ARP reply, Ethernet/IPv4, unpadded as a sending host captures it (42). */
static const uint8_t eth_arp_reply[] = {
	0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef, /* dst */
	0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56, /* src */
	0x08, 0x06,                         /* type ARP */
	/* ARP, offset 14 */
	0x00, 0x01,                         /* hardware type Ethernet */
	0x08, 0x00,                         /* protocol type IPv4 */
	0x06, 0x04,                         /* hlen 6, plen 4 */
	0x00, 0x02,                         /* op reply */
	0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56, /* sender MAC */
	0xc0, 0xa8, 0x00, 0x01,             /* sender IP 192.168.0.1 */
	0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef, /* target MAC */
	0xc0, 0xa8, 0x00, 0x0a,             /* target IP 192.168.0.10 */
};

/* IPv6 + hop-by-hop + fragment (first, M=1) + UDP (DHCPv6) + 8 bytes (86). */
static const uint8_t eth_ipv6_hbh_frag_udp[] = {
	0x33, 0x33, 0x00, 0x01, 0x00, 0x02, /* dst 33:33:00:01:00:02 */
	0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef, /* src */
	0x86, 0xdd,                         /* type IPv6 */
	/* IPv6, offset 14 */
	0x60, 0x00, 0x00, 0x00, /* version 6, traffic class 0, flow 0 */
	0x00, 0x20,             /* payload length 32 = 8 + 8 + 8 + 8 */
	0x00,                   /* next header: hop-by-hop */
	0x01,                   /* hop limit 1 */
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x0c, 0x29, 0xff, 0xfe, 0xab, 0xcd, 0xef, /* src fe80::20c:29ff:feab:cdef */
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x02, /* dst ff02::1:2 */
	/* hop-by-hop, offset 54 */
	0x2c, 0x00,             /* next: fragment (44), length 0 (8 bytes) */
	0x05, 0x02, 0x00, 0x00, /* router alert, 2 bytes, MLD */
	0x01, 0x00,             /* PadN, 0 bytes */
	/* fragment, offset 62 */
	0x11, 0x00,             /* next: UDP, reserved */
	0x00, 0x01,             /* offset 0, M=1: the first of several */
	0x00, 0x00, 0x12, 0x34, /* identification */
	/* UDP, offset 70 */
	0x02, 0x22, 0x02, 0x23, /* sport 546, dport 547 */
	0x00, 0x64, 0x00, 0x00, /* length 100: reaches into later fragments */
	/* payload, offset 78 */
	0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x0e,
};

/* IPv6 + ICMPv6 Neighbor Advertisement with a target MAC option (86). */
static const uint8_t eth_ipv6_icmpv6_na[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, /* dst 33:33:00:00:00:01 */
	0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56, /* src */
	0x86, 0xdd,                         /* type IPv6 */
	/* IPv6, offset 14 */
	0x60, 0x00, 0x00, 0x00, /* version 6 */
	0x00, 0x20,             /* payload length 32 */
	0x3a, 0xff,             /* next ICMPv6, hop limit 255 */
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x1b, 0x1b, 0xff, 0xfe, 0x12, 0x34, 0x56, /* src fe80::21b:1bff:fe12:3456 */
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, /* dst ff02::1 */
	/* ICMPv6, offset 54 */
	0x88, 0x00, 0x00, 0x00, /* type 136 NA, code 0, checksum */
	/* body, offset 58 */
	0x20, 0x00, 0x00, 0x00, /* flags: override */
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x1b, 0x1b, 0xff, 0xfe, 0x12, 0x34, 0x56, /* target */
	0x02, 0x01, 0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56, /* option 2 (target MAC), 8 bytes */
};

/* 802.3 + LLC + SNAP carrying a CDP-like PDU (40). */
static const uint8_t eth_llc_snap_cdp[] = {
	0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc, /* dst CDP multicast */
	0x00, 0x1b, 0x0c, 0x11, 0x22, 0x33, /* src */
	0x00, 0x1a,                         /* 802.3 length 26 = 3 + 5 + 18 */
	/* LLC, offset 14 */
	0xaa, 0xaa, 0x03, /* DSAP SNAP, SSAP SNAP, control UI */
	/* SNAP, offset 17 */
	0x00, 0x00, 0x0c, /* OUI Cisco */
	0x20, 0x00,       /* PID CDP */
	/* CDP, offset 22 */
	0x02, 0xb4, 0x00, 0x00,                   /* version 2, TTL 180, checksum */
	0x00, 0x01, 0x00, 0x07, 'S', 'W', '1',    /* Device ID, length 7 */
	0x00, 0x05, 0x00, 0x07, '1', '.', '0',    /* Software version, length 7 */
};

/* Linux cooked v1 + IPv4 + UDP (NTP) + 8 bytes (52). */
static const uint8_t sll_ipv4_udp[] = {
	0x00, 0x00,                                     /* packet type: to us */
	0x00, 0x01,                                     /* ARPHRD_ETHER */
	0x00, 0x06,                                     /* address length 6 */
	0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef, 0x00, 0x00, /* sender MAC, 2 pad */
	0x08, 0x00,                                     /* protocol IPv4 */
	/* IPv4, offset 16 */
	0x45, 0x00, 0x00, 0x24, /* total length 36 = 20 + 8 + 8 */
	0x00, 0x02, 0x00, 0x00, /* id 2 */
	0x40, 0x11, 0x00, 0x00, /* TTL 64, UDP */
	0xc0, 0xa8, 0x00, 0x0a, /* src 192.168.0.10 */
	0xc0, 0xa8, 0x00, 0x01, /* dst 192.168.0.1 */
	/* UDP, offset 36 */
	0x00, 0x7b, 0x00, 0x7b, /* 123 -> 123 */
	0x00, 0x10, 0x00, 0x00, /* length 16 */
	/* payload, offset 44 */
	0xe3, 0x00, 0x06, 0xec, 0x00, 0x00, 0x00, 0x00,
};

/* Linux cooked v2 + IPv6 + TCP SYN (80). */
static const uint8_t sll2_ipv6_tcp[] = {
	0x86, 0xdd,                                     /* protocol IPv6 */
	0x00, 0x00,                                     /* reserved */
	0x00, 0x00, 0x00, 0x02,                         /* interface index 2 */
	0x00, 0x01,                                     /* ARPHRD_ETHER */
	0x04,                                           /* packet type: outgoing */
	0x06,                                           /* address length 6 */
	0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef, 0x00, 0x00, /* sender MAC, 2 pad */
	/* IPv6, offset 20 */
	0x60, 0x00, 0x00, 0x00,
	0x00, 0x14, 0x06, 0x40, /* payload length 20, TCP, hop limit 64 */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, /* 2001:db8::1 */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, /* 2001:db8::2 */
	/* TCP, offset 60 */
	0xc3, 0x50, 0x01, 0xbb, /* 50000 -> 443 */
	0x00, 0x00, 0x00, 0x64, /* seq 100 */
	0x00, 0x00, 0x00, 0x00, /* ack 0 */
	0x50, 0x02, 0xfa, 0xf0, /* data offset 5, SYN, window 64240 */
	0x00, 0x00, 0x00, 0x00, /* checksum, urgent */
};

/* Raw IPv4 (DLT_RAW) + UDP (DNS) + 1 byte (29). */
static const uint8_t raw_ipv4_udp[] = {
	0x45, 0x00, 0x00, 0x1d, /* total length 29 */
	0x00, 0x03, 0x00, 0x00, /* id 3 */
	0x40, 0x11, 0x00, 0x00, /* TTL 64, UDP */
	0x7f, 0x00, 0x00, 0x01, /* src 127.0.0.1 */
	0x7f, 0x00, 0x00, 0x01, /* dst 127.0.0.1 */
	/* UDP, offset 20 */
	0xd4, 0x31, 0x00, 0x35, /* 54321 -> 53 */
	0x00, 0x09, 0x00, 0x00, /* length 9 */
	0x00,
};

/* Raw IPv6 (LINKTYPE_RAW 101) + UDP + "hi" (50). */
static const uint8_t raw_ipv6_udp[] = {
	0x60, 0x00, 0x00, 0x00,
	0x00, 0x0a, 0x11, 0x40, /* payload length 10, UDP, hop limit 64 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, /* ::1 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, /* ::1 */
	/* UDP, offset 40 */
	0x13, 0x88, 0x13, 0x89, /* 5000 -> 5001 */
	0x00, 0x0a, 0x00, 0x00, /* length 10 */
	'h', 'i',
};

/* BSD loopback (DLT_NULL), family 2 little-endian, + IPv4 + TCP (44). */
static const uint8_t null_le_ipv4_tcp[] = {
	0x02, 0x00, 0x00, 0x00, /* AF_INET, written by a little-endian host */
	/* IPv4, offset 4 */
	0x45, 0x00, 0x00, 0x28, /* total length 40 */
	0x00, 0x04, 0x40, 0x00, /* id 4, DF */
	0x40, 0x06, 0x00, 0x00, /* TTL 64, TCP */
	0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
	/* TCP, offset 24 */
	0x1f, 0x90, 0xc3, 0x50, /* 8080 -> 50000 */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0x50, 0x12, 0x20, 0x00, /* data offset 5, SYN|ACK, window 8192 */
	0x00, 0x00, 0x00, 0x00,
};

/* BSD loopback (DLT_LOOP), family 30 (Darwin AF_INET6) big-endian, + IPv6 + UDP (56). */
static const uint8_t loop_be_ipv6_udp[] = {
	0x00, 0x00, 0x00, 0x1e, /* AF_INET6 on Darwin, network byte order */
	/* IPv6, offset 4 */
	0x60, 0x00, 0x00, 0x00,
	0x00, 0x0c, 0x11, 0x40, /* payload length 12, UDP, hop limit 64 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	/* UDP, offset 44 */
	0x14, 0xe9, 0x14, 0xe9, /* 5353 -> 5353 */
	0x00, 0x0c, 0x00, 0x00, /* length 12 */
	0x00, 0x00, 0x00, 0x00,
};

/* ---- helpers ------------------------------------------------------------ */

/* Exactly n bytes on the heap: one byte past the end is an ASan report. */
static uint8_t *copy_exact(const uint8_t *src, size_t n)
{
	uint8_t *b = malloc(n);

	ck_assert(b != NULL || n == 0);
	if (n)
		memcpy(b, src, n);
	return b;
}

static void put_be16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)(v >> 8);
	b[off + 1] = (uint8_t)v;
}

/* Decodes a heap copy; the caller frees *ret_buf after looking at pkt. */
static int decode_copy(int lt, const uint8_t *frame, size_t n, struct hk_pkt *pkt,
		       struct decode_stats *st, uint8_t **ret_buf)
{
	int r;

	memset(st, 0, sizeof(*st));
	*ret_buf = copy_exact(frame, n);
	r = decode_frame(lt, *ret_buf, (uint32_t)n, (uint32_t)n, 42, pkt, st);
	ck_assert_uint_eq(st->frames, 1);
	return r;
}

static uint64_t events_total(const struct decode_stats *st)
{
	uint64_t n = 0;

	for (int i = 0; i < DEC_EV__MAX; i++)
		n += st->events[i];
	return n;
}

static void assert_only_event(const struct decode_stats *st, enum decode_event ev)
{
	ck_assert_msg(st->events[ev] == 1, "expected %s once, got %llu", decode_event_name(ev),
		      (unsigned long long)st->events[ev]);
	ck_assert_uint_eq(events_total(st), 1);
}

static bool mac_eq(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 6) == 0;
}

static bool ip4_eq(const struct hk_addr *a, uint8_t w, uint8_t x, uint8_t y, uint8_t z)
{
	const uint8_t want[4] = {w, x, y, z};
	return a->family == 4 && memcmp(a->a, want, 4) == 0;
}

static bool addr_is(const struct hk_addr *a, const char *text)
{
	struct hk_addr want;

	ck_assert(hk_addr_parse(text, &want));
	return hk_addr_eq(a, &want);
}

/* ---- every truncated prefix --------------------------------------------- */

struct layer {
	size_t end;             /* a prefix shorter than this ... */
	enum decode_event ev;   /* ... reports this */
};

struct prefix_case {
	const char *name;
	int linktype;
	const uint8_t *frame;
	size_t len;
	struct layer layers[8]; /* in order; end 0 terminates */
	size_t l2_end;          /* link header complete */
	bool mac;               /* has_mac once l2_end is reached */
	enum hk_l3 l3_before;   /* l3 between l2_end and l3_at */
	size_t l3_at;           /* shortest prefix with l3 == l3 */
	enum hk_l3 l3;
	bool ip;                /* l3_base/l3_len expected, from l3_off */
	size_t l3_off;
	size_t l4_at;           /* shortest prefix with has_l4; 0: never */
	size_t payload_off;     /* 0: no payload check */
	bool payload_is_l2;     /* LLC: the payload is l2_payload */
	enum decode_event extra_ev; /* counted once its header is read */
	size_t extra_at;        /* 0: none */
};

static const struct prefix_case prefix_cases[] = {
	{"eth_ipv4_tcp", DLT_EN10MB, eth_ipv4_tcp, sizeof(eth_ipv4_tcp),
	 {{14, DEC_EV_ETH_TRUNC}, {34, DEC_EV_IPV4_TRUNC}, {54, DEC_EV_TCP_TRUNC},
	  {66, DEC_EV_TCP_TRUNC}},
	 14, true, HK_L3_NONE, 34, HK_L3_IPV4, true, 14, 54, 66, false, 0, 0},
	{"eth_vlan_ipv4_udp", DLT_EN10MB, eth_vlan_ipv4_udp, sizeof(eth_vlan_ipv4_udp),
	 {{14, DEC_EV_ETH_TRUNC}, {18, DEC_EV_ETH_TRUNC}, {38, DEC_EV_IPV4_TRUNC},
	  {46, DEC_EV_UDP_TRUNC}},
	 14, true, HK_L3_NONE, 38, HK_L3_IPV4, true, 18, 46, 46, false, 0, 0},
	{"eth_qinq_ipv4_icmp", DLT_EN10MB, eth_qinq_ipv4_icmp, sizeof(eth_qinq_ipv4_icmp),
	 {{14, DEC_EV_ETH_TRUNC}, {18, DEC_EV_ETH_TRUNC}, {22, DEC_EV_ETH_TRUNC},
	  {42, DEC_EV_IPV4_TRUNC}, {46, DEC_EV_ICMP_TRUNC}},
	 14, true, HK_L3_NONE, 42, HK_L3_IPV4, true, 22, 46, 46, false, 0, 0},
	{"eth_arp_reply", DLT_EN10MB, eth_arp_reply, sizeof(eth_arp_reply),
	 {{14, DEC_EV_ETH_TRUNC}, {42, DEC_EV_ARP_TRUNC}},
	 14, true, HK_L3_OTHER, 42, HK_L3_ARP, false, 0, 0, 0, false, 0, 0},
	{"eth_ipv6_hbh_frag_udp", DLT_EN10MB, eth_ipv6_hbh_frag_udp,
	 sizeof(eth_ipv6_hbh_frag_udp),
	 {{14, DEC_EV_ETH_TRUNC}, {54, DEC_EV_IPV6_TRUNC}, {62, DEC_EV_IPV6_EXT_TRUNC},
	  {70, DEC_EV_IPV6_EXT_TRUNC}, {78, DEC_EV_UDP_TRUNC}},
	 14, true, HK_L3_NONE, 54, HK_L3_IPV6, true, 14, 78, 78, false, DEC_EV_IPV6_FRAGMENT,
	 70},
	{"eth_ipv6_icmpv6_na", DLT_EN10MB, eth_ipv6_icmpv6_na, sizeof(eth_ipv6_icmpv6_na),
	 {{14, DEC_EV_ETH_TRUNC}, {54, DEC_EV_IPV6_TRUNC}, {58, DEC_EV_ICMP_TRUNC}},
	 14, true, HK_L3_NONE, 54, HK_L3_IPV6, true, 14, 58, 58, false, 0, 0},
	{"eth_llc_snap_cdp", DLT_EN10MB, eth_llc_snap_cdp, sizeof(eth_llc_snap_cdp),
	 {{14, DEC_EV_ETH_TRUNC}, {17, DEC_EV_LLC_TRUNC}, {22, DEC_EV_LLC_TRUNC}},
	 14, true, HK_L3_OTHER, 14, HK_L3_OTHER, false, 0, 0, 22, true, 0, 0},
	{"sll_ipv4_udp", DLT_LINUX_SLL, sll_ipv4_udp, sizeof(sll_ipv4_udp),
	 {{16, DEC_EV_SLL_TRUNC}, {36, DEC_EV_IPV4_TRUNC}, {44, DEC_EV_UDP_TRUNC}},
	 16, true, HK_L3_NONE, 36, HK_L3_IPV4, true, 16, 44, 44, false, 0, 0},
	{"sll2_ipv6_tcp", DLT_LINUX_SLL2, sll2_ipv6_tcp, sizeof(sll2_ipv6_tcp),
	 {{20, DEC_EV_SLL_TRUNC}, {60, DEC_EV_IPV6_TRUNC}, {80, DEC_EV_TCP_TRUNC}},
	 20, true, HK_L3_NONE, 60, HK_L3_IPV6, true, 20, 80, 80, false, 0, 0},
	{"raw_ipv4_udp", DLT_RAW, raw_ipv4_udp, sizeof(raw_ipv4_udp),
	 {{20, DEC_EV_IPV4_TRUNC}, {28, DEC_EV_UDP_TRUNC}},
	 0, false, HK_L3_NONE, 20, HK_L3_IPV4, true, 0, 28, 28, false, 0, 0},
	{"raw101_ipv6_udp", 101, raw_ipv6_udp, sizeof(raw_ipv6_udp),
	 {{1, DEC_EV_IPV4_TRUNC}, {40, DEC_EV_IPV6_TRUNC}, {48, DEC_EV_UDP_TRUNC}},
	 0, false, HK_L3_NONE, 40, HK_L3_IPV6, true, 0, 48, 48, false, 0, 0},
	{"ipv6_linktype_229", DLT_IPV6, raw_ipv6_udp, sizeof(raw_ipv6_udp),
	 {{40, DEC_EV_IPV6_TRUNC}, {48, DEC_EV_UDP_TRUNC}},
	 0, false, HK_L3_NONE, 40, HK_L3_IPV6, true, 0, 48, 48, false, 0, 0},
	{"ipv4_linktype_228", DLT_IPV4, raw_ipv4_udp, sizeof(raw_ipv4_udp),
	 {{20, DEC_EV_IPV4_TRUNC}, {28, DEC_EV_UDP_TRUNC}},
	 0, false, HK_L3_NONE, 20, HK_L3_IPV4, true, 0, 28, 28, false, 0, 0},
	{"null_le_ipv4_tcp", DLT_NULL, null_le_ipv4_tcp, sizeof(null_le_ipv4_tcp),
	 {{4, DEC_EV_NULL_TRUNC}, {24, DEC_EV_IPV4_TRUNC}, {44, DEC_EV_TCP_TRUNC}},
	 4, false, HK_L3_NONE, 24, HK_L3_IPV4, true, 4, 44, 44, false, 0, 0},
	{"loop_be_ipv6_udp", DLT_LOOP, loop_be_ipv6_udp, sizeof(loop_be_ipv6_udp),
	 {{4, DEC_EV_NULL_TRUNC}, {44, DEC_EV_IPV6_TRUNC}, {52, DEC_EV_UDP_TRUNC}},
	 4, false, HK_L3_NONE, 44, HK_L3_IPV6, true, 4, 52, 52, false, 0, 0},
};

static void check_prefix(const struct prefix_case *pc, size_t k)
{
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *buf;
	const struct layer *cut = NULL;
	uint64_t expect_events = 0;
	int r;

	r = decode_copy(pc->linktype, pc->frame, k, &p, &st, &buf);
	ck_assert_int_eq(r, 0);
	for (const struct layer *l = pc->layers; l->end; l++) {
		if (k < l->end) {
			cut = l;
			break;
		}
	}
	if (cut) {
		ck_assert_msg(st.events[cut->ev] == 1, "%s[%zu]: expected %s", pc->name, k,
			      decode_event_name(cut->ev));
		expect_events++;
	}
	if (pc->extra_at && k >= pc->extra_at) {
		ck_assert_msg(st.events[pc->extra_ev] == 1, "%s[%zu]: expected %s", pc->name, k,
			      decode_event_name(pc->extra_ev));
		expect_events++;
	}
	ck_assert_msg(events_total(&st) == expect_events, "%s[%zu]: %llu events, want %llu",
		      pc->name, k, (unsigned long long)events_total(&st),
		      (unsigned long long)expect_events);

	ck_assert_msg(!(p.flags & HK_PKT_F_MALFORMED), "%s[%zu]: MALFORMED", pc->name, k);
	if (k < pc->len)
		ck_assert_msg(p.flags & HK_PKT_F_TRUNCATED, "%s[%zu]: not TRUNCATED", pc->name, k);
	else
		ck_assert_msg(!(p.flags & HK_PKT_F_TRUNCATED), "%s: full frame TRUNCATED", pc->name);

	ck_assert_int_eq(p.has_mac, pc->mac && k >= pc->l2_end);
	if (k >= pc->l3_at)
		ck_assert_msg(p.l3 == pc->l3, "%s[%zu]: l3 %d", pc->name, k, p.l3);
	else if (k >= pc->l2_end && pc->l2_end > 0)
		ck_assert_msg(p.l3 == pc->l3_before, "%s[%zu]: l3 %d before", pc->name, k, p.l3);
	else
		ck_assert_msg(p.l3 == HK_L3_NONE, "%s[%zu]: l3 %d early", pc->name, k, p.l3);

	if (pc->ip && k >= pc->l3_at) {
		ck_assert_ptr_eq(p.l3_base, buf + pc->l3_off);
		ck_assert_uint_eq(p.l3_len, k - pc->l3_off);
	} else {
		ck_assert_ptr_null(p.l3_base);
		ck_assert_uint_eq(p.l3_len, 0);
	}
	ck_assert_int_eq(p.has_l4, pc->l4_at && k >= pc->l4_at);
	if (pc->payload_off && k >= pc->payload_off) {
		const uint8_t *pl = pc->payload_is_l2 ? p.l2_payload : p.payload;
		size_t pl_len = pc->payload_is_l2 ? p.l2_len : p.payload_len;

		ck_assert_ptr_eq(pl, buf + pc->payload_off);
		ck_assert_uint_eq(pl_len, k - pc->payload_off);
	} else if (!pc->payload_is_l2) {
		ck_assert_uint_eq(p.payload_len, 0);
	}
	free(buf);
}

START_TEST(test_every_prefix)
{
	const struct prefix_case *pc = &prefix_cases[_i];

	for (size_t k = 0; k <= pc->len; k++)
		check_prefix(pc, k);
}
END_TEST

/* ---- full frames, field by field ---------------------------------------- */

START_TEST(test_eth_ipv4_tcp)
{
	static const uint8_t dst[6] = {0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56};
	static const uint8_t src[6] = {0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef};
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	ck_assert_int_eq(decode_copy(DLT_EN10MB, eth_ipv4_tcp, sizeof(eth_ipv4_tcp), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.ts_usec, 42);
	ck_assert_uint_eq(p.caplen, sizeof(eth_ipv4_tcp));
	ck_assert_int_eq(p.linktype, DLT_EN10MB);
	ck_assert_uint_eq(p.flags, 0);
	ck_assert(p.has_mac && p.has_dst_mac);
	ck_assert(mac_eq(p.src_mac, src) && mac_eq(p.dst_mac, dst));
	ck_assert_uint_eq(p.n_vlan, 0);
	ck_assert_uint_eq(p.ethertype, 0x0800);
	ck_assert_ptr_eq(p.l2_payload, b + 14);
	ck_assert_uint_eq(p.l2_len, 57);
	ck_assert_int_eq(p.l3, HK_L3_IPV4);
	ck_assert(ip4_eq(&p.src_ip, 192, 168, 0, 10));
	ck_assert(ip4_eq(&p.dst_ip, 192, 168, 0, 1));
	ck_assert_ptr_eq(p.l3_base, b + 14);
	ck_assert_uint_eq(p.l3_len, 57);
	ck_assert_uint_eq(p.ip_proto, 6);
	ck_assert_uint_eq(p.ttl, 64);
	ck_assert_uint_eq(p.ip_id, 0x1234);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.sport, 50000);
	ck_assert_uint_eq(p.dport, 102);
	ck_assert_uint_eq(p.tcp_flags, HK_TCP_PSH | HK_TCP_ACK);
	ck_assert_uint_eq(p.tcp_seq, 1);
	ck_assert_uint_eq(p.tcp_ack, 2);
	ck_assert_uint_eq(p.tcp_win, 256);
	ck_assert_ptr_eq(p.payload, b + 66);
	ck_assert_uint_eq(p.payload_len, 5);
	free(b);
}
END_TEST

START_TEST(test_vlan_and_qinq)
{
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	ck_assert_int_eq(decode_copy(DLT_EN10MB, eth_vlan_ipv4_udp, sizeof(eth_vlan_ipv4_udp), &p,
				     &st, &b), 0);
	ck_assert_uint_eq(p.n_vlan, 1);
	ck_assert_uint_eq(p.vlan[0], 100);
	ck_assert_uint_eq(p.ethertype, 0x0800);
	ck_assert(ip4_eq(&p.dst_ip, 10, 0, 0, 255));
	ck_assert_uint_eq(p.ttl, 128);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.sport, 47808);
	ck_assert_uint_eq(p.dport, 47808);
	ck_assert_ptr_eq(p.payload, b + 46);
	ck_assert_uint_eq(p.payload_len, 6);
	ck_assert(hk_mac_is_broadcast(p.dst_mac));
	free(b);

	ck_assert_int_eq(decode_copy(DLT_EN10MB, eth_qinq_ipv4_icmp, sizeof(eth_qinq_ipv4_icmp),
				     &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.n_vlan, 2);
	ck_assert_uint_eq(p.vlan[0], 200); /* outermost first */
	ck_assert_uint_eq(p.vlan[1], 100);
	ck_assert_uint_eq(p.ethertype, 0x0800);
	ck_assert_ptr_eq(p.l2_payload, b + 22);
	ck_assert_uint_eq(p.ip_proto, 1);
	ck_assert_uint_eq(p.ip_id, 0xabcd);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.icmp_type, 8);
	ck_assert_uint_eq(p.icmp_code, 0);
	ck_assert_uint_eq(p.sport, 0);
	ck_assert_ptr_eq(p.payload, b + 46);
	ck_assert_uint_eq(p.payload_len, 8);
	free(b);
}
END_TEST

START_TEST(test_vlan_depth)
{
	/* 0, MAX (2) and MAX+1 tags in front of an IPv4/UDP packet */
	uint8_t f[sizeof(eth_vlan_ipv4_udp) + 8];
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;
	size_t n;

	for (unsigned tags = 0; tags <= HK_VLAN_MAX + 1; tags++) {
		memcpy(f, eth_vlan_ipv4_udp, 12);
		n = 12;
		for (unsigned t = 0; t < tags; t++) {
			put_be16(f, n, t == 0 && tags > 1 ? 0x88a8 : 0x8100);
			put_be16(f, n + 2, (uint16_t)(10 + t));
			n += 4;
		}
		/* type IPv4 and everything after the one tag of the template */
		memcpy(&f[n], &eth_vlan_ipv4_udp[16], sizeof(eth_vlan_ipv4_udp) - 16);
		n += sizeof(eth_vlan_ipv4_udp) - 16;
		ck_assert_int_eq(decode_copy(DLT_EN10MB, f, n, &p, &st, &b), 0);
		if (tags <= HK_VLAN_MAX) {
			ck_assert_uint_eq(events_total(&st), 0);
			ck_assert_uint_eq(p.n_vlan, tags);
			ck_assert_int_eq(p.l3, HK_L3_IPV4);
			ck_assert(p.has_l4);
			if (tags)
				ck_assert_uint_eq(p.vlan[tags - 1], 10 + tags - 1);
		} else {
			assert_only_event(&st, DEC_EV_VLAN_TOO_DEEP);
			ck_assert_uint_eq(p.n_vlan, HK_VLAN_MAX);
			ck_assert_int_eq(p.l3, HK_L3_NONE);
			ck_assert(p.has_mac);
		}
		free(b);
	}
}
END_TEST

START_TEST(test_arp)
{
	static const uint8_t sha[6] = {0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56};
	static const uint8_t tha[6] = {0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef};
	static const uint8_t spa[4] = {192, 168, 0, 1}, tpa[4] = {192, 168, 0, 10};
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b, f[sizeof(eth_arp_reply)];

	ck_assert_int_eq(decode_copy(DLT_EN10MB, eth_arp_reply, sizeof(eth_arp_reply), &p, &st, &b),
			 0);
	ck_assert_int_eq(p.l3, HK_L3_ARP);
	ck_assert_uint_eq(p.ethertype, 0x0806);
	ck_assert_uint_eq(p.arp.op, 2);
	ck_assert(mac_eq(p.arp.sha, sha) && mac_eq(p.arp.tha, tha));
	ck_assert(memcmp(p.arp.spa, spa, 4) == 0 && memcmp(p.arp.tpa, tpa, 4) == 0);
	ck_assert_uint_eq(p.src_ip.family, 0);
	free(b);

	/* plen 16: not Ethernet/IPv4 ARP */
	memcpy(f, eth_arp_reply, sizeof(f));
	f[19] = 16;
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_ARP_UNSUPPORTED);
	ck_assert_int_eq(p.l3, HK_L3_OTHER);
	free(b);
}
END_TEST

START_TEST(test_ipv6_ext_and_fragment)
{
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b, f[sizeof(eth_ipv6_hbh_frag_udp)];

	ck_assert_int_eq(decode_copy(DLT_EN10MB, eth_ipv6_hbh_frag_udp,
				     sizeof(eth_ipv6_hbh_frag_udp), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV6_FRAGMENT);
	ck_assert_uint_eq(p.flags, HK_PKT_F_IPV6_EXT | HK_PKT_F_FRAGMENT | HK_PKT_F_FRAG_FIRST);
	ck_assert_int_eq(p.l3, HK_L3_IPV6);
	ck_assert(addr_is(&p.src_ip, "fe80::20c:29ff:feab:cdef"));
	ck_assert(addr_is(&p.dst_ip, "ff02::1:2"));
	ck_assert_uint_eq(p.ttl, 1);
	ck_assert_uint_eq(p.ip_proto, 17);
	ck_assert_uint_eq(p.l3_len, 72);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.sport, 546);
	ck_assert_uint_eq(p.dport, 547);
	/* UDP says 100: the rest is in later fragments, not an error */
	ck_assert_ptr_eq(p.payload, b + 78);
	ck_assert_uint_eq(p.payload_len, 8);
	free(b);

	/* a later fragment (offset 8 units): no L4 */
	memcpy(f, eth_ipv6_hbh_frag_udp, sizeof(f));
	put_be16(f, 64, 8 << 3);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV6_FRAGMENT);
	ck_assert_uint_eq(p.flags, HK_PKT_F_IPV6_EXT | HK_PKT_F_FRAGMENT);
	ck_assert(!p.has_l4);
	ck_assert_uint_eq(p.ip_proto, 17);
	ck_assert_uint_eq(p.payload_len, 0);
	free(b);
}
END_TEST

/* IPv6 + n destination-options headers + UDP: 0, MAX and MAX+1 */
START_TEST(test_ipv6_ext_count)
{
	enum { N = DECODE_IPV6_EXT_MAX + 1 };
	uint8_t f[14 + 40 + 8 * N + 8];
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	for (unsigned n_ext = 0; n_ext <= N; n_ext++) {
		size_t n = 0;

		memcpy(f, eth_ipv6_icmpv6_na, 14 + 40);
		put_be16(f, 18, (uint16_t)(8 * n_ext + 8));
		f[20] = n_ext ? 60 : 17; /* next header */
		n = 54;
		for (unsigned e = 0; e < n_ext; e++) {
			f[n] = e + 1 < n_ext ? 60 : 17; /* next */
			f[n + 1] = 0;                   /* 8 bytes */
			memset(&f[n + 2], 0, 6);        /* Pad1 x6 */
			n += 8;
		}
		put_be16(f, n, 1000);
		put_be16(f, n + 2, 2000);
		put_be16(f, n + 4, 8);
		put_be16(f, n + 6, 0);
		n += 8;
		ck_assert_int_eq(decode_copy(DLT_EN10MB, f, n, &p, &st, &b), 0);
		if (n_ext <= DECODE_IPV6_EXT_MAX) {
			ck_assert_uint_eq(events_total(&st), 0);
			ck_assert(p.has_l4);
			ck_assert_uint_eq(p.sport, 1000);
			ck_assert_uint_eq(p.ip_proto, 17);
			ck_assert_uint_eq(!!(p.flags & HK_PKT_F_IPV6_EXT), n_ext > 0);
		} else {
			assert_only_event(&st, DEC_EV_IPV6_EXT_TOO_MANY);
			ck_assert(p.flags & HK_PKT_F_MALFORMED);
			ck_assert(!p.has_l4);
			ck_assert_int_eq(p.l3, HK_L3_IPV6);
		}
		free(b);
	}
}
END_TEST

START_TEST(test_ipv6_ah_and_esp)
{
	/* IPv6 + AH (payload len 4: (4+2)*4 = 24 bytes) + UDP, then ESP */
	uint8_t f[14 + 40 + 24 + 8];
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	memcpy(f, eth_ipv6_icmpv6_na, 54);
	put_be16(f, 18, 32);
	f[20] = 51;
	memset(&f[54], 0, 24);
	f[54] = 17; /* next: UDP */
	f[55] = 4;  /* AH length in 4-byte units, minus 2 */
	put_be16(f, 78, 7);
	put_be16(f, 80, 9);
	put_be16(f, 82, 8);
	put_be16(f, 84, 0);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.dport, 9);
	free(b);

	f[20] = 50; /* ESP: stop, nothing readable behind it */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert(!p.has_l4);
	ck_assert_uint_eq(p.ip_proto, 50);
	free(b);
}
END_TEST

START_TEST(test_icmpv6)
{
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	ck_assert_int_eq(decode_copy(DLT_EN10MB, eth_ipv6_icmpv6_na, sizeof(eth_ipv6_icmpv6_na),
				     &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.flags, 0);
	ck_assert_uint_eq(p.ip_proto, 58);
	ck_assert_uint_eq(p.ttl, 255);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.icmp_type, 136);
	ck_assert_ptr_eq(p.payload, b + 58);
	ck_assert_uint_eq(p.payload_len, 28);
	ck_assert(addr_is(&p.dst_ip, "ff02::1"));
	free(b);
}
END_TEST

START_TEST(test_llc_snap)
{
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b, f[sizeof(eth_llc_snap_cdp) + 6];

	ck_assert_int_eq(decode_copy(DLT_EN10MB, eth_llc_snap_cdp, sizeof(eth_llc_snap_cdp), &p,
				     &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.flags, HK_PKT_F_LLC | HK_PKT_F_SNAP);
	ck_assert_uint_eq(p.ethertype, 0);
	ck_assert_int_eq(p.l3, HK_L3_OTHER);
	ck_assert_uint_eq(p.llc_dsap, 0xaa);
	ck_assert_uint_eq(p.llc_ssap, 0xaa);
	ck_assert_uint_eq(p.snap_oui, 0x00000c);
	ck_assert_uint_eq(p.snap_pid, 0x2000);
	ck_assert_ptr_eq(p.l2_payload, b + 22);
	ck_assert_uint_eq(p.l2_len, 18);
	ck_assert(!p.has_l4);
	free(b);

	/* padded: the 802.3 length, not the frame, ends the PDU */
	memcpy(f, eth_llc_snap_cdp, sizeof(eth_llc_snap_cdp));
	memset(&f[sizeof(eth_llc_snap_cdp)], 0, 6);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(p.flags, HK_PKT_F_LLC | HK_PKT_F_SNAP);
	ck_assert_uint_eq(p.l2_len, 18);
	free(b);

	/* STP-like LLC without SNAP (DSAP/SSAP 0x42) */
	memcpy(f, eth_llc_snap_cdp, sizeof(eth_llc_snap_cdp));
	f[14] = 0x42;
	f[15] = 0x42;
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(eth_llc_snap_cdp), &p, &st, &b), 0);
	ck_assert_uint_eq(p.flags, HK_PKT_F_LLC);
	ck_assert_uint_eq(p.llc_dsap, 0x42);
	ck_assert_uint_eq(p.snap_oui, 0);
	ck_assert_ptr_eq(p.l2_payload, b + 17);
	ck_assert_uint_eq(p.l2_len, 23);
	free(b);

	/* a length of 2 cannot hold an LLC header: a lie, not a cut */
	memcpy(f, eth_llc_snap_cdp, sizeof(eth_llc_snap_cdp));
	put_be16(f, 12, 2);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(eth_llc_snap_cdp), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_LLC_TRUNC);
	ck_assert(p.flags & HK_PKT_F_MALFORMED);
	ck_assert(!(p.flags & HK_PKT_F_TRUNCATED));
	free(b);
}
END_TEST

START_TEST(test_sll)
{
	static const uint8_t mac[6] = {0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef};
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b, f[sizeof(sll_ipv4_udp)];

	ck_assert_int_eq(decode_copy(DLT_LINUX_SLL, sll_ipv4_udp, sizeof(sll_ipv4_udp), &p, &st,
				     &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert(p.has_mac);
	ck_assert(!p.has_dst_mac);
	ck_assert(mac_eq(p.src_mac, mac));
	ck_assert(hk_mac_is_zero(p.dst_mac));
	ck_assert_uint_eq(p.ethertype, 0x0800);
	ck_assert_uint_eq(p.dport, 123);
	ck_assert_uint_eq(p.payload_len, 8);
	free(b);

	/* the loopback device: a 6-byte address of zeros is no identity */
	memcpy(f, sll_ipv4_udp, sizeof(f));
	put_be16(f, 2, 772);
	memset(&f[6], 0, 6);
	ck_assert_int_eq(decode_copy(DLT_LINUX_SLL, f, sizeof(f), &p, &st, &b), 0);
	ck_assert(!p.has_mac);
	ck_assert(p.flags & HK_PKT_F_LOOPBACK);
	ck_assert_int_eq(p.l3, HK_L3_IPV4);
	free(b);

	/* halen 0 (e.g. a tunnel): no MAC */
	memcpy(f, sll_ipv4_udp, sizeof(f));
	put_be16(f, 4, 0);
	ck_assert_int_eq(decode_copy(DLT_LINUX_SLL, f, sizeof(f), &p, &st, &b), 0);
	ck_assert(!p.has_mac);
	ck_assert(p.has_l4);
	free(b);

	/* another Linux pseudo-protocol (0x0001, Novell raw 802.3): handed on */
	memcpy(f, sll_ipv4_udp, sizeof(f));
	put_be16(f, 14, 0x0001);
	ck_assert_int_eq(decode_copy(DLT_LINUX_SLL, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_int_eq(p.l3, HK_L3_OTHER);
	ck_assert_uint_eq(p.ethertype, 0);
	ck_assert_ptr_eq(p.l2_payload, b + 16);
	ck_assert_uint_eq(p.l2_len, sizeof(f) - 16);
	free(b);

	/* protocol 0x0004: an LLC PDU follows without a length */
	memcpy(f, sll_ipv4_udp, 14);
	put_be16(f, 14, 0x0004);
	f[16] = 0x42;
	f[17] = 0x42;
	f[18] = 0x03;
	memset(&f[19], 0, sizeof(f) - 19);
	ck_assert_int_eq(decode_copy(DLT_LINUX_SLL, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(p.flags, HK_PKT_F_LLC);
	ck_assert_uint_eq(p.llc_dsap, 0x42);
	ck_assert_ptr_eq(p.l2_payload, b + 19);
	free(b);
}
END_TEST

START_TEST(test_sll2)
{
	static const uint8_t mac[6] = {0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef};
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	ck_assert_int_eq(decode_copy(DLT_LINUX_SLL2, sll2_ipv6_tcp, sizeof(sll2_ipv6_tcp), &p, &st,
				     &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert(p.has_mac && !p.has_dst_mac);
	ck_assert(mac_eq(p.src_mac, mac));
	ck_assert_uint_eq(p.ethertype, 0x86dd);
	ck_assert(addr_is(&p.src_ip, "2001:db8::1"));
	ck_assert(addr_is(&p.dst_ip, "2001:db8::2"));
	ck_assert_uint_eq(p.tcp_flags, HK_TCP_SYN);
	ck_assert_uint_eq(p.tcp_seq, 100);
	ck_assert_uint_eq(p.tcp_win, 64240);
	ck_assert_uint_eq(p.dport, 443);
	ck_assert_uint_eq(p.payload_len, 0);
	free(b);
}
END_TEST

START_TEST(test_raw_and_loopback)
{
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b, f[sizeof(null_le_ipv4_tcp)];
	static const struct {
		uint8_t fam[4];
		enum hk_l3 l3;
	} fams[] = {
		{{0x00, 0x00, 0x00, 0x02}, HK_L3_IPV4}, /* AF_INET, big-endian writer */
		{{0x18, 0x00, 0x00, 0x00}, HK_L3_IPV6}, /* 24, NetBSD/OpenBSD, LE */
		{{0x00, 0x00, 0x00, 0x1c}, HK_L3_IPV6}, /* 28, FreeBSD, BE */
		{{0x1e, 0x00, 0x00, 0x00}, HK_L3_IPV6}, /* 30, Darwin, LE */
		{{0x00, 0x00, 0x00, 0x63}, HK_L3_OTHER}, /* 99: not IP */
	};

	ck_assert_int_eq(decode_copy(DLT_RAW, raw_ipv4_udp, sizeof(raw_ipv4_udp), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.flags, HK_PKT_F_LOOPBACK);
	ck_assert(!p.has_mac);
	ck_assert(ip4_eq(&p.src_ip, 127, 0, 0, 1));
	ck_assert_ptr_eq(p.l3_base, b);
	ck_assert_uint_eq(p.dport, 53);
	ck_assert_uint_eq(p.payload_len, 1);
	free(b);

	ck_assert_int_eq(decode_copy(101, raw_ipv6_udp, sizeof(raw_ipv6_udp), &p, &st, &b), 0);
	ck_assert_int_eq(p.l3, HK_L3_IPV6);
	ck_assert(addr_is(&p.src_ip, "::1"));
	ck_assert_uint_eq(p.payload_len, 2);
	free(b);

	/* version 5 on a raw link */
	memcpy(f, raw_ipv4_udp, sizeof(raw_ipv4_udp));
	f[0] = 0x55;
	ck_assert_int_eq(decode_copy(DLT_RAW, f, sizeof(raw_ipv4_udp), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV4_BAD_VERSION);
	ck_assert_int_eq(p.l3, HK_L3_NONE);
	free(b);

	ck_assert_int_eq(decode_copy(DLT_NULL, null_le_ipv4_tcp, sizeof(null_le_ipv4_tcp), &p, &st,
				     &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.flags, HK_PKT_F_LOOPBACK);
	ck_assert_uint_eq(p.tcp_flags, HK_TCP_SYN | HK_TCP_ACK);
	ck_assert_uint_eq(p.sport, 8080);
	free(b);

	ck_assert_int_eq(decode_copy(DLT_LOOP, loop_be_ipv6_udp, sizeof(loop_be_ipv6_udp), &p, &st,
				     &b), 0);
	ck_assert_int_eq(p.l3, HK_L3_IPV6);
	ck_assert_uint_eq(p.dport, 5353);
	ck_assert_uint_eq(p.payload_len, 4);
	free(b);

	/* each family, in the frame's IP version where it is one */
	for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		const uint8_t *ip = fams[i].l3 == HK_L3_IPV6 ? &loop_be_ipv6_udp[4]
							     : &null_le_ipv4_tcp[4];
		size_t ip_len = fams[i].l3 == HK_L3_IPV6 ? sizeof(loop_be_ipv6_udp) - 4
							 : sizeof(null_le_ipv4_tcp) - 4;
		uint8_t g[sizeof(loop_be_ipv6_udp)];

		memcpy(g, fams[i].fam, 4);
		memcpy(&g[4], ip, ip_len);
		ck_assert_int_eq(decode_copy(DLT_NULL, g, 4 + ip_len, &p, &st, &b), 0);
		ck_assert_uint_eq(events_total(&st), 0);
		ck_assert_int_eq(p.l3, fams[i].l3);
		ck_assert_int_eq(p.has_l4, fams[i].l3 != HK_L3_OTHER);
		if (fams[i].l3 == HK_L3_OTHER) {
			ck_assert_ptr_eq(p.l2_payload, b + 4);
			ck_assert_uint_eq(p.l2_len, ip_len);
		}
		free(b);
	}
}
END_TEST

/* ---- lying length fields ------------------------------------------------ */

START_TEST(test_ipv4_lying_lengths)
{
	uint8_t f[sizeof(eth_ipv4_tcp)];
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	/* total length beyond the frame: a snapped frame, decode what is there */
	memcpy(f, eth_ipv4_tcp, sizeof(f));
	put_be16(f, 16, 1500);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.flags, HK_PKT_F_TRUNCATED);
	ck_assert_uint_eq(p.l3_len, 57);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.payload_len, 5);
	free(b);

	/* IHL 4 */
	memcpy(f, eth_ipv4_tcp, sizeof(f));
	f[14] = 0x44;
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV4_BAD_HLEN);
	ck_assert_uint_eq(p.flags, HK_PKT_F_MALFORMED);
	ck_assert_int_eq(p.l3, HK_L3_NONE);
	ck_assert_uint_eq(p.src_ip.family, 0);
	free(b);

	/* IHL 0 */
	f[14] = 0x40;
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV4_BAD_HLEN);
	free(b);

	/* IHL 15 (60 bytes) in a 57-byte datagram */
	f[14] = 0x4f;
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV4_BAD_TOTLEN);
	ck_assert_uint_eq(p.flags, HK_PKT_F_MALFORMED);
	free(b);

	/* IHL 15 and a total length that allows it: options cut by the snap */
	put_be16(f, 16, 200);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV4_TRUNC);
	ck_assert_uint_eq(p.flags, HK_PKT_F_TRUNCATED | HK_PKT_F_IP_OPTIONS);
	ck_assert_int_eq(p.l3, HK_L3_IPV4);
	ck_assert(!p.has_l4);
	free(b);

	/* total length 19 < header */
	memcpy(f, eth_ipv4_tcp, sizeof(f));
	put_be16(f, 16, 19);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV4_BAD_TOTLEN);
	free(b);

	/* total length 0: segmentation offload on the capturing host */
	put_be16(f, 16, 0);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.flags, 0);
	ck_assert_uint_eq(p.l3_len, 57);
	ck_assert_uint_eq(p.payload_len, 5);
	free(b);

	/* total length shorter than the frame: trailing bytes are padding */
	put_be16(f, 16, 20 + 32 + 2);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(p.flags, 0);
	ck_assert_uint_eq(p.l3_len, 54);
	ck_assert_uint_eq(p.payload_len, 2);
	free(b);

	/* version 6 behind ethertype IPv4 */
	memcpy(f, eth_ipv4_tcp, sizeof(f));
	f[14] = 0x65;
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV4_BAD_VERSION);
	free(b);

	/* options: IHL 6 moves TCP by 4 bytes */
	{
		uint8_t g[sizeof(eth_ipv4_tcp) + 4];

		memcpy(g, eth_ipv4_tcp, 34);
		g[14] = 0x46;
		put_be16(g, 16, 57 + 4);
		memcpy(&g[34], "\x94\x04\x00\x00", 4); /* router alert */
		memcpy(&g[38], &eth_ipv4_tcp[34], sizeof(eth_ipv4_tcp) - 34);
		ck_assert_int_eq(decode_copy(DLT_EN10MB, g, sizeof(g), &p, &st, &b), 0);
		ck_assert_uint_eq(p.flags, HK_PKT_F_IP_OPTIONS);
		ck_assert_uint_eq(p.dport, 102);
		ck_assert_ptr_eq(p.payload, b + 70);
		free(b);
	}
}
END_TEST

START_TEST(test_ipv4_fragments)
{
	uint8_t f[sizeof(eth_vlan_ipv4_udp)];
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	/* first fragment (MF, offset 0); UDP length covers later fragments */
	memcpy(f, eth_vlan_ipv4_udp, sizeof(f));
	put_be16(f, 24, 0x2000);
	put_be16(f, 42, 1400);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV4_FRAGMENT);
	ck_assert_uint_eq(p.flags, HK_PKT_F_FRAGMENT | HK_PKT_F_FRAG_FIRST);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.sport, 47808);
	ck_assert_uint_eq(p.payload_len, 6);
	free(b);

	/* a later fragment: offset 185 (1480 bytes), MF clear */
	put_be16(f, 24, 185);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV4_FRAGMENT);
	ck_assert_uint_eq(p.flags, HK_PKT_F_FRAGMENT);
	ck_assert(!p.has_l4);
	ck_assert_uint_eq(p.sport, 0);
	ck_assert_uint_eq(p.ip_proto, 17);
	ck_assert_int_eq(p.l3, HK_L3_IPV4);
	free(b);

	/* DF alone is not a fragment */
	put_be16(f, 24, 0x4000);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(p.flags & HK_PKT_F_FRAGMENT, 0);
	free(b);

	/* a first fragment too short for its TCP header (RFC 1858) */
	{
		uint8_t g[14 + 20 + 8];

		memcpy(g, eth_ipv4_tcp, sizeof(g));
		put_be16(g, 16, 28);
		put_be16(g, 20, 0x2000);
		ck_assert_int_eq(decode_copy(DLT_EN10MB, g, sizeof(g), &p, &st, &b), 0);
		ck_assert_uint_eq(st.events[DEC_EV_TCP_TRUNC], 1);
		ck_assert_uint_eq(st.events[DEC_EV_IPV4_FRAGMENT], 1);
		ck_assert(p.flags & HK_PKT_F_MALFORMED);
		ck_assert(!p.has_l4);
		free(b);
	}
}
END_TEST

START_TEST(test_udp_lying_lengths)
{
	uint8_t f[sizeof(eth_vlan_ipv4_udp)];
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	memcpy(f, eth_vlan_ipv4_udp, sizeof(f));
	put_be16(f, 42, 3); /* shorter than the UDP header itself */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_UDP_BAD_LEN);
	ck_assert_uint_eq(p.flags, HK_PKT_F_MALFORMED);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.payload_len, 0);
	free(b);

	put_be16(f, 42, 8); /* exactly the header: empty payload, fine */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.payload_len, 0);
	free(b);

	put_be16(f, 42, 9000); /* beyond a complete datagram: a lie, use what is there */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_UDP_BAD_LEN);
	ck_assert_uint_eq(p.flags, HK_PKT_F_MALFORMED);
	ck_assert_ptr_eq(p.payload, b + 46);
	ck_assert_uint_eq(p.payload_len, 6);
	free(b);

	put_be16(f, 20, 9000); /* ... but in a snapped datagram it is only a cut */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.flags, HK_PKT_F_TRUNCATED);
	ck_assert_uint_eq(p.payload_len, 6);
	free(b);

	memcpy(f, eth_vlan_ipv4_udp, sizeof(f));
	put_be16(f, 42, 10); /* shorter than the IP payload: UDP ends the payload */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.payload_len, 2);
	free(b);
}
END_TEST

START_TEST(test_tcp_lying_offsets)
{
	uint8_t f[sizeof(eth_ipv4_tcp)];
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	memcpy(f, eth_ipv4_tcp, sizeof(f));
	f[46] = 0x40 | (f[46] & 0x0f); /* data offset 4 */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_TCP_BAD_HLEN);
	ck_assert_uint_eq(p.flags, HK_PKT_F_MALFORMED);
	ck_assert_uint_eq(p.payload_len, 0);
	ck_assert(ip4_eq(&p.src_ip, 192, 168, 0, 10)); /* the IPs stand */
	free(b);

	f[46] = 0x00; /* data offset 0 */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_TCP_BAD_HLEN);
	free(b);

	f[46] = 0xf0; /* 15: 60 bytes, in a complete datagram of 37 TCP bytes */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_TCP_BAD_HLEN);
	ck_assert_uint_eq(p.flags, HK_PKT_F_MALFORMED);
	ck_assert_uint_eq(p.payload_len, 0);
	free(b);

	put_be16(f, 16, 100); /* the same in a snapped datagram: a cut */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_TCP_TRUNC);
	ck_assert_uint_eq(p.flags, HK_PKT_F_TRUNCATED);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.payload_len, 0);
	free(b);

	f[46] = 0x50; /* 5: the options become payload */
	put_be16(f, 16, 57);
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_ptr_eq(p.payload, b + 54);
	ck_assert_uint_eq(p.payload_len, 17);
	free(b);
}
END_TEST

START_TEST(test_ipv6_lying_lengths)
{
	uint8_t f[sizeof(eth_ipv6_icmpv6_na)];
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	memcpy(f, eth_ipv6_icmpv6_na, sizeof(f));
	put_be16(f, 18, 2); /* payload length 2 < ICMPv6 header, datagram complete */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_ICMP_TRUNC);
	ck_assert_uint_eq(p.flags, HK_PKT_F_MALFORMED);
	ck_assert_uint_eq(p.l3_len, 42);
	free(b);

	put_be16(f, 18, 60000); /* beyond the frame */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.flags, HK_PKT_F_TRUNCATED);
	ck_assert_uint_eq(p.payload_len, 28);
	free(b);

	/* hop-by-hop whose length runs past a complete datagram */
	put_be16(f, 18, 32);
	f[20] = 0;
	f[54] = 58;
	f[55] = 200;
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV6_EXT_TRUNC);
	ck_assert_uint_eq(p.flags, HK_PKT_F_MALFORMED | HK_PKT_F_IPV6_EXT);
	ck_assert(!p.has_l4);
	free(b);

	/* jumbogram marker: payload length 0 with hop-by-hop */
	put_be16(f, 18, 0);
	f[55] = 0;
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_uint_eq(p.l3_len, 72);
	ck_assert(p.has_l4);
	ck_assert_uint_eq(p.icmp_type, 0xfe); /* the byte after the 8-byte HBH */
	free(b);

	/* version 4 behind ethertype IPv6 */
	memcpy(f, eth_ipv6_icmpv6_na, sizeof(f));
	f[14] = 0x45;
	ck_assert_int_eq(decode_copy(DLT_EN10MB, f, sizeof(f), &p, &st, &b), 0);
	assert_only_event(&st, DEC_EV_IPV6_BAD_VERSION);
	ck_assert_int_eq(p.l3, HK_L3_NONE);
	free(b);
}
END_TEST

/* ---- the entry point itself -------------------------------------------- */

START_TEST(test_unsupported_and_edges)
{
	static const uint8_t lldp[] = {
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, /* dst LLDP multicast */
		0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56, /* src */
		0x88, 0xcc,                         /* type LLDP */
		0x02, 0x07, 0x04, 0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56, /* chassis ID TLV */
	};
	struct decode_stats st;
	struct hk_pkt p;
	uint8_t *b;

	/* ARCNET: counted, -1, metadata still filled */
	ck_assert_int_eq(decode_copy(DLT_ARCNET_LINUX, lldp, sizeof(lldp), &p, &st, &b), -1);
	assert_only_event(&st, DEC_EV_LINKTYPE_UNSUPPORTED);
	ck_assert_int_eq(p.linktype, DLT_ARCNET_LINUX);
	ck_assert_int_eq(p.l3, HK_L3_NONE);
	ck_assert(!p.has_mac);
	free(b);
	ck_assert(!decode_linktype_supported(DLT_ARCNET_LINUX));
	ck_assert(!decode_linktype_supported(-1));
	ck_assert(decode_linktype_supported(DLT_EN10MB));
	ck_assert(decode_linktype_supported(DLT_LINUX_SLL2));
	ck_assert(decode_linktype_supported(101));
	ck_assert(decode_linktype_supported(DLT_IPV4));
	ck_assert(decode_linktype_supported(DLT_LOOP));

	/* an ethertype we do not decode: its bytes are handed on */
	ck_assert_int_eq(decode_copy(DLT_EN10MB, lldp, sizeof(lldp), &p, &st, &b), 0);
	ck_assert_uint_eq(events_total(&st), 0);
	ck_assert_int_eq(p.l3, HK_L3_OTHER);
	ck_assert_uint_eq(p.ethertype, 0x88cc);
	ck_assert_ptr_eq(p.l2_payload, b + 14);
	ck_assert_uint_eq(p.l2_len, 9);
	free(b);

	/* NULL data, NULL stats */
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(decode_frame(DLT_EN10MB, NULL, 60, 60, 0, &p, &st), 0);
	assert_only_event(&st, DEC_EV_ETH_TRUNC);
	ck_assert_uint_eq(p.caplen, 0);
	ck_assert_int_eq(decode_frame(DLT_EN10MB, eth_ipv4_tcp, sizeof(eth_ipv4_tcp),
				      sizeof(eth_ipv4_tcp), 0, &p, NULL), 0);
	ck_assert(p.has_l4);
	ck_assert_int_eq(decode_frame(12345, eth_ipv4_tcp, 10, 10, 0, &p, NULL), -1);

	/* stats accumulate across calls */
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < 3; i++)
		decode_frame(DLT_EN10MB, eth_ipv4_tcp, 10, 10, 0, &p, &st);
	decode_frame(DLT_PPP, eth_ipv4_tcp, 10, 10, 0, &p, &st);
	ck_assert_uint_eq(st.frames, 4);
	ck_assert_uint_eq(st.events[DEC_EV_ETH_TRUNC], 3);
	ck_assert_uint_eq(st.events[DEC_EV_LINKTYPE_UNSUPPORTED], 1);
}
END_TEST

START_TEST(test_event_names)
{
	for (int i = 0; i < DEC_EV__MAX; i++) {
		const char *n = decode_event_name((enum decode_event)i);

		ck_assert_str_ne(n, "unknown");
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(n, decode_event_name((enum decode_event)j));
	}
	ck_assert_str_eq(decode_event_name(DEC_EV_UDP_BAD_LEN), "udp_bad_len");
	ck_assert_str_eq(decode_event_name(DEC_EV__MAX), "unknown");
	ck_assert_str_eq(decode_event_name((enum decode_event)-1), "unknown");
}
END_TEST

/* ---- src/core/addr.c ---------------------------------------------------- */

START_TEST(test_mac_helpers)
{
	static const uint8_t want[6] = {0x00, 0x1b, 0x1b, 0xab, 0xcd, 0xef};
	static const char *const good[] = {"00:1b:1b:ab:cd:ef", "00-1B-1B-AB-CD-EF",
					   "001b.1bab.cdef", "001B1BABCDEF"};
	static const char *const bad[] = {"", "00:1b:1b:ab:cd", "00:1b:1b:ab:cd:ef:",
					  "00:1b-1b:ab:cd:ef", "0:1b:1b:ab:cd:ef0",
					  "001b.1bab.cdeg", "001b1babcdef0", "001b1babcdeg", "00:1b:1b:ab:cd:e\xff",
					  "001b:1bab:cdef", " 001b1babcdef"};
	uint8_t mac[6], keep[6] = {9, 9, 9, 9, 9, 9};
	char buf[HK_MAC_STRLEN];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(mac, 0, sizeof(mac));
		ck_assert_msg(hk_mac_parse(good[i], mac), "%s", good[i]);
		ck_assert(mac_eq(mac, want));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(mac, keep, 6);
		ck_assert_msg(!hk_mac_parse(bad[i], mac), "%s", bad[i]);
		ck_assert(mac_eq(mac, keep)); /* written only on success */
	}
	ck_assert(!hk_mac_parse(NULL, mac));
	ck_assert_str_eq(hk_mac_fmt(want, buf), "00:1b:1b:ab:cd:ef");
	/* the hand-made text is snprintf's, every byte value in every place */
	for (unsigned v = 0; v < 256; v++) {
		uint8_t m[6] = {(uint8_t)v, (uint8_t)(v * 7), (uint8_t)~v, (uint8_t)(v ^ 0x5a), (uint8_t)(v + 128),
				(uint8_t)(255 - v)};
		char ref[HK_MAC_STRLEN];

		snprintf(ref, sizeof(ref), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
		ck_assert_str_eq(hk_mac_fmt(m, buf), ref);
	}
	ck_assert(hk_mac_is_zero((const uint8_t[6]){0}));
	ck_assert(!hk_mac_is_zero(want));
	ck_assert(hk_mac_is_broadcast((const uint8_t[6]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
	ck_assert(!hk_mac_is_broadcast((const uint8_t[6]){0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}));
	ck_assert(hk_mac_is_multicast((const uint8_t[6]){0x01, 0, 0x5e, 0, 0, 1}));
	ck_assert(hk_mac_is_local((const uint8_t[6]){0x02, 0, 0, 0, 0, 1}));
}
END_TEST

START_TEST(test_addr_helpers)
{
	static const struct {
		const char *text;
		bool priv, ll, mcast, unspec, bcast, unicast;
	} cases[] = {
		{"10.1.2.3", 1, 0, 0, 0, 0, 1},
		{"172.16.0.1", 1, 0, 0, 0, 0, 1},
		{"172.31.255.255", 1, 0, 0, 0, 0, 1},
		{"172.32.0.1", 0, 0, 0, 0, 0, 1},
		{"192.168.100.1", 1, 0, 0, 0, 0, 1},
		{"100.64.0.1", 1, 0, 0, 0, 0, 1},
		{"100.128.0.1", 0, 0, 0, 0, 0, 1},
		{"169.254.1.1", 1, 1, 0, 0, 0, 1},
		{"8.8.8.8", 0, 0, 0, 0, 0, 1},
		{"224.0.0.251", 0, 0, 1, 0, 0, 0},
		{"239.255.255.250", 0, 0, 1, 0, 0, 0},
		{"0.0.0.0", 0, 0, 0, 1, 0, 0},
		{"255.255.255.255", 0, 0, 0, 0, 1, 0},
		{"192.168.1.255", 1, 0, 0, 0, 0, 1}, /* subnet broadcast is not guessed */
		{"fe80::1", 1, 1, 0, 0, 0, 1},
		{"febf::1", 1, 1, 0, 0, 0, 1},
		{"fec0::1", 0, 0, 0, 0, 0, 1},
		{"fd12:3456::1", 1, 0, 0, 0, 0, 1},
		{"fc00::1", 1, 0, 0, 0, 0, 1},
		{"2001:db8::1", 0, 0, 0, 0, 0, 1},
		{"ff02::fb", 0, 0, 1, 0, 0, 0},
		{"::", 0, 0, 0, 1, 0, 0},
		{"::ffff:192.168.1.1", 1, 0, 0, 0, 0, 1},
		{"::ffff:224.0.0.1", 0, 0, 1, 0, 0, 0},
	};
	struct hk_addr a, b, none;
	char buf[HK_ADDR_STRLEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(hk_addr_parse(cases[i].text, &a), "%s", cases[i].text);
		ck_assert_msg(hk_addr_is_private(&a) == cases[i].priv, "%s private", cases[i].text);
		ck_assert_msg(hk_addr_is_linklocal(&a) == cases[i].ll, "%s ll", cases[i].text);
		ck_assert_msg(hk_addr_is_multicast(&a) == cases[i].mcast, "%s mc", cases[i].text);
		ck_assert_msg(hk_addr_is_unspecified(&a) == cases[i].unspec, "%s unspec",
			      cases[i].text);
		ck_assert_msg(hk_addr_is_limited_broadcast(&a) == cases[i].bcast, "%s bcast",
			      cases[i].text);
		ck_assert_msg(hk_addr_is_unicast(&a) == cases[i].unicast, "%s unicast",
			      cases[i].text);
		ck_assert_str_eq(hk_addr_fmt(&a, buf), cases[i].text);
	}

	memset(&none, 0, sizeof(none));
	ck_assert(!hk_addr_is_unicast(&none));
	ck_assert(!hk_addr_is_unspecified(&none));
	ck_assert(!hk_addr_is_private(&none));
	ck_assert_str_eq(hk_addr_fmt(&none, buf), "");
	ck_assert_str_eq(hk_addr_fmt(NULL, buf), "");
	/* the hand-made dotted quad is inet_ntop's, every byte value in every place */
	for (unsigned v = 0; v < 256; v++) {
		char ref[HK_ADDR_STRLEN];

		memset(&a, 0, sizeof(a));
		a.family = 4;
		a.a[0] = (uint8_t)v;
		a.a[1] = (uint8_t)(v * 13);
		a.a[2] = (uint8_t)(255 - v);
		a.a[3] = (uint8_t)(v / 10);
		ck_assert_ptr_nonnull(inet_ntop(AF_INET, a.a, ref, sizeof(ref)));
		ck_assert_str_eq(hk_addr_fmt(&a, buf), ref);
	}

	/* parse writes only on success */
	a.family = 4;
	ck_assert(!hk_addr_parse("1.2.3", &a));
	ck_assert(!hk_addr_parse("1.2.3.4 ", &a));
	ck_assert(!hk_addr_parse("fe80::1%eth0", &a));
	ck_assert(!hk_addr_parse(NULL, &a));
	ck_assert_uint_eq(a.family, 4);
	ck_assert(hk_addr_parse("2001:DB8:0:0:0:0:0:1", &a));
	ck_assert_str_eq(hk_addr_fmt(&a, buf), "2001:db8::1");

	/* compare: family first, then only the family's bytes */
	ck_assert(hk_addr_parse("10.0.0.1", &a));
	b = a;
	memset(&b.a[4], 0xee, 12);
	ck_assert(hk_addr_eq(&a, &b));
	ck_assert(hk_addr_parse("10.0.0.2", &b));
	ck_assert_int_eq(hk_addr_cmp(&a, &b), -1);
	ck_assert_int_eq(hk_addr_cmp(&b, &a), 1);
	ck_assert(hk_addr_parse("::1", &b));
	ck_assert_int_eq(hk_addr_cmp(&a, &b), -1);
	ck_assert_int_eq(hk_addr_cmp(&none, &a), -1);
	ck_assert(!hk_addr_eq(&a, &b));
	ck_assert(hk_addr_eq(&none, &none));
}
END_TEST

static Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("frames");

	tcase_add_loop_test(tc, test_every_prefix, 0,
			    (int)(sizeof(prefix_cases) / sizeof(prefix_cases[0])));
	tcase_add_test(tc, test_eth_ipv4_tcp);
	tcase_add_test(tc, test_vlan_and_qinq);
	tcase_add_test(tc, test_vlan_depth);
	tcase_add_test(tc, test_arp);
	tcase_add_test(tc, test_ipv6_ext_and_fragment);
	tcase_add_test(tc, test_ipv6_ext_count);
	tcase_add_test(tc, test_ipv6_ah_and_esp);
	tcase_add_test(tc, test_icmpv6);
	tcase_add_test(tc, test_llc_snap);
	tcase_add_test(tc, test_sll);
	tcase_add_test(tc, test_sll2);
	tcase_add_test(tc, test_raw_and_loopback);
	suite_add_tcase(s, tc);

	tc = tcase_create("lying");
	tcase_add_test(tc, test_ipv4_lying_lengths);
	tcase_add_test(tc, test_ipv4_fragments);
	tcase_add_test(tc, test_udp_lying_lengths);
	tcase_add_test(tc, test_tcp_lying_offsets);
	tcase_add_test(tc, test_ipv6_lying_lengths);
	tcase_add_test(tc, test_unsupported_and_edges);
	tcase_add_test(tc, test_event_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("addr");
	tcase_add_test(tc, test_mac_helpers);
	tcase_add_test(tc, test_addr_helpers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(decode_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
