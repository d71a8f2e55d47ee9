/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Periodic flushes of a cumulative inventory into the store.
 *
 * The inventory of a running daemon only grows: every snapshot holds all
 * packets and claims since the start. The store adds up what it is given
 * (packets, bytes and claim counts are summed; first/last seen widen), so
 * merging each snapshot whole would count the same packets again at every
 * flush. The flusher remembers, per device key, what the last successful
 * flush carried (packets, bytes, and per claim (attribute, value, source)
 * its count) and hands the store only the differences:
 *
 *  - a new device or claim goes in whole;
 *  - a device goes in with packets and bytes minus what was flushed before,
 *    with only the claims whose count grew, each with the growth;
 *  - a device or claim whose counters did not grow is skipped, even when its
 *    last seen moved (claims whose count is fixed at 1, such as an ARP
 *    binding or an OUI attribution, keep the last_seen of their first flush
 *    in the store; the device's own last seen is kept current by its
 *    packets). The store reads a claim count of 0 as 1, so a claim cannot be
 *    merged with "nothing new";
 *  - a counter that shrank (a snapshot attributed an address to another
 *    device than before) adds nothing, and the smaller value is remembered
 *    from then on.
 *
 * What is remembered is exactly the last flushed snapshot: a device or claim
 * that is not in the newest snapshot is forgotten. Claims are remembered by
 * a 128-bit keyed hash of their three strings, so the memory per claim is
 * 32 bytes. The memory is bounded by the inventory's own caps (see
 * flusher_limits_from_inv): what does not fit is not merged, and counted.
 *
 * A failed merge (the store's transaction rolled back) remembers nothing, so
 * the next flush carries the same differences again plus what came since.
 */
#ifndef HERKOMST_FLUSHER_H
#define HERKOMST_FLUSHER_H

#include <stddef.h>
#include <stdint.h>

#include "herkomst/device.h"
#include "inventory/inventory.h"

struct flusher_limits {
	size_t devices_max; /* device keys remembered */
	size_t claims_max;  /* claims remembered, over all devices */
};

struct flusher_result {
	size_t devices;      /* devices handed to the merge (new or changed) */
	size_t devices_new;  /* of which not flushed before */
	size_t claims;       /* claims handed to the merge */
	uint64_t packets, bytes; /* the packets and bytes they added */
	size_t devices_dropped, claims_dropped; /* past the limits: not merged */
};

struct flusher_stats {
	uint64_t flushes, failures;
	uint64_t devices_dropped, claims_dropped; /* summed over flushes */
	size_t devices_tracked, claims_tracked;   /* remembered now */
};

/* Merges devs[0..n) into the store; 0 on success, <0 when nothing was stored. */
typedef int (*flusher_merge_fn)(const struct hk_device *devs, size_t n, void *userdata);

/* Room for everything an inventory with these limits can hand out: a device
 * per MAC and per IP; its evidence, an IP claim per (MAC, IP) pairing and per
 * IP-only device, VLAN, OUI and router claims per MAC. */
void flusher_limits_from_inv(struct flusher_limits *ret, const struct inv_limits *inv);

struct flusher *flusher_new(const struct flusher_limits *lim); /* NULL: from the inventory's defaults */
struct flusher *flusher_free(struct flusher *f);

/*
 * Flushes one snapshot. devs is rewritten in place: on return its first
 * ret->devices entries hold the differences that were merged (reordered by
 * swapping, so the caller still frees all n with inv_devices_free()). merge
 * is not called when nothing changed. Returns 0, the merge function's
 * negative result, or -ENOMEM; on failure nothing is remembered.
 */
int flusher_flush(struct flusher *f, struct hk_device *devs, size_t n, flusher_merge_fn merge, void *userdata,
		  struct flusher_result *ret);

const struct flusher_stats *flusher_get_stats(const struct flusher *f);

#endif
