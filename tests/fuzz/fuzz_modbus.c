/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: Modbus/TCP ADUs through proto_modbus_parse(). The first
 * input byte picks the context (modulo 4): 0 a response (TCP source port
 * 502), 1 a request (destination port 502), 2 other ports and the client
 * unknown (the shape of the PDU decides), 3 other ports with the flow's
 * client as sender; the rest is the bytes the flow layer would give (one
 * ADU as framed by HK_FRAME_MBAP, or anything). Besides crashes and
 * sanitizer reports it checks the parser contract: a known result, the
 * cursor inside its window, a bounded sink, no observation with NOMATCH,
 * every observation about the sender with a "modbus." source and a
 * non-empty, NUL-terminated, printable (escaped) value, and the same
 * answer twice.
 *
 * Seeds (corpus/modbus/, named SHAPE.SOURCE.FRAME: the context byte, then
 * the TCP payload of that frame of that shared capture; or hand-* built
 * from the MODBUS Application Protocol V1.1b3):
 *   resp-rsid.arkime_modbus.41            arkime/arkime, Apache-2.0
 *   req-rsid.arkime_modbus.40
 *   resp-exc-rsid.arkime_modbus.170
 *   resp-devid-empty.zeek_modbus-eit.2    zeek/zeek, BSD-3-Clause
 *   req-devid.zeek_modbus-eit.1
 *   resp-exc-devid.zeek_modbus-eit.4
 *   req-fc23-len254.zeek_4SICS-GeekLounge-151022-min.1
 *   resp-exc-fc23.zeek_4SICS-GeekLounge-151022-min.2
 *   req-fc4.pcapplusplus_modbusFrames.1   seladb/PcapPlusPlus, Unlicense
 *   resp-fc3.suri_modbus.58               OISF/suricata-verify, MIT
 *   any-resp-fc1.zeek_modbusBig.3150      (context 2: no port 502)
 *   hand-devid-basic                      the spec's 6.21 example
 *   hand-devid-extended                   regular, reserved and private objects
 *   hand-devid-lying                      an object longer than its ADU
 *   hand-umas                             a UMAS request and response shape
 *   hand-two-adus                         two responses in one buffer
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct hk_parse_ctx fuzz_ctx[4] = {
	{.l4 = 6, .sport = 502, .dport = 40000, .client_known = true, .from_client = false, .ndpi = "Modbus"},
	{.l4 = 6, .sport = 40000, .dport = 502, .client_known = true, .from_client = true, .ndpi = "Modbus"},
	{.l4 = 6, .sport = 1502, .dport = 40000, .client_known = false, .ndpi = "Modbus"},
	{.l4 = 6, .sport = 1502, .dport = 40000, .client_known = true, .from_client = true, .ndpi = "Modbus"},
};

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "modbus.");
	if (o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel = fuzz_selector(&data, &size);

	fuzz_twice(proto_modbus_parse, &fuzz_ctx[sel % 4], data, size, false, FUZZ_OK | FUZZ_TRUNCATED | FUZZ_MALFORMED,
		   fuzz_check_obs, NULL);
	return 0;
}
