/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny bounded BER reader (ITU-T X.690) for the OSI upper layers, MMS and
 * GOOSE: one TLV at a time through the cursor, its value as a sub-cursor.
 * See ber.c for what it accepts.
 */
#ifndef HERKOMST_PROTO_BER_H
#define HERKOMST_PROTO_BER_H

#include <stdbool.h>
#include <stdint.h>

#include "herkomst/cursor.h"

enum ber_class {
	BER_UNIVERSAL = 0,
	BER_APPLICATION = 1,
	BER_CONTEXT = 2,
	BER_PRIVATE = 3,
};

/* universal tags we meet */
enum ber_universal {
	BER_BOOLEAN = 1,
	BER_INTEGER = 2,
	BER_BIT_STRING = 3,
	BER_OCTET_STRING = 4,
	BER_NULL = 5,
	BER_OID = 6,
	BER_EXTERNAL = 8,
	BER_SEQUENCE = 16,
	BER_SET = 17,
	BER_VISIBLE_STRING = 26,
};

#define BER_TAG_MAX 16383u   /* two subsequent octets: MMS needs tags up to about 100 */
#define BER_LEN_BYTES_MAX 4  /* long-form length octets; nothing we read is near 4 GB */

struct ber_tlv {
	uint8_t cls;       /* enum ber_class */
	bool cons;         /* constructed */
	uint32_t tag;      /* tag number */
	struct hk_cur val; /* the contents octets */
};

/*
 * Reads one TLV; the parent moves past it. False with c->err set: ETRUNC
 * when the bytes run out (the header, or contents longer than what is
 * left), EINVAL for what we refuse (indefinite length, more than
 * BER_LEN_BYTES_MAX length octets, a tag number above BER_TAG_MAX).
 */
bool ber_next(struct hk_cur *c, struct ber_tlv *ret);

static inline bool ber_is(const struct ber_tlv *t, uint8_t cls, bool cons, uint32_t tag)
{
	return t->cls == cls && t->cons == cons && t->tag == tag;
}

/* The contents of an INTEGER that must be non-negative and fit 32 bits
 * (a leading 0 octet allowed); false and EINVAL on v otherwise. */
bool ber_uint32(struct hk_cur *v, uint32_t *ret);

#endif
