/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dpi/dpi.h"

#include <ndpi/ndpi_api.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dpi {
	struct ndpi_detection_module_struct *mod;
};

/*
 * Making and freeing a module touch process-wide state in nDPI 4.2: the
 * first module initialises libgcrypt (gcry_check_version, which libgcrypt
 * wants run by one thread before any other uses it), and its patricia trees
 * keep a global count. Workers that build or free their modules at the same
 * time take turns here; packet work needs no lock (one module per thread).
 */
static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;

struct dpi *dpi_new(char *errbuf, size_t errsz)
{
	NDPI_PROTOCOL_BITMASK all;
	struct dpi *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	pthread_mutex_lock(&setup_lock);
	d->mod = ndpi_init_detection_module(ndpi_no_prefs);
	if (d->mod) {
		NDPI_BITMASK_SET_ALL(all);
		ndpi_set_protocol_detection_bitmask2(d->mod, &all);
		ndpi_finalize_initialization(d->mod);
	}
	pthread_mutex_unlock(&setup_lock);
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
	pthread_mutex_lock(&setup_lock);
	ndpi_exit_detection_module(d->mod);
	pthread_mutex_unlock(&setup_lock);
	free(d);
	return NULL;
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

	snprintf(f->proto_name, sizeof(f->proto_name), "%s", name ? name : "Unknown");
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
			snprintf(f->proto_name, sizeof(f->proto_name), "Unknown");
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

void dpi_giveup(struct dpi *d, struct flow *f)
{
	uint8_t guessed = 0;
	ndpi_protocol proto;

	if (f->dpi_state != FLOW_DPI_PENDING)
		return;
	if (!f->dpi) {
		f->dpi_state = FLOW_DPI_DONE;
		snprintf(f->proto_name, sizeof(f->proto_name), "Unknown");
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
