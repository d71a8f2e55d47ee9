/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: one TPKT (a TCP port-102 PDU) through proto_iso_parse()
 * (which hands S7comm, S7comm-plus and MMS to their parsers) and through
 * proto_s7comm_parse() alone. The first input byte picks the direction
 * (bit 0: sent by the port-102 end, else to it; bit 1: both ends port 102)
 * and bit 4 makes it UDP (which must say NOMATCH); the rest is the TPKT.
 * Besides crashes and sanitizer reports it checks the parser contract: a
 * known result, a bounded sink, a MALFORMED PDU says nothing, every
 * observation has a "s7comm."/"s7commplus."/"cotp."/"mms." source, a side
 * of SRC or DST, and a non-empty, NUL-terminated, printable (escaped)
 * value; and the same answer twice.
 *
 * Seeds (corpus/s7comm/, named SHAPE.SOURCE.FRAME: selector byte + the TCP
 * payload of that frame of that shared capture; hand-* built for this
 * project). Only captures under permissive licences:
 *   cr-pg, setup-job, setup-ack, szl-req, szl11-resp, szl1c-resp
 *     .iti_s7comm_reading_setting_plc_time.{7,9,10,21,23,32}
 *     ITI/ICS-Security-Tools, CC-BY-4.0 (so are the iti_S7-* ones)
 *   cr-es, s7p-create-req, s7p-create-res, s7p-v2-res
 *     .iti_S7-1200-Uploading-OB1-TIAV12.{4,6,8,11}
 *   cr-hmi, s7p-create-res-challenge, s7p-v2-integrity
 *     .iti_S7-1511_db2_var1_HMI.{4,7,13}
 *   userdata-push.pcapplusplus_s7comm.1   seladb/PcapPlusPlus, Unlicense
 *   s7p-notify.zeek_modbusBig.2           zeek/zeek, BSD-3-Clause
 *   mms-initiate-req.iti_Sample_File_MMS_and_GOOSE.110
 *   hand-szl1c-plant     SZL 0x001c with all records (tests/gen/plantgen.c's PLC)
 *   hand-szl11-firmware  SZL 0x0011: module, hardware, firmware V3.2.17
 *   hand-s7p-v3          an S7comm-plus V3 response with its digest
 *   hand-tls             TLS application data in a COTP DT
 *   hand-eot-clear       a read-SZL answer cut by COTP segmentation
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef enum hk_parse_result (*parse_fn)(struct hk_cur *, const struct hk_parse_ctx *, struct hk_obs_sink *);

static enum hk_parse_result fuzz_run(parse_fn fn, const uint8_t *data, size_t size, struct hk_obs *v,
				     struct hk_obs_sink *s)
{
	uint8_t sel = size ? data[0] : 0;
	const uint8_t *payload = size ? data + 1 : data;
	size_t len = size ? size - 1 : 0;
	struct hk_parse_ctx ctx = {
		.l4 = (sel & 0x10) ? 17 : 6,
		.sport = (sel & 1) || (sel & 2) ? 102 : 49152,
		.dport = (sel & 1) && !(sel & 2) ? 49152 : 102,
		.ndpi = "s7comm",
	};
	struct hk_cur c = hk_cur_init(payload, len);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = fn(&c, &ctx, s);
	if (c.off > c.len || (len && c.base != payload))
		abort();
	if (ctx.l4 != 6 && r != HK_PARSE_NOMATCH)
		abort();
	return r;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));

	if ((unsigned)o->kind >= HK_OBS__MAX || (o->side != HK_SIDE_SRC && o->side != HK_SIDE_DST) ||
	    o->confidence > 100)
		abort();
	if (!has_prefix(o->source, "s7comm.") && !has_prefix(o->source, "s7commplus.") &&
	    !has_prefix(o->source, "cotp.") && !has_prefix(o->source, "mms."))
		abort();
	if (n == 0 || n >= sizeof(o->value))
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)o->value[i] < 0x20 || (unsigned char)o->value[i] >= 0x7f)
			abort();
}

static void fuzz_one(parse_fn fn, const uint8_t *data, size_t size)
{
	static struct hk_obs v1[HK_OBS_PER_PACKET_MAX], v2[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink s1, s2;
	enum hk_parse_result r1 = fuzz_run(fn, data, size, v1, &s1);
	enum hk_parse_result r2 = fuzz_run(fn, data, size, v2, &s2);

	if ((unsigned)r1 >= HK_PARSE__MAX || s1.n > s1.cap)
		abort();
	if (r1 == HK_PARSE_MALFORMED && (s1.n || s1.n_dropped))
		abort(); /* a PDU that contradicts itself says nothing */
	if (r1 == HK_PARSE_NOMATCH && s1.n)
		abort();
	for (size_t i = 0; i < s1.n; i++)
		fuzz_check_obs(&v1[i]);
	if (r1 != r2 || s1.n != s2.n || s1.n_dropped != s2.n_dropped || memcmp(v1, v2, s1.n * sizeof(v1[0])) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(proto_iso_parse, data, size);
	fuzz_one(proto_s7comm_parse, data, size);
	return 0;
}
