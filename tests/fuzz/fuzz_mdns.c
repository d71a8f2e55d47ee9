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

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum hk_parse_result fuzz_run(const uint8_t *data, size_t size, struct hk_obs *v, struct hk_obs_sink *s)
{
	static const struct hk_parse_ctx ctx = {.l4 = 17, .sport = 5353, .dport = 5353, .ndpi = "MDNS"};
	struct hk_cur c = hk_cur_init(data, size);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_mdns_parse(&c, &ctx, s);
	if (c.off > c.len || (size && c.base != data))
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->confidence > 100)
		abort();
	if (o->side != HK_SIDE_SRC)
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "mdns.", 5) != 0)
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
	if (r1 != HK_PARSE_OK && (s1.n || s1.n_dropped))
		abort();
	for (size_t i = 0; i < s1.n; i++)
		fuzz_check_obs(&v1[i]);
	if (r1 != r2 || s1.n != s2.n || s1.n_dropped != s2.n_dropped || memcmp(v1, v2, s1.n * sizeof(v1[0])) != 0)
		abort();
	return 0;
}
