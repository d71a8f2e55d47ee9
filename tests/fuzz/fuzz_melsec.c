/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: MELSEC (MC protocol 3E/4E, binary and ASCII; MELSOFT)
 * through proto_melsec_parse(). The first byte picks the transport (bit 0
 * set: a TCP stream window from its first byte, at most the registry's
 * 4096; clear: one UDP datagram); the rest is the payload, parsed whole and,
 * for TCP as the pipeline grows the window, cut at half and at one byte
 * short, each an exactly-sized heap copy so AddressSanitizer sees a one-byte
 * over-read. Besides crashes and sanitizer reports it checks the parser
 * contract: a known result, the cursor inside its window, a bounded sink
 * with nothing dropped, nothing said with NOMATCH, every observation about
 * the sender with a "melsec." source and the kind and confidence that
 * source has (a model only with its model code and the PLC role), a
 * non-empty, NUL-terminated, printable value, and the same answer twice.
 *
 * Seeds (corpus/melsec/, named SHAPE.SOURCE.FRAMES; the first byte 00 UDP,
 * 01 TCP; TCP seeds are one stream direction from its first byte):
 *   udp-melsoft-cpu-model.iti_melsoft_UDP_clean_2.6   ITI/ICS-Security-Tools, CC-BY-4.0:
 *   udp-melsoft-req.iti_melsoft_UDP_clean_2.5         GX Works 3 and an FX5U
 *   udp-melsoft-read.iti_melsoft_UDP_clean_2.20       an 833-byte answer
 *   udp-search.iti_melsoft_UDP_clean_2.1, udp-search-resp.iti_melsoft_UDP_clean_2.2,
 *   udp-search-resp.iti_melsoft_UDP_clean_2.4
 *   tcp-server.iti_melsoft_129_clean.1-               MELSOFT over TCP 5562, mid-session
 *   tcp-client.iti_melsoft_129_clean.3-
 *   hand-mc3e-cpu-model, hand-mc4e-cpu-model,         "Read CPU model" (0101) answers
 *   hand-mc3e-ascii-cpu-model, hand-mc4e-ascii-cpu-model  built from SH-080008
 *   hand-mc3e-req, hand-mc3e-ascii-req                the requests
 *   hand-tcp-words-then-model                         a batch read answer, then 0101's
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

#define FUZZ_TCP_WINDOW 4096 /* the registry's window for melsec */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the per-observation check of fuzz_twice: fuzz_check_all does it for the whole sink */
static void fuzz_check_none(const struct hk_obs *o)
{
	(void)o;
}

static void fuzz_check(const struct hk_obs *v, size_t n)
{
	size_t models = 0, codes = 0, plcs = 0;

	for (size_t i = 0; i < n; i++) {
		const struct hk_obs *o = &v[i];

		fuzz_check_obs_basic(o, "melsec.");
		if (o->side != HK_SIDE_SRC)
			abort();
		if (o->kind == HK_OBS_MODEL &&
		    ((strcmp(o->source, "melsec.cpu_model") == 0 && o->confidence == 90) ||
		     (strcmp(o->source, "melsec.melsoft.cpu_model") == 0 && o->confidence == 80)))
			models++;
		else if (o->kind == HK_OBS_RAW && strcmp(o->source, "melsec.model_code") == 0 && o->confidence == 50)
			codes++;
		else if (o->kind == HK_OBS_ROLE && strcmp(o->source, "melsec.cpu") == 0 && o->confidence == 80 &&
			 strcmp(o->value, "plc") == 0)
			plcs++;
		else if (!(o->kind == HK_OBS_RAW && strcmp(o->source, "melsec.melsoft") == 0 && o->confidence == 50 &&
			   strcmp(o->value, "yes") == 0))
			abort();
	}
	if (models != codes || models != plcs || models > 1)
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

	fuzz_twice(proto_melsec_parse, ctx, data, size, true, FUZZ_OK | FUZZ_TRUNCATED | FUZZ_MALFORMED,
		   fuzz_check_none, &s);
	fuzz_check_all(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hk_parse_ctx ctx = {.sport = 5562, .dport = 50000, .ndpi = ""};

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
