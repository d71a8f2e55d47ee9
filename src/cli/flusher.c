/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differences between inventory snapshots for the store; see flusher.h.
 *
 * The remembered state is two flat arrays: devices sorted by key, and their
 * claims, each device's run sorted by claim id. A flush builds the same
 * arrays for the new snapshot, computes the differences against the old
 * ones by binary search, and keeps the new arrays once the store took the
 * differences.
 */
#include "cli/flusher.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

struct fl_claim {
	uint64_t id[2]; /* keyed hashes of attribute, value and source */
	uint64_t count;
};

struct fl_dev {
	char key[HK_DEV_KEY_MAX];
	uint64_t packets, bytes;
	size_t first, n; /* its claims: claims[first .. first + n) */
	size_t src;      /* while flushing: the index in the snapshot */
};

struct fl_state {
	struct fl_dev *devs;
	size_t n_devs;
	struct fl_claim *claims;
	size_t n_claims;
};

struct flusher {
	struct flusher_limits lim;
	uint64_t seed[2];
	struct fl_state cur;
	struct flusher_stats st;
};

static void state_free(struct fl_state *s)
{
	free(s->devs);
	free(s->claims);
	memset(s, 0, sizeof(*s));
}

void flusher_limits_from_inv(struct flusher_limits *ret, const struct inv_limits *inv)
{
	size_t macs = inv && inv->macs_max ? inv->macs_max : INV_MACS_MAX_DEFAULT;
	size_t ips = inv && inv->ips_max ? inv->ips_max : INV_IPS_MAX_DEFAULT;
	size_t ev = inv && inv->evidence_max ? inv->evidence_max : INV_EVIDENCE_MAX_DEFAULT;

	ret->devices_max = macs + ips;
	/* observed claims; an ip claim per pairing (arp and traffic) or IP-only
	 * device; vlan, OUI manufacturer and router claims per MAC */
	ret->claims_max = ev + 2 * ips + macs * (INV_VLANS_PER_MAC_MAX + 2);
}

struct flusher *flusher_new(const struct flusher_limits *lim)
{
	struct flusher *f = calloc(1, sizeof(*f));
	struct flusher_limits def;

	if (!f)
		return NULL;
	flusher_limits_from_inv(&def, NULL);
	f->lim.devices_max = lim && lim->devices_max ? lim->devices_max : def.devices_max;
	f->lim.claims_max = lim && lim->claims_max ? lim->claims_max : def.claims_max;
	/* keyed, so that nobody on the wire can make two claims share an id */
	if (getrandom(f->seed, sizeof(f->seed), GRND_NONBLOCK) != (ssize_t)sizeof(f->seed)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		f->seed[0] = hk_now_usec() ^ ((uint64_t)getpid() << 32);
		f->seed[1] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uintptr_t)f;
	}
	return f;
}

struct flusher *flusher_free(struct flusher *f)
{
	if (!f)
		return NULL;
	state_free(&f->cur);
	free(f);
	return NULL;
}

const struct flusher_stats *flusher_get_stats(const struct flusher *f)
{
	return &f->st;
}

static void claim_id(const struct flusher *f, const struct hk_evidence *e, uint64_t ret[2])
{
	for (int k = 0; k < 2; k++) {
		/* the NULs separate the fields: ("ab","c") is not ("a","bc") */
		uint64_t h = hk_hash_bytes(e->attribute, strnlen(e->attribute, sizeof(e->attribute)) + 1,
					   f->seed[k]);
		h = hk_hash_bytes(e->value, strnlen(e->value, sizeof(e->value)) + 1, h);
		ret[k] = hk_hash_bytes(e->source, strnlen(e->source, sizeof(e->source)) + 1, h);
	}
}

static int claim_cmp(const void *a, const void *b)
{
	const struct fl_claim *x = a, *y = b;

	if (x->id[0] != y->id[0])
		return x->id[0] < y->id[0] ? -1 : 1;
	if (x->id[1] != y->id[1])
		return x->id[1] < y->id[1] ? -1 : 1;
	return 0;
}

static int dev_key_cmp(const void *a, const void *b)
{
	const struct fl_dev *x = a, *y = b;

	return strncmp(x->key, y->key, sizeof(x->key));
}

static const struct fl_dev *find_dev(const struct fl_state *s, const char *key)
{
	struct fl_dev k;

	if (!s->n_devs)
		return NULL;
	snprintf(k.key, sizeof(k.key), "%s", key);
	return bsearch(&k, s->devs, s->n_devs, sizeof(*s->devs), dev_key_cmp);
}

static const struct fl_claim *find_claim(const struct fl_state *s, const struct fl_dev *d, const uint64_t id[2])
{
	struct fl_claim k = {.id = {id[0], id[1]}};

	if (!d || !d->n)
		return NULL;
	return bsearch(&k, &s->claims[d->first], d->n, sizeof(*s->claims), claim_cmp);
}

static uint64_t grown(uint64_t now, uint64_t before)
{
	return now > before ? now - before : 0;
}

static void swap_dev(struct hk_device *a, struct hk_device *b)
{
	struct hk_device t;

	if (a == b)
		return;
	t = *a;
	*a = *b;
	*b = t;
}

/* The snapshot's devices and claims, as far as the limits go. */
static int build_state(struct flusher *f, const struct hk_device *devs, size_t n, struct fl_state *ret,
		       struct flusher_result *res)
{
	size_t n_devs = 0, n_claims = 0;

	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < n; i++) {
		size_t k;

		if (n_devs >= f->lim.devices_max) {
			res->devices_dropped++;
			continue;
		}
		n_devs++;
		k = devs[i].n_ev;
		if (k > f->lim.claims_max - n_claims) {
			res->claims_dropped += k - (f->lim.claims_max - n_claims);
			k = f->lim.claims_max - n_claims;
		}
		n_claims += k;
	}
	ret->devs = calloc(n_devs ? n_devs : 1, sizeof(*ret->devs));
	ret->claims = calloc(n_claims ? n_claims : 1, sizeof(*ret->claims));
	if (!ret->devs || !ret->claims) {
		state_free(ret);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && ret->n_devs < n_devs; i++) {
		struct fl_dev *d = &ret->devs[ret->n_devs++];
		size_t k = devs[i].n_ev;

		if (k > n_claims - ret->n_claims)
			k = n_claims - ret->n_claims;
		snprintf(d->key, sizeof(d->key), "%s", devs[i].key);
		d->packets = devs[i].packets;
		d->bytes = devs[i].bytes;
		d->first = ret->n_claims;
		d->n = k;
		d->src = i;
		for (size_t j = 0; j < k; j++) {
			struct fl_claim *c = &ret->claims[ret->n_claims++];

			claim_id(f, &devs[i].ev[j], c->id);
			c->count = devs[i].ev[j].count;
		}
	}
	return 0;
}

/* Turns devs[d->src] into its difference from what was flushed; true when
 * there is something to merge. */
static bool diff_device(const struct flusher *f, const struct fl_state *next, const struct fl_dev *d,
			struct hk_device *dev, struct flusher_result *res)
{
	const struct fl_dev *old = find_dev(&f->cur, d->key);
	size_t kept = 0;
	bool changed;

	dev->packets = old ? grown(d->packets, old->packets) : d->packets;
	dev->bytes = old ? grown(d->bytes, old->bytes) : d->bytes;
	for (size_t j = 0; j < d->n; j++) {
		const struct fl_claim *c = &next->claims[d->first + j];
		const struct fl_claim *oc = old ? find_claim(&f->cur, old, c->id) : NULL;
		uint64_t add = oc ? grown(c->count, oc->count) : c->count;

		if (!add)
			continue;
		if (kept != j)
			dev->ev[kept] = dev->ev[j];
		dev->ev[kept++].count = add;
	}
	dev->n_ev = kept; /* claims past the limit (j >= d->n) are dropped too */
	changed = !old || dev->packets || dev->bytes || kept;
	if (changed) {
		res->devices++;
		res->devices_new += !old;
		res->claims += kept;
		res->packets += dev->packets;
		res->bytes += dev->bytes;
	}
	return changed;
}

int flusher_flush(struct flusher *f, struct hk_device *devs, size_t n, flusher_merge_fn merge, void *userdata,
		  struct flusher_result *ret)
{
	struct flusher_result res = {0};
	struct fl_state next;
	size_t out = 0;
	int rc;

	rc = build_state(f, devs, n, &next, &res);
	if (rc < 0) {
		f->st.failures++;
		return rc;
	}
	/*
	 * The tracked devices are the first next.n_devs of the snapshot (src ==
	 * j); those past the device limit are never merged. A changed device
	 * swaps places with the first unchanged one before it, so the changed
	 * ones keep the snapshot's order and nothing is freed twice.
	 */
	for (size_t j = 0; j < next.n_devs; j++) {
		struct fl_dev *d = &next.devs[j];

		if (diff_device(f, &next, d, &devs[d->src], &res))
			swap_dev(&devs[out++], &devs[d->src]);
	}
	for (size_t j = 0; j < next.n_devs; j++)
		if (next.devs[j].n > 1)
			qsort(&next.claims[next.devs[j].first], next.devs[j].n, sizeof(*next.claims), claim_cmp);
	if (next.n_devs > 1)
		qsort(next.devs, next.n_devs, sizeof(*next.devs), dev_key_cmp);
	rc = out && merge ? merge(devs, out, userdata) : 0;
	if (rc < 0) {
		state_free(&next);
		f->st.failures++;
		return rc;
	}
	state_free(&f->cur);
	f->cur = next;
	f->st.flushes++;
	f->st.devices_dropped += res.devices_dropped;
	f->st.claims_dropped += res.claims_dropped;
	f->st.devices_tracked = next.n_devs;
	f->st.claims_tracked = next.n_claims;
	if (ret)
		*ret = res;
	return 0;
}
