/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SNMP v1 and v2c: what an agent says about itself when it answers a poll or
 * sends a notification.
 *
 * References:
 *   RFC 1157 4 (SNMPv1 message and PDUs, 4.1.6 Trap-PDU); RFC 3416 3 (v2
 *   PDUs: GetBulk, InformRequest, SNMPv2-Trap, Report; 4.2.5 and 4.2.7: a
 *   Response to a failed Set or to an Inform echoes the request's values);
 *   RFC 3417 8 (BER, definite lengths only); RFC 1901 3 (v2c message);
 *   RFC 3412 6 (v3 message header); RFC 2578 3.5 and 7.1.3 (at most 128
 *   sub-identifiers, each at most 2^32-1); ITU-T X.690 (2021) 8.1.2 (tags),
 *   8.1.3 (lengths), 8.3 (INTEGER), 8.19 (OBJECT IDENTIFIER: 8.19.2, the
 *   leading octet of a sub-identifier shall not be 0x80); RFC 3418 (system
 *   group: sysDescr .1.1, sysObjectID .1.2, sysContact .1.4, sysName .1.5,
 *   sysLocation .1.6; snmpTrapOID.0 = 1.3.6.1.6.3.1.1.4.1.0); RFC 6933
 *   (ENTITY-MIB entPhysicalEntry 1.3.6.1.2.1.47.1.1.1.1: 8 HardwareRev,
 *   9 FirmwareRev, 10 SoftwareRev, 11 SerialNum, 12 MfgName, 13 ModelName).
 *
 * A UDP payload (ports 161 agent, 162 notification receiver) is one BER
 * message; every element is | tag 1 | length 1 or 0x8N + N bytes | value |:
 *   30 L  Message SEQUENCE
 *     02 L  version INTEGER (0 v1, 1 v2c, 3 v3)
 *     04 L  community OCTET STRING          (a password: never emitted)
 *     aX L  PDU, X = 0 Get, 1 GetNext, 2 Response, 3 Set, 5 GetBulk,
 *                    6 Inform, 7 SNMPv2-Trap, 8 Report:
 *       02 L request-id | 02 L error-status | 02 L error-index
 *       30 L  variable-bindings, a SEQUENCE OF
 *         30 L  VarBind { 06 L name OID | value }
 *     a4 L  v1 Trap-PDU:
 *       06 L enterprise | 40 04 agent-addr | 02 L generic-trap |
 *       02 L specific-trap | 43 L time-stamp | 30 L variable-bindings
 *   value: 02 INTEGER, 04 OCTET STRING, 05 NULL, 06 OID, 40 IpAddress,
 *   41 Counter32, 42 Gauge32, 43 TimeTicks, 44 Opaque, 46 Counter64,
 *   47 UInteger32, 80 noSuchObject, 81 noSuchInstance, 82 endOfMibView.
 *   v3 (RFC 3412): 30 L | 02 01 03 | 30 L msgGlobalData | ... : the scoped
 *   PDU is usually encrypted or authenticated, so for v3 we only note the
 *   version (RAW snmp.version "3") and read no further.
 *
 * Identity direction: a Response, v1 Trap, SNMPv2-Trap, Inform or Report
 * describes its sender, the agent (side SRC). Requests (Get, GetNext,
 * GetBulk, Set) describe nothing: their values are the manager's wishes.
 * Two echoes are not the agent speaking either, and say nothing: a Response
 * with a non-zero error-status (a failed Set returns the values the manager
 * tried to set), and a Response to an Inform (sent from port 162, or
 * carrying snmpTrapOID.0), which echoes the notifier's bindings.
 *
 * Hostile input this defends against: each element is a sub-cursor of its
 * length, so no field reads its sibling; lengths are definite and at most 4
 * bytes long (indefinite form and high tag numbers are refused); OIDs are
 * decoded with at most SNMP_OID_ARCS_MAX arcs of at most 32 bits each; the
 * binding walk stops after SNMP_VARBINDS_MAX (the rest is not read, the PDU
 * says what its first bindings said). The whole message is checked before
 * anything is said: a message that contradicts itself anywhere says nothing
 * and is MALFORMED; one whose outer length runs past the datagram (a
 * snapshot cut) is TRUNCATED and says nothing. Bytes after the message in
 * the datagram are ignored. Strings are escaped and cut by the cursor.
 * Leniencies, because agents in the field do this: non-minimal long-form
 * lengths (0x82 0x00 0x35) are read, and the PDU type is not checked
 * against the version (a v1 Trap-PDU in a v2c message is read as such).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "proto/proto.h"

#define SNMP_PORT_TRAP 162
#define SNMP_VARBINDS_MAX 512   /* a full 64 KB GetBulk response could hold more; identity comes first */
#define SNMP_OID_ARCS_MAX 128   /* RFC 2578 3.5 */
#define SNMP_INT_LEN_MAX 8      /* INTEGER contents we decode (int64) */
#define BER_LEN_BYTES_MAX 4     /* long-form length octets: a message is < 64 KB anyway */
#define SNMP_IPADDRESS_LEN 4

enum snmp_version {
	SNMP_V1 = 0,
	SNMP_V2C = 1,
	SNMP_V3 = 3,
};

enum ber_tag {
	BER_INTEGER = 0x02,
	BER_OCTET_STRING = 0x04,
	BER_NULL = 0x05,
	BER_OID = 0x06,
	BER_SEQUENCE = 0x30,
	SNMP_IPADDRESS = 0x40,
	SNMP_TIMETICKS = 0x43,
	SNMP_NO_SUCH_OBJECT = 0x80,
	SNMP_NO_SUCH_INSTANCE = 0x81,
	SNMP_END_OF_MIB_VIEW = 0x82,
};
#define BER_CONSTRUCTED 0x20
#define BER_TAG_NUMBER_MASK 0x1f /* 0x1f: high tag number form */
#define BER_LEN_LONG 0x80

enum snmp_pdu {
	SNMP_PDU_GET = 0xa0,
	SNMP_PDU_GETNEXT = 0xa1,
	SNMP_PDU_RESPONSE = 0xa2,
	SNMP_PDU_SET = 0xa3,
	SNMP_PDU_TRAP_V1 = 0xa4,
	SNMP_PDU_GETBULK = 0xa5,
	SNMP_PDU_INFORM = 0xa6,
	SNMP_PDU_TRAP_V2 = 0xa7,
	SNMP_PDU_REPORT = 0xa8,
};

/* MIB-2 system group (RFC 3418): 1.3.6.1.2.1.1.<column>.0 */
enum snmp_system_column {
	SYS_DESCR = 1,
	SYS_OBJECT_ID = 2,
	SYS_CONTACT = 4, /* a person: never emitted */
	SYS_NAME = 5,
	SYS_LOCATION = 6,
};

/* ENTITY-MIB entPhysicalEntry columns (RFC 6933) */
enum snmp_entity_column {
	ENT_HARDWARE_REV = 8,
	ENT_FIRMWARE_REV = 9,
	ENT_SOFTWARE_REV = 10,
	ENT_SERIAL_NUM = 11,
	ENT_MFG_NAME = 12,
	ENT_MODEL_NAME = 13,
};

struct snmp_oid {
	uint32_t arc[SNMP_OID_ARCS_MAX];
	size_t n;
};

/* What one walk over the bindings learnt. */
struct snmp_walk {
	struct hk_obs_sink *out; /* NULL: check only */
	bool has_trap_oid;       /* snmpTrapOID.0 among the bindings */
	bool has_entity;
	uint32_t entity_index;   /* the first entPhysicalIndex seen */
};

static const uint32_t oid_system[] = { 1, 3, 6, 1, 2, 1, 1 };
static const uint32_t oid_enterprises[] = { 1, 3, 6, 1, 4, 1 };
static const uint32_t oid_snmp_trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
static const uint32_t oid_ent_physical_entry[] = { 1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1 };
#define OID_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * One TLV: its tag, and its value as a sub-cursor; the parent moves past it.
 * False with c->err set: ETRUNC when the bytes run out, EINVAL for an
 * encoding SNMP never uses (high tag number, indefinite or > 4-byte length).
 */
static bool ber_tlv(struct hk_cur *c, uint8_t *ret_tag, struct hk_cur *ret_val)
{
	uint8_t tag, b;
	size_t len = 0;

	tag = hk_cur_u8(c);
	b = hk_cur_u8(c);
	if (!hk_cur_ok(c))
		return false;
	if ((tag & BER_TAG_NUMBER_MASK) == BER_TAG_NUMBER_MASK) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return false;
	}
	if (b & BER_LEN_LONG) {
		unsigned n = b & 0x7f;

		if (n == 0 || n > BER_LEN_BYTES_MAX) {
			hk_cur_fail(c, HK_CUR_EINVAL);
			return false;
		}
		for (unsigned i = 0; i < n; i++)
			len = (len << 8) | hk_cur_u8(c);
	} else {
		len = b;
	}
	*ret_val = hk_cur_sub(c, len);
	if (!hk_cur_ok(c))
		return false;
	*ret_tag = tag;
	return true;
}

/* A TLV that must carry this tag. */
static bool ber_expect(struct hk_cur *c, uint8_t tag, struct hk_cur *ret_val)
{
	uint8_t t;

	if (!ber_tlv(c, &t, ret_val))
		return false;
	if (t != tag) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return false;
	}
	return true;
}

/* An INTEGER (or an application type encoded like one) of 1..8 octets. */
static bool ber_int(struct hk_cur *c, uint8_t tag, int64_t *ret)
{
	struct hk_cur v;
	size_t n;
	uint64_t u;

	if (!ber_expect(c, tag, &v))
		return false;
	n = hk_cur_left(&v);
	if (n == 0 || n > SNMP_INT_LEN_MAX) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return false;
	}
	u = hk_cur_u8(&v);
	u = (u & 0x80) ? (UINT64_MAX << 8) | u : u; /* sign-extend the first octet */
	while (hk_cur_left(&v) > 0)
		u = (u << 8) | hk_cur_u8(&v);
	*ret = (int64_t)u;
	return true;
}

/*
 * An OID's contents (X.690 8.19): base-128 sub-identifiers, the first one
 * holding the first two arcs. False (EINVAL on c) when it is empty, a
 * sub-identifier is cut, padded with a leading 0x80 or above 32 bits, or
 * there are more than SNMP_OID_ARCS_MAX arcs.
 */
static bool oid_decode(struct hk_cur *c, struct hk_cur v, struct snmp_oid *ret)
{
	bool first = true;

	ret->n = 0;
	if (hk_cur_left(&v) == 0)
		goto bad;
	while (hk_cur_left(&v) > 0) {
		uint32_t sub = 0;
		uint8_t b = hk_cur_peek_u8(&v, 0);

		if (b == 0x80)
			goto bad;
		do {
			b = hk_cur_u8(&v);
			if (!hk_cur_ok(&v) || sub > (UINT32_MAX >> 7))
				goto bad; /* cut inside a sub-identifier, or more than 32 bits */
			sub = (sub << 7) | (b & 0x7f);
		} while (b & 0x80);
		if (ret->n + (first ? 2 : 1) > SNMP_OID_ARCS_MAX)
			goto bad;
		if (first) {
			ret->arc[0] = sub < 40 ? 0 : sub < 80 ? 1 : 2;
			ret->arc[1] = sub - 40 * ret->arc[0];
			ret->n = 2;
			first = false;
		} else {
			ret->arc[ret->n++] = sub;
		}
	}
	return true;
bad:
	hk_cur_fail(c, HK_CUR_EINVAL);
	return false;
}

static bool oid_has_prefix(const struct snmp_oid *o, const uint32_t *p, size_t n)
{
	return o->n >= n && memcmp(o->arc, p, n * sizeof(*p)) == 0;
}

/* 1.3.6.1.2.1.1.<column>.0 */
static bool oid_is_system(const struct snmp_oid *o, uint32_t column)
{
	return o->n == OID_LEN(oid_system) + 2 && oid_has_prefix(o, oid_system, OID_LEN(oid_system)) &&
	       o->arc[OID_LEN(oid_system)] == column && o->arc[OID_LEN(oid_system) + 1] == 0;
}

/* Dotted text; a text that does not fit is cut after a whole arc and ends "...". */
static void oid_fmt(const struct snmp_oid *o, char *dst, size_t dstsz)
{
	size_t off = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < o->n; i++) {
		char arc[16];
		int n = snprintf(arc, sizeof(arc), "%s%" PRIu32, i ? "." : "", o->arc[i]);
		size_t need = (size_t)n + 1 + (i + 1 < o->n ? 3 : 0); /* room for "..." unless last */

		if (n < 0 || need > dstsz - off) {
			snprintf(dst + off, dstsz - off, "...");
			return;
		}
		memcpy(dst + off, arc, (size_t)n + 1);
		off += (size_t)n;
	}
}

/*
 * All of v as an escaped string. Trailing NUL padding (a C terminator some
 * agents include; tshark shows it) is left out; any other NUL is escaped
 * like every non-printable byte.
 */
static void read_text(struct hk_cur v, char *dst, size_t dstsz)
{
	size_t n = hk_cur_left(&v);
	long nul = hk_cur_find(&v, 0);

	if (nul >= 0) {
		struct hk_cur t = v;
		bool pad = true;

		hk_cur_skip(&t, (size_t)nul);
		while (pad && hk_cur_left(&t) > 0)
			pad = hk_cur_u8(&t) == 0;
		if (pad)
			n = (size_t)nul;
	}
	hk_cur_str(&v, n, dst, dstsz);
}

static void emit_text(struct snmp_walk *w, uint8_t tag, struct hk_cur v, enum hk_obs_kind kind,
		      uint8_t conf, const char *source)
{
	char val[HK_OBS_VALUE_MAX];

	if (tag != BER_OCTET_STRING)
		return; /* noSuchObject, NULL, a wrong type: the agent said nothing */
	read_text(v, val, sizeof(val));
	hk_obs_emit(w->out, kind, HK_SIDE_SRC, conf, source, val);
}

static void emit_oid(struct snmp_walk *w, const struct snmp_oid *o, const char *source)
{
	char val[HK_OBS_VALUE_MAX];

	oid_fmt(o, val, sizeof(val));
	hk_obs_emit(w->out, HK_OBS_RAW, HK_SIDE_SRC, 50, source, val);
}

/* sysObjectID.0: the OID, and the private enterprise number under 1.3.6.1.4.1 */
static void emit_sysobjectid(struct snmp_walk *w, const struct snmp_oid *o)
{
	char num[16];

	emit_oid(w, o, "snmp.sysobjectid");
	if (o->n > OID_LEN(oid_enterprises) && oid_has_prefix(o, oid_enterprises, OID_LEN(oid_enterprises))) {
		snprintf(num, sizeof(num), "%" PRIu32, o->arc[OID_LEN(oid_enterprises)]);
		hk_obs_emit(w->out, HK_OBS_RAW, HK_SIDE_SRC, 50, "snmp.enterprise", num);
	}
}

/* entPhysicalEntry.<column>.<index>: only the first index seen speaks. */
static void emit_entity(struct snmp_walk *w, const struct snmp_oid *name, uint8_t tag, struct hk_cur v)
{
	size_t base = OID_LEN(oid_ent_physical_entry);
	uint32_t column = name->arc[base], index = name->arc[base + 1];

	if (tag != BER_OCTET_STRING)
		return;
	if (!w->has_entity) {
		w->has_entity = true;
		w->entity_index = index;
	}
	if (index != w->entity_index)
		return;
	switch (column) {
	case ENT_SERIAL_NUM:
		emit_text(w, tag, v, HK_OBS_SERIAL, 80, "snmp.entity.serial");
		break;
	case ENT_MODEL_NAME:
		emit_text(w, tag, v, HK_OBS_MODEL, 80, "snmp.entity.model_name");
		break;
	case ENT_MFG_NAME:
		emit_text(w, tag, v, HK_OBS_VENDOR, 80, "snmp.entity.mfg_name");
		break;
	case ENT_SOFTWARE_REV:
		emit_text(w, tag, v, HK_OBS_FIRMWARE, 80, "snmp.entity.software_rev");
		break;
	case ENT_FIRMWARE_REV:
		emit_text(w, tag, v, HK_OBS_FIRMWARE, 80, "snmp.entity.firmware_rev");
		break;
	case ENT_HARDWARE_REV:
		/* no hardware-revision attribute: a fingerprint, as LLDP-MED's */
		emit_text(w, tag, v, HK_OBS_RAW, 50, "snmp.entity.hardware_rev");
		break;
	default:
		break; /* descr, class, names, FRU, URIs, ...: not identity, or not of this device */
	}
}

/* What one whole, valid binding says. */
static void snmp_binding(struct snmp_walk *w, const struct snmp_oid *name, uint8_t tag, struct hk_cur v,
			 const struct snmp_oid *value_oid)
{
	if (oid_has_prefix(name, oid_snmp_trap_oid, OID_LEN(oid_snmp_trap_oid)) &&
	    name->n == OID_LEN(oid_snmp_trap_oid)) {
		w->has_trap_oid = true;
		if (w->out && tag == BER_OID)
			emit_oid(w, value_oid, "snmp.trap_oid");
		return;
	}
	if (!w->out)
		return;
	if (oid_is_system(name, SYS_DESCR))
		emit_text(w, tag, v, HK_OBS_SOFTWARE, 50, "snmp.sysdescr");
	else if (oid_is_system(name, SYS_OBJECT_ID) && tag == BER_OID)
		emit_sysobjectid(w, value_oid);
	else if (oid_is_system(name, SYS_NAME))
		emit_text(w, tag, v, HK_OBS_HOSTNAME, 80, "snmp.sysname");
	else if (oid_is_system(name, SYS_LOCATION))
		emit_text(w, tag, v, HK_OBS_RAW, 50, "snmp.syslocation");
	else if (name->n == OID_LEN(oid_ent_physical_entry) + 2 &&
		 oid_has_prefix(name, oid_ent_physical_entry, OID_LEN(oid_ent_physical_entry)))
		emit_entity(w, name, tag, v);
	/* sysContact names a person: never emitted; everything else is not identity */
}

/*
 * Walks the variable-bindings (the contents of its SEQUENCE). False with
 * vbl->err set when a binding contradicts itself; reads at most
 * SNMP_VARBINDS_MAX bindings.
 */
static bool snmp_varbinds(struct hk_cur *vbl, struct snmp_walk *w)
{
	struct snmp_oid name, value_oid;

	for (size_t i = 0; i < SNMP_VARBINDS_MAX && hk_cur_left(vbl) > 0; i++) {
		struct hk_cur vb, n, v;
		uint8_t tag;

		if (!ber_expect(vbl, BER_SEQUENCE, &vb))
			return false;
		if (!ber_expect(&vb, BER_OID, &n) || !ber_tlv(&vb, &tag, &v) || hk_cur_left(&vb) != 0 ||
		    !oid_decode(&vb, n, &name)) {
			hk_cur_fail(vbl, HK_CUR_EINVAL); /* a binding is exactly { name, value } */
			return false;
		}
		value_oid.n = 0;
		switch (tag) {
		case BER_NULL:
		case SNMP_NO_SUCH_OBJECT:
		case SNMP_NO_SUCH_INSTANCE:
		case SNMP_END_OF_MIB_VIEW:
			if (hk_cur_left(&v) != 0)
				hk_cur_fail(vbl, HK_CUR_EINVAL);
			break;
		case BER_OID:
			oid_decode(vbl, v, &value_oid);
			break;
		case SNMP_IPADDRESS:
			if (hk_cur_left(&v) != SNMP_IPADDRESS_LEN)
				hk_cur_fail(vbl, HK_CUR_EINVAL);
			break;
		default:
			/* SNMP values are primitive; INTEGER, strings, counters,
			 * Opaque and types we do not know are not read */
			if (tag & BER_CONSTRUCTED)
				hk_cur_fail(vbl, HK_CUR_EINVAL);
			break;
		}
		if (!hk_cur_ok(vbl))
			return false;
		snmp_binding(w, &name, tag, v, &value_oid);
	}
	return true;
}

/* The PDU's contents up to its bindings. */
struct snmp_pdu_head {
	int64_t error_status;   /* 0 for traps */
	bool has_enterprise;
	struct snmp_oid enterprise; /* v1 Trap */
	struct hk_cur vbl;      /* the bindings' contents */
};

static bool snmp_pdu_head(struct hk_cur *pdu, uint8_t type, struct snmp_pdu_head *ret)
{
	struct hk_cur v;
	int64_t i;

	ret->error_status = 0;
	ret->has_enterprise = false;
	if (type == SNMP_PDU_TRAP_V1) {
		if (!ber_expect(pdu, BER_OID, &v) || !oid_decode(pdu, v, &ret->enterprise))
			return false;
		ret->has_enterprise = true;
		if (!ber_expect(pdu, SNMP_IPADDRESS, &v))
			return false;
		if (hk_cur_left(&v) != SNMP_IPADDRESS_LEN) {
			hk_cur_fail(pdu, HK_CUR_EINVAL);
			return false;
		}
		if (!ber_int(pdu, BER_INTEGER, &i) || !ber_int(pdu, BER_INTEGER, &i) ||
		    !ber_int(pdu, SNMP_TIMETICKS, &i))
			return false; /* generic-trap, specific-trap, time-stamp */
	} else {
		if (!ber_int(pdu, BER_INTEGER, &i) || !ber_int(pdu, BER_INTEGER, &ret->error_status) ||
		    !ber_int(pdu, BER_INTEGER, &i))
			return false; /* request-id, error-status (or non-repeaters), error-index */
	}
	if (!ber_expect(pdu, BER_SEQUENCE, &ret->vbl))
		return false;
	if (hk_cur_left(pdu) != 0) {
		hk_cur_fail(pdu, HK_CUR_EINVAL); /* nothing follows the bindings */
		return false;
	}
	return true;
}

static bool pdu_describes_agent(uint8_t type)
{
	return type == SNMP_PDU_RESPONSE || type == SNMP_PDU_TRAP_V1 || type == SNMP_PDU_INFORM ||
	       type == SNMP_PDU_TRAP_V2 || type == SNMP_PDU_REPORT;
}

/* v1/v2c: the rest of a whole message after its version. */
static enum hk_parse_result snmp_v1v2c(struct hk_cur *msg, const struct hk_parse_ctx *ctx,
				       struct hk_obs_sink *out)
{
	struct snmp_pdu_head head;
	struct snmp_walk w = { .out = NULL };
	struct hk_cur community, pdu, vbl;
	uint8_t type;
	char val[HK_OBS_VALUE_MAX];

	if (!ber_expect(msg, BER_OCTET_STRING, &community))
		return HK_PARSE_MALFORMED;
	/* the community is a password: skipped unread */
	if (!ber_tlv(msg, &type, &pdu) || hk_cur_left(msg) != 0)
		return HK_PARSE_MALFORMED;
	if (type < SNMP_PDU_GET || type > SNMP_PDU_REPORT)
		return HK_PARSE_MALFORMED;
	if (!snmp_pdu_head(&pdu, type, &head))
		return HK_PARSE_MALFORMED;
	/* first pass: the bindings are checked before anything is said */
	vbl = head.vbl;
	if (!snmp_varbinds(&vbl, &w))
		return HK_PARSE_MALFORMED;
	if (!pdu_describes_agent(type) || head.error_status != 0)
		return HK_PARSE_OK;
	if (type == SNMP_PDU_RESPONSE && (ctx->sport == SNMP_PORT_TRAP || w.has_trap_oid))
		return HK_PARSE_OK; /* an Inform's acknowledgment echoes the notifier */
	if (head.has_enterprise) {
		oid_fmt(&head.enterprise, val, sizeof(val));
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, 50, "snmp.trap_oid", val);
	}
	w = (struct snmp_walk){ .out = out };
	vbl = head.vbl;
	snmp_varbinds(&vbl, &w);
	return HK_PARSE_OK;
}

/* SNMP versions we read: v1 and v2c, and v3 to note it. */
static bool snmp_version_known(int64_t version)
{
	return version == SNMP_V1 || version == SNMP_V2C || version == SNMP_V3;
}

/*
 * A message whose outer SEQUENCE runs past the datagram (c is after its
 * header): TRUNCATED when what is there could be SNMP, NOMATCH when it
 * cannot.
 */
static enum hk_parse_result snmp_cut(struct hk_cur *c)
{
	int64_t version;
	uint8_t tag = hk_cur_peek_u8(c, 0);

	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (tag != BER_INTEGER)
		return HK_PARSE_NOMATCH;
	if (!ber_int(c, BER_INTEGER, &version))
		return c->err == HK_CUR_EINVAL ? HK_PARSE_NOMATCH : HK_PARSE_TRUNCATED;
	return snmp_version_known(version) ? HK_PARSE_TRUNCATED : HK_PARSE_NOMATCH;
}

enum hk_parse_result proto_snmp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct hk_cur probe, msg, v;
	int64_t version;
	uint8_t tag;

	if (ctx->l4 != 17)
		return HK_PARSE_NOMATCH;
	tag = hk_cur_peek_u8(c, 0);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (tag != BER_SEQUENCE)
		return HK_PARSE_NOMATCH;
	probe = *c;
	if (!ber_tlv(&probe, &tag, &msg)) {
		uint8_t b;

		if (probe.err == HK_CUR_EINVAL)
			return HK_PARSE_NOMATCH; /* indefinite or 5+ byte length: not SNMP */
		/* the message runs past the datagram: is what is there SNMP? */
		probe = *c;
		hk_cur_skip(&probe, 1);
		b = hk_cur_u8(&probe);
		if (b & BER_LEN_LONG)
			hk_cur_skip(&probe, b & 0x7f);
		if (!hk_cur_ok(&probe))
			return HK_PARSE_TRUNCATED;
		return snmp_cut(&probe);
	}
	*c = probe; /* bytes after the message are ignored */
	if (!ber_int(&msg, BER_INTEGER, &version) || !snmp_version_known(version))
		return HK_PARSE_NOMATCH; /* v2u/v2* (2) never took off; anything else is not SNMP */
	if (version != SNMP_V3)
		return snmp_v1v2c(&msg, ctx, out);
	/* v3: msgGlobalData must follow; the rest is usually sealed, so unread */
	if (!ber_tlv(&msg, &tag, &v) || tag != BER_SEQUENCE)
		return HK_PARSE_MALFORMED;
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, 50, "snmp.version", "3");
	return HK_PARSE_OK;
}
