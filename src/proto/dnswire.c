/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNS wire format: RFC 1035 (November 1987), section 4.1 (message format)
 * and 4.1.4 (message compression); RFC 6762 section 18 and RFC 4795 section
 * 2.1 reuse it for mDNS and LLMNR, RFC 1002 section 4.2 for NetBIOS names.
 *
 *   header          0               1               2               3
 *                  +---------------+---------------+---------------+---------------+
 *                  |              ID               |QR|OPCODE|flags|     RCODE     |
 *                  +---------------+---------------+---------------+---------------+
 *                  |            QDCOUNT            |            ANCOUNT            |
 *                  +---------------+---------------+---------------+---------------+
 *                  |            NSCOUNT            |            ARCOUNT            |
 *                  +---------------+---------------+---------------+---------------+
 *   name            LEN(1..63) LABEL... ... 0x00,  or ending in 11PPPPPP PPPPPPPP:
 *                   a pointer to offset P of the message where the rest continues
 *   question        NAME TYPE(2) CLASS(2)
 *   record          NAME TYPE(2) CLASS(2) TTL(4) RDLENGTH(2) RDATA(RDLENGTH)
 *
 * Hostile input defended against: pointer loops and chains (a jump cap, and
 * pointers after the first must go strictly backwards, so the walk ends even
 * without the cap), pointers past the message, names that expand past 255
 * octets, the reserved label types 0x40/0x80, RDLENGTH running past the
 * message (RDATA is a child cursor, so its fields never read a sibling).
 */
#include "proto/dnswire.h"

#include <string.h>

int dns_hdr_read(struct hk_cur *c, struct dns_hdr *ret)
{
	struct dns_hdr h;

	h.id = hk_cur_be16(c);
	h.flags = hk_cur_be16(c);
	h.n_qd = hk_cur_be16(c);
	h.n_an = hk_cur_be16(c);
	h.n_ns = hk_cur_be16(c);
	h.n_ar = hk_cur_be16(c);
	if (!hk_cur_ok(c))
		return c->err;
	*ret = h;
	return 0;
}

static int name_fail(struct hk_cur *c, int err)
{
	hk_cur_fail(c, err);
	return err;
}

int dns_name_read(struct hk_cur *c, const struct hk_cur *msg, struct dns_name *ret)
{
	struct hk_cur jump;       /* over msg, once a pointer was followed */
	struct hk_cur *at = c;    /* where the next label is read */
	size_t wire = 1;          /* octets of the expanded name; the root label counts */
	size_t prev_target = 0;   /* of the last pointer followed */
	unsigned n_jumps = 0;

	ret->n_labels = 0;
	ret->len = 0;
	for (;;) {
		uint8_t b = hk_cur_u8(at);

		if (!hk_cur_ok(at))
			return name_fail(c, at->err);
		if (b == 0)
			return 0;
		if ((b & 0xc0) == 0xc0) {
			size_t target = ((size_t)(b & 0x3f) << 8) | hk_cur_u8(at);

			if (!hk_cur_ok(at))
				return name_fail(c, at->err);
			if (++n_jumps > DNS_PTR_JUMPS_MAX || target >= msg->len ||
			    (n_jumps > 1 && target >= prev_target))
				return name_fail(c, HK_CUR_EINVAL);
			prev_target = target;
			jump = hk_cur_init(msg->base, msg->len);
			hk_cur_skip(&jump, target);
			at = &jump;
			continue;
		}
		if (b & 0xc0) /* 0x40 extended label, 0x80 reserved */
			return name_fail(c, HK_CUR_EINVAL);
		wire += 1 + (size_t)b;
		if (wire > DNS_NAME_MAX || ret->n_labels >= DNS_LABELS_MAX)
			return name_fail(c, HK_CUR_EINVAL);
		ret->lab_off[ret->n_labels] = (uint8_t)ret->len;
		ret->lab_len[ret->n_labels] = b;
		/* wire <= 255 bounds len + b below sizeof(buf) */
		if (!hk_cur_copy(at, ret->buf + ret->len, b))
			return name_fail(c, at->err);
		ret->len = (uint16_t)(ret->len + b);
		ret->n_labels++;
	}
}

int dns_question_read(struct hk_cur *c, const struct hk_cur *msg, struct dns_name *name, uint16_t *type,
		      uint16_t *rclass)
{
	uint16_t t, k;

	if (dns_name_read(c, msg, name))
		return c->err;
	t = hk_cur_be16(c);
	k = hk_cur_be16(c);
	if (!hk_cur_ok(c))
		return c->err;
	*type = t;
	*rclass = k;
	return 0;
}

int dns_rr_read(struct hk_cur *c, const struct hk_cur *msg, struct dns_rr *ret)
{
	uint16_t rdlen;

	if (dns_name_read(c, msg, &ret->name))
		return c->err;
	ret->type = hk_cur_be16(c);
	ret->rclass = hk_cur_be16(c);
	ret->ttl = hk_cur_be32(c);
	rdlen = hk_cur_be16(c);
	if (!hk_cur_ok(c))
		return c->err;
	ret->rdata = hk_cur_sub(c, rdlen);
	return c->err;
}

void dns_name_fmt(const struct dns_name *name, size_t first, size_t n, char *dst, size_t dstsz)
{
	size_t o = 0;

	if (dstsz == 0)
		return;
	dst[0] = '\0';
	for (size_t i = first; i < first + n && i < name->n_labels; i++) {
		const uint8_t *lab = name->buf + name->lab_off[i];

		if (i > first) {
			if (dstsz - o < 2)
				return;
			dst[o++] = '.';
			dst[o] = '\0';
		}
		for (size_t k = 0; k < name->lab_len[i]; k++) {
			char one[5];
			size_t w;

			if (lab[k] == '.')
				memcpy(one, "\\x2e", 5);
			else
				hk_escape(&lab[k], 1, one, sizeof(one));
			w = strlen(one);
			if (dstsz - o < w + 1)
				return;
			memcpy(dst + o, one, w + 1);
			o += w;
		}
	}
}

static uint8_t lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + ('a' - 'A')) : b;
}

bool dns_label_is(const struct dns_name *name, size_t i, const char *s)
{
	size_t n = strlen(s);

	if (i >= name->n_labels || name->lab_len[i] != n)
		return false;
	for (size_t k = 0; k < n; k++)
		if (lower(name->buf[name->lab_off[i] + k]) != lower((uint8_t)s[k]))
			return false;
	return true;
}

uint8_t dns_label_first(const struct dns_name *name, size_t i)
{
	if (i >= name->n_labels || name->lab_len[i] == 0)
		return 0;
	return name->buf[name->lab_off[i]];
}

bool dns_name_eq(const struct dns_name *a, const struct dns_name *b)
{
	if (a->n_labels != b->n_labels || a->len != b->len)
		return false;
	for (size_t i = 0; i < a->n_labels; i++) {
		if (a->lab_len[i] != b->lab_len[i])
			return false;
		for (size_t k = 0; k < a->lab_len[i]; k++)
			if (lower(a->buf[a->lab_off[i] + k]) != lower(b->buf[b->lab_off[i] + k]))
				return false;
	}
	return true;
}
