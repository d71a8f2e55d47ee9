/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: an SSDP datagram (a UDP 1900 payload) through
 * proto_ssdp_parse() with the context the pipeline gives a UDP datagram.
 * Besides crashes and sanitizer reports it checks the parser contract: a known
 * result, the cursor inside its window, a bounded sink, nothing said unless
 * the result is OK (the parser validates the whole message before it emits),
 * every observation about the sender with an "ssdp." source and a non-empty,
 * NUL-terminated, printable (escaped) value, and the same answer twice.
 *
 * Seeds (corpus/ssdp/, named SHAPE.SOURCE.FRAME: the UDP payload of that
 * frame of that shared capture, or hand-* built from UPnP Device Architecture 2.0):
 *   notify.suri_ssdp.1                          MiniUPnPd, OISF/suricata-verify, MIT
 *   notify-windows.ndpi_1kxun.693               ntop/nDPI, LGPL-3.0
 *   notify-wince.iti_addroute.243               ITI/ICS-Security-Tools, CC-BY-4.0
 *   notify-basic-device.iti_beckoffiplinktc3.11
 *       NT urn:...:device:Basic:1, ITI/ICS-Security-Tools, CC-BY-4.0
 *   msearch-ua.ndpi_ssdp-m-search-ua.1          USER-AGENT, ntop/nDPI, LGPL-3.0
 *   msearch-nospace.ndpi_1kxun.3                "ST:urn...", ntop/nDPI, LGPL-3.0
 *   msearch-trailing-nul.ndpi_telegram.2        a NUL after the empty line, ntop/nDPI, LGPL-3.0
 *   request-line-only.ndpi_ssdp-m-search.1      never finished (TRUNCATED), ntop/nDPI, LGPL-3.0
 *   hand-response-igd                           a 200 OK for an Internet gateway device
 *   hand-lf-only                                bare LF line ends
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "ssdp.");
	if (o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hk_parse_ctx ctx = {.l4 = 17, .sport = 1900, .dport = 1900, .ndpi = "SSDP"};

	fuzz_twice(proto_ssdp_parse, &ctx, data, size, false, FUZZ_OK, fuzz_check_obs, NULL);
	return 0;
}
