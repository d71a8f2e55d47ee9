/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: SMTP (src/proto/smtp.c): the server's 220 greeting (software, SRC) and
 * the client's EHLO/HELO name (hostname, SRC). No shared capture carries
 * SMTP: the seeds are built from RFC 5321.
 *
 * The input is a context byte and a stream window (see fuzz_banner.h).
 * Seed corpus corpus/smtp/: the first byte of each file is the context
 * (0x02 the server's direction, 0x03 the client's, client known); names
 * read SHAPE.SOURCE.FRAME:
 *
 * | seed | from | original | licence |
 * |---|---|---|---|
 * | `hand-server-d1` | RFC 5321 D.1, the greeting and the EHLO response | built here | — |
 * | `hand-client-d1` | RFC 5321 D.1, EHLO bar.com and MAIL FROM | built here | — |
 * | `hand-server-multiline` | 220- multi-line greeting (4.2.1) | built here | — |
 * | `hand-client-literal` | EHLO with an address literal (4.1.3) | built here | — |
 */
#include "fuzz_banner.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool smtp_allowed(enum hk_obs_kind kind, enum hk_side side)
{
	return (kind == HK_OBS_SOFTWARE || kind == HK_OBS_HOSTNAME) && side == HK_SIDE_SRC;
}

static const struct fuzz_banner smtp_target = {
	.parse = proto_smtp_parse,
	.port = 25,
	.prefix = "smtp.",
	.client_silent = false,
	.allowed = smtp_allowed,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_banner_run(&smtp_target, data, size);
}
