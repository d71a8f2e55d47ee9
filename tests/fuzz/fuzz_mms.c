/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: one TPKT through proto_mms_parse(). The first input byte
 * picks the direction (bit 0: sent by the port-102 end) and bit 4 makes it
 * UDP (which must say NOMATCH); the rest is the TPKT. Besides crashes and
 * sanitizer reports it checks the parser contract: a known result, a
 * bounded sink, nothing said unless OK (mms.c emits only after the whole
 * PPDU was read), every observation with an "mms." source, a side of SRC
 * (DST only for mms.ld) and a non-empty, NUL-terminated, printable
 * (escaped) value; and the same answer twice.
 *
 * Seeds (corpus/mms/, SHAPE.SOURCE.FRAME: selector byte + the TCP payload of
 * that frame; hand-* built from ISO 9506-2). ITI/ICS-Security-Tools
 * captures, CC-BY-4.0:
 *   initiate-req, initiate-res, gvaa-req, error-res, read-req, read-res,
 *   conclude-req, conclude-res, finish
 *     .iti_Sample_File_MMS_and_GOOSE.{110,111,124,126,128,129,136,138,139}
 *   report.iti_Sample_File_MMS_and_GOOSE.3
 *   connect-libiec61850, gnl-req, accept-bad-li
 *     .iti_iec61850_get_name_list.{8,12,10}
 *   hand-identify-req, hand-identify-res  Identify request and answer
 *   hand-gnl-res                          GetNameList answer: two domains
 *   hand-wap-mms                          WAP Multimedia Messaging in a TPDU (NOMATCH)
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
		.l4 = (sel & 0x10) ? 17 : 6,
		.sport = (sel & 1) ? 102 : 49152,
		.dport = (sel & 1) ? 49152 : 102,
		.ndpi = "s7comm",
	};
	struct hk_cur c = hk_cur_init(payload, len);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_mms_parse(&c, &ctx, s);
	if (c.off > c.len || (len && c.base != payload))
		abort();
	if (ctx.l4 != 6 && r != HK_PARSE_NOMATCH)
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->confidence > 100 || strncmp(o->source, "mms.", 4) != 0)
		abort();
	if (o->side != HK_SIDE_SRC && !(o->side == HK_SIDE_DST && strcmp(o->source, "mms.ld") == 0))
		abort();
	if (n == 0 || n >= sizeof(o->value))
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
