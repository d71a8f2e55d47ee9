/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * herkomst run: the live capture daemon.
 *
 * The same pieces as analyze (capture → pipeline → inventory snapshot →
 * store merge), with live interfaces as the source and a loop instead of an
 * end of file:
 *
 *   1. configuration (file, then the command line), checked whole;
 *   2. the interfaces are opened (the only step that needs privileges), the
 *      token file is read, then the process gives up what it can: started
 *      as root it becomes [daemon] user with no groups and no capabilities;
 *      started as that user with capabilities (herkomst.service), there is
 *      no user to change to;
 *   3. the store is opened as the final user (so the database is its own),
 *      the signatures are loaded, the REST API starts, systemd hears READY=1;
 *   4. [capture] workers threads each poll their own sockets (one per
 *      interface, joined in the interface's PACKET_FANOUT group, so each
 *      worker gets whole flows) and feed their own pipeline, holding its
 *      mutex while they work on a round of frames; the main thread polls a
 *      signalfd (at most 200 ms between wake-ups) and every flush_interval
 *      seconds merges the workers' partial inventories into a fresh one
 *      (inv_merge, each worker locked in turn), snapshots that and merges
 *      what changed into the store (flusher.c: the inventory is cumulative,
 *      the store adds up);
 *   5. SIGTERM/SIGINT stop the workers (each ends its flows), then a last
 *      flush; SIGHUP reloads the signatures and the policy; SIGUSR1 flushes
 *      at once. The systemd watchdog is told only while every worker comes
 *      back from its rounds. The main thread waits for a worker's mutex
 *      at most RUN_LOCK_WAIT_USEC: a worker stuck inside a round (a parser
 *      that does not return, a frozen thread) keeps its last counters in
 *      /metrics and its devices out of the flushes, and the main thread
 *      goes on logging, answering and telling systemd nothing.
 *
 * Logging goes to standard error (the journal under systemd), one line per
 * event; traffic is only ever counted (and exported through /metrics).
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <poll.h>
#include <pwd.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "capture/capture.h"
#include "cli/cli.h"
#include "cli/config.h"
#include "cli/engine.h"
#include "cli/flusher.h"
#include "cli/pipeline.h"
#include "core/util.h"
#include "decode/decode.h"
#include "fleet/ship.h"
#include "hk_config.h"
#include "inventory/derive.h"
#include "inventory/enterprises.h"
#include "inventory/oui.h"
#include "inventory/policy.h"
#include "inventory/signatures.h"
#include "inventory/vendorids.h"
#include "proto/proto.h"
#include "store/store.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#define RUN_POLL_MS 200                    /* longest sleep between two looks at everything */
#define RUN_FRAMES_PER_ROUND 4096          /* per interface, before the others get a turn */
#define RUN_TICK_USEC 1000000u             /* counters, idle flow expiry, metrics */
#define RUN_DROP_LOG_EVERY_USEC 60000000u  /* a growing drop counter is logged at most this often */
#define RUN_STATUS_LOG_EVERY_USEC (900u * 1000000u)
#define RUN_SLOW_FLUSH_USEC 2000000u       /* a flush slower than this is logged */
#define RUN_FAIL_LOG_EVERY 60u             /* failed flushes in a row between two log lines */
#define RUN_TOKEN_FILE_MAX 4096
#define RUN_LOCK_WAIT_USEC 250000u         /* the main thread waits this long for a busy worker */
#define RUN_YIELD_MAX 10000                /* a worker's yields to the main thread before a round */

struct run_counters {
	uint64_t drops_ring, drops_if, ring_freezes;
	uint64_t flows_evicted;
	uint64_t macs_dropped, ips_dropped, evidence_dropped, assoc_dropped;
	uint64_t obs_dropped;
	uint64_t flusher_dropped;
	uint64_t packets;
};

struct run;

/* One worker: its sockets, its pipeline (flow table, nDPI, partial inventory). */
struct run_worker {
	struct run *r;
	unsigned index;
	pthread_t thread;
	bool started;
	/* held by the worker while it works on a round of frames, and by the
	 * main thread to read its pipeline or its sockets' counters */
	pthread_mutex_t mu;
	struct pipeline *pl;
	struct cap_source **src; /* its sockets: one per interface, in r->src */
	size_t n_src;
	uint64_t first_ts, last_ts; /* of its frames; under mu */
	_Atomic uint64_t heartbeat; /* monotonic time its last round ended */
	atomic_bool failed;         /* a capture error ended it (logged) */
	/* the main thread's own: the counters as last read under mu, kept for
	 * when mu cannot be had (worker_lock) */
	struct pipeline_totals tot;
	struct inv_stats inv_st;
	bool lock_missed;           /* the last worker_lock gave up ... */
	uint64_t missed_heartbeat;  /* ... while heartbeat was this */
	/* set by the main thread while it waits for mu: the worker lets it in
	 * before its next round (glibc's mutexes are not fair) */
	atomic_bool main_waits;
};

struct run {
	struct run_config cfg;
	/* every worker's sockets, worker by worker: worker k's are
	 * src[k * cfg.n_interfaces ..] */
	struct cap_source *src[CONFIG_IFACES_MAX * CONFIG_WORKERS_MAX];
	struct cap_live_stats cst[CONFIG_IFACES_MAX * CONFIG_WORKERS_MAX];
	size_t n_src;
	struct run_worker *w;
	unsigned n_workers;
	int stop_efd;                 /* readable once the workers are to stop */
	struct pipeline_opts po;
	struct pipeline_totals tot;   /* the workers' counters, summed at the last tick or flush */
	struct inv_stats inv_st;      /* their partial inventories' counters, summed */
	bool stuck_logged;
	bool flush_skip_logged;       /* a periodic flush skipped for a busy worker was logged */
	struct flusher *fl;
	struct store *st;
	struct oui_db *oui;
	struct inv_knowledge know;
	struct api *api;
	char *token;
	char *central_pw;          /* [central] password_file, read before privileges go */
	struct ship_daemon *ship;  /* shipping to the central PostgreSQL; NULL: none */
	int sfd;

	uint64_t started_usec;       /* wall clock */
	uint64_t flushes, flush_errors, fail_streak;
	uint64_t last_flush_usec;    /* how long the last flush took */
	uint64_t devices;            /* in the last snapshot */
	uint64_t frames_flushed;     /* frames read up to the last flush */
	uint64_t watchdog_usec;      /* 0: no watchdog */
	bool stop, flush_now, reload;
	int stop_signal;

	struct run_counters logged;  /* as of the last log line about them */
	uint64_t next_drop_log, next_status_log;
	struct run_counters at_status;
};

/* ---- logging ---- */

static bool log_to_journal;

static void log_init(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat sb;

	/* the journal reads "<N>" as the priority; a terminal wants a time */
	log_to_journal = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &sb) == 0 &&
			 (unsigned long long)sb.st_dev == dev && (unsigned long long)sb.st_ino == ino;
}

static void logm(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logm(int prio, const char *fmt, ...)
{
	char msg[2048], ts[HK_TIME_STRLEN];
	const char *level = prio <= LOG_ERR ? "error: " : prio == LOG_WARNING ? "warning: " : "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_to_journal) {
		fprintf(stderr, "<%d>%s%s\n", prio, level, msg);
	} else {
		uint64_t now = hk_now_usec();
		hk_time_fmt(now - now % 1000000u, ts);
		fprintf(stderr, "%s herkomst[%d]: %s%s\n", ts, (int)getpid(), level, msg);
	}
}

/* ---- systemd ---- */

static void notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void notify(const char *fmt, ...)
{
#if HAVE_LIBSYSTEMD
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sd_notify(0, msg);
#else
	(void)fmt;
#endif
}

static uint64_t watchdog_interval(void)
{
#if HAVE_LIBSYSTEMD
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) > 0)
		return usec;
#endif
	return 0;
}

/* ---- privileges ---- */

static int caps_get(uint64_t *ret_eff, uint64_t *ret_perm)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &h, data) != 0)
		return -errno;
	*ret_eff = data[0].effective | (uint64_t)data[1].effective << 32;
	*ret_perm = data[0].permitted | (uint64_t)data[1].permitted << 32;
	return 0;
}

static int caps_clear(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return syscall(SYS_capset, &h, data) == 0 ? 0 : -errno;
}

static const char *caps_fmt(uint64_t caps, char *buf, size_t bufsz)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 64 && o < bufsz; i++) {
		if (!(caps & (1ull << i)))
			continue;
		if (i == CAP_NET_RAW || i == CAP_NET_ADMIN)
			o += (size_t)snprintf(buf + o, bufsz - o, "%s%s", o ? ", " : "",
					      i == CAP_NET_RAW ? "CAP_NET_RAW" : "CAP_NET_ADMIN");
		else
			o += (size_t)snprintf(buf + o, bufsz - o, "%scapability %u", o ? ", " : "", i);
	}
	return o ? buf : "none";
}

/*
 * After the interfaces are open: started as root, become [daemon] user
 * with no supplementary groups and no capabilities (the kernel clears them
 * when all user IDs leave 0); started as another user (herkomst.service,
 * with ambient capabilities), there is no user to change to, and the
 * capabilities are given up if the sandbox allows capset(2). The open
 * packet sockets keep working either way.
 */
static int drop_privileges(const struct run *r)
{
	const char *want = r->cfg.user;
	uint64_t eff = 0, perm = 0;
	char capbuf[256];
	struct passwd *pw;

	if (geteuid() != 0) {
		struct passwd *me = getpwuid(geteuid());
		const char *name = me ? me->pw_name : "?";
		int rc;

		if (want[0] && strcmp(want, name) != 0)
			logm(LOG_NOTICE, "[daemon] user = %s does not apply: herkomst was started as %s, not root",
			     want, name);
		if (caps_get(&eff, &perm) < 0 || !(eff | perm)) {
			logm(LOG_INFO, "running as %s (uid %u): not root, no capabilities; nothing to drop", name,
			     (unsigned)geteuid());
			return 0;
		}
		caps_fmt(eff | perm, capbuf, sizeof(capbuf));
		rc = caps_clear();
		if (rc == 0)
			logm(LOG_INFO,
			     "running as %s (uid %u): no user to change to; gave up %s now that the interfaces are "
			     "open",
			     name, (unsigned)geteuid(), capbuf);
		else
			logm(LOG_INFO,
			     "running as %s (uid %u): no user to change to; keeping %s (giving them up was refused: "
			     "%s; the service's SystemCallFilter does that)",
			     name, (unsigned)geteuid(), capbuf, strerror(-rc));
		(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		return 0;
	}
	if (!want[0] || strcmp(want, "root") == 0) {
		logm(LOG_WARNING,
		     "running as root: [daemon] user is %s; a flaw in a protocol parser would run with root's "
		     "rights. Set [daemon] user = herkomst",
		     want[0] ? "root" : "empty");
		return 0;
	}
	errno = 0;
	pw = getpwnam(want);
	if (!pw) {
		logm(LOG_ERR,
		     "[daemon] user %s does not exist%s%s; create it (useradd --system --no-create-home --shell "
		     "/usr/sbin/nologin %s) or name another user",
		     want, errno ? ": " : "", errno ? strerror(errno) : "", want);
		return -ENOENT;
	}
	if (pw->pw_uid == 0) {
		logm(LOG_WARNING, "[daemon] user %s has uid 0: herkomst keeps running as root", want);
		return 0;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		logm(LOG_ERR, "cannot become user %s (uid %u, gid %u): %s", want, (unsigned)pw->pw_uid,
		     (unsigned)pw->pw_gid, strerror(errno));
		return -EPERM;
	}
	/* paranoia: there must be no way back, and nothing kept */
	if (setuid(0) == 0 || geteuid() == 0 || getegid() != pw->pw_gid || caps_get(&eff, &perm) < 0 || eff ||
	    perm) {
		logm(LOG_ERR, "giving up root did not work (uid %u, gid %u, capabilities %s); stopping",
		     (unsigned)geteuid(), (unsigned)getegid(), caps_fmt(eff | perm, capbuf, sizeof(capbuf)));
		return -EPERM;
	}
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	logm(LOG_INFO,
	     "dropped root: now user %s (uid %u, gid %u), no supplementary groups, no capabilities; the %zu "
	     "open interface%s keep capturing",
	     want, (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, r->cfg.n_interfaces, r->cfg.n_interfaces == 1 ? "" : "s");
	return 0;
}

/* The token: the first line of the file, white space around it removed.
 * Read before privileges are dropped (it may be root's to read). */
static char *token_read(const char *path)
{
	char buf[RUN_TOKEN_FILE_MAX + 1], *tok, *end;
	struct stat sb;
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f) {
		logm(LOG_ERR, "cannot read [api] token_file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & S_IROTH))
		logm(LOG_WARNING, "token file %s can be read by every user; chmod 0640 %s", path, path);
	n = fread(buf, 1, RUN_TOKEN_FILE_MAX, f);
	if (ferror(f) || !feof(f)) {
		logm(LOG_ERR, "cannot read [api] token_file %s: %s", path,
		     ferror(f) ? strerror(errno) : "longer than 4 KiB");
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	tok = buf + strspn(buf, " \t\r\n");
	end = tok + strcspn(tok, "\r\n");
	while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (!tok[0]) {
		logm(LOG_ERR, "[api] token_file %s is empty; put a token in it (head -c 32 /dev/urandom | base64)",
		     path);
		return NULL;
	}
	tok = strdup(tok);
	memset(buf, 0, sizeof(buf));
	return tok;
}

/* ---- knowledge ---- */

static const char *sigdir_of(const struct run *r, char *buf, size_t bufsz)
{
	return r->cfg.signatures[0] ? r->cfg.signatures : sig_default_dir(buf, bufsz);
}

/* Loads signatures, vendor IDs and enterprise names into k; the policy is
 * loaded to check and name it (the API holds its own copy). Signatures that
 * do not load are an error; the rest are warnings, as for analyze. */
static int knowledge_load(const struct run *r, struct inv_knowledge *k, const char *what)
{
	char dirbuf[CONFIG_PATH_MAX], err[2048], polinfo[CONFIG_PATH_MAX + 512];
	const char *dir = sigdir_of(r, dirbuf, sizeof(dirbuf));
	struct policy *pol;

	if (inv_knowledge_open(k, dir, err, sizeof(err)) > 0) {
		if (!k->sigs) {
			logm(LOG_ERR, "%s: %s", what, err);
			inv_knowledge_close(k);
			return -EINVAL;
		}
		logm(LOG_WARNING, "%s: %s", what, err);
	}
	pol = r->cfg.policy[0] ? policy_load(r->cfg.policy, err, sizeof(err))
			       : policy_load_default(dir, err, sizeof(err));
	if (pol)
		snprintf(polinfo, sizeof(polinfo), "policy %s%s%s (%s)",
			 policy_name(pol) ? policy_name(pol) : "(unnamed)", policy_as_of(pol) ? " as of " : "",
			 policy_as_of(pol) ? policy_as_of(pol) : "", policy_path(pol));
	else
		snprintf(polinfo, sizeof(polinfo), "no policy (%.400s)", err);
	if (!pol && r->cfg.policy[0]) {
		logm(LOG_ERR, "%s: [data] policy: %s", what, err);
		inv_knowledge_close(k);
		return -EINVAL;
	}
	policy_free(pol);
	logm(LOG_INFO, "%s: %zu signature rules in %zu files from %s, %zu vendor IDs, %zu enterprise names, %s",
	     what, k->sigs ? sig_count(k->sigs) : 0, k->sigs ? sig_file_count(k->sigs) : 0, dir,
	     k->vids ? vid_count(k->vids) : 0, k->ents ? ent_db_count(k->ents) : 0, polinfo);
	return 0;
}

static void reload(struct run *r)
{
	struct inv_knowledge fresh;
	char err[1024];

	notify("RELOADING=1\nSTATUS=reloading signatures and policy");
	if (knowledge_load(r, &fresh, "reload") < 0) {
		logm(LOG_ERR, "reload failed; going on with the signatures and policy loaded before");
		notify("READY=1\nSTATUS=reload failed; the signatures and policy loaded before stay");
		return;
	}
	/* the store holds a pointer to r->know: swap the contents, not the pointer */
	inv_knowledge_close(&r->know);
	r->know = fresh;
	if (r->api && api_reload(r->api, err, sizeof(err)) < 0)
		logm(LOG_ERR, "reload: the REST API keeps its signatures and policy: %s", err);
	if (r->ship)
		ship_daemon_reload(r->ship);
	notify("READY=1\nSTATUS=reloaded");
}

/* ---- flushing ---- */

static int merge_store(const struct hk_device *devs, size_t n, void *userdata)
{
	return store_devices_merge(userdata, devs, n);
}

static void metrics_update(struct run *r)
{
	struct api_metrics m;
	const struct flow_stats *fs = &r->tot.flows;

	if (!r->api)
		return;
	memset(&m, 0, sizeof(m));
	m.packets = r->tot.packets;
	m.bytes = r->tot.bytes;
	for (size_t i = 0; i < r->n_src; i++) {
		const struct cap_live_stats *cs = &r->cst[i];
		/* per interface: every socket of it (one per worker) summed; the
		 * sockets are laid out worker by worker (struct run) */
		size_t k = i % r->cfg.n_interfaces;

		m.drops_kernel += cs->drops_ring;
		m.drops_if += cs->drops_if;
		m.ring_freezes += cs->ring_freezes;
		if (k >= API_METRICS_IFACES_MAX)
			continue;
		if (k >= m.n_ifaces) {
			snprintf(m.ifaces[k].name, sizeof(m.ifaces[k].name), "%s", cap_name(r->src[i]));
			m.n_ifaces = k + 1;
		}
		m.ifaces[k].received += cs->received;
		m.ifaces[k].drops_kernel += cs->drops_ring;
		m.ifaces[k].drops_if += cs->drops_if;
		m.ifaces[k].ring_freezes += cs->ring_freezes;
	}
	m.drops_ring = 0; /* each worker reads its own sockets: no ring of our own in between */
	m.flows_active = fs->active;
	m.flows_created = fs->created;
	m.flows_evicted = fs->evicted;
	m.flows_expired = fs->expired;
	m.devices = r->devices;
	m.observations_dropped = r->tot.obs_dropped;
	for (size_t i = 0; i < proto_count && i < PIPELINE_PARSERS_MAX && i < 64; i++) {
		m.parser_names[i] = proto_table[i].name;
		for (int k = 0; k < 4 && k < HK_PARSE__MAX; k++)
			m.parser_results[i][k] = r->tot.parse_results[i][k];
		m.n_parsers = i + 1;
	}
	m.flushes = r->flushes;
	m.flush_errors = r->flush_errors;
	m.started_usec = r->started_usec;
	if (r->ship) {
		struct ship_stats ss;

		ship_daemon_stats(r->ship, &ss);
		m.central = true;
		m.central_up = ss.up;
		m.central_backlog = ss.backlog;
		m.central_shipped_rows = ss.shipped_rows;
		m.central_errors = ss.errors;
		m.central_last_success_usec = ss.last_success_usec;
	}
	api_metrics_set(r->api, &m);
}

static void status_notify(const struct run *r)
{
	notify("STATUS=%" PRIu64 " packets, %" PRIu64 " devices; last flush %" PRIu64 " ms%s", r->tot.packets,
	       r->devices, r->last_flush_usec / 1000u, r->fail_streak ? " (failing)" : "");
}

/*
 * The main thread's lock of a worker. A worker holds its mutex for one round
 * of frames (milliseconds), and lets a waiting main thread in before its
 * next round (main_waits); one that holds it longer is stuck inside a round,
 * and the main thread must go on (signals, the watchdog, /metrics, logs):
 * it waits at most RUN_LOCK_WAIT_USEC, and after a wait failed it only
 * tries, until the worker's heartbeat shows it finished a round again.
 * False: not locked, use what was read last.
 */
static bool worker_lock(struct run_worker *w)
{
	uint64_t hb = atomic_load(&w->heartbeat);
	struct timespec until;
	uint64_t ns;
	int rc;

	if (w->lock_missed && hb == w->missed_heartbeat) {
		rc = pthread_mutex_trylock(&w->mu);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &until);
		ns = (uint64_t)until.tv_nsec + RUN_LOCK_WAIT_USEC * 1000u;
		until.tv_sec += (time_t)(ns / 1000000000u);
		until.tv_nsec = (long)(ns % 1000000000u);
		atomic_store(&w->main_waits, true);
		rc = pthread_mutex_clocklock(&w->mu, CLOCK_MONOTONIC, &until);
		atomic_store(&w->main_waits, false);
	}
	w->lock_missed = rc != 0;
	w->missed_heartbeat = hb;
	return rc == 0;
}

/* The workers' counters, each worker locked in turn; a worker that cannot be
 * locked counts with what it had at the last reading. */
static void collect_totals(struct run *r)
{
	struct pipeline_totals t;
	struct inv_stats is = {0};

	memset(&t, 0, sizeof(t));
	for (unsigned k = 0; k < r->n_workers; k++) {
		struct run_worker *w = &r->w[k];

		if (worker_lock(w)) {
			const struct inv_stats *ws = inv_get_stats(w->pl->inv);

			memset(&w->tot, 0, sizeof(w->tot));
			pipeline_totals_add(&w->tot, w->pl);
			w->inv_st = *ws;
			pthread_mutex_unlock(&w->mu);
		}
		pipeline_totals_sum(&t, &w->tot);
		is.packets += w->inv_st.packets;
		is.macs_dropped += w->inv_st.macs_dropped;
		is.ips_dropped += w->inv_st.ips_dropped;
		is.assoc_dropped += w->inv_st.assoc_dropped;
		is.evidence_dropped += w->inv_st.evidence_dropped;
	}
	r->tot = t;
	r->inv_st = is;
}

/*
 * The workers' partial inventories merged into a fresh one, each worker
 * locked only for its own merge; the caller snapshots and frees it with no
 * lock held. NULL when memory ran out, or (*ret_busy: its index, else -1)
 * when a worker could not be locked: a snapshot without its share must not
 * be flushed (the flusher stores differences from the last snapshot: the
 * share would drop out, then count again when the worker is back).
 */
static struct inventory *merge_workers(struct run *r, int *ret_busy)
{
	struct inventory *inv = inv_new(&r->po.inv);

	*ret_busy = -1;
	for (unsigned k = 0; inv && k < r->n_workers; k++) {
		struct run_worker *w = &r->w[k];
		int rc;

		if (!worker_lock(w)) {
			*ret_busy = (int)k;
			return inv_free(inv);
		}
		rc = inv_merge(inv, w->pl->inv);
		pthread_mutex_unlock(&w->mu);
		if (rc < 0)
			inv = inv_free(inv);
	}
	return inv;
}

/* One flush; why: NULL for the periodic one (logged only when slow or failing). */
static int flush(struct run *r, const char *why)
{
	struct hk_device *devs = NULL;
	struct flusher_result res = {0};
	struct inventory *inv;
	size_t n = 0;
	uint64_t t0 = hk_mono_usec();
	int busy, rc;

	collect_totals(r);
	inv = merge_workers(r, &busy);
	if (busy >= 0) {
		/* not a failure: nothing is stored until every worker can be read
		 * (logged for every flush asked for, once for the periodic ones) */
		if (why || !r->flush_skip_logged)
			logm(LOG_ERR,
			     "flush%s%s skipped: worker %d has been busy in one round for over %u ms; nothing is "
			     "stored until every worker can be read",
			     why ? " " : "", why ? why : "", busy, RUN_LOCK_WAIT_USEC / 1000u);
		r->flush_skip_logged = true;
		metrics_update(r);
		status_notify(r);
		return 0;
	}
	r->flush_skip_logged = false;
	if (!inv || inv_snapshot(inv, r->oui, &devs, &n) < 0) {
		rc = -ENOMEM;
	} else {
		rc = flusher_flush(r->fl, devs, n, merge_store, r->st, &res);
		r->devices = n;
	}
	inv_devices_free(devs, n);
	inv_free(inv);
	r->last_flush_usec = hk_mono_usec() - t0;
	if (rc < 0) {
		r->flush_errors++;
		if (r->fail_streak++ % RUN_FAIL_LOG_EVERY == 0)
			logm(LOG_ERR,
			     "flush%s%s failed (%" PRIu64 " in a row): %s; the inventory stays in memory and the next "
			     "flush tries again. Check free disk space and that %s is writable",
			     why ? " " : "", why ? why : "", r->fail_streak,
			     rc == -ENOMEM ? "out of memory" : store_errmsg(r->st), r->cfg.database);
	} else {
		if (r->fail_streak)
			logm(LOG_NOTICE, "flushes work again after %" PRIu64 " failures", r->fail_streak);
		r->fail_streak = 0;
		r->flushes++;
		if (why || r->last_flush_usec > RUN_SLOW_FLUSH_USEC)
			logm(LOG_INFO,
			     "flush%s%s: %" PRIu64 " frames since the last flush; %zu devices in memory, %zu stored "
			     "(%zu new) with %zu claims; %" PRIu64 ".%03" PRIu64 " ms",
			     why ? " " : "", why ? why : " (slow)", r->tot.packets - r->frames_flushed, n, res.devices,
			     res.devices_new, res.claims, r->last_flush_usec / 1000u, r->last_flush_usec % 1000u);
		r->frames_flushed = r->tot.packets;
	}
	metrics_update(r);
	status_notify(r);
	return rc;
}

/* ---- counters ---- */

static void read_capture_stats(struct run *r)
{
	size_t per = r->n_workers ? r->n_src / r->n_workers : 0;

	for (size_t i = 0; i < r->n_src; i++) {
		struct run_worker *w = per ? &r->w[i / per] : NULL;
		struct cap_live_stats s;
		int rc;

		/* a source is its worker's: no two threads in it at once; a
		 * worker that cannot be locked keeps its last counters */
		if (w && !worker_lock(w))
			continue;
		rc = cap_live_stats(r->src[i], &s);
		if (w)
			pthread_mutex_unlock(&w->mu);
		if (rc == 0)
			r->cst[i] = s;
	}
}

static void current_counters(const struct run *r, struct run_counters *c)
{
	const struct inv_stats *is = &r->inv_st;
	const struct flusher_stats *fs = flusher_get_stats(r->fl);

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < r->n_src; i++) {
		c->drops_ring += r->cst[i].drops_ring;
		c->drops_if += r->cst[i].drops_if;
		c->ring_freezes += r->cst[i].ring_freezes;
	}
	c->flows_evicted = r->tot.flows.evicted;
	c->macs_dropped = is->macs_dropped;
	c->ips_dropped = is->ips_dropped;
	c->evidence_dropped = is->evidence_dropped;
	c->assoc_dropped = is->assoc_dropped;
	c->obs_dropped = r->tot.obs_dropped;
	c->flusher_dropped = fs->devices_dropped + fs->claims_dropped;
	c->packets = r->tot.packets;
}

/* "eth1 12 of 40000 (0.03 %), eth2 0 of 100": kernel drops of each
 * interface, all its sockets summed. */
static void loss_per_interface(const struct run *r, char *buf, size_t bufsz)
{
	size_t o = 0;

	buf[0] = '\0';
	/* the sockets are laid out worker by worker (struct run): interface i's
	 * are i, i + n_interfaces, ... */
	for (size_t i = 0; i < r->cfg.n_interfaces && i < r->n_src && o < bufsz; i++) {
		uint64_t drops = 0, received = 0;

		for (size_t j = i; j < r->n_src; j += r->cfg.n_interfaces) {
			drops += r->cst[j].drops_ring;
			received += r->cst[j].received;
		}
		o += (size_t)snprintf(buf + o, bufsz - o, "%s%s %" PRIu64 " of %" PRIu64 " (%.2f %%)", o ? ", " : "",
				      cap_name(r->src[i]), drops, received,
				      received ? 100.0 * (double)drops / (double)received : 0.0);
	}
}

/* A counter of loss that grew is one log line, at most once a minute each. */
static void log_losses(struct run *r, uint64_t now)
{
	struct run_counters c, *o = &r->logged;

	if (now < r->next_drop_log)
		return;
	current_counters(r, &c);
	if (c.drops_ring > o->drops_ring) {
		char per[512];

		loss_per_interface(r, per, sizeof(per));
		logm(LOG_WARNING,
		     "%" PRIu64 " frames dropped by the kernel since the last report (%" PRIu64
		     " in all; the ring froze %" PRIu64 " times; %s): the capture ring was full; raise [capture] "
		     "ring_mb (now %u per socket) or narrow [capture] bpf",
		     c.drops_ring - o->drops_ring, c.drops_ring, c.ring_freezes, per, r->cfg.ring_mb);
	}
	if (c.drops_if > o->drops_if)
		logm(LOG_WARNING,
		     "%" PRIu64 " frames dropped by the interface or driver since the last report (%" PRIu64
		     " in all)",
		     c.drops_if - o->drops_if, c.drops_if);
	if (c.flows_evicted > o->flows_evicted)
		logm(LOG_WARNING, "flow table full: %" PRIu64 " flows evicted since the last report (%" PRIu64
				  " in all; [limits] flows_max = %zu)",
		     c.flows_evicted - o->flows_evicted, c.flows_evicted, r->cfg.flows_max);
	if (c.macs_dropped > o->macs_dropped || c.ips_dropped > o->ips_dropped)
		logm(LOG_WARNING,
		     "inventory full: %" PRIu64 " MAC and %" PRIu64 " IP sightings not tracked in all ([limits] "
		     "macs_max = %zu, ips_max = %zu)",
		     c.macs_dropped, c.ips_dropped, r->cfg.macs_max, r->cfg.ips_max);
	if (c.evidence_dropped > o->evidence_dropped)
		logm(LOG_WARNING, "inventory full: %" PRIu64 " claims not kept in all ([limits] evidence_max = %zu)",
		     c.evidence_dropped, r->cfg.evidence_max);
	if (c.flusher_dropped > o->flusher_dropped)
		logm(LOG_WARNING, "%" PRIu64 " devices or claims past the flush limits were not stored",
		     c.flusher_dropped - o->flusher_dropped);
	*o = c;
	r->next_drop_log = now + RUN_DROP_LOG_EVERY_USEC;
}

static void log_status(struct run *r, uint64_t now)
{
	const struct flow_stats *fs = &r->tot.flows;
	struct run_counters c;

	if (now < r->next_status_log)
		return;
	current_counters(r, &c);
	logm(LOG_INFO,
	     "status: %" PRIu64 " packets (+%" PRIu64 "), %" PRIu64 " devices, %" PRIu64 " flows active, %" PRIu64
	     " kernel drops, %" PRIu64 " flushes (last %" PRIu64 " ms, %" PRIu64 " failed)",
	     c.packets, c.packets - r->at_status.packets, r->devices, fs->active, c.drops_ring, r->flushes,
	     r->last_flush_usec / 1000u, r->flush_errors);
	r->at_status = c;
	r->next_status_log = now + RUN_STATUS_LOG_EVERY_USEC;
}

/* ---- the loop ---- */

static int handle_signals(struct run *r)
{
	struct signalfd_siginfo si;
	ssize_t n;

	while ((n = read(r->sfd, &si, sizeof(si))) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			r->stop = true;
			r->stop_signal = (int)si.ssi_signo;
			break;
		case SIGHUP:
			r->reload = true;
			break;
		case SIGUSR1:
			r->flush_now = true;
			break;
		default:
			break;
		}
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		logm(LOG_ERR, "reading signals: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* Reads what each of a worker's sockets has, up to a round's worth, under
 * w->mu. Returns 1 when a socket has more waiting, 0 when all are drained,
 * <0 on a capture error. */
static int read_frames(struct run_worker *w)
{
	int more = 0;

	for (size_t i = 0; i < w->n_src; i++) {
		struct cap_frame fr;
		enum cap_next_result res = CAP_AGAIN;
		unsigned k;

		for (k = 0; k < RUN_FRAMES_PER_ROUND; k++) {
			res = cap_next(w->src[i], &fr);
			if (res != CAP_FRAME)
				break;
			if (pipeline_frame(w->pl, &fr) < 0)
				continue; /* link type checked at open: cannot happen */
			if (!w->first_ts || fr.ts_usec < w->first_ts)
				w->first_ts = fr.ts_usec;
			if (fr.ts_usec > w->last_ts)
				w->last_ts = fr.ts_usec;
		}
		if (k == RUN_FRAMES_PER_ROUND)
			more = 1;
		else if (res != CAP_AGAIN) {
			if (res == CAP_EOF)
				logm(LOG_ERR, "%s: the capture ended", cap_name(w->src[i]));
			else
				logm(LOG_ERR, "capture stopped: %s", cap_error(w->src[i]));
			return -EIO;
		}
	}
	return more;
}

/*
 * A worker: polls its sockets and the stop eventfd, and works on what came
 * in rounds, each under its mutex (the main thread takes it between rounds
 * to merge the partial inventory). Once a second it ends flows that are
 * idle by the wall clock (an idle link brings no packet time). At the end
 * it ends its flows itself, so the final flush sees every verdict.
 */
static void *worker_main(void *arg)
{
	struct run_worker *w = arg;
	struct pollfd pfd[1 + CONFIG_IFACES_MAX];
	uint64_t next_tick = hk_mono_usec() + RUN_TICK_USEC;
	char name[16];
	int more = 0;

	snprintf(name, sizeof(name), "hk-worker-%u", w->index);
	pthread_setname_np(pthread_self(), name);
	pfd[0].fd = w->r->stop_efd;
	pfd[0].events = POLLIN;
	for (size_t i = 0; i < w->n_src; i++) {
		pfd[1 + i].fd = cap_fd(w->src[i]);
		pfd[1 + i].events = POLLIN;
	}
	for (;;) {
		uint64_t now;

		if (poll(pfd, 1 + w->n_src, more ? 0 : RUN_POLL_MS) < 0 && errno != EINTR) {
			logm(LOG_ERR, "worker %u: poll: %s", w->index, strerror(errno));
			atomic_store(&w->failed, true);
			break;
		}
		if (pfd[0].revents)
			break;
		/* the main thread waits for the mutex: let it in first */
		for (int y = 0; atomic_load(&w->main_waits) && y < RUN_YIELD_MAX; y++)
			sched_yield();
		pthread_mutex_lock(&w->mu);
		more = read_frames(w);
		now = hk_mono_usec();
		if (now >= next_tick) {
			flow_table_expire(w->pl->ft, hk_now_usec());
			next_tick = now + RUN_TICK_USEC;
		}
		pthread_mutex_unlock(&w->mu);
		atomic_store(&w->heartbeat, now);
		if (more < 0) {
			atomic_store(&w->failed, true);
			break;
		}
	}
	pthread_mutex_lock(&w->mu);
	pipeline_finish(w->pl);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static bool workers_failed(const struct run *r)
{
	for (unsigned k = 0; k < r->n_workers; k++)
		if (atomic_load(&r->w[k].failed))
			return true;
	return false;
}

/* True while every worker came back from a round within the last half of
 * the watchdog interval; a worker stuck in a frame stops the watchdog
 * pings, and systemd restarts the service. */
static bool workers_alive(struct run *r, uint64_t now)
{
	for (unsigned k = 0; k < r->n_workers; k++) {
		uint64_t hb = atomic_load(&r->w[k].heartbeat);

		if (hb + r->watchdog_usec / 2 < now) {
			if (!r->stuck_logged)
				logm(LOG_ERR,
				     "worker %u has not finished a round for %" PRIu64
				     " ms: not telling the watchdog, so systemd restarts herkomst",
				     k, (now - hb) / 1000u);
			r->stuck_logged = true;
			return false;
		}
	}
	r->stuck_logged = false;
	return true;
}

static int start_workers(struct run *r)
{
	for (unsigned k = 0; k < r->n_workers; k++) {
		struct run_worker *w = &r->w[k];
		int rc;

		atomic_store(&w->heartbeat, hk_mono_usec());
		rc = pthread_create(&w->thread, NULL, worker_main, w);
		if (rc) {
			logm(LOG_ERR, "cannot start worker thread %u of %u: %s", k + 1, r->n_workers, strerror(rc));
			return -rc;
		}
		w->started = true;
	}
	return 0;
}

/* Tells the workers to stop and waits for them; each ends its flows. */
static void stop_workers(struct run *r)
{
	uint64_t one = 1;

	if (r->stop_efd >= 0 && write(r->stop_efd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		logm(LOG_ERR, "cannot tell the workers to stop: %s", strerror(errno));
	for (unsigned k = 0; k < r->n_workers; k++)
		if (r->w[k].started) {
			pthread_join(r->w[k].thread, NULL);
			r->w[k].started = false;
		}
}

/* The workers, each with its pipeline (flows_max shared out) and its sockets. */
static int setup_workers(struct run *r, char *err, size_t errsz)
{
	struct pipeline_opts po = r->po;
	size_t per = r->cfg.n_interfaces;

	po.flows_max = r->po.flows_max / r->n_workers ? r->po.flows_max / r->n_workers : 1;
	r->w = calloc(r->n_workers, sizeof(*r->w));
	if (!r->w) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	for (unsigned k = 0; k < r->n_workers; k++) {
		struct run_worker *w = &r->w[k];

		w->r = r;
		w->index = k;
		pthread_mutex_init(&w->mu, NULL);
		w->src = &r->src[k * per];
		w->n_src = per;
		w->pl = pipeline_new(&po, err, errsz);
		if (!w->pl)
			return -ENOMEM;
	}
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The main thread: signals, counters, the watchdog and flushes; the
 * workers do the capture. */
static int loop(struct run *r)
{
	struct pollfd pfd[1];
	uint64_t now = hk_mono_usec();
	uint64_t flush_every = (uint64_t)r->cfg.flush_interval * 1000000u;
	uint64_t next_flush = now + flush_every, next_tick = now + RUN_TICK_USEC;
	uint64_t next_watchdog = r->watchdog_usec ? now + r->watchdog_usec / 2 : UINT64_MAX;
	int rc = 0;

	r->next_drop_log = now;
	r->next_status_log = now + RUN_STATUS_LOG_EVERY_USEC;

	pfd[0].fd = r->sfd;
	pfd[0].events = POLLIN;
	while (!r->stop) {
		uint64_t wake = min_u64(min_u64(next_flush, next_tick), next_watchdog);
		uint64_t wait = wake > now ? wake - now : 0;
		int timeout = (int)min_u64((wait + 999) / 1000, RUN_POLL_MS);

		if (poll(pfd, 1, timeout) < 0 && errno != EINTR) {
			logm(LOG_ERR, "poll: %s", strerror(errno));
			return -errno;
		}
		if (pfd[0].revents && handle_signals(r) < 0)
			return -EIO;
		if (workers_failed(r)) {
			rc = -EIO;
			break;
		}
		now = hk_mono_usec();
		if (r->reload) {
			r->reload = false;
			reload(r);
		}
		if (now >= next_watchdog) {
			if (workers_alive(r, now))
				notify("WATCHDOG=1");
			next_watchdog = now + r->watchdog_usec / 2;
		}
		if (now >= next_tick) {
			read_capture_stats(r);
			collect_totals(r);
			metrics_update(r);
			log_losses(r, now);
			log_status(r, now);
			next_tick = now + RUN_TICK_USEC;
		}
		if (r->flush_now || now >= next_flush) {
			flush(r, r->flush_now ? "(SIGUSR1)" : NULL);
			r->flush_now = false;
			now = hk_mono_usec();
			next_flush = now + flush_every;
		}
	}
	return rc;
}

/* ---- start and stop ---- */

/*
 * Opens ifname for one worker and logs it. capture = afpacket: socket
 * `worker` of the interface's fanout group; worker 0 passes *group as the
 * configured fanout_group (0: the kernel picks one) and gets back the id
 * the others must join with. capture = pcap: one libpcap handle (it cannot
 * share an interface between workers: every handle sees every frame).
 * NULL after logging why.
 */
static struct cap_source *open_capture(const struct run *r, const char *ifname, unsigned worker, uint16_t *group)
{
	char err[1024], how[256];
	struct cap_source *s;
	int lt;

	if (r->cfg.capture == CONFIG_CAPTURE_AFPACKET) {
		struct cap_afpacket_opts o = {
			.snaplen = r->cfg.snaplen,
			.promisc = r->cfg.promiscuous,
			.ring_mb = r->cfg.ring_mb,
			.bpf = r->cfg.bpf,
			.fanout_group = *group,
			.worker = worker,
			.defrag = true,
		};
		struct cap_afpacket_info ai;

		s = cap_open_afpacket(ifname, &o, err, sizeof(err));
		if (!s || cap_afpacket_info(s, &ai) < 0) {
			logm(LOG_ERR, "%s", err);
			cap_close(s);
			return NULL;
		}
		*group = ai.fanout_group;
		snprintf(how, sizeof(how), "afpacket, ring %u MiB = %u blocks of %u KiB, fanout group %u socket %u",
			 r->cfg.ring_mb, ai.n_blocks, ai.block_size / 1024u, (unsigned)ai.fanout_group, worker);
	} else {
		s = cap_open_live(ifname, r->cfg.snaplen, r->cfg.promiscuous, r->cfg.ring_mb, r->cfg.bpf, err,
				  sizeof(err));
		if (!s) {
			logm(LOG_ERR, "%s", err);
			return NULL;
		}
		snprintf(how, sizeof(how), "libpcap, buffer %u MiB", r->cfg.ring_mb);
	}
	if (err[0])
		logm(LOG_WARNING, "%s", err);
	lt = cap_linktype(s);
	if (!decode_linktype_supported(lt)) {
		logm(LOG_ERR,
		     "%s: link type %s (%d) is not supported (supported: Ethernet, Linux cooked v1/v2, raw IP, BSD "
		     "loopback)",
		     ifname, cap_linktype_name(lt), lt);
		return cap_close(s);
	}
	logm(LOG_INFO, "capturing on %s (%s, %s, snaplen %u, %spromiscuous%s%s%s)", ifname, cap_linktype_name(lt),
	     how, r->cfg.snaplen, r->cfg.promiscuous ? "" : "not ", r->cfg.bpf[0] ? ", filter '" : "", r->cfg.bpf,
	     r->cfg.bpf[0] ? "'" : "");
	return s;
}

/* A socket per interface for each worker, worker by worker: worker 0's
 * make the fanout groups, the others join them. */
static int open_interfaces(struct run *r)
{
	uint16_t group[CONFIG_IFACES_MAX];

	for (size_t i = 0; i < r->cfg.n_interfaces; i++)
		group[i] = (uint16_t)r->cfg.fanout_group;
	for (unsigned k = 0; k < r->n_workers; k++) {
		for (size_t i = 0; i < r->cfg.n_interfaces; i++) {
			struct cap_source *s = open_capture(r, r->cfg.interfaces[i], k, &group[i]);

			if (!s)
				return -EIO;
			r->src[r->n_src++] = s;
		}
	}
	return 0;
}

static int open_store(struct run *r)
{
	char err[1024];

	r->st = store_open(r->cfg.database, err, sizeof(err));
	if (!r->st) {
		struct passwd *me = getpwuid(geteuid());
		logm(LOG_ERR, "%s (herkomst runs as %s: the database's directory must be writable by that user; "
			      "herkomst.service's StateDirectory= makes /var/lib/herkomst so)",
		     err, me ? me->pw_name : "this user");
		return -EIO;
	}
	if (access(r->cfg.database, W_OK) != 0) {
		logm(LOG_ERR, "database %s is not writable for this user (%s); chown it to the daemon's user",
		     r->cfg.database, strerror(errno));
		return -EACCES;
	}
	store_set_deriver(r->st, inv_derive, &r->know);
	return 0;
}

/* ---- the central PostgreSQL (docs/fleet.md) ---- */

/* Before privileges go: the password file may be root's to read. */
static int central_prepare(struct run *r)
{
	char pw[FLEET_PASSWORD_MAX], err[1024];

	if (!r->cfg.central_conninfo[0])
		return 0;
	if (!r->cfg.central_sensor_id[0] &&
	    ship_sensor_id_default(r->cfg.central_sensor_id, sizeof(r->cfg.central_sensor_id), err, sizeof(err)) < 0) {
		logm(LOG_ERR, "[central] %s", err);
		return -EINVAL;
	}
	if (!r->cfg.central_password_file[0])
		return 0;
	if (fleet_password_read(r->cfg.central_password_file, pw, sizeof(pw), err, sizeof(err)) < 0) {
		logm(LOG_ERR, "[central] %s", err);
		return -EACCES;
	}
	r->central_pw = strdup(pw);
	explicit_bzero(pw, sizeof(pw));
	if (!r->central_pw) {
		logm(LOG_ERR, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static void central_log(void *userdata, int prio, const char *msg)
{
	(void)userdata;
	logm(prio, "%s", msg);
}

/* Its own thread and its own database connection: a slow or absent central
 * never holds up capture or the flushes. */
static int start_central(struct run *r)
{
	char err[2048], where[FLEET_CONNINFO_MAX + 128];
	struct ship_config sc;

	if (!r->cfg.central_conninfo[0])
		return 0;
	cli_ship_config(&r->cfg, r->central_pw, r->cfg.central_sensor_id, &sc);
	r->ship = ship_daemon_start(&sc, r->cfg.database, r->cfg.central_ship_interval, central_log, r, err,
				    sizeof(err));
	if (!r->ship) {
		logm(LOG_ERR, "[central]: %s", err);
		return -EIO;
	}
	fleet_conninfo_describe(r->cfg.central_conninfo, where, sizeof(where));
	logm(LOG_INFO, "shipping to the central PostgreSQL (%s) as sensor %s, site %s, every %u s", where,
	     r->cfg.central_sensor_id, r->cfg.central_site, r->cfg.central_ship_interval);
	return 0;
}

static int start_api(struct run *r)
{
	char dirbuf[CONFIG_PATH_MAX], err[1024];
	struct api_config ac = {
		.listen = r->cfg.listen,
		.db_path = r->cfg.database,
		.token = r->token,
		.tls_cert = r->cfg.tls_cert[0] ? r->cfg.tls_cert : NULL,
		.tls_key = r->cfg.tls_key[0] ? r->cfg.tls_key : NULL,
		.sigdir = sigdir_of(r, dirbuf, sizeof(dirbuf)),
		.policy_path = r->cfg.policy[0] ? r->cfg.policy : NULL,
		.connections_max = r->cfg.connections_max,
		.timeout_sec = r->cfg.timeout,
	};

	if (!r->cfg.listen[0]) {
		logm(LOG_INFO, "no REST API ([api] listen = none)");
		return 0;
	}
	r->api = api_start(&ac, err, sizeof(err));
	if (!r->api) {
		logm(LOG_ERR, "REST API: %s", err);
		return -EIO;
	}
	logm(LOG_INFO, "REST API on %s%s%s", r->cfg.listen, ac.tls_cert ? " (HTTPS)" : "",
	     r->token ? ", bearer token required" : "");
	return 0;
}

/* The session as a capture record, so reports say where the data came from. */
static void record_session(struct run *r)
{
	struct store_capture c;
	size_t o = 0;

	uint64_t first = 0, last = 0;

	if (!r->tot.packets)
		return;
	for (unsigned k = 0; k < r->n_workers; k++) {
		const struct run_worker *w = &r->w[k];
		if (w->first_ts && (!first || w->first_ts < first))
			first = w->first_ts;
		if (w->last_ts > last)
			last = w->last_ts;
	}
	memset(&c, 0, sizeof(c));
	o = (size_t)snprintf(c.path, sizeof(c.path), "live:");
	/* the interfaces once: worker 0's sockets */
	for (size_t i = 0; i < r->cfg.n_interfaces && i < r->n_src && o < sizeof(c.path); i++)
		o += (size_t)snprintf(c.path + o, sizeof(c.path) - o, "%s%s", i ? "," : "", cap_name(r->src[i]));
	snprintf(c.format, sizeof(c.format), "live");
	snprintf(c.linktype, sizeof(c.linktype), "%s", r->n_src ? cap_linktype_name(cap_linktype(r->src[0])) : "");
	c.size = -1;
	c.packets = r->tot.packets;
	c.bytes = r->tot.bytes;
	c.first_seen = first;
	c.last_seen = last;
	c.analyzed_at = hk_now_usec();
	if (store_capture_add(r->st, &c) < 0)
		logm(LOG_WARNING, "cannot record the capture session: %s", store_errmsg(r->st));
}

static int setup_signals(struct run *r)
{
	sigset_t set;

	/* blocked before any thread starts (the API's inherit the mask), read
	 * from a signalfd in the loop: no work in signal handlers */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	r->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return r->sfd < 0 ? -errno : 0;
}

struct run_args {
	const char *config;
	const char *db;
	const char *listen;
	const char *ifaces[CONFIG_IFACES_MAX];
	size_t n_ifaces;
};

static int parse_args(int argc, char **argv, struct run_args *a)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"interface", required_argument, NULL, 'i'},
		{"db", required_argument, NULL, 'd'},
		{"listen", required_argument, NULL, 'l'},
		{"foreground", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "c:i:d:l:fh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			a->config = optarg;
			break;
		case 'i':
			if (a->n_ifaces >= CONFIG_IFACES_MAX) {
				fprintf(stderr, "herkomst run: more than %d interfaces\n", CONFIG_IFACES_MAX);
				return 2;
			}
			a->ifaces[a->n_ifaces++] = optarg;
			break;
		case 'd':
			a->db = optarg;
			break;
		case 'l':
			a->listen = optarg;
			break;
		case 'f':
			break; /* herkomst run never forks: systemd (Type=notify) or a terminal keeps it */
		case 'h':
			help_print(stdout, "run");
			return 0;
		default:
			fprintf(stderr, "Try 'herkomst help run'.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "herkomst run: unexpected argument '%s'; interfaces go with -i\n", argv[optind]);
		return 2;
	}
	return -1;
}

/* Configuration file, then the command line; every problem printed. */
static int configure(struct run *r, const struct run_args *a)
{
	struct config_report *rep = calloc(1, sizeof(*rep));
	char err[512];
	int rc = 0;

	if (!rep) {
		fprintf(stderr, "herkomst run: out of memory\n");
		return 1;
	}
	config_defaults(&r->cfg);
	config_load(&r->cfg, a->config ? a->config : CONFIG_DEFAULT_PATH, a->config == NULL, rep);
	for (size_t i = 0; i < a->n_ifaces; i++)
		if (config_parse_interfaces(&r->cfg, a->ifaces[i], i > 0, err, sizeof(err)) < 0) {
			fprintf(stderr, "herkomst run: -i %s\n", err);
			rc = 2;
		}
	if (a->db) {
		if (!a->db[0] || strlen(a->db) >= sizeof(r->cfg.database)) {
			fprintf(stderr, "herkomst run: --db needs a file name\n");
			rc = 2;
		}
		snprintf(r->cfg.database, sizeof(r->cfg.database), "%s", a->db);
	}
	if (a->listen) {
		if (config_listen_is_none(a->listen))
			r->cfg.listen[0] = '\0';
		else if (config_parse_listen(a->listen, err, sizeof(err)) < 0) {
			fprintf(stderr, "herkomst run: --listen %s\n", err);
			rc = 2;
		} else
			snprintf(r->cfg.listen, sizeof(r->cfg.listen), "%s", a->listen);
	}
	if (!rep->n_errors)
		config_validate(&r->cfg, rep);
	for (size_t i = 0; i < rep->n_warn_kept; i++)
		fprintf(stderr, "herkomst run: warning: %s\n", rep->warn[i]);
	if (rep->n_errors) {
		for (size_t i = 0; i < rep->n_kept; i++)
			fprintf(stderr, "%s\n", rep->msg[i]);
		if (rep->n_errors > rep->n_kept)
			fprintf(stderr, "herkomst run: %zu more errors not shown\n", rep->n_errors - rep->n_kept);
		fprintf(stderr, "herkomst run: the configuration has errors; not started ('herkomst check config' "
				"checks a file)\n");
		if (!rc)
			rc = 1;
	}
	free(rep);
	return rc;
}

static void shutdown_run(struct run *r)
{
	if (r->w)
		stop_workers(r);
	for (size_t i = 0; i < r->n_src; i++)
		r->src[i] = cap_close(r->src[i]);
	r->api = api_stop(r->api);
	r->ship = ship_daemon_stop(r->ship, false);
	if (r->central_pw) {
		explicit_bzero(r->central_pw, strlen(r->central_pw));
		free(r->central_pw);
		r->central_pw = NULL;
	}
	r->st = store_close(r->st);
	for (unsigned k = 0; r->w && k < r->n_workers; k++) {
		r->w[k].pl = pipeline_free(r->w[k].pl);
		if (r->w[k].r)
			pthread_mutex_destroy(&r->w[k].mu);
	}
	free(r->w);
	r->w = NULL;
	r->fl = flusher_free(r->fl);
	r->oui = oui_db_free(r->oui);
	inv_knowledge_close(&r->know);
	if (r->token) {
		memset(r->token, 0, strlen(r->token));
		free(r->token);
		r->token = NULL;
	}
	if (r->sfd >= 0)
		close(r->sfd);
	if (r->stop_efd >= 0)
		close(r->stop_efd);
}

int cmd_run(int argc, char **argv)
{
	struct run *r = calloc(1, sizeof(*r));
	struct run_args a = {0};
	struct flusher_limits fl;
	char err[1024];
	int status = 1, rc;

	if (!r) {
		fprintf(stderr, "herkomst run: out of memory\n");
		return 1;
	}
	r->sfd = -1;
	r->stop_efd = -1;
	rc = parse_args(argc, argv, &a);
	if (rc >= 0) {
		free(r);
		return rc;
	}
	rc = configure(r, &a);
	if (rc) {
		free(r);
		return rc;
	}
	log_init();
	umask(umask(0) | 027); /* the inventory is nobody else's business */
	r->started_usec = hk_now_usec();
	logm(LOG_INFO, "herkomst %s starting (%s)", HK_VERSION,
	     r->cfg.path[0] ? r->cfg.path : "no configuration file: built-in defaults");
	if (setup_signals(r) < 0) {
		logm(LOG_ERR, "cannot set up signal handling: %s", strerror(errno));
		goto out;
	}
	r->n_workers = r->cfg.workers ? r->cfg.workers : engine_cpus_online();
	r->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->stop_efd < 0) {
		logm(LOG_ERR, "cannot make an eventfd for the workers: %s", strerror(errno));
		goto out;
	}
	if (open_interfaces(r) < 0)
		goto out;
	if (r->cfg.listen[0] && r->cfg.token_file[0] && !(r->token = token_read(r->cfg.token_file)))
		goto out;
	if (central_prepare(r) < 0)
		goto out;
	if (drop_privileges(r) < 0)
		goto out;
	if (knowledge_load(r, &r->know, "loaded") < 0) {
		logm(LOG_ERR, "herkomst does not start with signatures that do not load ('herkomst check signatures' "
			      "lists the errors)");
		goto out;
	}
	r->oui = oui_db_open_default(err, sizeof(err));
	if (!r->oui)
		logm(LOG_WARNING, "no OUI attribution: %s", err);
	if (open_store(r) < 0)
		goto out;
	r->po.flows_max = r->cfg.flows_max;
	r->po.flow_idle_usec = (uint64_t)r->cfg.flow_timeout * 1000000u;
	r->po.inv.macs_max = r->cfg.macs_max;
	r->po.inv.ips_max = r->cfg.ips_max;
	r->po.inv.evidence_max = r->cfg.evidence_max;
	if (setup_workers(r, err, sizeof(err)) < 0) {
		logm(LOG_ERR, "%s", err);
		goto out;
	}
	flusher_limits_from_inv(&fl, &r->po.inv);
	r->fl = flusher_new(&fl);
	if (!r->fl) {
		logm(LOG_ERR, "out of memory");
		goto out;
	}
	if (start_api(r) < 0 || start_central(r) < 0)
		goto out;
	r->watchdog_usec = watchdog_interval();
	if (start_workers(r) < 0)
		goto out;
	logm(LOG_INFO, "ready: database %s, flush every %u s, %u worker thread%s%s", r->cfg.database,
	     r->cfg.flush_interval, r->n_workers, r->n_workers == 1 ? "" : "s",
	     r->watchdog_usec ? ", systemd watchdog on" : "");
	notify("READY=1\nSTATUS=capturing");

	rc = loop(r);

	notify("STOPPING=1\nSTATUS=stopping");
	if (r->stop)
		logm(LOG_INFO, "stopping (%s): ending flows and writing what is pending",
		     r->stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
	else
		logm(LOG_ERR, "stopping after an error: writing what is pending");
	stop_workers(r);
	if (flush(r, "(final)") == 0 && rc == 0)
		status = 0;
	record_session(r);
	/* the last flush is in: ship it too, if the central is reachable */
	r->ship = ship_daemon_stop(r->ship, true);
	logm(LOG_INFO, "stopped: %" PRIu64 " packets, %" PRIu64 " devices, %" PRIu64 " flushes (%" PRIu64 " failed)",
	     r->tot.packets, r->devices, r->flushes, r->flush_errors);
out:
	shutdown_run(r);
	free(r);
	return status;
}
