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

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t fuzz_ports[4] = {161, 162, 40000, 54318};

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "snmp.");
	if (o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel = fuzz_selector(&data, &size);
	struct hk_parse_ctx ctx = {
		.l4 = (sel & 0x10) ? 6 : 17,
		.sport = fuzz_ports[sel & 3],
		.dport = fuzz_ports[(sel >> 2) & 3],
		.ndpi = "SNMP",
	};
	enum hk_parse_result r;

	/* a message that is not whole and sound says nothing */
	r = fuzz_twice(proto_snmp_parse, &ctx, data, size, false, FUZZ_OK, fuzz_check_obs, NULL);
	if (ctx.l4 != 17 && r != HK_PARSE_NOMATCH)
		abort();
	return 0;
}
