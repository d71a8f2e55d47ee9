/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a DHCPv6 UDP payload through proto_dhcpv6_parse(). The
 * first input byte picks the context (bit 0: to port 546, a server talking
 * to the client; else to 547); the rest is the payload, parsed as an
 * exactly-sized heap copy and again cut one byte short. Besides crashes and
 * sanitizer reports it checks the parser contract: a known result, the cursor
 * inside its window, observations only with OK and none past the sink, each
 * with a "dhcpv6." source, a confidence the parser uses, a non-empty,
 * NUL-terminated, printable (escaped) value, a subject that is a MAC or a
 * global IPv6 address when it names one itself, and the same answer twice.
 *
 * Seeds (corpus/dhcpv6/, named SHAPE.SOURCE.FRAME: the UDP payload of that
 * frame of that shared capture behind the context byte, or hand-* built here):
 *   solicit-duid-llt.iti_addroute.98       ITI/ICS-Security-Tools, CC-BY-4.0
 *   solicit-duid-ll.tcpdump_dhcpv6-ia-na.1 the-tcpdump-group/tcpdump, BSD-3-Clause
 *   advertise.tcpdump_dhcpv6-ia-na.2, reply-ia-na.tcpdump_dhcpv6-ia-na.4
 *   renew-duid-uuid.tcpdump_dhcpv6-rfc6355-duid-uuid.1, reply-duid-uuid...2
 *   relay-forw-cablelabs.tcpdump_dhcpv6-vendor-specific-information.1
 *   hand-relay-repl-3      the Reply above in three Relay-repl messages
 *   hand-solicit-duid-en   DUID-EN, FQDN, vendor class, ORO
 *   hand-relay-forw-9      that Solicit nine relays deep (MALFORMED)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "dhcpv6.");
	if (o->side > HK_SIDE_OTHER)
		abort();
	if (o->confidence != 50 && o->confidence != 60 && o->confidence != 70 && o->confidence != 75 &&
	    o->confidence != 90)
		abort();
	if (o->side == HK_SIDE_OTHER && !o->subject.has_mac &&
	    (o->subject.ip.family != 6 || hk_addr_is_linklocal(&o->subject.ip)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hk_parse_ctx ctx = {.l4 = 17, .ndpi = ""};
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = fuzz_selector(&data, &size);
	ctx.dport = (sel & 1) ? 546 : 547;
	ctx.sport = (sel & 1) ? 547 : 546;

	fuzz_twice(proto_dhcpv6_parse, &ctx, data, size, true, FUZZ_OK, fuzz_check_obs, NULL);
	if (size)
		fuzz_once(proto_dhcpv6_parse, &ctx, data, size - 1, true, FUZZ_OK, fuzz_check_obs);
	return 0;
}
