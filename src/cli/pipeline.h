/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet path of one worker: decode → flow → nDPI → (parsers) →
 * observations → inventory. One thread at a time drives it frame by frame;
 * with several workers (engine.c, herkomst run's workers) each has its own
 * pipeline: its own flow table, nDPI module and partial inventory, merged
 * by one thread with inv_merge() when a snapshot is wanted.
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
	/* a command that exits when done (analyze): the nDPI module is left to
	 * the process's exit rather than freed (dpi_leave_to_exit) */
	bool dpi_left_to_exit;
};

#define PIPELINE_PARSERS_MAX 64

/*
 * The observations a flow direction (or an L2 sender) made lately, so that
 * one it makes again (a role per Modbus PDU) is counted into its evidence
 * by a compare instead of a lookup (inv_obs_again). A cache, not a limit:
 * the set is picked by who said it, a miss takes the normal path and
 * replaces the set's oldest entry. Fixed size whatever the number of flows.
 */
#define PIPELINE_OBS_MEMO_SETS 1024u /* a power of two */
#define PIPELINE_OBS_MEMO_WAYS 4u

struct pipeline_obs_memo {
	struct inv_obs_ref ref[PIPELINE_OBS_MEMO_WAYS];
	uint8_t next; /* the entry the next miss replaces */
};

struct pipeline {
	struct flow_clock clock; /* pipeline_frame's own; unused with pipeline_frame_at */
	uint64_t flow_idle_usec;
	struct decode_stats dstats;
	struct flow_table *ft;
	struct dpi *dpi;
	bool dpi_left_to_exit;
	struct inventory *inv; /* for the pipeline's life: flows and obs_memo point into it */
	struct hk_obs obs_buf[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink sink;
	uint64_t packets, bytes;
	uint64_t obs_dropped;
	/* per parser (proto_table index) and result */
	uint64_t parse_results[PIPELINE_PARSERS_MAX][HK_PARSE__MAX];
	uint64_t stream_gaps, stream_full;
	struct pipeline_obs_memo obs_memo[PIPELINE_OBS_MEMO_SETS];
};

struct pipeline *pipeline_new(const struct pipeline_opts *o, char *errbuf, size_t errsz);
struct pipeline *pipeline_free(struct pipeline *pl);

/* Returns -1 when the frame's link type is not supported (counted). The
 * pipeline keeps the flow clock itself (struct flow_clock). */
int pipeline_frame(struct pipeline *pl, const struct cap_frame *fr);

/* The same for a worker fed by a reader that keeps the flow clock over all
 * frames: epoch and now_usec are the clock's reading at this frame. */
int pipeline_frame_at(struct pipeline *pl, const struct cap_frame *fr, uint64_t epoch, uint64_t now_usec);

/* Counters of one or more pipelines, summed (output, /metrics). */
struct pipeline_totals {
	uint64_t packets, bytes;
	uint64_t obs_dropped;
	uint64_t stream_gaps, stream_full;
	struct decode_stats dstats;
	struct flow_stats flows; /* peak_active: the sum of each table's peak */
	uint64_t parse_results[PIPELINE_PARSERS_MAX][HK_PARSE__MAX];
};

void pipeline_totals_add(struct pipeline_totals *t, const struct pipeline *pl);

/* t += add, field by field (one worker's totals kept from an earlier reading). */
void pipeline_totals_sum(struct pipeline_totals *t, const struct pipeline_totals *add);

/* Ends every flow (end of input): pending classifications are decided. */
void pipeline_finish(struct pipeline *pl);

/* The same for a pipeline_frame_at() worker: the reader's last clock
 * reading (a new epoch the worker has not seen yet ends its flows first). */
void pipeline_finish_at(struct pipeline *pl, uint64_t epoch, uint64_t now_usec);

/* After pipeline_finish: frees the nDPI module (no flow can come any more);
 * the inventory and the counters stay. */
void pipeline_release_dpi(struct pipeline *pl);

#endif
