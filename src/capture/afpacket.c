/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live interfaces through a packet socket of our own: AF_PACKET with a
 * TPACKET_V3 receive ring mapped into the process, in a PACKET_FANOUT group
 * so that several worker sockets on one interface each get whole flows.
 * Behind the same cap_next() as files and libpcap (live.c).
 *
 * Why not libpcap here: libpcap 1.10 cannot join a fanout group, and it
 * copies nothing we need. The ring is read in place: cap_next() hands out
 * frames straight from the shared pages, and gives a block back to the
 * kernel only when it is called again after that block's last frame, so a
 * frame stays valid until the next cap_next(), as capture.h promises.
 *
 * The ring (Documentation/networking/packet_mmap.rst): ring_mb MiB per socket,
 * cut into blocks of AFP_BLOCK_SIZE (1 MiB), at least AFP_BLOCKS_MIN of them
 * (smaller blocks for a small ring), never smaller than a block that holds
 * the longest frame the snap length lets through. The kernel fills one block
 * at a time with frames of their own lengths and hands it over when it is
 * full or after CAP_AFP_BLOCK_TIMEOUT_MS, whichever comes first, so a quiet
 * link still delivers within about that time and a busy one costs one
 * wake-up per block. When every block is still ours the kernel drops
 * (tp_drops) and counts a freeze of its queue (tp_freeze_q_cnt). The pages are
 * kernel memory (alloc_pg_vec: __get_free_pages, or vzalloc) mapped with
 * vm_insert_page; they are not mlock()ed and RLIMIT_MEMLOCK does not apply.
 *
 * Fanout (PACKET_FANOUT_HASH): the kernel spreads the interface's frames
 * over the group's sockets by __skb_get_hash_symmetric(), whose flow
 * dissector sorts the addresses and ports before hashing
 * (__flow_hash_consistentify in net/core/flow_dissector.c: "Sort the source
 * and destination IP and the ports, to have consistent hash within the two
 * directions"), so both directions of a flow reach the same socket. Kernels
 * before 6.0 could swap IPv4 addresses wrongly for some pairs ("net: core:
 * fix flow symmetric hash", 64ae13ed4784, backported to the 5.4+ stable
 * series in 2022); tests/daemon/afpacket_fanout checks the property on the
 * running kernel. PACKET_FANOUT_FLAG_DEFRAG has the kernel reassemble IPv4
 * fragments before it hashes (fragments carry no ports), so a datagram goes
 * whole to its flow's socket. Every socket joins a group, also a single one,
 * so what a worker sees does not depend on how many workers there are.
 *
 * Outgoing frames are skipped (the kernel's PACKET_FANOUT_FLAG_IGNORE_OUTGOING
 * where it has it, 6.2 and later; the sockaddr_ll packet type always): a
 * capture port is a sensor, and what the sensor itself sends (IPv6 router
 * solicitations and MLD reports of an interface left with IPv6 on, DHCP of
 * a misconfigured port) is not the network's traffic. herkomst never sends;
 * the veth tests receive on the far end of the pair, so they see incoming
 * frames only.
 *
 * VLAN: the receive path takes the outer 802.1Q/802.1ad tag off the frame
 * into tp_vlan_tci (TP_STATUS_VLAN_VALID) before any packet socket sees it.
 * cap_next() puts it back (in a per-source scratch buffer: the ring is
 * shared), so the decoder sees the bytes that were on the wire. A BPF filter
 * runs on the untagged frame, so "vlan" cannot match and is refused.
 *
 * Privileges: creating the socket needs CAP_NET_RAW; promiscuous mode is a
 * membership of the socket (packet_dev_mc -> dev_set_promiscuity, no
 * capability check of its own); the fanout, the ring and the filter need
 * nothing more. The open socket keeps working after privileges are dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/capture_int.h"
#include "core/util.h"

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000 /* Linux 6.2; older kernels keep the bit and ignore it */
#endif

#define AFP_BLOCK_SIZE (1u << 20) /* 1 MiB: an order-8 allocation, or vzalloc when memory is fragmented */
#define AFP_BLOCKS_MIN 8u         /* blocks per ring at least, while the snap length allows */
#define AFP_FRAME_OVERHEAD 256u   /* block descriptor, tpacket3_hdr, sockaddr_ll, alignment of the MAC header */
#define AFP_VLAN_LEN 4u
#define AFP_MAC_ADDRS_LEN 12u     /* destination and source MAC: the tag goes after them */
#define AFP_STAT_IFACE 2          /* rx_missed_errors, rx_fifo_errors (what libpcap reads as ps_ifdrop) */

struct cap_afp {
	uint8_t *map;
	size_t map_len;
	unsigned block_size, n_blocks;
	unsigned snaplen;
	int ifindex;
	uint16_t group;

	/* reading (cap_next only) */
	unsigned cur;                   /* the block read now, or the next to wait for */
	bool in_block;                  /* cur is ours (TP_STATUS_USER) */
	uint32_t left;                  /* frames of cur not handed out yet */
	size_t off;                     /* of the next frame in cur */
	uint8_t *scratch;               /* snaplen + AFP_VLAN_LEN: a frame with its tag put back */

	/* counters (cap_live_stats only): PACKET_STATISTICS resets on every read */
	uint64_t received, drops, freezes;
	int iface_fd[AFP_STAT_IFACE];   /* worker 0: /sys/class/net/IF/statistics/..., -1 */
	uint64_t iface_base;            /* their sum when the socket was opened */
};


bool cap_afpacket_bpf_has_vlan(const char *bpf)
{
	const char *p = bpf;

	/* "vlan" as a word of its own; "not vlan" and "vlan 10" alike */
	while (p && (p = strstr(p, "vlan")) != NULL) {
		bool start = p == bpf || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z') ||
					   (p[-1] >= '0' && p[-1] <= '9') || p[-1] == '_');
		char e = p[4];
		bool end = !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9') || e == '_');

		if (start && end)
			return true;
		p += 4;
	}
	return false;
}

/*
 * The filter, with the snap length in its return value: the kernel copies
 * what an accepting BPF program returns, so an empty expression still gets
 * a program ("ret #snaplen"). Compiled for Ethernet without an interface,
 * as the configuration check does, before any socket exists (a bad filter
 * needs no privileges to be refused). On success *ret holds a program to
 * free().
 */
static int compile_filter(const char *ifname, const struct cap_afpacket_opts *o, struct sock_fprog *ret,
			  char *errbuf, size_t errsz)
{
	const char *expr = o->bpf ? o->bpf : "";
	struct bpf_program prog;
	struct sock_filter *code = NULL;
	pcap_t *dead;
	int rc = 0;

	if (cap_afpacket_bpf_has_vlan(expr)) {
		hk_errbuf_set(errbuf, errsz, "%s: the BPF filter '%s' " CAP_AFP_VLAN_WHY, ifname, expr);
		return -EINVAL;
	}
	dead = pcap_open_dead(DLT_EN10MB, (int)o->snaplen);
	if (!dead) {
		hk_errbuf_set(errbuf, errsz, "%s: cannot compile the BPF filter: out of memory", ifname);
		return -ENOMEM;
	}
	if (pcap_compile(dead, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		hk_errbuf_set(errbuf, errsz, "%s: the BPF filter '%s' does not compile: %s; fix [capture] bpf (pcap-filter(7))",
			ifname, expr, pcap_geterr(dead));
		pcap_close(dead);
		return -EINVAL;
	}
	if (prog.bf_len == 0 || prog.bf_len > BPF_MAXINSNS) {
		hk_errbuf_set(errbuf, errsz, "%s: the BPF filter '%s' compiles to %u instructions; the kernel takes 1 to %d",
			ifname, expr, prog.bf_len, BPF_MAXINSNS);
		rc = -EINVAL;
		goto out;
	}
	code = calloc(prog.bf_len, sizeof(*code));
	if (!code) {
		hk_errbuf_set(errbuf, errsz, "%s: out of memory", ifname);
		rc = -ENOMEM;
		goto out;
	}
	/* libpcap's struct bpf_insn and the kernel's sock_filter are the same
	 * classic BPF instruction; copied field by field, not cast */
	for (unsigned i = 0; i < prog.bf_len; i++) {
		code[i].code = prog.bf_insns[i].code;
		code[i].jt = prog.bf_insns[i].jt;
		code[i].jf = prog.bf_insns[i].jf;
		code[i].k = prog.bf_insns[i].k;
	}
	ret->len = (unsigned short)prog.bf_len;
	ret->filter = code;
out:
	pcap_freecode(&prog);
	pcap_close(dead);
	return rc;
}

/*
 * The geometry: blocks of AFP_BLOCK_SIZE, halved while the ring would have
 * fewer than AFP_BLOCKS_MIN, but never below the power of two that holds a
 * whole frame of snaplen bytes with its headers. At least two blocks (one
 * the kernel fills while we read the other).
 */
static int ring_geometry(unsigned ring_mb, unsigned snaplen, struct tpacket_req3 *req, unsigned *ret_min_block)
{
	size_t ring = (size_t)ring_mb << 20;
	unsigned page = (unsigned)sysconf(_SC_PAGESIZE);
	unsigned need = snaplen + AFP_FRAME_OVERHEAD, min_block = page, block = AFP_BLOCK_SIZE, frame;

	while (min_block < need)
		min_block <<= 1;
	if (block < min_block)
		block = min_block;
	while (block > min_block && ring / block < AFP_BLOCKS_MIN)
		block >>= 1;
	*ret_min_block = min_block;
	if (ring / block < 2)
		return -ENOSPC;
	/* tp_frame_size is only checked for V3 (frames are packed as they come);
	 * a nominal frame of a whole snap length, as libpcap sets it */
	frame = TPACKET_ALIGN(TPACKET3_HDRLEN + snaplen);
	if (frame > block)
		frame = block;
	memset(req, 0, sizeof(*req));
	req->tp_block_size = block;
	req->tp_block_nr = (unsigned)(ring / block);
	req->tp_frame_size = frame;
	req->tp_frame_nr = (block / frame) * req->tp_block_nr;
	req->tp_retire_blk_tov = CAP_AFP_BLOCK_TIMEOUT_MS;
	req->tp_sizeof_priv = 0;
	req->tp_feature_req_word = 0;
	return 0;
}

static uint64_t iface_drops(const struct cap_afp *a)
{
	uint64_t sum = 0;

	for (int i = 0; i < AFP_STAT_IFACE; i++) {
		char buf[32];
		ssize_t n;

		if (a->iface_fd[i] < 0)
			continue;
		/* sysfs makes the value anew for a read at offset 0 */
		n = pread(a->iface_fd[i], buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		sum += strtoull(buf, NULL, 10);
	}
	return sum;
}

static void iface_stats_open(struct cap_afp *a, const char *ifname)
{
	static const char *const names[AFP_STAT_IFACE] = {"rx_missed_errors", "rx_fifo_errors"};

	for (int i = 0; i < AFP_STAT_IFACE; i++) {
		char path[128];

		snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", ifname, names[i]);
		/* opened now, while privileged and before a sandbox could hide /sys;
		 * missing (a driver without them, no /sys): those drops stay 0 */
		a->iface_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
	a->iface_base = iface_drops(a);
}

/*
 * Joins (or for group 0, creates) the fanout group. Group 0 asks the kernel
 * for an id no group in this network namespace has (PACKET_FANOUT_FLAG_UNIQUEID),
 * so two herkomst instances on one interface never share a group; a kernel
 * too old for it gets an id made of our PID and the interface index. A
 * configured id that another program's group on this interface already has
 * would be joined: the kernel cannot tell us apart. Returns the group's id,
 * or a negative errno.
 */
static int fanout_join(int fd, uint16_t group, bool defrag, int ifindex)
{
	uint16_t flags = defrag ? PACKET_FANOUT_FLAG_DEFRAG : 0;
	uint32_t val = 0;
	socklen_t len = sizeof(val);
	int rc = -EINVAL;

	/* with PACKET_FANOUT_FLAG_IGNORE_OUTGOING first, then without, in case
	 * a kernel refuses a flag it does not know; the other workers try in the
	 * same order and so join with the flags the group was made with */
	for (int attempt = 0; attempt < 4 && rc == -EINVAL; attempt++) {
		bool unique = group == 0 && attempt < 2;
		uint16_t id = group ? group : unique ? 0 : (uint16_t)(((unsigned)getpid() << 6) ^ (unsigned)ifindex);
		uint16_t type_flags = PACKET_FANOUT_HASH | flags | (attempt % 2 ? 0 : PACKET_FANOUT_FLAG_IGNORE_OUTGOING) |
				      (unique ? PACKET_FANOUT_FLAG_UNIQUEID : 0);
		uint32_t arg = (uint32_t)id | (uint32_t)type_flags << 16;

		if (group && attempt >= 2)
			break;
		rc = setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) == 0 ? 0 : -errno;
	}
	if (rc < 0)
		return rc;
	if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &val, &len) != 0)
		return -errno;
	return (int)(val & 0xffffu);
}

struct cap_source *cap_open_afpacket(const char *ifname, const struct cap_afpacket_opts *o, char *errbuf,
				     size_t errsz)
{
	struct sock_fprog fprog = {0};
	struct tpacket_req3 req;
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	struct cap_source *s = NULL;
	struct cap_afp *a = NULL;
	struct ifreq ifr;
	int fd = -1, ifindex, version = TPACKET_V3, one = 1, rc;
	unsigned min_block = 0;

	hk_errbuf_set(errbuf, errsz, "%s", "");
	if (!ifname || !ifname[0] || strlen(ifname) >= IFNAMSIZ) {
		hk_errbuf_set(errbuf, errsz, "'%s' is not an interface name", ifname ? ifname : "");
		return NULL;
	}
	if (o->snaplen == 0 || o->snaplen > CAP_LIVE_SNAPLEN_MAX) {
		hk_errbuf_set(errbuf, errsz, "%s: snaplen %u is not from 1 to %u", ifname, o->snaplen, CAP_LIVE_SNAPLEN_MAX);
		return NULL;
	}
	if (o->ring_mb == 0 || o->ring_mb > CAP_AFP_RING_MB_MAX) {
		hk_errbuf_set(errbuf, errsz, "%s: a ring of %u MiB is not from 1 to %u; fix [capture] ring_mb", ifname,
			o->ring_mb, CAP_AFP_RING_MB_MAX);
		return NULL;
	}
	if (o->worker > 0 && o->fanout_group == 0) {
		hk_errbuf_set(errbuf, errsz, "%s: worker %u needs the fanout group of worker 0 (cap_afpacket_info)", ifname,
			o->worker);
		return NULL;
	}
	rc = ring_geometry(o->ring_mb, o->snaplen, &req, &min_block);
	if (rc < 0) {
		hk_errbuf_set(errbuf, errsz,
			"%s: a ring of %u MiB is too small for snaplen %u: it needs at least 2 blocks of %u KiB; raise "
			"[capture] ring_mb or lower snaplen",
			ifname, o->ring_mb, o->snaplen, min_block / 1024u);
		return NULL;
	}
	if (compile_filter(ifname, o, &fprog, errbuf, errsz) < 0)
		return NULL;
	ifindex = (int)if_nametoindex(ifname);
	if (ifindex == 0) {
		if (errno == ENODEV || errno == ENXIO)
			hk_errbuf_set(errbuf, errsz,
				"interface %s does not exist ('ip link' lists the interfaces); fix [capture] interfaces or "
				"-i",
				ifname);
		else
			hk_errbuf_set(errbuf, errsz, "cannot look up interface %s: %s", ifname, strerror(errno));
		free(fprog.filter);
		return NULL;
	}
	/* protocol 0: nothing arrives before bind(), when the filter is in place */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		if (errno == EPERM || errno == EACCES)
			hk_errbuf_set(errbuf, errsz,
				"no permission to capture on %s (%s); start herkomst as root, or with the capability "
				"CAP_NET_RAW (herkomst.service grants it with AmbientCapabilities=)",
				ifname, strerror(errno));
		else
			hk_errbuf_set(errbuf, errsz, "cannot open a packet socket for %s: %s", ifname, strerror(errno));
		free(fprog.filter);
		return NULL;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		hk_errbuf_set(errbuf, errsz, "cannot read the link type of %s: %s", ifname, strerror(errno));
		goto fail;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		hk_errbuf_set(errbuf, errsz,
			"%s is not an Ethernet interface (ARPHRD %u); capture = afpacket reads Ethernet only: set "
			"[capture] capture = pcap for it",
			ifname, (unsigned)ifr.ifr_hwaddr.sa_family);
		goto fail;
	}
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
		hk_errbuf_set(errbuf, errsz, "cannot read the state of %s: %s", ifname, strerror(errno));
		goto fail;
	}
	if (!(ifr.ifr_flags & IFF_UP)) {
		hk_errbuf_set(errbuf, errsz, "interface %s is down; bring it up first (ip link set %s up)", ifname, ifname);
		goto fail;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) != 0) {
		hk_errbuf_set(errbuf, errsz, "%s: the kernel refused the BPF filter '%s': %s", ifname, o->bpf ? o->bpf : "",
			strerror(errno));
		goto fail;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) != 0) {
		hk_errbuf_set(errbuf, errsz, "%s: the kernel has no TPACKET_V3 rings (%s); set [capture] capture = pcap",
			ifname, strerror(errno));
		goto fail;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) != 0) {
		hk_errbuf_set(errbuf, errsz, "%s: the kernel refused a ring of %u blocks of %u KiB: %s%s", ifname,
			req.tp_block_nr, req.tp_block_size / 1024u, strerror(errno),
			errno == ENOMEM ? "; lower [capture] ring_mb" : "");
		goto fail;
	}
	a = calloc(1, sizeof(*a));
	s = calloc(1, sizeof(*s));
	if (!a || !s || !(s->name = strdup(ifname)) || !(a->scratch = malloc(o->snaplen + AFP_VLAN_LEN))) {
		hk_errbuf_set(errbuf, errsz, "%s: out of memory", ifname);
		goto fail;
	}
	a->iface_fd[0] = a->iface_fd[1] = -1;
	a->block_size = req.tp_block_size;
	a->n_blocks = req.tp_block_nr;
	a->map_len = (size_t)req.tp_block_size * req.tp_block_nr;
	a->map = mmap(NULL, a->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (a->map == MAP_FAILED) {
		a->map = NULL;
		hk_errbuf_set(errbuf, errsz, "%s: cannot map the capture ring (%zu MiB): %s", ifname, a->map_len >> 20,
			strerror(errno));
		goto fail;
	}
	/* before bind(), so that no outgoing frame slips in before the group
	 * takes over; without a fanout group (there always is one) this alone
	 * would do. Refused by kernels before 4.20, where the check in cap_next
	 * does it */
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		hk_errbuf_set(errbuf, errsz, "cannot capture on %s: bind: %s", ifname, strerror(errno));
		goto fail;
	}
	if (o->promisc) {
		memset(&mr, 0, sizeof(mr));
		mr.mr_ifindex = ifindex;
		mr.mr_type = PACKET_MR_PROMISC;
		if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) != 0) {
			hk_errbuf_set(errbuf, errsz,
				"cannot put %s in promiscuous mode: %s; without it only frames to and from this host "
				"are seen (set [capture] promiscuous = no for that)",
				ifname, strerror(errno));
			goto fail;
		}
	}
	/* from bind() to here the socket receives on its own: a frame in that
	 * moment reaches worker 0 through the group and this socket too (at
	 * start-up only, like every fanout user) */
	rc = fanout_join(fd, o->fanout_group, o->defrag, ifindex);
	if (rc < 0) {
		hk_errbuf_set(errbuf, errsz,
			"%s: cannot join fanout group %u: %s%s", ifname, (unsigned)o->fanout_group, strerror(-rc),
			rc == -EINVAL ? " (another program uses that group id on this host with other settings or "
					"another interface: set [capture] fanout_group to another number, or to 0)"
				      : "");
		goto fail;
	}
	a->group = (uint16_t)rc;
	a->snaplen = o->snaplen;
	a->ifindex = ifindex;
	if (o->worker == 0)
		iface_stats_open(a, ifname);
	s->afp = a;
	s->live = true;
	s->format = "live";
	s->linktype = DLT_EN10MB;
	s->fd = fd;
	s->state = CAP_FRAME;
	free(fprog.filter); /* the kernel keeps its own copy */
	return s;
fail:
	free(fprog.filter);
	if (a) {
		if (a->map)
			munmap(a->map, a->map_len);
		free(a->scratch);
		free(a);
	}
	if (s)
		free(s->name);
	free(s);
	close(fd);
	return NULL;
}

static struct tpacket_block_desc *block_at(const struct cap_afp *a, unsigned i)
{
	return (struct tpacket_block_desc *)(void *)(a->map + (size_t)i * a->block_size);
}

/* The socket's pending error: the link went down (the socket stays bound
 * and resumes when it comes back up) or the interface went away. */
static enum cap_next_result check_socket(struct cap_source *s)
{
	struct cap_afp *a = s->afp;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err == 0)
		return CAP_AGAIN;
	if (err == ENETDOWN && (int)if_nametoindex(s->name) == a->ifindex)
		return CAP_AGAIN; /* down, not gone: the kernel hooks the socket in again on up */
	if (err == ENETDOWN)
		snprintf(s->err, sizeof(s->err),
			 "%s: the interface disappeared after %llu frames; capture on it has ended", s->name,
			 (unsigned long long)s->n_frames);
	else
		snprintf(s->err, sizeof(s->err), "%s: capture error after %llu frames: %s", s->name,
			 (unsigned long long)s->n_frames, strerror(err));
	s->state = CAP_EERROR;
	return s->state;
}

static enum cap_next_result ring_broken(struct cap_source *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: the capture ring is inconsistent (%s in block %u); capture stopped",
		 s->name, what, s->afp->cur);
	s->state = CAP_EERROR;
	return s->state;
}

enum cap_next_result cap_afp_next(struct cap_source *s, struct cap_frame *ret_frame)
{
	struct cap_afp *a = s->afp;
	const size_t hdr_len = TPACKET_ALIGN(sizeof(struct tpacket3_hdr));

	for (;;) {
		struct tpacket_block_desc *bd = block_at(a, a->cur);
		const struct tpacket3_hdr *h;
		const struct sockaddr_ll *sll;
		const uint8_t *data;
		uint32_t caplen, wirelen;
		size_t off = a->off;

		if (!a->in_block) {
			uint32_t status = __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);

			if (!(status & TP_STATUS_USER))
				return check_socket(s);
			a->in_block = true;
			a->left = bd->hdr.bh1.num_pkts;
			a->off = bd->hdr.bh1.offset_to_first_pkt;
			continue;
		}
		if (a->left == 0) {
			/* past the block's last frame: the kernel may fill it again */
			__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
			a->in_block = false;
			a->cur = (a->cur + 1) % a->n_blocks;
			continue;
		}
		/* the kernel wrote these offsets; checked anyway, so a kernel bug
		 * cannot make us read outside the block */
		if (off > a->block_size || a->block_size - off < hdr_len + sizeof(*sll))
			return ring_broken(s, "a frame header past the end");
		h = (const struct tpacket3_hdr *)(const void *)((const uint8_t *)bd + off);
		if (h->tp_mac > a->block_size - off || h->tp_snaplen > a->block_size - off - h->tp_mac)
			return ring_broken(s, "frame data past the end");
		a->left--;
		a->off = h->tp_next_offset ? off + h->tp_next_offset : a->block_size;
		sll = (const struct sockaddr_ll *)(const void *)((const uint8_t *)h + hdr_len);
		if (sll->sll_pkttype == PACKET_OUTGOING)
			continue;
		data = (const uint8_t *)h + h->tp_mac;
		caplen = h->tp_snaplen;
		wirelen = h->tp_len;
		if ((h->tp_status & TP_STATUS_VLAN_VALID) && caplen >= AFP_MAC_ADDRS_LEN) {
			uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) && h->hv1.tp_vlan_tpid
						? h->hv1.tp_vlan_tpid
						: ETH_P_8021Q;
			uint16_t tci = h->hv1.tp_vlan_tci;
			uint8_t *o = a->scratch;
			uint32_t rest = caplen - AFP_MAC_ADDRS_LEN;
			uint32_t room = a->snaplen > AFP_MAC_ADDRS_LEN ? a->snaplen - AFP_MAC_ADDRS_LEN : 0;

			if (rest > room) /* the filter lets at most snaplen through: the scratch holds that */
				rest = room;
			memcpy(o, data, AFP_MAC_ADDRS_LEN);
			o[12] = (uint8_t)(tpid >> 8);
			o[13] = (uint8_t)tpid;
			o[14] = (uint8_t)(tci >> 8);
			o[15] = (uint8_t)tci;
			memcpy(o + AFP_MAC_ADDRS_LEN + AFP_VLAN_LEN, data + AFP_MAC_ADDRS_LEN, rest);
			data = o;
			caplen = AFP_MAC_ADDRS_LEN + AFP_VLAN_LEN + rest;
			wirelen += AFP_VLAN_LEN;
		}
		ret_frame->ts_usec = (uint64_t)h->tp_sec * 1000000u + h->tp_nsec / 1000u;
		ret_frame->caplen = caplen;
		ret_frame->wirelen = wirelen;
		ret_frame->linktype = s->linktype;
		ret_frame->data = data;
		s->n_frames++;
		return CAP_FRAME;
	}
}

int cap_afp_stats(struct cap_source *s, struct cap_live_stats *ret)
{
	struct cap_afp *a = s->afp;
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);
	uint64_t ifd;

	memset(&st, 0, sizeof(st));
	if (getsockopt(s->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0) {
		snprintf(s->err, sizeof(s->err), "%s: cannot read the capture counters: %s", s->name, strerror(errno));
		return -EIO;
	}
	/* the kernel zeroes them on every read: summed here, in 64 bits */
	a->received += st.tp_packets; /* tp_packets includes tp_drops */
	a->drops += st.tp_drops;
	a->freezes += st.tp_freeze_q_cnt;
	memset(ret, 0, sizeof(*ret));
	ret->received = a->received;
	ret->drops_ring = a->drops;
	ret->ring_freezes = a->freezes;
	ifd = iface_drops(a);
	ret->drops_if = ifd > a->iface_base ? ifd - a->iface_base : 0;
	return 0;
}

int cap_afpacket_info(const struct cap_source *s, struct cap_afpacket_info *ret)
{
	if (!s || !s->afp)
		return -ENOTSUP;
	ret->block_size = s->afp->block_size;
	ret->n_blocks = s->afp->n_blocks;
	ret->fanout_group = s->afp->group;
	return 0;
}

void cap_afp_close(struct cap_source *s)
{
	struct cap_afp *a = s->afp;

	if (!a)
		return;
	if (a->map)
		munmap(a->map, a->map_len);
	for (int i = 0; i < AFP_STAT_IFACE; i++)
		if (a->iface_fd[i] >= 0)
			close(a->iface_fd[i]);
	free(a->scratch);
	free(a);
	s->afp = NULL;
	if (s->fd >= 0)
		close(s->fd); /* the promiscuous membership and the group membership go with it */
	s->fd = -1;
}
