/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flusher (src/cli/flusher.c): a cumulative inventory flushed again and
 * again must add each packet and each observation to the store once.
 *
 *  - hand-made snapshots against a recording merge function: the exact
 *    differences handed over (new device, grown packets, grown claim, new
 *    claim, nothing), shrinking counters, a failed merge that is retried,
 *    the limits, and that the rewritten array is still freed exactly once;
 *  - real captures through the real pipeline into an in-memory store, cut
 *    into parts with a flush after each part (and extra flushes with
 *    nothing new), against the same capture merged once the way analyze
 *    does: every device's packets and bytes, and every claim's count, must
 *    be the same.
 */
#include "cli/flusher.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "cli/pipeline.h"
#include "store/store.h"

#define T0 1709251200000000ull
#define SEC 1000000ull

/* ---- hand-made snapshots ---- */

static void dev_init(struct hk_device *d, const char *key, uint64_t packets, uint64_t bytes)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->key, sizeof(d->key), "%s", key);
	d->first_seen = T0;
	d->last_seen = T0 + packets * SEC;
	d->packets = packets;
	d->bytes = bytes;
}

static void ev_add(struct hk_device *d, const char *attr, const char *value, const char *source, uint64_t count)
{
	struct hk_evidence e;

	memset(&e, 0, sizeof(e));
	snprintf(e.attribute, sizeof(e.attribute), "%s", attr);
	snprintf(e.value, sizeof(e.value), "%s", value);
	snprintf(e.source, sizeof(e.source), "%s", source);
	e.confidence = 50;
	e.first_seen = T0;
	e.last_seen = T0 + count * SEC;
	e.count = count;
	ck_assert(hk_device_add_evidence(d, &e));
}

/* Snapshot A: a PLC with two claims, a host with one. */
static struct hk_device *snap_a(size_t *ret_n)
{
	struct hk_device *v = calloc(2, sizeof(*v));

	ck_assert_ptr_nonnull(v);
	dev_init(&v[0], "mac:00:1b:1b:00:00:01", 100, 6400);
	ev_add(&v[0], "ip", "10.0.0.1", "traffic", 90);
	ev_add(&v[0], "service", "tcp/502/Modbus", "ndpi", 3);
	dev_init(&v[1], "ip:192.0.2.7", 10, 640);
	ev_add(&v[1], "ip", "192.0.2.7", "traffic.routed", 10);
	*ret_n = 2;
	return v;
}

/* What a recording merge saw. */
struct seen {
	size_t calls;
	size_t n;
	struct hk_device devs[8];
	int fail; /* return this instead of recording */
};

static int record(const struct hk_device *devs, size_t n, void *ud)
{
	struct seen *s = ud;

	s->calls++;
	if (s->fail)
		return s->fail;
	for (size_t i = 0; i < s->n; i++)
		hk_device_clear(&s->devs[i]);
	ck_assert_uint_le(n, 8);
	s->n = n;
	for (size_t i = 0; i < n; i++) {
		s->devs[i] = devs[i];
		s->devs[i].ev = NULL;
		s->devs[i].n_ev = s->devs[i].cap_ev = 0;
		for (size_t j = 0; j < devs[i].n_ev; j++)
			ck_assert(hk_device_add_evidence(&s->devs[i], &devs[i].ev[j]));
	}
	return 0;
}

static void seen_clear(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		hk_device_clear(&s->devs[i]);
	memset(s, 0, sizeof(*s));
}

static const struct hk_device *seen_dev(const struct seen *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->devs[i].key, key) == 0)
			return &s->devs[i];
	return NULL;
}

static uint64_t seen_claim(const struct hk_device *d, const char *attr, const char *value)
{
	for (size_t j = 0; d && j < d->n_ev; j++)
		if (strcmp(d->ev[j].attribute, attr) == 0 && strcmp(d->ev[j].value, value) == 0)
			return d->ev[j].count;
	return 0;
}

/* Flushes a fresh copy of a snapshot and frees it, as the daemon does. */
static int flush_snap(struct flusher *f, struct hk_device *v, size_t n, struct seen *s, struct flusher_result *res)
{
	int rc = flusher_flush(f, v, n, record, s, res);
	inv_devices_free(v, n);
	return rc;
}

START_TEST(test_first_flush_whole)
{
	struct flusher *f = flusher_new(NULL);
	struct seen s = {0};
	struct flusher_result res;
	struct hk_device *v;
	size_t n;

	v = snap_a(&n);
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
	ck_assert_uint_eq(s.calls, 1);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(res.devices, 2);
	ck_assert_uint_eq(res.devices_new, 2);
	ck_assert_uint_eq(res.claims, 3);
	ck_assert_uint_eq(res.packets, 110);
	ck_assert_uint_eq(res.bytes, 7040);
	ck_assert_uint_eq(seen_dev(&s, "mac:00:1b:1b:00:00:01")->packets, 100);
	ck_assert_uint_eq(seen_claim(seen_dev(&s, "mac:00:1b:1b:00:00:01"), "ip", "10.0.0.1"), 90);
	ck_assert_uint_eq(flusher_get_stats(f)->devices_tracked, 2);
	ck_assert_uint_eq(flusher_get_stats(f)->claims_tracked, 3);
	seen_clear(&s);
	flusher_free(f);
}
END_TEST

START_TEST(test_same_snapshot_adds_nothing)
{
	struct flusher *f = flusher_new(NULL);
	struct seen s = {0};
	struct flusher_result res;
	struct hk_device *v;
	size_t n;

	v = snap_a(&n);
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
	for (int k = 0; k < 3; k++) {
		v = snap_a(&n);
		ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
		ck_assert_uint_eq(res.devices, 0);
		ck_assert_uint_eq(res.claims, 0);
		ck_assert_uint_eq(res.packets, 0);
	}
	/* nothing changed: the merge is not even called */
	ck_assert_uint_eq(s.calls, 1);
	ck_assert_uint_eq(flusher_get_stats(f)->flushes, 4);
	seen_clear(&s);
	flusher_free(f);
}
END_TEST

START_TEST(test_more_traffic_adds_the_difference)
{
	struct flusher *f = flusher_new(NULL);
	struct seen s = {0};
	struct flusher_result res;
	const struct hk_device *d;
	struct hk_device *v;
	size_t n;

	v = snap_a(&n);
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);

	/* the PLC sent 25 more packets, 5 of them Modbus; a new claim; the
	 * routed host is quiet; a new device appears (snapshot order first) */
	v = calloc(3, sizeof(*v));
	dev_init(&v[0], "mac:00:1b:1b:00:00:02", 4, 256);
	ev_add(&v[0], "ip", "10.0.0.2", "arp", 1);
	dev_init(&v[1], "mac:00:1b:1b:00:00:01", 125, 8000);
	ev_add(&v[1], "ip", "10.0.0.1", "traffic", 115);
	ev_add(&v[1], "service", "tcp/502/Modbus", "ndpi", 3);
	ev_add(&v[1], "model", "6ES7 315-2EH14-0AB0", "s7comm.szl", 1);
	dev_init(&v[2], "ip:192.0.2.7", 10, 640);
	ev_add(&v[2], "ip", "192.0.2.7", "traffic.routed", 10);
	ck_assert_int_eq(flush_snap(f, v, 3, &s, &res), 0);

	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(res.devices, 2);
	ck_assert_uint_eq(res.devices_new, 1);
	ck_assert_uint_eq(res.packets, 29);
	/* the snapshot's order is kept */
	ck_assert_str_eq(s.devs[0].key, "mac:00:1b:1b:00:00:02");
	ck_assert_str_eq(s.devs[1].key, "mac:00:1b:1b:00:00:01");
	d = seen_dev(&s, "mac:00:1b:1b:00:00:01");
	ck_assert_uint_eq(d->packets, 25);
	ck_assert_uint_eq(d->bytes, 1600);
	ck_assert_uint_eq(d->n_ev, 2);
	ck_assert_uint_eq(seen_claim(d, "ip", "10.0.0.1"), 25);
	ck_assert_uint_eq(seen_claim(d, "model", "6ES7 315-2EH14-0AB0"), 1);
	ck_assert_uint_eq(seen_claim(d, "service", "tcp/502/Modbus"), 0); /* unchanged: not handed over */
	/* times are handed over as they are: the store widens them */
	ck_assert_uint_eq(d->last_seen, T0 + 125 * SEC);
	d = seen_dev(&s, "mac:00:1b:1b:00:00:02");
	ck_assert_uint_eq(d->packets, 4);
	ck_assert_uint_eq(seen_claim(d, "ip", "10.0.0.2"), 1);
	ck_assert_ptr_null(seen_dev(&s, "ip:192.0.2.7"));
	seen_clear(&s);
	flusher_free(f);
}
END_TEST

START_TEST(test_shrinking_counter_adds_nothing)
{
	struct flusher *f = flusher_new(NULL);
	struct seen s = {0};
	struct flusher_result res;
	struct hk_device *v;
	size_t n;

	v = snap_a(&n);
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
	/* an address moved to another device: this one counts fewer now */
	v = snap_a(&n);
	v[0].packets = 60;
	v[0].bytes = 4000;
	v[0].ev[0].count = 50;
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
	ck_assert_uint_eq(res.devices, 0);
	ck_assert_uint_eq(res.packets, 0);
	/* from the smaller value on, growth counts again */
	v = snap_a(&n);
	v[0].packets = 70;
	v[0].bytes = 4100;
	v[0].ev[0].count = 55;
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
	ck_assert_uint_eq(res.devices, 1);
	ck_assert_uint_eq(res.packets, 10);
	ck_assert_uint_eq(seen_dev(&s, "mac:00:1b:1b:00:00:01")->bytes, 100);
	ck_assert_uint_eq(seen_claim(seen_dev(&s, "mac:00:1b:1b:00:00:01"), "ip", "10.0.0.1"), 5);
	seen_clear(&s);
	flusher_free(f);
}
END_TEST

START_TEST(test_failed_merge_is_retried)
{
	struct flusher *f = flusher_new(NULL);
	struct seen s = {0};
	struct flusher_result res;
	struct hk_device *v;
	size_t n;

	v = snap_a(&n);
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
	v = snap_a(&n);
	v[0].packets += 7;
	s.fail = -EIO;
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), -EIO);
	ck_assert_uint_eq(flusher_get_stats(f)->failures, 1);
	/* the store rolled back: the next flush carries those 7 and 3 more */
	s.fail = 0;
	v = snap_a(&n);
	v[0].packets += 10;
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.devs[0].packets, 10);
	seen_clear(&s);
	flusher_free(f);
}
END_TEST

START_TEST(test_forgets_what_left_the_snapshot)
{
	struct flusher *f = flusher_new(NULL);
	struct seen s = {0};
	struct flusher_result res;
	struct hk_device *v;
	size_t n;

	v = snap_a(&n);
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
	v = snap_a(&n);
	hk_device_clear(&v[1]); /* the routed host is gone */
	ck_assert_int_eq(flush_snap(f, v, 1, &s, &res), 0);
	ck_assert_uint_eq(flusher_get_stats(f)->devices_tracked, 1);
	ck_assert_uint_eq(flusher_get_stats(f)->claims_tracked, 2);
	seen_clear(&s);
	flusher_free(f);
}
END_TEST

START_TEST(test_limits)
{
	struct flusher_limits lim = {.devices_max = 1, .claims_max = 1};
	struct flusher *f = flusher_new(&lim);
	struct seen s = {0};
	struct flusher_result res;
	struct hk_device *v;
	size_t n;

	v = snap_a(&n);
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
	ck_assert_uint_eq(res.devices_dropped, 1);
	ck_assert_uint_eq(res.claims_dropped, 1);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.devs[0].n_ev, 1);
	ck_assert_uint_eq(flusher_get_stats(f)->devices_tracked, 1);
	ck_assert_uint_eq(flusher_get_stats(f)->claims_tracked, 1);
	/* what is not remembered is never merged: no double counting later */
	v = snap_a(&n);
	ck_assert_int_eq(flush_snap(f, v, n, &s, &res), 0);
	ck_assert_uint_eq(res.devices, 0);
	ck_assert_uint_eq(flusher_get_stats(f)->devices_dropped, 2);
	seen_clear(&s);
	flusher_free(f);
}
END_TEST

START_TEST(test_limits_from_inventory)
{
	struct inv_limits il = {.macs_max = 10, .ips_max = 100, .evidence_max = 1000};
	struct flusher_limits fl;

	flusher_limits_from_inv(&fl, &il);
	ck_assert_uint_eq(fl.devices_max, 110);
	ck_assert_uint_eq(fl.claims_max, 1000 + 200 + 10 * (INV_VLANS_PER_MAC_MAX + 2));
	flusher_limits_from_inv(&fl, NULL);
	ck_assert_uint_eq(fl.devices_max, INV_MACS_MAX_DEFAULT + INV_IPS_MAX_DEFAULT);
}
END_TEST

/* Many devices, every other one changed: the swaps keep every evidence
 * array owned exactly once (AddressSanitizer sees a double free). */
START_TEST(test_reorder_keeps_ownership)
{
	struct flusher *f = flusher_new(NULL);
	struct seen s = {0};
	struct flusher_result res;
	enum { N = 50 };
	struct hk_device *v;
	char key[32];

	for (int round = 0; round < 2; round++) {
		v = calloc(N, sizeof(*v));
		for (int i = 0; i < N; i++) {
			snprintf(key, sizeof(key), "ip:10.0.%d.%d", i / 200, i % 200);
			dev_init(&v[i], key, 10 + (uint64_t)(round && i % 2 ? 5 : 0), 100);
			ev_add(&v[i], "ip", key + 3, "traffic", 1 + (uint64_t)(round && i % 3 == 0 ? 1 : 0));
		}
		ck_assert_int_eq(flusher_flush(f, v, N, NULL, NULL, &res), 0);
		if (round) {
			/* odd ones and multiples of 3 changed: 25 + 9 (0, 6, ..., 48) */
			ck_assert_uint_eq(res.devices, 34);
			for (size_t i = 0; i + 1 < res.devices; i++)
				ck_assert_int_lt(atoi(strrchr(v[i].key, '.') + 1),
						 atoi(strrchr(v[i + 1].key, '.') + 1));
		}
		inv_devices_free(v, N);
	}
	seen_clear(&s);
	flusher_free(f);
}
END_TEST

/* ---- real captures, in parts ---- */

struct loaded {
	struct hk_device *devs;
	size_t n;
};

static void load(struct store *st, struct loaded *l)
{
	ck_assert_int_eq(store_devices_load(st, &l->devs, &l->n), 0);
}

static const struct hk_device *find_key(const struct loaded *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->devs[i].key, key) == 0)
			return &l->devs[i];
	return NULL;
}

static int merge_store(const struct hk_device *devs, size_t n, void *ud)
{
	return store_devices_merge(ud, devs, n);
}

static void flush_pipeline(struct flusher *f, struct pipeline *pl, struct store *st)
{
	struct hk_device *devs;
	size_t n;

	ck_assert_int_eq(inv_snapshot(pl->inv, NULL, &devs, &n), 0);
	ck_assert_int_eq(flusher_flush(f, devs, n, merge_store, st, NULL), 0);
	inv_devices_free(devs, n);
}

/*
 * The capture in `parts` parts with a flush after each (and a second flush
 * with nothing new), into one store; the whole capture merged once, as
 * analyze does, into another. The stores must agree on every counter.
 */
static void compare_parts(const char *path, int parts)
{
	char err[1024];
	struct cap_source *src;
	struct cap_frame fr;
	struct pipeline *pa, *pb;
	struct store *sa, *sb;
	struct flusher *f = flusher_new(NULL);
	struct hk_device *devs;
	struct loaded la, lb;
	size_t n, total = 0, done = 0;
	int part = 1;

	src = cap_open_file(path, err, sizeof(err));
	ck_assert_msg(src != NULL, "%s", err);
	while (cap_next(src, &fr) == CAP_FRAME)
		total++;
	cap_close(src);
	ck_assert_uint_gt(total, 0);

	pa = pipeline_new(NULL, err, sizeof(err));
	pb = pipeline_new(NULL, err, sizeof(err));
	sa = store_open(NULL, err, sizeof(err));
	sb = store_open(NULL, err, sizeof(err));
	ck_assert(pa && pb && sa && sb);
	src = cap_open_file(path, err, sizeof(err));
	ck_assert_ptr_nonnull(src);
	while (cap_next(src, &fr) == CAP_FRAME) {
		pipeline_frame(pa, &fr);
		pipeline_frame(pb, &fr);
		if (++done >= total * (size_t)part / (size_t)parts && part < parts) {
			flush_pipeline(f, pa, sa);
			flush_pipeline(f, pa, sa); /* nothing new: adds nothing */
			part++;
		}
	}
	cap_close(src);
	pipeline_finish(pa);
	pipeline_finish(pb);
	flush_pipeline(f, pa, sa);
	flush_pipeline(f, pa, sa);

	ck_assert_int_eq(inv_snapshot(pb->inv, NULL, &devs, &n), 0);
	ck_assert_int_eq(store_devices_merge(sb, devs, n), 0);
	inv_devices_free(devs, n);

	load(sa, &la);
	load(sb, &lb);
	ck_assert_uint_eq(la.n, lb.n);
	for (size_t i = 0; i < lb.n; i++) {
		const struct hk_device *b = &lb.devs[i], *a = find_key(&la, b->key);

		ck_assert_msg(a != NULL, "%s: device %s missing", path, b->key);
		ck_assert_msg(a->packets == b->packets && a->bytes == b->bytes,
			      "%s: %s: %llu packets/%llu bytes flushed in parts, %llu/%llu at once", path, b->key,
			      (unsigned long long)a->packets, (unsigned long long)a->bytes,
			      (unsigned long long)b->packets, (unsigned long long)b->bytes);
		ck_assert_uint_eq(a->first_seen, b->first_seen);
		ck_assert_uint_eq(a->last_seen, b->last_seen);
		for (size_t j = 0; j < b->n_ev; j++) {
			const struct hk_evidence *eb = &b->ev[j];
			uint64_t ca = 0;

			for (size_t k = 0; k < a->n_ev; k++)
				if (strcmp(a->ev[k].attribute, eb->attribute) == 0 &&
				    strcmp(a->ev[k].value, eb->value) == 0 && strcmp(a->ev[k].source, eb->source) == 0)
					ca = a->ev[k].count;
			ck_assert_msg(ca == eb->count, "%s: %s: claim %s=%s (%s) counted %llu in parts, %llu at once",
				      path, b->key, eb->attribute, eb->value, eb->source, (unsigned long long)ca,
				      (unsigned long long)eb->count);
		}
	}
	inv_devices_free(la.devs, la.n);
	inv_devices_free(lb.devs, lb.n);
	store_close(sa);
	store_close(sb);
	pipeline_free(pa);
	pipeline_free(pb);
	flusher_free(f);
}

START_TEST(test_plant_in_parts)
{
	const char *build = getenv("HERKOMST_BUILD_DIR");
	char path[4096];

	if (!build)
		build = ".";
	snprintf(path, sizeof(path), "%s/tests/gen/plant.pcap", build);
	compare_parts(path, 7);
}
END_TEST

START_TEST(test_shared_captures_in_parts)
{
	static const char *const names[] = {"iti_modbus_test.pcap", "arkime_wireshark-dhcp.pcap",
					    "arkime_wireshark-lldp.pcap"};
	const char *shared = getenv("HERKOMST_SHARED_DIR");
	char path[4096];
	FILE *fp;

	if (!shared)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/pcaps/%s", shared, names[i]);
		fp = fopen(path, "rb");
		if (!fp)
			continue; /* ../shared is optional */
		fclose(fp);
		compare_parts(path, 5);
	}
}
END_TEST

static Suite *flusher_suite(void)
{
	Suite *s = suite_create("flusher");
	TCase *tc = tcase_create("diff");
	TCase *tp = tcase_create("pcap");

	tcase_add_test(tc, test_first_flush_whole);
	tcase_add_test(tc, test_same_snapshot_adds_nothing);
	tcase_add_test(tc, test_more_traffic_adds_the_difference);
	tcase_add_test(tc, test_shrinking_counter_adds_nothing);
	tcase_add_test(tc, test_failed_merge_is_retried);
	tcase_add_test(tc, test_forgets_what_left_the_snapshot);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_limits_from_inventory);
	tcase_add_test(tc, test_reorder_keeps_ownership);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, test_plant_in_parts);
	tcase_add_test(tp, test_shared_captures_in_parts);
	tcase_set_timeout(tp, 120);
	suite_add_tcase(s, tp);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(flusher_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
