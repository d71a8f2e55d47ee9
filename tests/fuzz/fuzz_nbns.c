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

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum hk_parse_result fuzz_run(const uint8_t *data, size_t size, struct hk_obs *v, struct hk_obs_sink *s)
{
	static const struct hk_parse_ctx ctx = {.l4 = 17, .sport = 137, .dport = 137, .ndpi = "NetBIOS"};
	struct hk_cur c = hk_cur_init(data, size);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_nbns_parse(&c, &ctx, s);
	if (c.off > c.len || (size && c.base != data))
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->confidence > 100)
		abort();
	/* the sender, or the IPv4 address an NB record names (no MAC) */
	if (o->side == HK_SIDE_OTHER) {
		if (o->subject.has_mac || o->subject.ip.family != 4)
			abort();
	} else if (o->side != HK_SIDE_SRC) {
		abort();
	}
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "nbns.", 5) != 0)
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
