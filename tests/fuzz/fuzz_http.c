/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: HTTP/1.x (src/proto/http.c). Requests may say User-Agent (software, SRC)
 * and Host (hostname, DST); responses Server, X-Powered-By, the realm and
 * the title (software, SRC).
 *
 * The input is a context byte and a stream window (see fuzz_banner.h).
 * Seed corpus corpus/http/: the first byte of each file is the context
 * (0x02 the server's direction, 0x03 the client's, client known); names
 * read SHAPE.SOURCE.FRAME:
 *
 * | seed | from | original | licence |
 * |---|---|---|---|
 * | `req.zeek_get.4` | zeek_get.pcap frame 4, the request (Wget) | zeek/zeek `testing/btest/Traces/http/get.pcap` | BSD-3-Clause |
 * | `resp.zeek_get.9` | zeek_get.pcap frame 9, the response (Apache, text/plain) | same | BSD-3-Clause |
 * | `resp-title.zeek_web.7` | zeek_web.pcap frame 7, the first response segment (Apache/1.3.33, HTML with a title) | zeek/zeek `testing/btest/Traces/web.pcap` | BSD-3-Clause |
 * | `req-options.zeek_methods.4` | zeek_methods.pcap frame 4, OPTIONS * with bare LF lines | zeek/zeek `testing/btest/Traces/http/methods.pcap` | BSD-3-Clause |
 * | `req-connect.zeek_methods.369` | zeek_methods.pcap frame 369, a CONNECT with a broken version | same | BSD-3-Clause |
 * | `resp-chunked.zeek_methods.100` | zeek_methods.pcap frame 100, a chunked HTML response (gws) | same | BSD-3-Clause |
 * | `resp-xml.tcpdump_ipv4_tcp_http_xml.1` | tcpdump_ipv4_tcp_http_xml.pcap frame 1 (IIS, X-Powered-By) | the-tcpdump-group/tcpdump `tests/ipv4_tcp_http_xml.pcap` | BSD-3-Clause |
 * | `req.zeek_wikipedia.6` | zeek_wikipedia.pcap frame 6 (Firefox) | zeek/zeek `testing/btest/Traces/wikipedia.pcap` | BSD-3-Clause |
 * | `resp-304.zeek_wikipedia.7` | zeek_wikipedia.pcap frame 7 (304, no body) | same | BSD-3-Clause |
 * | `hand-interim-401-digest` | 100 Continue, then RFC 7616 3.9.1's folded Digest challenge | built here | — |
 * | `hand-title-chunked` | a chunked HTML body with a title across whitespace | built here | — |
 */
#include "fuzz_banner.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool http_allowed(enum hk_obs_kind kind, enum hk_side side)
{
	return (kind == HK_OBS_SOFTWARE && side == HK_SIDE_SRC) || (kind == HK_OBS_HOSTNAME && side == HK_SIDE_DST);
}

static const struct fuzz_banner http_target = {
	.parse = proto_http_parse,
	.port = 80,
	.prefix = "http.",
	.client_silent = false,
	.allowed = http_allowed,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_banner_run(&http_target, data, size);
}
