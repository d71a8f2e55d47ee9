/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * herkomst analyze: captures in, an attributed device inventory out.
 */
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <sys/stat.h>
#include <unistd.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "cli/cli.h"
#include "cli/engine.h"
#include "cli/pipeline.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "core/util.h"
#include "inventory/assess.h"
#include "inventory/derive.h"
#include "inventory/geoip.h"
#include "inventory/origin.h"
#include "inventory/oui.h"
#include "inventory/policy.h"
#include "inventory/signatures.h"
#include "proto/proto.h"
#include "report/assessed.h"
#include "report/output.h"
#include "store/store.h"

#define PROGRESS_EVERY_PACKETS 2048u
/* How much of a capture its digest covers: enough to tell files apart, cheap for huge ones. */
#define DIGEST_PREFIX_BYTES (1u << 20)

struct analyze_opts {
	const char *db;
	const char *out;
	const char *sigdir;
	const char *policy;
	enum out_format fmt;
	bool strict;
	bool quiet;
	bool force;
	bool libpcap; /* --libpcap: every capture through libpcap, not herkomst's reader */
	bool timings; /* --timings: what each stage took, on standard error */
	int progress; /* -1 auto, 0 off, 1 on */
	struct engine_opts eng; /* .workers: --threads */
};

static int parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return -EINVAL;
	*ret = v;
	return 0;
}

/*
 * SHA-256 over the file size and its first MiB, as hex: identifies a capture
 * file that is merged into a database again. "" for pipes and unreadable files
 * (opening it for real reports those).
 */
static void capture_digest(const char *path, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t buf[65536], sum[SHA256_DIGEST_SIZE], size_be[8];
	struct stat sb;
	size_t left = DIGEST_PREFIX_BYTES;
	int fd;

	out[0] = '\0';
	if (strcmp(path, "-") == 0)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return;
	}
	sha256_init(&ctx);
	for (int i = 0; i < 8; i++)
		size_be[i] = (uint8_t)((uint64_t)sb.st_size >> (56 - 8 * i));
	sha256_update(&ctx, sizeof(size_be), size_be);
	while (left > 0) {
		ssize_t n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));
		if (n <= 0)
			break;
		sha256_update(&ctx, (size_t)n, buf);
		left -= (size_t)n;
	}
	close(fd);
	sha256_digest(&ctx, sizeof(sum), sum);
	for (size_t i = 0; i < sizeof(sum); i++) {
		out[2 * i] = hex[sum[i] >> 4];
		out[2 * i + 1] = hex[sum[i] & 15];
	}
	out[64] = '\0';
}

/*
 * --timings: where a run's time went, printed on standard error at its end.
 * "setup" holds the loading of the signatures and policy and the building
 * of the workers' nDPI modules (with N workers that overlaps the first
 * frames, which wait for them: that wait is counted here, not as packets);
 * "packets" runs from there to the last flow ended on every worker, each
 * capture's opening and digest included; "loaders" is the wait for the OUI
 * registry and signatures loading beside the packets; "resolve" includes,
 * with --db, the store's merge and read-back.
 */
enum stage { ST_SETUP, ST_PACKETS, ST_MERGE, ST_LOADERS, ST_SNAPSHOT, ST_RESOLVE, ST_ASSESS, ST_OUTPUT, ST__MAX };
static const char *const stage_names[ST__MAX] = {"setup",	"packets", "merge",  "loaders",
						 "snapshot", "resolve", "assess", "output"};
struct timings {
	uint64_t t0, last, usec[ST__MAX];
	uint64_t setup_end;
	uint64_t frames, bytes;
	uint64_t reader_frames; /* -j N: the frames the reader ran through a pipeline itself */
	unsigned own, libpcap; /* captures read by herkomst's reader and by libpcap */
	/* the stage under way: the one a run that fails is charged to and
	 * stopped in; ST__MAX once the output stage has ended */
	enum stage running;
};

static void stage_end(struct timings *t, enum stage s)
{
	uint64_t now = hk_mono_usec();

	t->usec[s] += now - t->last;
	t->last = now;
	/* the merge is carved out of the packets' time, never ended itself */
	t->running = s + 1 == ST_MERGE ? ST_LOADERS : (enum stage)(s + 1);
}

/* Moves usec (at most what from holds) from one stage to another: a part
 * of what one clock reading took that belongs to another stage. */
static void stage_move(struct timings *t, enum stage from, enum stage to, uint64_t usec)
{
	if (usec > t->usec[from])
		usec = t->usec[from];
	t->usec[from] -= usec;
	t->usec[to] += usec;
}

/* A run that failed (t->running < ST__MAX) shows the stages up to the one
 * it stopped in, which holds the time to the failure, and names it. */
static void timings_print(const struct timings *t, unsigned workers)
{
	const char *reader = t->own && t->libpcap ? "herkomst's reader and libpcap"
			     : t->own		  ? "herkomst's reader"
						  : "libpcap";
	double pk = (double)t->usec[ST_PACKETS] / 1e6;

	fprintf(stderr, "herkomst: timings:");
	for (int s = 0; s < ST__MAX && s <= (int)t->running; s++) {
		fprintf(stderr, "%s %s %.1f ms", s ? ";" : "", stage_names[s], (double)t->usec[s] / 1e3);
		if (s == ST_PACKETS && pk > 0 && t->frames) {
			fprintf(stderr, " (%" PRIu64 " frames, %.2f M frames/s, %.2f Gbit/s on the wire, %u worker%s, %s",
				t->frames, (double)t->frames / pk / 1e6, (double)t->bytes * 8 / pk / 1e9, workers,
				workers == 1 ? "" : "s", reader);
			/* how the work fell between the reader and the worker threads */
			if (workers > 1)
				fprintf(stderr, ", the reader ran %.0f %% of them",
					100.0 * (double)t->reader_frames / (double)t->frames);
			fputc(')', stderr);
		}
	}
	fprintf(stderr, "; total %.1f ms", (double)(t->last - t->t0) / 1e3);
	if (t->running < ST__MAX)
		fprintf(stderr, " (stopped in %s by the error above)", stage_names[t->running]);
	fputc('\n', stderr);
}

/* Reads one capture through the engine; fills c. Returns 0, 1 (truncated),
 * -1 (the capture failed) or -2 (the engine failed: stop). */
static int read_capture(struct engine *eng, const char *path, const struct analyze_opts *o,
			struct store_capture *c, struct timings *tm)
{
	char err[512];
	struct cap_source *src = cap_open_file_flags(path, o->libpcap ? CAP_OPEN_LIBPCAP : 0, err, sizeof(err));
	struct cap_frame fr;
	struct progress prog;
	enum cap_next_result r;
	uint64_t n = 0, unsupported = 0;
	int unsupported_lt = -1, rc = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->size = -1;
	if (!src) {
		fprintf(stderr, "herkomst: %s\n", err);
		return -1;
	}
	snprintf(c->format, sizeof(c->format), "%s", cap_format(src));
	snprintf(c->linktype, sizeof(c->linktype), "%s", cap_linktype_name(cap_linktype(src)));
	if (cap_bytes_total(src))
		c->size = (int64_t)cap_bytes_total(src);
	progress_start(&prog, path, cap_bytes_total(src), o->progress < 0 ? progress_wanted() : o->progress > 0);

	if (cap_own_reader(src))
		tm->own++;
	else
		tm->libpcap++;
	while ((r = cap_next(src, &fr)) == CAP_FRAME) {
		int fr_rc = engine_frame(eng, &fr);

		if (fr_rc < 0) {
			progress_end(&prog);
			fprintf(stderr, "herkomst: %s: out of memory for a frame of %u bytes\n", path, fr.caplen);
			cap_close(src);
			return -2;
		}
		if (fr_rc > 0) {
			unsupported++;
			unsupported_lt = fr.linktype;
			continue;
		}
		if (!c->packets || fr.ts_usec < c->first_seen)
			c->first_seen = fr.ts_usec;
		if (fr.ts_usec > c->last_seen)
			c->last_seen = fr.ts_usec;
		c->packets++;
		c->bytes += fr.wirelen;
		if (++n % PROGRESS_EVERY_PACKETS == 0)
			progress_update(&prog, cap_bytes_read(src), n);
	}
	progress_end(&prog);
	if (unsupported)
		fprintf(stderr,
			"herkomst: warning: %s: link type %s (%d) is not supported; %" PRIu64
			" frames skipped (supported: Ethernet, Linux cooked v1/v2, raw IP, BSD loopback)\n",
			path, cap_linktype_name(unsupported_lt), unsupported_lt, unsupported);
	if (r == CAP_ETRUNCATED) {
		c->truncated = true;
		fprintf(stderr,
			"herkomst: %s: %s: the capture is truncated%s; the inventory covers the %" PRIu64
			" packets before the cut%s\n",
			o->strict ? "error" : "warning", cap_error(src), o->strict ? ", an error with --strict" : "",
			c->packets, o->strict ? "" : " (--strict makes this an error)");
		rc = 1;
	} else if (r == CAP_EERROR) {
		fprintf(stderr, "herkomst: %s\n", cap_error(src)); /* it names the file */
		/* as tshark: what was read before the error is analyzed, and the
		 * run still fails; the record of the capture says it was not read
		 * to its end, as for one cut short */
		c->truncated = c->packets > 0;
		if (c->packets)
			fprintf(stderr,
				"herkomst: %s: the inventory covers the %" PRIu64
				" packets before this error, not the rest of the file; the exit status is 1\n",
				path, c->packets);
		rc = -1;
	}
	if (!o->quiet && r != CAP_EERROR && c->packets == 0 && !unsupported)
		fprintf(stderr, "herkomst: warning: %s holds no packets\n", path);
	cap_close(src);
	return rc;
}

/*
 * What the inventory needs only once every capture is read — the OUI
 * registry, and the signatures and vendor IDs the store's deriver applies —
 * loads on a thread of its own while the captures are read (on the core a
 * single worker leaves idle). Its warnings are printed when it is joined.
 * The enterprise names, which only an snmp.enterprise item needs, are the
 * deriver's to load on first need (loader_late_warn says if they failed).
 */
struct loader {
	pthread_t thread;
	bool started, joined;
	const char *sigdir;
	struct oui_db *oui;
	struct inv_knowledge *know;
	int know_rc;
	char oui_err[1024], know_err[1024];
};

static void *loader_main(void *arg)
{
	struct loader *l = arg;

	pthread_setname_np(pthread_self(), "hk-loader");
	l->oui = oui_db_open_default(l->oui_err, sizeof(l->oui_err));
	/* Wireshark's manuf, for blocks newer than the IEEE snapshot, loads on
	 * the first MAC the snapshot misses (≈25 ms): here, while the packets
	 * are read, rather than in the serial snapshot */
	if (l->oui)
		(void)oui_db_load_manuf(l->oui);
	/* the SNMP enterprise table loads when the deriver meets the first
	 * snmp.enterprise item (few captures have one): loader_late_warn */
	l->know_rc = inv_knowledge_open_lazy(l->know, l->sigdir, l->know_err, sizeof(l->know_err));
	return NULL;
}

static void loader_start(struct loader *l)
{
	/* without a thread it loads here and now, as before */
	if (pthread_create(&l->thread, NULL, loader_main, l) == 0)
		l->started = true;
	else
		loader_main(l);
}

static void loader_join(struct loader *l, bool report)
{
	if (l->joined)
		return;
	l->joined = true;
	if (l->started)
		pthread_join(l->thread, NULL);
	if (!report)
		return;
	if (!l->oui)
		fprintf(stderr, "herkomst: warning: no OUI attribution: %s\n", l->oui_err);
	if (l->know_rc > 0)
		fprintf(stderr, "herkomst: warning: %s\n", l->know_err);
}

/* Once the devices are derived: what the deriver loaded on first need and
 * could not (the enterprise table, when a device had an snmp.enterprise
 * item), in the words loader_join would have used. */
static void loader_late_warn(const struct loader *l)
{
	const char *err = inv_knowledge_late_error(l->know);

	if (err)
		fprintf(stderr, "herkomst: warning: %s\n", err);
}

/*
 * IP geolocation (≈5 ms to open and check the IPv4 file, 11 ms more for the
 * IPv6 one, read only for an IPv6 peer) is needed when a device talked to an
 * external host, which the snapshot tells; it then loads on a thread
 * of its own while the devices are resolved, and is joined before they are
 * assessed. (The deriver adds no flow.peer claims, so the snapshot's answer
 * is the one assess_inputs_geoip would give afterwards.)
 */
struct geo_loader {
	pthread_t thread;
	bool started;
};

static void *geo_main(void *arg)
{
	pthread_setname_np(pthread_self(), "hk-geoip");
	assess_inputs_geoip_load(arg);
	return NULL;
}

static void geo_start(struct geo_loader *g, struct assess_inputs *k, const struct hk_device *devs, size_t n)
{
	/* without a thread it loads when the devices are assessed, as before */
	if (!k->geo_tried && assess_inputs_geoip_plan(k, devs, n) && pthread_create(&g->thread, NULL, geo_main, k) == 0)
		g->started = true;
}

static void geo_join(struct geo_loader *g)
{
	if (g->started)
		pthread_join(g->thread, NULL);
	g->started = false;
}

/*
 * The packets' state (flow tables, the inventory's nodes, worker 0's
 * pipeline; the other workers free theirs after the merge) is freed, with
 * more than one worker, on a thread of its own while the devices are
 * resolved, assessed and written, and joined before the command returns.
 */
struct engine_freer {
	pthread_t thread;
	bool started;
};

static void *freer_main(void *arg)
{
	pthread_setname_np(pthread_self(), "hk-free");
	engine_free(arg);
	return NULL;
}

/* Returns NULL: eng is freed now or on the freer's thread. */
static struct engine *freer_start(struct engine_freer *f, struct engine *eng, unsigned workers)
{
	if (workers > 1 && pthread_create(&f->thread, NULL, freer_main, eng) == 0)
		f->started = true;
	else
		engine_free(eng);
	return NULL;
}

static void freer_join(struct engine_freer *f)
{
	if (f->started)
		pthread_join(f->thread, NULL);
	f->started = false;
}

static void warn_stderr(void *userdata, const char *message)
{
	(void)userdata;
	fprintf(stderr, "herkomst: warning: %s\n", message);
}

/*
 * Assessing a device reads only the device, its annotations and the loaded
 * data (origin, policy, geolocation: no caches), so with --threads N the
 * devices are assessed on N threads, taking blocks of them in turn; each
 * result goes to its device's slot, so the output order is unchanged.
 */
#define ASSESS_BLOCK 64

struct assess_job {
	const struct hk_device *devs;
	size_t n;
	const struct store_annotation *ann;
	size_t n_ann;
	const struct assess_ctx *ctx;
	struct assess_result *res;
	struct out_assessed *od;
	atomic_size_t next;   /* the first device of the next block */
	atomic_bool failed;   /* out of memory */
};

static void *assess_blocks(void *arg)
{
	struct assess_job *j = arg;
	size_t from;

	while ((from = atomic_fetch_add(&j->next, ASSESS_BLOCK)) < j->n) {
		size_t to = from + ASSESS_BLOCK < j->n ? from + ASSESS_BLOCK : j->n;
		for (size_t i = from; i < to; i++) {
			struct assess_annotations aa;
			assess_annotations_of(j->devs[i].key, j->ann, j->n_ann, &j->od[i].ann, &j->od[i].n_ann, &aa);
			if (assess_device(&j->devs[i], &aa, j->ctx, &j->res[i]) < 0)
				atomic_store(&j->failed, true);
			j->od[i].res = &j->res[i];
		}
	}
	return NULL;
}

static void assess_results_free(struct assess_result *res, size_t n)
{
	for (size_t i = 0; res && i < n; i++)
		assess_result_clear(&res[i]);
	free(res);
}

/* Assesses every device; fills as (its arrays are the caller's to free). */
static int assess_all(struct store *st, struct assess_inputs *k, const struct hk_device *devs, size_t n,
		      unsigned threads, struct out_assessment *as, struct assess_result **ret_res,
		      struct out_assessed **ret_od, struct store_annotation **ret_ann)
{
	pthread_t tid[ENGINE_WORKERS_MAX];
	struct store_annotation *ann = NULL;
	struct assess_job j;
	struct assess_ctx ctx;
	size_t n_ann = 0, n_tid = 0;

	if (store_annotation_load(st, NULL, &ann, &n_ann) < 0)
		return -EIO;
	memset(&j, 0, sizeof(j));
	j.res = calloc(n ? n : 1, sizeof(*j.res));
	j.od = calloc(n ? n : 1, sizeof(*j.od));
	if (!j.res || !j.od) {
		free(j.res);
		free(j.od);
		free(ann);
		return -ENOMEM;
	}
	assess_inputs_geoip(k, devs, n);
	ctx = assess_inputs_ctx(k);
	j.devs = devs;
	j.n = n;
	j.ann = ann;
	j.n_ann = n_ann;
	j.ctx = &ctx;
	atomic_init(&j.next, 0);
	atomic_init(&j.failed, false);
	/* a thread that cannot be started leaves its blocks to the others */
	while (n_tid + 1 < threads && n_tid < ENGINE_WORKERS_MAX && (n_tid + 1) * ASSESS_BLOCK < n &&
	       pthread_create(&tid[n_tid], NULL, assess_blocks, &j) == 0)
		n_tid++;
	assess_blocks(&j);
	for (size_t i = 0; i < n_tid; i++)
		pthread_join(tid[i], NULL);
	*ret_res = j.res;
	*ret_od = j.od;
	*ret_ann = ann;
	if (atomic_load(&j.failed))
		return -ENOMEM;
	memset(as, 0, sizeof(*as));
	as->dev = j.od;
	if (k->policy) {
		as->policy_name = policy_name(k->policy);
		as->policy_as_of = policy_as_of(k->policy);
		as->policy_path = policy_path(k->policy);
	}
	as->geoip_source = k->geo ? geoip_source(k->geo) : NULL;
	return 0;
}

/*
 * Without --db the store would be a fresh in-memory database, and the trip
 * through it (merge, read back) hands the output exactly the snapshot's
 * devices after these steps, so they are done here instead:
 *  - ids: the store numbers rows in insertion order, i.e. the snapshot's
 *    order, from 1;
 *  - evidence: the snapshot holds each claim once (hk_device_fold_evidence
 *    folds equal ones as hk_device_add_evidence would, as the store's UPDATE
 *    would), at most HK_DEV_EVIDENCE_MAX of them (the store's bound on an
 *    empty device), with a count of at least 1, in canonical order (the
 *    order the store reads them back in, the rows being inserted in it);
 *  - the deriver and the canonical evidence order, as store_devices_load;
 *  - the device order: hk_device_cmp is total (it ends with the unique key)
 *    and the derived claims change none of its fields, so the snapshot's
 *    order stands.
 * The pcap goldens (tests/pcap) pin the result.
 */
struct derive_job {
	struct hk_device *devs;
	size_t n;
	struct inv_knowledge *know;
	atomic_size_t next; /* the first device of the next block */
	/* each block's unknown-fingerprint candidates (inv_unknown_collect_refs),
	 * noted while its devices' evidence is at hand: the collection then
	 * reads no device's evidence again */
	struct inv_ev_ref **refs; /* per block; NULL: none there */
	size_t *n_refs;
	atomic_bool refs_failed; /* out of memory: the collection reads them all */
};

/* Notes the candidates of devices [from, to) as block b's. */
static void derive_note_candidates(struct derive_job *j, size_t b, size_t from, size_t to)
{
	size_t cap = 0;

	for (size_t i = from; i < to; i++)
		for (size_t e = 0; e < j->devs[i].n_ev; e++) {
			if (!inv_unknown_candidate(&j->devs[i].ev[e]))
				continue;
			if (hk_grow((void **)&j->refs[b], &cap, j->n_refs[b] + 1, sizeof(*j->refs[b])) < 0) {
				atomic_store(&j->refs_failed, true);
				return;
			}
			j->refs[b][j->n_refs[b]++] = (struct inv_ev_ref){.dev = i, .ev = e};
		}
}

static void derive_blocks(struct derive_job *j, struct sig_scratch *sc)
{
	size_t from;

	while ((from = atomic_fetch_add(&j->next, ASSESS_BLOCK)) < j->n) {
		size_t to = from + ASSESS_BLOCK < j->n ? from + ASSESS_BLOCK : j->n;
		for (size_t i = from; i < to; i++) {
			j->devs[i].id = (int64_t)i + 1;
			inv_derive_with(&j->devs[i], j->know, sc);
			hk_device_sort_evidence(&j->devs[i]);
		}
		if (j->refs)
			derive_note_candidates(j, from / ASSESS_BLOCK, from, to);
	}
}

static void *derive_thread(void *arg)
{
	struct derive_job *j = arg;
	/* the calling thread uses the signatures' own scratch space, every
	 * other thread one of its own; without one it leaves its blocks to them */
	struct sig_scratch *sc = sig_scratch_new();

	if (sc) {
		derive_blocks(j, sc);
		sig_scratch_free(j->know->sigs, sc);
	}
	return NULL;
}

/*
 * Each device is derived on its own (the knowledge is only read), so with
 * --threads N on N threads, in blocks as the assessment. Then the unknown
 * fingerprints are collected from the candidates the blocks noted (in block
 * order: the devices' order), or, without memory for the notes, from all
 * the devices' evidence.
 */
static int devices_resolve(struct hk_device *devs, size_t n, struct inv_knowledge *know, unsigned threads,
			   struct unknown_fp **ret_unknown, size_t *ret_n_unknown)
{
	pthread_t tid[ENGINE_WORKERS_MAX];
	struct derive_job j = {.devs = devs, .n = n, .know = know};
	size_t n_tid = 0, n_blocks = (n + ASSESS_BLOCK - 1) / ASSESS_BLOCK, n_refs = 0;
	struct inv_ev_ref *refs = NULL;
	int rc;

	atomic_init(&j.next, 0);
	atomic_init(&j.refs_failed, false);
	j.refs = calloc(n_blocks ? n_blocks : 1, sizeof(*j.refs));
	j.n_refs = calloc(n_blocks ? n_blocks : 1, sizeof(*j.n_refs));
	if (!j.refs || !j.n_refs) {
		free(j.refs);
		free(j.n_refs);
		j.refs = NULL;
		j.n_refs = NULL;
	}
	while (n_tid + 1 < threads && n_tid < ENGINE_WORKERS_MAX && (n_tid + 1) * ASSESS_BLOCK < n &&
	       pthread_create(&tid[n_tid], NULL, derive_thread, &j) == 0)
		n_tid++;
	derive_blocks(&j, NULL);
	for (size_t i = 0; i < n_tid; i++)
		pthread_join(tid[i], NULL);
	if (j.refs && !atomic_load(&j.refs_failed)) {
		for (size_t b = 0; b < n_blocks; b++)
			n_refs += j.n_refs[b];
		refs = malloc((n_refs ? n_refs : 1) * sizeof(*refs));
	}
	if (refs) {
		n_refs = 0;
		for (size_t b = 0; b < n_blocks; b++) {
			if (j.n_refs[b])
				memcpy(refs + n_refs, j.refs[b], j.n_refs[b] * sizeof(*refs));
			n_refs += j.n_refs[b];
		}
		rc = inv_unknown_collect_refs(devs, refs, n_refs, know, ret_unknown, ret_n_unknown);
	} else {
		rc = inv_unknown_collect(devs, n, know, ret_unknown, ret_n_unknown);
	}
	for (size_t b = 0; j.refs && b < n_blocks; b++)
		free(j.refs[b]);
	free(j.refs);
	free(j.n_refs);
	free(refs);
	return rc;
}

static void run_counters(const struct pipeline_totals *pl, struct out_run *run, const char **names)
{
	memset(run, 0, sizeof(*run));
	run->packets = pl->packets;
	run->bytes = pl->bytes;
	run->flows = pl->flows.created;
	run->flows_expired = pl->flows.expired;
	run->flows_evicted = pl->flows.evicted;
	for (size_t i = 0; i < DEC_EV__MAX && i < sizeof(run->decode_events) / sizeof(run->decode_events[0]); i++) {
		names[i] = decode_event_name((enum decode_event)i);
		run->decode_events[i] = pl->dstats.events[i];
		run->n_decode_events = i + 1;
	}
	run->decode_event_names = names;
	for (size_t i = 0; i < proto_count && i < PIPELINE_PARSERS_MAX && i < 64; i++) {
		run->parser_names[i] = proto_table[i].name;
		for (int k = 0; k < 4; k++)
			run->parser_results[i][k] = pl->parse_results[i][k];
		run->n_parsers = i + 1;
	}
	run->stream_gaps = pl->stream_gaps;
	run->stream_full = pl->stream_full;
	run->obs_dropped = pl->obs_dropped;
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"strict", no_argument, NULL, 's'},
		{"force", no_argument, NULL, 'R'},
		{"signatures", required_argument, NULL, 'S'},
		{"policy", required_argument, NULL, 'Y'},
		{"quiet", no_argument, NULL, 'q'},
		{"progress", no_argument, NULL, 'P'},
		{"no-progress", no_argument, NULL, 'N'},
		{"flows-max", required_argument, NULL, 'F'},
		{"flow-timeout", required_argument, NULL, 'T'},
		{"threads", required_argument, NULL, 'j'},
		{"libpcap", no_argument, NULL, 'L'},
		{"timings", no_argument, NULL, 'I'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	/* analyze exits when done: its nDPI modules are not freed (dpi_leave_to_exit) */
	struct analyze_opts o = {.fmt = OUT_TABLE, .progress = -1,
				 .eng = {.workers = 1, .pl = {.dpi_left_to_exit = true}}};
	struct engine *eng = NULL;
	struct pipeline_totals totals;
	struct store *st = NULL;
	struct oui_db *oui = NULL;
	struct inv_knowledge know = {0};
	struct loader ld = {.know = &know};
	struct hk_device *devs = NULL;
	struct store_capture *caps = NULL, c;
	struct unknown_fp *unknown = NULL;
	struct assess_inputs ak = {0};
	struct geo_loader geo = {0};
	struct engine_freer freer = {0};
	struct assess_result *ares = NULL;
	struct out_assessed *aod = NULL;
	struct store_annotation *anns = NULL;
	struct out_assessment as;
	size_t n_devs = 0, n_caps = 0, n_unknown = 0;
	char err[1024];
	const char *ev_names[64];
	struct out_run run;
	struct outfile out = {0};
	int opt, arc, status = 0, n_failed = 0, n_truncated = 0, n_recorded = 0;
	struct timings tm = {0};
	uint64_t v;

	tm.t0 = tm.last = hk_mono_usec();
	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:f:o:sqj:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o.db = optarg;
			break;
		case 'f':
			if (out_format_parse(optarg, &o.fmt) < 0) {
				fprintf(stderr, "herkomst analyze: unknown --format '%s' (use table, json or csv)\n",
					optarg);
				return 2;
			}
			break;
		case 'o':
			o.out = optarg;
			break;
		case 's':
			o.strict = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'R':
			o.force = true;
			break;
		case 'S':
			o.sigdir = optarg;
			break;
		case 'Y':
			o.policy = optarg;
			break;
		case 'P':
			o.progress = 1;
			break;
		case 'N':
			o.progress = 0;
			break;
		case 'F':
			if (parse_u64(optarg, &v) < 0 || v == 0) {
				fprintf(stderr, "herkomst analyze: --flows-max needs a positive number, not '%s'\n",
					optarg);
				return 2;
			}
			o.eng.pl.flows_max = (size_t)v;
			break;
		case 'T':
			if (parse_u64(optarg, &v) < 0 || v == 0 || v > 86400) {
				fprintf(stderr,
					"herkomst analyze: --flow-timeout needs seconds from 1 to 86400, not '%s'\n",
					optarg);
				return 2;
			}
			o.eng.pl.flow_idle_usec = v * 1000000u;
			break;
		case 'j':
			if (parse_u64(optarg, &v) < 0 || v > ENGINE_WORKERS_MAX) {
				fprintf(stderr,
					"herkomst analyze: --threads needs a number of worker threads from 1 to %u (0: "
					"one per CPU), not '%s'\n",
					ENGINE_WORKERS_MAX, optarg);
				return 2;
			}
			o.eng.workers = v ? (unsigned)v : engine_cpus_online();
			break;
		case 'L':
			o.libpcap = true;
			break;
		case 'I':
			o.timings = true;
			break;
		case 'h':
			help_print(stdout, "analyze");
			return 0;
		default:
			fprintf(stderr, "Try 'herkomst help analyze'.\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "herkomst analyze: no capture given\n"
				"usage: herkomst analyze [--db FILE] [--format table|json|csv] [-o OUT] CAPTURE...\n"
				"Try 'herkomst help analyze'.\n");
		return 2;
	}

	/* -o is opened first: a file that cannot be written is told before a
	 * capture is read or anything stored; it is written under a temporary
	 * name and takes its own only when the run has written it whole */
	if (outfile_open(&out, o.out, err, sizeof(err)) < 0) {
		fprintf(stderr, "herkomst: %s; choose another -o file\n", err);
		status = 1;
		goto out;
	}
	/* the data files load while the engine builds worker 0's nDPI module
	 * here, and the worker threads theirs */
	ld.sigdir = o.sigdir;
	loader_start(&ld);
	eng = engine_new(&o.eng, err, sizeof(err));
	if (!eng) {
		fprintf(stderr, "herkomst: %s\n", err);
		status = 1;
		goto out;
	}
	if (assess_inputs_open(&ak, o.sigdir, o.policy, warn_stderr, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "herkomst: %s\n", err);
		status = 2;
		goto out;
	}
	st = store_open(o.db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "herkomst: %s\n", err);
		status = 1;
		goto out;
	}
	store_set_deriver(st, inv_derive, &know);
	stage_end(&tm, ST_SETUP);
	tm.setup_end = tm.last;

	for (int i = optind; i < argc; i++) {
		char digest[65], seen[STORE_PATH_MAX];
		bool seen_part = false;
		int64_t earlier;
		int rc;

		capture_digest(argv[i], digest);
		earlier = store_capture_find(st, digest, seen, sizeof(seen), &seen_part);
		if (earlier > 0 && !o.force) {
			/* one read only in part then stays so: --force would count
			 * the packets before the cut or the error twice */
			fprintf(stderr,
				"herkomst: warning: %s is already in %s (as %s%s); skipped, so its packets are not "
				"counted twice (--force merges it again)\n",
				argv[i], o.db ? o.db : "this run", seen,
				seen_part ? ", read only in part: the file was cut short or a record in it refused" : "");
			continue;
		}
		rc = read_capture(eng, argv[i], &o, &c, &tm);
		tm.frames += c.packets;
		tm.bytes += c.bytes;
		/* the first frames are read while the workers build their nDPI
		 * modules; one that could not start is reported before its
		 * capture is recorded (engine_finish reports it when all are skipped) */
		if (rc != -2 && engine_ready(eng, err, sizeof(err)) < 0) {
			fprintf(stderr, "herkomst: %s\n", err);
			rc = -2;
		}
		if (rc == -2) {
			status = 1;
			goto out;
		}
		snprintf(c.digest, sizeof(c.digest), "%s", digest);
		if (rc < 0) {
			n_failed++;
			if (!c.packets)
				continue;
			/* the packets before the error are in the inventory: recorded */
		}
		if (rc > 0)
			n_truncated++;
		c.analyzed_at = hk_now_usec();
		if (store_capture_add(st, &c) < 0) {
			fprintf(stderr, "herkomst: %s: cannot record capture %s: %s\n", o.db ? o.db : "database",
				argv[i], store_errmsg(st));
			status = 1;
			goto out;
		}
		n_recorded++;
	}
	if (engine_finish(eng, err, sizeof(err)) < 0) {
		fprintf(stderr, "herkomst: %s\n", err);
		status = 1;
		goto out;
	}
	stage_end(&tm, ST_PACKETS);
	stage_move(&tm, ST_PACKETS, ST_MERGE, engine_merge_usec(eng));
	/* the reader waited for the worker threads' nDPI modules */
	stage_move(&tm, ST_PACKETS, ST_SETUP, engine_start_wait_usec(eng));
	tm.reader_frames = engine_reader_frames(eng);
	if (n_failed && !n_recorded) {
		/* nothing was read (every capture failed before its first packet,
		 * or was skipped): keep an existing -o file and print no empty
		 * inventory; the time went to the packets */
		tm.running = ST_PACKETS;
		status = 1;
		goto out;
	}
	loader_join(&ld, true);
	oui = ld.oui;
	stage_end(&tm, ST_LOADERS);

	if (inv_snapshot_threads(engine_inventory(eng), oui, o.eng.workers, &devs, &n_devs) < 0) {
		fprintf(stderr, "herkomst: out of memory building the inventory\n");
		status = 1;
		goto out;
	}
	/* the packets' state (flow tables, nDPI, the inventory's nodes) is not
	 * needed past the snapshot: freed now, it is not held beside the output */
	stage_end(&tm, ST_SNAPSHOT);
	engine_totals(eng, &totals);
	run_counters(&totals, &run, ev_names);
	eng = freer_start(&freer, eng, o.eng.workers);
	geo_start(&geo, &ak, devs, n_devs);
	if (o.db) {
		if (store_devices_merge(st, devs, n_devs) < 0) {
			fprintf(stderr, "herkomst: %s: cannot store the inventory: %s; check free disk space and "
					"that the file is writable\n",
				o.db, store_errmsg(st));
			status = 1;
			goto out;
		}
		inv_devices_free(devs, n_devs);
		devs = NULL;
		n_devs = 0;
		if (store_devices_load(st, &devs, &n_devs) < 0) {
			fprintf(stderr, "herkomst: cannot read back the inventory: %s\n", store_errmsg(st));
			status = 1;
			goto out;
		}
	} else if (devices_resolve(devs, n_devs, &know, o.eng.workers, &unknown, &n_unknown) < 0) {
		fprintf(stderr, "herkomst: out of memory collecting the unknown fingerprints\n");
		status = 1;
		goto out;
	}
	if (store_captures_load(st, &caps, &n_caps) < 0) {
		fprintf(stderr, "herkomst: cannot read back the captures: %s\n", store_errmsg(st));
		status = 1;
		goto out;
	}
	if (o.db && inv_unknown_collect(devs, n_devs, &know, &unknown, &n_unknown) < 0) {
		fprintf(stderr, "herkomst: out of memory\n");
		status = 1;
		goto out;
	}
	loader_late_warn(&ld);
	geo_join(&geo);
	stage_end(&tm, ST_RESOLVE);
	arc = assess_all(st, &ak, devs, n_devs, o.eng.workers, &as, &ares, &aod, &anns);
	if (arc < 0) {
		if (arc == -ENOMEM)
			fprintf(stderr, "herkomst: out of memory assessing the devices\n");
		else
			fprintf(stderr, "herkomst: cannot read the annotations: %s\n", store_errmsg(st));
		status = 1;
		goto out;
	}
	stage_end(&tm, ST_ASSESS);
	errno = 0;
	arc = out_write(out.f, o.fmt, devs, n_devs, caps, n_caps, &run, unknown, n_unknown, &as);
	if (arc < 0) {
		/* errno: the write that failed says why (no space, ...) */
		fprintf(stderr, "herkomst: writing the output failed: %s\n", strerror(errno ? errno : -arc));
		status = 1;
	} else if (outfile_commit(&out, err, sizeof(err)) < 0) {
		fprintf(stderr, "herkomst: %s\n", err);
		status = 1;
	}
	stage_end(&tm, ST_OUTPUT);
	tm.running = ST__MAX;
	if (n_failed)
		status = 1;
	if (n_truncated && o.strict)
		status = 1;
out:
	/* also after a failure: the stages that ran, up to the one it stopped in */
	if (o.timings) {
		enum stage at = tm.running;

		/* a run that failed in the packets: what the reader ran so far
		 * (after engine_finish eng is handed to the freer, and NULL) */
		if (eng)
			tm.reader_frames = engine_reader_frames(eng);

		if (at < ST__MAX) {
			stage_end(&tm, at);
			tm.running = at;
		}
		timings_print(&tm, o.eng.workers);
	}
	/* not committed: an existing file stays as it was */
	outfile_abort(&out);
	inv_devices_free(devs, n_devs);
	free(caps);
	free(unknown);
	geo_join(&geo);
	assess_results_free(ares, n_devs);
	free(aod);
	free(anns);
	assess_inputs_close(&ak);
	engine_free(eng);
	freer_join(&freer);
	store_close(st);
	loader_join(&ld, false);
	oui_db_free(ld.oui);
	inv_knowledge_close(&know);
	return status;
}
