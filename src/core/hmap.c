/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/hmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t fix(uint64_t h) { return h ? h : 1; }

/*
 * A zeroed table, written rather than calloc'ed: a big calloc is fresh
 * mmap'ed memory that a lookup reads before an insert writes it, so each
 * page is first mapped to the kernel's zero page and then copied on the
 * write, and that copy flushes the TLB of every CPU running a thread of
 * the process (IPIs: 1.3 % of a -j 2 run, perf). Written first, a page
 * takes one plain fault; every page is touched by the rehash anyway.
 */
static struct hmap_slot *slots_new(size_t cap)
{
	struct hmap_slot *s;

	if (cap > SIZE_MAX / sizeof(*s))
		return NULL;
	s = malloc(cap * sizeof(*s));
	/* explicit_bzero: GCC turns malloc + memset back into calloc */
	if (s)
		explicit_bzero(s, cap * sizeof(*s));
	return s;
}

int hmap_init(struct hmap *m, size_t hint)
{
	size_t cap = 16;
	while (cap < hint * 2)
		cap <<= 1;
	m->slots = slots_new(cap);
	if (!m->slots)
		return -ENOMEM;
	m->mask = cap - 1;
	m->n = 0;
	return 0;
}

void hmap_fini(struct hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->mask = 0;
	m->n = 0;
}

void *hmap_get(const struct hmap *m, uint64_t hash, const void *key, hmap_eq_fn eq)
{
	hash = fix(hash);
	for (size_t i = hash & m->mask;; i = (i + 1) & m->mask) {
		const struct hmap_slot *s = &m->slots[i];
		if (s->hash == 0)
			return NULL;
		if (s->hash == hash && eq(s->item, key))
			return s->item;
	}
}

static void insert(struct hmap_slot *slots, size_t mask, uint64_t hash, void *item)
{
	size_t i = hash & mask;
	while (slots[i].hash)
		i = (i + 1) & mask;
	slots[i].hash = hash;
	slots[i].item = item;
}

int hmap_put(struct hmap *m, uint64_t hash, void *item)
{
	hash = fix(hash);
	if ((m->n + 1) * 10 > (m->mask + 1) * 7) {
		size_t ncap = (m->mask + 1) * 2;
		struct hmap_slot *ns = slots_new(ncap);
		if (!ns)
			return -ENOMEM;
		for (size_t i = 0; i <= m->mask; i++)
			if (m->slots[i].hash)
				insert(ns, ncap - 1, m->slots[i].hash, m->slots[i].item);
		free(m->slots);
		m->slots = ns;
		m->mask = ncap - 1;
	}
	insert(m->slots, m->mask, hash, item);
	m->n++;
	return 0;
}

bool hmap_del(struct hmap *m, uint64_t hash, const void *item)
{
	size_t i, j;

	hash = fix(hash);
	for (i = hash & m->mask;; i = (i + 1) & m->mask) {
		if (m->slots[i].hash == 0)
			return false;
		if (m->slots[i].item == item)
			break;
	}
	/* backward-shift deletion keeps every probe chain unbroken */
	j = i;
	for (;;) {
		size_t home;
		j = (j + 1) & m->mask;
		if (m->slots[j].hash == 0)
			break;
		home = m->slots[j].hash & m->mask;
		/* move j back to i unless its home lies cyclically in (i, j] */
		if ((i <= j) ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		m->slots[i] = m->slots[j];
		i = j;
	}
	m->slots[i].hash = 0;
	m->slots[i].item = NULL;
	m->n--;
	return true;
}
