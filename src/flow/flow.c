/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "flow/flow.h"

#include <endian.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmap.h"
#include "core/util.h"
#include "flow/stream.h"

/* Expiry walks the table at most once per second of packet time. */
#define FLOW_EXPIRE_EVERY_USEC 1000000u

struct flow_table {
	struct hmap index;
	struct flow *lru_head, *lru_tail;
	size_t max_flows;
	uint64_t idle_usec;
	uint64_t clock;       /* the flow_clock reading of the latest packet */
	uint64_t epoch;       /* and its epoch */
	uint64_t last_expire; /* clock at the last expiry walk */
	flow_end_fn end;
	void *userdata;
	struct flow_stats st;
	struct flow *last; /* the flow of the previous packet: often the next one's too */
};

static bool key_eq(const void *item, const void *key)
{
	return memcmp(&((const struct flow *)item)->key, key, sizeof(struct flow_key)) == 0;
}

struct flow_table *flow_table_new(size_t max_flows, uint64_t idle_usec, flow_end_fn end, void *userdata)
{
	struct flow_table *ft = calloc(1, sizeof(*ft));
	if (!ft)
		return NULL;
	ft->max_flows = max_flows ? max_flows : FLOW_MAX_DEFAULT;
	ft->idle_usec = idle_usec ? idle_usec : FLOW_IDLE_USEC_DEFAULT;
	ft->end = end;
	ft->userdata = userdata;
	if (hmap_init(&ft->index, ft->max_flows < 4096 ? ft->max_flows : 4096) < 0) {
		free(ft);
		return NULL;
	}
	return ft;
}

static void lru_unlink(struct flow_table *ft, struct flow *f)
{
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		ft->lru_head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		ft->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_append(struct flow_table *ft, struct flow *f)
{
	f->lru_prev = ft->lru_tail;
	f->lru_next = NULL;
	if (ft->lru_tail)
		ft->lru_tail->lru_next = f;
	else
		ft->lru_head = f;
	ft->lru_tail = f;
}

static void flow_end(struct flow_table *ft, struct flow *f)
{
	if (ft->last == f)
		ft->last = NULL;
	lru_unlink(ft, f);
	hmap_del(&ft->index, f->hash, f);
	ft->st.active--;
	if (ft->end)
		ft->end(f, ft->userdata);
	stream_free(f->stream[0]);
	stream_free(f->stream[1]);
	free(f);
}

struct flow_table *flow_table_free(struct flow_table *ft)
{
	if (!ft)
		return NULL;
	flow_table_flush(ft);
	hmap_fini(&ft->index);
	free(ft);
	return NULL;
}

static uint64_t load64(const uint8_t *b)
{
	uint64_t v;

	memcpy(&v, b, 8);
	return v;
}

static void store64(uint8_t *b, uint64_t v)
{
	memcpy(b, &v, 8);
}

/* An IPv4 address as the native word of its first 8 key bytes (the address,
 * then zeros). */
static uint64_t v4_word(uint32_t raw)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return raw;
#else
	return (uint64_t)raw << 32;
#endif
}

_Static_assert(offsetof(struct flow_key, port) == 32 && offsetof(struct flow_key, family) == 36 &&
		       offsetof(struct flow_key, proto) == 37 && offsetof(struct flow_key, vlan) == 38 &&
		       sizeof(struct flow_key) == 40,
	       "make_key writes the key as five words: ip[2][16], then port[2], family, proto, vlan");

/*
 * Builds the symmetric key; returns the key index of the sender. The key is
 * built in registers and written in five 8-byte stores: built with a memset
 * and 4-byte copies (or through a struct on the stack), the 8-byte loads of
 * the compare and the hash right after could not be forwarded from the
 * store buffer and waited for it (perf: the top samples of flow_table_get).
 * The ends are ordered as memcmp orders the address bytes, then by port.
 */
static int make_key(const struct hk_pkt *p, struct flow_key *k)
{
	uint16_t sport = p->has_l4 ? p->sport : 0, dport = p->has_l4 ? p->dport : 0;
	uint16_t vlan = p->n_vlan ? p->vlan[0] : 0, lo_port, hi_port;
	uint64_t s0, s1, d0, d1, sb0, sb1, db0, db1, tail, mask, x0, x1;
	uint16_t xp;
	bool swap;
	int c;

	if (p->src_ip.family == 4) {
		uint32_t sa, da;

		memcpy(&sa, p->src_ip.a, 4);
		memcpy(&da, p->dst_ip.a, 4);
		s0 = v4_word(sa);
		d0 = v4_word(da);
		s1 = d1 = 0;
		sb0 = be32toh(sa);
		db0 = be32toh(da);
		sb1 = db1 = 0;
	} else {
		s0 = load64(p->src_ip.a);
		s1 = load64(p->src_ip.a + 8);
		d0 = load64(p->dst_ip.a);
		d1 = load64(p->dst_ip.a + 8);
		sb0 = be64toh(s0);
		sb1 = be64toh(s1);
		db0 = be64toh(d0);
		db1 = be64toh(d1);
	}
	/* without branches: which end comes first is a coin toss per packet
	 * (its direction), a branch on it mispredicted half the time */
	c = (sb0 > db0) - (sb0 < db0);
	c = c ? c : (sb1 > db1) - (sb1 < db1);
	c = c ? c : (sport > dport) - (sport < dport);
	swap = c > 0;
	/* a mask, not ?: (GCC turned those into a branch again) */
	mask = -(uint64_t)swap;
	x0 = (s0 ^ d0) & mask;
	x1 = (s1 ^ d1) & mask;
	xp = (uint16_t)((sport ^ dport) & mask);
	store64(k->ip[0], s0 ^ x0);
	store64(k->ip[0] + 8, s1 ^ x1);
	store64(k->ip[1], d0 ^ x0);
	store64(k->ip[1] + 8, d1 ^ x1);
	lo_port = sport ^ xp;
	hi_port = dport ^ xp;
	/* port[0], port[1], family, proto, vlan as they lie in memory */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	tail = (uint64_t)lo_port | (uint64_t)hi_port << 16 | (uint64_t)p->src_ip.family << 32 |
	       (uint64_t)p->ip_proto << 40 | (uint64_t)vlan << 48;
#else
	tail = (uint64_t)lo_port << 48 | (uint64_t)hi_port << 32 | (uint64_t)p->src_ip.family << 24 |
	       (uint64_t)p->ip_proto << 16 | vlan;
#endif
	store64((uint8_t *)k + offsetof(struct flow_key, port), tail);
	return swap;
}

static void set_endpoint(struct hk_endpoint *ep, bool has_mac, const uint8_t *mac, const struct hk_addr *ip)
{
	ep->has_mac = has_mac;
	if (has_mac)
		memcpy(ep->mac, mac, 6);
	ep->ip = *ip;
}

/* Lower ports, and the registered ports of the protocols we care about, are servers. */
static bool port_is_service(uint16_t port)
{
	return port > 0 && port < 1024;
}

static void learn_client(struct flow *f, const struct hk_pkt *p, int dir)
{
	uint16_t sport = p->sport, dport = p->dport;

	if (f->client_basis == FLOW_CLIENT_SYN || f->client_basis == FLOW_CLIENT_SYNACK)
		return;
	if (p->ip_proto == 6 && p->has_l4) {
		uint8_t fl = p->tcp_flags & (HK_TCP_SYN | HK_TCP_ACK);
		if (fl == HK_TCP_SYN) {
			f->client = (int8_t)dir;
			f->client_basis = FLOW_CLIENT_SYN;
			return;
		}
		if (fl == (HK_TCP_SYN | HK_TCP_ACK)) {
			f->client = (int8_t)(1 - dir);
			f->client_basis = FLOW_CLIENT_SYNACK;
			return;
		}
	}
	if (f->client_basis != FLOW_CLIENT_UNKNOWN || !p->has_l4)
		return;
	if (port_is_service(sport) && !port_is_service(dport)) {
		f->client = (int8_t)(1 - dir);
		f->client_basis = FLOW_CLIENT_PORT;
	} else if (port_is_service(dport) && !port_is_service(sport)) {
		f->client = (int8_t)dir;
		f->client_basis = FLOW_CLIENT_PORT;
	} else {
		f->client = (int8_t)dir;
		f->client_basis = FLOW_CLIENT_FIRST;
	}
}

struct flow *flow_table_get(struct flow_table *ft, const struct hk_pkt *p, int *ret_dir, bool *ret_new)
{
	struct flow_key k;
	struct flow *f;
	uint64_t h;
	int dir;

	if ((p->l3 != HK_L3_IPV4 && p->l3 != HK_L3_IPV6) || p->src_ip.family == 0)
		return NULL;
	dir = make_key(p, &k);
	if (ft->last && key_eq(ft->last, &k)) {
		f = ft->last;
		h = f->hash;
	} else {
		h = hk_hash_bytes(&k, sizeof(k), 0);
		f = hmap_get(&ft->index, h, &k, key_eq);
	}
	*ret_new = false;
	if (f && f->last_seen + ft->idle_usec < ft->clock) {
		ft->st.expired++;
		flow_end(ft, f);
		f = NULL;
	}
	if (!f) {
		if (ft->st.active >= ft->max_flows && ft->lru_head) {
			ft->st.evicted++;
			flow_end(ft, ft->lru_head);
		}
		f = calloc(1, sizeof(*f));
		if (!f)
			return NULL;
		f->key = k;
		f->hash = h;
		f->client = -1;
		f->first_seen = p->ts_usec;
		if (hmap_put(&ft->index, h, f) < 0) {
			free(f);
			return NULL;
		}
		ft->st.created++;
		if (++ft->st.active > ft->st.peak_active)
			ft->st.peak_active = ft->st.active;
		*ret_new = true;
		lru_append(ft, f);
	} else if (ft->lru_tail != f) {
		/* the flow of the previous packet is the tail already: no move */
		lru_unlink(ft, f);
		lru_append(ft, f);
	}
	if (p->ts_usec > f->last_seen)
		f->last_seen = p->ts_usec;
	f->pkts[dir]++;
	f->bytes[dir] += p->wirelen;
	if (p->ip_proto == 6 && p->has_l4)
		f->tcp_flags_seen[dir] |= p->tcp_flags;
	/* the sender's own MAC and IP are the best we know of that endpoint */
	set_endpoint(&f->ep[dir], p->has_mac, p->src_mac, &p->src_ip);
	f->ep_sent[dir] = true;
	if (!f->ep_sent[1 - dir])
		set_endpoint(&f->ep[1 - dir], p->has_dst_mac && !hk_mac_is_multicast(p->dst_mac),
			     p->dst_mac, &p->dst_ip);
	learn_client(f, p, dir);
	ft->last = f;
	*ret_dir = dir;
	return f;
}

bool flow_clock_advance(struct flow_clock *c, uint64_t ts_usec, uint64_t idle_usec)
{
	/*
	 * Small reorderings (merged captures, several interfaces) only hold the
	 * clock where it is; a jump back by more than the idle time means the
	 * flows so far belong to another stretch of time.
	 */
	if (c->started && ts_usec + idle_usec < c->now) {
		c->now = ts_usec;
		c->epoch++;
		return true;
	}
	if (!c->started || ts_usec > c->now)
		c->now = ts_usec;
	c->started = true;
	return false;
}

static void expire_walk(struct flow_table *ft)
{
	if (ft->clock < ft->last_expire + FLOW_EXPIRE_EVERY_USEC)
		return;
	ft->last_expire = ft->clock;
	while (ft->lru_head && ft->lru_head->last_seen + ft->idle_usec < ft->clock) {
		ft->st.expired++;
		flow_end(ft, ft->lru_head);
	}
}

void flow_table_advance(struct flow_table *ft, uint64_t epoch, uint64_t now_usec)
{
	if (epoch != ft->epoch) {
		ft->epoch = epoch;
		ft->clock = now_usec;
		ft->last_expire = now_usec;
		while (ft->lru_head) {
			ft->st.expired++;
			flow_end(ft, ft->lru_head);
		}
		return;
	}
	if (now_usec > ft->clock)
		ft->clock = now_usec;
	expire_walk(ft);
}

void flow_table_expire(struct flow_table *ft, uint64_t now_usec)
{
	if (now_usec > ft->clock)
		ft->clock = now_usec;
	expire_walk(ft);
}

void flow_table_flush(struct flow_table *ft)
{
	while (ft->lru_head) {
		/* one idle by the clock counts as expired, whether or not a walk
		 * came by since: the counts then do not depend on when walks ran */
		if (ft->lru_head->last_seen + ft->idle_usec < ft->clock)
			ft->st.expired++;
		else
			ft->st.flushed++;
		flow_end(ft, ft->lru_head);
	}
}

const struct flow_stats *flow_table_stats(const struct flow_table *ft)
{
	return &ft->st;
}

uint16_t flow_server_port(const struct flow *f)
{
	if (f->client < 0)
		return 0;
	return f->key.port[1 - f->client];
}

const char *flow_proto_l4_name(uint8_t ip_proto)
{
	switch (ip_proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmp6";
	case 132:
		return "sctp";
	default:
		return "ip";
	}
}
