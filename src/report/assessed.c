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
	k->geo_families = k->geo_plan = 0;
	k->geo_planned = false;
}

/* The file a flow.peer claim's address ("out 203.0.113.77 tcp/443 TLS") is
 * looked up in. An address without ':' is IPv4 (no parse: there are many);
 * an IPv6 one is parsed, as it may be IPv4-mapped or have no location. */
static unsigned peer_family(const char *v)
{
	const char *sp1 = strchr(v, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	char ip[HK_ADDR_STRLEN];
	struct hk_addr a;

	if (!sp1 || !sp2 || (size_t)(sp2 - sp1 - 1) >= sizeof(ip))
		return 0;
	if (!memchr(sp1 + 1, ':', (size_t)(sp2 - sp1 - 1)))
		return GEOIP_FAMILY_V4;
	memcpy(ip, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	ip[sp2 - sp1 - 1] = '\0';
	return hk_addr_parse(ip, &a) ? geoip_family_of(&a) : 0;
}

unsigned assess_geoip_families(const struct hk_device *devs, size_t n)
{
	unsigned fam = 0;
	bool any = false;

	for (size_t i = 0; i < n && fam != GEOIP_FAMILY_ALL; i++)
		for (size_t j = 0; j < devs[i].n_ev && fam != GEOIP_FAMILY_ALL; j++) {
			const struct hk_evidence *e = &devs[i].ev[j];
			if (strcmp(e->source, "flow.peer") != 0)
				continue;
			any = true;
			fam |= peer_family(e->value);
		}
	/* the source is shown whenever there are external peers, as before
	 * the files were loaded apart */
	return any ? fam | GEOIP_FAMILY_V4 : 0;
}

/* Opens, or adds to, the geolocation: each family once, whatever the outcome. */
static void geoip_load_families(struct assess_inputs *k, unsigned fam)
{
	char err[1024];

	fam &= GEOIP_FAMILY_ALL & ~k->geo_families;
	if (!fam)
		return;
	k->geo_families |= fam;
	if (k->geo_tried && !k->geo)
		return; /* the first open failed and said so */
	if (!k->geo_tried) {
		/* the IPv4 file alone (it names the data source and is always in
		 * a plan with peers): a broken geoip6 must not hide IPv4 countries,
		 * so it is loaded below and warned about as IPv6 only */
		unsigned first = fam & GEOIP_FAMILY_V4 ? GEOIP_FAMILY_V4 : fam;

		k->geo_tried = true;
		k->geo = geoip_open_families(NULL, first, err, sizeof(err));
		if (!k->geo) {
			warnf(k, "no IP geolocation (%s): external peers are listed without country", err);
			return;
		}
		fam &= ~first;
		if (!fam)
			return;
	}
	if (geoip_load(k->geo, fam, err, sizeof(err)) < 0)
		warnf(k, "no %s geolocation (%s): external %s peers are listed without country",
		      fam == GEOIP_FAMILY_V6 ? "IPv6" : "IPv4", err, fam == GEOIP_FAMILY_V6 ? "IPv6" : "IPv4");
}

void assess_inputs_geoip(struct assess_inputs *k, const struct hk_device *devs, size_t n)
{
	/* a plan's families first: a thread that was to load them may not have started */
	if (k->geo_planned)
		geoip_load_families(k, k->geo_plan);
	/* then those of devs, which may be more than the planned ones (analyze
	 * --db assesses the stored devices, not only this run's) */
	if (k->geo_tried && (!k->geo || k->geo_families == GEOIP_FAMILY_ALL))
		return;
	geoip_load_families(k, assess_geoip_families(devs, n));
}

bool assess_inputs_geoip_plan(struct assess_inputs *k, const struct hk_device *devs, size_t n)
{
	k->geo_plan = assess_geoip_families(devs, n);
	k->geo_planned = true;
	return (k->geo_plan & ~k->geo_families) != 0;
}

void assess_inputs_geoip_load(struct assess_inputs *k)
{
	geoip_load_families(k, k->geo_planned ? k->geo_plan : GEOIP_FAMILY_ALL);
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
