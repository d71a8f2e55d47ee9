/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the parser fuzz targets share: running a parser on the input with a
 * fresh sink, the checks of the parser contract every target makes (a known
 * result, the cursor inside its window, observations only with the results
 * the target allows and none past the sink, each of a known kind, with a
 * confidence of at most 100, a non-empty, NUL-terminated, printable (escaped)
 * value and a source of the parser's own prefix), and the same answer twice.
 * What a target allows beyond that (sides, subjects, confidences) it checks
 * in its own function. Any breach is an abort(), which libFuzzer and the
 * replay driver report.
 */
#ifndef HERKOMST_FUZZ_COMMON_H
#define HERKOMST_FUZZ_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/cursor.h"
#include "herkomst/obs.h"
#include "herkomst/parser.h"

/* Sets of parse results: which may come with observations. */
#define FUZZ_OK (1u << HK_PARSE_OK)
#define FUZZ_NOMATCH (1u << HK_PARSE_NOMATCH)
#define FUZZ_TRUNCATED (1u << HK_PARSE_TRUNCATED)
#define FUZZ_MALFORMED (1u << HK_PARSE_MALFORMED)

/* An observation's check beyond fuzz_check_obs_basic; aborts. */
typedef void (*fuzz_obs_fn)(const struct hk_obs *o);

/* s, of an array of cap: NUL-terminated inside it and printable ASCII (escaped); returns its length. */
static inline size_t fuzz_check_str(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n >= cap)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			abort();
	return n;
}

/* A known kind, a confidence of at most 100, a value as above and not empty, a source starting with prefix. */
static inline void fuzz_check_obs_basic(const struct hk_obs *o, const char *prefix)
{
	if ((unsigned)o->kind >= HK_OBS__MAX || o->confidence > 100)
		abort();
	if (fuzz_check_str(o->value, sizeof(o->value)) == 0 || strncmp(o->source, prefix, strlen(prefix)) != 0)
		abort();
}

/* Takes the input's first byte, which picks a target's context (0 for an empty input). */
static inline uint8_t fuzz_selector(const uint8_t **data, size_t *size)
{
	uint8_t sel = 0;

	if (*size) {
		sel = (*data)[0];
		(*data)++;
		(*size)--;
	}
	return sel;
}

/*
 * fn over the len bytes at p with a fresh sink of HK_OBS_PER_PACKET_MAX in
 * v: in place (libFuzzer's input, and the replay driver's, is exactly
 * sized), or with copy as an exactly-sized heap copy (to parse a part of the
 * input). The cursor must stay inside its window and on its bytes.
 */
static inline enum hk_parse_result fuzz_parse(hk_parse_fn fn, const struct hk_parse_ctx *ctx, const uint8_t *p,
					      size_t len, bool copy, struct hk_obs *v, struct hk_obs_sink *s)
{
	uint8_t *heap = NULL;
	struct hk_cur c;
	enum hk_parse_result r;

	if (copy) {
		heap = calloc(1, len ? len : 1);
		if (!heap)
			abort();
		if (len)
			memcpy(heap, p, len);
		p = heap;
	}
	c = hk_cur_init(p, len);
	memset(v, 0, HK_OBS_PER_PACKET_MAX * sizeof(*v));
	*s = (struct hk_obs_sink){.v = v, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = fn(&c, ctx, s);
	if (c.off > c.len || (len && c.base != p))
		abort();
	free(heap);
	return r;
}

/* A known result, a sink within its cap, observations (or drops) only with a result in with_obs, each
 * through check. */
static inline void fuzz_check_sink(enum hk_parse_result r, const struct hk_obs_sink *s, unsigned with_obs,
				   fuzz_obs_fn check)
{
	if ((unsigned)r >= HK_PARSE__MAX || s->n > s->cap)
		abort();
	if (!(with_obs & (1u << r)) && (s->n || s->n_dropped))
		abort();
	for (size_t i = 0; i < s->n; i++)
		check(&s->v[i]);
}

/* fuzz_parse, then fuzz_check_sink; returns the result. */
static inline enum hk_parse_result fuzz_once(hk_parse_fn fn, const struct hk_parse_ctx *ctx, const uint8_t *p,
					     size_t len, bool copy, unsigned with_obs, fuzz_obs_fn check)
{
	static struct hk_obs v[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink s;
	enum hk_parse_result r = fuzz_parse(fn, ctx, p, len, copy, v, &s);

	fuzz_check_sink(r, &s, with_obs, check);
	return r;
}

/*
 * fuzz_parse twice, the first run checked with fuzz_check_sink, the second
 * the same answer to the bit. Returns the result; ret_sink (may be NULL)
 * gets the first run's sink, valid until the next call.
 */
static inline enum hk_parse_result fuzz_twice(hk_parse_fn fn, const struct hk_parse_ctx *ctx, const uint8_t *p,
					      size_t len, bool copy, unsigned with_obs, fuzz_obs_fn check,
					      struct hk_obs_sink *ret_sink)
{
	static struct hk_obs v1[HK_OBS_PER_PACKET_MAX], v2[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink s1, s2;
	enum hk_parse_result r1 = fuzz_parse(fn, ctx, p, len, copy, v1, &s1);
	enum hk_parse_result r2 = fuzz_parse(fn, ctx, p, len, copy, v2, &s2);

	fuzz_check_sink(r1, &s1, with_obs, check);
	if (r1 != r2 || s1.n != s2.n || s1.n_dropped != s2.n_dropped || memcmp(v1, v2, s1.n * sizeof(v1[0])) != 0)
		abort();
	if (ret_sink)
		*ret_sink = s1;
	return r1;
}

#endif
