/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A device's evidence gathered in bulk (include/herkomst/device.h: reserve,
 * append, fold) against the same claims added one by one
 * (hk_device_add_evidence, then hk_device_sort_evidence): the result must be
 * the same item for item, also past HK_DEV_EVIDENCE_MAX, and the array no
 * larger than its items. The snapshot (inv_snapshot) and the deriver use the
 * bulk path.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/device.h"
#include "inventory/inventory.h"

#include "arp_fixture.h"
#include "claim.h"

static struct hk_evidence claim(const char *attr, const char *value, const char *source, uint8_t conf,
				uint64_t first, uint64_t last, uint64_t count)
{
	return test_claim(attr, value, source, conf, first, last, count);
}

/* A small xorshift: the same sequences on every run. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Claims from a small alphabet, so that many are equal; zero counts and
 * first_seen included (add treats both specially). */
static struct hk_evidence random_claim(uint64_t *s)
{
	static const char *const attrs[] = {"ip", "manufacturer", "role"};
	static const char *const values[] = {"a", "b", "c", "d"};
	static const char *const sources[] = {"x", "y"};
	uint64_t r = rnd(s);
	return claim(attrs[r % 3], values[(r >> 8) % 4], sources[(r >> 16) % 2], (uint8_t)((r >> 24) % 100),
		     (r >> 32) % 4 == 0 ? 0 : 1000 + (r >> 40) % 100, 2000 + (r >> 48) % 100, (r >> 56) % 3);
}

static void expect_same(const struct hk_device *want, const struct hk_device *got)
{
	ck_assert_uint_eq(got->n_ev, want->n_ev);
	for (size_t i = 0; i < want->n_ev; i++) {
		const struct hk_evidence *a = &want->ev[i], *b = &got->ev[i];
		ck_assert_str_eq(b->attribute, a->attribute);
		ck_assert_str_eq(b->value, a->value);
		ck_assert_str_eq(b->source, a->source);
		ck_assert_uint_eq(b->confidence, a->confidence);
		ck_assert_uint_eq(b->first_seen, a->first_seen);
		ck_assert_uint_eq(b->last_seen, a->last_seen);
		ck_assert_uint_eq(b->count, a->count);
	}
}

START_TEST(fold_equals_add_in_order)
{
	uint64_t seed = 0x9e3779b97f4a7c15u + (uint64_t)_i;
	struct hk_device one, bulk;
	size_t n_before = rnd(&seed) % 6, n = rnd(&seed) % 80;

	memset(&one, 0, sizeof(one));
	memset(&bulk, 0, sizeof(bulk));
	/* what a device holds before (the deriver's case): added, so distinct */
	for (size_t i = 0; i < n_before; i++) {
		struct hk_evidence e = random_claim(&seed);
		ck_assert(hk_device_add_evidence(&one, &e));
		ck_assert(hk_device_add_evidence(&bulk, &e));
	}
	ck_assert_int_eq(hk_device_reserve_evidence(&bulk, n), 0);
	for (size_t i = 0; i < n; i++) {
		struct hk_evidence e = random_claim(&seed);
		ck_assert(hk_device_add_evidence(&one, &e));
		ck_assert(hk_device_append_evidence(&bulk, &e));
	}
	hk_device_sort_evidence(&one);
	hk_device_fold_evidence(&bulk);
	expect_same(&one, &bulk);
	ck_assert_uint_eq(bulk.cap_ev, bulk.n_ev);
	hk_device_clear(&one);
	hk_device_clear(&bulk);
}
END_TEST

START_TEST(fold_keeps_the_first_claims_at_max)
{
	struct hk_device one, bulk;
	char v[32];
	bool found_late = false;

	memset(&one, 0, sizeof(one));
	memset(&bulk, 0, sizeof(bulk));
	/* HK_DEV_EVIDENCE_MAX + 40 distinct claims, named so that canonical
	 * order is not arrival order; after the cap, an early claim again (it
	 * folds) and a late one again (it stays out) */
	for (int i = 0; i < HK_DEV_EVIDENCE_MAX + 40; i++) {
		struct hk_evidence e;
		snprintf(v, sizeof(v), "%05d", (i * 7919) % (HK_DEV_EVIDENCE_MAX + 40));
		e = claim("fingerprint", v, "test", 50, 10, 20, 1);
		hk_device_add_evidence(&one, &e);
		ck_assert(hk_device_append_evidence(&bulk, &e));
		if (i == HK_DEV_EVIDENCE_MAX + 20) {
			struct hk_evidence early = claim("fingerprint", "00000", "test", 90, 5, 30, 4), late;
			/* the claim that arrived at HK_DEV_EVIDENCE_MAX + 5: past the cap */
			snprintf(v, sizeof(v), "%05d", ((HK_DEV_EVIDENCE_MAX + 5) * 7919) % (HK_DEV_EVIDENCE_MAX + 40));
			late = claim("fingerprint", v, "test", 90, 5, 30, 4);
			hk_device_add_evidence(&one, &early);
			hk_device_add_evidence(&one, &late);
			ck_assert(hk_device_append_evidence(&bulk, &early));
			ck_assert(hk_device_append_evidence(&bulk, &late));
		}
	}
	hk_device_sort_evidence(&one);
	hk_device_fold_evidence(&bulk);
	ck_assert_uint_eq(one.n_ev, HK_DEV_EVIDENCE_MAX);
	expect_same(&one, &bulk);
	ck_assert_uint_eq(bulk.cap_ev, HK_DEV_EVIDENCE_MAX);
	/* the early claim folded its repeat in */
	ck_assert_str_eq(bulk.ev[0].value, "00000");
	ck_assert_uint_eq(bulk.ev[0].count, 5);
	ck_assert_uint_eq(bulk.ev[0].confidence, 90);
	ck_assert_uint_eq(bulk.ev[0].first_seen, 5);
	/* the late one is not kept */
	for (size_t i = 0; i < bulk.n_ev; i++)
		found_late |= strcmp(bulk.ev[i].value, v) == 0;
	ck_assert(!found_late);
	hk_device_clear(&one);
	hk_device_clear(&bulk);
}
END_TEST

START_TEST(reserve_is_exact)
{
	struct hk_device d;
	struct hk_evidence e = claim("ip", "10.0.0.1", "arp", 90, 1, 2, 1);
	const struct hk_evidence *at;

	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(hk_device_reserve_evidence(&d, 3), 0);
	ck_assert_uint_eq(d.cap_ev, 3);
	at = d.ev;
	for (int i = 0; i < 3; i++)
		ck_assert(hk_device_append_evidence(&d, &e));
	ck_assert_ptr_eq(d.ev, at); /* no move within the reservation */
	ck_assert_int_eq(hk_device_reserve_evidence(&d, 0), 0);
	ck_assert_int_eq(hk_device_reserve_evidence(&d, (size_t)HK_DEV_EVIDENCE_RESERVE_MAX + 1), -E2BIG);
	hk_device_fold_evidence(&d);
	ck_assert_uint_eq(d.n_ev, 1);
	ck_assert_uint_eq(d.cap_ev, 1);
	ck_assert_uint_eq(d.ev[0].count, 3);
	hk_device_fold_evidence(&d); /* folded again: unchanged */
	ck_assert_uint_eq(d.n_ev, 1);
	ck_assert_uint_eq(d.ev[0].count, 3);
	hk_device_clear(&d);
	hk_device_fold_evidence(&d); /* nothing: nothing allocated */
	ck_assert_ptr_null(d.ev);
}
END_TEST

START_TEST(sort_orders_what_is_not_in_order)
{
	struct hk_device d;
	struct hk_evidence e[] = {
		claim("role", "plc", "s7comm.setup", 70, 1, 2, 1),
		claim("ip", "10.0.0.2", "traffic", 50, 1, 2, 1),
		claim("ip", "10.0.0.1", "traffic", 50, 1, 2, 1),
	};

	memset(&d, 0, sizeof(d));
	for (size_t i = 0; i < 3; i++)
		ck_assert(hk_device_add_evidence(&d, &e[i]));
	hk_device_sort_evidence(&d);
	ck_assert_str_eq(d.ev[0].value, "10.0.0.1");
	ck_assert_str_eq(d.ev[1].value, "10.0.0.2");
	ck_assert_str_eq(d.ev[2].value, "plc");
	hk_device_sort_evidence(&d);
	ck_assert_str_eq(d.ev[0].value, "10.0.0.1");
	ck_assert_str_eq(d.ev[2].value, "plc");
	hk_device_clear(&d);
}
END_TEST

/* --- the snapshot ------------------------------------------------------------ */

static const uint8_t MAC_A[6] = {0x00, 0x1b, 0x1b, 0x00, 0x00, 0x05};
static const uint8_t MAC_B[6] = {0x00, 0x0e, 0x8c, 0x00, 0x00, 0x06};

static void obs(struct inventory *inv, uint64_t ts, bool with_mac, const char *ip, const char *value)
{
	struct hk_obs_sink sink;
	struct hk_obs o;

	memset(&sink, 0, sizeof(sink));
	sink.v = &o;
	sink.cap = 1;
	ck_assert(hk_obs_emit(&sink, HK_OBS_HOSTNAME, HK_SIDE_SRC, 60, "dhcp.hostname", value));
	o.subject.has_mac = with_mac;
	memcpy(o.subject.mac, MAC_A, 6);
	ck_assert(hk_addr_parse(ip, &o.subject.ip));
	o.ts_usec = ts;
	inv_obs(inv, &o);
}

START_TEST(snapshot_arrays_hold_only_their_items)
{
	struct inventory *inv = inv_new(NULL);
	struct hk_device *d;
	struct hk_pkt p;
	size_t n;

	p = test_arp_reply(1000, MAC_A, "10.0.0.5", MAC_B);
	inv_packet(inv, &p);
	p = test_arp_reply(1001, MAC_B, "10.0.0.6", MAC_A);
	inv_packet(inv, &p);
	/* the same claim about MAC_A, once by its MAC and address, once by the
	 * address only: two items in the inventory, one claim of one device */
	obs(inv, 1100, true, "10.0.0.5", "EWS-01");
	obs(inv, 1200, false, "10.0.0.5", "EWS-01");
	obs(inv, 1300, true, "10.0.0.5", "ews-01.plant");
	ck_assert_int_eq(inv_snapshot(inv, NULL, &d, &n), 0);
	ck_assert_uint_eq(n, 2);
	for (size_t k = 0; k < n; k++) {
		ck_assert_uint_eq(d[k].cap_ev, d[k].n_ev);
		for (size_t i = 1; i < d[k].n_ev; i++) {
			const struct hk_evidence *a = &d[k].ev[i - 1], *b = &d[k].ev[i];
			int c = strcmp(a->attribute, b->attribute);
			if (!c)
				c = strcmp(a->value, b->value);
			if (!c)
				c = strcmp(a->source, b->source);
			ck_assert_msg(c < 0, "device %zu: evidence %zu and %zu not distinct and in order", k, i - 1, i);
		}
	}
	{
		const struct hk_device *a = memcmp(d[0].mac, MAC_A, 6) == 0 ? &d[0] : &d[1];
		size_t n_host = 0;
		for (size_t i = 0; i < a->n_ev; i++) {
			if (strcmp(a->ev[i].attribute, HK_A_HOSTNAME) != 0)
				continue;
			n_host++;
			if (strcmp(a->ev[i].value, "EWS-01") == 0) {
				ck_assert_uint_eq(a->ev[i].count, 2);
				ck_assert_uint_eq(a->ev[i].first_seen, 1100);
				ck_assert_uint_eq(a->ev[i].last_seen, 1200);
			}
		}
		ck_assert_uint_eq(n_host, 2);
		ck_assert_str_eq(hk_device_best(a, HK_A_IP)->value, "10.0.0.5");
	}
	inv_devices_free(d, n);
	inv_free(inv);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("evidence");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, fold_equals_add_in_order, 0, 200);
	tcase_add_test(tc, fold_keeps_the_first_claims_at_max);
	tcase_add_test(tc, reserve_is_exact);
	tcase_add_test(tc, sort_orders_what_is_not_in_order);
	tcase_add_test(tc, snapshot_arrays_hold_only_their_items);
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
