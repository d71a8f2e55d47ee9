/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Merge rules for device evidence. Claims about one attribute compete by
 * confidence; equal confidence is decided by source name and then value, so
 * the winner is a function of the set of claims, never of their order.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "herkomst/device.h"

static bool same_claim(const struct hk_evidence *a, const struct hk_evidence *b)
{
	return strcmp(a->attribute, b->attribute) == 0 && strcmp(a->value, b->value) == 0 &&
	       strcmp(a->source, b->source) == 0;
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
	c = strcmp(a->source, b->source);
	if (c)
		return c < 0 ? 1 : -1;
	c = strcmp(a->value, b->value);
	return c < 0 ? 1 : (c > 0 ? -1 : 0);
}

const struct hk_evidence *hk_device_best(const struct hk_device *d, const char *attribute)
{
	const struct hk_evidence *best = NULL;
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		if (strcmp(e->attribute, attribute) != 0)
			continue;
		if (!best || claim_cmp(e, best) > 0)
			best = e;
	}
	return best;
}

static int ev_order(const void *pa, const void *pb)
{
	const struct hk_evidence *a = pa, *b = pb;
	int c = strcmp(a->attribute, b->attribute);
	if (c)
		return c;
	c = strcmp(a->value, b->value);
	if (c)
		return c;
	return strcmp(a->source, b->source);
}

void hk_device_sort_evidence(struct hk_device *d)
{
	if (d->n_ev > 1)
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
