/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * herkomst annotate: the analyst's input to the assessment (criterion 3B, and
 * corrections of ownership), stored per device key so that it survives every
 * later analysis into the same database (docs/assessment.md).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"
#include "inventory/origin.h"
#include "inventory/signatures.h"
#include "store/store.h"

#define ANNOTATE_CANDIDATES_MAX 8 /* devices named when an address is ambiguous */

enum {
	CLEAR_MITIGATION = 1u << 0,
	CLEAR_OWNER = 1u << 1,
	CLEAR_NOTE = 1u << 2,
};

struct annotate_opts {
	const char *db;
	const char *sigdir;
	const char *device;
	const char *mitigation;
	bool insufficient;
	const char *owner;
	const char *note;
	unsigned clear;
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("herkomst annotate: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'herkomst help annotate'.\n", stderr);
	return 2;
}

/* Text an analyst typed: not empty, not too long, no control characters. */
static int check_text(const char *opt, const char *v)
{
	if (!v[0]) {
		fprintf(stderr, "herkomst annotate: %s needs a non-empty text\n", opt);
		return 2;
	}
	if (strlen(v) >= STORE_ANNOTATION_VALUE_MAX) {
		fprintf(stderr, "herkomst annotate: %s is longer than %d bytes\n", opt, STORE_ANNOTATION_VALUE_MAX - 1);
		return 2;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			fprintf(stderr, "herkomst annotate: %s contains a control character\n", opt);
			return 2;
		}
	return 0;
}

static int parse_clear(const char *kind, unsigned *clear)
{
	if (strcmp(kind, "mitigation") == 0)
		*clear |= CLEAR_MITIGATION;
	else if (strcmp(kind, "owner") == 0)
		*clear |= CLEAR_OWNER;
	else if (strcmp(kind, "note") == 0)
		*clear |= CLEAR_NOTE;
	else if (strcmp(kind, "all") == 0)
		*clear |= CLEAR_MITIGATION | CLEAR_OWNER | CLEAR_NOTE;
	else
		return -EINVAL;
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool device_has_ip(const struct hk_device *d, const struct hk_addr *a)
{
	struct hk_addr x;
	if (d->ip.family && hk_addr_eq(&d->ip, a))
		return true;
	for (size_t i = 0; i < d->n_ev; i++)
		if (strcmp(d->ev[i].attribute, HK_A_IP) == 0 && hk_addr_parse(d->ev[i].value, &x) && hk_addr_eq(&x, a))
			return true;
	return false;
}

/*
 * DEVICE → the index of the one device it names: a row id ("7"), a device key
 * ("mac:..", "ip:.."), a MAC, or an IP address the device owns. Prints why
 * not and returns -1 when it names none or several.
 */
static ssize_t device_find(const struct hk_device *devs, size_t n, const char *what, const char *db)
{
	size_t hits[ANNOTATE_CANDIDATES_MAX], n_hits = 0;
	uint8_t mac[6];
	struct hk_addr ip;
	const char *kind;

	if (all_digits(what)) {
		char *end;
		long long id = strtoll(what, &end, 10);
		kind = "id";
		for (size_t i = 0; i < n; i++)
			if (devs[i].id == id && n_hits < ANNOTATE_CANDIDATES_MAX)
				hits[n_hits++] = i;
	} else if (strncmp(what, "mac:", 4) == 0 || strncmp(what, "ip:", 3) == 0) {
		kind = "key";
		for (size_t i = 0; i < n; i++)
			if (strcmp(devs[i].key, what) == 0 && n_hits < ANNOTATE_CANDIDATES_MAX)
				hits[n_hits++] = i;
	} else if (hk_mac_parse(what, mac)) {
		kind = "MAC";
		for (size_t i = 0; i < n; i++)
			if (devs[i].has_mac && memcmp(devs[i].mac, mac, 6) == 0 && n_hits < ANNOTATE_CANDIDATES_MAX)
				hits[n_hits++] = i;
	} else if (hk_addr_parse(what, &ip)) {
		kind = "address";
		for (size_t i = 0; i < n; i++)
			if (device_has_ip(&devs[i], &ip) && n_hits < ANNOTATE_CANDIDATES_MAX)
				hits[n_hits++] = i;
	} else {
		fprintf(stderr,
			"herkomst annotate: '%s' is not a device id, MAC or IP address\n"
			"Try 'herkomst help annotate'.\n",
			what);
		return -2;
	}
	if (n_hits == 1)
		return (ssize_t)hits[0];
	if (n_hits == 0) {
		fprintf(stderr, "herkomst annotate: no device with %s %s in %s (herkomst analyze --db %s lists them)\n",
			kind, what, db, db);
		return -1;
	}
	fprintf(stderr, "herkomst annotate: %s is ambiguous in %s; it names devices", what, db);
	for (size_t i = 0; i < n_hits; i++)
		fprintf(stderr, "%s %" PRId64 " (%s)", i ? "," : "", devs[hits[i]].id, devs[hits[i]].key);
	fprintf(stderr, "; give the device id\n");
	return -1;
}

/* Refuses a company id the ownership table does not know (when it loads). */
static int check_owner(const char *id, const char *sigdir_opt)
{
	char dirbuf[4096], err[1024];
	const char *sigdir = sigdir_opt ? sigdir_opt : sig_default_dir(dirbuf, sizeof(dirbuf));
	struct origin_db *db = sigdir ? origin_load_dir(sigdir, err, sizeof(err)) : NULL;
	int rc = 0;

	if (!db) {
		fprintf(stderr, "herkomst: warning: cannot check company '%s': no ownership data (%s)\n", id,
			sigdir ? err : "no signature directory");
		return 0;
	}
	if (!origin_company(db, id)) {
		fprintf(stderr,
			"herkomst annotate: no company '%s' in %s/ownership/companies.tsv; --owner takes a company id "
			"of that table\n",
			id, sigdir);
		rc = 1;
	}
	origin_db_free(db);
	return rc;
}

static void print_annotations(FILE *f, const struct hk_device *d, struct store *st)
{
	struct store_annotation *a = NULL;
	size_t n = 0;

	if (store_annotation_load(st, d->key, &a, &n) < 0) {
		fprintf(stderr, "herkomst: cannot read the annotations: %s\n", store_errmsg(st));
		return;
	}
	fprintf(f, "device %" PRId64 " (%s):", d->id, d->key);
	if (!n)
		fprintf(f, " no annotations\n");
	else
		fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		char t[HK_TIME_STRLEN];
		fprintf(f, "  %-10s  %s", a[i].kind, a[i].value);
		if (strcmp(a[i].kind, "mitigation") == 0)
			fprintf(f, "  [%s]", a[i].sufficient ? "sufficient" : "not sufficient");
		fprintf(f, "  (%s)\n", hk_time_fmt(a[i].created_at, t));
	}
	free(a);
}

static int apply(struct store *st, const char *key, const struct annotate_opts *o)
{
	static const struct {
		unsigned bit;
		const char *kind;
	} clears[] = {{CLEAR_MITIGATION, "mitigation"}, {CLEAR_OWNER, "owner"}, {CLEAR_NOTE, "note"}};

	for (size_t i = 0; i < sizeof(clears) / sizeof(clears[0]); i++)
		if ((o->clear & clears[i].bit) && store_annotation_clear(st, key, clears[i].kind) < 0)
			return -EIO;
	if (o->mitigation && store_annotation_set(st, key, "mitigation", o->mitigation, !o->insufficient) < 0)
		return -EIO;
	if (o->owner && store_annotation_set(st, key, "owner", o->owner, false) < 0)
		return -EIO;
	if (o->note && store_annotation_set(st, key, "note", o->note, false) < 0)
		return -EIO;
	return 0;
}

int cmd_annotate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"mitigation", required_argument, NULL, 'm'},
		{"insufficient", no_argument, NULL, 'I'},
		{"owner", required_argument, NULL, 'O'},
		{"note", required_argument, NULL, 'n'},
		{"clear", required_argument, NULL, 'C'},
		{"signatures", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct annotate_opts o = {0};
	struct store *st = NULL;
	struct hk_device *devs = NULL;
	size_t n = 0;
	ssize_t k;
	char err[1024];
	int opt, rc, status = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:m:n:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o.db = optarg;
			break;
		case 'm':
			if ((rc = check_text("--mitigation", optarg)) != 0)
				return rc;
			o.mitigation = optarg;
			break;
		case 'I':
			o.insufficient = true;
			break;
		case 'O':
			if ((rc = check_text("--owner", optarg)) != 0)
				return rc;
			o.owner = optarg;
			break;
		case 'n':
			if ((rc = check_text("--note", optarg)) != 0)
				return rc;
			o.note = optarg;
			break;
		case 'C':
			if (parse_clear(optarg, &o.clear) < 0)
				return usage_error("--clear takes mitigation, owner, note or all, not '%s'", optarg);
			break;
		case 'S':
			o.sigdir = optarg;
			break;
		case 'h':
			help_print(stdout, "annotate");
			return 0;
		default:
			fprintf(stderr, "Try 'herkomst help annotate'.\n");
			return 2;
		}
	}
	if (!o.db)
		return usage_error("%s", "--db FILE is required (the database herkomst analyze --db wrote)");
	if (optind == argc)
		return usage_error("%s", "no DEVICE given (a device id, MAC or IP address)");
	if (optind + 1 != argc)
		return usage_error("one DEVICE at a time, not also '%s'", argv[optind + 1]);
	o.device = argv[optind];
	if (o.insufficient && !o.mitigation)
		return usage_error("%s", "--insufficient qualifies a --mitigation given with it");
	if ((o.mitigation && (o.clear & CLEAR_MITIGATION)) || (o.owner && (o.clear & CLEAR_OWNER)) ||
	    (o.note && (o.clear & CLEAR_NOTE)))
		return usage_error("%s", "--clear of a kind that is also set");
	if (access(o.db, F_OK) != 0) {
		fprintf(stderr, "herkomst annotate: no database %s (%s); herkomst analyze --db %s CAPTURE creates it\n",
			o.db, strerror(errno), o.db);
		return 1;
	}
	if (o.owner && check_owner(o.owner, o.sigdir) != 0)
		return 1;

	st = store_open(o.db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "herkomst: %s\n", err);
		return 1;
	}
	/* raw devices: no signatures needed to find one by id, MAC or address */
	if (store_devices_load(st, &devs, &n) < 0) {
		fprintf(stderr, "herkomst: %s: cannot read the inventory: %s\n", o.db, store_errmsg(st));
		status = 1;
		goto out;
	}
	k = device_find(devs, n, o.device, o.db);
	if (k < 0) {
		status = k == -2 ? 2 : 1;
		goto out;
	}
	if (apply(st, devs[k].key, &o) < 0) {
		fprintf(stderr, "herkomst: %s: cannot write the annotation: %s\n", o.db, store_errmsg(st));
		status = 1;
		goto out;
	}
	print_annotations(stdout, &devs[k], st);
	if (fflush(stdout) != 0)
		status = 1;
out:
	for (size_t i = 0; i < n; i++)
		hk_device_clear(&devs[i]);
	free(devs);
	store_close(st);
	return status;
}
