/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * herkomst check: validates shipped and local data before a service uses
 * it, the same loader and the same checks, so a file that passes here
 * loads there. Runs in the test suite (suite 'data') on the shipped
 * directory.
 */
#include "cli/cmd_check.h"

#include "cli/config.h"
#include "hk_config.h"
#include "inventory/origin.h"
#include "inventory/policy.h"
#include "inventory/signatures.h"
#include "inventory/vendorids.h"

#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#define CMD_CHECK_ARG_SHOW_MAX 64 /* bytes of a bad argument echoed back */
#define CMD_CHECK_POLICIES_MAX 64 /* policy files checked in one directory */

static void print_help(FILE *out)
{
	fprintf(out,
"NAME\n"
"    herkomst check - validate herkomst's data files\n"
"\n"
"SYNOPSIS\n"
"    herkomst check signatures [DIR]\n"
"    herkomst check config [FILE]\n"
"    herkomst check --help\n"
"\n"
"DESCRIPTION\n"
"    herkomst check signatures loads every rule file DIR/fingerprints/*.tsv\n"
"    with the loader the inventory uses, and prints\n"
"\n"
"        N rules in M files: OK\n"
"\n"
"    or every error, one per line, as\n"
"\n"
"        FILE:LINE: what is wrong\n"
"\n"
"    (at most %d of them; a last line says how many more there were).\n"
"    herkomst refuses to start with a signature directory that does not\n"
"    pass, so run this after editing a rule.\n"
"\n"
"    When DIR has them, it also loads, with the same loaders as the\n"
"    service, the vendor-ID tables DIR/vendor-ids/, the ownership tables\n"
"    DIR/ownership/companies.tsv and aliases.tsv (signatures/ownership/\n"
"    README.md), and every country policy DIR/policy/*.tsv (signatures/\n"
"    policy/README.md), and prints a line for each, or its first error as\n"
"    FILE:LINE: what is wrong.\n"
"\n"
"    A rule file is tab-separated text: '#' comment lines, blank lines, one\n"
"    header line naming the columns, then one rule per line:\n"
"\n"
"        id field pattern manufacturer product model firmware os role\n"
"        confidence reference\n"
"\n"
"    The checks: exactly 11 columns; a unique id ([a-z0-9][a-z0-9._-]*, at\n"
"    most %d characters); a field naming an observation source\n"
"    (http.server, ssh.banner, ...); a pattern that compiles as a PCRE2\n"
"    regular expression, is printable ASCII, has at most 9 capture groups\n"
"    and does not match the empty string; attribute columns that are '-'\n"
"    or printable ASCII whose $1..$9 name groups the pattern has, at least\n"
"    one of them set; a role from the vocabulary; a confidence from 1 to\n"
"    100; a reference. Files must be UTF-8 with LF line ends, no NUL or\n"
"    other control bytes but TAB, no trailing whitespace, lines of at most\n"
"    %d bytes, at most %d rules in all. docs/signatures.md has the details\n"
"    and examples.\n"
"\n"
"    Without DIR, the directory herkomst itself would use: $HERKOMST_SIGDIR,\n"
"    the source tree's signatures/ when herkomst runs from its build tree,\n"
"    else %s.\n"
"\n"
"    herkomst check config reads the configuration of herkomst run (FILE, by\n"
"    default " CONFIG_DEFAULT_PATH "; herkomst.conf(5)) with the daemon's\n"
"    parser, checks every key (FILE:LINE: what is wrong), then loads the\n"
"    signatures and the policy it names, and prints the effective\n"
"    configuration (every key, defaults filled in) with what was loaded as\n"
"    comments. A missing default file means the built-in defaults; a FILE\n"
"    named that does not exist is an error. herkomst.service runs it before\n"
"    it starts the daemon.\n"
"\n"
"OPTIONS\n"
"    -q, --quiet\n"
"        Print nothing when the data is good.\n"
"\n"
"    -h, --help\n"
"        Print this help and exit.\n"
"\n"
"EXIT STATUS\n"
"    0   the data is good\n"
"    1   the data has errors (printed on standard error)\n"
"    2   usage error\n"
"\n"
"ENVIRONMENT\n"
"    HERKOMST_SIGDIR\n"
"        The signature directory to use when DIR is not given.\n"
"\n"
"EXAMPLES\n"
"    herkomst check signatures\n"
"        287 rules in 8 files: OK\n"
"\n"
"    herkomst check config /etc/herkomst/herkomst.conf\n"
"\n"
"    herkomst check signatures ./my-signatures\n"
"        ./my-signatures/fingerprints/http.tsv:12: unknown role 'plcc' (the\n"
"        vocabulary is in docs/signatures.md)\n",
		SIG_ERRORS_MAX, SIG_ID_MAX, SIG_LINE_MAX, SIG_RULES_MAX, HK_INSTALL_SIGDIR);
}

/* A bad argument echoed back: printable ASCII only, bounded. */
static void show_arg(const char *in, char *out, size_t outsz)
{
	size_t i, o = 0;

	for (i = 0; in[i] && o + 4 < outsz && i < CMD_CHECK_ARG_SHOW_MAX; i++)
		out[o++] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	if (in[i] && o + 4 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* The vendor-ID tables beside the fingerprints, when the directory has them. */
static int check_vendor_ids(const char *dir, bool quiet)
{
	char path[4096], err[1024];
	struct stat sb;
	struct vid_db *v;

	snprintf(path, sizeof(path), "%s/vendor-ids", dir);
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return 0;
	v = vid_load_dir(dir, err, sizeof(err));
	if (!v) {
		fprintf(stderr, "%s/vendor-ids/%s\n", dir, err);
		fprintf(stderr, "herkomst check: %s/vendor-ids: the vendor-ID tables were not loaded\n", dir);
		return 1;
	}
	if (!quiet)
		printf("%zu vendor IDs: OK\n", vid_count(v));
	vid_db_free(v);
	return 0;
}

/* The ownership tables, when the directory has them. */
static int check_ownership(const char *dir, bool quiet)
{
	char path[4096], err[1024];
	struct stat sb;
	struct origin_db *o;

	snprintf(path, sizeof(path), "%s/ownership", dir);
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return 0;
	o = origin_load_dir(dir, err, sizeof(err));
	if (!o) {
		fprintf(stderr, "%s\n", err);
		fprintf(stderr, "herkomst check: %s/ownership: the ownership tables were not loaded\n", dir);
		return 1;
	}
	if (!quiet)
		printf("%zu companies, %zu aliases: OK\n", origin_company_count(o), origin_alias_count(o));
	origin_db_free(o);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every country policy DIR/policy/ *.tsv, in name order. */
static int check_policies(const char *dir, bool quiet)
{
	char path[4096], file[4400], err[1024];
	char *names[CMD_CHECK_POLICIES_MAX];
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int status = 0;

	snprintf(path, sizeof(path), "%s/policy", dir);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".tsv") != 0)
			continue;
		if (n == CMD_CHECK_POLICIES_MAX) {
			fprintf(stderr, "herkomst check: %s: more than %d policy files; the rest were not checked\n",
				path, CMD_CHECK_POLICIES_MAX);
			status = 1;
			break;
		}
		if (!(names[n] = strdup(de->d_name))) {
			fprintf(stderr, "herkomst check: out of memory\n");
			status = 1;
			break;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (size_t i = 0; i < n; i++) {
		struct policy *p;
		snprintf(file, sizeof(file), "%s/%s", path, names[i]);
		p = policy_load(file, err, sizeof(err));
		if (!p) {
			fprintf(stderr, "%s\n", err);
			fprintf(stderr, "herkomst check: %s: the policy was not loaded\n", file);
			status = 1;
		} else if (!quiet) {
			printf("policy %s \"%s\" (as of %s): %zu countries for criterion 1, %zu for criterion 2: OK\n",
			       names[i], policy_name(p), policy_as_of(p), policy_countries(p, 1, NULL, 0),
			       policy_countries(p, 2, NULL, 0));
		}
		policy_free(p);
		free(names[i]);
	}
	return status;
}

static int check_signatures(const char *dir, bool quiet)
{
	struct sig_report *rep = calloc(1, sizeof(*rep));
	struct sig_db *db;
	int status = 0;

	if (!rep) {
		fprintf(stderr, "herkomst check: out of memory\n");
		return 1;
	}
	db = sig_load_dir(dir, rep);
	if (db) {
		if (!quiet)
			printf("%zu rules in %zu files: OK\n", sig_count(db), sig_file_count(db));
	} else {
		for (size_t i = 0; i < rep->n_kept; i++)
			fprintf(stderr, "%s\n", rep->msg[i]);
		if (rep->n_errors > rep->n_kept)
			fprintf(stderr, "herkomst check: %zu more errors not shown\n",
				rep->n_errors - rep->n_kept);
		fprintf(stderr, "herkomst check: %s: %zu error%s; the signatures were not loaded\n", dir,
			rep->n_errors, rep->n_errors == 1 ? "" : "s");
		status = 1;
	}
	sig_db_free(db);
	free(rep);
	status |= check_vendor_ids(dir, quiet);
	status |= check_ownership(dir, quiet);
	status |= check_policies(dir, quiet);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "herkomst check: cannot write the output\n");
		status = 1;
	}
	return status;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char shown[CMD_CHECK_ARG_SHOW_MAX + 8];
	char dirbuf[PATH_MAX];
	const char *dir;
	bool quiet = false, config;
	int c;

	/* main may have run getopt already; 0 makes glibc start afresh. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			show_arg(argv[optind - 1], shown, sizeof(shown));
			fprintf(stderr, "herkomst check: %s option '%s'; see 'herkomst check --help'\n",
				c == ':' ? "missing argument to" : "unknown", shown);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "herkomst check: what to check? 'herkomst check signatures [DIR]' or "
				"'herkomst check config [FILE]'; see 'herkomst check --help'\n");
		return 2;
	}
	if (strcmp(argv[optind], "signatures") != 0 && strcmp(argv[optind], "config") != 0) {
		show_arg(argv[optind], shown, sizeof(shown));
		fprintf(stderr, "herkomst check: cannot check '%s'; known: signatures, config\n", shown);
		return 2;
	}
	config = strcmp(argv[optind], "config") == 0;
	optind++;
	/* options may follow the topic too: herkomst check signatures -q DIR */
	while ((c = getopt_long(argc, argv, "+:hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			show_arg(argv[optind - 1], shown, sizeof(shown));
			fprintf(stderr, "herkomst check: %s option '%s'; see 'herkomst check --help'\n",
				c == ':' ? "missing argument to" : "unknown", shown);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "herkomst check: one %s at most; see 'herkomst check --help'\n",
			config ? "file" : "directory");
		return 2;
	}
	if (config)
		return config_check(optind < argc ? argv[optind] : NULL, quiet);
	if (optind < argc) {
		dir = argv[optind];
	} else {
		dir = sig_default_dir(dirbuf, sizeof(dirbuf));
		if (!dir) {
			fprintf(stderr, "herkomst check: the signature directory's name is too long\n");
			return 2;
		}
	}
	return check_signatures(dir, quiet);
}
