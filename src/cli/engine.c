/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * N workers run by N threads, the reader one of them: see engine.h.
 *
 * A batch is an arena of frames, each behind a record of its capture fields
 * and the flow clock's reading. The batches are one pool for all workers
 * (engine_batches() at most, made as they are first needed): the reader
 * fills one per worker (no lock), appends it to that worker's queue when it
 * is full and takes the next from the pool. A thread (a worker thread or
 * the reader) takes the oldest batch of a worker no other thread runs,
 * runs pipeline_frame_at() over its frames and gives it back to the pool.
 * So a worker that is behind (a stretch of the capture whose flows hash to
 * it) can hold most of the pool while the others go on, and a thread that
 * waits with nothing it may run is handed the fullest batch being filled
 * (handoff_locked). Lock traffic is two short critical sections per batch.
 */
#include "cli/engine.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "decode/decode.h"
#include "decode/flowhash.h"
#include "dpi/dpi.h"

/* Before each frame in a batch's arena; the frame follows, padded to 8. */
struct eng_rec {
	uint64_t ts_usec;
	uint64_t clock_usec, epoch; /* the reader's flow clock at this frame */
	uint32_t caplen, wirelen;
	int32_t linktype;
	uint32_t pad;
};

struct eng_batch {
	struct eng_batch *next;
	size_t n;         /* frames */
	size_t used, cap; /* arena bytes */
	uint8_t *data;    /* aligned for struct eng_rec (malloc) */
};

/*
 * A worker: one share of the flows (the hash picks it) with its pipeline,
 * and, for i > 0, the thread that built that pipeline. Worker 0's pipeline
 * is the reader's, built by engine_new on the calling thread. Any thread may
 * run any worker's queued batches, one thread at a time per worker (running)
 * and in the order they were queued, so a worker's pipeline still has one
 * writer at any moment and sees its frames in capture order.
 */
struct eng_worker {
	struct engine *e;
	unsigned index;
	pthread_t thread; /* i > 0 */
	bool started;
	struct pipeline *pl;

	/* under e->mu */
	struct eng_batch *q_head, *q_tail; /* full batches, oldest first */
	bool ready;    /* pipeline built (or failed: pl NULL) */
	bool running;  /* a thread runs one of its batches */
	bool finished; /* its flows are ended (its table is empty): the reader may read its
			* pipeline; the thread still frees its nDPI module meanwhile */
	char err[256];

	struct eng_batch *filling; /* the reader's, unlocked */
};

struct engine {
	struct pipeline_opts plo;
	unsigned n;
	struct eng_worker *w;
	struct pipeline *single; /* n == 1 */
	struct flow_clock clock; /* the reader's; read by the threads only once input_done */
	uint64_t idle_usec;
	struct decode_stats rstats; /* frames the reader did not pass on */
	struct pipeline_totals totals; /* summed at engine_finish */
	uint64_t merge_usec;  /* engine_finish's merge of the workers' inventories */
	uint64_t start_wait_usec; /* the reader waited while a worker built its pipeline */
	uint64_t reader_frames;   /* frames the reader ran itself (under mu) */
	bool finished;

	/*
	 * The batches, shared by all workers: a worker that is behind may hold
	 * most of them while the others run dry of frames only when all are
	 * taken. One mutex for the pool, every worker's queue and the flags:
	 * it is taken a few times per batch, not per frame.
	 */
	pthread_mutex_t mu;
	pthread_cond_t cv_free; /* the reader waits: no free batch, a worker running; also: ready, finished */
	pthread_cond_t cv_work; /* the threads wait: nothing to run; also: release */
	bool mu_init;
	unsigned queued;    /* batches queued, over all workers */
	unsigned n_waiting; /* threads waiting on cv_work for something to run */
	bool input_done;    /* no more batches will come */
	bool release;       /* merged: the threads free what is not needed any more */
	bool abort;         /* engine_free before engine_finish: run nothing more */
	struct eng_batch *free_list;
	struct eng_batch **all; /* n_alloc of n_max, to free them */
	unsigned n_alloc, n_max;
};

#define REC_SIZE ((sizeof(struct eng_rec) + 7u) & ~(size_t)7u)
#define PAD8(x) (((x) + 7u) & ~(size_t)7u)

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

/* A new batch for the pool, if the cap allows. Under e->mu. */
static struct eng_batch *pool_grow(struct engine *e)
{
	struct eng_batch *b;

	if (e->n_alloc == e->n_max)
		return NULL;
	b = batch_new();
	if (b)
		e->all[e->n_alloc++] = b;
	return b;
}

static void run_batch(struct eng_worker *w, const struct eng_batch *b)
{
	size_t off = 0;

	for (size_t i = 0; i < b->n; i++) {
		struct eng_rec r;
		struct cap_frame fr;
		size_t next;

		memcpy(&r, b->data + off, sizeof(r));
		/* the reader wrote this batch a while ago: the next record and the
		 * headers decode_frame reads are fetched while this frame is worked on */
		next = off + REC_SIZE + PAD8(r.caplen);
		if (i + 1 < b->n) {
			__builtin_prefetch(b->data + next);
			__builtin_prefetch(b->data + next + 64);
			__builtin_prefetch(b->data + next + 128);
		}
		fr = (struct cap_frame){
			.ts_usec = r.ts_usec,
			.caplen = r.caplen,
			.wirelen = r.wirelen,
			.linktype = r.linktype,
			.data = b->data + off + REC_SIZE,
		};
		pipeline_frame_at(w->pl, &fr, r.epoch, r.clock_usec);
		off = next;
	}
}

/*
 * A worker whose batches this thread may run now: built, not run by
 * another thread, something queued. The thread's own worker first (its
 * flows are in this CPU's caches), then the next ones in turn. Under e->mu.
 */
static struct eng_worker *runnable(struct engine *e, unsigned own)
{
	for (unsigned k = 0; k < e->n; k++) {
		struct eng_worker *w = &e->w[(own + k) % e->n];

		if (w->ready && !w->running && w->q_head)
			return w;
	}
	return NULL;
}

/*
 * Runs w's oldest batch on this thread and gives the batch back to the
 * pool. Called and returns under e->mu; runs unlocked. A worker that could
 * not build its pipeline drops what it is sent: the reader never waits for
 * it, and engine_ready reports it.
 */
static void run_one_locked(struct engine *e, struct eng_worker *w, bool reader)
{
	struct eng_batch *b = w->q_head;
	bool run = w->pl && !e->abort;

	w->q_head = b->next;
	if (!w->q_head)
		w->q_tail = NULL;
	e->queued--;
	w->running = true;
	pthread_mutex_unlock(&e->mu);
	if (run)
		run_batch(w, b);
	pthread_mutex_lock(&e->mu);
	if (reader && run)
		e->reader_frames += b->n;
	b->n = 0;
	b->used = 0;
	w->running = false;
	b->next = e->free_list;
	e->free_list = b;
	/* the reader may wait for a batch, or for w to be free to run */
	pthread_cond_signal(&e->cv_free);
	/* w may be runnable again; at the end a thread may wait for w's last batch */
	if (e->n_waiting && e->input_done)
		pthread_cond_broadcast(&e->cv_work);
	else if (e->n_waiting && w->q_head)
		pthread_cond_signal(&e->cv_work);
}

static void *worker_main(void *arg)
{
	struct eng_worker *w = arg;
	struct engine *e = w->e;
	char err[256] = "";
	struct pipeline *pl;
	char name[16];
	bool stop, keep;

	snprintf(name, sizeof(name), "hk-worker-%u", w->index);
	pthread_setname_np(pthread_self(), name);
	pl = pipeline_new(&e->plo, err, sizeof(err));
	pthread_mutex_lock(&e->mu);
	w->pl = pl;
	if (!pl)
		snprintf(w->err, sizeof(w->err), "worker %u: %s", w->index, err);
	w->ready = true;
	pthread_cond_broadcast(&e->cv_free);

	for (;;) {
		struct eng_worker *r;

		if (e->abort)
			break;
		r = runnable(e, w->index);
		if (r) {
			run_one_locked(e, r, false);
			continue;
		}
		/* done once nothing is queued and no thread runs this worker's
		 * last batch: its flows can end */
		if (e->input_done && !e->queued && !w->running)
			break;
		e->n_waiting++;
		pthread_cond_wait(&e->cv_work, &e->mu);
		e->n_waiting--;
	}
	stop = e->abort;
	pthread_mutex_unlock(&e->mu);
	if (stop)
		return NULL;
	/* end of input: pending classifications are decided on this thread,
	 * at the reader's last clock reading (set before input_done, under e->mu) */
	if (pl)
		pipeline_finish_at(pl, e->clock.epoch, e->clock.now);
	pthread_mutex_lock(&e->mu);
	w->finished = true;
	pthread_cond_broadcast(&e->cv_free);
	pthread_mutex_unlock(&e->mu);
	/*
	 * The nDPI module is not needed by the merge or the counters, which
	 * read only the inventory and the pipeline's own fields: it is
	 * released here, while the reader merges (freed, 5-20 ms, or left to
	 * the process's exit with pipeline_opts.dpi_left_to_exit, as analyze
	 * does). The flows that pointed into it are ended, so the flush in
	 * pipeline_release_dpi reads the empty table and writes nothing.
	 */
	if (pl)
		pipeline_release_dpi(pl);
	pthread_mutex_lock(&e->mu);
	while (!e->release && !e->abort)
		pthread_cond_wait(&e->cv_work, &e->mu);
	keep = e->abort; /* engine_free frees it after the join */
	pthread_mutex_unlock(&e->mu);
	/* merged into worker 0's: the freeing that would otherwise end the run
	 * on one thread happens here, beside the reader's snapshot, store and
	 * output */
	if (pl && !keep) {
		pipeline_free(pl);
		pthread_mutex_lock(&e->mu);
		w->pl = NULL;
		pthread_mutex_unlock(&e->mu);
	}
	return NULL;
}

/* Queues the reader's batch of w. Under e->mu. */
static void submit_locked(struct eng_worker *w)
{
	struct engine *e = w->e;
	struct eng_batch *b = w->filling;

	if (!b)
		return;
	w->filling = NULL;
	b->next = NULL;
	if (!b->n) {
		b->next = e->free_list;
		e->free_list = b;
		return;
	}
	if (w->q_tail)
		w->q_tail->next = b;
	else
		w->q_head = b;
	w->q_tail = b;
	e->queued++;
	if (e->n_waiting)
		pthread_cond_signal(&e->cv_work);
}

/*
 * A thread waits with nothing it may run (what is queued, if anything,
 * belongs to workers that run elsewhere or are still starting): where the
 * flows of a stretch of the capture go mostly to one worker, the others'
 * batches fill slowly. It is handed the fullest batch the reader holds of a
 * worker it may run, once that has at least ENGINE_HANDOFF_FRAMES frames
 * (fewer would cost more in wake-ups than it gains). Its frames stay in
 * order.
 */
static void handoff_locked(struct engine *e)
{
	struct eng_worker *best = NULL;

	if (!e->n_waiting || runnable(e, 0))
		return;
	for (unsigned i = 0; i < e->n; i++) {
		struct eng_worker *o = &e->w[i];

		if (o->ready && !o->running && o->filling && o->filling->n >= ENGINE_HANDOFF_FRAMES &&
		    (!best || o->filling->n > best->filling->n))
			best = o;
	}
	if (best)
		submit_locked(best);
}

/* Whether some worker is still building its pipeline. Under e->mu. */
static bool starting(const struct engine *e)
{
	for (unsigned i = 0; i < e->n; i++)
		if (!e->w[i].ready)
			return true;
	return false;
}

/* The reader waits on cv_free; the time counts as the workers' start while
 * one of them is still building its pipeline. Under e->mu. */
static void reader_wait(struct engine *e)
{
	bool st = starting(e);
	uint64_t t0 = st ? hk_mono_usec() : 0;

	pthread_cond_wait(&e->cv_free, &e->mu);
	if (st)
		e->start_wait_usec += hk_mono_usec() - t0;
}

/* The reader, waiting for a state of the threads: it runs a batch no
 * thread runs (its own worker's first) if there is one, else it waits.
 * Under e->mu. */
static void reader_step(struct engine *e)
{
	struct eng_worker *r = runnable(e, 0);

	if (r)
		run_one_locked(e, r, true);
	else
		reader_wait(e);
}

/*
 * Queues w's full batch and takes the next one to fill. The reader is a
 * worker too: once ahead() batches are queued (work for the threads while
 * the reader runs one), it runs one of its own worker's; and rather than
 * wait for a free batch it runs any batch no other thread runs. It waits
 * only when every batch is out and each one queued belongs to a worker
 * another thread is running or one still building its pipeline. Only then
 * does it run another worker's batches: a worker's flows stay in one CPU's
 * caches as long as they can (docs/performance.md, session 7, measured
 * both).
 */
/* ENGINE_AHEAD per worker thread, but never more than the pool leaves
 * queued beside the batches being filled and run (with many threads the
 * reader would otherwise run its worker only when the pool is empty). */
static unsigned ahead(const struct engine *e)
{
	unsigned want = ENGINE_AHEAD * (e->n - 1), room = e->n_max - 2 * e->n;

	return want < room ? want : room;
}

static struct eng_batch *swap_batch(struct engine *e, struct eng_worker *w)
{
	struct eng_batch *b;

	pthread_mutex_lock(&e->mu);
	submit_locked(w);
	for (;;) {
		struct eng_worker *r = NULL;

		if (e->queued >= ahead(e) && runnable(e, 0) == &e->w[0])
			r = &e->w[0];
		if (r) {
			run_one_locked(e, r, true);
			continue;
		}
		b = e->free_list;
		if (b) {
			e->free_list = b->next;
			break;
		}
		b = pool_grow(e);
		if (b)
			break;
		r = runnable(e, 0);
		if (r) {
			run_one_locked(e, r, true);
			continue;
		}
		handoff_locked(e);
		reader_wait(e);
	}
	handoff_locked(e);
	pthread_mutex_unlock(&e->mu);
	b->next = NULL;
	return b;
}

static void stop_workers(struct engine *e)
{
	pthread_mutex_lock(&e->mu);
	/* after engine_finish the threads are told to release already */
	if (!e->finished)
		e->abort = true;
	e->input_done = true;
	pthread_cond_broadcast(&e->cv_work);
	pthread_mutex_unlock(&e->mu);
	for (unsigned i = 1; i < e->n; i++) {
		if (e->w[i].started)
			pthread_join(e->w[i].thread, NULL);
		e->w[i].started = false;
	}
}

/* each worker may leave its nDPI module to the process's exit */
_Static_assert(ENGINE_WORKERS_MAX <= DPI_LEFT_MAX, "dpi_leave_to_exit keeps one module a worker");

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
	e->n_max = engine_batches(n);
	e->all = calloc(e->n_max, sizeof(*e->all));
	if (!e->w || !e->all) {
		snprintf(errbuf, errsz, "out of memory");
		free(e->w);
		free(e->all);
		free(e);
		return NULL;
	}
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cv_free, NULL);
	pthread_cond_init(&e->cv_work, NULL);
	e->mu_init = true;
	for (unsigned i = 0; i < n; i++) {
		e->w[i].e = e;
		e->w[i].index = i;
	}
	/* two a worker to begin with (one being filled, one being worked on);
	 * the rest as the workers fall behind */
	for (unsigned k = 0; k < 2 * n; k++) {
		struct eng_batch *b = pool_grow(e);

		if (!b) {
			snprintf(errbuf, errsz, "out of memory for the batches of %u workers", n);
			return engine_free(e);
		}
		b->next = e->free_list;
		e->free_list = b;
	}
	/*
	 * Worker 0's pipeline first, on this thread: nDPI's first module is
	 * built alone (src/dpi/dpi.c), so the threads' modules could not be
	 * built beside it anyway, and once it is built the reader can run its
	 * worker's frames while the threads build theirs.
	 */
	e->w[0].pl = pipeline_new(&e->plo, errbuf, errsz);
	if (!e->w[0].pl)
		return engine_free(e);
	e->w[0].ready = true;
	for (unsigned i = 1; i < n; i++) {
		struct eng_worker *w = &e->w[i];
		int rc;

		rc = pthread_create(&w->thread, NULL, worker_main, w);
		if (rc) {
			snprintf(errbuf, errsz, "cannot start worker thread %u of %u: %s", i, n - 1, strerror(rc));
			return engine_free(e);
		}
		w->started = true;
	}
	return e;
}

int engine_ready(struct engine *e, char *errbuf, size_t errsz)
{
	int rc = 0;

	if (!e->w)
		return 0;
	pthread_mutex_lock(&e->mu);
	for (unsigned i = 0; i < e->n; i++) {
		struct eng_worker *w = &e->w[i];

		while (!w->ready)
			reader_step(e); /* worker 0's batches, say, rather than wait */
		if (!w->pl && !rc) {
			snprintf(errbuf, errsz, "%s", w->err);
			rc = -ENOMEM;
		}
	}
	pthread_mutex_unlock(&e->mu);
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
	struct eng_rec r;
	size_t need = REC_SIZE + PAD8(fr->caplen);

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
	if (!b || need > b->cap - b->used)
		b = w->filling = swap_batch(e, w);
	if (need > b->cap) {
		/* libpcap bounds frames by its largest snap length, which one
		 * batch holds; a bigger one gets a batch of its size */
		uint8_t *d = realloc(b->data, need);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = need;
	}
	r = (struct eng_rec){
		.ts_usec = fr->ts_usec,
		.clock_usec = e->clock.now,
		.epoch = e->clock.epoch,
		.caplen = fr->caplen,
		.wirelen = fr->wirelen,
		.linktype = fr->linktype,
	};
	memcpy(b->data + b->used, &r, sizeof(r));
	if (fr->caplen)
		memcpy(b->data + b->used + REC_SIZE, fr->data, fr->caplen);
	b->used += need;
	b->n++;
	return 0;
}

int engine_finish(struct engine *e, char *errbuf, size_t errsz)
{
	struct inventory *dst;
	uint64_t t0;
	int rc;

	if (e->finished)
		return 0;
	e->finished = true;
	if (e->single) {
		pipeline_finish(e->single);
		pipeline_totals_add(&e->totals, e->single);
		return 0;
	}
	/* the last batches, then: no more; the reader helps run what is
	 * queued, then ends its worker's flows, the threads theirs */
	pthread_mutex_lock(&e->mu);
	for (unsigned i = 0; i < e->n; i++)
		submit_locked(&e->w[i]);
	e->input_done = true;
	pthread_cond_broadcast(&e->cv_work);
	while (runnable(e, 0) || e->w[0].q_head || e->w[0].running)
		reader_step(e);
	pthread_mutex_unlock(&e->mu);
	pipeline_finish_at(e->w[0].pl, e->clock.epoch, e->clock.now);
	pthread_mutex_lock(&e->mu);
	e->w[0].finished = true;
	for (unsigned i = 1; i < e->n; i++)
		while (!e->w[i].finished)
			reader_step(e);
	pthread_mutex_unlock(&e->mu);
	rc = 0;
	for (unsigned i = 0; i < e->n && !rc; i++)
		if (!e->w[i].pl) {
			snprintf(errbuf, errsz, "%s", e->w[i].err[0] ? e->w[i].err : "a worker did not start");
			rc = -ENOMEM;
		}
	dst = rc ? NULL : e->w[0].pl->inv;
	t0 = hk_mono_usec();
	for (unsigned i = 1; dst && i < e->n && !rc; i++) {
		rc = inv_merge(dst, e->w[i].pl->inv);
		if (rc < 0)
			snprintf(errbuf, errsz, "out of memory merging the inventories of %u workers", e->n);
	}
	e->merge_usec = hk_mono_usec() - t0;
	for (unsigned i = 0; i < e->n; i++)
		if (e->w[i].pl)
			pipeline_totals_add(&e->totals, e->w[i].pl);
	e->totals.dstats.frames += e->rstats.frames;
	for (size_t i = 0; i < DEC_EV__MAX; i++)
		e->totals.dstats.events[i] += e->rstats.events[i];
	/* let them free their pipelines while the caller goes on */
	pthread_mutex_lock(&e->mu);
	e->release = true;
	pthread_cond_broadcast(&e->cv_work);
	pthread_mutex_unlock(&e->mu);
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

uint64_t engine_merge_usec(const struct engine *e)
{
	return e->merge_usec;
}

uint64_t engine_start_wait_usec(const struct engine *e)
{
	return e->start_wait_usec;
}

uint64_t engine_reader_frames(struct engine *e)
{
	uint64_t n;

	if (!e->w)
		return 0;
	pthread_mutex_lock(&e->mu);
	n = e->reader_frames;
	pthread_mutex_unlock(&e->mu);
	return n;
}

unsigned engine_workers(const struct engine *e)
{
	return e->n;
}

unsigned engine_batches(unsigned n)
{
	unsigned min = (n ? n : 1) * ENGINE_BATCHES_MIN;

	return min > ENGINE_BATCHES_MAX ? min : ENGINE_BATCHES_MAX;
}

struct engine *engine_free(struct engine *e)
{
	if (!e)
		return NULL;
	pipeline_free(e->single);
	if (e->w) {
		if (e->mu_init)
			stop_workers(e);
		for (unsigned i = 0; i < e->n; i++)
			pipeline_free(e->w[i].pl);
		free(e->w);
	}
	for (unsigned k = 0; k < e->n_alloc; k++)
		batch_free(e->all[k]);
	free(e->all);
	if (e->mu_init) {
		pthread_mutex_destroy(&e->mu);
		pthread_cond_destroy(&e->cv_free);
		pthread_cond_destroy(&e->cv_work);
	}
	free(e);
	return NULL;
}
