/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny bounded BER reader for mms.c and goose.c.
 *
 * Reference: ITU-T X.690 (02/2021) 8.1.2 (identifier octets: class in bits
 * 8-7, constructed bit 6, tag number in bits 5-1 or, for 31, in subsequent
 * octets of 7 bits with bit 8 as "more"), 8.1.3 (length octets: short form
 * < 128, long form 0x8N + N octets, 0x80 the indefinite form), 8.3
 * (INTEGER, two's complement, big-endian).
 *
 *   | class 2 | C 1 | tag 5 | [tag 7 ...] | len (short) or 8N + N octets | contents |
 *
 * Hostile input this defends against: every TLV's contents are a
 * sub-cursor of the stated length, so nothing reads past its element or
 * into a sibling, and a length past the parent is ETRUNC; the indefinite
 * form (which would make the end of an element depend on its contents),
 * lengths of more than BER_LEN_BYTES_MAX octets and tag numbers above
 * BER_TAG_MAX are refused (EINVAL). Callers bound nesting by walking fixed
 * paths, never by recursion on the data.
 */
#include "proto/ber.h"

#define BER_HIGH_TAG 0x1f
#define BER_MORE 0x80
#define BER_LONG 0x80
#define BER_TAG_OCTETS_MAX 2 /* subsequent octets: 14 bits */

bool ber_next(struct hk_cur *c, struct ber_tlv *ret)
{
	uint8_t id = hk_cur_u8(c), l;
	uint32_t tag = id & BER_HIGH_TAG;
	size_t len;

	if (c->err)
		return false;
	if (tag == BER_HIGH_TAG) {
		int i;
		uint8_t b = BER_MORE;

		tag = 0;
		for (i = 0; i < BER_TAG_OCTETS_MAX && (b & BER_MORE); i++) {
			b = hk_cur_u8(c);
			tag = (tag << 7) | (b & 0x7f);
		}
		if (c->err)
			return false;
		if ((b & BER_MORE) || tag > BER_TAG_MAX) {
			hk_cur_fail(c, HK_CUR_EINVAL);
			return false;
		}
	}
	l = hk_cur_u8(c);
	if (c->err)
		return false;
	if (l & BER_LONG) {
		size_t n = l & 0x7f;

		if (n == 0 || n > BER_LEN_BYTES_MAX) {
			hk_cur_fail(c, HK_CUR_EINVAL);
			return false;
		}
		len = 0;
		for (size_t i = 0; i < n; i++)
			len = (len << 8) | hk_cur_u8(c);
		if (c->err)
			return false;
	} else {
		len = l;
	}
	ret->cls = (uint8_t)(id >> 6);
	ret->cons = (id & 0x20) != 0;
	ret->tag = tag;
	ret->val = hk_cur_sub(c, len);
	return c->err == 0;
}

bool ber_uint32(struct hk_cur *v, uint32_t *ret)
{
	size_t n = hk_cur_left(v);
	uint32_t x = 0;

	if (v->err)
		return false;
	/* one octet at least; a fifth only as the 0 that keeps the sign positive */
	if (n == 0 || n > 5 || (hk_cur_peek_u8(v, 0) & 0x80) || (n == 5 && hk_cur_peek_u8(v, 0) != 0)) {
		hk_cur_fail(v, HK_CUR_EINVAL);
		return false;
	}
	while (hk_cur_left(v))
		x = (x << 8) | hk_cur_u8(v);
	*ret = x;
	return true;
}
