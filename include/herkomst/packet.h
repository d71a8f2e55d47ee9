/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decoded view of one frame: what src/decode produces and everything
 * downstream reads. Pointers borrow the capture buffer for one callback;
 * whatever is kept must be copied. Protocol code reads the regions below
 * only through a cursor (hk_cur_init(pkt->payload, pkt->payload_len)).
 */
#ifndef HERKOMST_PACKET_H
#define HERKOMST_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HK_VLAN_MAX 2 /* 802.1Q and QinQ; deeper stacks are counted and dropped */

enum hk_l3 {
	HK_L3_NONE = 0, /* nothing decoded past layer 2 (or no layer 2 at all) */
	HK_L3_ARP,
	HK_L3_IPV4,
	HK_L3_IPV6,
	HK_L3_OTHER, /* an ethertype or LLC frame we do not decode here (LLDP, DCP, ...) */
};

/* An IP address: family 0 (none), 4 (a[0..3]) or 6 (a[0..15]). */
struct hk_addr {
	uint8_t family;
	uint8_t a[16];
};

struct hk_arp {
	uint16_t op; /* 1 request, 2 reply */
	uint8_t sha[6];
	uint8_t spa[4];
	uint8_t tha[6];
	uint8_t tpa[4];
};

enum hk_pkt_flag {
	HK_PKT_F_TRUNCATED = 1u << 0,    /* caplen cut a header short */
	HK_PKT_F_FRAGMENT = 1u << 1,     /* IPv4/IPv6 fragment */
	HK_PKT_F_FRAG_FIRST = 1u << 2,   /* the fragment at offset 0 (carries L4 ports) */
	HK_PKT_F_LLC = 1u << 3,          /* 802.3 length field + LLC (CDP, STP) */
	HK_PKT_F_SNAP = 1u << 4,         /* LLC with a SNAP header */
	HK_PKT_F_BAD_CSUM = 1u << 5,     /* reserved: checksums are not verified */
	HK_PKT_F_IP_OPTIONS = 1u << 6,
	HK_PKT_F_IPV6_EXT = 1u << 7,     /* IPv6 extension headers were walked */
	HK_PKT_F_MALFORMED = 1u << 8,    /* a header contradicts itself */
	HK_PKT_F_LOOPBACK = 1u << 9,     /* came from a loopback/raw link: no MACs */
	HK_PKT_F_TO_GROUP = 1u << 10,    /* sent to a broadcast/multicast link address (also when
					    the link type carries no destination MAC: Linux cooked) */
};

struct hk_pkt {
	uint64_t ts_usec;
	uint32_t caplen;
	uint32_t wirelen;
	int linktype; /* DLT_* of the capture */
	uint32_t flags;

	/* layer 2 */
	bool has_mac; /* Ethernet or Linux cooked with a 6-byte address */
	uint8_t src_mac[6];
	uint8_t dst_mac[6]; /* zero for Linux cooked (not carried) */
	bool has_dst_mac;
	uint8_t n_vlan;
	uint16_t vlan[HK_VLAN_MAX]; /* VLAN IDs, outermost first */
	uint16_t ethertype;         /* innermost; 0 for LLC frames */
	uint8_t llc_dsap, llc_ssap;
	uint32_t snap_oui;
	uint16_t snap_pid;
	const uint8_t *l2_payload; /* bytes after the (innermost) ethertype/LLC/SNAP header */
	size_t l2_len;

	/* layer 3 */
	enum hk_l3 l3;
	struct hk_arp arp; /* when l3 == HK_L3_ARP (Ethernet/IPv4 ARP only) */
	struct hk_addr src_ip, dst_ip;
	const uint8_t *l3_base; /* the IP header, for nDPI */
	size_t l3_len;          /* bounded by the IP total length and caplen */
	uint8_t ip_proto;       /* final upper-layer protocol (after IPv6 ext headers) */
	uint8_t ttl;            /* TTL or hop limit */
	uint16_t ip_id;

	/* layer 4 (TCP/UDP; for ICMP the type and code) */
	bool has_l4;
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint32_t tcp_seq, tcp_ack;
	uint16_t tcp_win;
	uint8_t icmp_type, icmp_code;
	const uint8_t *payload; /* the L4 payload (bounded by IP length and caplen) */
	size_t payload_len;
};

#define HK_TCP_FIN 0x01
#define HK_TCP_SYN 0x02
#define HK_TCP_RST 0x04
#define HK_TCP_PSH 0x08
#define HK_TCP_ACK 0x10

static inline bool hk_mac_is_multicast(const uint8_t mac[6]) { return (mac[0] & 1) != 0; }
static inline bool hk_mac_is_local(const uint8_t mac[6]) { return (mac[0] & 2) != 0; }
bool hk_mac_is_zero(const uint8_t mac[6]);
bool hk_mac_is_broadcast(const uint8_t mac[6]);

/* "aa:bb:cc:dd:ee:ff"; buf must hold HK_MAC_STRLEN */
#define HK_MAC_STRLEN 18
char *hk_mac_fmt(const uint8_t mac[6], char buf[HK_MAC_STRLEN]);
/* Accepts aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff and aabbccddeeff. */
bool hk_mac_parse(const char *s, uint8_t ret_mac[6]);

#define HK_ADDR_STRLEN 46
char *hk_addr_fmt(const struct hk_addr *a, char buf[HK_ADDR_STRLEN]);
bool hk_addr_parse(const char *s, struct hk_addr *ret);
int hk_addr_cmp(const struct hk_addr *x, const struct hk_addr *y);
/* hk_addr_cmp(x, y) == 0, inline: the inventory compares addresses on every packet */
static inline bool hk_addr_eq(const struct hk_addr *x, const struct hk_addr *y)
{
	if (x->family != y->family)
		return false;
	if (x->family == 4)
		return memcmp(x->a, y->a, 4) == 0;
	if (x->family == 6)
		return memcmp(x->a, y->a, 16) == 0;
	return true;
}
/* RFC 1918, 100.64/10, 169.254/16, fc00::/7, fe80::/10 */
bool hk_addr_is_private(const struct hk_addr *a);
bool hk_addr_is_linklocal(const struct hk_addr *a);
/* multicast, broadcast (255.255.255.255 and, heuristically, x.x.x.255 is not
 * used), unspecified (0.0.0.0, ::) */
bool hk_addr_is_multicast(const struct hk_addr *a);
bool hk_addr_is_unspecified(const struct hk_addr *a);
bool hk_addr_is_limited_broadcast(const struct hk_addr *a);
bool hk_addr_is_unicast(const struct hk_addr *a);

#endif
