/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNP3: which end of a link is the master and which the outstation, and the
 * link address each one uses.
 *
 * Reference: IEEE Std 1815-2012 (DNP3), the data link layer (clause 9):
 * frame format with its two start octets, length, link control octet (DIR,
 * PRM), destination and source addresses (0xFFF0..0xFFFF reserved or
 * broadcast), the CRC-16 after the header and after each 16-byte block of
 * user data; and the IP networking part: frames carried unchanged over
 * TCP or UDP, port 20000.
 *
 *   +------+------+-----+------+--------+--------+---------+
 *   | 0x05 | 0x64 | LEN | CTRL | DEST 2 | SRC 2  | CRC 2   |  header: 10 bytes
 *   +------+------+-----+------+--------+--------+---------+
 *   | data block 16 | CRC 2 | ... | last block 1..16 | CRC 2 |  LEN - 5 data bytes
 *
 *   LEN counts CTRL, DEST, SRC and the user data, not the start octets or
 *   CRCs: 5..255. A frame is 10 + (LEN - 5) + 2 * ceil((LEN - 5) / 16)
 *   bytes, at most 292. DEST, SRC and the CRCs are little-endian.
 *   CTRL: DIR (0x80) set in frames from the master, PRM (0x40) set in frames
 *   from the primary (initiating) station, FCB, FCV/DFC, 4-bit function.
 *   CRC: polynomial 0x3D65 (reflected 0xA6BC), initial 0, complemented.
 *
 * Identity direction: every frame describes its sender (side SRC): DIR says
 * master or outstation, SRC its link address. Nothing names a vendor.
 *
 * The flow layer gives the stream from its first byte (banner mode) or one
 * datagram: frames are walked from the start, at most DNP3_FRAMES_MAX; the
 * first complete frame settles it, so the result is OK as soon as one is
 * whole. A stream joined in the middle of a frame is picked up at the first
 * "05 64" within DNP3_RESYNC_MAX bytes whose header CRC is right.
 *
 * Hostile input this defends against: the header CRC is checked before any
 * field is believed (a wrong one is MALFORMED: port 20000 is DNP3's); LEN
 * below 5 is MALFORMED; each frame's size is computed from LEN and read as
 * a whole before the next is looked at; at most DNP3_ADDRS_MAX distinct
 * addresses are said per call; reserved source addresses are not said.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/proto.h"

#define DNP3_START 0x0564
#define DNP3_HDR_LEN 10   /* start 2, LEN, CTRL, DEST 2, SRC 2, CRC 2 */
#define DNP3_CRC_SPAN 8   /* the header bytes the header CRC covers */
#define DNP3_LEN_MIN 5    /* CTRL, DEST, SRC */
#define DNP3_BLOCK 16     /* user data bytes per CRC */
#define DNP3_FRAMES_MAX 16
#define DNP3_ADDRS_MAX 4
#define DNP3_RESYNC_MAX 292 /* the largest frame: past it, a start must have been seen */
#define DNP3_ADDR_RESERVED 0xfff0

#define DNP3_CTRL_DIR 0x80

#define CONF_RAW 50

struct dnp3_said {
	bool master, outstation;
	uint16_t addrs[DNP3_ADDRS_MAX];
	size_t n_addrs;
};

/* IEEE 1815-2012 9.2.5: CRC-16/DNP over the n bytes at c (c moves past them). */
static uint16_t dnp3_crc(struct hk_cur *c, size_t n)
{
	uint16_t crc = 0;

	for (size_t i = 0; i < n; i++) {
		crc ^= hk_cur_u8(c);
		for (int k = 0; k < 8; k++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xa6bc) : (uint16_t)(crc >> 1);
	}
	return (uint16_t)~crc;
}

/* Bytes of a whole frame with length octet len (>= DNP3_LEN_MIN). */
static size_t frame_size(uint8_t len)
{
	size_t data = (size_t)len - DNP3_LEN_MIN;

	return DNP3_HDR_LEN + data + 2 * ((data + DNP3_BLOCK - 1) / DNP3_BLOCK);
}

/* true if the 10 bytes at c are a header with a right CRC */
static bool header_ok(struct hk_cur h)
{
	struct hk_cur span = h;
	uint16_t crc;

	if (hk_cur_be16(&h) != DNP3_START)
		return false;
	hk_cur_skip(&h, DNP3_CRC_SPAN - 2);
	crc = hk_cur_le16(&h);
	return hk_cur_ok(&h) && dnp3_crc(&span, DNP3_CRC_SPAN) == crc && hk_cur_ok(&span);
}

/* Offset of the first start at which a header with a right CRC begins, -1 if none. */
static long resync(const struct hk_cur *c)
{
	size_t left = hk_cur_left(c);

	for (size_t at = 1; at <= DNP3_RESYNC_MAX && at + DNP3_HDR_LEN <= left; at++) {
		struct hk_cur h = *c;

		hk_cur_skip(&h, at);
		if (header_ok(hk_cur_sub(&h, DNP3_HDR_LEN)))
			return (long)at;
	}
	return -1;
}

static void say(struct dnp3_said *said, bool from_master, uint16_t src, struct hk_obs_sink *out)
{
	char val[8];

	if (from_master ? !said->master : !said->outstation)
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "dnp3.role", from_master ? "master" : "outstation");
	if (from_master)
		said->master = true;
	else
		said->outstation = true;
	if (src >= DNP3_ADDR_RESERVED)
		return;
	for (size_t i = 0; i < said->n_addrs; i++)
		if (said->addrs[i] == src)
			return;
	if (said->n_addrs >= DNP3_ADDRS_MAX)
		return;
	said->addrs[said->n_addrs++] = src;
	snprintf(val, sizeof(val), "%u", src);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "dnp3.address", val);
}

/* One frame at c; first: the first of the call (not DNP3 is then NOMATCH). */
static enum hk_parse_result frame(struct hk_cur *c, bool first, struct dnp3_said *said, struct hk_obs_sink *out)
{
	struct hk_cur t, h;
	uint8_t len, ctrl;
	uint16_t src;
	size_t size;

	/* what is there of the start octets must agree before more is awaited */
	if (hk_cur_left(c) < 2) {
		if (hk_cur_left(c) == 1 && hk_cur_peek_u8(c, 0) != (DNP3_START >> 8))
			return first ? HK_PARSE_NOMATCH : HK_PARSE_MALFORMED;
		return HK_PARSE_TRUNCATED;
	}
	if (hk_cur_peek_be16(c, 0) != DNP3_START)
		return first ? HK_PARSE_NOMATCH : HK_PARSE_MALFORMED;
	if (hk_cur_left(c) < DNP3_HDR_LEN)
		return HK_PARSE_TRUNCATED;
	t = *c;
	h = hk_cur_sub(&t, DNP3_HDR_LEN);
	if (!header_ok(h))
		return HK_PARSE_MALFORMED;
	hk_cur_skip(&h, 2); /* start octets */
	len = hk_cur_u8(&h);
	ctrl = hk_cur_u8(&h);
	hk_cur_skip(&h, 2); /* destination */
	src = hk_cur_le16(&h);
	if (!hk_cur_ok(&h))
		return HK_PARSE_TRUNCATED; /* cannot happen: 10 bytes were there */
	if (len < DNP3_LEN_MIN)
		return HK_PARSE_MALFORMED;
	size = frame_size(len);
	if (!hk_cur_has(c, size))
		return HK_PARSE_TRUNCATED;
	hk_cur_skip(c, size);
	say(said, (ctrl & DNP3_CTRL_DIR) != 0, src, out);
	return HK_PARSE_OK;
}

enum hk_parse_result proto_dnp3_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct dnp3_said said = {.n_addrs = 0};
	enum hk_parse_result r;

	(void)ctx;
	if (hk_cur_left(c) >= 2 && hk_cur_peek_be16(c, 0) != DNP3_START) {
		long at = resync(c);
		if (at < 0)
			return HK_PARSE_NOMATCH;
		hk_cur_skip(c, (size_t)at);
	}
	r = frame(c, true, &said, out);
	if (r != HK_PARSE_OK)
		return r;
	for (unsigned i = 1; i < DNP3_FRAMES_MAX && hk_cur_left(c) > 0; i++) {
		r = frame(c, false, &said, out);
		if (r == HK_PARSE_TRUNCATED)
			break; /* the window ends inside a frame: what is whole has been said */
		if (r != HK_PARSE_OK)
			return r;
	}
	return HK_PARSE_OK;
}
