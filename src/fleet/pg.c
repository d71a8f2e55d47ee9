/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Connecting to the central PostgreSQL and its schema; see pg.h.
 *
 * The conninfo is parsed by libpq itself (PQconninfoParse: keyword/value
 * strings and postgresql:// URIs alike) and handed back to it as arrays, so
 * the password can be added as one more parameter without ever being part of
 * a string that someone might log or see in ps(1).
 */
#include "fleet/pg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet/pg_migrations.h"
#include "hk_config.h"

#define FLEET_PG_MIN_SERVER 130000 /* gen_random_uuid() in core, as db/pg/0001 assumes */
#define FLEET_PARAMS_MAX 48        /* libpq knows about 40 keywords */

static void trim_msg(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

int fleet_conninfo_check(const char *conninfo, char *errbuf, size_t errsz)
{
	PQconninfoOption *opts;
	char *msg = NULL;
	int rc = 0;

	if (!conninfo || !conninfo[0]) {
		snprintf(errbuf, errsz, "the conninfo is empty; give a libpq connection string such as "
					"'host=pg.example port=5432 dbname=herkomst user=sensor'");
		return -EINVAL;
	}
	if (strlen(conninfo) >= FLEET_CONNINFO_MAX) {
		snprintf(errbuf, errsz, "the conninfo is %zu bytes long; at most %d are accepted", strlen(conninfo),
			 FLEET_CONNINFO_MAX - 1);
		return -EINVAL;
	}
	opts = PQconninfoParse(conninfo, &msg);
	if (!opts) {
		if (msg)
			trim_msg(msg);
		snprintf(errbuf, errsz, "the conninfo does not parse: %s; see 'Connection Strings' in the PostgreSQL "
					"manual (keyword=value pairs or a postgresql:// URI)",
			 msg ? msg : "out of memory");
		PQfreemem(msg);
		return -EINVAL;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (strcmp(o->keyword, "password") == 0 && o->val && o->val[0]) {
			snprintf(errbuf, errsz,
				 "the conninfo carries a password; remove it and put the password in a file of its "
				 "own, mode 0600, named by [central] password_file (a conninfo ends up in logs and "
				 "process lists)");
			rc = -EINVAL;
		}
	}
	PQconninfoFree(opts);
	return rc;
}

int fleet_password_read(const char *path, char *buf, size_t bufsz, char *errbuf, size_t errsz)
{
	char tmp[FLEET_PASSWORD_MAX + 1];
	struct stat sb;
	ssize_t n;
	size_t len;
	int fd;

	if (bufsz)
		buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		snprintf(errbuf, errsz, "cannot read the password file %s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(errbuf, errsz, "the password file %s is not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (sb.st_mode & 007) {
		snprintf(errbuf, errsz,
			 "the password file %s can be read or written by every user (mode %04o); chmod 0600 %s "
			 "(or 0640 with the daemon's group)",
			 path, (unsigned)(sb.st_mode & 07777), path);
		close(fd);
		return -EPERM;
	}
	n = read(fd, tmp, sizeof(tmp) - 1);
	close(fd);
	if (n < 0) {
		int e = errno;
		snprintf(errbuf, errsz, "cannot read the password file %s: %s", path, strerror(e));
		return -e;
	}
	tmp[n] = '\0';
	len = strcspn(tmp, "\r\n");
	if (len == (size_t)n && n == (ssize_t)sizeof(tmp) - 1) {
		snprintf(errbuf, errsz, "the password file %s has a first line of %d bytes or more; at most %d are read",
			 path, FLEET_PASSWORD_MAX, FLEET_PASSWORD_MAX - 1);
		explicit_bzero(tmp, sizeof(tmp));
		return -EFBIG;
	}
	if (len == 0) {
		snprintf(errbuf, errsz, "the password file %s is empty; its first line is the password", path);
		return -EINVAL;
	}
	if (len >= bufsz) {
		snprintf(errbuf, errsz, "the password in %s is too long (%zu bytes)", path, len);
		explicit_bzero(tmp, sizeof(tmp));
		return -EFBIG;
	}
	memcpy(buf, tmp, len);
	buf[len] = '\0';
	explicit_bzero(tmp, sizeof(tmp));
	return 0;
}

static const char *opt_val(const PQconninfoOption *opts, const char *kw)
{
	for (const PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, kw) == 0 && o->val && o->val[0])
			return o->val;
	return NULL;
}

void fleet_conninfo_describe(const char *conninfo, char *buf, size_t bufsz)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo ? conninfo : "", NULL);
	const char *host, *port, *db, *user;

	if (!opts) {
		snprintf(buf, bufsz, "(a conninfo that does not parse)");
		return;
	}
	host = opt_val(opts, "host");
	if (!host)
		host = opt_val(opts, "hostaddr");
	if (!host)
		host = getenv("PGHOST");
	port = opt_val(opts, "port");
	if (!port)
		port = getenv("PGPORT");
	db = opt_val(opts, "dbname");
	user = opt_val(opts, "user");
	snprintf(buf, bufsz, "%s%s%s, database %s, user %s", host ? host : "the local socket", port ? " port " : "",
		 port ? port : "", db ? db : "(the user's name)", user ? user : "(this system user's name)");
	PQconninfoFree(opts);
}

/* What to check, from what libpq said. */
static const char *connect_hint(const char *msg)
{
	if (strstr(msg, "password authentication failed"))
		return "the password is wrong for this user: check [central] password_file";
	if (strstr(msg, "no password supplied") || strstr(msg, "password is required"))
		return "the server asks for a password: set [central] password_file (a file with the password, "
		       "mode 0600)";
	if (strstr(msg, "certificate verify failed") || strstr(msg, "root certificate"))
		return "the server's certificate is not signed by the CA in sslrootcert: check sslrootcert";
	if (strstr(msg, "does not match host name") || strstr(msg, "server certificate for"))
		return "the server's certificate names another host: connect by the name in its certificate";
	if (strstr(msg, "no pg_hba.conf entry"))
		return "the server does not accept this user/host/TLS combination: add a line to its pg_hba.conf "
		       "(hostssl for TLS)";
	if (strstr(msg, "does not exist"))
		return "create the database and role first (docs/fleet.md)";
	if (strstr(msg, "Connection refused") || strstr(msg, "No such file or directory") || strstr(msg, "timeout expired") || strstr(msg, "could not translate"))
		return "check that the server runs and listens there (listen_addresses, firewall) and the "
		       "conninfo's host and port";
	return "check [central] conninfo and that the server accepts this host (pg_hba.conf)";
}

PGconn *fleet_pg_connect_pw(const char *conninfo, const char *password, char *errbuf, size_t errsz)
{
	/* a central that vanishes mid-query (a pulled cable, a failover) is
	 * noticed within about a minute instead of the kernel's two hours,
	 * unless the conninfo says otherwise */
	static const char *const dead_peer[][2] = {
		{"keepalives_idle", "30"},
		{"keepalives_interval", "10"},
		{"keepalives_count", "3"},
		{"tcp_user_timeout", "60000"},
	};
	const char *kw[FLEET_PARAMS_MAX + 9], *val[FLEET_PARAMS_MAX + 9];
	PQconninfoOption *opts;
	char where[FLEET_CONNINFO_MAX + 128], msg[1024], timeout[16];
	size_t n = 0;
	bool has_timeout = false;
	PGconn *c;

	if (fleet_conninfo_check(conninfo, errbuf, errsz) < 0)
		return NULL;
	opts = PQconninfoParse(conninfo, NULL);
	if (!opts) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	for (PQconninfoOption *o = opts; o->keyword && n < FLEET_PARAMS_MAX; o++) {
		if (!o->val || !o->val[0])
			continue;
		if (strcmp(o->keyword, "connect_timeout") == 0)
			has_timeout = true;
		kw[n] = o->keyword;
		val[n++] = o->val;
	}
	if (password && password[0]) {
		kw[n] = "password";
		val[n++] = password;
	}
	if (!has_timeout) {
		snprintf(timeout, sizeof(timeout), "%d", FLEET_CONNECT_TIMEOUT);
		kw[n] = "connect_timeout";
		val[n++] = timeout;
	}
	for (size_t i = 0; i < sizeof(dead_peer) / sizeof(dead_peer[0]); i++) {
		if (opt_val(opts, dead_peer[i][0]))
			continue;
		kw[n] = dead_peer[i][0];
		val[n++] = dead_peer[i][1];
	}
	kw[n] = "fallback_application_name";
	val[n++] = "herkomst";
	kw[n] = NULL;
	val[n] = NULL;
	c = PQconnectdbParams(kw, val, 0);
	PQconninfoFree(opts);
	if (!c) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		fleet_conninfo_describe(conninfo, where, sizeof(where));
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c));
		trim_msg(msg);
		snprintf(errbuf, errsz, "cannot connect to the central PostgreSQL (%s): %s; %s", where, msg,
			 connect_hint(msg));
		PQfinish(c);
		return NULL;
	}
	return c;
}

PGconn *fleet_pg_connect(const char *conninfo, const char *password_file, char *errbuf, size_t errsz)
{
	char pw[FLEET_PASSWORD_MAX];
	PGconn *c;

	pw[0] = '\0';
	if (password_file && password_file[0] && fleet_password_read(password_file, pw, sizeof(pw), errbuf, errsz) < 0)
		return NULL;
	c = fleet_pg_connect_pw(conninfo, pw[0] ? pw : NULL, errbuf, errsz);
	explicit_bzero(pw, sizeof(pw));
	return c;
}

PGconn *fleet_pg_close(PGconn *c)
{
	if (c)
		PQfinish(c);
	return NULL;
}

unsigned fleet_pg_schema_version(void)
{
	return fleet_pg_n_migrations;
}

void fleet_pg_errmsg(PGconn *c, const PGresult *r, char *buf, size_t bufsz)
{
	char m[FLEET_PG_MSG_MAX];
	const char *e = r ? PQresultErrorMessage(r) : NULL;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	snprintf(m, sizeof(m), "%s", e && e[0] ? e : PQerrorMessage(c));
	trim_msg(m);
	snprintf(buf, bufsz, "%s%s%s%s", m[0] ? m : "no reason given", state ? " (SQLSTATE " : "", state ? state : "",
		 state ? ")" : "");
}

static bool sqlstate_is(PGresult *r, const char *state)
{
	const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	return s && strcmp(s, state) == 0;
}

/* Runs a statement without parameters that returns no rows. */
static int exec_cmd(PGconn *c, const char *sql, char *msg, size_t msgsz)
{
	PGresult *r = PQexec(c, sql);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fleet_pg_errmsg(c, r, msg, msgsz);
		rc = sqlstate_is(r, "42501") ? -EACCES : -EIO;
	}
	PQclear(r);
	return rc;
}

/* pg_advisory_lock (take) or _unlock of the migration key, the key a bound
 * parameter like every value herkomst sends. */
static int migration_lock(PGconn *c, bool take, char *msg, size_t msgsz)
{
	char key[24];
	const char *params[1] = {key};
	PGresult *r;
	int rc = 0;

	snprintf(key, sizeof(key), "%lld", FLEET_PG_LOCK_KEY);
	r = PQexecParams(c, take ? "SELECT pg_advisory_lock($1::bigint)" : "SELECT pg_advisory_unlock($1::bigint)", 1,
			 NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fleet_pg_errmsg(c, r, msg, msgsz);
		rc = -EIO;
	}
	PQclear(r);
	return rc;
}

static int meta_get(PGconn *c, const char *key, char *buf, size_t bufsz, char *errbuf, size_t errsz)
{
	const char *params[1] = {key};
	PGresult *r;
	int rc;

	r = PQexecParams(c, "SELECT to_regclass('hk_meta') IS NOT NULL", 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		fleet_pg_errmsg(c, r, errbuf, errsz);
		PQclear(r);
		return -EIO;
	}
	rc = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!rc)
		return -ENOENT;
	r = PQexecParams(c, "SELECT value FROM hk_meta WHERE key = $1", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fleet_pg_errmsg(c, r, errbuf, errsz);
		rc = sqlstate_is(r, "42501") ? -EACCES : -EIO;
		PQclear(r);
		return rc;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		return -ENODATA;
	}
	snprintf(buf, bufsz, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

int fleet_pg_schema_read(PGconn *c, char *errbuf, size_t errsz)
{
	char v[32], msg[512];
	char *end;
	long ver;
	int rc = meta_get(c, "schema_version", v, sizeof(v), msg, sizeof(msg));

	if (rc == -ENOENT)
		return 0;
	if (rc == -ENODATA) {
		snprintf(errbuf, errsz,
			 "the database has a table hk_meta without a schema_version: it was not made by herkomst "
			 "fleet migrate; use an empty database for herkomst");
		return -EINVAL;
	}
	if (rc < 0) {
		snprintf(errbuf, errsz, "cannot read the central schema version: %s%s", msg,
			 rc == -EACCES ? "; grant this role SELECT on hk_meta (docs/fleet.md)" : "");
		return rc;
	}
	ver = strtol(v, &end, 10);
	if (*end || ver <= 0 || ver > 100000) {
		snprintf(errbuf, errsz, "the central schema_version '%s' in hk_meta is not a version number", v);
		return -EINVAL;
	}
	return (int)ver;
}

int fleet_pg_schema_check(PGconn *c, char *errbuf, size_t errsz)
{
	int ver = fleet_pg_schema_read(c, errbuf, errsz);
	unsigned want = fleet_pg_n_migrations;

	if (ver < 0)
		return ver;
	if (ver == 0) {
		snprintf(errbuf, errsz,
			 "the central database has no herkomst schema yet; an administrator creates it with "
			 "'herkomst fleet migrate --config FILE' (as the database's owner, not as a sensor role)");
		return -ENOENT;
	}
	if ((unsigned)ver < want) {
		snprintf(errbuf, errsz,
			 "the central schema is version %d, this herkomst %s needs version %u; an administrator "
			 "updates it with 'herkomst fleet migrate --config FILE'",
			 ver, HK_VERSION, want);
		return -ESTALE;
	}
	if ((unsigned)ver > want) {
		snprintf(errbuf, errsz,
			 "the central schema is version %d, newer than this herkomst %s knows (%u); upgrade herkomst "
			 "on this host",
			 ver, HK_VERSION, want);
		return -EPROTO;
	}
	return 0;
}

static int meta_put(PGconn *c, const char *key, const char *value, char *msg, size_t msgsz)
{
	const char *params[2] = {key, value};
	PGresult *r = PQexecParams(c,
				   "INSERT INTO hk_meta (key, value) VALUES ($1, $2)"
				   " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
				   2, NULL, params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fleet_pg_errmsg(c, r, msg, msgsz);
		rc = -EIO;
	}
	PQclear(r);
	return rc;
}

static int migrate_locked(PGconn *c, char *errbuf, size_t errsz);

int fleet_pg_migrate(PGconn *c, char *errbuf, size_t errsz)
{
	char msg[1024];
	int rc;

	if (PQserverVersion(c) < FLEET_PG_MIN_SERVER) {
		snprintf(errbuf, errsz, "the central PostgreSQL is version %d.%d; herkomst needs 13 or newer",
			 PQserverVersion(c) / 10000, PQserverVersion(c) % 10000);
		return -ENOTSUP;
	}
	/* two administrators at once: the second waits, then sees the first's
	 * work and has nothing left to do. The lock is taken before the
	 * transaction starts, so that the transaction's view of the catalog
	 * includes what the first one committed. */
	if (migration_lock(c, true, msg, sizeof(msg)) < 0) {
		snprintf(errbuf, errsz, "cannot take the migration lock: %s", msg);
		return -EIO;
	}
	rc = migrate_locked(c, errbuf, errsz);
	migration_lock(c, false, msg, sizeof(msg));
	return rc;
}

static int migrate_locked(PGconn *c, char *errbuf, size_t errsz)
{
	char msg[1024], key[32], val[160], vs[16];
	int ver, rc, applied = 0;

	if (exec_cmd(c, "BEGIN", msg, sizeof(msg)) < 0) {
		snprintf(errbuf, errsz, "cannot start a transaction: %s", msg);
		return -EIO;
	}
	ver = fleet_pg_schema_read(c, errbuf, errsz);
	if (ver < 0)
		goto fail;
	if ((unsigned)ver > fleet_pg_n_migrations) {
		snprintf(errbuf, errsz,
			 "the central schema is version %d, newer than this herkomst %s knows (%u); run fleet "
			 "migrate with a newer herkomst",
			 ver, HK_VERSION, fleet_pg_n_migrations);
		exec_cmd(c, "ROLLBACK", msg, sizeof(msg));
		return -EPROTO;
	}
	for (unsigned v = (unsigned)ver; v < fleet_pg_n_migrations; v++) {
		const struct fleet_pg_migration *m = &fleet_pg_migrations[v];

		rc = exec_cmd(c, m->sql, msg, sizeof(msg));
		if (rc < 0) {
			snprintf(errbuf, errsz, "central migration %s failed: %s%s", m->name, msg,
				 rc == -EACCES ? "; run herkomst fleet migrate as the database's owner (a sensor role "
						 "may not create tables)"
					       : "");
			exec_cmd(c, "ROLLBACK", msg, sizeof(msg));
			return rc == -EACCES ? -EACCES : -EIO;
		}
		snprintf(key, sizeof(key), "migration_%04u", m->version);
		snprintf(val, sizeof(val), "%s, herkomst %s", m->name, HK_VERSION);
		snprintf(vs, sizeof(vs), "%u", m->version);
		if (meta_put(c, key, val, msg, sizeof(msg)) < 0 || meta_put(c, "schema_version", vs, msg, sizeof(msg)) < 0) {
			snprintf(errbuf, errsz, "cannot record central migration %s: %s", m->name, msg);
			goto fail;
		}
		applied++;
	}
	if (ver == 0) {
		/* identifies this central database to the sensors: a shipping
		 * watermark belongs to one database, so a new or rebuilt one
		 * gets everything again */
		if (exec_cmd(c,
			     "INSERT INTO hk_meta (key, value) VALUES ('database_id', gen_random_uuid()::text)"
			     " ON CONFLICT (key) DO NOTHING",
			     msg, sizeof(msg)) < 0) {
			snprintf(errbuf, errsz, "cannot record the central database's id: %s", msg);
			goto fail;
		}
	}
	if (exec_cmd(c, "COMMIT", msg, sizeof(msg)) < 0) {
		snprintf(errbuf, errsz, "cannot commit the central migrations: %s", msg);
		goto fail;
	}
	return applied;
fail:
	exec_cmd(c, "ROLLBACK", msg, sizeof(msg));
	return -EIO;
}

int fleet_pg_database_id(PGconn *c, char *buf, size_t bufsz, char *errbuf, size_t errsz)
{
	char msg[512];
	int rc = meta_get(c, "database_id", buf, bufsz, msg, sizeof(msg));

	if (rc == -ENOENT || rc == -ENODATA) {
		snprintf(errbuf, errsz,
			 "the central database has no database_id in hk_meta; an administrator runs 'herkomst fleet "
			 "migrate --config FILE'");
		return -ENOENT;
	}
	if (rc < 0)
		snprintf(errbuf, errsz, "cannot read the central database's id: %s", msg);
	return rc;
}
