/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * X.509 certificate names: subject, issuer, subjectAltName.
 *
 * References: RFC 5280 (Internet X.509 PKI Certificate and CRL Profile),
 * section 4.1 (Certificate, TBSCertificate, Name), 4.2.1.6 (Subject
 * Alternative Name); ITU-T X.690 (08/2015) section 8.1 (BER identifier and
 * length octets) and 10.1 (DER: definite lengths only); RFC 4514 section 2
 * for the string form of a Name (we keep the certificate's order rather than
 * reversing it, and the attribute short names of RFC 4514 / RFC 4519).
 * Layouts checked against Wireshark 4.0's x509af/x509sat/x509ce dissectors.
 *
 * Every element is identifier, length, contents:
 *   +-----------------------------------------+--------+----------+
 *   | class 2 bits | constructed 1 | tag 5    | length | contents |
 *   +-----------------------------------------+--------+----------+
 *   tag 0x1f: the number follows in 1-4 bytes, base 128, bit 8 = more;
 *   length: 0x00-0x7f itself; 0x81-0x84 then 1-4 length bytes (big endian);
 *   0x80 (indefinite, BER only) and 0x85-0xff are refused.
 *
 * The walk has no recursion: the depth it reaches is fixed by the code (7
 * levels, Certificate to GeneralName), so nesting needs no bound of its own.
 * It does not check signatures, validity, DER's minimal encodings (BER long
 * forms are read) or anything we do not render.
 *   Certificate      SEQUENCE {
 *    tbsCertificate   SEQUENCE {
 *     version           [0] EXPLICIT INTEGER OPTIONAL
 *     serialNumber      INTEGER
 *     signature         SEQUENCE (AlgorithmIdentifier)
 *     issuer            Name
 *     validity          SEQUENCE
 *     subject           Name
 *     subjectPublicKeyInfo SEQUENCE
 *     issuerUniqueID    [1] IMPLICIT OPTIONAL, subjectUniqueID [2] OPTIONAL
 *     extensions        [3] EXPLICIT SEQUENCE OF Extension OPTIONAL } ... }
 *   Name       ::= SEQUENCE OF RelativeDistinguishedName
 *   RDN        ::= SET OF AttributeTypeAndValue      (joined with '+')
 *   AVA        ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY (a string) }
 *   Extension  ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE,
 *                             extnValue OCTET STRING }
 *   subjectAltName (2.5.29.17) extnValue holds GeneralNames ::=
 *     SEQUENCE OF GeneralName; we keep [2] dNSName (IA5String) and
 *     [7] iPAddress (4 or 16 octets), and skip the other choices.
 *
 * A Name is rendered "CN=x,O=y+OU=z,C=w": RDNs joined with ',', the values
 * of a multi-valued RDN with '+', unknown attribute types as a dotted OID,
 * values escaped like every observation (hk_escape: \\ and \xNN) and ','
 * and '+' inside a value preceded by '\' so the string splits back
 * unambiguously. String types are UTF8String, PrintableString,
 * TeletexString, IA5String, VisibleString and the like as bytes;
 * BMPString (UCS-2) and UniversalString (UCS-4) turned into UTF-8 first (an
 * odd trailing byte is ignored); anything else as '#' and hex (RFC 4514).
 *
 * Hostile input this defends against: every element is a sub-cursor of its
 * parent, so a length that runs past its container fails (ETRUNC, reported
 * as MALFORMED: the certificate handed to us is complete); indefinite
 * lengths and lengths of more than 4 octets are refused; tag numbers longer
 * than 4 bytes are refused; the RDNs of a Name (X509_RDNS_MAX), the values
 * of an RDN (X509_AVAS_MAX), the extensions (X509_EXTS_MAX) and the
 * GeneralNames (X509_GENERAL_NAMES_MAX) are bounded, and so is what we keep
 * (X509_SAN_MAX names; every string cut to X509_VALUE_MAX).
 */
#include "proto/x509.h"

#include <stdio.h>
#include <string.h>

#include "herkomst/packet.h"

#define DER_TAG_BYTES_MAX 4  /* high-tag-number form: continuation bytes */
#define DER_LEN_BYTES_MAX 4  /* long-form length: bytes after 0x8N */
#define X509_RDNS_MAX 32     /* RDNs in one Name */
#define X509_AVAS_MAX 8      /* attribute values in one RDN */
#define X509_EXTS_MAX 64     /* extensions in one certificate */
#define X509_GENERAL_NAMES_MAX 256 /* GeneralNames walked in subjectAltName */
#define X509_OID_MAX 32      /* OID contents octets we compare or print */
#define X509_HEX_VALUE_MAX 32 /* octets shown of a non-string value */

/* universal tags */
enum der_tag {
	DER_BOOLEAN = 1,
	DER_INTEGER = 2,
	DER_OCTET_STRING = 4,
	DER_OID = 6,
	DER_UTF8_STRING = 12,
	DER_SEQUENCE = 16,
	DER_SET = 17,
	DER_NUMERIC_STRING = 18,
	DER_PRINTABLE_STRING = 19,
	DER_TELETEX_STRING = 20,
	DER_VIDEOTEX_STRING = 21,
	DER_IA5_STRING = 22,
	DER_GRAPHIC_STRING = 25,
	DER_VISIBLE_STRING = 26,
	DER_GENERAL_STRING = 27,
	DER_UNIVERSAL_STRING = 28,
	DER_BMP_STRING = 30,
};

/* GeneralName choices we keep (context-specific, implicit) */
#define GN_DNS_NAME 2
#define GN_IP_ADDRESS 7

struct oid_name {
	uint8_t len;
	uint8_t der[10];
	const char *name;
};

/* Attribute types by their DER contents octets (RFC 4514 section 3 and
 * RFC 4519 short names; PKCS #9 for the two that devices use). */
static const struct oid_name attr_names[] = {
	{3, {0x55, 0x04, 0x03}, "CN"},
	{3, {0x55, 0x04, 0x04}, "SN"},
	{3, {0x55, 0x04, 0x05}, "serialNumber"},
	{3, {0x55, 0x04, 0x06}, "C"},
	{3, {0x55, 0x04, 0x07}, "L"},
	{3, {0x55, 0x04, 0x08}, "ST"},
	{3, {0x55, 0x04, 0x09}, "street"},
	{3, {0x55, 0x04, 0x0a}, "O"},
	{3, {0x55, 0x04, 0x0b}, "OU"},
	{3, {0x55, 0x04, 0x0c}, "title"},
	{3, {0x55, 0x04, 0x0d}, "description"},
	{3, {0x55, 0x04, 0x0f}, "businessCategory"},
	{3, {0x55, 0x04, 0x11}, "postalCode"},
	{3, {0x55, 0x04, 0x29}, "name"},
	{3, {0x55, 0x04, 0x2a}, "GN"},
	{3, {0x55, 0x04, 0x2b}, "initials"},
	{3, {0x55, 0x04, 0x2e}, "dnQualifier"},
	{3, {0x55, 0x04, 0x41}, "pseudonym"},
	{3, {0x55, 0x04, 0x61}, "organizationIdentifier"},
	{9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}, "emailAddress"},
	{9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x02}, "unstructuredName"},
	{9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x08}, "unstructuredAddress"},
	{10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19}, "DC"},
	{10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01}, "UID"},
};

static const uint8_t oid_cn[] = {0x55, 0x04, 0x03};
static const uint8_t oid_san[] = {0x55, 0x1d, 0x11}; /* 2.5.29.17 */

bool x509_der_next(struct hk_cur *c, struct der_tlv *t)
{
	uint8_t id, lb;
	uint32_t tag, len = 0;

	id = hk_cur_u8(c);
	if (!hk_cur_ok(c))
		return false;
	tag = id & 0x1f;
	if (tag == 0x1f) {
		/* high-tag-number form: base 128, bit 8 set on all but the last */
		uint8_t b;
		int n = 0;

		tag = 0;
		do {
			b = hk_cur_u8(c);
			if (!hk_cur_ok(c))
				return false;
			if (++n > DER_TAG_BYTES_MAX) {
				hk_cur_fail(c, HK_CUR_EINVAL);
				return false;
			}
			tag = (tag << 7) | (b & 0x7f);
		} while (b & 0x80);
	}
	lb = hk_cur_u8(c);
	if (!hk_cur_ok(c))
		return false;
	if (lb & 0x80) {
		int n = lb & 0x7f;

		if (n == 0 || n > DER_LEN_BYTES_MAX) {
			/* indefinite (BER only), or longer than any window */
			hk_cur_fail(c, HK_CUR_EINVAL);
			return false;
		}
		for (int i = 0; i < n; i++)
			len = (len << 8) | hk_cur_u8(c);
		if (!hk_cur_ok(c))
			return false;
	} else {
		len = lb;
	}
	t->cls = (enum der_class)(id >> 6);
	t->constructed = (id & 0x20) != 0;
	t->tag = tag;
	t->val = hk_cur_sub(c, len);
	return hk_cur_ok(c);
}

static bool is_universal(const struct der_tlv *t, uint32_t tag)
{
	return t->cls == DER_UNIVERSAL && t->tag == tag;
}

/* Reads the next element and requires it to be of universal type tag. */
static bool der_expect(struct hk_cur *c, uint32_t tag, struct der_tlv *t)
{
	if (!x509_der_next(c, t))
		return false;
	if (!is_universal(t, tag)) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return false;
	}
	return true;
}

/* Copies an OID's contents octets; false (not an error) when longer than we
 * care for. */
static bool oid_read(struct der_tlv *t, uint8_t buf[X509_OID_MAX], size_t *ret_len)
{
	size_t n = hk_cur_left(&t->val);

	if (n == 0 || n > X509_OID_MAX)
		return false;
	if (!hk_cur_copy(&t->val, buf, n))
		return false;
	*ret_len = n;
	return true;
}

static bool oid_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Dotted text of an OID's contents octets (X.690 8.19); "" when an arc does
 * not fit 32 bits or the encoding is cut. */
static void oid_dotted(const uint8_t *der, size_t n, char *dst, size_t dstsz)
{
	size_t o = 0;
	uint32_t v = 0;
	bool first = true;

	dst[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w;

		if (v > (UINT32_MAX >> 7)) {
			dst[0] = '\0';
			return;
		}
		v = (v << 7) | (der[i] & 0x7f);
		if (der[i] & 0x80)
			continue;
		if (first) {
			uint32_t a = v < 40 ? 0 : v < 80 ? 1 : 2;
			w = snprintf(dst + o, dstsz - o, "%u.%u", a, v - 40 * a);
			first = false;
		} else {
			w = snprintf(dst + o, dstsz - o, ".%u", v);
		}
		if (w < 0 || (size_t)w >= dstsz - o) {
			dst[0] = '\0';
			return;
		}
		o += (size_t)w;
		v = 0;
	}
	if (v != 0 || first) /* cut inside an arc */
		dst[0] = '\0';
}

/* --- the DN string ------------------------------------------------------ */

struct dn_out {
	char *buf;
	size_t cap; /* including the NUL */
	size_t len;
	bool cut;   /* something did not fit: nothing more is appended */
};

static void dn_init(struct dn_out *o, char *buf, size_t cap)
{
	o->buf = buf;
	o->cap = cap;
	o->len = 0;
	o->cut = false;
	buf[0] = '\0';
}

static bool dn_fits(struct dn_out *o, size_t n)
{
	if (o->cut || n > o->cap - 1 - o->len) {
		o->cut = true;
		return false;
	}
	return true;
}

/* Appends a piece of our own text (a separator, "CN="), whole or not at all. */
static void dn_raw(struct dn_out *o, const char *s)
{
	size_t n = strlen(s);

	if (!dn_fits(o, n))
		return;
	memcpy(o->buf + o->len, s, n + 1);
	o->len += n;
}

/*
 * Appends a value already escaped by hk_escape, token by token so an escape
 * is never split: "\\", "\xNN", or one printable character; ',' and '+'
 * get a backslash (RFC 4514 section 2.4).
 */
static void dn_value(struct dn_out *o, const char *esc)
{
	size_t i = 0;

	while (esc[i]) {
		char tok[5];
		size_t n;

		if (esc[i] == '\\' && esc[i + 1] == 'x' && esc[i + 2] && esc[i + 3])
			n = 4;
		else if (esc[i] == '\\' && esc[i + 1])
			n = 2;
		else
			n = 1;
		memcpy(tok, esc + i, n);
		tok[n] = '\0';
		i += n;
		if (n == 1 && (tok[0] == ',' || tok[0] == '+')) {
			tok[1] = tok[0];
			tok[0] = '\\';
			tok[2] = '\0';
		}
		dn_raw(o, tok);
		if (o->cut)
			return;
	}
}

/* Appends cp as UTF-8 to raw (bounded); false when it does not fit. */
static bool utf8_put(uint8_t *raw, size_t cap, size_t *n, uint32_t cp)
{
	uint8_t b[4];
	size_t k;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | (cp >> 6));
		b[1] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | (cp >> 12));
		b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		if (cp > 0x10ffff)
			cp = 0xfffd;
		b[0] = (uint8_t)(0xf0 | (cp >> 18));
		b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (k > cap - *n)
		return false;
	memcpy(raw + *n, b, k);
	*n += k;
	return true;
}

/* An attribute value as escaped text (dst holds X509_VALUE_MAX). */
static void ava_value(struct der_tlv *t, char *dst, size_t dstsz)
{
	size_t n = hk_cur_left(&t->val);

	dst[0] = '\0';
	if (t->cls == DER_UNIVERSAL && !t->constructed &&
	    (t->tag == DER_BMP_STRING || t->tag == DER_UNIVERSAL_STRING)) {
		/* the wide strings: to UTF-8, then escaped like the others */
		uint8_t raw[X509_VALUE_MAX];
		size_t r = 0, unit = t->tag == DER_BMP_STRING ? 2 : 4;

		while (hk_cur_left(&t->val) >= unit) {
			uint32_t cp = unit == 2 ? hk_cur_be16(&t->val) : hk_cur_be32(&t->val);
			if (!utf8_put(raw, sizeof(raw), &r, cp))
				break;
		}
		hk_escape(raw, r, dst, dstsz);
		return;
	}
	if (t->cls == DER_UNIVERSAL && !t->constructed &&
	    (t->tag == DER_UTF8_STRING || t->tag == DER_NUMERIC_STRING || t->tag == DER_PRINTABLE_STRING ||
	     t->tag == DER_TELETEX_STRING || t->tag == DER_VIDEOTEX_STRING || t->tag == DER_IA5_STRING ||
	     t->tag == DER_GRAPHIC_STRING || t->tag == DER_VISIBLE_STRING || t->tag == DER_GENERAL_STRING)) {
		hk_cur_str(&t->val, n, dst, dstsz);
		return;
	}
	/* not a string: '#' and the hex of (the start of) its contents */
	{
		static const char hex[] = "0123456789abcdef";
		size_t o = 0;

		dst[o++] = '#';
		for (size_t i = 0; i < n && i < X509_HEX_VALUE_MAX && o + 3 <= dstsz; i++) {
			uint8_t b = hk_cur_u8(&t->val);
			dst[o++] = hex[b >> 4];
			dst[o++] = hex[b & 15];
		}
		dst[o] = '\0';
	}
}

static const char *attr_name(const uint8_t *oid, size_t n)
{
	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (oid_eq(oid, n, attr_names[i].der, attr_names[i].len))
			return attr_names[i].name;
	return NULL;
}

/*
 * Renders a Name into out; cn (may be NULL) receives the first commonName.
 * Returns false when the structure is broken.
 */
static bool name_render(struct hk_cur *name, char *out, size_t outsz, char *cn, size_t cnsz)
{
	struct dn_out o;
	size_t n_rdn = 0;

	dn_init(&o, out, outsz);
	while (hk_cur_left(name) && n_rdn < X509_RDNS_MAX) {
		struct der_tlv rdn;
		size_t n_ava = 0;

		if (!der_expect(name, DER_SET, &rdn))
			return false;
		while (hk_cur_left(&rdn.val) && n_ava < X509_AVAS_MAX) {
			struct der_tlv ava, type, value;
			uint8_t oid[X509_OID_MAX];
			size_t oid_len = 0, mark = o.len, after_key;
			char key[64], val[X509_VALUE_MAX];
			const char *kn;

			if (!der_expect(&rdn.val, DER_SEQUENCE, &ava) || !der_expect(&ava.val, DER_OID, &type) ||
			    !x509_der_next(&ava.val, &value))
				return false;
			if (n_ava++)
				dn_raw(&o, "+");
			else if (n_rdn)
				dn_raw(&o, ",");
			kn = oid_read(&type, oid, &oid_len) ? attr_name(oid, oid_len) : NULL;
			if (kn)
				snprintf(key, sizeof(key), "%s=", kn);
			else {
				char dotted[sizeof(key) - 1];
				oid_dotted(oid, oid_len, dotted, sizeof(dotted));
				snprintf(key, sizeof(key), "%s=", dotted[0] ? dotted : "?");
			}
			ava_value(&value, val, sizeof(val));
			dn_raw(&o, key);
			after_key = o.len;
			dn_value(&o, val);
			if (o.cut && (o.len == after_key || after_key == mark)) {
				/* no room for a piece of the value: no dangling
				 * "KEY=", "," or "+" */
				o.len = mark;
				o.buf[mark] = '\0';
			}
			if (cn && !cn[0] && kn && oid_eq(oid, oid_len, oid_cn, sizeof(oid_cn)))
				snprintf(cn, cnsz, "%s", val);
		}
		n_rdn++;
	}
	return true;
}

/* GeneralNames of a subjectAltName extension value into names->san. */
static bool san_read(struct hk_cur *ext_value, struct x509_names *names)
{
	struct der_tlv seq;
	size_t n_gn = 0;

	if (!der_expect(ext_value, DER_SEQUENCE, &seq))
		return false;
	while (hk_cur_left(&seq.val) && n_gn++ < X509_GENERAL_NAMES_MAX) {
		struct der_tlv gn;
		char *dst;

		if (!x509_der_next(&seq.val, &gn))
			return false;
		if (gn.cls != DER_CONTEXT || gn.constructed || (gn.tag != GN_DNS_NAME && gn.tag != GN_IP_ADDRESS))
			continue;
		if (names->n_san >= X509_SAN_MAX) {
			names->san_cut = true;
			continue;
		}
		dst = names->san[names->n_san];
		if (gn.tag == GN_DNS_NAME) {
			hk_cur_str(&gn.val, hk_cur_left(&gn.val), dst, X509_VALUE_MAX);
		} else {
			struct hk_addr a;
			size_t n = hk_cur_left(&gn.val);
			char buf[HK_ADDR_STRLEN];

			if (n != 4 && n != 16)
				continue; /* a name constraint's address/mask does not belong here */
			memset(&a, 0, sizeof(a));
			a.family = n == 4 ? 4 : 6;
			hk_cur_copy(&gn.val, a.a, n);
			snprintf(dst, X509_VALUE_MAX, "%s", hk_addr_fmt(&a, buf));
		}
		if (dst[0])
			names->n_san++;
	}
	return true;
}

static bool extensions_read(struct hk_cur *exts_outer, struct x509_names *names)
{
	struct der_tlv seq;
	size_t n_ext = 0;

	if (!der_expect(exts_outer, DER_SEQUENCE, &seq))
		return false;
	while (hk_cur_left(&seq.val) && n_ext++ < X509_EXTS_MAX) {
		struct der_tlv ext, id, t;
		uint8_t oid[X509_OID_MAX];
		size_t oid_len = 0;

		if (!der_expect(&seq.val, DER_SEQUENCE, &ext) || !der_expect(&ext.val, DER_OID, &id) ||
		    !x509_der_next(&ext.val, &t))
			return false;
		if (is_universal(&t, DER_BOOLEAN) && !x509_der_next(&ext.val, &t))
			return false;
		if (!is_universal(&t, DER_OCTET_STRING))
			return false;
		if (!oid_read(&id, oid, &oid_len) || !oid_eq(oid, oid_len, oid_san, sizeof(oid_san)))
			continue;
		if (!san_read(&t.val, names))
			return false;
	}
	return true;
}

static enum hk_parse_result cert_walk(struct hk_cur *c, struct x509_names *names)
{
	struct der_tlv cert, tbs, t, issuer;

	if (!der_expect(c, DER_SEQUENCE, &cert) || !der_expect(&cert.val, DER_SEQUENCE, &tbs))
		return HK_PARSE_MALFORMED;
	if (!x509_der_next(&tbs.val, &t))
		return HK_PARSE_MALFORMED;
	if (t.cls == DER_CONTEXT && t.tag == 0 && t.constructed && !x509_der_next(&tbs.val, &t))
		return HK_PARSE_MALFORMED; /* [0] version */
	if (!is_universal(&t, DER_INTEGER))
		return HK_PARSE_MALFORMED; /* serialNumber */
	if (!der_expect(&tbs.val, DER_SEQUENCE, &t) /* signature */ ||
	    !der_expect(&tbs.val, DER_SEQUENCE, &issuer))
		return HK_PARSE_MALFORMED;
	if (!name_render(&issuer.val, names->issuer, sizeof(names->issuer), NULL, 0))
		return HK_PARSE_MALFORMED;
	if (!der_expect(&tbs.val, DER_SEQUENCE, &t) /* validity */ || !der_expect(&tbs.val, DER_SEQUENCE, &t))
		return HK_PARSE_MALFORMED;
	if (!name_render(&t.val, names->subject, sizeof(names->subject), names->cn, sizeof(names->cn)))
		return HK_PARSE_MALFORMED;
	if (!der_expect(&tbs.val, DER_SEQUENCE, &t)) /* subjectPublicKeyInfo */
		return HK_PARSE_MALFORMED;
	while (hk_cur_left(&tbs.val)) {
		/* [1], [2] unique IDs, then [3] extensions; every element
		 * consumes at least two bytes, so the loop ends */
		if (!x509_der_next(&tbs.val, &t))
			return HK_PARSE_MALFORMED;
		if (t.cls == DER_CONTEXT && t.tag == 3 && t.constructed) {
			if (!extensions_read(&t.val, names))
				return HK_PARSE_MALFORMED;
			break;
		}
	}
	return HK_PARSE_OK;
}

enum hk_parse_result x509_cert_names(struct hk_cur *c, struct x509_names *names)
{
	enum hk_parse_result r;

	memset(names, 0, sizeof(*names));
	if (!hk_cur_has(c, 1))
		return HK_PARSE_TRUNCATED;
	if (hk_cur_peek_u8(c, 0) != 0x30)
		return HK_PARSE_NOMATCH;
	r = cert_walk(c, names);
	if (r != HK_PARSE_OK)
		memset(names, 0, sizeof(*names));
	return r;
}
