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

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/*
 * The nodes one end of a packet was counted into: its MAC, its IP and
 * their pairing. Nodes never move and live until inv_free, so a caller may
 * keep this as long as the inventory lives (a flow keeps its two ends',
 * docs/performance.md). mac NULL: none (no packet yet, or the receiver was
 * a group MAC).
 */
struct inv_station {
	struct inv_mac *mac;
	struct inv_ip *ip;
	struct inv_assoc *assoc;
};

/* inv_packet; true when the packet went from a station with a unicast
 * address to another or to a group MAC (the packets inv_packet_again
 * takes), and then *snd and *rcv are its sender's and receiver's nodes
 * (the receiver's empty for a group). */
bool inv_packet_ref(struct inventory *inv, const struct hk_pkt *p, struct inv_station *snd, struct inv_station *rcv);

/*
 * When p is such a packet from snd's MAC and IP to rcv's, counts it exactly
 * as inv_packet would, without a lookup, and returns true; otherwise changes
 * nothing and returns false (then call inv_packet or inv_packet_ref).
 */
bool inv_packet_again(struct inventory *inv, const struct hk_pkt *p, const struct inv_station *snd,
		      const struct inv_station *rcv);

/* One observation; its subject and time must be stamped. */
void inv_obs(struct inventory *inv, const struct hk_obs *o);

/*
 * Where inv_obs put an observation: its evidence and the subject's node.
 * Inventory nodes never move and live until inv_free, so a caller may keep
 * this as long as the inventory lives (the pipeline's memo of what a flow
 * said, docs/performance.md). ev NULL: empty.
 */
struct inv_obs_ref {
	struct inv_ev *ev;
	void *subject; /* struct inv_mac (on_mac) or struct inv_ip */
	/* the first 8 bytes of the evidence's source and value, zero past
	 * their end (inv_str_head): most observations that are not this one
	 * differ there, and are told so without reading the evidence */
	uint64_t source_head, value_head;
	uint8_t kind;  /* enum hk_obs_kind */
	bool on_mac;
};

/* The first 8 bytes of the string s as one word, the bytes past its end
 * zero: equal for strings equal up to their eighth byte. s must have 8
 * readable bytes (an observation's source and value have). */
static inline uint64_t inv_str_head(const char *s)
{
	uint64_t w, zero;

	memcpy(&w, s, sizeof(w));
	w = le64toh(w); /* the string's first byte lowest */
	/* the high bit of each zero byte (exact up to the lowest one, which is
	 * all that is used: the string's end) */
	zero = (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
	return zero ? w & ((zero & -zero) - 1) : w;
}

/* inv_obs; true when the observation landed in evidence a repeat of it can
 * be counted into with inv_obs_again, and then *ref says where. */
bool inv_obs_ref(struct inventory *inv, const struct hk_obs *o, struct inv_obs_ref *ref);

/*
 * When o is the observation ref was made of (the same kind, source, value
 * and subject; its time and confidence may differ), counts it exactly as
 * inv_obs would, without a lookup, and returns true; otherwise changes
 * nothing and returns false (then call inv_obs or inv_obs_ref). The heads
 * in ref only pass over what cannot match: a source or value equal in its
 * first 8 bytes is compared in full. A caller trying several refs may
 * compare the kind and heads itself first (they are o's kind and the
 * inv_str_head of its source and value) and skip the refs that differ.
 */
bool inv_obs_again(const struct inv_obs_ref *ref, const struct hk_obs *o);

/*
 * Builds the device list: gateway detection, IP ownership, OUI attribution
 * (when oui is non-NULL) and evidence assignment. The devices are sorted by
 * hk_device_cmp and owned by the caller (inv_devices_free).
 */
int inv_snapshot(struct inventory *inv, struct oui_db *oui, struct hk_device **ret_devs, size_t *ret_n);

/* Most threads inv_snapshot_threads uses; more are cut to this. */
#define INV_SNAPSHOT_THREADS_MAX 64u

/*
 * inv_snapshot with each device's evidence (OUI, addresses, claims, fold)
 * built on up to threads threads, the caller's among them: the same devices
 * in the same order for any number. With more than one thread, the OUI
 * database's manuf table (oui_db_load_manuf) is loaded before they start,
 * so their lookups only read it. Nothing may change inv meanwhile.
 */
int inv_snapshot_threads(struct inventory *inv, struct oui_db *oui, unsigned threads, struct hk_device **ret_devs,
			 size_t *ret_n);
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

/* For tests: every node the inventory holds, with all its counters, in
 * the order they were made (two inventories fed alike dump alike). */
void inv_dump(const struct inventory *inv, FILE *f);

/* Exposed for tests: does this TTL look like it was decremented by a router? */
bool inv_ttl_routed(uint8_t ttl);

#endif
