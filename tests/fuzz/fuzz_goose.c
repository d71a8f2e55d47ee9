/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a GOOSE frame's bytes after the ethertype through
 * proto_goose_parse(). The first input byte picks the context: bit 0 set
 * gives no ethertype (as a caller that does not say), bit 4 makes it UDP
 * (which must say NOMATCH); the rest is the frame. Besides crashes and
 * sanitizer reports it checks the parser contract: a known result, a
 * bounded sink, nothing said unless OK, every observation about the sender
 * with a "goose." source and a non-empty, NUL-terminated, printable
 * (escaped) value; and the same answer twice.
 *
 * Seeds (corpus/goose/, SHAPE.SOURCE.FRAME: selector byte + the frame after
 * the ethertype; hand-* built from IEC 61850-8-1 Annex A):
 *   ge-f650.icsnpp-goose_GOOSE.1         haolipeng/icsnpp-iec61850-goose, BSD-3-Clause
 *   abb-vlan.iti_Sample_File_GOOSE.1     ITI/ICS-Security-Tools, CC-BY-4.0
 *   hand-simulated                       Simulate bit and flag set, no goID
 *   hand-security                        with the optional security field
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
	uint8_t sel = size ? data[0] : 0;
	const uint8_t *payload = size ? data + 1 : data;
	size_t len = size ? size - 1 : 0;
	struct hk_parse_ctx ctx = {
		.l4 = (sel & 0x10) ? 17 : 0,
		.ethertype = (sel & 1) ? 0 : 0x88b8,
		.ndpi = "",
	};
	struct hk_cur c = hk_cur_init(payload, len);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_goose_parse(&c, &ctx, s);
	if (c.off > c.len || (len && c.base != payload))
		abort();
	if (ctx.l4 != 0 && r != HK_PARSE_NOMATCH)
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->side != HK_SIDE_SRC || o->confidence > 100)
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "goose.", 6) != 0)
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
		abort();
	for (size_t i = 0; i < s1.n; i++)
		fuzz_check_obs(&v1[i]);
	if (r1 != r2 || s1.n != s2.n || s1.n_dropped != s2.n_dropped || memcmp(v1, v2, s1.n * sizeof(v1[0])) != 0)
		abort();
	return 0;
}
