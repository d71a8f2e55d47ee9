/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The central PostgreSQL of a fleet (docs/fleet.md), from the command line:
 *
 *   herkomst ship --db FILE [--config FILE] [--full]
 *       ships a sensor's store once (what the daemon's shipping thread does
 *       every ship_interval), e.g. a database someone analyzed offline;
 *   herkomst fleet migrate [--config FILE | --pg CONNINFO [--password-file F]]
 *       creates or updates the central schema (as the database's owner);
 *   herkomst fleet status [...]
 *       the schema version, the sensors and what they shipped.
 *
 * Connection details come from the [central] section of the configuration
 * file (herkomst.conf(5)); a conninfo given with --pg carries no password
 * (password files, ~/.pgpass or PGPASSFILE do).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/config.h"
#include "core/util.h"
#include "fleet/pg.h"
#include "fleet/ship.h"

static volatile bool ship_interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	ship_interrupted = true;
}

/* Loads the configuration file (an explicit one must exist) and checks it. */
static int load_config(const char *cmd, const char *path, struct run_config *c)
{
	struct config_report *rep = calloc(1, sizeof(*rep));
	int rc = 0;

	if (!rep) {
		fprintf(stderr, "herkomst %s: out of memory\n", cmd);
		return 1;
	}
	config_defaults(c);
	config_load(c, path ? path : CONFIG_DEFAULT_PATH, path == NULL, rep);
	if (!rep->n_errors)
		config_validate(c, rep);
	if (rep->n_errors) {
		for (size_t i = 0; i < rep->n_kept; i++)
			fprintf(stderr, "%s\n", rep->msg[i]);
		fprintf(stderr, "herkomst %s: the configuration has errors ('herkomst check config' checks a file)\n",
			cmd);
		rc = 1;
	}
	free(rep);
	return rc;
}

void cli_ship_config(const struct run_config *c, const char *password, const char *sensor_id,
		     struct ship_config *ret)
{
	*ret = (struct ship_config){
		.conninfo = c->central_conninfo,
		.password = password,
		.sensor_id = sensor_id,
		.site = c->central_site,
		.batch_max = c->central_batch_max,
		.sigdir = c->signatures[0] ? c->signatures : NULL, /* NULL: the default directory */
		.policy_path = c->policy[0] ? c->policy : NULL,
	};
}

struct ship_progress {
	bool tty;
	uint64_t total;
	uint64_t last_draw;
};

static void ship_progress(void *ud, const struct ship_result *r)
{
	struct ship_progress *p = ud;
	uint64_t now = hk_mono_usec();

	if (!p->tty || now - p->last_draw < 100000u)
		return;
	p->last_draw = now;
	fprintf(stderr, "\rherkomst ship: %" PRIu64 " of %" PRIu64 " devices, %" PRIu64 " rows written", r->devices,
		p->total, r->rows);
	fflush(stderr);
}

int cmd_ship(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},     {"config", required_argument, NULL, 'c'},
		{"full", no_argument, NULL, 'F'},         {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	const char *db = NULL, *config = NULL;
	bool full = false, quiet = false;
	struct run_config *c = calloc(1, sizeof(*c));
	char pw[FLEET_PASSWORD_MAX], id[SHIP_ID_MAX], err[2048], where[FLEET_CONNINFO_MAX + 128];
	struct ship_config sc = {0};
	struct ship_progress prog = {0};
	struct ship_result res = {0};
	struct shipper *sh = NULL;
	int opt, status = 1, rc;

	if (!c) {
		fprintf(stderr, "herkomst ship: out of memory\n");
		return 1;
	}
	pw[0] = '\0';
	optind = 0;
	while ((opt = getopt_long(argc, argv, "d:c:Fqh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			db = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'F':
			full = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			help_print(stdout, "ship");
			free(c);
			return 0;
		default:
			fprintf(stderr, "Try 'herkomst help ship'.\n");
			free(c);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "herkomst ship: unexpected argument '%s'; the database goes with --db\n", argv[optind]);
		free(c);
		return 2;
	}
	if (load_config("ship", config, c) != 0)
		goto out;
	if (!c->central_conninfo[0]) {
		fprintf(stderr,
			"herkomst ship: %s has no [central] conninfo; set conninfo, site and password_file there "
			"(herkomst.conf(5), docs/fleet.md)\n",
			c->path[0] ? c->path : CONFIG_DEFAULT_PATH " (missing)");
		goto out;
	}
	if (!db)
		db = c->database;
	if (access(db, R_OK | W_OK) != 0) {
		fprintf(stderr, "herkomst ship: cannot use the database %s: %s; name a herkomst database with --db\n",
			db, strerror(errno));
		goto out;
	}
	if (c->central_password_file[0] &&
	    fleet_password_read(c->central_password_file, pw, sizeof(pw), err, sizeof(err)) < 0) {
		fprintf(stderr, "herkomst ship: %s\n", err);
		goto out;
	}
	if (!c->central_sensor_id[0] && ship_sensor_id_default(id, sizeof(id), err, sizeof(err)) < 0) {
		fprintf(stderr, "herkomst ship: %s\n", err);
		goto out;
	}
	cli_ship_config(c, pw[0] ? pw : NULL, c->central_sensor_id[0] ? c->central_sensor_id : id, &sc);
	sh = shipper_new(&sc, db, err, sizeof(err));
	explicit_bzero(pw, sizeof(pw));
	if (!sh) {
		fprintf(stderr, "herkomst ship: %s\n", err);
		goto out;
	}
	prog.tty = !quiet && isatty(STDERR_FILENO);
	if (full)
		prog.total = 0;
	shipper_backlog(sh, &prog.total);
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	rc = shipper_ship(sh, full, &ship_interrupted, ship_progress, &prog, &res, err, sizeof(err));
	if (prog.tty && prog.last_draw)
		fputc('\n', stderr);
	fleet_conninfo_describe(c->central_conninfo, where, sizeof(where));
	if (rc < 0) {
		fprintf(stderr, "herkomst ship: %s\n", err);
		if (res.batches)
			fprintf(stderr, "herkomst ship: %" PRIu64 " devices were shipped before that; %" PRIu64
					" wait for the next run\n",
				res.devices, res.backlog);
		goto out;
	}
	if (!quiet)
		printf("shipped %" PRIu64 " device%s in %" PRIu64 " transaction%s (%" PRIu64 " rows written) to %s "
		       "as sensor %s, site %s; %" PRIu64 " waiting%s\n",
		       res.devices, res.devices == 1 ? "" : "s", res.batches, res.batches == 1 ? "" : "s", res.rows,
		       where, sc.sensor_id, sc.site, res.backlog, ship_interrupted ? " (interrupted)" : "");
	status = ship_interrupted ? 1 : 0;
out:
	explicit_bzero(pw, sizeof(pw));
	shipper_free(sh);
	free(c);
	return status;
}

/* ---- herkomst fleet ---- */

static PGconn *fleet_connect(const char *cmd, const char *config, const char *pg, const char *pwfile)
{
	struct run_config *c;
	char err[2048];
	PGconn *conn;

	if (pg) {
		conn = fleet_pg_connect(pg, pwfile, err, sizeof(err));
		if (!conn)
			fprintf(stderr, "herkomst fleet %s: %s\n", cmd, err);
		return conn;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		fprintf(stderr, "herkomst fleet %s: out of memory\n", cmd);
		return NULL;
	}
	if (load_config("fleet", config, c) != 0) {
		free(c);
		return NULL;
	}
	if (!c->central_conninfo[0]) {
		fprintf(stderr,
			"herkomst fleet %s: %s has no [central] conninfo; name the central database with --pg "
			"CONNINFO or a configuration file with --config\n",
			cmd, c->path[0] ? c->path : CONFIG_DEFAULT_PATH " (missing)");
		free(c);
		return NULL;
	}
	conn = fleet_pg_connect(c->central_conninfo, pwfile ? pwfile : c->central_password_file, err, sizeof(err));
	if (!conn)
		fprintf(stderr, "herkomst fleet %s: %s\n", cmd, err);
	free(c);
	return conn;
}

static int fleet_migrate(PGconn *conn)
{
	char err[2048];
	int before = fleet_pg_schema_read(conn, err, sizeof(err)), n;

	if (before < 0) {
		fprintf(stderr, "herkomst fleet migrate: %s\n", err);
		return 1;
	}
	n = fleet_pg_migrate(conn, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "herkomst fleet migrate: %s\n", err);
		return 1;
	}
	if (n == 0)
		printf("the central schema is current (version %u); nothing to do\n", fleet_pg_schema_version());
	else
		printf("the central schema is now version %u (%d migration%s applied, from version %d)\n",
		       fleet_pg_schema_version(), n, n == 1 ? "" : "s", before);
	return 0;
}

static int fleet_status(PGconn *conn)
{
	char err[2048], ts[HK_TIME_STRLEN];
	PGresult *r;
	int ver = fleet_pg_schema_read(conn, err, sizeof(err));

	if (ver < 0) {
		fprintf(stderr, "herkomst fleet status: %s\n", err);
		return 1;
	}
	printf("schema version %d (this herkomst: %u)\n", ver, fleet_pg_schema_version());
	if (fleet_pg_schema_check(conn, err, sizeof(err)) < 0) {
		printf("%s\n", err);
		return ver == 0 ? 1 : 0;
	}
	r = PQexec(conn, "SELECT s.sensor_id, s.site, coalesce(s.hostname, ''), coalesce(s.version, ''), s.last_seen,"
			 " (SELECT count(*) FROM device_sightings d WHERE d.sensor_id = s.sensor_id),"
			 " (SELECT count(*) FROM evidence e WHERE e.sensor_id = s.sensor_id)"
			 " FROM sensors s ORDER BY s.site, s.sensor_id");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "herkomst fleet status: %s", PQerrorMessage(conn));
		PQclear(r);
		return 1;
	}
	printf("%-20s %-16s %-20s %-10s %-20s %8s %9s\n", "SENSOR", "SITE", "HOST", "VERSION", "LAST SHIPPED",
	       "DEVICES", "EVIDENCE");
	for (int i = 0; i < PQntuples(r); i++) {
		uint64_t t = strtoull(PQgetvalue(r, i, 4), NULL, 10);

		hk_time_fmt(t - t % 1000000u, ts);
		printf("%-20s %-16s %-20s %-10s %-20s %8s %9s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		       PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), ts, PQgetvalue(r, i, 5), PQgetvalue(r, i, 6));
	}
	PQclear(r);
	r = PQexec(conn, "SELECT count(*) FROM devices");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		printf("%s devices in all\n", PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

int cmd_fleet(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"pg", required_argument, NULL, 'p'},
		{"password-file", required_argument, NULL, 'P'},
		{"pg-password-file", required_argument, NULL, 'P'}, /* as serve and report call it */
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *pg = NULL, *pwfile = NULL, *sub;
	PGconn *conn;
	int opt, status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help_print(argc < 2 ? stderr : stdout, "fleet");
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "migrate") != 0 && strcmp(sub, "status") != 0) {
		fprintf(stderr, "herkomst fleet: unknown subcommand '%s' (migrate, status)\nTry 'herkomst help fleet'.\n",
			sub);
		return 2;
	}
	optind = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, "c:p:P:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		case 'p':
			pg = optarg;
			break;
		case 'P':
			pwfile = optarg;
			break;
		case 'h':
			help_print(stdout, "fleet");
			return 0;
		default:
			fprintf(stderr, "Try 'herkomst help fleet'.\n");
			return 2;
		}
	}
	if (optind < argc - 1) {
		fprintf(stderr, "herkomst fleet %s: unexpected argument '%s'\n", sub, argv[1 + optind]);
		return 2;
	}
	if (pg && config) {
		fprintf(stderr, "herkomst fleet %s: --pg and --config name the database twice; give one\n", sub);
		return 2;
	}
	conn = fleet_connect(sub, config, pg, pwfile);
	if (!conn)
		return 1;
	status = strcmp(sub, "migrate") == 0 ? fleet_migrate(conn) : fleet_status(conn);
	fleet_pg_close(conn);
	return status;
}
