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

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct hk_parse_ctx fuzz_ctx[4] = {
	{.l4 = 6, .sport = 502, .dport = 40000, .client_known = true, .from_client = false, .ndpi = "Modbus"},
	{.l4 = 6, .sport = 40000, .dport = 502, .client_known = true, .from_client = true, .ndpi = "Modbus"},
	{.l4 = 6, .sport = 1502, .dport = 40000, .client_known = false, .ndpi = "Modbus"},
	{.l4 = 6, .sport = 1502, .dport = 40000, .client_known = true, .from_client = true, .ndpi = "Modbus"},
};

static enum hk_parse_result fuzz_run(const uint8_t *data, size_t size, struct hk_obs *v, struct hk_obs_sink *s)
{
	const struct hk_parse_ctx *ctx = &fuzz_ctx[size ? data[0] % 4 : 0];
	const uint8_t *p = size ? data + 1 : data;
	size_t n = size ? size - 1 : 0;
	struct hk_cur c = hk_cur_init(p, n);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_modbus_parse(&c, ctx, s);
	if (c.off > c.len || (n && c.base != p))
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->side != HK_SIDE_SRC || o->confidence > 100)
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "modbus.", 7) != 0)
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
