/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One evidence item for the unit tests, its texts cut as the inventory cuts
 * them: the tests' own wrappers (argument order, defaults, adding it to a
 * device) call this instead of each filling the struct by hand.
 */
#ifndef HERKOMST_TEST_CLAIM_H
#define HERKOMST_TEST_CLAIM_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "herkomst/device.h"

static inline struct hk_evidence test_claim(const char *attr, const char *value, const char *source, uint8_t conf,
					    uint64_t first, uint64_t last, uint64_t count)
{
	struct hk_evidence e;

	memset(&e, 0, sizeof(e));
	snprintf(e.attribute, sizeof(e.attribute), "%s", attr);
	snprintf(e.value, sizeof(e.value), "%s", value);
	snprintf(e.source, sizeof(e.source), "%s", source);
	e.confidence = conf;
	e.first_seen = first;
	e.last_seen = last;
	e.count = count;
	return e;
}

#endif
