/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: Telnet login banners (src/proto/telnet.c): the server's text up to a
 * login prompt (software, SRC); the client's direction never says anything.
 *
 * The input is a context byte and a stream window (see fuzz_banner.h).
 * Seed corpus corpus/telnet/: the first byte of each file is the context
 * (0x02 the server's direction, 0x03 the client's, client known); names
 * read SHAPE.SOURCE.FRAME:
 *
 * | seed | from | original | licence |
 * |---|---|---|---|
 * | `server.ndpi_telnet.5-29` | ndpi_telnet.pcap frames 5, 9, 12, 15, 19, 22, 25, 27, 29: the server's side to its login prompt | ntop/nDPI `tests/cfgs/default/pcap/telnet.pcap` | LGPL-3.0 (139 bytes of negotiation and a banner) |
 * | `client.ndpi_telnet.4` | ndpi_telnet.pcap frame 4, the client's option negotiation | same | LGPL-3.0 (27 bytes) |
 * | `hand-cisco` | "User Access Verification", Username: | built here | — |
 * | `hand-ansi-sb` | colour sequences, IAC IAC, a subnegotiation with IAC IAC inside | built here | — |
 */
#include "fuzz_banner.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool telnet_allowed(enum hk_obs_kind kind, enum hk_side side)
{
	return kind == HK_OBS_SOFTWARE && side == HK_SIDE_SRC;
}

static const struct fuzz_banner telnet_target = {
	.parse = proto_telnet_parse,
	.port = 23,
	.prefix = "telnet.",
	.client_silent = true,
	.allowed = telnet_allowed,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_banner_run(&telnet_target, data, size);
}
