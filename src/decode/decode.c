/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Link, network and transport headers of one frame into a struct hk_pkt.
 *
 * References:
 *   IEEE 802.3-2018 3.2.6 (Length/Type), IEEE 802.1Q-2018 9.5 (C-TAG/S-TAG),
 *   IEEE 802.2-1998 3.2/5.3 (LLC PDU, control field), RFC 1042 (SNAP),
 *   RFC 826 (ARP), RFC 791 (IPv4), RFC 8200 sec. 4 (IPv6 extension headers),
 *   RFC 4302 2.2 (AH payload length in 4-octet units), RFC 2675 (jumbograms),
 *   RFC 9293 3.1 (TCP), RFC 768 (UDP), RFC 792 / RFC 4443 (ICMP, ICMPv6),
 *   tcpdump.org link-layer header types: LINKTYPE_LINUX_SLL (113),
 *   LINKTYPE_LINUX_SLL2 (276), LINKTYPE_NULL (0), LINKTYPE_LOOP (108),
 *   LINKTYPE_RAW (101), LINKTYPE_IPV4 (228), LINKTYPE_IPV6 (229).
 *
 * Ethernet II / 802.3, tags repeat up to HK_VLAN_MAX times:
 *   +--------+--------+------+ [+------+------+]  +------------------+
 *   | dst 6  | src 6  | T/L 2| [| TCI 2| T/L 2|]  | payload ...      |
 *   +--------+--------+------+ [+------+------+]  +------------------+
 *   T/L <= 1500 is a length: LLC follows, SNAP when DSAP = SSAP = 0xAA:
 *   | DSAP 1 | SSAP 1 | ctrl 1 or 2 | [OUI 3 | PID 2] | payload ...
 *
 * Linux cooked v1 (16 bytes) and v2 (20 bytes):
 *   | pkttype 2 | hatype 2 | halen 2 | addr 8 | protocol 2 |
 *   | protocol 2 | rsvd 2 | ifindex 4 | hatype 2 | pkttype 1 | halen 1 | addr 8 |
 *   addr is always the sender's link address, so it gives src_mac only.
 *
 * BSD loopback: | family 4, in the writer's byte order | IP ... |
 *
 * IPv4:  | v/IHL 1 | TOS 1 | total 2 | id 2 | flags/frag 2 | TTL 1 | proto 1 |
 *        | csum 2 | src 4 | dst 4 | options (IHL*4 - 20) | payload ... |
 * IPv6:  | v/TC/flow 4 | payload len 2 | next 1 | hop limit 1 | src 16 | dst 16 |
 *        then extension headers | next 1 | len 1 | ... | (fragment: 8 bytes)
 * TCP:   | sport 2 | dport 2 | seq 4 | ack 4 | off/flags 2 | win 2 | csum 2 |
 *        | urg 2 | options (off*4 - 20) | payload ... |
 * UDP:   | sport 2 | dport 2 | length 2 | csum 2 | payload (length - 8) |
 * ICMP:  | type 1 | code 1 | csum 2 | message body ... |
 *
 * Hostile input this defends against: every length field on the wire (802.3
 * length, IPv4 IHL and total length, IPv6 payload length and extension
 * lengths, TCP data offset, UDP length) is checked against the bytes
 * actually captured and against the enclosing length before it bounds a
 * sub-cursor, so no layer can read its neighbour or past the capture. Loops
 * over tags and extension headers stop at a named *_MAX and count.
 *
 * A region that is short because the capture was cut (the enclosing length
 * promised more than was captured) is TRUNCATED; a region that is short even
 * though everything its enclosing length promised was captured is MALFORMED.
 * Fragments are flagged and counted, never reassembled: only the first one
 * (offset 0) gets an L4 decode, and there a UDP length reaching into later
 * fragments is expected. Checksums are not verified: offloading makes them wrong in most host
 * captures, and an inventory learns nothing from them.
 */
#include <pcap/dlt.h>
#include <string.h>

#include "decode/decode.h"
#include "herkomst/cursor.h"

/* File-format link types that libpcap maps to other DLT_ values on read; a
 * caller that hands us the file's value directly must work too. */
#define LINKTYPE_RAW_IP 101

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100 /* pre-802.1ad vendor S-tag */
#define ETHERTYPE_IPV6 0x86dd
#define ETH_LENGTH_MAX 1500 /* larger T/L values are ethertypes */

#define SLL_PROTO_802_2 0x0004 /* Linux ETH_P_802_2: an LLC PDU with no length */
#define ARPHRD_LOOPBACK_ 772  /* Linux ARPHRD_LOOPBACK: the "address" is zeros */

#define BSD_AF_INET 2
#define BSD_AF_INET6_NETBSD 24 /* also OpenBSD */
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN 30

#define LLC_SAP_SNAP 0xaa

#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60

#define IPV4_HDR_MIN 20
#define IPV6_HDR_LEN 40
#define TCP_HDR_MIN 20
#define UDP_HDR_LEN 8

struct dec {
	struct hk_pkt *p;
	struct decode_stats *st;
};

static void dec_event(struct dec *d, enum decode_event ev)
{
	d->st->events[ev]++;
}

/* A region came up short: see the file comment for the two cases. */
static void dec_short(struct dec *d, enum decode_event ev, bool snapped)
{
	dec_event(d, ev);
	d->p->flags |= snapped ? HK_PKT_F_TRUNCATED : HK_PKT_F_MALFORMED;
}

/*
 * What bounds the bytes an L4 header sees: the whole datagram, a datagram
 * cut by the snap length, or a first fragment (the rest is in later ones).
 */
enum l4_bound {
	L4_COMPLETE,
	L4_SNAPPED,
	L4_FRAGMENT,
};

/*
 * An L4 header that does not fit: truncation when the capture was cut. A
 * first fragment too short for its L4 header is the tiny-fragment trick of
 * RFC 1858 (and RFC 7112 forbids it for IPv6), so it is malformed.
 */
static void l4_short(struct dec *d, enum decode_event ev, enum l4_bound bound)
{
	dec_short(d, ev, bound == L4_SNAPPED);
}

static void dec_malformed(struct dec *d, enum decode_event ev)
{
	dec_event(d, ev);
	d->p->flags |= HK_PKT_F_MALFORMED;
}

/* Borrowed pointer to everything left in c, without moving c. */
static const uint8_t *cur_view_rest(struct hk_cur c, size_t *ret_len)
{
	size_t n = hk_cur_left(&c);
	const uint8_t *v = hk_cur_view(&c, n);

	*ret_len = v ? n : 0;
	return v;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ---- layer 4 ------------------------------------------------------------ */

/*
 * The fixed header, once read, is trusted for ports and flags (has_l4): a
 * later contradiction (data offset, UDP length) is flagged and leaves the
 * payload empty or bounded, so flow code can still see whose packet it was.
 */
static void decode_tcp(struct dec *d, struct hk_cur *c, enum l4_bound bound)
{
	struct hk_pkt *p = d->p;
	uint16_t sport = hk_cur_be16(c);
	uint16_t dport = hk_cur_be16(c);
	uint32_t seq = hk_cur_be32(c);
	uint32_t ack = hk_cur_be32(c);
	uint16_t off_flags = hk_cur_be16(c);
	uint16_t win = hk_cur_be16(c);
	size_t hlen;

	hk_cur_skip(c, 4); /* checksum, urgent pointer */
	if (!hk_cur_ok(c)) {
		l4_short(d, DEC_EV_TCP_TRUNC, bound);
		return;
	}
	p->has_l4 = true;
	p->sport = sport;
	p->dport = dport;
	p->tcp_seq = seq;
	p->tcp_ack = ack;
	p->tcp_flags = (uint8_t)(off_flags & 0xff);
	p->tcp_win = win;

	hlen = (size_t)(off_flags >> 12) * 4;
	if (hlen < TCP_HDR_MIN) {
		dec_malformed(d, DEC_EV_TCP_BAD_HLEN);
		return;
	}
	hk_cur_skip(c, hlen - TCP_HDR_MIN);
	if (!hk_cur_ok(c)) {
		/* Options cut by the snap length are truncation; options longer
		 * than the whole datagram are a lie. */
		l4_short(d, bound == L4_COMPLETE ? DEC_EV_TCP_BAD_HLEN : DEC_EV_TCP_TRUNC, bound);
		return;
	}
	p->payload = cur_view_rest(*c, &p->payload_len);
}

static void decode_udp(struct dec *d, struct hk_cur *c, enum l4_bound bound)
{
	struct hk_pkt *p = d->p;
	uint16_t sport = hk_cur_be16(c);
	uint16_t dport = hk_cur_be16(c);
	uint16_t ulen = hk_cur_be16(c);
	size_t n;

	hk_cur_skip(c, 2); /* checksum */
	if (!hk_cur_ok(c)) {
		l4_short(d, DEC_EV_UDP_TRUNC, bound);
		return;
	}
	p->has_l4 = true;
	p->sport = sport;
	p->dport = dport;

	if (ulen < UDP_HDR_LEN) {
		dec_malformed(d, DEC_EV_UDP_BAD_LEN);
		return;
	}
	n = (size_t)ulen - UDP_HDR_LEN;
	if (n > hk_cur_left(c)) {
		/* In a first fragment the UDP length covers later fragments too. */
		if (bound == L4_SNAPPED)
			p->flags |= HK_PKT_F_TRUNCATED;
		else if (bound == L4_COMPLETE)
			dec_malformed(d, DEC_EV_UDP_BAD_LEN);
		n = hk_cur_left(c);
	}
	/* A UDP length shorter than the IP payload is legal: the rest is not
	 * ours (padding), so the payload ends where UDP says. */
	p->payload = hk_cur_view(c, n);
	p->payload_len = p->payload ? n : 0;
}

static void decode_icmp(struct dec *d, struct hk_cur *c, enum l4_bound bound)
{
	struct hk_pkt *p = d->p;
	uint8_t type = hk_cur_u8(c);
	uint8_t code = hk_cur_u8(c);

	hk_cur_skip(c, 2); /* checksum */
	if (!hk_cur_ok(c)) {
		l4_short(d, DEC_EV_ICMP_TRUNC, bound);
		return;
	}
	p->has_l4 = true;
	p->icmp_type = type;
	p->icmp_code = code;
	/* The body after the common 4 bytes: its layout depends on the type. */
	p->payload = cur_view_rest(*c, &p->payload_len);
}

static void decode_l4(struct dec *d, struct hk_cur *c, uint8_t proto, bool snapped)
{
	enum l4_bound bound = snapped ? L4_SNAPPED
			      : (d->p->flags & HK_PKT_F_FRAGMENT) ? L4_FRAGMENT
								  : L4_COMPLETE;

	switch (proto) {
	case IPPROTO_TCP_:
		decode_tcp(d, c, bound);
		break;
	case IPPROTO_UDP_:
		decode_udp(d, c, bound);
		break;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		decode_icmp(d, c, bound);
		break;
	default:
		/* OSPF, IGMP, PIM, VRRP, ...: no ports, but parsers may want
		 * the IP payload. has_l4 stays false. */
		d->p->payload = cur_view_rest(*c, &d->p->payload_len);
		break;
	}
}

/* ---- layer 3 ------------------------------------------------------------ */

static void decode_arp(struct dec *d, struct hk_cur *c)
{
	struct hk_pkt *p = d->p;
	struct hk_arp arp;
	uint16_t ptype;
	uint8_t hlen, plen;

	p->l3 = HK_L3_OTHER; /* until the whole Ethernet/IPv4 body is read */
	/* The hardware type is not checked: Ethernet (1) and IEEE 802 (6) both
	 * carry 6-byte MACs, and hlen says what matters for reading. */
	hk_cur_skip(c, 2);
	ptype = hk_cur_be16(c);
	hlen = hk_cur_u8(c);
	plen = hk_cur_u8(c);
	arp.op = hk_cur_be16(c);
	if (!hk_cur_ok(c)) {
		dec_short(d, DEC_EV_ARP_TRUNC, true);
		return;
	}
	if (ptype != ETHERTYPE_IPV4 || hlen != 6 || plen != 4) {
		dec_event(d, DEC_EV_ARP_UNSUPPORTED);
		return;
	}
	hk_cur_copy(c, arp.sha, sizeof(arp.sha));
	hk_cur_copy(c, arp.spa, sizeof(arp.spa));
	hk_cur_copy(c, arp.tha, sizeof(arp.tha));
	hk_cur_copy(c, arp.tpa, sizeof(arp.tpa));
	if (!hk_cur_ok(c)) {
		dec_short(d, DEC_EV_ARP_TRUNC, true);
		return;
	}
	p->arp = arp;
	p->l3 = HK_L3_ARP;
}

static void decode_ipv4(struct dec *d, struct hk_cur *c)
{
	struct hk_pkt *p = d->p;
	struct hk_cur hdr = *c, dg;
	size_t avail = hk_cur_left(c), hlen, window;
	uint16_t totlen, id, frag;
	uint16_t ttl_proto;
	uint8_t vihl, ttl, proto;
	uint32_t src, dst;
	bool snapped;

	vihl = hk_cur_u8(&hdr);
	if (!hk_cur_ok(&hdr)) {
		dec_short(d, DEC_EV_IPV4_TRUNC, true);
		return;
	}
	if ((vihl >> 4) != 4) {
		dec_malformed(d, DEC_EV_IPV4_BAD_VERSION);
		return;
	}
	hk_cur_skip(&hdr, 1); /* TOS */
	totlen = hk_cur_be16(&hdr);
	id = hk_cur_be16(&hdr);
	frag = hk_cur_be16(&hdr);
	/* read as one word: as two bytes GCC kept them apart on the stack and
	 * read them back as one 2-byte word to store them into the packet,
	 * which waited for the store buffer (perf: half of decode_l3's samples) */
	ttl_proto = hk_cur_be16(&hdr);
	ttl = (uint8_t)(ttl_proto >> 8);
	proto = (uint8_t)ttl_proto;
	hk_cur_skip(&hdr, 2); /* checksum */
	hk_cur_copy(&hdr, &src, 4);
	hk_cur_copy(&hdr, &dst, 4);
	if (!hk_cur_ok(&hdr)) {
		dec_short(d, DEC_EV_IPV4_TRUNC, true);
		return;
	}
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < IPV4_HDR_MIN) {
		dec_malformed(d, DEC_EV_IPV4_BAD_HLEN);
		return;
	}
	/* Total length 0 is what a host capture shows for a segment the NIC
	 * will split (TSO/LSO): the captured bytes are the datagram. */
	if (totlen == 0)
		totlen = (uint16_t)min_size(avail, UINT16_MAX);
	if (totlen < hlen) {
		dec_malformed(d, DEC_EV_IPV4_BAD_TOTLEN);
		return;
	}

	/* Bound everything after this point by the total length (Ethernet
	 * pads short frames) and by what was captured. */
	snapped = totlen > avail;
	window = min_size(totlen, avail);
	dg = hk_cur_sub(c, window);
	p->l3 = HK_L3_IPV4;
	p->src_ip.family = 4;
	memcpy(p->src_ip.a, &src, 4);
	p->dst_ip.family = 4;
	memcpy(p->dst_ip.a, &dst, 4);
	p->ttl = ttl;
	p->ip_id = id;
	p->ip_proto = proto;
	p->l3_base = cur_view_rest(dg, &p->l3_len);
	if (snapped)
		p->flags |= HK_PKT_F_TRUNCATED;
	if (hlen > IPV4_HDR_MIN)
		p->flags |= HK_PKT_F_IP_OPTIONS;

	hk_cur_skip(&dg, hlen);
	if (!hk_cur_ok(&dg)) {
		/* totlen >= hlen, so only the snap length can cut the options */
		dec_short(d, DEC_EV_IPV4_TRUNC, true);
		return;
	}
	if (frag & 0x3fff) { /* MF or a fragment offset */
		p->flags |= HK_PKT_F_FRAGMENT;
		dec_event(d, DEC_EV_IPV4_FRAGMENT);
		if (frag & 0x1fff)
			return; /* no L4 header here; we never reassemble */
		p->flags |= HK_PKT_F_FRAG_FIRST;
	}
	decode_l4(d, &dg, proto, snapped);
}

static bool ipv6_is_ext(uint8_t nh)
{
	return nh == IPPROTO_HOPOPTS_ || nh == IPPROTO_ROUTING_ || nh == IPPROTO_FRAGMENT_ ||
	       nh == IPPROTO_DSTOPTS_ || nh == IPPROTO_AH_;
}

static void decode_ipv6(struct dec *d, struct hk_cur *c)
{
	struct hk_pkt *p = d->p;
	struct hk_cur hdr = *c, dg;
	size_t avail = hk_cur_left(c), dglen, window;
	uint16_t plen;
	uint8_t first, nh, hlim, src[16], dst[16];
	bool snapped;

	first = hk_cur_u8(&hdr);
	if (!hk_cur_ok(&hdr)) {
		dec_short(d, DEC_EV_IPV6_TRUNC, true);
		return;
	}
	if ((first >> 4) != 6) {
		dec_malformed(d, DEC_EV_IPV6_BAD_VERSION);
		return;
	}
	hk_cur_skip(&hdr, 3); /* traffic class, flow label */
	plen = hk_cur_be16(&hdr);
	nh = hk_cur_u8(&hdr);
	hlim = hk_cur_u8(&hdr);
	hk_cur_copy(&hdr, src, 16);
	hk_cur_copy(&hdr, dst, 16);
	if (!hk_cur_ok(&hdr)) {
		dec_short(d, DEC_EV_IPV6_TRUNC, true);
		return;
	}
	/* Payload length 0 with hop-by-hop options is a jumbogram: the real
	 * length is in an option, and the captured bytes bound it anyway. */
	if (plen == 0 && nh == IPPROTO_HOPOPTS_)
		dglen = avail;
	else
		dglen = IPV6_HDR_LEN + (size_t)plen;
	snapped = dglen > avail;
	window = min_size(dglen, avail);
	dg = hk_cur_sub(c, window);
	p->l3 = HK_L3_IPV6;
	p->src_ip.family = 6;
	memcpy(p->src_ip.a, src, 16);
	p->dst_ip.family = 6;
	memcpy(p->dst_ip.a, dst, 16);
	p->ttl = hlim;
	p->l3_base = cur_view_rest(dg, &p->l3_len);
	if (snapped)
		p->flags |= HK_PKT_F_TRUNCATED;
	hk_cur_skip(&dg, IPV6_HDR_LEN);

	for (unsigned n_ext = 0; ipv6_is_ext(nh); n_ext++) {
		uint8_t next;

		p->ip_proto = nh;
		if (n_ext == DECODE_IPV6_EXT_MAX) {
			dec_malformed(d, DEC_EV_IPV6_EXT_TOO_MANY);
			return;
		}
		p->flags |= HK_PKT_F_IPV6_EXT;
		if (nh == IPPROTO_FRAGMENT_) {
			struct hk_cur fh = hk_cur_sub(&dg, 8);
			uint16_t off_m;

			next = hk_cur_u8(&fh);
			hk_cur_skip(&fh, 1);
			off_m = hk_cur_be16(&fh); /* offset << 3 | res 2 | M */
			if (!hk_cur_ok(&dg) || !hk_cur_ok(&fh)) {
				dec_short(d, DEC_EV_IPV6_EXT_TRUNC, snapped);
				return;
			}
			p->flags |= HK_PKT_F_FRAGMENT;
			dec_event(d, DEC_EV_IPV6_FRAGMENT);
			if (off_m >> 3) {
				p->ip_proto = next;
				return; /* no L4 header here; we never reassemble */
			}
			p->flags |= HK_PKT_F_FRAG_FIRST;
		} else {
			uint8_t units = hk_cur_peek_u8(&dg, 1);
			size_t len = nh == IPPROTO_AH_ ? ((size_t)units + 2) * 4
						       : ((size_t)units + 1) * 8;

			next = hk_cur_peek_u8(&dg, 0);
			hk_cur_skip(&dg, len);
			if (!hk_cur_ok(&dg)) {
				dec_short(d, DEC_EV_IPV6_EXT_TRUNC, snapped);
				return;
			}
		}
		nh = next;
	}
	p->ip_proto = nh;
	decode_l4(d, &dg, nh, snapped);
}

/* ---- layer 2 ------------------------------------------------------------ */

/*
 * c covers exactly the LLC PDU: bounded by the 802.3 length when there is one
 * (snapped: that length promised more than was captured), else by the capture.
 */
static void decode_llc(struct dec *d, struct hk_cur *c, bool snapped)
{
	struct hk_pkt *p = d->p;
	uint8_t dsap, ssap, ctrl;

	p->flags |= HK_PKT_F_LLC;
	p->ethertype = 0;
	p->l3 = HK_L3_OTHER;
	dsap = hk_cur_u8(c);
	ssap = hk_cur_u8(c);
	ctrl = hk_cur_u8(c);
	/* U-format PDUs (UI, XID, TEST: low bits 11) have a 1-byte control
	 * field; I- and S-format PDUs have 2. */
	if ((ctrl & 0x03) != 0x03)
		hk_cur_skip(c, 1);
	if (!hk_cur_ok(c)) {
		dec_short(d, DEC_EV_LLC_TRUNC, snapped);
		return;
	}
	p->llc_dsap = dsap;
	p->llc_ssap = ssap;
	/* The low SSAP bit is command/response, not part of the address. */
	if (dsap == LLC_SAP_SNAP && (ssap & 0xfe) == LLC_SAP_SNAP) {
		uint32_t oui = hk_cur_be24(c);
		uint16_t pid = hk_cur_be16(c);

		if (!hk_cur_ok(c)) {
			dec_short(d, DEC_EV_LLC_TRUNC, snapped);
			return;
		}
		p->flags |= HK_PKT_F_SNAP;
		p->snap_oui = oui;
		p->snap_pid = pid;
	}
	p->l2_payload = cur_view_rest(*c, &p->l2_len);
}

static void decode_l3(struct dec *d, struct hk_cur *c, uint16_t type)
{
	struct hk_pkt *p = d->p;

	p->ethertype = type;
	p->l2_payload = cur_view_rest(*c, &p->l2_len);
	switch (type) {
	case ETHERTYPE_IPV4:
		decode_ipv4(d, c);
		break;
	case ETHERTYPE_IPV6:
		decode_ipv6(d, c);
		break;
	case ETHERTYPE_ARP:
		decode_arp(d, c);
		break;
	default:
		p->l3 = HK_L3_OTHER;
		break;
	}
}

/* After an Ethernet type/length field (or a cooked protocol that is one). */
static void decode_l2_type(struct dec *d, struct hk_cur *c, uint16_t type)
{
	struct hk_pkt *p = d->p;

	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
		uint16_t tci, next;

		if (p->n_vlan == HK_VLAN_MAX) {
			/* A deeper stack is rare enough to be suspicious, and we
			 * could not report its VLANs: count it, stop at L2. */
			p->ethertype = type;
			dec_event(d, DEC_EV_VLAN_TOO_DEEP);
			return;
		}
		tci = hk_cur_be16(c);
		next = hk_cur_be16(c);
		if (!hk_cur_ok(c)) {
			p->ethertype = type;
			dec_short(d, DEC_EV_ETH_TRUNC, true);
			return;
		}
		p->vlan[p->n_vlan++] = tci & 0x0fff;
		type = next;
	}

	if (type <= ETH_LENGTH_MAX) {
		size_t left = hk_cur_left(c);
		struct hk_cur llc;

		/* Short frames are padded to 60 bytes, so less than the
		 * captured rest is normal; more means the capture was cut. */
		bool snapped = type > left;

		if (snapped)
			p->flags |= HK_PKT_F_TRUNCATED;
		llc = hk_cur_sub(c, min_size(type, left));
		decode_llc(d, &llc, snapped);
		return;
	}
	decode_l3(d, c, type);
}

static void decode_eth(struct dec *d, struct hk_cur *c)
{
	struct hk_pkt *p = d->p;
	uint8_t dst[6], src[6];
	uint16_t type;

	hk_cur_copy(c, dst, 6);
	hk_cur_copy(c, src, 6);
	type = hk_cur_be16(c);
	if (!hk_cur_ok(c)) {
		dec_short(d, DEC_EV_ETH_TRUNC, true);
		return;
	}
	memcpy(p->dst_mac, dst, 6);
	memcpy(p->src_mac, src, 6);
	p->has_mac = true;
	p->has_dst_mac = true;
	decode_l2_type(d, c, type);
}

static void decode_sll_common(struct dec *d, struct hk_cur *c, uint16_t proto, uint16_t hatype,
			      uint16_t halen, const uint8_t addr[8])
{
	struct hk_pkt *p = d->p;

	if (hatype == ARPHRD_LOOPBACK_) {
		p->flags |= HK_PKT_F_LOOPBACK;
	} else if (halen == 6) {
		memcpy(p->src_mac, addr, 6);
		p->has_mac = true;
	}
	if (proto == SLL_PROTO_802_2) {
		struct hk_cur llc = hk_cur_rest(c);
		decode_llc(d, &llc, true);
	} else if (proto <= ETH_LENGTH_MAX) {
		/* Other Linux pseudo-protocols (Novell raw 802.3, CAN, ...) */
		p->l3 = HK_L3_OTHER;
		p->l2_payload = cur_view_rest(*c, &p->l2_len);
	} else {
		decode_l2_type(d, c, proto);
	}
}

/* Linux cooked captures carry no destination MAC, only whether the frame was
 * sent to a group (1 broadcast, 2 multicast): enough to know that a
 * destination address like 10.0.0.255 is not a host. */
static void sll_note_pkttype(struct hk_pkt *p, unsigned pkttype)
{
	if (pkttype == 1 || pkttype == 2)
		p->flags |= HK_PKT_F_TO_GROUP;
}

static void decode_sll(struct dec *d, struct hk_cur *c)
{
	uint8_t addr[8];
	uint16_t hatype, halen, proto, pkttype;

	pkttype = hk_cur_be16(c);
	hatype = hk_cur_be16(c);
	halen = hk_cur_be16(c);
	hk_cur_copy(c, addr, sizeof(addr));
	proto = hk_cur_be16(c);
	if (!hk_cur_ok(c)) {
		dec_short(d, DEC_EV_SLL_TRUNC, true);
		return;
	}
	sll_note_pkttype(d->p, pkttype);
	decode_sll_common(d, c, proto, hatype, halen, addr);
}

static void decode_sll2(struct dec *d, struct hk_cur *c)
{
	uint8_t addr[8], halen, pkttype;
	uint16_t hatype, proto;

	proto = hk_cur_be16(c);
	hk_cur_skip(c, 2 + 4); /* reserved, interface index */
	hatype = hk_cur_be16(c);
	pkttype = hk_cur_u8(c);
	halen = hk_cur_u8(c);
	hk_cur_copy(c, addr, sizeof(addr));
	if (!hk_cur_ok(c)) {
		dec_short(d, DEC_EV_SLL_TRUNC, true);
		return;
	}
	sll_note_pkttype(d->p, pkttype);
	decode_sll_common(d, c, proto, hatype, halen, addr);
}

/* Raw IP has no link header; the version nibble says which IP it is. */
static void decode_raw(struct dec *d, struct hk_cur *c)
{
	struct hk_pkt *p = d->p;
	struct hk_cur peek = *c;
	uint8_t version;

	p->flags |= HK_PKT_F_LOOPBACK;
	version = hk_cur_u8(&peek) >> 4;
	if (!hk_cur_ok(&peek)) {
		dec_short(d, DEC_EV_IPV4_TRUNC, true);
		return;
	}
	if (version == 4) {
		decode_l3(d, c, ETHERTYPE_IPV4);
	} else if (version == 6) {
		decode_l3(d, c, ETHERTYPE_IPV6);
	} else {
		/* No event of its own: neither IP version is what IPv4's
		 * version check would report first. */
		dec_malformed(d, DEC_EV_IPV4_BAD_VERSION);
	}
}

/*
 * DLT_NULL is in the capturing host's byte order and DLT_LOOP in network
 * order, and files travel between hosts: the family is a small number, so a
 * value that only fits in 16 bits after swapping was written the other way.
 */
static void decode_null(struct dec *d, struct hk_cur *c)
{
	struct hk_pkt *p = d->p;
	uint32_t family;

	p->flags |= HK_PKT_F_LOOPBACK;
	family = hk_cur_be32(c);
	if (!hk_cur_ok(c)) {
		dec_short(d, DEC_EV_NULL_TRUNC, true);
		return;
	}
	if (family > 0xffff)
		family = __builtin_bswap32(family);
	switch (family) {
	case BSD_AF_INET:
		decode_l3(d, c, ETHERTYPE_IPV4);
		break;
	case BSD_AF_INET6_NETBSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		decode_l3(d, c, ETHERTYPE_IPV6);
		break;
	default:
		p->l3 = HK_L3_OTHER;
		p->l2_payload = cur_view_rest(*c, &p->l2_len);
		break;
	}
}

/* ---- entry points ------------------------------------------------------- */

static const char *const event_names[DEC_EV__MAX] = {
	[DEC_EV_LINKTYPE_UNSUPPORTED] = "linktype_unsupported",
	[DEC_EV_ETH_TRUNC] = "eth_trunc",
	[DEC_EV_VLAN_TOO_DEEP] = "vlan_too_deep",
	[DEC_EV_SLL_TRUNC] = "sll_trunc",
	[DEC_EV_NULL_TRUNC] = "null_trunc",
	[DEC_EV_ARP_TRUNC] = "arp_trunc",
	[DEC_EV_ARP_UNSUPPORTED] = "arp_unsupported",
	[DEC_EV_IPV4_TRUNC] = "ipv4_trunc",
	[DEC_EV_IPV4_BAD_VERSION] = "ipv4_bad_version",
	[DEC_EV_IPV4_BAD_HLEN] = "ipv4_bad_hlen",
	[DEC_EV_IPV4_BAD_TOTLEN] = "ipv4_bad_totlen",
	[DEC_EV_IPV4_FRAGMENT] = "ipv4_fragment",
	[DEC_EV_IPV6_TRUNC] = "ipv6_trunc",
	[DEC_EV_IPV6_BAD_VERSION] = "ipv6_bad_version",
	[DEC_EV_IPV6_EXT_TRUNC] = "ipv6_ext_trunc",
	[DEC_EV_IPV6_EXT_TOO_MANY] = "ipv6_ext_too_many",
	[DEC_EV_IPV6_FRAGMENT] = "ipv6_fragment",
	[DEC_EV_TCP_TRUNC] = "tcp_trunc",
	[DEC_EV_TCP_BAD_HLEN] = "tcp_bad_hlen",
	[DEC_EV_UDP_TRUNC] = "udp_trunc",
	[DEC_EV_UDP_BAD_LEN] = "udp_bad_len",
	[DEC_EV_ICMP_TRUNC] = "icmp_trunc",
	[DEC_EV_LLC_TRUNC] = "llc_trunc",
};

const char *decode_event_name(enum decode_event ev)
{
	if ((unsigned)ev >= DEC_EV__MAX || !event_names[ev])
		return "unknown";
	return event_names[ev];
}

bool decode_linktype_supported(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case LINKTYPE_RAW_IP:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
		return true;
	default:
		return false;
	}
}

/*
 * Zeroes the packet in pieces of 64 bytes: GCC's generic tuning turns one
 * memset of the whole struct (200+ bytes) into a rep stosq, and its start-up
 * and the stores to the packet right after it, which wait for it, were half
 * of decode_frame's samples and a fifth of decode_l3's (perf record -e
 * cpu-clock). A 64-byte memset is expanded into four vector stores.
 */
static void pkt_clear(struct hk_pkt *p)
{
	unsigned char *b = (unsigned char *)p;
	size_t i = 0;

	for (; i + 64 <= sizeof(*p); i += 64)
		memset(b + i, 0, 64);
	memset(b + i, 0, sizeof(*p) - i);
}

int decode_frame(int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		 uint64_t ts_usec, struct hk_pkt *ret, struct decode_stats *stats)
{
	/* A cursor over a NULL base would hand out NULL+0 views. */
	static const uint8_t empty[1];
	struct decode_stats scratch;
	struct dec d = {.p = ret, .st = stats};
	struct hk_cur c;

	/* cleared only when used: zeroing these counters on every frame was a
	 * third of decode_frame's own time (docs/performance.md) */
	if (!stats) {
		memset(&scratch, 0, sizeof(scratch));
		d.st = &scratch;
	}
	if (!data) {
		data = empty;
		caplen = 0;
	}
	pkt_clear(ret);
	ret->ts_usec = ts_usec;
	ret->caplen = caplen;
	ret->wirelen = wirelen;
	ret->linktype = linktype;
	d.st->frames++;
	c = hk_cur_init(data, caplen);

	switch (linktype) {
	case DLT_EN10MB:
		decode_eth(&d, &c);
		break;
	case DLT_LINUX_SLL:
		decode_sll(&d, &c);
		break;
	case DLT_LINUX_SLL2:
		decode_sll2(&d, &c);
		break;
	case DLT_RAW:
	case LINKTYPE_RAW_IP:
		decode_raw(&d, &c);
		break;
	case DLT_IPV4:
		ret->flags |= HK_PKT_F_LOOPBACK;
		decode_l3(&d, &c, ETHERTYPE_IPV4);
		break;
	case DLT_IPV6:
		ret->flags |= HK_PKT_F_LOOPBACK;
		decode_l3(&d, &c, ETHERTYPE_IPV6);
		break;
	case DLT_NULL:
	case DLT_LOOP:
		decode_null(&d, &c);
		break;
	default:
		dec_event(&d, DEC_EV_LINKTYPE_UNSUPPORTED);
		return -1;
	}
	return 0;
}
