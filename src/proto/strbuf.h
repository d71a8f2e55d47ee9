/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bounded string builder for values parsers assemble from parts (an option
 * list "1,3,6,15", a hex DUID): each part goes in whole or not at all, so a
 * long value ends at an element boundary, never in the middle of one. The
 * caller owns the buffer (parsers do not allocate).
 */
#ifndef HERKOMST_PROTO_STRBUF_H
#define HERKOMST_PROTO_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct sb {
	char *p;
	size_t cap; /* >= 1 */
	size_t len;
	bool full;
};

static inline void sb_init(struct sb *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
	b->full = false;
	p[0] = '\0';
}

static inline void sb_add(struct sb *b, const char *s)
{
	size_t n = strlen(s);

	if (b->full || n >= b->cap - b->len) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static inline void sb_addu(struct sb *b, unsigned long v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%lu", v);
	sb_add(b, tmp);
}

#endif
