/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a CDP PDU (the bytes after the SNAP header 00-00-0c 0x2000) through
 * proto_cdp_parse() with the context the pipeline gives a layer-2 frame.
 * Besides crashes and sanitizer reports it checks the parser contract: a
 * known result, the cursor inside its window, a bounded sink, every
 * observation about the sender with a "cdp." source and a non-empty,
 * NUL-terminated, printable (escaped) value, and the same answer twice.
 *
 * Seeds (corpus/cdp/, named SHAPE.SOURCE.FRAME: the CDP PDU of that frame
 * of that shared capture, or hand-* built from the layouts above):
 *   v1.zeek_cdp-v1.1                      zeek/zeek, BSD-3-Clause
 *   v2-vlan.pcapplusplus_llc_vlan.1       seladb/PcapPlusPlus, Unlicense
 *   hand-addresses                        IPv4/IPv6/CLNS address lists, mgmt addresses,
 *                                         native VLAN, system name
 *   hand-lying-lengths                    an address count past its entries, a TLV
 *                                         length below its header
 *   hand-phone                            an IP phone's capabilities and strings with NUL
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
	static const struct hk_parse_ctx ctx = {.l4 = 0, .ethertype = 0};
	struct hk_cur c = hk_cur_init(data, size);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_cdp_parse(&c, &ctx, s);
	if (c.off > c.len || (size && c.base != data))
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->side != HK_SIDE_SRC || o->confidence > 100)
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "cdp.", 4) != 0)
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
