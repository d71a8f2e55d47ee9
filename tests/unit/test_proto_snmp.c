/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SNMP v1/v2c parser (src/proto/snmp.c).
 *
 * Real PDUs are UDP payloads from the shared captures (file and frame named
 * at each; ndpi_snmp.pcap is ntop/nDPI tests/cfgs/default/pcap/snmp.pcap,
 * LGPL-3.0; zeek_* zeek/zeek, BSD-3-Clause); the identity-rich GetResponse is built from RFC 3416 / RFC 3418 /
 * RFC 6933 and was checked with tshark (text2pcap -u 161,40000, then
 * tshark -V: 12 bindings, the values below). Every input sits in an
 * exactly-sized heap buffer so AddressSanitizer sees a one-byte over-read.
 *
 * The last test runs tshark over ndpi_snmp.pcap (when both are present) and
 * checks that the parser reads every sysName/sysLocation answer the way
 * tshark does.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "proto_check.h"

#define TEST_BUF_MAX 16384
#define TEST_VARBINDS_MAX 512 /* SNMP_VARBINDS_MAX in snmp.c */
#define TEST_OID_ARCS_MAX 128 /* SNMP_OID_ARCS_MAX in snmp.c */

/* as an agent's answer: from port 161 */
static const struct hk_parse_ctx agent_ctx = {.l4 = 17, .sport = 161, .dport = 40000, .ndpi = ""};

/* Parses a copy of data in an exactly-sized heap buffer. */
static void run_ports(struct pc_result *rn, const uint8_t *data, size_t len, uint16_t sport, uint16_t dport)
{
	struct hk_parse_ctx ctx = {.l4 = 17, .sport = sport, .dport = dport, .ndpi = ""};

	pc_run(proto_snmp_parse, data, len, &ctx, rn);
}

static void run(struct pc_result *rn, const uint8_t *data, size_t len)
{
	pc_run(proto_snmp_parse, data, len, &agent_ctx, rn);
}

#define assert_obs(rn, i, kind, conf, source, value) PC_EXPECT(rn, i, kind, HK_SIDE_SRC, conf, source, value)

/* ndpi_snmp.pcap frame 4 (97.0.115.163:161 → 176.211.60.43:43015).
 * tshark: get-response 1.3.6.1.2.1.1.5.0 = "R1.lab.local" */
static const uint8_t v1_sysname[] = {
	0x30, 0x35,                                     /* Message SEQUENCE, 53 bytes */
	0x02, 0x01, 0x00,                               /* version 0: SNMPv1 */
	0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',       /* community "public": never emitted */
	0xa2, 0x28,                                     /* GetResponse-PDU, 40 bytes */
	0x02, 0x04, 0x4b, 0x78, 0x1a, 0x6f,             /* request-id */
	0x02, 0x01, 0x00,                               /* error-status noError */
	0x02, 0x01, 0x00,                               /* error-index 0 */
	0x30, 0x1a,                                     /* variable-bindings, 26 bytes */
	0x30, 0x18,                                     /* VarBind, 24 bytes */
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, /* 1.3.6.1.2.1.1.5.0 sysName.0 */
	0x04, 0x0c, 'R', '1', '.', 'l', 'a', 'b', '.', 'l', 'o', 'c', 'a', 'l',
};

/* ndpi_snmp.pcap frame 2: the same agent, sysLocation.0 = "GlobomanticsHQ" */
static const uint8_t v1_syslocation[] = {
	0x30, 0x37, 0x02, 0x01, 0x00, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
	0xa2, 0x2a, 0x02, 0x04, 0x4b, 0x78, 0x1a, 0x6e, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
	0x30, 0x1c, 0x30, 0x1a,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x06, 0x00, /* sysLocation.0 */
	0x04, 0x0e, 'G', 'l', 'o', 'b', 'o', 'm', 'a', 'n', 't', 'i', 'c', 's', 'H', 'Q',
};

/* ndpi_snmp.pcap frame 12: sysContact.0 = "nick@globomantics.com" (a person: never emitted) */
static const uint8_t v1_syscontact[] = {
	0x30, 0x3e, 0x02, 0x01, 0x00, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
	0xa2, 0x31, 0x02, 0x04, 0x09, 0x50, 0x09, 0x5a, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
	0x30, 0x23, 0x30, 0x21,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x04, 0x00, /* sysContact.0 */
	0x04, 0x15, 'n', 'i', 'c', 'k', '@', 'g', 'l', 'o', 'b', 'o', 'm', 'a', 'n', 't', 'i', 'c',
	's', '.', 'c', 'o', 'm',
};

/* ndpi_snmp.pcap frame 3: the manager's GetRequest for sysName.0 */
static const uint8_t v1_get[] = {
	0x30, 0x29, 0x02, 0x01, 0x00, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
	0xa0, 0x1c,                                     /* GetRequest-PDU */
	0x02, 0x04, 0x4b, 0x78, 0x1a, 0x6f, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
	0x30, 0x0e, 0x30, 0x0c,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, /* sysName.0 */
	0x05, 0x00,                                     /* NULL */
};

/* ndpi_snmp.pcap frame 67: v2c GetResponse, error-status tooBig, no bindings */
static const uint8_t v2c_toobig[] = {
	0x30, 0x1b, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
	0xa2, 0x0e, 0x02, 0x04, 0x26, 0x12, 0x7d, 0xbf,
	0x02, 0x01, 0x01,                               /* error-status 1 tooBig */
	0x02, 0x01, 0x00,
	0x30, 0x00,                                     /* variable-bindings: none */
};

/* ndpi_snmp.pcap frame 54 (→ port 162). tshark: snmpV2-trap, snmpTrapOID.0 =
 * 1.3.6.1.6.3.1.1.5.4 (linkUp), ifDescr.2 = "Ethernet0/1" */
static const uint8_t v2c_trap[] = {
	0x30, 0x81, 0x96,                               /* Message, 150 bytes (long form) */
	0x02, 0x01, 0x01,                               /* version 1: v2c */
	0x04, 0x08, 'p', 'u', 'b', 'l', 'i', 'c', '2', 'c',
	0xa7, 0x81, 0x86,                               /* SNMPv2-Trap-PDU, 134 bytes */
	0x02, 0x01, 0x1c, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
	0x30, 0x7b,                                     /* variable-bindings, 123 bytes */
	0x30, 0x0f, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, /* sysUpTime.0 */
	0x43, 0x03, 0x03, 0x4d, 0x80,                   /* TimeTicks */
	0x30, 0x17, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x04, 0x01, 0x00, /* snmpTrapOID.0 */
	0x06, 0x09, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x05, 0x04, /* 1.3.6.1.6.3.1.1.5.4 */
	0x30, 0x0f, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x02, /* ifIndex.2 */
	0x02, 0x01, 0x02,
	0x30, 0x19, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x02, 0x02, /* ifDescr.2 */
	0x04, 0x0b, 'E', 't', 'h', 'e', 'r', 'n', 'e', 't', '0', '/', '1',
	0x30, 0x0f, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x03, 0x02, /* ifType.2 */
	0x02, 0x01, 0x06,
	0x30, 0x12, 0x06, 0x0c, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x09, 0x02, 0x02, 0x01, 0x01, 0x14, 0x02,
	0x04, 0x02, 'u', 'p',                           /* cisco locIfReason.2 */
};

/* zeek_snmpv1_trap.pcap frame 1 (127.0.0.1:57150 → :162). tshark: trap,
 * enterprise 1.3.6.1.4.1.31337.0, agent-addr 127.0.0.1 */
static const uint8_t v1_trap[] = {
	0x30, 0x3b, 0x02, 0x01, 0x00, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
	0xa4, 0x2e,                                     /* Trap-PDU (v1), 46 bytes */
	0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xf4, 0x69, 0x00, /* enterprise 1.3.6.1.4.1.31337.0 */
	0x40, 0x04, 0x7f, 0x00, 0x00, 0x01,             /* agent-addr 127.0.0.1 */
	0x02, 0x01, 0x00,                               /* generic-trap coldStart */
	0x02, 0x01, 0x00,                               /* specific-trap 0 */
	0x43, 0x04, 0x00, 0x00, 0x00, 0x00,             /* time-stamp */
	0x30, 0x0f, 0x30, 0x0d,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x02, 0x01, 0x00, /* ifNumber.0 */
	0x02, 0x01, 0x21,                               /* 33 */
};

/* zeek_snmpv3_get_next.pcap frame 1: an SNMPv3 discovery GetRequest */
static const uint8_t v3_get[] = {
	0x30, 0x3d, 0x02, 0x01, 0x03,                   /* version 3 */
	0x30, 0x10,                                     /* msgGlobalData */
	0x02, 0x04, 0x20, 0x7b, 0x2f, 0x72, 0x02, 0x02, 0x40, 0x00, 0x04, 0x01, 0x04, 0x02, 0x01, 0x03,
	0x04, 0x10, 0x30, 0x0e, 0x04, 0x00, 0x02, 0x01, 0x2a, 0x02, 0x01, 0x2a, 0x04, 0x00, 0x04, 0x00,
	0x04, 0x00,                                     /* msgSecurityParameters */
	0x30, 0x14, 0x04, 0x00, 0x04, 0x00,             /* ScopedPDU, in clear here */
	0xa0, 0x0e, 0x02, 0x04, 0x20, 0x7b, 0x2f, 0x72, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
};

/*
 * Built from the RFCs (checked with tshark, see the top): a v2c GetResponse
 * from a switch answering for the system group and the first two entities.
 */
static const uint8_t v2c_identity[] = {
	0x30, 0x82, 0x01, 0x4f,                         /* Message, 335 bytes */
	0x02, 0x01, 0x01,                               /* v2c */
	0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
	0xa2, 0x82, 0x01, 0x40,                         /* GetResponse-PDU, 320 bytes */
	0x02, 0x02, 0x12, 0x34, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
	0x30, 0x82, 0x01, 0x32,                         /* variable-bindings, 306 bytes */
	/* sysDescr.0 = "Cisco IOS\r\nv15" */
	0x30, 0x1a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00,
	0x04, 0x0e, 'C', 'i', 's', 'c', 'o', ' ', 'I', 'O', 'S', 0x0d, 0x0a, 'v', '1', '5',
	/* sysObjectID.0 = 1.3.6.1.4.1.9.1.1208 (1208 = 0x89 0x38) */
	0x30, 0x15, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x02, 0x00,
	0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x09, 0x01, 0x89, 0x38,
	/* sysContact.0 = "ops@example.com": never emitted */
	0x30, 0x1b, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x04, 0x00,
	0x04, 0x0f, 'o', 'p', 's', '@', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm',
	/* sysName.0 = "sw-core-1" */
	0x30, 0x15, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00,
	0x04, 0x09, 's', 'w', '-', 'c', 'o', 'r', 'e', '-', '1',
	/* sysLocation.0 = "Hall 3" */
	0x30, 0x12, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x06, 0x00,
	0x04, 0x06, 'H', 'a', 'l', 'l', ' ', '3',
	/* entPhysicalSerialNum.1001 (1.3.6.1.2.1.47.1.1.1.1.11.1001; 1001 = 0x87 0x69) */
	0x30, 0x1c, 0x06, 0x0d, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x2f, 0x01, 0x01, 0x01, 0x01, 0x0b, 0x87, 0x69,
	0x04, 0x0b, 'F', 'O', 'C', '1', '2', '3', '4', 'X', '0', 'A', 'B',
	/* entPhysicalModelName.1001 */
	0x30, 0x1d, 0x06, 0x0d, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x2f, 0x01, 0x01, 0x01, 0x01, 0x0d, 0x87, 0x69,
	0x04, 0x0c, 'W', 'S', '-', 'C', '2', '9', '6', '0', 'X', '-', '4', '8',
	/* entPhysicalMfgName.1001 */
	0x30, 0x16, 0x06, 0x0d, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x2f, 0x01, 0x01, 0x01, 0x01, 0x0c, 0x87, 0x69,
	0x04, 0x05, 'C', 'i', 's', 'c', 'o',
	/* entPhysicalSoftwareRev.1001 */
	0x30, 0x19, 0x06, 0x0d, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x2f, 0x01, 0x01, 0x01, 0x01, 0x0a, 0x87, 0x69,
	0x04, 0x08, '1', '5', '.', '2', '(', '7', ')', 'E',
	/* entPhysicalFirmwareRev.1001 */
	0x30, 0x16, 0x06, 0x0d, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x2f, 0x01, 0x01, 0x01, 0x01, 0x09, 0x87, 0x69,
	0x04, 0x05, '1', '5', '.', '2', 'r',
	/* entPhysicalHardwareRev.1001 */
	0x30, 0x14, 0x06, 0x0d, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x2f, 0x01, 0x01, 0x01, 0x01, 0x08, 0x87, 0x69,
	0x04, 0x03, 'V', '0', '3',
	/* entPhysicalSerialNum.1002: a second entity, not this device's */
	0x30, 0x17, 0x06, 0x0d, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x2f, 0x01, 0x01, 0x01, 0x01, 0x0b, 0x87, 0x6a,
	0x04, 0x06, 'F', 'O', 'C', '9', '9', '9',
};

/* ---- a small BER writer for the tests that vary counts and fields ---- */

struct bld {
	uint8_t b[TEST_BUF_MAX];
	size_t n;
};

static void put(struct bld *d, const uint8_t *p, size_t n)
{
	ck_assert_uint_le(n, sizeof(d->b) - d->n);
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

static void put_tlv(struct bld *d, uint8_t tag, const uint8_t *p, size_t n)
{
	uint8_t h[4] = {tag};
	size_t hn;

	if (n < 0x80) {
		h[1] = (uint8_t)n;
		hn = 2;
	} else if (n < 0x100) {
		h[1] = 0x81;
		h[2] = (uint8_t)n;
		hn = 3;
	} else {
		ck_assert_uint_lt(n, 0x10000);
		h[1] = 0x82;
		h[2] = (uint8_t)(n >> 8);
		h[3] = (uint8_t)n;
		hn = 4;
	}
	put(d, h, hn);
	put(d, p, n);
}

/* OID contents of the given arcs (the first two folded into one). */
static size_t oid_enc(const uint32_t *arc, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 1; i < n; i++) {
		uint32_t v = i == 1 ? arc[0] * 40 + arc[1] : arc[i];
		uint8_t tmp[5];
		size_t k = 0;

		do {
			tmp[k++] = v & 0x7f;
			v >>= 7;
		} while (v);
		while (k > 0) {
			k--;
			out[o++] = tmp[k] | (k ? 0x80 : 0);
		}
	}
	return o;
}

/* Appends VarBind { name, value } with the value's TLV given whole. */
static void put_varbind(struct bld *d, const uint32_t *arc, size_t n, const uint8_t *val, size_t vlen)
{
	struct bld vb = {.n = 0};
	uint8_t oid[TEST_OID_ARCS_MAX * 5];

	put_tlv(&vb, 0x06, oid, oid_enc(arc, n, oid));
	put(&vb, val, vlen);
	put_tlv(d, 0x30, vb.b, vb.n);
}

/* Message { version, "public", PDU { request-id, error-status, 0, { vbl } } } */
static void put_message(struct bld *d, uint8_t version, uint8_t pdu_type, uint8_t error_status,
			const struct bld *vbl)
{
	static struct bld pdu, msg; /* large: off the stack */
	const uint8_t head[] = {0x02, 0x01, 0x07, 0x02, 0x01, error_status, 0x02, 0x01, 0x00};
	const uint8_t ver[] = {0x02, 0x01, version, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c'};

	pdu.n = 0;
	put(&pdu, head, sizeof(head));
	put_tlv(&pdu, 0x30, vbl->b, vbl->n);
	msg.n = 0;
	put(&msg, ver, sizeof(ver));
	put_tlv(&msg, pdu_type, pdu.b, pdu.n);
	d->n = 0;
	put_tlv(d, 0x30, msg.b, msg.n);
}

static const uint32_t arc_sysname[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};
static const uint32_t arc_sysobjectid[] = {1, 3, 6, 1, 2, 1, 1, 2, 0};
static const uint32_t arc_sysuptime[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
static const uint32_t arc_trapoid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
#define N_ARCS(a) (sizeof(a) / sizeof((a)[0]))

/* A v2c Response from 161 with one binding sysName.0 = the given value TLV. */
static void run_sysname_value(struct pc_result *rn, const uint8_t *val, size_t vlen)
{
	static struct bld vbl, msg;

	vbl.n = 0;
	put_varbind(&vbl, arc_sysname, N_ARCS(arc_sysname), val, vlen);
	put_message(&msg, 1, 0xa2, 0, &vbl);
	run(rn, msg.b, msg.n);
}

/* ---- real PDUs ---- */

START_TEST(test_v1_sysname)
{
	struct pc_result rn;

	run(&rn, v1_sysname, sizeof(v1_sysname));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 1);
	assert_obs(&rn, 0, HK_OBS_HOSTNAME, 80, "snmp.sysname", "R1.lab.local");

	run(&rn, v1_syslocation, sizeof(v1_syslocation));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 1);
	assert_obs(&rn, 0, HK_OBS_RAW, 50, "snmp.syslocation", "GlobomanticsHQ");
}
END_TEST

START_TEST(test_syscontact_never)
{
	struct pc_result rn;

	run(&rn, v1_syscontact, sizeof(v1_syscontact));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);
}
END_TEST

START_TEST(test_requests_say_nothing)
{
	struct pc_result rn;

	run_ports(&rn, v1_get, sizeof(v1_get), 43015, 161);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);
}
END_TEST

START_TEST(test_error_response)
{
	static struct bld vbl, msg;
	const uint8_t val[] = {0x04, 0x03, 'f', 'o', 'o'};
	struct pc_result rn;

	run(&rn, v2c_toobig, sizeof(v2c_toobig));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);

	/* a failed Set echoes what the manager wanted: sysName "foo" is not the agent's */
	vbl.n = 0;
	put_varbind(&vbl, arc_sysname, N_ARCS(arc_sysname), val, sizeof(val));
	put_message(&msg, 1, 0xa2, 17 /* notWritable */, &vbl);
	run(&rn, msg.b, msg.n);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);

	/* and a SetRequest is the manager's wish */
	put_message(&msg, 1, 0xa3, 0, &vbl);
	run_ports(&rn, msg.b, msg.n, 40000, 161);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);
}
END_TEST

START_TEST(test_v2c_trap)
{
	struct pc_result rn;

	run_ports(&rn, v2c_trap, sizeof(v2c_trap), 54318, 162);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 1);
	assert_obs(&rn, 0, HK_OBS_RAW, 50, "snmp.trap_oid", "1.3.6.1.6.3.1.1.5.4");
}
END_TEST

START_TEST(test_v1_trap)
{
	struct pc_result rn;

	run_ports(&rn, v1_trap, sizeof(v1_trap), 57150, 162);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 1);
	assert_obs(&rn, 0, HK_OBS_RAW, 50, "snmp.trap_oid", "1.3.6.1.4.1.31337.0");
}
END_TEST

START_TEST(test_v3_version_only)
{
	struct pc_result rn;

	run_ports(&rn, v3_get, sizeof(v3_get), 54211, 161);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 1);
	assert_obs(&rn, 0, HK_OBS_RAW, 50, "snmp.version", "3");
}
END_TEST

START_TEST(test_identity_response)
{
	struct pc_result rn;

	run(&rn, v2c_identity, sizeof(v2c_identity));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 11);
	assert_obs(&rn, 0, HK_OBS_SOFTWARE, 50, "snmp.sysdescr", "Cisco IOS\\x0d\\x0av15");
	assert_obs(&rn, 1, HK_OBS_RAW, 50, "snmp.sysobjectid", "1.3.6.1.4.1.9.1.1208");
	assert_obs(&rn, 2, HK_OBS_RAW, 50, "snmp.enterprise", "9");
	assert_obs(&rn, 3, HK_OBS_HOSTNAME, 80, "snmp.sysname", "sw-core-1");
	assert_obs(&rn, 4, HK_OBS_RAW, 50, "snmp.syslocation", "Hall 3");
	assert_obs(&rn, 5, HK_OBS_SERIAL, 80, "snmp.entity.serial", "FOC1234X0AB");
	assert_obs(&rn, 6, HK_OBS_MODEL, 80, "snmp.entity.model_name", "WS-C2960X-48");
	assert_obs(&rn, 7, HK_OBS_VENDOR, 80, "snmp.entity.mfg_name", "Cisco");
	assert_obs(&rn, 8, HK_OBS_FIRMWARE, 80, "snmp.entity.software_rev", "15.2(7)E");
	assert_obs(&rn, 9, HK_OBS_FIRMWARE, 80, "snmp.entity.firmware_rev", "15.2r");
	assert_obs(&rn, 10, HK_OBS_RAW, 50, "snmp.entity.hardware_rev", "V03");
	for (size_t i = 0; i < rn.sink.n; i++) {
		ck_assert_ptr_null(strstr(rn.obs[i].value, "public"));
		ck_assert_ptr_null(strstr(rn.obs[i].value, "ops@"));
	}
}
END_TEST

START_TEST(test_inform_ack_says_nothing)
{
	static struct bld vbl, msg;
	const uint8_t trap[] = {0x06, 0x09, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x05, 0x04};
	const uint8_t ticks[] = {0x43, 0x01, 0x05};
	struct pc_result rn;

	/* the receiver's Response to an Inform, from port 162 */
	run_ports(&rn, v2c_identity, sizeof(v2c_identity), 162, 40000);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);

	/* ... or from elsewhere but echoing snmpTrapOID.0 */
	vbl.n = 0;
	put_varbind(&vbl, arc_sysuptime, N_ARCS(arc_sysuptime), ticks, sizeof(ticks));
	put_varbind(&vbl, arc_trapoid, N_ARCS(arc_trapoid), trap, sizeof(trap));
	put_message(&msg, 1, 0xa2, 0, &vbl);
	run_ports(&rn, msg.b, msg.n, 50000, 40000);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);

	/* the Inform itself describes its sender */
	put_message(&msg, 1, 0xa6, 0, &vbl);
	run_ports(&rn, msg.b, msg.n, 50000, 162);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 1);
	assert_obs(&rn, 0, HK_OBS_RAW, 50, "snmp.trap_oid", "1.3.6.1.6.3.1.1.5.4");
}
END_TEST

/* ---- truncation and lying lengths ---- */

static void check_prefixes(const uint8_t *pdu, size_t len)
{
	pc_every_prefix(proto_snmp_parse, pdu, len, &agent_ctx, PC_TRUNCATED, false, "%zu bytes:", len);
}

START_TEST(test_truncated_prefixes)
{
	check_prefixes(v1_sysname, sizeof(v1_sysname));
	check_prefixes(v1_trap, sizeof(v1_trap));
	check_prefixes(v2c_trap, sizeof(v2c_trap));
	check_prefixes(v3_get, sizeof(v3_get));
	check_prefixes(v2c_identity, sizeof(v2c_identity));
}
END_TEST

/* A copy of v1_sysname with one byte changed. */
static void run_patched(struct pc_result *rn, size_t at, uint8_t b)
{
	uint8_t p[sizeof(v1_sysname)];

	memcpy(p, v1_sysname, sizeof(p));
	p[at] = b;
	run(rn, p, sizeof(p));
}

START_TEST(test_lying_lengths)
{
	struct pc_result rn;
	uint8_t p[sizeof(v1_sysname) + 4];

	/* Message says one byte less: the PDU runs past it */
	run_patched(&rn, 1, 0x34);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	ck_assert_uint_eq(rn.sink.n, 0);
	/* Message says one byte more than the datagram: a snapshot cut */
	run_patched(&rn, 1, 0x36);
	ck_assert_int_eq(rn.rc, HK_PARSE_TRUNCATED);
	/* PDU longer than the message */
	run_patched(&rn, 14, 0x29);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* PDU one byte shorter than its contents */
	run_patched(&rn, 14, 0x27);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* community longer than the message */
	run_patched(&rn, 6, 0x7f);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* variable-bindings longer than the PDU */
	run_patched(&rn, 28, 0x1b);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* VarBind longer than the list */
	run_patched(&rn, 30, 0x19);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* name OID running into the value */
	run_patched(&rn, 32, 0x09);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* value longer than its VarBind */
	run_patched(&rn, 42, 0x0d);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	ck_assert_uint_eq(rn.sink.n, 0);
	/* value shorter: a stray byte inside the VarBind */
	run_patched(&rn, 42, 0x0b);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* indefinite length inside: BER forbidden by RFC 3417 8 */
	run_patched(&rn, 28, 0x80);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* a 5-byte length */
	run_patched(&rn, 28, 0x85);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* a PDU tag that is no PDU */
	run_patched(&rn, 13, 0xa9);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* community that is no OCTET STRING */
	run_patched(&rn, 5, 0x02);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* error-status of 9 bytes (we read at most 8) */
	run_patched(&rn, 22, 0x09);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* a high tag number */
	run_patched(&rn, 41, 0x1f);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);

	/* bytes after the message in the datagram are ignored */
	memcpy(p, v1_sysname, sizeof(v1_sysname));
	memset(p + sizeof(v1_sysname), 0xff, 4);
	run(&rn, p, sizeof(p));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	assert_obs(&rn, 0, HK_OBS_HOSTNAME, 80, "snmp.sysname", "R1.lab.local");

	/* a non-minimal long-form length is read (some agents send 0x82 00 xx) */
	{
		static const uint8_t nonmin[] = {0x30, 0x82, 0x00, 0x35};
		uint8_t q[sizeof(v1_sysname) + 2];

		memcpy(q, nonmin, sizeof(nonmin));
		memcpy(q + sizeof(nonmin), v1_sysname + 2, sizeof(v1_sysname) - 2);
		run(&rn, q, sizeof(q));
		ck_assert_int_eq(rn.rc, HK_PARSE_OK);
		assert_obs(&rn, 0, HK_OBS_HOSTNAME, 80, "snmp.sysname", "R1.lab.local");
	}
}
END_TEST

START_TEST(test_v1_trap_fields)
{
	struct pc_result rn;
	uint8_t p[sizeof(v1_trap)];

	/* agent-addr of 4 bytes with a wrong tag */
	memcpy(p, v1_trap, sizeof(p));
	p[26] = 0x04;
	run_ports(&rn, p, sizeof(p), 57150, 162);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	ck_assert_uint_eq(rn.sink.n, 0);
	/* the enterprise OID with its last sub-identifier cut (continuation bit) */
	memcpy(p, v1_trap, sizeof(p));
	p[25] = 0x80;
	run_ports(&rn, p, sizeof(p), 57150, 162);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	/* a time-stamp that is an INTEGER, not TimeTicks */
	memcpy(p, v1_trap, sizeof(p));
	p[38] = 0x02;
	run_ports(&rn, p, sizeof(p), 57150, 162);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
}
END_TEST

/* ---- counts at 0, MAX, MAX+1 ---- */

/* n bindings: n-1 sysUpTime.0 = NULL, then sysName.0 = "last" */
static void run_n_varbinds(struct pc_result *rn, size_t n)
{
	static struct bld vbl, msg;
	const uint8_t null[] = {0x05, 0x00};
	const uint8_t name[] = {0x04, 0x04, 'l', 'a', 's', 't'};

	vbl.n = 0;
	for (size_t i = 0; i + 1 < n; i++)
		put_varbind(&vbl, arc_sysuptime, N_ARCS(arc_sysuptime), null, sizeof(null));
	if (n)
		put_varbind(&vbl, arc_sysname, N_ARCS(arc_sysname), name, sizeof(name));
	put_message(&msg, 1, 0xa2, 0, &vbl);
	run(rn, msg.b, msg.n);
}

START_TEST(test_varbind_counts)
{
	struct pc_result rn;

	run_n_varbinds(&rn, 0);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);
	run_n_varbinds(&rn, 1);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	assert_obs(&rn, 0, HK_OBS_HOSTNAME, 80, "snmp.sysname", "last");
	run_n_varbinds(&rn, TEST_VARBINDS_MAX);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 1);
	assert_obs(&rn, 0, HK_OBS_HOSTNAME, 80, "snmp.sysname", "last");
	/* past the bound the rest is not read: the PDU says what its first MAX said */
	run_n_varbinds(&rn, TEST_VARBINDS_MAX + 1);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);
}
END_TEST

/* sysObjectID.0 = an OID of n arcs 1.3.6.1.4.1.<fill>... */
static void run_sysobjectid(struct pc_result *rn, const uint32_t *arc, size_t n)
{
	static struct bld vbl, msg;
	uint8_t val[2 + TEST_OID_ARCS_MAX * 5 + 4];
	size_t len = oid_enc(arc, n, val + 3);

	ck_assert_uint_lt(len, 0x100);
	val[0] = 0x06;
	val[1] = 0x81;
	val[2] = (uint8_t)len;
	vbl.n = 0;
	put_varbind(&vbl, arc_sysobjectid, N_ARCS(arc_sysobjectid), val, len + 3);
	put_message(&msg, 1, 0xa2, 0, &vbl);
	run(rn, msg.b, msg.n);
}

START_TEST(test_oid_arcs)
{
	uint32_t arc[TEST_OID_ARCS_MAX + 1] = {1, 3, 6, 1, 4, 1, 4329, 6};
	struct pc_result rn;
	char want[HK_OBS_VALUE_MAX];
	size_t o = 0;

	for (size_t i = 8; i < N_ARCS(arc); i++)
		arc[i] = 7;
	/* 128 arcs: read; the text is cut after a whole arc and says so */
	run_sysobjectid(&rn, arc, TEST_OID_ARCS_MAX);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 2);
	o += (size_t)snprintf(want, sizeof(want), "1.3.6.1.4.1.4329.6");
	while (o + 2 + 4 <= sizeof(want))
		o += (size_t)snprintf(want + o, sizeof(want) - o, ".7");
	snprintf(want + o, sizeof(want) - o, "...");
	assert_obs(&rn, 0, HK_OBS_RAW, 50, "snmp.sysobjectid", want);
	assert_obs(&rn, 1, HK_OBS_RAW, 50, "snmp.enterprise", "4329");
	/* 129 arcs: more than RFC 2578 allows */
	run_sysobjectid(&rn, arc, TEST_OID_ARCS_MAX + 1);
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	ck_assert_uint_eq(rn.sink.n, 0);
	/* the largest arc, 2^32-1 */
	arc[7] = UINT32_MAX;
	run_sysobjectid(&rn, arc, 8);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	assert_obs(&rn, 0, HK_OBS_RAW, 50, "snmp.sysobjectid", "1.3.6.1.4.1.4329.4294967295");
	/* an enterprise number of 2^32-1 */
	arc[6] = UINT32_MAX;
	run_sysobjectid(&rn, arc, 7);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	assert_obs(&rn, 1, HK_OBS_RAW, 50, "snmp.enterprise", "4294967295");
	/* not under enterprises: no enterprise number */
	run_sysobjectid(&rn, arc_sysname, N_ARCS(arc_sysname));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 1);
	assert_obs(&rn, 0, HK_OBS_RAW, 50, "snmp.sysobjectid", "1.3.6.1.2.1.1.5.0");
	/* 1.3.6.1.4.1 alone names no enterprise */
	run_sysobjectid(&rn, arc, 6);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 1);
}
END_TEST

START_TEST(test_oid_encodings)
{
	/* sysObjectID.0 values, each a whole OID TLV */
	static const uint8_t over32[] = {0x06, 0x06, 0x2b, 0x90, 0x80, 0x80, 0x80, 0x00}; /* 2^32 */
	static const uint8_t padded[] = {0x06, 0x04, 0x2b, 0x06, 0x80, 0x01};              /* 0x80 lead */
	static const uint8_t cut[] = {0x06, 0x03, 0x2b, 0x06, 0x81};
	static const uint8_t empty[] = {0x06, 0x00};
	static const uint8_t joint2[] = {0x06, 0x03, 0x88, 0x37, 0x01}; /* 2.999.1 */
	static const uint8_t *const bad[] = {over32, padded, cut, empty};
	static const size_t bad_len[] = {sizeof(over32), sizeof(padded), sizeof(cut), sizeof(empty)};
	static struct bld vbl, msg;
	struct pc_result rn;

	for (size_t i = 0; i < 4; i++) {
		vbl.n = 0;
		put_varbind(&vbl, arc_sysobjectid, N_ARCS(arc_sysobjectid), bad[i], bad_len[i]);
		put_message(&msg, 1, 0xa2, 0, &vbl);
		run(&rn, msg.b, msg.n);
		ck_assert_msg(rn.rc == HK_PARSE_MALFORMED, "case %zu: %s", i, hk_parse_result_name(rn.rc));
		ck_assert_uint_eq(rn.sink.n, 0);
	}
	vbl.n = 0;
	put_varbind(&vbl, arc_sysobjectid, N_ARCS(arc_sysobjectid), joint2, sizeof(joint2));
	put_message(&msg, 1, 0xa2, 0, &vbl);
	run(&rn, msg.b, msg.n);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	assert_obs(&rn, 0, HK_OBS_RAW, 50, "snmp.sysobjectid", "2.999.1");
}
END_TEST

/* ---- values ---- */

START_TEST(test_strings)
{
	static const uint8_t nul_utf8[] = {0x04, 0x08, 'a', 'b', 0x00, 'c', 'd', 0xc3, 0xa9, '\\'};
	static const uint8_t padded[] = {0x04, 0x06, 'h', 'o', 's', 't', 0x00, 0x00};
	static const uint8_t empty[] = {0x04, 0x00};
	static const uint8_t long_name[] = {0x04, 0x81, 0xc8}; /* + 200 x 0x01 */
	uint8_t big[3 + 200];
	struct pc_result rn;
	char want[HK_OBS_VALUE_MAX];
	size_t o = 0;

	run_sysname_value(&rn, nul_utf8, sizeof(nul_utf8));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	assert_obs(&rn, 0, HK_OBS_HOSTNAME, 80, "snmp.sysname", "ab\\x00cd\\xc3\\xa9\\\\");
	/* a C terminator and padding at the end are dropped, as tshark shows them */
	run_sysname_value(&rn, padded, sizeof(padded));
	assert_obs(&rn, 0, HK_OBS_HOSTNAME, 80, "snmp.sysname", "host");
	run_sysname_value(&rn, empty, sizeof(empty));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);
	/* escaped text longer than a value: cut at a character boundary */
	memcpy(big, long_name, sizeof(long_name));
	memset(big + 3, 0x01, 200);
	run_sysname_value(&rn, big, sizeof(big));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	while (o + 4 < sizeof(want))
		o += (size_t)snprintf(want + o, sizeof(want) - o, "\\x01");
	assert_obs(&rn, 0, HK_OBS_HOSTNAME, 80, "snmp.sysname", want);
	ck_assert_uint_eq(strlen(rn.obs[0].value), 252);
}
END_TEST

START_TEST(test_value_types)
{
	static const uint8_t no_such_object[] = {0x80, 0x00};
	static const uint8_t no_such_bad[] = {0x80, 0x01, 0x00};
	static const uint8_t null_bad[] = {0x05, 0x01, 0x00};
	static const uint8_t end_of_view[] = {0x82, 0x00};
	static const uint8_t wrong_type[] = {0x02, 0x01, 0x05};
	static const uint8_t ip_ok[] = {0x40, 0x04, 10, 0, 0, 1};
	static const uint8_t ip_bad[] = {0x40, 0x05, 10, 0, 0, 1, 2};
	static const uint8_t constructed[] = {0x30, 0x00};
	static const uint8_t counter64[] = {0x46, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t opaque[] = {0x44, 0x02, 0x9f, 0x78};
	struct pc_result rn;

	run_sysname_value(&rn, no_such_object, sizeof(no_such_object));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);
	run_sysname_value(&rn, end_of_view, sizeof(end_of_view));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);
	run_sysname_value(&rn, wrong_type, sizeof(wrong_type));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 0);
	run_sysname_value(&rn, ip_ok, sizeof(ip_ok));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	run_sysname_value(&rn, counter64, sizeof(counter64));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	run_sysname_value(&rn, opaque, sizeof(opaque));
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	run_sysname_value(&rn, no_such_bad, sizeof(no_such_bad));
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	run_sysname_value(&rn, null_bad, sizeof(null_bad));
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	run_sysname_value(&rn, ip_bad, sizeof(ip_bad));
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	run_sysname_value(&rn, constructed, sizeof(constructed));
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_malformed_says_nothing)
{
	/* the identity response with its last binding's value cut by a lying
	 * length: the earlier, valid bindings are not reported either */
	uint8_t p[sizeof(v2c_identity)];
	struct pc_result rn;

	memcpy(p, v2c_identity, sizeof(p));
	p[sizeof(p) - 7] = 0x07; /* entPhysicalSerialNum.1002 value: 7 bytes in a 6-byte room */
	run(&rn, p, sizeof(p));
	ck_assert_int_eq(rn.rc, HK_PARSE_MALFORMED);
	ck_assert_uint_eq(rn.sink.n, 0);
}
END_TEST

START_TEST(test_entity_first_index)
{
	static struct bld vbl, msg;
	uint32_t arc[] = {1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1, 11, 2};
	const uint8_t s2[] = {0x04, 0x02, 'S', '2'};
	const uint8_t s1[] = {0x04, 0x02, 'S', '1'};
	const uint8_t m1[] = {0x04, 0x02, 'M', '1'};
	const uint8_t nso[] = {0x81, 0x00};
	struct pc_result rn;

	/* a noSuchInstance does not pick the index; the first real value does */
	vbl.n = 0;
	arc[12] = 7;
	put_varbind(&vbl, arc, N_ARCS(arc), nso, sizeof(nso));
	arc[12] = 2;
	put_varbind(&vbl, arc, N_ARCS(arc), s2, sizeof(s2));
	arc[12] = 1;
	put_varbind(&vbl, arc, N_ARCS(arc), s1, sizeof(s1));
	arc[11] = 13;
	put_varbind(&vbl, arc, N_ARCS(arc), m1, sizeof(m1));
	/* a column with one arc too many is not the table */
	{
		const uint32_t longer[] = {1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1, 11, 2, 0};

		put_varbind(&vbl, longer, N_ARCS(longer), s1, sizeof(s1));
	}
	put_message(&msg, 1, 0xa2, 0, &vbl);
	run(&rn, msg.b, msg.n);
	ck_assert_int_eq(rn.rc, HK_PARSE_OK);
	ck_assert_uint_eq(rn.sink.n, 1);
	assert_obs(&rn, 0, HK_OBS_SERIAL, 80, "snmp.entity.serial", "S2");
}
END_TEST

/* ---- not SNMP ---- */

START_TEST(test_nomatch)
{
	/* a DNS query on the port */
	static const uint8_t dns[] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t http[] = "GET / HTTP/1.1\r\n\r\n";
	/* tcpdump_snmp-heapoverflow-1.pcap frames 1-4 are all '0' (0x30): a
	 * SEQUENCE of 48 bytes whose first element is another SEQUENCE */
	static const uint8_t zeros[22] = {
		0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
		0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
	};
	/* tcpdump_snmp-heapoverflow-1.pcap frame 5: a v3 header whose message
	 * claims 304 bytes of a 22-byte capture */
	static const uint8_t heap5[] = {
		0x30, 0x82, 0x01, 0x30, 0x02, 0x01, 0x03, 0x30, 0x30, 0x02, 0x04,
		0x30, 0x30, 0x30, 0x30, 0x02, 0x03, 0x30, 0x30, 0x30, 0x04, 0x01,
	};
	static const uint8_t v2[] = {0x30, 0x05, 0x02, 0x01, 0x02, 0x04, 0x00};
	static const uint8_t v_neg[] = {0x30, 0x05, 0x02, 0x01, 0xff, 0x04, 0x00};
	static const uint8_t v_wide[] = {0x30, 0x0d, 0x02, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x04, 0x00};
	static const uint8_t indefinite[] = {0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00};
	static const uint8_t cut_v9[] = {0x30, 0x40, 0x02, 0x01, 0x09};
	struct pc_result rn;
	struct hk_parse_ctx tcp = {.l4 = 6, .sport = 161, .dport = 40000, .ndpi = ""};

	run(&rn, dns, sizeof(dns));
	ck_assert_int_eq(rn.rc, HK_PARSE_NOMATCH);
	run(&rn, http, sizeof(http) - 1);
	ck_assert_int_eq(rn.rc, HK_PARSE_NOMATCH);
	run(&rn, zeros, sizeof(zeros));
	ck_assert_int_eq(rn.rc, HK_PARSE_NOMATCH);
	run(&rn, heap5, sizeof(heap5));
	ck_assert_int_eq(rn.rc, HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(rn.sink.n, 0);
	run(&rn, v2, sizeof(v2));
	ck_assert_int_eq(rn.rc, HK_PARSE_NOMATCH);
	run(&rn, v_neg, sizeof(v_neg));
	ck_assert_int_eq(rn.rc, HK_PARSE_NOMATCH);
	run(&rn, v_wide, sizeof(v_wide));
	ck_assert_int_eq(rn.rc, HK_PARSE_NOMATCH);
	run(&rn, indefinite, sizeof(indefinite));
	ck_assert_int_eq(rn.rc, HK_PARSE_NOMATCH);
	run(&rn, cut_v9, sizeof(cut_v9));
	ck_assert_int_eq(rn.rc, HK_PARSE_NOMATCH);
	/* only over UDP */
	ck_assert_int_eq(pc_run(proto_snmp_parse, v1_sysname, sizeof(v1_sysname), &tcp, &rn), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(rn.sink.n, 0);
}
END_TEST

/* ---- against tshark ---- */

/*
 * Every v1/v2c GetResponse in ndpi_snmp.pcap whose one binding is sysName.0
 * or sysLocation.0: our value must be tshark's (printable ASCII there, so
 * the escaping is the identity); no payload of the capture is other than OK.
 */
START_TEST(test_against_tshark)
{
	static char out[1 << 20];
	static uint8_t payload[4096];
	size_t n_checked = 0, n_frames = 0;
	char *rest = out, *line;

	if (!pc_tshark("ndpi_snmp.pcap",
		       "-Y udp -T fields -E separator=/t -e udp.srcport -e udp.dstport -e snmp.version -e udp.payload "
		       "-e snmp.name -e snmp.value.octets",
		       out, sizeof(out))) {
		fprintf(stderr, "test_against_tshark: skipped (no tshark, HERKOMST_SHARED_DIR or ndpi_snmp.pcap)\n");
		return;
	}
	ck_assert_uint_lt(strlen(out), sizeof(out) - 1);
	while ((line = strsep(&rest, "\n")) != NULL) {
		char *f[6] = {NULL}, *s = line;
		struct pc_result rn;
		size_t k, len;

		for (k = 0; k < 6 && s; k++) {
			f[k] = s;
			s = strchr(s, '\t');
			if (s)
				*s++ = '\0';
		}
		ck_assert_uint_eq(k, 6);
		len = pc_unhex(f[3], payload, sizeof(payload));
		run_ports(&rn, payload, len, (uint16_t)atoi(f[0]), (uint16_t)atoi(f[1]));
		n_frames++;
		ck_assert_msg(rn.rc == HK_PARSE_OK, "frame %zu: %s", n_frames, hk_parse_result_name(rn.rc));
		if (atoi(f[0]) == 161 && (strcmp(f[2], "0") == 0 || strcmp(f[2], "1") == 0) &&
		    (strcmp(f[4], "1.3.6.1.2.1.1.5.0") == 0 || strcmp(f[4], "1.3.6.1.2.1.1.6.0") == 0)) {
			char want[HK_OBS_VALUE_MAX] = "";
			uint8_t raw[HK_OBS_VALUE_MAX];
			size_t rl = pc_unhex(f[5], raw, sizeof(raw) - 1);

			memcpy(want, raw, rl);
			want[rl] = '\0';
			ck_assert_uint_eq(rn.sink.n, 1);
			ck_assert_str_eq(rn.obs[0].source, f[4][14] == '5' ? "snmp.sysname" : "snmp.syslocation");
			ck_assert_str_eq(rn.obs[0].value, want);
			n_checked++;
		}
	}
	ck_assert_uint_eq(n_frames, 72);
	ck_assert_uint_eq(n_checked, 6); /* frames 4, 8, 10, 14 sysName; 2, 6 sysLocation */
}
END_TEST

static Suite *snmp_suite(void)
{
	Suite *s = suite_create("proto_snmp");
	TCase *tc = tcase_create("snmp");

	tcase_add_test(tc, test_v1_sysname);
	tcase_add_test(tc, test_syscontact_never);
	tcase_add_test(tc, test_requests_say_nothing);
	tcase_add_test(tc, test_error_response);
	tcase_add_test(tc, test_v2c_trap);
	tcase_add_test(tc, test_v1_trap);
	tcase_add_test(tc, test_v3_version_only);
	tcase_add_test(tc, test_identity_response);
	tcase_add_test(tc, test_inform_ack_says_nothing);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_v1_trap_fields);
	tcase_add_test(tc, test_varbind_counts);
	tcase_add_test(tc, test_oid_arcs);
	tcase_add_test(tc, test_oid_encodings);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_value_types);
	tcase_add_test(tc, test_malformed_says_nothing);
	tcase_add_test(tc, test_entity_first_index);
	tcase_add_test(tc, test_nomatch);
	tcase_add_test(tc, test_against_tshark);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(snmp_suite());
}
