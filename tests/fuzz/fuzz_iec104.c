/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: an IEC 60870-5-104 stream window (from its first byte,
 * as banner mode gives it) through proto_iec104_parse(). Besides crashes
 * and sanitizer reports it checks the parser contract: a known result, the
 * cursor inside its window, a bounded sink, no observation with NOMATCH,
 * every observation with an "iec104." source, about the sender (roles) or
 * either end (common addresses), with a non-empty, NUL-terminated,
 * printable value, and the same answer twice.
 *
 * Seeds (corpus/iec104/, named SHAPE.SOURCE.FRAME: the TCP payload of that
 * frame of that shared capture; or hand-* built from IEC 60870-5-104:2006):
 *   startdt-act.iti_JavaRMI_and_IEC_Misc.6    ITI/ICS-Security-Tools, CC-BY-4.0
 *   startdt-con.iti_JavaRMI_and_IEC_Misc.8
 *   gi-act.iti_JavaRMI_and_IEC_Misc.10
 *   end-of-init.iti_JavaRMI_and_IEC_Misc.12
 *   sp-seq.iti_JavaRMI_and_IEC_Misc.17
 *   s-frame.iti_JavaRMI_and_IEC_Misc.16
 *   me-nc.iti_090813_diverse.1
 *   sc-act.iti_090813_diverse.9
 *   hand-stream-controlled                    frames 8, 12, 14, 17 above in a row
 *   hand-malformed-u                          STARTDT act, then act and con at once
 *   hand-33-s-frames                          IEC104_APDUS_MAX + 1 APDUs
 *   hand-cas                                  five stations behind one connection
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
	static const struct hk_parse_ctx ctx = {.l4 = 6, .sport = 40000, .dport = 2404, .client_known = true,
						.from_client = true, .ndpi = "IEC60870"};
	struct hk_cur c = hk_cur_init(data, size);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_iec104_parse(&c, &ctx, s);
	if (c.off > c.len || (size && c.base != data))
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->side > HK_SIDE_DST || o->confidence > 100)
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "iec104.", 7) != 0)
		abort();
	if (strcmp(o->source, "iec104.role") == 0 && o->side != HK_SIDE_SRC)
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
