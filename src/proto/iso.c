/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ISO transport on TCP port 102 (RFC 1006): one registry row for everything
 * that runs there. It reads the TPKT and COTP header (cotp.c) and hands a
 * data TPDU to the parser of what it carries.
 *
 * References: RFC 1006 6 (TPKT); ISO/IEC 8073 = ITU-T X.224 13.3 (CR, its
 * TSAP parameters 0xc1 calling and 0xc2 called); for the TSAP names,
 * Siemens' TIA Portal connection resources as the S7comm-plus dissector
 * documents them ("SIMATIC-ROOT-ES" engineering, "SIMATIC-ROOT-HMI" HMI,
 * "SIMATIC-ROOT-OTH" others; classic S7 uses two bytes: connection type
 * 01 PG, 02 OP, 03 S7 basic, then rack and slot).
 *
 *   | 03 | 00 | length 2 | LI | code | ... | user data |
 *   DT user data starting 0x32            -> S7comm        (s7comm.c)
 *                         0x72            -> S7comm-plus   (s7comm.c)
 *                         16 03 / 17 03   -> TLS: S7comm-plus secure session
 *                         an ISO 8327 SPDU -> MMS          (mms.c)
 *   CR: | e0 | dst-ref | src-ref | class | c1 len calling | c2 len called | ...
 *
 * Identity direction: a CR is sent by the end that connects, the client;
 * its calling TSAP is the client's (SRC), its called TSAP the server's
 * (DST). The called TSAP names the kind of client the PLC should expect,
 * so "SIMATIC-ROOT-ES" and "SIMATIC-ROOT-HMI" say what the sender is.
 *
 * Emitted: cotp.calling_tsap RAW 50 (SRC), cotp.called_tsap RAW 50 (DST),
 * cotp.called_tsap ROLE 60 "ews"/"hmi" (SRC); TSAPs of printable bytes as
 * text, others as 0x and hex. Everything else is what s7comm.c and mms.c
 * say.
 *
 * Hostile input this defends against: see cotp.c for the TPKT and TPDU
 * header; TSAPs are sub-cursors of their parameter length and at most
 * ISO_TSAP_SHOWN_MAX bytes of one are shown. Bytes that are not a TPKT are
 * NOMATCH, and so is a data TPDU that carries none of the protocols above.
 */
#include <stdio.h>
#include <string.h>

#include "proto/cotp.h"
#include "proto/proto.h"

#define ISO_TSAP_SHOWN_MAX 64 /* bytes of a TSAP shown (hex: 2 + 128 chars) */
#define CONF_RAW 50
#define CONF_TSAP_ROLE 60

static void tsap_format(struct hk_cur *v, char *dst, size_t dstsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = hk_cur_left(v), o = 0;
	bool text = n >= 3;

	for (size_t i = 0; i < n && text; i++) {
		uint8_t b = hk_cur_peek_u8(v, i);
		text = b >= 0x20 && b < 0x7f;
	}
	if (text) {
		hk_cur_str(v, n < ISO_TSAP_SHOWN_MAX ? n : ISO_TSAP_SHOWN_MAX, dst, dstsz);
		return;
	}
	dst[0] = '\0';
	if (n == 0 || dstsz < 3)
		return;
	dst[o++] = '0';
	dst[o++] = 'x';
	for (size_t i = 0; i < n && i < ISO_TSAP_SHOWN_MAX && o + 3 <= dstsz; i++) {
		uint8_t b = hk_cur_u8(v);
		dst[o++] = hex[b >> 4];
		dst[o++] = hex[b & 15];
	}
	dst[o] = '\0';
}

static void iso_connect(struct cotp_tpdu *t, struct hk_obs_sink *out)
{
	char v[HK_OBS_VALUE_MAX];

	if (t->has_calling) {
		tsap_format(&t->calling, v, sizeof(v));
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "cotp.calling_tsap", v);
	}
	if (t->has_called) {
		tsap_format(&t->called, v, sizeof(v));
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_DST, CONF_RAW, "cotp.called_tsap", v);
		if (strcmp(v, "SIMATIC-ROOT-ES") == 0)
			hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, CONF_TSAP_ROLE, "cotp.called_tsap", "ews");
		else if (strcmp(v, "SIMATIC-ROOT-HMI") == 0)
			hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, CONF_TSAP_ROLE, "cotp.called_tsap", "hmi");
	}
}

enum hk_parse_result proto_iso_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct hk_cur peek = *c;
	struct cotp_tpdu t;
	enum hk_parse_result r;
	uint8_t b0;

	if (ctx->l4 != 6)
		return HK_PARSE_NOMATCH;
	r = cotp_read(&peek, &t);
	if (r != HK_PARSE_OK)
		return r;
	switch (t.code) {
	case COTP_CR:
		iso_connect(&t, out);
		return HK_PARSE_OK;
	case COTP_DT:
		break;
	default:
		return HK_PARSE_OK; /* CC, DR, DC, AK, ER, ...: nothing more to say */
	}
	if (!hk_cur_left(&t.data))
		return HK_PARSE_OK; /* an empty DT (S7 sends one before a segmented PDU) */
	b0 = hk_cur_peek_u8(&t.data, 0);
	/* each parser reads the TPKT again from its start */
	if (b0 == 0x32 || b0 == 0x72 || b0 == 0x16 || b0 == 0x17) {
		peek = *c;
		r = proto_s7comm_parse(&peek, ctx, out);
		if (r != HK_PARSE_NOMATCH)
			return r;
	}
	peek = *c;
	return proto_mms_parse(&peek, ctx, out);
}
