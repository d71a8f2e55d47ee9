/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The read side of the fleet (docs/fleet.md, "Reading the fleet"): the
 * devices of the central PostgreSQL as struct hk_device, combined over the
 * sensors that saw them, so that the API and the reports derive and assess
 * them exactly as they do a sensor's SQLite store.
 *
 * Combining (order-independent; ties broken by a stable key):
 *   first_seen  the earliest of the sightings (0, "unknown", never wins)
 *   last_seen   the latest
 *   packets, bytes  summed over the sightings (each a sensor's running total)
 *   evidence    merged by (attribute, value, source): count summed,
 *               confidence max, first_seen min, last_seen max
 *   mac, ip, via, OUI block  from the newest sighting (last_seen, then
 *               sensor_id); via from the newest sighting that has one
 *   annotations one per kind: the newest created_at, a tie going to the
 *               smallest sensor_id (byte order)
 *
 * A filter (site, sensor) keeps the devices with a sighting that matches it,
 * and their facts are those of the matching sightings only: for a site with
 * one sensor, a device is what that sensor's own store says. The device's
 * hk_fleet still lists every site and sensor that saw it.
 *
 * Everything here reads: each load is one READ ONLY transaction at
 * REPEATABLE READ, so the queries of one load see one snapshot of a
 * database the sensors keep shipping into.
 */
#ifndef HERKOMST_FLEET_LOAD_H
#define HERKOMST_FLEET_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "fleet/seen.h"
#include "herkomst/device.h"

/* What to load. NULL or "": no restriction. */
struct fleet_filter {
	const char *site;
	const char *sensor;
	int64_t device_id; /* > 0: this device only */
};

/* What a load had to leave out (the caps above). */
struct fleet_load_stats {
	uint64_t evidence_dropped;  /* claims past HK_DEV_EVIDENCE_MAX on a device */
	uint64_t sightings_dropped; /* past FLEET_SIGHTINGS_MAX on a device */
	uint64_t fields_truncated;  /* text longer than the field it goes into (names, keys, claims) */
};

/*
 * The devices matching f, each with its evidence (raw: no derived claims)
 * and d->fleet, in hk_device_cmp order then scope then id; d->id is the
 * central devices.id, d->key the sensor store's key. Derived claims are the
 * caller's (inv_derive), as with store_devices_load. 0, or a negative errno
 * with a message in errbuf (-EIO: the database said no, -ENOMEM).
 */
int fleet_devices_load(PGconn *c, const struct fleet_filter *f, struct hk_device **ret, size_t *ret_n,
		       struct fleet_load_stats *stats, char *errbuf, size_t errsz);

/* Frees what fleet_devices_load returned (accepts NULL). */
void fleet_devices_free(struct hk_device *devs, size_t n);

/* Every sensor, by site then sensor id; f->site and f->sensor restrict the
 * list (device_id is ignored). */
int fleet_sensors_load(PGconn *c, const struct fleet_filter *f, struct fleet_sensor **ret, size_t *ret_n,
		       char *errbuf, size_t errsz);

/* A site: the sensors there and the devices they saw. */
struct fleet_site {
	char site[FLEET_NAME_MAX];
	uint64_t sensors;
	uint64_t devices;       /* distinct devices with a sighting there */
	uint64_t last_shipment; /* the newest of its sensors' last shipments, usec */
};

/* Every site, by name (byte order). */
int fleet_sites_load(PGconn *c, struct fleet_site **ret, size_t *ret_n, char *errbuf, size_t errsz);

/* Cheap counts (health checks and scrapes): no devices loaded. */
struct fleet_counts {
	int64_t devices, sensors, sites;
	int schema; /* the schema version in hk_meta, 0 when none */
};
int fleet_counts_read(PGconn *c, struct fleet_counts *ret, char *errbuf, size_t errsz);

/*
 * Makes the session read-only (SET SESSION CHARACTERISTICS AS TRANSACTION
 * READ ONLY): a reader that is given a role that may write still cannot.
 * Called once after connecting.
 */
int fleet_session_readonly(PGconn *c, char *errbuf, size_t errsz);

#endif
