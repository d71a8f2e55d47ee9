/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS: the clear-text start of a handshake (ClientHello, ServerHello, and
 * the server's Certificate up to TLS 1.2).
 *
 * References: RFC 5246 (TLS 1.2) sections 6.2 (record layer), 7.4
 * (handshake: 7.4.1.2 ClientHello, 7.4.1.3 ServerHello, 7.4.2 Certificate);
 * RFC 8446 (TLS 1.3) sections 4.1.2-4.1.3 and 4.2.1 (supported_versions);
 * RFC 6066 section 3 (server_name); RFC 8422 section 5.1 (supported_groups,
 * ec_point_formats); RFC 7301 section 3.1 (ALPN); RFC 8701 (GREASE: every
 * 0x?a?a value). Fingerprints: JA3/JA3S (salesforce/ja3, README: "SSLVersion,
 * Cipher,SSLExtension,EllipticCurve,EllipticCurvePointFormat", decimal,
 * '-' inside a field, GREASE removed, MD5), JA4 (FoxIO-LLC/ja4,
 * technical_details/JA4.md, the BSD-3-Clause JA4 client fingerprint only).
 * Certificates: x509.c.
 *
 * We walk records from the stream start ourselves (banner mode): a handshake
 * message may span records, so the bodies of consecutive handshake records
 * are joined into a bounded buffer (TLS_HS_MAX) and messages read from it.
 *   record:    | type 1 (22 handshake) | version 2 (3.x) | length 2 | body |
 *   handshake: | msg_type 1 | length 3 | body |
 *   ClientHello (1):
 *     | version 2 | random 32 | sid_len 1 | sid | cs_len 2 | cs_len/2 x suite 2 |
 *     | comp_len 1 | comp | [ ext_len 2 | ext_len bytes of ( type 2 | len 2 | data ) ] |
 *       0x0000 server_name:   | list_len 2 | ( name_type 1 (0 host) | len 2 | name ) ... |
 *       0x000a groups:        | len 2 | group 2 ... |
 *       0x000b point formats: | len 1 | format 1 ... |
 *       0x000d sig. algs:     | len 2 | scheme 2 ... |
 *       0x0010 ALPN:          | list_len 2 | ( len 1 | protocol ) ... |
 *       0x002b versions:      | len 1 | version 2 ... |
 *   ServerHello (2):
 *     | version 2 | random 32 | sid_len 1 | sid | suite 2 | comp 1 | [ ext_len 2 | exts ] |
 *       0x002b supported_versions: | selected 2 |  (0x0304: TLS 1.3)
 *   Certificate (11, TLS <= 1.2):
 *     | list_len 3 | ( cert_len 3 | DER certificate ) ... |   we read the first (leaf)
 *
 * Identity direction: the handshake type says who spoke (ctx is not
 * needed). The ClientHello describes the client (sender, side SRC) except
 * its server_name, which names the server (side DST). ServerHello and
 * Certificate describe the server (sender, side SRC). In TLS 1.3
 * everything after the ServerHello is encrypted, the certificate included:
 * we stop there and say only JA3S. A HelloRetryRequest is read like a
 * ServerHello (its JA3S), and a second ClientHello after it is not read.
 * SSLv2-framed hellos are NOMATCH.
 *
 * What we say (kind, confidence; docs/observations.md):
 *   tls.sni          HOSTNAME 50, DST  host_name of server_name; not when it
 *                                      is an IP literal (RFC 6066 forbids it)
 *   tls.ja3          RAW 50, SRC       MD5 (hex) of the JA3 string
 *   tls.ja3_full     RAW 50, SRC       the JA3 string itself, when it fits an
 *                                      observation (HK_OBS_VALUE_MAX - 1)
 *   tls.ja4          RAW 50, SRC       JA4 (TLS over TCP: "t...")
 *   tls.alpn         RAW 50, SRC       the offered protocols, ',' joined
 *   tls.ja3s         RAW 50, SRC       MD5 of "version,suite,extensions"
 *   tls.cert.subject SOFTWARE 50, SRC  the leaf's subject, "CN=x,O=y,..." in the
 *   tls.cert.issuer  SOFTWARE 50, SRC  certificate's order (x509.c)
 *   tls.cert.san     SOFTWARE 50, SRC  one per dNSName/iPAddress, at most X509_SAN_MAX
 *   tls.cert.cn      HOSTNAME 40, SRC  the subject's first CN when it looks like a
 *                                      host name: [A-Za-z0-9._-] with a letter,
 *                                      not an address, not a wildcard
 * Self-signed device certificates (PLCs, cameras, inverters, switches)
 * carry vendor and model in O/OU/CN: that is what the subject is for.
 * JA4 follows JA4.md where FoxIO's own implementations have differed: GREASE
 * is left out of the signature algorithms too, a one-character ALPN is both
 * first and last character, and a non-alphanumeric one gives hex digits.
 *
 * Results: NOMATCH unless the stream starts with a TLS record header (type
 * 20-23, version 3.0-3.4); OK with nothing said for a stream that starts
 * with another record type or handshake message (we joined it late);
 * TRUNCATED while the message we need is incomplete and the window may
 * still grow. Observations are emitted only on the final call (OK or
 * MALFORMED), as the pipeline re-reads a banner window from its start.
 * When the window is full (HK_STREAM_WINDOW_MAX) with a certificate cut,
 * we say what we have (JA3S) and return OK. The last call before a gap in
 * the stream looks like any other to us: a ServerHello whose certificate is
 * cut by a gap says nothing.
 *
 * Hostile input this defends against: a record longer than 2^14 + 2048 or
 * (after the first) of version 0.x-2.x is MALFORMED, as is a zero-length
 * handshake record, a session id longer than 32 bytes, or a handshake
 * message interrupted by another content type; at most
 * TLS_RECORDS_MAX records are joined, into at most TLS_HS_MAX bytes; every
 * handshake message, vector and extension is a sub-cursor, and every list
 * we keep is bounded (TLS_CIPHERS_MAX, TLS_EXTS_MAX, TLS_GROUPS_MAX,
 * TLS_POINT_FORMATS_MAX, TLS_SIG_ALGS_MAX): a longer list makes us skip the
 * fingerprints (never a wrong one) but keep the names; the SNI and ALPN
 * entries walked are bounded (TLS_NAMES_MAX); a certificate list whose
 * lengths lie about each other is MALFORMED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/md5.h>
#include <nettle/sha2.h>

#include "herkomst/packet.h"
#include "proto/proto.h"
#include "proto/x509.h"

#define TLS_RECORD_HDR_LEN 5
#define TLS_HS_HDR_LEN 4
#define TLS_RECORD_MAX (16384 + 2048) /* TLSCiphertext bound, RFC 5246 6.2.3 */
#define TLS_HS_MAX 8192          /* handshake bytes joined from records */
#define TLS_RECORDS_MAX 256      /* records joined: more than a window of 64-byte
				  * records (RFC 8449's minimum) holds */
#define TLS_CIPHERS_MAX 256      /* cipher suites kept for JA3/JA4 */
#define TLS_EXTS_MAX 64          /* extensions kept */
#define TLS_GROUPS_MAX 64        /* supported groups kept */
#define TLS_POINT_FORMATS_MAX 16 /* EC point formats kept */
#define TLS_SIG_ALGS_MAX 64      /* signature algorithms kept */
#define TLS_NAMES_MAX 16         /* server_name and ALPN entries walked */
#define TLS_RANDOM_LEN 32
#define TLS_SESSION_ID_MAX 32    /* RFC 5246 7.4.1.2: SessionID<0..32> */
#define TLS_JA4_LEN 36           /* "t13d1516h2_8daaf6152771_e5627efa2ab1" */

enum tls_content {
	TLS_CT_CHANGE_CIPHER_SPEC = 20,
	TLS_CT_ALERT = 21,
	TLS_CT_HANDSHAKE = 22,
	TLS_CT_APPLICATION_DATA = 23,
};

enum tls_hs_type {
	TLS_HS_CLIENT_HELLO = 1,
	TLS_HS_SERVER_HELLO = 2,
	TLS_HS_CERTIFICATE = 11,
};

enum tls_ext {
	TLS_EXT_SERVER_NAME = 0x0000,
	TLS_EXT_SUPPORTED_GROUPS = 0x000a,
	TLS_EXT_EC_POINT_FORMATS = 0x000b,
	TLS_EXT_SIG_ALGS = 0x000d,
	TLS_EXT_ALPN = 0x0010,
	TLS_EXT_SUPPORTED_VERSIONS = 0x002b,
};

#define TLS_VERSION_13 0x0304
#define TLS_SNI_HOST_NAME 0

#define CONF_SNI 50
#define CONF_CN 40
#define CONF_FP 50
#define CONF_CERT 50

/* What a ClientHello says, kept for the fingerprints. GREASE is left out. */
struct tls_client_hello {
	uint16_t version;
	uint16_t max_version; /* highest supported_versions entry; 0 without */
	uint16_t ciphers[TLS_CIPHERS_MAX];
	size_t n_ciphers;
	uint16_t exts[TLS_EXTS_MAX];
	size_t n_exts;
	uint16_t groups[TLS_GROUPS_MAX];
	size_t n_groups;
	uint8_t point_formats[TLS_POINT_FORMATS_MAX];
	size_t n_point_formats;
	uint16_t sig_algs[TLS_SIG_ALGS_MAX];
	size_t n_sig_algs;
	bool lists_cut; /* a list was longer than we keep: no fingerprints */
	bool has_sni;
	char sni[HK_OBS_VALUE_MAX];
	char alpn[HK_OBS_VALUE_MAX]; /* "h2,http/1.1", each entry escaped */
	size_t alpn0_len;            /* the first ALPN protocol, for JA4 */
	uint8_t alpn0_first, alpn0_last;
};

struct tls_server_hello {
	uint16_t version;
	uint16_t cipher;
	uint16_t selected_version; /* supported_versions; 0 without */
	uint16_t exts[TLS_EXTS_MAX];
	size_t n_exts;
	bool lists_cut;
};

static bool is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* --- fingerprint text, hashed as it is written -------------------------- */

/* Feeds text to an MD5 and keeps a copy while it fits one observation. */
struct ja3_text {
	struct md5_ctx md5;
	char text[HK_OBS_VALUE_MAX];
	size_t len;
	bool cut;
};

static void ja3_init(struct ja3_text *j)
{
	md5_init(&j->md5);
	j->len = 0;
	j->cut = false;
	j->text[0] = '\0';
}

static void ja3_put(struct ja3_text *j, const char *s)
{
	size_t n = strlen(s);

	md5_update(&j->md5, n, (const uint8_t *)s);
	if (j->cut || n > sizeof(j->text) - 1 - j->len) {
		j->cut = true;
		return;
	}
	memcpy(j->text + j->len, s, n + 1);
	j->len += n;
}

/* "-%u" (no dash first) without printf: a ClientHello lists ~100 numbers */
static void ja3_list16(struct ja3_text *j, const uint16_t *v, size_t n)
{
	char num[8];

	for (size_t i = 0; i < n; i++) {
		char digits[5];
		size_t k = 0, o = 0;
		unsigned x = v[i];

		do {
			digits[k++] = (char)('0' + x % 10);
			x /= 10;
		} while (x);
		if (i)
			num[o++] = '-';
		while (k)
			num[o++] = digits[--k];
		num[o] = '\0';
		ja3_put(j, num);
	}
}

static void hex_digest(const uint8_t *d, size_t n, char *dst)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		dst[2 * i] = hex[d[i] >> 4];
		dst[2 * i + 1] = hex[d[i] & 15];
	}
	dst[2 * n] = '\0';
}

static void ja3_md5_hex(struct ja3_text *j, char dst[2 * MD5_DIGEST_SIZE + 1])
{
	uint8_t d[MD5_DIGEST_SIZE];

	md5_digest(&j->md5, sizeof(d), d);
	hex_digest(d, sizeof(d), dst);
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return (x > y) - (x < y);
}

/* Hashes "xxxx,xxxx,..." of v (in the given order; "%04x" each, no comma
 * first) into h, a block at a time, without printf. */
static void sha256_hex_list(struct sha256_ctx *h, const uint16_t *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t buf[5 * 64];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (o + 5 > sizeof(buf)) {
			sha256_update(h, o, buf);
			o = 0;
		}
		if (i)
			buf[o++] = ',';
		buf[o++] = (uint8_t)hex[v[i] >> 12];
		buf[o++] = (uint8_t)hex[(v[i] >> 8) & 15];
		buf[o++] = (uint8_t)hex[(v[i] >> 4) & 15];
		buf[o++] = (uint8_t)hex[v[i] & 15];
	}
	sha256_update(h, o, buf);
}

static void sha256_12(struct sha256_ctx *h, char dst[13])
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char full[2 * SHA256_DIGEST_SIZE + 1];

	sha256_digest(h, sizeof(d), d);
	hex_digest(d, sizeof(d), full);
	memcpy(dst, full, 12);
	dst[12] = '\0';
}

static const char *ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002: return "s2";
	case 0xfeff: return "d1";
	case 0xfefd: return "d2";
	case 0xfefc: return "d3";
	default: return "00";
	}
}

static bool is_alnum(uint8_t b)
{
	return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

/* JA4 (TLS over TCP): a_b_c, see JA4.md. dst holds TLS_JA4_LEN + 1. */
static void ja4_make(const struct tls_client_hello *h, char dst[TLS_JA4_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint16_t sorted[TLS_CIPHERS_MAX > TLS_EXTS_MAX ? TLS_CIPHERS_MAX : TLS_EXTS_MAX];
	struct sha256_ctx sh;
	char alpn[3], b[13], c[13];
	size_t n;

	if (h->alpn0_len == 0) {
		memcpy(alpn, "00", 3);
	} else if (is_alnum(h->alpn0_first) && is_alnum(h->alpn0_last)) {
		alpn[0] = (char)h->alpn0_first;
		alpn[1] = (char)h->alpn0_last;
		alpn[2] = '\0';
	} else {
		alpn[0] = hex[h->alpn0_first >> 4];
		alpn[1] = hex[h->alpn0_last & 15];
		alpn[2] = '\0';
	}

	if (h->n_ciphers == 0) {
		memcpy(b, "000000000000", 13);
	} else {
		memcpy(sorted, h->ciphers, h->n_ciphers * sizeof(sorted[0]));
		qsort(sorted, h->n_ciphers, sizeof(sorted[0]), cmp_u16);
		sha256_init(&sh);
		sha256_hex_list(&sh, sorted, h->n_ciphers);
		sha256_12(&sh, b);
	}

	n = 0;
	for (size_t i = 0; i < h->n_exts; i++)
		if (h->exts[i] != TLS_EXT_SERVER_NAME && h->exts[i] != TLS_EXT_ALPN)
			sorted[n++] = h->exts[i];
	if (n == 0) {
		memcpy(c, "000000000000", 13);
	} else {
		qsort(sorted, n, sizeof(sorted[0]), cmp_u16);
		sha256_init(&sh);
		sha256_hex_list(&sh, sorted, n);
		if (h->n_sig_algs) {
			sha256_update(&sh, 1, (const uint8_t *)"_");
			sha256_hex_list(&sh, h->sig_algs, h->n_sig_algs);
		}
		sha256_12(&sh, c);
	}

	snprintf(dst, TLS_JA4_LEN + 1, "t%s%c%02u%02u%s_%s_%s",
		 ja4_version(h->max_version ? h->max_version : h->version), h->has_sni ? 'd' : 'i',
		 (unsigned)(h->n_ciphers > 99 ? 99 : h->n_ciphers), (unsigned)(h->n_exts > 99 ? 99 : h->n_exts),
		 alpn, b, c);
}

/* --- ClientHello --------------------------------------------------------- */

/* Appends v to a bounded list unless it is GREASE; marks the list cut. */
static void keep16(uint16_t *list, size_t *n, size_t max, bool *cut, uint16_t v)
{
	if (is_grease(v))
		return;
	if (*n >= max) {
		*cut = true;
		return;
	}
	list[(*n)++] = v;
}

/* A vector of 16-bit values with a 2-byte (or 1-byte) length prefix. */
static bool read_list16(struct hk_cur *c, size_t len_bytes, uint16_t *list, size_t *n, size_t max, bool *cut)
{
	size_t len = len_bytes == 1 ? hk_cur_u8(c) : hk_cur_be16(c);
	struct hk_cur v = hk_cur_sub(c, len);

	if (!hk_cur_ok(c) || len % 2)
		return false;
	while (hk_cur_left(&v))
		keep16(list, n, max, cut, hk_cur_be16(&v));
	return hk_cur_ok(&v);
}

static bool ch_server_name(struct hk_cur *d, struct tls_client_hello *h)
{
	size_t n_names = 0;
	struct hk_cur list;

	h->has_sni = true;
	if (!hk_cur_left(d))
		return true; /* empty: allowed in a ServerHello, tolerated here */
	list = hk_cur_sub(d, hk_cur_be16(d));
	if (!hk_cur_ok(d) || hk_cur_left(d))
		return false;
	while (hk_cur_left(&list) && n_names++ < TLS_NAMES_MAX) {
		uint8_t type = hk_cur_u8(&list);
		struct hk_cur name = hk_cur_sub(&list, hk_cur_be16(&list));

		if (!hk_cur_ok(&list))
			return false;
		if (type == TLS_SNI_HOST_NAME && !h->sni[0])
			hk_cur_str(&name, hk_cur_left(&name), h->sni, sizeof(h->sni));
	}
	return true;
}

static bool ch_alpn(struct hk_cur *d, struct tls_client_hello *h)
{
	size_t n_names = 0, o = 0;
	bool full = false;
	struct hk_cur list = hk_cur_sub(d, hk_cur_be16(d));

	if (!hk_cur_ok(d) || hk_cur_left(d))
		return false;
	while (hk_cur_left(&list) && n_names < TLS_NAMES_MAX) {
		struct hk_cur name = hk_cur_sub(&list, hk_cur_u8(&list));
		size_t len = hk_cur_left(&name);
		char esc[HK_OBS_VALUE_MAX];

		if (!hk_cur_ok(&list))
			return false;
		if (n_names++ == 0) {
			h->alpn0_len = len;
			if (len) {
				h->alpn0_first = hk_cur_peek_u8(&name, 0);
				h->alpn0_last = hk_cur_peek_u8(&name, len - 1);
			}
		}
		hk_cur_str(&name, len, esc, sizeof(esc));
		/* whole entries only, in order, ',' between them (also after an
		 * empty one) */
		if (full || strlen(esc) + (n_names > 1 ? 1 : 0) >= sizeof(h->alpn) - o)
			full = true;
		else
			o += (size_t)snprintf(h->alpn + o, sizeof(h->alpn) - o, "%s%s", n_names > 1 ? "," : "",
					      esc);
	}
	return true;
}

static bool ch_extension(uint16_t type, struct hk_cur *d, struct tls_client_hello *h)
{
	size_t n_versions = 0;

	switch (type) {
	case TLS_EXT_SERVER_NAME:
		return ch_server_name(d, h);
	case TLS_EXT_SUPPORTED_GROUPS:
		return read_list16(d, 2, h->groups, &h->n_groups, TLS_GROUPS_MAX, &h->lists_cut) && !hk_cur_left(d);
	case TLS_EXT_EC_POINT_FORMATS: {
		struct hk_cur v = hk_cur_sub(d, hk_cur_u8(d));
		if (!hk_cur_ok(d) || hk_cur_left(d))
			return false;
		while (hk_cur_left(&v)) {
			uint8_t f = hk_cur_u8(&v);
			if (h->n_point_formats >= TLS_POINT_FORMATS_MAX)
				h->lists_cut = true;
			else
				h->point_formats[h->n_point_formats++] = f;
		}
		return true;
	}
	case TLS_EXT_SIG_ALGS:
		return read_list16(d, 2, h->sig_algs, &h->n_sig_algs, TLS_SIG_ALGS_MAX, &h->lists_cut) &&
		       !hk_cur_left(d);
	case TLS_EXT_ALPN:
		return ch_alpn(d, h);
	case TLS_EXT_SUPPORTED_VERSIONS: {
		struct hk_cur v = hk_cur_sub(d, hk_cur_u8(d));
		if (!hk_cur_ok(d) || hk_cur_left(d) || hk_cur_left(&v) % 2)
			return false;
		while (hk_cur_left(&v) && n_versions++ < TLS_NAMES_MAX) {
			uint16_t ver = hk_cur_be16(&v);
			if (!is_grease(ver) && ver > h->max_version)
				h->max_version = ver;
		}
		return true;
	}
	default:
		return true;
	}
}

static enum hk_parse_result client_hello_read(struct hk_cur *m, struct tls_client_hello *h)
{
	size_t cs_len, sid_len;
	struct hk_cur cs, exts;

	h->version = hk_cur_be16(m);
	hk_cur_skip(m, TLS_RANDOM_LEN);
	sid_len = hk_cur_u8(m);
	hk_cur_skip(m, sid_len);
	cs_len = hk_cur_be16(m);
	cs = hk_cur_sub(m, cs_len);
	hk_cur_skip(m, hk_cur_u8(m)); /* compression methods */
	if (!hk_cur_ok(m) || cs_len % 2 || (h->version >> 8) != 3 || sid_len > TLS_SESSION_ID_MAX)
		return HK_PARSE_MALFORMED;
	while (hk_cur_left(&cs))
		keep16(h->ciphers, &h->n_ciphers, TLS_CIPHERS_MAX, &h->lists_cut, hk_cur_be16(&cs));
	if (!hk_cur_left(m))
		return HK_PARSE_OK; /* no extensions (SSL 3.0 style) */
	exts = hk_cur_sub(m, hk_cur_be16(m));
	if (!hk_cur_ok(m) || hk_cur_left(m))
		return HK_PARSE_MALFORMED;
	while (hk_cur_left(&exts)) {
		uint16_t type = hk_cur_be16(&exts);
		struct hk_cur d = hk_cur_sub(&exts, hk_cur_be16(&exts));

		if (!hk_cur_ok(&exts))
			return HK_PARSE_MALFORMED;
		keep16(h->exts, &h->n_exts, TLS_EXTS_MAX, &h->lists_cut, type);
		if (!is_grease(type) && !ch_extension(type, &d, h))
			return HK_PARSE_MALFORMED;
	}
	return HK_PARSE_OK;
}

static bool looks_like_ip(const char *s)
{
	struct hk_addr a;
	return hk_addr_parse(s, &a);
}

static enum hk_parse_result client_hello(struct hk_cur *m, struct hk_obs_sink *out)
{
	struct tls_client_hello h;
	enum hk_parse_result r;

	memset(&h, 0, sizeof(h));
	r = client_hello_read(m, &h);
	if (r != HK_PARSE_OK)
		return r;
	/* an IP literal is not allowed in server_name (RFC 6066 3) and is no name */
	if (h.sni[0] && !looks_like_ip(h.sni))
		hk_obs_emit(out, HK_OBS_HOSTNAME, HK_SIDE_DST, CONF_SNI, "tls.sni", h.sni);
	if (!h.lists_cut) {
		struct ja3_text j;
		char num[8], md5hex[2 * MD5_DIGEST_SIZE + 1], ja4[TLS_JA4_LEN + 1];

		ja3_init(&j);
		snprintf(num, sizeof(num), "%u,", h.version);
		ja3_put(&j, num);
		ja3_list16(&j, h.ciphers, h.n_ciphers);
		ja3_put(&j, ",");
		ja3_list16(&j, h.exts, h.n_exts);
		ja3_put(&j, ",");
		ja3_list16(&j, h.groups, h.n_groups);
		ja3_put(&j, ",");
		for (size_t i = 0; i < h.n_point_formats; i++) {
			snprintf(num, sizeof(num), i ? "-%u" : "%u", h.point_formats[i]);
			ja3_put(&j, num);
		}
		ja3_md5_hex(&j, md5hex);
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_FP, "tls.ja3", md5hex);
		if (!j.cut)
			hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_FP, "tls.ja3_full", j.text);
		ja4_make(&h, ja4);
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_FP, "tls.ja4", ja4);
	}
	if (h.alpn[0])
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_FP, "tls.alpn", h.alpn);
	return HK_PARSE_OK;
}

/* --- ServerHello and Certificate ---------------------------------------- */

static enum hk_parse_result server_hello_read(struct hk_cur *m, struct tls_server_hello *h)
{
	struct hk_cur exts;
	size_t sid_len;

	h->version = hk_cur_be16(m);
	hk_cur_skip(m, TLS_RANDOM_LEN);
	sid_len = hk_cur_u8(m);
	hk_cur_skip(m, sid_len);
	h->cipher = hk_cur_be16(m);
	hk_cur_skip(m, 1); /* compression method */
	if (!hk_cur_ok(m) || (h->version >> 8) != 3 || sid_len > TLS_SESSION_ID_MAX)
		return HK_PARSE_MALFORMED;
	if (!hk_cur_left(m))
		return HK_PARSE_OK;
	exts = hk_cur_sub(m, hk_cur_be16(m));
	if (!hk_cur_ok(m) || hk_cur_left(m))
		return HK_PARSE_MALFORMED;
	while (hk_cur_left(&exts)) {
		uint16_t type = hk_cur_be16(&exts);
		struct hk_cur d = hk_cur_sub(&exts, hk_cur_be16(&exts));

		if (!hk_cur_ok(&exts))
			return HK_PARSE_MALFORMED;
		keep16(h->exts, &h->n_exts, TLS_EXTS_MAX, &h->lists_cut, type);
		if (type == TLS_EXT_SUPPORTED_VERSIONS) {
			h->selected_version = hk_cur_be16(&d);
			if (!hk_cur_ok(&d) || hk_cur_left(&d))
				return HK_PARSE_MALFORMED;
		}
	}
	return HK_PARSE_OK;
}

static void server_hello_emit(const struct tls_server_hello *h, struct hk_obs_sink *out)
{
	struct ja3_text j;
	char num[16], md5hex[2 * MD5_DIGEST_SIZE + 1];

	if (h->lists_cut)
		return;
	ja3_init(&j);
	snprintf(num, sizeof(num), "%u,%u,", h->version, h->cipher);
	ja3_put(&j, num);
	ja3_list16(&j, h->exts, h->n_exts);
	ja3_md5_hex(&j, md5hex);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_FP, "tls.ja3s", md5hex);
}

/* A commonName that can be a device's host name: letters, digits, '-', '_'
 * and '.', not an address, not a wildcard (that names many hosts). */
static bool cn_is_hostname(const char *cn)
{
	struct hk_addr a;
	bool alpha = false;

	if (!cn[0] || cn[0] == '.' || cn[0] == '-')
		return false;
	for (const char *p = cn; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			alpha = true;
		else if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	}
	return alpha && !hk_addr_parse(cn, &a);
}

static void cert_emit(const struct x509_names *n, struct hk_obs_sink *out)
{
	hk_obs_emit(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, CONF_CERT, "tls.cert.subject", n->subject);
	hk_obs_emit(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, CONF_CERT, "tls.cert.issuer", n->issuer);
	if (cn_is_hostname(n->cn))
		hk_obs_emit(out, HK_OBS_HOSTNAME, HK_SIDE_SRC, CONF_CN, "tls.cert.cn", n->cn);
	for (size_t i = 0; i < n->n_san; i++)
		hk_obs_emit(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, CONF_CERT, "tls.cert.san", n->san[i]);
}

/* What we know about the joined handshake bytes. */
struct tls_hs_buf {
	uint8_t b[TLS_HS_MAX];
	size_t len;
	bool ended; /* a record of another type followed: no more handshake */
	bool final; /* the window will not grow, or we stopped joining */
};

/* A server message we need is cut: wait, or (when the window cannot grow)
 * say what the ServerHello said. */
static enum hk_parse_result server_cut(const struct tls_hs_buf *hs, const struct tls_server_hello *sh,
				       struct hk_obs_sink *out)
{
	if (hs->ended)
		return HK_PARSE_MALFORMED; /* a handshake message interrupted */
	if (!hs->final)
		return HK_PARSE_TRUNCATED;
	server_hello_emit(sh, out);
	return HK_PARSE_OK;
}

/*
 * The leaf certificate from the Certificate message whose first bytes are
 * at m (the part available of a body of msg_len bytes).
 */
static enum hk_parse_result leaf_certificate(struct hk_cur *m, size_t msg_len, const struct tls_hs_buf *hs,
					     const struct tls_server_hello *sh, struct hk_obs_sink *out)
{
	struct x509_names names;
	struct hk_cur cert;
	uint32_t list_len, cert_len;
	bool whole = hk_cur_left(m) == msg_len;

	list_len = hk_cur_be24(m);
	if (!hk_cur_ok(m))
		return whole ? HK_PARSE_MALFORMED : server_cut(hs, sh, out);
	if (list_len != msg_len - 3)
		return HK_PARSE_MALFORMED; /* the list is the whole body */
	if (list_len == 0) {
		server_hello_emit(sh, out); /* no certificate (an anonymous suite) */
		return HK_PARSE_OK;
	}
	cert_len = hk_cur_be24(m);
	if (!hk_cur_ok(m))
		return whole ? HK_PARSE_MALFORMED : server_cut(hs, sh, out);
	if (list_len < 3 || cert_len > list_len - 3)
		return HK_PARSE_MALFORMED;
	cert = hk_cur_sub(m, cert_len);
	if (!hk_cur_ok(m))
		return server_cut(hs, sh, out);
	server_hello_emit(sh, out);
	if (x509_cert_names(&cert, &names) != HK_PARSE_OK)
		return HK_PARSE_MALFORMED;
	cert_emit(&names, out);
	return HK_PARSE_OK;
}

/* --- records ------------------------------------------------------------- */

/* Joins the bodies of the handshake records at the window's start. */
static enum hk_parse_result records_join(struct hk_cur *c, struct tls_hs_buf *hs)
{
	size_t n_rec = 0;

	hs->len = 0;
	hs->ended = false;
	hs->final = c->len >= HK_STREAM_WINDOW_MAX;
	while (hk_cur_left(c) >= TLS_RECORD_HDR_LEN) {
		uint8_t type = hk_cur_u8(c), major = hk_cur_u8(c);
		size_t len, avail, take;

		hk_cur_skip(c, 1); /* minor */
		len = hk_cur_be16(c);
		if (!hk_cur_ok(c))
			return HK_PARSE_TRUNCATED;
		if (major != 3 || len > TLS_RECORD_MAX)
			return HK_PARSE_MALFORMED;
		if (type != TLS_CT_HANDSHAKE) {
			hs->ended = true;
			break;
		}
		if (len == 0)
			return HK_PARSE_MALFORMED; /* RFC 5246 6.2.1 */
		if (++n_rec > TLS_RECORDS_MAX) {
			hs->final = true;
			break;
		}
		avail = hk_cur_left(c) < len ? hk_cur_left(c) : len;
		take = avail < sizeof(hs->b) - hs->len ? avail : sizeof(hs->b) - hs->len;
		hk_cur_copy(c, hs->b + hs->len, take);
		hs->len += take;
		if (take < avail) {
			hs->final = true; /* TLS_HS_MAX reached */
			break;
		}
		if (avail < len)
			break; /* the rest of this record is still coming */
	}
	return HK_PARSE_OK;
}

enum hk_parse_result proto_tls_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct tls_hs_buf hs;
	struct hk_cur h, m, cm;
	struct tls_server_hello sh;
	uint8_t type, major, minor;
	size_t msg_len;
	enum hk_parse_result r;

	/* a TLS record header, or not TLS */
	type = hk_cur_peek_u8(c, 0);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (type < TLS_CT_CHANGE_CIPHER_SPEC || type > TLS_CT_APPLICATION_DATA)
		return HK_PARSE_NOMATCH;
	major = hk_cur_peek_u8(c, 1);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (major != 3)
		return HK_PARSE_NOMATCH;
	minor = hk_cur_peek_u8(c, 2);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (minor > 4)
		return HK_PARSE_NOMATCH;
	if (type != TLS_CT_HANDSHAKE)
		return hk_cur_has(c, TLS_RECORD_HDR_LEN) ? HK_PARSE_OK : HK_PARSE_TRUNCATED; /* joined late */

	r = records_join(c, &hs);
	if (r != HK_PARSE_OK)
		return r;
	/* a gap or the flow's end: what is here is all there will be */
	if (ctx->final)
		hs.final = true;
	h = hk_cur_init(hs.b, hs.len);

	/* the first handshake message: ClientHello or ServerHello */
	type = hk_cur_u8(&h);
	msg_len = hk_cur_be24(&h);
	if (!hk_cur_ok(&h))
		return hs.ended ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED;
	if (type != TLS_HS_CLIENT_HELLO && type != TLS_HS_SERVER_HELLO)
		return HK_PARSE_OK; /* joined late, or a HelloRequest: nothing to say */
	m = hk_cur_sub(&h, msg_len);
	if (!hk_cur_ok(&h))
		return hs.ended ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED;
	if (type == TLS_HS_CLIENT_HELLO)
		return client_hello(&m, out);

	memset(&sh, 0, sizeof(sh));
	r = server_hello_read(&m, &sh);
	if (r != HK_PARSE_OK)
		return r;
	if (sh.selected_version == TLS_VERSION_13) {
		server_hello_emit(&sh, out); /* the rest is encrypted */
		return HK_PARSE_OK;
	}

	/* the next message: the Certificate, if the server sends one */
	if (!hk_cur_has(&h, TLS_HS_HDR_LEN)) {
		if (hk_cur_left(&h) == 0 && hs.ended) {
			server_hello_emit(&sh, out); /* e.g. a resumed session: ChangeCipherSpec */
			return HK_PARSE_OK;
		}
		return server_cut(&hs, &sh, out);
	}
	type = hk_cur_u8(&h);
	msg_len = hk_cur_be24(&h);
	if (type != TLS_HS_CERTIFICATE) {
		server_hello_emit(&sh, out);
		return HK_PARSE_OK;
	}
	if (msg_len < 3)
		return HK_PARSE_MALFORMED;
	cm = hk_cur_sub(&h, hk_cur_left(&h) < msg_len ? hk_cur_left(&h) : msg_len);
	return leaf_certificate(&cm, msg_len, &hs, &sh, out);
}
