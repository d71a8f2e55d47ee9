/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * herkomst report: the database's inventory, assessed against the four
 * considerations of letter 26643-1007, as HTML, CSV, JSON or CycloneDX
 * (docs/reports.md). Reads only: the database is never written. The
 * database is a sensor's SQLite (--db) or a fleet's central PostgreSQL
 * (--pg, docs/fleet.md), optionally narrowed to a site or a sensor.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/config.h"
#include "core/outfile.h"
#include "fleet/load.h"
#include "fleet/pg.h"
#include "hk_config.h"
#include "inventory/assess.h"
#include "inventory/derive.h"
#include "inventory/geoip.h"
#include "inventory/origin.h"
#include "report/assessed.h"
#include "inventory/policy.h"
#include "inventory/signatures.h"
#include "report/report.h"
#include "store/store.h"

#define REPORT_POLICY_COUNTRIES_MAX 256

struct report_opts {
	const char *db, *out, *sigdir, *policy, *site;
	const char *pg, *pg_password_file, *sensor, *config; /* fleet mode */
	char *cfg_conninfo, *cfg_password_file;              /* from --config */
	enum report_format fmt;
	bool quiet;
};

/*
 * The ieee-data date from the header of the generated OUI table, looked up
 * where oui_db_open_default() looks ($HERKOMST_DATADIR, then the build tree
 * when this binary is in it, then the install directory).
 */
static void ieee_date(char *buf, size_t bufsz)
{
	const char *env = getenv("HERKOMST_DATADIR");
	char paths[3][4096], exe[4096], line[1024];
	const char *build_root_end = strrchr(HK_BUILD_DATADIR, '/');
	size_t n = 0;
	ssize_t len;

	buf[0] = '\0';
	if (env && env[0])
		snprintf(paths[n++], sizeof(paths[0]), "%s/oui.tsv", env);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0 && build_root_end) {
		size_t root_len = (size_t)(build_root_end - HK_BUILD_DATADIR);
		exe[len] = '\0';
		if ((size_t)len > root_len && strncmp(exe, HK_BUILD_DATADIR, root_len) == 0 && exe[root_len] == '/')
			snprintf(paths[n++], sizeof(paths[0]), "%s/oui.tsv", HK_BUILD_DATADIR);
	}
	snprintf(paths[n++], sizeof(paths[0]), "%s/oui.tsv", HK_INSTALL_DATADIR);
	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(paths[i], "r");
		int lines = 0;
		if (!f)
			continue;
		/* "# Sources: ...; Debian ieee-data, date 2022-08-27 (.lastupdate ...)." */
		while (lines++ < 16 && fgets(line, sizeof(line), f) && line[0] == '#') {
			const char *p = strstr(line, "ieee-data, date ");
			if (p) {
				p += strlen("ieee-data, date ");
				snprintf(buf, bufsz, "%.10s", p);
				break;
			}
		}
		fclose(f);
		return;
	}
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b && b[1] ? b + 1 : path;
}

static void warn_stderr(void *userdata, const char *message)
{
	(void)userdata;
	fprintf(stderr, "herkomst: warning: %s\n", message);
}

int cli_central_config(const char *cmd, const char *path, char **ret_conninfo, char **ret_password_file)
{
	struct run_config *c = calloc(1, sizeof(*c));
	struct config_report *rep = calloc(1, sizeof(*rep));
	int status = 1;

	*ret_conninfo = *ret_password_file = NULL;
	if (!c || !rep) {
		fprintf(stderr, "herkomst %s: out of memory\n", cmd);
		goto out;
	}
	config_defaults(c);
	if (config_load(c, path, false, rep) != 0) {
		for (size_t i = 0; i < rep->n_kept; i++)
			fprintf(stderr, "%s\n", rep->msg[i]);
		fprintf(stderr, "herkomst %s: --config %s has errors ('herkomst check config %s' checks it)\n", cmd, path,
			path);
		goto out;
	}
	if (!c->central_conninfo[0]) {
		fprintf(stderr,
			"herkomst %s: %s has no [central] conninfo; set conninfo (and password_file) there, or name the "
			"fleet's database with --pg CONNINFO (docs/fleet.md)\n",
			cmd, path);
		goto out;
	}
	*ret_conninfo = strdup(c->central_conninfo);
	if (c->central_password_file[0])
		*ret_password_file = strdup(c->central_password_file);
	if (!*ret_conninfo || (c->central_password_file[0] && !*ret_password_file)) {
		free(*ret_conninfo);
		free(*ret_password_file);
		*ret_conninfo = *ret_password_file = NULL;
		fprintf(stderr, "herkomst %s: out of memory\n", cmd);
		goto out;
	}
	status = 0;
out:
	free(c);
	free(rep);
	return status;
}

static int parse_args(int argc, char **argv, struct report_opts *o)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"policy", required_argument, NULL, 'p'},
		{"signatures", required_argument, NULL, 'S'},
		{"site", required_argument, NULL, 't'},
		{"pg", required_argument, NULL, 'P'},
		{"pg-password-file", required_argument, NULL, 'W'},
		{"sensor", required_argument, NULL, 'N'},
		{"config", required_argument, NULL, 'c'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:f:o:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o->db = optarg;
			break;
		case 'f':
			if (report_format_parse(optarg, &o->fmt) < 0) {
				fprintf(stderr,
					"herkomst report: unknown --format '%s' (use html, csv, json or cyclonedx)\n",
					optarg);
				return 2;
			}
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'p':
			o->policy = optarg;
			break;
		case 'S':
			o->sigdir = optarg;
			break;
		case 't':
			o->site = optarg;
			break;
		case 'P':
			o->pg = optarg;
			break;
		case 'W':
			o->pg_password_file = optarg;
			break;
		case 'N':
			o->sensor = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			help_print(stdout, "report");
			return 0;
		default:
			fprintf(stderr, "Try 'herkomst help report'.\n");
			return 2;
		}
	}
	if (!o->db == !(o->pg || o->config) || optind != argc) {
		fprintf(stderr, "usage: herkomst report --db FILE [--format html|csv|json|cyclonedx] [-o OUT] "
				"[--policy FILE]\n"
				"       herkomst report --pg CONNINFO [--pg-password-file FILE] [--site NAME] "
				"[--sensor ID] [...]\n"
				"       herkomst report --config FILE [--site NAME] [--sensor ID] [...]\n"
				"Try 'herkomst help report'.\n");
		return 2;
	}
	if (o->db && (o->pg_password_file || o->sensor)) {
		fprintf(stderr, "herkomst report: %s goes with --pg CONNINFO or --config FILE (a fleet's central "
				"database)\n",
			o->sensor ? "--sensor" : "--pg-password-file");
		return 2;
	}
	if (o->config) {
		if (cli_central_config("report", o->config, &o->cfg_conninfo, &o->cfg_password_file) != 0)
			return 1;
		/* the command line wins over the file */
		if (!o->pg)
			o->pg = o->cfg_conninfo;
		if (!o->pg_password_file)
			o->pg_password_file = o->cfg_password_file;
	}
	/* a password on the command line is visible to every user (ps, /proc) */
	if (o->pg) {
		char err[1024];
		if (fleet_conninfo_check(o->pg, err, sizeof(err)) < 0) {
			fprintf(stderr, "herkomst report: --pg: %s\n", err);
			return 2;
		}
	}
	return -1;
}

/*
 * Fleet mode: the devices of the central database (raw, then derived here
 * as the store does for --db), the sensors, and no captures. With --site,
 * each device as that site's sensors saw it.
 */
static int fleet_read(const struct report_opts *o, struct inv_knowledge *know, struct hk_device **ret_devs,
		      size_t *ret_n, struct fleet_sensor **ret_sensors, size_t *ret_n_sensors, char *name,
		      size_t namesz)
{
	struct fleet_filter f = {.site = o->site, .sensor = o->sensor};
	struct fleet_load_stats stats = {0};
	char err[1024];
	PGconn *c;
	int rc;

	fleet_conninfo_describe(o->pg, name, namesz);
	c = fleet_pg_connect(o->pg, o->pg_password_file, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "herkomst: %s\n", err);
		return -EIO;
	}
	rc = fleet_pg_schema_check(c, err, sizeof(err));
	if (rc == 0)
		rc = fleet_session_readonly(c, err, sizeof(err));
	if (rc == 0)
		rc = fleet_devices_load(c, &f, ret_devs, ret_n, &stats, err, sizeof(err));
	if (rc == 0)
		rc = fleet_sensors_load(c, &f, ret_sensors, ret_n_sensors, err, sizeof(err));
	fleet_pg_close(c);
	if (rc < 0) {
		fprintf(stderr, "herkomst: %s: %s\n", name, err);
		return rc;
	}
	if (!o->quiet && (stats.evidence_dropped || stats.sightings_dropped || stats.fields_truncated))
		fprintf(stderr,
			"herkomst: warning: %s: left out %" PRIu64 " claims past %d per device, %" PRIu64
			" sightings past %d per device; %" PRIu64 " values were cut to fit\n",
			name, stats.evidence_dropped, HK_DEV_EVIDENCE_MAX, stats.sightings_dropped, FLEET_SIGHTINGS_MAX,
			stats.fields_truncated);
	if (!o->quiet && *ret_n == 0 && (o->site || o->sensor))
		fprintf(stderr, "herkomst: warning: %s: no device was seen by %s %s; 'herkomst fleet status' lists "
				"the sites and sensors\n",
			name, o->sensor ? "sensor" : "site", o->sensor ? o->sensor : o->site);
	/* as store_devices_load does for --db: derived claims, then canonical evidence order */
	for (size_t i = 0; i < *ret_n; i++) {
		inv_derive(&(*ret_devs)[i], know);
		hk_device_sort_evidence(&(*ret_devs)[i]);
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o = {.fmt = REPORT_HTML};
	struct inv_knowledge know = {0};
	struct store *st = NULL;
	struct assess_inputs in = {0};
	struct hk_device *devs = NULL;
	struct store_capture *caps = NULL;
	struct store_annotation *anns = NULL;
	struct unknown_fp *unknown = NULL;
	struct report_device *rdevs = NULL;
	struct fleet_sensor *sensors = NULL;
	size_t n_sensors = 0;
	char pg_name[256], site_title[FLEET_NAME_MAX + 64];
	struct out_assessed *assessed = NULL;
	struct out_assessment as = {0};
	struct report r = {0};
	const char *c1[REPORT_POLICY_COUNTRIES_MAX], *c2[REPORT_POLICY_COUNTRIES_MAX];
	size_t n_devs = 0, n_caps = 0, n_anns = 0, n_unknown = 0;
	char err[1024], ieee[32];
	struct stat sb;
	struct outfile out = {0};
	int status = 0, rc;

	rc = parse_args(argc, argv, &o);
	if (rc >= 0) {
		free(o.cfg_conninfo);
		free(o.cfg_password_file);
		return rc;
	}
	/* store_open creates a missing file: a report of nothing would hide a typo */
	if (o.db && stat(o.db, &sb) < 0) {
		fprintf(stderr, "herkomst: %s: %s; 'herkomst analyze --db %s CAPTURE' creates it\n", o.db,
			strerror(errno), o.db);
		return 1;
	}

	if (inv_knowledge_open(&know, o.sigdir, err, sizeof(err)) > 0 && !o.quiet)
		fprintf(stderr, "herkomst: warning: %s\n", err);
	/* the operator named a policy file: not loading it is a usage error, as in analyze */
	if (assess_inputs_open(&in, o.sigdir, o.policy, o.quiet ? NULL : warn_stderr, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "herkomst: %s\n", err);
		status = 2;
		goto out;
	}

	if (o.pg) {
		if (fleet_read(&o, &know, &devs, &n_devs, &sensors, &n_sensors, pg_name, sizeof(pg_name)) < 0) {
			status = 1;
			goto out;
		}
	} else {
		st = store_open(o.db, err, sizeof(err));
		if (!st) {
			fprintf(stderr, "herkomst: %s\n", err);
			status = 1;
			goto out;
		}
		store_set_deriver(st, inv_derive, &know);
		if (store_devices_load(st, &devs, &n_devs) < 0 || store_captures_load(st, &caps, &n_caps) < 0 ||
		    store_annotation_load(st, NULL, &anns, &n_anns) < 0) {
			fprintf(stderr, "herkomst: %s: cannot read the inventory: %s\n", o.db, store_errmsg(st));
			status = 1;
			goto out;
		}
	}
	if (inv_unknown_collect(devs, n_devs, &know, &unknown, &n_unknown) < 0) {
		fprintf(stderr, "herkomst: out of memory\n");
		status = 1;
		goto out;
	}

	assess_inputs_geoip(&in, devs, n_devs);

	rdevs = calloc(n_devs ? n_devs : 1, sizeof(*rdevs));
	assessed = calloc(n_devs ? n_devs : 1, sizeof(*assessed));
	if (!rdevs || !assessed) {
		fprintf(stderr, "herkomst: out of memory\n");
		status = 1;
		goto out;
	}
	{
		struct assess_ctx ctx = assess_inputs_ctx(&in);
		for (size_t i = 0; i < n_devs; i++) {
			struct assess_annotations aa;
			size_t na;
			const struct store_annotation *a;
			if (devs[i].fleet) /* combined over its sensors (src/fleet/load.h) */
				assess_annotations_of(devs[i].key, devs[i].fleet->ann, devs[i].fleet->n_ann, &a, &na,
						      &aa);
			else
				assess_annotations_of(devs[i].key, anns, n_anns, &a, &na, &aa);
			rdevs[i].dev = &devs[i];
			if (assess_device(&devs[i], &aa, &ctx, &rdevs[i].a) < 0) {
				fprintf(stderr, "herkomst: out of memory assessing the devices\n");
				status = 1;
				goto out;
			}
			assessed[i].res = &rdevs[i].a;
			assessed[i].ann = a;
			assessed[i].n_ann = na;
		}
	}
	as.dev = assessed;
	if (in.policy) {
		as.policy_name = policy_name(in.policy);
		as.policy_as_of = policy_as_of(in.policy);
		as.policy_path = policy_path(in.policy);
	}
	as.geoip_source = in.geo ? geoip_source(in.geo) : NULL;

	ieee_date(ieee, sizeof(ieee));
	if (o.pg) {
		/* the title: the site, else the sensor, else the fleet */
		if (o.site)
			snprintf(site_title, sizeof(site_title), "%s", o.site);
		else if (o.sensor)
			snprintf(site_title, sizeof(site_title), "sensor %s", o.sensor);
		else
			snprintf(site_title, sizeof(site_title), "fleet");
		r.meta.site = site_title;
		r.meta.db_path = pg_name;
		r.fleet = true;
		r.sensors = sensors;
		r.n_sensors = n_sensors;
		r.filter_site = o.site;
		r.filter_sensor = o.sensor;
	} else {
		r.meta.site = o.site ? o.site : base_name(o.db);
		r.meta.db_path = o.db;
	}
	r.meta.policy_name = as.policy_name;
	r.meta.policy_as_of = as.policy_as_of;
	r.meta.policy_path = as.policy_path;
	r.meta.ieee_date = ieee[0] ? ieee : NULL;
	r.meta.n_signatures = know.sigs ? sig_count(know.sigs) : 0;
	r.meta.n_signature_files = know.sigs ? sig_file_count(know.sigs) : 0;
	r.meta.n_companies = in.origin ? origin_company_count(in.origin) : 0;
	r.meta.n_aliases = in.origin ? origin_alias_count(in.origin) : 0;
	r.meta.geoip_source = as.geoip_source;
	if (in.policy) {
		r.meta.n_policy_c1 = policy_countries(in.policy, 1, c1, REPORT_POLICY_COUNTRIES_MAX);
		r.meta.n_policy_c2 = policy_countries(in.policy, 2, c2, REPORT_POLICY_COUNTRIES_MAX);
		if (r.meta.n_policy_c1 > REPORT_POLICY_COUNTRIES_MAX)
			r.meta.n_policy_c1 = REPORT_POLICY_COUNTRIES_MAX;
		if (r.meta.n_policy_c2 > REPORT_POLICY_COUNTRIES_MAX)
			r.meta.n_policy_c2 = REPORT_POLICY_COUNTRIES_MAX;
		r.meta.policy_c1 = c1;
		r.meta.policy_c2 = c2;
	}
	r.know = &know;
	r.caps = caps;
	r.n_caps = n_caps;
	r.devs = rdevs;
	r.n_devs = n_devs;
	r.dev_array = devs;
	r.as = &as;
	r.unknown = unknown;
	r.n_unknown = n_unknown;

	/* a report is written whole or not at all (core/outfile.h) */
	if (outfile_open(&out, o.out, err, sizeof(err)) < 0) {
		fprintf(stderr, "herkomst: %s; choose another -o file\n", err);
		status = 1;
		goto out;
	}
	errno = 0;
	rc = report_write(out.f, o.fmt, &r);
	if (rc < 0 || ferror(out.f)) {
		fprintf(stderr, "herkomst: writing the %s report failed: %s\n", report_format_name(o.fmt),
			strerror(rc < 0 && rc != -EIO ? -rc : errno ? errno : EIO));
		status = 1;
	} else if (outfile_commit(&out, err, sizeof(err)) < 0) {
		fprintf(stderr, "herkomst: %s\n", err);
		status = 1;
	}
out:
	outfile_abort(&out); /* not committed: an existing file stays as it was */
	for (size_t i = 0; i < n_devs; i++)
		hk_device_clear(&devs[i]);
	free(devs);
	free(caps);
	free(anns);
	free(sensors);
	free(o.cfg_conninfo);
	free(o.cfg_password_file);
	free(unknown);
	for (size_t i = 0; rdevs && i < n_devs; i++)
		assess_result_clear(&rdevs[i].a);
	free(rdevs);
	free(assessed);
	store_close(st);
	assess_inputs_close(&in);
	inv_knowledge_close(&know);
	return status;
}
