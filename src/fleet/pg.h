/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The central PostgreSQL of a fleet of sensors (docs/fleet.md): connecting
 * with libpq (password from a file, never from the command line or the
 * conninfo), TLS through libpq's own sslmode/sslrootcert, and the central
 * schema: numbered migrations db/pg/NNNN_*.sql embedded in the binary,
 * applied by an administrator (`herkomst fleet migrate`) under an advisory
 * lock and recorded in hk_meta. Sensors and readers only check the version.
 *
 * No logging here: every failure comes back as a message for the user in
 * errbuf that says what went wrong and what to do.
 */
#ifndef HERKOMST_FLEET_PG_H
#define HERKOMST_FLEET_PG_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#define FLEET_CONNINFO_MAX 1024 /* bytes, with the NUL */
#define FLEET_PASSWORD_MAX 256  /* bytes of a password file's first line, with the NUL */
#define FLEET_CONNECT_TIMEOUT 10 /* seconds, unless the conninfo sets connect_timeout */

/* The advisory lock key the migrations take (pg_advisory_xact_lock): two
 * sensors or administrators starting at once migrate one after the other. */
#define FLEET_PG_LOCK_KEY 0x686b6d6967LL /* "hkmig" */

/*
 * Checks a conninfo (keyword/value string or postgresql:// URI) without
 * connecting: it must parse, and must not carry a password (use a password
 * file). 0 or -EINVAL with the reason in errbuf.
 */
int fleet_conninfo_check(const char *conninfo, char *errbuf, size_t errsz);

/*
 * Reads a password file: the password is its first line (without the line
 * end). Refused when the file is readable or writable by others (mode & 007),
 * is not a regular file, is empty, or its line is FLEET_PASSWORD_MAX bytes or
 * longer. 0 or a negative errno with the reason in errbuf.
 */
int fleet_password_read(const char *path, char *buf, size_t bufsz, char *errbuf, size_t errsz);

/*
 * Connects. conninfo as above; password_file NULL or "": libpq's own sources
 * (PGPASSWORD, ~/.pgpass or the conninfo's passfile). password: an already
 * read password (takes precedence over password_file), NULL otherwise.
 * Adds connect_timeout=FLEET_CONNECT_TIMEOUT unless given and
 * fallback_application_name=herkomst. Returns an open connection, or NULL
 * with a message naming the server (host, port, database, user), what libpq
 * said and what to check.
 */
PGconn *fleet_pg_connect(const char *conninfo, const char *password_file, char *errbuf, size_t errsz);
PGconn *fleet_pg_connect_pw(const char *conninfo, const char *password, char *errbuf, size_t errsz);
PGconn *fleet_pg_close(PGconn *c); /* accepts NULL, returns NULL */

#define FLEET_PG_MSG_MAX 1024 /* bytes of one libpq message, with the NUL */

/* What went wrong with r (or, without one, the connection), on one line and
 * with its SQLSTATE: for every message about a failed statement. */
void fleet_pg_errmsg(PGconn *c, const PGresult *r, char *buf, size_t bufsz);

/* "host:port/dbname as user" of a conninfo, for messages (multi-host lists
 * are kept as given). */
void fleet_conninfo_describe(const char *conninfo, char *buf, size_t bufsz);

/* The newest central schema version this binary knows. */
unsigned fleet_pg_schema_version(void);

/*
 * The schema version of the connected database: 0 when it has no herkomst
 * schema (no hk_meta), >0 the version, <0 on error (message in errbuf).
 */
int fleet_pg_schema_read(PGconn *c, char *errbuf, size_t errsz);

/*
 * For sensors and readers: 0 when the database has exactly the schema this
 * binary knows; else -ENOENT (no schema: an administrator runs `herkomst
 * fleet migrate`), -ESTALE (older: the same), -EPROTO (newer: upgrade
 * herkomst), or another negative errno; the message says which.
 */
int fleet_pg_schema_check(PGconn *c, char *errbuf, size_t errsz);

/*
 * For administrators: applies every migration newer than the database's, all
 * in one transaction under FLEET_PG_LOCK_KEY, recording each in hk_meta
 * (schema_version, migration_NNNN). Returns the number applied (0: already
 * current), or a negative errno (-EPROTO for a newer schema, -EACCES when the
 * role may not create tables) with the message in errbuf.
 */
int fleet_pg_migrate(PGconn *c, char *errbuf, size_t errsz);

/* The id the first migration gave the database (hk_meta database_id, a
 * UUID): a sensor's shipping watermark belongs to one central database. */
int fleet_pg_database_id(PGconn *c, char *buf, size_t bufsz, char *errbuf, size_t errsz);

#endif
