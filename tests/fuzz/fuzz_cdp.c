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

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "cdp.");
	if (o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hk_parse_ctx ctx = {.l4 = 0, .ethertype = 0};

	fuzz_twice(proto_cdp_parse, &ctx, data, size, false, FUZZ_OK | FUZZ_TRUNCATED | FUZZ_MALFORMED,
		   fuzz_check_obs, NULL);
	return 0;
}
