/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a DHCP/BOOTP UDP payload through proto_dhcp_parse().
 * The first input byte picks the context (bit 0: the packet goes to port 68,
 * a server or relay talking to the client; else to port 67; bit 1: the
 * source port is 67 rather than 68); the rest is the payload, parsed as an
 * exactly-sized heap copy and again cut one byte short. Besides crashes and
 * sanitizer reports it checks the parser contract: a known result, the cursor
 * inside its window, observations only with OK and none past the sink, each
 * with a "dhcp." source, a confidence the parser uses, a non-empty,
 * NUL-terminated, printable (escaped) value, a subject that is a MAC or an
 * IPv4 address when it names one itself, and the same answer twice.
 *
 * Seeds (corpus/dhcp/, named SHAPE.SOURCE.FRAME: the UDP payload of that
 * frame of that shared capture behind the context byte, or hand-* built here):
 *   request.suri_public-ex1_section8_Sofacy.3          OISF/suricata-verify, MIT
 *   ack.suri-dhcp-eve-extended_input.2                 OISF/suricata-verify, MIT
 *   ack-overload-sname.suri-dhcp-option-52-overload_input.7  (52 = 2)
 *   ack-tr111.pcapplusplus_Dhcp3.1                     seladb/PcapPlusPlus, Unlicense
 *   discover-user-class.tcpdump_dhcp-rfc3004.1         the-tcpdump-group/tcpdump, BSD-3-Clause
 *   request-relayed.tcpdump_dhcp-mud.1, ack-relayed.tcpdump_dhcp-mud.2
 *   offer-hostname.tcpdump_dhcp-option-108.2
 *   leasequery.tcpdump_dhcp-rfc4388.9
 *   cookie-shifted.tcpdump_dhcp-rfc4388.43             (NOMATCH: cookie 2 bytes early)
 *   request-client-id-text.zeek_hw-type0.1             zeek/zeek, BSD-3-Clause
 *   inform.zeek_dhcp_inform.1
 *   hand-lying-option-length   the Sofacy request with option 60 claiming 49 bytes
 *   hand-bootp-plain           300 bytes of BOOTP without the cookie
 *   hand-ack-overload-both     52 = 3, host names in file and sname, TR-111 in 125
 *   hand-request-no-chaddr     htype 32, relayed, with ciaddr; a wire-format FQDN
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "dhcp.");
	if (o->side > HK_SIDE_OTHER)
		abort();
	if (o->confidence != 50 && o->confidence != 60 && o->confidence != 70 && o->confidence != 75 &&
	    o->confidence != 80 && o->confidence != 90)
		abort();
	if (o->side == HK_SIDE_OTHER && !o->subject.has_mac && o->subject.ip.family != 4)
		abort();
	if (o->side == HK_SIDE_DST)
		abort(); /* DHCP never describes the receiver as such */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hk_parse_ctx ctx = {.l4 = 17, .ndpi = ""};
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = fuzz_selector(&data, &size);
	ctx.dport = (sel & 1) ? 68 : 67;
	ctx.sport = (sel & 2) ? 67 : 68;

	fuzz_twice(proto_dhcp_parse, &ctx, data, size, true, FUZZ_OK, fuzz_check_obs, NULL);
	if (size)
		fuzz_once(proto_dhcp_parse, &ctx, data, size - 1, true, FUZZ_OK, fuzz_check_obs);
	return 0;
}
