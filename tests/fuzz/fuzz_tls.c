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

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum hk_parse_result fuzz_run(const uint8_t *data, size_t size, struct hk_obs *v, struct hk_obs_sink *s)
{
	static const struct hk_parse_ctx ctx = {.l4 = 6, .sport = 50000, .dport = 443, .ndpi = "TLS"};
	struct hk_cur c = hk_cur_init(data, size);
	enum hk_parse_result r;

	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_tls_parse(&c, &ctx, s);
	if (c.off > c.len || (size && c.base != data))
		abort();
	return r;
}

static void fuzz_check_obs(const struct hk_obs *o)
{
	size_t n = strnlen(o->value, sizeof(o->value));
	bool sni = strcmp(o->source, "tls.sni") == 0;

	if ((unsigned)o->kind >= HK_OBS__MAX || o->confidence > 100)
		abort();
	if (o->side != (sni ? HK_SIDE_DST : HK_SIDE_SRC))
		abort();
	if (n == 0 || n >= sizeof(o->value) || strncmp(o->source, "tls.", 4) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)o->value[i] < 0x20 || (unsigned char)o->value[i] >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hk_obs v1[HK_OBS_PER_PACKET_MAX], v2[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink s1, s2;
	enum hk_parse_result r1, r2;

	if (size > HK_STREAM_WINDOW_MAX)
		size = HK_STREAM_WINDOW_MAX; /* the pipeline's window never holds more */
	r1 = fuzz_run(data, size, v1, &s1);
	r2 = fuzz_run(data, size, v2, &s2);
	if ((unsigned)r1 >= HK_PARSE__MAX || s1.n > s1.cap || s1.n_dropped)
		abort();
	if ((r1 == HK_PARSE_NOMATCH || r1 == HK_PARSE_TRUNCATED) && s1.n)
		abort();
	for (size_t i = 0; i < s1.n; i++)
		fuzz_check_obs(&v1[i]);
	if (r1 != r2 || s1.n != s2.n || memcmp(v1, v2, s1.n * sizeof(v1[0])) != 0)
		abort();
	return 0;
}
