/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's configuration: /etc/herkomst/herkomst.conf (INI, read with
 * inih), every key with a built-in default, validated strictly: each
 * problem is reported as "FILE:LINE: what is wrong" and the daemon does not
 * start. `herkomst check config [FILE]` runs the same code.
 *
 *   [capture] interfaces, bpf, snaplen, promiscuous, capture, ring_mb,
 *             fanout_group, workers (buffer_mb: the old name of ring_mb)
 *   [store]   database, flush_interval
 *   [limits]  flows_max, flow_timeout, macs_max, ips_max, evidence_max
 *   [api]     listen, token_file, tls_cert, tls_key, connections_max, timeout
 *   [data]    signatures, policy
 *   [daemon]  user
 *   [central] conninfo, password_file, sensor_id, site, ship_interval, batch_max
 *
 * docs/daemon.md describes every key.
 */
#ifndef HERKOMST_CONFIG_H
#define HERKOMST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CONFIG_DEFAULT_PATH "/etc/herkomst/herkomst.conf"

#define CONFIG_IFACES_MAX 32
#define CONFIG_IFNAME_MAX 16   /* IFNAMSIZ, with the NUL */
#define CONFIG_PATH_MAX 1024   /* with the NUL */
#define CONFIG_BPF_MAX 1024
#define CONFIG_LISTEN_MAX 64
#define CONFIG_USER_MAX 33     /* 32 characters, as useradd allows */
#define CONFIG_CONNINFO_MAX 1024 /* [central] conninfo, with the NUL (FLEET_CONNINFO_MAX) */
#define CONFIG_ID_MAX 64       /* [central] sensor_id and site, with the NUL (SHIP_ID_MAX) */
#define CONFIG_ERRORS_MAX 32   /* messages kept; more are counted */
#define CONFIG_WARNINGS_MAX 8  /* warnings kept (deprecated keys); more are counted */
#define CONFIG_MSG_MAX 512
/* inih reads lines of at most this many bytes (its INI_MAX_LINE, with the
 * newline and the NUL); longer lines are an error here, not silently split */
#define CONFIG_LINE_MAX 198

/* Ranges of the numeric keys. */
#define CONFIG_SNAPLEN_MIN 64u
#define CONFIG_SNAPLEN_MAX 262144u
#define CONFIG_RING_MB_MAX 2047u       /* CAP_AFP_RING_MB_MAX, CAP_LIVE_BUFFER_MB_MAX */
#define CONFIG_FANOUT_GROUP_MAX 65535u /* a 16-bit id */
#define CONFIG_WORKERS_MAX 64u         /* ENGINE_WORKERS_MAX */
#define CONFIG_FLUSH_INTERVAL_MAX 3600u
#define CONFIG_FLOW_TIMEOUT_MAX 86400u
#define CONFIG_COUNT_MAX (1u << 28) /* flows_max, macs_max, ips_max, evidence_max */
#define CONFIG_CONNECTIONS_MAX 4096u
#define CONFIG_TIMEOUT_MAX 3600u

/* [capture] capture: how interfaces are read */
enum config_capture {
	CONFIG_CAPTURE_AFPACKET, /* our own AF_PACKET socket: TPACKET_V3 ring, fanout (afpacket.c) */
	CONFIG_CAPTURE_PCAP,     /* libpcap (live.c): for interfaces afpacket cannot read */
};

struct run_config {
	char path[CONFIG_PATH_MAX]; /* the file read; "" when only the defaults */

	/* [capture] */
	char interfaces[CONFIG_IFACES_MAX][CONFIG_IFNAME_MAX];
	size_t n_interfaces;
	char bpf[CONFIG_BPF_MAX];
	unsigned snaplen;
	bool promiscuous;
	enum config_capture capture;
	unsigned ring_mb;      /* MiB of kernel ring per capture socket (afpacket: per worker) */
	unsigned fanout_group; /* afpacket: 0: the kernel picks an unused id per interface */
	unsigned workers;      /* worker threads, each with its own sockets and pipeline; 0: one per CPU */

	/* [store] */
	char database[CONFIG_PATH_MAX];
	unsigned flush_interval; /* seconds */

	/* [limits] */
	size_t flows_max;
	unsigned flow_timeout; /* seconds */
	size_t macs_max, ips_max, evidence_max;

	/* [api] */
	char listen[CONFIG_LISTEN_MAX]; /* "": no API ("none" in the file) */
	char token_file[CONFIG_PATH_MAX];
	char tls_cert[CONFIG_PATH_MAX];
	char tls_key[CONFIG_PATH_MAX];
	unsigned connections_max;
	unsigned timeout; /* seconds */

	/* [data] */
	char signatures[CONFIG_PATH_MAX]; /* "": herkomst's default directory */
	char policy[CONFIG_PATH_MAX];     /* "": the default policy */

	/* [daemon] */
	char user[CONFIG_USER_MAX]; /* "": stay the user herkomst was started as */

	/* [central]: shipping to a central PostgreSQL (docs/fleet.md) */
	char central_conninfo[CONFIG_CONNINFO_MAX]; /* "": no shipping */
	char central_password_file[CONFIG_PATH_MAX];
	char central_sensor_id[CONFIG_ID_MAX];      /* "": derived from /etc/machine-id */
	char central_site[CONFIG_ID_MAX];
	unsigned central_ship_interval;             /* seconds */
	unsigned central_batch_max;                 /* rows per transaction */
};

struct config_report {
	size_t n_errors;
	size_t n_kept;
	char msg[CONFIG_ERRORS_MAX][CONFIG_MSG_MAX];
	/* what works but should change (an old key name): printed, not fatal */
	size_t n_warnings;
	size_t n_warn_kept;
	char warn[CONFIG_WARNINGS_MAX][CONFIG_MSG_MAX];
};

/* The built-in defaults (docs/daemon.md, packaging/herkomst.conf). */
void config_defaults(struct run_config *c);

/*
 * Reads path over the defaults in c. A missing file is an error unless
 * missing_ok (the default path: then c keeps its defaults and path stays "").
 * Every problem goes to rep as "FILE:LINE: what is wrong" (or "FILE: ..." for
 * the whole file). Returns the number of errors (0: c is good), or <0 when
 * rep could not be written.
 */
int config_load(struct run_config *c, const char *path, bool missing_ok, struct config_report *rep);

/* Checks the whole configuration after command-line overrides (what no
 * single line shows: tls_cert without tls_key, a non-loopback listener
 * without a token). Messages name the file when there is one. */
int config_validate(const struct run_config *c, struct config_report *rep);

/* Parsers shared with the command line. 0 or a negative errno; on failure
 * a message (without a file and line) in errbuf. */
int config_parse_interfaces(struct run_config *c, const char *list, bool append, char *errbuf, size_t errsz);
int config_parse_listen(const char *s, char *errbuf, size_t errsz);
bool config_listen_is_none(const char *s); /* "none" or "": no API */
bool config_listen_is_loopback(const char *listen);

/* Writes the effective configuration as an INI file that loads back the same. */
void config_print(FILE *out, const struct run_config *c);

/* `herkomst check config [FILE]`: 0 good (and printed unless quiet), 1 errors. */
int config_check(const char *path, bool quiet);

#endif
