/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: an LLDPDU (the bytes after ethertype 0x88cc) through
 * proto_lldp_parse() with the context the pipeline gives a layer-2 frame.
 * Besides crashes and sanitizer reports it checks the parser contract: a
 * known result, the cursor inside its window, a bounded sink, every
 * observation about the sender with an "lldp." source and a non-empty,
 * NUL-terminated, printable (escaped) value, and the same answer twice.
 *
 * Seeds (corpus/lldp/, named SHAPE.SOURCE.FRAME: the LLDPDU of that frame of
 * that shared capture, or hand-* built from IEEE 802.1AB-2016 / TIA-1057):
 *   basic.zeek_lldp.1                     zeek/zeek, BSD-3-Clause
 *   med.arkime_wireshark-lldp.3           arkime/arkime, Apache-2.0
 *   nul-terminated.arkime_wireshark-lldp.2
 *   dup-ttl.arkime_wireshark-lldp.1       (MALFORMED: a repeated TTL TLV)
 *   no-chassis.tcpdump_lldp_8021_linkagg.1 the-tcpdump-group/tcpdump, BSD-3-Clause
 *   mudurl.tcpdump_lldp_mudurl.1
 *   org-tlvs.tcpdump_lldp-app-priority.1
 *   router.arkime_ospf.14                 arkime/arkime, Apache-2.0
 *   hand-med-inventory                    an IP phone's MED inventory TLVs
 *   hand-lying-lengths                    management address and org TLVs that lie
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "lldp.");
	if (o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hk_parse_ctx ctx = {.l4 = 0, .ethertype = 0x88cc};

	fuzz_twice(proto_lldp_parse, &ctx, data, size, false, FUZZ_OK | FUZZ_TRUNCATED | FUZZ_MALFORMED,
		   fuzz_check_obs, NULL);
	return 0;
}
