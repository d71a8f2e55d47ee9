/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: one direction of an OPC UA (opc.tcp) stream from its
 * first byte, as banner mode gives it (at most HK_STREAM_WINDOW_MAX bytes:
 * run with -max_len=9000 to reach the window-full case), through
 * proto_opcua_parse(); and, as the pipeline grows the window, the same cut
 * at half and at one byte short, each an exactly-sized heap copy so
 * AddressSanitizer sees a one-byte over-read. Besides crashes and sanitizer
 * reports it checks the parser contract: a known result, the cursor inside
 * its window, a bounded sink, nothing said with NOMATCH, every observation
 * with an "opcua." source, confidence 50, a non-empty, NUL-terminated,
 * printable value, about the sender except the endpoint URL and host
 * (either end), and the same answer twice.
 *
 * Seeds (corpus/opcua/, named SHAPE.SOURCE.FRAMES: the bytes of one stream
 * direction of that shared capture, from its first byte, cut at 8192; or
 * hand-* built from OPC 10000-6 as in tests/unit/test_proto_opcua.c):
 *   server.icsnpp-opcua_discover.77-          cisagov/icsnpp-opcua-binary, BSD-3-Clause:
 *   client.icsnpp-opcua_discover.75-          GetEndpoints of open62541 on host Maui-16714
 *   server.icsnpp-opcua_discover.8-           RegisterServer2 to a discovery server (and
 *   client.icsnpp-opcua_discover.6-           FindServersOnNetwork, later)
 *   server.icsnpp-opcua_discover.51-          FindServers answered by the LDS (2 servers)
 *   server.icsnpp-opcua_python.9-             FreeOpcUa: ClientAndServer, CreateSession
 *   client.icsnpp-opcua_python.7-
 *   server.icsnpp-opcua_with-gap.6-           Softing gateway, certificates, cut by a gap
 *   client.icsnpp-opcua_with-gap.4-           a client certificate in CreateSession
 *   server.iti_opc-ua-freeze.6-               ITI/ICS-Security-Tools, CC-BY-4.0: 5 endpoints
 *                                             with certificates, cut by the window
 *   hand-secured                              OPN Basic256Sha256, then MSG
 *   hand-chunks                               a response in C + F chunks, an abort
 *   hand-rhe                                  ReverseHello
 *   hand-diag-deep                            nested DiagnosticInfo past its depth
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct hk_parse_ctx fuzz_ctx = {.l4 = 6, .sport = 4840, .dport = 50000, .client_known = true,
					     .ndpi = ""};

static void fuzz_check_obs(const struct hk_obs *o)
{
	bool either = strcmp(o->source, "opcua.endpoint_url") == 0 || strcmp(o->source, "opcua.endpoint_host") == 0;

	fuzz_check_obs_basic(o, "opcua.");
	if (o->confidence != 50)
		abort();
	if (o->side != HK_SIDE_SRC && !(either && o->side == HK_SIDE_DST))
		abort();
}

/* one window, twice, in its own exactly-sized copy */
static void fuzz_window(const uint8_t *data, size_t size)
{
	fuzz_twice(proto_opcua_parse, &fuzz_ctx, data, size, true, FUZZ_OK | FUZZ_TRUNCATED | FUZZ_MALFORMED,
		   fuzz_check_obs, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > HK_STREAM_WINDOW_MAX)
		size = HK_STREAM_WINDOW_MAX; /* the pipeline's window never holds more */
	fuzz_window(data, size);
	if (size > 1) {
		fuzz_window(data, size / 2);
		fuzz_window(data, size - 1);
	}
	return 0;
}
