/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live interfaces through libpcap, behind the same cap_next() as files.
 *
 * A live source is opened the long way (pcap_create, the options, then
 * pcap_activate) because pcap_open_live() cannot set the ring size and
 * says less about why it failed. The handle is non-blocking: the daemon
 * polls the descriptors of all its interfaces with a short timeout, so one
 * thread can read several interfaces, flush the inventory and handle
 * signals. Without immediate mode the kernel hands over a block of frames
 * when it fills or after CAP_LIVE_TIMEOUT_MS, which costs far fewer wake-ups
 * on a busy SPAN port than a wake-up per frame.
 *
 * Opening needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode); the
 * packet socket keeps working after the process gives them up.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "capture/capture_int.h"
#include "core/util.h"


/* What pcap_activate()'s result means for the operator. */
static void activate_message(pcap_t *p, const char *ifname, int rc, char *errbuf, size_t errsz)
{
	const char *detail = pcap_geterr(p);

	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		hk_errbuf_set(errbuf, errsz,
			 "interface %s does not exist ('ip link' lists the interfaces); fix [capture] interfaces "
			 "or -i",
			 ifname);
		break;
	case PCAP_ERROR_PERM_DENIED:
		hk_errbuf_set(errbuf, errsz,
			 "no permission to capture on %s (%s); start herkomst as root, or with the capabilities "
			 "CAP_NET_RAW and CAP_NET_ADMIN (the systemd unit grants them with AmbientCapabilities=)",
			 ifname, detail);
		break;
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		hk_errbuf_set(errbuf, errsz,
			 "no permission to put %s in promiscuous mode; grant CAP_NET_ADMIN, or set [capture] "
			 "promiscuous = no",
			 ifname);
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		hk_errbuf_set(errbuf, errsz, "interface %s is down; bring it up first (ip link set %s up)", ifname,
			 ifname);
		break;
	case PCAP_ERROR_RFMON_NOTSUP:
	case PCAP_ERROR_NOT_RFMON:
		hk_errbuf_set(errbuf, errsz, "%s: monitor mode is not supported: %s", ifname, detail);
		break;
	default:
		hk_errbuf_set(errbuf, errsz, "cannot capture on %s: %s", ifname,
			 detail && detail[0] ? detail : pcap_statustostr(rc));
		break;
	}
}

struct cap_source *cap_open_live(const char *ifname, unsigned snaplen, bool promisc, unsigned buffer_mb,
				 const char *bpf, char *errbuf, size_t errsz)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct cap_source *s = NULL;
	struct bpf_program prog;
	pcap_t *p = NULL;
	int rc;

	hk_errbuf_set(errbuf, errsz, "%s", "");
	if (!ifname || !ifname[0]) {
		hk_errbuf_set(errbuf, errsz, "no interface given");
		return NULL;
	}
	if (snaplen == 0 || snaplen > CAP_LIVE_SNAPLEN_MAX) {
		hk_errbuf_set(errbuf, errsz, "%s: snaplen %u is not from 1 to %u", ifname, snaplen, CAP_LIVE_SNAPLEN_MAX);
		return NULL;
	}
	if (buffer_mb == 0 || buffer_mb > CAP_LIVE_BUFFER_MB_MAX) {
		hk_errbuf_set(errbuf, errsz, "%s: buffer of %u MiB is not from 1 to %u", ifname, buffer_mb,
			 CAP_LIVE_BUFFER_MB_MAX);
		return NULL;
	}
	p = pcap_create(ifname, perr);
	if (!p) {
		hk_errbuf_set(errbuf, errsz, "cannot capture on %s: %s", ifname, perr);
		return NULL;
	}
	if (pcap_set_snaplen(p, (int)snaplen) != 0 || pcap_set_promisc(p, promisc ? 1 : 0) != 0 ||
	    pcap_set_timeout(p, CAP_LIVE_TIMEOUT_MS) != 0 ||
	    pcap_set_buffer_size(p, (int)(buffer_mb * 1024u * 1024u)) != 0 ||
	    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO) != 0) {
		hk_errbuf_set(errbuf, errsz, "cannot set the capture options of %s: %s", ifname, pcap_geterr(p));
		goto fail;
	}
	rc = pcap_activate(p);
	if (rc < 0) {
		activate_message(p, ifname, rc, errbuf, errsz);
		goto fail;
	}
	if (rc > 0) /* a warning: the capture works */
		hk_errbuf_set(errbuf, errsz, "%s: %s", ifname,
			 rc == PCAP_WARNING_PROMISC_NOTSUP ? "promiscuous mode is not supported; only traffic "
							     "to and from this host is seen"
							   : pcap_geterr(p));
	if (bpf && bpf[0]) {
		if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			hk_errbuf_set(errbuf, errsz, "the BPF filter '%s' does not compile for %s: %s; fix [capture] bpf",
				 bpf, ifname, pcap_geterr(p));
			goto fail;
		}
		rc = pcap_setfilter(p, &prog);
		pcap_freecode(&prog);
		if (rc != 0) {
			hk_errbuf_set(errbuf, errsz, "cannot set the BPF filter on %s: %s", ifname, pcap_geterr(p));
			goto fail;
		}
	}
	if (pcap_setnonblock(p, 1, perr) != 0) {
		hk_errbuf_set(errbuf, errsz, "%s: cannot switch to non-blocking reads: %s", ifname, perr);
		goto fail;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(ifname))) {
		hk_errbuf_set(errbuf, errsz, "%s: out of memory", ifname);
		goto fail;
	}
	s->pcap = p;
	s->live = true;
	s->format = "live";
	s->linktype = pcap_datalink(p);
	s->fd = pcap_get_selectable_fd(p);
	s->state = CAP_FRAME;
	if (s->fd < 0) {
		hk_errbuf_set(errbuf, errsz, "%s: libpcap gives no descriptor to wait on", ifname);
		goto fail;
	}
	return s;
fail:
	if (s)
		free(s->name);
	free(s);
	if (p)
		pcap_close(p);
	return NULL;
}

int cap_fd(const struct cap_source *s)
{
	return s && s->live ? s->fd : -1;
}

bool cap_is_live(const struct cap_source *s)
{
	return s && s->live;
}

const char *cap_name(const struct cap_source *s)
{
	return s && s->name ? s->name : "";
}

int cap_live_stats(struct cap_source *s, struct cap_live_stats *ret)
{
	struct pcap_stat ps;
	uint32_t now[3];

	if (!s || !s->live)
		return -ENOTSUP;
	if (s->afp)
		return cap_afp_stats(s, ret);
	if (pcap_stats(s->pcap, &ps) != 0) {
		snprintf(s->err, sizeof(s->err), "%s: cannot read the capture counters: %s", s->name,
			 pcap_geterr(s->pcap));
		return -EIO;
	}
	now[0] = ps.ps_recv;
	now[1] = ps.ps_drop;
	now[2] = ps.ps_ifdrop;
	for (int i = 0; i < 3; i++) {
		/* modular difference: right across one wrap of libpcap's u_int */
		s->st_sum[i] += (uint32_t)(now[i] - s->st_raw[i]);
		s->st_raw[i] = now[i];
	}
	memset(ret, 0, sizeof(*ret));
	ret->received = s->st_sum[0];
	ret->drops_ring = s->st_sum[1];
	ret->drops_if = s->st_sum[2];
	return 0;
}
