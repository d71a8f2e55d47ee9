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

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "goose.");
	if (o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel = fuzz_selector(&data, &size);
	struct hk_parse_ctx ctx = {
		.l4 = (sel & 0x10) ? 17 : 0,
		.ethertype = (sel & 1) ? 0 : 0x88b8,
		.ndpi = "",
	};
	enum hk_parse_result r;

	r = fuzz_twice(proto_goose_parse, &ctx, data, size, false, FUZZ_OK, fuzz_check_obs, NULL);
	if (ctx.l4 != 0 && r != HK_PARSE_NOMATCH)
		abort();
	return 0;
}
