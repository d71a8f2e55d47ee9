/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inventory as a table for people, JSON for programs, CSV for
 * spreadsheets. The JSON shape is a contract (docs/json.md): later versions
 * add fields, never rename or remove them.
 */
#ifndef HERKOMST_OUTPUT_H
#define HERKOMST_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "herkomst/device.h"
#include "inventory/derive.h"
#include "store/store.h"

enum out_format {
	OUT_TABLE = 0,
	OUT_JSON,
	OUT_CSV,
};

/* Counters of the run that produced the output (not accumulated in the DB). */
struct out_run {
	uint64_t packets, bytes, flows;
	uint64_t unsupported_linktype;
	uint64_t decode_events[64];
	const char *const *decode_event_names;
	size_t n_decode_events;
	/* per parser: name and results by enum hk_parse_result */
	size_t n_parsers;
	const char *parser_names[64];
	uint64_t parser_results[64][4];
	uint64_t stream_gaps, stream_full, obs_dropped;
};

int out_format_parse(const char *s, enum out_format *ret);

/* One device as the JSON object of the "devices" array (the API reuses it). */
json_t *out_device_json(const struct hk_device *d);

int out_write(FILE *f, enum out_format fmt, const struct hk_device *devs, size_t n,
	      const struct store_capture *caps, size_t n_caps, const struct out_run *run,
	      const struct unknown_fp *unknown, size_t n_unknown);

/* The unmatched fingerprints (herkomst unknown). */
json_t *out_unknown_json(const struct unknown_fp *u, size_t n);
int out_unknown_write(FILE *f, enum out_format fmt, const struct unknown_fp *u, size_t n);

#endif
