/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dpi/dpi.h"

#include <ndpi/ndpi_api.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct dpi {
	struct ndpi_detection_module_struct *mod;
};

/*
 * What building and freeing a module write outside the module, in nDPI 4.2
 * (src/lib/ndpi_main.c and third_party/src/ndpi_patricia.c at tag 4.2; the
 * only file-scope variables its sources write are these):
 *
 * - libgcrypt: ndpi_init_detection_module initialises it when
 *   GCRYCTL_INITIALIZATION_FINISHED_P says nobody has (gcry_check_version,
 *   then GCRYCTL_INITIALIZATION_FINISHED): a check-then-act that libgcrypt
 *   wants done once, by one thread, before any other thread uses it.
 * - The DGA detector's bigram and trigram bitmaps (static in ndpi_main.c):
 *   init_string_based_protocols sets ndpi_xgrams_inited and only then
 *   fills them, with no lock. Two first builds at once can both fill them
 *   (an unlocked |= on the same words drops bits), and a build that sees
 *   the flag while another still fills goes on with half-filled tables.
 *   ndpi_check_dga_name reads them, and in protocols/tls.c its verdict can
 *   make a TLS flow Tor: another protocol in the inventory.
 * - num_active_patricia: a plain int that ndpi_patricia_new and
 *   ndpi_patricia_destroy count up and down (also from
 *   ndpi_exit_detection_module); nDPI never reads it.
 * - ndpi_tot_allocated_memory: updated atomically.
 *
 * The first two are done by the first module that is built, and by no
 * later one. So the first build runs alone (others wait on first_lock);
 * after it, the lock has published both and later modules are built, and
 * all modules freed, at the same time on their own threads: with -j 3 and
 * more, workers 2..N build side by side. A lost update of
 * num_active_patricia changes nothing, as nothing reads it; guarding it
 * would mean serialising every build and free. Packet work needs no lock
 * (one module per thread). docs/performance.md, "Session 4", has the
 * figures.
 */
static pthread_mutex_t first_lock = PTHREAD_MUTEX_INITIALIZER;
static bool first_built; /* under first_lock: a module has been built */

/*
 * The above was read in nDPI 4.2, whose NDPI_API_VERSION is this. meson
 * accepts any later nDPI, and the library loaded at run time may differ
 * from the headers: with another one, every build and every free takes
 * first_lock, as all did before.
 */
#define DPI_API_VERSION_READ 8668

static bool shared_state_known(void)
{
	return ndpi_get_api_version() == DPI_API_VERSION_READ;
}

static struct ndpi_detection_module_struct *module_build(void)
{
	NDPI_PROTOCOL_BITMASK all;
	struct ndpi_detection_module_struct *m = ndpi_init_detection_module(ndpi_no_prefs);

	if (m) {
		NDPI_BITMASK_SET_ALL(all);
		ndpi_set_protocol_detection_bitmask2(m, &all);
		ndpi_finalize_initialization(m);
	}
	return m;
}

struct dpi *dpi_new(char *errbuf, size_t errsz)
{
	struct dpi *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	pthread_mutex_lock(&first_lock);
	if (first_built && shared_state_known()) {
		pthread_mutex_unlock(&first_lock);
		d->mod = module_build();
	} else {
		/* a first build that failed may have stopped before either
		 * initialisation: the next one is first again */
		d->mod = module_build();
		first_built = d->mod != NULL;
		pthread_mutex_unlock(&first_lock);
	}
	if (!d->mod) {
		snprintf(errbuf, errsz, "nDPI %s failed to initialise (out of memory?)", ndpi_revision());
		free(d);
		return NULL;
	}
	return d;
}

struct dpi *dpi_free(struct dpi *d)
{
	if (!d)
		return NULL;
	if (shared_state_known()) {
		ndpi_exit_detection_module(d->mod); /* no lock: see first_lock */
	} else {
		pthread_mutex_lock(&first_lock);
		ndpi_exit_detection_module(d->mod);
		pthread_mutex_unlock(&first_lock);
	}
	free(d);
	return NULL;
}

/*
 * dpi_leave_to_exit's, under first_lock. Written and never read: without
 * volatile GCC drops the array and its stores at -O2, and a leak checker
 * (LeakSanitizer, valgrind) then finds the modules unreachable.
 */
static struct dpi *volatile left[DPI_LEFT_MAX];
static size_t n_left;

void dpi_leave_to_exit(struct dpi *d)
{
	bool kept = false;

	if (!d)
		return;
	pthread_mutex_lock(&first_lock);
	if (n_left < DPI_LEFT_MAX) {
		left[n_left++] = d;
		kept = true;
	}
	pthread_mutex_unlock(&first_lock);
	if (!kept)
		dpi_free(d);
}

void dpi_flow_release(struct flow *f)
{
	if (f->dpi) {
		ndpi_free_flow(f->dpi);
		f->dpi = NULL;
	}
}

/* The name a device list wants: the transport-level protocol (TLS, HTTP,
 * Modbus), not the web service behind it (Google) — that describes the peer. */
static void set_name(struct dpi *d, struct flow *f, ndpi_protocol proto)
{
	uint16_t id = proto.master_protocol != NDPI_PROTOCOL_UNKNOWN ? proto.master_protocol
								      : proto.app_protocol;
	const char *name = ndpi_get_proto_name(d->mod, id);

	hk_str_copy(f->proto_name, sizeof(f->proto_name), name ? name : "Unknown");
}

static void finish(struct dpi *d, struct flow *f, ndpi_protocol proto)
{
	set_name(d, f, proto);
	dpi_flow_release(f);
	f->dpi_state = FLOW_DPI_DONE;
}

bool dpi_process(struct dpi *d, struct flow *f, const struct hk_pkt *p)
{
	ndpi_protocol proto;
	size_t len = p->l3_len;

	if (f->dpi_state != FLOW_DPI_PENDING)
		return false;
	if (!f->dpi) {
		f->dpi = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT);
		if (!f->dpi) {
			f->dpi_state = FLOW_DPI_DONE;
			hk_str_copy(f->proto_name, sizeof(f->proto_name), "Unknown");
			return true;
		}
		memset(f->dpi, 0, SIZEOF_FLOW_STRUCT);
	}
	if (len > 0xffff)
		len = 0xffff;
	f->dpi_pkts++;
	proto = ndpi_detection_process_packet(d->mod, f->dpi, p->l3_base, (unsigned short)len,
					      p->ts_usec / 1000);
	if (proto.app_protocol != NDPI_PROTOCOL_UNKNOWN || proto.master_protocol != NDPI_PROTOCOL_UNKNOWN) {
		/*
		 * Decided. nDPI would go on dissecting for metadata (certificates,
		 * DNS answers: ndpi_extra_dissection_possible) that herkomst never
		 * reads, since its own parsers see those bytes: a quarter of the
		 * packets fed on the mixed bench capture, and the same verdicts on
		 * every shared capture (docs/performance.md). Stop, free the state.
		 */
		finish(d, f, proto);
		return true;
	}
	if (f->dpi_pkts >= DPI_PKTS_MAX) {
		dpi_giveup(d, f);
		return true;
	}
	return false;
}

void dpi_flow_skip(struct flow *f)
{
	if (f->dpi_state != FLOW_DPI_PENDING)
		return;
	dpi_flow_release(f);
	f->dpi_guessed = false;
	hk_str_copy(f->proto_name, sizeof(f->proto_name), "Unknown");
	f->dpi_state = FLOW_DPI_DONE;
}

void dpi_giveup(struct dpi *d, struct flow *f)
{
	uint8_t guessed = 0;
	ndpi_protocol proto;

	if (f->dpi_state != FLOW_DPI_PENDING)
		return;
	if (!f->dpi) {
		f->dpi_state = FLOW_DPI_DONE;
		hk_str_copy(f->proto_name, sizeof(f->proto_name), "Unknown");
		return;
	}
	proto = ndpi_detection_giveup(d->mod, f->dpi, 1, &guessed);
	f->dpi_guessed = guessed != 0;
	finish(d, f, proto);
}

const char *dpi_version(void)
{
	return ndpi_revision();
}

size_t dpi_flow_state_size(void)
{
	return SIZEOF_FLOW_STRUCT;
}
