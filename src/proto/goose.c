/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IEC 61850 GOOSE (Generic Object Oriented Substation Event): the IED that
 * publishes it, and the names of its control block and data set.
 *
 * References: IEC 61850-8-1:2011 (Ed. 2) Annex A (A.1 Ethertype 0x88B8,
 * A.2 the header: APPID, Length counting from APPID to the end of the APDU,
 * Reserved 1 whose bit 15 is "Simulate" in Ed. 2, Reserved 2; A.3 IECGoosePdu
 * ::= [APPLICATION 1] IMPLICIT SEQUENCE { gocbRef [0] VisibleString,
 * timeAllowedtoLive [1] INTEGER, datSet [2] VisibleString, goID [3]
 * VisibleString OPTIONAL, t [4] UtcTime (8 octets), stNum [5], sqNum [6],
 * simulation [7] BOOLEAN (test in Ed. 1), confRev [8], ndsCom [9] BOOLEAN,
 * numDatSetEntries [10] INTEGER, allData [11] SEQUENCE OF Data, security
 * [12] OPTIONAL }); IEC 61850-7-2 (object references: "LDName/LNName$FC$..."
 * where the logical-device name is the IED name followed by the LD instance
 * unless an ldName is configured); ITU-T X.690 (BER, ber.c).
 *
 *   | APPID 2 | Length 2 | Reserved 1 (S bit 15) | Reserved 2 |
 *   | 61 L { 80 gocbRef | 81 TAL | 82 datSet | [83 goID] | 84 08 t |
 *   |        85 stNum | 86 sqNum | 87 01 simulation | 88 confRev |
 *   |        89 01 ndsCom | 8a numDatSetEntries | ab L { Data ... } | [8c] } |
 *   | (Ethernet padding) |
 *
 * Identity direction: GOOSE is published, never asked for: the sender (SRC,
 * a multicast frame's source MAC) is the IED. A frame marked simulated
 * (Ed. 2 simulation flag or the Simulate bit) comes from a test set
 * standing in for an IED, so it says "simulation" and not "ied".
 *
 * Emitted (SRC): goose.gocbref RAW 50, goose.datset RAW 50, goose.goid RAW
 * 50, goose.publisher ROLE 70 "ied" (not simulated), goose.simulation RAW 50
 * "true" (simulated). Not emitted: a hostname from the gocbRef. Its
 * logical-device part ("AA1C1Q01A1LD0") is the IED name with the LD
 * instance appended and no separator, so the IED name cannot be cut out of
 * it reliably; the whole reference is kept for analysts instead.
 *
 * Hostile input this defends against: the Length must cover the header and
 * fit the frame (the rest is padding, not read); the PDU is a sub-cursor
 * of its length and each field of its own (ber.c); fields must come in
 * ascending tag order, each at most once, with the types and sizes of A.3,
 * and all mandatory ones present, or the PDU is MALFORMED and says
 * nothing; allData's elements are walked as TLVs (values not decoded), at
 * most GOOSE_DATA_MAX of them: beyond that the rest is not read. A
 * numDatSetEntries that disagrees with allData is tolerated (the data set
 * size is not identity). Not-layer-2 calls are NOMATCH.
 */
#include <stdio.h>
#include <string.h>

#include "proto/ber.h"
#include "proto/proto.h"

#define GOOSE_ETHERTYPE 0x88b8
#define GOOSE_HDR_LEN 8
#define GOOSE_PDU_TAG 1          /* [APPLICATION 1] */
#define GOOSE_FIELDS_MAX 13      /* tags 0..12 */
#define GOOSE_DATA_MAX 1024      /* allData elements walked */
#define GOOSE_UTC_LEN 8
#define GOOSE_SIMULATE_BIT 0x8000 /* Reserved 1, Ed. 2 */
#define CONF_RAW 50
#define CONF_PUBLISHER 70

enum goose_field {
	GF_GOCBREF = 0,
	GF_TAL = 1,
	GF_DATSET = 2,
	GF_GOID = 3,
	GF_T = 4,
	GF_STNUM = 5,
	GF_SQNUM = 6,
	GF_SIMULATION = 7,
	GF_CONFREV = 8,
	GF_NDSCOM = 9,
	GF_NUM_ENTRIES = 10,
	GF_ALLDATA = 11,
	GF_SECURITY = 12,
};

/* all but goID and security */
#define GOOSE_MANDATORY                                                                                       \
	((1u << GF_GOCBREF) | (1u << GF_TAL) | (1u << GF_DATSET) | (1u << GF_T) | (1u << GF_STNUM) |          \
	 (1u << GF_SQNUM) | (1u << GF_SIMULATION) | (1u << GF_CONFREV) | (1u << GF_NDSCOM) |                 \
	 (1u << GF_NUM_ENTRIES) | (1u << GF_ALLDATA))

struct goose_pdu {
	char gocbref[HK_OBS_VALUE_MAX], datset[HK_OBS_VALUE_MAX], goid[HK_OBS_VALUE_MAX];
	bool simulation;
	unsigned seen;
};

static bool goose_field(struct ber_tlv *t, struct goose_pdu *g)
{
	uint32_t x;

	switch (t->tag) {
	case GF_GOCBREF:
		return !t->cons && hk_cur_str(&t->val, hk_cur_left(&t->val), g->gocbref, sizeof(g->gocbref));
	case GF_DATSET:
		return !t->cons && hk_cur_str(&t->val, hk_cur_left(&t->val), g->datset, sizeof(g->datset));
	case GF_GOID:
		return !t->cons && hk_cur_str(&t->val, hk_cur_left(&t->val), g->goid, sizeof(g->goid));
	case GF_TAL:
	case GF_STNUM:
	case GF_SQNUM:
	case GF_CONFREV:
	case GF_NUM_ENTRIES:
		return !t->cons && ber_uint32(&t->val, &x);
	case GF_T:
		return !t->cons && hk_cur_left(&t->val) == GOOSE_UTC_LEN;
	case GF_SIMULATION:
	case GF_NDSCOM:
		if (t->cons || hk_cur_left(&t->val) != 1)
			return false;
		if (t->tag == GF_SIMULATION)
			g->simulation = hk_cur_u8(&t->val) != 0;
		return true;
	case GF_ALLDATA:
		if (!t->cons)
			return false;
		for (int i = 0; i < GOOSE_DATA_MAX && hk_cur_left(&t->val); i++) {
			struct ber_tlv d;
			if (!ber_next(&t->val, &d) || d.cls != BER_CONTEXT)
				return false;
		}
		return true;
	case GF_SECURITY:
		return true;
	default:
		return false;
	}
}

enum hk_parse_result proto_goose_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct goose_pdu g;
	struct hk_cur pdu;
	struct ber_tlv apdu, t;
	uint16_t len, res1;
	int last = -1;

	if (ctx->l4 != 0 || (ctx->ethertype && ctx->ethertype != GOOSE_ETHERTYPE))
		return HK_PARSE_NOMATCH;
	hk_cur_skip(c, 2); /* APPID */
	len = hk_cur_be16(c);
	res1 = hk_cur_be16(c);
	hk_cur_skip(c, 2);
	if (c->err)
		return HK_PARSE_TRUNCATED;
	if (len < GOOSE_HDR_LEN)
		return HK_PARSE_MALFORMED;
	pdu = hk_cur_sub(c, (size_t)len - GOOSE_HDR_LEN);
	if (pdu.err)
		return HK_PARSE_TRUNCATED; /* a snapshot cut the frame */
	if (!ber_next(&pdu, &apdu))
		return HK_PARSE_MALFORMED; /* the length said the PDU is all here */
	if (!ber_is(&apdu, BER_APPLICATION, true, GOOSE_PDU_TAG))
		return HK_PARSE_MALFORMED;
	memset(&g, 0, sizeof(g));
	for (int i = 0; i < GOOSE_FIELDS_MAX && hk_cur_left(&apdu.val); i++) {
		if (!ber_next(&apdu.val, &t) || t.cls != BER_CONTEXT || (int)t.tag <= last || t.tag > GF_SECURITY)
			return HK_PARSE_MALFORMED;
		last = (int)t.tag;
		if (!goose_field(&t, &g))
			return HK_PARSE_MALFORMED;
		g.seen |= 1u << t.tag;
	}
	if (hk_cur_left(&apdu.val) || (g.seen & GOOSE_MANDATORY) != GOOSE_MANDATORY)
		return HK_PARSE_MALFORMED;
	if (res1 & GOOSE_SIMULATE_BIT)
		g.simulation = true;

	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "goose.gocbref", g.gocbref);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "goose.datset", g.datset);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "goose.goid", g.goid);
	if (g.simulation)
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "goose.simulation", "true");
	else
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, CONF_PUBLISHER, "goose.publisher", "ied");
	return HK_PARSE_OK;
}
