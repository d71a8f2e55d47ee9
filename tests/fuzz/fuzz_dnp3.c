/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: DNP3 link frames through proto_dnp3_parse(), the bytes
 * a TCP stream window (from its first byte) or a UDP datagram on port 20000
 * gives it; the first input byte's low bit picks TCP or UDP. Besides
 * crashes and sanitizer reports it checks the parser contract: a known
 * result, the cursor inside its window, a bounded sink, no observation
 * with NOMATCH, every observation about the sender with a "dnp3." source
 * and a non-empty, NUL-terminated, printable value, and the same answer
 * twice.
 *
 * Seeds (corpus/dnp3/, named SHAPE.SOURCE.FRAME: the transport byte, then
 * the payload of that frame of that shared capture; or hand-* built from
 * IEEE 1815-2012 clause 9.2):
 *   read-req.iti_read_and_response.4          ITI/ICS-Security-Tools, CC-BY-4.0
 *   max-frame.iti_read_and_response.6         (LEN 255, 292 bytes)
 *   read-resp.iti_read_and_response.8
 *   link-status-req.zeek_dnp3_udp_read.1      zeek/zeek, BSD-3-Clause
 *   link-status.zeek_dnp3_udp_read.2
 *   resp.zeek_dnp3_udp_read.14
 *   max-resp.icsnpp-dnp3_dnp3_example.2       cisagov/icsnpp-dnp3, BSD-3-Clause
 *   hand-resync                               the tail of a frame, then a frame
 *   hand-bad-crc                              a header CRC off by one bit
 *   hand-len-below-min                        LEN 4 with a right CRC
 *   hand-17-frames                            DNP3_FRAMES_MAX + 1 frames
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct hk_parse_ctx fuzz_ctx[2] = {
	{.l4 = 6, .sport = 20000, .dport = 40000, .client_known = true, .from_client = false, .ndpi = "DNP3"},
	{.l4 = 17, .sport = 40000, .dport = 20000, .ndpi = ""},
};

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "dnp3.");
	if (o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel = fuzz_selector(&data, &size);

	fuzz_twice(proto_dnp3_parse, &fuzz_ctx[sel & 1], data, size, false, FUZZ_OK | FUZZ_TRUNCATED | FUZZ_MALFORMED,
		   fuzz_check_obs, NULL);
	return 0;
}
