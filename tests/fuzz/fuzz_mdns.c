/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: an mDNS / DNS-SD message (a UDP 5353 payload) through
 * proto_mdns_parse() with the context the pipeline gives a UDP datagram.
 * Besides crashes and sanitizer reports it checks the parser contract: a known
 * result, the cursor inside its window, a bounded sink, nothing said unless
 * the result is OK (the parser validates the whole message before it emits),
 * every observation about the sender with an "mdns." source and a non-empty,
 * NUL-terminated, printable (escaped) value, and the same answer twice.
 *
 * Seeds (corpus/mdns/, named SHAPE.SOURCE.FRAME: the UDP payload of that
 * frame of that shared capture, or hand-* built from RFC 6762 / RFC 6763):
 *   imac-device-info.ndpi_telegram.11
 *       compressed; TXT model=iMac11,3, ntop/nDPI, LGPL-3.0
 *   sonos-uncompressed.ndpi_telegram.4
 *       PTR, TXT, SRV, A, ntop/nDPI, LGPL-3.0
 *   services-57-records.ndpi_iphone.3
 *       more records than the sink holds names, ntop/nDPI, LGPL-3.0
 *   query.zeek_mdns.2
 *       zeek/zeek, BSD-3-Clause
 *   query-known-answer.zeek_mdns.12
 *       zeek/zeek, BSD-3-Clause
 *   response-reverse.zeek_mdns.4
 *       A/AAAA and reverse PTR, zeek/zeek, BSD-3-Clause
 *   srv-aaaa.zeek_wikipedia.2
 *       zeek/zeek, BSD-3-Clause
 *   query-v6.pcapplusplus_sll.13
 *       seladb/PcapPlusPlus, Unlicense
 *   bare-names.icsnpp-opcua_open62541_discover_getendpoints_discover_urls.1
 *       A records for bare and instance names, cisagov/icsnpp-opcua-binary, BSD-3-Clause
 *   hand-pointer-loop
 *       an owner name pointing at itself (MALFORMED)
 *   hand-jump-chain-max
 *       an owner name 16 pointers deep (DNS_PTR_JUMPS_MAX)
 *   hand-jump-chain-past-max
 *       17 pointers deep (MALFORMED)
 *   hand-printer
 *       _ipp._tcp with ty=, usb_MFG=, usb_MDL=
 *   hand-googlecast
 *       _googlecast._tcp with md=
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "mdns.");
	if (o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hk_parse_ctx ctx = {.l4 = 17, .sport = 5353, .dport = 5353, .ndpi = "MDNS"};

	fuzz_twice(proto_mdns_parse, &ctx, data, size, false, FUZZ_OK, fuzz_check_obs, NULL);
	return 0;
}
