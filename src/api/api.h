/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The REST API and the dashboard (libmicrohttpd), read-only over the SQLite
 * store, or over the central PostgreSQL of a fleet (herkomst serve --pg). `herkomst serve --db FILE` runs it alone; `herkomst run` runs it
 * beside live capture (the store is in WAL mode, so readers never block the
 * writer). JSON shapes match the analyze JSON (docs/api.md, docs/openapi.json).
 */
#ifndef HERKOMST_API_H
#define HERKOMST_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define API_LISTEN_DEFAULT "127.0.0.1:9470"
#define API_CONNECTIONS_MAX_DEFAULT 64u
#define API_TIMEOUT_SEC_DEFAULT 30u

struct api_config {
	const char *listen;       /* "ADDR:PORT" or "[v6]:PORT"; NULL: API_LISTEN_DEFAULT */
	const char *db_path;      /* the SQLite database to read; or: */
	const char *pg_conninfo;  /* fleet mode: the central PostgreSQL (docs/fleet.md); no password inside */
	const char *pg_password_file; /* its password; NULL: libpq's own (PGPASSFILE, ~/.pgpass) */
	const char *token;        /* bearer token; required unless listening on loopback only */
	const char *tls_cert;     /* PEM paths: TLS when both are set */
	const char *tls_key;
	const char *sigdir;       /* signatures (for derived claims), NULL: default */
	const char *policy_path;  /* NULL: default policy */
	unsigned connections_max; /* 0: default */
	unsigned timeout_sec;     /* 0: default */
};

/* Counters the daemon exports through /metrics (herkomst_* names). The api
 * reads them under its own lock; the owner updates them with api_metrics_set. */
#define API_METRICS_IFACES_MAX 32 /* CONFIG_IFACES_MAX */
#define API_IFNAME_MAX 16         /* IFNAMSIZ */

/* One capture interface's counters (all its sockets summed). */
struct api_metrics_iface {
	char name[API_IFNAME_MAX];
	uint64_t received, drops_kernel, drops_if, ring_freezes;
};

struct api_metrics {
	uint64_t packets, bytes, drops_kernel, drops_ring;
	uint64_t drops_if, ring_freezes; /* the interfaces' own drops; times a capture ring froze */
	struct api_metrics_iface ifaces[API_METRICS_IFACES_MAX];
	size_t n_ifaces;
	uint64_t flows_active, flows_created, flows_evicted, flows_expired;
	uint64_t devices, observations_dropped;
	uint64_t parser_results[64][4];
	const char *parser_names[64];
	size_t n_parsers;
	uint64_t flushes, flush_errors;
	/* shipping to a central PostgreSQL (docs/fleet.md); central false: not configured */
	bool central;
	bool central_up;
	uint64_t central_backlog, central_shipped_rows, central_errors, central_last_success_usec;
	uint64_t started_usec;
};

struct api;

/* Starts serving (threads of its own). NULL with a user-facing message on
 * failure: a bad listen address, a non-loopback listener without a token
 * ("set api.token in /etc/herkomst/herkomst.conf or --token-file"), TLS files
 * that do not load, a database that cannot be opened. */
struct api *api_start(const struct api_config *cfg, char *errbuf, size_t errsz);
void api_metrics_set(struct api *a, const struct api_metrics *m);
/* Reload derived knowledge (signatures, policy) after SIGHUP. */
int api_reload(struct api *a, char *errbuf, size_t errsz);
struct api *api_stop(struct api *a); /* accepts NULL; returns NULL */

#endif
