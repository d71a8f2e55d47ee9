/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shipping a sensor's store to the central PostgreSQL (docs/fleet.md).
 *
 * The sensor's SQLite store stays its own record; every change to a device
 * or its annotations gives the device key the next number of a sequence
 * (store.h: the changes table). A shipper keeps a watermark per target (this
 * sensor and site in one central database) and ships the keys above it, in
 * batches of at most batch_max rows, each batch one PostgreSQL transaction:
 *
 *   sensors           the sensor's row (site, hostname, version, last_seen)
 *   devices           (scope, key): scope '' for a MAC device, the site for
 *                     an IP-only one, so overlapping private ranges stay apart
 *   device_sightings  the sensor's columns of the device
 *   evidence          the sensor's claims, counts replaced (never added)
 *   annotations       the sensor's annotations; removed ones are deleted
 *   assessments       the sensor's own verdict (assess_device, as analyze)
 *
 * Every write is an upsert on the natural key that leaves a row alone when
 * nothing in it changed, so replaying a batch writes nothing. The watermark
 * moves only after the commit: a crash in between ships the batch again.
 * What is not yet shipped is the set of keys above the watermark, one row
 * per device however often it changed: bounded by the store's devices.
 */
#ifndef HERKOMST_FLEET_SHIP_H
#define HERKOMST_FLEET_SHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet/pg.h"

#define SHIP_ID_MAX 64                  /* sensor_id and site, bytes with the NUL */
#define SHIP_BATCH_MAX_DEFAULT 5000u    /* rows (devices + their evidence) per transaction */
#define SHIP_BATCH_MAX_MAX 1000000u
#define SHIP_INTERVAL_DEFAULT 30u       /* seconds between rounds */
#define SHIP_INTERVAL_MAX 86400u
#define SHIP_BACKOFF_MAX_USEC (60u * 1000000u) /* longest wait between two attempts while the central is down */

struct ship_config {
	const char *conninfo;    /* no password in it (fleet_conninfo_check) */
	const char *password;    /* read from the password file already; NULL: libpq's own sources */
	const char *sensor_id;
	const char *site;
	const char *hostname;    /* NULL: gethostname() */
	size_t batch_max;        /* 0: SHIP_BATCH_MAX_DEFAULT */
	const char *sigdir;      /* signatures for the sensor's assessment; NULL: the default */
	const char *policy_path; /* NULL: the default policy */
};

/* Valid as a sensor_id or site: 1..63 bytes of letters, digits and . _ - :
 * (they end up in labels, file names and SQL text comparisons). */
bool ship_id_valid(const char *s);

/* The default sensor_id: 16 hex digits of SHA-256 over /etc/machine-id
 * (an application-specific id: the machine id itself is not revealed).
 * 0, or a negative errno with a message (no machine id: set sensor_id). */
int ship_sensor_id_default(char *buf, size_t bufsz, char *errbuf, size_t errsz);

struct ship_result {
	uint64_t devices;   /* device keys shipped */
	uint64_t rows;      /* central rows inserted, updated or deleted (0 for a replay) */
	uint64_t batches;   /* transactions committed */
	uint64_t backlog;   /* keys still above the watermark afterwards */
	int64_t watermark;
};

struct shipper;

/* Opens the store at db_path (its own connection) and what the assessment
 * needs. Nothing is connected yet. NULL with a message on failure. */
struct shipper *shipper_new(const struct ship_config *cfg, const char *db_path, char *errbuf, size_t errsz);
struct shipper *shipper_free(struct shipper *s);

/*
 * One round: connects when not connected (and checks the central schema),
 * registers the sensor, then ships batch after batch until nothing is above
 * the watermark, or *stop becomes true (may be NULL). full: start from 0
 * (ship everything again, e.g. after the central database was restored).
 * progress (may be NULL) is called after each batch.
 * 0, or a negative errno with the message in errbuf; on failure the
 * connection is dropped (the next round reconnects) and what was committed
 * before stays committed.
 */
typedef void (*ship_progress_fn)(void *ud, const struct ship_result *so_far);
int shipper_ship(struct shipper *s, bool full, const volatile bool *stop, ship_progress_fn progress, void *ud,
		 struct ship_result *ret, char *errbuf, size_t errsz);

/* Keys above the watermark this target last shipped to (known without the
 * central database). */
int shipper_backlog(struct shipper *s, uint64_t *ret);

/* Reloads signatures and the policy before the next batch (SIGHUP). */
void shipper_reload(struct shipper *s);

/* ---- the daemon's shipping thread ------------------------------------------ */

/* Told of state changes (up/down, the first error of a kind), never per attempt. */
typedef void (*ship_log_fn)(void *ud, int syslog_prio, const char *msg);

struct ship_stats {
	bool up;                    /* the last round succeeded */
	uint64_t backlog;           /* keys not yet shipped */
	uint64_t shipped_rows;      /* central rows written, in all */
	uint64_t shipped_devices;   /* device keys shipped, in all */
	uint64_t errors;            /* failed rounds */
	uint64_t last_success_usec; /* wall clock; 0: never */
};

struct ship_daemon;

struct ship_daemon *ship_daemon_start(const struct ship_config *cfg, const char *db_path, unsigned interval_sec,
				      ship_log_fn log, void *log_ud, char *errbuf, size_t errsz);
void ship_daemon_stats(struct ship_daemon *d, struct ship_stats *ret);
void ship_daemon_reload(struct ship_daemon *d);
/* Ends the thread. final: when the central database is up, one last round
 * first (after the daemon's last flush). Accepts NULL, returns NULL. */
struct ship_daemon *ship_daemon_stop(struct ship_daemon *d, bool final);

#endif
