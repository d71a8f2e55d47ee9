/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Derived claims: signatures over software/fingerprint evidence, vendor-ID
 * tables over industrial vendor IDs, the numbers that name no maker, and the
 * list of what no signature explains.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "herkomst/device.h"
#include "inventory/derive.h"
#include "inventory/signatures.h"
#include "inventory/vendorids.h"

static const char rules[] =
	"id\tfield\tpattern\tmanufacturer\tproduct\tmodel\tfirmware\tos\trole\tconfidence\treference\n"
	"hik-webs\thttp.server\t^App-webs/$\tHikvision\t-\t-\t-\t-\tcamera\t75\ttest rule\n"
	"openssh\tssh.banner\t^SSH-2\\.0-OpenSSH_([0-9.p]+)\t-\tOpenSSH\t-\t$1\t-\t-\t60\ttest rule\n";

static char tmpdir[] = "/tmp/hk-derive-XXXXXX";

static void write_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void make_vid_dir(void)
{
	char path[512];
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/vendor-ids", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	write_file("vendor-ids/index.tsv", "# test\nfield\ttable\tconfidence\treference\n"
					   "enip.vendor_id\tcip.tsv\t85\ttest\n");
	write_file("vendor-ids/cip.tsv", "id\tvendor\treference\n1\tRockwell Automation/Allen-Bradley\tt\n"
					 "47\tOMRON Corporation\tt\n");
	write_file("vendor-ids/not-vendors.tsv", "field\tid\treason\treference\n"
						 "snmp.enterprise\t8072\tnet-snmp\tt\n");
}

static void rm_vid_dir(void)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(tmpdir, "/tmp/hk-derive-XXXXXX");
}

static void add(struct hk_device *d, const char *attr, const char *source, const char *value)
{
	struct hk_evidence e;
	memset(&e, 0, sizeof(e));
	snprintf(e.attribute, sizeof(e.attribute), "%s", attr);
	snprintf(e.source, sizeof(e.source), "%s", source);
	snprintf(e.value, sizeof(e.value), "%s", value);
	e.confidence = 50;
	e.first_seen = 100;
	e.last_seen = 200;
	e.count = 3;
	ck_assert(hk_device_add_evidence(d, &e));
}

static const struct hk_evidence *find(const struct hk_device *d, const char *attr, const char *source)
{
	for (size_t i = 0; i < d->n_ev; i++)
		if (strcmp(d->ev[i].attribute, attr) == 0 && strcmp(d->ev[i].source, source) == 0)
			return &d->ev[i];
	return NULL;
}

START_TEST(vendor_ids)
{
	char err[512];
	struct vid_db *v;
	uint8_t conf = 0;

	make_vid_dir();
	v = vid_load_dir(tmpdir, err, sizeof(err));
	ck_assert_msg(v != NULL, "%s", err);
	ck_assert_uint_eq(vid_count(v), 2);
	ck_assert_str_eq(vid_lookup(v, "enip.vendor_id", "1", &conf), "Rockwell Automation/Allen-Bradley");
	ck_assert_uint_eq(conf, 85);
	ck_assert_str_eq(vid_lookup(v, "enip.vendor_id", "0x2f", NULL), "OMRON Corporation");
	ck_assert_ptr_null(vid_lookup(v, "enip.vendor_id", "2", NULL));
	ck_assert_ptr_null(vid_lookup(v, "bacnet.vendor_id", "1", NULL));
	ck_assert_ptr_null(vid_lookup(v, "enip.vendor_id", "1x", NULL));
	ck_assert(vid_not_vendor(v, "snmp.enterprise", 8072));
	ck_assert(!vid_not_vendor(v, "snmp.enterprise", 9));
	vid_db_free(v);
	rm_vid_dir();
}
END_TEST

START_TEST(vendor_ids_strict)
{
	char err[512];

	make_vid_dir();
	write_file("vendor-ids/cip.tsv", "id\tvendor\treference\n1\tA\tt\n1\tB\tt\n");
	ck_assert_ptr_null(vid_load_dir(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "cip.tsv") && strstr(err, "listed twice"), "%s", err);

	write_file("vendor-ids/cip.tsv", "id\tvendor\treference\nx1\tA\tt\n");
	ck_assert_ptr_null(vid_load_dir(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "cip.tsv:2:"), "%s", err);

	write_file("vendor-ids/cip.tsv", "id\tvendor\n1\tA\n");
	ck_assert_ptr_null(vid_load_dir(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "cip.tsv:1:") && strstr(err, "header"), "%s", err);

	write_file("vendor-ids/cip.tsv", "id\tvendor\treference\n1\tA\n");
	ck_assert_ptr_null(vid_load_dir(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "cip.tsv:2:") && strstr(err, "columns"), "%s", err);

	write_file("vendor-ids/cip.tsv", "id\tvendor\treference\n1\tA\tt\n");
	write_file("vendor-ids/index.tsv", "field\ttable\tconfidence\treference\nenip.vendor_id\tcip.tsv\t101\tt\n");
	ck_assert_ptr_null(vid_load_dir(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "index.tsv:2:") && strstr(err, "confidence"), "%s", err);

	write_file("vendor-ids/index.tsv", "field\ttable\tconfidence\treference\nenip.vendor_id\t../x.tsv\t80\tt\n");
	ck_assert_ptr_null(vid_load_dir(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "index.tsv:2:"), "%s", err);
	rm_vid_dir();
}
END_TEST

START_TEST(derive_claims_and_unknown)
{
	struct sig_report *rep = calloc(1, sizeof(*rep));
	struct inv_knowledge k = {0};
	struct hk_device d[2];
	struct unknown_fp *u = NULL;
	size_t nu = 0;
	char err[512];
	const struct hk_evidence *e;

	make_vid_dir();
	k.sigs = sig_load_buffer("test.tsv", rules, strlen(rules), rep);
	ck_assert_msg(k.sigs != NULL, "%s", rep->n_kept ? rep->msg[0] : "?");
	k.vids = vid_load_dir(tmpdir, err, sizeof(err));
	ck_assert_msg(k.vids != NULL, "%s", err);

	memset(d, 0, sizeof(d));
	d[0].id = 1;
	d[1].id = 2;
	add(&d[0], "software", "http.server", "App-webs/");
	add(&d[0], "fingerprint", "enip.vendor_id", "1");
	add(&d[0], "fingerprint", "dhcp.prl", "1,3,6,15");
	add(&d[1], "software", "ssh.banner", "SSH-2.0-OpenSSH_8.4p1 Debian-5");
	add(&d[1], "fingerprint", "dhcp.prl", "1,3,6,15");
	add(&d[1], "software", "http.server", "App-webs/2"); /* anchored: must not match */
	inv_derive(&d[0], &k);
	inv_derive(&d[1], &k);

	e = find(&d[0], "manufacturer", "sig.hik-webs");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->value, "Hikvision");
	ck_assert_uint_eq(e->confidence, 75);
	ck_assert_uint_eq(e->count, 3); /* as often as the banner was seen */
	ck_assert_str_eq(find(&d[0], "role", "sig.hik-webs")->value, "camera");
	e = find(&d[0], "manufacturer", "vid.enip.vendor_id");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->value, "Rockwell Automation/Allen-Bradley");
	ck_assert_uint_eq(e->confidence, 85);
	/* the strongest claim wins the attribute */
	ck_assert_str_eq(hk_device_best(&d[0], "manufacturer")->value, "Rockwell Automation/Allen-Bradley");
	ck_assert_str_eq(find(&d[1], "firmware", "sig.openssh")->value, "8.4p1");
	ck_assert_str_eq(find(&d[1], "product", "sig.openssh")->value, "OpenSSH");
	ck_assert_ptr_null(find(&d[1], "manufacturer", "sig.hik-webs"));

	ck_assert_int_eq(inv_unknown_collect(d, 2, &k, &u, &nu), 0);
	ck_assert_uint_eq(nu, 2);
	/* the fingerprint both devices share comes first */
	ck_assert_str_eq(u[0].source, "dhcp.prl");
	ck_assert_str_eq(u[0].value, "1,3,6,15");
	ck_assert_uint_eq(u[0].devices, 2);
	ck_assert_uint_eq(u[0].count, 6);
	ck_assert_str_eq(u[1].value, "App-webs/2");
	free(u);

	hk_device_clear(&d[0]);
	hk_device_clear(&d[1]);
	sig_db_free(k.sigs);
	vid_db_free(k.vids);
	free(rep);
	rm_vid_dir();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("derive");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, vendor_ids);
	tcase_add_test(tc, vendor_ids_strict);
	tcase_add_test(tc, derive_claims_and_unknown);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
