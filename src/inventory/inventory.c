/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "inventory/inventory.h"

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/hmap.h"
#include "core/util.h"
#include "inventory/merge.h"
#include "inventory/oui.h"

/* Confidence of the claims the inventory itself makes. */
#define CONF_IP_ARP 90
#define CONF_IP_TRAFFIC 60
#define CONF_IP_DST 40
#define CONF_OUI 30
#define CONF_OUI_MANUF 25
#define CONF_GATEWAY 65

#define INV_CACHE_BITS 8 /* slots of each lookup cache: a power of two */
#define INV_CACHE_SLOTS (1u << INV_CACHE_BITS)

struct inv_mac;

/* One (MAC, IP) pairing seen on the wire. */
struct inv_assoc {
	uint8_t mac[6];
	struct hk_addr ip;
	struct inv_mac *m;
	struct inv_assoc *next_in_mac;
	uint64_t pkts_src, pkts_dst;
	uint64_t first_seen, last_seen;
	uint8_t max_ttl; /* highest TTL seen with this MAC as sender */
	bool arp;        /* claimed in an ARP sender field */
	bool claimed;    /* claimed by an observation (DHCP ack, ...) */
	/* snapshot scratch: the address's node (assign_owners), so that the
	 * snapshot looks each pairing's address up once (the node grows from
	 * 80 to 88 bytes, malloc's chunk stays 96) */
	struct inv_ip *ipn;
};

struct inv_mac {
	uint8_t mac[6];
	uint64_t first_seen, last_seen, pkts, bytes;
	struct inv_assoc *assoc;
	size_t n_assoc;
	bool assoc_overflow;
	uint16_t vlans[INV_VLANS_PER_MAC_MAX];
	uint8_t n_vlans;
	/* snapshot scratch */
	bool gateway;
	size_t n4, n_foreign;
	ssize_t dev;
};

struct inv_ip {
	struct hk_addr ip;
	uint64_t first_seen, last_seen, pkts, bytes;
	/* snapshot scratch: who owns this address */
	int owner_class;
	uint64_t owner_pkts;
	struct inv_mac *owner;
	ssize_t dev;
};

#define INV_EV_LINE 64u /* bytes of a cache line */

/*
 * One claim: what a struct hk_evidence holds, in the order the compares
 * that find it again read it (ev_eq, inv_obs_again), not hk_evidence's:
 * the counters, the subject, the attribute (as the kind that names it) and
 * the source's first bytes share the node's first cache line, the rest of
 * the source and the value's first bytes the second. A hit reads one or
 * two lines where hk_evidence's order spread the same fields over four,
 * each a cache miss for a claim counted a while ago (docs/performance.md).
 * Nodes start on a cache line (ev_new).
 */
struct inv_ev {
	_Alignas(INV_EV_LINE) uint64_t first_seen;
	uint64_t last_seen, count; /* usec, sightings */
	struct hk_addr subj;  /* the subject IP (family 0: none) */
	uint8_t mac[6];       /* the subject MAC when on_mac */
	bool on_mac;
	uint8_t kind;         /* the attribute: hk_obs_attribute(kind); ev_kind */
	uint8_t confidence;
	char source[HK_OBS_SOURCE_MAX];
	char value[HK_OBS_VALUE_MAX];
};

_Static_assert(offsetof(struct inv_ev, source) + 8 <= INV_EV_LINE &&
		       offsetof(struct inv_ev, value) + 16 <= 2 * INV_EV_LINE,
	       "a claim's subject, counters and source head share its first cache line, the rest of the source "
	       "and the value's head its second");

/* Nodes are made this many at a time, in one block: they never move, and
 * a node costs no allocation of its own. */
#define INV_EV_BLOCK 64u

/* The kind a node keeps for an observation's: the attribute names are one
 * per kind (hk_obs_attribute), and every kind past the known ones is "?",
 * as HK_OBS__MAX is. */
static uint8_t ev_kind(enum hk_obs_kind k)
{
	return (unsigned)k < HK_OBS__MAX ? (uint8_t)k : (uint8_t)HK_OBS__MAX;
}
_Static_assert(HK_OBS__MAX <= UINT8_MAX, "a kind fits the node's byte");

/* The attribute names padded to a claim's field, by node kind, so that a
 * claim is made of a node by copies (ev_claim). */
struct ev_attr_names {
	char name[HK_OBS__MAX + 1][HK_ATTR_MAX];
};

static void ev_attr_names_fill(struct ev_attr_names *names)
{
	memset(names, 0, sizeof(*names));
	for (unsigned k = 0; k <= HK_OBS__MAX; k++)
		hk_str_copy(names->name[k], HK_ATTR_MAX, hk_obs_attribute((enum hk_obs_kind)k));
}

/* The claim a node holds, as devices carry it: every field of e is
 * written (its padding is left as it was). */
static void ev_claim(const struct inv_ev *ev, const struct ev_attr_names *names, struct hk_evidence *e)
{
	_Static_assert(sizeof(e->attribute) == HK_ATTR_MAX && sizeof(e->value) == sizeof(ev->value) &&
			       sizeof(e->source) == sizeof(ev->source),
		       "a node's strings are a claim's");
	memcpy(e->attribute, names->name[ev->kind], sizeof(e->attribute));
	memcpy(e->value, ev->value, sizeof(e->value));
	memcpy(e->source, ev->source, sizeof(e->source));
	e->confidence = ev->confidence;
	e->first_seen = ev->first_seen;
	e->last_seen = ev->last_seen;
	e->count = ev->count;
}

struct inventory {
	struct inv_limits lim;
	struct inv_stats st;
	struct hmap mac_idx, ip_idx, assoc_idx, ev_idx;
	struct inv_mac **macs;
	size_t n_macs, cap_macs;
	struct inv_ip **ips;
	size_t n_ips, cap_ips;
	struct inv_assoc **assocs;
	size_t n_assocs, cap_assocs;
	struct inv_ev **evs;
	size_t n_evs, cap_evs;
	struct inv_ev **ev_blocks; /* evs[i] is ev_blocks[i / INV_EV_BLOCK] + i % INV_EV_BLOCK */
	size_t n_ev_blocks, cap_ev_blocks;
	/*
	 * The nodes used last, by a cheap hash of their key: most packets repeat
	 * the MACs and addresses of the packets just before them, and a hit
	 * skips the hash and the probe of the index (docs/performance.md). Only
	 * a shortcut to the node the index would return: nodes never move and
	 * live until inv_free.
	 */
	struct inv_mac *mac_cache[INV_CACHE_SLOTS];
	struct inv_ip *ip_cache[INV_CACHE_SLOTS];
	struct inv_assoc *assoc_cache[INV_CACHE_SLOTS];
	/* by the evidence hash, kept beside the node so that a slot holding
	 * another claim is told without reading that node: a cache miss when
	 * the claim was counted a while ago */
	struct {
		uint64_t hash;
		struct inv_ev *ev;
	} ev_cache[INV_CACHE_SLOTS];
};

static size_t cache_slot(uint64_t k)
{
	return (size_t)((k * 0x9e3779b97f4a7c15ull) >> (64 - INV_CACHE_BITS));
}

static uint64_t mac_word(const uint8_t mac[6])
{
	uint32_t hi;
	uint16_t lo;

	memcpy(&hi, mac, 4);
	memcpy(&lo, mac + 4, 2);
	return (uint64_t)hi << 16 | lo;
}

static uint64_t addr_word(const struct hk_addr *a)
{
	uint64_t x, y;

	if (a->family == 4) {
		uint32_t v;
		memcpy(&v, a->a, 4);
		return v;
	}
	memcpy(&x, a->a, 8);
	memcpy(&y, a->a + 8, 8);
	return x ^ (y * 0xff51afd7ed558ccdull);
}

static bool mac_eq(const void *item, const void *key)
{
	return memcmp(((const struct inv_mac *)item)->mac, key, 6) == 0;
}

static bool ip_eq(const void *item, const void *key)
{
	return hk_addr_eq(&((const struct inv_ip *)item)->ip, key);
}

struct assoc_key {
	uint8_t mac[6];
	struct hk_addr ip;
};

static bool assoc_eq(const void *item, const void *key)
{
	const struct inv_assoc *a = item;
	const struct assoc_key *k = key;
	return memcmp(a->mac, k->mac, 6) == 0 && hk_addr_eq(&a->ip, &k->ip);
}

/* What identifies a piece of evidence, pointing into an observation or a
 * node: an observation seen before is found without copying its strings. */
struct ev_ref {
	bool on_mac;
	uint8_t kind; /* ev_kind */
	const uint8_t *mac; /* read only when on_mac */
	const struct hk_addr *subj;
	const char *value, *source;
};

static bool ev_eq(const void *item, const void *key)
{
	const struct inv_ev *a = item;
	const struct ev_ref *b = key;
	return a->on_mac == b->on_mac && a->kind == b->kind && (!a->on_mac || memcmp(a->mac, b->mac, 6) == 0) &&
	       hk_addr_eq(&a->subj, b->subj) && strcmp(a->source, b->source) == 0 &&
	       strcmp(a->value, b->value) == 0;
}

static uint64_t addr_hash(const struct hk_addr *a)
{
	return hk_hash_bytes(a->a, a->family == 4 ? 4 : 16, a->family);
}

struct inventory *inv_new(const struct inv_limits *lim)
{
	struct inventory *inv = calloc(1, sizeof(*inv));
	if (!inv)
		return NULL;
	inv->lim.macs_max = lim && lim->macs_max ? lim->macs_max : INV_MACS_MAX_DEFAULT;
	inv->lim.ips_max = lim && lim->ips_max ? lim->ips_max : INV_IPS_MAX_DEFAULT;
	inv->lim.evidence_max = lim && lim->evidence_max ? lim->evidence_max : INV_EVIDENCE_MAX_DEFAULT;
	if (hmap_init(&inv->mac_idx, 256) < 0 || hmap_init(&inv->ip_idx, 1024) < 0 ||
	    hmap_init(&inv->assoc_idx, 1024) < 0 || hmap_init(&inv->ev_idx, 1024) < 0)
		return inv_free(inv);
	return inv;
}

struct inventory *inv_free(struct inventory *inv)
{
	if (!inv)
		return NULL;
	for (size_t i = 0; i < inv->n_macs; i++)
		free(inv->macs[i]);
	for (size_t i = 0; i < inv->n_ips; i++)
		free(inv->ips[i]);
	for (size_t i = 0; i < inv->n_assocs; i++)
		free(inv->assocs[i]);
	for (size_t i = 0; i < inv->n_ev_blocks; i++)
		free(inv->ev_blocks[i]);
	free(inv->ev_blocks);
	free(inv->macs);
	free(inv->ips);
	free(inv->assocs);
	free(inv->evs);
	hmap_fini(&inv->mac_idx);
	hmap_fini(&inv->ip_idx);
	hmap_fini(&inv->assoc_idx);
	hmap_fini(&inv->ev_idx);
	free(inv);
	return NULL;
}

const struct inv_stats *inv_get_stats(const struct inventory *inv)
{
	return &inv->st;
}

static bool mac_usable(const uint8_t mac[6])
{
	return !hk_mac_is_multicast(mac) && !hk_mac_is_zero(mac);
}

static void touch(uint64_t *first, uint64_t *last, uint64_t ts)
{
	if (ts < *first)
		*first = ts;
	if (ts > *last)
		*last = ts;
}

/* Every sighting widens the node's time range, not only the one that made
 * it: the range is then the same whatever order sightings came in (and
 * however they were spread over workers, see inv_merge). */
static struct inv_mac *mac_get(struct inventory *inv, const uint8_t mac[6], uint64_t ts)
{
	struct inv_mac **c = &inv->mac_cache[cache_slot(mac_word(mac))];
	struct inv_mac *m = *c;
	uint64_t h = 0;

	if (!m || !mac_eq(m, mac)) {
		h = hk_hash_bytes(mac, 6, 0);
		m = hmap_get(&inv->mac_idx, h, mac, mac_eq);
		if (m)
			*c = m;
	}

	if (m) {
		touch(&m->first_seen, &m->last_seen, ts);
		return m;
	}
	if (inv->n_macs >= inv->lim.macs_max) {
		inv->st.macs_dropped++;
		return NULL;
	}
	if (hk_grow((void **)&inv->macs, &inv->cap_macs, inv->n_macs + 1, sizeof(*inv->macs)) < 0)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	memcpy(m->mac, mac, 6);
	m->first_seen = m->last_seen = ts;
	if (hmap_put(&inv->mac_idx, h, m) < 0) {
		free(m);
		return NULL;
	}
	inv->macs[inv->n_macs++] = m;
	inv->st.macs++;
	return m;
}

static struct inv_ip *ip_get(struct inventory *inv, const struct hk_addr *ip, uint64_t ts)
{
	struct inv_ip **c = &inv->ip_cache[cache_slot(addr_word(ip))];
	struct inv_ip *n = *c;
	uint64_t h = 0;

	if (!n || !hk_addr_eq(&n->ip, ip)) {
		h = addr_hash(ip);
		n = hmap_get(&inv->ip_idx, h, ip, ip_eq);
		if (n)
			*c = n;
	}

	if (n) {
		touch(&n->first_seen, &n->last_seen, ts);
		return n;
	}
	if (inv->n_ips >= inv->lim.ips_max) {
		inv->st.ips_dropped++;
		return NULL;
	}
	if (hk_grow((void **)&inv->ips, &inv->cap_ips, inv->n_ips + 1, sizeof(*inv->ips)) < 0)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->ip = *ip;
	n->first_seen = n->last_seen = ts;
	if (hmap_put(&inv->ip_idx, h, n) < 0) {
		free(n);
		return NULL;
	}
	inv->ips[inv->n_ips++] = n;
	inv->st.ips++;
	return n;
}

static struct inv_assoc *assoc_get(struct inventory *inv, struct inv_mac *m, const struct hk_addr *ip,
				   uint64_t ts)
{
	struct inv_assoc **c = &inv->assoc_cache[cache_slot((uintptr_t)m ^ addr_word(ip))];
	struct assoc_key k;
	struct inv_assoc *a = *c;
	uint64_t h = 0;

	/* one node per MAC: the pointer stands for the MAC */
	if (!a || a->m != m || !hk_addr_eq(&a->ip, ip)) {
		memset(&k, 0, sizeof(k));
		memcpy(k.mac, m->mac, 6);
		k.ip = *ip;
		h = hk_hash_bytes(k.mac, 6, addr_hash(ip));
		a = hmap_get(&inv->assoc_idx, h, &k, assoc_eq);
		if (a)
			*c = a;
	}
	if (a) {
		touch(&a->first_seen, &a->last_seen, ts);
		return a;
	}
	if (m->n_assoc >= INV_ASSOC_PER_MAC_MAX) {
		m->assoc_overflow = true;
		inv->st.assoc_dropped++;
		return NULL;
	}
	if (hk_grow((void **)&inv->assocs, &inv->cap_assocs, inv->n_assocs + 1, sizeof(*inv->assocs)) < 0)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	memcpy(a->mac, m->mac, 6);
	a->ip = *ip;
	a->m = m;
	a->first_seen = a->last_seen = ts;
	if (hmap_put(&inv->assoc_idx, h, a) < 0) {
		free(a);
		return NULL;
	}
	a->next_in_mac = m->assoc;
	m->assoc = a;
	m->n_assoc++;
	inv->assocs[inv->n_assocs++] = a;
	return a;
}

/* The VLANs of a MAC: the lowest INV_VLANS_PER_MAC_MAX IDs, kept sorted, so
 * which ones are kept past the limit does not depend on arrival order. */
static void mac_add_vlan(struct inv_mac *m, uint16_t v)
{
	uint8_t i = 0;

	while (i < m->n_vlans && m->vlans[i] < v)
		i++;
	if ((i < m->n_vlans && m->vlans[i] == v) || i == INV_VLANS_PER_MAC_MAX)
		return;
	if (m->n_vlans < INV_VLANS_PER_MAC_MAX)
		m->n_vlans++;
	memmove(&m->vlans[i + 1], &m->vlans[i], (size_t)(m->n_vlans - 1 - i) * sizeof(m->vlans[0]));
	m->vlans[i] = v;
}

static void mac_note_vlan(struct inv_mac *m, const struct hk_pkt *p)
{
	if (p->n_vlan)
		mac_add_vlan(m, p->vlan[p->n_vlan - 1]);
}

/* inv_packet; snd and rcv (both or neither) get the nodes of a packet
 * inv_packet_again can count again, and the return says whether it was one. */
static bool packet_add(struct inventory *inv, const struct hk_pkt *p, struct inv_station *snd,
		       struct inv_station *rcv)
{
	struct inv_mac *ms = NULL, *md = NULL;
	struct inv_ip *ns = NULL, *nd = NULL;
	struct inv_assoc *as = NULL, *ad = NULL;
	uint64_t ts = p->ts_usec;

	inv->st.packets++;
	if (p->has_mac && mac_usable(p->src_mac)) {
		ms = mac_get(inv, p->src_mac, ts);
		if (ms) {
			touch(&ms->first_seen, &ms->last_seen, ts);
			ms->pkts++;
			ms->bytes += p->wirelen;
			mac_note_vlan(ms, p);
		}
	}
	if (p->has_dst_mac && mac_usable(p->dst_mac)) {
		md = mac_get(inv, p->dst_mac, ts);
		if (md) {
			touch(&md->first_seen, &md->last_seen, ts);
			md->pkts++;
			md->bytes += p->wirelen;
			mac_note_vlan(md, p);
		}
	}

	if (p->l3 == HK_L3_ARP) {
		struct hk_addr spa = {.family = 4};
		struct inv_mac *ma;
		memcpy(spa.a, p->arp.spa, 4);
		/* an ARP probe (sender 0.0.0.0) claims nothing */
		if (mac_usable(p->arp.sha) && hk_addr_is_unicast(&spa) && !hk_addr_is_linklocal(&spa)) {
			ma = memcmp(p->arp.sha, p->src_mac, 6) == 0 && ms ? ms : mac_get(inv, p->arp.sha, ts);
			if (ma) {
				struct inv_assoc *a = assoc_get(inv, ma, &spa, ts);
				struct inv_ip *n = ip_get(inv, &spa, ts);
				if (a)
					a->arp = true;
				if (n)
					touch(&n->first_seen, &n->last_seen, ts);
			}
		}
		return false;
	}
	if (p->l3 != HK_L3_IPV4 && p->l3 != HK_L3_IPV6)
		return false;

	if (hk_addr_is_unicast(&p->src_ip)) {
		struct inv_ip *n = ns = ip_get(inv, &p->src_ip, ts);
		if (n) {
			touch(&n->first_seen, &n->last_seen, ts);
			n->pkts++;
			n->bytes += p->wirelen;
		}
		if (ms) {
			struct inv_assoc *a = as = assoc_get(inv, ms, &p->src_ip, ts);
			if (a) {
				a->pkts_src++;
				if (p->ttl > a->max_ttl)
					a->max_ttl = p->ttl;
			}
		}
	}
	/* a unicast-looking address sent to a group MAC is a directed broadcast
	 * (10.0.0.255) or similar, not a host */
	if (hk_addr_is_unicast(&p->dst_ip) && !(p->has_dst_mac && !mac_usable(p->dst_mac)) &&
	    !(p->flags & HK_PKT_F_TO_GROUP)) {
		struct inv_ip *n = nd = ip_get(inv, &p->dst_ip, ts);
		if (n) {
			touch(&n->first_seen, &n->last_seen, ts);
			n->pkts++;
			n->bytes += p->wirelen;
		}
		if (md) {
			struct inv_assoc *a = ad = assoc_get(inv, md, &p->dst_ip, ts);
			if (a)
				a->pkts_dst++;
		}
	}
	/* the shapes inv_packet_again counts: a station with a unicast address
	 * to another, or to a group MAC (all their nodes made: a cap in the
	 * way would have to be counted again) */
	if (!snd || !ms || !ns || !as)
		return false;
	if (md && nd && ad)
		*rcv = (struct inv_station){.mac = md, .ip = nd, .assoc = ad};
	else if (p->has_dst_mac && hk_mac_is_multicast(p->dst_mac))
		*rcv = (struct inv_station){.mac = NULL};
	else
		return false;
	*snd = (struct inv_station){.mac = ms, .ip = ns, .assoc = as};
	return true;
}

void inv_packet(struct inventory *inv, const struct hk_pkt *p)
{
	packet_add(inv, p, NULL, NULL);
}

bool inv_packet_ref(struct inventory *inv, const struct hk_pkt *p, struct inv_station *snd, struct inv_station *rcv)
{
	return packet_add(inv, p, snd, rcv);
}

/* What packet_add does to one side's nodes. */
static void station_count(const struct inv_station *st, const struct hk_pkt *p)
{
	uint64_t ts = p->ts_usec;

	touch(&st->mac->first_seen, &st->mac->last_seen, ts);
	st->mac->pkts++;
	st->mac->bytes += p->wirelen;
	mac_note_vlan(st->mac, p);
	touch(&st->ip->first_seen, &st->ip->last_seen, ts);
	st->ip->pkts++;
	st->ip->bytes += p->wirelen;
	touch(&st->assoc->first_seen, &st->assoc->last_seen, ts);
}

bool inv_packet_again(struct inventory *inv, const struct hk_pkt *p, const struct inv_station *snd,
		      const struct inv_station *rcv)
{
	/* the addresses the nodes are of, and what made packet_add take the
	 * same branches: MACs with nodes are usable, addresses with nodes
	 * unicast; a receiver without nodes is a group MAC, which makes
	 * packet_add skip the receiver's side whatever its address */
	if (!snd->mac || (p->l3 != HK_L3_IPV4 && p->l3 != HK_L3_IPV6) || !p->has_mac || !p->has_dst_mac ||
	    memcmp(p->src_mac, snd->mac->mac, 6) != 0 || !hk_addr_eq(&p->src_ip, &snd->ip->ip))
		return false;
	if (rcv->mac ? (p->flags & HK_PKT_F_TO_GROUP) || memcmp(p->dst_mac, rcv->mac->mac, 6) != 0 ||
			       !hk_addr_eq(&p->dst_ip, &rcv->ip->ip)
		     : !hk_mac_is_multicast(p->dst_mac))
		return false;
	inv->st.packets++;
	station_count(snd, p);
	snd->assoc->pkts_src++;
	if (p->ttl > snd->assoc->max_ttl)
		snd->assoc->max_ttl = p->ttl;
	if (rcv->mac) {
		station_count(rcv, p);
		rcv->assoc->pkts_dst++;
	}
	return true;
}


/* The node the next claim goes to, evs[n_evs]: a block's next, or the
 * first of a new block. */
static struct inv_ev *ev_new(struct inventory *inv)
{
	size_t b = inv->n_evs / INV_EV_BLOCK;

	if (b == inv->n_ev_blocks) {
		struct inv_ev *block;

		if (hk_grow((void **)&inv->ev_blocks, &inv->cap_ev_blocks, b + 1, sizeof(*inv->ev_blocks)) < 0)
			return NULL;
		block = aligned_alloc(INV_EV_LINE, INV_EV_BLOCK * sizeof(*block));
		if (!block)
			return NULL;
		inv->ev_blocks[inv->n_ev_blocks++] = block;
	}
	return &inv->ev_blocks[b][inv->n_evs % INV_EV_BLOCK];
}

/* A new node is a copy of key when there is one, else made of r. */
static struct inv_ev *ev_lookup_or_add(struct inventory *inv, const struct ev_ref *r, const struct inv_ev *key)
{
	uint64_t h = hk_hash_bytes(r->value, strlen(r->value),
				   hk_hash_bytes(r->source, strlen(r->source),
						 addr_hash(r->subj) ^ (r->on_mac ? hk_hash_bytes(r->mac, 6, 1) : 0) ^
							 (uint64_t)r->kind << 56));
	size_t c = h & (INV_CACHE_SLOTS - 1);
	struct inv_ev *ev = inv->ev_cache[c].ev;

	if (ev && inv->ev_cache[c].hash == h && ev_eq(ev, r))
		return ev;
	ev = hmap_get(&inv->ev_idx, h, r, ev_eq);
	if (ev) {
		inv->ev_cache[c].hash = h;
		inv->ev_cache[c].ev = ev;
		return ev;
	}
	if (inv->n_evs >= inv->lim.evidence_max) {
		inv->st.evidence_dropped++;
		return NULL;
	}
	if (hk_grow((void **)&inv->evs, &inv->cap_evs, inv->n_evs + 1, sizeof(*inv->evs)) < 0)
		return NULL;
	ev = ev_new(inv);
	if (!ev)
		return NULL;
	if (key) {
		*ev = *key;
	} else {
		memset(ev, 0, sizeof(*ev));
		ev->on_mac = r->on_mac;
		ev->kind = r->kind;
		if (r->on_mac)
			memcpy(ev->mac, r->mac, 6);
		ev->subj = *r->subj;
		hk_str_copy(ev->value, sizeof(ev->value), r->value);
		hk_str_copy(ev->source, sizeof(ev->source), r->source);
	}
	ev->count = 0;
	if (hmap_put(&inv->ev_idx, h, ev) < 0)
		return NULL; /* the node is taken again by the next claim */
	inv->evs[inv->n_evs++] = ev;
	inv->st.evidence++;
	return ev;
}

static struct inv_ev *ev_find_or_add(struct inventory *inv, const struct inv_ev *key)
{
	struct ev_ref r = {
		.on_mac = key->on_mac,
		.mac = key->mac,
		.kind = key->kind,
		.subj = &key->subj,
		.value = key->value,
		.source = key->source,
	};

	return ev_lookup_or_add(inv, &r, key);
}

/* One more sighting of evidence ev. */
/* count sightings between first and last at confidence into ev (an
 * observation: one at its time; a merged claim: its own counts) */
static void ev_take(struct inv_ev *ev, uint8_t confidence, uint64_t first, uint64_t last, uint64_t count)
{
	if (confidence > ev->confidence)
		ev->confidence = confidence;
	if (ev->count == 0 || first < ev->first_seen)
		ev->first_seen = first;
	if (last > ev->last_seen)
		ev->last_seen = last;
	ev->count += count;
}

static void ev_count(struct inv_ev *ev, const struct hk_obs *o)
{
	ev_take(ev, o->confidence, o->ts_usec, o->ts_usec, 1);
}

/* inv_obs; when ref is non-NULL and the observation landed in evidence
 * that inv_obs_again can find again, fills it and returns true. */
static bool obs_add(struct inventory *inv, const struct hk_obs *o, struct inv_obs_ref *ref)
{
	static const struct hk_addr no_subj;
	const struct hk_endpoint *s = &o->subject;
	bool mac_ok = s->has_mac && mac_usable(s->mac);
	/* most observations repeat one made before (a role per Modbus PDU):
	 * found by reference, they cost a hash and a compare, no copies */
	struct ev_ref key = {
		.on_mac = mac_ok,
		.mac = s->mac,
		.kind = ev_kind(o->kind),
		.subj = &no_subj,
		.value = o->value,
		.source = o->source,
	};
	struct inv_ev *ev;
	void *node = NULL; /* the subject's node that was touched */

	if (!o->value[0])
		return false;
	if (!mac_ok && !hk_addr_is_unicast(&s->ip))
		return false; /* about nobody we can name */
	if (mac_ok && !(node = mac_get(inv, s->mac, o->ts_usec)))
		return false;
	if (hk_addr_is_unicast(&s->ip)) {
		key.subj = &s->ip;
		if (!mac_ok && !(node = ip_get(inv, &s->ip, o->ts_usec)))
			return false;
	}

	if (o->kind == HK_OBS_IP && mac_ok) {
		struct hk_addr ip;
		struct inv_mac *m = mac_get(inv, s->mac, o->ts_usec);
		if (m && hk_addr_parse(o->value, &ip) && hk_addr_is_unicast(&ip)) {
			struct inv_assoc *a = assoc_get(inv, m, &ip, o->ts_usec);
			if (a)
				a->claimed = true;
			ip_get(inv, &ip, o->ts_usec);
		}
		/* the claim is about the MAC's station whatever IP the packet had */
		key.subj = &no_subj;
		ref = NULL; /* a repeat touches more than the subject: not one for inv_obs_again */
	}

	ev = ev_lookup_or_add(inv, &key, NULL);
	if (!ev)
		return false;
	ev_count(ev, o);
	if (!ref)
		return false;
	ref->ev = ev;
	ref->subject = node;
	ref->source_head = inv_str_head(ev->source);
	ref->value_head = inv_str_head(ev->value);
	ref->kind = (uint8_t)o->kind;
	ref->on_mac = mac_ok;
	return true;
}

void inv_obs(struct inventory *inv, const struct hk_obs *o)
{
	obs_add(inv, o, NULL);
}

bool inv_obs_ref(struct inventory *inv, const struct hk_obs *o, struct inv_obs_ref *ref)
{
	return obs_add(inv, o, ref);
}

bool inv_obs_again(const struct inv_obs_ref *ref, const struct hk_obs *o)
{
	const struct hk_endpoint *s = &o->subject;
	struct inv_ev *ev = ref->ev;

	/* the same evidence: kind (the attribute), source, value and subject as
	 * obs_add keys it; a MAC equal to the node's is as usable as it was.
	 * A string whose head holds its end is compared whole by the head;
	 * one that goes on past it is compared on from there. */
	if (!ev || o->kind != ref->kind || inv_str_head(o->source) != ref->source_head ||
	    inv_str_head(o->value) != ref->value_head)
		return false;
	if ((ref->source_head >> 56 && strcmp(o->source + 8, ev->source + 8) != 0) ||
	    (ref->value_head >> 56 && strcmp(o->value + 8, ev->value + 8) != 0))
		return false;
	if (ref->on_mac) {
		if (!s->has_mac || memcmp(s->mac, ev->mac, 6) != 0)
			return false;
	} else if (s->has_mac && mac_usable(s->mac)) {
		return false;
	}
	if (ev->subj.family ? !hk_addr_eq(&ev->subj, &s->ip)
			    : s->ip.family != 0 && hk_addr_is_unicast(&s->ip))
		return false;
	/* what obs_add's mac_get or ip_get would do to the subject's node */
	if (ref->on_mac) {
		struct inv_mac *m = ref->subject;
		touch(&m->first_seen, &m->last_seen, o->ts_usec);
	} else {
		struct inv_ip *n = ref->subject;
		touch(&n->first_seen, &n->last_seen, o->ts_usec);
	}
	ev_count(ev, o);
	return true;
}

void inv_dump(const struct inventory *inv, FILE *f)
{
	char a[HK_ADDR_STRLEN], m[HK_MAC_STRLEN];

	for (size_t i = 0; i < inv->n_macs; i++) {
		const struct inv_mac *n = inv->macs[i];
		fprintf(f, "mac %s first=%llu last=%llu pkts=%llu bytes=%llu vlans=%u", hk_mac_fmt(n->mac, m),
			(unsigned long long)n->first_seen, (unsigned long long)n->last_seen,
			(unsigned long long)n->pkts, (unsigned long long)n->bytes, n->n_vlans);
		for (uint8_t k = 0; k < n->n_vlans; k++)
			fprintf(f, " %u", n->vlans[k]);
		fprintf(f, " assoc=%zu%s\n", n->n_assoc, n->assoc_overflow ? " overflow" : "");
	}
	for (size_t i = 0; i < inv->n_ips; i++) {
		const struct inv_ip *n = inv->ips[i];
		fprintf(f, "ip %s first=%llu last=%llu pkts=%llu bytes=%llu\n", hk_addr_fmt(&n->ip, a),
			(unsigned long long)n->first_seen, (unsigned long long)n->last_seen,
			(unsigned long long)n->pkts, (unsigned long long)n->bytes);
	}
	for (size_t i = 0; i < inv->n_assocs; i++) {
		const struct inv_assoc *n = inv->assocs[i];
		fprintf(f, "assoc %s %s first=%llu last=%llu src=%llu dst=%llu ttl=%u arp=%d claimed=%d\n",
			hk_mac_fmt(n->mac, m), hk_addr_fmt(&n->ip, a), (unsigned long long)n->first_seen,
			(unsigned long long)n->last_seen, (unsigned long long)n->pkts_src,
			(unsigned long long)n->pkts_dst, n->max_ttl, n->arp, n->claimed);
	}
	for (size_t i = 0; i < inv->n_evs; i++) {
		const struct inv_ev *n = inv->evs[i];
		fprintf(f, "ev %s %s %s=%s [%s] conf=%u first=%llu last=%llu count=%llu\n",
			n->on_mac ? hk_mac_fmt(n->mac, m) : "-", n->subj.family ? hk_addr_fmt(&n->subj, a) : "-",
			hk_obs_attribute((enum hk_obs_kind)n->kind), n->value, n->source, n->confidence,
			(unsigned long long)n->first_seen, (unsigned long long)n->last_seen,
			(unsigned long long)n->count);
	}
	fprintf(f, "stats packets=%llu macs=%llu ips=%llu evidence=%llu dropped=%llu/%llu/%llu/%llu\n",
		(unsigned long long)inv->st.packets, (unsigned long long)inv->st.macs,
		(unsigned long long)inv->st.ips, (unsigned long long)inv->st.evidence,
		(unsigned long long)inv->st.macs_dropped, (unsigned long long)inv->st.ips_dropped,
		(unsigned long long)inv->st.assoc_dropped, (unsigned long long)inv->st.evidence_dropped);
}

bool inv_ttl_routed(uint8_t ttl)
{
	/* the usual initial TTLs; anything else was decremented on the way */
	return !(ttl == 32 || ttl == 64 || ttl == 128 || ttl == 255);
}

/* --- snapshot ------------------------------------------------------------ */

static uint32_t v4_prefix(const struct hk_addr *a)
{
	uint32_t v = ((uint32_t)a->a[0] << 24) | ((uint32_t)a->a[1] << 16) | ((uint32_t)a->a[2] << 8) | a->a[3];
	return v >> (32 - INV_LOCAL_PREFIX4);
}

struct subnets {
	uint32_t *v;
	size_t n, cap;
};

/* Added as found, then sorted and made unique once (subnets_finish), so
 * that neither adding nor looking up is a walk over all of them. */
static void subnets_add(struct subnets *s, const struct hk_addr *a)
{
	if (hk_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) == 0)
		s->v[s->n++] = v4_prefix(a);
}

static int u32_order(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return a < b ? -1 : (a > b ? 1 : 0);
}

static void subnets_finish(struct subnets *s)
{
	size_t m = 0;

	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), u32_order);
	for (size_t i = 0; i < s->n; i++)
		if (m == 0 || s->v[m - 1] != s->v[i])
			s->v[m++] = s->v[i];
	s->n = m;
}

static bool subnets_has(const struct subnets *s, const struct hk_addr *a)
{
	uint32_t p = v4_prefix(a);
	return s->n && bsearch(&p, s->v, s->n, sizeof(*s->v), u32_order) != NULL;
}

static bool is_v4_host(const struct hk_addr *a)
{
	return a->family == 4 && !hk_addr_is_linklocal(a);
}

static bool routed(const struct inv_assoc *a)
{
	return a->pkts_src > 0 && inv_ttl_routed(a->max_ttl);
}

/*
 * Local subnets: the /24s of addresses a station claimed for itself (ARP,
 * DHCP), and of the one private address of a MAC that uses only one and
 * sends it with an undecremented TTL. Public addresses count only when
 * claimed, unless nothing private is seen at all.
 */
static void find_local_subnets(struct inventory *inv, struct subnets *local)
{
	for (size_t i = 0; i < inv->n_assocs; i++) {
		const struct inv_assoc *a = inv->assocs[i];
		if (is_v4_host(&a->ip) && (a->arp || a->claimed))
			subnets_add(local, &a->ip);
	}
	for (int pass = 0; pass < 2; pass++) {
		size_t before = local->n;
		for (size_t i = 0; i < inv->n_macs; i++) {
			const struct inv_mac *m = inv->macs[i];
			const struct inv_assoc *only = NULL;
			size_t n4 = 0;
			for (const struct inv_assoc *a = m->assoc; a; a = a->next_in_mac) {
				if (is_v4_host(&a->ip)) {
					n4++;
					only = a;
				}
			}
			if (n4 != 1 || routed(only))
				continue;
			if (pass == 0 && !hk_addr_is_private(&only->ip))
				continue;
			subnets_add(local, &only->ip);
		}
		if (pass == 0 && (local->n > 0 || before > 0))
			break;
	}
	subnets_finish(local);
}

static size_t v6_prefix64_count(const struct inv_mac *m, size_t *ret_n6)
{
	uint8_t seen[16][8];
	size_t n = 0, n6 = 0;

	for (const struct inv_assoc *a = m->assoc; a; a = a->next_in_mac) {
		bool dup = false;
		if (a->ip.family != 6 || hk_addr_is_linklocal(&a->ip))
			continue;
		n6++;
		for (size_t i = 0; i < n; i++)
			if (memcmp(seen[i], a->ip.a, 8) == 0)
				dup = true;
		if (!dup && n < 16)
			memcpy(seen[n++], a->ip.a, 8);
	}
	*ret_n6 = n6;
	return n;
}

static void classify_gateways(struct inventory *inv, const struct subnets *local)
{
	for (size_t i = 0; i < inv->n_macs; i++) {
		struct inv_mac *m = inv->macs[i];
		size_t n6 = 0, n6p;

		m->n4 = m->n_foreign = 0;
		for (const struct inv_assoc *a = m->assoc; a; a = a->next_in_mac) {
			if (!is_v4_host(&a->ip))
				continue;
			m->n4++;
			if (local->n && !a->arp && !a->claimed && !subnets_has(local, &a->ip))
				m->n_foreign++;
		}
		n6p = v6_prefix64_count(m, &n6);
		m->gateway = m->assoc_overflow || m->n4 >= INV_GATEWAY_IPS_MIN || m->n_foreign > 0 ||
			     n6p >= 3 || n6 >= 2 * INV_GATEWAY_IPS_MIN;
	}
}

/* How strongly a (MAC, IP) pairing says the MAC's station owns the IP. */
static int owner_class(const struct inv_assoc *a, const struct subnets *local)
{
	bool gw = a->m->gateway;
	if (a->arp || a->claimed)
		return gw ? 5 : 6;
	if (!gw)
		return a->pkts_src ? 4 : 3;
	/* link-local addresses never cross a router */
	if (hk_addr_is_linklocal(&a->ip))
		return 2;
	/* a router's own LAN address, when it never ARPed for it */
	if (a->pkts_src && !routed(a) && a->ip.family == 4 && local->n && subnets_has(local, &a->ip))
		return 2;
	return 1;
}

static struct inv_ip *ip_find(struct inventory *inv, const struct hk_addr *ip)
{
	return hmap_get(&inv->ip_idx, addr_hash(ip), ip, ip_eq);
}

static void assign_owners(struct inventory *inv, const struct subnets *local)
{
	for (size_t i = 0; i < inv->n_ips; i++) {
		inv->ips[i]->owner = NULL;
		inv->ips[i]->owner_class = 0;
		inv->ips[i]->owner_pkts = 0;
		inv->ips[i]->dev = -1;
	}
	for (size_t i = 0; i < inv->n_assocs; i++) {
		struct inv_assoc *a = inv->assocs[i];
		struct inv_ip *n = a->ipn = ip_find(inv, &a->ip);
		int cls;
		uint64_t pk = a->pkts_src + a->pkts_dst;

		if (!n)
			continue;
		cls = owner_class(a, local);
		if (cls > n->owner_class ||
		    (cls == n->owner_class &&
		     (pk > n->owner_pkts || (pk == n->owner_pkts && memcmp(a->mac, n->owner->mac, 6) < 0)))) {
			n->owner_class = cls;
			n->owner_pkts = pk;
			n->owner = a->m;
		}
	}
}

static bool owned_by_mac(const struct inv_ip *n)
{
	return n->owner && n->owner_class >= 2;
}


/* Gathers a claim for the device in hand; its fold merges equal claims
 * afterwards. */
static void add_ev(struct hk_fold_scratch *sc, const char *attr, const char *value, const char *source,
		   uint8_t conf, uint64_t first, uint64_t last, uint64_t count)
{
	struct hk_evidence *e = hk_fold_scratch_slot(sc);

	if (!e)
		return;
	memset(e, 0, sizeof(*e));
	hk_str_copy(e->attribute, sizeof(e->attribute), attr);
	hk_str_copy(e->value, sizeof(e->value), value);
	hk_str_copy(e->source, sizeof(e->source), source);
	e->confidence = conf;
	e->first_seen = first;
	e->last_seen = last;
	e->count = count ? count : 1;
}

static void fill_oui(struct hk_device *d, struct oui_db *oui, struct hk_fold_scratch *sc)
{
	struct oui_result r;

	if (hk_mac_is_local(d->mac)) {
		d->oui_state = HK_OUI_LOCAL;
		return;
	}
	if (!oui) {
		d->oui_state = HK_OUI_UNREGISTERED;
		return;
	}
	oui_db_lookup(oui, d->mac, &r);
	if (r.status != OUI_FOUND) {
		d->oui_state = r.status == OUI_LOCAL ? HK_OUI_LOCAL : HK_OUI_UNREGISTERED;
		return;
	}
	d->oui_state = HK_OUI_REGISTERED;
	hk_str_copy(d->oui_prefix, sizeof(d->oui_prefix), r.prefix);
	hk_str_copy(d->oui_registry, sizeof(d->oui_registry), oui_registry_name(r.registry));
	hk_str_copy(d->oui_registrant, sizeof(d->oui_registrant), r.registrant);
	hk_str_copy(d->oui_country, sizeof(d->oui_country), r.country);
	/* "Private" is IEEE's word for a registrant that hid its name */
	if (r.registrant[0] && strcmp(r.registrant, "Private") != 0) {
		char src[HK_OBS_SOURCE_MAX];
		memcpy(src, "oui.", 4);
		hk_str_copy(src + 4, sizeof(src) - 4, d->oui_registry);
		add_ev(sc, HK_A_MANUFACTURER, r.registrant, src,
		       r.registry == OUI_REG_MANUF ? CONF_OUI_MANUF : CONF_OUI, d->first_seen, d->last_seen, 1);
	}
}

static int dev_order(const void *a, const void *b)
{
	return hk_device_cmp(a, b);
}

/*
 * hk_device_cmp's order without reading the devices for most compares:
 * the sort runs over small keys (first_seen, then a word that orders as
 * has_mac, the MAC, or the address family and first four bytes do), and
 * reads two devices only when their keys are equal (IP-only devices of the
 * same first sighting and /32 or IPv6 head). A sort of the devices
 * themselves (≈400 bytes each) missed the cache on nearly every compare.
 */
struct dev_key {
	uint64_t first_seen, word;
	size_t idx;
};

static uint64_t dev_word(const struct hk_device *d)
{
	uint64_t w = 0;

	if (d->has_mac) {
		for (int i = 0; i < 6; i++)
			w = w << 8 | d->mac[i];
		return w; /* below every IP-only device's: has_mac comes first */
	}
	/* hk_addr_cmp reads an address's bytes only for IPv4 and IPv6 */
	if (d->ip.family == 4 || d->ip.family == 6)
		for (int i = 0; i < 4; i++)
			w = w << 8 | d->ip.a[i];
	return 1ull << 56 | (uint64_t)d->ip.family << 32 | w;
}

static int dev_key_order(const void *pa, const void *pb, void *arg)
{
	const struct dev_key *a = pa, *b = pb;
	const struct hk_device *devs = arg;

	if (a->first_seen != b->first_seen)
		return a->first_seen < b->first_seen ? -1 : 1;
	if (a->word != b->word)
		return a->word < b->word ? -1 : 1;
	return hk_device_cmp(&devs[a->idx], &devs[b->idx]);
}

/* Sorts devs by hk_device_cmp; without memory for the keys, as qsort does. */
static void devs_sort(struct hk_device *devs, size_t n)
{
	struct dev_key *k = malloc(n * sizeof(*k));
	struct hk_device tmp;

	if (!k) {
		qsort(devs, n, sizeof(*devs), dev_order);
		return;
	}
	for (size_t i = 0; i < n; i++)
		k[i] = (struct dev_key){devs[i].first_seen, dev_word(&devs[i]), i};
	qsort_r(k, n, sizeof(*k), dev_key_order, devs);
	/* devs[i] = old devs[k[i].idx], in place, one cycle at a time; a
	 * placed slot is marked by k[i].idx = i */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		if (k[i].idx == i)
			continue;
		tmp = devs[i];
		for (;;) {
			size_t from = k[j].idx;
			k[j].idx = j;
			if (from == i) {
				devs[j] = tmp;
				break;
			}
			devs[j] = devs[from];
			j = from;
		}
	}
	free(k);
}

_Static_assert(3 + HK_ADDR_STRLEN <= HK_DEV_KEY_MAX, "an IP device's key holds its address uncut");

/* The device a claim goes to (the one its subject resolves to), or -1. */
static ssize_t ev_device(struct inventory *inv, const struct inv_ev *ev)
{
	struct inv_ip *ipn = ev->subj.family ? ip_find(inv, &ev->subj) : NULL;

	if (ev->on_mac) {
		uint64_t h = hk_hash_bytes(ev->mac, 6, 0);
		struct inv_mac *m = hmap_get(&inv->mac_idx, h, ev->mac, mac_eq);
		if (!m)
			return -1;
		/* what a packet through a router says is about the host behind it */
		if (m->gateway && ipn && !(ipn->owner == m && owned_by_mac(ipn)) && ipn->dev >= 0)
			return ipn->dev;
		return m->dev;
	}
	return ipn ? ipn->dev : -1;
}

/* The ip items an owned (MAC, IP) pairing gives its station: 0 to 2. */
static unsigned assoc_ev_count(const struct inv_assoc *a)
{
	return (a->arp ? 1u : 0u) + (a->pkts_src || (!a->arp && !a->claimed) ? 1u : 0u);
}

/* Items grouped by device, each group in the items' order (a counting
 * sort): the items of device k are idx[start[k]] .. idx[start[k + 1] - 1]. */
struct by_dev {
	size_t *start; /* n + 1 */
	size_t *idx;
};

static int by_dev_build(struct by_dev *g, const ssize_t *dev, size_t n_items, size_t n)
{
	g->start = calloc(n + 1, sizeof(*g->start));
	g->idx = malloc((n_items ? n_items : 1) * sizeof(*g->idx));
	if (!g->start || !g->idx)
		return -ENOMEM;
	for (size_t i = 0; i < n_items; i++)
		if (dev[i] >= 0)
			g->start[dev[i] + 1]++;
	for (size_t k = 0; k < n; k++)
		g->start[k + 1] += g->start[k];
	/* start[k] is the next free slot of k while filling, then k + 1's start */
	for (size_t i = 0; i < n_items; i++)
		if (dev[i] >= 0)
			g->idx[g->start[dev[i]]++] = i;
	for (size_t k = n; k > 0; k--)
		g->start[k] = g->start[k - 1];
	g->start[0] = 0;
	return 0;
}

static void by_dev_free(struct by_dev *g)
{
	free(g->start);
	free(g->idx);
}

#define INV_SNAPSHOT_BLOCK 64u /* devices a snapshot thread takes at a time */

/* What the per-device part of a snapshot reads; the devices' ranges are
 * handed out INV_SNAPSHOT_BLOCK at a time, so a thread that drew devices
 * with much evidence does not hold the others up. */
struct snap_job {
	struct inventory *inv;
	struct oui_db *oui;
	struct hk_device *devs;
	size_t n;
	const size_t *need;
	struct inv_ip *const *ip_of;
	const struct by_dev *evs, *assocs;
	struct ev_attr_names attr;
	atomic_size_t next;
	atomic_bool failed;
};

/* Device k's evidence, gathered in the thread's scratch sc: only devs[k]
 * is written, the inventory is read. */
static int snap_device(const struct snap_job *j, size_t k, struct hk_fold_scratch *sc)
{
	struct hk_device *d = &j->devs[k];
	char buf[HK_ADDR_STRLEN];

	/* room for what it will hold; a device past HK_DEV_EVIDENCE_RESERVE_MAX
	 * (a huge [limits] evidence_max) grows as it gathers, and the fold cuts
	 * it to HK_DEV_EVIDENCE_MAX */
	if (j->need[k] <= HK_DEV_EVIDENCE_RESERVE_MAX &&
	    hk_grow((void **)&sc->ev, &sc->cap, j->need[k], sizeof(*sc->ev)) < 0)
		return -ENOMEM;
	if (d->has_mac) {
		const struct inv_mac *m = j->inv->macs[k];
		fill_oui(d, j->oui, sc);
		for (uint8_t v = 0; v < m->n_vlans; v++) {
			char vb[8];
			snprintf(vb, sizeof(vb), "%u", m->vlans[v]);
			add_ev(sc, HK_A_VLAN, vb, "802.1q", 90, d->first_seen, d->last_seen, 1);
		}
		if (m->gateway) {
			/* the numbers that made it a gateway are in the ip evidence of
			 * the devices behind it; the source names the rule */
			const char *why = m->assoc_overflow || m->n4 >= INV_GATEWAY_IPS_MIN
						  ? "traffic.gateway.many-ips"
						  : (m->n_foreign ? "traffic.gateway.off-subnet"
								  : "traffic.gateway.ipv6");
			add_ev(sc, HK_A_ROLE, "router", why, CONF_GATEWAY, d->first_seen, d->last_seen,
			       m->n_assoc);
		}
		for (size_t i = j->assocs->start[k]; i < j->assocs->start[k + 1]; i++) {
			const struct inv_assoc *a = j->inv->assocs[j->assocs->idx[i]];
			hk_addr_fmt(&a->ip, buf);
			if (a->arp)
				add_ev(sc, HK_A_IP, buf, "arp", CONF_IP_ARP, a->first_seen, a->last_seen, 1);
			if (a->pkts_src)
				add_ev(sc, HK_A_IP, buf, "traffic", CONF_IP_TRAFFIC, a->first_seen,
				       a->last_seen, a->pkts_src);
			else if (!a->arp && !a->claimed)
				add_ev(sc, HK_A_IP, buf, "traffic.dst", CONF_IP_DST, a->first_seen,
				       a->last_seen, a->pkts_dst);
		}
	} else {
		const struct inv_ip *ipn = j->ip_of[k];
		/* the key is "ip:" and the address, never cut (HK_ADDR_STRLEN) */
		add_ev(sc, HK_A_IP, d->key + 3, ipn->owner ? "traffic.routed" : "traffic", CONF_IP_TRAFFIC,
		       ipn->first_seen, ipn->last_seen, ipn->pkts);
	}
	for (size_t i = j->evs->start[k]; i < j->evs->start[k + 1]; i++) {
		struct hk_evidence *e = hk_fold_scratch_slot(sc);
		if (!e)
			break;
		ev_claim(j->inv->evs[j->evs->idx[i]], &j->attr, e);
	}
	hk_fold_scratch_into(sc, d);
	return 0;
}

static void *snap_main(void *arg)
{
	struct snap_job *j = arg;
	struct hk_fold_scratch sc = {0};

	while (!atomic_load_explicit(&j->failed, memory_order_relaxed)) {
		size_t k = atomic_fetch_add_explicit(&j->next, INV_SNAPSHOT_BLOCK, memory_order_relaxed);
		size_t end = k + INV_SNAPSHOT_BLOCK < j->n ? k + INV_SNAPSHOT_BLOCK : j->n;

		if (k >= j->n)
			break;
		for (; k < end; k++)
			if (snap_device(j, k, &sc) < 0) {
				atomic_store(&j->failed, true);
				break;
			}
	}
	hk_fold_scratch_free(&sc);
	return NULL;
}

/*
 * Runs snap_device for every device on up to threads threads (the caller's
 * among them). Each device's evidence depends on nothing but the inventory,
 * which no one writes meanwhile, so the result does not depend on the
 * number of threads. Wireshark's manuf, which an OUI lookup would load at
 * its first miss, is loaded before the threads start. A thread that cannot
 * be started leaves its share to the others.
 */
static int snap_run(struct snap_job *j, unsigned threads)
{
	pthread_t tid[INV_SNAPSHOT_THREADS_MAX];
	unsigned started = 0;

	atomic_init(&j->next, 0);
	atomic_init(&j->failed, false);
	if (threads > 1 && j->n > INV_SNAPSHOT_BLOCK) {
		if (j->oui)
			(void)oui_db_load_manuf(j->oui);
		for (unsigned t = 1; t < threads && (size_t)t * INV_SNAPSHOT_BLOCK < j->n; t++)
			if (pthread_create(&tid[started], NULL, snap_main, j) == 0)
				started++;
	}
	snap_main(j);
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	return atomic_load(&j->failed) ? -ENOMEM : 0;
}

/*
 * The devices are made first and their claims grouped by device, so each
 * device's claims are gathered in one array of the size they need, folded
 * (equal claims merged, canonical order: n log n rather than a search of the
 * device's evidence per claim) into an array of the size of its items, and
 * the gathering array freed before the next device's: the snapshot holds
 * only what its devices keep. Each device's claims come in the order
 * hk_device_add_evidence was once called in (OUI, VLANs, gateway role,
 * addresses, then the inventory's evidence), so what HK_DEV_EVIDENCE_MAX
 * keeps is unchanged.
 */
int inv_snapshot_threads(struct inventory *inv, struct oui_db *oui, unsigned threads, struct hk_device **ret_devs,
			 size_t *ret_n)
{
	struct snap_job job;
	struct subnets local = {0};
	struct hk_device *devs = NULL;
	struct by_dev evs = {0}, assocs = {0};
	ssize_t *ev_dev = NULL, *assoc_dev = NULL; /* the device of each claim and pairing, or -1 */
	size_t *need = NULL;                       /* evidence items per device */
	struct inv_ip **ip_of = NULL;              /* the address of each IP-only device */
	size_t n = 0, n_max = inv->n_macs;
	char buf[HK_ADDR_STRLEN];
	int rc = -ENOMEM;

	if (threads > INV_SNAPSHOT_THREADS_MAX)
		threads = INV_SNAPSHOT_THREADS_MAX;
	find_local_subnets(inv, &local);
	classify_gateways(inv, &local);
	assign_owners(inv, &local);

	for (size_t i = 0; i < inv->n_ips; i++)
		if (!owned_by_mac(inv->ips[i]))
			n_max++;
	devs = calloc(n_max ? n_max : 1, sizeof(*devs));
	need = calloc(n_max ? n_max : 1, sizeof(*need));
	ip_of = calloc(n_max ? n_max : 1, sizeof(*ip_of));
	ev_dev = malloc((inv->n_evs ? inv->n_evs : 1) * sizeof(*ev_dev));
	assoc_dev = malloc((inv->n_assocs ? inv->n_assocs : 1) * sizeof(*assoc_dev));
	if (!devs || !need || !ip_of || !ev_dev || !assoc_dev)
		goto oom;

	/* one device per station MAC: its OUI registrant, VLANs, gateway role */
	for (size_t i = 0; i < inv->n_macs; i++) {
		struct inv_mac *m = inv->macs[i];
		struct hk_device *d = &devs[n];

		m->dev = (ssize_t)n++;
		d->has_mac = true;
		memcpy(d->mac, m->mac, 6);
		memcpy(d->key, "mac:", 4);
		hk_str_copy(d->key + 4, sizeof(d->key) - 4, hk_mac_fmt(m->mac, buf));
		d->first_seen = m->first_seen;
		d->last_seen = m->last_seen;
		d->packets = m->pkts;
		d->bytes = m->bytes;
		need[m->dev] = 1u + m->n_vlans + (m->gateway ? 1u : 0u);
	}
	/* the addresses each station owns */
	for (size_t i = 0; i < inv->n_assocs; i++) {
		const struct inv_assoc *a = inv->assocs[i];
		struct inv_ip *ipn = a->ipn;
		assoc_dev[i] = -1;
		if (!ipn || ipn->owner != a->m || !owned_by_mac(ipn))
			continue;
		assoc_dev[i] = a->m->dev;
		need[a->m->dev] += assoc_ev_count(a);
		ipn->dev = a->m->dev;
	}
	/* IP-only devices: remote hosts behind a gateway, or no layer 2 at all */
	for (size_t i = 0; i < inv->n_ips; i++) {
		struct inv_ip *ipn = inv->ips[i];
		struct hk_device *d;
		if (owned_by_mac(ipn)) {
			if (ipn->dev < 0)
				ipn->dev = ipn->owner->dev;
			continue;
		}
		d = &devs[n];
		ip_of[n] = ipn;
		ipn->dev = (ssize_t)n++;
		d->ip = ipn->ip;
		memcpy(d->key, "ip:", 3);
		hk_str_copy(d->key + 3, sizeof(d->key) - 3, hk_addr_fmt(&ipn->ip, buf));
		if (ipn->owner)
			hk_mac_fmt(ipn->owner->mac, d->via_mac);
		d->first_seen = ipn->first_seen;
		d->last_seen = ipn->last_seen;
		d->packets = ipn->pkts;
		d->bytes = ipn->bytes;
		d->oui_state = HK_OUI_NONE;
		need[ipn->dev] = 1;
	}
	/* evidence goes to the device its subject resolves to */
	for (size_t i = 0; i < inv->n_evs; i++) {
		ev_dev[i] = ev_device(inv, inv->evs[i]);
		if (ev_dev[i] >= 0)
			need[ev_dev[i]]++;
	}
	if (by_dev_build(&evs, ev_dev, inv->n_evs, n) < 0 || by_dev_build(&assocs, assoc_dev, inv->n_assocs, n) < 0)
		goto oom;

	job = (struct snap_job){.inv = inv, .oui = oui, .devs = devs, .n = n, .need = need, .ip_of = ip_of,
			       .evs = &evs, .assocs = &assocs};
	ev_attr_names_fill(&job.attr);
	if (snap_run(&job, threads) < 0)
		goto oom;
	if (n > 1)
		devs_sort(devs, n);
	*ret_devs = devs;
	*ret_n = n;
	devs = NULL; /* the caller's now */
	n = 0;
	rc = 0;
oom:
	free(local.v);
	free(need);
	free(ip_of);
	free(ev_dev);
	free(assoc_dev);
	by_dev_free(&evs);
	by_dev_free(&assocs);
	inv_devices_free(devs, n);
	return rc;
}

int inv_snapshot(struct inventory *inv, struct oui_db *oui, struct hk_device **ret_devs, size_t *ret_n)
{
	return inv_snapshot_threads(inv, oui, 1, ret_devs, ret_n);
}

void inv_devices_free(struct hk_device *devs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hk_device_clear(&devs[i]);
	free(devs);
}

/* --- merge --------------------------------------------------------------- */

static struct inv_mac *mac_find(const struct inventory *inv, const uint8_t mac[6])
{
	return hmap_get(&inv->mac_idx, hk_hash_bytes(mac, 6, 0), mac, mac_eq);
}

/*
 * Every node of src is looked up (or made) in dst by its key and folded in
 * with the same rules a sighting follows: counters add up, times widen,
 * flags are OR'd, the highest TTL and confidence win, VLAN sets unite. A
 * node dst has no room for is counted in dst's stats like a sighting past
 * the cap; -ENOMEM only when memory ran out.
 */
int inv_merge(struct inventory *dst, const struct inventory *src)
{
	if (dst == src)
		return -EINVAL;
	for (size_t i = 0; i < src->n_macs; i++) {
		const struct inv_mac *s = src->macs[i];
		struct inv_mac *m = mac_get(dst, s->mac, s->first_seen);

		if (!m) {
			if (dst->n_macs < dst->lim.macs_max)
				return -ENOMEM;
			continue;
		}
		touch(&m->first_seen, &m->last_seen, s->last_seen);
		m->pkts += s->pkts;
		m->bytes += s->bytes;
		m->assoc_overflow |= s->assoc_overflow;
		for (uint8_t v = 0; v < s->n_vlans; v++)
			mac_add_vlan(m, s->vlans[v]);
	}
	for (size_t i = 0; i < src->n_ips; i++) {
		const struct inv_ip *s = src->ips[i];
		struct inv_ip *n = ip_get(dst, &s->ip, s->first_seen);

		if (!n) {
			if (dst->n_ips < dst->lim.ips_max)
				return -ENOMEM;
			continue;
		}
		touch(&n->first_seen, &n->last_seen, s->last_seen);
		n->pkts += s->pkts;
		n->bytes += s->bytes;
	}
	for (size_t i = 0; i < src->n_assocs; i++) {
		const struct inv_assoc *s = src->assocs[i];
		struct inv_mac *m = mac_find(dst, s->mac);
		struct inv_assoc *a;

		if (!m) {
			dst->st.assoc_dropped++; /* its MAC did not fit */
			continue;
		}
		a = assoc_get(dst, m, &s->ip, s->first_seen);
		if (!a) {
			if (m->n_assoc < INV_ASSOC_PER_MAC_MAX)
				return -ENOMEM;
			continue;
		}
		touch(&a->first_seen, &a->last_seen, s->last_seen);
		a->pkts_src += s->pkts_src;
		a->pkts_dst += s->pkts_dst;
		if (s->max_ttl > a->max_ttl)
			a->max_ttl = s->max_ttl;
		a->arp |= s->arp;
		a->claimed |= s->claimed;
	}
	for (size_t i = 0; i < src->n_evs; i++) {
		const struct inv_ev *s = src->evs[i];
		struct inv_ev *ev;

		/* a claim about a MAC or address that did not fit is dropped, as
		 * inv_obs() drops it */
		if ((s->on_mac && !mac_find(dst, s->mac)) || (!s->on_mac && !ip_find(dst, &s->subj))) {
			dst->st.evidence_dropped++;
			continue;
		}
		ev = ev_find_or_add(dst, s);
		if (!ev) {
			if (dst->n_evs < dst->lim.evidence_max)
				return -ENOMEM;
			continue;
		}
		ev_take(ev, s->confidence, s->first_seen, s->last_seen, s->count);
	}
	dst->st.packets += src->st.packets;
	dst->st.macs_dropped += src->st.macs_dropped;
	dst->st.ips_dropped += src->st.ips_dropped;
	dst->st.assoc_dropped += src->st.assoc_dropped;
	dst->st.evidence_dropped += src->st.evidence_dropped;
	return 0;
}
