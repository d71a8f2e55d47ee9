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

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	bool set = strncmp(o->source, "pndcp.set.", 10) == 0;

	fuzz_check_obs_basic(o, "pndcp.");
	if (o->side != (set ? HK_SIDE_DST : HK_SIDE_SRC))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hk_parse_ctx ctx = {.l4 = 0, .ethertype = 0x8892, .ndpi = ""};

	/* a frame that is not whole and sound says nothing */
	fuzz_twice(proto_pndcp_parse, &ctx, data, size, false, FUZZ_OK, fuzz_check_obs, NULL);
	return 0;
}
