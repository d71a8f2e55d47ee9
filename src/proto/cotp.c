/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TPKT and COTP: the ISO transport under S7comm, S7comm-plus and MMS.
 *
 * References:
 *   RFC 1006 (ISO transport service on top of TCP) 6: the TPKT header,
 *   version 3, reserved 0, a 16-bit length that includes the header
 *   (7..65535); RFC 2126 (ITOT) 5 (class 0 is what runs over it);
 *   ISO/IEC 8073:1997 = ITU-T X.224 (11/1995) 13: TPDU structure, 13.2.1
 *   (length indicator, 0..254), 13.3 (CR), 13.4 (CC), 13.5 (DR), 13.6 (DC),
 *   13.7 (DT: class 0 header is code + EOT/TPDU-NR, normal format adds the
 *   destination reference), 13.3.4 (CR/CC variable part: parameters 0xc0
 *   TPDU size, 0xc1 calling TSAP, 0xc2 called TSAP, ...).
 *
 *   TPKT   | 03 | 00 | length 16 (of the whole TPKT) |
 *   COTP   | LI | code | ... LI-1 more header bytes ... | user data ... |
 *     DT class 0:  LI=2  | f0 | EOT(bit 7) TPDU-NR(7) |
 *     DT normal:   LI>=4 | f0 | dst-ref 2 | EOT/NR | [parameters]
 *     CR, CC:      LI>=6 | e0/d0 + CDT | dst-ref 2 | src-ref 2 | class-option |
 *                  { code 1 | len 1 | value len } ...   (the variable part)
 *     DR:          LI>=6 | 80 | dst-ref 2 | src-ref 2 | reason | [parameters]
 *     DC:          LI>=5 | c0 | dst-ref 2 | src-ref 2 |
 *     ED, EA, AK, RJ, ER: LI>=4
 *
 * This helper says nothing about identity; the callers decide what a TSAP
 * or a payload means. It does not reassemble: a DT with EOT clear is the
 * first part of a longer TSDU (or a later part: a single TPDU cannot tell),
 * and the caller is told so through eot.
 *
 * Hostile input this defends against: the TPKT length is checked against
 * the bytes at hand (a longer one is TRUNCATED, a shorter one than its own
 * header MALFORMED) and everything after it is out of reach (a sub-cursor);
 * the length indicator must fit inside the TPKT and hold the fixed part of
 * its TPDU type; the CR/CC parameters are walked inside the header only, at
 * most COTP_PARAMS_MAX of them, each a sub-cursor of its own length.
 */
#include "proto/cotp.h"

#define TPKT_VERSION 3
#define TPKT_HDR_LEN 4
#define TPKT_LEN_MIN 7           /* RFC 1006 6: header + the smallest TPDU */
#define COTP_LI_RESERVED 255     /* ISO 8073 13.2.1 */
#define COTP_PARAMS_MAX 16       /* CR/CC parameters walked; ISO 8073 defines about a dozen */
#define COTP_PARAM_CALLING_TSAP 0xc1
#define COTP_PARAM_CALLED_TSAP 0xc2
#define COTP_DT_EOT 0x80

/* the fixed part of each TPDU type after the code byte (ISO 8073 13.x) */
static int cotp_fixed_len(uint8_t code)
{
	switch (code) {
	case COTP_CR:
	case COTP_CC:
	case COTP_DR:
		return 5; /* dst-ref, src-ref, class-option or reason */
	case COTP_DC:
		return 4;
	case COTP_DT:
		return 1; /* class 0; the normal format is sorted out by the caller */
	case COTP_ED:
	case COTP_EA:
	case COTP_AK:
	case COTP_RJ:
	case COTP_ER:
		return 3;
	default:
		return -1;
	}
}

static bool cotp_params(struct hk_cur *hdr, struct cotp_tpdu *t)
{
	for (int i = 0; i < COTP_PARAMS_MAX && hk_cur_left(hdr) > 0; i++) {
		uint8_t code = hk_cur_u8(hdr);
		uint8_t len = hk_cur_u8(hdr);
		struct hk_cur v = hk_cur_sub(hdr, len);

		if (hdr->err)
			return false;
		if (code == COTP_PARAM_CALLING_TSAP) {
			t->calling = v;
			t->has_calling = true;
		} else if (code == COTP_PARAM_CALLED_TSAP) {
			t->called = v;
			t->has_called = true;
		}
	}
	/* more parameters than any TPDU defines: not a header we believe */
	return hk_cur_left(hdr) == 0;
}

enum hk_parse_result cotp_read(struct hk_cur *c, struct cotp_tpdu *ret)
{
	struct hk_cur tpkt, hdr;
	uint8_t version, reserved, li, code;
	uint16_t len;
	int fixed;

	version = hk_cur_peek_u8(c, 0);
	if (c->err)
		return HK_PARSE_TRUNCATED;
	if (version != TPKT_VERSION)
		return HK_PARSE_NOMATCH;
	hk_cur_skip(c, 1);
	reserved = hk_cur_u8(c);
	len = hk_cur_be16(c);
	if (c->err)
		return HK_PARSE_TRUNCATED;
	if (reserved != 0)
		return HK_PARSE_NOMATCH;
	if (len < TPKT_LEN_MIN)
		return HK_PARSE_MALFORMED;
	tpkt = hk_cur_sub(c, (size_t)len - TPKT_HDR_LEN);
	if (tpkt.err)
		return HK_PARSE_TRUNCATED;

	li = hk_cur_u8(&tpkt);
	if (li == 0 || li == COTP_LI_RESERVED || li > hk_cur_left(&tpkt))
		return HK_PARSE_MALFORMED;
	hdr = hk_cur_sub(&tpkt, li);
	code = hk_cur_u8(&hdr);
	/* CR and CC carry the credit in the low nibble; in the others it is 0
	 * (class 0) or a credit too (AK) */
	if ((code & 0xf0) == COTP_CR || (code & 0xf0) == COTP_CC || (code & 0xf0) == COTP_AK)
		code &= 0xf0;
	fixed = cotp_fixed_len(code);
	if (fixed < 0 || hk_cur_left(&hdr) < (size_t)fixed)
		return HK_PARSE_MALFORMED;
	/*
	 * Written in place, field by field: a local `t = {0}` copied out at the
	 * end became a rep stosq and a copy in 16-byte loads of what had just
	 * been stored in smaller pieces, and both waited for the store buffer
	 * (perf: most of cotp_read's samples, once per S7 PDU).
	 */
	ret->code = code;
	ret->eot = false;
	ret->has_calling = ret->has_called = false;
	ret->calling = ret->called = (struct hk_cur){0};

	switch (code) {
	case COTP_DT:
		if (li == 2) {
			ret->eot = (hk_cur_u8(&hdr) & COTP_DT_EOT) != 0;
		} else if (li >= 4) {
			/* normal format (classes 2..4): destination reference first;
			 * what follows the EOT/NR byte are parameters we skip */
			hk_cur_skip(&hdr, 2);
			ret->eot = (hk_cur_u8(&hdr) & COTP_DT_EOT) != 0;
		} else {
			return HK_PARSE_MALFORMED;
		}
		break;
	case COTP_CR:
	case COTP_CC:
		hk_cur_skip(&hdr, (size_t)fixed);
		if (!cotp_params(&hdr, ret))
			return HK_PARSE_MALFORMED;
		break;
	default:
		break; /* nothing in them we use */
	}
	if (hdr.err)
		return HK_PARSE_MALFORMED;
	ret->data = hk_cur_rest(&tpkt);
	return HK_PARSE_OK;
}
