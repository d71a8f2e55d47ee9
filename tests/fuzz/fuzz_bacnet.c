/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a UDP payload (port 47808) through proto_bacnet_parse().
 * Besides crashes and sanitizer reports it checks the parser contract: a
 * known result, the cursor inside its window, a bounded sink, nothing said
 * unless OK, every observation about the sender or (a Forwarded-NPDU's
 * content) about an IPv4 address the parser names without a MAC, with a
 * "bacnet." source and a non-empty, NUL-terminated, printable (escaped)
 * value, and the same answer twice.
 *
 * Seeds (corpus/bacnet/, named SHAPE.SOURCE.FRAME: the UDP payload of that
 * frame of that shared capture; hand-* built from ANSI/ASHRAE 135-2020, as
 * in tests/unit/test_proto_bacnet.c). Only captures under permissive
 * licences:
 *   rp-ack-objid.iti_bacnet_test.4         ITI/ICS-Security-Tools, CC-BY-4.0
 *   rp-ack-vendor-id.iti_bacnet_test.6
 *   rp-ack-ucs2.iti_bacnet_test.8
 *   rp-ack-ucs2-model.iti_bacnet_test.16
 *   rp-request.iti_bacnet_test.3
 *   i-am.icsnpp-bacnet_bacnet_error_reject_abort.29   cisagov/icsnpp-bacnet, BSD-3-Clause
 *   i-have-routed.icsnpp-bacnet_bacnet_error_reject_abort.30
 *   who-is.icsnpp-bacnet_bacnet_error_reject_abort.37
 *   who-am-i.icsnpp-bacnet_bacnet_error_reject_abort.41
 *   you-are.icsnpp-bacnet_bacnet_error_reject_abort.42
 *   i-have-dbcs.icsnpp-bacnet_bacnet_segmented_data.1
 *   seg-first.icsnpp-bacnet_bacnet_segmented_data.15
 *   seg-later.icsnpp-bacnet_bacnet_segmented_data.17
 *   i-am-routed.arkime_bacnet-stack-services.13        arkime/arkime, Apache-2.0
 *   ack-routed.arkime_bacnet-stack-services.53
 *   hand-forwarded-i-am           a BBMD forwarding 192.168.1.99's I-Am
 *   hand-rpm-ack                  ReadPropertyMultiple-ACK of a Device object
 *   hand-charsets                 RPM-ACK with UCS-2, UCS-4, ISO 8859-1, DBCS strings
 *   hand-deep                     a value nested BACNET_DEPTH_MAX + 1 deep
 *   hand-i-am-router              I-Am-Router-To-Network
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	fuzz_check_obs_basic(o, "bacnet.");
	if (o->side != HK_SIDE_SRC &&
	    (o->side != HK_SIDE_OTHER || o->subject.has_mac || o->subject.ip.family != 4))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hk_parse_ctx ctx = {.l4 = 17, .sport = 47808, .dport = 47808, .ndpi = ""};

	/* a message that is not whole and sound says nothing */
	fuzz_twice(proto_bacnet_parse, &ctx, data, size, false, FUZZ_OK, fuzz_check_obs, NULL);
	return 0;
}
