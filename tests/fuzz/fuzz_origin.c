/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the ownership loader from a buffer (origin_load_buffer,
 * the same code origin_load_dir runs on signatures/ownership/) and the
 * matcher on what loaded.
 *
 * Input: the bytes of companies.tsv, a line "%%", then the bytes of
 * aliases.tsv. Without the "\n%%\n" separator the whole input is the aliases
 * file, over a small fixed companies table, so mutations reach the alias
 * rules (folding, prefixes, regexes) quickly.
 *
 * Besides crashes and sanitizer reports it checks the loader's contract: a
 * failed load has a message that starts with "companies.tsv:" or
 * "aliases.tsv:" and fits the buffer; a db resolves names made from the input
 * (whole, halves, and each line's first column) to companies whose top is
 * reached within the parent-depth bound and whose strings are set.
 *
 * Seeds (corpus/origin/): small tables written for this project: a valid
 * pair with a parent chain and each match kind, and one seed per loader
 * error class (header, columns, unknown parent, loop, duplicate alias,
 * regex not anchored, regex that does not compile, CRLF, bad UTF-8, bad
 * date, bad share, NUL).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/cursor.h"
#include "inventory/origin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ERR_MAX 512
#define FUZZ_NAME_MAX 300

static const char fixed_companies[] =
	"id\tname\thq\tparent\tcontrol_country\tcontroller\tstate\tstate_share\tas_of\treference\n"
	"top\tTop Group\tCN\t-\tCN\tthe state\tcontrolled\t-\t2021\tfuzz\n"
	"mid\tMid Corp\tCN\ttop\tCN\tTop Group\tcontrolled\t38.88\t2021-06-30\tfuzz\n"
	"leaf\tLeaf Ltd\tSE\tmid\tCN\tMid Corp\tlinked-via-parent\t-\t2022\tfuzz\n"
	"other\tOther Inc.\tUS\t-\tUS\twidely held\tnone\t-\t2025\tfuzz\n";

static void fuzz_check_company(const struct origin_db *db, const struct origin_company *c)
{
	const struct origin_company *t;

	if (!c)
		return;
	if (!c->id || !c->name || !c->hq_country || !c->control_country || !c->controller || !c->as_of ||
	    !c->reference || strlen(c->hq_country) != 2 || strlen(c->control_country) != 2)
		abort();
	t = origin_top(db, c);
	if (!t || t->parent_id || strcmp(t->control_country, c->control_country) != 0)
		abort();
	if (origin_company(db, c->id) != c)
		abort();
	(void)origin_state_name(c->state);
}

static void fuzz_resolve(const struct origin_db *db, const uint8_t *p, size_t n)
{
	char name[FUZZ_NAME_MAX];
	const char *rule = NULL;
	const struct origin_company *c;

	hk_escape(p, n, name, sizeof(name));
	c = origin_resolve(db, name, &rule);
	if (c && (!rule || strncmp(rule, "aliases.tsv:", 12) != 0))
		abort();
	fuzz_check_company(db, c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n%%\n";
	const char *in = (const char *)data;
	const char *companies = fixed_companies, *aliases = in;
	size_t clen = sizeof(fixed_companies) - 1, alen = size;
	char err[FUZZ_ERR_MAX];
	struct origin_db *db;

	if (size >= sizeof(sep) - 1) {
		const uint8_t *s = memmem(data, size, sep, sizeof(sep) - 1);
		if (s) {
			companies = in;
			clen = (size_t)(s - data) + 1; /* keep the LF */
			aliases = (const char *)s + sizeof(sep) - 1;
			alen = size - (size_t)((const uint8_t *)aliases - data);
		}
	}
	memset(err, 'x', sizeof(err));
	db = origin_load_buffer(companies, clen, aliases, alen, err, sizeof(err));
	if (!db) {
		if (!memchr(err, '\0', sizeof(err)) ||
		    (strncmp(err, "companies.tsv:", 14) != 0 && strncmp(err, "aliases.tsv:", 12) != 0))
			abort();
		return 0;
	}
	if (origin_company_count(db) == 0 && origin_alias_count(db) > 0)
		abort();
	fuzz_resolve(db, data, size);
	fuzz_resolve(db, data, size / 2);
	fuzz_resolve(db, data + size / 2, size - size / 2);
	/* each line's first column, the way a manufacturer name would arrive */
	for (size_t off = 0; off < size;) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t end = nl ? (size_t)(nl - data) : size;
		const uint8_t *tab = memchr(data + off, '\t', end - off);
		fuzz_resolve(db, data + off, (tab ? (size_t)(tab - data) : end) - off);
		off = end + 1;
	}
	for (const char *const *id = (const char *const[]){ "top", "mid", "leaf", "other", "nope", NULL }; *id; id++)
		fuzz_check_company(db, origin_company(db, *id));
	origin_db_free(db);
	return 0;
}
