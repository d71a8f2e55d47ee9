/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HK_INVENTORY_MERGE_H
#define HK_INVENTORY_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "herkomst/device.h"

/*
 * Claims gathered for one device at a time in space that is reused from
 * device to device (the snapshot's, one per thread), then folded into the
 * device's own array: what hk_device_reserve_evidence, appending to the
 * device and hk_device_fold_evidence give, without a gathering array and
 * the fold's index allocated and freed per device, and with one copy of
 * each claim fewer (docs/performance.md, session 7).
 */
struct hk_fold_scratch {
	struct hk_evidence *ev;          /* the claims gathered so far */
	size_t n, cap;
	const struct hk_evidence **v;    /* the fold's index */
	size_t cap_v;
};

/* The next claim's slot (its contents are the caller's to write), or NULL
 * without memory: the claim is then dropped, as a failed append drops it. */
struct hk_evidence *hk_fold_scratch_slot(struct hk_fold_scratch *sc);
/* Folds the gathered claims into d, whose evidence must be empty, and empties
 * the scratch. Never fails: without memory for the fold it adds the claims
 * one by one, as hk_device_fold_evidence does. */
void hk_fold_scratch_into(struct hk_fold_scratch *sc, struct hk_device *d);
void hk_fold_scratch_free(struct hk_fold_scratch *sc);

/* Does claim a beat claim b of the same attribute, as hk_device_best
 * decides (confidence, then source, then value)? For a pass that picks the
 * best of several attributes at once. */
bool hk_evidence_beats(const struct hk_evidence *a, const struct hk_evidence *b);

#endif
