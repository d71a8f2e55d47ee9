/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inventory: the single writer that owns devices. It takes address
 * sightings from packets and observations from parsers, and turns them into
 * devices when asked for a snapshot:
 *
 *  - A station on the local segment is keyed by its MAC and collects the IPs
 *    it owns (claimed by ARP or DHCP, or used in traffic).
 *  - A MAC that fronts many IPs, off-subnet IPs or routed IPs (TTL below an
 *    initial value) is a gateway: a device of its own with role router, and
 *    the IPs behind it become IP-only devices that do not inherit its vendor.
 *  - Locally administered MACs get no vendor.
 *
 * Nothing here depends on the order packets or observations arrive in: the
 * snapshot is computed from totals, and attribute merges are order-free.
 */
#ifndef HERKOMST_INVENTORY_H
#define HERKOMST_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/device.h"
#include "herkomst/obs.h"
#include "herkomst/packet.h"

struct oui_db;

#define INV_MACS_MAX_DEFAULT 65536u
#define INV_IPS_MAX_DEFAULT 262144u
#define INV_ASSOC_PER_MAC_MAX 4096u  /* IPs remembered per MAC; past it a MAC is a gateway anyway */
#define INV_EVIDENCE_MAX_DEFAULT 1048576u
#define INV_VLANS_PER_MAC_MAX 8u
/* A MAC using this many distinct IPv4 addresses is a gateway. */
#define INV_GATEWAY_IPS_MIN 4u
/* Prefix length used to group addresses into local subnets when no netmask is known. */
#define INV_LOCAL_PREFIX4 24u

struct inv_limits {
	size_t macs_max, ips_max, evidence_max;
};

struct inv_stats {
	uint64_t packets, macs, ips, evidence;
	uint64_t macs_dropped, ips_dropped, assoc_dropped, evidence_dropped;
};

struct inventory;

struct inventory *inv_new(const struct inv_limits *lim); /* NULL limits: defaults */
struct inventory *inv_free(struct inventory *inv);

/* Address sightings of one decoded packet (reads no payload). */
void inv_packet(struct inventory *inv, const struct hk_pkt *p);

/* One observation; its subject and time must be stamped. */
void inv_obs(struct inventory *inv, const struct hk_obs *o);

/*
 * Builds the device list: gateway detection, IP ownership, OUI attribution
 * (when oui is non-NULL) and evidence assignment. The devices are sorted by
 * hk_device_cmp and owned by the caller (inv_devices_free).
 */
int inv_snapshot(struct inventory *inv, struct oui_db *oui, struct hk_device **ret_devs, size_t *ret_n);
void inv_devices_free(struct hk_device *devs, size_t n);

const struct inv_stats *inv_get_stats(const struct inventory *inv);

/*
 * Folds the partial inventory src (one worker's) into dst, as if dst had
 * taken src's packets and observations itself: MACs, IPs, (MAC, IP) pairings
 * and evidence merge by key (counters summed, times min/max, flags OR'd,
 * highest TTL and confidence, VLAN sets united), src's drop counters add to
 * dst's, and what dst's caps have no room for is counted there. Merging
 * partials in any order gives the same snapshot as one inventory fed all of
 * it, as long as no cap is reached. src is not changed. 0, -EINVAL (dst ==
 * src) or -ENOMEM (dst is then partly merged).
 */
int inv_merge(struct inventory *dst, const struct inventory *src);

/* Exposed for tests: does this TTL look like it was decremented by a router? */
bool inv_ttl_routed(uint8_t ttl);

#endif
