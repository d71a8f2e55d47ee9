/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: an LLMNR message (a UDP 5355 payload) through
 * proto_llmnr_parse() with the context the pipeline gives a UDP datagram.
 * Besides crashes and sanitizer reports it checks the parser contract: a known
 * result, the cursor inside its window, a bounded sink, nothing said unless
 * the result is OK (the parser validates the whole message before it emits),
 * every observation about the sender with an "llmnr." source and a non-empty,
 * NUL-terminated, printable (escaped) value, and the same answer twice.
 *
 * Seeds (corpus/llmnr/, named SHAPE.SOURCE.FRAME: the UDP payload of that
 * frame of that shared capture, or hand-* built from RFC 4795 (no shared capture holds a response)):
 *   query.iti_addroute.3        "isatap" A, ITI/ICS-Security-Tools, CC-BY-4.0
 *   query-v6.zeek_wikipedia.120 zeek/zeek, BSD-3-Clause
 *   hand-answer                 the answer to query.iti_addroute.3
 *   hand-answer-aaaa            AAAA, names differing in case
 *   hand-pointer-loop           an answer name pointing at itself (MALFORMED)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "llmnr.");
	if (o->side != HK_SIDE_SRC)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hk_parse_ctx ctx = {.l4 = 17, .sport = 5355, .dport = 5355, .ndpi = "LLMNR"};

	fuzz_twice(proto_llmnr_parse, &ctx, data, size, false, FUZZ_OK, fuzz_check_obs, NULL);
	return 0;
}
