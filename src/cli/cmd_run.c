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
 *   4. one thread polls the interfaces and a signalfd (at most 200 ms
 *      between wake-ups), feeds frames to the pipeline, and every
 *      flush_interval seconds merges what changed into the store (flusher.c:
 *      the inventory is cumulative, the store adds up);
 *   5. SIGTERM/SIGINT end it after a last flush; SIGHUP reloads the
 *      signatures and the policy; SIGUSR1 flushes at once.
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
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "cli/flusher.h"
#include "cli/pipeline.h"
#include "core/util.h"
#include "decode/decode.h"
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

struct run_counters {
	uint64_t drops_ring, drops_if;
	uint64_t flows_evicted;
	uint64_t macs_dropped, ips_dropped, evidence_dropped, assoc_dropped;
	uint64_t obs_dropped;
	uint64_t flusher_dropped;
	uint64_t packets;
};

struct run {
	struct run_config cfg;
	struct cap_source *src[CONFIG_IFACES_MAX];
	struct cap_live_stats cst[CONFIG_IFACES_MAX];
	size_t n_src;
	struct pipeline *pl;
	struct flusher *fl;
	struct store *st;
	struct oui_db *oui;
	struct inv_knowledge know;
	struct api *api;
	char *token;
	int sfd;

	uint64_t started_usec;       /* wall clock */
	uint64_t first_ts, last_ts;  /* of the frames read */
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
	     want, (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, r->n_src, r->n_src == 1 ? "" : "s");
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
	const struct flow_stats *fs = flow_table_stats(r->pl->ft);

	if (!r->api)
		return;
	memset(&m, 0, sizeof(m));
	m.packets = r->pl->packets;
	m.bytes = r->pl->bytes;
	for (size_t i = 0; i < r->n_src; i++) {
		m.drops_kernel += r->cst[i].drops_ring;
		/* ps_ifdrop (the interface's own drops) has no field of its own: it is logged */
	}
	m.drops_ring = 0; /* one thread: no ring of our own between capture and workers */
	m.flows_active = fs->active;
	m.flows_created = fs->created;
	m.flows_evicted = fs->evicted;
	m.flows_expired = fs->expired;
	m.devices = r->devices;
	m.observations_dropped = r->pl->obs_dropped;
	for (size_t i = 0; i < proto_count && i < PIPELINE_PARSERS_MAX && i < 64; i++) {
		m.parser_names[i] = proto_table[i].name;
		for (int k = 0; k < 4 && k < HK_PARSE__MAX; k++)
			m.parser_results[i][k] = r->pl->parse_results[i][k];
		m.n_parsers = i + 1;
	}
	m.flushes = r->flushes;
	m.flush_errors = r->flush_errors;
	m.started_usec = r->started_usec;
	api_metrics_set(r->api, &m);
}

static void status_notify(const struct run *r)
{
	notify("STATUS=%" PRIu64 " packets, %" PRIu64 " devices; last flush %" PRIu64 " ms%s", r->pl->packets,
	       r->devices, r->last_flush_usec / 1000u, r->fail_streak ? " (failing)" : "");
}

/* One flush; why: NULL for the periodic one (logged only when slow or failing). */
static int flush(struct run *r, const char *why)
{
	struct hk_device *devs = NULL;
	struct flusher_result res = {0};
	size_t n = 0;
	uint64_t t0 = hk_mono_usec();
	int rc;

	if (inv_snapshot(r->pl->inv, r->oui, &devs, &n) < 0) {
		rc = -ENOMEM;
	} else {
		rc = flusher_flush(r->fl, devs, n, merge_store, r->st, &res);
		r->devices = n;
	}
	inv_devices_free(devs, n);
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
			     why ? " " : "", why ? why : " (slow)", r->pl->packets - r->frames_flushed, n, res.devices,
			     res.devices_new, res.claims, r->last_flush_usec / 1000u, r->last_flush_usec % 1000u);
		r->frames_flushed = r->pl->packets;
	}
	metrics_update(r);
	status_notify(r);
	return rc;
}

/* ---- counters ---- */

static void read_capture_stats(struct run *r)
{
	for (size_t i = 0; i < r->n_src; i++) {
		struct cap_live_stats s;
		if (cap_live_stats(r->src[i], &s) == 0)
			r->cst[i] = s;
	}
}

static void current_counters(const struct run *r, struct run_counters *c)
{
	const struct inv_stats *is = inv_get_stats(r->pl->inv);
	const struct flusher_stats *fs = flusher_get_stats(r->fl);

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < r->n_src; i++) {
		c->drops_ring += r->cst[i].drops_ring;
		c->drops_if += r->cst[i].drops_if;
	}
	c->flows_evicted = flow_table_stats(r->pl->ft)->evicted;
	c->macs_dropped = is->macs_dropped;
	c->ips_dropped = is->ips_dropped;
	c->evidence_dropped = is->evidence_dropped;
	c->assoc_dropped = is->assoc_dropped;
	c->obs_dropped = r->pl->obs_dropped;
	c->flusher_dropped = fs->devices_dropped + fs->claims_dropped;
	c->packets = r->pl->packets;
}

/* A counter of loss that grew is one log line, at most once a minute each. */
static void log_losses(struct run *r, uint64_t now)
{
	struct run_counters c, *o = &r->logged;

	if (now < r->next_drop_log)
		return;
	current_counters(r, &c);
	if (c.drops_ring > o->drops_ring)
		logm(LOG_WARNING,
		     "%" PRIu64 " frames dropped by the kernel since the last report (%" PRIu64
		     " in all): the capture buffer was full; raise [capture] buffer_mb (now %u) or narrow "
		     "[capture] bpf",
		     c.drops_ring - o->drops_ring, c.drops_ring, r->cfg.buffer_mb);
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
	const struct flow_stats *fs = flow_table_stats(r->pl->ft);
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

/* Reads what each interface has, up to a round's worth. Returns 1 when an
 * interface has more waiting, 0 when all are drained, <0 on a capture error. */
static int read_frames(struct run *r)
{
	int more = 0;

	for (size_t i = 0; i < r->n_src; i++) {
		struct cap_frame fr;
		enum cap_next_result res = CAP_AGAIN;
		unsigned k;

		for (k = 0; k < RUN_FRAMES_PER_ROUND; k++) {
			res = cap_next(r->src[i], &fr);
			if (res != CAP_FRAME)
				break;
			if (pipeline_frame(r->pl, &fr) < 0)
				continue; /* link type checked at open: cannot happen */
			if (!r->first_ts || fr.ts_usec < r->first_ts)
				r->first_ts = fr.ts_usec;
			if (fr.ts_usec > r->last_ts)
				r->last_ts = fr.ts_usec;
		}
		if (k == RUN_FRAMES_PER_ROUND)
			more = 1;
		else if (res != CAP_AGAIN) {
			if (res == CAP_EOF)
				logm(LOG_ERR, "%s: the capture ended", cap_name(r->src[i]));
			else
				logm(LOG_ERR, "capture stopped: %s", cap_error(r->src[i]));
			return -EIO;
		}
	}
	return more;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int loop(struct run *r)
{
	struct pollfd pfd[1 + CONFIG_IFACES_MAX];
	uint64_t now = hk_mono_usec();
	uint64_t flush_every = (uint64_t)r->cfg.flush_interval * 1000000u;
	uint64_t next_flush = now + flush_every, next_tick = now + RUN_TICK_USEC;
	uint64_t next_watchdog = r->watchdog_usec ? now + r->watchdog_usec / 2 : UINT64_MAX;
	int more = 0, rc = 0;

	r->next_drop_log = now;
	r->next_status_log = now + RUN_STATUS_LOG_EVERY_USEC;

	pfd[0].fd = r->sfd;
	pfd[0].events = POLLIN;
	for (size_t i = 0; i < r->n_src; i++) {
		pfd[1 + i].fd = cap_fd(r->src[i]);
		pfd[1 + i].events = POLLIN;
	}
	while (!r->stop) {
		uint64_t wake = min_u64(min_u64(next_flush, next_tick), next_watchdog);
		int timeout = 0;

		if (!more) {
			uint64_t wait = wake > now ? wake - now : 0;
			timeout = (int)min_u64((wait + 999) / 1000, RUN_POLL_MS);
		}
		if (poll(pfd, 1 + r->n_src, timeout) < 0 && errno != EINTR) {
			logm(LOG_ERR, "poll: %s", strerror(errno));
			return -errno;
		}
		if (pfd[0].revents && handle_signals(r) < 0)
			return -EIO;
		more = read_frames(r);
		if (more < 0) {
			rc = more;
			break;
		}
		now = hk_mono_usec();
		if (r->reload) {
			r->reload = false;
			reload(r);
		}
		if (now >= next_watchdog) {
			notify("WATCHDOG=1");
			next_watchdog = now + r->watchdog_usec / 2;
		}
		if (now >= next_tick) {
			/* an idle link brings no packet time: end idle flows by the wall clock */
			flow_table_expire(r->pl->ft, hk_now_usec());
			read_capture_stats(r);
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

static int open_interfaces(struct run *r)
{
	char err[1024];

	for (size_t i = 0; i < r->cfg.n_interfaces; i++) {
		const char *ifname = r->cfg.interfaces[i];
		struct cap_source *s = cap_open_live(ifname, r->cfg.snaplen, r->cfg.promiscuous, r->cfg.buffer_mb,
						     r->cfg.bpf, err, sizeof(err));
		int lt;

		if (!s) {
			logm(LOG_ERR, "%s", err);
			return -EIO;
		}
		r->src[r->n_src++] = s;
		if (err[0])
			logm(LOG_WARNING, "%s", err);
		lt = cap_linktype(s);
		if (!decode_linktype_supported(lt)) {
			logm(LOG_ERR,
			     "%s: link type %s (%d) is not supported (supported: Ethernet, Linux cooked v1/v2, raw IP, "
			     "BSD loopback)",
			     ifname, cap_linktype_name(lt), lt);
			return -ENOTSUP;
		}
		logm(LOG_INFO, "capturing on %s (%s, snaplen %u, %spromiscuous, buffer %u MiB%s%s%s)", ifname,
		     cap_linktype_name(lt), r->cfg.snaplen, r->cfg.promiscuous ? "" : "not ", r->cfg.buffer_mb,
		     r->cfg.bpf[0] ? ", filter '" : "", r->cfg.bpf, r->cfg.bpf[0] ? "'" : "");
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

	if (!r->pl->packets)
		return;
	memset(&c, 0, sizeof(c));
	o = (size_t)snprintf(c.path, sizeof(c.path), "live:");
	for (size_t i = 0; i < r->n_src && o < sizeof(c.path); i++)
		o += (size_t)snprintf(c.path + o, sizeof(c.path) - o, "%s%s", i ? "," : "", cap_name(r->src[i]));
	snprintf(c.format, sizeof(c.format), "live");
	snprintf(c.linktype, sizeof(c.linktype), "%s", r->n_src ? cap_linktype_name(cap_linktype(r->src[0])) : "");
	c.size = -1;
	c.packets = r->pl->packets;
	c.bytes = r->pl->bytes;
	c.first_seen = r->first_ts;
	c.last_seen = r->last_ts;
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
	for (size_t i = 0; i < r->n_src; i++)
		r->src[i] = cap_close(r->src[i]);
	r->api = api_stop(r->api);
	r->st = store_close(r->st);
	r->pl = pipeline_free(r->pl);
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
}

int cmd_run(int argc, char **argv)
{
	struct run *r = calloc(1, sizeof(*r));
	struct run_args a = {0};
	struct pipeline_opts po = {0};
	struct flusher_limits fl;
	char err[1024];
	int status = 1, rc;

	if (!r) {
		fprintf(stderr, "herkomst run: out of memory\n");
		return 1;
	}
	r->sfd = -1;
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
	if (open_interfaces(r) < 0)
		goto out;
	if (r->cfg.listen[0] && r->cfg.token_file[0] && !(r->token = token_read(r->cfg.token_file)))
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
	po.flows_max = r->cfg.flows_max;
	po.flow_idle_usec = (uint64_t)r->cfg.flow_timeout * 1000000u;
	po.inv.macs_max = r->cfg.macs_max;
	po.inv.ips_max = r->cfg.ips_max;
	po.inv.evidence_max = r->cfg.evidence_max;
	r->pl = pipeline_new(&po, err, sizeof(err));
	flusher_limits_from_inv(&fl, &po.inv);
	r->fl = flusher_new(&fl);
	if (!r->pl || !r->fl) {
		logm(LOG_ERR, "%s", r->pl ? "out of memory" : err);
		goto out;
	}
	if (start_api(r) < 0)
		goto out;
	r->watchdog_usec = watchdog_interval();
	logm(LOG_INFO, "ready: database %s, flush every %u s%s", r->cfg.database, r->cfg.flush_interval,
	     r->watchdog_usec ? ", systemd watchdog on" : "");
	notify("READY=1\nSTATUS=capturing");

	rc = loop(r);

	notify("STOPPING=1\nSTATUS=stopping");
	if (r->stop)
		logm(LOG_INFO, "stopping (%s): ending flows and writing what is pending",
		     r->stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
	else
		logm(LOG_ERR, "stopping after an error: writing what is pending");
	pipeline_finish(r->pl);
	if (flush(r, "(final)") == 0 && rc == 0)
		status = 0;
	record_session(r);
	logm(LOG_INFO, "stopped: %" PRIu64 " packets, %" PRIu64 " devices, %" PRIu64 " flushes (%" PRIu64 " failed)",
	     r->pl->packets, r->devices, r->flushes, r->flush_errors);
out:
	shutdown_run(r);
	free(r);
	return status;
}
