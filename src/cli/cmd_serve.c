/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * herkomst serve: the REST API and the dashboard over a database, read-only
 * (docs/api.md): a sensor's SQLite (--db) or a fleet's central PostgreSQL
 * (--pg, docs/fleet.md). Runs until SIGINT or SIGTERM; SIGHUP reloads
 * signatures, ownership data and the country policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "cli/cli.h"
#include "fleet/pg.h"

#define TOKEN_FILE_MAX 4096

/* The token: the first line of the file, white space around it removed.
 * NULL with a message on failure. */
static char *token_read(const char *path)
{
	char buf[TOKEN_FILE_MAX + 1], *start, *end;
	struct stat sb;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "herkomst serve: cannot read --token-file %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 007))
		fprintf(stderr, "herkomst serve: warning: every user can read the token file %s (chmod o-rwx %s)\n",
			path, path);
	while (got < TOKEN_FILE_MAX && (n = read(fd, buf + got, TOKEN_FILE_MAX - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "herkomst serve: cannot read --token-file %s: %s\n", path, strerror(errno));
			close(fd);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	start = buf + strspn(buf, " \t\r\n");
	end = start + strcspn(start, "\r\n");
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (!start[0]) {
		fprintf(stderr, "herkomst serve: --token-file %s is empty; put a token in it, e.g. "
				"'head -c 32 /dev/urandom | base64 > %s'\n",
			path, path);
		explicit_bzero(buf, sizeof(buf));
		return NULL;
	}
	start = strdup(start);
	explicit_bzero(buf, sizeof(buf));
	if (!start)
		fprintf(stderr, "herkomst serve: out of memory\n");
	return start;
}

static int parse_count(const char *opt, const char *s, unsigned max, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > max) {
		fprintf(stderr, "herkomst serve: %s needs a number from 1 to %u, not '%s'\n", opt, max, s);
		return -EINVAL;
	}
	*ret = (unsigned)v;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"pg", required_argument, NULL, 'P'},
		{"pg-password-file", required_argument, NULL, 'W'},
		{"config", required_argument, NULL, 'F'},
		{"listen", required_argument, NULL, 'l'},
		{"token-file", required_argument, NULL, 't'},
		{"tls-cert", required_argument, NULL, 'C'},
		{"tls-key", required_argument, NULL, 'K'},
		{"signatures", required_argument, NULL, 'S'},
		{"policy", required_argument, NULL, 'Y'},
		{"connections-max", required_argument, NULL, 'c'},
		{"timeout", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct api_config cfg = {0};
	const char *token_file = NULL, *config = NULL;
	char *token = NULL, *cfg_conninfo = NULL, *cfg_password_file = NULL;
	char err[1024];
	struct api *a;
	sigset_t sigs;
	int opt, sig, status = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:l:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			cfg.db_path = optarg;
			break;
		case 'P':
			cfg.pg_conninfo = optarg;
			break;
		case 'W':
			cfg.pg_password_file = optarg;
			break;
		case 'F':
			config = optarg;
			break;
		case 'l':
			cfg.listen = optarg;
			break;
		case 't':
			token_file = optarg;
			break;
		case 'C':
			cfg.tls_cert = optarg;
			break;
		case 'K':
			cfg.tls_key = optarg;
			break;
		case 'S':
			cfg.sigdir = optarg;
			break;
		case 'Y':
			cfg.policy_path = optarg;
			break;
		case 'c':
			if (parse_count("--connections-max", optarg, 65536, &cfg.connections_max) < 0)
				return 2;
			break;
		case 'T':
			if (parse_count("--timeout", optarg, 3600, &cfg.timeout_sec) < 0)
				return 2;
			break;
		case 'h':
			help_print(stdout, "serve");
			return 0;
		default:
			fprintf(stderr, "Try 'herkomst help serve'.\n");
			return 2;
		}
	}
	if ((!cfg.db_path == !(cfg.pg_conninfo || config)) || optind != argc) {
		fprintf(stderr, "usage: herkomst serve --db FILE [--listen ADDR:PORT] [--token-file FILE]\n"
				"                      [--tls-cert FILE --tls-key FILE]\n"
				"       herkomst serve --pg CONNINFO [--pg-password-file FILE] [...]\n"
				"       herkomst serve --config FILE [...]   (its [central] conninfo and password_file)\n"
				"Try 'herkomst help serve'.\n");
		return 2;
	}
	if (cfg.pg_password_file && cfg.db_path) {
		fprintf(stderr, "herkomst serve: --pg-password-file goes with --pg CONNINFO or --config FILE\n");
		return 2;
	}
	if (config) {
		if (cli_central_config("serve", config, &cfg_conninfo, &cfg_password_file) != 0)
			return 1;
		/* the command line wins over the file */
		if (!cfg.pg_conninfo)
			cfg.pg_conninfo = cfg_conninfo;
		if (!cfg.pg_password_file)
			cfg.pg_password_file = cfg_password_file;
	}
	/* a password on the command line is visible to every user (ps, /proc) */
	if (cfg.pg_conninfo && fleet_conninfo_check(cfg.pg_conninfo, err, sizeof(err)) < 0) {
		fprintf(stderr, "herkomst serve: %s: %s\n", config && cfg.pg_conninfo == cfg_conninfo ? config : "--pg",
			err);
		status = 2;
		goto out;
	}
	if (token_file) {
		token = token_read(token_file);
		if (!token) {
			status = 1;
			goto out;
		}
		cfg.token = token;
	}
	/* the store opens its database as a read-only URI; on a SQLite built
	 * without SQLITE_USE_URI this turns URIs on (a no-op on Debian's) */
	sqlite3_config(SQLITE_CONFIG_URI, 1);

	/* the server's threads inherit this mask: the signals come to sigwait */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	a = api_start(&cfg, err, sizeof(err));
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
		cfg.token = NULL;
	}
	if (!a) {
		fprintf(stderr, "herkomst serve: %s\n", err);
		status = 1;
		goto out;
	}
	if (cfg.pg_conninfo) {
		char name[256];
		fleet_conninfo_describe(cfg.pg_conninfo, name, sizeof(name));
		fprintf(stderr, "herkomst serve: serving the fleet database %s (read-only) on %s://%s/ (%s)\n", name,
			cfg.tls_cert ? "https" : "http", cfg.listen ? cfg.listen : API_LISTEN_DEFAULT,
			token_file ? "bearer token required" : "no token: loopback only");
	} else {
		fprintf(stderr, "herkomst serve: serving %s on %s://%s/ (%s)\n", cfg.db_path,
			cfg.tls_cert ? "https" : "http", cfg.listen ? cfg.listen : API_LISTEN_DEFAULT,
			token_file ? "bearer token required" : "no token: loopback only");
	}
	fflush(stderr);

	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			if (api_reload(a, err, sizeof(err)) < 0)
				fprintf(stderr, "herkomst serve: reload failed, keeping the old knowledge: %s\n", err);
			else
				fprintf(stderr, "herkomst serve: reloaded signatures, ownership data and policy\n");
			continue;
		}
		break;
	}
	fprintf(stderr, "herkomst serve: stopping\n");
	api_stop(a);
out:
	free(cfg_conninfo);
	free(cfg_password_file);
	return status;
}
