/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mitsubishi MELSEC: the CPU model a PLC gives when asked (MC protocol
 * "Read CPU model", and the same answer in GX Works' MELSOFT protocol), and
 * which end is an engineering station speaking MELSOFT.
 *
 * References: MELSEC Communication Protocol Reference Manual SH-080008
 * (3E and 4E frames, binary and ASCII: subheader, network no., PC no.,
 * request destination module I/O no. and station no., request data length,
 * monitoring timer / end code; command 0101 "Read CPU model": response
 * model name 16 ASCII characters, space padded, and model code, 2 bytes
 * binary (low byte first) or 4 hex characters); MELSEC iQ-F FX5 User's
 * Manual (SLMP), "Processor type read" (FX5U-32MT/ES is model code 4A29H).
 * tshark 4.0 does not dissect MC or MELSOFT.
 *
 *   MC 3E binary  +------+-----+----+--------+---------+--------+------- ...
 *     request     | 5000 | net | pc | io LE2 | station | len LE2| timer LE2,
 *                 +------+-----+----+--------+---------+--------+ command LE2,
 *                   len counts from the timer                     subcommand LE2, data
 *     response    | D000 | net | pc | io LE2 | station | len LE2| end code LE2, data
 *   MC 4E binary  | 5400 / D400 | serial LE2 | 0000 | then as 3E from net
 *   MC ASCII      "5000" / "D000" ("5400"/"D400" serial "0000"), the same
 *                 fields as hex characters (net 2, pc 2, io 4, station 2,
 *                 len 4 counting the characters after it, end code 4)
 *   0101 response data: model name 16 (ASCII), model code (LE2 | 4 hex)
 *
 *   MELSOFT (no public specification; read from the bytes of
 *   iti_melsoft_129_clean.pcap, iti_melsoft_UDP_clean_1/2.pcap: of their
 *   3,611 payloads 3,445 are frames of this shape, length and direction
 *   bit agreeing, and the other 166 the search below):
 *   +----+----+----------+-------+------+ ... +---------+------------------
 *   | 57 | tr | 00 00 00 | 11 11 | 07   |     | len LE2 | body (len bytes)
 *   | D7 |    |          |       | 7F   |     | @19     |
 *   +----+----+----------+-------+------+ ... +---------+------------------
 *     57 request, D7 response (the bit 0x80); tr 00 on TCP, 01 on UDP;
 *     body: 4 bytes whose first has the same 0x80 bit (1C.. / 9C..), 20
 *     bytes, then request: command 2, sequence 1, 3 zero bytes, data;
 *     response: end code 2, command 2, sequence 1, 3 zero bytes, data.
 *     Command 01 21 is answered with 16 bytes of model name (NUL padded)
 *     and a model code LE2: "FX5U-32MT/ES" and 0x4A29 in the captures,
 *     the pair the FX5 manual documents for "Processor type read", the
 *     same layout as MC's 0101 answer.
 *   MELSOFT search (UDP): 5A 00 00 nn from the engineering station, DA 00
 *     00 nn ... from the PLC; recognised, nothing read.
 *
 * Identity direction: an MC response with 18 bytes of data (binary) or 24
 * characters (ASCII) whose first 16 are a model name is a Read CPU model
 * answer (responses do not repeat their command) and describes its sender
 * (side SRC): melsec.cpu_model MODEL 90, melsec.model_code RAW 50,
 * melsec.cpu ROLE "plc" 80. The MELSOFT answer to 01 21 says the same
 * (melsec.melsoft.cpu_model MODEL 80: the layout is inferred, if
 * cross-checked against the documented model code); a MELSOFT request
 * says its sender is an engineering client (melsec.melsoft RAW "yes" 50).
 *
 * UDP gives one frame per call. TCP is read in banner mode (the flow layer
 * has no MC framing): frames are walked from the start of the stream, at
 * most MELSEC_FRAMES_MAX; requests say all there is at once (OK), a stream
 * of responses is read until a CPU model was found or that many frames
 * were (OK), TRUNCATED while the window ends first.
 *
 * Hostile input this defends against: a frame is believed only when its
 * length field agrees with the datagram (MC's two-byte subheader is a weak
 * mark: a disagreement is NOMATCH, for MELSOFT MALFORMED) or, on TCP, lies
 * within MELSEC_LEN_MAX; every frame is a sub-cursor of its length; ASCII
 * fields must be hex; a model name must be printable, start with a letter
 * or digit, use the characters of model names only and be padded with
 * spaces or NULs, so register data in a response of the same size is not
 * taken for one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "proto/proto.h"

#define MELSEC_LEN_MAX 8192      /* request/response data length believed */
#define MELSEC_FRAMES_MAX 16
#define MELSEC_MODEL_LEN 16
#define MELSEC_MODEL_MIN 2

#define MC3E_HDR 9               /* subheader 2, net, pc, io 2, station, len 2 */
#define MC4E_HDR 13              /* + serial 2, 0000 */
#define MC3E_ASCII_HDR 18        /* "5000" net2 pc2 io4 station2 len4 */
#define MC4E_ASCII_HDR 26
#define MC_REQ_MIN 6             /* timer, command, subcommand */
#define MC_RESP_MIN 2            /* end code */
#define MC_CPU_MODEL_DATA (MELSEC_MODEL_LEN + 2)
#define MC_ASCII_CPU_MODEL_DATA (MELSEC_MODEL_LEN + 4)

#define MELSOFT_HDR 21
#define MELSOFT_LEN_AT 19
#define MELSOFT_BODY_MIN 4
#define MELSOFT_RESP_CMD_AT 26   /* in the body: 4 + 20 + end code 2 */
#define MELSOFT_RESP_DATA_AT 32  /* command 2, sequence 1, zeros 3 */
#define MELSOFT_CMD_CPU_MODEL 0x0121
#define MELSOFT_SEARCH_LEN 4

#define CONF_MODEL 90
#define CONF_MELSOFT_MODEL 80
#define CONF_ROLE 80
#define CONF_RAW 50

enum mel_kind {
	MEL_MC_BIN,
	MEL_MC_ASCII,
	MEL_MELSOFT,
	MEL_SEARCH,
};

struct mel_frame {
	enum mel_kind kind;
	bool response;
	size_t hdr; /* bytes before the counted part */
	size_t len; /* the counted part */
};

/* ---- the CPU model ------------------------------------------------------- */

static bool model_char(uint8_t b)
{
	return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '-' ||
	       b == '/' || b == '_' || b == '.' || b == '+' || b == '(' || b == ')';
}

/* A 16-byte model name at c: "" unless it reads as one (see above). */
static void model_name(struct hk_cur *c, char *dst, size_t dstsz)
{
	struct hk_cur f = hk_cur_sub(c, MELSEC_MODEL_LEN);
	size_t n = 0;
	uint8_t first;

	dst[0] = '\0';
	if (!hk_cur_ok(&f))
		return;
	while (n < MELSEC_MODEL_LEN && model_char(hk_cur_peek_u8(&f, n)))
		n++;
	for (size_t i = n; i < MELSEC_MODEL_LEN; i++) {
		uint8_t b = hk_cur_peek_u8(&f, i);
		if (b != ' ' && b != 0)
			return;
	}
	if (n < MELSEC_MODEL_MIN)
		return;
	first = hk_cur_peek_u8(&f, 0);
	if (!((first >= '0' && first <= '9') || (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z')))
		return;
	hk_cur_str(&f, n, dst, dstsz);
}

static void say_model(struct hk_obs_sink *out, const char *source, uint8_t conf, const char *model, uint16_t code)
{
	char val[8];

	snprintf(val, sizeof(val), "0x%04X", code);
	hk_obs_emit(out, HK_OBS_MODEL, HK_SIDE_SRC, conf, source, model);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "melsec.model_code", val);
	hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, CONF_ROLE, "melsec.cpu", "plc");
}

/* ---- ASCII fields --------------------------------------------------------- */

static int hex_digit(uint8_t b)
{
	if (b >= '0' && b <= '9')
		return b - '0';
	if (b >= 'A' && b <= 'F')
		return b - 'A' + 10;
	if (b >= 'a' && b <= 'f')
		return b - 'a' + 10;
	return -1;
}

/* n hex characters at offset at (peeked); false when one is not hex or
 * the window is short (then *truncated). */
static bool peek_hex(struct hk_cur *c, size_t at, size_t n, uint32_t *ret, bool *truncated)
{
	uint32_t v = 0;

	*truncated = false;
	for (size_t i = 0; i < n; i++) {
		int d;
		if (!hk_cur_has(c, at + i + 1)) {
			*truncated = true;
			return false;
		}
		d = hex_digit(hk_cur_peek_u8(c, at + i));
		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*ret = v;
	return true;
}

/* ---- recognising a frame ---------------------------------------------------- */

/* true when the window's first n bytes (as far as it holds them) equal s */
static bool starts(struct hk_cur *c, const char *s, size_t n, bool *partial)
{
	*partial = false;
	for (size_t i = 0; i < n; i++) {
		if (!hk_cur_has(c, i + 1)) {
			*partial = true;
			return true;
		}
		if (hk_cur_peek_u8(c, i) != (uint8_t)s[i])
			return false;
	}
	return true;
}

/*
 * The frame at the start of c: kind, direction and size. NOMATCH when it is
 * none of ours, TRUNCATED when the window ends before its length field,
 * MALFORMED when its length contradicts itself.
 */
static enum hk_parse_result frame_head(struct hk_cur *c, bool datagram, struct mel_frame *f)
{
	static const struct {
		const char *mark;
		size_t n;
		enum mel_kind kind;
		bool response;
		size_t hdr;
	} marks[] = {
		{"\x50\x00", 2, MEL_MC_BIN, false, MC3E_HDR},
		{"\xd0\x00", 2, MEL_MC_BIN, true, MC3E_HDR},
		{"\x54\x00", 2, MEL_MC_BIN, false, MC4E_HDR},
		{"\xd4\x00", 2, MEL_MC_BIN, true, MC4E_HDR},
		{"5000", 4, MEL_MC_ASCII, false, MC3E_ASCII_HDR},
		{"D000", 4, MEL_MC_ASCII, true, MC3E_ASCII_HDR},
		{"5400", 4, MEL_MC_ASCII, false, MC4E_ASCII_HDR},
		{"D400", 4, MEL_MC_ASCII, true, MC4E_ASCII_HDR},
		{"\x57", 1, MEL_MELSOFT, false, MELSOFT_HDR},
		{"\xd7", 1, MEL_MELSOFT, true, MELSOFT_HDR},
		{"\x5a\x00\x00", 3, MEL_SEARCH, false, 0},
		{"\xda\x00\x00", 3, MEL_SEARCH, true, 0},
	};
	size_t i, need;
	bool partial = false, truncated;
	uint32_t len;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (starts(c, marks[i].mark, marks[i].n, &partial))
			break;
	if (i == sizeof(marks) / sizeof(marks[0]))
		return HK_PARSE_NOMATCH;
	if (partial)
		return HK_PARSE_TRUNCATED;
	f->kind = marks[i].kind;
	f->response = marks[i].response;
	f->hdr = marks[i].hdr;

	switch (f->kind) {
	case MEL_SEARCH:
		if (!datagram)
			return HK_PARSE_NOMATCH;
		if (!hk_cur_has(c, MELSOFT_SEARCH_LEN))
			return HK_PARSE_TRUNCATED;
		if (!f->response && hk_cur_left(c) != MELSOFT_SEARCH_LEN)
			return HK_PARSE_NOMATCH;
		f->len = hk_cur_left(c);
		return HK_PARSE_OK;
	case MEL_MC_BIN:
		if (!hk_cur_has(c, f->hdr))
			return HK_PARSE_TRUNCATED;
		if (f->hdr == MC4E_HDR && hk_cur_peek_be16(c, 4) != 0)
			return HK_PARSE_NOMATCH;
		len = (uint32_t)hk_cur_peek_u8(c, f->hdr - 2) | (uint32_t)hk_cur_peek_u8(c, f->hdr - 1) << 8;
		if (len < (f->response ? MC_RESP_MIN : MC_REQ_MIN) || len > MELSEC_LEN_MAX)
			return HK_PARSE_NOMATCH;
		break;
	case MEL_MC_ASCII: {
		/* 4E: serial 4, "0000"; then net 2, pc 2, io 4, station 2, length 4: hex */
		size_t at = 4;
		uint32_t v;

		if (f->hdr == MC4E_ASCII_HDR) {
			if (!peek_hex(c, 4, 4, &v, &truncated) || !peek_hex(c, 8, 4, &v, &truncated))
				return truncated ? HK_PARSE_TRUNCATED : HK_PARSE_NOMATCH;
			if (v != 0)
				return HK_PARSE_NOMATCH;
			at = 12;
		}
		if (!peek_hex(c, at, 6, &v, &truncated) || !peek_hex(c, at + 6, 4, &v, &truncated) ||
		    !peek_hex(c, at + 10, 4, &len, &truncated))
			return truncated ? HK_PARSE_TRUNCATED : HK_PARSE_NOMATCH;
		if (len < (f->response ? 2 * MC_RESP_MIN : 2 * MC_REQ_MIN) || len > MELSEC_LEN_MAX)
			return HK_PARSE_NOMATCH;
		break;
	}
	case MEL_MELSOFT:
	default:
		if (!hk_cur_has(c, f->hdr))
			return HK_PARSE_TRUNCATED;
		if (hk_cur_peek_be16(c, 5) != 0x1111)
			return HK_PARSE_NOMATCH;
		len = (uint32_t)hk_cur_peek_u8(c, MELSOFT_LEN_AT) | (uint32_t)hk_cur_peek_u8(c, MELSOFT_LEN_AT + 1) << 8;
		if (len < MELSOFT_BODY_MIN || len > MELSEC_LEN_MAX)
			return HK_PARSE_MALFORMED;
		break;
	}
	f->len = len;
	need = f->hdr + f->len;
	if (datagram && need < hk_cur_left(c))
		return f->kind == MEL_MELSOFT ? HK_PARSE_MALFORMED : HK_PARSE_NOMATCH; /* bytes after the frame */
	if (!hk_cur_has(c, need))
		return HK_PARSE_TRUNCATED;
	return HK_PARSE_OK;
}

/* ---- reading a frame -------------------------------------------------------- */

/* An MC response's counted part (end code first). */
static bool mc_response(struct hk_cur *d, bool ascii, struct hk_obs_sink *out)
{
	char model[HK_OBS_VALUE_MAX];
	uint32_t end, code;
	bool truncated;

	if (ascii) {
		if (hk_cur_left(d) != 4 + MC_ASCII_CPU_MODEL_DATA)
			return false;
		if (!peek_hex(d, 0, 4, &end, &truncated) || end != 0 ||
		    !peek_hex(d, 4 + MELSEC_MODEL_LEN, 4, &code, &truncated))
			return false;
		hk_cur_skip(d, 4);
	} else {
		if (hk_cur_left(d) != 2 + MC_CPU_MODEL_DATA)
			return false;
		end = hk_cur_le16(d);
		if (end != 0)
			return false;
		code = 0;
	}
	model_name(d, model, sizeof(model));
	if (!ascii)
		code = hk_cur_le16(d);
	if (!model[0] || !hk_cur_ok(d))
		return false;
	say_model(out, "melsec.cpu_model", CONF_MODEL, model, (uint16_t)code);
	return true;
}

static bool melsoft_response(struct hk_cur *d, struct hk_obs_sink *out)
{
	char model[HK_OBS_VALUE_MAX];
	uint16_t end, cmd, code;

	hk_cur_skip(d, MELSOFT_RESP_CMD_AT - 2);
	end = hk_cur_le16(d);
	cmd = hk_cur_be16(d);
	hk_cur_skip(d, MELSOFT_RESP_DATA_AT - MELSOFT_RESP_CMD_AT - 2);
	if (!hk_cur_ok(d) || end != 0 || cmd != MELSOFT_CMD_CPU_MODEL)
		return false;
	model_name(d, model, sizeof(model));
	code = hk_cur_le16(d);
	if (!model[0] || !hk_cur_ok(d))
		return false;
	say_model(out, "melsec.melsoft.cpu_model", CONF_MELSOFT_MODEL, model, code);
	return true;
}

/*
 * One frame of f's size at c. *ret_done when nothing more is to be learnt
 * from this direction: a request (its sender says no more), or a CPU model.
 */
static enum hk_parse_result frame(struct hk_cur *c, const struct mel_frame *f, struct hk_obs_sink *out,
				  bool *ret_done)
{
	struct hk_cur d;

	hk_cur_skip(c, f->hdr);
	d = hk_cur_sub(c, f->len);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED; /* cannot happen: frame_head checked */
	*ret_done = !f->response;
	switch (f->kind) {
	case MEL_MC_BIN:
	case MEL_MC_ASCII:
		if (f->response)
			*ret_done = mc_response(&d, f->kind == MEL_MC_ASCII, out);
		break;
	case MEL_MELSOFT:
		/* the body's first byte has the header's direction bit */
		if ((hk_cur_peek_u8(&d, 0) & 0x80) != (f->response ? 0x80 : 0))
			return HK_PARSE_MALFORMED;
		if (f->response)
			*ret_done = melsoft_response(&d, out);
		else
			hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "melsec.melsoft", "yes");
		break;
	case MEL_SEARCH:
	default:
		break;
	}
	return HK_PARSE_OK;
}

enum hk_parse_result proto_melsec_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	bool datagram = ctx->l4 != 6, done = false;
	struct mel_frame f;
	enum hk_parse_result r;

	for (unsigned i = 0; i < MELSEC_FRAMES_MAX; i++) {
		if (hk_cur_left(c) == 0)
			return HK_PARSE_TRUNCATED; /* between frames: more may come */
		r = frame_head(c, datagram, &f);
		if (r == HK_PARSE_NOMATCH && i > 0)
			return HK_PARSE_MALFORMED; /* a stream that was ours goes on with other bytes */
		if (r != HK_PARSE_OK)
			return r;
		r = frame(c, &f, out, &done);
		if (r != HK_PARSE_OK || done || datagram)
			return r;
	}
	return HK_PARSE_OK; /* MELSEC_FRAMES_MAX read: enough of this stream */
}
