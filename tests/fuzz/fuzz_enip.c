/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: EtherNet/IP bytes through proto_enip_parse(). The first
 * input byte picks the context (bits 0-1): 0 one TCP encapsulation message
 * from the client (52593 -> 44818), 1 from the server (44818 -> 52593),
 * 2 a UDP datagram from 44818 (ListIdentity), 3 UDP 2222 -> 2222 (implicit
 * I/O); the rest is the payload. Besides crashes and sanitizer reports it
 * checks the parser contract: a known result, the cursor inside its window,
 * a bounded sink, nothing said unless OK, every observation about the sender
 * with an "enip." source and a non-empty, NUL-terminated, printable
 * (escaped) value, nothing at all said about implicit I/O, and the same
 * answer twice.
 *
 * Seeds (corpus/enip/, named SHAPE.SOURCE.FRAME: selector byte + the TCP or
 * UDP payload of that frame of that shared capture; hand-* built from the
 * CIP Networks Library Vol. 1 and 2, as in tests/unit/test_proto_enip.c).
 * Only captures under permissive licences:
 *   rr-unconnected-send.iti_EthernetIP-CIP.29  ITI/ICS-Security-Tools, CC-BY-4.0
 *   rr-gaa-reply-0xac.iti_EthernetIP-CIP.31
 *   unit-msp-reply.iti_EthernetIP-CIP.10097
 *   unit-msp-request.iti_EthernetIP-CIP.10011
 *   unit-msp-request.iti_cip-multiple-1.1
 *   unit-stop.iti_cip_stop_plc.1
 *   unit-set-attr.icsnpp-enip_set_attribute_single_service_cip.1  cisagov/icsnpp-enip, BSD-3-Clause
 *   hand-list-identity            a ListIdentity reply (1756-L61)
 *   hand-list-identity-req        its request
 *   hand-gaa-identity             a Get_Attributes_All reply of the Identity object
 *   hand-msp-identity             a Multiple Service Packet reply holding one
 *   hand-lying-item               a ListIdentity item longer than the message
 *   hand-io                       UDP 2222 class 1 I/O: sequenced address and connected data items
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct hk_parse_ctx fuzz_ctx[4] = {
	{.l4 = 6, .sport = 52593, .dport = 44818, .from_client = true, .client_known = true, .ndpi = "EthernetIP"},
	{.l4 = 6, .sport = 44818, .dport = 52593, .from_client = false, .client_known = true, .ndpi = "EthernetIP"},
	{.l4 = 17, .sport = 44818, .dport = 50000, .ndpi = ""},
	{.l4 = 17, .sport = 2222, .dport = 2222, .ndpi = ""},
};

static enum hk_parse_result fuzz_run(const uint8_t *data, size_t size, struct hk_obs *v, struct hk_obs_sink *s,
				     unsigned *ret_sel)
{
	unsigned sel = size ? data[0] & 3u : 0;
	const uint8_t *payload = size ? data + 1 : data;
	size_t len = size ? size - 1 : 0;
	struct hk_cur c = hk_cur_init(payload, len);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_enip_parse(&c, &fuzz_ctx[sel], s);
	if (c.off > c.len || (len && c.base != payload))
		abort();
	*ret_sel = sel;
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || o->side != HK_SIDE_SRC || o->confidence > 100)
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "enip.", 5) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)o->value[i] < 0x20 || (unsigned char)o->value[i] >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hk_obs v1[HK_OBS_PER_PACKET_MAX], v2[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink s1, s2;
	unsigned sel;
	enum hk_parse_result r1 = fuzz_run(data, size, v1, &s1, &sel);
	enum hk_parse_result r2 = fuzz_run(data, size, v2, &s2, &sel);

	if ((unsigned)r1 >= HK_PARSE__MAX || s1.n > s1.cap)
		abort();
	if (r1 != HK_PARSE_OK && s1.n)
		abort(); /* a message that is not whole and sound says nothing */
	if (sel == 3 && s1.n)
		abort(); /* implicit I/O carries no identity */
	for (size_t i = 0; i < s1.n; i++)
		fuzz_check_obs(&v1[i]);
	if (r1 != r2 || s1.n != s2.n || s1.n_dropped != s2.n_dropped || memcmp(v1, v2, s1.n * sizeof(v1[0])) != 0)
		abort();
	return 0;
}
