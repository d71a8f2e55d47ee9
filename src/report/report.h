/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * herkomst report: the assessed inventory of a database as a document for
 * people (one self-contained HTML file that prints to PDF), a spreadsheet
 * (CSV), a program (JSON) or an SBOM tool (CycloneDX 1.6 JSON). docs/reports.md
 * describes each format and its columns or fields.
 *
 * Every string that came from the database came from the wire: the writers
 * escape it for their format (HTML entities, RFC 4180 quoting, JSON with
 * invalid UTF-8 replaced) and never trust its length, bytes or shape.
 */
#ifndef HERKOMST_REPORT_H
#define HERKOMST_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fleet/seen.h"
#include "herkomst/device.h"
#include "inventory/assess.h"
#include "inventory/derive.h"
#include "report/output.h"
#include "store/store.h"

enum report_format {
	REPORT_HTML = 0,
	REPORT_CSV,
	REPORT_JSON,
	REPORT_CYCLONEDX,
};

/* What the report was made from: shown on the title block and in metadata.
 * Any pointer may be NULL (not known, not loaded). */
struct report_meta {
	const char *site;            /* --site, else the database's base name */
	const char *db_path;
	const char *policy_name;
	const char *policy_as_of;
	const char *policy_path;
	const char *ieee_date;       /* "2022-08-27": the ieee-data the OUI table was built from */
	size_t n_signatures;         /* rules loaded; 0: none */
	size_t n_signature_files;
	size_t n_companies;          /* ownership table */
	size_t n_aliases;
	const char *geoip_source;
	/* the countries the policy lists per criterion (1 and 2) */
	const char *const *policy_c1;
	size_t n_policy_c1;
	const char *const *policy_c2;
	size_t n_policy_c2;
};

/* One device and its assessment. */
struct report_device {
	const struct hk_device *dev;
	struct assess_result a;
};

struct report {
	struct report_meta meta;
	const struct inv_knowledge *know; /* to trace derived claims to what was seen; may be NULL */
	const struct store_capture *caps;
	size_t n_caps;
	const struct report_device *devs; /* in hk_device_cmp order, as the store loads them */
	size_t n_devs;
	/* for the JSON format, which is analyze's (out_write) with the assessment */
	const struct hk_device *dev_array;    /* devs[i].dev == &dev_array[i] */
	const struct out_assessment *as;      /* as->dev[i] belongs to dev_array[i] */
	const struct unknown_fp *unknown;
	size_t n_unknown;
	/* fleet mode (report --pg, docs/fleet.md): the central database has no
	 * captures; these sensors shipped the devices (each device's d->fleet
	 * says which saw it). filter_site/filter_sensor: NULL when not given. */
	bool fleet;
	const struct fleet_sensor *sensors;
	size_t n_sensors;
	const char *filter_site, *filter_sensor;
};

int report_format_parse(const char *s, enum report_format *ret);
const char *report_format_name(enum report_format f);

/* Writes r in fmt to f. 0, or a negative errno (-EIO when writing failed). */
int report_write(FILE *f, enum report_format fmt, const struct report *r);

int report_write_html(FILE *f, const struct report *r);
int report_write_csv(FILE *f, const struct report *r);
int report_write_json(FILE *f, const struct report *r);
int report_write_cyclonedx(FILE *f, const struct report *r);

/* Fleet mode: {"filter": {"site", "sensor"}, "sensors": [...]} (docs/json.md). */
json_t *report_fleet_json(const struct report *r);

/* The CycloneDX document; its serialNumber is a name-based UUID over the rest
 * of it (docs/reports.md). NULL when out of memory. */
json_t *report_cyclonedx_json(const struct report *r);

/* --- shared by the writers ------------------------------------------------ */

#define REPORT_LIST_MAX 256 /* values of one attribute shown per device */

/* Distinct values of one evidence attribute of d, sorted (addresses as
 * addresses for "ip"). Borrowed from d; at most REPORT_LIST_MAX. */
struct report_list {
	const char *v[REPORT_LIST_MAX];
	size_t n;
	size_t n_more; /* distinct values past REPORT_LIST_MAX */
};

void report_values(const struct hk_device *d, const char *attribute, struct report_list *ret);
/* Protocols the device serves or uses (service and client evidence). */
void report_protocols(const struct hk_device *d, struct report_list *ret);
/* The best claim of attribute, or NULL. */
const char *report_best(const struct hk_device *d, const char *attribute);

/* The newest last_seen of all captures (0 when there are none); in fleet
 * mode the newest device sighting of the sensors. */
uint64_t report_newest_capture(const struct report *r);

/*
 * The observation a derived claim (source "sig.RULE", "vid.FIELD", an SNMP
 * enterprise name) was made from: the raw evidence item of d with the same
 * times and count that yields this claim. NULL when the claim is itself an
 * observation, or its input cannot be found.
 */
const struct hk_evidence *report_claim_origin(const struct report *r, const struct hk_device *d,
					      const struct hk_evidence *claim);

/* Is this claim derived from knowledge (signatures, vendor IDs, OUI) rather than read off the wire? */
bool report_claim_is_derived(const struct hk_evidence *e);

/* Why a device has no established origin, in one sentence. */
const char *report_unknown_reason(const struct report_device *rd, char *buf, size_t bufsz);

/* "c1 c2 3A" style: the criteria of 1, 2, 3A that hold, joined by sep. */
void report_criteria_held(const struct assess_result *a, const char *sep, char *buf, size_t bufsz);

/* s as valid UTF-8: each byte of an invalid sequence becomes "\xNN". The
 * caller frees. NULL only when out of memory. */
char *report_utf8_clean(const char *s);

/* A JSON string of s (cleaned as above); json_null() for NULL or "". */
json_t *report_jstr(const char *s);

#endif
