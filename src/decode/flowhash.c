/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader's flow hash (see flowhash.h).
 *
 * References: IEEE 802.3-2018 3.2.6, IEEE 802.1Q-2018 9.5, RFC 791, RFC
 * 8200, RFC 9293 3.1, RFC 768 — the same headers decode.c reads:
 *
 *   | dst 6 | src 6 | [TPID 2 | TCI 2]{0,2} | type 2 |
 *   IPv4: | v/IHL | TOS | total 2 | id 2 | flags/frag 2 | TTL | proto | csum 2 | src 4 | dst 4 | opts |
 *   IPv6: | v/TC/flow 4 | payload len 2 | next | hop limit | src 16 | dst 16 |
 *   TCP/UDP: | sport 2 | dport 2 | ...  (has_l4 needs all 20 / 8 header bytes)
 *
 * The fast path reads only the common shape of a frame: Ethernet with up to
 * HK_VLAN_MAX tags, an IPv4 header that is whole, unfragmented and within
 * the captured bytes, or an IPv6 header with no extension headers, and a
 * TCP or UDP header that is whole. Everything else goes to decode_frame(),
 * so the fast path never has to repeat decode.c's rules for odd frames; a
 * unit test compares both on every frame of the shared captures and on
 * every truncation of sample frames.
 *
 * Hostile input: every read is through the cursor, header lengths are
 * checked against the captured bytes before they are used.
 */
#include "decode/flowhash.h"

#include <pcap/dlt.h>
#include <string.h>

#include "decode/decode.h"
#include "herkomst/cursor.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17

/* splitmix64's finalizer: every input bit reaches every output bit */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 | (uint64_t)p[3] << 32 |
	       (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 | (uint64_t)p[6] << 8 | p[7];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* memcmp(a, b, 4 or 16) as -1, 0, 1, without a call: the reader runs this
 * for every frame */
static int addr_cmp(uint8_t family, const uint8_t *a, const uint8_t *b)
{
	uint64_t x, y;

	if (family == 4) {
		x = be32(a);
		y = be32(b);
	} else {
		x = be64(a);
		y = be64(b);
		if (x == y) {
			x = be64(a + 8);
			y = be64(b + 8);
		}
	}
	return (x > y) - (x < y);
}

/* The flow key of flow.c (make_key), in its canonical order, hashed. */
static uint64_t hash_ip(uint8_t family, uint8_t proto, uint16_t vlan, const uint8_t *a, uint16_t pa,
			const uint8_t *b, uint16_t pb)
{
	int c = addr_cmp(family, a, b);
	uint64_t h;

	if (c == 0)
		c = (pa > pb) - (pa < pb);
	if (c > 0) {
		const uint8_t *t = a;
		uint16_t tp = pa;
		a = b;
		b = t;
		pa = pb;
		pb = tp;
	}
	h = mix((uint64_t)family << 56 | (uint64_t)proto << 48 | (uint64_t)vlan << 32 | (uint64_t)pa << 16 | pb);
	if (family == 4)
		return mix(h ^ ((uint64_t)load32(a) << 32 | load32(b)));
	h = mix(h ^ load64(a));
	h = mix(h ^ load64(a + 8));
	h = mix(h ^ load64(b));
	return mix(h ^ load64(b + 8));
}

static uint64_t mac48(const uint8_t *m)
{
	return (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 | (uint64_t)m[2] << 24 | (uint64_t)m[3] << 16 |
	       (uint64_t)m[4] << 8 | m[5];
}

static uint64_t hash_mac(const uint8_t *src, const uint8_t *dst)
{
	uint64_t x = mac48(src), y = mac48(dst);
	uint64_t lo = x < y ? x : y, hi = x < y ? y : x;

	return mix(mix(lo ^ 0x9e3779b97f4a7c15ull) ^ hi);
}

uint64_t decode_pkt_flow_hash(const struct hk_pkt *p)
{
	static const uint8_t zero[6];

	if ((p->l3 == HK_L3_IPV4 || p->l3 == HK_L3_IPV6) && p->src_ip.family)
		return hash_ip(p->src_ip.family, p->ip_proto, p->n_vlan ? p->vlan[0] : 0, p->src_ip.a,
			       p->has_l4 ? p->sport : 0, p->dst_ip.a, p->has_l4 ? p->dport : 0);
	return hash_mac(p->has_mac ? p->src_mac : zero, p->has_dst_mac ? p->dst_mac : zero);
}

static uint64_t slow(int linktype, const uint8_t *data, uint32_t caplen)
{
	struct hk_pkt p;

	decode_frame(linktype, data, caplen, caplen, 0, &p, NULL);
	return decode_pkt_flow_hash(&p);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * The ports of a whole TCP or UDP header in l4len bytes at c; false when
 * the header is not whole (decode.c then leaves has_l4 false: slow path).
 * Other protocols have no ports in the key.
 */
static bool l4_ports(struct hk_cur *c, uint8_t proto, size_t l4len, uint8_t ports[4])
{
	if (proto != IPPROTO_TCP_ && proto != IPPROTO_UDP_) {
		memset(ports, 0, 4);
		return true;
	}
	if (l4len < (proto == IPPROTO_TCP_ ? 20u : 8u))
		return false;
	return hk_cur_copy(c, ports, 4);
}

static bool ipv4_hash(struct hk_cur *c, uint16_t vlan, uint64_t *ret)
{
	size_t avail = hk_cur_left(c), hlen;
	uint8_t h[20], ports[4];
	uint16_t totlen;

	if (!hk_cur_copy(c, h, sizeof(h)) || h[0] >> 4 != 4)
		return false;
	hlen = (size_t)(h[0] & 0x0f) * 4;
	totlen = be16(h + 2);
	/* total length 0 (TSO), short or cut datagrams, fragments: slow path */
	if (hlen < sizeof(h) || totlen < hlen || totlen > avail || (be16(h + 6) & 0x3fff))
		return false;
	hk_cur_skip(c, hlen - sizeof(h));
	if (!hk_cur_ok(c) || !l4_ports(c, h[9], totlen - hlen, ports))
		return false;
	*ret = hash_ip(4, h[9], vlan, h + 12, be16(ports), h + 16, be16(ports + 2));
	return true;
}

static bool ipv6_hash(struct hk_cur *c, uint16_t vlan, uint64_t *ret)
{
	size_t avail = hk_cur_left(c), plen;
	uint8_t h[40], ports[4], nh;

	if (!hk_cur_copy(c, h, sizeof(h)) || h[0] >> 4 != 6)
		return false;
	plen = be16(h + 4);
	nh = h[6];
	/* extension headers (and jumbograms, which need one) or a cut datagram: slow path */
	if (nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60 || sizeof(h) + plen > avail)
		return false;
	if (!l4_ports(c, nh, plen, ports))
		return false;
	*ret = hash_ip(6, nh, vlan, h + 8, be16(ports), h + 24, be16(ports + 2));
	return true;
}

uint64_t decode_flow_hash(int linktype, const uint8_t *data, uint32_t caplen)
{
	struct hk_cur c;
	uint8_t eth[14];
	uint16_t type, vlan = 0;
	unsigned n_vlan = 0;
	uint64_t h;

	if (linktype != DLT_EN10MB || !data)
		return slow(linktype, data, caplen);
	c = hk_cur_init(data, caplen);
	if (!hk_cur_copy(&c, eth, sizeof(eth)))
		return slow(linktype, data, caplen);
	type = be16(eth + 12);
	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
		uint8_t tag[4];

		if (n_vlan == HK_VLAN_MAX || !hk_cur_copy(&c, tag, sizeof(tag)))
			return slow(linktype, data, caplen);
		if (n_vlan++ == 0)
			vlan = be16(tag) & 0x0fff;
		type = be16(tag + 2);
	}
	if (type == ETHERTYPE_IPV4)
		return ipv4_hash(&c, vlan, &h) ? h : slow(linktype, data, caplen);
	if (type == ETHERTYPE_IPV6)
		return ipv6_hash(&c, vlan, &h) ? h : slow(linktype, data, caplen);
	/* ARP, LLC, LLDP, PROFINET, ...: never in a flow */
	return hash_mac(eth + 6, eth);
}
