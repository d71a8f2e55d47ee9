/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An open-addressing hash index of pointers. The key lives in the element;
 * the caller passes its hash and an equality test. Deletion uses backward
 * shift, so there are no tombstones and probes stay short.
 */
#ifndef HERKOMST_HMAP_H
#define HERKOMST_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap_slot {
	uint64_t hash; /* 0 marks an empty slot; hashes are forced non-zero */
	void *item;
};

struct hmap {
	struct hmap_slot *slots;
	size_t mask; /* capacity - 1; capacity a power of two */
	size_t n;
};

typedef bool (*hmap_eq_fn)(const void *item, const void *key);

int hmap_init(struct hmap *m, size_t hint);
void hmap_fini(struct hmap *m);
void *hmap_get(const struct hmap *m, uint64_t hash, const void *key, hmap_eq_fn eq);
int hmap_put(struct hmap *m, uint64_t hash, void *item); /* item's key must be absent */
bool hmap_del(struct hmap *m, uint64_t hash, const void *item); /* by identity */

#endif
