/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a device of the fleet was seen: the sites and sensors behind one
 * central device (d->fleet of struct hk_device, NULL outside fleet mode).
 * Types only, without libpq, so that the JSON and report writers can show
 * them; src/fleet/load.h fills them.
 */
#ifndef HERKOMST_FLEET_SEEN_H
#define HERKOMST_FLEET_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define FLEET_NAME_MAX 128       /* bytes of a site name or sensor id, with the NUL */
#define FLEET_SIGHTINGS_MAX 1024 /* sightings kept per device; more are counted */
#define FLEET_FIELD_MAX 256      /* bytes of a sensor's hostname or version kept */

/* One sensor's view of one device (a device_sightings row). */
struct fleet_sighting {
	char sensor[FLEET_NAME_MAX];
	char site[FLEET_NAME_MAX];
	uint64_t first_seen, last_seen; /* usec */
	uint64_t packets, bytes;
	uint64_t shipped_at;
	bool used; /* matches the load's filter: the device's facts come from it */
};

/*
 * One allocation (hk_device_clear() frees it with free()): the header, the
 * sightings, then the annotations.
 */
struct hk_fleet {
	char scope[FLEET_NAME_MAX];       /* "" for a MAC device; the site of an IP-only device */
	size_t n_sightings;               /* every sighting, used or not */
	size_t n_ann;
	struct store_annotation *ann;     /* the combined annotations, by kind; inside this allocation */
	struct fleet_sighting sighting[]; /* n_sightings, sorted by sensor id (byte order) */
};

/* A sensor of the fleet, with how much of the inventory it contributes. */
struct fleet_sensor {
	char sensor[FLEET_NAME_MAX];
	char site[FLEET_NAME_MAX];
	char hostname[FLEET_FIELD_MAX];
	char version[FLEET_FIELD_MAX];
	uint64_t first_seen, last_seen; /* first and last shipment, usec */
	uint64_t devices;               /* devices it has sightings of */
	uint64_t newest_sighting;       /* the newest last_seen among them (0: none) */
};

#endif
