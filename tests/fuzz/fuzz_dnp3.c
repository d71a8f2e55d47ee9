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

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct hk_parse_ctx fuzz_ctx[2] = {
	{.l4 = 6, .sport = 20000, .dport = 40000, .client_known = true, .from_client = false, .ndpi = "DNP3"},
	{.l4 = 17, .sport = 40000, .dport = 20000, .ndpi = ""},
};

static enum hk_parse_result fuzz_run(const uint8_t *data, size_t size, struct hk_obs *v, struct hk_obs_sink *s)
{
	const struct hk_parse_ctx *ctx = &fuzz_ctx[size ? data[0] & 1 : 0];
	const uint8_t *p = size ? data + 1 : data;
	size_t n = size ? size - 1 : 0;
	struct hk_cur c = hk_cur_init(p, n);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_dnp3_parse(&c, ctx, s);
	if (c.off > c.len || (n && c.base != p))
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->side != HK_SIDE_SRC || o->confidence > 100)
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "dnp3.", 5) != 0)
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
	if (r1 == HK_PARSE_NOMATCH && s1.n)
		abort();
	for (size_t i = 0; i < s1.n; i++)
		fuzz_check_obs(&v1[i]);
	if (r1 != r2 || s1.n != s2.n || s1.n_dropped != s2.n_dropped || memcmp(v1, v2, s1.n * sizeof(v1[0])) != 0)
		abort();
	return 0;
}
