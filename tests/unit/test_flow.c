/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flow table (src/flow/flow.c): the symmetric key, who the client is,
 * per-direction counters, idle expiry in packet time, LRU eviction at the
 * cap, flush. flow_table_get reads only the decoded fields of a packet, so
 * the packets here are struct hk_pkt values built by hand, without bytes.
 */
#include "flow/flow.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* 2024-03-01T00:00:00Z: packet times look like a real capture's */
#define T0 1709251200000000ull
#define SEC 1000000ull
#define ENDED_MAX 16

#define PROTO_TCP 6
#define PROTO_UDP 17

/* What the end callback saw: a copy of each ended flow. */
struct ended {
	struct flow f[ENDED_MAX];
	size_t n;
};

static void on_end(struct flow *f, void *userdata)
{
	struct ended *e = userdata;

	ck_assert_uint_lt(e->n, ENDED_MAX);
	e->f[e->n++] = *f;
}

static void addr4(struct hk_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->a[0] = b0;
	a->a[1] = b1;
	a->a[2] = b2;
	a->a[3] = b3;
}

/* 10.0.0.host */
static struct hk_addr ip4(uint8_t host)
{
	struct hk_addr a;

	addr4(&a, 10, 0, 0, host);
	return a;
}

static struct hk_addr ip6(const char *s)
{
	struct hk_addr a;

	ck_assert_msg(hk_addr_parse(s, &a), "cannot parse %s", s);
	ck_assert_int_eq(a.family, 6);
	return a;
}

static struct hk_pkt pkt(struct hk_addr src, uint16_t sport, struct hk_addr dst, uint16_t dport, uint8_t proto,
			 uint8_t tcp_flags, uint64_t ts, uint32_t wirelen)
{
	struct hk_pkt p;

	memset(&p, 0, sizeof(p));
	p.ts_usec = ts;
	p.caplen = p.wirelen = wirelen;
	p.linktype = 1; /* DLT_EN10MB */
	p.l3 = src.family == 6 ? HK_L3_IPV6 : HK_L3_IPV4;
	p.ethertype = src.family == 6 ? 0x86dd : 0x0800;
	p.src_ip = src;
	p.dst_ip = dst;
	p.ip_proto = proto;
	p.ttl = 64;
	p.has_l4 = true;
	p.sport = sport;
	p.dport = dport;
	p.tcp_flags = tcp_flags;
	return p;
}

static struct flow *get(struct flow_table *ft, const struct hk_pkt *p, int *ret_dir, bool *ret_new)
{
	struct flow *f = flow_table_get(ft, p, ret_dir, ret_new);

	ck_assert_ptr_nonnull(f);
	return f;
}

/* Both directions of one TCP connection are one flow; the sender index flips. */
START_TEST(tcp_both_directions_one_flow)
{
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	struct hk_pkt syn = pkt(ip4(1), 51000, ip4(2), 502, PROTO_TCP, HK_TCP_SYN, T0, 74);
	struct hk_pkt synack = pkt(ip4(2), 502, ip4(1), 51000, PROTO_TCP, HK_TCP_SYN | HK_TCP_ACK, T0 + 100, 74);
	struct hk_pkt ack = pkt(ip4(1), 51000, ip4(2), 502, PROTO_TCP, HK_TCP_ACK, T0 + 200, 66);
	struct flow *f1, *f2, *f3;
	int d1, d2, d3;
	bool n1, n2, n3;

	ck_assert_ptr_nonnull(ft);
	f1 = get(ft, &syn, &d1, &n1);
	f2 = get(ft, &synack, &d2, &n2);
	f3 = get(ft, &ack, &d3, &n3);
	ck_assert_ptr_eq(f1, f2);
	ck_assert_ptr_eq(f1, f3);
	ck_assert(n1);
	ck_assert(!n2);
	ck_assert(!n3);
	/* 10.0.0.1 is the lower address: key endpoint 0 */
	ck_assert_int_eq(d1, 0);
	ck_assert_int_eq(d2, 1);
	ck_assert_int_eq(d3, 0);
	ck_assert_int_eq(f1->key.family, 4);
	ck_assert_int_eq(f1->key.proto, PROTO_TCP);
	ck_assert_uint_eq(f1->key.port[0], 51000);
	ck_assert_uint_eq(f1->key.port[1], 502);
	ck_assert_mem_eq(f1->key.ip[0], ((uint8_t[]){10, 0, 0, 1}), 4);
	ck_assert_mem_eq(f1->key.ip[1], ((uint8_t[]){10, 0, 0, 2}), 4);
	ck_assert_uint_eq(f1->tcp_flags_seen[0], HK_TCP_SYN | HK_TCP_ACK);
	ck_assert_uint_eq(f1->tcp_flags_seen[1], HK_TCP_SYN | HK_TCP_ACK);
	ck_assert_uint_eq(f1->first_seen, T0);
	ck_assert_uint_eq(f1->last_seen, T0 + 200);
	ck_assert_uint_eq(flow_table_stats(ft)->created, 1);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 1);
	flow_table_free(ft);
}
END_TEST

/* The SYN sender is the client, also when it is key endpoint 1. */
START_TEST(tcp_client_is_syn_sender)
{
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	/* 10.0.0.9 > 10.0.0.2, so the client is key endpoint 1 */
	struct hk_pkt syn = pkt(ip4(9), 40000, ip4(2), 8080, PROTO_TCP, HK_TCP_SYN, T0, 74);
	struct hk_pkt synack = pkt(ip4(2), 8080, ip4(9), 40000, PROTO_TCP, HK_TCP_SYN | HK_TCP_ACK, T0 + 1, 74);
	struct hk_pkt data = pkt(ip4(2), 8080, ip4(9), 40000, PROTO_TCP, HK_TCP_ACK | HK_TCP_PSH, T0 + 2, 200);
	struct flow *f;
	int dir;
	bool is_new;

	f = get(ft, &syn, &dir, &is_new);
	ck_assert_int_eq(dir, 1);
	ck_assert_int_eq(f->client, 1);
	ck_assert_int_eq(f->client_basis, FLOW_CLIENT_SYN);
	ck_assert_uint_eq(flow_server_port(f), 8080);
	/* later packets do not move a SYN-based decision */
	get(ft, &synack, &dir, &is_new);
	get(ft, &data, &dir, &is_new);
	ck_assert_int_eq(f->client, 1);
	ck_assert_int_eq(f->client_basis, FLOW_CLIENT_SYN);
	ck_assert_uint_eq(flow_server_port(f), 8080);
	flow_table_free(ft);
}
END_TEST

/* Joined after the SYN: the side that receives the SYN+ACK is the client. */
START_TEST(tcp_client_from_synack)
{
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	/* the server is 10.0.0.1 (endpoint 0) on a high port, the client on a
	 * low one: only the handshake can tell */
	struct hk_pkt synack = pkt(ip4(1), 40000, ip4(2), 700, PROTO_TCP, HK_TCP_SYN | HK_TCP_ACK, T0, 74);
	struct hk_pkt ack = pkt(ip4(2), 700, ip4(1), 40000, PROTO_TCP, HK_TCP_ACK, T0 + 1, 66);
	struct flow *f;
	int dir;
	bool is_new;

	f = get(ft, &synack, &dir, &is_new);
	ck_assert_int_eq(dir, 0);
	ck_assert_int_eq(f->client, 1);
	ck_assert_int_eq(f->client_basis, FLOW_CLIENT_SYNACK);
	ck_assert_uint_eq(flow_server_port(f), 40000);
	get(ft, &ack, &dir, &is_new);
	ck_assert_int_eq(dir, 1);
	ck_assert_int_eq(f->client, 1);
	ck_assert_int_eq(f->client_basis, FLOW_CLIENT_SYNACK);
	flow_table_free(ft);
}
END_TEST

/* Mid-connection TCP without a handshake falls back to the ports, and a
 * later SYN (which is stronger evidence) overrides that. */
START_TEST(tcp_midstream_port_then_syn)
{
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	struct hk_pkt resp = pkt(ip4(1), 502, ip4(2), 51000, PROTO_TCP, HK_TCP_ACK, T0, 66);
	struct hk_pkt syn = pkt(ip4(2), 51000, ip4(1), 502, PROTO_TCP, HK_TCP_SYN, T0 + 1, 74);
	struct flow *f;
	int dir;
	bool is_new;

	f = get(ft, &resp, &dir, &is_new);
	ck_assert_int_eq(dir, 0);
	ck_assert_int_eq(f->client, 1);
	ck_assert_int_eq(f->client_basis, FLOW_CLIENT_PORT);
	ck_assert_uint_eq(flow_server_port(f), 502);
	get(ft, &syn, &dir, &is_new);
	ck_assert_int_eq(f->client, 1);
	ck_assert_int_eq(f->client_basis, FLOW_CLIENT_SYN);
	flow_table_free(ft);
}
END_TEST

/* UDP 51000 → 53: the port-53 side is the server, whichever packet came first. */
START_TEST(udp_client_by_port)
{
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	struct hk_pkt query = pkt(ip4(7), 51000, ip4(3), 53, PROTO_UDP, 0, T0, 80);
	struct hk_pkt answer = pkt(ip4(3), 53, ip4(7), 51000, PROTO_UDP, 0, T0 + 5, 120);
	struct flow *f;
	int dir;
	bool is_new;

	/* query first: 10.0.0.7 sends, and is key endpoint 1 */
	f = get(ft, &query, &dir, &is_new);
	ck_assert_int_eq(dir, 1);
	ck_assert_int_eq(f->client, 1);
	ck_assert_int_eq(f->client_basis, FLOW_CLIENT_PORT);
	ck_assert_uint_eq(flow_server_port(f), 53);
	ck_assert_uint_eq(f->tcp_flags_seen[0] | f->tcp_flags_seen[1], 0);
	get(ft, &answer, &dir, &is_new);
	ck_assert_int_eq(f->client, 1);
	ck_assert_uint_eq(flow_server_port(f), 53);
	flow_table_free(ft);

	/* only the answer seen (the query was before the capture started) */
	ft = flow_table_new(16, 0, NULL, NULL);
	f = get(ft, &answer, &dir, &is_new);
	ck_assert_int_eq(dir, 0);
	ck_assert_int_eq(f->client, 1);
	ck_assert_int_eq(f->client_basis, FLOW_CLIENT_PORT);
	ck_assert_uint_eq(flow_server_port(f), 53);
	flow_table_free(ft);
}
END_TEST

/* Two high ports: the first sender is taken as the client, and says so. */
START_TEST(udp_client_first_sender)
{
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	struct hk_pkt a = pkt(ip4(5), 40001, ip4(6), 40002, PROTO_UDP, 0, T0, 60);
	struct hk_pkt b = pkt(ip4(6), 40002, ip4(5), 40001, PROTO_UDP, 0, T0 + 1, 60);
	struct flow *f;
	int dir;
	bool is_new;

	f = get(ft, &a, &dir, &is_new);
	ck_assert_int_eq(f->client, 0);
	ck_assert_int_eq(f->client_basis, FLOW_CLIENT_FIRST);
	ck_assert_uint_eq(flow_server_port(f), 40002);
	get(ft, &b, &dir, &is_new);
	ck_assert_int_eq(f->client, 0);
	ck_assert_int_eq(f->client_basis, FLOW_CLIENT_FIRST);
	flow_table_free(ft);
}
END_TEST

START_TEST(non_ip_gets_no_flow)
{
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	struct hk_pkt p = pkt(ip4(1), 1, ip4(2), 2, PROTO_UDP, 0, T0, 60);
	int dir = 42;
	bool is_new = true;

	p.l3 = HK_L3_ARP;
	ck_assert_ptr_null(flow_table_get(ft, &p, &dir, &is_new));
	p.l3 = HK_L3_OTHER;
	ck_assert_ptr_null(flow_table_get(ft, &p, &dir, &is_new));
	p.l3 = HK_L3_NONE;
	ck_assert_ptr_null(flow_table_get(ft, &p, &dir, &is_new));
	/* IPv4 claimed but no address decoded */
	p.l3 = HK_L3_IPV4;
	memset(&p.src_ip, 0, sizeof(p.src_ip));
	ck_assert_ptr_null(flow_table_get(ft, &p, &dir, &is_new));
	/* out-parameters are written only on success */
	ck_assert_int_eq(dir, 42);
	ck_assert(is_new);
	ck_assert_uint_eq(flow_table_stats(ft)->created, 0);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 0);
	flow_table_free(ft);
}
END_TEST

START_TEST(counters_per_direction)
{
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	struct hk_pkt req = pkt(ip4(1), 51000, ip4(2), 502, PROTO_TCP, HK_TCP_ACK | HK_TCP_PSH, T0, 78);
	struct hk_pkt resp = pkt(ip4(2), 502, ip4(1), 51000, PROTO_TCP, HK_TCP_ACK | HK_TCP_PSH, T0 + 10, 1000);
	struct flow *f = NULL;
	int dir;
	bool is_new;

	for (int i = 0; i < 3; i++)
		f = get(ft, &req, &dir, &is_new);
	for (int i = 0; i < 2; i++)
		get(ft, &resp, &dir, &is_new);
	ck_assert_uint_eq(f->pkts[0], 3);
	ck_assert_uint_eq(f->bytes[0], 3 * 78);
	ck_assert_uint_eq(f->pkts[1], 2);
	ck_assert_uint_eq(f->bytes[1], 2 * 1000);
	/* bytes are wire lengths, not what was captured */
	req.caplen = 60;
	get(ft, &req, &dir, &is_new);
	ck_assert_uint_eq(f->bytes[0], 4 * 78);
	flow_table_free(ft);
}
END_TEST

/* Each endpoint's MAC is the one it sent from; a multicast destination MAC
 * is never taken as an endpoint's own. */
START_TEST(endpoints_learned_from_senders)
{
	static const uint8_t mac_a[6] = {0x00, 0x1b, 0x1b, 0x00, 0x00, 0x01};
	static const uint8_t mac_b[6] = {0x00, 0x0e, 0x8c, 0x00, 0x00, 0x02};
	static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	struct hk_pkt ab = pkt(ip4(1), 51000, ip4(2), 502, PROTO_TCP, HK_TCP_SYN, T0, 74);
	struct hk_pkt ba = pkt(ip4(2), 502, ip4(1), 51000, PROTO_TCP, HK_TCP_SYN | HK_TCP_ACK, T0 + 1, 74);
	struct hk_pkt mdns;
	struct hk_addr group;
	struct flow *f;
	int dir;
	bool is_new;

	ab.has_mac = ba.has_mac = ab.has_dst_mac = ba.has_dst_mac = true;
	memcpy(ab.src_mac, mac_a, 6);
	memcpy(ab.dst_mac, mac_b, 6);
	memcpy(ba.src_mac, mac_b, 6);
	memcpy(ba.dst_mac, mac_a, 6);
	f = get(ft, &ab, &dir, &is_new);
	ck_assert(f->ep_sent[0]);
	ck_assert(!f->ep_sent[1]);
	ck_assert(f->ep[0].has_mac);
	ck_assert_mem_eq(f->ep[0].mac, mac_a, 6);
	ck_assert(hk_addr_eq(&f->ep[0].ip, &ab.src_ip));
	/* the receiver is known from the destination fields until it sends */
	ck_assert(f->ep[1].has_mac);
	ck_assert_mem_eq(f->ep[1].mac, mac_b, 6);
	ck_assert(hk_addr_eq(&f->ep[1].ip, &ab.dst_ip));
	get(ft, &ba, &dir, &is_new);
	ck_assert(f->ep_sent[1]);
	ck_assert_mem_eq(f->ep[1].mac, mac_b, 6);
	ck_assert_mem_eq(f->ep[0].mac, mac_a, 6);

	addr4(&group, 224, 0, 0, 251);
	mdns = pkt(ip4(1), 5353, group, 5353, PROTO_UDP, 0, T0 + 2, 100);
	mdns.has_mac = mdns.has_dst_mac = true;
	memcpy(mdns.src_mac, mac_a, 6);
	memcpy(mdns.dst_mac, mcast, 6);
	f = get(ft, &mdns, &dir, &is_new);
	ck_assert(f->ep[dir].has_mac);
	ck_assert(!f->ep[1 - dir].has_mac);
	flow_table_free(ft);
}
END_TEST

START_TEST(vlan_keeps_flows_apart)
{
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	struct hk_pkt p10 = pkt(ip4(1), 51000, ip4(2), 502, PROTO_TCP, HK_TCP_SYN, T0, 74);
	struct hk_pkt p20 = p10, p0 = p10, back10;
	struct flow *f10, *f20, *f0, *fb;
	int dir;
	bool is_new;

	p10.n_vlan = 1;
	p10.vlan[0] = 10;
	p20.n_vlan = 1;
	p20.vlan[0] = 20;
	f10 = get(ft, &p10, &dir, &is_new);
	ck_assert(is_new);
	f20 = get(ft, &p20, &dir, &is_new);
	ck_assert(is_new);
	f0 = get(ft, &p0, &dir, &is_new);
	ck_assert(is_new);
	ck_assert_ptr_ne(f10, f20);
	ck_assert_ptr_ne(f10, f0);
	ck_assert_ptr_ne(f20, f0);
	ck_assert_uint_eq(f10->key.vlan, 10);
	ck_assert_uint_eq(f20->key.vlan, 20);
	ck_assert_uint_eq(f0->key.vlan, 0);
	/* the reverse direction on VLAN 10 finds the VLAN 10 flow */
	back10 = pkt(ip4(2), 502, ip4(1), 51000, PROTO_TCP, HK_TCP_SYN | HK_TCP_ACK, T0 + 1, 74);
	back10.n_vlan = 1;
	back10.vlan[0] = 10;
	fb = get(ft, &back10, &dir, &is_new);
	ck_assert(!is_new);
	ck_assert_ptr_eq(fb, f10);
	ck_assert_int_eq(dir, 1);
	/* QinQ: the outermost tag is the one that counts */
	back10.n_vlan = 2;
	back10.vlan[1] = 99;
	fb = get(ft, &back10, &dir, &is_new);
	ck_assert_ptr_eq(fb, f10);
	ck_assert_uint_eq(flow_table_stats(ft)->created, 3);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 3);
	flow_table_free(ft);
}
END_TEST

START_TEST(ipv6_flow)
{
	struct flow_table *ft = flow_table_new(16, 0, NULL, NULL);
	struct hk_addr a = ip6("fe80::21b:1bff:fe00:1"), b = ip6("fe80::20e:8cff:fe00:2");
	struct hk_pkt syn = pkt(b, 51000, a, 502, PROTO_TCP, HK_TCP_SYN, T0, 94);
	struct hk_pkt synack = pkt(a, 502, b, 51000, PROTO_TCP, HK_TCP_SYN | HK_TCP_ACK, T0 + 1, 94);
	/* the same ports between addresses that differ only in the last byte */
	struct hk_addr c = ip6("fe80::20e:8cff:fe00:3");
	struct hk_pkt other = pkt(c, 51000, a, 502, PROTO_TCP, HK_TCP_SYN, T0 + 2, 94);
	struct flow *f, *g;
	int dir;
	bool is_new;

	f = get(ft, &syn, &dir, &is_new);
	/* fe80::20e:... < fe80::21b:...: the client b is endpoint 0 */
	ck_assert_int_eq(dir, 0);
	ck_assert_int_eq(f->key.family, 6);
	ck_assert_mem_eq(f->key.ip[0], b.a, 16);
	ck_assert_mem_eq(f->key.ip[1], a.a, 16);
	ck_assert_int_eq(f->client, 0);
	ck_assert_uint_eq(flow_server_port(f), 502);
	g = get(ft, &synack, &dir, &is_new);
	ck_assert_ptr_eq(f, g);
	ck_assert_int_eq(dir, 1);
	ck_assert(!is_new);
	g = get(ft, &other, &dir, &is_new);
	ck_assert_ptr_ne(f, g);
	ck_assert(is_new);
	ck_assert_uint_eq(f->pkts[0], 1);
	ck_assert_uint_eq(f->pkts[1], 1);

	/* an IPv4 flow whose key bytes equal an IPv6 flow's (2001:db8:: is
	 * 32.1.13.184 followed by zeros) is a different flow: the family is
	 * part of the key */
	{
		struct hk_addr v6a = ip6("2001:db8::"), v6b = ip6("2001:db9::"), v4a, v4b;
		struct hk_pkt p6, p4;

		addr4(&v4a, 32, 1, 13, 184);
		addr4(&v4b, 32, 1, 13, 185);
		p6 = pkt(v6a, 51000, v6b, 502, PROTO_TCP, HK_TCP_SYN, T0 + 3, 94);
		p4 = pkt(v4a, 51000, v4b, 502, PROTO_TCP, HK_TCP_SYN, T0 + 4, 74);
		f = get(ft, &p6, &dir, &is_new);
		ck_assert(is_new);
		g = get(ft, &p4, &dir, &is_new);
		ck_assert(is_new);
		ck_assert_ptr_ne(f, g);
		ck_assert_int_eq(f->key.family, 6);
		ck_assert_int_eq(g->key.family, 4);
	}
	ck_assert_uint_eq(flow_table_stats(ft)->created, 4);
	flow_table_free(ft);
}
END_TEST

static bool ended_has_port(const struct ended *e, uint16_t port)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->f[i].key.port[0] == port || e->f[i].key.port[1] == port)
			return true;
	return false;
}

/* Expiry is in packet time: idle longer than the idle time ends a flow. */
START_TEST(expire_idle_flows)
{
	struct ended e = {.n = 0};
	struct flow_table *ft = flow_table_new(16, 10 * SEC, on_end, &e);
	/* the ports name the flows: 1001 at T0, 1002 at T0+5s, 1003 at T0+15s */
	struct hk_pkt a = pkt(ip4(1), 1001, ip4(2), 80, PROTO_TCP, HK_TCP_SYN, T0, 60);
	struct hk_pkt b = pkt(ip4(1), 1002, ip4(2), 80, PROTO_TCP, HK_TCP_SYN, T0 + 5 * SEC, 60);
	struct hk_pkt c = pkt(ip4(1), 1003, ip4(2), 80, PROTO_TCP, HK_TCP_SYN, T0 + 15 * SEC, 60);
	struct flow *fc;
	int dir;
	bool is_new;

	get(ft, &a, &dir, &is_new);
	get(ft, &b, &dir, &is_new);
	fc = get(ft, &c, &dir, &is_new);

	/* at T0+10s nothing has been idle for more than 10 s (a: exactly 10 s) */
	flow_table_expire(ft, T0 + 10 * SEC);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(flow_table_stats(ft)->expired, 0);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 3);

	/* at T0+16s: a (16 s) and b (11 s) are idle too long, c (1 s) is not */
	flow_table_expire(ft, T0 + 16 * SEC);
	ck_assert_uint_eq(e.n, 2);
	ck_assert(ended_has_port(&e, 1001));
	ck_assert(ended_has_port(&e, 1002));
	ck_assert(!ended_has_port(&e, 1003));
	ck_assert_uint_eq(flow_table_stats(ft)->expired, 2);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 1);
	/* the callback saw the flow as it was: its counters and times */
	ck_assert_uint_eq(e.f[0].pkts[0] + e.f[0].pkts[1], 1);
	ck_assert_uint_eq(e.f[0].last_seen, T0);

	/* c is kept, and a packet of it keeps it alive */
	ck_assert_ptr_eq(get(ft, &c, &dir, &is_new), fc);
	ck_assert(!is_new);
	c.ts_usec = T0 + 24 * SEC;
	get(ft, &c, &dir, &is_new);
	flow_table_expire(ft, T0 + 30 * SEC);
	ck_assert_uint_eq(e.n, 2);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 1);

	/* a returning to the table after expiry is a new flow */
	a.ts_usec = T0 + 31 * SEC;
	get(ft, &a, &dir, &is_new);
	ck_assert(is_new);
	ck_assert_uint_eq(flow_table_stats(ft)->created, 4);

	flow_table_expire(ft, T0 + 60 * SEC);
	ck_assert_uint_eq(e.n, 4);
	ck_assert_uint_eq(flow_table_stats(ft)->expired, 4);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 0);
	ck_assert_uint_eq(flow_table_stats(ft)->flushed, 0);
	ck_assert_uint_eq(flow_table_stats(ft)->evicted, 0);
	flow_table_free(ft);
	ck_assert_uint_eq(e.n, 4);
}
END_TEST

/* At the cap the least recently seen flow makes room. */
START_TEST(evict_least_recently_seen)
{
	struct ended e = {.n = 0};
	struct flow_table *ft = flow_table_new(4, 0, on_end, &e);
	struct hk_pkt p[5];
	struct flow *f;
	int dir;
	bool is_new;

	for (int i = 0; i < 5; i++)
		p[i] = pkt(ip4(1), (uint16_t)(2000 + i), ip4(2), 80, PROTO_TCP, HK_TCP_SYN, T0 + (uint64_t)i, 60);
	for (int i = 0; i < 4; i++)
		get(ft, &p[i], &dir, &is_new);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 4);
	ck_assert_uint_eq(e.n, 0);
	/* flow 2000 is the oldest; a packet (the reply) makes it the newest */
	p[0] = pkt(ip4(2), 80, ip4(1), 2000, PROTO_TCP, HK_TCP_SYN | HK_TCP_ACK, T0 + 10, 60);
	f = get(ft, &p[0], &dir, &is_new);
	ck_assert(!is_new);

	/* the 5th flow evicts 2001, the least recently seen */
	get(ft, &p[4], &dir, &is_new);
	ck_assert(is_new);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_uint_eq(e.f[0].key.port[0], 2001);
	ck_assert_uint_eq(flow_table_stats(ft)->evicted, 1);
	ck_assert_uint_eq(flow_table_stats(ft)->expired, 0);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 4);
	ck_assert_uint_eq(flow_table_stats(ft)->peak_active, 4);
	ck_assert_uint_eq(flow_table_stats(ft)->created, 5);
	/* 2000 is still there, with both its packets */
	p[0] = pkt(ip4(1), 2000, ip4(2), 80, PROTO_TCP, HK_TCP_ACK, T0 + 11, 60);
	ck_assert_ptr_eq(get(ft, &p[0], &dir, &is_new), f);
	ck_assert(!is_new);
	ck_assert_uint_eq(f->pkts[0] + f->pkts[1], 3);
	/* 2001 comes back as a new flow and evicts the next oldest, 2002 */
	p[1].ts_usec = T0 + 12;
	get(ft, &p[1], &dir, &is_new);
	ck_assert(is_new);
	ck_assert_uint_eq(e.n, 2);
	ck_assert_uint_eq(e.f[1].key.port[0], 2002);
	ck_assert_uint_eq(flow_table_stats(ft)->evicted, 2);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 4);
	flow_table_free(ft);
	ck_assert_uint_eq(e.n, 6);
}
END_TEST

START_TEST(flush_ends_everything)
{
	struct ended e = {.n = 0};
	struct flow_table *ft = flow_table_new(16, 0, on_end, &e);
	struct hk_pkt p;
	int dir;
	bool is_new;

	for (int i = 0; i < 5; i++) {
		p = pkt(ip4(1), (uint16_t)(3000 + i), ip4(2), 80, PROTO_TCP, HK_TCP_SYN, T0 + (uint64_t)i, 60);
		get(ft, &p, &dir, &is_new);
	}
	flow_table_flush(ft);
	ck_assert_uint_eq(e.n, 5);
	for (int i = 0; i < 5; i++)
		ck_assert(ended_has_port(&e, (uint16_t)(3000 + i)));
	ck_assert_uint_eq(flow_table_stats(ft)->flushed, 5);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 0);
	ck_assert_uint_eq(flow_table_stats(ft)->peak_active, 5);
	/* a flushed table is empty and usable: the same packet makes a new flow */
	get(ft, &p, &dir, &is_new);
	ck_assert(is_new);
	ck_assert_uint_eq(flow_table_stats(ft)->created, 6);
	flow_table_flush(ft);
	ck_assert_uint_eq(e.n, 6);
	/* flushing an empty table does nothing */
	flow_table_flush(ft);
	ck_assert_uint_eq(e.n, 6);
	ck_assert_uint_eq(flow_table_stats(ft)->flushed, 6);
	ck_assert_ptr_null(flow_table_free(ft));
	ck_assert_ptr_null(flow_table_free(NULL));
}
END_TEST

/* The clock: packet time that only moves forward, with an epoch per jump back
 * by more than the idle time. */
START_TEST(clock_epochs)
{
	struct flow_clock c = {.now = 0};

	ck_assert(!flow_clock_advance(&c, T0, 10 * SEC));
	ck_assert_uint_eq(c.now, T0);
	ck_assert_uint_eq(c.epoch, 0);
	/* small reorderings hold the clock */
	ck_assert(!flow_clock_advance(&c, T0 - 10 * SEC, 10 * SEC));
	ck_assert_uint_eq(c.now, T0);
	ck_assert(!flow_clock_advance(&c, T0 + 5 * SEC, 10 * SEC));
	ck_assert_uint_eq(c.now, T0 + 5 * SEC);
	/* back by more than the idle time: a new epoch starting there */
	ck_assert(flow_clock_advance(&c, T0 - 6 * SEC, 10 * SEC));
	ck_assert_uint_eq(c.epoch, 1);
	ck_assert_uint_eq(c.now, T0 - 6 * SEC);
	/* the first frame of a run is no jump, even at time 0 */
	memset(&c, 0, sizeof(c));
	ck_assert(!flow_clock_advance(&c, 0, 10 * SEC));
	ck_assert(!flow_clock_advance(&c, 1, 10 * SEC));
	ck_assert_uint_eq(c.epoch, 0);
}
END_TEST

/*
 * A packet of a flow idle for longer than the idle time before the clock
 * starts a new flow by itself, when no expiry walk came by (the walk runs at
 * most once a second of clock): where a flow ends must not depend on when
 * walks happen, which differs between workers.
 */
START_TEST(idle_flow_ends_at_its_next_packet)
{
	struct ended e = {.n = 0};
	struct flow_table *ft = flow_table_new(16, 10 * SEC, on_end, &e);
	struct hk_pkt a = pkt(ip4(1), 1001, ip4(2), 80, PROTO_TCP, HK_TCP_SYN, T0, 60);
	struct hk_pkt b = pkt(ip4(1), 1002, ip4(2), 80, PROTO_TCP, HK_TCP_SYN, T0 + 9 * SEC + SEC / 2, 60);
	int dir;
	bool is_new;

	flow_table_advance(ft, 0, a.ts_usec);
	get(ft, &a, &dir, &is_new);
	flow_table_advance(ft, 0, b.ts_usec); /* a walk: a has been idle 9.5 s */
	get(ft, &b, &dir, &is_new);
	ck_assert_uint_eq(e.n, 0);
	/* 10.3 s after a, 0.8 s after the walk: no walk now */
	a.ts_usec = T0 + 10 * SEC + 3 * SEC / 10;
	flow_table_advance(ft, 0, a.ts_usec);
	ck_assert_uint_eq(e.n, 0);
	get(ft, &a, &dir, &is_new);
	ck_assert(is_new);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_uint_eq(e.f[0].key.port[0], 1001);
	ck_assert_uint_eq(e.f[0].last_seen, T0);
	ck_assert_uint_eq(flow_table_stats(ft)->expired, 1);
	ck_assert_uint_eq(flow_table_stats(ft)->created, 3);
	/* the clock, not the packet's own time, decides: a late packet of b
	 * (time T0 + 9.6 s) after the clock passed b's last packet + 10 s */
	flow_table_advance(ft, 0, T0 + 20 * SEC);
	b.ts_usec = T0 + 9 * SEC + 6 * SEC / 10;
	get(ft, &b, &dir, &is_new);
	ck_assert(is_new);
	flow_table_free(ft);
}
END_TEST

/* A new epoch ends every flow before the packet that brought it. */
START_TEST(new_epoch_ends_all_flows)
{
	struct ended e = {.n = 0};
	struct flow_table *ft = flow_table_new(16, 10 * SEC, on_end, &e);
	struct hk_pkt p;
	int dir;
	bool is_new;

	for (int i = 0; i < 3; i++) {
		p = pkt(ip4(1), (uint16_t)(4000 + i), ip4(2), 80, PROTO_TCP, HK_TCP_SYN, T0 + (uint64_t)i, 60);
		flow_table_advance(ft, 0, p.ts_usec);
		get(ft, &p, &dir, &is_new);
	}
	/* the same epoch at an earlier time ends nothing */
	flow_table_advance(ft, 0, T0 - 100 * SEC);
	ck_assert_uint_eq(e.n, 0);
	flow_table_advance(ft, 1, T0 - 100 * SEC);
	ck_assert_uint_eq(e.n, 3);
	ck_assert_uint_eq(flow_table_stats(ft)->expired, 3);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 0);
	/* in the new epoch the same packet is a new flow, and is not idle */
	p.ts_usec = T0 - 100 * SEC;
	get(ft, &p, &dir, &is_new);
	ck_assert(is_new);
	flow_table_advance(ft, 1, T0 - 99 * SEC);
	get(ft, &p, &dir, &is_new);
	ck_assert(!is_new);
	flow_table_free(ft);
}
END_TEST

START_TEST(l4_names)
{
	ck_assert_str_eq(flow_proto_l4_name(6), "tcp");
	ck_assert_str_eq(flow_proto_l4_name(17), "udp");
	ck_assert_str_eq(flow_proto_l4_name(1), "icmp");
	ck_assert_str_eq(flow_proto_l4_name(58), "icmp6");
	ck_assert_str_eq(flow_proto_l4_name(132), "sctp");
	ck_assert_str_eq(flow_proto_l4_name(47), "ip");
}
END_TEST

static Suite *flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tc;

	tc = tcase_create("key");
	tcase_add_test(tc, tcp_both_directions_one_flow);
	tcase_add_test(tc, non_ip_gets_no_flow);
	tcase_add_test(tc, counters_per_direction);
	tcase_add_test(tc, endpoints_learned_from_senders);
	tcase_add_test(tc, vlan_keeps_flows_apart);
	tcase_add_test(tc, ipv6_flow);
	tcase_add_test(tc, l4_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("client");
	tcase_add_test(tc, tcp_client_is_syn_sender);
	tcase_add_test(tc, tcp_client_from_synack);
	tcase_add_test(tc, tcp_midstream_port_then_syn);
	tcase_add_test(tc, udp_client_by_port);
	tcase_add_test(tc, udp_client_first_sender);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_test(tc, expire_idle_flows);
	tcase_add_test(tc, evict_least_recently_seen);
	tcase_add_test(tc, flush_ends_everything);
	tcase_add_test(tc, clock_epochs);
	tcase_add_test(tc, idle_flow_ends_at_its_next_packet);
	tcase_add_test(tc, new_epoch_ends_all_flows);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(flow_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
