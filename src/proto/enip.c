/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EtherNet/IP and CIP: what a device says when a scanner, an engineering
 * station or a SCADA asks who it is.
 *
 * References:
 *   ODVA, The CIP Networks Library Volume 2, EtherNet/IP Adaptation of CIP
 *   (edition 1.2x), chapter 2: 2-3 encapsulation header (24 bytes, little-
 *   endian), 2-4 commands (0x0004 ListServices, 0x0063 ListIdentity, 0x0064
 *   ListInterfaces, 0x0065 RegisterSession, 0x0066 UnRegisterSession,
 *   0x006F SendRRData, 0x0070 SendUnitData, 0x0072 IndicateStatus, 0x0073
 *   Cancel, 0x0000 NOP), 2-4.3 ListIdentity reply and its CIP Identity item
 *   (type 0x000C), 2-6 Common Packet Format (item count, typed items: 0x0000
 *   null address, 0x00A1 connected address, 0x8002 sequenced address, 0x00B2
 *   unconnected data, 0x00B1 connected data with a 2-byte sequence count),
 *   3-2 UDP port 2222 class 0/1 implicit I/O (CPF without encapsulation);
 *   ODVA, The CIP Networks Library Volume 1, Common Industrial Protocol:
 *   2-4 message router request/response format (service | 0x80 in a reply,
 *   general status, additional status words), 4-4 Multiple Service Packet
 *   (0x0A: service count, offsets from the count), 5-2 Identity object
 *   (class 0x01): attributes 1 vendor ID, 2 device type, 3 product code,
 *   4 revision (major, minor), 5 status, 6 serial number, 7 product name
 *   (SHORT_STRING), 8 state, 9 configuration consistency value, 10 heartbeat
 *   interval; 6-7 the device profiles (device type numbers).
 *
 *   encapsulation (all little-endian):
 *   +-----------+-----------+------------------+-----------+
 *   | command 2 | length 2  | session handle 4 | status 4  |
 *   +-----------+-----------+------------------+-----------+
 *   | sender context 8      | options 4        | data (length) ...
 *
 *   ListIdentity reply data:  | item count 2 | { type 2 | len 2 | data } ... |
 *   CIP Identity item 0x000C:
 *   | encap version 2 | sin_family 2 BE | sin_port 2 BE | sin_addr 4 BE |
 *   | sin_zero 8 | vendor 2 | device type 2 | product code 2 |
 *   | rev major 1 | rev minor 1 | status 2 | serial 4 | name len 1 |
 *   | name (len) | state 1 |
 *
 *   SendRRData / SendUnitData data:
 *   | interface handle 4 | timeout 2 | item count 2 | items ... |
 *   CIP request:  | service 1 | path words 1 | path (2 x words) | data |
 *   CIP reply:    | service|0x80 | reserved 1 | general status 1 |
 *                 | additional status words 1 | additional status | data |
 *   Get_Attributes_All (0x01) reply of the Identity object: the identity
 *   attributes from "vendor" on, as in the item above, optionally followed
 *   by attributes 8 (1 byte), 9 (2) and 10 (1).
 *   Multiple Service Packet (0x0A) reply data:
 *   | count 2 | offset 2 x count (from the count) | replies ... |
 *
 *   UDP 2222: | item count 2 | 0x8002 len 8 (connection id, sequence) |
 *             | 0x00B1 len n (I/O data) |
 *
 * Identity direction: a ListIdentity reply and a CIP reply describe their
 * sender (side SRC): a device answers for itself. The CIP Identity item
 * also carries the device's own IPv4 socket address, which we report as an
 * address the sender owns. A request says only that its sender is a
 * client (a scanner, a PLC reading another, an engineering station).
 *
 * Which CIP replies are identity: this parser is stateless and never sees
 * the request of a reply, so a Get_Attributes_All reply is read as the
 * Identity object only when its data has exactly that layout (the product
 * name length ends the data, or the data ends after attributes 8, 9 or 10;
 * a printable name; major revision 1..127) and the observations are then
 * 10 points less confident than ListIdentity's. Get_Attribute_Single
 * replies (0x8E) carry one value of an attribute we cannot name: skipped.
 * UDP 2222 implicit I/O is recognised (OK) and says nothing.
 *
 * Emitted (side SRC):
 *   enip.socket_addr  IP 80          enip.vendor_id      RAW 50 (decimal)
 *   enip.device_type  RAW 50 (decimal) and ROLE 80 for the profiles that
 *                     name one: 14 plc, 24 hmi, 44 switch
 *   enip.product_code RAW 50         enip.revision       FIRMWARE 85 "20.11"
 *   enip.status       RAW 50 "0x0030"
 *   enip.serial       SERIAL 90 "0x%08x" (lower-case hex, as tshark and
 *                     nmap print it)
 *   enip.product_name MODEL 90
 *   enip.cip.*        the same from a Get_Attributes_All reply, confidence
 *                     minus 10
 *   enip.role         RAW 50 "client" (a request) / "server" (a reply)
 *
 * Hostile input this defends against: the command is checked against the
 * commands of the spec (else NOMATCH) and the options word must be 0; the
 * encapsulation length gets a sub-cursor (a datagram shorter than it is
 * TRUNCATED; on TCP the flow layer frames exactly one message); item
 * counts are bounded by ENIP_ITEMS_MAX, Multiple Service Packet counts by
 * CIP_SERVICES_MAX (the rest is not read), every item and every embedded
 * reply is a sub-cursor of its length or offsets (offsets must lie inside
 * the reply data, in order, after the offset table); Multiple Service
 * Packets do not nest; a message whose inner lengths lie is MALFORMED and
 * says nothing (what it said before the lie is taken back). Strings
 * are escaped and cut by the cursor.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "herkomst/packet.h"
#include "proto/proto.h"

#define ENIP_PORT 44818
#define ENIP_IO_PORT 2222
#define ENIP_ITEMS_MAX 8     /* CPF items read per message; real ones carry 1..4 */
#define CIP_SERVICES_MAX 64  /* replies read from one Multiple Service Packet */
#define CIP_DEPTH_MAX 1      /* a Multiple Service Packet inside another is not read */

#define ENIP_CMD_NOP 0x0000
#define ENIP_CMD_LIST_SERVICES 0x0004
#define ENIP_CMD_LIST_IDENTITY 0x0063
#define ENIP_CMD_LIST_INTERFACES 0x0064
#define ENIP_CMD_REGISTER_SESSION 0x0065
#define ENIP_CMD_UNREGISTER_SESSION 0x0066
#define ENIP_CMD_SEND_RR_DATA 0x006f
#define ENIP_CMD_SEND_UNIT_DATA 0x0070
#define ENIP_CMD_INDICATE_STATUS 0x0072
#define ENIP_CMD_CANCEL 0x0073

#define CPF_CIP_IDENTITY 0x000c
#define CPF_CONNECTED_DATA 0x00b1
#define CPF_UNCONNECTED_DATA 0x00b2
#define CPF_SEQUENCED_ADDRESS 0x8002
#define CPF_CONNECTED_ADDRESS 0x00a1

#define CIP_REPLY 0x80
#define CIP_GET_ATTRIBUTES_ALL 0x01
#define CIP_MULTIPLE_SERVICE 0x0a
#define CIP_EMBEDDED_ERROR 0x1e /* general status: embedded service error */

#define CIP_IDENTITY_FIXED 14 /* vendor .. serial */
#define SOCKADDR_AF_INET 2

#define CONF_RAW 50
#define CONF_IP 80
#define CONF_ROLE 80
#define CONF_REVISION 85
#define CONF_SERIAL 90
#define CONF_NAME 90
#define CONF_CIP_LESS 10 /* a Get_Attributes_All reply recognised by its layout */

/* What one call has said already. */
struct enip_said {
	bool client, server;
};

/* The Identity object's attributes 1..7, as both messages carry them. */
struct cip_identity {
	uint16_t vendor, device_type, product_code, status;
	uint8_t major, minor;
	uint32_t serial;
	struct hk_cur name;
};

static bool command_known(uint16_t cmd)
{
	switch (cmd) {
	case ENIP_CMD_NOP:
	case ENIP_CMD_LIST_SERVICES:
	case ENIP_CMD_LIST_IDENTITY:
	case ENIP_CMD_LIST_INTERFACES:
	case ENIP_CMD_REGISTER_SESSION:
	case ENIP_CMD_UNREGISTER_SESSION:
	case ENIP_CMD_SEND_RR_DATA:
	case ENIP_CMD_SEND_UNIT_DATA:
	case ENIP_CMD_INDICATE_STATUS:
	case ENIP_CMD_CANCEL:
		return true;
	default:
		return false;
	}
}

/* The role a device profile names (CIP Vol. 1 ch. 6), or NULL. */
static const char *profile_role(uint16_t device_type)
{
	switch (device_type) {
	case 0x0e:
		return "plc"; /* Programmable Logic Controller */
	case 0x18:
		return "hmi"; /* Human-Machine Interface */
	case 0x2c:
		return "switch"; /* Managed Ethernet Switch */
	default:
		/* 0x0c communications adapter, 0x2b generic device and the
		 * drives, valves and I/O profiles name no role of ours */
		return NULL;
	}
}

static void say_role(struct enip_said *said, bool reply, struct hk_obs_sink *out)
{
	bool *flag = reply ? &said->server : &said->client;

	if (!*flag)
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "enip.role", reply ? "server" : "client");
	*flag = true;
}

/* Attributes 1..6 and the name's length: false when they do not fit. */
static bool identity_read(struct hk_cur *c, struct cip_identity *id)
{
	uint8_t n;

	id->vendor = hk_cur_le16(c);
	id->device_type = hk_cur_le16(c);
	id->product_code = hk_cur_le16(c);
	id->major = hk_cur_u8(c);
	id->minor = hk_cur_u8(c);
	id->status = hk_cur_le16(c);
	id->serial = hk_cur_le32(c);
	n = hk_cur_u8(c);
	id->name = hk_cur_sub(c, n);
	return hk_cur_ok(c);
}

static void identity_emit(const struct cip_identity *id, const char *prefix, uint8_t less,
			  struct hk_obs_sink *out)
{
	char src[HK_OBS_SOURCE_MAX], val[HK_OBS_VALUE_MAX];
	const char *role = profile_role(id->device_type);
	struct hk_cur name = id->name;

#define SRC(field) (snprintf(src, sizeof(src), "%s.%s", prefix, field), src)
	snprintf(val, sizeof(val), "%u", id->vendor);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, SRC("vendor_id"), val);
	snprintf(val, sizeof(val), "%u", id->device_type);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, SRC("device_type"), val);
	if (role)
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, CONF_ROLE - less, SRC("device_type"), role);
	snprintf(val, sizeof(val), "%u", id->product_code);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, SRC("product_code"), val);
	snprintf(val, sizeof(val), "%u.%u", id->major, id->minor);
	hk_obs_emit(out, HK_OBS_FIRMWARE, HK_SIDE_SRC, CONF_REVISION - less, SRC("revision"), val);
	snprintf(val, sizeof(val), "0x%04x", id->status);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, SRC("status"), val);
	snprintf(val, sizeof(val), "0x%08x", (unsigned)id->serial);
	hk_obs_emit(out, HK_OBS_SERIAL, HK_SIDE_SRC, CONF_SERIAL - less, SRC("serial"), val);
	if (hk_cur_str(&name, hk_cur_left(&name), val, sizeof(val)))
		hk_obs_emit(out, HK_OBS_MODEL, HK_SIDE_SRC, CONF_NAME - less, SRC("product_name"), val);
#undef SRC
}

/* The CIP Identity item of a ListIdentity reply; false when it lies. */
static bool identity_item(struct hk_cur it, struct hk_obs_sink *out)
{
	struct cip_identity id;
	struct hk_addr a = {.family = 4};
	char buf[HK_ADDR_STRLEN];
	uint16_t family;

	hk_cur_skip(&it, 2); /* encapsulation protocol version */
	family = hk_cur_be16(&it);
	hk_cur_skip(&it, 2); /* sin_port */
	hk_cur_copy(&it, a.a, 4);
	hk_cur_skip(&it, 8); /* sin_zero */
	if (!identity_read(&it, &id))
		return false;
	/* the state byte that follows is not identity; some stacks omit it */
	if (family == SOCKADDR_AF_INET && hk_addr_is_unicast(&a))
		hk_obs_emit(out, HK_OBS_IP, HK_SIDE_SRC, CONF_IP, "enip.socket_addr", hk_addr_fmt(&a, buf));
	identity_emit(&id, "enip", 0, out);
	return true;
}

static enum hk_parse_result list_identity(struct hk_cur d, struct enip_said *said, struct hk_obs_sink *out)
{
	uint16_t n;

	if (hk_cur_left(&d) == 0) {
		say_role(said, false, out); /* the request has no data */
		return HK_PARSE_OK;
	}
	n = hk_cur_le16(&d);
	if (!hk_cur_ok(&d))
		return HK_PARSE_MALFORMED;
	say_role(said, true, out);
	for (unsigned i = 0; i < n && i < ENIP_ITEMS_MAX; i++) {
		uint16_t type = hk_cur_le16(&d), len = hk_cur_le16(&d);
		struct hk_cur it = hk_cur_sub(&d, len);

		if (!hk_cur_ok(&d))
			return HK_PARSE_MALFORMED;
		if (type == CPF_CIP_IDENTITY && !identity_item(it, out))
			return HK_PARSE_MALFORMED;
	}
	return HK_PARSE_OK;
}

static bool printable(struct hk_cur s)
{
	size_t n = hk_cur_left(&s);

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = hk_cur_peek_u8(&s, i);
		if (b < 0x20 || b > 0x7e)
			return false;
	}
	return true;
}

/*
 * A Get_Attributes_All reply's data read as the Identity object, when it
 * has exactly its layout (see the header): the identity, else false.
 */
static bool identity_layout(struct hk_cur d, struct cip_identity *id)
{
	size_t rest;

	if (hk_cur_left(&d) < CIP_IDENTITY_FIXED + 1 || !identity_read(&d, id))
		return false;
	rest = hk_cur_left(&d); /* after the name: attributes 8 (1), 9 (2), 10 (1) */
	if (rest != 0 && rest != 1 && rest != 3 && rest != 4)
		return false;
	return id->major >= 1 && id->major <= 127 && printable(id->name);
}

static enum hk_parse_result cip_message(const struct hk_cur *msg, unsigned depth, struct enip_said *said,
					struct hk_obs_sink *out);

/* The replies of a Multiple Service Packet reply (d: its data). */
static enum hk_parse_result multiple_replies(struct hk_cur d, unsigned depth, struct enip_said *said,
					     struct hk_obs_sink *out)
{
	size_t len = hk_cur_left(&d), prev;
	uint16_t n = hk_cur_le16(&d);

	if (!hk_cur_ok(&d) || 2u + 2u * (size_t)n > len)
		return HK_PARSE_MALFORMED;
	prev = 2u + 2u * (size_t)n;
	for (unsigned i = 0; i < n && i < CIP_SERVICES_MAX; i++) {
		size_t start = hk_cur_peek_u8(&d, 2 * i) | (size_t)hk_cur_peek_u8(&d, 2 * i + 1) << 8;
		size_t end = len;
		struct hk_cur r = d, m;
		enum hk_parse_result res;

		if (i + 1u < n)
			end = hk_cur_peek_u8(&d, 2 * i + 2) | (size_t)hk_cur_peek_u8(&d, 2 * i + 3) << 8;
		if (!hk_cur_ok(&d) || start < prev || end < start || end > len)
			return HK_PARSE_MALFORMED;
		prev = start;
		/* d sits after the count: offsets count from the count */
		hk_cur_skip(&r, start - 2);
		m = hk_cur_sub(&r, end - start);
		if (!hk_cur_ok(&r))
			return HK_PARSE_MALFORMED;
		res = cip_message(&m, depth + 1, said, out);
		if (res != HK_PARSE_OK)
			return res;
	}
	return HK_PARSE_OK;
}

/*
 * One CIP message router request or reply. msg by pointer, read field by
 * field (the assertion below keeps that copy whole): passed by value (once
 * per CIP message), the caller copied the cursor it had just built in 8-byte
 * stores with 16-byte loads, which waited for the store buffer (perf: a
 * third of cip_message's samples).
 */
_Static_assert(sizeof(struct hk_cur) == 32 || sizeof(void *) != 8,
	       "cip_message copies struct hk_cur field by field: copy a new field there too");

static enum hk_parse_result cip_message(const struct hk_cur *msg, unsigned depth, struct enip_said *said,
					struct hk_obs_sink *out)
{
	struct hk_cur m = {.base = msg->base, .len = msg->len, .off = msg->off, .err = msg->err};

	uint8_t service = hk_cur_u8(&m), status, words;
	struct cip_identity id;
	struct hk_cur d;

	if (!hk_cur_ok(&m))
		return HK_PARSE_MALFORMED;
	if (!(service & CIP_REPLY)) {
		words = hk_cur_u8(&m);
		hk_cur_skip(&m, 2u * words); /* the request path */
		if (!hk_cur_ok(&m))
			return HK_PARSE_MALFORMED;
		say_role(said, false, out);
		return HK_PARSE_OK;
	}
	hk_cur_skip(&m, 1); /* reserved */
	status = hk_cur_u8(&m);
	words = hk_cur_u8(&m);
	hk_cur_skip(&m, 2u * words); /* additional status */
	d = hk_cur_rest(&m);
	if (!hk_cur_ok(&m))
		return HK_PARSE_MALFORMED;
	say_role(said, true, out);
	/* an error (or a partial transfer): no attribute data to trust; a
	 * Multiple Service Packet with some failed services (0x1E) still
	 * carries the others' replies */
	if (status != 0 && !(status == CIP_EMBEDDED_ERROR && (service & ~CIP_REPLY) == CIP_MULTIPLE_SERVICE))
		return HK_PARSE_OK;
	switch (service & ~CIP_REPLY) {
	case CIP_GET_ATTRIBUTES_ALL:
		if (identity_layout(d, &id))
			identity_emit(&id, "enip.cip", CONF_CIP_LESS, out);
		return HK_PARSE_OK;
	case CIP_MULTIPLE_SERVICE:
		if (depth >= CIP_DEPTH_MAX)
			return HK_PARSE_OK;
		return multiple_replies(d, depth, said, out);
	default:
		return HK_PARSE_OK;
	}
}

/* SendRRData / SendUnitData: | interface 4 | timeout 2 | CPF | */
static enum hk_parse_result send_data(struct hk_cur d, struct enip_said *said, struct hk_obs_sink *out)
{
	uint16_t n;

	hk_cur_skip(&d, 6);
	n = hk_cur_le16(&d);
	if (!hk_cur_ok(&d))
		return HK_PARSE_MALFORMED;
	for (unsigned i = 0; i < n && i < ENIP_ITEMS_MAX; i++) {
		uint16_t type = hk_cur_le16(&d), len = hk_cur_le16(&d);
		struct hk_cur it = hk_cur_sub(&d, len);
		enum hk_parse_result r;

		if (!hk_cur_ok(&d))
			return HK_PARSE_MALFORMED;
		if (type == CPF_CONNECTED_DATA) {
			hk_cur_skip(&it, 2); /* sequence count */
			if (!hk_cur_ok(&it))
				return HK_PARSE_MALFORMED;
		} else if (type != CPF_UNCONNECTED_DATA) {
			continue; /* address items, socket address items */
		}
		r = cip_message(&it, 0, said, out);
		if (r != HK_PARSE_OK)
			return r;
	}
	return HK_PARSE_OK;
}

static enum hk_parse_result encapsulated(struct hk_cur d, uint16_t cmd, struct hk_obs_sink *out)
{
	struct enip_said said = {.client = false};

	switch (cmd) {
	case ENIP_CMD_LIST_IDENTITY:
		return list_identity(d, &said, out);
	case ENIP_CMD_SEND_RR_DATA:
	case ENIP_CMD_SEND_UNIT_DATA:
		return send_data(d, &said, out);
	default:
		return HK_PARSE_OK; /* sessions, ListServices, ListInterfaces: no identity */
	}
}

/* UDP 2222: a CPF packet of class 0/1 I/O data, recognised only. */
static enum hk_parse_result implicit_io(struct hk_cur *c)
{
	uint16_t n = hk_cur_le16(c), type;

	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (n == 0)
		return HK_PARSE_NOMATCH;
	type = hk_cur_le16(c);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (type != CPF_SEQUENCED_ADDRESS && type != CPF_CONNECTED_ADDRESS)
		return HK_PARSE_NOMATCH;
	for (unsigned i = 0; i < n && i < ENIP_ITEMS_MAX; i++) {
		uint16_t len;

		if (i > 0)
			hk_cur_skip(c, 2); /* the type */
		len = hk_cur_le16(c);
		hk_cur_skip(c, len);
		if (!hk_cur_ok(c))
			return HK_PARSE_TRUNCATED;
	}
	return HK_PARSE_OK;
}

enum hk_parse_result proto_enip_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	uint16_t cmd, len;
	uint32_t status, options;
	struct hk_cur d;
	enum hk_parse_result r;
	struct hk_obs_mark mark;

	if (ctx->l4 == 17 && (ctx->sport == ENIP_IO_PORT || ctx->dport == ENIP_IO_PORT) &&
	    ctx->sport != ENIP_PORT && ctx->dport != ENIP_PORT)
		return implicit_io(c);

	cmd = hk_cur_le16(c);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (!command_known(cmd))
		return HK_PARSE_NOMATCH;
	len = hk_cur_le16(c);
	hk_cur_skip(c, 4); /* session handle */
	status = hk_cur_le32(c);
	hk_cur_skip(c, 8); /* sender context */
	options = hk_cur_le32(c);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (options != 0)
		return HK_PARSE_NOMATCH; /* the spec has receivers discard these */
	d = hk_cur_sub(c, len);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (status != 0)
		return HK_PARSE_OK; /* an error reply: nothing about identity */
	/* a message that lies says nothing: what it said before the lie is
	 * taken back (one walk, not a check walk and an emitting one: what the
	 * walk returns does not depend on out) */
	mark = hk_obs_sink_mark(out);
	r = encapsulated(d, cmd, out);
	if (r != HK_PARSE_OK)
		hk_obs_sink_rewind(out, mark);
	return r;
}
