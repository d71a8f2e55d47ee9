/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TLS parser (src/proto/tls.c): a real ClientHello and a real server
 * flight (ServerHello, Certificate, ServerKeyExchange, ServerHelloDone) with
 * their exact observations; every prefix of both in an exactly-sized heap
 * buffer; handshake messages re-framed into records of every size; the
 * published JA4 vectors rebuilt from their lists; GREASE; lying lengths;
 * list counts at 0, MAX and MAX+1; the window-full case; strings with NUL
 * and non-ASCII bytes; bytes that are not TLS. When tshark and the shared
 * captures are at hand, JA3/JA3S/SAN are compared with tshark's reading of
 * the same packets and JA4 with FoxIO's published value.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

static struct pc_result res;
static const struct hk_parse_ctx tls_ctx = {.l4 = 6, .sport = 50000, .dport = 443};

/* Parses n bytes copied into an exactly-sized heap buffer. */
static enum hk_parse_result run(const uint8_t *bytes, size_t n)
{
	return pc_run(proto_tls_parse, bytes, n, &tls_ctx, &res);
}

#define expect_obs(i, kind, side, conf, source, value) PC_EXPECT(&res, i, kind, side, conf, source, value)

/* NULL when nothing came from source */
static const char *find_value(const char *source)
{
	return pc_count(&res, source) ? pc_value(&res, source, 0) : NULL;
}

/*
 * zeek_ecdsa-cert.pcap (zeek/zeek testing/btest/Traces/tls/ecdsa-cert.pcap,
 * BSD-3-Clause) frame 4: the client's first TCP payload, 308 bytes, one
 * record holding a TLS 1.2 ClientHello without server_name or ALPN.
 * tshark 4.0: tls.handshake.ja3 99faefb55d94da8c713fd5c89f8dc5a1.
 */
static const uint8_t ch_ecdsa[] = {
	0x16, 0x03, 0x01, 0x01, 0x2f,  /* record: handshake (22), version 3.1, length 303 */
	0x01, 0x00, 0x01, 0x2b,  /* handshake: ClientHello (1), length 299 */
	0x03, 0x03,  /* client_version 3.3 (771) */
	0xe4, 0x99, 0x51, 0xea, 0x47, 0x9f, 0xe0, 0x75, 0x0c, 0x25, 0xff, 0x73,  /* random */
	0xb8, 0x97, 0x72, 0x43, 0x56, 0x2f, 0xf9, 0x96, 0xe9, 0xd2, 0x72, 0xc5,
	0x55, 0x5e, 0xe2, 0xc3, 0x15, 0x6d, 0x1d, 0xc4,
	0x00,  /* session_id length 0 */
	0x00, 0x94,  /* cipher_suites length 148 (74 suites) */
	0xc0, 0x30, 0xc0, 0x2c, 0xc0, 0x28, 0xc0, 0x24, 0xc0, 0x14, 0xc0, 0x0a,  /* suites: c030,c02c,c028,c024,c014,c00a,00a3,009f,006b,006a,0039,0038,0088,0087,c032,c02e,c02a,c026,c00f,c005,009d,003d,0035,0084,c02f,c02b,c027,c023,c013,c009,00a2,009e,0067,0040,0033,0032,009a,0099,0045,0044,c031,c02d,c029,c025,c00e,c004,009c,003c,002f,0096,0041,0007,c011,c007,c00c,c002,0005,0004,c012,c008,0016,0013,c00d,c003,000a,0015,0012,0009,0014,0011,0008,0006,0003,00ff */
	0x00, 0xa3, 0x00, 0x9f, 0x00, 0x6b, 0x00, 0x6a, 0x00, 0x39, 0x00, 0x38,
	0x00, 0x88, 0x00, 0x87, 0xc0, 0x32, 0xc0, 0x2e, 0xc0, 0x2a, 0xc0, 0x26,
	0xc0, 0x0f, 0xc0, 0x05, 0x00, 0x9d, 0x00, 0x3d, 0x00, 0x35, 0x00, 0x84,
	0xc0, 0x2f, 0xc0, 0x2b, 0xc0, 0x27, 0xc0, 0x23, 0xc0, 0x13, 0xc0, 0x09,
	0x00, 0xa2, 0x00, 0x9e, 0x00, 0x67, 0x00, 0x40, 0x00, 0x33, 0x00, 0x32,
	0x00, 0x9a, 0x00, 0x99, 0x00, 0x45, 0x00, 0x44, 0xc0, 0x31, 0xc0, 0x2d,
	0xc0, 0x29, 0xc0, 0x25, 0xc0, 0x0e, 0xc0, 0x04, 0x00, 0x9c, 0x00, 0x3c,
	0x00, 0x2f, 0x00, 0x96, 0x00, 0x41, 0x00, 0x07, 0xc0, 0x11, 0xc0, 0x07,
	0xc0, 0x0c, 0xc0, 0x02, 0x00, 0x05, 0x00, 0x04, 0xc0, 0x12, 0xc0, 0x08,
	0x00, 0x16, 0x00, 0x13, 0xc0, 0x0d, 0xc0, 0x03, 0x00, 0x0a, 0x00, 0x15,
	0x00, 0x12, 0x00, 0x09, 0x00, 0x14, 0x00, 0x11, 0x00, 0x08, 0x00, 0x06,
	0x00, 0x03, 0x00, 0xff,
	0x02, 0x01, 0x00,  /* compression_methods: 2, null */
	0x00, 0x6d,  /* extensions length 109 */
	0x00, 0x0b, 0x00, 0x04,  /* ext 0x000b ec_point_formats, length 4 */
		0x03, 0x00, 0x01, 0x02,  /* length 3: 0,1,2 */
	0x00, 0x0a, 0x00, 0x34,  /* ext 0x000a supported_groups, length 52 */
		0x00, 0x32, 0x00, 0x0e, 0x00, 0x0d, 0x00, 0x19, 0x00, 0x0b, 0x00, 0x0c,  /* length 50: 000e,000d,0019,000b,000c,0018,0009,000a,0016,0017,0008,0006,0007,0014,0015,0004,0005,0012,0013,0001,0002,0003,000f,0010,0011 */
		0x00, 0x18, 0x00, 0x09, 0x00, 0x0a, 0x00, 0x16, 0x00, 0x17, 0x00, 0x08,
		0x00, 0x06, 0x00, 0x07, 0x00, 0x14, 0x00, 0x15, 0x00, 0x04, 0x00, 0x05,
		0x00, 0x12, 0x00, 0x13, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x0f,
		0x00, 0x10, 0x00, 0x11,
	0x00, 0x23, 0x00, 0x00,  /* ext 0x0023 session_ticket, length 0 */
	0x00, 0x0d, 0x00, 0x20,  /* ext 0x000d signature_algorithms, length 32 */
		0x00, 0x1e, 0x06, 0x01, 0x06, 0x02, 0x06, 0x03, 0x05, 0x01, 0x05, 0x02,  /* length 30: 0601,0602,0603,0501,0502,0503,0401,0402,0403,0301,0302,0303,0201,0202,0203 */
		0x05, 0x03, 0x04, 0x01, 0x04, 0x02, 0x04, 0x03, 0x03, 0x01, 0x03, 0x02,
		0x03, 0x03, 0x02, 0x01, 0x02, 0x02, 0x02, 0x03,
	0x00, 0x0f, 0x00, 0x01,  /* ext 0x000f heartbeat, length 1 */
		0x01,  /* heartbeat */
};

/*
 * The same capture, frames 6 and 7: the server's first 2225 bytes, four
 * records: ServerHello (TLS 1.2, ECDHE-ECDSA-AES256-GCM-SHA384), Certificate
 * (the leaf, then one intermediate), ServerKeyExchange, ServerHelloDone.
 * tshark 4.0: tls.handshake.ja3s 6ce5b396167553eefc3fc5cbc4a16a02,
 * x509ce.dNSName pantz.org,www.pantz.org; subject
 * OU=Domain Control Validated, OU=PositiveSSL, CN=pantz.org.
 */
static const uint8_t sf_ecdsa[] = {
	0x16, 0x03, 0x03, 0x00, 0x42,  /* record: content type 22, version 3.3, length 66 */
	0x02, 0x00, 0x00, 0x3e,  /* handshake: ServerHello (2), length 62 */
		0x03, 0x03,  /* server_version 3.3 (771) */
		0x08, 0x59, 0x25, 0x68, 0x10, 0x72, 0x2a, 0x5a, 0x15, 0xe4, 0x33, 0x5b,  /* random */
		0x56, 0x5c, 0xf2, 0x95, 0xbb, 0xa2, 0x1c, 0x43, 0x99, 0x69, 0x9d, 0x82,
		0xa3, 0x34, 0xe2, 0x24, 0x28, 0x1a, 0xb5, 0xa8,
		0x00,  /* session_id length 0, session_id */
		0xc0, 0x2b,  /* cipher_suite 0xc02b (49195) */
		0x00,  /* compression_method null */
		0x00, 0x16,  /* extensions length 22 */
		0xff, 0x01, 0x00, 0x01, 0x00,  /* ext 0xff01 (65281) renegotiation_info, length 1 */
		0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02,  /* ext 0x000b (11) ec_point_formats, length 4 */
		0x00, 0x23, 0x00, 0x00,  /* ext 0x0023 (35) session_ticket, length 0 */
		0x00, 0x0f, 0x00, 0x01, 0x01,  /* ext 0x000f (15) heartbeat, length 1 */
	0x16, 0x03, 0x03, 0x07, 0x84,  /* record: content type 22, version 3.3, length 1924 */
	0x0b, 0x00, 0x07, 0x80,  /* handshake: Certificate (11), length 1920 */
		0x00, 0x07, 0x7d,  /* certificate_list length 1917 */
		0x00, 0x03, 0xd6,  /* certificate length 982 (the leaf) */
	0x30, 0x82, 0x03, 0xd2,  /* SEQUENCE, 978 bytes */
	0x30, 0x82, 0x03, 0x77,  /*   SEQUENCE, 887 bytes */
	0xa0, 0x03,  /*     [0] constructed, 3 bytes */
	0x02, 0x01, 0x02,  /*       INTEGER, 1 bytes 02 */
	0x02, 0x11, 0x00, 0xf0, 0xaf, 0xbb, 0xf5, 0x58, 0xbf, 0x4d, 0x1b, 0x71,  /*     INTEGER, 17 bytes */
	0xfe, 0xd9, 0xcb, 0x33, 0x79, 0x3e, 0xe4,
	0x30, 0x0a,  /*     SEQUENCE, 10 bytes */
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,  /*       OID, 8 bytes 2a8648ce3d040302 */
	0x30, 0x81, 0x90,  /*     SEQUENCE, 144 bytes */
	0x31, 0x0b,  /*       SET, 11 bytes */
	0x30, 0x09,  /*         SEQUENCE, 9 bytes */
	0x06, 0x03, 0x55, 0x04, 0x06,  /*           OID, 3 bytes countryName */
	0x13, 0x02, 0x47, 0x42,  /*           PrintableString, 2 bytes "GB" */
	0x31, 0x1b,  /*       SET, 27 bytes */
	0x30, 0x19,  /*         SEQUENCE, 25 bytes */
	0x06, 0x03, 0x55, 0x04, 0x08,  /*           OID, 3 bytes stateOrProvinceName */
	0x13, 0x12, 0x47, 0x72, 0x65, 0x61, 0x74, 0x65, 0x72, 0x20, 0x4d, 0x61,  /*           PrintableString, 18 bytes "Greater Manchester" */
	0x6e, 0x63, 0x68, 0x65, 0x73, 0x74, 0x65, 0x72,
	0x31, 0x10,  /*       SET, 16 bytes */
	0x30, 0x0e,  /*         SEQUENCE, 14 bytes */
	0x06, 0x03, 0x55, 0x04, 0x07,  /*           OID, 3 bytes localityName */
	0x13, 0x07, 0x53, 0x61, 0x6c, 0x66, 0x6f, 0x72, 0x64,  /*           PrintableString, 7 bytes "Salford" */
	0x31, 0x1a,  /*       SET, 26 bytes */
	0x30, 0x18,  /*         SEQUENCE, 24 bytes */
	0x06, 0x03, 0x55, 0x04, 0x0a,  /*           OID, 3 bytes organizationName */
	0x13, 0x11, 0x43, 0x4f, 0x4d, 0x4f, 0x44, 0x4f, 0x20, 0x43, 0x41, 0x20,  /*           PrintableString, 17 bytes "COMODO CA Limited" */
	0x4c, 0x69, 0x6d, 0x69, 0x74, 0x65, 0x64,
	0x31, 0x36,  /*       SET, 54 bytes */
	0x30, 0x34,  /*         SEQUENCE, 52 bytes */
	0x06, 0x03, 0x55, 0x04, 0x03,  /*           OID, 3 bytes commonName */
	0x13, 0x2d, 0x43, 0x4f, 0x4d, 0x4f, 0x44, 0x4f, 0x20, 0x45, 0x43, 0x43,  /*           PrintableString, 45 bytes "COMODO ECC Domain Validation Secure Server CA" */
	0x20, 0x44, 0x6f, 0x6d, 0x61, 0x69, 0x6e, 0x20, 0x56, 0x61, 0x6c, 0x69,
	0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x20, 0x53, 0x65, 0x63, 0x75, 0x72,
	0x65, 0x20, 0x53, 0x65, 0x72, 0x76, 0x65, 0x72, 0x20, 0x43, 0x41,
	0x30, 0x1e,  /*     SEQUENCE, 30 bytes */
	0x17, 0x0d, 0x31, 0x34, 0x31, 0x31, 0x30, 0x38, 0x30, 0x30, 0x30, 0x30,  /*       UTCTime, 13 bytes "141108000000Z" */
	0x30, 0x30, 0x5a,
	0x17, 0x0d, 0x31, 0x39, 0x31, 0x31, 0x30, 0x37, 0x32, 0x33, 0x35, 0x39,  /*       UTCTime, 13 bytes "191107235959Z" */
	0x35, 0x39, 0x5a,
	0x30, 0x4d,  /*     SEQUENCE, 77 bytes */
	0x31, 0x21,  /*       SET, 33 bytes */
	0x30, 0x1f,  /*         SEQUENCE, 31 bytes */
	0x06, 0x03, 0x55, 0x04, 0x0b,  /*           OID, 3 bytes organizationalUnitName */
	0x13, 0x18, 0x44, 0x6f, 0x6d, 0x61, 0x69, 0x6e, 0x20, 0x43, 0x6f, 0x6e,  /*           PrintableString, 24 bytes "Domain Control Validated" */
	0x74, 0x72, 0x6f, 0x6c, 0x20, 0x56, 0x61, 0x6c, 0x69, 0x64, 0x61, 0x74,
	0x65, 0x64,
	0x31, 0x14,  /*       SET, 20 bytes */
	0x30, 0x12,  /*         SEQUENCE, 18 bytes */
	0x06, 0x03, 0x55, 0x04, 0x0b,  /*           OID, 3 bytes organizationalUnitName */
	0x13, 0x0b, 0x50, 0x6f, 0x73, 0x69, 0x74, 0x69, 0x76, 0x65, 0x53, 0x53,  /*           PrintableString, 11 bytes "PositiveSSL" */
	0x4c,
	0x31, 0x12,  /*       SET, 18 bytes */
	0x30, 0x10,  /*         SEQUENCE, 16 bytes */
	0x06, 0x03, 0x55, 0x04, 0x03,  /*           OID, 3 bytes commonName */
	0x13, 0x09, 0x70, 0x61, 0x6e, 0x74, 0x7a, 0x2e, 0x6f, 0x72, 0x67,  /*           PrintableString, 9 bytes "pantz.org" */
	0x30, 0x76,  /*     SEQUENCE, 118 bytes */
	0x30, 0x10,  /*       SEQUENCE, 16 bytes */
	0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,  /*         OID, 7 bytes id-ecPublicKey */
	0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22,  /*         OID, 5 bytes 2b81040022 */
	0x03, 0x62, 0x00, 0x04, 0x41, 0xaf, 0x2d, 0xcd, 0xdd, 0x7a, 0x20, 0xb3,  /*       BIT STRING, 98 bytes */
	0xaa, 0x02, 0x4d, 0x99, 0x63, 0xd1, 0xf2, 0xac, 0x65, 0x89, 0x37, 0x2e,
	0x97, 0x56, 0x1f, 0xb0, 0x6e, 0x87, 0x37, 0x0a, 0xe5, 0x21, 0xed, 0xcc,
	0x64, 0x54, 0x5c, 0xc9, 0xb7, 0x2d, 0x69, 0xc0, 0xae, 0x7c, 0x97, 0x5c,
	0xcf, 0x25, 0xd5, 0x80, 0xa5, 0x8b, 0x9b, 0xcb, 0x16, 0xe2, 0x6a, 0x44,
	0x2a, 0xf9, 0x48, 0x07, 0xd8, 0xe0, 0x35, 0x05, 0x0c, 0xec, 0x82, 0x13,
	0xfd, 0x92, 0x13, 0x50, 0xb9, 0x9c, 0x42, 0x3f, 0x1d, 0xf2, 0xc6, 0x5f,
	0x02, 0x16, 0x32, 0x4c, 0xf8, 0x90, 0xc9, 0x65, 0xc8, 0xe1, 0xf7, 0x68,
	0x25, 0x95, 0x18, 0xcd,
	0xa3, 0x82, 0x01, 0xd5,  /*     [3] constructed, 469 bytes */
	0x30, 0x82, 0x01, 0xd1,  /*       SEQUENCE, 465 bytes */
	0x30, 0x1f,  /*         SEQUENCE, 31 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x23,  /*           OID, 3 bytes authorityKeyIdentifier */
	0x04, 0x18,  /*           OCTET STRING, 24 bytes, holding: */
	0x30, 0x16,  /*             SEQUENCE, 22 bytes */
	0x80, 0x14, 0xbb, 0xfa, 0x08, 0xe0, 0xbf, 0x54, 0xee, 0x5a, 0xfd, 0x16,  /*               [0], 20 bytes */
	0xa4, 0x35, 0x02, 0x09, 0xa9, 0xa4, 0xc8, 0xec, 0xfd, 0x4b,
	0x30, 0x1d,  /*         SEQUENCE, 29 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x0e,  /*           OID, 3 bytes subjectKeyIdentifier */
	0x04, 0x16, 0x04, 0x14, 0x26, 0xcf, 0xa2, 0x80, 0x60, 0xbc, 0xb5, 0x6d,  /*           OCTET STRING, 22 bytes */
	0xdd, 0xa0, 0x90, 0x5a, 0x79, 0xa8, 0x6e, 0xe4, 0x40, 0xa3, 0x84, 0x5e,
	0x30, 0x0e,  /*         SEQUENCE, 14 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x0f,  /*           OID, 3 bytes keyUsage */
	0x01, 0x01, 0xff,  /*           BOOLEAN, 1 bytes ff */
	0x04, 0x04, 0x03, 0x02, 0x05, 0x80,  /*           OCTET STRING, 4 bytes 03020580 */
	0x30, 0x0c,  /*         SEQUENCE, 12 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x13,  /*           OID, 3 bytes basicConstraints */
	0x01, 0x01, 0xff,  /*           BOOLEAN, 1 bytes ff */
	0x04, 0x02,  /*           OCTET STRING, 2 bytes, holding: */
	0x30, 0x00,  /*             SEQUENCE, 0 bytes */
	0x30, 0x1d,  /*         SEQUENCE, 29 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x25,  /*           OID, 3 bytes extKeyUsage */
	0x04, 0x16,  /*           OCTET STRING, 22 bytes, holding: */
	0x30, 0x14,  /*             SEQUENCE, 20 bytes */
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01,  /*               OID, 8 bytes 2b06010505070301 */
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02,  /*               OID, 8 bytes 2b06010505070302 */
	0x30, 0x4f,  /*         SEQUENCE, 79 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x20,  /*           OID, 3 bytes 551d20 */
	0x04, 0x48,  /*           OCTET STRING, 72 bytes, holding: */
	0x30, 0x46,  /*             SEQUENCE, 70 bytes */
	0x30, 0x3a, 0x06, 0x0b, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xb2, 0x31, 0x01,  /*               SEQUENCE, 58 bytes */
	0x02, 0x02, 0x07, 0x30, 0x2b, 0x30, 0x29, 0x06, 0x08, 0x2b, 0x06, 0x01,
	0x05, 0x05, 0x07, 0x02, 0x01, 0x16, 0x1d, 0x68, 0x74, 0x74, 0x70, 0x73,
	0x3a, 0x2f, 0x2f, 0x73, 0x65, 0x63, 0x75, 0x72, 0x65, 0x2e, 0x63, 0x6f,
	0x6d, 0x6f, 0x64, 0x6f, 0x2e, 0x63, 0x6f, 0x6d, 0x2f, 0x43, 0x50, 0x53,
	0x30, 0x08, 0x06, 0x06, 0x67, 0x81, 0x0c, 0x01, 0x02, 0x01,  /*               SEQUENCE, 8 bytes 060667810c010201 */
	0x30, 0x54,  /*         SEQUENCE, 84 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x1f,  /*           OID, 3 bytes 551d1f */
	0x04, 0x4d,  /*           OCTET STRING, 77 bytes, holding: */
	0x30, 0x4b,  /*             SEQUENCE, 75 bytes */
	0x30, 0x49, 0xa0, 0x47, 0xa0, 0x45, 0x86, 0x43, 0x68, 0x74, 0x74, 0x70,  /*               SEQUENCE, 73 bytes */
	0x3a, 0x2f, 0x2f, 0x63, 0x72, 0x6c, 0x2e, 0x63, 0x6f, 0x6d, 0x6f, 0x64,
	0x6f, 0x63, 0x61, 0x2e, 0x63, 0x6f, 0x6d, 0x2f, 0x43, 0x4f, 0x4d, 0x4f,
	0x44, 0x4f, 0x45, 0x43, 0x43, 0x44, 0x6f, 0x6d, 0x61, 0x69, 0x6e, 0x56,
	0x61, 0x6c, 0x69, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x53, 0x65, 0x63,
	0x75, 0x72, 0x65, 0x53, 0x65, 0x72, 0x76, 0x65, 0x72, 0x43, 0x41, 0x2e,
	0x63, 0x72, 0x6c,
	0x30, 0x81, 0x85,  /*         SEQUENCE, 133 bytes */
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01,  /*           OID, 8 bytes 2b06010505070101 */
	0x04, 0x79,  /*           OCTET STRING, 121 bytes, holding: */
	0x30, 0x77,  /*             SEQUENCE, 119 bytes */
	0x30, 0x4f, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02,  /*               SEQUENCE, 79 bytes */
	0x86, 0x43, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x63, 0x72, 0x74,
	0x2e, 0x63, 0x6f, 0x6d, 0x6f, 0x64, 0x6f, 0x63, 0x61, 0x2e, 0x63, 0x6f,
	0x6d, 0x2f, 0x43, 0x4f, 0x4d, 0x4f, 0x44, 0x4f, 0x45, 0x43, 0x43, 0x44,
	0x6f, 0x6d, 0x61, 0x69, 0x6e, 0x56, 0x61, 0x6c, 0x69, 0x64, 0x61, 0x74,
	0x69, 0x6f, 0x6e, 0x53, 0x65, 0x63, 0x75, 0x72, 0x65, 0x53, 0x65, 0x72,
	0x76, 0x65, 0x72, 0x43, 0x41, 0x2e, 0x63, 0x72, 0x74,
	0x30, 0x24, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01,  /*               SEQUENCE, 36 bytes */
	0x86, 0x18, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f, 0x63, 0x73,
	0x70, 0x2e, 0x63, 0x6f, 0x6d, 0x6f, 0x64, 0x6f, 0x63, 0x61, 0x2e, 0x63,
	0x6f, 0x6d,
	0x30, 0x23,  /*         SEQUENCE, 35 bytes */
	0x06, 0x03, 0x55, 0x1d, 0x11,  /*           OID, 3 bytes subjectAltName */
	0x04, 0x1c,  /*           OCTET STRING, 28 bytes, holding: */
	0x30, 0x1a,  /*             SEQUENCE, 26 bytes */
	0x82, 0x09, 0x70, 0x61, 0x6e, 0x74, 0x7a, 0x2e, 0x6f, 0x72, 0x67,  /*               [2], 9 bytes "pantz.org" */
	0x82, 0x0d, 0x77, 0x77, 0x77, 0x2e, 0x70, 0x61, 0x6e, 0x74, 0x7a, 0x2e,  /*               [2], 13 bytes "www.pantz.org" */
	0x6f, 0x72, 0x67,
	0x30, 0x0a,  /*   SEQUENCE, 10 bytes */
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,  /*     OID, 8 bytes 2a8648ce3d040302 */
	0x03, 0x49, 0x00, 0x30, 0x46, 0x02, 0x21, 0x00, 0xdf, 0x9a, 0xe4, 0x90,  /*   BIT STRING, 73 bytes */
	0xd3, 0x1a, 0x62, 0xf0, 0x48, 0x3e, 0x80, 0x99, 0xed, 0xca, 0xb0, 0x70,
	0x28, 0xb9, 0x09, 0x4c, 0xe7, 0x89, 0x66, 0x4d, 0x2e, 0xd8, 0x69, 0xc8,
	0xc5, 0x8b, 0x19, 0x5d, 0x02, 0x21, 0x00, 0x94, 0x5c, 0x31, 0x5c, 0x96,
	0x1c, 0xd5, 0xda, 0x09, 0x9a, 0x7c, 0xaa, 0x8d, 0x18, 0x75, 0x75, 0x1e,
	0x8e, 0x91, 0x27, 0x1d, 0x1c, 0x20, 0x2d, 0xf4, 0x86, 0xf1, 0xc3, 0xa7,
	0x49, 0x0d, 0x89,
		0x00, 0x03, 0xa1,  /* certificate length 929 */
		0x30, 0x82, 0x03, 0x9d, 0x30, 0x82, 0x03, 0x22, 0xa0, 0x03, 0x02, 0x01,  /* DER certificate (an intermediate: not read) */
		0x02, 0x02, 0x10, 0x51, 0x06, 0x01, 0xe6, 0x3b, 0x50, 0x67, 0x3c, 0x55,
		0xee, 0x4e, 0x19, 0xda, 0x30, 0x4c, 0xa8, 0x30, 0x0a, 0x06, 0x08, 0x2a,
		0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03, 0x30, 0x81, 0x85, 0x31, 0x0b,
		0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x47, 0x42, 0x31,
		0x1b, 0x30, 0x19, 0x06, 0x03, 0x55, 0x04, 0x08, 0x13, 0x12, 0x47, 0x72,
		0x65, 0x61, 0x74, 0x65, 0x72, 0x20, 0x4d, 0x61, 0x6e, 0x63, 0x68, 0x65,
		0x73, 0x74, 0x65, 0x72, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04,
		0x07, 0x13, 0x07, 0x53, 0x61, 0x6c, 0x66, 0x6f, 0x72, 0x64, 0x31, 0x1a,
		0x30, 0x18, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x13, 0x11, 0x43, 0x4f, 0x4d,
		0x4f, 0x44, 0x4f, 0x20, 0x43, 0x41, 0x20, 0x4c, 0x69, 0x6d, 0x69, 0x74,
		0x65, 0x64, 0x31, 0x2b, 0x30, 0x29, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13,
		0x22, 0x43, 0x4f, 0x4d, 0x4f, 0x44, 0x4f, 0x20, 0x45, 0x43, 0x43, 0x20,
		0x43, 0x65, 0x72, 0x74, 0x69, 0x66, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f,
		0x6e, 0x20, 0x41, 0x75, 0x74, 0x68, 0x6f, 0x72, 0x69, 0x74, 0x79, 0x30,
		0x1e, 0x17, 0x0d, 0x31, 0x34, 0x30, 0x33, 0x31, 0x33, 0x30, 0x30, 0x30,
		0x30, 0x30, 0x30, 0x5a, 0x17, 0x0d, 0x32, 0x39, 0x30, 0x33, 0x31, 0x32,
		0x32, 0x33, 0x35, 0x39, 0x35, 0x39, 0x5a, 0x30, 0x81, 0x90, 0x31, 0x0b,
		0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x47, 0x42, 0x31,
		0x1b, 0x30, 0x19, 0x06, 0x03, 0x55, 0x04, 0x08, 0x13, 0x12, 0x47, 0x72,
		0x65, 0x61, 0x74, 0x65, 0x72, 0x20, 0x4d, 0x61, 0x6e, 0x63, 0x68, 0x65,
		0x73, 0x74, 0x65, 0x72, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04,
		0x07, 0x13, 0x07, 0x53, 0x61, 0x6c, 0x66, 0x6f, 0x72, 0x64, 0x31, 0x1a,
		0x30, 0x18, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x13, 0x11, 0x43, 0x4f, 0x4d,
		0x4f, 0x44, 0x4f, 0x20, 0x43, 0x41, 0x20, 0x4c, 0x69, 0x6d, 0x69, 0x74,
		0x65, 0x64, 0x31, 0x36, 0x30, 0x34, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13,
		0x2d, 0x43, 0x4f, 0x4d, 0x4f, 0x44, 0x4f, 0x20, 0x45, 0x43, 0x43, 0x20,
		0x44, 0x6f, 0x6d, 0x61, 0x69, 0x6e, 0x20, 0x56, 0x61, 0x6c, 0x69, 0x64,
		0x61, 0x74, 0x69, 0x6f, 0x6e, 0x20, 0x53, 0x65, 0x63, 0x75, 0x72, 0x65,
		0x20, 0x53, 0x65, 0x72, 0x76, 0x65, 0x72, 0x20, 0x43, 0x41, 0x30, 0x59,
		0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
		0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
		0x04, 0x88, 0x36, 0x8d, 0xd8, 0x09, 0x54, 0xf5, 0x9a, 0x29, 0x79, 0x3e,
		0x24, 0x3d, 0x3a, 0xa2, 0x24, 0xf1, 0x8a, 0x18, 0x0a, 0x54, 0x7d, 0xed,
		0x40, 0x2c, 0xda, 0xf0, 0xba, 0x8e, 0xd9, 0x84, 0xf5, 0x45, 0xdd, 0x37,
		0x70, 0x91, 0x24, 0xac, 0xba, 0x14, 0xeb, 0x51, 0x68, 0x20, 0xdd, 0xd2,
		0x48, 0x55, 0x00, 0x5d, 0x6f, 0x44, 0xee, 0x08, 0x1c, 0x8b, 0xf9, 0x55,
		0x5f, 0x24, 0x9a, 0x54, 0x83, 0xa3, 0x82, 0x01, 0x65, 0x30, 0x82, 0x01,
		0x61, 0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16,
		0x80, 0x14, 0x75, 0x71, 0xa7, 0x19, 0x48, 0x19, 0xbc, 0x9d, 0x9d, 0xea,
		0x41, 0x47, 0xdf, 0x94, 0xc4, 0x48, 0x77, 0x99, 0xd3, 0x79, 0x30, 0x1d,
		0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0xbb, 0xfa, 0x08,
		0xe0, 0xbf, 0x54, 0xee, 0x5a, 0xfd, 0x16, 0xa4, 0x35, 0x02, 0x09, 0xa9,
		0xa4, 0xc8, 0xec, 0xfd, 0x4b, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x1d, 0x0f,
		0x01, 0x01, 0xff, 0x04, 0x04, 0x03, 0x02, 0x01, 0x86, 0x30, 0x12, 0x06,
		0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x08, 0x30, 0x06, 0x01,
		0x01, 0xff, 0x02, 0x01, 0x00, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x25,
		0x04, 0x16, 0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07,
		0x03, 0x01, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02,
		0x30, 0x1b, 0x06, 0x03, 0x55, 0x1d, 0x20, 0x04, 0x14, 0x30, 0x12, 0x30,
		0x06, 0x06, 0x04, 0x55, 0x1d, 0x20, 0x00, 0x30, 0x08, 0x06, 0x06, 0x67,
		0x81, 0x0c, 0x01, 0x02, 0x01, 0x30, 0x4c, 0x06, 0x03, 0x55, 0x1d, 0x1f,
		0x04, 0x45, 0x30, 0x43, 0x30, 0x41, 0xa0, 0x3f, 0xa0, 0x3d, 0x86, 0x3b,
		0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x63, 0x72, 0x6c, 0x2e, 0x63,
		0x6f, 0x6d, 0x6f, 0x64, 0x6f, 0x63, 0x61, 0x2e, 0x63, 0x6f, 0x6d, 0x2f,
		0x43, 0x4f, 0x4d, 0x4f, 0x44, 0x4f, 0x45, 0x43, 0x43, 0x43, 0x65, 0x72,
		0x74, 0x69, 0x66, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x41, 0x75,
		0x74, 0x68, 0x6f, 0x72, 0x69, 0x74, 0x79, 0x2e, 0x63, 0x72, 0x6c, 0x30,
		0x71, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01, 0x04,
		0x65, 0x30, 0x63, 0x30, 0x3b, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05,
		0x07, 0x30, 0x02, 0x86, 0x2f, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f,
		0x63, 0x72, 0x74, 0x2e, 0x63, 0x6f, 0x6d, 0x6f, 0x64, 0x6f, 0x63, 0x61,
		0x2e, 0x63, 0x6f, 0x6d, 0x2f, 0x43, 0x4f, 0x4d, 0x4f, 0x44, 0x4f, 0x45,
		0x43, 0x43, 0x41, 0x64, 0x64, 0x54, 0x72, 0x75, 0x73, 0x74, 0x43, 0x41,
		0x2e, 0x63, 0x72, 0x74, 0x30, 0x24, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05,
		0x05, 0x07, 0x30, 0x01, 0x86, 0x18, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f,
		0x2f, 0x6f, 0x63, 0x73, 0x70, 0x2e, 0x63, 0x6f, 0x6d, 0x6f, 0x64, 0x6f,
		0x63, 0x61, 0x2e, 0x63, 0x6f, 0x6d, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
		0x48, 0xce, 0x3d, 0x04, 0x03, 0x03, 0x03, 0x69, 0x00, 0x30, 0x66, 0x02,
		0x31, 0x00, 0xed, 0x8a, 0x58, 0x04, 0xb8, 0x88, 0x2a, 0x64, 0xcb, 0x9b,
		0xd6, 0x73, 0x8c, 0x2c, 0x9c, 0x0f, 0x56, 0xbd, 0xcb, 0xae, 0xcf, 0xc0,
		0xe1, 0x15, 0x58, 0xb8, 0x89, 0x8f, 0xb1, 0x53, 0x53, 0xb5, 0x61, 0xba,
		0xe4, 0x52, 0xfb, 0x8f, 0xa6, 0x28, 0xa1, 0xe4, 0x2d, 0x95, 0x2c, 0x48,
		0x56, 0x20, 0x02, 0x31, 0x00, 0xef, 0x6a, 0xfb, 0x4c, 0xb1, 0x22, 0xae,
		0x53, 0x3c, 0x1a, 0x1f, 0x7c, 0x7c, 0xbd, 0x58, 0x46, 0x8a, 0x58, 0xe5,
		0x7a, 0x82, 0x34, 0x8a, 0x5a, 0x08, 0x13, 0xae, 0x00, 0x75, 0xbc, 0xb4,
		0x89, 0xde, 0x88, 0xec, 0xe6, 0xe0, 0x62, 0x00, 0x2c, 0x9a, 0xea, 0x47,
		0xb5, 0xa4, 0xaf, 0xa2, 0x32,
	0x16, 0x03, 0x03, 0x00, 0xd3,  /* record: content type 22, version 3.3, length 211 */
	0x0c, 0x00, 0x00, 0xcf,  /* handshake: ServerKeyExchange (12), length 207 */
		0x03, 0x00, 0x18, 0x61, 0x04, 0xa8, 0x05, 0x38, 0xd9, 0xa5, 0x68, 0x31,  /* body */
		0x73, 0x88, 0x34, 0x8b, 0x90, 0xeb, 0x8b, 0xbd, 0x8d, 0x02, 0x95, 0xd6,
		0x38, 0xa2, 0x9a, 0x74, 0x97, 0x13, 0x8a, 0xe1, 0x01, 0xc2, 0x3c, 0x41,
		0x65, 0x19, 0xc0, 0xfa, 0xb9, 0x5a, 0x02, 0x7a, 0x49, 0x37, 0xf4, 0x94,
		0x39, 0xc9, 0x30, 0xab, 0xad, 0xd8, 0xa4, 0x3e, 0x80, 0x7f, 0x20, 0x77,
		0x71, 0x5f, 0x98, 0x35, 0xe8, 0x36, 0xb0, 0xf9, 0xda, 0x7f, 0x51, 0x82,
		0x1d, 0xd7, 0x67, 0xd6, 0xf9, 0x7a, 0x47, 0xdf, 0x75, 0xc5, 0x8e, 0xb8,
		0xbc, 0x27, 0x2a, 0x7b, 0xa0, 0x37, 0x76, 0x26, 0xcb, 0xa6, 0x9d, 0x33,
		0x0f, 0x6b, 0x66, 0x26, 0x52, 0x06, 0x03, 0x00, 0x66, 0x30, 0x64, 0x02,
		0x30, 0x25, 0x16, 0xed, 0x7e, 0x24, 0x8b, 0x6f, 0x45, 0x32, 0x52, 0x01,
		0xdb, 0x93, 0x0a, 0xd7, 0xbe, 0x67, 0x3b, 0xc3, 0x28, 0xa6, 0x73, 0x54,
		0x45, 0x7e, 0x49, 0x8d, 0xcf, 0x9b, 0x61, 0x40, 0xef, 0x59, 0xff, 0x59,
		0x87, 0xd1, 0xa5, 0x4f, 0x7d, 0x5d, 0xcf, 0x60, 0xe7, 0x91, 0x5c, 0x75,
		0x70, 0x02, 0x30, 0x63, 0xcb, 0xe2, 0xe5, 0xf5, 0xdb, 0x70, 0x1a, 0x5e,
		0xfa, 0x93, 0x1b, 0xb8, 0x90, 0xfc, 0xf4, 0x8e, 0x84, 0x09, 0x8e, 0xd5,
		0xed, 0xeb, 0x01, 0x04, 0x77, 0x7c, 0x82, 0x75, 0xba, 0xf6, 0x03, 0x0c,
		0x5a, 0x84, 0x1d, 0x21, 0xc9, 0xa6, 0x16, 0x73, 0x15, 0x96, 0x0a, 0x59,
		0x5c, 0x61, 0xfa,
	0x16, 0x03, 0x03, 0x00, 0x04,  /* record: content type 22, version 3.3, length 4 */
	0x0e, 0x00, 0x00, 0x00,  /* handshake: ServerHelloDone (14), length 0 */
};

/* where the leaf certificate of sf_ecdsa ends: 71 (ServerHello record) + 5
 * (record header) + 4 (handshake header) + 3 (list length) + 3 + 982 */
#define SF_ECDSA_LEAF_END 1068u

/* ---- builders ------------------------------------------------------------ */

#define BUF_MAX 24000

struct buf {
	uint8_t b[BUF_MAX];
	size_t n;
};

static void b_u8(struct buf *b, unsigned v)
{
	ck_assert_uint_lt(b->n, BUF_MAX);
	b->b[b->n++] = (uint8_t)v;
}

static void b_u16(struct buf *b, unsigned v)
{
	b_u8(b, v >> 8);
	b_u8(b, v & 0xff);
}

static void b_u24(struct buf *b, unsigned v)
{
	b_u8(b, v >> 16);
	b_u16(b, v & 0xffff);
}

static void b_bytes(struct buf *b, const void *p, size_t n)
{
	ck_assert_uint_le(n, BUF_MAX - b->n);
	if (n)
		memcpy(b->b + b->n, p, n);
	b->n += n;
}

/* Reserves a big-endian length field of width bytes; b_fill writes the
 * length of what was appended since. */
static size_t b_mark(struct buf *b, size_t width)
{
	size_t at = b->n;

	for (size_t i = 0; i < width; i++)
		b_u8(b, 0);
	return at;
}

static void b_fill(struct buf *b, size_t at, size_t width)
{
	size_t len = b->n - at - width;

	for (size_t i = 0; i < width; i++)
		b->b[at + i] = (uint8_t)(len >> (8 * (width - 1 - i)));
}

/* A hello handshake message under construction (type 1 or 2). */
struct hello {
	struct buf m;
	size_t msg_at, ext_at;
};

static void hello_start(struct hello *h, uint8_t type, uint16_t version, const uint16_t *cs, size_t n_cs)
{
	size_t at;

	h->m.n = 0;
	b_u8(&h->m, type);
	h->msg_at = b_mark(&h->m, 3);
	b_u16(&h->m, version);
	for (int i = 0; i < 32; i++)
		b_u8(&h->m, 0x11); /* random */
	b_u8(&h->m, 0);            /* session id */
	if (type == 1) {
		at = b_mark(&h->m, 2);
		for (size_t i = 0; i < n_cs; i++)
			b_u16(&h->m, cs[i]);
		b_fill(&h->m, at, 2);
		b_u8(&h->m, 1); /* compression methods: null */
		b_u8(&h->m, 0);
	} else {
		b_u16(&h->m, cs[0]);
		b_u8(&h->m, 0);
	}
	h->ext_at = b_mark(&h->m, 2);
}

static void hello_ext(struct hello *h, uint16_t type, const void *data, size_t n)
{
	b_u16(&h->m, type);
	b_u16(&h->m, (unsigned)n);
	b_bytes(&h->m, data, n);
}

static void hello_end(struct hello *h)
{
	b_fill(&h->m, h->ext_at, 2);
	b_fill(&h->m, h->msg_at, 3);
}

/* A list of 16-bit values with a length prefix of lw bytes. */
static size_t list16(uint8_t *out, size_t lw, const uint16_t *v, size_t n)
{
	size_t o = 0, len = 2 * n;

	if (lw == 2)
		out[o++] = (uint8_t)(len >> 8);
	out[o++] = (uint8_t)len;
	for (size_t i = 0; i < n; i++) {
		out[o++] = (uint8_t)(v[i] >> 8);
		out[o++] = (uint8_t)v[i];
	}
	return o;
}

static void ext_sni(struct hello *h, const void *name, size_t n)
{
	uint8_t d[600];

	ck_assert_uint_le(n, sizeof(d) - 5);
	d[0] = (uint8_t)((n + 3) >> 8);
	d[1] = (uint8_t)(n + 3);
	d[2] = 0; /* host_name */
	d[3] = (uint8_t)(n >> 8);
	d[4] = (uint8_t)n;
	memcpy(d + 5, name, n);
	hello_ext(h, 0x0000, d, n + 5);
}

/* ALPN from "\x02h2\x08http/1.1"-style length-prefixed entries */
static void ext_alpn(struct hello *h, const void *entries, size_t n)
{
	uint8_t d[300];

	d[0] = (uint8_t)(n >> 8);
	d[1] = (uint8_t)n;
	memcpy(d + 2, entries, n);
	hello_ext(h, 0x0010, d, n + 2);
}

static void ext_list16(struct hello *h, uint16_t type, size_t lw, const uint16_t *v, size_t n)
{
	uint8_t d[1024];

	ck_assert_uint_le(2 * n + 2, sizeof(d));
	hello_ext(h, type, d, list16(d, lw, v, n));
}

/* Frames handshake bytes into records of at most rec bytes each. */
static void records(struct buf *out, const uint8_t *hs, size_t n, size_t rec)
{
	out->n = 0;
	for (size_t off = 0; off < n; off += rec) {
		size_t k = n - off < rec ? n - off : rec;
		b_u8(out, 22);
		b_u16(out, 0x0303);
		b_u16(out, (unsigned)k);
		b_bytes(out, hs + off, k);
	}
}

static enum hk_parse_result run_hello(struct hello *h)
{
	static struct buf r;

	records(&r, h->m.b, h->m.n, 16384);
	return run(r.b, r.n);
}

/* Strips the record layer: the handshake bytes of consecutive records. */
static void unrecord(struct buf *out, const uint8_t *p, size_t n)
{
	out->n = 0;
	for (size_t off = 0; off + 5 <= n;) {
		size_t len = (size_t)p[off + 3] << 8 | p[off + 4];
		ck_assert_uint_eq(p[off], 22);
		ck_assert_uint_le(off + 5 + len, n);
		b_bytes(out, p + off + 5, len);
		off += 5 + len;
	}
}

/* ---- the real PDUs -------------------------------------------------------- */

static void check_ch_ecdsa(void)
{
	ck_assert_uint_eq(res.sink.n, 2);
	/* 74 suites: the JA3 string (560 bytes) is longer than an observation,
	 * so there is no tls.ja3_full; no server_name, no ALPN */
	expect_obs(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja3", "99faefb55d94da8c713fd5c89f8dc5a1");
	expect_obs(1, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja4", "t12i740500_c43983326036_a1e935682795");
}

START_TEST(test_client_hello_real)
{
	ck_assert_int_eq(run(ch_ecdsa, sizeof(ch_ecdsa)), HK_PARSE_OK);
	check_ch_ecdsa();
}
END_TEST

static void check_sf_ecdsa(void)
{
	ck_assert_uint_eq(res.sink.n, 6);
	expect_obs(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja3s", "6ce5b396167553eefc3fc5cbc4a16a02");
	expect_obs(1, HK_OBS_SOFTWARE, HK_SIDE_SRC, 50, "tls.cert.subject",
		   "OU=Domain Control Validated,OU=PositiveSSL,CN=pantz.org");
	expect_obs(2, HK_OBS_SOFTWARE, HK_SIDE_SRC, 50, "tls.cert.issuer",
		   "C=GB,ST=Greater Manchester,L=Salford,O=COMODO CA Limited,"
		   "CN=COMODO ECC Domain Validation Secure Server CA");
	expect_obs(3, HK_OBS_HOSTNAME, HK_SIDE_SRC, 40, "tls.cert.cn", "pantz.org");
	expect_obs(4, HK_OBS_SOFTWARE, HK_SIDE_SRC, 50, "tls.cert.san", "pantz.org");
	expect_obs(5, HK_OBS_SOFTWARE, HK_SIDE_SRC, 50, "tls.cert.san", "www.pantz.org");
}

START_TEST(test_server_flight_real)
{
	ck_assert_int_eq(run(sf_ecdsa, sizeof(sf_ecdsa)), HK_PARSE_OK);
	check_sf_ecdsa();
	/* the ServerHello and Certificate records alone say the same */
	ck_assert_int_eq(run(sf_ecdsa, 2000), HK_PARSE_OK);
	check_sf_ecdsa();
}
END_TEST

/* Every prefix, each in an exactly-sized buffer: nothing is said before the
 * message we need is complete (a banner window is re-read from its start, so
 * an early word would be said twice). */
START_TEST(test_prefixes)
{
	pc_every_prefix(proto_tls_parse, ch_ecdsa, sizeof(ch_ecdsa), &tls_ctx, PC_TRUNCATED, false, "ClientHello");
	ck_assert_uint_le(SF_ECDSA_LEAF_END, sizeof(sf_ecdsa));
	pc_every_prefix(proto_tls_parse, sf_ecdsa, SF_ECDSA_LEAF_END, &tls_ctx, PC_TRUNCATED, false, "server flight");
	for (size_t n = SF_ECDSA_LEAF_END; n < sizeof(sf_ecdsa); n++) {
		ck_assert_int_eq(run(sf_ecdsa, n), HK_PARSE_OK);
		check_sf_ecdsa();
	}
}
END_TEST

/* The same handshake bytes framed into records of every size give the same
 * answer; TLS_RECORDS_MAX (256) records are joined, the 257th is not. */
START_TEST(test_record_sizes)
{
	static struct buf hs, r;
	static const size_t sizes[] = {1, 2, 3, 4, 5, 7, 64, 100, 299, 303, 1000, 16384};

	unrecord(&hs, ch_ecdsa, sizeof(ch_ecdsa));
	ck_assert_uint_eq(hs.n, 303);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		records(&r, hs.b, hs.n, sizes[i]);
		if (sizes[i] == 1) {
			/* 303 records: joining stops at 256, the hello is cut */
			ck_assert_int_eq(run(r.b, r.n), HK_PARSE_TRUNCATED);
			ck_assert_uint_eq(res.sink.n, 0);
			continue;
		}
		ck_assert_int_eq(run(r.b, r.n), HK_PARSE_OK);
		check_ch_ecdsa();
	}
	/* the server flight: 2205 handshake bytes; the leaf ends at byte 1058
	 * (ServerHello 66, Certificate header 4, list and leaf lengths 6, 982) */
	unrecord(&hs, sf_ecdsa, sizeof(sf_ecdsa));
	ck_assert_uint_eq(hs.n, 2225 - 4 * 5);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		enum hk_parse_result rc;

		records(&r, hs.b, hs.n, sizes[i]);
		rc = run(r.b, r.n);
		if (sizes[i] * 256 < 1058) {
			/* 256 records of 1 to 4 bytes hold the ServerHello but
			 * not the leaf: joining stops, and we say the JA3S */
			ck_assert_int_eq(rc, HK_PARSE_OK);
			ck_assert_uint_eq(res.sink.n, 1);
			expect_obs(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja3s", "6ce5b396167553eefc3fc5cbc4a16a02");
		} else {
			ck_assert_int_eq(rc, HK_PARSE_OK);
			check_sf_ecdsa();
		}
	}
}
END_TEST

/* ---- JA3 / JA4 against published values ----------------------------------- */

static const uint16_t v1_ciphers[] = {0xaaaa, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
				      0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
static const uint16_t v1_sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};

/*
 * FoxIO-LLC/ja4 technical_details/JA4.md's example, which is
 * ja4_browsers-x509.pcapng stream 0 (Chrome, GREASE in ciphers, extensions,
 * groups and versions): its lists, in its order, rebuilt here. FoxIO's
 * published JA4: t13d1516h2_8daaf6152771_e5627efa2ab1 (JA4.md and
 * rust/ja4/src/snapshots/ja4__insta@browsers-x509.pcapng.snap); tshark 4.0's
 * JA3 of that packet: 34fcb8e0ef812f18e760b52314a54fd0.
 */
static void build_v1(struct hello *h, const void *sni, size_t sni_len)
{
	static const uint16_t groups[] = {0x4a4a, 29, 23, 24};
	static const uint16_t versions[] = {0x3a3a, 0x0304, 0x0303};
	static const uint8_t pf[] = {1, 0};
	static const uint8_t one[] = {0};

	hello_start(h, 1, 0x0303, v1_ciphers, 16);
	hello_ext(h, 0x6a6a, NULL, 0);
	ext_list16(h, 0x000d, 2, v1_sigalgs, 8);
	ext_sni(h, sni, sni_len);
	ext_list16(h, 0x000a, 2, groups, 4);
	hello_ext(h, 0x0005, "\x01\x00\x00\x00\x00", 5);
	hello_ext(h, 0x000b, pf, 2);
	ext_list16(h, 0x002b, 1, versions, 3);
	hello_ext(h, 0x001b, "\x02\x00\x02", 3);
	hello_ext(h, 0xff01, one, 1);
	hello_ext(h, 0x0033, NULL, 0);
	hello_ext(h, 0x4469, "\x00\x03\x02h2", 6);
	hello_ext(h, 0x002d, "\x01\x01", 2);
	hello_ext(h, 0x0023, NULL, 0);
	hello_ext(h, 0x0017, NULL, 0);
	hello_ext(h, 0x0012, NULL, 0);
	ext_alpn(h, "\x02h2\x08http/1.1", 12);
	hello_ext(h, 0x0a0a, one, 1);
	hello_ext(h, 0x0015, NULL, 0);
	hello_end(h);
}

START_TEST(test_ja4_spec_example)
{
	static struct hello h;

	build_v1(&h, "edge.microsoft.com", 18);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	expect_obs(0, HK_OBS_HOSTNAME, HK_SIDE_DST, 50, "tls.sni", "edge.microsoft.com");
	expect_obs(1, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja3", "34fcb8e0ef812f18e760b52314a54fd0");
	expect_obs(2, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja3_full",
		   "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
		   "13-0-10-5-11-43-27-65281-51-17513-45-35-23-18-16-21,29-23-24,0");
	expect_obs(3, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja4", "t13d1516h2_8daaf6152771_e5627efa2ab1");
	expect_obs(4, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.alpn", "h2,http/1.1");
}
END_TEST

/*
 * Two more published vectors: FoxIO's snapshot of tls-alpn-h2.pcap (TLS 1.2,
 * 46 suites, signature algorithms with the reserved 0xefef/0xeeee/0xeded,
 * which are not GREASE) t12d4605h2_85626a9a5f7f_aaf95bb78ec9, and
 * latest.pcapng's TLS 1.2 stream without ALPN
 * t12d190800_d83cc789557e_7af1ed941c26 (lists as extracted in
 * ja4-nginx-module's e2e vectors, values from FoxIO's test data).
 */
START_TEST(test_ja4_published)
{
	static const uint16_t c2[] = {
		0xc030, 0xc02c, 0xc028, 0xc024, 0xc014, 0xc00a, 0x009f, 0x006b, 0x0039, 0xcca9, 0xcca8, 0xccaa,
		0xff85, 0x00c4, 0x0088, 0x0081, 0x009d, 0x003d, 0x0035, 0x00c0, 0x0084, 0xc02f, 0xc02b, 0xc027,
		0xc023, 0xc013, 0xc009, 0x009e, 0x0067, 0x0033, 0x00be, 0x0045, 0x009c, 0x003c, 0x002f, 0x00ba,
		0x0041, 0xc011, 0xc007, 0x0005, 0x0004, 0xc012, 0xc008, 0x0016, 0x000a, 0x00ff};
	static const uint16_t s2[] = {0x0601, 0x0603, 0xefef, 0x0501, 0x0503, 0x0401, 0x0403,
				      0xeeee, 0xeded, 0x0301, 0x0303, 0x0201, 0x0203};
	static const uint16_t c3[] = {0xc02c, 0xc02b, 0xc030, 0xc02f, 0xc024, 0xc023, 0xc028,
				      0xc027, 0xc00a, 0xc009, 0xc014, 0xc013, 0x009d, 0x009c,
				      0x003d, 0x003c, 0x0035, 0x002f, 0x000a};
	static const uint16_t s3[] = {0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0201,
				      0x0403, 0x0503, 0x0203, 0x0202, 0x0601, 0x0603};
	static const uint16_t groups[] = {29, 23, 24};
	static struct hello h;

	hello_start(&h, 1, 0x0303, c2, 46);
	ext_sni(&h, "www.cloudflare.com", 18);
	hello_ext(&h, 0x000b, "\x01\x00", 2);
	ext_list16(&h, 0x000a, 2, groups, 3);
	ext_list16(&h, 0x000d, 2, s2, 13);
	ext_alpn(&h, "\x02h2\x08http/1.1", 12);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	ck_assert_str_eq(find_value("tls.ja4"), "t12d4605h2_85626a9a5f7f_aaf95bb78ec9");

	hello_start(&h, 1, 0x0303, c3, 19);
	ext_sni(&h, "example.org", 11);
	hello_ext(&h, 0x0005, "\x01\x00\x00\x00\x00", 5);
	ext_list16(&h, 0x000a, 2, groups, 3);
	hello_ext(&h, 0x000b, "\x01\x00", 2);
	ext_list16(&h, 0x000d, 2, s3, 12);
	hello_ext(&h, 0x0023, NULL, 0);
	hello_ext(&h, 0x0017, NULL, 0);
	hello_ext(&h, 0xff01, "\x00", 1);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	ck_assert_str_eq(find_value("tls.ja4"), "t12d190800_d83cc789557e_7af1ed941c26");
	/* reference: md5 of the JA3 string below (Python hashlib) */
	ck_assert_str_eq(find_value("tls.ja3_full"),
			 "771,49196-49195-49200-49199-49188-49187-49192-49191-49162-49161-49172-49171-157-156-61-60-53-47-10,"
			 "0-5-10-11-13-35-23-65281,29-23-24,0");
	ck_assert_str_eq(find_value("tls.ja3"), "a0e9f5d64349fb13191bc781f81f42e1");
	ck_assert_ptr_null(find_value("tls.alpn"));
}
END_TEST

/* JA4.md "ALPN Extension Value": the first and last characters, or (when
 * either is not alphanumeric) the first and last hex digits; "00" without. */
START_TEST(test_ja4_alpn)
{
	static const struct {
		const char *entries;
		size_t n;
		const char *want;
	} cases[] = {
		{"\x08http/1.1", 9, "h1"},
		{"\x01x", 2, "xx"},                 /* one character is both */
		{"\x02\x30\xab", 3, "3b"},          /* JA4.md: 0x30 0xAB -> "3b" */
		{"\x02\xab\xcd", 3, "ad"},          /* JA4.md: 0xAB 0xCD -> "ad" */
		{"\x04\x30\xab\xcd\x31", 5, "01"},  /* JA4.md: 0x30 0xAB 0xCD 0x31 -> "01" */
		{"\x00\x02h2", 4, "00"},            /* an empty first value */
	};
	static struct hello h;
	static const uint16_t cs[] = {0x1301};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[64];

		hello_start(&h, 1, 0x0303, cs, 1);
		ext_alpn(&h, cases[i].entries, cases[i].n);
		hello_end(&h);
		ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
		snprintf(want, sizeof(want), "t12i0101%s_", cases[i].want);
		ck_assert_msg(strncmp(find_value("tls.ja4"), want, strlen(want)) == 0, "%s: %s", want,
			      find_value("tls.ja4"));
	}
	/* the ALPN observation escapes what is not printable */
	ck_assert_str_eq(find_value("tls.alpn"), ",h2");
	hello_start(&h, 1, 0x0303, cs, 1);
	ext_alpn(&h, "\x02\x30\xab", 3);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	ck_assert_str_eq(find_value("tls.alpn"), "0\\xab");
}
END_TEST

/* No extensions at all (an SSL 3.0-style hello): empty JA3 fields, JA4
 * "000000000000" for an empty extension list. */
START_TEST(test_no_extensions)
{
	static const uint16_t cs[] = {0x0035, 0x002f, 0x000a};
	static struct hello h;

	hello_start(&h, 1, 0x0300, cs, 3);
	h.m.n = h.ext_at; /* no extensions block at all */
	b_fill(&h.m, h.msg_at, 3);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	/* reference: md5("768,53-47-10,,,"), sha256("000a,002f,0035") */
	expect_obs(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja3", "2cdfdf861b95f87dc0824960b14394e5");
	expect_obs(1, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja3_full", "768,53-47-10,,,");
	expect_obs(2, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja4", "ts3i030000_5704bdfc91c6_000000000000");
}
END_TEST

/* ---- list counts ---------------------------------------------------------- */

/* 0, TLS_CIPHERS_MAX (256) and 257 cipher suites; GREASE does not count. */
START_TEST(test_cipher_counts)
{
	static uint16_t cs[257 + 1];
	static struct hello h;

	/* none (only GREASE): JA4 b is all zeros, the count 00 */
	cs[0] = 0x0a0a;
	hello_start(&h, 1, 0x0303, cs, 1);
	ext_sni(&h, "a.example", 9);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	ck_assert_str_eq(find_value("tls.ja3_full"), "771,,0,,");
	ck_assert_str_eq(find_value("tls.ja4"), "t12d000100_000000000000_000000000000");

	for (size_t i = 0; i < 257; i++)
		cs[i] = (uint16_t)(0x0100 + i);
	hello_start(&h, 1, 0x0303, cs, 256);
	ext_sni(&h, "a.example", 9);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	ck_assert_uint_eq(pc_count(&res, "tls.ja3"), 1);
	ck_assert_ptr_null(find_value("tls.ja3_full")); /* 1500 bytes: too long to keep */
	ck_assert_str_eq(find_value("tls.sni"), "a.example");
	/* more than 99: the count says 99 */
	ck_assert_int_eq(strncmp(find_value("tls.ja4"), "t12d9901", 8), 0);

	hello_start(&h, 1, 0x0303, cs, 257);
	ext_sni(&h, "a.example", 9);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	/* beyond what we keep: no fingerprint rather than a wrong one */
	ck_assert_uint_eq(res.sink.n, 1);
	expect_obs(0, HK_OBS_HOSTNAME, HK_SIDE_DST, 50, "tls.sni", "a.example");
}
END_TEST

/* TLS_EXTS_MAX (64) and 65 extensions. */
START_TEST(test_extension_counts)
{
	static const uint16_t cs[] = {0x1301};
	static struct hello h;

	for (int n = 64; n <= 65; n++) {
		hello_start(&h, 1, 0x0303, cs, 1);
		for (int i = 0; i < n; i++)
			hello_ext(&h, (uint16_t)(0x1000 + i), NULL, 0);
		hello_end(&h);
		ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
		if (n == 64) {
			ck_assert_uint_eq(res.sink.n, 2);
			ck_assert_int_eq(strncmp(find_value("tls.ja4"), "t12i0164", 8), 0);
		} else {
			ck_assert_uint_eq(res.sink.n, 0);
		}
	}
}
END_TEST

/* ---- strings -------------------------------------------------------------- */

START_TEST(test_sni_strings)
{
	static struct hello h;

	/* NUL and non-ASCII bytes are escaped, never cut the name short */
	build_v1(&h, "a\0b\xc3\xa9.example", 13);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	ck_assert_str_eq(find_value("tls.sni"), "a\\x00b\\xc3\\xa9.example");
	ck_assert_str_eq(find_value("tls.ja4"), "t13d1516h2_8daaf6152771_e5627efa2ab1");

	/* an IP literal (RFC 6066 forbids it; devices send it) names nothing,
	 * but the extension is there: JA4 says 'd' */
	build_v1(&h, "192.168.1.70", 12);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	ck_assert_ptr_null(find_value("tls.sni"));
	ck_assert_str_eq(find_value("tls.ja4"), "t13d1516h2_8daaf6152771_e5627efa2ab1");

	/* a 500-byte name is cut to fit an observation */
	{
		char name[500];

		memset(name, 'a', sizeof(name));
		build_v1(&h, name, sizeof(name));
		ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
		ck_assert_uint_eq(strlen(find_value("tls.sni")), HK_OBS_VALUE_MAX - 1);
	}
}
END_TEST

/* ---- the server side ------------------------------------------------------ */

static void server_hello(struct hello *h, uint16_t cipher, int tls13)
{
	uint16_t cs[] = {cipher};

	hello_start(h, 2, 0x0303, cs, 1);
	if (tls13) {
		hello_ext(h, 0x002b, "\x03\x04", 2);
		hello_ext(h, 0x0033, "\x00\x1d\x00\x00", 4);
	} else {
		hello_ext(h, 0xff01, "\x00", 1);
	}
	hello_end(h);
}

/* TLS 1.3: everything after the ServerHello is encrypted; JA3S alone. */
START_TEST(test_tls13_server)
{
	static struct hello h;
	static struct buf r;
	static const uint8_t ccs_app[] = {20, 3, 3, 0, 1, 1, 23, 3, 3, 0, 4, 0xde, 0xad, 0xbe, 0xef};

	server_hello(&h, 0x1301, 1);
	records(&r, h.m.b, h.m.n, 16384);
	b_bytes(&r, ccs_app, sizeof(ccs_app));
	ck_assert_int_eq(run(r.b, r.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	/* reference: md5("771,4865,43-51") */
	expect_obs(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja3s", "f4febc55ea12b31ae17cfb7e614afda8");
	/* the ServerHello alone is enough */
	ck_assert_int_eq(run(r.b, r.n - sizeof(ccs_app)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
}
END_TEST

/* TLS 1.2 without a Certificate: a resumed session (ChangeCipherSpec next)
 * says its JA3S; while the next message may still come, we wait. */
START_TEST(test_resumed_session)
{
	static struct hello h;
	static struct buf r;
	static const uint8_t ccs[] = {20, 3, 3, 0, 1, 1};

	server_hello(&h, 0xc02f, 0);
	records(&r, h.m.b, h.m.n, 16384);
	ck_assert_int_eq(run(r.b, r.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	b_bytes(&r, ccs, sizeof(ccs));
	ck_assert_int_eq(run(r.b, r.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	/* reference: md5("771,49199,65281") */
	expect_obs(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja3s", "fbe78c619e7ea20046131294ad087f05");
	/* a partial next handshake header, then another record type: broken */
	r.n -= sizeof(ccs);
	r.b[3] = (uint8_t)((h.m.n + 2) >> 8);
	r.b[4] = (uint8_t)(h.m.n + 2);
	b_u16(&r, 0x0b00);
	b_bytes(&r, ccs, sizeof(ccs));
	ck_assert_int_eq(run(r.b, r.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* The window is full (HK_STREAM_WINDOW_MAX) before the leaf certificate
 * ends: say what we have (JA3S) and stop; one byte less and we wait. */
START_TEST(test_window_full)
{
	static struct hello h;
	static struct buf hs, r;
	size_t cert_len = 9000;

	server_hello(&h, 0xc02f, 0);
	hs.n = 0;
	b_bytes(&hs, h.m.b, h.m.n);
	b_u8(&hs, 11);
	b_u24(&hs, (unsigned)(cert_len + 6));
	b_u24(&hs, (unsigned)(cert_len + 3));
	b_u24(&hs, (unsigned)cert_len);
	b_u8(&hs, 0x30);
	b_u8(&hs, 0x82);
	b_u16(&hs, (unsigned)(cert_len - 4));
	while (hs.n < h.m.n + 10 + cert_len)
		b_u8(&hs, 0x00);
	records(&r, hs.b, hs.n, 16384);
	ck_assert_uint_gt(r.n, HK_STREAM_WINDOW_MAX);
	ck_assert_int_eq(run(r.b, HK_STREAM_WINDOW_MAX - 1), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run(r.b, HK_STREAM_WINDOW_MAX), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_str_eq(res.obs[0].source, "tls.ja3s");
}
END_TEST

/* ---- lying lengths and other broken bytes --------------------------------- */

static void expect_malformed(const struct buf *r)
{
	ck_assert_int_eq(run(r->b, r->n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}

START_TEST(test_lying_lengths_client)
{
	static struct buf hs, r;

	unrecord(&hs, ch_ecdsa, sizeof(ch_ecdsa));

	/* a record longer than 2^14 + 2048 */
	records(&r, hs.b, hs.n, 16384);
	r.b[3] = 0x48;
	r.b[4] = 0x01;
	expect_malformed(&r);
	/* a zero-length handshake record */
	r.n = 0;
	b_bytes(&r, "\x16\x03\x03\x00\x00", 5);
	expect_malformed(&r);
	/* a second record of version 2.x */
	records(&r, hs.b, hs.n, 100);
	r.b[105 + 1] = 2;
	expect_malformed(&r);
	/* the handshake message is longer than its records, and a
	 * ChangeCipherSpec interrupts it */
	records(&r, hs.b, hs.n, 16384);
	r.b[7] = (uint8_t)(r.b[7] + 1);
	b_bytes(&r, "\x14\x03\x03\x00\x01\x01", 6);
	expect_malformed(&r);
	/* cipher_suites length odd (148 -> 147) */
	records(&r, hs.b, hs.n, 16384);
	ck_assert_uint_eq(r.b[5 + 4 + 35], 0x00);
	ck_assert_uint_eq(r.b[5 + 4 + 36], 0x94);
	r.b[5 + 4 + 36] = 0x93;
	expect_malformed(&r);
	/* cipher_suites length past the message */
	r.b[5 + 4 + 35] = 0x02;
	expect_malformed(&r);
	/* the extensions block length past the message (109 -> 110) */
	records(&r, hs.b, hs.n, 16384);
	ck_assert_uint_eq(r.b[5 + 4 + 37 + 148 + 3 + 1], 0x6d);
	r.b[5 + 4 + 37 + 148 + 3 + 1] = 0x6e;
	expect_malformed(&r);
	/* ... and short of it (109 -> 108: a byte left over) */
	r.b[5 + 4 + 37 + 148 + 3 + 1] = 0x6c;
	expect_malformed(&r);
	/* the first extension (ec_point_formats, 4) claims 200 bytes */
	records(&r, hs.b, hs.n, 16384);
	ck_assert_uint_eq(r.b[5 + 4 + 37 + 148 + 3 + 2 + 3], 0x04);
	r.b[5 + 4 + 37 + 148 + 3 + 2 + 3] = 200;
	expect_malformed(&r);
	/* ec_point_formats' inner length (3) past its extension */
	records(&r, hs.b, hs.n, 16384);
	r.b[5 + 4 + 37 + 148 + 3 + 2 + 4] = 4;
	expect_malformed(&r);
	/* supported_groups' inner length (50) odd */
	records(&r, hs.b, hs.n, 16384);
	ck_assert_uint_eq(r.b[5 + 4 + 37 + 148 + 3 + 2 + 8 + 5], 0x32);
	r.b[5 + 4 + 37 + 148 + 3 + 2 + 8 + 5] = 0x31;
	expect_malformed(&r);
	/* a client_version that is not 3.x */
	records(&r, hs.b, hs.n, 16384);
	r.b[9] = 2;
	expect_malformed(&r);
}
END_TEST

START_TEST(test_lying_lengths_sni_alpn)
{
	static struct hello h;
	static const uint16_t cs[] = {0x1301};

	/* server_name list length past its extension */
	hello_start(&h, 1, 0x0303, cs, 1);
	hello_ext(&h, 0x0000, "\x00\x09\x00\x00\x05" "ab.cd", 10);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a name length past the list */
	hello_start(&h, 1, 0x0303, cs, 1);
	hello_ext(&h, 0x0000, "\x00\x08\x00\x00\x06" "ab.cd", 10);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_MALFORMED);
	/* an ALPN entry past the list */
	hello_start(&h, 1, 0x0303, cs, 1);
	hello_ext(&h, 0x0010, "\x00\x03\x05h2x", 6);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_MALFORMED);
	/* supported_versions odd */
	hello_start(&h, 1, 0x0303, cs, 1);
	hello_ext(&h, 0x002b, "\x03\x03\x04\x03", 4);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_MALFORMED);
	/* a session id of 33 bytes (SessionID<0..32>), in a hello whose
	 * lengths agree otherwise */
	{
		static struct buf m;
		static const uint8_t sid[33];

		hello_start(&h, 1, 0x0303, cs, 1);
		hello_end(&h);
		m.n = 0;
		b_bytes(&m, h.m.b, 4 + 2 + 32);
		b_u8(&m, sizeof(sid));
		b_bytes(&m, sid, sizeof(sid));
		b_bytes(&m, h.m.b + 4 + 2 + 32 + 1, h.m.n - (4 + 2 + 32 + 1));
		m.b[3] = (uint8_t)(m.b[3] + sizeof(sid));
		memcpy(h.m.b, m.b, m.n);
		h.m.n = m.n;
		ck_assert_int_eq(run_hello(&h), HK_PARSE_MALFORMED);
		/* 32 is fine */
		h.m.b[4 + 2 + 32] = 32;
		h.m.b[3] = (uint8_t)(h.m.b[3] - 1);
		h.m.n--;
		memmove(h.m.b + 4 + 2 + 32 + 1 + 32, h.m.b + 4 + 2 + 32 + 1 + 33, h.m.n - (4 + 2 + 32 + 1 + 32));
		ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	}
	/* a server_name type other than host_name is skipped, not a name */
	hello_start(&h, 1, 0x0303, cs, 1);
	hello_ext(&h, 0x0000, "\x00\x0f\x07\x00\x04" "abcd" "\x00\x00\x05" "ab.cd", 17);
	hello_end(&h);
	ck_assert_int_eq(run_hello(&h), HK_PARSE_OK);
	ck_assert_str_eq(find_value("tls.sni"), "ab.cd");
}
END_TEST

START_TEST(test_lying_lengths_server)
{
	static struct buf r;
	/* offsets in sf_ecdsa: the Certificate message header at 76, its
	 * list length at 80, the leaf's length at 83, the leaf at 86 */
	memcpy(r.b, sf_ecdsa, sizeof(sf_ecdsa));
	r.n = sizeof(sf_ecdsa);
	ck_assert_uint_eq(r.b[76], 11);

	/* certificate_list length is not the message body */
	r.b[82] = (uint8_t)(r.b[82] - 1);
	expect_malformed(&r);
	memcpy(r.b, sf_ecdsa, sizeof(sf_ecdsa));
	/* the leaf longer than the list */
	r.b[84] = 0x07;
	r.b[85] = 0x80;
	expect_malformed(&r);
	memcpy(r.b, sf_ecdsa, sizeof(sf_ecdsa));
	/* a Certificate message shorter than its list length field */
	r.b[77] = 0;
	r.b[78] = 0;
	r.b[79] = 2;
	expect_malformed(&r);
	memcpy(r.b, sf_ecdsa, sizeof(sf_ecdsa));
	/* the ServerHello's extensions length (at 47: after version,
	 * random, an empty session id, suite and compression) past the message */
	ck_assert_uint_eq(r.b[48], 0x16);
	r.b[48] = 0x17;
	expect_malformed(&r);
	memcpy(r.b, sf_ecdsa, sizeof(sf_ecdsa));
	/* a broken leaf (its outer SEQUENCE length runs past it): the
	 * ServerHello is still said, the certificate not */
	ck_assert_uint_eq(r.b[86], 0x30);
	r.b[88] = 0x04;
	ck_assert_int_eq(run(r.b, r.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 1);
	expect_obs(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "tls.ja3s", "6ce5b396167553eefc3fc5cbc4a16a02");
	/* an empty certificate list: only the JA3S */
	memcpy(r.b, sf_ecdsa, 71);
	r.n = 71;
	b_bytes(&r, "\x16\x03\x03\x00\x07\x0b\x00\x00\x03\x00\x00\x00", 12);
	ck_assert_int_eq(run(r.b, r.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
}
END_TEST

/* ---- not TLS, or not the start of it -------------------------------------- */

START_TEST(test_not_tls)
{
	static const struct {
		const char *bytes;
		size_t n;
		enum hk_parse_result want;
	} cases[] = {
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27, HK_PARSE_NOMATCH},
		{"SSH-2.0-OpenSSH_9.2\r\n", 21, HK_PARSE_NOMATCH},
		/* an SSLv2-framed ClientHello */
		{"\x80\x2e\x01\x03\x01\x00\x15\x00\x00\x00\x10", 11, HK_PARSE_NOMATCH},
		{"\x16\x02\x00\x00\x10", 5, HK_PARSE_NOMATCH},   /* version 2.0 */
		{"\x16\x03\x05\x00\x10", 5, HK_PARSE_NOMATCH},   /* version 3.5 */
		{"\x18\x03\x03\x00\x10", 5, HK_PARSE_NOMATCH},   /* content type 24 first */
		{"", 0, HK_PARSE_TRUNCATED},
		{"\x16", 1, HK_PARSE_TRUNCATED},
		{"\x16\x03", 2, HK_PARSE_TRUNCATED},
		{"\x16\x03\x03\x00", 4, HK_PARSE_TRUNCATED},
		{"\x47", 1, HK_PARSE_NOMATCH},
		/* joined late: application data, an alert, an encrypted
		 * handshake message (an unknown type) */
		{"\x17\x03\x03\x00\x04\xde\xad\xbe\xef", 9, HK_PARSE_OK},
		{"\x15\x03\x03\x00\x02\x02\x28", 7, HK_PARSE_OK},
		{"\x16\x03\x03\x00\x08\x9f\x00\x00\x04\x01\x02\x03\x04", 13, HK_PARSE_OK},
		{"\x17\x03\x03", 3, HK_PARSE_TRUNCATED},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(run((const uint8_t *)cases[i].bytes, cases[i].n) == cases[i].want, "case %zu", i);
		ck_assert_uint_eq(res.sink.n, 0);
	}
}
END_TEST

/* ---- against tshark and FoxIO on the shared captures ---------------------- */

/* The TCP payload bytes of the frames matching filter, concatenated (hex
 * from tshark); 0 when tshark or the capture is not at hand. */
static size_t tshark_payload(const char *pcap, const char *filter, uint8_t *out, size_t cap)
{
	static char hex[1 << 20];
	char args[1024];

	snprintf(args, sizeof(args), "-Y '%s' -T fields -e tcp.payload", filter);
	if (!pc_tshark(pcap, args, hex, sizeof(hex)))
		return 0;
	ck_assert_uint_lt(strlen(hex), sizeof(hex) - 1);
	return pc_unhex(hex, out, cap);
}

static bool tshark_field(const char *pcap, const char *filter, const char *field, char *out, size_t outsz)
{
	char args[1024];

	snprintf(args, sizeof(args), "-Y '%s' -T fields -e %s", filter, field);
	return pc_tshark(pcap, args, out, outsz) && out[0];
}

START_TEST(test_against_tshark)
{
	static uint8_t b[HK_STREAM_WINDOW_MAX];
	char want[1024];
	size_t n;

	/* ja4_tls12.pcap frame 1 (FoxIO-LLC/ja4 pcap/tls12.pcap): Firefox.
	 * FoxIO's published JA4 for it: t13d1715h2_5b57614c22b0_3d5424432f57 */
	n = tshark_payload("ja4_tls12.pcap", "frame.number==1", b, sizeof(b));
	if (n == 0) {
		fprintf(stderr, "test_against_tshark: skipped (no tshark or HERKOMST_SHARED_DIR)\n");
		return;
	}
	ck_assert_int_eq(run(b, n), HK_PARSE_OK);
	ck_assert_str_eq(find_value("tls.ja4"), "t13d1715h2_5b57614c22b0_3d5424432f57");
	ck_assert(tshark_field("ja4_tls12.pcap", "frame.number==1", "tls.handshake.ja3", want, sizeof(want)));
	ck_assert_str_eq(find_value("tls.ja3"), want);
	ck_assert(tshark_field("ja4_tls12.pcap", "frame.number==1", "tls.handshake.ja3_full", want, sizeof(want)));
	ck_assert_str_eq(find_value("tls.ja3_full"), want);
	ck_assert(tshark_field("ja4_tls12.pcap", "frame.number==1", "tls.handshake.extensions_server_name", want,
			       sizeof(want)));
	ck_assert_str_eq(find_value("tls.sni"), want);

	/* ndpi_sonos.pcapng: a Sonos speaker's device certificate on port
	 * 1443 (frames 6, 8, 10: ServerHello, then the Certificate in two
	 * segments) */
	n = tshark_payload("ndpi_sonos.pcapng", "tcp.srcport==1443 && frame.number<=10", b, sizeof(b));
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(run(b, n), HK_PARSE_OK);
	ck_assert(tshark_field("ndpi_sonos.pcapng", "frame.number==6", "tls.handshake.ja3s", want, sizeof(want)));
	ck_assert_str_eq(find_value("tls.ja3s"), want);
	ck_assert_str_eq(find_value("tls.cert.subject"),
			 "CN=347E5CFFA26E,DC=prod,OU=Sonos Devices,O=Sonos\\, Inc,L=Santa Barbara,ST=California,C=US");
	ck_assert_str_eq(find_value("tls.cert.issuer"), "C=US,ST=California,L=Santa Barbara,O=Sonos\\, Inc,"
							"OU=Sonos Devices,CN=Sonos Device Authentication Root CA");
	ck_assert(tshark_field("ndpi_sonos.pcapng", "frame.number==10", "x509ce.dNSName", want, sizeof(want)));
	ck_assert_str_eq(want, "sonos-347E5CFFA26E.local,sonos-347E5CFFA26E.smartspeaker.audio");
	ck_assert_uint_eq(pc_count(&res, "tls.cert.san"), 2);
	ck_assert_str_eq(res.obs[res.sink.n - 2].value, "sonos-347E5CFFA26E.local");
	ck_assert_str_eq(res.obs[res.sink.n - 1].value, "sonos-347E5CFFA26E.smartspeaker.audio");
}
END_TEST

static Suite *tls_suite(void)
{
	Suite *s = suite_create("proto_tls");
	TCase *tc = tcase_create("tls");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_client_hello_real);
	tcase_add_test(tc, test_server_flight_real);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_record_sizes);
	tcase_add_test(tc, test_ja4_spec_example);
	tcase_add_test(tc, test_ja4_published);
	tcase_add_test(tc, test_ja4_alpn);
	tcase_add_test(tc, test_no_extensions);
	tcase_add_test(tc, test_cipher_counts);
	tcase_add_test(tc, test_extension_counts);
	tcase_add_test(tc, test_sni_strings);
	tcase_add_test(tc, test_tls13_server);
	tcase_add_test(tc, test_resumed_session);
	tcase_add_test(tc, test_window_full);
	tcase_add_test(tc, test_lying_lengths_client);
	tcase_add_test(tc, test_lying_lengths_sni_alpn);
	tcase_add_test(tc, test_lying_lengths_server);
	tcase_add_test(tc, test_not_tls);
	tcase_add_test(tc, test_against_tshark);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(tls_suite());
}
