/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a DHCPv6 UDP payload through proto_dhcpv6_parse(). The
 * first input byte picks the context (bit 0: to port 546, a server talking
 * to the client; else to 547); the rest is the payload, parsed as an
 * exactly-sized heap copy and again cut one byte short. Besides crashes and
 * sanitizer reports it checks the parser contract: a known result, the cursor
 * inside its window, observations only with OK and none past the sink, each
 * with a "dhcpv6." source, a confidence the parser uses, a non-empty,
 * NUL-terminated, printable (escaped) value, a subject that is a MAC or a
 * global IPv6 address when it names one itself, and the same answer twice.
 *
 * Seeds (corpus/dhcpv6/, named SHAPE.SOURCE.FRAME: the UDP payload of that
 * frame of that shared capture behind the context byte, or hand-* built here):
 *   solicit-duid-llt.iti_addroute.98       ITI/ICS-Security-Tools, CC-BY-4.0
 *   solicit-duid-ll.tcpdump_dhcpv6-ia-na.1 the-tcpdump-group/tcpdump, BSD-3-Clause
 *   advertise.tcpdump_dhcpv6-ia-na.2, reply-ia-na.tcpdump_dhcpv6-ia-na.4
 *   renew-duid-uuid.tcpdump_dhcpv6-rfc6355-duid-uuid.1, reply-duid-uuid...2
 *   relay-forw-cablelabs.tcpdump_dhcpv6-vendor-specific-information.1
 *   hand-relay-repl-3      the Reply above in three Relay-repl messages
 *   hand-solicit-duid-en   DUID-EN, FQDN, vendor class, ORO
 *   hand-relay-forw-9      that Solicit nine relays deep (MALFORMED)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum hk_parse_result fuzz_run(const struct hk_parse_ctx *ctx, const uint8_t *data, size_t size,
				     struct hk_obs *v, struct hk_obs_sink *s)
{
	uint8_t *copy = calloc(1, size ? size : 1);
	struct hk_cur c;
	enum hk_parse_result r;

	if (!copy)
		abort();
	if (size)
		memcpy(copy, data, size);
	c = hk_cur_init(copy, size);
	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_dhcpv6_parse(&c, ctx, s);
	if (c.off > c.len)
		abort();
	free(copy);
	return r;
}

static void fuzz_check(enum hk_parse_result r, const struct hk_obs_sink *s)
{
	if ((unsigned)r >= HK_PARSE__MAX || s->n > s->cap)
		abort();
	if (r != HK_PARSE_OK && s->n)
		abort();
	for (size_t i = 0; i < s->n; i++) {
		const struct hk_obs *o = &s->v[i];
		size_t n = strnlen(o->value, sizeof(o->value));

		if ((unsigned)o->kind >= HK_OBS__MAX || o->side > HK_SIDE_OTHER)
			abort();
		if (o->confidence != 50 && o->confidence != 60 && o->confidence != 70 && o->confidence != 75 &&
		    o->confidence != 90)
			abort();
		if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "dhcpv6.", 7) != 0)
			abort();
		for (size_t k = 0; k < n; k++)
			if ((unsigned char)o->value[k] < 0x20 || (unsigned char)o->value[k] >= 0x7f)
				abort();
		if (o->side == HK_SIDE_OTHER && !o->subject.has_mac &&
		    (o->subject.ip.family != 6 || hk_addr_is_linklocal(&o->subject.ip)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hk_obs v1[HK_OBS_PER_PACKET_MAX], v2[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink s1, s2;
	struct hk_parse_ctx ctx = {.l4 = 17, .ndpi = ""};
	enum hk_parse_result r1, r2;

	if (size < 1)
		return 0;
	ctx.dport = (data[0] & 1) ? 546 : 547;
	ctx.sport = (data[0] & 1) ? 547 : 546;
	data++, size--;

	r1 = fuzz_run(&ctx, data, size, v1, &s1);
	fuzz_check(r1, &s1);
	r2 = fuzz_run(&ctx, data, size, v2, &s2);
	if (r1 != r2 || s1.n != s2.n || s1.n_dropped != s2.n_dropped || memcmp(v1, v2, s1.n * sizeof(v1[0])) != 0)
		abort();
	if (size) {
		r2 = fuzz_run(&ctx, data, size - 1, v2, &s2);
		fuzz_check(r2, &s2);
	}
	return 0;
}
