/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Merge rules for device evidence. Claims about one attribute compete by
 * confidence; equal confidence is decided by source name and then value, so
 * the winner is a function of the set of claims, never of their order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "herkomst/device.h"
#include "inventory/merge.h"

/*
 * strcmp's order. Claims are compared by the million in a snapshot (sorts,
 * folds, best picks), and most names and values that differ do so in their
 * first byte: told here, without the call.
 */
static inline int str_order(const char *a, const char *b)
{
	if (*a != *b)
		return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
	return strcmp(a, b);
}

static bool same_claim(const struct hk_evidence *a, const struct hk_evidence *b)
{
	return str_order(a->attribute, b->attribute) == 0 && str_order(a->value, b->value) == 0 &&
	       str_order(a->source, b->source) == 0;
}

static void fold(struct hk_evidence *into, const struct hk_evidence *e)
{
	if (e->confidence > into->confidence)
		into->confidence = e->confidence;
	if (e->first_seen && (!into->first_seen || e->first_seen < into->first_seen))
		into->first_seen = e->first_seen;
	if (e->last_seen > into->last_seen)
		into->last_seen = e->last_seen;
	into->count += e->count;
}

bool hk_device_add_evidence(struct hk_device *d, const struct hk_evidence *e)
{
	for (size_t i = 0; i < d->n_ev; i++) {
		if (same_claim(&d->ev[i], e)) {
			fold(&d->ev[i], e);
			return true;
		}
	}
	if (d->n_ev >= HK_DEV_EVIDENCE_MAX)
		return false;
	if (hk_grow((void **)&d->ev, &d->cap_ev, d->n_ev + 1, sizeof(*d->ev)) < 0)
		return false;
	d->ev[d->n_ev] = *e;
	if (d->ev[d->n_ev].count == 0)
		d->ev[d->n_ev].count = 1;
	d->n_ev++;
	return true;
}

static int ev_order(const void *pa, const void *pb)
{
	const struct hk_evidence *a = pa, *b = pb;
	int c = str_order(a->attribute, b->attribute);
	if (c)
		return c;
	c = str_order(a->value, b->value);
	if (c)
		return c;
	return str_order(a->source, b->source);
}

int hk_device_reserve_evidence(struct hk_device *d, size_t n)
{
	struct hk_evidence *v;

	if (n > HK_DEV_EVIDENCE_RESERVE_MAX || n <= d->cap_ev - d->n_ev)
		return n > HK_DEV_EVIDENCE_RESERVE_MAX ? -E2BIG : 0;
	v = realloc(d->ev, (d->n_ev + n) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->ev = v;
	d->cap_ev = d->n_ev + n;
	return 0;
}

bool hk_device_append_evidence(struct hk_device *d, const struct hk_evidence *e)
{
	if (hk_grow((void **)&d->ev, &d->cap_ev, d->n_ev + 1, sizeof(*d->ev)) < 0)
		return false;
	d->ev[d->n_ev++] = *e;
	return true;
}

/* Equal claims next to each other, each claim's first item first. */
static int ev_ptr_order(const void *pa, const void *pb)
{
	const struct hk_evidence *a = *(const struct hk_evidence *const *)pa;
	const struct hk_evidence *b = *(const struct hk_evidence *const *)pb;
	int c = ev_order(a, b);
	if (c)
		return c;
	return a < b ? -1 : (a > b ? 1 : 0);
}

static int ptr_order(const void *pa, const void *pb)
{
	const struct hk_evidence *a = *(const struct hk_evidence *const *)pa;
	const struct hk_evidence *b = *(const struct hk_evidence *const *)pb;
	return a < b ? -1 : (a > b ? 1 : 0);
}

/*
 * With claims in canonical order, equal ones are neighbours and each claim's
 * first item (lowest address) leads its run: it is what
 * hk_device_add_evidence would have kept, the later ones what it would have
 * folded in. Past HK_DEV_EVIDENCE_MAX claims, add would have kept the claims
 * that came first: the cut is the HK_DEV_EVIDENCE_MAX-th first item.
 */
static int fold_cut(const struct hk_evidence **v, size_t n, size_t n_claims, const struct hk_evidence **ret_cut)
{
	const struct hk_evidence **first;
	size_t m = 0;

	*ret_cut = NULL; /* none: all are kept */
	if (n_claims <= HK_DEV_EVIDENCE_MAX)
		return 0;
	first = malloc(n_claims * sizeof(*first));
	if (!first)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || ev_order(v[i - 1], v[i]) != 0)
			first[m++] = v[i];
	qsort(first, m, sizeof(*first), ptr_order);
	*ret_cut = first[HK_DEV_EVIDENCE_MAX - 1];
	free(first);
	return 0;
}

/* Without memory for the index: the items added again one by one, in
 * place (the array never needs to grow for that), then sorted. */
static void fold_in_place(struct hk_device *d)
{
	size_t n = d->n_ev;

	d->n_ev = 0;
	for (size_t i = 0; i < n; i++) {
		struct hk_evidence e = d->ev[i];
		hk_device_add_evidence(d, &e);
	}
	hk_device_sort_evidence(d);
}

/*
 * The fold itself: the n claims at src, through the pointer array v (room
 * for n), into a new array of the size of its claims. NULL without memory
 * for it.
 */
static struct hk_evidence *fold_run(const struct hk_evidence *src, size_t n, const struct hk_evidence **v,
				    size_t *ret_n)
{
	const struct hk_evidence *cut;
	struct hk_evidence *out;
	size_t n_claims = 0, n_out = 0;

	for (size_t i = 0; i < n; i++)
		v[i] = &src[i];
	qsort(v, n, sizeof(*v), ev_ptr_order);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || ev_order(v[i - 1], v[i]) != 0)
			n_claims++;
	out = fold_cut(v, n, n_claims, &cut) == 0
		      ? malloc((n_claims < HK_DEV_EVIDENCE_MAX ? n_claims : HK_DEV_EVIDENCE_MAX) * sizeof(*out))
		      : NULL;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && ev_order(v[i], v[j]) == 0)
			j++;
		if (!cut || v[i] <= cut) {
			struct hk_evidence *e = &out[n_out++];
			*e = *v[i];
			if (e->count == 0)
				e->count = 1;
			for (size_t k = i + 1; k < j; k++)
				fold(e, v[k]);
		}
		i = j;
	}
	*ret_n = n_out;
	return out;
}

void hk_device_fold_evidence(struct hk_device *d)
{
	const struct hk_evidence **v;
	struct hk_evidence *out;
	size_t n = d->n_ev, n_out = 0;

	if (n == 0) {
		free(d->ev);
		d->ev = NULL;
		d->cap_ev = 0;
		return;
	}
	v = malloc(n * sizeof(*v));
	out = v ? fold_run(d->ev, n, v, &n_out) : NULL;
	free(v);
	if (!out) {
		fold_in_place(d);
		return;
	}
	free(d->ev);
	d->ev = out;
	d->n_ev = d->cap_ev = n_out;
}

struct hk_evidence *hk_fold_scratch_slot(struct hk_fold_scratch *sc)
{
	if (hk_grow((void **)&sc->ev, &sc->cap, sc->n + 1, sizeof(*sc->ev)) < 0)
		return NULL;
	return &sc->ev[sc->n++];
}

void hk_fold_scratch_into(struct hk_fold_scratch *sc, struct hk_device *d)
{
	struct hk_evidence *out = NULL;
	size_t n = sc->n, n_out = 0;

	sc->n = 0;
	if (n == 0)
		return;
	if (hk_grow((void **)&sc->v, &sc->cap_v, n, sizeof(*sc->v)) == 0)
		out = fold_run(sc->ev, n, sc->v, &n_out);
	if (!out) {
		/* as fold_in_place: the claims added one by one, then sorted */
		for (size_t i = 0; i < n; i++)
			hk_device_add_evidence(d, &sc->ev[i]);
		hk_device_sort_evidence(d);
		return;
	}
	d->ev = out;
	d->n_ev = d->cap_ev = n_out;
}

void hk_fold_scratch_free(struct hk_fold_scratch *sc)
{
	free(sc->ev);
	free(sc->v);
	memset(sc, 0, sizeof(*sc));
}

void hk_device_clear(struct hk_device *d)
{
	free(d->ev);
	free(d->fleet);
	memset(d, 0, sizeof(*d));
}

/* >0 when a beats b */
static int claim_cmp(const struct hk_evidence *a, const struct hk_evidence *b)
{
	int c;
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? 1 : -1;
	c = str_order(a->source, b->source);
	if (c)
		return c < 0 ? 1 : -1;
	c = str_order(a->value, b->value);
	return c < 0 ? 1 : (c > 0 ? -1 : 0);
}

bool hk_evidence_beats(const struct hk_evidence *a, const struct hk_evidence *b)
{
	return claim_cmp(a, b) > 0;
}

const struct hk_evidence *hk_device_best(const struct hk_device *d, const char *attribute)
{
	const struct hk_evidence *best = NULL;
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		if (str_order(e->attribute, attribute) != 0)
			continue;
		if (!best || claim_cmp(e, best) > 0)
			best = e;
	}
	return best;
}

void hk_device_sort_evidence(struct hk_device *d)
{
	size_t i = 1;

	/* evidence that is already in order (a snapshot's, a fold's) is left
	 * as it is: one pass instead of a sort through a copy */
	while (i < d->n_ev && ev_order(&d->ev[i - 1], &d->ev[i]) <= 0)
		i++;
	if (i < d->n_ev)
		qsort(d->ev, d->n_ev, sizeof(*d->ev), ev_order);
}

int hk_device_cmp(const struct hk_device *a, const struct hk_device *b)
{
	int c;
	if (a->first_seen != b->first_seen)
		return a->first_seen < b->first_seen ? -1 : 1;
	if (a->has_mac != b->has_mac)
		return a->has_mac ? -1 : 1;
	if (a->has_mac) {
		c = memcmp(a->mac, b->mac, 6);
		if (c)
			return c;
	}
	c = hk_addr_cmp(&a->ip, &b->ip);
	if (c)
		return c;
	return strcmp(a->key, b->key);
}

static const char *const oui_state_names[] = {
	[HK_OUI_NONE] = "none",
	[HK_OUI_REGISTERED] = "registered",
	[HK_OUI_LOCAL] = "local",
	[HK_OUI_UNREGISTERED] = "unregistered",
};

const char *hk_oui_state_name(enum hk_oui_state s)
{
	return (size_t)s < sizeof(oui_state_names) / sizeof(oui_state_names[0]) ? oui_state_names[s] : "none";
}

enum hk_oui_state hk_oui_state_parse(const char *s)
{
	for (size_t i = 0; s && i < sizeof(oui_state_names) / sizeof(oui_state_names[0]); i++)
		if (strcmp(s, oui_state_names[i]) == 0)
			return (enum hk_oui_state)i;
	return HK_OUI_NONE;
}
