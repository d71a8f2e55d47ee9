/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plantgen: writes a capture of a small synthetic plant network, as a SPAN
 * port on its switch would see it, in the classic pcap format
 * (LINKTYPE_ETHERNET, microsecond timestamps, little-endian headers).
 *
 * The output is a pure function of the arguments: a fixed start time
 * (2026-03-02T08:00:00Z), a fixed seed, no clock, no environment, no locale.
 * Tests diff what herkomst makes of it, so any change here changes their
 * expected files: regenerate those in the same commit and read the diff.
 *
 * Every frame is built field by field from the protocol's definition, with
 * real lengths and checksums, so that nDPI and Wireshark accept it:
 *   Ethernet II; ARP (RFC 826, RFC 5227 probes); IPv4 (RFC 791);
 *   UDP (RFC 768); TCP (RFC 9293: handshake, MSS/WS/SACK options, FIN);
 *   ICMP echo (RFC 792); DHCP (RFC 2131, options RFC 2132, 4702);
 *   DNS (RFC 1035); mDNS (RFC 6762); NTPv4 (RFC 5905);
 *   LLDP (IEEE 802.1AB-2016 clause 8); HTTP/1.1 (RFC 9112);
 *   RTSP/1.0 (RFC 2326) with SDP (RFC 8866); TLS 1.2 (RFC 5246, RFC 8422)
 *   with X.509 DER certificates (RFC 5280); Modbus/TCP (Modbus Messaging on
 *   TCP/IP Implementation Guide V1.0b, Modbus Application Protocol V1.1b3);
 *   TPKT (RFC 1006), COTP class 0 (ISO 8073 / X.224) and S7comm
 *   (Siemens, undocumented; field layout as Wireshark's s7comm dissector
 *   reads it).
 *
 * The hosts, their vendors (MA-L blocks checked against ieee-data's
 * oui.txt) and the timeline are listed in README.md beside this file.
 *
 * How it works: each second of the capture, plant_tick() lets every actor
 * emit the frames of the exchanges that start in that second, with their
 * own timestamps (which may run past the second). Frames wait in a pending
 * list; after the tick, those earlier than the next second are sorted by
 * (time, emission order) and written. No exchange starts earlier than the
 * second it is emitted in, so the file is in time order. IPv4
 * identification numbers are assigned at write time, per sender, so they
 * rise in file order like a real stack's.
 */

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PG_START_SEC UINT64_C(1772438400) /* 2026-03-02T08:00:00Z */
#define PG_SEED UINT64_C(0x706c616e7467656e) /* "plantgen" */
#define PG_CYCLE_SEC 300u                 /* one --scale unit: 5 minutes */
#define PG_SCALE_MAX 1000u
#define PG_FRAME_MAX 1514u /* Ethernet without FCS, MTU 1500 */
#define PG_FRAME_MIN 60u   /* shorter frames are padded, as on the wire */
#define PG_SNAPLEN 262144u
#define PG_LINKTYPE_ETHERNET 1u

#define USEC UINT64_C(1000000)
#define MSEC UINT64_C(1000)
#define ARP_TTL_USEC (240 * USEC)
#define NTP_UNIX_OFFSET UINT64_C(2208988800)

#define ETH_P_IP 0x0800u
#define ETH_P_ARP 0x0806u
#define ETH_P_LLDP 0x88ccu

#define IPPROTO_ICMP_ 1u
#define IPPROTO_TCP_ 6u
#define IPPROTO_UDP_ 17u

#define TH_FIN 0x01u
#define TH_SYN 0x02u
#define TH_PSH 0x08u
#define TH_ACK 0x10u

#define WS_NONE 0xffu

enum { C2S = 0, S2C = 1 };

/* ------------------------------------------------------------------ */
/* errors                                                             */

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("plantgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

/* ------------------------------------------------------------------ */
/* a bounded write buffer; overflow is a bug in this program          */

struct wbuf {
	uint8_t *p;
	size_t cap;
	size_t len;
};

#define WBUF(arr) { (arr), sizeof(arr), 0 }

static void wb_need(const struct wbuf *b, size_t n)
{
	if (n > b->cap - b->len)
		die("internal: a %zu-byte buffer is too small", b->cap);
}

static void wb_u8(struct wbuf *b, unsigned v)
{
	wb_need(b, 1);
	b->p[b->len++] = (uint8_t)v;
}

static void wb_be16(struct wbuf *b, unsigned v)
{
	wb_u8(b, (v >> 8) & 0xffu);
	wb_u8(b, v & 0xffu);
}

static void wb_be24(struct wbuf *b, uint32_t v)
{
	wb_u8(b, (v >> 16) & 0xffu);
	wb_be16(b, v & 0xffffu);
}

static void wb_be32(struct wbuf *b, uint32_t v)
{
	wb_be16(b, v >> 16);
	wb_be16(b, v & 0xffffu);
}

static void wb_le16(struct wbuf *b, unsigned v)
{
	wb_u8(b, v & 0xffu);
	wb_u8(b, (v >> 8) & 0xffu);
}

static void wb_le32(struct wbuf *b, uint32_t v)
{
	wb_le16(b, v & 0xffffu);
	wb_le16(b, v >> 16);
}

static void wb_mem(struct wbuf *b, const void *src, size_t n)
{
	wb_need(b, n);
	if (n > 0)
		memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void wb_str(struct wbuf *b, const char *s)
{
	wb_mem(b, s, strlen(s));
}

static void wb_fill(struct wbuf *b, unsigned v, size_t n)
{
	wb_need(b, n);
	memset(b->p + b->len, (int)v, n);
	b->len += n;
}

/* a string in a fixed-size field, padded with pad */
static void wb_strpad(struct wbuf *b, const char *s, size_t field, unsigned pad)
{
	size_t n = strlen(s);

	if (n > field)
		die("internal: \"%s\" longer than its %zu-byte field", s, field);
	wb_mem(b, s, n);
	wb_fill(b, pad, field - n);
}

static void wb_fmt(struct wbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void wb_fmt(struct wbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		die("internal: a %zu-byte buffer is too small for text", b->cap);
	b->len += (size_t)n;
}

static void wb_set_be16(struct wbuf *b, size_t off, size_t v)
{
	if (off + 2 > b->len || v > 0xffffu)
		die("internal: bad 16-bit patch");
	b->p[off] = (uint8_t)(v >> 8);
	b->p[off + 1] = (uint8_t)v;
}

static void wb_set_be24(struct wbuf *b, size_t off, size_t v)
{
	if (off + 3 > b->len || v > 0xffffffu)
		die("internal: bad 24-bit patch");
	b->p[off] = (uint8_t)(v >> 16);
	b->p[off + 1] = (uint8_t)(v >> 8);
	b->p[off + 2] = (uint8_t)v;
}

/* ------------------------------------------------------------------ */
/* checksums (RFC 1071)                                               */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint16_t l4_csum(uint32_t sip, uint32_t dip, unsigned proto, const uint8_t *seg, size_t n)
{
	uint32_t sum = 0;

	sum += sip >> 16;
	sum += sip & 0xffffu;
	sum += dip >> 16;
	sum += dip & 0xffffu;
	sum += proto;
	sum += (uint32_t)n;
	return csum_fold(csum_add(sum, seg, n));
}

/* ------------------------------------------------------------------ */
/* hosts                                                              */

enum host_id {
	H_ROUTER,
	H_SWITCH,
	H_PLC,
	H_HMI,
	H_EWS,
	H_CAM,
	H_LAPTOP,
	/* behind the router */
	H_WWW_EXAMPLE,
	H_WWW_PYTHON,
	H_NTP,
	H_SUPPORT,
	H_WIKIPEDIA,
	H_COUNT
};

struct tcp_prof {
	uint16_t mss;
	uint16_t win;   /* window in the SYN, and the window before scaling after it */
	uint8_t wscale; /* WS_NONE: no window scale option */
	bool sack;
};

struct host_def {
	uint8_t mac[6]; /* zero for hosts behind the router */
	uint8_t ip[4];
	uint8_t ttl;    /* as seen on the SPAN port */
	bool remote;
	uint16_t port_lo, port_hi; /* ephemeral port range */
	struct tcp_prof tcp;
};

/*
 * MA-L blocks, each checked in /usr/share/ieee-data/oui.txt (2022-08-27):
 *   00-09-0F Fortinet, Inc. (US)              28-63-36 Siemens AG (DE)
 *   EC-74-BA Hirschmann Automation and Control GmbH (DE)
 *   00-01-05 Beckhoff Automation GmbH (DE)    C8-F7-50 Dell Inc. (US)
 *   BC-AD-28 Hangzhou Hikvision Digital Technology Co.,Ltd. (CN)
 * The laptop's 6A:... has the locally administered bit (0x02) set.
 */
static const struct host_def host_defs[H_COUNT] = {
	[H_ROUTER] = { { 0x00, 0x09, 0x0f, 0x5a, 0x21, 0x01 }, { 10, 10, 1, 1 }, 255, false,
		       0, 0, { 1460, 65535, WS_NONE, false } },
	[H_SWITCH] = { { 0xec, 0x74, 0xba, 0x3c, 0x11, 0x80 }, { 10, 10, 1, 2 }, 64, false,
		       0, 0, { 1460, 5840, WS_NONE, false } },
	[H_PLC] = { { 0x28, 0x63, 0x36, 0x8a, 0x4f, 0x12 }, { 10, 10, 1, 10 }, 30, false,
		    49152, 65535, { 1460, 8192, WS_NONE, false } },
	[H_HMI] = { { 0x00, 0x01, 0x05, 0x2e, 0x7b, 0x44 }, { 10, 10, 1, 20 }, 128, false,
		    49152, 65535, { 1460, 64240, 8, true } },
	[H_EWS] = { { 0xc8, 0xf7, 0x50, 0x1d, 0x62, 0x9a }, { 10, 10, 1, 30 }, 128, false,
		    49152, 65535, { 1460, 64240, 8, true } },
	[H_CAM] = { { 0xbc, 0xad, 0x28, 0x5e, 0x90, 0x3b }, { 10, 10, 1, 50 }, 64, false,
		    32768, 60999, { 1460, 29200, 7, true } },
	[H_LAPTOP] = { { 0x6a, 0x3f, 0x1c, 0xd2, 0x44, 0x07 }, { 10, 10, 1, 99 }, 64, false,
		       49152, 65535, { 1460, 65535, 6, true } },
	[H_WWW_EXAMPLE] = { { 0 }, { 93, 184, 216, 34 }, 53, true, 0, 0, { 1460, 65535, 9, true } },
	[H_WWW_PYTHON] = { { 0 }, { 151, 101, 1, 69 }, 57, true, 0, 0, { 1460, 65535, 9, true } },
	[H_NTP] = { { 0 }, { 162, 159, 200, 1 }, 58, true, 0, 0, { 1460, 65535, WS_NONE, false } },
	[H_SUPPORT] = { { 0 }, { 203, 0, 113, 77 }, 49, true, 0, 0, { 1400, 64240, 7, true } },
	[H_WIKIPEDIA] = { { 0 }, { 185, 15, 59, 224 }, 55, true, 0, 0, { 1460, 65535, 9, true } },
};

static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_zero[6] = { 0 };
static const uint8_t mac_lldp[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
static const uint8_t mac_mdns[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
#define IP_MDNS UINT32_C(0xe00000fb) /* 224.0.0.251 */
#define IP_BCAST UINT32_C(0xffffffff)

struct host {
	uint32_t ip;
	uint16_t ip_id;
	uint16_t next_port;
	uint64_t arp_from[H_COUNT]; /* this host knows the other's MAC in [from, until) */
	uint64_t arp_until[H_COUNT];
};

/* ------------------------------------------------------------------ */
/* the generator                                                      */

struct pkt {
	uint64_t ts;   /* microseconds since the start of the capture */
	uint64_t seq;  /* emission order: the tie-break */
	int src;       /* host whose IPv4 ID counter the frame uses, -1: none */
	uint16_t len;
	uint8_t data[PG_FRAME_MAX];
};

struct tcp_conn {
	int end[2];         /* host ids: [C2S] client, [S2C] server */
	uint16_t port[2];
	uint32_t nxt[2];    /* next sequence number each side sends */
	uint16_t mss[2];
	uint16_t win[2];    /* window field after the handshake */
	uint64_t turn[2];   /* from seeing the peer's segment to seeing this side's answer */
	bool ws_ok, sack_ok;
};

struct plant {
	struct tcp_conn mb; /* HMI -> PLC:502, stays open */
	struct tcp_conn s7; /* HMI -> PLC:102, stays open */
	uint16_t mb_tid;
	uint32_t n_mb_rounds;
	uint16_t s7_pduref;
	uint16_t s7_ref;   /* next COTP source reference */
	uint16_t hreg[10]; /* PLC holding registers 40001.. */
	uint16_t ireg[8];  /* input registers 30001..: raw analog 0..27648 */
	uint16_t coils;
	uint16_t setpoint;
	uint8_t db10[20];  /* DB10.DBB0..19 as the HMI reads it */
	uint16_t icmp_seq;
	int ntp_offset_usec; /* the PLC's clock error */
};

struct gen {
	FILE *out;
	uint64_t rng;
	uint64_t seq;
	uint64_t flushed; /* every pending frame is at or after this time */
	struct pkt *pend;
	size_t n_pend, cap_pend;
	uint64_t n_frames, n_bytes;
	struct host h[H_COUNT];
	struct plant st;
};

/*
 * splitmix64: small, fast, and the same on every platform. Never draw twice
 * in one expression or argument list: C leaves their order unspecified,
 * and gcc and clang pick differently.
 */
static uint64_t rng_next(struct gen *g)
{
	uint64_t z = (g->rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* uniform enough in [lo, hi] for test traffic */
static uint32_t rng_range(struct gen *g, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rng_next(g) % ((uint64_t)hi - lo + 1));
}

static void rng_bytes(struct gen *g, uint8_t *dst, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = (uint8_t)rng_next(g);
}

static uint32_t ip4(const uint8_t a[4])
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

static const uint8_t *host_mac(int id)
{
	return host_defs[id].mac;
}

static void gen_init(struct gen *g, FILE *out)
{
	int i;

	memset(g, 0, sizeof(*g));
	g->out = out;
	g->rng = PG_SEED;
	for (i = 0; i < H_COUNT; i++) {
		const struct host_def *d = &host_defs[i];

		g->h[i].ip = ip4(d->ip);
		g->h[i].ip_id = (uint16_t)rng_next(g);
		if (d->port_hi > d->port_lo)
			g->h[i].next_port = (uint16_t)rng_range(g, d->port_lo, d->port_lo + 2000u);
	}
}

static uint16_t port_alloc(struct gen *g, int id)
{
	struct host *h = &g->h[id];
	const struct host_def *d = &host_defs[id];
	uint16_t p = h->next_port;

	if (d->port_hi <= d->port_lo)
		die("internal: host %d has no ephemeral ports", id);
	h->next_port = p >= d->port_hi ? d->port_lo : (uint16_t)(p + 1);
	return p;
}

/* ------------------------------------------------------------------ */
/* pcap output                                                        */

static void out_write(struct gen *g, const uint8_t *p, size_t n)
{
	if (fwrite(p, 1, n, g->out) != n)
		die("write failed");
}

static void pcap_header(struct gen *g)
{
	uint8_t hdr[24];
	struct wbuf b = WBUF(hdr);

	wb_le32(&b, 0xa1b2c3d4u); /* microsecond timestamps */
	wb_le16(&b, 2);
	wb_le16(&b, 4);
	wb_le32(&b, 0); /* thiszone */
	wb_le32(&b, 0); /* sigfigs */
	wb_le32(&b, PG_SNAPLEN);
	wb_le32(&b, PG_LINKTYPE_ETHERNET);
	out_write(g, hdr, b.len);
}

static void pkt_write(struct gen *g, struct pkt *p)
{
	uint8_t rec[16];
	struct wbuf b = WBUF(rec);
	uint64_t sec = PG_START_SEC + p->ts / USEC;

	/* IPv4 identification and header checksum, in file order */
	if (p->src >= 0 && p->len >= 34 && p->data[12] == (ETH_P_IP >> 8) &&
	    p->data[13] == (ETH_P_IP & 0xffu)) {
		uint8_t *ip = p->data + 14;
		uint16_t id = g->h[p->src].ip_id++;
		uint16_t sum;

		ip[4] = (uint8_t)(id >> 8);
		ip[5] = (uint8_t)id;
		ip[10] = 0;
		ip[11] = 0;
		sum = csum_fold(csum_add(0, ip, 20));
		ip[10] = (uint8_t)(sum >> 8);
		ip[11] = (uint8_t)sum;
	}
	if (sec > UINT32_MAX)
		die("internal: time past 2106");
	wb_le32(&b, (uint32_t)sec);
	wb_le32(&b, (uint32_t)(p->ts % USEC));
	wb_le32(&b, p->len);
	wb_le32(&b, p->len);
	out_write(g, rec, b.len);
	out_write(g, p->data, p->len);
	g->n_frames++;
	g->n_bytes += p->len;
}

static int pkt_cmp(const void *a, const void *b)
{
	const struct pkt *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

static void flush_before(struct gen *g, uint64_t bound)
{
	size_t i = 0;

	qsort(g->pend, g->n_pend, sizeof(*g->pend), pkt_cmp);
	while (i < g->n_pend && g->pend[i].ts < bound)
		pkt_write(g, &g->pend[i++]);
	if (i > 0 && i < g->n_pend)
		memmove(g->pend, g->pend + i, (g->n_pend - i) * sizeof(*g->pend));
	g->n_pend -= i;
	g->flushed = bound;
}

static void emit(struct gen *g, uint64_t ts, int src, const uint8_t *frame, size_t len)
{
	struct pkt *p;

	if (ts < g->flushed)
		die("internal: frame at %llu us is before %llu us, already written",
		    (unsigned long long)ts, (unsigned long long)g->flushed);
	if (len > PG_FRAME_MAX)
		die("internal: %zu-byte frame", len);
	if (g->n_pend == g->cap_pend) {
		size_t cap = g->cap_pend ? g->cap_pend * 2 : 256;
		struct pkt *np = realloc(g->pend, cap * sizeof(*np));

		if (np == NULL)
			die("out of memory");
		g->pend = np;
		g->cap_pend = cap;
	}
	p = &g->pend[g->n_pend++];
	p->ts = ts;
	p->seq = g->seq++;
	p->src = src;
	memcpy(p->data, frame, len);
	if (len < PG_FRAME_MIN) {
		memset(p->data + len, 0, PG_FRAME_MIN - len);
		len = PG_FRAME_MIN;
	}
	p->len = (uint16_t)len;
}

/* ------------------------------------------------------------------ */
/* layer 2 and 3                                                      */

static void put_eth(struct wbuf *b, const uint8_t *dst, const uint8_t *src, unsigned type)
{
	wb_mem(b, dst, 6);
	wb_mem(b, src, 6);
	wb_be16(b, type);
}

static void arp_frame(struct gen *g, uint64_t ts, int from, const uint8_t *dmac, unsigned op,
		      uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
	uint8_t f[64];
	struct wbuf b = WBUF(f);

	put_eth(&b, dmac, host_mac(from), ETH_P_ARP);
	wb_be16(&b, 1);       /* Ethernet */
	wb_be16(&b, ETH_P_IP);
	wb_u8(&b, 6);
	wb_u8(&b, 4);
	wb_be16(&b, op);
	wb_mem(&b, host_mac(from), 6);
	wb_be32(&b, spa);
	wb_mem(&b, tha, 6);
	wb_be32(&b, tpa);
	emit(g, ts, -1, f, b.len);
}

/* RFC 5227: a probe has sender address 0.0.0.0, an announcement its own */
static void arp_gratuitous(struct gen *g, uint64_t ts, int who, bool probe)
{
	arp_frame(g, ts, who, mac_bcast, 1, probe ? 0 : g->h[who].ip, mac_zero, g->h[who].ip);
}

static bool arp_known(const struct gen *g, int a, int b, uint64_t ts)
{
	return g->h[a].arp_from[b] <= ts && ts < g->h[a].arp_until[b];
}

static void arp_learn(struct gen *g, int a, int b, uint64_t ts)
{
	if (!arp_known(g, a, b, ts))
		g->h[a].arp_from[b] = ts;
	g->h[a].arp_until[b] = ts + ARP_TTL_USEC;
}

/* a must know b's MAC before ts: ask, as a real stack would, just before */
static void arp_ensure(struct gen *g, uint64_t ts, int a, int b)
{
	uint64_t tq;

	if (arp_known(g, a, b, ts))
		return;
	tq = ts - 1500 - rng_range(g, 0, 400);
	arp_frame(g, tq, a, mac_bcast, 1, g->h[a].ip, mac_zero, g->h[b].ip);
	arp_frame(g, tq + rng_range(g, 150, 600), b, host_mac(a), 2, g->h[b].ip, host_mac(a),
		  g->h[a].ip);
	arp_learn(g, a, b, tq);
	arp_learn(g, b, a, tq);
}

struct l3 {
	int src; /* host whose IPv4 ID counter the packet uses */
	const uint8_t *smac, *dmac;
	uint32_t sip, dip;
	unsigned ttl;
	bool df;
};

/* unicast between two hosts; hosts behind the router are reached through its MAC */
static void l3_unicast(struct gen *g, uint64_t ts, int src, int dst, struct l3 *a)
{
	int hop_src = host_defs[src].remote ? H_ROUTER : src;
	int hop_dst = host_defs[dst].remote ? H_ROUTER : dst;

	if (host_defs[src].remote && host_defs[dst].remote)
		die("internal: remote to remote");
	arp_ensure(g, ts, hop_src, hop_dst);
	a->src = src;
	a->smac = host_mac(hop_src);
	a->dmac = host_mac(hop_dst);
	a->sip = g->h[src].ip;
	a->dip = g->h[dst].ip;
	a->ttl = host_defs[src].ttl;
	a->df = false;
}

static void ip_frame(struct gen *g, uint64_t ts, const struct l3 *a, unsigned proto,
		     const uint8_t *l4, size_t n)
{
	uint8_t f[PG_FRAME_MAX];
	struct wbuf b = WBUF(f);

	put_eth(&b, a->dmac, a->smac, ETH_P_IP);
	wb_u8(&b, 0x45);
	wb_u8(&b, 0);
	wb_be16(&b, (unsigned)(20 + n));
	wb_be16(&b, 0); /* identification: set when written */
	wb_be16(&b, a->df ? 0x4000u : 0);
	wb_u8(&b, a->ttl);
	wb_u8(&b, proto);
	wb_be16(&b, 0); /* header checksum: set when written */
	wb_be32(&b, a->sip);
	wb_be32(&b, a->dip);
	wb_mem(&b, l4, n);
	emit(g, ts, a->src, f, b.len);
}

static void udp_frame(struct gen *g, uint64_t ts, const struct l3 *a, unsigned sport,
		      unsigned dport, const uint8_t *pl, size_t n)
{
	uint8_t seg[PG_FRAME_MAX];
	struct wbuf b = WBUF(seg);
	uint16_t sum;

	wb_be16(&b, sport);
	wb_be16(&b, dport);
	wb_be16(&b, (unsigned)(8 + n));
	wb_be16(&b, 0);
	wb_mem(&b, pl, n);
	sum = l4_csum(a->sip, a->dip, IPPROTO_UDP_, seg, b.len);
	wb_set_be16(&b, 6, sum == 0 ? 0xffffu : sum);
	ip_frame(g, ts, a, IPPROTO_UDP_, seg, b.len);
}

static void udp_unicast(struct gen *g, uint64_t ts, int src, unsigned sport, int dst,
			unsigned dport, const uint8_t *pl, size_t n)
{
	struct l3 a;

	l3_unicast(g, ts, src, dst, &a);
	udp_frame(g, ts, &a, sport, dport, pl, n);
}

/* ------------------------------------------------------------------ */
/* TCP                                                                */

static void tcp_init(struct gen *g, struct tcp_conn *c, int cli, int srv, unsigned sport)
{
	memset(c, 0, sizeof(*c));
	c->end[C2S] = cli;
	c->end[S2C] = srv;
	c->port[C2S] = port_alloc(g, cli);
	c->port[S2C] = (uint16_t)sport;
	c->nxt[C2S] = (uint32_t)rng_next(g);
	c->nxt[S2C] = (uint32_t)rng_next(g);
	c->turn[C2S] = rng_range(g, 60, 180);
	if (host_defs[srv].remote)
		c->turn[S2C] = rng_range(g, 9000, 28000); /* the internet round trip */
	else
		c->turn[S2C] = rng_range(g, 120, 400);
}

static void tcp_seg(struct gen *g, struct tcp_conn *c, int dir, uint64_t ts, unsigned flags,
		    const uint8_t *data, size_t n)
{
	int s = c->end[dir];
	const struct tcp_prof *tp = &host_defs[s].tcp;
	uint8_t seg[PG_FRAME_MAX];
	struct wbuf b = WBUF(seg);
	struct l3 a;
	size_t hlen_off;

	l3_unicast(g, ts, s, c->end[!dir], &a);
	a.df = true;
	wb_be16(&b, c->port[dir]);
	wb_be16(&b, c->port[!dir]);
	wb_be32(&b, c->nxt[dir]);
	wb_be32(&b, (flags & TH_ACK) ? c->nxt[!dir] : 0);
	hlen_off = b.len;
	wb_u8(&b, 0);
	wb_u8(&b, flags);
	wb_be16(&b, (flags & TH_SYN) ? tp->win : c->win[dir]);
	wb_be16(&b, 0); /* checksum */
	wb_be16(&b, 0); /* urgent pointer */
	if (flags & TH_SYN) {
		/* a SYN-ACK carries WS and SACK-permitted only if the SYN did */
		bool ws = tp->wscale != WS_NONE && (dir == C2S || c->ws_ok);
		bool sack = tp->sack && (dir == C2S || c->sack_ok);

		wb_u8(&b, 2);
		wb_u8(&b, 4);
		wb_be16(&b, tp->mss);
		if (ws) {
			wb_u8(&b, 1);
			wb_u8(&b, 3);
			wb_u8(&b, 3);
			wb_u8(&b, tp->wscale);
		}
		if (sack) {
			wb_u8(&b, 1);
			wb_u8(&b, 1);
			wb_u8(&b, 4);
			wb_u8(&b, 2);
		}
	}
	b.p[hlen_off] = (uint8_t)((b.len / 4) << 4);
	wb_mem(&b, data, n);
	wb_set_be16(&b, 16, l4_csum(a.sip, a.dip, IPPROTO_TCP_, seg, b.len));
	ip_frame(g, ts, &a, IPPROTO_TCP_, seg, b.len);
	c->nxt[dir] += (uint32_t)n + ((flags & TH_SYN) ? 1u : 0) + ((flags & TH_FIN) ? 1u : 0);
}

static uint16_t tcp_win_after(const struct tcp_prof *tp, bool ws_ok)
{
	return ws_ok ? (uint16_t)(tp->win >> tp->wscale) : tp->win;
}

/* three-way handshake at ts; returns the time of the final ACK */
static uint64_t tcp_connect(struct gen *g, struct tcp_conn *c, uint64_t ts)
{
	const struct tcp_prof *cp = &host_defs[c->end[C2S]].tcp;
	const struct tcp_prof *sp = &host_defs[c->end[S2C]].tcp;

	c->ws_ok = cp->wscale != WS_NONE && sp->wscale != WS_NONE;
	c->sack_ok = cp->sack && sp->sack;
	c->mss[C2S] = cp->mss;
	c->mss[S2C] = sp->mss;
	c->win[C2S] = tcp_win_after(cp, c->ws_ok);
	c->win[S2C] = tcp_win_after(sp, c->ws_ok);
	tcp_seg(g, c, C2S, ts, TH_SYN, NULL, 0);
	ts += c->turn[S2C];
	tcp_seg(g, c, S2C, ts, TH_SYN | TH_ACK, NULL, 0);
	ts += c->turn[C2S];
	tcp_seg(g, c, C2S, ts, TH_ACK, NULL, 0);
	return ts;
}

/* data from one side, cut at the receiver's MSS; returns the last segment's time */
static uint64_t tcp_send(struct gen *g, struct tcp_conn *c, int dir, uint64_t ts,
			 const uint8_t *data, size_t n)
{
	size_t off = 0;
	size_t mss = c->mss[!dir] < c->mss[dir] ? c->mss[!dir] : c->mss[dir];

	while (off < n) {
		size_t k = n - off < mss ? n - off : mss;
		unsigned flags = TH_ACK | (off + k == n ? TH_PSH : 0);

		if (off > 0)
			ts += host_defs[c->end[dir]].remote ? rng_range(g, 40, 160) : rng_range(g, 12, 30);
		tcp_seg(g, c, dir, ts, flags, data + off, k);
		off += k;
	}
	return ts;
}

static void tcp_ack(struct gen *g, struct tcp_conn *c, int dir, uint64_t ts)
{
	tcp_seg(g, c, dir, ts, TH_ACK, NULL, 0);
}

/* orderly close started by dir; returns the time of the last ACK */
static uint64_t tcp_close(struct gen *g, struct tcp_conn *c, int dir, uint64_t ts)
{
	tcp_seg(g, c, dir, ts, TH_FIN | TH_ACK, NULL, 0);
	ts += c->turn[!dir];
	tcp_seg(g, c, !dir, ts, TH_FIN | TH_ACK, NULL, 0);
	ts += c->turn[dir];
	tcp_seg(g, c, dir, ts, TH_ACK, NULL, 0);
	return ts;
}

/* the time the answer from side dir is seen, proc microseconds of work after ts */
static uint64_t tcp_answer_at(struct gen *g, const struct tcp_conn *c, int dir, uint64_t ts,
			      uint32_t proc_lo, uint32_t proc_hi)
{
	return ts + c->turn[dir] + rng_range(g, proc_lo, proc_hi);
}

/* ------------------------------------------------------------------ */
/* text helpers                                                       */

static void http_date(char *dst, size_t dstsz, uint64_t ts)
{
	/* strftime's %a and %b depend on the locale; name them here */
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)(PG_START_SEC + ts / USEC);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(dst, dstsz, "%s, %02d %s %04d %02d:%02d:%02d GMT", wday[tm.tm_wday], tm.tm_mday,
		 mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void hex_random(struct gen *g, char *dst, size_t n_hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n_hex; i++)
		dst[i] = digits[rng_next(g) & 0xfu];
	dst[n_hex] = '\0';
}

/* ------------------------------------------------------------------ */
/* DNS (RFC 1035)                                                     */

#define DNS_TYPE_A 1u
#define DNS_TYPE_PTR 12u
#define DNS_TYPE_AAAA 28u
#define DNS_TYPE_ANY 255u

static void dns_name(struct wbuf *b, const char *name)
{
	const char *p = name;

	while (*p != '\0') {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (n == 0 || n > 63)
			die("internal: bad DNS label in %s", name);
		wb_u8(b, (unsigned)n);
		wb_mem(b, p, n);
		p += n;
		if (*p == '.')
			p++;
	}
	wb_u8(b, 0);
}

/* a query from cli to the router's forwarder and its answer; returns the answer's time */
static uint64_t dns_lookup(struct gen *g, uint64_t ts, int cli, const char *name, unsigned qtype,
			   const uint8_t *rdata, size_t rdlen, uint32_t ttl)
{
	uint8_t q[512], r[512];
	struct wbuf bq = WBUF(q), br = WBUF(r);
	unsigned id = rng_range(g, 0, 0xffff);
	unsigned port = rng_range(g, 49152, 65535);
	size_t qlen;

	wb_be16(&bq, id);
	wb_be16(&bq, 0x0100); /* standard query, recursion desired */
	wb_be16(&bq, 1);
	wb_be16(&bq, 0);
	wb_be16(&bq, 0);
	wb_be16(&bq, 0);
	dns_name(&bq, name);
	wb_be16(&bq, qtype);
	wb_be16(&bq, 1);
	qlen = bq.len;
	udp_unicast(g, ts, cli, port, H_ROUTER, 53, q, bq.len);

	wb_mem(&br, q, qlen);
	br.p[2] = 0x81; /* response, recursion desired and available, no error */
	br.p[3] = 0x80;
	wb_set_be16(&br, 6, rdata ? 1 : 0);
	if (rdata) {
		wb_be16(&br, 0xc00c); /* the name in the question */
		wb_be16(&br, qtype);
		wb_be16(&br, 1);
		wb_be32(&br, ttl);
		wb_be16(&br, (unsigned)rdlen);
		wb_mem(&br, rdata, rdlen);
	}
	ts += rng_range(g, 400, 2500);
	udp_unicast(g, ts, H_ROUTER, 53, cli, port, r, br.len);
	return ts;
}

static uint64_t dns_lookup_a(struct gen *g, uint64_t ts, int cli, const char *name, int target)
{
	uint8_t a[4];
	uint32_t ip = g->h[target].ip;

	a[0] = (uint8_t)(ip >> 24);
	a[1] = (uint8_t)(ip >> 16);
	a[2] = (uint8_t)(ip >> 8);
	a[3] = (uint8_t)ip;
	return dns_lookup(g, ts, cli, name, DNS_TYPE_A, a, 4, rng_range(g, 60, 3600));
}

/* ------------------------------------------------------------------ */
/* ASN.1 DER for the certificates (X.690)                             */

static size_t der_open(struct wbuf *b, unsigned tag)
{
	wb_u8(b, tag);
	wb_u8(b, 0);
	return b->len;
}

/* the length is known only at the end; long forms shift the contents right */
static void der_close(struct wbuf *b, size_t start)
{
	size_t n = b->len - start;
	size_t extra;

	if (n < 0x80) {
		b->p[start - 1] = (uint8_t)n;
		return;
	}
	if (n > 0xffff)
		die("internal: DER element too long");
	extra = n <= 0xff ? 1 : 2;
	wb_need(b, extra);
	memmove(b->p + start + extra, b->p + start, n);
	b->len += extra;
	b->p[start - 1] = (uint8_t)(0x80 | extra);
	if (extra == 1) {
		b->p[start] = (uint8_t)n;
	} else {
		b->p[start] = (uint8_t)(n >> 8);
		b->p[start + 1] = (uint8_t)n;
	}
}

static void der_prim(struct wbuf *b, unsigned tag, const void *v, size_t n)
{
	size_t s = der_open(b, tag);

	wb_mem(b, v, n);
	der_close(b, s);
}

/* an unsigned big-endian number as a DER INTEGER */
static void der_uint(struct wbuf *b, const uint8_t *v, size_t n)
{
	size_t s;

	while (n > 1 && v[0] == 0) {
		v++;
		n--;
	}
	s = der_open(b, 0x02);
	if (v[0] & 0x80)
		wb_u8(b, 0);
	wb_mem(b, v, n);
	der_close(b, s);
}

static const uint8_t oid_ecdsa_sha256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const uint8_t oid_ec_public_key[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t oid_prime256v1[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t oid_country[] = { 0x55, 0x04, 0x06 };
static const uint8_t oid_org[] = { 0x55, 0x04, 0x0a };
static const uint8_t oid_cn[] = { 0x55, 0x04, 0x03 };
static const uint8_t oid_san[] = { 0x55, 0x1d, 0x11 };
static const uint8_t oid_basic_constraints[] = { 0x55, 0x1d, 0x13 };

struct dn {
	const char *c, *o, *cn;
};

static void der_atv(struct wbuf *b, const uint8_t *oid, size_t oid_len, unsigned str_tag,
		    const char *v)
{
	size_t set = der_open(b, 0x31);
	size_t seq = der_open(b, 0x30);

	der_prim(b, 0x06, oid, oid_len);
	der_prim(b, str_tag, v, strlen(v));
	der_close(b, seq);
	der_close(b, set);
}

static void der_name(struct wbuf *b, const struct dn *dn)
{
	size_t s = der_open(b, 0x30);

	der_atv(b, oid_country, sizeof(oid_country), 0x13, dn->c); /* PrintableString */
	der_atv(b, oid_org, sizeof(oid_org), 0x0c, dn->o);         /* UTF8String */
	der_atv(b, oid_cn, sizeof(oid_cn), 0x0c, dn->cn);
	der_close(b, s);
}

static void der_ecdsa_sig(struct gen *g, struct wbuf *b)
{
	uint8_t r[32], s[32];
	size_t seq;

	rng_bytes(g, r, sizeof(r));
	rng_bytes(g, s, sizeof(s));
	seq = der_open(b, 0x30);
	der_uint(b, r, sizeof(r));
	der_uint(b, s, sizeof(s));
	der_close(b, seq);
}

struct cert_spec {
	struct dn subject, issuer;
	const char *san[3]; /* DNS names; NULL-terminated, none for a CA */
	const char *not_before, *not_after; /* UTCTime */
	bool ca;
};

/*
 * An X.509 v3 certificate with a P-256 key and an ECDSA-SHA256 signature.
 * The key and signature are random bytes of the right shape: nobody checks
 * them, but every length and tag is what a real one has.
 */
static void x509_cert(struct gen *g, struct wbuf *b, const struct cert_spec *cs)
{
	static const uint8_t version3[] = { 0x02, 0x01, 0x02 };
	uint8_t serial[16], point[65];
	size_t cert, tbs, s, s2, s3, exts, ext;
	unsigned i;

	rng_bytes(g, serial, sizeof(serial));
	serial[0] = (uint8_t)((serial[0] & 0x3fu) | 0x10u);
	rng_bytes(g, point, sizeof(point));
	point[0] = 0x04; /* uncompressed point */

	cert = der_open(b, 0x30);
	tbs = der_open(b, 0x30);
	der_prim(b, 0xa0, version3, sizeof(version3));
	der_uint(b, serial, sizeof(serial));
	s = der_open(b, 0x30);
	der_prim(b, 0x06, oid_ecdsa_sha256, sizeof(oid_ecdsa_sha256));
	der_close(b, s);
	der_name(b, &cs->issuer);
	s = der_open(b, 0x30);
	der_prim(b, 0x17, cs->not_before, strlen(cs->not_before));
	der_prim(b, 0x17, cs->not_after, strlen(cs->not_after));
	der_close(b, s);
	der_name(b, &cs->subject);
	s = der_open(b, 0x30); /* SubjectPublicKeyInfo */
	s2 = der_open(b, 0x30);
	der_prim(b, 0x06, oid_ec_public_key, sizeof(oid_ec_public_key));
	der_prim(b, 0x06, oid_prime256v1, sizeof(oid_prime256v1));
	der_close(b, s2);
	s2 = der_open(b, 0x03);
	wb_u8(b, 0); /* no unused bits */
	wb_mem(b, point, sizeof(point));
	der_close(b, s2);
	der_close(b, s);

	exts = der_open(b, 0xa3);
	s = der_open(b, 0x30);
	ext = der_open(b, 0x30); /* basicConstraints, critical */
	der_prim(b, 0x06, oid_basic_constraints, sizeof(oid_basic_constraints));
	der_prim(b, 0x01, "\xff", 1);
	s2 = der_open(b, 0x04);
	s3 = der_open(b, 0x30);
	if (cs->ca) {
		static const uint8_t pathlen0[] = { 0x00 };

		der_prim(b, 0x01, "\xff", 1);
		der_uint(b, pathlen0, 1);
	}
	der_close(b, s3);
	der_close(b, s2);
	der_close(b, ext);
	if (cs->san[0]) {
		ext = der_open(b, 0x30);
		der_prim(b, 0x06, oid_san, sizeof(oid_san));
		s2 = der_open(b, 0x04);
		s3 = der_open(b, 0x30);
		for (i = 0; i < 3 && cs->san[i]; i++)
			der_prim(b, 0x82, cs->san[i], strlen(cs->san[i])); /* dNSName */
		der_close(b, s3);
		der_close(b, s2);
		der_close(b, ext);
	}
	der_close(b, s);
	der_close(b, exts);
	der_close(b, tbs);

	s = der_open(b, 0x30);
	der_prim(b, 0x06, oid_ecdsa_sha256, sizeof(oid_ecdsa_sha256));
	der_close(b, s);
	s = der_open(b, 0x03);
	wb_u8(b, 0);
	der_ecdsa_sig(g, b);
	der_close(b, s);
	der_close(b, cert);
}

/* ------------------------------------------------------------------ */
/* TLS 1.2 (RFC 5246)                                                 */

#define TLS_CT_CCS 20u
#define TLS_CT_ALERT 21u
#define TLS_CT_HANDSHAKE 22u
#define TLS_CT_APPDATA 23u
#define TLS_AEAD_OVERHEAD 24u /* AES-GCM: 8-byte explicit nonce, 16-byte tag */
#define TLS_SUITE_CHOSEN 0xc02bu /* TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */

struct tls_client_prof {
	const uint16_t *suites;
	size_t n_suites;
	const uint16_t *groups;
	size_t n_groups;
	const char *alpn[2]; /* NULL: none offered */
	bool status_request, session_ticket;
};

/* Windows (Schannel-like), macOS (Safari-like) and an embedded remote-access agent */
static const uint16_t suites_win[] = { 0xc02c, 0xc02b, 0xc030, 0xc02f, 0xc024, 0xc023, 0xc028,
				       0xc027, 0xc00a, 0xc009, 0xc014, 0xc013, 0x009d, 0x009c,
				       0x003d, 0x003c, 0x0035, 0x002f, 0x000a };
static const uint16_t suites_mac[] = { 0xc02c, 0xc02b, 0xcca9, 0xc030, 0xc02f, 0xcca8,
				       0xc00a, 0xc009, 0xc014, 0xc013, 0x009d, 0x009c,
				       0x0035, 0x002f, 0xc008, 0xc012, 0x000a };
static const uint16_t suites_agent[] = { 0xc02f, 0xc030, 0xc02b, 0xc02c, 0x009e,
					 0x009f, 0xcca9, 0xcca8 };
static const uint16_t groups_win[] = { 0x001d, 0x0017, 0x0018 };
static const uint16_t groups_mac[] = { 0x001d, 0x0017, 0x0018, 0x0019 };

static const struct tls_client_prof tls_win = {
	suites_win, sizeof(suites_win) / 2, groups_win, sizeof(groups_win) / 2,
	{ "h2", "http/1.1" }, true, true,
};
static const struct tls_client_prof tls_mac = {
	suites_mac, sizeof(suites_mac) / 2, groups_mac, sizeof(groups_mac) / 2,
	{ "h2", "http/1.1" }, true, false,
};
static const struct tls_client_prof tls_agent = {
	suites_agent, sizeof(suites_agent) / 2, groups_win, sizeof(groups_win) / 2,
	{ NULL, NULL }, false, false,
};

static size_t tls_record_open(struct wbuf *b, unsigned type, unsigned version)
{
	wb_u8(b, type);
	wb_be16(b, version);
	wb_be16(b, 0);
	return b->len;
}

static void tls_record_close(struct wbuf *b, size_t start)
{
	wb_set_be16(b, start - 2, b->len - start);
}

static size_t tls_hs_open(struct wbuf *b, unsigned type)
{
	wb_u8(b, type);
	wb_be24(b, 0);
	return b->len;
}

static void tls_hs_close(struct wbuf *b, size_t start)
{
	wb_set_be24(b, start - 3, b->len - start);
}

static size_t ext_open(struct wbuf *b, unsigned type)
{
	wb_be16(b, type);
	wb_be16(b, 0);
	return b->len;
}

static void ext_close(struct wbuf *b, size_t start)
{
	wb_set_be16(b, start - 2, b->len - start);
}

static void tls_client_hello(struct gen *g, struct wbuf *b, const struct tls_client_prof *p,
			     const char *sni)
{
	static const uint16_t sigalgs[] = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805,
					    0x0501, 0x0806, 0x0601, 0x0201 };
	uint8_t rnd[32];
	size_t rec, hs, exts, e, l;
	size_t i;

	rec = tls_record_open(b, TLS_CT_HANDSHAKE, 0x0301);
	hs = tls_hs_open(b, 1);
	wb_be16(b, 0x0303);
	rng_bytes(g, rnd, sizeof(rnd));
	wb_mem(b, rnd, sizeof(rnd));
	wb_u8(b, 32); /* a session id, as clients that resume send */
	rng_bytes(g, rnd, sizeof(rnd));
	wb_mem(b, rnd, sizeof(rnd));
	wb_be16(b, (unsigned)(p->n_suites * 2));
	for (i = 0; i < p->n_suites; i++)
		wb_be16(b, p->suites[i]);
	wb_u8(b, 1);
	wb_u8(b, 0); /* null compression */
	wb_be16(b, 0);
	exts = b->len;

	e = ext_open(b, 0x0000); /* server_name */
	l = b->len;
	wb_be16(b, 0);
	wb_u8(b, 0); /* host_name */
	wb_be16(b, (unsigned)strlen(sni));
	wb_str(b, sni);
	wb_set_be16(b, l, b->len - l - 2);
	ext_close(b, e);
	if (p->status_request) {
		e = ext_open(b, 0x0005);
		wb_u8(b, 1); /* ocsp */
		wb_be16(b, 0);
		wb_be16(b, 0);
		ext_close(b, e);
	}
	e = ext_open(b, 0x000a); /* supported_groups */
	wb_be16(b, (unsigned)(p->n_groups * 2));
	for (i = 0; i < p->n_groups; i++)
		wb_be16(b, p->groups[i]);
	ext_close(b, e);
	e = ext_open(b, 0x000b); /* ec_point_formats: uncompressed */
	wb_u8(b, 1);
	wb_u8(b, 0);
	ext_close(b, e);
	e = ext_open(b, 0x000d); /* signature_algorithms */
	wb_be16(b, (unsigned)sizeof(sigalgs));
	for (i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
		wb_be16(b, sigalgs[i]);
	ext_close(b, e);
	if (p->session_ticket) {
		e = ext_open(b, 0x0023);
		ext_close(b, e);
	}
	if (p->alpn[0]) {
		e = ext_open(b, 0x0010);
		l = b->len;
		wb_be16(b, 0);
		for (i = 0; i < 2 && p->alpn[i]; i++) {
			wb_u8(b, (unsigned)strlen(p->alpn[i]));
			wb_str(b, p->alpn[i]);
		}
		wb_set_be16(b, l, b->len - l - 2);
		ext_close(b, e);
	}
	e = ext_open(b, 0x0017); /* extended_master_secret */
	ext_close(b, e);
	e = ext_open(b, 0xff01); /* renegotiation_info, initial */
	wb_u8(b, 0);
	ext_close(b, e);

	wb_set_be16(b, exts - 2, b->len - exts);
	tls_hs_close(b, hs);
	tls_record_close(b, rec);
}

/* ServerHello, Certificate, ServerKeyExchange, ServerHelloDone, one record each */
static void tls_server_flight(struct gen *g, struct wbuf *b, const char *alpn,
			      const struct cert_spec *leaf, const struct cert_spec *ca)
{
	uint8_t rnd[65];
	size_t rec, hs, exts, e, l, certs, one;

	rec = tls_record_open(b, TLS_CT_HANDSHAKE, 0x0303);
	hs = tls_hs_open(b, 2);
	wb_be16(b, 0x0303);
	rng_bytes(g, rnd, 32);
	wb_mem(b, rnd, 32);
	wb_u8(b, 32);
	rng_bytes(g, rnd, 32);
	wb_mem(b, rnd, 32);
	wb_be16(b, TLS_SUITE_CHOSEN);
	wb_u8(b, 0);
	wb_be16(b, 0);
	exts = b->len;
	e = ext_open(b, 0xff01);
	wb_u8(b, 0);
	ext_close(b, e);
	e = ext_open(b, 0x000b);
	wb_u8(b, 1);
	wb_u8(b, 0);
	ext_close(b, e);
	e = ext_open(b, 0x0017);
	ext_close(b, e);
	if (alpn) {
		e = ext_open(b, 0x0010);
		l = b->len;
		wb_be16(b, 0);
		wb_u8(b, (unsigned)strlen(alpn));
		wb_str(b, alpn);
		wb_set_be16(b, l, b->len - l - 2);
		ext_close(b, e);
	}
	wb_set_be16(b, exts - 2, b->len - exts);
	tls_hs_close(b, hs);
	tls_record_close(b, rec);

	rec = tls_record_open(b, TLS_CT_HANDSHAKE, 0x0303);
	hs = tls_hs_open(b, 11);
	wb_be24(b, 0);
	certs = b->len;
	wb_be24(b, 0);
	one = b->len;
	x509_cert(g, b, leaf);
	wb_set_be24(b, one - 3, b->len - one);
	wb_be24(b, 0);
	one = b->len;
	x509_cert(g, b, ca);
	wb_set_be24(b, one - 3, b->len - one);
	wb_set_be24(b, certs - 3, b->len - certs);
	tls_hs_close(b, hs);
	tls_record_close(b, rec);

	rec = tls_record_open(b, TLS_CT_HANDSHAKE, 0x0303);
	hs = tls_hs_open(b, 12);
	wb_u8(b, 3); /* named_curve */
	wb_be16(b, 0x0017); /* secp256r1 */
	wb_u8(b, 65);
	rng_bytes(g, rnd, 65);
	rnd[0] = 0x04;
	wb_mem(b, rnd, 65);
	wb_be16(b, 0x0403); /* ecdsa_secp256r1_sha256 */
	wb_be16(b, 0);
	l = b->len;
	der_ecdsa_sig(g, b);
	wb_set_be16(b, l - 2, b->len - l);
	tls_hs_close(b, hs);
	tls_record_close(b, rec);

	rec = tls_record_open(b, TLS_CT_HANDSHAKE, 0x0303);
	hs = tls_hs_open(b, 14);
	tls_hs_close(b, hs);
	tls_record_close(b, rec);
}

/* ChangeCipherSpec and the encrypted Finished: the same shape from both sides */
static void tls_ccs_finished(struct gen *g, struct wbuf *b)
{
	uint8_t fin[40];
	size_t rec;

	rec = tls_record_open(b, TLS_CT_CCS, 0x0303);
	wb_u8(b, 1);
	tls_record_close(b, rec);
	rec = tls_record_open(b, TLS_CT_HANDSHAKE, 0x0303);
	rng_bytes(g, fin, sizeof(fin)); /* 12-byte verify_data, sealed */
	wb_mem(b, fin, sizeof(fin));
	tls_record_close(b, rec);
}

static void tls_client_key_exchange(struct gen *g, struct wbuf *b)
{
	uint8_t point[65];
	size_t rec, hs;

	rec = tls_record_open(b, TLS_CT_HANDSHAKE, 0x0303);
	hs = tls_hs_open(b, 16);
	wb_u8(b, sizeof(point));
	rng_bytes(g, point, sizeof(point));
	point[0] = 0x04;
	wb_mem(b, point, sizeof(point));
	tls_hs_close(b, hs);
	tls_record_close(b, rec);
	tls_ccs_finished(g, b);
}

/* sealed records carrying n bytes of plaintext, at most 16 KiB each */
static void tls_sealed(struct gen *g, struct wbuf *b, unsigned type, size_t n)
{
	while (n > 0) {
		size_t k = n > 16384 ? 16384 : n;
		size_t rec = tls_record_open(b, type, 0x0303);

		wb_need(b, k + TLS_AEAD_OVERHEAD);
		rng_bytes(g, b->p + b->len, k + TLS_AEAD_OVERHEAD);
		b->len += k + TLS_AEAD_OVERHEAD;
		tls_record_close(b, rec);
		n -= k;
	}
}

#define SYNTH_CA { "US", "Synthetic Trust Services", "Synthetic TLS ECC CA 1" }
#define SYNTH_ROOT { "US", "Synthetic Trust Services", "Synthetic Root CA" }

static const struct cert_spec cert_synth_ca = {
	SYNTH_CA, SYNTH_ROOT, { NULL }, "240101000000Z", "290101000000Z", true,
};

struct tls_site {
	int server;
	const char *sni;
	const char *alpn; /* what the server picks, if the client offered it */
	struct cert_spec cert;
};

static const struct tls_site site_example = {
	H_WWW_EXAMPLE, "www.example.com", "http/1.1",
	{ { "US", "Internet Corporation for Assigned Names and Numbers", "www.example.org" },
	  SYNTH_CA, { "www.example.org", "www.example.com", "example.com" },
	  "260115000000Z", "270115235959Z", false },
};
static const struct tls_site site_python = {
	H_WWW_PYTHON, "www.python.org", "h2",
	{ { "US", "Python Software Foundation", "www.python.org" },
	  SYNTH_CA, { "www.python.org", "python.org", NULL },
	  "251201000000Z", "261231235959Z", false },
};
static const struct tls_site site_support = {
	H_SUPPORT, "remote.vendor-support.example", NULL,
	{ { "DE", "Vendor Support GmbH", "remote.vendor-support.example" },
	  SYNTH_CA, { "remote.vendor-support.example", NULL, NULL },
	  "251101000000Z", "261101000000Z", false },
};
static const struct tls_site site_wikipedia = {
	H_WIKIPEDIA, "www.wikipedia.org", "h2",
	{ { "US", "Wikimedia Foundation, Inc.", "*.wikipedia.org" },
	  SYNTH_CA, { "*.wikipedia.org", "wikipedia.org", NULL },
	  "260201000000Z", "260502235959Z", false },
};

/*
 * One HTTPS visit: handshake, one request, a response of n_resp bytes, and
 * a close_notify with FIN from the client hold_usec later.
 */
static uint64_t tls_visit(struct gen *g, uint64_t ts, int cli, const struct tls_site *site,
			  const struct tls_client_prof *prof, size_t n_req, size_t n_resp,
			  uint64_t hold_usec)
{
	static uint8_t buf[65536];
	struct wbuf b = WBUF(buf);
	struct tcp_conn c;
	const char *alpn = prof->alpn[0] ? site->alpn : NULL;

	tcp_init(g, &c, cli, site->server, 443);
	ts = tcp_connect(g, &c, ts);

	tls_client_hello(g, &b, prof, site->sni);
	ts = tcp_send(g, &c, C2S, ts + rng_range(g, 50, 300), b.p, b.len);

	b.len = 0;
	tls_server_flight(g, &b, alpn, &site->cert, &cert_synth_ca);
	ts = tcp_send(g, &c, S2C, tcp_answer_at(g, &c, S2C, ts, 200, 1500), b.p, b.len);

	b.len = 0;
	tls_client_key_exchange(g, &b);
	ts = tcp_send(g, &c, C2S, tcp_answer_at(g, &c, C2S, ts, 600, 2500), b.p, b.len);

	b.len = 0;
	tls_ccs_finished(g, &b);
	ts = tcp_send(g, &c, S2C, tcp_answer_at(g, &c, S2C, ts, 100, 600), b.p, b.len);

	b.len = 0;
	tls_sealed(g, &b, TLS_CT_APPDATA, n_req);
	ts = tcp_send(g, &c, C2S, tcp_answer_at(g, &c, C2S, ts, 200, 900), b.p, b.len);

	b.len = 0;
	tls_sealed(g, &b, TLS_CT_APPDATA, n_resp);
	ts = tcp_send(g, &c, S2C, tcp_answer_at(g, &c, S2C, ts, 1000, 9000), b.p, b.len);
	tcp_ack(g, &c, C2S, ts + c.turn[C2S]);

	ts += hold_usec;
	b.len = 0;
	tls_sealed(g, &b, TLS_CT_ALERT, 2); /* close_notify, then FIN at once */
	ts = tcp_send(g, &c, C2S, ts, b.p, b.len);
	return tcp_close(g, &c, C2S, ts + rng_range(g, 20, 80));
}

/* ------------------------------------------------------------------ */
/* DHCP (RFC 2131, 2132)                                              */

#define DHCP_MIN_LEN 300u /* BOOTP's minimum, which clients and servers keep */

static void dhcp_fixed(struct wbuf *b, unsigned op, uint32_t xid, unsigned secs, uint32_t ciaddr,
		       uint32_t yiaddr, const uint8_t *chaddr)
{
	wb_u8(b, op);
	wb_u8(b, 1); /* Ethernet */
	wb_u8(b, 6);
	wb_u8(b, 0);
	wb_be32(b, xid);
	wb_be16(b, secs);
	wb_be16(b, 0); /* flags: unicast replies are fine */
	wb_be32(b, ciaddr);
	wb_be32(b, yiaddr);
	wb_be32(b, 0); /* siaddr */
	wb_be32(b, 0); /* giaddr */
	wb_mem(b, chaddr, 6);
	wb_fill(b, 0, 10 + 64 + 128); /* chaddr padding, sname, file */
	wb_be32(b, 0x63825363);       /* magic cookie */
}

static void dhcp_opt(struct wbuf *b, unsigned code, const void *v, size_t n)
{
	wb_u8(b, code);
	wb_u8(b, (unsigned)n);
	wb_mem(b, v, n);
}

static void dhcp_opt_u8(struct wbuf *b, unsigned code, unsigned v)
{
	uint8_t x = (uint8_t)v;

	dhcp_opt(b, code, &x, 1);
}

static void dhcp_opt_be32(struct wbuf *b, unsigned code, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	dhcp_opt(b, code, x, 4);
}

static void dhcp_end(struct wbuf *b)
{
	wb_u8(b, 255);
	if (b->len < DHCP_MIN_LEN)
		wb_fill(b, 0, DHCP_MIN_LEN - b->len);
}

struct dhcp_client {
	int host;
	const char *hostname;
	bool windows; /* option set and order: Windows 10 or macOS */
};

static void dhcp_client_opts(struct wbuf *b, const struct dhcp_client *dc, unsigned type,
			     uint32_t server, uint32_t want)
{
	static const uint8_t prl_win[] = { 1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252 };
	static const uint8_t prl_mac[] = { 1, 121, 3, 6, 15, 108, 114, 119, 252, 95, 44, 46 };
	uint8_t cid[7];

	cid[0] = 1;
	memcpy(cid + 1, host_mac(dc->host), 6);
	dhcp_opt_u8(b, 53, type);
	if (dc->windows) {
		dhcp_opt(b, 61, cid, sizeof(cid));
		dhcp_opt_be32(b, 50, want);
		if (server)
			dhcp_opt_be32(b, 54, server);
		dhcp_opt(b, 12, dc->hostname, strlen(dc->hostname));
		if (type == 3) {
			uint8_t fqdn[64];
			struct wbuf f = WBUF(fqdn);

			wb_u8(&f, 0); /* flags: client updates A */
			wb_u8(&f, 0);
			wb_u8(&f, 0);
			wb_str(&f, dc->hostname);
			dhcp_opt(b, 81, fqdn, f.len);
		}
		dhcp_opt(b, 60, "MSFT 5.0", 8);
		dhcp_opt(b, 55, prl_win, sizeof(prl_win));
	} else {
		static const uint8_t maxsz[] = { 0x05, 0xdc };

		dhcp_opt(b, 55, prl_mac, sizeof(prl_mac));
		dhcp_opt(b, 57, maxsz, sizeof(maxsz));
		dhcp_opt(b, 61, cid, sizeof(cid));
		if (type == 3) {
			dhcp_opt_be32(b, 50, want);
			dhcp_opt_be32(b, 54, server);
		}
		dhcp_opt_be32(b, 51, 7776000);
		dhcp_opt(b, 12, dc->hostname, strlen(dc->hostname));
	}
	dhcp_end(b);
}

static void dhcp_server_opts(struct gen *g, struct wbuf *b, unsigned type)
{
	uint32_t rtr = g->h[H_ROUTER].ip;

	dhcp_opt_u8(b, 53, type);
	dhcp_opt_be32(b, 54, rtr);
	dhcp_opt_be32(b, 51, 86400);
	dhcp_opt_be32(b, 58, 43200);
	dhcp_opt_be32(b, 59, 75600);
	dhcp_opt_be32(b, 1, 0xffffff00u);
	dhcp_opt_be32(b, 3, rtr);
	dhcp_opt_be32(b, 6, rtr);
	dhcp_opt(b, 15, "plant.local", 11);
	dhcp_end(b);
}

/* DISCOVER, OFFER, REQUEST, ACK; returns the ACK's time */
static uint64_t dhcp_dora(struct gen *g, uint64_t ts, const struct dhcp_client *dc)
{
	uint8_t m[576];
	struct wbuf b = WBUF(m);
	uint32_t xid = (uint32_t)rng_next(g);
	uint32_t yi = g->h[dc->host].ip;
	uint32_t rtr = g->h[H_ROUTER].ip;
	struct l3 bc = { dc->host, host_mac(dc->host), mac_bcast, 0, IP_BCAST,
			 host_defs[dc->host].ttl, false };
	/* the server answers the client's hardware address, it has no ARP entry yet */
	struct l3 sv = { H_ROUTER, host_mac(H_ROUTER), host_mac(dc->host), rtr, yi, 64, false };

	dhcp_fixed(&b, 1, xid, 0, 0, 0, host_mac(dc->host));
	dhcp_client_opts(&b, dc, 1, 0, yi);
	udp_frame(g, ts, &bc, 68, 67, m, b.len);

	b.len = 0;
	dhcp_fixed(&b, 2, xid, 0, 0, yi, host_mac(dc->host));
	dhcp_server_opts(g, &b, 2);
	ts += rng_range(g, 900, 3000);
	udp_frame(g, ts, &sv, 67, 68, m, b.len);

	b.len = 0;
	dhcp_fixed(&b, 1, xid, 0, 0, 0, host_mac(dc->host));
	dhcp_client_opts(&b, dc, 3, rtr, yi);
	ts += rng_range(g, 1000, 6000);
	udp_frame(g, ts, &bc, 68, 67, m, b.len);

	b.len = 0;
	dhcp_fixed(&b, 2, xid, 0, 0, yi, host_mac(dc->host));
	dhcp_server_opts(g, &b, 5);
	ts += rng_range(g, 900, 3000);
	udp_frame(g, ts, &sv, 67, 68, m, b.len);
	arp_learn(g, H_ROUTER, dc->host, ts);
	return ts;
}

/* ------------------------------------------------------------------ */
/* the plant's conversations                                          */

static uint16_t walk(struct gen *g, uint16_t v, unsigned step, unsigned lo, unsigned hi)
{
	int n = (int)v + (int)rng_range(g, 0, 2 * step) - (int)step;

	if (n < (int)lo)
		n = (int)lo;
	if (n > (int)hi)
		n = (int)hi;
	return (uint16_t)n;
}

static void plant_init(struct gen *g)
{
	struct plant *st = &g->st;
	unsigned i;

	st->mb_tid = (uint16_t)rng_range(g, 1, 500);
	st->s7_pduref = (uint16_t)rng_range(g, 0x0100, 0x0f00);
	st->s7_ref = (uint16_t)rng_range(g, 0x0001, 0x00ff);
	st->hreg[0] = 623;  /* tank level, 0.1 % */
	st->hreg[1] = 184;  /* water temperature, 0.1 degC */
	st->hreg[2] = 412;  /* line pressure, 0.01 bar */
	st->hreg[3] = 1270; /* flow, 0.1 m3/h */
	st->hreg[4] = 1450; /* pump 1 speed, rpm */
	st->hreg[5] = 0;    /* pump 2 speed, rpm */
	st->hreg[6] = 0x0015; /* status word */
	st->hreg[7] = 0;      /* alarm word */
	st->hreg[8] = 40213;  /* run hours, low word */
	st->hreg[9] = 1;      /* run hours, high word */
	for (i = 0; i < 8; i++)
		st->ireg[i] = (uint16_t)rng_range(g, 4000, 24000);
	st->coils = 0x0113;
	st->setpoint = 650;
	rng_bytes(g, st->db10, sizeof(st->db10));
	st->icmp_seq = 1;
	st->ntp_offset_usec = -(int)rng_range(g, 200000, 450000);
}

/* PLC boot: RFC 5227 announcement of its static address */
static void plc_hello(struct gen *g, uint64_t ts)
{
	arp_gratuitous(g, ts, H_PLC, false);
}

/* LLDP from the switch's management agent (IEEE 802.1AB-2016 8.5) */
static void tlv(struct wbuf *b, unsigned type, const void *v, size_t n)
{
	wb_be16(b, (type << 9) | (unsigned)n);
	wb_mem(b, v, n);
}

static void lldp_send(struct gen *g, uint64_t ts)
{
	uint8_t f[512], v[64];
	struct wbuf b = WBUF(f), t = WBUF(v);
	const char *name = "SW-CELL-01";
	const char *descr = "Hirschmann RSP20 Rail Switch Power, HiOS-2S-08.7.02";
	const char *pdesc = "Module: 1 Port: 3 - 10/100 Mbit TX";
	uint32_t ip = g->h[H_SWITCH].ip;

	put_eth(&b, mac_lldp, host_mac(H_SWITCH), ETH_P_LLDP);
	wb_u8(&t, 4); /* chassis ID: MAC address */
	wb_mem(&t, host_mac(H_SWITCH), 6);
	tlv(&b, 1, v, t.len);
	t.len = 0;
	wb_u8(&t, 5); /* port ID: interface name */
	wb_str(&t, "1/3");
	tlv(&b, 2, v, t.len);
	t.len = 0;
	wb_be16(&t, 120);
	tlv(&b, 3, v, t.len);
	tlv(&b, 4, pdesc, strlen(pdesc));
	tlv(&b, 5, name, strlen(name));
	tlv(&b, 6, descr, strlen(descr));
	t.len = 0;
	wb_be16(&t, 0x0004); /* capabilities: bridge */
	wb_be16(&t, 0x0004); /* enabled: bridge */
	tlv(&b, 7, v, t.len);
	t.len = 0;
	wb_u8(&t, 5); /* address string length: subtype + IPv4 */
	wb_u8(&t, 1); /* IPv4 */
	wb_be32(&t, ip);
	wb_u8(&t, 2); /* ifIndex */
	wb_be32(&t, 1);
	wb_u8(&t, 0); /* no OID */
	tlv(&b, 8, v, t.len);
	t.len = 0;
	wb_u8(&t, 0x00); /* IEEE 802.1: port VLAN ID */
	wb_u8(&t, 0x80);
	wb_u8(&t, 0xc2);
	wb_u8(&t, 1);
	wb_be16(&t, 1);
	tlv(&b, 127, v, t.len);
	tlv(&b, 0, NULL, 0);
	emit(g, ts, -1, f, b.len);
}

/* --- Modbus/TCP, HMI polls the PLC ------------------------------- */

static uint64_t mb_exchange(struct gen *g, uint64_t ts, const uint8_t *req, size_t n_req,
			    const uint8_t *rsp, size_t n_rsp)
{
	struct plant *st = &g->st;
	uint8_t q[300], r[300];
	struct wbuf bq = WBUF(q), br = WBUF(r);
	unsigned tid = st->mb_tid++;

	wb_be16(&bq, tid);
	wb_be16(&bq, 0); /* protocol: Modbus */
	wb_be16(&bq, (unsigned)(n_req + 1));
	wb_u8(&bq, 1); /* unit */
	wb_mem(&bq, req, n_req);
	ts = tcp_send(g, &st->mb, C2S, ts, q, bq.len);

	wb_be16(&br, tid);
	wb_be16(&br, 0);
	wb_be16(&br, (unsigned)(n_rsp + 1));
	wb_u8(&br, 1);
	wb_mem(&br, rsp, n_rsp);
	/* the server answers at the end of its scan cycle */
	ts = tcp_send(g, &st->mb, S2C, tcp_answer_at(g, &st->mb, S2C, ts, 800, 6000), r, br.len);
	return ts;
}

static uint64_t mb_read_regs(struct gen *g, uint64_t ts, unsigned fc, const uint16_t *regs,
			     unsigned n)
{
	uint8_t q[5], r[260];
	struct wbuf bq = WBUF(q), br = WBUF(r);
	unsigned i;

	wb_u8(&bq, fc);
	wb_be16(&bq, 0);
	wb_be16(&bq, n);
	wb_u8(&br, fc);
	wb_u8(&br, 2 * n);
	for (i = 0; i < n; i++)
		wb_be16(&br, regs[i]);
	return mb_exchange(g, ts, q, bq.len, r, br.len);
}

static void modbus_open(struct gen *g, uint64_t ts)
{
	tcp_init(g, &g->st.mb, H_HMI, H_PLC, 502);
	tcp_connect(g, &g->st.mb, ts);
}

static void modbus_round(struct gen *g, uint64_t ts)
{
	struct plant *st = &g->st;
	unsigned i;

	st->hreg[0] = walk(g, st->hreg[0], 3, 0, 1000);
	st->hreg[1] = walk(g, st->hreg[1], 1, 120, 260);
	st->hreg[2] = walk(g, st->hreg[2], 4, 300, 520);
	st->hreg[3] = walk(g, st->hreg[3], 8, 900, 1600);
	st->hreg[4] = walk(g, st->hreg[4], 5, 1380, 1500);
	for (i = 0; i < 8; i++)
		st->ireg[i] = walk(g, st->ireg[i], 40, 0, 27648);
	if (st->n_mb_rounds % 3600 == 3599 && ++st->hreg[8] == 0)
		st->hreg[9]++;

	/* holding registers 40001-40010, then input registers 30001-30008 */
	ts = mb_read_regs(g, ts, 3, st->hreg, 10);
	ts = mb_read_regs(g, ts + st->mb.turn[C2S] + rng_range(g, 300, 1500), 4, st->ireg, 8);

	if (st->n_mb_rounds % 10 == 4) { /* coils 00001-00016 */
		static const uint8_t q[] = { 0x01, 0x00, 0x00, 0x00, 0x10 };
		uint8_t r[4] = { 0x01, 0x02, (uint8_t)st->coils, (uint8_t)(st->coils >> 8) };

		ts = mb_exchange(g, ts + st->mb.turn[C2S] + rng_range(g, 300, 1500), q, sizeof(q),
				 r, sizeof(r));
	}
	if (st->n_mb_rounds % 60 == 30) { /* an operator changes the level set point */
		uint8_t q[10], r[5];
		struct wbuf bq = WBUF(q), br = WBUF(r);

		st->setpoint = (uint16_t)(st->setpoint == 650 ? 700 : 650);
		wb_u8(&bq, 16);
		wb_be16(&bq, 100);
		wb_be16(&bq, 2);
		wb_u8(&bq, 4);
		wb_be16(&bq, st->setpoint);
		wb_be16(&bq, 50); /* hysteresis */
		wb_u8(&br, 16);
		wb_be16(&br, 100);
		wb_be16(&br, 2);
		ts = mb_exchange(g, ts + st->mb.turn[C2S] + rng_range(g, 300, 1500), q, bq.len, r,
				 br.len);
	}
	if (st->n_mb_rounds % PG_CYCLE_SEC == 5) {
		/* the HMI asks for Read Device Identification (FC 43 / MEI 14); this
		   PLC's Modbus server does not implement it: exception 01 */
		static const uint8_t q[] = { 0x2b, 0x0e, 0x01, 0x00 };
		static const uint8_t r[] = { 0xab, 0x01 };

		ts = mb_exchange(g, ts + st->mb.turn[C2S] + rng_range(g, 300, 1500), q, sizeof(q),
				 r, sizeof(r));
	}
	tcp_ack(g, &st->mb, C2S, ts + rng_range(g, 180000, 200000)); /* delayed ACK */
	st->n_mb_rounds++;
}

/* --- S7comm: TPKT, COTP, S7 ------------------------------------------ */

#define S7_TSAP_PG 0x0100u /* the client's local TSAP */

static void cotp_connect_pdu(struct wbuf *b, unsigned code, unsigned dref, unsigned sref,
			     unsigned dst_tsap)
{
	wb_u8(b, 3); /* TPKT version */
	wb_u8(b, 0);
	wb_be16(b, 22);
	wb_u8(b, 17); /* COTP length indicator */
	wb_u8(b, code);
	wb_be16(b, dref);
	wb_be16(b, sref);
	wb_u8(b, 0); /* class 0 */
	wb_u8(b, 0xc0); /* TPDU size 1024 */
	wb_u8(b, 1);
	wb_u8(b, 0x0a);
	wb_u8(b, 0xc1); /* calling TSAP */
	wb_u8(b, 2);
	wb_be16(b, S7_TSAP_PG);
	wb_u8(b, 0xc2); /* called TSAP */
	wb_u8(b, 2);
	wb_be16(b, dst_tsap);
}

/* TPKT + COTP DT header; the TPKT length is set by s7_end() */
static void s7_begin(struct wbuf *b)
{
	wb_u8(b, 3);
	wb_u8(b, 0);
	wb_be16(b, 0);
	wb_u8(b, 2);    /* COTP length indicator */
	wb_u8(b, 0xf0); /* DT data */
	wb_u8(b, 0x80); /* last data unit */
}

static void s7_end(struct wbuf *b)
{
	wb_set_be16(b, 2, b->len);
}

/* S7 header; ack-data (3) carries error class and code */
static void s7_header(struct wbuf *b, unsigned rosctr, unsigned pduref, size_t plen, size_t dlen)
{
	wb_u8(b, 0x32);
	wb_u8(b, rosctr);
	wb_be16(b, 0);
	wb_be16(b, pduref);
	wb_be16(b, (unsigned)plen);
	wb_be16(b, (unsigned)dlen);
	if (rosctr == 2 || rosctr == 3) {
		wb_u8(b, 0);
		wb_u8(b, 0);
	}
}

/* COTP connect, S7 setup communication; returns the time of the last frame */
static uint64_t s7_session_open(struct gen *g, struct tcp_conn *c, uint64_t ts, unsigned dst_tsap)
{
	struct plant *st = &g->st;
	uint8_t m[64];
	struct wbuf b = WBUF(m);
	unsigned sref = st->s7_ref++;
	unsigned pduref = st->s7_pduref++;

	ts = tcp_connect(g, c, ts);
	cotp_connect_pdu(&b, 0xe0, 0x0000, sref, dst_tsap);
	ts = tcp_send(g, c, C2S, ts + rng_range(g, 100, 400), m, b.len);
	b.len = 0;
	cotp_connect_pdu(&b, 0xd0, sref, 0x4431, dst_tsap);
	ts = tcp_send(g, c, S2C, tcp_answer_at(g, c, S2C, ts, 300, 2000), m, b.len);

	b.len = 0;
	s7_begin(&b);
	s7_header(&b, 1, pduref, 8, 0);
	wb_u8(&b, 0xf0); /* setup communication */
	wb_u8(&b, 0);
	wb_be16(&b, 1); /* max AmQ calling */
	wb_be16(&b, 1); /* max AmQ called */
	wb_be16(&b, 480);
	s7_end(&b);
	ts = tcp_send(g, c, C2S, tcp_answer_at(g, c, C2S, ts, 100, 400), m, b.len);

	b.len = 0;
	s7_begin(&b);
	s7_header(&b, 3, pduref, 8, 0);
	wb_u8(&b, 0xf0);
	wb_u8(&b, 0);
	wb_be16(&b, 1);
	wb_be16(&b, 1);
	wb_be16(&b, 240); /* a CPU 315-2 PN/DP offers 240 */
	s7_end(&b);
	return tcp_send(g, c, S2C, tcp_answer_at(g, c, S2C, ts, 1000, 4000), m, b.len);
}

static void s7_open(struct gen *g, uint64_t ts)
{
	tcp_init(g, &g->st.s7, H_HMI, H_PLC, 102);
	ts = s7_session_open(g, &g->st.s7, ts, 0x0202); /* OP connection to rack 0, slot 2 */
	tcp_ack(g, &g->st.s7, C2S, ts + rng_range(g, 180000, 200000));
}

/* read-var item: S7ANY addressing, transport size BYTE */
static void s7_item(struct wbuf *b, unsigned n_bytes, unsigned db, unsigned area, unsigned byte)
{
	wb_u8(b, 0x12);
	wb_u8(b, 0x0a);
	wb_u8(b, 0x10); /* S7ANY */
	wb_u8(b, 0x02); /* BYTE */
	wb_be16(b, n_bytes);
	wb_be16(b, db);
	wb_u8(b, area);
	wb_be24(b, byte * 8);
}

static void s7_round(struct gen *g, uint64_t ts)
{
	struct plant *st = &g->st;
	struct tcp_conn *c = &st->s7;
	uint8_t m[256];
	struct wbuf b = WBUF(m);
	unsigned pduref = st->s7_pduref++;
	uint8_t mb100[4];
	unsigned i;

	for (i = 0; i < sizeof(st->db10); i += 2) {
		uint16_t v = walk(g, (uint16_t)(st->db10[i] << 8 | st->db10[i + 1]), 20, 0, 0x7fff);

		st->db10[i] = (uint8_t)(v >> 8);
		st->db10[i + 1] = (uint8_t)v;
	}
	rng_bytes(g, mb100, sizeof(mb100));

	/* read DB10.DBB0, 20 bytes, and MB100, 4 bytes */
	s7_begin(&b);
	s7_header(&b, 1, pduref, 2 + 2 * 12, 0);
	wb_u8(&b, 0x04);
	wb_u8(&b, 2);
	s7_item(&b, sizeof(st->db10), 10, 0x84, 0);
	s7_item(&b, sizeof(mb100), 0, 0x83, 100);
	s7_end(&b);
	ts = tcp_send(g, c, C2S, ts, m, b.len);

	b.len = 0;
	s7_begin(&b);
	s7_header(&b, 3, pduref, 2, 4 + sizeof(st->db10) + 4 + sizeof(mb100));
	wb_u8(&b, 0x04);
	wb_u8(&b, 2);
	wb_u8(&b, 0xff); /* success */
	wb_u8(&b, 0x04); /* BYTE/WORD/DWORD: length in bits */
	wb_be16(&b, sizeof(st->db10) * 8);
	wb_mem(&b, st->db10, sizeof(st->db10));
	wb_u8(&b, 0xff);
	wb_u8(&b, 0x04);
	wb_be16(&b, sizeof(mb100) * 8);
	wb_mem(&b, mb100, sizeof(mb100));
	s7_end(&b);
	ts = tcp_send(g, c, S2C, tcp_answer_at(g, c, S2C, ts, 1500, 9000), m, b.len);
	tcp_ack(g, c, C2S, ts + rng_range(g, 180000, 200000));
}

/* SZL (system status list) read: userdata, CPU functions, read SZL */
static uint64_t s7_szl(struct gen *g, struct tcp_conn *c, uint64_t ts, unsigned id,
		       const uint8_t *records, size_t rec_len, size_t n_rec)
{
	struct plant *st = &g->st;
	uint8_t m[300];
	struct wbuf b = WBUF(m);
	unsigned pduref = st->s7_pduref++;
	size_t dlen = 4 + 8 + rec_len * n_rec;

	s7_begin(&b);
	s7_header(&b, 7, pduref, 8, 8);
	wb_u8(&b, 0x00); /* parameter head */
	wb_u8(&b, 0x01);
	wb_u8(&b, 0x12);
	wb_u8(&b, 4);    /* parameter length */
	wb_u8(&b, 0x11); /* request */
	wb_u8(&b, 0x44); /* type request, group CPU functions */
	wb_u8(&b, 0x01); /* read SZL */
	wb_u8(&b, 0x00); /* sequence number */
	wb_u8(&b, 0xff);
	wb_u8(&b, 0x09); /* octet string */
	wb_be16(&b, 4);
	wb_be16(&b, id);
	wb_be16(&b, 0x0000); /* index */
	s7_end(&b);
	ts = tcp_send(g, c, C2S, ts, m, b.len);

	b.len = 0;
	s7_begin(&b);
	s7_header(&b, 7, pduref, 12, dlen);
	wb_u8(&b, 0x00);
	wb_u8(&b, 0x01);
	wb_u8(&b, 0x12);
	wb_u8(&b, 8);
	wb_u8(&b, 0x12); /* response */
	wb_u8(&b, 0x84); /* type response, group CPU functions */
	wb_u8(&b, 0x01);
	wb_u8(&b, 0x01); /* sequence number */
	wb_u8(&b, 0x00); /* data unit reference */
	wb_u8(&b, 0x00); /* last data unit */
	wb_be16(&b, 0);  /* no error */
	wb_u8(&b, 0xff);
	wb_u8(&b, 0x09);
	wb_be16(&b, (unsigned)(dlen - 4));
	wb_be16(&b, id);
	wb_be16(&b, 0x0000);
	wb_be16(&b, (unsigned)rec_len);
	wb_be16(&b, (unsigned)n_rec);
	wb_mem(&b, records, rec_len * n_rec);
	s7_end(&b);
	return tcp_send(g, c, S2C, tcp_answer_at(g, c, S2C, ts, 2000, 12000), m, b.len);
}

/* the engineering station goes online: who is this CPU? */
static void ews_s7_identify(struct gen *g, uint64_t ts)
{
	static const char mlfb[] = "6ES7 315-2EH14-0AB0 ";
	static const struct {
		unsigned index;
		const char *text;
	} comp[] = {
		{ 0x0001, "S7-300 Station Line 2" },
		{ 0x0002, "PLC-LINE2" },
		{ 0x0003, "WTP Noord Line 2" },
		{ 0x0004, "Original Siemens Equipment" },
		{ 0x0005, "S C-H4U712302011" },
		{ 0x0007, "CPU 315-2 PN/DP" },
	};
	uint8_t rec[256];
	struct wbuf b = WBUF(rec);
	struct tcp_conn c;
	size_t i;

	tcp_init(g, &c, H_EWS, H_PLC, 102);
	ts = s7_session_open(g, &c, ts, 0x0102); /* PG connection to rack 0, slot 2 */

	/* SZL 0x0011, module identification: MLFB, BGTyp, Ausbg, Ausbe */
	wb_be16(&b, 0x0001);
	wb_strpad(&b, mlfb, 20, ' ');
	wb_be16(&b, 0x0000);
	wb_be16(&b, 0x0004);
	wb_be16(&b, 0x0004);
	wb_be16(&b, 0x0006); /* hardware */
	wb_strpad(&b, mlfb, 20, ' ');
	wb_be16(&b, 0x0000);
	wb_be16(&b, 0x0004);
	wb_be16(&b, 0x0004);
	wb_be16(&b, 0x0007); /* firmware V3.2.17 */
	wb_strpad(&b, "", 20, ' ');
	wb_be16(&b, 0x0000);
	wb_be16(&b, 0x5603);
	wb_be16(&b, 0x0211);
	ts = s7_szl(g, &c, tcp_answer_at(g, &c, C2S, ts, 2000, 20000), 0x0011, rec, 28, 3);

	/* SZL 0x001C, component identification, 34-byte records */
	b.len = 0;
	for (i = 0; i < sizeof(comp) / sizeof(comp[0]); i++) {
		wb_be16(&b, comp[i].index);
		wb_strpad(&b, comp[i].text, 32, 0);
	}
	ts = s7_szl(g, &c, tcp_answer_at(g, &c, C2S, ts, 2000, 20000), 0x001c, rec, 34,
		    sizeof(comp) / sizeof(comp[0]));
	tcp_ack(g, &c, C2S, ts + rng_range(g, 30000, 60000));
	tcp_close(g, &c, C2S, ts + rng_range(g, 1500000, 2500000));
}

/* --- NTP: the PLC keeps its clock ------------------------------------ */

static void ntp_ts(struct wbuf *b, uint64_t abs_usec)
{
	uint64_t sec = abs_usec / USEC + NTP_UNIX_OFFSET;
	uint64_t frac = ((abs_usec % USEC) << 32) / USEC;

	wb_be32(b, (uint32_t)sec);
	wb_be32(b, (uint32_t)frac);
}

static void ntp_poll(struct gen *g, uint64_t ts)
{
	uint8_t q[48], r[48];
	struct wbuf bq = WBUF(q), br = WBUF(r);
	uint64_t now = PG_START_SEC * USEC + ts;
	uint64_t plc_now = now + (uint64_t)(int64_t)g->st.ntp_offset_usec;
	uint64_t half = rng_range(g, 4000, 9000);
	uint64_t t_recv = now + half;
	uint64_t t_xmit = t_recv + rng_range(g, 15, 60);

	/* SNTP client: only the transmit timestamp is set (RFC 4330 5) */
	wb_u8(&bq, 0x23); /* LI 0, VN 4, mode 3 client */
	wb_fill(&bq, 0, 39);
	ntp_ts(&bq, plc_now);
	udp_unicast(g, ts, H_PLC, 123, H_NTP, 123, q, bq.len);

	wb_u8(&br, 0x24); /* LI 0, VN 4, mode 4 server */
	wb_u8(&br, 3);    /* stratum */
	wb_u8(&br, 6);    /* poll 64 s */
	wb_u8(&br, 0xe7); /* precision 2^-25 */
	wb_be32(&br, 0x00000188); /* root delay */
	wb_be32(&br, 0x00000411); /* root dispersion */
	wb_be32(&br, 0x0a1f0804); /* reference ID: upstream server address */
	ntp_ts(&br, now - 37 * USEC);
	ntp_ts(&br, plc_now); /* origin: the client's transmit time */
	ntp_ts(&br, t_recv);
	ntp_ts(&br, t_xmit);
	udp_unicast(g, ts + 2 * half + 60, H_NTP, 123, H_PLC, 123, r, br.len);
	g->st.ntp_offset_usec /= 4; /* the PLC steps most of the error away */
}

/* --- the engineering workstation ------------------------------------ */

static const struct dhcp_client dhcp_ews = { H_EWS, "EWS-01", true };
static const struct dhcp_client dhcp_laptop = { H_LAPTOP, "Janes-MacBook-Pro", false };

static void ews_boot(struct gen *g, uint64_t ts)
{
	ts = dhcp_dora(g, ts, &dhcp_ews);
	arp_gratuitous(g, ts + rng_range(g, 40000, 90000), H_EWS, true);
}

static void ews_browse(struct gen *g, uint64_t ts, const struct tls_site *site, size_t n_resp)
{
	static const uint8_t aaaa_example[16] = { 0x26, 0x06, 0x28, 0x00, 0x02, 0x1f, 0xcb, 0x07,
						  0x68, 0x20, 0x80, 0xda, 0xaf, 0x6b, 0x8b, 0x2c };
	uint64_t t, hold;
	size_t n_req;

	t = dns_lookup_a(g, ts, H_EWS, site->sni, site->server);
	if (site->server == H_WWW_EXAMPLE)
		dns_lookup(g, ts + rng_range(g, 100, 300), H_EWS, site->sni, DNS_TYPE_AAAA,
			   aaaa_example, sizeof(aaaa_example), 3600);
	t += rng_range(g, 2000, 6000);
	n_req = rng_range(g, 400, 700);
	hold = rng_range(g, 2, 8) * USEC;
	tls_visit(g, t, H_EWS, site, &tls_win, n_req, n_resp, hold);
}

/* HTTP to the camera's web server: the start page, then an ISAPI call */
static void ews_camera_web(struct gen *g, uint64_t ts)
{
	static const char body_ok[] =
		"<!DOCTYPE html>\n"
		"<html>\n<head>\n"
		"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n"
		"<title>Network Camera</title>\n"
		"<script>window.location.href = \"/doc/page/login.asp?_\" + "
		"(new Date()).getTime();</script>\n"
		"</head>\n<body></body>\n</html>\n";
	static const char body_401[] =
		"<!DOCTYPE html>\n"
		"<html><head><title>Document Error: Unauthorized</title></head>\n"
		"<body><h2>Access Error: 401 -- Unauthorized</h2>\n"
		"<p>Authentication Error</p>\n</body>\n</html>\n";
	static const char ua[] =
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		"Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0";
	static uint8_t buf[2048];
	struct wbuf b = WBUF(buf);
	struct tcp_conn c;
	char date[40], nonce[33];

	tcp_init(g, &c, H_EWS, H_CAM, 80);
	ts = tcp_connect(g, &c, ts);
	wb_fmt(&b,
	       "GET / HTTP/1.1\r\n"
	       "Host: 10.10.1.50\r\n"
	       "Connection: keep-alive\r\n"
	       "Upgrade-Insecure-Requests: 1\r\n"
	       "User-Agent: %s\r\n"
	       "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
	       "Accept-Encoding: gzip, deflate\r\n"
	       "Accept-Language: nl-NL,nl;q=0.9,en;q=0.8\r\n"
	       "\r\n",
	       ua);
	ts = tcp_send(g, &c, C2S, ts + rng_range(g, 100, 400), b.p, b.len);

	ts = tcp_answer_at(g, &c, S2C, ts, 2000, 8000);
	http_date(date, sizeof(date), ts);
	b.len = 0;
	wb_fmt(&b,
	       "HTTP/1.1 200 OK\r\n"
	       "Date: %s\r\n"
	       "Server: App-webs/\r\n"
	       "Content-Type: text/html\r\n"
	       "Content-Length: %zu\r\n"
	       "Connection: keep-alive\r\n"
	       "X-Frame-Options: SAMEORIGIN\r\n"
	       "Cache-Control: no-cache\r\n"
	       "\r\n%s",
	       date, strlen(body_ok), body_ok);
	ts = tcp_send(g, &c, S2C, ts, b.p, b.len);

	b.len = 0;
	wb_fmt(&b,
	       "GET /ISAPI/System/deviceInfo HTTP/1.1\r\n"
	       "Host: 10.10.1.50\r\n"
	       "Connection: keep-alive\r\n"
	       "User-Agent: %s\r\n"
	       "Accept: */*\r\n"
	       "Referer: http://10.10.1.50/\r\n"
	       "Accept-Encoding: gzip, deflate\r\n"
	       "Accept-Language: nl-NL,nl;q=0.9,en;q=0.8\r\n"
	       "\r\n",
	       ua);
	ts = tcp_send(g, &c, C2S, tcp_answer_at(g, &c, C2S, ts, 20000, 60000), b.p, b.len);

	ts = tcp_answer_at(g, &c, S2C, ts, 1000, 5000);
	http_date(date, sizeof(date), ts);
	hex_random(g, nonce, 32);
	b.len = 0;
	wb_fmt(&b,
	       "HTTP/1.1 401 Unauthorized\r\n"
	       "Date: %s\r\n"
	       "Server: App-webs/\r\n"
	       "Content-Length: %zu\r\n"
	       "Content-Type: text/html\r\n"
	       "Connection: keep-alive\r\n"
	       "WWW-Authenticate: Digest qop=\"auth\", realm=\"IP Camera(G1234)\", "
	       "nonce=\"%s\", stale=\"FALSE\"\r\n"
	       "\r\n%s",
	       date, strlen(body_401), nonce, body_401);
	ts = tcp_send(g, &c, S2C, ts, b.p, b.len);
	tcp_ack(g, &c, C2S, ts + rng_range(g, 30000, 50000));
	tcp_close(g, &c, C2S, ts + rng_range(g, 4000000, 6000000));
}

/* --- RTSP: the HMI checks the camera stream ---------------------------- */

static uint64_t rtsp_exchange(struct gen *g, struct tcp_conn *c, uint64_t ts, const char *req,
			      const char *rsp)
{
	ts = tcp_send(g, c, C2S, ts, (const uint8_t *)req, strlen(req));
	return tcp_send(g, c, S2C, tcp_answer_at(g, c, S2C, ts, 1500, 6000), (const uint8_t *)rsp,
			strlen(rsp));
}

static void hmi_rtsp_check(struct gen *g, uint64_t ts)
{
	static const char url[] = "rtsp://10.10.1.50:554/Streaming/Channels/101";
	static const char ua[] = "LibVLC/3.0.18 (LIVE555 Streaming Media v2016.11.28)";
	static const char realm[] = "IP Camera(G1234)";
	char req[640], rsp[1536], sdp[1024], date[40], nonce[33], resp[33];
	struct tcp_conn c;
	uint64_t sess = PG_START_SEC * USEC + ts;

	tcp_init(g, &c, H_HMI, H_CAM, 554);
	ts = tcp_connect(g, &c, ts);

	snprintf(req, sizeof(req), "OPTIONS %s RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: %s\r\n\r\n", url, ua);
	http_date(date, sizeof(date), ts);
	snprintf(rsp, sizeof(rsp),
		 "RTSP/1.0 200 OK\r\nCSeq: 2\r\n"
		 "Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, "
		 "GET_PARAMETER\r\n"
		 "Date: %s\r\n\r\n",
		 date);
	ts = rtsp_exchange(g, &c, ts + rng_range(g, 100, 300), req, rsp);

	snprintf(req, sizeof(req),
		 "DESCRIBE %s RTSP/1.0\r\nCSeq: 3\r\nUser-Agent: %s\r\nAccept: application/sdp\r\n\r\n",
		 url, ua);
	hex_random(g, nonce, 32);
	snprintf(rsp, sizeof(rsp),
		 "RTSP/1.0 401 Unauthorized\r\nCSeq: 3\r\n"
		 "WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", stale=\"FALSE\"\r\n"
		 "Date: %s\r\n\r\n",
		 realm, nonce, date);
	ts = rtsp_exchange(g, &c, tcp_answer_at(g, &c, C2S, ts, 300, 1200), req, rsp);

	hex_random(g, resp, 32); /* the digest itself is not checked by anyone */
	snprintf(req, sizeof(req),
		 "DESCRIBE %s RTSP/1.0\r\nCSeq: 4\r\n"
		 "Authorization: Digest username=\"viewer\", realm=\"%s\", nonce=\"%s\", "
		 "uri=\"%s\", response=\"%s\"\r\n"
		 "User-Agent: %s\r\nAccept: application/sdp\r\n\r\n",
		 url, realm, nonce, url, resp, ua);
	snprintf(sdp, sizeof(sdp),
		 "v=0\r\n"
		 "o=- %llu %llu IN IP4 10.10.1.50\r\n"
		 "s=Media Presentation\r\n"
		 "e=NONE\r\n"
		 "b=AS:5050\r\n"
		 "t=0 0\r\n"
		 "a=control:%s/\r\n"
		 "m=video 0 RTP/AVP 96\r\n"
		 "c=IN IP4 0.0.0.0\r\n"
		 "b=AS:5000\r\n"
		 "a=recvonly\r\n"
		 "a=x-dimensions:2560,1440\r\n"
		 "a=control:%s/trackID=1\r\n"
		 "a=rtpmap:96 H264/90000\r\n"
		 "a=fmtp:96 profile-level-id=420029; packetization-mode=1\r\n",
		 (unsigned long long)sess, (unsigned long long)sess, url, url);
	snprintf(rsp, sizeof(rsp),
		 "RTSP/1.0 200 OK\r\nCSeq: 4\r\n"
		 "Content-Type: application/sdp\r\n"
		 "Content-Base: %s/\r\n"
		 "Content-Length: %zu\r\n\r\n%s",
		 url, strlen(sdp), sdp);
	ts = rtsp_exchange(g, &c, tcp_answer_at(g, &c, C2S, ts, 300, 1200), req, rsp);
	tcp_close(g, &c, C2S, ts + rng_range(g, 5000, 20000));
}

/* --- ICMP: the firewall's link monitor pings the switch ---------------- */

static void router_ping(struct gen *g, uint64_t ts)
{
	uint8_t m[64];
	struct wbuf b = WBUF(m);
	struct l3 a;
	unsigned i;

	wb_u8(&b, 8);
	wb_u8(&b, 0);
	wb_be16(&b, 0);
	wb_be16(&b, 0x2a01);
	wb_be16(&b, g->st.icmp_seq);
	for (i = 0; i < 56; i++)
		wb_u8(&b, i);
	wb_set_be16(&b, 2, csum_fold(csum_add(0, m, b.len)));
	l3_unicast(g, ts, H_ROUTER, H_SWITCH, &a);
	ip_frame(g, ts, &a, IPPROTO_ICMP_, m, b.len);

	m[0] = 0; /* echo reply */
	m[2] = 0;
	m[3] = 0;
	wb_set_be16(&b, 2, csum_fold(csum_add(0, m, b.len)));
	ts += rng_range(g, 300, 900);
	l3_unicast(g, ts, H_SWITCH, H_ROUTER, &a);
	ip_frame(g, ts, &a, IPPROTO_ICMP_, m, b.len);
	g->st.icmp_seq++;
}

/* --- the HMI's remote-support agent ------------------------------------ */

static void hmi_support(struct gen *g, uint64_t ts)
{
	uint64_t t = dns_lookup_a(g, ts, H_HMI, site_support.sni, H_SUPPORT);
	uint64_t hold;
	size_t n_req, n_resp;

	t += rng_range(g, 1000, 3000);
	n_req = rng_range(g, 150, 300);
	n_resp = rng_range(g, 200, 600);
	hold = rng_range(g, 20, 40) * USEC;
	tls_visit(g, t, H_HMI, &site_support, &tls_agent, n_req, n_resp, hold);
}

/* --- the laptop: DHCP, mDNS, HTTPS --------------------------------------- */

static void mdns_send(struct gen *g, uint64_t ts, const uint8_t *m, size_t n)
{
	struct l3 a = { H_LAPTOP, host_mac(H_LAPTOP), mac_mdns, g->h[H_LAPTOP].ip, IP_MDNS, 255,
			false };

	udp_frame(g, ts, &a, 5353, 5353, m, n);
}

static void laptop_join(struct gen *g, uint64_t ts)
{
	static const char host[] = "Janes-MacBook-Pro.local";
	uint8_t m[256];
	struct wbuf b = WBUF(m);
	uint32_t ip = g->h[H_LAPTOP].ip;

	ts = dhcp_dora(g, ts, &dhcp_laptop);
	arp_gratuitous(g, ts + rng_range(g, 5000, 20000), H_LAPTOP, false);

	/* RFC 6762 8.1 probe: QU question for the name, proposed record in authority */
	ts += rng_range(g, 100000, 250000);
	wb_be16(&b, 0);
	wb_be16(&b, 0);
	wb_be16(&b, 1);
	wb_be16(&b, 0);
	wb_be16(&b, 1);
	wb_be16(&b, 0);
	dns_name(&b, host);
	wb_be16(&b, DNS_TYPE_ANY);
	wb_be16(&b, 0x8001); /* QU, IN */
	wb_be16(&b, 0xc00c);
	wb_be16(&b, DNS_TYPE_A);
	wb_be16(&b, 1);
	wb_be32(&b, 120);
	wb_be16(&b, 4);
	wb_be32(&b, ip);
	mdns_send(g, ts, m, b.len);

	/* 8.3 announcement: A and reverse PTR, cache-flush */
	ts += rng_range(g, 250000, 300000);
	b.len = 0;
	wb_be16(&b, 0);
	wb_be16(&b, 0x8400); /* response, authoritative */
	wb_be16(&b, 0);
	wb_be16(&b, 2);
	wb_be16(&b, 0);
	wb_be16(&b, 0);
	dns_name(&b, host);
	wb_be16(&b, DNS_TYPE_A);
	wb_be16(&b, 0x8001);
	wb_be32(&b, 120);
	wb_be16(&b, 4);
	wb_be32(&b, ip);
	dns_name(&b, "99.1.10.10.in-addr.arpa");
	wb_be16(&b, DNS_TYPE_PTR);
	wb_be16(&b, 0x8001);
	wb_be32(&b, 120);
	wb_be16(&b, 2);
	wb_be16(&b, 0xc00c);
	mdns_send(g, ts, m, b.len);

	/* service browsing: "_airplay._tcp.local" and "_raop" + pointer to "_tcp.local" */
	ts += rng_range(g, 200000, 400000);
	b.len = 0;
	wb_be16(&b, 0);
	wb_be16(&b, 0);
	wb_be16(&b, 2);
	wb_be16(&b, 0);
	wb_be16(&b, 0);
	wb_be16(&b, 0);
	dns_name(&b, "_airplay._tcp.local");
	wb_be16(&b, DNS_TYPE_PTR);
	wb_be16(&b, 1);
	wb_u8(&b, 5);
	wb_str(&b, "_raop");
	wb_be16(&b, 0xc000 | (12 + 9)); /* 12-byte header, then 9 bytes of "\x08_airplay" */
	wb_be16(&b, DNS_TYPE_PTR);
	wb_be16(&b, 1);
	mdns_send(g, ts, m, b.len);
}

static void laptop_browse(struct gen *g, uint64_t ts)
{
	uint64_t t = dns_lookup_a(g, ts, H_LAPTOP, site_wikipedia.sni, H_WIKIPEDIA);
	uint64_t hold;
	size_t n_req, n_resp;

	t += rng_range(g, 1000, 4000);
	n_req = rng_range(g, 500, 800);
	n_resp = rng_range(g, 6000, 14000);
	hold = rng_range(g, 3, 10) * USEC;
	tls_visit(g, t, H_LAPTOP, &site_wikipedia, &tls_mac, n_req, n_resp, hold);
}

/* ------------------------------------------------------------------ */
/* the timeline                                                       */

/* every exchange that starts in second s; see README.md for the table */
static void plant_tick(struct gen *g, uint64_t s)
{
	uint64_t t = s * USEC;
	uint64_t cyc = s % PG_CYCLE_SEC;

	if (s == 0)
		plc_hello(g, t + 10 * MSEC);
	if (s % 30 == 0)
		lldp_send(g, t + 500 * MSEC + rng_range(g, 0, 2000));
	if (s == 1)
		modbus_open(g, t + 100 * MSEC);
	if (s >= 1)
		modbus_round(g, t + 200 * MSEC + rng_range(g, 0, 8000));
	if (s == 2)
		s7_open(g, t + 300 * MSEC);
	if (s >= 7 && s % 5 == 2)
		s7_round(g, t + 600 * MSEC + rng_range(g, 0, 8000));
	if (s == 3)
		ews_boot(g, t + 50 * MSEC);
	if (s >= 5 && s % 90 == 5)
		ews_browse(g, t + 100 * MSEC, &site_example, rng_range(g, 1200, 4000));
	if (s % 64 == 9)
		ntp_poll(g, t + 400 * MSEC + rng_range(g, 0, 5000));
	if (s >= 12 && s % 150 == 12)
		ews_browse(g, t + 300 * MSEC, &site_python, rng_range(g, 9000, 30000));
	if (s % 60 == 20)
		hmi_rtsp_check(g, t + 700 * MSEC);
	if (cyc == 35)
		ews_s7_identify(g, t + 200 * MSEC);
	if (cyc == 40)
		ews_camera_web(g, t + 500 * MSEC);
	if (s % 60 == 50)
		router_ping(g, t + 800 * MSEC);
	if (s % 120 == 60)
		hmi_support(g, t + 300 * MSEC);
	if (s == 120)
		laptop_join(g, t + 100 * MSEC);
	if (s >= 125 && s % 60 == 5)
		laptop_browse(g, t + 700 * MSEC);
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: plantgen [-o FILE] [--scale N] [-v]\n"
		"Write a synthetic plant-network capture (pcap, Ethernet) to FILE or stdout.\n"
		"  -o, --output FILE  where to write (default: stdout, if it is not a terminal)\n"
		"  -s, --scale N      repeat the %u-second scenario N times (1..%u, default 1)\n"
		"  -v, --verbose      print the frame count and size to stderr\n",
		PG_CYCLE_SEC, PG_SCALE_MAX);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "scale", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	unsigned long scale = 1;
	bool verbose = false;
	struct gen *g;
	FILE *out;
	uint64_t s, n_sec;
	int ch;

	while ((ch = getopt_long(argc, argv, "o:s:vh", opts, NULL)) != -1) {
		char *end;

		switch (ch) {
		case 'o':
			path = optarg;
			break;
		case 's':
			scale = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || scale < 1 || scale > PG_SCALE_MAX)
				die("--scale wants a number from 1 to %u, not \"%s\"", PG_SCALE_MAX,
				    optarg);
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_FAILURE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_FAILURE;
	}
	if (path == NULL || strcmp(path, "-") == 0) {
		if (isatty(STDOUT_FILENO))
			die("refusing to write a capture to a terminal; use -o FILE");
		out = stdout;
	} else {
		out = fopen(path, "wb");
		if (out == NULL)
			die("%s: cannot create: %m", path);
	}

	g = malloc(sizeof(*g));
	if (g == NULL)
		die("out of memory");
	gen_init(g, out);
	plant_init(g);
	pcap_header(g);
	n_sec = (uint64_t)PG_CYCLE_SEC * scale;
	for (s = 0; s < n_sec; s++) {
		plant_tick(g, s);
		flush_before(g, (s + 1) * USEC);
	}
	flush_before(g, UINT64_MAX); /* the tails of the last exchanges */
	if (fflush(out) != 0 || ferror(out))
		die("%s: write failed: %m", path ? path : "stdout");
	if (out != stdout && fclose(out) != 0)
		die("%s: write failed: %m", path);
	if (verbose)
		fprintf(stderr, "plantgen: %llu frames, %llu bytes of frames, %llu s\n",
			(unsigned long long)g->n_frames, (unsigned long long)g->n_bytes,
			(unsigned long long)n_sec);
	free(g->pend);
	free(g);
	return EXIT_SUCCESS;
}
