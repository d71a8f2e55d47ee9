/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GOOSE parser (src/proto/goose.c, with ber.c): real GOOSE frames from
 * the shared captures with their exact observations, every truncated prefix
 * of them, Ethernet padding, lying lengths, allData element counts at 0,
 * MAX and MAX+1, missing, repeated and out-of-order fields, the simulation
 * flags, strings with NUL and non-ASCII bytes, and bytes of other
 * protocols. Every input is an exactly-sized heap copy, so a one-byte
 * over-read is an AddressSanitizer report. Where tshark and the captures are
 * at hand the strings are compared with tshark's reading.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define GOOSE_DATA_MAX 1024 /* as in src/proto/goose.c */

/*
 * icsnpp-goose_GOOSE.pcap frame 1 (a GE F650 relay, 00:a0:f4:08:2f:77;
 * haolipeng/icsnpp-iec61850-goose, BSD-3-Clause), the bytes after the
 * ethertype. tshark: gocbRef GEDeviceF650/LLN0$GO$gcb01, datSet
 * GEDeviceF650/LLN0$GOOSE1, goID F650_GOOSE1, stNum 1, sqNum 10, confRev 1,
 * numDatSetEntries 8.
 */
static const uint8_t f650[] =
	/* APPID 0001, Length 145, Reserved 1 0000, Reserved 2 0000 */
	"\x00\x01\x00\x91\x00\x00\x00\x00"
	/* 61 81 86 goosePdu; 80 1a gocbRef */
	"\x61\x81\x86\x80\x1a" "GEDeviceF650/LLN0$GO$gcb01"
	/* 81 03 timeAllowedtoLive 40000; 82 18 datSet */
	"\x81\x03\x00\x9c\x40\x82\x18" "GEDeviceF650/LLN0$GOOSE1"
	/* 83 0b goID */
	"\x83\x0b" "F650_GOOSE1"
	/* 84 08 t; 85 01 stNum 1; 86 01 sqNum 10; 87 01 simulation FALSE;
	 * 88 01 confRev 1; 89 01 ndsCom FALSE; 8a 01 numDatSetEntries 8 */
	"\x84\x08\x38\x6e\xbb\xf3\x42\x17\x28\x0a\x85\x01\x01\x86\x01\x0a\x87\x01\x00\x88\x01\x01"
	"\x89\x01\x00\x8a\x01\x08"
	/* ab 20 allData: 4 x (83 01 00 boolean, 84 03 03 0000 bit-string) */
	"\xab\x20\x83\x01\x00\x84\x03\x03\x00\x00\x83\x01\x00\x84\x03\x03\x00\x00"
	"\x83\x01\x00\x84\x03\x03\x00\x00\x83\x01\x00\x84\x03\x03\x00\x00";

/*
 * iti_Sample_File_GOOSE.pcap frame 1 (ABB IED 0a:bb:fe:10:c9:02, VLAN 0
 * priority 4; ITI/ICS-Security-Tools, CC-BY-4.0), after the 802.1Q tag's
 * ethertype. tshark: APPID 0x3001, gocbRef AA1C1Q01A1LD0/LLN0$GO$gcb_A,
 * datSet AA1C1Q01A1LD0/LLN0$InterlockingA, goID InterlockingA, stNum 36705,
 * numDatSetEntries 25.
 */
static const uint8_t abb[] =
	"\x30\x01\x00\xe3\x00\x00\x00\x00"
	"\x61\x81\xd8\x80\x1b" "AA1C1Q01A1LD0/LLN0$GO$gcb_A"
	/* TAL 15000 */
	"\x81\x02\x3a\x98"
	"\x82\x20" "AA1C1Q01A1LD0/LLN0$InterlockingA"
	"\x83\x0d" "InterlockingA"
	/* t; stNum 0x008f61 (3 octets); sqNum 0; simulation; confRev 1; ndsCom;
	 * numDatSetEntries 25 */
	"\x84\x08\x48\x88\x90\xc1\x24\x00\x00\x27\x85\x03\x00\x8f\x61\x86\x01\x00\x87\x01\x00"
	"\x88\x01\x01\x89\x01\x00\x8a\x01\x19"
	/* ab 66 allData: 7 booleans, 18 bit strings */
	"\xab\x66\x83\x01\x00\x83\x01\x00\x83\x01\x00\x83\x01\x00\x83\x01\x00\x83\x01\x00\x83\x01\x00"
	"\x84\x02\x06\x80\x84\x03\x03\x00\x00\x84\x02\x06\x80\x84\x03\x03\x00\x00\x84\x02\x06\x80"
	"\x84\x03\x03\x00\x00\x84\x02\x06\x00\x84\x03\x03\x00\x00\x84\x02\x06\x40\x84\x03\x03\x00"
	"\x00\x84\x02\x06\x40\x84\x03\x03\x00\x00\x84\x02\x06\x40\x84\x03\x03\x00\x00\x84\x02\x06"
	"\x40\x84\x03\x03\x00\x00\x84\x02\x06\x40\x84\x03\x03\x00\x00";


static struct pc_result res;
static const struct hk_parse_ctx goose_ctx = {.l4 = 0, .ethertype = 0x88b8};

static enum hk_parse_result run_ctx(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(proto_goose_parse, bytes, n, ctx, &res);
}

static enum hk_parse_result run(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &goose_ctx);
}

#define EXPECT(i, k, conf, src, val) PC_EXPECT(&res, i, k, HK_SIDE_SRC, conf, src, val)

/* ---- a builder ----------------------------------------------------------- */

/* the header and goosePdu around the fields given */
static void frame(struct pc_buf *out, const struct pc_buf *fields, unsigned res1)
{
	struct pc_buf apdu = {.n = 0};
	size_t len;

	pc_put_ber(&apdu, 0x61, fields->b, fields->n);
	len = 8 + apdu.n;
	out->n = 0;
	pc_put(out, "\x00\x01", 2);
	pc_put8(out, (unsigned)(len >> 8));
	pc_put8(out, (unsigned)(len & 0xff));
	pc_put8(out, res1 >> 8);
	pc_put8(out, res1 & 0xff);
	pc_put(out, "\x00\x00", 2);
	pc_put(out, apdu.b, apdu.n);
}

/* all fields, goID optional, simulation as given, n_data booleans */
static void fields(struct pc_buf *f, const char *gocb, size_t gocb_n, bool with_goid, unsigned sim, size_t n_data)
{
	struct pc_buf d = {.n = 0};

	f->n = 0;
	pc_put_ber(f, 0x80, gocb, gocb_n);
	pc_put_ber(f, 0x81, "\x07\xd0", 2);
	pc_put_ber(f, 0x82, "IED1LD0/LLN0$DS1", 16);
	if (with_goid)
		pc_put_ber(f, 0x83, "G1", 2);
	pc_put_ber(f, 0x84, "\x60\x00\x00\x00\x00\x00\x00\x0a", 8);
	pc_put_ber(f, 0x85, "\x01", 1);
	pc_put_ber(f, 0x86, "\x00\x80\x00\x00\x00", 5); /* 2^31, with its leading 0 */
	pc_put8(f, 0x87);
	pc_put8(f, 1);
	pc_put8(f, sim);
	pc_put_ber(f, 0x88, "\x01", 1);
	pc_put_ber(f, 0x89, "\x00", 1);
	pc_put_ber(f, 0x8a, "\x01", 1);
	for (size_t i = 0; i < n_data; i++)
		pc_put(&d, "\x83\x01\x00", 3);
	pc_put_ber(f, 0xab, d.b, d.n);
}

/* ---- real frames ------------------------------------------------------- */

START_TEST(test_real)
{
	ck_assert_int_eq(run(VEC(f650)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_RAW, 50, "goose.gocbref", "GEDeviceF650/LLN0$GO$gcb01");
	EXPECT(1, HK_OBS_RAW, 50, "goose.datset", "GEDeviceF650/LLN0$GOOSE1");
	EXPECT(2, HK_OBS_RAW, 50, "goose.goid", "F650_GOOSE1");
	EXPECT(3, HK_OBS_ROLE, 70, "goose.publisher", "ied");

	ck_assert_int_eq(run(VEC(abb)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_RAW, 50, "goose.gocbref", "AA1C1Q01A1LD0/LLN0$GO$gcb_A");
	EXPECT(1, HK_OBS_RAW, 50, "goose.datset", "AA1C1Q01A1LD0/LLN0$InterlockingA");
	EXPECT(2, HK_OBS_RAW, 50, "goose.goid", "InterlockingA");
	EXPECT(3, HK_OBS_ROLE, 70, "goose.publisher", "ied");

	/* Ethernet padding after the Length is not read */
	{
		struct pc_buf p = {.n = 0};
		pc_put(&p, VEC(f650));
		pc_put(&p, "\x00\x00\x00\x00\xff\xff", 6);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 4);
	}
	/* no ethertype in the context (a test, the fuzzer) is fine too */
	{
		struct hk_parse_ctx ctx = {.l4 = 0};
		ck_assert_int_eq(run_ctx(VEC(f650), &ctx), HK_PARSE_OK);
	}
}
END_TEST

/* Every prefix of each real frame: TRUNCATED while the header is short or
 * the Length runs past the bytes; nothing said. */
START_TEST(test_truncated_prefixes)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} vec[] = {{VEC(f650)}, {VEC(abb)}};

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++)
		pc_every_prefix(proto_goose_parse, vec[v].b, vec[v].n, &goose_ctx, PC_TRUNCATED, false, "vector %zu",
				v);
}
END_TEST

START_TEST(test_lying_lengths)
{
	struct pc_buf p;

	/* Length shorter than the header */
	p.n = 0;
	pc_put(&p, VEC(f650));
	p.b[3] = 0x07;
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	/* Length short of the PDU it holds: the PDU runs past it */
	p.b[3] = 0x90;
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* gocbRef's length past the PDU */
	p.b[3] = 0x91;
	p.b[12] = 0x7f;
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the PDU's own length short of its fields */
	p.b[12] = 0x1a;
	p.b[10] = 0x80;
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	/* not a goosePdu tag */
	p.b[10] = 0x86;
	p.b[8] = 0x62;
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_fields)
{
	struct pc_buf f, p, g;

	/* goID is optional */
	fields(&f, "IED1LD0/LLN0$GO$g1", 18, false, 0, 1);
	frame(&p, &f, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(2, HK_OBS_ROLE, 70, "goose.publisher", "ied");

	/* simulated (Ed. 2 flag, or the Simulate bit): a test set, not an IED */
	fields(&f, "IED1LD0/LLN0$GO$g1", 18, true, 1, 1);
	frame(&p, &f, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(3, HK_OBS_RAW, 50, "goose.simulation", "true");
	fields(&f, "IED1LD0/LLN0$GO$g1", 18, true, 0, 1);
	frame(&p, &f, 0x8000);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(3, HK_OBS_RAW, 50, "goose.simulation", "true");

	/* NUL and non-ASCII bytes are escaped */
	fields(&f, "LD\x00\xe9/LLN0", 9, true, 0, 1);
	frame(&p, &f, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_RAW, 50, "goose.gocbref", "LD\\x00\\xe9/LLN0");

	/* a mandatory field missing (confRev) */
	fields(&f, "a", 1, true, 0, 1);
	g.n = 0;
	for (size_t i = 0; i < f.n;) {
		size_t len = 2u + f.b[i + 1];
		if (f.b[i] != 0x88)
			pc_put(&g, f.b + i, len);
		i += len;
	}
	frame(&p, &g, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a field twice, and out of order */
	fields(&f, "a", 1, true, 0, 1);
	g.n = 0;
	pc_put(&g, f.b, 3);
	pc_put(&g, f.b, f.n);
	frame(&p, &g, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	g.n = 0;
	pc_put(&g, f.b + 3, 4); /* TAL first */
	pc_put(&g, f.b, 3);
	pc_put(&g, f.b + 7, f.n - 7);
	frame(&p, &g, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	/* a tag past security, and a field after allData that is not security */
	fields(&f, "a", 1, true, 0, 1);
	pc_put(&f, "\x8d\x00", 2);
	frame(&p, &f, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	fields(&f, "a", 1, true, 0, 1);
	pc_put(&f, "\x8c\x02\x01\x02", 4); /* security */
	frame(&p, &f, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	/* a t of 7 octets, a boolean of 2, an integer of 6, a constructed string */
	{
		static const struct {
			size_t at;
			const char *bytes;
			size_t n;
		} bad[] = {{0, "\x84\x07\x00\x00\x00\x00\x00\x00\x00", 9},
			   {0, "\x87\x02\x00\x00", 4},
			   {0, "\x85\x06\x00\x01\x00\x00\x00\x00", 8},
			   {0, "\x85\x01\x80", 3}};
		for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
			fields(&f, "a", 1, true, 0, 1);
			g.n = 0;
			for (size_t i = 0; i < f.n;) {
				size_t len = 2u + f.b[i + 1];
				if (f.b[i] == (uint8_t)bad[b].bytes[0])
					pc_put(&g, bad[b].bytes, bad[b].n);
				else
					pc_put(&g, f.b + i, len);
				i += len;
			}
			frame(&p, &g, 0);
			ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
		}
		g.n = 0;
		fields(&f, "a", 1, true, 0, 1);
		pc_put(&g, "\xa0\x03\x1a\x01x", 5);
		pc_put(&g, f.b + 3, f.n - 3);
		frame(&p, &g, 0);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	}
}
END_TEST

START_TEST(test_data_counts)
{
	struct pc_buf f, p;

	/* 0 entries */
	fields(&f, "a", 1, true, 0, 0);
	frame(&p, &f, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	/* MAX entries are walked; MAX + 1: the rest is not read, still OK */
	fields(&f, "a", 1, true, 0, GOOSE_DATA_MAX);
	frame(&p, &f, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	fields(&f, "a", 1, true, 0, GOOSE_DATA_MAX + 1);
	frame(&p, &f, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	/* an element that is not context-specific Data */
	fields(&f, "a", 1, true, 0, 2);
	f.b[f.n - 3] = 0x02;
	frame(&p, &f, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_nomatch)
{
	struct hk_parse_ctx ctx = {.l4 = 17, .sport = 102, .dport = 102};

	ck_assert_int_eq(run_ctx(VEC(f650), &ctx), HK_PARSE_NOMATCH);
	ctx = (struct hk_parse_ctx){.l4 = 0, .ethertype = 0x88ba}; /* sampled values */
	ck_assert_int_eq(run_ctx(VEC(f650), &ctx), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	/* under its own ethertype, an IPv4 header is a broken GOOSE frame */
	ck_assert_int_eq(run("\x45\x00\x00\x14\x00\x00\x40\x00\x40\x11\x00\x00\x0a\x00\x00\x01\x0a\x00\x00\x02", 20),
			 HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_against_tshark)
{
	static const struct {
		const char *pcap;
		const uint8_t *b;
		size_t n;
	} cmp[] = {{"icsnpp-goose_GOOSE.pcap", VEC(f650)}, {"iti_Sample_File_GOOSE.pcap", VEC(abb)}};

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		char line[1024], want[1024];

		if (!pc_tshark_frame(cmp[i].pcap, 1, "-T fields -e goose.gocbRef -e goose.datSet -e goose.goID", line,
				     sizeof(line)))
			return; /* no tshark or no captures here: nothing to compare */
		ck_assert_int_eq(run(cmp[i].b, cmp[i].n), HK_PARSE_OK);
		snprintf(want, sizeof(want), "%s\t%s\t%s", res.obs[0].value, res.obs[1].value, res.obs[2].value);
		ck_assert_str_eq(want, line);
	}
}
END_TEST

static Suite *goose_suite(void)
{
	Suite *s = suite_create("proto_goose");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_real);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_data_counts);
	tcase_add_test(tc, test_nomatch);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(goose_suite());
}
