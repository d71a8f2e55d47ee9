/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared shape of the fuzz targets for the TCP banner parsers (HTTP, SSH,
 * FTP, Telnet, SMTP; src/proto/<name>.c).
 *
 * Input: the first byte chooses the parse context, the rest is the stream
 * window from its first byte:
 *   bit 0  the sender is the client (sets the ports: client 50000, server
 *          the protocol's port; and from_client when bit 1 is set)
 *   bit 1  the flow's client is known (ctx.client_known)
 * The window is parsed whole, and as the pipeline grows it, cut at half and
 * at one byte short; each cut is an exactly-sized heap copy so
 * AddressSanitizer sees a one-byte over-read.
 *
 * Besides crashes and sanitizer reports it checks the parser contract:
 * a result in range, the cursor within its window, observations only with
 * OK, none past the sink, each value non-empty, printable ASCII (escaped)
 * and bounded, with the expected confidence, a source of the parser's own
 * prefix, and a (kind, side) pair the target allows; and for targets that
 * must never report the client's direction (FTP, Telnet), nothing from it.
 */
#ifndef HERKOMST_FUZZ_BANNER_H
#define HERKOMST_FUZZ_BANNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "herkomst/cursor.h"
#include "herkomst/obs.h"
#include "herkomst/parser.h"

#define FUZZ_CLIENT_PORT 50000

struct fuzz_banner {
	hk_parse_fn parse;
	uint16_t port;            /* the server's port */
	const char *prefix;       /* every source starts with it: "http." */
	bool client_silent;       /* nothing may come from the client's direction */
	bool (*allowed)(enum hk_obs_kind kind, enum hk_side side);
};

static void fuzz_banner_check(const struct fuzz_banner *t, const struct hk_parse_ctx *ctx,
			      const struct hk_obs_sink *sink, enum hk_parse_result r)
{
	if ((unsigned)r >= HK_PARSE__MAX)
		abort();
	if (sink->n > sink->cap || sink->n_dropped)
		abort();
	if (r != HK_PARSE_OK && sink->n)
		abort();
	if (t->client_silent && ctx->client_known && ctx->from_client && sink->n)
		abort();
	for (size_t i = 0; i < sink->n; i++) {
		const struct hk_obs *o = &sink->v[i];

		fuzz_check_obs_basic(o, t->prefix);
		if (o->confidence != 50 || !t->allowed(o->kind, o->side))
			abort();
	}
}

static void fuzz_banner_one(const struct fuzz_banner *t, const struct hk_parse_ctx *ctx, const uint8_t *win,
			    size_t len)
{
	struct hk_obs v[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink sink;
	enum hk_parse_result r = fuzz_parse(t->parse, ctx, win, len, true, v, &sink);

	fuzz_banner_check(t, ctx, &sink, r);
}

static int fuzz_banner_run(const struct fuzz_banner *t, const uint8_t *data, size_t size)
{
	struct hk_cur in = hk_cur_init(data, size);
	struct hk_parse_ctx ctx = {.l4 = 6, .ndpi = "", .ts_usec = 1};
	const uint8_t *win;
	uint8_t sel;
	size_t len;

	sel = hk_cur_u8(&in);
	if (!hk_cur_ok(&in))
		return 0;
	len = hk_cur_left(&in);
	win = hk_cur_view(&in, len);
	if (len && !win)
		return 0;
	ctx.client_known = (sel & 2) != 0;
	ctx.from_client = ctx.client_known && (sel & 1);
	ctx.sport = (sel & 1) ? FUZZ_CLIENT_PORT : t->port;
	ctx.dport = (sel & 1) ? t->port : FUZZ_CLIENT_PORT;

	fuzz_banner_one(t, &ctx, win, len);
	if (len > 1) {
		fuzz_banner_one(t, &ctx, win, len / 2);
		fuzz_banner_one(t, &ctx, win, len - 1);
	}
	return 0;
}

#endif
