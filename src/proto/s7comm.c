/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * S7comm and S7comm-plus (Siemens SIMATIC S7): who is the PLC, and what it
 * says it is when an engineering station, an HMI or a scanner asks.
 *
 * References: Siemens publishes no protocol specification. Layouts follow
 * the community documentation: the Wireshark S7comm dissector by Thomas
 * Wiens (epan/dissectors/packet-s7comm.c, packet-s7comm_szl_ids.c) and his
 * S7comm-plus dissector (s7commwireshark project), the Snap7 documentation
 * (Davide Nardella), and for the SZL records Siemens' "System Software for
 * S7-300/400 System and Standard Functions" reference manual (A5E02789976),
 * chapter 34 (SSL-ID W#16#xy11 module identification, W#16#xy1C component
 * identification). The bytes below are described in our own words.
 * Transport: RFC 1006 TPKT + ISO 8073 class 0 COTP (cotp.c); this parser
 * gets one TPKT and reads the DT user data.
 *
 * S7comm (user data starts 0x32):
 *   | 32 | ROSCTR | reserved 2 | PDU ref 2 | param len 2 | data len 2 |
 *   [ error class | error code ]           (ROSCTR 2 ack, 3 ack-data only)
 *   | parameter (param len) | data (data len) |
 *   ROSCTR: 1 job (client), 2 ack, 3 ack-data (server), 7 userdata.
 *   setup communication (function f0), job and ack-data:
 *     | f0 | 00 | max AmQ calling 2 | max AmQ called 2 | PDU size 2 |
 *   userdata parameter:
 *     | 00 01 12 | len | method (11 req, 12 res) | type 4 bits | group 4 bits |
 *     | subfunction | sequence | [ data unit ref | last unit (0 last, 1 more) |
 *     error code 2 ]                          (the bracket when len is 8)
 *   type: 0 push, 4 request, 8 response; group 4 CPU functions,
 *   subfunction 1 read SZL (system status list, German SZL = English SSL).
 *   userdata data: | return code (ff ok) | transport size | length 2 | ... |
 *     read-SZL request:  | SZL-ID 2 | index 2 |
 *     read-SZL response: | SZL-ID 2 | index 2 | record len 2 | record count 2 |
 *                        | records ... |
 *   The SZL-ID's low byte is the list (0x11, 0x1c); the rest says which
 *   extract (0x0111 is "one record of 0x11, by index") and module class.
 *   SZL 0x11 record (28 bytes): | index 2 | order number (MLFB) 20 chars |
 *     BGTyp 2 | Ausbg 2 | Ausbe 2 |; index 1 the module, 6 the basic
 *     hardware, 7 the basic firmware, whose Ausbg/Ausbe bytes are
 *     'V', major, minor, patch ("V3.2.17").
 *   SZL 0x1c record (34 bytes): | index 2 | 32 bytes |: 1 automation system
 *     (station) name, 2 module name, 5 module serial number (24 chars + 8
 *     reserved); 3 plant designation, 7 module type name, 8 memory card
 *     serial, 11 location (32 chars); 4 copyright (26 chars + 6 reserved);
 *     9 manufacturer id 2, profile id 2, profile-specific type 2; 10 OEM
 *     copyright (26 chars) + OEM ids.
 *
 * S7comm-plus (user data starts 0x72; S7-1200, S7-1500, TIA Portal):
 *   | 72 | version | data len 2 | [V3: digest len (0x20) | digest 32] |
 *   | opcode | reserved 2 | function 2 | reserved 2 | sequence 2 |
 *   [ session id 4 ] (requests) | transport flags | ... |
 *   | 72 | version | 00 00 |       (trailer; absent on all but the last
 *                                   fragment of a PDU that spans several)
 *   version 1 V1 (session set-up, and the older S7-1200), 2 V2, 3 V3, fe/ff
 *   keep-alive; opcode 31 request, 32 response, 33 notification, 02
 *   response (V13 HMIs); function 04ca CreateObject (the session set-up).
 *   The rest is a tree of objects (a1 ... a2) and attributes (a3 id value)
 *   with variable-length (VLQ) ids and typed values (PValue: flags, type,
 *   value). In the CreateObject response the PLC puts the attribute
 *   ServerSessionVersion (306), a struct whose member 319 ("system PAOM
 *   string") reads "1;6ES7 511-1AK00-0AB0;V1.0": order number and firmware.
 *   The client's CreateObject request names its application (297), host
 *   (298) and a comment (301).
 *   What can be read: the version byte, opcode and function of every PDU,
 *   and the CreateObject exchange, which the PLC always answers in clear
 *   (V1 framing, even when the session goes on in V2 or V3). What cannot:
 *   V2/V3 session contents are protected by a 32-byte integrity digest
 *   (keyed by the answer to the PLC's ServerSessionChallenge, attribute
 *   303), and with TIA Portal V17 and later firmware the whole session may
 *   run inside TLS in the COTP data (user data starting 16 03 / 17 03), in
 *   which case nothing but that fact is visible. Values whose encoding we do
 *   not know (blobs, variants, packed structs, sparse arrays) end the walk
 *   of the object tree; what was read before them is kept.
 *
 * Identity direction: the protocol says who is who. An S7comm job and a
 * userdata request come from the client (an engineering station, HMI,
 * SCADA or scanner), ack-data, userdata responses and pushes from the
 * server, the PLC; except during a block download, where the PLC sends the
 * jobs (download block 1b, download ended 1c) and the engineering station
 * answers them, so those say the opposite (and a bare ack says nothing); S7comm-plus requests (31) from the client, responses and
 * notifications from the PLC. Every observation is about the sender (SRC),
 * except where S7comm-plus runs in TLS, where the port (102) says which end
 * is the PLC.
 *
 * Emitted (source -> kind confidence):
 *   s7comm.role RAW 50 "client"/"server" (setup communication);
 *   s7comm.setup ROLE 70 "plc" (the setup ack-data); s7comm.server ROLE 60
 *   "plc" (other ack-data, userdata responses and pushes, download jobs);
 *   s7comm.pdu_size RAW 50 (negotiated);
 *   s7comm.szl_request RAW 50 "0x0111" (the SZL-ID a client asks for);
 *   s7comm.szl.order_number MODEL 90, s7comm.szl.hw RAW 50,
 *   s7comm.szl.firmware FIRMWARE 90 (0x11); s7comm.szl.plc_name HOSTNAME 80,
 *   s7comm.szl.module_name PRODUCT 60, s7comm.szl.plant_id RAW 50,
 *   s7comm.szl.copyright VENDOR 85 "Siemens" (only for Siemens' own
 *   "Original Siemens Equipment") or RAW 50, s7comm.szl.serial SERIAL 90,
 *   s7comm.szl.module_type MODEL 80, s7comm.szl.mmc_serial RAW 50,
 *   s7comm.szl.profile RAW 50, s7comm.szl.oem RAW 50, s7comm.szl.location
 *   RAW 50 (0x1c);
 *   s7commplus.server ROLE 60 "plc"; s7commplus.version RAW 50 "V1".."V3"
 *   (server PDUs after the set-up); s7commplus.protected RAW 50
 *   "integrity" (a V3 digest, or a session challenge in the CreateObject
 *   response) or "tls"; s7commplus.paom RAW 50 (the whole PAOM string),
 *   s7commplus.order_number MODEL 85, s7commplus.firmware FIRMWARE 80;
 *   s7commplus.comment RAW 50 (attribute 301, either side);
 *   s7commplus.client_app SOFTWARE 50, s7commplus.client_host RAW 50.
 *   The module name (0x1c index 2) is PRODUCT at 60, not more: it is the
 *   name given to the CPU in the hardware configuration, which is the
 *   product designation ("CPU 315-2 PN/DP") until someone renames it.
 *
 * Hostile input this defends against: the S7 header's parameter and data
 * lengths must add up to the COTP user data exactly (each region a
 * sub-cursor, so the data never reads the parameter and vice versa); the
 * userdata parameter length must match its header; the SZL record length
 * must be the one of its list and the record count at most
 * S7_SZL_RECORDS_MAX (a bigger count is a lie: no list we read has more
 * than a dozen records), and only whole records present are read; every
 * text field is a fixed-size sub-cursor read up to its first NUL, escaped
 * and trimmed. S7comm-plus: VLQs are at most 5 (32-bit) or 9 (64-bit)
 * bytes, the object tree is walked without recursion to at most
 * S7P_DEPTH_MAX levels and S7P_ELEMENTS_MAX elements, struct members
 * recurse at most S7P_DEPTH_MAX deep, arrays are bounded by S7P_ARRAY_MAX.
 * A TPDU with EOT clear holds only part of a PDU: what is there is read and
 * the result is TRUNCATED; with EOT set, bytes that do not add up are
 * MALFORMED and say nothing (what was emitted before the contradiction was
 * found is taken back out of the sink). A single TPDU cannot tell a continuation of a
 * COTP-segmented PDU from a first part; the header checks (protocol id,
 * ROSCTR, lengths that add up, the trailer) make misreading one unlikely.
 */
#include <stdio.h>
#include <string.h>

#include "proto/cotp.h"
#include "proto/proto.h"

#define S7_PROTO_ID 0x32
#define S7P_PROTO_ID 0x72

enum s7_rosctr {
	S7_JOB = 1,
	S7_ACK = 2,
	S7_ACK_DATA = 3,
	S7_USERDATA = 7,
};

#define S7_HDR_LEN 10
#define S7_FUNC_SETUP 0xf0
#define S7_FUNC_DOWNLOAD_BLOCK 0x1b /* a job the PLC sends the engineering station */
#define S7_FUNC_DOWNLOAD_ENDED 0x1c
#define S7_SETUP_PARAM_LEN 8
#define S7_UD_TYPE_PUSH 0x0
#define S7_UD_TYPE_REQ 0x4
#define S7_UD_TYPE_RES 0x8
#define S7_UD_GROUP_CPU 0x4
#define S7_UD_SUBF_READ_SZL 0x01
#define S7_RET_OK 0xff
#define S7_SZL_HDR_LEN 8

#define S7_SZL_MODULE_ID 0x11
#define S7_SZL_COMPONENT_ID 0x1c
#define S7_SZL11_REC_LEN 28
#define S7_SZL1C_REC_LEN 34
#define S7_SZL_RECORDS_MAX 32 /* 0x11 has ~5 records, 0x1c ~11 */
#define S7_MLFB_LEN 20

enum s7_szl11_index {
	SZL11_MODULE = 0x0001,
	SZL11_HARDWARE = 0x0006,
	SZL11_FIRMWARE = 0x0007,
};

enum s7_szl1c_index {
	SZL1C_STATION = 1,
	SZL1C_MODULE_NAME = 2,
	SZL1C_PLANT_ID = 3,
	SZL1C_COPYRIGHT = 4,
	SZL1C_SERIAL = 5,
	SZL1C_MODULE_TYPE = 7,
	SZL1C_MMC_SERIAL = 8,
	SZL1C_PROFILE = 9,
	SZL1C_OEM = 10,
	SZL1C_LOCATION = 11,
};

#define S7_SIEMENS_COPYRIGHT "Original Siemens Equipment"

#define CONF_RAW 50
#define CONF_ROLE_SETUP 70
#define CONF_ROLE 60

/* S7comm-plus */
enum s7p_version {
	S7P_V1 = 1,
	S7P_V2 = 2,
	S7P_V3 = 3,
	S7P_KEEPALIVE_EXT = 0xfe,
	S7P_KEEPALIVE = 0xff,
};

enum s7p_opcode {
	S7P_REQ = 0x31,
	S7P_RES = 0x32,
	S7P_NOTIFY = 0x33,
	S7P_RES2 = 0x02,
};

#define S7P_FUNC_CREATE_OBJECT 0x04ca
#define S7P_TRAILER_LEN 4
#define S7P_DIGEST_LEN 32
#define S7P_DEPTH_MAX 4
#define S7P_ELEMENTS_MAX 64
#define S7P_ARRAY_MAX 256
#define S7P_OBJIDS_MAX 8
#define S7P_VLQ32_BYTES 5
#define S7P_VLQ64_BYTES 9

enum s7p_element {
	S7P_START_OBJECT = 0xa1,
	S7P_END_OBJECT = 0xa2,
	S7P_ATTRIBUTE = 0xa3,
};

enum s7p_flag {
	S7P_FLAG_ARRAY = 0x10,
	S7P_FLAG_ADDRESS_ARRAY = 0x20,
	S7P_FLAG_SPARSE_ARRAY = 0x40,
};

enum s7p_type {
	S7P_T_NULL = 0x00,
	S7P_T_BOOL = 0x01,
	S7P_T_USINT = 0x02,
	S7P_T_UINT = 0x03,
	S7P_T_UDINT = 0x04,
	S7P_T_ULINT = 0x05,
	S7P_T_SINT = 0x06,
	S7P_T_INT = 0x07,
	S7P_T_DINT = 0x08,
	S7P_T_LINT = 0x09,
	S7P_T_BYTE = 0x0a,
	S7P_T_WORD = 0x0b,
	S7P_T_DWORD = 0x0c,
	S7P_T_LWORD = 0x0d,
	S7P_T_REAL = 0x0e,
	S7P_T_LREAL = 0x0f,
	S7P_T_TIMESTAMP = 0x10,
	S7P_T_TIMESPAN = 0x11,
	S7P_T_RID = 0x12,
	S7P_T_AID = 0x13,
	S7P_T_WSTRING = 0x15,
	S7P_T_STRUCT = 0x17,
};

/* attribute and member ids (S7comm-plus dissector's id list) */
enum s7p_id {
	S7P_ID_SESSION_APPLICATION = 297,
	S7P_ID_SESSION_HOST = 298,
	S7P_ID_SESSION_COMMENT = 301,
	S7P_ID_SESSION_CHALLENGE = 303,
	S7P_ID_SESSION_VERSION = 306,
	S7P_ID_SYSTEM_PAOM_STRING = 319,
};

/* what a walk of a CreateObject object tree found */
struct s7p_found {
	bool stop;      /* met an encoding we do not know: the walk ends */
	bool challenge; /* ServerSessionChallenge present */
	char paom[HK_OBS_VALUE_MAX];
	char app[HK_OBS_VALUE_MAX];
	char host[HK_OBS_VALUE_MAX];
	char comment[HK_OBS_VALUE_MAX];
};

static void emit(struct hk_obs_sink *out, enum hk_obs_kind kind, uint8_t conf, const char *source, const char *value)
{
	hk_obs_emit(out, kind, HK_SIDE_SRC, conf, source, value);
}

/* A sub-cursor of n bytes, or of what is left when the TPDU is known to be
 * cut (EOT clear); *cut says so. */
static struct hk_cur take(struct hk_cur *c, size_t n, bool eot, bool *cut)
{
	if (!eot && hk_cur_ok(c) && n > hk_cur_left(c)) {
		*cut = true;
		n = hk_cur_left(c);
	}
	return hk_cur_sub(c, n);
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

/* A fixed-size text field: up to its first NUL, at most n chars, trimmed. */
static void text_field(struct hk_cur *rec, size_t field_len, size_t n, char *dst, size_t dstsz)
{
	struct hk_cur f = hk_cur_sub(rec, field_len);

	hk_cur_cstr(&f, n, dst, dstsz);
	trim(dst);
}

/* ---- S7comm SZL ------------------------------------------------------- */

static void szl11_record(struct hk_cur *rec, struct hk_obs_sink *out)
{
	char mlfb[HK_OBS_VALUE_MAX], v[HK_OBS_VALUE_MAX];
	uint16_t index = hk_cur_be16(rec);
	uint8_t ausbg_hi, major, minor, patch;

	text_field(rec, S7_MLFB_LEN, S7_MLFB_LEN, mlfb, sizeof(mlfb));
	hk_cur_skip(rec, 2); /* BGTyp */
	ausbg_hi = hk_cur_u8(rec);
	major = hk_cur_u8(rec);
	minor = hk_cur_u8(rec);
	patch = hk_cur_u8(rec);
	if (rec->err)
		return;
	switch (index) {
	case SZL11_MODULE:
		emit(out, HK_OBS_MODEL, 90, "s7comm.szl.order_number", mlfb);
		break;
	case SZL11_HARDWARE:
		emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.szl.hw", mlfb);
		break;
	case SZL11_FIRMWARE:
		if (ausbg_hi == 'V') {
			snprintf(v, sizeof(v), "V%u.%u.%u", major, minor, patch);
			emit(out, HK_OBS_FIRMWARE, 90, "s7comm.szl.firmware", v);
		}
		break;
	default:
		break;
	}
}

static void szl1c_record(struct hk_cur *rec, struct hk_obs_sink *out)
{
	char v[HK_OBS_VALUE_MAX];
	uint16_t index = hk_cur_be16(rec);

	if (rec->err)
		return;
	switch (index) {
	case SZL1C_STATION:
		text_field(rec, 32, 24, v, sizeof(v));
		emit(out, HK_OBS_HOSTNAME, 80, "s7comm.szl.plc_name", v);
		break;
	case SZL1C_MODULE_NAME:
		text_field(rec, 32, 24, v, sizeof(v));
		emit(out, HK_OBS_PRODUCT, 60, "s7comm.szl.module_name", v);
		break;
	case SZL1C_PLANT_ID:
		text_field(rec, 32, 32, v, sizeof(v));
		emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.szl.plant_id", v);
		break;
	case SZL1C_COPYRIGHT:
		text_field(rec, 32, 26, v, sizeof(v));
		if (strcmp(v, S7_SIEMENS_COPYRIGHT) == 0)
			emit(out, HK_OBS_VENDOR, 85, "s7comm.szl.copyright", "Siemens");
		else
			emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.szl.copyright", v);
		break;
	case SZL1C_SERIAL:
		text_field(rec, 32, 24, v, sizeof(v));
		emit(out, HK_OBS_SERIAL, 90, "s7comm.szl.serial", v);
		break;
	case SZL1C_MODULE_TYPE:
		text_field(rec, 32, 32, v, sizeof(v));
		emit(out, HK_OBS_MODEL, 80, "s7comm.szl.module_type", v);
		break;
	case SZL1C_MMC_SERIAL:
		text_field(rec, 32, 32, v, sizeof(v));
		emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.szl.mmc_serial", v);
		break;
	case SZL1C_PROFILE: {
		uint16_t mfr = hk_cur_be16(rec), profile = hk_cur_be16(rec), type = hk_cur_be16(rec);
		if (rec->err)
			return;
		snprintf(v, sizeof(v), "mfr=0x%04x profile=0x%04x type=0x%04x", mfr, profile, type);
		emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.szl.profile", v);
		break;
	}
	case SZL1C_OEM:
		text_field(rec, 32, 26, v, sizeof(v));
		emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.szl.oem", v);
		break;
	case SZL1C_LOCATION:
		text_field(rec, 32, 32, v, sizeof(v));
		emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.szl.location", v);
		break;
	default:
		break;
	}
}

/* A read-SZL response body: the SZL header, then the whole records present. */
static enum hk_parse_result szl_response(struct hk_cur *body, bool cut, struct hk_obs_sink *out)
{
	uint16_t id = hk_cur_be16(body), reclen, count, want;
	size_t n_avail;

	hk_cur_skip(body, 2); /* index */
	reclen = hk_cur_be16(body);
	count = hk_cur_be16(body);
	if (body->err)
		return cut ? HK_PARSE_TRUNCATED : HK_PARSE_MALFORMED;
	switch (id & 0xff) {
	case S7_SZL_MODULE_ID:
		want = S7_SZL11_REC_LEN;
		break;
	case S7_SZL_COMPONENT_ID:
		want = S7_SZL1C_REC_LEN;
		break;
	default:
		return HK_PARSE_OK; /* a list that does not name the device */
	}
	if (reclen != want || count > S7_SZL_RECORDS_MAX)
		return HK_PARSE_MALFORMED;
	/* a fragmented answer (more data follows) holds the first records only */
	n_avail = hk_cur_left(body) / reclen;
	for (size_t i = 0; i < count && i < n_avail; i++) {
		struct hk_cur rec = hk_cur_sub(body, reclen);
		if ((id & 0xff) == S7_SZL_MODULE_ID)
			szl11_record(&rec, out);
		else
			szl1c_record(&rec, out);
	}
	return cut ? HK_PARSE_TRUNCATED : HK_PARSE_OK;
}

static enum hk_parse_result s7_userdata(struct hk_cur *param, uint16_t param_len, struct hk_cur *data, bool cut,
					struct hk_obs_sink *out)
{
	uint8_t plen, type, group, subf, retcode;
	uint16_t len;
	struct hk_cur body;
	char v[HK_OBS_VALUE_MAX];

	hk_cur_skip(param, 3); /* head (00 01 12) */
	plen = hk_cur_u8(param);
	hk_cur_skip(param, 1); /* method */
	group = hk_cur_u8(param);
	subf = hk_cur_u8(param);
	if (param->err)
		return cut ? HK_PARSE_TRUNCATED : HK_PARSE_MALFORMED;
	if ((size_t)plen + 4 != param_len)
		return HK_PARSE_MALFORMED;
	type = group >> 4;
	group &= 0x0f;
	if (type == S7_UD_TYPE_RES || type == S7_UD_TYPE_PUSH)
		emit(out, HK_OBS_ROLE, CONF_ROLE, "s7comm.server", "plc");
	if (group != S7_UD_GROUP_CPU || subf != S7_UD_SUBF_READ_SZL || (type != S7_UD_TYPE_REQ && type != S7_UD_TYPE_RES))
		return cut ? HK_PARSE_TRUNCATED : HK_PARSE_OK;

	retcode = hk_cur_u8(data);
	hk_cur_skip(data, 1); /* transport size */
	len = hk_cur_be16(data);
	if (data->err)
		return cut ? HK_PARSE_TRUNCATED : HK_PARSE_MALFORMED;
	if (retcode != S7_RET_OK)
		return cut ? HK_PARSE_TRUNCATED : HK_PARSE_OK; /* refused, or a follow-up request */
	if (!cut && len > hk_cur_left(data))
		return HK_PARSE_MALFORMED;
	if (len > hk_cur_left(data)) {
		body = hk_cur_rest(data);
	} else {
		body = hk_cur_sub(data, len);
	}
	if (type == S7_UD_TYPE_REQ) {
		uint16_t id = hk_cur_be16(&body);
		if (body.err)
			return cut ? HK_PARSE_TRUNCATED : HK_PARSE_MALFORMED;
		snprintf(v, sizeof(v), "0x%04x", id);
		emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.szl_request", v);
		return cut ? HK_PARSE_TRUNCATED : HK_PARSE_OK;
	}
	return szl_response(&body, cut, out);
}

static enum hk_parse_result s7_pdu(struct hk_cur *c, bool eot, struct hk_obs_sink *out)
{
	struct hk_cur param, data;
	uint8_t rosctr;
	uint16_t plen, dlen;
	uint8_t func;
	bool cut = false;
	char v[HK_OBS_VALUE_MAX];

	hk_cur_skip(c, 1); /* protocol id */
	rosctr = hk_cur_u8(c);
	hk_cur_skip(c, 4); /* reserved, PDU reference */
	plen = hk_cur_be16(c);
	dlen = hk_cur_be16(c);
	if (rosctr == S7_ACK || rosctr == S7_ACK_DATA)
		hk_cur_skip(c, 2); /* error class and code */
	if (c->err)
		return eot ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED;
	if (rosctr != S7_JOB && rosctr != S7_ACK && rosctr != S7_ACK_DATA && rosctr != S7_USERDATA)
		return HK_PARSE_MALFORMED;
	param = take(c, plen, eot, &cut);
	data = take(c, dlen, eot, &cut);
	if (c->err || (eot && hk_cur_left(c)))
		return HK_PARSE_MALFORMED; /* the lengths do not add up to the TPDU */

	func = param.len ? hk_cur_peek_u8(&param, 0) : 0;
	switch (rosctr) {
	case S7_JOB:
		if (func == S7_FUNC_SETUP && param.len == S7_SETUP_PARAM_LEN)
			emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.role", "client");
		else if ((func == S7_FUNC_DOWNLOAD_BLOCK || func == S7_FUNC_DOWNLOAD_ENDED) && param.len == plen)
			emit(out, HK_OBS_ROLE, CONF_ROLE, "s7comm.server", "plc");
		break;
	case S7_ACK:
		break; /* no parameter: which job it answers is not known */
	case S7_ACK_DATA:
		if (param.len < plen || param.len == 0)
			break; /* cut before its parameter says what it answers */
		if (func == S7_FUNC_DOWNLOAD_BLOCK || func == S7_FUNC_DOWNLOAD_ENDED)
			break; /* the engineering station answers the PLC's jobs */
		if (func == S7_FUNC_SETUP && param.len == S7_SETUP_PARAM_LEN) {
			hk_cur_skip(&param, 6);
			snprintf(v, sizeof(v), "%u", hk_cur_be16(&param));
			emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.role", "server");
			emit(out, HK_OBS_ROLE, CONF_ROLE_SETUP, "s7comm.setup", "plc");
			emit(out, HK_OBS_RAW, CONF_RAW, "s7comm.pdu_size", v);
		} else {
			emit(out, HK_OBS_ROLE, CONF_ROLE, "s7comm.server", "plc");
		}
		break;
	case S7_USERDATA:
		return s7_userdata(&param, plen, &data, cut, out);
	default:
		break;
	}
	return cut ? HK_PARSE_TRUNCATED : HK_PARSE_OK;
}

/* ---- S7comm-plus -------------------------------------------------------- */

/* S7comm-plus variable-length quantity: 7 bits a byte, high bit "more";
 * the last allowed byte carries 8 bits. */
static uint64_t s7p_vlq(struct hk_cur *c, int max_bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < max_bytes; i++) {
		uint8_t b = hk_cur_u8(c);
		if (i == max_bytes - 1) {
			v = (v << 8) | b;
			break;
		}
		v = (v << 7) | (b & 0x7f);
		if (!(b & 0x80))
			break;
	}
	return v;
}

static uint32_t s7p_vlq32(struct hk_cur *c)
{
	return (uint32_t)s7p_vlq(c, S7P_VLQ32_BYTES);
}

/* Skips one scalar of a type; false when we do not know its encoding. */
static bool s7p_skip_scalar(struct hk_cur *c, uint8_t type)
{
	switch (type) {
	case S7P_T_NULL:
		return true;
	case S7P_T_BOOL:
	case S7P_T_USINT:
	case S7P_T_SINT:
	case S7P_T_BYTE:
		hk_cur_skip(c, 1);
		return true;
	case S7P_T_UINT:
	case S7P_T_INT:
	case S7P_T_WORD:
		hk_cur_skip(c, 2);
		return true;
	case S7P_T_DWORD:
	case S7P_T_REAL:
	case S7P_T_RID:
		hk_cur_skip(c, 4);
		return true;
	case S7P_T_LWORD:
	case S7P_T_LREAL:
	case S7P_T_TIMESTAMP:
		hk_cur_skip(c, 8);
		return true;
	case S7P_T_UDINT:
	case S7P_T_DINT:
	case S7P_T_AID:
		s7p_vlq(c, S7P_VLQ32_BYTES);
		return true;
	case S7P_T_ULINT:
	case S7P_T_LINT:
	case S7P_T_TIMESPAN:
		s7p_vlq(c, S7P_VLQ64_BYTES);
		return true;
	case S7P_T_WSTRING:
		hk_cur_skip(c, s7p_vlq32(c));
		return true;
	default:
		return false;
	}
}

static void s7p_value(struct hk_cur *c, int depth, uint32_t id, uint32_t parent, struct s7p_found *f);

/* a struct's members, up to the 0 that ends them */
static void s7p_struct(struct hk_cur *c, int depth, uint32_t id, struct s7p_found *f)
{
	uint32_t sid = hk_cur_be32(c);

	/* packed structs (an interface timestamp and raw bytes) we do not read */
	if ((sid >= 0x90000000u && sid <= 0x9fffffffu) || (sid >= 0x02000000u && sid <= 0x02ffffffu) ||
	    depth >= S7P_DEPTH_MAX) {
		f->stop = true;
		return;
	}
	for (int i = 0; i < S7P_ELEMENTS_MAX && !f->stop && hk_cur_ok(c); i++) {
		uint32_t mid = s7p_vlq32(c);
		if (mid == 0)
			return;
		s7p_value(c, depth + 1, mid, id, f);
	}
	f->stop = true; /* more members than we walk */
}

/* One PValue (flags, type, value) of attribute or member id inside parent. */
static void s7p_value(struct hk_cur *c, int depth, uint32_t id, uint32_t parent, struct s7p_found *f)
{
	uint8_t flags = hk_cur_u8(c), type = hk_cur_u8(c);

	if (c->err)
		return;
	if (flags & S7P_FLAG_SPARSE_ARRAY) {
		f->stop = true;
		return;
	}
	if (flags & (S7P_FLAG_ARRAY | S7P_FLAG_ADDRESS_ARRAY)) {
		uint32_t n = s7p_vlq32(c);
		if (n > S7P_ARRAY_MAX) {
			f->stop = true;
			return;
		}
		if (id == S7P_ID_SESSION_CHALLENGE && parent == 0)
			f->challenge = true;
		for (uint32_t i = 0; i < n && hk_cur_ok(c); i++) {
			if (flags & S7P_FLAG_ADDRESS_ARRAY)
				s7p_vlq32(c);
			else if (!s7p_skip_scalar(c, type)) {
				f->stop = true;
				return;
			}
		}
		return;
	}
	if (type == S7P_T_STRUCT) {
		s7p_struct(c, depth, id, f);
		return;
	}
	if (type == S7P_T_WSTRING) {
		uint32_t n = s7p_vlq32(c);
		char *dst = NULL;

		if (parent == 0 && id == S7P_ID_SESSION_APPLICATION)
			dst = f->app;
		else if (parent == 0 && id == S7P_ID_SESSION_HOST)
			dst = f->host;
		else if (parent == 0 && id == S7P_ID_SESSION_COMMENT)
			dst = f->comment;
		else if (parent == S7P_ID_SESSION_VERSION && id == S7P_ID_SYSTEM_PAOM_STRING)
			dst = f->paom;
		if (dst)
			hk_cur_str(c, n, dst, HK_OBS_VALUE_MAX);
		else
			hk_cur_skip(c, n);
		return;
	}
	if (id == S7P_ID_SESSION_CHALLENGE && parent == 0)
		f->challenge = true;
	if (!s7p_skip_scalar(c, type))
		f->stop = true;
}

/* The object tree of a CreateObject request or response, iteratively:
 * a1 opens an object, a2 closes one, a3 is an attribute. */
static void s7p_objects(struct hk_cur *c, struct s7p_found *f)
{
	int depth = 0;

	for (int i = 0; i < S7P_ELEMENTS_MAX && !f->stop && hk_cur_left(c); i++) {
		uint8_t tag = hk_cur_u8(c);

		switch (tag) {
		case S7P_START_OBJECT:
			if (depth >= S7P_DEPTH_MAX) {
				f->stop = true;
				break;
			}
			depth++;
			hk_cur_skip(c, 4); /* relation id */
			s7p_vlq32(c);      /* class id */
			s7p_vlq32(c);      /* class flags */
			s7p_vlq32(c);      /* attribute id */
			break;
		case S7P_END_OBJECT:
			if (--depth <= 0)
				return;
			break;
		case S7P_ATTRIBUTE: {
			uint32_t id = s7p_vlq32(c);
			/* attributes of nested objects are not the session's own */
			s7p_value(c, 0, id, depth == 1 ? 0 : UINT32_MAX, f);
			break;
		}
		default:
			f->stop = true;
			break;
		}
	}
}

/* "1;6ES7 511-1AK00-0AB0;V1.0": system, order number, firmware */
static void s7p_paom(const char *paom, struct hk_obs_sink *out)
{
	const char *a = strchr(paom, ';'), *b = a ? strchr(a + 1, ';') : NULL;
	char mlfb[HK_OBS_VALUE_MAX];
	size_t n;

	emit(out, HK_OBS_RAW, CONF_RAW, "s7commplus.paom", paom);
	if (!a || !b || strchr(b + 1, ';') || b[1] != 'V' || !b[2])
		return;
	n = (size_t)(b - a - 1);
	if (n == 0 || n >= sizeof(mlfb))
		return;
	memcpy(mlfb, a + 1, n);
	mlfb[n] = '\0';
	trim(mlfb);
	if (!mlfb[0])
		return;
	emit(out, HK_OBS_MODEL, 85, "s7commplus.order_number", mlfb);
	emit(out, HK_OBS_FIRMWARE, 80, "s7commplus.firmware", b + 1);
}

static enum hk_parse_result s7p_create_object(struct hk_cur *c, uint8_t opcode, struct hk_obs_sink *out)
{
	struct s7p_found f;

	memset(&f, 0, sizeof(f));
	if (opcode == S7P_REQ) {
		hk_cur_skip(c, 4);     /* request id */
		s7p_value(c, 0, 0, UINT32_MAX, &f); /* request value */
		hk_cur_skip(c, 4);     /* reserved */
	} else {
		uint8_t n;

		s7p_vlq(c, S7P_VLQ64_BYTES); /* return value */
		n = hk_cur_u8(c);
		if (n > S7P_OBJIDS_MAX)
			return HK_PARSE_MALFORMED;
		for (uint8_t i = 0; i < n; i++)
			s7p_vlq32(c);
	}
	if (!f.stop)
		s7p_objects(c, &f);
	if (c->err)
		return HK_PARSE_MALFORMED;
	if (opcode == S7P_REQ) {
		emit(out, HK_OBS_SOFTWARE, CONF_RAW, "s7commplus.client_app", f.app);
		emit(out, HK_OBS_RAW, CONF_RAW, "s7commplus.client_host", f.host);
		emit(out, HK_OBS_RAW, CONF_RAW, "s7commplus.comment", f.comment);
		return HK_PARSE_OK;
	}
	if (f.challenge)
		emit(out, HK_OBS_RAW, CONF_RAW, "s7commplus.protected", "integrity");
	emit(out, HK_OBS_RAW, CONF_RAW, "s7commplus.comment", f.comment);
	if (f.paom[0])
		s7p_paom(f.paom, out);
	return HK_PARSE_OK;
}

static enum hk_parse_result s7p_pdu(struct hk_cur *c, bool eot, struct hk_obs_sink *out)
{
	struct hk_cur data;
	uint8_t version, opcode;
	uint16_t dlen, function;
	bool cut = false, whole, protected_ = false;
	enum hk_parse_result r;
	char v[HK_OBS_VALUE_MAX];

	hk_cur_skip(c, 1); /* protocol id */
	version = hk_cur_u8(c);
	if (c->err)
		return eot ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED;
	if (version == S7P_KEEPALIVE || version == S7P_KEEPALIVE_EXT)
		return HK_PARSE_OK;
	if (version < S7P_V1 || version > S7P_V3)
		return HK_PARSE_MALFORMED;
	dlen = hk_cur_be16(c);
	if (c->err)
		return eot ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED;
	data = take(c, dlen, eot, &cut);
	if (c->err)
		return HK_PARSE_MALFORMED;
	/* the trailer marks the last fragment; without it this is a part */
	whole = false;
	if (hk_cur_left(c) == S7P_TRAILER_LEN) {
		if (hk_cur_u8(c) != S7P_PROTO_ID || hk_cur_u8(c) != version || hk_cur_be16(c) != 0)
			return HK_PARSE_MALFORMED;
		whole = true;
	} else if (hk_cur_left(c) != 0) {
		if (eot || hk_cur_left(c) > S7P_TRAILER_LEN)
			return HK_PARSE_MALFORMED;
		cut = true; /* the trailer is in the next TPDU */
	}
	if (!eot)
		cut = true; /* more of this PDU follows */

	if (version == S7P_V3) {
		/* V3 puts the integrity part first, in every fragment */
		if (hk_cur_peek_u8(&data, 0) == S7P_DIGEST_LEN && hk_cur_left(&data) > S7P_DIGEST_LEN) {
			hk_cur_skip(&data, 1 + S7P_DIGEST_LEN);
			protected_ = true;
		}
		if (data.err)
			return cut ? HK_PARSE_TRUNCATED : HK_PARSE_MALFORMED;
	}
	if (!whole) {
		/* a fragment: its opcode may be anybody's bytes */
		return cut ? HK_PARSE_TRUNCATED : HK_PARSE_OK;
	}
	opcode = hk_cur_u8(&data);
	hk_cur_skip(&data, 2);
	function = hk_cur_be16(&data);
	hk_cur_skip(&data, 4); /* reserved, sequence */
	if (data.err)
		return cut ? HK_PARSE_TRUNCATED : HK_PARSE_MALFORMED;
	r = HK_PARSE_OK;
	switch (opcode) {
	case S7P_REQ:
		hk_cur_skip(&data, 5); /* session id, transport flags */
		if (data.err)
			return HK_PARSE_MALFORMED;
		if (function == S7P_FUNC_CREATE_OBJECT && version == S7P_V1)
			r = s7p_create_object(&data, opcode, out);
		break;
	case S7P_RES:
	case S7P_RES2:
	case S7P_NOTIFY:
		emit(out, HK_OBS_ROLE, CONF_ROLE, "s7commplus.server", "plc");
		if (protected_)
			emit(out, HK_OBS_RAW, CONF_RAW, "s7commplus.protected", "integrity");
		if (opcode != S7P_NOTIFY && function == S7P_FUNC_CREATE_OBJECT && version == S7P_V1) {
			hk_cur_skip(&data, 1); /* transport flags */
			r = s7p_create_object(&data, opcode, out);
			break;
		}
		snprintf(v, sizeof(v), "V%u", version);
		emit(out, HK_OBS_RAW, CONF_RAW, "s7commplus.version", v);
		break;
	default:
		break;
	}
	return r == HK_PARSE_OK && cut ? HK_PARSE_TRUNCATED : r;
}

/* ---- TLS inside COTP (S7comm-plus secure communication) ------------------ */

static enum hk_parse_result s7p_tls(const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	enum hk_side side;

	if (ctx->sport == ISO_TSAP_PORT && ctx->dport != ISO_TSAP_PORT)
		side = HK_SIDE_SRC;
	else if (ctx->dport == ISO_TSAP_PORT && ctx->sport != ISO_TSAP_PORT)
		side = HK_SIDE_DST;
	else
		return HK_PARSE_OK; /* which end is the PLC is not known */
	hk_obs_emit(out, HK_OBS_RAW, side, CONF_RAW, "s7commplus.protected", "tls");
	return HK_PARSE_OK;
}

#define TLS_HANDSHAKE 0x16
#define TLS_APPDATA 0x17
#define TLS_MAJOR 0x03

enum hk_parse_result proto_s7comm_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct cotp_tpdu t;
	enum hk_parse_result r;
	uint8_t b0, b1;
	struct hk_obs_mark mark;

	if (ctx->l4 != 6)
		return HK_PARSE_NOMATCH;
	r = cotp_read(c, &t);
	if (r != HK_PARSE_OK)
		return r;
	if (t.code != COTP_DT || !hk_cur_left(&t.data))
		return HK_PARSE_NOMATCH;
	b0 = hk_cur_peek_u8(&t.data, 0);
	switch (b0) {
	case S7_PROTO_ID:
	case S7P_PROTO_ID:
		mark = hk_obs_sink_mark(out);
		r = b0 == S7_PROTO_ID ? s7_pdu(&t.data, t.eot, out) : s7p_pdu(&t.data, t.eot, out);
		if (r == HK_PARSE_MALFORMED)
			hk_obs_sink_rewind(out, mark); /* a PDU that contradicts itself says nothing */
		return r;
	case TLS_HANDSHAKE:
	case TLS_APPDATA:
		b1 = hk_cur_peek_u8(&t.data, 1);
		if (t.data.err || b1 != TLS_MAJOR)
			return HK_PARSE_NOMATCH;
		return s7p_tls(ctx, out);
	default:
		return HK_PARSE_NOMATCH;
	}
}
