/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: Omron FINS through proto_fins_parse(). The first byte
 * picks the transport (bit 0 set: a FINS/TCP stream window from its first
 * byte, at most the registry's 4096; clear: one FINS/UDP datagram); the
 * rest is the payload, parsed whole and, for TCP as the pipeline grows the
 * window, cut at half and at one byte short, each an exactly-sized heap
 * copy so AddressSanitizer sees a one-byte over-read. Besides crashes and
 * sanitizer reports it checks the parser contract: a known result, the
 * cursor inside its window, a bounded sink with nothing dropped, nothing
 * said with NOMATCH, every observation with a "fins." source, the kind,
 * side and confidence its source has (a model only with a PLC role), a
 * non-empty, NUL-terminated, printable value, and the same answer twice.
 *
 * Seeds (corpus/fins/, named SHAPE.SOURCE.FRAMES; the first byte 00 UDP,
 * 01 TCP; TCP seeds are one stream direction from its first byte):
 *   udp-cdr-resp.iti_omron_test.18            ITI/ICS-Security-Tools, CC-BY-4.0: an Omron
 *   udp-cdr-cmd.iti_omron_test.17             CP1L's Controller Data Read, and the command
 *   tcp-server.iti_omron_test.7-9             node address exchange, the response
 *   tcp-client.iti_omron_test.6-8
 *   tcp-server.icsnpp-fins.5-19               piercema/icsnpp-omron-fins, BSD-3-Clause: run,
 *   tcp-client.icsnpp-fins.4-18               stop, controller data (01 and 00), clock
 *   hand-udp-mem-read-resp                    a Memory Area Read response
 *   hand-udp-cdr-resp-area-data               a Controller Data Read response to data 01
 *                                             (area data, no model)
 *   hand-tcp-17-frames                        FINS_TCP_FRAMES_MAX + 1 frames
 *   hand-tcp-lying-length                     a frame send shorter than its FINS frame
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

#define FUZZ_TCP_WINDOW 4096 /* the registry's window for fins */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the per-observation check of fuzz_twice: fuzz_check_all does it for the whole sink */
static void fuzz_check_none(const struct hk_obs *o)
{
	(void)o;
}

static void fuzz_check(const struct hk_obs *v, size_t n)
{
	bool model = false, plc = false;

	for (size_t i = 0; i < n; i++) {
		const struct hk_obs *o = &v[i];

		fuzz_check_obs_basic(o, "fins.");
		if (strcmp(o->source, "fins.node") == 0) {
			if (o->kind != HK_OBS_RAW || o->confidence != 50 || o->side > HK_SIDE_DST)
				abort();
			continue;
		}
		if (o->side != HK_SIDE_SRC)
			abort();
		if (strcmp(o->source, "fins.controller_model") == 0 && o->kind == HK_OBS_MODEL && o->confidence == 90)
			model = true;
		else if (strcmp(o->source, "fins.controller") == 0 && o->kind == HK_OBS_ROLE &&
			 o->confidence == 80 && strcmp(o->value, "plc") == 0)
			plc = true;
		else if (!(strcmp(o->source, "fins.controller_version") == 0 && o->kind == HK_OBS_FIRMWARE &&
			   o->confidence == 85))
			abort();
	}
	if (model != plc)
		abort();
}

/* all of a run's observations: nothing dropped, and fuzz_check */
static void fuzz_check_all(const struct hk_obs_sink *s)
{
	if (s->n_dropped)
		abort();
	fuzz_check(s->v, s->n);
}

/* one window, twice, in its own exactly-sized copy */
static void fuzz_one(const struct hk_parse_ctx *ctx, const uint8_t *data, size_t size)
{
	struct hk_obs_sink s;

	fuzz_twice(proto_fins_parse, ctx, data, size, true, FUZZ_OK | FUZZ_TRUNCATED | FUZZ_MALFORMED,
		   fuzz_check_none, &s);
	fuzz_check_all(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hk_parse_ctx ctx = {.sport = 9600, .dport = 50000, .ndpi = ""};

	if (size < 1)
		return 0;
	ctx.l4 = (data[0] & 1) ? 6 : 17;
	data++;
	size--;
	if (ctx.l4 == 6 && size > FUZZ_TCP_WINDOW)
		size = FUZZ_TCP_WINDOW;
	fuzz_one(&ctx, data, size);
	if (ctx.l4 == 6 && size > 1) {
		fuzz_one(&ctx, data, size / 2);
		fuzz_one(&ctx, data, size - 1);
	}
	return 0;
}
