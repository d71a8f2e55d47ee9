/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every reader of the store needs to assess devices the same way —
 * analyze, report and the REST API: the ownership data and the country
 * policy (loaded with the same defaults and fallbacks), IP geolocation (read
 * only when some device talked to an external host, and of its two files only
 * those of the external peers' address families), and each device's
 * annotations.
 */
#ifndef HERKOMST_ASSESSED_H
#define HERKOMST_ASSESSED_H

#include <stdbool.h>
#include <stddef.h>

#include "herkomst/device.h"
#include "inventory/assess.h"
#include "store/store.h"

struct origin_db;
struct policy;
struct geoip;

/* Told about what could not be loaded (the inventory works without it). */
typedef void (*assess_warn_fn)(void *userdata, const char *message);

struct assess_inputs {
	struct origin_db *origin;
	struct policy *policy;
	struct geoip *geo;
	bool geo_tried;            /* a geolocation file was asked for */
	unsigned geo_families;     /* GEOIP_FAMILY_* asked for (loaded, or failed and warned) */
	unsigned geo_plan;         /* what assess_inputs_geoip_plan decided */
	bool geo_planned;
	assess_warn_fn warn;
	void *warn_ud;
};

/*
 * Loads ownership data from sigdir (NULL: the default signature directory)
 * and the policy: policy_path, else $HERKOMST_POLICY, else the default. A
 * policy the operator named must load — falling back to the default would
 * assess against a list they did not choose: then -EINVAL with the loader's
 * message in errbuf. Everything else missing is a warning.
 */
int assess_inputs_open(struct assess_inputs *k, const char *sigdir, const char *policy_path, assess_warn_fn warn,
		       void *warn_ud, char *errbuf, size_t errsz);
void assess_inputs_close(struct assess_inputs *k);

/* The geolocation files (GEOIP_FAMILY_*) the external peers of devs need:
 * 0 without any; the IPv4 one at least with any (it names the data source). */
unsigned assess_geoip_families(const struct hk_device *devs, size_t n);

/* Loads the IP geolocation files devs need and k has not asked for yet (a
 * server's later request may need the other family); each file is asked
 * for once. */
void assess_inputs_geoip(struct assess_inputs *k, const struct hk_device *devs, size_t n);

/* Decides which files devs need, for assess_inputs_geoip_load to load on a
 * thread of its own while the caller goes on; assess_inputs_geoip loads them
 * if that thread did not, and anything more the devices it is given need.
 * True when there is anything to load. */
bool assess_inputs_geoip_plan(struct assess_inputs *k, const struct hk_device *devs, size_t n);

/* Loads what assess_inputs_geoip_plan decided; without a plan, both files. */
void assess_inputs_geoip_load(struct assess_inputs *k);

/*
 * The annotations of the device with this key: a run in the key-ordered
 * array that store_annotation_load returns. ret_first and ret_n (may be NULL)
 * get the run; aa gets them in the assessment's terms.
 */
void assess_annotations_of(const char *key, const struct store_annotation *all, size_t n_all,
			   const struct store_annotation **ret_first, size_t *ret_n, struct assess_annotations *aa);

/* The context assess_device wants. */
struct assess_ctx assess_inputs_ctx(const struct assess_inputs *k);

#endif
