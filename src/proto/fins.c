/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Omron FINS: the controller model and version a PLC gives when asked for
 * its controller data, and the FINS node numbers of both ends.
 *
 * References: Omron FINS Commands Reference Manual W227-E1 (section 3-2
 * FINS frame: ICF, RSV, GCT, DNA, DA1, DA2, SNA, SA1, SA2, SID; 5-1 command
 * codes MRC/SRC; 5-3-1 CONTROLLER DATA READ 05 01: response code, controller
 * model 20 bytes, controller version 20 bytes, for system use 40 bytes, area
 * data; 8 end codes: MRES bit 7 relay error, SRES bits 7/6 fatal/non-fatal
 * CPU error flags); CS/CJ Ethernet Unit Operation Manual W421-E1 (section
 * 7 FINS/TCP: "FINS" header, length, command 0/1 node address data send,
 * 2 frame send, 3 error notification, 6 connection confirmation, error
 * code). Layouts checked against tshark 4.0's omron dissector.
 *
 *   FINS/UDP (port 9600): one FINS frame per datagram.
 *   FINS/TCP (port 9600): frames of
 *   +------+--------+---------+------------+--------------------+
 *   |"FINS"| len 4  | cmd 4   | error 4    | data (len - 8)     |  big endian
 *   +------+--------+---------+------------+--------------------+
 *     cmd 0 client -> server: client node 4 (0: assign one)
 *     cmd 1 server -> client: client node 4, server node 4
 *     cmd 2 either way: a FINS frame
 *   FINS frame
 *   +-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+
 *   | ICF | RSV | GCT | DNA | DA1 | DA2 | SNA | SA1 | SA2 | SID | MRC | SRC |
 *   +-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+-----+
 *     ICF: 0x80 gateway, 0x40 response, 0x01 no response wanted, others 0
 *     a response goes on with the end code MRES SRES, then the data
 *   05 01 response data: model 20 (ASCII, NUL/space padded), version 20,
 *     for system use 40, area data 12, ...; the command's one data byte
 *     (00, 01) picks what is returned, so a response not starting with a
 *     model name (the area data of 01) is not read as one.
 *
 * Identity direction: a Controller Data Read response describes its sender
 * (side SRC): the controller model (MODEL 90), its version (FIRMWARE 85),
 * and that it is a PLC (ROLE "plc" 80). Every frame names the FINS node of
 * its sender (SA1, side SRC) and receiver (DA1, side DST); FINS/TCP's node
 * address exchange names both (RAW fins.node 50, nodes 1..254).
 *
 * FINS/UDP gives one frame per call. FINS/TCP is read in banner mode (the
 * flow layer has no FINS framing yet): frames are walked from the start of
 * the stream, at most FINS_TCP_FRAMES_MAX; the result is OK once a
 * controller model was read or that many frames were, TRUNCATED while the
 * window ends first.
 *
 * Hostile input this defends against: the FINS frame must have its fixed
 * bits right (ICF reserved bits, RSV 0, GCT <= 7, a known MRC), else
 * NOMATCH; a FINS/TCP length below 8 or above FINS_TCP_LEN_MAX is NOMATCH on
 * the first frame and MALFORMED after; each FINS/TCP frame is a sub-cursor
 * of its length, and a frame-send whose FINS frame is not one is MALFORMED;
 * model and version are read from their 20-byte fields only, cut at the
 * first NUL, and must be printable text starting with a letter or digit.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "proto/proto.h"

#define FINS_HDR_LEN 10
#define FINS_CMD_LEN 2
#define FINS_ENDCODE_LEN 2
#define FINS_FRAME_MAX 2012     /* W227: 10 header + 2 command + 2000 */
#define FINS_TCP_HDR_LEN 16     /* magic, length, command, error code */
#define FINS_TCP_LEN_MIN 8      /* command and error code */
#define FINS_TCP_LEN_MAX (FINS_TCP_LEN_MIN + FINS_FRAME_MAX)
#define FINS_TCP_FRAMES_MAX 16
#define FINS_TEXT_LEN 20        /* controller model, controller version */

#define FINS_ICF_RESPONSE 0x40
#define FINS_ICF_RESERVED 0x3e
#define FINS_GCT_MAX 7
#define FINS_NODE_MIN 1
#define FINS_NODE_MAX 254       /* 0: this node, 255: broadcast */

#define FINS_TCP_CLIENT_NODE 0
#define FINS_TCP_SERVER_NODE 1
#define FINS_TCP_FRAME 2
#define FINS_TCP_ERROR 3
#define FINS_TCP_CONFIRM 6

#define FINS_MRC_CONTROLLER_DATA 0x05
#define FINS_SRC_CONTROLLER_DATA_READ 0x01

#define CONF_MODEL 90
#define CONF_VERSION 85
#define CONF_ROLE 80
#define CONF_RAW 50

/* main request codes of W227 5-1 */
static bool known_mrc(uint8_t mrc)
{
	switch (mrc) {
	case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x07:
	case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x21: case 0x22: case 0x23:
	case 0x25: case 0x26: case 0x27: case 0x28:
		return true;
	default:
		return false;
	}
}

/* A node number, once per side and call (a stream repeats them in every frame). */
static void say_node(struct hk_obs_sink *out, enum hk_side side, uint32_t node)
{
	char val[12];

	if (node < FINS_NODE_MIN || node > FINS_NODE_MAX)
		return;
	snprintf(val, sizeof(val), "%u", node);
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].side == side && strcmp(out->v[i].source, "fins.node") == 0 &&
		    strcmp(out->v[i].value, val) == 0)
			return;
	hk_obs_emit(out, HK_OBS_RAW, side, CONF_RAW, "fins.node", val);
}

/*
 * Text of a fixed-size field: the bytes before the first NUL, trailing
 * spaces dropped; "" unless it is printable and starts with a letter or a
 * digit (so binary data in its place says nothing).
 */
static void fixed_text(struct hk_cur *c, size_t n, char *dst, size_t dstsz)
{
	struct hk_cur f = hk_cur_sub(c, n);
	size_t len = 0;
	uint8_t first;

	dst[0] = '\0';
	if (!hk_cur_ok(&f))
		return;
	while (len < n && hk_cur_peek_u8(&f, len) != 0)
		len++;
	while (len > 0 && hk_cur_peek_u8(&f, len - 1) == ' ')
		len--;
	if (len == 0)
		return;
	first = hk_cur_peek_u8(&f, 0);
	if (!((first >= '0' && first <= '9') || (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z')))
		return;
	for (size_t i = 0; i < len; i++) {
		uint8_t b = hk_cur_peek_u8(&f, i);
		if (b < 0x20 || b > 0x7e)
			return;
	}
	hk_cur_str(&f, len, dst, dstsz);
}

/* A Controller Data Read response's data (after the end code). */
static bool controller_data(struct hk_cur *d, struct hk_obs_sink *out)
{
	char model[HK_OBS_VALUE_MAX], version[HK_OBS_VALUE_MAX];

	if (!hk_cur_has(d, FINS_TEXT_LEN))
		return false;
	fixed_text(d, FINS_TEXT_LEN, model, sizeof(model));
	if (!model[0])
		return false;
	version[0] = '\0';
	if (hk_cur_has(d, FINS_TEXT_LEN))
		fixed_text(d, FINS_TEXT_LEN, version, sizeof(version));
	hk_obs_emit(out, HK_OBS_MODEL, HK_SIDE_SRC, CONF_MODEL, "fins.controller_model", model);
	hk_obs_emit(out, HK_OBS_FIRMWARE, HK_SIDE_SRC, CONF_VERSION, "fins.controller_version", version);
	hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, CONF_ROLE, "fins.controller", "plc");
	return true;
}

/*
 * One FINS frame filling f. *ret_model is set when it was a Controller Data
 * Read response with a model. NOMATCH when its fixed bits are wrong,
 * TRUNCATED when it is shorter than its header (and end code).
 */
static enum hk_parse_result frame(struct hk_cur *f, struct hk_obs_sink *out, bool *ret_model)
{
	uint8_t icf, rsv, gct, da1, sa1, mrc, src, mres = 0, sres = 0;

	*ret_model = false;
	icf = hk_cur_u8(f);
	rsv = hk_cur_u8(f);
	gct = hk_cur_u8(f);
	if (!hk_cur_ok(f))
		return HK_PARSE_TRUNCATED;
	if ((icf & FINS_ICF_RESERVED) || rsv != 0 || gct > FINS_GCT_MAX)
		return HK_PARSE_NOMATCH;
	hk_cur_skip(f, 1); /* DNA */
	da1 = hk_cur_u8(f);
	hk_cur_skip(f, 2); /* DA2, SNA */
	sa1 = hk_cur_u8(f);
	hk_cur_skip(f, 2); /* SA2, SID */
	mrc = hk_cur_u8(f);
	src = hk_cur_u8(f);
	if (!hk_cur_ok(f))
		return HK_PARSE_TRUNCATED;
	if (!known_mrc(mrc))
		return HK_PARSE_NOMATCH;
	if (icf & FINS_ICF_RESPONSE) {
		mres = hk_cur_u8(f);
		sres = hk_cur_u8(f);
		if (!hk_cur_ok(f))
			return HK_PARSE_TRUNCATED;
	}
	/* it is a FINS frame: from here on something is said */
	say_node(out, HK_SIDE_SRC, sa1);
	say_node(out, HK_SIDE_DST, da1);
	/* normal completion, whatever the relay and CPU error flags say */
	if ((icf & FINS_ICF_RESPONSE) && (mres & 0x7f) == 0 && (sres & 0x3f) == 0 &&
	    mrc == FINS_MRC_CONTROLLER_DATA && src == FINS_SRC_CONTROLLER_DATA_READ)
		*ret_model = controller_data(f, out);
	return HK_PARSE_OK;
}

static enum hk_parse_result datagram(struct hk_cur *c, struct hk_obs_sink *out)
{
	struct hk_cur f;
	bool model;

	if (hk_cur_left(c) > FINS_FRAME_MAX)
		return HK_PARSE_NOMATCH;
	f = hk_cur_rest(c);
	return frame(&f, out, &model);
}

/* "FINS" as far as the window holds it */
static enum hk_parse_result magic(struct hk_cur *c)
{
	static const char m[4] = {'F', 'I', 'N', 'S'};

	for (size_t i = 0; i < sizeof(m); i++) {
		if (!hk_cur_has(c, i + 1))
			return HK_PARSE_TRUNCATED;
		if (hk_cur_peek_u8(c, i) != (uint8_t)m[i])
			return HK_PARSE_NOMATCH;
	}
	return HK_PARSE_OK;
}

/* One FINS/TCP frame; first: the stream's first (not FINS is then NOMATCH). */
static enum hk_parse_result tcp_frame(struct hk_cur *c, bool first, struct hk_obs_sink *out, bool *ret_model)
{
	enum hk_parse_result bad = first ? HK_PARSE_NOMATCH : HK_PARSE_MALFORMED, r;
	uint32_t len, cmd, err;
	struct hk_cur d;

	*ret_model = false;
	r = magic(c);
	if (r == HK_PARSE_NOMATCH)
		return bad;
	if (r != HK_PARSE_OK || !hk_cur_has(c, 8))
		return HK_PARSE_TRUNCATED;
	len = (uint32_t)hk_cur_peek_be16(c, 4) << 16 | hk_cur_peek_be16(c, 6);
	if (len < FINS_TCP_LEN_MIN || len > FINS_TCP_LEN_MAX)
		return bad;
	if (!hk_cur_has(c, 8 + (size_t)len))
		return HK_PARSE_TRUNCATED;
	hk_cur_skip(c, 8);
	d = hk_cur_sub(c, len);
	cmd = hk_cur_be32(&d);
	err = hk_cur_be32(&d);
	if (!hk_cur_ok(&d))
		return HK_PARSE_MALFORMED; /* cannot happen: len >= 8 */
	switch (cmd) {
	case FINS_TCP_CLIENT_NODE:
		if (err == 0)
			say_node(out, HK_SIDE_SRC, hk_cur_be32(&d));
		break;
	case FINS_TCP_SERVER_NODE:
		if (err == 0) {
			uint32_t client = hk_cur_be32(&d), server = hk_cur_be32(&d);
			if (hk_cur_ok(&d)) {
				say_node(out, HK_SIDE_SRC, server);
				say_node(out, HK_SIDE_DST, client);
			}
		}
		break;
	case FINS_TCP_FRAME:
		if (err != 0)
			break;
		/* behind the magic a frame that is not FINS contradicts it */
		if (frame(&d, out, ret_model) != HK_PARSE_OK)
			return HK_PARSE_MALFORMED;
		break;
	case FINS_TCP_ERROR:
	case FINS_TCP_CONFIRM:
		break;
	default:
		return bad;
	}
	return HK_PARSE_OK;
}

static enum hk_parse_result stream(struct hk_cur *c, struct hk_obs_sink *out)
{
	enum hk_parse_result r;
	bool model;

	for (unsigned i = 0; i < FINS_TCP_FRAMES_MAX; i++) {
		if (hk_cur_left(c) == 0)
			return HK_PARSE_TRUNCATED; /* between frames: more may come */
		r = tcp_frame(c, i == 0, out, &model);
		if (r != HK_PARSE_OK)
			return r;
		if (model)
			return HK_PARSE_OK;
	}
	return HK_PARSE_OK; /* FINS_TCP_FRAMES_MAX read: enough of this stream */
}

enum hk_parse_result proto_fins_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	return ctx->l4 == 6 ? stream(c, out) : datagram(c, out);
}
