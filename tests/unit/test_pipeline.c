/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nDPI and herkomst's own parsers in the pipeline (src/cli/pipeline.c): a
 * flow that the parser of a protocol nDPI 4.2 has no dissector for
 * (proto_entry.ndpi_blind: BACnet, OPC UA, FINS, MELSEC) has understood is
 * not fed to nDPI any more, and a UDP datagram to such a parser's port goes
 * to the parser first, so a flow of one understood datagram never reaches
 * nDPI. nDPI's answer there could only be Unknown or a wrong name: it calls
 * an Omron FINS command over UDP "RTP" (the first byte, 0x80, reads as RTP
 * version 2). Bytes the parser does not take are still fed to nDPI.
 *
 * What nDPI is fed is seen through its allocator hooks: the state of each
 * flow it is fed is one ndpi_flow_malloc, freed (through ndpi_free) at its
 * verdict or when the flow ends.
 */
#include <check.h>
#include <ndpi/ndpi_api.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pipeline.h"
#include "decode/decode.h"
#include "dpi/dpi.h"
#include "inventory/inventory.h"

#define T0 1772438400000000ull /* 2026-03-02T08:00:00Z */
#define FRAME_MAX 1514
#define STATES_MAX 16

/* nDPI flow states handed out, and which of them are freed */
static void *states[STATES_MAX];
static bool freed[STATES_MAX];
static size_t n_states;

static void *count_flow_malloc(size_t n)
{
	void *p = malloc(n);

	if (p && n_states < STATES_MAX) {
		states[n_states] = p;
		freed[n_states++] = false;
	}
	return p;
}

static void count_free(void *p)
{
	for (size_t i = 0; p && i < n_states; i++)
		if (states[i] == p)
			freed[i] = true;
	free(p);
}

static void hooks_setup(void)
{
	n_states = 0;
	set_ndpi_flow_malloc(count_flow_malloc);
	set_ndpi_free(count_free);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Ethernet + IPv4 + UDP or TCP from a to b (10.0.0.a -> 10.0.0.b), with
 * locally administered MACs from the addresses; checksums left 0. */
static size_t frame(uint8_t *b, uint8_t proto, uint8_t a, uint8_t bb, uint16_t sport, uint16_t dport,
		    uint32_t seq, uint32_t ack, uint8_t tcp_flags, const uint8_t *payload, size_t len)
{
	size_t l4 = proto == 6 ? 20 : 8, n = 14 + 20 + l4 + len;
	uint8_t *ip = b + 14, *t = ip + 20;

	ck_assert_uint_le(n, FRAME_MAX);
	memset(b, 0, 14 + 20 + l4);
	b[0] = 0x02;
	b[5] = bb;
	b[6] = 0x02;
	b[11] = a;
	put16(b + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)(20 + l4 + len));
	ip[8] = 64;
	ip[9] = proto;
	ip[12] = 10;
	ip[15] = a;
	ip[16] = 10;
	ip[19] = bb;
	put16(t, sport);
	put16(t + 2, dport);
	if (proto == 6) {
		put32(t + 4, seq);
		put32(t + 8, ack);
		t[12] = 5 << 4;
		t[13] = tcp_flags;
		put16(t + 14, 65535);
	} else {
		put16(t + 4, (unsigned)(8 + len));
	}
	if (len)
		memcpy(t + l4, payload, len);
	return n;
}

static void feed(struct pipeline *pl, uint64_t *ts, const uint8_t *b, size_t n)
{
	struct cap_frame fr = {
		.ts_usec = (*ts)++,
		.caplen = (uint32_t)n,
		.wirelen = (uint32_t)n,
		.linktype = DLT_EN10MB,
		.data = b,
	};

	ck_assert_int_ge(pipeline_frame(pl, &fr), 0);
}

static struct pipeline *pipeline(void)
{
	struct pipeline_opts o = {0};
	char err[256] = "";
	struct pipeline *pl = pipeline_new(&o, err, sizeof(err));

	ck_assert_msg(pl != NULL, "pipeline_new: %s", err);
	return pl;
}

/* How many claims of the devices have a source starting with prefix. */
static size_t claims_from(struct pipeline *pl, const char *prefix)
{
	struct hk_device *devs = NULL;
	size_t n_devs = 0, n = 0;

	ck_assert_int_eq(inv_snapshot(pl->inv, NULL, &devs, &n_devs), 0);
	for (size_t i = 0; i < n_devs; i++)
		for (size_t k = 0; k < devs[i].n_ev; k++)
			if (strncmp(devs[i].ev[k].source, prefix, strlen(prefix)) == 0)
				n++;
	inv_devices_free(devs, n_devs);
	return n;
}

/* tests/unit/test_proto_fins.c: a Controller Data Read command over UDP
 * (ICF 0x80: command, response wanted) and its response (ICF 0xc0) */
static const uint8_t fins_cmd[] = "\x80\x00\x02\x00\x00\x00\x00\x63\x00\xef\x05\x01\x00";
static const uint8_t fins_resp[] = "\xc0\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x01\x01\x00\x00\x12\x34";

/* Only what nDPI says of the command: the reason the parser goes first. */
static const char *ndpi_name_of_fins_cmd(void)
{
	static char name[FLOW_PROTO_NAME_MAX];
	uint8_t b[FRAME_MAX];
	char err[128];
	struct dpi *d = dpi_new(err, sizeof(err));
	struct flow f;
	struct hk_pkt p;
	struct decode_stats st = {0};
	size_t n = frame(b, 17, 1, 2, 58722, 9600, 0, 0, 0, fins_cmd, sizeof(fins_cmd) - 1);

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(decode_frame(DLT_EN10MB, b, n, n, T0, &p, &st), 0);
	memset(&f, 0, sizeof(f));
	f.dpi_state = FLOW_DPI_PENDING;
	if (!dpi_process(d, &f, &p))
		dpi_giveup(d, &f);
	snprintf(name, sizeof(name), "%s", f.proto_name);
	dpi_free(d);
	return name;
}

START_TEST(understood_datagram_never_reaches_ndpi)
{
	uint8_t b[FRAME_MAX];
	uint64_t ts = T0;
	struct pipeline *pl;
	size_t n;

	/* nDPI 4.2 names this command RTP; another nDPI may not, the rest of
	 * the test holds either way */
	const char *named = ndpi_name_of_fins_cmd();

	if (strcmp(named, "RTP") != 0)
		fprintf(stderr, "note: this nDPI names the FINS command %s, not RTP\n", named);
	hooks_setup();
	pl = pipeline();
	n = frame(b, 17, 1, 2, 58722, 9600, 0, 0, 0, fins_cmd, sizeof(fins_cmd) - 1);
	feed(pl, &ts, b, n);
	n = frame(b, 17, 2, 1, 9600, 58722, 0, 0, 0, fins_resp, sizeof(fins_resp) - 1);
	feed(pl, &ts, b, n);
	pipeline_finish(pl);

	ck_assert_uint_eq(n_states, 0); /* nDPI was fed neither datagram */
	ck_assert_uint_eq(claims_from(pl, "ndpi"), 0);
	ck_assert_uint_gt(claims_from(pl, "fins."), 0); /* the parser's own claims */
	/* the service is claimed as any nDPI-unknown one: by port, from "flow" */
	ck_assert_uint_eq(claims_from(pl, "flow"), 1);
	pipeline_free(pl);
}
END_TEST

START_TEST(other_bytes_on_the_port_still_go_to_ndpi)
{
	static const uint8_t junk[] = "GET / HTTP/1.1\r\nHost: plc\r\n\r\n";
	uint8_t b[FRAME_MAX];
	uint64_t ts = T0;
	struct pipeline *pl;
	size_t n;

	hooks_setup();
	pl = pipeline();
	n = frame(b, 17, 1, 2, 58722, 9600, 0, 0, 0, junk, sizeof(junk) - 1);
	feed(pl, &ts, b, n);
	pipeline_finish(pl);
	ck_assert_uint_eq(n_states, 1);
	ck_assert(freed[0]);
	ck_assert_uint_eq(claims_from(pl, "fins."), 0);
	pipeline_free(pl);
}
END_TEST

/* tests/unit/test_proto_melsec.c: an MC protocol 3E request (Read CPU model) */
static const uint8_t mc3e_req[] = "\x50\x00\x00\xff\xff\x03\x00\x06\x00\x10\x00\x01\x01\x00\x00";

/*
 * TCP: nDPI sees the packets first (its name may pick the parser for the
 * same packet), until the parser has understood a PDU; the flow's nDPI
 * state is freed at the next packet, long before the flow ends.
 */
START_TEST(understood_stream_stops_feeding)
{
	uint8_t b[FRAME_MAX];
	uint64_t ts = T0;
	uint32_t c = 1000, s = 5000;
	struct pipeline *pl;
	size_t n, req = sizeof(mc3e_req) - 1;

	hooks_setup();
	pl = pipeline();
	n = frame(b, 6, 1, 2, 40000, 5000, c, 0, 0x02, NULL, 0); /* SYN */
	feed(pl, &ts, b, n);
	n = frame(b, 6, 2, 1, 5000, 40000, s, c + 1, 0x12, NULL, 0); /* SYN-ACK */
	feed(pl, &ts, b, n);
	c++;
	s++;
	n = frame(b, 6, 1, 2, 40000, 5000, c, s, 0x10, NULL, 0); /* ACK */
	feed(pl, &ts, b, n);
	n = frame(b, 6, 1, 2, 40000, 5000, c, s, 0x18, mc3e_req, req); /* the request */
	feed(pl, &ts, b, n);
	c += (uint32_t)req;
	ck_assert_uint_eq(n_states, 1);
	ck_assert(!freed[0]); /* fed so far, still pending */
	n = frame(b, 6, 2, 1, 5000, 40000, s, c, 0x10, NULL, 0); /* the server's ACK */
	feed(pl, &ts, b, n);
	ck_assert(freed[0]); /* decided without nDPI */
	pipeline_finish(pl);
	ck_assert_uint_eq(n_states, 1);
	ck_assert_uint_eq(claims_from(pl, "ndpi"), 0);
	pipeline_free(pl);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("ndpi_and_parsers");

	tcase_add_test(tc, understood_datagram_never_reaches_ndpi);
	tcase_add_test(tc, other_bytes_on_the_port_still_go_to_ndpi);
	tcase_add_test(tc, understood_stream_stops_feeding);
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
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
