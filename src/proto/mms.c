/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MMS (Manufacturing Message Specification, IEC 61850-8-1's client/server
 * protocol; also ICCP/TASE.2): what an IED says it is when a client asks
 * (Identify), which end is the server, and the names of its logical devices.
 *
 * References:
 *   ISO 9506-1:2003 and ISO 9506-2:2003 (MMS services and protocol; 9506-2
 *   clause 7 and annex: MMSpdu, Initiate-RequestPDU/ResponsePDU, Confirmed-
 *   Request/Response, Identify-Response {vendorName [0], modelName [1],
 *   revision [2]}, GetNameList, Read, Write, GetVariableAccessAttributes,
 *   InformationReport, ObjectName, Data); IEC 61850-8-1:2011 8.1.3.2.4 and
 *   17.2 (reports: the named variable list "RPT", RptID the first value);
 *   ISO 8327-1:1997 = ITU-T X.225 (session: SPDU = SI, LI, parameters;
 *   CONNECT 13, ACCEPT 14, GIVE TOKENS/DATA TRANSFER 1, FINISH 9, DISCONNECT
 *   10, REFUSE 12, ABORT 25; User Data PI 193, Extended User Data PGI 194;
 *   LI one octet, or 0xff and two); ISO 8823-1:1994 = ITU-T X.226
 *   (presentation: CP-type and CPA-PPDU are SETs with normal-mode-parameters
 *   [2], whose User-data is fully-encoded-data [APPLICATION 1], a SEQUENCE
 *   OF PDV-list {transfer-syntax-name OID OPTIONAL, presentation-context-
 *   identifier INTEGER, single-ASN1-type [0] | octet-aligned [1] |
 *   arbitrary [2]}); ISO 8650-1:1996 = ITU-T X.227 (ACSE: AARQ
 *   [APPLICATION 0], AARE [APPLICATION 1], user-information [30] holding
 *   EXTERNALs whose encoding is the MMS PDU); ITU-T X.690 (BER, ber.c);
 *   transport: RFC 1006 / ISO 8073 (cotp.c).
 *
 *   COTP DT user data:
 *     data phase: | 01 00 (GIVE TOKENS) | 01 00 (DATA TRANSFER) |
 *                 61 L { 30 L { 02 01 ctx | a0 L { MMS PDU } } }
 *     connect:    | 0d/0e LI | PI/PGI ... | c1 LEN { 31 L (CP/CPA) {
 *                   a0 mode | a2 L { ... 61 L { 30 { 02 01 01 | a0 {
 *                   60/61 L (AARQ/AARE) { ... be L { 28 L { 06 .. | 02 01 03 |
 *                   a0 L { a8/a9 initiate PDU } } } } } } } } } } |
 *   MMS PDU (context tags): a0 confirmed-Request { 02 invokeID | [30
 *   modifiers] | service }, a1 confirmed-Response { 02 invokeID | service },
 *   a2 confirmed-Error, a3 unconfirmed, a8 initiate-Request, a9 initiate-
 *   Response, aa initiate-Error, 8b/8c/ad conclude, a4 reject, 85-a7 cancel.
 *     identify:  request 82 00; response a2 { 80 vendor | 81 model | 82 revision | [a3] }
 *     getNameList: request a1 { a0 class | a1 { 80 vmd | 81 domainId | 82 aa } | [82] }
 *                  response a1 { a0 { 1a name ... } | [81 moreFollows] }
 *     read a4 { [80] | a1 { a0 listOfVariable | a1 { variableListName } } }
 *     write a5 { a0/a1 variableAccessSpecification | a0 data }
 *     getVariableAccessAttributes a6 { a0 { ObjectName } }
 *     getNamedVariableListAttributes ac { ObjectName }
 *     ObjectName: 80 vmd-specific | a1 { 1a domainId | 1a itemId } | 82 aa-specific
 *     informationReport a3 { a0 { a1 { 80 "RPT" } | a0 { 8a RptID | ... } } }
 *     initiate a8/a9 { 80 localDetail | 81 maxServOutstanding calling |
 *       82 called | 83 nesting | a4 { 80 version | 81 parameterCBB bits |
 *       82 servicesSupported bits } }
 *
 * How the MMS PDU is found: the session SPDU's type says where the
 * presentation PPDU is (the rest after GIVE TOKENS + DATA TRANSFER, or the
 * User Data parameter of CONNECT/ACCEPT); the presentation and ACSE layers
 * are walked on their fixed paths, never searched byte by byte: the first
 * PRES_PDV_MAX PDV-lists, in each the value of any presentation context
 * (the MMS context is usually 3, ACSE 1, but the number is negotiated, so
 * the first TLV's class decides: APPLICATION is ACSE, context-specific is
 * MMS), in ACSE the user-information's first ACSE_EXTERNALS_MAX EXTERNALs.
 *
 * Identity direction: the PDU says who is who. An initiate-Request or
 * confirmed-Request comes from the client; an initiate-Response,
 * confirmed-Response or -Error, conclude-Response or an informationReport
 * from the server, which in IEC 61850 is the IED (in ICCP a control centre:
 * the "ied" role is a guess of 60 for that reason). Observations are about
 * the sender (SRC), except the domain names a client's request names: they
 * are the server's logical devices (DST).
 *
 * Emitted (source -> kind confidence): mms.role RAW 50 "client"/"server"
 * (initiate), mms.server ROLE 60 "ied", mms.initiate RAW 50 (a fingerprint
 * of the initiate parameters: local detail, outstanding requests, nesting,
 * version, parameter CBB and services-supported bits in hex),
 * mms.request RAW 50 "identify" (the client asked), mms.identify.vendor
 * VENDOR 90, mms.identify.model MODEL 90, mms.identify.revision FIRMWARE 85,
 * mms.ld RAW 50 (domain = logical-device names, at most MMS_NAMES_MAX a
 * PDU: domainIds in requests (DST), in reports (SRC), and GetNameList
 * answers whose names have no '$': an answer listing variables or lists
 * always has one, a list of domains never; a stateless parser cannot see
 * the request that said which), mms.rptid RAW 50 (the RptID of a report,
 * by default the report control block's reference "LD/LLN0$BR$name").
 *
 * Hostile input this defends against: every session length and BER length
 * is a sub-cursor (ber.c refuses indefinite and over-long lengths); the
 * session parameters (SES_PARAMS_MAX), presentation and ACSE elements
 * (PRES_ELEMENTS_MAX), PDV-lists (PRES_PDV_MAX), EXTERNALs
 * (ACSE_EXTERNALS_MAX), variables in a list and names in an answer
 * (MMS_LIST_MAX) are bounded, and at most MMS_NAMES_MAX names are kept;
 * bit strings show at most MMS_BITSTRING_MAX bytes; nesting follows the
 * fixed paths above, so it is bounded by construction. Whatever is found is
 * said only when the whole PPDU was read without a contradiction: a
 * MALFORMED PDU says nothing. A TPDU with EOT clear holds part of an MMS
 * PDU that this parser does not reassemble: TRUNCATED, nothing said. Bytes
 * that are not a session SPDU we know, or a PDV whose value is neither
 * ACSE nor MMS (another OSI application, or MMS-the-MMS-encapsulation of
 * WAP, which is not ISO 9506), are NOMATCH.
 */
#include <stdio.h>
#include <string.h>

#include "proto/ber.h"
#include "proto/cotp.h"
#include "proto/proto.h"

#define SES_PARAMS_MAX 16
#define PRES_ELEMENTS_MAX 16
#define PRES_PDV_MAX 4
#define ACSE_EXTERNALS_MAX 4
#define MMS_LIST_MAX 64
#define MMS_NAMES_MAX 8
#define MMS_BITSTRING_MAX 16
#define SES_LI_LONG 0xff

enum ses_si {
	SES_GIVE_TOKENS = 1, /* also DATA TRANSFER (category 2) */
	SES_FINISH = 9,
	SES_DISCONNECT = 10,
	SES_NOT_FINISHED = 8,
	SES_REFUSE = 12,
	SES_CONNECT = 13,
	SES_ACCEPT = 14,
	SES_ABORT = 25,
	SES_ABORT_ACCEPT = 26,
};

#define SES_PI_USER_DATA 193
#define SES_PGI_EXT_USER_DATA 194

enum mms_pdu_tag {
	MMS_CONFIRMED_REQUEST = 0,
	MMS_CONFIRMED_RESPONSE = 1,
	MMS_CONFIRMED_ERROR = 2,
	MMS_UNCONFIRMED = 3,
	MMS_REJECT = 4,
	MMS_CANCEL_REQUEST = 5,
	MMS_CANCEL_RESPONSE = 6,
	MMS_CANCEL_ERROR = 7,
	MMS_INITIATE_REQUEST = 8,
	MMS_INITIATE_RESPONSE = 9,
	MMS_INITIATE_ERROR = 10,
	MMS_CONCLUDE_REQUEST = 11,
	MMS_CONCLUDE_RESPONSE = 12,
	MMS_CONCLUDE_ERROR = 13,
};

enum mms_service {
	MMS_SVC_GET_NAME_LIST = 1,
	MMS_SVC_IDENTIFY = 2,
	MMS_SVC_READ = 4,
	MMS_SVC_WRITE = 5,
	MMS_SVC_GET_VAR_ACCESS_ATTR = 6,
	MMS_SVC_GET_NVL_ATTR = 12,
};

#define ACSE_AARQ 0
#define ACSE_AARE 1
#define ACSE_USER_INFORMATION 30
#define PRES_NORMAL_MODE 2
#define PRES_FULLY_ENCODED 1 /* [APPLICATION 1] */
#define MMS_DATA_VISIBLE_STRING 10
#define MMS_RPT "RPT"

#define CONF_RAW 50
#define CONF_ROLE 60

/* What one PPDU said; emitted only when all of it was read. */
struct mms_found {
	bool client, server, ied, identify_request, has_identify, rpt;
	char vendor[HK_OBS_VALUE_MAX], model[HK_OBS_VALUE_MAX], revision[HK_OBS_VALUE_MAX];
	char initiate[HK_OBS_VALUE_MAX];
	char rptid[HK_OBS_VALUE_MAX];
	enum hk_side names_side;
	size_t n_names;
	char names[MMS_NAMES_MAX][HK_OBS_VALUE_MAX];
};

/* A parse step: false with the cursor failed (ETRUNC, EINVAL) or *bad set. */
struct mms_walk {
	struct mms_found *f;
	bool bad;     /* MALFORMED: a shape the PDU cannot have */
	bool nomatch; /* not MMS */
};

static bool fail(struct mms_walk *w)
{
	w->bad = true;
	return false;
}

static void add_name(struct mms_found *f, struct hk_cur *v, enum hk_side side)
{
	char name[HK_OBS_VALUE_MAX];

	if (!hk_cur_str(v, hk_cur_left(v), name, sizeof(name)) || !name[0])
		return;
	for (size_t i = 0; i < f->n_names; i++)
		if (strcmp(f->names[i], name) == 0)
			return;
	if (f->n_names >= MMS_NAMES_MAX)
		return;
	f->names_side = side;
	memcpy(f->names[f->n_names++], name, sizeof(name));
}

/* ObjectName: only domain-specific names name a domain */
static bool object_name(struct mms_walk *w, struct ber_tlv *on, enum hk_side side)
{
	struct ber_tlv id;

	if (!ber_is(on, BER_CONTEXT, true, 1))
		return true;
	if (!ber_next(&on->val, &id))
		return false;
	if (!ber_is(&id, BER_UNIVERSAL, false, BER_VISIBLE_STRING))
		return fail(w);
	add_name(w->f, &id.val, side);
	return true;
}

/* VariableAccessSpecification: a0 listOfVariable | a1 variableListName */
static bool var_access(struct mms_walk *w, struct ber_tlv *vas, enum hk_side side)
{
	struct ber_tlv t, on;

	if (ber_is(vas, BER_CONTEXT, true, 1)) {
		if (!ber_next(&vas->val, &on))
			return false;
		if (ber_is(&on, BER_CONTEXT, false, 0)) {
			char s[8];
			w->f->rpt = hk_cur_left(&on.val) == 3 && hk_cur_str(&on.val, 3, s, sizeof(s)) &&
				    strcmp(s, MMS_RPT) == 0;
			return true;
		}
		return object_name(w, &on, side);
	}
	if (!ber_is(vas, BER_CONTEXT, true, 0))
		return fail(w);
	for (int i = 0; i < MMS_LIST_MAX && hk_cur_left(&vas->val); i++) {
		struct ber_tlv spec;

		if (!ber_next(&vas->val, &t))
			return false;
		if (!ber_is(&t, BER_UNIVERSAL, true, BER_SEQUENCE))
			return fail(w);
		if (!ber_next(&t.val, &spec))
			return false;
		/* variableSpecification: name [0] ObjectName, others we skip */
		if (ber_is(&spec, BER_CONTEXT, true, 0)) {
			if (!ber_next(&spec.val, &on) || !object_name(w, &on, side))
				return false;
		}
	}
	return true;
}

static bool confirmed_request(struct mms_walk *w, struct hk_cur *v)
{
	struct ber_tlv t, u;

	if (!ber_next(v, &t))
		return false;
	if (!ber_is(&t, BER_UNIVERSAL, false, BER_INTEGER))
		return fail(w); /* invokeID */
	if (!ber_next(v, &t))
		return false;
	if (ber_is(&t, BER_UNIVERSAL, true, BER_SEQUENCE) && !ber_next(v, &t))
		return false; /* listOfModifier, then the service */
	if (t.cls != BER_CONTEXT)
		return fail(w);
	switch (t.tag) {
	case MMS_SVC_IDENTIFY:
		w->f->identify_request = true;
		return true;
	case MMS_SVC_GET_NAME_LIST:
		for (int i = 0; i < PRES_ELEMENTS_MAX && hk_cur_left(&t.val); i++) {
			if (!ber_next(&t.val, &u))
				return false;
			if (ber_is(&u, BER_CONTEXT, true, 1)) { /* objectScope */
				struct ber_tlv scope;
				if (!ber_next(&u.val, &scope))
					return false;
				if (ber_is(&scope, BER_CONTEXT, false, 1))
					add_name(w->f, &scope.val, HK_SIDE_DST);
			}
		}
		return true;
	case MMS_SVC_READ:
		for (int i = 0; i < PRES_ELEMENTS_MAX && hk_cur_left(&t.val); i++) {
			if (!ber_next(&t.val, &u))
				return false;
			if (ber_is(&u, BER_CONTEXT, true, 1)) {
				struct ber_tlv vas;
				if (!ber_next(&u.val, &vas) || !var_access(w, &vas, HK_SIDE_DST))
					return false;
			}
		}
		return true;
	case MMS_SVC_WRITE:
		if (!ber_next(&t.val, &u))
			return false;
		return var_access(w, &u, HK_SIDE_DST);
	case MMS_SVC_GET_VAR_ACCESS_ATTR:
		if (!ber_next(&t.val, &u))
			return false;
		if (ber_is(&u, BER_CONTEXT, true, 0)) {
			struct ber_tlv on;
			if (!ber_next(&u.val, &on))
				return false;
			return object_name(w, &on, HK_SIDE_DST);
		}
		return true;
	case MMS_SVC_GET_NVL_ATTR:
		if (!ber_next(&t.val, &u))
			return false;
		return object_name(w, &u, HK_SIDE_DST);
	default:
		return true;
	}
}

static bool read_string(struct mms_walk *w, struct ber_tlv *t, char *dst)
{
	if (t->cons)
		return fail(w);
	return hk_cur_str(&t->val, hk_cur_left(&t->val), dst, HK_OBS_VALUE_MAX);
}

static bool identify_response(struct mms_walk *w, struct hk_cur *v)
{
	struct ber_tlv t;
	unsigned seen = 0;

	for (int i = 0; i < PRES_ELEMENTS_MAX && hk_cur_left(v); i++) {
		if (!ber_next(v, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			return fail(w);
		switch (t.tag) {
		case 0:
			if (!read_string(w, &t, w->f->vendor))
				return false;
			break;
		case 1:
			if (!read_string(w, &t, w->f->model))
				return false;
			break;
		case 2:
			if (!read_string(w, &t, w->f->revision))
				return false;
			break;
		default:
			break; /* listOfAbstractSyntaxes, extensions */
		}
		if (t.tag < 3)
			seen |= 1u << t.tag;
	}
	if (seen != 7)
		return fail(w); /* the three strings are not optional */
	w->f->has_identify = true;
	return true;
}

static bool name_list_response(struct mms_walk *w, struct hk_cur *v)
{
	struct ber_tlv t, id;
	struct mms_found *f = w->f;
	bool dollar = false;
	size_t n0 = f->n_names;

	if (!ber_next(v, &t))
		return false;
	if (!ber_is(&t, BER_CONTEXT, true, 0))
		return fail(w); /* listOfIdentifier */
	for (int i = 0; i < MMS_LIST_MAX && hk_cur_left(&t.val); i++) {
		struct hk_cur s;
		if (!ber_next(&t.val, &id))
			return false;
		if (!ber_is(&id, BER_UNIVERSAL, false, BER_VISIBLE_STRING))
			return fail(w);
		s = id.val;
		if (hk_cur_find(&s, '$') >= 0)
			dollar = true;
		else if (!dollar)
			add_name(f, &s, HK_SIDE_SRC);
	}
	if (dollar)
		f->n_names = n0; /* variables or lists, not domains */
	return true;
}

static bool confirmed_response(struct mms_walk *w, struct hk_cur *v)
{
	struct ber_tlv t;

	if (!ber_next(v, &t))
		return false;
	if (!ber_is(&t, BER_UNIVERSAL, false, BER_INTEGER))
		return fail(w);
	if (!hk_cur_left(v))
		return true; /* no service: some test servers answer so */
	if (!ber_next(v, &t))
		return false;
	if (t.cls != BER_CONTEXT)
		return fail(w);
	if (ber_is(&t, BER_CONTEXT, true, MMS_SVC_IDENTIFY))
		return identify_response(w, &t.val);
	if (ber_is(&t, BER_CONTEXT, true, MMS_SVC_GET_NAME_LIST))
		return name_list_response(w, &t.val);
	return true;
}

static bool unconfirmed(struct mms_walk *w, struct hk_cur *v)
{
	struct ber_tlv svc, vas, results, first;

	if (!ber_next(v, &svc))
		return false;
	if (!ber_is(&svc, BER_CONTEXT, true, 0))
		return true; /* not an informationReport */
	w->f->ied = true;
	if (!ber_next(&svc.val, &vas) || !var_access(w, &vas, HK_SIDE_SRC))
		return false;
	if (!ber_next(&svc.val, &results))
		return false;
	if (!ber_is(&results, BER_CONTEXT, true, 0))
		return fail(w);
	if (!w->f->rpt || !hk_cur_left(&results.val))
		return true;
	if (!ber_next(&results.val, &first))
		return false;
	if (ber_is(&first, BER_CONTEXT, false, MMS_DATA_VISIBLE_STRING))
		return read_string(w, &first, w->f->rptid);
	return true;
}

static void bits_hex(struct hk_cur *v, char *dst, size_t dstsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	hk_cur_skip(v, 1); /* unused bits in the last octet */
	for (int i = 0; i < MMS_BITSTRING_MAX && hk_cur_left(v) && o + 3 <= dstsz; i++) {
		uint8_t b = hk_cur_u8(v);
		dst[o++] = hex[b >> 4];
		dst[o++] = hex[b & 15];
	}
	dst[o] = '\0';
	if (!o && dstsz > 1) {
		dst[0] = '-';
		dst[1] = '\0';
	}
}

/* initiate-Request and -Response share their shape (tags 0..4) */
static bool initiate(struct mms_walk *w, struct hk_cur *v)
{
	static const char *const dash = "-";
	char num[5][16], cbb[2 * MMS_BITSTRING_MAX + 1], svc[2 * MMS_BITSTRING_MAX + 1];
	struct ber_tlv t, d;
	uint32_t x;

	for (int i = 0; i < 5; i++)
		snprintf(num[i], sizeof(num[i]), "%s", dash);
	snprintf(cbb, sizeof(cbb), "%s", dash);
	snprintf(svc, sizeof(svc), "%s", dash);
	for (int i = 0; i < PRES_ELEMENTS_MAX && hk_cur_left(v); i++) {
		if (!ber_next(v, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			return fail(w);
		if (t.tag < 4 && !t.cons) {
			if (!ber_uint32(&t.val, &x))
				return fail(w);
			snprintf(num[t.tag], sizeof(num[t.tag]), "%u", x);
		} else if (t.tag == 4 && t.cons) {
			for (int k = 0; k < PRES_ELEMENTS_MAX && hk_cur_left(&t.val); k++) {
				if (!ber_next(&t.val, &d))
					return false;
				if (ber_is(&d, BER_CONTEXT, false, 0)) {
					if (!ber_uint32(&d.val, &x))
						return fail(w);
					snprintf(num[4], sizeof(num[4]), "%u", x);
				} else if (ber_is(&d, BER_CONTEXT, false, 1)) {
					bits_hex(&d.val, cbb, sizeof(cbb));
				} else if (ber_is(&d, BER_CONTEXT, false, 2)) {
					bits_hex(&d.val, svc, sizeof(svc));
				}
			}
		}
	}
	snprintf(w->f->initiate, sizeof(w->f->initiate), "detail=%s;serv=%s,%s;nest=%s;ver=%s;cbb=%s;svc=%s", num[0],
		 num[1], num[2], num[3], num[4], cbb, svc);
	return true;
}

static bool mms_pdu(struct mms_walk *w, struct ber_tlv *pdu)
{
	struct mms_found *f = w->f;

	if (pdu->cls != BER_CONTEXT || pdu->tag > MMS_CONCLUDE_ERROR) {
		w->nomatch = true;
		return false;
	}
	switch (pdu->tag) {
	case MMS_CONFIRMED_REQUEST:
	case MMS_CONFIRMED_RESPONSE:
	case MMS_CONFIRMED_ERROR:
	case MMS_UNCONFIRMED:
	case MMS_INITIATE_REQUEST:
	case MMS_INITIATE_RESPONSE:
		if (!pdu->cons)
			return fail(w);
		break;
	default:
		break;
	}
	switch (pdu->tag) {
	case MMS_CONFIRMED_REQUEST:
		return confirmed_request(w, &pdu->val);
	case MMS_CONFIRMED_RESPONSE:
		f->ied = true;
		return confirmed_response(w, &pdu->val);
	case MMS_CONFIRMED_ERROR:
	case MMS_INITIATE_ERROR:
	case MMS_CONCLUDE_RESPONSE:
	case MMS_CONCLUDE_ERROR:
		f->ied = true;
		return true;
	case MMS_UNCONFIRMED:
		return unconfirmed(w, &pdu->val);
	case MMS_INITIATE_REQUEST:
		f->client = true;
		return initiate(w, &pdu->val);
	case MMS_INITIATE_RESPONSE:
		f->server = f->ied = true;
		return initiate(w, &pdu->val);
	default:
		return true; /* reject, cancel, conclude-Request */
	}
}

/* ACSE AARQ/AARE: the MMS PDU is in user-information's EXTERNAL */
static bool acse(struct mms_walk *w, struct ber_tlv *apdu)
{
	struct ber_tlv t, ext, e, pdu;

	if (!ber_is(apdu, BER_APPLICATION, true, ACSE_AARQ) && !ber_is(apdu, BER_APPLICATION, true, ACSE_AARE))
		return true; /* release, abort */
	for (int i = 0; i < PRES_ELEMENTS_MAX && hk_cur_left(&apdu->val); i++) {
		if (!ber_next(&apdu->val, &t))
			return false;
		if (!ber_is(&t, BER_CONTEXT, true, ACSE_USER_INFORMATION))
			continue;
		for (int k = 0; k < ACSE_EXTERNALS_MAX && hk_cur_left(&t.val); k++) {
			if (!ber_next(&t.val, &ext))
				return false;
			if (!ber_is(&ext, BER_UNIVERSAL, true, BER_EXTERNAL))
				return fail(w);
			for (int j = 0; j < PRES_ELEMENTS_MAX && hk_cur_left(&ext.val); j++) {
				if (!ber_next(&ext.val, &e))
					return false;
				if (ber_is(&e, BER_CONTEXT, true, 0) || ber_is(&e, BER_CONTEXT, false, 1)) {
					if (!ber_next(&e.val, &pdu))
						return false;
					return mms_pdu(w, &pdu);
				}
			}
		}
		return true;
	}
	return true;
}

/* fully-encoded-data: PDV-lists; each value is ACSE or MMS */
static bool pdv_lists(struct mms_walk *w, struct ber_tlv *fed)
{
	struct ber_tlv pdv, t, app;
	int n_app = 0;

	for (int i = 0; i < PRES_PDV_MAX && hk_cur_left(&fed->val); i++) {
		bool have_ctx = false;

		if (!ber_next(&fed->val, &pdv))
			return false;
		if (!ber_is(&pdv, BER_UNIVERSAL, true, BER_SEQUENCE))
			return fail(w);
		for (int k = 0; k < PRES_ELEMENTS_MAX && hk_cur_left(&pdv.val); k++) {
			if (!ber_next(&pdv.val, &t))
				return false;
			if (ber_is(&t, BER_UNIVERSAL, false, BER_INTEGER)) {
				have_ctx = true;
			} else if (ber_is(&t, BER_CONTEXT, true, 0) || ber_is(&t, BER_CONTEXT, false, 1)) {
				if (!have_ctx)
					return fail(w);
				if (!ber_next(&t.val, &app))
					return false;
				n_app++;
				if (app.cls == BER_APPLICATION) {
					if (!acse(w, &app))
						return false;
				} else if (!mms_pdu(w, &app)) {
					return false;
				}
			}
		}
	}
	if (!n_app)
		w->nomatch = true;
	return n_app > 0;
}

/* CP-type / CPA-PPDU: SET { a0 mode-selector, a2 normal-mode-parameters { ... 61 user data } } */
static bool pres_connect(struct mms_walk *w, struct hk_cur *user)
{
	struct ber_tlv set, t, u;

	if (!ber_next(user, &set))
		return false;
	if (!ber_is(&set, BER_UNIVERSAL, true, BER_SET)) {
		w->nomatch = true; /* CPR, or not presentation */
		return false;
	}
	for (int i = 0; i < PRES_ELEMENTS_MAX && hk_cur_left(&set.val); i++) {
		if (!ber_next(&set.val, &t))
			return false;
		if (!ber_is(&t, BER_CONTEXT, true, PRES_NORMAL_MODE))
			continue;
		for (int k = 0; k < PRES_ELEMENTS_MAX && hk_cur_left(&t.val); k++) {
			if (!ber_next(&t.val, &u))
				return false;
			if (ber_is(&u, BER_APPLICATION, true, PRES_FULLY_ENCODED))
				return pdv_lists(w, &u);
		}
	}
	w->nomatch = true; /* no user data: nothing of MMS */
	return false;
}

static bool pres_data(struct mms_walk *w, struct hk_cur *user)
{
	struct ber_tlv fed;

	if (!ber_next(user, &fed))
		return false;
	if (!ber_is(&fed, BER_APPLICATION, true, PRES_FULLY_ENCODED)) {
		w->nomatch = true;
		return false;
	}
	return pdv_lists(w, &fed);
}

/* session LI: one octet, or 0xff and two */
static size_t ses_len(struct hk_cur *c)
{
	uint8_t l = hk_cur_u8(c);

	return l == SES_LI_LONG ? hk_cur_be16(c) : l;
}

static bool session(struct mms_walk *w, struct hk_cur *d)
{
	uint8_t si = hk_cur_u8(d);
	size_t li = ses_len(d);
	struct hk_cur params;

	if (d->err)
		return false;
	switch (si) {
	case SES_GIVE_TOKENS:
		hk_cur_skip(d, li);
		if (d->err)
			return false;
		if (!hk_cur_left(d))
			return true; /* GIVE TOKENS alone */
		if (hk_cur_u8(d) != SES_GIVE_TOKENS)
			return fail(w); /* only DATA TRANSFER follows it in MMS */
		li = ses_len(d);
		hk_cur_skip(d, li);
		if (d->err)
			return false;
		return pres_data(w, d);
	case SES_CONNECT:
	case SES_ACCEPT:
		params = hk_cur_sub(d, li);
		for (int i = 0; i < SES_PARAMS_MAX && hk_cur_left(&params); i++) {
			uint8_t code = hk_cur_u8(&params);
			size_t len = ses_len(&params);
			struct hk_cur v = hk_cur_sub(&params, len);
			if (params.err)
				return false;
			if (code == SES_PI_USER_DATA || code == SES_PGI_EXT_USER_DATA)
				return pres_connect(w, &v);
		}
		return !d->err;
	case SES_FINISH:
	case SES_DISCONNECT:
	case SES_NOT_FINISHED:
	case SES_REFUSE:
	case SES_ABORT:
	case SES_ABORT_ACCEPT:
		/* release and abort: ACSE RLRQ/RLRE/ABRT, no identity */
		hk_cur_skip(d, li);
		return !d->err;
	default:
		w->nomatch = true;
		return false;
	}
}

static bool known_si(uint8_t si)
{
	switch (si) {
	case SES_GIVE_TOKENS:
	case SES_FINISH:
	case SES_DISCONNECT:
	case SES_NOT_FINISHED:
	case SES_REFUSE:
	case SES_CONNECT:
	case SES_ACCEPT:
	case SES_ABORT:
	case SES_ABORT_ACCEPT:
		return true;
	default:
		return false;
	}
}

static void mms_emit(const struct mms_found *f, struct hk_obs_sink *out)
{
	if (f->client)
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "mms.role", "client");
	if (f->server)
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "mms.role", "server");
	if (f->ied)
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, CONF_ROLE, "mms.server", "ied");
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "mms.initiate", f->initiate);
	if (f->identify_request)
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "mms.request", "identify");
	if (f->has_identify) {
		hk_obs_emit(out, HK_OBS_VENDOR, HK_SIDE_SRC, 90, "mms.identify.vendor", f->vendor);
		hk_obs_emit(out, HK_OBS_MODEL, HK_SIDE_SRC, 90, "mms.identify.model", f->model);
		hk_obs_emit(out, HK_OBS_FIRMWARE, HK_SIDE_SRC, 85, "mms.identify.revision", f->revision);
	}
	for (size_t i = 0; i < f->n_names; i++)
		hk_obs_emit(out, HK_OBS_RAW, f->names_side, CONF_RAW, "mms.ld", f->names[i]);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "mms.rptid", f->rptid);
}

enum hk_parse_result proto_mms_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct cotp_tpdu t;
	struct mms_found f;
	struct mms_walk w = {.f = &f};
	enum hk_parse_result r;

	if (ctx->l4 != 6)
		return HK_PARSE_NOMATCH;
	r = cotp_read(c, &t);
	if (r != HK_PARSE_OK)
		return r;
	if (t.code != COTP_DT || !hk_cur_left(&t.data) || !known_si(hk_cur_peek_u8(&t.data, 0)))
		return HK_PARSE_NOMATCH;
	if (!t.eot)
		return HK_PARSE_TRUNCATED; /* the first part of a segmented PDU */
	memset(&f, 0, sizeof(f));
	if (session(&w, &t.data)) {
		mms_emit(&f, out);
		return HK_PARSE_OK;
	}
	if (w.nomatch && !w.bad && t.data.err == 0)
		return HK_PARSE_NOMATCH;
	return HK_PARSE_MALFORMED;
}
