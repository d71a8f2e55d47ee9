/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a UDP payload through proto_snmp_parse(). The first
 * input byte picks the ports (bits 0-1 the source, 2-3 the destination, from
 * 161, 162, 40000, 54318: an agent's answer, an Inform acknowledgment, a
 * request, a notification) and bit 4 makes it TCP (which must say NOMATCH);
 * the rest is the payload. Besides crashes and sanitizer reports it checks
 * the parser contract: a known result, the cursor inside its window, a
 * bounded sink, nothing said unless OK, every observation about the sender
 * with a "snmp." source and a non-empty, NUL-terminated, printable (escaped)
 * value, and the same answer twice.
 *
 * Seeds (corpus/snmp/, named SHAPE.SOURCE.FRAME: selector byte + the UDP
 * payload of that frame of that shared capture; hand-* built from RFC 1157,
 * RFC 3416, RFC 3418 and RFC 6933). Only captures under permissive licences:
 *   v1-trap.zeek_snmpv1_trap.1              zeek/zeek, BSD-3-Clause
 *   v2c-get.zeek_snmpv2_get.1
 *   v2c-response-counter.zeek_snmpv2_get.2
 *   v2c-response-oid.zeek_snmpv2_get_next.2
 *   v2c-response-timeticks.zeek_snmpv2_get_next.4
 *   v3-discovery.zeek_snmpv3_get_next.1
 *   v3-response-noauth.zeek_snmpv3_get_next.4
 *   v3-getbulk.suri_snmp-v3-get-bulk-unauth.3 OISF/suricata-verify, MIT
 *   v3-cut.tcpdump_snmp-heapoverflow-1.5    the-tcpdump-group/tcpdump, BSD-3-Clause
 *   hand-identity                 sysDescr, sysObjectID, sysName, entity table (as test_proto_snmp.c)
 *   hand-v2c-trap                 snmpTrapOID.0 linkUp with sysName
 *   hand-inform-ack               a Response from port 162 echoing an Inform
 *   hand-error-set                a failed Set's Response (error-status 17)
 *   hand-oid-128-arcs             sysObjectID of 128 arcs, with a 2^32-1 arc
 *   hand-lying-varbind            a VarBind whose value runs past it
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t fuzz_ports[4] = {161, 162, 40000, 54318};

static enum hk_parse_result fuzz_run(const uint8_t *data, size_t size, struct hk_obs *v, struct hk_obs_sink *s)
{
	uint8_t sel = size ? data[0] : 0;
	const uint8_t *payload = size ? data + 1 : data;
	size_t len = size ? size - 1 : 0;
	struct hk_parse_ctx ctx = {
		.l4 = (sel & 0x10) ? 6 : 17,
		.sport = fuzz_ports[sel & 3],
		.dport = fuzz_ports[(sel >> 2) & 3],
		.ndpi = "SNMP",
	};
	struct hk_cur c = hk_cur_init(payload, len);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_snmp_parse(&c, &ctx, s);
	if (c.off > c.len || (len && c.base != payload))
		abort();
	if (ctx.l4 != 17 && r != HK_PARSE_NOMATCH)
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->side != HK_SIDE_SRC || o->confidence > 100)
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "snmp.", 5) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)o->value[i] < 0x20 || (unsigned char)o->value[i] >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hk_obs v1[HK_OBS_PER_PACKET_MAX], v2[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink s1, s2;
	enum hk_parse_result r1 = fuzz_run(data, size, v1, &s1);
	enum hk_parse_result r2 = fuzz_run(data, size, v2, &s2);

	if ((unsigned)r1 >= HK_PARSE__MAX || s1.n > s1.cap)
		abort();
	if (r1 != HK_PARSE_OK && s1.n)
		abort(); /* a message that is not whole and sound says nothing */
	for (size_t i = 0; i < s1.n; i++)
		fuzz_check_obs(&v1[i]);
	if (r1 != r2 || s1.n != s2.n || s1.n_dropped != s2.n_dropped || memcmp(v1, v2, s1.n * sizeof(v1[0])) != 0)
		abort();
	return 0;
}
