/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IEC 60870-5-104 parser (src/proto/iec104.c): real APDUs from the
 * shared captures with their exact observations; roles from U-format
 * functions and from type and cause of transmission; the banner-mode
 * results (TRUNCATED until a role and a common address were seen); every
 * truncated prefix; S- and U-format fixed bits and sizes; lying lengths;
 * APDUs and common addresses at their MAX and MAX+1; reserved common
 * addresses; not-IEC-104 input. Every input is an exactly-sized heap copy,
 * so a one-byte over-read is an AddressSanitizer report. Where tshark and
 * the captures are at hand, the same frames are compared with tshark's
 * reading (type, cause, common address).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define IEC104_APDUS_MAX 32 /* as in src/proto/iec104.c */
#define IEC104_CAS_MAX 4

/* iti_JavaRMI_and_IEC_Misc.pcap frame 6, TCP 50876 -> 2404: STARTDT act.
 * tshark: U (0x01 STARTDT act) */
static const uint8_t startdt_act[] = "\x68\x04" "\x07\x00\x00\x00";
/* frame 8, 2404 -> 50876: STARTDT con */
static const uint8_t startdt_con[] = "\x68\x04" "\x0b\x00\x00\x00";
/* frame 16, 50876 -> 2404: S-format, N(R) 2 */
static const uint8_t s_frame[] = "\x68\x04" "\x01\x00\x04\x00";
/* frames 267 and 268: TESTFR act and con */
static const uint8_t testfr_act[] = "\x68\x04" "\x43\x00\x00\x00";
static const uint8_t testfr_con[] = "\x68\x04" "\x83\x00\x00\x00";

/*
 * frame 10, 50876 -> 2404: general interrogation.
 * tshark: I, type 100 (C_IC_NA_1), cause 6 (act), OA 1, common address 37133.
 */
static const uint8_t gi_act[] =
	/* start, APDU length 14 */
	"\x68\x0e"
	/* I-format: N(S) 0, N(R) 0 */
	"\x00\x00\x00\x00"
	/* type 100, VSQ 1 object, COT 6 (activation), originator 1, CA 0x910d = 37133 (LE) */
	"\x64" "\x01" "\x06" "\x01" "\x0d\x91"
	/* IOA 0, QOI 20 (station interrogation) */
	"\x00\x00\x00" "\x14";

/* frame 12, 2404 -> 50876: end of initialisation. tshark: type 70
 * (M_EI_NA_1), cause 4 (init), common address 37133 */
static const uint8_t end_of_init[] =
	/* I-format N(S) 0, N(R) 1; type 70, VSQ 1, COT 4, OA 0, CA 37133; IOA 0, COI 1 */
	"\x68\x0e" "\x00\x00\x02\x00" "\x46\x01\x04\x00\x0d\x91" "\x00\x00\x00\x01";

/* frame 14, 2404 -> 50876: its confirmation. tshark: type 100, cause 7 (actcon) */
static const uint8_t gi_actcon[] = "\x68\x0e" "\x02\x00\x02\x00" "\x64\x01\x07\x01\x0d\x91" "\x00\x00\x00\x14";

/*
 * frame 17, 2404 -> 50876: single points in a sequence. tshark: type 1
 * (M_SP_NA_1), VSQ SQ 1 with 10 elements, cause 20 (inrogen), CA 37133,
 * IOA 10010.
 */
static const uint8_t sp_seq[] =
	/* length 23: control 4 + ASDU header 6 + IOA 3 + 10 SIQ */
	"\x68\x17" "\x04\x00\x02\x00"
	/* type 1, VSQ 0x8a (SQ, 10), COT 0x14 (20), OA 1, CA 37133 */
	"\x01\x8a\x14\x01\x0d\x91"
	/* IOA 0x00271a, then SIQ x 10 */
	"\x1a\x27\x00" "\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00";

/*
 * iti_090813_diverse.pcap frame 1, 2404 -> 1075: two short floats,
 * periodic. tshark: type 13 (M_ME_NC_1), cause 1 (per/cyc), common
 * address 3.
 */
static const uint8_t me_nc[] =
	"\x68\x1a" "\x9a\x00\x28\x00"
	/* type 13, VSQ 2 objects, COT 1, OA 0, CA 3 */
	"\x0d\x02\x01\x00\x03\x00"
	/* IOA 1300 (0x000514), float, QDS; IOA 1301, float, QDS */
	"\x14\x05\x00" "\x00\x00\xf0\x41" "\x00"
	"\x15\x05\x00" "\x00\x00\x31\x44" "\x00";


static struct pc_result res;
static const struct hk_parse_ctx ctx104 = {.l4 = 6, .sport = 50876, .dport = 2404, .client_known = true,
					    .from_client = true, .ndpi = "IEC60870"};

static enum hk_parse_result run(const void *bytes, size_t n)
{
	return pc_run(proto_iec104_parse, bytes, n, &ctx104, &res);
}

#define EXPECT(i, sd, src, val) PC_EXPECT(&res, i, HK_OBS_RAW, sd, 50, src, val)

/* ---- a stream builder ---------------------------------------------------- */

/* an I-format APDU: type, COT octet, CA, one IOA and one element byte */
static void asdu(struct pc_buf *p, uint8_t type, uint8_t cot, uint16_t ca)
{
	uint8_t b[] = {0x68, 14, 0x00, 0x00, 0x00, 0x00, type, 0x01, cot, 0x00, (uint8_t)ca, (uint8_t)(ca >> 8),
		       0x01, 0x00, 0x00, 0x01};

	pc_put(p, b, sizeof(b));
}

/* ---- real APDUs ---------------------------------------------------------- */

START_TEST(test_controlling)
{
	struct pc_buf p = {.n = 0};

	/* STARTDT act alone: the role, and more is wanted (no common address yet) */
	ck_assert_int_eq(run(VEC(startdt_act)), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_SIDE_SRC, "iec104.role", "controlling");

	/* then the interrogation: the address is the receiver's, done */
	pc_put(&p, VEC(startdt_act));
	pc_put(&p, VEC(gi_act));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_SIDE_SRC, "iec104.role", "controlling");
	EXPECT(1, HK_SIDE_DST, "iec104.common_address", "37133");

	/* the interrogation alone says both */
	ck_assert_int_eq(run(VEC(gi_act)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_SIDE_SRC, "iec104.role", "controlling");
	EXPECT(1, HK_SIDE_DST, "iec104.common_address", "37133");
}
END_TEST

START_TEST(test_controlled)
{
	struct pc_buf p = {.n = 0};

	ck_assert_int_eq(run(VEC(startdt_con)), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_SIDE_SRC, "iec104.role", "controlled");

	/* the station's side of iti_JavaRMI_and_IEC_Misc.pcap frames 8..17 */
	pc_put(&p, VEC(startdt_con));
	pc_put(&p, VEC(end_of_init));
	pc_put(&p, VEC(gi_actcon));
	pc_put(&p, VEC(sp_seq));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_SIDE_SRC, "iec104.role", "controlled");
	EXPECT(1, HK_SIDE_SRC, "iec104.common_address", "37133");

	ck_assert_int_eq(run(VEC(end_of_init)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	ck_assert_int_eq(run(VEC(gi_actcon)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(1, HK_SIDE_SRC, "iec104.common_address", "37133");
	ck_assert_int_eq(run(VEC(sp_seq)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	ck_assert_int_eq(run(VEC(me_nc)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_SIDE_SRC, "iec104.role", "controlled");
	EXPECT(1, HK_SIDE_SRC, "iec104.common_address", "3");
}
END_TEST

START_TEST(test_no_role)
{
	struct pc_buf p = {.n = 0};

	/* S-format and TESTFR go both ways */
	pc_put(&p, VEC(s_frame));
	pc_put(&p, VEC(testfr_act));
	pc_put(&p, VEC(testfr_con));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* file transfer, and a cause that tells nothing */
	p.n = 0;
	asdu(&p, 120, 13, 5);
	asdu(&p, 45, 3, 5);
	asdu(&p, 100, 0, 5);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_roles_by_cause)
{
	/* type, COT octet, the sender's role */
	static const struct {
		uint8_t type, cot;
		const char *role;
	} t[] = {
		{45, 6, "controlling"},         /* C_SC_NA_1 act */
		{45, 8, "controlling"},         /* deact */
		{45, 0x80 | 6, "controlling"},  /* test bit */
		{58, 6, "controlling"},         /* C_SC_TA_1 */
		{102, 5, "controlling"},        /* C_RD_NA_1 req */
		{103, 6, "controlling"},        /* C_CS_NA_1 act */
		{110, 6, "controlling"},        /* P_ME_NA_1 act */
		{45, 7, "controlled"},          /* actcon */
		{45, 0x40 | 7, "controlled"},   /* negative actcon */
		{45, 9, "controlled"},          /* deactcon */
		{45, 10, "controlled"},         /* actterm */
		{45, 44, "controlled"},         /* unknown type */
		{45, 0x40 | 47, "controlled"},  /* unknown IOA */
		{103, 7, "controlled"},         /* clock sync actcon */
		{1, 3, "controlled"},           /* M_SP_NA_1 spont */
		{1, 5, "controlled"},           /* answer to a read */
		{31, 11, "controlled"},         /* return information, remote */
		{13, 21, "controlled"},         /* interrogated by group 1 */
		{15, 37, "controlled"},         /* counter interrogation */
		{70, 4, "controlled"},          /* end of initialisation */
		{1, 6, "controlled"},           /* a monitor type with a control cause: the type wins */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pc_buf p = {.n = 0};
		bool ctl = strcmp(t[i].role, "controlling") == 0;

		asdu(&p, t[i].type, t[i].cot, 4242);
		ck_assert_msg(run(p.b, p.n) == HK_PARSE_OK, "type %u cot 0x%02x", t[i].type, t[i].cot);
		ck_assert_uint_eq(res.sink.n, 2);
		EXPECT(0, HK_SIDE_SRC, "iec104.role", t[i].role);
		EXPECT(1, ctl ? HK_SIDE_DST : HK_SIDE_SRC, "iec104.common_address", "4242");
	}
}
END_TEST

/*
 * Every prefix of each real I-format APDU, in an exactly-sized buffer:
 * TRUNCATED and nothing said (no APDU is whole).
 */
START_TEST(test_truncated_prefixes)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} vec[] = {{VEC(gi_act)}, {VEC(end_of_init)}, {VEC(gi_actcon)}, {VEC(sp_seq)}, {VEC(me_nc)},
		   {VEC(startdt_act)}, {VEC(startdt_con)}, {VEC(s_frame)}};

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++)
		pc_every_prefix(proto_iec104_parse, vec[v].b, vec[v].n, &ctx104, PC_TRUNCATED, false, "vector %zu", v);
}
END_TEST

/* ---- control fields and lengths ------------------------------------------ */

START_TEST(test_malformed)
{
	static const struct {
		const char *b;
		size_t n;
	} bad[] = {
		{"\x68\x06\x01\x00\x04\x00\x00\x00", 8},          /* S-format with two more octets */
		{"\x68\x04\x05\x00\x04\x00", 6},                  /* S-format with bits set in octet 1 */
		{"\x68\x04\x01\x01\x04\x00", 6},                  /* S-format, octet 2 not 0 */
		{"\x68\x04\x01\x00\x05\x00", 6},                  /* S-format, octet 3 bit 0 set */
		{"\x68\x04\x0f\x00\x00\x00", 6},                  /* U-format with act and con */
		{"\x68\x04\x47\x00\x00\x00", 6},                  /* STARTDT and TESTFR at once */
		{"\x68\x04\x03\x00\x00\x00", 6},                  /* U-format without a function */
		{"\x68\x04\x07\x00\x01\x00", 6},                  /* U-format, octet 3 not 0 */
		{"\x68\x05\x07\x00\x00\x00\x00", 7},              /* U-format with an extra octet */
		{"\x68\x04\x00\x00\x00\x00", 6},                  /* I-format without an ASDU */
		{"\x68\x09\x00\x00\x00\x00\x64\x01\x06\x01\x0d", 11},             /* ASDU header cut */
		{"\x68\x0e\x00\x00\x01\x00\x64\x01\x06\x01\x0d\x91\x00\x00\x00\x14", 16}, /* N(R) bit 0 */
		{"\x68\x0e\x00\x00\x00\x00\x00\x01\x06\x01\x0d\x91\x00\x00\x00\x14", 16}, /* type 0 */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(run(bad[i].b, bad[i].n) == HK_PARSE_MALFORMED, "case %zu", i);
		ck_assert_uint_eq(res.sink.n, 0);
	}

	/* after a STARTDT act: the role said stays said */
	{
		struct pc_buf p = {.n = 0};

		pc_put(&p, VEC(startdt_act));
		pc_put(&p, "\x68\x04\x0f\x00\x00\x00", 6);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
		ck_assert_uint_eq(res.sink.n, 1);
		EXPECT(0, HK_SIDE_SRC, "iec104.role", "controlling");
	}
}
END_TEST

START_TEST(test_lengths)
{
	struct pc_buf p = {.n = 0};
	uint8_t big[255];

	/* a length that says more than there is: waits */
	ck_assert_int_eq(run("\x68\x0e\x00\x00\x00\x00\x64\x01", 8), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* out of range first: not IEC 104 */
	ck_assert_int_eq(run("\x68\x03\x01\x00\x00", 5), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("\x68\xfe", 2), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("\x68\x00", 2), HK_PARSE_NOMATCH);
	/* out of range later: lost step */
	pc_put(&p, VEC(startdt_act));
	pc_put(&p, "\x68\x03\x01\x00\x00", 5);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 1);
	p.n = 0;
	pc_put(&p, VEC(startdt_act));
	pc_put(&p, "\x69\x04\x01\x00\x00\x00", 6);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);

	/* the largest APDU (253): an ASDU of 249 bytes, read as a whole */
	memset(big, 0, sizeof(big));
	big[0] = 0x68;
	big[1] = 253;
	big[6] = 1;    /* M_SP_NA_1 */
	big[7] = 0x7f; /* 127 objects, more than fit: the objects are not read */
	big[8] = 3;
	big[10] = 0x39;
	big[11] = 0x30; /* CA 12345 */
	ck_assert_int_eq(run(big, 255), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(1, HK_SIDE_SRC, "iec104.common_address", "12345");
	ck_assert_int_eq(run(big, 254), HK_PARSE_TRUNCATED);
}
END_TEST

/* ---- counts -------------------------------------------------------------- */

START_TEST(test_counts)
{
	struct pc_buf p = {.n = 0};

	/* IEC104_APDUS_MAX APDUs read without anything decisive: enough, OK */
	for (int i = 0; i < IEC104_APDUS_MAX; i++)
		pc_put(&p, VEC(s_frame));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* one fewer: more is wanted */
	ck_assert_int_eq(run(p.b, p.n - 6), HK_PARSE_TRUNCATED);
	/* the one after the MAXth is not read */
	pc_put(&p, VEC(startdt_act));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the MAXth is */
	p.n = 0;
	for (int i = 0; i < IEC104_APDUS_MAX - 1; i++)
		pc_put(&p, VEC(s_frame));
	pc_put(&p, VEC(startdt_act));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* IEC104_CAS_MAX + 1 stations behind one gateway: MAX common addresses said, the role once */
	p.n = 0;
	for (uint16_t ca = 1; ca <= IEC104_CAS_MAX + 1; ca++)
		asdu(&p, 1, 3, ca);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1 + IEC104_CAS_MAX);
	EXPECT(0, HK_SIDE_SRC, "iec104.role", "controlled");
	EXPECT(1, HK_SIDE_SRC, "iec104.common_address", "1");
	EXPECT(IEC104_CAS_MAX, HK_SIDE_SRC, "iec104.common_address", "4");
	/* the same again: once */
	p.n = 0;
	asdu(&p, 1, 3, 7);
	asdu(&p, 1, 3, 7);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);

	/* 0 (unused) and 0xffff (global): not an address of a station */
	p.n = 0;
	asdu(&p, 100, 6, 0xffff);
	asdu(&p, 1, 3, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_SIDE_SRC, "iec104.role", "controlling");
	EXPECT(1, HK_SIDE_SRC, "iec104.role", "controlled");
}
END_TEST

/* ---- not IEC 104 --------------------------------------------------------- */

START_TEST(test_nomatch)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: rtu\r\n\r\n";
	static const uint8_t dnp3[] = "\x05\x64\x05\x49\x64\x00\x01\x00\x7e\x5f";
	static const uint8_t modbus[] = "\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a";

	ck_assert_int_eq(run(http, sizeof(http) - 1), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run(VEC(dnp3)), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run(VEC(modbus)), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run("", 0), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("\x68", 1), HK_PARSE_TRUNCATED);
}
END_TEST

/* ---- against tshark ------------------------------------------------------ */

START_TEST(test_against_tshark)
{
	/* the bytes, what tshark reads as type, cause and common address, and our role */
	static const struct {
		const char *pcap;
		int frame;
		const uint8_t *b;
		size_t n;
		const char *tshark, *role;
	} cmp[] = {
		{"iti_JavaRMI_and_IEC_Misc.pcap", 10, VEC(gi_act), "100\t6\t37133", "controlling"},
		{"iti_JavaRMI_and_IEC_Misc.pcap", 12, VEC(end_of_init), "70\t4\t37133", "controlled"},
		{"iti_JavaRMI_and_IEC_Misc.pcap", 14, VEC(gi_actcon), "100\t7\t37133", "controlled"},
		{"iti_JavaRMI_and_IEC_Misc.pcap", 17, VEC(sp_seq), "1\t20\t37133", "controlled"},
		{"iti_090813_diverse.pcap", 1, VEC(me_nc), "13\t1\t3", "controlled"},
	};
	char line[4096], want[1200];

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		size_t o;

		if (!pc_tshark_frame(cmp[i].pcap, cmp[i].frame,
				     "-T fields -e tcp.payload -e iec60870_asdu.typeid -e iec60870_asdu.causetx "
				     "-e iec60870_asdu.addr",
				     line, sizeof(line)))
			return; /* no tshark or no captures here: nothing to compare */
		pc_hex(cmp[i].b, cmp[i].n, want, sizeof(want));
		o = 2 * cmp[i].n;
		snprintf(want + o, sizeof(want) - o, "\t%s", cmp[i].tshark);
		ck_assert_msg(strcmp(line, want) == 0, "%s frame %d: tshark '%s', we expect '%s'", cmp[i].pcap,
			      cmp[i].frame, line, want);
		ck_assert_int_eq(run(cmp[i].b, cmp[i].n), HK_PARSE_OK);
		EXPECT(0, HK_SIDE_SRC, "iec104.role", cmp[i].role);
		ck_assert_str_eq(res.obs[1].value, strrchr(cmp[i].tshark, '\t') + 1);
	}
}
END_TEST

static Suite *iec104_suite(void)
{
	Suite *s = suite_create("proto_iec104");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_controlling);
	tcase_add_test(tc, test_controlled);
	tcase_add_test(tc, test_no_role);
	tcase_add_test(tc, test_roles_by_cause);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_nomatch);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(iec104_suite());
}
