/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "report/assessed.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/geoip.h"
#include "inventory/origin.h"
#include "inventory/policy.h"
#include "inventory/signatures.h"

__attribute__((format(printf, 2, 3))) static void warnf(const struct assess_inputs *k, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;

	if (!k->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->warn(k->warn_ud, msg);
}

int assess_inputs_open(struct assess_inputs *k, const char *sigdir, const char *policy_path, assess_warn_fn warn,
		       void *warn_ud, char *errbuf, size_t errsz)
{
	char dirbuf[4096], err[1024];
	const char *env = getenv("HERKOMST_POLICY");

	memset(k, 0, sizeof(*k));
	k->warn = warn;
	k->warn_ud = warn_ud;
	if (!policy_path && env && env[0])
		policy_path = env;
	if (policy_path) {
		k->policy = policy_load(policy_path, err, sizeof(err));
		if (!k->policy) {
			snprintf(errbuf, errsz, "%s", err);
			return -EINVAL;
		}
	}
	if (!sigdir)
		sigdir = sig_default_dir(dirbuf, sizeof(dirbuf));
	if (!sigdir) {
		warnf(k, "no signature directory: every origin is unknown%s",
		      k->policy ? "" : " and no country policy is loaded");
		return 0;
	}
	k->origin = origin_load_dir(sigdir, err, sizeof(err));
	if (!k->origin)
		warnf(k, "no ownership data (%s): every origin is unknown", err);
	if (!k->policy) {
		k->policy = policy_load_default(sigdir, err, sizeof(err));
		if (!k->policy)
			warnf(k,
			      "no country policy (%s): criteria 1 and 2 hold only by state ownership "
			      "(--policy FILE names one)",
			      err);
	}
	return 0;
}

void assess_inputs_close(struct assess_inputs *k)
{
	k->origin = origin_db_free(k->origin);
	k->policy = policy_free(k->policy);
	k->geo = geoip_free(k->geo);
	k->geo_tried = false;
}

bool assess_any_external_peer(const struct hk_device *devs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < devs[i].n_ev; j++)
			if (strcmp(devs[i].ev[j].source, "flow.peer") == 0)
				return true;
	return false;
}

void assess_inputs_geoip(struct assess_inputs *k, const struct hk_device *devs, size_t n)
{
	if (k->geo_tried || !assess_any_external_peer(devs, n))
		return;
	assess_inputs_geoip_load(k);
}

void assess_inputs_geoip_load(struct assess_inputs *k)
{
	char err[1024];

	if (k->geo_tried)
		return;
	k->geo_tried = true;
	k->geo = geoip_open(NULL, err, sizeof(err));
	if (!k->geo)
		warnf(k, "no IP geolocation (%s): external peers are listed without country", err);
}

void assess_annotations_of(const char *key, const struct store_annotation *all, size_t n_all,
			   const struct store_annotation **ret_first, size_t *ret_n, struct assess_annotations *aa)
{
	size_t lo = 0, hi = n_all, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(all[mid].device_key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memset(aa, 0, sizeof(*aa));
	for (size_t i = lo; i < n_all && strcmp(all[i].device_key, key) == 0; i++) {
		const struct store_annotation *a = &all[i];
		n++;
		if (strcmp(a->kind, "mitigation") == 0) {
			aa->mitigation = a->value;
			aa->mitigation_sufficient = a->sufficient;
		} else if (strcmp(a->kind, "owner") == 0) {
			aa->owner_company = a->value;
		} else if (strcmp(a->kind, "note") == 0) {
			aa->note = a->value;
		}
	}
	if (ret_first)
		*ret_first = n ? &all[lo] : NULL;
	if (ret_n)
		*ret_n = n;
}

struct assess_ctx assess_inputs_ctx(const struct assess_inputs *k)
{
	struct assess_ctx c = {.origin = k->origin, .policy = k->policy, .geo = k->geo};
	return c;
}
