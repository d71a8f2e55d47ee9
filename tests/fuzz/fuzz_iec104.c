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

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "iec104.");
	if (o->side > HK_SIDE_DST)
		abort();
	if (strcmp(o->source, "iec104.role") == 0 && o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hk_parse_ctx ctx = {.l4 = 6, .sport = 40000, .dport = 2404, .client_known = true,
						.from_client = true, .ndpi = "IEC60870"};

	fuzz_twice(proto_iec104_parse, &ctx, data, size, false, FUZZ_OK | FUZZ_TRUNCATED | FUZZ_MALFORMED,
		   fuzz_check_obs, NULL);
	return 0;
}
