/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap_rename: one repetition of a capture with its hosts renamed, for
 * make-mixed.sh. A capture repeated as it is shows every tool the same
 * 5-tuples again in each repetition: nDPI's reader keeps its flows (it does
 * not expire them), an inventory finds no new devices, and a big "mixed"
 * file measures a small one read many times. Renamed with a repetition
 * number K, each repetition is a network of its own.
 *
 * Usage: pcap_rename [-q] K IN OUT      (1 <= K <= 255)
 *        pcap_rename --version
 * IN is pcap or pcapng (anything libpcap reads), OUT is written as pcap with
 * microsecond timestamps by pcap_dump. One summary line goes to standard
 * error unless -q. Exit status 0, 1 on an I/O error, 2 on a usage error.
 *
 * References: IEEE 802.3-2018 3.2.6 (Length/Type), IEEE 802.1Q-2018 9.5
 * (tags), RFC 826 (ARP), RFC 791 (IPv4), RFC 8200 sec. 4 and 8.1 (extension
 * headers, the upper-layer pseudo-header), RFC 4861 sec. 4.3-4.4 and 4.6.1
 * (NS, NA, link-layer address options), RFC 4291 2.7.1 (solicited-node
 * groups), RFC 2464 sec. 7 (IPv6 multicast MACs 33:33:xx), RFC 1624 eq. 3
 * (incremental checksum update), RFC 768 (UDP checksum 0 = none).
 *
 * What changes, with b = (167 * K) mod 256 (odd multiplier: K = 1..255 give
 * 255 distinct non-zero bytes):
 *
 *   MAC  aa:bb:cc:dd:ee:ff   -> dd^b ee^b ff^b; the OUI stays, so vendor
 *        attribution still works. Group MACs (broadcast, multicast) and
 *        00:00:00:00:00:00 stay, except 33:33:ff:xx:xx:xx (an IPv6
 *        solicited-node group), whose low 24 bits follow the address.
 *   IPv4 a.b.c.d             -> a.b.(c^b).d: the /16 stays (so 10/8,
 *        172.16/12, 192.168/16 stay private and public stays public), every
 *        prefix grouping stays (an XOR with a constant keeps equal prefixes
 *        equal), and the last octet stays so .0, .1 and .255 keep their
 *        usual meaning. 0/8, 127/8 and 224/3 (multicast, reserved,
 *        broadcast) stay.
 *   IPv6 the low 32 bits XOR 0x00bbbbbb, the same low 24 bits as the MAC,
 *        so an EUI-64 interface ID still matches its renamed MAC. ::, ::1
 *        and multicast stay, except ff02::1:ffxx:xxxx (solicited-node,
 *        renamed like the address it stands for); ::ffff:a.b.c.d follows
 *        the IPv4 rule. Link-local fe80::/10 is renamed: it is per host.
 *
 * Where: the Ethernet header (after up to RENAME_VLAN_MAX 802.1Q/802.1ad
 * tags), the ARP sender/target fields (Ethernet/IPv4 ARP only), the IPv4
 * and IPv6 headers, and the target address and link-layer address options
 * of ICMPv6 router/neighbour solicitations and advertisements. Payloads of
 * other protocols (DHCP chaddr, LLDP chassis IDs, ...) keep the old values.
 *
 * Checksums: the IPv4 header checksum and the TCP, UDP and ICMPv6 checksums
 * (whose pseudo-header holds the addresses) are updated incrementally
 * (RFC 1624), only on first fragments, and only where the checksum field is
 * in the captured bytes. A checksum that was right stays right; one that
 * was wrong (offloading on the capturing host) stays wrong by as much. A
 * UDP checksum of 0 (none, IPv4) stays 0.
 *
 * Frames of other link types than Ethernet are copied unchanged and counted,
 * and so are frames whose headers are cut short (what was captured of them
 * is renamed up to the cut).
 *
 * Packet bytes are read only through the bounded cursor; writes go through
 * buf_put(), which has the same bounds test.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/cursor.h"

#define RENAME_K_MAX 255
#define RENAME_VLAN_MAX 4    /* tags looked through; more: the frame is left after its MACs */
#define RENAME_IP6_EXT_MAX 8 /* IPv6 extension headers walked */
#define RENAME_ND_OPT_MAX 16 /* ICMPv6 ND options walked */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_IPV6 0x86dd

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58

struct rename_stats {
	uint64_t frames, frames_other_link, frames_truncated;
	uint64_t macs, ipv4, ipv6, arp;
	uint64_t csum_ip, csum_l4, csum_l4_left; /* left: not captured, or a later fragment */
};

struct rename {
	uint8_t b;
	struct rename_stats st;
};

/* The one bounds test for writes, as the cursor's for reads. */
static bool buf_put(uint8_t *buf, size_t len, size_t off, const void *src, size_t n)
{
	if (off > len || n > len - off)
		return false;
	memcpy(buf + off, src, n);
	return true;
}

/*
 * A running RFC 1624 difference: for every 16-bit word that changes from m
 * to m', add ~m and m'. All changed fields here start at even offsets of the
 * checksummed data, so words line up.
 */
static void csum_delta(uint32_t *acc, const uint8_t *old, const uint8_t *new, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2) {
		*acc += (uint16_t) ~(uint16_t)((old[i] << 8) | old[i + 1]);
		*acc += (uint16_t)((new[i] << 8) | new[i + 1]);
	}
}

/* HC' = ~(~HC + sum(~m + m')), folded (RFC 1624 eq. 3). */
static uint16_t csum_apply(uint16_t hc, uint32_t acc)
{
	uint32_t s = (uint16_t)~hc + acc;

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void mac_rename(struct rename *r, uint8_t m[6])
{
	static const uint8_t zero[6];

	if (m[0] == 0x33 && m[1] == 0x33 && m[2] == 0xff) {
		/* the group of ff02::1:ffxx:xxxx, which is renamed with its address */
	} else if ((m[0] & 1) || memcmp(m, zero, 6) == 0) {
		return;
	}
	m[3] ^= r->b;
	m[4] ^= r->b;
	m[5] ^= r->b;
	r->st.macs++;
}

static bool ip4_rename(struct rename *r, uint8_t a[4])
{
	if (a[0] == 0 || a[0] == 127 || a[0] >= 224)
		return false;
	a[2] ^= r->b;
	r->st.ipv4++;
	return true;
}

static bool ip6_rename(struct rename *r, uint8_t a[16])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t solicited[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};
	static const uint8_t zero15[15];

	if (memcmp(a, mapped, 12) == 0) {
		if (!ip4_rename(r, a + 12))
			return false;
		r->st.ipv4--;
		r->st.ipv6++;
		return true;
	}
	if (memcmp(a, zero15, 15) == 0 && (a[15] == 0 || a[15] == 1))
		return false; /* :: and ::1 */
	if (a[0] == 0xff && memcmp(a, solicited, 13) != 0)
		return false;
	a[13] ^= r->b;
	a[14] ^= r->b;
	a[15] ^= r->b;
	r->st.ipv6++;
	return true;
}

/* Where the cursor stands, as an offset into the frame; SIZE_MAX (which
 * buf_put refuses) for a failed cursor, whose window may be another object. */
static size_t cur_at(const struct hk_cur *c, const uint8_t *buf)
{
	if (c->err)
		return SIZE_MAX;
	return (size_t)(c->base - buf) + c->off;
}

/* Renames the MAC at the cursor and writes it back; c moves past it. */
static void put_mac(struct rename *r, struct hk_cur *c, uint8_t *buf, size_t len)
{
	size_t off = cur_at(c, buf);
	uint8_t m[6];

	if (!hk_cur_copy(c, m, 6))
		return;
	mac_rename(r, m);
	buf_put(buf, len, off, m, 6);
}

static void do_arp(struct rename *r, struct hk_cur c, uint8_t *buf, size_t len)
{
	uint16_t htype = hk_cur_be16(&c), ptype = hk_cur_be16(&c);
	uint8_t hlen = hk_cur_u8(&c), plen = hk_cur_u8(&c);
	uint8_t ip[4];

	hk_cur_skip(&c, 2); /* operation */
	if (!hk_cur_ok(&c) || htype != 1 || ptype != ETHERTYPE_IPV4 || hlen != 6 || plen != 4)
		return;
	for (int i = 0; i < 2; i++) { /* sender, then target */
		size_t off;

		put_mac(r, &c, buf, len);
		off = cur_at(&c, buf);
		if (!hk_cur_copy(&c, ip, 4)) {
			r->st.frames_truncated++;
			return;
		}
		if (ip4_rename(r, ip))
			buf_put(buf, len, off, ip, 4);
	}
	if (!hk_cur_ok(&c))
		r->st.frames_truncated++;
	else
		r->st.arp++;
}

/*
 * Writes the changed L4 checksum that c stands at. A UDP checksum of 0 means
 * "none" over IPv4 (and is invalid over IPv6) and stays 0; a computed 0 is
 * sent as 0xffff (RFC 768).
 */
static void put_l4_csum(struct rename *r, struct hk_cur c, uint8_t *buf, size_t len, uint32_t acc,
			uint8_t proto)
{
	size_t at = cur_at(&c, buf);
	uint16_t hc = hk_cur_be16(&c), nc;
	uint8_t w[2];

	if (!hk_cur_ok(&c)) {
		r->st.csum_l4_left++;
		return;
	}
	if (proto == IPPROTO_UDP_ && hc == 0)
		return;
	nc = csum_apply(hc, acc);
	if (proto == IPPROTO_UDP_ && nc == 0)
		nc = 0xffff;
	w[0] = (uint8_t)(nc >> 8);
	w[1] = (uint8_t)nc;
	buf_put(buf, len, at, w, 2);
	r->st.csum_l4++;
}

/* The L4 header at c (a first fragment); acc holds the pseudo-header's change. */
static void do_l4(struct rename *r, struct hk_cur c, uint8_t *buf, size_t len, uint8_t proto, uint32_t acc)
{
	struct hk_cur cs = c;

	switch (proto) {
	case IPPROTO_TCP_:
		hk_cur_skip(&cs, 16);
		break;
	case IPPROTO_UDP_:
		hk_cur_skip(&cs, 6);
		break;
	case IPPROTO_ICMPV6_: {
		/* RS 133, RA 134, NS 135, NA 136: options from 8, 16, 24, 24 */
		static const size_t opt_at[4] = {8, 16, 24, 24};
		struct hk_cur m = c;
		uint8_t type = hk_cur_u8(&m), a[16], old[16];
		size_t off;

		hk_cur_skip(&cs, 2);
		if (!hk_cur_ok(&m) || type < 133 || type > 136)
			break;
		m = c;
		if (type >= 135) {
			hk_cur_skip(&m, 8);
			off = cur_at(&m, buf);
			if (hk_cur_copy(&m, a, 16)) {
				memcpy(old, a, 16);
				if (ip6_rename(r, a)) {
					csum_delta(&acc, old, a, 16);
					buf_put(buf, len, off, a, 16);
				}
			}
		}
		m = c;
		hk_cur_skip(&m, opt_at[type - 133]);
		for (int i = 0; i < RENAME_ND_OPT_MAX && hk_cur_left(&m) >= 8; i++) {
			uint8_t ot = hk_cur_u8(&m), ol = hk_cur_u8(&m);
			struct hk_cur o;

			if (ol == 0)
				break; /* RFC 4861 4.6: a zero length is invalid */
			o = hk_cur_sub(&m, (size_t)ol * 8 - 2);
			if (!hk_cur_ok(&m))
				break;
			if (ot == 1 || ot == 2) { /* source / target link-layer address */
				off = cur_at(&o, buf);
				if (hk_cur_copy(&o, a, 6)) {
					memcpy(old, a, 6);
					mac_rename(r, a);
					if (memcmp(old, a, 6) != 0) {
						csum_delta(&acc, old, a, 6);
						buf_put(buf, len, off, a, 6);
					}
				}
			}
		}
		break;
	}
	default:
		return; /* no pseudo-header checksum */
	}
	put_l4_csum(r, cs, buf, len, acc, proto);
}

static void do_ipv4(struct rename *r, struct hk_cur c, uint8_t *buf, size_t len)
{
	struct hk_cur h = c;
	uint8_t vihl = hk_cur_u8(&h), proto, a[8], old[8], w[2];
	uint16_t frag, hc;
	size_t ihl, csum_at, addr_at;
	uint32_t acc = 0;
	bool changed;

	if (!hk_cur_ok(&h) || (vihl >> 4) != 4 || (vihl & 0x0f) < 5)
		return;
	ihl = (size_t)(vihl & 0x0f) * 4;
	h = hk_cur_sub(&c, ihl); /* c is now at the L4 header */
	if (!hk_cur_ok(&h)) {
		r->st.frames_truncated++;
		return;
	}
	hk_cur_skip(&h, 6);
	frag = hk_cur_be16(&h);
	hk_cur_skip(&h, 1);
	proto = hk_cur_u8(&h);
	csum_at = cur_at(&h, buf);
	hc = hk_cur_be16(&h);
	addr_at = cur_at(&h, buf);
	hk_cur_copy(&h, a, 8);
	if (!hk_cur_ok(&h))
		return;
	memcpy(old, a, 8);
	changed = ip4_rename(r, a);
	changed = ip4_rename(r, a + 4) || changed;
	if (!changed)
		return;
	csum_delta(&acc, old, a, 8);
	hc = csum_apply(hc, acc);
	w[0] = (uint8_t)(hc >> 8);
	w[1] = (uint8_t)hc;
	buf_put(buf, len, addr_at, a, 8);
	buf_put(buf, len, csum_at, w, 2);
	r->st.csum_ip++;
	if ((frag & 0x1fff) != 0) {
		if (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_)
			r->st.csum_l4_left++;
		return;
	}
	do_l4(r, c, buf, len, proto, acc);
}

static void do_ipv6(struct rename *r, struct hk_cur c, uint8_t *buf, size_t len)
{
	struct hk_cur h = hk_cur_sub(&c, 40); /* c is now past the fixed header */
	uint8_t v = hk_cur_u8(&h), next, a[32], old[32];
	size_t addr_at;
	uint32_t acc = 0;
	bool changed;

	if (!hk_cur_ok(&h)) {
		r->st.frames_truncated++;
		return;
	}
	if ((v >> 4) != 6)
		return;
	hk_cur_skip(&h, 5);
	next = hk_cur_u8(&h);
	hk_cur_skip(&h, 1);
	addr_at = cur_at(&h, buf);
	hk_cur_copy(&h, a, 32);
	if (!hk_cur_ok(&h))
		return;
	memcpy(old, a, 32);
	changed = ip6_rename(r, a);
	changed = ip6_rename(r, a + 16) || changed;
	if (changed) {
		csum_delta(&acc, old, a, 32);
		buf_put(buf, len, addr_at, a, 32);
	}
	for (int i = 0; i < RENAME_IP6_EXT_MAX; i++) {
		struct hk_cur e = c;
		uint8_t nx = hk_cur_u8(&e), el = hk_cur_u8(&e);
		size_t n;

		switch (next) {
		case 0: case 43: case 60: /* hop-by-hop, routing, destination options */
			n = ((size_t)el + 1) * 8;
			break;
		case 51: /* AH */
			n = ((size_t)el + 2) * 4;
			break;
		case 44: { /* fragment */
			uint16_t off = hk_cur_be16(&e);
			if (hk_cur_ok(&e) && (off >> 3) != 0) {
				r->st.csum_l4_left++;
				return;
			}
			n = 8;
			break;
		}
		default:
			if (changed || next == IPPROTO_ICMPV6_)
				do_l4(r, c, buf, len, next, acc);
			return;
		}
		if (!hk_cur_ok(&e))
			break;
		hk_cur_skip(&c, n);
		if (!hk_cur_ok(&c))
			break;
		next = nx;
	}
	r->st.csum_l4_left++;
}

static void rename_frame(struct rename *r, uint8_t *buf, size_t len)
{
	struct hk_cur c = hk_cur_init(buf, len);
	uint16_t type;
	int n_tag = 0;

	put_mac(r, &c, buf, len);
	put_mac(r, &c, buf, len);
	type = hk_cur_be16(&c);
	while (hk_cur_ok(&c) && (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) &&
	       n_tag++ < RENAME_VLAN_MAX) {
		hk_cur_skip(&c, 2);
		type = hk_cur_be16(&c);
	}
	if (!hk_cur_ok(&c)) {
		r->st.frames_truncated++;
		return;
	}
	switch (type) {
	case ETHERTYPE_ARP:
		do_arp(r, c, buf, len);
		break;
	case ETHERTYPE_IPV4:
		do_ipv4(r, c, buf, len);
		break;
	case ETHERTYPE_IPV6:
		do_ipv6(r, c, buf, len);
		break;
	default:
		break; /* 802.3 lengths (LLC), other ethertypes: the MACs only */
	}
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE], *end;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	struct rename r;
	uint8_t *buf = NULL;
	size_t buf_len = 0;
	pcap_t *in, *dead;
	pcap_dumper_t *out;
	bool quiet = false;
	unsigned long k;
	int argi = 1, link, rc;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("%s\n", pcap_lib_version());
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "-q") == 0) {
		quiet = true;
		argi++;
	}
	if (argc - argi != 3) {
		fprintf(stderr, "usage: %s [-q] K IN OUT   (K = 1..%d, the repetition number)\n", argv[0],
			RENAME_K_MAX);
		return 2;
	}
	k = strtoul(argv[argi], &end, 10);
	if (*argv[argi] == '\0' || *end != '\0' || k < 1 || k > RENAME_K_MAX) {
		fprintf(stderr, "%s: K must be a whole number from 1 to %d, not '%s'\n", argv[0], RENAME_K_MAX,
			argv[argi]);
		return 2;
	}
	memset(&r, 0, sizeof(r));
	r.b = (uint8_t)(167u * k);

	errbuf[0] = '\0';
	in = pcap_open_offline(argv[argi + 1], errbuf);
	if (!in) {
		fprintf(stderr, "%s: %s\n", argv[argi + 1], errbuf);
		return 1;
	}
	link = pcap_datalink(in);
	dead = pcap_open_dead(link, pcap_snapshot(in));
	if (!dead) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return 1;
	}
	out = pcap_dump_open(dead, argv[argi + 2]);
	if (!out) {
		fprintf(stderr, "%s: %s; choose a writable OUT\n", argv[argi + 2], pcap_geterr(dead));
		return 1;
	}
	while ((rc = pcap_next_ex(in, &hdr, &data)) == 1) {
		size_t len = hdr->caplen;

		r.st.frames++;
		if (link != DLT_EN10MB || len == 0) {
			r.st.frames_other_link += link != DLT_EN10MB;
			pcap_dump((u_char *)out, hdr, data);
			continue;
		}
		if (len > buf_len) {
			uint8_t *nb = realloc(buf, len);
			if (!nb) {
				fprintf(stderr, "%s: out of memory for a frame of %zu bytes\n", argv[0], len);
				return 1;
			}
			buf = nb;
			buf_len = len;
		}
		memcpy(buf, data, len);
		rename_frame(&r, buf, len);
		pcap_dump((u_char *)out, hdr, buf);
	}
	if (rc == PCAP_ERROR)
		fprintf(stderr, "%s: warning: %s: stopped after %" PRIu64 " frames: %s\n", argv[0], argv[argi + 1],
			r.st.frames, pcap_geterr(in));
	if (pcap_dump_flush(out) < 0) {
		fprintf(stderr, "%s: cannot write %s; check free space\n", argv[0], argv[argi + 2]);
		return 1;
	}
	pcap_dump_close(out);
	pcap_close(dead);
	pcap_close(in);
	free(buf);
	if (!quiet)
		fprintf(stderr,
			"%s: K=%lu (byte 0x%02x): %" PRIu64 " frames, %" PRIu64 " of another link type left as they are, %" PRIu64
			" cut short; renamed %" PRIu64 " MACs, %" PRIu64 " IPv4 and %" PRIu64 " IPv6 addresses, %" PRIu64
			" ARP packets; updated %" PRIu64 " IPv4 header and %" PRIu64 " TCP/UDP/ICMPv6 checksums, %" PRIu64
			" not captured or in later fragments\n",
			argv[argi + 2], k, r.b, r.st.frames, r.st.frames_other_link, r.st.frames_truncated, r.st.macs,
			r.st.ipv4, r.st.ipv6, r.st.arp, r.st.csum_ip, r.st.csum_l4, r.st.csum_l4_left);
	return 0;
}
