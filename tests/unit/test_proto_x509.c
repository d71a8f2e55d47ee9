/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The X.509 name reader (src/proto/x509.c): the DER element reader on its
 * own (length forms, tag forms, lengths that run past their parent), a real
 * self-signed certificate with its exact names and every prefix of it, and
 * certificates built here from RFC 5280's layout to reach what real ones
 * rarely carry: multi-valued RDNs, separators, NUL and non-ASCII bytes in
 * values, BMPString and UniversalString, unknown attribute types, non-string
 * values, SAN addresses, counts at and past X509_SAN_MAX and X509_RDNS_MAX,
 * a DN longer than an observation, and broken structure.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "proto/x509.h"
#include "proto_check.h"

static struct x509_names names;

static struct hk_cur cur_over(const void *bytes, size_t n)
{
	return hk_cur_init(pc_copy(bytes, n), n);
}

static enum hk_parse_result run(const void *bytes, size_t n)
{
	struct hk_cur c = cur_over(bytes, n);
	enum hk_parse_result r = x509_cert_names(&c, &names);

	ck_assert_uint_le(c.off, c.len);
	return r;
}

/*
 * zeek_cert-no-cn.pcap (zeek/zeek testing/btest/Traces/tls/cert-no-cn.pcap,
 * BSD-3-Clause) frame 6: the only certificate of the server's Certificate
 * message, 765 bytes: self-signed, subject and issuer O=TestCorp and nothing
 * else, no subjectAltName; the kind of certificate an embedded web server
 * makes for itself. tshark 4.0: rdnSequence id-at-organizationName=TestCorp
 * (issuer and subject), x509ce.dNSName empty.
 */
static const uint8_t leaf_nocn[] = {
	0x30, 0x82, 0x02, 0xf9,  /* SEQUENCE, 761 bytes */
	0x30, 0x82, 0x01, 0xe1,  /*   SEQUENCE, 481 bytes */
	0xa0, 0x03,  /*     [0] constructed, 3 bytes */
	0x02, 0x01, 0x02,  /*       INTEGER, 1 bytes 02 */
	0x02, 0x09, 0x00, 0xfa, 0x17, 0xa6, 0x14, 0x05, 0x9b, 0x1e, 0xf3,  /*     INTEGER, 9 bytes */
	0x30, 0x0d,  /*     SEQUENCE, 13 bytes */
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05,  /*       OID, 9 bytes sha1WithRSAEncryption */
	0x05, 0x00,  /*       NULL, 0 bytes  */
	0x30, 0x13,  /*     SEQUENCE, 19 bytes */
	0x31, 0x11,  /*       SET, 17 bytes */
	0x30, 0x0f,  /*         SEQUENCE, 15 bytes */
	0x06, 0x03, 0x55, 0x04, 0x0a,  /*           OID, 3 bytes organizationName */
	0x0c, 0x08, 0x54, 0x65, 0x73, 0x74, 0x43, 0x6f, 0x72, 0x70,  /*           UTF8String, 8 bytes "TestCorp" */
	0x30, 0x1e,  /*     SEQUENCE, 30 bytes */
	0x17, 0x0d, 0x31, 0x35, 0x30, 0x33, 0x30, 0x34, 0x30, 0x30, 0x33, 0x31,  /*       UTCTime, 13 bytes "150304003105Z" */
	0x30, 0x35, 0x5a,
	0x17, 0x0d, 0x31, 0x36, 0x30, 0x33, 0x30, 0x33, 0x30, 0x30, 0x33, 0x31,  /*       UTCTime, 13 bytes "160303003105Z" */
	0x30, 0x35, 0x5a,
	0x30, 0x13,  /*     SEQUENCE, 19 bytes */
	0x31, 0x11,  /*       SET, 17 bytes */
	0x30, 0x0f,  /*         SEQUENCE, 15 bytes */
	0x06, 0x03, 0x55, 0x04, 0x0a,  /*           OID, 3 bytes organizationName */
	0x0c, 0x08, 0x54, 0x65, 0x73, 0x74, 0x43, 0x6f, 0x72, 0x70,  /*           UTF8String, 8 bytes "TestCorp" */
	0x30, 0x82, 0x01, 0x22,  /*     SEQUENCE, 290 bytes */
	0x30, 0x0d,  /*       SEQUENCE, 13 bytes */
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,  /*         OID, 9 bytes rsaEncryption */
	0x05, 0x00,  /*         NULL, 0 bytes  */
	0x03, 0x82, 0x01, 0x0f, 0x00, 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01,  /*       BIT STRING, 271 bytes */
	0x01, 0x00, 0xc9, 0x91, 0x8b, 0x57, 0xa7, 0xab, 0xac, 0xd4, 0xcc, 0x5e,
	0xb1, 0x2b, 0x66, 0xab, 0xd4, 0x30, 0x60, 0x83, 0xc8, 0x93, 0x4c, 0x89,
	0x16, 0x3a, 0xf2, 0x04, 0x28, 0xc4, 0xca, 0x12, 0x88, 0x23, 0x3d, 0xca,
	0x39, 0xcc, 0xa9, 0x75, 0x1f, 0xaa, 0x3c, 0xb6, 0xe2, 0xec, 0x79, 0xb0,
	0xb0, 0x59, 0x12, 0x93, 0x24, 0x56, 0x03, 0xfd, 0xc2, 0x5f, 0x59, 0x3d,
	0x31, 0x15, 0xd9, 0xd8, 0xdb, 0xb9, 0xeb, 0x6d, 0xc7, 0xdd, 0xb8, 0x88,
	0x07, 0x23, 0x75, 0x38, 0x13, 0xa7, 0x04, 0xa5, 0x79, 0x8f, 0x21, 0x3f,
	0xcc, 0xd3, 0xf6, 0xc8, 0x3e, 0x7c, 0xc4, 0xef, 0x71, 0x7f, 0x66, 0x93,
	0xf2, 0x3f, 0x61, 0x24, 0x79, 0x16, 0x62, 0x22, 0x60, 0xc0, 0x9b, 0x08,
	0x5d, 0x3f, 0xc9, 0x58, 0xae, 0x67, 0x57, 0xea, 0x96, 0xbf, 0xaf, 0xcd,
	0xdd, 0xfa, 0xe9, 0x6e, 0xed, 0x63, 0x42, 0x28, 0x1b, 0x93, 0xa4, 0x50,
	0x37, 0xd6, 0xc1, 0xe8, 0x89, 0xc1, 0x63, 0x06, 0xe9, 0x84, 0xb5, 0xb2,
	0x38, 0xe7, 0x48, 0x6d, 0x5d, 0xfd, 0xc0, 0xa9, 0x3a, 0x71, 0xa7, 0x7d,
	0x40, 0x56, 0x9a, 0x6e, 0x91, 0xe7, 0x17, 0x68, 0x86, 0x58, 0x86, 0x4e,
	0x5d, 0xe9, 0xff, 0x2a, 0x89, 0x5f, 0x83, 0x8d, 0xa5, 0x48, 0xa8, 0x6f,
	0xe8, 0x34, 0x47, 0x71, 0x69, 0x39, 0xc6, 0x85, 0x8b, 0x6c, 0xc4, 0xbe,
	0x25, 0x53, 0x5b, 0xdf, 0xc8, 0x08, 0xb5, 0xdf, 0xc5, 0x57, 0x6b, 0xda,
	0x95, 0x0e, 0x64, 0x94, 0xaa, 0xac, 0xf8, 0x45, 0x8b, 0x77, 0x30, 0x22,
	0x78, 0x8f, 0xe9, 0x34, 0xd8, 0x46, 0x1b, 0xa5, 0xf2, 0x65, 0x7b, 0x82,
	0xe5, 0x56, 0xd2, 0xd3, 0x8e, 0x0c, 0x26, 0x56, 0x18, 0x29, 0x48, 0xd6,
	0xa5, 0xbd, 0x85, 0x32, 0xaf, 0x23, 0x4c, 0x8b, 0xbf, 0x7c, 0xe5, 0xa8,
	0x90, 0x9e, 0xbc, 0x5a, 0xb4, 0xf3, 0x02, 0x03, 0x01, 0x00, 0x01,
	0xa3, 0x50,  /*     [3] constructed, 80 bytes */
	0x30, 0x4e,  /*       SEQUENCE, 78 bytes */
	0x30, 0x1d,  /*         SEQUENCE, 29 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x0e,  /*           OID, 3 bytes subjectKeyIdentifier */
	0x04, 0x16, 0x04, 0x14, 0xe1, 0xf5, 0x85, 0x93, 0xc5, 0x4a, 0x94, 0x7e,  /*           OCTET STRING, 22 bytes */
	0x2c, 0x72, 0x2a, 0xd0, 0x01, 0x9f, 0xcb, 0x10, 0x98, 0x81, 0x9b, 0x2e,
	0x30, 0x1f,  /*         SEQUENCE, 31 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x23,  /*           OID, 3 bytes authorityKeyIdentifier */
	0x04, 0x18,  /*           OCTET STRING, 24 bytes, holding: */
	0x30, 0x16,  /*             SEQUENCE, 22 bytes */
	0x80, 0x14, 0xe1, 0xf5, 0x85, 0x93, 0xc5, 0x4a, 0x94, 0x7e, 0x2c, 0x72,  /*               [0], 20 bytes */
	0x2a, 0xd0, 0x01, 0x9f, 0xcb, 0x10, 0x98, 0x81, 0x9b, 0x2e,
	0x30, 0x0c,  /*         SEQUENCE, 12 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x13,  /*           OID, 3 bytes basicConstraints */
	0x04, 0x05,  /*           OCTET STRING, 5 bytes, holding: */
	0x30, 0x03,  /*             SEQUENCE, 3 bytes */
	0x01, 0x01, 0xff,  /*               BOOLEAN, 1 bytes ff */
	0x30, 0x0d,  /*   SEQUENCE, 13 bytes */
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05,  /*     OID, 9 bytes sha1WithRSAEncryption */
	0x05, 0x00,  /*     NULL, 0 bytes  */
	0x03, 0x82, 0x01, 0x01, 0x00, 0x0d, 0x13, 0xd3, 0x6e, 0xf2, 0xcd, 0x24,  /*   BIT STRING, 257 bytes */
	0xe5, 0xc6, 0xe1, 0xac, 0xb9, 0x54, 0xdb, 0x82, 0x5e, 0xbf, 0xf7, 0x5c,
	0xef, 0xf2, 0xb2, 0x73, 0x80, 0x9a, 0x7b, 0xb8, 0xc0, 0xa9, 0xf7, 0xe7,
	0x0c, 0x8c, 0xd3, 0x27, 0xba, 0x1d, 0x5b, 0xfe, 0xdb, 0xf5, 0xa9, 0x18,
	0x01, 0xca, 0xe4, 0xcc, 0xf3, 0x55, 0xd3, 0x09, 0x3c, 0x1f, 0xee, 0xe3,
	0xe3, 0xf9, 0x92, 0x04, 0x13, 0x42, 0x8e, 0x51, 0xe6, 0xf2, 0xa4, 0xd4,
	0xd5, 0xc7, 0xa0, 0x95, 0xe2, 0xa1, 0x3b, 0xd7, 0x61, 0x86, 0xbb, 0x8b,
	0x46, 0xf9, 0xc3, 0x60, 0xdf, 0x24, 0xe2, 0x40, 0x0b, 0x32, 0xa7, 0x92,
	0x7d, 0x90, 0x57, 0x1b, 0x6f, 0x87, 0x06, 0x67, 0x6c, 0x62, 0x6d, 0x2d,
	0x93, 0x17, 0xb8, 0xc0, 0xab, 0x50, 0xe9, 0xea, 0xc0, 0xca, 0x0f, 0xf7,
	0x8a, 0x6c, 0xf9, 0xb9, 0xd8, 0x4b, 0x2b, 0xee, 0xff, 0xd5, 0x3a, 0x31,
	0x78, 0xd9, 0x15, 0x6f, 0x7e, 0x90, 0x16, 0x52, 0x6d, 0x29, 0x1e, 0xb0,
	0xb1, 0xd8, 0x57, 0x20, 0xc4, 0x7d, 0xa5, 0x12, 0xdf, 0xe4, 0x62, 0x94,
	0x87, 0xb7, 0xa4, 0x4f, 0x46, 0xa6, 0xf4, 0xd6, 0x85, 0x91, 0xaa, 0xd9,
	0xfb, 0x75, 0x3e, 0x58, 0x51, 0x85, 0x12, 0x4e, 0xf7, 0x62, 0x35, 0x6e,
	0x29, 0x93, 0x01, 0x74, 0x4b, 0x7a, 0x63, 0xcd, 0xf4, 0x31, 0xb6, 0x39,
	0xf0, 0xc6, 0xfa, 0x53, 0xbf, 0xa6, 0x66, 0xff, 0xe5, 0x63, 0xc5, 0xd1,
	0xd7, 0x12, 0xdb, 0xe3, 0x38, 0xd1, 0xd6, 0x97, 0xfc, 0x09, 0x39, 0x18,
	0x79, 0x31, 0x2b, 0xb5, 0x66, 0x8c, 0xa8, 0xab, 0x8a, 0x21, 0xa8, 0x34,
	0xe8, 0xd1, 0x20, 0x49, 0x3b, 0x26, 0x91, 0xab, 0x3c, 0xcd, 0xd2, 0x06,
	0xab, 0x53, 0x5e, 0x3c, 0x1a, 0x7b, 0x9a, 0x8b, 0x28, 0xe2, 0x89, 0xcb,
	0x55, 0x9b, 0x90, 0x36, 0x3f, 0x20, 0xce, 0xc0, 0xa7,};

/* ---- the DER reader -------------------------------------------------------- */

START_TEST(test_der_lengths)
{
	struct der_tlv t;
	struct hk_cur c;

	/* short form */
	c = cur_over("\x04\x02\xaa\xbb\x05\x00", 6);
	ck_assert(x509_der_next(&c, &t));
	ck_assert_int_eq(t.cls, DER_UNIVERSAL);
	ck_assert(!t.constructed);
	ck_assert_uint_eq(t.tag, 4);
	ck_assert_uint_eq(hk_cur_left(&t.val), 2);
	ck_assert(x509_der_next(&c, &t));
	ck_assert_uint_eq(t.tag, 5);
	ck_assert_uint_eq(hk_cur_left(&t.val), 0);
	ck_assert_uint_eq(hk_cur_left(&c), 0);

	/* long forms, 1 and 2 length bytes (BER: non-minimal is accepted) */
	c = cur_over("\x30\x81\x01\x00", 4);
	ck_assert(x509_der_next(&c, &t));
	ck_assert(t.constructed);
	ck_assert_uint_eq(t.tag, 16);
	ck_assert_uint_eq(hk_cur_left(&t.val), 1);
	c = cur_over("\x30\x82\x00\x01\x00", 5);
	ck_assert(x509_der_next(&c, &t));
	ck_assert_uint_eq(hk_cur_left(&t.val), 1);

	/* 4 length bytes saying 4 GiB: past the parent, not a wrap */
	c = cur_over("\x04\x84\xff\xff\xff\xff\x00", 7);
	ck_assert(!x509_der_next(&c, &t));
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

	/* indefinite length (BER only) and 5 length bytes: refused */
	c = cur_over("\x30\x80\x00\x00", 4);
	ck_assert(!x509_der_next(&c, &t));
	ck_assert_int_eq(c.err, HK_CUR_EINVAL);
	c = cur_over("\x04\x85\x00\x00\x00\x00\x01\x00", 8);
	ck_assert(!x509_der_next(&c, &t));
	ck_assert_int_eq(c.err, HK_CUR_EINVAL);

	/* a length one past the parent; the parent cut inside the header */
	c = cur_over("\x04\x03\xaa\xbb", 4);
	ck_assert(!x509_der_next(&c, &t));
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	c = cur_over("\x04\x82\x00", 3);
	ck_assert(!x509_der_next(&c, &t));
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	c = cur_over("\x04", 1);
	ck_assert(!x509_der_next(&c, &t));
	c = cur_over("", 0);
	ck_assert(!x509_der_next(&c, &t));
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
}
END_TEST

START_TEST(test_der_tags)
{
	struct der_tlv t;
	struct hk_cur c;

	/* context-specific, constructed [3] */
	c = cur_over("\xa3\x00", 2);
	ck_assert(x509_der_next(&c, &t));
	ck_assert_int_eq(t.cls, DER_CONTEXT);
	ck_assert(t.constructed);
	ck_assert_uint_eq(t.tag, 3);
	/* high-tag-number form: [APPLICATION 200] = 0x5f 0x81 0x48 */
	c = cur_over("\x5f\x81\x48\x01\x00", 5);
	ck_assert(x509_der_next(&c, &t));
	ck_assert_int_eq(t.cls, DER_APPLICATION);
	ck_assert_uint_eq(t.tag, 200);
	ck_assert_uint_eq(hk_cur_left(&t.val), 1);
	/* four continuation bytes are the most we read; five are refused */
	c = cur_over("\x9f\x81\x81\x81\x01\x00", 6);
	ck_assert(x509_der_next(&c, &t));
	ck_assert_uint_eq(t.tag, (1u << 21) | (1u << 14) | (1u << 7) | 1u);
	c = cur_over("\x9f\x81\x81\x81\x81\x01\x00", 7);
	ck_assert(!x509_der_next(&c, &t));
	ck_assert_int_eq(c.err, HK_CUR_EINVAL);
	/* a tag cut short */
	c = cur_over("\x9f\x81", 2);
	ck_assert(!x509_der_next(&c, &t));
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
}
END_TEST

/* ---- a real certificate ---------------------------------------------------- */

START_TEST(test_real_nocn)
{
	ck_assert_int_eq(run(leaf_nocn, sizeof(leaf_nocn)), HK_PARSE_OK);
	ck_assert_str_eq(names.subject, "O=TestCorp");
	ck_assert_str_eq(names.issuer, "O=TestCorp");
	ck_assert_str_eq(names.cn, "");
	ck_assert_uint_eq(names.n_san, 0);
	ck_assert(!names.san_cut);
}
END_TEST

/* every prefix is a certificate whose outer length runs past it */
START_TEST(test_real_prefixes)
{
	ck_assert_int_eq(run(leaf_nocn, 0), HK_PARSE_TRUNCATED);
	for (size_t n = 1; n < sizeof(leaf_nocn); n++) {
		ck_assert_int_eq(run(leaf_nocn, n), HK_PARSE_MALFORMED);
		ck_assert_str_eq(names.subject, "");
		ck_assert_uint_eq(names.n_san, 0);
	}
}
END_TEST

/* ---- built certificates ----------------------------------------------------- */

#define DER_BUF_MAX 16384

struct der {
	uint8_t b[DER_BUF_MAX];
	size_t n;
};

static void d_bytes(struct der *d, const void *p, size_t n)
{
	ck_assert_uint_le(n, DER_BUF_MAX - d->n);
	if (n)
		memcpy(d->b + d->n, p, n);
	d->n += n;
}

static void d_tlv(struct der *d, uint8_t tag, const void *p, size_t n)
{
	uint8_t h[4];
	size_t hn;

	h[0] = tag;
	if (n < 0x80) {
		h[1] = (uint8_t)n;
		hn = 2;
	} else if (n < 0x100) {
		h[1] = 0x81;
		h[2] = (uint8_t)n;
		hn = 3;
	} else {
		h[1] = 0x82;
		h[2] = (uint8_t)(n >> 8);
		h[3] = (uint8_t)n;
		hn = 4;
	}
	d_bytes(d, h, hn);
	d_bytes(d, p, n);
}

static const uint8_t OID_CN[] = {0x55, 0x04, 0x03};
static const uint8_t OID_O[] = {0x55, 0x04, 0x0a};
static const uint8_t OID_OU[] = {0x55, 0x04, 0x0b};
static const uint8_t OID_C[] = {0x55, 0x04, 0x06};
static const uint8_t OID_EMAIL[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01};
static const uint8_t OID_SAN[] = {0x55, 0x1d, 0x11};
static const uint8_t OID_BC[] = {0x55, 0x1d, 0x13};

/* An AttributeTypeAndValue appended to an RDN's contents. */
static void d_ava(struct der *rdn, const uint8_t *oid, size_t oid_len, uint8_t tag, const void *v, size_t vn)
{
	static struct der ava;

	ava.n = 0;
	d_tlv(&ava, 0x06, oid, oid_len);
	d_tlv(&ava, tag, v, vn);
	d_tlv(rdn, 0x30, ava.b, ava.n);
}

/* A single-valued RDN (SET of one AVA) appended to a Name's contents. */
static void d_rdn1(struct der *name, const uint8_t *oid, size_t oid_len, uint8_t tag, const char *v)
{
	static struct der rdn;

	rdn.n = 0;
	d_ava(&rdn, oid, oid_len, tag, v, strlen(v));
	d_tlv(name, 0x31, rdn.b, rdn.n);
}

/*
 * A certificate: v3 (or v1 without extensions), serial 1,
 * sha256WithRSAEncryption, the given issuer and subject Name contents, a
 * placeholder key and signature, and the given Extension SEQUENCE contents.
 */
static void build_cert(struct der *out, const struct der *issuer, const struct der *subject, const struct der *exts,
		       int v3)
{
	static const uint8_t alg[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
	static const uint8_t validity[] = {0x17, 0x0d, '2', '4', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0', 'Z',
					   0x17, 0x0d, '3', '4', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0', 'Z'};
	static const uint8_t spki[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
				       0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x02, 0x00, 0x00};
	static struct der tbs, tmp, cert;

	tbs.n = 0;
	if (v3)
		d_bytes(&tbs, "\xa0\x03\x02\x01\x02", 5);
	d_bytes(&tbs, "\x02\x01\x01", 3);
	d_tlv(&tbs, 0x30, alg, sizeof(alg));
	d_tlv(&tbs, 0x30, issuer->b, issuer->n);
	d_tlv(&tbs, 0x30, validity, sizeof(validity));
	d_tlv(&tbs, 0x30, subject->b, subject->n);
	d_tlv(&tbs, 0x30, spki, sizeof(spki));
	if (v3 && exts) {
		tmp.n = 0;
		d_tlv(&tmp, 0x30, exts->b, exts->n);
		d_tlv(&tbs, 0xa3, tmp.b, tmp.n);
	}
	cert.n = 0;
	d_tlv(&cert, 0x30, tbs.b, tbs.n);
	d_tlv(&cert, 0x30, alg, sizeof(alg));
	d_bytes(&cert, "\x03\x02\x00\x00", 4);
	out->n = 0;
	d_tlv(out, 0x30, cert.b, cert.n);
}

/* An Extension appended to the extensions' contents. */
static void d_ext(struct der *exts, const uint8_t *oid, size_t oid_len, int critical, const struct der *value)
{
	static struct der e;

	e.n = 0;
	d_tlv(&e, 0x06, oid, oid_len);
	if (critical)
		d_bytes(&e, "\x01\x01\xff", 3);
	d_tlv(&e, 0x04, value->b, value->n);
	d_tlv(exts, 0x30, e.b, e.n);
}

/* GeneralNames (the SEQUENCE) from its contents. */
static void d_san(struct der *exts, const struct der *gn)
{
	static struct der v;

	v.n = 0;
	d_tlv(&v, 0x30, gn->b, gn->n);
	d_ext(exts, OID_SAN, sizeof(OID_SAN), 0, &v);
}

START_TEST(test_device_cert)
{
	static struct der issuer, subject, rdn, gn, exts, bc, cert;
	static const uint8_t bmp[] = {0x00, 'A', 0x00, 'b', 0x00, 0xe4, 0x20, 0xac, 0x00}; /* "Abä€" + a stray byte */
	static const uint8_t ucs4[] = {0, 0, 0, 'X', 0, 1, 0xf6, 0x00};                     /* "X" U+1F600 */
	static const uint8_t oid_unknown[] = {0x2a, 0x03, 0x04, 0x81, 0x00};                /* 1.2.3.4.128 */

	issuer.n = subject.n = gn.n = exts.n = bc.n = 0;
	d_rdn1(&issuer, OID_C, 3, 0x13, "DE");
	d_rdn1(&issuer, OID_O, 3, 0x0c, "Siemens AG");
	d_rdn1(&issuer, OID_CN, 3, 0x0c, "Siemens Device CA");

	/* CN first, then a multi-valued RDN O+OU, then the odd ones */
	d_rdn1(&subject, OID_CN, 3, 0x13, "plc-0815.plant.example");
	rdn.n = 0;
	d_ava(&rdn, OID_O, 3, 0x0c, "Siemens, AG+Co \\ \x00\xc3\xa4", 20);
	d_ava(&rdn, OID_OU, 3, 0x1e, bmp, sizeof(bmp));
	d_tlv(&subject, 0x31, rdn.b, rdn.n);
	rdn.n = 0;
	d_ava(&rdn, oid_unknown, sizeof(oid_unknown), 0x1c, ucs4, sizeof(ucs4));
	d_tlv(&subject, 0x31, rdn.b, rdn.n);
	rdn.n = 0;
	d_ava(&rdn, OID_EMAIL, sizeof(OID_EMAIL), 0x02, "\x01\x02", 2); /* not a string */
	d_tlv(&subject, 0x31, rdn.b, rdn.n);
	d_rdn1(&subject, OID_CN, 3, 0x0c, "second CN");

	d_tlv(&gn, 0x82, "plc-0815.plant.example", 22);
	d_tlv(&gn, 0x86, "urn:siemens:s7", 14);                      /* URI: not kept */
	d_tlv(&gn, 0x87, "\xc0\x00\x02\x01", 4);                        /* 192.0.2.1 */
	d_tlv(&gn, 0x87, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16); /* 2001:db8::1 */
	d_tlv(&gn, 0x87, "\xc0\x00\x02\x00\xff\xff\xff\x00", 8);       /* an address and mask: skipped */
	d_tlv(&gn, 0x82, "a\x00\xff", 3);
	d_tlv(&bc, 0x30, "\x01\x01\xff", 3);
	d_ext(&exts, OID_BC, 3, 1, &bc); /* critical, before the SAN */
	d_san(&exts, &gn);
	build_cert(&cert, &issuer, &subject, &exts, 1);

	ck_assert_int_eq(run(cert.b, cert.n), HK_PARSE_OK);
	ck_assert_str_eq(names.issuer, "C=DE,O=Siemens AG,CN=Siemens Device CA");
	ck_assert_str_eq(names.subject, "CN=plc-0815.plant.example,"
					"O=Siemens\\, AG\\+Co \\\\ \\x00\\xc3\\xa4+OU=Ab\\xc3\\xa4\\xe2\\x82\\xac,"
					"1.2.3.4.128=X\\xf0\\x9f\\x98\\x80,emailAddress=#0102,CN=second CN");
	ck_assert_str_eq(names.cn, "plc-0815.plant.example");
	ck_assert_uint_eq(names.n_san, 4);
	ck_assert_str_eq(names.san[0], "plc-0815.plant.example");
	ck_assert_str_eq(names.san[1], "192.0.2.1");
	ck_assert_str_eq(names.san[2], "2001:db8::1");
	ck_assert_str_eq(names.san[3], "a\\x00\\xff");
	ck_assert(!names.san_cut);

	/* every prefix: broken, nothing said */
	for (size_t n = 1; n < cert.n; n++)
		ck_assert_int_eq(run(cert.b, n), HK_PARSE_MALFORMED);
}
END_TEST

/* A v1 certificate (no version, no extensions) and an empty subject. */
START_TEST(test_v1_empty_subject)
{
	static struct der issuer, subject, cert;

	issuer.n = subject.n = 0;
	d_rdn1(&issuer, OID_CN, 3, 0x13, "Axis Root");
	build_cert(&cert, &issuer, &subject, NULL, 0);
	ck_assert_int_eq(run(cert.b, cert.n), HK_PARSE_OK);
	ck_assert_str_eq(names.issuer, "CN=Axis Root");
	ck_assert_str_eq(names.subject, "");
	ck_assert_str_eq(names.cn, "");
}
END_TEST

/* X509_SAN_MAX (16) names are kept; the 17th is counted as cut. */
START_TEST(test_san_counts)
{
	static struct der issuer, subject, gn, exts, cert;
	char name[32];

	issuer.n = subject.n = 0;
	d_rdn1(&issuer, OID_CN, 3, 0x13, "ca");
	for (int n = 0; n <= X509_SAN_MAX + 1; n++) {
		gn.n = exts.n = 0;
		for (int i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "host%02d.example", i);
			d_tlv(&gn, 0x82, name, strlen(name));
		}
		d_san(&exts, &gn);
		build_cert(&cert, &issuer, &subject, &exts, 1);
		ck_assert_int_eq(run(cert.b, cert.n), HK_PARSE_OK);
		ck_assert_uint_eq(names.n_san, n > X509_SAN_MAX ? X509_SAN_MAX : (size_t)n);
		ck_assert(names.san_cut == (n > X509_SAN_MAX));
		if (n)
			ck_assert_str_eq(names.san[0], "host00.example");
	}
	ck_assert_str_eq(names.san[X509_SAN_MAX - 1], "host15.example");
}
END_TEST

/* X509_RDNS_MAX (32) RDNs are rendered, the 33rd is not; a DN longer than
 * an observation is cut between tokens, never leaving "," or a half escape. */
START_TEST(test_rdn_counts_and_cut)
{
	static struct der issuer, subject, cert;
	char want[1024];
	size_t o = 0;

	issuer.n = subject.n = 0;
	for (int i = 0; i < 33; i++)
		d_rdn1(&issuer, OID_OU, 3, 0x13, "u");
	for (int i = 0; i < 32; i++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "%sOU=u", i ? "," : "");
	build_cert(&cert, &issuer, &subject, NULL, 0);
	ck_assert_int_eq(run(cert.b, cert.n), HK_PARSE_OK);
	ck_assert_str_eq(names.issuer, want);

	/* 30 values of "\xff\xff": each "OU=\xff\xff" is 11 characters */
	issuer.n = 0;
	for (int i = 0; i < 30; i++)
		d_rdn1(&issuer, OID_OU, 3, 0x0c, "\xff\xff");
	d_rdn1(&subject, OID_CN, 3, 0x0c, "cn.example");
	build_cert(&cert, &issuer, &subject, NULL, 0);
	ck_assert_int_eq(run(cert.b, cert.n), HK_PARSE_OK);
	ck_assert_uint_le(strlen(names.issuer), HK_OBS_VALUE_MAX - 1);
	/* 21 whole values (21 * 12 - 1 = 251 characters); ",OU=" would fit
	 * but not a 4-character escape after it: no dangling key */
	ck_assert_uint_eq(strlen(names.issuer), 251);
	ck_assert_int_eq(strncmp(names.issuer + 240, "OU=\\xff\\xff", 11), 0);
	ck_assert_str_eq(names.cn, "cn.example");
}
END_TEST

START_TEST(test_broken)
{
	static struct der issuer, subject, exts, v, cert;
	static const uint8_t oid_long[] = {0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}; /* an arc past 32 bits */

	issuer.n = subject.n = exts.n = v.n = 0;
	d_rdn1(&issuer, OID_CN, 3, 0x13, "ca");
	/* an attribute type past 32 bits per arc: shown as "?" */
	{
		static struct der rdn;

		rdn.n = 0;
		d_ava(&rdn, oid_long, sizeof(oid_long), 0x13, "x", 1);
		d_tlv(&subject, 0x31, rdn.b, rdn.n);
	}
	build_cert(&cert, &issuer, &subject, NULL, 0);
	ck_assert_int_eq(run(cert.b, cert.n), HK_PARSE_OK);
	ck_assert_str_eq(names.subject, "?=x");

	/* an extension value that is not an OCTET STRING */
	subject.n = 0;
	{
		static struct der e;

		e.n = 0;
		d_tlv(&e, 0x06, OID_SAN, 3);
		d_tlv(&e, 0x13, "x", 1);
		d_tlv(&exts, 0x30, e.b, e.n);
	}
	build_cert(&cert, &issuer, &subject, &exts, 1);
	ck_assert_int_eq(run(cert.b, cert.n), HK_PARSE_MALFORMED);
	ck_assert_str_eq(names.issuer, "");

	/* a SAN that is not a SEQUENCE */
	exts.n = 0;
	d_tlv(&v, 0x31, NULL, 0);
	d_ext(&exts, OID_SAN, 3, 0, &v);
	build_cert(&cert, &issuer, &subject, &exts, 1);
	ck_assert_int_eq(run(cert.b, cert.n), HK_PARSE_MALFORMED);

	/* an RDN that is not a SET; an AVA whose type is not an OID */
	subject.n = 0;
	d_tlv(&subject, 0x30, NULL, 0);
	build_cert(&cert, &issuer, &subject, NULL, 0);
	ck_assert_int_eq(run(cert.b, cert.n), HK_PARSE_MALFORMED);
	subject.n = 0;
	{
		static struct der rdn, ava;

		rdn.n = ava.n = 0;
		d_tlv(&ava, 0x13, "x", 1);
		d_tlv(&ava, 0x13, "y", 1);
		d_tlv(&rdn, 0x30, ava.b, ava.n);
		d_tlv(&subject, 0x31, rdn.b, rdn.n);
	}
	build_cert(&cert, &issuer, &subject, NULL, 0);
	ck_assert_int_eq(run(cert.b, cert.n), HK_PARSE_MALFORMED);

	/* an indefinite length inside */
	subject.n = 0;
	build_cert(&cert, &issuer, &subject, NULL, 0);
	{
		static const uint8_t indef[] = {0x30, 0x80, 0x00, 0x00};
		static struct der c2;

		c2.n = 0;
		d_bytes(&c2, cert.b, cert.n);
		/* replace the validity SEQUENCE header (30 1e) with 30 80 */
		for (size_t i = 0; i + 1 < c2.n; i++)
			if (c2.b[i] == 0x30 && c2.b[i + 1] == 0x1e) {
				c2.b[i + 1] = indef[1];
				break;
			}
		ck_assert_int_eq(run(c2.b, c2.n), HK_PARSE_MALFORMED);
	}
	/* a serial number that is not an INTEGER; not a SEQUENCE at all */
	ck_assert_int_eq(run("\x30\x05\x30\x03\x04\x01\x00", 7), HK_PARSE_MALFORMED);
	ck_assert_int_eq(run("\x31\x00", 2), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("\x30\x00", 2), HK_PARSE_MALFORMED);
}
END_TEST

static Suite *x509_suite(void)
{
	Suite *s = suite_create("proto_x509");
	TCase *tc = tcase_create("x509");

	tcase_add_test(tc, test_der_lengths);
	tcase_add_test(tc, test_der_tags);
	tcase_add_test(tc, test_real_nocn);
	tcase_add_test(tc, test_real_prefixes);
	tcase_add_test(tc, test_device_cert);
	tcase_add_test(tc, test_v1_empty_subject);
	tcase_add_test(tc, test_san_counts);
	tcase_add_test(tc, test_rdn_counts_and_cut);
	tcase_add_test(tc, test_broken);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(x509_suite());
}
