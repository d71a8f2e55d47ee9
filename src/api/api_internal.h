/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Between the files of the API module: the server (api.c), the parameter
 * parsing (query.c), the data of one request (data.c) and the routes
 * (routes.c). Nothing outside src/api/ (and its tests) includes this.
 */
#ifndef HERKOMST_API_INTERNAL_H
#define HERKOMST_API_INTERNAL_H

#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "api/api.h"
#include "fleet/load.h"
#include "herkomst/device.h"
#include "inventory/derive.h"
#include "report/assessed.h"
#include "store/store.h"

#define API_WORKERS 4u              /* threads answering requests (each reads the database) */
#define API_PARAMS_MAX 16u          /* query parameters per request; more is a 400 */
#define API_PARAM_LEN_MAX 256u      /* bytes of one parameter value */
#define API_LIMIT_DEFAULT 100u
#define API_LIMIT_MAX 1000u
#define API_OFFSET_MAX 100000000u
#define API_TOKEN_LEN_MIN 16u
#define API_TOKEN_LEN_MAX 512u
#define API_PEM_MAX (1u << 20)      /* bytes of a TLS certificate or key file */
#define API_WARNINGS_MAX 8u         /* knowledge that failed to load, shown by /api/v1/health */
#define API_WARNING_LEN 512u

/* --- listen addresses ------------------------------------------------------ */

struct api_listen {
	struct sockaddr_storage ss;
	socklen_t len;
	bool v6;
	bool loopback; /* 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104 */
	unsigned port;
};

/* "ADDR:PORT", "[V6]:PORT" or "localhost:PORT"; numeric addresses only.
 * -EINVAL with a message naming what is wrong. */
int api_listen_parse(const char *s, struct api_listen *ret, char *errbuf, size_t errsz);

/* --- tokens ---------------------------------------------------------------- */

/* Compares in time that depends only on the length of expected. */
bool api_token_equal(const char *expected, size_t expected_len, const char *given, size_t given_len);

/* A token as read from a file: the first line, without surrounding white
 * space; printable ASCII without spaces, API_TOKEN_LEN_MIN..MAX bytes.
 * -EINVAL with a message otherwise. */
int api_token_check(const char *tok, char *errbuf, size_t errsz);

/* --- query parameters ------------------------------------------------------ */

struct api_param {
	const char *key;   /* borrowed from the server for one request */
	const char *value; /* "" for "?key" without "=" */
};

struct api_params {
	struct api_param v[API_PARAMS_MAX];
	size_t n;
	bool overflow; /* more than API_PARAMS_MAX were sent */
};

/* The value of key, or NULL. */
const char *api_param_get(const struct api_params *p, const char *key);

/* Each returns 0, or -EINVAL with a message for the client in errbuf. */
int api_params_allow(const struct api_params *p, const char *const *allowed, char *errbuf, size_t errsz);
int api_parse_uint(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *ret, char *errbuf,
		   size_t errsz);
int api_parse_bool(const char *name, const char *s, bool *ret, char *errbuf, size_t errsz);
/* RFC 3339 date-time ("2026-03-02T08:00:00Z", "...T09:00:00.5+01:00") to
 * microseconds since the epoch (UTC); years 1970..9999. */
int api_parse_time(const char *name, const char *s, uint64_t *ret, char *errbuf, size_t errsz);

/* Appends "key=value" percent-encoded (RFC 3986 unreserved characters kept)
 * to buf at *used, with "&" before all but the first. false if it does not fit. */
bool api_query_append(char *buf, size_t sz, size_t *used, const char *key, const char *value);

/* Case-insensitive (ASCII) substring search. */
bool api_contains_ci(const char *haystack, const char *needle);

/* --- the server ------------------------------------------------------------ */

/* What the routes need to know about the assessment and the signatures; all
 * of it is used under api.klock (the signature db keeps match scratch space
 * and is not for two threads at once). */
struct api_knowledge {
	struct inv_knowledge inv;
	struct assess_inputs in; /* ownership, policy, geolocation: as analyze loads them */
	char warnings[API_WARNINGS_MAX][API_WARNING_LEN];
	size_t n_warnings;
};

struct api {
	struct MHD_Daemon *mhd;
	char *db_path;     /* as given; NULL in fleet mode */
	char *db_uri;      /* file:...?mode=ro */

	/* fleet mode (pg_conninfo set): the central PostgreSQL, read through
	 * up to API_WORKERS read-only connections kept between requests */
	char *pg_conninfo, *pg_password_file;
	char pg_name[256]; /* "host:port/dbname as user": messages and /health */
	pthread_mutex_t plock;
	PGconn *pool[API_WORKERS];
	size_t n_pool;
	struct fleet_load_stats fleet_dropped; /* summed over requests, under mlock */

	char *token;       /* NULL: no authentication */
	size_t token_len;
	char *cert_pem, *key_pem;
	char *sigdir, *policy_path;
	struct api_listen listen;
	char listen_text[64];
	bool tls;
	uint64_t started_usec;

	pthread_mutex_t klock;
	struct api_knowledge kn;

	pthread_mutex_t mlock; /* m, have_metrics, mhd_error, requests */
	struct api_metrics m;
	bool have_metrics;
	char mhd_error[256]; /* the last message of libmicrohttpd */
	uint64_t requests[6]; /* by status class: [1] 1xx ... [5] 5xx; [0] other */
};

int api_knowledge_open(struct api_knowledge *k, const char *sigdir, const char *policy_path, char *errbuf,
		       size_t errsz);
void api_knowledge_close(struct api_knowledge *k);

/* --- the data of one request ------------------------------------------------ */

/* Every device in the database as out_device_json() makes it, with the
 * assessment when there is one: exactly the objects of analyze's "devices". */
struct api_view {
	struct hk_device *devs;
	size_t n;
	json_t **obj;   /* one per device, owned */
	bool assessed;  /* the objects carry "origin", "verdict", ... */
	struct store_capture *caps;
	size_t n_caps;
};

enum api_view_what {
	API_VIEW_DEVICES = 1, /* devices with derived claims and the assessment, as JSON */
	API_VIEW_RAW = 2,     /* devices as stored, no JSON (for /unknown) */
	API_VIEW_CAPTURES = 4,
};

/* Is this server reading a fleet (herkomst serve --pg)? */
static inline bool api_fleet(const struct api *a)
{
	return a->pg_conninfo != NULL;
}

/* The database read, for messages and /health: the SQLite path, or the
 * central database as "host:port/dbname as user". */
const char *api_source_name(const struct api *a);

/* Opens the database read-only for this request and reads it. only_id > 0:
 * with API_VIEW_DEVICES, only that device is derived, assessed and made JSON
 * (the other obj are NULL). scope (fleet mode only, may be NULL): the site
 * and sensor filters (docs/api.md). -EIO (503) or -ENOMEM with a message for
 * the client. */
int api_view_load(struct api *a, unsigned what, int64_t only_id, const struct fleet_filter *scope,
		  struct api_view *v, char *errbuf, size_t errsz);
void api_view_free(struct api_view *v);

/* Raw counts for /health and /metrics, without loading the devices. */
struct api_counts {
	int64_t devices, captures;
	uint64_t packets, bytes; /* summed over captures */
	int schema;
	int64_t sensors, sites; /* fleet mode */
};
int api_counts_read(struct api *a, struct api_counts *c, char *errbuf, size_t errsz);

/* Fleet mode: the sensors (filtered by scope, may be NULL) and the device
 * count of each site. *ret_sensors and *ret_sites are malloc'ed. */
int api_sensors_read(struct api *a, const struct fleet_filter *scope, struct fleet_sensor **ret_sensors,
		     size_t *ret_n_sensors, struct fleet_site **ret_sites, size_t *ret_n_sites, char *errbuf,
		     size_t errsz);

/* Fleet mode: connects (checking the schema) once at start, so that a
 * wrong address or password stops the server before it listens. */
int api_fleet_open(struct api *a, char *errbuf, size_t errsz);
void api_fleet_close(struct api *a);

/* The database as a read-only SQLite URI ("file:/x%20y.sqlite?mode=ro"). */
char *api_db_uri(const char *path);

/* --- routes ----------------------------------------------------------------- */

struct api_resp {
	unsigned status;
	char *body;         /* malloc'ed, or a static asset when body_static */
	size_t len;
	const char *type;   /* Content-Type */
	bool body_static;
	const char *allow;  /* "Allow" of a 405 */
	bool challenge;     /* add WWW-Authenticate (401) */
};

/* The country a device counts under: the control country of its origin
 * when the assessment established one, else its OUI block's country, else
 * NULL. *ret_basis is "control" or "oui". */
const char *api_device_country(const json_t *dev, const char **ret_basis);

/* Sets r to {"error": {"code", "message"}}. */
void api_error(struct api_resp *r, unsigned status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sets r to the JSON of o (stolen). */
void api_json(struct api_resp *r, unsigned status, json_t *o);

/* Handlers: fill r; the path is the part after the route's prefix. */
void api_route_devices(struct api *a, const struct api_params *p, struct api_resp *r);
void api_route_device(struct api *a, const char *id, const struct api_params *p, struct api_resp *r);
void api_route_summary(struct api *a, const struct api_params *p, struct api_resp *r);
void api_route_vendors(struct api *a, const struct api_params *p, struct api_resp *r);
void api_route_protocols(struct api *a, const struct api_params *p, struct api_resp *r);
void api_route_unknown(struct api *a, const struct api_params *p, struct api_resp *r);
void api_route_health(struct api *a, const struct api_params *p, struct api_resp *r);
void api_route_sites(struct api *a, const struct api_params *p, struct api_resp *r);
void api_route_metrics(struct api *a, const struct api_params *p, struct api_resp *r);

#endif
