/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a NetBIOS name service packet (a UDP 137 payload) through
 * proto_nbns_parse() with the context the pipeline gives a UDP datagram.
 * Besides crashes and sanitizer reports it checks the parser contract: a known
 * result, the cursor inside its window, a bounded sink, nothing said unless
 * the result is OK (the parser validates the whole message before it emits),
 * every observation about the sender or an IPv4 address it names with an
 * "nbns." source and a non-empty, NUL-terminated, printable (escaped) value,
 * and the same answer twice.
 *
 * Seeds (corpus/nbns/, named SHAPE.SOURCE.FRAME: the UDP payload of that
 * frame of that shared capture, or hand-* built from RFC 1001 / RFC 1002):
 *   registration.arkime_nbns.3           MDJR98<00>, arkime/arkime, Apache-2.0
 *   registration-group.arkime_nbns.2     WORKGROUP<00> group, arkime/arkime, Apache-2.0
 *   registration-msbrowse.arkime_nbns.48 __MSBROWSE__<01>, arkime/arkime, Apache-2.0
 *   answer.ndpi_netbios.69               positive name query response, ntop/nDPI, LGPL-3.0
 *   node-status.ndpi_netbios.55          NBSTAT, 4 names, ntop/nDPI, LGPL-3.0
 *   query.ndpi_netbios.56                ntop/nDPI, LGPL-3.0
 *   query-nbstat.ndpi_netbios.54         ntop/nDPI, LGPL-3.0
 *   hand-dc-roles                        <1B> unique, <1C> group with two addresses, <20>
 *   hand-lying-num-names                 NUM_NAMES 255 in a 1-name RDATA (MALFORMED)
 *   hand-refresh                         a refresh request
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "nbns.");
	/* the sender, or the IPv4 address an NB record names (no MAC) */
	if (o->side == HK_SIDE_OTHER) {
		if (o->subject.has_mac || o->subject.ip.family != 4)
			abort();
	} else if (o->side != HK_SIDE_SRC) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hk_parse_ctx ctx = {.l4 = 17, .sport = 137, .dport = 137, .ndpi = "NetBIOS"};

	fuzz_twice(proto_nbns_parse, &ctx, data, size, false, FUZZ_OK, fuzz_check_obs, NULL);
	return 0;
}
