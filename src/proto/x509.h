/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The names in an X.509 certificate (subject, issuer, subjectAltName), read
 * through a small DER reader on the bounded cursor. Used by the TLS parser
 * for the server's leaf certificate; see x509.c for the layout and limits.
 */
#ifndef HERKOMST_PROTO_X509_H
#define HERKOMST_PROTO_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/cursor.h"
#include "herkomst/obs.h"
#include "herkomst/parser.h"

#define X509_SAN_MAX 16   /* subjectAltName entries kept (dNSName and iPAddress) */
#define X509_VALUE_MAX HK_OBS_VALUE_MAX

/* DER classes (the top two bits of the identifier octet) */
enum der_class {
	DER_UNIVERSAL = 0,
	DER_APPLICATION = 1,
	DER_CONTEXT = 2,
	DER_PRIVATE = 3,
};

/* One DER/BER element: its identifier and a sub-cursor over its contents. */
struct der_tlv {
	enum der_class cls;
	bool constructed;
	uint32_t tag;      /* tag number (high-tag-number form up to 4 bytes) */
	struct hk_cur val; /* the contents octets */
};

/*
 * Reads one element at the cursor: identifier, definite length (short form,
 * or long form of at most 4 length octets), and a sub-cursor over the
 * contents, bounded by the enclosing cursor. Returns false with c->err set:
 * ETRUNC when the element runs past the cursor, EINVAL for an indefinite
 * length, more than 4 length octets or an over-long tag number.
 */
bool x509_der_next(struct hk_cur *c, struct der_tlv *t);

/* What the certificate says about its holder and its issuer. All strings
 * are escaped (hk_escape), NUL-terminated, cut to fit. */
struct x509_names {
	char subject[X509_VALUE_MAX]; /* "CN=...,O=...,C=..." in the certificate's order */
	char issuer[X509_VALUE_MAX];
	char cn[X509_VALUE_MAX];      /* the subject's first commonName; "" when none */
	size_t n_san;
	char san[X509_SAN_MAX][X509_VALUE_MAX]; /* dNSName as is, iPAddress as text */
	bool san_cut;                 /* the certificate named more than X509_SAN_MAX */
};

/*
 * Reads one DER Certificate (RFC 5280 section 4.1) that fills the cursor.
 * names is cleared first and is meaningful only when the result is
 * HK_PARSE_OK. Returns NOMATCH when the bytes do not start with a SEQUENCE,
 * MALFORMED when the structure contradicts itself (including a length that
 * runs past the certificate: the caller hands over a complete one).
 */
enum hk_parse_result x509_cert_names(struct hk_cur *c, struct x509_names *names);

#endif
