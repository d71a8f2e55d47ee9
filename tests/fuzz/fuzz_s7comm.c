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

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "");
	if (o->side != HK_SIDE_SRC && o->side != HK_SIDE_DST)
		abort();
	if (!has_prefix(o->source, "s7comm.") && !has_prefix(o->source, "s7commplus.") &&
	    !has_prefix(o->source, "cotp.") && !has_prefix(o->source, "mms."))
		abort();
}

static void fuzz_one(hk_parse_fn fn, const uint8_t *data, size_t size)
{
	uint8_t sel = fuzz_selector(&data, &size);
	struct hk_parse_ctx ctx = {
		.l4 = (sel & 0x10) ? 17 : 6,
		.sport = (sel & 1) || (sel & 2) ? 102 : 49152,
		.dport = (sel & 1) && !(sel & 2) ? 49152 : 102,
		.ndpi = "s7comm",
	};
	enum hk_parse_result r;

	/* a PDU that contradicts itself says nothing */
	r = fuzz_twice(fn, &ctx, data, size, false, FUZZ_OK | FUZZ_TRUNCATED, fuzz_check_obs, NULL);
	if (ctx.l4 != 6 && r != HK_PARSE_NOMATCH)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(proto_iso_parse, data, size);
	fuzz_one(proto_s7comm_parse, data, size);
	return 0;
}
