/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PROFINET DCP: the name, type, vendor/device ID, role and IP a PROFINET
 * station reports when an IO controller or an engineering tool identifies
 * it, and what such a tool assigns to it.
 *
 * References:
 *   IEC 61158-6-10:2014 (PROFINET IO application layer protocol), 4.3 DCP:
 *   FrameID 0xFEFC DCP-Hello-ReqPDU, 0xFEFD DCP-Get/Set (unicast),
 *   0xFEFE DCP-Identify-ReqPDU (multicast), 0xFEFF DCP-Identify-ResPDU;
 *   ServiceID 3 Get, 4 Set, 5 Identify, 6 Hello; ServiceType bit 0
 *   response, bit 2 "request not supported"; the header (Xid, the
 *   Identify request's ResponseDelay, reserved otherwise; DCPDataLength);
 *   blocks of Option, Suboption, DCPBlockLength, then BlockInfo (2 bytes)
 *   in Identify and Get responses and in Hello, BlockQualifier (2 bytes)
 *   in Set requests, and nothing in an Identify request's filter blocks;
 *   a block of odd length is followed by one padding byte. Options:
 *   1 IP (suboption 1 MAC address, 2 IP parameter: IP, mask, gateway;
 *   3 full IP suite: the same plus 4 DNS servers), 2 device properties
 *   (1 DeviceVendorValue "type of station", 2 NameOfStation, 3 DeviceID:
 *   VendorID and DeviceID, 4 DeviceRole: bit 0 IO-Device, 1 IO-Controller,
 *   2 IO-Multidevice, 3 IO-Supervisor, 5 DeviceOptions, 6 AliasName,
 *   7 DeviceInstance, 8 OEM DeviceID), 3 DHCP, 5 control, 6 device
 *   initiative, 0xFF all selector. IP BlockInfo: 0 not set, 1 set,
 *   2 set by DHCP, bit 7 address conflict detected.
 *
 *   layer 2 payload after ethertype 0x8892:
 *   +-----------+-----------+-----------+-------+------------------+--------+
 *   | FrameID 2 | service 1 | type 1    | Xid 4 | delay/reserved 2 | len 2  |
 *   +-----------+-----------+-----------+-------+------------------+--------+
 *   blocks (len bytes):
 *   | option 1 | suboption 1 | block len 2 | [info/qualifier 2] | data | [pad] |
 *   DeviceID:  | VendorID 2 | DeviceID 2 |     DeviceRole: | role 1 | reserved 1 |
 *   IP:        | IP 4 | mask 4 | gateway 4 | [DNS 16] |
 *   (all big-endian)
 *
 * Identity direction: an Identify response, a Get response and a Hello
 * describe their sender (side SRC). A Set request describes its target,
 * the receiver (side DST): the name and IP an engineering tool assigns,
 * reported less confidently (the device may refuse). A request's sender
 * is a DCP client (an IO controller or engineering tool); an Identify
 * request's filter blocks name the station sought, not the sender, and
 * are not read.
 *
 * PROFINET vendor IDs have no freely redistributable list (PI's table is
 * not published for redistribution), so the numbers are kept raw; the
 * DeviceVendorValue string and the NameOfStation carry the identity.
 *
 * Emitted:
 *   pndcp.vendor_value    MODEL 80 (the device type, named by its vendor,
 *                         e.g. "S7-300EC", "SCALANCE X-200")
 *   pndcp.name_of_station HOSTNAME 80
 *   pndcp.vendor_id, pndcp.device_id RAW 50 "0x002a" / "0x0101"
 *   pndcp.oem_vendor_id, pndcp.oem_device_id RAW 50
 *   pndcp.device_instance RAW 50 "high.low"
 *   pndcp.role            RAW 50 "io-device", "io-controller",
 *                         "io-multidevice", "io-supervisor" (one per bit),
 *                         "dcp-client" (the sender of a request);
 *                         and ROLE "plc" 70 for an IO-Controller
 *   pndcp.ip              IP 85 (not when the device reports a conflict)
 *   pndcp.mac             RAW 50
 *   pndcp.set.name_of_station HOSTNAME 60 (side DST)
 *   pndcp.set.ip          IP 60 (side DST)
 *
 * Hostile input this defends against: FrameIDs outside 0xFEFC..0xFEFF
 * (cyclic data, alarms) are NOMATCH; the service must suit the FrameID;
 * DCPDataLength gets a sub-cursor (a frame shorter than it is TRUNCATED;
 * Ethernet padding after it is ignored); every block is a sub-cursor of
 * its length, blocks are bounded by PNDCP_BLOCKS_MAX (the rest is not
 * read); a block whose fixed-size fields do not fit its length, or a block
 * longer than the data, is MALFORMED and the frame says nothing (it is
 * walked whole before anything is emitted). Strings are escaped and cut by
 * the cursor; trailing NULs (padding some stacks add) are dropped.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "herkomst/packet.h"
#include "proto/proto.h"

#define PNDCP_BLOCKS_MAX 32 /* blocks read per frame; an Identify response has about 10 */

#define FRAME_HELLO 0xfefc
#define FRAME_GET_SET 0xfefd
#define FRAME_IDENT_REQ 0xfefe
#define FRAME_IDENT_RES 0xfeff

#define SVC_GET 3
#define SVC_SET 4
#define SVC_IDENTIFY 5
#define SVC_HELLO 6
#define TYPE_RESPONSE 0x01
#define TYPE_UNSUPPORTED 0x04

#define OPT_IP 1
#define OPT_DEVICE 2
#define OPT_CONTROL 5
#define OPT_ALL 0xff

#define SUB_IP_MAC 1
#define SUB_IP_PARAM 2
#define SUB_IP_FULL 3
#define SUB_DEV_VENDOR 1
#define SUB_DEV_NAME 2
#define SUB_DEV_ID 3
#define SUB_DEV_ROLE 4
#define SUB_DEV_INSTANCE 7
#define SUB_DEV_OEM_ID 8

#define IP_INFO_CONFLICT 0x80

#define CONF_RAW 50
#define CONF_VENDOR_VALUE 80
#define CONF_NAME 80
#define CONF_ROLE 70
#define CONF_IP 85
#define CONF_SET 60

/* What the blocks of a frame mean. */
enum dcp_blocks {
	BLOCKS_NONE = 0,  /* not read (Get request, Identify filter, unsupported) */
	BLOCKS_SENDER,    /* with BlockInfo, about the sender */
	BLOCKS_SET,       /* with BlockQualifier, about the target */
	BLOCKS_CONTROL,   /* a Set response's control blocks: not read */
};

static size_t trimmed(struct hk_cur v)
{
	size_t n = hk_cur_left(&v);

	while (n > 0 && hk_cur_peek_u8(&v, n - 1) == 0)
		n--;
	return n;
}

static void emit_hex16(struct hk_obs_sink *out, const char *src, uint16_t x)
{
	char val[8];

	snprintf(val, sizeof(val), "0x%04x", x);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, src, val);
}

static void emit_roles(struct hk_obs_sink *out, uint8_t role)
{
	static const char *const names[] = {"io-device", "io-controller", "io-multidevice", "io-supervisor"};

	for (unsigned i = 0; i < 4; i++)
		if (role & 1u << i)
			hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "pndcp.role", names[i]);
	if (role & 0x02)
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, CONF_ROLE, "pndcp.role", "plc");
}

static bool ip_value(struct hk_cur *d, struct hk_addr *a)
{
	*a = (struct hk_addr){.family = 4};
	return hk_cur_copy(d, a->a, 4);
}

/*
 * One block's data (d, after BlockInfo/BlockQualifier) about the sender
 * (set false) or the Set target (set true). With out NULL only checks
 * that the fixed-size fields fit.
 */
static bool block(uint8_t opt, uint8_t sub, uint16_t info, struct hk_cur d, bool set, struct hk_obs_sink *out)
{
	char val[HK_OBS_VALUE_MAX], buf[HK_ADDR_STRLEN];
	struct hk_addr a;
	uint8_t mac[6];

	if (opt == OPT_IP && (sub == SUB_IP_PARAM || sub == SUB_IP_FULL)) {
		if (hk_cur_left(&d) < (sub == SUB_IP_FULL ? 28u : 12u) || !ip_value(&d, &a))
			return false;
		if (!out || !hk_addr_is_unicast(&a))
			return true;
		if (set)
			hk_obs_emit(out, HK_OBS_IP, HK_SIDE_DST, CONF_SET, "pndcp.set.ip", hk_addr_fmt(&a, buf));
		else if (!(info & IP_INFO_CONFLICT))
			hk_obs_emit(out, HK_OBS_IP, HK_SIDE_SRC, CONF_IP, "pndcp.ip", hk_addr_fmt(&a, buf));
		return true;
	}
	if (opt == OPT_DEVICE && sub == SUB_DEV_NAME) {
		if (out && hk_cur_str(&d, trimmed(d), val, sizeof(val))) {
			if (set)
				hk_obs_emit(out, HK_OBS_HOSTNAME, HK_SIDE_DST, CONF_SET, "pndcp.set.name_of_station", val);
			else
				hk_obs_emit(out, HK_OBS_HOSTNAME, HK_SIDE_SRC, CONF_NAME, "pndcp.name_of_station", val);
		}
		return true;
	}
	if (set)
		return true; /* other settings (signal, reset, DHCP) say nothing of identity */
	if (opt == OPT_IP && sub == SUB_IP_MAC) {
		if (!hk_cur_copy(&d, mac, 6))
			return false;
		if (out)
			hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "pndcp.mac", hk_mac_fmt(mac, buf));
		return true;
	}
	if (opt != OPT_DEVICE)
		return true;
	switch (sub) {
	case SUB_DEV_VENDOR:
		if (out && hk_cur_str(&d, trimmed(d), val, sizeof(val)))
			hk_obs_emit(out, HK_OBS_MODEL, HK_SIDE_SRC, CONF_VENDOR_VALUE, "pndcp.vendor_value", val);
		return true;
	case SUB_DEV_ID:
	case SUB_DEV_OEM_ID: {
		uint16_t vendor = hk_cur_be16(&d), device = hk_cur_be16(&d);

		if (!hk_cur_ok(&d))
			return false;
		if (!out)
			return true;
		emit_hex16(out, sub == SUB_DEV_ID ? "pndcp.vendor_id" : "pndcp.oem_vendor_id", vendor);
		emit_hex16(out, sub == SUB_DEV_ID ? "pndcp.device_id" : "pndcp.oem_device_id", device);
		return true;
	}
	case SUB_DEV_ROLE: {
		uint8_t role = hk_cur_u8(&d);

		if (!hk_cur_ok(&d))
			return false;
		if (out)
			emit_roles(out, role);
		return true;
	}
	case SUB_DEV_INSTANCE: {
		uint8_t high = hk_cur_u8(&d), low = hk_cur_u8(&d);

		if (!hk_cur_ok(&d))
			return false;
		if (out) {
			snprintf(val, sizeof(val), "%u.%u", high, low);
			hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "pndcp.device_instance", val);
		}
		return true;
	}
	default:
		return true; /* device options, alias name: not identity */
	}
}

static enum hk_parse_result blocks(struct hk_cur d, enum dcp_blocks kind, struct hk_obs_sink *out)
{
	for (unsigned i = 0; i < PNDCP_BLOCKS_MAX && hk_cur_left(&d) > 0; i++) {
		uint8_t opt = hk_cur_u8(&d), sub = hk_cur_u8(&d);
		uint16_t len = hk_cur_be16(&d), info;
		struct hk_cur b = hk_cur_sub(&d, len);

		if (!hk_cur_ok(&d))
			return HK_PARSE_MALFORMED;
		if (len & 1)
			hk_cur_skip(&d, hk_cur_left(&d) > 0 ? 1 : 0); /* padding; the last block may go without */
		if (opt == OPT_ALL || opt == OPT_CONTROL)
			continue;
		info = hk_cur_be16(&b); /* BlockInfo or BlockQualifier */
		if (!hk_cur_ok(&b))
			return HK_PARSE_MALFORMED;
		if (!block(opt, sub, info, b, kind == BLOCKS_SET, out))
			return HK_PARSE_MALFORMED;
	}
	return HK_PARSE_OK;
}

/* What a frame's blocks are, from FrameID, service and type; -1 when they disagree. */
static int blocks_kind(uint16_t frame_id, uint8_t service, uint8_t type, bool *ret_client)
{
	bool response = (type & TYPE_RESPONSE) != 0;

	*ret_client = false;
	if (type & ~(TYPE_RESPONSE | TYPE_UNSUPPORTED))
		return -1;
	switch (frame_id) {
	case FRAME_IDENT_REQ:
		if (service != SVC_IDENTIFY || response)
			return -1;
		*ret_client = true;
		return BLOCKS_NONE;
	case FRAME_IDENT_RES:
		if (service != SVC_IDENTIFY || !response)
			return -1;
		return type & TYPE_UNSUPPORTED ? BLOCKS_NONE : BLOCKS_SENDER;
	case FRAME_HELLO:
		return service == SVC_HELLO && !response ? BLOCKS_SENDER : -1;
	default: /* FRAME_GET_SET */
		if (service != SVC_GET && service != SVC_SET)
			return -1;
		if (!response) {
			*ret_client = true;
			return service == SVC_SET ? BLOCKS_SET : BLOCKS_NONE;
		}
		if (type & TYPE_UNSUPPORTED)
			return BLOCKS_NONE;
		return service == SVC_GET ? BLOCKS_SENDER : BLOCKS_CONTROL;
	}
}

enum hk_parse_result proto_pndcp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	uint16_t frame_id, len;
	uint8_t service, type;
	struct hk_cur d;
	bool client;
	int kind;
	enum hk_parse_result r;

	(void)ctx;
	frame_id = hk_cur_be16(c);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (frame_id < FRAME_HELLO || frame_id > FRAME_IDENT_RES)
		return HK_PARSE_NOMATCH; /* cyclic real-time data, alarms, PTCP */
	service = hk_cur_u8(c);
	type = hk_cur_u8(c);
	hk_cur_skip(c, 4 + 2); /* Xid, ResponseDelay or reserved */
	len = hk_cur_be16(c);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	kind = blocks_kind(frame_id, service, type, &client);
	if (kind < 0)
		return HK_PARSE_MALFORMED;
	d = hk_cur_sub(c, len);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (kind == BLOCKS_SENDER || kind == BLOCKS_SET) {
		/* walked whole first: a frame that lies says nothing */
		r = blocks(d, (enum dcp_blocks)kind, NULL);
		if (r != HK_PARSE_OK)
			return r;
		blocks(d, (enum dcp_blocks)kind, out);
	}
	if (client)
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "pndcp.role", "dcp-client");
	return HK_PARSE_OK;
}
