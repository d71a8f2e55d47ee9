/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a DHCP/BOOTP UDP payload through proto_dhcp_parse().
 * The first input byte picks the context (bit 0: the packet goes to port 68,
 * a server or relay talking to the client; else to port 67; bit 1: the
 * source port is 67 rather than 68); the rest is the payload, parsed as an
 * exactly-sized heap copy and again cut one byte short. Besides crashes and
 * sanitizer reports it checks the parser contract: a known result, the cursor
 * inside its window, observations only with OK and none past the sink, each
 * with a "dhcp." source, a confidence the parser uses, a non-empty,
 * NUL-terminated, printable (escaped) value, a subject that is a MAC or an
 * IPv4 address when it names one itself, and the same answer twice.
 *
 * Seeds (corpus/dhcp/, named SHAPE.SOURCE.FRAME: the UDP payload of that
 * frame of that shared capture behind the context byte, or hand-* built here):
 *   request.suri_public-ex1_section8_Sofacy.3          OISF/suricata-verify, MIT
 *   ack.suri-dhcp-eve-extended_input.2                 OISF/suricata-verify, MIT
 *   ack-overload-sname.suri-dhcp-option-52-overload_input.7  (52 = 2)
 *   ack-tr111.pcapplusplus_Dhcp3.1                     seladb/PcapPlusPlus, Unlicense
 *   discover-user-class.tcpdump_dhcp-rfc3004.1         the-tcpdump-group/tcpdump, BSD-3-Clause
 *   request-relayed.tcpdump_dhcp-mud.1, ack-relayed.tcpdump_dhcp-mud.2
 *   offer-hostname.tcpdump_dhcp-option-108.2
 *   leasequery.tcpdump_dhcp-rfc4388.9
 *   cookie-shifted.tcpdump_dhcp-rfc4388.43             (NOMATCH: cookie 2 bytes early)
 *   request-client-id-text.zeek_hw-type0.1             zeek/zeek, BSD-3-Clause
 *   inform.zeek_dhcp_inform.1
 *   hand-lying-option-length   the Sofacy request with option 60 claiming 49 bytes
 *   hand-bootp-plain           300 bytes of BOOTP without the cookie
 *   hand-ack-overload-both     52 = 3, host names in file and sname, TR-111 in 125
 *   hand-request-no-chaddr     htype 32, relayed, with ciaddr; a wire-format FQDN
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
	r = proto_dhcp_parse(&c, ctx, s);
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
		    o->confidence != 80 && o->confidence != 90)
			abort();
		if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "dhcp.", 5) != 0)
			abort();
		for (size_t k = 0; k < n; k++)
			if ((unsigned char)o->value[k] < 0x20 || (unsigned char)o->value[k] >= 0x7f)
				abort();
		if (o->side == HK_SIDE_OTHER && !o->subject.has_mac && o->subject.ip.family != 4)
			abort();
		if (o->side == HK_SIDE_DST)
			abort(); /* DHCP never describes the receiver as such */
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
	ctx.dport = (data[0] & 1) ? 68 : 67;
	ctx.sport = (data[0] & 2) ? 67 : 68;
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
