/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet engine (src/cli/engine.c): one reader, N workers sharing a
 * pool of batches. Hand-built traffic with the shapes that stress the pool
 * is run through 1, 2 and 3 workers and must give the same counters and the
 * same devices:
 *
 * - a long run of one flow's frames (more bytes than the whole pool), so the
 *   reader waits for batches while one worker works and the others idle: a
 *   Modbus/TCP conversation with its sequence numbers, so that a frame lost,
 *   repeated or out of order shows as a stream gap or a parse result that
 *   differs;
 * - then many small flows, so the idle workers are handed batches that are
 *   not full yet;
 * - a frame bigger than a batch (its batch grows);
 * - a frame of a link type the engine does not take (counted, not passed).
 *
 * And a worker that cannot build its nDPI module while the reader already
 * passes frames: the reader must not wait for it, and engine_ready and
 * engine_finish must both report it. And a worker thread held in its build
 * while the reader passes more frames than the pool holds: the reader runs
 * its own worker's batches meanwhile instead of waiting (the test hangs if
 * it waits), and the result equals one worker's.
 */
#include <check.h>
/* only for set_ndpi_malloc: an allocation failure on one worker's thread */
#include <ndpi/ndpi_api.h>
#include <pcap/dlt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli/engine.h"
#include "inventory/inventory.h"

#define BIG_FRAME (ENGINE_BATCH_BYTES + 4096u)
#define BURST_FRAMES 40000u /* of 250 bytes: 10 MB, more than the pool's 8 MiB */
#define SMALL_FLOWS 3000u

struct run {
	struct pipeline_totals t;
	struct inv_stats st;
	size_t n_devs;
	uint64_t dev_packets, dev_bytes;
	unsigned unsupported;
};

static size_t frame_ipv4(uint8_t *b, size_t cap, uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport,
			 uint16_t dport, size_t payload, uint32_t seq)
{
	size_t l4 = proto == 6 ? 20 : 8, n = 14 + 20 + l4 + payload;
	uint16_t tot = (uint16_t)(20 + l4 + payload);
	uint8_t *ip = b + 14, *t = ip + 20;

	ck_assert_uint_le(n, cap);
	memset(b, 0, n);
	/* locally administered MACs derived from the addresses */
	b[0] = 0x02;
	memcpy(b + 2, &dst, 4);
	b[6] = 0x02;
	memcpy(b + 8, &src, 4);
	b[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 64;
	ip[9] = proto;
	ip[12] = (uint8_t)(src >> 24);
	ip[13] = (uint8_t)(src >> 16);
	ip[14] = (uint8_t)(src >> 8);
	ip[15] = (uint8_t)src;
	ip[16] = (uint8_t)(dst >> 24);
	ip[17] = (uint8_t)(dst >> 16);
	ip[18] = (uint8_t)(dst >> 8);
	ip[19] = (uint8_t)dst;
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	if (proto == 6) {
		t[4] = (uint8_t)(seq >> 24);
		t[5] = (uint8_t)(seq >> 16);
		t[6] = (uint8_t)(seq >> 8);
		t[7] = (uint8_t)seq;
		t[12] = 0x50;
		t[13] = 0x18;
	} else {
		t[4] = (uint8_t)((8 + payload) >> 8);
		t[5] = (uint8_t)(8 + payload);
	}
	memset(t + l4, 'x', payload);
	return n;
}

#define MB_REQ_LEN 12u  /* MBAP 7 + function, address, quantity */
#define MB_RSP_LEN 195u /* MBAP 7 + function, byte count, 93 registers */

/* A Modbus/TCP ADU over the payload at adu: request or its reply. */
static void modbus_adu(uint8_t *adu, uint16_t tid, bool request)
{
	size_t len = request ? MB_REQ_LEN : MB_RSP_LEN;

	adu[0] = (uint8_t)(tid >> 8);
	adu[1] = (uint8_t)tid;
	adu[2] = adu[3] = 0;                /* protocol 0 */
	adu[4] = (uint8_t)((len - 6) >> 8); /* unit id and PDU */
	adu[5] = (uint8_t)(len - 6);
	adu[6] = 1;                         /* unit id */
	adu[7] = 3;                         /* Read Holding Registers */
	if (request) {
		adu[8] = adu[9] = 0; /* address */
		adu[10] = 0;
		adu[11] = 93; /* quantity */
	} else {
		adu[8] = 186; /* byte count */
		for (size_t k = 9; k < len; k++)
			adu[k] = (uint8_t)(tid + k);
	}
}

static void feed(struct engine *e, struct run *r, uint64_t *ts, int linktype, const uint8_t *b, size_t n)
{
	struct cap_frame fr = {
		.ts_usec = (*ts)++,
		.caplen = (uint32_t)n,
		.wirelen = (uint32_t)n,
		.linktype = linktype,
		.data = b,
	};
	int rc = engine_frame(e, &fr);

	ck_assert_int_ge(rc, 0);
	if (rc > 0)
		r->unsupported++;
}

static void run_engine(unsigned workers, struct run *r)
{
	struct engine_opts o = {.workers = workers};
	char err[256] = "";
	struct engine *e = engine_new(&o, err, sizeof(err));
	uint8_t *b = malloc(BIG_FRAME);
	uint64_t ts = 1700000000000000ull;
	struct hk_device *devs = NULL;
	uint32_t seq_up = 1000, seq_down = 900000;
	size_t n;

	ck_assert_msg(e != NULL, "engine_new(%u): %s", workers, err);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(engine_ready(e, err, sizeof(err)), 0);
	ck_assert_uint_eq(engine_workers(e), workers ? workers : 1);
	memset(r, 0, sizeof(*r));

	/* one Modbus/TCP conversation, both directions, longer than the pool:
	 * a Read Holding Registers request (12 bytes) and its 93-register reply
	 * (195 bytes), transaction ids counting, sequence numbers advancing */
	for (unsigned i = 0; i < BURST_FRAMES; i++) {
		bool up = i % 2 == 0;
		size_t len = up ? MB_REQ_LEN : MB_RSP_LEN;
		uint8_t *adu;

		n = frame_ipv4(b, BIG_FRAME, up ? 0x0a000001 : 0x0a000002, up ? 0x0a000002 : 0x0a000001, 6,
			       up ? 40000 : 502, up ? 502 : 40000, len, up ? seq_up : seq_down);
		adu = b + n - len;
		modbus_adu(adu, (uint16_t)(i / 2), up);
		if (up)
			seq_up += (uint32_t)len;
		else
			seq_down += (uint32_t)len;
		feed(e, r, &ts, DLT_EN10MB, b, n);
	}
	/* many small UDP flows among 200 hosts, interleaved */
	for (unsigned i = 0; i < SMALL_FLOWS * 4; i++) {
		unsigned f = i % SMALL_FLOWS;
		uint32_t a = 0x0a010000 + f % 200, c = 0x0a020000 + (f * 7) % 200;
		bool up = (i / SMALL_FLOWS) % 2 == 0;

		n = frame_ipv4(b, BIG_FRAME, up ? a : c, up ? c : a, 17, up ? (uint16_t)(1024 + f) : 161,
			       up ? 161 : (uint16_t)(1024 + f), 20 + f % 100, 0);
		feed(e, r, &ts, DLT_EN10MB, b, n);
	}
	/* a frame bigger than a batch: its IPv4 header covers only the start */
	n = frame_ipv4(b, BIG_FRAME, 0x0a000003, 0x0a000004, 17, 5000, 5001, 1000, 0);
	memset(b + n, 'y', BIG_FRAME - n);
	feed(e, r, &ts, DLT_EN10MB, b, BIG_FRAME);
	/* a link type no worker decodes */
	feed(e, r, &ts, DLT_USER0, b, 64);

	ck_assert_msg(engine_finish(e, err, sizeof(err)) == 0, "engine_finish(%u): %s", workers, err);
	engine_totals(e, &r->t);
	r->st = *inv_get_stats(engine_inventory(e));
	ck_assert_int_eq(inv_snapshot(engine_inventory(e), NULL, &devs, &r->n_devs), 0);
	for (size_t i = 0; i < r->n_devs; i++) {
		r->dev_packets += devs[i].packets;
		r->dev_bytes += devs[i].bytes;
	}
	inv_devices_free(devs, r->n_devs);
	engine_free(e);
	free(b);
}

/* PDUs and datagrams the parsers took as theirs, over every parser */
static uint64_t parsed_ok(const struct pipeline_totals *t)
{
	uint64_t n = 0;

	for (size_t i = 0; i < PIPELINE_PARSERS_MAX; i++)
		n += t->parse_results[i][HK_PARSE_OK];
	return n;
}

/* nDPI's allocations fail on the thread of this name (pthread_setname_np) */
static const char *fail_thread;

static void *failing_malloc(size_t n)
{
	char name[16];

	if (fail_thread && pthread_getname_np(pthread_self(), name, sizeof(name)) == 0 &&
	    strcmp(name, fail_thread) == 0)
		return NULL;
	return malloc(n);
}

/* nDPI's allocations block on the thread of this name until released */
static const char *hold_thread;
static pthread_mutex_t hold_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_cv = PTHREAD_COND_INITIALIZER;
static bool held, hold_released;

static void *holding_malloc(size_t n)
{
	char name[16];

	if (hold_thread && pthread_getname_np(pthread_self(), name, sizeof(name)) == 0 &&
	    strcmp(name, hold_thread) == 0) {
		pthread_mutex_lock(&hold_mu);
		held = true;
		pthread_cond_broadcast(&hold_cv);
		while (!hold_released)
			pthread_cond_wait(&hold_cv, &hold_mu);
		pthread_mutex_unlock(&hold_mu);
	}
	return malloc(n);
}

/* small UDP flows over both workers, 1000-byte payloads */
static void feed_small_flows(struct engine *e, struct run *r, uint64_t *ts, uint8_t *b, unsigned frames)
{
	for (unsigned i = 0; i < frames; i++) {
		size_t n = frame_ipv4(b, BIG_FRAME, 0x0a010000 + i % 500, 0x0a020000 + i % 7, 17,
				      (uint16_t)(1024 + i % 4000), 161, 1000, 0);

		feed(e, r, ts, DLT_EN10MB, b, n);
	}
}

/*
 * Worker 1's thread is held in its nDPI build while the reader passes 1.4
 * times what the pool holds (12 MB for its 8 MiB): half of it is worker
 * 0's, which the reader runs itself, so worker 1's share (about 25 of the
 * 32 batches) waits in the pool and the reader never needs a batch back
 * from worker 1 (it would need one past worker 1's share of pool - 2). A reader that only queued
 * frames would wait for worker 1 forever (the test times out). Then worker
 * 1 is let go; the counters and devices equal one worker's.
 */
START_TEST(reader_runs_while_a_worker_starts)
{
	struct engine_opts o = {.workers = 2};
	char err[256] = "";
	struct engine *e;
	struct run one, two;
	uint8_t *b = malloc(BIG_FRAME);
	uint64_t ts = 1700000000000000ull, ts1 = ts;
	/* frames of 1000-byte payloads, with their records: 1.4 pools */
	const unsigned frames = (unsigned)((uint64_t)engine_batches(2) * ENGINE_BATCH_BYTES * 7 / 5 / 1100);
	uint64_t by_reader;

	ck_assert_ptr_nonnull(b);
	/* one worker, for the expected result */
	e = engine_new(&(struct engine_opts){.workers = 1}, err, sizeof(err));
	ck_assert_msg(e != NULL, "engine_new(1): %s", err);
	memset(&one, 0, sizeof(one));
	feed_small_flows(e, &one, &ts1, b, frames);
	ck_assert_int_eq(engine_finish(e, err, sizeof(err)), 0);
	engine_totals(e, &one.t);
	one.st = *inv_get_stats(engine_inventory(e));
	engine_free(e);

	hold_thread = "hk-worker-1";
	held = hold_released = false;
	set_ndpi_malloc(holding_malloc);
	e = engine_new(&o, err, sizeof(err));
	ck_assert_msg(e != NULL, "engine_new(2): %s", err);
	/* worker 1 is in its build, held */
	pthread_mutex_lock(&hold_mu);
	while (!held)
		pthread_cond_wait(&hold_cv, &hold_mu);
	pthread_mutex_unlock(&hold_mu);
	memset(&two, 0, sizeof(two));
	feed_small_flows(e, &two, &ts, b, frames);
	by_reader = engine_reader_frames(e);
	/* worker 0's share, all run by the reader but for the batches still filling or queued */
	ck_assert_uint_gt(by_reader, frames / 4);
	ck_assert_uint_lt(by_reader, frames * 3 / 4);
	pthread_mutex_lock(&hold_mu);
	hold_released = true;
	pthread_cond_broadcast(&hold_cv);
	pthread_mutex_unlock(&hold_mu);
	ck_assert_int_eq(engine_ready(e, err, sizeof(err)), 0);
	ck_assert_msg(engine_finish(e, err, sizeof(err)) == 0, "engine_finish: %s", err);
	engine_totals(e, &two.t);
	two.st = *inv_get_stats(engine_inventory(e));
	ck_assert_uint_le(by_reader, engine_reader_frames(e));
	engine_free(e);
	set_ndpi_malloc(NULL);
	hold_thread = NULL;

	ck_assert_uint_eq(one.t.packets, frames);
	ck_assert_uint_eq(two.t.packets, one.t.packets);
	ck_assert_uint_eq(two.t.bytes, one.t.bytes);
	ck_assert_uint_eq(two.t.flows.created, one.t.flows.created);
	ck_assert_uint_eq(two.st.packets, one.st.packets);
	ck_assert_uint_eq(two.st.macs, one.st.macs);
	ck_assert_uint_eq(two.st.ips, one.st.ips);
	ck_assert_uint_eq(two.st.evidence, one.st.evidence);
	free(b);
}
END_TEST

/*
 * Worker 1 cannot build its nDPI module. The frames are passed before
 * engine_ready, as herkomst analyze does, and more of them than the pool
 * holds: the reader goes on (the failed worker hands its batches back),
 * and engine_ready, then engine_finish, report the worker and why.
 */
START_TEST(worker_that_cannot_start)
{
	struct engine_opts o = {.workers = 2};
	char err[256] = "";
	struct engine *e;
	struct run r;
	uint8_t *b = malloc(BIG_FRAME);
	uint64_t ts = 1700000000000000ull;

	ck_assert_ptr_nonnull(b);
	fail_thread = "hk-worker-1";
	set_ndpi_malloc(failing_malloc);
	e = engine_new(&o, err, sizeof(err));
	ck_assert_msg(e != NULL, "engine_new: %s", err);
	memset(&r, 0, sizeof(r));
	/* small UDP flows over both workers: 12 MB, more than the pool's 8 MiB */
	feed_small_flows(e, &r, &ts, b, 12000);
	err[0] = '\0';
	ck_assert_int_lt(engine_ready(e, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "worker 1: nDPI") && strstr(err, "failed to initialise"),
		      "engine_ready: '%s'", err);
	err[0] = '\0';
	ck_assert_int_lt(engine_finish(e, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "worker 1: nDPI") && strstr(err, "failed to initialise"),
		      "engine_finish: '%s'", err);
	engine_free(e);
	set_ndpi_malloc(NULL);
	fail_thread = NULL;
	free(b);
}
END_TEST

START_TEST(batches)
{
	ck_assert_uint_eq(engine_batches(1), ENGINE_BATCHES_MAX);
	ck_assert_uint_eq(engine_batches(2), ENGINE_BATCHES_MAX);
	/* at least ENGINE_BATCHES_MIN each when there are many workers */
	ck_assert_uint_eq(engine_batches(ENGINE_WORKERS_MAX), ENGINE_WORKERS_MAX * ENGINE_BATCHES_MIN);
	ck_assert_uint_ge(engine_batches(ENGINE_BATCHES_MAX / ENGINE_BATCHES_MIN + 1),
			  (ENGINE_BATCHES_MAX / ENGINE_BATCHES_MIN + 1) * ENGINE_BATCHES_MIN);
}
END_TEST

START_TEST(same_for_any_n)
{
	struct run one, many;
	uint64_t frames = BURST_FRAMES + SMALL_FLOWS * 4 + 1;

	run_engine(1, &one);
	ck_assert_uint_eq(one.t.packets, frames);
	ck_assert_uint_eq(one.t.dstats.frames, frames + 1);
	ck_assert_uint_eq(one.unsupported, 1);
	ck_assert_uint_eq(one.t.flows.created, 1 + SMALL_FLOWS + 1);
	ck_assert_uint_gt(one.n_devs, 200);
	/* every ADU of the conversation parsed, in order, none missing */
	ck_assert_uint_eq(one.t.stream_gaps, 0);
	ck_assert_uint_eq(parsed_ok(&one.t), BURST_FRAMES); /* the UDP payloads are no SNMP */
	for (unsigned n = 2; n <= 3; n++) {
		run_engine(n, &many);
		ck_assert_uint_eq(many.t.packets, one.t.packets);
		ck_assert_uint_eq(many.t.bytes, one.t.bytes);
		ck_assert_uint_eq(many.t.dstats.frames, one.t.dstats.frames);
		ck_assert_uint_eq(many.unsupported, one.unsupported);
		ck_assert_uint_eq(many.t.flows.created, one.t.flows.created);
		ck_assert_uint_eq(many.st.packets, one.st.packets);
		ck_assert_uint_eq(many.st.macs, one.st.macs);
		ck_assert_uint_eq(many.st.ips, one.st.ips);
		ck_assert_uint_eq(many.st.evidence, one.st.evidence);
		ck_assert_uint_eq(many.n_devs, one.n_devs);
		ck_assert_uint_eq(many.dev_packets, one.dev_packets);
		ck_assert_uint_eq(many.dev_bytes, one.dev_bytes);
		ck_assert_uint_eq(many.t.stream_gaps, one.t.stream_gaps);
		ck_assert_uint_eq(many.t.obs_dropped, one.t.obs_dropped);
		ck_assert_msg(memcmp(many.t.parse_results, one.t.parse_results, sizeof(one.t.parse_results)) == 0,
			      "%u workers: the parsers' results differ from one worker's", n);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, batches);
	tcase_add_test(tc, same_for_any_n);
	tcase_add_test(tc, worker_that_cannot_start);
	tcase_add_test(tc, reader_runs_while_a_worker_starts);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
