/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shortcuts of the per-packet path (docs/performance.md): the flow
 * table's last-flow pointer, the inventory's caches of recently used MACs,
 * addresses, pairings and evidence, and the hash behind the tables. A
 * shortcut may only ever lead to the node the index would have found: many
 * keys that share cache slots, interleaved, must each keep their own
 * counts; a flow that ended must never be found again.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "flow/flow.h"
#include "herkomst/device.h"
#include "inventory/inventory.h"

#define T0 1772438400000000ull /* 2026-03-02T08:00:00Z */
#define SEC 1000000ull
#define HOSTS 700 /* more than the 256 slots of each inventory cache */
#define ROUNDS 3

static unsigned n_ended;

static void on_end(struct flow *f, void *userdata)
{
	(void)f;
	(void)userdata;
	n_ended++;
}

static struct hk_pkt tcp_pkt(uint8_t host, uint16_t sport, uint64_t ts)
{
	struct hk_pkt p;

	memset(&p, 0, sizeof(p));
	p.ts_usec = ts;
	p.caplen = p.wirelen = 60;
	p.l3 = HK_L3_IPV4;
	p.ethertype = 0x0800;
	p.src_ip.family = p.dst_ip.family = 4;
	memcpy(p.src_ip.a, (uint8_t[]){10, 0, 0, host}, 4);
	memcpy(p.dst_ip.a, (uint8_t[]){10, 0, 0, 1}, 4);
	p.ip_proto = 6;
	p.has_l4 = true;
	p.sport = sport;
	p.dport = 502;
	p.tcp_flags = HK_TCP_ACK;
	return p;
}

/* The flow of the previous packet ended in between: the next packet of the
 * same 5-tuple starts a new flow (under ASan: and reads no freed memory). */
START_TEST(ended_flow_is_not_found_again)
{
	struct flow_table *ft = flow_table_new(8, 10 * SEC, on_end, NULL);
	struct hk_pkt a = tcp_pkt(7, 40000, T0);
	struct flow *f;
	int dir;
	bool is_new;

	n_ended = 0;
	f = flow_table_get(ft, &a, &dir, &is_new);
	ck_assert_ptr_nonnull(f);
	ck_assert(is_new);
	ck_assert_ptr_eq(flow_table_get(ft, &a, &dir, &is_new), f);
	ck_assert(!is_new);

	/* ended by the expiry walk */
	flow_table_expire(ft, T0 + 60 * SEC);
	ck_assert_uint_eq(n_ended, 1);
	a.ts_usec = T0 + 60 * SEC;
	ck_assert_ptr_nonnull(flow_table_get(ft, &a, &dir, &is_new));
	ck_assert(is_new);
	ck_assert_uint_eq(flow_table_stats(ft)->created, 2);

	/* ended by a flush */
	flow_table_flush(ft);
	ck_assert_uint_eq(n_ended, 2);
	ck_assert_ptr_nonnull(flow_table_get(ft, &a, &dir, &is_new));
	ck_assert(is_new);
	ck_assert_uint_eq(flow_table_stats(ft)->created, 3);
	ck_assert_uint_eq(flow_table_stats(ft)->active, 1);
	flow_table_free(ft);
	ck_assert_uint_eq(n_ended, 3);
}
END_TEST

/* Interleaved packets of many flows each count in their own flow. */
START_TEST(interleaved_flows_keep_their_counts)
{
	struct flow_table *ft = flow_table_new(1024, 0, on_end, NULL);
	struct flow *f[300];
	int dir;
	bool is_new;

	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < 300; i++) {
			/* two packets in a row of flow i, then the next flow */
			for (int k = 0; k < 2; k++) {
				struct hk_pkt p = tcp_pkt((uint8_t)(2 + i % 250), (uint16_t)(30000 + i),
							  T0 + (uint64_t)r * SEC);
				struct flow *g = flow_table_get(ft, &p, &dir, &is_new);
				ck_assert_ptr_nonnull(g);
				if (r == 0 && k == 0)
					f[i] = g;
				else
					ck_assert_ptr_eq(g, f[i]);
				ck_assert(is_new == (r == 0 && k == 0));
			}
		}
	for (int i = 0; i < 300; i++)
		ck_assert_uint_eq(f[i]->pkts[0] + f[i]->pkts[1], 2 * ROUNDS);
	ck_assert_uint_eq(flow_table_stats(ft)->created, 300);
	flow_table_free(ft);
}
END_TEST

static void host_mac(int i, uint8_t mac[6])
{
	memcpy(mac, (uint8_t[]){0x00, 0x1b, 0x1b, 0x10, (uint8_t)(i >> 8), (uint8_t)i}, 6);
}

static struct hk_addr host_ip(int i)
{
	struct hk_addr a = {.family = 4};

	memcpy(a.a, (uint8_t[]){10, 20, (uint8_t)(i >> 8), (uint8_t)i}, 4);
	return a;
}

static const struct hk_device *find_mac(const struct hk_device *d, size_t n, const uint8_t mac[6])
{
	for (size_t i = 0; i < n; i++)
		if (d[i].has_mac && memcmp(d[i].mac, mac, 6) == 0)
			return &d[i];
	return NULL;
}

static const struct hk_evidence *find_ev(const struct hk_device *d, const char *attr, const char *source)
{
	for (size_t i = 0; i < d->n_ev; i++)
		if (strcmp(d->ev[i].attribute, attr) == 0 && strcmp(d->ev[i].source, source) == 0)
			return &d->ev[i];
	return NULL;
}

/*
 * HOSTS stations, each with its own address, talk to one server in turns,
 * ROUNDS times over, and each says its name twice per round: every device
 * must end up with its own packets, its own address and its own name, each
 * counted exactly.
 */
START_TEST(inventory_caches_keep_nodes_apart)
{
	static const uint8_t srv_mac[6] = {0x00, 0x0e, 0x8c, 0x00, 0x00, 0x01};
	struct inventory *inv = inv_new(NULL);
	struct hk_device *d = NULL;
	size_t n = 0;

	ck_assert_ptr_nonnull(inv);
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < HOSTS; i++) {
			struct hk_pkt p;
			struct hk_obs o;
			char name[32];

			memset(&p, 0, sizeof(p));
			p.ts_usec = T0 + (uint64_t)r * SEC + (uint64_t)i;
			p.caplen = p.wirelen = 100;
			p.has_mac = p.has_dst_mac = true;
			host_mac(i, p.src_mac);
			memcpy(p.dst_mac, srv_mac, 6);
			p.ethertype = 0x0800;
			p.l3 = HK_L3_IPV4;
			p.src_ip = host_ip(i);
			p.dst_ip = host_ip(9999);
			p.ip_proto = 6;
			p.ttl = 64;
			inv_packet(inv, &p);

			memset(&o, 0, sizeof(o));
			o.kind = HK_OBS_HOSTNAME;
			o.side = HK_SIDE_SRC;
			o.confidence = 70;
			o.subject.has_mac = true;
			memcpy(o.subject.mac, p.src_mac, 6);
			o.subject.ip = p.src_ip;
			o.ts_usec = p.ts_usec;
			snprintf(o.source, sizeof(o.source), "test.name");
			snprintf(name, sizeof(name), "host-%d", i);
			snprintf(o.value, sizeof(o.value), "%s", name);
			inv_obs(inv, &o);
			inv_obs(inv, &o);
		}
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	for (int i = 0; i < HOSTS; i++) {
		uint8_t mac[6];
		char want_ip[16], want_name[32];
		const struct hk_device *x;
		const struct hk_evidence *e;

		host_mac(i, mac);
		x = find_mac(d, n, mac);
		ck_assert_msg(x != NULL, "host %d has no device", i);
		ck_assert_uint_eq(x->packets, ROUNDS);
		snprintf(want_ip, sizeof(want_ip), "10.20.%d.%d", i >> 8, i & 255);
		e = find_ev(x, HK_A_IP, "traffic");
		ck_assert_msg(e != NULL, "host %d has no address", i);
		ck_assert_str_eq(e->value, want_ip);
		ck_assert_uint_eq(e->count, ROUNDS);
		snprintf(want_name, sizeof(want_name), "host-%d", i);
		e = find_ev(x, HK_A_HOSTNAME, "test.name");
		ck_assert_msg(e != NULL, "host %d has no name", i);
		ck_assert_str_eq(e->value, want_name);
		ck_assert_uint_eq(e->count, 2 * ROUNDS);
	}
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

/* Every input bit, the length and the seed change the hash; equal bytes hash
 * equal wherever they sit in memory. */
START_TEST(hash_sees_every_byte)
{
	uint8_t buf[80], shifted[81];
	uint64_t seen[65];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (size_t n = 0; n <= 64; n++) {
		uint64_t h = hk_hash_bytes(buf, n, 0);

		memcpy(shifted + 1, buf, n);
		ck_assert_uint_eq(hk_hash_bytes(shifted + 1, n, 0), h);
		ck_assert_uint_ne(hk_hash_bytes(buf, n, 1), h);
		for (size_t k = 0; k < n; k++) {
			for (int bit = 0; bit < 8; bit++) {
				buf[k] ^= (uint8_t)(1u << bit);
				ck_assert_msg(hk_hash_bytes(buf, n, 0) != h, "length %zu: byte %zu bit %d ignored", n,
					      k, bit);
				buf[k] ^= (uint8_t)(1u << bit);
			}
		}
		seen[n] = h;
		for (size_t m = 0; m < n; m++)
			ck_assert_msg(seen[m] != h, "lengths %zu and %zu collide", m, n);
	}
	/* zero bytes of different lengths differ too */
	memset(buf, 0, sizeof(buf));
	for (size_t n = 0; n <= 16; n++)
		for (size_t m = 0; m < n; m++)
			ck_assert_uint_ne(hk_hash_bytes(buf, n, 0), hk_hash_bytes(buf, m, 0));
}
END_TEST

static Suite *caches_suite(void)
{
	Suite *su = suite_create("caches");
	TCase *tc = tcase_create("caches");

	tcase_add_test(tc, ended_flow_is_not_found_again);
	tcase_add_test(tc, interleaved_flows_keep_their_counts);
	tcase_add_test(tc, inventory_caches_keep_nodes_apart);
	tcase_add_test(tc, hash_sees_every_byte);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(caches_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
