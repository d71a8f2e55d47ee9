/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inventory's rules: who owns an address, when a MAC is a gateway, that
 * hosts behind a gateway never inherit its vendor, and that the result does
 * not depend on the order packets and observations arrive in.
 */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arp_fixture.h"
#include "herkomst/device.h"
#include "inventory/inventory.h"
#include "inventory/oui.h"
#include "report/output.h"

#define T0 1772438400000000ull /* 2026-03-02T08:00:00Z */

static const uint8_t MAC_HOST[6] = {0x00, 0x1b, 0x1b, 0x00, 0x00, 0x05}; /* Siemens block */
static const uint8_t MAC_HMI[6] = {0x00, 0x0e, 0x8c, 0x00, 0x00, 0x06};
static const uint8_t MAC_RTR[6] = {0x00, 0x1a, 0x2b, 0x00, 0x00, 0x01};
static const uint8_t MAC_RAND[6] = {0x5a, 0x11, 0x22, 0x33, 0x44, 0x55}; /* locally administered */

static struct hk_addr v4(const char *s)
{
	struct hk_addr a;
	ck_assert_msg(hk_addr_parse(s, &a), "bad test address %s", s);
	return a;
}

static struct hk_pkt ip_pkt(uint64_t ts, const uint8_t *smac, const uint8_t *dmac, const char *sip,
			    const char *dip, uint8_t ttl)
{
	struct hk_pkt p;
	memset(&p, 0, sizeof(p));
	p.ts_usec = ts;
	p.caplen = p.wirelen = 100;
	p.has_mac = true;
	p.has_dst_mac = true;
	memcpy(p.src_mac, smac, 6);
	memcpy(p.dst_mac, dmac, 6);
	p.ethertype = 0x0800;
	p.l3 = HK_L3_IPV4;
	p.src_ip = v4(sip);
	p.dst_ip = v4(dip);
	p.ip_proto = 6;
	p.ttl = ttl;
	return p;
}

static const struct hk_device *find_mac(const struct hk_device *d, size_t n, const uint8_t *mac)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].has_mac && memcmp(d[i].mac, mac, 6) == 0)
			return &d[i];
	return NULL;
}

static const struct hk_device *find_ip(const struct hk_device *d, size_t n, const char *ip)
{
	struct hk_addr a = v4(ip);
	for (size_t i = 0; i < n; i++)
		if (!d[i].has_mac && hk_addr_eq(&d[i].ip, &a))
			return &d[i];
	return NULL;
}

static bool has_ev(const struct hk_device *d, const char *attr, const char *value)
{
	for (size_t i = 0; i < d->n_ev; i++)
		if (strcmp(d->ev[i].attribute, attr) == 0 && (!value || strcmp(d->ev[i].value, value) == 0))
			return true;
	return false;
}

static const char *role_of(const struct hk_device *d)
{
	const struct hk_evidence *e = hk_device_best(d, HK_A_ROLE);
	return e ? e->value : NULL;
}

/* A host on the LAN talking to internet hosts through a router. */
static void feed_routed(struct inventory *inv, const char *const *remote, size_t n_remote, uint8_t ttl)
{
	struct hk_pkt p = test_arp_reply(T0, MAC_HOST, "10.0.0.5", MAC_RTR);
	inv_packet(inv, &p);
	for (size_t i = 0; i < n_remote; i++) {
		p = ip_pkt(T0 + 10 + i, MAC_HOST, MAC_RTR, "10.0.0.5", remote[i], 64);
		inv_packet(inv, &p);
		p = ip_pkt(T0 + 20 + i, MAC_RTR, MAC_HOST, remote[i], "10.0.0.5", ttl);
		inv_packet(inv, &p);
	}
}

START_TEST(flat_segment_owns_addresses)
{
	struct inventory *inv = inv_new(NULL);
	struct hk_device *d;
	size_t n;
	struct hk_pkt p;

	p = test_arp_reply(T0, MAC_HOST, "10.0.0.5", MAC_HMI);
	inv_packet(inv, &p);
	p = test_arp_reply(T0 + 1, MAC_HMI, "10.0.0.6", MAC_HOST);
	inv_packet(inv, &p);
	for (int i = 0; i < 10; i++) {
		p = ip_pkt(T0 + 100 + i, MAC_HMI, MAC_HOST, "10.0.0.6", "10.0.0.5", 128);
		inv_packet(inv, &p);
		p = ip_pkt(T0 + 200 + i, MAC_HOST, MAC_HMI, "10.0.0.5", "10.0.0.6", 30);
		inv_packet(inv, &p);
	}
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	ck_assert_uint_eq(n, 2);
	/* both were seen at T0 (the HMI as the ARP reply's destination): the MAC breaks the tie */
	ck_assert_mem_eq(d[0].mac, MAC_HMI, 6);
	ck_assert_mem_eq(d[1].mac, MAC_HOST, 6);
	ck_assert_uint_eq(d[0].first_seen, T0);
	ck_assert(has_ev(&d[1], HK_A_IP, "10.0.0.5"));
	ck_assert(!has_ev(&d[1], HK_A_IP, "10.0.0.6"));
	ck_assert(has_ev(&d[0], HK_A_IP, "10.0.0.6"));
	/* a TTL of 30 on a local, ARP-claimed address does not make a gateway */
	ck_assert_ptr_null(role_of(&d[0]));
	ck_assert_ptr_null(role_of(&d[1]));
	/* its ARP reply, the HMI's reply to it, 20 IP packets */
	ck_assert_uint_eq(d[1].packets, 22);
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

START_TEST(gateway_by_many_addresses)
{
	static const char *const remote[] = {"93.184.216.34", "151.101.1.69", "162.159.200.1", "203.0.113.77",
					     "198.51.100.9"};
	struct inventory *inv = inv_new(NULL);
	struct hk_device *d;
	size_t n;
	const struct hk_device *rtr, *host;

	/* TTL 64 from the router side: not routed by TTL; the count alone decides */
	feed_routed(inv, remote, 5, 64);
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	ck_assert_uint_eq(n, 7);
	rtr = find_mac(d, n, MAC_RTR);
	host = find_mac(d, n, MAC_HOST);
	ck_assert_ptr_nonnull(rtr);
	ck_assert_ptr_nonnull(host);
	ck_assert_str_eq(role_of(rtr), "router");
	ck_assert_ptr_null(role_of(host));
	ck_assert(!has_ev(rtr, HK_A_IP, NULL));
	for (size_t i = 0; i < 5; i++) {
		const struct hk_device *r = find_ip(d, n, remote[i]);
		ck_assert_msg(r != NULL, "no IP-only device for %s", remote[i]);
		ck_assert_str_eq(r->via_mac, "00:1a:2b:00:00:01");
		ck_assert(has_ev(r, HK_A_IP, remote[i]));
		ck_assert_ptr_null(hk_device_best(r, HK_A_MANUFACTURER));
		ck_assert_int_eq(r->oui_state, HK_OUI_NONE);
	}
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

START_TEST(gateway_by_one_routed_offsubnet_address)
{
	static const char *const remote[] = {"93.184.216.34"};
	struct inventory *inv = inv_new(NULL);
	struct hk_device *d;
	size_t n;

	feed_routed(inv, remote, 1, 52);
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(role_of(find_mac(d, n, MAC_RTR)), "router");
	ck_assert_ptr_nonnull(find_ip(d, n, "93.184.216.34"));
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

START_TEST(routed_private_network_behind_router)
{
	/* one PLC in another private /24 behind the router: off-subnet and routed */
	static const char *const remote[] = {"10.20.0.7"};
	struct inventory *inv = inv_new(NULL);
	struct hk_device *d;
	size_t n;

	feed_routed(inv, remote, 1, 63);
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	ck_assert_str_eq(role_of(find_mac(d, n, MAC_RTR)), "router");
	ck_assert_ptr_nonnull(find_ip(d, n, "10.20.0.7"));
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

START_TEST(router_keeps_its_own_address)
{
	static const char *const remote[] = {"93.184.216.34", "151.101.1.69", "162.159.200.1", "203.0.113.77"};
	struct inventory *inv = inv_new(NULL);
	struct hk_device *d;
	size_t n;
	const struct hk_device *rtr;
	struct hk_pkt p;

	feed_routed(inv, remote, 4, 57);
	/* DNS answers from the router's own LAN address, never ARPed in the capture */
	p = ip_pkt(T0 + 500, MAC_RTR, MAC_HOST, "10.0.0.1", "10.0.0.5", 64);
	inv_packet(inv, &p);
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	rtr = find_mac(d, n, MAC_RTR);
	ck_assert(has_ev(rtr, HK_A_IP, "10.0.0.1"));
	ck_assert_ptr_null(find_ip(d, n, "10.0.0.1"));
	ck_assert_uint_eq(n, 2 + 4);
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

START_TEST(evidence_behind_gateway_goes_to_the_host)
{
	static const char *const remote[] = {"93.184.216.34", "151.101.1.69", "162.159.200.1", "203.0.113.77"};
	struct inventory *inv = inv_new(NULL);
	struct hk_obs_sink sink;
	struct hk_obs buf[2];
	struct hk_device *d;
	size_t n;
	const struct hk_device *r;

	feed_routed(inv, remote, 4, 57);
	memset(&sink, 0, sizeof(sink));
	sink.v = buf;
	sink.cap = 2;
	/* an HTTP Server banner from the remote host, seen with the router's MAC */
	ck_assert(hk_obs_emit(&sink, HK_OBS_VENDOR, HK_SIDE_SRC, 70, "http.server", "ExampleCorp"));
	buf[0].subject.has_mac = true;
	memcpy(buf[0].subject.mac, MAC_RTR, 6);
	buf[0].subject.ip = v4("151.101.1.69");
	buf[0].ts_usec = T0 + 30;
	inv_obs(inv, &buf[0]);
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	r = find_ip(d, n, "151.101.1.69");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(hk_device_best(r, HK_A_MANUFACTURER)->value, "ExampleCorp");
	ck_assert(!has_ev(find_mac(d, n, MAC_RTR), HK_A_MANUFACTURER, "ExampleCorp"));
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

START_TEST(locally_administered_has_no_vendor)
{
	struct inventory *inv = inv_new(NULL);
	struct hk_device *d;
	size_t n;
	struct hk_pkt p = test_arp_reply(T0, MAC_RAND, "10.0.0.99", MAC_HOST);

	inv_packet(inv, &p);
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(find_mac(d, n, MAC_RAND)->oui_state, HK_OUI_LOCAL);
	ck_assert_ptr_null(hk_device_best(find_mac(d, n, MAC_RAND), HK_A_MANUFACTURER));
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

START_TEST(multicast_and_zero_macs_are_not_devices)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t zero[6] = {0};
	struct inventory *inv = inv_new(NULL);
	struct hk_device *d;
	size_t n;
	struct hk_pkt p = ip_pkt(T0, zero, bcast, "0.0.0.0", "255.255.255.255", 64);

	inv_packet(inv, &p);
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	ck_assert_uint_eq(n, 0);
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

/* The same traffic in two orders gives byte-identical JSON. */
static char *snapshot_json(struct inventory *inv)
{
	struct hk_device *d;
	size_t n;
	json_t *a = json_array();
	char *s;

	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, out_device_json(&d[i]));
	s = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(a);
	inv_devices_free(d, n);
	return s;
}

START_TEST(order_independent)
{
	static const char *const remote[] = {"93.184.216.34", "151.101.1.69", "162.159.200.1", "203.0.113.77"};
	struct hk_pkt pk[64];
	size_t np = 0;
	struct inventory *a = inv_new(NULL), *b = inv_new(NULL);
	char *ja, *jb;

	pk[np++] = test_arp_reply(T0, MAC_HOST, "10.0.0.5", MAC_RTR);
	pk[np++] = test_arp_reply(T0 + 1, MAC_HMI, "10.0.0.6", MAC_HOST);
	pk[np++] = test_arp_reply(T0 + 2, MAC_RTR, "10.0.0.1", MAC_HOST);
	for (size_t i = 0; i < 4; i++) {
		pk[np++] = ip_pkt(T0 + 10 + i, MAC_HOST, MAC_RTR, "10.0.0.5", remote[i], 64);
		pk[np++] = ip_pkt(T0 + 20 + i, MAC_RTR, MAC_HOST, remote[i], "10.0.0.5", 55);
		pk[np++] = ip_pkt(T0 + 30 + i, MAC_HMI, MAC_HOST, "10.0.0.6", "10.0.0.5", 64);
	}
	for (size_t i = 0; i < np; i++)
		inv_packet(a, &pk[i]);
	for (size_t i = np; i > 0; i--)
		inv_packet(b, &pk[i - 1]);
	ja = snapshot_json(a);
	jb = snapshot_json(b);
	if (strcmp(ja, jb) != 0)
		fprintf(stderr, "in order:   %s\nreversed:   %s\n", ja, jb);
	ck_assert_msg(strcmp(ja, jb) == 0, "the snapshot depends on packet order");
	free(ja);
	free(jb);
	inv_free(a);
	inv_free(b);
}
END_TEST

START_TEST(best_claim_is_order_free)
{
	struct hk_evidence e1, e2, e3;
	struct hk_device x, y;

	memset(&e1, 0, sizeof(e1));
	snprintf(e1.attribute, sizeof(e1.attribute), "manufacturer");
	snprintf(e1.value, sizeof(e1.value), "Siemens AG");
	snprintf(e1.source, sizeof(e1.source), "oui.MA-L");
	e1.confidence = 30;
	e2 = e1;
	snprintf(e2.value, sizeof(e2.value), "Siemens");
	snprintf(e2.source, sizeof(e2.source), "s7.szl");
	e2.confidence = 90;
	e3 = e2;
	snprintf(e3.value, sizeof(e3.value), "SIEMENS");
	snprintf(e3.source, sizeof(e3.source), "http.server");

	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	hk_device_add_evidence(&x, &e1);
	hk_device_add_evidence(&x, &e2);
	hk_device_add_evidence(&x, &e3);
	hk_device_add_evidence(&y, &e3);
	hk_device_add_evidence(&y, &e2);
	hk_device_add_evidence(&y, &e1);
	/* equal confidence: the source that sorts first wins, whatever the order */
	ck_assert_str_eq(hk_device_best(&x, "manufacturer")->source, "http.server");
	ck_assert_str_eq(hk_device_best(&y, "manufacturer")->source, "http.server");
	ck_assert_ptr_null(hk_device_best(&x, "model"));
	hk_device_clear(&x);
	hk_device_clear(&y);
}
END_TEST

START_TEST(same_claim_merges)
{
	struct hk_evidence e;
	struct hk_device x;

	memset(&e, 0, sizeof(e));
	memset(&x, 0, sizeof(x));
	snprintf(e.attribute, sizeof(e.attribute), "hostname");
	snprintf(e.value, sizeof(e.value), "EWS-01");
	snprintf(e.source, sizeof(e.source), "dhcp.hostname");
	e.confidence = 60;
	e.first_seen = 200;
	e.last_seen = 300;
	e.count = 2;
	ck_assert(hk_device_add_evidence(&x, &e));
	e.confidence = 80;
	e.first_seen = 100;
	e.last_seen = 250;
	e.count = 3;
	ck_assert(hk_device_add_evidence(&x, &e));
	ck_assert_uint_eq(x.n_ev, 1);
	ck_assert_uint_eq(x.ev[0].confidence, 80);
	ck_assert_uint_eq(x.ev[0].first_seen, 100);
	ck_assert_uint_eq(x.ev[0].last_seen, 300);
	ck_assert_uint_eq(x.ev[0].count, 5);
	hk_device_clear(&x);
}
END_TEST

START_TEST(ttl_rule)
{
	ck_assert(!inv_ttl_routed(64));
	ck_assert(!inv_ttl_routed(128));
	ck_assert(!inv_ttl_routed(255));
	ck_assert(!inv_ttl_routed(32));
	ck_assert(inv_ttl_routed(63));
	ck_assert(inv_ttl_routed(127));
	ck_assert(inv_ttl_routed(1));
}
END_TEST

START_TEST(limits_are_counted)
{
	struct inv_limits lim = {.macs_max = 2, .ips_max = 3, .evidence_max = 1};
	struct inventory *inv = inv_new(&lim);
	uint8_t mac[6] = {0x00, 0x1b, 0x1b, 0, 0, 0};
	char ip[32];

	for (int i = 1; i <= 5; i++) {
		struct hk_pkt p;
		mac[5] = (uint8_t)i;
		snprintf(ip, sizeof(ip), "10.0.0.%d", i);
		p = test_arp_reply(T0 + (uint64_t)i, mac, ip, MAC_HOST);
		inv_packet(inv, &p);
	}
	/* MAC_HOST (the target) and the first sender fill the table */
	ck_assert_uint_eq(inv_get_stats(inv)->macs, 2);
	ck_assert_uint_ge(inv_get_stats(inv)->macs_dropped, 4);
	inv_free(inv);
}
END_TEST

/* --- inv_merge ------------------------------------------------------------ */

/* Everything a snapshot says, times, counters and every field of every
 * claim, as one string: two inventories are the same when these are. */
/* threads 0: inv_snapshot itself */
static char *snapshot_dump_with(struct inventory *inv, struct oui_db *oui, unsigned threads, size_t *ret_n)
{
	struct hk_device *d;
	size_t n, len = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	if (threads)
		ck_assert_int_eq(inv_snapshot_threads(inv, oui, threads, &d, &n), 0);
	else
		ck_assert_int_eq(inv_snapshot(inv, oui, &d, &n), 0);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s via=%s first=%llu last=%llu pkts=%llu bytes=%llu oui=%s/%s/%s/%s/%s\n", d[i].key,
			d[i].via_mac, (unsigned long long)d[i].first_seen, (unsigned long long)d[i].last_seen,
			(unsigned long long)d[i].packets, (unsigned long long)d[i].bytes,
			hk_oui_state_name(d[i].oui_state), d[i].oui_prefix, d[i].oui_registry, d[i].oui_registrant,
			d[i].oui_country);
		for (size_t k = 0; k < d[i].n_ev; k++) {
			const struct hk_evidence *e = &d[i].ev[k];
			fprintf(f, "  %s=%s [%s] conf=%u first=%llu last=%llu count=%llu\n", e->attribute, e->value,
				e->source, e->confidence, (unsigned long long)e->first_seen,
				(unsigned long long)e->last_seen, (unsigned long long)e->count);
		}
	}
	inv_devices_free(d, n);
	fclose(f);
	if (ret_n)
		*ret_n = n;
	return buf;
}

static char *snapshot_dump(struct inventory *inv)
{
	return snapshot_dump_with(inv, NULL, 0, NULL);
}

static void assert_same(struct inventory *want, struct inventory *got, const char *what)
{
	char *a = snapshot_dump(want), *b = snapshot_dump(got);

	if (strcmp(a, b) != 0)
		fprintf(stderr, "one inventory:\n%s\n%s:\n%s\n", a, what, b);
	ck_assert_msg(strcmp(a, b) == 0, "%s differs from one inventory fed everything", what);
	ck_assert_uint_eq(inv_get_stats(want)->packets, inv_get_stats(got)->packets);
	free(a);
	free(b);
}

static struct hk_obs obs_about(uint64_t ts, const uint8_t *mac, const char *ip, enum hk_obs_kind kind,
			       uint8_t conf, const char *source, const char *value)
{
	struct hk_obs o;

	memset(&o, 0, sizeof(o));
	o.kind = kind;
	o.side = HK_SIDE_OTHER;
	o.confidence = conf;
	o.ts_usec = ts;
	if (mac) {
		o.subject.has_mac = true;
		memcpy(o.subject.mac, mac, 6);
	}
	if (ip)
		o.subject.ip = v4(ip);
	snprintf(o.source, sizeof(o.source), "%s", source);
	snprintf(o.value, sizeof(o.value), "%s", value);
	return o;
}

/* One event of a scenario: a packet or an observation. */
struct inv_event {
	bool is_obs;
	struct hk_pkt p;
	struct hk_obs o;
};

static void feed(struct inventory *inv, const struct inv_event *ev)
{
	if (ev->is_obs)
		inv_obs(inv, &ev->o);
	else
		inv_packet(inv, &ev->p);
}

/*
 * A small plant: a router with hosts behind it (routed TTLs), stations that
 * ARP, a VLAN-tagged station, claims about MACs and about IP-only hosts, the
 * same claim from both halves with different confidence and times.
 */
static size_t plant_events(struct inv_event *ev, size_t cap)
{
	static const char *const remote[] = {"93.184.216.34", "151.101.1.69", "162.159.200.1", "203.0.113.77"};
	size_t n = 0;

#define PKT(x)                             \
	do {                               \
		ck_assert_uint_lt(n, cap); \
		ev[n].is_obs = false;      \
		ev[n++].p = (x);           \
	} while (0)
#define OBS(x)                             \
	do {                               \
		ck_assert_uint_lt(n, cap); \
		ev[n].is_obs = true;       \
		ev[n++].o = (x);           \
	} while (0)
	PKT(test_arp_reply(T0 + 50, MAC_HOST, "10.0.0.5", MAC_RTR));
	PKT(test_arp_reply(T0 + 1, MAC_HMI, "10.0.0.6", MAC_HOST));
	PKT(test_arp_reply(T0 + 2, MAC_RTR, "10.0.0.1", MAC_HOST));
	for (size_t i = 0; i < 4; i++) {
		PKT(ip_pkt(T0 + 10 + i, MAC_HOST, MAC_RTR, "10.0.0.5", remote[i], 64));
		PKT(ip_pkt(T0 + 20 + i, MAC_RTR, MAC_HOST, remote[i], "10.0.0.5", (uint8_t)(50 + i)));
		PKT(ip_pkt(T0 + 30 + i, MAC_HMI, MAC_HOST, "10.0.0.6", "10.0.0.5", 64));
		PKT(ip_pkt(T0 + 5 - i, MAC_RAND, MAC_HMI, "10.0.0.9", "10.0.0.6", 128));
	}
	for (uint16_t v = 0; v < 12; v++) {
		/* more VLANs than a MAC keeps: which are kept must not depend on order */
		struct hk_pkt p = ip_pkt(T0 + 40 + v, MAC_HMI, MAC_HOST, "10.0.0.6", "10.0.0.5", 64);
		p.n_vlan = 1;
		p.vlan[0] = (uint16_t)(100 + (v * 7) % 12);
		PKT(p);
	}
	OBS(obs_about(T0 + 12, MAC_HOST, "10.0.0.5", HK_OBS_HOSTNAME, 60, "dhcp.hostname", "EWS-01"));
	OBS(obs_about(T0 + 3, MAC_HOST, "10.0.0.5", HK_OBS_HOSTNAME, 80, "dhcp.hostname", "EWS-01"));
	OBS(obs_about(T0 + 60, MAC_HOST, NULL, HK_OBS_IP, 90, "dhcp.ack", "10.0.0.5"));
	OBS(obs_about(T0 + 61, MAC_HMI, NULL, HK_OBS_IP, 90, "dhcp.ack", "10.0.0.66"));
	OBS(obs_about(T0 + 22, MAC_RTR, "151.101.1.69", HK_OBS_SERVICE, 80, "ndpi", "tcp/443/TLS"));
	OBS(obs_about(T0 + 7, NULL, "203.0.113.77", HK_OBS_SOFTWARE, 50, "http.server", "nginx"));
	OBS(obs_about(T0 + 70, NULL, "198.51.100.1", HK_OBS_HOSTNAME, 40, "dns.ptr", "far.example"));
	OBS(obs_about(T0 + 0, NULL, "198.51.100.1", HK_OBS_HOSTNAME, 45, "dns.ptr", "far.example"));
#undef PKT
#undef OBS
	return n;
}

/* Two partials merged, in both orders, equal one inventory fed everything. */
START_TEST(merge_equals_one_inventory)
{
	struct inv_event ev[128];
	size_t n = plant_events(ev, 128);
	struct inventory *all = inv_new(NULL);

	for (size_t i = 0; i < n; i++)
		feed(all, &ev[i]);
	/* split: alternate events, and the first half against the second */
	for (int split = 0; split < 2; split++) {
		for (int order = 0; order < 2; order++) {
			struct inventory *a = inv_new(NULL), *b = inv_new(NULL), *into = inv_new(NULL);
			for (size_t i = 0; i < n; i++) {
				bool to_a = split == 0 ? (i % 2 == 0) : (i < n / 2);
				feed(to_a ? a : b, &ev[i]);
			}
			/* into an empty inventory */
			ck_assert_int_eq(inv_merge(into, order ? b : a), 0);
			ck_assert_int_eq(inv_merge(into, order ? a : b), 0);
			assert_same(all, into, "two partials merged into an empty inventory");
			/* into one of the partials, as the engine does */
			ck_assert_int_eq(inv_merge(order ? b : a, order ? a : b), 0);
			assert_same(all, order ? b : a, "one partial merged into the other");
			inv_free(a);
			inv_free(b);
			inv_free(into);
		}
	}
	inv_free(all);
}
END_TEST

/* Random traffic over a few MACs and addresses, out-of-order times, spread
 * over three partials at random: the merge equals one inventory. */
START_TEST(merge_random_partitions)
{
	static const char *const ips[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.1.7", "192.168.5.5",
					  "8.8.8.8", "203.0.113.9", "169.254.1.1"};
	static const uint8_t macs[][6] = {
		{0x00, 0x1b, 0x1b, 0, 0, 1}, {0x00, 0x0e, 0x8c, 0, 0, 2}, {0x00, 0x1a, 0x2b, 0, 0, 3},
		{0x5a, 0x11, 0x22, 0, 0, 4}, {0x00, 0x80, 0xf4, 0, 0, 5},
	};
	static const char *const values[] = {"A", "B", "C"};
	static const enum hk_obs_kind kinds[] = {HK_OBS_HOSTNAME, HK_OBS_VENDOR, HK_OBS_IP, HK_OBS_SERVICE};
	uint64_t seed = 0x2545f4914f6cdd1dull;
	struct inv_event *ev = calloc(3000, sizeof(*ev));
	size_t n = 3000;

#define RND(m) ((seed = seed * 6364136223846793005ull + 1442695040888963407ull), (size_t)((seed >> 33) % (m)))
	ck_assert_ptr_nonnull(ev);
	for (size_t i = 0; i < n; i++) {
		uint64_t ts = T0 + RND(1000) * 1000;
		const uint8_t *sm = macs[RND(5)];
		const uint8_t *dm = macs[RND(5)];
		switch (RND(4)) {
		case 0:
			ev[i].p = test_arp_reply(ts, sm, ips[RND(4)], dm);
			if (RND(4) == 0) /* a proxy: the ARP sender is another MAC */
				memcpy(ev[i].p.arp.sha, macs[RND(5)], 6);
			break;
		case 1:
		case 2: {
			const char *sip = ips[RND(8)], *dip = ips[RND(8)];
			uint8_t ttl = RND(3) ? 64 : (uint8_t)(30 + RND(40));
			ev[i].p = ip_pkt(ts, sm, dm, sip, dip, ttl);
			if (RND(3) == 0) {
				ev[i].p.n_vlan = 1;
				ev[i].p.vlan[0] = (uint16_t)(1 + RND(12));
			}
			break;
		}
		default: {
			enum hk_obs_kind k = kinds[RND(4)];
			bool on_mac = RND(2);
			const char *subj_ip = RND(2) ? ips[RND(8)] : NULL, *value;
			uint8_t conf;
			if (!on_mac && !subj_ip)
				subj_ip = ips[RND(8)];
			conf = (uint8_t)(10 + RND(90));
			value = k == HK_OBS_IP ? ips[RND(8)] : values[RND(3)];
			ev[i].is_obs = true;
			ev[i].o = obs_about(ts, on_mac ? sm : NULL, subj_ip, k, conf, "src.x", value);
			break;
		}
		}
	}
	for (int round = 0; round < 8; round++) {
		struct inventory *all = inv_new(NULL), *part[3], *into = inv_new(NULL);
		size_t order[3] = {0, 1, 2};
		char *want;

		for (int k = 0; k < 3; k++)
			part[k] = inv_new(NULL);
		for (size_t i = 0; i < n; i++) {
			size_t k = RND(3);
			feed(all, &ev[i]);
			feed(part[k], &ev[i]);
		}
		for (int k = 2; k > 0; k--) {
			size_t j = RND((size_t)k + 1), t = order[k];
			order[k] = order[j];
			order[j] = t;
		}
		for (int k = 0; k < 3; k++)
			ck_assert_int_eq(inv_merge(into, part[order[k]]), 0);
		want = snapshot_dump(all);
		ck_assert_ptr_nonnull(strstr(want, "vlan="));
		free(want);
		assert_same(all, into, "three random partials merged");
		for (int k = 0; k < 3; k++)
			inv_free(part[k]);
		inv_free(into);
		inv_free(all);
	}
#undef RND
	free(ev);
}
END_TEST

START_TEST(merge_counts_what_does_not_fit)
{
	struct inv_limits lim = {.macs_max = 2};
	struct inventory *src = inv_new(NULL), *dst = inv_new(&lim);
	uint8_t mac[6] = {0x00, 0x1b, 0x1b, 0, 1, 0};
	char ip[32];

	for (int i = 1; i <= 5; i++) {
		struct hk_pkt p;
		mac[5] = (uint8_t)i;
		snprintf(ip, sizeof(ip), "10.0.0.%d", i);
		p = test_arp_reply(T0 + (uint64_t)i, mac, ip, MAC_HOST);
		inv_packet(src, &p);
	}
	ck_assert_uint_eq(inv_get_stats(src)->macs, 6);
	ck_assert_int_eq(inv_merge(dst, src), 0);
	ck_assert_uint_eq(inv_get_stats(dst)->macs, 2);
	ck_assert_uint_eq(inv_get_stats(dst)->macs_dropped, 4);
	ck_assert_uint_eq(inv_get_stats(dst)->packets, 5);
	/* the pairings of the MACs that did not fit are counted too */
	ck_assert_uint_ge(inv_get_stats(dst)->assoc_dropped, 3);
	ck_assert_int_eq(inv_merge(dst, dst), -EINVAL);
	inv_free(src);
	inv_free(dst);
}
END_TEST

/* The VLANs kept past INV_VLANS_PER_MAC_MAX are the lowest, in any order. */
START_TEST(vlans_kept_are_the_lowest)
{
	struct inventory *a = inv_new(NULL), *b = inv_new(NULL);
	char *ja, *jb;

	for (int i = 0; i < 12; i++) {
		struct hk_pkt p = ip_pkt(T0, MAC_HMI, MAC_HOST, "10.0.0.6", "10.0.0.5", 64);
		p.n_vlan = 1;
		p.vlan[0] = (uint16_t)(200 - i);
		inv_packet(a, &p);
		p.vlan[0] = (uint16_t)(189 + i);
		inv_packet(b, &p);
	}
	ja = snapshot_dump(a);
	jb = snapshot_dump(b);
	ck_assert_str_eq(ja, jb);
	ck_assert_ptr_nonnull(strstr(ja, "vlan=189 "));
	ck_assert_ptr_nonnull(strstr(ja, "vlan=196 "));
	ck_assert_ptr_null(strstr(ja, "vlan=197 "));
	free(ja);
	free(jb);
	inv_free(a);
	inv_free(b);
}
END_TEST

/* --- inv_packet_again, inv_obs_again ----------------------------------- */

/*
 * Counts events into inv the way the pipeline does: each packet of a
 * "flow" (slot) first tries the nodes the slot keeps, each observation the
 * few refs its slot remembers; a miss takes the plain path and refills.
 * Returns the number of events the shortcuts counted.
 */
struct shortcut_slot {
	struct inv_station st[2];
	struct inv_obs_ref ref[3];
	unsigned next;
};

static size_t feed_shortcut(struct inventory *inv, struct shortcut_slot *slot, const struct inv_event *ev)
{
	if (!ev->is_obs) {
		/* one flow per slot: the ends are ordered by sender MAC, as a flow
		 * orders its endpoints by address */
		int dir = memcmp(ev->p.src_mac, ev->p.dst_mac, 6) > 0;
		if (inv_packet_again(inv, &ev->p, &slot->st[dir], &slot->st[1 - dir]))
			return 1;
		inv_packet_ref(inv, &ev->p, &slot->st[dir], &slot->st[1 - dir]);
		return 0;
	}
	for (unsigned w = 0; w < 3; w++)
		if (slot->ref[w].ev && inv_obs_again(&slot->ref[w], &ev->o))
			return 1;
	if (inv_obs_ref(inv, &ev->o, &slot->ref[slot->next]))
		slot->next = (slot->next + 1) % 3;
	return 0;
}

static void assert_same_nodes(struct inventory *want, struct inventory *got)
{
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	FILE *fa = open_memstream(&a, &na), *fb = open_memstream(&b, &nb);

	ck_assert_ptr_nonnull(fa);
	ck_assert_ptr_nonnull(fb);
	inv_dump(want, fa);
	inv_dump(got, fb);
	fclose(fa);
	fclose(fb);
	ck_assert_ptr_nonnull(strstr(a, "assoc "));
	if (strcmp(a, b) != 0)
		fprintf(stderr, "plain path:\n%s\nshortcuts:\n%s\n", a, b);
	ck_assert_msg(strcmp(a, b) == 0, "the nodes counted through the shortcuts differ");
	free(a);
	free(b);
}

/*
 * Repeated packets and observations (the same addresses and claims at
 * other times, TTLs, VLANs, confidences) with everything that makes
 * inv_packet and inv_obs take other branches mixed in: group and zero
 * MACs, directed broadcasts, packets without MACs, ARP, claims about a
 * MAC, an address, both, or a multicast MAC. Counted through the
 * shortcuts, the inventory is the one the plain path makes, drops
 * included (with caps that are reached).
 */
START_TEST(shortcuts_count_as_the_plain_path)
{
	static const char *const ips[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "224.0.0.251", "8.8.8.8",
					  "10.0.0.255", "0.0.0.0", "fe80::1"};
	static const uint8_t macs[][6] = {
		{0x00, 0x1b, 0x1b, 0, 0, 1}, {0x00, 0x0e, 0x8c, 0, 0, 2}, {0x00, 0x1a, 0x2b, 0, 0, 3},
		{0x01, 0x00, 0x5e, 0, 0, 0xfb}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0, 0, 0, 0, 0, 0},
	};
	static const char *const values[] = {"client", "server", "10.0.0.3"};
	static const char *const sources[] = {"modbus.role", "modbus.unit_id", "enip.role"};
	static const enum hk_obs_kind kinds[] = {HK_OBS_RAW, HK_OBS_ROLE, HK_OBS_IP};
	enum { POOL = 24, N = 6000 };
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	struct inv_event pool[POOL], *ev = calloc(N, sizeof(*ev));
	static size_t slot_of[N];
	size_t hits[2] = {0, 0};

#define RND(m) ((seed = seed * 6364136223846793005ull + 1442695040888963407ull), (size_t)((seed >> 33) % (m)))
	ck_assert_ptr_nonnull(ev);
	for (size_t i = 0; i < POOL; i++) {
		const uint8_t *sm = macs[RND(3)], *dm = macs[RND(6)];
		memset(&pool[i], 0, sizeof(pool[i]));
		if (i % 3 == 2) {
			bool on_mac = RND(3) != 0;
			size_t k = RND(3);
			const char *ip = RND(3) ? ips[RND(8)] : NULL;
			const uint8_t *m = RND(5) ? sm : macs[3];
			const char *src = sources[RND(3)], *val = k == 2 ? values[2] : values[RND(2)];
			pool[i].is_obs = true;
			pool[i].o = obs_about(0, on_mac ? m : NULL, on_mac || ip ? ip : ips[0], kinds[k], 50, src, val);
		} else if (RND(8) == 0) {
			const char *ip = ips[RND(3)];
			pool[i].p = test_arp_reply(0, sm, ip, dm);
		} else {
			const char *sip = ips[RND(8)], *dip = ips[RND(8)];
			pool[i].p = ip_pkt(0, sm, dm, sip, dip, 64);
			if (RND(6) == 0)
				pool[i].p.flags |= HK_PKT_F_TO_GROUP;
			if (RND(8) == 0)
				pool[i].p.has_mac = false;
			if (RND(8) == 0)
				pool[i].p.has_dst_mac = false;
		}
	}
	/* in runs, as a flow's packets and PDUs come */
	for (size_t i = 0, cur = 0; i < N; i++) {
		if (RND(3) == 0)
			cur = RND(POOL);
		ev[i] = pool[cur];
		slot_of[i] = cur % 4;
		if (ev[i].is_obs) {
			ev[i].o.ts_usec = T0 + RND(100000);
			ev[i].o.confidence = (uint8_t)(10 + RND(90));
			if (RND(8) == 0) { /* the same claim about the MAC, or without it */
				ev[i].o.subject.has_mac = !ev[i].o.subject.has_mac;
				if (hk_mac_is_zero(ev[i].o.subject.mac))
					memcpy(ev[i].o.subject.mac, macs[1], 6);
			}
		} else {
			/* the same addresses, another way */
			if (RND(10) == 0)
				ev[i].p.flags ^= HK_PKT_F_TO_GROUP;
			if (RND(20) == 0)
				ev[i].p.has_mac = !ev[i].p.has_mac;
			if (RND(20) == 0)
				ev[i].p.has_dst_mac = !ev[i].p.has_dst_mac;
			if (RND(20) == 0)
				memcpy(ev[i].p.dst_mac, macs[3 + RND(3)], 6);
			ev[i].p.ts_usec = T0 + RND(100000);
			ev[i].p.ttl = RND(4) ? 64 : (uint8_t)(30 + RND(100));
			ev[i].p.wirelen = 60 + (uint32_t)RND(1400);
			ev[i].p.n_vlan = RND(4) == 0;
			ev[i].p.vlan[0] = (uint16_t)(1 + RND(4000));
		}
	}
	for (int caps = 0; caps < 2; caps++) {
		/* with caps, the second MAC, address and claim on are dropped (and counted) */
		struct inv_limits lim = {.macs_max = 2, .ips_max = 2, .evidence_max = 2};
		struct inventory *plain = inv_new(caps ? &lim : NULL), *fast = inv_new(caps ? &lim : NULL);
		struct shortcut_slot slot[4];

		memset(slot, 0, sizeof(slot));
		for (size_t i = 0; i < N; i++) {
			feed(plain, &ev[i]);
			hits[caps] += feed_shortcut(fast, &slot[slot_of[i]], &ev[i]);
		}
		assert_same(plain, fast, "the inventory counted through the shortcuts");
		ck_assert_mem_eq(inv_get_stats(plain), inv_get_stats(fast), sizeof(struct inv_stats));
		assert_same_nodes(plain, fast);
		if (caps)
			ck_assert_uint_gt(inv_get_stats(plain)->macs_dropped, 0);
		inv_free(plain);
		inv_free(fast);
	}
	/* the shortcuts were taken, not only missed */
	ck_assert_uint_gt(hits[0], N / 4);
	ck_assert_uint_gt(hits[1], 100);
#undef RND
	free(ev);
}
END_TEST

/* A ref is for its own observation only: another value, source, kind or
 * subject is not counted into it, and leaves the inventory alone. */
START_TEST(obs_again_takes_only_its_own)
{
	struct inventory *inv = inv_new(NULL);
	struct hk_obs o = obs_about(T0, MAC_HOST, "10.0.0.5", HK_OBS_RAW, 50, "modbus.role", "server"), x;
	struct inv_obs_ref ref = {0};
	char *before, *after;

	ck_assert(inv_obs_ref(inv, &o, &ref));
	before = snapshot_dump(inv);
	x = o;
	snprintf(x.value, sizeof(x.value), "client");
	ck_assert(!inv_obs_again(&ref, &x));
	x = o;
	snprintf(x.source, sizeof(x.source), "enip.role");
	ck_assert(!inv_obs_again(&ref, &x));
	x = o;
	x.kind = HK_OBS_ROLE;
	ck_assert(!inv_obs_again(&ref, &x));
	x = o;
	x.subject.mac[5] ^= 1;
	ck_assert(!inv_obs_again(&ref, &x));
	x = o;
	x.subject.ip = v4("10.0.0.6");
	ck_assert(!inv_obs_again(&ref, &x));
	x = o;
	x.subject.has_mac = false;
	ck_assert(!inv_obs_again(&ref, &x));
	after = snapshot_dump(inv);
	ck_assert_str_eq(before, after);
	free(after);
	/* the same claim later and surer: counted, the MAC's time range widened */
	x = o;
	x.ts_usec = T0 + 5000000;
	x.confidence = 70;
	ck_assert(inv_obs_again(&ref, &x));
	after = snapshot_dump(inv);
	ck_assert_ptr_nonnull(strstr(after, "conf=70 first=1772438400000000 last=1772438405000000 count=2"));
	ck_assert_ptr_nonnull(strstr(after, "last=1772438405000000 pkts=0"));
	free(after);
	free(before);
	/* an IP claim about a MAC pairs them as well: no ref for it */
	o = obs_about(T0, MAC_HOST, NULL, HK_OBS_IP, 90, "dhcp.ack", "10.0.0.5");
	ck_assert(!inv_obs_ref(inv, &o, &ref) || ref.ev == NULL || ref.kind != HK_OBS_IP);
	inv_free(inv);
}
END_TEST

/* The head of a string is its first 8 bytes and nothing past its end:
 * what a buffer holds after the NUL (a reused observation's leftovers)
 * does not change it, every byte before the end does. */
START_TEST(str_head_is_the_string_up_to_8_bytes)
{
	static const char text[] = "abcdefghij";

	for (size_t len = 0; len <= 10; len++) {
		char a[16], b[16];

		memset(a, 'x', sizeof(a));
		memset(b, 'y', sizeof(b));
		memcpy(a, text, len);
		memcpy(b, text, len);
		a[len] = b[len] = '\0';
		ck_assert_msg(inv_str_head(a) == inv_str_head(b), "length %zu: the bytes past the end count", len);
		for (size_t i = 0; i < len && i < 8; i++) {
			b[i] ^= 0x20;
			ck_assert_msg(inv_str_head(a) != inv_str_head(b), "length %zu: byte %zu does not count", len, i);
			b[i] ^= 0x20;
		}
		if (len >= 8) { /* a head, not a hash: the rest is for strcmp */
			b[8] = len > 8 ? 'Q' : '\0';
			ck_assert(inv_str_head(a) == inv_str_head(b));
		}
		/* a shorter string is another head, even with the longer one's bytes after its end */
		if (len > 0 && len <= 8) {
			memcpy(b, text, len);
			b[len - 1] = '\0';
			ck_assert_msg(inv_str_head(a) != inv_str_head(b), "length %zu equals its prefix", len);
		}
	}
}
END_TEST

/* inv_obs_again passes over what differs in the first 8 bytes of the
 * source or value by the heads in the ref, and compares the rest in full:
 * a source or value that differs only past them, or ends at the eighth
 * byte where the other goes on, is another claim; leftovers past the end
 * of an equal one do not make it another. */
/*
 * The kind is the attribute of a claim (one attribute name per kind): two
 * observations alike in subject, source and value but of two kinds are two
 * claims, whether added, counted again through the memo or merged.
 */
START_TEST(kinds_are_two_claims)
{
	struct hk_obs p = obs_about(T0, MAC_HOST, "10.0.0.5", HK_OBS_PRODUCT, 50, "snmp.sysdescr", "X200"),
		      m = obs_about(T0, MAC_HOST, "10.0.0.5", HK_OBS_MODEL, 50, "snmp.sysdescr", "X200");
	struct inventory *inv = inv_new(NULL), *other = inv_new(NULL), *merged = inv_new(NULL);
	struct inv_obs_ref ref = {0};
	char *d;

	ck_assert(inv_obs_ref(inv, &p, &ref));
	ck_assert(!inv_obs_again(&ref, &m));
	inv_obs(inv, &m);
	d = snapshot_dump(inv);
	ck_assert_msg(strstr(d, "  product=X200 [snmp.sysdescr]") && strstr(d, "  model=X200 [snmp.sysdescr]"), "%s", d);
	free(d);
	inv_obs(other, &m);
	inv_obs(merged, &p);
	ck_assert_int_eq(inv_merge(merged, other), 0);
	d = snapshot_dump(merged);
	ck_assert_msg(strstr(d, "  product=X200 [snmp.sysdescr]") && strstr(d, "  model=X200 [snmp.sysdescr]"), "%s", d);
	free(d);
	inv_free(merged);
	inv_free(other);
	inv_free(inv);
}
END_TEST

START_TEST(obs_again_compares_past_the_head)
{
	struct inventory *inv = inv_new(NULL);
	struct hk_obs o = obs_about(T0, MAC_HOST, "10.0.0.5", HK_OBS_SOFTWARE, 50, "s7commplus.version",
				    "V2.1-build-0001"),
		      s = obs_about(T0, MAC_HOST, "10.0.0.5", HK_OBS_RAW, 50, "melsec.melsoft", "yes"),
		      e = obs_about(T0, MAC_HOST, "10.0.0.5", HK_OBS_RAW, 50, "enip.rol", "abcdefgh"), x;
	struct inv_obs_ref ref = {0}, sref = {0}, eref = {0};
	char *before, *after;

	ck_assert(inv_obs_ref(inv, &o, &ref));
	ck_assert(inv_obs_ref(inv, &s, &sref));
	ck_assert(inv_obs_ref(inv, &e, &eref));
	ck_assert(ref.source_head == inv_str_head(o.source) && ref.value_head == inv_str_head(o.value));
	before = snapshot_dump(inv);
	x = o;
	snprintf(x.value, sizeof(x.value), "V2.1-build-0002");
	ck_assert(!inv_obs_again(&ref, &x));
	x = o;
	snprintf(x.value, sizeof(x.value), "V2.1-bui");
	ck_assert(!inv_obs_again(&ref, &x));
	x = o;
	snprintf(x.source, sizeof(x.source), "s7commplus.versioN");
	ck_assert(!inv_obs_again(&ref, &x));
	x = o;
	snprintf(x.source, sizeof(x.source), "s7commpl");
	ck_assert(!inv_obs_again(&ref, &x));
	x = e;
	snprintf(x.value, sizeof(x.value), "abcdefghi");
	ck_assert(!inv_obs_again(&eref, &x));
	x = e;
	snprintf(x.source, sizeof(x.source), "enip.role");
	ck_assert(!inv_obs_again(&eref, &x));
	after = snapshot_dump(inv);
	ck_assert_str_eq(before, after);
	free(after);
	free(before);
	/* the same claims with leftovers past their ends: counted */
	x = s;
	memset(x.value + 4, 'Z', 20);
	memset(x.source + 15, 'Z', 20);
	ck_assert(inv_obs_again(&sref, &x));
	x = e;
	memset(x.value + 9, 'Z', 20);
	memset(x.source + 9, 'Z', 20);
	ck_assert(inv_obs_again(&eref, &x));
	x = o;
	memset(x.value + 16, 'Z', 20);
	ck_assert(inv_obs_again(&ref, &x));
	after = snapshot_dump(inv);
	ck_assert_ptr_nonnull(strstr(after, "fingerprint=yes [melsec.melsoft] conf=50 first=1772438400000000 "
					    "last=1772438400000000 count=2"));
	ck_assert_ptr_nonnull(strstr(after, "fingerprint=abcdefgh [enip.rol] conf=50 first=1772438400000000 "
					    "last=1772438400000000 count=2"));
	ck_assert_ptr_nonnull(strstr(after, "software=V2.1-build-0001 [s7commplus.version] conf=50 "
					    "first=1772438400000000 last=1772438400000000 count=2"));
	free(after);
	inv_free(inv);
}
END_TEST

/* strcmp's order of claims, as the reference for merge.c's. */
static int claim_strcmp(const void *pa, const void *pb)
{
	const struct hk_evidence *a = pa, *b = pb;
	int c = strcmp(a->attribute, b->attribute);

	if (!c)
		c = strcmp(a->value, b->value);
	return c ? c : strcmp(a->source, b->source);
}

/* Claims are sorted, folded and picked in strcmp's order (bytes as
 * unsigned), also where merge.c tells them by their first byte: names and
 * values that differ in it, past 0x7f, or only later. */
START_TEST(claim_order_is_strcmps)
{
	static const char alphabet[] = {'a', 'b', (char)0x80, (char)0xff};
	enum { N = 400 };
	uint64_t seed = 0x243f6a8885a308d3ull;
	struct hk_evidence *want = calloc(N, sizeof(*want));
	struct hk_device d;

#define RND(m) ((seed = seed * 6364136223846793005ull + 1442695040888963407ull), (size_t)((seed >> 33) % (m)))
	ck_assert_ptr_nonnull(want);
	memset(&d, 0, sizeof(d));
	for (size_t i = 0; i < N; i++) {
		char *f[3] = {want[i].attribute, want[i].value, want[i].source};
		for (int k = 0; k < 3; k++) {
			size_t len = RND(4);
			for (size_t c = 0; c < len; c++)
				f[k][c] = alphabet[RND(4)];
		}
		want[i].confidence = (uint8_t)(RND(3) * 10);
		want[i].count = 1;
		ck_assert(hk_device_append_evidence(&d, &want[i]));
	}
	hk_device_fold_evidence(&d);
	/* the reference: strcmp's order, equal claims once */
	qsort(want, N, sizeof(*want), claim_strcmp);
	for (size_t i = 0, k = 0; i < N; i++) {
		if (i > 0 && claim_strcmp(&want[i - 1], &want[i]) == 0)
			continue;
		ck_assert_uint_lt(k, d.n_ev);
		ck_assert_msg(claim_strcmp(&want[i], &d.ev[k]) == 0, "claim %zu is out of strcmp's order", k);
		k++;
		if (i == N - 1)
			ck_assert_uint_eq(k, d.n_ev);
	}
	/* the best of an attribute: highest confidence, then the lowest source, then value */
	for (size_t i = 0; i < N; i += 37) {
		const struct hk_evidence *best = hk_device_best(&d, want[i].attribute), *ref = NULL;
		for (size_t k = 0; k < d.n_ev; k++) {
			const struct hk_evidence *e = &d.ev[k];
			int c;
			if (strcmp(e->attribute, want[i].attribute) != 0)
				continue;
			c = !ref ? 1 : e->confidence != ref->confidence ? e->confidence - ref->confidence
				     : strcmp(e->source, ref->source) ? -strcmp(e->source, ref->source)
									 : -strcmp(e->value, ref->value);
			if (c > 0)
				ref = e;
		}
		ck_assert_ptr_eq(best, ref);
	}
#undef RND
	hk_device_clear(&d);
	free(want);
}
END_TEST

/* An OUI database of two IEEE blocks, with the unit tests' manuf fixture
 * (Nieuw Blok's MA-M, OnlyShrt's MA-L) behind it for what they miss. */
static struct oui_db *small_oui(void)
{
	char tsv[] = "/tmp/hk-test-inventory-XXXXXX", manuf[4096], err[512] = "";
	const char *src = getenv("HERKOMST_SOURCE_DIR");
	int fd = mkstemp(tsv);
	FILE *f;
	struct oui_db *db;

	ck_assert_msg(src != NULL, "HERKOMST_SOURCE_DIR is not set (run the test with meson test)");
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# prefix\tregistry\tcountry\tregistrant\n000E8C\tMA-L\tDE\tSiemens AG A&D ET\n"
	      "001B1B\tMA-L\tDE\tSiemens AG\n",
	      f);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(manuf, sizeof(manuf), "%s/tests/unit/data/oui/manuf", src);
	db = oui_db_open(tsv, manuf, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	unlink(tsv);
	return db;
}

/* Many stations (some VLAN-tagged, some claimed about), a router with
 * remote hosts behind it, and stations whose OUI only manuf knows. */
static struct inventory *many_devices(void)
{
	static const uint8_t prefix[][3] = {
		{0x00, 0x1b, 0x1b}, {0x00, 0x0e, 0x8c}, {0x00, 0x55, 0xda}, {0x00, 0xaa, 0xbb}, {0x5a, 0x11, 0x22},
		{0x00, 0x99, 0x98},
	};
	struct inventory *inv = inv_new(NULL);
	char ip[32], peer[32], host[32];
	struct hk_pkt p;

	ck_assert_ptr_nonnull(inv);
	for (unsigned i = 0; i < 900; i++) {
		const uint8_t *pf = prefix[i % 6];
		uint8_t mac[6] = {pf[0], pf[1], pf[2], (uint8_t)(pf == prefix[2] ? 0xb0 : i >> 8), (uint8_t)(i >> 8),
				  (uint8_t)i};
		struct hk_obs o;

		snprintf(ip, sizeof(ip), "10.%u.%u.%u", i % 3, (i / 250) % 250, 1 + i % 250);
		p = test_arp_reply(T0 + i, mac, ip, MAC_RTR);
		if (i % 7 == 0) {
			p.n_vlan = 1;
			p.vlan[0] = (uint16_t)(1 + i % 5);
		}
		inv_packet(inv, &p);
		snprintf(peer, sizeof(peer), "198.51.%u.%u", (i / 200) % 200, 1 + i % 200);
		p = ip_pkt(T0 + 1000 + i, mac, MAC_RTR, ip, peer, 64);
		inv_packet(inv, &p);
		p = ip_pkt(T0 + 2000 + i, MAC_RTR, mac, peer, ip, 51);
		inv_packet(inv, &p);
		snprintf(host, sizeof(host), "station-%u", i);
		o = obs_about(T0 + 3000 + i, mac, NULL, HK_OBS_HOSTNAME, 70, "src.x", host);
		inv_obs(inv, &o);
		if (i % 3 == 0) {
			o = obs_about(T0 + 4000 + i, NULL, peer, HK_OBS_SERVICE, 60, "src.y", "tcp/443/TLS");
			inv_obs(inv, &o);
		}
	}
	return inv;
}

/*
 * The snapshot's order is hk_device_cmp's. Its sort compares small keys
 * (first sighting, then the MAC or the address family and first four
 * bytes) and reads the devices only when those are equal: IP-only IPv6
 * devices of one /32 seen at the same instant, made here in the reverse of
 * their order (no layer 2: every address is an IP-only device).
 */
START_TEST(snapshot_order_is_device_cmp)
{
	/* (source, destination) of one packet each */
	static const char *const addrs[][2] = {{"2001:db8::9", "2001:db8::8"},
					       {"2001:db8::7", "2001:db8::6"},
					       {"2001:db8:0:1::2", "2001:db8::5"},
					       {"10.0.0.9", "10.0.0.3"}};
	struct inventory *inv = inv_new(NULL);
	struct hk_device *d;
	size_t n;

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct hk_pkt p;
		memset(&p, 0, sizeof(p));
		p.ts_usec = T0;
		p.caplen = p.wirelen = 100;
		p.src_ip = v4(addrs[i][0]);
		p.dst_ip = v4(addrs[i][1]);
		p.l3 = p.src_ip.family == 6 ? HK_L3_IPV6 : HK_L3_IPV4;
		p.ip_proto = 17;
		p.ttl = 64;
		inv_packet(inv, &p);
	}
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	ck_assert_uint_eq(n, 8);
	for (size_t i = 0; i + 1 < n; i++)
		ck_assert_msg(hk_device_cmp(&d[i], &d[i + 1]) < 0, "devices %zu (%s) and %zu (%s) out of order", i,
			      d[i].key, i + 1, d[i + 1].key);
	ck_assert_str_eq(d[0].key, "ip:10.0.0.3");
	ck_assert_str_eq(d[2].key, "ip:2001:db8::5");
	ck_assert_str_eq(d[6].key, "ip:2001:db8::9");
	ck_assert_str_eq(d[7].key, "ip:2001:db8:0:1::2");
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

START_TEST(snapshot_threads_equal_one_thread)
{
	struct inventory *inv = many_devices();
	struct oui_db *oui = small_oui();
	size_t n = 0, m = 0;
	char *want = snapshot_dump_with(inv, oui, 0, &n);
	static const unsigned threads[] = {1, 2, 3, 8, INV_SNAPSHOT_THREADS_MAX + 7};

	oui_db_free(oui);
	/* enough devices for every thread to take several blocks */
	ck_assert_uint_gt(n, 1500);
	ck_assert_ptr_nonnull(strstr(want, "oui=registered/00:1b:1b/MA-L/Siemens AG/DE"));
	ck_assert_ptr_nonnull(strstr(want, "Nieuw Blok"));
	ck_assert_ptr_nonnull(strstr(want, "OnlyShrt"));
	ck_assert_ptr_nonnull(strstr(want, "oui=local/"));
	ck_assert_ptr_nonnull(strstr(want, "oui=unregistered/"));
	ck_assert_ptr_nonnull(strstr(want, "vlan=5 [802.1q]"));
	ck_assert_ptr_nonnull(strstr(want, "role=router"));
	ck_assert_ptr_nonnull(strstr(want, "service=tcp/443/TLS"));
	for (size_t i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		/* a fresh database each time: manuf is not loaded yet */
		char *got;

		oui = small_oui();
		got = snapshot_dump_with(inv, oui, threads[i], &m);
		if (strcmp(want, got) != 0)
			fprintf(stderr, "one thread:\n%s\n%u threads:\n%s\n", want, threads[i], got);
		ck_assert_msg(strcmp(want, got) == 0, "the snapshot on %u threads differs from one thread's",
			      threads[i]);
		ck_assert_uint_eq(m, n);
		free(got);
		oui_db_free(oui);
	}
	free(want);
	inv_free(inv);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("inventory");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, flat_segment_owns_addresses);
	tcase_add_test(tc, gateway_by_many_addresses);
	tcase_add_test(tc, gateway_by_one_routed_offsubnet_address);
	tcase_add_test(tc, routed_private_network_behind_router);
	tcase_add_test(tc, router_keeps_its_own_address);
	tcase_add_test(tc, evidence_behind_gateway_goes_to_the_host);
	tcase_add_test(tc, locally_administered_has_no_vendor);
	tcase_add_test(tc, multicast_and_zero_macs_are_not_devices);
	tcase_add_test(tc, order_independent);
	tcase_add_test(tc, best_claim_is_order_free);
	tcase_add_test(tc, same_claim_merges);
	tcase_add_test(tc, ttl_rule);
	tcase_add_test(tc, limits_are_counted);
	tcase_add_test(tc, merge_equals_one_inventory);
	tcase_add_test(tc, merge_random_partitions);
	tcase_add_test(tc, merge_counts_what_does_not_fit);
	tcase_add_test(tc, vlans_kept_are_the_lowest);
	tcase_add_test(tc, shortcuts_count_as_the_plain_path);
	tcase_add_test(tc, obs_again_takes_only_its_own);
	tcase_add_test(tc, str_head_is_the_string_up_to_8_bytes);
	tcase_add_test(tc, kinds_are_two_claims);
	tcase_add_test(tc, obs_again_compares_past_the_head);
	tcase_add_test(tc, claim_order_is_strcmps);
	tcase_add_test(tc, snapshot_threads_equal_one_thread);
	tcase_add_test(tc, snapshot_order_is_device_cmp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
