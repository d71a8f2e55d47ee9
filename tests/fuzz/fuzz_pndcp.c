/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a PROFINET frame's payload (the bytes after ethertype
 * 0x8892) through proto_pndcp_parse(), with the context the pipeline gives
 * a layer-2 frame. Besides crashes and sanitizer reports it checks the
 * parser contract: a known result, the cursor inside its window, a bounded
 * sink, nothing said unless OK, every observation about the sender or (a
 * Set request's, "pndcp.set.*" only) about the receiver, with a "pndcp."
 * source and a non-empty, NUL-terminated, printable (escaped) value, and
 * the same answer twice.
 *
 * Seeds (corpus/pndcp/, named SHAPE.SOURCE.FRAME: the bytes after the
 * ethertype of that frame of that shared capture, Ethernet padding
 * included; hand-* built from IEC 61158-6-10, as in
 * tests/unit/test_proto_pndcp.c). Only captures under permissive licences:
 *   ident-req.iti_ChangeIPUsingDCP.1         ITI/ICS-Security-Tools, CC-BY-4.0
 *   ident-res.iti_ChangeIPUsingDCP.2
 *   set-ip.iti_ChangeIPUsingDCP.3
 *   set-res.iti_ChangeIPUsingDCP.4
 *   ident-req.iti_profinet-wireshark-bug.1
 *   ident-res-controller.iti_profinet-wireshark-bug.2
 *   set-name.iti_profinet-wireshark-bug.3
 *   set-res.iti_profinet-wireshark-bug.4
 *   hand-hello                    a Hello with name, IP, IDs, OEM ID, instance, MAC
 *   hand-get-res                  a Get response with a full IP suite and roles
 *   hand-lying-block              a block longer than the DCP data
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
	static const struct hk_parse_ctx ctx = {.l4 = 0, .ethertype = 0x8892, .ndpi = ""};
	struct hk_cur c = hk_cur_init(data, size);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_pndcp_parse(&c, &ctx, s);
	if (c.off > c.len || (size && c.base != data))
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));
	bool set = strncmp(o->source, "pndcp.set.", 10) == 0;

	if ((unsigned)o->kind >= HK_OBS__MAX || o->confidence > 100)
		abort();
	if (o->side != (set ? HK_SIDE_DST : HK_SIDE_SRC))
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "pndcp.", 6) != 0)
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
	if (r1 != HK_PARSE_OK && s1.n)
		abort(); /* a frame that is not whole and sound says nothing */
	for (size_t i = 0; i < s1.n; i++)
		fuzz_check_obs(&v1[i]);
	if (r1 != r2 || s1.n != s2.n || s1.n_dropped != s2.n_dropped || memcmp(v1, v2, s1.n * sizeof(v1[0])) != 0)
		abort();
	return 0;
}
