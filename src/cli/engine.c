/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One reader, N workers: see engine.h.
 *
 * A batch is a frame arena plus a record per frame (its place in the arena,
 * its capture fields and the flow clock's reading). Each worker has
 * engine_batches() batches: the reader fills one at a time (no
 * lock), then appends it to the worker's queue; the worker takes batches
 * off the queue, runs pipeline_frame_at() over their frames and puts them
 * on its free list; the reader takes the next one from there, waiting when
 * it is empty. Lock traffic is two short critical sections per batch.
 */
#include "cli/engine.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/decode.h"
#include "decode/flowhash.h"

struct eng_rec {
	uint64_t ts_usec;
	uint64_t clock_usec, epoch; /* the reader's flow clock at this frame */
	uint32_t off, caplen, wirelen;
	int linktype;
};

struct eng_batch {
	struct eng_batch *next;
	size_t n;            /* records */
	size_t used, cap;    /* arena bytes */
	uint8_t *data;
	struct eng_rec rec[ENGINE_BATCH_FRAMES];
};

struct eng_worker {
	struct engine *e;
	unsigned index;
	pthread_t thread;
	bool started;
	struct pipeline *pl;

	pthread_mutex_t mu;
	pthread_cond_t cv_work;  /* the worker waits: queue empty */
	pthread_cond_t cv_free;  /* the reader waits: no free batch; also: ready */
	struct eng_batch *q_head, *q_tail; /* full batches, oldest first */
	struct eng_batch *free_list;
	bool done;               /* no more batches will come */
	bool ready;              /* pipeline built (or failed: pl NULL) */
	bool finished;           /* its flows are ended: its pipeline is the reader's to read */
	bool release;            /* merged: free what is not needed any more */
	char err[256];

	struct eng_batch *filling; /* the reader's, unlocked */
	struct eng_batch **all; /* its n_batches batches, to free them */
	unsigned n_batches;
};

struct engine {
	struct pipeline_opts plo;
	unsigned n;
	struct eng_worker *w;
	struct pipeline *single; /* n == 1 */
	struct flow_clock clock; /* the reader's; read by workers only once they are told done */
	uint64_t idle_usec;
	struct decode_stats rstats; /* frames the reader did not pass on */
	struct pipeline_totals totals; /* summed at engine_finish */
	bool finished;
};

static struct eng_batch *batch_new(void)
{
	struct eng_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->cap = ENGINE_BATCH_BYTES;
	b->data = malloc(b->cap);
	if (!b->data) {
		free(b);
		return NULL;
	}
	return b;
}

static void batch_free(struct eng_batch *b)
{
	if (!b)
		return;
	free(b->data);
	free(b);
}

static void run_batch(struct eng_worker *w, const struct eng_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct eng_rec *r = &b->rec[i];
		struct cap_frame fr = {
			.ts_usec = r->ts_usec,
			.caplen = r->caplen,
			.wirelen = r->wirelen,
			.linktype = r->linktype,
			.data = b->data + r->off,
		};
		pipeline_frame_at(w->pl, &fr, r->epoch, r->clock_usec);
	}
}

static void *worker_main(void *arg)
{
	struct eng_worker *w = arg;
	char err[256] = "";
	struct pipeline *pl;
	char name[16];

	snprintf(name, sizeof(name), "hk-worker-%u", w->index);
	pthread_setname_np(pthread_self(), name);
	pl = pipeline_new(&w->e->plo, err, sizeof(err));
	pthread_mutex_lock(&w->mu);
	w->pl = pl;
	if (!pl)
		snprintf(w->err, sizeof(w->err), "worker %u: %s", w->index, err);
	w->ready = true;
	pthread_cond_broadcast(&w->cv_free);
	pthread_mutex_unlock(&w->mu);

	for (;;) {
		struct eng_batch *b;

		pthread_mutex_lock(&w->mu);
		while (!w->q_head && !w->done)
			pthread_cond_wait(&w->cv_work, &w->mu);
		b = w->q_head;
		if (b) {
			w->q_head = b->next;
			if (!w->q_head)
				w->q_tail = NULL;
		}
		pthread_mutex_unlock(&w->mu);
		if (!b)
			break;
		/* a worker that could not start still recycles what it is sent,
		 * so the reader never waits for it; engine_ready reported it */
		if (pl)
			run_batch(w, b);
		b->n = 0;
		b->used = 0;
		pthread_mutex_lock(&w->mu);
		b->next = w->free_list;
		w->free_list = b;
		pthread_cond_signal(&w->cv_free);
		pthread_mutex_unlock(&w->mu);
	}
	/* end of input: pending classifications are decided on this thread,
	 * at the reader's last clock reading (set before done, under w->mu) */
	if (pl)
		pipeline_finish_at(pl, w->e->clock.epoch, w->e->clock.now);
	pthread_mutex_lock(&w->mu);
	w->finished = true;
	pthread_cond_broadcast(&w->cv_free);
	while (!w->release)
		pthread_cond_wait(&w->cv_work, &w->mu);
	pthread_mutex_unlock(&w->mu);
	/*
	 * Merged: the freeing that would otherwise end the run on one thread
	 * happens here, beside the reader's snapshot, store and output. Worker
	 * 0's inventory is the merged one and stays.
	 */
	if (pl && w->index == 0) {
		pipeline_release_dpi(pl);
	} else if (pl) {
		pipeline_free(pl);
		pthread_mutex_lock(&w->mu);
		w->pl = NULL;
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

/* Hands the reader's batch to its worker. */
static void submit(struct eng_worker *w)
{
	struct eng_batch *b = w->filling;

	if (!b)
		return;
	w->filling = NULL;
	if (!b->n) {
		pthread_mutex_lock(&w->mu);
		b->next = w->free_list;
		w->free_list = b;
		pthread_mutex_unlock(&w->mu);
		return;
	}
	b->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->q_tail)
		w->q_tail->next = b;
	else
		w->q_head = b;
	w->q_tail = b;
	pthread_cond_signal(&w->cv_work);
	pthread_mutex_unlock(&w->mu);
}

/* The next batch to fill; waits while the worker is behind. */
static struct eng_batch *take_free(struct eng_worker *w)
{
	struct eng_batch *b;

	pthread_mutex_lock(&w->mu);
	while (!w->free_list)
		pthread_cond_wait(&w->cv_free, &w->mu);
	b = w->free_list;
	w->free_list = b->next;
	pthread_mutex_unlock(&w->mu);
	b->next = NULL;
	return b;
}

static void stop_workers(struct engine *e)
{
	for (unsigned i = 0; i < e->n; i++) {
		struct eng_worker *w = &e->w[i];

		if (!w->started)
			continue;
		submit(w);
		pthread_mutex_lock(&w->mu);
		w->done = true;
		w->release = true;
		pthread_cond_signal(&w->cv_work);
		pthread_mutex_unlock(&w->mu);
	}
	for (unsigned i = 0; i < e->n; i++) {
		if (e->w[i].started)
			pthread_join(e->w[i].thread, NULL);
		e->w[i].started = false;
	}
}

unsigned engine_cpus_online(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > ENGINE_WORKERS_MAX ? ENGINE_WORKERS_MAX : (unsigned)n;
}

struct engine *engine_new(const struct engine_opts *o, char *errbuf, size_t errsz)
{
	struct engine *e = calloc(1, sizeof(*e));
	unsigned n = o && o->workers ? o->workers : 1;
	size_t flows_max;

	if (!e) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	if (n > ENGINE_WORKERS_MAX) {
		snprintf(errbuf, errsz, "%u worker threads are more than the %u allowed", n, ENGINE_WORKERS_MAX);
		free(e);
		return NULL;
	}
	if (o)
		e->plo = o->pl;
	e->n = n;
	e->idle_usec = e->plo.flow_idle_usec ? e->plo.flow_idle_usec : FLOW_IDLE_USEC_DEFAULT;
	if (n == 1) {
		e->single = pipeline_new(&e->plo, errbuf, errsz);
		if (!e->single) {
			free(e);
			return NULL;
		}
		return e;
	}
	/* the flow cap is shared out, so N workers hold no more flows than one */
	flows_max = e->plo.flows_max ? e->plo.flows_max : FLOW_MAX_DEFAULT;
	e->plo.flows_max = flows_max / n ? flows_max / n : 1;
	e->w = calloc(n, sizeof(*e->w));
	if (!e->w) {
		snprintf(errbuf, errsz, "out of memory");
		free(e);
		return NULL;
	}
	for (unsigned i = 0; i < n; i++) {
		struct eng_worker *w = &e->w[i];
		int rc;

		w->e = e;
		w->index = i;
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cv_work, NULL);
		pthread_cond_init(&w->cv_free, NULL);
		w->n_batches = engine_batches(n);
		w->all = calloc(w->n_batches, sizeof(*w->all));
		if (!w->all) {
			snprintf(errbuf, errsz, "out of memory for the batches of %u workers", n);
			return engine_free(e);
		}
		for (unsigned k = 0; k < w->n_batches; k++) {
			struct eng_batch *b = batch_new();
			if (!b) {
				snprintf(errbuf, errsz, "out of memory for the batches of %u workers", n);
				return engine_free(e);
			}
			w->all[k] = b;
			b->next = w->free_list;
			w->free_list = b;
		}
		rc = pthread_create(&w->thread, NULL, worker_main, w);
		if (rc) {
			snprintf(errbuf, errsz, "cannot start worker thread %u of %u: %s", i + 1, n, strerror(rc));
			return engine_free(e);
		}
		w->started = true;
	}
	return e;
}

int engine_ready(struct engine *e, char *errbuf, size_t errsz)
{
	int rc = 0;

	for (unsigned i = 0; i < e->n && e->w; i++) {
		struct eng_worker *w = &e->w[i];

		pthread_mutex_lock(&w->mu);
		while (!w->ready)
			pthread_cond_wait(&w->cv_free, &w->mu);
		if (!w->pl && !rc) {
			snprintf(errbuf, errsz, "%s", w->err);
			rc = -ENOMEM;
		}
		pthread_mutex_unlock(&w->mu);
	}
	return rc;
}

/* Which worker a flow hash picks: the high half scaled to [0, n). */
static unsigned pick(uint64_t h, unsigned n)
{
	return (unsigned)(((h >> 32) * n) >> 32);
}

int engine_frame(struct engine *e, const struct cap_frame *fr)
{
	struct eng_worker *w;
	struct eng_batch *b;
	struct eng_rec *r;

	if (e->single)
		return pipeline_frame(e->single, fr) < 0 ? 1 : 0;
	if (!decode_linktype_supported(fr->linktype)) {
		/* what decode_frame counts for such a frame */
		e->rstats.frames++;
		e->rstats.events[DEC_EV_LINKTYPE_UNSUPPORTED]++;
		return 1;
	}
	flow_clock_advance(&e->clock, fr->ts_usec, e->idle_usec);
	w = &e->w[pick(decode_flow_hash(fr->linktype, fr->data, fr->caplen), e->n)];
	b = w->filling;
	if (b && (b->n == ENGINE_BATCH_FRAMES || fr->caplen > b->cap - b->used)) {
		submit(w);
		b = NULL;
	}
	if (!b)
		b = w->filling = take_free(w);
	if (fr->caplen > b->cap) {
		/* libpcap bounds frames by its largest snap length, which one
		 * batch holds; a bigger one gets a batch of its size */
		uint8_t *d = realloc(b->data, fr->caplen);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = fr->caplen;
	}
	r = &b->rec[b->n++];
	r->ts_usec = fr->ts_usec;
	r->clock_usec = e->clock.now;
	r->epoch = e->clock.epoch;
	r->off = (uint32_t)b->used;
	r->caplen = fr->caplen;
	r->wirelen = fr->wirelen;
	r->linktype = fr->linktype;
	if (fr->caplen)
		memcpy(b->data + b->used, fr->data, fr->caplen);
	b->used += fr->caplen;
	return 0;
}

int engine_finish(struct engine *e, char *errbuf, size_t errsz)
{
	struct inventory *dst;
	int rc;

	if (e->finished)
		return 0;
	e->finished = true;
	if (e->single) {
		pipeline_finish(e->single);
		pipeline_totals_add(&e->totals, e->single);
		return 0;
	}
	/* the last batches, then: no more; each worker ends its flows */
	for (unsigned i = 0; i < e->n; i++) {
		struct eng_worker *w = &e->w[i];

		submit(w);
		pthread_mutex_lock(&w->mu);
		w->done = true;
		pthread_cond_signal(&w->cv_work);
		while (!w->finished)
			pthread_cond_wait(&w->cv_free, &w->mu);
		pthread_mutex_unlock(&w->mu);
	}
	rc = 0;
	for (unsigned i = 0; i < e->n && !rc; i++)
		if (!e->w[i].pl) {
			snprintf(errbuf, errsz, "%s", e->w[i].err[0] ? e->w[i].err : "a worker did not start");
			rc = -ENOMEM;
		}
	dst = rc ? NULL : e->w[0].pl->inv;
	for (unsigned i = 1; dst && i < e->n && !rc; i++) {
		rc = inv_merge(dst, e->w[i].pl->inv);
		if (rc < 0)
			snprintf(errbuf, errsz, "out of memory merging the inventories of %u workers", e->n);
	}
	for (unsigned i = 0; i < e->n; i++)
		if (e->w[i].pl)
			pipeline_totals_add(&e->totals, e->w[i].pl);
	e->totals.dstats.frames += e->rstats.frames;
	for (size_t i = 0; i < DEC_EV__MAX; i++)
		e->totals.dstats.events[i] += e->rstats.events[i];
	/* let them free their pipelines while the caller goes on */
	for (unsigned i = 0; i < e->n; i++) {
		struct eng_worker *w = &e->w[i];

		pthread_mutex_lock(&w->mu);
		w->release = true;
		pthread_cond_signal(&w->cv_work);
		pthread_mutex_unlock(&w->mu);
	}
	return rc;
}

struct inventory *engine_inventory(struct engine *e)
{
	if (e->single)
		return e->single->inv;
	return e->w && e->w[0].pl ? e->w[0].pl->inv : NULL;
}

void engine_totals(const struct engine *e, struct pipeline_totals *ret)
{
	*ret = e->totals;
}

unsigned engine_workers(const struct engine *e)
{
	return e->n;
}

unsigned engine_batches(unsigned n)
{
	unsigned per = n ? ENGINE_BATCHES_MAX / n : ENGINE_BATCHES_MAX;

	return per < ENGINE_BATCHES_MIN ? ENGINE_BATCHES_MIN : per;
}

struct engine *engine_free(struct engine *e)
{
	if (!e)
		return NULL;
	pipeline_free(e->single);
	if (e->w) {
		stop_workers(e);
		for (unsigned i = 0; i < e->n; i++) {
			struct eng_worker *w = &e->w[i];

			if (!w->e)
				continue; /* never set up */
			pipeline_free(w->pl);
			for (unsigned k = 0; w->all && k < w->n_batches; k++)
				batch_free(w->all[k]);
			free(w->all);
			pthread_mutex_destroy(&w->mu);
			pthread_cond_destroy(&w->cv_work);
			pthread_cond_destroy(&w->cv_free);
		}
		free(e->w);
	}
	free(e);
	return NULL;
}
