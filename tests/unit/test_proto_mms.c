/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MMS parser (src/proto/mms.c, with cotp.c and ber.c): real TPKTs from
 * the shared captures (session, presentation, ACSE and MMS) with their
 * exact observations, every truncated prefix of them, segmented PDUs (EOT
 * clear), Identify and GetNameList answers built from ISO 9506-2 (no shared
 * capture has one), lying lengths, name counts at 0, MAX and MAX+1, strings
 * with NUL and non-ASCII bytes, and bytes of other protocols (S7, WAP's
 * Multimedia Messaging, HTTP). Every input is an exactly-sized heap copy,
 * so a one-byte over-read is an AddressSanitizer report. Where tshark and
 * the captures are at hand a domain name is compared with tshark's reading.
 *
 * Captures: iti_Sample_File_MMS_and_GOOSE.pcap, iti_iec61850_get_name_list
 * .pcap, iti_m-send-req.mms.pcap (ITI/ICS-Security-Tools, CC-BY-4.0).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define MMS_NAMES_MAX 8 /* as in src/proto/mms.c */
#define MMS_LIST_MAX 64

/*
 * iti_Sample_File_MMS_and_GOOSE.pcap frame 110 (172.16.0.101 -> 172.16.202.5:102):
 * CONNECT with the presentation CP, the ACSE AARQ and the MMS initiate-
 * Request. tshark: localDetailCalling 64000, proposedMaxServOutstanding 10/10,
 * nesting 5, version 1.
 */
static const uint8_t initiate_req[] =
	"\x03\x00\x00\xa7" "\x02\xf0\x80"
	/* SPDU 0d CONNECT, LI 158; 05 06 connect/accept item {13 01 00 protocol
	 * options, 16 01 02 version 2}; 14 02 0002 requirements (duplex);
	 * 33 02 0001 calling SSEL; 34 02 0001 called SSEL; c1 88 user data (136) */
	"\x0d\x9e\x05\x06\x13\x01\x00\x16\x01\x02\x14\x02\x00\x02\x33\x02\x00\x01\x34\x02\x00\x01\xc1\x88"
	/* 31 81 85 CP-type SET: a0 03 {80 01 01} normal mode; a2 7e normal-mode-
	 * parameters: 81 04 calling PSEL, 82 04 called PSEL */
	"\x31\x81\x85\xa0\x03\x80\x01\x01\xa2\x7e\x81\x04\x00\x00\x00\x01\x82\x04\x00\x00\x00\x01"
	/* a4 23 context list: 1 = ACSE (2.2.1.0.1), 3 = MMS (1.0.9506.2.1), BER */
	"\xa4\x23\x30\x0f\x02\x01\x01\x06\x04\x52\x01\x00\x01\x30\x04\x06\x02\x51\x01"
	"\x30\x10\x02\x01\x03\x06\x05\x28\xca\x22\x02\x01\x30\x04\x06\x02\x51\x01"
	/* 88 02 presentation requirements; 61 47 fully-encoded-data: 30 45 PDV
	 * {02 01 01 context 1 (ACSE), a0 40 single-ASN1-type} */
	"\x88\x02\x06\x00\x61\x47\x30\x45\x02\x01\x01\xa0\x40"
	/* 60 3e AARQ: 80 02 protocol version; a1 07 {06 05 1.0.9506.2.3 MMS};
	 * be 2f user-information: 28 2d EXTERNAL {02 01 03 indirect reference,
	 * a0 28 single-ASN1-type} */
	"\x60\x3e\x80\x02\x07\x80\xa1\x07\x06\x05\x28\xca\x22\x02\x03\xbe\x2f\x28\x2d\x02\x01\x03\xa0\x28"
	/* a8 26 initiate-Request: 80 03 00fa00 localDetail 64000; 81 01 0a,
	 * 82 01 0a outstanding 10/10; 83 01 05 nesting; a4 16 detail {80 01 01
	 * version 1; 81 03 05 e100 parameter CBB; 82 0c 03 a0..e110 services} */
	"\xa8\x26\x80\x03\x00\xfa\x00\x81\x01\x0a\x82\x01\x0a\x83\x01\x05\xa4\x16\x80\x01\x01"
	"\x81\x03\x05\xe1\x00\x82\x0c\x03\xa0\x00\x00\x00\x00\x00\x00\x00\x00\xe1\x10";

/* frame 111: the IED's ACCEPT, CPA, AARE and initiate-Response */
static const uint8_t initiate_res[] =
	"\x03\x00\x00\x92" "\x02\xf0\x80"
	/* 0e 89 ACCEPT, LI 137; connect/accept item; requirements; c1 7b user data */
	"\x0e\x89\x05\x06\x13\x01\x00\x16\x01\x02\x14\x02\x00\x02\xc1\x7b"
	/* 31 79 CPA SET: mode; a2 72 {83 04 responding PSEL, a5 12 result list
	 * (acceptance, acceptance), 88 02 requirements, 61 52 user data} */
	"\x31\x79\xa0\x03\x80\x01\x01\xa2\x72\x83\x04\x00\x00\x00\x01"
	"\xa5\x12\x30\x07\x80\x01\x00\x81\x02\x51\x01\x30\x07\x80\x01\x00\x81\x02\x51\x01"
	"\x88\x02\x06\x00\x61\x52\x30\x50\x02\x01\x01\xa0\x4b"
	/* 61 49 AARE: version, context MMS, a2 result 0 accepted, a3 diagnostic,
	 * be 2e user-information: 28 2c {02 01 03, a0 27} */
	"\x61\x49\x80\x02\x07\x80\xa1\x07\x06\x05\x28\xca\x22\x02\x03\xa2\x03\x02\x01\x00"
	"\xa3\x05\xa1\x03\x02\x01\x00\xbe\x2e\x28\x2c\x02\x01\x03\xa0\x27"
	/* a9 25 initiate-Response: localDetail 32000, outstanding 10/8, nesting 5,
	 * version 1, CBB e100, services supported ee08..ed18 */
	"\xa9\x25\x80\x02\x7d\x00\x81\x01\x0a\x82\x01\x08\x83\x01\x05\xa4\x16\x80\x01\x01"
	"\x81\x03\x05\xe1\x00\x82\x0c\x03\xee\x08\x00\x00\x04\x00\x00\x00\x01\xed\x18";

/* frame 124: GetVariableAccessAttributes of AA1E1Q01FP2LD0 / LLN0$BR$rcb_B02.
 * tshark: domainId AA1E1Q01FP2LD0, itemId LLN0$BR$rcb_B02 */
static const uint8_t gvaa_req[] =
	"\x03\x00\x00\x42" "\x02\xf0\x80"
	/* 01 00 GIVE TOKENS, 01 00 DATA TRANSFER */
	"\x01\x00\x01\x00"
	/* 61 35 fully-encoded-data: 30 33 {02 01 03 context 3 (MMS), a0 2e} */
	"\x61\x35\x30\x33\x02\x01\x03\xa0\x2e"
	/* a0 2c confirmed-Request: 02 03 04a273 invokeID; a6 25 getVariable-
	 * AccessAttributes: a0 23 name: a1 21 domain-specific {1a 0e domainId,
	 * 1a 0f itemId} */
	"\xa0\x2c\x02\x03\x04\xa2\x73\xa6\x25\xa0\x23\xa1\x21"
	"\x1a\x0e" "AA1E1Q01FP2LD0" "\x1a\x0f" "LLN0$BR$rcb_B02";

/* frame 128: Read of the same variable */
static const uint8_t read_req[] =
	"\x03\x00\x00\x48" "\x02\xf0\x80" "\x01\x00\x01\x00"
	"\x61\x3b\x30\x39\x02\x01\x03\xa0\x34"
	/* a0 32 confirmed-Request: invokeID 04a274; a4 2b read: a1 29
	 * variableAccessSpecification: a0 27 listOfVariable: 30 25 {a0 23 name:
	 * a1 21 domain-specific} */
	"\xa0\x32\x02\x03\x04\xa2\x74\xa4\x2b\xa1\x29\xa0\x27\x30\x25\xa0\x23\xa1\x21"
	"\x1a\x0e" "AA1E1Q01FP2LD0" "\x1a\x0f" "LLN0$BR$rcb_B02";

/* frame 129: its answer, a read response whose one result is a failure (10) */
static const uint8_t read_res[] =
	"\x03\x00\x00\x22" "\x02\xf0\x80" "\x01\x00\x01\x00"
	"\x61\x15\x30\x13\x02\x01\x03\xa0\x0e"
	/* a1 0c confirmed-Response: invokeID; a4 05 read: a1 03 {80 01 0a} */
	"\xa1\x0c\x02\x03\x04\xa2\x74\xa4\x05\xa1\x03\x80\x01\x0a";

/* frame 126: a confirmed-ErrorPDU (a2: 80 invokeID, a2 serviceError) */
static const uint8_t error_res[] =
	"\x03\x00\x00\x22" "\x02\xf0\x80" "\x01\x00\x01\x00"
	"\x61\x15\x30\x13\x02\x01\x03\xa0\x0e"
	"\xa2\x0c\x80\x03\x04\xa2\x73\xa2\x05\xa0\x03\x87\x01\x02";

/* frames 136 and 138: conclude-Request (8b 00) and conclude-Response (8c 00) */
static const uint8_t conclude_req[] =
	"\x03\x00\x00\x16" "\x02\xf0\x80" "\x01\x00\x01\x00" "\x61\x09\x30\x07\x02\x01\x03\xa0\x02\x8b\x00";
static const uint8_t conclude_res[] =
	"\x03\x00\x00\x16" "\x02\xf0\x80" "\x01\x00\x01\x00" "\x61\x09\x30\x07\x02\x01\x03\xa0\x02\x8c\x00";

/* frame 139: FINISH (09) with an ACSE RLRQ (62) in its user data */
static const uint8_t finish[] =
	"\x03\x00\x00\x19" "\x02\xf0\x80" "\x09\x10\xc1\x0e\x61\x0c\x30\x0a\x02\x01\x01\xa0\x05\x62\x03\x80\x01\x01";

/*
 * frame 3 (172.16.201.2:102 -> client): an IEC 61850 report. The
 * informationReport's variable list is the vmd-specific "RPT", its first
 * value the RptID "AA1C1Q01A1LD0/LLN0$rcb_I02".
 */
static const uint8_t report[] =
	"\x03\x00\x00\xb3" "\x02\xf0\x80" "\x01\x00\x01\x00"
	"\x61\x81\xa5\x30\x81\xa2\x02\x01\x03\xa0\x81\x9c"
	/* a3 81 99 unconfirmed-PDU: a0 81 96 informationReport: a1 05 {80 03
	 * "RPT"} variableListName; a0 81 8c listOfAccessResult: 8a 1a RptID */
	"\xa3\x81\x99\xa0\x81\x96\xa1\x05\x80\x03" "RPT" "\xa0\x81\x8c\x8a\x1a" "AA1C1Q01A1LD0/LLN0$rcb_I02"
	/* 84 03 optional fields (bit string), 86 01 sequence number, 84 03
	 * inclusion bits, then a5 .. data values (structures of quality, time) */
	"\x84\x03\x06\x50\x00\x86\x01\x39\x84\x03\x05\x01\x00"
	"\xa2\x5d\xa2\x1d\xa2\x09\xa2\x07\x87\x05\x08\x3e\x5a\x95\xfc\x85\x01\x01\x84\x03\x03\x00\x00"
	"\x91\x08\x48\x80\x8d\xc9\x8a\x7e\xfa\x0a\xa2\x1d\xa2\x09\xa2\x07\x87\x05\x08\x3d\xfe\x7e\x22"
	"\x85\x01\x01\x84\x03\x03\x00\x00\x91\x08\x48\x80\x8d\xc4\xa3\x53\xf8\x0a\xa2\x1d\xa2\x09\xa2"
	"\x07\x87\x05\x08\x3e\x5b\xee\xd4\x85\x01\x00\x84\x03\x03\x00\x00\x91\x08\x48\x80\x8d\xce\xa4"
	"\x9b\xa6\x0a\x84\x02\x02\x40";

/*
 * iti_iec61850_get_name_list.pcap frame 8: a libiec61850 client's CONNECT
 * (initiate-Request: localDetail 30000, outstanding 1000/1000, nesting 5,
 * CBB fb00, every service bit set).
 */
static const uint8_t gnl_connect[] =
	"\x03\x00\x00\xbb" "\x02\xf0\x80"
	"\x0d\xb2\x05\x06\x13\x01\x00\x16\x01\x02\x14\x02\x00\x02\x33\x02\x00\x01\x34\x02\x00\x01\xc1\x9c"
	"\x31\x81\x99\xa0\x03\x80\x01\x01\xa2\x81\x91\x81\x04\x00\x00\x00\x01\x82\x04\x00\x00\x00\x01"
	"\xa4\x23\x30\x0f\x02\x01\x01\x06\x04\x52\x01\x00\x01\x30\x04\x06\x02\x51\x01"
	"\x30\x10\x02\x01\x03\x06\x05\x28\xca\x22\x02\x01\x30\x04\x06\x02\x51\x01"
	"\x88\x02\x06\x00\x61\x5a\x30\x58\x02\x01\x01\xa0\x53"
	/* AARQ with called AP title 1.3.9999.2 and AE qualifier 23 */
	"\x60\x51\x80\x02\x07\x80\xa1\x07\x06\x05\x28\xca\x22\x02\x03\xa2\x06\x06\x04\x2b\xce\x0f\x02"
	"\xa3\x03\x02\x01\x17\xbe\x35\x28\x33\x06\x02\x51\x01\x02\x01\x03\xa0\x2a"
	"\xa8\x28\x80\x02\x75\x30\x81\x02\x03\xe8\x82\x02\x03\xe8\x83\x01\x05\xa4\x17\x80\x01\x01"
	"\x81\x03\x05\xfb\x00\x82\x0d\x03\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00";

/* frame 12: GetNameList(named variables, vmd-specific): names nothing */
static const uint8_t gnl_req_vmd[] =
	"\x03\x00\x00\x24" "\x02\xf0\x80" "\x01\x00\x01\x00"
	"\x61\x17\x30\x15\x02\x01\x03\xa0\x10"
	/* a0 0e: invokeID 0; a1 09 getNameList {a0 03 {80 01 00} class 0,
	 * a1 02 {80 00} vmd-specific} */
	"\xa0\x0e\x02\x01\x00\xa1\x09\xa0\x03\x80\x01\x00\xa1\x02\x80\x00";

/* iti_m-send-req.mms.pcap frame 5: HTTP carrying WAP's "MMS", the
 * Multimedia Messaging Service (m-send-req 8c 80): not ISO 9506 */
static const uint8_t wap_http[] = "HTTP/1.1 200 Okay\r\nConnection: close\r\n"
				  "Content-Type: application/vnd.wap.mms-message\r\n\r\n";
static const uint8_t wap_body[] = "\x8c\x80\x98\x41\x42\x43\x00\x8d\x90\x89\x01\x81\x97\x2b\x33\x39";


static struct pc_result res;
static const struct hk_parse_ctx to_ied = {.l4 = 6, .sport = 1345, .dport = 102, .ndpi = "s7comm"};
static const struct hk_parse_ctx from_ied = {.l4 = 6, .sport = 102, .dport = 1345, .ndpi = "s7comm"};

static enum hk_parse_result run_with(hk_parse_fn fn, const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(fn, bytes, n, ctx, &res);
}

static enum hk_parse_result run(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return run_with(proto_mms_parse, bytes, n, ctx);
}

#define EXPECT_SIDE(i, k, sd, conf, src, val) PC_EXPECT(&res, i, k, sd, conf, src, val)
#define EXPECT(i, k, conf, src, val) EXPECT_SIDE(i, k, HK_SIDE_SRC, conf, src, val)

/* ---- a BER builder for the synthetic PDUs -------------------------------- */

static void str(struct pc_buf *p, unsigned tag, const char *s)
{
	pc_put_ber(p, tag, s, strlen(s));
}

/* an MMS PDU in PDV (context 3), fully-encoded-data, GT + DT, COTP DT, TPKT */
static void data_tpkt(struct pc_buf *out, const struct pc_buf *mms, bool eot)
{
	struct pc_buf a = {.n = 0}, pdv = {.n = 0}, fed = {.n = 0};
	size_t n;

	pc_put(&pdv, "\x02\x01\x03", 3);
	pc_put_ber(&pdv, 0xa0, mms->b, mms->n);
	pc_put_ber(&a, 0x30, pdv.b, pdv.n);
	pc_put_ber(&fed, 0x61, a.b, a.n);
	n = 7 + 4 + fed.n;
	out->n = 0;
	pc_put(out, "\x03\x00", 2);
	pc_put8(out, (unsigned)(n >> 8));
	pc_put8(out, (unsigned)(n & 0xff));
	pc_put8(out, 2);
	pc_put8(out, 0xf0);
	pc_put8(out, eot ? 0x80 : 0);
	pc_put(out, "\x01\x00\x01\x00", 4);
	pc_put(out, fed.b, fed.n);
}

/* confirmed-Response { invokeID 7, service } */
static void response(struct pc_buf *mms, const struct pc_buf *service)
{
	struct pc_buf c = {.n = 0};

	pc_put(&c, "\x02\x01\x07", 3);
	pc_put(&c, service->b, service->n);
	mms->n = 0;
	pc_put_ber(mms, 0xa1, c.b, c.n);
}

static void identify_answer(struct pc_buf *tpkt, const char *vendor, const char *model, const char *rev)
{
	struct pc_buf id = {.n = 0}, svc = {.n = 0}, mms;

	if (vendor)
		str(&id, 0x80, vendor);
	if (model)
		str(&id, 0x81, model);
	if (rev)
		str(&id, 0x82, rev);
	pc_put_ber(&svc, 0xa2, id.b, id.n);
	response(&mms, &svc);
	data_tpkt(tpkt, &mms, true);
}

static void name_list_answer(struct pc_buf *tpkt, const char *const *names, size_t n_names)
{
	struct pc_buf l = {.n = 0}, g = {.n = 0}, svc = {.n = 0}, mms;

	for (size_t i = 0; i < n_names; i++)
		str(&l, 0x1a, names[i]);
	pc_put_ber(&g, 0xa0, l.b, l.n);
	pc_put(&g, "\x81\x01\x00", 3); /* moreFollows FALSE */
	pc_put_ber(&svc, 0xa1, g.b, g.n);
	response(&mms, &svc);
	data_tpkt(tpkt, &mms, true);
}

/* ---- real PDUs ------------------------------------------------------------ */

START_TEST(test_initiate)
{
	ck_assert_int_eq(run(VEC(initiate_req), &to_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, 50, "mms.role", "client");
	EXPECT(1, HK_OBS_RAW, 50, "mms.initiate", "detail=64000;serv=10,10;nest=5;ver=1;cbb=e100;svc=a00000000000000000e110");

	ck_assert_int_eq(run(VEC(initiate_res), &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "mms.role", "server");
	EXPECT(1, HK_OBS_ROLE, 60, "mms.server", "ied");
	EXPECT(2, HK_OBS_RAW, 50, "mms.initiate", "detail=32000;serv=10,8;nest=5;ver=1;cbb=e100;svc=ee0800000400000001ed18");

	ck_assert_int_eq(run(VEC(gnl_connect), &to_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(1, HK_OBS_RAW, 50, "mms.initiate",
	       "detail=30000;serv=1000,1000;nest=5;ver=1;cbb=fb00;svc=ffffffffffffffffffffff00");

	/* through the port-102 entry point */
	ck_assert_int_eq(run_with(proto_iso_parse, VEC(initiate_res), &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
}
END_TEST

START_TEST(test_requests_and_answers)
{
	/* the domain a client names is the server's logical device */
	ck_assert_int_eq(run(VEC(gvaa_req), &to_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT_SIDE(0, HK_OBS_RAW, HK_SIDE_DST, 50, "mms.ld", "AA1E1Q01FP2LD0");
	ck_assert_int_eq(run(VEC(read_req), &to_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT_SIDE(0, HK_OBS_RAW, HK_SIDE_DST, 50, "mms.ld", "AA1E1Q01FP2LD0");

	ck_assert_int_eq(run(VEC(read_res), &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_ROLE, 60, "mms.server", "ied");
	ck_assert_int_eq(run(VEC(error_res), &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_ROLE, 60, "mms.server", "ied");

	ck_assert_int_eq(run(VEC(conclude_req), &to_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run(VEC(conclude_res), &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_int_eq(run(VEC(finish), &to_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run(VEC(gnl_req_vmd), &to_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	ck_assert_int_eq(run(VEC(report), &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_ROLE, 60, "mms.server", "ied");
	EXPECT(1, HK_OBS_RAW, 50, "mms.rptid", "AA1C1Q01A1LD0/LLN0$rcb_I02");
}
END_TEST

/* Identify (ISO 9506-2: Identify-Response) built from the spec */
START_TEST(test_identify)
{
	struct pc_buf p, mms = {.n = 0};

	/* the request: confirmed-Request { 02 01 07, 82 00 identify } */
	pc_put_ber(&mms, 0xa0, "\x02\x01\x07\x82\x00", 5);
	data_tpkt(&p, &mms, true);
	ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "mms.request", "identify");

	identify_answer(&p, "ABB", "REF615", "5.0 FP1");
	ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_ROLE, 60, "mms.server", "ied");
	EXPECT(1, HK_OBS_VENDOR, 90, "mms.identify.vendor", "ABB");
	EXPECT(2, HK_OBS_MODEL, 90, "mms.identify.model", "REF615");
	EXPECT(3, HK_OBS_FIRMWARE, 85, "mms.identify.revision", "5.0 FP1");

	/* NUL and non-ASCII bytes are escaped */
	{
		struct pc_buf id = {.n = 0}, svc = {.n = 0};
		pc_put_ber(&id, 0x80, "Vend\x00or", 7);
		pc_put_ber(&id, 0x81, "M\xc3\xbc\\", 4);
		pc_put_ber(&id, 0x82, "", 0);
		pc_put(&id, "\xa3\x02\x06\x00", 4); /* listOfAbstractSyntaxes */
		pc_put_ber(&svc, 0xa2, id.b, id.n);
		response(&mms, &svc);
		data_tpkt(&p, &mms, true);
		ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_OK);
		/* an empty revision is not said */
		ck_assert_uint_eq(res.sink.n, 3);
		EXPECT(1, HK_OBS_VENDOR, 90, "mms.identify.vendor", "Vend\\x00or");
		EXPECT(2, HK_OBS_MODEL, 90, "mms.identify.model", "M\\xc3\\xbc\\\\");
	}

	/* the three strings are mandatory */
	identify_answer(&p, "ABB", "REF615", NULL);
	ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a constructed vendor name */
	{
		struct pc_buf id = {.n = 0}, svc = {.n = 0};
		pc_put_ber(&id, 0xa0, "\x1a\x01x", 3);
		str(&id, 0x81, "m");
		str(&id, 0x82, "r");
		pc_put_ber(&svc, 0xa2, id.b, id.n);
		response(&mms, &svc);
		data_tpkt(&p, &mms, true);
		ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_MALFORMED);
		ck_assert_uint_eq(res.sink.n, 0);
	}
}
END_TEST

START_TEST(test_name_lists)
{
	static const char *const lds[] = {"IED1LD0", "IED1PROT", "IED1LD0", "IED1CTRL"};
	static const char *const vars[] = {"LLN0", "LLN0$ST", "MMXU1$MX$TotW"};
	char names[MMS_LIST_MAX + 2][16];
	const char *ptr[MMS_LIST_MAX + 2];
	struct pc_buf p;

	name_list_answer(&p, lds, 4);
	ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_ROLE, 60, "mms.server", "ied");
	EXPECT(1, HK_OBS_RAW, 50, "mms.ld", "IED1LD0");
	EXPECT(2, HK_OBS_RAW, 50, "mms.ld", "IED1PROT");
	EXPECT(3, HK_OBS_RAW, 50, "mms.ld", "IED1CTRL"); /* the duplicate once */

	/* a list with a '$' in it names variables, not domains */
	name_list_answer(&p, vars, 3);
	ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* 0 names */
	name_list_answer(&p, lds, 0);
	ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* MAX and MAX + 1 distinct names: MAX are said */
	for (size_t i = 0; i < MMS_LIST_MAX + 2; i++) {
		snprintf(names[i], sizeof(names[i]), "LD%zu", i);
		ptr[i] = names[i];
	}
	name_list_answer(&p, ptr, MMS_NAMES_MAX);
	ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1 + MMS_NAMES_MAX);
	name_list_answer(&p, ptr, MMS_NAMES_MAX + 1);
	ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1 + MMS_NAMES_MAX);
	EXPECT(MMS_NAMES_MAX, HK_OBS_RAW, 50, "mms.ld", "LD7");
	/* more names than the walk reads: the rest is not looked at */
	snprintf(names[MMS_LIST_MAX], sizeof(names[0]), "X$Y");
	name_list_answer(&p, ptr, MMS_LIST_MAX + 1);
	ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1 + MMS_NAMES_MAX);

	/* a GetNameList request with a domain scope names a domain */
	{
		struct pc_buf mms = {.n = 0}, g = {.n = 0}, c = {.n = 0};
		pc_put(&g, "\xa0\x03\x80\x01\x00", 5);
		pc_put_ber(&g, 0xa1, "\x81\x07IED1LD0", 9);
		pc_put(&c, "\x02\x01\x01", 3);
		pc_put_ber(&c, 0xa1, g.b, g.n);
		pc_put_ber(&mms, 0xa0, c.b, c.n);
		data_tpkt(&p, &mms, true);
		ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 1);
		EXPECT_SIDE(0, HK_OBS_RAW, HK_SIDE_DST, 50, "mms.ld", "IED1LD0");
	}
}
END_TEST

/* Every prefix of each real TPKT: the TPKT says it is not all here. */
START_TEST(test_truncated_prefixes)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} vec[] = {{VEC(initiate_req)}, {VEC(initiate_res)}, {VEC(gvaa_req)}, {VEC(read_req)},
		   {VEC(read_res)},     {VEC(error_res)},    {VEC(report)},   {VEC(gnl_connect)},
		   {VEC(finish)},       {VEC(conclude_res)}};
	struct pc_buf p;

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		ck_assert_int_eq(run(vec[v].b, vec[v].n, &from_ied), HK_PARSE_OK);
		pc_every_prefix(proto_mms_parse, vec[v].b, vec[v].n, &from_ied, PC_TRUNCATED, false, "vector %zu", v);
		/* the same user data cut, in a TPDU that says more follows (EOT
		 * clear): TRUNCATED, nothing said; with EOT set it contradicts
		 * its own lengths */
		for (size_t k = 1; k + 7 < vec[v].n; k++) {
			size_t n = k + 7;
			p.n = 0;
			pc_put(&p, vec[v].b, n);
			p.b[2] = (uint8_t)(n >> 8);
			p.b[3] = (uint8_t)(n & 0xff);
			p.b[6] = 0x00;
			ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_TRUNCATED);
			ck_assert_uint_eq(res.sink.n, 0);
			p.b[6] = 0x80;
			if (run(p.b, p.n, &from_ied) == HK_PARSE_OK) {
				/* only a session SPDU on its own (GIVE TOKENS) is whole */
				ck_assert_uint_eq(res.sink.n, 0);
				ck_assert_uint_le(k, 2);
			}
		}
	}
}
END_TEST

START_TEST(test_lying_lengths)
{
	struct pc_buf p;

	/* an inner BER length past its parent */
	p.n = 0;
	pc_put(&p, VEC(gvaa_req));
	ck_assert_uint_eq(p.b[33], 0x1a);
	p.b[34] = 0x7f; /* the domainId's length */
	ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the fully-encoded-data's length past the TPDU */
	p.n = 0;
	pc_put(&p, VEC(gvaa_req));
	p.b[12] = 0x40;
	ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_MALFORMED);
	/* the indefinite form */
	p.b[12] = 0x80;
	ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_MALFORMED);
	/* a five-octet length */
	p.b[12] = 0x85;
	ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_MALFORMED);
	/* the CONNECT's LI past the TPDU, and its user data parameter */
	p.n = 0;
	pc_put(&p, VEC(initiate_req));
	p.b[8] = 0xb0;
	ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_MALFORMED);
	p.b[8] = 0x9e;
	p.b[30] = 0x99; /* c1 88 -> c1 99 */
	ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the EXTERNAL's MMS PDU longer than the EXTERNAL */
	p.n = 0;
	pc_put(&p, VEC(initiate_res));
	ck_assert_uint_eq(p.b[107], 0xa9);
	p.b[108] = 0x30;
	ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a PDV without its context identifier */
	{
		struct pc_buf mms = {.n = 0}, pdv = {.n = 0}, a = {.n = 0}, fed = {.n = 0};
		pc_put_ber(&mms, 0xa0, "\x02\x01\x07\x82\x00", 5);
		pc_put_ber(&pdv, 0xa0, mms.b, mms.n);
		pc_put_ber(&a, 0x30, pdv.b, pdv.n);
		pc_put_ber(&fed, 0x61, a.b, a.n);
		p.n = 0;
		pc_put(&p, "\x03\x00\x00\x00\x02\xf0\x80\x01\x00\x01\x00", 11);
		pc_put(&p, fed.b, fed.n);
		p.b[3] = (uint8_t)p.n;
		ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_MALFORMED);
	}
}
END_TEST

START_TEST(test_nomatch)
{
	struct hk_parse_ctx udp = from_ied;
	struct pc_buf p, mms = {.n = 0};

	udp.l4 = 17;
	ck_assert_int_eq(run(VEC(report), &udp), HK_PARSE_NOMATCH);
	/* HTTP carrying WAP MMS, and the WAP MMS body in a TPDU */
	ck_assert_int_eq(run(VEC(wap_http), &from_ied), HK_PARSE_NOMATCH);
	p.n = 0;
	pc_put(&p, "\x03\x00\x00\x17\x02\xf0\x80", 7);
	pc_put(&p, VEC(wap_body));
	ck_assert_int_eq(run(p.b, p.n, &from_ied), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run_with(proto_iso_parse, p.b, p.n, &from_ied), HK_PARSE_NOMATCH);
	/* S7 in the TPDU, a CR */
	ck_assert_int_eq(run("\x03\x00\x00\x11\x02\xf0\x80\x32\x01\x00\x00\x02\x00\x00\x00\x00\x00", 17, &to_ied),
			 HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x01\x00", 11, &to_ied), HK_PARSE_NOMATCH);
	/* a PDV whose value is no MMS PDU (context tag 20) */
	pc_put_ber(&mms, 0xb4, "\x02\x01\x07", 3);
	data_tpkt(&p, &mms, true);
	ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_NOMATCH);
	/* simply-encoded-data, not fully */
	p.n = 0;
	pc_put(&p, "\x03\x00\x00\x10\x02\xf0\x80\x01\x00\x01\x00\x40\x03\x01\x02\x03", 16);
	ck_assert_int_eq(run(p.b, p.n, &to_ied), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- against tshark -------------------------------------------------------- */

START_TEST(test_against_tshark)
{
	char line[256];

	if (!pc_tshark_frame("iti_Sample_File_MMS_and_GOOSE.pcap", 124, "-T fields -e mms.domainId", line,
			     sizeof(line)))
		return; /* no tshark or no captures here: nothing to compare */
	ck_assert_int_eq(run(VEC(gvaa_req), &to_ied), HK_PARSE_OK);
	ck_assert_str_eq(res.obs[0].value, line);
}
END_TEST

static Suite *mms_suite(void)
{
	Suite *s = suite_create("proto_mms");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_initiate);
	tcase_add_test(tc, test_requests_and_answers);
	tcase_add_test(tc, test_identify);
	tcase_add_test(tc, test_name_lists);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_nomatch);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(mms_suite());
}
