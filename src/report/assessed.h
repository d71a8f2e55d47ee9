/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every reader of the store needs to assess devices the same way —
 * analyze, report and the REST API: the ownership data and the country
 * policy (loaded with the same defaults and fallbacks), IP geolocation (read
 * only when some device talked to an external host), and each device's
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
	bool geo_tried;
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

/* Did any device talk to an external host (flow.peer evidence)? */
bool assess_any_external_peer(const struct hk_device *devs, size_t n);

/* Opens IP geolocation once, when devs need it. */
void assess_inputs_geoip(struct assess_inputs *k, const struct hk_device *devs, size_t n);

/* Opens IP geolocation once, unconditionally: for a caller that knows it is
 * needed and loads it on a thread of its own (then assess_inputs_geoip finds
 * it tried). */
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
