/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OUI origin database: db/oui_txt.c (the IEEE text files → records →
 * the table mkoui writes) and src/inventory/oui.c (oui.tsv + manuf →
 * lookups). Fixtures are in tests/unit/data/oui/: hand-made records in the
 * ieee-data layout (CRLF; iab.txt padded with spaces), names invented.
 *
 * The last test reads the real build/db/oui.tsv generated from the
 * installed ieee-data, and is skipped (with a message) when it is absent.
 */
#include "db/oui_txt.h"
#include "inventory/oui.h"
#include "text_names.h"

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_RECS_MAX 32
#define TEST_PATH_MAX 4096
#define ISO_JSON "/usr/share/iso-codes/json/iso_3166-1.json"

struct collect {
	struct oui_txt_rec rec[TEST_RECS_MAX];
	size_t n;
};

static int collect_rec(const struct oui_txt_rec *rec, void *ctx, char *errbuf, size_t errsz)
{
	struct collect *c = ctx;

	ck_assert_uint_lt(c->n, TEST_RECS_MAX);
	c->rec[c->n++] = *rec;
	return 0;
}

static const char *fixture(const char *name)
{
	static char path[TEST_PATH_MAX];
	const char *src = getenv("HERKOMST_SOURCE_DIR");

	ck_assert_msg(src != NULL, "HERKOMST_SOURCE_DIR is not set (run the test with meson test)");
	snprintf(path, sizeof(path), "%s/tests/unit/data/oui/%s", src, name);
	return path;
}

static const char *fixture_dir(void)
{
	static char path[TEST_PATH_MAX];
	const char *src = getenv("HERKOMST_SOURCE_DIR");

	ck_assert_msg(src != NULL, "HERKOMST_SOURCE_DIR is not set (run the test with meson test)");
	snprintf(path, sizeof(path), "%s/tests/unit/data/oui", src);
	return path;
}

static const struct oui_txt_rec *find_rec(const struct collect *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->rec[i].key, key) == 0)
			return &c->rec[i];
	return NULL;
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	ck_assert_int_ge(len, 0);
	rewind(f);
	buf = malloc((size_t)len + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	*ret_len = (size_t)len;
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* A fresh directory for files a test writes; removed by rm_tmpdir(). */
static char tmpdir[TEST_PATH_MAX];

static void make_tmpdir_in(const char *base)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/test-oui-XXXXXX", base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void make_tmpdir(void)
{
	make_tmpdir_in(getenv("HERKOMST_BUILD_DIR"));
}

static void rm_tmpdir(void)
{
	char cmd[TEST_PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *tmp_path(const char *name)
{
	static char path[2 * TEST_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

/* ---- the IEEE text files ---- */

START_TEST(txt_mal_records)
{
	struct oui_iso iso;
	struct collect c = { .n = 0 };
	const struct oui_txt_rec *r;
	char err[512] = "";
	int n;

	ck_assert_int_eq(oui_iso_load(&iso, ISO_JSON, err, sizeof(err)), 0);
	n = oui_txt_parse_file(fixture("oui.txt"), OUI_TXT_MA_L, &iso, collect_rec, &c, err,
			       sizeof(err));
	ck_assert_msg(n == 10, "parse: %d %s", n, err);
	ck_assert_uint_eq(c.n, 10);

	/* Ends "Amsterdam  1016 TR" then "NL": Dutch, not Turkish. */
	r = find_rec(&c, "001B1B");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "Proef Netwerken B.V.");
	ck_assert_str_eq(r->country, "NL");
	ck_assert_int_eq(r->registry, OUI_TXT_MA_L);
	ck_assert_uint_eq(r->line, 5);

	/* No address at all. */
	r = find_rec(&c, "00005A");
	ck_assert_str_eq(r->name, "Private");
	ck_assert_str_eq(r->country, "");

	/* Last line is a city: no country, never a token from inside it. */
	r = find_rec(&c, "080030");
	ck_assert_str_eq(r->name, "Early Research Lab");
	ck_assert_str_eq(r->country, "");
	r = find_rec(&c, "000DA0");
	ck_assert_str_eq(r->country, "");

	/* A blank-only address line before the country is skipped. */
	r = find_rec(&c, "0012FF");
	ck_assert_str_eq(r->country, "NL");

	/* YU is only in ISO 3166-3. */
	r = find_rec(&c, "00ABCD");
	ck_assert_str_eq(r->country, "");

	/* Trailing blanks around the code do not matter. */
	r = find_rec(&c, "D83ADD");
	ck_assert_str_eq(r->country, "GB");
}
END_TEST

START_TEST(txt_without_iso_table)
{
	struct collect c = { .n = 0 };
	char err[512] = "";

	ck_assert_int_eq(oui_txt_parse_file(fixture("oui.txt"), OUI_TXT_MA_L, NULL, collect_rec,
					    &c, err, sizeof(err)),
			 10);
	/* Without iso-codes any two capitals count, so YU passes... */
	ck_assert_str_eq(find_rec(&c, "00ABCD")->country, "YU");
	/* ...but a postcode line still is no country. */
	ck_assert_str_eq(find_rec(&c, "000DA0")->country, "");
}
END_TEST

START_TEST(txt_sub_blocks)
{
	struct collect c = { .n = 0 };
	char err[512] = "";

	ck_assert_int_eq(oui_txt_parse_file(fixture("mam.txt"), OUI_TXT_MA_M, NULL, collect_rec, &c,
					    err, sizeof(err)),
			 2);
	ck_assert_str_eq(c.rec[0].key, "0055DAA");
	ck_assert_str_eq(c.rec[0].name, "Kleine Sensoren B.V.");
	ck_assert_str_eq(c.rec[0].country, "NL");
	ck_assert_str_eq(c.rec[1].key, "0055DAF");
	ck_assert_str_eq(c.rec[1].name, "Private");

	c.n = 0;
	ck_assert_int_eq(oui_txt_parse_file(fixture("oui36.txt"), OUI_TXT_MA_S, NULL, collect_rec,
					    &c, err, sizeof(err)),
			 1);
	ck_assert_str_eq(c.rec[0].key, "70B3D50C7");
	ck_assert_str_eq(c.rec[0].country, "DE");

	/* IAB pads every column with spaces. */
	c.n = 0;
	ck_assert_int_eq(oui_txt_parse_file(fixture("iab.txt"), OUI_TXT_IAB, NULL, collect_rec, &c,
					    err, sizeof(err)),
			 1);
	ck_assert_str_eq(c.rec[0].key, "0050C27D5");
	ck_assert_str_eq(c.rec[0].name, "Padded Controls S.r.l.");
	ck_assert_str_eq(c.rec[0].country, "IT");
	ck_assert_int_eq(c.rec[0].registry, OUI_TXT_IAB);
}
END_TEST

START_TEST(txt_lf_only)
{
	struct collect crlf = { .n = 0 }, lf = { .n = 0 };
	char err[512] = "";
	size_t len, i, o;
	char *buf;

	buf = slurp(fixture("oui.txt"), &len);
	ck_assert_ptr_nonnull(memchr(buf, '\r', len));
	ck_assert_int_eq(oui_txt_parse("crlf", buf, len, OUI_TXT_MA_L, NULL, collect_rec, &crlf,
				       err, sizeof(err)),
			 10);
	for (i = 0, o = 0; i < len; i++)
		if (buf[i] != '\r')
			buf[o++] = buf[i];
	ck_assert_int_eq(oui_txt_parse("lf", buf, o, OUI_TXT_MA_L, NULL, collect_rec, &lf, err,
				       sizeof(err)),
			 10);
	for (i = 0; i < crlf.n; i++) {
		ck_assert_str_eq(crlf.rec[i].key, lf.rec[i].key);
		ck_assert_str_eq(crlf.rec[i].name, lf.rec[i].name);
		ck_assert_str_eq(crlf.rec[i].country, lf.rec[i].country);
	}
	free(buf);
}
END_TEST

static void expect_error(const char *file, enum oui_txt_registry reg, const char *where,
			 const char *what)
{
	struct collect c = { .n = 0 };
	char err[512] = "";
	int r;

	r = oui_txt_parse_file(fixture(file), reg, NULL, collect_rec, &c, err, sizeof(err));
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_msg(strstr(err, where) != NULL, "'%s' should name '%s'", err, where);
	ck_assert_msg(strstr(err, what) != NULL, "'%s' should say '%s'", err, what);
}

START_TEST(txt_bad_input)
{
	char err[512] = "";
	struct collect c = { .n = 0 };

	expect_error("truncated.txt", OUI_TXT_MA_L, "truncated.txt:11:", "truncated record");
	expect_error("cut-in-line.txt", OUI_TXT_MA_L, "cut-in-line.txt:9:", "truncated");
	expect_error("bad-range.txt", OUI_TXT_MA_M, "bad-range.txt:6:", "range");
	expect_error("no-blank.txt", OUI_TXT_MA_L, "no-blank.txt:8:", "address line");
	/* An MA-L file read as MA-M: its "(base 16)" lines are no ranges. */
	expect_error("oui.txt", OUI_TXT_MA_M, "oui.txt:6:", "range");
	/* The CSV is no text file. */
	ck_assert_int_eq(oui_txt_parse("x.csv", "Registry,Assignment\n", 20, OUI_TXT_MA_L, NULL,
				       collect_rec, &c, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "x.csv:1:"));
	ck_assert_int_eq(oui_txt_parse("empty", "", 0, OUI_TXT_MA_L, NULL, collect_rec, &c, err,
				       sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(oui_txt_parse("hdr", "OUI\r\n\r\n", 7, OUI_TXT_MA_L, NULL, collect_rec, &c,
				       err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "no records"));
	ck_assert_int_eq(oui_txt_parse_file(fixture("absent.txt"), OUI_TXT_MA_L, NULL, collect_rec,
					    &c, err, sizeof(err)),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "absent.txt"));
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

/* Names with NUL, control and non-UTF-8 bytes, and one too long. */
START_TEST(txt_hostile_names)
{
	static const char head[] = "OUI\r\n\r\n";
	char buf[1024], name[2 * 150 + 1];
	struct collect c = { .n = 0 };
	char err[512] = "";
	size_t len;

	/* "Caf\xc3\xa9" stays; \xff becomes '?', a tab a space. */
	len = (size_t)snprintf(buf, sizeof(buf),
			       "%s00-11-22   (hex)\t\tCaf\xc3\xa9 \xff\x01X\r\n"
			       "001122     (base 16)\t\tx\r\n\t\t\t\tNL\r\n",
			       head);
	ck_assert_int_eq(oui_txt_parse("n", buf, len, OUI_TXT_MA_L, NULL, collect_rec, &c, err,
				       sizeof(err)),
			 1);
	ck_assert_str_eq(c.rec[0].name, "Caf\xc3\xa9 ? X");

	/* A NUL byte inside a line is refused, not read as the end of the name. */
	memcpy(buf, head, sizeof(head) - 1);
	memcpy(buf + sizeof(head) - 1, "00-11-22   (hex)\t\tA\0B\r\n", 23);
	ck_assert_int_eq(oui_txt_parse("nul", buf, sizeof(head) - 1 + 23, OUI_TXT_MA_L, NULL,
				       collect_rec, &c, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "nul:3: NUL"));

	/* 150 x "\xc3\xa9": cut below OUI_TXT_NAME_MAX on a character boundary. */
	for (len = 0; len < 150; len++)
		memcpy(name + 2 * len, "\xc3\xa9", 2);
	name[2 * 150] = '\0';
	c.n = 0;
	len = (size_t)snprintf(buf, sizeof(buf), "%s00-11-22   (hex)\t\t%s\r\n001122     (base 16)\t\tx\r\n",
			       head, name);
	ck_assert_int_eq(oui_txt_parse("long", buf, len, OUI_TXT_MA_L, NULL, collect_rec, &c, err,
				       sizeof(err)),
			 1);
	ck_assert(c.rec[0].truncated_name);
	ck_assert_uint_eq(strlen(c.rec[0].name), 126);
	ck_assert_str_eq(c.rec[0].name + 124, "\xc3\xa9");
}
END_TEST

/* Every prefix of a real-layout file, in an exactly-sized heap buffer: an
 * over-read shows under AddressSanitizer, and no prefix may crash. */
START_TEST(txt_every_prefix)
{
	struct collect c;
	char err[512];
	size_t len, i;
	char *all, *buf;
	int r;

	all = slurp(fixture("oui.txt"), &len);
	for (i = 0; i <= len; i++) {
		buf = malloc(i ? i : 1);
		ck_assert_ptr_nonnull(buf);
		memcpy(buf, all, i);
		c.n = 0;
		r = oui_txt_parse("prefix", buf, i, OUI_TXT_MA_L, NULL, collect_rec, &c, err,
				  sizeof(err));
		/* Cut on a line end: a shorter good file. Anywhere else: an error. */
		if (r < 0)
			ck_assert_int_eq(r, -EINVAL);
		else
			ck_assert_msg(i == len || all[i - 1] == '\n', "cut at %zu accepted", i);
		free(buf);
	}
	free(all);
}
END_TEST

START_TEST(table_duplicates_and_order)
{
	struct oui_table t;
	char err[512] = "";
	const struct oui_txt_rec *r;
	size_t i;

	oui_table_init(&t);
	ck_assert_msg(oui_table_read_dir(&t, fixture_dir(), NULL, err, sizeof(err)) == 0, "%s", err);
	oui_table_finish(&t);
	ck_assert_uint_eq(t.n, 13);
	ck_assert_uint_eq(t.n_reg[OUI_TXT_MA_L], 9);
	ck_assert_uint_eq(t.n_reg[OUI_TXT_MA_M], 2);
	ck_assert_uint_eq(t.n_reg[OUI_TXT_MA_S], 1);
	ck_assert_uint_eq(t.n_reg[OUI_TXT_IAB], 1);
	/* NL NL US US GB, and YU: no ISO table was given */
	ck_assert_uint_eq(t.n_country[OUI_TXT_MA_L], 6);
	/* 080030 twice: the first listing is kept, the second noted. */
	ck_assert_uint_eq(t.n_dups, 1);
	ck_assert_str_eq(t.dups[0].name, "Second Listing Ltd");
	r = oui_table_find(&t, "080030");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "Early Research Lab");
	for (i = 1; i < t.n; i++)
		ck_assert_int_lt(strcmp(t.recs[i - 1].key, t.recs[i].key), 0);
	oui_table_release(&t);
}
END_TEST

/* ---- the loader and lookups ---- */

/* oui.tsv from the fixtures, the way mkoui writes it. */
static const char *write_fixture_tsv(void)
{
	struct oui_iso iso;
	struct oui_table t;
	char err[512] = "";
	const char *path = tmp_path("oui.tsv");
	FILE *f;

	ck_assert_int_eq(oui_iso_load(&iso, ISO_JSON, err, sizeof(err)), 0);
	oui_table_init(&t);
	ck_assert_msg(oui_table_read_dir(&t, fixture_dir(), &iso, err, sizeof(err)) == 0, "%s", err);
	oui_table_finish(&t);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# fixture table\n", f);
	ck_assert_int_eq(oui_table_write(&t, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	oui_table_release(&t);
	return path;
}

static void lookup(struct oui_db *db, const char *mac, struct oui_result *ret)
{
	uint8_t m[6];
	unsigned v[6];

	ck_assert_int_eq(sscanf(mac, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]),
			 6);
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)v[i];
	oui_db_lookup(db, m, ret);
}

static void expect_found(struct oui_db *db, const char *mac, enum oui_registry reg,
			 const char *prefix, unsigned bits, const char *name, const char *cc)
{
	struct oui_result r;

	lookup(db, mac, &r);
	ck_assert_msg(r.status == OUI_FOUND, "%s: status %d", mac, r.status);
	ck_assert_msg(r.registry == reg, "%s: registry %s", mac, oui_registry_name(r.registry));
	ck_assert_str_eq(r.prefix, prefix);
	ck_assert_uint_eq(r.bits, bits);
	ck_assert_str_eq(r.registrant, name);
	ck_assert_str_eq(r.country, cc);
}

START_TEST(db_longest_prefix)
{
	struct oui_db *db;
	struct oui_result r;
	char err[512] = "";

	make_tmpdir();
	db = oui_db_open(write_fixture_tsv(), NULL, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_uint_eq(oui_db_count(db), 13);

	expect_found(db, "00:1b:1b:00:00:01", OUI_REG_MA_L, "00:1b:1b", 24, "Proef Netwerken B.V.",
		     "NL");
	/* MA-M inside the authority's MA-L; just outside it, the MA-L. */
	expect_found(db, "00:55:da:a1:23:45", OUI_REG_MA_M, "00:55:da:a0:00:00/28",
		     28, "Kleine Sensoren B.V.", "NL");
	expect_found(db, "00:55:da:b1:23:45", OUI_REG_MA_L, "00:55:da", 24,
		     "IEEE Registration Authority", "US");
	expect_found(db, "00:55:da:ff:ff:ff", OUI_REG_MA_M, "00:55:da:f0:00:00/28", 28, "Private",
		     "");
	/* MA-S: the 36-bit block and its neighbour one sub-block on. */
	expect_found(db, "70:b3:d5:0c:70:05", OUI_REG_MA_S, "70:b3:d5:0c:70:00/36", 36,
		     "Tiny Devices GmbH", "DE");
	expect_found(db, "70:b3:d5:0c:7f:ff", OUI_REG_MA_S, "70:b3:d5:0c:70:00/36", 36,
		     "Tiny Devices GmbH", "DE");
	expect_found(db, "70:b3:d5:0c:80:00", OUI_REG_MA_L, "70:b3:d5", 24,
		     "IEEE Registration Authority", "US");
	expect_found(db, "00:50:c2:7d:50:01", OUI_REG_IAB, "00:50:c2:7d:50:00/36", 36,
		     "Padded Controls S.r.l.", "IT");
	expect_found(db, "08:00:30:00:00:00", OUI_REG_MA_L, "08:00:30", 24, "Early Research Lab", "");

	/* A prefix query stops at 24 bits. */
	{
		const uint8_t m[6] = { 0x70, 0xb3, 0xd5, 0x0c, 0x70, 0x05 };

		oui_db_lookup_bits(db, m, 24, &r);
		ck_assert_int_eq(r.status, OUI_FOUND);
		ck_assert_uint_eq(r.bits, 24);
	}

	/* Local and group bits: no vendor, whatever the rest says. */
	lookup(db, "02:1b:1b:00:00:01", &r);
	ck_assert_int_eq(r.status, OUI_LOCAL);
	ck_assert_str_eq(r.registrant, "");
	ck_assert_int_eq(r.registry, OUI_REG_NONE);
	lookup(db, "01:1b:1b:00:00:01", &r);
	ck_assert_int_eq(r.status, OUI_MULTICAST);
	lookup(db, "ff:ff:ff:ff:ff:ff", &r);
	ck_assert_int_eq(r.status, OUI_MULTICAST);
	lookup(db, "da:a1:19:00:00:01", &r);
	ck_assert_int_eq(r.status, OUI_LOCAL);

	/* Inside 00:50:c2 but outside the IAB; no manuf given. */
	lookup(db, "00:50:c2:00:00:01", &r);
	ck_assert_int_eq(r.status, OUI_UNREGISTERED);
	ck_assert_int_eq(oui_db_load_manuf(db), -ENOENT);

	ck_assert_str_eq(oui_registry_name(OUI_REG_MA_S), "MA-S");
	ck_assert_ptr_nonnull(strstr(oui_status_reason(OUI_LOCAL), "locally administered"));
	oui_db_free(db);
	rm_tmpdir();
}
END_TEST

START_TEST(db_manuf_fallback)
{
	struct oui_db *db;
	struct oui_result r;
	char err[512] = "";

	make_tmpdir();
	db = oui_db_open(write_fixture_tsv(), fixture("manuf"), err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);

	/* A /28 newer than ieee-data inside the authority's MA-L. */
	expect_found(db, "00:55:da:b1:23:45", OUI_REG_MANUF, "00:55:da:b0:00:00/28", 28,
		     "Nieuw Blok B.V.", "");
	/* ieee-data still wins where it has the block. */
	expect_found(db, "00:55:da:a1:23:45", OUI_REG_MA_M, "00:55:da:a0:00:00/28", 28,
		     "Kleine Sensoren B.V.", "NL");
	expect_found(db, "00:1b:1b:00:00:01", OUI_REG_MA_L, "00:1b:1b", 24, "Proef Netwerken B.V.",
		     "NL");
	/* Short name only; a doubled tab before the long name. */
	expect_found(db, "00:aa:bb:00:00:01", OUI_REG_MANUF, "00:aa:bb", 24, "OnlyShrt", "");
	expect_found(db, "00:cc:dd:00:00:01", OUI_REG_MANUF, "00:cc:dd", 24,
		     "Doubled Tab Long Name", "");
	/* The /40 entry is skipped: still unregistered. */
	lookup(db, "00:50:c2:00:00:01", &r);
	ck_assert_int_eq(r.status, OUI_UNREGISTERED);
	/* 6 usable lines, one of them a duplicate (the first wins) */
	ck_assert_int_eq(oui_db_load_manuf(db), 5);
	oui_db_free(db);
	rm_tmpdir();
}
END_TEST

static void expect_tsv_error(const char *text, const char *what)
{
	char err[512] = "";
	const char *path = tmp_path("bad.tsv");
	struct oui_db *db;

	write_file(path, text);
	db = oui_db_open(path, NULL, err, sizeof(err));
	ck_assert_msg(db == NULL, "accepted: %s", text);
	ck_assert_msg(strstr(err, path) != NULL, "'%s' should name the file", err);
	ck_assert_msg(strstr(err, what) != NULL, "'%s' should say '%s'", err, what);
}

START_TEST(db_bad_tsv)
{
	char err[512] = "";

	make_tmpdir();
	expect_tsv_error("# ok\n001B1B\tMA-L\tDE\tSiemens\textra\n", "bad.tsv:2: more than 4");
	expect_tsv_error("001B1B\tMA-L\tDE\n", ":1: expected 4");
	expect_tsv_error("001B1G\tMA-L\tDE\tX\n", ":1: prefix");
	expect_tsv_error("001B1B1\tMA-L\tDE\tX\n", ":1: prefix length does not fit");
	expect_tsv_error("001B1B\tMA-X\tDE\tX\n", ":1: registry");
	expect_tsv_error("001B1B\tMA-L\tde\tX\n", ":1: country");
	expect_tsv_error("001B1B\tMA-L\tDEU\tX\n", ":1: country");
	expect_tsv_error("001B1B\tMA-L\tDE\t\n", ":1: registrant name is empty");
	expect_tsv_error("001B1B\tMA-L\tDE\tA\xff\n", ":1: registrant name is not printable");
	expect_tsv_error("# only a comment\n", "no entries");
	expect_tsv_error("", "no entries");
	expect_tsv_error("001B1B\tMA-L\tDE\tA\n000000\tMA-L\t\tB\n001b1b\tMA-L\tDE\tC\n",
			 "prefix 001B1B/24 is listed twice");
	ck_assert_ptr_null(oui_db_open(tmp_path("absent.tsv"), NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "absent.tsv"));
	/* Unsorted but otherwise good: sorted on load. */
	write_file(tmp_path("unsorted.tsv"), "70B3D5\tMA-L\tUS\tB\n001B1B\tMA-L\tDE\tA\r\n");
	{
		struct oui_db *db = oui_db_open(tmp_path("unsorted.tsv"), NULL, err, sizeof(err));

		ck_assert_msg(db != NULL, "%s", err);
		expect_found(db, "00:1b:1b:00:00:01", OUI_REG_MA_L, "00:1b:1b", 24, "A", "DE");
		expect_found(db, "70:b3:d5:00:00:01", OUI_REG_MA_L, "70:b3:d5", 24, "B", "US");
		oui_db_free(db);
	}
	ck_assert_ptr_null(oui_db_free(NULL));
	rm_tmpdir();
}
END_TEST

#define ORDER_ENTRIES 3000

struct order_ent {
	unsigned bits;
	uint64_t key;
	char hex[12];
	char name[16];
};

static uint32_t order_rng(void)
{
	static uint64_t x = 0x2545f4914f6cdd1dull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (uint32_t)(x >> 16);
}

static int order_text_cmp(const void *a, const void *b)
{
	return strcmp(((const struct order_ent *)a)->hex, ((const struct order_ent *)b)->hex);
}

static void order_write(const char *path, const struct order_ent *e, size_t n, const char *extra)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	fputs("# generated by test_oui\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\t%s\tDE\t%s\n", e[i].hex, e[i].bits == 24 ? "MA-L" : e[i].bits == 28 ? "MA-M" : "MA-S",
			e[i].name);
	if (extra)
		fputs(extra, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The registrant the longest matching entry names, by brute force. */
static const char *order_expect(const struct order_ent *e, size_t n, uint64_t mac)
{
	const struct order_ent *best = NULL;

	for (size_t i = 0; i < n; i++)
		if ((mac >> (48 - e[i].bits)) == e[i].key && (!best || e[i].bits > best->bits))
			best = &e[i];
	return best ? best->name : NULL;
}

/*
 * The table is sorted on load by prefix length, then key: a file in mkoui's
 * text order (lengths interleaved), in random order and already sorted load
 * to the same answers, those brute force gives, for addresses in and beside
 * every block; a duplicate is found in each order.
 */
START_TEST(db_order_forms)
{
	static struct order_ent e[ORDER_ENTRIES], shuffled[ORDER_ENTRIES];
	static const char *const names[] = { "text.tsv", "random.tsv", "sorted.tsv" };
	struct oui_db *db[3];
	char err[512] = "", mac[32], extra[128];
	size_t n = 0;

	make_tmpdir();
	while (n < ORDER_ENTRIES) {
		unsigned bits = order_rng() % 3 == 0 ? 24 : order_rng() % 2 ? 28 : 36;
		/* few first octets, so that blocks nest; unicast, globally administered */
		uint64_t low = (uint64_t)order_rng() << 16 | order_rng() % 0x10000;
		uint64_t mac48 = ((uint64_t)(order_rng() % 4) << 42 | low) & 0xfcffffffffffull;
		uint64_t key = mac48 >> (48 - bits);
		bool dup = false;
		for (size_t i = 0; i < n && !dup; i++)
			dup = e[i].bits == bits && e[i].key == key;
		if (dup)
			continue;
		e[n].bits = bits;
		e[n].key = key;
		snprintf(e[n].hex, sizeof(e[n].hex), "%0*llX", (int)bits / 4, (unsigned long long)key);
		snprintf(e[n].name, sizeof(e[n].name), "R%zu", n);
		n++;
	}
	memcpy(shuffled, e, sizeof(e));
	qsort(e, n, sizeof(e[0]), order_text_cmp);
	order_write(tmp_path(names[0]), e, n, NULL);
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = order_rng() % (i + 1);
		struct order_ent t = shuffled[i];
		shuffled[i] = shuffled[j];
		shuffled[j] = t;
	}
	order_write(tmp_path(names[1]), shuffled, n, NULL);
	memcpy(shuffled, e, sizeof(e));
	for (size_t i = 1; i < n; i++) { /* insertion sort by (bits, key): no shared comparator */
		for (size_t j = i; j > 0; j--) {
			struct order_ent *a = &shuffled[j - 1], *b = &shuffled[j], t;
			if (a->bits < b->bits || (a->bits == b->bits && a->key < b->key))
				break;
			t = *a;
			*a = *b;
			*b = t;
		}
	}
	order_write(tmp_path(names[2]), shuffled, n, NULL);
	for (int k = 0; k < 3; k++) {
		db[k] = oui_db_open(tmp_path(names[k]), NULL, err, sizeof(err));
		ck_assert_msg(db[k] != NULL, "%s: %s", names[k], err);
		ck_assert_uint_eq(oui_db_count(db[k]), n);
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t base = e[i].key << (48 - e[i].bits), span = (uint64_t)1 << (48 - e[i].bits);
		uint64_t probe[3] = { base, base + span - 1, (base + span) & 0xfcffffffffffull };
		for (int p = 0; p < 3; p++) {
			const char *want = order_expect(e, n, probe[p]);
			struct oui_result r[3];
			uint64_t m = probe[p];
			snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(m >> 40 & 255),
				 (unsigned)(m >> 32 & 255), (unsigned)(m >> 24 & 255), (unsigned)(m >> 16 & 255),
				 (unsigned)(m >> 8 & 255), (unsigned)(m & 255));
			for (int k = 0; k < 3; k++) {
				lookup(db[k], mac, &r[k]);
				if (want) {
					ck_assert_msg(r[k].status == OUI_FOUND && strcmp(r[k].registrant, want) == 0,
						      "%s in %s: %s, want %s", mac, names[k], r[k].registrant, want);
				} else {
					ck_assert_msg(r[k].status == OUI_UNREGISTERED, "%s in %s: status %d", mac,
						      names[k], r[k].status);
				}
				ck_assert_uint_eq(r[k].bits, r[0].bits);
				ck_assert_str_eq(r[k].prefix, r[0].prefix);
			}
		}
	}
	for (int k = 0; k < 3; k++)
		oui_db_free(db[k]);
	/* a block listed twice, after the others, in the text order: refused */
	extra[0] = '\0';
	for (size_t i = n / 2; i < n && !extra[0]; i++)
		if (e[i].bits == 24)
			snprintf(extra, sizeof(extra), "%.6s\tMA-L\tDE\tAgain\n", e[i].hex);
	ck_assert(extra[0]);
	order_write(tmp_path("dup.tsv"), e, n, extra);
	ck_assert_ptr_null(oui_db_open(tmp_path("dup.tsv"), NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "is listed twice") != NULL, "%s", err);
	rm_tmpdir();
}
END_TEST

/* Every prefix of a good table loads or fails cleanly, never reads past it. */
START_TEST(db_every_tsv_prefix)
{
	char err[512];
	const char *path;
	size_t len, i;
	char *all;
	struct oui_db *db;
	FILE *f;

	make_tmpdir();
	all = slurp(write_fixture_tsv(), &len);
	path = tmp_path("cut.tsv");
	for (i = 0; i <= len; i++) {
		f = fopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(all, 1, i, f), i);
		ck_assert_int_eq(fclose(f), 0);
		db = oui_db_open(path, NULL, err, sizeof(err));
		oui_db_free(db);
	}
	free(all);
	rm_tmpdir();
}
END_TEST

START_TEST(db_open_default_env)
{
	char err[4096] = "", saved[TEST_PATH_MAX] = "";
	const char *old = getenv("HERKOMST_DATADIR");
	struct oui_db *db;

	if (old)
		snprintf(saved, sizeof(saved), "%s", old);
	make_tmpdir();
	write_fixture_tsv();
	setenv("HERKOMST_DATADIR", tmpdir, 1);
	db = oui_db_open_default(err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_uint_eq(oui_db_count(db), 13);
	oui_db_free(db);
	if (old)
		setenv("HERKOMST_DATADIR", saved, 1);
	else
		unsetenv("HERKOMST_DATADIR");
	rm_tmpdir();
}
END_TEST

/* ---- the generated table ---- */

START_TEST(real_table)
{
	const char *dir = getenv("HERKOMST_DATADIR");
	char path[TEST_PATH_MAX], err[4096] = "";
	struct oui_db *db;
	struct oui_result r;

	if (!dir) {
		fprintf(stderr, "test_oui: SKIP real_table: HERKOMST_DATADIR is not set\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/oui.tsv", dir);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "test_oui: SKIP real_table: %s absent (build db/oui.tsv first)\n",
			path);
		return;
	}
	db = oui_db_open(path, NULL, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	/* ieee-data 2022 has 46,521 distinct blocks; allow for newer packages. */
	ck_assert_uint_gt(oui_db_count(db), 40000);

	lookup(db, "00:1b:1b:00:00:01", &r);
	ck_assert_int_eq(r.status, OUI_FOUND);
	ck_assert_ptr_nonnull(strstr(r.registrant, "Siemens"));
	ck_assert_str_eq(r.country, "DE");
	ck_assert_str_eq(r.prefix, "00:1b:1b");

	/* Dutch registrants: NEDAP (MA-L), and an MA-M whose address has the
	 * postcode "1016 TR" on the line before "NL". */
	lookup(db, "00:0d:a0:00:00:01", &r);
	ck_assert_ptr_nonnull(strstr(r.registrant, "NEDAP"));
	ck_assert_str_eq(r.country, "NL");
	lookup(db, "c0:d3:91:9a:bc:de", &r);
	ck_assert_int_eq(r.registry, OUI_REG_MA_M);
	ck_assert_str_eq(r.prefix, "c0:d3:91:90:00:00/28");
	ck_assert_str_eq(r.country, "NL");

	/* An MA-S block inside the authority's 70:b3:d5. */
	lookup(db, "70:b3:d5:f2:f0:01", &r);
	ck_assert_int_eq(r.registry, OUI_REG_MA_S);
	ck_assert_str_eq(r.prefix, "70:b3:d5:f2:f0:00/36");
	oui_db_free(db);
}
END_TEST

/* ---- names eight bytes at a time, and lines eight bytes at a time ---- */

/* Every name of 1 to NAME_LEN_MAX bytes with one insert at every position,
 * and the good names: oui.tsv takes a line when the plain byte-by-byte rule
 * does and refuses it, saying why, when it does not. The bad byte lands at
 * every offset of the eight-byte steps, first and last included. */
START_TEST(db_names_bytewise)
{
	const size_t n_ins = sizeof(name_inserts) / sizeof(name_inserts[0]);
	char name[NAME_LEN_MAX + 8], line[NAME_LEN_MAX + 64], err[512];
	const char *path;
	size_t n_ok = 0, n_bad = 0;

	make_tmpdir();
	path = tmp_path("names.tsv");
	for (size_t len = 1; len <= NAME_LEN_MAX; len++) {
		/* k == n_ins: the good name alone (pos len: no insert) */
		for (size_t k = 0; k <= n_ins; k++) {
			for (size_t pos = k < n_ins ? 0 : len; pos <= len; pos++) {
				const char *ins = k < n_ins ? name_inserts[k] : "";
				size_t n;
				struct oui_db *db;
				bool want;

				if (pos == len && ins[0])
					continue;
				n = make_name(name, len, pos, ins);
				want = plain_name_valid((const unsigned char *)name, n);
				snprintf(line, sizeof(line), "001B1B\tMA-L\tDE\t%s\n", name);
				/* a new file each time: ext4 flushes a file that is
				 * truncated and rewritten when it is closed (15 s here) */
				write_file(path, line);
				err[0] = '\0';
				db = oui_db_open(path, NULL, err, sizeof(err));
				ck_assert_int_eq(unlink(path), 0);
				ck_assert_msg((db != NULL) == want,
					      "name of %zu bytes, insert %zu at %zu: %s, want %s (%s)", len, k, pos,
					      db ? "accepted" : "refused", want ? "accepted" : "refused", err);
				if (db) {
					struct oui_result r;

					lookup(db, "00:1b:1b:00:00:01", &r);
					ck_assert_int_eq(r.status, OUI_FOUND);
					ck_assert_str_eq(r.registrant, name);
					oui_db_free(db);
					n_ok++;
				} else {
					ck_assert_msg(strstr(err, "names.tsv:1: registrant name is not printable UTF-8"),
						      "%s", err);
					n_bad++;
				}
			}
		}
	}
	/* both answers are exercised, many times */
	ck_assert_uint_gt(n_ok, 5000);
	ck_assert_uint_gt(n_bad, 15000);
	rm_tmpdir();
}
END_TEST

/* Lines of every length 15..31 (names of 1..17 bytes), in every rotation
 * of that order: the newlines fall at every offset mod 8, and at each
 * offset in every neighbourhood. The entry array is sized by counting
 * them; every line is an entry, so one newline missed is one entry
 * written past the array. Each table has all its entries and finds the
 * last one. */
START_TEST(db_lines_every_offset)
{
	enum { N_LEN = TEXT_LINE_NAME_MAX, N_LINES = 8 * N_LEN + 3 };
	static char text[N_LINES * 40];
	char name[N_LEN + 1], want_first[N_LEN + 1] = "", want_last[N_LEN + 1] = "", err[512];
	const size_t last = 0x100000 + (N_LINES - 1) * 0x10;
	const char *path;

	make_tmpdir();
	path = tmp_path("lines.tsv");
	for (size_t rot = 0; rot < N_LEN; rot++) {
		for (int final_nl = 0; final_nl < 2; final_nl++) {
			size_t used = 0;
			struct oui_db *db;
			struct oui_result r;
			char mac[32];

			for (size_t i = 0; i < N_LINES; i++) {
				size_t nlen = rotation_name(name, rot, i);

				used += (size_t)snprintf(text + used, sizeof(text) - used, "%06zX\tMA-L\t\t%s\n",
							 0x100000 + i * 0x10, name);
				if (i == 0)
					memcpy(want_first, name, nlen + 1);
				if (i == N_LINES - 1)
					memcpy(want_last, name, nlen + 1);
			}
			if (!final_nl)
				text[--used] = '\0';
			write_file(path, text);
			db = oui_db_open(path, NULL, err, sizeof(err));
			ck_assert_msg(db != NULL, "rotation %zu: %s", rot, err);
			ck_assert_uint_eq(oui_db_count(db), N_LINES);
			snprintf(mac, sizeof(mac), "%02zx:%02zx:%02zx:00:00:01", last >> 16, (last >> 8) & 0xff,
				 last & 0xff);
			lookup(db, mac, &r);
			ck_assert_int_eq(r.status, OUI_FOUND);
			ck_assert_str_eq(r.registrant, want_last);
			lookup(db, "10:00:00:00:00:01", &r);
			ck_assert_int_eq(r.status, OUI_FOUND);
			ck_assert_str_eq(r.registrant, want_first);
			oui_db_free(db);
		}
	}
	rm_tmpdir();
}
END_TEST

/*
 * The loaders read the usual line in one pass and leave any other to the
 * strict path (cut the line, split the fields): both must say the same of
 * every line. Lines of oui.tsv and manuf, each byte replaced by, or
 * preceded by, each of a set of bytes that matter to one of the two (NUL,
 * TAB, CR, LF, '#', separators, hex digits and not, DEL, UTF-8 lead and
 * continuation bytes, bytes never in UTF-8), or left out; in the middle of
 * a file and as its last line without a newline. Read with the one-pass
 * path and without it: the same error message, or the same count and the
 * same answer for the seeds' addresses and the line's own.
 */
#define DIFF_MACS_MAX 8

struct load_outcome {
	bool ok;
	char err[512];
	size_t n;
	int n_manuf;
	struct oui_result r[DIFF_MACS_MAX];
};

static void write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* The address a line's first field would name: its hex digits, padded. */
static void line_mac(const char *line, size_t len, uint8_t mac[6])
{
	size_t n = 0;

	memset(mac, 0, 6);
	for (size_t i = 0; i < len && line[i] != '\t' && n < 12; i++) {
		int v = line[i] >= '0' && line[i] <= '9'   ? line[i] - '0'
			: line[i] >= 'a' && line[i] <= 'f' ? line[i] - 'a' + 10
			: line[i] >= 'A' && line[i] <= 'F' ? line[i] - 'A' + 10
							   : -1;
		if (v < 0)
			continue;
		mac[n / 2] |= (uint8_t)(v << (n % 2 ? 0 : 4));
		n++;
	}
}

static void load_outcome(bool fast, const char *tsv, const char *manuf, const uint8_t (*macs)[6], size_t n_macs,
			 struct load_outcome *o)
{
	struct oui_db *db;

	memset(o, 0, sizeof(*o));
	oui_fast_lines_set(fast);
	db = oui_db_open(tsv, manuf, o->err, sizeof(o->err));
	o->ok = db != NULL;
	if (db) {
		o->n = oui_db_count(db);
		o->n_manuf = manuf ? oui_db_load_manuf(db) : 0;
		for (size_t i = 0; i < n_macs; i++)
			oui_db_lookup(db, macs[i], &o->r[i]);
	}
	oui_db_free(db);
	oui_fast_lines_set(true);
}

/* Reads the file made of before, line (len bytes) and after both ways. */
static void diff_one(bool is_manuf, const char *before, const char *line, size_t len, const char *after,
		     const uint8_t (*seed_macs)[6], size_t n_seed, size_t *n_taken)
{
	static char text[4096];
	static const char base_tsv[] = "001B1B\tMA-L\tDE\tProef Netwerken B.V.\n";
	uint8_t macs[DIFF_MACS_MAX][6];
	struct load_outcome fast, strict;
	size_t n = 0, nb = strlen(before), na = strlen(after);
	char path[2 * TEST_PATH_MAX], base[2 * TEST_PATH_MAX];
	const char *tsv = path;

	ck_assert_uint_lt(nb + len + na + 1, sizeof(text));
	memcpy(text, before, nb);
	memcpy(text + nb, line, len);
	n = nb + len;
	if (na) {
		text[n++] = '\n';
		memcpy(text + n, after, na);
		n += na;
	}
	/* tmp_path's buffer is its own: each name copied */
	snprintf(path, sizeof(path), "%s", tmp_path(is_manuf ? "diff.manuf" : "diff.tsv"));
	write_bytes(path, text, n);
	if (is_manuf) {
		snprintf(base, sizeof(base), "%s", tmp_path("base.tsv"));
		write_bytes(base, base_tsv, strlen(base_tsv));
		tsv = base;
	}
	memcpy(macs, seed_macs, n_seed * 6);
	line_mac(line, len, macs[n_seed]);
	load_outcome(true, tsv, is_manuf ? path : NULL, (const uint8_t(*)[6])macs, n_seed + 1, &fast);
	load_outcome(false, tsv, is_manuf ? path : NULL, (const uint8_t(*)[6])macs, n_seed + 1, &strict);
	ck_assert_msg(fast.ok == strict.ok && strcmp(fast.err, strict.err) == 0,
		      "line %.*s: one-pass %s (%s), strict %s (%s)", (int)len, line, fast.ok ? "loads" : "refuses",
		      fast.err, strict.ok ? "loads" : "refuses", strict.err);
	ck_assert_msg(fast.n == strict.n && fast.n_manuf == strict.n_manuf,
		      "line %.*s: one-pass %zu + %d entries, strict %zu + %d", (int)len, line, fast.n, fast.n_manuf,
		      strict.n, strict.n_manuf);
	for (size_t i = 0; i <= n_seed; i++)
		ck_assert_msg(memcmp(&fast.r[i], &strict.r[i], sizeof(fast.r[i])) == 0,
			      "line %.*s, address %zu: one-pass '%s' %s, strict '%s' %s", (int)len, line, i,
			      fast.r[i].registrant, fast.r[i].prefix, strict.r[i].registrant, strict.r[i].prefix);
	if (fast.ok)
		(*n_taken)++;
	unlink(path);
}

START_TEST(db_fast_lines_equal_strict)
{
	static const char *const tsv_seeds[] = {
		"0055DAA\tMA-M\t\tKleine Sensoren B.V.",
		"0050C2123\tIAB\tUS\tSome IAB, Inc.",
		"A4B1C1\tMA-L\tCN\tCaf\xc3\xa9 \xe6\x9d\xb1 Ltd",
		"00AABB\tMA-L\t\tX",
	};
	static const char *const manuf_seeds[] = {
		"00:00:2A\tTrw-Sedd\tTrw - Sedd/Inp",
		"00:55:DA:B0:00:00/28\tNieuwBlk\tNieuw Blok B.V.\t# c",
		"00:1B:C5:00:10:00/36\tShortNm",
		"08-00-2B\tDEC\tDigital Equipment",
		"00.aa.bb\tOnlyShrt",
	};
	static const char tsv_before[] = "# head\n001B1B\tMA-L\tDE\tProef Netwerken B.V.\n";
	static const char tsv_after[] = "70B3D5123\tMA-S\tNL\tLaatste Blok\n";
	static const char manuf_before[] = "# head\n00:00:18\tWebsterC\tWebster Computer Corporation\t# Appletalk\n";
	static const char manuf_after[] = "FC:FF:AA\tIeeeRegi\tIEEE Registration Authority\n";
	static const uint8_t tsv_macs[][6] = { { 0x00, 0x1b, 0x1b, 1, 2, 3 }, { 0x70, 0xb3, 0xd5, 0x12, 0x34, 5 } };
	static const uint8_t manuf_macs[][6] = { { 0, 0, 0x18, 1, 2, 3 }, { 0xfc, 0xff, 0xaa, 4, 5, 6 } };
	static const char bytes[] = { '\0', '\t', '\r', '\n', ' ', '#', '/', ':', '-', '.', 'G', 'a', 'F', '0',
				      '9', '3', 'M', (char)0x7f, (char)0x80, (char)0xc3, (char)0xff };
	size_t n_taken = 0, n_tried = 0;

	/* 30,000 small files written and read: in memory where there is
	 * /dev/shm (3 s; 40 s on the build tree's ext4) */
	if (access("/dev/shm", W_OK) == 0)
		make_tmpdir_in("/dev/shm");
	else
		make_tmpdir();
	for (int m = 0; m < 2; m++) {
		const char *const *seeds = m ? manuf_seeds : tsv_seeds;
		size_t n_seeds = m ? sizeof(manuf_seeds) / sizeof(manuf_seeds[0]) : sizeof(tsv_seeds) / sizeof(tsv_seeds[0]);

		for (size_t k = 0; k < n_seeds; k++) {
			const char *seed = seeds[k];
			size_t len = strlen(seed);
			char line[128];

			for (size_t i = 0; i <= len; i++) {
				/* left out, replaced, preceded */
				for (size_t b = 0; b <= 2 * sizeof(bytes); b++) {
					size_t n;

					if (b == 0 && i == len)
						continue;
					if (b == 0) {
						memcpy(line, seed, i);
						memcpy(line + i, seed + i + 1, len - i - 1);
						n = len - 1;
					} else if (b <= sizeof(bytes)) {
						if (i == len)
							continue;
						memcpy(line, seed, len);
						line[i] = bytes[b - 1];
						n = len;
					} else {
						memcpy(line, seed, i);
						line[i] = bytes[b - 1 - sizeof(bytes)];
						memcpy(line + i + 1, seed + i, len - i);
						n = len + 1;
					}
					/* in the middle (LF, or CR LF), and last without one */
					diff_one(m, m ? manuf_before : tsv_before, line, n, m ? manuf_after : tsv_after,
						 m ? manuf_macs : tsv_macs, 2, &n_taken);
					if (i % 2 == 0) {
						line[n] = '\r';
						diff_one(m, m ? manuf_before : tsv_before, line, n + 1,
							 m ? manuf_after : tsv_after, m ? manuf_macs : tsv_macs, 2,
							 &n_taken);
					}
					diff_one(m, m ? manuf_before : tsv_before, line, n, "", m ? manuf_macs : tsv_macs,
						 2, &n_taken);
					n_tried++;
				}
			}
		}
	}
	/* both answers are exercised: most variants load, many do not */
	ck_assert_uint_gt(n_tried, 10000);
	ck_assert_uint_gt(n_taken, n_tried);
	ck_assert_uint_lt(n_taken, 2 * n_tried);
	rm_tmpdir();
}
END_TEST

static Suite *oui_suite(void)
{
	Suite *s = suite_create("oui");
	TCase *tc;

	tc = tcase_create("txt");
	tcase_add_test(tc, txt_mal_records);
	tcase_add_test(tc, txt_without_iso_table);
	tcase_add_test(tc, txt_sub_blocks);
	tcase_add_test(tc, txt_lf_only);
	tcase_add_test(tc, txt_bad_input);
	tcase_add_test(tc, txt_hostile_names);
	tcase_add_test(tc, txt_every_prefix);
	tcase_add_test(tc, table_duplicates_and_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("db");
	tcase_add_test(tc, db_longest_prefix);
	tcase_add_test(tc, db_manuf_fallback);
	tcase_add_test(tc, db_bad_tsv);
	tcase_add_test(tc, db_every_tsv_prefix);
	tcase_add_test(tc, db_order_forms);
	tcase_add_test(tc, db_open_default_env);
	tcase_add_test(tc, db_names_bytewise);
	tcase_add_test(tc, db_lines_every_offset);
	tcase_add_test(tc, db_fast_lines_equal_strict);
	suite_add_tcase(s, tc);

	tc = tcase_create("real");
	tcase_add_test(tc, real_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(oui_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
