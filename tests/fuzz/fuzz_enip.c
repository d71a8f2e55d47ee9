/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: EtherNet/IP bytes through proto_enip_parse(). The first
 * input byte picks the context (bits 0-1): 0 one TCP encapsulation message
 * from the client (52593 -> 44818), 1 from the server (44818 -> 52593),
 * 2 a UDP datagram from 44818 (ListIdentity), 3 UDP 2222 -> 2222 (implicit
 * I/O); the rest is the payload. Besides crashes and sanitizer reports it
 * checks the parser contract: a known result, the cursor inside its window,
 * a bounded sink, nothing said unless OK, every observation about the sender
 * with an "enip." source and a non-empty, NUL-terminated, printable
 * (escaped) value, nothing at all said about implicit I/O, and the same
 * answer twice.
 *
 * Seeds (corpus/enip/, named SHAPE.SOURCE.FRAME: selector byte + the TCP or
 * UDP payload of that frame of that shared capture; hand-* built from the
 * CIP Networks Library Vol. 1 and 2, as in tests/unit/test_proto_enip.c).
 * Only captures under permissive licences:
 *   rr-unconnected-send.iti_EthernetIP-CIP.29  ITI/ICS-Security-Tools, CC-BY-4.0
 *   rr-gaa-reply-0xac.iti_EthernetIP-CIP.31
 *   unit-msp-reply.iti_EthernetIP-CIP.10097
 *   unit-msp-request.iti_EthernetIP-CIP.10011
 *   unit-msp-request.iti_cip-multiple-1.1
 *   unit-stop.iti_cip_stop_plc.1
 *   unit-set-attr.icsnpp-enip_set_attribute_single_service_cip.1  cisagov/icsnpp-enip, BSD-3-Clause
 *   hand-list-identity            a ListIdentity reply (1756-L61)
 *   hand-list-identity-req        its request
 *   hand-gaa-identity             a Get_Attributes_All reply of the Identity object
 *   hand-msp-identity             a Multiple Service Packet reply holding one
 *   hand-lying-item               a ListIdentity item longer than the message
 *   hand-io                       UDP 2222 class 1 I/O: sequenced address and connected data items
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct hk_parse_ctx fuzz_ctx[4] = {
	{.l4 = 6, .sport = 52593, .dport = 44818, .from_client = true, .client_known = true, .ndpi = "EthernetIP"},
	{.l4 = 6, .sport = 44818, .dport = 52593, .from_client = false, .client_known = true, .ndpi = "EthernetIP"},
	{.l4 = 17, .sport = 44818, .dport = 50000, .ndpi = ""},
	{.l4 = 17, .sport = 2222, .dport = 2222, .ndpi = ""},
};

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "enip.");
	if (o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned sel = fuzz_selector(&data, &size) & 3u;
	struct hk_obs_sink s;

	/* a message that is not whole and sound says nothing */
	fuzz_twice(proto_enip_parse, &fuzz_ctx[sel], data, size, false, FUZZ_OK, fuzz_check_obs, &s);
	if (sel == 3 && s.n)
		abort(); /* implicit I/O carries no identity */
	return 0;
}
