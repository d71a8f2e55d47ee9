/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Derived claims: signatures over software/fingerprint evidence, vendor-ID
 * tables over industrial vendor IDs, the numbers that name no maker, and the
 * list of what no signature explains.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "claim.h"
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
	struct hk_evidence e = test_claim(attr, value, source, 50, 100, 200, 3);

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

/* The list from the candidates alone (as analyze notes them while it
 * derives) is the list from all the evidence. */
static void check_refs_same(const struct hk_device *d, size_t n, const struct inv_knowledge *k,
			    const struct unknown_fp *want, size_t n_want)
{
	struct inv_ev_ref refs[1024];
	struct unknown_fp *u = NULL;
	size_t n_refs = 0, nu = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t e = 0; e < d[i].n_ev; e++)
			if (inv_unknown_candidate(&d[i].ev[e])) {
				ck_assert_uint_lt(n_refs, 1024);
				refs[n_refs++] = (struct inv_ev_ref){.dev = i, .ev = e};
			}
	ck_assert_uint_gt(n_refs, 0);
	ck_assert_int_eq(inv_unknown_collect_refs(d, refs, n_refs, k, &u, &nu), 0);
	ck_assert_uint_eq(nu, n_want);
	for (size_t x = 0; x < nu; x++)
		ck_assert_msg(memcmp(&u[x], &want[x], sizeof(*u)) == 0, "entry %zu: %s %s", x, u[x].source, u[x].value);
	free(u);
}

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
	/* a claim the signature derives again: it folds, it is not doubled */
	add(&d[1], "product", "sig.openssh", "OpenSSH");
	inv_derive(&d[0], &k);
	inv_derive(&d[1], &k);
	for (size_t i = 0; i < 2; i++) {
		/* the arrays hold only their items, distinct and in canonical order */
		ck_assert_uint_eq(d[i].cap_ev, d[i].n_ev);
		for (size_t j = 1; j < d[i].n_ev; j++) {
			const struct hk_evidence *a = &d[i].ev[j - 1], *b = &d[i].ev[j];
			int c = strcmp(a->attribute, b->attribute);
			if (!c)
				c = strcmp(a->value, b->value);
			if (!c)
				c = strcmp(a->source, b->source);
			ck_assert_msg(c < 0, "device %zu: evidence %zu and %zu not distinct and in order", i, j - 1, j);
		}
	}
	ck_assert_uint_eq(find(&d[1], "product", "sig.openssh")->count, 6);

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
	check_refs_same(d, 2, &k, u, nu);
	free(u);

	hk_device_clear(&d[0]);
	hk_device_clear(&d[1]);
	sig_db_free(k.sigs);
	vid_db_free(k.vids);
	free(rep);
	rm_vid_dir();
}
END_TEST

/*
 * The unknown list over many distinct values (the index grows several times):
 * each value on 3 devices; the first device names it and the earliest
 * non-zero first_seen is kept; equal counts sort by source, then value.
 */
START_TEST(unknown_many)
{
	enum { N_DEV = 600, N_VAL = 200 };
	struct inv_knowledge k = {0};
	struct hk_device *d = calloc(N_DEV, sizeof(*d));
	struct unknown_fp *u = NULL;
	size_t nu = 0;

	ck_assert_ptr_nonnull(d);
	for (size_t i = 0; i < N_DEV; i++) {
		struct hk_evidence e;
		memset(&e, 0, sizeof(e));
		d[i].id = (int64_t)i + 1;
		snprintf(e.attribute, sizeof(e.attribute), "fingerprint");
		snprintf(e.source, sizeof(e.source), "%s", i % 2 ? "tls.ja3" : "dhcp.prl");
		snprintf(e.value, sizeof(e.value), "v%03zu", i % N_VAL);
		/* the second device's is 0, no time: it must not win */
		e.first_seen = i >= N_VAL && i < 2 * N_VAL ? 0 : 1000 - i;
		e.last_seen = 5000 + i;
		e.count = 2;
		ck_assert(hk_device_add_evidence(&d[i], &e));
	}
	ck_assert_int_eq(inv_unknown_collect(d, N_DEV, &k, &u, &nu), 0);
	ck_assert_uint_eq(nu, N_VAL);
	for (size_t x = 0; x < nu; x++) {
		/* dhcp.prl holds the even values, tls.ja3 the odd ones */
		size_t v = x < N_VAL / 2 ? 2 * x : 2 * (x - N_VAL / 2) + 1;
		char want[8];
		snprintf(want, sizeof(want), "v%03zu", v);
		ck_assert_str_eq(u[x].source, x < N_VAL / 2 ? "dhcp.prl" : "tls.ja3");
		ck_assert_str_eq(u[x].value, want);
		ck_assert_uint_eq(u[x].devices, N_DEV / N_VAL);
		ck_assert_uint_eq(u[x].count, 2 * N_DEV / N_VAL);
		ck_assert_int_eq(u[x].example_device, (int64_t)v + 1);
		ck_assert_uint_eq(u[x].first_seen, 1000 - (v + 2 * N_VAL));
		ck_assert_uint_eq(u[x].last_seen, 5000 + v + 2 * N_VAL);
	}
	check_refs_same(d, N_DEV, &k, u, nu);
	free(u);
	for (size_t i = 0; i < N_DEV; i++)
		hk_device_clear(&d[i]);
	free(d);
}
END_TEST

/* Threads deriving at once, each with its own scratch space, get what one
 * thread gets: the captures ($1) are each thread's own value. */
#define THREAD_DEVS 400

struct derive_arg {
	const struct inv_knowledge *k;
	struct hk_device *d;
	size_t n;
};

static void ssh_device(struct hk_device *d, size_t i)
{
	char banner[64];
	memset(d, 0, sizeof(*d));
	snprintf(banner, sizeof(banner), "SSH-2.0-OpenSSH_%zu.%zup1", i, i % 7);
	add(d, "software", "ssh.banner", banner);
	add(d, "software", "http.server", "App-webs/");
}

static void *derive_main(void *arg)
{
	struct derive_arg *a = arg;
	struct sig_scratch *sc = sig_scratch_new();
	ck_assert_ptr_nonnull(sc);
	for (size_t i = 0; i < a->n; i++)
		inv_derive_with(&a->d[i], a->k, sc);
	sig_scratch_free(a->k->sigs, sc);
	return NULL;
}

START_TEST(derive_threads)
{
	struct sig_report *rep = calloc(1, sizeof(*rep));
	struct inv_knowledge k = {0};
	struct hk_device *one = calloc(THREAD_DEVS, sizeof(*one)), *many = calloc(THREAD_DEVS, sizeof(*many));
	struct derive_arg a[2];
	pthread_t tid[2];
	struct sig_stats st;

	ck_assert(one && many);
	k.sigs = sig_load_buffer("test.tsv", rules, strlen(rules), rep);
	ck_assert_ptr_nonnull(k.sigs);
	for (size_t i = 0; i < THREAD_DEVS; i++) {
		ssh_device(&one[i], i);
		ssh_device(&many[i], i);
		inv_derive(&one[i], &k);
	}
	for (int t = 0; t < 2; t++) {
		a[t] = (struct derive_arg){.k = &k, .d = many + t * THREAD_DEVS / 2, .n = THREAD_DEVS / 2};
		ck_assert_int_eq(pthread_create(&tid[t], NULL, derive_main, &a[t]), 0);
	}
	for (int t = 0; t < 2; t++)
		pthread_join(tid[t], NULL);
	for (size_t i = 0; i < THREAD_DEVS; i++) {
		char fw[32];
		snprintf(fw, sizeof(fw), "%zu.%zup1", i, i % 7);
		ck_assert_str_eq(find(&many[i], "firmware", "sig.openssh")->value, fw);
		ck_assert_uint_eq(many[i].n_ev, one[i].n_ev);
		for (size_t j = 0; j < one[i].n_ev; j++) {
			ck_assert_str_eq(many[i].ev[j].attribute, one[i].ev[j].attribute);
			ck_assert_str_eq(many[i].ev[j].source, one[i].ev[j].source);
			ck_assert_str_eq(many[i].ev[j].value, one[i].ev[j].value);
		}
	}
	/* the freed scratches' counters are the db's: 2 raw items a device, both ways */
	sig_stats(k.sigs, &st);
	ck_assert_uint_eq(st.n_matches, 2 * 2 * THREAD_DEVS);
	for (size_t i = 0; i < THREAD_DEVS; i++) {
		hk_device_clear(&one[i]);
		hk_device_clear(&many[i]);
	}
	free(one);
	free(many);
	sig_db_free(k.sigs);
	free(rep);
}
END_TEST


/* Claims of signatures, vendor IDs and OUIs are not matched again; sources
 * that only look like them (another byte before or at the '.', shorter)
 * are. The check reads the fourth byte first: this breaks if it is wrong. */
START_TEST(derived_sources_not_rematched)
{
	static const char prefixed_rules[] =
		"id\tfield\tpattern\tmanufacturer\tproduct\tmodel\tfirmware\tos\trole\tconfidence\treference\n"
		"r-sig\tsig.test\t^X$\tM-sig\t-\t-\t-\t-\t-\t50\tt\n"
		"r-vid\tvid.test\t^X$\tM-vid\t-\t-\t-\t-\t-\t50\tt\n"
		"r-oui\toui.test\t^X$\tM-oui\t-\t-\t-\t-\t-\t50\tt\n"
		"r-ouix\touix.test\t^X$\tM-ouix\t-\t-\t-\t-\t-\t50\tt\n"
		"r-ou\tou.test\t^X$\tM-ou\t-\t-\t-\t-\t-\t50\tt\n"
		"r-sigg\tsigg.test\t^X$\tM-sigg\t-\t-\t-\t-\t-\t50\tt\n"
		"r-vi\tvi.d\t^X$\tM-vi\t-\t-\t-\t-\t-\t50\tt\n";
	static const char *const sources[] = {"sig.test", "vid.test", "oui.test", "ouix.test", "ou.test", "sigg.test",
					      "vi.d"};
	static const char *const want[] = {NULL, NULL, NULL, "M-ouix", "M-ou", "M-sigg", "M-vi"};
	struct sig_report *rep = calloc(1, sizeof(*rep));
	struct inv_knowledge k = {0};
	struct hk_device d;

	ck_assert_ptr_nonnull(rep);
	k.sigs = sig_load_buffer("test.tsv", prefixed_rules, strlen(prefixed_rules), rep);
	ck_assert_msg(k.sigs != NULL, "%s", rep->n_kept ? rep->msg[0] : "?");
	memset(&d, 0, sizeof(d));
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		add(&d, "software", sources[i], "X");
	inv_derive(&d, &k);
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		char src[64];
		const struct hk_evidence *e;
		snprintf(src, sizeof(src), "sig.r-%s", sources[i][0] == 's' ? (sources[i][3] == 'g' ? "sigg" : "sig")
						       : sources[i][0] == 'v' ? (sources[i][2] == '.' ? "vi" : "vid")
						       : sources[i][2] == '.' ? "ou"
						       : sources[i][3] == 'x' ? "ouix"
									      : "oui");
		e = find(&d, "manufacturer", src);
		if (want[i]) {
			ck_assert_msg(e != NULL, "%s: no claim", sources[i]);
			ck_assert_str_eq(e->value, want[i]);
		} else {
			ck_assert_msg(e == NULL, "%s: matched again", sources[i]);
		}
	}
	hk_device_clear(&d);
	sig_db_free(k.sigs);
	free(rep);
}
END_TEST

/* inv_knowledge_open_lazy: the enterprise table is read on the first
 * snmp.enterprise item, by whichever thread derives it first; a run that
 * has none never reads it (a missing table says nothing), one that has
 * one says why it could not (inv_knowledge_late_error). */
static void enterprise_device(struct hk_device *d, size_t i)
{
	memset(d, 0, sizeof(*d));
	add(d, "software", "ssh.banner", "SSH-2.0-OpenSSH_9.2p1");
	add(d, "fingerprint", "snmp.enterprise", i % 3 == 2 ? "8072" : "4329");
}

START_TEST(enterprises_lazy)
{
	char table[600], err[2048];
	struct inv_knowledge k;
	struct hk_device *d = calloc(THREAD_DEVS, sizeof(*d)), plain;
	struct derive_arg a[2];
	pthread_t tid[2];
	const char *late;

	ck_assert_ptr_nonnull(d);
	make_vid_dir();
	snprintf(table, sizeof(table), "%s/enterprises.tsv", tmpdir);
	write_file("enterprises.tsv", "# test\n9\tciscoSystems\n4329\tSiemens AG\n8072\tnet-snmp\n");

	/* missing, and not needed: never read, nothing to say */
	ck_assert_int_eq(setenv("HERKOMST_ENTERPRISES", "/nonexistent/enterprises.tsv", 1), 0);
	inv_knowledge_open_lazy(&k, tmpdir, err, sizeof(err));
	ck_assert_msg(strstr(err, "enterprise") == NULL, "%s", err);
	ck_assert_ptr_null(k.ents);
	memset(&plain, 0, sizeof(plain));
	add(&plain, "software", "ssh.banner", "SSH-2.0-OpenSSH_9.2p1");
	inv_derive(&plain, &k);
	ck_assert_ptr_null(inv_knowledge_late_error(&k));
	hk_device_clear(&plain);
	/* missing, and needed: the loader's words, once derived */
	enterprise_device(&d[0], 0);
	inv_derive(&d[0], &k);
	late = inv_knowledge_late_error(&k);
	ck_assert_ptr_nonnull(late);
	ck_assert_msg(strstr(late, "no SNMP enterprise names: /nonexistent/enterprises.tsv: No such file or "
				   "directory (Wireshark's IANA enterprise numbers: apt-get install libwireshark-data") ==
			      late,
		      "%s", late);
	ck_assert_ptr_null(find(&d[0], "manufacturer", "snmp.enterprise"));
	hk_device_clear(&d[0]);
	inv_knowledge_close(&k);

	/* present: two threads meet their first items at once */
	ck_assert_int_eq(setenv("HERKOMST_ENTERPRISES", table, 1), 0);
	inv_knowledge_open_lazy(&k, tmpdir, err, sizeof(err));
	ck_assert_ptr_null(k.ents);
	for (size_t i = 0; i < THREAD_DEVS; i++)
		enterprise_device(&d[i], i);
	for (int t = 0; t < 2; t++) {
		a[t] = (struct derive_arg){.k = &k, .d = d + t * THREAD_DEVS / 2, .n = THREAD_DEVS / 2};
		ck_assert_int_eq(pthread_create(&tid[t], NULL, derive_main, &a[t]), 0);
	}
	for (int t = 0; t < 2; t++)
		pthread_join(tid[t], NULL);
	ck_assert_ptr_null(inv_knowledge_late_error(&k));
	for (size_t i = 0; i < THREAD_DEVS; i++) {
		const struct hk_evidence *e = find(&d[i], "manufacturer", "snmp.enterprise");

		if (i % 3 == 2) { /* 8072 names no maker (not-vendors.tsv) */
			ck_assert_msg(e == NULL, "device %zu: %s", i, e ? e->value : "");
		} else {
			ck_assert_msg(e != NULL, "device %zu: no enterprise claim", i);
			ck_assert_str_eq(e->value, "Siemens AG");
		}
		hk_device_clear(&d[i]);
	}
	inv_knowledge_close(&k);
	ck_assert_int_eq(unsetenv("HERKOMST_ENTERPRISES"), 0);
	free(d);
	rm_vid_dir();
}
END_TEST

/* A field's patterns are JIT-compiled on its first match, by one of the
 * threads that meet it at once; the others wait for them, and everyone gets
 * what a single thread gets from a db that compiled them before. */
START_TEST(jit_on_first_match)
{
	struct sig_report *rep = calloc(1, sizeof(*rep));
	struct inv_knowledge k = {0}, k1 = {0};
	struct hk_device *one = calloc(THREAD_DEVS, sizeof(*one)), *many = calloc(THREAD_DEVS, sizeof(*many));
	struct derive_arg a[2];
	pthread_t tid[2];
	uint32_t have_jit = 0;

	ck_assert(rep && one && many);
	k.sigs = sig_load_buffer("test.tsv", rules, strlen(rules), rep);
	k1.sigs = sig_load_buffer("test.tsv", rules, strlen(rules), rep);
	ck_assert(k.sigs && k1.sigs);
	/* nothing compiled at load */
	ck_assert(!sig_jit(k.sigs));
	for (size_t i = 0; i < THREAD_DEVS; i++) {
		ssh_device(&one[i], i);
		ssh_device(&many[i], i);
		inv_derive(&one[i], &k1);
	}
	for (int t = 0; t < 2; t++) {
		a[t] = (struct derive_arg){.k = &k, .d = many + t * THREAD_DEVS / 2, .n = THREAD_DEVS / 2};
		ck_assert_int_eq(pthread_create(&tid[t], NULL, derive_main, &a[t]), 0);
	}
	for (int t = 0; t < 2; t++)
		pthread_join(tid[t], NULL);
	pcre2_config_8(PCRE2_CONFIG_JIT, &have_jit);
	ck_assert(sig_jit(k.sigs) == (have_jit != 0));
	for (size_t i = 0; i < THREAD_DEVS; i++) {
		ck_assert_uint_eq(many[i].n_ev, one[i].n_ev);
		for (size_t j = 0; j < one[i].n_ev; j++) {
			ck_assert_str_eq(many[i].ev[j].attribute, one[i].ev[j].attribute);
			ck_assert_str_eq(many[i].ev[j].source, one[i].ev[j].source);
			ck_assert_str_eq(many[i].ev[j].value, one[i].ev[j].value);
		}
		hk_device_clear(&one[i]);
		hk_device_clear(&many[i]);
	}
	free(one);
	free(many);
	sig_db_free(k.sigs);
	sig_db_free(k1.sigs);
	free(rep);
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
	tcase_add_test(tc, unknown_many);
	tcase_add_test(tc, derive_threads);
	tcase_add_test(tc, derived_sources_not_rematched);
	tcase_add_test(tc, enterprises_lazy);
	tcase_add_test(tc, jit_on_first_match);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
