/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "inventory/derive.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmap.h"
#include "core/util.h"
#include "inventory/enterprises.h"
#include "inventory/signatures.h"
#include "inventory/vendorids.h"

/* An SNMP agent's enterprise number names its maker well, not perfectly
 * (OEMs and agents built on another vendor's SNMP stack). */
#define CONF_ENTERPRISE 60

/* What inv_knowledge_open_lazy left for the first snmp.enterprise item. */
struct inv_ents_later {
	pthread_mutex_t lock;
	atomic_bool tried; /* set (release) once db and err are final */
	struct ent_db *db;
	char err[600];     /* "no SNMP enterprise names: ..." when db is NULL */
};

/* The enterprise table: loaded already, or now (once, under the lock; a
 * thread that finds it loaded takes no lock). */
static const struct ent_db *knowledge_ents(const struct inv_knowledge *k)
{
	struct inv_ents_later *l = k->ents_later;

	if (k->ents || !l)
		return k->ents;
	if (!atomic_load_explicit(&l->tried, memory_order_acquire)) {
		pthread_mutex_lock(&l->lock);
		if (!atomic_load_explicit(&l->tried, memory_order_relaxed)) {
			char err[512];

			l->db = ent_db_open(NULL, err, sizeof(err));
			if (!l->db)
				snprintf(l->err, sizeof(l->err), "no SNMP enterprise names: %s", err);
			atomic_store_explicit(&l->tried, true, memory_order_release);
		}
		pthread_mutex_unlock(&l->lock);
	}
	return l->db;
}

const char *inv_knowledge_late_error(const struct inv_knowledge *k)
{
	const struct inv_ents_later *l = k->ents_later;

	if (!l || !atomic_load_explicit(&l->tried, memory_order_acquire) || l->db)
		return NULL;
	return l->err;
}

bool inv_evidence_is_raw(const struct hk_evidence *e)
{
	return strcmp(e->attribute, "software") == 0 || strcmp(e->attribute, "fingerprint") == 0;
}

/* What a derived claim takes from the item it comes from. */
struct claim_from {
	uint64_t first_seen, last_seen, count;
	char source[HK_OBS_SOURCE_MAX];
};

static void add_claim(struct hk_device *d, const struct claim_from *from, const char *attr, const char *value,
		      const char *source, uint8_t conf)
{
	struct hk_evidence e;
	memset(&e, 0, sizeof(e));
	hk_str_copy(e.attribute, sizeof(e.attribute), attr);
	hk_str_copy(e.value, sizeof(e.value), value);
	hk_str_copy(e.source, sizeof(e.source), source);
	e.confidence = conf;
	e.first_seen = from->first_seen;
	e.last_seen = from->last_seen;
	e.count = from->count;
	hk_device_append_evidence(d, &e); /* inv_derive_with folds them */
}

/*
 * Claims from one raw evidence item (d->ev[i], or e when d is NULL: only
 * counted); returns how many. Everything is looked up before the first
 * claim is appended (which may move d's array), so the item is read in
 * place: only the few fields the claims take are copied, and only when
 * there is a claim.
 */
static size_t derive_one(struct hk_device *d, const struct hk_evidence *e, const struct inv_knowledge *k,
			 struct sig_scratch *sc)
{
	struct sig_claim claims[DERIVE_CLAIMS_MAX];
	struct claim_from from;
	const char *vendor = NULL, *name = NULL;
	const struct ent_db *ents;
	uint8_t vconf = 0;
	size_t n = 0, n_sig = 0;

	if (k->sigs)
		n = n_sig = sig_match_with(k->sigs, sc, e->source, e->value, claims, DERIVE_CLAIMS_MAX);
	if (k->vids) {
		vendor = vid_lookup(k->vids, e->source, e->value, &vconf);
		n += vendor != NULL;
	}
	if (strcmp(e->source, "snmp.enterprise") == 0 && (ents = knowledge_ents(k)) != NULL) {
		char *end;
		unsigned long pen = strtoul(e->value, &end, 10);
		name = (*end == '\0' && pen <= UINT32_MAX && !vid_not_vendor(k->vids, e->source, (uint32_t)pen))
			       ? ent_db_name(ents, (uint32_t)pen)
			       : NULL;
		n += name != NULL;
	}
	if (!d || n == 0)
		return n;
	from.first_seen = e->first_seen;
	from.last_seen = e->last_seen;
	from.count = e->count;
	memcpy(from.source, e->source, sizeof(from.source));
	/* e may move from here on */
	for (size_t i = 0; i < n_sig; i++) {
		char src[HK_OBS_SOURCE_MAX];
		memcpy(src, "sig.", 4);
		hk_str_copy(src + 4, sizeof(src) - 4, claims[i].rule_id);
		add_claim(d, &from, claims[i].attribute, claims[i].value, src, claims[i].confidence);
	}
	if (vendor) {
		char src[HK_OBS_SOURCE_MAX];
		_Static_assert(4 + 43 < sizeof(src), "vid. and 43 bytes of a source fit");
		memcpy(src, "vid.", 4);
		hk_str_copy(src + 4, 43 + 1, from.source); /* "vid.%.43s" */
		add_claim(d, &from, HK_A_MANUFACTURER, vendor, src, vconf);
	}
	if (name)
		add_claim(d, &from, HK_A_MANUFACTURER, name, "snmp.enterprise", CONF_ENTERPRISE);
	return n;
}

static bool derivable(const struct hk_evidence *e)
{
	const char *s = e->source;
	/* the three prefixes have their '.' at byte 3: most sources are told
	 * apart by that byte alone (read only when no NUL comes before it) */
	if (!s[0] || !s[1] || !s[2] || s[3] != '.')
		return true;
	return memcmp(s, "sig.", 4) != 0 && memcmp(s, "vid.", 4) != 0 && memcmp(s, "oui.", 4) != 0;
}

void inv_derive(struct hk_device *d, void *knowledge)
{
	inv_derive_with(d, knowledge, NULL);
}

void inv_derive_with(struct hk_device *d, const struct inv_knowledge *k, struct sig_scratch *sc)
{
	size_t n_raw = d->n_ev;

	if (!k)
		return;
	/* claims are appended; only the items that were there before are input.
	 * Structured claims feed signatures too (an S7 order number names a model
	 * family); claims derived here or from the OUI registry do not. */
	for (size_t i = 0; i < n_raw; i++)
		if (derivable(&d->ev[i]))
			derive_one(d, &d->ev[i], k, sc);
	/* the derived claims fold into equal ones (raw or derived) as
	 * hk_device_add_evidence would fold them, and the array shrinks to its
	 * items: a device read once for output keeps no spare room */
	if (d->n_ev > n_raw) {
		hk_device_fold_evidence(d);
	} else {
		hk_device_sort_evidence(d);
		/* a device read from the store grew its array by doubling */
		if (d->cap_ev > d->n_ev && d->n_ev) {
			struct hk_evidence *v = realloc(d->ev, d->n_ev * sizeof(*v));
			if (v) {
				d->ev = v;
				d->cap_ev = d->n_ev;
			}
		}
	}
}

static int knowledge_open(struct inv_knowledge *k, const char *sigdir, bool lazy, char *errbuf, size_t errsz)
{
	char dirbuf[4096], err[512];
	struct sig_report *rep;
	int failed = 0;
	size_t used = 0;

	memset(k, 0, sizeof(*k));
	errbuf[0] = '\0';
	if (!sigdir)
		sigdir = sig_default_dir(dirbuf, sizeof(dirbuf));
	rep = calloc(1, sizeof(*rep));
	if (rep && sigdir) {
		k->sigs = sig_load_dir(sigdir, rep);
		if (!k->sigs) {
			failed++;
			used += (size_t)snprintf(errbuf + used, errsz - used,
						 "signatures in %s not loaded (%zu errors; 'herkomst check signatures %s' "
						 "lists them)%s%s",
						 sigdir, rep->n_errors, sigdir, rep->n_kept ? ": " : "",
						 rep->n_kept ? rep->msg[0] : "");
			if (used >= errsz) /* cut: what follows is not written past the end */
				used = errsz - 1;
		}
	}
	free(rep);
	/* without memory for the lock, the table loads now */
	if (lazy && (k->ents_later = calloc(1, sizeof(*k->ents_later))) != NULL &&
	    pthread_mutex_init(&k->ents_later->lock, NULL) != 0) {
		free(k->ents_later);
		k->ents_later = NULL;
	}
	if (sigdir) {
		k->vids = vid_load_dir(sigdir, err, sizeof(err));
		if (!k->vids) {
			failed++;
			used += (size_t)snprintf(errbuf + used, errsz - used, "%sno vendor-ID tables: %s",
						 used ? "; " : "", err);
			if (used >= errsz)
				used = errsz - 1;
		}
	}
	if (k->ents_later)
		return failed;
	k->ents = ent_db_open(NULL, err, sizeof(err));
	if (!k->ents) {
		failed++;
		snprintf(errbuf + used, errsz - used, "%sno SNMP enterprise names: %s", used ? "; " : "", err);
	}
	return failed;
}

int inv_knowledge_open(struct inv_knowledge *k, const char *sigdir, char *errbuf, size_t errsz)
{
	return knowledge_open(k, sigdir, false, errbuf, errsz);
}

int inv_knowledge_open_lazy(struct inv_knowledge *k, const char *sigdir, char *errbuf, size_t errsz)
{
	return knowledge_open(k, sigdir, true, errbuf, errsz);
}

void inv_knowledge_close(struct inv_knowledge *k)
{
	k->sigs = sig_db_free(k->sigs);
	k->ents = ent_db_free(k->ents);
	k->vids = vid_db_free(k->vids);
	if (k->ents_later) {
		ent_db_free(k->ents_later->db);
		pthread_mutex_destroy(&k->ents_later->lock);
		free(k->ents_later);
		k->ents_later = NULL;
	}
}

static int unknown_order(const void *pa, const void *pb)
{
	const struct unknown_fp *a = pa, *b = pb;
	int c;
	if (a->devices != b->devices)
		return a->devices > b->devices ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	c = strcmp(a->source, b->source);
	return c ? c : strcmp(a->value, b->value);
}

/*
 * What an analyst could write a signature for: every self-description
 * (software), and the fingerprints that identify a stack (DHCP option lists,
 * TLS hello hashes, SNMP object IDs). Other raw facts (addresses, unit IDs,
 * TSAPs, external peers) are evidence, not candidates.
 */
static bool unknown_candidate(const struct hk_evidence *e)
{
	static const char *const fps[] = {
		"dhcp.prl", "dhcpv6.oro", "tls.ja3", "tls.ja3s", "tls.ja4", "snmp.sysobjectid",
	};
	/* the first byte first: this is asked of every item of every device */
	if (e->attribute[0] == 's' && strcmp(e->attribute, "software") == 0)
		return true;
	if (e->attribute[0] != 'f' || strcmp(e->attribute, "fingerprint") != 0)
		return false;
	for (size_t i = 0; i < sizeof(fps) / sizeof(fps[0]); i++)
		if (e->source[0] == fps[i][0] && strcmp(e->source, fps[i]) == 0)
			return true;
	return false;
}

/* The index holds positions in the growing array (+1, so never NULL), not
 * pointers that would move with it; the key carries the array. */
struct unknown_key {
	const struct unknown_fp *v;
	const char *source, *value;
};

static uint64_t unknown_hash(const char *source, const char *value)
{
	return hk_hash_bytes(value, strlen(value), hk_hash_bytes(source, strlen(source), 0x756eu));
}

static bool unknown_eq(const void *item, const void *key)
{
	const struct unknown_key *k = key;
	const struct unknown_fp *u = &k->v[(uintptr_t)item - 1];
	return strcmp(u->source, k->source) == 0 && strcmp(u->value, k->value) == 0;
}

/* The set of (source, value) pairs that derive claims holds the first
 * evidence item that had each (the devices do not change meanwhile). */
static bool derived_eq(const void *item, const void *key)
{
	const struct hk_evidence *e = item;
	const struct unknown_key *k = key;
	return strcmp(e->source, k->source) == 0 && strcmp(e->value, k->value) == 0;
}

/* The list being collected; see inv_unknown_collect. */
struct unknown_acc {
	const struct inv_knowledge *k;
	struct unknown_fp *v;
	size_t nv, cap;
	struct hmap idx, derived;
};

static int acc_init(struct unknown_acc *a, const struct inv_knowledge *k)
{
	memset(a, 0, sizeof(*a));
	a->k = k;
	if (hmap_init(&a->idx, 64) < 0)
		return -ENOMEM;
	if (hmap_init(&a->derived, 64) < 0) {
		hmap_fini(&a->idx);
		return -ENOMEM;
	}
	return 0;
}

/*
 * One candidate of device d. What derive_one says depends on the source and
 * value only, and most candidates recur on many devices: each pair is
 * matched against the signatures once, the first time it is seen, not once
 * per device.
 */
static int acc_add(struct unknown_acc *a, const struct hk_device *d, const struct hk_evidence *e)
{
	struct unknown_key key = {.v = a->v, .source = e->source, .value = e->value};
	uint64_t h = unknown_hash(e->source, e->value);
	struct unknown_fp *u = NULL;
	void *at = hmap_get(&a->idx, h, &key, unknown_eq);

	if (at)
		u = &a->v[(uintptr_t)at - 1];
	else if (hmap_get(&a->derived, h, &key, derived_eq))
		return 0;
	if (!u && derive_one(NULL, e, a->k, NULL) > 0)
		return hmap_put(&a->derived, h, (void *)(uintptr_t)e) < 0 ? -ENOMEM : 0;
	if (!u) {
		if (hk_grow((void **)&a->v, &a->cap, a->nv + 1, sizeof(*a->v)) < 0 ||
		    hmap_put(&a->idx, h, (void *)(uintptr_t)(a->nv + 1)) < 0)
			return -ENOMEM;
		u = &a->v[a->nv++];
		memset(u, 0, sizeof(*u));
		hk_str_copy(u->source, sizeof(u->source), e->source);
		hk_str_copy(u->value, sizeof(u->value), e->value);
		u->first_seen = e->first_seen;
		u->example_device = d->id;
	}
	u->count += e->count;
	u->devices++;
	if (e->first_seen && e->first_seen < u->first_seen)
		u->first_seen = e->first_seen;
	if (e->last_seen > u->last_seen)
		u->last_seen = e->last_seen;
	return 0;
}

static int acc_finish(struct unknown_acc *a, int rc, struct unknown_fp **ret, size_t *ret_n)
{
	hmap_fini(&a->idx);
	hmap_fini(&a->derived);
	if (rc < 0) {
		free(a->v);
		return rc;
	}
	if (a->nv > 1)
		qsort(a->v, a->nv, sizeof(*a->v), unknown_order);
	*ret = a->v;
	*ret_n = a->nv;
	return 0;
}

bool inv_unknown_candidate(const struct hk_evidence *e)
{
	return unknown_candidate(e);
}

int inv_unknown_collect(const struct hk_device *devs, size_t n, const struct inv_knowledge *k,
			struct unknown_fp **ret, size_t *ret_n)
{
	struct unknown_acc a;
	int rc = 0;

	if (acc_init(&a, k) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n && rc == 0; i++)
		for (size_t j = 0; j < devs[i].n_ev && rc == 0; j++)
			if (unknown_candidate(&devs[i].ev[j]))
				rc = acc_add(&a, &devs[i], &devs[i].ev[j]);
	return acc_finish(&a, rc, ret, ret_n);
}

int inv_unknown_collect_refs(const struct hk_device *devs, const struct inv_ev_ref *refs, size_t n_refs,
			     const struct inv_knowledge *k, struct unknown_fp **ret, size_t *ret_n)
{
	struct unknown_acc a;
	int rc = 0;

	if (acc_init(&a, k) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n_refs && rc == 0; i++)
		rc = acc_add(&a, &devs[refs[i].dev], &devs[refs[i].dev].ev[refs[i].ev]);
	return acc_finish(&a, rc, ret, ret_n);
}
