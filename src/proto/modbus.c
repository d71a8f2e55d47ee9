/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Modbus/TCP: who answers (server, unit ids) and, when something asks, what
 * the server says it is (Read Device Identification, Report Server ID).
 *
 * References:
 *   MODBUS Application Protocol Specification V1.1b3 (2012): 4.1 (PDU),
 *   6.1..6.18 (function codes and their request/response shapes), 6.13
 *   (17 Report Server ID), 6.21 (43 / 14 Read Device Identification: object
 *   ids 0x00..0x06 basic and regular, 0x80..0xFF private), 7 (exception
 *   responses: function code | 0x80, one exception code);
 *   MODBUS Messaging on TCP/IP Implementation Guide V1.0b (2006) 3.1.3 (MBAP
 *   header, protocol identifier 0, length = unit id + PDU, PDU <= 253);
 *   function code 90 (0x5A) is Schneider Electric's UMAS, not in the spec.
 *
 * The flow layer frames the stream (HK_FRAME_MBAP): each call gets one whole
 * ADU. More ADUs in one buffer (a datagram, a test) are walked in turn, at
 * most MODBUS_ADUS_MAX.
 *
 *   MBAP  +---------+---------+---------+------+
 *         | trans 2 | proto 2 | len 2   | unit |  proto must be 0
 *         +---------+---------+---------+------+
 *   PDU   | fc 1 | data (len - 2) ...            |
 *
 *   43/14 response data:
 *     | 0x0E | read code 1 | conformity 1 | more follows 1 | next id 1 |
 *     | n objects 1 | { id 1 | len 1 | value (len) } * n |
 *   17 response data:
 *     | byte count 1 | server id, run indicator, vendor data (byte count) |
 *   exception: | fc | 0x80 | exception code 1 |
 *
 * Identity direction: the response carries it and describes its sender,
 * the server (side SRC); a request only says its sender is a client. Which
 * way an ADU goes: TCP port 502 on one side only decides; else a function
 * code whose data has only a request's (or only a response's) shape; else
 * the flow's idea of who the client is (which may be a guess when the
 * capture joined the connection late).
 *
 * Emitted (side SRC, all about the sender):
 *   modbus.role RAW "client" / "server", modbus.unit_id RAW (servers, first
 *   MODBUS_UNITS_MAX distinct per call), modbus.devid.* (43/14 objects),
 *   modbus.devid.exception RAW (an exception to function 43),
 *   modbus.server_id RAW (printable runs of the 17 response),
 *   modbus.fc90 RAW "umas" (a UMAS response: a Schneider Electric server).
 *
 * Hostile input this defends against: the MBAP length is bounded (2..254;
 * for UMAS up to MODBUS_UMAS_LEN_MAX, since Schneider's engineering
 * sessions send 255 and, once negotiated, about 1 KiB) and gets a
 * sub-cursor, so the PDU never reads the next ADU; the object count of
 * 43/14 is bounded by MODBUS_DEVID_OBJECTS_MAX (objects beyond it are not
 * read) and every object value is a sub-cursor of its length; an ADU whose
 * inner lengths lie is MALFORMED and says nothing about identity (the
 * whole ADU is checked before anything is emitted); the report-server-id
 * data is a sub-cursor of its byte count and only printable runs of it are
 * kept, escaped and cut by the cursor. Not-Modbus (a protocol
 * identifier other than 0 at the start) is NOMATCH.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/proto.h"

#define MODBUS_PORT 502
#define MODBUS_LEN_MIN 2            /* unit id + function code */
#define MODBUS_LEN_MAX 254          /* unit id + 253-byte PDU */
#define MODBUS_UMAS_LEN_MAX 1100    /* UMAS negotiates frames of up to 1022 data bytes */
#define MODBUS_ADUS_MAX 16          /* ADUs walked in one call */
#define MODBUS_UNITS_MAX 4          /* distinct unit ids reported per call */
#define MODBUS_DEVID_OBJECTS_MAX 24 /* 43/14 objects read from one response */
#define MODBUS_SRVID_RUN_MIN 4      /* printable bytes that make a run worth keeping */

#define MODBUS_FC_EXCEPTION 0x80
#define MODBUS_FC_REPORT_SERVER_ID 0x11
#define MODBUS_FC_MEI 0x2b
#define MODBUS_FC_UMAS 0x5a
#define MODBUS_MEI_DEVID 0x0e
#define MODBUS_DEVID_HDR 6 /* MEI type .. number of objects */
#define MODBUS_UMAS_OK 0xfe /* the status byte of a successful UMAS response */

#define CONF_RAW 50
#define CONF_VENDOR 90
#define CONF_MODEL_NAME 90
#define CONF_PRODUCT_CODE 85
#define CONF_REVISION 85
#define CONF_PRODUCT_NAME 85
#define CONF_APP_NAME 60

enum modbus_dir {
	MODBUS_DIR_UNKNOWN = 0,
	MODBUS_DIR_REQ,
	MODBUS_DIR_RESP,
};

/* What one call has said already: role and unit ids once each. */
struct modbus_said {
	bool client, server;
	uint8_t units[MODBUS_UNITS_MAX];
	size_t n_units;
};

/* 1 + the first byte, the length of a "byte count, bytes" body */
static bool counted(struct hk_cur d, size_t n)
{
	uint8_t bc = hk_cur_u8(&d);
	return hk_cur_ok(&d) && n == 1u + bc;
}

/*
 * The shape of a PDU's data (n bytes after the function code): request or
 * response when only one of them can look like this (6.1..6.21), else
 * unknown (echoes such as 5, 6, 8, 22; shapes that coincide).
 */
static enum modbus_dir shape(uint8_t fc, struct hk_cur d)
{
	size_t n = hk_cur_left(&d);
	bool req = false, resp = false;

	if (fc & MODBUS_FC_EXCEPTION)
		return MODBUS_DIR_RESP;
	switch (fc) {
	case 1: case 2: case 3: case 4: /* address 2, quantity 2 | byte count, values */
		req = n == 4;
		resp = counted(d, n);
		break;
	case 7: /* read exception status | output data 1 */
		req = n == 0;
		resp = n == 1;
		break;
	case 11: /* get comm event counter | status 2, event count 2 */
		req = n == 0;
		resp = n == 4;
		break;
	case 12: case MODBUS_FC_REPORT_SERVER_ID: /* nothing | byte count, data */
		req = n == 0;
		resp = n >= 1 && counted(d, n);
		break;
	case 15: case 16: /* address 2, quantity 2, byte count, values | address 2, quantity 2 */
		req = n >= 5 && n == 5u + hk_cur_peek_u8(&d, 4);
		resp = n == 4;
		break;
	case 23: /* read 4, write 4, byte count, values | byte count, values */
		req = n >= 9 && n == 9u + hk_cur_peek_u8(&d, 8);
		resp = counted(d, n);
		break;
	case 24: /* FIFO address 2 | byte count 2, FIFO count 2, values */
		req = n == 2;
		resp = n >= 4 && n == 2u + hk_cur_peek_be16(&d, 0);
		break;
	case MODBUS_FC_MEI:
		if (n >= 1 && hk_cur_peek_u8(&d, 0) == MODBUS_MEI_DEVID) {
			req = n == 3; /* MEI, read code, object id */
			resp = n >= MODBUS_DEVID_HDR;
		}
		break;
	default:
		break;
	}
	if (req == resp)
		return MODBUS_DIR_UNKNOWN;
	return req ? MODBUS_DIR_REQ : MODBUS_DIR_RESP;
}

static enum modbus_dir direction(const struct hk_parse_ctx *ctx, uint8_t fc, struct hk_cur d)
{
	enum modbus_dir s;

	if (ctx->l4 == 6 || ctx->l4 == 17) {
		if (ctx->dport == MODBUS_PORT && ctx->sport != MODBUS_PORT)
			return MODBUS_DIR_REQ;
		if (ctx->sport == MODBUS_PORT && ctx->dport != MODBUS_PORT)
			return MODBUS_DIR_RESP;
	}
	s = shape(fc, d);
	if (s != MODBUS_DIR_UNKNOWN || !ctx->client_known)
		return s;
	return ctx->from_client ? MODBUS_DIR_REQ : MODBUS_DIR_RESP;
}

/* Length of an object value without the NULs some servers pad it with. */
static size_t trimmed_len(struct hk_cur v)
{
	size_t n = hk_cur_left(&v);

	while (n > 0 && hk_cur_peek_u8(&v, n - 1) == 0)
		n--;
	return n;
}

static void emit_object(uint8_t id, struct hk_cur v, struct hk_obs_sink *out)
{
	char val[HK_OBS_VALUE_MAX], src[HK_OBS_SOURCE_MAX];

	if (!hk_cur_str(&v, trimmed_len(v), val, sizeof(val)))
		return;
	switch (id) {
	case 0x00:
		hk_obs_emit(out, HK_OBS_VENDOR, HK_SIDE_SRC, CONF_VENDOR, "modbus.devid.vendor", val);
		break;
	case 0x01:
		hk_obs_emit(out, HK_OBS_MODEL, HK_SIDE_SRC, CONF_PRODUCT_CODE, "modbus.devid.product_code", val);
		break;
	case 0x02:
		hk_obs_emit(out, HK_OBS_FIRMWARE, HK_SIDE_SRC, CONF_REVISION, "modbus.devid.revision", val);
		break;
	case 0x03:
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "modbus.devid.url", val);
		break;
	case 0x04:
		hk_obs_emit(out, HK_OBS_PRODUCT, HK_SIDE_SRC, CONF_PRODUCT_NAME, "modbus.devid.product_name", val);
		break;
	case 0x05:
		hk_obs_emit(out, HK_OBS_MODEL, HK_SIDE_SRC, CONF_MODEL_NAME, "modbus.devid.model", val);
		break;
	case 0x06:
		hk_obs_emit(out, HK_OBS_HOSTNAME, HK_SIDE_SRC, CONF_APP_NAME, "modbus.devid.app_name", val);
		break;
	default:
		if (id >= 0x80) {
			snprintf(src, sizeof(src), "modbus.devid.private.%02x", id);
			hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, src, val);
		}
		break; /* 0x07..0x7F are reserved */
	}
}

/*
 * The objects of a 43/14 response (d after the MEI type). With out NULL it
 * only checks that every object it would read fits: false when a length
 * lies.
 */
static bool devid_objects(struct hk_cur d, struct hk_obs_sink *out)
{
	uint8_t n;

	hk_cur_skip(&d, 4); /* read code, conformity level, more follows, next object id */
	n = hk_cur_u8(&d);
	if (!hk_cur_ok(&d))
		return false;
	/* more than the maximum: the rest is not read (a real server sends a handful) */
	for (unsigned i = 0; i < n && i < MODBUS_DEVID_OBJECTS_MAX; i++) {
		uint8_t id = hk_cur_u8(&d), len = hk_cur_u8(&d);
		struct hk_cur v = hk_cur_sub(&d, len);

		if (!hk_cur_ok(&d))
			return false;
		if (out)
			emit_object(id, v, out);
	}
	/* bytes after the last object (zeek's modbus-eit.pcap has four) are ignored */
	return true;
}

static const char *exception_name(uint8_t code, char *buf, size_t bufsz)
{
	static const char *const names[] = {
		[1] = "illegal-function",
		[2] = "illegal-data-address",
		[3] = "illegal-data-value",
		[4] = "server-device-failure",
		[5] = "acknowledge",
		[6] = "server-device-busy",
		[8] = "memory-parity-error",
		[10] = "gateway-path-unavailable",
		[11] = "gateway-target-failed",
	};

	if (code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	snprintf(buf, bufsz, "0x%02x", code);
	return buf;
}

/*
 * The printable runs of the 17 response's data, joined by a space: the
 * server id and run indicator are binary, the vendor data often text.
 */
static void emit_server_id(struct hk_cur d, struct hk_obs_sink *out)
{
	uint8_t raw[HK_OBS_VALUE_MAX];
	char val[HK_OBS_VALUE_MAX];
	size_t n = hk_cur_left(&d), o = 0, i = 0;

	while (i < n && o < sizeof(raw)) {
		size_t run = 0;
		struct hk_cur r;

		while (i + run < n) {
			uint8_t b = hk_cur_peek_u8(&d, i + run);
			if (b < 0x20 || b > 0x7e)
				break;
			run++;
		}
		if (run >= MODBUS_SRVID_RUN_MIN) {
			if (o > 0)
				raw[o++] = ' ';
			if (run > sizeof(raw) - o)
				run = sizeof(raw) - o; /* the escape below cuts it anyway */
			r = d;
			hk_cur_skip(&r, i);
			if (!hk_cur_copy(&r, raw + o, run))
				return;
			o += run;
		}
		i += run + 1; /* past the run and the byte that ended it */
	}
	hk_escape(raw, o, val, sizeof(val));
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "modbus.server_id", val);
}

/*
 * Checks a response PDU's identity-bearing parts (d: the data after the
 * function code). false when they contradict themselves.
 */
static bool response_valid(uint8_t fc, struct hk_cur d)
{
	if (fc & MODBUS_FC_EXCEPTION)
		return hk_cur_left(&d) >= 1;
	if (fc == MODBUS_FC_MEI && hk_cur_left(&d) >= 1 && hk_cur_peek_u8(&d, 0) == MODBUS_MEI_DEVID) {
		if (hk_cur_left(&d) < MODBUS_DEVID_HDR)
			return false;
		hk_cur_skip(&d, 1);
		return devid_objects(d, NULL);
	}
	if (fc == MODBUS_FC_REPORT_SERVER_ID) {
		uint8_t bc = hk_cur_u8(&d);
		hk_cur_skip(&d, bc);
		return hk_cur_ok(&d);
	}
	return true;
}

static void emit_response(uint8_t fc, struct hk_cur d, struct hk_obs_sink *out)
{
	char buf[8];

	if (fc == (MODBUS_FC_MEI | MODBUS_FC_EXCEPTION)) {
		uint8_t code = hk_cur_u8(&d);
		if (hk_cur_ok(&d))
			hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "modbus.devid.exception",
				    exception_name(code, buf, sizeof(buf)));
	} else if (fc == MODBUS_FC_MEI && hk_cur_left(&d) >= 1 && hk_cur_peek_u8(&d, 0) == MODBUS_MEI_DEVID) {
		hk_cur_skip(&d, 1);
		devid_objects(d, out);
	} else if (fc == MODBUS_FC_REPORT_SERVER_ID) {
		uint8_t bc = hk_cur_u8(&d);
		emit_server_id(hk_cur_sub(&d, bc), out);
	} else if (fc == MODBUS_FC_UMAS) {
		/* pairing key 1, status 1: only a server that speaks UMAS answers 0xFE */
		if (hk_cur_left(&d) >= 2 && hk_cur_peek_u8(&d, 1) == MODBUS_UMAS_OK)
			hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "modbus.fc90", "umas");
	}
}

static void emit_unit(struct modbus_said *said, uint8_t unit, struct hk_obs_sink *out)
{
	char val[4];
	size_t o = 0;

	for (size_t i = 0; i < said->n_units; i++)
		if (said->units[i] == unit)
			return;
	if (said->n_units >= MODBUS_UNITS_MAX)
		return;
	said->units[said->n_units++] = unit;
	/* "%u" without printf: one per response PDU */
	if (unit >= 100)
		val[o++] = (char)('0' + unit / 100);
	if (unit >= 10)
		val[o++] = (char)('0' + unit / 10 % 10);
	val[o++] = (char)('0' + unit % 10);
	val[o] = '\0';
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "modbus.unit_id", val);
}

/* One ADU at c. NOMATCH only for the first (first true). */
static enum hk_parse_result adu(struct hk_cur *c, bool first, const struct hk_parse_ctx *ctx,
				struct modbus_said *said, struct hk_obs_sink *out)
{
	struct hk_cur a, d;
	uint16_t proto, len;
	uint8_t unit, fc;
	enum modbus_dir dir;

	hk_cur_skip(c, 2); /* transaction identifier */
	proto = hk_cur_be16(c);
	if (hk_cur_ok(c) && proto != 0)
		return first ? HK_PARSE_NOMATCH : HK_PARSE_MALFORMED;
	len = hk_cur_be16(c);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (len < MODBUS_LEN_MIN || len > MODBUS_UMAS_LEN_MAX)
		return HK_PARSE_MALFORMED;
	a = hk_cur_sub(c, len);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	unit = hk_cur_u8(&a);
	fc = hk_cur_u8(&a);
	d = hk_cur_rest(&a);
	if (!hk_cur_ok(&a))
		return HK_PARSE_MALFORMED; /* cannot happen: len >= 2 */
	/* Schneider's UMAS (and its exceptions) exceeds the spec's 253-byte PDU */
	if (len > MODBUS_LEN_MAX && (fc & 0x7f) != MODBUS_FC_UMAS)
		return HK_PARSE_MALFORMED;

	dir = direction(ctx, fc, d);
	if (dir == MODBUS_DIR_REQ) {
		if (!said->client)
			hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "modbus.role", "client");
		said->client = true;
		return HK_PARSE_OK;
	}
	if (dir != MODBUS_DIR_RESP)
		return HK_PARSE_OK; /* a Modbus ADU, but of no telling direction */
	if (!response_valid(fc, d))
		return HK_PARSE_MALFORMED;
	if (!said->server)
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "modbus.role", "server");
	said->server = true;
	emit_unit(said, unit, out);
	emit_response(fc, d, out);
	return HK_PARSE_OK;
}

enum hk_parse_result proto_modbus_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct modbus_said said = {.n_units = 0};
	enum hk_parse_result r = HK_PARSE_TRUNCATED;

	for (unsigned i = 0; i < MODBUS_ADUS_MAX; i++) {
		if (i > 0 && hk_cur_left(c) == 0)
			break;
		r = adu(c, i == 0, ctx, &said, out);
		if (r != HK_PARSE_OK)
			break;
	}
	return r;
}
