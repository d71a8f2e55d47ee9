/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nDPI behind src/dpi/dpi.c: a flow is fed until nDPI names its protocol,
 * and not one packet more; its nDPI state (about 700 bytes) is freed at that
 * verdict. nDPI would go on dissecting an HTTP flow for the response
 * (extra dissection), which herkomst never reads (docs/performance.md).
 * The packets are built here byte by byte and decoded as a capture's are.
 */
#include <check.h>
#include <ndpi/ndpi_api.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "dpi/dpi.h"
#include "flow/flow.h"

#define T0 1772438400000000ull /* 2026-03-02T08:00:00Z */
#define DLT_EN10MB_ 1
#define FRAME_MAX 1514

static const uint8_t CLI_MAC[6] = {0x00, 0x50, 0x56, 0x00, 0x00, 0x01};
static const uint8_t SRV_MAC[6] = {0x00, 0x1b, 0x1b, 0x00, 0x00, 0x02};
static const uint8_t CLI_IP[4] = {10, 0, 0, 1};
static const uint8_t SRV_IP[4] = {10, 0, 0, 2};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10

static void be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v & 0xffff);
}

/* Ethernet + IPv4 + TCP (checksums left 0: nothing here verifies them). */
static size_t tcp_frame(uint8_t *f, bool from_client, uint32_t seq, uint32_t ack, uint8_t flags,
			const char *payload)
{
	size_t plen = payload ? strlen(payload) : 0;
	uint8_t *ip = f + 14, *tcp = ip + 20;

	memset(f, 0, 54);
	memcpy(f, from_client ? SRV_MAC : CLI_MAC, 6);
	memcpy(f + 6, from_client ? CLI_MAC : SRV_MAC, 6);
	be16(f + 12, 0x0800);
	ip[0] = 0x45;
	be16(ip + 2, (unsigned)(40 + plen));
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, from_client ? CLI_IP : SRV_IP, 4);
	memcpy(ip + 16, from_client ? SRV_IP : CLI_IP, 4);
	be16(tcp, from_client ? 40001 : 80);
	be16(tcp + 2, from_client ? 80 : 40001);
	be32(tcp + 4, seq);
	be32(tcp + 8, ack);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	be16(tcp + 14, 65535);
	if (plen)
		memcpy(tcp + 20, payload, plen);
	return 54 + plen;
}

/* Decodes a frame, finds its flow, feeds nDPI if the flow still wants it. */
static bool feed(struct dpi *d, struct flow_table *ft, const uint8_t *frame, size_t len, uint64_t ts,
		 struct flow **ret_f)
{
	struct decode_stats st = {0};
	struct hk_pkt p;
	struct flow *f;
	int dir;
	bool is_new;

	ck_assert_int_eq(decode_frame(DLT_EN10MB_, frame, (uint32_t)len, (uint32_t)len, ts, &p, &st), 0);
	f = flow_table_get(ft, &p, &dir, &is_new);
	ck_assert_ptr_nonnull(f);
	*ret_f = f;
	if (f->dpi_state != FLOW_DPI_PENDING)
		return false;
	return dpi_process(d, f, &p);
}

static void on_end(struct flow *f, void *userdata)
{
	(void)userdata;
	dpi_flow_release(f);
}

START_TEST(feeding_stops_at_the_verdict)
{
	static const char get[] = "GET /index.html HTTP/1.1\r\nHost: plc.example\r\nUser-Agent: test\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 OK\r\nServer: test\r\nContent-Length: 0\r\n\r\n";
	char err[256];
	struct dpi *d = dpi_new(err, sizeof(err));
	struct flow_table *ft = flow_table_new(16, 0, on_end, NULL);
	uint8_t fr[FRAME_MAX];
	struct flow *f;
	uint32_t cs = 1000, ss = 5000;
	size_t n;

	ck_assert_msg(d != NULL, "%s", err);
	ck_assert_ptr_nonnull(ft);
	n = tcp_frame(fr, true, cs, 0, TCP_SYN, NULL);
	ck_assert(!feed(d, ft, fr, n, T0, &f));
	ck_assert_ptr_nonnull(f->dpi); /* nDPI is watching */
	n = tcp_frame(fr, false, ss, cs + 1, TCP_SYN | TCP_ACK, NULL);
	ck_assert(!feed(d, ft, fr, n, T0 + 100, &f));
	n = tcp_frame(fr, true, cs + 1, ss + 1, TCP_ACK, NULL);
	ck_assert(!feed(d, ft, fr, n, T0 + 200, &f));
	ck_assert_uint_eq(f->dpi_state, FLOW_DPI_PENDING);

	/* the request names the protocol: decided on this very packet */
	n = tcp_frame(fr, true, cs + 1, ss + 1, TCP_PSH | TCP_ACK, get);
	ck_assert(feed(d, ft, fr, n, T0 + 300, &f));
	ck_assert_uint_eq(f->dpi_state, FLOW_DPI_DONE);
	ck_assert_str_eq(f->proto_name, "HTTP");
	ck_assert(!f->dpi_guessed);
	ck_assert_ptr_null(f->dpi); /* its state is gone at once */
	ck_assert_uint_eq(f->dpi_pkts, 4);

	/* the response is not fed */
	n = tcp_frame(fr, false, ss + 1, cs + 1 + (uint32_t)strlen(get), TCP_PSH | TCP_ACK, resp);
	ck_assert(!feed(d, ft, fr, n, T0 + 400, &f));
	ck_assert_uint_eq(f->dpi_pkts, 4);
	ck_assert_ptr_null(f->dpi);
	n = tcp_frame(fr, true, cs + 1 + (uint32_t)strlen(get), ss + 1 + (uint32_t)strlen(resp), TCP_FIN | TCP_ACK,
		      NULL);
	ck_assert(!feed(d, ft, fr, n, T0 + 500, &f));
	ck_assert_uint_eq(f->dpi_pkts, 4);
	flow_table_free(ft);
	dpi_free(d);
}
END_TEST

/* A flow nDPI never names is given up after DPI_PKTS_MAX packets. */
START_TEST(gives_up_at_the_bound)
{
	char err[256], junk[64];
	struct dpi *d = dpi_new(err, sizeof(err));
	struct flow_table *ft = flow_table_new(16, 0, on_end, NULL);
	uint8_t fr[FRAME_MAX];
	struct flow *f = NULL;
	uint32_t seq = 1000;
	int fed = 0;
	bool done = false;

	ck_assert_msg(d != NULL, "%s", err);
	memset(junk, 'Q', sizeof(junk) - 1);
	junk[sizeof(junk) - 1] = '\0';
	for (int i = 0; i < 2 * DPI_PKTS_MAX && !done; i++) {
		size_t n;
		/* both directions carry bytes no protocol claims */
		junk[0] = (char)('A' + i % 26);
		n = tcp_frame(fr, i % 2 == 0, seq, 1, TCP_PSH | TCP_ACK, junk);
		seq += (uint32_t)strlen(junk);
		done = feed(d, ft, fr, n, T0 + (uint64_t)i, &f);
		fed++;
	}
	ck_assert(done);
	ck_assert_int_eq(fed, DPI_PKTS_MAX);
	ck_assert_uint_eq(f->dpi_state, FLOW_DPI_DONE);
	ck_assert_ptr_null(f->dpi);
	ck_assert(f->proto_name[0] != '\0');
	flow_table_free(ft);
	dpi_free(d);
}
END_TEST

/* The HTTP request of feeding_stops_at_the_verdict through module d: its name. */
static void classify_http(struct dpi *d, char *name, size_t namesz)
{
	static const char get[] = "GET /index.html HTTP/1.1\r\nHost: plc.example\r\nUser-Agent: test\r\n\r\n";
	struct flow_table *ft = flow_table_new(16, 0, on_end, NULL);
	uint8_t fr[FRAME_MAX];
	struct flow *f = NULL;
	size_t n;

	ck_assert_ptr_nonnull(ft);
	n = tcp_frame(fr, true, 1000, 0, TCP_SYN, NULL);
	feed(d, ft, fr, n, T0, &f);
	n = tcp_frame(fr, false, 5000, 1001, TCP_SYN | TCP_ACK, NULL);
	feed(d, ft, fr, n, T0 + 100, &f);
	n = tcp_frame(fr, true, 1001, 5001, TCP_PSH | TCP_ACK, get);
	feed(d, ft, fr, n, T0 + 200, &f);
	snprintf(name, namesz, "%s", f->dpi_state == FLOW_DPI_DONE ? f->proto_name : "(pending)");
	flow_table_free(ft);
}

#define BUILDERS 4

struct builder {
	pthread_barrier_t *go;
	char err[256];
	char name[32];
	bool built;
};

static void *build_and_classify(void *arg)
{
	struct builder *b = arg;
	struct dpi *d;

	pthread_barrier_wait(b->go);
	d = dpi_new(b->err, sizeof(b->err));
	b->built = d != NULL;
	if (d)
		classify_http(d, b->name, sizeof(b->name));
	pthread_barrier_wait(b->go);
	dpi_free(d); /* the modules are freed at the same time too */
	return NULL;
}

/*
 * Modules built and freed on several threads at once (dpi.c: the first is
 * built alone, the others side by side) each work: the first build in this
 * process is one of these. It shows that the builds neither deadlock nor
 * break each other's modules, not that a race inside nDPI is absent: nDPI
 * is not instrumented by a thread sanitizer, and the shared state dpi.c
 * guards (libgcrypt's set-up, the DGA tables) does not decide an HTTP
 * verdict. That rests on the reading of nDPI 4.2 in dpi.c.
 */
START_TEST(modules_built_at_once)
{
	pthread_t t[BUILDERS];
	struct builder b[BUILDERS];
	pthread_barrier_t go;

	ck_assert_int_eq(pthread_barrier_init(&go, NULL, BUILDERS), 0);
	for (int i = 0; i < BUILDERS; i++) {
		memset(&b[i], 0, sizeof(b[i]));
		b[i].go = &go;
		ck_assert_int_eq(pthread_create(&t[i], NULL, build_and_classify, &b[i]), 0);
	}
	for (int i = 0; i < BUILDERS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < BUILDERS; i++) {
		ck_assert_msg(b[i].built, "module %d: %s", i, b[i].err);
		ck_assert_str_eq(b[i].name, "HTTP");
	}
	pthread_barrier_destroy(&go);
}
END_TEST

/* nDPI's frees, counted (set_ndpi_free: every free of a module's memory) */
static unsigned long n_ndpi_frees;

static void counting_free(void *p)
{
	n_ndpi_frees++;
	free(p);
}

/*
 * dpi_leave_to_exit frees nothing of the DPI_LEFT_MAX modules it keeps and
 * frees the ones past that, as dpi_free does. That the kept ones stay
 * reachable is what the ASan build's leak check at the end of every
 * analyze run in the pcap suite shows. One module stands for all the kept
 * ones (nothing in the list is ever freed, so a repeat is harmless): two
 * modules built, not 65.
 */
START_TEST(left_to_exit_not_freed)
{
	char err[128];
	unsigned long before;
	struct dpi *kept = dpi_new(err, sizeof(err)), *past;

	ck_assert_msg(kept != NULL, "dpi_new: %s", err);
	set_ndpi_free(counting_free);
	for (int i = 0; i < DPI_LEFT_MAX; i++) {
		before = n_ndpi_frees;
		dpi_leave_to_exit(kept);
		ck_assert_uint_eq(n_ndpi_frees, before);
	}
	past = dpi_new(err, sizeof(err));
	ck_assert_msg(past != NULL, "dpi_new: %s", err);
	before = n_ndpi_frees;
	dpi_leave_to_exit(past); /* past the cap */
	ck_assert_uint_gt(n_ndpi_frees, before + 1000);
	dpi_leave_to_exit(NULL);
}
END_TEST

static Suite *dpi_suite(void)
{
	Suite *su = suite_create("dpi");
	TCase *tc = tcase_create("dpi");

	tcase_add_test(tc, feeding_stops_at_the_verdict);
	tcase_add_test(tc, gives_up_at_the_bound);
	tcase_add_test(tc, modules_built_at_once);
	tcase_add_test(tc, left_to_exit_not_freed);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(dpi_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
