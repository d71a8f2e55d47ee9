/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HERKOMST_FLEET_PG_MIGRATIONS_H
#define HERKOMST_FLEET_PG_MIGRATIONS_H

/* The central schema, db/pg/NNNN_*.sql, embedded by db/embed_sql.py. */
struct fleet_pg_migration {
	unsigned version;
	const char *name;
	const char *sql;
};

extern const struct fleet_pg_migration fleet_pg_migrations[];
extern const unsigned fleet_pg_n_migrations;

#endif
