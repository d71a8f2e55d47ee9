/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The S7comm / S7comm-plus parser (src/proto/s7comm.c) and the port-102
 * entry point (src/proto/iso.c, with cotp.c): real TPKTs from the shared
 * captures with their exact observations, every truncated prefix of them,
 * PDUs cut by COTP segmentation (EOT clear), lying lengths, SZL record
 * counts at 0, MAX and MAX+1, strings with NUL and non-ASCII bytes, the
 * S7comm-plus V3 digest and TLS, and bytes of other protocols. Every input
 * is an exactly-sized heap copy, so a one-byte over-read is an
 * AddressSanitizer report. Where tshark and the captures are at hand the
 * SZL strings are compared with tshark's reading of the same frames.
 *
 * Captures (tcp payloads, one TPKT each): iti_s7comm_reading_setting_plc_time
 * .pcap, iti_S7-1200-Uploading-OB1-TIAV12.pcap, iti_S7-1511_db2_var1_HMI.pcap
 * (ITI/ICS-Security-Tools, CC-BY-4.0).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define S7_SZL_RECORDS_MAX 32 /* as in src/proto/s7comm.c */

/* iti_s7comm_reading_setting_plc_time.pcap frame 7 (192.168.1.10 -> PLC:102) */
static const uint8_t cr_pg[] =
	/* TPKT: version 3, reserved, length 22 */
	"\x03\x00\x00\x16"
	/* COTP LI 17, CR (e0, credit 0), dst-ref 0000, src-ref 0006, class 0 */
	"\x11\xe0\x00\x00\x00\x06\x00"
	/* c1 02 0100: calling TSAP; c2 02 0102: called TSAP (PG, rack 0 slot 2) */
	"\xc1\x02\x01\x00" "\xc2\x02\x01\x02"
	/* c0 01 0a: TPDU size 1024 */
	"\xc0\x01\x0a";

/* frame 9: setup communication job from the client */
static const uint8_t setup_job[] =
	"\x03\x00\x00\x19" /* TPKT length 25 */
	"\x02\xf0\x80"     /* COTP LI 2, DT, EOT */
	/* S7: 32, ROSCTR 1 job, reserved, PDU ref 0x0200, param len 8, data len 0 */
	"\x32\x01\x00\x00\x02\x00\x00\x08\x00\x00"
	/* f0 setup, reserved, AmQ calling 1, AmQ called 1, PDU size 0x01e0 (480) */
	"\xf0\x00\x00\x01\x00\x01\x01\xe0";

/* frame 10: its ack-data from the PLC (192.168.1.40) */
static const uint8_t setup_ack[] =
	"\x03\x00\x00\x1b" "\x02\xf0\x80"
	/* ROSCTR 3 ack-data, PDU ref 0x0200, param len 8, data len 0, error 00 00 */
	"\x32\x03\x00\x00\x02\x00\x00\x08\x00\x00\x00\x00"
	/* f0, reserved, AmQ 1, 1, negotiated PDU size 0x00f0 (240) */
	"\xf0\x00\x00\x01\x00\x01\x00\xf0";

/* frame 21: read SZL 0x0111 index 1 (userdata request) */
static const uint8_t szl_req[] =
	"\x03\x00\x00\x21" "\x02\xf0\x80"
	/* ROSCTR 7 userdata, PDU ref 0x0600, param len 8, data len 8 */
	"\x32\x07\x00\x00\x06\x00\x00\x08\x00\x08"
	/* 000112, len 4, method 11 request, 44 (type 4 request, group 4 CPU),
	 * subfunction 01 read SZL, sequence 0 */
	"\x00\x01\x12\x04\x11\x44\x01\x00"
	/* return code ff, transport size 09, length 4, SZL-ID 0x0111, index 0x0001 */
	"\xff\x09\x00\x04\x01\x11\x00\x01";

/*
 * frame 23: the answer, SZL 0x0111 index 1, one 28-byte record.
 * tshark: MlfB "6ES7 151-8AB01-0AB0 ", BGTyp 0x00c0, Ausbg 3, Ausbe 1.
 */
static const uint8_t szl11_resp[] =
	"\x03\x00\x00\x45" "\x02\xf0\x80"
	/* ROSCTR 7, PDU ref 0x0600, param len 12, data len 40 */
	"\x32\x07\x00\x00\x06\x00\x00\x0c\x00\x28"
	/* 000112, len 8, method 12 response, 84 (type 8 response, group 4),
	 * read SZL, sequence 1, data unit ref 0, last unit 00, error 0000 */
	"\x00\x01\x12\x08\x12\x84\x01\x01\x00\x00\x00\x00"
	/* ff, 09, length 36, SZL-ID 0x0111, index 0x0001, record len 28, count 1 */
	"\xff\x09\x00\x24\x01\x11\x00\x01\x00\x1c\x00\x01"
	/* record: index 0001, MlfB (20), BGTyp 00c0, Ausbg 0003, Ausbe 0001 */
	"\x00\x01" "6ES7 151-8AB01-0AB0 " "\x00\xc0\x00\x03\x00\x01";

/* frame 32: SZL 0x011c index 2 (module name), one 34-byte record.
 * tshark: Name (Name of the module) "IM151-8 PN/DP CPU" */
static const uint8_t szl1c_resp[] =
	"\x03\x00\x00\x4b" "\x02\xf0\x80"
	"\x32\x07\x00\x00\x09\x00\x00\x0c\x00\x2e"
	"\x00\x01\x12\x08\x12\x84\x01\x01\x00\x00\x00\x00"
	/* ff, 09, length 42, SZL-ID 0x011c, index 2, record len 34, count 1 */
	"\xff\x09\x00\x2a\x01\x1c\x00\x02\x00\x22\x00\x01"
	/* index 0002, name (24 bytes, NUL padded), reserved (8) */
	"\x00\x02" "IM151-8 PN/DP CPU\x00\x00\x00\x00\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\x00\x00";

/*
 * iti_s7comm_downloading_block_db1.pcap frame 46: during a download the PLC
 * (192.168.1.40) sends the job: download block (1b) "_0A00001P" (DB1).
 */
static const uint8_t download_job[] =
	"\x03\x00\x00\x23" "\x02\xf0\x80"
	/* ROSCTR 1 job, PDU ref 0x0100, param len 18, data len 0 */
	"\x32\x01\x00\x00\x01\x00\x00\x12\x00\x00"
	/* 1b download block, status 00, unknown 0000 0000 00, filename length 9,
	 * "_0A00001P" (block type 0A = DB, number 00001, P = passive) */
	"\x1b\x00\x00\x00\x00\x00\x00\x00\x09" "_0A00001P";

/* frame 48's first bytes: the engineering station's ack-data to it (the
 * block's contents cut after the parameter: data length set to 0) */
static const uint8_t download_ack[] =
	"\x03\x00\x00\x15" "\x02\xf0\x80"
	/* ROSCTR 3 ack-data, PDU ref 0x0100, param len 2, data len 0, no error */
	"\x32\x03\x00\x00\x01\x00\x00\x02\x00\x00\x00\x00"
	/* 1b download block, 01 more data follows */
	"\x1b\x01";

/* iti_S7-1200-Uploading-OB1-TIAV12.pcap frame 4: TIA Portal connects */
static const uint8_t cr_es[] =
	"\x03\x00\x00\x23"
	/* LI 30, CR, dst-ref 0, src-ref 0x0011, class 0 */
	"\x1e\xe0\x00\x00\x00\x11\x00"
	/* calling TSAP 0600, called TSAP "SIMATIC-ROOT-ES", TPDU size 1024 */
	"\xc1\x02\x06\x00" "\xc2\x0f" "SIMATIC-ROOT-ES" "\xc0\x01\x0a";

/* iti_S7-1511_db2_var1_HMI.pcap frame 4: an HMI connects */
static const uint8_t cr_hmi[] =
	"\x03\x00\x00\x24" "\x1f\xe0\x00\x00\x00\x1b\x00"
	"\xc1\x02\x06\x20" "\xc2\x10" "SIMATIC-ROOT-HMI" "\xc0\x01\x0a";

/*
 * iti_S7-1200-Uploading-OB1-TIAV12.pcap frame 6: the CreateObject request
 * of TIA Portal V12 (V1 framing).
 */
static const uint8_t s7p_create_req[] =
	"\x03\x00\x00\xdd" "\x02\xf0\x80"
	/* 72, version 1, data length 0x00ce */
	"\x72\x01\x00\xce"
	/* opcode 31 request, reserved, function 04ca CreateObject, reserved,
	 * sequence 1, session id 0x00000120, transport flags 36 */
	"\x31\x00\x00\x04\xca\x00\x00\x00\x01\x00\x00\x01\x20\x36"
	/* request id 0x0000011d, value (flags 00, UDInt, 0), reserved 4 */
	"\x00\x00\x01\x1d\x00\x04\x00\x00\x00\x00\x00"
	/* a1 object: relation 0x000000d3, class 82 1f (287), flags 0, attribute 0 */
	"\xa1\x00\x00\x00\xd3\x82\x1f\x00\x00"
	/* a3 81 69 (233): WString (15) len 0x14 "ServerSession_2DC6D2" */
	"\xa3\x81\x69\x00\x15\x14" "ServerSession_2DC6D2"
	/* a3 82 21 (289) client id, 0x2c bytes */
	"\xa3\x82\x21\x00\x15\x2c" "1:::6.0::TCP/IP -> Atheros AR8121/AR8113/..."
	/* 296 user "", 297 application "" */
	"\xa3\x82\x28\x00\x15\x00" "\xa3\x82\x29\x00\x15\x00"
	/* 298 host "VORTEX_21032491" */
	"\xa3\x82\x2a\x00\x15\x0f" "VORTEX_21032491"
	/* 299 UDInt 1; 300 RID 0x002dc6d2; 301 comment "" */
	"\xa3\x82\x2b\x00\x04\x01" "\xa3\x82\x2c\x00\x12\x00\x2d\xc6\xd2" "\xa3\x82\x2d\x00\x15\x00"
	/* a nested object: 233 "SubscriptionContainer"; a2 a2 closes both */
	"\xa1\x00\x00\x00\xd3\x81\x7f\x00\x00" "\xa3\x81\x69\x00\x15\x15" "SubscriptionContainer" "\xa2\xa2"
	/* 4 reserved bytes; trailer 72 01 0000 */
	"\x00\x00\x00\x00" "\x72\x01\x00\x00";

/*
 * frame 8: the S7-1200's CreateObject response: ServerSessionVersion (306)
 * struct 314 whose member 319 reads "1;6ES7 214-1HE30-0XB0 ;V2.2".
 */
static const uint8_t s7p_create_res_1200[] =
	"\x03\x00\x00\x89" "\x02\xf0\x80"
	"\x72\x01\x00\x7a"
	/* opcode 32 response, function 04ca, sequence 1, transport flags 36,
	 * return value 0x11, 2 object ids: 87 40, 87 07 */
	"\x32\x00\x00\x04\xca\x00\x00\x00\x01\x36\x11\x02\x87\x40\x87\x07"
	/* a1 object: relation 0x00000120, class 287, flags 0, attribute 0 */
	"\xa1\x00\x00\x01\x20\x82\x1f\x00\x00"
	/* 233: "" */
	"\xa3\x81\x69\x00\x15\x00"
	/* 306: struct 0x0000013a; members 315..318 UDInt */
	"\xa3\x82\x32\x00\x17\x00\x00\x01\x3a"
	"\x82\x3b\x00\x04\x82\x00" "\x82\x3c\x00\x04\x81\x40" "\x82\x3d\x00\x04\x84\x80\xc0\x40"
	"\x82\x3e\x00\x04\x84\x80\xc0\x40"
	/* 319: WString "1;6ES7 214-1HE30-0XB0 ;V2.2" */
	"\x82\x3f\x00\x15\x1b" "1;6ES7 214-1HE30-0XB0 ;V2.2"
	/* 320: "2;793"; 321: UInt 3; 00 ends the struct; a2 ends the object */
	"\x82\x40\x00\x15\x05" "2;793" "\x82\x41\x00\x03\x00\x03\x00" "\xa2"
	"\x00\x00\x00\x00" "\x72\x01\x00\x00";

/* frame 11: a V2 response (0542 SetMultiVariables), no integrity part */
static const uint8_t s7p_v2_res[] =
	"\x03\x00\x00\x1f" "\x02\xf0\x80"
	"\x72\x02\x00\x10"
	"\x32\x00\x00\x05\x42\x00\x00\x00\x02\x34\x00\x00\x00\x00\x00\x00"
	"\x72\x02\x00\x00";

/*
 * iti_S7-1511_db2_var1_HMI.pcap frame 7: the S7-1511's CreateObject
 * response: a 20-byte ServerSessionChallenge (303) and the PAOM string.
 */
static const uint8_t s7p_create_res_1511[] =
	"\x03\x00\x00\xd7" "\x02\xf0\x80"
	"\x72\x01\x00\xc8"
	"\x32\x00\x00\x04\xca\x00\x00\x00\x01\x36\x00\x02\x87\x08\x87\x09"
	"\xa1\x00\x00\x01\x20\x82\x1f\x01\x00"
	"\xa3\x81\x69\x00\x15\x00"
	/* 299: UDInt; 301: "OMSP.REL.5041.23" */
	"\xa3\x82\x2b\x00\x04\x82\x80\x80\x80\x00"
	"\xa3\x82\x2d\x00\x15\x10" "OMSP.REL.5041.23"
	/* 303: flags 10 (array) of USInt, 20 elements: the challenge */
	"\xa3\x82\x2f\x10\x02\x14"
	"\x27\xab\x8f\xbb\xf5\x93\x23\x17\xcd\x69\x59\xf0\x49\x76\x65\x8f\x73\x13\x52\x2a"
	"\xa3\x82\x32\x00\x17\x00\x00\x01\x3a"
	"\x82\x3b\x00\x04\x82\x40" "\x82\x3c\x00\x04\x82\x40" "\x82\x3d\x00\x04\x84\x81\x80\x40"
	"\x82\x3e\x00\x04\x84\x81\x80\x40"
	"\x82\x3f\x00\x15\x1a" "1;6ES7 511-1AK00-0AB0;V1.0"
	"\x82\x40\x00\x15\x1a" "1;6ES7 511-1AK00-0AB0;V1.0"
	"\x82\x41\x00\x03\x00\x03\x00" "\xa2"
	"\x00\x00\x00\x00" "\x72\x01\x00\x00";


static struct pc_result res;
static const struct hk_parse_ctx to_plc = {.l4 = 6, .sport = 4173, .dport = 102, .from_client = true,
					   .client_known = true, .ndpi = "s7comm"};
static const struct hk_parse_ctx from_plc = {.l4 = 6, .sport = 102, .dport = 4173, .ndpi = "s7comm"};

static enum hk_parse_result run_with(hk_parse_fn fn, const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(fn, bytes, n, ctx, &res);
}

static enum hk_parse_result run(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return run_with(proto_s7comm_parse, bytes, n, ctx);
}

static enum hk_parse_result run_iso(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return run_with(proto_iso_parse, bytes, n, ctx);
}

#define EXPECT_SIDE(i, k, sd, conf, src, val) PC_EXPECT(&res, i, k, sd, conf, src, val)
#define EXPECT(i, k, conf, src, val) EXPECT_SIDE(i, k, HK_SIDE_SRC, conf, src, val)

/* ---- a builder for synthetic TPKTs ---------------------------------------- */

/* TPKT + COTP DT (EOT as given) around a payload */
static void dt(struct pc_buf *p, const void *payload, size_t n, bool eot)
{
	p->n = 0;
	pc_put8(p, 3);
	pc_put8(p, 0);
	pc_put16(p, (unsigned)(n + 7));
	pc_put8(p, 2);
	pc_put8(p, 0xf0);
	pc_put8(p, eot ? 0x80 : 0x00);
	pc_put(p, payload, n);
}

/* an S7 userdata read-SZL response with the records given */
static void szl_answer(struct pc_buf *s7, unsigned id, unsigned reclen, unsigned count, const void *rec, size_t rec_n)
{
	s7->n = 0;
	pc_put(s7, "\x32\x07\x00\x00\x01\x00\x00\x0c", 8);
	pc_put16(s7, (unsigned)(4 + 8 + rec_n));
	pc_put(s7, "\x00\x01\x12\x08\x12\x84\x01\x01\x00\x00\x00\x00", 12);
	pc_put(s7, "\xff\x09", 2);
	pc_put16(s7, (unsigned)(8 + rec_n));
	pc_put16(s7, id);
	pc_put16(s7, 0);
	pc_put16(s7, reclen);
	pc_put16(s7, count);
	pc_put(s7, rec, rec_n);
}

static void rec1c(struct pc_buf *r, unsigned index, const char *text, size_t text_n)
{
	uint8_t f[32] = {0};

	ck_assert_uint_le(text_n, sizeof(f));
	memcpy(f, text, text_n);
	pc_put16(r, index);
	pc_put(r, f, sizeof(f));
}

static void rec11(struct pc_buf *r, unsigned index, const char *mlfb, unsigned ausbg, unsigned ausbe)
{
	char f[20];

	memset(f, ' ', sizeof(f));
	memcpy(f, mlfb, strlen(mlfb));
	pc_put16(r, index);
	pc_put(r, f, sizeof(f));
	pc_put16(r, 0);
	pc_put16(r, ausbg);
	pc_put16(r, ausbe);
}

/* ---- real PDUs ------------------------------------------------------------ */

START_TEST(test_setup)
{
	ck_assert_int_eq(run(VEC(setup_job), &to_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "s7comm.role", "client");

	ck_assert_int_eq(run(VEC(setup_ack), &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "s7comm.role", "server");
	EXPECT(1, HK_OBS_ROLE, 70, "s7comm.setup", "plc");
	EXPECT(2, HK_OBS_RAW, 50, "s7comm.pdu_size", "240");
}
END_TEST

/* a block download turns the roles round: the PLC sends the jobs */
START_TEST(test_download)
{
	ck_assert_int_eq(run(VEC(download_job), &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_ROLE, 60, "s7comm.server", "plc");
	ck_assert_int_eq(run(VEC(download_ack), &to_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a bare ack says nothing either */
	ck_assert_int_eq(run("\x03\x00\x00\x13\x02\xf0\x80\x32\x02\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00", 19,
			     &from_plc),
			 HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_szl_real)
{
	ck_assert_int_eq(run(VEC(szl_req), &to_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "s7comm.szl_request", "0x0111");

	ck_assert_int_eq(run(VEC(szl11_resp), &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_ROLE, 60, "s7comm.server", "plc");
	/* the MlfB's trailing blank is padding */
	EXPECT(1, HK_OBS_MODEL, 90, "s7comm.szl.order_number", "6ES7 151-8AB01-0AB0");

	ck_assert_int_eq(run(VEC(szl1c_resp), &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_ROLE, 60, "s7comm.server", "plc");
	EXPECT(1, HK_OBS_PRODUCT, 60, "s7comm.szl.module_name", "IM151-8 PN/DP CPU");
	ck_assert_uint_eq(res.sink.n_dropped, 0);
}
END_TEST

/* The sample plant's PLC (tests/gen/plantgen.c ews_s7_identify): every
 * record of 0x11 and 0x1c it knows. */
START_TEST(test_szl_all_records)
{
	struct pc_buf r = {.n = 0}, s7, p;

	rec11(&r, 0x0001, "6ES7 315-2EH14-0AB0", 0x0004, 0x0004);
	rec11(&r, 0x0006, "6ES7 315-2EH14-0AB0", 0x0004, 0x0004);
	rec11(&r, 0x0007, "", 0x5603, 0x0211); /* 'V' 3, 2, 17 */
	rec11(&r, 0x0081, "", 0x5601, 0x0000); /* not read */
	szl_answer(&s7, 0x0011, 28, 4, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_ROLE, 60, "s7comm.server", "plc");
	EXPECT(1, HK_OBS_MODEL, 90, "s7comm.szl.order_number", "6ES7 315-2EH14-0AB0");
	EXPECT(2, HK_OBS_RAW, 50, "s7comm.szl.hw", "6ES7 315-2EH14-0AB0");
	EXPECT(3, HK_OBS_FIRMWARE, 90, "s7comm.szl.firmware", "V3.2.17");

	/* a firmware record without the 'V' says no version */
	r.n = 0;
	rec11(&r, 0x0007, "", 0x0003, 0x0211);
	szl_answer(&s7, 0x0111, 28, 1, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	r.n = 0;
	rec1c(&r, 1, VEC("S7-300 Station Line 2"));
	rec1c(&r, 2, VEC("PLC-LINE2"));
	rec1c(&r, 3, VEC("WTP Noord Line 2"));
	rec1c(&r, 4, VEC("Original Siemens Equipment"));
	rec1c(&r, 5, VEC("S C-H4U712302011"));
	rec1c(&r, 6, VEC("reserved index"));
	rec1c(&r, 7, VEC("CPU 315-2 PN/DP"));
	rec1c(&r, 8, VEC("MMC 267E4D2F"));
	rec1c(&r, 9, VEC("\x00\x2a\xf6\x00\x00\x01"));
	rec1c(&r, 10, VEC("OEM copyright"));
	rec1c(&r, 11, VEC("Hall 3, rack 2"));
	szl_answer(&s7, 0x001c, 34, 11, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 11);
	EXPECT(0, HK_OBS_ROLE, 60, "s7comm.server", "plc");
	EXPECT(1, HK_OBS_HOSTNAME, 80, "s7comm.szl.plc_name", "S7-300 Station Line 2");
	EXPECT(2, HK_OBS_PRODUCT, 60, "s7comm.szl.module_name", "PLC-LINE2");
	EXPECT(3, HK_OBS_RAW, 50, "s7comm.szl.plant_id", "WTP Noord Line 2");
	EXPECT(4, HK_OBS_VENDOR, 85, "s7comm.szl.copyright", "Siemens");
	EXPECT(5, HK_OBS_SERIAL, 90, "s7comm.szl.serial", "S C-H4U712302011");
	EXPECT(6, HK_OBS_MODEL, 80, "s7comm.szl.module_type", "CPU 315-2 PN/DP");
	EXPECT(7, HK_OBS_RAW, 50, "s7comm.szl.mmc_serial", "MMC 267E4D2F");
	EXPECT(8, HK_OBS_RAW, 50, "s7comm.szl.profile", "mfr=0x002a profile=0xf600 type=0x0001");
	EXPECT(9, HK_OBS_RAW, 50, "s7comm.szl.oem", "OEM copyright");
	EXPECT(10, HK_OBS_RAW, 50, "s7comm.szl.location", "Hall 3, rack 2");
}
END_TEST

START_TEST(test_copyright)
{
	struct pc_buf r = {.n = 0}, s7, p;

	/* only Siemens' own sentence names Siemens */
	rec1c(&r, 4, VEC("Original Siemens Equipment  "));
	rec1c(&r, 4, VEC("Original Siemens Equipmen"));
	rec1c(&r, 4, VEC("Made by someone else"));
	szl_answer(&s7, 0x001c, 34, 3, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(1, HK_OBS_VENDOR, 85, "s7comm.szl.copyright", "Siemens");
	EXPECT(2, HK_OBS_RAW, 50, "s7comm.szl.copyright", "Original Siemens Equipmen");
	EXPECT(3, HK_OBS_RAW, 50, "s7comm.szl.copyright", "Made by someone else");
}
END_TEST

START_TEST(test_strings)
{
	struct pc_buf r = {.n = 0}, s7, p;

	/* text after a NUL is not part of the name; non-ASCII is escaped */
	rec1c(&r, 1, VEC("PLC\x00hidden"));
	rec1c(&r, 5, VEC("SN\xe4\x01\\x"));
	/* a name that fills all 24 bytes stops there (the rest is reserved) */
	rec1c(&r, 2, VEC("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"));
	/* a type name may use all 32 */
	rec1c(&r, 7, VEC("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"));
	/* an empty field says nothing */
	rec1c(&r, 3, VEC(""));
	szl_answer(&s7, 0x001c, 34, 5, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	EXPECT(1, HK_OBS_HOSTNAME, 80, "s7comm.szl.plc_name", "PLC");
	EXPECT(2, HK_OBS_SERIAL, 90, "s7comm.szl.serial", "SN\\xe4\\x01\\\\x");
	EXPECT(3, HK_OBS_PRODUCT, 60, "s7comm.szl.module_name", "ABCDEFGHIJKLMNOPQRSTUVWX");
	EXPECT(4, HK_OBS_MODEL, 80, "s7comm.szl.module_type", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
}
END_TEST

START_TEST(test_szl_counts)
{
	struct pc_buf r = {.n = 0}, s7, p;

	/* 0 records: the server still answered */
	szl_answer(&s7, 0x001c, 34, 0, NULL, 0);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* MAX records are all read (the sink holds 32: role + 31) */
	for (unsigned i = 0; i < S7_SZL_RECORDS_MAX; i++)
		rec1c(&r, 11, VEC("loc"));
	szl_answer(&s7, 0x001c, 34, S7_SZL_RECORDS_MAX, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, HK_OBS_PER_PACKET_MAX);
	ck_assert_uint_eq(res.sink.n_dropped, 1 + S7_SZL_RECORDS_MAX - HK_OBS_PER_PACKET_MAX);

	/* MAX + 1 is a lie: nothing at all is said */
	rec1c(&r, 11, VEC("loc"));
	szl_answer(&s7, 0x001c, 34, S7_SZL_RECORDS_MAX + 1, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_uint_eq(res.sink.n_dropped, 0);

	/* a count above the records present (a fragmented answer): the whole
	 * records there are read */
	r.n = 0;
	rec1c(&r, 1, VEC("A"));
	rec1c(&r, 2, VEC("B"));
	pc_put(&r, "\x00\x05SN", 4); /* the start of a third */
	szl_answer(&s7, 0x001c, 34, 10, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);

	/* a record length that is not the list's */
	r.n = 0;
	rec1c(&r, 1, VEC("A"));
	szl_answer(&s7, 0x001c, 28, 1, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	szl_answer(&s7, 0x0011, 34, 1, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);

	/* another list (0x0132) is not read at all */
	szl_answer(&s7, 0x0132, 40, 1, r.b, r.n);
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
}
END_TEST

START_TEST(test_lying_lengths)
{
	struct pc_buf p, s7;
	const uint8_t *pl = szl11_resp + 7;
	size_t pl_n = sizeof(szl11_resp) - 1 - 7;

	/* parameter length past the PDU */
	s7.n = 0;
	pc_put(&s7, pl, pl_n);
	s7.b[7] = 0x40;
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* data length short of the PDU: bytes left over */
	s7.b[7] = 0x0c;
	s7.b[9] = 0x20;
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the userdata parameter's own length disagrees with the header */
	s7.b[9] = 0x28;
	s7.b[13] = 0x04;
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);
	/* the data item's length runs past the data */
	s7.b[13] = 0x08;
	s7.b[25] = 0x30;
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* an unknown ROSCTR */
	s7.b[25] = 0x24;
	s7.b[1] = 0x05;
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);
	s7.b[1] = 0x07;
	dt(&p, s7.b, s7.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);

	/* TPKT length past the bytes, shorter than its header, LI past the TPKT */
	ck_assert_int_eq(run("\x03\x00\x00\x30\x02\xf0\x80\x32", 8, &from_plc), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("\x03\x00\x00\x05\x02\xf0\x80\x32", 8, &from_plc), HK_PARSE_MALFORMED);
	ck_assert_int_eq(run("\x03\x00\x00\x08\x09\xf0\x80\x32", 8, &from_plc), HK_PARSE_MALFORMED);
	/* a CR whose parameter runs past the header */
	ck_assert_int_eq(run_iso("\x03\x00\x00\x0e\x09\xe0\x00\x00\x00\x01\x00\xc1\x05\x01", 14, &to_plc),
			 HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* an unknown TPDU code */
	ck_assert_int_eq(run_iso("\x03\x00\x00\x07\x02\x30\x80", 7, &to_plc), HK_PARSE_MALFORMED);
}
END_TEST

/* Every prefix of each real TPKT: the TPKT length says it is not all here. */
START_TEST(test_truncated_prefixes)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} vec[] = {{VEC(cr_pg)},      {VEC(setup_job)},      {VEC(setup_ack)},           {VEC(szl_req)},
		   {VEC(download_job)}, {VEC(download_ack)},
		   {VEC(szl11_resp)}, {VEC(szl1c_resp)},     {VEC(cr_es)},               {VEC(cr_hmi)},
		   {VEC(s7p_create_req)}, {VEC(s7p_create_res_1200)}, {VEC(s7p_v2_res)}, {VEC(s7p_create_res_1511)}};

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		ck_assert_int_eq(run_iso(vec[v].b, vec[v].n, &from_plc), HK_PARSE_OK);
		pc_every_prefix(proto_iso_parse, vec[v].b, vec[v].n, &from_plc, PC_TRUNCATED, false,
				"iso vector %zu", v);
		pc_every_prefix(proto_s7comm_parse, vec[v].b, vec[v].n, &from_plc, PC_TRUNCATED, false,
				"s7comm vector %zu", v);
	}
}
END_TEST

/*
 * A PDU cut by COTP segmentation: with EOT clear, every prefix of the S7
 * payload is TRUNCATED and says a prefix of what the whole says; with EOT
 * set the same bytes contradict their own lengths and say nothing.
 */
START_TEST(test_segmented)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} vec[] = {{VEC(setup_ack)}, {VEC(szl11_resp)}, {VEC(szl1c_resp)}, {VEC(s7p_create_res_1200)},
		   {VEC(s7p_create_res_1511)}, {VEC(s7p_v2_res)}};
	static struct pc_result full;
	struct pc_buf p;

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		const uint8_t *pl = vec[v].b + 7;
		size_t pl_n = vec[v].n - 7;

		dt(&p, pl, pl_n, true);
		ck_assert_int_eq(pc_run(proto_s7comm_parse, p.b, p.n, &from_plc, &full), HK_PARSE_OK);
		for (size_t k = 1; k < pl_n; k++) {
			enum hk_parse_result r;

			dt(&p, pl, k, false);
			ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_TRUNCATED);
			pc_assert_obs_lead(&res, &full, "vector %zu cut at %zu", v, k);
			dt(&p, pl, k, true);
			r = run(p.b, p.n, &from_plc);
			/* an S7comm-plus PDU without its trailer reads as a fragment */
			ck_assert_msg(r == HK_PARSE_MALFORMED || (r == HK_PARSE_OK && res.sink.n == 0),
				      "vector %zu cut at %zu: %d with %zu observations", v, k, r, res.sink.n);
		}
		/* the whole payload in a TPDU that says more follows */
		dt(&p, pl, pl_n, false);
		ck_assert_int_ne(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);
	}
}
END_TEST

START_TEST(test_cotp_connect)
{
	ck_assert_int_eq(run_iso(VEC(cr_pg), &to_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, 50, "cotp.calling_tsap", "0x0100");
	EXPECT_SIDE(1, HK_OBS_RAW, HK_SIDE_DST, 50, "cotp.called_tsap", "0x0102");

	ck_assert_int_eq(run_iso(VEC(cr_es), &to_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "cotp.calling_tsap", "0x0600");
	EXPECT_SIDE(1, HK_OBS_RAW, HK_SIDE_DST, 50, "cotp.called_tsap", "SIMATIC-ROOT-ES");
	EXPECT(2, HK_OBS_ROLE, 60, "cotp.called_tsap", "ews");

	ck_assert_int_eq(run_iso(VEC(cr_hmi), &to_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(2, HK_OBS_ROLE, 60, "cotp.called_tsap", "hmi");

	/* the S7comm parser alone has nothing to say about a CR */
	ck_assert_int_eq(run(VEC(cr_es), &to_plc), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a CC, a DR, an empty DT */
	ck_assert_int_eq(run_iso("\x03\x00\x00\x0b\x06\xd0\x00\x06\x00\x01\x00", 11, &from_plc), HK_PARSE_OK);
	ck_assert_int_eq(run_iso("\x03\x00\x00\x0b\x06\x80\x00\x06\x00\x01\x00", 11, &from_plc), HK_PARSE_OK);
	ck_assert_int_eq(run_iso("\x03\x00\x00\x07\x02\xf0\x00", 7, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_s7commplus)
{
	ck_assert_int_eq(run(VEC(s7p_create_req), &to_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "s7commplus.client_host", "VORTEX_21032491");

	ck_assert_int_eq(run(VEC(s7p_create_res_1200), &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_ROLE, 60, "s7commplus.server", "plc");
	EXPECT(1, HK_OBS_RAW, 50, "s7commplus.paom", "1;6ES7 214-1HE30-0XB0 ;V2.2");
	EXPECT(2, HK_OBS_MODEL, 85, "s7commplus.order_number", "6ES7 214-1HE30-0XB0");
	EXPECT(3, HK_OBS_FIRMWARE, 80, "s7commplus.firmware", "V2.2");

	ck_assert_int_eq(run(VEC(s7p_v2_res), &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_ROLE, 60, "s7commplus.server", "plc");
	EXPECT(1, HK_OBS_RAW, 50, "s7commplus.version", "V2");

	ck_assert_int_eq(run(VEC(s7p_create_res_1511), &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 6);
	EXPECT(0, HK_OBS_ROLE, 60, "s7commplus.server", "plc");
	EXPECT(1, HK_OBS_RAW, 50, "s7commplus.protected", "integrity");
	EXPECT(2, HK_OBS_RAW, 50, "s7commplus.comment", "OMSP.REL.5041.23");
	EXPECT(3, HK_OBS_RAW, 50, "s7commplus.paom", "1;6ES7 511-1AK00-0AB0;V1.0");
	EXPECT(4, HK_OBS_MODEL, 85, "s7commplus.order_number", "6ES7 511-1AK00-0AB0");
	EXPECT(5, HK_OBS_FIRMWARE, 80, "s7commplus.firmware", "V1.0");

	/* the same through the port-102 entry point */
	ck_assert_int_eq(run_iso(VEC(s7p_create_res_1511), &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 6);
}
END_TEST

/* S7comm-plus shapes no shared capture has, built from the dissector's
 * layout: the V3 digest, keep-alive, TLS, a PAOM string of another shape,
 * an encoding the walk does not know. */
START_TEST(test_s7commplus_built)
{
	struct pc_buf s, p;
	uint8_t digest[32];

	memset(digest, 0xd7, sizeof(digest));
	/* V3: | 72 03 len | 20 digest(32) | 32 0000 054c 0000 0007 | ... | trailer */
	s.n = 0;
	pc_put(&s, "\x72\x03\x00\x2a", 4);
	pc_put8(&s, 0x20);
	pc_put(&s, digest, sizeof(digest));
	pc_put(&s, "\x32\x00\x00\x05\x4c\x00\x00\x00\x07", 9);
	pc_put(&s, "\x72\x03\x00\x00", 4);
	dt(&p, s.b, s.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_ROLE, 60, "s7commplus.server", "plc");
	EXPECT(1, HK_OBS_RAW, 50, "s7commplus.protected", "integrity");
	EXPECT(2, HK_OBS_RAW, 50, "s7commplus.version", "V3");
	/* its trailer with another version byte */
	s.b[s.n - 3] = 0x02;
	dt(&p, s.b, s.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a V3 fragment (no trailer) still shows its digest, nothing else */
	dt(&p, s.b, s.n - 4, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	/* keep-alive, and an unknown version */
	dt(&p, "\x72\xff\x03\x00", 4, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	dt(&p, "\x72\x07\x00\x00\x72\x07\x00\x00", 8, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);

	/* TLS records in the COTP data: the PLC is the port-102 end */
	dt(&p, "\x17\x03\x03\x00\x04\x01\x02\x03\x04", 9, true);
	ck_assert_int_eq(run_iso(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "s7commplus.protected", "tls");
	ck_assert_int_eq(run_iso(p.b, p.n, &to_plc), HK_PARSE_OK);
	EXPECT_SIDE(0, HK_OBS_RAW, HK_SIDE_DST, 50, "s7commplus.protected", "tls");
	/* 17 04 is not TLS */
	dt(&p, "\x17\x04\x03\x00\x04", 5, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_NOMATCH);

	/* a PAOM string of another shape is kept raw only */
	{
		static const char *const odd[] = {"6ES7 511-1AK00-0AB0", "1;;V1.0", "1;6ES7;X1.0", "1;6ES7;V1.0;x",
						  "1;6ES7;V"};
		for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
			size_t l = strlen(odd[i]);
			s.n = 0;
			pc_put(&s, "\x72\x01\x00\x00", 4);
			pc_put(&s, "\x32\x00\x00\x04\xca\x00\x00\x00\x01\x36\x00\x00", 12);
			pc_put(&s, "\xa1\x00\x00\x01\x20\x82\x1f\x00\x00", 9);
			pc_put(&s, "\xa3\x82\x32\x00\x17\x00\x00\x01\x3a\x82\x3f\x00\x15", 13);
			pc_put8(&s, (unsigned)l);
			pc_put(&s, odd[i], l);
			pc_put(&s, "\x00\xa2\x72\x01\x00\x00", 6);
			s.b[3] = (uint8_t)(s.n - 8);
			dt(&p, s.b, s.n, true);
			ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
			ck_assert_uint_eq(res.sink.n, 2);
			EXPECT(1, HK_OBS_RAW, 50, "s7commplus.paom", odd[i]);
		}
	}

	/* a blob (14) before the version: the walk stops, no contradiction */
	s.n = 0;
	pc_put(&s, "\x72\x01\x00\x00", 4);
	pc_put(&s, "\x32\x00\x00\x04\xca\x00\x00\x00\x01\x36\x00\x00", 12);
	pc_put(&s, "\xa1\x00\x00\x01\x20\x82\x1f\x00\x00", 9);
	pc_put(&s, "\xa3\x82\x30\x00\x14\x00\x05" "abcde", 12);
	pc_put(&s, "\xa3\x82\x32\x00\x17\x00\x00\x01\x3a\x82\x3f\x00\x15\x04" "1;X;", 18);
	pc_put(&s, "\x00\xa2\x72\x01\x00\x00", 6);
	s.b[3] = (uint8_t)(s.n - 8);
	dt(&p, s.b, s.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* a string that runs past the PDU */
	s.n = 0;
	pc_put(&s, "\x72\x01\x00\x00", 4);
	pc_put(&s, "\x32\x00\x00\x04\xca\x00\x00\x00\x01\x36\x00\x00", 12);
	pc_put(&s, "\xa1\x00\x00\x01\x20\x82\x1f\x00\x00", 9);
	pc_put(&s, "\xa3\x82\x2d\x00\x15\x7f" "abc", 9);
	pc_put(&s, "\x72\x01\x00\x00", 4);
	s.b[3] = (uint8_t)(s.n - 8);
	dt(&p, s.b, s.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* structs nested deeper than S7P_DEPTH_MAX, objects too: the walk stops */
	s.n = 0;
	pc_put(&s, "\x72\x01\x00\x00", 4);
	pc_put(&s, "\x32\x00\x00\x04\xca\x00\x00\x00\x01\x36\x00\x00", 12);
	pc_put(&s, "\xa1\x00\x00\x01\x20\x82\x1f\x00\x00", 9);
	pc_put(&s, "\xa3\x82\x2d\x00\x15\x01" "c", 7);
	pc_put(&s, "\xa3\x82\x32\x00\x17\x00\x00\x01\x3a", 9);
	for (int i = 0; i < 6; i++)
		pc_put(&s, "\x82\x3b\x00\x17\x00\x00\x01\x3a", 8);
	for (int i = 0; i < 6; i++)
		pc_put(&s, "\xa1\x00\x00\x01\x20\x82\x1f\x00\x00", 9);
	pc_put(&s, "\x72\x01\x00\x00", 4);
	s.b[3] = (uint8_t)(s.n - 8);
	dt(&p, s.b, s.n, true);
	ck_assert_int_eq(run(p.b, p.n, &from_plc), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(1, HK_OBS_RAW, 50, "s7commplus.comment", "c");
}
END_TEST

START_TEST(test_nomatch)
{
	struct hk_parse_ctx udp = from_plc;
	struct pc_buf p;

	udp.l4 = 17;
	ck_assert_int_eq(run(VEC(szl11_resp), &udp), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run_iso(VEC(szl11_resp), &udp), HK_PARSE_NOMATCH);
	/* not a TPKT: HTTP, TLS, RDP's X.224 has TPKT too (and is fine) */
	ck_assert_int_eq(run_iso("GET / HTTP/1.0\r\n\r\n", 18, &to_plc), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run_iso("\x16\x03\x01\x00\x05hello", 10, &to_plc), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run_iso("\x03\x01\x00\x07\x02\xf0\x80", 7, &to_plc), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run_iso("", 0, &to_plc), HK_PARSE_TRUNCATED);
	/* an MMS SPDU in the DT is not S7 */
	dt(&p, "\x01\x00\x01\x00\x61\x00", 6, true);
	ck_assert_int_eq(run(p.b, p.n, &to_plc), HK_PARSE_NOMATCH);
	/* data of no protocol we know */
	dt(&p, "\x55\x55\x55", 3, true);
	ck_assert_int_eq(run_iso(p.b, p.n, &to_plc), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- against tshark -------------------------------------------------------- */

static bool tshark_field(const char *pcap, int frame, const char *field, char *out, size_t outsz)
{
	char args[256];
	size_t n;

	snprintf(args, sizeof(args), "-T fields -e %s", field);
	if (!pc_tshark_frame(pcap, frame, args, out, outsz))
		return false;
	/* our values have no trailing blanks */
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	return true;
}

START_TEST(test_against_tshark)
{
	static const struct {
		const char *pcap;
		int frame;
		const uint8_t *b;
		size_t n;
		const char *field;
		size_t obs_index;
	} cmp[] = {
		{"iti_s7comm_reading_setting_plc_time.pcap", 23, VEC(szl11_resp), "s7comm.szl.xy11.0001.anz", 1},
		{"iti_s7comm_reading_setting_plc_time.pcap", 32, VEC(szl1c_resp), "s7comm.szl.001c.0002.name", 1},
		{"iti_s7comm_reading_setting_plc_time.pcap", 21, VEC(szl_req), "s7comm.data.userdata.szl_id", 0},
		{"iti_s7comm_reading_setting_plc_time.pcap", 10, VEC(setup_ack), "s7comm.param.pdu_length", 2},
	};
	char line[512];

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		if (!tshark_field(cmp[i].pcap, cmp[i].frame, cmp[i].field, line, sizeof(line)))
			return; /* no tshark or no captures here */
		ck_assert_int_eq(run(cmp[i].b, cmp[i].n, &from_plc), HK_PARSE_OK);
		ck_assert_uint_gt(res.sink.n, cmp[i].obs_index);
		ck_assert_msg(strcmp(res.obs[cmp[i].obs_index].value, line) == 0, "%s frame %d %s: tshark '%s', we '%s'",
			      cmp[i].pcap, cmp[i].frame, cmp[i].field, line, res.obs[cmp[i].obs_index].value);
	}
}
END_TEST

static Suite *s7comm_suite(void)
{
	Suite *s = suite_create("proto_s7comm");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_setup);
	tcase_add_test(tc, test_download);
	tcase_add_test(tc, test_szl_real);
	tcase_add_test(tc, test_szl_all_records);
	tcase_add_test(tc, test_copyright);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_szl_counts);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_segmented);
	tcase_add_test(tc, test_cotp_connect);
	tcase_add_test(tc, test_s7commplus);
	tcase_add_test(tc, test_s7commplus_built);
	tcase_add_test(tc, test_nomatch);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(s7comm_suite());
}
