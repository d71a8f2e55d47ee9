/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: one direction of a TCP stream from its start (a banner
 * window, up to HK_STREAM_WINDOW_MAX bytes: run with -max_len=9000 to reach
 * the window-full case) through proto_tls_parse() with the context the
 * pipeline gives a TLS flow. Besides crashes and sanitizer reports it checks
 * the parser contract: a known result, the cursor inside its window, a
 * bounded sink, nothing said unless the result is OK or MALFORMED (the
 * window is re-read from its start while TRUNCATED), every observation with
 * a "tls." source and a non-empty, NUL-terminated, printable value, about
 * the sender except the server name (the receiver), and the same answer
 * twice.
 *
 * Seeds (corpus/tls/, named SHAPE.SOURCE.FRAMES: the first bytes of one
 * stream direction of that shared capture, or hand-* built from the layouts
 * in src/proto/tls.c), all zeek/zeek testing/btest/Traces/tls, BSD-3-Clause:
 *   ch.zeek_ecdsa-cert.4                    TLS 1.2 ClientHello, 74 suites
 *   sf.zeek_ecdsa-cert.6-7                  ServerHello, ECDSA leaf + intermediate,
 *                                           ServerKeyExchange, ServerHelloDone
 *   ch.zeek_tls1.2.4, sf.zeek_tls1.2.5-8    80 suites; a server flight over 4 segments
 *   sf.zeek_cert-no-cn.6                    self-signed O=TestCorp, no CN, no SAN
 *   sf.zeek_missing-intermediate.21-23      an EV leaf (jurisdiction attributes)
 *   hand-grease-sni-alpn                    JA4.md's example hello: GREASE everywhere
 *   hand-split-7                            ch.zeek_ecdsa-cert.4 in 7-byte records
 *   hand-tls13-server                       ServerHello with supported_versions 0x0304, CCS,
 *                                           application data
 *   hand-resumed                            ServerHello then ChangeCipherSpec
 *   hand-window-full                        a 9000-byte leaf cut by the 8192-byte window
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_obs(const struct hk_obs *o)
{
	bool sni = strcmp(o->source, "tls.sni") == 0;

	fuzz_check_obs_basic(o, "tls.");
	if (o->side != (sni ? HK_SIDE_DST : HK_SIDE_SRC))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hk_parse_ctx ctx = {.l4 = 6, .sport = 50000, .dport = 443, .ndpi = "TLS"};
	struct hk_obs_sink s;

	if (size > HK_STREAM_WINDOW_MAX)
		size = HK_STREAM_WINDOW_MAX; /* the pipeline's window never holds more */
	fuzz_twice(proto_tls_parse, &ctx, data, size, false, FUZZ_OK | FUZZ_MALFORMED, fuzz_check_obs, &s);
	if (s.n_dropped)
		abort();
	return 0;
}
