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

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum hk_parse_result fuzz_run(const uint8_t *data, size_t size, struct hk_obs *v, struct hk_obs_sink *s)
{
	static const struct hk_parse_ctx ctx = {.l4 = 17, .sport = 5355, .dport = 5355, .ndpi = "LLMNR"};
	struct hk_cur c = hk_cur_init(data, size);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_llmnr_parse(&c, &ctx, s);
	if (c.off > c.len || (size && c.base != data))
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->confidence > 100)
		abort();
	if (o->side != HK_SIDE_SRC)
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "llmnr.", 6) != 0)
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
