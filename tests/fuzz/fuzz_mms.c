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

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "mms.");
	if (o->side != HK_SIDE_SRC && !(o->side == HK_SIDE_DST && strcmp(o->source, "mms.ld") == 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel = fuzz_selector(&data, &size);
	struct hk_parse_ctx ctx = {
		.l4 = (sel & 0x10) ? 17 : 6,
		.sport = (sel & 1) ? 102 : 49152,
		.dport = (sel & 1) ? 49152 : 102,
		.ndpi = "s7comm",
	};
	enum hk_parse_result r;

	r = fuzz_twice(proto_mms_parse, &ctx, data, size, false, FUZZ_OK, fuzz_check_obs, NULL);
	if (ctx.l4 != 6 && r != HK_PARSE_NOMATCH)
		abort();
	return 0;
}
