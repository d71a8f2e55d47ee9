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
#include "inventory/assess.h"
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
	uint64_t flows_expired, flows_evicted; /* ended idle; ended early, the table being full */
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

/* The assessment of one device (docs/assessment.md) and its annotations. */
struct out_assessed {
	const struct assess_result *res; /* NULL: not assessed */
	const struct store_annotation *ann; /* this device's, ordered by kind */
	size_t n_ann;
};

/* The assessment of a whole output: one entry per device, in device order. */
struct out_assessment {
	const struct out_assessed *dev;
	const char *policy_name, *policy_as_of, *policy_path; /* policy_path NULL: no policy */
	const char *geoip_source; /* NULL: no IP geolocation used */
};

int out_format_parse(const char *s, enum out_format *ret);

/* One device as the JSON object of the "devices" array (the API reuses it). */
json_t *out_device_json(const struct hk_device *d);

/* Adds "origin", "criteria", "verdict", "flagged" and "annotations" to a
 * device object of out_device_json(). */
void out_device_json_assessed(json_t *o, const struct out_assessed *a);

/* The table's FLAG: "FLAGGED", "partial:1,3A", "-" (clear) or "?" (origin
 * unknown). */
const char *out_flag_text(const struct assess_result *r, char *buf, size_t sz);

/* as NULL: devices without assessment (the fields are then absent). */
int out_write(FILE *f, enum out_format fmt, const struct hk_device *devs, size_t n,
	      const struct store_capture *caps, size_t n_caps, const struct out_run *run,
	      const struct unknown_fp *unknown, size_t n_unknown, const struct out_assessment *as);

/* The JSON document out_write writes (docs/json.md), for a writer that adds
 * to it; out_json_dump writes it as out_write does and frees it. */
json_t *out_json(const struct hk_device *devs, size_t n, const struct store_capture *caps, size_t n_caps,
		 const struct out_run *run, const struct unknown_fp *unknown, size_t n_unknown,
		 const struct out_assessment *as);
int out_json_dump(FILE *f, json_t *root);

/* The unmatched fingerprints (herkomst unknown). */
json_t *out_unknown_json(const struct unknown_fp *u, size_t n);
int out_unknown_write(FILE *f, enum out_format fmt, const struct unknown_fp *u, size_t n);

#endif
