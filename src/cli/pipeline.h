/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet path of one worker: decode → flow → nDPI → (parsers) →
 * observations → inventory. analyze and, later, run drive it frame by frame.
 */
#ifndef HERKOMST_PIPELINE_H
#define HERKOMST_PIPELINE_H

#include <stdint.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "flow/flow.h"
#include "herkomst/obs.h"
#include "inventory/inventory.h"
#include "herkomst/parser.h"

struct pipeline_opts {
	size_t flows_max;
	uint64_t flow_idle_usec;
	struct inv_limits inv;
};

#define PIPELINE_PARSERS_MAX 64

struct pipeline {
	struct decode_stats dstats;
	struct flow_table *ft;
	struct dpi *dpi;
	struct inventory *inv;
	struct hk_obs obs_buf[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink sink;
	uint64_t packets, bytes;
	uint64_t obs_dropped;
	/* per parser (proto_table index) and result */
	uint64_t parse_results[PIPELINE_PARSERS_MAX][HK_PARSE__MAX];
	uint64_t stream_gaps, stream_full;
};

struct pipeline *pipeline_new(const struct pipeline_opts *o, char *errbuf, size_t errsz);
struct pipeline *pipeline_free(struct pipeline *pl);

/* Returns -1 when the frame's link type is not supported (counted). */
int pipeline_frame(struct pipeline *pl, const struct cap_frame *fr);

/* Ends every flow (end of input): pending classifications are decided. */
void pipeline_finish(struct pipeline *pl);

#endif
