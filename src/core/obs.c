/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "herkomst/obs.h"
#include "herkomst/parser.h"

#include <stddef.h>
#include <string.h>

/* strncpy's cut at sz - 1, without its padding */
static void copy_str(char *dst, size_t sz, const char *src)
{
	size_t n = strnlen(src, sz - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

bool hk_obs_emit(struct hk_obs_sink *s, enum hk_obs_kind kind, enum hk_side side,
		 uint8_t confidence, const char *source, const char *value)
{
	struct hk_obs *o;

	if (!value || !value[0])
		return false;
	if (s->n >= s->cap) {
		s->n_dropped++;
		return false;
	}
	o = &s->v[s->n++];
	/* the strings are copied up to their NUL, not padded: a Modbus role per
	 * PDU made this memset and strncpy's padding a measurable cost */
	memset(o, 0, offsetof(struct hk_obs, source));
	o->kind = kind;
	o->side = side;
	o->confidence = confidence > 100 ? 100 : confidence;
	copy_str(o->source, sizeof(o->source), source ? source : "");
	copy_str(o->value, sizeof(o->value), value);
	return true;
}

bool hk_obs_emit_about(struct hk_obs_sink *s, enum hk_obs_kind kind, const struct hk_endpoint *subject,
		       uint8_t confidence, const char *source, const char *value)
{
	if (!hk_obs_emit(s, kind, HK_SIDE_OTHER, confidence, source, value))
		return false;
	s->v[s->n - 1].subject = *subject;
	return true;
}

static const char *const kind_names[HK_OBS__MAX] = {
	[HK_OBS_VENDOR] = "vendor",     [HK_OBS_PRODUCT] = "product",
	[HK_OBS_MODEL] = "model",       [HK_OBS_FIRMWARE] = "firmware",
	[HK_OBS_SERIAL] = "serial",     [HK_OBS_HOSTNAME] = "hostname",
	[HK_OBS_OS] = "os",             [HK_OBS_ROLE] = "role",
	[HK_OBS_SERVICE] = "service",   [HK_OBS_CLIENT] = "client",
	[HK_OBS_IP] = "ip",             [HK_OBS_RAW] = "fingerprint",
	[HK_OBS_SOFTWARE] = "software",
};

const char *hk_obs_kind_name(enum hk_obs_kind k)
{
	return (unsigned)k < HK_OBS__MAX ? kind_names[k] : "?";
}

const char *hk_obs_attribute(enum hk_obs_kind k)
{
	/* a vendor claim is evidence for the manufacturer attribute */
	if (k == HK_OBS_VENDOR)
		return "manufacturer";
	return hk_obs_kind_name(k);
}

const char *hk_parse_result_name(enum hk_parse_result r)
{
	static const char *const names[HK_PARSE__MAX] = {
		[HK_PARSE_OK] = "ok",
		[HK_PARSE_NOMATCH] = "nomatch",
		[HK_PARSE_TRUNCATED] = "truncated",
		[HK_PARSE_MALFORMED] = "malformed",
	};
	return (unsigned)r < HK_PARSE__MAX ? names[r] : "?";
}
