/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: FTP greetings (src/proto/ftp.c): the server's 220 (software, SRC); the
 * client's direction never says anything.
 *
 * The input is a context byte and a stream window (see fuzz_banner.h).
 * Seed corpus corpus/ftp/: the first byte of each file is the context
 * (0x02 the server's direction, 0x03 the client's, client known); names
 * read SHAPE.SOURCE.FRAME:
 *
 * | seed | from | original | licence |
 * |---|---|---|---|
 * | `server.ndpi_ftp.4` | ndpi_ftp.pcap frame 4, 220 (vsFTPd 3.0.3) | ntop/nDPI `tests/cfgs/default/pcap/ftp.pcap` | LGPL-3.0 (20 bytes of protocol text) |
 * | `client.ndpi_ftp.6` | ndpi_ftp.pcap frame 6, USER anonymous | same | LGPL-3.0 (16 bytes) |
 * | `hand-multiline` | RFC 959 4.2 multi-line 220 with an empty first line | built here | — |
 * | `hand-120` | RFC 959 5.4: 120 multi-line, then 220 | built here | — |
 */
#include "fuzz_banner.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool ftp_allowed(enum hk_obs_kind kind, enum hk_side side)
{
	return kind == HK_OBS_SOFTWARE && side == HK_SIDE_SRC;
}

static const struct fuzz_banner ftp_target = {
	.parse = proto_ftp_parse,
	.port = 21,
	.prefix = "ftp.",
	.client_silent = true,
	.allowed = ftp_allowed,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_banner_run(&ftp_target, data, size);
}
